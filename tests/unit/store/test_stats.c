/* Unit tests of the dashboard's reads in the store (sqlite_stats.c,
 * pg_stats.c): stats_days, stats_top, stats_referrers and their clear
 * functions, against a fresh store per test (a SQLite file, or a
 * PostgreSQL schema; fixture.h). Views are seeded with the store's own views_add,
 * sketches and referrers with readers_merge, as the flusher writes them. */
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
#include "store/store.h"
#include "views/hll.h"
#include "fixture.h"

#define DAY 19700
#define HOUR (DAY * 24)

/* ---- seeding ---- */

static int64_t new_article(struct gz_store *s, const char *title)
{
    struct gz_article a = {.status = GZ_STATUS_PUBLISHED, .published_at = 1000};
    a.title = gz_xstrdup(title);
    a.slug = gz_xstrdup(title);
    for (char *p = a.slug; *p; p++)
        if (*p == ' ')
            *p = '-';
    a.body_src = gz_xstrdup("body");
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

/* count views of article in hour (and that hour's day). */
static void views(struct gz_store *s, int64_t article, int64_t hour, int64_t count)
{
    struct gz_view_delta d = {
        .article_id = article, .day = hour / 24, .hour = hour, .count = count};
    assert_int_equal(s->ops->views_add(s, &d, 1, 0), GZ_OK);
}

/* Uniform 64-bit reader hashes, as gz_readers_id gives: splitmix64. */
static uint64_t reader(uint64_t i)
{
    uint64_t z = i + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Merges readers first..last-1 into the sketch (article, kind, period). */
static void readers(struct gz_store *s, int64_t article, enum gz_readers_kind kind,
                    int64_t period, uint64_t first, uint64_t last)
{
    struct gz_hll *h = gz_hll_new();
    for (uint64_t i = first; i < last; i++)
        gz_hll_add(h, reader(i));
    uint8_t *bytes;
    size_t len;
    gz_hll_serialize(h, &bytes, &len);
    gz_hll_free(h);
    struct gz_readers_delta d = {article, kind, period, bytes, len};
    assert_int_equal(s->ops->readers_merge(s, &d, 1, NULL, 0, 0, 0), GZ_OK);
    free(bytes);
}

static void referrer(struct gz_store *s, int64_t article, int64_t day, const char *domain,
                     int64_t count)
{
    struct gz_referrer_delta r = {article, day, domain, count};
    assert_int_equal(s->ops->readers_merge(s, NULL, 0, &r, 1, 0, 0), GZ_OK);
}

/* Small sets are counted almost exactly (linear counting); 2% is far
 * outside what p = 14 gives there. */
static void assert_near(int64_t got, int64_t want)
{
    int64_t slack = want / 50 + 1;
    if (got < want - slack || got > want + slack)
        fail_msg("estimate %lld, expected %lld (+-%lld)", (long long)got, (long long)want,
                 (long long)slack);
}

/* ---- stats_days ---- */

static void test_days_of_an_article(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    views(s, 1, HOUR + 3, 10);
    views(s, 1, HOUR + 20, 5);       /* same day, another hour: summed */
    views(s, 1, HOUR + 48, 7);       /* DAY + 2 */
    views(s, 1, HOUR + 24 * 9, 100); /* outside the range asked for */
    views(s, 2, HOUR + 3, 1000);     /* another article */
    readers(s, 1, GZ_READERS_DAY, DAY, 0, 12);
    readers(s, 1, GZ_READERS_DAY, DAY + 2, 5, 10);
    readers(s, 1, GZ_READERS_DAY, DAY + 9, 0, 80);

    struct gz_stat_days d;
    assert_int_equal(s->ops->stats_days(s, 1, DAY - 1, DAY + 3, &d), GZ_OK);
    assert_int_equal(d.len, 5);
    static const int64_t want_views[] = {0, 15, 0, 7, 0};
    static const int64_t want_readers[] = {0, 12, 0, 5, 0};
    for (size_t i = 0; i < d.len; i++) {
        assert_int_equal(d.items[i].day, DAY - 1 + (int64_t)i);
        assert_int_equal(d.items[i].views, want_views[i]);
        assert_int_equal(d.items[i].readers, want_readers[i]);
    }
    gz_stat_days_clear(&d);
    assert_null(d.items);
    assert_int_equal(d.len, 0);

    /* a day alone */
    assert_int_equal(s->ops->stats_days(s, 1, DAY + 9, DAY + 9, &d), GZ_OK);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].views, 100);
    assert_near(d.items[0].readers, 80);
    gz_stat_days_clear(&d);
}

