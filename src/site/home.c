/* The home page and its pages: / and /page/N, newest articles first. */
#include <string.h>
#include <time.h>

#include "site/route.h"
#include "site/siteInt.h"


static char *page_path(struct gz_arena *a, int64_t page, const void *unused)
{
    return page == 1 ? "/" : gz_arena_printf(a, "/page/%lld", (long long)page);
}

static struct gz_page *render_home(struct gz_site *site, struct gz_request *r,
                                   uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    int64_t page = gz_route_home(r->path), now = time(NULL), total = 0;
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    uint64_t t0 = gz_now_ns();
    int rc = store->ops->article_count_published(store, now, &total);
    if (!rc)
        rc = store->ops->article_latest(store, now, (size_t)(page - 1) * per, per, &list);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc) {
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
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL, page_path(ar, page, NULL),
                                         NULL, version);
    gz_list_values(ctx, ar, &list, page, pages, page_path, NULL, cfg);
    out = gz_page_render(site, "home.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_teaser_list_clear(&list);
    return out;
}

int gz_site_home(void *arg, struct gz_request *r)
{
    if (gz_route_home(r->path) < 0)
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(arg, r, render_home);
}
