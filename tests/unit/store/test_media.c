/* Unit tests of the media library in the store's SQLite backend
 * (media_add, media_get, media_list, media_delete), against a real
 * database file in a fresh temporary directory per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "store/store.h"
#include "fixture.h"

/* A row for the n-th file; strings are heap copies, as the store expects. */
static void media_init(struct gz_media *m, int n, const char *name)
{
    char hex[65];
    for (int i = 0; i < 64; i++)
        hex[i] = "0123456789abcdef"[(n + i) % 16];
    hex[64] = 0;
    memset(m, 0, sizeof *m);
    m->sha256 = gz_xstrdup(hex);
    m->mime = gz_xstrdup("image/png");
    m->ext = gz_xstrdup("png");
    m->size = 100 + n;
    m->width = 3;
    m->height = 2;
    m->name = gz_xstrdup(name);
    m->user_id = 7;
    m->created_at = 1700000000 + n;
}

static void add_get(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_media m, got;
    media_init(&m, 1, "photo.png");
    assert_int_equal(s->ops->media_add(s, &m), GZ_OK);
    assert_true(m.id > 0);
    assert_int_equal(s->ops->media_get(s, m.id, &got), GZ_OK);
    assert_int_equal(got.id, m.id);
    assert_string_equal(got.sha256, m.sha256);
    assert_string_equal(got.mime, "image/png");
    assert_string_equal(got.ext, "png");
    assert_string_equal(got.name, "photo.png");
    assert_int_equal(got.size, 101);
    assert_int_equal(got.width, 3);
    assert_int_equal(got.height, 2);
    assert_int_equal(got.user_id, 7);
    assert_int_equal(got.created_at, 1700000001);
    gz_media_clear(&got);
    assert_int_equal(s->ops->media_get(s, m.id + 1, &got), GZ_ENOTFOUND);
    gz_media_clear(&got);
    gz_media_clear(&m);
}

static void same_hash_is_one_row(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_media first, again;
    media_init(&first, 2, "first.png");
    assert_int_equal(s->ops->media_add(s, &first), GZ_OK);
    media_init(&again, 2, "again.png");
    again.created_at = 1800000000;
    /* The existing row comes back in place of what was given. */
    assert_int_equal(s->ops->media_add(s, &again), GZ_EEXIST);
    assert_int_equal(again.id, first.id);
    assert_string_equal(again.name, "first.png");
    assert_int_equal(again.created_at, first.created_at);
    struct gz_media_list l;
    int64_t total = -1;
    assert_int_equal(s->ops->media_list(s, 0, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 1);
    gz_media_list_clear(&l);
    gz_media_clear(&first);
    gz_media_clear(&again);
    /* Refused outright: no hash. */
    struct gz_media bad;
    media_init(&bad, 3, "bad.png");
    free(bad.sha256);
    bad.sha256 = gz_xstrdup("abc");
    assert_int_equal(s->ops->media_add(s, &bad), GZ_EINVAL);
    gz_media_clear(&bad);
}

static void list_pages(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        struct gz_media m;
        char name[16];
        snprintf(name, sizeof name, "f%d.png", i);
        media_init(&m, i, name);
        assert_int_equal(s->ops->media_add(s, &m), GZ_OK);
        ids[i] = m.id;
        gz_media_clear(&m);
    }
    struct gz_media_list l;
    int64_t total = 0;
    /* Newest first, a page at a time, with the total of all. */
    assert_int_equal(s->ops->media_list(s, 0, 2, &l, &total), GZ_OK);
    assert_int_equal(total, 5);
    assert_int_equal(l.len, 2);
    assert_int_equal(l.items[0].id, ids[4]);
    assert_int_equal(l.items[1].id, ids[3]);
    assert_string_equal(l.items[0].name, "f4.png");
    gz_media_list_clear(&l);
    assert_int_equal(s->ops->media_list(s, 4, 2, &l, &total), GZ_OK);
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].id, ids[0]);
    gz_media_list_clear(&l);
    assert_int_equal(s->ops->media_list(s, 10, 2, &l, &total), GZ_OK);
    assert_int_equal(l.len, 0);
    assert_int_equal(total, 5);
    gz_media_list_clear(&l);
    /* limit 0: the total only. */
    assert_int_equal(s->ops->media_list(s, 0, 0, &l, &total), GZ_OK);
    assert_int_equal(l.len, 0);
    assert_int_equal(total, 5);
    gz_media_list_clear(&l);
}

static void delete (void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_media m, got;
    media_init(&m, 9, "gone.png");
    assert_int_equal(s->ops->media_add(s, &m), GZ_OK);
    assert_int_equal(s->ops->media_delete(s, m.id), GZ_OK);
    assert_int_equal(s->ops->media_get(s, m.id, &got), GZ_ENOTFOUND);
    assert_int_equal(s->ops->media_delete(s, m.id), GZ_ENOTFOUND);
    /* The same bytes may be uploaded again, as a new row. */
    gz_media_clear(&m);
    media_init(&m, 9, "back.png");
    assert_int_equal(s->ops->media_add(s, &m), GZ_OK);
    assert_int_equal(s->ops->media_get(s, m.id, &got), GZ_OK);
    assert_string_equal(got.name, "back.png");
    gz_media_clear(&m);
    gz_media_clear(&got);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_get, setup, teardown),
        cmocka_unit_test_setup_teardown(same_hash_is_one_row, setup, teardown),
        cmocka_unit_test_setup_teardown(list_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(delete, setup, teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
