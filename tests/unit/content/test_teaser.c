/* gz_teaser_make. */
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/markdown.h"
#include "content/teaser.h"
#include "core/utf8.h"

/* Returns the teaser as a heap string; fails the test on an error. */
static char *teaser(const char *summary, const char *text, size_t max_words)
{
    struct gz_buf out;
    gz_buf_init(&out, 4096);
    int rc = gz_teaser_make(summary, text, text ? strlen(text) : 0, max_words, &out);
    if (rc)
        fail_msg("gz_teaser_make failed: %d", rc);
    return gz_buf_take(&out);
}

static void check(const char *summary, const char *text, size_t max_words,
                  const char *want)
{
    char *got = teaser(summary, text, max_words);
    if (strcmp(got, want) != 0)
        fail_msg("text \"%s\": got \"%s\", want \"%s\"", text, got, want);
    free(got);
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in_word = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            n++;
        }
    }
    return n;
}

static void teaser_word_limit(void **state)
{
    check(NULL, "one two three", 3, "one two three"); /* exactly max: no "..." */
    check(NULL, "one two three four", 3, "one two three...");
    check(NULL, "one two", 3, "one two");
    check(NULL, "  one \n\t two   three  ", 3, "one two three");
    check(NULL, "  one \n\t two   three  four", 3, "one two three...");
    check("", "", 30, "");
    check(NULL, NULL, 30, "");
    check(NULL, "   ", 30, "");
    /* 0: no word limit, only the byte cap */
    check(NULL, "a b c d e f", 0, "a b c d e f");
}

static void teaser_site_default(void **state)
{
    /* the site uses 30 words: 31 words give 30 and an ellipsis */
    struct gz_buf text;
    gz_buf_init(&text, 4096);
    for (int i = 1; i <= 31; i++)
        assert_int_equal(gz_buf_printf(&text, "%sw%d", i > 1 ? " " : "", i), GZ_OK);
    char *got = teaser(NULL, text.p, 30);
    assert_int_equal(count_words(got), 30);
    size_t len = strlen(got);
    assert_true(len > 7);
    assert_string_equal(got + len - 7, " w30...");
    free(got);
    gz_buf_free(&text);
}

static void teaser_trailing_punct(void **state)
{
    check(NULL, "one, two; three: four", 1, "one...");
    check(NULL, "one, two; three: four", 2, "one, two...");
    check(NULL, "one, two; three: four", 3, "one, two; three...");
    check(NULL, "end. Next sentence", 1, "end...");
    /* Arabic comma trimmed too */
    check(NULL, "سلام\xD8\x8C دنیا", 1, "سلام...");
    /* punctuation is kept when nothing was cut */
    check(NULL, "one, two:", 2, "one, two:");
}

static void teaser_summary_preferred(void **state)
{
    check("The summary.", "Body text here", 30, "The summary.");
    check("  spaced \n  summary  ", "Body", 30, "spaced summary");
    /* a blank summary falls back to the text */
    check(" \t\n ", "Body text here", 2, "Body text...");
    check("", "Body text here", 30, "Body text here");
    /* the summary is capped like the text */
    check("one two three four", "Body", 2, "one two...");
}

static void teaser_byte_cap_ascii(void **state)
{
    /* a single "word" longer than the cap (a long URL) is still cut */
    char url[1024] = "https://example.com/";
    memset(url + 20, 'a', 900);
    url[920] = '\0';
    char *got = teaser(NULL, url, 30);
    size_t len = strlen(got);
    assert_int_equal(len, GZ_TEASER_MAX_BYTES);
    assert_string_equal(got + len - 3, "...");
    assert_memory_equal(got, url, len - 3);
    free(got);
}

static void teaser_byte_cap_utf8(void **state)
{
    /* Chinese without spaces: 3-byte characters, never split */
    struct gz_buf text;
    gz_buf_init(&text, 1 << 16);
    for (int shift = 0; shift < 4; shift++) {
        /* shift the character grid against the cap with an ASCII prefix */
        gz_buf_reset(&text);
        assert_int_equal(gz_buf_append(&text, "xyz", (size_t)shift), GZ_OK);
        for (int i = 0; i < 500; i++)
            assert_int_equal(gz_buf_puts(&text, "\xE4\xB8\xAD"), GZ_OK); /* U+4E2D */
        const char *shifted = text.p;
        char *got = teaser(NULL, shifted, 30);
        size_t len = strlen(got);
        assert_true(len <= GZ_TEASER_MAX_BYTES);
        assert_true(len >= GZ_TEASER_MAX_BYTES - 6);
        assert_string_equal(got + len - 3, "...");
        assert_true(gz_utf8_valid(got, len));
        assert_memory_equal(got, shifted, len - 3);
        free(got);
    }
    /* 4-byte characters (emoji) and 2-byte (Persian) too */
    static const char *const chars[] = {"\xF0\x9F\x98\x80", "\xD8\xB3"};
    for (size_t c = 0; c < GZ_COUNTOF(chars); c++) {
        gz_buf_reset(&text);
        for (int i = 0; i < 300; i++)
            assert_int_equal(gz_buf_puts(&text, chars[c]), GZ_OK);
        char *got = teaser(NULL, text.p, 30);
        size_t len = strlen(got);
        assert_true(len <= GZ_TEASER_MAX_BYTES);
        assert_true(gz_utf8_valid(got, len));
        assert_int_equal((len - 3) % strlen(chars[c]), 0);
        free(got);
    }
    gz_buf_free(&text);
}

