#include "content/url.h"

#include <string.h>

/* The longest allowed scheme is "mailto"; a longer one is never allowed, so
 * only this many bytes of a scheme need to be kept for the comparison. */
#define SCHEME_MAX 8

static int scheme_allowed(const char *scheme, size_t len)
{
    static const char *const allowed[] = {"http", "https", "mailto"};
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        if (strlen(allowed[i]) == len && memcmp(allowed[i], scheme, len) == 0)
            return 1;
    }
    return 0;
}

int gz_url_is_safe(const char *url, size_t len)
{
    char scheme[SCHEME_MAX];
    size_t slen = 0;
    int too_long = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        /* Browsers strip or ignore spaces, tabs, newlines and other control
         * characters in and around a scheme ("java\tscript:"), so they must
         * not hide a scheme from this check either. */
        if (c <= 0x20 || c == 0x7F)
            continue;
        if (c == '/' || c == '?' || c == '#')
            return 1; /* no scheme before the path, query or fragment */
        if (c == ':')
            return !too_long && scheme_allowed(scheme, slen);
        if (slen == SCHEME_MAX)
            too_long = 1;
        else
            scheme[slen++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return 1; /* a plain relative path */
}
