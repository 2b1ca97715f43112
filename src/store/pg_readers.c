/* The PostgreSQL backend of the store: unique readers (HyperLogLog
 * sketches, table readers) and referring domains (table referrers_daily),
 * as sqlite_readers.c.
 *
 * Every gazette server of a site flushes its own readers into the same
 * rows, so a merge is read, merge in C, write, under the row's lock
 * (SELECT ... FOR UPDATE), all in one transaction: two servers' flushes
 * never lose each other's readers. A row that does not exist yet is
 * inserted with ON CONFLICT DO NOTHING; when another server inserted it
 * meanwhile, the insert waits for that server's commit, and the merge then
 * goes through the lock like any other. Rows are locked in one order (kind,
 * period, article; then referrers by day, article, domain), the same on
 * every server, so two flushes cannot deadlock. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/pgInt.h"
#include "store/storeInt.h"
#include "views/hll.h"

static const char SQL_READERS_LOCK[] =
    "SELECT hll FROM readers WHERE kind = $1 AND period = $2 "
    "AND article_id = $3 FOR UPDATE";
static const char SQL_READERS_INSERT[] =
    "INSERT INTO readers (article_id, kind, period, hll) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (kind, period, article_id) DO NOTHING RETURNING 1";
static const char SQL_READERS_UPDATE[] =
    "UPDATE readers SET hll = $4 WHERE kind = $2 AND period = $3 AND article_id = $1";
static const char SQL_REFERRER_ADD[] =
    "INSERT INTO referrers_daily (article_id, day, domain, count) VALUES ($1, $2, $3, "
    "$4) "
    "ON CONFLICT (day, article_id, domain) "
    "DO UPDATE SET count = referrers_daily.count + excluded.count";
static const char SQL_READERS_PRUNE[] =
    "DELETE FROM readers WHERE kind = 1 AND period < $1";
static const char SQL_REFERRERS_PRUNE[] = "DELETE FROM referrers_daily WHERE day < $1";
/* One article's sketches: readers_by_article (article_id, kind, period). */
static const char SQL_READERS_ONE[] =
    "SELECT hll FROM readers WHERE article_id = $1 AND kind = $2 "
    "AND period BETWEEN $3 AND $4";
/* Every article's, grouped by article for readers_each, through a cursor
 * so that one batch of sketches is in memory at a time, not all of them. */
static const char SQL_READERS_EACH[] =
    "DECLARE gz_readers_each NO SCROLL CURSOR FOR "
    "SELECT article_id, hll FROM readers WHERE kind = $1 AND period BETWEEN $2 AND $3 "
    "AND article_id > 0 ORDER BY article_id";
static const char SQL_READERS_FETCH[] = "FETCH 256 FROM gz_readers_each";
static const char SQL_READERS_CLOSE[] = "CLOSE gz_readers_each";

/* Merges column col of r's row into h. A stored value that is no sketch
 * (a damaged row) is skipped with a warning rather than failing the reads
 * and writes of every other article. */
static void merge_column(struct gz_hll *h, const PGresult *r, int row, int col)
{
    size_t len = 0;
    uint8_t *bytes = gz_pg_bytea(r, row, col, &len);
    if (!bytes || gz_hll_merge_bytes(h, bytes, len) != GZ_OK)
        gz_warn("store: a stored readers sketch is damaged (%zu bytes); ignored", len);
    free(bytes);
}

/* ---- writes ---- */

static void key_params(struct gz_pg_params *p, const struct gz_readers_delta *d)
{
    gz_pg_p_i64(p, d->article_id);
    gz_pg_p_i64(p, d->kind);
    gz_pg_p_i64(p, d->period);
}

/* Locks d's stored row and merges it into h; *found is 0 when there is no
 * row. */
static int lock_stored(struct pg_store *s, const struct gz_readers_delta *d,
                       struct gz_hll *h, int *found)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, d->kind);
    gz_pg_p_i64(&p, d->period);
    gz_pg_p_i64(&p, d->article_id);
    char state[6];
    PGresult *r = gz_pg_exec(s, SQL_READERS_LOCK, &p, "reading readers", state);
    if (!r)
        return gz_pg_error(state);
    *found = PQntuples(r) > 0;
    if (*found)
        merge_column(h, r, 0, 0);
    PQclear(r);
    return GZ_OK;
}

