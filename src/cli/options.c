/* Option parsing shared by the commands, and the configuration they build
 * from defaults, a file, the environment and flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void print_usage(const char *usage, const struct gz_opt *opts, size_t nopts)
{
    printf("usage: %s\n\noptions:\n", usage);
    for (size_t i = 0; i < nopts; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s", opts[i].name,
                 opts[i].has_value ? " VALUE" : "");
        printf("  %-22s %s\n", left, opts[i].help);
    }
    printf("  %-22s %s\n", "--help", "show this help");
}

/* The option named name[0..nlen): one of opts by its name, else the
 * any_setting entry when name is a setting's flag (*which gets the
 * setting). NULL when there is none. */
static struct gz_opt *lookup(struct gz_opt *opts, size_t nopts, const char *name,
                             size_t nlen, int *which)
{
    struct gz_opt *any = NULL;
    *which = -1;
    for (size_t j = 0; j < nopts; j++) {
        if (opts[j].any_setting) {
            any = &opts[j];
            continue;
        }
        if (strlen(opts[j].name) == nlen && !strncmp(opts[j].name, name, nlen))
            return &opts[j];
    }
    if (any && (*which = gz_config_find_flag(name, nlen)) >= 0)
        return any;
    return NULL;
}

int gz_cli_parse(int argc, char **argv, const char *usage, struct gz_opt *opts,
                 size_t nopts, const char **pos, size_t maxpos, size_t *npos)
{
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            print_usage(usage, opts, nopts);
            return 1;
        }
        if (!strcmp(arg, "--help-man")) {
            gz_cli_man_options(usage, opts, nopts);
            return 1;
        }
        if (strncmp(arg, "--", 2) || !strcmp(arg, "-")) {
            if (*npos == maxpos) {
                fprintf(stderr, "gazette: unexpected argument '%s'\nusage: %s\n", arg,
                        usage);
                return -1;
            }
            pos[(*npos)++] = arg;
            continue;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        int which;
        struct gz_opt *o = lookup(opts, nopts, name, nlen, &which);
        if (!o) {
            fprintf(stderr, "gazette: unknown option '%s'\nusage: %s\n", arg, usage);
            return -1;
        }
        if (!o->has_value) {
            if (eq) {
                fprintf(stderr, "gazette: option --%s takes no value\n", o->name);
                return -1;
            }
            o->value = "1";
        } else if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            fprintf(stderr, "gazette: option --%.*s needs a value\n", (int)nlen, name);
            return -1;
        }
        if (o->nvalues == GZ_OPT_MAX) {
            fprintf(stderr, "gazette: option --%.*s given too often\n", (int)nlen, name);
            return -1;
        }
        o->order[o->nvalues] = i;
        o->which[o->nvalues] = which;
        o->values[o->nvalues++] = o->value;
    }
    return 0;
}

const char *gz_cli_opt(const struct gz_opt *opts, size_t nopts, const char *name)
{
    for (size_t i = 0; i < nopts; i++)
        if (!strcmp(opts[i].name, name))
            return opts[i].value;
    return NULL;
}

/* ---- the configuration -------------------------------------------------- */

