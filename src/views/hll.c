/* HyperLogLog, p = 14 (see hll.h for the format and the numbers).
 *
 * In memory a sketch is either
 *   - sparse: a sorted array of uint32 entries (index << 6) | value, one per
 *     register that is not zero, the same entries the serialized sparse
 *     form holds; or
 *   - dense: the 12,288 bytes of packed six-bit registers, laid out exactly
 *     as the serialized dense form, so serializing is a copy.
 * A sparse sketch turns dense when a new entry would make its array larger
 * than the dense registers (more than SPARSE_MAX entries); a dense sketch
 * never turns back. The serialized form does not depend on that history:
 * it is sparse exactly when at most SPARSE_MAX registers are set, so the
 * same registers always give the same bytes (a merge of two halves
 * serializes like the sketch of the whole). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "views/hll.h"

#define VERSION 1
#define FORM_SPARSE 0
#define FORM_DENSE 1
#define HEADER 2
#define REG_BYTES (GZ_HLL_DENSE_BYTES - HEADER) /* 12,288 */
#define MAX_VALUE (64 - GZ_HLL_P + 1)           /* 51: all 50 bits zero */
/* Past this many entries the sparse array (4 bytes each) would be larger
 * than the dense registers. */
#define SPARSE_MAX (REG_BYTES / 4) /* 3,072 */

/* Owner: whoever called gz_hll_new; one thread at a time. */
struct gz_hll {
    uint32_t *sparse; /* sorted entries, or NULL once dense */
    size_t n;         /* entries in sparse */
    size_t cap;       /* capacity of sparse, in entries */
    uint8_t *regs;    /* REG_BYTES packed registers when dense, else NULL */
    size_t nonzero;   /* registers that are not zero (either form) */
};

static uint32_t entry_index(uint32_t e)
{
    return e >> 6;
}

static unsigned entry_value(uint32_t e)
{
    return e & 63;
}

static uint32_t make_entry(uint32_t index, unsigned value)
{
    return index << 6 | value;
}

/* Register i occupies bits 6i .. 6i+5, little-endian: it starts at bit
 * 6i % 8 (0, 2, 4 or 6) of byte 6i / 8 and spills into the next byte when
 * that start is past bit 2. */
static unsigned reg_get(const uint8_t *regs, uint32_t i)
{
    size_t bit = (size_t)i * 6, byte = bit / 8;
    unsigned shift = bit % 8, v = regs[byte] >> shift;
    if (shift > 2)
        v |= (unsigned)regs[byte + 1] << (8 - shift);
    return v & 63;
}

static void reg_set(uint8_t *regs, uint32_t i, unsigned value)
{
    size_t bit = (size_t)i * 6, byte = bit / 8;
    unsigned shift = bit % 8;
    unsigned word = regs[byte] | (shift > 2 ? (unsigned)regs[byte + 1] << 8 : 0);
    word = (word & ~(63u << shift)) | (value << shift);
    regs[byte] = (uint8_t)word;
    if (shift > 2)
        regs[byte + 1] = (uint8_t)(word >> 8);
}

/* Raises dense register i to value; keeps the count of set registers. */
static void dense_raise(struct gz_hll *h, uint32_t i, unsigned value)
{
    unsigned old = reg_get(h->regs, i);
    if (value <= old)
        return;
    if (old == 0)
        h->nonzero++;
    reg_set(h->regs, i, value);
}

static void to_dense(struct gz_hll *h)
{
    h->regs = gz_xcalloc(1, REG_BYTES);
    for (size_t k = 0; k < h->n; k++)
        reg_set(h->regs, entry_index(h->sparse[k]), entry_value(h->sparse[k]));
    free(h->sparse);
    h->sparse = NULL;
    h->n = h->cap = 0;
}

/* First position in the sparse array whose index is >= i. */
static size_t sparse_find(const struct gz_hll *h, uint32_t i)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entry_index(h->sparse[mid]) < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void sparse_reserve(struct gz_hll *h, size_t n)
{
    if (n <= h->cap)
        return;
    size_t cap = h->cap ? h->cap : 4;
    while (cap < n)
        cap *= 2;
    if (cap > SPARSE_MAX)
        cap = SPARSE_MAX;
    h->sparse = gz_xrealloc(h->sparse, cap * sizeof *h->sparse);
    h->cap = cap;
}

