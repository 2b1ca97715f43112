#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum gz_log_level min_level = GZ_LOG_INFO;

void gz_log_set_level(enum gz_log_level level)
{
    min_level = level;
}

void gz_log(enum gz_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* One fprintf per line keeps lines from different threads whole. */
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s [%s] %s\n", stamp, names[level], msg);
}
