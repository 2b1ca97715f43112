/* Unit tests for src/views/views.c: totals, windows and their boundaries,
 * start-up loading, top lists, clock gaps, forget, window names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"
#include "views/views.h"

#define H0 480000 /* some hour in 2024 */

static uint64_t count(struct gz_views *v, enum gz_window w, int64_t id)
{
    return gz_views_count(v, w, id);
}

static void test_window_parse_label(void **state)
{
    enum gz_window w = GZ_WINDOW_COUNT;

    assert_int_equal(gz_window_parse("all", &w), GZ_OK);
    assert_int_equal(w, GZ_WINDOW_ALL);
    assert_int_equal(gz_window_parse("24h", &w), GZ_OK);
    assert_int_equal(w, GZ_WINDOW_24H);
    assert_int_equal(gz_window_parse("7d", &w), GZ_OK);
    assert_int_equal(w, GZ_WINDOW_7D);
    assert_int_equal(gz_window_parse("30d", &w), GZ_OK);
    assert_int_equal(w, GZ_WINDOW_30D);
    assert_int_equal(gz_window_parse("", &w), GZ_EINVAL);
    assert_int_equal(gz_window_parse("7", &w), GZ_EINVAL);
    assert_int_equal(gz_window_parse("30d ", &w), GZ_EINVAL);
    assert_int_equal(gz_window_parse("1y", &w), GZ_EINVAL);
    assert_int_equal(gz_window_parse(NULL, &w), GZ_EINVAL);
    assert_int_equal(w, GZ_WINDOW_30D); /* untouched on failure */

    assert_string_equal(gz_window_label(GZ_WINDOW_ALL), "all time");
    assert_string_equal(gz_window_label(GZ_WINDOW_24H), "last 24 hours");
    assert_string_equal(gz_window_label(GZ_WINDOW_7D), "last 7 days");
    assert_string_equal(gz_window_label(GZ_WINDOW_30D), "last 30 days");
    assert_string_equal(gz_window_label(GZ_WINDOW_COUNT), "");
    assert_string_equal(gz_window_name(GZ_WINDOW_7D), "7d");
    assert_int_equal(gz_window_hours(GZ_WINDOW_ALL), 0);
    assert_int_equal(gz_window_hours(GZ_WINDOW_24H), 24);
    assert_int_equal(gz_window_hours(GZ_WINDOW_7D), 168);
    assert_int_equal(gz_window_hours(GZ_WINDOW_30D), 720);
}

static void test_totals(void **state)
{
    struct gz_views *v = gz_views_new(H0);

    gz_views_add(v, 1, H0, 3);
    gz_views_add(v, 1, H0, 4);
    gz_views_add(v, 2, H0 - 1, 5);
    gz_views_add(v, 3, H0, 0);  /* nothing */
    gz_views_add(v, 0, H0, 9);  /* invalid id */
    gz_views_add(v, -4, H0, 9); /* invalid id */
    for (int w = 0; w < GZ_WINDOW_COUNT; w++) {
        assert_int_equal(count(v, w, 1), 7);
        assert_int_equal(count(v, w, 2), 5);
        assert_int_equal(count(v, w, 3), 0);
        assert_int_equal(count(v, w, 0), 0);
    }
    assert_int_equal(count(v, GZ_WINDOW_COUNT, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 999), 0);
    gz_views_free(v);
}

/* Views in hour H0 - k, then the clock at H0: which windows hold them. */
static void test_window_membership(void **state)
{
    struct gz_views *v = gz_views_new(H0);

    gz_views_add(v, 1, H0 - 23, 1);  /* last hour of 24h */
    gz_views_add(v, 2, H0 - 24, 1);  /* first hour outside 24h */
    gz_views_add(v, 3, H0 - 167, 1); /* last hour of 7d */
    gz_views_add(v, 4, H0 - 168, 1);
    gz_views_add(v, 5, H0 - 719, 1); /* last hour of 30d */
    gz_views_add(v, 6, H0 - 720, 1); /* all time only */
    gz_views_add(v, 7, H0 - 100000, 1);

    uint64_t expect[8][GZ_WINDOW_COUNT] = {
        [1] = {1, 1, 1, 1}, [2] = {1, 0, 1, 1}, [3] = {1, 0, 1, 1}, [4] = {1, 0, 0, 1},
        [5] = {1, 0, 0, 1}, [6] = {1, 0, 0, 0}, [7] = {1, 0, 0, 0},
    };
    for (int id = 1; id <= 7; id++) {
        for (int w = 0; w < GZ_WINDOW_COUNT; w++)
            assert_int_equal(count(v, w, id), expect[id][w]);
    }
    assert_int_equal(gz_views_now_hour(v), H0);
    gz_views_free(v);
}

