-- Readership (issue 9): unique readers as HyperLogLog sketches (src/views/hll.h
-- gives the bytes) and where readers came from, aggregated by domain. Nothing
-- here names a reader: no address, no user agent, no salt.
-- No foreign keys, as on the view tables: a flush must never fail because an
-- article went away between the view and the flush.

-- kind 1: one UTC hour (period = Unix hour), kept a little over a day, for
--         the 24 h window;
-- kind 2: one UTC day (period = Unix day), kept;
-- kind 3: all time (period = 0).
-- article_id 0 is the whole site (its readers, not the sum of the articles').
-- A rowid table, unlike the small rows of referrers_daily: a busy article's
-- sketch is dense (12 KB), and SQLite keeps WITHOUT ROWID tables for rows
-- under about a twentieth of a page.
CREATE TABLE readers (
    article_id INTEGER NOT NULL,
    kind       INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
    period     INTEGER NOT NULL,
    hll        BLOB NOT NULL,
    UNIQUE (kind, period, article_id)
);
CREATE INDEX readers_by_article ON readers(article_id, kind, period);

-- Counted views per article, day and referring domain ('' : none, or the
-- site itself). Dropped after stats.referrer_days when that is set.
CREATE TABLE referrers_daily (
    article_id INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    domain     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (day, article_id, domain)
) WITHOUT ROWID;
CREATE INDEX referrers_by_article ON referrers_daily(article_id, day);

-- The dashboard's site-wide days and top lists read a range of days over
-- every article: without this, each of its pages scanned all of
-- views_daily (its key starts with the article).
CREATE INDEX views_daily_by_day ON views_daily(day, count);
