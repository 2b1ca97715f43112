/* Unit tests of the list pages' cache (sqlite_lists.c): every way a list
 * can change must show on the next page read by a handle that has the
 * list cached — a save on the same handle, a write by another connection,
 * a scheduled time coming, the trash, a purge, a rolled-back transaction.
 * PostgreSQL keeps no cache (its lists are plain indexed queries,
 * pg_articles.c and pg_i18n.c); the same reads must give the same pages. */
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
#include "fixture.h"

#define NOW 1700000000

/* Saves a new article (tag "news", language lang) and returns its id. */
static int64_t add(struct gz_store *s, const char *slug, const char *lang, int64_t when)
{
    static char *tag = "news";
    struct gz_article a = fixture_article(slug, lang);
    a.published_at = when;
    a.tags = gz_xcalloc(1, sizeof *a.tags);
    a.tags[0] = gz_xstrdup(tag);
    a.ntags = 1;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

static int64_t news_tag(struct gz_store *s)
{
    struct gz_tag t = {0};
    assert_int_equal(s->ops->tag_get_by_slug(s, "news", &t), GZ_OK);
    int64_t id = t.id;
    gz_tag_clear(&t);
    return id;
}

/* The ids of a page of the home list, and its total. */
static size_t home(struct gz_store *s, int64_t now, size_t offset, size_t limit,
                   int64_t *ids, int64_t *total)
{
    struct gz_teaser_list l;
    assert_int_equal(s->ops->article_latest(s, now, offset, limit, &l), GZ_OK);
    size_t n = l.len;
    for (size_t i = 0; i < n; i++)
        ids[i] = l.items[i].id;
    gz_teaser_list_clear(&l);
    assert_int_equal(s->ops->article_count_published(s, now, total), GZ_OK);
    return n;
}

static int64_t tag_total(struct gz_store *s, int64_t tag, int64_t now)
{
    struct gz_teaser_list l;
    int64_t total = -1;
    assert_int_equal(s->ops->tag_articles(s, tag, now, 0, 10, &l, &total), GZ_OK);
    assert_int_equal((int64_t)l.len, total < 10 ? total : 10);
    gz_teaser_list_clear(&l);
    return total;
}

/* Pages walk the list newest first, without gaps or repeats, the total
 * is the live articles, and a page past the end is empty. */
static void test_pages_walk_the_list(void **state)
{
    struct fixture *f = *state;
    int64_t made[25], ids[10], total = 0;
    for (int i = 0; i < 25; i++) {
        char slug[16];
        snprintf(slug, sizeof slug, "a%d", i);
        made[i] = add(f->s, slug, "en", NOW - 1000 + i);
    }
    size_t seen = 0;
    for (size_t page = 0; page < 3; page++) {
        size_t n = home(f->s, NOW, page * 10, 10, ids, &total);
        assert_int_equal(total, 25);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(ids[i], made[24 - seen++]);
    }
    assert_int_equal(seen, 25);
    assert_int_equal(home(f->s, NOW, 30, 10, ids, &total), 0);
}

/* A save on the handle that cached the list shows at once. */
static void test_same_handle_save_shows(void **state)
{
    struct fixture *f = *state;
    int64_t ids[10], total = 0;
    add(f->s, "first", "en", NOW - 100);
    int64_t tag = news_tag(f->s);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 1);
    assert_int_equal(tag_total(f->s, tag, NOW), 1);
    int64_t second = add(f->s, "second", "en", NOW - 50);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
    assert_int_equal(ids[0], second);
    assert_int_equal(tag_total(f->s, tag, NOW), 2);
}

/* A write by another connection (another process: `gazette publish`
 * while the server runs) shows on the next read. */
static void test_other_connection_write_shows(void **state)
{
    struct fixture *f = *state;
    int64_t ids[10], total = 0;
    add(f->s, "first", "en", NOW - 100);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 1);
    struct gz_store *other = open_store(f->path);
    int64_t second = add(other, "second", "fa", NOW - 50);
    gz_store_close(other);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
    assert_int_equal(ids[0], second);
    struct gz_teaser_list l;
    assert_int_equal(f->s->ops->lang_articles(f->s, "FA", NOW, 0, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 1);
    assert_int_equal(l.items[0].id, second);
    gz_teaser_list_clear(&l);
}

