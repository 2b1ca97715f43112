/* gz_sanitize_html: what it keeps, what it drops, and every vector of
 * tests/fixtures/xss/vectors.txt through it (and through gz_wp_content
 * first, as an import does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content_tests.h"

#include "content/content.h"
#include "content/sanitize.h"
#include "content/wordpress.h"
#include "core/utf8.h"

#ifndef GZ_TEST_FIXTURES
#define GZ_TEST_FIXTURES "tests/fixtures"
#endif

/* The sanitized form of html, in a static buffer (tests are serial). */
static const char *clean(const char *html)
{
    static struct gz_buf out;
    gz_buf_free(&out);
    gz_buf_init(&out, 1 << 20);
    assert_int_equal(gz_sanitize_html(html, strlen(html), &out, NULL), GZ_OK);
    return out.p ? out.p : "";
}

/* s repeated n times, then tail, in a static buffer. */
static const char *repeat(const char *s, size_t n, const char *tail)
{
    static struct gz_buf b;
    gz_buf_free(&b);
    gz_buf_init(&b, 4 << 20);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(gz_buf_puts(&b, s), GZ_OK);
    assert_int_equal(gz_buf_puts(&b, tail), GZ_OK);
    return b.p;
}

/* The return code of sanitizing html, which must leave out empty. */
static int refused(const char *html)
{
    struct gz_buf out;
    gz_buf_init(&out, 1 << 20);
    int rc = gz_sanitize_html(html, strlen(html), &out, NULL);
    assert_int_equal(out.len, 0);
    gz_buf_free(&out);
    return rc;
}

static void sanitize_keeps_allowed(void **state)
{
    assert_string_equal(clean("<p>Hello <em>world</em> &amp; <strong>all</strong></p>"),
                        "<p>Hello <em>world</em> &amp; <strong>all</strong></p>");
    assert_string_equal(clean("<ul><li>a</li><li lang=\"fa\" dir=\"rtl\">ب</li></ul>"),
                        "<ul><li>a</li><li lang=\"fa\" dir=\"rtl\">ب</li></ul>");
    assert_string_equal(
        clean("<table><tr><td colspan=2>x</td></tr></table>"),
        "<table><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>");
    assert_string_equal(clean("<abbr title=\"HyperText\">HTML</abbr><br/><hr>"),
                        "<abbr title=\"HyperText\">HTML</abbr><br><hr>");
    assert_string_equal(clean("<img src=\"/a.jpg\" alt=\"A &quot;cat&quot;\" width=300 "
                              "height=\"20px\">"),
                        "<img src=\"/a.jpg\" alt=\"A &quot;cat&quot;\" width=\"300\" "
                        "loading=\"lazy\">");
    /* h1 is the page's title; the body's start at h2 */
    assert_string_equal(clean("<h1>T</h1><h3>S</h3>"), "<h2>T</h2><h3>S</h3>");
    /* text is escaped again; entities are decoded first */
    assert_string_equal(clean("a &lt;b&gt; &#39;c&#39; \"d\""),
                        "a &lt;b&gt; &#39;c&#39; &quot;d&quot;");
    /* a browser drops the newline after <pre>: one is added to be dropped */
    assert_string_equal(clean("<pre>\n\n  x < y</pre>"), "<pre>\n\n  x &lt; y</pre>");
    assert_string_equal(clean(""), "");
}

static void sanitize_links(void **state)
{
    assert_string_equal(clean("<a href=\"https://example.com/\" title=t>x</a>"),
                        "<a href=\"https://example.com/\" title=\"t\" "
                        "rel=\"nofollow noopener\">x</a>");
    assert_string_equal(clean("<a href=\"//example.com/\" rel=\"ugc me\">x</a>"),
                        "<a href=\"//example.com/\" rel=\"nofollow noopener ugc\">x</a>");
    /* links inside the site and mail links get no rel */
    assert_string_equal(clean("<a href=\"/2024/05/x/\" rel=\"author\">x</a>"),
                        "<a href=\"/2024/05/x/\">x</a>");
    assert_string_equal(clean("<a href=\"mailto:a@example.com\">m</a>"),
                        "<a href=\"mailto:a@example.com\">m</a>");
    /* no URL or a refused one: the text stays, the link goes */
    assert_string_equal(clean("<a name=\"x\">anchor</a>"), "anchor");
    assert_string_equal(clean("<a href=\"javascript:alert(1)\">y</a>"), "y");
    assert_string_equal(clean("<img src=\"data:image/png;base64,AA\" alt=x>z"), "z");
    assert_string_equal(clean("<a href=\"a?b=1&amp;c=2\">q</a>"),
                        "<a href=\"a?b=1&amp;c=2\">q</a>");
}

