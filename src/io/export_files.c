/* The output folder of a static export: atomic writes, and the manifest
 * (DIR/.gazette-export: one "HASH PATH" line per file) that makes the
 * next export incremental. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "io/exportInt.h"
#include "render/cache.h"

#define MANIFEST ".gazette-export"
#define MANIFEST_TMP ".gazette-export.tmp"
#define MANIFEST_HEAD "gazette-export 1\n"

int gz_export_rel_ok(const char *rel)
{
    if (!*rel || !strncmp(rel, MANIFEST, sizeof MANIFEST - 1))
        return 0;
    const char *seg = rel;
    for (const char *p = rel;; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '/' || ch == '\0') {
            size_t n = (size_t)(p - seg);
            if (n == 0 || (n == 1 && seg[0] == '.') ||
                (n == 2 && seg[0] == '.' && seg[1] == '.') || n > 255)
                return 0;
            if (ch == '\0')
                return p - rel < 4000;
            seg = p + 1;
        } else if (ch < 0x20 || ch == 0x7f || ch == '\\') {
            return 0;
        }
    }
}

static size_t slot_of(const struct gz_export_out *o, const char *rel)
{
    size_t i = (size_t)gz_hash(rel, strlen(rel)) & (o->cap - 1);
    while (o->old[i].rel && strcmp(o->old[i].rel, rel))
        i = (i + 1) & (o->cap - 1);
    return i;
}

static struct gz_export_entry *find_old(struct gz_export_out *o, const char *rel)
{
    if (!o->cap)
        return NULL;
    struct gz_export_entry *e = &o->old[slot_of(o, rel)];
    return e->rel ? e : NULL;
}

static void add_old(struct gz_export_out *o, const char *rel,
                    const unsigned char hash[GZ_EXPORT_HASH])
{
    if (2 * (o->nold + 1) > o->cap) {
        struct gz_export_entry *prev = o->old;
        size_t prev_cap = o->cap;
        o->cap = o->cap ? o->cap * 2 : 1024;
        o->old = gz_xcalloc(o->cap, sizeof(*o->old));
        for (size_t i = 0; i < prev_cap; i++)
            if (prev[i].rel)
                o->old[slot_of(o, prev[i].rel)] = prev[i];
        free(prev);
    }
    struct gz_export_entry *e = &o->old[slot_of(o, rel)];
    if (e->rel)
        return; /* a manifest edited by hand: the first line wins */
    e->rel = gz_xstrdup(rel);
    memcpy(e->hash, hash, GZ_EXPORT_HASH);
    o->nold++;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* One "HASH PATH" line; lines that do not parse are ignored (their files
 * are then rewritten, never deleted). */
static void read_line(struct gz_export_out *o, char *line)
{
    unsigned char hash[GZ_EXPORT_HASH];
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
        line[--n] = '\0';
    if (n < 2 * GZ_EXPORT_HASH + 2 || line[2 * GZ_EXPORT_HASH] != ' ')
        return;
    for (size_t i = 0; i < GZ_EXPORT_HASH; i++) {
        int hi = hex_value(line[2 * i]), lo = hex_value(line[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return;
        hash[i] = (unsigned char)(hi << 4 | lo);
    }
    const char *rel = line + 2 * GZ_EXPORT_HASH + 1;
    if (gz_export_rel_ok(rel))
        add_old(o, rel, hash);
}

static int read_manifest(struct gz_export_out *o, int dfd)
{
    int fd = openat(dfd, MANIFEST, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? GZ_OK : GZ_EIO;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return GZ_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    int first = 1;
    while (getline(&line, &cap, f) > 0) {
        if (first && strcmp(line, MANIFEST_HEAD))
            break; /* not ours: start afresh, delete nothing */
        if (!first)
            read_line(o, line);
        first = 0;
    }
    free(line);
    fclose(f);
    return GZ_OK;
}

int gz_export_out_open(struct gz_export_out *o, const char *dir, FILE *verbose, char *err,
                       size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->dfd = -1;
    o->verbose = verbose;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "cannot initialise libsodium");
        return GZ_EIO;
    }
    if (mkdir(dir, 0755) && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return GZ_EIO;
    }
    o->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
        return GZ_EIO;
    }
    o->dir = gz_xstrdup(dir);
    if (read_manifest(o, o->dfd)) {
        snprintf(err, errlen, "cannot read %s/%s: %s", dir, MANIFEST, strerror(errno));
        return GZ_EIO;
    }
    return GZ_OK;
}

void gz_export_out_close(struct gz_export_out *o)
{
    for (size_t i = 0; i < o->cap; i++)
        free(o->old[i].rel);
    free(o->old);
    free(o->dir);
    if (o->dfd >= 0)
        close(o->dfd);
    memset(o, 0, sizeof(*o));
    o->dfd = -1;
}

/* Creates the directories above rel (like mkdir -p). */
static int make_parents(int dfd, const char *rel)
{
    char path[4096];
    size_t n = strlen(rel);
    if (n >= sizeof path)
        return GZ_ETOOBIG;
    memcpy(path, rel, n + 1);
    /* Deepest first: a new page's folder usually sits in one that exists
     * (an article in its month), so one mkdir is enough; each level that
     * is missing too is made on the way back down. */
    char *slash[256];
    size_t depth = 0;
    for (char *p = path; (p = strchr(p, '/')); p++) {
        if (depth == GZ_COUNTOF(slash))
            return GZ_ETOOBIG;
        slash[depth++] = p;
    }
    size_t made = depth;
    while (made > 0) {
        *slash[made - 1] = '\0';
        int rc = mkdirat(dfd, path, 0755);
        *slash[made - 1] = '/';
        if (rc == 0 || errno == EEXIST)
            break;
        if (errno != ENOENT)
            return GZ_EIO;
        made--;
    }
    for (; made < depth; made++) { /* the levels below the one that exists */
        *slash[made] = '\0';
        int rc = mkdirat(dfd, path, 0755);
        *slash[made] = '/';
        if (rc && errno != EEXIST)
            return GZ_EIO;
    }
    return GZ_OK;
}

