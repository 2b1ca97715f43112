/* Unit tests of the HTTP helpers: path decoding, content negotiation and
 * ETag matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

#define S(lit) ((struct gz_str){lit, sizeof(lit) - 1})

static void decode_ok(void **state)
{
    char out[64];
    size_t n;
    assert_int_equal(gz_http_decode_path("/a%20b", 6, out, sizeof out, &n), GZ_OK);
    assert_string_equal(out, "/a b");
    assert_int_equal(n, 4);
    /* A Persian slug as a browser sends it. */
    const char *fa = "/2026/11/%D8%B3%D9%84%D8%A7%D9%85";
    assert_int_equal(gz_http_decode_path(fa, strlen(fa), out, sizeof out, &n), GZ_OK);
    assert_string_equal(out, "/2026/11/سلام");
    /* Escapes in either case. */
    assert_int_equal(gz_http_decode_path("/%2e%2E", 7, out, sizeof out, &n), GZ_OK);
    assert_string_equal(out, "/..");
}

static void decode_bad(void **state)
{
    char out[8];
    size_t n;
    assert_int_equal(gz_http_decode_path("/%zz", 4, out, sizeof out, &n), GZ_EINVAL);
    assert_int_equal(gz_http_decode_path("/%2", 3, out, sizeof out, &n), GZ_EINVAL);
    assert_int_equal(gz_http_decode_path("/%", 2, out, sizeof out, &n), GZ_EINVAL);
    assert_int_equal(gz_http_decode_path("/a%00b", 6, out, sizeof out, &n), GZ_EINVAL);
    /* Does not fit: never writes past the buffer. */
    assert_int_equal(gz_http_decode_path("/abcdefghij", 11, out, sizeof out, &n), GZ_EINVAL);
}

static struct gz_page page_with(int gzip, int br)
{
    struct gz_page p;
    memset(&p, 0, sizeof p);
    p.body[GZ_ENC_IDENTITY] = S("identity");
    if (gzip)
        p.body[GZ_ENC_GZIP] = S("g");
    if (br)
        p.body[GZ_ENC_BROTLI] = S("b");
    return p;
}

static void negotiation(void **state)
{
    struct gz_page both = page_with(1, 1), gz_only = page_with(1, 0), none = page_with(0, 0);
    assert_int_equal(gz_http_pick_encoding(S(""), &both), GZ_ENC_IDENTITY);
    assert_int_equal(gz_http_pick_encoding(S("gzip, deflate, br"), &both), GZ_ENC_BROTLI);
    assert_int_equal(gz_http_pick_encoding(S("gzip"), &both), GZ_ENC_GZIP);
    assert_int_equal(gz_http_pick_encoding(S("GZIP"), &both), GZ_ENC_GZIP);
    assert_int_equal(gz_http_pick_encoding(S("br;q=0, gzip"), &both), GZ_ENC_GZIP);
    assert_int_equal(gz_http_pick_encoding(S("br;q=0.0, gzip;q=0"), &both), GZ_ENC_IDENTITY);
    assert_int_equal(gz_http_pick_encoding(S("br;q=0.5"), &both), GZ_ENC_BROTLI);
    assert_int_equal(gz_http_pick_encoding(S("br;q=0.001"), &both), GZ_ENC_BROTLI);
    assert_int_equal(gz_http_pick_encoding(S("br"), &gz_only), GZ_ENC_IDENTITY);
    assert_int_equal(gz_http_pick_encoding(S("br, gzip"), &gz_only), GZ_ENC_GZIP);
    assert_int_equal(gz_http_pick_encoding(S("gzip, br"), &none), GZ_ENC_IDENTITY);
    /* "brotli" and "xgzip" are other codings, not ours. */
    assert_int_equal(gz_http_pick_encoding(S("brotli, xgzip"), &both), GZ_ENC_IDENTITY);
}

static void etags(void **state)
{
    const char *tag = "\"abc\"";
    assert_true(gz_http_etag_matches(S("\"abc\""), tag, 5));
    assert_true(gz_http_etag_matches(S("W/\"abc\""), tag, 5));
    assert_true(gz_http_etag_matches(S("\"x\", \"abc\""), tag, 5));
    assert_true(gz_http_etag_matches(S("*"), tag, 5));
    assert_false(gz_http_etag_matches(S("\"abcd\""), tag, 5));
    assert_false(gz_http_etag_matches(S("abc"), tag, 5));
    assert_false(gz_http_etag_matches(S(""), tag, 5));
    /* A weak stored tag matches its strong or weak form. */
    assert_true(gz_http_etag_matches(S("\"abc\""), "W/\"abc\"", 7));
    assert_true(gz_http_etag_matches(S("W/\"abc\""), "W/\"abc\"", 7));
    assert_false(gz_http_etag_matches(S("W/\"abd\""), "W/\"abc\"", 7));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_ok),
        cmocka_unit_test(decode_bad),
        cmocka_unit_test(negotiation),
        cmocka_unit_test(etags),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
