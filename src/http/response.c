/* Response helpers: cached pages with content negotiation and conditional
 * GET, small error bodies, redirects, and the headers every response has. */
#include "http/http.h"

#include <string.h>
#include <time.h>

#define LIT(s) s, sizeof(s) - 1

/* The site's pages carry no inline script or style, so the policy needs no
 * 'unsafe-inline'. */
static const char csp[] =
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'";

static void add_security_headers(h2o_req_t *req)
{
    h2o_headers_t *h = &req->res.headers;
    h2o_add_header_by_str(&req->pool, h, LIT("content-security-policy"), 0, NULL,
                          LIT(csp));
    h2o_add_header_by_str(&req->pool, h, LIT("x-content-type-options"), 0, NULL,
                          LIT("nosniff"));
    h2o_add_header_by_str(&req->pool, h, LIT("referrer-policy"), 0, NULL,
                          LIT("strict-origin-when-cross-origin"));
    h2o_add_header_by_str(&req->pool, h, LIT("x-frame-options"), 0, NULL,
                          LIT("SAMEORIGIN"));
}

/* A generator whose callbacks are NULL: the whole body goes out in one
 * h2o_send with the final state. */
static h2o_generator_t static_generator = {NULL, NULL};

static void send_bytes(h2o_req_t *req, const char *body, size_t len, int is_head)
{
    req->res.content_length = len;
    h2o_start_response(req, &static_generator);
    h2o_iovec_t buf = h2o_iovec_init(body, is_head ? 0 : len);
    h2o_send(req, &buf, is_head ? 0 : 1, H2O_SEND_STATE_FINAL);
}

struct gz_str gz_http_header(struct gz_request *r, const h2o_token_t *token)
{
    ssize_t i = h2o_find_header(&r->req->headers, token, -1);
    if (i < 0)
        return (struct gz_str){NULL, 0};
    h2o_iovec_t v = r->req->headers.entries[i].value;
    return (struct gz_str){v.base, v.len};
}

struct gz_str gz_http_header_str(struct gz_request *r, const char *name)
{
    ssize_t i = h2o_find_header_by_str(&r->req->headers, name, strlen(name), -1);
    if (i < 0)
        return (struct gz_str){NULL, 0};
    h2o_iovec_t v = r->req->headers.entries[i].value;
    return (struct gz_str){v.base, v.len};
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int token_eq(const char *p, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != lit[i])
            return 0;
    return 1;
}

/* Is the coding accepted with a q-value above zero? */
static int accepts(struct gz_str ae, const char *coding)
{
    size_t i = 0;
    while (i < ae.len) {
        while (i < ae.len && (ae.p[i] == ' ' || ae.p[i] == '\t' || ae.p[i] == ','))
            i++;
        size_t start = i;
        while (i < ae.len && ae.p[i] != ',' && ae.p[i] != ';' && ae.p[i] != ' ')
            i++;
        int match = token_eq(ae.p + start, i - start, coding);
        int zero = 0;
        /* Parameters: only q matters; q=0 (0, 0.0, 0.00...) refuses. */
        while (i < ae.len && ae.p[i] != ',') {
            if (ae.p[i] == 'q' && i + 1 < ae.len && ae.p[i + 1] == '=') {
                size_t j = i + 2;
                zero = j < ae.len && ae.p[j] == '0';
                for (j++; j < ae.len && (ae.p[j] == '.' || ae.p[j] == '0'); j++)
                    ;
                if (zero && j < ae.len && ae.p[j] >= '1' && ae.p[j] <= '9')
                    zero = 0;
            }
            i++;
        }
        if (match)
            return !zero;
    }
    return 0;
}

enum gz_encoding gz_http_pick_encoding(struct gz_str ae, const struct gz_page *page)
{
    if (ae.len == 0)
        return GZ_ENC_IDENTITY;
    if (page->body[GZ_ENC_BROTLI].p && accepts(ae, "br"))
        return GZ_ENC_BROTLI;
    if (page->body[GZ_ENC_GZIP].p && accepts(ae, "gzip"))
        return GZ_ENC_GZIP;
    return GZ_ENC_IDENTITY;
}

/* An entity tag without its weakness indicator. */
static struct gz_str opaque_tag(const char *p, size_t n)
{
    if (n >= 2 && p[0] == 'W' && p[1] == '/')
        return (struct gz_str){p + 2, n - 2};
    return (struct gz_str){p, n};
}

int gz_http_etag_matches(struct gz_str inm, const char *etag, size_t len)
{
    struct gz_str want = opaque_tag(etag, len);
    size_t i = 0;
    while (i < inm.len) {
        while (i < inm.len && (inm.p[i] == ' ' || inm.p[i] == ','))
            i++;
        if (i < inm.len && inm.p[i] == '*')
            return 1;
        size_t start = i;
        while (i < inm.len && inm.p[i] != ',')
            i++;
        size_t end = i;
        while (end > start && inm.p[end - 1] == ' ')
            end--;
        /* Weak comparison, as RFC 9110 asks for If-None-Match. */
        struct gz_str got = opaque_tag(inm.p + start, end - start);
        if (got.len == want.len && memcmp(got.p, want.p, want.len) == 0)
            return 1;
    }
    return 0;
}

static void release_page(void *slot)
{
    gz_page_unref(*(struct gz_page **)slot);
}

/* RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since
 * only without it, and only for a page that has a Last-Modified. */
