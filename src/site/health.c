/* /healthz: the process is up and its loops answer (liveness).
 * /readyz: and this loop's store handle answers a query (readiness), so a
 * load balancer can hold traffic back while the database is unreachable. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "core/log.h"
#include "site/siteInt.h"

static int path_is(struct gz_request *r, const char *path)
{
    size_t n = strlen(path);
    return r->path.len == n && !memcmp(r->path.p, path, n);
}

static void send_text(struct gz_request *r, int status, const char *reason,
                      const char *body)
{
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("no-store"));
    gz_http_send(r, status, reason, "text/plain; charset=utf-8", body, strlen(body));
}

int gz_site_health(void *arg, struct gz_request *r)
{
    if (!path_is(r, "/healthz"))
        return GZ_DECLINED;
    if (gz_site_method_ok(r))
        send_text(r, 200, "OK", "ok\n");
    return GZ_OK;
}

/* The cheapest query that proves the store answers: the change sequence. */
static int store_answers(struct gz_site_thread *t)
{
    int64_t *ids = NULL, seq = 0;
    size_t n = 0;
    uint64_t t0 = gz_now_ns();
    int rc = t->store ? t->store->ops->changes_since(t->store, INT64_MAX, &ids, &n, &seq)
                      : GZ_EIO;
    gz_hist_observe(&t->stats.ready, gz_now_ns() - t0);
    free(ids);
    return rc == GZ_OK;
}

int gz_site_ready(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    if (!path_is(r, "/readyz"))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    int64_t since = atomic_load(&site->outage_since);
    if (store_answers(gz_site_thread_of(site, r))) {
        send_text(r, 200, "OK", "ready\n");
    } else {
        /* Cached pages are still served; a load balancer may send the
         * readers elsewhere. The views wait in memory (store.outage_seconds). */
        char body[256];
        snprintf(body, sizeof body,
                 "not ready: the store does not answer (away for %lld s; %llu views "
                 "waiting in memory)\n",
                 since ? (long long)(time(NULL) - since) : 0LL,
                 (unsigned long long)atomic_load(&site->pending_views));
        gz_warn("readyz: the store does not answer");
        send_text(r, 503, "Service Unavailable", body);
    }
    return GZ_OK;
}
