/* A running site: wires the store, the theme, the page cache, the views and
 * the HTTP server together. */
#include "site/site.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/tz.h"
#include "admin/admin.h"
#include "site/siteInt.h"

static int thread_start(void *ctx, struct gz_worker *w)
{
    struct gz_site *site = ctx;
    struct gz_site_thread *t = &site->threads[w->index];
    char err[256];
    if (gz_store_open(gz_site_cfg(site)->db, &t->store, err, sizeof err)) {
        gz_error("worker %zu: %s", w->index, err);
        return GZ_EIO;
    }
    gz_qsbr_quiescent(site->qsbr, w->index);
    return GZ_OK;
}

static void thread_stop(void *ctx, struct gz_worker *w)
{
    struct gz_site *site = ctx;
    gz_qsbr_offline(site->qsbr, w->index);
    gz_store_close(site->threads[w->index].store);
    site->threads[w->index].store = NULL;
}

static void quiescent(void *ctx, struct gz_worker *w)
{
    struct gz_site *site = ctx;
    gz_qsbr_quiescent(site->qsbr, w->index);
}

static void reload(void *ctx)
{
    gz_flusher_request_reload(ctx);
}

void gz_site_set_reconfigure(struct gz_site *site, gz_site_reconfigure_fn fn, void *ctx)
{
    site->reconfigure = fn;
    site->reconfigure_ctx = ctx;
}

static void on_view_row(void *ctx, int64_t id, int is_day, int64_t bucket, int64_t count)
{
    struct gz_views *v = ctx;
    if (is_day)
        gz_views_load_total(v, id, (uint64_t)count);
    else
        gz_views_load_hour(v, id, bucket, (uint64_t)count);
}

/* Rebuilds totals and windows from the store, so a restart keeps counts. */
static int load_views(struct gz_site *site, char *err, size_t errlen)
{
    int64_t hour = time(NULL) / 3600;
    site->views = gz_views_new(hour);
    struct gz_store *st = site->flush_store;
    if (st->ops->views_load(st, hour - GZ_VIEWS_RING_HOURS, on_view_row, site->views)) {
        snprintf(err, errlen, "cannot read view counts from the store");
        return GZ_EIO;
    }
    int64_t *ids = NULL;
    size_t n = 0;
    if (st->ops->changes_since(st, INT64_MAX, &ids, &n, &site->change_seq)) {
        snprintf(err, errlen, "cannot read the store's change sequence");
        return GZ_EIO;
    }
    free(ids);
    return GZ_OK;
}

/* "yes", "true", "on" or "1" (the yes/no values of core/config.c). */
static int is_yes(const char *v)
{
    return v && (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
                 !strcmp(v, "1"));
}

/* The host[:port] of site.url, which readers' Referer headers name when
 * they move between the site's own pages. */
static void own_host(struct gz_site_conf *c, const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    size_t n = 0;
    if (p) {
        p += 3;
        n = strcspn(p, "/?#");
    }
    if (n >= sizeof c->own_host)
        n = 0;
    if (n)
        memcpy(c->own_host, p, n);
    c->own_host[n] = '\0';
    c->own_host_len = n;
}

/* The settings of fair counting and readership, parsed for the hot path. */
static int readership_conf(struct gz_site_conf *c, const struct gz_config *cfg, char *err,
                           size_t errlen)
{
    char why[256];
    if (gz_cidr_parse_list(cfg->trusted_proxies ? cfg->trusted_proxies : "",
                           &c->trusted_proxies, why, sizeof why)) {
        snprintf(err, errlen, "http.trusted_proxies: %s", why);
        return GZ_EINVAL;
    }
    c->heuristics = is_yes(cfg->views_heuristics);
    c->rank_readers = cfg->rank_by && !strcmp(cfg->rank_by, "readers");
    c->count_beacon = cfg->count_mode && !strcmp(cfg->count_mode, "beacon");
    own_host(c, cfg->site_url);
    return GZ_OK;
}

