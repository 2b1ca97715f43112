/* The article editor (/admin/articles/new, /admin/articles/ID), its live
 * preview and autosave. The page is a plain form that works without
 * JavaScript (Preview is a submit button too); editor.js adds the live
 * preview, slug suggestion, tag autocomplete, autosave and image insert.
 *
 * Everything is saved through gz_editorial_save, which checks who may do
 * what; this file only turns the form into a struct gz_article and back. */
#include "admin/articlesInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/content.h"
#include "core/log.h"
#include "core/utf8.h"
#include "render/template.h"
#include "site/siteInt.h"

#define MEDIA_SHOWN 12   /* recent images offered for insertion */
#define TAGS_OFFERED 200 /* tag names in the page's <datalist> */
#define TAG_PIECES_MAX 64
#define ERR_MAX 512

/* Languages offered in the editor's list; any other BCP 47 tag an article
 * already has is added to it. */
static const struct {
    const char *tag, *name;
} languages[] = {
    {"en", "English"},  {"fr", "Français"},  {"de", "Deutsch"},    {"es", "Español"},
    {"it", "Italiano"}, {"pt", "Português"}, {"nl", "Nederlands"}, {"pl", "Polski"},
    {"tr", "Türkçe"},   {"ru", "Русский"},   {"uk", "Українська"}, {"ar", "العربية"},
    {"fa", "فارسی"},    {"he", "עברית"},     {"ur", "اردو"},       {"ku", "Kurdî"},
    {"ckb", "کوردی"},   {"hi", "हिन्दी"},     {"zh", "中文"},       {"ja", "日本語"},
};

/* ---- the form ---- */

/* What the form said beyond the article's own fields. */
struct edit_form {
    const char *action;     /* "save" (default) or "preview" */
    const char *status;     /* draft, published, scheduled, unpublished */
    const char *publish_at; /* datetime-local text, UTC; may be "" */
    const char *tags;       /* comma-separated */
};

static char *dup_field(const struct gz_form *f, const char *name)
{
    const char *v = gz_form_get(f, name);
    return v ? gz_xstrdup(v) : NULL;
}