/* A view at hour H0 leaves the 24h window exactly when the clock reaches
 * H0 + 24, the 7d window at H0 + 168, the 30d window at H0 + 720. */
static void test_window_expiry_boundary(void **state)
{
    struct gz_views *v = gz_views_new(H0);

    gz_views_add(v, 1, H0, 10);
    gz_views_add(v, 2, H0 + 1, 1); /* future hour: advances the clock */
    assert_int_equal(gz_views_now_hour(v), H0 + 1);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 10);

    gz_views_advance(v, H0 + 23);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 10);
    gz_views_advance(v, H0 + 24);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_24H, 2), 1);
    assert_int_equal(count(v, GZ_WINDOW_7D, 1), 10);
    gz_views_advance(v, H0 + 25);
    assert_int_equal(count(v, GZ_WINDOW_24H, 2), 0);

    gz_views_advance(v, H0 + 167);
    assert_int_equal(count(v, GZ_WINDOW_7D, 1), 10);
    gz_views_advance(v, H0 + 168);
    assert_int_equal(count(v, GZ_WINDOW_7D, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 10);

    gz_views_advance(v, H0 + 719);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 10);
    gz_views_advance(v, H0 + 720);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 2), 1);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 10);

    /* The clock never goes back. */
    gz_views_advance(v, H0);
    assert_int_equal(gz_views_now_hour(v), H0 + 720);
    /* A view for an hour that just left the ring is all-time only. */
    gz_views_add(v, 1, H0, 5);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 15);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 0);
    /* A late view for an hour still in the 30d window only. */
    gz_views_add(v, 1, H0 + 100, 2);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_7D, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 2);
    gz_views_advance(v, H0 + 820);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 17);
    gz_views_free(v);
}

/* Step the clock one hour at a time with views every hour and check each
 * window against a brute-force sum. */
static void test_windows_match_brute_force(void **state)
{
    enum { HOURS = 1000 };
    static uint64_t per_hour[HOURS][4];
    struct gz_views *v = gz_views_new(H0);
    uint64_t seed = 12345;

    for (int64_t h = 0; h < HOURS; h++) {
        for (int id = 1; id <= 3; id++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            per_hour[h][id] = (seed >> 33) % 50;
            gz_views_add(v, id, H0 + h, per_hour[h][id]);
        }
        for (int w = GZ_WINDOW_24H; w < GZ_WINDOW_COUNT; w++) {
            int64_t len = gz_window_hours(w);
            for (int id = 1; id <= 3; id++) {
                uint64_t sum = 0;
                for (int64_t k = h; k >= 0 && k > h - len; k--)
                    sum += per_hour[k][id];
                assert_int_equal(count(v, w, id), sum);
            }
        }
    }
    gz_views_free(v);
}

static void test_load_total_vs_load_hour(void **state)
{
    struct gz_views *v = gz_views_new(H0);

    /* Daily rows feed the all-time total only... */
    gz_views_load_total(v, 1, 1000);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 1000);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 0);
    /* ...hourly rows feed the windows only. */
    gz_views_load_hour(v, 1, H0 - 2, 30);
    gz_views_load_hour(v, 1, H0 - 200, 7);
    gz_views_load_hour(v, 1, H0 - 900, 99); /* too old: ignored */
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 1000);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 30);
    assert_int_equal(count(v, GZ_WINDOW_7D, 1), 30);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 37);
    /* Loaded hours expire like live ones. */
    gz_views_advance(v, H0 + 22);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 37);
    /* A live view after loading counts everywhere. */
    gz_views_add(v, 1, H0 + 22, 1);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 1001);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 1);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 38);
    gz_views_free(v);
}

