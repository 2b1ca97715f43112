/* View models shared by every page: the site, navigation, teasers, dates. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "content/content.h"
#include "core/log.h"
#include "site/siteInt.h"

const char *gz_lang_dir(const char *lang)
{
    return gz_lang_is_rtl(lang ? lang : "") ? "rtl" : "ltr";
}

char *gz_article_path(struct gz_arena *a, const char *slug, int64_t published_at)
{
    time_t t = (time_t)published_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    return gz_arena_printf(a, "/%04d/%02d/%s", tm.tm_year + 1900, tm.tm_mon + 1, slug);
}

void gz_page_set_dates(struct gz_val *obj, struct gz_arena *a, int64_t when)
{
    static const char *months[] = {"January", "February", "March",     "April",
                                   "May",     "June",     "July",      "August",
                                   "September", "October", "November", "December"};
    time_t t = (time_t)when;
    struct tm tm;
    gmtime_r(&t, &tm);
    gz_obj_set_str(obj, "date_iso",
                   gz_arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                   tm.tm_sec));
    gz_obj_set_str(obj, "date_human", gz_arena_printf(a, "%d %s %04d", tm.tm_mday,
                                                      months[tm.tm_mon], tm.tm_year + 1900));
}

struct gz_val *gz_teaser_values(struct gz_arena *a, const struct gz_teaser_list *l,
                                const struct gz_config *cfg)
{
    struct gz_val *list = gz_val_list(a);
    for (size_t i = 0; i < l->len; i++) {
        const struct gz_teaser *t = &l->items[i];
        struct gz_val *o = gz_val_obj(a);
        /* The list outlives nothing: strings are copied into the arena so the
         * caller may free the teaser list before rendering. */
        gz_obj_set_str(o, "url", gz_article_path(a, t->slug, t->published_at));
        gz_obj_set_str(o, "title", gz_arena_strdup(a, t->title));
        gz_obj_set_str(o, "teaser", gz_arena_strdup(a, t->teaser));
        gz_obj_set_str(o, "lang", gz_arena_strdup(a, t->lang));
        gz_obj_set_str(o, "dir", gz_lang_dir(t->lang));
        gz_page_set_dates(o, a, t->published_at);
        gz_list_push(list, o);
    }
    (void)cfg;
    return list;
}

static void add_nav(struct gz_val *nav, struct gz_arena *a, const char *title,
                    const char *url, const char *current_path)
{
    struct gz_val *item = gz_val_obj(a);
    gz_obj_set_str(item, "title", title);
    gz_obj_set_str(item, "url", url);
    /* A section is current on its own pages (/tag/x and /tag/x/page/N). */
    size_t n = strlen(url);
    int current = current_path && !strncmp(current_path, url, n) &&
                  (current_path[n] == '\0' || (n > 1 && current_path[n] == '/'));
    gz_obj_set_bool(item, "current", current);
    gz_list_push(nav, item);
}

void gz_list_values(struct gz_val *ctx, struct gz_arena *a, const struct gz_teaser_list *l,
                    int64_t page, int64_t pages,
                    char *(*page_path)(struct gz_arena *, int64_t, const void *),
                    const void *arg, const struct gz_config *cfg)
{
    gz_obj_set(ctx, "articles", gz_teaser_values(a, l, cfg));
    gz_obj_set_bool(ctx, "is_first_page", page == 1);
    if (pages <= 1)
        return;
    struct gz_val *pg = gz_val_obj(a);
    gz_obj_set_int(pg, "page", page);
    gz_obj_set_int(pg, "pages", pages);
    if (page > 1)
        gz_obj_set_str(pg, "prev_url", page_path(a, page - 1, arg));
    if (page < pages)
        gz_obj_set_str(pg, "next_url", page_path(a, page + 1, arg));
    gz_obj_set(ctx, "pagination", pg);
}


struct gz_val *gz_page_context(struct gz_site *site, struct gz_arena *a,
                               const char *page_title, const char *lang,
                               const char *canonical_path, const char *description,
                               uint64_t *blocks_version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_val *ctx = gz_val_obj(a);
    struct gz_val *s = gz_val_obj(a);
    gz_obj_set_str(s, "title", cfg->site_title);
    gz_obj_set_str(s, "description", cfg->site_description);
    gz_obj_set_str(s, "url", cfg->site_url);
    gz_obj_set_str(s, "lang", cfg->site_lang);
    /* The site's own words (header, footer, dates) keep the site's direction
     * on pages of an article in another script. */
    gz_obj_set_str(s, "dir", gz_lang_dir(cfg->site_lang));
    gz_obj_set(ctx, "site", s);
    gz_obj_set_str(ctx, "page_title", page_title);
    gz_obj_set_str(ctx, "lang", lang ? lang : cfg->site_lang);
    gz_obj_set_str(ctx, "dir", gz_lang_dir(lang ? lang : cfg->site_lang));
    gz_obj_set_str(ctx, "assets_version", site->assets_version);
    if (canonical_path) /* none on error pages */
        gz_obj_set_str(ctx, "canonical_url",
                       gz_arena_printf(a, "%s%s", cfg->site_url, canonical_path));
    gz_obj_set_str(ctx, "meta_description", description ? description : cfg->site_description);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    gz_obj_set_int(ctx, "year", tm.tm_year + 1900);

    /* The blocks are read once here; the page records their version. */
    struct gz_blocks *b = atomic_load_explicit(&site->blocks, memory_order_acquire);
    struct gz_val *nav = gz_val_list(a);
    add_nav(nav, a, "Home", "/", canonical_path);
    for (size_t i = 0; b && i < b->sections.len; i++)
        add_nav(nav, a, b->sections.items[i].name,
                gz_arena_printf(a, "/tag/%s", b->sections.items[i].slug), canonical_path);
    gz_obj_set(ctx, "nav", nav);

    gz_obj_set_strn(ctx, "sidebar", b ? b->html : "", b ? b->len : 0);
    *blocks_version = b ? b->version : 0;
    return ctx;
}

struct gz_page *gz_page_render(struct gz_site *site, const char *tpl,
                               const struct gz_val *ctx, const char *key, size_t key_len,
                               int status)
{
    struct gz_buf out;
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    struct gz_page *page = NULL;
    int rc = gz_tpl_render(gz_theme_templates(site->theme), tpl, ctx, &out);
    if (rc) {
        gz_error("rendering %s failed (%d)", tpl, rc);
        goto out;
    }
    page = gz_page_new(key, key_len, status, "text/html; charset=utf-8", out.p, out.len, 1);
out:
    gz_buf_free(&out);
    return page;
}
