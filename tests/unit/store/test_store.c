/* Unit tests of the store (both backends, fixture.h): a fresh database per
 * test: a SQLite file in a temporary directory, or a PostgreSQL schema. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/log.h"
#include "store/store.h"
#include "store/storeInt.h"
#include "fixture.h"

#define NOW 1700000000

/* ---- helpers ---- */

/* Fills a new article; strings are heap copies, as the store expects. */
static void article_init(struct gz_article *a, const char *slug, const char *title)
{
    memset(a, 0, sizeof *a);
    a->slug = gz_xstrdup(slug);
    a->title = gz_xstrdup(title);
    a->summary = gz_xstrdup("");
    a->body_src = gz_xstrdup("body");
    a->body_html = gz_xstrdup("<p>body</p>");
    a->teaser = gz_xstrdup("teaser");
    a->lang = gz_xstrdup("en");
    a->status = GZ_STATUS_PUBLISHED;
    a->published_at = NOW - 100;
}

static void set_tags(struct gz_article *a, const char *const *names, size_t n)
{
    a->tags = gz_xcalloc(n, sizeof *a->tags);
    for (size_t i = 0; i < n; i++)
        a->tags[i] = gz_xstrdup(names[i]);
    a->ntags = n;
}

/* Saves a new article and returns its id. */
static int64_t save_new(struct gz_store *s, const char *slug, enum gz_status status,
                        int64_t published_at)
{
    struct gz_article a;
    article_init(&a, slug, slug);
    a.status = status;
    a.published_at = published_at;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    assert_true(id > 0);
    gz_article_clear(&a);
    return id;
}

static int64_t change_seq_of(const char *path, int64_t id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT change_seq FROM articles WHERE id = %lld",
             (long long)id);
    return sql_i64(path, sql);
}

/* ---- migrations and opening ---- */

/* The schema version as an outsider reads it: SQLite's user_version, or
 * the row of gazette_schema on PostgreSQL. */
static int64_t schema_version(const char *path)
{
    return sql_i64(path, fixture_pg() ? "SELECT version FROM gazette_schema"
                                      : "PRAGMA user_version");
}

static void set_schema_version(const char *path, int version)
{
    char sql[64];
    if (fixture_pg())
        snprintf(sql, sizeof sql, "UPDATE gazette_schema SET version = %d", version);
    else
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    sql_exec(path, sql);
}

#define FIRST_TABLES                                                                     \
    "('authors', 'articles', 'tags', 'article_tags', 'views_daily', 'views_hourly', "    \
    "'settings', 'change_seq')"

