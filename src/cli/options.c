/* Option parsing shared by the commands. */
#include <stdio.h>
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
        struct gz_opt *o = NULL;
        for (size_t j = 0; j < nopts; j++)
            if (strlen(opts[j].name) == nlen && !strncmp(opts[j].name, name, nlen))
                o = &opts[j];
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
            fprintf(stderr, "gazette: option --%s needs a value\n", o->name);
            return -1;
        }
        if (o->nvalues == sizeof(o->values) / sizeof(o->values[0])) {
            fprintf(stderr, "gazette: option --%s given too often\n", o->name);
            return -1;
        }
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

static int apply_set(struct gz_config *cfg, const char *kv)
{
    char name[64], err[256];
    const char *eq = strchr(kv, '=');
    if (!eq || (size_t)(eq - kv) >= sizeof name) {
        fprintf(stderr, "gazette: --set expects SECTION.KEY=VALUE, got '%s'\n", kv);
        return -1;
    }
    memcpy(name, kv, (size_t)(eq - kv));
    name[eq - kv] = '\0';
    if (gz_config_set(cfg, name, eq + 1, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        return -1;
    }
    return 0;
}

int gz_cli_config(struct gz_config *cfg, const struct gz_opt *opts, size_t nopts)
{
    char err[512];
    gz_config_defaults(cfg);
    const char *file = gz_cli_opt(opts, nopts, "config");
    const char *db = gz_cli_opt(opts, nopts, "db");
    if ((file && gz_config_load(cfg, file, err, sizeof err)) ||
        (db && gz_config_set(cfg, "store.db", db, err, sizeof err))) {
        fprintf(stderr, "gazette: %s\n", err);
        goto fail;
    }
    for (size_t i = 0; i < nopts; i++)
        for (size_t j = 0; !strcmp(opts[i].name, "set") && j < opts[i].nvalues; j++)
            if (apply_set(cfg, opts[i].values[j]))
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