/* A reader (or a static server) sees the old file or the new one, never
 * half of one: the bytes go to a temp file beside it, renamed over it. No
 * fsync: an export is repeatable, and a crash costs a rerun. */
static int write_atomic(int dfd, const char *rel, const char *bytes, size_t len,
                        size_t tag)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.gz-tmp-%zu", rel, tag) >= (int)sizeof tmp)
        return GZ_ETOOBIG;
    int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
    int fd = openat(dfd, tmp, flags, 0644);
    if (fd < 0 && errno == ENOENT && make_parents(dfd, rel) == GZ_OK)
        fd = openat(dfd, tmp, flags, 0644);
    if (fd < 0)
        return GZ_EIO;
    int rc = gz_write_fd(fd, bytes, len);
    if (close(fd))
        rc = GZ_EIO;
    if (rc == GZ_OK && renameat(dfd, tmp, dfd, rel))
        rc = GZ_EIO;
    if (rc)
        unlinkat(dfd, tmp, 0);
    return rc;
}

/* A file the last export did not write goes straight to its name
 * (O_EXCL: never over a file someone else put there, which gets
 * write_atomic instead). It saves a rename per page of a first export; a
 * static server reading the folder meanwhile may see a new page half
 * written for a moment, never a changed page half written. */
static int write_new(int dfd, const char *rel, const char *bytes, size_t len, size_t tag)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = openat(dfd, rel, flags, 0644);
    if (fd < 0 && errno == ENOENT && make_parents(dfd, rel) == GZ_OK)
        fd = openat(dfd, rel, flags, 0644);
    if (fd < 0)
        return errno == EEXIST ? write_atomic(dfd, rel, bytes, len, tag) : GZ_EIO;
    int rc = gz_write_fd(fd, bytes, len);
    if (close(fd))
        rc = GZ_EIO;
    if (rc)
        unlinkat(dfd, rel, 0);
    return rc;
}

enum gz_put gz_export_put(struct gz_export_out *o, const char *rel, const char *bytes,
                          size_t len, unsigned char hash[GZ_EXPORT_HASH], size_t tag)
{
    crypto_generichash(hash, GZ_EXPORT_HASH, (const unsigned char *)bytes, len, NULL, 0);
    struct gz_export_entry *e = find_old(o, rel);
    if (e)
        atomic_store_explicit(&e->seen, 1, memory_order_relaxed);
    struct stat st;
    if (e && !memcmp(e->hash, hash, GZ_EXPORT_HASH) && !fstatat(o->dfd, rel, &st, 0) &&
        S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        return GZ_PUT_UNCHANGED;
    if ((e ? write_atomic : write_new)(o->dfd, rel, bytes, len, tag))
        return GZ_PUT_FAILED;
    if (o->verbose)
        fprintf(o->verbose, "W %s\n", rel);
    return GZ_PUT_WRITTEN;
}

/* Removes the directories above rel that are left empty. */
static void remove_empty_parents(int dfd, const char *rel)
{
    char path[4096];
    size_t n = strlen(rel);
    if (n >= sizeof path)
        return;
    memcpy(path, rel, n + 1);
    char *slash;
    while ((slash = strrchr(path, '/'))) {
        *slash = '\0';
        if (unlinkat(dfd, path, AT_REMOVEDIR))
            return; /* not empty (or gone): its parents are not either */
    }
}

size_t gz_export_remove_stale(struct gz_export_out *o)
{
    size_t removed = 0;
    for (size_t i = 0; i < o->cap; i++) {
        struct gz_export_entry *e = &o->old[i];
        if (!e->rel || atomic_load_explicit(&e->seen, memory_order_relaxed))
            continue;
        if (unlinkat(o->dfd, e->rel, 0) && errno != ENOENT)
            continue;
        removed++;
        if (o->verbose)
            fprintf(o->verbose, "D %s\n", e->rel);
        remove_empty_parents(o->dfd, e->rel);
    }
    return removed;
}

int gz_export_write_manifest(struct gz_export_out *o, char *const *rels,
                             const unsigned char (*hashes)[GZ_EXPORT_HASH], size_t n)
{
    int fd = openat(o->dfd, MANIFEST_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return GZ_EIO;
    }
    fputs(MANIFEST_HEAD, f);
    for (size_t i = 0; i < n; i++) {
        if (!rels[i])
            continue;
        for (size_t k = 0; k < GZ_EXPORT_HASH; k++)
            fprintf(f, "%02x", hashes[i][k]);
        fprintf(f, " %s\n", rels[i]);
    }
    int rc = ferror(f) ? GZ_EIO : GZ_OK;
    if (fclose(f))
        rc = GZ_EIO;
    if (rc == GZ_OK && renameat(o->dfd, MANIFEST_TMP, o->dfd, MANIFEST))
        rc = GZ_EIO;
    return rc;
}
