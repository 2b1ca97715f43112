/* The JSON API under /api/v1 (docs/api.md): dispatch, bearer-token
 * authentication, problem+json errors (RFC 9457) and JSON bodies.
 *
 * Only an "Authorization: Bearer gz_..." token authenticates here. The
 * admin's session cookie is ignored on purpose: a browser sends it with
 * requests that other sites make, so accepting it would need CSRF checks
 * the API does not do. Without a token only the public read-only part
 * answers (published articles, tags). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/apiInt.h"
#include "core/log.h"
#include "site/route.h"
#include "site/siteInt.h"

#define PREFIX "/api/v1"

/* A resource: the methods of the collection and of an item (0: no items). */
struct route {
    const char *name; /* path segment after /api/v1 */
    unsigned collection, item;
    void (*handle)(struct gz_api_req *q, int64_t id);
};

static const struct route routes[] = {
    {"/articles", GZ_API_GET | GZ_API_POST, GZ_API_GET | GZ_API_PATCH | GZ_API_DELETE,
     gz_api_articles},
    {"/tags", GZ_API_GET, 0, gz_api_tags},
    {"/users", GZ_API_GET | GZ_API_POST, GZ_API_GET | GZ_API_PATCH, gz_api_users},
    {"/me", GZ_API_GET, 0, gz_api_me},
    {"/media", GZ_API_GET | GZ_API_POST, GZ_API_GET, gz_api_media},
};

static const char *reason(int status)
{
    static const struct {
        int status;
        const char *text;
    } reasons[] = {
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Content"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
    };
    for (size_t i = 0; i < GZ_COUNTOF(reasons); i++)
        if (reasons[i].status == status)
            return reasons[i].text;
    return status < 500 ? "Error" : "Internal Server Error";
}

/* ---- responses ---- */

static void send_json(struct gz_api_req *q, int status, const char *type, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    gz_http_add_header(q->r, "cache-control", "no-store");
    if (!text) {
        static const char oom[] = "{\"status\":500}";
        gz_http_send(q->r, 500, reason(500), "application/problem+json", oom,
                     sizeof oom - 1);
        return;
    }
    gz_http_send(q->r, status, reason(status), type, text, strlen(text));
    free(text);
}

void gz_api_send(struct gz_api_req *q, int status, json_t *body)
{
    send_json(q, status, "application/json; charset=utf-8", body);
}

void gz_api_send_empty(struct gz_api_req *q)
{
    gz_http_add_header(q->r, "cache-control", "no-store");
    gz_http_send(q->r, 204, reason(204), "application/json; charset=utf-8", "", 0);
}

void gz_api_problem(struct gz_api_req *q, int status, const char *type,
                    const char *detail, json_t *errors)
{
    json_t *p = json_object();
    json_object_set_new(p, "type", json_string(type));
    json_object_set_new(p, "title", json_string(reason(status)));
    json_object_set_new(p, "status", json_integer(status));
    json_object_set_new(p, "detail", gz_api_string(detail));
    if (errors)
        json_object_set_new(p, "errors", errors);
    json_object_set_new(p, "request_id", gz_api_string(q->r->request_id.p));
    send_json(q, status, "application/problem+json; charset=utf-8", p);
}

void gz_api_problemf(struct gz_api_req *q, int status, const char *type, const char *fmt,
                     ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    gz_api_problem(q, status, type, detail, NULL);
}

void gz_api_unauthorized(struct gz_api_req *q, const char *detail)
{
    /* RFC 6750: name the scheme, and say when the token itself was bad. */
    int sent = gz_http_header(q->r, H2O_TOKEN_AUTHORIZATION).len > 0;
    gz_http_add_header(q->r, "www-authenticate",
                       sent ? "Bearer realm=\"gazette\", error=\"invalid_token\""
                            : "Bearer realm=\"gazette\"");
    gz_api_problem(q, 401, GZ_PROBLEM_UNAUTHORIZED, detail, NULL);
}

void gz_api_forbidden(struct gz_api_req *q, const char *detail)
{
    gz_api_problem(q, 403, GZ_PROBLEM_FORBIDDEN, detail, NULL);
}

void gz_api_internal(struct gz_api_req *q, const char *what)
{
    gz_error("api: %s failed", what);
    gz_api_problemf(q, 500, GZ_PROBLEM_INTERNAL, "%s failed; the server log has details.",
                    what);
}

int gz_api_require_user(struct gz_api_req *q)
{
    if (gz_api_user(q))
        return 1;
    gz_api_unauthorized(
        q, "This needs an API token: send \"Authorization: Bearer gz_...\".");
    return 0;
}

/* ---- request bodies ---- */

/* Whether the Content-Type's media type (before any parameter) is one of
 * JSON's. */
static int is_json(struct gz_str ct)
{
    size_t n = 0;
    while (n < ct.len && ct.p[n] != ';' && ct.p[n] != ' ')
        n++;
    static const char *const types[] = {"application/json",
                                        "application/merge-patch+json"};
    for (size_t i = 0; i < GZ_COUNTOF(types); i++)
        if (n == strlen(types[i]) && !strncasecmp(ct.p, types[i], n))
            return 1;
    return 0;
}

