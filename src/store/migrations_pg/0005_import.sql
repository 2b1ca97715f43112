-- 0005 (PostgreSQL): imports, redirects and nested sections, as
-- migrations/0005_import.sql.

ALTER TABLE articles ADD COLUMN body_format integer NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN parent_id bigint REFERENCES tags(id) ON DELETE SET NULL;

CREATE TABLE redirects (
    path       text PRIMARY KEY,
    target     text NOT NULL,
    created_at bigint NOT NULL DEFAULT 0
);

CREATE TABLE import_keys (
    source   text NOT NULL,
    key      text NOT NULL,
    kind     text NOT NULL,
    local_id bigint NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE INDEX import_keys_by_local ON import_keys(kind, local_id);
