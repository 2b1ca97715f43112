/* gazette export static DIR | json: the site out of gazette, as files any
 * static host serves (here) or as one JSON document (cmd_export_json.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "io/export.h"

static const char static_usage[] =
    "gazette export static DIR [--beacon-url URL] [--base-url URL] [--verbose]";

static int export_static(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("beacon-url", 1,
               "live site counting the export's views, as URL/v/ID (default: "
               "export.beacon_url, else site.url; \"\" for none)"),
        GZ_OPT("base-url", 1, "public URL of the export (default: site.url)"),
        GZ_OPT("verbose", 0, "print each file written (W) or removed (D)"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, static_usage, opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "gazette: export static needs a folder\nusage: %s\n",
                static_usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_export_opts o = {
        .dir = pos[0],
        .beacon_url = gz_cli_opt(opts, n, "beacon-url"),
        .base_url = gz_cli_opt(opts, n, "base-url"),
        .verbose = gz_cli_opt(opts, n, "verbose") ? stdout : NULL,
    };
    struct gz_export_report r;
    char err[512];
    rc = gz_export_static(&cfg, &o, &r, err, sizeof err); /* clears cfg */
    printf("exported %s: %zu written, %zu unchanged, %zu removed, %zu skipped "
           "(%zu redirect pages) in %.2f s\n",
           pos[0], r.written, r.unchanged, r.removed, r.skipped, r.redirects, r.seconds);
    if (rc) {
        fprintf(stderr, "gazette: export static: %s\n", err);
        return GZ_EXIT_FAIL;
    }
    return GZ_EXIT_OK;
}

int gz_cmd_export(int argc, char **argv)
{
    static const struct gz_cli_sub subs[] = {
        {"static", export_static, "the public site as files any web server serves"},
        /* JSON: written by the json export (cmd_export_json.c). */
        {"json", gz_cmd_export_json, "everything, as one documented JSON file"},
    };
    return gz_cli_run_sub("export", subs, sizeof(subs) / sizeof(subs[0]), NULL, argc,
                          argv);
}
