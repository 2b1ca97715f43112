/* The SQLite backend of the store: the reads behind the readership
 * dashboard (src/admin/stats.c), over migration 0006's sketches and
 * referrers and migration 0001's view counts.
 *
 * Views are exact sums of views_daily or views_hourly. Readers are
 * estimates: the stored HyperLogLog sketches of the periods asked for are
 * merged (a union, so a reader seen on two days counts once) and the
 * union is estimated (src/views/hll.h). Each read runs in one snapshot, so
 * a flush between two statements cannot make views and readers disagree. */
#include "store/sqliteInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "views/hll.h"

static const char SQL_DAYS_ONE[] =
    "SELECT day, count FROM views_daily WHERE article_id = ?1 AND day BETWEEN ?2 AND ?3";
static const char SQL_DAYS_SITE[] = "SELECT day, sum(count) FROM views_daily "
                                    "WHERE day BETWEEN ?2 AND ?3 AND article_id > 0 "
                                    "GROUP BY day";
static const char SQL_SKETCHES[] =
    "SELECT period, hll FROM readers WHERE article_id = ?1 "
    "AND kind = ?2 AND period BETWEEN ?3 AND ?4";
/* The top lists: the best ids by summed views first (ties: newer id first),
 * then their titles; an article purged from the trash has none. */
#define TOP_OF(inner)                                                                    \
    "SELECT t.article_id, t.n, coalesce(a.title, ''), coalesce(a.slug, '') FROM (" inner \
    " GROUP BY article_id ORDER BY 2 DESC, article_id DESC LIMIT ?3) AS t "              \
    "LEFT JOIN articles a ON a.id = t.article_id ORDER BY t.n DESC, t.article_id DESC"
static const char SQL_TOP_HOUR[] =
    TOP_OF("SELECT article_id, sum(count) AS n FROM views_hourly "
           "WHERE hour BETWEEN ?1 AND ?2 AND article_id > 0");
static const char SQL_TOP_DAY[] =
    TOP_OF("SELECT article_id, sum(count) AS n FROM views_daily "
           "WHERE day BETWEEN ?1 AND ?2 AND article_id > 0");
static const char SQL_TOP_ALL[] =
    TOP_OF("SELECT article_id, sum(count) AS n FROM views_daily "
           "WHERE ?1 <= ?2 AND article_id > 0");
static const char SQL_REFERRERS_ONE[] =
    "SELECT domain, sum(count) AS n FROM referrers_daily "
    "WHERE article_id = ?1 AND day BETWEEN ?2 AND ?3 "
    "GROUP BY domain ORDER BY n DESC, domain LIMIT ?4";
static const char SQL_REFERRERS_SITE[] =
    "SELECT domain, sum(count) AS n FROM referrers_daily "
    "WHERE day BETWEEN ?2 AND ?3 "
    "GROUP BY domain ORDER BY n DESC, domain LIMIT ?4";

/* Prepares sql for this call; GZ_EIO when it does not prepare. */
#define STMT(var, sql)                                                                   \
    sqlite3_stmt *var = gz_sqlite_stmt(s, sql);                                          \
    if (!var)                                                                            \
        return GZ_EIO;

/* Merges the sketch in column col of st's current row into h. A stored
 * sketch that does not read is skipped with a warning: one damaged row
 * should not take the whole dashboard down. */
static void merge_column(sqlite3_stmt *st, int col, struct gz_hll *h)
{
    const void *bytes = sqlite3_column_blob(st, col);
    size_t len = (size_t)sqlite3_column_bytes(st, col);
    if (gz_hll_merge_bytes(h, bytes, len) != GZ_OK)
        gz_warn("store: a stored readers sketch (%zu bytes) does not read; skipped", len);
}

/* Binds the sketch query: article_id, kind, periods first..last. */
static int bind_sketches(struct sqlite_store *s, sqlite3_stmt *st, int64_t article_id,
                         enum gz_readers_kind kind, int64_t first, int64_t last)
{
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, (int64_t)kind, &rc);
    gz_sqlite_bind_i64(st, 3, first, &rc);
    gz_sqlite_bind_i64(st, 4, last, &rc);
    return gz_sqlite_bound(s, st, rc, "binding a sketch query");
}

/* The estimate of the union of article_id's sketches of kind over the
 * periods first..last (0 when there are none). */
static int union_estimate(struct sqlite_store *s, int64_t article_id,
                          enum gz_readers_kind kind, int64_t first, int64_t last,
                          int64_t *out)
{
    STMT(st, SQL_SKETCHES);
    int rc = bind_sketches(s, st, article_id, kind, first, last);
    if (rc)
        return rc;
    struct gz_hll *h = gz_hll_new();
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        merge_column(st, 1, h);
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading readers sketches");
    done(st);
    uint64_t n = gz_hll_estimate(h);
    *out = n > INT64_MAX ? INT64_MAX : (int64_t)n;
    gz_hll_free(h);
    return rc;
}

/* ---- days ---- */

