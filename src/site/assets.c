/* Theme assets under /assets/, and /favicon.ico, sent compressed when the
 * client takes it. Versioned URLs (?v=<assets_version>) may be cached for a
 * year. */
#include <string.h>

#include "site/siteInt.h"

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
    int versioned = r->query.len > 2 && !memcmp(r->query.p, "v=", 2);
    /* The theme outlives the server, so its pages need no grace period. */
    gz_http_send_page(r, asset->page,
                      versioned ? "public, max-age=31536000, immutable"
                                : "public, max-age=300");
    return GZ_OK;
}
