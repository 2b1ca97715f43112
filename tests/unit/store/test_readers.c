/* Unit tests of the readership operations of the store (sqlite_readers.c,
 * pg_readers.c): readers_merge, readers_count, readers_each, against a
 * fresh store per test (a SQLite file, or a PostgreSQL schema; fixture.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/log.h"
#include "store/store.h"
#include "views/hll.h"
#include "fixture.h"

#define DAY 19700
#define HOUR (DAY * 24)

/* Reader hashes must look uniformly random, as gz_readers_id's do:
 * splitmix64 of a counter. */
static uint64_t reader(uint64_t i)
{
    uint64_t z = i + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A delta of readers first..last-1 (serialized; free d->hll after). */
static struct gz_readers_delta delta(int64_t article, enum gz_readers_kind kind,
                                     int64_t period, uint64_t first, uint64_t last)
{
    struct gz_hll *h = gz_hll_new();
    for (uint64_t i = first; i < last; i++)
        gz_hll_add(h, reader(i));
    uint8_t *bytes;
    size_t len;
    gz_hll_serialize(h, &bytes, &len);
    gz_hll_free(h);
    return (struct gz_readers_delta){article, kind, period, bytes, len};
}

static void delta_free(struct gz_readers_delta *d)
{
    free((void *)d->hll);
}

/* Merges one delta of readers first..last-1. */
static void merge(struct gz_store *s, int64_t article, enum gz_readers_kind kind,
                  int64_t period, uint64_t first, uint64_t last)
{
    struct gz_readers_delta d = delta(article, kind, period, first, last);
    assert_int_equal(s->ops->readers_merge(s, &d, 1, NULL, 0, 0, 0), GZ_OK);
    delta_free(&d);
}

static uint64_t count(struct gz_store *s, int64_t article, enum gz_readers_kind kind,
                      int64_t from, int64_t to)
{
    uint64_t n = 12345;
    assert_int_equal(s->ops->readers_count(s, article, kind, from, to, &n), GZ_OK);
    return n;
}

/* Within 3% of want (the sketch's standard error is under 1%), or within
 * 2 for small counts (two readers may share a register). */
static void assert_near(uint64_t got, uint64_t want)
{
    double diff = (double)got - (double)want;
    double allowed = (double)want * 0.03 > 2 ? (double)want * 0.03 : 2;
    if (diff < -allowed || diff > allowed)
        fail_msg("estimate %llu, expected %llu within 3%%", (unsigned long long)got,
                 (unsigned long long)want);
}

/* ---- merge and count ---- */

/* A merge adds to the stored sketch (union), it does not replace it. */
static void test_merge_is_union(void **state)
{
    struct fixture *f = *state;
    merge(f->s, 7, GZ_READERS_DAY, DAY, 0, 1000);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 1);
    assert_near(count(f->s, 7, GZ_READERS_DAY, DAY, DAY), 1000);
    /* Half of these were seen already. */
    merge(f->s, 7, GZ_READERS_DAY, DAY, 500, 1500);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 1);
    assert_near(count(f->s, 7, GZ_READERS_DAY, DAY, DAY), 1500);
    /* The same readers again change nothing. */
    merge(f->s, 7, GZ_READERS_DAY, DAY, 0, 1500);
    assert_near(count(f->s, 7, GZ_READERS_DAY, DAY, DAY), 1500);
}

/* Several deltas of one call, some for the same row, in one transaction. */
static void test_merge_many_in_one_call(void **state)
{
    struct fixture *f = *state;
    struct gz_readers_delta d[4] = {
        delta(1, GZ_READERS_HOUR, HOUR, 0, 100),
        delta(1, GZ_READERS_HOUR, HOUR, 50, 200),
        delta(0, GZ_READERS_ALL, 0, 0, 300),
        delta(2, GZ_READERS_DAY, DAY, 0, 40),
    };
    assert_int_equal(f->s->ops->readers_merge(f->s, d, 4, NULL, 0, 0, 0), GZ_OK);
    for (size_t i = 0; i < 4; i++)
        delta_free(&d[i]);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 3);
    assert_near(count(f->s, 1, GZ_READERS_HOUR, HOUR, HOUR), 200);
    assert_near(count(f->s, 0, GZ_READERS_ALL, 0, 0), 300);
    assert_near(count(f->s, 2, GZ_READERS_DAY, DAY, DAY), 40);
    /* Another kind, article or period has none. */
    assert_int_equal(count(f->s, 1, GZ_READERS_DAY, DAY, DAY), 0);
    assert_int_equal(count(f->s, 3, GZ_READERS_HOUR, HOUR, HOUR), 0);
    assert_int_equal(count(f->s, 1, GZ_READERS_HOUR, HOUR + 1, HOUR + 30), 0);
}