/* A value with a NUL inside ("%00") would be cut short silently. */
static int has_nul(const struct gz_form *f)
{
    for (size_t i = 0; i < f->len; i++)
        if (strlen(f->items[i].value) != f->items[i].value_len)
            return 1;
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

/* "a, b ,c" -> {"a", "b", "c"}; empty pieces dropped. */
static int split_tags(const char *text, struct gz_article *a)
{
    if (!text)
        return GZ_OK;
    char *copy = gz_xstrdup(text), *save = copy;
    a->tags = gz_xcalloc(TAG_PIECES_MAX, sizeof *a->tags);
    int rc = GZ_OK;
    for (char *p = copy; p && rc == GZ_OK;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = 0;
        char *t = trim(p);
        if (*t && a->ntags == TAG_PIECES_MAX)
            rc = GZ_EINVAL;
        else if (*t)
            a->tags[a->ntags++] = gz_xstrdup(t);
        p = comma ? comma + 1 : NULL;
    }
    free(save);
    return rc;
}

/* "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", read as UTC. */
static int parse_datetime(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    int64_t y, mo, d, h, mi, sec = 0;
    if ((n != 16 && n != 19) || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || (n == 19 && s[16] != ':'))
        return GZ_EINVAL;
    if (gz_parse_i64(s, 4, 1970, 9999, &y) || gz_parse_i64(s + 5, 2, 1, 12, &mo) ||
        gz_parse_i64(s + 8, 2, 1, 31, &d) || gz_parse_i64(s + 11, 2, 0, 23, &h) ||
        gz_parse_i64(s + 14, 2, 0, 59, &mi) ||
        (n == 19 && gz_parse_i64(s + 17, 2, 0, 59, &sec)))
        return GZ_EINVAL;
    struct tm tm = {.tm_year = (int)y - 1900,
                    .tm_mon = (int)mo - 1,
                    .tm_mday = (int)d,
                    .tm_hour = (int)h,
                    .tm_min = (int)mi,
                    .tm_sec = (int)sec};
    time_t t = timegm(&tm);
    if (tm.tm_mday != (int)d) /* 31 February rolled over */
        return GZ_EINVAL;
    *out = (int64_t)t;
    return GZ_OK;
}

static const char *datetime_text(struct gz_arena *ar, int64_t t)
{
    if (!t)
        return "";
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return gz_arena_printf(ar, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static int parse_status_name(const char *s, enum gz_status *out)
{
    static const char *const names[] = {"draft", "published", "scheduled", "unpublished"};
    for (size_t i = 0; s && i < GZ_COUNTOF(names); i++)
        if (!strcmp(s, names[i])) {
            *out = (enum gz_status)i;
            return GZ_OK;
        }
    return GZ_EINVAL;
}

/* The status and date the form asks for. Published with a past date keeps
 * that date (back-dating); published without one, or with one to come, is
 * left to the editorial rules (first publication date, or now). */
static int form_status(const struct edit_form *ef, struct gz_article *a, char *err,
                       size_t errlen)
{
    int64_t when = 0, now = time(NULL);
    if (parse_status_name(ef->status, &a->status)) {
        snprintf(err, errlen,
                 GZ_N("Choose a status: draft, published, scheduled or unpublished."));
        return GZ_EINVAL;
    }
    if (ef->publish_at && ef->publish_at[0] && parse_datetime(ef->publish_at, &when)) {
        snprintf(err, errlen,
                 GZ_N("The publication time must look like 2026-12-31T09:30 (UTC)."));
        return GZ_EINVAL;
    }
    if (a->status == GZ_STATUS_SCHEDULED)
        a->published_at = when;
    else if (a->status == GZ_STATUS_PUBLISHED)
        a->published_at = when && when <= now ? when : 0;
    return GZ_OK;
}

/* Fills a (cleared by the caller; heap strings, freed with
 * gz_article_clear) from the posted form. */
static int read_form(struct gz_admin_req *q, int64_t id, const char *current_status,
                     struct gz_article *a, struct edit_form *ef, char *err, size_t errlen)
{
    const struct gz_form *f = &q->form;
    ef->action = gz_form_get(f, "action");
    ef->status = gz_form_get(f, "status");
    if (!ef->status || !ef->status[0])
        ef->status = current_status;
    ef->publish_at = gz_form_get(f, "publish_at");
    ef->tags = gz_form_get(f, "tags");
    a->id = id;
    a->title = dup_field(f, "title");
    a->slug = dup_field(f, "slug");
    if (a->slug)
        trim(a->slug);
    a->summary = dup_field(f, "summary");
    a->body_src = dup_field(f, "body");
    a->lang = dup_field(f, "lang");
    a->image = dup_field(f, "image");
    if (a->image)
        trim(a->image);
    const char *author = gz_form_get(f, "author");
    if (author && author[0] && q->auth.user.role >= GZ_ROLE_EDITOR &&
        gz_parse_i64(author, strlen(author), 1, INT64_MAX, &a->author_id)) {
        snprintf(err, errlen, GZ_N("Unknown author."));
        return GZ_EINVAL;
    }
    if (has_nul(f)) {
        snprintf(err, errlen, GZ_N("The form holds a NUL character."));
        return GZ_EINVAL;
    }
    if (split_tags(ef->tags, a)) {
        snprintf(err, errlen, GZ_N("Too many tags."));
        return GZ_EINVAL;
    }
    return form_status(ef, a, err, errlen);
}

/* ---- the page ---- */

static struct gz_val *language_options(struct gz_arena *ar, const char *current)
{
    struct gz_val *list = gz_val_list(ar);
    int found = 0;
    for (size_t i = 0; i < GZ_COUNTOF(languages); i++) {
        struct gz_val *o = gz_val_obj(ar);
        int sel = current && !strcmp(current, languages[i].tag);
        found |= sel;
        gz_obj_set_str(o, "value", languages[i].tag);
        gz_obj_set_str(o, "name", languages[i].name);
        gz_obj_set_str(o, "dir", gz_lang_dir(languages[i].tag));
        gz_obj_set_bool(o, "selected", sel);
        gz_list_push(list, o);
    }
    if (current && current[0] && !found) {
        struct gz_val *o = gz_val_obj(ar);
        gz_obj_set_str(o, "value", gz_arena_strdup(ar, current));
        gz_obj_set_str(o, "name", gz_arena_strdup(ar, current));
        gz_obj_set_str(o, "dir", gz_lang_dir(current));
        gz_obj_set_bool(o, "selected", true);
        gz_list_push(list, o);
    }
    return list;
}

static struct gz_val *status_options(struct gz_admin_req *q, const char *current,
                                     const struct gz_article *stored)
{
    static const char *const values[] = {"draft", "published", "scheduled",
                                         "unpublished"};
    static const char *const labels[] = {GZ_N("Draft"), GZ_N("Published"),
                                         GZ_N("Scheduled"), GZ_N("Unpublished")};
    const struct gz_user *u = &q->auth.user;
    int publish = u->role != GZ_ROLE_CONTRIBUTOR &&
                  gz_can(u, GZ_ACT_ARTICLE_PUBLISH, stored && stored->id ? stored : NULL);
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < GZ_COUNTOF(values); i++) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "value", values[i]);
        gz_obj_set_str(o, "label", gz_admin_tr(q, labels[i]));
        gz_obj_set_bool(o, "selected", current && !strcmp(current, values[i]));
        gz_obj_set_bool(o, "disabled", i > 0 && !publish);
        gz_list_push(list, o);
    }
    return list;
}