static void sanitize_drops(void **state)
{
    assert_string_equal(clean("a<script>alert(1)</script>b"), "ab");
    assert_string_equal(clean("<style>p{}</style><p style=\"color:red\" class=x "
                              "onclick=\"f()\" id=y>p</p>"),
                        "<p>p</p>");
    assert_string_equal(clean("<iframe src=\"https://x/\">f</iframe><object>o</object>"
                              "<embed src=x><form>t<input value=v></form>"),
                        "");
    assert_string_equal(clean("<svg><text>s</text></svg><math><mi>x</mi></math>"), "");
    assert_string_equal(clean("a<!-- comment -->b"), "ab");
    /* unknown and layout elements are unwrapped */
    assert_string_equal(clean("<section><font color=red>t</font><center>c</center>"
                              "<my-widget>w</my-widget></section>"),
                        "tcw");
    assert_string_equal(clean("<p dir=\"evil\" lang=\"en&quot;x\">p</p>"), "<p>p</p>");
}

static void sanitize_counts(void **state)
{
    struct gz_sanitize_stats st = {0};
    struct gz_buf out;
    gz_buf_init(&out, 4096);
    const char *html = "<script>x</script><section><a href=\"javascript:x\" "
                       "onclick=y>a</a></section><img src=\"vbscript:x\">";
    assert_int_equal(gz_sanitize_html(html, strlen(html), &out, &st), GZ_OK);
    assert_string_equal(out.p, "a");
    assert_int_equal(st.elements_removed, 2);   /* script, img */
    assert_int_equal(st.elements_unwrapped, 2); /* section, a */
    assert_int_equal(st.urls_removed, 2);
    assert_int_equal(st.attributes_removed, 0); /* unwrapped: none written */
    /* counts add up over calls */
    assert_int_equal(gz_sanitize_html("<p onclick=x>", 13, &out, &st), GZ_OK);
    assert_int_equal(st.attributes_removed, 1);
    gz_buf_free(&out);
}

static void sanitize_limits(void **state)
{
    struct gz_buf out;
    gz_buf_init(&out, 16);
    assert_int_equal(gz_buf_puts(&out, "keep"), GZ_OK);
    /* output over the buffer's maximum: refused, out as it was */
    const char *long_text = "<p>this is longer than sixteen bytes</p>";
    assert_int_equal(gz_sanitize_html(long_text, strlen(long_text), &out, NULL),
                     GZ_ETOOBIG);
    assert_string_equal(out.p, "keep");
    assert_int_equal(gz_sanitize_html("\xC0\xBC", 2, &out, NULL), GZ_EINVAL);
    assert_string_equal(out.p, "keep");
    gz_buf_free(&out);

    /* gumbo cuts an overflowing character reference short (found by
     * fuzz_sanitize): the output is still UTF-8 */
    const char *overflow = clean("&#11111111111111111111111111111111111x3E\x0e");
    assert_true(gz_utf8_valid(overflow, strlen(overflow)));
    assert_non_null(strstr(overflow, "\xEF\xBF\xBD"));

    /* deeper than GZ_SANITIZE_MAX_DEPTH: tags go, text stays */
    const char *deep = repeat("<div>", GZ_SANITIZE_MAX_NESTING, "deep");
    const char *res = clean(deep);
    size_t divs = 0;
    for (const char *p = res; (p = strstr(p, "<div>")); p++)
        divs++;
    assert_int_equal(divs, GZ_SANITIZE_MAX_DEPTH);
    assert_non_null(strstr(res, "deep"));
    /* deeper than GZ_SANITIZE_MAX_NESTING: refused, also when end tags of
     * other or made-up names try to hide the depth */
    assert_int_equal(refused(repeat("<div>", GZ_SANITIZE_MAX_NESTING + 1, "")),
                     GZ_ETOOBIG);
    assert_int_equal(
        refused(repeat("<x-a></x-b></span>", GZ_SANITIZE_MAX_NESTING + 1, "")),
        GZ_ETOOBIG);
    /* elements that a sibling closes do not nest */
    assert_non_null(clean(repeat("<p>x<li>y<td>", 3 * GZ_SANITIZE_MAX_NESTING, "")));
    /* misnested formatting tags that make gumbo clone elements without
     * end: the memory cap stops the parse */
    struct gz_buf bomb;
    gz_buf_init(&bomb, 4 << 20);
    assert_int_equal(gz_buf_puts(&bomb, "<div>"), GZ_OK);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(gz_buf_printf(&bomb, "<b id=%d>", i), GZ_OK);
    assert_int_equal(gz_buf_puts(&bomb, "</div>"), GZ_OK);
    for (int i = 0; i < 20000; i++)
        assert_int_equal(gz_buf_puts(&bomb, "<p>x</p>"), GZ_OK);
    assert_int_equal(refused(bomb.p), GZ_ETOOBIG);
    gz_buf_free(&bomb);
}

