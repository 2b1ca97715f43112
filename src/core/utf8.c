#include "core/utf8.h"

#include "core/core.h"

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int gz_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0)
        return GZ_EINVAL;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        /* 0x80-0xBF: a stray continuation byte; 0xC0, 0xC1: always overlong;
         * 0xF5 and above: beyond U+10FFFF. */
        return GZ_EINVAL;
    }
    if (len < n)
        return GZ_EINVAL;
    for (size_t i = 1; i < n; i++) {
        if (!is_cont(u[i]))
            return GZ_EINVAL;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return GZ_EINVAL;
    *cp = v;
    return (int)n;
}

int gz_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int n = gz_utf8_decode(s + i, len - i, &cp);
        if (n < 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

/* Length of the sequence a lead byte announces; 0 when c is no lead byte. */
static size_t seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC0 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF7)
        return 4;
    return 0;
}

size_t gz_utf8_floor(const char *s, size_t len, size_t pos)
{
    const unsigned char *u = (const unsigned char *)s;
    if (pos >= len)
        return len;
    if (!is_cont(u[pos]))
        return pos;
    /* Walk back over at most three continuation bytes to the lead byte;
     * cut before it only if its sequence really reaches past pos, so that
     * stray bytes in invalid input never pull the cut further back. */
    size_t lead = pos;
    while (lead > 0 && pos - lead < 3 && is_cont(u[lead]))
        lead--;
    size_t n = seq_len(u[lead]);
    if (n > 1 && lead + n > pos)
        return lead;
    return pos;
}

int gz_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *u = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (cp >> 18));
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}