/* Who the byline may be: everyone for editors (a select), else the user. */
static void author_field(struct gz_admin_req *q, struct gz_val *ctx, int64_t author_id,
                         const char *author_name)
{
    struct gz_user_list users;
    if (q->auth.user.role < GZ_ROLE_EDITOR || q->st->ops->user_list(q->st, &users)) {
        const struct gz_user *u = &q->auth.user;
        gz_obj_set_str(ctx, "author_name",
                       author_name && author_name[0]
                           ? gz_arena_strdup(q->arena, author_name)
                           : (u->display_name[0] ? u->display_name : u->name));
        return;
    }
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < users.len; i++) {
        const struct gz_user *u = &users.items[i];
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_int(o, "id", u->id);
        gz_obj_set_str(
            o, "name",
            gz_arena_strdup(q->arena, u->display_name[0] ? u->display_name : u->name));
        gz_obj_set_bool(o, "selected",
                        author_id ? u->id == author_id : u->id == q->auth.user.id);
        gz_list_push(list, o);
    }
    gz_user_list_clear(&users);
    gz_obj_set(ctx, "authors", list);
}

/* "![name](url)" with the characters that would end the alt text early
 * replaced. */
static const char *image_markdown(struct gz_arena *ar, const char *name, const char *url)
{
    char *alt = gz_arena_strdup(ar, name);
    for (char *p = alt; *p; p++)
        if (*p == '[' || *p == ']' || *p == '\\' || (unsigned char)*p < 0x20)
            *p = ' ';
    return gz_arena_printf(ar, "![%s](%s)", alt, url);
}

/* Recent images to insert. The media store may not be there yet: then the
 * list is simply left out. */
static void media_field(struct gz_admin_req *q, struct gz_val *ctx)
{
    struct gz_media_list media;
    int64_t total = 0;
    if (q->st->ops->media_list(q->st, 0, MEDIA_SHOWN, &media, &total))
        return;
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < media.len; i++) {
        const struct gz_media *m = &media.items[i];
        struct gz_val *o = gz_val_obj(q->arena);
        const char *url = gz_media_url(q->arena, m);
        const char *name = gz_arena_strdup(q->arena, m->name);
        gz_obj_set_str(o, "name", name);
        gz_obj_set_str(o, "url", url);
        gz_obj_set_str(o, "markdown", image_markdown(q->arena, name, url));
        gz_list_push(list, o);
    }
    gz_obj_set_bool(ctx, "has_media", media.len > 0);
    gz_obj_set(ctx, "media", list);
    gz_media_list_clear(&media);
}

static void tag_datalist(struct gz_admin_req *q, struct gz_val *ctx)
{
    struct gz_tag_list tags;
    if (q->st->ops->tag_list(q->st, NULL, TAGS_OFFERED, &tags))
        return;
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < tags.len; i++)
        gz_list_push(list,
                     gz_val_str(q->arena, gz_arena_strdup(q->arena, tags.items[i].name)));
    gz_tag_list_clear(&tags);
    gz_obj_set(ctx, "all_tags", list);
}

