/* /admin/stats: the readership dashboard (editors and administrators).
 *
 *   /admin/stats?days=30|90|365         the site's views and readers per
 *                                       day, the top articles of each
 *                                       window, where readers came from
 *   /admin/stats/article/ID?days=...    one article's days and referrers
 *
 * Everything is drawn on the server: the charts are inline SVG
 * (svgchart.h) with the same numbers in a table, so the pages work without
 * JavaScript and with a screen reader. Days are UTC days, as the store
 * counts them. The CSV files behind the "Download CSV" links are
 * stats_csv.c's. */
#include "admin/statsInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/svgchart.h"
#include "core/log.h"
#include "render/i18n.h"
#include "render/template.h"
#include "site/siteInt.h"

#define SVG_MAX ((size_t)1 << 20)

const struct gz_stats_window gz_stats_windows[GZ_STATS_WINDOWS] = {
    {"24h", GZ_N("Last 24 hours"), GZ_READERS_HOUR, 24},
    {"7d", GZ_N("Last 7 days"), GZ_READERS_DAY, 7},
    {"30d", GZ_N("Last 30 days"), GZ_READERS_DAY, 30},
    {"all", GZ_N("All time"), GZ_READERS_ALL, 0},
};

/* The x axis's dates: the day and a short month name. */
static const char *const short_months[12] = {
    GZ_N("short month\004Jan"), GZ_N("short month\004Feb"), GZ_N("short month\004Mar"),
    GZ_N("short month\004Apr"), GZ_N("short month\004May"), GZ_N("short month\004Jun"),
    GZ_N("short month\004Jul"), GZ_N("short month\004Aug"), GZ_N("short month\004Sep"),
    GZ_N("short month\004Oct"), GZ_N("short month\004Nov"), GZ_N("short month\004Dec"),
};

static const int period_days[] = {30, 90, 365};

/* ---- shared with stats_csv.c (statsInt.h) ---- */

const struct gz_stats_window *gz_stats_window_find(const char *key)
{
    for (size_t i = 0; key && i < GZ_STATS_WINDOWS; i++)
        if (!strcmp(gz_stats_windows[i].key, key))
            return &gz_stats_windows[i];
    return NULL;
}

void gz_stats_window_range(const struct gz_stats_window *w, int64_t now, int64_t *first,
                           int64_t *last)
{
    int64_t unit = w->kind == GZ_READERS_HOUR ? 3600 : 86400;
    *first = *last = 0;
    if (w->kind != GZ_READERS_ALL) {
        *last = now / unit;
        *first = *last - w->span + 1;
    }
}

int gz_stats_days_param(const struct gz_form *query)
{
    const char *v = gz_form_get(query, "days");
    int64_t days;
    if (!v)
        return GZ_STATS_DEFAULT_DAYS;
    if (gz_parse_i64(v, strlen(v), 1, 366, &days))
        return -1;
    for (size_t i = 0; i < GZ_COUNTOF(period_days); i++)
        if (days == period_days[i])
            return (int)days;
    return -1;
}

int gz_stats_allowed(struct gz_admin_req *q)
{
    if (!gz_can(&q->auth.user, GZ_ACT_STATS_VIEW, NULL)) {
        gz_admin_error(
            q, 403,
            gz_admin_tr(q, "Only editors and administrators may see the statistics."));
        return 0;
    }
    if (q->is_post) {
        gz_http_add_header(q->r, "allow", "GET, HEAD");
        gz_admin_error(q, 405, gz_admin_tr(q, "This page cannot take a form."));
        return 0;
    }
    return 1;
}

int64_t gz_stats_parse_id(const char *s, size_t len)
{
    int64_t id;
    return gz_parse_i64(s, len, 1, (int64_t)1 << 53, &id) ? 0 : id;
}

/* ---- dates in the admin's language ---- */

static const struct gz_i18n *date_lang(struct gz_admin_req *q)
{
    return gz_i18n_for(gz_site_cfg(q->site)->admin_lang, NULL);
}

