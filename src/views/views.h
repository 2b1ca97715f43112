/* View totals, time windows and "most viewed" top lists.
 *
 * struct gz_views holds, per article, the all-time total and the sums over
 * the last 24 hours, 7 days and 30 days, plus a ring of the last 720 hourly
 * buckets (article id -> views in that hour) from which the window sums are
 * kept up to date as the clock moves.
 *
 * Hours are whole hours since the Unix epoch (unix_seconds / 3600). A window
 * of L hours contains the hours h with now_hour - L < h <= now_hour; the
 * "all" window is the all-time total.
 *
 * NOT thread-safe: one struct gz_views is owned and used by the views flusher
 * thread only. Other threads read results the flusher publishes (for example
 * a copy of the top list), never the struct itself.
 *
 * Memory: 40 bytes per article plus its index cell (100,000 articles take
 * about 6 MB including growth slack), plus 8 to 21 bytes per (article, hour)
 * pair that had views in the last 720 hours (hash maps at most 3/4 full).
 *
 * Top-N "version": there is none. Call gz_views_top() after each flush and
 * compare the id array with the previous one (n is small; a memcmp is
 * enough) to decide whether blocks showing the list must be re-rendered.
 */
#ifndef GZ_VIEWS_VIEWS_H
#define GZ_VIEWS_VIEWS_H

#include <stddef.h>
#include <stdint.h>

enum gz_window {
    GZ_WINDOW_ALL, /* all time */
    GZ_WINDOW_24H,
    GZ_WINDOW_7D,
    GZ_WINDOW_30D,
    GZ_WINDOW_COUNT
};

/* Hours of history kept in hourly buckets: the longest window. */
#define GZ_VIEWS_RING_HOURS 720

/* Top lists of up to this many entries are kept incrementally; longer lists
 * are computed by a scan of all articles on each call. */
#define GZ_VIEWS_TOP_CACHED 64

/* Length of window w in hours: 0 for GZ_WINDOW_ALL, 24, 168, 720. */
int gz_window_hours(enum gz_window w);

/* Parses "all", "24h", "7d" or "30d" (exactly, NUL-terminated) into *out.
 * Returns GZ_OK, or GZ_EINVAL for anything else (including NULL). */
int gz_window_parse(const char *s, enum gz_window *out);

/* Short name as accepted by gz_window_parse ("all", "24h", "7d", "30d"). */
const char *gz_window_name(enum gz_window w);

/* Human label: "all time", "last 24 hours", "last 7 days", "last 30 days".
 * Returns "" for an invalid window. */
const char *gz_window_label(enum gz_window w);

struct gz_views;

/* Creates empty counts with the clock at now_hour. Never returns NULL. */
struct gz_views *gz_views_new(int64_t now_hour);
void gz_views_free(struct gz_views *v);

/* The current hour of the clock. */
int64_t gz_views_now_hour(const struct gz_views *v);

/* Adds `count` live views of article `id` seen during `hour`: to the
 * all-time total, to that hour's bucket and to every window that contains
 * the hour. An hour after the clock first advances the clock to it; an hour
 * 720 or more hours before the clock counts toward the all-time total only.
 * Ids below 1 and a count of 0 are ignored. Hourly counts saturate at
 * 2^32 - 1 views per article per hour (windows stay consistent). */
void gz_views_add(struct gz_views *v, int64_t id, int64_t hour, uint64_t count);

/* Start-up rebuild from the store: load_total adds to the all-time total only
 * (from daily rows); load_hour adds to the hour's bucket and windows only
 * (from hourly rows), with the same clock rules as gz_views_add. */
void gz_views_load_total(struct gz_views *v, int64_t id, uint64_t count);
void gz_views_load_hour(struct gz_views *v, int64_t id, int64_t hour, uint64_t count);

/* Moves the clock forward to now_hour (earlier hours are ignored): hours that
 * leave a window are subtracted from its sums; buckets older than 720 hours
 * are freed. A gap of 720 hours or more empties every window but keeps the
 * all-time totals. */
void gz_views_advance(struct gz_views *v, int64_t now_hour);

/* Views of article id in window w (0 for an unknown id or window). */
uint64_t gz_views_count(const struct gz_views *v, enum gz_window w, int64_t id);

/* Writes to ids_out (room for n ids) the ids with the highest count in
 * window w, best first; equal counts put the higher (newer) id first; ids
 * with a count of 0 are left out. Returns how many ids were written (fewer
 * than n when fewer articles have views). Not const: it may refresh its
 * cached list. */
size_t gz_views_top(struct gz_views *v, enum gz_window w, size_t n, int64_t *ids_out);

/* Views of article id in one hour's bucket (0 for an hour outside the ring
 * or without views of it). Several servers on one store: the flusher adds
 * the difference between the store's count and this one. */
uint64_t gz_views_hour_count(const struct gz_views *v, int64_t id, int64_t hour);

/* Article deleted or unpublished: zeroes its all-time total, its window sums
 * and its hourly counts, so it leaves every top list until it gets views
 * again. The store's rows are not touched. */
void gz_views_forget(struct gz_views *v, int64_t id);

/* Bytes of heap used, for /metrics and tests. */
size_t gz_views_memory(const struct gz_views *v);

#endif
