-- 0007 (PostgreSQL): scheduled articles go live once, as
-- migrations/0007_scale_out.sql. Two servers claiming the same article at
-- the same moment meet on the primary key: INSERT ... ON CONFLICT DO
-- NOTHING lets the second wait for the first to commit, then claim
-- nothing.
CREATE TABLE scheduled_live (
    article_id   bigint NOT NULL,
    published_at bigint NOT NULL,
    live_at      bigint NOT NULL,
    PRIMARY KEY (article_id, published_at)
);
