-- 0005: moving sites in: imported HTML bodies, old addresses that redirect,
-- what an import came from (so a second run updates instead of
-- duplicating), and nested sections.

-- How body_src is written: 0 Markdown (the editor, the CLI), 1 HTML (an
-- import). Both end up as sanitized HTML in body_html.
ALTER TABLE articles ADD COLUMN body_format INTEGER NOT NULL DEFAULT 0;

-- A tag's parent (WordPress categories nest); NULL for none.
ALTER TABLE tags ADD COLUMN parent_id INTEGER REFERENCES tags(id) ON DELETE SET NULL;

-- Old addresses: a request for `path` (with its query string, when it has
-- one: "/?p=12") answers 301 to `target` (a path of this site).
CREATE TABLE redirects (
    path       TEXT PRIMARY KEY,
    target     TEXT NOT NULL,
    created_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Where imported things came from: (source, key) is, for a WordPress
-- export, ("wxr:" + the site's base URL, "post:" + the WordPress post id),
-- "term:" + term id, "author:" + login, "attachment:" + id. kind names the
-- local table, local_id its row.
CREATE TABLE import_keys (
    source   TEXT NOT NULL,
    key      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX import_keys_by_local ON import_keys(kind, local_id);
