/* Unit tests for src/views/readers.c: the daily reader hash, reloads,
 * floods, the flusher's queue and its bound, the memory bound, threads, and
 * referrer domains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>

#include <cmocka.h>

#include "core/core.h"
#include "views/readers.h"

#define DAY 86400
#define T0 (19800 * (int64_t)DAY + 3600) /* 01:00 UTC, some day in 2024 */

static const struct gz_readers_config plain = {30, 0, 0, 0};

static uint64_t id(struct gz_readers *r, const char *addr, const char *ua, int64_t now)
{
    return gz_readers_id(r, addr, strlen(addr), ua, strlen(ua), now);
}

static void test_id(void **state)
{
    struct gz_readers *r = gz_readers_new(&plain, T0);
    uint64_t a = id(r, "\x0a\x01\x02\x03", "Firefox", T0);
    assert_int_equal(id(r, "\x0a\x01\x02\x03", "Firefox", T0 + 3600), a);
    assert_int_not_equal(id(r, "\x0a\x01\x02\x03", "Chrome", T0), a);
    assert_int_not_equal(id(r, "\x0a\x01\x02\x04", "Firefox", T0), a);
    /* The split between address and user agent is part of the input. */
    assert_int_not_equal(id(r, "ab", "c", T0), id(r, "a", "bc", T0));
    assert_int_not_equal(id(r, "", "x", T0), id(r, "x", "", T0));
    /* A user agent longer than the stack buffer. */
    char *ua = malloc(5000);
    assert_non_null(ua);
    memset(ua, 'u', 4999);
    ua[4999] = 0;
    uint64_t long_ua = id(r, "a", ua, T0);
    assert_int_equal(id(r, "a", ua, T0), long_ua);
    ua[4998] = 'v';
    assert_int_not_equal(id(r, "a", ua, T0), long_ua);
    free(ua);

    /* Next UTC day: a new salt, so another id; the old one is gone, and an
     * earlier time (another thread's clock) does not bring it back. */
    int64_t midnight = T0 - 3600 + DAY;
    assert_int_equal(id(r, "\x0a\x01\x02\x03", "Firefox", midnight - 1), a);
    uint64_t b = id(r, "\x0a\x01\x02\x03", "Firefox", midnight);
    assert_int_not_equal(b, a);
    assert_int_equal(id(r, "\x0a\x01\x02\x03", "Firefox", T0), b);
    assert_int_not_equal(id(r, "\x0a\x01\x02\x03", "Firefox", midnight + 2 * DAY), b);
    gz_readers_free(r);

    /* Two servers (or restarts) draw different salts. */
    struct gz_readers *r1 = gz_readers_new(&plain, T0), *r2 = gz_readers_new(&plain, T0);
    assert_int_not_equal(id(r1, "a", "b", T0), id(r2, "a", "b", T0));
    gz_readers_free(r1);
    gz_readers_free(r2);
}

static enum gz_reader_verdict view(struct gz_readers *r, uint64_t reader, int64_t article,
                                   int64_t now)
{
    return gz_readers_view(r, reader, article, "", 0, now);
}

static void drop_queue(struct gz_readers *r)
{
    struct gz_reader_event *ev;
    gz_readers_drain(r, &ev);
    free(ev);
}

static void test_reload(void **state)
{
    struct gz_readers *r = gz_readers_new(&plain, T0);
    assert_int_equal(view(r, 7, 1, T0), GZ_READER_COUNT);
    assert_int_equal(view(r, 7, 1, T0 + 1), GZ_READER_RELOAD);
    assert_int_equal(view(r, 7, 1, T0 + 30 * 60 - 1), GZ_READER_RELOAD);
    assert_int_equal(view(r, 7, 2, T0 + 60), GZ_READER_COUNT); /* another article */
    assert_int_equal(view(r, 8, 1, T0 + 60), GZ_READER_COUNT); /* another reader */
    assert_int_equal(view(r, 0, 1, T0 + 60), GZ_READER_COUNT); /* reader 0 too */
    assert_int_equal(view(r, 0, 1, T0 + 61), GZ_READER_RELOAD);
    /* The window runs from the view that counted, not the last reload. */
    assert_int_equal(view(r, 7, 1, T0 + 30 * 60), GZ_READER_COUNT);
    assert_int_equal(view(r, 7, 1, T0 + 31 * 60), GZ_READER_RELOAD);
    gz_readers_free(r);

    const struct gz_readers_config every = {0, 0, 0, 0};
    r = gz_readers_new(&every, T0);
    for (int k = 0; k < 5; k++)
        assert_int_equal(view(r, 7, 1, T0), GZ_READER_COUNT);
    gz_readers_free(r);
}

