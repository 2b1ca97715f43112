/* gazette serve: serve the site over HTTP until SIGINT/SIGTERM. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/config.h"
#include "site/site.h"

int gz_cmd_serve(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("listen", 1, "address to listen on (default 127.0.0.1)"),
        GZ_OPT("port", 1, "TCP port (default 8080)"),
        GZ_OPT("threads", 1, "event loops (default: one per core)"),
        GZ_OPT("window", 1, "Most viewed window: all, 24h, 7d or 30d (default all)"),
        GZ_OPT("theme", 1,
               "folder whose templates/ and assets/ override the default theme"),
        GZ_OPT("flush-ms", 1, "view flush interval in milliseconds (default 1000)"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette serve [OPTIONS]", opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    static const char *map[][2] = {
        {"listen", "http.listen"},   {"port", "http.port"},
        {"threads", "http.threads"}, {"window", "blocks.window"},
        {"theme", "site.theme"},     {"flush-ms", "views.flush_ms"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        const char *v = gz_cli_opt(opts, n, map[i][0]);
        if (v && gz_config_set(&cfg, map[i][1], v, err, sizeof err)) {
            fprintf(stderr, "gazette: --%s: %s\n", map[i][0], err);
            gz_config_clear(&cfg);
            return GZ_EXIT_USAGE;
        }
    }
    if (gz_config_validate(&cfg, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        gz_config_clear(&cfg);
        return GZ_EXIT_USAGE;
    }
    struct gz_site *site;
    rc = GZ_EXIT_FAIL;
    if (gz_site_open(&cfg, &site, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        goto out;
    }
    rc = gz_site_serve(site) ? GZ_EXIT_FAIL : GZ_EXIT_OK;
    gz_site_close(site);
out:
    gz_config_clear(&cfg);
    return rc;
}
