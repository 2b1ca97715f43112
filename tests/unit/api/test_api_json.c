/* Unit tests of the API's JSON helpers (src/api/api_json.c): RFC 3339
 * dates both ways, opaque cursors, text that is not UTF-8, and the field
 * readers that name the bad field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/apiInt.h"

static int64_t parse(const char *s)
{
    int64_t t = -1;
    return gz_api_time_parse(s, &t) == GZ_OK ? t : -1;
}

static void test_time_parse(void **state)
{
    assert_int_equal(parse("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse("2026-03-01T09:30:00Z"), 1772357400);
    assert_int_equal(parse("2026-03-01t09:30:00z"), 1772357400);
    assert_int_equal(parse("2026-03-01 09:30:00Z"), 1772357400);
    assert_int_equal(parse("2026-03-01T09:30:00.123456Z"), 1772357400);
    assert_int_equal(parse("2026-03-01T13:00:00+03:30"), 1772357400);
    assert_int_equal(parse("2026-03-01T04:30:00-05:00"), 1772357400);
    assert_int_equal(parse("2024-02-29T00:00:00Z"), 1709164800);
    assert_int_equal(parse("2016-12-31T23:59:60Z"), 1483228799); /* leap second */
    static const char *const bad[] = {
        "",
        "2026-03-01",
        "2026-03-01T09:30Z",
        "2026-03-01T09:30:00",
        "2026-03-01T09:30:00+0330",
        "2026-03-01T09:30:00+24:00",
        "2026-13-01T09:30:00Z",
        "2026-02-29T09:30:00Z",
        "2100-02-29T00:00:00Z",
        "2026-03-00T09:30:00Z",
        "2026-03-01T24:00:00Z",
        "2026-03-01T09:60:00Z",
        "2026-03-01T09:30:00.Z",
        "2026-03-01T09:30:00Zjunk",
        "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+01:00",
        "+2026-03-01T09:30:00Z",
        "２026-03-01T09:30:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t t = 7;
        assert_int_equal(gz_api_time_parse(bad[i], &t), GZ_EINVAL);
        assert_int_equal(t, 7);
    }
}

static void test_time_format(void **state)
{
    char buf[40];
    gz_api_time_format(1772357400, buf, sizeof buf);
    assert_string_equal(buf, "2026-03-01T09:30:00Z");
    assert_int_equal(parse(buf), 1772357400);
    json_t *v = gz_api_time(0);
    assert_true(json_is_null(v));
    json_decref(v);
    v = gz_api_time(86400);
    assert_string_equal(json_string_value(v), "1970-01-02T00:00:00Z");
    json_decref(v);
}

static void test_cursors(void **state)
{
    struct gz_arena a;
    gz_arena_init(&a, 0);
    int64_t x, y;
    char *c = gz_api_cursor_encode(&a, GZ_CURSOR_ARTICLES, 1772357400, 42);
    assert_null(strpbrk(c, "+/=")); /* safe in a query string as it is */
    assert_int_equal(gz_api_cursor_decode(c, GZ_CURSOR_ARTICLES, &x, &y), GZ_OK);
    assert_int_equal(x, 1772357400);
    assert_int_equal(y, 42);
    /* A cursor of another list, or changed by hand, is refused. */
    assert_int_equal(gz_api_cursor_decode(c, GZ_CURSOR_OFFSET, &x, &y), GZ_EINVAL);
    char *cut = gz_arena_strndup(&a, c, strlen(c) - 1);
    assert_int_equal(gz_api_cursor_decode(cut, GZ_CURSOR_ARTICLES, &x, &y), GZ_EINVAL);
    char *longer = gz_arena_printf(&a, "%sAA", c);
    assert_int_equal(gz_api_cursor_decode(longer, GZ_CURSOR_ARTICLES, &x, &y), GZ_EINVAL);
    assert_int_equal(gz_api_cursor_decode("", GZ_CURSOR_ARTICLES, &x, &y), GZ_EINVAL);
    assert_int_equal(gz_api_cursor_decode("not a cursor!", GZ_CURSOR_ARTICLES, &x, &y),
                     GZ_EINVAL);
    assert_int_equal(gz_api_cursor_decode(NULL, GZ_CURSOR_ARTICLES, &x, &y), GZ_EINVAL);
    /* Negative numbers never come from us. */
    char *neg = gz_api_cursor_encode(&a, GZ_CURSOR_ARTICLES, -1, 5);
    assert_int_equal(gz_api_cursor_decode(neg, GZ_CURSOR_ARTICLES, &x, &y), GZ_EINVAL);
    gz_arena_free(&a);
}

