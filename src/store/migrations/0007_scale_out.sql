-- 0007: scheduled articles go live once for the whole site. A scheduled
-- article is live by itself when its time comes (every read compares
-- published_at with now); this table records the moment one server noticed
-- it, so what follows (its pages dropped from every cache, the log line,
-- the metric) happens once however many servers share the database. The
-- key is the article and the time it was scheduled for: moved to another
-- time, it goes live again then.
CREATE TABLE scheduled_live (
    article_id   INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    live_at      INTEGER NOT NULL,
    PRIMARY KEY (article_id, published_at)
) WITHOUT ROWID;
