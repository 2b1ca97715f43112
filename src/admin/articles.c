/* /admin/articles: the dispatcher of the article pages, the filtered list
 * with its bulk actions, the trash (move, restore, delete for good) and
 * tag autocomplete. The editor is in article_edit.c, revisions in
 * article_revisions.c.
 *
 * Authors and contributors see their own articles only; editors and
 * admins see everyone's. Every action asks gz_can again on the server,
 * whatever the page offered. */
#include "admin/articlesInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "render/template.h"

#define PER_PAGE 25
#define PAGE_MAX 100000
#define QUERY_MAX 200   /* bytes of a search, tag or language filter */
#define BULK_MAX 200    /* articles in one bulk action */
#define TAGS_SUGGEST 20 /* names sent back by the autocomplete */

/* ---- helpers shared by the article pages (articlesInt.h) ---- */

const char *gz_admin_status_name(enum gz_status status, int64_t published_at, int64_t now)
{
    switch (status) {
    case GZ_STATUS_PUBLISHED:
        return published_at > now ? GZ_N("scheduled") : GZ_N("published");
    case GZ_STATUS_SCHEDULED:
        return GZ_N("scheduled");
    case GZ_STATUS_UNPUBLISHED:
        return GZ_N("unpublished");
    default:
        return GZ_N("draft");
    }
}

const char *gz_admin_time_text(struct gz_arena *a, int64_t t)
{
    if (!t)
        return "";
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return gz_arena_printf(a, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void gz_admin_send_json(struct gz_admin_req *q, int status, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_COMPACT) : NULL;
    json_decref(value);
    if (!text) {
        gz_http_send_error(q->r, 500, "Internal Server Error");
        return;
    }
    gz_http_add_header(q->r, "cache-control", "no-store");
    gz_http_send(q->r, status, status < 300 ? "OK" : "Error", "application/json", text,
                 strlen(text));
    free(text);
}

int gz_admin_article_load(struct gz_admin_req *q, int64_t id, struct gz_article *out)
{
    int rc = q->st->ops->article_get(q->st, id, out);
    if (rc == GZ_ENOTFOUND)
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such article."));
    else if (rc)
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The article could not be read; try again."));
    return rc;
}

int gz_admin_editorial_status(int rc)
{
    switch (rc) {
    case GZ_OK:
        return 200;
    case GZ_EPERM:
        return 403;
    case GZ_ENOTFOUND:
        return 404;
    case GZ_EEXIST:
        return 409;
    case GZ_EINVAL:
        return 422;
    default:
        return 500;
    }
}

/* ---- query strings ---- */

/* Appends "&name=value" (or "?name=value" first), value percent-encoded. */
static void qs_add(struct gz_buf *b, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!value || !value[0])
        return;
    gz_buf_putc(b, b->len ? '&' : '?');
    gz_buf_puts(b, name);
    gz_buf_putc(b, '=');
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.') {
            gz_buf_putc(b, (char)*p);
        } else {
            gz_buf_putc(b, '%');
            gz_buf_putc(b, hex[*p >> 4]);
            gz_buf_putc(b, hex[*p & 15]);
        }
    }
}

/* A filter value from the query: NULL when absent, empty, too long or not
 * UTF-8 (then the filter is off rather than an error page). */
static const char *query_text(struct gz_admin_req *q, const char *name)
{
    const char *v = gz_form_get(&q->query, name);
    if (!v || !v[0] || strlen(v) > QUERY_MAX || !gz_utf8_valid(v, strlen(v)))
        return NULL;
    return v;
}

static int64_t query_int(struct gz_admin_req *q, const char *name, int64_t min,
                         int64_t max, int64_t def)
{
    const char *v = gz_form_get(&q->query, name);
    int64_t n;
    if (!v || gz_parse_i64(v, strlen(v), min, max, &n))
        return def;
    return n;
}

