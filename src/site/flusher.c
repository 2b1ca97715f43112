/* The views flusher: once per interval it sums the per-thread counters,
 * updates the in-memory totals and windows, writes the deltas to the store in
 * one transaction, notices content changes, and refreshes the blocks when
 * "New Articles" or "Most viewed" changed. It is the only writer of views. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"
#include "core/log.h"
#include "site/siteInt.h"

/* Deltas kept in memory while the store refuses writes, merged per
 * (article, hour); past this many pairs new ones are dropped (and logged)
 * rather than growing without bound. */
#define MAX_PENDING 1000000
/* Several servers: rows another server added are read again for this long
 * after the database's clock said they were written, so a flush that
 * committed late is not missed (reading a row twice sets the same count). */
#define RECENT_MARGIN_MS 10000

/* The pending deltas' index: (article, hour) -> position + 1 in pending. */
static size_t pending_slot(const struct gz_site *site, int64_t id, int64_t hour)
{
    size_t mask = site->cap_pending_index - 1;
    size_t i =
        (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ULL ^ (uint64_t)hour) >> 17) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t p = site->pending_index[i];
        if (p == 0 ||
            (site->pending[p - 1].article_id == id && site->pending[p - 1].hour == hour))
            return i;
    }
}

static void pending_reindex(struct gz_site *site)
{
    free(site->pending_index);
    site->cap_pending_index = 1024;
    while (site->cap_pending_index < site->cap_pending * 2)
        site->cap_pending_index *= 2;
    site->pending_index = gz_xcalloc(site->cap_pending_index, sizeof(uint32_t));
    for (size_t k = 0; k < site->npending; k++) {
        const struct gz_view_delta *d = &site->pending[k];
        site->pending_index[pending_slot(site, d->article_id, d->hour)] = (uint32_t)k + 1;
    }
}

/* Adds views of one article in one hour to what waits for the store: one
 * row per (article, hour) however many ticks the store stays away. */
static void add_pending(struct gz_site *site, int64_t id, int64_t hour, int64_t count)
{
    if (site->npending == site->cap_pending) {
        if (site->npending == MAX_PENDING) {
            gz_error(
                "views: %d articles and hours wait for the store; dropping %lld views",
                MAX_PENDING, (long long)count);
            atomic_fetch_add(&site->views_dropped, (uint64_t)count);
            return;
        }
        site->cap_pending = site->cap_pending ? site->cap_pending * 2 : 256;
        site->pending =
            gz_xrealloc(site->pending, site->cap_pending * sizeof(*site->pending));
        pending_reindex(site);
    }
    size_t i = pending_slot(site, id, hour);
    uint32_t p = site->pending_index[i];
    if (p) {
        site->pending[p - 1].count += count;
    } else {
        site->pending[site->npending] =
            (struct gz_view_delta){id, hour / 24, hour, count};
        site->pending_index[i] = (uint32_t)++site->npending;
    }
    atomic_fetch_add(&site->pending_views, (uint64_t)count);
}

static void clear_pending(struct gz_site *site)
{
    site->npending = 0;
    if (site->pending_index)
        memset(site->pending_index, 0, site->cap_pending_index * sizeof(uint32_t));
    atomic_store(&site->pending_views, 0);
}

/* The store refused the views: they wait, up to store.outage_seconds after
 * the store first refused; then they are dropped, so memory stays bounded
 * however long the database is away. */
static void store_away(struct gz_site *site, int64_t now)
{
    int64_t since = atomic_load(&site->outage_since);
    if (!since) {
        atomic_store(&site->outage_since, now);
        since = now;
    }
    uint64_t waiting = atomic_load(&site->pending_views);
    int64_t limit = gz_site_cfg(site)->outage_seconds;
    if (now - since < limit || !waiting) {
        /* Once when it goes, then every 30 s: not once a tick. */
        if (now == since || now - site->away_logged >= 30) {
            gz_warn("views: the store is away; %llu views of %zu articles and hours wait "
                    "in memory",
                    (unsigned long long)waiting, site->npending);
            site->away_logged = now;
        }
        return;
    }
    gz_error("views: the store has been away for %lld s (store.outage_seconds is %lld); "
             "dropping %llu views",
             (long long)(now - since), (long long)limit, (unsigned long long)waiting);
    atomic_fetch_add(&site->views_dropped, waiting);
    clear_pending(site);
    atomic_store(&site->outage_since, now);
}

