/* Every URL of the public site, read from the store: what a static export
 * fetches. The paths are built as the site's own links are (the helpers
 * of site/siteInt.h), so a URL listed here is one the site answers. */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "http/http.h"
#include "io/exportInt.h"
#include "render/embedded.h"
#include "site/siteInt.h"
#include "store/store.h"

/* More rows than any site has: lists are read whole. */
#define ALL 100000000
#define REDIRECT_BATCH 1000

static const char *const feeds[] = {"feed.xml", "atom.xml", "feed.json"};

void gz_export_jobs_init(struct gz_export_jobs *j)
{
    memset(j, 0, sizeof(*j));
    gz_arena_init(&j->arena, 1 << 16);
}

void gz_export_jobs_free(struct gz_export_jobs *j)
{
    for (size_t i = 0; i < j->len; i++)
        free(j->items[i].rel);
    free(j->items);
    free(j->set);
    gz_arena_free(&j->arena);
    memset(j, 0, sizeof(*j));
}

static size_t set_slot(const struct gz_export_jobs *j, const char *path)
{
    size_t i = (size_t)gz_hash(path, strlen(path)) & (j->set_cap - 1);
    while (j->set[i] && strcmp(j->set[i], path))
        i = (i + 1) & (j->set_cap - 1);
    return i;
}

static void set_grow(struct gz_export_jobs *j)
{
    const char **prev = j->set;
    size_t prev_cap = j->set_cap;
    j->set_cap = j->set_cap ? j->set_cap * 2 : 4096;
    j->set = gz_xcalloc(j->set_cap, sizeof(*j->set));
    for (size_t i = 0; i < prev_cap; i++)
        if (prev[i])
            j->set[set_slot(j, prev[i])] = prev[i];
    free(prev);
}

int gz_export_jobs_add(struct gz_export_jobs *j, enum gz_export_kind kind,
                       const char *path, int64_t id, const char *source)
{
    if (2 * (j->len + 1) > j->set_cap)
        set_grow(j);
    size_t slot = set_slot(j, path);
    if (j->set[slot])
        return 0;
    if (j->len == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 1024;
        j->items = gz_xrealloc(j->items, j->cap * sizeof(*j->items));
    }
    struct gz_export_job *job = &j->items[j->len++];
    memset(job, 0, sizeof(*job));
    job->path = gz_arena_strdup(&j->arena, path);
    job->kind = kind;
    job->id = id;
    job->source = source ? gz_arena_strdup(&j->arena, source) : NULL;
    j->set[slot] = job->path;
    return 1;
}

static void add(struct gz_export_jobs *j, const char *path)
{
    gz_export_jobs_add(j, GZ_JOB_PAGE, path, 0, NULL);
}

/* A list's first page (first) and its "/page/N" pages. */
static void add_list(struct gz_export_jobs *j, const char *first, int64_t total,
                     int64_t per)
{
    add(j, first);
    size_t n = strlen(first);
    int base = (int)(n && first[n - 1] == '/' ? n - 1 : n);
    for (int64_t p = 2; (p - 1) * per < total; p++)
        add(j, gz_arena_printf(&j->arena, "%.*s/page/%lld", base, first, (long long)p));
}

static void add_feeds(struct gz_export_jobs *j, const char *dir)
{
    for (size_t i = 0; i < GZ_COUNTOF(feeds); i++)
        add(j, gz_arena_printf(&j->arena, "%s/%s", dir, feeds[i]));
}

static int add_home_and_articles(struct gz_export_jobs *j, struct gz_store *st,
                                 int64_t per, int64_t now)
{
    struct gz_teaser_list l = {0};
    int64_t total = 0;
    if (st->ops->article_count_published(st, now, &total) ||
        st->ops->article_latest(st, now, 0, (size_t)total, &l))
        return GZ_EIO;
    add_list(j, "/", total, per);
    for (size_t i = 0; i < l.len; i++)
        gz_export_jobs_add(
            j, GZ_JOB_ARTICLE,
            gz_article_path(&j->arena, l.items[i].slug, l.items[i].published_at),
            l.items[i].id, NULL);
    gz_teaser_list_clear(&l);
    return GZ_OK;
}

