/* Internals shared by the files of src/site/. */
#ifndef GZ_SITE_INT_H
#define GZ_SITE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/config.h"
#include "site/site.h"
#include "core/log.h"
#include "core/qsbr.h"
#include "http/http.h"
#include "render/cache.h"
#include "render/i18n.h"
#include "render/template.h"
#include "render/theme.h"
#include "store/store.h"
#include "views/counters.h"
#include "views/readers.h"
#include "views/views.h"

/* The sidebar ("New Articles" and "Most viewed"), rendered once per change
 * and shared by every page. Immutable; retired through QSBR. */
struct gz_blocks {
    uint64_t version;
    char *html;
    size_t len;
    struct gz_tag_list sections; /* the navigation: tags with most articles */
    /* The sidebar in each language of render/i18n.h, by gz_i18n_index (html
     * above is the site language's); the languages and months with
     * published articles (re-read when content changed, like sections). */
    char *i18n_html[GZ_I18N_MAX];
    size_t i18n_len[GZ_I18N_MAX];
    struct gz_lang_list languages;
    struct gz_month_list months;
};

/* What one event loop counted for /metrics (see gz_stat_add). */
struct gz_site_stats {
    _Atomic uint64_t cache_hits;   /* a fresh page was in the cache */
    _Atomic uint64_t cache_misses; /* missing or stale: the render lock was taken */
    _Atomic uint64_t renders;      /* pages rendered into the cache */
    _Atomic uint64_t views_counted;
    /* Reader views not counted by fair counting (count.c), by reason. */
    _Atomic uint64_t views_reload, views_flood, views_heuristic;
    struct gz_hist render;    /* one page render: store reads, template, compression */
    struct gz_hist page_read; /* the store reads behind one page render */
    struct gz_hist ready;     /* the /readyz query */
};

/* What the flusher counted; only its thread writes these. */
struct gz_flusher_stats {
    _Atomic uint64_t views_flushed;
    struct gz_hist tick;    /* one whole flush */
    struct gz_hist write;   /* the views transaction */
    struct gz_hist changes; /* the change-sequence query */
    struct gz_hist latest;  /* the New Articles query */
};

/* Per event-loop state. Owned by its worker thread. */
struct gz_site_thread {
    struct gz_store *store; /* this thread's own store handle */
    struct gz_counters *counters;
    struct gz_site_stats stats;
};

/* Render locks: a page missing from the cache is rendered by one thread
 * while others wanting the same page wait for it, so a change costs one
 * render, not one per request in flight. Striped by key hash. */
#define GZ_RENDER_LOCKS 64

/* The settings in effect, with what is parsed from them. Immutable: SIGHUP
 * builds a new one from the same sources (file, environment, flags) and
 * swaps it in; the old one is retired through QSBR, since a loop may be
 * reading it until its next quiescent state. */
struct gz_site_conf {
    struct gz_config cfg;              /* owned */
    struct gz_cidr_list metrics_allow; /* who may read /metrics */
    enum gz_window window;             /* Most viewed's window */
    enum gz_log_level log_level;
    const struct gz_tz *tz; /* site.timezone (core/tz.h: never freed) */
    /* Fair counting and readership (count.c, readership.c). */
    struct gz_cidr_list trusted_proxies; /* http.trusted_proxies */
    int heuristics;                      /* views.heuristics = yes */
    int rank_readers;                    /* views.rank_by = readers */
    int count_beacon;                    /* views.count = beacon */
    char own_host[256];                  /* site.url's host: referrers from it are "" */
    size_t own_host_len;
};

struct gz_admin;
struct gz_tz;