static int not_modified(struct gz_request *r, const struct gz_page *page)
{
    struct gz_str inm = gz_http_header(r, H2O_TOKEN_IF_NONE_MATCH);
    if (inm.len)
        return gz_http_etag_matches(inm, page->etag, page->etag_len);
    struct gz_str ims = gz_http_header(r, H2O_TOKEN_IF_MODIFIED_SINCE);
    struct tm tm;
    if (page->last_modified <= 0 || !ims.len ||
        h2o_time_parse_rfc1123(ims.p, ims.len, &tm))
        return 0;
    return (int64_t)timegm(&tm) >= page->last_modified;
}

static void add_last_modified(h2o_req_t *req, int64_t when)
{
    time_t t = (time_t)when;
    struct tm tm;
    char *date = h2o_mem_alloc_pool(&req->pool, H2O_TIMESTR_RFC1123_LEN + 1);
    gmtime_r(&t, &tm);
    h2o_time2str_rfc1123(date, &tm);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LAST_MODIFIED, NULL, date,
                   H2O_TIMESTR_RFC1123_LEN);
}

int gz_http_send_page(struct gz_request *r, struct gz_page *page,
                      const char *cache_control)
{
    h2o_req_t *req = r->req;
    h2o_headers_t *h = &req->res.headers;
    add_security_headers(req);
    h2o_add_header(&req->pool, h, H2O_TOKEN_ETAG, NULL, page->etag, page->etag_len);
    if (page->last_modified > 0)
        add_last_modified(req, page->last_modified);
    if (cache_control)
        h2o_add_header(&req->pool, h, H2O_TOKEN_CACHE_CONTROL, NULL, cache_control,
                       strlen(cache_control));
    int compressible = page->body[GZ_ENC_GZIP].p || page->body[GZ_ENC_BROTLI].p;
    if (compressible)
        h2o_add_header(&req->pool, h, H2O_TOKEN_VARY, NULL, LIT("Accept-Encoding"));

    enum gz_encoding enc = GZ_ENC_IDENTITY;
    if (compressible)
        enc = gz_http_pick_encoding(gz_http_header(r, H2O_TOKEN_ACCEPT_ENCODING), page);
    if (page->status == 200 && not_modified(r, page)) {
        gz_http_send_not_modified(r, page->body[enc].len);
        return 304;
    }
    if (enc == GZ_ENC_GZIP)
        h2o_add_header(&req->pool, h, H2O_TOKEN_CONTENT_ENCODING, NULL, LIT("gzip"));
    else if (enc == GZ_ENC_BROTLI)
        h2o_add_header(&req->pool, h, H2O_TOKEN_CONTENT_ENCODING, NULL, LIT("br"));
    h2o_add_header(&req->pool, h, H2O_TOKEN_CONTENT_TYPE, NULL, page->content_type,
                   strlen(page->content_type));
    req->res.status = page->status;
    req->res.reason = page->status == 200 ? "OK" : "Not Found";
    /* The bytes are sent from the cached page itself: hold a reference until
     * the request's memory is released. */
    struct gz_page **slot = r->page_ref;
    if (!slot || *slot)
        slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), release_page);
    *slot = page;
    gz_page_ref(page);
    send_bytes(req, page->body[enc].p, page->body[enc].len, r->is_head);
    return page->status;
}

void gz_http_send_not_modified(struct gz_request *r, size_t len)
{
    h2o_req_t *req = r->req;
    req->res.status = 304;
    req->res.reason = "Not Modified";
    /* RFC 9110 8.6: a 304 may carry the length of the 200 it stands for,
     * and no other; h2o needs a length to send no body without chunking. */
    send_bytes(req, NULL, len, 1);
}

void gz_http_send(struct gz_request *r, int status, const char *reason,
                  const char *content_type, const char *body, size_t len)
{
    h2o_req_t *req = r->req;
    char *copy = h2o_mem_alloc_pool(&req->pool, len ? len : 1);
    if (len)
        memcpy(copy, body, len);
    add_security_headers(req);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   content_type, strlen(content_type));
    req->res.status = status;
    req->res.reason = reason;
    send_bytes(req, copy, len, r->is_head);
}

void gz_http_send_error(struct gz_request *r, int status, const char *reason)
{
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s\n", status, reason);
    if (status >= 400 && status != 404 && status != 405)
        r->req->http1_is_persistent = 0; /* the request may not have been read whole */
    gz_http_send(r, status, reason, "text/plain; charset=utf-8", body, (size_t)n);
}

void gz_http_redirect(struct gz_request *r, int status, const char *location, size_t len)
{
    h2o_req_t *req = r->req;
    char *copy = h2o_mem_alloc_pool(&req->pool, len);
    memcpy(copy, location, len);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LOCATION, NULL, copy, len);
    gz_http_send(r, status,
                 status == 301   ? "Moved Permanently"
                 : status == 303 ? "See Other"
                 : status == 308 ? "Permanent Redirect"
                                 : "Found",
                 "text/plain; charset=utf-8", "", 0);
}

void gz_http_add_header(struct gz_request *r, const char *name, const char *value)
{
    h2o_req_t *req = r->req;
    size_t n = strlen(name), v = strlen(value);
    char *nc = h2o_mem_alloc_pool(&req->pool, n + 1),
         *vc = h2o_mem_alloc_pool(&req->pool, v + 1);
    memcpy(nc, name, n + 1);
    memcpy(vc, value, v + 1);
    h2o_add_header_by_str(&req->pool, &req->res.headers, nc, n, 0, NULL, vc, v);
}

int gz_http_decode_path(const char *src, size_t n, char *dst, size_t cap, size_t *len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == '%') {
            if (i + 2 >= n)
                return GZ_EINVAL;
            int hi = gz_hexval((unsigned char)src[i + 1]),
                lo = gz_hexval((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return GZ_EINVAL;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || o + 1 >= cap)
            return GZ_EINVAL;
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    *len = o;
    return GZ_OK;
}
