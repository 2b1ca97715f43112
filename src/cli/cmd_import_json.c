/* gazette import json FILE: an export of `gazette export json` read into
 * an empty site, in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/json.h"
#include "store/store.h"

static const char usage[] = "gazette import json FILE";

static void report(const struct gz_json_stats *stats)
{
    printf("imported %lld rows:", (long long)stats->rows);
    for (size_t i = 0; i < stats->nkinds; i++)
        printf(" %s %lld%s", stats->kinds[i].kind, (long long)stats->kinds[i].rows,
               i + 1 < stats->nkinds ? "," : "");
    printf("\n");
}

static int import_from(const struct gz_config *cfg, const char *path)
{
    char err[1024];
    struct gz_json_stats stats = {0};
    int to_stdin = !strcmp(path, "-");
    FILE *in = to_stdin ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "gazette: cannot read %s\n", path);
        return GZ_EIO;
    }
    struct gz_store *s = NULL;
    int rc = gz_cli_open_store(cfg, &s);
    if (rc == GZ_OK) {
        rc = gz_json_import(s, in, to_stdin ? "stdin" : path, &stats, err, sizeof err);
        if (rc != GZ_OK)
            fprintf(stderr, "gazette: import json: %s\nnothing was imported\n", err);
        else
            report(&stats);
    }
    gz_store_close(s);
    gz_json_stats_clear(&stats);
    if (!to_stdin)
        fclose(in);
    return rc;
}

int gz_cmd_import_json(int argc, char **argv)
{
    return gz_cli_run_on(argc, argv, usage, "import json", "FILE", import_from);
}
