/* Address ranges in CIDR notation ("127.0.0.0/8, ::1/128"), for deciding
 * who may read /metrics. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

/* Parses one "ADDRESS[/PREFIX]" (n bytes) into r. */
static int parse_one(const char *s, size_t n, struct gz_cidr *r)
{
    char text[64];
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    if (alen == 0 || alen >= sizeof text)
        return GZ_EINVAL;
    memcpy(text, s, alen);
    text[alen] = '\0';
    memset(r, 0, sizeof(*r));
    if (inet_pton(AF_INET, text, r->addr) == 1) {
        r->family = AF_INET;
        r->prefix = 32;
    } else if (inet_pton(AF_INET6, text, r->addr) == 1) {
        r->family = AF_INET6;
        r->prefix = 128;
    } else {
        return GZ_EINVAL;
    }
    if (slash) {
        int64_t p;
        size_t plen = n - alen - 1;
        if (plen == 0 || plen > 3 || gz_parse_i64(slash + 1, plen, 0, r->prefix, &p))
            return GZ_EINVAL;
        r->prefix = (unsigned)p;
    }
    /* Host bits are ignored: 10.1.2.3/8 means 10.0.0.0/8. */
    for (unsigned bit = r->prefix; bit < (r->family == AF_INET ? 32u : 128u); bit++)
        r->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    return GZ_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int gz_cidr_parse_list(const char *s, struct gz_cidr_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0, n = strlen(s);
    while (i < n && is_space(s[i]))
        i++;
    if (i == n)
        return GZ_OK; /* nobody */
    for (;;) {
        size_t start = i;
        while (i < n && s[i] != ',')
            i++;
        size_t end = i;
        while (start < end && is_space(s[start]))
            start++;
        while (end > start && is_space(s[end - 1]))
            end--;
        struct gz_cidr r;
        if (parse_one(s + start, end - start, &r)) {
            snprintf(err, errlen,
                     "'%.*s' is not an address or CIDR range (e.g. 10.0.0.0/8)",
                     (int)(end - start > 64 ? 64 : end - start), s + start);
            gz_cidr_list_clear(out);
            return GZ_EINVAL;
        }
        out->items = gz_xrealloc(out->items, (out->len + 1) * sizeof(r));
        out->items[out->len++] = r;
        if (i == n)
            return GZ_OK;
        i++; /* the comma */
    }
}

void gz_cidr_list_clear(struct gz_cidr_list *l)
{
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

static int prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    if (memcmp(a, b, bits / 8))
        return 0;
    if (bits % 8 == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xff00u >> (bits % 8));
    return (a[bits / 8] & mask) == (b[bits / 8] & mask);
}

int gz_cidr_match(const struct gz_cidr_list *l, const struct sockaddr *sa)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const uint8_t *v4 = NULL, *v6 = NULL;
    if (sa->sa_family == AF_INET) {
        v4 = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        /* A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d. */
        if (!memcmp(v6, v4mapped, sizeof v4mapped))
            v4 = v6 + 12;
    }
    for (size_t i = 0; i < l->len; i++) {
        const struct gz_cidr *r = &l->items[i];
        const uint8_t *a = r->family == AF_INET ? v4 : v6;
        if (a && prefix_equal(a, r->addr, r->prefix))
            return 1;
    }
    return 0;
}