static void assert_top(struct gz_views *v, enum gz_window w, size_t n,
                       const int64_t *want, size_t want_len)
{
    int64_t got[256];

    assert_true(n <= 256);
    memset(got, 0xff, sizeof(got));
    size_t len = gz_views_top(v, w, n, got);
    assert_int_equal(len, want_len);
    for (size_t i = 0; i < want_len; i++) {
        if (got[i] != want[i])
            fail_msg("window %d top[%zu]: got %lld, want %lld", (int)w, i,
                     (long long)got[i], (long long)want[i]);
    }
    assert_int_equal(got[len], -1); /* nothing written past the result */
}

static void test_top_order_and_ties(void **state)
{
    struct gz_views *v = gz_views_new(H0);
    int64_t ids[8];

    assert_int_equal(gz_views_top(v, GZ_WINDOW_ALL, 5, ids), 0);
    gz_views_add(v, 10, H0, 5);
    gz_views_add(v, 11, H0, 7);
    gz_views_add(v, 12, H0, 5); /* ties with 10: the newer id 12 wins */
    gz_views_add(v, 13, H0 - 30, 9);
    gz_views_load_total(v, 14, 1); /* all time only */
    gz_views_add(v, 15, H0, 1);
    gz_views_forget(v, 15); /* count 0: never listed */

    assert_top(v, GZ_WINDOW_ALL, 5, (int64_t[]){13, 11, 12, 10, 14}, 5);
    assert_top(v, GZ_WINDOW_ALL, 2, (int64_t[]){13, 11}, 2);
    /* n larger than the number of articles */
    assert_top(v, GZ_WINDOW_ALL, 50, (int64_t[]){13, 11, 12, 10, 14}, 5);
    assert_top(v, GZ_WINDOW_ALL, 200, (int64_t[]){13, 11, 12, 10, 14}, 5);
    assert_top(v, GZ_WINDOW_24H, 10, (int64_t[]){11, 12, 10}, 3);
    assert_top(v, GZ_WINDOW_7D, 10, (int64_t[]){13, 11, 12, 10}, 4);
    assert_int_equal(gz_views_top(v, GZ_WINDOW_ALL, 0, ids), 0);

    /* Incremental updates keep the cached lists right. */
    gz_views_add(v, 10, H0, 3); /* 10 now 8 */
    assert_top(v, GZ_WINDOW_ALL, 5, (int64_t[]){13, 10, 11, 12, 14}, 5);
    assert_top(v, GZ_WINDOW_24H, 3, (int64_t[]){10, 11, 12}, 3);
    gz_views_add(v, 14, H0, 20);
    assert_top(v, GZ_WINDOW_24H, 10, (int64_t[]){14, 10, 11, 12}, 4);
    assert_top(v, GZ_WINDOW_ALL, 1, (int64_t[]){14}, 1);
    /* The 24h list empties when the clock reaches H0 + 24; 13's views of
     * hour H0 - 30 leave the 7d window exactly at H0 + 138. */
    gz_views_advance(v, H0 + 24);
    assert_top(v, GZ_WINDOW_24H, 10, NULL, 0);
    assert_top(v, GZ_WINDOW_7D, 10, (int64_t[]){14, 13, 10, 11, 12}, 5);
    gz_views_advance(v, H0 + 138);
    assert_top(v, GZ_WINDOW_7D, 10, (int64_t[]){14, 10, 11, 12}, 4);
    gz_views_free(v);
}

/* The cached list (n <= GZ_VIEWS_TOP_CACHED) and the scanning path must
 * agree with a brute-force sort while counts change in random order. */
static struct gz_views *brute_views;
static enum gz_window brute_window;

static int brute_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    uint64_t cx = gz_views_count(brute_views, brute_window, x);
    uint64_t cy = gz_views_count(brute_views, brute_window, y);

    if (cx != cy)
        return cx > cy ? -1 : 1;
    return x > y ? -1 : x < y;
}

