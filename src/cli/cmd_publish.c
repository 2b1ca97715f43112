/* gazette publish / unpublish: put an article on the site or take it off. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"

static int change_status(int argc, char **argv, int publish)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("at", 1, "publish at this time (UTC) instead of now"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]) - (publish ? 0 : 1), npos;
    const char *pos[1];
    int rc = gz_cli_parse(
        argc, argv, publish ? "gazette publish ID [--at TIME]" : "gazette unpublish ID",
        opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    int64_t id, when = time(NULL);
    if (gz_cli_article_id(publish ? "publish" : "unpublish", pos, npos, &id))
        return GZ_EXIT_USAGE;
    const char *at = gz_cli_opt(opts, n, "at");
    if (at && gz_cli_parse_time(at, &when))
        return GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_article a = {0};
    struct gz_store *st = NULL;
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_article(&cfg, id, &st, &a))
        goto out;
    if (publish) {
        a.status = GZ_STATUS_PUBLISHED;
        /* Re-publishing keeps the original date unless a new one is given. */
        if (at || !a.published_at)
            a.published_at = when;
    } else {
        a.status = GZ_STATUS_UNPUBLISHED;
    }
    if (gz_cli_save_article(st, &cfg, &a, publish ? "published" : "unpublished") == GZ_OK)
        rc = GZ_EXIT_OK;
out:
    gz_article_clear(&a);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

int gz_cmd_publish(int argc, char **argv)
{
    return change_status(argc, argv, 1);
}

int gz_cmd_unpublish(int argc, char **argv)
{
    return change_status(argc, argv, 0);
}
