/* Per-thread view counters: the hot path of "most viewed".
 *
 * Each event-loop thread owns one struct gz_counters and is its ONLY writer.
 * Counting a view is a relaxed atomic load and store of one uint64 (no lock,
 * no read-modify-write, no lock prefix): a single writer cannot race with
 * itself, and the relaxed atomics only keep the reader's loads untorn.
 *
 * Counts are monotonic and never reset. The flusher thread, the only reader,
 * keeps a struct gz_counters_snapshot per gz_counters holding the last value
 * it saw for every id, and gz_counters_collect() reports the difference. As a
 * count only grows and each load returns some value the writer stored, every
 * hit is reported exactly once: either in this collect or in a later one.
 *
 * Storage is a two-level table indexed by article id: a fixed top-level
 * array of GZ_COUNTERS_CHUNKS chunk pointers, each chunk holding
 * GZ_COUNTERS_CHUNK_IDS counts. A chunk is allocated by the writer the first
 * time one of its ids is hit and published with a release store; the reader
 * loads the pointer with acquire, so it sees the zeroed chunk, never garbage.
 * Ids outside [1, GZ_COUNTERS_ID_LIMIT) are not counted per id; they only
 * bump the `dropped` counter.
 */
#ifndef GZ_VIEWS_COUNTERS_H
#define GZ_VIEWS_COUNTERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define GZ_COUNTERS_CHUNK_BITS 12
#define GZ_COUNTERS_TOP_BITS 12
#define GZ_COUNTERS_CHUNK_IDS ((size_t)1 << GZ_COUNTERS_CHUNK_BITS) /* 4096 */
#define GZ_COUNTERS_CHUNKS ((size_t)1 << GZ_COUNTERS_TOP_BITS)      /* 4096 */
/* Ids up to (not including) 2^24 are counted. */
#define GZ_COUNTERS_ID_LIMIT                                                             \
    ((int64_t)1 << (GZ_COUNTERS_CHUNK_BITS + GZ_COUNTERS_TOP_BITS))

/* A relaxed 64-bit load/store must be a plain move, or the hot path is not
 * lock-free. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

struct gz_counters_chunk {
    _Atomic uint64_t count[GZ_COUNTERS_CHUNK_IDS];
};

/* Owned by the event-loop thread that writes it; freed by whoever created it
 * once neither the writer nor the flusher uses it any more. */
struct gz_counters {
    _Atomic(struct gz_counters_chunk *) chunk[GZ_COUNTERS_CHUNKS];
    _Atomic uint64_t dropped; /* hits on ids outside [1, GZ_COUNTERS_ID_LIMIT) */
};

/* The flusher's memory of what it has already reported for one gz_counters.
 * Opaque; owned by the flusher. */
struct gz_counters_snapshot;

/* Creates an empty counter table (about 32 KB; chunks come later, 32 KB each).
 * Never returns NULL (allocation failure aborts). */
struct gz_counters *gz_counters_new(void);

/* Frees the table and its chunks. No thread may write or collect it any more. */
void gz_counters_free(struct gz_counters *c);

/* Slow path of gz_counters_hit: allocates chunk number `top`, publishes it
 * (release) and returns it. Writer thread only. */
struct gz_counters_chunk *gz_counters_chunk_add(struct gz_counters *c, size_t top);

/* Counts one view of article_id. Writer thread only; a few nanoseconds. */
static inline void gz_counters_hit(struct gz_counters *c, int64_t article_id)
{
    _Atomic uint64_t *slot;

    if (__builtin_expect(article_id < 1 || article_id >= GZ_COUNTERS_ID_LIMIT, 0)) {
        slot = &c->dropped;
    } else {
        size_t id = (size_t)article_id;
        size_t top = id >> GZ_COUNTERS_CHUNK_BITS;
        /* Relaxed is enough here: only this thread ever stores the pointer. */
        struct gz_counters_chunk *chunk =
            atomic_load_explicit(&c->chunk[top], memory_order_relaxed);
        if (__builtin_expect(chunk == NULL, 0))
            chunk = gz_counters_chunk_add(c, top);
        slot = &chunk->count[id & (GZ_COUNTERS_CHUNK_IDS - 1)];
    }
    atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

/* Total hits ever dropped for an out-of-range id (monotonic; any thread). */
uint64_t gz_counters_dropped(const struct gz_counters *c);

/* Snapshot of what has been reported so far: starts at "nothing reported".
 * One per gz_counters, owned and used by the flusher thread only. */
struct gz_counters_snapshot *gz_counters_snapshot_new(void);
void gz_counters_snapshot_free(struct gz_counters_snapshot *snap);

/* Calls cb(ctx, id, delta) for every id whose count grew since the previous
 * collect with this snapshot (delta > 0, ids in increasing order), then
 * remembers the new values. Flusher thread only; runs concurrently with the
 * writer without blocking it. Hits that land during the call are reported
 * now or by the next collect, never twice, never lost. */
void gz_counters_collect(struct gz_counters *c, struct gz_counters_snapshot *snap,
                         void (*cb)(void *ctx, int64_t id, uint64_t delta), void *ctx);

#endif
