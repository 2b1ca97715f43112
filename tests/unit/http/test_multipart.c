/* Unit tests of multipart/form-data parsing (http/multipart.h): what
 * browsers send, what RFC 2046 allows besides, and bodies that must be
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/multipart.h"

#define S(lit) ((struct gz_str){lit, sizeof(lit) - 1})
#define CT "multipart/form-data; boundary=XyZ"

struct result {
    struct gz_arena arena;
    struct gz_multipart_part *parts;
    size_t n;
    char err[160];
    int rc;
};

static void parse(struct result *r, struct gz_str ct, const char *body, size_t len)
{
    memset(r, 0, sizeof *r);
    r->rc = gz_multipart_parse(&r->arena, ct, body, len, &r->parts, &r->n, r->err,
                               sizeof r->err);
}

#define PARSE(r, ct, lit) parse(r, S(ct), lit, sizeof(lit) - 1)

static void assert_data(const struct gz_multipart_part *p, const char *want, size_t len)
{
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, want, len);
}

static void browser_upload(void **state)
{
    struct result r;
    static const char body[] =
        "------WebKitFormBoundaryAb12\r\n"
        "Content-Disposition: form-data; name=\"_csrf\"\r\n"
        "\r\n"
        "tok123\r\n"
        "------WebKitFormBoundaryAb12\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
        "Content-Type: image/png\r\n"
        "\r\n"
        "\x89PNG\r\n\x1a\n\0\0binary\r\n--not-the-boundary\r\n"
        "------WebKitFormBoundaryAb12--\r\n";
    PARSE(&r, "multipart/form-data; boundary=----WebKitFormBoundaryAb12", body);
    assert_int_equal(r.rc, GZ_OK);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.parts[0].name, "_csrf");
    assert_null(r.parts[0].filename);
    assert_null(r.parts[0].content_type);
    assert_data(&r.parts[0], "tok123", 6);
    assert_string_equal(r.parts[1].name, "file");
    assert_string_equal(r.parts[1].filename, "photo.png");
    assert_string_equal(r.parts[1].content_type, "image/png");
    /* Binary bytes, NULs and a CRLF-- that is not our boundary stay data. */
    static const char data[] = "\x89PNG\r\n\x1a\n\0\0binary\r\n--not-the-boundary";
    assert_data(&r.parts[1], data, sizeof data - 1);
    /* Data points into the body, not a copy. */
    assert_true(r.parts[1].data > body && r.parts[1].data < body + sizeof body);
    assert_ptr_equal(gz_multipart_get(r.parts, r.n, "file"), &r.parts[1]);
    assert_null(gz_multipart_get(r.parts, r.n, "nope"));
    gz_arena_free(&r.arena);
}

static void header_forms(void **state)
{
    struct result r;
    /* Case-insensitive type and header names, a quoted boundary with a
     * space, a preamble, transport padding, a token (unquoted) name, a
     * Windows path whose backslashes stay, an escaped quote, and an empty
     * file field as a browser sends it when nothing was chosen. */
    static const char body[] =
        "This is the preamble.\r\n"
        "--a b:c  \r\n"
        "content-disposition: Form-Data; name=title\r\n"
        "\r\n"
        "Hello\r\n"
        "--a b:c\r\n"
        "CONTENT-DISPOSITION: form-data; filename=\"C:\\dir\\x \\\"q\\\".gif\";"
        " name=\"file\"\r\n"
        "\r\n"
        "GIF89a\r\n"
        "--a b:c\r\n"
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n"
        "--a b:c--\r\n"
        "epilogue";
    PARSE(&r, "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"", body);
    assert_int_equal(r.rc, GZ_OK);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.parts[0].name, "title");
    assert_data(&r.parts[0], "Hello", 5);
    assert_string_equal(r.parts[1].name, "file");
    assert_string_equal(r.parts[1].filename, "C:\\dir\\x \"q\".gif");
    assert_data(&r.parts[1], "GIF89a", 6);
    assert_string_equal(r.parts[2].filename, "");
    assert_int_equal(r.parts[2].len, 0);
    gz_arena_free(&r.arena);
}

static void empty_form(void **state)
{
    struct result r;
    PARSE(&r, CT, "--XyZ--\r\n");
    assert_int_equal(r.rc, GZ_OK);
    assert_int_equal(r.n, 0);
    gz_arena_free(&r.arena);
}