static void test_migrations_applied(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(schema_version(f->path), (int)gz_store_migration_count);
    const char *tables = fixture_pg() ? "SELECT count(*) FROM information_schema.tables "
                                        "WHERE table_schema = current_schema() AND "
                                        "table_name IN " FIRST_TABLES
                                      : "SELECT count(*) FROM sqlite_master WHERE type = "
                                        "'table' AND name IN " FIRST_TABLES;
    assert_int_equal(sql_i64(f->path, tables), 8);
    if (fixture_pg())
        return; /* the rest is about the SQLite file's journal mode */
    /* WAL is a property of the file, so an outsider sees it too. */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The embedded migrations are numbered 1, 2, 3, ... in order. */
static void test_migration_numbering(void **state)
{
    (void)state;
    assert_true(gz_store_migration_count >= 1);
    for (size_t i = 0; i < gz_store_migration_count; i++) {
        const struct gz_embedded_file *m = &gz_store_migration_files[i];
        assert_int_equal(gz_store_migration_version(m->path), (int)i + 1);
        assert_int_equal(strlen((const char *)m->bytes), m->len);
    }
    assert_int_equal(gz_store_migration_version("0012_x.sql"), 12);
    assert_int_equal(gz_store_migration_version("x.sql"), -1);
    assert_int_equal(gz_store_migration_version("0003.sql"), -1);
}

static void test_reopen_idempotent(void **state)
{
    struct fixture *f = *state;
    int64_t id = save_new(f->s, "kept", GZ_STATUS_PUBLISHED, NOW - 10);
    gz_store_close(f->s);
    f->s = open_store(f->path);
    gz_store_close(f->s);
    f->s = open_store(f->path);
    assert_int_equal(schema_version(f->path), (int)gz_store_migration_count);
    struct gz_article a;
    assert_int_equal(f->s->ops->article_get(f->s, id, &a), GZ_OK);
    assert_string_equal(a.slug, "kept");
    gz_article_clear(&a);
    assert_int_equal(sql_i64(f->path, "SELECT seq FROM change_seq"), 1);
}

static void test_newer_schema_refused(void **state)
{
    struct fixture *f = *state;
    gz_store_close(f->s);
    f->s = NULL;
    set_schema_version(f->path, 99);
    char err[256] = "";
    char want[160];
    struct gz_store *s = (struct gz_store *)1;
    assert_int_equal(gz_store_open(f->path, &s, err, sizeof err), GZ_EINVAL);
    assert_null(s);
    snprintf(want, sizeof want,
             "database schema version 99 is newer than this gazette (knows up to %d); "
             "upgrade gazette",
             (int)gz_store_migration_count);
    assert_string_equal(err, want);
    /* Refusing must not have touched the schema. */
    assert_int_equal(schema_version(f->path), 99);
}

/* A PostgreSQL URL that reaches no server is an error that says so, not
 * a SQLite file of that name. */
static void test_postgres_unreachable(void **state)
{
    (void)state;
    char err[256] = "";
    struct gz_store *s = NULL;
    assert_int_equal(
        gz_store_open("postgres://127.0.0.1:1/db?connect_timeout=2", &s, err, sizeof err),
        GZ_EIO);
    assert_null(s);
    assert_non_null(strstr(err, "connecting to PostgreSQL"));
    assert_int_equal(access("postgres:", F_OK), -1);
    assert_int_equal(gz_store_open("", &s, err, sizeof err), GZ_EINVAL);
}

static void test_open_failure(void **state)
{
    (void)state;
    char err[256] = "";
    struct gz_store *s = NULL;
    int rc = gz_store_open("/nonexistent-dir-gz/x/site.db", &s, err, sizeof err);
    assert_int_equal(rc, GZ_EIO);
    assert_null(s);
    assert_true(strlen(err) > 0);
}

/* ---- articles ---- */

static void test_roundtrip(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t author_id = 0, again = 0;
    assert_int_equal(s->ops->author_ensure(s, "مریم", &author_id), GZ_OK);
    assert_true(author_id > 0);
    assert_int_equal(s->ops->author_ensure(s, "مریم", &again), GZ_OK);
    assert_int_equal(again, author_id);

    static const char *const tags[] = {"World News", "ایران", "Politics"};
    struct gz_article a;
    article_init(&a, "سلام-دنیا", "سلام دنیا");
    free(a.summary);
    a.summary = gz_xstrdup("خلاصه");
    free(a.lang);
    a.lang = gz_xstrdup("fa");
    a.author_id = author_id;
    a.updated_at = NOW - 5;
    set_tags(&a, tags, GZ_COUNTOF(tags));
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_true(a.id > 0);
    assert_string_equal(a.slug, "سلام-دنیا");

    struct gz_article b;
    assert_int_equal(s->ops->article_get(s, a.id, &b), GZ_OK);
    assert_int_equal(b.id, a.id);
    assert_string_equal(b.slug, "سلام-دنیا");
    assert_string_equal(b.title, "سلام دنیا");
    assert_string_equal(b.summary, "خلاصه");
    assert_string_equal(b.body_src, "body");
    assert_string_equal(b.body_html, "<p>body</p>");
    assert_string_equal(b.teaser, "teaser");
    assert_string_equal(b.lang, "fa");
    assert_int_equal(b.status, GZ_STATUS_PUBLISHED);
    assert_int_equal(b.published_at, NOW - 100);
    assert_int_equal(b.updated_at, NOW - 5);
    assert_int_equal(b.author_id, author_id);
    assert_string_equal(b.author_name, "مریم");
    assert_int_equal(b.ntags, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(b.tags[i], tags[i]);
    gz_article_clear(&b);
    assert_null(b.slug);
    assert_int_equal(b.ntags, 0);

    assert_int_equal(s->ops->article_get_by_slug(s, "سلام-دنیا", &b), GZ_OK);
    assert_int_equal(b.id, a.id);
    assert_string_equal(b.tags[2], "Politics");
    gz_article_clear(&b);

    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM tags WHERE slug = "
                                      "'world-news' AND name = 'World News'"),
                     1);
    assert_int_equal(s->ops->article_get(s, a.id + 1000, &b), GZ_ENOTFOUND);
    assert_int_equal(s->ops->article_get_by_slug(s, "nope", &b), GZ_ENOTFOUND);
    gz_article_clear(&a);
}

static void test_defaults_and_no_author(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_article a = {0};
    a.slug = gz_xstrdup("bare");
    a.title = gz_xstrdup("Bare");
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    /* updated_at 0 means "now" and is written back. */
    assert_true(a.updated_at > NOW);
    struct gz_article b;
    assert_int_equal(s->ops->article_get(s, a.id, &b), GZ_OK);
    assert_string_equal(b.summary, "");
    assert_string_equal(b.body_html, "");
    assert_string_equal(b.author_name, "");
    assert_int_equal(b.author_id, 0);
    assert_int_equal(b.status, GZ_STATUS_DRAFT);
    assert_int_equal(b.updated_at, a.updated_at);
    assert_int_equal(b.ntags, 0);
    assert_null(b.tags);
    gz_article_clear(&b);
    gz_article_clear(&a);
}

