/* The command-line interface: a table of subcommands (git's commands[]),
 * one cmd_*.c per subcommand, and the option parsing they share. */
#ifndef GZ_CLI_H
#define GZ_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

/* Exit codes. */
enum { GZ_EXIT_OK = 0, GZ_EXIT_FAIL = 1, GZ_EXIT_USAGE = 2 };

/* One option a command accepts: "--name VALUE" or "--name=VALUE", or a flag
 * ("--name") when has_value is 0. */
struct gz_opt {
    const char *name;
    int has_value;
    const char *help;
    const char *value; /* filled by gz_cli_parse: the last one given; "1" for a flag */
    const char *values[16]; /* every value given, for repeatable options */
    size_t nvalues;
};

/* Parses argv[1..] against opts; positional arguments go to pos (at most
 * maxpos). --help prints usage and returns 1 (the caller exits 0). Errors are
 * printed; returns -1. Returns 0 on success. */
int gz_cli_parse(int argc, char **argv, const char *usage, struct gz_opt *opts,
                 size_t nopts, const char **pos, size_t maxpos, size_t *npos);
const char *gz_cli_opt(const struct gz_opt *opts, size_t nopts, const char *name);

#define GZ_OPT(n, v, h)                                                                  \
    {                                                                                    \
        .name = (n), .has_value = (v), .help = (h)                                       \
    }

/* The options every command that opens a site takes (--config, --db, --set). */
#define GZ_CLI_SITE_OPTS                                                                 \
    GZ_OPT("config", 1, "INI file with the site's settings"),                            \
        GZ_OPT("db", 1, "database file (default gazette.db)"),                           \
        GZ_OPT("set", 1, "SECTION.KEY=VALUE, any setting (repeatable: last wins)")

/* Builds the configuration: defaults, then --config, then --db and --set.
 * Prints errors; returns 0 or -1. */
int gz_cli_config(struct gz_config *cfg, const struct gz_opt *opts, size_t nopts);

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

#endif
