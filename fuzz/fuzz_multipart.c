/* Fuzz target: multipart/form-data bodies (http/multipart.h), the file
 * uploads of the admin and the API. The input's first line is the
 * Content-Type header, the rest the body. Beyond not crashing: a failed
 * parse gives no parts and a reason; a parse that succeeds gives at most
 * GZ_MULTIPART_MAX_PARTS parts, each named, each with its bytes inside the
 * body, and parts that do not overlap and come in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_parts(const struct gz_multipart_part *parts, size_t n, const char *body,
                        size_t len)
{
    check(n <= GZ_MULTIPART_MAX_PARTS);
    const char *prev_end = body;
    for (size_t i = 0; i < n; i++) {
        const struct gz_multipart_part *p = &parts[i];
        check(p->name != NULL);
        check(p->data >= body && p->len <= len && p->data + p->len <= body + len);
        check(p->data >= prev_end);
        prev_end = p->data + p->len;
        check(gz_multipart_get(parts, n, p->name) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ct_len = nl ? (size_t)(nl - data) : size;
    size_t body_len = nl ? size - ct_len - 1 : 0;
    /* Exact-size copies, so a read past either end is seen by ASan. */
    char *ct = malloc(ct_len ? ct_len : 1), *body = malloc(body_len ? body_len : 1);
    if (!ct || !body) {
        free(ct);
        free(body);
        return 0;
    }
    memcpy(ct, data, ct_len);
    if (body_len)
        memcpy(body, nl + 1, body_len);
    struct gz_arena a = {0};
    struct gz_multipart_part *parts;
    size_t n;
    char err[128] = "";
    int rc = gz_multipart_parse(&a, (struct gz_str){ct, ct_len}, body, body_len, &parts,
                                &n, err, sizeof err);
    if (rc != GZ_OK)
        check(n == 0 && parts == NULL && err[0] && (rc == GZ_EINVAL || rc == GZ_ETOOBIG));
    else
        check_parts(parts, n, body, body_len);
    gz_arena_free(&a);
    free(ct);
    free(body);
    return 0;
}