static void test_days_of_the_site(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    views(s, 1, HOUR, 10);
    views(s, 2, HOUR + 1, 20);
    views(s, 3, HOUR + 30, 4);
    /* the site's readers are its own sketch (article 0), not the sum of
     * the articles': readers 0..299 read article 1, 100..399 article 2 */
    readers(s, 1, GZ_READERS_DAY, DAY, 0, 300);
    readers(s, 2, GZ_READERS_DAY, DAY, 100, 400);
    readers(s, 0, GZ_READERS_DAY, DAY, 0, 300);
    readers(s, 0, GZ_READERS_DAY, DAY, 100, 400);

    struct gz_stat_days d;
    assert_int_equal(s->ops->stats_days(s, 0, DAY, DAY + 1, &d), GZ_OK);
    assert_int_equal(d.len, 2);
    assert_int_equal(d.items[0].views, 30);
    assert_int_equal(d.items[1].views, 4);
    assert_near(d.items[0].readers, 400);
    assert_int_equal(d.items[1].readers, 0);
    gz_stat_days_clear(&d);
}

static void test_days_refuses_bad_ranges(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_stat_days d;
    assert_int_equal(s->ops->stats_days(s, 1, DAY, DAY - 1, &d), GZ_EINVAL);
    assert_null(d.items);
    assert_int_equal(s->ops->stats_days(s, -1, DAY, DAY, &d), GZ_EINVAL);
    assert_int_equal(s->ops->stats_days(s, 0, -5, DAY, &d), GZ_EINVAL);
    /* ten years at most: a bounded answer */
    assert_int_equal(s->ops->stats_days(s, 0, DAY - 5000, DAY, &d), GZ_EINVAL);
    assert_int_equal(s->ops->stats_days(s, 0, DAY - 364, DAY, &d), GZ_OK);
    assert_int_equal(d.len, 365);
    gz_stat_days_clear(&d);
}

/* A damaged row does not take the dashboard down: it is skipped. */
static void test_damaged_sketch_is_skipped(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    views(s, 1, HOUR, 3);
    readers(s, 1, GZ_READERS_DAY, DAY + 1, 0, 20);
    char sql[200];
    /* A blob literal: X'..' on SQLite, a bytea escape on PostgreSQL. */
    snprintf(sql, sizeof sql,
             "INSERT INTO readers (article_id, kind, period, hll) VALUES (1, 2, %d, %s)",
             DAY, fixture_pg() ? "'\\xff00'::bytea" : "x'ff00'");
    sql_exec(f->path, sql);
    struct gz_stat_days d;
    assert_int_equal(s->ops->stats_days(s, 1, DAY, DAY + 1, &d), GZ_OK);
    assert_int_equal(d.items[0].views, 3);
    assert_int_equal(d.items[0].readers, 0);
    assert_int_equal(d.items[1].readers, 20);
    gz_stat_days_clear(&d);
}

/* ---- stats_top ---- */

static void test_top_by_day(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t a = new_article(s, "first story"), b = new_article(s, "second story");
    int64_t c = new_article(s, "third story");
    views(s, a, HOUR, 50);
    views(s, a, HOUR + 24, 10); /* a: 60 over both days */
    views(s, b, HOUR + 24, 60); /* b: 60 too; newer id first */
    views(s, c, HOUR, 70);
    views(s, c, HOUR - 24, 500); /* c: the day before the window */
    views(s, 999, HOUR, 65);     /* purged long ago: no title */
    readers(s, a, GZ_READERS_DAY, DAY, 0, 40);
    readers(s, a, GZ_READERS_DAY, DAY + 1, 30, 50);   /* a's union: 50 readers */
    readers(s, a, GZ_READERS_DAY, DAY - 1, 100, 900); /* outside the window */

    struct gz_stat_articles top;
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_DAY, DAY, DAY + 1, 10, &top), GZ_OK);
    assert_int_equal(top.len, 4);
    assert_int_equal(top.items[0].id, c);
    assert_int_equal(top.items[0].views, 70);
    assert_string_equal(top.items[0].title, "third story");
    assert_string_equal(top.items[0].slug, "third-story");
    assert_int_equal(top.items[0].readers, 0);
    assert_int_equal(top.items[1].id, 999);
    assert_string_equal(top.items[1].title, "");
    assert_int_equal(top.items[2].id, b);
    assert_int_equal(top.items[2].views, 60);
    assert_int_equal(top.items[3].id, a);
    assert_int_equal(top.items[3].views, 60);
    assert_near(top.items[3].readers, 50);
    gz_stat_articles_clear(&top);

    /* limit */
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_DAY, DAY, DAY + 1, 2, &top), GZ_OK);
    assert_int_equal(top.len, 2);
    assert_int_equal(top.items[1].id, 999);
    gz_stat_articles_clear(&top);
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_DAY, DAY, DAY + 1, 0, &top), GZ_OK);
    assert_int_equal(top.len, 0);
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_DAY, DAY + 1, DAY, 5, &top),
                     GZ_EINVAL);
    assert_int_equal(s->ops->stats_top(s, (enum gz_readers_kind)7, DAY, DAY, 5, &top),
                     GZ_EINVAL);
}

