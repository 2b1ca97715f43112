/* The view beacon: GET or POST /v/ID counts one view of published article
 * ID, for pages the site did not serve itself (a static export, a CDN, or
 * any page with views.count = beacon). The rules are a page view's, through
 * the same gz_site_count_view (no bots, no prefetch, no HEAD, the
 * heuristics, reloads and floods).
 *
 * Nothing the client sends says how much to count: one request, at most
 * one view. A query string or a body is refused (400) rather than ignored,
 * so that a script trying to send a weight learns it does not work. Not
 * counted (a bot, a reload) is still 204: a beacon has nothing to show. A
 * reader past views.max_per_minute gets 429 with Retry-After (the next
 * minute). An unknown or unpublished ID is 404, so a mistyped beacon URL
 * shows up in the browser's console instead of silently counting nothing.
 * Every answer is Cache-Control: no-store. */
#include <stdio.h>
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
    /* Never cached: every call is one reader's view. */
    gz_http_add_header(r, "cache-control", "no-store");
    if (!method_ok(r))
        return GZ_OK;
    if (r->query.len || r->req->entity.len) {
        static const char msg[] = "The view beacon takes no query string and no body: "
                                  "one request counts at most one view.\n";
        gz_http_send(r, 400, "Bad Request", "text/plain; charset=utf-8", msg,
                     sizeof msg - 1);
        return GZ_OK;
    }
    int64_t id = beacon_id(r->path);
    if (id <= 0 || !published(site, r, id)) {
        gz_http_send_error(r, 404, "Not Found");
        return GZ_OK;
    }
    if (!r->is_head && gz_site_count_view(site, r, id) == GZ_COUNT_FLOOD) {
        char wait[16];
        snprintf(wait, sizeof wait, "%d", (int)(60 - time(NULL) % 60));
        gz_http_add_header(r, "retry-after", wait);
        gz_http_send_error(r, 429, "Too Many Requests");
        return GZ_OK;
    }
    gz_http_send(r, 204, "No Content", "text/plain; charset=utf-8", "", 0);
    return GZ_OK;
}
