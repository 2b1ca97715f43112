#include "core/core.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "gazette: out of memory allocating %zu bytes\n", n);
    abort();
}

void *gz_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *gz_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *gz_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *gz_xstrndup(const char *s, size_t n)
{
    char *p = gz_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gz_xstrdup(const char *s)
{
    return gz_xstrndup(s, strlen(s));
}

void gz_buf_init(struct gz_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void gz_buf_free(struct gz_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void gz_buf_reset(struct gz_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

char *gz_buf_take(struct gz_buf *b)
{
    char *p = b->p ? b->p : gz_xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

/* Makes room for n more bytes plus the NUL. */
static int reserve(struct gz_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return GZ_ETOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return GZ_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->p = gz_xrealloc(b->p, cap);
    b->cap = cap;
    return GZ_OK;
}

int gz_buf_append(struct gz_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return GZ_OK;
}

int gz_buf_puts(struct gz_buf *b, const char *s)
{
    return gz_buf_append(b, s, strlen(s));
}

int gz_buf_putc(struct gz_buf *b, char c)
{
    return gz_buf_append(b, &c, 1);
}

int gz_buf_vprintf(struct gz_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return GZ_EINVAL;
    int rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return GZ_OK;
}

int gz_buf_printf(struct gz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = gz_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int gz_buf_put_html(struct gz_buf *b, const char *s, size_t n)
{
    size_t start = 0, before = b->len;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        int rc = gz_buf_append(b, s + start, i - start);
        if (!rc)
            rc = gz_buf_puts(b, rep);
        if (rc)
            goto fail;
        start = i + 1;
    }
    if (gz_buf_append(b, s + start, n - start) == GZ_OK)
        return GZ_OK;
fail:
    /* All or nothing, like every other append. */
    b->len = before;
    if (b->p)
        b->p[before] = '\0';
    return GZ_ETOOBIG;
}

int gz_read_fd(int fd, size_t max, char **out, size_t *len)
{
    struct stat st;
    *out = NULL;
    *len = 0;
    if (fstat(fd, &st) != 0)
        return GZ_EIO;
    if (!S_ISREG(st.st_mode))
        return GZ_EINVAL;
    if ((uint64_t)st.st_size > max)
        return GZ_ETOOBIG;
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = gz_xmalloc(size + 1);
    while (got < size) {
        ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return GZ_EIO;
        }
        got += (size_t)n;
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return GZ_OK;
}

int gz_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t gz_percent_unescape(const char *s, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len &&
            (hi = gz_hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = gz_hexval((unsigned char)s[i + 2])) >= 0) {
            out[n++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return n;
}

int gz_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len || len > 20)
        return GZ_EINVAL;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return GZ_EINVAL;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return GZ_EINVAL;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return GZ_EINVAL;
    int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
    if (r < min || r > max)
        return GZ_EINVAL;
    *out = r;
    return GZ_OK;
}

int gz_write_fd(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return GZ_EIO;
        b += w;
        n -= (size_t)w;
    }
    return GZ_OK;
}

/* Eight bytes a step, each mixed in by a multiply and a shift: a page's
 * ETag hashes the whole page (20 KB), which one byte a step (FNV-1a) made
 * 3% of a static export's time. */
uint64_t gz_hash_more(uint64_t h, const void *p, size_t n)
{
    const uint64_t mul = 0x9e3779b97f4a7c15ULL;
    const char *b = p;
    uint64_t w;
    size_t i = 0;
    h ^= (uint64_t)n * mul;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, b + i, 8);
        h = (h ^ w) * mul;
        h ^= h >> 29;
    }
    w = 0;
    if (n > i)
        memcpy(&w, b + i, n - i);
    h = (h ^ w) * mul;
    return h ^ (h >> 32);
}

uint64_t gz_hash(const void *p, size_t n)
{
    return gz_hash_more(0xcbf29ce484222325ULL, p, n);
}
