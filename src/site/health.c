/* /healthz: the process is up and its loops answer. */
#include <string.h>

#include "site/siteInt.h"

int gz_site_health(void *arg, struct gz_request *r)
{
    if (r->path.len != 8 || memcmp(r->path.p, "/healthz", 8))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("no-store"));
    gz_http_send(r, 200, "OK", "text/plain; charset=utf-8", "ok\n", 3);
    return GZ_OK;
}
