/* gazette's WordPress import: the records the WXR reader hands over
 * (wxr.h) become users, tags, articles and redirects, all in one
 * transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/content.h"
#include "content/search.h"
#include "content/slug.h"
#include "content/teaser.h"
#include "core/utf8.h"
#include "io/wxr.h"
#include "io/wxr_media.h"
#include "store/store.h"

#include "content/sanitize.h"
#include "content/wordpress.h"

/* A WordPress id and what it became here. */
struct id_entry {
    char *key; /* a login, a term slug or an attachment id */
    int64_t id;
    char *value; /* an attachment's URL, a term's parent slug; may be NULL */
};

struct id_map {
    struct id_entry *items;
    size_t len, cap;
};

struct importer {
    struct gz_store *st;
    struct gz_wxr_report *rep;
    const struct gz_wxr_options *o;
    size_t file;
    char source[512]; /* "wxr:" + the export's base URL */
    struct id_map users, terms, attachments, parents, thumbs;
    int64_t now;
    struct gz_wxr_media *media; /* with --media; NULL otherwise */
};

/* ---- small helpers ---------------------------------------------------------- */

static struct id_entry *map_find(struct id_map *m, const char *key)
{
    for (size_t i = m->len; i-- > 0;)
        if (!strcmp(m->items[i].key, key))
            return &m->items[i];
    return NULL;
}

static void map_add(struct id_map *m, const char *key, int64_t id, const char *value)
{
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->items = gz_xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->len++] =
        (struct id_entry){gz_xstrdup(key), id, value ? gz_xstrdup(value) : NULL};
}

static void map_free(struct id_map *m)
{
    for (size_t i = 0; i < m->len; i++) {
        free(m->items[i].key);
        free(m->items[i].value);
    }
    free(m->items);
    memset(m, 0, sizeof *m);
}

static void skip(struct importer *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct gz_wxr_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Counts a skipped record under its reason. */
static void skip(struct importer *im, const char *fmt, ...)
{
    char reason[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    struct gz_wxr_report *rep = im->rep;
    rep->skipped++;
    for (size_t i = 0; i < rep->nreasons; i++)
        if (!strcmp(rep->reasons[i].reason, reason)) {
            rep->reasons[i].count++;
            return;
        }
    if (rep->nreasons < GZ_WXR_REASONS_MAX) {
        snprintf(rep->reasons[rep->nreasons].reason, 64, "%s", reason);
        rep->reasons[rep->nreasons++].count = 1;
    }
}

/* Keeps a note for the report (the first GZ_WXR_NOTES_MAX). */
static void note(struct gz_wxr_report *rep, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (rep->nnotes < GZ_WXR_NOTES_MAX)
        vsnprintf(rep->notes[rep->nnotes++], sizeof rep->notes[0], fmt, ap);
    va_end(ap);
    rep->notes_total++;
}

/* s with %XX decoded (heap); s itself when the result would not be UTF-8
 * or would hold a NUL, '/' or a control character. */
static char *percent_decode(const char *s, size_t len)
{
    char *out = gz_xmalloc(len + 1);
    size_t n = gz_percent_unescape(s, len, out);
    int ok = gz_utf8_valid(out, n) && strlen(out) == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)out[i] >= 0x20 && out[i] != 0x7f;
    if (!ok) {
        free(out);
        return gz_xstrndup(s, len);
    }
    return out;
}

/* "YYYY-MM-DD HH:MM:SS" as UTC; 0 when absent or not such a date (the
 * "0000-00-00 00:00:00" of drafts). */
static int64_t parse_date(const char *s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) < 3 ||
        y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    return (int64_t)timegm(&tm);
}

/* The path and query of an absolute URL, the path percent-decoded (as the
 * server gives paths to handlers); NULL when there is none. */
static char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    p = strchr(p + 3, '/');
    if (!p)
        return NULL;
    size_t plen = strcspn(p, "?#");
    char *path = percent_decode(p, plen);
    const char *q = p[plen] == '?' ? p + plen + 1 : NULL;
    if (!q)
        return path;
    size_t qlen = strcspn(q, "#");
    size_t n = strlen(path) + qlen + 2;
    char *both = gz_xmalloc(n);
    snprintf(both, n, "%s?%.*s", path, (int)qlen, q);
    free(path);
    return both;
}

