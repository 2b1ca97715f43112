/* The view beacon: GET or POST /v/ID counts one view of published article
 * ID, for pages the site did not serve itself (a static export, a CDN).
 * The rules are a page view's (no bots, no prefetch, no HEAD); nothing
 * the client sends says how much to count: one request, at most one view.
 * An unknown or unpublished ID is 404, so a mistyped beacon URL shows up
 * in the browser's console instead of silently counting nothing. */
#include <string.h>
#include <time.h>

#include "site/siteInt.h"

/* The id of "/v/ID": digits only, no sign, no leading zero; 0 otherwise. */
static int64_t beacon_id(struct gz_str path)
{
    struct gz_str digits = {path.p + 3, path.len - 3};
    int64_t id = 0;
    if (digits.len == 0 || digits.len > 18 || digits.p[0] == '0')
        return 0;
    for (size_t i = 0; i < digits.len; i++)
        if (digits.p[i] < '0' || digits.p[i] > '9')
            return 0;
    if (gz_parse_i64(digits.p, digits.len, 1, INT64_MAX, &id))
        return 0;
    return id;
}

static int method_ok(struct gz_request *r)
{
    h2o_iovec_t m = r->req->method;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("GET")) ||
        h2o_memis(m.base, m.len, H2O_STRLIT("POST")) || r->is_head)
        return 1;
    gz_http_add_header(r, "allow", "GET, POST, HEAD");
    gz_http_send_error(r, 405, "Method Not Allowed");
    return 0;
}

/* Whether id is an article readers can see now. */
static int published(struct gz_site *site, struct gz_request *r, int64_t id)
{
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_teaser_list l = {0};
    int rc = store->ops->article_teasers(store, &id, 1, time(NULL), &l);
    int found = rc == GZ_OK && l.len == 1;
    gz_teaser_list_clear(&l);
    return found;
}

int gz_site_beacon(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    if (r->path.len < 3 || memcmp(r->path.p, "/v/", 3))
        return GZ_DECLINED;
    if (!method_ok(r))
        return GZ_OK;
    int64_t id = beacon_id(r->path);
    if (id <= 0 || !published(site, r, id)) {
        gz_http_send_error(r, 404, "Not Found");
        return GZ_OK;
    }
    if (!r->is_head && gz_site_is_view(r)) {
        struct gz_site_thread *t = gz_site_thread_of(site, r);
        gz_counters_hit(t->counters, id);
        gz_stat_add(&t->stats.views_counted, 1);
    }
    /* Never cached: every call is one reader's view. */
    gz_http_add_header(r, "cache-control", "no-store");
    gz_http_send(r, 204, "No Content", "text/plain; charset=utf-8", "", 0);
    return GZ_OK;
}
