/* The access log: line format, per-loop buffers, and the shared file. */
#include "http/accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* Caps on each field's escaped bytes: a line stays well under
 * GZ_ACCESSLOG_LINE_MAX whatever a client sends. */
#define CAP_SHORT 128
#define CAP_TARGET 4096
#define CAP_HEADER 2048

/* ---- the line ------------------------------------------------------------- */

struct out {
    char *p;
    size_t len, cap;
    int full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || n > o->cap - o->len) {
        o->full = 1;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void put_c(struct out *o, char c)
{
    put(o, &c, 1);
}

static void put_u64(struct out *o, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + i, sizeof tmp - i);
}

/* Appends s escaped: '"' and '\' get a backslash, bytes outside printable
 * ASCII (and spaces when the field is not quoted) become \xHH. At most cap
 * bytes; a longer value is cut and ends in "...". Empty prints "-". */
static void put_escaped(struct out *o, struct gz_str s, size_t cap, int quoted)
{
    static const char hex[] = "0123456789ABCDEF";
    if (s.len == 0) {
        put_c(o, '-');
        return;
    }
    size_t used = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        char esc[4];
        size_t n = 0;
        if (c == '"' || c == '\\') {
            esc[n++] = '\\';
            esc[n++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f || (c == ' ' && !quoted)) {
            esc[n++] = '\\';
            esc[n++] = 'x';
            esc[n++] = hex[c >> 4];
            esc[n++] = hex[c & 15];
        } else {
            esc[n++] = (char)c;
        }
        if (used + n > cap - 3) {
            put(o, "...", 3);
            return;
        }
        put(o, esc, n);
        used += n;
    }
}

static void put_quoted(struct out *o, struct gz_str s, size_t cap)
{
    put_c(o, '"');
    put_escaped(o, s, cap, 1);
    put_c(o, '"');
}

/* Seconds with microseconds: "0.000412". */
static void put_seconds(struct out *o, uint64_t ns)
{
    uint64_t us = ns / 1000;
    put_u64(o, us / 1000000);
    char frac[7];
    uint64_t f = us % 1000000;
    for (int i = 5; i >= 0; i--, f /= 10)
        frac[i + 1] = (char)('0' + f % 10);
    frac[0] = '.';
    put(o, frac, sizeof frac);
}

size_t gz_accesslog_format(char *buf, size_t cap, const struct gz_access_entry *e)
{
    struct out o = {buf, 0, cap, 0};
    put_escaped(&o, e->host, CAP_SHORT, 0);
    put(&o, " - - [", 6);
    put_escaped(&o, e->date, CAP_SHORT, 1);
    put(&o, "] \"", 3);
    put_escaped(&o, e->method, CAP_SHORT, 0);
    put_c(&o, ' ');
    put_escaped(&o, e->target, CAP_TARGET, 0);
    put_c(&o, ' ');
    put_escaped(&o, e->protocol, CAP_SHORT, 0);
    put(&o, "\" ", 2);
    put_u64(&o, (uint64_t)(e->status > 0 ? e->status : 0));
    put_c(&o, ' ');
    put_u64(&o, e->bytes);
    put_c(&o, ' ');
    put_quoted(&o, e->referer, CAP_HEADER);
    put_c(&o, ' ');
    put_quoted(&o, e->user_agent, CAP_HEADER);
    put_c(&o, ' ');
    put_escaped(&o, e->request_id, CAP_SHORT, 0);
    put_c(&o, ' ');
    put_seconds(&o, e->duration_ns);
    put_c(&o, '\n');
    return o.full ? 0 : o.len;
}

/* ---- the destination ------------------------------------------------------ */

struct gz_accesslog {
    int fd;
    char *path;  /* NULL for stdout */
    int is_pipe; /* not a regular file: writes past PIPE_BUF could interleave */
};

static int open_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        snprintf(err, errlen, "log.access: cannot open %s: %s", path, strerror(errno));
    return fd;
}

