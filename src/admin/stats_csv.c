/* /admin/stats.csv: every table of the readership dashboard as a CSV file.
 *
 *   ?table=days&days=30|90|365            the site's days: date, views, readers
 *   ?table=top&window=24h|7d|30d|all      a top list: rank, article_id, title,
 *                                         views, readers (100 rows at most)
 *   ?table=article&id=ID&days=...         one article's days
 *   ?table=referrers[&id=ID]&days=...     referring domains (of one article,
 *                                         else of the site): domain, views
 *
 * The files follow RFC 4180: a header row, fields separated by commas,
 * lines ended by CRLF, a field holding a comma, a double quote, CR or LF
 * enclosed in double quotes with its double quotes doubled; UTF-8 without
 * a byte-order mark. Dates are ISO 8601 UTC days (2026-05-01); a referrer
 * of "" (direct or unknown) is an empty field.
 *
 * Formula injection: a spreadsheet runs a cell that starts with =, +, -
 * or @ as a formula (and some also after a tab or CR), and titles and
 * domains come from people outside the newsroom. Such a text field gets a
 * leading apostrophe ('=HYPERLINK(...) stays text); numbers are written
 * by gazette and never need it. docs/readership.md says the same. */
#include "admin/statsInt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

#define CSV_MAX ((size_t)8 << 20)

static int csv_needs_guard(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
           s[0] == '\r';
}

/* Appends one text field (after a comma unless it starts the line). */
static void csv_text(struct gz_buf *b, const char *s, int first)
{
    if (!first)
        gz_buf_putc(b, ',');
    if (!s)
        s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        gz_buf_putc(b, '"');
    if (csv_needs_guard(s))
        gz_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            gz_buf_putc(b, '"');
        gz_buf_putc(b, *p);
    }
    if (quote)
        gz_buf_putc(b, '"');
}

static void csv_num(struct gz_buf *b, int64_t v)
{
    gz_buf_printf(b, ",%lld", (long long)v);
}

static void csv_eol(struct gz_buf *b)
{
    gz_buf_puts(b, "\r\n");
}

/* Room for any date snprintf could write from a struct tm. */
#define ISO_MAX 40

static void iso_day(int64_t day, char out[ISO_MAX])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, ISO_MAX, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
}

/* ---- the tables ---- */

static int days_table(struct gz_admin_req *q, int64_t id, int days, struct gz_buf *b)
{
    int64_t today = time(NULL) / 86400;
    struct gz_stat_days d;
    int rc = q->st->ops->stats_days(q->st, id, today - days + 1, today, &d);
    if (rc)
        return rc;
    gz_buf_puts(b, "date,views,readers\r\n");
    for (size_t i = 0; i < d.len; i++) {
        char date[ISO_MAX];
        iso_day(d.items[i].day, date);
        csv_text(b, date, 1);
        csv_num(b, d.items[i].views);
        csv_num(b, d.items[i].readers);
        csv_eol(b);
    }
    gz_stat_days_clear(&d);
    return GZ_OK;
}

static int top_table(struct gz_admin_req *q, const struct gz_stats_window *w,
                     struct gz_buf *b)
{
    int64_t first, last;
    struct gz_stat_articles top;
    gz_stats_window_range(w, time(NULL), &first, &last);
    int rc = q->st->ops->stats_top(q->st, w->kind, first, last, GZ_STATS_TOP_CSV, &top);
    if (rc)
        return rc;
    gz_buf_puts(b, "rank,article_id,title,views,readers\r\n");
    for (size_t i = 0; i < top.len; i++) {
        gz_buf_printf(b, "%zu,%lld", i + 1, (long long)top.items[i].id);
        csv_text(b, top.items[i].title, 0);
        csv_num(b, top.items[i].views);
        csv_num(b, top.items[i].readers);
        csv_eol(b);
    }
    gz_stat_articles_clear(&top);
    return GZ_OK;
}

static int referrers_table(struct gz_admin_req *q, int64_t id, int days, struct gz_buf *b)
{
    int64_t today = time(NULL) / 86400;
    struct gz_stat_referrers refs;
    int rc = q->st->ops->stats_referrers(q->st, id, today - days + 1, today,
                                         GZ_STATS_REFERRERS_CSV, &refs);
    if (rc)
        return rc;
    gz_buf_puts(b, "domain,views\r\n");
    for (size_t i = 0; i < refs.len; i++) {
        csv_text(b, refs.items[i].domain, 1);
        csv_num(b, refs.items[i].count);
        csv_eol(b);
    }
    gz_stat_referrers_clear(&refs);
    return GZ_OK;
}

