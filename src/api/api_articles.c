/* /api/v1/articles: list (filters, cursor pagination), read, create,
 * partial update, trash. Writes go through gz_editorial_save and
 * gz_editorial_trash, the newsroom's one write path, which check the
 * roles again and make the change visible on the site.
 *
 * Who reads what: anyone a published article (live and not in the trash);
 * editors and admins every article; authors and contributors their own
 * too. */
#include <stdlib.h>
#include <string.h>

#include "api/apiInt.h"
#include "content/slug.h"
#include "content/url.h"
#include "site/siteInt.h"

#define TITLE_MAX 1000
#define SUMMARY_MAX 10000
#define BODY_MAX ((size_t)16 << 20)
#define LANG_MAX 35
#define TAGS_MAX 64
#define TAG_MAX 100
#define IMAGE_MAX 2048
#define FILTER_MAX 200

/* ---- who sees what ---- */

static int sees_all(const struct gz_user *u)
{
    return u && u->role >= GZ_ROLE_EDITOR;
}

/* On the site: published, its time come, not in the trash. */
static int is_live(enum gz_status status, int64_t published_at, int64_t deleted_at,
                   int64_t now)
{
    return status == GZ_STATUS_PUBLISHED && published_at <= now && !deleted_at;
}

static int can_read(struct gz_api_req *q, const struct gz_article *a)
{
    const struct gz_user *u = gz_api_user(q);
    if (is_live(a->status, a->published_at, a->deleted_at, q->now))
        return 1;
    return u && (sees_all(u) || a->author_id == u->id);
}

/* The status as clients see it: "scheduled" is published with a time to
 * come. */
static const char *status_name(enum gz_status s, int64_t published_at, int64_t now)
{
    switch (s) {
    case GZ_STATUS_DRAFT:
        return "draft";
    case GZ_STATUS_PUBLISHED:
        return published_at > now ? "scheduled" : "published";
    case GZ_STATUS_SCHEDULED:
        return "scheduled";
    case GZ_STATUS_UNPUBLISHED:
        return "unpublished";
    }
    return "draft";
}

/* ---- JSON out ---- */

static json_t *tags_json(char **tags, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, gz_api_string(tags[i]));
    return arr;
}

/* The public path of a live article, else null. */
static json_t *url_json(struct gz_api_req *q, const char *slug, enum gz_status status,
                        int64_t published_at, int64_t deleted_at)
{
    if (!is_live(status, published_at, deleted_at, q->now))
        return json_null();
    return gz_api_string(gz_article_path(q->arena, slug, published_at));
}

static json_t *row_json(struct gz_api_req *q, const struct gz_article_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "slug", gz_api_string(r->slug));
    json_object_set_new(o, "title", gz_api_string(r->title));
    json_object_set_new(o, "lang", gz_api_string(r->lang));
    json_object_set_new(o, "status",
                        json_string(status_name(r->status, r->published_at, q->now)));
    json_object_set_new(o, "author_id",
                        r->author_id ? json_integer(r->author_id) : json_null());
    json_object_set_new(o, "author_name", gz_api_string(r->author_name));
    json_object_set_new(o, "tags", tags_json(r->tags, r->ntags));
    json_object_set_new(o, "published_at", gz_api_time(r->published_at));
    json_object_set_new(o, "updated_at", gz_api_time(r->updated_at));
    json_object_set_new(o, "deleted_at", gz_api_time(r->deleted_at));
    json_object_set_new(o, "url",
                        url_json(q, r->slug, r->status, r->published_at, r->deleted_at));
    return o;
}

static json_t *article_json(struct gz_api_req *q, const struct gz_article *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "slug", gz_api_string(a->slug));
    json_object_set_new(o, "title", gz_api_string(a->title));
    json_object_set_new(o, "summary", gz_api_string(a->summary));
    json_object_set_new(o, "body", gz_api_string(a->body_src));
    json_object_set_new(o, "format",
                        json_string(a->body_format == GZ_FORMAT_HTML ? "html" : "markdown"));
    json_object_set_new(o, "body_html", gz_api_string(a->body_html));
    json_object_set_new(o, "teaser", gz_api_string(a->teaser));
    json_object_set_new(o, "lang", gz_api_string(a->lang));
    json_object_set_new(o, "status",
                        json_string(status_name(a->status, a->published_at, q->now)));
    json_object_set_new(o, "author_id",
                        a->author_id ? json_integer(a->author_id) : json_null());
    json_object_set_new(o, "author_name", gz_api_string(a->author_name));
    json_object_set_new(o, "tags", tags_json(a->tags, a->ntags));
    json_object_set_new(o, "image", gz_api_string(a->image));
    json_object_set_new(o, "published_at", gz_api_time(a->published_at));
    json_object_set_new(o, "created_at", gz_api_time(a->created_at));
    json_object_set_new(o, "updated_at", gz_api_time(a->updated_at));
    json_object_set_new(o, "deleted_at", gz_api_time(a->deleted_at));
    json_object_set_new(o, "url",
                        url_json(q, a->slug, a->status, a->published_at, a->deleted_at));
    return o;
}