static void test_invalid_articles(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_article a;
    article_init(&a, "x", "X");
    free(a.title);
    a.title = NULL;
    assert_int_equal(s->ops->article_save(s, &a), GZ_EINVAL);
    a.title = gz_xstrdup("X");
    free(a.slug);
    a.slug = NULL;
    assert_int_equal(s->ops->article_save(s, &a), GZ_EINVAL);
    a.slug = gz_xstrdup("");
    assert_int_equal(s->ops->article_save(s, &a), GZ_EINVAL);
    free(a.slug);
    a.slug = gz_xstrdup("x");
    a.author_id = 4242;
    assert_int_equal(s->ops->article_save(s, &a), GZ_EINVAL);
    assert_int_equal(a.id, 0);
    a.author_id = 0;
    a.id = 777;
    assert_int_equal(s->ops->article_save(s, &a), GZ_ENOTFOUND);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 0);
    /* Failed saves leave the change sequence alone. */
    assert_int_equal(sql_i64(f->path, "SELECT seq FROM change_seq"), 0);
    gz_article_clear(&a);
}

static void test_slug_suffix(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_article a, b, c;
    article_init(&a, "news", "News");
    article_init(&b, "news", "News");
    article_init(&c, "news", "News");
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(s->ops->article_save(s, &b), GZ_OK);
    assert_int_equal(s->ops->article_save(s, &c), GZ_OK);
    assert_string_equal(a.slug, "news");
    assert_string_equal(b.slug, "news-2");
    assert_string_equal(c.slug, "news-3");
    /* Saving again under its own slug is not a clash. */
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_string_equal(a.slug, "news");
    /* Taking another article's slug on update gets a suffix too. */
    free(c.slug);
    c.slug = gz_xstrdup("news-2");
    assert_int_equal(s->ops->article_save(s, &c), GZ_OK);
    assert_string_equal(c.slug, "news-2-2");
    gz_article_clear(&a);
    gz_article_clear(&b);
    gz_article_clear(&c);
}

/* Past SLUG_PROBES the next suffix comes from the highest one in use. */
static void test_slug_many(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char want[32];
    save_new(s, "same-ish", GZ_STATUS_DRAFT, 0); /* not "same-<n>" */
    save_new(s, "same-2x", GZ_STATUS_DRAFT, 0);  /* nor this one */
    for (int i = 1; i <= 40; i++) {
        struct gz_article a;
        article_init(&a, "same", "Same");
        assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
        if (i == 1)
            snprintf(want, sizeof want, "same");
        else
            snprintf(want, sizeof want, "same-%d", i);
        assert_string_equal(a.slug, want);
        gz_article_clear(&a);
    }
    assert_int_equal(sql_i64(f->path, "SELECT count(DISTINCT slug) FROM articles"), 42);
}

/* Suffixes in use with gaps still yield a free slug. */
static void test_slug_gaps(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char slug[32];
    for (int i = 1; i <= 17; i++) {
        struct gz_article a;
        article_init(&a, "gap", "Gap");
        assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
        gz_article_clear(&a);
    }
    save_new(s, "gap-32", GZ_STATUS_DRAFT, 0);
    save_new(s, "gap-33", GZ_STATUS_DRAFT, 0);
    save_new(s, "gap-64", GZ_STATUS_DRAFT, 0);
    for (int i = 0; i < 5; i++) {
        struct gz_article a;
        article_init(&a, "gap", "Gap");
        assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
        assert_int_equal(strncmp(a.slug, "gap-", 4), 0);
        snprintf(slug, sizeof slug, "%s", a.slug);
        gz_article_clear(&a);
        assert_int_equal(s->ops->article_get_by_slug(s, slug, &a), GZ_OK);
        gz_article_clear(&a);
    }
    assert_int_equal(sql_i64(f->path, "SELECT count(DISTINCT slug) FROM articles"), 25);
}

static void test_tag_slug_clash(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    static const char *const tags[] = {"Foo Bar", "foo bar", "Foo Bar", ""};
    struct gz_article a;
    article_init(&a, "tagged", "Tagged");
    set_tags(&a, tags, GZ_COUNTOF(tags));
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM tags"), 2);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM tags WHERE name = 'foo bar' "
                                      "AND slug = 'foo-bar-2'"),
                     1);
    struct gz_article b;
    assert_int_equal(s->ops->article_get(s, a.id, &b), GZ_OK);
    assert_int_equal(b.ntags, 2);
    assert_string_equal(b.tags[0], "Foo Bar");
    assert_string_equal(b.tags[1], "foo bar");
    gz_article_clear(&b);

    /* Replacing the tags drops the old links, keeps the tag rows. */
    for (size_t i = 0; i < a.ntags; i++)
        free(a.tags[i]);
    free(a.tags);
    static const char *const next[] = {"Other"};
    set_tags(&a, next, 1);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(s->ops->article_get(s, a.id, &b), GZ_OK);
    assert_int_equal(b.ntags, 1);
    assert_string_equal(b.tags[0], "Other");
    gz_article_clear(&b);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM article_tags"), 1);
    gz_article_clear(&a);
}

