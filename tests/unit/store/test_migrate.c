/* Unit tests of the store's migration interface: listing the pending
 * migrations without touching the database (gazette migrate --dry-run) and
 * applying them with a report of each (gazette migrate). Each test works
 * in a fresh temporary directory. */
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

struct fixture {
    char dir[64];
    char path[128];
};

/* ---- helpers ---- */

static int setup(void **state)
{
    struct fixture *f = gz_xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gz-migrate-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/site.db", f->dir);
    *state = f;
    return 0;
}

static void remove_with_suffix(const char *path, const char *suffix)
{
    char file[160];
    snprintf(file, sizeof file, "%s%s", path, suffix);
    unlink(file);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    remove_with_suffix(f->path, "");
    remove_with_suffix(f->path, "-wal");
    remove_with_suffix(f->path, "-shm");
    remove_with_suffix(f->path, "-journal");
    rmdir(f->dir);
    free(f);
    return 0;
}

static int exists_with_suffix(const char *path, const char *suffix)
{
    char file[160];
    snprintf(file, sizeof file, "%s%s", path, suffix);
    return access(file, F_OK) == 0;
}

/* The whole file, heap-allocated; *len gets its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    unsigned char *data = gz_xcalloc(1, 1 << 20);
    *len = fread(data, 1, 1 << 20, fp);
    assert_true(feof(fp));
    fclose(fp);
    return data;
}

/* Runs SQL on a plain connection: the database as an older gazette or an
 * outsider left it. */
static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static int64_t sql_i64(const char *path, const char *sql)
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

/* Reads the schema version and checks that doing so changed no byte of
 * the file and left no -wal or -shm file behind. */
static int schema_version_untouched(const char *path, int64_t *version, char *err,
                                    size_t errlen)
{
    size_t before_len, after_len;
    unsigned char *before = slurp(path, &before_len);
    int rc = gz_store_schema_version(path, version, err, errlen);
    unsigned char *after = slurp(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    assert_false(exists_with_suffix(path, "-wal"));
    assert_false(exists_with_suffix(path, "-shm"));
    free(before);
    free(after);
    return rc;
}

/* What the migrated callback heard. */
struct heard {
    int versions[16];
    char names[16][64];
    size_t n;
};

static void on_migrated(void *ctx, int version, const char *name)
{
    struct heard *h = ctx;
    assert_true(h->n < GZ_COUNTOF(h->versions));
    h->versions[h->n] = version;
    snprintf(h->names[h->n], sizeof h->names[h->n], "%s", name);
    h->n++;
}

/* ---- the embedded migrations ---- */

static void test_latest_and_names(void **state)
{
    (void)state;
    int latest = gz_store_schema_latest();
    assert_int_equal(latest, (int)gz_store_migration_count);
    assert_true(latest >= 1);
    assert_string_equal(gz_store_migration_name(1), "0001_initial.sql");
    for (int v = 1; v <= latest; v++) {
        const char *name = gz_store_migration_name(v);
        assert_non_null(name);
        assert_int_equal(gz_store_migration_version(name), v);
    }
    assert_null(gz_store_migration_name(0));
    assert_null(gz_store_migration_name(-1));
    assert_null(gz_store_migration_name(latest + 1));
}

/* ---- reading the version: the dry run ---- */

/* An empty file is a database at version 0: every migration is pending. */
static void test_version_of_empty_file(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fclose(fp);
    char err[256] = "";
    int64_t version = -1;
    assert_int_equal(schema_version_untouched(f->path, &version, err, sizeof err), GZ_OK);
    assert_int_equal(version, 0);
}

/* A database in rollback-journal mode (as sqlite3 restores a dump) keeps
 * that mode: the dry run must not switch it to WAL, which would rewrite
 * the header. */
static void test_version_leaves_journal_mode(void **state)
{
    struct fixture *f = *state;
    sql_exec(f->path, "CREATE TABLE unrelated (x); INSERT INTO unrelated VALUES (1);");
    char err[256] = "";
    int64_t version = -1;
    assert_int_equal(schema_version_untouched(f->path, &version, err, sizeof err), GZ_OK);
    assert_int_equal(version, 0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM sqlite_master WHERE name = "
                                      "'articles'"),
                     0);
}

/* A site gazette made (WAL mode) reads as up to date, untouched. */
static void test_version_of_current_site(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    struct gz_store *s = NULL;
    assert_int_equal(gz_store_open(f->path, &s, err, sizeof err), GZ_OK);
    gz_store_close(s);
    int64_t version = -1;
    assert_int_equal(schema_version_untouched(f->path, &version, err, sizeof err), GZ_OK);
    assert_int_equal(version, gz_store_schema_latest());
}

static void test_version_newer_refused(void **state)
{
    struct fixture *f = *state;
    char sql[64], want[160], err[256] = "";
    int newer = gz_store_schema_latest() + 1;
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", newer);
    sql_exec(f->path, sql);
    int64_t version = -1;
    assert_int_equal(schema_version_untouched(f->path, &version, err, sizeof err),
                     GZ_EINVAL);
    assert_int_equal(version, newer);
    /* The same words gz_store_open uses. */
    snprintf(want, sizeof want,
             "database schema version %d is newer than this gazette (knows up to %d); "
             "upgrade gazette",
             newer, gz_store_schema_latest());
    assert_string_equal(err, want);
}

static void test_version_missing_file(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    int64_t version = -1;
    assert_int_equal(gz_store_schema_version(f->path, &version, err, sizeof err), GZ_EIO);
    assert_true(strstr(err, f->path) != NULL);
    assert_false(exists_with_suffix(f->path, ""));
}

