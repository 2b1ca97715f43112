/* Theme assets under /assets/, and /favicon.ico. Versioned URLs
 * (?v=<assets_version>) may be cached for a year. */
#include <string.h>

#include "site/siteInt.h"

static void send_asset(struct gz_request *r, const struct gz_asset *asset)
{
    h2o_req_t *req = r->req;
    int versioned = r->query.len > 2 && !memcmp(r->query.p, "v=", 2);
    const char *cc = versioned ? "public, max-age=31536000, immutable" : "public, max-age=300";
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, cc,
                   strlen(cc));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, NULL, asset->etag,
                   strlen(asset->etag));
    struct gz_str inm = gz_http_header(r, H2O_TOKEN_IF_NONE_MATCH);
    if (inm.len && gz_http_etag_matches(inm, asset->etag, strlen(asset->etag))) {
        gz_http_send_not_modified(r, asset->len);
        return;
    }
    /* Theme assets live as long as the theme, which outlives the server. */
    gz_http_send(r, 200, "OK", asset->content_type, (const char *)asset->bytes, asset->len);
}

int gz_site_assets(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    static const char prefix[] = "/assets/";
    size_t n = sizeof(prefix) - 1;
    const struct gz_asset *asset = NULL;
    if (r->path.len == 12 && !memcmp(r->path.p, "/favicon.ico", 12))
        asset = gz_theme_asset(site->theme, "favicon.svg", 11);
    else if (r->path.len > n && !memcmp(r->path.p, prefix, n))
        asset = gz_theme_asset(site->theme, r->path.p + n, r->path.len - n);
    else
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    if (!asset) {
        gz_site_not_found(site, r);
        return GZ_OK;
    }
    send_asset(r, asset);
    return GZ_OK;
}
