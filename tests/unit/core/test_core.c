/* Unit tests of src/core: UTF-8, capped buffers, integer parsing.
 * Run one test with: test_core <glob>, e.g. test_core 'utf8_*'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/utf8.h"

/* ---- utf8 ---- */

static int decode(const char *s, size_t len, uint32_t *cp)
{
    *cp = 0xDEADBEEF;
    return gz_utf8_decode(s, len, cp);
}

static void utf8_decode_valid(void **state)
{
    uint32_t cp;
    assert_int_equal(decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(decode("\0", 1, &cp), 1);
    assert_int_equal(cp, 0);
    assert_int_equal(decode("\xC2\x80", 2, &cp), 2); /* smallest 2-byte */
    assert_int_equal(cp, 0x80);
    assert_int_equal(decode("\xDF\xBF", 2, &cp), 2);
    assert_int_equal(cp, 0x7FF);
    assert_int_equal(decode("\xE0\xA0\x80", 3, &cp), 3); /* smallest 3-byte */
    assert_int_equal(cp, 0x800);
    assert_int_equal(decode("\xD8\xB3", 2, &cp), 2); /* Arabic seen */
    assert_int_equal(cp, 0x633);
    assert_int_equal(decode("\xED\x9F\xBF", 3, &cp), 3); /* just below surrogates */
    assert_int_equal(cp, 0xD7FF);
    assert_int_equal(decode("\xEE\x80\x80", 3, &cp), 3); /* just above */
    assert_int_equal(cp, 0xE000);
    assert_int_equal(decode("\xEF\xBF\xBF", 3, &cp), 3);
    assert_int_equal(cp, 0xFFFF);
    assert_int_equal(decode("\xF0\x90\x80\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x10000);
    assert_int_equal(decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
    /* only the first character is decoded */
    assert_int_equal(decode("\xC3\xA9xyz", 5, &cp), 2);
    assert_int_equal(cp, 0xE9);
}

static void utf8_decode_invalid(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"", 0},                 /* nothing */
        {"\x80", 1},             /* stray continuation */
        {"\xBF", 1},             /* stray continuation */
        {"\xC0\x80", 2},         /* overlong NUL */
        {"\xC1\xBF", 2},         /* overlong 0x7F */
        {"\xE0\x80\x80", 3},     /* overlong 3-byte */
        {"\xE0\x9F\xBF", 3},     /* overlong U+07FF */
        {"\xF0\x80\x80\x80", 4}, /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 4}, /* overlong U+FFFF */
        {"\xED\xA0\x80", 3},     /* U+D800, a surrogate */
        {"\xED\xBF\xBF", 3},     /* U+DFFF */
        {"\xF4\x90\x80\x80", 4}, /* U+110000 */
        {"\xF5\x80\x80\x80", 4}, /* lead byte beyond range */
        {"\xFF", 1},             /* never valid */
        {"\xC3", 1},             /* truncated 2-byte */
        {"\xE2\x82", 2},         /* truncated 3-byte */
        {"\xF0\x9F\x98", 3},     /* truncated 4-byte */
        {"\xC3\x28", 2},         /* continuation missing */
        {"\xE2\x28\xA1", 3},     /* continuation missing */
        {"\xF0\x9F\x98\x41", 4}, /* last continuation missing */
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        uint32_t cp = 0x12345;
        int rc = gz_utf8_decode(bad[i].s, bad[i].len, &cp);
        if (rc >= 0)
            fail_msg("case %zu decoded to %d bytes", i, rc);
        assert_int_equal(cp, 0x12345);
    }
    /* a truncated sequence is refused even when more bytes follow in
     * memory beyond len */
    uint32_t cp;
    assert_true(gz_utf8_decode("\xC3\xA9", 1, &cp) < 0);
}

static void utf8_valid_strings(void **state)
{
    const char *fa = "سلام دنیا";
    assert_int_equal(gz_utf8_valid("", 0), 1);
    assert_int_equal(gz_utf8_valid(fa, strlen(fa)), 1);
    assert_int_equal(gz_utf8_valid("a\0b", 3), 1);
    assert_int_equal(gz_utf8_valid("emoji \xF0\x9F\x98\x80!", 11), 1);
    assert_int_equal(gz_utf8_valid("abc\xC3", 4), 0);
    assert_int_equal(gz_utf8_valid("abc\xC0\xAF", 5), 0);
    assert_int_equal(gz_utf8_valid("\xED\xA0\x80", 3), 0);
    assert_int_equal(gz_utf8_valid("ok\xFE", 3), 0);
    /* length is respected: the invalid byte lies beyond it */
    assert_int_equal(gz_utf8_valid("ok\xFF", 2), 1);
}

static void utf8_floor_boundaries(void **state)
{
    /* "aé€😀": a(0) é(1-2) €(3-5) 😀(6-9), length 10 */
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    size_t len = 10;
    static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10};
    for (size_t pos = 0; pos < GZ_COUNTOF(want); pos++) {
        size_t got = gz_utf8_floor(s, len, pos);
        if (got != want[pos])
            fail_msg("floor(%zu) = %zu, want %zu", pos, got, want[pos]);
    }
    /* stray continuation bytes: nothing to protect, no step back */
    assert_int_equal(gz_utf8_floor("ab\x80\x80", 4, 3), 3);
    assert_int_equal(gz_utf8_floor("a\xC3\xA9\x80", 4, 3), 3);
}

