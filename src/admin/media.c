/* Media: uploads (checked by their bytes, stored by their SHA-256), the
 * media library at /admin/media, and the files themselves at /media/.
 *
 * A file lives at DIR/ab/<sha256>.<ext> under the media.dir setting; its
 * URL is /media/ab/<sha256>.<ext>. Because the name is the content, a URL
 * never changes meaning, so it is served with a year-long immutable cache
 * lifetime and the hash as its ETag. */
#include "admin/admin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/image.h"
#include "core/log.h"
#include "core/utf8.h"
#include "http/multipart.h"
#include "render/template.h"
#include "site/siteInt.h"

#define PER_PAGE 24
/* The uploaded name is kept for people only; longer names are cut. */
#define NAME_MAX_BYTES 200
/* Never read a file larger than the largest media.max_bytes allows. */
#define SERVE_MAX ((int64_t)1 << 30)
#define HASH_HEX 64

/* ---- files on disk ---- */

/* Creates every folder of path (mode 0755) that does not exist yet. */
static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

/* Makes a rename in dir durable. */
static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Writes bytes to path through a temporary file in dir, fsynced and
 * renamed, so a reader never sees half a file under its final name. */
static int write_atomically(const char *dir, const char *path, const void *bytes,
                            size_t len)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s/.upload-XXXXXX", dir) >= (int)sizeof tmp)
        return -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fchmod(fd, 0644) || gz_write_fd(fd, bytes, len) || fsync(fd) ? -1 : 0;
    if (close(fd))
        rc = -1;
    if (rc == 0 && rename(tmp, path))
        rc = -1;
    if (rc) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    fsync_dir(dir);
    return 0;
}

/* Stores bytes as DIR/ab/<hex>.<ext> unless an identical file is there
 * already (the same name means the same bytes); *created says whether this
 * call wrote it. The path goes to path (PATH_MAX bytes). */
static int store_file(const char *media_dir, const char *hex, const char *ext,
                      const void *bytes, size_t len, char *path, int *created)
{
    char dir[PATH_MAX];
    *created = 0;
    if (snprintf(dir, sizeof dir, "%s/%.2s", media_dir, hex) >= (int)sizeof dir ||
        snprintf(path, PATH_MAX, "%s/%s.%s", dir, hex, ext) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        return 0;
    if (mkdir_p(dir) || write_atomically(dir, path, bytes, len))
        return -1;
    *created = 1;
    return 0;
}

/* ---- saving an upload ---- */

/* The name people will see: the last path segment of what the browser
 * sent, without control characters, valid UTF-8, at most NAME_MAX_BYTES. */
static char *clean_name(const char *name)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') /* old browsers send a whole path */
            base = p + 1;
    char out[NAME_MAX_BYTES + 1];
    size_t n = 0;
    for (const char *p = base; *p && n < NAME_MAX_BYTES; p++)
        if ((unsigned char)*p >= 0x20 && *p != 0x7f)
            out[n++] = *p;
    n = gz_utf8_floor(out, n, n);
    out[n] = 0;
    if (!n || !gz_utf8_valid(out, n))
        return gz_xstrdup("upload");
    return gz_xstrdup(out);
}

static int refuse(char *err, size_t errlen, int rc, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return rc;
}

static void sha256_hex(const void *bytes, size_t len, char hex[HASH_HEX + 1])
{
    uint8_t hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, bytes, len);
    sodium_bin2hex(hex, HASH_HEX + 1, hash, sizeof hash);
}

/* Records a stored file; an identical one already recorded is no error:
 * out then holds that row and *reused is set. */