static void test_top_by_hour_and_all_time(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t a = new_article(s, "morning"), b = new_article(s, "evening");
    views(s, a, HOUR + 5, 9);
    views(s, b, HOUR + 6, 4);
    views(s, b, HOUR - 100, 40); /* long before: all time only */
    readers(s, a, GZ_READERS_HOUR, HOUR + 5, 0, 9);
    readers(s, b, GZ_READERS_HOUR, HOUR + 6, 0, 4);
    readers(s, b, GZ_READERS_HOUR, HOUR - 100, 0, 40); /* outside the hours */
    readers(s, a, GZ_READERS_ALL, 0, 0, 9);
    readers(s, b, GZ_READERS_ALL, 0, 0, 40);

    struct gz_stat_articles top;
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_HOUR, HOUR, HOUR + 23, 10, &top),
                     GZ_OK);
    assert_int_equal(top.len, 2);
    assert_int_equal(top.items[0].id, a);
    assert_int_equal(top.items[0].views, 9);
    assert_int_equal(top.items[0].readers, 9);
    assert_int_equal(top.items[1].id, b);
    assert_int_equal(top.items[1].views, 4);
    assert_int_equal(top.items[1].readers, 4);
    gz_stat_articles_clear(&top);

    /* all time: every daily row and the all-time sketch; from and to
     * are ignored */
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_ALL, 5, 1, 10, &top), GZ_OK);
    assert_int_equal(top.len, 2);
    assert_int_equal(top.items[0].id, b);
    assert_int_equal(top.items[0].views, 44);
    assert_near(top.items[0].readers, 40);
    assert_int_equal(top.items[1].id, a);
    assert_int_equal(top.items[1].readers, 9);
    gz_stat_articles_clear(&top);
}

/* An article in the trash keeps its title in the lists. */
static void test_top_keeps_trashed_titles(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t a = new_article(s, "gone story");
    views(s, a, HOUR, 3);
    assert_int_equal(s->ops->article_trash(s, a, 2000), GZ_OK);
    struct gz_stat_articles top;
    assert_int_equal(s->ops->stats_top(s, GZ_READERS_ALL, 0, 0, 10, &top), GZ_OK);
    assert_int_equal(top.len, 1);
    assert_string_equal(top.items[0].title, "gone story");
    gz_stat_articles_clear(&top);
}

/* ---- stats_referrers ---- */

static void test_referrers(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    referrer(s, 1, DAY, "news.example", 5);
    referrer(s, 1, DAY + 1, "news.example", 4); /* summed over days: 9 */
    referrer(s, 1, DAY, "", 9);                 /* direct: 9, before news by name */
    referrer(s, 1, DAY, "search.example", 12);
    referrer(s, 1, DAY + 5, "search.example", 100); /* outside */
    referrer(s, 2, DAY, "news.example", 1);         /* another article */

    struct gz_stat_referrers r;
    assert_int_equal(s->ops->stats_referrers(s, 1, DAY, DAY + 1, 10, &r), GZ_OK);
    assert_int_equal(r.len, 3);
    assert_string_equal(r.items[0].domain, "search.example");
    assert_int_equal(r.items[0].count, 12);
    assert_string_equal(r.items[1].domain, "");
    assert_int_equal(r.items[1].count, 9);
    assert_string_equal(r.items[2].domain, "news.example");
    assert_int_equal(r.items[2].count, 9);
    gz_stat_referrers_clear(&r);
    assert_null(r.items);

    /* the whole site (0) */
    assert_int_equal(s->ops->stats_referrers(s, 0, DAY, DAY + 1, 10, &r), GZ_OK);
    assert_int_equal(r.len, 3);
    assert_string_equal(r.items[0].domain, "search.example");
    assert_string_equal(r.items[1].domain, "news.example");
    assert_int_equal(r.items[1].count, 10);
    gz_stat_referrers_clear(&r);

    /* limit, empty and bad ranges */
    assert_int_equal(s->ops->stats_referrers(s, 1, DAY, DAY + 1, 1, &r), GZ_OK);
    assert_int_equal(r.len, 1);
    gz_stat_referrers_clear(&r);
    assert_int_equal(s->ops->stats_referrers(s, 3, DAY, DAY + 1, 10, &r), GZ_OK);
    assert_int_equal(r.len, 0);
    assert_int_equal(s->ops->stats_referrers(s, 1, DAY + 1, DAY, 10, &r), GZ_EINVAL);
}

static void test_clear_is_safe_on_empty(void **state)
{
    (void)state;
    struct gz_stat_days d = {0};
    struct gz_stat_articles a = {0};
    struct gz_stat_referrers r = {0};
    gz_stat_days_clear(&d);
    gz_stat_articles_clear(&a);
    gz_stat_referrers_clear(&r);
    gz_stat_days_clear(NULL);
    gz_stat_articles_clear(NULL);
    gz_stat_referrers_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_days_of_an_article, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days_of_the_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days_refuses_bad_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_sketch_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_by_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_by_hour_and_all_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_keeps_trashed_titles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_referrers, setup, teardown),
        cmocka_unit_test(test_clear_is_safe_on_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