static void test_flood(void **state)
{
    const struct gz_readers_config c = {30, 3, 0, 0};
    struct gz_readers *r = gz_readers_new(&c, T0);
    int64_t m = T0 + 120; /* the start of a minute */
    assert_false(gz_readers_flooding(r, 5, m));
    assert_int_equal(view(r, 5, 1, m), GZ_READER_COUNT);
    assert_int_equal(view(r, 5, 1, m + 1), GZ_READER_RELOAD); /* not counted */
    assert_int_equal(view(r, 5, 2, m + 2), GZ_READER_COUNT);
    assert_false(gz_readers_flooding(r, 5, m + 3));
    assert_int_equal(view(r, 5, 3, m + 3), GZ_READER_COUNT);
    assert_true(gz_readers_flooding(r, 5, m + 4));
    assert_int_equal(view(r, 5, 4, m + 59), GZ_READER_FLOOD);
    assert_int_equal(view(r, 5, 1, m + 59), GZ_READER_FLOOD);
    assert_true(gz_readers_flooding(r, 5, m + 59));
    assert_false(gz_readers_flooding(r, 6, m + 59)); /* others unaffected */
    assert_int_equal(view(r, 6, 4, m + 59), GZ_READER_COUNT);
    /* The next minute counts again; article 4 was never counted. */
    assert_false(gz_readers_flooding(r, 5, m + 60));
    assert_int_equal(view(r, 5, 4, m + 60), GZ_READER_COUNT);
    assert_int_equal(view(r, 5, 1, m + 61), GZ_READER_RELOAD);

    struct gz_reader_event *ev;
    assert_int_equal(gz_readers_drain(r, &ev), 5);
    free(ev);
    gz_readers_free(r);

    const struct gz_readers_config unlimited = {0, 0, 0, 0};
    r = gz_readers_new(&unlimited, T0);
    for (int k = 0; k < 1000; k++)
        assert_int_equal(view(r, 5, k, m), GZ_READER_COUNT);
    assert_false(gz_readers_flooding(r, 5, m));
    drop_queue(r);
    gz_readers_free(r);
}

static int by_article(const void *a, const void *b)
{
    const struct gz_reader_event *x = a, *y = b;
    return (x->article_id > y->article_id) - (x->article_id < y->article_id);
}

static void test_queue(void **state)
{
    struct gz_readers *r = gz_readers_new(&plain, T0);
    struct gz_reader_event *ev = (void *)1;
    assert_int_equal(gz_readers_drain(r, &ev), 0);
    assert_null(ev);

    assert_int_equal(gz_readers_view(r, 11, 1, "google.com", 10, T0), GZ_READER_COUNT);
    assert_int_equal(gz_readers_view(r, 11, 1, "google.com", 10, T0 + 5),
                     GZ_READER_RELOAD);
    assert_int_equal(gz_readers_view(r, 12, 2, NULL, 0, T0 + 6), GZ_READER_COUNT);
    char long_domain[100];
    memset(long_domain, 'd', sizeof long_domain);
    assert_int_equal(gz_readers_view(r, 13, 3, long_domain, sizeof long_domain, T0 + 7),
                     GZ_READER_COUNT);
    assert_int_equal(gz_readers_view(r, 14, 4, "a.org\0junk", 10, T0 + 8),
                     GZ_READER_COUNT);

    size_t n = gz_readers_drain(r, &ev);
    assert_int_equal(n, 4);
    qsort(ev, n, sizeof *ev, by_article);
    assert_int_equal(ev[0].article_id, 1);
    assert_int_equal(ev[0].reader, 11);
    assert_int_equal(ev[0].time, T0);
    assert_string_equal(ev[0].domain, "google.com");
    assert_int_equal(ev[1].reader, 12);
    assert_string_equal(ev[1].domain, "");
    assert_int_equal(strlen(ev[2].domain), GZ_REFERRER_MAX - 1);
    assert_string_equal(ev[3].domain, "a.org");
    free(ev);
    assert_int_equal(gz_readers_drain(r, &ev), 0);
    assert_int_equal(gz_readers_dropped(r), 0);
    gz_readers_free(r);
}

