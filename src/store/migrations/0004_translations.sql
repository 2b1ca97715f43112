-- 0004: translations, and the indexes behind the language, author and
-- monthly archive pages.

-- A translation group: the articles that tell the same story in other
-- languages. An article is in at most one group; an article in none has no
-- row. group_id is a number the group's articles share, nothing more (a
-- new group takes the highest one plus one). The cascade drops the row of
-- a purged article.
CREATE TABLE article_translations (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL
);
CREATE INDEX article_translations_by_group ON article_translations(group_id);

-- Per-language home pages ask for "published, this language, newest first";
-- language tags compare case-insensitively ("pt-BR" is "pt-br"). Status and
-- deleted_at are in the index so that whether an article is public is
-- answered there, not from its row (whose dates sit after its body).
CREATE INDEX articles_by_lang ON articles(lang COLLATE NOCASE, status, deleted_at, published_at);
-- Author pages: one author's articles, newest first.
CREATE INDEX articles_by_author_date ON articles(author_id, status, deleted_at, published_at);
