/* The PostgreSQL backend of the store: the reads behind the readership
 * dashboard (src/admin/stats.c), as sqlite_stats.c.
 *
 * Views are exact sums of views_daily or views_hourly. Readers are
 * estimates: the stored HyperLogLog sketches of the periods asked for are
 * merged in C (a union, so a reader seen on two days counts once) and the
 * union is estimated (src/views/hll.h). Each read runs in one snapshot
 * (REPEATABLE READ), so a flush between two statements cannot make views
 * and readers disagree. The freeing functions are shared with SQLite's
 * (sqlite_stats.c). */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "views/hll.h"

static const char SQL_DAYS_ONE[] =
    "SELECT day, count FROM views_daily WHERE article_id = $1 AND day BETWEEN $2 AND $3";
static const char SQL_DAYS_SITE[] = "SELECT day, sum(count)::bigint FROM views_daily "
                                    "WHERE day BETWEEN $1 AND $2 AND article_id > 0 "
                                    "GROUP BY day";
static const char SQL_SKETCHES[] =
    "SELECT period, hll FROM readers WHERE article_id = $1 "
    "AND kind = $2 AND period BETWEEN $3 AND $4";
/* The top lists: the best ids by summed views first (ties: newer id first),
 * then their titles; an article purged from the trash has none. */
#define TOP_OF(inner)                                                                    \
    "SELECT t.article_id, t.n, coalesce(a.title, ''), coalesce(a.slug, '') FROM (" inner \
    " GROUP BY article_id ORDER BY 2 DESC, article_id DESC LIMIT $3) AS t "              \
    "LEFT JOIN articles a ON a.id = t.article_id ORDER BY t.n DESC, t.article_id DESC"
static const char SQL_TOP_HOUR[] =
    TOP_OF("SELECT article_id, sum(count)::bigint AS n FROM views_hourly "
           "WHERE hour BETWEEN $1 AND $2 AND article_id > 0");
static const char SQL_TOP_DAY[] =
    TOP_OF("SELECT article_id, sum(count)::bigint AS n FROM views_daily "
           "WHERE day BETWEEN $1 AND $2 AND article_id > 0");
static const char SQL_TOP_ALL[] =
    TOP_OF("SELECT article_id, sum(count)::bigint AS n FROM views_daily "
           "WHERE $1::bigint <= $2::bigint AND article_id > 0");
/* Domains sort as bytes, as SQLite's BINARY, whatever the server's
 * collation. */
static const char SQL_REFERRERS_ONE[] =
    "SELECT domain, sum(count)::bigint AS n FROM referrers_daily "
    "WHERE article_id = $1 AND day BETWEEN $2 AND $3 "
    "GROUP BY domain ORDER BY n DESC, domain COLLATE \"C\" LIMIT $4";
static const char SQL_REFERRERS_SITE[] =
    "SELECT domain, sum(count)::bigint AS n FROM referrers_daily "
    "WHERE day BETWEEN $1 AND $2 "
    "GROUP BY domain ORDER BY n DESC, domain COLLATE \"C\" LIMIT $3";

static int64_t clamp_estimate(uint64_t n)
{
    return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* Merges the sketch in column col of row `row` into h. A stored sketch
 * that does not read is skipped with a warning: one damaged row should not
 * take the whole dashboard down. */
static void merge_column(const PGresult *r, int row, int col, struct gz_hll *h)
{
    size_t len = 0;
    uint8_t *bytes = gz_pg_bytea(r, row, col, &len);
    if (!bytes || gz_hll_merge_bytes(h, bytes, len) != GZ_OK)
        gz_warn("store: a stored readers sketch (%zu bytes) does not read; skipped", len);
    free(bytes);
}

/* article_id's sketches of kind over the periods first..last (PQclear the
 * result), or NULL with *rc set. */
static PGresult *sketches(struct pg_store *s, int64_t article_id,
                          enum gz_readers_kind kind, int64_t first, int64_t last, int *rc)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, article_id);
    gz_pg_p_i64(&p, (int64_t)kind);
    gz_pg_p_i64(&p, first);
    gz_pg_p_i64(&p, last);
    char state[6];
    PGresult *r = gz_pg_exec(s, SQL_SKETCHES, &p, "reading readers sketches", state);
    *rc = r ? GZ_OK : gz_pg_error(state);
    return r;
}

/* The estimate of the union of article_id's sketches of kind over the
 * periods first..last (0 when there are none). */
static int union_estimate(struct pg_store *s, int64_t article_id,
                          enum gz_readers_kind kind, int64_t first, int64_t last,
                          int64_t *out)
{
    int rc;
    PGresult *r = sketches(s, article_id, kind, first, last, &rc);
    if (!r)
        return rc;
    struct gz_hll *h = gz_hll_new();
    for (int i = 0; i < PQntuples(r); i++)
        merge_column(r, i, 1, h);
    PQclear(r);
    *out = clamp_estimate(gz_hll_estimate(h));
    gz_hll_free(h);
    return GZ_OK;
}