static int add_redirect(struct importer *im, const char *path, const char *target)
{
    if (!path || !path[0] || !strcmp(path, target) || !strcmp(path, "/"))
        return GZ_OK;
    int rc = im->st->ops->redirect_set(im->st, path, target, im->now);
    if (rc == GZ_OK)
        im->rep->redirects++;
    return rc;
}

/* ---- records ------------------------------------------------------------------ */

static int on_channel(void *ctx, const struct gz_wxr_channel *c)
{
    struct importer *im = ctx;
    const char *base = c->base_site_url[0]   ? c->base_site_url
                       : c->base_blog_url[0] ? c->base_blog_url
                                             : c->link;
    snprintf(im->source, sizeof im->source, "wxr:%s", base);
    if (im->media)
        gz_wxr_media_channel(im->media, c);
    return GZ_OK;
}

/* The user for a WordPress login: an existing one of that name is used
 * as it is (never changed); a new one cannot log in (no password) until
 * an admin sets a password. */
static int ensure_user(struct importer *im, const char *login, const char *email,
                       const char *display, int64_t *id)
{
    struct id_entry *e = map_find(&im->users, login);
    if (e) {
        *id = e->id;
        return GZ_OK;
    }
    struct gz_user u = {0};
    int rc = im->st->ops->user_get_by_name(im->st, login, &u);
    if (rc == GZ_ENOTFOUND) {
        struct gz_user nu = {.name = (char *)login,
                             .display_name = (char *)display,
                             .email = (char *)email,
                             .role = GZ_ROLE_AUTHOR,
                             .pass_hash = "",
                             .created_at = im->now};
        if ((rc = im->st->ops->user_save(im->st, &nu)) == GZ_OK) {
            im->rep->authors++;
            u.id = nu.id;
        }
    }
    if (rc == GZ_OK) {
        *id = u.id;
        map_add(&im->users, login, u.id, NULL);
        char key[300];
        snprintf(key, sizeof key, "author:%s", login);
        rc = im->st->ops->import_key_set(im->st, im->source, key, "user", u.id);
    }
    gz_user_clear(&u);
    return rc;
}

static int on_author(void *ctx, const struct gz_wxr_author *a)
{
    struct importer *im = ctx;
    int64_t id;
    if (!a->login[0] || strlen(a->login) > 200 ||
        !gz_utf8_valid(a->login, strlen(a->login))) {
        skip(im, "author without a valid login");
        return GZ_OK;
    }
    return ensure_user(im, a->login, a->email, a->display_name, &id);
}

/* A slug for a term: its own, decoded, or one made from its name. */
static char *term_slug(const char *slug, const char *name)
{
    if (slug[0])
        return percent_decode(slug, strlen(slug));
    struct gz_buf b;
    gz_buf_init(&b, 1024);
    if (gz_slugify(name, strlen(name), &b) != GZ_OK || !b.len) {
        gz_buf_free(&b);
        return gz_xstrdup("tag");
    }
    return gz_buf_take(&b);
}

/* The tag for a category or tag, with its redirects; its id into *id. */
static int ensure_tag(struct importer *im, const char *taxonomy, const char *slug,
                      const char *name, int64_t *id)
{
    char *wp_slug = term_slug(slug, name);
    char key[300];
    snprintf(key, sizeof key, "%s:%s", taxonomy, wp_slug);
    struct id_entry *e = map_find(&im->terms, key);
    if (e) {
        *id = e->id;
        free(wp_slug);
        return GZ_OK;
    }
    char *final = NULL;
    int rc = im->st->ops->tag_import(im->st, name, wp_slug, id, &final);
    if (rc == GZ_OK) {
        map_add(&im->terms, key, *id, NULL);
        size_t n = strlen(final) + 8;
        char *target = gz_xmalloc(n);
        snprintf(target, n, "/tag/%s", final);
        n = strlen(wp_slug) + 16;
        char *old = gz_xmalloc(n);
        snprintf(old, n, "/%s/%s/", strcmp(taxonomy, "category") ? "tag" : "category",
                 wp_slug);
        rc = add_redirect(im, old, target);
        free(old);
        free(target);
    }
    free(final);
    free(wp_slug);
    return rc;
}

