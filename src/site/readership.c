/* Unique readers and referrers, the flusher's side.
 *
 * Each tick the flusher drains the events the loops queued (one per
 * counted view: article, reader hash, time, referring domain) into sketches
 * of this tick, one per (article, hour), (article, day) and (article, all
 * time), the same three for the whole site (article 0), and into referrer
 * counts per (article, day, domain); then merges them into the store in one
 * readers_merge call, every WRITE_EVERY ticks (10 s at the default
 * views.flush_ms; every tick at shutdown, or sooner when the pending
 * sketches pass WRITE_BYTES). The store takes the union, so the sketches
 * only have to hold the readers since the last write. Writing every tick
 * would read and rewrite a busy article's dense sketches (12 KB each, for
 * its hour, day and all time) every second.
 *
 * When the store refuses, everything stays here and is merged into the
 * next tick's (a union again: nothing is counted twice), up to
 * MAX_PENDING_BYTES of sketches and MAX_PENDING_KEYS of keys; past that
 * new events are dropped and counted (/metrics).
 *
 * Most viewed by readers (views.rank_by = readers) is ranked from the
 * store: at start, after a change of setting, then at most once a minute,
 * over whole UTC hours (24h: the hour sketches of the last 24 hours) or
 * whole UTC days (7d and 30d: the day sketches of the last 7 or 30 days,
 * today included; all: the all-time sketch).
 *
 * Only the flusher thread touches struct gz_readership, except `dropped`,
 * which /metrics reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "site/siteInt.h"
#include "views/hll.h"

#define MAX_PENDING_BYTES ((size_t)64 << 20)
#define MAX_PENDING_KEYS ((size_t)1 << 18)
/* Hour sketches older than this many hours are pruned (the 24h window
 * needs 24; two spare hours absorb a late flush). */
#define KEEP_HOURS 26
#define RANK_SECONDS 60
#define WRITE_EVERY 10
#define WRITE_BYTES ((size_t)4 << 20)

struct sketch_slot {
    int64_t article;
    int64_t period;
    enum gz_readers_kind kind; /* 0: an empty slot */
    struct gz_hll *hll;
};

struct referrer_slot {
    int64_t article;
    int64_t day;
    int64_t count; /* 0: an empty slot */
    char domain[GZ_REFERRER_MAX];
};

struct ranked {
    int64_t id;
    uint64_t readers;
    uint64_t views;
};

struct gz_readership {
    struct sketch_slot *sketches; /* open addressing, at most half full */
    size_t cap, len, bytes;
    struct referrer_slot *refs;
    size_t rcap, rlen;
    _Atomic uint64_t dropped; /* events not kept: pending full, old readers */
    int64_t pruned_hour;
    unsigned ticks; /* since the last write */

    /* Most viewed by readers. */
    int ranked; /* the list below is for ranked_window */
    enum gz_window ranked_window;
    int64_t ranked_at; /* Unix seconds */
    int64_t top[GZ_VIEWS_TOP_CACHED];
    size_t ntop;
    struct ranked *scratch; /* readers_each's results */
    size_t nscratch, cap_scratch;
};

struct gz_readership *gz_readership_new(void)
{
    return gz_xcalloc(1, sizeof(struct gz_readership));
}

static void pending_clear(struct gz_readership *rs)
{
    for (size_t i = 0; i < rs->cap; i++)
        gz_hll_free(rs->sketches[i].hll);
    free(rs->sketches);
    free(rs->refs);
    rs->sketches = NULL;
    rs->refs = NULL;
    rs->cap = rs->len = rs->bytes = rs->rcap = rs->rlen = 0;
}

void gz_readership_free(struct gz_readership *rs)
{
    if (!rs)
        return;
    pending_clear(rs);
    free(rs->scratch);
    free(rs);
}

/* ---- the tick's sketches and referrer counts ---- */

static size_t mix(int64_t a, int64_t b, int64_t c)
{
    uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ULL;
    h ^= (uint64_t)b * 0xc2b2ae3d27d4eb4fULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)c * 0x165667b19e3779f9ULL + (h << 6) + (h >> 2);
    return (size_t)(h ^ (h >> 29));
}

