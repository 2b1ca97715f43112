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

static const char author_prefix[] = "/author/";
#define AUTHOR_PREFIX_LEN (sizeof(author_prefix) - 1)

/* Splits path at its first '/' after `from`: the part before, and the rest
 * (from that '/' on, maybe empty). */
static void split_segment(struct gz_str path, size_t from, struct gz_str *segment,
                          struct gz_str *rest)
{
    const char *p = path.p + from;
    const char *end = memchr(p, '/', path.len - from);
    segment->p = p;
    segment->len = end ? (size_t)(end - p) : path.len - from;
    rest->p = p + segment->len;
    rest->len = path.len - from - segment->len;
}

int gz_route_author(struct gz_str path, int64_t *id, struct gz_str *slug, int64_t *page)
{
    if (path.len <= AUTHOR_PREFIX_LEN || memcmp(path.p, author_prefix, AUTHOR_PREFIX_LEN))
        return 0;
    struct gz_str segment, rest;
    split_segment(path, AUTHOR_PREFIX_LEN, &segment, &rest);
    size_t digits = 0;
    while (digits < segment.len && segment.p[digits] >= '0' && segment.p[digits] <= '9')
        digits++;
    if (digits == 0 || (digits < segment.len && segment.p[digits] != '-') ||
        gz_parse_i64(segment.p, digits, 1, INT64_MAX, id))
        return 0;
    slug->p = segment.p + digits + (digits < segment.len);
    slug->len = segment.len - digits - (digits < segment.len);
    *page = gz_list_page_number(rest);
    return *page > 0;
}

int gz_route_archive(struct gz_str path, int *year, int *month, int64_t *page)
{
    const char *p = path.p;
    if (path.len < 9 || p[0] != '/' || p[5] != '/' || p[8] != '/' ||
        !is_digits(p + 1, 4) || !is_digits(p + 6, 2))
        return 0;
    *year = (p[1] - '0') * 1000 + (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
    *month = (p[6] - '0') * 10 + (p[7] - '0');
    if (*month < 1 || *month > 12)
        return 0;
    /* "/YYYY/MM/" is page 1; "/YYYY/MM/page/N" the others. */
    struct gz_str rest = {p + 8, path.len - 8};
    *page = path.len == 9 ? 1 : gz_list_page_number(rest);
    return *page > 0 && (path.len == 9 || *page > 1);
}

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A language tag as the language pages write it: "fa", "pt-br", "zh-hant". */
static int is_lang_tag(struct gz_str tag)
{
    size_t i = 0;
    while (i < tag.len && tag.p[i] >= 'a' && tag.p[i] <= 'z')
        i++;
    if (i < 2 || i > 3 || tag.len > 35)
        return 0;
    while (i < tag.len) {
        if (tag.p[i++] != '-')
            return 0;
        size_t n = 0;
        while (i < tag.len && is_lower_alnum(tag.p[i]))
            i++, n++;
        if (n < 1 || n > 8)
            return 0;
    }
    return 1;
}

int gz_route_lang(struct gz_str path, struct gz_str *lang, int64_t *page)
{
    if (path.len < 4 || path.p[0] != '/')
        return 0;
    struct gz_str rest;
    split_segment(path, 1, lang, &rest);
    if (!is_lang_tag(*lang) || rest.len == 0)
        return 0;
    /* "/LL/" is page 1; "/LL/page/N" the others. */
    *page = rest.len == 1 ? 1 : gz_list_page_number(rest);
    return *page > 0 && (rest.len == 1 || *page > 1);
}

int gz_route_under(struct gz_str path, const char *prefix, struct gz_str *rest)
{
    size_t n = strlen(prefix);
    if (path.len < n || memcmp(path.p, prefix, n) || (path.len > n && path.p[n] != '/'))
        return 0;
    rest->p = path.p + n;
    rest->len = path.len - n;
    return 1;
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
