/* The SQLite backend of the store: an online copy of the database
 * (`gazette backup`), with SQLite's backup API.
 *
 * The copy is taken in steps of STEP_PAGES pages; between steps the source
 * is not locked, so a running server keeps writing. In WAL mode a step
 * never blocks the writer anyway (it reads a snapshot), but if another
 * connection writes between two steps SQLite starts the copy over, and a
 * busy site (the views flusher writes every second) could keep a large
 * copy from ever finishing. After RESTARTS_MAX such restarts the rest is
 * copied in one step: one read snapshot, which in WAL mode still does not
 * block the writer. Either way the copy is one consistent state. */
#include <stdio.h>
#include <string.h>

#include "store/sqliteInt.h"

#define STEP_PAGES 1024 /* 4 MiB with the default page size */
#define RESTARTS_MAX 3
#define BUSY_WAIT_MS 20
#define BUSY_TRIES_MAX 500 /* 10 s of a source locked by another process */

static int fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    char msg[256];
    snprintf(err, errlen, "%s: %s", what, gz_sqlite_errmsg(db, msg, sizeof msg));
    return GZ_EIO;
}

/* Runs the backup to its end; returns the last sqlite3_backup_step code. */
static int copy_steps(sqlite3_backup *b)
{
    int restarts = 0, busy = 0, pages = STEP_PAGES, rc;
    int last_remaining = -1;
    for (;;) {
        rc = sqlite3_backup_step(b, pages);
        if (rc == SQLITE_DONE)
            return rc;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busy > BUSY_TRIES_MAX)
                return rc;
            sqlite3_sleep(BUSY_WAIT_MS);
            continue;
        }
        if (rc != SQLITE_OK)
            return rc;
        int remaining = sqlite3_backup_remaining(b);
        if (last_remaining >= 0 && remaining > last_remaining &&
            ++restarts >= RESTARTS_MAX)
            pages = -1;
        last_remaining = remaining;
    }
}

int gz_sqlite_backup(struct gz_store *gs, const char *path, char *err, size_t errlen)
{
    struct sqlite_store *s = from(gs);
    sqlite3 *dest = NULL;
    int rc =
        sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = fail(dest, path, err, errlen);
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", s->db, "main");
    if (!b) {
        rc = fail(dest, "starting the backup", err, errlen);
        goto out;
    }
    rc = copy_steps(b);
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE || frc != SQLITE_OK) {
        rc = fail(dest, "copying the database", err, errlen);
        goto out;
    }
    /* The copy is a single file: no -wal beside it to forget. */
    if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) !=
        SQLITE_OK) {
        rc = fail(dest, "finishing the copy", err, errlen);
        goto out;
    }
    rc = GZ_OK;
out:
    if (dest && sqlite3_close(dest) != SQLITE_OK && rc == GZ_OK)
        rc = fail(dest, "closing the copy", err, errlen);
    return rc;
}
