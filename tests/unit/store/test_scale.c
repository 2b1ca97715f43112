/* Unit tests of what several servers on one store rely on: scheduled
 * articles claimed once (article_go_live), on both backends; and on
 * PostgreSQL, the views other servers added (views_recent), the wait for
 * their changes (wait_change, LISTEN/NOTIFY) and the migrations. */
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

#include "core/core.h"
#include "store/store.h"
#include "fixture.h"

/* Saves a published article; updated_at is the save's own time. */
static int64_t add(struct gz_store *s, const char *slug, int64_t published_at,
                   int64_t updated_at)
{
    struct gz_article a = fixture_article(slug, "en");
    a.published_at = published_at;
    a.updated_at = updated_at;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

static size_t go_live(struct gz_store *s, int64_t now, int64_t *first)
{
    int64_t *ids = NULL;
    size_t n = 99;
    assert_int_equal(s->ops->article_go_live(s, now, &ids, &n), GZ_OK);
    if (n && first)
        *first = ids[0];
    free(ids);
    return n;
}

static void test_url_is_pg(void **state)
{
    (void)state;
    assert_true(gz_store_url_is_pg("postgres://u@h/db"));
    assert_true(gz_store_url_is_pg("postgresql:///db"));
    assert_true(gz_store_url_is_pg("host=/run/postgresql dbname=news"));
    assert_true(gz_store_url_is_pg("dbname = news"));
    assert_false(gz_store_url_is_pg("site.db"));
    assert_false(gz_store_url_is_pg("/srv/news/gazette.db"));
    assert_false(gz_store_url_is_pg("./a=b.db"));
    assert_false(gz_store_url_is_pg(""));
}

/* A scheduled article is claimed once, by whichever handle asks first; an
 * article published at once is never claimed; a new time claims again. */
static void test_go_live_once(void **state)
{
    struct fixture *f = *state;
    int64_t t = 1800000000;
    int64_t sched = add(f->s, "later", t + 100, t);
    add(f->s, "now", t - 10, t);
    struct gz_store *other = open_store(f->path);
    assert_int_equal(go_live(f->s, t + 99, NULL), 0);
    int64_t seq0 = sql_i64(f->path, "SELECT seq FROM change_seq");
    int64_t got = 0;
    assert_int_equal(go_live(other, t + 100, &got), 1);
    assert_int_equal(got, sched);
    /* Its pages are dropped everywhere: its change sequence moved. */
    int64_t seq1 = sql_i64(f->path, "SELECT seq FROM change_seq");
    assert_true(seq1 > seq0);
    int64_t *ids = NULL;
    size_t n = 0;
    assert_int_equal(f->s->ops->changes_since(f->s, seq0, &ids, &n, &seq1), GZ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], sched);
    free(ids);
    assert_int_equal(go_live(f->s, t + 101, NULL), 0);
    assert_int_equal(go_live(other, t + 102, NULL), 0);
    /* Moved to a later time: announced again then. */
    struct gz_article a = {0};
    assert_int_equal(f->s->ops->article_get(f->s, sched, &a), GZ_OK);
    a.published_at = t + 500;
    a.updated_at = t + 200;
    assert_int_equal(f->s->ops->article_save(f->s, &a), GZ_OK);
    gz_article_clear(&a);
    assert_int_equal(go_live(other, t + 499, NULL), 0);
    assert_int_equal(go_live(other, t + 500, NULL), 1);
    /* More than an hour late: live, not announced. */
    add(f->s, "late", t + 1000, t);
    assert_int_equal(go_live(f->s, t + 1000 + 3600, NULL), 0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM scheduled_live"), 2);
    gz_store_close(other);
}

struct rows {
    int64_t id[16], hour[16], count[16];
    size_t n;
};

static void on_row(void *ctx, int64_t id, int is_day, int64_t bucket, int64_t count)
{
    struct rows *r = ctx;
    assert_int_equal(is_day, 0);
    assert_true(r->n < 16);
    r->id[r->n] = id;
    r->hour[r->n] = bucket;
    r->count[r->n++] = count;
}

/* What one server added shows to another, whole, and only once it is
 * newer than the reader's cursor. */
static void test_views_recent(void **state)
{
    struct fixture *f = *state;
    if (!fixture_pg()) {
        assert_null(f->s->ops->views_recent); /* one server owns a SQLite file */
        assert_null(f->s->ops->wait_change);
        return;
    }
    struct gz_store *b = open_store(f->path);
    int64_t hour = time(NULL) / 3600, day = hour / 24;
    struct gz_view_delta d[] = {
        {7, day, hour, 5}, {8, day, hour, 2}, {7, day, hour - 3, 1}};
    struct rows r = {0};
    int64_t cursor = 0;
    assert_int_equal(b->ops->views_recent(b, 0, hour - 1, on_row, &r, &cursor), GZ_OK);
    assert_int_equal(r.n, 0);
    assert_true(cursor > 0);
    assert_int_equal(f->s->ops->views_add(f->s, d, 3, hour - 720), GZ_OK);
    assert_int_equal(b->ops->views_add(b, d, 1, hour - 720), GZ_OK);
    int64_t now_ms = 0;
    assert_int_equal(b->ops->views_recent(b, cursor, hour - 1, on_row, &r, &now_ms),
                     GZ_OK);
    /* Hour - 3 is older than min_hour: left out. Article 7 has both
     * servers' views. */
    assert_int_equal(r.n, 2);
    for (size_t i = 0; i < r.n; i++) {
        assert_int_equal(r.hour[i], hour);
        assert_int_equal(r.count[i], r.id[i] == 7 ? 10 : 2);
    }
    r.n = 0;
    assert_int_equal(
        b->ops->views_recent(b, now_ms + 1000, hour - 1, on_row, &r, &now_ms), GZ_OK);
    assert_int_equal(r.n, 0);
    int64_t total = 0;
    assert_int_equal(b->ops->views_total(b, 7, &total), GZ_OK);
    assert_int_equal(total, 11);
    gz_store_close(b);
}

/* One flush may hold several rows of one article and day (an outage that
 * crossed an hour) and even of one hour: they add up, on both backends. */
static void test_views_add_same_rows(void **state)
{
    struct fixture *f = *state;
    int64_t day = 20000, h = day * 24;
    struct gz_view_delta d[] = {
        {9, day, h, 2}, {9, day, h + 1, 3}, {9, day, h + 1, 4}, {10, day, h + 1, 1}};
    assert_int_equal(f->s->ops->views_add(f->s, d, 4, 0), GZ_OK);
    assert_int_equal(f->s->ops->views_add(f->s, d, 1, 0), GZ_OK);
    assert_int_equal(
        sql_i64(f->path, "SELECT count FROM views_daily WHERE article_id = 9"), 11);
    assert_int_equal(sql_i64(f->path,
                             "SELECT count FROM views_hourly WHERE article_id = 9 "
                             "AND hour = 480001"),
                     7);
    assert_int_equal(sql_i64(f->path,
                             "SELECT count FROM views_hourly WHERE article_id = 9 "
                             "AND hour = 480000"),
                     4);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_hourly"), 3);
}

/* A failed statement inside a caller's transaction: SQLite fails the
 * statement alone; PostgreSQL fails the transaction, and its commit must
 * say so rather than pass for a success (COMMIT of an aborted transaction
 * is PostgreSQL's ROLLBACK). */
static void test_failed_statement_in_transaction(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    uint8_t hash[32] = {1, 2, 3};
    int64_t uid = 0;
    assert_int_equal(s->ops->author_ensure(s, "ana", &uid), GZ_OK);
    assert_int_equal(s->ops->begin(s), GZ_OK);
    assert_int_equal(s->ops->setting_set(s, "k", "v"), GZ_OK);
    assert_int_equal(s->ops->session_create(s, hash, uid, "csrf", 1, 2), GZ_OK);
    assert_int_not_equal(s->ops->session_create(s, hash, uid, "csrf", 1, 2), GZ_OK);
    if (fixture_pg()) {
        assert_int_equal(s->ops->commit(s), GZ_EIO);
        assert_int_equal(
            sql_i64(f->path, "SELECT count(*) FROM settings WHERE key = 'k'"), 0);
    } else {
        assert_int_equal(s->ops->commit(s), GZ_OK);
        assert_int_equal(
            sql_i64(f->path, "SELECT count(*) FROM settings WHERE key = 'k'"), 1);
    }
    /* The handle is usable afterwards. */
    assert_int_equal(s->ops->setting_set(s, "k2", "v"), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM settings WHERE key = 'k2'"),
                     1);
}

/* A save on one handle wakes a handle waiting on another connection; a
 * setting wakes it as settings; nothing happening is a timeout. */
static void test_wait_change(void **state)
{
    struct fixture *f = *state;
    if (!fixture_pg())
        return;
    struct gz_store *w = open_store(f->path);
    int what = -1;
    assert_int_equal(w->ops->wait_change(w, 50, &what), GZ_OK);
    assert_int_equal(what, 0);
    add(f->s, "news", 1000, 1000);
    assert_int_equal(w->ops->wait_change(w, 5000, &what), GZ_OK);
    assert_int_equal(what & GZ_STORE_CHANGED_CONTENT, GZ_STORE_CHANGED_CONTENT);
    assert_int_equal(f->s->ops->setting_set(f->s, "site.title", "T"), GZ_OK);
    assert_int_equal(w->ops->wait_change(w, 5000, &what), GZ_OK);
    assert_int_equal(what & GZ_STORE_CHANGED_SETTINGS, GZ_STORE_CHANGED_SETTINGS);
    assert_int_equal(w->ops->wait_change(w, 50, &what), GZ_OK);
    assert_int_equal(what, 0);
    gz_store_close(w);
}

/* The schema version is the number of migrations; a second open applies
 * nothing; a newer database is refused. */
static void test_migrations(void **state)
{
    struct fixture *f = *state;
    int64_t v = 0;
    char err[256];
    assert_int_equal(gz_store_schema_version(f->path, &v, err, sizeof err), GZ_OK);
    assert_int_equal(v, gz_store_schema_latest());
    if (!fixture_pg())
        return;
    assert_int_equal(sql_i64(f->path, "SELECT version FROM gazette_schema"),
                     gz_store_schema_latest());
    struct gz_store *again = open_store(f->path);
    gz_store_close(again);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM gazette_schema"), 1);
    sql_exec(f->path, "UPDATE gazette_schema SET version = 99");
    struct gz_store *s = NULL;
    assert_int_equal(gz_store_open(f->path, &s, err, sizeof err), GZ_EINVAL);
    assert_non_null(strstr(err, "newer than this gazette"));
    sql_exec(f->path, "UPDATE gazette_schema SET version = 7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_is_pg),
        cmocka_unit_test_setup_teardown(test_go_live_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_recent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_add_same_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_statement_in_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
