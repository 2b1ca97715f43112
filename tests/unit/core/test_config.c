/* Unit tests of the configuration: the settings table, the INI reader and
 * its report of every problem, the environment, sources and checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/core.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/gz-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void remove_temp(char *path)
{
    unlink(path);
    free(path);
}

/* The source of setting name in c ("" for a default). */
static const char *source_of(const struct gz_config *c, const char *name)
{
    int i = gz_config_find(name);
    assert_true(i >= 0);
    return c->source[i] ? c->source[i] : "";
}

/* The report with every "FILE" replaced by "F", for exact comparisons. */
static char *report_text(const struct gz_config_report *r, const char *path)
{
    struct gz_buf out;
    gz_buf_init(&out, 1 << 20);
    size_t plen = strlen(path);
    for (const char *p = r->text.p ? r->text.p : ""; *p;) {
        if (!strncmp(p, path, plen)) {
            gz_buf_putc(&out, 'F');
            p += plen;
        } else {
            gz_buf_putc(&out, *p++);
        }
    }
    return gz_buf_take(&out);
}

static void config_file(void **state)
{
    struct gz_config c;
    char err[256];
    gz_config_defaults(&c);
    assert_int_equal(c.port, 8080);
    assert_string_equal(c.window, "all");
    assert_string_equal(source_of(&c, "http.port"), "");
    char *path = write_temp("[http]\nport = 9000\n[blocks]\nwindow = 7d\n"
                            "new_count = 7\n[site]\ntitle = The Daily Test\n");
    assert_int_equal(gz_config_load(&c, path, err, sizeof err), 0);
    assert_int_equal(c.port, 9000);
    assert_int_equal(c.new_count, 7);
    assert_string_equal(c.window, "7d");
    assert_string_equal(c.site_title, "The Daily Test");
    assert_int_equal(gz_config_validate(&c, err, sizeof err), 0);
    /* Each value knows its line; the others are still defaults. */
    char want[128];
    snprintf(want, sizeof want, "%s:2", path);
    assert_string_equal(source_of(&c, "http.port"), want);
    snprintf(want, sizeof want, "%s:7", path);
    assert_string_equal(source_of(&c, "site.title"), want);
    assert_string_equal(source_of(&c, "http.listen"), "");
    remove_temp(path);
    gz_config_clear(&c);
}

/* Every problem of a file is reported, each at its own line. */
static void config_every_error(void **state)
{
    struct gz_config c;
    struct gz_config_report r;
    gz_config_defaults(&c);
    gz_config_report_init(&r);
    char *path = write_temp("; a comment\n"                /* 1 */
                            "port = 1\n"                   /* 2 */
                            "[http]\n"                     /* 3 */
                            "port = 9000\n"                /* 4 */
                            "prot = 1\n"                   /* 5 */
                            "threads = many\n"             /* 6 */
                            "just some words\n"            /* 7 */
                            "port = 9001\n"                /* 8 */
                            "[nosuch]\n"                   /* 9 */
                            "key = ignored\n"              /* 10 */
                            "[blocks\n"                    /* 11 */
                            "[blocks]\n"                   /* 12 */
                            "window = 1y\n"                /* 13 */
                            "= 5\n"                        /* 14 */
                            "[site]\n"                     /* 15 */
                            "url = https://example.org/\n" /* 16 */
                            "title = \"unclosed\n"         /* 17 */
                            "[log]\n"                      /* 18 */
                            "level = loud\n"               /* 19 */
                            "[metrics]\n"                  /* 20 */
                            "allow = 10.0.0.0/33, ::1\n"); /* 21 */
    assert_int_equal(gz_config_read(&c, path, &r), GZ_EINVAL);
    char *text = report_text(&r, path);
    assert_string_equal(
        text,
        "F:2: setting 'port' is outside any [section]\n"
        "F:5: unknown setting 'prot' in section [http]\n"
        "F:6: http.threads: expected a whole number from 0 to 256, got 'many'\n"
        "F:7: expected 'key = value', '[section]' or a comment, got 'just some words'\n"
        "F:8: warning: http.port is also set on line 4; the last one wins\n"
        "F:9: unknown section [nosuch]\n"
        "F:11: missing ']' in the section header '[blocks'\n"
        "F:13: blocks.window: expected all, 24h, 7d or 30d, got '1y'\n"
        "F:14: missing the key before '='\n"
        "F:16: site.url: must not end with '/', got 'https://example.org/'\n"
        "F:17: a quoted value must end with '\"' (then only a comment)\n"
        "F:19: log.level: expected debug, info, warn or error, got 'loud'\n"
        "F:21: metrics.allow: '10.0.0.0/33' is not an address or CIDR block "
        "(such as 10.0.0.0/8)\n");
    assert_int_equal(r.errors, 12);
    assert_int_equal(r.warnings, 1);
    /* Good lines still applied; bad ones left the defaults. */
    assert_int_equal(c.port, 9001);
    assert_int_equal(c.threads, 0);
    assert_string_equal(c.window, "all");
    free(text);
    remove_temp(path);
    gz_config_report_free(&r);
    gz_config_clear(&c);
}

