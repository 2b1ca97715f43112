/* The path every cached page takes: lock-free lookup, render on a miss or
 * after a change (once, under a striped lock), send, and count the view
 * (count.c decides whether it counts). */
#include <string.h>

#include "site/siteInt.h"

int gz_site_method_ok(struct gz_request *r)
{
    h2o_iovec_t m = r->req->method;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("GET")) || r->is_head)
        return 1;
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_ALLOW, NULL,
                   H2O_STRLIT("GET, HEAD"));
    gz_http_send_error(r, 405, "Method Not Allowed");
    return 0;
}

static int fresh(struct gz_site *site, const struct gz_page *p)
{
    if (!p)
        return 0;
    _Atomic uint64_t *now =
        p->content_only ? &site->content_version : &site->blocks_version;
    return p->blocks_version == atomic_load_explicit(now, memory_order_acquire);
}

void gz_site_store_failed(struct gz_request *r)
{
    r->store_failed = 1;
}

/* The store did not answer a render: the page the cache still holds, stale
 * (its blocks or content older than the site's), is better than an error
 * while the database is away (docs/postgresql.md); without one, 503. */
static struct gz_page *serve_stale(struct gz_request *r, struct gz_page *stale)
{
    if (stale)
        return stale;
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL,
                   H2O_STRLIT("5"));
    gz_http_send_error(r, 503, "Service Unavailable");
    return NULL;
}

int gz_site_serve_cached(struct gz_site *site, struct gz_request *r, gz_render_fn render)
{
    struct gz_site_stats *stats = &gz_site_thread_of(site, r)->stats;
    uint64_t hash = gz_hash(r->path.p, r->path.len);
    struct gz_page *page = gz_cache_get(site->cache, r->path.p, r->path.len, hash);
    if (fresh(site, page)) {
        gz_stat_add(&stats->cache_hits, 1);
    } else {
        gz_stat_add(&stats->cache_misses, 1);
        pthread_mutex_t *lock = &site->render_locks[hash % GZ_RENDER_LOCKS];
        pthread_mutex_lock(lock);
        page = gz_cache_get(site->cache, r->path.p, r->path.len, hash);
        if (!fresh(site, page)) {
            uint64_t version = 0, t0 = gz_now_ns();
            struct gz_page *stale = page;
            page = render(site, r, &version);
            gz_hist_observe(&stats->render, gz_now_ns() - t0);
            if (page) {
                gz_stat_add(&stats->renders, 1);
                page->blocks_version = version;
                gz_cache_put(site->cache, page); /* the cache takes our reference */
                if (gz_qsbr_pending(site->qsbr) >= GZ_RECLAIM_PENDING)
                    gz_flusher_reclaim_soon(site);
            } else if (r->store_failed) {
                page = serve_stale(r, stale); /* borrowed from the cache, like a hit */
            }
        }
        pthread_mutex_unlock(lock);
        if (!page)
            return GZ_OK; /* render answered: 404, redirect, 503 */
    }
    /* page is borrowed: valid until this loop's next quiescent state, which
     * comes after the handler returns; the send takes its own reference. */
    int status = gz_http_send_page(r, page, "no-cache");
    /* views.count = beacon: the page's script counts it (beacon.c), so a
     * page served from a cache counts the same as one served from here. */
    if (status == 200 && !r->is_head && page->article_id > 0 &&
        !gz_site_conf(site)->count_beacon)
        gz_site_count_view(site, r, page->article_id);
    return GZ_OK;
}