static void check_against_brute(struct gz_views *v, enum gz_window w, size_t n, int nids)
{
    int64_t all[600], got[600];
    size_t nz = 0;

    for (int id = 1; id <= nids; id++) {
        if (gz_views_count(v, w, id) > 0)
            all[nz++] = id;
    }
    brute_views = v;
    brute_window = w;
    qsort(all, nz, sizeof(all[0]), brute_cmp);
    size_t want = nz < n ? nz : n;
    assert_int_equal(gz_views_top(v, w, n, got), want);
    assert_memory_equal(got, all, want * sizeof(int64_t));
}

static void test_top_random_against_brute_force(void **state)
{
    struct gz_views *v = gz_views_new(H0);
    uint64_t seed = 99;
    const int nids = 500;

    for (int round = 0; round < 3000; round++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int64_t id = (int64_t)((seed >> 33) % nids) + 1;
        int64_t hour = gz_views_now_hour(v) - (int64_t)((seed >> 20) % 30);
        gz_views_add(v, id, hour, (seed >> 50) % 4 + 1);
        if (round % 500 == 499)
            gz_views_advance(v, gz_views_now_hour(v) + 7);
        if (round % 700 == 699)
            gz_views_forget(v, id);
        if (round % 50 == 0) {
            for (int w = 0; w < GZ_WINDOW_COUNT; w++) {
                check_against_brute(v, w, 5, nids);
                check_against_brute(v, w, GZ_VIEWS_TOP_CACHED, nids);
                check_against_brute(v, w, 100, nids);
            }
        }
    }
    gz_views_free(v);
}

static void test_long_gap_clears_windows(void **state)
{
    struct gz_views *v = gz_views_new(H0);

    for (int64_t h = H0 - 719; h <= H0; h++)
        gz_views_add(v, 1 + h % 3, h, 2);
    assert_true(count(v, GZ_WINDOW_30D, 1) > 0);
    gz_views_advance(v, H0 + 5000);
    for (int id = 1; id <= 3; id++) {
        assert_int_equal(count(v, GZ_WINDOW_ALL, id), 480);
        assert_int_equal(count(v, GZ_WINDOW_24H, id), 0);
        assert_int_equal(count(v, GZ_WINDOW_7D, id), 0);
        assert_int_equal(count(v, GZ_WINDOW_30D, id), 0);
    }
    int64_t ids[4];
    assert_int_equal(gz_views_top(v, GZ_WINDOW_30D, 4, ids), 0);
    assert_int_equal(gz_views_top(v, GZ_WINDOW_ALL, 4, ids), 3);
    /* The hourly memory was released. */
    struct gz_views *empty = gz_views_new(H0);
    gz_views_add(empty, 1, H0, 1);
    gz_views_add(empty, 2, H0, 1);
    gz_views_add(empty, 3, H0, 1);
    assert_true(gz_views_memory(v) <= gz_views_memory(empty));
    gz_views_free(empty);
    /* And counting starts again cleanly. */
    gz_views_add(v, 2, H0 + 5000, 1);
    assert_int_equal(count(v, GZ_WINDOW_24H, 2), 1);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 2), 481);
    gz_views_free(v);
}

/* One hour's bucket, as the several-servers sync reads it. */
static void test_hour_count(void **state)
{
    (void)state;
    struct gz_views *v = gz_views_new(H0);
    gz_views_add(v, 1, H0, 5);
    gz_views_add(v, 1, H0 - 1, 2);
    gz_views_add(v, 2, H0, 1);
    assert_int_equal(gz_views_hour_count(v, 1, H0), 5);
    assert_int_equal(gz_views_hour_count(v, 1, H0 - 1), 2);
    assert_int_equal(gz_views_hour_count(v, 2, H0 - 1), 0);
    assert_int_equal(gz_views_hour_count(v, 3, H0), 0);
    /* An hour that left the ring shares its slot with a newer one. */
    assert_int_equal(gz_views_hour_count(v, 1, H0 - GZ_VIEWS_RING_HOURS), 0);
    gz_views_add(v, 1, H0, 4);
    assert_int_equal(gz_views_hour_count(v, 1, H0), 9);
    gz_views_free(v);
}

