/* multipart/form-data (RFC 7578, framed as RFC 2046 says). The body is
 * searched for "CRLF--boundary" delimiters; each part's headers are read
 * for Content-Disposition (name, filename) and Content-Type. Names and
 * header values are copied into the arena, NUL-terminated; a part's bytes
 * are left where they are in the body. */
#include "http/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* RFC 2046: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX 70
/* A part's header block larger than this is refused (a browser sends
 * two short lines). */
#define PART_HEADERS_MAX 8192

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static struct gz_str trim(struct gz_str s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

static int ieq(struct gz_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && !strncasecmp(s.p, lit, n);
}

/* RFC 2046 bchars, space allowed but not last. */
static int boundary_ok(const char *p, size_t n)
{
    static const char extra[] = "'()+_,-./:=? ";
    if (n < 1 || n > BOUNDARY_MAX || p[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        int alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && !memchr(extra, c, sizeof extra - 1))
            return 0;
    }
    return 1;
}

/* ---- header parameters: `; key=value` or `; key="quoted value"` ---- */

/* Reads one parameter value at s[*i] (a token, or a quoted string in which
 * a backslash escapes only '"' and '\', so a Windows path keeps its
 * backslashes) into the arena. NULL when a quoted string is not closed. */
static char *param_value(struct gz_arena *a, struct gz_str s, size_t *i)
{
    size_t k = *i;
    if (k < s.len && s.p[k] == '"') {
        char *out = gz_arena_alloc(a, s.len - k), *o = out;
        for (k++; k < s.len; k++) {
            char c = s.p[k];
            if (c == '"') {
                *o = 0;
                *i = k + 1;
                return out;
            }
            if (c == '\\' && k + 1 < s.len && (s.p[k + 1] == '"' || s.p[k + 1] == '\\'))
                c = s.p[++k];
            *o++ = c;
        }
        return NULL;
    }
    size_t start = k;
    while (k < s.len && s.p[k] != ';')
        k++;
    *i = k;
    struct gz_str v = trim((struct gz_str){s.p + start, k - start});
    return gz_arena_strndup(a, v.p, v.len);
}

/* The parameters wanted from a header value: keys (case-insensitive,
 * NULL for an unused slot) and the values found for them. */
struct params {
    const char *keys[2];
    char *values[2];
};

/* Reads the parameters after the first ';' of s into ps; the first value
 * of a key wins, unknown keys are skipped. GZ_EINVAL when a quoted value
 * is not closed or is followed by other text. */
static int read_params(struct gz_arena *a, struct gz_str s, struct params *ps)
{
    const char *semi = memchr(s.p, ';', s.len);
    size_t i = semi ? (size_t)(semi - s.p) : s.len;
    while (i < s.len) {
        i++; /* the ';' */
        while (i < s.len && is_space(s.p[i]))
            i++;
        size_t ks = i;
        while (i < s.len && s.p[i] != '=' && s.p[i] != ';')
            i++;
        struct gz_str key = trim((struct gz_str){s.p + ks, i - ks});
        if (i >= s.len || s.p[i] == ';')
            continue; /* a parameter without '=': ignored */
        i++;          /* the '=' */
        while (i < s.len && is_space(s.p[i]))
            i++;
        char *v = param_value(a, s, &i);
        if (!v)
            return GZ_EINVAL;
        while (i < s.len && s.p[i] != ';') {
            if (!is_space(s.p[i]))
                return GZ_EINVAL; /* text after a quoted string */
            i++;
        }
        for (size_t k = 0; k < GZ_COUNTOF(ps->keys); k++)
            if (ps->keys[k] && ieq(key, ps->keys[k]) && !ps->values[k])
                ps->values[k] = v;
    }
    return GZ_OK;
}

/* The first token of a header value, before any ';'. */
static struct gz_str first_token(struct gz_str v)
{
    const char *semi = memchr(v.p, ';', v.len);
    return trim((struct gz_str){v.p, semi ? (size_t)(semi - v.p) : v.len});
}

static int fail(char *err, size_t errlen, int rc, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return rc;
}

/* The boundary of a "multipart/form-data; boundary=..." header, in the
 * arena. */
static int find_boundary(struct gz_arena *a, struct gz_str ct, char **out, char *err,
                         size_t errlen)
{
    if (!ct.p || !ieq(first_token(ct), "multipart/form-data"))
        return fail(err, errlen, GZ_EINVAL, "The request is not multipart/form-data.");
    struct params ps = {.keys = {"boundary", NULL}};
    if (read_params(a, ct, &ps))
        return fail(err, errlen, GZ_EINVAL, "The request's Content-Type is malformed.");
    char *b = ps.values[0];
    if (!b || !boundary_ok(b, strlen(b)))
        return fail(err, errlen, GZ_EINVAL,
                    "The request's Content-Type has no valid multipart boundary.");
    *out = b;
    return GZ_OK;
}

/* ---- one part's headers ---- */

static int read_part_headers(struct gz_arena *a, const char *p, size_t n,
                             struct gz_multipart_part *part, char *err, size_t errlen)
{
    if (memchr(p, 0, n))
        return fail(err, errlen, GZ_EINVAL, "A part's headers hold a NUL byte.");
    int seen_disposition = 0;
    size_t i = 0;
    while (i < n) {
        const char *eol = memmem(p + i, n - i, "\r\n", 2);
        size_t end = eol ? (size_t)(eol - p) : n;
        struct gz_str line = {p + i, end - i};
        i = eol ? end + 2 : n;
        const char *colon = memchr(line.p, ':', line.len);
        if (!colon || colon == line.p || is_space(line.p[0]))
            return fail(err, errlen, GZ_EINVAL, "A part's header is malformed.");
        struct gz_str name = {line.p, (size_t)(colon - line.p)};
        struct gz_str value = trim((struct gz_str){colon + 1, line.len - name.len - 1});
        if (ieq(name, "content-type") && !part->content_type) {
            part->content_type = gz_arena_strndup(a, value.p, value.len);
        } else if (ieq(name, "content-disposition") && !seen_disposition) {
            seen_disposition = 1;
            if (!ieq(first_token(value), "form-data"))
                return fail(err, errlen, GZ_EINVAL, "A part is not form-data.");
            struct params ps = {.keys = {"name", "filename"}};
            if (read_params(a, value, &ps))
                return fail(err, errlen, GZ_EINVAL,
                            "A part's Content-Disposition is malformed.");
            part->name = ps.values[0];
            part->filename = ps.values[1];
        }
    }
    return GZ_OK;
}

/* ---- the body ---- */

struct framing {
    const char *body;
    size_t len;
    const char *delim; /* "\r\n--boundary" */
    size_t dlen;
};

/* Where the first delimiter ends: at the very start of the body, or after
 * a preamble (which RFC 2046 allows and we ignore). 0 when there is none. */
static size_t first_delimiter(const struct framing *f)
{
    if (f->len >= f->dlen - 2 && !memcmp(f->body, f->delim + 2, f->dlen - 2))
        return f->dlen - 2;
    const char *d = memmem(f->body, f->len, f->delim, f->dlen);
    return d ? (size_t)(d - f->body) + f->dlen : 0;
}

/* Reads the part whose delimiter ended at *pos; sets *pos after the next
 * delimiter and *last when that one closes the body. */
static int read_part(struct gz_arena *a, const struct framing *f, size_t *pos,
                     struct gz_multipart_part *part, char *err, size_t errlen)
{
    const char *b = f->body;
    size_t i = *pos;
    while (i < f->len && is_space(b[i])) /* transport padding */
        i++;
    if (f->len - i < 2 || b[i] != '\r' || b[i + 1] != '\n')
        return fail(err, errlen, GZ_EINVAL, "A boundary line is malformed.");
    i += 2;
    size_t data;
    if (f->len - i >= 2 && b[i] == '\r' && b[i + 1] == '\n') {
        data = i + 2; /* no headers at all */
    } else {
        size_t window =
            f->len - i < PART_HEADERS_MAX + 4 ? f->len - i : PART_HEADERS_MAX + 4;
        const char *hend = memmem(b + i, window, "\r\n\r\n", 4);
        if (!hend)
            return fail(err, errlen, GZ_EINVAL,
                        window > PART_HEADERS_MAX
                            ? "A part's headers are too long."
                            : "The body ends inside a part's headers.");
        int rc = read_part_headers(a, b + i, (size_t)(hend - (b + i)), part, err, errlen);
        if (rc)
            return rc;
        data = (size_t)(hend - b) + 4;
    }
    const char *next = memmem(b + data, f->len - data, f->delim, f->dlen);
    if (!next)
        return fail(err, errlen, GZ_EINVAL, "The body ends before its closing boundary.");
    if (!part->name)
        return fail(err, errlen, GZ_EINVAL, "A part has no field name.");
    part->data = b + data;
    part->len = (size_t)(next - (b + data));
    *pos = (size_t)(next - b) + f->dlen;
    return GZ_OK;
}

static int closes(const struct framing *f, size_t pos)
{
    return f->len - pos >= 2 && f->body[pos] == '-' && f->body[pos + 1] == '-';
}

int gz_multipart_parse(struct gz_arena *a, struct gz_str content_type, const char *body,
                       size_t len, struct gz_multipart_part **parts, size_t *nparts,
                       char *err, size_t errlen)
{
    *parts = NULL;
    *nparts = 0;
    char *boundary;
    int rc = find_boundary(a, content_type, &boundary, err, errlen);
    if (rc)
        return rc;
    struct framing f = {.body = body ? body : "", .len = body ? len : 0};
    f.delim = gz_arena_printf(a, "\r\n--%s", boundary);
    f.dlen = strlen(f.delim);
    size_t pos = first_delimiter(&f);
    if (!pos)
        return fail(err, errlen, GZ_EINVAL, "The body has no multipart boundary.");
    struct gz_multipart_part *out = NULL;
    size_t n = 0;
    while (!closes(&f, pos)) {
        if (n == GZ_MULTIPART_MAX_PARTS)
            return fail(err, errlen, GZ_ETOOBIG, "The form has too many fields.");
        if (!out)
            out = gz_arena_zalloc(a, GZ_MULTIPART_MAX_PARTS * sizeof *out);
        if ((rc = read_part(a, &f, &pos, &out[n], err, errlen)))
            return rc;
        n++;
    }
    *parts = out;
    *nparts = n;
    return GZ_OK;
}

const struct gz_multipart_part *gz_multipart_get(const struct gz_multipart_part *parts,
                                                 size_t n, const char *name)
{
    for (size_t i = 0; parts && i < n; i++)
        if (parts[i].name && !strcmp(parts[i].name, name))
            return &parts[i];
    return NULL;
}
