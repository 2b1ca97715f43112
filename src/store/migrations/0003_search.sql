-- 0003: full-text search, tag descriptions and tag aliases.

-- A tag's description, shown on its page: plain text, '' when none.
ALTER TABLE tags ADD COLUMN description TEXT NOT NULL DEFAULT '';

-- Other names of a tag ("AI", "A.I." for "Artificial intelligence"). An
-- alias resolves to its tag: /tag/SLUG of an alias redirects to the tag's
-- page, and a search for the alias also finds the tag's name.
CREATE TABLE tag_aliases (
    id     INTEGER PRIMARY KEY,
    alias  TEXT NOT NULL,          -- as typed
    norm   TEXT NOT NULL UNIQUE,   -- normalized (content/normalize.h): compared
    slug   TEXT NOT NULL,          -- its URL slug (content/slug.h)
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);
CREATE INDEX tag_aliases_by_slug ON tag_aliases(slug);
CREATE INDEX tag_aliases_by_tag ON tag_aliases(tag_id);

-- The search index: one row per article (rowid = article id) with the
-- plain text of its title, summary, body (its sanitized HTML without
-- markup) and tag names. The "gazette" tokenizer and the gz_search_*
-- functions are gazette's own (src/store/sqlite_search.c), registered on
-- every connection gazette opens: the sqlite3 shell cannot use this table.
-- Which rows may be found (published, not in the trash) is decided when
-- searching. Prefix indexes of 3 and 4 characters keep "abc*" fast
-- (content/search.h: shorter prefixes are searched as words).
CREATE VIRTUAL TABLE article_search USING fts5(
    title, summary, body, tags,
    tokenize = 'gazette',
    prefix = '3 4'
);

-- Articles saved inside a longer transaction (a bulk load), waiting to be
-- indexed when it commits (src/store/sqlite_search.c says why). Empty
-- between transactions.
CREATE TABLE search_pending (article_id INTEGER PRIMARY KEY);

-- What a search checks of each candidate article (is it public? which
-- language?), read from this index alone rather than from the long rows
-- (src/store/sqlite_search.c).
CREATE INDEX articles_search_filter
    ON articles(id, status, published_at, deleted_at, lang);

-- The articles already there. The same row as gz_sqlite_search_index.
INSERT INTO article_search (rowid, title, summary, body, tags)
SELECT a.id, gz_search_clean(a.title), gz_search_clean(a.summary),
       gz_search_html(a.body_html),
       coalesce((SELECT group_concat(n, ' | ') FROM
                 (SELECT gz_search_clean(t.name) AS n FROM article_tags at
                  JOIN tags t ON t.id = at.tag_id
                  WHERE at.article_id = a.id ORDER BY at.position)), '')
FROM articles a;