/* A path to come back to after a form: only a page under /admin/articles. */
static const char *safe_back(const char *back)
{
    static const char prefix[] = "/admin/articles";
    if (!back || strncmp(back, prefix, sizeof prefix - 1) ||
        (back[sizeof prefix - 1] && !strchr("?/", back[sizeof prefix - 1])) ||
        strstr(back, "//") || strchr(back, '\\'))
        return prefix;
    for (const char *p = back; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return prefix;
    return back;
}

/* ---- the list ---- */

static const char *const status_names[] = {"draft", "published", "scheduled",
                                           "unpublished"};

static int parse_status(const char *s)
{
    for (int i = 0; s && i < (int)GZ_COUNTOF(status_names); i++)
        if (!strcmp(s, status_names[i]))
            return i; /* the index is the enum gz_status */
    return -1;
}

static int sees_all(const struct gz_user *u)
{
    return u->role >= GZ_ROLE_EDITOR;
}

struct list_args {
    struct gz_article_filter f;
    const char *status, *tag, *lang, *q;
    int64_t page, author;
};

static void read_filter(struct gz_admin_req *q, struct list_args *l)
{
    memset(l, 0, sizeof *l);
    l->status = query_text(q, "status");
    l->tag = query_text(q, "tag");
    l->lang = query_text(q, "lang");
    l->q = query_text(q, "q");
    l->author = query_int(q, "author", 1, INT64_MAX, 0);
    l->page = query_int(q, "page", 1, PAGE_MAX, 1);
    l->f.status = parse_status(l->status);
    if (l->f.status < 0)
        l->status = NULL;
    l->f.author_id = sees_all(&q->auth.user) ? l->author : q->auth.user.id;
    l->f.tag = l->tag;
    l->f.lang = l->lang;
    l->f.q = l->q;
    l->f.trash = query_int(q, "trash", 0, 1, 0);
    l->f.now = time(NULL);
    l->f.offset = (size_t)(l->page - 1) * PER_PAGE;
    l->f.limit = PER_PAGE;
}

/* The list's own URL with its filters, and page n (0: none). */
static char *list_url(struct gz_admin_req *q, const struct list_args *l, int64_t page)
{
    struct gz_buf b;
    char num[24];
    gz_buf_init(&b, 4096);
    qs_add(&b, "status", l->status);
    if (l->author && sees_all(&q->auth.user)) {
        snprintf(num, sizeof num, "%lld", (long long)l->author);
        qs_add(&b, "author", num);
    }
    qs_add(&b, "tag", l->tag);
    qs_add(&b, "lang", l->lang);
    qs_add(&b, "q", l->q);
    qs_add(&b, "trash", l->f.trash ? "1" : NULL);
    if (page > 1) {
        snprintf(num, sizeof num, "%lld", (long long)page);
        qs_add(&b, "page", num);
    }
    char *url = gz_arena_printf(q->arena, "/admin/articles%s", b.len ? b.p : "");
    gz_buf_free(&b);
    return url;
}

static struct gz_val *row_value(struct gz_admin_req *q, const struct gz_article_row *row,
                                int64_t now)
{
    struct gz_arena *ar = q->arena;
    struct gz_val *o = gz_val_obj(ar);
    gz_obj_set_int(o, "id", row->id);
    gz_obj_set_str(o, "title", gz_arena_strdup(ar, row->title));
    gz_obj_set_str(o, "slug", gz_arena_strdup(ar, row->slug));
    gz_obj_set_str(o, "lang", gz_arena_strdup(ar, row->lang));
    gz_obj_set_str(o, "author", gz_arena_strdup(ar, row->author_name));
    const char *status = gz_admin_status_name(row->status, row->published_at, now);
    gz_obj_set_str(o, "status", status);
    gz_obj_set_str(o, "status_label", gz_admin_tr(q, status));
    gz_obj_set_str(o, "updated", gz_admin_time_text(ar, row->updated_at));
    gz_obj_set_str(o, "published", gz_admin_time_text(ar, row->published_at));
    gz_obj_set_str(o, "deleted", gz_admin_time_text(ar, row->deleted_at));
    struct gz_val *tags = gz_val_list(ar);
    for (size_t i = 0; i < row->ntags; i++)
        gz_list_push(tags, gz_val_str(ar, gz_arena_strdup(ar, row->tags[i])));
    gz_obj_set(o, "tags", tags);
    return o;
}

static struct gz_val *status_options(struct gz_admin_req *q, const char *current)
{
    struct gz_arena *ar = q->arena;
    struct gz_val *list = gz_val_list(ar);
    for (size_t i = 0; i < GZ_COUNTOF(status_names); i++) {
        struct gz_val *o = gz_val_obj(ar);
        gz_obj_set_str(o, "value", status_names[i]);
        gz_obj_set_str(o, "label", gz_admin_tr(q, status_names[i]));
        gz_obj_set_bool(o, "selected", current && !strcmp(current, status_names[i]));
        gz_list_push(list, o);
    }
    return list;
}

/* The authors to filter by: every user, for those who see everyone's. */
static void author_options(struct gz_admin_req *q, struct gz_val *ctx, int64_t current)
{
    struct gz_user_list users;
    if (!sees_all(&q->auth.user) || q->st->ops->user_list(q->st, &users))
        return;
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < users.len; i++) {
        const struct gz_user *u = &users.items[i];
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_int(o, "id", u->id);
        gz_obj_set_str(
            o, "name",
            gz_arena_strdup(q->arena, u->display_name[0] ? u->display_name : u->name));
        gz_obj_set_bool(o, "selected", u->id == current);
        gz_list_push(list, o);
    }
    gz_user_list_clear(&users);
    gz_obj_set(ctx, "authors", list);
    gz_obj_set_bool(ctx, "has_authors", true);
}