static const char *joined_tags(struct gz_arena *ar, const struct gz_article *a)
{
    struct gz_buf b;
    gz_buf_init(&b, GZ_BUF_PAGE_MAX);
    for (size_t i = 0; i < a->ntags; i++) {
        if (i)
            gz_buf_puts(&b, ", ");
        gz_buf_puts(&b, a->tags[i] ? a->tags[i] : "");
    }
    const char *s = gz_arena_strndup(ar, b.p ? b.p : "", b.len);
    gz_buf_free(&b);
    return s;
}

/* What the page shows: the values being edited (a), the stored article
 * (stored->id == 0 for a new one) and the status and date as asked. */
struct editor_view {
    const struct gz_article *a, *stored;
    const char *status, *publish_at;
    const char *error, *preview_html;
};

static void article_fields(struct gz_admin_req *q, struct gz_val *ctx,
                           const struct gz_article *a)
{
    struct gz_arena *ar = q->arena;
    gz_obj_set_str(ctx, "title_value", gz_arena_strdup(ar, a->title ? a->title : ""));
    gz_obj_set_str(ctx, "slug", gz_arena_strdup(ar, a->slug ? a->slug : ""));
    gz_obj_set_str(ctx, "summary", gz_arena_strdup(ar, a->summary ? a->summary : ""));
    gz_obj_set_str(ctx, "body", gz_arena_strdup(ar, a->body_src ? a->body_src : ""));
    gz_obj_set_bool(ctx, "html_format", a->body_format == GZ_FORMAT_HTML);
    gz_obj_set_str(ctx, "image", gz_arena_strdup(ar, a->image ? a->image : ""));
    gz_obj_set_str(ctx, "tags", joined_tags(ar, a));
    const char *lang = a->lang && a->lang[0] ? a->lang : gz_site_cfg(q->site)->site_lang;
    gz_obj_set(ctx, "languages", language_options(ar, lang));
    gz_obj_set_str(ctx, "dir", gz_lang_dir(lang));
}

static void stored_fields(struct gz_admin_req *q, struct gz_val *ctx,
                          const struct gz_article *s)
{
    struct gz_arena *ar = q->arena;
    int64_t now = time(NULL);
    gz_obj_set_int(ctx, "id", s->id);
    gz_obj_set_bool(ctx, "is_new", s->id == 0);
    gz_obj_set_str(ctx, "action_url",
                   s->id ? gz_arena_printf(ar, "/admin/articles/%lld", (long long)s->id)
                         : "/admin/articles/new");
    /* Autosave keeps drafts only: never the live text of a published one. */
    if (s->id == 0 || (s->status == GZ_STATUS_DRAFT && !s->deleted_at))
        gz_obj_set_str(
            ctx, "autosave_url",
            gz_arena_printf(ar, "/admin/articles/%lld/autosave", (long long)s->id));
    if (!s->id)
        return;
    gz_obj_set_str(ctx, "stored_status",
                   gz_admin_status_name(s->status, s->published_at, now));
    gz_obj_set_str(ctx, "updated", gz_admin_time_text(ar, s->updated_at));
    gz_obj_set_bool(ctx, "in_trash", s->deleted_at != 0);
    gz_obj_set_bool(ctx, "can_trash", gz_can(&q->auth.user, GZ_ACT_ARTICLE_DELETE, s));
    if (s->status == GZ_STATUS_PUBLISHED && s->published_at <= now && !s->deleted_at)
        gz_obj_set_str(
            ctx, "public_url",
            gz_article_path(ar, gz_arena_strdup(ar, s->slug), s->published_at));
}

static void render_editor(struct gz_admin_req *q, int status, const struct editor_view *v)
{
    struct gz_val *ctx = gz_admin_ctx(q);
    article_fields(q, ctx, v->a);
    stored_fields(q, ctx, v->stored);
    gz_obj_set(ctx, "statuses", status_options(q, v->status, v->stored));
    gz_obj_set_str(ctx, "publish_at", v->publish_at);
    author_field(q, ctx, v->a->author_id, v->stored->author_name);
    media_field(q, ctx);
    tag_datalist(q, ctx);
    gz_obj_set_bool(ctx, "nav_new", v->stored->id == 0);
    gz_obj_set_bool(ctx, "nav_articles", v->stored->id != 0);
    if (v->error)
        gz_obj_set_str(ctx, "error", v->error);
    if (v->preview_html)
        gz_obj_set_str(ctx, "preview_html", v->preview_html);
    gz_admin_render(q, status, "editor.html",
                    gz_admin_tr(q, v->stored->id ? "Edit article" : "Write an article"),
                    ctx);
}