int gz_api_read_object(struct gz_api_req *q, json_t **out)
{
    *out = NULL;
    if (!is_json(gz_http_header(q->r, H2O_TOKEN_CONTENT_TYPE))) {
        gz_api_problem(q, 415, GZ_PROBLEM_MEDIA_TYPE,
                       "Send the body as JSON, with \"Content-Type: application/json\".",
                       NULL);
        return GZ_EINVAL;
    }
    h2o_iovec_t body = q->r->req->entity;
    json_error_t e;
    json_t *v =
        json_loadb(body.base ? body.base : "", body.len, JSON_REJECT_DUPLICATES, &e);
    if (!v) {
        gz_api_problemf(q, 400, GZ_PROBLEM_INVALID_JSON,
                        "The body is not valid JSON: %s (line %d, column %d).", e.text,
                        e.line, e.column);
        return GZ_EINVAL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        gz_api_problem(q, 400, GZ_PROBLEM_INVALID_JSON, "The body must be a JSON object.",
                       NULL);
        return GZ_EINVAL;
    }
    *out = v;
    return GZ_OK;
}

/* ---- dispatch ---- */

static unsigned method_of(struct gz_request *r)
{
    h2o_iovec_t m = r->req->method;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("GET")) || r->is_head)
        return GZ_API_GET;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("POST")))
        return GZ_API_POST;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("PATCH")))
        return GZ_API_PATCH;
    if (h2o_memis(m.base, m.len, H2O_STRLIT("DELETE")))
        return GZ_API_DELETE;
    return 0;
}

static void method_not_allowed(struct gz_api_req *q, unsigned allowed)
{
    char allow[64] = "";
    static const struct {
        unsigned bit;
        const char *names;
    } names[] = {{GZ_API_GET, "GET, HEAD"},
                 {GZ_API_POST, "POST"},
                 {GZ_API_PATCH, "PATCH"},
                 {GZ_API_DELETE, "DELETE"}};
    for (size_t i = 0; i < GZ_COUNTOF(names); i++) {
        if (!(allowed & names[i].bit))
            continue;
        size_t n = strlen(allow);
        snprintf(allow + n, sizeof allow - n, "%s%s", n ? ", " : "", names[i].names);
    }
    gz_http_add_header(q->r, "allow", allow);
    gz_api_problemf(q, 405, GZ_PROBLEM_METHOD, "This resource takes %s.", allow);
}

static void not_found(struct gz_api_req *q)
{
    gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND,
                    "There is no API resource at %.200s; see docs/api.md.",
                    gz_arena_strndup(q->arena, q->r->path.p, q->r->path.len));
}

/* Finds the resource for the path and checks the method. */
static void route(struct gz_api_req *q, struct gz_str rest)
{
    for (size_t i = 0; i < GZ_COUNTOF(routes); i++) {
        struct gz_str sub;
        if (!gz_route_under(rest, routes[i].name, &sub))
            continue;
        int64_t id = 0;
        unsigned allowed = routes[i].collection;
        if (sub.len) {
            struct gz_str digits = {sub.p + 1, sub.len - 1};
            if (!routes[i].item || gz_api_parse_id(digits, &id)) {
                not_found(q);
                return;
            }
            allowed = routes[i].item;
        }
        if (!(q->method & allowed)) {
            method_not_allowed(q, allowed);
            return;
        }
        routes[i].handle(q, id);
        return;
    }
    not_found(q);
}

/* Who is asking: a bearer token, or nobody. A cookie is never looked at
 * (see the top of this file); a token that was sent but does not work is
 * refused even on public resources, so a client learns it is broken. */
static int authenticate(struct gz_api_req *q)
{
    if (!gz_http_header(q->r, H2O_TOKEN_AUTHORIZATION).len)
        return GZ_OK;
    int rc = gz_auth_from_request(q->r, q->st, 1, &q->auth);
    if (rc == GZ_OK && !q->auth.via_token)
        rc = GZ_ENOTFOUND;
    if (rc) {
        gz_auth_clear(&q->auth);
        gz_api_unauthorized(q, "The API token is unknown, revoked, or its user is "
                               "disabled. Tokens look like \"Bearer gz_\" and 64 hex "
                               "digits.");
    }
    return rc;
}

int gz_api_handle(void *ctx, struct gz_request *r)
{
    struct gz_str rest;
    if (!gz_route_under(r->path, "/api", &rest))
        return GZ_DECLINED;
    struct gz_site *site = ctx;
    struct gz_api_req q = {
        .site = site,
        .r = r,
        .st = gz_site_thread_of(site, r)->store,
        .arena = &r->worker->arena,
        .method = method_of(r),
        .now = time(NULL),
    };
    if (!gz_route_under(r->path, PREFIX, &rest)) {
        not_found(&q);
    } else if (!q.method) {
        gz_http_add_header(r, "allow", "GET, HEAD, POST, PATCH, DELETE");
        gz_api_problem(&q, 405, GZ_PROBLEM_METHOD,
                       "The API takes GET, HEAD, POST, PATCH and DELETE.", NULL);
    } else if (!q.st) {
        gz_api_problem(&q, 503, GZ_PROBLEM_UNAVAILABLE, "The database is not available.",
                       NULL);
    } else if (gz_form_parse(q.arena, r->query.p, r->query.len, &q.query)) {
        gz_api_problem(&q, 400, GZ_PROBLEM_BAD_REQUEST,
                       "The query string is malformed (a bad %-escape or too many "
                       "parameters).",
                       NULL);
    } else if (authenticate(&q) == GZ_OK) {
        route(&q, rest);
    }
    gz_auth_clear(&q.auth);
    return GZ_OK;
}
