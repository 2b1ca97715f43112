/* gazette tag list | edit: tags (the site's sections), their descriptions
 * and their aliases, from the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static const char list_usage[] = "gazette tag list";
static const char edit_usage[] =
    "gazette tag edit SLUG [--description TEXT] [--alias A]... [--remove-alias A]...";

/* Every tag there can be; far above what a site has. */
#define TAGS_MAX 1000000

/* Parses arguments and builds the configuration: -1 to go on, else the
 * exit code to return at once. */
static int setup(int argc, char **argv, const char *usage, struct gz_opt *opts, size_t n,
                 const char **pos, size_t npos_want, size_t *npos, struct gz_config *cfg)
{
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, npos_want, npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (*npos < npos_want) {
        fprintf(stderr, "gazette: missing argument\nusage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    if (gz_cli_config(cfg, opts, n))
        return GZ_EXIT_USAGE;
    return -1;
}

/* "a, b, c": the aliases of tag_id in l. */
static void print_aliases(const struct gz_tag_alias_list *l, int64_t tag_id)
{
    int first = 1;
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i].tag_id != tag_id)
            continue;
        printf("%s%s", first ? "" : ", ", l->items[i].alias);
        first = 0;
    }
    if (first)
        printf("-");
}

static int print_tag(struct gz_store *st, const struct gz_tag *t,
                     const struct gz_tag_alias_list *aliases)
{
    char *about = NULL;
    if (st->ops->tag_description_get(st, t->id, &about))
        return GZ_EIO;
    printf("%-24s %-24s ", t->slug, t->name);
    print_aliases(aliases, t->id);
    printf("\n");
    if (about[0])
        printf("    %s\n", about);
    free(about);
    return GZ_OK;
}

static int tag_list(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, list_usage, opts, n, pos, 0, &npos, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_tag_list tags = {0};
    struct gz_tag_alias_list aliases = {0};
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st))
        goto out;
    if (st->ops->tag_list(st, NULL, TAGS_MAX, &tags) ||
        st->ops->tag_alias_list(st, 0, &aliases)) {
        fprintf(stderr, "gazette: could not list the tags\n");
        goto out;
    }
    printf("%-24s %-24s %s\n", "SLUG", "NAME", "ALIASES");
    for (size_t i = 0; i < tags.len; i++)
        if (print_tag(st, &tags.items[i], &aliases)) {
            fprintf(stderr, "gazette: could not read tag '%s'\n", tags.items[i].slug);
            goto out;
        }
    rc = GZ_EXIT_OK;
out:
    gz_tag_alias_list_clear(&aliases);
    gz_tag_list_clear(&tags);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

/* The tag named by its slug, or by one of its aliases. */
static int find_tag(struct gz_store *st, const char *slug, struct gz_tag *t)
{
    int rc = st->ops->tag_get_by_slug(st, slug, t);
    if (rc == GZ_ENOTFOUND)
        rc = st->ops->tag_alias_resolve(st, slug, t);
    if (rc == GZ_ENOTFOUND)
        fprintf(stderr, "gazette: no tag '%s' (see 'gazette tag list')\n", slug);
    else if (rc)
        fprintf(stderr, "gazette: could not read tag '%s'\n", slug);
    return rc;
}

static int remove_alias(struct gz_store *st, const char *alias)
{
    int rc = st->ops->tag_alias_delete(st, alias);
    if (rc == GZ_ENOTFOUND)
        fprintf(stderr, "gazette: '%s' is not an alias\n", alias);
    else if (rc)
        fprintf(stderr, "gazette: could not remove alias '%s'\n", alias);
    return rc;
}

static int add_alias(struct gz_store *st, const struct gz_tag *t, const char *alias)
{
    int rc = st->ops->tag_alias_add(st, t->id, alias);
    if (rc == GZ_EEXIST)
        fprintf(stderr, "gazette: '%s' is already an alias, or the name of a tag\n",
                alias);
    else if (rc == GZ_EINVAL)
        fprintf(stderr,
                "gazette: alias '%s': 1 to %d bytes of UTF-8 text with a letter or a "
                "digit in it\n",
                alias, GZ_TAG_ALIAS_MAX);
    else if (rc)
        fprintf(stderr, "gazette: could not add alias '%s'\n", alias);
    return rc;
}

static int set_description(struct gz_store *st, const struct gz_tag *t, const char *text)
{
    int rc = st->ops->tag_description_set(st, t->id, text);
    if (rc == GZ_EINVAL)
        fprintf(stderr, "gazette: --description: at most %d bytes of UTF-8 text\n",
                GZ_TAG_DESCRIPTION_MAX);
    else if (rc)
        fprintf(stderr, "gazette: could not set the description\n");
    return rc;
}

/* Removals first, so "--remove-alias A --alias A" moves nothing around;
 * all of it in one transaction. */
static int apply_edits(struct gz_store *st, const struct gz_tag *t,
                       const struct gz_opt *opts, size_t n)
{
    const struct gz_opt *add = NULL, *del = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(opts[i].name, "alias"))
            add = &opts[i];
        else if (!strcmp(opts[i].name, "remove-alias"))
            del = &opts[i];
    }
    int rc = st->ops->begin(st);
    for (size_t i = 0; rc == GZ_OK && i < del->nvalues; i++)
        rc = remove_alias(st, del->values[i]);
    for (size_t i = 0; rc == GZ_OK && i < add->nvalues; i++)
        rc = add_alias(st, t, add->values[i]);
    const char *about = gz_cli_opt(opts, n, "description");
    if (rc == GZ_OK && about)
        rc = set_description(st, t, about);
    if (rc == GZ_OK)
        return st->ops->commit(st);
    st->ops->rollback(st);
    return rc;
}

static int tag_edit(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("description", 1,
               "what the section is about, shown on its page (\"\" clears)"),
        GZ_OPT("alias", 1, "another name that leads to the tag (repeatable)"),
        GZ_OPT("remove-alias", 1, "an alias to remove (repeatable)"),
    };
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, edit_usage, opts, n, pos, 1, &npos, &cfg);
    if (rc >= 0)
        return rc;
    if (!gz_cli_opt(opts, n, "description") && !gz_cli_opt(opts, n, "alias") &&
        !gz_cli_opt(opts, n, "remove-alias")) {
        fprintf(stderr, "gazette: nothing to change\nusage: %s\n", edit_usage);
        gz_config_clear(&cfg);
        return GZ_EXIT_USAGE;
    }
    struct gz_store *st = NULL;
    struct gz_tag t = {0};
    struct gz_tag_alias_list aliases = {0};
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st) || find_tag(st, pos[0], &t) ||
        apply_edits(st, &t, opts, n) || st->ops->tag_alias_list(st, t.id, &aliases))
        goto out;
    printf("%-24s %-24s %s\n", "SLUG", "NAME", "ALIASES");
    if (print_tag(st, &t, &aliases) == GZ_OK)
        rc = GZ_EXIT_OK;
out:
    gz_tag_alias_list_clear(&aliases);
    gz_tag_clear(&t);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static const struct gz_cli_sub subcommands[] = {
    {"list", tag_list, "list the tags with their aliases and descriptions"},
    {"edit", tag_edit, "set a tag's description, add or remove its aliases"},
};

int gz_cmd_tag(int argc, char **argv)
{
    return gz_cli_run_sub(
        "tag", subcommands, GZ_COUNTOF(subcommands),
        "An alias is another name of a tag: /tag/ALIAS redirects to the tag's\n"
        "page, and searching for the alias also finds the tag's name.\n",
        argc, argv);
}
