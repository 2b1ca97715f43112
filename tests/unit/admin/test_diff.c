/* Unit tests of the line diff (src/admin/diff.c): the edit script is a
 * correct one (it rebuilds both texts), the shortest one (checked against
 * a longest-common-subsequence table on random texts), the fallback past
 * GZ_DIFF_MAX_EDITS is still correct, and the HTML is escaped and folds
 * unchanged runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admin/diff.h"

/* Rebuilds one side of the script: the old text (SAME and DEL) or the new
 * one (SAME and INS), each line followed by '\n'. */
static char *rebuild(const struct gz_diff *d, enum gz_diff_op side)
{
    struct gz_buf b;
    gz_buf_init(&b, (size_t)64 << 20);
    for (size_t i = 0; i < d->len; i++) {
        if (d->lines[i].op != GZ_DIFF_SAME && d->lines[i].op != side)
            continue;
        gz_buf_append(&b, d->lines[i].text.p, d->lines[i].text.len);
        gz_buf_putc(&b, '\n');
    }
    char *s = gz_buf_take(&b);
    return s ? s : strdup("");
}

static size_t edits(const struct gz_diff *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += d->lines[i].op != GZ_DIFF_SAME;
    return n;
}

/* Diffs and checks that the script rebuilds both texts (given with a final
 * '\n' on every line). */
static void diff_ok(const char *old, const char *new_text, struct gz_diff *d)
{
    assert_int_equal(gz_diff_lines(old, strlen(old), new_text, strlen(new_text), d),
                     GZ_OK);
    char *a = rebuild(d, GZ_DIFF_DEL), *b = rebuild(d, GZ_DIFF_INS);
    assert_string_equal(a, old);
    assert_string_equal(b, new_text);
    free(a);
    free(b);
}

static void test_identical(void **state)
{
    struct gz_diff d;
    diff_ok("a\nb\nc\n", "a\nb\nc\n", &d);
    assert_int_equal(d.len, 3);
    assert_false(gz_diff_changed(&d));
    gz_diff_free(&d);
    diff_ok("", "", &d);
    assert_int_equal(d.len, 0);
    gz_diff_free(&d);
}

static void test_one_side_empty(void **state)
{
    struct gz_diff d;
    diff_ok("", "x\ny\n", &d);
    assert_int_equal(d.len, 2);
    assert_int_equal(d.lines[0].op, GZ_DIFF_INS);
    assert_int_equal(d.lines[1].op, GZ_DIFF_INS);
    gz_diff_free(&d);
    diff_ok("x\ny\n", "", &d);
    assert_int_equal(d.len, 2);
    assert_int_equal(d.lines[0].op, GZ_DIFF_DEL);
    gz_diff_free(&d);
    /* A NULL text of length 0 is the empty text. */
    assert_int_equal(gz_diff_lines(NULL, 0, "z", 1, &d), GZ_OK);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.lines[0].op, GZ_DIFF_INS);
    gz_diff_free(&d);
}

static void test_change_in_the_middle(void **state)
{
    struct gz_diff d;
    diff_ok("one\ntwo\nthree\n", "one\n2\nthree\n", &d);
    assert_int_equal(d.len, 4);
    assert_int_equal(d.lines[0].op, GZ_DIFF_SAME);
    assert_int_equal(d.lines[1].op, GZ_DIFF_DEL);
    assert_int_equal(d.lines[2].op, GZ_DIFF_INS);
    assert_int_equal(d.lines[3].op, GZ_DIFF_SAME);
    assert_int_equal(d.lines[1].text.len, 3);
    assert_memory_equal(d.lines[1].text.p, "two", 3);
    assert_memory_equal(d.lines[2].text.p, "2", 1);
    gz_diff_free(&d);
}

/* The classic example of Myers' paper: ABCABBA -> CBABAC takes 5 edits. */
static void test_myers_paper_example(void **state)
{
    struct gz_diff d;
    diff_ok("A\nB\nC\nA\nB\nB\nA\n", "C\nB\nA\nB\nA\nC\n", &d);
    assert_int_equal(edits(&d), 5);
    gz_diff_free(&d);
}

static void test_final_newline_and_cr(void **state)
{
    struct gz_diff d;
    /* A missing final newline is not a change: it does not start a line. */
    assert_int_equal(gz_diff_lines("a\nb\n", 4, "a\nb", 3, &d), GZ_OK);
    assert_false(gz_diff_changed(&d));
    gz_diff_free(&d);
    /* A '\r' belongs to its line: CRLF against LF is a change. */
    assert_int_equal(gz_diff_lines("a\r\n", 3, "a\n", 2, &d), GZ_OK);
    assert_true(gz_diff_changed(&d));
    gz_diff_free(&d);
}

/* ---- shortest: against a longest-common-subsequence table ---- */

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 16;
}

/* n lines drawn from a small alphabet, so that texts share many lines. */
static char *random_text(size_t n, char *lines[])
{
    static const char *const words[] = {"alpha", "beta", "gamma", "delta"};
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < n; i++) {
        lines[i] = (char *)words[next_rand() % 4];
        gz_buf_puts(&b, lines[i]);
        gz_buf_putc(&b, '\n');
    }
    char *s = gz_buf_take(&b);
    return s ? s : strdup("");
}