static int on_term(void *ctx, const struct gz_wxr_term *t)
{
    struct importer *im = ctx;
    int is_cat = !strcmp(t->taxonomy, "category");
    if (!is_cat && strcmp(t->taxonomy, "post_tag")) {
        skip(im, "term of taxonomy %.40s", t->taxonomy[0] ? t->taxonomy : "(none)");
        return GZ_OK;
    }
    if (!t->name[0] || strlen(t->name) > 200) {
        skip(im, "term without a name");
        return GZ_OK;
    }
    size_t before = im->rep->tags;
    int64_t id;
    int rc = ensure_tag(im, t->taxonomy, t->slug, t->name, &id);
    if (rc)
        return rc;
    im->rep->tags = before + 1;
    if (t->description[0]) {
        rc = im->st->ops->tag_description_set(im->st, id, t->description);
        if (rc == GZ_EINVAL) {
            note(im->rep, "description of \"%.100s\" too long: left out", t->name);
            rc = GZ_OK;
        }
    }
    if (rc == GZ_OK && is_cat && t->parent[0])
        map_add(&im->parents, t->parent, id, NULL);
    char key[300];
    snprintf(key, sizeof key, "term:%s", t->term_id);
    if (rc == GZ_OK && t->term_id[0])
        rc = im->st->ops->import_key_set(im->st, im->source, key, "tag", id);
    return rc;
}

/* ---- items --------------------------------------------------------------------- */

/* What the WordPress status becomes; -1 to skip the item. */
static int map_status(const struct gz_wxr_item *it)
{
    if (!strcmp(it->status, "publish") || !strcmp(it->status, "future"))
        return GZ_STATUS_PUBLISHED;
    if (!strcmp(it->status, "draft") || !strcmp(it->status, "pending"))
        return GZ_STATUS_DRAFT;
    if (!strcmp(it->status, "private"))
        return GZ_STATUS_UNPUBLISHED;
    return -1;
}

static int64_t item_date(const struct gz_wxr_item *it, int64_t now)
{
    int64_t t = parse_date(it->post_date_gmt);
    if (!t)
        t = parse_date(it->post_date);
    return t ? t : now;
}

/* Plain text of html, cut as a teaser (no word limit), into *out. */
static char *plain_teaser(const char *html, size_t len)
{
    struct gz_buf text, cut;
    gz_buf_init(&text, GZ_BUF_PAGE_MAX);
    gz_buf_init(&cut, 4096);
    char *out = NULL;
    if (gz_search_html_text(html, len, &text) == GZ_OK &&
        gz_teaser_make(NULL, text.p ? text.p : "", text.len, 0, &cut) == GZ_OK)
        out = gz_buf_take(&cut);
    gz_buf_free(&text);
    gz_buf_free(&cut);
    return out ? out : gz_xstrdup("");
}

/* The body: WordPress's content rules, then the sanitizer. Sets
 * a->body_src (the converted HTML), *safe (sanitized) and *more_at. */
static int convert_body(struct importer *im, const char *raw, char **html, char **safe,
                        long *more_at)
{
    struct gz_buf h, s;
    gz_buf_init(&h, GZ_BUF_PAGE_MAX);
    gz_buf_init(&s, GZ_BUF_PAGE_MAX);
    *more_at = -1;
    int rc;
    struct gz_wp_stats wst = {0};
    rc = gz_wp_content(raw, strlen(raw), &h, &wst);
    if (rc == GZ_OK) {
        *more_at = (long)wst.more_at;
        im->rep->shortcodes_dropped += wst.shortcodes_dropped;
        rc = gz_sanitize_html(h.p ? h.p : "", h.len, &s, NULL);
    }
    if (rc == GZ_OK) {
        *html = h.p ? gz_buf_take(&h) : gz_xstrdup("");
        *safe = s.p ? gz_buf_take(&s) : gz_xstrdup("");
    }
    gz_buf_free(&h);
    gz_buf_free(&s);
    return rc;
}

/* The tags of an item: its categories and tags, made with their slugs. */
static int item_tags(struct importer *im, const struct gz_wxr_item *it,
                     struct gz_article *a)
{
    a->tags = gz_xcalloc(it->nterms + 1, sizeof *a->tags);
    for (size_t i = 0; i < it->nterms; i++) {
        const struct gz_wxr_item_term *t = &it->terms[i];
        const char *tax = !strcmp(t->domain, "category")   ? "category"
                          : !strcmp(t->domain, "post_tag") ? "post_tag"
                                                           : NULL;
        if (!tax || !t->name[0] || strlen(t->name) > 200)
            continue;
        int64_t id;
        int rc = ensure_tag(im, tax, t->nicename, t->name, &id);
        if (rc)
            return rc;
        int dup = 0;
        for (size_t j = 0; j < a->ntags && !dup; j++)
            dup = !strcmp(a->tags[j], t->name);
        if (!dup)
            a->tags[a->ntags++] = gz_xstrdup(t->name);
    }
    return GZ_OK;
}