int gz_site_conf_new(struct gz_config *cfg, struct gz_site_conf **out, char *err,
                     size_t errlen)
{
    struct gz_site_conf *c = gz_xcalloc(1, sizeof(*c));
    char why[256];
    if (gz_window_parse(cfg->window, &c->window)) {
        snprintf(err, errlen, "blocks.window: unknown Most viewed window '%s'",
                 cfg->window);
        goto fail;
    }
    if (gz_log_parse_level(cfg->log_level, &c->log_level)) {
        snprintf(err, errlen, "log.level: expected debug, info, warn or error, got '%s'",
                 cfg->log_level ? cfg->log_level : "");
        goto fail;
    }
    if (!cfg->error_log || !*cfg->error_log) {
        snprintf(err, errlen, "log.error: expected stderr or a file path");
        goto fail;
    }
    if (gz_cidr_parse_list(cfg->metrics_allow ? cfg->metrics_allow : "",
                           &c->metrics_allow, why, sizeof why)) {
        snprintf(err, errlen, "metrics.allow: %s", why);
        goto fail;
    }
    if (!(c->tz = gz_tz_get(cfg->site_timezone ? cfg->site_timezone : "UTC", why,
                            sizeof why))) {
        snprintf(err, errlen, "site.timezone: %s", why);
        goto fail;
    }
    if (readership_conf(c, cfg, err, errlen))
        goto fail;
    c->cfg = *cfg; /* takes over the strings */
    memset(cfg, 0, sizeof(*cfg));
    /* Every configuration made is installed at once (open, reload). */
    gz_page_set_timezone(c->tz);
    *out = c;
    return GZ_OK;
fail:
    gz_cidr_list_clear(&c->metrics_allow);
    gz_cidr_list_clear(&c->trusted_proxies);
    free(c);
    return GZ_EINVAL;
}

void gz_site_conf_free(void *p)
{
    struct gz_site_conf *c = p;
    if (!c)
        return;
    gz_cidr_list_clear(&c->metrics_allow);
    gz_cidr_list_clear(&c->trusted_proxies);
    gz_config_clear(&c->cfg);
    free(c);
}

/* log.error and log.level; log.access is the server's. */
static int open_logs(struct gz_site *site, char *err, size_t errlen)
{
    const struct gz_site_conf *conf = gz_site_conf(site);
    char why[256];
    if (gz_log_open(conf->cfg.error_log, why, sizeof why)) {
        snprintf(err, errlen, "log.error: %s", why);
        return GZ_EIO;
    }
    gz_log_set_level(conf->log_level);
    return GZ_OK;
}

/* A site without an administrator prints a one-time link that lets whoever
 * runs the server create the first one from a browser. */
static void setup_link(struct gz_site *site)
{
    int64_t admins = 1;
    struct gz_store *st = site->flush_store;
    if (st->ops->user_count_admins(st, &admins) || admins > 0)
        return;
    uint8_t unused[32];
    gz_secret_new(site->setup_key, unused);
    gz_warn("no administrator yet: create one at %s/admin/setup?key=%s "
            "(or run: gazette user add NAME --role admin)",
            gz_site_cfg(site)->site_url, site->setup_key);
}

/* Settings saved in the admin override the file's (docs/admin.md). A
 * store that does not open is reported by gz_site_open's own open. */
static void apply_saved_settings(struct gz_config *cfg)
{
    struct gz_store *st;
    char err[256];
    if (gz_store_open(cfg->db, &st, err, sizeof err) == GZ_OK) {
        gz_admin_settings_apply(st, cfg);
        gz_store_close(st);
    }
}

