-- 0001: the initial schema.
-- Times are Unix seconds (UTC); days and hours are Unix day/hour numbers.

CREATE TABLE authors (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL DEFAULT 0
);

-- AUTOINCREMENT: ids are never reused, because the in-memory view counters
-- are indexed by article id.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    body_src     TEXT NOT NULL DEFAULT '',
    body_html    TEXT NOT NULL DEFAULT '',
    teaser       TEXT NOT NULL DEFAULT '',
    lang         TEXT NOT NULL DEFAULT '',
    status       INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL DEFAULT 0,
    author_id    INTEGER REFERENCES authors(id),
    change_seq   INTEGER NOT NULL
);
CREATE INDEX articles_by_status ON articles(status, published_at DESC);
CREATE INDEX articles_by_change_seq ON articles(change_seq);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE
);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags(tag_id);

-- No foreign keys on the view tables: a flush must never fail because an
-- article went away between the hit and the flush.
CREATE TABLE views_daily (
    article_id INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (article_id, day)
) WITHOUT ROWID;

CREATE TABLE views_hourly (
    article_id INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (hour, article_id)
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The change sequence: one row, bumped by every article save and copied
-- into the saved article's change_seq, so caches can ask what changed.
CREATE TABLE change_seq (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO change_seq (id, seq) VALUES (1, 0);
