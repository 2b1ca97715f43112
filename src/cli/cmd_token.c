/* gazette token add | list | revoke: API tokens from the shell. A token
 * acts as the user it belongs to, with that user's role at the time of
 * each request; only its SHA-256 is stored, so the secret is shown once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin/admin.h"
#include "cli/cli.h"
#include "core/utf8.h"
#include "store/store.h"

static const char add_usage[] = "gazette token add USER --name NAME";
static const char list_usage[] = "gazette token list [USER]";
static const char revoke_usage[] = "gazette token revoke ID";

#define TOKEN_NAME_MAX 100

/* Parses arguments and builds the configuration: -1 to go on, else the
 * exit code to return at once. */
static int setup(int argc, char **argv, const char *usage, struct gz_opt *opts, size_t n,
                 const char **pos, size_t maxpos, size_t minpos, size_t *npos,
                 struct gz_config *cfg)
{
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, maxpos, npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (*npos < minpos) {
        fprintf(stderr, "gazette: missing argument\nusage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    if (gz_cli_config(cfg, opts, n))
        return GZ_EXIT_USAGE;
    return -1;
}

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (!n || n > TOKEN_NAME_MAX || !gz_utf8_valid(name, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20)
            return 0;
    return 1;
}

/* The user a token is for: it must exist and be able to log in, or the
 * token would never work. */
static int token_owner(struct gz_store *st, const char *name, struct gz_user *u)
{
    int rc = st->ops->user_get_by_name(st, name, u);
    if (rc == GZ_ENOTFOUND) {
        fprintf(stderr, "gazette: no user '%s' (see 'gazette user list')\n", name);
    } else if (rc) {
        fprintf(stderr, "gazette: could not read user '%s'\n", name);
    } else if (u->disabled || !u->pass_hash[0]) {
        fprintf(stderr, "gazette: user '%s' is %s; a token of theirs would not work\n",
                name, u->disabled ? "disabled" : "without a password");
        rc = GZ_EINVAL;
    }
    return rc;
}

static int token_add(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("name", 1, "what the token is for, e.g. \"newsroom importer\" (required)"),
    };
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, add_usage, opts, n, pos, 1, 1, &npos, &cfg);
    if (rc >= 0)
        return rc;
    const char *name = gz_cli_opt(opts, n, "name");
    struct gz_store *st = NULL;
    struct gz_user u = {0};
    rc = GZ_EXIT_USAGE;
    if (!name || !name_ok(name)) {
        fprintf(stderr, "gazette: token add needs --name: 1 to %d characters\n",
                TOKEN_NAME_MAX);
        goto out;
    }
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st) || token_owner(st, pos[0], &u))
        goto out;
    char hex[GZ_SECRET_HEX];
    uint8_t hash[32];
    int64_t id = 0;
    gz_secret_new(hex, hash);
    if (st->ops->token_create(st, hash, u.id, name, time(NULL), &id)) {
        fprintf(stderr, "gazette: could not save the token\n");
    } else {
        /* The secret alone on stdout, so TOKEN=$(gazette token add ...) works. */
        printf("%s%s\n", GZ_TOKEN_PREFIX, hex);
        fprintf(stderr,
                "token %lld \"%s\" for %s (%s) created; the secret above is shown only "
                "once\n",
                (long long)id, name, u.name, gz_role_name(u.role));
        rc = GZ_EXIT_OK;
    }
    sodium_memzero(hex, sizeof hex);
out:
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static void print_time(int64_t t)
{
    if (!t) {
        printf("%-17s", "never");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    printf("%04d-%02d-%02d %02d:%02dZ ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min);
}

/* The name of user id from the list (tokens of deleted users cannot
 * exist: they cascade). */
static const char *user_name(const struct gz_user_list *users, int64_t id)
{
    for (size_t i = 0; i < users->len; i++)
        if (users->items[i].id == id)
            return users->items[i].name;
    return "?";
}

static int token_list(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, list_usage, opts, n, pos, 1, 0, &npos, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_user u = {0};
    struct gz_user_list users = {0};
    struct gz_api_token_list l = {0};
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st))
        goto out;
    if (npos && st->ops->user_get_by_name(st, pos[0], &u)) {
        fprintf(stderr, "gazette: no user '%s' (see 'gazette user list')\n", pos[0]);
        goto out;
    }
    if (st->ops->user_list(st, &users) || st->ops->token_list(st, u.id, &l)) {
        fprintf(stderr, "gazette: could not list the tokens\n");
        goto out;
    }
    printf("%6s  %-20s %-17s %-17s %s\n", "ID", "USER", "CREATED", "LAST USED", "NAME");
    for (size_t i = 0; i < l.len; i++) {
        const struct gz_api_token *t = &l.items[i];
        printf("%6lld  %-20s ", (long long)t->id, user_name(&users, t->user_id));
        print_time(t->created_at);
        print_time(t->last_used);
        printf("%s\n", t->name);
    }
    rc = GZ_EXIT_OK;
out:
    gz_api_token_list_clear(&l);
    gz_user_list_clear(&users);
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static int token_revoke(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, revoke_usage, opts, n, pos, 1, 1, &npos, &cfg);
    if (rc >= 0)
        return rc;
    int64_t id;
    struct gz_store *st = NULL;
    rc = GZ_EXIT_USAGE;
    if (gz_parse_i64(pos[0], strlen(pos[0]), 1, INT64_MAX, &id)) {
        fprintf(stderr,
                "gazette: token revoke needs a token ID (see 'gazette token list')\n");
        goto out;
    }
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st))
        goto out;
    int drc = st->ops->token_delete(st, id, 0);
    if (drc == GZ_ENOTFOUND) {
        fprintf(stderr, "gazette: no token %lld (see 'gazette token list')\n",
                (long long)id);
    } else if (drc) {
        fprintf(stderr, "gazette: could not revoke token %lld\n", (long long)id);
    } else {
        printf("token %lld revoked\n", (long long)id);
        rc = GZ_EXIT_OK;
    }
out:
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static const struct gz_cli_sub subcommands[] = {
    {"add", token_add, "create a token for USER; prints the secret once"},
    {"list", token_list, "list the tokens (of USER, or everyone's)"},
    {"revoke", token_revoke, "delete a token; requests with it are refused at once"},
};

int gz_cmd_token(int argc, char **argv)
{
    return gz_cli_run_sub(
        "token", subcommands, GZ_COUNTOF(subcommands),
        "A token is sent as 'Authorization: Bearer gz_...' and acts as its user.\n", argc,
        argv);
}
