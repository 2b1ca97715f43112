/* Private to src/store/: what store.c and the backends share. */
#ifndef GZ_STORE_INT_H
#define GZ_STORE_INT_H

#include <stddef.h>

#include "store/store.h"

/* Opens (creating if needed) the SQLite database at `path` and applies
 * pending migrations. Same contract as gz_store_open. */
int gz_store_sqlite_open(const char *path, struct gz_store **out, char *err,
                         size_t errlen);

/* One schema step. Versions run 1, 2, 3, ... without gaps; the database
 * records the last one applied in PRAGMA user_version. */
struct gz_store_migration {
    int version;
    const char *name; /* file name under src/store/migrations/ */
    const char *sql;
};

extern const struct gz_store_migration gz_store_sqlite_migrations[];
extern const size_t gz_store_sqlite_nmigrations;

#endif