static void config_errors(void **state)
{
    struct gz_config c;
    char err[256];
    gz_config_defaults(&c);
    char *path = write_temp("[http]\nport = 9000\n\n[http]\nprot = 1\n");
    assert_int_equal(gz_config_load(&c, path, err, sizeof err), GZ_EINVAL);
    /* File, line and reason. */
    char want[128];
    snprintf(want, sizeof want, "%s:5: unknown setting 'prot' in section [http]", path);
    assert_string_equal(err, want);
    remove_temp(path);
    path = write_temp("[http]\nport = 70000\n");
    assert_int_equal(gz_config_load(&c, path, err, sizeof err), GZ_EINVAL);
    assert_non_null(
        strstr(err, ":2: http.port: expected a whole number from 1 to 65535"));
    remove_temp(path);
    assert_int_equal(gz_config_set(&c, "blocks.window", "1y", err, sizeof err),
                     GZ_EINVAL);
    assert_string_equal(err, "blocks.window: expected all, 24h, 7d or 30d, got '1y'");
    assert_int_equal(gz_config_set(&c, "nosuch", "1", err, sizeof err), GZ_EINVAL);
    assert_int_equal(gz_config_load(&c, "/nonexistent/x.ini", err, sizeof err), GZ_EIO);
    assert_non_null(strstr(err, "/nonexistent/x.ini: cannot read the file"));
    /* A struct filled by hand is caught by validate, which names the source. */
    free(c.window);
    c.window = strdup("1y");
    assert_int_equal(gz_config_validate(&c, err, sizeof err), GZ_EINVAL);
    assert_non_null(strstr(err, "blocks.window"));
    gz_config_clear(&c);
}

/* Comments, quotes, a byte order mark, an empty theme, an over-long line. */
static void config_syntax(void **state)
{
    struct gz_config c;
    struct gz_config_report r;
    gz_config_defaults(&c);
    gz_config_report_init(&r);
    char big[5000];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\0';
    struct gz_buf text;
    gz_buf_init(&text, 1 << 20);
    gz_buf_printf(&text,
                  "\xEF\xBB\xBF[site]\n"
                  "  title = Night; and Day    ; the name\n"
                  "description = \" spaced ; out \"   ; kept as is\n"
                  "theme =    ; none\n"
                  "lang=fa\n"
                  "# another comment\n"
                  "[ http ]\n"
                  "port = 8081 ; inline\n"
                  "[site]\n"
                  "url = %s\n",
                  big);
    char *path = write_temp(text.p);
    gz_buf_free(&text);
    assert_int_equal(gz_config_read(&c, path, &r), GZ_EINVAL);
    assert_string_equal(c.site_title, "Night; and Day");
    assert_string_equal(c.site_description, " spaced ; out ");
    assert_null(c.theme_dir);
    assert_string_equal(c.site_lang, "fa");
    assert_int_equal(c.port, 8081);
    char *got = report_text(&r, path);
    assert_string_equal(got, "F:10: line longer than 4096 bytes\n");
    free(got);
    remove_temp(path);
    gz_config_report_free(&r);
    gz_config_clear(&c);
}

