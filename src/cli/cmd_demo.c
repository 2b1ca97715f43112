/* gazette demo: fill a site with generated demo articles and simulated
 * views, in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "content/content.h"
#include "io/demo.h"
#include "store/store.h"
#include "views/hll.h"

/* Views of one article land in one hour: recent articles in the hour they
 * were published (so the 24 h / 7 d / 30 d windows have data), older ones in
 * their day only (hourly rows older than 30 days are pruned anyway). */
static struct gz_view_delta demo_views(const struct gz_demo_article *d, int64_t id)
{
    return (struct gz_view_delta){id, d->published_at / 86400, d->published_at / 3600,
                                  (int64_t)d->views};
}

/* Simulated unique readers, so the dashboard's readers are not all zero:
 * three views in four come from distinct synthetic readers (hashes from
 * splitmix64, which no real reader's keyed hash could be told from). Each
 * article gets its day's and its all-time sketch, and one for its hour when
 * it is recent enough for the 24 h window; the site gets the union of its
 * articles' per day and over all time. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct demo_sketch {
    int64_t article, period;
    enum gz_readers_kind kind;
    struct gz_hll *hll;
};

static int add_readers(struct gz_store *st, const struct gz_view_delta *v, size_t n,
                       int64_t now)
{
    size_t cap = 4 * n + 2, len = 0;
    struct demo_sketch *s = gz_xcalloc(cap, sizeof *s);
    struct gz_hll *site_all = gz_hll_new();
    for (size_t i = 0; i < n; i++) {
        struct gz_hll *h = gz_hll_new();
        uint64_t readers = ((uint64_t)v[i].count * 3 + 3) / 4;
        for (uint64_t r = 0; r < readers; r++)
            gz_hll_add(h, mix64((uint64_t)v[i].article_id << 32 | r));
        s[len++] = (struct demo_sketch){v[i].article_id, v[i].day, GZ_READERS_DAY, h};
        s[len++] = (struct demo_sketch){v[i].article_id, 0, GZ_READERS_ALL, h};
        if (v[i].hour > now / 3600 - 24)
            s[len++] =
                (struct demo_sketch){v[i].article_id, v[i].hour, GZ_READERS_HOUR, h};
        gz_hll_merge(site_all, h);
    }
    /* The site's days: the union of that day's articles. */
    size_t articles = len;
    for (size_t i = 0; i < articles; i++) {
        if (s[i].kind != GZ_READERS_DAY)
            continue;
        size_t k = articles;
        while (k < len && !(s[k].kind == GZ_READERS_DAY && s[k].period == s[i].period))
            k++;
        if (k == len)
            s[len++] = (struct demo_sketch){0, s[i].period, GZ_READERS_DAY, gz_hll_new()};
        gz_hll_merge(s[k].hll, s[i].hll);
    }
    s[len++] = (struct demo_sketch){0, 0, GZ_READERS_ALL, site_all};
    struct gz_readers_delta *d = gz_xcalloc(len, sizeof *d);
    for (size_t i = 0; i < len; i++) {
        uint8_t *bytes;
        size_t blen;
        gz_hll_serialize(s[i].hll, &bytes, &blen);
        d[i] =
            (struct gz_readers_delta){s[i].article, s[i].kind, s[i].period, bytes, blen};
    }
    int rc = st->ops->readers_merge(st, d, len, NULL, 0, now / 3600 - 26, 0);
    for (size_t i = 0; i < len; i++) {
        free((void *)d[i].hll);
        if (s[i].kind == GZ_READERS_DAY || s[i].article == 0)
            gz_hll_free(s[i].hll); /* an article's three entries share one */
    }
    free(d);
    free(s);
    return rc;
}

static int save_one(struct gz_store *st, const struct gz_config *cfg,
                    struct gz_demo_article *d, int64_t *id)
{
    struct gz_article a = {0};
    int rc = st->ops->author_ensure(st, d->author, &a.author_id);
    if (rc)
        return rc;
    a.title = strdup(d->title);
    a.summary = strdup(d->summary);
    a.body_src = strdup(d->body_md);
    a.lang = strdup(d->lang);
    a.status = GZ_STATUS_PUBLISHED;
    a.published_at = d->published_at;
    a.updated_at = d->published_at;
    /* The article borrows the tag array for the save. */
    a.tags = d->tags;
    a.ntags = d->ntags;
    rc = gz_content_prepare(&a, (size_t)cfg->teaser_words);
    if (!rc)
        rc = st->ops->article_save(st, &a);
    *id = a.id;
    a.tags = NULL;
    a.ntags = 0;
    gz_article_clear(&a);
    return rc;
}

int gz_cmd_demo(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("articles", 1, "how many articles to generate (default 200)"),
        GZ_OPT("seed", 1,
               "generator seed (default 1): the same seed gives the same site"),
    };
    size_t n = sizeof(opts) / sizeof(opts[0]), npos;
    const char *pos[1];
    int rc =
        gz_cli_parse(argc, argv, "gazette demo [--db FILE] [--articles N] [--seed S]",
                     opts, n, pos, 0, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    int64_t count = 200, seed = 1;
    const char *v;
    if ((v = gz_cli_opt(opts, n, "articles")) &&
        gz_parse_i64(v, strlen(v), 1, 10000000, &count)) {
        fprintf(stderr, "gazette: --articles expects a number from 1 to 10000000\n");
        return GZ_EXIT_USAGE;
    }
    if ((v = gz_cli_opt(opts, n, "seed")) &&
        gz_parse_i64(v, strlen(v), 0, INT64_MAX, &seed)) {
        fprintf(stderr, "gazette: --seed expects a non-negative number\n");
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, n))
        return GZ_EXIT_USAGE;
    struct gz_store *st = NULL;
    char err[512];
    rc = GZ_EXIT_FAIL;
    if (gz_store_open(cfg.db, &st, err, sizeof err)) {
        fprintf(stderr, "gazette: %s\n", err);
        goto out;
    }
    struct gz_demo g;
    int64_t now = time(NULL);
    gz_demo_init(&g, (uint64_t)seed, now, (size_t)count);
    struct gz_view_delta *views = gz_xmalloc((size_t)count * sizeof(*views));
    size_t nviews = 0;
    struct gz_demo_article d = {0};
    if (st->ops->begin(st))
        goto fail;
    for (int64_t i = 0; gz_demo_next(&g, &d) == GZ_OK; i++) {
        int64_t id;
        if (save_one(st, &cfg, &d, &id)) {
            fprintf(stderr, "gazette: saving demo article %lld failed\n", (long long)i);
            gz_demo_article_clear(&d);
            st->ops->rollback(st);
            goto fail;
        }
        if (d.views)
            views[nviews++] = demo_views(&d, id);
        gz_demo_article_clear(&d);
        if ((i + 1) % 10000 == 0)
            fprintf(stderr, "  %lld articles\n", (long long)(i + 1));
    }
    if (st->ops->views_add(st, views, nviews, now / 3600 - 720) ||
        add_readers(st, views, nviews, now) || st->ops->commit(st)) {
        st->ops->rollback(st);
        goto fail;
    }
    printf("added %lld demo articles to %s\n", (long long)count, cfg.db);
    rc = GZ_EXIT_OK;
fail:
    if (rc)
        fprintf(stderr, "gazette: demo failed; the site is unchanged\n");
    free(views);
out:
    gz_store_close(st);
    gz_config_clear(&cfg);
    return rc;
}
