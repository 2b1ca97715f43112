/* Theme loading: the embedded default theme, overridden file by file from
 * a theme directory, plus asset lookup with content types and etags. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/embedded.h"
#include "render/theme.h"

/* Caps on what a theme directory may feed us, so a stray huge file fails
 * loudly instead of eating memory. */
#define MAX_TEMPLATE_BYTES ((size_t)1 << 20)
#define MAX_ASSET_BYTES ((size_t)32 << 20)
/* How deep assets/ is walked; also stops symlink loops. */
#define MAX_ASSET_DEPTH 8

struct asset_slot {
    struct gz_asset pub;        /* path and etag are malloc'd and owned here */
    unsigned char *owned_bytes; /* NULL when bytes point into the binary */
};

/* Owns its template set and every asset slot. */
struct gz_theme {
    struct gz_tpl_set *templates;
    struct asset_slot *assets;
    size_t nassets, cap;
    char version[13];
};

/* ---- hashing and content types ---------------------------------------- */

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ico", "image/x-icon"},
    {"txt", "text/plain; charset=utf-8"},
    {"json", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"xml", "application/xml"},
    {"html", "text/html; charset=utf-8"},
};

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash)) {
        for (size_t i = 0; i < GZ_COUNTOF(content_types); i++)
            if (strcasecmp(dot + 1, content_types[i].ext) == 0)
                return content_types[i].type;
    }
    return "application/octet-stream";
}

/* ---- assets ------------------------------------------------------------ */

int gz_theme_check_path(const char *path, size_t len)
{
    if (!path || len == 0 || path[0] == '/')
        return GZ_EINVAL;
    if (memmem(path, len, "..", 2) || memchr(path, '\\', len) || memchr(path, '\0', len))
        return GZ_EINVAL;
    return GZ_OK;
}

static void slot_clear(struct asset_slot *s)
{
    if (s->pub.page)
        gz_page_unref(s->pub.page);
    s->pub.page = NULL;
    free((char *)s->pub.path);
    free((char *)s->pub.etag);
    free(s->owned_bytes);
}

/* Adds or replaces the asset at path. owned is freed with the theme (and
 * right away on failure); NULL means bytes live in the binary. */
static int asset_put(struct gz_theme *t, const char *path, const unsigned char *bytes,
                     size_t len, unsigned char *owned)
{
    if (gz_theme_check_path(path, strlen(path))) {
        free(owned);
        return GZ_EINVAL;
    }
    struct asset_slot *slot = NULL;
    for (size_t i = 0; i < t->nassets && !slot; i++)
        if (strcmp(t->assets[i].pub.path, path) == 0)
            slot = &t->assets[i];
    if (slot) {
        slot_clear(slot);
    } else {
        if (t->nassets == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 16;
            t->assets = gz_xrealloc(t->assets, t->cap * sizeof(*t->assets));
        }
        slot = &t->assets[t->nassets++];
    }
    char etag[24];
    snprintf(etag, sizeof(etag), "\"%016" PRIx64 "\"", gz_hash(bytes, len));
    slot->pub.path = gz_xstrdup(path);
    slot->pub.bytes = bytes;
    slot->pub.len = len;
    slot->pub.content_type = content_type_of(path);
    slot->pub.etag = gz_xstrdup(etag);
    slot->pub.page = NULL; /* made once every asset is in (assets_finish) */
    slot->owned_bytes = owned;
    return GZ_OK;
}

static int slot_cmp(const void *a, const void *b)
{
    const struct asset_slot *x = a, *y = b;
    return strcmp(x->pub.path, y->pub.path);
}

/* Sorts assets for bsearch and derives the version from every etag. */
/* Text compresses; images and fonts are compressed already. */
static int compressible(const char *content_type)
{
    return !strncmp(content_type, "text/", 5) || strstr(content_type, "json") ||
           strstr(content_type, "javascript") || strstr(content_type, "svg");
}

