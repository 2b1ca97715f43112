/* gazette serve: serve the site over HTTP until SIGINT/SIGTERM. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "site/site.h"

/* The command line, kept so that SIGHUP can read the configuration again
 * from the same file, environment and flags. */
struct serve_args {
    int argc;
    char **argv;
};

static int reconfigure(void *ctx, struct gz_config *out, char *err, size_t errlen)
{
    const struct serve_args *a = ctx;
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS, GZ_CLI_SERVE_OPTS};
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    memset(out, 0, sizeof(*out));
    /* Problems are printed (to the error log's stderr) as at start. */
    if (gz_cli_parse(a->argc, a->argv, "gazette serve [OPTIONS]", opts, n, pos, 0,
                     &npos) ||
        gz_cli_config(out, opts, n)) {
        snprintf(err, errlen, "the configuration has errors (printed above)");
        return GZ_EINVAL;
    }
    return GZ_OK;
}

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
    struct serve_args args = {argc, argv};
    gz_site_set_reconfigure(site, reconfigure, &args);
    rc = gz_site_serve(site) ? GZ_EXIT_FAIL : GZ_EXIT_OK;
    gz_site_close(site);
out:
    gz_config_clear(&cfg);
    return rc;
}
