/* gazette: a news-publishing server. The command table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Also the source of the man page: `gazette help --man` (man.c). */
static const struct gz_cli_command commands[] = {
    {"serve", gz_cmd_serve, "serve the site over HTTP"},
    {"init", gz_cmd_init, "create a new, empty site database"},
    {"demo", gz_cmd_demo, "fill a site with generated demo articles and views"},
    {"new", gz_cmd_new, "write a new article (Markdown from a file or stdin)"},
    {"edit", gz_cmd_edit, "change an article"},
    {"publish", gz_cmd_publish, "publish an article now or at a given time"},
    {"unpublish", gz_cmd_unpublish, "take an article off the site"},
    {"list", gz_cmd_list, "list articles"},
    {"config", gz_cmd_config, "check a configuration file, or show the settings in effect"},
    {"migrate", gz_cmd_migrate, "apply pending database schema migrations (--dry-run)"},
    {"user", gz_cmd_user, "add, list and change users (accounts of the admin)"},
    {"token", gz_cmd_token, "create, list and revoke API tokens"},
    {"tag", gz_cmd_tag, "list tags; set their descriptions and aliases"},
    {"translate", gz_cmd_translate, "link an article to its translations, or unlink it"},
    {"export", gz_cmd_export, "export the site: static files any web server serves, or JSON"},
    {"backup", gz_cmd_backup, "copy a (running) site's database to a file, consistently"},
    {"import", gz_cmd_import, "move a site in: import wxr FILE, json FILE, markdown DIR"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: gazette COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'gazette COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GZ_EXIT_USAGE;
    }
    if (argc > 2 && !strcmp(argv[1], "help") && !strcmp(argv[2], "--man"))
        return gz_cli_man(commands, sizeof(commands) / sizeof(commands[0]));
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return GZ_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("gazette 0.1.0\n");
        return GZ_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "gazette: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return GZ_EXIT_USAGE;
}
