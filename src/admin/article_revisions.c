/* An article's revisions: /admin/articles/ID/revisions (the list, newest
 * first, with who saved and when), .../revisions/RID (what changed since
 * that revision, as a diff against the current article) and
 * .../revisions/RID/restore (POST: saves the revision's text as a new
 * revision, through the editorial path and its permission checks). */
#include "admin/articlesInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/diff.h"
#include "core/log.h"
#include "render/template.h"

#define DIFF_CONTEXT 3
#define DIFF_HTML_MAX ((size_t)8 << 20)

/* Revisions hold what an article said; whoever may edit it, or wrote it,
 * may read them. */
static int may_read(const struct gz_user *u, const struct gz_article *a)
{
    return gz_can(u, GZ_ACT_ARTICLE_EDIT, a) || (a->author_id && a->author_id == u->id);
}

static const char *revision_status(const struct gz_revision *r)
{
    /* Scheduled or published as it stood when the revision was saved. */
    return gz_admin_status_name(r->status, r->published_at, r->created_at);
}

static struct gz_val *article_head(struct gz_admin_req *q, const struct gz_article *a)
{
    struct gz_val *ctx = gz_admin_ctx(q);
    gz_obj_set_int(ctx, "id", a->id);
    gz_obj_set_str(ctx, "article_title", gz_arena_strdup(q->arena, a->title));
    gz_obj_set_str(ctx, "edit_url",
                   gz_arena_printf(q->arena, "/admin/articles/%lld", (long long)a->id));
    gz_obj_set_bool(ctx, "can_restore",
                    gz_can(&q->auth.user, GZ_ACT_ARTICLE_EDIT, a) && !a->deleted_at);
    gz_obj_set_bool(ctx, "nav_articles", true);
    return ctx;
}

static struct gz_val *revision_value(struct gz_admin_req *q, const struct gz_revision *r)
{
    struct gz_arena *ar = q->arena;
    struct gz_val *o = gz_val_obj(ar);
    gz_obj_set_int(o, "id", r->id);
    gz_obj_set_str(o, "when", gz_admin_time_text(ar, r->created_at));
    gz_obj_set_str(o, "user",
                   r->user_name[0] ? gz_arena_strdup(ar, r->user_name)
                                   : gz_admin_tr(q, r->user_id ? "(deleted user)"
                                                               : "(command line)"));
    gz_obj_set_str(o, "title", gz_arena_strdup(ar, r->title));
    gz_obj_set_str(o, "status", gz_admin_tr(q, revision_status(r)));
    gz_obj_set_str(o, "url",
                   gz_arena_printf(ar, "/admin/articles/%lld/revisions/%lld",
                                   (long long)r->article_id, (long long)r->id));
    return o;
}

static void list_page(struct gz_admin_req *q, const struct gz_article *a)
{
    struct gz_revision_list revs;
    if (q->st->ops->revision_list(q->st, a->id, &revs)) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The revisions could not be read; try again."));
        return;
    }
    struct gz_val *ctx = article_head(q, a), *list = gz_val_list(q->arena);
    for (size_t i = 0; i < revs.len; i++) {
        struct gz_val *o = revision_value(q, &revs.items[i]);
        gz_obj_set_bool(o, "current", i == 0);
        gz_list_push(list, o);
    }
    gz_obj_set(ctx, "revisions", list);
    gz_obj_set_bool(ctx, "has_revisions", revs.len > 0);
    gz_revision_list_clear(&revs);
    gz_admin_render(q, 200, "revisions.html", gz_admin_tr(q, "Revisions"), ctx);
}

/* ---- one revision against the current article ---- */

/* The article's tags as the revisions table keeps them. */
static char *tags_lines(struct gz_arena *ar, const struct gz_article *a)
{
    struct gz_buf b;
    gz_buf_init(&b, GZ_BUF_PAGE_MAX);
    for (size_t i = 0; i < a->ntags; i++) {
        if (b.len)
            gz_buf_putc(&b, '\n');
        gz_buf_puts(&b, a->tags[i]);
    }
    char *s = gz_arena_strndup(ar, b.p ? b.p : "", b.len);
    gz_buf_free(&b);
    return s;
}

/* A diff of one field, or nothing when it did not change. */
static void field_diff(struct gz_admin_req *q, struct gz_val *fields, const char *label,
                       const char *then, const char *now)
{
    struct gz_buf html;
    gz_buf_init(&html, DIFF_HTML_MAX);
    struct gz_diff d;
    int rc = gz_diff_lines(then, strlen(then), now, strlen(now), &d);
    if (rc == GZ_OK && gz_diff_changed(&d))
        rc = gz_diff_html(&d, DIFF_CONTEXT, &html);
    if (rc == GZ_OK && html.len) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "label", gz_admin_tr(q, label));
        gz_obj_set_str(o, "html", gz_arena_strndup(q->arena, html.p, html.len));
        gz_list_push(fields, o);
    } else if (rc != GZ_OK) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "label", gz_admin_tr(q, label));
        gz_obj_set_str(o, "too_big", gz_admin_tr(q, "This text is too long to compare."));
        gz_list_push(fields, o);
    }
    gz_diff_free(&d);
    gz_buf_free(&html);
}

