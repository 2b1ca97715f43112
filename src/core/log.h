/* Error log: one line per event on stderr, with a level. */
#ifndef GZ_LOG_H
#define GZ_LOG_H

enum gz_log_level { GZ_LOG_DEBUG, GZ_LOG_INFO, GZ_LOG_WARN, GZ_LOG_ERROR };

/* Messages below this level are dropped (default GZ_LOG_INFO). */
void gz_log_set_level(enum gz_log_level level);
void gz_log(enum gz_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define gz_info(...) gz_log(GZ_LOG_INFO, __VA_ARGS__)
#define gz_warn(...) gz_log(GZ_LOG_WARN, __VA_ARGS__)
#define gz_error(...) gz_log(GZ_LOG_ERROR, __VA_ARGS__)

#endif