/* ---- the request ---- */

/* What a query asks for. */
struct csv_query {
    const char *table;
    const struct gz_stats_window *window;
    int64_t id; /* 0: the site */
    int days;
};

/* Reads and checks the query into c: GZ_OK, or GZ_EINVAL with a message
 * for people in *why. Whether the article exists is checked apart. */
static int read_query(struct gz_admin_req *q, struct csv_query *c, const char **why)
{
    const struct gz_form *f = &q->query;
    const char *id = gz_form_get(f, "id");
    memset(c, 0, sizeof *c);
    c->table = gz_form_get(f, "table");
    c->days = gz_stats_days_param(f);
    *why = gz_admin_tr(q, "Choose a table: days, top, article or referrers.");
    if (!c->table)
        return GZ_EINVAL;
    if (!strcmp(c->table, "top")) {
        c->window = gz_stats_window_find(gz_form_get(f, "window"));
        *why = gz_admin_tr(q, "Choose a window: 24h, 7d, 30d or all.");
        return c->window ? GZ_OK : GZ_EINVAL;
    }
    if (strcmp(c->table, "days") && strcmp(c->table, "article") &&
        strcmp(c->table, "referrers"))
        return GZ_EINVAL;
    *why = gz_admin_tr(q, "Choose a period of 30, 90 or 365 days.");
    if (c->days < 0)
        return GZ_EINVAL;
    *why = gz_admin_tr(q, "There is no such article.");
    if (!strcmp(c->table, "article") && !id)
        return GZ_EINVAL;
    if (id && !(c->id = gz_stats_parse_id(id, strlen(id))))
        return GZ_EINVAL;
    if (c->id && !strcmp(c->table, "days"))
        return GZ_EINVAL;
    return GZ_OK;
}

static const char *file_name(struct gz_admin_req *q, const struct csv_query *c)
{
    char today[ISO_MAX];
    iso_day(time(NULL) / 86400, today);
    if (c->window)
        return gz_arena_printf(q->arena, "gazette-top-%s-%s.csv", c->window->key, today);
    if (c->id)
        return gz_arena_printf(
            q->arena, "gazette-article-%lld-%s-%dd-%s.csv", (long long)c->id,
            strcmp(c->table, "referrers") ? "days" : "referrers", c->days, today);
    return gz_arena_printf(q->arena, "gazette-site-%s-%dd-%s.csv", c->table, c->days,
                           today);
}

/* GZ_ENOTFOUND when the query names an article the store does not have. */
static int article_exists(struct gz_admin_req *q, int64_t id)
{
    struct gz_article a;
    if (!id)
        return GZ_OK;
    int rc = q->st->ops->article_get(q->st, id, &a);
    if (rc == GZ_OK)
        gz_article_clear(&a);
    return rc;
}

static int build(struct gz_admin_req *q, const struct csv_query *c, struct gz_buf *b)
{
    if (c->window)
        return top_table(q, c->window, b);
    if (!strcmp(c->table, "referrers"))
        return referrers_table(q, c->id, c->days, b);
    return days_table(q, c->id, c->days, b);
}

void gz_admin_stats_csv(struct gz_admin_req *q)
{
    struct csv_query c;
    const char *why;
    if (!gz_stats_allowed(q))
        return;
    if (read_query(q, &c, &why)) {
        gz_admin_error(q, 400, why);
        return;
    }
    int rc = article_exists(q, c.id);
    if (rc == GZ_ENOTFOUND) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such article."));
        return;
    }
    struct gz_buf b;
    gz_buf_init(&b, CSV_MAX);
    if (rc == GZ_OK)
        rc = build(q, &c, &b);
    if (rc) {
        gz_buf_free(&b);
        gz_error("admin: a statistics CSV could not be made (%d)", rc);
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The statistics could not be read. Try again."));
        return;
    }
    gz_http_add_header(
        q->r, "content-disposition",
        gz_arena_printf(q->arena, "attachment; filename=\"%s\"", file_name(q, &c)));
    gz_http_add_header(q->r, "cache-control", "no-store");
    gz_http_send(q->r, 200, "OK", "text/csv; charset=utf-8; header=present",
                 b.p ? b.p : "", b.len);
    gz_buf_free(&b);
}