static void utf8_encode_roundtrip(void **state)
{
    static const uint32_t cps[] = {0,     0x41,   0x7F,   0x80,    0x7FF,   0x800,
                                   0x633, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < GZ_COUNTOF(cps); i++) {
        char buf[4];
        uint32_t back = 0;
        int n = gz_utf8_encode(cps[i], buf);
        assert_int_equal(gz_utf8_decode(buf, (size_t)n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    char buf[4];
    assert_int_equal(gz_utf8_encode(0xD800, buf), 3);
    assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
    assert_int_equal(gz_utf8_encode(0x110000, buf), 3);
    assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
}

/* ---- gz_buf ---- */

static void buf_cap_too_big(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 8);
    assert_int_equal(gz_buf_puts(&b, "12345"), GZ_OK);
    assert_int_equal(gz_buf_puts(&b, "6789"), GZ_ETOOBIG);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.p, "12345");
    assert_int_equal(gz_buf_puts(&b, "678"), GZ_OK); /* exactly max */
    assert_int_equal(b.len, 8);
    assert_string_equal(b.p, "12345678");
    assert_int_equal(gz_buf_putc(&b, 'x'), GZ_ETOOBIG);
    assert_int_equal(gz_buf_printf(&b, "%d", 1), GZ_ETOOBIG);
    assert_int_equal(gz_buf_put_html(&b, "<", 1), GZ_ETOOBIG);
    assert_string_equal(b.p, "12345678");
    /* a huge length must not wrap around the check */
    assert_int_equal(gz_buf_append(&b, "x", SIZE_MAX), GZ_ETOOBIG);
    assert_int_equal(b.len, 8);
    gz_buf_free(&b);
}

static void buf_append_reset_take(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    /* growth past the first chunk keeps earlier bytes */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(gz_buf_putc(&b, (char)('a' + i % 26)), GZ_OK);
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.p[1000], '\0');
    assert_int_equal(b.p[27], 'b');
    gz_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.p, "");
    assert_int_equal(gz_buf_append(&b, "a\0b", 3), GZ_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.p, "a\0b", 4);
    char *taken = gz_buf_take(&b);
    assert_memory_equal(taken, "a\0b", 4);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    free(taken);
    /* taking an untouched buffer gives an empty heap string */
    taken = gz_buf_take(&b);
    assert_string_equal(taken, "");
    free(taken);
    gz_buf_free(&b);
}

static void buf_printf(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 64);
    assert_int_equal(gz_buf_printf(&b, "%s=%d;", "n", -42), GZ_OK);
    assert_int_equal(gz_buf_printf(&b, "%05.1f|%x", 3.14159, 255u), GZ_OK);
    assert_string_equal(b.p, "n=-42;003.1|ff");
    assert_int_equal(b.len, strlen("n=-42;003.1|ff"));
    /* output that would pass the cap is refused whole */
    assert_int_equal(gz_buf_printf(&b, "%60s", "x"), GZ_ETOOBIG);
    assert_string_equal(b.p, "n=-42;003.1|ff");
    gz_buf_free(&b);
}

