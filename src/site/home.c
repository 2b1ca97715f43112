/* The home pages, newest articles first: the front page (/ and /page/N,
 * every language) and one per language with articles (/fa/ and
 * /fa/page/N, that language only, dressed in its words). */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "site/route.h"
#include "site/siteInt.h"

static char *page_path(struct gz_arena *a, int64_t page, const void *unused)
{
    return page == 1 ? "/" : gz_arena_printf(a, "/page/%lld", (long long)page);
}

/* arg: the language tag, lower case. */
static char *lang_page_path(struct gz_arena *a, int64_t page, const void *lang)
{
    if (page == 1)
        return gz_arena_printf(a, "/%s/", (const char *)lang);
    return gz_arena_printf(a, "/%s/page/%lld", (const char *)lang, (long long)page);
}

/* One home page: lang NULL for the front page. */
struct home {
    const char *lang;
    int64_t page;
};

static int read_page(struct gz_store *store, const struct home *h, size_t per,
                     int64_t now, struct gz_teaser_list *list, int64_t *total)
{
    size_t offset = (size_t)(h->page - 1) * per;
    if (h->lang)
        return store->ops->lang_articles(store, h->lang, now, offset, per, list, total);
    int rc = store->ops->article_count_published(store, now, total);
    if (!rc)
        rc = store->ops->article_latest(store, now, offset, per, list);
    return rc;
}

/* The front page says what the site is (schema.org WebSite). */
static void add_website(struct gz_val *ctx, struct gz_arena *a,
                        const struct gz_config *cfg)
{
    gz_page_add_jsonld(ctx, a,
                       json_pack("{s:s, s:s, s:s, s:s, s:s}", "@context",
                                 "https://schema.org", "@type", "WebSite", "name",
                                 cfg->site_title, "url",
                                 gz_arena_printf(a, "%s/", cfg->site_url), "inLanguage",
                                 cfg->site_lang));
}

/* hreflang links between the front page and the language pages: every
 * language page, and the front page as x-default. */
static void add_alternates(struct gz_site *site, struct gz_val *ctx, struct gz_arena *a)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    const struct gz_blocks *b = atomic_load_explicit(&site->blocks, memory_order_acquire);
    if (!b || b->languages.len < 2)
        return;
    struct gz_val *list = gz_val_list(a);
    for (size_t i = 0; i <= b->languages.len; i++) {
        struct gz_val *alt = gz_val_obj(a);
        const char *tag = i < b->languages.len ? b->languages.items[i].lang : NULL;
        gz_obj_set_str(alt, "lang", tag ? gz_arena_strdup(a, tag) : "x-default");
        gz_obj_set_str(alt, "url",
                       tag ? gz_arena_printf(a, "%s/%s/", cfg->site_url, tag)
                           : gz_arena_printf(a, "%s/", cfg->site_url));
        gz_list_push(list, alt);
    }
    gz_obj_set(ctx, "alternates", list);
}

/* "Site", "Site — فارسی"; later pages add "Page 2 of 5" in the words and
 * digits of the page's language. */
static const char *home_title(struct gz_site *site, struct gz_arena *a,
                              const struct home *h, int64_t pages)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    const char *title = cfg->site_title;
    if (h->lang)
        title = gz_arena_printf(a, "%s — %s", title, gz_i18n_language_name(h->lang));
    if (h->page == 1)
        return title;
    const struct gz_i18n *l = gz_page_i18n(site, h->lang);
    char page[64], total[64];
    gz_i18n_number(l, h->page, page, sizeof page);
    gz_i18n_number(l, pages, total, sizeof total);
    return gz_arena_printf(a, "%s — %s", title,
                           gz_i18n_format(a, l, GZ_MSG_PAGE_OF, page, total));
}

static struct gz_page *render_home_page(struct gz_site *site, struct gz_request *r,
                                        const struct home *h, uint64_t *version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_arena *ar = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_teaser_list list = {0};
    struct gz_page *out = NULL;
    size_t per = (size_t)cfg->per_page;
    int64_t total = 0;
    uint64_t t0 = gz_now_ns();
    int rc = read_page(store, h, per, time(NULL), &list, &total);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc) {
        gz_site_store_failed(r);
        goto out;
    }
    /* The front page exists when the site is empty; a language page only
     * for a language with articles. */
    int64_t pages = total ? (total + (int64_t)per - 1) / (int64_t)per : !h->lang;
    if (h->page > pages) {
        gz_site_not_found(site, r);
        goto out;
    }
    char *(*path_of)(struct gz_arena *, int64_t, const void *) =
        h->lang ? lang_page_path : page_path;
    struct gz_val *ctx =
        gz_page_context(site, ar, home_title(site, ar, h, pages), h->lang,
                        path_of(ar, h->page, h->lang), NULL, version);
    gz_list_values(ctx, ar, &list, h->page, pages, path_of, h->lang, cfg);
    add_alternates(site, ctx, ar);
    if (!h->lang && h->page == 1)
        add_website(ctx, ar, cfg);
    out = gz_page_render(site, "home.html", ctx, r->path.p, r->path.len, 200);
    if (!out)
        gz_http_send_error(r, 500, "Internal Server Error");
out:
    gz_teaser_list_clear(&list);
    return out;
}

static struct gz_page *render_home(struct gz_site *site, struct gz_request *r,
                                   uint64_t *version)
{
    struct home h = {.lang = NULL, .page = gz_route_home(r->path)};
    return render_home_page(site, r, &h, version);
}

static struct gz_page *render_lang_home(struct gz_site *site, struct gz_request *r,
                                        uint64_t *version)
{
    struct gz_str lang;
    struct home h;
    if (!gz_route_lang(r->path, &lang, &h.page)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    h.lang = gz_arena_strndup(&r->worker->arena, lang.p, lang.len);
    return render_home_page(site, r, &h, version);
}

/* One handler for both kinds of home page: the server has room for few. */
int gz_site_home(void *arg, struct gz_request *r)
{
    struct gz_str lang;
    int64_t page;
    gz_render_fn render = NULL;
    if (gz_route_home(r->path) > 0)
        render = render_home;
    else if (gz_route_lang(r->path, &lang, &page))
        render = render_lang_home;
    else
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(arg, r, render);
}
