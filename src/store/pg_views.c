/* The PostgreSQL backend of the store: view counts (daily and hourly
 * buckets) and settings. The twin of sqlite_views.c, with the same
 * contracts.
 *
 * Several servers share the counts: each adds its own deltas (count =
 * count + delta), and every hourly add stamps the row with the database's
 * clock (touched, milliseconds), so views_recent can hand each server the
 * rows the others changed since it last looked. The database's clock, not
 * the servers': theirs may disagree. */
#include "store/pgInt.h"

#include <string.h>

/* The database's clock in milliseconds: clock_timestamp() moves within a
 * transaction, unlike now(). */
#define DB_NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::bigint"

/* ---- views ---- */

/* Every delta of a flush in one statement (arrays as parameters): the
 * daily and the hourly upserts. Rows of one (article, day) or (article,
 * hour) are summed first, since one upsert may not touch a row twice, and
 * taken in key order, so two servers flushing the same articles lock their
 * rows in the same order and never deadlock. */
static const char SQL_VIEWS_ADD[] =
    "WITH d AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], "
    "$4::bigint[]) AS t(article_id, day, hour, count)), "
    "daily AS (INSERT INTO views_daily (article_id, day, count) "
    "SELECT article_id, day, sum(count) FROM d GROUP BY article_id, day "
    "ORDER BY article_id, day ON CONFLICT (article_id, day) "
    "DO UPDATE SET count = views_daily.count + excluded.count) "
    "INSERT INTO views_hourly (article_id, hour, count, touched) "
    "SELECT article_id, hour, sum(count), " DB_NOW_MS " FROM d GROUP BY article_id, hour "
    "ORDER BY hour, article_id ON CONFLICT (hour, article_id) "
    "DO UPDATE SET count = views_hourly.count + excluded.count, touched = "
    "excluded.touched";
/* Rows per statement: the arrays stay a few hundred KB. */
#define VIEWS_BATCH 10000

/* Appends "{a,b,c}" of one field of d[0..n) to out. */
static void put_array(struct gz_buf *out, const struct gz_view_delta *d, size_t n,
                      int field)
{
    gz_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        int64_t v = field == 0   ? d[i].article_id
                    : field == 1 ? d[i].day
                    : field == 2 ? d[i].hour
                                 : d[i].count;
        gz_buf_printf(out, "%s%lld", i ? "," : "", (long long)v);
    }
    gz_buf_putc(out, '}');
    gz_buf_putc(out, '\0');
}

static int views_add_batch(struct pg_store *s, const struct gz_view_delta *d, size_t n)
{
    struct gz_buf arr[4];
    struct gz_pg_params p = {0};
    for (int f = 0; f < 4; f++) {
        gz_buf_init(&arr[f], 64 << 20);
        put_array(&arr[f], d, n, f);
    }
    for (int f = 0; f < 4; f++)
        gz_pg_p_text(&p, arr[f].p);
    int rc = gz_pg_run(s, SQL_VIEWS_ADD, &p, "adding views");
    for (int f = 0; f < 4; f++)
        gz_buf_free(&arr[f]);
    return rc;
}
static const char SQL_VIEWS_PRUNE[] = "DELETE FROM views_hourly WHERE hour < $1";
static const char SQL_VIEWS_DAILY_ALL[] =
    "SELECT article_id, day, count FROM views_daily";
static const char SQL_VIEWS_HOURLY_SINCE[] =
    "SELECT article_id, hour, count FROM views_hourly WHERE hour >= $1";
static const char SQL_VIEWS_TOTAL_ONE[] =
    "SELECT coalesce(sum(count), 0)::bigint FROM views_daily WHERE article_id = $1";
static const char SQL_VIEWS_TOTAL_ALL[] =
    "SELECT coalesce(sum(count), 0)::bigint FROM views_daily";
/* The clock is read in the statement that reads the rows, at its start
 * (statement_timestamp(), before its snapshot): a row added after it is
 * in this answer or touched at or after *db_now_ms. Every row carries the
 * clock; with no row to show, the one row has NULLs. */
static const char SQL_VIEWS_RECENT[] =
    "SELECT v.article_id, v.hour, v.count, "
    "(extract(epoch from statement_timestamp()) * 1000)::bigint "
    "FROM (SELECT 1) one LEFT JOIN views_hourly v ON v.touched >= $1 AND v.hour >= $2";