static void buf_put_html(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 256);
    const char *in = "<a href=\"x\" title='y'>Tom & Jerry</a>";
    assert_int_equal(gz_buf_put_html(&b, in, strlen(in)), GZ_OK);
    assert_string_equal(b.p, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; "
                             "Jerry&lt;/a&gt;");
    gz_buf_reset(&b);
    /* only n bytes are read; UTF-8 passes through untouched */
    assert_int_equal(gz_buf_put_html(&b, "سلام<b", 9), GZ_OK);
    assert_string_equal(b.p, "سلام&lt;");
    gz_buf_free(&b);
    /* escaping that would pass the cap fails */
    gz_buf_init(&b, 6);
    assert_int_equal(gz_buf_puts(&b, "ab"), GZ_OK);
    assert_int_equal(gz_buf_put_html(&b, "&&", 2), GZ_ETOOBIG);
    assert_string_equal(b.p, "ab");
    gz_buf_free(&b);
}

/* core.h promises that a failed append leaves the buffer as it was; for
 * gz_buf_put_html that must hold even when the overflow comes after some
 * plain bytes were already copied. */
static void buf_put_html_atomic(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 6);
    assert_int_equal(gz_buf_puts(&b, "ab"), GZ_OK);
    assert_int_equal(gz_buf_put_html(&b, "x&y", 3), GZ_ETOOBIG);
    assert_string_equal(b.p, "ab");
    assert_int_equal(b.len, 2);
    gz_buf_free(&b);
}

/* ---- gz_parse_i64 ---- */

static void parse_i64_good(void **state)
{
    int64_t v = 7;
    assert_int_equal(gz_parse_i64("0", 1, INT64_MIN, INT64_MAX, &v), GZ_OK);
    assert_int_equal(v, 0);
    assert_int_equal(gz_parse_i64("-17", 3, INT64_MIN, INT64_MAX, &v), GZ_OK);
    assert_int_equal(v, -17);
    assert_int_equal(gz_parse_i64("+17", 3, INT64_MIN, INT64_MAX, &v), GZ_OK);
    assert_int_equal(v, 17);
    assert_int_equal(gz_parse_i64("9223372036854775807", 19, INT64_MIN, INT64_MAX, &v),
                     GZ_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(gz_parse_i64("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &v),
                     GZ_OK);
    assert_true(v == INT64_MIN);
    /* only len bytes count */
    assert_int_equal(gz_parse_i64("123abc", 3, 0, 1000, &v), GZ_OK);
    assert_int_equal(v, 123);
    assert_int_equal(gz_parse_i64("0007", 4, 0, 10, &v), GZ_OK);
    assert_int_equal(v, 7);
}

static void parse_i64_bad(void **state)
{
    static const char *const bad[] = {
        "",
        "-",
        "+",
        " 1",
        "1 ",
        "1a",
        "0x10",
        "--1",
        "+-1",
        "1.5",
        "1e3",
        "١٢",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "99999999999999999999",
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        int64_t v = 42;
        int rc = gz_parse_i64(bad[i], strlen(bad[i]), INT64_MIN, INT64_MAX, &v);
        if (rc != GZ_EINVAL)
            fail_msg("\"%s\" gave %d", bad[i], rc);
        assert_int_equal(v, 42); /* out untouched on failure */
    }
}

static void parse_i64_range(void **state)
{
    int64_t v = 42;
    assert_int_equal(gz_parse_i64("10", 2, 1, 10, &v), GZ_OK);
    assert_int_equal(v, 10);
    assert_int_equal(gz_parse_i64("11", 2, 1, 10, &v), GZ_EINVAL);
    assert_int_equal(gz_parse_i64("0", 1, 1, 10, &v), GZ_EINVAL);
    assert_int_equal(gz_parse_i64("-1", 2, 0, 10, &v), GZ_EINVAL);
    assert_int_equal(v, 10);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_decode_valid),     cmocka_unit_test(utf8_decode_invalid),
        cmocka_unit_test(utf8_valid_strings),    cmocka_unit_test(utf8_floor_boundaries),
        cmocka_unit_test(utf8_encode_roundtrip), cmocka_unit_test(buf_cap_too_big),
        cmocka_unit_test(buf_append_reset_take), cmocka_unit_test(buf_printf),
        cmocka_unit_test(buf_put_html),          cmocka_unit_test(buf_put_html_atomic),
        cmocka_unit_test(parse_i64_good),        cmocka_unit_test(parse_i64_bad),
        cmocka_unit_test(parse_i64_range),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
