/* gz_slugify and gz_slug_valid. */
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/slug.h"
#include "core/utf8.h"

static char *slugify(const char *title)
{
    struct gz_buf out;
    gz_buf_init(&out, 1024);
    int rc = gz_slugify(title, strlen(title), &out);
    if (rc)
        fail_msg("gz_slugify(\"%s\") failed: %d", title, rc);
    return gz_buf_take(&out);
}

static void check(const char *title, const char *want)
{
    char *got = slugify(title);
    if (strcmp(got, want) != 0)
        fail_msg("title \"%s\": got \"%s\", want \"%s\"", title, got, want);
    free(got);
}

static void slug_ascii(void **state)
{
    check("Hello World", "hello-world");
    check("GDP grew 3.5% in Q2", "gdp-grew-3-5-in-q2");
    check("  --Hello,   World!!--  ", "hello-world");
    check("C++ / Rust: a \"fair\" fight?", "c-rust-a-fair-fight");
    check("under_score & tab\there", "under-score-tab-here");
    check("2024", "2024");
}

static void slug_accents(void **state)
{
    check("Café crème brûlée", "cafe-creme-brulee");
    check("Über Straße", "uber-strasse");
    check("Œuvre Æsir Łódź Ørsted", "oeuvre-aesir-lodz-orsted");
    check("Ça coûte 5 × 3 ÷ 2", "ca-coute-5-3-2");
    /* decomposed accents: the combining mark goes, the word stays */
    check("Cafe\xCC\x81 ok", "cafe-ok");
    /* Latin-1 punctuation and symbols separate */
    check("«Bonjour» ¿qué? 50°C ©2024", "bonjour-que-50-c-2024");
}

static void slug_persian_arabic(void **state)
{
    check("سلام دنیا", "سلام-دنیا");
    check("  سلام، دنیا؟  ", "سلام-دنیا");
    check("خبر فوری: ۱۴۰۳", "خبر-فوری-۱۴۰۳");
    /* ZWNJ and bidi marks are separators */
    check("می\xE2\x80\x8C"
          "خواهم",
          "می-خواهم");
    check("\xE2\x80\x8Fسلام\xE2\x80\x8E", "سلام");
    check("مرحبا بالعالم؛ كيف الحال؟", "مرحبا-بالعالم-كيف-الحال");
    /* harakat (vowel marks) and tatweel are dropped inside the word */
    check("مُحَمَّد", "محمد");
    check("مـــرحبا", "مرحبا");
    check("٪۵۰ ٫ test", "۵۰-test");
}

static void slug_other_scripts(void **state)
{
    check("Привет Мир", "привет-мир");
    check("東京「ニュース」。速報", "東京-ニュース-速報");
    check("Ελλάδα", "ελλάδα");
}