static struct sketch_slot *sketch_find(struct sketch_slot *t, size_t cap, int64_t article,
                                       enum gz_readers_kind kind, int64_t period)
{
    for (size_t i = mix(article, kind, period) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        struct sketch_slot *s = &t[i];
        if (!s->kind || (s->article == article && s->kind == kind && s->period == period))
            return s;
    }
}

static void sketches_grow(struct gz_readership *rs)
{
    size_t cap = rs->cap ? rs->cap * 2 : 64;
    struct sketch_slot *t = gz_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < rs->cap; i++)
        if (rs->sketches[i].kind)
            *sketch_find(t, cap, rs->sketches[i].article, rs->sketches[i].kind,
                         rs->sketches[i].period) = rs->sketches[i];
    free(rs->sketches);
    rs->sketches = t;
    rs->cap = cap;
}

/* Adds reader to the pending sketch of (article, kind, period); 0 when
 * there is no room for a new one. */
static int sketch_add(struct gz_readership *rs, int64_t article,
                      enum gz_readers_kind kind, int64_t period, uint64_t reader)
{
    if ((rs->len + 1) * 2 > rs->cap)
        sketches_grow(rs);
    struct sketch_slot *s = sketch_find(rs->sketches, rs->cap, article, kind, period);
    if (!s->kind) {
        if (rs->len >= MAX_PENDING_KEYS || rs->bytes >= MAX_PENDING_BYTES)
            return 0;
        *s = (struct sketch_slot){article, period, kind, gz_hll_new()};
        rs->len++;
        rs->bytes += gz_hll_memory(s->hll);
    }
    size_t before = gz_hll_memory(s->hll);
    gz_hll_add(s->hll, reader);
    rs->bytes += gz_hll_memory(s->hll) - before;
    return 1;
}

static size_t ref_hash(int64_t article, int64_t day, const char *domain)
{
    return mix(article, day, (int64_t)gz_hash(domain, strlen(domain)));
}

static struct referrer_slot *ref_find(struct referrer_slot *t, size_t cap,
                                      int64_t article, int64_t day, const char *domain)
{
    for (size_t i = ref_hash(article, day, domain) & (cap - 1);;
         i = (i + 1) & (cap - 1)) {
        struct referrer_slot *s = &t[i];
        if (!s->count ||
            (s->article == article && s->day == day && !strcmp(s->domain, domain)))
            return s;
    }
}

static void refs_grow(struct gz_readership *rs)
{
    size_t cap = rs->rcap ? rs->rcap * 2 : 64;
    struct referrer_slot *t = gz_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < rs->rcap; i++)
        if (rs->refs[i].count)
            *ref_find(t, cap, rs->refs[i].article, rs->refs[i].day, rs->refs[i].domain) =
                rs->refs[i];
    free(rs->refs);
    rs->refs = t;
    rs->rcap = cap;
}

static int ref_add(struct gz_readership *rs, int64_t article, int64_t day,
                   const char *domain)
{
    if ((rs->rlen + 1) * 2 > rs->rcap)
        refs_grow(rs);
    struct referrer_slot *s = ref_find(rs->refs, rs->rcap, article, day, domain);
    if (!s->count) {
        if (rs->rlen >= MAX_PENDING_KEYS)
            return 0;
        s->article = article;
        s->day = day;
        snprintf(s->domain, sizeof s->domain, "%s", domain);
        rs->rlen++;
    }
    s->count++;
    return 1;
}

/* One counted view into the pending sketches (the article's and the
 * site's, each by hour, day and all time) and referrer counts. */
static void add_event(struct gz_readership *rs, const struct gz_reader_event *e)
{
    static const enum gz_readers_kind kinds[] = {GZ_READERS_HOUR, GZ_READERS_DAY,
                                                 GZ_READERS_ALL};
    int64_t periods[] = {e->time / 3600, e->time / 86400, 0};
    int kept = 1;
    for (size_t k = 0; k < GZ_COUNTOF(kinds); k++) {
        kept &= sketch_add(rs, e->article_id, kinds[k], periods[k], e->reader);
        kept &= sketch_add(rs, 0, kinds[k], periods[k], e->reader);
    }
    kept &= ref_add(rs, e->article_id, e->time / 86400, e->domain);
    if (!kept)
        atomic_fetch_add_explicit(&rs->dropped, 1, memory_order_relaxed);
}