int gz_site_open(struct gz_config *config, struct gz_site **out, char *err, size_t errlen)
{
    struct gz_site *site = gz_xcalloc(1, sizeof(*site));
    struct gz_site_conf *conf;
    apply_saved_settings(config);
    int rc = gz_site_conf_new(config, &conf, err, errlen);
    if (rc) {
        free(site);
        return rc;
    }
    atomic_init(&site->conf, conf);
    const struct gz_config *cfg = &conf->cfg;
    if ((rc = open_logs(site, err, errlen)))
        goto fail;
    struct gz_theme *theme;
    if ((rc = gz_theme_load(cfg->theme_dir, &theme, err, errlen)))
        goto fail;
    atomic_init(&site->theme, theme);
    atomic_init(&site->assets_version, gz_xstrdup(gz_theme_assets_version(theme)));
    if ((rc = gz_store_open(cfg->db, &site->flush_store, err, errlen)))
        goto fail;
    if ((rc = load_views(site, err, errlen)))
        goto fail;

    struct gz_server_hooks hooks = {.thread_start = thread_start,
                                    .thread_stop = thread_stop,
                                    .quiescent = quiescent,
                                    .reload = reload,
                                    .ctx = site};
    if ((rc = gz_server_new(cfg, &hooks, &site->server, err, errlen)))
        goto fail;
    if ((rc = gz_admin_new(&site->admin, err, errlen)))
        goto fail;
    gz_server_add_named_handler(site->server, gz_admin_handle, site, "admin");
    gz_server_add_named_handler(site->server, gz_api_handle, site, "api");
    gz_server_add_named_handler(site->server, gz_site_media, site, "media");
    gz_server_add_named_handler(site->server, gz_site_article, site, "article");
    /* Before home: "/?p=12" is an imported site's old address. */
    gz_server_add_named_handler(site->server, gz_site_redirect, site, "redirect");
    gz_server_add_named_handler(site->server, gz_site_home, site, "home");
    /* Before the sections: /tag/SLUG/feed.xml is a feed, not a section page. */
    gz_server_add_named_handler(site->server, gz_site_feeds, site, "feed");
    gz_server_add_named_handler(site->server, gz_site_sitemap, site, "sitemap");
    gz_server_add_named_handler(site->server, gz_site_tag, site, "tag");
    gz_server_add_named_handler(site->server, gz_site_search, site, "search");
    gz_server_add_named_handler(site->server, gz_site_lists, site, "list");
    gz_server_add_named_handler(site->server, gz_site_assets, site, "asset");
    gz_server_add_named_handler(site->server, gz_site_health, site, "health");
    gz_server_add_named_handler(site->server, gz_site_ready, site, "health");
    gz_server_add_named_handler(site->server, gz_site_metrics, site, "metrics");
    gz_server_add_named_handler(site->server, gz_site_beacon, site, "beacon");
    gz_server_add_handler(site->server, gz_site_fallback, site);

    site->nthreads = gz_server_threads(site->server);
    site->threads = gz_xcalloc(site->nthreads, sizeof(*site->threads));
    site->snapshots = gz_xcalloc(site->nthreads, sizeof(*site->snapshots));
    for (size_t i = 0; i < site->nthreads; i++) {
        site->threads[i].counters = gz_counters_new();
        site->snapshots[i] = gz_counters_snapshot_new();
    }
    site->qsbr = gz_qsbr_new(site->nthreads);
    site->cache = gz_cache_new(site->qsbr, cfg->cache_mb << 20);
    for (size_t i = 0; i < GZ_RENDER_LOCKS; i++)
        pthread_mutex_init(&site->render_locks[i], NULL);
    site->latest_ids = gz_xcalloc(64, sizeof(int64_t));
    site->top_ids = gz_xcalloc(GZ_VIEWS_TOP_CACHED, sizeof(int64_t));
    atomic_init(&site->readers, gz_site_readers_new(cfg));
    site->readership = gz_readership_new();
    /* The first blocks, before any request can ask for them. */
    gz_flusher_tick(site);
    setup_link(site);
    *out = site;
    return GZ_OK;
fail:
    gz_site_close(site);
    return rc;
}

int gz_site_serve(struct gz_site *site)
{
    /* Pages are rendered on the event loops and freed by the flusher; with
     * glibc's default of one arena per thread, memory freed in one arena is
     * not reused by the others and RSS creeps up. Two arenas suffice: the
     * request path does not call malloc (h2o pools, cached pages). */
    mallopt(M_ARENA_MAX, 2);
    char err[256];
    gz_server_block_signals(); /* before the flusher thread exists */
    if (gz_flusher_start(site, err, sizeof err)) {
        gz_error("%s", err);
        return GZ_ERR;
    }
    gz_info("serving %s on http://%s:%d/ with %zu threads", gz_site_cfg(site)->db,
            gz_site_cfg(site)->listen, gz_site_cfg(site)->port, site->nthreads);
    int rc = gz_server_run(site->server);
    gz_flusher_stop(site);
    gz_info("stopped; view counts flushed");
    return rc;
}

void gz_site_set_compress(struct gz_site *site, int compress)
{
    site->no_compress = !compress;
}

void gz_site_close(struct gz_site *site)
{
    if (!site)
        return;
    gz_server_free(site->server);
    for (size_t i = 0; i < site->nthreads; i++) {
        gz_counters_free(site->threads[i].counters);
        gz_counters_snapshot_free(site->snapshots[i]);
    }
    free(site->threads);
    free(site->snapshots);
    gz_cache_free(site->cache);
    gz_blocks_free(atomic_load(&site->blocks));
    gz_qsbr_free(site->qsbr); /* may hand retired readers to the readership */
    gz_readership_free(site->readership);
    if (atomic_load(&site->readers))
        gz_readers_free(atomic_load(&site->readers));
    if (site->qsbr)
        for (size_t i = 0; i < GZ_RENDER_LOCKS; i++)
            pthread_mutex_destroy(&site->render_locks[i]);
    gz_views_free(site->views);
    gz_store_close(site->flush_store);
    gz_theme_free(site->theme);
    gz_admin_free(site->admin);
    free(site->assets_version);
    gz_site_conf_free(atomic_load(&site->conf));
    /* Lines from now on go to stderr again. */
    gz_log_close();
    free(site->latest_ids);
    free(site->top_ids);
    free(site->pending);
    free(site->pending_index);
    free(site);
}