/* Writes h as d's row: an update of the locked row, or an insert; *done
 * is 0 when the insert met a row another server inserted meanwhile. */
static int write_sketch(struct pg_store *s, const struct gz_readers_delta *d,
                        const struct gz_hll *h, int update, int *done)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    gz_hll_serialize(h, &bytes, &len);
    struct gz_pg_params p = {0};
    key_params(&p, d);
    gz_pg_p_bytea(&p, bytes, len);
    char state[6];
    PGresult *r = gz_pg_exec(s, update ? SQL_READERS_UPDATE : SQL_READERS_INSERT, &p,
                             "writing readers", state);
    free(bytes);
    if (!r)
        return gz_pg_error(state);
    *done = update || PQntuples(r) > 0;
    PQclear(r);
    return GZ_OK;
}

/* One delta: lock, merge, write. GZ_EINVAL when its bytes are no sketch. */
static int merge_one(struct pg_store *s, const struct gz_readers_delta *d)
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
    /* At most two rounds: the second finds the row the first's insert met. */
    int done = 0;
    for (int round = 0; rc == GZ_OK && !done && round < 2; round++) {
        int found = 0;
        rc = lock_stored(s, d, h, &found);
        if (rc == GZ_OK)
            rc = write_sketch(s, d, h, found, &done);
    }
    if (rc == GZ_OK && !done) {
        gz_error("store: readers of article %lld: the row would not lock",
                 (long long)d->article_id);
        rc = GZ_EIO;
    }
    gz_hll_free(h);
    return rc;
}

static int referrer_add(struct pg_store *s, const struct gz_referrer_delta *r)
{
    if (r->article_id < 0 || r->count < 0)
        return GZ_EINVAL;
    if (r->count == 0)
        return GZ_OK;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, r->article_id);
    gz_pg_p_i64(&p, r->day);
    gz_pg_p_text(&p, r->domain);
    gz_pg_p_i64(&p, r->count);
    return gz_pg_run(s, SQL_REFERRER_ADD, &p, "adding referrer counts");
}

static int prune(struct pg_store *s, const char *sql, int64_t before, const char *what)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, before);
    return gz_pg_run(s, sql, &p, what);
}

/* The lock order of the rows (see the top of the file). */
static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int delta_order(const void *x, const void *y)
{
    const struct gz_readers_delta *a = *(const struct gz_readers_delta *const *)x;
    const struct gz_readers_delta *b = *(const struct gz_readers_delta *const *)y;
    int c = cmp_i64(a->kind, b->kind);
    if (!c)
        c = cmp_i64(a->period, b->period);
    return c ? c : cmp_i64(a->article_id, b->article_id);
}

static int referrer_order(const void *x, const void *y)
{
    const struct gz_referrer_delta *a = *(const struct gz_referrer_delta *const *)x;
    const struct gz_referrer_delta *b = *(const struct gz_referrer_delta *const *)y;
    int c = cmp_i64(a->day, b->day);
    if (!c)
        c = cmp_i64(a->article_id, b->article_id);
    if (!c)
        c = strcmp(a->domain ? a->domain : "", b->domain ? b->domain : "");
    return c;
}

static int merge_all(struct pg_store *s, const struct gz_readers_delta *d, size_t n,
                     const struct gz_referrer_delta *r, size_t nr)
{
    int rc = GZ_OK;
    if (n) {
        const struct gz_readers_delta **order = gz_xmalloc(n * sizeof *order);
        for (size_t i = 0; i < n; i++)
            order[i] = &d[i];
        qsort(order, n, sizeof *order, delta_order);
        for (size_t i = 0; i < n && rc == GZ_OK; i++)
            rc = merge_one(s, order[i]);
        free(order);
    }
    if (nr && rc == GZ_OK) {
        const struct gz_referrer_delta **order = gz_xmalloc(nr * sizeof *order);
        for (size_t i = 0; i < nr; i++)
            order[i] = &r[i];
        qsort(order, nr, sizeof *order, referrer_order);
        for (size_t i = 0; i < nr && rc == GZ_OK; i++)
            rc = referrer_add(s, order[i]);
        free(order);
    }
    return rc;
}

