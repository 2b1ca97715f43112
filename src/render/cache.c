#include "render/cache.h"

#include <brotli/encode.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- pages ---------------------------------------------------------------- */

static int gzip_bytes(const char *in, size_t len, struct gz_str *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip wrapper, which is what Content-Encoding: gzip means. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return GZ_ERR;
    size_t cap = deflateBound(&z, len);
    char *buf = gz_xmalloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return GZ_ERR;
    }
    out->p = buf;
    out->len = n;
    return GZ_OK;
}

static int brotli_bytes(const char *in, size_t len, struct gz_str *out)
{
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    if (cap == 0)
        return GZ_ERR;
    char *buf = gz_xmalloc(cap);
    size_t n = cap;
    /* Quality 5 compresses a 20 KB page in well under a millisecond and still
     * beats gzip -6; pages are re-rendered at most about once a second. */
    if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len,
                               (const uint8_t *)in, &n, (uint8_t *)buf)) {
        free(buf);
        return GZ_ERR;
    }
    out->p = buf;
    out->len = n;
    return GZ_OK;
}

/* Keeps a compressed variant only when it is smaller than the page. */
static struct gz_str variant(int (*compress)(const char *, size_t, struct gz_str *),
                             const char *bytes, size_t len)
{
    struct gz_str v = {NULL, 0};
    if (compress(bytes, len, &v) == GZ_OK && v.len >= len) {
        free((void *)v.p);
        v = (struct gz_str){NULL, 0};
    }
    return v;
}

struct gz_page *gz_page_new(const char *key, size_t key_len, int status,
                            const char *content_type, const char *bytes, size_t len,
                            int compress)
{
    struct gz_str gz = {NULL, 0}, br = {NULL, 0};
    if (compress) {
        gz = variant(gzip_bytes, bytes, len);
        br = variant(brotli_bytes, bytes, len);
    }
    /* One allocation for the page, its key and every variant: pages come and
     * go all day, and one block per page keeps the heap from fragmenting. */
    struct gz_page *p = gz_xcalloc(1, sizeof(*p) + key_len + 1 + len + 1 + gz.len + br.len);
    char *at = (char *)(p + 1);
    atomic_init(&p->refs, 1);
    p->key = memcpy(at, key, key_len);
    p->key[key_len] = '\0';
    at += key_len + 1;
    p->key_len = key_len;
    p->hash = gz_hash(key, key_len);
    p->status = status;
    p->content_type = content_type;
    struct gz_str src[GZ_ENC_COUNT] = {{bytes, len}, gz, br};
    for (int i = 0; i < GZ_ENC_COUNT; i++) {
        if (!src[i].p)
            continue;
        p->body[i].p = memcpy(at, src[i].p, src[i].len);
        p->body[i].len = src[i].len;
        at += src[i].len + (i == GZ_ENC_IDENTITY); /* the page stays a C string */
    }
    free((void *)gz.p);
    free((void *)br.p);
    uint64_t h = gz_hash(bytes, len);
    /* Weak: the gzip and brotli variants are the same page, so one tag
     * stands for all three (as nginx does when it compresses). */
    int n = snprintf(p->etag, sizeof p->etag, "W/\"%016llx\"", (unsigned long long)h);
    p->etag_len = (size_t)n;
    return p;
}

