#include "core/qsbr.h"
#include "core/core.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* Each reader publishes a counter that it bumps at every quiescent state;
 * an odd sentinel (OFFLINE) means the reader is not reading at all. A
 * retired object records every reader's counter at retirement; it is safe to
 * free once each reader's counter has moved on (or the reader is offline). */
#define OFFLINE UINT64_MAX

struct reader {
    _Alignas(64) _Atomic uint64_t epoch;
};

struct retired {
    struct retired *next;
    void *p;
    void (*free_fn)(void *);
    uint64_t seen[]; /* each reader's epoch at retirement */
};

struct gz_qsbr {
    size_t nreaders;
    struct reader *readers;
    pthread_mutex_t lock;
    struct retired *list;
    _Atomic size_t pending; /* objects on list */
};

struct gz_qsbr *gz_qsbr_new(size_t nreaders)
{
    struct gz_qsbr *q = gz_xcalloc(1, sizeof(*q));
    q->nreaders = nreaders;
    q->readers = aligned_alloc(64, sizeof(struct reader) * (nreaders ? nreaders : 1));
    if (!q->readers)
        abort();
    for (size_t i = 0; i < nreaders; i++)
        atomic_init(&q->readers[i].epoch, OFFLINE);
    pthread_mutex_init(&q->lock, NULL);
    return q;
}

void gz_qsbr_free(struct gz_qsbr *q)
{
    if (!q)
        return;
    struct retired *r = q->list;
    while (r) {
        struct retired *next = r->next;
        r->free_fn(r->p);
        free(r);
        r = next;
    }
    pthread_mutex_destroy(&q->lock);
    free(q->readers);
    free(q);
}

void gz_qsbr_quiescent(struct gz_qsbr *q, size_t slot)
{
    _Atomic uint64_t *e = &q->readers[slot].epoch;
    uint64_t v = atomic_load_explicit(e, memory_order_relaxed);
    v = v == OFFLINE ? 0 : v + 1;
    if (v == OFFLINE)
        v = 0;
    /* seq_cst: loads of shared pointers after this point must not be
     * reordered before the announcement. */
    atomic_store_explicit(e, v, memory_order_seq_cst);
}

void gz_qsbr_offline(struct gz_qsbr *q, size_t slot)
{
    atomic_store_explicit(&q->readers[slot].epoch, OFFLINE, memory_order_seq_cst);
}

void gz_qsbr_retire(struct gz_qsbr *q, void *p, void (*free_fn)(void *))
{
    struct retired *r = gz_xmalloc(sizeof(*r) + q->nreaders * sizeof(uint64_t));
    r->p = p;
    r->free_fn = free_fn;
    atomic_thread_fence(memory_order_seq_cst);
    for (size_t i = 0; i < q->nreaders; i++)
        r->seen[i] = atomic_load_explicit(&q->readers[i].epoch, memory_order_seq_cst);
    pthread_mutex_lock(&q->lock);
    r->next = q->list;
    q->list = r;
    atomic_fetch_add_explicit(&q->pending, 1, memory_order_relaxed);
    pthread_mutex_unlock(&q->lock);
}

static int grace_passed(struct gz_qsbr *q, const struct retired *r)
{
    for (size_t i = 0; i < q->nreaders; i++) {
        if (r->seen[i] == OFFLINE)
            continue;
        uint64_t now = atomic_load_explicit(&q->readers[i].epoch, memory_order_seq_cst);
        if (now == r->seen[i])
            return 0;
    }
    return 1;
}

size_t gz_qsbr_reclaim(struct gz_qsbr *q)
{
    struct retired *done = NULL;
    pthread_mutex_lock(&q->lock);
    struct retired **link = &q->list;
    while (*link) {
        struct retired *r = *link;
        if (grace_passed(q, r)) {
            *link = r->next;
            r->next = done;
            done = r;
        } else {
            link = &r->next;
        }
    }
    pthread_mutex_unlock(&q->lock);
    size_t n = 0;
    while (done) {
        struct retired *next = done->next;
        done->free_fn(done->p);
        free(done);
        done = next;
        n++;
    }
    atomic_fetch_sub_explicit(&q->pending, n, memory_order_relaxed);
    return n;
}

size_t gz_qsbr_pending(struct gz_qsbr *q)
{
    return atomic_load_explicit(&q->pending, memory_order_relaxed);
}
