/* gazette user add | list | passwd | role | disable | enable: accounts
 * from the shell. The first administrator is made here (or through the
 * setup link gazette serve prints while there is none). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"
#include "cli/cli.h"
#include "store/store.h"

static const char add_usage[] =
    "gazette user add NAME --role admin|editor|author|contributor [--display-name X] "
    "[--email E] [--password-stdin]";
static const char list_usage[] = "gazette user list";
static const char passwd_usage[] = "gazette user passwd NAME [--password-stdin]";
static const char role_usage[] = "gazette user role NAME admin|editor|author|contributor";
static const char disable_usage[] = "gazette user disable NAME";
static const char enable_usage[] = "gazette user enable NAME";

/* Room for the longest password, its line end and one byte more, which
 * tells a password that is too long from one that fits. */
#define LINE_MAX_PW (GZ_PASSWORD_MAX + 3)

/* Reads one line from f into buf without its line end. GZ_ETOOBIG when
 * the line is longer than a password may be, GZ_EINVAL on end of input. */
static int read_line(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f))
        return GZ_EINVAL;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = 0;
    else if (n == size - 1)
        return GZ_ETOOBIG;
    if (n && buf[n - 1] == '\r')
        buf[--n] = 0;
    return GZ_OK;
}

/* Prompts on the terminal and reads a line with echo off. Echo goes off
 * before the prompt shows, so nothing typed after it is ever echoed or
 * flushed away. */
static int prompt_hidden(const char *prompt, char *buf, size_t size)
{
    struct termios old, quiet;
    int restore = tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    fputs(prompt, stderr);
    fflush(stderr);
    int rc = read_line(stdin, buf, size);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
    return rc;
}

/* Reads the new password: one line from stdin when asked to or when stdin
 * is not a terminal (scripts, tests), else typed twice at a prompt. Hashes
 * it into hash. Prints the reason and returns an exit code on failure. */
static int read_password(int from_stdin, char hash[GZ_PASSWORD_HASH_MAX])
{
    char pw[LINE_MAX_PW], again[LINE_MAX_PW];
    int rc = GZ_EXIT_FAIL;
    pw[0] = again[0] = 0;
    if (from_stdin || !isatty(STDIN_FILENO)) {
        int r = read_line(stdin, pw, sizeof pw);
        if (r == GZ_EINVAL) {
            fprintf(stderr, "gazette: no password on standard input\n");
            goto out;
        }
        if (r == GZ_ETOOBIG)
            pw[GZ_PASSWORD_MAX + 1] = 0; /* reported as too long below */
    } else {
        if (prompt_hidden("Password: ", pw, sizeof pw) == GZ_EINVAL ||
            prompt_hidden("Password again: ", again, sizeof again) == GZ_EINVAL) {
            fprintf(stderr, "gazette: no password given\n");
            goto out;
        }
        if (strcmp(pw, again)) {
            fprintf(stderr, "gazette: the two passwords differ; nothing changed\n");
            goto out;
        }
    }
    int r = gz_password_hash(pw, hash);
    if (r == GZ_EINVAL)
        fprintf(stderr,
                "gazette: the password must have %d to %d characters; nothing "
                "changed\n",
                GZ_PASSWORD_MIN, GZ_PASSWORD_MAX);
    else if (r)
        fprintf(stderr, "gazette: could not hash the password\n");
    else
        rc = GZ_EXIT_OK;
out:
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(again, sizeof again);
    return rc;
}

static int parse_role(const char *name, enum gz_role *role)
{
    if (name && gz_role_parse(name, role) == GZ_OK)
        return GZ_OK;
    fprintf(stderr,
            "gazette: unknown role '%s'; use admin, editor, author or contributor\n",
            name ? name : "");
    return GZ_EINVAL;
}

/* Parses a subcommand's arguments and builds the configuration. Returns
 * -1 to go on, else the exit code to return at once. */