/* A range is the union of its periods: a reader on two days counts once. */
static void test_count_range_is_union(void **state)
{
    struct fixture *f = *state;
    merge(f->s, 5, GZ_READERS_DAY, DAY - 2, 0, 2000);
    merge(f->s, 5, GZ_READERS_DAY, DAY - 1, 1000, 3000);
    merge(f->s, 5, GZ_READERS_DAY, DAY, 2000, 4000);
    merge(f->s, 5, GZ_READERS_DAY, DAY - 40, 100000, 100500); /* outside */
    assert_near(count(f->s, 5, GZ_READERS_DAY, DAY - 6, DAY), 4000);
    assert_near(count(f->s, 5, GZ_READERS_DAY, DAY - 1, DAY), 3000);
    assert_near(count(f->s, 5, GZ_READERS_DAY, DAY - 59, DAY), 4500);
}

/* Bytes that are no sketch: GZ_EINVAL, and nothing of the call is written,
 * not even its valid deltas and referrers. */
static void test_merge_refuses_garbage(void **state)
{
    struct fixture *f = *state;
    static const uint8_t garbage[] = {0xff, 0x00, 0x12, 0x34};
    struct gz_readers_delta d[2] = {
        delta(1, GZ_READERS_DAY, DAY, 0, 10),
        {1, GZ_READERS_DAY, DAY + 1, garbage, sizeof garbage},
    };
    struct gz_referrer_delta r = {1, DAY, "example.org", 3};
    assert_int_equal(f->s->ops->readers_merge(f->s, d, 2, &r, 1, 0, 0), GZ_EINVAL);
    delta_free(&d[0]);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM referrers_daily"), 0);
    /* A wrong kind and a negative id are refused too. */
    struct gz_readers_delta bad = delta(1, GZ_READERS_DAY, DAY, 0, 10);
    bad.kind = (enum gz_readers_kind)4;
    assert_int_equal(f->s->ops->readers_merge(f->s, &bad, 1, NULL, 0, 0, 0), GZ_EINVAL);
    bad.kind = GZ_READERS_DAY;
    bad.article_id = -1;
    assert_int_equal(f->s->ops->readers_merge(f->s, &bad, 1, NULL, 0, 0, 0), GZ_EINVAL);
    delta_free(&bad);
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 1, NULL, 0, 0, 0), GZ_EINVAL);
    uint64_t n;
    assert_int_equal(f->s->ops->readers_count(f->s, 1, (enum gz_readers_kind)0, 0, 0, &n),
                     GZ_EINVAL);
    /* Still usable. */
    merge(f->s, 1, GZ_READERS_DAY, DAY, 0, 10);
    assert_near(count(f->s, 1, GZ_READERS_DAY, DAY, DAY), 10);
}

/* A damaged stored row is skipped by estimates and replaced by the next
 * merge, rather than failing every flush. */
static void test_damaged_row(void **state)
{
    struct fixture *f = *state;
    merge(f->s, 3, GZ_READERS_DAY, DAY, 0, 20);
    merge(f->s, 3, GZ_READERS_DAY, DAY - 1, 100, 110);
    char sql[160];
    /* A blob literal: X'..' on SQLite, a bytea escape on PostgreSQL. */
    snprintf(sql, sizeof sql,
             "UPDATE readers SET hll = %s WHERE article_id = 3 AND period = %d",
             fixture_pg() ? "'\\xdeadbeef'::bytea" : "x'deadbeef'", DAY);
    sql_exec(f->path, sql);
    gz_log_set_level(GZ_LOG_ERROR); /* the warnings are expected */
    assert_near(count(f->s, 3, GZ_READERS_DAY, DAY - 1, DAY), 10);
    merge(f->s, 3, GZ_READERS_DAY, DAY, 0, 5);
    gz_log_set_level(GZ_LOG_WARN);
    assert_near(count(f->s, 3, GZ_READERS_DAY, DAY, DAY), 5);
}

