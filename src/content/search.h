/* Search text and search queries, independent of the store's engine: the
 * plain text an article is indexed under, and what a reader typed in the
 * search box, read as terms. Both go through content/normalize.h. */
#ifndef GZ_SEARCH_H
#define GZ_SEARCH_H

#include <stddef.h>

#include "core/core.h"

/* Appends the plain text of sanitized article HTML (the store's body_html)
 * to out, for indexing: tags removed (block-level ones and <br> leave a
 * space, inline ones such as <em> or <a> nothing, so "wor<em>d</em>" stays
 * one word), the contents of <script>, <style> and <template> left out,
 * character references decoded (the named ones gazette's renderer and
 * sanitizer write, &amp; &lt; &gt; &quot; &apos; &nbsp;, and every numeric
 * one; others are kept as written), control characters turned into spaces,
 * and runs of whitespace collapsed to one space, trimmed.
 *
 * The result is what search snippets are cut from: it is text, to be
 * escaped like any other. Returns GZ_OK or GZ_ETOOBIG (out is then left
 * as it was). */
int gz_search_html_text(const char *html, size_t len, struct gz_buf *out);

/* Appends text (a title, a summary, a tag name) to out with control
 * characters turned into spaces, so the bytes search snippets use as
 * highlight markers (0x01, 0x02) never come from the text itself. */
int gz_search_clean_text(const char *text, size_t len, struct gz_buf *out);

/* Highlight markers in snippets: the store puts GZ_SEARCH_MARK_OPEN before
 * and GZ_SEARCH_MARK_CLOSE after each matched word of a snippet, and the
 * page turns them into <mark> and </mark> after escaping the rest. */
#define GZ_SEARCH_MARK_OPEN '\x01'
#define GZ_SEARCH_MARK_CLOSE '\x02'

/* ---- queries ---- */

/* Limits on what a reader may type: longer queries are refused (the page
 * answers 400), terms beyond the maximum are ignored. */
#define GZ_SEARCH_QUERY_MAX 1000
#define GZ_SEARCH_TERMS_MAX 16
/* A prefix ("elect*") needs this many characters; shorter ones are searched
 * as whole words: "e*" or "el*" would match most of the index, and walking
 * that many words costs more than a reader's wait. */
#define GZ_SEARCH_PREFIX_MIN 3

/* One term of a query: every term must match (AND). */
struct gz_search_term {
    char text[GZ_SEARCH_QUERY_MAX + 1]; /* normalized words, one space apart */
    size_t words;
    int prefix; /* "word*" or "a phrase"*: the last word is a prefix */
};

struct gz_search_query {
    struct gz_search_term terms[GZ_SEARCH_TERMS_MAX];
    size_t n;
    int truncated; /* terms past GZ_SEARCH_TERMS_MAX were ignored */
};

/* Reads what a reader typed (len bytes, any bytes at all) into terms:
 *
 *  - "a quoted phrase" is one term whose words must follow each other;
 *    a '*' right after the closing quote makes its last word a prefix;
 *  - every other word is a term; a '*' right after it makes it a prefix
 *    (when it has at least GZ_SEARCH_PREFIX_MIN characters);
 *  - everything else is plain text: a quote without its pair, operators
 *    (AND, OR, NOT, NEAR), parentheses, column filters ("title:x"), a
 *    lone '*', are punctuation or ordinary words, never syntax.
 *
 * Words are normalized (normalize.h); a term seen twice is kept once.
 * Returns GZ_OK (possibly with no terms), or GZ_ETOOBIG when len exceeds
 * GZ_SEARCH_QUERY_MAX. */
int gz_search_query_parse(const char *q, size_t len, struct gz_search_query *out);

#endif
