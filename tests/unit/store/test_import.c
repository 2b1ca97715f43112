/* Unit tests of the import ops of the store (redirects, import keys, tag_import,
 * tag_set_parent) on both backends. */
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

static void test_redirects(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    const struct gz_store_ops *op = s->ops;
    char *t = NULL;
    assert_int_equal(op->redirect_set(s, "/b", "/x", 1), GZ_OK);
    assert_int_equal(op->redirect_set(s, "/a", "/y", 1), GZ_OK);
    assert_int_equal(op->redirect_set(s, "/b", "/z", 2), GZ_OK);
    assert_int_equal(op->redirect_set(s, "", "/z", 2), GZ_EINVAL);
    assert_int_equal(op->redirect_get(s, "/b", &t), GZ_OK);
    assert_string_equal(t, "/z");
    free(t);
    assert_int_equal(op->redirect_get(s, "/c", &t), GZ_ENOTFOUND);
    assert_null(t);
    struct gz_redirect_list l;
    int64_t total = 0;
    assert_int_equal(op->redirect_list(s, 1, 10, &l, &total), GZ_OK);
    assert_int_equal(total, 2);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0].path, "/b");
    gz_redirect_list_clear(&l);
    assert_int_equal(op->redirect_list(s, 0, SIZE_MAX, &l, NULL), GZ_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].path, "/a");
    gz_redirect_list_clear(&l);
    assert_int_equal(op->redirect_delete(s, "/a"), GZ_OK);
    assert_int_equal(op->redirect_delete(s, "/a"), GZ_ENOTFOUND);
}

static void test_keys_and_tags(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    const struct gz_store_ops *op = s->ops;
    char *kind = NULL, *final = NULL;
    int64_t id = 0, id2 = 0, id3 = 0;
    assert_int_equal(op->import_key_get(s, "wp", "1", &kind, &id), GZ_ENOTFOUND);
    assert_int_equal(op->import_key_set(s, "wp", "1", "article", 5), GZ_OK);
    assert_int_equal(op->import_key_set(s, "wp", "1", "tag", 6), GZ_OK);
    assert_int_equal(op->import_key_get(s, "wp", "1", &kind, &id), GZ_OK);
    assert_string_equal(kind, "tag");
    assert_int_equal(id, 6);
    free(kind);
    assert_int_equal(op->import_key_get(s, "wp", "1", NULL, &id), GZ_OK);

    /* Inside a transaction, as imports do: clashes must not abort it. */
    assert_int_equal(op->begin(s), GZ_OK);
    assert_int_equal(op->tag_import(s, "News", "news", &id, &final), GZ_OK);
    assert_string_equal(final, "news");
    free(final);
    assert_int_equal(op->tag_import(s, "News2", "news", &id2, &final), GZ_OK);
    assert_string_equal(final, "news-2");
    free(final);
    assert_int_equal(op->tag_import(s, "News3", "news", &id3, NULL), GZ_OK);
    assert_int_equal(op->tag_import(s, "News", "other", &id3, &final), GZ_OK);
    assert_int_equal(id3, id);
    assert_string_equal(final, "news");
    free(final);
    assert_int_equal(op->tag_import(s, "", "x", &id3, &final), GZ_EINVAL);
    assert_int_equal(op->tag_set_parent(s, id2, id), GZ_OK);
    assert_int_equal(op->tag_set_parent(s, id2, id2), GZ_EINVAL);
    assert_int_equal(op->tag_set_parent(s, 99999, id), GZ_ENOTFOUND);
    assert_int_equal(op->commit(s), GZ_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT parent_id FROM tags WHERE id = %lld",
             (long long)id2);
    assert_int_equal(sql_i64(f->path, sql), id);
    assert_int_equal(op->tag_set_parent(s, id2, 0), GZ_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tags WHERE parent_id IS NULL");
    assert_int_equal(sql_i64(f->path, sql), 3);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM tags WHERE slug = 'news-3'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_redirects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_and_tags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
