/* gazette init: create a new, empty site database. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"

/* A SQLite site is its file. A PostgreSQL database exists before gazette:
 * a site is there when the schema has gazette's tables (version > 0). */
static int site_exists(const char *db)
{
    if (!gz_store_url_is_pg(db))
        return access(db, F_OK) == 0;
    int64_t version = 0;
    char err[512];
    return gz_store_schema_version(db, &version, err, sizeof err) == GZ_OK && version > 0;
}

int gz_cmd_init(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette init [--db FILE]", opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    rc = GZ_EXIT_FAIL;
    struct gz_store *store;
    char err[512];
    if (site_exists(cfg.db)) {
        fprintf(stderr, "gazette: %s already exists; not touching it\n", cfg.db);
        goto out;
    }
    if (gz_store_open(cfg.db, &store, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        goto out;
    }
    gz_store_close(store);
    printf("created %s\nnext: gazette new --db %s --title \"...\" --publish body.md\n"
           "      gazette serve --db %s\n",
           cfg.db, cfg.db, cfg.db);
    rc = GZ_EXIT_OK;
out:
    gz_config_clear(&cfg);
    return rc;
}