/* Fills a from the item (all but the body). */
static int item_fields(struct importer *im, const struct gz_wxr_item *it, int status,
                       struct gz_article *a)
{
    a->title = gz_xstrdup(it->title[0] ? it->title : "(no title)");
    if (it->post_name[0])
        a->slug = percent_decode(it->post_name, strlen(it->post_name));
    a->status = (enum gz_status)status;
    a->published_at = status == GZ_STATUS_DRAFT ? 0 : item_date(it, im->now);
    a->body_format = GZ_FORMAT_HTML;
    if (it->creator[0] && strlen(it->creator) <= 200 &&
        gz_utf8_valid(it->creator, strlen(it->creator))) {
        int rc = ensure_user(im, it->creator, "", "", &a->author_id);
        if (rc)
            return rc;
    }
    struct id_entry *img =
        it->thumbnail_id[0] ? map_find(&im->attachments, it->thumbnail_id) : NULL;
    if (img)
        a->image = gz_xstrdup(img->value);
    return item_tags(im, it, a);
}

/* Summary: the excerpt, else the text before <!--more-->. */
static char *item_summary(const struct gz_wxr_item *it, const char *html, long more_at)
{
    if (it->excerpt[0])
        return plain_teaser(it->excerpt, strlen(it->excerpt));
    if (more_at > 0)
        return plain_teaser(html, (size_t)more_at);
    return gz_xstrdup("");
}

/* What gz_content_prepare made from body_src is replaced by the sanitized
 * HTML (body_src is HTML here, not Markdown) and its teaser. */
static int finish_body(struct gz_article *a, char *safe)
{
    free(a->body_html);
    a->body_html = safe;
    struct gz_buf text, teaser;
    gz_buf_init(&text, GZ_BUF_PAGE_MAX);
    gz_buf_init(&teaser, 4096);
    int rc = gz_search_html_text(safe, strlen(safe), &text);
    if (rc == GZ_OK)
        rc = gz_teaser_make(a->summary, text.p ? text.p : "", text.len,
                            GZ_CONTENT_TEASER_WORDS, &teaser);
    if (rc == GZ_OK) {
        free(a->teaser);
        a->teaser = teaser.p ? gz_buf_take(&teaser) : gz_xstrdup("");
    }
    gz_buf_free(&text);
    gz_buf_free(&teaser);
    return rc;
}

/* Redirects from the item's old addresses to its new one. */
static int item_redirects(struct importer *im, const struct gz_wxr_item *it,
                          const struct gz_article *a)
{
    time_t t = (time_t)a->published_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strlen(a->slug) + 32;
    char *target = gz_xmalloc(n);
    snprintf(target, n, "/%04d/%02d/%s", tm.tm_year + 1900, tm.tm_mon + 1, a->slug);
    char *old = url_path(it->link);
    int rc = add_redirect(im, old, target);
    free(old);
    char byid[64];
    snprintf(byid, sizeof byid, "/?p=%.20s", it->post_id);
    if (rc == GZ_OK && it->post_id[0])
        rc = add_redirect(im, byid, target);
    if (rc == GZ_OK && !strcmp(it->post_type, "page") && it->post_id[0]) {
        snprintf(byid, sizeof byid, "/?page_id=%.20s", it->post_id);
        rc = add_redirect(im, byid, target);
    }
    free(target);
    return rc;
}

/* The article an earlier run made of this item: its id into a->id. */
static int find_earlier(struct importer *im, const char *key, struct gz_article *a)
{
    int64_t id;
    int rc = im->st->ops->import_key_get(im->st, im->source, key, NULL, &id);
    if (rc == GZ_ENOTFOUND)
        return GZ_OK;
    if (rc)
        return rc;
    struct gz_article old = {0};
    rc = im->st->ops->article_get(im->st, id, &old);
    if (rc == GZ_OK)
        a->id = id; /* else it was deleted since: import it anew */
    gz_article_clear(&old);
    return rc == GZ_ENOTFOUND ? GZ_OK : rc;
}

