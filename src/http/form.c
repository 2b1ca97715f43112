/* Form bodies, query strings and cookies (form.h). */
#include "http/form.h"

#include <string.h>

/* Decodes n bytes of p into a new arena string; *len is its length. */
static char *decode(struct gz_arena *a, const char *p, size_t n, size_t *len)
{
    char *out = gz_arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '+') {
            out[o++] = ' ';
        } else if (p[i] == '%') {
            int hi = i + 2 < n ? gz_hexval((unsigned char)p[i + 1]) : -1;
            int lo = i + 2 < n ? gz_hexval((unsigned char)p[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = p[i];
        }
    }
    out[o] = 0;
    *len = o;
    return out;
}

int gz_form_parse(struct gz_arena *a, const char *p, size_t n, struct gz_form *out)
{
    out->items = NULL;
    out->len = 0;
    /* Count the pieces first: one allocation. */
    size_t pieces = 1;
    for (size_t i = 0; i < n; i++)
        pieces += p[i] == '&';
    if (pieces > GZ_FORM_MAX_FIELDS * 2)
        return GZ_ETOOBIG;
    struct gz_form_field *items = gz_arena_alloc(a, pieces * sizeof *items);
    size_t len = 0, i = 0;
    while (i < n) {
        const char *amp = memchr(p + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - p) : n;
        if (end > i) {
            if (len == GZ_FORM_MAX_FIELDS)
                return GZ_ETOOBIG;
            const char *eq = memchr(p + i, '=', end - i);
            size_t name_end = eq ? (size_t)(eq - p) : end;
            if (name_end - i > GZ_FORM_MAX_NAME * 3)
                return GZ_ETOOBIG;
            size_t nlen, vlen = 0;
            char *name = decode(a, p + i, name_end - i, &nlen);
            char *value = eq ? decode(a, eq + 1, end - name_end - 1, &vlen)
                             : gz_arena_strdup(a, "");
            if (!name || !value)
                return GZ_EINVAL;
            if (nlen > GZ_FORM_MAX_NAME)
                return GZ_ETOOBIG;
            items[len].name = name;
            items[len].value = value;
            items[len].value_len = vlen;
            len++;
        }
        i = end + 1;
    }
    out->items = items;
    out->len = len;
    return GZ_OK;
}

const char *gz_form_get_nth(const struct gz_form *f, const char *name, size_t nth)
{
    for (size_t i = 0; i < f->len; i++)
        if (!strcmp(f->items[i].name, name) && nth-- == 0)
            return f->items[i].value;
    return NULL;
}

const char *gz_form_get(const struct gz_form *f, const char *name)
{
    return gz_form_get_nth(f, name, 0);
}

size_t gz_form_count(const struct gz_form *f, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++)
        n += !strcmp(f->items[i].name, name);
    return n;
}

struct gz_str gz_cookie_get(struct gz_str h, const char *name)
{
    size_t nlen = strlen(name), i = 0;
    while (i < h.len) {
        while (i < h.len && (h.p[i] == ' ' || h.p[i] == '\t' || h.p[i] == ';'))
            i++;
        size_t start = i;
        while (i < h.len && h.p[i] != ';')
            i++;
        /* start..i is "name=value" */
        if (i - start > nlen && h.p[start + nlen] == '=' &&
            !memcmp(h.p + start, name, nlen)) {
            size_t vs = start + nlen + 1, ve = i;
            while (ve > vs && (h.p[ve - 1] == ' ' || h.p[ve - 1] == '\t'))
                ve--;
            return (struct gz_str){h.p + vs, ve - vs};
        }
    }
    return (struct gz_str){NULL, 0};
}