/* Several servers on one store: another server's views of recent hours,
 * read back as whole counts; this server adds what its own buckets lack,
 * so every server's Most viewed counts every server's views. */
static void on_recent(void *ctx, int64_t id, int is_day, int64_t hour, int64_t count)
{
    struct gz_site *site = ctx;
    if (is_day || count <= 0)
        return;
    uint64_t have = gz_views_hour_count(site->views, id, hour);
    if ((uint64_t)count > have)
        gz_views_add(site->views, id, hour, (uint64_t)count - have);
}

static void read_other_servers(struct gz_site *site, int64_t hour)
{
    struct gz_store *st = site->flush_store;
    if (!st->ops->views_recent || site->npending)
        return;
    int64_t since =
        site->recent_ms > RECENT_MARGIN_MS ? site->recent_ms - RECENT_MARGIN_MS : 0;
    int64_t db_now = 0;
    if (st->ops->views_recent(st, since, hour - 1, on_recent, site, &db_now) == GZ_OK)
        site->recent_ms = db_now;
}

/* One thread's views of one article since the last tick: to the totals
 * and windows, and to what the store is sent (merged per article and
 * hour, so each article is one row however many threads saw it). */
struct collect {
    struct gz_site *site;
    int64_t hour;
};

static void on_delta(void *ctx, int64_t id, uint64_t delta)
{
    struct collect *c = ctx;
    gz_stat_add(&c->site->flush_stats.views_flushed, delta);
    gz_views_add(c->site->views, id, c->hour, delta);
    add_pending(c->site, id, c->hour, (int64_t)delta);
}

static void collect_views(struct gz_site *site, int64_t now)
{
    int64_t hour = now / 3600;
    struct collect c = {site, hour};
    for (size_t i = 0; i < site->nthreads; i++)
        gz_counters_collect(site->threads[i].counters, site->snapshots[i], on_delta, &c);
    if (site->npending) {
        struct gz_store *st = site->flush_store;
        int64_t prune = hour - GZ_VIEWS_RING_HOURS - 1;
        uint64_t t0 = gz_now_ns();
        int rc = st->ops->views_add(st, site->pending, site->npending, prune);
        gz_hist_observe(&site->flush_stats.write, gz_now_ns() - t0);
        if (rc != GZ_OK) {
            store_away(site, now);
            return;
        }
        if (atomic_load(&site->outage_since))
            gz_info("views: the store is back; %llu waiting views written",
                    (unsigned long long)atomic_load(&site->pending_views));
        clear_pending(site);
    }
    atomic_store(&site->outage_since, 0);
    read_other_servers(site, hour);
}

/* Scheduled articles whose time came: this server may be the one that
 * claims them for the whole site (article_go_live), and announces them. */
static void go_live(struct gz_site *site, int64_t now)
{
    struct gz_store *st = site->flush_store;
    int64_t due = atomic_load(&site->next_scheduled);
    if (due <= 0 || due > now || !st->ops->article_go_live)
        return;
    int64_t *ids = NULL;
    size_t n = 0;
    if (st->ops->article_go_live(st, now, &ids, &n) != GZ_OK)
        return;
    for (size_t i = 0; i < n; i++)
        gz_info("scheduled article %lld is live", (long long)ids[i]);
    atomic_fetch_add(&site->scheduled_live, n);
    free(ids);
}

static int same_ids(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

enum { LATEST_CHANGED = 1, TOP_CHANGED = 2 };

/* Re-reads the lists behind the blocks; returns which changed. */
static int refresh_lists(struct gz_site *site, int64_t now)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    struct gz_store *st = site->flush_store;
    int changed = 0;
    struct gz_teaser_list latest = {0};
    uint64_t t0 = gz_now_ns();
    int rc = st->ops->article_latest(st, now, 0, (size_t)cfg->new_count, &latest);
    gz_hist_observe(&site->flush_stats.latest, gz_now_ns() - t0);
    if (rc == GZ_OK) {
        int64_t ids[64];
        size_t n = latest.len < 64 ? latest.len : 64;
        for (size_t i = 0; i < n; i++)
            ids[i] = latest.items[i].id;
        if (!same_ids(ids, n, site->latest_ids, site->nlatest)) {
            memcpy(site->latest_ids, ids, n * sizeof(*ids));
            site->nlatest = n;
            changed |= LATEST_CHANGED;
        }
        gz_teaser_list_clear(&latest);
    }
    /* More candidates than shown, so that unpublished ones can be skipped. */
    size_t want = (size_t)cfg->top_count * 2 + 5;
    int64_t top[GZ_VIEWS_TOP_CACHED];
    if (want > GZ_VIEWS_TOP_CACHED)
        want = GZ_VIEWS_TOP_CACHED;
    /* views.rank_by = readers: the list readership.c ranked. */
    enum gz_window w = gz_site_conf(site)->window;
    size_t n = gz_site_conf(site)->rank_readers ? gz_readership_top(site, w, want, top)
                                                : gz_views_top(site->views, w, want, top);
    if (!same_ids(top, n, site->top_ids, site->ntop)) {
        memcpy(site->top_ids, top, n * sizeof(*top));
        site->ntop = n;
        changed |= TOP_CHANGED;
    }
    return changed;
}