static void config_env(void **state)
{
    struct gz_config c;
    struct gz_config_report r;
    gz_config_defaults(&c);
    gz_config_report_init(&r);
    setenv("GAZETTE_HTTP_PORT", "9100", 1);
    setenv("GAZETTE_SITE_TITLE", "From the Environment", 1);
    setenv("GAZETTE_HTTP_MAX_BODY", "2048", 1);
    assert_int_equal(gz_config_env(&c, &r), GZ_OK);
    assert_int_equal(c.port, 9100);
    assert_int_equal(c.max_body, 2048);
    assert_string_equal(c.site_title, "From the Environment");
    assert_string_equal(source_of(&c, "http.port"), "env GAZETTE_HTTP_PORT");
    assert_string_equal(source_of(&c, "http.max_body"), "env GAZETTE_HTTP_MAX_BODY");
    assert_int_equal(r.errors + r.warnings, 0);
    /* A bad value is an error naming the variable; a misspelt variable a
     * warning. */
    setenv("GAZETTE_BLOCKS_WINDOW", "forever", 1);
    setenv("GAZETTE_HTTP_PROT", "1", 1);
    assert_int_equal(gz_config_env(&c, &r), GZ_EINVAL);
    assert_string_equal(r.text.p,
                        "env GAZETTE_BLOCKS_WINDOW: blocks.window: expected all, 24h, 7d "
                        "or 30d, got 'forever'\n"
                        "env: warning: GAZETTE_HTTP_PROT is not a gazette setting (see "
                        "gazette config show)\n");
    unsetenv("GAZETTE_HTTP_PORT");
    unsetenv("GAZETTE_SITE_TITLE");
    unsetenv("GAZETTE_HTTP_MAX_BODY");
    unsetenv("GAZETTE_BLOCKS_WINDOW");
    unsetenv("GAZETTE_HTTP_PROT");
    gz_config_report_free(&r);
    gz_config_clear(&c);
}

static void config_table(void **state)
{
    struct gz_config_info info;
    int i = gz_config_find("http.max_body");
    assert_true(i >= 0);
    gz_config_describe((size_t)i, &info);
    assert_string_equal(info.name, "http.max_body");
    assert_string_equal(info.env, "GAZETTE_HTTP_MAX_BODY");
    assert_string_equal(info.flag, "http-max-body");
    assert_string_equal(info.accepts, "a whole number from 0 to 1073741824");
    assert_int_equal(gz_config_find_flag("http-max-body", 13), i);
    assert_int_equal(gz_config_find_flag("http-max-bodyX", 13), i);
    assert_int_equal(gz_config_find_flag("http-max_body", 13), -1);
    assert_int_equal(gz_config_find_flag("http", 4), -1);
    assert_int_equal(gz_config_find("http.nosuch"), -1);
    /* Every setting has help, a flag and a variable. */
    assert_true(gz_config_count() >= 25);
    for (size_t k = 0; k < gz_config_count(); k++) {
        gz_config_describe(k, &info);
        assert_true(strlen(info.help) > 5);
        assert_int_equal(strncmp(info.env, "GAZETTE_", 8), 0);
        assert_null(strchr(info.flag, '_'));
        assert_int_equal(gz_config_find(info.name), (int)k);
    }
}

static void config_values(void **state)
{
    struct gz_config c;
    char err[256], num[32];
    gz_config_defaults(&c);
    static const char *good[][2] = {
        {"metrics.allow", "10.0.0.0/8,192.168.1.7,  2001:db8::/32 , ::1"},
        {"metrics.allow", "  "},
        {"metrics.allow", ""},
        {"log.level", "debug"},
        {"log.access", "/var/log/gazette/access.log"},
        {"site.url", "https://news.example.org"},
        {"site.lang", "pt-BR"},
        {"site.theme", "themes/mine"},
        {"http.port", "1"},
    };
    for (size_t i = 0; i < GZ_COUNTOF(good); i++)
        assert_int_equal(
            gz_config_set_from(&c, good[i][0], good[i][1], "--x", err, sizeof err),
            GZ_OK);
    assert_string_equal(source_of(&c, "http.port"), "--x");
    assert_string_equal(
        gz_config_value(&c, (size_t)gz_config_find("http.port"), num, sizeof num), "1");
    static const char *bad[][2] = {
        {"metrics.allow", "10.0.0.0/8, localhost"},
        {"metrics.allow", "10.0.0.0/8 192.168.1.7"},
        {"metrics.allow", "10.0.0.0/8,,::1"},
        {"metrics.allow", "10.0.0.0/8,"},
        {"metrics.allow", "1.2.3.4/"},
        {"metrics.allow", "1.2.3.4/-1"},
        {"metrics.allow", "::1/129"},
        {"log.level", "INFO"},
        {"log.access", ""},
        {"store.db", ""},
        {"site.url", "news.example.org"},
        {"site.lang", "e n"},
        {"site.title", "two\nlines"},
        {"http.port", "0"},
        {"http.port", "80x"},
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++)
        assert_int_equal(gz_config_set(&c, bad[i][0], bad[i][1], err, sizeof err),
                         GZ_EINVAL);
    assert_int_equal(gz_config_validate(&c, err, sizeof err), GZ_OK);
    gz_config_clear(&c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_file),   cmocka_unit_test(config_every_error),
        cmocka_unit_test(config_errors), cmocka_unit_test(config_syntax),
        cmocka_unit_test(config_env),    cmocka_unit_test(config_table),
        cmocka_unit_test(config_values),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
