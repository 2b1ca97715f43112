/* Internals shared by the files of src/api/: the request being answered,
 * problem+json errors, JSON in and out, dates, cursors and field checks.
 *
 * api.c dispatches /api/v1/... to the resource files (api_articles.c,
 * api_tags.c, api_users.c, api_media.c) and answers errors; api_json.c
 * holds the JSON, date and cursor helpers. Everything runs on an
 * event-loop thread with that thread's store handle; memory for one request
 * comes from its arena, JSON values from jansson (freed before returning). */
#ifndef GZ_API_INT_H
#define GZ_API_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "admin/admin.h"

/* The methods a resource takes, as a bit set (HEAD goes with GET). */
enum {
    GZ_API_GET = 1,
    GZ_API_POST = 2,
    GZ_API_PATCH = 4,
    GZ_API_DELETE = 8,
};

/* The largest page a list returns, and what it returns when not asked. */
#define GZ_API_LIMIT_MAX 100
#define GZ_API_LIMIT_DEFAULT 20

/* One API request being answered. */
struct gz_api_req {
    struct gz_site *site;
    struct gz_request *r;
    struct gz_store *st;    /* this thread's handle */
    struct gz_arena *arena; /* the request's arena */
    struct gz_auth auth;    /* the token's user; auth.user.id == 0: no token */
    unsigned method;        /* one GZ_API_* bit (HEAD is GZ_API_GET) */
    struct gz_form query;   /* the query string, parsed */
    int64_t now;
};

/* The user behind the token, or NULL for an anonymous request. */
static inline const struct gz_user *gz_api_user(const struct gz_api_req *q)
{
    return q->auth.user.id > 0 ? &q->auth.user : NULL;
}

/* ---- responses (api.c) ---- */

/* Sends body (which is consumed: its reference is dropped) as
 * application/json with the status, and no-store caching. */
void gz_api_send(struct gz_api_req *q, int status, json_t *body);
/* 204 No Content. */
void gz_api_send_empty(struct gz_api_req *q);

/* Problem types (RFC 9457 "type"): a URN per class of error, listed in
 * docs/api.md; clients branch on these, people read "detail". */
#define GZ_PROBLEM_BAD_REQUEST "urn:gazette:problem:bad-request"
#define GZ_PROBLEM_INVALID_JSON "urn:gazette:problem:invalid-json"
#define GZ_PROBLEM_UNAUTHORIZED "urn:gazette:problem:unauthorized"
#define GZ_PROBLEM_FORBIDDEN "urn:gazette:problem:forbidden"
#define GZ_PROBLEM_NOT_FOUND "urn:gazette:problem:not-found"
#define GZ_PROBLEM_METHOD "urn:gazette:problem:method-not-allowed"
#define GZ_PROBLEM_CONFLICT "urn:gazette:problem:conflict"
#define GZ_PROBLEM_TOO_LARGE "urn:gazette:problem:too-large"
#define GZ_PROBLEM_MEDIA_TYPE "urn:gazette:problem:unsupported-media-type"
#define GZ_PROBLEM_INVALID "urn:gazette:problem:invalid-fields"
#define GZ_PROBLEM_INTERNAL "urn:gazette:problem:internal"
#define GZ_PROBLEM_UNAVAILABLE "urn:gazette:problem:unavailable"

/* Sends an application/problem+json error: type, title (fixed per status),
 * status, detail and the request id; errors (an array of {field, message},
 * consumed) is added when not NULL. */
void gz_api_problem(struct gz_api_req *q, int status, const char *type,
                    const char *detail, json_t *errors);