static void free_theme(void *theme)
{
    gz_theme_free(theme);
}

/* SIGHUP: loads the theme folder again. A theme that does not load is
 * refused and the current one stays. The new one is published by a pointer
 * swap; loops may still be rendering with the old one, so it is retired
 * through QSBR. Returns 1 when the theme was replaced. */
static int reload_theme(struct gz_site *site)
{
    const char *dir =
        gz_site_cfg(site)->theme_dir ? gz_site_cfg(site)->theme_dir : "(built-in only)";
    char err[512];
    struct gz_theme *theme;
    if (gz_theme_load(gz_site_cfg(site)->theme_dir, &theme, err, sizeof err)) {
        gz_error("theme reload from %s refused, keeping the current theme: %s", dir, err);
        return 0;
    }
    char *version = gz_xstrdup(gz_theme_assets_version(theme));
    struct gz_theme *old = atomic_exchange(&site->theme, theme);
    char *old_version = atomic_exchange(&site->assets_version, version);
    gz_qsbr_retire(site->qsbr, old, free_theme);
    gz_qsbr_retire(site->qsbr, old_version, free);
    gz_info("theme reloaded from %s", dir);
    return 1;
}

/* Settings read only at start; a reload that changes them says so. */
static void warn_restart_only(const struct gz_config *old, const struct gz_config *cur)
{
    struct {
        const char *name;
        int changed;
    } checks[] = {
        {"store.db", strcmp(old->db, cur->db) != 0},
        {"http.listen", strcmp(old->listen, cur->listen) != 0},
        {"http.port", old->port != cur->port},
        {"http.threads", old->threads != cur->threads},
        {"http.idle_timeout_ms", old->idle_timeout_ms != cur->idle_timeout_ms},
        {"http.max_body", old->max_body != cur->max_body},
        {"http.max_header", old->max_header != cur->max_header},
        {"http.max_uri", old->max_uri != cur->max_uri},
        {"http.max_connections", old->max_connections != cur->max_connections},
        {"cache.max_mb", old->cache_mb != cur->cache_mb},
        {"log.access", strcmp(old->access_log, cur->access_log) != 0},
        {"log.error", strcmp(old->error_log, cur->error_log) != 0},
    };
    for (size_t i = 0; i < GZ_COUNTOF(checks); i++)
        if (checks[i].changed)
            gz_warn(
                "configuration reload: %s changed; it takes effect at the next restart",
                checks[i].name);
}

/* SIGHUP: builds the configuration again from the same sources and swaps
 * it in. A configuration that does not load is refused and the current one
 * stays. Returns 1 when it was replaced. */
static int reload_config(struct gz_site *site)
{
    if (!site->reconfigure)
        return 0;
    struct gz_config cfg;
    struct gz_site_conf *conf;
    char err[512];
    int rc = site->reconfigure(site->reconfigure_ctx, &cfg, err, sizeof err);
    if (rc == GZ_OK) {
        /* Settings saved in the admin override the file (docs/admin.md).
         * While the store is away they cannot be read: the settings in
         * effect stay, rather than falling back to the file's, and the
         * reload is tried again at the next tick. */
        if (gz_admin_settings_apply(site->flush_store, &cfg) != GZ_OK) {
            atomic_store(&site->reload_settings, 1);
            gz_config_clear(&cfg);
            return 0;
        }
        rc = gz_site_conf_new(&cfg, &conf, err, sizeof err);
    }
    if (rc) {
        gz_error("configuration reload refused, keeping the current settings: %s", err);
        gz_config_clear(&cfg);
        return 0;
    }
    gz_config_clear(&cfg); /* emptied by gz_site_conf_new */
    struct gz_site_conf *old = atomic_exchange(&site->conf, conf);
    warn_restart_only(&old->cfg, &conf->cfg);
    gz_readership_reconfigure(site, &old->cfg, &conf->cfg);
    gz_log_set_level(conf->log_level);
    gz_qsbr_retire(site->qsbr, old, gz_site_conf_free);
    gz_info("configuration reloaded");
    return 1;
}

