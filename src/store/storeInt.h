/* Private to src/store/: what store.c and the backends share. */
#ifndef GZ_STORE_INT_H
#define GZ_STORE_INT_H

#include <stddef.h>

#include "core/embed.h"
#include "store/store.h"

/* Opens (creating if needed) the SQLite database at `path` and applies
 * pending migrations. Same contract as gz_store_open. */
int gz_store_sqlite_open(const char *path, struct gz_store **out, char *err,
                         size_t errlen);

/* The SQLite side of gz_store_schema_version and gz_store_migrate. */
int gz_store_sqlite_schema_version(const char *path, int64_t *version, char *err,
                                   size_t errlen);
int gz_store_sqlite_migrate(const char *path, gz_store_migrated_cb migrated, void *ctx,
                            char *err, size_t errlen);

/* The schema migrations: src/store/migrations/NNNN_what.sql, embedded in
 * the binary in order (src/store/meson.build); NNNN is the schema version,
 * 1, 2, 3, ... without gaps. */
extern const struct gz_embedded_file gz_store_migration_files[];
extern const size_t gz_store_migration_count;

/* The version of a migration file ("0002_what.sql" is 2), or -1. */
int gz_store_migration_version(const char *name);

#endif