/* Gives back the unused tail of the sparse array, so a sparse sketch never
 * holds more than SPARSE_MAX entries of memory. */
static void sparse_shrink(struct gz_hll *h)
{
    h->sparse = gz_xrealloc(h->sparse, h->n * sizeof *h->sparse);
    h->cap = h->n;
}

/* Raises register i to value, whichever the form. */
static void raise_register(struct gz_hll *h, uint32_t i, unsigned value)
{
    if (h->regs) {
        dense_raise(h, i, value);
        return;
    }
    size_t k = sparse_find(h, i);
    if (k < h->n && entry_index(h->sparse[k]) == i) {
        if (value > entry_value(h->sparse[k]))
            h->sparse[k] = make_entry(i, value);
        return;
    }
    if (h->n == SPARSE_MAX) {
        to_dense(h);
        dense_raise(h, i, value);
        return;
    }
    sparse_reserve(h, h->n + 1);
    memmove(h->sparse + k + 1, h->sparse + k, (h->n - k) * sizeof *h->sparse);
    h->sparse[k] = make_entry(i, value);
    h->n++;
    h->nonzero++;
}

struct gz_hll *gz_hll_new(void)
{
    return gz_xcalloc(1, sizeof(struct gz_hll));
}

void gz_hll_free(struct gz_hll *h)
{
    if (!h)
        return;
    free(h->sparse);
    free(h->regs);
    free(h);
}

void gz_hll_add(struct gz_hll *h, uint64_t hash)
{
    uint32_t index = (uint32_t)(hash >> (64 - GZ_HLL_P));
    /* The 50 low bits move to the top; the bit set just below them stops
     * the count of leading zeros at 50, so the value is at most 51. */
    uint64_t rest = hash << GZ_HLL_P | (uint64_t)1 << (GZ_HLL_P - 1);
    raise_register(h, index, (unsigned)__builtin_clzll(rest) + 1);
}

/* Merges sorted, index-unique entries into dst. Into a sparse dst this is
 * one pass over both lists, so merging many small sketches stays linear. */
static void merge_entries(struct gz_hll *dst, const uint32_t *src, size_t n)
{
    if (dst->regs) {
        for (size_t k = 0; k < n; k++)
            dense_raise(dst, entry_index(src[k]), entry_value(src[k]));
        return;
    }
    size_t cap = dst->n + n;
    uint32_t *out = gz_xmalloc(cap * sizeof *out);
    size_t a = 0, b = 0, len = 0;
    while (a < dst->n || b < n) {
        uint32_t x = a < dst->n ? dst->sparse[a] : UINT32_MAX;
        uint32_t y = b < n ? src[b] : UINT32_MAX;
        if (entry_index(x) == entry_index(y)) {
            out[len++] = x > y ? x : y;
            a++, b++;
        } else if (x < y) {
            out[len++] = x, a++;
        } else {
            out[len++] = y, b++;
        }
    }
    free(dst->sparse);
    dst->sparse = out;
    dst->n = dst->nonzero = len;
    dst->cap = cap;
    if (len > SPARSE_MAX)
        to_dense(dst);
    else if (cap > SPARSE_MAX)
        sparse_shrink(dst);
}

static void merge_dense(struct gz_hll *dst, const uint8_t *regs)
{
    if (!dst->regs)
        to_dense(dst);
    for (uint32_t i = 0; i < GZ_HLL_REGISTERS; i++) {
        unsigned v = reg_get(regs, i);
        if (v)
            dense_raise(dst, i, v);
    }
}

void gz_hll_merge(struct gz_hll *dst, const struct gz_hll *src)
{
    if (dst == src)
        return;
    if (src->regs)
        merge_dense(dst, src->regs);
    else if (src->n)
        merge_entries(dst, src->sparse, src->n);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Entries strictly increasing by register index (which also rules out two
 * entries for one register), values 1..51, indexes below 16,384. */
static int sparse_valid(const uint8_t *p, size_t n)
{
    uint32_t prev_index = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t e = load_le32(p + 4 * k);
        if (entry_index(e) >= GZ_HLL_REGISTERS || entry_value(e) < 1 ||
            entry_value(e) > MAX_VALUE)
            return 0;
        if (k > 0 && entry_index(e) <= prev_index)
            return 0;
        prev_index = entry_index(e);
    }
    return 1;
}

