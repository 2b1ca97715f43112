/* Unit tests for src/views/hll.c: accuracy at 10^3 .. 10^6, small counts,
 * duplicates, merge (halves = whole, commutative, idempotent), the sparse
 * to dense turn, the serialized form and its refusal of malformed bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "views/hll.h"

/* A good 64-bit mixer stands in for the keyed reader hash. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static void add_range(struct gz_hll *h, uint64_t from, uint64_t to)
{
    for (uint64_t i = from; i < to; i++)
        gz_hll_add(h, splitmix64(i));
}

static struct gz_hll *sketch_of(uint64_t from, uint64_t to)
{
    struct gz_hll *h = gz_hll_new();
    add_range(h, from, to);
    return h;
}

/* Fails unless a and b serialize to the same bytes. */
static void assert_same_bytes(const struct gz_hll *a, const struct gz_hll *b)
{
    uint8_t *pa, *pb;
    size_t la, lb;
    gz_hll_serialize(a, &pa, &la);
    gz_hll_serialize(b, &pb, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(pa, pb, la);
    free(pa);
    free(pb);
}

static void test_empty(void **state)
{
    struct gz_hll *h = gz_hll_new();
    assert_true(gz_hll_is_empty(h));
    assert_int_equal(gz_hll_estimate(h), 0);
    uint8_t *p;
    size_t len;
    gz_hll_serialize(h, &p, &len);
    assert_int_equal(len, 2);
    assert_int_equal(p[0], 1);
    assert_int_equal(p[1], 0);
    /* An empty sketch merged in leaves it empty. */
    struct gz_hll *other = gz_hll_new();
    gz_hll_merge(h, other);
    assert_int_equal(gz_hll_merge_bytes(h, p, len), GZ_OK);
    assert_true(gz_hll_is_empty(h));
    gz_hll_add(h, 42);
    assert_false(gz_hll_is_empty(h));
    free(p);
    gz_hll_free(other);
    gz_hll_free(h);
}

static void test_small_counts(void **state)
{
    static const uint64_t sizes[] = {1, 2, 10, 100};
    for (size_t k = 0; k < GZ_COUNTOF(sizes); k++) {
        struct gz_hll *h = sketch_of(1000, 1000 + sizes[k]);
        uint64_t e = gz_hll_estimate(h);
        assert_true(e + 1 >= sizes[k] && e <= sizes[k] + 1);
        gz_hll_free(h);
    }
}

static void test_accuracy(void **state)
{
    static const uint64_t sizes[] = {1000, 10000, 100000, 1000000};
    for (size_t k = 0; k < GZ_COUNTOF(sizes); k++) {
        uint64_t n = sizes[k];
        struct gz_hll *h = sketch_of(0, n);
        uint64_t e = gz_hll_estimate(h);
        double err = ((double)e - (double)n) / (double)n;
        print_message("hll: %llu distinct, estimate %llu, error %+.3f%%, %zu bytes\n",
                      (unsigned long long)n, (unsigned long long)e, 100 * err,
                      gz_hll_memory(h));
        assert_true(err < 0.03 && err > -0.03);

        /* Every reader again, and the first tenth a third time. */
        struct gz_hll *once = sketch_of(0, n);
        add_range(h, 0, n);
        add_range(h, 0, n / 10);
        assert_int_equal(gz_hll_estimate(h), e);
        assert_same_bytes(h, once);
        gz_hll_free(once);
        gz_hll_free(h);
    }
}

static void test_extreme_hashes(void **state)
{
    /* Hash 0: register 0, all 50 remaining bits zero -> the largest value,
     * 51. All ones: the last register, value 1. */
    struct gz_hll *h = gz_hll_new();
    gz_hll_add(h, 0);
    gz_hll_add(h, UINT64_MAX);
    uint8_t *p;
    size_t len;
    gz_hll_serialize(h, &p, &len);
    assert_int_equal(len, 2 + 8);
    static const uint8_t want[] = {1, 0, 51, 0, 0, 0, 0xc1, 0xff, 0x0f, 0};
    assert_memory_equal(p, want, sizeof want);
    free(p);
    gz_hll_free(h);
}

/* Halves by parity, so both halves touch the whole register range. */
static struct gz_hll *sketch_every_other(uint64_t n, uint64_t parity)
{
    struct gz_hll *h = gz_hll_new();
    for (uint64_t i = parity; i < n; i += 2)
        gz_hll_add(h, splitmix64(i));
    return h;
}

static void test_merge_halves(void **state)
{
    /* Sparse + sparse, sparse + sparse turning dense, dense + dense. */
    static const uint64_t sizes[] = {500, 5000, 200000};
    for (size_t k = 0; k < GZ_COUNTOF(sizes); k++) {
        struct gz_hll *whole = sketch_of(0, sizes[k]);
        struct gz_hll *a = sketch_every_other(sizes[k], 0);
        struct gz_hll *b = sketch_every_other(sizes[k], 1);
        struct gz_hll *ab = gz_hll_new(), *ba = gz_hll_new();
        gz_hll_merge(ab, a);
        gz_hll_merge(ab, b);
        gz_hll_merge(ba, b);
        gz_hll_merge(ba, a);
        assert_same_bytes(ab, whole);
        assert_same_bytes(ba, whole);
        assert_int_equal(gz_hll_estimate(ab), gz_hll_estimate(whole));

        /* Idempotent: merging again, or merging a sketch into itself. */
        gz_hll_merge(ab, a);
        gz_hll_merge(ab, ab);
        assert_same_bytes(ab, whole);

        /* Through bytes, into a sketch that already holds one half. */
        uint8_t *p;
        size_t len;
        gz_hll_serialize(b, &p, &len);
        assert_int_equal(gz_hll_merge_bytes(a, p, len), GZ_OK);
        assert_same_bytes(a, whole);
        free(p);
        gz_hll_free(whole), gz_hll_free(a), gz_hll_free(b);
        gz_hll_free(ab), gz_hll_free(ba);
    }
}

static void test_merge_sparse_into_dense(void **state)
{
    struct gz_hll *big = sketch_of(0, 100000), *small = sketch_of(100000, 100100);
    struct gz_hll *whole = sketch_of(0, 100100);
    struct gz_hll *x = gz_hll_new();
    gz_hll_merge(x, small);
    gz_hll_merge(x, big); /* sparse dst, dense src */
    gz_hll_merge(big, small);
    assert_same_bytes(x, whole);
    assert_same_bytes(big, whole);
    gz_hll_free(big), gz_hll_free(small), gz_hll_free(whole), gz_hll_free(x);
}

static void test_sparse_to_dense(void **state)
{
    struct gz_hll *h = gz_hll_new();
    uint64_t last = 0, i = 0;
    int form = 0;
    /* Add readers until the sketch turns dense; the estimate moves by at
     * most a reader or two per reader added, the turn included. */
    while (form == 0) {
        gz_hll_add(h, splitmix64(i++));
        uint64_t e = gz_hll_estimate(h);
        assert_true(e >= last && e <= last + 2);
        last = e;
        uint8_t *p;
        size_t len;
        gz_hll_serialize(h, &p, &len);
        form = p[1];
        /* Sparse exactly while no larger than dense. */
        assert_int_equal(len, form ? GZ_HLL_DENSE_BYTES : 2 + 4 * (len - 2) / 4);
        assert_true(len <= GZ_HLL_DENSE_BYTES);
        if (!form)
            assert_true(gz_hll_memory(h) < GZ_HLL_DENSE_BYTES + 128);
        free(p);
        assert_true(i < 10000);
    }
    print_message("hll: dense after %llu readers, %zu bytes of heap\n",
                  (unsigned long long)i, gz_hll_memory(h));
    assert_true(gz_hll_memory(h) >= GZ_HLL_DENSE_BYTES - 2);
    assert_true(gz_hll_memory(h) < GZ_HLL_DENSE_BYTES + 128);
    assert_true(last + 100 > i && last < i + 100);
    gz_hll_free(h);
}

/* The dense serialized form of the registers a sparse form names. */
static uint8_t *dense_of_sparse(const uint8_t *sparse, size_t len)
{
    uint8_t *d = calloc(1, GZ_HLL_DENSE_BYTES);
    assert_non_null(d);
    d[0] = 1, d[1] = 1;
    for (size_t k = 2; k + 4 <= len; k += 4) {
        uint32_t e = sparse[k] | sparse[k + 1] << 8 | (uint32_t)sparse[k + 2] << 16;
        uint32_t i = e >> 6, v = e & 63, bit = i * 6;
        unsigned word = v << (bit % 8);
        d[2 + bit / 8] |= (uint8_t)word;
        if (word >> 8)
            d[2 + bit / 8 + 1] |= (uint8_t)(word >> 8);
    }
    return d;
}

static void test_dense_with_few_registers(void **state)
{
    /* Dense bytes holding few registers (not what we write, but valid):
     * same estimate, and it serializes back to the canonical sparse form. */
    struct gz_hll *s = sketch_of(0, 1000);
    uint8_t *p;
    size_t len;
    gz_hll_serialize(s, &p, &len);
    assert_int_equal(p[1], 0);
    uint8_t *dense = dense_of_sparse(p, len);
    struct gz_hll *d = gz_hll_new();
    assert_int_equal(gz_hll_merge_bytes(d, dense, GZ_HLL_DENSE_BYTES), GZ_OK);
    assert_true(gz_hll_memory(d) >= GZ_HLL_DENSE_BYTES - 2);
    assert_int_equal(gz_hll_estimate(d), gz_hll_estimate(s));
    assert_same_bytes(d, s);
    free(dense);
    free(p);
    gz_hll_free(s), gz_hll_free(d);
}

static void test_round_trip(void **state)
{
    static const uint64_t sizes[] = {0, 1, 3000, 3100, 50000};
    for (size_t k = 0; k < GZ_COUNTOF(sizes); k++) {
        struct gz_hll *h = sketch_of(7, 7 + sizes[k]), *copy = gz_hll_new();
        uint8_t *p;
        size_t len;
        gz_hll_serialize(h, &p, &len);
        assert_int_equal(gz_hll_merge_bytes(copy, p, len), GZ_OK);
        assert_same_bytes(h, copy);
        assert_int_equal(gz_hll_estimate(copy), gz_hll_estimate(h));
        free(p);
        gz_hll_free(h), gz_hll_free(copy);
    }
}

/* merge_bytes must refuse bytes and leave dst as it was. */
static void refuse(struct gz_hll *dst, const uint8_t *bytes, size_t len)
{
    uint8_t *before, *after;
    size_t lb, la;
    gz_hll_serialize(dst, &before, &lb);
    assert_int_equal(gz_hll_merge_bytes(dst, bytes, len), GZ_EINVAL);
    gz_hll_serialize(dst, &after, &la);
    assert_int_equal(la, lb);
    assert_memory_equal(after, before, la);
    free(before), free(after);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

static void test_malformed(void **state)
{
    struct gz_hll *sparse_dst = sketch_of(0, 100), *dense_dst = sketch_of(0, 20000);
    struct gz_hll *dsts[] = {sparse_dst, dense_dst};
    uint8_t s[2 + 12];
    uint8_t *dense;
    size_t dense_len;
    {
        struct gz_hll *src = sketch_of(500, 30000);
        gz_hll_serialize(src, &dense, &dense_len);
        gz_hll_free(src);
    }
    assert_int_equal(dense_len, GZ_HLL_DENSE_BYTES);
    uint8_t *bad = malloc(GZ_HLL_DENSE_BYTES + 1);
    assert_non_null(bad);

    for (size_t k = 0; k < GZ_COUNTOF(dsts); k++) {
        struct gz_hll *dst = dsts[k];
        s[0] = 1, s[1] = 0;
        put32(s + 2, 5 << 6 | 3), put32(s + 6, 9 << 6 | 51),
            put32(s + 10, 16383u << 6 | 1);
        assert_int_equal(gz_hll_merge_bytes(dst, s, sizeof s), GZ_OK); /* valid */

        assert_int_equal(gz_hll_merge_bytes(dst, NULL, 0), GZ_EINVAL);
        refuse(dst, s, 0);
        refuse(dst, s, 1);
        s[0] = 0, refuse(dst, s, sizeof s);
        s[0] = 2, refuse(dst, s, sizeof s);
        s[0] = 1, s[1] = 2, refuse(dst, s, sizeof s);
        s[1] = 0;
        refuse(dst, s, sizeof s - 1); /* not whole entries */
        refuse(dst, s, sizeof s - 3);
        put32(s + 6, 4 << 6 | 3), refuse(dst, s, sizeof s);       /* unsorted */
        put32(s + 6, 5 << 6 | 4), refuse(dst, s, sizeof s);       /* same register */
        put32(s + 6, 9 << 6 | 0), refuse(dst, s, sizeof s);       /* value 0 */
        put32(s + 6, 9 << 6 | 52), refuse(dst, s, sizeof s);      /* value 52 */
        put32(s + 6, 9 << 6 | 63), refuse(dst, s, sizeof s);      /* value 63 */
        put32(s + 6, 9 << 6 | 3), put32(s + 10, 16384u << 6 | 1); /* index */
        refuse(dst, s, sizeof s);
        put32(s + 10, 0xffffffffu), refuse(dst, s, sizeof s);

        memcpy(bad, dense, dense_len);
        refuse(dst, bad, dense_len - 1); /* truncated */
        refuse(dst, bad, 2);
        bad[dense_len] = 0;
        refuse(dst, bad, dense_len + 1);         /* too long */
        bad[1] = 0, refuse(dst, bad, dense_len); /* dense bytes called sparse */
        bad[1] = 1;
        bad[0] = 3, refuse(dst, bad, dense_len);
        bad[0] = 1;
        bad[2 + 12287] |= 0xfc; /* last register 63 */
        refuse(dst, bad, dense_len);
        memcpy(bad, dense, dense_len);
        bad[2] = (bad[2] & 0xc0) | 52; /* first register 52 */
        refuse(dst, bad, dense_len);
        bad[2] = (bad[2] & 0xc0) | 51;
        assert_int_equal(gz_hll_merge_bytes(dst, bad, dense_len), GZ_OK);
    }
    free(bad);
    free(dense);
    gz_hll_free(sparse_dst), gz_hll_free(dense_dst);
}

static void test_memory(void **state)
{
    struct gz_hll *h = sketch_of(0, 3);
    size_t small = gz_hll_memory(h);
    assert_true(small < 128);
    add_range(h, 3, 100000);
    print_message("hll: 3 readers %zu bytes, dense %zu bytes\n", small, gz_hll_memory(h));
    assert_true(gz_hll_memory(h) < GZ_HLL_DENSE_BYTES + 128);
    gz_hll_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_small_counts),
        cmocka_unit_test(test_accuracy),
        cmocka_unit_test(test_extreme_hashes),
        cmocka_unit_test(test_merge_halves),
        cmocka_unit_test(test_merge_sparse_into_dense),
        cmocka_unit_test(test_sparse_to_dense),
        cmocka_unit_test(test_dense_with_few_registers),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
