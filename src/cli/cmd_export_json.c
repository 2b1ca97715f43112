/* gazette export json [--with-secrets] [-o FILE]: the whole site as JSON
 * Lines (io/json.h), on stdout or into FILE (written to FILE.tmp, then
 * moved, so FILE is never half an export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/json.h"
#include "store/store.h"

static const char usage[] = "gazette export json [--with-secrets] [-o FILE]";

static void report(const struct gz_json_stats *stats)
{
    fprintf(stderr, "exported %lld rows:", (long long)stats->rows);
    for (size_t i = 0; i < stats->nkinds; i++)
        fprintf(stderr, " %s %lld%s", stats->kinds[i].kind,
                (long long)stats->kinds[i].rows, i + 1 < stats->nkinds ? "," : "");
    fprintf(stderr, "\n");
}

/* Writes the export to path ("-" or NULL: stdout). */
static int export_to(struct gz_store *s, const char *path, int with_secrets)
{
    char tmp[4096], err[512];
    struct gz_json_stats stats;
    int to_stdout = !path || !strcmp(path, "-");
    FILE *out = stdout;
    if (!to_stdout) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp ||
            !(out = fopen(tmp, "w"))) {
            fprintf(stderr, "gazette: cannot write %s\n", path);
            return GZ_EIO;
        }
    }
    int rc = gz_json_export(s, out, with_secrets, &stats, err, sizeof err);
    if (!to_stdout) {
        if (fclose(out) && rc == GZ_OK) {
            snprintf(err, sizeof err, "writing %.400s failed", tmp);
            rc = GZ_EIO;
        }
        if (rc == GZ_OK && rename(tmp, path)) {
            snprintf(err, sizeof err, "cannot write %.400s", path);
            rc = GZ_EIO;
        }
        if (rc != GZ_OK)
            unlink(tmp);
    }
    if (rc != GZ_OK)
        fprintf(stderr, "gazette: export json: %s\n", err);
    else
        report(&stats);
    gz_json_stats_clear(&stats);
    return rc;
}

int gz_cmd_export_json(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_OPT("with-secrets", 0, "include users' password hashes"),
        GZ_OPT("output", 1, "write to FILE instead of stdout (also -o FILE)"),
        GZ_CLI_SITE_OPTS,
    };
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    /* The option parser knows long options only: -o is --output. */
    char **args = gz_xcalloc((size_t)argc + 1, sizeof *args);
    for (int i = 0; i < argc; i++)
        args[i] = strcmp(argv[i], "-o") ? argv[i] : (char *)"--output";
    int rc = gz_cli_parse(argc, args, usage, opts, n, pos, 1, &npos);
    free(args);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos) {
        fprintf(stderr, "gazette: export json takes no argument\nusage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    const char *path = gz_cli_opt(opts, n, "output");
    struct gz_store *s = NULL;
    rc = gz_cli_open_store(&cfg, &s);
    if (rc == GZ_OK)
        rc = export_to(s, path, gz_cli_opt(opts, n, "with-secrets") != NULL);
    gz_store_close(s);
    gz_config_clear(&cfg);
    return rc == GZ_OK ? GZ_EXIT_OK : GZ_EXIT_FAIL;
}
