/* The command-line interface: a table of subcommands (git's commands[]),
 * one cmd_*.c per subcommand, and the option parsing they share. */
#ifndef GZ_CLI_H
#define GZ_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

/* Exit codes. */
enum { GZ_EXIT_OK = 0, GZ_EXIT_FAIL = 1, GZ_EXIT_USAGE = 2 };

/* Values one option may be given (repeatable options). */
#define GZ_OPT_MAX 32

/* One option a command accepts: "--name VALUE" or "--name=VALUE", or a flag
 * ("--name") when has_value is 0. An option with a setting ("http.port")
 * sets that setting; the one entry with any_setting takes the flag of every
 * setting of the table in core/config.c ("--http-port 8080"). */
struct gz_opt {
    const char *name;
    int has_value;
    const char *help;
    const char *setting; /* "section.key" this option sets, or NULL */
    int any_setting;     /* takes --SECTION-KEY for every setting */
    /* Filled by gz_cli_parse: */
    const char *value;              /* the last one given; "1" for a flag */
    const char *values[GZ_OPT_MAX]; /* every value given, for repeatable options */
    int order[GZ_OPT_MAX];          /* argv index of each: flags apply in that order */
    int which[GZ_OPT_MAX];          /* any_setting: the setting of each value */
    size_t nvalues;
};

/* Parses argv[1..] against opts; positional arguments go to pos (at most
 * maxpos). --help prints usage and returns 1 (the caller exits 0), and so
 * does --help-man, which prints the options as troff for the man page.
 * Errors are printed; returns -1. Returns 0 on success. */
int gz_cli_parse(int argc, char **argv, const char *usage, struct gz_opt *opts,
                 size_t nopts, const char **pos, size_t maxpos, size_t *npos);
const char *gz_cli_opt(const struct gz_opt *opts, size_t nopts, const char *name);

#define GZ_OPT(n, v, h)                                                                  \
    {                                                                                    \
        .name = (n), .has_value = (v), .help = (h)                                       \
    }
/* An option that sets one setting, e.g. serve's --port for http.port. */
#define GZ_OPT_SETTING(n, s, h)                                                          \
    {                                                                                    \
        .name = (n), .has_value = 1, .help = (h), .setting = (s)                         \
    }

/* The options every command that opens a site takes: --config, --db, --set
 * and --SECTION-KEY for every setting. */
#define GZ_CLI_SITE_OPTS                                                                 \
    GZ_OPT("config", 1, "INI file with the site's settings (default: $GAZETTE_CONFIG)"), \
        GZ_OPT_SETTING("db", "store.db",                                                 \
                       "database file (default gazette.db) or PostgreSQL URL"),          \
        GZ_OPT("set", 1, "SECTION.KEY=VALUE, any setting (repeatable)"),                 \
    {                                                                                    \
        .name = "SECTION-KEY", .has_value = 1, .any_setting = 1,                         \
        .help = "any setting, e.g. --http-port 8080 (see 'gazette config show')"         \
    }

/* serve's short flags (also taken by `config show`, to show what serve
 * would use). */
#define GZ_CLI_SERVE_OPTS                                                                \
    GZ_OPT_SETTING("listen", "http.listen", "address to listen on (default 127.0.0.1)"), \
        GZ_OPT_SETTING("port", "http.port", "TCP port (default 8080)"),                  \
        GZ_OPT_SETTING("threads", "http.threads",                                        \
                       "event loops (default: one per core)"),                           \
        GZ_OPT_SETTING("window", "blocks.window",                                        \
                       "Most viewed window: all, 24h, 7d or 30d (default all)"),         \
        GZ_OPT_SETTING(                                                                  \
            "theme", "site.theme",                                                       \
            "folder whose templates/ and assets/ override the default theme"),           \
        GZ_OPT_SETTING("flush-ms", "views.flush_ms",                                     \
                       "view flush interval in milliseconds (default 1000)")

/* Builds the configuration, each layer over the one before: defaults, the
 * file (--config, else $GAZETTE_CONFIG), GAZETTE_* environment variables,
 * then the setting flags (--db, --set, --SECTION-KEY, serve's --port...) in
 * command-line order. Prints every problem; returns 0 or -1 (cfg cleared). */
int gz_cli_config(struct gz_config *cfg, const struct gz_opt *opts, size_t nopts);

/* One subcommand of main.c's table, which is also the man page's source. */
struct gz_cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

/* man.c: prints gazette(1) in troff, from the command table, each
 * command's options (run with --help-man) and the settings table. Returns
 * an exit code. */
int gz_cli_man(const struct gz_cli_command *cmds, size_t n);
/* Prints one command's usage and options as troff (for --help-man). */
void gz_cli_man_options(const char *usage, const struct gz_opt *opts, size_t nopts);

