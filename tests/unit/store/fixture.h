/* The fixture of the store's unit tests: each test gets a fresh temporary
 * directory with a new site database opened in it (every migration
 * applied), closed and deleted after the test. Include after cmocka.h. */
#ifndef GZ_TEST_STORE_FIXTURE_H
#define GZ_TEST_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct gz_store *s;
};

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
    snprintf(f->path, sizeof f->path, "%s/site.db", f->dir);
    f->s = open_store(f->path);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    struct fixture *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char file[160];
    gz_store_close(f->s);
    for (size_t i = 0; i < GZ_COUNTOF(suffixes); i++) {
        snprintf(file, sizeof file, "%s%s", f->path, suffixes[i]);
        unlink(file);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Runs a one-number query on its own connection, as an outsider would. */
static inline int64_t sql_i64(const char *path, const char *sql)
{
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
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

#endif