int gz_pg_views_add(struct gz_store *gs, const struct gz_view_delta *d, size_t n,
                    int64_t prune_before_hour)
{
    struct pg_store *s = pg_from(gs);
    if (n && !d)
        return GZ_EINVAL;
    if (n == 0 && prune_before_hour <= 0)
        return GZ_OK;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    for (size_t i = 0; i < n && rc == GZ_OK; i += VIEWS_BATCH)
        rc = views_add_batch(s, d + i, n - i < VIEWS_BATCH ? n - i : VIEWS_BATCH);
    if (rc == GZ_OK && prune_before_hour > 0) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, prune_before_hour);
        rc = gz_pg_run(s, SQL_VIEWS_PRUNE, &p, "pruning hourly views");
    }
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* Hands every (article_id, bucket, count) row of r, from row `first`, to
 * cb. */
static void views_each(const PGresult *r, int first, int is_day, gz_views_row_cb cb,
                       void *ctx)
{
    int rows = PQntuples(r);
    for (int i = first; i < rows; i++)
        cb(ctx, gz_pg_i64(r, i, 0), is_day, gz_pg_i64(r, i, 1), gz_pg_i64(r, i, 2));
}

/* The rows are read whole before cb runs: cb may use this handle. */
int gz_pg_views_load(struct gz_store *gs, int64_t since_hour, gz_views_row_cb cb,
                     void *ctx)
{
    struct pg_store *s = pg_from(gs);
    if (!cb)
        return GZ_EINVAL;
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    PGresult *daily = gz_pg_exec(s, SQL_VIEWS_DAILY_ALL, NULL, "reading views", NULL);
    PGresult *hourly = NULL;
    if (daily) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, since_hour);
        hourly = gz_pg_exec(s, SQL_VIEWS_HOURLY_SINCE, &p, "reading views", NULL);
    }
    gz_pg_read_end(s, started);
    if (daily && hourly) {
        views_each(daily, 0, 1, cb, ctx);
        views_each(hourly, 0, 0, cb, ctx);
    } else {
        rc = GZ_EIO;
    }
    PQclear(daily);
    PQclear(hourly);
    return rc;
}

int gz_pg_views_total(struct gz_store *gs, int64_t article_id, int64_t *out)
{
    struct pg_store *s = pg_from(gs);
    if (article_id < 0)
        return GZ_EINVAL;
    if (article_id == 0)
        return gz_pg_run_i64(s, SQL_VIEWS_TOTAL_ALL, NULL, "summing views", out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, article_id);
    return gz_pg_run_i64(s, SQL_VIEWS_TOTAL_ONE, &p, "summing views", out);
}

int gz_pg_views_recent(struct gz_store *gs, int64_t since_ms, int64_t min_hour,
                       gz_views_row_cb cb, void *ctx, int64_t *db_now_ms)
{
    struct pg_store *s = pg_from(gs);
    if (!cb || !db_now_ms)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, since_ms);
    gz_pg_p_i64(&p, min_hour);
    PGresult *r = gz_pg_exec(s, SQL_VIEWS_RECENT, &p, "reading recent views", NULL);
    if (!r)
        return GZ_EIO;
    if (PQntuples(r) < 1) {
        PQclear(r);
        return GZ_EIO;
    }
    *db_now_ms = gz_pg_i64(r, 0, 3);
    if (!PQgetisnull(r, 0, 0))
        views_each(r, 0, 0, cb, ctx);
    PQclear(r);
    return GZ_OK;
}

/* ---- settings ---- */

static const char SQL_SETTING_GET[] = "SELECT value FROM settings WHERE key = $1";
static const char SQL_SETTING_SET[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";

int gz_pg_setting_get(struct gz_store *gs, const char *key, char **value)
{
    *value = NULL;
    if (!key)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    return gz_pg_run_text(pg_from(gs), SQL_SETTING_GET, &p, "reading a setting", value);
}

int gz_pg_setting_set(struct gz_store *gs, const char *key, const char *value)
{
    if (!key || !value)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    gz_pg_p_text(&p, value);
    return gz_pg_run(pg_from(gs), SQL_SETTING_SET, &p, "writing a setting");
}