/* ---- preview ---- */

/* The body (in format, GZ_FORMAT_*) as the site renders it
 * (gz_content_prepare), in the arena; NULL with a reason when it cannot be
 * rendered. */
static const char *render_body(struct gz_admin_req *q, const char *body, int format,
                               const char **why)
{
    struct gz_article tmp = {.title = gz_xstrdup("preview"),
                             .body_src = gz_xstrdup(body ? body : ""),
                             .body_format = format};
    int rc = gz_content_prepare(&tmp, (size_t)gz_site_cfg(q->site)->teaser_words);
    const char *html = NULL;
    if (rc == GZ_OK)
        html = gz_arena_strdup(q->arena, tmp.body_html);
    else
        *why = gz_admin_tr(q, rc == GZ_EINVAL ? "The text is not valid UTF-8."
                                              : "The text is too long.");
    gz_article_clear(&tmp);
    return html;
}

void gz_admin_article_preview(struct gz_admin_req *q)
{
    const char *why = NULL;
    if (has_nul(&q->form)) {
        gz_http_send_error(q->r, 422, "Unprocessable Content");
        return;
    }
    /* editor.js sends format=html for an imported HTML article */
    const char *format = gz_form_get(&q->form, "format");
    const char *html = render_body(q, gz_form_get(&q->form, "body"),
                                   format && !strcmp(format, "html") ? GZ_FORMAT_HTML
                                                                     : GZ_FORMAT_MARKDOWN,
                                   &why);
    gz_http_add_header(q->r, "cache-control", "no-store");
    if (!html) {
        gz_http_send(q->r, 422, "Unprocessable Content", "text/plain; charset=utf-8", why,
                     strlen(why));
        return;
    }
    gz_http_send(q->r, 200, "OK", "text/html; charset=utf-8", html, strlen(html));
}

/* ---- the editor ---- */

static const char *saved_message(struct gz_admin_req *q, const struct gz_article *a)
{
    int64_t now = time(NULL);
    switch (a->status) {
    case GZ_STATUS_PUBLISHED:
        return a->published_at > now
                   ? gz_arena_printf(q->arena, gz_admin_tr(q, "Scheduled for %s."),
                                     gz_admin_time_text(q->arena, a->published_at))
                   : gz_admin_tr(q, "Published.");
    case GZ_STATUS_UNPUBLISHED:
        return gz_admin_tr(q, "Saved; the article is off the site.");
    default:
        return gz_admin_tr(q, "Saved as a draft.");
    }
}

static void editor_post(struct gz_admin_req *q, struct gz_article *stored)
{
    struct gz_article a = {0};
    struct edit_form ef = {0};
    char err[ERR_MAX] = "";
    const char *current =
        stored->id
            ? gz_admin_status_name(stored->status, stored->published_at, time(NULL))
            : "draft";
    int rc = read_form(q, stored->id, current, &a, &ef, err, sizeof err);
    a.body_format = stored->body_format; /* an imported HTML body stays HTML */
    struct editor_view v = {&a,   stored, ef.status, ef.publish_at ? ef.publish_at : "",
                            NULL, NULL};
    if (rc == GZ_OK && ef.action && !strcmp(ef.action, "preview")) {
        const char *why = "";
        v.preview_html = render_body(q, a.body_src, a.body_format, &why);
        v.error = v.preview_html ? NULL : why;
        render_editor(q, 200, &v);
    } else if (rc == GZ_OK && (rc = gz_editorial_save(q->site, q->st, &q->auth.user, &a,
                                                      err, sizeof err)) == GZ_OK) {
        gz_admin_redirect(
            q, gz_arena_printf(q->arena, "/admin/articles/%lld", (long long)a.id),
            saved_message(q, &a));
    } else {
        v.error = gz_arena_strdup(
            q->arena, gz_admin_tr(q, err[0] ? err : "The article could not be saved."));
        render_editor(q, rc == GZ_EINVAL ? 422 : gz_admin_editorial_status(rc), &v);
    }
    gz_article_clear(&a);
}