static int save_item(struct importer *im, const struct gz_wxr_item *it, int status)
{
    struct gz_article a = {0};
    char *html = NULL, *safe = NULL;
    long more_at = -1;
    /* Keyed by the WordPress id, else by the guid; neither: always new. */
    char key[600];
    if (it->post_id[0])
        snprintf(key, sizeof key, "post:%.40s", it->post_id);
    else
        snprintf(key, sizeof key, "guid:%.500s", it->guid);
    int keyed = it->post_id[0] || it->guid[0];
    char *content = NULL; /* it->content with its uploads' URLs rewritten */
    int rc = item_fields(im, it, status, &a);
    if (rc == GZ_OK && im->media)
        rc = gz_wxr_media_rewrite(im->media, it->content, &content);
    if (rc == GZ_OK) {
        rc = convert_body(im, content ? content : it->content, &html, &safe, &more_at);
        if (rc == GZ_ETOOBIG) { /* over the sanitizer's size or nesting limits */
            skip(im, "%s too large or too deeply nested to import safely", it->post_type);
            rc = GZ_OK;
            goto out;
        }
    }
    if (rc == GZ_OK) {
        a.summary = item_summary(it, html, more_at);
        if (keyed)
            rc = find_earlier(im, key, &a);
    }
    /* The body is prepared here (finish_body), not as Markdown: prepare
     * gets none, and checks and fills the rest (slug, language). */
    if (rc == GZ_OK &&
        (!gz_utf8_valid(html, strlen(html)) ||
         (rc = gz_content_prepare(&a, GZ_CONTENT_TEASER_WORDS)) == GZ_EINVAL)) {
        skip(im, "%s with text that is not UTF-8", it->post_type);
        rc = GZ_OK;
        goto out;
    }
    if (rc == GZ_OK) {
        free(a.body_src);
        a.body_src = html;
        html = NULL;
        rc = finish_body(&a, safe);
    }
    safe = NULL;
    int update = a.id != 0;
    if (rc == GZ_OK)
        rc = im->st->ops->article_save(im->st, &a);
    if (rc == GZ_OK && keyed)
        rc = im->st->ops->import_key_set(im->st, im->source, key, "article", a.id);
    if (rc == GZ_OK && a.status == GZ_STATUS_PUBLISHED)
        rc = item_redirects(im, it, &a);
    if (rc == GZ_OK && it->thumbnail_id[0] && !a.image)
        map_add(&im->thumbs, it->thumbnail_id, a.id, NULL);
    if (rc == GZ_OK) {
        if (update)
            im->rep->updated++;
        else if (!strcmp(it->post_type, "page"))
            im->rep->pages++;
        else
            im->rep->posts++;
    }
out:
    free(content);
    free(html);
    free(safe);
    gz_article_clear(&a);
    return rc;
}

/* An attachment's URL is kept for the featured images that name it; with
 * --media, its file is imported and the media URL kept instead. */
static int on_attachment(struct importer *im, const struct gz_wxr_item *it)
{
    if (!it->attachment_url[0])
        return GZ_OK;
    char *media_url = NULL;
    int rc = im->media
                 ? gz_wxr_media_attachment(im->media, it->attachment_url, &media_url)
                 : GZ_OK;
    if (rc == GZ_OK && it->post_id[0]) {
        map_add(&im->attachments, it->post_id, 0,
                media_url ? media_url : it->attachment_url);
        im->rep->attachments++;
    }
    free(media_url);
    return rc;
}

static int on_item(void *ctx, const struct gz_wxr_item *it)
{
    struct importer *im = ctx;
    if (im->o->progress)
        im->o->progress(im->o->ctx, im->file, 0, 0, 1);
    if (!strcmp(it->post_type, "attachment"))
        return on_attachment(im, it);
    if (!it->post_type[0]) {
        skip(im, "item without a post type");
        return GZ_OK;
    }
    if (strcmp(it->post_type, "post") && strcmp(it->post_type, "page")) {
        skip(im, "item of type %.40s", it->post_type);
        return GZ_OK;
    }
    int status = map_status(it);
    if (status < 0) {
        skip(im, "item with status %.40s", it->status[0] ? it->status : "(none)");
        return GZ_OK;
    }
    if (it->post_password[0]) {
        status = GZ_STATUS_UNPUBLISHED;
        im->rep->protected_posts++;
        note(im->rep, "password-protected, kept unpublished: \"%.100s\"", it->title);
    }
    return save_item(im, it, status);
}

