/* gazette config check | show: validate a configuration file, or print the
 * configuration in effect as an INI file that says where each value came
 * from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "admin/admin.h"
#include "cli/cli.h"
#include "core/config.h"
#include "store/store.h"

static const char check_usage[] = "gazette config check [FILE]";
static const char show_usage[] = "gazette config show [--config FILE] [OPTIONS]";

/* gazette config check [FILE]: every problem of the file, one per line as
 * FILE:LINE: reason; exit 0 when it has no error, 1 otherwise. */
static int check(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_OPT("config", 1,
               "the file to check when FILE is not given "
               "(default: $GAZETTE_CONFIG)"),
    };
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, check_usage, opts, n, pos, 1, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    const char *path = npos ? pos[0] : gz_cli_opt(opts, n, "config");
    if (!path && (path = getenv("GAZETTE_CONFIG")) && !*path)
        path = NULL;
    if (!path) {
        fprintf(stderr,
                "gazette: config check: no file (give FILE, --config or "
                "GAZETTE_CONFIG)\nusage: %s\n",
                check_usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    struct gz_config_report report;
    char err[512];
    gz_config_defaults(&cfg);
    gz_config_report_init(&report);
    rc = gz_config_read(&cfg, path, &report);
    fputs(report.text.p ? report.text.p : "", stderr);
    if (rc == GZ_OK && gz_config_validate(&cfg, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        report.errors++;
    }
    if (report.errors)
        fprintf(stderr, "%s: %d error%s\n", path, report.errors,
                report.errors == 1 ? "" : "s");
    else if (report.warnings)
        printf("%s: ok (%d warning%s)\n", path, report.warnings,
               report.warnings == 1 ? "" : "s");
    else
        printf("%s: ok\n", path);
    rc = report.errors ? GZ_EXIT_FAIL : GZ_EXIT_OK;
    gz_config_report_free(&report);
    gz_config_clear(&cfg);
    return rc;
}

/* A value that would not read back the same without quotes: blanks at an
 * end, a leading quote, or a ';' that would start a comment. */
static int needs_quotes(const char *v)
{
    size_t n = strlen(v);
    if (!n)
        return 0;
    if (strchr(" \t\"", v[0]) || strchr(" \t", v[n - 1]) || v[0] == ';')
        return 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] == ';' && (v[i - 1] == ' ' || v[i - 1] == '\t'))
            return 1;
    return 0;
}

static void print_setting(const struct gz_config *cfg, size_t i,
                          const struct gz_config_info *info)
{
    char num[32];
    const char *v = gz_config_value(cfg, i, num, sizeof num);
    const char *q = needs_quotes(v) ? "\"" : "";
    int len = printf("%s = %s%s%s", info->key, q, v, q);
    /* Sources line up in a column when the values are short. */
    printf("%*s", len < 36 ? 36 - len : 4, "");
    if (cfg->source[i])
        printf("; from %s\n", cfg->source[i]);
    else
        printf("; default\n");
}

/* Settings saved in the admin override the rest (docs/admin.md): shown
 * "from admin". Only a database that exists and is up to date is read, so
 * that `show` never creates or migrates one. */
static void apply_admin_settings(struct gz_config *cfg)
{
    int64_t version;
    char err[512];
    struct gz_store *st;
    if ((!gz_store_url_is_pg(cfg->db) && access(cfg->db, F_OK)) ||
        gz_store_schema_version(cfg->db, &version, err, sizeof err) ||
        version != gz_store_schema_latest())
        return;
    if (gz_store_open(cfg->db, &st, err, sizeof err) == GZ_OK) {
        gz_admin_settings_apply(st, cfg);
        gz_store_close(st);
    }
}

/* gazette config show: the effective configuration as INI. */
static int show(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS, GZ_CLI_SERVE_OPTS};
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    int rc = gz_cli_parse(argc, argv, show_usage, opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    apply_admin_settings(&cfg);
    printf("; gazette settings in effect: defaults < --config FILE < GAZETTE_* "
           "environment < flags < saved in the admin\n");
    const char *section = "";
    struct gz_config_info info;
    for (size_t i = 0; i < gz_config_count(); i++) {
        gz_config_describe(i, &info);
        if (strcmp(section, info.section)) {
            printf("\n[%s]\n", info.section);
            section = info.section;
        }
        print_setting(&cfg, i, &info);
    }
    gz_config_clear(&cfg);
    return GZ_EXIT_OK;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: gazette config check [FILE]\n"
        "       gazette config show [--config FILE] [OPTIONS]\n\n"
        "  check   report every problem of a configuration file (FILE, else --config\n"
        "          or $GAZETTE_CONFIG) as FILE:LINE: reason; exit 1 if there is one\n"
        "  show    print the settings in effect as INI, each with where it came from\n\n"
        "'gazette config check --help' and 'gazette config show --help' list the "
        "options.\n");
}

int gz_cmd_config(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GZ_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "check"))
        return check(argc - 1, argv + 1);
    if (!strcmp(argv[1], "show"))
        return show(argc - 1, argv + 1);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return GZ_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help-man")) {
        /* Both subcommands' options, for the man page. */
        char *check_argv[] = {"check", "--help-man", NULL};
        char *show_argv[] = {"show", "--help-man", NULL};
        check(2, check_argv);
        return show(2, show_argv);
    }
    fprintf(stderr, "gazette: config: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return GZ_EXIT_USAGE;
}
