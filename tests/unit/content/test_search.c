/* gz_search_query_parse, gz_search_html_text and gz_search_clean_text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_tests.h"

#include "content/search.h"

/* The terms of q as one string: words as they are, a phrase in quotes,
 * a prefix with a '*', terms separated by " | ". */
static char *terms(const char *q)
{
    static struct gz_search_query parsed;
    assert_int_equal(gz_search_query_parse(q, strlen(q), &parsed), GZ_OK);
    struct gz_buf b;
    gz_buf_init(&b, 1 << 16);
    gz_buf_puts(&b, "");
    for (size_t i = 0; i < parsed.n; i++) {
        const struct gz_search_term *t = &parsed.terms[i];
        gz_buf_printf(&b, "%s%s%s%s%s", i ? " | " : "", t->words > 1 ? "\"" : "", t->text,
                      t->words > 1 ? "\"" : "", t->prefix ? "*" : "");
    }
    return gz_buf_take(&b);
}

static void check(const char *q, const char *want)
{
    char *got = terms(q);
    if (strcmp(got, want) != 0)
        fail_msg("query \"%s\": got \"%s\", want \"%s\"", q, got, want);
    free(got);
}

static void query_words(void **state)
{
    check("climate change", "climate | change");
    check("  Climate   CHANGE  ", "climate | change");
    check("", "");
    check("   ", "");
    /* a word twice is one term */
    check("news News NEWS", "news");
    check("Café cafe", "cafe");
}

static void query_phrases(void **state)
{
    check("\"climate change\" policy", "\"climate change\" | policy");
    check("\"Climate, Change!\"", "\"climate change\"");
    check("\"one\"", "one");
    check("\"\" x", "x");
    check("a\"b c\"d", "a | \"b c\" | d");
}

static void query_prefix(void **state)
{
    check("elect*", "elect*");
    check("elect* votes", "elect* | votes");
    check("\"new yor\"*", "\"new yor\"*");
    /* too short for a prefix: a whole word */
    check("e*", "e");
    check("el*", "el");
    check("ele*", "ele*");
    check("ک*", "ك"); /* Persian kaf, searched as Arabic kaf */
    check("کت*", "كت");
    check("کتا*", "كتا*");
    /* a star that follows no word is punctuation */
    check("*", "");
    check("* *", "");
    check("elect *", "elect");
    check("\"new york\" *", "\"new york\"");
    check("**elect", "elect");
}

static void query_hostile(void **state)
{
    /* unpaired quotes are punctuation */
    check("\"climate change", "climate | change");
    check("climate\" change", "climate | change");
    check("\"a\" \"b", "a | b");
    check("\"", "");
    check("\"\"\"", "");
    /* operators are words; parentheses, colons and carets are punctuation */
    check("cats AND dogs", "cats | and | dogs");
    check("NOT x OR y", "not | x | or | y");
    check("NEAR(a b, 3)", "near | a | b | 3");
    check("(a OR b)", "a | or | b");
    check("title:x", "title | x");
    check("^start -minus +plus", "start | minus | plus");
    check("a\\\"b", "a | b");
    /* invalid UTF-8 and controls separate */
    check("ab\xFF\xFE"
          "cd",
          "ab | cd");
    check("x\x01y\x02z", "x | y | z");
}

static void query_limits(void **state)
{
    struct gz_search_query *q = malloc(sizeof *q);
    char big[GZ_SEARCH_QUERY_MAX + 2];
    memset(big, 'a', sizeof big);
    assert_int_equal(gz_search_query_parse(big, GZ_SEARCH_QUERY_MAX + 1, q), GZ_ETOOBIG);
    assert_int_equal(gz_search_query_parse(big, GZ_SEARCH_QUERY_MAX, q), GZ_OK);
    assert_int_equal(q->n, 1);
    /* terms past the maximum are ignored, and that is said */
    char many[400];
    size_t len = 0;
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(many + len, sizeof many - len, "w%d ", i);
    assert_int_equal(gz_search_query_parse(many, strlen(many), q), GZ_OK);
    assert_int_equal(q->n, GZ_SEARCH_TERMS_MAX);
    assert_true(q->truncated);
    assert_string_equal(q->terms[GZ_SEARCH_TERMS_MAX - 1].text, "w15");
    /* a long phrase of short words */
    char phrase[GZ_SEARCH_QUERY_MAX + 1];
    phrase[0] = '"';
    size_t n = 1;
    while (n + 3 < sizeof phrase - 1) {
        memcpy(phrase + n, "ab ", 3);
        n += 3;
    }
    phrase[n++] = '"';
    assert_int_equal(gz_search_query_parse(phrase, n, q), GZ_OK);
    assert_int_equal(q->n, 1);
    assert_true(q->terms[0].words > 300);
    free(q);
}

static char *html_text(const char *html)
{
    struct gz_buf b;
    gz_buf_init(&b, 1 << 16);
    assert_int_equal(gz_search_html_text(html, strlen(html), &b), GZ_OK);
    gz_buf_puts(&b, "");
    return gz_buf_take(&b);
}

static void check_html(const char *html, const char *want)
{
    char *got = html_text(html);
    if (strcmp(got, want) != 0)
        fail_msg("html \"%s\": got \"%s\", want \"%s\"", html, got, want);
    free(got);
}

static void html_to_text(void **state)
{
    check_html("<p>One <em>two</em> thr<strong>ee</strong></p><p>Four</p>",
               "One two three Four");
    check_html("<h2>Title</h2>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "Title a b");
    check_html("a<br>b<br/>c", "a b c");
    check_html("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;s&#x27;",
               "<script>alert(1)</script> & \"q\" 's'");
    check_html("a&nbsp;b &unknown; &#0; &#x110000; &", "a b &unknown; \xEF\xBF\xBD &");
    check_html("<script>var x = '<p>';</script>after", "after");
    check_html("<style>p { color: red }</style><p>shown</p>", "shown");
    check_html("<a href=\"/x?a=1&amp;b=2\" title=\"t > u\">link</a>", "link");
    check_html("ctl\x01\x02\x7F"
               "chars",
               "ctl chars");
    check_html("<p", "");
    check_html("", "");
    check_html("<img alt=\"x\" src=\"y\">text", "text");
}

static void clean_text(void **state)
{
    struct gz_buf b;
    gz_buf_init(&b, 64);
    assert_int_equal(gz_search_clean_text("a\x01"
                                          "b\x02\n c",
                                          8, &b),
                     GZ_OK);
    assert_string_equal(b.p, "a b c");
    gz_buf_free(&b);
    gz_buf_init(&b, 3);
    assert_int_equal(gz_search_clean_text("abcdef", 6, &b), GZ_ETOOBIG);
    assert_int_equal(b.len, 0);
    gz_buf_free(&b);
}

int gz_test_search(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_words),  cmocka_unit_test(query_phrases),
        cmocka_unit_test(query_prefix), cmocka_unit_test(query_hostile),
        cmocka_unit_test(query_limits), cmocka_unit_test(html_to_text),
        cmocka_unit_test(clean_text),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