/* ---- readers_each ---- */

struct seen {
    int64_t ids[16];
    uint64_t readers[16];
    size_t n;
};

static void on_article(void *ctx, int64_t id, uint64_t readers)
{
    struct seen *s = ctx;
    assert_true(s->n < GZ_COUNTOF(s->ids));
    s->ids[s->n] = id;
    s->readers[s->n++] = readers;
}

static void test_each_by_article(void **state)
{
    struct fixture *f = *state;
    /* Written out of order, two periods for article 9, the site (0). */
    merge(f->s, 9, GZ_READERS_DAY, DAY, 0, 300);
    merge(f->s, 2, GZ_READERS_DAY, DAY - 1, 0, 50);
    merge(f->s, 9, GZ_READERS_DAY, DAY - 3, 200, 600);
    merge(f->s, 0, GZ_READERS_DAY, DAY, 0, 5000);
    merge(f->s, 4, GZ_READERS_DAY, DAY - 10, 0, 70); /* outside the range */
    merge(f->s, 4, GZ_READERS_HOUR, HOUR, 0, 70);    /* another kind */
    struct seen s = {0};
    assert_int_equal(
        f->s->ops->readers_each(f->s, GZ_READERS_DAY, DAY - 6, DAY, on_article, &s),
        GZ_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[0], 2);
    assert_near(s.readers[0], 50);
    assert_int_equal(s.ids[1], 9);
    assert_near(s.readers[1], 600);
    /* Nothing in range: no call. */
    memset(&s, 0, sizeof s);
    assert_int_equal(f->s->ops->readers_each(f->s, GZ_READERS_ALL, 0, 0, on_article, &s),
                     GZ_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(f->s->ops->readers_each(f->s, GZ_READERS_DAY, 0, DAY, NULL, &s),
                     GZ_EINVAL);
}

/* An article's rows split over several batches of the read (PostgreSQL
 * fetches them 256 at a time) still make one call with their union. */
static void test_each_across_batches(void **state)
{
    struct fixture *f = *state;
    enum { PERIODS = 300 };
    struct gz_readers_delta d[PERIODS + 1];
    for (size_t i = 0; i < PERIODS; i++) /* reader i on hour i; 0..9 again on the last */
        d[i] = delta(1, GZ_READERS_HOUR, HOUR + (int64_t)i, i, i + 1);
    d[PERIODS] = delta(3, GZ_READERS_HOUR, HOUR, 0, 7);
    assert_int_equal(f->s->ops->readers_merge(f->s, d, PERIODS + 1, NULL, 0, 0, 0),
                     GZ_OK);
    for (size_t i = 0; i <= PERIODS; i++)
        delta_free(&d[i]);
    merge(f->s, 1, GZ_READERS_HOUR, HOUR + PERIODS - 1, 0, 10);
    struct seen s = {0};
    assert_int_equal(f->s->ops->readers_each(f->s, GZ_READERS_HOUR, HOUR, HOUR + PERIODS,
                                             on_article, &s),
                     GZ_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[0], 1);
    assert_near(s.readers[0], PERIODS);
    assert_int_equal(s.ids[1], 3);
    assert_near(s.readers[1], 7);
}

/* ---- several servers ---- */

/* One server's flushes: its own handle, ROUNDS merges of its own readers
 * into the same rows as the other's. No cmocka assertion off the main
 * thread: failures are counted. */
#define ROUNDS 30
#define READERS_PER_ROUND 20

struct server {
    const char *path;
    uint64_t first; /* its readers: first, first + 1, ... */
    int failures;
};

static void *flush_rounds(void *arg)
{
    struct server *sv = arg;
    struct gz_store *s = NULL;
    char err[256];
    if (gz_store_open(sv->path, &s, err, sizeof err) != GZ_OK) {
        sv->failures++;
        return NULL;
    }
    for (uint64_t i = 0; i < ROUNDS; i++) {
        uint64_t from = sv->first + i * READERS_PER_ROUND;
        struct gz_readers_delta d[2] = {
            delta(8, GZ_READERS_DAY, DAY, from, from + READERS_PER_ROUND),
            delta(0, GZ_READERS_ALL, 0, from, from + READERS_PER_ROUND),
        };
        struct gz_referrer_delta r = {8, DAY, "example.org", 1};
        if (s->ops->readers_merge(s, d, 2, &r, 1, 0, 0) != GZ_OK)
            sv->failures++;
        delta_free(&d[0]);
        delta_free(&d[1]);
    }
    gz_store_close(s);
    return NULL;
}

/* Two servers flushing into the same rows at once, starting before the
 * rows exist: every reader and every referrer count of both is kept. */
static void test_concurrent_merges_lose_nothing(void **state)
{
    struct fixture *f = *state;
    struct server sv[2] = {{f->path, 0, 0}, {f->path, 1000000, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, flush_rounds, &sv[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(sv[0].failures + sv[1].failures, 0);
    uint64_t want = 2 * ROUNDS * READERS_PER_ROUND;
    assert_near(count(f->s, 8, GZ_READERS_DAY, DAY, DAY), want);
    assert_near(count(f->s, 0, GZ_READERS_ALL, 0, 0), want);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 2);
    assert_int_equal(sql_i64(f->path, "SELECT count FROM referrers_daily"), 2 * ROUNDS);
}

/* ---- referrers and pruning ---- */

static void test_referrers_add_up(void **state)
{
    struct fixture *f = *state;
    struct gz_referrer_delta r[3] = {
        {1, DAY, "news.example.org", 2},
        {1, DAY, "", 5},
        {2, DAY, "news.example.org", 1},
    };
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, r, 3, 0, 0), GZ_OK);
    r[0].count = 3;
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, r, 1, 0, 0), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count FROM referrers_daily WHERE "
                                      "article_id = 1 AND domain = 'news.example.org'"),
                     5);
    assert_int_equal(sql_i64(f->path, "SELECT count FROM referrers_daily WHERE "
                                      "article_id = 1 AND domain = ''"),
                     5);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM referrers_daily"), 3);
    /* A negative count is refused. */
    r[0].count = -1;
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, r, 1, 0, 0), GZ_EINVAL);
}

