/* Unit tests of the store's translation groups and the lists behind the
 * language, author and archive pages (src/store/sqlite_i18n.c,
 * pg_i18n.c), on a fresh store per test (fixture.h: SQLite, or PostgreSQL
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

#include "core/core.h"
#include "store/store.h"
#include "fixture.h"

/* 2025-03-01T00:00:00Z and the months after it. */
#define MAR 1740787200
#define APR 1743465600
#define MAY 1746057600
#define NOW 1800000000

/* Saves a published article (status as given) and returns its id. */
static int64_t add(struct fixture *f, const char *slug, const char *lang, int64_t at,
                   int64_t author, enum gz_status status)
{
    struct gz_article a = {
        .slug = (char *)slug,
        .title = (char *)slug,
        .summary = "",
        .body_src = "",
        .body_html = "",
        .teaser = "",
        .lang = (char *)lang,
        .status = status,
        .published_at = at,
        .author_id = author,
        .image = "",
    };
    assert_int_equal(f->s->ops->article_save(f->s, &a), GZ_OK);
    return a.id;
}

static void assert_ids(const struct gz_teaser_list *l, const int64_t *want, size_t n)
{
    assert_int_equal(l->len, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l->items[i].id, want[i]);
}

/* The current change sequence. */
static int64_t current_seq(struct fixture *f)
{
    int64_t *ids = NULL, seq = 0;
    size_t n = 0;
    assert_int_equal(f->s->ops->changes_since(f->s, INT64_MAX, &ids, &n, &seq), GZ_OK);
    free(ids);
    return seq;
}

/* Whether article id changed after sequence since. */
static int changed_since(struct fixture *f, int64_t since, int64_t id)
{
    int64_t *ids = NULL, seq = 0;
    size_t n = 0;
    int found = 0;
    assert_int_equal(f->s->ops->changes_since(f->s, since, &ids, &n, &seq), GZ_OK);
    for (size_t i = 0; i < n; i++)
        found |= ids[i] == id;
    free(ids);
    return found;
}

