/* The --media part of the WordPress import: see wxr_media.h. */
#include "io/wxr_media.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin/admin.h"
#include "core/config.h"
#include "core/utf8.h"
#include "io/wxr.h"
#include "store/store.h"

#define UPLOADS "/wp-content/uploads/"
#define UPLOADS_LEN (sizeof UPLOADS - 1)
/* The base site URL, the base blog URL and the channel's link. */
#define BASES_MAX 3
#define BASE_MAX 512

/* A path below DIR seen in this import, and its media URL (NULL: skipped,
 * so that a file named a hundred times is read and reported once). */
struct seen {
    char *path;
    char *url;
};

struct gz_wxr_media {
    const struct gz_config *cfg;
    struct gz_store *st;
    struct gz_wxr_report *rep;
    int dry_run;
    int64_t now;
    char dir[PATH_MAX]; /* DIR, resolved */
    size_t dirlen;
    /* "host[/path]" of the export's base URLs: no scheme, no final '/'. */
    char bases[BASES_MAX][BASE_MAX];
    size_t nbases;
    struct seen *seen; /* open addressing; cap is a power of two */
    size_t nseen, cap;
    char error[256]; /* why the last call failed; fits a gz_wxr_error reason */
};

/* ---- the paths seen ---------------------------------------------------------- */