/* Another writer's transaction, held open until commit_later() commits
 * it: SQL run on a connection of its own, as another server (PostgreSQL)
 * or process (SQLite, where it holds the write lock) would. */
struct held_tx {
    PGconn *pg;
    sqlite3 *db;
    int committed; /* 1 once COMMIT succeeded */
};

static void held_begin(struct held_tx *h, const char *path, const char *sql)
{
    memset(h, 0, sizeof *h);
    if (fixture_pg()) {
        h->pg = PQconnectdb(path);
        assert_int_equal(PQstatus(h->pg), CONNECTION_OK);
        const char *steps[] = {"BEGIN", sql};
        for (size_t i = 0; i < GZ_COUNTOF(steps); i++) {
            PGresult *r = PQexec(h->pg, steps[i]);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                fail_msg("%s: %s", steps[i], PQresultErrorMessage(r));
            PQclear(r);
        }
        return;
    }
    assert_int_equal(sqlite3_open(path, &h->db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* A thread: commits the held transaction after 300 ms and closes it. */
static void *commit_later(void *arg)
{
    struct held_tx *h = arg;
    usleep(300 * 1000);
    if (h->pg) {
        PGresult *r = PQexec(h->pg, "COMMIT");
        h->committed = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        PQfinish(h->pg);
    } else {
        h->committed = sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_close(h->db);
    }
    return NULL;
}

/* Saves a while another writer holds sql uncommitted, then commits it. */
static int save_during(struct fixture *f, const char *sql, struct gz_article *a)
{
    struct held_tx h;
    pthread_t th;
    held_begin(&h, f->path, sql);
    assert_int_equal(pthread_create(&th, NULL, commit_later, &h), 0);
    int rc = f->s->ops->article_save(f->s, a);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_true(h.committed);
    return rc;
}

/* A slug (of an article or a tag) that another writer takes while a save
 * is under way is not an error: the save takes the next free one. On
 * PostgreSQL the save sees the slug free, then meets the other row on the
 * unique index when that commits; SQLite waits for the write lock. */
static void test_slug_race(void **state)
{
    struct fixture *f = *state;
    struct gz_article a, b;
    article_init(&a, "race", "Race");
    assert_int_equal(save_during(f,
                                 "INSERT INTO articles (slug, title, change_seq) "
                                 "VALUES ('race', 'theirs', 0)",
                                 &a),
                     GZ_OK);
    assert_string_equal(a.slug, "race-2");

    /* An update, whose failed statement would abort the transaction. */
    free(a.slug);
    a.slug = gz_xstrdup("taken");
    assert_int_equal(save_during(f,
                                 "INSERT INTO articles (slug, title, change_seq) "
                                 "VALUES ('taken', 'theirs', 0)",
                                 &a),
                     GZ_OK);
    assert_string_equal(a.slug, "taken-2");
    assert_int_equal(f->s->ops->article_get(f->s, a.id, &b), GZ_OK);
    assert_string_equal(b.slug, "taken-2");
    gz_article_clear(&b);
    gz_article_clear(&a);

    /* The same tag created meanwhile: linked, not made twice. */
    static const char *const one[] = {"Race"};
    article_init(&a, "tagged", "Tagged");
    set_tags(&a, one, 1);
    assert_int_equal(
        save_during(f, "INSERT INTO tags (name, slug) VALUES ('Race', 'race')", &a),
        GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM tags WHERE name = 'Race'"),
                     1);
    assert_int_equal(f->s->ops->article_get(f->s, a.id, &b), GZ_OK);
    assert_int_equal(b.ntags, 1);
    assert_string_equal(b.tag_slugs[0], "race");
    gz_article_clear(&b);
    gz_article_clear(&a);

    /* Another tag took the slug meanwhile: the next one. */
    static const char *const clash[] = {"Clash"};
    article_init(&a, "clashing", "Clashing");
    set_tags(&a, clash, 1);
    assert_int_equal(
        save_during(f, "INSERT INTO tags (name, slug) VALUES ('Other', 'clash')", &a),
        GZ_OK);
    assert_int_equal(f->s->ops->article_get(f->s, a.id, &b), GZ_OK);
    assert_int_equal(b.ntags, 1);
    assert_string_equal(b.tags[0], "Clash");
    assert_string_equal(b.tag_slugs[0], "clash-2");
    gz_article_clear(&b);
    gz_article_clear(&a);
}

static void test_update_keeps_id(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    struct gz_article a;
    article_init(&a, "first", "First");
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    int64_t seq1 = change_seq_of(f->path, id);
    free(a.title);
    a.title = gz_xstrdup("First, revised");
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(a.id, id);
    assert_true(change_seq_of(f->path, id) > seq1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 1);
    struct gz_article b;
    assert_int_equal(s->ops->article_get(s, id, &b), GZ_OK);
    assert_string_equal(b.title, "First, revised");
    gz_article_clear(&b);
    gz_article_clear(&a);
}

/* body_format (migration 0005): written on insert and update, read back by
 * article_get and article_get_by_slug; 0 (Markdown) by default. */
static void test_body_format(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t md = save_new(s, "markdown", GZ_STATUS_PUBLISHED, NOW - 10);
    struct gz_article a;
    article_init(&a, "imported", "Imported");
    a.body_format = GZ_FORMAT_HTML;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    struct gz_article b;
    assert_int_equal(s->ops->article_get(s, a.id, &b), GZ_OK);
    assert_int_equal(b.body_format, GZ_FORMAT_HTML);
    gz_article_clear(&b);
    assert_int_equal(s->ops->article_get(s, md, &b), GZ_OK);
    assert_int_equal(b.body_format, GZ_FORMAT_MARKDOWN);
    gz_article_clear(&b);
    /* an update writes it too */
    a.body_format = GZ_FORMAT_MARKDOWN;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT body_format FROM articles WHERE slug = "
                                      "'imported'"),
                     GZ_FORMAT_MARKDOWN);
    a.body_format = GZ_FORMAT_HTML;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    assert_int_equal(s->ops->article_get_by_slug(s, "imported", &b), GZ_OK);
    assert_int_equal(b.body_format, GZ_FORMAT_HTML);
    gz_article_clear(&b);
    gz_article_clear(&a);
}

static void test_changes_since(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t *ids = NULL;
    size_t n = 99;
    int64_t seq = -1;
    assert_int_equal(s->ops->changes_since(s, 0, &ids, &n, &seq), GZ_OK);
    assert_int_equal(n, 0);
    assert_null(ids);
    assert_int_equal(seq, 0);

    int64_t a = save_new(s, "a", GZ_STATUS_PUBLISHED, NOW - 10);
    int64_t b = save_new(s, "b", GZ_STATUS_DRAFT, 0);
    int64_t c = save_new(s, "c", GZ_STATUS_PUBLISHED, NOW - 5);
    assert_int_equal(s->ops->changes_since(s, 0, &ids, &n, &seq), GZ_OK);
    assert_int_equal(n, 3);
    assert_int_equal(seq, 3);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], b);
    assert_int_equal(ids[2], c);
    free(ids);

    struct gz_article art;
    assert_int_equal(s->ops->article_get(s, a, &art), GZ_OK);
    assert_int_equal(s->ops->article_save(s, &art), GZ_OK);
    gz_article_clear(&art);
    assert_int_equal(s->ops->changes_since(s, 3, &ids, &n, &seq), GZ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a);
    assert_int_equal(seq, 4);
    free(ids);

    int64_t max = 0;
    assert_int_equal(s->ops->article_max_id(s, &max), GZ_OK);
    assert_int_equal(max, c);
}

