/* gazette migrate: apply the pending schema migrations of a site's
 * database, or with --dry-run only list them.
 *
 * Every command that opens the store applies pending migrations anyway
 * (gz_store_open); this command makes the step explicit for upgrades, so an
 * operator can back up, see what will run, run it, and only then start the
 * new gazette (docs/upgrading.md). */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "store/store.h"

static void print_pending(int64_t current, int latest, const char *verb)
{
    for (int v = (int)current + 1; v <= latest; v++)
        printf("%s %04d %s\n", verb, v, gz_store_migration_name(v));
}

static void on_migrated(void *ctx, int version, const char *name)
{
    (void)ctx;
    printf("applied %04d %s\n", version, name);
    /* Progress is the point: show each step before the next one starts. */
    fflush(stdout);
}

/* Prints the database's schema version and the latest one; returns 0 or -1. */
static int show_status(const char *db, int64_t *current)
{
    char err[512];
    int latest = gz_store_schema_latest();
    if (gz_store_schema_version(db, current, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        return -1;
    }
    printf("%s: schema version %lld; this gazette knows up to %d\n", db,
           (long long)*current, latest);
    return 0;
}

static int run(const char *db, int dry_run)
{
    char err[512];
    int64_t current;
    int latest = gz_store_schema_latest();
    struct stat sb;
    /* The store refuses a missing file too, but in SQLite's words ("unable
     * to open database file"); a mistyped --db deserves a plain answer. */
    if (!gz_store_url_is_pg(db) && stat(db, &sb) != 0) {
        fprintf(stderr, "gazette: %s: no such database (gazette init creates one)\n", db);
        return GZ_EXIT_FAIL;
    }
    if (show_status(db, &current))
        return GZ_EXIT_FAIL;
    if (current == latest) {
        printf("up to date; nothing to apply\n");
        return GZ_EXIT_OK;
    }
    if (dry_run) {
        print_pending(current, latest, "pending");
        printf("dry run: %d migration(s) pending; nothing changed\n",
               latest - (int)current);
        return GZ_EXIT_OK;
    }
    fflush(stdout);
    if (gz_store_migrate(db, on_migrated, NULL, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        return GZ_EXIT_FAIL;
    }
    printf("%s: now at schema version %d\n", db, latest);
    return GZ_EXIT_OK;
}

int gz_cmd_migrate(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("dry-run", 0, "list the pending migrations; change nothing"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette migrate [--db FILE] [--dry-run]", opts, n,
                          pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    /* This command says what it applies on stdout; the store's info log
     * line per migration would only repeat it. */
    gz_log_set_level(GZ_LOG_WARN);
    rc = run(cfg.db, gz_cli_opt(opts, n, "dry-run") != NULL);
    gz_config_clear(&cfg);
    return rc;
}
