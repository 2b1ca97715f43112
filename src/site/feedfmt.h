/* What feeds and sitemaps write besides structure: XML-escaped text, dates
 * in the formats their specs ask for, absolute and percent-encoded URLs,
 * ids that never change. Pure functions, shared by src/site/feeds.c and
 * src/site/sitemap.c, tested on their own (tests/unit/site). */
#ifndef GZ_FEEDFMT_H
#define GZ_FEEDFMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/core.h"

/* Room for a formatted date with its NUL. */
#define GZ_FEEDFMT_DATE_MAX 40

/* Appends s[0..n) as XML character data: & < > " ' become references, so
 * the result is also safe inside a quoted attribute (attr = 1 also keeps
 * tabs and line breaks from being normalised to spaces there). Bytes that
 * are not UTF-8 and characters XML 1.0 forbids (most C0 controls, U+FFFE,
 * U+FFFF) become U+FFFD, so the document stays well-formed whatever the
 * input. GZ_ETOOBIG (buffer unchanged) when it does not fit. */
int gz_feedfmt_xml(struct gz_buf *b, const char *s, size_t n, int attr);

/* gz_feedfmt_xml of a NUL-terminated string (NULL writes nothing). */
int gz_feedfmt_xml_str(struct gz_buf *b, const char *s, int attr);

/* Appends s[0..n) as valid UTF-8: invalid bytes become U+FFFD. */
int gz_feedfmt_utf8(struct gz_buf *b, const char *s, size_t n);

/* "Tue, 03 Mar 2026 09:30:00 GMT": RFC 822 (with a four-digit year, as RFC
 * 1123 and RSS 2.0 ask), always UTC. Returns out. */
char *gz_feedfmt_rfc822(char out[GZ_FEEDFMT_DATE_MAX], int64_t when);

/* "2026-03-03T09:30:00Z": RFC 3339, which is also a W3C datetime (sitemaps).
 * Returns out. */
char *gz_feedfmt_rfc3339(char out[GZ_FEEDFMT_DATE_MAX], int64_t when);

/* base (taken as it is) followed by path with every byte other than ASCII
 * letters, digits and - . _ ~ / percent-encoded, so a UTF-8 slug becomes
 * a URI that any XML schema's anyURI and any feed reader accept. */
char *gz_feedfmt_url(struct gz_arena *a, const char *base, const char *path);

/* The id of an article in every feed: a tag URI (RFC 4151) built from the
 * host of site_url, the day the article was created and its id, e.g.
 * "tag:news.example.org,2026-03-03:article/42" (a site_url path such as
 * /news is kept: "...:news/article/42"). Neither a new title nor a new
 * slug nor a new publication date changes it. created_at 0 (rows older
 * than the column) stands for 2000-01-01. */
char *gz_feedfmt_article_id(struct gz_arena *a, const char *site_url, int64_t created_at,
                            int64_t id);

/* Appends html with every src="/..." and href="/..." (not "//...") made
 * absolute by prefixing site_url (HTML-escaped), so images and links keep
 * working in a feed reader. The HTML is the sanitizer's output, which
 * always quotes attributes with double quotes. */
int gz_feedfmt_absolute_html(struct gz_buf *b, const char *html, const char *site_url);

/* A writer with a sticky error: once an append fails (the document grew past
 * its buffer's maximum) the later ones do nothing and rc keeps the error,
 * so a document is written straight through and checked once. */
struct gz_feedfmt_out {
    struct gz_buf *b;
    int rc;
};

/* Appends s as it is (markup). */
void gz_feedfmt_put(struct gz_feedfmt_out *o, const char *s);
/* Appends printf output as it is (markup; numbers). */
void gz_feedfmt_printf(struct gz_feedfmt_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as escaped XML text (gz_feedfmt_xml_str with attr = 0) or as an
 * attribute value (attr = 1). */
void gz_feedfmt_text(struct gz_feedfmt_out *o, const char *s, int attr);
/* Appends <name>text</name>, text escaped; name is markup. */
void gz_feedfmt_elem(struct gz_feedfmt_out *o, const char *name, const char *text);

#endif
