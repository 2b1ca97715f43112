/* gazette import markdown DIR: a Hugo or Jekyll content folder into
 * articles, in one transaction (io/markdown.h). */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "io/markdown.h"
#include "store/store.h"

static const char usage[] = "gazette import markdown DIR";

static int import_dir(const struct gz_config *cfg, const char *dir)
{
    char err[1024];
    struct gz_markdown_report rep;
    struct gz_markdown_opts o = {
        .lang = cfg->site_lang,
        .teaser_words = (size_t)cfg->teaser_words,
        .now = (int64_t)time(NULL),
    };
    struct gz_store *s = NULL;
    int rc = gz_cli_open_store(cfg, &s);
    if (rc == GZ_OK) {
        rc = gz_markdown_import(s, dir, &o, &rep, err, sizeof err);
        if (rc != GZ_OK)
            fprintf(stderr, "gazette: import markdown: %s\nnothing was imported\n", err);
        else
            printf("imported %s: %lld created, %lld updated, %lld skipped\n", dir,
                   (long long)rep.created, (long long)rep.updated,
                   (long long)rep.skipped);
    }
    gz_store_close(s);
    return rc;
}

int gz_cmd_import_markdown(int argc, char **argv)
{
    return gz_cli_run_on(argc, argv, usage, "import markdown", "DIR", import_dir);
}
