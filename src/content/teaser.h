/* Teasers: the short plain text shown under a title in lists and blocks. */
#ifndef GZ_TEASER_H
#define GZ_TEASER_H

#include <stddef.h>

#include "core/core.h"

/* Hard cap on a teaser in bytes, "..." included, so that text without
 * spaces (a long URL, Chinese or Japanese) is still cut. */
#define GZ_TEASER_MAX_BYTES 400

/* Appends to out the teaser of an article: its summary when the summary
 * (NUL-terminated, may be NULL) has any non-space content, otherwise the
 * start of text (the body's plain text, text_len bytes). Whitespace runs
 * are collapsed to one space and trimmed. Either source is limited to
 * max_words words (0: no word limit) and GZ_TEASER_MAX_BYTES bytes; when
 * something was cut, trailing punctuation (, ; : . and their Arabic and
 * CJK forms) is trimmed and "..." appended. Cuts fall on word boundaries
 * when that keeps at least half of the byte cap, otherwise on a character
 * boundary; a UTF-8 character is never split. Words are separated by
 * whitespace (including no-break and ideographic spaces); U+200C ZWNJ is
 * part of a word.
 *
 * Returns GZ_OK; GZ_EINVAL when the input is not valid UTF-8; GZ_ETOOBIG
 * when out would outgrow its maximum. On failure out is left as it was. */
int gz_teaser_make(const char *summary, const char *text, size_t text_len,
                   size_t max_words, struct gz_buf *out);

#endif