static int record(struct gz_store *st, int64_t user_id, const char *name, const char *hex,
                  const struct gz_image_info *info, size_t len, struct gz_media *out,
                  int *reused)
{
    out->sha256 = gz_xstrdup(hex);
    out->mime = gz_xstrdup(info->mime);
    out->ext = gz_xstrdup(info->ext);
    out->size = (int64_t)len;
    out->width = info->width;
    out->height = info->height;
    out->name = clean_name(name);
    out->user_id = user_id;
    out->created_at = time(NULL);
    int rc = st->ops->media_add(st, out);
    *reused = rc == GZ_EEXIST;
    return rc == GZ_EEXIST ? GZ_OK : rc;
}

int gz_media_store(const struct gz_config *cfg, struct gz_store *st, int64_t user_id,
                   const char *name, const void *bytes, size_t len, unsigned flags,
                   struct gz_media *out, int *reused, char *err, size_t errlen)
{
    int was_there = 0;
    memset(out, 0, sizeof *out);
    if (reused)
        *reused = 0;
    if (len == 0 || !bytes)
        return refuse(err, errlen, GZ_EINVAL, GZ_N("The file is empty."));
    if (len > cfg->media_max_bytes) {
        snprintf(err, errlen,
                 "The file is %zu bytes; the largest upload is %zu bytes (setting "
                 "media.max_bytes).",
                 len, cfg->media_max_bytes);
        return GZ_ETOOBIG;
    }
    struct gz_image_info info;
    if (gz_image_probe(bytes, len, &info, err, errlen))
        return GZ_EINVAL;
    char hex[HASH_HEX + 1], path[PATH_MAX];
    sha256_hex(bytes, len, hex);
    int created = 0;
    if (!(flags & GZ_MEDIA_DRY_RUN) &&
        store_file(cfg->media_dir, hex, info.ext, bytes, len, path, &created)) {
        gz_error("media: cannot write %s/%.2s/%s.%s: %s", cfg->media_dir, hex, hex,
                 info.ext, strerror(errno));
        return refuse(err, errlen, GZ_EIO, GZ_N("The file could not be stored."));
    }
    int rc = record(st, user_id, name, hex, &info, len, out, &was_there);
    if (rc) {
        if (created) /* no row names it: do not leave it behind */
            unlink(path);
        gz_media_clear(out);
        return refuse(err, errlen, GZ_EIO, GZ_N("The file could not be recorded."));
    }
    if (reused)
        *reused = was_there;
    return GZ_OK;
}

int gz_media_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                  const char *name, const void *bytes, size_t len, struct gz_media *out,
                  char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!gz_can(u, GZ_ACT_MEDIA_UPLOAD, NULL))
        return refuse(err, errlen, GZ_EPERM, GZ_N("Your role may not upload files."));
    int rc = gz_media_store(gz_site_cfg(site), st, u->id, name, bytes, len, 0, out, NULL,
                            err, errlen);
    if (rc)
        return rc;
    gz_info("media: %s stored %s (%s, %zu bytes, %lldx%lld) as %s", u->name, out->name,
            out->mime, len, (long long)out->width, (long long)out->height, out->sha256);
    return GZ_OK;
}

char *gz_media_url(struct gz_arena *a, const struct gz_media *m)
{
    const char *h = m->sha256 ? m->sha256 : "";
    return gz_arena_printf(a, "/media/%.2s/%s.%s", h, h, m->ext ? m->ext : "");
}

/* ---- serving /media/ ---- */