void gz_page_ref(struct gz_page *p)
{
    atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void gz_page_unref(struct gz_page *p)
{
    if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
        free(p); /* key and bodies live in the same block */
}

static size_t page_bytes(const struct gz_page *p)
{
    size_t n = sizeof(*p) + p->key_len + 1;
    for (int i = 0; i < GZ_ENC_COUNT; i++)
        n += p->body[i].len;
    return n;
}

/* ---- the table ------------------------------------------------------------
 * Open addressing with linear probing, at most half full. Readers see a slot
 * either empty or holding a complete page. Inserting into a free slot and
 * replacing a page are single atomic stores; removing pages builds a new
 * table and retires the old one, so there are no tombstones. */

struct table {
    size_t mask;
    size_t count;
    size_t bytes;
    _Atomic(struct gz_page *) slots[];
};

struct gz_cache {
    _Atomic(struct table *) table;
    pthread_mutex_t lock; /* writers only */
    struct gz_qsbr *qsbr;
    size_t max_bytes;
};

static struct table *table_new(size_t cap)
{
    struct table *t = gz_xcalloc(1, sizeof(*t) + cap * sizeof(t->slots[0]));
    t->mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        atomic_init(&t->slots[i], NULL);
    return t;
}

static void retire_page(void *p)
{
    gz_page_unref(p);
}

struct gz_cache *gz_cache_new(struct gz_qsbr *qsbr, size_t max_bytes)
{
    struct gz_cache *c = gz_xcalloc(1, sizeof(*c));
    atomic_init(&c->table, table_new(1024));
    pthread_mutex_init(&c->lock, NULL);
    c->qsbr = qsbr;
    c->max_bytes = max_bytes;
    return c;
}

void gz_cache_free(struct gz_cache *c)
{
    if (!c)
        return;
    struct table *t = atomic_load(&c->table);
    for (size_t i = 0; i <= t->mask; i++) {
        struct gz_page *p = atomic_load(&t->slots[i]);
        if (p)
            gz_page_unref(p);
    }
    free(t);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

struct gz_page *gz_cache_get(struct gz_cache *c, const char *key, size_t len,
                             uint64_t hash)
{
    struct table *t = atomic_load_explicit(&c->table, memory_order_acquire);
    for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        struct gz_page *p = atomic_load_explicit(&t->slots[i], memory_order_acquire);
        if (!p)
            return NULL;
        if (p->hash == hash && p->key_len == len && memcmp(p->key, key, len) == 0)
            return p;
    }
}

/* Places p in t; returns the page it replaced (or NULL). Writers only. */
static struct gz_page *table_place(struct table *t, struct gz_page *p)
{
    for (size_t i = p->hash & t->mask;; i = (i + 1) & t->mask) {
        struct gz_page *old = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
        if (!old) {
            atomic_store_explicit(&t->slots[i], p, memory_order_release);
            t->count++;
            t->bytes += page_bytes(p);
            return NULL;
        }
        if (old->hash == p->hash && old->key_len == p->key_len &&
            memcmp(old->key, p->key, p->key_len) == 0) {
            atomic_store_explicit(&t->slots[i], p, memory_order_release);
            t->bytes += page_bytes(p) - page_bytes(old);
            return old;
        }
    }
}

/* Builds a table of capacity cap holding the pages of t that keep() accepts;
 * the others are retired. Publishes it and retires t. Writers only. */
static void rebuild(struct gz_cache *c, struct table *t, size_t cap,
                    int (*keep)(const struct gz_page *, int64_t, size_t), int64_t arg)
{
    struct table *n = table_new(cap);
    size_t seen = 0;
    for (size_t i = 0; i <= t->mask; i++) {
        struct gz_page *p = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
        if (!p)
            continue;
        if (keep(p, arg, seen++))
            table_place(n, p);
        else
            gz_qsbr_retire(c->qsbr, p, retire_page);
    }
    atomic_store_explicit(&c->table, n, memory_order_release);
    gz_qsbr_retire(c->qsbr, t, free);
}

static int keep_all(const struct gz_page *p, int64_t arg, size_t index)
{
    return 1;
}

/* Eviction when over budget: drop every fourth page. Crude but O(n), and a
 * page dropped by mistake costs one re-render. Dropping only a quarter keeps
 * the memory waiting for its grace period (up to one flush) small. */
static int keep_three_quarters(const struct gz_page *p, int64_t arg, size_t index)
{
    return index % 4 != 3;
}

static int keep_unless_matches(const struct gz_page *p, int64_t article_id, size_t index)
{
    if (article_id < 0)
        return 0;
    return p->article_id != article_id;
}

void gz_cache_put(struct gz_cache *c, struct gz_page *p)
{
    pthread_mutex_lock(&c->lock);
    struct table *t = atomic_load_explicit(&c->table, memory_order_relaxed);
    if (t->bytes + page_bytes(p) > c->max_bytes && t->count > 0) {
        rebuild(c, t, t->mask + 1, keep_three_quarters, 0);
        t = atomic_load_explicit(&c->table, memory_order_relaxed);
    }
    if ((t->count + 1) * 2 > t->mask + 1) {
        rebuild(c, t, (t->mask + 1) * 2, keep_all, 0);
        t = atomic_load_explicit(&c->table, memory_order_relaxed);
    }
    struct gz_page *old = table_place(t, p);
    pthread_mutex_unlock(&c->lock);
    if (old)
        gz_qsbr_retire(c->qsbr, old, retire_page);
}

void gz_cache_drop(struct gz_cache *c, int64_t article_id)
{
    pthread_mutex_lock(&c->lock);
    struct table *t = atomic_load_explicit(&c->table, memory_order_relaxed);
    rebuild(c, t, t->mask + 1, keep_unless_matches, article_id);
    pthread_mutex_unlock(&c->lock);
}

size_t gz_cache_count(struct gz_cache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = atomic_load_explicit(&c->table, memory_order_relaxed)->count;
    pthread_mutex_unlock(&c->lock);
    return n;
}

size_t gz_cache_bytes(struct gz_cache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = atomic_load_explicit(&c->table, memory_order_relaxed)->bytes;
    pthread_mutex_unlock(&c->lock);
    return n;
}