static int setup(int argc, char **argv, const char *usage, struct gz_opt *opts, size_t n,
                 const char **pos, size_t maxpos, size_t minpos, struct gz_config *cfg)
{
    size_t npos;
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, maxpos, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos < minpos) {
        fprintf(stderr, "gazette: missing argument\nusage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    if (gz_cli_config(cfg, opts, n))
        return GZ_EXIT_USAGE;
    return -1;
}

/* Opens the store and reads the user called name; prints errors. The
 * caller closes *st (also on failure). */
static int open_user(const struct gz_config *cfg, const char *name, struct gz_store **st,
                     struct gz_user *u)
{
    memset(u, 0, sizeof *u);
    if (gz_cli_open_store(cfg, st))
        return GZ_EIO;
    int rc = (*st)->ops->user_get_by_name(*st, name, u);
    if (rc == GZ_ENOTFOUND)
        fprintf(stderr, "gazette: no user '%s' (see 'gazette user list')\n", name);
    else if (rc)
        fprintf(stderr, "gazette: could not read user '%s'\n", name);
    return rc;
}

static void replace(char **field, const char *value)
{
    free(*field);
    *field = gz_xstrdup(value);
}

/* Fills u for `user add`: an author without a password becomes the user;
 * anyone else with the name is a conflict. */
static int prepare_new_user(struct gz_store *st, const char *name, struct gz_user *u)
{
    int rc = st->ops->user_get_by_name(st, name, u);
    if (rc == GZ_OK && u->pass_hash[0]) {
        fprintf(stderr,
                "gazette: user '%s' already exists (change it with 'gazette user "
                "passwd' or 'gazette user role')\n",
                name);
        return GZ_EEXIST;
    }
    if (rc == GZ_ENOTFOUND) {
        memset(u, 0, sizeof *u);
        u->name = gz_xstrdup(name);
        u->display_name = gz_xstrdup("");
        u->email = gz_xstrdup("");
        u->created_at = time(NULL);
        return GZ_OK;
    }
    if (rc)
        fprintf(stderr, "gazette: could not read user '%s'\n", name);
    return rc;
}

static int user_add(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("role", 1, "admin, editor, author or contributor (required)"),
        GZ_OPT("display-name", 1, "the byline, when it differs from NAME"),
        GZ_OPT("email", 1, "e-mail address"),
        GZ_OPT("password-stdin", 0,
               "read the password as one line from stdin (the default when stdin "
               "is not a terminal)"),
    };
    size_t n = GZ_COUNTOF(opts);
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, add_usage, opts, n, pos, 1, 1, &cfg);
    if (rc >= 0)
        return rc;
    const char *name = pos[0], *display = gz_cli_opt(opts, n, "display-name"),
               *email = gz_cli_opt(opts, n, "email"),
               *role_name = gz_cli_opt(opts, n, "role");
    struct gz_user u = {0};
    struct gz_store *st = NULL;
    char hash[GZ_PASSWORD_HASH_MAX];
    enum gz_role role;
    rc = GZ_EXIT_USAGE;
    if (!role_name) {
        fprintf(stderr, "gazette: user add needs --role (admin, editor, author or "
                        "contributor)\n");
        goto out;
    }
    if (parse_role(role_name, &role))
        goto out;
    char err[200];
    if (gz_user_fields_check(name, display, email, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        goto out;
    }
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st) || prepare_new_user(st, name, &u))
        goto out;
    int was_author = u.id > 0;
    if ((rc = read_password(gz_cli_opt(opts, n, "password-stdin") != NULL, hash)))
        goto out;
    rc = GZ_EXIT_FAIL;
    u.role = role;
    u.disabled = 0;
    replace(&u.pass_hash, hash);
    if (display)
        replace(&u.display_name, display);
    if (email)
        replace(&u.email, email);
    int src = st->ops->user_save(st, &u);
    if (src == GZ_EEXIST) {
        fprintf(stderr, "gazette: user '%s' already exists\n", name);
        goto out;
    }
    if (src) {
        fprintf(stderr, "gazette: could not save user '%s'\n", name);
        goto out;
    }
    printf("%s user %s (%s)%s\n", was_author ? "updated" : "created", u.name,
           gz_role_name(u.role),
           was_author ? ": the existing author can now log in" : "");
    rc = GZ_EXIT_OK;
out:
    sodium_memzero(hash, sizeof hash);
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static const char *user_state(const struct gz_user *u)
{
    if (u->disabled)
        return "disabled";
    return u->pass_hash[0] ? "enabled" : "no-login";
}

static int user_list(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts);
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, list_usage, opts, n, pos, 0, 0, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_user_list l = {0};
    rc = GZ_EXIT_FAIL;
    if (gz_cli_open_store(&cfg, &st))
        goto out;
    if (st->ops->user_list(st, &l)) {
        fprintf(stderr, "gazette: could not list the users\n");
        goto out;
    }
    printf("%6s  %-20s %-12s %-9s %s\n", "ID", "NAME", "ROLE", "STATE", "DISPLAY NAME");
    for (size_t i = 0; i < l.len; i++) {
        const struct gz_user *u = &l.items[i];
        printf("%6lld  %-20s %-12s %-9s %s\n", (long long)u->id, u->name,
               gz_role_name(u->role), user_state(u), u->display_name);
    }
    rc = GZ_EXIT_OK;
