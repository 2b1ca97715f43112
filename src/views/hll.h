/* HyperLogLog: how many distinct readers, in a few kilobytes.
 *
 * A sketch of precision p = 14: 16,384 six-bit registers, standard error
 * 1.04 / sqrt(16384) = 0.81%. A register keeps the longest run of leading
 * zero bits (plus one) seen among the hashes that chose it. The estimate is
 * the harmonic mean of 2^register, bias-corrected; small cardinalities use
 * linear counting over the empty registers (exact to within a few readers
 * below a few thousand).
 *
 * Sketches start sparse (a sorted list of register updates, a few bytes
 * per distinct reader) and turn dense when the list would outgrow the
 * dense form, so the daily sketch of an article read by three people takes
 * a dozen bytes, not 12 KB.
 *
 * Input is a 64-bit hash that is already uniformly distributed (a keyed
 * hash of the reader, gz_readers_id()); the sketch does not hash again.
 *
 * Serialized form (stored in the database, carried by export json):
 *   byte 0: format version, 1
 *   byte 1: 0 sparse, 1 dense
 *   sparse: then uint32 little-endian entries, strictly increasing,
 *           each (register index << 6) | value, value 1..51
 *   dense:  then 12,288 bytes: the 16,384 six-bit registers packed
 *           little-endian (register i in bits 6i .. 6i+5)
 * Any other bytes are refused by gz_hll_merge_bytes with GZ_EINVAL.
 * gz_hll_serialize writes the sparse form exactly when at most 3,072
 * registers are set (2 + 4 * 3,072 = 12,290 bytes, the size of the dense
 * form), so sketches with equal registers give equal bytes, however they
 * were built. A sketch in memory turns dense at the same point.
 *
 * Not thread-safe: a sketch belongs to one thread at a time. */
#ifndef GZ_VIEWS_HLL_H
#define GZ_VIEWS_HLL_H

#include <stddef.h>
#include <stdint.h>

#define GZ_HLL_P 14
#define GZ_HLL_REGISTERS (1u << GZ_HLL_P)
/* Bytes of the dense serialized form, header included. */
#define GZ_HLL_DENSE_BYTES (2 + GZ_HLL_REGISTERS * 6 / 8)

struct gz_hll;

/* A new empty (sparse) sketch. Never returns NULL (allocation failure
 * aborts, as gz_xmalloc). */
struct gz_hll *gz_hll_new(void);
void gz_hll_free(struct gz_hll *h);

/* Adds one hashed element. Adding the same hash again changes nothing. */
void gz_hll_add(struct gz_hll *h, uint64_t hash);

/* dst becomes the union of dst and src (register-wise maximum). */
void gz_hll_merge(struct gz_hll *dst, const struct gz_hll *src);

/* Merges a serialized sketch into dst. GZ_OK, or GZ_EINVAL (dst unchanged)
 * for bytes that are not a sketch of this format. */
int gz_hll_merge_bytes(struct gz_hll *dst, const void *bytes, size_t len);

/* Estimated number of distinct hashes added (0 for an empty sketch). */
uint64_t gz_hll_estimate(const struct gz_hll *h);

/* 1 when nothing was ever added or merged in. */
int gz_hll_is_empty(const struct gz_hll *h);

/* The serialized form, in a gz_xmalloc'd buffer *out of *len bytes (the
 * caller frees it). The same sketch always gives the same bytes. */
void gz_hll_serialize(const struct gz_hll *h, uint8_t **out, size_t *len);

/* Bytes of heap the sketch uses. */
size_t gz_hll_memory(const struct gz_hll *h);

#endif
