/* The 404 page: the theme's 404.html with the blocks, so a lost reader still
 * finds something to read. Not cached (it echoes the path). */
#include "core/log.h"
#include "site/siteInt.h"

void gz_site_not_found(struct gz_site *site, struct gz_request *r)
{
    /* An old address of an imported site is not lost: it moved. */
    if (gz_site_redirect_try(site, r) == GZ_OK)
        return;
    struct gz_arena *ar = &r->worker->arena;
    uint64_t version;
    const char *title = gz_page_i18n(site, NULL)->msgs[GZ_MSG_NOT_FOUND];
    struct gz_val *ctx = gz_page_context(site, ar, title, NULL, NULL, NULL, &version);
    gz_obj_set_strn(ctx, "path", r->path.p, r->path.len);
    struct gz_buf out;
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    if (gz_tpl_render(gz_theme_templates(site->theme), "404.html", ctx, &out)) {
        gz_error("rendering 404.html failed");
        gz_http_send_error(r, 404, "Not Found");
    } else {
        h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                       H2O_STRLIT("no-cache"));
        gz_http_send(r, 404, "Not Found", "text/html; charset=utf-8", out.p, out.len);
    }
    gz_buf_free(&out);
}

int gz_site_fallback(void *site, struct gz_request *r)
{
    gz_site_not_found(site, r);
    return GZ_OK;
}