static void pager(struct gz_admin_req *q, struct gz_val *ctx, const struct list_args *l,
                  int64_t total)
{
    int64_t pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
    gz_obj_set_int(ctx, "page", l->page);
    gz_obj_set_int(ctx, "pages", pages);
    if (l->page > 1)
        gz_obj_set_str(ctx, "prev_url", list_url(q, l, l->page - 1));
    if (l->page < pages)
        gz_obj_set_str(ctx, "next_url", list_url(q, l, l->page + 1));
}

static void list_filters(struct gz_admin_req *q, struct gz_val *ctx,
                         const struct list_args *l)
{
    gz_obj_set(ctx, "statuses", status_options(q, l->status));
    author_options(q, ctx, l->author);
    gz_obj_set_str(ctx, "q", l->q);
    gz_obj_set_str(ctx, "tag", l->tag);
    gz_obj_set_str(ctx, "lang", l->lang);
    gz_obj_set_bool(ctx, "trash", l->f.trash);
    gz_obj_set_bool(ctx, "filtered", l->status || l->author || l->tag || l->lang || l->q);
}

static void list_page(struct gz_admin_req *q)
{
    const struct gz_user *u = &q->auth.user;
    struct list_args l;
    read_filter(q, &l);
    struct gz_article_rows rows;
    int64_t total = 0;
    if (q->st->ops->article_list(q->st, &l.f, &rows, &total)) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The articles could not be read; try again."));
        return;
    }
    struct gz_val *ctx = gz_admin_ctx(q), *list = gz_val_list(q->arena);
    for (size_t i = 0; i < rows.len; i++)
        gz_list_push(list, row_value(q, &rows.items[i], l.f.now));
    gz_article_rows_clear(&rows);
    gz_obj_set(ctx, "articles", list);
    gz_obj_set_bool(ctx, "has_articles", list->u.list.len > 0);
    gz_obj_set_int(ctx, "total", total);
    gz_obj_set_bool(ctx, "nav_articles", true);
    gz_obj_set_bool(ctx, "can_publish", gz_can(u, GZ_ACT_ARTICLE_PUBLISH, NULL));
    gz_obj_set_bool(ctx, "can_empty", gz_can(u, GZ_ACT_TRASH_EMPTY, NULL));
    gz_obj_set_str(ctx, "back", list_url(q, &l, l.page));
    list_filters(q, ctx, &l);
    pager(q, ctx, &l, total);
    gz_admin_render(q, 200, "articles.html",
                    gz_admin_tr(q, l.f.trash ? "Trash" : "Articles"), ctx);
}

