/* UTF-8: decoding and validation by the rules of RFC 3629 (no overlong
 * forms, no surrogates, nothing above U+10FFFF), and cutting byte strings
 * without splitting a character. */
#ifndef GZ_UTF8_H
#define GZ_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point that starts s (len bytes available) into *cp.
 * Returns the number of bytes it takes (1-4), or GZ_EINVAL when the bytes
 * are not a valid, shortest-form encoding of a scalar value, or when the
 * sequence is cut short by len. *cp is untouched on failure. */
int gz_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Returns 1 when all len bytes are valid UTF-8, 0 otherwise. NUL bytes are
 * valid (U+0000). */
int gz_utf8_valid(const char *s, size_t len);

/* Returns the largest position <= pos (and <= len) at which s can be cut
 * without splitting a character: cutting s to that many bytes keeps it
 * valid when it was valid. */
size_t gz_utf8_floor(const char *s, size_t len, size_t pos);

/* Writes the UTF-8 encoding of cp into out (room for 4 bytes) and returns
 * its length; a surrogate or a value above U+10FFFF is written as U+FFFD. */
int gz_utf8_encode(uint32_t cp, char *out);

#endif
