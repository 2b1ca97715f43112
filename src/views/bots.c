/* Bot and prefetch detection for view counting; see bots.h. */
#include "views/bots.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"

/* Lower-case substrings of User-Agents that are not readers. Matching is a
 * plain substring test, so "bot" also catches googlebot, bingbot,
 * yandexbot, applebot, duckduckbot, twitterbot, ... A false positive costs
 * one uncounted view; a false negative inflates "most viewed". */
static const struct gz_str bot_patterns[] = {
    /* Search engines and generic crawlers. */
    GZ_STR("bot"),
    GZ_STR("crawl"),
    GZ_STR("spider"),
    GZ_STR("slurp"),         /* Yahoo */
    GZ_STR("mediapartners"), /* Google AdSense */
    GZ_STR("feedfetcher"),
    GZ_STR("fetch"),
    /* Archivers. */
    GZ_STR("archiver"),
    GZ_STR("ia_archiver"),
    /* Command-line tools and HTTP libraries. */
    GZ_STR("curl"),
    GZ_STR("wget"),
    GZ_STR("scrapy"),
    GZ_STR("python-requests"),
    GZ_STR("python-urllib"),
    GZ_STR("aiohttp"),
    GZ_STR("httpx"),
    GZ_STR("go-http-client"),
    GZ_STR("java/"),
    GZ_STR("okhttp"),
    GZ_STR("libwww-perl"),
    GZ_STR("httpclient"),
    GZ_STR("wordpress"), /* pingbacks and WordPress's own HTTP API */
    /* Headless browsers and audits. */
    GZ_STR("headlesschrome"),
    GZ_STR("phantomjs"),
    GZ_STR("lighthouse"),
    /* Uptime monitors. */
    GZ_STR("pingdom"),
    GZ_STR("uptimerobot"),
    GZ_STR("statuscake"),
    GZ_STR("monitor"),
    /* Link previews in social networks and messengers. */
    GZ_STR("facebookexternalhit"),
    GZ_STR("facebookcatalog"),
    GZ_STR("embedly"),
    GZ_STR("whatsapp"),
    GZ_STR("preview"),
};

_Static_assert(GZ_COUNTOF(bot_patterns) < 255, "pattern indexes must fit a uint8_t");

#define NPATTERNS GZ_COUNTOF(bot_patterns)

/* The patterns by their first byte: by_first[c] lists (as indexes into
 * bot_patterns, ending with NPATTERNS) those starting with c. One pass over
 * the User-Agent then compares only the few patterns that can start at each
 * position, instead of one memmem per pattern (several times slower). */
static uint8_t by_first[256][NPATTERNS + 1];
static pthread_once_t by_first_once = PTHREAD_ONCE_INIT;

static void by_first_build(void)
{
    for (size_t c = 0; c < 256; c++) {
        size_t n = 0;
        for (size_t i = 0; i < NPATTERNS; i++) {
            if ((unsigned char)bot_patterns[i].p[0] == c)
                by_first[c][n++] = (uint8_t)i;
        }
        by_first[c][n] = NPATTERNS;
    }
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does any pattern start at lower[pos] (len bytes in all)? */
static int pattern_at(const char *lower, size_t len, size_t pos)
{
    const uint8_t *candidate = by_first[(unsigned char)lower[pos]];

    for (; *candidate != NPATTERNS; candidate++) {
        const struct gz_str *pat = &bot_patterns[*candidate];
        /* Every pattern has at least 3 bytes: test the second inline. */
        if (pat->len <= len - pos && lower[pos + 1] == pat->p[1] &&
            memcmp(lower + pos, pat->p, pat->len) == 0)
            return 1;
    }
    return 0;
}

int gz_views_is_bot(const char *ua, size_t len)
{
    char lower[GZ_VIEWS_UA_MAX];

    if (ua == NULL || len == 0)
        return 1;
    if (len > sizeof(lower))
        len = sizeof(lower);
    for (size_t i = 0; i < len; i++)
        lower[i] = ascii_lower(ua[i]);
    pthread_once(&by_first_once, by_first_build);
    for (size_t pos = 0; pos < len; pos++) {
        if (pattern_at(lower, len, pos))
            return 1;
    }
    return 0;
}

/* Do the n bytes at s equal the lower-case word, ignoring ASCII case? (Not
 * strncasecmp: that one follows the locale and stops at a NUL.) */
static int equals_lower(const char *s, const char *word, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower(s[i]) != word[i])
            return 0;
    }
    return 1;
}

static const struct gz_str prefetch = GZ_STR("prefetch");

/* Does s (len bytes) contain "prefetch", ignoring ASCII case? */
static int contains_prefetch(const char *s, size_t len)
{
    for (size_t i = 0; i + prefetch.len <= len; i++) {
        if (equals_lower(s + i, prefetch.p, prefetch.len))
            return 1;
    }
    return 0;
}

int gz_views_is_prefetch(const char *sec_purpose, size_t len1, const char *purpose,
                         size_t len2)
{
    if (sec_purpose != NULL && contains_prefetch(sec_purpose, len1))
        return 1;
    return purpose != NULL && len2 == prefetch.len &&
           equals_lower(purpose, prefetch.p, prefetch.len);
}