/* ---- trash ---- */

static const char *trash_message(struct gz_admin_req *q, int trash)
{
    return gz_admin_tr(q, trash ? "Moved to the trash." : "Restored from the trash.");
}

static void trash_one(struct gz_admin_req *q, int64_t id, int trash)
{
    int rc = gz_editorial_trash(q->site, q->st, &q->auth.user, id, trash);
    if (rc == GZ_OK) {
        gz_admin_redirect(q, safe_back(gz_form_get(&q->form, "back")),
                          trash_message(q, trash));
        return;
    }
    gz_admin_error(
        q, gz_admin_editorial_status(rc),
        gz_admin_tr(
            q, rc == GZ_EPERM ? "You may not move this article to or from the trash."
               : rc == GZ_ENOTFOUND ? "There is no such article."
                                    : "The article could not be changed; try again."));
}

/* Deleting for good is for editors, and only from the trash: a live page
 * must go through the trash first, which also drops it from the caches. */
static void purge(struct gz_admin_req *q, int64_t id)
{
    if (!gz_can(&q->auth.user, GZ_ACT_TRASH_EMPTY, NULL)) {
        gz_admin_error(q, 403,
                       gz_admin_tr(q, "Only editors may delete articles for good."));
        return;
    }
    if (id > 0) {
        struct gz_article a;
        if (gz_admin_article_load(q, id, &a))
            return;
        int64_t deleted = a.deleted_at;
        gz_article_clear(&a);
        if (!deleted) {
            gz_admin_error(q, 409,
                           gz_admin_tr(q, "Move the article to the trash first."));
            return;
        }
    }
    if (q->st->ops->article_purge(q->st, id)) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The trash could not be emptied; try again."));
        return;
    }
    gz_info("admin: %s deleted %s for good", q->auth.user.name,
            id ? gz_arena_printf(q->arena, "article %lld", (long long)id) : "the trash");
    gz_admin_redirect(q, "/admin/articles?trash=1",
                      gz_admin_tr(q, id ? "Deleted for good." : "The trash is empty."));
}

/* ---- bulk actions ---- */

enum bulk_action { BULK_PUBLISH, BULK_UNPUBLISH, BULK_TRASH, BULK_RESTORE };

static int parse_bulk(const char *s, enum bulk_action *out)
{
    static const char *const names[] = {"publish", "unpublish", "trash", "restore"};
    for (size_t i = 0; s && i < GZ_COUNTOF(names); i++)
        if (!strcmp(s, names[i])) {
            *out = (enum bulk_action)i;
            return GZ_OK;
        }
    return GZ_EINVAL;
}

/* Publishes (now, or keeps the date it first came out) or unpublishes one
 * article through the editorial path, which checks the permission and
 * keeps a revision. GZ_EINVAL when there is nothing to do. */
static int set_published(struct gz_admin_req *q, int64_t id, int publish, int64_t now)
{
    struct gz_article a;
    int rc = q->st->ops->article_get(q->st, id, &a);
    if (rc != GZ_OK)
        return rc;
    int live = a.status == GZ_STATUS_PUBLISHED || a.status == GZ_STATUS_SCHEDULED;
    if (a.deleted_at || (publish && live && a.published_at <= now) ||
        (!publish && !live)) {
        gz_article_clear(&a);
        return GZ_EINVAL;
    }
    a.status = publish ? GZ_STATUS_PUBLISHED : GZ_STATUS_UNPUBLISHED;
    if (publish && a.published_at > now)
        a.published_at = 0; /* a scheduled one comes out now */
    char err[256];
    rc = gz_editorial_save(q->site, q->st, &q->auth.user, &a, err, sizeof err);
    gz_article_clear(&a);
    return rc;
}

