/* gz_normalize, gz_normalize_words and gz_normalize_char: the search
 * normalization. */
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/normalize.h"
#include "core/utf8.h"

static char *norm(const char *text)
{
    struct gz_buf out;
    gz_buf_init(&out, 1 << 16);
    int rc = gz_normalize(text, strlen(text), &out);
    if (rc)
        fail_msg("gz_normalize(\"%s\") failed: %d", text, rc);
    return gz_buf_take(&out);
}

static void check(const char *text, const char *want)
{
    char *got = norm(text);
    if (strcmp(got, want) != 0)
        fail_msg("\"%s\": got \"%s\", want \"%s\"", text, got, want);
    free(got);
}

/* Two spellings that must normalize the same. */
static void same(const char *a, const char *b)
{
    char *na = norm(a), *nb = norm(b);
    if (strcmp(na, nb) != 0)
        fail_msg("\"%s\" -> \"%s\" but \"%s\" -> \"%s\"", a, na, b, nb);
    free(na);
    free(nb);
}

static void normalize_ascii(void **state)
{
    check("Hello, World!", "hello world");
    check("  GDP grew 3.5% in Q2 ", "gdp grew 3 5 in q2");
    check("title:x AND (y OR z) NEAR/3 \"w\"*", "title x and y or z near 3 w");
    check("under_score-dash", "under score dash");
    check("", "");
    check("*", "");
    check("\t\r\n\x01\x02", "");
}

static void normalize_latin(void **state)
{
    check("Café Crème BRÛLÉE", "cafe creme brulee");
    check("Straße STRASSE", "strasse strasse");
    check("Œuvre Æsir Łódź Ørsted Þór", "oeuvre aesir lodz orsted thor");
    check("İstanbul ıstanbul", "istanbul istanbul");
    check("Tiếng Việt có dấu", "tieng viet co dau");
    check("ﬁnance", "finance");
    /* a decomposed accent stays inside its word */
    check("Cafe\xCC\x81 ok", "cafe ok");
    /* fullwidth letters and digits */
    check("ＡＢＣ１２３", "abc123");
}

static void normalize_greek_cyrillic(void **state)
{
    check("ΑΘΗΝΑ Αθήνα", "αθηνα αθηνα");
    check("ΟΔΟΣ οδός", "οδοσ οδοσ");
    check("МОСКВА Москва", "москва москва");
    check("Ёлка ёлка елка", "елка елка елка");
    /* й and ў are letters of their own, not и and у with a mark */
    check("ЙОГУРТ йогурт", "йогурт йогурт");
    check("Ў ў", "ў ў");
    check("ЄЇІ", "єіі");
}

static void normalize_arabic_persian(void **state)
{
    /* yeh: Arabic ي, Persian ی, alef maksura ى */
    same("علي", "علی");
    same("على", "علی");
    /* kaf: Arabic ك, Persian ک */
    same("كتاب", "کتاب");
    same("ڪتاب", "کتاب");
    /* alef variants */
    same("أحمد", "احمد");
    same("إسلام", "اسلام");
    same("آب", "اب");
    same("ٱلله", "الله");
    /* teh marbuta and heh forms */
    same("مدرسة", "مدرسه");
    same("خانۀ", "خانه");
    /* harakat, shadda, tanwin, superscript alef, hamza marks, tatweel */
    same("مُحَمَّد", "محمد");
    same("كِتَابٌ", "کتاب");
    same("هٰذا", "هذا");
    same("مـــحـــمـــد", "محمد");
    /* digits */
    check("۱۴۰۳ ١٤٠٣ 1403", "1403 1403 1403");
    /* Arabic punctuation separates */
    check("سلام، دنیا؟ خوب؛", "سلام دنيا خوب");
}

static void normalize_zwnj_and_format(void **state)
{
    /* ZWNJ is a word break (normalize.h says why) */
    check("می\xE2\x80\x8Cخواهم", "مي خواهم");
    same("کتاب\xE2\x80\x8Cها", "کتاب ها");
    /* invisible format characters vanish inside a word */
    check("co\xC2\xADoperate", "cooperate");
    check("\xE2\x80\x8Fسلام\xE2\x80\x8E", "سلام");
    check("a\xE2\x80\x8D"
          "b",
          "ab");
    check("\xEF\xBB\xBFhello", "hello");
    /* other spaces and punctuation separate */
    check("a\xC2\xA0"
          "b\xE2\x80\x83"
          "c\xE3\x80\x80"
          "d",
          "a b c d");
    check("«quoted» — dash…", "quoted dash");
    check("a\xE2\x80\x8B"
          "b",
          "a b"); /* zero width space */
}

static void normalize_other_scripts(void **state)
{
    check("東京 タワー", "東京 タワー");
    check("שָׁלוֹם", "שלום");
    check("नमस्ते दुनिया", "नमस्ते दुनिया");
}