/* article_opts.c: what new, edit and publish share. */
struct gz_article;
struct gz_store;
#define GZ_CLI_ARTICLE_OPTS                                                              \
    GZ_OPT("title", 1, "headline"),                                                      \
        GZ_OPT("summary", 1, "summary (the teaser when set)"),                           \
        GZ_OPT("lang", 1, "language tag, e.g. en, fa, ar (default: the site's)"),        \
        GZ_OPT("author", 1, "byline (created when new)"),                                \
        GZ_OPT("tags", 1, "comma-separated tags"),                                       \
        GZ_OPT("slug", 1, "URL slug (default: made from the title)")
/* Reads a Markdown body from path ("-" for stdin), at most 16 MiB. */
int gz_cli_read_body(const char *path, char **out);
/* Unix seconds, "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC). */
int gz_cli_parse_time(const char *s, int64_t *out);
/* Applies the GZ_CLI_ARTICLE_OPTS given to a. */
int gz_cli_apply_article_opts(struct gz_article *a, const struct gz_opt *opts, size_t n,
                              struct gz_store *st);
/* Prepares (HTML, teaser, slug), saves and prints one line about it. */
int gz_cli_save_article(struct gz_store *st, const struct gz_config *cfg,
                        struct gz_article *a, const char *verb);
/* Reads the one positional argument as an article ID; prints errors. */
int gz_cli_article_id(const char *cmd, const char **pos, size_t npos, int64_t *id);
/* Opens the site's store and reads article id into a; prints errors. The
 * caller closes *st (also on failure) and clears a. */
int gz_cli_open_article(const struct gz_config *cfg, int64_t id, struct gz_store **st,
                        struct gz_article *a);
/* Opens the store of the configured site; prints errors. */
int gz_cli_open_store(const struct gz_config *cfg, struct gz_store **st);

int gz_cmd_serve(int argc, char **argv);
int gz_cmd_init(int argc, char **argv);
int gz_cmd_demo(int argc, char **argv);
int gz_cmd_new(int argc, char **argv);
int gz_cmd_edit(int argc, char **argv);
int gz_cmd_publish(int argc, char **argv);
int gz_cmd_unpublish(int argc, char **argv);
int gz_cmd_list(int argc, char **argv);
int gz_cmd_config(int argc, char **argv);
int gz_cmd_migrate(int argc, char **argv);
/* For commands with subcommands (user, token): moves the subcommand to
 * argv[1] when site options come first ("user --db site.db add NAME"), so
 * that the subcommand parses them. The options before it must all take a
 * value, as the site options do. -1 when there is no subcommand. */
int gz_cli_subcommand_first(int argc, char **argv);

/* A command that takes the site options and one argument ("gazette import
 * json FILE"): parses them, then runs fn(cfg, argument); `what` names the
 * argument in the usage error ("FILE", "DIR"). Returns the exit code. */
int gz_cli_run_on(int argc, char **argv, const char *usage, const char *cmd,
                  const char *what,
                  int (*fn)(const struct gz_config *cfg, const char *arg));

/* One subcommand of a command with subcommands ("gazette user add"). */
struct gz_cli_sub {
    const char *name;
    int (*fn)(int argc, char **argv); /* argv[0] is the subcommand's name */
    const char *help;                 /* one line, for the usage text */
};

/* Runs `gazette CMD SUB ...`: --help (usage on stdout), --help-man (every
 * subcommand's options, for the man page), the subcommand named by argv[1]
 * (site options may come first: gz_cli_subcommand_first), or a usage error.
 * The usage text lists the subcommands, then `note` (may be NULL). */
int gz_cli_run_sub(const char *cmd, const struct gz_cli_sub *subs, size_t n,
                   const char *note, int argc, char **argv);
int gz_cmd_user(int argc, char **argv);
int gz_cmd_token(int argc, char **argv);
int gz_cmd_tag(int argc, char **argv);
int gz_cmd_translate(int argc, char **argv);
/* backup FILE; export json, import json, import markdown: argv[0] is the
 * subcommand's name ("json"), as the export and import dispatchers pass it. */
int gz_cmd_backup(int argc, char **argv);
/* export static DIR | export json (cmd_export.c dispatches). */
int gz_cmd_export(int argc, char **argv);
int gz_cmd_export_json(int argc, char **argv);
int gz_cmd_import_json(int argc, char **argv);
int gz_cmd_import_markdown(int argc, char **argv);
/* import wxr|json|markdown: the dispatcher (cmd_import.c). */
int gz_cmd_import(int argc, char **argv);

#endif