static void assets_finish(struct gz_theme *t)
{
    if (t->nassets)
        qsort(t->assets, t->nassets, sizeof(*t->assets), slot_cmp);
    uint64_t h = gz_hash("", 0);
    for (size_t i = 0; i < t->nassets; i++) {
        struct gz_asset *a = &t->assets[i].pub;
        a->page =
            gz_page_new(a->path, strlen(a->path), 200, a->content_type,
                        (const char *)a->bytes, a->len, compressible(a->content_type));
        h = gz_hash_more(h, a->path, strlen(a->path) + 1);
        h = gz_hash_more(h, a->etag, strlen(a->etag));
    }
    snprintf(t->version, sizeof(t->version), "%012" PRIx64,
             (uint64_t)(h & 0xffffffffffffULL));
}

struct path_key {
    const char *p;
    size_t len;
};

static int key_cmp(const void *k, const void *s)
{
    const struct path_key *key = k;
    const char *path = ((const struct asset_slot *)s)->pub.path;
    size_t plen = strlen(path);
    int c = memcmp(key->p, path, key->len < plen ? key->len : plen);
    if (c)
        return c;
    return key->len < plen ? -1 : key->len > plen;
}

const struct gz_asset *gz_theme_asset(const struct gz_theme *t, const char *path,
                                      size_t len)
{
    if (!t || gz_theme_check_path(path, len))
        return NULL;
    struct path_key key = {path, len};
    const struct asset_slot *s =
        bsearch(&key, t->assets, t->nassets, sizeof(*t->assets), key_cmp);
    return s ? &s->pub : NULL;
}

const char *gz_theme_assets_version(const struct gz_theme *t)
{
    return t->version;
}

const struct gz_tpl_set *gz_theme_templates(const struct gz_theme *t)
{
    return t->templates;
}

/* ---- loading ----------------------------------------------------------- */

/* Reads a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated buffer. */
static int read_file(const char *path, size_t max, unsigned char **out, size_t *len,
                     char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return GZ_EIO;
    }
    int rc = gz_read_fd(fd, max, (char **)out, len);
    if (rc == GZ_ETOOBIG)
        snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
    else if (rc == GZ_EINVAL)
        snprintf(err, errlen, "%s: not a regular file", path);
    else if (rc)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (rc == GZ_EINVAL)
        rc = GZ_EIO;
    close(fd);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int load_embedded(struct gz_theme *t, const struct gz_embedded_file *files,
                         size_t count, char *err, size_t errlen)
{
    for (size_t i = 0; i < count; i++) {
        const struct gz_embedded_file *f = &files[i];
        int rc = GZ_OK;
        if (strncmp(f->path, "templates/", 10) == 0 && ends_with(f->path, ".html"))
            rc = gz_tpl_set_add(t->templates, f->path + 10, (const char *)f->bytes,
                                f->len, err, errlen);
        else if (strncmp(f->path, "assets/", 7) == 0) {
            rc = asset_put(t, f->path + 7, f->bytes, f->len, NULL);
            if (rc)
                snprintf(err, errlen, "embedded asset %s: bad path", f->path);
        }
        if (rc)
            return rc;
    }
    return GZ_OK;
}

static int load_template_file(struct gz_theme *t, const char *dir, const char *name,
                              char *err, size_t errlen)
{
    char path[4096], msg[512];
    unsigned char *src = NULL;
    size_t len = 0;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        snprintf(err, errlen, "%s/%s: path too long", dir, name);
        return GZ_EINVAL;
    }
    int rc = read_file(path, MAX_TEMPLATE_BYTES, &src, &len, err, errlen);
    if (rc)
        return rc;
    rc = gz_tpl_set_add(t->templates, name, (const char *)src, len, msg, sizeof(msg));
    if (rc)
        snprintf(err, errlen, "%s/%s", dir, msg);
    free(src);
    return rc;
}

/* Every dir/NAME.html becomes template NAME.html; other files are ignored. */
static int load_templates_dir(struct gz_theme *t, const char *dir, char *err,
                              size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return GZ_OK;
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return GZ_EIO;
    }
    int rc = GZ_OK;
    struct dirent *e;
    while (rc == GZ_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".html"))
            continue;
        rc = load_template_file(t, dir, e->d_name, err, errlen);
    }
    closedir(d);
    return rc;
}

