/* Unit tests of the store's admin operations (sqlite_admin.c) and of what
 * article_save now keeps: the filtered list with its count and both kinds
 * of pagination, the trash and its change sequence, purging, revisions,
 * the tag list, and the image / deleted_at / created_at columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/core.h"
#include "store/store.h"
#include "fixture.h"

/* Saves an article; tags is a NULL-terminated list. Returns its id. */
static int64_t save(struct gz_store *s, int64_t id, const char *title,
                    enum gz_status status, int64_t published_at, int64_t updated_at,
                    int64_t author_id, const char *lang, const char *const *tags,
                    int64_t saved_by)
{
    struct gz_article a = {.id = id,
                           .status = status,
                           .published_at = published_at,
                           .updated_at = updated_at,
                           .author_id = author_id,
                           .saved_by = saved_by};
    a.title = gz_xstrdup(title);
    a.slug = gz_xstrdup(title);
    for (char *p = a.slug; *p; p++)
        if (*p == ' ')
            *p = '-';
    a.body_src = gz_xstrdup("body of ");
    a.lang = gz_xstrdup(lang);
    a.image = gz_xstrdup("/media/ab/x.png");
    while (tags && tags[a.ntags])
        a.ntags++;
    a.tags = a.ntags ? gz_xcalloc(a.ntags, sizeof *a.tags) : NULL;
    for (size_t i = 0; i < a.ntags; i++)
        a.tags[i] = gz_xstrdup(tags[i]);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t out = a.id;
    gz_article_clear(&a);
    return out;
}

static int64_t now(void)
{
    return (int64_t)time(NULL);
}

/* The ids of a list, in order, and its total. */
static size_t list(struct gz_store *s, const struct gz_article_filter *f, int64_t *ids,
                   int64_t *total)
{
    struct gz_article_rows rows;
    assert_int_equal(s->ops->article_list(s, f, &rows, total), GZ_OK);
    size_t n = rows.len;
    for (size_t i = 0; i < n; i++)
        ids[i] = rows.items[i].id;
    gz_article_rows_clear(&rows);
    return n;
}

static void test_new_columns_read_back(void **state)
{
    struct fixture *f = *state;
    int64_t before = now();
    int64_t id = save(f->s, 0, "Pic", GZ_STATUS_DRAFT, 0, 0, 0, "en", NULL, 0);
    struct gz_article a;
    assert_int_equal(f->s->ops->article_get(f->s, id, &a), GZ_OK);
    assert_string_equal(a.image, "/media/ab/x.png");
    assert_int_equal(a.deleted_at, 0);
    assert_true(a.created_at >= before && a.created_at <= now());
    gz_article_clear(&a);
}

static void test_list_filters(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t t = now();
    const char *const world[] = {"World", NULL}, *const sport[] = {"Sport", "World",
                                                                   NULL};
    int64_t draft = save(s, 0, "Draft one", GZ_STATUS_DRAFT, 0, 100, 0, "en", world, 0);
    int64_t pub =
        save(s, 0, "Published One", GZ_STATUS_PUBLISHED, t - 10, 200, 0, "fa", sport, 0);
    int64_t sched =
        save(s, 0, "Scheduled", GZ_STATUS_PUBLISHED, t + 3600, 300, 0, "en", NULL, 0);
    int64_t unp =
        save(s, 0, "Gone", GZ_STATUS_UNPUBLISHED, t - 99, 400, 0, "en", NULL, 0);
    int64_t ids[16], total = -1;
    struct gz_article_filter all = {.status = -1, .now = t, .limit = 10};
    assert_int_equal(list(s, &all, ids, &total), 4);
    assert_int_equal(total, 4);
    /* updated_at DESC */
    assert_int_equal(ids[0], unp);
    assert_int_equal(ids[3], draft);

    struct gz_article_filter q = all;
    q.status = GZ_STATUS_SCHEDULED;
    assert_int_equal(list(s, &q, ids, &total), 1);
    assert_int_equal(ids[0], sched);
    q.status = GZ_STATUS_PUBLISHED;
    assert_int_equal(list(s, &q, ids, &total), 1);
    assert_int_equal(ids[0], pub);
    q.status = GZ_STATUS_DRAFT;
    assert_int_equal(list(s, &q, ids, &total), 1);
    assert_int_equal(ids[0], draft);

    q = all;
    q.tag = "world";
    assert_int_equal(list(s, &q, ids, &total), 2);
    q = all;
    q.lang = "fa";
    assert_int_equal(list(s, &q, ids, &total), 1);
    assert_int_equal(ids[0], pub);
    q = all;
    q.q = "ONE"; /* title, any ASCII case: "Draft one", "Published One", "Gone" */
    assert_int_equal(list(s, &q, ids, &total), 3);
    q.q = "%"; /* literal, not a wildcard */
    assert_int_equal(list(s, &q, ids, &total), 0);

    /* The rows carry their tags and status. */
    struct gz_article_rows rows;
    q = all;
    q.lang = "fa";
    assert_int_equal(s->ops->article_list(s, &q, &rows, NULL), GZ_OK);
    assert_int_equal(rows.len, 1);
    assert_int_equal(rows.items[0].ntags, 2);
    assert_string_equal(rows.items[0].tags[0], "Sport");
    assert_string_equal(rows.items[0].title, "Published One");
    gz_article_rows_clear(&rows);

    /* limit 0: the count only. */
    q = all;
    q.limit = 0;
    assert_int_equal(list(s, &q, ids, &total), 0);
    assert_int_equal(total, 4);
}