void gz_flusher_reclaim_soon(struct gz_site *site)
{
    if (atomic_exchange(&site->reclaim_wanted, 1))
        return;
    pthread_mutex_lock(&site->flush_lock);
    pthread_cond_signal(&site->flush_cond);
    pthread_mutex_unlock(&site->flush_lock);
}

void gz_flusher_request_reload(struct gz_site *site)
{
    pthread_mutex_lock(&site->flush_lock);
    atomic_store(&site->reload_theme, 1);
    pthread_cond_signal(&site->flush_cond);
    pthread_mutex_unlock(&site->flush_lock);
}

void gz_flusher_tick(struct gz_site *site)
{
    uint64_t start = gz_now_ns();
    int64_t now = time(NULL);
    struct gz_store *st = site->flush_store;
    /* The configuration first: it may name another theme folder. */
    int reloaded = 0;
    if (atomic_exchange(&site->reload_theme, 0)) {
        atomic_store(&site->reload_settings, 0); /* reload_config reads them too */
        reloaded = reload_config(site);
        reloaded |= reload_theme(site);
    }
    if (atomic_exchange(&site->reload_settings, 0))
        reloaded |= reload_config(site);
    gz_views_advance(site->views, now / 3600);
    collect_views(site, now);
    gz_readership_tick(site, now);
    go_live(site, now);

    int content_changed = 0;
    int64_t *ids = NULL, seq = site->change_seq;
    size_t n = 0;
    uint64_t t0 = gz_now_ns();
    int rc = st->ops->changes_since(st, site->change_seq, &ids, &n, &seq);
    gz_hist_observe(&site->flush_stats.changes, gz_now_ns() - t0);
    if (rc == GZ_OK) {
        for (size_t i = 0; i < n; i++)
            gz_cache_drop(site->cache, ids[i]);
        content_changed = n > 0;
        site->change_seq = seq;
        free(ids);
    }
    /* A scheduled article going live changes New Articles (and may add a
     * section) without any edit. */
    int lists = refresh_lists(site, now);
    int64_t next = 0;
    if (st->ops->article_next_scheduled(st, now, &next) == GZ_OK)
        atomic_store(&site->next_scheduled, next);
    /* After a reload, a new blocks version makes every cached page stale, so
     * pages are rendered again with the new templates and settings (and the
     * sections are counted again: their number may have changed). */
    if (lists || content_changed || reloaded ||
        !atomic_load_explicit(&site->blocks, memory_order_acquire)) {
        int content = content_changed || reloaded || (lists & LATEST_CHANGED);
        rc = gz_blocks_refresh(site, st, content);
        if (content)
            atomic_fetch_add_explicit(&site->content_version, 1, memory_order_release);
        if (rc && reloaded)
            gz_cache_drop(site->cache, -1);
    }
    /* Evicted pages are freed here, in bulk, and leave holes that malloc
     * keeps; giving those pages back keeps RSS near the cache budget rather
     * than at its high-water mark. */
    if (gz_qsbr_reclaim(site->qsbr) > 0)
        malloc_trim(0);
    gz_hist_observe(&site->flush_stats.tick, gz_now_ns() - start);
}

static void *flusher_main(void *arg)
{
    struct gz_site *site = arg;
    pthread_mutex_lock(&site->flush_lock);
    while (!site->flusher_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + (int64_t)gz_site_cfg(site)->flush_ms * 1000000;
        until.tv_sec += ns / 1000000000;
        until.tv_nsec = ns % 1000000000;
        /* A scheduled article goes live at its time, even with a long
         * flush interval. */
        int64_t next = atomic_load(&site->next_scheduled);
        if (next > 0 && next < until.tv_sec) {
            until.tv_sec = next;
            until.tv_nsec = 0;
        }
        int rc = 0;
        while (!site->flusher_stop && !atomic_load(&site->reload_theme) &&
               !site->kicked && rc != ETIMEDOUT) {
            if (atomic_exchange(&site->reclaim_wanted, 0)) { /* no tick for that */
                pthread_mutex_unlock(&site->flush_lock);
                gz_qsbr_reclaim(site->qsbr);
                pthread_mutex_lock(&site->flush_lock);
                continue;
            }
            rc = pthread_cond_timedwait(&site->flush_cond, &site->flush_lock, &until);
        }
        site->kicked = 0;
        site->ticks_started++;
        pthread_mutex_unlock(&site->flush_lock);
        gz_flusher_tick(site);
        pthread_mutex_lock(&site->flush_lock);
        site->ticks_done++;
        pthread_cond_broadcast(&site->tick_done);
    }
    pthread_mutex_unlock(&site->flush_lock);
    return NULL;
}