static void normalize_invalid_utf8(void **state)
{
    /* a bad byte separates words and is never copied */
    check("ab\xFF"
          "cd",
          "ab cd");
    check("\xC3", "");
    check("x\xED\xA0\x80y", "x y"); /* a surrogate */
    check("\xC0\xAF", "");          /* overlong */
    char *s = norm("\xF4\x90\x80\x80z\xE2\x82");
    assert_true(gz_utf8_valid(s, strlen(s)));
    free(s);
}

/* The words and the bytes they span. */
struct collect {
    char words[16][GZ_WORD_MAX + 1];
    size_t start[16], end[16];
    size_t n;
};

static int collect_word(void *arg, const struct gz_word *w)
{
    struct collect *c = arg;
    if (c->n == 16)
        return 7;
    memcpy(c->words[c->n], w->p, w->len);
    c->words[c->n][w->len] = '\0';
    c->start[c->n] = w->start;
    c->end[c->n] = w->end;
    c->n++;
    return 0;
}

static void normalize_word_offsets(void **state)
{
    struct collect c = {.n = 0};
    const char *text = "  Café\xCC\x81, مُحَمَّد!";
    assert_int_equal(gz_normalize_words(text, strlen(text), collect_word, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.words[0], "cafe");
    assert_int_equal(c.start[0], 2);
    assert_int_equal(c.end[0], 2 + strlen("Café\xCC\x81")); /* the mark included */
    assert_string_equal(c.words[1], "محمد");
    assert_int_equal(c.start[1], strlen("  Café\xCC\x81, "));
    assert_int_equal(c.end[1], strlen(text) - 1);
    /* a callback's non-zero return stops the walk and is returned */
    struct collect many = {.n = 0};
    const char *lots = "a b c d e f g h i j k l m n o p q r s";
    assert_int_equal(gz_normalize_words(lots, strlen(lots), collect_word, &many), 7);
    assert_int_equal(many.n, 16);
}

static void normalize_long_word(void **state)
{
    /* cut at GZ_WORD_MAX bytes, on a character boundary */
    char text[1000];
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        memcpy(text + n, "\xD8\xB3", 2); /* س */
        n += 2;
    }
    text[n++] = 'x';
    text[n] = '\0';
    struct collect c = {.n = 0};
    gz_normalize_words(text, n, collect_word, &c);
    assert_int_equal(c.n, 1);
    size_t len = strlen(c.words[0]);
    assert_true(len <= GZ_WORD_MAX && len >= GZ_WORD_MAX - 3);
    assert_true(gz_utf8_valid(c.words[0], len));
    assert_int_equal(c.end[0], n); /* the span is the whole word */
    /* a word of ASCII letters is cut to exactly GZ_WORD_MAX */
    memset(text, 'a', 500);
    c.n = 0;
    gz_normalize_words(text, 500, collect_word, &c);
    assert_int_equal(strlen(c.words[0]), GZ_WORD_MAX);
}

/* Normalizing normalized text changes nothing, for every code point: the
 * index and the queries agree however often text is normalized. */
static void normalize_idempotent(void **state)
{
    for (uint32_t cp = 1; cp < 0x30000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char once[4], twice[4], enc[4];
        int n = gz_normalize_char(cp, once);
        if (n <= 0)
            continue;
        /* each character of the result is its own normal form */
        size_t pos = 0;
        while (pos < (size_t)n) {
            uint32_t c2;
            int k = gz_utf8_decode(once + pos, (size_t)n - pos, &c2);
            assert_true(k > 0);
            int m = gz_normalize_char(c2, twice);
            int e = gz_utf8_encode(c2, enc);
            if (m != e || memcmp(twice, enc, (size_t)e) != 0)
                fail_msg("U+%04X -> U+%04X is not a fixed point", (unsigned)cp,
                         (unsigned)c2);
            pos += (size_t)k;
        }
    }
    const char *texts[] = {"Ἀθῆναι ΣΟΦΙΑ", "کتاب‌های علمی",
                           "Đặng Thị Ngọc Thịnh ǅ ᾀ"};
    for (size_t i = 0; i < GZ_COUNTOF(texts); i++) {
        char *a = norm(texts[i]), *b = norm(a);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void normalize_buffer_cap(void **state)
{
    struct gz_buf out;
    gz_buf_init(&out, 5);
    assert_int_equal(gz_normalize("abc def", 7, &out), GZ_ETOOBIG);
    assert_string_equal(out.p, "abc");
    gz_buf_free(&out);
}

int gz_test_normalize(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_ascii),
        cmocka_unit_test(normalize_latin),
        cmocka_unit_test(normalize_greek_cyrillic),
        cmocka_unit_test(normalize_arabic_persian),
        cmocka_unit_test(normalize_zwnj_and_format),
        cmocka_unit_test(normalize_other_scripts),
        cmocka_unit_test(normalize_invalid_utf8),
        cmocka_unit_test(normalize_word_offsets),
        cmocka_unit_test(normalize_long_word),
        cmocka_unit_test(normalize_idempotent),
        cmocka_unit_test(normalize_buffer_cap),
    };
    return cmocka_run_group_tests_name("normalize", tests, NULL, NULL);
}
