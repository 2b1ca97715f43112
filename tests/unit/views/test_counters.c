/* Unit tests for src/views/counters.c: counting, dropping, lazy chunks, and
 * exactness while writers and the collector run concurrently. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "views/counters.h"

/* ---- a collector callback that records deltas by id ------------------- */

#define SMALL_IDS 20000

struct tally {
    uint64_t delta[SMALL_IDS];
    uint64_t calls;
    int64_t last_id; /* ids must arrive in increasing order */
    int out_of_order;
    int unexpected; /* ids that should never be reported */
};

static void tally_cb(void *ctx, int64_t id, uint64_t delta)
{
    struct tally *t = ctx;

    if (id <= t->last_id)
        t->out_of_order = 1;
    t->last_id = id;
    t->calls++;
    if (id >= 1 && id < SMALL_IDS)
        t->delta[id] += delta;
    else
        t->unexpected++;
}

static void collect(struct gz_counters *c, struct gz_counters_snapshot *snap,
                    struct tally *t)
{
    t->last_id = 0;
    gz_counters_collect(c, snap, tally_cb, t);
    assert_false(t->out_of_order);
}

static void test_hit_and_collect(void **state)
{
    struct gz_counters *c = gz_counters_new();
    struct gz_counters_snapshot *snap = gz_counters_snapshot_new();
    struct tally *t = calloc(1, sizeof(*t));

    for (int i = 0; i < 3; i++)
        gz_counters_hit(c, 5);
    gz_counters_hit(c, 4097);
    gz_counters_hit(c, 4095);
    collect(c, snap, t);
    assert_int_equal(t->calls, 3);
    assert_int_equal(t->delta[5], 3);
    assert_int_equal(t->delta[4095], 1);
    assert_int_equal(t->delta[4097], 1);

    /* Nothing new: nothing reported. */
    collect(c, snap, t);
    assert_int_equal(t->calls, 3);

    /* Only the growth since the last collect is reported. */
    gz_counters_hit(c, 5);
    collect(c, snap, t);
    assert_int_equal(t->calls, 4);
    assert_int_equal(t->delta[5], 4);
    assert_int_equal(t->delta[4097], 1);
    assert_int_equal(t->unexpected, 0);

    free(t);
    gz_counters_snapshot_free(snap);
    gz_counters_free(c);
}

static int64_t reported_id;
static uint64_t reported_delta;
static int reported_calls;

static void record_cb(void *ctx, int64_t id, uint64_t delta)
{
    reported_id = id;
    reported_delta = delta;
    reported_calls++;
}

static void test_out_of_range_dropped(void **state)
{
    struct gz_counters *c = gz_counters_new();
    struct gz_counters_snapshot *snap = gz_counters_snapshot_new();

    gz_counters_hit(c, 0);
    gz_counters_hit(c, -1);
    gz_counters_hit(c, INT64_MIN);
    gz_counters_hit(c, GZ_COUNTERS_ID_LIMIT);
    gz_counters_hit(c, INT64_MAX);
    assert_int_equal(gz_counters_dropped(c), 5);
    /* The last id in range is counted, in the last chunk. */
    gz_counters_hit(c, GZ_COUNTERS_ID_LIMIT - 1);
    assert_int_equal(gz_counters_dropped(c), 5);
    assert_non_null(c->chunk[GZ_COUNTERS_CHUNKS - 1]);
    assert_null(c->chunk[0]); /* id 0 did not allocate a chunk */

    reported_calls = 0;
    gz_counters_collect(c, snap, record_cb, NULL);
    assert_int_equal(reported_calls, 1);
    assert_int_equal(reported_id, GZ_COUNTERS_ID_LIMIT - 1);
    assert_int_equal(reported_delta, 1);

    gz_counters_snapshot_free(snap);
    gz_counters_free(c);
}

static void test_chunk_lazily_allocated(void **state)
{
    struct gz_counters *c = gz_counters_new();
    struct gz_counters_snapshot *snap = gz_counters_snapshot_new();

    for (size_t i = 0; i < GZ_COUNTERS_CHUNKS; i++)
        assert_null(c->chunk[i]);
    gz_counters_hit(c, 1);
    assert_non_null(c->chunk[0]);
    assert_null(c->chunk[1]);
    gz_counters_hit(c, 7 * 4096 + 3);
    assert_non_null(c->chunk[7]);
    for (size_t i = 0; i < GZ_COUNTERS_CHUNKS; i++) {
        if (i != 0 && i != 7)
            assert_null(c->chunk[i]);
    }
    /* The same chunk is reused, not reallocated. */
    struct gz_counters_chunk *first = c->chunk[7];
    gz_counters_hit(c, 7 * 4096 + 4000);
    assert_ptr_equal(c->chunk[7], first);

    reported_calls = 0;
    gz_counters_collect(c, snap, record_cb, NULL);
    assert_int_equal(reported_calls, 3);
    gz_counters_snapshot_free(snap);
    gz_counters_free(c);
}

