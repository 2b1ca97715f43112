/* Which requests are not a reader's view: crawlers, scripts, link
 * previewers, monitors, and speculative prefetches. Both functions are pure
 * and thread-safe; they run on the event-loop threads for every page view. */
#ifndef GZ_VIEWS_BOTS_H
#define GZ_VIEWS_BOTS_H

#include <stddef.h>

/* Only the first this many bytes of a User-Agent are examined. */
#define GZ_VIEWS_UA_MAX 512

/* Returns 1 when the User-Agent (ua, len bytes, need not be NUL-terminated)
 * is missing or empty (len 0, ua may be NULL) or contains, ASCII
 * case-insensitively, one of the patterns listed in bots.c; else 0. */
int gz_views_is_bot(const char *ua, size_t len);

/* Returns 1 when the request is a speculative load: the Sec-Purpose header
 * contains "prefetch" (also "prefetch;prerender"), or the Purpose header
 * equals "prefetch" (both case-insensitive). Either header may be absent
 * (len 0, pointer may be NULL). */
int gz_views_is_prefetch(const char *sec_purpose, size_t len1, const char *purpose,
                         size_t len2);

#endif
