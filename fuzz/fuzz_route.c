/* Fuzz target: request routing — which page a decoded path names (article,
 * home, section, author, monthly archive, language), as the handlers
 * decide it. Beyond not crashing: every slice handed back lies inside the
 * path, article dates are digits, and page numbers are in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "site/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int inside(struct gz_str part, struct gz_str whole)
{
    return part.p >= whole.p && part.p + part.len <= whole.p + whole.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so a read past the end is seen by ASan. */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct gz_str path = {copy, size};
    int year, month;
    struct gz_str slug;
    if (gz_route_article(path, &year, &month, &slug)) {
        check(inside(slug, path) && !memchr(slug.p, '/', slug.len));
        check(year >= 0 && year <= 9999 && month >= 0 && month <= 99);
    }
    int64_t page = gz_route_home(path);
    check(page == -1 || (page >= 1 && page <= 1000000));
    if (gz_route_tag(path, &slug, &page)) {
        check(inside(slug, path) && slug.len > 0 && !memchr(slug.p, '/', slug.len));
        check(page >= 1 && page <= 1000000);
    }
    int64_t id;
    if (gz_route_author(path, &id, &slug, &page)) {
        check(inside(slug, path) && !memchr(slug.p, '/', slug.len));
        check(id >= 1 && page >= 1 && page <= 1000000);
    }
    if (gz_route_archive(path, &year, &month, &page)) {
        check(year >= 0 && year <= 9999 && month >= 1 && month <= 12);
        check(page >= 1 && page <= 1000000);
    }
    if (gz_route_lang(path, &slug, &page)) {
        check(inside(slug, path) && slug.len >= 2 && slug.len <= 35);
        check(!memchr(slug.p, '/', slug.len) && page >= 1 && page <= 1000000);
    }
    free(copy);
    return 0;
}