static int bulk_one(struct gz_admin_req *q, enum bulk_action act, int64_t id, int64_t now)
{
    switch (act) {
    case BULK_PUBLISH:
    case BULK_UNPUBLISH:
        return set_published(q, id, act == BULK_PUBLISH, now);
    case BULK_TRASH:
    case BULK_RESTORE:
        return gz_editorial_trash(q->site, q->st, &q->auth.user, id, act == BULK_TRASH);
    }
    return GZ_EINVAL;
}

/* What a bulk action did: one message per action and number (1, or any
 * other), so that each language can word it whole. */
static char *bulk_done(struct gz_admin_req *q, enum bulk_action act, size_t n)
{
    struct gz_arena *a = q->arena;
    switch (act) {
    case BULK_PUBLISH:
        return n == 1 ? gz_arena_printf(a, gz_admin_tr(q, "%zu article published."), n)
                      : gz_arena_printf(a, gz_admin_tr(q, "%zu articles published."), n);
    case BULK_UNPUBLISH:
        return n == 1
                   ? gz_arena_printf(a, gz_admin_tr(q, "%zu article unpublished."), n)
                   : gz_arena_printf(a, gz_admin_tr(q, "%zu articles unpublished."), n);
    case BULK_TRASH:
        return n == 1 ? gz_arena_printf(
                            a, gz_admin_tr(q, "%zu article moved to the trash."), n)
                      : gz_arena_printf(
                            a, gz_admin_tr(q, "%zu articles moved to the trash."), n);
    case BULK_RESTORE:
        break;
    }
    return n == 1 ? gz_arena_printf(a, gz_admin_tr(q, "%zu article restored."), n)
                  : gz_arena_printf(a, gz_admin_tr(q, "%zu articles restored."), n);
}

static void bulk(struct gz_admin_req *q)
{
    enum bulk_action act;
    size_t n = gz_form_count(&q->form, "id");
    if (parse_bulk(gz_form_get(&q->form, "action"), &act)) {
        gz_admin_error(q, 422,
                       gz_admin_tr(q, "Choose what to do with the selected articles."));
        return;
    }
    if (n == 0 || n > BULK_MAX) {
        gz_admin_error(q, 422,
                       gz_admin_tr(q, n ? "Too many articles at once; select fewer."
                                        : "Select at least one article."));
        return;
    }
    size_t done = 0, refused = 0, skipped = 0;
    int64_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        const char *v = gz_form_get_nth(&q->form, "id", i);
        int64_t id;
        int rc = v && !gz_parse_i64(v, strlen(v), 1, INT64_MAX, &id)
                     ? bulk_one(q, act, id, now)
                     : GZ_EINVAL;
        done += rc == GZ_OK;
        refused += rc == GZ_EPERM;
        skipped += rc != GZ_OK && rc != GZ_EPERM;
    }
    char *msg = bulk_done(q, act, done);
    if (refused)
        msg = gz_arena_printf(
            q->arena, "%s %s", msg,
            gz_arena_printf(q->arena, gz_admin_tr(q, "%zu not allowed."), refused));
    if (skipped)
        msg = gz_arena_printf(
            q->arena, "%s %s", msg,
            gz_arena_printf(q->arena,
                            gz_admin_tr(q, "%zu skipped (nothing to do or not found)."),
                            skipped));
    gz_admin_redirect(q, safe_back(gz_form_get(&q->form, "back")), msg);
}

/* ---- tag autocomplete ---- */

