/* The SQLite backend of the store: view counts (daily and hourly buckets)
 * and settings. Shares the handle, the statements and the helpers of
 * sqliteInt.h; the statements' SQL is in sqlite.c. */
#include "store/sqliteInt.h"

/* ---- views ---- */

static int views_upsert(struct sqlite_store *s, enum stmt_id id, int64_t article_id,
                        int64_t bucket, int64_t count)
{
    sqlite3_stmt *st = s->stmt[id];
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, bucket, &rc);
    gz_sqlite_bind_i64(st, 3, count, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a view count")))
        return rc;
    return gz_sqlite_step_done(s, st, "adding views");
}

static int views_prune(struct sqlite_store *s, int64_t before_hour)
{
    sqlite3_stmt *st = s->stmt[ST_VIEWS_PRUNE];
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, before_hour, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an hour")))
        return rc;
    return gz_sqlite_step_done(s, st, "pruning hourly views");
}

int gz_sqlite_views_add(struct gz_store *gs, const struct gz_view_delta *d, size_t n,
                        int64_t prune_before_hour)
{
    struct sqlite_store *s = from(gs);
    if (n && !d)
        return GZ_EINVAL;
    if (n == 0 && prune_before_hour <= 0)
        return GZ_OK;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    for (size_t i = 0; i < n && rc == GZ_OK; i++) {
        rc = views_upsert(s, ST_VIEWS_DAILY_ADD, d[i].article_id, d[i].day, d[i].count);
        if (rc == GZ_OK)
            rc = views_upsert(s, ST_VIEWS_HOURLY_ADD, d[i].article_id, d[i].hour,
                              d[i].count);
    }
    if (rc == GZ_OK && prune_before_hour > 0)
        rc = views_prune(s, prune_before_hour);
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

/* Hands every row of a bound (article_id, bucket, count) query to cb. */
static int views_each(struct sqlite_store *s, sqlite3_stmt *st, int is_day,
                      gz_views_row_cb cb, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb(ctx, sqlite3_column_int64(st, 0), is_day, sqlite3_column_int64(st, 1),
           sqlite3_column_int64(st, 2));
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading views");
    done(st);
    return rc;
}

/* cb must not call back into this store handle: the statement is live. */
int gz_sqlite_views_load(struct gz_store *gs, int64_t since_hour, gz_views_row_cb cb,
                         void *ctx)
{
    struct sqlite_store *s = from(gs);
    int started;
    if (!cb)
        return GZ_EINVAL;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = views_each(s, s->stmt[ST_VIEWS_DAILY_ALL], 1, cb, ctx);
    if (rc == GZ_OK) {
        sqlite3_stmt *st = s->stmt[ST_VIEWS_HOURLY_SINCE];
        gz_sqlite_bind_i64(st, 1, since_hour, &rc);
        if ((rc = gz_sqlite_bound(s, st, rc, "binding an hour")) == GZ_OK)
            rc = views_each(s, st, 0, cb, ctx);
    }
    gz_sqlite_read_end(s, started);
    return rc;
}

int gz_sqlite_views_total(struct gz_store *gs, int64_t article_id, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    if (article_id < 0)
        return GZ_EINVAL;
    if (article_id == 0)
        return gz_sqlite_step_i64(s, s->stmt[ST_VIEWS_TOTAL_ALL], "summing views", out);
    sqlite3_stmt *st = s->stmt[ST_VIEWS_TOTAL_ONE];
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    return gz_sqlite_step_i64(s, st, "summing views", out);
}

/* ---- settings ---- */

int gz_sqlite_setting_get(struct gz_store *gs, const char *key, char **value)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_SETTING_GET];
    int rc = SQLITE_OK;
    *value = NULL;
    if (!key)
        return GZ_EINVAL;
    gz_sqlite_bind_text(st, 1, key, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a setting")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = gz_sqlite_column_dup(st, 0);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a setting");
    }
    done(st);
    return rc;
}

int gz_sqlite_setting_set(struct gz_store *gs, const char *key, const char *value)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_SETTING_SET];
    int rc = SQLITE_OK;
    if (!key || !value)
        return GZ_EINVAL;
    gz_sqlite_bind_text(st, 1, key, &rc);
    gz_sqlite_bind_text(st, 2, value, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a setting")))
        return rc;
    return gz_sqlite_step_done(s, st, "writing a setting");
}
