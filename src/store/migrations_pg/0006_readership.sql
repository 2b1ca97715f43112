-- 0006 (PostgreSQL): readership, as migrations/0006_readership.sql. Each
-- server merges its sketches into these rows under a row lock (SELECT ...
-- FOR UPDATE), so the union of every server's readers is stored.

CREATE TABLE readers (
    article_id bigint NOT NULL,
    kind       integer NOT NULL CHECK (kind IN (1, 2, 3)),
    period     bigint NOT NULL,
    hll        bytea NOT NULL,
    UNIQUE (kind, period, article_id)
);
CREATE INDEX readers_by_article ON readers(article_id, kind, period);

CREATE TABLE referrers_daily (
    article_id bigint NOT NULL,
    day        bigint NOT NULL,
    domain     text NOT NULL,
    count      bigint NOT NULL,
    PRIMARY KEY (day, article_id, domain)
);
CREATE INDEX referrers_by_article ON referrers_daily(article_id, day);

CREATE INDEX views_daily_by_day ON views_daily(day, count);
