/* Error log: one line per event, with a time, a level and, while a request
 * is being handled, its request id:
 *
 *     2026-11-29T09:30:00Z [error] [req 6f1c2a9b4e-0-1f] rendering 404.html failed
 *
 * Lines go to stderr or to a file (log.error) and are dropped below the
 * configured level (log.level). Each line is one write(), so lines from
 * different threads never mix. */
#ifndef GZ_LOG_H
#define GZ_LOG_H

#include <stddef.h>

enum gz_log_level { GZ_LOG_DEBUG, GZ_LOG_INFO, GZ_LOG_WARN, GZ_LOG_ERROR };

/* Messages below this level are dropped (default GZ_LOG_INFO). */
void gz_log_set_level(enum gz_log_level level);
/* "debug", "info", "warn" or "error" to a level: GZ_OK or GZ_EINVAL. */
int gz_log_parse_level(const char *name, enum gz_log_level *out);

/* Sends the log to target: "stderr", or a file path opened for appending
 * (created 0640 when missing). GZ_EIO with a message in err when the file
 * cannot be opened; the log keeps its previous destination then. */
int gz_log_open(const char *target, char *err, size_t errlen);
/* Opens the log file again by its path, for logrotate: lines written after
 * the return go to the file now at that path. Safe while other threads log
 * (the descriptor is replaced with dup2, never closed under them). No-op
 * for stderr. GZ_EIO (and the old file is kept) when it cannot be opened. */
int gz_log_reopen(void);
/* Back to stderr; frees what gz_log_open took. Call when no thread logs. */
void gz_log_close(void);

/* The id of the request this thread handles now, included in every line the
 * thread logs until it is cleared with NULL. The string must stay valid
 * until then (it is not copied). */
void gz_log_set_request_id(const char *id);

void gz_log(enum gz_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define gz_debug(...) gz_log(GZ_LOG_DEBUG, __VA_ARGS__)
#define gz_info(...) gz_log(GZ_LOG_INFO, __VA_ARGS__)
#define gz_warn(...) gz_log(GZ_LOG_WARN, __VA_ARGS__)
#define gz_error(...) gz_log(GZ_LOG_ERROR, __VA_ARGS__)

#endif
