/* Readers: the daily keyed hash, reload and flood limits, the event queue
 * for the flusher, and referrer domains (see readers.h).
 *
 * Memory is bounded by the configuration, whatever the traffic:
 *   - each of the SHARDS shards remembers at most max_tracked / SHARDS
 *     (reader, article) pairs, in an open-addressing table of at most
 *     1.25 slots per pair; when a shard is full, one sweep drops the pairs
 *     whose reload window has passed and, if that frees less than a
 *     quarter of the shard, the oldest pairs until a quarter is free (so a
 *     sweep, which costs one pass over the shard, happens at most once per
 *     quarter-shard of new pairs);
 *   - the per-minute counts use a table of the same bound, emptied when the
 *     minute changes; a reader it has no room for is not limited (a full
 *     table means many distinct readers, not one fast one);
 *   - at most max_queue events wait for the flusher, across all shards.
 * The tables are keyed by reader hashes, which are SipHash outputs under a
 * secret key, so nobody outside can aim requests at one slot of a table. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "views/readers.h"

#define SHARDS 64
#define DAY_SECONDS 86400
#define MINUTE_SECONDS 60
#define DEFAULT_TRACKED ((size_t)1 << 20)
#define DEFAULT_QUEUE ((size_t)1 << 18)
#define MIN_SLOTS 16
/* A slot's reader 0 marks it empty; the rare reader whose hash is 0 is
 * stored under this stand-in instead (it shares its slots with the reader
 * hashing to the stand-in, one chance in 2^64). */
#define READER_ZERO 0x9e3779b97f4a7c15u
/* Hash inputs longer than this (a user agent of kilobytes) go to the heap. */
#define INPUT_STACK 1024

/* One remembered (reader, article) pair, or one reader's count this minute
 * (article 0). */
struct slot {
    uint64_t reader; /* 0: empty */
    int64_t article;
    int64_t value; /* last counted time (Unix seconds), or views this minute */
};

/* Open addressing with linear probing; entries are never removed one by
 * one, only by rebuilding the table (sweep), so no tombstones. */
struct table {
    struct slot *slots;
    size_t nslots; /* 0 until the first insert */
    size_t count;
    size_t limit; /* entries at most */
};

struct event_queue {
    struct gz_reader_event *events;
    size_t len, cap;
};

struct shard {
    pthread_mutex_t lock;
    struct table seen;  /* (reader, article) -> last counted time */
    struct table flood; /* reader -> views counted in `minute` */
    int64_t minute;     /* the minute flood counts */
    struct event_queue queue;
};

/* Owner: the server, shared by every event-loop thread and the flusher. */
struct gz_readers {
    int64_t reload_seconds;
    int max_per_minute;
    size_t max_queue;

    /* The day's salt, read on every counted view without a lock: a
     * sequence lock. salt_seq is odd while a writer (the first thread to
     * see a new day; salt_lock keeps writers apart) replaces the words;
     * a reader that saw it odd or changed reads again. */
    pthread_mutex_t salt_lock;
    _Atomic uint64_t salt_seq;
    _Atomic int64_t salt_day; /* UTC day (Unix days) the salt belongs to */
    _Atomic uint64_t salt[2]; /* crypto_shorthash_KEYBYTES */

    atomic_size_t queued; /* events in all queues */
    atomic_uint_fast64_t dropped;
    atomic_size_t memory; /* heap bytes of tables and queues */
    struct shard shards[SHARDS];
};

/* ---- hashing ------------------------------------------------------------ */

/* Spreads a reader hash and an article over table slots (the finalizer of
 * splitmix64): readers are uniform already, but articles are small
 * integers and tests pass small readers. */
static uint64_t mix(uint64_t reader, int64_t article)
{
    uint64_t x = reader ^ ((uint64_t)article * 0xbf58476d1ce4e5b9u);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Copies the salt of now's day into key, drawing a new one (and wiping the
 * old) when now is in a later day. A now in an earlier day (clocks of two
 * threads a moment apart at midnight) uses the current salt: an old salt
 * is never kept. */
