/* gazette backup FILE: an online, consistent copy of the site's database,
 * taken while the server keeps serving and writing (the store's backup op,
 * SQLite's backup API). The copy is written to FILE.tmp and then moved to
 * FILE, so FILE is never a half-written database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage[] = "gazette backup FILE [--force]";

/* The same file (a hard link, or the path written another way)? */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Moves tmp to path: with force over an existing file; without, link()
 * fails with EEXIST rather than replace a file that appeared meanwhile. */
static int put_in_place(const char *tmp, const char *path, int force)
{
    if (force ? rename(tmp, path) : link(tmp, path)) {
        int e = errno;
        if (e == EEXIST)
            fprintf(stderr, "gazette: %s exists; use --force to replace it\n", path);
        else
            fprintf(stderr, "gazette: cannot write %s: %s\n", path, strerror(e));
        unlink(tmp);
        return GZ_EIO;
    }
    if (!force)
        unlink(tmp);
    return GZ_OK;
}

static int backup(const struct gz_config *cfg, const char *path, int force)
{
    char tmp[4096], err[512];
    struct stat st;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        fprintf(stderr, "gazette: %s: path too long\n", path);
        return GZ_EINVAL;
    }
    if (same_file(path, cfg->db)) {
        fprintf(stderr, "gazette: %s is the site's database itself\n", path);
        return GZ_EINVAL;
    }
    if (!force && lstat(path, &st) == 0) {
        fprintf(stderr, "gazette: %s exists; use --force to replace it\n", path);
        return GZ_EEXIST;
    }
    struct gz_store *s = NULL;
    if (gz_cli_open_store(cfg, &s))
        return GZ_EIO;
    unlink(tmp); /* left by a backup that was killed */
    int rc = s->ops->backup(s, tmp, err, sizeof err);
    gz_store_close(s);
    if (rc != GZ_OK) {
        fprintf(stderr, "gazette: backup failed: %s\n", err);
        unlink(tmp);
        return rc;
    }
    if ((rc = put_in_place(tmp, path, force)) != GZ_OK)
        return rc;
    if (stat(path, &st) == 0)
        printf("backed up %s to %s (%lld bytes)\n", cfg->db, path, (long long)st.st_size);
    return GZ_OK;
}

int gz_cmd_backup(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_OPT("force", 0, "replace FILE when it exists"),
        GZ_CLI_SITE_OPTS,
    };
    size_t n = GZ_COUNTOF(opts), npos;
    const char *pos[2];
    int rc = gz_cli_parse(argc, argv, usage, opts, n, pos, 2, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "gazette: backup needs one FILE\nusage: %s\n", usage);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    rc = backup(&cfg, pos[0], gz_cli_opt(opts, n, "force") != NULL);
    gz_config_clear(&cfg);
    return rc == GZ_OK ? GZ_EXIT_OK : GZ_EXIT_FAIL;
}
