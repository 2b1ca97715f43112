/* /metrics: counters in the Prometheus text format (version 0.0.4), for
 * the addresses in metrics.allow only. Each event loop and the flusher count
 * on their own (no lock); this sums them when scraped. Never cached, never a
 * view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "site/siteInt.h"
#include "site/version.h"

/* A histogram summed over threads. */
struct hist_sum {
    uint64_t count[GZ_HIST_BUCKETS];
    uint64_t sum_ns;
};

static void hist_add(struct hist_sum *out, const struct gz_hist *h)
{
    for (size_t i = 0; i < GZ_HIST_BUCKETS; i++)
        out->count[i] += gz_stat_get(&h->count[i]);
    out->sum_ns += gz_stat_get(&h->sum_ns);
}

static void help_type(struct gz_buf *b, const char *name, const char *type,
                      const char *help)
{
    gz_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(struct gz_buf *b, const char *name, const char *help, uint64_t v)
{
    help_type(b, name, "counter", help);
    gz_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void gauge(struct gz_buf *b, const char *name, const char *help, uint64_t v)
{
    help_type(b, name, "gauge", help);
    gz_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

/* The sample lines of one histogram; label is "" or e.g. `op="write",`. */
static void hist_samples(struct gz_buf *b, const char *name, const char *label,
                         const struct hist_sum *h)
{
    uint64_t cumulative = 0;
    for (size_t i = 0; i < GZ_HIST_BUCKETS; i++) {
        cumulative += h->count[i];
        if (i < GZ_HIST_BUCKETS - 1)
            gz_buf_printf(b, "%s_bucket{%sle=\"%g\"} %llu\n", name, label,
                          (double)gz_hist_bounds_ns[i] / 1e9,
                          (unsigned long long)cumulative);
        else
            gz_buf_printf(b, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, label,
                          (unsigned long long)cumulative);
    }
    /* Labels of _sum and _count: the same, without the trailing comma. */
    size_t n = strlen(label);
    const char *open = n ? "{" : "", *close = n ? "}" : "";
    int ln = n ? (int)n - 1 : 0;
    gz_buf_printf(b, "%s_sum%s%.*s%s %.9f\n", name, open, ln, label, close,
                  (double)h->sum_ns / 1e9);
    gz_buf_printf(b, "%s_count%s%.*s%s %llu\n", name, open, ln, label, close,
                  (unsigned long long)cumulative);
}

static void requests(struct gz_buf *b, struct gz_site *site)
{
    size_t nroutes;
    const char *const *routes = gz_server_routes(site->server, &nroutes);
    help_type(b, "gazette_requests_total", "counter",
              "HTTP responses sent, by route and status code.");
    for (size_t route = 0; route < nroutes; route++)
        for (size_t code = 0; code < GZ_STATUS_SLOTS; code++) {
            uint64_t v = 0;
            for (size_t i = 0; i < site->nthreads; i++)
                v += gz_stat_get(
                    &gz_server_worker(site->server, i)->stats.requests[route][code]);
            if (v)
                gz_buf_printf(b,
                              "gazette_requests_total{route=\"%s\",code=\"%zu\"} %llu\n",
                              routes[route], code + GZ_STATUS_MIN, (unsigned long long)v);
        }
    struct hist_sum d = {0};
    for (size_t i = 0; i < site->nthreads; i++)
        hist_add(&d, &gz_server_worker(site->server, i)->stats.duration);
    help_type(b, "gazette_request_duration_seconds", "histogram",
              "Time from handling a request to releasing it after the response.");
    hist_samples(b, "gazette_request_duration_seconds", "", &d);
}

/* Views fair counting left out (count.c), by reason, and the readers'
 * events that could not be kept for the unique-readers sketches. */
static void fair_counting(struct gz_buf *b, struct gz_site *site)
{
    uint64_t reload = 0, flood = 0, heuristic = 0;
    for (size_t i = 0; i < site->nthreads; i++) {
        const struct gz_site_stats *s = &site->threads[i].stats;
        reload += gz_stat_get(&s->views_reload);
        flood += gz_stat_get(&s->views_flood);
        heuristic += gz_stat_get(&s->views_heuristic);
    }
    static const char name[] = "gazette_views_not_counted_total";
    help_type(b, name, "counter",
              "Reader views not counted by fair counting: reload (the same reader within "
              "views.reload_minutes), flood (past views.max_per_minute), heuristic (no "
              "Accept-Language, a headless browser).");
    gz_buf_printf(b, "%s{reason=\"reload\"} %llu\n", name, (unsigned long long)reload);
    gz_buf_printf(b, "%s{reason=\"flood\"} %llu\n", name, (unsigned long long)flood);
    gz_buf_printf(b, "%s{reason=\"heuristic\"} %llu\n", name,
                  (unsigned long long)heuristic);
    counter(b, "gazette_readers_events_dropped_total",
            "Counted views left out of the unique-readers sketches and referrers (queue "
            "full, or the store away too long).",
            gz_readership_dropped(site));
    gauge(b, "gazette_readers_memory_bytes",
          "Memory of the readers' reload and flood tables and event queue.",
          gz_readers_memory(atomic_load_explicit(&site->readers, memory_order_acquire)));
}

static void cache_and_views(struct gz_buf *b, struct gz_site *site)
{
    uint64_t hits = 0, misses = 0, renders = 0, counted = 0;
    for (size_t i = 0; i < site->nthreads; i++) {
        const struct gz_site_stats *s = &site->threads[i].stats;
        hits += gz_stat_get(&s->cache_hits);
        misses += gz_stat_get(&s->cache_misses);
        renders += gz_stat_get(&s->renders);
        counted += gz_stat_get(&s->views_counted);
    }
    counter(b, "gazette_page_cache_hits_total", "Pages served fresh from the page cache.",
            hits);
    counter(b, "gazette_page_cache_misses_total",
            "Pages missing from the cache or stale when asked for.", misses);
    counter(b, "gazette_page_renders_total", "Pages rendered into the cache.", renders);
    gauge(b, "gazette_page_cache_pages", "Pages in the page cache.",
          gz_cache_count(site->cache));
    gauge(b, "gazette_page_cache_bytes", "Bytes of the pages in the page cache.",
          gz_cache_bytes(site->cache));
    counter(b, "gazette_views_counted_total", "Article views counted by the event loops.",
            counted);
    counter(b, "gazette_views_flushed_total", "Article views written out by the flusher.",
            gz_stat_get(&site->flush_stats.views_flushed));
    fair_counting(b, site);
    gauge(b, "gazette_views_pending",
          "Views waiting in memory for the store (it is away).",
          atomic_load(&site->pending_views));
    counter(b, "gazette_views_dropped_total",
            "Views dropped: the store was away longer than store.outage_seconds.",
            atomic_load(&site->views_dropped));
    int64_t away = atomic_load(&site->outage_since);
    gauge(b, "gazette_store_away_seconds",
          "How long the store has refused the flusher's writes (0: it answers).",
          away ? (uint64_t)(time(NULL) - away) : 0);
    counter(b, "gazette_scheduled_live_total",
            "Scheduled articles this server announced live (each is announced by one "
            "server of the site).",
            atomic_load(&site->scheduled_live));
    struct hist_sum tick = {0};
    hist_add(&tick, &site->flush_stats.tick);
    help_type(b, "gazette_view_flush_duration_seconds", "histogram",
              "Time of one flush: collect the views, write them, refresh the blocks.");
    hist_samples(b, "gazette_view_flush_duration_seconds", "", &tick);
}

static void store_queries(struct gz_buf *b, struct gz_site *site)
{
    static const char name[] = "gazette_store_query_duration_seconds";
    help_type(b, name, "histogram",
              "Store queries by operation: views_write (the flusher's transaction), "
              "changes and latest (the flusher's reads), page_read (the reads behind "
              "one page render), ready (the /readyz query).");
    struct hist_sum h[3];
    memset(h, 0, sizeof h);
    hist_add(&h[0], &site->flush_stats.write);
    hist_add(&h[1], &site->flush_stats.changes);
    hist_add(&h[2], &site->flush_stats.latest);
    hist_samples(b, name, "op=\"views_write\",", &h[0]);
    hist_samples(b, name, "op=\"changes\",", &h[1]);
    hist_samples(b, name, "op=\"latest\",", &h[2]);
    struct hist_sum read = {0}, ready = {0}, render = {0};
    for (size_t i = 0; i < site->nthreads; i++) {
        hist_add(&read, &site->threads[i].stats.page_read);
        hist_add(&ready, &site->threads[i].stats.ready);
        hist_add(&render, &site->threads[i].stats.render);
    }
    hist_samples(b, name, "op=\"page_read\",", &read);
    hist_samples(b, name, "op=\"ready\",", &ready);
    static const char render_name[] = "gazette_page_render_duration_seconds";
    help_type(b, render_name, "histogram",
              "Rendering one page into the cache: store reads, template, compression.");
    hist_samples(b, render_name, "", &render);
}

static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return resident * (uint64_t)(page > 0 ? page : 4096);
}

static void process(struct gz_buf *b, struct gz_site *site)
{
    uint64_t accepted = 0, closed = 0;
    for (size_t i = 0; i < site->nthreads; i++) {
        const struct gz_worker *w = gz_server_worker(site->server, i);
        accepted += gz_stat_get(&w->stats.accepted);
        closed += gz_stat_get(&w->stats.closed);
    }
    gauge(b, "gazette_open_connections", "Client connections open now.",
          accepted > closed ? accepted - closed : 0);
    gauge(b, "gazette_process_resident_memory_bytes", "Resident memory of the process.",
          resident_bytes());
    help_type(b, "gazette_build_info", "gauge", "Always 1; the version is in the label.");
    gz_buf_printf(b, "gazette_build_info{version=\"%s\"} 1\n", GZ_VERSION);
}

int gz_site_metrics(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    if (r->path.len != 8 || memcmp(r->path.p, "/metrics", 8))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    h2o_add_header(&r->req->pool, &r->req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("no-store"));
    /* A plain 403, not the 404 page: the address exists, the client may
     * not read it. */
    if (!gz_http_peer_in(r, &gz_site_conf(site)->metrics_allow)) {
        gz_http_send_error(r, 403, "Forbidden");
        return GZ_OK;
    }
    struct gz_buf b;
    gz_buf_init(&b, (size_t)1 << 20);
    requests(&b, site);
    cache_and_views(&b, site);
    store_queries(&b, site);
    process(&b, site);
    gz_http_send(r, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", b.p, b.len);
    gz_buf_free(&b);
    return GZ_OK;
}