_Static_assert(crypto_shorthash_KEYBYTES == 2 * sizeof(uint64_t),
               "the salt is two words");

/* Draws the salt of `day` unless another thread already has; the old words
 * are overwritten, so the old salt is gone. */
static void salt_replace(struct gz_readers *r, int64_t day)
{
    pthread_mutex_lock(&r->salt_lock);
    if (day > atomic_load_explicit(&r->salt_day, memory_order_relaxed)) {
        uint64_t w[2];
        randombytes_buf(w, sizeof w);
        uint64_t seq = atomic_load_explicit(&r->salt_seq, memory_order_relaxed);
        atomic_store_explicit(&r->salt_seq, seq + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
        atomic_store_explicit(&r->salt[0], w[0], memory_order_relaxed);
        atomic_store_explicit(&r->salt[1], w[1], memory_order_relaxed);
        atomic_store_explicit(&r->salt_day, day, memory_order_relaxed);
        atomic_store_explicit(&r->salt_seq, seq + 2, memory_order_release);
        sodium_memzero(w, sizeof w);
    }
    pthread_mutex_unlock(&r->salt_lock);
}

static void salt_for(struct gz_readers *r, int64_t now,
                     unsigned char key[crypto_shorthash_KEYBYTES])
{
    int64_t day = floor_div(now, DAY_SECONDS);
    for (;;) {
        uint64_t seq = atomic_load_explicit(&r->salt_seq, memory_order_acquire);
        int64_t salt_day = atomic_load_explicit(&r->salt_day, memory_order_relaxed);
        uint64_t w[2] = {atomic_load_explicit(&r->salt[0], memory_order_relaxed),
                         atomic_load_explicit(&r->salt[1], memory_order_relaxed)};
        atomic_thread_fence(memory_order_acquire);
        int torn =
            (seq & 1) || atomic_load_explicit(&r->salt_seq, memory_order_relaxed) != seq;
        if (!torn && day <= salt_day) {
            memcpy(key, w, sizeof w);
            sodium_memzero(w, sizeof w);
            return;
        }
        sodium_memzero(w, sizeof w);
        if (!torn)
            salt_replace(r, day);
    }
}

uint64_t gz_readers_id(struct gz_readers *r, const void *addr, size_t addr_len,
                       const char *ua, size_t ua_len, int64_t now)
{
    /* Input: the address length (8 bytes, little-endian), the address, a
     * zero byte, the user agent. The length prefix makes the split between
     * address and user agent unambiguous. */
    size_t len = 8 + addr_len + 1 + ua_len;
    unsigned char stack[INPUT_STACK];
    unsigned char *in = len <= sizeof stack ? stack : gz_xmalloc(len);
    for (int k = 0; k < 8; k++)
        in[k] = (unsigned char)((uint64_t)addr_len >> (8 * k));
    if (addr_len)
        memcpy(in + 8, addr, addr_len);
    in[8 + addr_len] = 0;
    if (ua_len)
        memcpy(in + 9 + addr_len, ua, ua_len);

    unsigned char key[crypto_shorthash_KEYBYTES];
    unsigned char out[crypto_shorthash_BYTES];
    salt_for(r, now, key);
    crypto_shorthash(out, in, len, key);
    sodium_memzero(key, sizeof key);
    sodium_memzero(in, len); /* the address does not linger either */
    if (in != stack)
        free(in);

    uint64_t id = 0;
    for (int k = 0; k < 8; k++)
        id |= (uint64_t)out[k] << (8 * k);
    return id;
}

/* ---- tables --------------------------------------------------------------- */

static void memory_add(struct gz_readers *r, size_t bytes)
{
    atomic_fetch_add_explicit(&r->memory, bytes, memory_order_relaxed);
}

static void memory_sub(struct gz_readers *r, size_t bytes)
{
    atomic_fetch_sub_explicit(&r->memory, bytes, memory_order_relaxed);
}

/* Slots for a table that holds limit entries at a load of at most 0.8. */
static size_t max_slots(const struct table *t)
{
    return t->limit + t->limit / 4 + 1;
}

/* Maps a hash onto 0 .. nslots-1 without a division (nslots need not be a
 * power of two, which keeps the bound tight). */
static size_t home(const struct table *t, uint64_t h)
{
    return (size_t)(((unsigned __int128)h * t->nslots) >> 64);
}

static struct slot *table_find(const struct table *t, uint64_t reader, int64_t article)
{
    if (t->nslots == 0)
        return NULL;
    size_t i = home(t, mix(reader, article));
    for (;;) {
        struct slot *s = &t->slots[i];
        if (s->reader == 0)
            return NULL;
        if (s->reader == reader && s->article == article)
            return s;
        if (++i == t->nslots)
            i = 0;
    }
}

/* Places an entry known to be absent; the table has a free slot. */
static struct slot *table_place(struct table *t, uint64_t reader, int64_t article,
                                int64_t value)
{
    size_t i = home(t, mix(reader, article));
    while (t->slots[i].reader != 0)
        if (++i == t->nslots)
            i = 0;
    t->slots[i] = (struct slot){reader, article, value};
    t->count++;
    return &t->slots[i];
}

/* Moves the entries that keep(…) accepts into a new array of nslots slots. */
static void table_rebuild(struct gz_readers *r, struct table *t, size_t nslots,
                          int (*keep)(const struct slot *, void *), void *arg)
{
    struct slot *old = t->slots;
    size_t old_n = t->nslots;
    t->slots = gz_xcalloc(nslots, sizeof *t->slots);
    t->nslots = nslots;
    t->count = 0;
    for (size_t k = 0; k < old_n; k++)
        if (old[k].reader != 0 && (!keep || keep(&old[k], arg)))
            table_place(t, old[k].reader, old[k].article, old[k].value);
    free(old);
    memory_add(r, nslots * sizeof *t->slots);
    memory_sub(r, old_n * sizeof *t->slots);
}

/* Inserts an absent entry, growing the table up to its bound; NULL when
 * the table holds its limit. */
static struct slot *table_insert(struct gz_readers *r, struct table *t, uint64_t reader,
                                 int64_t article, int64_t value)
{
    if (t->count >= t->limit)
        return NULL;
    if ((t->count + 1) * 5 > t->nslots * 4) {
        size_t n = t->nslots ? t->nslots * 2 : MIN_SLOTS;
        if (n > max_slots(t))
            n = max_slots(t);
        table_rebuild(r, t, n, NULL, NULL);
    }
    return table_place(t, reader, article, value);
}

static void table_clear(struct gz_readers *r, struct table *t)
{
    free(t->slots);
    memory_sub(r, t->nslots * sizeof *t->slots);
    t->slots = NULL;
    t->nslots = t->count = 0;
}

/* ---- the sweep of a full shard -------------------------------------------- */

#define AGE_BINS 64

/* Which pairs survive a sweep: younger than the reload window, and younger
 * than the cut-off age (with `budget` pairs of exactly the cut-off bin
 * still to drop). */
struct sweep {
    int64_t now, window, bin_width;
    int cutoff_bin;
    size_t budget;
};

static int age_bin(const struct sweep *w, const struct slot *s)
{
    int64_t age = w->now - s->value;
    if (age < 0)
        age = 0;
    int64_t bin = age / w->bin_width;
    return bin >= AGE_BINS ? AGE_BINS - 1 : (int)bin;
}

static int sweep_keep(const struct slot *s, void *arg)
{
    struct sweep *w = arg;
    if (w->now - s->value >= w->window)
        return 0;
    int bin = age_bin(w, s);
    if (bin < w->cutoff_bin)
        return 1;
    if (bin == w->cutoff_bin && w->budget == 0)
        return 1;
    if (bin == w->cutoff_bin)
        w->budget--;
    return 0;
}

/* Frees at least a quarter of a full (reader, article) table: expired pairs
 * first, then the oldest. */
static void sweep_seen(struct gz_readers *r, struct table *t, int64_t now)
{
    struct sweep w = {now, r->reload_seconds, 0, AGE_BINS, 0};
    w.bin_width = (r->reload_seconds + AGE_BINS - 1) / AGE_BINS;
    size_t bins[AGE_BINS] = {0}, expired = 0;
    for (size_t k = 0; k < t->nslots; k++) {
        const struct slot *s = &t->slots[k];
        if (s->reader == 0)
            continue;
        if (now - s->value >= w.window)
            expired++;
        else
            bins[age_bin(&w, s)]++;
    }
    size_t want = t->limit / 4 + 1;
    if (expired < want) {
        size_t need = want - expired;
        int b = AGE_BINS - 1;
        while (b > 0 && bins[b] < need)
            need -= bins[b--];
        w.cutoff_bin = b;
        w.budget = need < bins[b] ? need : bins[b];
    }
    table_rebuild(r, t, t->nslots, sweep_keep, &w);
}

/* ---- views ---------------------------------------------------------------- */

/* The low bits choose the shard; the high bits of the same hash place a
 * reader in the per-minute table (home()), so the two stay independent. */
static struct shard *shard_of(struct gz_readers *r, uint64_t reader)
{
    return &r->shards[mix(reader, 0) % SHARDS];
}

/* Views counted for reader in now's minute (0 when unknown). Shard locked. */
static struct slot *flood_slot(struct gz_readers *r, struct shard *s, uint64_t reader,
                               int64_t now)
{
    int64_t minute = floor_div(now, MINUTE_SECONDS);
    if (minute > s->minute) {
        table_clear(r, &s->flood);
        s->minute = minute;
    }
    return table_find(&s->flood, reader, 0);
}

static int over_limit(struct gz_readers *r, struct shard *s, uint64_t reader, int64_t now)
{
    if (r->max_per_minute <= 0)
        return 0;
    struct slot *f = flood_slot(r, s, reader, now);
    return f && f->value >= r->max_per_minute;
}

static void count_minute(struct gz_readers *r, struct shard *s, uint64_t reader)
{
    if (r->max_per_minute <= 0)
        return;
    struct slot *f = table_find(&s->flood, reader, 0);
    if (f)
        f->value++;
    else
        table_insert(r, &s->flood, reader, 0, 1); /* full: not limited */
}

/* Whether the pair was counted within the reload window; otherwise records
 * now as its last counted time. */
static int is_reload(struct gz_readers *r, struct shard *s, uint64_t reader,
                     int64_t article, int64_t now)
{
    if (r->reload_seconds <= 0)
        return 0;
    struct slot *p = table_find(&s->seen, reader, article);
    if (p && now - p->value < r->reload_seconds)
        return 1;
    if (p) {
        p->value = now;
        return 0;
    }
    if (s->seen.count >= s->seen.limit)
        sweep_seen(r, &s->seen, now);
    table_insert(r, &s->seen, reader, article, now);
    return 0;
}

static void enqueue(struct gz_readers *r, struct shard *s, uint64_t reader,
                    int64_t article, const char *domain, size_t domain_len, int64_t now)
{
    size_t queued = atomic_fetch_add(&r->queued, 1);
    if (queued >= r->max_queue) {
        atomic_fetch_sub(&r->queued, 1);
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return;
    }
    struct event_queue *q = &s->queue;
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        q->events = gz_xrealloc(q->events, cap * sizeof *q->events);
        memory_add(r, (cap - q->cap) * sizeof *q->events);
        q->cap = cap;
    }
    struct gz_reader_event *e = &q->events[q->len++];
    e->article_id = article;
    e->reader = reader;
    e->time = now;
    size_t n = domain ? strnlen(domain, domain_len) : 0;
    if (n > GZ_REFERRER_MAX - 1)
        n = GZ_REFERRER_MAX - 1;
    memcpy(e->domain, domain ? domain : "", n);
    e->domain[n] = 0;
}

