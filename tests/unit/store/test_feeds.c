/* Unit tests of the store's feed and sitemap reads (src/store/sqlite_feeds.c,
 * pg_feeds.c), on a fresh store per test (fixture.h: SQLite, or PostgreSQL
 * with GZ_TEST_BACKEND=pg). */
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

/* Saves an article; tags is a comma-free list of up to 2 names (NULL
 * ends). Returns its id. */
static int64_t save(struct gz_store *s, const char *slug, const char *lang,
                    enum gz_status status, int64_t published_at, int64_t updated_at,
                    const char *tag1, const char *tag2)
{
    struct gz_article a = fixture_article(slug, lang);
    a.status = status;
    a.published_at = published_at;
    a.updated_at = updated_at;
    const char *tags[2] = {tag1, tag2};
    a.tags = gz_xcalloc(2, sizeof *a.tags);
    for (size_t i = 0; i < 2 && tags[i]; i++)
        a.tags[a.ntags++] = gz_xstrdup(tags[i]);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

/* 1 en World; 2 fa World+Sport; 3 draft; 4 scheduled; 5 en Sport, trashed;
 * 6 FR (upper case) untagged, updated after publication. */
static void fill(struct fixture *f, int64_t ids[7])
{
    struct gz_store *s = f->s;
    ids[1] =
        save(s, "one", "en", GZ_STATUS_PUBLISHED, NOW - 500, NOW - 600, "World", NULL);
    ids[2] =
        save(s, "two", "fa", GZ_STATUS_PUBLISHED, NOW - 400, NOW - 400, "World", "Sport");
    ids[3] = save(s, "three", "en", GZ_STATUS_DRAFT, 0, NOW - 300, "World", NULL);
    ids[4] =
        save(s, "four", "en", GZ_STATUS_PUBLISHED, NOW + 500, NOW - 200, "World", NULL);
    ids[5] =
        save(s, "five", "en", GZ_STATUS_PUBLISHED, NOW - 300, NOW - 300, "Sport", NULL);
    ids[6] = save(s, "six", "FR", GZ_STATUS_PUBLISHED, NOW - 200, NOW - 10, NULL, NULL);
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE articles SET deleted_at = %d WHERE id = %lld", NOW,
             (long long)ids[5]);
    sql_exec(f->path, sql);
}

static void assert_ids(const struct gz_article_list *l, const int64_t *want, size_t n)
{
    assert_int_equal(l->len, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l->items[i].id, want[i]);
}

