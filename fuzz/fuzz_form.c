/* Fuzz target: form bodies, query strings and Cookie headers (http/form.h),
 * the first parsers every admin and API request meets. Beyond not
 * crashing: a parse either fails leaving no fields or yields at most
 * GZ_FORM_MAX_FIELDS fields, each NUL-terminated at its length, never longer
 * than the input; every cookie value lies inside the header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct gz_arena a = {0};
    struct gz_form f;
    int rc = gz_form_parse(&a, copy, size, &f);
    if (rc != GZ_OK) {
        check(f.len == 0);
    } else {
        check(f.len <= GZ_FORM_MAX_FIELDS);
        for (size_t i = 0; i < f.len; i++) {
            check(strlen(f.items[i].name) <= GZ_FORM_MAX_NAME);
            check(f.items[i].value_len <= size && f.items[i].value[f.items[i].value_len] == 0);
        }
        if (f.len)
            check(gz_form_get(&f, f.items[0].name) == f.items[0].value);
    }
    struct gz_str h = {copy, size};
    static const char *const names[] = {"gz_session", "a", "gz_login"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        struct gz_str v = gz_cookie_get(h, names[i]);
        check(!v.p || (v.p >= copy && v.p + v.len <= copy + size));
    }
    gz_arena_free(&a);
    free(copy);
    return 0;
}