enum gz_reader_verdict gz_readers_view(struct gz_readers *r, uint64_t reader,
                                       int64_t article_id, const char *domain,
                                       size_t domain_len, int64_t now)
{
    uint64_t key = reader ? reader : READER_ZERO;
    struct shard *s = shard_of(r, key);
    enum gz_reader_verdict verdict = GZ_READER_COUNT;
    pthread_mutex_lock(&s->lock);
    if (over_limit(r, s, key, now))
        verdict = GZ_READER_FLOOD;
    else if (is_reload(r, s, key, article_id, now))
        verdict = GZ_READER_RELOAD;
    if (verdict == GZ_READER_COUNT) {
        count_minute(r, s, key);
        enqueue(r, s, reader, article_id, domain, domain_len, now);
    }
    pthread_mutex_unlock(&s->lock);
    return verdict;
}

int gz_readers_flooding(struct gz_readers *r, uint64_t reader, int64_t now)
{
    uint64_t key = reader ? reader : READER_ZERO;
    struct shard *s = shard_of(r, key);
    pthread_mutex_lock(&s->lock);
    int flooding = over_limit(r, s, key, now);
    pthread_mutex_unlock(&s->lock);
    return flooding;
}

size_t gz_readers_drain(struct gz_readers *r, struct gz_reader_event **out)
{
    struct gz_reader_event *all = NULL;
    size_t len = 0, cap = 0;
    for (int k = 0; k < SHARDS; k++) {
        struct shard *s = &r->shards[k];
        pthread_mutex_lock(&s->lock);
        struct event_queue q = s->queue;
        s->queue = (struct event_queue){0};
        atomic_fetch_sub(&r->queued, q.len);
        pthread_mutex_unlock(&s->lock);
        memory_sub(r, q.cap * sizeof *q.events);
        if (q.len) {
            if (len + q.len > cap) {
                cap = (len + q.len) * 2;
                all = gz_xrealloc(all, cap * sizeof *all);
            }
            memcpy(all + len, q.events, q.len * sizeof *q.events);
            len += q.len;
        }
        free(q.events);
    }
    *out = all;
    return len;
}