static void drain(struct gz_readership *rs, struct gz_readers *readers)
{
    struct gz_reader_event *ev = NULL;
    size_t n = gz_readers_drain(readers, &ev);
    for (size_t i = 0; i < n; i++)
        add_event(rs, &ev[i]);
    free(ev);
}

/* ---- writing ---- */

/* Merges the pending sketches and counts into the store; they are
 * forgotten once written, kept otherwise. */
static void write_pending(struct gz_site *site, struct gz_readership *rs, int64_t now,
                          int force)
{
    const struct gz_config *cfg = gz_site_cfg(site);
    int64_t hour = now / 3600, today = now / 86400;
    int prune_time = hour != rs->pruned_hour;
    if (!rs->len && !rs->rlen && !prune_time)
        return;
    if (++rs->ticks < WRITE_EVERY && rs->bytes < WRITE_BYTES && !force)
        return;
    rs->ticks = 0;
    struct gz_readers_delta *d = gz_xcalloc(rs->len ? rs->len : 1, sizeof *d);
    struct gz_referrer_delta *r = gz_xcalloc(rs->rlen ? rs->rlen : 1, sizeof *r);
    size_t n = 0, nr = 0;
    for (size_t i = 0; i < rs->cap; i++) {
        const struct sketch_slot *s = &rs->sketches[i];
        if (!s->kind)
            continue;
        uint8_t *bytes;
        size_t len;
        gz_hll_serialize(s->hll, &bytes, &len);
        d[n++] = (struct gz_readers_delta){s->article, s->kind, s->period, bytes, len};
    }
    for (size_t i = 0; i < rs->rcap; i++)
        if (rs->refs[i].count)
            r[nr++] = (struct gz_referrer_delta){rs->refs[i].article, rs->refs[i].day,
                                                 rs->refs[i].domain, rs->refs[i].count};
    /* stats.referrer_days = N keeps the last N UTC days, today included. */
    int64_t prune_refs = cfg->referrer_days > 0 ? today - cfg->referrer_days + 1 : 0;
    struct gz_store *st = site->flush_store;
    int rc = st->ops->readers_merge(st, d, n, r, nr, hour - KEEP_HOURS, prune_refs);
    for (size_t i = 0; i < n; i++)
        free((void *)d[i].hll);
    free(d);
    free(r);
    if (rc == GZ_OK) {
        pending_clear(rs);
        rs->pruned_hour = hour;
    } else if (n || nr) {
        gz_warn("readers: %zu sketches and %zu referrer counts kept in memory until the "
                "store accepts them",
                n, nr);
    }
}

/* ---- Most viewed by readers ---- */

static void on_readers(void *ctx, int64_t id, uint64_t readers)
{
    struct gz_readership *rs = ctx;
    if (rs->nscratch == rs->cap_scratch) {
        rs->cap_scratch = rs->cap_scratch ? rs->cap_scratch * 2 : 256;
        rs->scratch = gz_xrealloc(rs->scratch, rs->cap_scratch * sizeof *rs->scratch);
    }
    rs->scratch[rs->nscratch++] = (struct ranked){id, readers, 0};
}

/* More readers first; then more views; then the newer article. */
static int by_readers(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->readers != y->readers)
        return x->readers > y->readers ? -1 : 1;
    if (x->views != y->views)
        return x->views > y->views ? -1 : 1;
    return x->id > y->id ? -1 : x->id < y->id;
}

