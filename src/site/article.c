/* The article page: /YYYY/MM/slug. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "site/route.h"
#include "site/siteInt.h"

/* An article in the trash is gone from the site, like an unpublished one. */
static int is_public(const struct gz_article *a, int64_t now)
{
    return a->status == GZ_STATUS_PUBLISHED && a->published_at <= now && !a->deleted_at;
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

/* The article's featured image as an absolute URL, or NULL. */
static const char *image_url(struct gz_arena *ar, const struct gz_config *cfg,
                             const struct gz_article *a)
{
    return gz_absolute_url(ar, cfg, a->image);
}

static struct gz_val *tag_values(struct gz_arena *ar, const struct gz_article *a)
{
    struct gz_val *tags = gz_val_list(ar);
    for (size_t i = 0; i < a->ntags; i++) {
        struct gz_val *tag = gz_val_obj(ar);
        gz_obj_set_str(tag, "name", a->tags[i]);
        gz_obj_set_str(tag, "url", gz_arena_printf(ar, "/tag/%s", a->tag_slugs[i]));
        gz_list_push(tags, tag);
    }
    return tags;
}

/* The article's translations, each named in its own language, and the
 * hreflang alternates of the page: the article itself, then them. */
static void translation_values(struct gz_val *ctx, struct gz_val *o, struct gz_arena *ar,
                               const struct gz_config *cfg, const struct gz_article *a,
                               const char *path, const struct gz_teaser_list *tr)
{
    if (tr->len == 0)
        return;
    struct gz_val *list = gz_val_list(ar), *alternates = gz_val_list(ar);
    struct gz_val *self = gz_val_obj(ar);
    gz_obj_set_str(self, "lang", a->lang);
    gz_obj_set_str(self, "url", gz_arena_printf(ar, "%s%s", cfg->site_url, path));
    gz_list_push(alternates, self);
    for (size_t i = 0; i < tr->len; i++) {
        const struct gz_teaser *t = &tr->items[i];
        const char *url = gz_article_path(ar, t->slug, t->published_at);
        struct gz_val *item = gz_val_obj(ar);
        gz_obj_set_str(item, "title", gz_arena_strdup(ar, t->title));
        gz_obj_set_str(item, "url", url);
        gz_obj_set_str(item, "lang", gz_arena_strdup(ar, t->lang));
        gz_obj_set_str(item, "dir", gz_lang_dir(t->lang));
        gz_obj_set_str(item, "language", gz_i18n_language_name(t->lang));
        gz_list_push(list, item);
        struct gz_val *alt = gz_val_obj(ar);
        gz_obj_set_str(alt, "lang", gz_arena_strdup(ar, t->lang));
        gz_obj_set_str(alt, "url", gz_arena_printf(ar, "%s%s", cfg->site_url, url));
        gz_list_push(alternates, alt);
    }
    gz_obj_set(o, "translations", list);
    gz_obj_set_bool(o, "has_translations", true);
    gz_obj_set(ctx, "alternates", alternates);
}

static struct gz_val *article_values(struct gz_arena *ar, const struct gz_config *cfg,
                                     const struct gz_article *a, const char *path,
                                     const struct gz_i18n *l)
{
    struct gz_val *o = gz_val_obj(ar);
    gz_obj_set_str(o, "title", a->title);
    gz_obj_set_str(o, "url", path);
    gz_obj_set_str(o, "lang", a->lang);
    gz_obj_set_str(o, "dir", gz_lang_dir(a->lang));
    gz_obj_set_str(o, "author", a->author_name ? a->author_name : "");
    if (a->author_id > 0 && a->author_name && *a->author_name)
        gz_obj_set_str(o, "author_url", gz_author_path(ar, a->author_id, a->author_name));
    gz_obj_set_str(o, "summary", a->summary ? a->summary : "");
    gz_obj_set_str(o, "body_html", a->body_html);
    const char *image = image_url(ar, cfg, a);
    if (image)
        gz_obj_set_str(o, "image", image);
    gz_page_set_dates_in(o, ar, a->published_at, l);
    /* Modified: the later of the last save and the publication. */
    struct gz_val *modified = gz_val_obj(ar);
    gz_page_set_dates_in(
        modified, ar, a->updated_at > a->published_at ? a->updated_at : a->published_at,
        l);
    gz_obj_set(o, "modified", modified);
    gz_obj_set(o, "tags", tag_values(ar, a));
    gz_obj_set_bool(o, "has_tags", a->ntags > 0);
    return o;
}

/* schema.org NewsArticle: what search engines show of an article. */
static void add_news_article(struct gz_val *ctx, struct gz_arena *ar,
                             const struct gz_config *cfg, const struct gz_article *a,
                             const struct gz_val *o, const char *path)
{
    const char *url = gz_arena_printf(ar, "%s%s", cfg->site_url, path);
    const struct gz_val *published = gz_obj_get(o, "date_iso");
    const struct gz_val *modified = gz_obj_get(gz_obj_get(o, "modified"), "date_iso");
    json_t *article = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}}",
        "@context", "https://schema.org", "@type", "NewsArticle", "headline", a->title,
        "description", a->teaser ? a->teaser : "", "inLanguage", a->lang ? a->lang : "",
        "datePublished", published->u.s.p, "dateModified", modified->u.s.p, "url", url,
        "mainEntityOfPage", "@type", "WebPage", "@id", url, "publisher", "@type",
        "Organization", "name", cfg->site_title, "url",
        gz_arena_printf(ar, "%s/", cfg->site_url));
    if (!article)
        return;
    const struct gz_val *author_url = gz_obj_get(o, "author_url");
    if (author_url)
        json_object_set_new(
            article, "author",
            json_pack("[{s:s, s:s, s:s}]", "@type", "Person", "name", a->author_name,
                      "url",
                      gz_arena_printf(ar, "%s%s", cfg->site_url, author_url->u.s.p)));
    const struct gz_val *image = gz_obj_get(o, "image");
    if (image)
        json_object_set_new(article, "image", json_pack("[s]", image->u.s.p));
    if (a->ntags) {
        json_t *keywords = json_array();
        for (size_t i = 0; i < a->ntags; i++)
            json_array_append_new(keywords, json_string(a->tags[i]));
        json_object_set_new(article, "keywords", keywords);
    }
    gz_page_add_jsonld(ctx, ar, article);
}

