/* gz_wp_content: WordPress's paragraph rules, editor comments, the more
 * cut and shortcodes, on small inputs with the exact output expected. */
#include <string.h>

#include "content_tests.h"

#include "content/sanitize.h"
#include "content/wordpress.h"

static struct gz_wp_stats stats;

/* The HTML gz_wp_content makes of raw, in a static buffer. */
static const char *wp(const char *raw)
{
    static struct gz_buf out;
    gz_buf_free(&out);
    gz_buf_init(&out, 1 << 20);
    assert_int_equal(gz_wp_content(raw, strlen(raw), &out, &stats), GZ_OK);
    return out.p ? out.p : "";
}

static void wp_paragraphs(void **state)
{
    assert_string_equal(wp("one\n\ntwo"), "<p>one</p>\n<p>two</p>\n");
    assert_string_equal(wp("one\ntwo"), "<p>one<br>\ntwo</p>\n");
    assert_string_equal(wp("\n\n  one  \n\n\n\n two \n"), "<p>one</p>\n<p>two</p>\n");
    assert_string_equal(wp("a\r\nb\r\n\r\nc\rd"), "<p>a<br>\nb</p>\n<p>c<br>\nd</p>\n");
    assert_string_equal(wp("x <em>y</em>\nz"), "<p>x <em>y</em><br>\nz</p>\n");
    /* newlines inside a tag are not line breaks */
    assert_string_equal(wp("<a\nhref=\"/x\">y</a>"), "<p><a\nhref=\"/x\">y</a></p>\n");
    assert_string_equal(wp(""), "");
    assert_string_equal(wp(" \n\n "), "");
}

static void wp_blocks(void **state)
{
    /* no <p> around or directly inside block elements */
    assert_string_equal(wp("<div>text</div>"), "<div>text</div>\n");
    assert_string_equal(wp("<div>\ntext\n</div>"), "<div>\ntext\n</div>\n");
    assert_string_equal(wp("<div>\n\ntext\n\n</div>"), "<div>\n<p>text</p>\n</div>\n");
    assert_string_equal(wp("intro\n<ul>\n<li>a\nb</li>\n<li>c</li>\n</ul>\nafter"),
                        "<p>intro</p>\n<ul>\n<li>a<br>\nb</li>\n<li>c</li>\n</ul>\n"
                        "<p>after</p>\n");
    assert_string_equal(wp("<h2>Title</h2>\ntext<hr>more"),
                        "<h2>Title</h2>\n<p>text</p>\n<hr>\n<p>more</p>\n");
    assert_string_equal(wp("<p>given\nhere</p>"), "<p>given<br>\nhere</p>\n");
    /* text in a blockquote gets its paragraphs */
    assert_string_equal(wp("<blockquote>quote</blockquote>"),
                        "<blockquote><p>quote</p></blockquote>\n");
    assert_string_equal(wp("<table><tr><td>a\nb</td></tr></table>"),
                        "<table>\n<tr>\n<td>a<br>\nb</td>\n</tr>\n</table>\n");
    /* nothing inside <pre> is touched */
    assert_string_equal(wp("a\n<pre>x\n\ny\n</pre>\nb"),
                        "<p>a</p>\n<pre>x\n\ny\n</pre>\n<p>b</p>\n");
    assert_string_equal(wp("<PRE>unclosed\n\nto the end"),
                        "<PRE>unclosed\n\nto the end\n");
}

/* The exact cases of ../shared/fixtures/README.md. */
static void wp_fixture_cases(void **state)
{
    /* phpunit_data_post-content-blank-lines.xml: its content, with its 3
     * newlines; WordPress keeps them as one <br> and one paragraph break */
    assert_string_equal(
        wp("This is an example of a WordPress post.\n\t\tIt has lines with "
           "text (and one blank line).\n\nAnd more lines with text."),
        "<p>This is an example of a WordPress post.<br>\n\t\tIt has lines "
        "with text (and one blank line).</p>\n<p>And more lines with "
        "text.</p>\n");
    /* the crazy-cdata files: the content, whose <![CDATA[ ...]]> is a bogus
     * comment in HTML, as a browser shows it */
    const char *html = wp("Content with nested <![CDATA[ tags ]]> :)");
    assert_string_equal(html, "<p>Content with nested <![CDATA[ tags ]]> :)</p>\n");
    struct gz_buf out;
    gz_buf_init(&out, 4096);
    assert_int_equal(gz_sanitize_html(html, strlen(html), &out, NULL), GZ_OK);
    assert_string_equal(out.p, "<p>Content with nested  :)</p>\n");
    gz_buf_free(&out);
}