static void test_version_not_a_database(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database. ", fp);
    fclose(fp);
    char err[256] = "";
    int64_t version = -1;
    assert_int_equal(schema_version_untouched(f->path, &version, err, sizeof err),
                     GZ_EIO);
    assert_true(strlen(err) > 0);
}

/* ---- applying ---- */

static void test_migrate_reports_each(void **state)
{
    struct fixture *f = *state;
    sql_exec(f->path, "CREATE TABLE unrelated (x); INSERT INTO unrelated VALUES (7);");
    struct heard h = {0};
    char err[256] = "";
    int latest = gz_store_schema_latest();
    assert_int_equal(gz_store_migrate(f->path, on_migrated, &h, err, sizeof err), GZ_OK);
    assert_int_equal(h.n, (size_t)latest);
    for (int v = 1; v <= latest; v++) {
        assert_int_equal(h.versions[v - 1], v);
        assert_string_equal(h.names[v - 1], gz_store_migration_name(v));
    }
    assert_int_equal(sql_i64(f->path, "PRAGMA user_version"), latest);
    assert_int_equal(sql_i64(f->path, "SELECT x FROM unrelated"), 7);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM articles"), 0);
    /* Version 6 (readership) and its tables. */
    assert_true(latest >= 6);
    assert_string_equal(h.names[5], "0006_readership.sql");
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                      "('readers', 'referrers_daily')"),
                     2);
    /* Closed cleanly: the WAL was checkpointed and removed. */
    assert_false(exists_with_suffix(f->path, "-wal"));

    /* Nothing left to apply: the callback stays silent. */
    memset(&h, 0, sizeof h);
    assert_int_equal(gz_store_migrate(f->path, on_migrated, &h, err, sizeof err), GZ_OK);
    assert_int_equal(h.n, 0);
    int64_t version = -1;
    assert_int_equal(gz_store_schema_version(f->path, &version, err, sizeof err), GZ_OK);
    assert_int_equal(version, latest);
}

static void test_migrate_without_callback(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fclose(fp);
    char err[256] = "";
    assert_int_equal(gz_store_migrate(f->path, NULL, NULL, err, sizeof err), GZ_OK);
    assert_int_equal(sql_i64(f->path, "PRAGMA user_version"), gz_store_schema_latest());
}

/* Migrating never creates a database: a wrong --db is a mistake. */
static void test_migrate_missing_file(void **state)
{
    struct fixture *f = *state;
    struct heard h = {0};
    char err[256] = "";
    assert_int_equal(gz_store_migrate(f->path, on_migrated, &h, err, sizeof err), GZ_EIO);
    assert_true(strlen(err) > 0);
    assert_int_equal(h.n, 0);
    assert_false(exists_with_suffix(f->path, ""));
}

static void test_migrate_newer_refused(void **state)
{
    struct fixture *f = *state;
    struct heard h = {0};
    char err[256] = "";
    sql_exec(f->path, "PRAGMA user_version = 9999");
    assert_int_equal(gz_store_migrate(f->path, on_migrated, &h, err, sizeof err),
                     GZ_EINVAL);
    assert_true(strstr(err, "newer than this gazette") != NULL);
    assert_int_equal(h.n, 0);
    assert_int_equal(sql_i64(f->path, "PRAGMA user_version"), 9999);
}

/* A migration that fails (here: its table is already there) is rolled
 * back whole and reported; the version stays where it was. */
static void test_migrate_failure_rolls_back(void **state)
{
    struct fixture *f = *state;
    struct heard h = {0};
    char err[256] = "";
    sql_exec(f->path, "CREATE TABLE articles (x)");
    assert_int_equal(gz_store_migrate(f->path, on_migrated, &h, err, sizeof err), GZ_EIO);
    assert_true(strstr(err, gz_store_migration_name(1)) != NULL);
    assert_int_equal(h.n, 0);
    assert_int_equal(sql_i64(f->path, "PRAGMA user_version"), 0);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM sqlite_master WHERE name = "
                                      "'authors'"),
                     0);
}

/* A PostgreSQL URL goes to PostgreSQL: one that reaches no server fails
 * with its reason, and no SQLite file of that name appears. */
static void test_postgres_unreachable(void **state)
{
    (void)state;
    char err[256] = "";
    int64_t version = -1;
    static const char url[] = "postgresql://127.0.0.1:1/db?connect_timeout=2";
    assert_int_equal(gz_store_schema_version(url, &version, err, sizeof err), GZ_EIO);
    assert_non_null(strstr(err, "connecting to PostgreSQL"));
    err[0] = '\0';
    assert_int_equal(gz_store_migrate(url, NULL, NULL, err, sizeof err), GZ_EIO);
    assert_non_null(strstr(err, "connecting to PostgreSQL"));
    assert_int_equal(access("postgresql:", F_OK), -1);
    assert_int_equal(gz_store_migrate("", NULL, NULL, err, sizeof err), GZ_EINVAL);
    assert_int_equal(gz_store_schema_version(NULL, &version, err, sizeof err), GZ_EINVAL);
}

int main(void)
{
    /* Keep the run quiet: migrations log at info level, failures at error. */
    gz_log_set_level(GZ_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latest_and_names),
        cmocka_unit_test_setup_teardown(test_version_of_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_leaves_journal_mode, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_version_of_current_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_newer_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_reports_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_without_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_newer_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_failure_rolls_back, setup, teardown),
        cmocka_unit_test(test_postgres_unreachable),
    };
    return cmocka_run_group_tests_name("store_migrate", tests, NULL, NULL);
}