static void test_queue_bound(void **state)
{
    const struct gz_readers_config c = {30, 0, 0, 5};
    struct gz_readers *r = gz_readers_new(&c, T0);
    for (int k = 0; k < 8; k++)
        assert_int_equal(view(r, 100 + k, 1, T0), GZ_READER_COUNT);
    assert_int_equal(gz_readers_dropped(r), 3);
    struct gz_reader_event *ev;
    assert_int_equal(gz_readers_drain(r, &ev), 5);
    free(ev);
    /* Drained: room again. */
    for (int k = 0; k < 6; k++)
        assert_int_equal(view(r, 200 + k, 1, T0), GZ_READER_COUNT);
    assert_int_equal(gz_readers_dropped(r), 4);
    assert_int_equal(gz_readers_drain(r, &ev), 5);
    free(ev);
    gz_readers_free(r);
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static void test_memory_bound(void **state)
{
    /* 6,400 pairs at most (100 per shard), a queue of 1,000; two million
     * distinct readers over half an hour. */
    const struct gz_readers_config c = {30, 5, 6400, 1000};
    struct gz_readers *r = gz_readers_new(&c, T0);
    size_t peak = 0, at_first_sweep = 0;
    for (uint64_t i = 0; i < 2000000; i++) {
        int64_t now = T0 + (int64_t)(i / 1000);
        uint64_t reader = splitmix64(i);
        assert_int_equal(gz_readers_view(r, reader, (int64_t)(i % 10), "x.org", 5, now),
                         GZ_READER_COUNT);
        /* Just counted: still remembered, whatever was swept. */
        assert_int_equal(view(r, reader, (int64_t)(i % 10), now), GZ_READER_RELOAD);
        size_t m = gz_readers_memory(r);
        if (m > peak)
            peak = m;
        if (i == 20000)
            at_first_sweep = m;
    }
    print_message("readers: memory %zu bytes after 20,000 readers, peak %zu after 2M\n",
                  at_first_sweep, peak);
    /* Two tables of at most 125 slots of 24 bytes per shard, the queue's
     * arrays, the structure itself: well under 1 MB. */
    assert_true(peak < 1024 * 1024);
    assert_true(peak <= at_first_sweep + 64 * 1024);
    assert_int_equal(gz_readers_dropped(r), 2000000 - 1000);
    drop_queue(r);
    assert_true(gz_readers_memory(r) <= peak);
    gz_readers_free(r);
}

static void test_sweep_keeps_recent(void **state)
{
    /* A full shard first forgets pairs whose window has passed, then the
     * oldest: the pair counted last is always remembered. */
    const struct gz_readers_config c = {10, 0, 64 * 8, 0};
    struct gz_readers *r = gz_readers_new(&c, T0);
    for (int64_t k = 0; k < 2000; k++) {
        int64_t now = T0 + k * 10;
        assert_int_equal(view(r, 42, k, now), GZ_READER_COUNT);
        assert_int_equal(view(r, 42, k, now + 1), GZ_READER_RELOAD);
        if (k > 0) /* 10 s earlier: at most 8 pairs for this shard, kept */
            assert_int_equal(view(r, 42, k - 1, now + 2), GZ_READER_RELOAD);
    }
    drop_queue(r);
    gz_readers_free(r);
}

#define THREADS 4
#define PAIR_READERS 1000
#define PAIR_ARTICLES 20

struct hammer {
    struct gz_readers *r;
    int offset;
    atomic_int *counted;
};

static void *hammer_run(void *arg)
{
    struct hammer *h = arg;
    int total = PAIR_READERS * PAIR_ARTICLES, counted = 0;
    for (int k = 0; k < total; k++) {
        int pair = (k + h->offset) % total;
        uint64_t reader = splitmix64((uint64_t)(pair / PAIR_ARTICLES));
        if (gz_readers_view(h->r, reader, pair % PAIR_ARTICLES, "t.org", 5, T0) ==
            GZ_READER_COUNT)
            counted++;
        (void)gz_readers_flooding(h->r, reader, T0);
    }
    atomic_fetch_add(h->counted, counted);
    return NULL;
}

static void test_threads(void **state)
{
    struct gz_readers *r = gz_readers_new(&plain, T0);
    atomic_int counted = 0;
    pthread_t t[THREADS];
    struct hammer h[THREADS];
    for (int k = 0; k < THREADS; k++) {
        h[k] = (struct hammer){r, k * 997, &counted};
        assert_int_equal(pthread_create(&t[k], NULL, hammer_run, &h[k]), 0);
    }
    struct gz_reader_event *ev;
    size_t drained = gz_readers_drain(r, &ev); /* concurrently with the views */
    free(ev);
    for (int k = 0; k < THREADS; k++)
        pthread_join(t[k], NULL);
    drained += gz_readers_drain(r, &ev);
    free(ev);
    assert_int_equal(atomic_load(&counted), PAIR_READERS * PAIR_ARTICLES);
    assert_int_equal(drained, PAIR_READERS * PAIR_ARTICLES);
    gz_readers_free(r);
}

static void domain_is(const char *referer, const char *own, const char *want)
{
    char out[GZ_REFERRER_MAX];
    memset(out, 'z', sizeof out);
    gz_referrer_domain(referer, strlen(referer), own, own ? strlen(own) : 0, out);
    if (strcmp(out, want) != 0)
        fail_msg("referrer %s: got \"%s\", want \"%s\"", referer, out, want);
}

static void test_referrer(void **state)
{
    const char *own = "News.Example.com:8080";
    domain_is("https://www.Google.com:443/search?q=x", own, "google.com");
    domain_is("http://user:pw@news.example.org/x", own, "news.example.org");
    domain_is("HTTPS://Bing.COM", own, "bing.com");
    domain_is("https://t.co?x=1", own, "t.co");
    domain_is("https://t.co#frag", own, "t.co");
    domain_is("https://example.org./a", own, "example.org");
    domain_is("https://192.168.0.1:8080/", own, "192.168.0.1");
    domain_is("https://www.news.example.com/a", own, ""); /* the site itself */
    domain_is("https://news.example.com", own, "");
    domain_is("https://other.example.com/", own, "other.example.com");
    domain_is("https://news.example.com/", NULL, "news.example.com");
    domain_is("https://www.", own, "www");
    domain_is("ftp://x.org/", own, "");
    domain_is("javascript:alert(1)", own, "");
    domain_is("", own, "");
    domain_is("https://", own, "");
    domain_is("https:///path", own, "");
    domain_is("https://exa mple.com/", own, "");
    domain_is("https://exa_mple.com/", own, "");
    domain_is("https://a..b/", own, "");
    domain_is("https://.a.b/", own, "");
    domain_is("https://a.b:80x/", own, "");
    domain_is("https://a.b:123456/", own, "");
    domain_is("https://[::1]:80/", own, "");
    /* A backslash ends the host, as in browsers (WHATWG URL). */
    domain_is("https://evil.com\\@good.com/", own, "evil.com");
    domain_is("https://xn--mnchen-3ya.de/", own, "xn--mnchen-3ya.de");
    domain_is("https://m\xc3\xbcnchen.de/", own, "");
    domain_is("android-app://com.google.android.gm/", own, "");
    domain_is("//example.com/", own, "");

    /* Too long: the rightmost labels that fit, or nothing. */
    char url[400], want[100];
    snprintf(url, sizeof url, "https://%s.%s.example.com/x",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    snprintf(want, sizeof want, "%s.example.com",
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    domain_is(url, own, want);
    snprintf(url, sizeof url, "https://%s.com/",
             "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
    domain_is(url, own, ""); /* only "com" would fit */
    char huge[600];
    size_t n = (size_t)snprintf(huge, sizeof huge, "https://");
    for (int k = 0; k < 100; k++)
        n += (size_t)snprintf(huge + n, sizeof huge - n, "abcd.");
    snprintf(huge + n, sizeof huge - n, "org/");
    domain_is(huge, own, ""); /* over 253 characters: not a host */
    snprintf(url, sizeof url, "https://%s.com/",
             "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
    domain_is(url, own, ""); /* a 64-character label */

    /* Not NUL-terminated: only len bytes are read. */
    char out[GZ_REFERRER_MAX];
    gz_referrer_domain("https://a.org/and-more", 13, own, strlen(own), out);
    assert_string_equal(out, "a.org");
    gz_referrer_domain("https://a.org\0.evil", 19, own, strlen(own), out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_reload),
        cmocka_unit_test(test_flood),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_queue_bound),
        cmocka_unit_test(test_memory_bound),
        cmocka_unit_test(test_sweep_keeps_recent),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_referrer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