/* ---- the list ---- */

static const char *const list_params[] = {"status", "author", "tag",    "lang",
                                          "q",      "limit",  "cursor", NULL};

/* The status filter: -1 for any, else an enum gz_status (SCHEDULED as the
 * store means it: published with a time to come). */
static int parse_status_filter(const char *s, int *out)
{
    static const struct {
        const char *name;
        int status;
    } names[] = {{"any", -1},
                 {"draft", GZ_STATUS_DRAFT},
                 {"published", GZ_STATUS_PUBLISHED},
                 {"scheduled", GZ_STATUS_SCHEDULED},
                 {"unpublished", GZ_STATUS_UNPUBLISHED}};
    for (size_t i = 0; i < GZ_COUNTOF(names); i++)
        if (!strcmp(s, names[i].name)) {
            *out = names[i].status;
            return GZ_OK;
        }
    return GZ_EINVAL;
}

static void param_error(struct gz_api_req *q, const char *name, const char *message)
{
    json_t *errors = gz_api_errors_new();
    gz_api_error_add(errors, name, message);
    char *detail =
        gz_arena_printf(q->arena, "Query parameter \"%s\": %s.", name, message);
    gz_api_problem(q, 400, GZ_PROBLEM_BAD_REQUEST, detail, errors);
}

/* Fills the filter from the query; answers and returns 0 on a bad one. */
static int read_filter(struct gz_api_req *q, struct gz_article_filter *f, size_t *limit)
{
    int64_t before_updated, before_id;
    if (!gz_api_check_params(q, list_params) || !gz_api_limit(q, limit) ||
        !gz_api_cursor(q, GZ_CURSOR_ARTICLES, &before_updated, &before_id))
        return 0;
    *f = (struct gz_article_filter){.status = gz_api_user(q) ? -1 : GZ_STATUS_PUBLISHED,
                                    .now = q->now,
                                    .before_updated = before_updated,
                                    .before_id = before_id,
                                    .limit = *limit + 1};
    const char *status = gz_form_get(&q->query, "status");
    if (status && parse_status_filter(status, &f->status)) {
        param_error(q, "status",
                    "must be any, draft, published, scheduled or unpublished");
        return 0;
    }
    if (!gz_api_user(q) && f->status != GZ_STATUS_PUBLISHED) {
        gz_api_unauthorized(q, "Without a token only published articles are listed.");
        return 0;
    }
    const char *author = gz_form_get(&q->query, "author");
    if (author &&
        gz_api_parse_id((struct gz_str){author, strlen(author)}, &f->author_id)) {
        param_error(q, "author", "must be a user id");
        return 0;
    }
    static const char *const text[] = {"tag", "lang", "q"};
    const char **dest[] = {&f->tag, &f->lang, &f->q};
    for (size_t i = 0; i < GZ_COUNTOF(text); i++) {
        const char *v = gz_form_get(&q->query, text[i]);
        if (v && (!v[0] || strlen(v) > FILTER_MAX)) {
            param_error(q, text[i], "must have 1 to 200 bytes");
            return 0;
        }
        *dest[i] = v;
    }
    return 1;
}

/* Whether row a comes before row b: updated_at, then id, both newest
 * first (the store's order and the cursor's). */
static int before(const struct gz_article_row *a, const struct gz_article_row *b)
{
    return a->updated_at > b->updated_at ||
           (a->updated_at == b->updated_at && a->id > b->id);
}

/* Merges the two sorted lists into out (room for max), dropping a row
 * that is in both. Returns the count. */