/* ---- days ---- */

static int days_views(struct pg_store *s, int64_t article_id, int64_t from_day,
                      int64_t to_day, struct gz_stat_days *out)
{
    struct gz_pg_params p = {0};
    if (article_id)
        gz_pg_p_i64(&p, article_id);
    gz_pg_p_i64(&p, from_day);
    gz_pg_p_i64(&p, to_day);
    char state[6];
    PGresult *r = gz_pg_exec(s, article_id ? SQL_DAYS_ONE : SQL_DAYS_SITE, &p,
                             "reading daily views", state);
    if (!r)
        return gz_pg_error(state);
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t day = gz_pg_i64(r, i, 0);
        if (day >= from_day && day <= to_day)
            out->items[day - from_day].views = gz_pg_i64(r, i, 1);
    }
    PQclear(r);
    return GZ_OK;
}

/* Each day's readers: its own sketch, estimated alone. */
static int days_readers(struct pg_store *s, int64_t article_id, int64_t from_day,
                        int64_t to_day, struct gz_stat_days *out)
{
    int rc;
    PGresult *r = sketches(s, article_id, GZ_READERS_DAY, from_day, to_day, &rc);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t day = gz_pg_i64(r, i, 0);
        if (day < from_day || day > to_day)
            continue;
        struct gz_hll *h = gz_hll_new();
        merge_column(r, i, 1, h);
        out->items[day - from_day].readers = clamp_estimate(gz_hll_estimate(h));
        gz_hll_free(h);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_stats_days(struct gz_store *gs, int64_t article_id, int64_t from_day,
                     int64_t to_day, struct gz_stat_days *out)
{
    struct pg_store *s = pg_from(gs);
    int started;
    int rc = gz_store_stat_days_start(article_id, from_day, to_day, out);
    if (rc != GZ_OK)
        return rc;
    rc = gz_pg_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = days_views(s, article_id, from_day, to_day, out);
    if (rc == GZ_OK)
        rc = days_readers(s, article_id, from_day, to_day, out);
    gz_pg_read_end(s, started);
    if (rc)
        gz_stat_days_clear(out);
    return rc;
}

/* ---- the top lists ---- */

static int top_rows(struct pg_store *s, enum gz_readers_kind kind, int64_t first,
                    int64_t last, size_t limit, struct gz_stat_articles *out)
{
    const char *sql = kind == GZ_READERS_HOUR  ? SQL_TOP_HOUR
                      : kind == GZ_READERS_DAY ? SQL_TOP_DAY
                                               : SQL_TOP_ALL;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, first);
    gz_pg_p_i64(&p, last);
    gz_pg_p_i64(&p, gz_store_stats_limit(limit));
    PGresult *r;
    int rc = gz_pg_query(s, sql, &p, "reading a top list", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_stat_article *a = &out->items[out->len++];
        a->id = gz_pg_i64(r, i, 0);
        a->views = gz_pg_i64(r, i, 1);
        a->title = gz_pg_dup(r, i, 2);
        a->slug = gz_pg_dup(r, i, 3);
        a->readers = 0;
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_stats_top(struct gz_store *gs, enum gz_readers_kind kind, int64_t first,
                    int64_t last, size_t limit, struct gz_stat_articles *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    if (gz_store_stats_top_range(kind, &first, &last) != GZ_OK)
        return GZ_EINVAL;
    if (limit == 0)
        return GZ_OK;
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = top_rows(s, kind, first, last, limit, out);
    for (size_t i = 0; rc == GZ_OK && i < out->len; i++)
        rc = union_estimate(s, out->items[i].id, kind, first, last,
                            &out->items[i].readers);
    gz_pg_read_end(s, started);
    if (rc)
        gz_stat_articles_clear(out);
    return rc;
}

/* ---- referrers ---- */

int gz_pg_stats_referrers(struct gz_store *gs, int64_t article_id, int64_t from_day,
                          int64_t to_day, size_t limit, struct gz_stat_referrers *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    if (article_id < 0 || to_day < from_day)
        return GZ_EINVAL;
    if (limit == 0)
        return GZ_OK;
    struct gz_pg_params p = {0};
    if (article_id)
        gz_pg_p_i64(&p, article_id);
    gz_pg_p_i64(&p, from_day);
    gz_pg_p_i64(&p, to_day);
    gz_pg_p_i64(&p, gz_store_stats_limit(limit));
    PGresult *r;
    int rc = gz_pg_query(s, article_id ? SQL_REFERRERS_ONE : SQL_REFERRERS_SITE, &p,
                         "reading referrers", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_stat_referrer *ref = &out->items[out->len++];
        ref->domain = gz_pg_dup(r, i, 0);
        ref->count = gz_pg_i64(r, i, 1);
    }
    PQclear(r);
    return GZ_OK;
}
