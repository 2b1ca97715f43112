/* Monthly archives: /YYYY/MM/ and /YYYY/MM/page/N, the articles published
 * in one month (UTC, like the /YYYY/MM/ of an article's address), newest
 * first, with the list of every month that has articles. A month without
 * articles has no page. */
#include <string.h>
#include <time.h>

#include "site/route.h"
#include "site/siteInt.h"

/* arg: the page-1 path, "/YYYY/MM/". */
static char *page_path(struct gz_arena *a, int64_t page, const void *base)
{
    if (page == 1)
        return (char *)base;
    return gz_arena_printf(a, "%spage/%lld", (const char *)base, (long long)page);
}

static int64_t month_start(int year, int month)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1};
    return (int64_t)timegm(&tm);
}

/* The months with articles (from the blocks, lang.c), newest first, for
 * the archive's own navigation. */
static struct gz_val *month_values(struct gz_site *site, struct gz_arena *a,
                                   const struct gz_i18n *l, int year, int month)
{
    const struct gz_blocks *b = atomic_load_explicit(&site->blocks, memory_order_acquire);
    struct gz_val *list = gz_val_list(a);
    for (size_t i = 0; b && i < b->months.len; i++) {
        const struct gz_month *m = &b->months.items[i];
        char name[128], count[64];
        gz_i18n_month_year(l, m->year, m->month, name, sizeof name);
        gz_i18n_number(l, m->count, count, sizeof count);
        struct gz_val *item = gz_val_obj(a);
        gz_obj_set_str(item, "name", gz_arena_strdup(a, name));
        gz_obj_set_str(item, "count", gz_arena_strdup(a, count));
        gz_obj_set_str(item, "url", gz_arena_printf(a, "/%04d/%02d/", m->year, m->month));
        gz_obj_set_bool(item, "current", m->year == year && m->month == month);
        gz_list_push(list, item);
    }
    return list;
}

static struct gz_page *render_archive(struct gz_site *site, struct gz_request *r,
                                      uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    int year, month;
    int64_t page, total = 0;
    if (!gz_route_archive(r->path, &year, &month, &page)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    int64_t start = month_start(year, month);
    int64_t end = month == 12 ? month_start(year + 1, 1) : month_start(year, month + 1);
    uint64_t t0 = gz_now_ns();
    int rc = store->ops->archive_articles(store, start, end, time(NULL),
                                          (size_t)(page - 1) * per, per, &list, &total);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc) {
        gz_site_store_failed(r);
        goto out;
    }
    int64_t pages = (total + (int64_t)per - 1) / (int64_t)per;
    if (page > pages) {
        gz_site_not_found(site, r);
        goto out;
    }
    const struct gz_i18n *l = gz_page_i18n(site, NULL);
    char name[128];
    gz_i18n_month_year(l, year, month, name, sizeof name);
    char *base = gz_arena_printf(ar, "/%04d/%02d/", year, month);
    const char *heading = gz_i18n_format(ar, l, GZ_MSG_ARTICLES_FROM, name, NULL);
    const char *title = gz_arena_printf(ar, "%s — %s", heading, cfg->site_title);
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL, page_path(ar, page, base),
                                         heading, version);
    struct gz_val *archive = gz_val_obj(ar);
    gz_obj_set_str(archive, "name", gz_arena_strdup(ar, name));
    gz_obj_set_str(archive, "heading", heading);
    gz_obj_set_str(archive, "url", base);
    gz_obj_set_int(archive, "count", total);
    gz_obj_set(ctx, "archive", archive);
    gz_obj_set(ctx, "months", month_values(site, ar, l, year, month));
    gz_list_values(ctx, ar, &list, page, pages, page_path, base, cfg);
    const char *crumb_names[] = {gz_arena_strdup(ar, name)};
    const char *crumb_paths[] = {base};
    gz_page_add_breadcrumbs(ctx, ar, cfg, crumb_names, crumb_paths, 1);
    out = gz_page_render(site, "archive.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_teaser_list_clear(&list);
    return out;
}

int gz_site_archive(void *arg, struct gz_request *r)
{
    int year, month;
    int64_t page;
    if (!gz_route_archive(r->path, &year, &month, &page))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(arg, r, render_archive);
}

/* Monthly archives and author pages share one handler (route "list" in
 * /metrics): the server has room for few. */
int gz_site_lists(void *arg, struct gz_request *r)
{
    int rc = gz_site_archive(arg, r);
    return rc == GZ_DECLINED ? gz_site_author(arg, r) : rc;
}