static int dense_valid(const uint8_t *regs)
{
    for (uint32_t i = 0; i < GZ_HLL_REGISTERS; i++)
        if (reg_get(regs, i) > MAX_VALUE)
            return 0;
    return 1;
}

int gz_hll_merge_bytes(struct gz_hll *dst, const void *bytes, size_t len)
{
    const uint8_t *p = bytes;
    if (!dst || !p || len < HEADER || p[0] != VERSION)
        return GZ_EINVAL;
    if (p[1] == FORM_DENSE) {
        /* Validate everything before touching dst. */
        if (len != GZ_HLL_DENSE_BYTES || !dense_valid(p + HEADER))
            return GZ_EINVAL;
        merge_dense(dst, p + HEADER);
        return GZ_OK;
    }
    if (p[1] != FORM_SPARSE || (len - HEADER) % 4 != 0)
        return GZ_EINVAL;
    size_t n = (len - HEADER) / 4;
    if (n > GZ_HLL_REGISTERS || !sparse_valid(p + HEADER, n))
        return GZ_EINVAL;
    if (n == 0)
        return GZ_OK;
    uint32_t *entries = gz_xmalloc(n * sizeof *entries);
    for (size_t k = 0; k < n; k++)
        entries[k] = load_le32(p + HEADER + 4 * k);
    merge_entries(dst, entries, n);
    free(entries);
    return GZ_OK;
}

/* alpha_m of the HyperLogLog paper, for m >= 128. */
static double alpha(double m)
{
    return 0.7213 / (1.0 + 1.079 / m);
}

uint64_t gz_hll_estimate(const struct gz_hll *h)
{
    if (h->nonzero == 0)
        return 0;
    const double m = GZ_HLL_REGISTERS;
    double sum = 0;
    if (h->regs) {
        for (uint32_t i = 0; i < GZ_HLL_REGISTERS; i++)
            sum += ldexp(1.0, -(int)reg_get(h->regs, i));
    } else {
        sum = (double)(GZ_HLL_REGISTERS - h->n); /* empty registers: 2^-0 */
        for (size_t k = 0; k < h->n; k++)
            sum += ldexp(1.0, -(int)entry_value(h->sparse[k]));
    }
    double estimate = alpha(m) * m * m / sum;
    size_t empty = GZ_HLL_REGISTERS - h->nonzero;
    /* Small range: linear counting over the empty registers is far more
     * precise than the harmonic mean there. No large-range correction: with
     * 64-bit hashes collisions only matter past 10^18. */
    if (estimate <= 2.5 * m && empty > 0)
        estimate = m * log(m / (double)empty);
    return (uint64_t)(estimate + 0.5);
}

int gz_hll_is_empty(const struct gz_hll *h)
{
    return h->nonzero == 0;
}

static void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

void gz_hll_serialize(const struct gz_hll *h, uint8_t **out, size_t *len)
{
    int dense = h->nonzero > SPARSE_MAX;
    size_t n = dense ? GZ_HLL_DENSE_BYTES : HEADER + 4 * h->nonzero;
    uint8_t *p = gz_xmalloc(n);
    p[0] = VERSION;
    p[1] = dense ? FORM_DENSE : FORM_SPARSE;
    if (dense) {
        memcpy(p + HEADER, h->regs, REG_BYTES); /* dense in memory too */
    } else if (h->regs) {
        /* A dense sketch with few registers set (merged from a dense form
         * that was not ours) still serializes sparse: one form per sketch. */
        size_t k = 0;
        for (uint32_t i = 0; i < GZ_HLL_REGISTERS; i++) {
            unsigned v = reg_get(h->regs, i);
            if (v)
                store_le32(p + HEADER + 4 * k++, make_entry(i, v));
        }
    } else {
        for (size_t k = 0; k < h->n; k++)
            store_le32(p + HEADER + 4 * k, h->sparse[k]);
    }
    *out = p;
    *len = n;
}

size_t gz_hll_memory(const struct gz_hll *h)
{
    return sizeof *h + h->cap * sizeof *h->sparse + (h->regs ? REG_BYTES : 0);
}