/* ---- after the files ----------------------------------------------------------- */

static int link_parents(struct importer *im)
{
    for (size_t i = 0; i < im->parents.len; i++) {
        char key[300];
        snprintf(key, sizeof key, "category:%s", im->parents.items[i].key);
        struct id_entry *parent = map_find(&im->terms, key);
        if (!parent) {
            note(im->rep, "unknown parent category \"%.100s\"", im->parents.items[i].key);
            continue;
        }
        int rc = im->st->ops->tag_set_parent(im->st, im->parents.items[i].id, parent->id);
        if (rc && rc != GZ_EINVAL)
            return rc;
    }
    return GZ_OK;
}

/* Featured images whose attachment came after the post. */
static int link_thumbs(struct importer *im)
{
    for (size_t i = 0; i < im->thumbs.len; i++) {
        struct id_entry *img = map_find(&im->attachments, im->thumbs.items[i].key);
        if (!img)
            continue;
        struct gz_article a = {0};
        int rc = im->st->ops->article_get(im->st, im->thumbs.items[i].id, &a);
        if (rc == GZ_OK) {
            free(a.image);
            a.image = gz_xstrdup(img->value);
            rc = im->st->ops->article_save(im->st, &a);
        }
        gz_article_clear(&a);
        if (rc)
            return rc;
    }
    return GZ_OK;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct importer *im = ctx;
    if (im->o->progress)
        im->o->progress(im->o->ctx, im->file, done, total, 0);
}

static int import_all(struct importer *im, const char *const *files, size_t n,
                      size_t *bad, struct gz_wxr_error *err)
{
    struct gz_wxr_handler h = {.ctx = im,
                               .channel = on_channel,
                               .author = on_author,
                               .term = on_term,
                               .item = on_item,
                               .progress = on_progress};
    for (size_t i = 0; i < n; i++) {
        im->file = i;
        snprintf(im->source, sizeof im->source, "wxr:%s", files[i]);
        map_free(&im->parents); /* parents are slugs of the same export */
        int rc = gz_wxr_read(files[i], &h, err);
        if (rc == GZ_OK)
            rc = link_parents(im);
        if (rc) {
            *bad = i;
            return rc;
        }
    }
    int rc = link_thumbs(im);
    if (rc) {
        *bad = n ? n - 1 : 0;
        snprintf(err->reason, sizeof err->reason, "could not set featured images");
    }
    return rc;
}

int gz_wxr_import(struct gz_store *st, const char *const *files, size_t n,
                  const struct gz_wxr_options *o, struct gz_wxr_report *rep, size_t *bad,
                  struct gz_wxr_error *err)
{
    memset(rep, 0, sizeof *rep);
    memset(err, 0, sizeof *err);
    *bad = 0;
    struct importer im = {.st = st, .rep = rep, .o = o, .now = (int64_t)time(NULL)};
    /* The whole import is one transaction: a page cache that holds it keeps
     * SQLite from spilling pages to the WAL and reading them back. */
    st->ops->bulk(st, GZ_IMPORT_CACHE_MB);
    int rc = st->ops->begin(st);
    if (rc) {
        snprintf(err->reason, sizeof err->reason, "could not start a transaction");
        return rc;
    }
    if (o->media_dir)
        rc = gz_wxr_media_open(o->cfg, o->media_dir, o->dry_run, st, rep, &im.media,
                               err->reason, sizeof err->reason);
    if (rc == GZ_OK)
        rc = import_all(&im, files, n, bad, err);
    /* A file that could not be stored says so, rather than "the record
     * starting here could not be imported". */
    if (rc && im.media && gz_wxr_media_error(im.media)[0])
        snprintf(err->reason, sizeof err->reason, "%s", gz_wxr_media_error(im.media));
    if (rc == GZ_OK && !o->dry_run) {
        rc = st->ops->commit(st);
        if (rc)
            snprintf(err->reason, sizeof err->reason, "could not commit the import");
    } else {
        st->ops->rollback(st);
    }
    st->ops->bulk(st, 0);
    map_free(&im.users);
    map_free(&im.terms);
    map_free(&im.attachments);
    map_free(&im.parents);
    map_free(&im.thumbs);
    gz_wxr_media_close(im.media);
    return rc;
}