static void test_list_author_filter(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ana, bo;
    assert_int_equal(s->ops->author_ensure(s, "ana", &ana), GZ_OK);
    assert_int_equal(s->ops->author_ensure(s, "bo", &bo), GZ_OK);
    int64_t a1 = save(s, 0, "A one", GZ_STATUS_DRAFT, 0, 1, ana, "en", NULL, ana);
    save(s, 0, "B one", GZ_STATUS_DRAFT, 0, 2, bo, "en", NULL, bo);
    int64_t ids[4], total;
    struct gz_article_filter q = {
        .status = -1, .author_id = ana, .now = now(), .limit = 4};
    assert_int_equal(list(s, &q, ids, &total), 1);
    assert_int_equal(ids[0], a1);
    struct gz_article_rows rows;
    assert_int_equal(s->ops->article_list(s, &q, &rows, NULL), GZ_OK);
    assert_string_equal(rows.items[0].author_name, "ana");
    assert_int_equal(rows.items[0].author_id, ana);
    gz_article_rows_clear(&rows);
}

static void test_pagination_offset_and_keyset(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t made[7];
    /* Two share an updated_at: the id breaks the tie. */
    int64_t updated[7] = {10, 20, 30, 30, 40, 50, 60};
    char title[16];
    for (int i = 0; i < 7; i++) {
        snprintf(title, sizeof title, "P%d", i);
        made[i] = save(s, 0, title, GZ_STATUS_DRAFT, 0, updated[i], 0, "en", NULL, 0);
    }
    int64_t ids[8], total;
    struct gz_article_filter q = {.status = -1, .now = now(), .limit = 3};
    assert_int_equal(list(s, &q, ids, &total), 3);
    assert_int_equal(total, 7);
    assert_int_equal(ids[0], made[6]);
    assert_int_equal(ids[2], made[4]);
    q.offset = 3;
    assert_int_equal(list(s, &q, ids, &total), 3);
    assert_int_equal(ids[0], made[3]);
    assert_int_equal(ids[1], made[2]);
    assert_int_equal(ids[2], made[1]);
    /* Keyset: after (30, made[3]) comes made[2] (same time, lower id). */
    q.offset = 99; /* ignored with a keyset */
    q.before_updated = 30;
    q.before_id = made[3];
    assert_int_equal(list(s, &q, ids, &total), 3);
    assert_int_equal(ids[0], made[2]);
    assert_int_equal(ids[1], made[1]);
    assert_int_equal(ids[2], made[0]);
    assert_int_equal(total, 7);
}

