/* JSON values in and out of the API (apiInt.h): field readers that name
 * the bad field, RFC 3339 dates, opaque list cursors, query parameters. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/apiInt.h"
#include "core/utf8.h"

/* ---- field errors ---- */

json_t *gz_api_errors_new(void)
{
    return json_array();
}

void gz_api_error_add(json_t *errors, const char *field, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "field", gz_api_string(field));
    json_object_set_new(e, "message", gz_api_string(message));
    json_array_append_new(errors, e);
}

void gz_api_check_fields(json_t *obj, const char *const *allowed, json_t *errors)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key))
            i++;
        if (!allowed[i])
            gz_api_error_add(errors, key, "unknown or read-only field");
    }
}

/* ---- field readers ---- */

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* Control characters: none in a line; tab, CR and LF in text. DEL too. */
static int bad_controls(const char *s, size_t n, int text)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (text && (c == '\t' || c == '\n' || c == '\r'))
            continue;
        if (c < 0x20 || c == 0x7f)
            return 1;
    }
    return 0;
}

int gz_api_get_string(json_t *obj, const char *key, size_t max, int kind,
                      const char **out, json_t *errors)
{
    json_t *v = json_object_get(obj, key);
    return v ? gz_api_check_string(v, key, max, kind, out, errors) : 0;
}

int gz_api_check_string(json_t *v, const char *key, size_t max, int kind,
                        const char **out, json_t *errors)
{
    if (!json_is_string(v)) {
        gz_api_error_add(errors, key, "must be a string");
        return -1;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    char msg[80];
    if (n > max) {
        snprintf(msg, sizeof msg, "must be at most %zu bytes long", max);
        gz_api_error_add(errors, key, msg);
        return -1;
    }
    if (bad_controls(s, n, kind & GZ_API_TEXT)) {
        gz_api_error_add(errors, key, "must not contain control characters");
        return -1;
    }
    if ((kind & GZ_API_NONBLANK) && is_blank(s)) {
        gz_api_error_add(errors, key, "must not be empty");
        return -1;
    }
    *out = s;
    return 1;
}

int gz_api_get_bool(json_t *obj, const char *key, int *out, json_t *errors)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        gz_api_error_add(errors, key, "must be true or false");
        return -1;
    }
    *out = json_is_true(v);
    return 1;
}

int gz_api_get_id(json_t *obj, const char *key, int64_t *out, json_t *errors)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        gz_api_error_add(errors, key, "must be a positive integer (an id)");
        return -1;
    }
    *out = json_integer_value(v);
    return 1;
}

int gz_api_get_time(json_t *obj, const char *key, int64_t *out, json_t *errors)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *out = 0;
        return 1;
    }
    if (!json_is_string(v) || gz_api_time_parse(json_string_value(v), out)) {
        gz_api_error_add(
            errors, key,
            "must be an RFC 3339 date-time such as \"2026-03-01T09:30:00Z\", "
            "or null");
        return -1;
    }
    return 1;
}

/* ---- values ---- */

json_t *gz_api_string(const char *s)
{
    if (!s)
        return json_string("");
    size_t n = strlen(s);
    if (gz_utf8_valid(s, n))
        return json_stringn(s, n);
    /* Imported or legacy text: show it, with U+FFFD for the bad bytes. */
    char *fixed = gz_xmalloc(3 * n + 1), *o = fixed;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = gz_utf8_decode(s + i, n - i, &cp);
        if (len > 0) {
            memcpy(o, s + i, (size_t)len);
            o += len;
            i += (size_t)len;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        }
    }
    json_t *v = json_stringn(fixed, (size_t)(o - fixed));
    free(fixed);
    return v;
}

void gz_api_time_format(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, cap, "1970-01-01T00:00:00Z");
        return;
    }
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

json_t *gz_api_time(int64_t t)
{
    if (t == 0)
        return json_null();
    char buf[40];
    gz_api_time_format(t, buf, sizeof buf);
    return json_string(buf);
}

/* Reads n digits at *p into *out, advancing *p. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

static int expect(const char **p, const char *chars)
{
    if (!**p || !strchr(chars, **p))
        return 0;
    (*p)++;
    return 1;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* The offset part: Z, or +HH:MM / -HH:MM, in seconds east of UTC. */
static int parse_offset(const char *p, int *offset)
{
    if (expect(&p, "Zz")) {
        *offset = 0;
        return *p == '\0';
    }
    int sign = *p == '-' ? -1 : 1, h, m;
    if (!expect(&p, "+-") || !digits(&p, 2, &h) || !expect(&p, ":") ||
        !digits(&p, 2, &m) || *p || h > 23 || m > 59)
        return 0;
    *offset = sign * (h * 3600 + m * 60);
    return 1;
}