static struct tm day_tm(int64_t day)
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

/* "2026-05-01": for datetime attributes and file names. */
static const char *iso_date(struct gz_arena *a, int64_t day)
{
    struct tm tm = day_tm(day);
    return gz_arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                           tm.tm_mday);
}

/* "1 May 2026", "1er mai 2026". */
static const char *long_date(struct gz_admin_req *q, int64_t day)
{
    char buf[96];
    gz_i18n_date(date_lang(q), day * 86400, buf, sizeof buf);
    return gz_arena_strdup(q->arena, buf);
}

/* "1 May", "1 mai": the chart's ticks. */
static const char *short_date(struct gz_admin_req *q, int64_t day)
{
    struct tm tm = day_tm(day);
    char num[32];
    gz_i18n_number(date_lang(q), tm.tm_mday, num, sizeof num);
    return gz_arena_printf(q->arena, "%s %s", num,
                           gz_admin_tr(q, short_months[tm.tm_mon]));
}

/* ---- pieces of both pages ---- */

static struct gz_val *period_links(struct gz_admin_req *q, const char *base, int days)
{
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < GZ_COUNTOF(period_days); i++) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "href",
                       gz_arena_printf(q->arena, "%s?days=%d", base, period_days[i]));
        gz_obj_set_str(
            o, "label",
            gz_arena_printf(q->arena, gz_admin_tr(q, "%d days"), period_days[i]));
        gz_obj_set_bool(o, "current", period_days[i] == days);
        gz_list_push(list, o);
    }
    return list;
}

static const char *buf_to_arena(struct gz_admin_req *q, struct gz_buf *b)
{
    const char *s = gz_arena_strndup(q->arena, b->p ? b->p : "", b->len);
    gz_buf_free(b);
    return s;
}

/* The chart of a period's days, and the same numbers as table rows
 * (ctx "chart" and "rows"), and their total views (ctx "total_views"). */
static int days_chart(struct gz_admin_req *q, struct gz_val *ctx, const char *chart_id,
                      const struct gz_stat_days *d)
{
    struct gz_arena *a = q->arena;
    const char **labels = gz_arena_alloc(a, d->len * sizeof *labels);
    int64_t *views = gz_arena_alloc(a, d->len * sizeof *views);
    int64_t *readers = gz_arena_alloc(a, d->len * sizeof *readers);
    struct gz_val *rows = gz_val_list(a);
    int64_t total = 0, peak = 0;
    size_t peak_at = 0;
    for (size_t i = 0; i < d->len; i++) {
        const struct gz_stat_day *day = &d->items[i];
        labels[i] = short_date(q, day->day);
        views[i] = day->views;
        readers[i] = day->readers;
        total += day->views;
        if (day->views > peak) {
            peak = day->views;
            peak_at = i;
        }
        struct gz_val *row = gz_val_obj(a);
        gz_obj_set_str(row, "iso", iso_date(a, day->day));
        gz_obj_set_str(row, "date", long_date(q, day->day));
        gz_obj_set_int(row, "views", day->views);
        gz_obj_set_int(row, "readers", day->readers);
        gz_list_push(rows, row);
    }
    const char *first = long_date(q, d->items[0].day);
    const char *last = long_date(q, d->items[d->len - 1].day);
    const char *desc =
        peak ? gz_arena_printf(a,
                               gz_admin_tr(q,
                                           "From %s to %s (UTC days): %lld views in all, "
                                           "the most on %s (%lld)."),
                               first, last, (long long)total,
                               long_date(q, d->items[peak_at].day), (long long)peak)
             : gz_arena_printf(a, gz_admin_tr(q, "From %s to %s (UTC days): no views."),
                               first, last);
    struct gz_svgchart_series series[] = {
        {gz_admin_tr(q, "Views"), views},
        {gz_admin_tr(q, "Readers"), readers},
    };
    struct gz_svgchart chart = {
        .id = chart_id,
        .title = gz_admin_tr(q, "Views and readers per day"),
        .desc = desc,
        .n = d->len,
        .labels = labels,
        .series = series,
        .nseries = GZ_COUNTOF(series),
    };
    struct gz_buf svg;
    gz_buf_init(&svg, SVG_MAX);
    int rc = gz_svgchart_line(&chart, &svg);
    gz_obj_set_str(ctx, "chart", buf_to_arena(q, &svg));
    gz_obj_set(ctx, "rows", rows);
    gz_obj_set_int(ctx, "total_views", total);
    gz_obj_set_str(ctx, "first_date", first);
    gz_obj_set_str(ctx, "last_date", last);
    return rc;
}

