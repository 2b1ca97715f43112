/* The sidebar: "New Articles" and "Most viewed", rendered once per change
 * and inserted into every page. */
#include <stdlib.h>
#include <time.h>

#include "core/log.h"
#include "site/siteInt.h"

void gz_blocks_free(void *p)
{
    struct gz_blocks *b = p;
    if (b) {
        free(b->html);
        gz_tag_list_clear(&b->sections);
        gz_blocks_i18n_free(b);
        free(b);
    }
}

/* The sections depend on content only, and counting them is a scan of every
 * article's tags: redo it when content changed, else copy the last ones. */
static int load_sections(struct gz_site *site, struct gz_store *store,
                         int content_changed, int64_t now, struct gz_tag_list *out)
{
    const struct gz_blocks *last =
        atomic_load_explicit(&site->blocks, memory_order_acquire);
    if (content_changed || !last)
        return gz_site_cfg(site)->sections > 0
                   ? store->ops->tags_top(store, now, (size_t)gz_site_cfg(site)->sections,
                                          out)
                   : GZ_OK;
    out->len = last->sections.len;
    out->items = gz_xcalloc(out->len, sizeof(*out->items));
    for (size_t i = 0; i < out->len; i++) {
        out->items[i] = last->sections.items[i];
        out->items[i].name = gz_xstrdup(last->sections.items[i].name);
        out->items[i].slug = gz_xstrdup(last->sections.items[i].slug);
    }
    return GZ_OK;
}

int gz_blocks_refresh(struct gz_site *site, struct gz_store *store, int content_changed)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_teaser_list latest = {0}, top = {0};
    struct gz_arena ar;
    gz_arena_init(&ar, 8192);
    struct gz_buf out;
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    int64_t now = time(NULL);
    int rc =
        store->ops->article_teasers(store, site->latest_ids, site->nlatest, now, &latest);
    if (!rc)
        rc = store->ops->article_teasers(store, site->top_ids, site->ntop, now, &top);
    struct gz_tag_list sections = {0};
    if (!rc)
        rc = load_sections(site, store, content_changed, now, &sections);
    if (rc)
        goto out;
    struct gz_val *ctx = gz_val_obj(&ar);
    gz_obj_set(ctx, "new_articles", gz_teaser_values(&ar, &latest, cfg));
    /* The candidates run past top_count so that unpublished articles can be
     * skipped; show the first top_count that are public. */
    struct gz_teaser_list shown = {top.items, top.len};
    if (shown.len > (size_t)cfg->top_count)
        shown.len = (size_t)cfg->top_count;
    gz_obj_set(ctx, "most_viewed", gz_teaser_values(&ar, &shown, cfg));
    gz_obj_set_str(ctx, "most_viewed_label", gz_window_label(gz_site_conf(site)->window));
    struct gz_blocks *b = gz_xcalloc(1, sizeof(*b));
    /* Every language's sidebar (lang.c), the site's last: rendered below. */
    if ((rc = gz_blocks_i18n(site, store, content_changed, now, ctx, &ar, b)) ||
        (rc =
             gz_tpl_render(gz_theme_templates(site->theme), "sidebar.html", ctx, &out))) {
        gz_error("rendering sidebar.html failed (%d)", rc);
        gz_blocks_free(b);
        goto out;
    }
    b->len = out.len;
    b->html = gz_buf_take(&out);
    b->version = atomic_load(&site->blocks_version) + 1;
    b->sections = sections;
    sections = (struct gz_tag_list){0};
    struct gz_blocks *old =
        atomic_exchange_explicit(&site->blocks, b, memory_order_acq_rel);
    /* Pages rendered from now on carry the new version; older ones are stale. */
    atomic_store_explicit(&site->blocks_version, b->version, memory_order_release);
    if (old)
        gz_qsbr_retire(site->qsbr, old, gz_blocks_free);
out:
    gz_tag_list_clear(&sections);
    gz_teaser_list_clear(&latest);
    gz_teaser_list_clear(&top);
    gz_buf_free(&out);
    gz_arena_free(&ar);
    return rc;
}