static int is_hex_lower(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

/* Accepts exactly "ab/<64 hex>.<ext>" whose folder is the hash's first two
 * digits and whose ext is one we store: nothing else can name a file, so
 * no path can leave the media folder. */
static enum gz_image_type media_name_ok(struct gz_str rest)
{
    const char *p = rest.p;
    if (rest.len < 3 + HASH_HEX + 2 || !is_hex_lower(p, 2) || p[2] != '/' ||
        !is_hex_lower(p + 3, HASH_HEX) || memcmp(p, p + 3, 2) || p[3 + HASH_HEX] != '.')
        return GZ_IMAGE_NONE;
    size_t at = 3 + HASH_HEX + 1;
    return gz_image_from_ext(p + at, rest.len - at);
}

static void send_file(struct gz_request *r, int fd, size_t size, enum gz_image_type t)
{
    char *buf;
    size_t got;
    if (gz_read_fd(fd, size, &buf, &got) == GZ_OK && got != size) {
        free(buf); /* it changed since the caller looked: a concurrent write */
        buf = NULL;
    }
    if (!buf) {
        gz_error("media: cannot read %.*s: %s", (int)r->path.len, r->path.p,
                 strerror(errno));
        gz_http_send_error(r, 500, "Internal Server Error");
        return;
    }
    gz_http_send(r, 200, "OK", gz_image_mime(t), buf, size);
    free(buf);
}

int gz_site_media(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    static const char prefix[] = "/media/";
    size_t plen = sizeof prefix - 1;
    if (r->path.len < plen || memcmp(r->path.p, prefix, plen))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    struct gz_str rest = {r->path.p + plen, r->path.len - plen};
    enum gz_image_type t = media_name_ok(rest);
    char path[PATH_MAX];
    int fd = -1;
    struct stat st;
    if (t == GZ_IMAGE_NONE ||
        snprintf(path, sizeof path, "%s/%.*s", gz_site_cfg(site)->media_dir,
                 (int)rest.len, rest.p) >= (int)sizeof path ||
        (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &st) ||
        !S_ISREG(st.st_mode) || st.st_size > SERVE_MAX) {
        if (fd >= 0)
            close(fd);
        gz_site_not_found(site, r);
        return GZ_OK;
    }
    char *etag = gz_arena_printf(&r->worker->arena, "\"%.*s\"", HASH_HEX, rest.p + 3);
    gz_http_add_header(r, "etag", etag);
    gz_http_add_header(r, "cache-control", "public, max-age=31536000, immutable");
    struct gz_str inm = gz_http_header(r, H2O_TOKEN_IF_NONE_MATCH);
    if (inm.len && gz_http_etag_matches(inm, etag, strlen(etag)))
        gz_http_send_not_modified(r, (size_t)st.st_size);
    else
        send_file(r, fd, (size_t)st.st_size, t);
    close(fd);
    return GZ_OK;
}

/* ---- the library page ---- */

static const char *human_size(struct gz_arena *a, int64_t n)
{
    if (n < 1024)
        return gz_arena_printf(a, "%lld bytes", (long long)n);
    if (n < 1024 * 1024)
        return gz_arena_printf(a, "%.1f KiB", (double)n / 1024);
    return gz_arena_printf(a, "%.1f MiB", (double)n / (1024 * 1024));
}

/* "![name](url)": the name without its extension as the alt text, with
 * the characters Markdown would read as syntax escaped. */
static const char *markdown_snippet(struct gz_arena *a, const char *name, const char *url)
{
    size_t n = strlen(name);
    const char *dot = strrchr(name, '.');
    if (dot && dot > name)
        n = (size_t)(dot - name);
    char *alt = gz_arena_alloc(a, 2 * n + 1), *o = alt;
    for (size_t i = 0; i < n; i++) {
        if (strchr("[]\\*_`<>", name[i]))
            *o++ = '\\';
        *o++ = name[i];
    }
    *o = 0;
    return gz_arena_printf(a, "![%s](%s)", alt, url);
}

/* One file as the template shows it; every string copied into the arena. */
static struct gz_val *media_values(struct gz_admin_req *q, const struct gz_media *m,
                                   int can_delete)
{
    struct gz_arena *a = q->arena;
    struct gz_val *v = gz_val_obj(a);
    const char *url = gz_media_url(a, m);
    const char *name = gz_arena_strdup(a, m->name ? m->name : "");
    gz_obj_set_int(v, "id", m->id);
    gz_obj_set_str(v, "url", url);
    gz_obj_set_str(v, "name", name);
    gz_obj_set_str(v, "mime", gz_arena_strdup(a, m->mime ? m->mime : ""));
    gz_obj_set_str(v, "size", human_size(a, m->size));
    gz_obj_set_int(v, "bytes", m->size);
    gz_obj_set_int(v, "width", m->width);
    gz_obj_set_int(v, "height", m->height);
    gz_obj_set_str(v, "markdown", markdown_snippet(a, name, url));
    gz_obj_set_bool(v, "can_delete", can_delete);
    return v;
}

/* The item just uploaded, shown above the form (?uploaded=ID). */
static void add_uploaded(struct gz_admin_req *q, struct gz_val *ctx)
{
    const char *id_text = gz_form_get(&q->query, "uploaded");
    int64_t id;
    struct gz_media m;
    if (!id_text || gz_parse_i64(id_text, strlen(id_text), 1, INT64_MAX, &id) ||
        q->st->ops->media_get(q->st, id, &m))
        return;
    gz_obj_set(ctx, "uploaded", media_values(q, &m, 0));
    gz_media_clear(&m);
}

static void add_pagination(struct gz_admin_req *q, struct gz_val *ctx, int64_t page,
                           int64_t total)
{
    int64_t pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
    gz_obj_set_int(ctx, "page", page);
    gz_obj_set_int(ctx, "pages", pages);
    if (page > 1)
        gz_obj_set_str(
            ctx, "prev",
            gz_arena_printf(q->arena, "/admin/media?page=%lld", (long long)(page - 1)));
    if (page < pages)
        gz_obj_set_str(
            ctx, "next",
            gz_arena_printf(q->arena, "/admin/media?page=%lld", (long long)(page + 1)));
    if (pages > 1)
        gz_obj_set_bool(ctx, "paginated", 1);
}

/* Renders the library with status (200, or the status of a refused upload
 * whose reason is error). */
static void library(struct gz_admin_req *q, int status, const char *error)
{
    const char *page_text = gz_form_get(&q->query, "page");
    int64_t page = 1;
    if (page_text && gz_parse_i64(page_text, strlen(page_text), 1, 1000000, &page)) {
        gz_admin_error(q, 404,
                       gz_admin_tr(q, "There is no such page of the media library."));
        return;
    }
    struct gz_media_list list;
    int64_t total = 0;
    if (q->st->ops->media_list(q->st, (size_t)(page - 1) * PER_PAGE, PER_PAGE, &list,
                               &total)) {
        gz_admin_error(q, 500, gz_admin_tr(q, "The media library could not be read."));
        return;
    }
    struct gz_val *ctx = gz_admin_ctx(q), *items = gz_val_list(q->arena);
    int can_delete = gz_can(&q->auth.user, GZ_ACT_MEDIA_DELETE, NULL);
    for (size_t i = 0; i < list.len; i++)
        gz_list_push(items, media_values(q, &list.items[i], can_delete));
    gz_media_list_clear(&list);
    if (!error)
        add_uploaded(q, ctx);
    gz_obj_set(ctx, "items", items);
    gz_obj_set_int(ctx, "total", total);
    gz_obj_set_bool(ctx, "nav_media", 1);
    gz_obj_set_str(ctx, "max_size",
                   human_size(q->arena, (int64_t)gz_site_cfg(q->site)->media_max_bytes));
    gz_obj_set_int(ctx, "max_bytes", (int64_t)gz_site_cfg(q->site)->media_max_bytes);
    if (error)
        gz_obj_set_str(ctx, "error", gz_arena_strdup(q->arena, error));
    add_pagination(q, ctx, page, total);
    gz_admin_render(q, status, "media.html", gz_admin_tr(q, "Media"), ctx);
}

/* ---- upload and delete ---- */

static int content_type_is(struct gz_admin_req *q, const char *want)
{
    struct gz_str ct = gz_http_header(q->r, H2O_TOKEN_CONTENT_TYPE);
    size_t n = strlen(want);
    return ct.len >= n && !strncasecmp(ct.p, want, n) &&
           (ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ');
}

/* The plain fields of a multipart form, as a gz_form (for the CSRF check,
 * which the dispatcher only makes on urlencoded forms). */
static void plain_fields(struct gz_admin_req *q, const struct gz_multipart_part *parts,
                         size_t n, struct gz_form *f)
{
    f->items = gz_arena_zalloc(q->arena, (n ? n : 1) * sizeof *f->items);
    f->len = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].filename)
            continue;
        struct gz_form_field *ff = &f->items[f->len++];
        ff->name = parts[i].name;
        ff->value = gz_arena_strndup(q->arena, parts[i].data, parts[i].len);
        ff->value_len = parts[i].len;
    }
}

