/* Tests of src/io/frontmatter.c: the YAML and TOML subsets Hugo and Jekyll
 * write, dates in their forms, and errors with their line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "io/frontmatter.h"

static int parse(const char *text, struct gz_front_matter *fm, int *line, char *msg)
{
    return gz_front_matter_parse(text, strlen(text), fm, line, msg, 200);
}

static void test_yaml_hugo(void **state)
{
    const char *t = "---\n"
                    "title: \"My \\\"First\\\" Post \\u00e9\"\n"
                    "date: 2019-03-26T08:47:11+01:00\n"
                    "draft: true\n"
                    "tags: [a, \"b, c\", 'it''s']\n"
                    "categories:\n"
                    "- a\n"
                    "  - d   # a comment\n"
                    "cover:\n"
                    "  image: x.png\n"
                    "# comment\n"
                    "summary: plain text # trailing comment\n"
                    "---\n"
                    "Body\n";
    struct gz_front_matter fm;
    int line;
    char msg[200];
    assert_int_equal(parse(t, &fm, &line, msg), GZ_OK);
    assert_string_equal(fm.title, "My \"First\" Post \xc3\xa9");
    assert_string_equal(fm.date, "2019-03-26T08:47:11+01:00");
    assert_int_equal(fm.date_line, 3);
    assert_int_equal(fm.draft, 1);
    assert_int_equal(fm.ntags, 4);
    assert_string_equal(fm.tags[0], "a");
    assert_string_equal(fm.tags[1], "b, c");
    assert_string_equal(fm.tags[2], "it's");
    assert_string_equal(fm.tags[3], "d");
    assert_string_equal(fm.summary, "plain text");
    assert_string_equal(t + fm.body, "Body\n");
    gz_front_matter_clear(&fm);
}

static void test_yaml_jekyll_and_block_scalars(void **state)
{
    const char *t = "---\r\n"
                    "layout: post\r\n"
                    "title:  Welcome to Jekyll!\r\n"
                    "categories: jekyll update\r\n"
                    "description: |\r\n"
                    "  line one\r\n"
                    "  line two\r\n"
                    "lang: fa\r\n"
                    "---\r\n";
    struct gz_front_matter fm;
    int line;
    char msg[200];
    assert_int_equal(parse(t, &fm, &line, msg), GZ_OK);
    assert_string_equal(fm.title, "Welcome to Jekyll!");
    assert_int_equal(fm.ntags, 2);
    assert_string_equal(fm.tags[1], "update");
    assert_string_equal(fm.summary, "line one\nline two");
    assert_string_equal(fm.lang, "fa");
    assert_int_equal(fm.draft, -1);
    assert_int_equal(t[fm.body], '\0');
    gz_front_matter_clear(&fm);
}

static void test_toml(void **state)
{
    const char *t = "+++\n"
                    "title = 'Hugo''s'\n"
                    "date = 2024-01-14T07:07:07Z\n"
                    "draft = false\n"
                    "tags = ['x', \"y\"]\n"
                    "[params]\n"
                    "title = 'not this'\n"
                    "+++\n"
                    "text";
    struct gz_front_matter fm;
    int line;
    char msg[200];
    /* TOML's literal strings have no '' escape: the line is an error. */
    assert_int_equal(parse(t, &fm, &line, msg), GZ_EINVAL);
    assert_int_equal(line, 2);
    const char *ok = "+++\ntitle = 'Hugo'\ndraft = false\ntags = ['x', \"y\"]\n"
                     "[params]\ntitle = 'not this'\n+++\ntext";
    assert_int_equal(parse(ok, &fm, &line, msg), GZ_OK);
    assert_string_equal(fm.title, "Hugo");
    assert_int_equal(fm.draft, 0);
    assert_int_equal(fm.ntags, 2);
    assert_string_equal(ok + fm.body, "text");
    gz_front_matter_clear(&fm);
}

static void test_errors_name_the_line(void **state)
{
    static const struct {
        const char *text;
        int line;
        const char *msg;
    } cases[] = {
        {"---\ntitle: x\ndraft: maybe\n---\n", 3, "draft: not true or false"},
        {"---\ntitle: \"open\n---\n", 2, "title: string not closed on its line"},
        {"---\ntitle: x\nno colon here\n---\n", 3, "expected KEY: VALUE"},
        {"---\ntitle: x\n", 1, "front matter is not closed by a --- line"},
        {"---\ntags: [a, b\n---\n", 2, "tags: list not closed on its line"},
        {"---\ntitle: [a, b]\n---\n", 2, "title: expected one value, not a list"},
        {"+++\ntitle 'x'\n+++\n", 2, "expected KEY = VALUE"},
        {"---\na: 1\ntitle: \"bad \\q\"\n---\n", 3, "title: unknown escape in a string"},
    };
    for (size_t i = 0; i < GZ_COUNTOF(cases); i++) {
        struct gz_front_matter fm;
        int line;
        char msg[200];
        assert_int_equal(parse(cases[i].text, &fm, &line, msg), GZ_EINVAL);
        assert_int_equal(line, cases[i].line);
        assert_string_equal(msg, cases[i].msg);
    }
}

static void test_no_front_matter(void **state)
{
    struct gz_front_matter fm;
    int line;
    char msg[200];
    assert_int_equal(parse("# Just Markdown\n", &fm, &line, msg), GZ_OK);
    assert_null(fm.title);
    assert_int_equal(fm.body, 0);
    gz_front_matter_clear(&fm);
}

static void test_dates(void **state)
{
    int64_t t;
    assert_int_equal(gz_front_matter_date("2024-01-14", &t), GZ_OK);
    assert_int_equal(t, 1705190400);
    assert_int_equal(gz_front_matter_date("2024-01-14T07:07:07+01:00", &t), GZ_OK);
    assert_int_equal(t, 1705190400 + 6 * 3600 + 7 * 60 + 7);
    assert_int_equal(gz_front_matter_date("2024-01-14T07:07:07.123Z", &t), GZ_OK);
    assert_int_equal(t, 1705190400 + 7 * 3600 + 7 * 60 + 7);
    assert_int_equal(gz_front_matter_date("2024-01-14 07:07:07 -0500", &t), GZ_OK);
    assert_int_equal(t, 1705190400 + 12 * 3600 + 7 * 60 + 7);
    assert_int_equal(gz_front_matter_date("2024-01-14 07:07", &t), GZ_OK);
    assert_int_equal(t, 1705190400 + 7 * 3600 + 7 * 60);
    const char *bad[] = {"2024-02-30",
                         "2024-13-01",
                         "yesterday",
                         "2024-01-14T25:00:00",
                         "2024-01-14 07:07:07 EST",
                         "2024-1-4",
                         ""};
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++)
        assert_int_equal(gz_front_matter_date(bad[i], &t), GZ_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_hugo),
        cmocka_unit_test(test_yaml_jekyll_and_block_scalars),
        cmocka_unit_test(test_toml),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_no_front_matter),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
