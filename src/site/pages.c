/* View models shared by every page: the site, navigation, the theme's words
 * in the page's language, metadata, teasers, dates. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "content/content.h"
#include "core/log.h"
#include "core/tz.h"
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

/* The site's zone (siteInt.h); zones are never freed, so a loop may use
 * the one it read while the flusher installs another. */
static _Atomic(const struct gz_tz *) page_tz;

void gz_page_set_timezone(const struct gz_tz *tz)
{
    atomic_store_explicit(&page_tz, tz, memory_order_release);
}

void gz_page_set_dates_in(struct gz_val *obj, struct gz_arena *a, int64_t when,
                          const struct gz_i18n *l)
{
    time_t t = (time_t)when;
    struct tm tm;
    gmtime_r(&t, &tm);
    gz_obj_set_str(obj, "date_iso",
                   gz_arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                   tm.tm_sec));
    /* Readers see the day in the site's zone; date_iso stays UTC. */
    const struct gz_tz *tz = atomic_load_explicit(&page_tz, memory_order_acquire);
    char human[128];
    gz_i18n_date(l, when + gz_tz_offset(tz, when), human, sizeof human);
    gz_obj_set_str(obj, "date_human", gz_arena_strdup(a, human));
}

void gz_page_set_dates(struct gz_val *obj, struct gz_arena *a, int64_t when)
{
    gz_page_set_dates_in(obj, a, when, gz_i18n_for("en", NULL));
}

struct gz_val *gz_teaser_values_in(struct gz_arena *a, const struct gz_teaser_list *l,
                                   const struct gz_i18n *lang)
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
        gz_page_set_dates_in(o, a, t->published_at, lang);
        gz_list_push(list, o);
    }
    return list;
}

/* Dates in the site's language: the caller knows no page's. */
struct gz_val *gz_teaser_values(struct gz_arena *a, const struct gz_teaser_list *l,
                                const struct gz_config *cfg)
{
    return gz_teaser_values_in(a, l, gz_i18n_for(cfg->site_lang, NULL));
}

/* Whether url is current on the page at path: its own page, and the pages
 * under it for a section (/tag/x/page/N) or a language (/fa/page/N). */
static int is_current(const char *url, const char *path)
{
    size_t n = strlen(url);
    if (!path || strncmp(path, url, n))
        return 0;
    return path[n] == '\0' || (n > 1 && (path[n] == '/' || url[n - 1] == '/'));
}

static void add_nav(struct gz_val *nav, struct gz_arena *a, const char *title,
                    const char *url, const char *current_path)
{
    struct gz_val *item = gz_val_obj(a);
    gz_obj_set_str(item, "title", title);
    gz_obj_set_str(item, "url", url);
    gz_obj_set_bool(item, "current", is_current(url, current_path));
    gz_list_push(nav, item);
}

/* The theme's language of a page being built (its "t" object). */
static const struct gz_i18n *ctx_i18n(const struct gz_val *ctx)
{
    const struct gz_val *t = gz_obj_get(ctx, "t");
    const struct gz_val *lang = t ? gz_obj_get(t, "lang") : NULL;
    return gz_i18n_for(lang && lang->kind == GZ_VAL_STR ? lang->u.s.p : NULL, NULL);
}

static char *number(struct gz_arena *a, const struct gz_i18n *l, int64_t n)
{
    char buf[64];
    gz_i18n_number(l, n, buf, sizeof buf);
    return gz_arena_strdup(a, buf);
}

void gz_list_values(struct gz_val *ctx, struct gz_arena *a,
                    const struct gz_teaser_list *l, int64_t page, int64_t pages,
                    char *(*page_path)(struct gz_arena *, int64_t, const void *),
                    const void *arg, const struct gz_config *cfg)
{
    const struct gz_i18n *lang = ctx_i18n(ctx);
    gz_obj_set(ctx, "articles", gz_teaser_values_in(a, l, lang));
    gz_obj_set_bool(ctx, "is_first_page", page == 1);
    if (pages <= 1)
        return;
    struct gz_val *pg = gz_val_obj(a);
    gz_obj_set_int(pg, "page", page);
    gz_obj_set_int(pg, "pages", pages);
    /* "Page 2 of 5" and "Articles, page 2 of 5", in the page's language
     * and digits. */
    char *page_text = number(a, lang, page), *pages_text = number(a, lang, pages);
    gz_obj_set_str(pg, "status",
                   gz_i18n_format(a, lang, GZ_MSG_PAGE_OF, page_text, pages_text));
    gz_obj_set_str(pg, "heading",
                   gz_i18n_format(a, lang, GZ_MSG_ARTICLES_PAGE, page_text, pages_text));
    if (page > 1)
        gz_obj_set_str(pg, "prev_url", page_path(a, page - 1, arg));
    if (page < pages)
        gz_obj_set_str(pg, "next_url", page_path(a, page + 1, arg));
    gz_obj_set(ctx, "pagination", pg);
    (void)cfg;
}

/* Whether the site has a language page for lang (lang.c's list). */
static const struct gz_lang_count *find_language(const struct gz_blocks *b,
                                                 const char *lang)
{
    for (size_t i = 0; b && lang && i < b->languages.len; i++)
        if (!strcasecmp(b->languages.items[i].lang, lang))
            return &b->languages.items[i];
    return NULL;
}