static size_t merge(const struct gz_article_rows *x, const struct gz_article_rows *y,
                    const struct gz_article_row **out, size_t max)
{
    size_t i = 0, j = 0, n = 0;
    while (n < max && (i < x->len || j < y->len)) {
        if (j == y->len || (i < x->len && before(&x->items[i], &y->items[j])))
            out[n++] = &x->items[i++];
        else if (i == x->len || before(&y->items[j], &x->items[i]))
            out[n++] = &y->items[j++];
        else { /* the same row (same id and time): once */
            out[n++] = &x->items[i++];
            j++;
        }
    }
    return n;
}

/* Runs the filter for the asker. Editors and admins (and anonymous
 * readers, whose filter says published) need one query. For the others the
 * visible rows are the published ones and their own: two keyset queries
 * with the same cursor, merged, are exactly the page of that union. */
static int run_list(struct gz_api_req *q, const struct gz_article_filter *f,
                    struct gz_article_rows *x, struct gz_article_rows *y)
{
    const struct gz_user *u = gz_api_user(q);
    int64_t total;
    if (!u || sees_all(u))
        return q->st->ops->article_list(q->st, f, x, &total);
    int rc = GZ_OK;
    if (f->status == -1 || f->status == GZ_STATUS_PUBLISHED) {
        struct gz_article_filter published = *f;
        published.status = GZ_STATUS_PUBLISHED;
        rc = q->st->ops->article_list(q->st, &published, x, &total);
    }
    if (rc == GZ_OK && (f->author_id == 0 || f->author_id == u->id)) {
        struct gz_article_filter own = *f;
        own.author_id = u->id;
        rc = q->st->ops->article_list(q->st, &own, y, &total);
    }
    return rc;
}

/* Whether a listed row may be shown: the store's filter decided already;
 * this is the last word, so a filter bug cannot leak a draft. */
static int row_visible(struct gz_api_req *q, const struct gz_article_row *r)
{
    const struct gz_user *u = gz_api_user(q);
    return is_live(r->status, r->published_at, r->deleted_at, q->now) || sees_all(u) ||
           (u && r->author_id == u->id);
}

static void list(struct gz_api_req *q)
{
    struct gz_article_filter f;
    size_t limit;
    if (!read_filter(q, &f, &limit))
        return;
    struct gz_article_rows x = {0}, y = {0};
    if (run_list(q, &f, &x, &y)) {
        gz_article_rows_clear(&x);
        gz_article_rows_clear(&y);
        gz_api_internal(q, "Listing articles");
        return;
    }
    const struct gz_article_row **rows =
        gz_arena_alloc(q->arena, (limit + 1) * sizeof *rows);
    size_t n = merge(&x, &y, rows, limit + 1);
    json_t *items = json_array();
    for (size_t i = 0; i < n && i < limit; i++)
        if (row_visible(q, rows[i]))
            json_array_append_new(items, row_json(q, rows[i]));
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    /* The cursor is the last row looked at, shown or not. */
    json_object_set_new(body, "next_cursor",
                        n > limit ? json_string(gz_api_cursor_encode(
                                        q->arena, GZ_CURSOR_ARTICLES,
                                        rows[limit - 1]->updated_at, rows[limit - 1]->id))
                                  : json_null());
    gz_article_rows_clear(&x);
    gz_article_rows_clear(&y);
    gz_api_send(q, 200, body);
}

/* ---- one article ---- */

/* Loads article id into a, answering 404 (or 500) when it cannot. */
static int load(struct gz_api_req *q, int64_t id, struct gz_article *a)
{
    int rc = q->st->ops->article_get(q->st, id, a);
    if (rc == GZ_ENOTFOUND)
        gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND, "There is no article %lld.",
                        (long long)id);
    else if (rc)
        gz_api_internal(q, "Reading an article");
    return rc;
}

static void get(struct gz_api_req *q, int64_t id)
{
    struct gz_article a;
    if (load(q, id, &a))
        return;
    if (can_read(q, &a))
        gz_api_send(q, 200, article_json(q, &a));
    else if (!gz_api_user(q)) /* the public does not learn that a draft exists */
        gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND, "There is no article %lld.",
                        (long long)id);
    else
        gz_api_forbidden(q, "This article is not published and is not yours; only "
                            "editors and admins may read it.");
    gz_article_clear(&a);
}

/* ---- JSON in ---- */

static const char *const writable[] = {
    "title",        "slug", "summary", "body",      "lang", "status",
    "published_at", "tags", "image",   "author_id", "format", NULL};

/* What the request asks to change, beside the plain strings. */
struct changes {
    const char *status;   /* NULL: unchanged */
    int has_published_at; /* published_at given (null gives 0) */
    int64_t published_at;
    int has_author;
    int64_t author_id;
};

