/* Page cache: rendered pages kept in memory with precompressed gzip and
 * brotli variants and an ETag, shared by every event loop.
 *
 * Readers (event-loop threads) look pages up without locks: the table and the
 * pages in it are immutable once published, replaced by pointer swaps, and
 * freed only after a QSBR grace period (core/qsbr.h) or, for a page still
 * being sent, when its last reference is released. Writers (a thread that
 * just rendered a page, the flusher invalidating) serialise on a mutex.
 *
 * A page is valid while its blocks_version equals the site's current one;
 * the caller compares, so the cache itself knows nothing of versions. */
#ifndef GZ_CACHE_H
#define GZ_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/qsbr.h"

enum gz_encoding {
    GZ_ENC_IDENTITY = 0,
    GZ_ENC_GZIP = 1,
    GZ_ENC_BROTLI = 2,
    GZ_ENC_COUNT
};

/* One rendered page. Owned by its references: the cache holds one, each
 * response in flight holds one. Immutable after gz_page_new(). */
struct gz_page {
    _Atomic long refs;
    uint64_t hash;
    char *key;
    size_t key_len;
    int64_t article_id; /* 0 for pages that are not an article */
    uint64_t blocks_version; /* the version it was rendered at (see content_only) */
    int content_only;        /* 1: its version is the site's content version, not
                                the blocks version: a page that shows no blocks
                                (a feed, a sitemap) stays fresh when only Most
                                viewed changed */
    int status;
    const char *content_type; /* static string */
    char etag[24];            /* weak, e.g. W/"1f2e3d4c5b6a7980" */
    size_t etag_len;
    int64_t last_modified;    /* Unix seconds sent as Last-Modified (and
                                 compared with If-Modified-Since); 0: none */
    struct gz_str body[GZ_ENC_COUNT]; /* a variant is {NULL,0} when it was not
                                         smaller than identity; the identity
                                         body is NUL-terminated */
};

/* Builds a page from rendered bytes (copied), with compressed variants
 * (compress = 0 skips them). Returns a page holding one reference. */
struct gz_page *gz_page_new(const char *key, size_t key_len, int status,
                            const char *content_type, const char *bytes, size_t len,
                            int compress);
void gz_page_ref(struct gz_page *p);
void gz_page_unref(struct gz_page *p);


struct gz_cache;

/* A cache holding at most about max_bytes of pages (keys, bodies and
 * variants counted). */
struct gz_cache *gz_cache_new(struct gz_qsbr *qsbr, size_t max_bytes);
void gz_cache_free(struct gz_cache *c);
/* Lock-free lookup. The page is borrowed: valid until the calling reader's
 * next quiescent state; take a reference to keep it longer. NULL if absent. */
struct gz_page *gz_cache_get(struct gz_cache *c, const char *key, size_t len,
                             uint64_t hash);
/* Inserts or replaces the page with the same key; the cache takes over the
 * caller's reference. When the cache is full, the whole table is dropped
 * (pages are cheap to re-render; a bounded table keeps memory flat). */
void gz_cache_put(struct gz_cache *c, struct gz_page *p);
/* Drops pages of the given article (article_id > 0), or every page that is
 * not an article (article_id == 0), or everything (article_id < 0). */
void gz_cache_drop(struct gz_cache *c, int64_t article_id);
size_t gz_cache_count(struct gz_cache *c);
/* Bytes of the pages in the cache, as counted against max_bytes. */
size_t gz_cache_bytes(struct gz_cache *c);

#endif
