/* View totals, hourly buckets, windows and top lists; see views.h.
 *
 * Articles live in a dense array (their index is their "slot"), found by id
 * through an open-addressing index. Each of the 720 hourly buckets is a small
 * open-addressing map slot -> count. Window sums are kept per article and
 * changed only by adding views or by a bucket leaving the window, so reading
 * a count is one lookup.
 *
 * Top lists of up to GZ_VIEWS_TOP_CACHED entries are kept incrementally: as
 * long as counts only grow, an article outside the cached list can only
 * enter it by passing its last entry, so each added view costs one compare
 * (plus a short insertion when it does pass). Anything that lowers counts
 * (the clock moving, forget) marks the list stale and the next gz_views_top
 * rebuilds it with one scan and a bounded heap.
 */
#include "views/views.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define INDEX_MIN_CAP 1024u
#define BUCKET_MIN_CAP 16u

static const struct {
    const char *name;
    const char *label;
    int hours;
} windows[GZ_WINDOW_COUNT] = {
    [GZ_WINDOW_ALL] = {"all", "all time", 0},
    [GZ_WINDOW_24H] = {"24h", "last 24 hours", 24},
    [GZ_WINDOW_7D] = {"7d", "last 7 days", 24 * 7},
    [GZ_WINDOW_30D] = {"30d", "last 30 days", GZ_VIEWS_RING_HOURS},
};

/* Views of one article in one hour. */
struct hour_entry {
    uint32_t slot1; /* article slot + 1; 0 marks an empty cell */
    uint32_t count;
};

/* The views of one hour: an open-addressing map slot -> count. */
struct hour_bucket {
    int64_t hour; /* the hour the entries belong to; stale while len == 0 */
    struct hour_entry *cell;
    uint32_t cap; /* 0 or a power of two */
    uint32_t len;
};

/* The best GZ_VIEWS_TOP_CACHED slots of one window, best first. While
 * valid, every article not in the list ranks below all that are, and when
 * len < GZ_VIEWS_TOP_CACHED the list holds every article with views. */
struct top_cache {
    uint32_t slot[GZ_VIEWS_TOP_CACHED];
    uint32_t len;
    int valid;
};

/* Owned by the flusher thread (see views.h). Articles are stored as
 * parallel arrays indexed by slot, one dense array of counts per window, so
 * that a top-N scan reads 8 bytes per article and nothing else. */
struct gz_views {
    int64_t now; /* current hour */
    int64_t *id;
    uint64_t *count[GZ_WINDOW_COUNT]; /* [GZ_WINDOW_ALL]: all-time totals */
    uint32_t nart;
    uint32_t art_cap;
    uint32_t *index;    /* open addressing by id: slot + 1, 0 = empty */
    uint32_t index_cap; /* power of two, kept at least twice nart */
    struct hour_bucket ring[GZ_VIEWS_RING_HOURS];
    struct top_cache top[GZ_WINDOW_COUNT];
};

/* ---- windows ---------------------------------------------------------- */

static int window_valid(enum gz_window w)
{
    return (unsigned)w < GZ_WINDOW_COUNT;
}

int gz_window_hours(enum gz_window w)
{
    return window_valid(w) ? windows[w].hours : 0;
}

int gz_window_parse(const char *s, enum gz_window *out)
{
    if (s == NULL)
        return GZ_EINVAL;
    for (int w = 0; w < GZ_WINDOW_COUNT; w++) {
        if (strcmp(s, windows[w].name) == 0) {
            *out = (enum gz_window)w;
            return GZ_OK;
        }
    }
    return GZ_EINVAL;
}

const char *gz_window_name(enum gz_window w)
{
    return window_valid(w) ? windows[w].name : "";
}

const char *gz_window_label(enum gz_window w)
{
    return window_valid(w) ? windows[w].label : "";
}

/* ---- articles: dense array + index by id ------------------------------ */

static uint32_t hash_id(int64_t id)
{
    /* Fibonacci hashing: article ids are mostly sequential. */
    return (uint32_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32);
}

