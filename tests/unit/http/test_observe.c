/* Unit tests of what operators observe: the access-log line, the /metrics
 * address ranges, request ids, and the error log's levels, files and
 * request ids. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "http/accesslog.h"
#include "http/http.h"

#define S(lit) ((struct gz_str){lit, sizeof(lit) - 1})

/* ---- access-log lines ------------------------------------------------------- */

static struct gz_access_entry sample(void)
{
    struct gz_access_entry e = {
        .host = S("192.0.2.7"),
        .date = S("29/Nov/2026:09:30:00 +0000"),
        .method = S("GET"),
        .target = S("/2026/11/budget?x=1"),
        .protocol = S("HTTP/1.1"),
        .status = 200,
        .bytes = 5120,
        .referer = S("https://example.org/"),
        .user_agent = S("Mozilla/5.0 (X11)"),
        .request_id = S("abc-1"),
        .duration_ns = 412345,
    };
    return e;
}

static char *format(const struct gz_access_entry *e)
{
    static char line[GZ_ACCESSLOG_LINE_MAX];
    size_t n = gz_accesslog_format(line, sizeof line, e);
    assert_true(n > 0 && n < sizeof line);
    assert_int_equal(line[n - 1], '\n');
    assert_null(memchr(line, '\n', n - 1)); /* exactly one line */
    line[n] = '\0';
    return line;
}

static void line_combined(void **state)
{
    struct gz_access_entry e = sample();
    assert_string_equal(
        format(&e), "192.0.2.7 - - [29/Nov/2026:09:30:00 +0000] "
                    "\"GET /2026/11/budget?x=1 HTTP/1.1\" 200 5120 "
                    "\"https://example.org/\" \"Mozilla/5.0 (X11)\" abc-1 0.000412\n");
}

static void line_empty_fields(void **state)
{
    struct gz_access_entry e = sample();
    e.referer = S("");
    e.user_agent = (struct gz_str){NULL, 0};
    e.bytes = 0;
    e.duration_ns = 2500000000u;
    assert_string_equal(
        format(&e),
        "192.0.2.7 - - [29/Nov/2026:09:30:00 +0000] "
        "\"GET /2026/11/budget?x=1 HTTP/1.1\" 200 0 \"-\" \"-\" abc-1 2.500000\n");
}

static void line_escapes(void **state)
{
    struct gz_access_entry e = sample();
    /* A user agent trying to close the quote, forge a second line and ring
     * the terminal. */
    e.user_agent = S("evil\" 200 0\r\n127.0.0.1 - - \x1b[31m\\");
    e.referer = S("caf\xc3\xa9");
    e.target = S("/a b\"c");
    char *line = format(&e);
    assert_non_null(
        strstr(line, "\"evil\\\" 200 0\\x0D\\x0A127.0.0.1 - - \\x1B[31m\\\\\""));
    assert_non_null(strstr(line, "\"caf\\xC3\\xA9\""));
    /* Unquoted inside the request line: spaces are escaped too, so the
     * method, target and protocol stay three words. */
    assert_non_null(strstr(line, "\"GET /a\\x20b\\\"c HTTP/1.1\""));
}

static void line_caps(void **state)
{
    struct gz_access_entry e = sample();
    char *big = malloc(100000);
    memset(big, '"', 100000);
    e.user_agent = (struct gz_str){big, 100000};
    e.target = (struct gz_str){big, 100000};
    e.referer = (struct gz_str){big, 100000};
    char *line = format(&e);
    assert_true(strlen(line) < GZ_ACCESSLOG_LINE_MAX);
    assert_non_null(strstr(line, "...\""));
    /* Too small a buffer: nothing, rather than half a line. */
    char small[16];
    assert_int_equal(gz_accesslog_format(small, sizeof small, &e), 0);
    free(big);
}