/* A scheduled article joins the list when its time comes, with no write
 * in between. */
static void test_scheduled_joins_when_due(void **state)
{
    struct fixture *f = *state;
    int64_t ids[10], total = 0;
    add(f->s, "now", "en", NOW - 100);
    int64_t later = add(f->s, "later", "en", NOW + 3600);
    int64_t tag = news_tag(f->s);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 1);
    assert_int_equal(total, 1);
    assert_int_equal(tag_total(f->s, tag, NOW), 1);
    assert_int_equal(home(f->s, NOW + 3600, 0, 10, ids, &total), 2);
    assert_int_equal(ids[0], later);
    assert_int_equal(tag_total(f->s, tag, NOW + 3600), 2);
}

/* The trash and a purge take an article off every list. */
static void test_trash_and_purge_leave_lists(void **state)
{
    struct fixture *f = *state;
    int64_t ids[10], total = 0;
    int64_t a = add(f->s, "a", "en", NOW - 300);
    int64_t b = add(f->s, "b", "en", NOW - 200);
    int64_t c = add(f->s, "c", "en", NOW - 100);
    int64_t tag = news_tag(f->s);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 3);
    assert_int_equal(tag_total(f->s, tag, NOW), 3);
    assert_int_equal(f->s->ops->article_trash(f->s, b, NOW), GZ_OK);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
    assert_int_equal(ids[0], c);
    assert_int_equal(ids[1], a);
    assert_int_equal(tag_total(f->s, tag, NOW), 2);
    assert_int_equal(f->s->ops->article_purge(f->s, c), GZ_OK);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 1);
    assert_int_equal(total, 1);
    assert_int_equal(tag_total(f->s, tag, NOW), 1);
}

/* Inside a write transaction the list shows its writes; after a rollback
 * it is back as it was, even when a later change takes the same sequence
 * number the rolled-back one had. */
static void test_rollback_does_not_poison(void **state)
{
    struct fixture *f = *state;
    int64_t ids[10], total = 0;
    int64_t kept = add(f->s, "kept", "en", NOW - 100);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 1);
    assert_int_equal(f->s->ops->begin(f->s), GZ_OK);
    add(f->s, "gone", "en", NOW - 50);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
    assert_int_equal(f->s->ops->rollback(f->s), GZ_OK);
    /* The same sequence number, a different article, an older time. */
    int64_t other = add(f->s, "other", "en", NOW - 500);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
    assert_int_equal(ids[0], kept);
    assert_int_equal(ids[1], other);
    assert_int_equal(home(f->s, NOW, 0, 10, ids, &total), 2);
}

/* Teasers are read in batches of ids (sqlite_articles.c; one array of
 * them on PostgreSQL, pg_articles.c): across batch boundaries the order
 * is the caller's, repeats repeat, and ids that are not published are
 * left out. */
static void test_teasers_across_batches(void **state)
{
    struct fixture *f = *state;
    int64_t made[40], ids[45];
    for (int i = 0; i < 40; i++) {
        char slug[16];
        snprintf(slug, sizeof slug, "t%d", i);
        made[i] = add(f->s, slug, "en", i == 7 ? NOW + 999 : NOW - 1000 + i);
    }
    size_t n = 0;
    for (int i = 39; i >= 0; i--)
        ids[n++] = made[(i * 7) % 40]; /* every article once, shuffled */
    ids[n++] = made[3];                /* a repeat, in another batch */
    ids[n++] = 987654;                 /* no such article */
    struct gz_teaser_list l;
    assert_int_equal(f->s->ops->article_teasers(f->s, ids, n, NOW, &l), GZ_OK);
    assert_int_equal(l.len, 40); /* 40 + the repeat - the scheduled one */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == made[7] || ids[i] == 987654)
            continue;
        assert_int_equal(l.items[k].id, ids[i]);
        assert_non_null(l.items[k].title);
        k++;
    }
    assert_string_equal(l.items[39].slug, "t3");
    gz_teaser_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pages_walk_the_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_handle_save_shows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_connection_write_shows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_joins_when_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trash_and_purge_leave_lists, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rollback_does_not_poison, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teasers_across_batches, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