static int64_t slot_find(const struct gz_views *v, int64_t id)
{
    uint32_t mask = v->index_cap - 1;

    for (uint32_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        uint32_t slot1 = v->index[i];
        if (slot1 == 0)
            return -1;
        if (v->id[slot1 - 1] == id)
            return slot1 - 1;
    }
}

static void index_put(struct gz_views *v, uint32_t slot)
{
    uint32_t mask = v->index_cap - 1;
    uint32_t i = hash_id(v->id[slot]) & mask;

    while (v->index[i] != 0)
        i = (i + 1) & mask;
    v->index[i] = slot + 1;
}

static void index_grow(struct gz_views *v)
{
    free(v->index);
    v->index_cap *= 2;
    v->index = gz_xcalloc(v->index_cap, sizeof(*v->index));
    for (uint32_t slot = 0; slot < v->nart; slot++)
        index_put(v, slot);
}

static void articles_grow(struct gz_views *v)
{
    v->art_cap = v->art_cap ? v->art_cap * 2 : INDEX_MIN_CAP / 2;
    v->id = gz_xrealloc(v->id, (size_t)v->art_cap * sizeof(*v->id));
    for (int w = 0; w < GZ_WINDOW_COUNT; w++)
        v->count[w] = gz_xrealloc(v->count[w], (size_t)v->art_cap * sizeof(uint64_t));
}

/* The slot of article id, created with zero counts when new. */
static uint32_t slot_get(struct gz_views *v, int64_t id)
{
    int64_t found = slot_find(v, id);

    if (found >= 0)
        return (uint32_t)found;
    if (v->nart == v->art_cap)
        articles_grow(v);
    /* Keeping the index at most half full keeps probes short. */
    if ((v->nart + 1) * 2 > v->index_cap)
        index_grow(v);
    uint32_t slot = v->nart++;
    v->id[slot] = id;
    for (int w = 0; w < GZ_WINDOW_COUNT; w++)
        v->count[w][slot] = 0;
    index_put(v, slot);
    return slot;
}

/* ---- hourly buckets --------------------------------------------------- */

static uint32_t hash_slot(uint32_t slot1, uint32_t cap)
{
    /* Top bits of a multiplicative hash; cap is a power of two >= 16. */
    return (slot1 * 0x9E3779B1u) >> (32 - __builtin_ctz(cap));
}

/* The cell holding slot1, or the empty cell where it would go. */
static struct hour_entry *bucket_cell(const struct hour_bucket *b, uint32_t slot1)
{
    uint32_t mask = b->cap - 1;

    for (uint32_t i = hash_slot(slot1, b->cap);; i = (i + 1) & mask) {
        struct hour_entry *e = &b->cell[i];
        if (e->slot1 == slot1 || e->slot1 == 0)
            return e;
    }
}

static void bucket_grow(struct hour_bucket *b)
{
    struct hour_entry *old = b->cell;
    uint32_t old_cap = b->cap;

    b->cap = old_cap ? old_cap * 2 : BUCKET_MIN_CAP;
    b->cell = gz_xcalloc(b->cap, sizeof(*b->cell));
    for (uint32_t i = 0; i < old_cap; i++) {
        if (old[i].slot1 != 0)
            *bucket_cell(b, old[i].slot1) = old[i];
    }
    free(old);
}

/* Adds count to slot's views in bucket b; returns how much was added
 * (less than count only when the hourly count saturates). */
static uint64_t bucket_add(struct hour_bucket *b, uint32_t slot, uint64_t count)
{
    if ((b->len + 1) * 4 > b->cap * 3)
        bucket_grow(b);
    struct hour_entry *e = bucket_cell(b, slot + 1);
    if (e->slot1 == 0) {
        e->slot1 = slot + 1;
        b->len++;
    }
    uint64_t room = UINT32_MAX - e->count;
    uint64_t added = count < room ? count : room;
    e->count += (uint32_t)added;
    return added;
}

static void bucket_clear(struct hour_bucket *b)
{
    free(b->cell);
    b->cell = NULL;
    b->cap = 0;
    b->len = 0;
}