void gz_site_changed(struct gz_site *site)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&site->flush_lock);
    /* A tick already running may have read the changes before ours were
     * committed: wait for the next one to start and finish. */
    uint64_t target = site->ticks_started + 1;
    site->kicked = 1;
    pthread_cond_signal(&site->flush_cond);
    int rc = 0;
    while (!site->flusher_stop && site->ticks_done < target && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&site->tick_done, &site->flush_lock, &until);
    pthread_mutex_unlock(&site->flush_lock);
    if (rc == ETIMEDOUT)
        gz_warn("site: the flusher took over 5 s to pick up a change");
}

void gz_site_settings_changed(struct gz_site *site)
{
    atomic_store(&site->reload_settings, 1);
    gz_site_changed(site);
}

/* Several servers on one store: waits for the others' changes and wakes
 * the flusher, so a page edited on another server leaves this one's cache
 * within a moment, not at the next tick; a change of settings there is
 * applied here too. While the database is away it keeps trying (the
 * handle's back-off) and, back, counts the reconnection as a change. */
static void *listener_main(void *arg)
{
    struct gz_site *site = arg;
    struct gz_store *st = site->listen_store;
    while (!atomic_load(&site->listener_stop)) {
        int what = 0;
        if (st->ops->wait_change(st, 500, &what) != GZ_OK) {
            struct timespec pause = {0, 200 * 1000000};
            nanosleep(&pause, NULL);
            continue;
        }
        if (!what)
            continue;
        if (what & GZ_STORE_CHANGED_SETTINGS)
            atomic_store(&site->reload_settings, 1);
        pthread_mutex_lock(&site->flush_lock);
        site->kicked = 1;
        pthread_cond_signal(&site->flush_cond);
        pthread_mutex_unlock(&site->flush_lock);
    }
    return NULL;
}

int gz_flusher_start(struct gz_site *site, char *err, size_t errlen)
{
    pthread_mutex_init(&site->flush_lock, NULL);
    pthread_cond_init(&site->flush_cond, NULL);
    pthread_cond_init(&site->tick_done, NULL);
    if (pthread_create(&site->flusher, NULL, flusher_main, site)) {
        snprintf(err, errlen, "cannot start the views flusher");
        return GZ_ERR;
    }
    if (!site->flush_store->ops->wait_change)
        return GZ_OK;
    if (gz_store_open(gz_site_cfg(site)->db, &site->listen_store, err, errlen) != GZ_OK) {
        gz_flusher_stop(site);
        return GZ_ERR;
    }
    if (pthread_create(&site->listener, NULL, listener_main, site)) {
        snprintf(err, errlen, "cannot start the change listener");
        gz_flusher_stop(site);
        return GZ_ERR;
    }
    site->listener_started = 1;
    return GZ_OK;
}

void gz_flusher_stop(struct gz_site *site)
{
    if (site->listener_started) {
        atomic_store(&site->listener_stop, 1);
        pthread_join(site->listener, NULL);
        site->listener_started = 0;
    }
    gz_store_close(site->listen_store);
    site->listen_store = NULL;
    pthread_mutex_lock(&site->flush_lock);
    site->flusher_stop = 1;
    pthread_cond_signal(&site->flush_cond);
    pthread_mutex_unlock(&site->flush_lock);
    pthread_join(site->flusher, NULL);
    /* The loops have stopped: this last flush sees every view they counted. */
    site->final_tick = 1;
    gz_flusher_tick(site);
    if (site->npending)
        gz_error("views: %llu views of %zu articles and hours could not be written at "
                 "shutdown",
                 (unsigned long long)atomic_load(&site->pending_views), site->npending);
}