static void test_prune(void **state)
{
    struct fixture *f = *state;
    struct gz_referrer_delta r[2] = {{1, DAY - 10, "old.example", 1},
                                     {1, DAY, "new.example", 1}};
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, r, 2, 0, 0), GZ_OK);
    merge(f->s, 1, GZ_READERS_HOUR, HOUR - 30, 0, 10);
    merge(f->s, 1, GZ_READERS_HOUR, HOUR, 0, 10);
    merge(f->s, 1, GZ_READERS_DAY, DAY - 400, 0, 10);
    /* No prune asked: nothing goes. */
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, NULL, 0, 0, 0), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 3);
    /* Hours before HOUR - 26 go; day sketches stay, however old. */
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, NULL, 0, HOUR - 26, 0),
                     GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers"), 2);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM readers WHERE kind = 1"), 1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM referrers_daily"), 2);
    /* Referrers of days before DAY - 5 go. */
    assert_int_equal(f->s->ops->readers_merge(f->s, NULL, 0, NULL, 0, 0, DAY - 5), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM referrers_daily"), 1);
    assert_int_equal(sql_i64(f->path, "SELECT day FROM referrers_daily"), DAY);
}

int main(void)
{
    gz_log_set_level(GZ_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_merge_is_union, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_many_in_one_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_range_is_union, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_refuses_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_by_article, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_across_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_merges_lose_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_referrers_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
    };
    return cmocka_run_group_tests_name("store_readers", tests, NULL, NULL);
}