static struct hour_bucket *ring_at(struct gz_views *v, int64_t hour)
{
    int64_t i = hour % GZ_VIEWS_RING_HOURS;

    return &v->ring[i < 0 ? i + GZ_VIEWS_RING_HOURS : i];
}

/* The bucket of a live hour if it has entries, else NULL. */
static struct hour_bucket *bucket_of(struct gz_views *v, int64_t hour)
{
    struct hour_bucket *b = ring_at(v, hour);

    return b->len != 0 && b->hour == hour ? b : NULL;
}

/* ---- top lists -------------------------------------------------------- */

static uint64_t win_count(const struct gz_views *v, enum gz_window w, uint32_t slot)
{
    return v->count[w][slot];
}

/* Ranking: more views first, then the higher (newer) id. */
static int ranks_above(const struct gz_views *v, enum gz_window w, uint32_t a, uint32_t b)
{
    uint64_t ca = win_count(v, w, a), cb = win_count(v, w, b);

    return ca > cb || (ca == cb && v->id[a] > v->id[b]);
}

static void swap_slots(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;

    *a = *b;
    *b = t;
}

/* A heap with the worst-ranked slot at the root. */
static void heap_up(const struct gz_views *v, enum gz_window w, uint32_t *h, size_t i)
{
    while (i > 0 && ranks_above(v, w, h[(i - 1) / 2], h[i])) {
        swap_slots(&h[(i - 1) / 2], &h[i]);
        i = (i - 1) / 2;
    }
}

static void heap_down(const struct gz_views *v, enum gz_window w, uint32_t *h, size_t len,
                      size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < len && ranks_above(v, w, h[worst], h[l]))
            worst = l;
        if (r < len && ranks_above(v, w, h[worst], h[r]))
            worst = r;
        if (worst == i)
            return;
        swap_slots(&h[worst], &h[i]);
        i = worst;
    }
}

/* Writes the best m slots of window w (count > 0) to out, best first, with
 * one scan of all articles; returns how many. */
static size_t top_select(const struct gz_views *v, enum gz_window w, size_t m,
                         uint32_t *out)
{
    const uint64_t *count = v->count[w];
    uint64_t min_count = 1; /* lowest count that can still enter the heap */
    size_t len = 0;

    for (uint32_t slot = 0; slot < v->nart; slot++) {
        if (count[slot] < min_count)
            continue; /* the common case once the heap is full */
        if (len < m) {
            out[len] = slot;
            heap_up(v, w, out, len++);
        } else if (ranks_above(v, w, slot, out[0])) {
            out[0] = slot;
            heap_down(v, w, out, len, 0);
        } else {
            continue;
        }
        if (len == m)
            min_count = count[out[0]];
    }
    /* Heap sort: the worst moves to the back each round. */
    for (size_t end = len; end > 1; end--) {
        swap_slots(&out[0], &out[end - 1]);
        heap_down(v, w, out, end - 1, 0);
    }
    return len;
}

/* Slot's count in window w just grew: keep the cached list in order. */
static void top_bump(struct gz_views *v, enum gz_window w, uint32_t slot)
{
    struct top_cache *tc = &v->top[w];
    uint32_t pos;

    if (!tc->valid || win_count(v, w, slot) == 0)
        return;
    if (tc->len == GZ_VIEWS_TOP_CACHED) {
        uint32_t last = tc->slot[GZ_VIEWS_TOP_CACHED - 1];
        /* Not in the list (it would rank at least as high as the last) and
         * still not good enough to enter it: the common, cheap case. */
        if (slot != last && !ranks_above(v, w, slot, last))
            return;
    }
    for (pos = 0; pos < tc->len && tc->slot[pos] != slot; pos++)
        ;
    if (pos == tc->len) {
        if (tc->len < GZ_VIEWS_TOP_CACHED)
            tc->len++;
        else
            pos = GZ_VIEWS_TOP_CACHED - 1; /* evicts the last entry */
        tc->slot[pos] = slot;
    }
    for (; pos > 0 && ranks_above(v, w, tc->slot[pos], tc->slot[pos - 1]); pos--)
        swap_slots(&tc->slot[pos], &tc->slot[pos - 1]);
}