static void slug_emoji_and_empty(void **state)
{
    check("Breaking \xF0\x9F\x94\xA5 news \xE2\x9D\xA4\xEF\xB8\x8F today",
          "breaking-news-today");
    check("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "article");
    check("", "article");
    check("   !!! ---   ", "article");
    check("\xE2\x80\x94\xE2\x80\x9C\xE2\x80\x9D", "article");
}

static void slug_length_cap(void **state)
{
    /* 30 words of 4 letters: cut at the last '-' within 80 bytes */
    struct gz_buf title;
    gz_buf_init(&title, 4096);
    for (int i = 0; i < 30; i++)
        assert_int_equal(gz_buf_puts(&title, "word "), GZ_OK);
    char *got = slugify(title.p);
    assert_int_equal(strlen(got), 79); /* 16 words and 15 dashes */
    assert_string_equal(got + strlen(got) - 5, "-word");
    free(got);

    /* one very long word: cut at a character boundary */
    gz_buf_reset(&title);
    for (int i = 0; i < 100; i++)
        assert_int_equal(gz_buf_puts(&title, "a"), GZ_OK);
    got = slugify(title.p);
    assert_int_equal(strlen(got), GZ_SLUG_MAX);
    free(got);

    /* a Persian word of 2-byte letters plus an odd ASCII prefix: never split */
    gz_buf_reset(&title);
    assert_int_equal(gz_buf_puts(&title, "x"), GZ_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(gz_buf_puts(&title, "\xD8\xB3"), GZ_OK);
    got = slugify(title.p);
    assert_int_equal(strlen(got), 79);
    assert_true(gz_utf8_valid(got, strlen(got)));
    free(got);

    /* the cap exactly at a word end keeps the last word */
    gz_buf_reset(&title);
    for (int i = 0; i < 80; i++)
        assert_int_equal(gz_buf_puts(&title, "b"), GZ_OK);
    assert_int_equal(gz_buf_puts(&title, " more words"), GZ_OK);
    got = slugify(title.p);
    assert_int_equal(strlen(got), 80);
    assert_int_equal(strspn(got, "b"), 80);
    free(got);
    gz_buf_free(&title);
}

static void slug_errors(void **state)
{
    struct gz_buf out;
    gz_buf_init(&out, 1024);
    assert_int_equal(gz_slugify("bad \xC3", 5, &out), GZ_EINVAL);
    assert_int_equal(out.len, 0);
    gz_buf_free(&out);
    gz_buf_init(&out, 4);
    assert_int_equal(gz_slugify("hello", 5, &out), GZ_ETOOBIG);
    assert_int_equal(out.len, 0);
    gz_buf_free(&out);
}

static void slug_valid(void **state)
{
    static const char *const good[] = {"hello-world",
                                       "سلام-دنیا",
                                       "a",
                                       "2024-report",
                                       ("می\xE2\x80\x8C"
                                        "خواهم"),
                                       "v1.2",
                                       "a_b"};
    static const char *const bad[] = {"",
                                      "-a",
                                      "a-",
                                      "a/b",
                                      "a?b",
                                      "a#b",
                                      "a%20b",
                                      "a b",
                                      "a\tb",
                                      "a\nb",
                                      "a\x01",
                                      "a\x7f",
                                      ".",
                                      "..",
                                      "a\\b",
                                      "a\xC2\xA0"
                                      "b",
                                      "a\xE2\x80\xAE"
                                      "b",
                                      "bad\xC3"};
    for (size_t i = 0; i < GZ_COUNTOF(good); i++) {
        if (!gz_slug_valid(good[i], strlen(good[i])))
            fail_msg("refused \"%s\"", good[i]);
    }
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        if (gz_slug_valid(bad[i], strlen(bad[i])))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    /* length limit */
    char long_slug[GZ_SLUG_VALID_MAX + 1];
    memset(long_slug, 'a', sizeof(long_slug));
    assert_int_equal(gz_slug_valid(long_slug, GZ_SLUG_VALID_MAX), 1);
    assert_int_equal(gz_slug_valid(long_slug, GZ_SLUG_VALID_MAX + 1), 0);
    /* every slug gz_slugify makes is valid */
    static const char *const titles[] = {"Hello World", "سلام دنیا", "", "..",
                                         "a/b?c#d%e"};
    for (size_t i = 0; i < GZ_COUNTOF(titles); i++) {
        char *s = slugify(titles[i]);
        if (!gz_slug_valid(s, strlen(s)))
            fail_msg("slug \"%s\" of \"%s\" is not valid", s, titles[i]);
        free(s);
    }
}

int gz_test_slug(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slug_ascii),           cmocka_unit_test(slug_accents),
        cmocka_unit_test(slug_persian_arabic),  cmocka_unit_test(slug_other_scripts),
        cmocka_unit_test(slug_emoji_and_empty), cmocka_unit_test(slug_length_cap),
        cmocka_unit_test(slug_errors),          cmocka_unit_test(slug_valid),
    };
    return cmocka_run_group_tests_name("slug", tests, NULL, NULL);
}
