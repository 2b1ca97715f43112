/* WordPress content rules: what WordPress does to a post's content before
 * showing it, done once at import so the result can be sanitized and
 * stored as HTML. */
#ifndef GZ_WORDPRESS_H
#define GZ_WORDPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Shortcode names are counted one by one up to this many different names;
 * the total counts them all. */
#define GZ_WP_SHORTCODE_NAMES 16
#define GZ_WP_SHORTCODE_NAME_MAX 32

struct gz_wp_shortcode {
    char name[GZ_WP_SHORTCODE_NAME_MAX + 1];
    size_t count;
};

/* What gz_wp_content found; it sets every field. */
struct gz_wp_stats {
    /* Byte offset in the output of the <!--more--> cut (the teaser is what
     * comes before it; that part may leave tags open, which the sanitizer
     * closes); -1 when there is none. */
    int64_t more_at;
    size_t block_comments; /* <!-- wp:... --> and <!-- /wp:... --> removed */
    size_t captions;       /* [caption] turned into <figure> */
    size_t shortcodes_dropped;
    /* The dropped ones by name, in order of first appearance. */
    struct gz_wp_shortcode dropped[GZ_WP_SHORTCODE_NAMES];
    size_t ndropped;
};

/* Turns WordPress post_content (raw, len bytes) into HTML appended to html,
 * as WordPress would show it, ready for gz_sanitize_html:
 *
 * - CR LF and CR become LF;
 * - block-editor comments (<!-- wp:name ... -->, <!-- /wp:name -->) are
 *   removed; content that has them is block-editor content, which
 *   WordPress shows without its paragraph rules, and so does this;
 * - the first <!--more--> (or <!--more link text-->) is the teaser cut:
 *   a paragraph break whose offset in the output goes to st->more_at; later
 *   ones, <!--nextpage--> (a paragraph break) and <!--noteaser--> are
 *   removed; other comments are kept (the sanitizer removes them);
 * - [caption ...]<img ...> text[/caption] (with or without an <a> around
 *   the image; the text may also be a caption="..." attribute) becomes
 *   <figure><img ...><figcaption>text</figcaption></figure>;
 * - other shortcodes are removed and counted: [gallery], [audio], [video],
 *   [embed] and [playlist] with whatever they enclose (media and URLs
 *   that gazette does not embed); any other [name ...] with attributes,
 *   [name /], or [name] whose [/name] appears in the content loses its
 *   tags but keeps what it encloses. A bare [word] with no attributes and
 *   no closing tag is text ("[sic]"), and [[name]] is the literal text
 *   [name], as in WordPress;
 * - paragraphs (the wpautop rules): text separated by a blank line becomes
 *   <p>...</p>, a single newline inside a paragraph becomes <br>; no <p> is
 *   put around or directly inside a block element (div, table, ul, ol,
 *   li, dl, blockquote's siblings, pre, h1-h6, figure, hr, ...) except
 *   that the text inside a <blockquote> gets its own <p>; nothing inside
 *   <pre>, <script>, <style>, <textarea>, <svg> or <math> is touched.
 *
 * st may be NULL. Returns GZ_OK, or GZ_ETOOBIG when html would outgrow its
 * maximum (html is then left as it was). */
int gz_wp_content(const char *raw, size_t len, struct gz_buf *html,
                  struct gz_wp_stats *st);

#endif