static int save_status(int rc)
{
    return rc == GZ_EPERM ? 403 : rc == GZ_EINVAL ? 415 : rc == GZ_ETOOBIG ? 413 : 500;
}

/* gz_media_save's refusal in the admin's language: the size limit is
 * worded here again, as gz_media_save wrote it in English with numbers. */
static const char *upload_error(struct gz_admin_req *q, int rc, size_t len,
                                const char *err)
{
    if (rc == GZ_ETOOBIG)
        return gz_arena_printf(q->arena,
                               gz_admin_tr(q,
                                           "The file is %zu bytes; the largest upload is "
                                           "%zu bytes (setting media.max_bytes)."),
                               len, gz_site_cfg(q->site)->media_max_bytes);
    return gz_admin_tr(q, err);
}

static void upload(struct gz_admin_req *q)
{
    if (!gz_can(&q->auth.user, GZ_ACT_MEDIA_UPLOAD, NULL)) {
        gz_admin_error(q, 403, gz_admin_tr(q, "Your role may not upload files."));
        return;
    }
    if (!content_type_is(q, "multipart/form-data")) {
        gz_admin_error(
            q, 415,
            gz_admin_tr(q,
                        "Upload files as multipart/form-data, as the upload form does."));
        return;
    }
    struct gz_multipart_part *parts;
    size_t n;
    char err[256];
    struct gz_str ct = gz_http_header(q->r, H2O_TOKEN_CONTENT_TYPE);
    h2o_iovec_t body = q->r->req->entity;
    if (gz_multipart_parse(q->arena, ct, body.base, body.len, &parts, &n, err,
                           sizeof err)) {
        gz_admin_error(q, 400,
                       gz_arena_printf(q->arena,
                                       gz_admin_tr(q, "The upload could not be read: %s"),
                                       err));
        return;
    }
    struct gz_form fields;
    plain_fields(q, parts, n, &fields);
    if (!gz_auth_csrf_ok(&q->auth, &fields)) {
        gz_admin_error(
            q, 403,
            gz_admin_tr(q, "This form has expired or did not come from this site. "
                           "Reload the page and try again."));
        return;
    }
    const struct gz_multipart_part *file = gz_multipart_get(parts, n, "file");
    if (!file || !file->filename || (!file->filename[0] && !file->len)) {
        library(q, 422, gz_admin_tr(q, "Choose a file to upload."));
        return;
    }
    int64_t started = time(NULL);
    struct gz_media m;
    int rc = gz_media_save(q->site, q->st, &q->auth.user, file->filename, file->data,
                           file->len, &m, err, sizeof err);
    if (rc) {
        library(q, save_status(rc), upload_error(q, rc, file->len, err));
        return;
    }
    const char *flash =
        m.created_at < started
            ? gz_arena_printf(
                  q->arena, gz_admin_tr(q, "This file was already in the library as %s."),
                  m.name)
            : gz_arena_printf(q->arena, gz_admin_tr(q, "Uploaded %s."), m.name);
    char *to = gz_arena_printf(q->arena, "/admin/media?uploaded=%lld", (long long)m.id);
    gz_media_clear(&m);
    gz_admin_redirect(q, to, flash);
}

