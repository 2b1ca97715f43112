/* Per-thread view counters; see counters.h for the concurrency contract. */
#include "views/counters.h"

#include <stdlib.h>

#include "core/core.h"

/* What the flusher has reported so far, per id: seen[top][low] mirrors
 * chunk[top]->count[low]. A row is allocated when its chunk first appears. */
struct gz_counters_snapshot {
    uint64_t *seen[GZ_COUNTERS_CHUNKS];
};

struct gz_counters *gz_counters_new(void)
{
    /* Zeroed memory is a valid state for atomic pointers and counts on every
     * platform we build for (the static assert in the header makes sure the
     * atomics are plain words). */
    return gz_xcalloc(1, sizeof(struct gz_counters));
}

void gz_counters_free(struct gz_counters *c)
{
    if (c == NULL)
        return;
    for (size_t top = 0; top < GZ_COUNTERS_CHUNKS; top++)
        free(atomic_load_explicit(&c->chunk[top], memory_order_acquire));
    free(c);
}

struct gz_counters_chunk *gz_counters_chunk_add(struct gz_counters *c, size_t top)
{
    struct gz_counters_chunk *chunk = gz_xcalloc(1, sizeof(*chunk));

    /* Release: the reader that sees the pointer also sees the zeroed counts. */
    atomic_store_explicit(&c->chunk[top], chunk, memory_order_release);
    return chunk;
}

uint64_t gz_counters_dropped(const struct gz_counters *c)
{
    return atomic_load_explicit(&c->dropped, memory_order_relaxed);
}

struct gz_counters_snapshot *gz_counters_snapshot_new(void)
{
    return gz_xcalloc(1, sizeof(struct gz_counters_snapshot));
}

void gz_counters_snapshot_free(struct gz_counters_snapshot *snap)
{
    if (snap == NULL)
        return;
    for (size_t top = 0; top < GZ_COUNTERS_CHUNKS; top++)
        free(snap->seen[top]);
    free(snap);
}

/* Reports the growth of one chunk since the last collect. */
static void collect_chunk(struct gz_counters_chunk *chunk, uint64_t *seen, size_t top,
                          void (*cb)(void *ctx, int64_t id, uint64_t delta), void *ctx)
{
    for (size_t low = 0; low < GZ_COUNTERS_CHUNK_IDS; low++) {
        uint64_t now = atomic_load_explicit(&chunk->count[low], memory_order_relaxed);
        /* Unsigned difference: correct even if a count ever wrapped. */
        uint64_t delta = now - seen[low];
        if (delta == 0)
            continue;
        seen[low] = now;
        cb(ctx, (int64_t)((top << GZ_COUNTERS_CHUNK_BITS) | low), delta);
    }
}

void gz_counters_collect(struct gz_counters *c, struct gz_counters_snapshot *snap,
                         void (*cb)(void *ctx, int64_t id, uint64_t delta), void *ctx)
{
    for (size_t top = 0; top < GZ_COUNTERS_CHUNKS; top++) {
        struct gz_counters_chunk *chunk =
            atomic_load_explicit(&c->chunk[top], memory_order_acquire);
        if (chunk == NULL)
            continue;
        if (snap->seen[top] == NULL)
            snap->seen[top] = gz_xcalloc(GZ_COUNTERS_CHUNK_IDS, sizeof(uint64_t));
        collect_chunk(chunk, snap->seen[top], top, cb, ctx);
    }
}