/* The same with a printf-style detail. */
void gz_api_problemf(struct gz_api_req *q, int status, const char *type, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
/* 401 with WWW-Authenticate: Bearer. */
void gz_api_unauthorized(struct gz_api_req *q, const char *detail);
/* 403 with the given reason. */
void gz_api_forbidden(struct gz_api_req *q, const char *detail);
/* 500: the details went to the log. */
void gz_api_internal(struct gz_api_req *q, const char *what);

/* Whether a token came with the request; otherwise answers 401 and
 * returns 0. */
int gz_api_require_user(struct gz_api_req *q);

/* ---- request bodies (api.c) ---- */

/* Parses the body as a JSON object into *out (the caller drops it with
 * json_decref). Answers 415 when the Content-Type is not JSON, 400 when the
 * body is not a JSON object, and returns an error code then. */
int gz_api_read_object(struct gz_api_req *q, json_t **out);

/* A new empty list of field errors for gz_api_problem. */
json_t *gz_api_errors_new(void);
/* Adds {field, message} to errors. */
void gz_api_error_add(json_t *errors, const char *field, const char *message);
/* Adds an error for every key of obj not in allowed (NULL-terminated):
 * unknown fields are refused rather than silently dropped. */
void gz_api_check_fields(json_t *obj, const char *const *allowed, json_t *errors);

/* Field readers: 0 when key is absent, 1 when present and valid (*out
 * set; strings point into obj), -1 when present but invalid (an error was
 * added to errors). */
enum gz_api_text {
    GZ_API_LINE = 0,     /* one line: no control characters */
    GZ_API_TEXT = 1,     /* text: tabs and line breaks allowed */
    GZ_API_NONBLANK = 2, /* flag: not empty, not only spaces */
};
int gz_api_get_string(json_t *obj, const char *key, size_t max, int kind,
                      const char **out, json_t *errors);
/* The same checks on a value v (an array element), named field in errors:
 * 1 when valid, -1 when not. */
int gz_api_check_string(json_t *v, const char *field, size_t max, int kind,
                        const char **out, json_t *errors);
int gz_api_get_bool(json_t *obj, const char *key, int *out, json_t *errors);
int gz_api_get_id(json_t *obj, const char *key, int64_t *out, json_t *errors);
/* An RFC 3339 date or null (0). */
int gz_api_get_time(json_t *obj, const char *key, int64_t *out, json_t *errors);

/* ---- values (api.c) ---- */

/* A JSON string from stored text; bytes that are not UTF-8 become U+FFFD
 * (jansson refuses them), NULL becomes "". */
json_t *gz_api_string(const char *s);
/* An RFC 3339 UTC date ("2026-03-01T09:30:00Z"), or null for 0. */
json_t *gz_api_time(int64_t t);
/* Formats t as RFC 3339 UTC into out (at least 32 bytes). */
void gz_api_time_format(int64_t t, char *out, size_t cap);
/* Parses an RFC 3339 date-time ("2026-03-01T09:30:00Z", "...+03:30",
 * fractions of a second dropped) into Unix seconds. GZ_EINVAL otherwise. */
int gz_api_time_parse(const char *s, int64_t *out);

/* ---- lists (api.c) ---- */

/* Cursors are opaque to clients: a kind letter and two numbers, base64url.
 * Articles use (updated_at, id); media an offset. */
#define GZ_CURSOR_ARTICLES 'a'
#define GZ_CURSOR_OFFSET 'o'
char *gz_api_cursor_encode(struct gz_arena *a, char kind, int64_t x, int64_t y);
/* GZ_EINVAL unless s is a cursor of this kind. */
int gz_api_cursor_decode(const char *s, char kind, int64_t *x, int64_t *y);

/* Refuses (400) a query parameter not in allowed (NULL-terminated) or
 * given twice; returns 0 then, 1 when all are known. */
int gz_api_check_params(struct gz_api_req *q, const char *const *allowed);
/* Reads "limit" (1..GZ_API_LIMIT_MAX) into *limit, answering 400 and
 * returning 0 when it is bad. */
int gz_api_limit(struct gz_api_req *q, size_t *limit);
/* Reads "cursor" of the kind: 1 and the two numbers (0, 0 when absent);
 * 0 after answering 400 for a bad one. */
int gz_api_cursor(struct gz_api_req *q, char kind, int64_t *x, int64_t *y);

/* Parses a positive id from the whole of s. GZ_EINVAL otherwise. */
int gz_api_parse_id(struct gz_str s, int64_t *out);

/* ---- resources ---- */

/* id is 0 for the collection (/articles), else the item (/articles/ID). */
void gz_api_articles(struct gz_api_req *q, int64_t id);
void gz_api_tags(struct gz_api_req *q, int64_t id);
void gz_api_users(struct gz_api_req *q, int64_t id);
void gz_api_me(struct gz_api_req *q, int64_t id);
void gz_api_media(struct gz_api_req *q, int64_t id);

/* A user as the API shows it (never the password hash). */
json_t *gz_api_user_json(const struct gz_user *u);

#endif