out:
    gz_user_list_clear(&l);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

/* Saves u's changed fields; prints an error on failure. */
static int save_user(struct gz_store *st, struct gz_user *u)
{
    if (st->ops->user_save(st, u) == GZ_OK)
        return GZ_OK;
    fprintf(stderr, "gazette: could not save user '%s'\n", u->name);
    return GZ_EIO;
}

/* After a change that may leave the site without an administrator. */
static void warn_no_admin(struct gz_store *st)
{
    int64_t admins = 1;
    if (st->ops->user_count_admins(st, &admins) == GZ_OK && admins == 0)
        fprintf(stderr, "gazette: warning: the site has no enabled administrator now; "
                        "gazette serve will print a setup link, or run 'gazette user "
                        "role NAME admin'\n");
}

static int user_passwd(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("password-stdin", 0,
               "read the password as one line from stdin (the default when stdin "
               "is not a terminal)"),
    };
    size_t n = GZ_COUNTOF(opts);
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, passwd_usage, opts, n, pos, 1, 1, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_user u;
    char hash[GZ_PASSWORD_HASH_MAX];
    rc = GZ_EXIT_FAIL;
    if (open_user(&cfg, pos[0], &st, &u))
        goto out;
    if ((rc = read_password(gz_cli_opt(opts, n, "password-stdin") != NULL, hash)))
        goto out;
    rc = GZ_EXIT_FAIL;
    replace(&u.pass_hash, hash);
    if (save_user(st, &u))
        goto out;
    /* Whoever knew the old password must not stay logged in. */
    st->ops->session_delete_user(st, u.id);
    printf("password of %s changed; its sessions were ended\n", u.name);
    rc = GZ_EXIT_OK;
out:
    sodium_memzero(hash, sizeof hash);
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static int user_role(int argc, char **argv)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts);
    const char *pos[2];
    struct gz_config cfg;
    int rc = setup(argc, argv, role_usage, opts, n, pos, 2, 2, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_user u = {0};
    enum gz_role role;
    rc = GZ_EXIT_USAGE;
    if (parse_role(pos[1], &role))
        goto out;
    rc = GZ_EXIT_FAIL;
    if (open_user(&cfg, pos[0], &st, &u))
        goto out;
    u.role = role;
    free(u.pass_hash);
    u.pass_hash = NULL; /* keep the stored one */
    if (save_user(st, &u))
        goto out;
    printf("%s is now %s\n", u.name, gz_role_name(role));
    warn_no_admin(st);
    rc = GZ_EXIT_OK;
out:
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

/* disable (disabled = 1) or enable (0). */
static int user_enable(int argc, char **argv, int disabled)
{
    struct gz_opt opts[] = {GZ_CLI_SITE_OPTS};
    size_t n = GZ_COUNTOF(opts);
    const char *pos[1];
    struct gz_config cfg;
    int rc = setup(argc, argv, disabled ? disable_usage : enable_usage, opts, n, pos, 1,
                   1, &cfg);
    if (rc >= 0)
        return rc;
    struct gz_store *st = NULL;
    struct gz_user u = {0};
    rc = GZ_EXIT_FAIL;
    if (open_user(&cfg, pos[0], &st, &u))
        goto out;
    u.disabled = disabled;
    free(u.pass_hash);
    u.pass_hash = NULL;
    if (save_user(st, &u))
        goto out;
    if (disabled)
        st->ops->session_delete_user(st, u.id);
    printf("%s is %s\n", u.name,
           disabled ? "disabled; its sessions were ended" : "enabled");
    if (disabled)
        warn_no_admin(st);
    rc = GZ_EXIT_OK;
out:
    gz_user_clear(&u);
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}

static int user_disable(int argc, char **argv)
{
    return user_enable(argc, argv, 1);
}

static int user_enable_cmd(int argc, char **argv)
{
    return user_enable(argc, argv, 0);
}

static const struct gz_cli_sub subcommands[] = {
    {"add", user_add, "create a user (an author without a password becomes the user)"},
    {"list", user_list, "list the users and authors"},
    {"passwd", user_passwd, "set a user's password (ends the user's sessions)"},
    {"role", user_role, "change a user's role"},
    {"disable", user_disable, "stop a user from logging in (ends the user's sessions)"},
    {"enable", user_enable_cmd, "let a disabled user log in again"},
};

int gz_cmd_user(int argc, char **argv)
{
    return gz_cli_run_sub(
        "user", subcommands, GZ_COUNTOF(subcommands),
        "The password is read from a prompt (typed twice), or as one line from\n"
        "stdin with --password-stdin or when stdin is not a terminal.\n",
        argc, argv);
}
