/* Unit tests of the theme's strings and dates (src/render/i18n.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/core.h"
#include "core/utf8.h"
#include "render/i18n.h"

/* 2026-11-29T06:40:00Z */
#define NOV29 1795934400
/* 2026-03-01T00:00:00Z */
#define MAR1 1772323200

static void test_find_by_primary_subtag(void **state)
{
    (void)state;
    assert_string_equal(gz_i18n_find("fa")->lang, "fa");
    assert_string_equal(gz_i18n_find("fa-IR")->lang, "fa");
    assert_string_equal(gz_i18n_find("AR_eg")->lang, "ar");
    assert_string_equal(gz_i18n_find("fr-CA")->lang, "fr");
    assert_string_equal(gz_i18n_find("en")->lang, "en");
    assert_null(gz_i18n_find("de"));
    assert_null(gz_i18n_find("f"));
    assert_null(gz_i18n_find("fas"));
    assert_null(gz_i18n_find(""));
    assert_null(gz_i18n_find(NULL));
}

static void test_fallbacks(void **state)
{
    (void)state;
    /* The page's language, else the site's, else English. */
    assert_string_equal(gz_i18n_for("ar", "fr")->lang, "ar");
    assert_string_equal(gz_i18n_for("de", "fr")->lang, "fr");
    assert_string_equal(gz_i18n_for("de", "nl")->lang, "en");
    assert_string_equal(gz_i18n_for(NULL, NULL)->lang, "en");
    assert_string_equal(gz_i18n_at(0)->lang, "en");
    assert_null(gz_i18n_at(gz_i18n_count()));
    for (size_t i = 0; i < gz_i18n_count(); i++)
        assert_int_equal(gz_i18n_index(gz_i18n_at(i)), i);
}

/* Every table has every message and month, as valid UTF-8, and the
 * patterns keep their slots. */
static void test_tables_complete(void **state)
{
    (void)state;
    const struct gz_i18n *en = gz_i18n_find("en");
    assert_true(gz_i18n_count() >= 4);
    for (size_t i = 0; i < gz_i18n_count(); i++) {
        const struct gz_i18n *l = gz_i18n_at(i);
        assert_non_null(l->name);
        for (int m = 0; m < GZ_MSG_COUNT; m++) {
            const char *s = l->msgs[m];
            if (!s || !*s)
                fail_msg("%s: message %s missing", l->lang, gz_i18n_key(m));
            assert_true(gz_utf8_valid(s, strlen(s)));
            for (const char *slot = "{1}"; slot; slot = slot[1] == '1' ? "{2}" : NULL)
                assert_int_equal(strstr(s, slot) != NULL,
                                 strstr(en->msgs[m], slot) != NULL);
        }
        for (int m = 0; m < 12; m++)
            assert_true(l->months[m] && *l->months[m]);
    }
    for (int m = 0; m < GZ_MSG_COUNT; m++)
        assert_non_null(gz_i18n_key(m));
    assert_null(gz_i18n_key(GZ_MSG_COUNT));
    assert_string_equal(gz_i18n_key(GZ_MSG_NEW_ARTICLES), "new_articles");
}

static void test_strings(void **state)
{
    (void)state;
    assert_string_equal(gz_i18n_find("en")->msgs[GZ_MSG_NEW_ARTICLES], "New Articles");
    assert_string_equal(gz_i18n_find("en")->msgs[GZ_MSG_MOST_VIEWED], "Most viewed");
    assert_string_equal(gz_i18n_find("fr")->msgs[GZ_MSG_READ_MORE], "Lire la suite");
    assert_string_equal(gz_i18n_find("ar")->msgs[GZ_MSG_MOST_VIEWED], "الأكثر قراءة");
    assert_string_equal(gz_i18n_find("fa")->msgs[GZ_MSG_NEW_ARTICLES],
                        "تازه\u200cترین مطالب");
    assert_true(gz_i18n_find("fa")->rtl && gz_i18n_find("ar")->rtl);
    assert_false(gz_i18n_find("fr")->rtl || gz_i18n_find("en")->rtl);
}

static void test_numbers(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(gz_i18n_number(gz_i18n_find("en"), 2026, buf, sizeof buf), 4);
    assert_string_equal(buf, "2026");
    gz_i18n_number(gz_i18n_find("fa"), 1234567890, buf, sizeof buf);
    assert_string_equal(buf, "۱۲۳۴۵۶۷۸۹۰");
    gz_i18n_number(gz_i18n_find("ar"), 1234567890, buf, sizeof buf);
    assert_string_equal(buf, "١٢٣٤٥٦٧٨٩٠");
    gz_i18n_number(gz_i18n_find("fr"), 0, buf, sizeof buf);
    assert_string_equal(buf, "0");
    /* Too small: cut between characters, never inside one; the length
     * needed is still returned. */
    assert_int_equal(gz_i18n_number(gz_i18n_find("fa"), 123, buf, 6), 6);
    assert_string_equal(buf, "۱۲");
    assert_int_equal(gz_i18n_number(gz_i18n_find("fa"), 123, buf, 2), 6);
    assert_string_equal(buf, "");
}