/* The readers of a whole period: the estimate of the union of its day
 * sketches, not the sum of the days' estimates (docs/readership.md). */
static int period_readers(struct gz_admin_req *q, int64_t article_id, int64_t first,
                          int64_t last, struct gz_val *ctx)
{
    uint64_t n = 0;
    int rc =
        q->st->ops->readers_count(q->st, article_id, GZ_READERS_DAY, first, last, &n);
    gz_obj_set_int(ctx, "total_readers", n > INT64_MAX ? INT64_MAX : (int64_t)n);
    return rc;
}

static int referrer_rows(struct gz_admin_req *q, int64_t article_id, int64_t first,
                         int64_t last, struct gz_val *ctx)
{
    struct gz_stat_referrers refs;
    int rc = q->st->ops->stats_referrers(q->st, article_id, first, last,
                                         GZ_STATS_REFERRERS_PAGE, &refs);
    if (rc)
        return rc;
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < refs.len; i++) {
        struct gz_val *o = gz_val_obj(q->arena);
        const char *d = refs.items[i].domain;
        gz_obj_set_str(o, "domain",
                       d[0] ? gz_arena_strdup(q->arena, d)
                            : gz_admin_tr(q, "(direct or unknown)"));
        gz_obj_set_bool(o, "direct", !d[0]);
        gz_obj_set_int(o, "count", refs.items[i].count);
        gz_list_push(list, o);
    }
    gz_obj_set(ctx, "referrers", list);
    gz_stat_referrers_clear(&refs);
    return GZ_OK;
}

static void store_failed(struct gz_admin_req *q, int rc)
{
    gz_error("admin: the statistics could not be read (%d)", rc);
    gz_admin_error(q, 500,
                   gz_admin_tr(q, "The statistics could not be read. Try again."));
}

static void bad_period(struct gz_admin_req *q)
{
    gz_admin_error(q, 400, gz_admin_tr(q, "Choose a period of 30, 90 or 365 days."));
}

/* ---- the top lists ---- */

/* Sparklines already drawn on this page, by article: an article is often
 * in several windows. */
struct sparks {
    int64_t ids[GZ_STATS_WINDOWS * GZ_STATS_TOP_PAGE];
    struct gz_val *vals[GZ_STATS_WINDOWS * GZ_STATS_TOP_PAGE];
    size_t len;
};

/* The article's sparkline of its last 30 days' views, with the numbers as
 * text for whoever does not see it: {svg, text}. */
