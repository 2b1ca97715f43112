/* The SQLite backend of the store: unique readers (HyperLogLog sketches,
 * table readers) and referring domains (table referrers_daily), written by
 * the views flusher and read for Most viewed by readers and the dashboard.
 *
 * A sketch is merged, never replaced: the flusher hands over the readers
 * it saw since its last tick, and the stored sketch becomes the union of
 * the two (read, merge, write, inside one transaction, so two flushes can
 * never lose each other's readers). Estimates over several periods are the
 * estimate of the union of their sketches: a reader seen on two hours of
 * the same day counts once for the day's window. */
#include <stdlib.h>

#include "core/log.h"
#include "store/sqliteInt.h"
#include "store/storeInt.h"
#include "views/hll.h"

static const char SQL_READERS_GET[] =
    "SELECT hll FROM readers WHERE kind = ?1 AND period = ?2 AND article_id = ?3";
static const char SQL_READERS_PUT[] =
    "INSERT INTO readers (article_id, kind, period, hll) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (kind, period, article_id) DO UPDATE SET hll = excluded.hll";
static const char SQL_REFERRER_ADD[] =
    "INSERT INTO referrers_daily (article_id, day, domain, count) "
    "VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (day, article_id, domain) DO UPDATE SET count = count + excluded.count";
static const char SQL_READERS_PRUNE[] =
    "DELETE FROM readers WHERE kind = 1 AND period < ?1";
static const char SQL_REFERRERS_PRUNE[] = "DELETE FROM referrers_daily WHERE day < ?1";
/* One article's sketches: readers_by_article (article_id, kind, period). */
static const char SQL_READERS_ONE[] =
    "SELECT hll FROM readers WHERE article_id = ?1 AND kind = ?2 "
    "AND period BETWEEN ?3 AND ?4";
/* Every article's, grouped by article for readers_each. */
static const char SQL_READERS_EACH[] =
    "SELECT article_id, hll FROM readers WHERE kind = ?1 AND period BETWEEN ?2 AND ?3 "
    "AND article_id > 0 ORDER BY article_id";

/* Merges column col of st's current row into h. A stored value that is no
 * sketch (a damaged row) is skipped with a warning rather than failing the
 * reads and writes of every other article. */
static void merge_column(struct gz_hll *h, sqlite3_stmt *st, int col)
{
    const void *bytes = sqlite3_column_blob(st, col);
    size_t len = (size_t)sqlite3_column_bytes(st, col);
    if (gz_hll_merge_bytes(h, bytes, len) != GZ_OK)
        gz_warn("store: a stored readers sketch is damaged (%zu bytes); ignored", len);
}

/* ---- writes ---- */

/* The stored sketch of d's row merged into h (nothing when there is none). */
static int read_stored(struct sqlite_store *s, const struct gz_readers_delta *d,
                       struct gz_hll *h)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_READERS_GET);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, d->kind, &rc);
    gz_sqlite_bind_i64(st, 2, d->period, &rc);
    gz_sqlite_bind_i64(st, 3, d->article_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a readers key")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        merge_column(h, st, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK
                                               : gz_sqlite_fail(s, "reading readers");
    done(st);
    return rc;
}

static int write_sketch(struct sqlite_store *s, const struct gz_readers_delta *d,
                        const struct gz_hll *h)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_READERS_PUT);
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_hll_serialize(h, &bytes, &len);
    gz_sqlite_bind_i64(st, 1, d->article_id, &rc);
    gz_sqlite_bind_i64(st, 2, d->kind, &rc);
    gz_sqlite_bind_i64(st, 3, d->period, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob64(st, 4, bytes, len, SQLITE_STATIC);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a readers sketch")) == GZ_OK)
        rc = gz_sqlite_step_done(s, st, "writing readers");
    free(bytes);
    return rc;
}

/* One delta: read, merge, write. GZ_EINVAL when its bytes are no sketch. */
static int merge_one(struct sqlite_store *s, const struct gz_readers_delta *d)
{
    if (!gz_store_readers_kind_ok(d->kind) || d->article_id < 0 || (d->len && !d->hll))
        return GZ_EINVAL;
    struct gz_hll *h = gz_hll_new();
    int rc = gz_hll_merge_bytes(h, d->hll, d->len);
    if (rc != GZ_OK) {
        gz_error("store: readers of article %lld: not a sketch (%zu bytes)",
                 (long long)d->article_id, d->len);
        rc = GZ_EINVAL;
    }
    if (rc == GZ_OK)
        rc = read_stored(s, d, h);
    if (rc == GZ_OK)
        rc = write_sketch(s, d, h);
    gz_hll_free(h);
    return rc;
}

