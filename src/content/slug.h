/* URL slugs made from titles: readable, in the title's own script. */
#ifndef GZ_SLUG_H
#define GZ_SLUG_H

#include <stddef.h>

#include "core/core.h"

/* Longest slug gz_slugify makes, in bytes. */
#define GZ_SLUG_MAX 80
/* Longest slug gz_slug_valid accepts (editors may type longer ones). */
#define GZ_SLUG_VALID_MAX 200

/* Appends to out a slug for the title (len bytes of UTF-8): ASCII letters
 * lower-cased, digits kept, Latin-1 and Latin Extended-A letters folded to
 * ASCII (e -> e, ss for sharp s, ...), letters of other scripts kept as
 * UTF-8; every run of anything else (spaces, ASCII and Unicode punctuation,
 * symbols, emoji, ZWNJ and bidi marks) becomes one '-'. No leading or
 * trailing '-'; at most GZ_SLUG_MAX bytes, cut at a character boundary and
 * then at the last '-' when there is one. "article" when nothing is left.
 * The slug is not made unique: that is the store's job.
 *
 * Returns GZ_OK; GZ_EINVAL when the title is not valid UTF-8; GZ_ETOOBIG
 * when out would outgrow its maximum (out is then unchanged). */
int gz_slugify(const char *title, size_t len, struct gz_buf *out);

/* Returns 1 when slug can be used in a URL path as it is: non-empty, at
 * most GZ_SLUG_VALID_MAX bytes, valid UTF-8, no '/', '\\', '?', '#', '%',
 * no whitespace or control characters, no leading or trailing '-', and
 * not made of dots only ("." and ".." would walk a static export's
 * directories). Returns 0 otherwise. */
int gz_slug_valid(const char *slug, size_t len);

#endif
