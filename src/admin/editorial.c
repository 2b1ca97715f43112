/* The one write path for articles (admin.h): the admin pages and the JSON
 * API both save and trash through here, so the rules of who may do what,
 * the limits on input and the cache invalidation live in one place. */
#include "admin/admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/content.h"
#include "content/slug.h"
#include "content/url.h"
#include "core/log.h"
#include "core/utf8.h"
#include "site/siteInt.h"

/* Limits on what an editor may send, in bytes. */
#define TITLE_MAX 500
#define SUMMARY_MAX 4000
#define BODY_MAX ((size_t)2 << 20)
#define LANG_MAX 35
#define IMAGE_MAX 2048
#define TAGS_MAX 50
#define TAG_MAX 100
/* 9999-12-31T23:59:59Z: dates past it do not print in four digits. */
#define TIME_MAX 253402300799LL

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int too_long(const char *s, size_t max)
{
    return s && strlen(s) > max;
}

/* Control characters would break a line-based revision record (tags) or
 * hide what an address really is (image). */
static int has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int lang_ok(const char *lang)
{
    if (!lang || !lang[0])
        return 1;
    if (strlen(lang) > LANG_MAX)
        return 0;
    for (const char *p = lang; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int tags_ok(const struct gz_article *a, char *err, size_t errlen)
{
    if (a->ntags > TAGS_MAX)
        return fail(GZ_EINVAL, err, errlen, "At most %d tags.", TAGS_MAX);
    for (size_t i = 0; i < a->ntags; i++) {
        const char *t = a->tags[i];
        if (too_long(t, TAG_MAX) || has_control(t) || (t && !gz_utf8_valid(t, strlen(t))))
            return fail(GZ_EINVAL, err, errlen,
                        "A tag has at most %d bytes of text, on one line.", TAG_MAX);
    }
    return GZ_OK;
}

/* The shape of the input, before anything is read from the store. */
static int check_input(const struct gz_article *a, char *err, size_t errlen)
{
    if (too_long(a->title, TITLE_MAX))
        return fail(GZ_EINVAL, err, errlen, "The title has more than %d bytes.",
                    TITLE_MAX);
    if (too_long(a->summary, SUMMARY_MAX))
        return fail(GZ_EINVAL, err, errlen, "The summary has more than %d bytes.",
                    SUMMARY_MAX);
    if (a->body_src && strlen(a->body_src) > BODY_MAX)
        return fail(GZ_EINVAL, err, errlen, "The text is longer than %zu bytes.",
                    BODY_MAX);
    if (!lang_ok(a->lang))
        return fail(GZ_EINVAL, err, errlen,
                    GZ_N("The language must be a language tag such as en, fa or pt-BR."));
    if (a->slug && a->slug[0] && !gz_slug_valid(a->slug, strlen(a->slug)))
        return fail(GZ_EINVAL, err, errlen,
                    "The slug may not contain spaces, '/', '?', '#' or '%%', nor start "
                    "or end with '-'.");
    if (a->image && a->image[0] &&
        (too_long(a->image, IMAGE_MAX) || has_control(a->image) ||
         !gz_url_is_safe(a->image, strlen(a->image))))
        return fail(
            GZ_EINVAL, err, errlen,
            GZ_N("The featured image must be an http(s) address or a path such as "
                 "/media/..."));
    if (a->published_at < 0 || a->published_at > TIME_MAX)
        return fail(GZ_EINVAL, err, errlen,
                    GZ_N("The publication date is out of range."));
    return tags_ok(a, err, errlen);
}

/* Scheduled is how people say it; the store keeps PUBLISHED with a date to
 * come (store.h), which goes live by itself. */
static int normalize_status(struct gz_article *a, int64_t now, char *err, size_t errlen)
{
    switch (a->status) {
    case GZ_STATUS_SCHEDULED:
        if (a->published_at <= now)
            return fail(
                GZ_EINVAL, err, errlen,
                GZ_N("To schedule an article, give a publication time in the future."));
        a->status = GZ_STATUS_PUBLISHED;
        return GZ_OK;
    case GZ_STATUS_DRAFT:
    case GZ_STATUS_PUBLISHED:
    case GZ_STATUS_UNPUBLISHED:
        return GZ_OK;
    }
    return fail(GZ_EINVAL, err, errlen, GZ_N("Unknown status."));
}

static int is_live(enum gz_status s)
{
    return s == GZ_STATUS_PUBLISHED || s == GZ_STATUS_SCHEDULED;
}

/* A slug the caller typed must be free (or the article's own); an empty one
 * is made by the store from the title, with a suffix when taken. */
static int check_slug(struct gz_store *st, const struct gz_article *a, char *err,
                      size_t errlen)
{
    if (!a->slug || !a->slug[0])
        return GZ_OK;
    struct gz_article other;
    int rc = st->ops->article_get_by_slug(st, a->slug, &other);
    int64_t owner = other.id;
    gz_article_clear(&other);
    if (rc == GZ_ENOTFOUND || (rc == GZ_OK && owner == a->id))
        return GZ_OK;
    if (rc == GZ_OK)
        return fail(GZ_EEXIST, err, errlen,
                    "Another article already has the slug \"%s\". Choose another one, "
                    "or leave the slug empty to make one from the title.",
                    a->slug);
    return fail(rc, err, errlen, GZ_N("The store could not be read; try again."));
}

/* Who writes it and whether they may: an update against the stored row. */
static int allow_update(const struct gz_user *u, struct gz_article *a,
                        const struct gz_article *old, int64_t now, char *err,
                        size_t errlen)
{
    if (old->deleted_at)
        return fail(GZ_EINVAL, err, errlen,
                    GZ_N("This article is in the trash. Restore it before editing it."));
    if (!gz_can(u, GZ_ACT_ARTICLE_EDIT, old))
        return fail(GZ_EPERM, err, errlen, GZ_N("You may not edit this article."));
    if (!a->author_id)
        a->author_id = old->author_id;
    if (a->author_id != old->author_id && u->role < GZ_ROLE_EDITOR)
        return fail(GZ_EPERM, err, errlen, GZ_N("Only editors may change the author."));
    int publishing = a->status == GZ_STATUS_PUBLISHED || is_live(old->status);
    if (publishing && !gz_can(u, GZ_ACT_ARTICLE_PUBLISH, old))
        return fail(GZ_EPERM, err, errlen,
                    GZ_N("You may not publish or unpublish articles."));
    /* Published without a date: an article that has been out keeps the date
     * it first came out (edits, unpublish and publish again); one that never
     * was, or was only scheduled, comes out now. */
    if (a->status == GZ_STATUS_PUBLISHED && !a->published_at && old->published_at <= now)
        a->published_at = old->published_at;
    /* No slug given: a draft that never came out follows its title (the
     * content pipeline makes one); after that the address stays. */
    if ((!a->slug || !a->slug[0]) && (old->published_at || is_live(old->status))) {
        free(a->slug);
        a->slug = gz_xstrdup(old->slug);
    }
    return GZ_OK;
}

static int allow_create(const struct gz_user *u, struct gz_article *a, char *err,
                        size_t errlen)
{
    if (!gz_can(u, GZ_ACT_ARTICLE_CREATE, NULL))
        return fail(GZ_EPERM, err, errlen, GZ_N("You may not write articles."));
    if (!a->author_id)
        a->author_id = u->id;
    if (a->author_id != u->id && u->role < GZ_ROLE_EDITOR)
        return fail(GZ_EPERM, err, errlen,
                    GZ_N("Only editors may write for another author."));
    if (a->status == GZ_STATUS_PUBLISHED && !gz_can(u, GZ_ACT_ARTICLE_PUBLISH, a))
        return fail(GZ_EPERM, err, errlen, GZ_N("You may not publish articles."));
    return GZ_OK;
}

/* Checks everything that needs the stored article, and fills what the
 * caller left to us (author, slug, publication date). */
static int authorize(struct gz_store *st, const struct gz_user *u, struct gz_article *a,
                     int64_t now, char *err, size_t errlen)
{
    if (u->role == GZ_ROLE_CONTRIBUTOR && a->status != GZ_STATUS_DRAFT)
        return fail(GZ_EPERM, err, errlen,
                    GZ_N("Contributors save drafts; an editor publishes."));
    int rc;
    if (a->id > 0) {
        struct gz_article old;
        rc = st->ops->article_get(st, a->id, &old);
        if (rc == GZ_ENOTFOUND)
            return fail(rc, err, errlen, GZ_N("There is no such article."));
        if (rc == GZ_OK)
            rc = allow_update(u, a, &old, now, err, errlen);
        else
            fail(rc, err, errlen, GZ_N("The store could not be read; try again."));
        gz_article_clear(&old);
    } else {
        rc = allow_create(u, a, err, errlen);
    }
    if (rc == GZ_OK && a->status == GZ_STATUS_PUBLISHED && !a->published_at)
        a->published_at = now;
    if (rc == GZ_OK)
        rc = check_slug(st, a, err, errlen);
    return rc;
}

static int store_save(struct gz_store *st, struct gz_article *a, char *err, size_t errlen)
{
    int rc = st->ops->article_save(st, a);
    switch (rc) {
    case GZ_OK:
        return GZ_OK;
    case GZ_EINVAL:
        return fail(rc, err, errlen, GZ_N("There is no such author."));
    case GZ_EEXIST:
        return fail(rc, err, errlen, GZ_N("No free slug was found; choose one."));
    case GZ_ENOTFOUND:
        return fail(rc, err, errlen, GZ_N("The article was deleted meanwhile."));
    default:
        return fail(GZ_ERR, err, errlen,
                    GZ_N("The article could not be saved; try again."));
    }
}

int gz_editorial_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                      struct gz_article *a, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!u || u->id <= 0 || u->disabled)
        return fail(GZ_EPERM, err, errlen, GZ_N("Log in first."));
    if (!a || a->id < 0 || (a->ntags && !a->tags))
        return fail(GZ_EINVAL, err, errlen, GZ_N("Nothing to save."));
    int64_t now = time(NULL);
    int rc = check_input(a, err, errlen);
    if (rc == GZ_OK)
        rc = normalize_status(a, now, err, errlen);
    if (rc == GZ_OK)
        rc = authorize(st, u, a, now, err, errlen);
    if (rc != GZ_OK)
        return rc;
    size_t words =
        site ? (size_t)gz_site_cfg(site)->teaser_words : GZ_CONTENT_TEASER_WORDS;
    rc = gz_content_prepare(a, words);
    if (rc == GZ_EINVAL)
        return fail(rc, err, errlen,
                    GZ_N("The title is missing, or some text is not valid UTF-8."));
    if (rc != GZ_OK)
        return fail(GZ_EINVAL, err, errlen, GZ_N("The text is too long to publish."));
    a->updated_at = now;
    a->saved_by = u->id;
    rc = store_save(st, a, err, errlen);
    if (rc == GZ_OK && site)
        gz_site_changed(site);
    return rc;
}

int gz_editorial_trash(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                       int64_t id, int trash)
{
    struct gz_article old;
    int rc = st->ops->article_get(st, id, &old);
    if (rc != GZ_OK)
        return rc;
    if (!gz_can(u, GZ_ACT_ARTICLE_DELETE, &old))
        rc = GZ_EPERM;
    else if (!old.deleted_at != !trash)
        rc = st->ops->article_trash(st, id, trash ? (int64_t)time(NULL) : 0);
    gz_article_clear(&old);
    if (rc == GZ_OK && site)
        gz_site_changed(site);
    return rc;
}
