/* Unit tests of src/site/feedfmt.c: XML text, dates, URLs and article ids
 * for feeds and sitemaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/core.h"
#include "site/feedfmt.h"

static const char *xml(struct gz_buf *b, const char *s, size_t n, int attr)
{
    gz_buf_reset(b);
    assert_int_equal(gz_feedfmt_xml(b, s, n, attr), GZ_OK);
    return b->p ? b->p : "";
}

static void test_xml_escapes(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 1024);
    const char *nasty = "<script>alert(\"x\")</script> & 'y'";
    assert_string_equal(
        xml(&b, nasty, strlen(nasty), 0),
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    /* Non-ASCII and right-to-left text pass unchanged. */
    const char *fa = "سلام دنیا — «خبر»";
    assert_string_equal(xml(&b, fa, strlen(fa), 0), fa);
    /* Line breaks stay in text, become references in attributes; CR is
     * always a reference (a parser would turn it into LF). */
    assert_string_equal(xml(&b, "a\nb\tc\rd", 7, 0), "a\nb\tc&#13;d");
    assert_string_equal(xml(&b, "a\nb\tc", 5, 1), "a&#10;b&#9;c");
    /* Forbidden characters and broken UTF-8 become U+FFFD. */
    assert_string_equal(xml(&b,
                            "a\x01"
                            "b\x1f",
                            4, 0),
                        "a\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD");
    assert_string_equal(xml(&b, "x\0y", 3, 0), "x\xEF\xBF\xBDy");
    assert_string_equal(xml(&b, "\xC3(", 2, 0), "\xEF\xBF\xBD(");
    assert_string_equal(xml(&b, "\xEF\xBF\xBE", 3, 0), "\xEF\xBF\xBD"); /* U+FFFE */
    assert_string_equal(xml(&b, "\xED\xA0\x80", 3, 0),                  /* a surrogate */
                        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    gz_buf_free(&b);
}

static void test_xml_too_big_leaves_buffer(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 16);
    assert_int_equal(gz_buf_puts(&b, "keep"), GZ_OK);
    assert_int_equal(gz_feedfmt_xml(&b, "&&&&&&", 6, 0), GZ_ETOOBIG);
    assert_string_equal(b.p, "keep");
    struct gz_feedfmt_out o = {&b, GZ_OK};
    gz_feedfmt_elem(&o, "title", "much too long for sixteen bytes");
    assert_int_equal(o.rc, GZ_ETOOBIG);
    gz_feedfmt_put(&o, "x"); /* sticky: nothing more is written */
    assert_int_equal(o.rc, GZ_ETOOBIG);
    gz_buf_free(&b);
}

static void test_utf8_scrub(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 64);
    assert_int_equal(gz_feedfmt_utf8(&b, "ok\xFFé", 5), GZ_OK);
    assert_string_equal(b.p, "ok\xEF\xBF\xBD"
                             "é");
    gz_buf_free(&b);
}

static void test_dates(void **state)
{
    char d[GZ_FEEDFMT_DATE_MAX];
    assert_string_equal(gz_feedfmt_rfc822(d, 0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_string_equal(gz_feedfmt_rfc822(d, 1772530200),
                        "Tue, 03 Mar 2026 09:30:00 GMT");
    assert_string_equal(gz_feedfmt_rfc3339(d, 1772530200), "2026-03-03T09:30:00Z");
    assert_string_equal(gz_feedfmt_rfc3339(d, 951782399), "2000-02-28T23:59:59Z");
}

static void test_urls(void **state)
{
    struct gz_arena a = {0};
    assert_string_equal(gz_feedfmt_url(&a, "https://x.org", "/2026/03/plain-slug_1.2~"),
                        "https://x.org/2026/03/plain-slug_1.2~");
    assert_string_equal(gz_feedfmt_url(&a, "https://x.org", "/tag/ورزش"),
                        "https://x.org/tag/%D9%88%D8%B1%D8%B2%D8%B4");
    assert_string_equal(gz_feedfmt_url(&a, "http://h", "/a b&c\"<>?#%"),
                        "http://h/a%20b%26c%22%3C%3E%3F%23%25");
    gz_arena_free(&a);
}

static void test_article_ids(void **state)
{
    struct gz_arena a = {0};
    assert_string_equal(
        gz_feedfmt_article_id(&a, "https://News.Example.org", 1772530200, 42),
        "tag:news.example.org,2026-03-03:article/42");
    assert_string_equal(gz_feedfmt_article_id(&a, "http://127.0.0.1:8080", 1772530200, 7),
                        "tag:127.0.0.1,2026-03-03:article/7");
    assert_string_equal(gz_feedfmt_article_id(&a, "https://u@x.org:443/news/", 0, 1),
                        "tag:x.org,2000-01-01:news/article/1");
    assert_string_equal(gz_feedfmt_article_id(&a, "http://[::1]:8080", 1772530200, 3),
                        "tag:[::1],2026-03-03:article/3");
    gz_arena_free(&a);
}

static void test_absolute_html(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 4096);
    const char *in = "<p><a href=\"/2026/03/x\">x</a> <img src=\"/media/a.png\" alt=\"\">"
                     " <a href=\"//cdn.example/y\">y</a> <a href=\"https://o.org/\">o</a>"
                     " <a href=\"#top\">t</a></p>";
    assert_int_equal(gz_feedfmt_absolute_html(&b, in, "https://x.org"), GZ_OK);
    assert_string_equal(b.p,
                        "<p><a href=\"https://x.org/2026/03/x\">x</a> "
                        "<img src=\"https://x.org/media/a.png\" alt=\"\"> "
                        "<a href=\"//cdn.example/y\">y</a> "
                        "<a href=\"https://o.org/\">o</a> <a href=\"#top\">t</a></p>");
    gz_buf_reset(&b);
    assert_int_equal(
        gz_feedfmt_absolute_html(&b, "<img src=\"/a\">", "https://x.org/\"q"), GZ_OK);
    assert_string_equal(b.p, "<img src=\"https://x.org/&quot;q/a\">");
    gz_buf_reset(&b);
    assert_int_equal(gz_feedfmt_absolute_html(&b, "", "https://x.org"), GZ_OK);
    assert_int_equal(b.len, 0);
    gz_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escapes),
        cmocka_unit_test(test_xml_too_big_leaves_buffer),
        cmocka_unit_test(test_utf8_scrub),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_article_ids),
        cmocka_unit_test(test_absolute_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