static void test_translation_groups(void **state)
{
    struct fixture *f = *state;
    const struct gz_store_ops *op = f->s->ops;
    int64_t en = add(f, "en", "en", MAR, 0, GZ_STATUS_PUBLISHED);
    int64_t fa = add(f, "fa", "fa", MAR + 1, 0, GZ_STATUS_PUBLISHED);
    int64_t fr = add(f, "fr", "fr", MAR + 2, 0, GZ_STATUS_PUBLISHED);
    int64_t en2 = add(f, "en2", "EN", MAR + 3, 0, GZ_STATUS_PUBLISHED);
    int64_t draft = add(f, "ar", "ar", 0, 0, GZ_STATUS_DRAFT);
    struct gz_teaser_list l;

    assert_int_equal(op->translations(f->s, en, NOW, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_teaser_list_clear(&l);

    assert_int_equal(op->translation_link(f->s, fa, en), GZ_OK);
    assert_int_equal(op->translation_link(f->s, fr, fa), GZ_OK); /* joins en's group */
    assert_int_equal(op->translation_link(f->s, draft, en), GZ_OK);
    /* Both ways, by language, itself and unpublished ones left out. */
    assert_int_equal(op->translations(f->s, en, NOW, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){fa, fr}, 2);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->translations(f->s, fr, NOW, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){en, fa}, 2);
    assert_string_equal(l.items[0].lang, "en");
    gz_teaser_list_clear(&l);

    /* One article per language (case-insensitively), never itself, both
     * must exist. */
    assert_int_equal(op->translation_link(f->s, en2, fa), GZ_EEXIST);
    assert_int_equal(op->translation_link(f->s, en2, en), GZ_EEXIST);
    assert_int_equal(op->translation_link(f->s, en, en), GZ_EINVAL);
    assert_int_equal(op->translation_link(f->s, 9999, en), GZ_ENOTFOUND);
    assert_int_equal(op->translation_link(f->s, en2, 9999), GZ_ENOTFOUND);
    assert_int_equal(op->translation_unlink(f->s, 9999), GZ_ENOTFOUND);

    /* Unlinking marks the whole group changed, so caches drop its pages;
     * articles outside it are left alone. */
    int64_t before = current_seq(f);
    assert_int_equal(op->translation_unlink(f->s, fr), GZ_OK);
    assert_true(changed_since(f, before, en) && changed_since(f, before, fa) &&
                changed_since(f, before, fr) && changed_since(f, before, draft));
    assert_false(changed_since(f, before, en2));
    assert_int_equal(op->translations(f->s, fr, NOW, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->translation_unlink(f->s, fr), GZ_OK); /* in none: fine */

    /* Moving en2 to a group of its own; en's group keeps the others. */
    assert_int_equal(op->translation_link(f->s, en2, fr), GZ_OK);
    assert_int_equal(op->translations(f->s, fr, NOW, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){en2}, 1);
    gz_teaser_list_clear(&l);
    /* A group left with one article is dissolved: fr and en2 were two. */
    assert_int_equal(op->translation_unlink(f->s, en2), GZ_OK);
    assert_int_equal(op->translation_link(f->s, fr, en), GZ_OK);
    assert_int_equal(op->translations(f->s, en, NOW, &l), GZ_OK);
    assert_ids(&l, (int64_t[]){fa, fr}, 2);
    gz_teaser_list_clear(&l);
}

static void test_lists(void **state)
{
    struct fixture *f = *state;
    const struct gz_store_ops *op = f->s->ops;
    int64_t jane = 0, sam = 0;
    assert_int_equal(op->author_ensure(f->s, "Jane", &jane), GZ_OK);
    assert_int_equal(op->author_ensure(f->s, "Sam", &sam), GZ_OK);
    int64_t a1 = add(f, "a1", "fa", MAR + 10, jane, GZ_STATUS_PUBLISHED);
    int64_t a2 = add(f, "a2", "FA", APR - 1, jane, GZ_STATUS_PUBLISHED);
    int64_t a3 = add(f, "a3", "en", APR, sam, GZ_STATUS_PUBLISHED);
    int64_t a4 = add(f, "a4", "fa", MAY + 5, jane, GZ_STATUS_PUBLISHED);
    add(f, "future", "fa", NOW + 100, jane, GZ_STATUS_PUBLISHED);
    add(f, "draft", "fa", MAR + 20, jane, GZ_STATUS_DRAFT);
    struct gz_teaser_list l;
    int64_t total = 0;

    assert_int_equal(op->author_articles(f->s, jane, NOW, 0, 2, &l, &total), GZ_OK);
    assert_int_equal(total, 3);
    assert_ids(&l, (int64_t[]){a4, a2}, 2);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->author_articles(f->s, jane, NOW, 2, 2, &l, &total), GZ_OK);
    assert_ids(&l, (int64_t[]){a1}, 1);
    gz_teaser_list_clear(&l);

    /* [start, end): the last second of March is March's. */
    assert_int_equal(op->archive_articles(f->s, MAR, APR, NOW, 0, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 2);
    assert_ids(&l, (int64_t[]){a2, a1}, 2);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->archive_articles(f->s, APR, MAY, NOW, 0, 10, &l, &total), GZ_OK);
    assert_ids(&l, (int64_t[]){a3}, 1);
    gz_teaser_list_clear(&l);

    assert_int_equal(op->lang_articles(f->s, "fa", NOW, 0, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 3);
    assert_ids(&l, (int64_t[]){a4, a2, a1}, 3);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->lang_articles(f->s, "de", NOW, 0, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 0);
    gz_teaser_list_clear(&l);
    assert_int_equal(op->lang_articles(f->s, NULL, NOW, 0, 10, &l, &total), GZ_EINVAL);

    struct gz_month_list months;
    assert_int_equal(op->archive_months(f->s, NOW, &months), GZ_OK);
    assert_int_equal(months.len, 3);
    assert_int_equal(months.items[0].year * 100 + months.items[0].month, 202505);
    assert_int_equal(months.items[1].year * 100 + months.items[1].month, 202504);
    assert_int_equal(months.items[2].year * 100 + months.items[2].month, 202503);
    assert_int_equal(months.items[2].count, 2);
    gz_month_list_clear(&months);

    struct gz_lang_list langs;
    assert_int_equal(op->lang_counts(f->s, NOW, &langs), GZ_OK);
    assert_int_equal(langs.len, 2);
    assert_string_equal(langs.items[0].lang, "fa"); /* "FA" counted with "fa" */
    assert_int_equal(langs.items[0].count, 3);
    assert_string_equal(langs.items[1].lang, "en");
    gz_lang_list_clear(&langs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_translation_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