/* ---- the XSS vectors ---- */

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A vector line as the fixture's header describes it. */
static void decode_vector(const char *line, int number, struct gz_buf *out)
{
    gz_buf_reset(out);
    for (const char *p = line; *p; p++) {
        if (p[0] == '$' && p[1] == 'N') {
            assert_int_equal(gz_buf_printf(out, "%d", number), GZ_OK);
            p++;
        } else if (p[0] == '\\' && (p[1] == 'n' || p[1] == 't' || p[1] == 'r')) {
            assert_int_equal(gz_buf_putc(out, p[1] == 'n'   ? '\n'
                                              : p[1] == 't' ? '\t'
                                                            : '\r'),
                             GZ_OK);
            p++;
        } else if (p[0] == '\\' && p[1] == 'x' && hex(p[2]) >= 0 && hex(p[3]) >= 0) {
            assert_int_equal(gz_buf_putc(out, (char)(hex(p[2]) * 16 + hex(p[3]))), GZ_OK);
            p += 3;
        } else {
            assert_int_equal(gz_buf_putc(out, *p), GZ_OK);
        }
    }
}

/* The value of an attribute as a browser reads it: the escapes the
 * sanitizer writes undone, spaces and control characters dropped (as a
 * browser ignores them around and inside a scheme), lower case. */
static void url_seen(const char *v, size_t n, char *out, size_t cap)
{
    static const char *const ents[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = v[i];
        for (size_t e = 0; e < GZ_COUNTOF(ents); e++) {
            size_t el = strlen(ents[e][0]);
            if (n - i >= el && !memcmp(v + i, ents[e][0], el)) {
                c = ents[e][1][0];
                i += el - 1;
                break;
            }
        }
        if ((unsigned char)c > 0x20 && c != 0x7f)
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[o] = '\0';
}

/* The properties every sanitized output has; returns a reason or NULL. */
static const char *unsafe(const char *html)
{
    static const char *const allowed[] = {"href",    "title",   "rel",    "src", "alt",
                                          "width",   "height",  "lang",   "dir", "start",
                                          "colspan", "rowspan", "loading"};
    if (strcasestr(html, "<script"))
        return "<script";
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        if (!end)
            return "unclosed tag";
        for (const char *a = strchr(p, ' '); a && a < end; a = strchr(a + 1, ' ')) {
            size_t len = strcspn(a + 1, "=");
            const char *v = a + 1 + len;
            if (v >= end || v[1] != '"')
                return "attribute without a quoted value";
            int ok = 0;
            for (size_t i = 0; i < GZ_COUNTOF(allowed); i++)
                ok |= strlen(allowed[i]) == len && !strncmp(a + 1, allowed[i], len);
            if (!ok)
                return "attribute not on the allow-list";
            const char *close = strchr(v + 2, '"');
            if (!close || close > end)
                return "attribute value not closed";
            if ((len == 4 && !strncmp(a + 1, "href", 4)) ||
                (len == 3 && !strncmp(a + 1, "src", 3))) {
                char url[512];
                url_seen(v + 2, (size_t)(close - v - 2), url, sizeof url);
                if (!strncmp(url, "javascript:", 11) || !strncmp(url, "vbscript:", 9) ||
                    !strncmp(url, "data:", 5))
                    return "dangerous URL";
            }
            a = close;
        }
        p = end;
    }
    return NULL;
}

