/* gz_content_prepare and gz_lang_is_rtl. */
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/content.h"

static char *dup_or_null(const char *s)
{
    return s ? gz_xstrdup(s) : NULL;
}

static void article_set(struct gz_article *a, const char *title, const char *body,
                        const char *summary, const char *slug, const char *lang)
{
    memset(a, 0, sizeof(*a));
    a->title = dup_or_null(title);
    a->body_src = dup_or_null(body);
    a->summary = dup_or_null(summary);
    a->slug = dup_or_null(slug);
    a->lang = dup_or_null(lang);
}

static void prepare_fills_fields(void **state)
{
    struct gz_article a;
    article_set(&a, "Hello, World!", "# Head\n\nSome *body* text with [a link](/x).",
                NULL, NULL, NULL);
    /* stale values from an earlier edit are replaced (ASan checks the frees) */
    a.body_html = gz_xstrdup("<p>old</p>");
    a.teaser = gz_xstrdup("old teaser");
    assert_int_equal(gz_content_prepare(&a, 3), GZ_OK);
    assert_string_equal(a.body_html, "<h1>Head</h1>\n<p>Some <em>body</em> text with "
                                     "<a href=\"/x\">a link</a>.</p>\n");
    assert_string_equal(a.teaser, "Head Some body...");
    assert_string_equal(a.slug, "hello-world");
    assert_string_equal(a.summary, "");
    assert_string_equal(a.lang, "en");
    gz_article_clear(&a);
}

static void prepare_keeps_given_values(void **state)
{
    struct gz_article a;
    article_set(&a, "سلام دنیا", "متن **خبر** اینجا است", "خلاصه‌ی خبر",
                "my-slug", "fa");
    assert_int_equal(gz_content_prepare(&a, GZ_CONTENT_TEASER_WORDS), GZ_OK);
    assert_string_equal(a.slug, "my-slug");
    assert_string_equal(a.teaser, "خلاصه‌ی خبر"); /* the summary wins */
    assert_string_equal(a.lang, "fa");
    assert_string_equal(a.body_html, "<p>متن <strong>خبر</strong> اینجا است</p>\n");
    gz_article_clear(&a);

    /* an empty slug is made from the title, in the title's script */
    article_set(&a, "سلام دنیا", "", "", "", "fa");
    assert_int_equal(gz_content_prepare(&a, 30), GZ_OK);
    assert_string_equal(a.slug, "سلام-دنیا");
    assert_string_equal(a.teaser, "");
    assert_string_equal(a.body_html, "");
    gz_article_clear(&a);
}

static void prepare_refuses(void **state)
{
    static const char *const titles[] = {NULL, "", "  \t "};
    for (size_t i = 0; i < GZ_COUNTOF(titles); i++) {
        struct gz_article a;
        article_set(&a, titles[i], "body", NULL, NULL, NULL);
        assert_int_equal(gz_content_prepare(&a, 30), GZ_EINVAL);
        assert_null(a.body_html);
        assert_null(a.slug);
        gz_article_clear(&a);
    }
    /* invalid UTF-8 anywhere: nothing changes */
    const char *bad = "x \xC3";
    for (int field = 0; field < 4; field++) {
        struct gz_article a;
        article_set(&a, field == 0 ? bad : "Title", field == 1 ? bad : "body",
                    field == 2 ? bad : "sum", field == 3 ? bad : "", NULL);
        a.teaser = gz_xstrdup("old");
        assert_int_equal(gz_content_prepare(&a, 30), GZ_EINVAL);
        assert_string_equal(a.teaser, "old");
        assert_null(a.body_html);
        assert_null(a.lang);
        gz_article_clear(&a);
    }
}

/* Tag names reach pages like the title does: an invalid one (here an
 * overlong "<") is refused, and nothing changes. */
static void prepare_refuses_invalid_tag(void **state)
{
    char ok[] = "ok", bad[] = "a\xC0\xBCscript";
    char *tags[] = {ok, bad};
    struct gz_article a;
    article_set(&a, "Title", "body", NULL, NULL, NULL);
    a.tags = tags;
    a.ntags = 2;
    assert_int_equal(gz_content_prepare(&a, 30), GZ_EINVAL);
    assert_null(a.body_html);
    assert_null(a.teaser);
    a.ntags = 1;
    assert_int_equal(gz_content_prepare(&a, 30), GZ_OK);
    a.tags = NULL;
    a.ntags = 0;
    gz_article_clear(&a);
}

static void lang_rtl(void **state)
{
    static const char *const rtl[] = {
        "ar",      "fa",         "he",      "ur",  "ps",    "sd",
        "ug",      "yi",         "dv",      "FA",  "fa-IR", "ar_EG",
        "ku-Arab", "ku-arab-IQ", "az-Arab", "ckb", "he-IL", "zh-Hebr"};
    static const char *const ltr[] = {"en",  "",      "fr", "ku",    "ku-Latn", "fa-Latn",
                                      "far", "arb-x", "a",  "en-US", "de-1996", "f"};
    for (size_t i = 0; i < GZ_COUNTOF(rtl); i++) {
        if (!gz_lang_is_rtl(rtl[i]))
            fail_msg("\"%s\" should be right to left", rtl[i]);
    }
    for (size_t i = 0; i < GZ_COUNTOF(ltr); i++) {
        if (gz_lang_is_rtl(ltr[i]))
            fail_msg("\"%s\" should be left to right", ltr[i]);
    }
    assert_int_equal(gz_lang_is_rtl(NULL), 0);
}

int gz_test_prepare(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prepare_fills_fields),
        cmocka_unit_test(prepare_keeps_given_values),
        cmocka_unit_test(prepare_refuses),
        cmocka_unit_test(prepare_refuses_invalid_tag),
        cmocka_unit_test(lang_rtl),
    };
    return cmocka_run_group_tests_name("content", tests, NULL, NULL);
}
