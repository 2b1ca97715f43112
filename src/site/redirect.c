/* Old addresses (an import's, stored by the store's redirect_set) answer
 * 301 with their new one. Asked only where a request would otherwise get
 * a 404, and for "/" only when the query names a WordPress post, so the
 * pages that exist pay nothing. */
#include <stdlib.h>
#include <string.h>

#include "site/siteInt.h"

/* Longest path and query looked up; longer ones are no stored redirect. */
#define REDIRECT_KEY_MAX 2048

/* target with every byte outside printable ASCII percent-encoded, so the
 * Location header is plain ASCII (slugs may be UTF-8). */
static char *encode_target(struct gz_arena *ar, const char *target)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(target);
    char *out = gz_arena_alloc(ar, 3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\') {
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

/* The stored target of key (len bytes), or NULL. */
static char *lookup(struct gz_store *st, const char *key, size_t len)
{
    char buf[REDIRECT_KEY_MAX + 2];
    if (len > REDIRECT_KEY_MAX)
        return NULL;
    memcpy(buf, key, len);
    buf[len] = '\0';
    char *target = NULL;
    if (st->ops->redirect_get(st, buf, &target) == GZ_OK)
        return target;
    return NULL;
}

/* The path (and query) of the request, then the same with its trailing
 * slash toggled: "/2019/05/03/slug" finds "/2019/05/03/slug/". */
static char *find(struct gz_store *st, struct gz_request *r)
{
    char key[REDIRECT_KEY_MAX + 2];
    size_t plen = r->path.len, qlen = r->query.len;
    if (plen + qlen + 2 > REDIRECT_KEY_MAX)
        return NULL;
    memcpy(key, r->path.p, plen);
    size_t n = plen;
    if (qlen) {
        key[n++] = '?';
        memcpy(key + n, r->query.p, qlen);
        n += qlen;
    }
    char *target = lookup(st, key, n);
    if (target || qlen || plen < 2)
        return target;
    if (key[plen - 1] == '/')
        return lookup(st, key, plen - 1);
    key[plen] = '/';
    return lookup(st, key, plen + 1);
}

int gz_site_redirect_try(struct gz_site *site, struct gz_request *r)
{
    if (!r->worker || !site->threads)
        return GZ_DECLINED; /* not a live request (a static export) */
    struct gz_site_thread *t = gz_site_thread_of(site, r);
    if (!t->store)
        return GZ_DECLINED;
    char *target = find(t->store, r);
    if (!target)
        return GZ_DECLINED;
    char *loc = encode_target(&r->worker->arena, target);
    free(target);
    gz_http_redirect(r, 301, loc, strlen(loc));
    return GZ_OK;
}

/* Whether the query has a p=, page_id= or cat= parameter. */
static int wp_query(struct gz_str q)
{
    static const char *const names[] = {"p=", "page_id=", "cat=", "tag="};
    for (size_t at = 0; at < q.len;) {
        for (size_t i = 0; i < GZ_COUNTOF(names); i++) {
            size_t n = strlen(names[i]);
            if (q.len - at >= n && !memcmp(q.p + at, names[i], n))
                return 1;
        }
        const char *amp = memchr(q.p + at, '&', q.len - at);
        if (!amp)
            break;
        at = (size_t)(amp - q.p) + 1;
    }
    return 0;
}

int gz_site_redirect(void *arg, struct gz_request *r)
{
    if (r->path.len != 1 || r->path.p[0] != '/' || !wp_query(r->query))
        return GZ_DECLINED;
    return gz_site_redirect_try(arg, r);
}