static void test_latest(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t old = save_new(s, "old", GZ_STATUS_PUBLISHED, NOW - 300);
    save_new(s, "draft", GZ_STATUS_DRAFT, NOW - 50);
    int64_t tie1 = save_new(s, "tie1", GZ_STATUS_PUBLISHED, NOW - 100);
    save_new(s, "scheduled", GZ_STATUS_SCHEDULED, NOW + 100);
    save_new(s, "future", GZ_STATUS_PUBLISHED, NOW + 100);
    save_new(s, "gone", GZ_STATUS_UNPUBLISHED, NOW - 20);
    int64_t tie2 = save_new(s, "tie2", GZ_STATUS_PUBLISHED, NOW - 100);
    int64_t newest = save_new(s, "newest", GZ_STATUS_PUBLISHED, NOW);

    struct gz_teaser_list l;
    assert_int_equal(s->ops->article_latest(s, NOW, 0, 10, &l), GZ_OK);
    assert_int_equal(l.len, 4);
    assert_int_equal(l.items[0].id, newest);
    assert_int_equal(l.items[1].id, tie2);
    assert_int_equal(l.items[2].id, tie1);
    assert_int_equal(l.items[3].id, old);
    assert_string_equal(l.items[0].slug, "newest");
    assert_string_equal(l.items[0].title, "newest");
    assert_string_equal(l.items[0].teaser, "teaser");
    assert_string_equal(l.items[0].lang, "en");
    assert_int_equal(l.items[3].published_at, NOW - 300);
    gz_teaser_list_clear(&l);
    assert_null(l.items);

    assert_int_equal(s->ops->article_latest(s, NOW, 1, 2, &l), GZ_OK);
    assert_int_equal(l.len, 2);
    assert_int_equal(l.items[0].id, tie2);
    assert_int_equal(l.items[1].id, tie1);
    gz_teaser_list_clear(&l);

    assert_int_equal(s->ops->article_latest(s, NOW, 10, 5, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_teaser_list_clear(&l);

    int64_t count = 0;
    assert_int_equal(s->ops->article_count_published(s, NOW, &count), GZ_OK);
    assert_int_equal(count, 4);
    /* Once its time has come, the "future" article counts. */
    assert_int_equal(s->ops->article_count_published(s, NOW + 100, &count), GZ_OK);
    assert_int_equal(count, 5);
}

static void test_teasers(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t a = save_new(s, "a", GZ_STATUS_PUBLISHED, NOW - 10);
    int64_t draft = save_new(s, "d", GZ_STATUS_DRAFT, 0);
    int64_t c = save_new(s, "c", GZ_STATUS_PUBLISHED, NOW - 5);
    int64_t ids[] = {c, 9999, a, draft, c};
    struct gz_teaser_list l;
    assert_int_equal(s->ops->article_teasers(s, ids, GZ_COUNTOF(ids), NOW, &l), GZ_OK);
    assert_int_equal(l.len, 3);
    assert_int_equal(l.items[0].id, c);
    assert_int_equal(l.items[1].id, a);
    assert_int_equal(l.items[2].id, c);
    assert_string_equal(l.items[1].slug, "a");
    gz_teaser_list_clear(&l);
    assert_int_equal(s->ops->article_teasers(s, NULL, 0, NOW, &l), GZ_OK);
    assert_int_equal(l.len, 0);
    gz_teaser_list_clear(&l);
}

/* ---- views ---- */

struct seen {
    int64_t daily_sum, hourly_sum;
    int daily_rows, hourly_rows;
    int64_t min_hour;
};

static void on_row(void *ctx, int64_t article_id, int is_day, int64_t bucket,
                   int64_t count)
{
    struct seen *seen = ctx;
    assert_true(article_id > 0);
    if (is_day) {
        seen->daily_rows++;
        seen->daily_sum += count;
    } else {
        seen->hourly_rows++;
        seen->hourly_sum += count;
        if (seen->min_hour == 0 || bucket < seen->min_hour)
            seen->min_hour = bucket;
    }
}

static void test_views(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t day = NOW / 86400, hour = NOW / 3600;
    struct gz_view_delta first[] = {
        {1, day, hour, 5},
        {2, day, hour, 7},
    };
    struct gz_view_delta second[] = {
        {1, day, hour + 1, 3},
        {1, day + 1, hour + 24, 2},
    };
    assert_int_equal(s->ops->views_add(s, first, GZ_COUNTOF(first), 0), GZ_OK);
    assert_int_equal(s->ops->views_add(s, second, GZ_COUNTOF(second), 0), GZ_OK);
    assert_int_equal(s->ops->views_add(s, first, 1, 0), GZ_OK);

    /* One row per article per day, holding the sum. */
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_daily"), 3);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count FROM views_daily WHERE article_id = 1 AND day = %lld",
             (long long)day);
    assert_int_equal(sql_i64(f->path, sql), 13);
    snprintf(sql, sizeof sql,
             "SELECT count FROM views_hourly WHERE article_id = 1 AND hour = %lld",
             (long long)hour);
    assert_int_equal(sql_i64(f->path, sql), 10);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_hourly"), 4);

    int64_t total = 0;
    assert_int_equal(s->ops->views_total(s, 1, &total), GZ_OK);
    assert_int_equal(total, 15);
    assert_int_equal(s->ops->views_total(s, 2, &total), GZ_OK);
    assert_int_equal(total, 7);
    assert_int_equal(s->ops->views_total(s, 0, &total), GZ_OK);
    assert_int_equal(total, 22);
    assert_int_equal(s->ops->views_total(s, 3, &total), GZ_OK);
    assert_int_equal(total, 0);

    struct seen seen = {0};
    assert_int_equal(s->ops->views_load(s, 0, on_row, &seen), GZ_OK);
    assert_int_equal(seen.daily_rows, 3);
    assert_int_equal(seen.daily_sum, 22);
    assert_int_equal(seen.hourly_rows, 4);
    assert_int_equal(seen.hourly_sum, 22);

    memset(&seen, 0, sizeof seen);
    assert_int_equal(s->ops->views_load(s, hour + 1, on_row, &seen), GZ_OK);
    assert_int_equal(seen.daily_rows, 3);
    assert_int_equal(seen.hourly_rows, 2);
    assert_int_equal(seen.hourly_sum, 5);
    assert_int_equal(seen.min_hour, hour + 1);

    /* Pruning drops hourly rows only, and only the old ones. */
    assert_int_equal(s->ops->views_add(s, NULL, 0, hour + 1), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_hourly"), 2);
    snprintf(sql, sizeof sql, "SELECT min(hour) FROM views_hourly");
    assert_int_equal(sql_i64(f->path, sql), hour + 1);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_daily"), 3);

    struct gz_view_delta late[] = {{3, day + 1, hour + 30, 1}};
    assert_int_equal(s->ops->views_add(s, late, 1, hour + 24), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_hourly"), 2);
    assert_int_equal(s->ops->views_total(s, 0, &total), GZ_OK);
    assert_int_equal(total, 23);
}

/* ---- settings ---- */

static void test_settings(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char *value = (char *)1;
    assert_int_equal(s->ops->setting_get(s, "site.title", &value), GZ_ENOTFOUND);
    assert_null(value);
    assert_int_equal(s->ops->setting_set(s, "site.title", "روزنامه"), GZ_OK);
    assert_int_equal(s->ops->setting_get(s, "site.title", &value), GZ_OK);
    assert_string_equal(value, "روزنامه");
    free(value);
    assert_int_equal(s->ops->setting_set(s, "site.title", "Gazette"), GZ_OK);
    assert_int_equal(s->ops->setting_get(s, "site.title", &value), GZ_OK);
    assert_string_equal(value, "Gazette");
    free(value);
    assert_int_equal(s->ops->setting_set(s, "empty", ""), GZ_OK);
    assert_int_equal(s->ops->setting_get(s, "empty", &value), GZ_OK);
    assert_string_equal(value, "");
    free(value);
    assert_int_equal(s->ops->setting_set(s, NULL, "x"), GZ_EINVAL);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM settings"), 2);
}

/* ---- transactions ---- */

static void test_nested_commit(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    assert_int_equal(s->ops->begin(s), GZ_OK);
    int64_t a = save_new(s, "outer", GZ_STATUS_PUBLISHED, NOW - 1);
    assert_int_equal(s->ops->begin(s), GZ_OK);
    int64_t b = save_new(s, "inner", GZ_STATUS_PUBLISHED, NOW - 1);
    assert_int_equal(s->ops->commit(s), GZ_OK);
    /* Not yet visible to another connection. */
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 0);
    assert_int_equal(s->ops->commit(s), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 2);
    assert_true(b > a);
    assert_int_equal(s->ops->commit(s), GZ_EINVAL);
}

static void test_rollback(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    assert_int_equal(s->ops->begin(s), GZ_OK);
    save_new(s, "one", GZ_STATUS_PUBLISHED, NOW - 1);
    save_new(s, "two", GZ_STATUS_PUBLISHED, NOW - 1);
    struct gz_view_delta d = {1, 1, 1, 1};
    assert_int_equal(s->ops->views_add(s, &d, 1, 0), GZ_OK);
    assert_int_equal(s->ops->rollback(s), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM views_daily"), 0);
    assert_int_equal(sql_i64(f->path, "SELECT seq FROM change_seq"), 0);
    int64_t max = -1;
    assert_int_equal(s->ops->article_max_id(s, &max), GZ_OK);
    assert_int_equal(max, 0);

    /* An inner rollback undoes only the inner part. */
    assert_int_equal(s->ops->begin(s), GZ_OK);
    save_new(s, "kept", GZ_STATUS_PUBLISHED, NOW - 1);
    assert_int_equal(s->ops->begin(s), GZ_OK);
    save_new(s, "dropped", GZ_STATUS_PUBLISHED, NOW - 1);
    assert_int_equal(s->ops->rollback(s), GZ_OK);
    assert_int_equal(s->ops->commit(s), GZ_OK);
    struct gz_article a;
    assert_int_equal(s->ops->article_get_by_slug(s, "kept", &a), GZ_OK);
    gz_article_clear(&a);
    assert_int_equal(s->ops->article_get_by_slug(s, "dropped", &a), GZ_ENOTFOUND);
    assert_int_equal(s->ops->rollback(s), GZ_EINVAL);
}

/* A failed save inside a bulk load fails alone. */
static void test_failed_save_inside_tx(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    assert_int_equal(s->ops->begin(s), GZ_OK);
    save_new(s, "before", GZ_STATUS_PUBLISHED, NOW - 1);
    struct gz_article bad;
    article_init(&bad, "ghost", "Ghost");
    bad.id = 12345;
    assert_int_equal(s->ops->article_save(s, &bad), GZ_ENOTFOUND);
    gz_article_clear(&bad);
    save_new(s, "after", GZ_STATUS_PUBLISHED, NOW - 1);
    assert_int_equal(s->ops->commit(s), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 2);
    assert_int_equal(sql_i64(f->path, "SELECT seq FROM change_seq"), 2);
}

static void test_bulk_save(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    static const char *const tags[] = {"Bulk", "Demo"};
    char slug[32];
    assert_int_equal(s->ops->begin(s), GZ_OK);
    for (int i = 0; i < 10000; i++) {
        struct gz_article a;
        snprintf(slug, sizeof slug, "article-%d", i);
        article_init(&a, slug, slug);
        a.published_at = NOW - 10000 + i;
        set_tags(&a, tags, GZ_COUNTOF(tags));
        assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
        gz_article_clear(&a);
    }
    assert_int_equal(s->ops->commit(s), GZ_OK);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 10000);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM article_tags"), 20000);
    assert_int_equal(sql_i64(f->path, "SELECT seq FROM change_seq"), 10000);
    int64_t count = 0;
    assert_int_equal(s->ops->article_count_published(s, NOW, &count), GZ_OK);
    assert_int_equal(count, 10000);
    struct gz_teaser_list l;
    assert_int_equal(s->ops->article_latest(s, NOW, 0, 1, &l), GZ_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0].slug, "article-9999");
    gz_teaser_list_clear(&l);
}

/* ---- tags (sections) ---- */

static int64_t save_with_tags(struct gz_store *s, const char *slug, enum gz_status status,
                              int64_t published_at, const char *const *tags, size_t n)
{
    struct gz_article a;
    article_init(&a, slug, slug);
    a.status = status;
    a.published_at = published_at;
    set_tags(&a, tags, n);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

static void test_tags_sections(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    const char *world_sport[] = {"World", "Sport"}, *world[] = {"World"};
    const char *science[] = {"Science & Tech"};
    int64_t a1 = save_with_tags(s, "a1", GZ_STATUS_PUBLISHED, NOW - 300, world_sport, 2);
    int64_t a2 = save_with_tags(s, "a2", GZ_STATUS_PUBLISHED, NOW - 200, world, 1);
    save_with_tags(s, "draft", GZ_STATUS_DRAFT, 0, world, 1);
    save_with_tags(s, "future", GZ_STATUS_PUBLISHED, NOW + 500, science, 1);
    int64_t a3 = save_with_tags(s, "a3", GZ_STATUS_PUBLISHED, NOW - 100, world_sport, 2);

    /* Most articles first; only published ones count; the future-only
     * tag is not a section yet. */
    struct gz_tag_list top;
    assert_int_equal(s->ops->tags_top(s, NOW, 10, &top), GZ_OK);
    assert_int_equal(top.len, 2);
    assert_string_equal(top.items[0].name, "World");
    assert_string_equal(top.items[0].slug, "world");
    assert_int_equal(top.items[0].count, 3);
    assert_string_equal(top.items[1].name, "Sport");
    assert_int_equal(top.items[1].count, 2);
    gz_tag_list_clear(&top);
    assert_int_equal(s->ops->tags_top(s, NOW, 1, &top), GZ_OK);
    assert_int_equal(top.len, 1);
    gz_tag_list_clear(&top);

    struct gz_tag tag;
    assert_int_equal(s->ops->tag_get_by_slug(s, "nope", &tag), GZ_ENOTFOUND);
    assert_int_equal(s->ops->tag_get_by_slug(s, "science-tech", &tag), GZ_OK);
    assert_string_equal(tag.name, "Science & Tech");
    gz_tag_clear(&tag);
    assert_int_equal(s->ops->tag_get_by_slug(s, "world", &tag), GZ_OK);

    /* Newest first, paged, the total counting every published one. */
    struct gz_teaser_list l;
    int64_t total = 0;
    assert_int_equal(s->ops->tag_articles(s, tag.id, NOW, 0, 2, &l, &total), GZ_OK);
    assert_int_equal(total, 3);
    assert_int_equal(l.len, 2);
    assert_int_equal(l.items[0].id, a3);
    assert_int_equal(l.items[1].id, a2);
    gz_teaser_list_clear(&l);
    assert_int_equal(s->ops->tag_articles(s, tag.id, NOW, 2, 2, &l, &total), GZ_OK);
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].id, a1);
    gz_teaser_list_clear(&l);
    gz_tag_clear(&tag);

    /* Reads carry each tag's slug beside its name. */
    struct gz_article a;
    assert_int_equal(s->ops->article_get(s, a1, &a), GZ_OK);
    assert_int_equal(a.ntags, 2);
    assert_string_equal(a.tags[1], "Sport");
    assert_string_equal(a.tag_slugs[1], "sport");
    gz_article_clear(&a);
}

int main(void)
{
    /* Keep the run quiet: migrations log at info level. */
    gz_log_set_level(GZ_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tags_sections, setup, teardown),
        cmocka_unit_test(test_migration_numbering),
        cmocka_unit_test_setup_teardown(test_reopen_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test(test_postgres_unreachable),
        cmocka_unit_test(test_open_failure),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults_and_no_author, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_articles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slug_suffix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slug_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slug_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_slug_clash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slug_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_keeps_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_since, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teasers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_save_inside_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_save, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