struct gz_site {
    _Atomic(struct gz_site_conf *) conf;
    struct gz_admin *admin; /* the admin's templates and assets */
    int no_compress;        /* gz_site_set_compress(site, 0): identity pages only */
    /* The one-time setup key ("" once an administrator exists). Written by
     * gz_site_open, cleared by the setup page (a race of two browsers on
     * it at once is harmless: the second finds an administrator). */
    char setup_key[65];
    gz_site_reconfigure_fn reconfigure;
    void *reconfigure_ctx;
    /* The theme and its assets version are replaced on SIGHUP (by the
     * flusher, see gz_flusher_reload_theme) and the old ones retired through
     * QSBR: a loop may use what it loaded until its next quiescent state. */
    _Atomic(struct gz_theme *) theme;
    _Atomic(char *) assets_version;
    struct gz_server *server;
    struct gz_qsbr *qsbr;
    struct gz_cache *cache;
    pthread_mutex_t render_locks[GZ_RENDER_LOCKS];

    _Atomic(struct gz_blocks *) blocks;
    _Atomic uint64_t blocks_version;
    /* Bumped when content changes (an article, a setting, a scheduled
     * article going live), not when only Most viewed does: the version of
     * pages without blocks (struct gz_page.content_only). */
    _Atomic uint64_t content_version;

    /* One counters table per worker, read by the flusher. */
    size_t nthreads;
    struct gz_site_thread *threads;

    /* The flusher: only its thread touches these. */
    pthread_t flusher;
    pthread_mutex_t flush_lock;
    pthread_cond_t flush_cond;
    pthread_cond_t tick_done; /* broadcast after each tick (gz_site_changed) */
    uint64_t ticks_started, ticks_done;
    int kicked; /* gz_site_changed wants a tick now */
    _Atomic int64_t
        next_scheduled; /* when the next scheduled article goes live; 0: none */
    int flusher_stop;
    int final_tick; /* the tick after the flusher thread ended (gz_flusher_stop) */
    _Atomic int reload_theme;    /* set on SIGHUP, done by the flusher */
    _Atomic int reload_settings; /* set by gz_site_settings_changed */
    _Atomic int reclaim_wanted;  /* gz_flusher_reclaim_soon asked, not done yet */
    struct gz_flusher_stats flush_stats;
    struct gz_store *flush_store;
    struct gz_views *views;
    struct gz_counters_snapshot **snapshots;
    int64_t change_seq;
    int64_t *top_ids, *latest_ids;
    size_t ntop, nlatest;
    /* Views not yet written (the store away), one row per (article, hour),
     * found through pending_index (flusher.c). */
    struct gz_view_delta *pending;
    size_t npending, cap_pending;
    uint32_t *pending_index;
    size_t cap_pending_index;
    _Atomic int64_t outage_since; /* the store refused the flusher since; 0: it answers */
    _Atomic uint64_t pending_views; /* views waiting in pending */
    _Atomic uint64_t
        views_dropped; /* dropped: the store away past store.outage_seconds */
    _Atomic uint64_t scheduled_live; /* scheduled articles this server announced */
    int64_t recent_ms; /* several servers: the database clock of the last views_recent */
    int64_t away_logged; /* when the flusher last said the store is away */
    /* Several servers: a thread waits on its own store handle for the
     * others' changes (wait_change) and kicks the flusher (flusher.c). */
    pthread_t listener;
    int listener_started;
    _Atomic int listener_stop;
    struct gz_store *listen_store;

    /* Readers (views/readers.h): shared by the loops, made from the
     * configuration; replaced by the flusher when views.reload_minutes or
     * views.max_per_minute change (the old one retired through QSBR). */
    _Atomic(struct gz_readers *) readers;
    struct gz_readership *readership; /* the flusher's side (readership.c) */
};

/* count.c: whether a reader's view of article_id counts, and counting it. */
enum gz_count_verdict {
    GZ_COUNT_COUNTED,   /* counted (and queued for the readers' sketches) */
    GZ_COUNT_NOT_VIEW,  /* a bot's User-Agent or a prefetch */
    GZ_COUNT_HEURISTIC, /* views.heuristics: no Accept-Language, a headless browser */
    GZ_COUNT_RELOAD,    /* the same reader within views.reload_minutes */
    GZ_COUNT_FLOOD,     /* the reader is past views.max_per_minute */
};
/* The one path every counted view takes (the article page and the beacon):
 * the page rules (no bot, no prefetch), the heuristics, then the reader's
 * verdict (reload, flood). Counts the view when it may and returns why not
 * otherwise. The caller excludes HEAD and non-200 answers. Takes one
 * shard mutex and allocates only when a readers table or queue grows
 * (decision 0013). */
