/* Unit tests of the dashboard's SVG charts (src/admin/svgchart.h): the
 * y axis's steps and labels, an accessible and escaped drawing, the
 * sparkline, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "admin/svgchart.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static void test_steps(void **state)
{
    (void)state;
    assert_int_equal(gz_svgchart_step(0, 4), 1);
    assert_int_equal(gz_svgchart_step(-5, 4), 1);
    assert_int_equal(gz_svgchart_step(3, 4), 1);
    assert_int_equal(gz_svgchart_step(7, 4), 2);
    assert_int_equal(gz_svgchart_step(9, 4), 5);
    assert_int_equal(gz_svgchart_step(20, 4), 5);
    assert_int_equal(gz_svgchart_step(21, 4), 10);
    assert_int_equal(gz_svgchart_step(9999, 4), 5000);
    assert_int_equal(gz_svgchart_step(120077, 4), 50000);
    assert_int_equal(gz_svgchart_step(INT64_MAX, 4) > 0, 1);
}

static void test_tick_labels(void **state)
{
    (void)state;
    char b[16];
    gz_svgchart_tick_label(0, b, sizeof b);
    assert_string_equal(b, "0");
    gz_svgchart_tick_label(99999, b, sizeof b);
    assert_string_equal(b, "99999");
    gz_svgchart_tick_label(150000, b, sizeof b);
    assert_string_equal(b, "150k");
    gz_svgchart_tick_label(2000000, b, sizeof b);
    assert_string_equal(b, "2M");
    gz_svgchart_tick_label(2500000, b, sizeof b);
    assert_string_equal(b, "2.5M");
}

static void test_line_chart(void **state)
{
    (void)state;
    static const int64_t views[] = {10, 0, 35, 7};
    static const int64_t readers[] = {5, 0, 20, 7};
    static const char *const labels[] = {"1 May", "2 May", "3 <May>", "4 May"};
    struct gz_svgchart_series series[] = {{"Views", views}, {"Readers & co", readers}};
    struct gz_svgchart c = {.id = "site-chart",
                            .title = "Views \"and\" readers",
                            .desc = "From <1 May> to 4 May",
                            .n = 4,
                            .labels = labels,
                            .series = series,
                            .nseries = 2};
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_OK);
    /* accessible: an image named by its title, described by its desc */
    assert_non_null(
        strstr(b.p, "<svg class=\"chart\" role=\"img\" "
                    "aria-labelledby=\"site-chart-title\" "
                    "aria-describedby=\"site-chart-desc\" viewBox=\"0 0 480 220\""));
    assert_non_null(strstr(b.p, "<title id=\"site-chart-title\">Views &quot;and&quot; "
                                "readers</title>"));
    assert_non_null(strstr(b.p, "<desc id=\"site-chart-desc\">From &lt;1 May&gt; to 4 "
                                "May</desc>"));
    /* every text escaped: no raw angle bracket but the markup's */
    assert_null(strstr(b.p, "<May>"));
    assert_non_null(strstr(b.p, ">Readers &amp; co</text>"));
    /* the y axis: 0 to 40 in steps of 10; the x axis: every label */
    assert_non_null(strstr(b.p, ">40</text>"));
    assert_null(strstr(b.p, ">50</text>"));
    assert_int_equal(count(b.p, "class=\"grid\""), 5);
    assert_non_null(strstr(b.p, "text-anchor=\"start\">1 May</text>"));
    assert_non_null(strstr(b.p, "text-anchor=\"end\">4 May</text>"));
    /* one line per series, the second dashed; dots on short periods */
    assert_int_equal(count(b.p, "<polyline"), 2);
    assert_non_null(strstr(b.p, "stroke-dasharray=\"6 3\""));
    assert_int_equal(count(b.p, "<circle"), 8);
    assert_non_null(strstr(b.p, "</svg>"));
    assert_int_equal(b.p[b.len - 1], '>');
    gz_buf_free(&b);
}

static void test_long_period_and_empty(void **state)
{
    (void)state;
    int64_t zero[365] = {0};
    const char *labels[365];
    for (size_t i = 0; i < 365; i++)
        labels[i] = "d";
    struct gz_svgchart_series series[] = {{"Views", zero}};
    struct gz_svgchart c = {.id = "a",
                            .title = "t",
                            .desc = NULL,
                            .n = 365,
                            .labels = labels,
                            .series = series,
                            .nseries = 1};
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_OK);
    assert_int_equal(count(b.p, "class=\"tick\""), 6); /* six labelled ticks at most */
    assert_int_equal(count(b.p, "<circle"), 0);        /* no dots on a year */
    assert_non_null(strstr(b.p, ">1</text>")); /* an empty chart still has a scale */
    gz_buf_free(&b);
}

static void test_refusals(void **state)
{
    (void)state;
    static const int64_t v[] = {1};
    static const char *const labels[] = {"x"};
    struct gz_svgchart_series series[] = {{"Views", v}};
    struct gz_svgchart ok = {.id = "c",
                             .title = "t",
                             .n = 1,
                             .labels = labels,
                             .series = series,
                             .nseries = 1};
    struct gz_svgchart c;
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    c = ok;
    c.id = "bad\" onload=\"x";
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_EINVAL);
    c = ok;
    c.n = 0;
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_EINVAL);
    c = ok;
    c.nseries = GZ_SVGCHART_SERIES_MAX + 1;
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_EINVAL);
    c = ok;
    c.title = NULL;
    assert_int_equal(gz_svgchart_line(&c, &b), GZ_EINVAL);
    assert_int_equal(gz_svgchart_line(NULL, &b), GZ_EINVAL);
    assert_int_equal(b.len, 0);
    assert_int_equal(gz_svgchart_line(&ok, &b), GZ_OK);
    /* a full buffer says so */
    struct gz_buf small;
    gz_buf_init(&small, 64);
    assert_int_equal(gz_svgchart_line(&ok, &small), GZ_ETOOBIG);
    gz_buf_free(&small);
    gz_buf_free(&b);
}

static void test_sparkline(void **state)
{
    (void)state;
    static const int64_t v[] = {0, 4, 2, 8};
    struct gz_buf b;
    gz_buf_init(&b, 1 << 16);
    assert_int_equal(gz_svgchart_spark(v, 4, &b), GZ_OK);
    assert_non_null(
        strstr(b.p, "<svg class=\"spark\" aria-hidden=\"true\" focusable=\"false\""));
    /* scaled to the maximum: 8 at the top (y 1), 0 at the bottom (y 23) */
    assert_non_null(strstr(b.p, "points=\"0.0,23.0 33.3,12.0 66.7,17.5 100.0,1.0\""));
    assert_int_equal(gz_svgchart_spark(v, 0, &b), GZ_EINVAL);
    assert_int_equal(gz_svgchart_spark(NULL, 3, &b), GZ_EINVAL);
    gz_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps),      cmocka_unit_test(test_tick_labels),
        cmocka_unit_test(test_line_chart), cmocka_unit_test(test_long_period_and_empty),
        cmocka_unit_test(test_refusals),   cmocka_unit_test(test_sparkline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
