/* The fixture of the store's unit tests: each test gets a fresh store with
 * every migration applied, closed and deleted after the test.
 *
 * The backend is SQLite (a new file in a temporary folder) unless
 * GZ_TEST_BACKEND=pg: then it is a new schema of the PostgreSQL database
 * GZ_TEST_PG names (a libpq connection string; tests/run.sh starts a
 * private server and sets it), dropped after the test. Every store test
 * is registered twice in meson.build, once per backend. Include after
 * cmocka.h. */
#ifndef GZ_TEST_STORE_FIXTURE_H
#define GZ_TEST_STORE_FIXTURE_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char schema[64]; /* PostgreSQL: the test's schema */
    char path[1024]; /* the SQLite file, or the connection string */
    struct gz_store *s;
};

/* 1 when the tests run on PostgreSQL. */
static inline int fixture_pg(void)
{
    const char *b = getenv("GZ_TEST_BACKEND");
    return b && strcmp(b, "pg") == 0;
}

/* The PostgreSQL server's connection string; fails the test when the run
 * did not start one (a PostgreSQL test is never skipped). */
static inline const char *fixture_pg_base(void)
{
    const char *c = getenv("GZ_TEST_PG");
    if (!c || !*c)
        fail_msg("GZ_TEST_BACKEND=pg needs GZ_TEST_PG (tests/run.sh starts the server)");
    return c;
}

/* Runs constant SQL on the server's database, outside any test schema. */
static inline void fixture_pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(fixture_pg_base());
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("connecting to the test server: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, "SET client_min_messages = warning");
    PQclear(r);
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

/* A store URL of a new, empty place: a new file name in dir, or a new
 * schema (its name into schema) on the server. */
static inline void fixture_new_place(const char *dir, char *schema, size_t schema_len,
                                     char *path, size_t path_len)
{
    if (!fixture_pg()) {
        snprintf(path, path_len, "%s/site.db", dir);
        return;
    }
    static unsigned counter;
    char sql[256];
    snprintf(schema, schema_len, "t%ld_%u", (long)getpid(), ++counter);
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
             schema, schema);
    fixture_pg_admin(sql);
    snprintf(path, path_len, "%s options=-csearch_path=%s", fixture_pg_base(), schema);
}

/* Opens (creating and migrating) the store at path; fails the test when
 * it cannot. */
static inline struct gz_store *open_store(const char *path)
{
    char err[256] = "";
    struct gz_store *s = NULL;
    int rc = gz_store_open(path, &s, err, sizeof err);
    if (rc != GZ_OK)
        fail_msg("gz_store_open: %d %s", rc, err);
    assert_non_null(s);
    return s;
}

static inline int setup(void **state)
{
    struct fixture *f = gz_xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gz-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    fixture_new_place(f->dir, f->schema, sizeof f->schema, f->path, sizeof f->path);
    f->s = open_store(f->path);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    struct fixture *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char file[1100];
    gz_store_close(f->s);
    if (f->schema[0]) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
        fixture_pg_admin(sql);
    } else {
        for (size_t i = 0; i < GZ_COUNTOF(suffixes); i++) {
            snprintf(file, sizeof file, "%s%s", f->path, suffixes[i]);
            unlink(file);
        }
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* A published article titled by its slug, with a one-word body, in
 * language lang: what most store tests save. Free it with
 * gz_article_clear. */
static inline struct gz_article fixture_article(const char *slug, const char *lang)
{
    struct gz_article a = {0};
    a.slug = gz_xstrdup(slug);
    a.title = gz_xstrdup(slug);
    a.summary = gz_xstrdup("");
    a.body_src = gz_xstrdup("body");
    a.body_html = gz_xstrdup("<p>body</p>");
    a.teaser = gz_xstrdup("teaser");
    a.lang = gz_xstrdup(lang);
    a.status = GZ_STATUS_PUBLISHED;
    return a;
}

/* Runs a one-number query on its own connection, as an outsider would. The
 * SQL must read the same on both backends. */
static inline int64_t sql_i64(const char *path, const char *sql)
{
    if (gz_store_url_is_pg(path)) {
        PGconn *c = PQconnectdb(path);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
            fail_msg("%s: %s", sql, PQresultErrorMessage(r));
        int64_t v = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        PQfinish(c);
        return v;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Runs SQL on its own connection, as an outsider would. */
static inline void sql_exec(const char *path, const char *sql)
{
    if (gz_store_url_is_pg(path)) {
        PGconn *c = PQconnectdb(path);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PGresult *r = PQexec(c, sql);
        ExecStatusType es = PQresultStatus(r);
        if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

#endif
