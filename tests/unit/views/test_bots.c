/* Unit tests for src/views/bots.c: real User-Agent strings and the
 * Sec-Purpose / Purpose prefetch headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "views/bots.h"

static int is_bot(const char *ua)
{
    return gz_views_is_bot(ua, strlen(ua));
}

static const char *const bots[] = {
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.6367.155 Mobile Safari/537.36 (compatible; "
    "Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mediapartners-Google",
    "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)",
    "ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)",
    "curl/8.5.0",
    "Wget/1.21.3",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "Python/3.11 aiohttp/3.9.1",
    "python-httpx/0.27.0",
    "Go-http-client/1.1",
    "Java/17.0.2",
    "okhttp/4.12.0",
    "libwww-perl/6.72",
    "Apache-HttpClient/4.5.14 (Java/17.0.2)",
    "Scrapy/2.11.0 (+https://scrapy.org)",
    "WordPress/6.4.2; https://example.com",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
    "PhantomJS/2.1.1 Safari/538.1",
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Mozilla/5.0 (compatible; StatusCake)",
    "Site24x7 Monitor",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "facebookcatalog/1.0",
    "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "CCBot/2.0 (https://commoncrawl.org/faq/)",
    "GOOGLEBOT", /* case does not matter */
};

static const char *const browsers[] = {
    /* Chrome on Windows */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    /* Chrome on Android */
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    /* Firefox on Linux and Windows */
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    /* Safari on iPhone and macOS */
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Safari/605.1.15",
    /* Edge */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    /* Samsung Internet */
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
    "Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
};

static void test_known_bots(void **state)
{
    for (size_t i = 0; i < sizeof(bots) / sizeof(bots[0]); i++) {
        if (!is_bot(bots[i]))
            fail_msg("not detected as a bot: %s", bots[i]);
    }
}

static void test_browsers(void **state)
{
    for (size_t i = 0; i < sizeof(browsers) / sizeof(browsers[0]); i++) {
        if (is_bot(browsers[i]))
            fail_msg("browser taken for a bot: %s", browsers[i]);
    }
}

static void test_empty_ua(void **state)
{
    assert_int_equal(gz_views_is_bot(NULL, 0), 1);
    assert_int_equal(gz_views_is_bot("", 0), 1);
    assert_int_equal(gz_views_is_bot("Mozilla", 0), 1); /* len decides */
}

static void test_only_len_bytes_read(void **state)
{
    const char *ua = "Mozilla/5.0 (X11; Linux x86_64) curl";

    /* A slice that stops before "curl" is not a bot. */
    assert_int_equal(gz_views_is_bot(ua, strlen("Mozilla/5.0 (X11; Linux x86_64) cu")),
                     0);
    assert_int_equal(gz_views_is_bot(ua, strlen(ua)), 1);
}

static void test_long_ua_checks_first_512(void **state)
{
    char ua[700];

    memset(ua, 'x', sizeof(ua));
    memcpy(ua, "Mozilla/5.0 ", 12);
    assert_int_equal(gz_views_is_bot(ua, sizeof(ua)), 0);
    /* Inside the first 512 bytes: found. */
    memcpy(ua + 509, "bot", 3);
    assert_int_equal(gz_views_is_bot(ua, sizeof(ua)), 1);
    /* Straddling byte 512: the part after it is not looked at. */
    memset(ua + 509, 'x', 3);
    memcpy(ua + 510, "bot", 3);
    assert_int_equal(gz_views_is_bot(ua, sizeof(ua)), 0);
    memset(ua + 510, 'x', 3);
    memcpy(ua + 600, "Googlebot", 9);
    assert_int_equal(gz_views_is_bot(ua, sizeof(ua)), 0);
}

static void test_prefetch(void **state)
{
    assert_int_equal(gz_views_is_prefetch("prefetch", 8, NULL, 0), 1);
    assert_int_equal(gz_views_is_prefetch("prefetch;prerender", 18, NULL, 0), 1);
    assert_int_equal(gz_views_is_prefetch("Prefetch", 8, NULL, 0), 1);
    assert_int_equal(gz_views_is_prefetch(NULL, 0, "prefetch", 8), 1);
    assert_int_equal(gz_views_is_prefetch(NULL, 0, "PREFETCH", 8), 1);
    assert_int_equal(gz_views_is_prefetch("", 0, "Prefetch", 8), 1);

    assert_int_equal(gz_views_is_prefetch(NULL, 0, NULL, 0), 0);
    assert_int_equal(gz_views_is_prefetch("", 0, "", 0), 0);
    assert_int_equal(gz_views_is_prefetch("prerender", 9, NULL, 0), 0);
    assert_int_equal(gz_views_is_prefetch("prefetc", 7, NULL, 0), 0);
    assert_int_equal(gz_views_is_prefetch("prefetch", 7, NULL, 0), 0); /* slice */
    /* Purpose must equal the word, not just contain it. */
    assert_int_equal(gz_views_is_prefetch(NULL, 0, "prefetch2", 9), 0);
    assert_int_equal(gz_views_is_prefetch(NULL, 0, "preview", 7), 0);
    assert_int_equal(gz_views_is_prefetch(NULL, 0, "prefetch", 7), 0);
}

static void test_speed_printout(void **state)
{
    struct timespec t0, t1;
    const char *ua = browsers[0];
    size_t len = strlen(ua);
    int hits = 0;
    enum { ROUNDS = 200000 };

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < ROUNDS; i++)
        hits += gz_views_is_bot(ua, len - (size_t)(i & 1));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns =
        ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
        ROUNDS;
    printf("# gz_views_is_bot on a %zu-byte Chrome UA: %.0f ns\n", len, ns);
    assert_int_equal(hits, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_bots),
        cmocka_unit_test(test_browsers),
        cmocka_unit_test(test_empty_ua),
        cmocka_unit_test(test_only_len_bytes_read),
        cmocka_unit_test(test_long_ua_checks_first_512),
        cmocka_unit_test(test_prefetch),
        cmocka_unit_test(test_speed_printout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
