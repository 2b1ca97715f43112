/* Core types shared by every module: return codes, string slices, capped
 * buffers, and allocation that aborts on out-of-memory. */
#ifndef GZ_CORE_H
#define GZ_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum gz_rc {
    GZ_OK = 0,
    GZ_ERR = -1,       /* generic failure; details were logged */
    GZ_ENOTFOUND = -2, /* the thing asked for does not exist */
    GZ_ETOOBIG = -3,   /* input would grow a capped buffer past its maximum */
    GZ_EINVAL = -4,    /* malformed input */
    GZ_EIO = -5,       /* store or file-system failure */
    GZ_EEXIST = -6,    /* unique key already taken */
    GZ_DECLINED = -7,  /* a handler passes the request on */
};

/* A slice: never owns its bytes, not necessarily NUL-terminated. */
struct gz_str {
    const char *p;
    size_t len;
};

#define GZ_STR(lit) ((struct gz_str){(lit), sizeof(lit) - 1})
#define GZ_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* An owning byte buffer, always NUL-terminated, never larger than max bytes
 * (not counting the NUL), so input can never grow it without bound. */
struct gz_buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max;
};

/* Allocation: these never return NULL; out of memory aborts the process
 * through one handler (as h2o and Redis do). */
void *gz_xmalloc(size_t n);
void *gz_xcalloc(size_t count, size_t size);
void *gz_xrealloc(void *p, size_t n);
char *gz_xstrdup(const char *s);
char *gz_xstrndup(const char *s, size_t n);

/* Buffers. gz_buf_init sets an empty buffer with the given maximum size.
 * Appends return GZ_ETOOBIG (leaving the buffer as it was) when the result
 * would exceed max. gz_buf_free releases the bytes; the buffer can be reused
 * after another gz_buf_init. gz_buf_take hands the bytes to the caller
 * (who frees them) and resets the buffer. */
void gz_buf_init(struct gz_buf *b, size_t max);
void gz_buf_free(struct gz_buf *b);
void gz_buf_reset(struct gz_buf *b);
char *gz_buf_take(struct gz_buf *b);
int gz_buf_append(struct gz_buf *b, const void *p, size_t n);
int gz_buf_puts(struct gz_buf *b, const char *s);
int gz_buf_putc(struct gz_buf *b, char c);
int gz_buf_printf(struct gz_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int gz_buf_vprintf(struct gz_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends s with the five HTML-special characters escaped. */
int gz_buf_put_html(struct gz_buf *b, const char *s, size_t n);

/* Default maximum for buffers that hold one page or one article. */
#define GZ_BUF_PAGE_MAX ((size_t)16 << 20)

/* Reads the whole of fd, an open regular file of at most max bytes, into a
 * new NUL-terminated buffer (*out, *len without the NUL). GZ_EINVAL when
 * fd is not a regular file, GZ_ETOOBIG past max (nothing read), GZ_EIO on
 * a read error or a short read (errno says why). Does not close fd. */
int gz_read_fd(int fd, size_t max, char **out, size_t *len);

/* Writes all n bytes of p to fd, again after EINTR. GZ_EIO when a write
 * fails or writes nothing (errno says why). */
int gz_write_fd(int fd, const void *p, size_t n);

/* ---- hashing ---- */

/* A fast 64-bit hash of n bytes, eight at a step. Not keyed, so not for
 * input an adversary could shape into collisions where that would hurt:
 * the page cache and ETags, tables of paths, lines and keys. */
uint64_t gz_hash(const void *p, size_t n);
/* Folds n more bytes into the hash h: a hash of several pieces (a theme's
 * assets) without joining them. Not the value gz_hash gives the joined
 * bytes: each piece's length is mixed in too. */
uint64_t gz_hash_more(uint64_t h, const void *p, size_t n);

/* The value of a hexadecimal digit (either case), or -1. */
int gz_hexval(int c);
/* Decodes the %XX escapes of s (len bytes) into out (room for len + 1
 * bytes), keeping a '%' that starts no valid escape as it is; NUL-terminates
 * and returns the length (which may hold decoded NUL bytes). */
size_t gz_percent_unescape(const char *s, size_t len, char *out);

/* Parses a decimal integer in [min, max] from the whole of s.
 * Returns GZ_OK or GZ_EINVAL; never reads past len. */
int gz_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