static int add_tags(struct gz_export_jobs *j, struct gz_store *st, int64_t per,
                    int64_t now)
{
    struct gz_sitemap_urls tags = {0};
    struct gz_tag_alias_list aliases = {0};
    int rc = st->ops->sitemap_tags(st, now, ALL, &tags);
    for (size_t i = 0; rc == GZ_OK && i < tags.len; i++) {
        struct gz_teaser_list l = {0};
        int64_t total = 0;
        rc = st->ops->tag_articles(st, tags.items[i].id, now, 0, 1, &l, &total);
        gz_teaser_list_clear(&l);
        const char *dir = gz_arena_printf(&j->arena, "/tag/%s", tags.items[i].slug);
        add_list(j, dir, total, per);
        add_feeds(j, dir);
    }
    /* An alias's address answers 301 to its tag: a refresh page. */
    if (rc == GZ_OK)
        rc = st->ops->tag_alias_list(st, 0, &aliases);
    for (size_t i = 0; rc == GZ_OK && i < aliases.len; i++)
        add(j, gz_arena_printf(&j->arena, "/tag/%s", aliases.items[i].slug));
    gz_sitemap_urls_clear(&tags);
    gz_tag_alias_list_clear(&aliases);
    return rc ? GZ_EIO : GZ_OK;
}

static int add_authors(struct gz_export_jobs *j, struct gz_store *st, int64_t per,
                       int64_t now)
{
    struct gz_user_list users = {0};
    int rc = st->ops->user_list(st, &users);
    for (size_t i = 0; rc == GZ_OK && i < users.len; i++) {
        struct gz_teaser_list l = {0};
        int64_t total = 0;
        const struct gz_user *u = &users.items[i];
        rc = st->ops->author_articles(st, u->id, now, 0, 1, &l, &total);
        gz_teaser_list_clear(&l);
        if (total > 0)
            add_list(j, gz_author_path(&j->arena, u->id, u->name), total, per);
    }
    gz_user_list_clear(&users);
    return rc ? GZ_EIO : GZ_OK;
}

static int add_months_and_languages(struct gz_export_jobs *j, struct gz_store *st,
                                    int64_t per, int64_t now)
{
    struct gz_month_list months = {0};
    struct gz_lang_list langs = {0};
    int rc = st->ops->archive_months(st, now, &months);
    for (size_t i = 0; rc == GZ_OK && i < months.len; i++)
        add_list(j,
                 gz_arena_printf(&j->arena, "/%04d/%02d/", months.items[i].year,
                                 months.items[i].month),
                 months.items[i].count, per);
    if (rc == GZ_OK)
        rc = st->ops->lang_counts(st, now, &langs);
    for (size_t i = 0; rc == GZ_OK && i < langs.len; i++) {
        const char *tag = langs.items[i].lang;
        add_list(j, gz_arena_printf(&j->arena, "/%s/", tag), langs.items[i].count, per);
        add_feeds(j, gz_arena_printf(&j->arena, "/lang/%s", tag));
    }
    gz_month_list_clear(&months);
    gz_lang_list_clear(&langs);
    return rc ? GZ_EIO : GZ_OK;
}

static int add_sitemaps(struct gz_export_jobs *j, struct gz_store *st,
                        const struct gz_config *cfg, int64_t now)
{
    static const char *const files[] = {"/sitemap.xml", "/sitemap-pages.xml",
                                        "/sitemap-news.xml", "/robots.txt"};
    for (size_t i = 0; i < GZ_COUNTOF(files); i++)
        add(j, files[i]);
    add_feeds(j, "");
    struct gz_sitemap_chunks chunks = {0};
    if (st->ops->sitemap_chunks(st, now, cfg->sitemap_chunk, &chunks))
        return GZ_EIO;
    for (size_t i = 0; i < chunks.len; i++)
        add(j, gz_arena_printf(&j->arena, "/sitemap-articles-%lld.xml",
                               (long long)chunks.items[i].number));
    gz_sitemap_chunks_clear(&chunks);
    return GZ_OK;
}

/* nftw has no context argument: the walk of the theme's assets folder
 * sets these, one walk at a time (the export lists URLs in one thread). */
