/* Fuzz target: gz_hll_merge_bytes (views/hll.h), which reads sketches back
 * from the database and from imported JSON. Beyond not crashing: bytes are
 * either refused with GZ_EINVAL and the sketch left exactly as it was, or
 * accepted; an accepted sketch serializes to its canonical form (sparse
 * while at most 3,072 registers are set, else dense), which reads back to
 * the same bytes and estimate; merging the bytes twice changes nothing;
 * and merging into a sparse or dense sketch equals merging the sketches. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "views/hll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int same(const struct gz_hll *a, const struct gz_hll *b)
{
    uint8_t *pa, *pb;
    size_t la, lb;
    gz_hll_serialize(a, &pa, &la);
    gz_hll_serialize(b, &pb, &lb);
    int eq = la == lb && memcmp(pa, pb, la) == 0;
    free(pa);
    free(pb);
    return eq;
}

static struct gz_hll *sketch(uint64_t n)
{
    struct gz_hll *h = gz_hll_new();
    uint64_t x = 0x243f6a8885a308d3u;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        gz_hll_add(h, x);
    }
    return h;
}

/* Merges data into a copy of base both ways and compares. */
static void check_into(const struct gz_hll *base, const struct gz_hll *parsed,
                       const uint8_t *data, size_t size, int rc)
{
    struct gz_hll *direct = gz_hll_new(), *before = gz_hll_new();
    gz_hll_merge(direct, base);
    gz_hll_merge(before, base);
    check(gz_hll_merge_bytes(direct, data, size) == rc);
    if (rc == GZ_OK) {
        gz_hll_merge(before, parsed);
        check(same(direct, before)); /* merge_bytes = merge of the sketch */
    } else {
        check(same(direct, before)); /* refused: unchanged */
    }
    gz_hll_free(direct);
    gz_hll_free(before);
}

static void run(const uint8_t *copy, size_t size)
{
    static struct gz_hll *sparse_base, *dense_base;
    if (!sparse_base) {
        sparse_base = sketch(200);
        dense_base = sketch(20000);
    }

    struct gz_hll *h = gz_hll_new();
    int rc = gz_hll_merge_bytes(h, copy, size);
    check(rc == GZ_OK || rc == GZ_EINVAL);
    if (rc != GZ_OK)
        check(gz_hll_is_empty(h));

    uint8_t *out;
    size_t len;
    gz_hll_serialize(h, &out, &len);
    check(len >= 2 && out[0] == 1 && out[1] <= 1);
    check(out[1] ? len == GZ_HLL_DENSE_BYTES
                 : (len - 2) % 4 == 0 && len <= GZ_HLL_DENSE_BYTES);
    check(gz_hll_is_empty(h) == (gz_hll_estimate(h) == 0));

    struct gz_hll *back = gz_hll_new();
    check(gz_hll_merge_bytes(back, out, len) == GZ_OK);
    check(same(back, h));
    check(gz_hll_estimate(back) == gz_hll_estimate(h));
    if (rc == GZ_OK) {
        check(gz_hll_merge_bytes(back, copy, size) == GZ_OK); /* idempotent */
        check(same(back, h));
    }
    check_into(sparse_base, h, copy, size, rc);
    check_into(dense_base, h, copy, size, rc);

    free(out);
    gz_hll_free(back);
    gz_hll_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so ASan sees any read past the end. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    run(copy, size);
    free(copy);
    /* fuzz/run.sh caps inputs at 4 KB, a third of a dense sketch: a short
     * input that claims the dense form is also tried zero-padded to the
     * full length, so the dense reader gets fuzzed too. */
    if (size >= 2 && size < GZ_HLL_DENSE_BYTES && data[1] == 1) {
        uint8_t *dense = calloc(1, GZ_HLL_DENSE_BYTES);
        if (!dense)
            return 0;
        memcpy(dense, data, size);
        run(dense, GZ_HLL_DENSE_BYTES);
        free(dense);
    }
    return 0;
}
