#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

/* A line longer than this is cut: one write per line, bounded. */
#define LINE_MAX_BYTES 2048

static _Atomic int min_level = GZ_LOG_INFO;
/* The descriptor lines go to. A reopen replaces the file behind it with
 * dup2, so writers never see a closed descriptor. */
static _Atomic int log_fd = STDERR_FILENO;
static char *log_path; /* NULL for stderr; changed only by open/close */
static __thread const char *request_id;

void gz_log_set_level(enum gz_log_level level)
{
    atomic_store_explicit(&min_level, (int)level, memory_order_relaxed);
}

int gz_log_parse_level(const char *name, enum gz_log_level *out)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    for (size_t i = 0; name && i < GZ_COUNTOF(names); i++)
        if (!strcmp(name, names[i])) {
            *out = (enum gz_log_level)i;
            return GZ_OK;
        }
    return GZ_EINVAL;
}

static int open_append(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return fd;
}

/* Puts the file open at fd behind the log's descriptor. */
static void install(int fd)
{
    int cur = atomic_load(&log_fd);
    if (cur == STDERR_FILENO) {
        atomic_store(&log_fd, fd);
        return;
    }
    dup2(fd, cur);
    close(fd);
}

int gz_log_open(const char *target, char *err, size_t errlen)
{
    if (!target || !strcmp(target, "stderr")) {
        gz_log_close();
        return GZ_OK;
    }
    int fd = open_append(target, err, errlen);
    if (fd < 0)
        return GZ_EIO;
    install(fd);
    free(log_path);
    log_path = gz_xstrdup(target);
    return GZ_OK;
}

int gz_log_reopen(void)
{
    if (!log_path)
        return GZ_OK;
    char err[256];
    int fd = open_append(log_path, err, sizeof err);
    if (fd < 0) {
        gz_error("log.error: %s; still writing to the old file", err);
        return GZ_EIO;
    }
    install(fd);
    return GZ_OK;
}

void gz_log_close(void)
{
    int cur = atomic_exchange(&log_fd, STDERR_FILENO);
    if (cur != STDERR_FILENO)
        close(cur);
    free(log_path);
    log_path = NULL;
}

void gz_log_set_request_id(const char *id)
{
    request_id = id;
}

/* A message may quote input (a path, a header): control characters would
 * let it forge or split lines, so they become '?'. */
static void defang(char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            p[i] = '?';
}

void gz_log(enum gz_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if ((int)level < atomic_load_explicit(&min_level, memory_order_relaxed))
        return;
    char line[LINE_MAX_BYTES];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    int k = request_id ? snprintf(line + n, sizeof line - n, "[%s] [req %s] ",
                                  names[level], request_id)
                       : snprintf(line + n, sizeof line - n, "[%s] ", names[level]);
    n += (size_t)k < sizeof line - n ? (size_t)k : sizeof line - n - 1;
    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    size_t msg =
        k < 0 ? 0 : ((size_t)k < sizeof line - n ? (size_t)k : sizeof line - n - 1);
    defang(line + n, msg);
    n += msg;
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    (void)gz_write_fd(atomic_load_explicit(&log_fd, memory_order_relaxed), line, n);
}