static struct gz_export_jobs *walk_jobs;
static size_t walk_skip;

static int on_asset_file(const char *path, const struct stat *st, int type, struct FTW *f)
{
    if (type == FTW_F && strlen(path) > walk_skip)
        add(walk_jobs,
            gz_arena_printf(&walk_jobs->arena, "/assets/%s", path + walk_skip));
    return 0;
}

/* The default theme's assets, and those a theme folder adds. */
static void add_assets(struct gz_export_jobs *j, const struct gz_config *cfg)
{
    add(j, "/favicon.ico");
    for (size_t i = 0; i < gz_theme_default_count; i++) {
        const char *p = gz_theme_default_files[i].path;
        if (!strncmp(p, "assets/", 7))
            add(j, gz_arena_printf(&j->arena, "/%s", p));
    }
    if (!cfg->theme_dir || !*cfg->theme_dir)
        return;
    const char *dir = gz_arena_printf(&j->arena, "%s/assets", cfg->theme_dir);
    walk_jobs = j;
    walk_skip = strlen(dir) + 1;
    nftw(dir, on_asset_file, 16, FTW_PHYS);
    walk_jobs = NULL;
}

static int add_media(struct gz_export_jobs *j, struct gz_store *st,
                     const struct gz_config *cfg)
{
    struct gz_media_list l = {0};
    int64_t total = 0;
    if (st->ops->media_list(st, 0, ALL, &l, &total))
        return GZ_EIO;
    for (size_t i = 0; i < l.len; i++) {
        const struct gz_media *m = &l.items[i];
        const char *name =
            gz_arena_printf(&j->arena, "%.2s/%s.%s", m->sha256, m->sha256, m->ext);
        gz_export_jobs_add(j, GZ_JOB_MEDIA, gz_arena_printf(&j->arena, "/media/%s", name),
                           0, gz_arena_printf(&j->arena, "%s/%s", cfg->media_dir, name));
    }
    gz_media_list_clear(&l);
    return GZ_OK;
}

/* The redirects the importer stored (none until its store ops exist). A
 * path with a query ("/?p=12") cannot be a file: it is skipped. */
static int add_redirects(struct gz_export_jobs *j, struct gz_store *st)
{
    if (!st->ops->redirect_list)
        return GZ_OK;
    for (size_t offset = 0;; offset += REDIRECT_BATCH) {
        struct gz_redirect_list l = {0};
        if (st->ops->redirect_list(st, offset, REDIRECT_BATCH, &l, NULL))
            return GZ_EIO;
        for (size_t i = 0; i < l.len; i++) {
            const char *p = l.items[i].path;
            size_t n = strlen(p), len;
            char *decoded = gz_arena_alloc(&j->arena, n + 1);
            if (strchr(p, '?') || p[0] != '/' ||
                gz_http_decode_path(p, n, decoded, n + 1, &len)) {
                j->skipped++;
                continue;
            }
            decoded[len] = '\0';
            gz_export_jobs_add(j, GZ_JOB_REDIRECT, decoded, 0, l.items[i].target);
        }
        size_t got = l.len;
        gz_redirect_list_clear(&l);
        if (got < REDIRECT_BATCH)
            return GZ_OK;
    }
}

int gz_export_enumerate(struct gz_export_jobs *j, struct gz_store *st,
                        const struct gz_config *cfg, int64_t now, char *err,
                        size_t errlen)
{
    int64_t per = cfg->per_page;
    int rc = add_home_and_articles(j, st, per, now);
    if (!rc)
        rc = add_tags(j, st, per, now);
    if (!rc)
        rc = add_authors(j, st, per, now);
    if (!rc)
        rc = add_months_and_languages(j, st, per, now);
    if (!rc)
        rc = add_sitemaps(j, st, cfg, now);
    if (!rc)
        rc = add_media(j, st, cfg);
    add_assets(j, cfg);
    gz_export_jobs_add(j, GZ_JOB_NOT_FOUND, "/404.html", 0, NULL);
    /* Last: a page of the site wins over an old address of the same path. */
    if (!rc)
        rc = add_redirects(j, st);
    if (rc)
        snprintf(err, errlen, "cannot list the site's URLs: the store failed");
    return rc;
}