static void wp_more(void **state)
{
    const char *html = wp("Intro here.\n\n<!--more-->\n\nThe rest.");
    assert_string_equal(html, "<p>Intro here.</p>\n<p>The rest.</p>\n");
    assert_int_equal(stats.more_at, strlen("<p>Intro here.</p>\n"));
    /* on one line, with link text: still a paragraph break */
    html = wp("Intro <!--more Read on--> rest <!--more--> end");
    assert_string_equal(html, "<p>Intro</p>\n<p>rest  end</p>\n");
    assert_int_equal(stats.more_at, strlen("<p>Intro</p>\n"));
    html = wp("All teaser<!--more-->");
    assert_string_equal(html, "<p>All teaser</p>\n");
    assert_int_equal(stats.more_at, strlen(html));
    wp("no cut <!--moreover-->");
    assert_int_equal(stats.more_at, -1);
    /* other page markers go */
    assert_string_equal(wp("p1<!--nextpage-->p2<!--noteaser-->"),
                        "<p>p1</p>\n<p>p2</p>\n");
}

static void wp_block_editor(void **state)
{
    const char *raw =
        "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n"
        "<!-- wp:image {\"id\":5} /-->\n<!-- wp:paragraph -->\n<p>Two\nlines</p>\n"
        "<!-- /wp:paragraph -->";
    const char *html = wp(raw);
    /* block content: comments out, no paragraph rules */
    assert_string_equal(html, "\n<p>One</p>\n\n\n\n\n\n\n\n\n<p>Two\nlines</p>\n");
    assert_int_equal(stats.block_comments, 7);
    assert_int_equal(stats.more_at, strlen("\n<p>One</p>\n\n\n\n"));
    /* other comments are left to the sanitizer */
    assert_string_equal(wp("a<!-- note -->b"), "<p>a<!-- note -->b</p>\n");
}

static void wp_captions(void **state)
{
    assert_string_equal(
        wp("[caption id=\"attachment_6\" align=\"alignright\" width=\"300\"]<img "
           "src=\"/a.jpg\" alt=\"\" width=\"300\" /> The <em>caption</em>[/caption]"),
        "<figure><img src=\"/a.jpg\" alt=\"\" width=\"300\" />\n<figcaption>The "
        "<em>caption</em></figcaption>\n</figure>\n");
    assert_int_equal(stats.captions, 1);
    assert_int_equal(stats.shortcodes_dropped, 0);
    /* a linked image; the old caption="" attribute */
    assert_string_equal(wp("[caption caption=\"Old style\"]<a href=\"/big.jpg\"><img "
                           "src=\"/a.jpg\"></a>[/caption]"),
                        "<figure><a href=\"/big.jpg\"><img src=\"/a.jpg\"></a>\n"
                        "<figcaption>Old style</figcaption>\n</figure>\n");
    /* text around it */
    assert_string_equal(wp("Before\n[caption]<img src=\"/a.jpg\">Cap[/caption]\nafter"),
                        "<p>Before</p>\n<figure><img src=\"/a.jpg\">\n<figcaption>Cap"
                        "</figcaption>\n</figure>\n<p>after</p>\n");
    /* no closing tag: the tag goes */
    assert_string_equal(wp("[caption]<img src=\"/a.jpg\">"),
                        "<p><img src=\"/a.jpg\"></p>\n");
    assert_int_equal(stats.shortcodes_dropped, 1);
}

static void wp_shortcodes(void **state)
{
    const char *html = wp("A [gallery ids=\"1,2\"] B [embed]https://youtu.be/x[/embed] C "
                          "[audio mp3=\"/a.mp3\"][/audio] D [video src=x /] E "
                          "[box color=\"red\"]kept[/box] F [note]also kept[/note] "
                          "[gallery]");
    assert_string_equal(html, "<p>A  B  C  D  E kept F also kept</p>\n");
    assert_int_equal(stats.shortcodes_dropped, 7);
    assert_int_equal(stats.ndropped, 6);
    assert_string_equal(stats.dropped[0].name, "gallery");
    assert_int_equal(stats.dropped[0].count, 2);
    assert_string_equal(stats.dropped[1].name, "embed");
    assert_string_equal(stats.dropped[4].name, "box");
    assert_string_equal(stats.dropped[5].name, "note");
    /* brackets that are text */
    assert_string_equal(wp("[sic] [1] [ x ] a[b [[gallery]] [/]"),
                        "<p>[sic] [1] [ x ] a[b [gallery] [/]</p>\n");
    assert_int_equal(stats.shortcodes_dropped, 0);
}

static void wp_limits(void **state)
{
    struct gz_buf out;
    gz_buf_init(&out, 8);
    assert_int_equal(gz_buf_puts(&out, "keep"), GZ_OK);
    struct gz_wp_stats st;
    assert_int_equal(gz_wp_content("a<!--more-->long text", 21, &out, &st), GZ_ETOOBIG);
    assert_string_equal(out.p, "keep");
    assert_int_equal(st.more_at, -1);
    /* a NULL stats pointer is fine */
    assert_int_equal(gz_wp_content("x", 1, &out, NULL), GZ_ETOOBIG);
    gz_buf_free(&out);
}

int gz_test_wordpress(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wp_paragraphs),    cmocka_unit_test(wp_blocks),
        cmocka_unit_test(wp_fixture_cases), cmocka_unit_test(wp_more),
        cmocka_unit_test(wp_block_editor),  cmocka_unit_test(wp_captions),
        cmocka_unit_test(wp_shortcodes),    cmocka_unit_test(wp_limits),
    };
    return cmocka_run_group_tests_name("wordpress", tests, NULL, NULL);
}