static void buffer_flushes_to_file(void **state)
{
    char path[] = "/tmp/gz-accesslog-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct gz_accesslog *log;
    char err[256];
    assert_int_equal(gz_accesslog_open(path, &log, err, sizeof err), GZ_OK);
    struct gz_accesslog_buf b;
    gz_accesslog_buf_init(&b, log);
    struct gz_access_entry e = sample();
    gz_accesslog_add(&b, &e, 1000);
    gz_accesslog_tick(&b, 1000 + GZ_ACCESSLOG_DELAY_MS - 1);
    assert_true(b.len > 0); /* not yet */
    gz_accesslog_tick(&b, 1000 + GZ_ACCESSLOG_DELAY_MS);
    assert_int_equal(b.len, 0);
    /* Many lines: the buffer is written whenever it nearly fills. */
    for (int i = 0; i < 2000; i++)
        gz_accesslog_add(&b, &e, 2000);
    assert_true(b.len < GZ_ACCESSLOG_BUF_SIZE);
    gz_accesslog_buf_free(&b);
    gz_accesslog_close(log);
    FILE *f = fopen(path, "r");
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        assert_string_equal(line, format(&e));
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 2001);
    unlink(path);

    assert_int_equal(gz_accesslog_open("off", &log, err, sizeof err), GZ_OK);
    assert_null(log);
    assert_int_equal(gz_accesslog_open("/nonexistent-dir/x.log", &log, err, sizeof err),
                     GZ_EIO);
    assert_non_null(strstr(err, "/nonexistent-dir/x.log"));
}

/* ---- address ranges --------------------------------------------------------- */

static int match4(const struct gz_cidr_list *l, const char *addr)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    assert_int_equal(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
    return gz_cidr_match(l, (struct sockaddr *)&sin);
}

static int match6(const struct gz_cidr_list *l, const char *addr)
{
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
    assert_int_equal(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
    return gz_cidr_match(l, (struct sockaddr *)&sin6);
}

static void cidr_default(void **state)
{
    struct gz_cidr_list l;
    char err[128];
    assert_int_equal(gz_cidr_parse_list("127.0.0.0/8, ::1/128", &l, err, sizeof err),
                     GZ_OK);
    assert_int_equal(l.len, 2);
    assert_true(match4(&l, "127.0.0.1"));
    assert_true(match4(&l, "127.255.3.4"));
    assert_false(match4(&l, "128.0.0.1"));
    assert_false(match4(&l, "10.0.0.1"));
    assert_true(match6(&l, "::1"));
    assert_false(match6(&l, "::2"));
    /* An IPv4 client on a dual-stack socket. */
    assert_true(match6(&l, "::ffff:127.0.0.1"));
    assert_false(match6(&l, "::ffff:10.0.0.1"));
    gz_cidr_list_clear(&l);
}

static void cidr_prefixes(void **state)
{
    struct gz_cidr_list l;
    char err[128];
    assert_int_equal(
        gz_cidr_parse_list(" 10.1.2.3/8 ,192.168.1.7, 2001:db8::/33,0.0.0.0/0", &l, err,
                           sizeof err),
        GZ_OK);
    assert_int_equal(l.len, 4);
    assert_true(match4(&l, "10.200.0.1")); /* host bits of 10.1.2.3/8 ignored */
    assert_true(match4(&l, "192.168.1.7"));
    assert_true(match6(&l, "2001:db8:7fff::1"));
    assert_false(match6(&l, "2001:db8:8000::1")); /* outside /33 */
    assert_true(match4(&l, "8.8.8.8"));           /* 0.0.0.0/0 */
    gz_cidr_list_clear(&l);

    assert_int_equal(gz_cidr_parse_list("10.0.0.0/12", &l, err, sizeof err), GZ_OK);
    assert_true(match4(&l, "10.15.255.255"));
    assert_false(match4(&l, "10.16.0.0"));
    gz_cidr_list_clear(&l);

    /* Empty: nobody. */
    assert_int_equal(gz_cidr_parse_list("  ", &l, err, sizeof err), GZ_OK);
    assert_int_equal(l.len, 0);
    assert_false(match4(&l, "127.0.0.1"));
}

static void cidr_bad(void **state)
{
    static const char *bad[] = {"10.0.0.0/33", "::1/129",     "10.0.0.0/", "10.0.0/8",
                                "localhost",   "10.0.0.1,",   ",10.0.0.1", "10.0.0.0/-1",
                                "10.0.0.0/8x", "1.2.3.4/08/1"};
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        struct gz_cidr_list l;
        char err[128] = "";
        assert_int_equal(gz_cidr_parse_list(bad[i], &l, err, sizeof err), GZ_EINVAL);
        assert_true(strlen(err) > 0);
        assert_null(l.items);
    }
}