uint64_t gz_readers_dropped(const struct gz_readers *r)
{
    return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}

size_t gz_readers_memory(const struct gz_readers *r)
{
    return sizeof *r + atomic_load_explicit(&r->memory, memory_order_relaxed);
}

/* ---- life cycle ------------------------------------------------------------ */

struct gz_readers *gz_readers_new(const struct gz_readers_config *c, int64_t now)
{
    if (sodium_init() < 0)
        abort(); /* no CSPRNG: nothing safe to hash readers with */
    struct gz_readers *r = gz_xcalloc(1, sizeof *r);
    r->reload_seconds = c && c->reload_minutes > 0 ? (int64_t)c->reload_minutes * 60 : 0;
    r->max_per_minute = c && c->max_per_minute > 0 ? c->max_per_minute : 0;
    size_t tracked = c && c->max_tracked ? c->max_tracked : DEFAULT_TRACKED;
    r->max_queue = c && c->max_queue ? c->max_queue : DEFAULT_QUEUE;
    size_t per_shard = tracked / SHARDS ? tracked / SHARDS : 1;
    pthread_mutex_init(&r->salt_lock, NULL);
    atomic_init(&r->salt_seq, 0);
    atomic_init(&r->salt_day, INT64_MIN);
    salt_replace(r, floor_div(now, DAY_SECONDS));
    for (int k = 0; k < SHARDS; k++) {
        pthread_mutex_init(&r->shards[k].lock, NULL);
        r->shards[k].seen.limit = per_shard;
        r->shards[k].flood.limit = per_shard;
        r->shards[k].minute = INT64_MIN;
    }
    return r;
}