static void set_string(char **field, const char *v)
{
    free(*field);
    *field = gz_xstrdup(v);
}

static int lang_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

/* The plain text fields. */
static void read_texts(json_t *obj, struct gz_article *a, int creating, json_t *errors)
{
    const char *v;
    int got = gz_api_get_string(obj, "title", TITLE_MAX, GZ_API_LINE | GZ_API_NONBLANK,
                                &v, errors);
    if (got > 0)
        set_string(&a->title, v);
    else if (got == 0 && creating)
        gz_api_error_add(errors, "title", "is required");
    if (gz_api_get_string(obj, "slug", GZ_SLUG_VALID_MAX, GZ_API_LINE, &v, errors) > 0) {
        if (v[0] && !gz_slug_valid(v, strlen(v)))
            gz_api_error_add(errors, "slug",
                             "must be usable in a URL: no spaces, '/', '?', '#' or '%', "
                             "and no '-' at either end (or \"\" to make one from the "
                             "title)");
        else
            set_string(&a->slug, v);
    }
    if (gz_api_get_string(obj, "summary", SUMMARY_MAX, GZ_API_TEXT, &v, errors) > 0)
        set_string(&a->summary, v);
    if (gz_api_get_string(obj, "body", BODY_MAX, GZ_API_TEXT, &v, errors) > 0)
        set_string(&a->body_src, v);
    /* how body is written: Markdown, or HTML (sanitized; as imports are) */
    if (gz_api_get_string(obj, "format", 16, GZ_API_LINE, &v, errors) > 0) {
        if (!strcmp(v, "markdown") || !strcmp(v, "html"))
            a->body_format = v[0] == 'h' ? GZ_FORMAT_HTML : GZ_FORMAT_MARKDOWN;
        else
            gz_api_error_add(errors, "format", "must be \"markdown\" or \"html\"");
    }
    if (gz_api_get_string(obj, "lang", LANG_MAX, GZ_API_LINE, &v, errors) > 0) {
        if (!lang_ok(v))
            gz_api_error_add(errors, "lang",
                             "must be a language tag such as \"en\" or "
                             "\"fa-IR\" (letters, digits and '-')");
        else
            set_string(&a->lang, v);
    }
    if (gz_api_get_string(obj, "image", IMAGE_MAX, GZ_API_LINE, &v, errors) > 0) {
        if (v[0] && !gz_url_is_safe(v, strlen(v)))
            gz_api_error_add(errors, "image", "must be an http(s) URL or a path");
        else
            set_string(&a->image, v);
    }
}

static void free_tags(struct gz_article *a)
{
    for (size_t i = 0; i < a->ntags; i++) {
        free(a->tags[i]);
        if (a->tag_slugs)
            free(a->tag_slugs[i]);
    }
    free(a->tags);
    free(a->tag_slugs); /* the store makes the slugs from the names */
    a->tags = a->tag_slugs = NULL;
    a->ntags = 0;
}

static void read_tags(json_t *obj, struct gz_article *a, json_t *errors)
{
    json_t *arr = json_object_get(obj, "tags");
    if (!arr)
        return;
    if (!json_is_array(arr) || json_array_size(arr) > TAGS_MAX) {
        gz_api_error_add(errors, "tags", "must be an array of at most 64 tag names");
        return;
    }
    size_t i, bad = 0;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        char field[32];
        const char *name;
        snprintf(field, sizeof field, "tags[%zu]", i);
        if (gz_api_check_string(v, field, TAG_MAX, GZ_API_LINE | GZ_API_NONBLANK, &name,
                                errors) < 0)
            bad++;
    }
    if (bad)
        return;
    free_tags(a);
    a->ntags = json_array_size(arr);
    a->tags = gz_xcalloc(a->ntags ? a->ntags : 1, sizeof *a->tags);
    json_array_foreach(arr, i, v) a->tags[i] = gz_xstrdup(json_string_value(v));
}

static void read_changes(json_t *obj, struct changes *c, json_t *errors)
{
    const char *status;
    if (gz_api_get_string(obj, "status", 20, GZ_API_LINE, &status, errors) > 0) {
        static const char *const ok[] = {"draft", "published", "scheduled",
                                         "unpublished"};
        for (size_t i = 0; i < GZ_COUNTOF(ok); i++)
            if (!strcmp(status, ok[i]))
                c->status = ok[i];
        if (!c->status)
            gz_api_error_add(errors, "status",
                             "must be draft, published, scheduled or unpublished");
    }
    c->has_published_at =
        gz_api_get_time(obj, "published_at", &c->published_at, errors) > 0;
    c->has_author = gz_api_get_id(obj, "author_id", &c->author_id, errors) > 0;
}