/* Home > first tag > the article. */
static void add_breadcrumbs(struct gz_val *ctx, struct gz_arena *ar,
                            const struct gz_config *cfg, const struct gz_article *a)
{
    const char *names[2], *paths[2];
    size_t n = 0;
    if (a->ntags) {
        names[n] = a->tags[0];
        paths[n++] = gz_arena_printf(ar, "/tag/%s", a->tag_slugs[0]);
    }
    names[n] = a->title;
    paths[n++] = NULL;
    gz_page_add_breadcrumbs(ctx, ar, cfg, names, paths, n);
}

/* The head's metadata of an article: its headline, OpenGraph "article"
 * with times, tags and image, and a large Twitter card when there is an
 * image to show. */
static void set_article_meta(struct gz_val *ctx, const struct gz_val *o,
                             const struct gz_article *a)
{
    gz_obj_set_str(ctx, "og_type", "article");
    gz_obj_set_str(ctx, "og_title", a->title);
    const struct gz_val *image = gz_obj_get(o, "image");
    if (image) {
        gz_obj_set(ctx, "image_url", image);
        gz_obj_set_str(ctx, "twitter_card", "summary_large_image");
    }
}

static struct gz_page *render_found(struct gz_site *site, struct gz_request *r,
                                    const struct gz_article *a, const char *path,
                                    uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_teaser_list tr = {0};
    /* A failed read of the translations costs the page its links, not the
     * page itself. */
    if (store->ops->translations(store, a->id, time(NULL), &tr))
        gz_warn("reading the translations of article %lld failed", (long long)a->id);
    const struct gz_i18n *l = gz_page_i18n(site, a->lang);
    const char *title = gz_arena_printf(ar, "%s — %s", a->title, cfg->site_title);
    struct gz_val *ctx =
        gz_page_context(site, ar, title, a->lang, path, a->teaser, version);
    struct gz_val *o = article_values(ar, cfg, a, path, l);
    translation_values(ctx, o, ar, cfg, a, path, &tr);
    gz_obj_set(ctx, "article", o);
    set_article_meta(ctx, o, a);
    add_news_article(ctx, ar, cfg, a, o, path);
    add_breadcrumbs(ctx, ar, cfg, a);
    /* views.count = beacon: the page's script counts the view, wherever
     * the page was served from (themes/default/assets/beacon.js). */
    if (gz_site_conf(site)->count_beacon)
        gz_obj_set_str(ctx, "beacon_url",
                       gz_arena_printf(ar, "/v/%lld", (long long)a->id));
    struct gz_page *page =
        gz_page_render(site, "article.html", ctx, r->path.p, r->path.len, 200);
    gz_teaser_list_clear(&tr);
    return page;
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
    if (rc && rc != GZ_ENOTFOUND) {
        gz_error("article lookup failed for %s", slugz);
        gz_site_store_failed(r);
        goto out;
    }
    if (rc || !is_public(&a, time(NULL))) {
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
    page = render_found(site, r, &a, path, version);
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