static void tag_suggest(struct gz_admin_req *q)
{
    const char *prefix = gz_form_get(&q->query, "q");
    if (prefix &&
        (strlen(prefix) > QUERY_MAX || !gz_utf8_valid(prefix, strlen(prefix)))) {
        gz_admin_send_json(q, 400, json_pack("{s:s}", "error", "bad prefix"));
        return;
    }
    struct gz_tag_list tags;
    if (q->st->ops->tag_list(q->st, prefix, TAGS_SUGGEST, &tags)) {
        gz_admin_send_json(q, 500, json_pack("{s:s}", "error", "store"));
        return;
    }
    json_t *names = json_array();
    for (size_t i = 0; i < tags.len; i++)
        json_array_append_new(names, json_string(tags.items[i].name));
    gz_tag_list_clear(&tags);
    gz_admin_send_json(q, 200, names);
}

/* ---- dispatch ---- */

static int lit_eq(struct gz_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && !memcmp(s.p, lit, n);
}

/* Splits "/ID/rest" into the id and "/rest" (or ""). */
static int split_id(struct gz_str sub, int64_t *id, struct gz_str *rest)
{
    if (sub.len < 2 || sub.p[0] != '/')
        return 0;
    size_t n = 1;
    while (n < sub.len && sub.p[n] != '/')
        n++;
    if (gz_parse_i64(sub.p + 1, n - 1, 0, INT64_MAX, id))
        return 0;
    rest->p = sub.p + n;
    rest->len = sub.len - n;
    return 1;
}

static int want_post(struct gz_admin_req *q)
{
    if (q->is_post)
        return 1;
    gz_http_add_header(q->r, "allow", "POST");
    gz_admin_error(q, 405, gz_admin_tr(q, "This address takes a form (POST) only."));
    return 0;
}

static int want_get(struct gz_admin_req *q)
{
    if (!q->is_post)
        return 1;
    gz_http_add_header(q->r, "allow", "GET, HEAD");
    gz_admin_error(q, 405, gz_admin_tr(q, "This page cannot take a form."));
    return 0;
}

/* /admin/articles/ID and below. */
static void article_route(struct gz_admin_req *q, int64_t id, struct gz_str rest)
{
    struct gz_str sub;
    if (rest.len == 0) {
        if (id > 0)
            gz_admin_article_editor(q, id);
        else
            gz_admin_error(q, 404, gz_admin_tr(q, "There is no such article."));
    } else if (lit_eq(rest, "/autosave")) {
        if (want_post(q))
            gz_admin_article_autosave(q, id);
    } else if (id > 0 && lit_eq(rest, "/trash")) {
        if (want_post(q))
            trash_one(q, id, 1);
    } else if (id > 0 && lit_eq(rest, "/restore")) {
        if (want_post(q))
            trash_one(q, id, 0);
    } else if (id > 0 && lit_eq(rest, "/purge")) {
        if (want_post(q))
            purge(q, id);
    } else if (id > 0 && rest.len >= 10 && !memcmp(rest.p, "/revisions", 10) &&
               (rest.len == 10 || rest.p[10] == '/')) {
        sub = (struct gz_str){rest.p + 10, rest.len - 10};
        gz_admin_article_revisions(q, id, sub);
    } else {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such page."));
    }
}

void gz_admin_articles(struct gz_admin_req *q, struct gz_str sub)
{
    int64_t id;
    struct gz_str rest;
    if (sub.len == 0 || lit_eq(sub, "/")) {
        if (want_get(q))
            list_page(q);
    } else if (lit_eq(sub, "/new")) {
        gz_admin_article_editor(q, 0);
    } else if (lit_eq(sub, "/preview")) {
        if (want_post(q))
            gz_admin_article_preview(q);
    } else if (lit_eq(sub, "/bulk")) {
        if (want_post(q))
            bulk(q);
    } else if (lit_eq(sub, "/tags")) {
        if (want_get(q))
            tag_suggest(q);
    } else if (lit_eq(sub, "/trash/empty")) {
        if (want_post(q))
            purge(q, 0);
    } else if (split_id(sub, &id, &rest)) {
        article_route(q, id, rest);
    } else {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such page."));
    }
}