/* Applies status and time: "published" keeps a publication time that has
 * come (else now), "scheduled" needs one to come. */
static void apply_status(struct gz_api_req *q, const struct changes *c,
                         struct gz_article *a, json_t *errors)
{
    if (c->has_published_at)
        a->published_at = c->published_at;
    if (!c->status)
        return;
    if (!strcmp(c->status, "draft")) {
        a->status = GZ_STATUS_DRAFT;
    } else if (!strcmp(c->status, "unpublished")) {
        a->status = GZ_STATUS_UNPUBLISHED;
    } else if (!strcmp(c->status, "published")) {
        a->status = GZ_STATUS_PUBLISHED;
        /* Publishing a scheduled article publishes it now. */
        if (a->published_at == 0 || (!c->has_published_at && a->published_at > q->now))
            a->published_at = q->now;
    } else {
        a->status = GZ_STATUS_PUBLISHED;
        if (a->published_at <= q->now)
            gz_api_error_add(errors, "published_at",
                             "a scheduled article needs a publication time to come");
    }
}

/* The author, when one is given: an existing user. */
static void apply_author(struct gz_api_req *q, const struct changes *c,
                         struct gz_article *a, json_t *errors)
{
    if (!c->has_author)
        return;
    struct gz_user u;
    if (q->st->ops->user_get(q->st, c->author_id, &u)) {
        gz_api_error_add(errors, "author_id", "there is no user with this id");
        return;
    }
    a->author_id = c->author_id;
    gz_user_clear(&u);
}

/* Reads the body onto a; answers 4xx and returns 0 on bad input. */
static int read_article(struct gz_api_req *q, struct gz_article *a, int creating,
                        struct changes *c)
{
    json_t *obj;
    if (gz_api_read_object(q, &obj))
        return 0;
    json_t *errors = gz_api_errors_new();
    gz_api_check_fields(obj, writable, errors);
    read_texts(obj, a, creating, errors);
    read_tags(obj, a, errors);
    read_changes(obj, c, errors);
    if (!json_array_size(errors)) {
        apply_status(q, c, a, errors);
        apply_author(q, c, a, errors);
    }
    json_decref(obj);
    if (json_array_size(errors)) {
        json_t *first = json_array_get(errors, 0);
        char *detail = gz_arena_printf(
            q->arena, "The article has %zu invalid field%s; the first is \"%s\": %s.",
            json_array_size(errors), json_array_size(errors) > 1 ? "s" : "",
            json_string_value(json_object_get(first, "field")),
            json_string_value(json_object_get(first, "message")));
        gz_api_problem(q, 422, GZ_PROBLEM_INVALID, detail, errors);
        return 0;
    }
    json_decref(errors);
    return 1;
}

/* ---- writes ---- */

static int goes_live(const struct gz_article *a)
{
    return a->status == GZ_STATUS_PUBLISHED || a->status == GZ_STATUS_SCHEDULED;
}

/* The roles, checked here for a clear message (gz_editorial_save checks
 * them again). old is the stored article, NULL for a new one. */
static int allowed(struct gz_api_req *q, const struct gz_article *old,
                   const struct gz_article *a)
{
    const struct gz_user *u = gz_api_user(q);
    const char *role = gz_role_name(u->role);
    if (old && !gz_can(u, GZ_ACT_ARTICLE_EDIT, old)) {
        gz_api_problemf(
            q, 403, GZ_PROBLEM_FORBIDDEN, "Your role (%s) may not edit this article: %s.",
            role, old->author_id != u->id ? "it is someone else's" : "it is published");
        return 0;
    }
    int publishing =
        goes_live(a) && (!old || !goes_live(old) || old->published_at != a->published_at);
    int unpublishing = old && goes_live(old) && !goes_live(a);
    if ((publishing || unpublishing) && !gz_can(u, GZ_ACT_ARTICLE_PUBLISH, old)) {
        gz_api_problemf(q, 403, GZ_PROBLEM_FORBIDDEN,
                        "Your role (%s) may not publish, schedule or unpublish this "
                        "article; save it as a draft and ask an editor.",
                        role);
        return 0;
    }
    if (a->author_id != (old ? old->author_id : u->id) && !sees_all(u)) {
        gz_api_forbidden(q, "Only editors and admins may set another author.");
        return 0;
    }
    return 1;
}