/* Removes the file of a deleted row; a file already gone is fine. An
 * upload of the same bytes racing this delete can be left with a row whose
 * file is gone (uploading it again restores the file); the window is a
 * few system calls wide and costs no data that is not in the upload. */
static void remove_file(struct gz_admin_req *q, const struct gz_media *m)
{
    /* The row names the file; make sure it names nothing else. */
    if (!m->sha256 || strlen(m->sha256) != HASH_HEX ||
        !is_hex_lower(m->sha256, HASH_HEX) || !m->ext ||
        gz_image_from_ext(m->ext, strlen(m->ext)) == GZ_IMAGE_NONE)
        return;
    char *path =
        gz_arena_printf(q->arena, "%s/%.2s/%s.%s", gz_site_cfg(q->site)->media_dir,
                        m->sha256, m->sha256, m->ext);
    if (unlink(path) && errno != ENOENT)
        gz_warn("media: cannot remove %s: %s", path, strerror(errno));
}

static void delete_media(struct gz_admin_req *q, int64_t id)
{
    if (!gz_can(&q->auth.user, GZ_ACT_MEDIA_DELETE, NULL)) {
        gz_admin_error(
            q, 403, gz_admin_tr(q, "Only editors and administrators may delete files."));
        return;
    }
    /* The dispatcher checked the token of urlencoded forms only. */
    if (!content_type_is(q, "application/x-www-form-urlencoded") ||
        !gz_auth_csrf_ok(&q->auth, &q->form)) {
        gz_admin_error(
            q, 403,
            gz_admin_tr(q, "This form has expired or did not come from this site. "
                           "Reload the page and try again."));
        return;
    }
    struct gz_media m;
    int rc = q->st->ops->media_get(q->st, id, &m);
    if (rc == GZ_OK)
        rc = q->st->ops->media_delete(q->st, id);
    if (rc) {
        gz_media_clear(&m);
        gz_admin_error(q, rc == GZ_ENOTFOUND ? 404 : 500,
                       gz_admin_tr(q, rc == GZ_ENOTFOUND
                                          ? "There is no such file in the library."
                                          : "The file could not be deleted."));
        return;
    }
    remove_file(q, &m);
    gz_info("media: %s deleted %s (%s)", q->auth.user.name, m.name, m.sha256);
    const char *flash = gz_arena_printf(q->arena, gz_admin_tr(q, "Deleted %s."), m.name);
    gz_media_clear(&m);
    gz_admin_redirect(q, "/admin/media", flash);
}