static size_t lcs(char *a[], size_t n, char *b[], size_t m)
{
    size_t *t = calloc((n + 1) * (m + 1), sizeof *t);
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t up = t[(i - 1) * (m + 1) + j], left = t[i * (m + 1) + j - 1];
            t[i * (m + 1) + j] = !strcmp(a[i - 1], b[j - 1])
                                     ? t[(i - 1) * (m + 1) + j - 1] + 1
                                 : up > left ? up
                                             : left;
        }
    size_t r = t[n * (m + 1) + m];
    free(t);
    return r;
}

static void test_shortest_on_random_texts(void **state)
{
    for (int round = 0; round < 300; round++) {
        char *la[40], *lb[40];
        size_t n = next_rand() % 40, m = next_rand() % 40;
        char *a = random_text(n, la), *b = random_text(m, lb);
        struct gz_diff d;
        diff_ok(a, b, &d);
        assert_int_equal(edits(&d), n + m - 2 * lcs(la, n, lb, m));
        gz_diff_free(&d);
        free(a);
        free(b);
    }
}

/* Past GZ_DIFF_MAX_EDITS the middle is all removed then all added: not the
 * shortest script, but a correct one. */
static void test_fallback_is_correct(void **state)
{
    size_t n = GZ_DIFF_MAX_EDITS;
    struct gz_buf a, b;
    gz_buf_init(&a, 1 << 20);
    gz_buf_init(&b, 1 << 20);
    gz_buf_puts(&a, "same head\n");
    gz_buf_puts(&b, "same head\n");
    for (size_t i = 0; i < n; i++) {
        gz_buf_printf(&a, "old %zu\n", i);
        gz_buf_printf(&b, "new %zu\n", i);
    }
    gz_buf_puts(&a, "same tail\n");
    gz_buf_puts(&b, "same tail\n");
    struct gz_diff d;
    diff_ok(a.p, b.p, &d);
    assert_int_equal(d.len, 2 * n + 2);
    assert_int_equal(d.lines[0].op, GZ_DIFF_SAME);
    assert_int_equal(d.lines[1].op, GZ_DIFF_DEL);
    assert_int_equal(d.lines[n].op, GZ_DIFF_DEL);
    assert_int_equal(d.lines[n + 1].op, GZ_DIFF_INS);
    assert_int_equal(d.lines[2 * n + 1].op, GZ_DIFF_SAME);
    gz_diff_free(&d);
    gz_buf_free(&a);
    gz_buf_free(&b);
}

static void test_too_many_lines(void **state)
{
    size_t len = GZ_DIFF_MAX_LINES + 1;
    char *text = malloc(len);
    memset(text, '\n', len);
    struct gz_diff d;
    assert_int_equal(gz_diff_lines(text, len, "x", 1, &d), GZ_ETOOBIG);
    assert_int_equal(d.len, 0);
    assert_int_equal(gz_diff_lines("x", 1, text, len, &d), GZ_ETOOBIG);
    free(text);
}

/* ---- HTML ---- */

static char *html(const char *old, const char *new_text, size_t context)
{
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    assert_int_equal(
        gz_diff_render(old, strlen(old), new_text, strlen(new_text), context, &b), GZ_OK);
    char *s = gz_buf_take(&b);
    return s ? s : strdup("");
}

static void test_html_escapes(void **state)
{
    char *s = html("<script>alert(1)</script>\nsame & \"quoted\"\n",
                   "<b>bold</b>\nsame & \"quoted\"\n", 3);
    assert_string_equal(s, "<del>- &lt;script&gt;alert(1)&lt;/script&gt;</del>\n"
                           "<ins>+ &lt;b&gt;bold&lt;/b&gt;</ins>\n"
                           "  same &amp; &quot;quoted&quot;\n");
    free(s);
}

static void test_html_folds_unchanged_runs(void **state)
{
    struct gz_buf a, b;
    gz_buf_init(&a, 1 << 16);
    gz_buf_init(&b, 1 << 16);
    for (int i = 1; i <= 20; i++) {
        gz_buf_printf(&a, "%d\n", i);
        gz_buf_printf(&b, "%d\n", i == 10 ? 100 : i);
    }
    char *s = html(a.p, b.p, 2);
    assert_string_equal(s, "<span class=\"skip\">@@ 7 unchanged lines @@</span>\n"
                           "  8\n  9\n"
                           "<del>- 10</del>\n<ins>+ 100</ins>\n"
                           "  11\n  12\n"
                           "<span class=\"skip\">@@ 8 unchanged lines @@</span>\n");
    free(s);
    /* A run that fits in the context on both sides is shown whole. */
    s = html("x\na\nb\ny\n", "X\na\nb\nY\n", 1);
    assert_string_equal(s, "<del>- x</del>\n<ins>+ X</ins>\n  a\n  b\n"
                           "<del>- y</del>\n<ins>+ Y</ins>\n");
    free(s);
    gz_buf_free(&a);
    gz_buf_free(&b);
}

static void test_html_buffer_limit(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 8);
    assert_int_equal(
        gz_diff_render("a\n", 2, "a long line that does not fit\n", 30, 3, &b),
        GZ_ETOOBIG);
    gz_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_one_side_empty),
        cmocka_unit_test(test_change_in_the_middle),
        cmocka_unit_test(test_myers_paper_example),
        cmocka_unit_test(test_final_newline_and_cr),
        cmocka_unit_test(test_shortest_on_random_texts),
        cmocka_unit_test(test_fallback_is_correct),
        cmocka_unit_test(test_too_many_lines),
        cmocka_unit_test(test_html_escapes),
        cmocka_unit_test(test_html_folds_unchanged_runs),
        cmocka_unit_test(test_html_buffer_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
