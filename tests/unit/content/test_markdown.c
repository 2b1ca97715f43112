/* gz_markdown_render and the URL allow-list. */
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/markdown.h"
#include "content/url.h"

struct rendered {
    int rc;
    char *html;
    char *text;
};

static struct rendered render(const char *md)
{
    struct gz_buf html, text;
    gz_buf_init(&html, GZ_BUF_PAGE_MAX);
    gz_buf_init(&text, GZ_BUF_PAGE_MAX);
    struct rendered r;
    r.rc = gz_markdown_render(md, strlen(md), &html, &text);
    r.html = gz_buf_take(&html);
    r.text = gz_buf_take(&text);
    return r;
}

static void rendered_free(struct rendered *r)
{
    free(r->html);
    free(r->text);
}

/* Renders md and checks the whole HTML output. */
static void check_html(const char *md, const char *want)
{
    struct rendered r = render(md);
    assert_int_equal(r.rc, GZ_OK);
    if (strcmp(r.html, want) != 0)
        fail_msg("markdown:\n%s\ngot:\n%s\nwant:\n%s", md, r.html, want);
    rendered_free(&r);
}

/* Renders md and checks that needle does (or does not) occur in the HTML. */
static void check_contains(const char *md, const char *needle, int want)
{
    struct rendered r = render(md);
    assert_int_equal(r.rc, GZ_OK);
    if ((strstr(r.html, needle) != NULL) != want)
        fail_msg("markdown: %s\nhtml: %s\n%s \"%s\"", md, r.html,
                 want ? "lacks" : "contains", needle);
    rendered_free(&r);
}

static void md_headings_paragraphs(void **state)
{
    check_html("# One\n\n## Two *em*\n\n###### Six\n\nText\nmore",
               "<h1>One</h1>\n"
               "<h2>Two <em>em</em></h2>\n"
               "<h6>Six</h6>\n"
               "<p>Text\nmore</p>\n");
    check_html("", "");
    check_html("a  \nb\n\n---\n\n> quote", "<p>a<br>\nb</p>\n<hr>\n"
                                           "<blockquote>\n<p>quote</p>\n</blockquote>\n");
}

static void md_lists(void **state)
{
    check_html("- a\n- b\n", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    check_html("3. x\n4. y\n", "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n");
    check_html("1. x\n", "<ol>\n<li>x</li>\n</ol>\n");
}

static void md_emphasis_code(void **state)
{
    check_html(
        "*a* **b** ~~c~~ `d<e>`",
        "<p><em>a</em> <strong>b</strong> <del>c</del> <code>d&lt;e&gt;</code></p>\n");
    check_html("```sh\necho \"<x>\" & y\n```\n",
               "<pre><code class=\"language-sh\">echo &quot;&lt;x&gt;&quot; &amp; y\n"
               "</code></pre>\n");
    /* the info string cannot break out of the class attribute */
    check_contains("```a\"onmouseover=x\nz\n```\n",
                   "class=\"language-a&quot;onmouseover=x\"", 1);
}

static void md_tables(void **state)
{
    check_html(
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n"
        "</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n"
        "<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n");
}

static void md_raw_html_escaped(void **state)
{
    check_html("<script>alert(1)</script>\n",
               "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    check_html("a <img src=x onerror=alert(1)> b",
               "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n");
    check_html("<div>\n*x*\n</div>\n", "<p>&lt;div&gt;\n<em>x</em>\n&lt;/div&gt;</p>\n");
    check_contains("<!-- c --> <?php x ?> <![CDATA[x]]>", "<!", 0);
    check_contains("<iframe src=\"x\"></iframe>", "<iframe", 0);
}

static void md_links_allowed(void **state)
{
    check_html(
        "[a](https://example.com/x?y=1&z=2 \"T\")",
        "<p><a href=\"https://example.com/x?y=1&amp;z=2\" title=\"T\">a</a></p>\n");
    check_html(
        "[a](/path) [b](#top) [c](?q=1) [d](mailto:x@example.com) [e](HTTP://X.Y)",
        "<p><a href=\"/path\">a</a> <a href=\"#top\">b</a> <a href=\"?q=1\">c</a> "
        "<a href=\"mailto:x@example.com\">d</a> <a href=\"HTTP://X.Y\">e</a></p>\n");
    /* spaces and quotes in a destination are percent-encoded */
    check_html("[q](<a b\"c>)", "<p><a href=\"a%20b%22c\">q</a></p>\n");
    check_html("see www.example.com", "<p>see <a href=\"http://www.example.com\">"
                                      "www.example.com</a></p>\n");
}

static void md_links_refused(void **state)
{
    static const char *const bad[] = {
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](< JaVaScRiPt:alert(1)>)",
        "[x](<\x01javascript:alert(1)>)",
        "[x](java&Tab;script:alert(1))",
        "[x](java&NewLine;script:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x]\n\n[x]: javascript:alert(1)",
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        struct rendered r = render(bad[i]);
        assert_int_equal(r.rc, GZ_OK);
        if (strstr(r.html, "<a") || strstr(r.html, "href"))
            fail_msg("case %zu kept a link: %s -> %s", i, bad[i], r.html);
        rendered_free(&r);
    }
    /* the link text stays, as text */
    check_html("[click *me*](javascript:alert(1))", "<p>click <em>me</em></p>\n");
}

