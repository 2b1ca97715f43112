/* The home page and its pages: / and /page/N, newest articles first. */
#include <string.h>
#include <time.h>

#include "site/siteInt.h"

/* 0 for "/", N for "/page/N" (N >= 2), -1 for any other path. */
static int64_t page_number(struct gz_str path)
{
    if (path.len == 1 && path.p[0] == '/')
        return 1;
    static const char prefix[] = "/page/";
    size_t n = sizeof(prefix) - 1;
    int64_t page;
    if (path.len <= n || memcmp(path.p, prefix, n) ||
        gz_parse_i64(path.p + n, path.len - n, 2, 1000000, &page) || path.p[n] == '+')
        return -1;
    return page;
}

static char *page_path(struct gz_arena *a, int64_t page)
{
    return page == 1 ? "/" : gz_arena_printf(a, "/page/%lld", (long long)page);
}

static struct gz_page *render_home(struct gz_site *site, struct gz_request *r,
                                   uint64_t *version)
{
    const struct gz_config *cfg = site->cfg;
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    int64_t page = page_number(r->path), now = time(NULL), total = 0;
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    if (store->ops->article_count_published(store, now, &total) ||
        store->ops->article_latest(store, now, (size_t)(page - 1) * per, per, &list)) {
        gz_http_send_error(r, 500, "Internal Server Error");
        goto out;
    }
    int64_t pages = total ? (total + (int64_t)per - 1) / (int64_t)per : 1;
    if (page > pages) {
        gz_site_not_found(site, r);
        goto out;
    }
    const char *title = page == 1 ? cfg->site_title
                                  : gz_arena_printf(ar, "%s — page %lld", cfg->site_title,
                                                    (long long)page);
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL, page_path(ar, page), NULL,
                                         version);
    gz_obj_set(ctx, "articles", gz_teaser_values(ar, &list, cfg));
    struct gz_val *pg = gz_val_obj(ar);
    gz_obj_set_int(pg, "page", page);
    gz_obj_set_int(pg, "pages", pages);
    if (page > 1)
        gz_obj_set_str(pg, "prev_url", page_path(ar, page - 1));
    if (page < pages)
        gz_obj_set_str(pg, "next_url", page_path(ar, page + 1));
    if (pages > 1)
        gz_obj_set(ctx, "pagination", pg);
    gz_obj_set_bool(ctx, "is_first_page", page == 1);
    out = gz_page_render(site, "home.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_teaser_list_clear(&list);
    return out;
}

int gz_site_home(void *arg, struct gz_request *r)
{
    if (page_number(r->path) < 0)
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(arg, r, render_home);
}
