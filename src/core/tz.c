/* Time zones from TZif files (tz.h). Only what a date on a page needs:
 * the list of transitions and the UTC offset after each. */
#include "core/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define NAME_MAX_LEN 100
#define FILE_MAX (256 * 1024) /* the largest zone file is ~4 KB */
#define TRANSITIONS_MAX 5000

struct gz_tz {
    struct gz_tz *next; /* the registry's list */
    char name[NAME_MAX_LEN + 1];
    size_t n;        /* transitions */
    int64_t *at;     /* when each transition happens, ascending */
    int32_t *offset; /* the offset from then on */
    int32_t first;   /* the offset before the first transition */
};

/* Every zone loaded so far; never freed (tz.h). Reachable from here, so
 * leak checkers do not report them. */
static struct gz_tz *zones;
static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;

/* An IANA name: components of letters, digits, '_', '-', '+' separated
 * by single slashes; none empty or starting with a dot, so a name can
 * never leave the zoneinfo folder. */
static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (!n || n > NAME_MAX_LEN || name[0] == '/' || name[n - 1] == '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int start = i == 0 || name[i - 1] == '/';
        if (c == '/' && start)
            return 0;
        if (start && (c == '.' || c == '-'))
            return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' || c == '/'))
            return 0;
    }
    return 1;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The counts of a TZif header (RFC 8536 section 3.1). */
struct counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static int read_header(const unsigned char *p, size_t len, struct counts *c)
{
    if (len < 44 || memcmp(p, "TZif", 4))
        return GZ_EINVAL;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    if (c->time > TRANSITIONS_MAX || c->type == 0 || c->type > 256 || c->leap > 1000 ||
        c->chars > 1000 || c->isut > c->type || c->isstd > c->type)
        return GZ_EINVAL;
    return GZ_OK;
}

/* The size of a data block whose times take tsize bytes. */
static size_t block_size(const struct counts *c, size_t tsize)
{
    return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) +
           c->isstd + c->isut;
}

/* Fills tz from a whole file: the 64-bit block of version 2 and later,
 * else the 32-bit block. */
static int parse(struct gz_tz *tz, const unsigned char *p, size_t len)
{
    struct counts c;
    size_t tsize = 4;
    if (read_header(p, len, &c))
        return GZ_EINVAL;
    if (p[4] >= '2') {
        size_t skip = 44 + block_size(&c, 4);
        if (skip > len || read_header(p + skip, len - skip, &c))
            return GZ_EINVAL;
        p += skip;
        len -= skip;
        tsize = 8;
    }
    if (44 + block_size(&c, tsize) > len)
        return GZ_EINVAL;
    const unsigned char *times = p + 44, *idx = times + c.time * tsize,
                        *types = idx + c.time;
    tz->n = c.time;
    tz->at = gz_xcalloc(c.time ? c.time : 1, sizeof *tz->at);
    tz->offset = gz_xcalloc(c.time ? c.time : 1, sizeof *tz->offset);
    /* RFC 8536: times before the first transition use type 0. */
    tz->first = (int32_t)be32(types);
    for (size_t i = 0; i < c.time; i++) {
        tz->at[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (idx[i] >= c.type || (i && tz->at[i] <= tz->at[i - 1]))
            return GZ_EINVAL;
        tz->offset[i] = (int32_t)be32(types + 6 * idx[i]);
    }
    return GZ_OK;
}

static int load_file(struct gz_tz *tz, const char *name, char *err, size_t errlen)
{
    char path[sizeof GZ_TZ_DIR + NAME_MAX_LEN + 2];
    snprintf(path, sizeof path, "%s/%s", GZ_TZ_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "unknown time zone '%s' (no %s)", name, path);
        return GZ_ENOTFOUND;
    }
    unsigned char *buf = gz_xmalloc(FILE_MAX);
    size_t len = fread(buf, 1, FILE_MAX, f);
    int bad = ferror(f) || len == FILE_MAX;
    fclose(f);
    int rc = bad ? GZ_EINVAL : parse(tz, buf, len);
    free(buf);
    if (rc)
        snprintf(err, errlen, "'%s' is not a time zone file", path);
    return rc;
}

static struct gz_tz *find(const char *name)
{
    for (struct gz_tz *z = zones; z; z = z->next)
        if (!strcmp(z->name, name))
            return z;
    return NULL;
}

const struct gz_tz *gz_tz_get(const char *name, char *err, size_t errlen)
{
    if (!name || !name_ok(name)) {
        snprintf(err, errlen, "'%s' is not a time zone name (like UTC or Europe/Paris)",
                 name ? name : "");
        return NULL;
    }
    pthread_mutex_lock(&zones_lock);
    struct gz_tz *tz = find(name);
    if (!tz) {
        tz = gz_xcalloc(1, sizeof *tz);
        snprintf(tz->name, sizeof tz->name, "%s", name);
        int rc = strcmp(name, "UTC") ? load_file(tz, name, err, errlen) : GZ_OK;
        if (rc) {
            free(tz->at);
            free(tz->offset);
            free(tz);
            tz = NULL;
        } else {
            tz->next = zones;
            zones = tz;
        }
    }
    pthread_mutex_unlock(&zones_lock);
    return tz;
}

int32_t gz_tz_offset(const struct gz_tz *tz, int64_t t)
{
    if (!tz || tz->n == 0 || t < tz->at[0])
        return tz ? tz->first : 0;
    /* The last transition at or before t. */
    size_t lo = 0, hi = tz->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->offset[lo];
}

const char *gz_tz_name(const struct gz_tz *tz)
{
    return tz ? tz->name : "UTC";
}