/* "/ID/delete" → id. */
static int delete_path(struct gz_str sub, int64_t *id)
{
    static const char tail[] = "/delete";
    size_t tn = sizeof tail - 1;
    if (sub.len <= tn + 1 || sub.p[0] != '/' || memcmp(sub.p + sub.len - tn, tail, tn))
        return 0;
    return gz_parse_i64(sub.p + 1, sub.len - tn - 1, 1, INT64_MAX, id) == GZ_OK;
}

void gz_admin_media(struct gz_admin_req *q, struct gz_str sub)
{
    int64_t id;
    if (sub.len == 0 || (sub.len == 1 && sub.p[0] == '/')) {
        if (q->is_post)
            upload(q);
        else if (!gz_can(&q->auth.user, GZ_ACT_MEDIA_UPLOAD, NULL))
            gz_admin_error(q, 403,
                           gz_admin_tr(q, "Your role may not use the media library."));
        else
            library(q, 200, NULL);
    } else if (delete_path(sub, &id)) {
        if (q->is_post) {
            delete_media(q, id);
        } else {
            gz_http_add_header(q->r, "allow", "POST");
            gz_admin_error(
                q, 405,
                gz_admin_tr(q, "Delete files with the button in the media library."));
        }
    } else {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such media page."));
    }
}
