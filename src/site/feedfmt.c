/* Text, dates, URLs and ids for feeds and sitemaps (feedfmt.h). */
#include "site/feedfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* XML 1.0 section 2.2: the characters a document may contain. */
static int xml_allowed(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x9 || cp == 0xA || cp == 0xD;
    return cp != 0xFFFE && cp != 0xFFFF;
}

/* The reference for an ASCII byte that needs one, or NULL. */
static const char *xml_ref(unsigned char c, int attr)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '\r':
        return "&#13;"; /* parsers turn a bare CR into LF */
    case '\n':
        return attr ? "&#10;" : NULL;
    case '\t':
        return attr ? "&#9;" : NULL;
    default:
        return NULL;
    }
}

/* Appends the next character of s (n > 0 bytes left), escaped; sets *used
 * to the bytes it took. */
static int xml_char(struct gz_buf *b, const char *s, size_t n, int attr, size_t *used)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *used = 1;
        const char *ref = xml_ref(c, attr);
        if (ref)
            return gz_buf_puts(b, ref);
        return xml_allowed(c) ? gz_buf_putc(b, (char)c) : gz_buf_puts(b, replacement);
    }
    uint32_t cp;
    int len = gz_utf8_decode(s, n, &cp);
    if (len < 0) {
        *used = 1;
        return gz_buf_puts(b, replacement);
    }
    *used = (size_t)len;
    return xml_allowed(cp) ? gz_buf_append(b, s, (size_t)len)
                           : gz_buf_puts(b, replacement);
}

int gz_feedfmt_xml(struct gz_buf *b, const char *s, size_t n, int attr)
{
    size_t before = b->len, i = 0;
    while (i < n) {
        /* Runs of plain ASCII are copied in one append. */
        size_t run = i;
        while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x80 &&
               !xml_ref((unsigned char)s[run], attr))
            run++;
        if (run > i && gz_buf_append(b, s + i, run - i))
            goto fail;
        i = run;
        if (i == n)
            break;
        size_t used;
        if (xml_char(b, s + i, n - i, attr, &used))
            goto fail;
        i += used;
    }
    return GZ_OK;
fail:
    /* All or nothing, like every other append. */
    b->len = before;
    if (b->p)
        b->p[before] = '\0';
    return GZ_ETOOBIG;
}

int gz_feedfmt_xml_str(struct gz_buf *b, const char *s, int attr)
{
    return s ? gz_feedfmt_xml(b, s, strlen(s), attr) : GZ_OK;
}

int gz_feedfmt_utf8(struct gz_buf *b, const char *s, size_t n)
{
    size_t before = b->len, i = 0;
    while (i < n) {
        uint32_t cp;
        int len = gz_utf8_decode(s + i, n - i, &cp);
        int rc =
            len > 0 ? gz_buf_append(b, s + i, (size_t)len) : gz_buf_puts(b, replacement);
        if (rc) {
            b->len = before;
            if (b->p)
                b->p[before] = '\0';
            return rc;
        }
        i += len > 0 ? (size_t)len : 1;
    }
    return GZ_OK;
}

static void utc(int64_t when, struct tm *tm)
{
    time_t t = (time_t)when;
    if (!gmtime_r(&t, tm))
        memset(tm, 0, sizeof *tm); /* out of range: 1900-01-00, never reached */
}

