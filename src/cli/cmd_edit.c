/* gazette edit: change an article's text or metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

int gz_cmd_edit(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_CLI_ARTICLE_OPTS,
        GZ_OPT("body", 1, "new Markdown body from FILE ('-' for stdin)"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc =
        gz_cli_parse(argc, argv, "gazette edit ID [OPTIONS]", opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    int64_t id;
    if (gz_cli_article_id("edit", pos, npos, &id))
        return GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_article a = {0};
    struct gz_store *st = NULL;
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_article(&cfg, id, &st, &a))
        goto out;
    const char *body = gz_cli_opt(opts, n, "body");
    char *text = NULL;
    if (body) {
        if (gz_cli_read_body(body, &text))
            goto out;
        free(a.body_src);
        a.body_src = text;
    }
    if (gz_cli_apply_article_opts(&a, opts, n, st))
        goto out;
    if (gz_cli_save_article(st, &cfg, &a, "updated") == GZ_OK)
        rc = GZ_EXIT_OK;
out:
    gz_article_clear(&a);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}
