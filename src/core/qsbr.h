/* Quiescent-state-based reclamation: lets readers use shared, immutable
 * objects without locks or reference counts.
 *
 * Each reader thread (an event loop) calls gz_qsbr_quiescent() between
 * events, when it holds no pointer obtained from a shared structure. A writer
 * that unlinks an object hands it to gz_qsbr_retire(); the object is freed
 * by gz_qsbr_reclaim() only after every reader has passed a quiescent state
 * since the retirement, so no reader can still be looking at it.
 *
 * Readers never block; retire and reclaim take a mutex (writers only). */
#ifndef GZ_QSBR_H
#define GZ_QSBR_H

#include <stddef.h>

struct gz_qsbr;

/* nreaders reader slots, numbered 0 .. nreaders-1. */
struct gz_qsbr *gz_qsbr_new(size_t nreaders);
/* Frees everything still retired, without waiting: call only when no reader
 * runs any more. */
void gz_qsbr_free(struct gz_qsbr *q);
/* Reader `slot` holds no shared pointer now. Cheap: one relaxed load and
 * one release store. */
void gz_qsbr_quiescent(struct gz_qsbr *q, size_t slot);
/* Reader `slot` stops taking part (it will not read shared objects until it
 * calls gz_qsbr_quiescent again); it no longer holds back reclamation. */
void gz_qsbr_offline(struct gz_qsbr *q, size_t slot);
/* Schedules free_fn(p) for after a grace period. */
void gz_qsbr_retire(struct gz_qsbr *q, void *p, void (*free_fn)(void *));
/* Frees the retired objects whose grace period has passed; returns how many. */
size_t gz_qsbr_reclaim(struct gz_qsbr *q);
/* How many objects wait for their grace period (any thread; a snapshot). */
size_t gz_qsbr_pending(struct gz_qsbr *q);

#endif
