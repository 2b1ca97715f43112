/* gazette serve: serve the site over HTTP until SIGINT/SIGTERM. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/config.h"
#include "site/site.h"

int gz_cmd_serve(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS, GZ_CLI_SERVE_OPTS};
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette serve [OPTIONS]", opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_site *site;
    char err[512];
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