void gz_readers_free(struct gz_readers *r)
{
    if (!r)
        return;
    for (int k = 0; k < SHARDS; k++) {
        struct shard *s = &r->shards[k];
        free(s->seen.slots);
        free(s->flood.slots);
        free(s->queue.events);
        pthread_mutex_destroy(&s->lock);
    }
    atomic_store(&r->salt[0], 0);
    atomic_store(&r->salt[1], 0);
    pthread_mutex_destroy(&r->salt_lock);
    free(r);
}

/* ---- referrer domains -------------------------------------------------------- */

/* Strips an http(s) scheme (any case); 0 when there is none. */
static int strip_scheme(const char **p, const char *end)
{
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t k = 0; k < GZ_COUNTOF(schemes); k++) {
        size_t n = strlen(schemes[k]);
        if ((size_t)(end - *p) >= n && strncasecmp(*p, schemes[k], n) == 0) {
            *p += n;
            return 1;
        }
    }
    return 0;
}

/* Normalizes host[:port] (no scheme, path or userinfo) into out: lowercase,
 * no port, no trailing dot, no leading "www.". Only [a-z0-9.-] with
 * non-empty labels of at most 63 characters, 253 in all; IPv6 literals
 * ([...]) are refused. Returns the length, or -1 when malformed. */