static void bad_content_type(void **state)
{
    static const char *const cts[] = {
        "application/x-www-form-urlencoded",
        "multipart/form-data",                  /* no boundary */
        "multipart/form-data; boundary=",       /* empty */
        "multipart/form-data; boundary=\"open", /* unclosed quote */
        "multipart/form-data; boundary=a\x01b", /* not a bchar */
        "multipart/mixed; boundary=XyZ",        /* not form-data */
        "multipart/form-dataX; boundary=XyZ",
        "multipart/form-data; boundary=01234567890123456789012345678901234567890123456789"
        "012345678901234567890", /* 71 characters */
    };
    for (size_t i = 0; i < GZ_COUNTOF(cts); i++) {
        struct result r;
        parse(&r, (struct gz_str){cts[i], strlen(cts[i])}, "--XyZ--", 7);
        assert_int_equal(r.rc, GZ_EINVAL);
        assert_true(r.err[0]);
        assert_null(r.parts);
        assert_int_equal(r.n, 0);
        gz_arena_free(&r.arena);
    }
    struct result r;
    parse(&r, (struct gz_str){NULL, 0}, "--XyZ--", 7);
    assert_int_equal(r.rc, GZ_EINVAL);
    gz_arena_free(&r.arena);
}

static void bad_bodies(void **state)
{
    static const char *const bodies[] = {
        "",
        "no boundary at all",
        /* never closed */
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--XyZ",
        /* ends inside the headers */
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
        /* no name */
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--",
        "--XyZ\r\n\r\nno headers\r\n--XyZ--",
        /* not form-data */
        "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--",
        /* an unterminated quoted name */
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--",
        /* text after a quoted string */
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\"b\r\n\r\nv\r\n--XyZ--",
        /* a header line without a colon, a folded line */
        "--XyZ\r\nContent-Disposition: form-data; "
        "name=\"a\"\r\nbogus\r\n\r\nv\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nv\r\n--XyZ--",
        /* the boundary followed by junk instead of CRLF */
        "--XyZjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--",
        /* LF-only line ends */
        "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XyZ--",
    };
    for (size_t i = 0; i < GZ_COUNTOF(bodies); i++) {
        struct result r;
        parse(&r, S(CT), bodies[i], strlen(bodies[i]));
        if (r.rc != GZ_EINVAL)
            fail_msg("body %zu: rc %d", i, r.rc);
        assert_true(r.err[0]);
        assert_null(r.parts);
        gz_arena_free(&r.arena);
    }
    /* A NUL byte in the headers. */
    struct result r;
    static const char nul[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\n"
        "v\r\n--XyZ--";
    parse(&r, S(CT), nul, sizeof nul - 1);
    assert_int_equal(r.rc, GZ_EINVAL);
    gz_arena_free(&r.arena);
}

static void limits(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    for (int i = 0; i < GZ_MULTIPART_MAX_PARTS; i++)
        assert_int_equal(gz_buf_printf(&b,
                                       "--XyZ\r\nContent-Disposition: form-data; "
                                       "name=\"f%d\"\r\n\r\n%d\r\n",
                                       i, i),
                         GZ_OK);
    size_t at_max = b.len;
    assert_int_equal(gz_buf_puts(&b, "--XyZ--"), GZ_OK);
    struct result r;
    parse(&r, S(CT), b.p, b.len);
    assert_int_equal(r.rc, GZ_OK);
    assert_int_equal(r.n, GZ_MULTIPART_MAX_PARTS);
    assert_string_equal(r.parts[GZ_MULTIPART_MAX_PARTS - 1].name, "f63");
    gz_arena_free(&r.arena);
    /* One more part is too many. */
    b.len = at_max;
    assert_int_equal(gz_buf_puts(&b,
                                 "--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n"
                                 "\r\nv\r\n--XyZ--"),
                     GZ_OK);
    parse(&r, S(CT), b.p, b.len);
    assert_int_equal(r.rc, GZ_ETOOBIG);
    assert_null(r.parts);
    gz_arena_free(&r.arena);
    /* A header block past 8 KiB is refused, not searched to the end. */
    gz_buf_reset(&b);
    assert_int_equal(gz_buf_puts(&b,
                                 "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                                 "X-Long: "),
                     GZ_OK);
    for (int i = 0; i < 9000; i++)
        assert_int_equal(gz_buf_putc(&b, 'a'), GZ_OK);
    assert_int_equal(gz_buf_puts(&b, "\r\n\r\nv\r\n--XyZ--"), GZ_OK);
    parse(&r, S(CT), b.p, b.len);
    assert_int_equal(r.rc, GZ_EINVAL);
    assert_non_null(strstr(r.err, "too long"));
    gz_arena_free(&r.arena);
    gz_buf_free(&b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(browser_upload), cmocka_unit_test(header_forms),
        cmocka_unit_test(empty_form),     cmocka_unit_test(bad_content_type),
        cmocka_unit_test(bad_bodies),     cmocka_unit_test(limits),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