static struct gz_val *spark_of(struct gz_admin_req *q, struct sparks *cache, int64_t id,
                               int64_t today)
{
    for (size_t i = 0; i < cache->len; i++)
        if (cache->ids[i] == id)
            return cache->vals[i];
    struct gz_stat_days d;
    struct gz_val *o = gz_val_obj(q->arena);
    if (q->st->ops->stats_days(q->st, id, today - GZ_STATS_SPARK_DAYS + 1, today, &d))
        return o; /* the row still shows its numbers */
    int64_t *v = gz_arena_alloc(q->arena, d.len * sizeof *v);
    struct gz_buf svg, text;
    gz_buf_init(&svg, SVG_MAX);
    gz_buf_init(&text, 64 * 1024);
    gz_buf_puts(&text, gz_admin_tr(q, "Daily views, last 30 days:"));
    for (size_t i = 0; i < d.len; i++) {
        v[i] = d.items[i].views;
        gz_buf_printf(&text, "%s %lld", i ? "," : "", (long long)v[i]);
    }
    if (d.len)
        gz_svgchart_spark(v, d.len, &svg);
    gz_obj_set_str(o, "svg", buf_to_arena(q, &svg));
    gz_obj_set_str(o, "text", buf_to_arena(q, &text));
    gz_stat_days_clear(&d);
    if (cache->len < GZ_COUNTOF(cache->ids)) {
        cache->ids[cache->len] = id;
        cache->vals[cache->len++] = o;
    }
    return o;
}

static const char *article_title(struct gz_admin_req *q, const struct gz_stat_article *a)
{
    if (a->title && a->title[0])
        return gz_arena_strdup(q->arena, a->title);
    return gz_arena_printf(q->arena, gz_admin_tr(q, "(deleted article %lld)"),
                           (long long)a->id);
}

static int top_window(struct gz_admin_req *q, const struct gz_stats_window *w,
                      int64_t now, struct sparks *cache, struct gz_val *list)
{
    int64_t first, last;
    struct gz_stat_articles top;
    gz_stats_window_range(w, now, &first, &last);
    int rc = q->st->ops->stats_top(q->st, w->kind, first, last, GZ_STATS_TOP_PAGE, &top);
    if (rc)
        return rc;
    struct gz_val *o = gz_val_obj(q->arena), *rows = gz_val_list(q->arena);
    for (size_t i = 0; i < top.len; i++) {
        const struct gz_stat_article *a = &top.items[i];
        struct gz_val *row = gz_val_obj(q->arena);
        gz_obj_set_int(row, "rank", (int64_t)i + 1);
        gz_obj_set_int(row, "id", a->id);
        gz_obj_set_str(row, "title", article_title(q, a));
        gz_obj_set_int(row, "views", a->views);
        gz_obj_set_int(row, "readers", a->readers);
        gz_obj_set(row, "spark", spark_of(q, cache, a->id, now / 86400));
        gz_list_push(rows, row);
    }
    gz_obj_set_str(o, "key", w->key);
    gz_obj_set_str(o, "heading", gz_admin_tr(q, w->heading));
    gz_obj_set(o, "rows", rows);
    gz_obj_set_bool(o, "empty", top.len == 0);
    gz_obj_set_str(
        o, "csv",
        gz_arena_printf(q->arena, "/admin/stats.csv?table=top&window=%s", w->key));
    gz_list_push(list, o);
    gz_stat_articles_clear(&top);
    return GZ_OK;
}

/* ---- the pages ---- */

static void site_page(struct gz_admin_req *q)
{
    int days = gz_stats_days_param(&q->query);
    if (days < 0) {
        bad_period(q);
        return;
    }
    int64_t now = time(NULL), today = now / 86400, first = today - days + 1;
    struct gz_val *ctx = gz_admin_ctx(q), *windows = gz_val_list(q->arena);
    struct gz_stat_days d;
    int rc = q->st->ops->stats_days(q->st, 0, first, today, &d);
    if (rc) {
        store_failed(q, rc);
        return;
    }
    rc = days_chart(q, ctx, "site-chart", &d);
    gz_stat_days_clear(&d);
    if (rc == GZ_OK)
        rc = period_readers(q, 0, first, today, ctx);
    struct sparks *cache = gz_arena_zalloc(q->arena, sizeof *cache);
    for (size_t i = 0; rc == GZ_OK && i < GZ_STATS_WINDOWS; i++)
        rc = top_window(q, &gz_stats_windows[i], now, cache, windows);
    if (rc == GZ_OK)
        rc = referrer_rows(q, 0, first, today, ctx);
    if (rc) {
        store_failed(q, rc);
        return;
    }
    gz_obj_set(ctx, "periods", period_links(q, "/admin/stats", days));
    gz_obj_set_str(ctx, "scope", "site");
    gz_obj_set_str(ctx, "days_heading",
                   gz_admin_tr(q, "Views and readers of the site, per day"));
    gz_obj_set_int(ctx, "days", days);
    gz_obj_set(ctx, "windows", windows);
    gz_obj_set_str(
        ctx, "days_csv",
        gz_arena_printf(q->arena, "/admin/stats.csv?table=days&days=%d", days));
    gz_obj_set_str(
        ctx, "referrers_csv",
        gz_arena_printf(q->arena, "/admin/stats.csv?table=referrers&days=%d", days));
    gz_obj_set_bool(ctx, "nav_stats", 1);
    gz_admin_render(q, 200, "stats.html", gz_admin_tr(q, "Statistics"), ctx);
}