/* ---- request ids ------------------------------------------------------------ */

static void request_ids(void **state)
{
    assert_true(gz_http_request_id_ok("abc-123", 7));
    assert_true(gz_http_request_id_ok("0f8fad5b-d9cb-469f-a165-70867728950e", 36));
    assert_false(gz_http_request_id_ok("", 0));
    assert_false(gz_http_request_id_ok("Root=1;Sampled", 14));
    assert_false(gz_http_request_id_ok("a b", 3));
    assert_false(gz_http_request_id_ok("a\r\nb", 4));
    assert_false(gz_http_request_id_ok("a\"b", 3));
    char long_id[GZ_REQUEST_ID_MAX + 1];
    memset(long_id, 'a', sizeof long_id);
    assert_true(gz_http_request_id_ok(long_id, GZ_REQUEST_ID_MAX));
    assert_false(gz_http_request_id_ok(long_id, GZ_REQUEST_ID_MAX + 1));
}

/* ---- the error log ---------------------------------------------------------- */

static char *slurp(const char *path)
{
    static char text[8192];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void error_log_file_level_and_id(void **state)
{
    char path[] = "/tmp/gz-errorlog-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    enum gz_log_level level;
    assert_int_equal(gz_log_parse_level("warn", &level), GZ_OK);
    assert_int_equal(level, GZ_LOG_WARN);
    assert_int_equal(gz_log_parse_level("verbose", &level), GZ_EINVAL);
    assert_int_equal(gz_log_open(path, err, sizeof err), GZ_OK);
    gz_log_set_level(GZ_LOG_WARN);
    gz_info("dropped below the level");
    gz_warn("kept");
    gz_log_set_request_id("req-42");
    gz_error("while handling: %s", "a\nforged line");
    gz_log_set_request_id(NULL);
    gz_error("after");
    char *text = slurp(path);
    assert_null(strstr(text, "dropped"));
    assert_non_null(strstr(text, "[warn] kept\n"));
    assert_non_null(strstr(text, "[error] [req req-42] while handling: a?forged line\n"));
    assert_non_null(strstr(text, "[error] after\n"));

    /* logrotate: rename, reopen, and new lines go to the new file. */
    char moved[64];
    snprintf(moved, sizeof moved, "%s.1", path);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(gz_log_reopen(), GZ_OK);
    gz_error("into the new file");
    assert_non_null(strstr(slurp(path), "into the new file"));
    assert_null(strstr(slurp(moved), "into the new file"));
    gz_log_close();
    gz_log_set_level(GZ_LOG_INFO);
    unlink(path);
    unlink(moved);
    assert_int_equal(gz_log_open("/nonexistent-dir/e.log", err, sizeof err), GZ_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_combined),
        cmocka_unit_test(line_empty_fields),
        cmocka_unit_test(line_escapes),
        cmocka_unit_test(line_caps),
        cmocka_unit_test(buffer_flushes_to_file),
        cmocka_unit_test(cidr_default),
        cmocka_unit_test(cidr_prefixes),
        cmocka_unit_test(cidr_bad),
        cmocka_unit_test(request_ids),
        cmocka_unit_test(error_log_file_level_and_id),
    };
    return cmocka_run_group_tests_name("observe", tests, NULL, NULL);
}