static void test_feed_articles(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ids[7];
    fill(f, ids);
    struct gz_article_list l;
    struct gz_feed_filter all = {.now = NOW, .limit = 10};
    assert_int_equal(s->ops->feed_articles(s, &all, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){ids[6], ids[2], ids[1]}, 3);
    /* Full rows: body, dates, tags in their order. */
    assert_string_equal(l.items[1].body_html, "<p>body</p>");
    assert_string_equal(l.items[1].lang, "fa");
    assert_int_equal(l.items[1].ntags, 2);
    assert_string_equal(l.items[1].tags[0], "World");
    assert_string_equal(l.items[1].tag_slugs[1], "sport");
    assert_int_equal(l.items[0].updated_at, NOW - 10);
    assert_true(l.items[0].created_at > 0);
    assert_int_equal(l.items[0].ntags, 0);
    gz_article_list_clear(&l);

    all.limit = 2;
    assert_int_equal(s->ops->feed_articles(s, &all, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){ids[6], ids[2]}, 2);
    gz_article_list_clear(&l);

    struct gz_tag world;
    assert_int_equal(s->ops->tag_get_by_slug(s, "world", &world), GZ_OK);
    struct gz_feed_filter by_tag = {.tag_id = world.id, .now = NOW, .limit = 10};
    assert_int_equal(s->ops->feed_articles(s, &by_tag, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){ids[2], ids[1]}, 2);
    gz_article_list_clear(&l);
    gz_tag_clear(&world);

    struct gz_feed_filter by_lang = {.lang = "fr", .now = NOW, .limit = 10};
    assert_int_equal(s->ops->feed_articles(s, &by_lang, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){ids[6]}, 1);
    gz_article_list_clear(&l);
    by_lang.lang = "de";
    assert_int_equal(s->ops->feed_articles(s, &by_lang, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_article_list_clear(&l);

    /* The scheduled article goes out by itself when its time comes. */
    all.now = NOW + 600;
    all.limit = 1;
    assert_int_equal(s->ops->feed_articles(s, &all, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){ids[4]}, 1);
    gz_article_list_clear(&l);
}

static void test_sitemap_chunks_and_articles(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ids[7];
    fill(f, ids);
    struct gz_sitemap_chunks c;
    /* Files of 2 ids: {1,2} {3,4} {5,6}; 3 and 4 are not live, 5 is trashed. */
    assert_int_equal(s->ops->sitemap_chunks(s, NOW, 2, &c), GZ_OK);
    assert_int_equal(c.len, 2);
    assert_int_equal(c.items[0].number, 1);
    assert_int_equal(c.items[0].count, 2);
    assert_int_equal(c.items[0].lastmod, NOW - 400);
    assert_int_equal(c.items[1].number, 3);
    assert_int_equal(c.items[1].count, 1);
    assert_int_equal(c.items[1].lastmod, NOW - 10);
    gz_sitemap_chunks_clear(&c);
    assert_int_equal(s->ops->sitemap_chunks(s, NOW, INT64_MAX, &c), GZ_OK);
    assert_int_equal(c.len, 1);
    assert_int_equal(c.items[0].count, 3);
    gz_sitemap_chunks_clear(&c);
    assert_int_equal(s->ops->sitemap_chunks(s, NOW, 0, &c), GZ_EINVAL);

    struct gz_sitemap_urls u;
    assert_int_equal(s->ops->sitemap_articles(s, NOW, 1, 2, &u), GZ_OK);
    assert_int_equal(u.len, 2);
    assert_int_equal(u.items[0].id, ids[1]);
    assert_string_equal(u.items[0].slug, "one");
    /* lastmod: the later of updated_at and published_at. */
    assert_int_equal(u.items[0].lastmod, NOW - 500);
    assert_int_equal(u.items[0].published_at, NOW - 500);
    gz_sitemap_urls_clear(&u);
    assert_int_equal(s->ops->sitemap_articles(s, NOW, 3, 4, &u), GZ_OK);
    assert_int_equal(u.len, 0);
    gz_sitemap_urls_clear(&u);
}

static void test_sitemap_tags_and_news(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ids[7];
    fill(f, ids);
    struct gz_sitemap_urls u;
    assert_int_equal(s->ops->sitemap_tags(s, NOW, 10, &u), GZ_OK);
    /* Sport: only article 2 (5 is trashed); World: 1 and 2. */
    assert_int_equal(u.len, 2);
    assert_string_equal(u.items[0].slug, "sport");
    assert_string_equal(u.items[0].title, "Sport");
    assert_int_equal(u.items[0].lastmod, NOW - 400);
    assert_string_equal(u.items[1].slug, "world");
    assert_int_equal(u.items[1].lastmod, NOW - 400);
    gz_sitemap_urls_clear(&u);
    assert_int_equal(s->ops->sitemap_tags(s, NOW, 1, &u), GZ_OK);
    assert_int_equal(u.len, 1);
    gz_sitemap_urls_clear(&u);

    assert_int_equal(s->ops->news_articles(s, NOW - 450, NOW, 10, &u), GZ_OK);
    assert_int_equal(u.len, 2);
    assert_int_equal(u.items[0].id, ids[6]);
    assert_string_equal(u.items[0].title, "six");
    assert_string_equal(u.items[0].lang, "FR");
    assert_int_equal(u.items[1].id, ids[2]);
    gz_sitemap_urls_clear(&u);
    assert_int_equal(s->ops->news_articles(s, NOW - 450, NOW, 1, &u), GZ_OK);
    assert_int_equal(u.len, 1);
    gz_sitemap_urls_clear(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_feed_articles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sitemap_chunks_and_articles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sitemap_tags_and_news, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