static int load_assets_dir(struct gz_theme *t, const char *dir, const char *prefix,
                           int depth, char *err, size_t errlen);

/* One entry of an assets directory: a file becomes an asset, a directory
 * is walked with its name added to the asset path. */
static int load_asset_entry(struct gz_theme *t, const char *dir, const char *prefix,
                            const char *name, int depth, char *err, size_t errlen)
{
    char path[4096], rel[1024];
    struct stat st;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
        (size_t)snprintf(rel, sizeof(rel), "%s%s", prefix, name) >= sizeof(rel)) {
        snprintf(err, errlen, "%s/%s: path too long", dir, name);
        return GZ_EINVAL;
    }
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return GZ_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        if ((size_t)snprintf(rel, sizeof(rel), "%s%s/", prefix, name) >= sizeof(rel))
            return GZ_EINVAL;
        return load_assets_dir(t, path, rel, depth + 1, err, errlen);
    }
    if (!S_ISREG(st.st_mode))
        return GZ_OK;
    if (gz_theme_check_path(rel, strlen(rel))) {
        snprintf(err, errlen, "%s: refused asset path", path);
        return GZ_EINVAL;
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = read_file(path, MAX_ASSET_BYTES, &bytes, &len, err, errlen);
    if (rc)
        return rc;
    return asset_put(t, rel, bytes, len, bytes);
}

static int load_assets_dir(struct gz_theme *t, const char *dir, const char *prefix,
                           int depth, char *err, size_t errlen)
{
    if (depth > MAX_ASSET_DEPTH) {
        snprintf(err, errlen, "%s: assets nested too deep", dir);
        return GZ_EINVAL;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT && depth == 0)
            return GZ_OK;
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return GZ_EIO;
    }
    int rc = GZ_OK;
    struct dirent *e;
    while (rc == GZ_OK && (e = readdir(d)) != NULL) {
        /* Dot files (., .., editor swap files, .DS_Store) are never assets. */
        if (e->d_name[0] == '.')
            continue;
        rc = load_asset_entry(t, dir, prefix, e->d_name, depth, err, errlen);
    }
    closedir(d);
    return rc;
}

static int load_dir(struct gz_theme *t, const char *dir, char *err, size_t errlen)
{
    char sub[4096];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a theme directory", dir);
        return GZ_EIO;
    }
    if ((size_t)snprintf(sub, sizeof(sub), "%s/templates", dir) >= sizeof(sub))
        return GZ_EINVAL;
    int rc = load_templates_dir(t, sub, err, errlen);
    if (rc)
        return rc;
    snprintf(sub, sizeof(sub), "%s/assets", dir);
    return load_assets_dir(t, sub, "", 0, err, errlen);
}

int gz_theme_load(const char *dir, struct gz_theme **out, char *err, size_t errlen)
{
    return gz_theme_load_from(gz_theme_default_files, gz_theme_default_count, dir, out,
                              err, errlen);
}

int gz_theme_load_from(const struct gz_embedded_file *files, size_t count,
                       const char *dir, struct gz_theme **out, char *err, size_t errlen)
{
    char scratch[1];
    if (!err || errlen == 0) {
        err = scratch;
        errlen = sizeof(scratch);
    }
    err[0] = '\0';
    struct gz_theme *t = gz_xcalloc(1, sizeof(*t));
    t->templates = gz_tpl_set_new();
    int rc = load_embedded(t, files, count, err, errlen);
    if (rc == GZ_OK && dir)
        rc = load_dir(t, dir, err, errlen);
    if (rc == GZ_OK)
        rc = gz_tpl_set_link(t->templates, err, errlen);
    if (rc) {
        gz_theme_free(t);
        return rc;
    }
    assets_finish(t);
    *out = t;
    return GZ_OK;
}

void gz_theme_free(struct gz_theme *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nassets; i++)
        slot_clear(&t->assets[i]);
    free(t->assets);
    gz_tpl_set_free(t->templates);
    free(t);
}
