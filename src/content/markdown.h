/* Markdown to safe HTML, with md4c's parser and gazette's own renderer. */
#ifndef GZ_MARKDOWN_H
#define GZ_MARKDOWN_H

#include <stddef.h>

#include "core/core.h"

/* Renders the Markdown src (len bytes, UTF-8) as HTML appended to html, and,
 * when text is not NULL, its plain text appended to text: the words of every
 * block (image alt text left out) with runs of whitespace and block breaks
 * collapsed to one space, no leading or trailing space, entities decoded.
 *
 * Raw HTML in the source is never passed through: it comes out escaped as
 * text. Links and images whose URL is not on the allow-list (see
 * gz_url_is_safe) lose their <a> / <img>: the link text or the image's alt
 * text is rendered as plain text instead. Images get loading="lazy".
 * Enabled extensions: tables, strikethrough, permissive URL, www and e-mail
 * autolinks.
 *
 * Returns GZ_OK; GZ_EINVAL when src is not valid UTF-8; GZ_ETOOBIG when html
 * or text would outgrow its maximum; GZ_ERR when md4c fails. On failure html
 * and text are left as they were. */
int gz_markdown_render(const char *src, size_t len, struct gz_buf *html,
                       struct gz_buf *text);

#endif