static void test_dates(void **state)
{
    (void)state;
    char buf[128];
    gz_i18n_date(gz_i18n_find("en"), NOV29, buf, sizeof buf);
    assert_string_equal(buf, "29 November 2026");
    gz_i18n_date(gz_i18n_find("fr"), NOV29, buf, sizeof buf);
    assert_string_equal(buf, "29 novembre 2026");
    gz_i18n_date(gz_i18n_find("fr"), MAR1, buf, sizeof buf);
    assert_string_equal(buf, "1er mars 2026");
    gz_i18n_date(gz_i18n_find("en"), MAR1, buf, sizeof buf);
    assert_string_equal(buf, "1 March 2026");
    gz_i18n_date(gz_i18n_find("fa"), NOV29, buf, sizeof buf);
    assert_string_equal(buf, "۲۹ نوامبر ۲۰۲۶");
    gz_i18n_date(gz_i18n_find("ar"), NOV29, buf, sizeof buf);
    assert_string_equal(buf, "٢٩ نوفمبر ٢٠٢٦");
    gz_i18n_date(gz_i18n_find("ar"), MAR1, buf, sizeof buf);
    assert_string_equal(buf, "١ مارس ٢٠٢٦");
    /* No ASCII digit in a Persian or Arabic date. */
    for (const char *lang = "fa"; lang; lang = strcmp(lang, "fa") ? NULL : "ar") {
        gz_i18n_date(gz_i18n_find(lang), NOV29, buf, sizeof buf);
        assert_int_equal(strcspn(buf, "0123456789"), strlen(buf));
    }
    gz_i18n_month_year(gz_i18n_find("fr"), 2026, 8, buf, sizeof buf);
    assert_string_equal(buf, "août 2026");
    gz_i18n_month_year(gz_i18n_find("fa"), 2025, 1, buf, sizeof buf);
    assert_string_equal(buf, "ژانویه ۲۰۲۵");
    gz_i18n_month_year(gz_i18n_find("en"), 2025, 13, buf, sizeof buf);
    assert_string_equal(buf, "2025");
}

static void test_format(void **state)
{
    (void)state;
    struct gz_arena a;
    gz_arena_init(&a, 0);
    assert_string_equal(gz_i18n_format(&a, gz_i18n_find("en"), GZ_MSG_PAGE_OF, "2", "5"),
                        "Page 2 of 5");
    assert_string_equal(gz_i18n_format(&a, gz_i18n_find("fr"), GZ_MSG_PAGE_OF, "2", "5"),
                        "Page 2 sur 5");
    assert_string_equal(gz_i18n_format(&a, gz_i18n_find("fa"), GZ_MSG_PAGE_OF, "۲", "۵"),
                        "صفحهٔ ۲ از ۵");
    assert_string_equal(
        gz_i18n_format(&a, gz_i18n_find("en"), GZ_MSG_ARTICLES_BY, "{2} <Ada>", NULL),
        "Articles by {2} <Ada>");
    assert_string_equal(gz_i18n_format(&a, gz_i18n_find("en"), GZ_MSG_HOME, "x", "y"),
                        "Home");
    assert_string_equal(gz_i18n_format(&a, gz_i18n_find("en"), GZ_MSG_COUNT, "x", "y"),
                        "");
    gz_arena_free(&a);
}

static void test_language_names(void **state)
{
    (void)state;
    assert_string_equal(gz_i18n_language_name("fa"), "فارسی");
    assert_string_equal(gz_i18n_language_name("ar-EG"), "العربية");
    assert_string_equal(gz_i18n_language_name("fr"), "Français");
    assert_string_equal(gz_i18n_language_name("de"), "Deutsch");
    assert_string_equal(gz_i18n_language_name("xx-yy"), "xx-yy");
    assert_string_equal(gz_i18n_language_name(NULL), "");
}

static void test_template_values(void **state)
{
    (void)state;
    struct gz_arena a;
    gz_arena_init(&a, 0);
    struct gz_val *t = gz_i18n_values(&a, gz_i18n_find("ar"));
    const struct gz_val *v = gz_obj_get(t, "most_viewed");
    assert_non_null(v);
    assert_int_equal(v->kind, GZ_VAL_STR);
    assert_memory_equal(v->u.s.p, "الأكثر قراءة", v->u.s.len);
    assert_memory_equal(gz_obj_get(t, "dir")->u.s.p, "rtl", 3);
    assert_memory_equal(gz_obj_get(t, "lang")->u.s.p, "ar", 2);
    for (int m = 0; m < GZ_MSG_COUNT; m++)
        assert_non_null(gz_obj_get(t, gz_i18n_key(m)));
    gz_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_by_primary_subtag),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_tables_complete),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_language_names),
        cmocka_unit_test(test_template_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