/* Home for a page in lang: its language's home page when the site has one
 * and lang is not the site's, else the front page. */
static const char *home_path(struct gz_arena *a, const struct gz_blocks *b,
                             const struct gz_config *cfg, const char *lang)
{
    const struct gz_lang_count *l = find_language(b, lang);
    if (!l || !strcasecmp(lang, cfg->site_lang))
        return "/";
    return gz_arena_printf(a, "/%s/", l->lang);
}

/* The language menu: every language with articles, when there are two or
 * more. Each links to its own home page, named in its own words. */
static void add_languages(struct gz_val *ctx, struct gz_arena *a,
                          const struct gz_blocks *b, const char *lang)
{
    if (!b || b->languages.len < 2)
        return;
    struct gz_val *list = gz_val_list(a);
    for (size_t i = 0; i < b->languages.len; i++) {
        const char *tag = b->languages.items[i].lang;
        struct gz_val *item = gz_val_obj(a);
        gz_obj_set_str(item, "lang", gz_arena_strdup(a, tag));
        gz_obj_set_str(item, "dir", gz_lang_dir(tag));
        gz_obj_set_str(item, "name", gz_i18n_language_name(tag));
        gz_obj_set_str(item, "url", gz_arena_printf(a, "/%s/", tag));
        gz_obj_set_bool(item, "current", lang && !strcasecmp(lang, tag));
        gz_list_push(list, item);
    }
    struct gz_val *menu = gz_val_obj(a);
    gz_obj_set(menu, "items", list);
    gz_obj_set(ctx, "language_menu", menu);
}

static struct gz_val *site_values(struct gz_arena *a, const struct gz_config *cfg)
{
    struct gz_val *s = gz_val_obj(a);
    gz_obj_set_str(s, "title", cfg->site_title);
    gz_obj_set_str(s, "description", cfg->site_description);
    gz_obj_set_str(s, "url", cfg->site_url);
    gz_obj_set_str(s, "lang", cfg->site_lang);
    gz_obj_set_str(s, "dir", gz_lang_dir(cfg->site_lang));
    return s;
}

/* What the head says about the page to search engines and link previews;
 * pages with more to say (articles) replace these. */
static void set_meta(struct gz_val *ctx, struct gz_arena *a, const struct gz_config *cfg,
                     const char *page_title, const char *canonical_path,
                     const char *description)
{
    gz_obj_set_str(ctx, "page_title", page_title);
    gz_obj_set_str(ctx, "og_title", page_title);
    gz_obj_set_str(ctx, "og_type", "website");
    gz_obj_set_str(ctx, "twitter_card", "summary");
    if (canonical_path) /* none on error pages */
        gz_obj_set_str(ctx, "canonical_url",
                       gz_arena_printf(a, "%s%s", cfg->site_url, canonical_path));
    gz_obj_set_str(ctx, "meta_description",
                   description && *description ? description : cfg->site_description);
}

struct gz_val *gz_page_context(struct gz_site *site, struct gz_arena *a,
                               const char *page_title, const char *lang,
                               const char *canonical_path, const char *description,
                               uint64_t *blocks_version)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    /* The theme's words follow the page's language when there is a table
     * for it (render/i18n.h); header, sidebar and footer say so with their
     * own lang and dir ({{t.lang}}, {{t.dir}}). */
    const struct gz_i18n *l = gz_page_i18n(site, lang);
    struct gz_val *ctx = gz_val_obj(a);
    gz_obj_set(ctx, "site", site_values(a, cfg));
    gz_obj_set(ctx, "t", gz_i18n_values(a, l));
    gz_obj_set_str(ctx, "lang", lang ? lang : cfg->site_lang);
    gz_obj_set_str(ctx, "dir", gz_lang_dir(lang ? lang : cfg->site_lang));
    gz_obj_set_str(ctx, "assets_version", site->assets_version);
    set_meta(ctx, a, cfg, page_title, canonical_path, description);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    gz_obj_set_int(ctx, "year", tm.tm_year + 1900);
    gz_obj_set_str(ctx, "year_text", number(a, l, tm.tm_year + 1900));

    /* The blocks are read once here; the page records their version. */
    struct gz_blocks *b = atomic_load_explicit(&site->blocks, memory_order_acquire);
    const char *home = home_path(a, b, cfg, lang);
    gz_obj_set_str(ctx, "home_url", home);
    struct gz_val *nav = gz_val_list(a);
    add_nav(nav, a, l->msgs[GZ_MSG_HOME], home, canonical_path);
    for (size_t i = 0; b && i < b->sections.len; i++)
        add_nav(nav, a, b->sections.items[i].name,
                gz_arena_printf(a, "/tag/%s", b->sections.items[i].slug), canonical_path);
    gz_obj_set(ctx, "nav", nav);
    add_languages(ctx, a, b, lang);

    size_t i = gz_i18n_index(l);
    if (b && b->i18n_html[i])
        gz_obj_set_strn(ctx, "sidebar", b->i18n_html[i], b->i18n_len[i]);
    else
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
    page = gz_page_new(key, key_len, status, "text/html; charset=utf-8", out.p, out.len,
                       !site->no_compress);
out:
    gz_buf_free(&out);
    return page;
}
