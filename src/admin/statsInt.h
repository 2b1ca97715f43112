/* Private to the readership dashboard: what its pages (stats.c) and its
 * CSV export (stats_csv.c) share. */
#ifndef GZ_ADMIN_STATS_INT_H
#define GZ_ADMIN_STATS_INT_H

#include <stdint.h>

#include "admin/admin.h"

/* The periods a page may show, in days: the links on every page. */
#define GZ_STATS_DEFAULT_DAYS 30
/* Articles in each top list: on the page, and in its CSV file. */
#define GZ_STATS_TOP_PAGE 10
#define GZ_STATS_TOP_CSV 100
/* Referring domains: on a page, and in a CSV file. */
#define GZ_STATS_REFERRERS_PAGE 20
#define GZ_STATS_REFERRERS_CSV 1000
/* Days of the sparklines. */
#define GZ_STATS_SPARK_DAYS 30

/* One window of the top lists. */
struct gz_stats_window {
    const char *key;     /* "24h", "7d", "30d", "all": in ids and CSV links */
    const char *heading; /* English; shown through gz_admin_tr */
    enum gz_readers_kind kind;
    int64_t span; /* hours (HOUR) or days (DAY) it covers; 0 for ALL */
};

#define GZ_STATS_WINDOWS 4
extern const struct gz_stats_window gz_stats_windows[GZ_STATS_WINDOWS];

/* The window of that key; NULL for none (or NULL). */
const struct gz_stats_window *gz_stats_window_find(const char *key);

/* The periods window w covers at time now (Unix seconds): Unix hours for
 * HOUR (the last `span` hours, the current one included), UTC days for DAY
 * (the last `span` days, today included), 0..0 for ALL. */
void gz_stats_window_range(const struct gz_stats_window *w, int64_t now, int64_t *first,
                           int64_t *last);

/* The period asked for in the query's "days": 30 when absent, else 30, 90
 * or 365; -1 for anything else. */
int gz_stats_days_param(const struct gz_form *query);

/* Whether the user may see the statistics and the request is a GET or
 * HEAD; answers 403 or 405 when not. */
int gz_stats_allowed(struct gz_admin_req *q);

/* An article id from text (1 .. 2^53), or 0 when it is not one. */
int64_t gz_stats_parse_id(const char *s, size_t len);

#endif