char *gz_feedfmt_rfc822(char out[GZ_FEEDFMT_DATE_MAX], int64_t when)
{
    /* Fixed English names: strftime's %a and %b follow the locale. */
    static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    utc(when, &tm);
    /* The moduli tell the compiler what gmtime_r guarantees anyway: every
     * field fits its width (years past 9999 are not a news site's). */
    snprintf(out, GZ_FEEDFMT_DATE_MAX, "%s, %02u %s %04u %02u:%02u:%02u GMT",
             days[(unsigned)tm.tm_wday % 7], (unsigned)tm.tm_mday % 100,
             months[(unsigned)tm.tm_mon % 12], (unsigned)(tm.tm_year + 1900) % 10000,
             (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100,
             (unsigned)tm.tm_sec % 100);
    return out;
}

char *gz_feedfmt_rfc3339(char out[GZ_FEEDFMT_DATE_MAX], int64_t when)
{
    struct tm tm;
    utc(when, &tm);
    snprintf(out, GZ_FEEDFMT_DATE_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ",
             (unsigned)(tm.tm_year + 1900) % 10000, (unsigned)(tm.tm_mon + 1) % 100,
             (unsigned)tm.tm_mday % 100, (unsigned)tm.tm_hour % 100,
             (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
    return out;
}

static int url_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

char *gz_feedfmt_url(struct gz_arena *a, const char *base, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t nb = strlen(base), np = strlen(path);
    char *out = gz_arena_alloc(a, nb + np * 3 + 1), *o = out + nb;
    memcpy(out, base, nb);
    for (size_t i = 0; i < np; i++) {
        unsigned char c = (unsigned char)path[i];
        if (url_plain(c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The host of an http(s) URL, lower-cased, without user info or port, and
 * what follows it (the path, without its leading '/'). */
static void split_site_url(struct gz_arena *a, const char *url, char **host, char **path)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    /* An IPv6 literal keeps its brackets; a port follows the last ':'. */
    const char *close = p[0] == '[' ? memchr(p, ']', n) : NULL;
    const char *colon = close ? (close + 1 < p + n && close[1] == ':' ? close + 1 : NULL)
                              : memchr(p, ':', n);
    size_t hn = colon ? (size_t)(colon - p) : n;
    char *h = gz_arena_strndup(a, p, hn);
    for (char *c = h; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    const char *rest = p + n;
    while (*rest == '/')
        rest++;
    size_t pn = strcspn(rest, "?#");
    while (pn && rest[pn - 1] == '/')
        pn--;
    *host = h;
    *path = gz_arena_strndup(a, rest, pn);
}

char *gz_feedfmt_article_id(struct gz_arena *a, const char *site_url, int64_t created_at,
                            int64_t id)
{
    char *host, *path;
    split_site_url(a, site_url, &host, &path);
    struct tm tm;
    utc(created_at > 0 ? created_at : 946684800 /* 2000-01-01 */, &tm);
    return gz_arena_printf(a, "tag:%s,%04d-%02d-%02d:%s%sarticle/%lld", host,
                           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, path,
                           *path ? "/" : "", (long long)id);
}

/* The next root-relative src="/ or href="/ in html at or after p, or NULL;
 * *skip is the length of the attribute up to (not including) the '/'. */
static const char *next_relative(const char *p, size_t *skip)
{
    static const char *const attrs[] = {" src=\"/", " href=\"/"};
    const char *best = NULL;
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(attrs[i]);
        for (const char *q = strstr(p, attrs[i]); q; q = strstr(q + 1, attrs[i])) {
            if (q[n] == '/') /* "//host/...": already absolute (scheme-relative) */
                continue;
            if (!best || q < best) {
                best = q;
                *skip = n - 1;
            }
            break;
        }
    }
    return best;
}

int gz_feedfmt_absolute_html(struct gz_buf *b, const char *html, const char *site_url)
{
    size_t before = b->len, skip = 0;
    const char *p = html;
    for (const char *q; (q = next_relative(p, &skip)); p = q + skip) {
        if (gz_buf_append(b, p, (size_t)(q - p) + skip) ||
            gz_buf_put_html(b, site_url, strlen(site_url)))
            goto fail;
    }
    if (gz_buf_puts(b, p) == GZ_OK)
        return GZ_OK;
fail:
    b->len = before;
    if (b->p)
        b->p[before] = '\0';
    return GZ_ETOOBIG;
}

/* ---- the sticky writer ---- */

void gz_feedfmt_put(struct gz_feedfmt_out *o, const char *s)
{
    if (o->rc == GZ_OK)
        o->rc = gz_buf_puts(o->b, s);
}

void gz_feedfmt_printf(struct gz_feedfmt_out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->rc != GZ_OK)
        return;
    va_start(ap, fmt);
    o->rc = gz_buf_vprintf(o->b, fmt, ap);
    va_end(ap);
}

void gz_feedfmt_text(struct gz_feedfmt_out *o, const char *s, int attr)
{
    if (o->rc == GZ_OK)
        o->rc = gz_feedfmt_xml_str(o->b, s, attr);
}

void gz_feedfmt_elem(struct gz_feedfmt_out *o, const char *name, const char *text)
{
    gz_feedfmt_printf(o, "<%s>", name);
    gz_feedfmt_text(o, text, 0);
    gz_feedfmt_printf(o, "</%s>\n", name);
}