static void test_string_not_utf8(void **state)
{
    json_t *v = gz_api_string("a\xff"
                              "b\xc3");
    assert_non_null(v);
    assert_string_equal(json_string_value(v), "a\xef\xbf\xbd"
                                              "b\xef\xbf\xbd");
    json_decref(v);
    v = gz_api_string(NULL);
    assert_string_equal(json_string_value(v), "");
    json_decref(v);
    v = gz_api_string("\xd9\x85\xd9\x82");
    assert_string_equal(json_string_value(v), "\xd9\x85\xd9\x82");
    json_decref(v);
}

/* The fields named in errors, joined by spaces. */
static char *fields_of(json_t *errors, char *buf, size_t cap)
{
    buf[0] = 0;
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        size_t n = strlen(buf);
        snprintf(buf + n, cap - n, "%s%s", n ? " " : "",
                 json_string_value(json_object_get(e, "field")));
    }
    return buf;
}

static void test_field_readers(void **state)
{
    json_error_t je;
    json_t *obj =
        json_loads("{\"title\": \"Hi\", \"blank\": \"  \", \"num\": 3, "
                   "\"line\": \"a\\nb\", \"text\": \"a\\n\\tb\", "
                   "\"long\": \"abcdef\", \"id\": 7, \"neg\": -7, \"flag\": true, "
                   "\"when\": \"2026-03-01T09:30:00Z\", \"never\": null, "
                   "\"bad_time\": \"tomorrow\", \"extra\": 1}",
                   0, &je);
    assert_non_null(obj);
    json_t *errors = gz_api_errors_new();
    const char *s = NULL;
    int64_t n = 0;
    int b = 0;
    char buf[200];
    assert_int_equal(
        gz_api_get_string(obj, "title", 10, GZ_API_LINE | GZ_API_NONBLANK, &s, errors),
        1);
    assert_string_equal(s, "Hi");
    assert_int_equal(gz_api_get_string(obj, "absent", 10, GZ_API_LINE, &s, errors), 0);
    assert_int_equal(gz_api_get_string(obj, "blank", 10, GZ_API_NONBLANK, &s, errors),
                     -1);
    assert_int_equal(gz_api_get_string(obj, "num", 10, GZ_API_LINE, &s, errors), -1);
    assert_int_equal(gz_api_get_string(obj, "line", 10, GZ_API_LINE, &s, errors), -1);
    assert_int_equal(gz_api_get_string(obj, "text", 10, GZ_API_TEXT, &s, errors), 1);
    assert_int_equal(gz_api_get_string(obj, "long", 5, GZ_API_LINE, &s, errors), -1);
    assert_int_equal(gz_api_get_id(obj, "id", &n, errors), 1);
    assert_int_equal(n, 7);
    assert_int_equal(gz_api_get_id(obj, "neg", &n, errors), -1);
    assert_int_equal(gz_api_get_id(obj, "title", &n, errors), -1);
    assert_int_equal(gz_api_get_bool(obj, "flag", &b, errors), 1);
    assert_true(b);
    assert_int_equal(gz_api_get_bool(obj, "num", &b, errors), -1);
    assert_int_equal(gz_api_get_time(obj, "when", &n, errors), 1);
    assert_int_equal(n, 1772357400);
    assert_int_equal(gz_api_get_time(obj, "never", &n, errors), 1);
    assert_int_equal(n, 0);
    assert_int_equal(gz_api_get_time(obj, "bad_time", &n, errors), -1);
    assert_string_equal(fields_of(errors, buf, sizeof buf),
                        "blank num line long neg title num bad_time");
    json_decref(errors);

    errors = gz_api_errors_new();
    static const char *const allowed[] = {"title", "blank",    "num", "line", "text",
                                          "long",  "id",       "neg", "flag", "when",
                                          "never", "bad_time", NULL};
    gz_api_check_fields(obj, allowed, errors);
    assert_string_equal(fields_of(errors, buf, sizeof buf), "extra");
    json_decref(errors);
    json_decref(obj);
}

static void test_parse_id(void **state)
{
    int64_t id = 0;
    assert_int_equal(gz_api_parse_id(GZ_STR("42"), &id), GZ_OK);
    assert_int_equal(id, 42);
    assert_int_equal(gz_api_parse_id(GZ_STR("9223372036854775807"), &id), GZ_OK);
    static const char *const bad[] = {
        "", "0", "042", "-1", "+1", "1x", " 1", "9223372036854775808", "1 OR 1=1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(gz_api_parse_id((struct gz_str){bad[i], strlen(bad[i])}, &id),
                         GZ_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parse),    cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_cursors),       cmocka_unit_test(test_string_not_utf8),
        cmocka_unit_test(test_field_readers), cmocka_unit_test(test_parse_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
