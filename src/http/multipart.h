/* multipart/form-data bodies (RFC 7578): the file uploads of the admin and
 * the API. A pure function over bytes (fuzzed by fuzz/fuzz_multipart.c);
 * parts point into the body or the arena. */
#ifndef GZ_MULTIPART_H
#define GZ_MULTIPART_H

#include <stddef.h>

#include "core/arena.h"
#include "core/core.h"

struct gz_multipart_part {
    const char *name;         /* the form field's name, NUL-terminated */
    const char *filename;     /* NULL when the part is not a file */
    const char *content_type; /* as sent, or NULL; never trusted for files */
    const char *data;         /* the part's bytes (inside the body) */
    size_t len;
};

#define GZ_MULTIPART_MAX_PARTS 64

/* Parses body (len bytes) framed by the boundary of content_type (the
 * request's Content-Type header, "multipart/form-data; boundary=...").
 * GZ_EINVAL with a reason for people in err when the header has no
 * boundary or the body is not well framed; GZ_ETOOBIG past
 * GZ_MULTIPART_MAX_PARTS parts. */
int gz_multipart_parse(struct gz_arena *a, struct gz_str content_type, const char *body,
                       size_t len, struct gz_multipart_part **parts, size_t *nparts,
                       char *err, size_t errlen);

/* The first part called name, or NULL. */
const struct gz_multipart_part *gz_multipart_get(const struct gz_multipart_part *parts,
                                                 size_t n, const char *name);

#endif
