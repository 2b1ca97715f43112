/* Access log: one line per response in the combined format, plus the
 * request id and the response time:
 *
 *   127.0.0.1 - - [29/Nov/2026:09:30:00 +0000] "GET /2026/11/budget HTTP/1.1"
 *     200 5120 "https://example.org/" "Mozilla/5.0 ..." 6f1c2a9b4e-0-1f 0.000412
 *
 * (one line). Quoted fields escape '"' and '\' with a backslash and every
 * byte outside printable ASCII as \xHH, so a line can never be split or
 * forged by what a client sends; an empty field is "-".
 *
 * Writing costs no lock: each event loop formats into its own buffer and
 * hands it to write() when it is nearly full, when its oldest line is about
 * to be GZ_ACCESSLOG_DELAY_MS old, and at shutdown. Loops write whole lines
 * with O_APPEND, so lines of different loops never mix. */
#ifndef GZ_ACCESSLOG_H
#define GZ_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define GZ_ACCESSLOG_BUF_SIZE (64 * 1024)
/* The longest line the formatter writes: every field is capped. */
#define GZ_ACCESSLOG_LINE_MAX (12 * 1024)
/* How long a line may wait in a loop's buffer. */
#define GZ_ACCESSLOG_DELAY_MS 50

/* What one line says. Slices are not NUL-terminated; empty ones print "-". */
struct gz_access_entry {
    struct gz_str host; /* client address, e.g. "127.0.0.1" */
    struct gz_str date; /* "29/Nov/2026:09:30:00 +0000" */
    struct gz_str method;
    struct gz_str target;   /* as sent: path and query */
    struct gz_str protocol; /* "HTTP/1.1" */
    int status;
    uint64_t bytes; /* body bytes sent */
    struct gz_str referer;
    struct gz_str user_agent;
    struct gz_str request_id; /* "-" for requests h2o answered itself */
    uint64_t duration_ns;
};

/* Formats e as one line ending in '\n' into out (cap bytes). Returns the
 * line's length, or 0 when cap is too small (cap >= GZ_ACCESSLOG_LINE_MAX
 * always suffices). */
size_t gz_accesslog_format(char *out, size_t cap, const struct gz_access_entry *e);

/* The destination, shared by the loops. */
struct gz_accesslog;

/* target is "off" (then *out is NULL: no access log), "stdout", or a file
 * path opened for appending. GZ_EINVAL (empty target) or GZ_EIO (cannot
 * open) with a message in err. */
int gz_accesslog_open(const char *target, struct gz_accesslog **out, char *err,
                      size_t errlen);
/* Opens the file again by its path (logrotate); lines written from now on
 * go to the new file. Safe while loops write. No-op for stdout or NULL. */
int gz_accesslog_reopen(struct gz_accesslog *l);
void gz_accesslog_close(struct gz_accesslog *l);

/* One event loop's buffer. Only its loop touches it. */
struct gz_accesslog_buf {
    struct gz_accesslog *log; /* NULL: the access log is off */
    char *p;
    size_t len;
    uint64_t first_at_ms; /* when the oldest buffered line was added */
};

void gz_accesslog_buf_init(struct gz_accesslog_buf *b, struct gz_accesslog *log);
/* Writes what is left, then frees the buffer. */
void gz_accesslog_buf_free(struct gz_accesslog_buf *b);
/* Adds a line (now_ms: the loop's clock); writes the buffer first when the
 * line might not fit. */
void gz_accesslog_add(struct gz_accesslog_buf *b, const struct gz_access_entry *e,
                      uint64_t now_ms);
/* Called at each loop tick: writes the buffer when its oldest line has
 * waited GZ_ACCESSLOG_DELAY_MS. */
void gz_accesslog_tick(struct gz_accesslog_buf *b, uint64_t now_ms);
/* Writes the buffer now. */
void gz_accesslog_flush(struct gz_accesslog_buf *b);

#endif