static void md_images(void **state)
{
    check_html(
        "![A \"cat\" *photo*](/img/cat.jpg \"Title\")",
        "<p><img src=\"/img/cat.jpg\" alt=\"A &quot;cat&quot; photo\" title=\"Title\" "
        "loading=\"lazy\"></p>\n");
    /* refused source: the alt text is rendered, no <img> */
    check_html("![a cat](javascript:alert(1))", "<p>a cat</p>\n");
    check_html("![a <b>cat</b>](data:image/png;base64,AAAA)",
               "<p>a &lt;b&gt;cat&lt;/b&gt;</p>\n");
    /* an image inside a link, and a nested image in alt text */
    check_html(
        "[![i](i.png)](https://x.y)",
        "<p><a href=\"https://x.y\"><img src=\"i.png\" alt=\"i\" loading=\"lazy\"></a>"
        "</p>\n");
    check_html("![a ![b](c.png) d](e.png)",
               "<p><img src=\"e.png\" alt=\"a b d\" loading=\"lazy\"></p>\n");
}

static void md_entities(void **state)
{
    check_html("&amp; &lt;b&gt; &#1587; &copy; &eacute; &#0;",
               "<p>&amp; &lt;b&gt; \xD8\xB3 \xC2\xA9 &eacute; \xEF\xBF\xBD</p>\n");
}

static void md_plain_text(void **state)
{
    struct rendered r = render("# Head *line*\n\nSome **bold** and [a link](https://x.y)"
                               " and `code`.\n\n- one\n- two\n\n![alt words](p.png)\n\n"
                               "| c1 | c2 |\n|---|---|\n| d1 | d2 |\n\nA <b>tag</b>\n"
                               "  spread\tout &amp; done");
    assert_int_equal(r.rc, GZ_OK);
    assert_string_equal(r.text,
                        "Head line Some bold and a link and code. one two c1 c2 d1 d2 "
                        "A <b>tag</b> spread out & done");
    rendered_free(&r);
    /* text may be NULL */
    struct gz_buf html;
    gz_buf_init(&html, 1024);
    assert_int_equal(gz_markdown_render("*x*", 3, &html, NULL), GZ_OK);
    assert_string_equal(html.p, "<p><em>x</em></p>\n");
    gz_buf_free(&html);
}

static void md_invalid_utf8(void **state)
{
    static const char *const bad[] = {"abc \xC3", "\xC0\xAF", "x \xED\xA0\x80 y",
                                      "\xF4\x90\x80\x80", "\xFF"};
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        struct gz_buf html, text;
        gz_buf_init(&html, 1024);
        gz_buf_init(&text, 1024);
        assert_int_equal(gz_markdown_render(bad[i], strlen(bad[i]), &html, &text),
                         GZ_EINVAL);
        assert_int_equal(html.len, 0);
        assert_int_equal(text.len, 0);
        gz_buf_free(&html);
        gz_buf_free(&text);
    }
}

static void md_too_big(void **state)
{
    struct gz_buf html, text;
    gz_buf_init(&html, 32);
    gz_buf_init(&text, 1024);
    assert_int_equal(gz_buf_puts(&html, "keep"), GZ_OK);
    const char *md = "a paragraph that is longer than thirty-two bytes";
    assert_int_equal(gz_markdown_render(md, strlen(md), &html, &text), GZ_ETOOBIG);
    /* a failed render leaves both buffers as they were */
    assert_string_equal(html.p, "keep");
    assert_int_equal(text.len, 0);
    gz_buf_free(&html);
    /* the text buffer has its own cap */
    gz_buf_init(&html, 1024);
    gz_buf_free(&text);
    gz_buf_init(&text, 8);
    assert_int_equal(gz_markdown_render(md, strlen(md), &html, &text), GZ_ETOOBIG);
    assert_int_equal(html.len, 0);
    gz_buf_free(&html);
    gz_buf_free(&text);
}

static void url_allow_list(void **state)
{
    static const char *const good[] = {
        "http://x", "https://x/y", "mailto:a@b",  "HTTPS://X", "/a/b",
        "a/b",      "#f",          "?q",          "//host/p",  "",
        "a/b:c",    "page.html",   "  https://x", "ht\ttp://x"};
    static const char *const bad[] = {
        "javascript:x",   " javascript:x",    "JAVASCRIPT:x", "java\tscript:x",
        "java\nscript:x", "\x01javascript:x", "data:x",       "vbscript:x",
        "ftp://x",        "file:///x",        "a:b",          "javascript\x7f:x",
        "httpx:y"};
    for (size_t i = 0; i < GZ_COUNTOF(good); i++) {
        if (!gz_url_is_safe(good[i], strlen(good[i])))
            fail_msg("refused \"%s\"", good[i]);
    }
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        if (gz_url_is_safe(bad[i], strlen(bad[i])))
            fail_msg("allowed \"%s\"", bad[i]);
    }
}

int gz_test_markdown(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(md_headings_paragraphs),
        cmocka_unit_test(md_lists),
        cmocka_unit_test(md_emphasis_code),
        cmocka_unit_test(md_tables),
        cmocka_unit_test(md_raw_html_escaped),
        cmocka_unit_test(md_links_allowed),
        cmocka_unit_test(md_links_refused),
        cmocka_unit_test(md_images),
        cmocka_unit_test(md_entities),
        cmocka_unit_test(md_plain_text),
        cmocka_unit_test(md_invalid_utf8),
        cmocka_unit_test(md_too_big),
        cmocka_unit_test(url_allow_list),
    };
    return cmocka_run_group_tests_name("markdown", tests, NULL, NULL);
}