static void test_trash_and_change_sequence(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t t = now();
    int64_t id = save(s, 0, "Bin", GZ_STATUS_PUBLISHED, t - 5, 0, 0, "en", NULL, 0);
    int64_t *changed = NULL, seq = 0;
    size_t n = 0;
    assert_int_equal(s->ops->changes_since(s, 0, &changed, &n, &seq), GZ_OK);
    free(changed);
    int64_t published = 0;
    assert_int_equal(s->ops->article_count_published(s, t, &published), GZ_OK);
    assert_int_equal(published, 1);

    assert_int_equal(s->ops->article_trash(s, id, t), GZ_OK);
    int64_t seq2 = 0;
    assert_int_equal(s->ops->changes_since(s, seq, &changed, &n, &seq2), GZ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(changed[0], id);
    assert_true(seq2 > seq);
    free(changed);
    assert_int_equal(s->ops->article_count_published(s, t, &published), GZ_OK);
    assert_int_equal(published, 0);
    struct gz_teaser_list latest;
    assert_int_equal(s->ops->article_latest(s, t, 0, 10, &latest), GZ_OK);
    assert_int_equal(latest.len, 0);
    gz_teaser_list_clear(&latest);

    int64_t ids[4], total;
    struct gz_article_filter q = {.status = -1, .now = t, .limit = 4};
    assert_int_equal(list(s, &q, ids, &total), 0);
    q.trash = 1;
    assert_int_equal(list(s, &q, ids, &total), 1);

    assert_int_equal(s->ops->article_trash(s, id, 0), GZ_OK); /* restore */
    assert_int_equal(s->ops->article_count_published(s, t, &published), GZ_OK);
    assert_int_equal(published, 1);
    assert_int_equal(s->ops->article_trash(s, 999, t), GZ_ENOTFOUND);
}

/* The rows of the search index. SQLite's FTS5 table needs gazette's
 * tokenizer to be read; its docsize table has a row per article without
 * it. */
static int64_t search_rows(const char *path)
{
    return sql_i64(path, fixture_pg() ? "SELECT count(*) FROM article_search"
                                      : "SELECT count(*) FROM article_search_docsize");
}

static void test_purge(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    const char *const tags[] = {"T", NULL};
    int64_t t = now();
    int64_t keep = save(s, 0, "Keep", GZ_STATUS_DRAFT, 0, 0, 0, "en", tags, 0);
    int64_t a = save(s, 0, "Gone A", GZ_STATUS_DRAFT, 0, 0, 0, "en", tags, 0);
    int64_t b = save(s, 0, "Gone B", GZ_STATUS_DRAFT, 0, 0, 0, "en", tags, 0);
    struct gz_view_delta d[] = {{a, t / 86400, t / 3600, 5},
                                {keep, t / 86400, t / 3600, 2}};
    assert_int_equal(s->ops->views_add(s, d, 2, 0), GZ_OK);
    assert_int_equal(search_rows(f->path), 3);
    int64_t *changed = NULL, seq = 0, seq2 = 0;
    size_t n = 0;
    assert_int_equal(s->ops->changes_since(s, 0, &changed, &n, &seq), GZ_OK);
    free(changed);
    assert_int_equal(s->ops->article_purge(s, a), GZ_OK);
    /* The search index lets it go, and caches hear of it. */
    assert_int_equal(search_rows(f->path), 2);
    assert_int_equal(s->ops->changes_since(s, seq, &changed, &n, &seq2), GZ_OK);
    free(changed);
    assert_true(seq2 > seq);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 2);
    assert_int_equal(sql_i64(f->path,
                             "SELECT count(*) FROM revisions WHERE article_id NOT IN "
                             "(SELECT id FROM articles)"),
                     0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_daily"), 1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_hourly"), 1);
    assert_int_equal(s->ops->article_purge(s, a), GZ_ENOTFOUND);
    /* The whole trash: only what is in it. */
    assert_int_equal(s->ops->article_trash(s, b, t), GZ_OK);
    assert_int_equal(s->ops->article_purge(s, 0), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM article_tags"), 1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM revisions"), 1);
    assert_int_equal(search_rows(f->path), 1);
    struct gz_article left;
    assert_int_equal(s->ops->article_get(s, keep, &left), GZ_OK);
    gz_article_clear(&left);
}

static void test_revisions(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t ana;
    assert_int_equal(s->ops->author_ensure(s, "ana", &ana), GZ_OK);
    const char *const tags[] = {"One", "Two", NULL};
    int64_t id = save(s, 0, "First", GZ_STATUS_DRAFT, 0, 0, 0, "en", tags, ana);
    save(s, id, "Second", GZ_STATUS_PUBLISHED, 1000, 0, 0, "fa", NULL, 0);
    struct gz_revision_list revs;
    assert_int_equal(s->ops->revision_list(s, id, &revs), GZ_OK);
    assert_int_equal(revs.len, 2);
    /* Newest first; lists leave the body out. */
    assert_string_equal(revs.items[0].title, "Second");
    assert_int_equal(revs.items[0].status, GZ_STATUS_PUBLISHED);
    assert_int_equal(revs.items[0].published_at, 1000);
    assert_string_equal(revs.items[0].user_name, "");
    assert_null(revs.items[0].body_src);
    assert_string_equal(revs.items[1].title, "First");
    assert_string_equal(revs.items[1].user_name, "ana");
    assert_int_equal(revs.items[1].user_id, ana);
    assert_string_equal(revs.items[1].tags, "One\nTwo");
    int64_t first = revs.items[1].id;
    gz_revision_list_clear(&revs);
    struct gz_revision r;
    assert_int_equal(s->ops->revision_get(s, first, &r), GZ_OK);
    assert_string_equal(r.body_src, "body of ");
    assert_string_equal(r.slug, "First");
    assert_string_equal(r.lang, "en");
    assert_string_equal(r.image, "/media/ab/x.png");
    assert_int_equal(r.article_id, id);
    gz_revision_clear(&r);
    assert_int_equal(s->ops->revision_get(s, 99999, &r), GZ_ENOTFOUND);
}

static void test_tag_list(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    const char *const tags[] = {"Politics", "Poland",    "polar",
                                "Sport",    "100% real", NULL};
    save(s, 0, "T", GZ_STATUS_DRAFT, 0, 0, 0, "en", tags, 0);
    struct gz_tag_list l;
    assert_int_equal(s->ops->tag_list(s, "POL", 10, &l), GZ_OK);
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[0].name, "Poland");
    assert_string_equal(l.items[1].name, "Politics");
    assert_string_equal(l.items[2].name, "polar");
    gz_tag_list_clear(&l);
    assert_int_equal(s->ops->tag_list(s, "100%", 10, &l), GZ_OK);
    assert_int_equal(l.len, 1);
    gz_tag_list_clear(&l);
    assert_int_equal(s->ops->tag_list(s, "_", 10, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_tag_list_clear(&l);
    assert_int_equal(s->ops->tag_list(s, NULL, 2, &l), GZ_OK);
    assert_int_equal(l.len, 2);
    gz_tag_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_columns_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_author_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pagination_offset_and_keyset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trash_and_change_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