int gz_pg_readers_merge(struct gz_store *gs, const struct gz_readers_delta *d, size_t n,
                        const struct gz_referrer_delta *r, size_t nr,
                        int64_t prune_before_hour, int64_t prune_referrers_before_day)
{
    struct pg_store *s = pg_from(gs);
    if ((n && !d) || (nr && !r))
        return GZ_EINVAL;
    if (!n && !nr && prune_before_hour <= 0 && prune_referrers_before_day <= 0)
        return GZ_OK;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = merge_all(s, d, n, r, nr);
    if (rc == GZ_OK && prune_before_hour > 0)
        rc = prune(s, SQL_READERS_PRUNE, prune_before_hour, "pruning hourly readers");
    if (rc == GZ_OK && prune_referrers_before_day > 0)
        rc = prune(s, SQL_REFERRERS_PRUNE, prune_referrers_before_day,
                   "pruning referrers");
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* ---- estimates ---- */

int gz_pg_readers_count(struct gz_store *gs, int64_t article_id,
                        enum gz_readers_kind kind, int64_t first, int64_t last,
                        uint64_t *out)
{
    struct pg_store *s = pg_from(gs);
    *out = 0;
    if (article_id < 0 || !gz_store_readers_kind_ok(kind))
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, article_id);
    gz_pg_p_i64(&p, kind);
    gz_pg_p_i64(&p, first);
    gz_pg_p_i64(&p, last);
    char state[6];
    PGresult *r = gz_pg_exec(s, SQL_READERS_ONE, &p, "reading readers", state);
    if (!r)
        return gz_pg_error(state);
    struct gz_hll *h = gz_hll_new();
    for (int i = 0; i < PQntuples(r); i++)
        merge_column(h, r, i, 0);
    PQclear(r);
    *out = gz_hll_estimate(h);
    gz_hll_free(h);
    return GZ_OK;
}

/* The article being merged across batches of the cursor. */
struct each_state {
    struct gz_hll *h;
    int64_t current;
    gz_readers_cb cb;
    void *ctx;
};

static void each_rows(struct each_state *e, const PGresult *r)
{
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t id = gz_pg_i64(r, i, 0);
        if (e->h && id != e->current) {
            e->cb(e->ctx, e->current, gz_hll_estimate(e->h));
            gz_hll_free(e->h);
            e->h = NULL;
        }
        if (!e->h)
            e->h = gz_hll_new();
        e->current = id;
        merge_column(e->h, r, i, 1);
    }
}

/* cb must not call back into this store handle: the cursor is open.
 * Rows come ordered by article, a batch at a time. */
int gz_pg_readers_each(struct gz_store *gs, enum gz_readers_kind kind, int64_t first,
                       int64_t last, gz_readers_cb cb, void *ctx)
{
    struct pg_store *s = pg_from(gs);
    if (!cb || !gz_store_readers_kind_ok(kind))
        return GZ_EINVAL;
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, kind);
    gz_pg_p_i64(&p, first);
    gz_pg_p_i64(&p, last);
    rc = gz_pg_run(s, SQL_READERS_EACH, &p, "reading readers");
    struct each_state e = {.cb = cb, .ctx = ctx};
    int open = rc == GZ_OK;
    while (rc == GZ_OK) {
        char state[6];
        PGresult *r = gz_pg_exec(s, SQL_READERS_FETCH, NULL, "reading readers", state);
        if (!r) {
            rc = gz_pg_error(state);
            break;
        }
        int rows = PQntuples(r);
        each_rows(&e, r);
        PQclear(r);
        if (rows == 0)
            break;
    }
    if (open && rc == GZ_OK)
        rc = gz_pg_run(s, SQL_READERS_CLOSE, NULL, "closing the readers cursor");
    if (e.h && rc == GZ_OK)
        cb(ctx, e.current, gz_hll_estimate(e.h));
    gz_hll_free(e.h);
    gz_pg_read_end(s, started);
    return rc;
}
