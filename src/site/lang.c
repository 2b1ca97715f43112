/* What depends on the language of a page: the sidebar in every language
 * the theme speaks, the languages and months the site has articles in,
 * authors' addresses and absolute URLs. */
#include <stdlib.h>
#include <string.h>

#include "content/slug.h"
#include "core/log.h"
#include "site/siteInt.h"

const struct gz_i18n *gz_page_i18n(struct gz_site *site, const char *lang)
{
    return gz_i18n_for(lang, gz_site_cfg(site)->site_lang);
}

/* Most viewed's window, in words of language l. */
static const char *window_label(const struct gz_i18n *l, enum gz_window w)
{
    switch (w) {
    case GZ_WINDOW_24H:
        return l->msgs[GZ_MSG_WINDOW_24H];
    case GZ_WINDOW_7D:
        return l->msgs[GZ_MSG_WINDOW_7D];
    case GZ_WINDOW_30D:
        return l->msgs[GZ_MSG_WINDOW_30D];
    default:
        return l->msgs[GZ_MSG_WINDOW_ALL];
    }
}

static void set_sidebar_language(struct gz_site *site, struct gz_val *ctx,
                                 struct gz_arena *a, const struct gz_i18n *l)
{
    gz_obj_set(ctx, "t", gz_i18n_values(a, l));
    gz_obj_set_str(ctx, "most_viewed_label", window_label(l, gz_site_conf(site)->window));
}

static void copy_languages(const struct gz_lang_list *from, struct gz_lang_list *to)
{
    to->len = from->len;
    to->items = to->len ? gz_xcalloc(to->len, sizeof(*to->items)) : NULL;
    for (size_t i = 0; i < to->len; i++) {
        to->items[i].lang = gz_xstrdup(from->items[i].lang);
        to->items[i].count = from->items[i].count;
    }
}

static void copy_months(const struct gz_month_list *from, struct gz_month_list *to)
{
    to->len = from->len;
    to->items = to->len ? gz_xcalloc(to->len, sizeof(*to->items)) : NULL;
    if (to->len)
        memcpy(to->items, from->items, to->len * sizeof(*to->items));
}

/* Languages and months change with content only: counting them scans
 * every published article, so it is done when content changed. */
static int load_lists(struct gz_site *site, struct gz_store *store, int content_changed,
                      int64_t now, struct gz_blocks *b)
{
    const struct gz_blocks *last =
        atomic_load_explicit(&site->blocks, memory_order_acquire);
    if (last && !content_changed) {
        copy_languages(&last->languages, &b->languages);
        copy_months(&last->months, &b->months);
        return GZ_OK;
    }
    int rc = store->ops->lang_counts(store, now, &b->languages);
    if (rc == GZ_OK)
        rc = store->ops->archive_months(store, now, &b->months);
    if (rc)
        gz_error("reading the languages and months of the blocks failed (%d)", rc);
    return rc;
}

int gz_blocks_i18n(struct gz_site *site, struct gz_store *store, int content_changed,
                   int64_t now, struct gz_val *ctx, struct gz_arena *a,
                   struct gz_blocks *b)
{
    int rc = load_lists(site, store, content_changed, now, b);
    const struct gz_i18n *site_lang = gz_page_i18n(site, NULL);
    for (size_t i = 0; rc == GZ_OK && i < gz_i18n_count(); i++) {
        const struct gz_i18n *l = gz_i18n_at(i);
        if (l == site_lang)
            continue; /* the caller renders it into b->html */
        struct gz_buf out;
        gz_buf_init(&out, GZ_BUF_PAGE_MAX);
        set_sidebar_language(site, ctx, a, l);
        rc = gz_tpl_render(gz_theme_templates(site->theme), "sidebar.html", ctx, &out);
        b->i18n_len[i] = out.len;
        b->i18n_html[i] = gz_buf_take(&out);
    }
    set_sidebar_language(site, ctx, a, site_lang);
    return rc;
}

void gz_blocks_i18n_free(struct gz_blocks *b)
{
    for (size_t i = 0; i < GZ_I18N_MAX; i++)
        free(b->i18n_html[i]);
    gz_lang_list_clear(&b->languages);
    gz_month_list_clear(&b->months);
}

char *gz_author_path(struct gz_arena *a, int64_t id, const char *name)
{
    struct gz_buf slug;
    gz_buf_init(&slug, 4 * GZ_SLUG_MAX);
    char *path;
    if (name && *name && gz_slugify(name, strlen(name), &slug) == GZ_OK && slug.len)
        path = gz_arena_printf(a, "/author/%lld-%s", (long long)id, slug.p);
    else
        path = gz_arena_printf(a, "/author/%lld", (long long)id);
    gz_buf_free(&slug);
    return path;
}

char *gz_absolute_url(struct gz_arena *a, const struct gz_config *cfg, const char *url)
{
    if (!url || !*url)
        return NULL;
    if (url[0] == '/' && url[1] != '/')
        return gz_arena_printf(a, "%s%s", cfg->site_url, url);
    if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
        return gz_arena_strdup(a, url);
    return NULL;
}
