/* Unit tests of the page cache: variants, lookups, replacement, eviction,
 * and reclamation of replaced pages only after a grace period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "render/cache.h"

static struct gz_page *make(const char *key, const char *body)
{
    return gz_page_new(key, strlen(key), 200, "text/html", body, strlen(body), 1);
}

static void page_variants(void **state)
{
    char body[4096];
    for (size_t i = 0; i < sizeof body - 1; i++)
        body[i] = "news and more news "[i % 19];
    body[sizeof body - 1] = '\0';
    struct gz_page *p = make("/a", body);
    assert_int_equal(p->body[GZ_ENC_IDENTITY].len, strlen(body));
    assert_non_null(p->body[GZ_ENC_GZIP].p);
    assert_non_null(p->body[GZ_ENC_BROTLI].p);
    assert_true(p->body[GZ_ENC_GZIP].len < strlen(body) / 4);
    /* The gzip variant decodes back to the page. */
    char out[8192];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)p->body[GZ_ENC_GZIP].p;
    z.avail_in = (uInt)p->body[GZ_ENC_GZIP].len;
    z.next_out = (Bytef *)out;
    z.avail_out = sizeof out;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, strlen(body));
    assert_memory_equal(out, body, strlen(body));
    inflateEnd(&z);
    /* ETags: quoted, and different bodies give different tags. */
    struct gz_page *q = make("/a", "other");
    assert_memory_equal(p->etag, "W/\"", 3);
    assert_int_equal(p->etag[p->etag_len - 1], '"');
    assert_string_not_equal(p->etag, q->etag);
    /* A tiny body is not worth compressing: no variants. */
    assert_null(q->body[GZ_ENC_GZIP].p);
    gz_page_unref(p);
    gz_page_unref(q);
}

static void lookup_replace_drop(void **state)
{
    struct gz_qsbr *q = gz_qsbr_new(1);
    gz_qsbr_quiescent(q, 0);
    struct gz_cache *c = gz_cache_new(q, 1 << 20);
    struct gz_page *a = make("/a", "A"), *b = make("/b", "B");
    a->article_id = 1;
    gz_cache_put(c, a);
    gz_cache_put(c, b);
    assert_ptr_equal(gz_cache_get(c, "/a", 2, gz_hash("/a", 2)), a);
    assert_ptr_equal(gz_cache_get(c, "/b", 2, gz_hash("/b", 2)), b);
    assert_null(gz_cache_get(c, "/c", 2, gz_hash("/c", 2)));
    /* A reader holding a borrowed pointer keeps a replaced page alive until
     * it passes a quiescent state. */
    struct gz_page *a2 = make("/a", "A2");
    gz_page_ref(a); /* as a response in flight would */
    gz_cache_put(c, a2);
    assert_ptr_equal(gz_cache_get(c, "/a", 2, gz_hash("/a", 2)), a2);
    assert_int_equal(gz_qsbr_reclaim(q), 0);
    gz_qsbr_quiescent(q, 0);
    assert_int_equal(gz_qsbr_reclaim(q), 1);
    /* The response's reference still holds the bytes. */
    assert_string_equal(a->body[GZ_ENC_IDENTITY].p, "A");
    gz_page_unref(a);
    /* Dropping non-article pages keeps articles. */
    a2->article_id = 1;
    gz_cache_drop(c, 0);
    assert_null(gz_cache_get(c, "/b", 2, gz_hash("/b", 2)));
    assert_non_null(gz_cache_get(c, "/a", 2, gz_hash("/a", 2)));
    gz_cache_drop(c, 1);
    assert_null(gz_cache_get(c, "/a", 2, gz_hash("/a", 2)));
    assert_int_equal(gz_cache_count(c), 0);
    gz_cache_free(c);
    gz_qsbr_free(q);
}

static void grows_and_evicts(void **state)
{
    struct gz_qsbr *q = gz_qsbr_new(1);
    /* A small budget: pages are evicted rather than memory growing. */
    struct gz_cache *c = gz_cache_new(q, 64 << 10);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "/p/%d", i);
        gz_cache_put(c, gz_page_new(key, (size_t)n, 200, "text/html", key, (size_t)n, 0));
        gz_qsbr_reclaim(q); /* the reader is offline: nothing holds pages */
    }
    size_t count = gz_cache_count(c);
    assert_true(count > 0);
    assert_true(count < 5000);
    /* The newest page is always there. */
    assert_non_null(gz_cache_get(c, key, strlen(key), gz_hash(key, strlen(key))));
    gz_cache_free(c);
    gz_qsbr_free(q);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_variants),
        cmocka_unit_test(lookup_replace_drop),
        cmocka_unit_test(grows_and_evicts),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
