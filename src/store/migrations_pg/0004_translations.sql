-- 0004 (PostgreSQL): translations and the indexes behind the language,
-- author and monthly pages, as migrations/0004_translations.sql. Language
-- tags compare without regard to case: lower(lang).

CREATE TABLE article_translations (
    article_id bigint PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id   bigint NOT NULL
);
CREATE INDEX article_translations_by_group ON article_translations(group_id);

CREATE INDEX articles_by_lang ON articles(lower(lang), status, deleted_at, published_at);
CREATE INDEX articles_by_author_date ON articles(author_id, status, deleted_at, published_at);