static void diff_page(struct gz_admin_req *q, const struct gz_article *a,
                      const struct gz_revision *r)
{
    struct gz_val *ctx = article_head(q, a), *fields = gz_val_list(q->arena);
    const char *now_status = gz_admin_status_name(a->status, a->published_at, time(NULL));
    field_diff(q, fields, GZ_N("Title"), r->title, a->title);
    field_diff(q, fields, GZ_N("Slug"), r->slug, a->slug);
    field_diff(q, fields, GZ_N("Summary"), r->summary, a->summary);
    field_diff(q, fields, GZ_N("Tags"), r->tags, tags_lines(q->arena, a));
    field_diff(q, fields, GZ_N("Language"), r->lang, a->lang);
    field_diff(q, fields, GZ_N("Featured image"), r->image, a->image);
    field_diff(q, fields, GZ_N("Status"), revision_status(r), now_status);
    field_diff(q, fields, GZ_N("Text"), r->body_src, a->body_src);
    gz_obj_set(ctx, "revision", revision_value(q, r));
    gz_obj_set(ctx, "fields", fields);
    gz_obj_set_bool(ctx, "same", fields->u.list.len == 0);
    gz_obj_set_str(ctx, "restore_url",
                   gz_arena_printf(q->arena,
                                   "/admin/articles/%lld/revisions/%lld/restore",
                                   (long long)a->id, (long long)r->id));
    gz_admin_render(q, 200, "revision.html", gz_admin_tr(q, "Revision"), ctx);
}

/* ---- restore ---- */

/* Replaces a's tags with the revision's ('\n'-separated names). */
static void set_tags(struct gz_article *a, const char *lines)
{
    for (size_t i = 0; i < a->ntags; i++) {
        free(a->tags[i]);
        if (a->tag_slugs)
            free(a->tag_slugs[i]);
    }
    free(a->tags);
    free(a->tag_slugs);
    a->tags = NULL;
    a->tag_slugs = NULL;
    a->ntags = 0;
    size_t cap = 0;
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (a->ntags == cap) {
            cap = cap ? cap * 2 : 8;
            a->tags = gz_xrealloc(a->tags, cap * sizeof *a->tags);
        }
        if (n)
            a->tags[a->ntags++] = gz_xstrndup(p, n);
        p = nl ? nl + 1 : p + n;
    }
}

static void replace(char **field, const char *value)
{
    free(*field);
    *field = gz_xstrdup(value ? value : "");
}

/* The text comes back; the address, status and dates stay as they are now
 * (restoring an old text must not move or unpublish a live page). */
static void restore(struct gz_admin_req *q, struct gz_article *a,
                    const struct gz_revision *r)
{
    replace(&a->title, r->title);
    replace(&a->summary, r->summary);
    replace(&a->body_src, r->body_src);
    replace(&a->lang, r->lang);
    replace(&a->image, r->image);
    set_tags(a, r->tags);
    char err[512] = "";
    int rc = gz_editorial_save(q->site, q->st, &q->auth.user, a, err, sizeof err);
    if (rc != GZ_OK) {
        gz_admin_error(
            q, gz_admin_editorial_status(rc),
            gz_admin_tr(q, err[0] ? err : "The revision could not be restored."));
        return;
    }
    gz_admin_redirect(
        q, gz_arena_printf(q->arena, "/admin/articles/%lld", (long long)a->id),
        gz_arena_printf(q->arena, gz_admin_tr(q, "Restored the revision of %s."),
                        gz_admin_time_text(q->arena, r->created_at)));
}

/* ---- dispatch ---- */

/* sub: "/RID" or "/RID/restore". */
static void one_revision(struct gz_admin_req *q, struct gz_article *a, struct gz_str sub)
{
    size_t n = 1;
    while (n < sub.len && sub.p[n] != '/')
        n++;
    int64_t rid;
    int is_restore = sub.len - n == 8 && !memcmp(sub.p + n, "/restore", 8);
    if (gz_parse_i64(sub.p + 1, n - 1, 1, INT64_MAX, &rid) ||
        (n < sub.len && !is_restore)) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such revision."));
        return;
    }
    if (is_restore != q->is_post) {
        gz_http_add_header(q->r, "allow", is_restore ? "POST" : "GET, HEAD");
        gz_admin_error(q, 405,
                       gz_admin_tr(q, is_restore ? "Restore with the button."
                                                 : "Nothing to post here."));
        return;
    }
    struct gz_revision r;
    int rc = q->st->ops->revision_get(q->st, rid, &r);
    if (rc == GZ_OK && r.article_id != a->id)
        rc = GZ_ENOTFOUND; /* another article's revision */
    if (rc)
        gz_admin_error(
            q, rc == GZ_ENOTFOUND ? 404 : 500,
            gz_admin_tr(q, rc == GZ_ENOTFOUND
                               ? "There is no such revision."
                               : "The revision could not be read; try again."));
    else if (is_restore)
        restore(q, a, &r);
    else
        diff_page(q, a, &r);
    gz_revision_clear(&r);
}

void gz_admin_article_revisions(struct gz_admin_req *q, int64_t id, struct gz_str sub)
{
    struct gz_article a;
    if (gz_admin_article_load(q, id, &a))
        return;
    if (!may_read(&q->auth.user, &a)) {
        gz_admin_error(q, 403,
                       gz_admin_tr(q, "You may not see this article's revisions."));
    } else if (sub.len == 0 || (sub.len == 1 && sub.p[0] == '/')) {
        if (q->is_post)
            gz_admin_error(q, 405, gz_admin_tr(q, "Nothing to post here."));
        else
            list_page(q, &a);
    } else {
        one_revision(q, &a, sub);
    }
    gz_article_clear(&a);
}