/* Prints a report's lines, each after "gazette: ". */
static void print_report(const struct gz_config_report *r)
{
    const char *p = r->text.p ? r->text.p : "";
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "gazette: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* One setting given on the command line. */
struct flag {
    int order;              /* argv index */
    const struct gz_opt *o; /* the option it came with */
    size_t k;               /* which of o's values */
};

static int apply_flag(struct gz_config *cfg, const struct flag *f)
{
    const struct gz_opt *o = f->o;
    const char *v = o->values[f->k];
    char name[64], source[64], err[512];
    struct gz_config_info info;
    if (o->setting) {
        snprintf(name, sizeof name, "%s", o->setting);
        snprintf(source, sizeof source, "--%s", o->name);
    } else if (o->any_setting) {
        gz_config_describe((size_t)o->which[f->k], &info);
        snprintf(name, sizeof name, "%s", info.name);
        snprintf(source, sizeof source, "--%s", info.flag);
    } else { /* --set SECTION.KEY=VALUE */
        const char *eq = strchr(v, '=');
        if (!eq || (size_t)(eq - v) >= sizeof name) {
            fprintf(stderr, "gazette: --set expects SECTION.KEY=VALUE, got '%s'\n", v);
            return -1;
        }
        snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
        snprintf(source, sizeof source, "--set");
        v = eq + 1;
    }
    if (gz_config_set_from(cfg, name, v, source, err, sizeof err)) {
        fprintf(stderr, "gazette: %s: %s\n", source, err);
        return -1;
    }
    return 0;
}

/* Applies the setting flags in the order they were given: the last wins. */
static int apply_flags(struct gz_config *cfg, const struct gz_opt *opts, size_t nopts)
{
    struct flag flags[64];
    size_t n = 0;
    for (size_t i = 0; i < nopts; i++) {
        int sets = opts[i].setting || opts[i].any_setting || !strcmp(opts[i].name, "set");
        for (size_t k = 0; sets && k < opts[i].nvalues; k++) {
            if (n == GZ_COUNTOF(flags)) {
                fprintf(stderr, "gazette: too many settings on the command line\n");
                return -1;
            }
            struct flag f = {opts[i].order[k], &opts[i], k};
            size_t j = n++;
            for (; j > 0 && flags[j - 1].order > f.order; j--)
                flags[j] = flags[j - 1];
            flags[j] = f;
        }
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        rc |= apply_flag(cfg, &flags[i]);
    return rc;
}

int gz_cli_config(struct gz_config *cfg, const struct gz_opt *opts, size_t nopts)
{
    char err[512];
    struct gz_config_report report;
    gz_config_report_init(&report);
    gz_config_defaults(cfg);
    const char *file = gz_cli_opt(opts, nopts, "config");
    if (!file && (file = getenv("GAZETTE_CONFIG")) && !*file)
        file = NULL;
    int failed = file && gz_config_read(cfg, file, &report);
    failed |= gz_config_env(cfg, &report) != GZ_OK;
    print_report(&report);
    gz_config_report_free(&report);
    /* The flags too, so that one run reports every problem. */
    failed |= apply_flags(cfg, opts, nopts);
    if (failed)
        goto fail;
    if (gz_config_validate(cfg, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        goto fail;
    }
    return 0;
fail:
    gz_config_clear(cfg);
    return -1;
}

int gz_cli_subcommand_first(int argc, char **argv)
{
    int i = 1;
    while (i < argc && !strncmp(argv[i], "--", 2) && strcmp(argv[i], "--help") &&
           strcmp(argv[i], "--help-man"))
        i += strchr(argv[i], '=') ? 1 : 2;
    if (i == 1 || i >= argc)
        return i < argc ? 0 : -1;
    char *sub = argv[i];
    memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof *argv);
    argv[1] = sub;
    return 0;
}

static void sub_usage(FILE *f, const char *cmd, const struct gz_cli_sub *subs, size_t n,
                      const char *note)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(subs[i].name) > w)
            w = strlen(subs[i].name);
    fprintf(f, "usage: gazette %s SUBCOMMAND [OPTIONS]\n\n", cmd);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-*s %s\n", (int)w, subs[i].name, subs[i].help);
    if (note)
        fprintf(f, "\n%s", note);
    fprintf(f, "\n'gazette %s SUBCOMMAND --help' lists its options.\n", cmd);
}

int gz_cli_run_sub(const char *cmd, const struct gz_cli_sub *subs, size_t n,
                   const char *note, int argc, char **argv)
{
    if (argc < 2 || gz_cli_subcommand_first(argc, argv)) {
        sub_usage(stderr, cmd, subs, n, note);
        return GZ_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        sub_usage(stdout, cmd, subs, n, note);
        return GZ_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help-man")) {
        for (size_t i = 0; i < n; i++) {
            char *sub_argv[] = {(char *)subs[i].name, "--help-man", NULL};
            subs[i].fn(2, sub_argv);
        }
        return GZ_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "gazette: %s: unknown subcommand '%s'\n", cmd, argv[1]);
    sub_usage(stderr, cmd, subs, n, note);
    return GZ_EXIT_USAGE;
}

int gz_cli_run_on(int argc, char **argv, const char *usage, const char *cmd,
                  const char *what,
                  int (*fn)(const struct gz_config *cfg, const char *arg))
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[2];
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, 2, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "gazette: %s needs one %s\nusage: %s\n", cmd, what, usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    rc = fn(&cfg, pos[0]);
    gz_config_clear(&cfg);
    return rc == GZ_OK ? GZ_EXIT_OK : GZ_EXIT_FAIL;
}