static int referrer_add(struct sqlite_store *s, const struct gz_referrer_delta *r)
{
    if (r->article_id < 0 || r->count < 0)
        return GZ_EINVAL;
    if (r->count == 0)
        return GZ_OK;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_REFERRER_ADD);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, r->article_id, &rc);
    gz_sqlite_bind_i64(st, 2, r->day, &rc);
    gz_sqlite_bind_text(st, 3, r->domain, &rc);
    gz_sqlite_bind_i64(st, 4, r->count, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a referrer count")))
        return rc;
    return gz_sqlite_step_done(s, st, "adding referrer counts");
}

/* Runs a one-parameter DELETE. */
static int prune(struct sqlite_store *s, const char *sql, int64_t before,
                 const char *what)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, before, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, what)))
        return rc;
    return gz_sqlite_step_done(s, st, what);
}

int gz_sqlite_readers_merge(struct gz_store *gs, const struct gz_readers_delta *d,
                            size_t n, const struct gz_referrer_delta *r, size_t nr,
                            int64_t prune_before_hour, int64_t prune_referrers_before_day)
{
    struct sqlite_store *s = from(gs);
    if ((n && !d) || (nr && !r))
        return GZ_EINVAL;
    if (!n && !nr && prune_before_hour <= 0 && prune_referrers_before_day <= 0)
        return GZ_OK;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    for (size_t i = 0; i < n && rc == GZ_OK; i++)
        rc = merge_one(s, &d[i]);
    for (size_t i = 0; i < nr && rc == GZ_OK; i++)
        rc = referrer_add(s, &r[i]);
    if (rc == GZ_OK && prune_before_hour > 0)
        rc = prune(s, SQL_READERS_PRUNE, prune_before_hour, "pruning hourly readers");
    if (rc == GZ_OK && prune_referrers_before_day > 0)
        rc = prune(s, SQL_REFERRERS_PRUNE, prune_referrers_before_day,
                   "pruning referrers");
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

/* ---- estimates ---- */

int gz_sqlite_readers_count(struct gz_store *gs, int64_t article_id,
                            enum gz_readers_kind kind, int64_t first, int64_t last,
                            uint64_t *out)
{
    struct sqlite_store *s = from(gs);
    *out = 0;
    if (article_id < 0 || !gz_store_readers_kind_ok(kind))
        return GZ_EINVAL;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_READERS_ONE);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, kind, &rc);
    gz_sqlite_bind_i64(st, 3, first, &rc);
    gz_sqlite_bind_i64(st, 4, last, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a readers range")))
        return rc;
    struct gz_hll *h = gz_hll_new();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        merge_column(h, st, 0);
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading readers");
    done(st);
    if (rc == GZ_OK)
        *out = gz_hll_estimate(h);
    gz_hll_free(h);
    return rc;
}

/* cb must not call back into this store handle: the statement is live.
 * One sketch in memory at a time: rows come ordered by article. */
int gz_sqlite_readers_each(struct gz_store *gs, enum gz_readers_kind kind, int64_t first,
                           int64_t last, gz_readers_cb cb, void *ctx)
{
    struct sqlite_store *s = from(gs);
    if (!cb || !gz_store_readers_kind_ok(kind))
        return GZ_EINVAL;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_READERS_EACH);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, kind, &rc);
    gz_sqlite_bind_i64(st, 2, first, &rc);
    gz_sqlite_bind_i64(st, 3, last, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a readers range")))
        return rc;
    struct gz_hll *h = NULL;
    int64_t current = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (h && id != current) {
            cb(ctx, current, gz_hll_estimate(h));
            gz_hll_free(h);
            h = NULL;
        }
        if (!h)
            h = gz_hll_new();
        current = id;
        merge_column(h, st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading readers");
    done(st);
    if (h && rc == GZ_OK)
        cb(ctx, current, gz_hll_estimate(h));
    if (h)
        gz_hll_free(h);
    return rc;
}