static void teaser_byte_cap_prefers_words(void **state)
{
    /* many short words past the cap: the cut falls between words */
    struct gz_buf text;
    gz_buf_init(&text, 1 << 16);
    for (int i = 0; i < 300; i++)
        assert_int_equal(gz_buf_puts(&text, "word "), GZ_OK);
    char *got = teaser(NULL, text.p, 0);
    gz_buf_free(&text);
    size_t len = strlen(got);
    assert_true(len <= GZ_TEASER_MAX_BYTES);
    assert_true(len > GZ_TEASER_MAX_BYTES / 2);
    assert_string_equal(got + len - 7, "word...");
    assert_true(got[len - 8] == ' ');
    free(got);
}

static void teaser_persian(void **state)
{
    /* ZWNJ (U+200C) joins "می" and "خواهم" into one word */
    const char *fa = "من می\xE2\x80\x8C"
                     "خواهم این متن را کوتاه کنم";
    check(NULL, fa, 3,
          "من می\xE2\x80\x8C"
          "خواهم این...");
    check(NULL, fa, 7, fa);
    /* Arabic, and a no-break space separating words */
    check(NULL, "مرحبا بالعالم العربي", 2, "مرحبا بالعالم...");
    check(NULL, "one\xC2\xA0two three", 2, "one two...");
}

static void teaser_from_markdown(void **state)
{
    /* markup never reaches a teaser: it is made from the plain text */
    const char *md = "# Big *news*\n\nRead [the **full** story](https://x.y/z) "
                     "and ![a photo](p.png) `now` <b>please</b>.";
    struct gz_buf html, text, out;
    gz_buf_init(&html, 1 << 16);
    gz_buf_init(&text, 1 << 16);
    gz_buf_init(&out, 1024);
    assert_int_equal(gz_markdown_render(md, strlen(md), &html, &text), GZ_OK);
    assert_int_equal(gz_teaser_make(NULL, text.p, text.len, 7, &out), GZ_OK);
    assert_string_equal(out.p, "Big news Read the full story and...");
    assert_null(strchr(out.p, '*'));
    assert_null(strstr(out.p, "https"));
    gz_buf_free(&html);
    gz_buf_free(&text);
    gz_buf_free(&out);
}

static void teaser_errors(void **state)
{
    struct gz_buf out;
    gz_buf_init(&out, 4096);
    assert_int_equal(gz_teaser_make(NULL, "bad \xC3", 5, 30, &out), GZ_EINVAL);
    assert_int_equal(gz_teaser_make("bad \xED\xA0\x80", "ok", 2, 30, &out), GZ_EINVAL);
    assert_int_equal(out.len, 0);
    gz_buf_free(&out);
    /* too small an output buffer: refused, left as it was */
    gz_buf_init(&out, 5);
    assert_int_equal(gz_buf_puts(&out, "ab"), GZ_OK);
    assert_int_equal(gz_teaser_make(NULL, "one two three", 13, 30, &out), GZ_ETOOBIG);
    assert_string_equal(out.p, "ab");
    gz_buf_free(&out);
    /* only text_len bytes of the text are read */
    char *got = NULL;
    gz_buf_init(&out, 64);
    assert_int_equal(gz_teaser_make(NULL, "one two three", 7, 30, &out), GZ_OK);
    got = gz_buf_take(&out);
    assert_string_equal(got, "one two");
    free(got);
}

int gz_test_teaser(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(teaser_word_limit),
        cmocka_unit_test(teaser_site_default),
        cmocka_unit_test(teaser_trailing_punct),
        cmocka_unit_test(teaser_summary_preferred),
        cmocka_unit_test(teaser_byte_cap_ascii),
        cmocka_unit_test(teaser_byte_cap_utf8),
        cmocka_unit_test(teaser_byte_cap_prefers_words),
        cmocka_unit_test(teaser_persian),
        cmocka_unit_test(teaser_from_markdown),
        cmocka_unit_test(teaser_errors),
    };
    return cmocka_run_group_tests_name("teaser", tests, NULL, NULL);
}
