/* How a request path maps to a page of the site. Pure functions on the
 * percent-decoded path, shared by the handlers and fuzzed on their own
 * (fuzz/fuzz_route.c). Slices point into the path. */
#ifndef GZ_ROUTE_H
#define GZ_ROUTE_H

#include <stdint.h>

#include "core/core.h"

/* "/YYYY/MM/slug": 1 with its parts (the slug may be empty: the caller
 * declines it), 0 for any other path. */
int gz_route_article(struct gz_str path, int *year, int *month, struct gz_str *slug);
/* The home page: 1 for "/", N for "/page/N" (N >= 2), -1 for any other path. */
int64_t gz_route_home(struct gz_str path);
/* "/tag/SLUG" and "/tag/SLUG/page/N": 1 with the slug and the page number;
 * 0 for a path under /tag/ that is not a section page, or any other path. */
int gz_route_tag(struct gz_str path, struct gz_str *slug, int64_t *page);
/* "/author/ID-SLUG" and "/author/ID-SLUG/page/N" (the "-SLUG" part may be
 * missing): 1 with the author's id (>= 1), the slug as given (maybe
 * empty; the handler redirects to the canonical one) and the page number;
 * 0 for any other path. */
int gz_route_author(struct gz_str path, int64_t *id, struct gz_str *slug, int64_t *page);
/* A monthly archive, "/YYYY/MM/" and "/YYYY/MM/page/N": 1 with the year,
 * the month (1..12) and the page number; 0 for any other path ("/YYYY/MM"
 * without the slash included: an article needs a slug). */
int gz_route_archive(struct gz_str path, int *year, int *month, int64_t *page);
/* A language's home page, "/LL/" and "/LL/page/N", LL a language tag in
 * lower case: two or three letters, then "-" parts of one to eight letters
 * or digits ("fa", "pt-br"), at most 35 bytes: 1 with the tag and the page
 * number; 0 for any other path. */
int gz_route_lang(struct gz_str path, struct gz_str *lang, int64_t *page);
/* Whether path is prefix itself or prefix followed by '/' ("/admin",
 * "/admin/articles", not "/administer"): 1 with *rest the part after the
 * prefix ("" or "/..."), else 0. */
int gz_route_under(struct gz_str path, const char *prefix, struct gz_str *rest);
/* The "/page/N" suffix of a list page's path: 1 for "", N for "/page/N"
 * (N >= 2), -1 for anything else (page 1 has one address only). */
int64_t gz_list_page_number(struct gz_str rest);

#endif