int gz_api_time_parse(const char *s, int64_t *out)
{
    const char *p = s;
    int year, month, day, hour, min, sec, offset;
    if (!digits(&p, 4, &year) || !expect(&p, "-") || !digits(&p, 2, &month) ||
        !expect(&p, "-") || !digits(&p, 2, &day) || !expect(&p, "Tt ") ||
        !digits(&p, 2, &hour) || !expect(&p, ":") || !digits(&p, 2, &min) ||
        !expect(&p, ":") || !digits(&p, 2, &sec))
        return GZ_EINVAL;
    if (*p == '.') { /* fractions of a second: at least one digit, dropped */
        p++;
        if (*p < '0' || *p > '9')
            return GZ_EINVAL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (year < 1970 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || min > 59 || sec > 60 ||
        !parse_offset(p, &offset))
        return GZ_EINVAL;
    if (sec == 60) /* a leap second: Unix time has none */
        sec = 59;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = month - 1,
                    .tm_mday = day,
                    .tm_hour = hour,
                    .tm_min = min,
                    .tm_sec = sec};
    int64_t t = (int64_t)timegm(&tm) - offset;
    if (t < 0)
        return GZ_EINVAL;
    *out = t;
    return GZ_OK;
}

/* ---- cursors ---- */

#define CURSOR_BYTES 17 /* kind, then two big-endian 64-bit numbers */

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

char *gz_api_cursor_encode(struct gz_arena *a, char kind, int64_t x, int64_t y)
{
    uint8_t raw[CURSOR_BYTES];
    raw[0] = (uint8_t)kind;
    put_u64(raw + 1, (uint64_t)x);
    put_u64(raw + 9, (uint64_t)y);
    size_t cap =
        sodium_base64_ENCODED_LEN(CURSOR_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = gz_arena_alloc(a, cap);
    sodium_bin2base64(out, cap, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

int gz_api_cursor_decode(const char *s, char kind, int64_t *x, int64_t *y)
{
    uint8_t raw[CURSOR_BYTES];
    size_t n = 0;
    const char *end = NULL;
    if (!s ||
        sodium_base642bin(raw, sizeof raw, s, strlen(s), NULL, &n, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        *end || n != CURSOR_BYTES || raw[0] != (uint8_t)kind)
        return GZ_EINVAL;
    *x = (int64_t)get_u64(raw + 1);
    *y = (int64_t)get_u64(raw + 9);
    if (*x < 0 || *y < 0)
        return GZ_EINVAL;
    return GZ_OK;
}

/* ---- query parameters ---- */

/* 400, naming the parameter in detail and in errors. */
static void param_problem(struct gz_api_req *q, const char *name, const char *message)
{
    char detail[300];
    snprintf(detail, sizeof detail, "Query parameter \"%.100s\": %s.", name, message);
    json_t *errors = gz_api_errors_new();
    gz_api_error_add(errors, name, message);
    gz_api_problem(q, 400, GZ_PROBLEM_BAD_REQUEST, detail, errors);
}

int gz_api_check_params(struct gz_api_req *q, const char *const *allowed)
{
    for (size_t i = 0; i < q->query.len; i++) {
        const char *name = q->query.items[i].name;
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], name))
            k++;
        if (!allowed[k]) {
            param_problem(q, name, "unknown parameter");
            return 0;
        }
        if (gz_form_count(&q->query, name) > 1) {
            param_problem(q, name, "given more than once");
            return 0;
        }
        if (strlen(q->query.items[i].value) != q->query.items[i].value_len) {
            param_problem(q, name, "contains a NUL byte");
            return 0;
        }
    }
    return 1;
}

_Static_assert(GZ_API_LIMIT_MAX == 100, "the message below says 100");

int gz_api_limit(struct gz_api_req *q, size_t *limit)
{
    const char *s = gz_form_get(&q->query, "limit");
    int64_t v = GZ_API_LIMIT_DEFAULT;
    if (s && gz_parse_i64(s, strlen(s), 1, GZ_API_LIMIT_MAX, &v)) {
        param_problem(q, "limit", "must be a whole number from 1 to 100");
        return 0;
    }
    *limit = (size_t)v;
    return 1;
}

int gz_api_cursor(struct gz_api_req *q, char kind, int64_t *x, int64_t *y)
{
    const char *s = gz_form_get(&q->query, "cursor");
    *x = *y = 0;
    if (!s)
        return 1;
    if (gz_api_cursor_decode(s, kind, x, y)) {
        param_problem(q, "cursor",
                      "not a cursor this list gave out; pass next_cursor from the "
                      "previous page unchanged");
        return 0;
    }
    return 1;
}

int gz_api_parse_id(struct gz_str s, int64_t *out)
{
    if (!s.len || s.p[0] == '0' || s.p[0] == '+' || s.p[0] == '-')
        return GZ_EINVAL;
    return gz_parse_i64(s.p, s.len, 1, INT64_MAX, out);
}
