/* gazette translate: link an article to its translations (the same story
 * in other languages), unlink it, or list them. A running server shows the
 * change within one flush interval: the store marks the articles changed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage[] = "gazette translate ID [--of OTHER_ID | --unlink]";

static int print_translations(struct gz_store *st, int64_t id)
{
    struct gz_teaser_list list = {0};
    if (st->ops->translations(st, id, (int64_t)time(NULL), &list)) {
        fprintf(stderr, "gazette: cannot read the translations of article %lld\n",
                (long long)id);
        return GZ_EXIT_FAIL;
    }
    if (list.len == 0)
        printf("article %lld has no published translations\n", (long long)id);
    for (size_t i = 0; i < list.len; i++)
        printf("%6lld  %-6s %s\n", (long long)list.items[i].id, list.items[i].lang,
               list.items[i].title);
    gz_teaser_list_clear(&list);
    return GZ_EXIT_OK;
}

static int link_articles(struct gz_store *st, int64_t id, int64_t of)
{
    int rc = st->ops->translation_link(st, id, of);
    switch (rc) {
    case GZ_OK:
        printf("linked article %lld as a translation of article %lld\n", (long long)id,
               (long long)of);
        return GZ_EXIT_OK;
    case GZ_ENOTFOUND:
        fprintf(stderr, "gazette: no article %lld or no article %lld\n", (long long)id,
                (long long)of);
        return GZ_EXIT_FAIL;
    case GZ_EINVAL:
        fprintf(stderr, "gazette: an article cannot be its own translation\n");
        return GZ_EXIT_USAGE;
    case GZ_EEXIST:
        fprintf(stderr,
                "gazette: article %lld or one of its translations is already in the "
                "language of article %lld (one article per language; unlink it first)\n",
                (long long)of, (long long)id);
        return GZ_EXIT_FAIL;
    default:
        fprintf(stderr, "gazette: cannot link the articles\n");
        return GZ_EXIT_FAIL;
    }
}

static int unlink_article(struct gz_store *st, int64_t id)
{
    int rc = st->ops->translation_unlink(st, id);
    if (rc == GZ_OK) {
        printf("article %lld is no longer linked to translations\n", (long long)id);
        return GZ_EXIT_OK;
    }
    if (rc == GZ_ENOTFOUND)
        fprintf(stderr, "gazette: no article %lld\n", (long long)id);
    else
        fprintf(stderr, "gazette: cannot unlink the article\n");
    return GZ_EXIT_FAIL;
}

int gz_cmd_translate(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("of", 1, "link ID as a translation of article OTHER_ID"),
        GZ_OPT("unlink", 0, "take ID out of its translations"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    int64_t id, of = 0;
    if (gz_cli_article_id("translate", pos, npos, &id))
        return GZ_EXIT_USAGE;
    const char *of_text = gz_cli_opt(opts, n, "of");
    int do_unlink = gz_cli_opt(opts, n, "unlink") != NULL;
    if (of_text &&
        (do_unlink || gz_parse_i64(of_text, strlen(of_text), 1, INT64_MAX, &of))) {
        fprintf(stderr, "gazette: usage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_store *st = NULL;
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st) == GZ_OK)
        rc = of          ? link_articles(st, id, of)
             : do_unlink ? unlink_article(st, id)
                         : print_translations(st, id);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}