static void check_vector(const char *src, size_t len, int number, int through_wp)
{
    struct gz_buf html, out;
    gz_buf_init(&html, 1 << 20);
    gz_buf_init(&out, 1 << 20);
    if (through_wp)
        assert_int_equal(gz_wp_content(src, len, &html, NULL), GZ_OK);
    else
        assert_int_equal(gz_buf_append(&html, src, len), GZ_OK);
    int rc = gz_sanitize_html(html.p ? html.p : "", html.len, &out, NULL);
    const char *why = rc == GZ_OK ? unsafe(out.p ? out.p : "") : NULL;
    if (rc != GZ_OK && rc != GZ_EINVAL)
        why = "unexpected return code";
    if (why) {
        print_error("vector %d (%s): %s\n  in:  %s\n  out: %s\n", number,
                    through_wp ? "wp" : "html", why, src, out.p ? out.p : "");
        fail();
    }
    gz_buf_free(&html);
    gz_buf_free(&out);
}

static void sanitize_xss_vectors(void **state)
{
    FILE *f = fopen(GZ_TEST_FIXTURES "/xss/vectors.txt", "r");
    assert_non_null(f);
    char line[4096];
    int number = 0;
    struct gz_buf v;
    gz_buf_init(&v, 1 << 16);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        decode_vector(line, ++number, &v);
        check_vector(v.p, v.len, number, 0);
        check_vector(v.p, v.len, number, 1);
    }
    fclose(f);
    gz_buf_free(&v);
    assert_true(number > 100);
}

/* gz_content_prepare on an imported (HTML) body: sanitized, not rendered
 * as Markdown, and the teaser made from the text the page shows. */
static void sanitize_prepare_html(void **state)
{
    struct gz_article a = {.title = gz_xstrdup("Imported"),
                           .body_src = gz_xstrdup("<h1>Head</h1><p onclick=\"x()\">Some "
                                                  "*plain* <script>evil()</script>"
                                                  "<b>text</b> here</p>"),
                           .body_format = GZ_FORMAT_HTML};
    assert_int_equal(gz_content_prepare(&a, 4), GZ_OK);
    assert_string_equal(a.body_html, "<h2>Head</h2><p>Some *plain* <b>text</b> here</p>");
    assert_string_equal(a.teaser, "Head Some *plain* text...");
    assert_int_equal(a.body_format, GZ_FORMAT_HTML);
    gz_article_clear(&a);

    struct gz_article bad = {.title = gz_xstrdup("T"), .body_format = 7};
    assert_int_equal(gz_content_prepare(&bad, 4), GZ_EINVAL);
    gz_article_clear(&bad);
}

/* The checker itself must catch what it is there to catch. */
static void sanitize_checker_fails(void **state)
{
    assert_non_null(unsafe("<p><script>x</script></p>"));
    assert_non_null(unsafe("<img src=\"x\" onerror=\"y\">"));
    assert_non_null(unsafe("<a href=\" java\tscript:x\">x</a>"));
    assert_non_null(unsafe("<a href=\"DATA:text/html,x\">x</a>"));
    assert_null(unsafe("<a href=\"https://x/\" rel=\"nofollow noopener\">x</a>"));
}

int gz_test_sanitize(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sanitize_keeps_allowed), cmocka_unit_test(sanitize_links),
        cmocka_unit_test(sanitize_drops),         cmocka_unit_test(sanitize_counts),
        cmocka_unit_test(sanitize_limits),        cmocka_unit_test(sanitize_xss_vectors),
        cmocka_unit_test(sanitize_checker_fails), cmocka_unit_test(sanitize_prepare_html),
    };
    return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