enum gz_count_verdict gz_site_count_view(struct gz_site *site, struct gz_request *r,
                                         int64_t article_id);
/* Makes the readers of conf (at start). */
struct gz_readers *gz_site_readers_new(const struct gz_config *cfg);

/* readership.c: the flusher's side of unique readers and referrers. */
struct gz_readership;
/* Reads nothing yet; the first gz_readership_tick ranks when asked to. */
struct gz_readership *gz_readership_new(void);
/* Frees it, with the readers retired but not yet drained. */
void gz_readership_free(struct gz_readership *rs);
/* One flusher tick: drains the readers' events into per-tick sketches and
 * referrer counts and merges them into the store (kept for the next tick
 * when the store refuses), prunes, and re-ranks Most viewed by readers when
 * views.rank_by = readers (at most once a minute, at once after a change
 * of setting). */
void gz_readership_tick(struct gz_site *site, int64_t now);
/* A configuration was swapped in: replaces the readers when their limits
 * changed. Flusher thread. */
void gz_readership_reconfigure(struct gz_site *site, const struct gz_config *old,
                               const struct gz_config *cur);
/* Most viewed by readers: up to n ids, best first, into ids; how many. */
size_t gz_readership_top(struct gz_site *site, enum gz_window w, size_t n, int64_t *ids);
/* Reader events dropped (queue full, store away too long), for /metrics. */
uint64_t gz_readership_dropped(struct gz_site *site);

/* serve.c: a page's render calls it, sends nothing and returns NULL when
 * the store did not answer; gz_site_serve_cached then sends the cached
 * page, stale, or 503 with Retry-After. */
void gz_site_store_failed(struct gz_request *r);

/* flusher.c */
int gz_flusher_start(struct gz_site *site, char *err, size_t errlen);
/* Stops the thread after one last flush. */
void gz_flusher_stop(struct gz_site *site);
/* One flush: collect, aggregate, write, refresh the blocks. */
void gz_flusher_tick(struct gz_site *site);
/* Asks the flusher to reload the theme from disk (async-signal-unsafe, but
 * any thread may call it). */
void gz_flusher_request_reload(struct gz_site *site);
/* Retired objects waiting for their grace period (evicted pages, above
 * all) past which the loops wake the flusher to free them at once instead
 * of at its next tick: a crawler or an export rendering thousands of pages
 * a second would otherwise hold a second's worth of them. */
#define GZ_RECLAIM_PENDING 256
/* Asks the flusher thread to reclaim now (no tick); any thread, cheap when
 * already asked. */
void gz_flusher_reclaim_soon(struct gz_site *site);

/* Content changed in the store (a save, a trash, a setting): runs a flusher
 * tick now and returns once it has dropped the changed pages and refreshed
 * both blocks, so the next request sees the change. Blocks the caller for
 * that tick (milliseconds); for the admin and the API, not the page path. */
void gz_site_changed(struct gz_site *site);
/* Settings were saved in the admin (store settings, see
 * gz_admin_settings_apply): the flusher builds the configuration again
 * (file, environment, flags, then the saved settings), swaps it in and
 * re-renders every page; returns once that is done, like gz_site_changed. */
void gz_site_settings_changed(struct gz_site *site);

/* blocks.c: renders the sidebar from the flusher's lists and publishes it
 * with the sections (re-read from the store when content changed). */
int gz_blocks_refresh(struct gz_site *site, struct gz_store *store, int content_changed);
void gz_blocks_free(void *blocks);

/* pages.c: view models shared by the pages. */
struct gz_val *gz_page_context(struct gz_site *site, struct gz_arena *a,
                               const char *page_title, const char *lang,
                               const char *canonical_path, const char *description,
                               uint64_t *blocks_version);
