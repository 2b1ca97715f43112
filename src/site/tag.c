/* Section pages: /tag/SLUG and /tag/SLUG/page/N, the articles of one tag,
 * newest first, under the tag's description. /tag/ALIAS, an alias of a
 * tag, redirects (301) to the tag's own address. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "site/route.h"
#include "site/siteInt.h"

static const char prefix[] = "/tag/";
#define PREFIX_LEN (sizeof(prefix) - 1)

static char *page_path(struct gz_arena *a, int64_t page, const void *slug)
{
    if (page == 1)
        return gz_arena_printf(a, "%s%s", prefix, (const char *)slug);
    return gz_arena_printf(a, "%s%s/page/%lld", prefix, (const char *)slug,
                           (long long)page);
}

/* path percent-encoded for a Location header: bytes outside ASCII's
 * unreserved characters and '/' become %XX. */
static char *location(struct gz_arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = gz_arena_alloc(a, 3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
            (c && strchr("-._~/", c))) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* /tag/ALIAS (and its pages) redirect for good to the tag the alias
 * names. Returns 1 when it answered. Not cached: a redirect is cheap. */
static int alias_redirect(struct gz_request *r, struct gz_store *store, const char *slug,
                          int64_t page)
{
    struct gz_tag tag = {0};
    if (store->ops->tag_alias_resolve(store, slug, &tag) != GZ_OK)
        return 0;
    struct gz_arena *a = &r->worker->arena;
    char *path = location(a, page_path(a, page, tag.slug));
    gz_http_redirect(r, 301, path, strlen(path));
    gz_tag_clear(&tag);
    return 1;
}

/* The tag's description: on its page and as its meta description. */
static const char *description(struct gz_arena *a, struct gz_store *store, int64_t tag_id)
{
    char *text = NULL;
    const char *out = NULL;
    if (store->ops->tag_description_get(store, tag_id, &text) == GZ_OK && text[0])
        out = gz_arena_strdup(a, text);
    free(text);
    return out;
}

static struct gz_page *render_tag(struct gz_site *site, struct gz_request *r,
                                  uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_str slug = {0};
    int64_t page = 0, total = 0;
    if (!gz_route_tag(r->path, &slug, &page)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct gz_tag tag = {0};
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    char *slugz = gz_arena_strndup(ar, slug.p, slug.len);
    uint64_t t0 = gz_now_ns();
    int rc = store->ops->tag_get_by_slug(store, slugz, &tag);
    if (rc == GZ_OK)
        rc = store->ops->tag_articles(store, tag.id, time(NULL), (size_t)(page - 1) * per,
                                      per, &list, &total);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc == GZ_ENOTFOUND && alias_redirect(r, store, slugz, page))
        goto out;
    if (rc && rc != GZ_ENOTFOUND) {
        gz_site_store_failed(r);
        goto out;
    }
    int64_t pages = (total + (int64_t)per - 1) / (int64_t)per;
    /* An unknown tag, or one with nothing published yet, is not a page. */
    if (rc || page > pages) {
        gz_site_not_found(site, r);
        goto out;
    }
    const char *title = page == 1
                            ? gz_arena_printf(ar, "%s — %s", tag.name, cfg->site_title)
                            : gz_arena_printf(ar, "%s, page %lld — %s", tag.name,
                                              (long long)page, cfg->site_title);
    const char *about = description(ar, store, tag.id);
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL,
                                         page_path(ar, page, slugz), about, version);
    struct gz_val *t = gz_val_obj(ar);
    gz_obj_set_str(t, "name", gz_arena_strdup(ar, tag.name));
    if (about)
        gz_obj_set_str(t, "description", about);
    gz_obj_set_str(t, "url", page_path(ar, 1, slugz));
    gz_obj_set_int(t, "count", total);
    gz_obj_set(ctx, "tag", t);
    gz_list_values(ctx, ar, &list, page, pages, page_path, slugz, cfg);
    const char *crumb_names[] = {tag.name}, *crumb_paths[] = {page_path(ar, 1, slugz)};
    gz_page_add_breadcrumbs(ctx, ar, cfg, crumb_names, crumb_paths, 1);
    out = gz_page_render(site, "tag.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_tag_clear(&tag);
    gz_teaser_list_clear(&list);
    return out;
}

int gz_site_tag(void *arg, struct gz_request *r)
{
    struct gz_str slug;
    int64_t page;
    if (r->path.len <= PREFIX_LEN || memcmp(r->path.p, prefix, PREFIX_LEN))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    if (!gz_route_tag(r->path, &slug, &page)) {
        gz_site_not_found(arg, r);
        return GZ_OK;
    }
    return gz_site_serve_cached(arg, r, render_tag);
}
