/* A minimal HTTP/1.1 client for the static export: GET over one keep-alive
 * connection to the site this process serves on loopback. It only has to
 * understand gazette's own answers (Content-Length or chunked bodies), so
 * it stays small; see docs/decisions/0011-static-export.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/core.h"
#include "io/exportInt.h"

/* A page that takes longer than this is a hung site, not a slow one. */
#define READ_TIMEOUT_S 120
/* Request and response header lines are short; a path is at most this. */
#define PATH_MAX_BYTES 8192

void gz_export_conn_init(struct gz_export_conn *c, int port)
{
    memset(c, 0, sizeof(*c));
    c->port = port;
    c->fd = -1;
}

void gz_export_conn_close(struct gz_export_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static int connect_loopback(struct gz_export_conn *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return GZ_EIO;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = READ_TIMEOUT_S};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        return GZ_EIO;
    }
    c->fd = fd;
    c->len = 0;
    return GZ_OK;
}

/* The request line's target: bytes outside printable ASCII, and the few
 * that would end or split a path, percent-encoded. */
static int encode_path(const char *path, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (o + 4 > cap)
            return GZ_ETOOBIG;
        if (*p <= 0x20 || *p >= 0x7f || *p == '%' || *p == '?' || *p == '#') {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
    return GZ_OK;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return GZ_EIO;
        p += w;
        n -= (size_t)w;
    }
    return GZ_OK;
}

/* Reads more bytes into the buffer: GZ_OK, or GZ_EIO at the end of the
 * stream or on an error. */
static int fill(struct gz_export_conn *c)
{
    if (c->cap - c->len < 65536) {
        if (c->cap > GZ_EXPORT_BODY_MAX + 65536)
            return GZ_ETOOBIG;
        c->cap = c->cap ? c->cap * 2 : 131072;
        c->buf = gz_xrealloc(c->buf, c->cap);
    }
    for (;;) {
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return GZ_EIO;
        /* Acknowledge at once: a delayed ACK would hold the site's next
         * segment back for ~40 ms (Nagle), per page. Linux clears the flag
         * as it goes, so it is set again after every read. */
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
        return GZ_OK;
    }
}

/* Copies header `name`'s value from the head into out (truncated). */
static void header_value(const char *head, size_t head_len, const char *name, char *out,
                         size_t cap)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (const char *line = head; line < head + head_len;) {
        const char *end = memmem(line, (size_t)(head + head_len - line), "\r\n", 2);
        if (!end)
            return;
        if ((size_t)(end - line) > nlen && line[nlen] == ':' &&
            !strncasecmp(line, name, nlen)) {
            const char *v = line + nlen + 1;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            size_t n = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
        line = end + 2;
    }
}

/* Decodes a chunked body in place, from buf + start; more bytes are read
 * as needed. *end gets where the message ends, *body_len the body's size. */
static int read_chunked(struct gz_export_conn *c, size_t start, size_t *body_len,
                        size_t *end)
{
    size_t in = start, out = start;
    for (;;) {
        char *eol;
        while (!(eol = memmem(c->buf + in, c->len - in, "\r\n", 2)))
            if (fill(c))
                return GZ_EIO;
        char *stop;
        unsigned long long size = strtoull(c->buf + in, &stop, 16);
        if (stop == c->buf + in || size > GZ_EXPORT_BODY_MAX)
            return GZ_EIO;
        in = (size_t)(eol - c->buf) + 2;
        if (size == 0) { /* no trailers from gazette: just the last CRLF */
            while (c->len - in < 2)
                if (fill(c))
                    return GZ_EIO;
            *end = in + 2;
            *body_len = out - start;
            return GZ_OK;
        }
        while (c->len - in < size + 2)
            if (fill(c))
                return GZ_EIO;
        memmove(c->buf + out, c->buf + in, size);
        out += size;
        in += size + 2;
    }
}

/* One exchange on a connected socket: 1 when the connection was closed
 * before any byte of the answer (a kept-alive connection timed out). */
static int exchange(struct gz_export_conn *c, const char *req, size_t req_len,
                    struct gz_export_resp *out, int *closed_early)
{
    *closed_early = 0;
    c->len = 0;
    if (send_all(c->fd, req, req_len)) {
        *closed_early = 1;
        return GZ_EIO;
    }
    char *head_end = NULL;
    while (!c->buf || !(head_end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
        int rc = fill(c);
        if (rc) {
            *closed_early = c->len == 0;
            return rc;
        }
    }
    size_t head_len = (size_t)(head_end - c->buf) + 2;
    if (c->len < 12 || memcmp(c->buf, "HTTP/1.", 7))
        return GZ_EIO;
    int64_t status; /* "HTTP/1.1 200 OK" */
    if (gz_parse_i64(c->buf + 9, 3, 100, 599, &status))
        return GZ_EIO;
    out->status = (int)status;
    header_value(c->buf, head_len, "content-type", out->content_type,
                 sizeof out->content_type);
    header_value(c->buf, head_len, "location", out->location, sizeof out->location);
    char value[64];
    size_t start = head_len + 2, body_len = 0, end;
    header_value(c->buf, head_len, "transfer-encoding", value, sizeof value);
    if (!strcasecmp(value, "chunked")) {
        if (read_chunked(c, start, &body_len, &end))
            return GZ_EIO;
    } else {
        header_value(c->buf, head_len, "content-length", value, sizeof value);
        int64_t n = 0;
        if (value[0] &&
            gz_parse_i64(value, strlen(value), 0, (int64_t)GZ_EXPORT_BODY_MAX, &n))
            return GZ_ETOOBIG;
        body_len = (size_t)n;
        while (c->len - start < body_len)
            if (fill(c))
                return GZ_EIO;
        end = start + body_len;
    }
    header_value(c->buf, head_len, "connection", value, sizeof value);
    if (!strcasecmp(value, "close") || end != c->len) {
        close(c->fd); /* nothing may follow an answer we did not pipeline */
        c->fd = -1;
    }
    out->body = c->buf + start;
    out->body_len = body_len;
    return GZ_OK;
}

int gz_export_get(struct gz_export_conn *c, const char *path, struct gz_export_resp *out)
{
    char target[PATH_MAX_BYTES], req[PATH_MAX_BYTES + 256];
    if (encode_path(path, target, sizeof target))
        return GZ_ETOOBIG;
    /* A bot's User-Agent and a prefetch header: the export is no reader, and
     * must not count as views. */
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "User-Agent: gazette-export-bot/1.0\r\nSec-Purpose: prefetch\r\n"
                     "Accept-Encoding: identity\r\n\r\n",
                     target);
    if (n < 0 || (size_t)n >= sizeof req)
        return GZ_ETOOBIG;
    memset(out, 0, sizeof(*out));
    for (int attempt = 0; attempt < 2; attempt++) {
        int reused = c->fd >= 0, closed_early;
        if (!reused && connect_loopback(c))
            return GZ_EIO;
        int rc = exchange(c, req, (size_t)n, out, &closed_early);
        if (rc == GZ_OK)
            return GZ_OK;
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        if (!(reused && closed_early))
            return rc;
    }
    return GZ_EIO;
}