/* ---- concurrency ------------------------------------------------------ */

#define WRITERS 4
#define HITS_PER_WRITER 2000000
#define RANGE (64 * 4096) /* ids spread over 64 chunks */
#define HIGH_ID (GZ_COUNTERS_ID_LIMIT - 1)

struct writer {
    pthread_t thread;
    struct gz_counters *counters;
    uint64_t seed;
    uint64_t *expected; /* RANGE counts written by this writer */
    uint64_t expected_high;
    uint64_t expected_dropped;
};

struct sum {
    uint64_t *got; /* RANGE */
    uint64_t got_high;
    uint64_t unexpected;
};

static atomic_int writers_done;

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64: cheap and good enough to scatter ids. */
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;

    for (int i = 0; i < HITS_PER_WRITER; i++) {
        uint64_t r = next_random(&w->seed);
        int64_t id;
        switch (r & 63) {
        case 0:
            id = HIGH_ID;
            w->expected_high++;
            break;
        case 1:
            id = (r & 64) ? -(int64_t)(r >> 20)
                          : GZ_COUNTERS_ID_LIMIT + (int64_t)(r >> 40);
            w->expected_dropped++;
            break;
        default:
            id = (int64_t)((r >> 8) % (RANGE - 1)) + 1;
            w->expected[id]++;
            break;
        }
        gz_counters_hit(w->counters, id);
    }
    return NULL;
}

static void sum_cb(void *ctx, int64_t id, uint64_t delta)
{
    struct sum *s = ctx;

    if (id >= 1 && id < RANGE)
        s->got[id] += delta;
    else if (id == HIGH_ID)
        s->got_high += delta;
    else
        s->unexpected++;
}

struct collector {
    pthread_t thread;
    struct writer *writers;
    struct gz_counters_snapshot *snap[WRITERS];
    struct sum sum;
    uint64_t rounds;
};

static void collect_all(struct collector *col)
{
    for (int i = 0; i < WRITERS; i++)
        gz_counters_collect(col->writers[i].counters, col->snap[i], sum_cb, &col->sum);
    col->rounds++;
}

static void *collector_main(void *arg)
{
    struct collector *col = arg;

    while (!atomic_load(&writers_done))
        collect_all(col);
    return NULL;
}

static void test_concurrent_exact(void **state)
{
    struct writer w[WRITERS];
    struct collector col = {.writers = w};

    col.sum.got = calloc(RANGE, sizeof(uint64_t));
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){.counters = gz_counters_new(),
                               .seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1),
                               .expected = calloc(RANGE, sizeof(uint64_t))};
        col.snap[i] = gz_counters_snapshot_new();
    }
    atomic_store(&writers_done, 0);
    assert_int_equal(pthread_create(&col.thread, NULL, collector_main, &col), 0);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&w[i].thread, NULL, writer_main, &w[i]), 0);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i].thread, NULL);
    atomic_store(&writers_done, 1);
    pthread_join(col.thread, NULL);
    uint64_t concurrent_rounds = col.rounds;
    collect_all(&col); /* the final collect */
    printf("# %llu collect rounds ran while %d writers hit %d times each\n",
           (unsigned long long)concurrent_rounds, WRITERS, HITS_PER_WRITER);

    uint64_t total = col.sum.got_high, expected_total = 0, expected_high = 0;
    uint64_t expected_dropped = 0, dropped = 0;
    for (int i = 0; i < WRITERS; i++) {
        expected_high += w[i].expected_high;
        expected_dropped += w[i].expected_dropped;
        dropped += gz_counters_dropped(w[i].counters);
    }
    expected_total = expected_high;
    for (int64_t id = 1; id < RANGE; id++) {
        uint64_t expected = 0;
        for (int i = 0; i < WRITERS; i++)
            expected += w[i].expected[id];
        if (col.sum.got[id] != expected)
            fail_msg("id %lld: counted %llu, collected %llu", (long long)id,
                     (unsigned long long)expected, (unsigned long long)col.sum.got[id]);
        expected_total += expected;
        total += col.sum.got[id];
    }
    assert_int_equal(col.sum.got_high, expected_high);
    assert_int_equal(col.sum.unexpected, 0);
    assert_int_equal(dropped, expected_dropped);
    assert_int_equal(total + dropped, (uint64_t)WRITERS * HITS_PER_WRITER);
    assert_int_equal(total, expected_total);

    for (int i = 0; i < WRITERS; i++) {
        gz_counters_snapshot_free(col.snap[i]);
        gz_counters_free(w[i].counters);
        free(w[i].expected);
    }
    free(col.sum.got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_collect),
        cmocka_unit_test(test_out_of_range_dropped),
        cmocka_unit_test(test_chunk_lazily_allocated),
        cmocka_unit_test(test_concurrent_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