void gz_admin_article_editor(struct gz_admin_req *q, int64_t id)
{
    struct gz_article stored = {0};
    if (id > 0 && gz_admin_article_load(q, id, &stored))
        return;
    if (id > 0 ? !gz_can(&q->auth.user, GZ_ACT_ARTICLE_EDIT, &stored)
               : !gz_can(&q->auth.user, GZ_ACT_ARTICLE_CREATE, NULL)) {
        gz_admin_error(q, 403, gz_admin_tr(q, "You may not edit this article."));
    } else if (q->is_post) {
        editor_post(q, &stored);
    } else {
        int64_t now = time(NULL);
        struct editor_view v = {
            &stored,
            &stored,
            id ? gz_admin_status_name(stored.status, stored.published_at, now) : "draft",
            datetime_text(q->arena, stored.published_at),
            NULL,
            NULL};
        render_editor(q, 200, &v);
    }
    gz_article_clear(&stored);
}

/* ---- autosave ---- */

static int same_text(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

/* Whether the form would change nothing the editor shows: then autosave
 * writes no revision. */
static int unchanged(const struct gz_article *a, const struct gz_article *s)
{
    if (!same_text(a->title, s->title) || !same_text(a->summary, s->summary) ||
        !same_text(a->body_src, s->body_src) || !same_text(a->image, s->image) ||
        (a->lang && a->lang[0] && !same_text(a->lang, s->lang)) ||
        (a->slug && a->slug[0] && !same_text(a->slug, s->slug)) || a->ntags != s->ntags)
        return 0;
    for (size_t i = 0; i < a->ntags; i++)
        if (!same_text(a->tags[i], s->tags[i]))
            return 0;
    return 1;
}

/* What editor.js needs after an autosave: where the article now lives
 * (a new one has just been created). */
static void autosave_send(struct gz_admin_req *q, const struct gz_article *a)
{
    const char *url = gz_arena_printf(q->arena, "/admin/articles/%lld", (long long)a->id);
    gz_admin_send_json(q, 200,
                       json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)a->id,
                                 "slug", a->slug, "saved_at", (json_int_t)a->updated_at,
                                 "edit_url", url, "autosave_url",
                                 gz_arena_printf(q->arena, "%s/autosave", url)));
}

static void autosave_error(struct gz_admin_req *q, int status, const char *msg)
{
    gz_admin_send_json(q, status, json_pack("{s:s}", "error", msg));
}

/* Saves the form as a draft. An article that is not a draft (published,
 * scheduled, unpublished, in the trash) is refused with 409: autosave must
 * never change what readers see. */
static void autosave(struct gz_admin_req *q, const struct gz_article *stored)
{
    struct gz_article a = {0};
    struct edit_form ef = {0};
    char err[ERR_MAX] = "";
    int rc = read_form(q, stored->id, "draft", &a, &ef, err, sizeof err);
    a.body_format = stored->body_format;
    a.status = GZ_STATUS_DRAFT;
    a.published_at = stored->published_at;
    if (rc != GZ_OK) {
        autosave_error(q, 422, gz_admin_tr(q, err));
    } else if (!a.title || !a.title[0] || (stored->id && unchanged(&a, stored))) {
        gz_http_add_header(q->r, "cache-control", "no-store");
        gz_http_send(q->r, 204, "No Content", "text/plain", "", 0);
    } else if ((rc = gz_editorial_save(q->site, q->st, &q->auth.user, &a, err,
                                       sizeof err))) {
        autosave_error(q, gz_admin_editorial_status(rc), gz_admin_tr(q, err));
    } else {
        autosave_send(q, &a);
    }
    gz_article_clear(&a);
}

void gz_admin_article_autosave(struct gz_admin_req *q, int64_t id)
{
    struct gz_article stored = {0};
    int rc = id > 0 ? q->st->ops->article_get(q->st, id, &stored) : GZ_OK;
    if (rc == GZ_ENOTFOUND)
        autosave_error(q, 404, gz_admin_tr(q, "There is no such article."));
    else if (rc != GZ_OK)
        autosave_error(q, 500, gz_admin_tr(q, "The article could not be read."));
    else if (id > 0 && (stored.status != GZ_STATUS_DRAFT || stored.deleted_at))
        autosave_error(
            q, 409,
            gz_admin_tr(q, "Autosave keeps drafts only; use Save for this article."));
    else
        autosave(q, &stored);
    gz_article_clear(&stored);
}
