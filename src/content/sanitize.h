/* The HTML sanitizer: any HTML (an import, an editor's HTML article) in,
 * HTML that is safe to put on a page out. Built on gumbo, an HTML5 parser,
 * so the tree it cleans is the tree a browser would build. */
#ifndef GZ_SANITIZE_H
#define GZ_SANITIZE_H

#include <stddef.h>

#include "core/core.h"

/* Largest input gz_sanitize_html takes. gumbo needs some 20-40 bytes of
 * memory per input byte and has no limits of its own; no real article is
 * near this size. */
#define GZ_SANITIZE_MAX_INPUT ((size_t)4 << 20)

/* Elements nested deeper than this lose their tags (their text is kept), so
 * no page makes a browser build an absurdly deep tree. */
#define GZ_SANITIZE_MAX_DEPTH 64

/* Input whose tags would open more elements than this, one inside the
 * other, is refused: gumbo's time grows with the square of the nesting
 * depth (a second for some 30,000 levels), and no article nests that deep. */
#define GZ_SANITIZE_MAX_NESTING 4096

/* What the sanitizer took out; every count is added to, so one struct can
 * total a whole import. */
struct gz_sanitize_stats {
    size_t elements_removed;   /* dropped with their content: script, iframe... */
    size_t elements_unwrapped; /* tag dropped, content kept: section, font... */
    size_t attributes_removed; /* not on the allow-list: on*, style, class... */
    size_t urls_removed;       /* href or src refused by gz_url_is_safe */
};

/* Parses html (len bytes of UTF-8, a body fragment) as a browser would and
 * appends to out only what the allow-list keeps, every text and attribute
 * value escaped again:
 *
 * - elements kept: p br hr a em strong b i u s del ins sub sup small mark
 *   abbr cite q code pre kbd samp var blockquote ul ol li dl dt dd h2-h6
 *   img figure figcaption table caption thead tbody tfoot tr th td span div;
 *   h1 becomes h2 (the article title is the page's h1);
 * - dropped with everything inside: script style iframe frame object embed
 *   applet form input button select textarea svg math template noscript
 *   audio video canvas and the like, and comments;
 * - any other element (section, font, center, custom elements...) is
 *   unwrapped: its tag goes, its content stays;
 * - attributes kept: lang and dir everywhere; a: href title rel; img: src
 *   alt title width height; abbr: title; td/th: colspan rowspan; ol: start;
 *   values that do not fit (dir not ltr/rtl/auto, a non-numeric width...)
 *   are dropped;
 * - href and src must pass gz_url_is_safe: an <a> whose href does not (or
 *   that has none) is unwrapped, an <img> whose src does not is dropped;
 * - links to other sites (absolute http(s) or //host URLs) get
 *   rel="nofollow noopener" (plus noreferrer, ugc or sponsored when the
 *   original rel had them); images get loading="lazy".
 *
 * Counts are added to st (may be NULL). Returns GZ_OK; GZ_EINVAL when html
 * is not valid UTF-8; GZ_ETOOBIG when html is longer than
 * GZ_SANITIZE_MAX_INPUT, nests deeper than GZ_SANITIZE_MAX_NESTING (as
 * estimated from its tags), the parse needs too much memory (more than
 * 32 MiB plus 64 bytes per input byte: misnested formatting tags can make
 * gumbo build far more elements than the input has tags), or out would
 * outgrow its maximum. On failure out is left as it was. */
int gz_sanitize_html(const char *html, size_t len, struct gz_buf *out,
                     struct gz_sanitize_stats *st);

#endif