static int normalize_host(const char *p, size_t len, char out[256])
{
    const char *colon = memchr(p, ':', len);
    if (colon) {
        size_t port = len - (size_t)(colon - p) - 1;
        if (port > 5)
            return -1;
        for (size_t k = 1; k <= port; k++)
            if (colon[k] < '0' || colon[k] > '9')
                return -1;
        len = (size_t)(colon - p);
    }
    if (len > 0 && p[len - 1] == '.')
        len--; /* example.com. is example.com */
    if (len == 0 || len > 253)
        return -1;
    size_t label = 0;
    for (size_t k = 0; k < len; k++) {
        char ch = p[k];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch == '.') {
            if (label == 0)
                return -1;
            label = 0;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-') {
            if (++label > 63)
                return -1;
        } else {
            return -1;
        }
        out[k] = ch;
    }
    out[len] = 0;
    if (len > 4 && memcmp(out, "www.", 4) == 0) {
        memmove(out, out + 4, len - 4 + 1);
        len -= 4;
    }
    return (int)len;
}

/* The authority's host[:port] of an http(s) URL, without userinfo. */
static int url_host(const char *url, size_t len, const char **host, size_t *host_len)
{
    const char *p = url, *end = url + len;
    if (!strip_scheme(&p, end))
        return -1;
    const char *stop = p;
    /* Browsers end the authority at a backslash too (WHATWG URL). */
    while (stop < end && *stop != '/' && *stop != '\\' && *stop != '?' && *stop != '#')
        stop++;
    for (const char *at = stop; at > p; at--)
        if (at[-1] == '@') {
            p = at;
            break;
        }
    *host = p;
    *host_len = (size_t)(stop - p);
    return 0;
}

void gz_referrer_domain(const char *referer, size_t len, const char *own_host,
                        size_t own_len, char out[GZ_REFERRER_MAX])
{
    out[0] = 0;
    const char *host;
    size_t host_len;
    char domain[256], own[256];
    if (!referer || url_host(referer, len, &host, &host_len) != 0)
        return;
    int n = normalize_host(host, host_len, domain);
    if (n < 0)
        return;
    if (own_host && own_len && normalize_host(own_host, own_len, own) == n &&
        memcmp(own, domain, (size_t)n) == 0)
        return;
    /* Too long: keep the rightmost whole labels that fit, the part that
     * names the site; a lone top-level label says nothing and is dropped. */
    const char *d = domain;
    while (n > GZ_REFERRER_MAX - 1) {
        const char *dot = memchr(d, '.', (size_t)n);
        if (!dot)
            return;
        n -= (int)(dot + 1 - d);
        d = dot + 1;
    }
    if (d != domain && !memchr(d, '.', (size_t)n))
        return;
    memcpy(out, d, (size_t)n);
    out[n] = 0;
}