struct gz_val *gz_teaser_values(struct gz_arena *a, const struct gz_teaser_list *l,
                                const struct gz_config *cfg);
/* Renders a list page (home, section): the articles, and pagination when
 * there is more than one page. page_path(arena, n, arg) gives page n's path. */
void gz_list_values(struct gz_val *ctx, struct gz_arena *a,
                    const struct gz_teaser_list *l, int64_t page, int64_t pages,
                    char *(*page_path)(struct gz_arena *, int64_t, const void *),
                    const void *arg, const struct gz_config *cfg);
/* "/YYYY/MM/slug" (slug not encoded: links are UTF-8 IRIs). */
char *gz_article_path(struct gz_arena *a, const char *slug, int64_t published_at);
const char *gz_lang_dir(const char *lang);
/* Sets date_iso (RFC 3339) and date_human ("29 November 2026") on obj. */
void gz_page_set_dates(struct gz_val *obj, struct gz_arena *a, int64_t when);
/* The zone of date_human: the site's (site.timezone). Set whenever a
 * configuration is installed; a process serves one site. */
void gz_page_set_timezone(const struct gz_tz *tz);
/* Renders template name into a new page (key/status given); NULL on error. */
struct gz_page *gz_page_render(struct gz_site *site, const char *tpl,
                               const struct gz_val *ctx, const char *key, size_t key_len,
                               int status);

/* lang.c: the parts of the pages and blocks that depend on the language.
 * gz_blocks_i18n renders the sidebar of every language into b (ctx is the
 * sidebar's context, changed as it goes) and fills b->languages and
 * b->months: from the store when content_changed, else copied from the
 * blocks in use. gz_blocks_i18n_free frees what it added. */
int gz_blocks_i18n(struct gz_site *site, struct gz_store *store, int content_changed,
                   int64_t now, struct gz_val *ctx, struct gz_arena *a,
                   struct gz_blocks *b);
void gz_blocks_i18n_free(struct gz_blocks *b);
/* The language the theme's words of a page are in (render/i18n.h): the
 * page's own (lang; NULL for the site's), else the site's, else English. */
const struct gz_i18n *gz_page_i18n(struct gz_site *site, const char *lang);
/* Sets date_iso (RFC 3339, UTC) and date_human, the day in the site's zone
 * written in language l, on obj. */
void gz_page_set_dates_in(struct gz_val *obj, struct gz_arena *a, int64_t when,
                          const struct gz_i18n *l);
/* The list values of gz_teaser_values, their dates written in language l. */
struct gz_val *gz_teaser_values_in(struct gz_arena *a, const struct gz_teaser_list *l,
                                   const struct gz_i18n *lang);
/* "/author/ID-SLUG": an author's page, the slug made from the name. */
char *gz_author_path(struct gz_arena *a, int64_t id, const char *name);
/* site_url + path, or url itself when it is absolute (http:, https:). NULL
 * for anything else (a featured image URL of another scheme). */
char *gz_absolute_url(struct gz_arena *a, const struct gz_config *cfg, const char *url);

/* jsonld.c: structured data for search engines (schema.org), in
 * <script type="application/ld+json"> elements of header.html. */
struct json_t;
/* Appends obj (taken: it is freed) to the page's "jsonld" list, as JSON
 * whose <, > and & are escaped (\u003c...), so that no string in it can
 * close the script element. */
void gz_page_add_jsonld(struct gz_val *ctx, struct gz_arena *a, struct json_t *obj);
/* A BreadcrumbList: the home page of the page's language, then n steps
 * (names[i] at paths[i]; the last may have a NULL path: the page itself). */
void gz_page_add_breadcrumbs(struct gz_val *ctx, struct gz_arena *a,
                             const struct gz_config *cfg, const char *const *names,
                             const char *const *paths, size_t n);

