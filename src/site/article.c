/* The article page: /YYYY/MM/slug. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "site/route.h"
#include "site/siteInt.h"



static int is_public(const struct gz_article *a, int64_t now)
{
    return a->status == GZ_STATUS_PUBLISHED && a->published_at <= now;
}

/* Location headers are ASCII: non-ASCII bytes of a UTF-8 slug are
 * percent-encoded. */
static char *encode_location(struct gz_arena *ar, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = gz_arena_alloc(ar, n * 3 + 1), *o = out;
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

static struct gz_val *article_values(struct gz_arena *ar, const struct gz_article *a,
                                     const char *path)
{
    struct gz_val *o = gz_val_obj(ar);
    gz_obj_set_str(o, "title", a->title);
    gz_obj_set_str(o, "url", path);
    gz_obj_set_str(o, "lang", a->lang);
    gz_obj_set_str(o, "dir", gz_lang_dir(a->lang));
    gz_obj_set_str(o, "author", a->author_name ? a->author_name : "");
    gz_obj_set_str(o, "summary", a->summary ? a->summary : "");
    gz_obj_set_str(o, "body_html", a->body_html);
    gz_page_set_dates(o, ar, a->published_at);
    struct gz_val *tags = gz_val_list(ar);
    for (size_t i = 0; i < a->ntags; i++) {
        struct gz_val *tag = gz_val_obj(ar);
        gz_obj_set_str(tag, "name", a->tags[i]);
        gz_obj_set_str(tag, "url", gz_arena_printf(ar, "/tag/%s", a->tag_slugs[i]));
        gz_list_push(tags, tag);
    }
    gz_obj_set(o, "tags", tags);
    gz_obj_set_bool(o, "has_tags", a->ntags > 0);
    return o;
}

static struct gz_page *render_article(struct gz_site *site, struct gz_request *r,
                                      uint64_t *version)
{
    int year, month;
    struct gz_str slug = {0};
    if (!gz_route_article(r->path, &year, &month, &slug)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_article a = {0};
    struct gz_page *page = NULL;
    char *slugz = gz_arena_strndup(ar, slug.p, slug.len);
    uint64_t t0 = gz_now_ns();
    int rc = store->ops->article_get_by_slug(store, slugz, &a);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc || !is_public(&a, time(NULL))) {
        if (rc && rc != GZ_ENOTFOUND)
            gz_error("article lookup failed for %s", slugz);
        gz_site_not_found(site, r);
        goto out;
    }
    char *path = gz_article_path(ar, a.slug, a.published_at);
    if (strlen(path) != r->path.len || memcmp(path, r->path.p, r->path.len)) {
        /* Right slug, wrong year or month: send readers to the one address. */
        char *loc = encode_location(ar, path);
        gz_http_redirect(r, 301, loc, strlen(loc));
        goto out;
    }
    struct gz_val *ctx = gz_page_context(site, ar, a.title, a.lang, path, a.teaser, version);
    gz_obj_set(ctx, "article", article_values(ar, &a, path));
    page = gz_page_render(site, "article.html", ctx, r->path.p, r->path.len, 200);
    if (page)
        page->article_id = a.id;
    else
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_article_clear(&a);
    return page;
}

int gz_site_article(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    int year, month;
    struct gz_str slug;
    if (!gz_route_article(r->path, &year, &month, &slug) || slug.len == 0)
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(site, r, render_article);
}