static int days_views(struct sqlite_store *s, int64_t article_id, int64_t from_day,
                      int64_t to_day, struct gz_stat_days *out)
{
    STMT(st, article_id ? SQL_DAYS_ONE : SQL_DAYS_SITE);
    int rc = SQLITE_OK;
    if (article_id)
        gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, from_day, &rc);
    gz_sqlite_bind_i64(st, 3, to_day, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding the days")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t day = sqlite3_column_int64(st, 0);
        if (day >= from_day && day <= to_day)
            out->items[day - from_day].views = sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading daily views");
    done(st);
    return rc;
}

/* Each day's readers: its own sketch, estimated alone. */
static int days_readers(struct sqlite_store *s, int64_t article_id, int64_t from_day,
                        int64_t to_day, struct gz_stat_days *out)
{
    STMT(st, SQL_SKETCHES);
    int rc = bind_sketches(s, st, article_id, GZ_READERS_DAY, from_day, to_day);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t day = sqlite3_column_int64(st, 0);
        if (day < from_day || day > to_day)
            continue;
        struct gz_hll *h = gz_hll_new();
        merge_column(st, 1, h);
        uint64_t n = gz_hll_estimate(h);
        out->items[day - from_day].readers = n > INT64_MAX ? INT64_MAX : (int64_t)n;
        gz_hll_free(h);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading daily readers");
    done(st);
    return rc;
}

int gz_sqlite_stats_days(struct gz_store *gs, int64_t article_id, int64_t from_day,
                         int64_t to_day, struct gz_stat_days *out)
{
    struct sqlite_store *s = from(gs);
    int started;
    int rc = gz_store_stat_days_start(article_id, from_day, to_day, out);
    if (rc != GZ_OK)
        return rc;
    rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = days_views(s, article_id, from_day, to_day, out);
    if (rc == GZ_OK)
        rc = days_readers(s, article_id, from_day, to_day, out);
    gz_sqlite_read_end(s, started);
    if (rc)
        gz_stat_days_clear(out);
    return rc;
}

/* ---- the top lists ---- */

static void articles_push(struct gz_stat_articles *out, size_t *cap, sqlite3_stmt *st)
{
    if (out->len == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        out->items = gz_xrealloc(out->items, *cap * sizeof *out->items);
    }
    struct gz_stat_article *a = &out->items[out->len++];
    a->id = sqlite3_column_int64(st, 0);
    a->views = sqlite3_column_int64(st, 1);
    a->title = gz_sqlite_column_dup(st, 2);
    a->slug = gz_sqlite_column_dup(st, 3);
    a->readers = 0;
}

static int top_rows(struct sqlite_store *s, enum gz_readers_kind kind, int64_t first,
                    int64_t last, size_t limit, struct gz_stat_articles *out)
{
    const char *sql = kind == GZ_READERS_HOUR  ? SQL_TOP_HOUR
                      : kind == GZ_READERS_DAY ? SQL_TOP_DAY
                                               : SQL_TOP_ALL;
    STMT(st, sql);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, first, &rc);
    gz_sqlite_bind_i64(st, 2, last, &rc);
    gz_sqlite_bind_i64(st, 3, gz_store_stats_limit(limit), &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a top list")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        articles_push(out, &cap, st);
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading a top list");
    done(st);
    return rc;
}

int gz_sqlite_stats_top(struct gz_store *gs, enum gz_readers_kind kind, int64_t first,
                        int64_t last, size_t limit, struct gz_stat_articles *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    if (gz_store_stats_top_range(kind, &first, &last) != GZ_OK)
        return GZ_EINVAL;
    if (limit == 0)
        return GZ_OK;
    int started;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = top_rows(s, kind, first, last, limit, out);
    for (size_t i = 0; rc == GZ_OK && i < out->len; i++)
        rc = union_estimate(s, out->items[i].id, kind, first, last,
                            &out->items[i].readers);
    gz_sqlite_read_end(s, started);
    if (rc)
        gz_stat_articles_clear(out);
    return rc;
}

/* ---- referrers ---- */

int gz_sqlite_stats_referrers(struct gz_store *gs, int64_t article_id, int64_t from_day,
                              int64_t to_day, size_t limit, struct gz_stat_referrers *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    if (article_id < 0 || to_day < from_day)
        return GZ_EINVAL;
    if (limit == 0)
        return GZ_OK;
    STMT(st, article_id ? SQL_REFERRERS_ONE : SQL_REFERRERS_SITE);
    int rc = SQLITE_OK;
    if (article_id)
        gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, from_day, &rc);
    gz_sqlite_bind_i64(st, 3, to_day, &rc);
    gz_sqlite_bind_i64(st, 4, gz_store_stats_limit(limit), &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding the referrers")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_stat_referrer *r = &out->items[out->len++];
        r->domain = gz_sqlite_column_dup(st, 0);
        r->count = sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading referrers");
    done(st);
    if (rc)
        gz_stat_referrers_clear(out);
    return rc;
}

/* ---- freeing ---- */

void gz_stat_days_clear(struct gz_stat_days *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_stat_articles_clear(struct gz_stat_articles *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].title);
        free(l->items[i].slug);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_stat_referrers_clear(struct gz_stat_referrers *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i].domain);
    free(l->items);
    memset(l, 0, sizeof *l);
}