static void top_invalidate(struct gz_views *v, enum gz_window w)
{
    v->top[w].valid = 0;
}

static size_t top_cached(struct gz_views *v, enum gz_window w, size_t n, int64_t *ids_out)
{
    struct top_cache *tc = &v->top[w];

    if (!tc->valid) {
        tc->len = (uint32_t)top_select(v, w, GZ_VIEWS_TOP_CACHED, tc->slot);
        tc->valid = 1;
    }
    size_t len = n < tc->len ? n : tc->len;
    for (size_t i = 0; i < len; i++)
        ids_out[i] = v->id[tc->slot[i]];
    return len;
}

static size_t top_scan(struct gz_views *v, enum gz_window w, size_t n, int64_t *ids_out)
{
    size_t m = n < v->nart ? n : v->nart;

    if (m == 0)
        return 0;
    uint32_t *best = gz_xmalloc(m * sizeof(*best));
    size_t len = top_select(v, w, m, best);
    for (size_t i = 0; i < len; i++)
        ids_out[i] = v->id[best[i]];
    free(best);
    return len;
}

size_t gz_views_top(struct gz_views *v, enum gz_window w, size_t n, int64_t *ids_out)
{
    if (!window_valid(w) || n == 0)
        return 0;
    if (n <= GZ_VIEWS_TOP_CACHED)
        return top_cached(v, w, n, ids_out);
    return top_scan(v, w, n, ids_out);
}

/* ---- life cycle ------------------------------------------------------- */

struct gz_views *gz_views_new(int64_t now_hour)
{
    struct gz_views *v = gz_xcalloc(1, sizeof(*v));

    v->now = now_hour;
    articles_grow(v);
    v->index_cap = INDEX_MIN_CAP;
    v->index = gz_xcalloc(v->index_cap, sizeof(*v->index));
    return v;
}

void gz_views_free(struct gz_views *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < GZ_VIEWS_RING_HOURS; i++)
        free(v->ring[i].cell);
    free(v->index);
    free(v->id);
    for (int w = 0; w < GZ_WINDOW_COUNT; w++)
        free(v->count[w]);
    free(v);
}

int64_t gz_views_now_hour(const struct gz_views *v)
{
    return v->now;
}

size_t gz_views_memory(const struct gz_views *v)
{
    size_t per_article = sizeof(*v->id) + GZ_WINDOW_COUNT * sizeof(uint64_t);
    size_t bytes = sizeof(*v) + (size_t)v->art_cap * per_article +
                   (size_t)v->index_cap * sizeof(*v->index);

    for (size_t i = 0; i < GZ_VIEWS_RING_HOURS; i++)
        bytes += (size_t)v->ring[i].cap * sizeof(struct hour_entry);
    return bytes;
}

/* ---- counting --------------------------------------------------------- */

/* Subtracts one hour's bucket from window w's sums: the hour left it. */
static void window_drop_hour(struct gz_views *v, enum gz_window w, int64_t hour)
{
    struct hour_bucket *b = bucket_of(v, hour);

    if (b == NULL)
        return;
    for (uint32_t i = 0; i < b->cap; i++) {
        const struct hour_entry *e = &b->cell[i];
        if (e->slot1 != 0)
            v->count[w][e->slot1 - 1] -= e->count;
    }
}

void gz_views_advance(struct gz_views *v, int64_t now_hour)
{
    if (now_hour <= v->now)
        return;
    /* Only hours that had data can leave a window: those in
     * (now - L, min(now_hour - L, now)], i.e. min(gap, L) of them. */
    uint64_t gap = (uint64_t)now_hour - (uint64_t)v->now;
    for (int w = GZ_WINDOW_24H; w < GZ_WINDOW_COUNT; w++) {
        int64_t hours = windows[w].hours;
        int64_t leaving = gap < (uint64_t)hours ? (int64_t)gap : hours;
        for (int64_t h = v->now - hours + 1; h <= v->now - hours + leaving; h++)
            window_drop_hour(v, (enum gz_window)w, h);
        top_invalidate(v, (enum gz_window)w);
    }
    /* Then free the buckets that fell out of the ring (the 30-day window
     * above has just stopped counting them). */
    int64_t leaving = gap < GZ_VIEWS_RING_HOURS ? (int64_t)gap : GZ_VIEWS_RING_HOURS;
    for (int64_t h = v->now - GZ_VIEWS_RING_HOURS + 1;
         h <= v->now - GZ_VIEWS_RING_HOURS + leaving; h++) {
        struct hour_bucket *b = bucket_of(v, h);
        if (b != NULL)
            bucket_clear(b);
    }
    v->now = now_hour;
}