static void article_page(struct gz_admin_req *q, int64_t id)
{
    int days = gz_stats_days_param(&q->query);
    if (days < 0) {
        bad_period(q);
        return;
    }
    struct gz_article art;
    int rc = q->st->ops->article_get(q->st, id, &art);
    if (rc == GZ_ENOTFOUND) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such article."));
        return;
    }
    if (rc) {
        store_failed(q, rc);
        return;
    }
    int64_t today = time(NULL) / 86400, first = today - days + 1;
    struct gz_val *ctx = gz_admin_ctx(q);
    const char *title = gz_arena_strdup(q->arena, art.title ? art.title : "");
    gz_obj_set_str(ctx, "article_title", title);
    gz_article_clear(&art);
    struct gz_stat_days d;
    rc = q->st->ops->stats_days(q->st, id, first, today, &d);
    if (rc == GZ_OK) {
        rc = days_chart(q, ctx, "article-chart", &d);
        gz_stat_days_clear(&d);
    }
    if (rc == GZ_OK)
        rc = period_readers(q, id, first, today, ctx);
    if (rc == GZ_OK)
        rc = referrer_rows(q, id, first, today, ctx);
    if (rc) {
        store_failed(q, rc);
        return;
    }
    const char *base =
        gz_arena_printf(q->arena, "/admin/stats/article/%lld", (long long)id);
    gz_obj_set(ctx, "periods", period_links(q, base, days));
    gz_obj_set_str(ctx, "scope", "article");
    gz_obj_set_str(ctx, "days_heading",
                   gz_admin_tr(q, "Views and readers of this article, per day"));
    gz_obj_set_int(ctx, "days", days);
    gz_obj_set_int(ctx, "id", id);
    gz_obj_set_str(ctx, "days_csv",
                   gz_arena_printf(q->arena,
                                   "/admin/stats.csv?table=article&id=%lld&days=%d",
                                   (long long)id, days));
    gz_obj_set_str(ctx, "referrers_csv",
                   gz_arena_printf(q->arena,
                                   "/admin/stats.csv?table=referrers&id=%lld&days=%d",
                                   (long long)id, days));
    gz_obj_set_bool(ctx, "nav_stats", 1);
    gz_admin_render(q, 200, "stats_article.html",
                    gz_arena_printf(q->arena, gz_admin_tr(q, "Statistics: %s"), title),
                    ctx);
}

void gz_admin_stats(struct gz_admin_req *q, struct gz_str sub)
{
    static const char article[] = "/article/";
    if (!gz_stats_allowed(q))
        return;
    if (sub.len == 0 || (sub.len == 1 && sub.p[0] == '/')) {
        site_page(q);
        return;
    }
    size_t n = sizeof article - 1;
    int64_t id = sub.len > n && !memcmp(sub.p, article, n)
                     ? gz_stats_parse_id(sub.p + n, sub.len - n)
                     : 0;
    if (id > 0)
        article_page(q, id);
    else
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such admin page."));
}
