/* The man page, gazette(1), printed in troff by `gazette help --man` from
 * what --help prints: the command table (main.c), each command's option
 * table (the command run with --help-man) and the settings table
 * (core/config.c). The build runs it to make gazette.1, so the page cannot
 * drift from the code. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

/* Writes s as troff text: backslashes escaped, a leading '.' or '\''
 * neutralised, and the dashes of option-like words ("--http-port") written
 * as \- so they render, and copy, as the ASCII hyphen-minus. */
static void roff(const char *s)
{
    int word_start = 1, option = 0;
    if (*s == '.' || *s == '\'')
        fputs("\\&", stdout);
    for (; *s; s++) {
        if (*s == '-' && word_start)
            option = 1;
        if (*s == '\\')
            fputs("\\e", stdout);
        else if (*s == '-' && option)
            fputs("\\-", stdout);
        else
            putchar(*s);
        word_start = strchr(" \t([,/|", *s) != NULL;
        if (word_start)
            option = 0;
    }
}

static void roff_line(const char *s)
{
    roff(s);
    putchar('\n');
}

static void option(const struct gz_opt *o)
{
    char flag[64];
    snprintf(flag, sizeof flag, "--%s", o->name);
    printf(".TP\n.B ");
    roff(flag);
    printf(o->has_value ? " \\fIVALUE\\fR\n" : "\n");
    roff_line(o->help);
}

/* The options of GZ_CLI_SITE_OPTS, described once under SITE OPTIONS. */
static int is_site_option(const struct gz_opt *o)
{
    return o->any_setting || !strcmp(o->name, "config") || !strcmp(o->name, "db") ||
           !strcmp(o->name, "set");
}

void gz_cli_man_options(const char *usage, const struct gz_opt *opts, size_t nopts)
{
    int site = 0;
    for (size_t i = 0; i < nopts; i++)
        site |= opts[i].any_setting;
    printf(".PP\n.B ");
    roff_line(usage);
    for (size_t i = 0; i < nopts; i++)
        if (!site || !is_site_option(&opts[i]))
            option(&opts[i]);
    if (site)
        printf(".TP\n.B \\-\\-config\\fR, \\fB\\-\\-db\\fR, \\fB\\-\\-set\\fR, "
               "\\fB\\-\\-\\fISECTION\\fB\\-\\fIKEY\\fR ...\n"
               "the site options (see SITE OPTIONS)\n");
    printf(".TP\n.B \\-\\-help\nshow the command's options\n");
}

static void site_options(void)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    printf(".SH SITE OPTIONS\n"
           "Every command that opens a site takes these, and a flag for every setting\n"
           "of CONFIGURATION.\n");
    for (size_t i = 0; i < GZ_COUNTOF(opts); i++)
        option(&opts[i]);
}

static void header(void)
{
    /* No hyphenation: flags and variable names must read (and copy) whole. */
    printf(".TH GAZETTE 1 \"\" \"gazette\" \"User Commands\"\n"
           ".nh\n"
           ".ad l\n"
           ".SH NAME\n"
           "gazette \\- a news\\-publishing server\n"
           ".SH SYNOPSIS\n"
           ".B gazette\n"
           ".I COMMAND\n"
           ".RI [ OPTIONS ]\n"
           ".br\n"
           ".B gazette\n"
           ".I COMMAND\n"
           ".B \\-\\-help\n"
           ".br\n"
           ".B gazette \\-\\-help\n"
           ".SH DESCRIPTION\n"
           "gazette publishes articles and serves them over HTTP. Every page shows the\n"
           "article and two live blocks, New Articles and Most viewed, and is served\n"
           "from memory while every view is counted. One binary, one SQLite database\n"
           "file, or a PostgreSQL database shared by several servers (\\fBstore.db\\fR\n"
           "set to a postgres:// URL or a libpq connection string).\n"
           ".PP\n"
           "Each command below takes the options listed with it; those that open a\n"
           "site also take every setting of\n"
           ".B CONFIGURATION\n"
           "as a flag.\n");
}

