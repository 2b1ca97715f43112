/* Unit tests of routing (src/site/route.c): which page a decoded path
 * names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "site/route.h"

static struct gz_str str(const char *s)
{
    return (struct gz_str){s, strlen(s)};
}

static void assert_slice(struct gz_str got, const char *want)
{
    assert_int_equal(got.len, strlen(want));
    assert_memory_equal(got.p, want, got.len);
}

static void test_article(void **state)
{
    (void)state;
    int year, month;
    struct gz_str slug;
    assert_true(gz_route_article(str("/2026/11/hello"), &year, &month, &slug));
    assert_int_equal(year, 2026);
    assert_int_equal(month, 11);
    assert_slice(slug, "hello");
    /* No slug: the monthly archive's address, not an article's. */
    assert_false(gz_route_article(str("/2026/11/"), &year, &month, &slug));
    assert_false(gz_route_article(str("/2026/11/page/2"), &year, &month, &slug));
    assert_false(gz_route_article(str("/2026/11"), &year, &month, &slug));
}

static void test_archive(void **state)
{
    (void)state;
    int year, month;
    int64_t page;
    assert_true(gz_route_archive(str("/2026/11/"), &year, &month, &page));
    assert_int_equal(year, 2026);
    assert_int_equal(month, 11);
    assert_int_equal(page, 1);
    assert_true(gz_route_archive(str("/2025/01/page/3"), &year, &month, &page));
    assert_int_equal(year, 2025);
    assert_int_equal(month, 1);
    assert_int_equal(page, 3);
    const char *bad[] = {"/2026/11",         "/2026/13/",       "/2026/00/",
                         "/2026/1/",         "/26/11/",         "/2026/11/page/1",
                         "/2026/11/page/",   "/2026/11/page/x", "/2026/11/slug",
                         "/2026/11//",       "/abcd/11/",       "/2026/11/page/2/",
                         "/2026/11/page/+2", "/2026-11/",       ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gz_route_archive(str(bad[i]), &year, &month, &page))
            fail_msg("%s taken for an archive", bad[i]);
}

static void test_author(void **state)
{
    (void)state;
    int64_t id, page;
    struct gz_str slug;
    assert_true(gz_route_author(str("/author/12-jane-doe"), &id, &slug, &page));
    assert_int_equal(id, 12);
    assert_slice(slug, "jane-doe");
    assert_int_equal(page, 1);
    assert_true(gz_route_author(str("/author/7-مریم/page/2"), &id, &slug, &page));
    assert_int_equal(id, 7);
    assert_slice(slug, "مریم");
    assert_int_equal(page, 2);
    assert_true(gz_route_author(str("/author/7"), &id, &slug, &page));
    assert_int_equal(slug.len, 0);
    assert_true(gz_route_author(str("/author/7/page/4"), &id, &slug, &page));
    assert_int_equal(page, 4);
    const char *bad[] = {"/author/",       "/author/x-jane",
                         "/author/0-zero", "/author/-1",
                         "/author/7x",     "/author/7-a/page/1",
                         "/author/7-a/",   "/author/99999999999999999999-big",
                         "/author/7-a/b",  "/authors/7-a",
                         "/author"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gz_route_author(str(bad[i]), &id, &slug, &page))
            fail_msg("%s taken for an author page", bad[i]);
}

static void test_lang(void **state)
{
    (void)state;
    struct gz_str lang;
    int64_t page;
    assert_true(gz_route_lang(str("/fa/"), &lang, &page));
    assert_slice(lang, "fa");
    assert_int_equal(page, 1);
    assert_true(gz_route_lang(str("/pt-br/page/2"), &lang, &page));
    assert_slice(lang, "pt-br");
    assert_int_equal(page, 2);
    assert_true(gz_route_lang(str("/ckb/"), &lang, &page));
    const char *bad[] = {
        "/fa",         "/f/",   "/farsi/",         "/FA/",   "/fa/page/1",   "/fa/x",
        "/fa//",       "/fa-/", "/fa-toolongsub/", "/2026/", "/fa/feed.xml", "/-fa/",
        "/fa/page/2/", "/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gz_route_lang(str(bad[i]), &lang, &page))
            fail_msg("%s taken for a language page", bad[i]);
}

/* The list pages' own routes still answer as before. */
static void test_under(void **state)
{
    struct gz_str rest;
    assert_true(gz_route_under(str("/admin"), "/admin", &rest));
    assert_slice(rest, "");
    assert_true(gz_route_under(str("/admin/articles/3"), "/admin", &rest));
    assert_slice(rest, "/articles/3");
    assert_false(gz_route_under(str("/administer"), "/admin", &rest));
    assert_false(gz_route_under(str("/adm"), "/admin", &rest));
    assert_false(gz_route_under(str("/api/v1"), "/admin", &rest));
}

static void test_home_and_tag(void **state)
{
    (void)state;
    struct gz_str slug;
    int64_t page;
    assert_int_equal(gz_route_home(str("/")), 1);
    assert_int_equal(gz_route_home(str("/page/3")), 3);
    assert_int_equal(gz_route_home(str("/fa/")), -1);
    assert_true(gz_route_tag(str("/tag/world/page/2"), &slug, &page));
    assert_slice(slug, "world");
    assert_int_equal(page, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_article),      cmocka_unit_test(test_archive),
        cmocka_unit_test(test_author),       cmocka_unit_test(test_lang),
        cmocka_unit_test(test_home_and_tag), cmocka_unit_test(test_under),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
