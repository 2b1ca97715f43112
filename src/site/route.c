/* How a request path maps to a page of the site (route.h). */
#include "site/route.h"

#include <string.h>

static const char tag_prefix[] = "/tag/";
#define TAG_PREFIX_LEN (sizeof(tag_prefix) - 1)

static int is_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

int gz_route_article(struct gz_str path, int *year, int *month, struct gz_str *slug)
{
    const char *p = path.p;
    if (path.len < 10 || p[0] != '/' || p[5] != '/' || p[8] != '/' ||
        !is_digits(p + 1, 4) || !is_digits(p + 6, 2))
        return 0;
    slug->p = p + 9;
    slug->len = path.len - 9;
    if (memchr(slug->p, '/', slug->len))
        return 0;
    *year = (p[1] - '0') * 1000 + (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
    *month = (p[6] - '0') * 10 + (p[7] - '0');
    return 1;
}

int64_t gz_route_home(struct gz_str path)
{
    if (path.len == 1 && path.p[0] == '/')
        return 1;
    if (path.len < 2 || path.p[0] != '/' || path.p[1] != 'p')
        return -1;
    return gz_list_page_number(path);
}

int gz_route_tag(struct gz_str path, struct gz_str *slug, int64_t *page)
{
    if (path.len <= TAG_PREFIX_LEN || memcmp(path.p, tag_prefix, TAG_PREFIX_LEN))
        return 0;
    slug->p = path.p + TAG_PREFIX_LEN;
    const char *end = memchr(slug->p, '/', path.len - TAG_PREFIX_LEN);
    slug->len = end ? (size_t)(end - slug->p) : path.len - TAG_PREFIX_LEN;
    struct gz_str rest = {slug->p + slug->len, path.len - TAG_PREFIX_LEN - slug->len};
    *page = gz_list_page_number(rest);
    return slug->len > 0 && *page > 0;
}

int64_t gz_list_page_number(struct gz_str rest)
{
    static const char prefix[] = "/page/";
    size_t n = sizeof(prefix) - 1;
    int64_t page;
    if (rest.len == 0)
        return 1;
    /* Page 1 has one address only: the list's own. */
    if (rest.len <= n || memcmp(rest.p, prefix, n) || rest.p[n] == '+' ||
        gz_parse_i64(rest.p + n, rest.len - n, 2, 1000000, &page))
        return -1;
    return page;
}
