/* URL allow-list for links and images in content written by editors. */
#ifndef GZ_URL_H
#define GZ_URL_H

#include <stddef.h>

/* Returns 1 when url (already entity-decoded: exactly what a browser would
 * see) may be put in an href or src: an http, https or mailto URL, or a
 * relative one (path, //host, ?query, #fragment). Returns 0 for any other
 * scheme (javascript:, data:, vbscript:, ...), also when it is hidden by
 * mixed case or by spaces and control characters, which browsers drop. */
int gz_url_is_safe(const char *url, size_t len);

#endif
