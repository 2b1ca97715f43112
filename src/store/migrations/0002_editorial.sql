-- 0002: the newsroom: accounts, sessions, API tokens, login throttling,
-- revisions, trash, featured images and the media library.

-- An author is a user: the byline on an article and the account that logs
-- in are one row. An author without a password (pass_hash '') cannot log
-- in (authors created by `gazette new --author`, or by an import, until
-- someone sets their password).
ALTER TABLE authors ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN email TEXT NOT NULL DEFAULT '';
-- 'admin', 'editor', 'author' or 'contributor'.
ALTER TABLE authors ADD COLUMN role TEXT NOT NULL DEFAULT 'author';
-- libsodium's argon2id string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash").
ALTER TABLE authors ADD COLUMN pass_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- Sessions and API tokens are random 256-bit secrets; only their SHA-256
-- is stored, so a copy of the database logs nobody in.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL DEFAULT 0
);

-- Login throttling, per account ("u:NAME") and per address ("a:ADDR"):
-- consecutive failures and the time before which the next try is refused.
CREATE TABLE login_throttle (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    until    INTEGER NOT NULL
) WITHOUT ROWID;

-- Trash: a deleted article keeps its row, off the site, until restored or
-- emptied. 0 when not deleted.
ALTER TABLE articles ADD COLUMN deleted_at INTEGER NOT NULL DEFAULT 0;
-- The featured image: a URL (usually /media/...), '' when none.
ALTER TABLE articles ADD COLUMN image TEXT NOT NULL DEFAULT '';

-- Every save of an article keeps what was saved.
CREATE TABLE revisions (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    title        TEXT NOT NULL,
    slug         TEXT NOT NULL,
    summary      TEXT NOT NULL,
    body_src     TEXT NOT NULL,
    lang         TEXT NOT NULL,
    status       INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    tags         TEXT NOT NULL DEFAULT '',  -- names joined by newlines
    image        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisions_by_article ON revisions(article_id, id);

-- Uploaded files, stored on disk by content: media/HASH[0:2]/HASH.EXT.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    mime       TEXT NOT NULL,
    ext        TEXT NOT NULL,
    size       INTEGER NOT NULL,
    width      INTEGER NOT NULL DEFAULT 0,
    height     INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL,
    user_id    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX articles_by_author ON articles(author_id);
CREATE INDEX articles_by_updated ON articles(updated_at DESC);

-- What the site lists: published, not in the trash, by date. With
-- updated_at in it, sitemaps and feeds read their dates from the index
-- instead of from rows whose body sits between them and the dates.
CREATE INDEX articles_live ON articles(status, deleted_at, published_at, updated_at);