static int is_pipe(int fd)
{
    struct stat st;
    return fstat(fd, &st) != 0 || !S_ISREG(st.st_mode);
}

int gz_accesslog_open(const char *target, struct gz_accesslog **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    if (!target || !*target) {
        snprintf(err, errlen, "log.access: expected off, stdout or a file path");
        return GZ_EINVAL;
    }
    if (!strcmp(target, "off"))
        return GZ_OK;
    struct gz_accesslog *l = gz_xcalloc(1, sizeof(*l));
    if (!strcmp(target, "stdout")) {
        l->fd = STDOUT_FILENO;
    } else {
        l->fd = open_file(target, err, errlen);
        if (l->fd < 0) {
            free(l);
            return GZ_EIO;
        }
        l->path = gz_xstrdup(target);
    }
    l->is_pipe = is_pipe(l->fd);
    *out = l;
    return GZ_OK;
}

int gz_accesslog_reopen(struct gz_accesslog *l)
{
    if (!l || !l->path)
        return GZ_OK;
    char err[256];
    int fd = open_file(l->path, err, sizeof err);
    if (fd < 0) {
        gz_error("%s; still writing to the old file", err);
        return GZ_EIO;
    }
    /* Loops may be inside write(l->fd): dup2 swaps the file behind the
     * number atomically, so each write goes wholly to one file or the
     * other. */
    dup2(fd, l->fd);
    close(fd);
    return GZ_OK;
}

void gz_accesslog_close(struct gz_accesslog *l)
{
    if (!l)
        return;
    if (l->path)
        close(l->fd);
    free(l->path);
    free(l);
}

/* On a pipe, only writes of PIPE_BUF bytes or less are atomic: cut the
 * buffer at line ends into pieces no longer than that. */
static int write_lines(int fd, const char *p, size_t n)
{
    while (n > 0) {
        size_t take = n;
        if (take > PIPE_BUF) {
            take = PIPE_BUF;
            while (take > 0 && p[take - 1] != '\n')
                take--;
            if (take == 0) /* one line longer than PIPE_BUF */
                take = (size_t)((const char *)memchr(p, '\n', n) - p) + 1;
        }
        if (gz_write_fd(fd, p, take))
            return GZ_EIO;
        p += take;
        n -= take;
    }
    return GZ_OK;
}

/* ---- per-loop buffers ----------------------------------------------------- */

void gz_accesslog_buf_init(struct gz_accesslog_buf *b, struct gz_accesslog *log)
{
    memset(b, 0, sizeof(*b));
    b->log = log;
    if (log)
        b->p = gz_xmalloc(GZ_ACCESSLOG_BUF_SIZE);
}

void gz_accesslog_flush(struct gz_accesslog_buf *b)
{
    if (!b->log || b->len == 0)
        return;
    int rc = b->log->is_pipe ? write_lines(b->log->fd, b->p, b->len)
                             : gz_write_fd(b->log->fd, b->p, b->len);
    if (rc)
        gz_error("access log: write failed: %s; %zu bytes of lines lost", strerror(errno),
                 b->len);
    b->len = 0;
}

void gz_accesslog_buf_free(struct gz_accesslog_buf *b)
{
    gz_accesslog_flush(b);
    free(b->p);
    b->p = NULL;
}

void gz_accesslog_add(struct gz_accesslog_buf *b, const struct gz_access_entry *e,
                      uint64_t now_ms)
{
    if (!b->log)
        return;
    if (GZ_ACCESSLOG_BUF_SIZE - b->len < GZ_ACCESSLOG_LINE_MAX)
        gz_accesslog_flush(b);
    size_t n = gz_accesslog_format(b->p + b->len, GZ_ACCESSLOG_BUF_SIZE - b->len, e);
    if (b->len == 0)
        b->first_at_ms = now_ms;
    b->len += n;
}

void gz_accesslog_tick(struct gz_accesslog_buf *b, uint64_t now_ms)
{
    if (b->len && now_ms - b->first_at_ms >= GZ_ACCESSLOG_DELAY_MS)
        gz_accesslog_flush(b);
}