/* Handlers (one file each). */
int gz_site_health(void *site, struct gz_request *r);
int gz_site_ready(void *site, struct gz_request *r);
int gz_site_metrics(void *site, struct gz_request *r);
int gz_site_assets(void *site, struct gz_request *r);
int gz_site_home(void *site, struct gz_request *r);
int gz_site_article(void *site, struct gz_request *r);
int gz_site_tag(void *site, struct gz_request *r);
/* search.c: /search?q=WORDS, not cached. */
int gz_site_search(void *site, struct gz_request *r);
/* home.c answers the language pages too: /LL/ and /LL/page/N. */
/* /author/ID-SLUG (author.c) and /YYYY/MM/ (archive.c), paginated;
 * gz_site_lists is both, in that order. */
int gz_site_author(void *site, struct gz_request *r);
int gz_site_archive(void *site, struct gz_request *r);
int gz_site_lists(void *site, struct gz_request *r);
/* feeds.c: /feed.xml, /atom.xml, /feed.json, and the same under /tag/SLUG/
 * and /lang/LL/. */
int gz_site_feeds(void *site, struct gz_request *r);
/* sitemap.c: /sitemap.xml, /sitemap-pages.xml, /sitemap-articles-N.xml,
 * /sitemap-news.xml and /robots.txt. */
int gz_site_sitemap(void *site, struct gz_request *r);
/* Serves the cached page for r's path, rendering it with render() when it is
 * missing or stale. render returns a new page (one reference, which the cache
 * takes), or NULL after answering the request itself (404, redirect). */
typedef struct gz_page *(*gz_render_fn)(struct gz_site *site, struct gz_request *r,
                                        uint64_t *blocks_version);
int gz_site_serve_cached(struct gz_site *site, struct gz_request *r, gz_render_fn render);
/* feeds.c: a cacheable 200 page of r's path holding bytes (copied) of the
 * given content type (a static string), for a gz_render_fn that is not
 * HTML. Its Last-Modified is now, or the cached predecessor's when the
 * bytes are the same. It shows no blocks, so it is content_only: it stays
 * fresh while only Most viewed changes. Call it under the render lock (from
 * a render fn), which must then give the content version. */
struct gz_page *gz_site_data_page(struct gz_site *site, struct gz_request *r,
                                  const char *content_type, const char *bytes,
                                  size_t len);
/* beacon.c: GET or POST /v/ID counts a view of article ID (204). */
int gz_site_beacon(void *site, struct gz_request *r);
/* 1 for GET/HEAD; otherwise answers 405 and returns 0. */
int gz_site_method_ok(struct gz_request *r);
/* The last handler: any other path gets the theme's 404 page. */
int gz_site_fallback(void *site, struct gz_request *r);
/* Sends the theme's 404 page. */
void gz_site_not_found(struct gz_site *site, struct gz_request *r);
/* redirect.c: answers 301 when the request's path (and query) is a stored
 * redirect (an imported site's old address); else GZ_DECLINED. */
int gz_site_redirect_try(struct gz_site *site, struct gz_request *r);
/* The handler for "/?p=ID" and the like (before the home page's). */
int gz_site_redirect(void *site, struct gz_request *r);

/* The settings in effect; valid until the caller's next quiescent state
 * (the flusher, which replaces them, may use them at any time). */
static inline const struct gz_site_conf *gz_site_conf(struct gz_site *site)
{
    return atomic_load_explicit(&site->conf, memory_order_acquire);
}

static inline const struct gz_config *gz_site_cfg(struct gz_site *site)
{
    return &gz_site_conf(site)->cfg;
}

/* site.c: parses a configuration into a new snapshot (taking over cfg's
 * contents), or fails with a reason in err and leaves cfg as it was. */
int gz_site_conf_new(struct gz_config *cfg, struct gz_site_conf **out, char *err,
                     size_t errlen);
void gz_site_conf_free(void *conf);

static inline struct gz_site_thread *gz_site_thread_of(struct gz_site *site,
                                                       struct gz_request *r)
{
    return &site->threads[r->worker->index];
}

#endif