/* Adds views of one hour to its bucket and to the windows holding it. */
static void add_hour(struct gz_views *v, uint32_t slot, int64_t hour, uint64_t count)
{
    if (hour <= v->now - GZ_VIEWS_RING_HOURS)
        return; /* too old for any window */
    struct hour_bucket *b = ring_at(v, hour);
    if (b->len == 0)
        b->hour = hour;
    /* advance() frees every bucket that leaves the ring, so a bucket with
     * entries always belongs to the live hour mapped to it. */
    assert(b->hour == hour);
    uint64_t added = bucket_add(b, slot, count);
    for (int w = GZ_WINDOW_24H; w < GZ_WINDOW_COUNT; w++) {
        if (hour > v->now - windows[w].hours) {
            v->count[w][slot] += added;
            top_bump(v, (enum gz_window)w, slot);
        }
    }
}

static void add_total(struct gz_views *v, uint32_t slot, uint64_t count)
{
    v->count[GZ_WINDOW_ALL][slot] += count;
    top_bump(v, GZ_WINDOW_ALL, slot);
}

void gz_views_add(struct gz_views *v, int64_t id, int64_t hour, uint64_t count)
{
    if (id < 1 || count == 0)
        return;
    gz_views_advance(v, hour);
    uint32_t slot = slot_get(v, id);
    add_total(v, slot, count);
    add_hour(v, slot, hour, count);
}

void gz_views_load_total(struct gz_views *v, int64_t id, uint64_t count)
{
    if (id < 1 || count == 0)
        return;
    add_total(v, slot_get(v, id), count);
}

void gz_views_load_hour(struct gz_views *v, int64_t id, int64_t hour, uint64_t count)
{
    if (id < 1 || count == 0)
        return;
    gz_views_advance(v, hour);
    add_hour(v, slot_get(v, id), hour, count);
}

uint64_t gz_views_count(const struct gz_views *v, enum gz_window w, int64_t id)
{
    if (!window_valid(w))
        return 0;
    int64_t slot = slot_find(v, id);
    return slot < 0 ? 0 : win_count(v, w, (uint32_t)slot);
}

uint64_t gz_views_hour_count(const struct gz_views *v, int64_t id, int64_t hour)
{
    int64_t slot = slot_find(v, id), i = hour % GZ_VIEWS_RING_HOURS;
    const struct hour_bucket *b = &v->ring[i < 0 ? i + GZ_VIEWS_RING_HOURS : i];
    if (slot < 0 || b->len == 0 || b->hour != hour)
        return 0;
    const struct hour_entry *e = bucket_cell(b, (uint32_t)slot + 1);
    return e->slot1 ? e->count : 0;
}

void gz_views_forget(struct gz_views *v, int64_t id)
{
    int64_t slot = slot_find(v, id);

    if (slot < 0)
        return;
    for (int w = 0; w < GZ_WINDOW_COUNT; w++)
        v->count[w][slot] = 0;
    /* Zero (rather than remove) its hourly counts, so that the hours leaving
     * a window later subtract nothing from the now-zero sums. */
    for (size_t i = 0; i < GZ_VIEWS_RING_HOURS; i++) {
        struct hour_bucket *b = &v->ring[i];
        if (b->len == 0)
            continue;
        struct hour_entry *e = bucket_cell(b, (uint32_t)slot + 1);
        if (e->slot1 != 0)
            e->count = 0;
    }
    for (int w = 0; w < GZ_WINDOW_COUNT; w++)
        top_invalidate(v, (enum gz_window)w);
}
