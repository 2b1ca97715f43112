/* Author pages: /author/ID-SLUG and /author/ID-SLUG/page/N, an author's
 * published articles, newest first. The id finds the author; the slug,
 * made from the author's name, is only for people, and any other slug
 * (or none) redirects (301) to the one address. An author with nothing
 * published has no page: accounts are not listed to the world. */
#include <string.h>
#include <time.h>

#include "site/route.h"
#include "site/siteInt.h"

/* arg: the page-1 path, "/author/ID-SLUG". */
static char *page_path(struct gz_arena *a, int64_t page, const void *base)
{
    if (page == 1)
        return (char *)base;
    return gz_arena_printf(a, "%s/page/%lld", (const char *)base, (long long)page);
}

/* Location headers are ASCII: bytes of a UTF-8 slug outside it are
 * percent-encoded. */
static char *encode_location(struct gz_arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = gz_arena_alloc(a, n * 3 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c < 0x80 && c > 0x20 && c != '%') {
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

/* The name on the byline: the display name when there is one. */
static const char *byline(const struct gz_user *u)
{
    return u->display_name && *u->display_name ? u->display_name : u->name;
}

static struct gz_page *render_author(struct gz_site *site, struct gz_request *r,
                                     uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    int64_t id, page, total = 0;
    struct gz_str slug;
    if (!gz_route_author(r->path, &id, &slug, &page)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct gz_user user = {0};
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    uint64_t t0 = gz_now_ns();
    int rc = store->ops->user_get(store, id, &user);
    if (rc == GZ_OK)
        rc = store->ops->author_articles(store, id, time(NULL), (size_t)(page - 1) * per,
                                         per, &list, &total);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc && rc != GZ_ENOTFOUND) {
        gz_site_store_failed(r);
        goto out;
    }
    int64_t pages = (total + (int64_t)per - 1) / (int64_t)per;
    if (rc || page > pages) {
        gz_site_not_found(site, r);
        goto out;
    }
    /* The slug follows the login name, which never changes; the byline
     * (display name) may. */
    char *base = gz_author_path(ar, id, user.name);
    char *path = page_path(ar, page, base);
    if (strlen(path) != r->path.len || memcmp(path, r->path.p, r->path.len)) {
        char *loc = encode_location(ar, path);
        gz_http_redirect(r, 301, loc, strlen(loc));
        goto out;
    }
    const struct gz_i18n *l = gz_page_i18n(site, NULL);
    const char *name = gz_arena_strdup(ar, byline(&user));
    const char *heading = gz_i18n_format(ar, l, GZ_MSG_ARTICLES_BY, name, NULL);
    const char *title = gz_arena_printf(ar, "%s — %s", heading, cfg->site_title);
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL, path, heading, version);
    struct gz_val *author = gz_val_obj(ar);
    gz_obj_set_str(author, "name", name);
    gz_obj_set_str(author, "url", base);
    gz_obj_set_str(author, "heading", heading);
    gz_obj_set_int(author, "count", total);
    gz_obj_set(ctx, "author_page", author);
    gz_list_values(ctx, ar, &list, page, pages, page_path, base, cfg);
    const char *crumb_names[] = {name};
    const char *crumb_paths[] = {base};
    gz_page_add_breadcrumbs(ctx, ar, cfg, crumb_names, crumb_paths, 1);
    out = gz_page_render(site, "author.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_user_clear(&user);
    gz_teaser_list_clear(&list);
    return out;
}

int gz_site_author(void *arg, struct gz_request *r)
{
    int64_t id, page;
    struct gz_str slug;
    static const char prefix[] = "/author/";
    if (r->path.len < sizeof(prefix) - 1 || memcmp(r->path.p, prefix, sizeof(prefix) - 1))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    if (!gz_route_author(r->path, &id, &slug, &page)) {
        gz_site_not_found(arg, r);
        return GZ_OK;
    }
    return gz_site_serve_cached(arg, r, render_author);
}