static void test_forget(void **state)
{
    struct gz_views *v = gz_views_new(H0);
    int64_t ids[4];

    gz_views_add(v, 1, H0 - 30, 50);
    gz_views_add(v, 1, H0, 50);
    gz_views_add(v, 2, H0, 10);
    assert_top(v, GZ_WINDOW_ALL, 3, (int64_t[]){1, 2}, 2);
    gz_views_forget(v, 1);
    gz_views_forget(v, 77); /* unknown: no effect */
    for (int w = 0; w < GZ_WINDOW_COUNT; w++) {
        assert_int_equal(count(v, w, 1), 0);
        assert_top(v, w, 3, (int64_t[]){2}, 1);
    }
    /* Later expiry of its old hours must not underflow its sums. */
    gz_views_advance(v, H0 + 700);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 0);
    assert_int_equal(count(v, GZ_WINDOW_30D, 2), 10);
    /* New views bring it back. */
    gz_views_add(v, 1, H0 + 700, 3);
    assert_int_equal(count(v, GZ_WINDOW_ALL, 1), 3);
    assert_int_equal(count(v, GZ_WINDOW_24H, 1), 3);
    gz_views_advance(v, H0 + 800);
    assert_int_equal(count(v, GZ_WINDOW_30D, 1), 3);
    assert_int_equal(count(v, GZ_WINDOW_30D, 2), 0);
    assert_int_equal(gz_views_top(v, GZ_WINDOW_24H, 4, ids), 0);
    gz_views_free(v);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 100,000 articles: memory stays small, top-N is printed (not asserted). */
static void test_many_articles(void **state)
{
    enum { N = 100000 };
    struct gz_views *v = gz_views_new(H0);
    uint64_t seed = 7;
    int64_t ids[100];
    struct timespec t0;

    for (int64_t id = 1; id <= N; id++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        gz_views_load_total(v, id, (seed >> 40) % 100000 + 1);
    }
    size_t no_hours = gz_views_memory(v);
    printf("# 100k articles, all-time only: %zu KB\n", no_hours / 1024);
    assert_true(no_hours < 8u << 20);

    /* A week of traffic: 2,000 distinct articles per hour. */
    for (int64_t h = H0 - 167; h <= H0; h++) {
        for (int k = 0; k < 2000; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            gz_views_add(v, (int64_t)((seed >> 33) % N) + 1, h, (seed >> 20) % 20 + 1);
        }
    }
    printf("# plus 168 hours x 2000 articles: %zu KB\n", gz_views_memory(v) / 1024);

    for (int w = 0; w < GZ_WINDOW_COUNT; w++) {
        gz_views_advance(v, gz_views_now_hour(v) + 1); /* makes the lists stale */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(gz_views_top(v, w, 10, ids), 10);
        double rebuild = seconds_since(&t0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        gz_views_top(v, w, 10, ids);
        double cached = seconds_since(&t0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        gz_views_top(v, w, 100, ids);
        double scan100 = seconds_since(&t0);
        printf("# top-10 %-4s: rebuild %.0f us, cached %.2f us; top-100 scan %.0f us\n",
               gz_window_name(w), rebuild * 1e6, cached * 1e6, scan100 * 1e6);
        /* Check the order for real. */
        for (int i = 1; i < 10; i++) {
            uint64_t a = gz_views_count(v, w, ids[i - 1]),
                     b = gz_views_count(v, w, ids[i]);
            assert_true(a > b || (a == b && ids[i - 1] > ids[i]));
        }
    }
    gz_views_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_parse_label),
        cmocka_unit_test(test_totals),
        cmocka_unit_test(test_window_membership),
        cmocka_unit_test(test_window_expiry_boundary),
        cmocka_unit_test(test_windows_match_brute_force),
        cmocka_unit_test(test_load_total_vs_load_hour),
        cmocka_unit_test(test_top_order_and_ties),
        cmocka_unit_test(test_top_random_against_brute_force),
        cmocka_unit_test(test_long_gap_clears_windows),
        cmocka_unit_test(test_forget),
        cmocka_unit_test(test_hour_count),
        cmocka_unit_test(test_many_articles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