static int rank(struct gz_site *site, struct gz_readership *rs, enum gz_window w,
                int64_t now)
{
    enum gz_readers_kind kind = GZ_READERS_ALL;
    int64_t first = 0, last = 0;
    if (w == GZ_WINDOW_24H) {
        kind = GZ_READERS_HOUR;
        last = now / 3600;
        first = last - 23;
    } else if (w == GZ_WINDOW_7D || w == GZ_WINDOW_30D) {
        kind = GZ_READERS_DAY;
        last = now / 86400;
        first = last - (w == GZ_WINDOW_7D ? 6 : 29);
    }
    struct gz_store *st = site->flush_store;
    rs->nscratch = 0;
    int rc = st->ops->readers_each(st, kind, first, last, on_readers, rs);
    if (rc != GZ_OK) {
        gz_warn("readers: ranking Most viewed by readers failed; keeping the last list");
        return rc;
    }
    for (size_t i = 0; i < rs->nscratch; i++)
        rs->scratch[i].views = gz_views_count(site->views, w, rs->scratch[i].id);
    if (rs->nscratch) /* scratch is NULL until the first article */
        qsort(rs->scratch, rs->nscratch, sizeof *rs->scratch, by_readers);
    rs->ntop = 0;
    for (size_t i = 0; i < rs->nscratch && rs->ntop < GZ_VIEWS_TOP_CACHED; i++)
        if (rs->scratch[i].readers > 0)
            rs->top[rs->ntop++] = rs->scratch[i].id;
    return GZ_OK;
}

/* Whether Most viewed by readers is due for ranking this tick. */
static int rank_due(struct gz_site *site, struct gz_readership *rs, int64_t now)
{
    const struct gz_site_conf *conf = gz_site_conf(site);
    if (!conf->rank_readers) {
        rs->ranked = 0;
        return 0;
    }
    return !(rs->ranked && rs->ranked_window == conf->window &&
             now - rs->ranked_at < RANK_SECONDS && now >= rs->ranked_at);
}

static void do_rank(struct gz_site *site, struct gz_readership *rs, int64_t now)
{
    const struct gz_site_conf *conf = gz_site_conf(site);
    /* A failed ranking is tried again in a minute too, not every tick. */
    rs->ranked_at = now;
    if (rank(site, rs, conf->window, now) == GZ_OK || !rs->ranked) {
        rs->ranked = 1;
        rs->ranked_window = conf->window;
    }
}

size_t gz_readership_top(struct gz_site *site, enum gz_window w, size_t n, int64_t *ids)
{
    struct gz_readership *rs = site->readership;
    if (!rs->ranked || rs->ranked_window != w)
        return 0;
    if (n > rs->ntop)
        n = rs->ntop;
    memcpy(ids, rs->top, n * sizeof *ids);
    return n;
}

/* ---- the tick, settings ---- */

void gz_readership_tick(struct gz_site *site, int64_t now)
{
    struct gz_readership *rs = site->readership;
    drain(rs, atomic_load_explicit(&site->readers, memory_order_acquire));
    /* A ranking reads the store: what is pending goes there first. */
    int rank = rank_due(site, rs, now);
    write_pending(site, rs, now, rank || site->final_tick);
    if (rank)
        do_rank(site, rs, now);
}

/* Readers replaced by a reload: once no loop can still be queueing into
 * them (QSBR), their last events join the pending ones and they go. */
struct retired {
    struct gz_readership *rs;
    struct gz_readers *readers;
};

static void retire_readers(void *p)
{
    struct retired *old = p;
    drain(old->rs, old->readers);
    atomic_fetch_add_explicit(&old->rs->dropped, gz_readers_dropped(old->readers),
                              memory_order_relaxed);
    gz_readers_free(old->readers);
    free(old);
}

void gz_readership_reconfigure(struct gz_site *site, const struct gz_config *old,
                               const struct gz_config *cur)
{
    struct gz_readership *rs = site->readership;
    rs->ranked = 0; /* rank again now: rank_by or the window may have changed */
    if (old->reload_minutes == cur->reload_minutes &&
        old->max_per_minute == cur->max_per_minute)
        return;
    /* The new readers draw a new salt: a reader of today before and after
     * the change may count twice in today's sketches (docs/readership.md). */
    struct retired *r = gz_xcalloc(1, sizeof *r);
    r->rs = rs;
    r->readers = atomic_exchange(&site->readers, gz_site_readers_new(cur));
    gz_qsbr_retire(site->qsbr, r, retire_readers);
    gz_info("readers: reload and flood limits changed (%d minutes, %d per minute)",
            cur->reload_minutes, cur->max_per_minute);
}

uint64_t gz_readership_dropped(struct gz_site *site)
{
    const struct gz_readers *r =
        atomic_load_explicit(&site->readers, memory_order_acquire);
    return atomic_load_explicit(&site->readership->dropped, memory_order_relaxed) +
           gz_readers_dropped(r);
}
