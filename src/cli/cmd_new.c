/* gazette new: write a new article from the shell. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"

int gz_cmd_new(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_CLI_ARTICLE_OPTS,
        GZ_OPT("publish", 0, "publish now (default: keep as a draft)"),
        GZ_OPT("at", 1, "publish at this time (UTC), e.g. 2026-12-01T09:30Z"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette new --title TITLE [OPTIONS] [FILE|-]",
                          opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (!gz_cli_opt(opts, n, "title")) {
        fprintf(stderr, "gazette: new needs --title\n");
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_article a = {0};
    struct gz_store *st = NULL;
    rc = GZ_EXIT_FAIL;
    const char *at = gz_cli_opt(opts, n, "at");
    if (at && gz_cli_parse_time(at, &a.published_at)) {
        rc = GZ_EXIT_USAGE;
        goto out;
    }
    if (at || gz_cli_opt(opts, n, "publish")) {
        a.status = GZ_STATUS_PUBLISHED; /* a future time makes it scheduled */
        if (!at)
            a.published_at = time(NULL);
    }
    const char *file = npos ? pos[0] : (isatty(0) ? NULL : "-");
    if (file ? gz_cli_read_body(file, &a.body_src) : (a.body_src = strdup(""), 0))
        goto out;
    if (gz_cli_open_store(&cfg, &st) || gz_cli_apply_article_opts(&a, opts, n, st))
        goto out;
    if (gz_cli_save_article(st, &cfg, &a, "created") == GZ_OK)
        rc = GZ_EXIT_OK;
out:
    gz_article_clear(&a);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}
