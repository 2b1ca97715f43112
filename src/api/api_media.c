/* /api/v1/media: upload an image (multipart/form-data, field "file"),
 * list the library, read one item. Files are checked and stored by
 * gz_media_save, the same path the admin's upload takes; the server lets
 * this path's body reach media.max_bytes (plus framing) instead of
 * http.max_body. */
#include <string.h>
#include <strings.h>

#include "api/apiInt.h"
#include "http/multipart.h"

static json_t *media_json(struct gz_api_req *q, const struct gz_media *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(m->id));
    json_object_set_new(o, "url", gz_api_string(gz_media_url(q->arena, m)));
    json_object_set_new(o, "mime", gz_api_string(m->mime));
    json_object_set_new(o, "size", json_integer(m->size));
    json_object_set_new(o, "width", json_integer(m->width));
    json_object_set_new(o, "height", json_integer(m->height));
    json_object_set_new(o, "name", gz_api_string(m->name));
    json_object_set_new(o, "sha256", gz_api_string(m->sha256));
    json_object_set_new(o, "user_id",
                        m->user_id ? json_integer(m->user_id) : json_null());
    json_object_set_new(o, "created_at", gz_api_time(m->created_at));
    return o;
}

static void list(struct gz_api_req *q)
{
    static const char *const params[] = {"limit", "cursor", NULL};
    size_t limit;
    int64_t offset, unused;
    if (!gz_api_check_params(q, params) || !gz_api_limit(q, &limit) ||
        !gz_api_cursor(q, GZ_CURSOR_OFFSET, &offset, &unused))
        return;
    struct gz_media_list l = {0};
    int64_t total = 0;
    if (q->st->ops->media_list(q->st, (size_t)offset, limit, &l, &total)) {
        gz_api_internal(q, "Listing media");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.len; i++)
        json_array_append_new(items, media_json(q, &l.items[i]));
    int64_t next = offset + (int64_t)l.len;
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    json_object_set_new(body, "total", json_integer(total));
    json_object_set_new(body, "next_cursor",
                        l.len && next < total ? json_string(gz_api_cursor_encode(
                                                    q->arena, GZ_CURSOR_OFFSET, next, 0))
                                              : json_null());
    gz_media_list_clear(&l);
    gz_api_send(q, 200, body);
}

static void get(struct gz_api_req *q, int64_t id)
{
    struct gz_media m;
    int rc = q->st->ops->media_get(q->st, id, &m);
    if (rc == GZ_ENOTFOUND) {
        gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND, "There is no media item %lld.",
                        (long long)id);
        return;
    }
    if (rc) {
        gz_api_internal(q, "Reading a media item");
        return;
    }
    gz_api_send(q, 200, media_json(q, &m));
    gz_media_clear(&m);
}

static int is_multipart(struct gz_str ct)
{
    static const char want[] = "multipart/form-data";
    return ct.len >= sizeof want - 1 && !strncasecmp(ct.p, want, sizeof want - 1);
}

/* A 422 naming the "file" field. */
static void file_problem(struct gz_api_req *q, const char *message)
{
    json_t *errors = gz_api_errors_new();
    gz_api_error_add(errors, "file", message);
    gz_api_problem(q, 422, GZ_PROBLEM_INVALID,
                   gz_arena_printf(q->arena, "Field \"file\": %s.", message), errors);
}

/* Finds the "file" part; answers and returns NULL when there is none. */
static const struct gz_multipart_part *file_part(struct gz_api_req *q)
{
    struct gz_str ct = gz_http_header(q->r, H2O_TOKEN_CONTENT_TYPE);
    if (!is_multipart(ct)) {
        gz_api_problem(q, 415, GZ_PROBLEM_MEDIA_TYPE,
                       "Upload files as multipart/form-data with the file in the field "
                       "\"file\" (curl -F file=@photo.jpg).",
                       NULL);
        return NULL;
    }
    h2o_iovec_t body = q->r->req->entity;
    struct gz_multipart_part *parts;
    size_t n;
    char err[200] = "";
    int rc = gz_multipart_parse(q->arena, ct, body.base ? body.base : "", body.len,
                                &parts, &n, err, sizeof err);
    if (rc) {
        gz_api_problem(q, 400, GZ_PROBLEM_BAD_REQUEST,
                       rc == GZ_ETOOBIG ? "The form has too many parts."
                       : err[0]         ? err
                                        : "The multipart body is malformed.",
                       NULL);
        return NULL;
    }
    const struct gz_multipart_part *file = gz_multipart_get(parts, n, "file");
    if (!file || !file->filename)
        file_problem(q, "is required, and must be a file");
    return file && file->filename ? file : NULL;
}

static void upload(struct gz_api_req *q)
{
    const struct gz_user *u = gz_api_user(q);
    if (!gz_can(u, GZ_ACT_MEDIA_UPLOAD, NULL)) {
        gz_api_forbidden(q, "Uploading needs the author role or above.");
        return;
    }
    const struct gz_multipart_part *file = file_part(q);
    if (!file)
        return;
    struct gz_media m = {0};
    char err[256] = "";
    int rc = gz_media_save(q->site, q->st, u, file->filename, file->data, file->len, &m,
                           err, sizeof err);
    if (rc == GZ_OK) {
        gz_http_add_header(
            q->r, "location",
            gz_arena_printf(q->arena, "/api/v1/media/%lld", (long long)m.id));
        gz_api_send(q, 201, media_json(q, &m));
    } else if (rc == GZ_EINVAL) {
        file_problem(q, err[0] ? err : "is not an image gazette takes");
    } else if (rc == GZ_ETOOBIG) {
        gz_api_problem(q, 413, GZ_PROBLEM_TOO_LARGE,
                       err[0] ? err : "The file is larger than media.max_bytes.", NULL);
    } else if (rc == GZ_EPERM) {
        gz_api_forbidden(q, "Your role may not upload files.");
    } else {
        gz_api_internal(q, "Storing the file");
    }
    gz_media_clear(&m);
}

void gz_api_media(struct gz_api_req *q, int64_t id)
{
    if (!gz_api_require_user(q))
        return;
    if (q->method == GZ_API_POST)
        upload(q);
    else if (id)
        get(q, id);
    else
        list(q);
}
