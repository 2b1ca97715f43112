/* Request input beyond the path: form bodies and query strings
 * (application/x-www-form-urlencoded), cookies, the request body. Pure
 * functions over bytes (fuzzed by fuzz/fuzz_form.c); results live in the
 * arena given. */
#ifndef GZ_FORM_H
#define GZ_FORM_H

#include <stddef.h>

#include "core/arena.h"
#include "core/core.h"

struct gz_form_field {
    const char *name, *value; /* decoded, NUL-terminated, in the arena */
    size_t value_len;         /* a value may hold NUL bytes ("%00") */
};

struct gz_form {
    struct gz_form_field *items;
    size_t len;
};

/* Caps: more fields, or a longer name, is GZ_ETOOBIG. */
#define GZ_FORM_MAX_FIELDS 1000
#define GZ_FORM_MAX_NAME 128

/* Parses "a=1&b=x+y%21" ('+' is a space, %XX a byte). Empty pieces
 * ("a=1&&b") are skipped; a piece without '=' is a name with value "".
 * GZ_EINVAL on a bad escape ("%zz", "%4"), GZ_ETOOBIG past the caps; on
 * failure *out is empty. */
int gz_form_parse(struct gz_arena *a, const char *p, size_t n, struct gz_form *out);

/* The first value of name, or NULL. */
const char *gz_form_get(const struct gz_form *f, const char *name);
/* The value of the i-th field called name, or NULL (for repeated fields
 * such as "id=1&id=2"). */
const char *gz_form_get_nth(const struct gz_form *f, const char *name, size_t i);
/* How many fields are called name. */
size_t gz_form_count(const struct gz_form *f, const char *name);

/* The value of cookie name in a Cookie header ("a=1; b=2"), or {NULL, 0}.
 * Quotes around a value are kept: gazette's own cookies never have them. */
struct gz_str gz_cookie_get(struct gz_str header, const char *name);

#endif