static struct seen *seen_slot(struct seen *slots, size_t cap, const char *path)
{
    size_t i = (size_t)gz_hash(path, strlen(path)) & (cap - 1);
    while (slots[i].path && strcmp(slots[i].path, path))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static struct seen *seen_find(struct gz_wxr_media *m, const char *path)
{
    if (!m->cap)
        return NULL;
    struct seen *e = seen_slot(m->seen, m->cap, path);
    return e->path ? e : NULL;
}

/* Remembers path (copied) and url (taken). */
static void seen_add(struct gz_wxr_media *m, const char *path, char *url)
{
    if ((m->nseen + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct seen *slots = gz_xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < m->cap; i++)
            if (m->seen[i].path)
                *seen_slot(slots, cap, m->seen[i].path) = m->seen[i];
        free(m->seen);
        m->seen = slots;
        m->cap = cap;
    }
    *seen_slot(m->seen, m->cap, path) = (struct seen){gz_xstrdup(path), url};
    m->nseen++;
}

/* ---- the report ------------------------------------------------------------- */

/* Counts a file skipped for reason, with a note naming it; returns GZ_OK
 * (a skipped file never stops the import). */
static int skipped(struct gz_wxr_media *m, const char *path, const char *reason)
{
    struct gz_wxr_report *rep = m->rep;
    rep->media_skipped++;
    size_t i = 0;
    while (i < rep->nmedia_reasons && strcmp(rep->media_reasons[i].reason, reason))
        i++;
    if (i == rep->nmedia_reasons && i < GZ_WXR_MEDIA_REASONS_MAX) {
        snprintf(rep->media_reasons[i].reason, sizeof rep->media_reasons[i].reason, "%s",
                 reason);
        rep->nmedia_reasons++;
    }
    if (i < rep->nmedia_reasons)
        rep->media_reasons[i].count++;
    if (rep->nnotes < GZ_WXR_NOTES_MAX)
        snprintf(rep->notes[rep->nnotes++], sizeof rep->notes[0], "media %.100s: %s",
                 path, reason);
    rep->notes_total++;
    return GZ_OK;
}

/* ---- paths ------------------------------------------------------------------ */

/* The path part of a URL (len bytes) with %XX decoded (heap); NULL when
 * the result is not UTF-8 or holds a control character (a NUL above all,
 * which would cut the path short). */
static char *path_decode(const char *s, size_t len)
{
    char *out = gz_xmalloc(len + 1);
    size_t n = gz_percent_unescape(s, len, out);
    int ok = n > 0 && gz_utf8_valid(out, n);
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)out[i] >= 0x20 && out[i] != 0x7f;
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* Whether path stays below DIR by its spelling: relative, no "." or ".."
 * segment, no backslash (a separator to people who copied from Windows). */
static int path_ok(const char *path)
{
    if (path[0] == '/' || strchr(path, '\\'))
        return 0;
    for (const char *seg = path; seg;) {
        const char *slash = strchr(seg, '/');
        size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        seg = slash ? slash + 1 : NULL;
    }
    return 1;
}

/* The original of a copy WordPress resized ("a/pic-300x200.jpg" →
 * "a/pic.jpg"), heap; NULL when path is not named so. */
static char *resized_original(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    const char *p = dot;
    size_t h = 0, w = 0;
    while (p > path && p[-1] >= '0' && p[-1] <= '9')
        p--, h++;
    if (!h || p == path || p[-1] != 'x')
        return NULL;
    p--;
    while (p > path && p[-1] >= '0' && p[-1] <= '9')
        p--, w++;
    if (!w || p == path || p[-1] != '-')
        return NULL;
    p--;
    size_t stem = (size_t)(p - path), n = stem + strlen(dot) + 1;
    char *out = gz_xmalloc(n);
    snprintf(out, n, "%.*s%s", (int)stem, path, dot);
    return out;
}

/* ---- one file --------------------------------------------------------------- */

/* Reads the regular file at real (resolved, inside DIR) into *bytes.
 * Returns NULL, or the reason it is skipped. */
static const char *read_file(struct gz_wxr_media *m, const char *real, char **bytes,
                             size_t *len)
{
    *bytes = NULL;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return "not a regular file";
    /* A file over the limit is refused before it is read. */
    int rc = gz_read_fd(fd, m->cfg->media_max_bytes, bytes, len);
    close(fd);
    return rc == GZ_OK        ? NULL
           : rc == GZ_EINVAL  ? "not a regular file"
           : rc == GZ_ETOOBIG ? "larger than media.max_bytes"
                              : "could not be read";
}

/* Stores the file at real as path's media; its URL into *url, or NULL
 * when it is skipped. */
static int store(struct gz_wxr_media *m, const char *path, const char *real, char **url)
{
    char *bytes;
    size_t len;
    const char *why = read_file(m, real, &bytes, &len);
    if (why)
        return skipped(m, path, why);
    const char *base = strrchr(path, '/');
    struct gz_media media;
    int reused;
    char err[200];
    int rc = gz_media_store(m->cfg, m->st, 0, base ? base + 1 : path, bytes, len,
                            m->dry_run ? GZ_MEDIA_DRY_RUN : 0, &media, &reused, err,
                            sizeof err);
    free(bytes);
    if (rc == GZ_EINVAL)
        return skipped(m, path, "not an image (JPEG, PNG, GIF or WebP)");
    if (rc == GZ_ETOOBIG)
        return skipped(m, path, "larger than media.max_bytes");
    if (rc) {
        snprintf(m->error, sizeof m->error, "media %.100s: %.140s", path, err);
        return rc;
    }
    if (reused)
        m->rep->media_reused++;
    else
        m->rep->media_imported++;
    size_t n = 2 * strlen(media.sha256) + strlen(media.ext) + 16;
    *url = gz_xmalloc(n);
    snprintf(*url, n, "/media/%.2s/%s.%s", media.sha256, media.sha256, media.ext);
    gz_media_clear(&media);
    return GZ_OK;
}

static int resolve(struct gz_wxr_media *m, const char *path, const char **url);

/* What path (decoded, below DIR) becomes: its media URL into *url (heap),
 * or NULL when it is skipped. */
static int import_file(struct gz_wxr_media *m, const char *path, char **url)
{
    *url = NULL;
    if (!path_ok(path))
        return skipped(m, path, "path leaves the uploads folder");
    char full[PATH_MAX], real[PATH_MAX];
    if (snprintf(full, sizeof full, "%s/%s", m->dir, path) >= (int)sizeof full)
        return skipped(m, path, "path too long");
    if (!realpath(full, real)) {
        /* A resized copy that was not kept: its original will do. */
        char *orig = errno == ENOENT ? resized_original(path) : NULL;
        if (orig &&
            snprintf(full, sizeof full, "%s/%s", m->dir, orig) < (int)sizeof full &&
            access(full, F_OK) == 0) {
            const char *orig_url = NULL;
            int rc = resolve(m, orig, &orig_url);
            free(orig);
            *url = orig_url ? gz_xstrdup(orig_url) : NULL;
            return rc;
        }
        free(orig);
        return skipped(m, path, "file missing");
    }
    /* A symbolic link may point anywhere: the file must be inside DIR. */
    if (strncmp(real, m->dir, m->dirlen) || real[m->dirlen] != '/')
        return skipped(m, path, "path leaves the uploads folder");
    return store(m, path, real, url);
}

/* The old address of path on the WordPress site, redirected to its media
 * URL so that links from elsewhere keep working. */
static int redirect_old(struct gz_wxr_media *m, const char *path, const char *url)
{
    if (!m->nbases)
        return GZ_OK;
    const char *site_path = strchr(m->bases[0], '/');
    size_t n = strlen(site_path ? site_path : "") + UPLOADS_LEN + strlen(path) + 1;
    char *old = gz_xmalloc(n);
    snprintf(old, n, "%s%s%s", site_path ? site_path : "", UPLOADS, path);
    int rc = m->st->ops->redirect_set(m->st, old, url, m->now);
    free(old);
    if (rc == GZ_OK)
        m->rep->redirects++;
    else
        snprintf(m->error, sizeof m->error, "media %.100s: could not add a redirect",
                 path);
    return rc;
}

/* The media URL of path (owned by m) into *url, NULL when skipped; each
 * path is looked at once per import. */
static int resolve(struct gz_wxr_media *m, const char *path, const char **url)
{
    struct seen *e = seen_find(m, path);
    if (e) {
        *url = e->url;
        return GZ_OK;
    }
    char *found = NULL;
    int rc = import_file(m, path, &found);
    if (rc == GZ_OK && found)
        rc = redirect_old(m, path, found);
    if (rc) {
        free(found);
        return rc;
    }
    seen_add(m, path, found);
    *url = found;
    return GZ_OK;
}

/* ---- URLs ------------------------------------------------------------------- */

/* Characters that cannot be inside a URL as WordPress writes them in
 * content: they start or end one (quotes, spaces, markup, srcset's
 * commas). WordPress's file names never hold them. */
static int is_delim(char c)
{
    return (unsigned char)c <= ' ' || strchr("\"'<>()=,;\\`", c) != NULL;
}

static int is_path_end(char c)
{
    return is_delim(c) || c == '?' || c == '#' || c == '&';
}

static int same(const char *tok, size_t len, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    return len == na + nb && !strncasecmp(tok, a, na) && !strncasecmp(tok + na, b, nb);
}

/* Whether tok (what comes before "/wp-content/uploads/" in a URL) is the
 * export's site: a base URL by any scheme, or its path alone. */
static int is_export(const struct gz_wxr_media *m, const char *tok, size_t len)
{
    for (size_t i = 0; i < m->nbases; i++) {
        const char *b = m->bases[i], *path = strchr(b, '/');
        if (same(tok, len, "http://", b) || same(tok, len, "https://", b) ||
            same(tok, len, "//", b) || same(tok, len, "", path ? path : ""))
            return 1;
    }
    return 0;
}

/* The media URL for the uploads path spelled at p (up to a path end),
 * into *url; *end is set past the path. */
static int url_at(struct gz_wxr_media *m, const char *p, const char **end,
                  const char **url)
{
    const char *e = p;
    while (*e && !is_path_end(*e))
        e++;
    *end = e;
    *url = NULL;
    if (e == p)
        return GZ_OK;
    char *path = path_decode(p, (size_t)(e - p));
    if (!path) {
        char shown[101];
        snprintf(shown, sizeof shown, "%.*s", (int)(e - p < 100 ? e - p : 100), p);
        return skipped(m, gz_utf8_valid(shown, strlen(shown)) ? shown : "(binary)",
                       "path not valid UTF-8 text");
    }
    int rc = resolve(m, path, url);
    free(path);
    return rc;
}

int gz_wxr_media_attachment(struct gz_wxr_media *m, const char *url, char **out)
{
    *out = NULL;
    m->error[0] = '\0';
    const char *at = strstr(url, UPLOADS);
    if (!at || !is_export(m, url, (size_t)(at - url))) {
        const char *shown = strrchr(url, '/');
        return skipped(m, shown && shown[1] ? shown + 1 : url,
                       "not in the export's uploads folder");
    }
    const char *end, *found;
    int rc = url_at(m, at + UPLOADS_LEN, &end, &found);
    if (rc == GZ_OK && found)
        *out = gz_xstrdup(found);
    return rc;
}

int gz_wxr_media_rewrite(struct gz_wxr_media *m, const char *html, char **out)
{
    *out = NULL;
    m->error[0] = '\0';
    struct gz_buf b;
    /* A media URL is longer than the shortest uploads URL: room to grow. */
    gz_buf_init(&b, 4 * GZ_WXR_FIELD_MAX);
    const char *copied = html, *p = html, *hit;
    int rc = GZ_OK, changed = 0;
    while (rc == GZ_OK && (hit = strstr(p, UPLOADS))) {
        const char *start = hit;
        while (start > copied && !is_delim(start[-1]))
            start--;
        const char *end, *url = NULL;
        if (is_export(m, start, (size_t)(hit - start)))
            rc = url_at(m, hit + UPLOADS_LEN, &end, &url);
        else
            end = hit + UPLOADS_LEN;
        if (rc == GZ_OK && url) {
            rc = gz_buf_append(&b, copied, (size_t)(start - copied));
            if (rc == GZ_OK)
                rc = gz_buf_puts(&b, url);
            copied = end;
            changed = 1;
        }
        p = end;
    }
    if (rc == GZ_OK && changed && (rc = gz_buf_puts(&b, copied)) == GZ_OK)
        *out = gz_buf_take(&b);
    gz_buf_free(&b);
    return rc;
}

/* ---- the import's state ----------------------------------------------------- */

static void add_base(struct gz_wxr_media *m, const char *url)
{
    const char *p = url;
    if (!strncasecmp(p, "http://", 7))
        p += 7;
    else if (!strncasecmp(p, "https://", 8))
        p += 8;
    else
        return;
    size_t n = strcspn(p, "?#");
    while (n && p[n - 1] == '/')
        n--;
    if (!n || n >= BASE_MAX || m->nbases == BASES_MAX)
        return;
    for (size_t i = 0; i < m->nbases; i++)
        if (strlen(m->bases[i]) == n && !strncasecmp(m->bases[i], p, n))
            return;
    snprintf(m->bases[m->nbases++], BASE_MAX, "%.*s", (int)n, p);
}

void gz_wxr_media_channel(struct gz_wxr_media *m, const struct gz_wxr_channel *c)
{
    m->nbases = 0;
    add_base(m, c->base_site_url);
    add_base(m, c->base_blog_url);
    add_base(m, c->link);
}

int gz_wxr_media_open(const struct gz_config *cfg, const char *dir, int dry_run,
                      struct gz_store *st, struct gz_wxr_report *rep,
                      struct gz_wxr_media **out, char *err, size_t errlen)
{
    *out = NULL;
    struct gz_wxr_media *m = gz_xcalloc(1, sizeof *m);
    struct stat sb;
    if (!realpath(dir, m->dir) || stat(m->dir, &sb) || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "--media %s: not a folder", dir);
        free(m);
        return GZ_EINVAL;
    }
    m->dirlen = strlen(m->dir);
    m->cfg = cfg;
    m->st = st;
    m->rep = rep;
    m->dry_run = dry_run;
    m->now = (int64_t)time(NULL);
    *out = m;
    return GZ_OK;
}

void gz_wxr_media_close(struct gz_wxr_media *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++) {
        free(m->seen[i].path);
        free(m->seen[i].url);
    }
    free(m->seen);
    free(m);
}

const char *gz_wxr_media_error(const struct gz_wxr_media *m)
{
    return m->error;
}
