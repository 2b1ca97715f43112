/* gazette list: the published articles, newest first. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"

int gz_cmd_list(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("limit", 1, "how many (default 20)"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, "gazette list [--limit N]", opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    int64_t limit = 20;
    const char *v = gz_cli_opt(opts, n, "limit");
    if (v && gz_parse_i64(v, strlen(v), 1, 1000000, &limit)) {
        fprintf(stderr, "gazette: --limit expects a number from 1 to 1000000\n");
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_store *st = NULL;
    struct gz_teaser_list l = {0};
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st) ||
        st->ops->article_latest(st, time(NULL), 0, (size_t)limit, &l))
        goto out;
    for (size_t i = 0; i < l.len; i++) {
        time_t t = (time_t)l.items[i].published_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        printf("%6lld  %04d-%02d-%02d  /%04d/%02d/%s  %s\n", (long long)l.items[i].id,
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900,
               tm.tm_mon + 1, l.items[i].slug, l.items[i].title);
    }
    rc = GZ_EXIT_OK;
out:
    gz_teaser_list_clear(&l);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}