/* Saves through the write path and answers with the stored article. */
static void save(struct gz_api_req *q, struct gz_article *a, int status)
{
    const struct gz_user *u = gz_api_user(q);
    char err[256] = "";
    a->saved_by = u->id;
    a->updated_at = 0; /* the store stamps the save */
    int rc = gz_editorial_save(q->site, q->st, u, a, err, sizeof err);
    json_t *errors;
    switch (rc) {
    case GZ_OK:
        break;
    case GZ_EPERM:
        gz_api_forbidden(q, "Your role does not allow this change.");
        return;
    case GZ_EINVAL:
        gz_api_problem(q, 422, GZ_PROBLEM_INVALID,
                       err[0] ? err : "The article is invalid.", NULL);
        return;
    case GZ_ENOTFOUND:
        gz_api_problem(q, 404, GZ_PROBLEM_NOT_FOUND, "The article is gone.", NULL);
        return;
    case GZ_EEXIST:
        errors = gz_api_errors_new();
        gz_api_error_add(errors, "slug", "is taken by another article");
        gz_api_problem(q, 409, GZ_PROBLEM_CONFLICT,
                       gz_arena_printf(q->arena,
                                       "The slug \"%.200s\" is taken by another article.",
                                       a->slug ? a->slug : ""),
                       errors);
        return;
    case GZ_ETOOBIG:
        gz_api_problem(q, 413, GZ_PROBLEM_TOO_LARGE, "The article is too large.", NULL);
        return;
    default:
        gz_api_internal(q, "Saving the article");
        return;
    }
    struct gz_article stored;
    if (load(q, a->id, &stored))
        return;
    if (status == 201)
        gz_http_add_header(
            q->r, "location",
            gz_arena_printf(q->arena, "/api/v1/articles/%lld", (long long)stored.id));
    gz_api_send(q, status, article_json(q, &stored));
    gz_article_clear(&stored);
}

static void create(struct gz_api_req *q)
{
    const struct gz_user *u = gz_api_user(q);
    struct gz_article a = {.status = GZ_STATUS_DRAFT, .author_id = u->id};
    struct changes c = {0};
    if (!gz_can(u, GZ_ACT_ARTICLE_CREATE, NULL))
        gz_api_forbidden(q, "Your account may not write articles.");
    else if (read_article(q, &a, 1, &c) && allowed(q, NULL, &a))
        save(q, &a, 201);
    gz_article_clear(&a);
}

/* A copy of what permissions look at, before the changes. */
static struct gz_article permission_view(const struct gz_article *a)
{
    return (struct gz_article){.id = a->id,
                               .status = a->status,
                               .published_at = a->published_at,
                               .author_id = a->author_id,
                               .deleted_at = a->deleted_at};
}

static void update(struct gz_api_req *q, int64_t id)
{
    struct gz_article a;
    if (load(q, id, &a))
        return;
    struct gz_article old = permission_view(&a);
    struct changes c = {0};
    if (!can_read(q, &a))
        gz_api_forbidden(q, "This article is not yours; only editors and admins may "
                            "change it.");
    else if (read_article(q, &a, 0, &c) && allowed(q, &old, &a))
        save(q, &a, 200);
    gz_article_clear(&a);
}

static void trash(struct gz_api_req *q, int64_t id)
{
    int rc = gz_editorial_trash(q->site, q->st, gz_api_user(q), id, 1);
    if (rc == GZ_OK)
        gz_api_send_empty(q);
    else if (rc == GZ_EPERM)
        gz_api_forbidden(q,
                         "Your role may not delete this article (contributors their own "
                         "drafts, authors their own articles, editors any).");
    else if (rc == GZ_ENOTFOUND)
        gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND, "There is no article %lld.",
                        (long long)id);
    else
        gz_api_internal(q, "Moving the article to the trash");
}

void gz_api_articles(struct gz_api_req *q, int64_t id)
{
    if (q->method == GZ_API_GET) {
        if (id)
            get(q, id);
        else
            list(q);
        return;
    }
    if (!gz_api_require_user(q))
        return;
    if (q->method == GZ_API_POST)
        create(q);
    else if (q->method == GZ_API_PATCH)
        update(q, id);
    else
        trash(q, id);
}