static void commands(const struct gz_cli_command *cmds, size_t n)
{
    printf(".SH COMMANDS\n");
    for (size_t i = 0; i < n; i++) {
        printf(".SS ");
        roff_line(cmds[i].name);
        roff_line(cmds[i].help);
        fflush(stdout);
        char *argv[] = {(char *)cmds[i].name, "--help-man", NULL};
        if (cmds[i].fn(2, argv) != GZ_EXIT_OK)
            fprintf(stderr, "gazette: %s --help-man failed; its options are missing\n",
                    cmds[i].name);
    }
}

static void configuration(void)
{
    struct gz_config defaults;
    struct gz_config_info info;
    char num[32], flag[64];
    gz_config_defaults(&defaults);
    printf(
        ".SH CONFIGURATION\n"
        "Each layer overrides the one before: built\\-in defaults; the INI file given\n"
        "with \\fB\\-\\-config\\fR \\fIFILE\\fR (else \\fB$GAZETTE_CONFIG\\fR);\n"
        "environment variables \\fBGAZETTE_\\fISECTION\\fB_\\fIKEY\\fR; command\\-line\n"
        "flags \\fB\\-\\-\\fISECTION\\fB\\-\\fIKEY\\fR \\fIVALUE\\fR, \\fB\\-\\-set\\fR\n"
        "\\fISECTION.KEY=VALUE\\fR and the short flags such as \\fB\\-\\-db\\fR and\n"
        "\\fB\\-\\-port\\fR, the last given winning. Underscores in keys become dashes "
        "in\n"
        "flags. Unknown sections or keys and bad values are errors;\n"
        "\\fBgazette config check\\fR lists them all and \\fBgazette config show\\fR\n"
        "prints the settings in effect and where each came from.\n");
    const char *section = "";
    for (size_t i = 0; i < gz_config_count(); i++) {
        gz_config_describe(i, &info);
        if (strcmp(section, info.section)) {
            printf(".SS [%s]\n", info.section);
            section = info.section;
        }
        const char *v = gz_config_value(&defaults, i, num, sizeof num);
        printf(".TP\n.B %s\n", info.name);
        roff(info.help);
        printf(".\n.br\nDefault: ");
        roff(*v ? v : "(empty)");
        printf("; accepts ");
        roff(info.accepts);
        printf(".\n.br\nEnvironment: \\fB%s\\fR; flag: \\fB", info.env);
        snprintf(flag, sizeof flag, "--%s", info.flag);
        roff(flag);
        printf("\\fR \\fIVALUE\\fR.\n");
    }
    gz_config_clear(&defaults);
}

static void footer(void)
{
    printf(".SH ENVIRONMENT\n"
           ".TP\n.B GAZETTE_CONFIG\n"
           "the configuration file when \\fB\\-\\-config\\fR is not given.\n"
           ".TP\n.B GAZETTE_\\fISECTION\\fB_\\fIKEY\\fR\n"
           "any setting, e.g. \\fBGAZETTE_HTTP_PORT=9000\\fR (see CONFIGURATION). A bad\n"
           "value is an error naming the variable; an unknown GAZETTE_ variable a\n"
           "warning.\n"
           ".SH SIGNALS\n"
           ".TP\n.BR SIGTERM \", \" SIGINT\n"
           "graceful stop: stop accepting connections, finish the requests in flight,\n"
           "write the last view counts to the database, exit 0.\n"
           ".SH FILES\n"
           ".TP\n.I gazette.db\n"
           "the site's SQLite database (\\fBstore.db\\fR), with its \\fI\\-wal\\fR and\n"
           "\\fI\\-shm\\fR files (on PostgreSQL, the database's own).\n"
           ".TP\n.I gazette.ini\n"
           "an annotated example configuration, listing every setting with its default,\n"
           "is docs/gazette.ini in the source tree.\n"
           ".SH EXIT STATUS\n"
           ".TP\n.B 0\nsuccess\n"
           ".TP\n.B 1\nfailure (including \\fBconfig check\\fR finding an error)\n"
           ".TP\n.B 2\nbad usage: an unknown command or option, or a bad setting\n"
           ".SH SEE ALSO\n"
           ".BR sqlite3 (1),\n"
           ".BR nginx (8);\n"
           "docs/configuration.md and docs/operations.md in the source tree.\n");
}

int gz_cli_man(const struct gz_cli_command *cmds, size_t n)
{
    header();
    commands(cmds, n);
    site_options();
    configuration();
    footer();
    return fflush(stdout) ? GZ_EXIT_FAIL : GZ_EXIT_OK;
}
