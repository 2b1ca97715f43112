/* What the authoring commands (new, edit, publish) share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "content/content.h"
#include "content/slug.h"
#include "core/utf8.h"
#include "store/store.h"

#define MAX_BODY ((size_t)16 << 20)

int gz_cli_read_body(const char *path, char **out)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "gazette: cannot open %s\n", path);
        return GZ_EIO;
    }
    struct gz_buf b;
    gz_buf_init(&b, MAX_BODY);
    char chunk[65536];
    size_t n;
    int rc = GZ_OK;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = gz_buf_append(&b, chunk, n);
    if (ferror(f))
        rc = GZ_EIO;
    if (f != stdin)
        fclose(f);
    if (rc) {
        fprintf(stderr, "gazette: %s: %s\n", path,
                rc == GZ_ETOOBIG ? "larger than 16 MiB" : "read error");
        gz_buf_free(&b);
        return rc;
    }
    *out = gz_buf_take(&b);
    return GZ_OK;
}

int gz_cli_parse_time(const char *s, int64_t *out)
{
    if (gz_parse_i64(s, strlen(s), 0, INT64_MAX / 2, out) == GZ_OK)
        return GZ_OK;
    static const char *formats[] = {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
                                    "%Y-%m-%dT%H:%MZ",    "%Y-%m-%dT%H:%M",
                                    "%Y-%m-%d %H:%M",     "%Y-%m-%d"};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        struct tm tm = {0};
        const char *end = strptime(s, formats[i], &tm);
        if (end && *end == '\0') {
            *out = (int64_t)timegm(&tm);
            return GZ_OK;
        }
    }
    fprintf(stderr, "gazette: cannot read the time '%s' (use 2026-12-01T09:30Z)\n", s);
    return GZ_EINVAL;
}

static void replace(char **field, const char *v)
{
    free(*field);
    *field = strdup(v);
}

static void set_tags(struct gz_article *a, const char *list)
{
    for (size_t i = 0; i < a->ntags; i++) {
        free(a->tags[i]);
        if (a->tag_slugs)
            free(a->tag_slugs[i]);
    }
    free(a->tags);
    free(a->tag_slugs); /* the store recomputes slugs from names */
    a->tags = NULL;
    a->tag_slugs = NULL;
    a->ntags = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *start = p;
        while (len && *start == ' ')
            start++, len--;
        while (len && start[len - 1] == ' ')
            len--;
        if (len) {
            a->tags = gz_xrealloc(a->tags, (a->ntags + 1) * sizeof(*a->tags));
            a->tags[a->ntags++] = gz_xstrndup(start, len);
        }
        p = end ? end + 1 : p + strlen(p);
    }
}

int gz_cli_apply_article_opts(struct gz_article *a, const struct gz_opt *opts, size_t n,
                              struct gz_store *st)
{
    const char *v;
    if ((v = gz_cli_opt(opts, n, "title")))
        replace(&a->title, v);
    if ((v = gz_cli_opt(opts, n, "summary")))
        replace(&a->summary, v);
    if ((v = gz_cli_opt(opts, n, "lang")))
        replace(&a->lang, v);
    if ((v = gz_cli_opt(opts, n, "slug")))
        replace(&a->slug, v);
    if ((v = gz_cli_opt(opts, n, "tags")))
        set_tags(a, v);
    if ((v = gz_cli_opt(opts, n, "author")) && !gz_utf8_valid(v, strlen(v))) {
        /* Checked here: the author is stored before the article's text is. */
        fprintf(stderr, "gazette: the author name is not valid UTF-8\n");
        return GZ_EINVAL;
    }
    if (v && st->ops->author_ensure(st, v, &a->author_id)) {
        fprintf(stderr, "gazette: cannot record the author\n");
        return GZ_EIO;
    }
    if (a->slug && *a->slug && !gz_slug_valid(a->slug, strlen(a->slug))) {
        fprintf(stderr,
                "gazette: '%s' is not a valid slug (no spaces, '/', '?', '#' or '%%')\n",
                a->slug);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

static const char *status_name(const struct gz_article *a, int64_t now)
{
    switch (a->status) {
    case GZ_STATUS_PUBLISHED:
        return a->published_at > now ? "scheduled" : "published";
    case GZ_STATUS_SCHEDULED:
        return "scheduled";
    case GZ_STATUS_UNPUBLISHED:
        return "unpublished";
    default:
        return "draft";
    }
}

int gz_cli_save_article(struct gz_store *st, const struct gz_config *cfg,
                        struct gz_article *a, const char *verb)
{
    if (!a->lang || !*a->lang)
        replace(&a->lang, cfg->site_lang);
    int rc = gz_content_prepare(a, (size_t)cfg->teaser_words);
    if (rc) {
        fprintf(stderr, "gazette: %s\n",
                rc == GZ_EINVAL ? "the article needs a title, and all "
                                  "text must be valid UTF-8"
                                : "cannot prepare the article");
        return rc;
    }
    a->updated_at = time(NULL);
    if ((rc = st->ops->article_save(st, a))) {
        fprintf(stderr, "gazette: saving the article failed\n");
        return rc;
    }
    time_t t = (time_t)(a->published_at ? a->published_at : a->updated_at);
    struct tm tm;
    gmtime_r(&t, &tm);
    printf("%s article %lld (%s): %s/%04d/%02d/%s\n", verb, (long long)a->id,
           status_name(a, time(NULL)), cfg->site_url, tm.tm_year + 1900, tm.tm_mon + 1,
           a->slug);
    return GZ_OK;
}

int gz_cli_open_store(const struct gz_config *cfg, struct gz_store **st)
{
    char err[512];
    if (gz_store_open(cfg->db, st, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        return GZ_EIO;
    }
    return GZ_OK;
}

int gz_cli_article_id(const char *cmd, const char **pos, size_t npos, int64_t *id)
{
    if (npos != 1 || gz_parse_i64(pos[0], strlen(pos[0]), 1, INT64_MAX, id)) {
        fprintf(stderr, "gazette: %s needs an article ID (see 'gazette list')\n", cmd);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

int gz_cli_open_article(const struct gz_config *cfg, int64_t id, struct gz_store **st,
                        struct gz_article *a)
{
    if (gz_cli_open_store(cfg, st))
        return GZ_EIO;
    if ((*st)->ops->article_get(*st, id, a)) {
        fprintf(stderr, "gazette: no article %lld\n", (long long)id);
        return GZ_ENOTFOUND;
    }
    return GZ_OK;
}
