/* Sitemaps (sitemaps.org 0.9) and robots.txt:
 *
 *   /sitemap.xml              the index: every sitemap below that has a URL
 *   /sitemap-pages.xml        the home page and the sections
 *   /sitemap-articles-N.xml   published articles with ids from
 *                             (N - 1) * sitemap.chunk + 1 to N * sitemap.chunk
 *   /sitemap-news.xml         Google News: published in the last 48 hours
 *   /robots.txt               names the index and the news sitemap
 *
 * Files of articles are cut by id range, not by position: an article stays
 * in the same file for good, a file never holds more than sitemap.chunk
 * (at most 50,000) URLs, and reading one is a range scan of the primary key.
 * Like every page they live in the page cache and are rendered again after
 * a content change; lastmod is the later of an article's updated_at and
 * published_at, in W3C datetime (UTC). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "site/feedfmt.h"
#include "site/siteInt.h"

#define XMLNS_SITEMAP "http://www.sitemaps.org/schemas/sitemap/0.9"
#define XMLNS_NEWS "http://www.google.com/schemas/sitemap-news/0.9"
#define XML_TYPE "application/xml; charset=utf-8"

/* The sitemaps.org limits, for files and for the index: 50,000 URLs and
 * 50 MB. 50,000 article URLs of long non-Latin slugs (percent-encoded,
 * three bytes each) need more than a page's usual 16 MiB. */
#define URLS_MAX 50000
#define SITEMAP_BYTES_MAX ((size_t)50 * 1000 * 1000)
/* Google News reads at most 1,000 URLs of the last two days. */
#define NEWS_MAX 1000
#define NEWS_WINDOW (48 * 3600)
/* The highest file number asked for: far above any site, low enough that
 * N * sitemap.chunk cannot overflow. */
#define CHUNK_NUMBER_MAX 1000000000000LL

enum kind { INDEX, PAGES, ARTICLES, NEWS, ROBOTS };

struct route {
    enum kind kind;
    int64_t number; /* ARTICLES: the file's number, from 1 */
};

/* ---- routes ---- */

static int is(struct gz_str path, const char *lit)
{
    return path.len == strlen(lit) && memcmp(path.p, lit, path.len) == 0;
}

/* "/sitemap-articles-N.xml": N without sign or leading zero. */
static int parse_articles(struct gz_str path, int64_t *number)
{
    static const char head[] = "/sitemap-articles-", tail[] = ".xml";
    size_t nh = sizeof head - 1, nt = sizeof tail - 1;
    if (path.len <= nh + nt || memcmp(path.p, head, nh) ||
        memcmp(path.p + path.len - nt, tail, nt))
        return 0;
    const char *digits = path.p + nh;
    size_t n = path.len - nh - nt;
    if (digits[0] < '1' || digits[0] > '9')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (digits[i] < '0' || digits[i] > '9')
            return 0;
    return gz_parse_i64(digits, n, 1, CHUNK_NUMBER_MAX, number) == GZ_OK;
}

static int parse_route(struct gz_str path, struct route *out)
{
    out->number = 0;
    if (is(path, "/sitemap.xml"))
        out->kind = INDEX;
    else if (is(path, "/sitemap-pages.xml"))
        out->kind = PAGES;
    else if (is(path, "/sitemap-news.xml"))
        out->kind = NEWS;
    else if (is(path, "/robots.txt"))
        out->kind = ROBOTS;
    else if (parse_articles(path, &out->number))
        out->kind = ARTICLES;
    else
        return 0;
    return 1;
}

/* ---- writing ---- */

/* What a render needs; strings live in the request's arena. */
struct ctx {
    struct gz_store *store;
    const struct gz_config *cfg;
    struct gz_arena *ar;
    int64_t now;
};

static void urlset_open(struct gz_feedfmt_out *o, int news)
{
    gz_feedfmt_put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<urlset xmlns=\"" XMLNS_SITEMAP "\"");
    if (news)
        gz_feedfmt_put(o, " xmlns:news=\"" XMLNS_NEWS "\"");
    gz_feedfmt_put(o, ">\n");
}

/* <loc> and, when known (> 0), <lastmod>; the caller opens and closes the
 * element around them. */
static void loc_lastmod(struct gz_feedfmt_out *o, const char *loc, int64_t lastmod)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_elem(o, "loc", loc);
    if (lastmod > 0)
        gz_feedfmt_elem(o, "lastmod", gz_feedfmt_rfc3339(date, lastmod));
}

static void url(struct gz_feedfmt_out *o, const char *loc, int64_t lastmod)
{
    gz_feedfmt_put(o, "<url>");
    loc_lastmod(o, loc, lastmod);
    gz_feedfmt_put(o, "</url>\n");
}

static const char *abs_url(const struct ctx *c, const char *path)
{
    return gz_feedfmt_url(c->ar, c->cfg->site_url, path);
}

static const char *article_url(const struct ctx *c, const struct gz_sitemap_url *u)
{
    return abs_url(c, gz_article_path(c->ar, u->slug, u->published_at));
}

/* Google News wants an ISO 639 code, and zh-cn or zh-tw for Chinese. */
static const char *news_lang(const struct ctx *c, const char *lang)
{
    if (!lang || !*lang)
        lang = c->cfg->site_lang;
    char *out = gz_arena_strdup(c->ar, lang);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (strncmp(out, "zh-", 3) && strncmp(out, "zh_", 3))
        out[strcspn(out, "-_")] = '\0';
    else
        out[2] = '-';
    return out;
}

/* The pieces each file is made of. They write into o and return a store
 * error (the request is then answered 500) or GZ_ENOTFOUND (404). */

static int64_t newest_chunk(const struct gz_sitemap_chunks *chunks)
{
    int64_t newest = 0;
    for (size_t i = 0; i < chunks->len; i++)
        newest = chunks->items[i].lastmod > newest ? chunks->items[i].lastmod : newest;
    return newest;
}

static int64_t newest_url(const struct gz_sitemap_urls *urls)
{
    int64_t newest = 0;
    for (size_t i = 0; i < urls->len; i++)
        newest = urls->items[i].lastmod > newest ? urls->items[i].lastmod : newest;
    return newest;
}

static int write_index(const struct ctx *c, struct gz_feedfmt_out *o)
{
    struct gz_sitemap_chunks chunks = {0};
    struct gz_sitemap_urls news = {0};
    int rc =
        c->store->ops->sitemap_chunks(c->store, c->now, c->cfg->sitemap_chunk, &chunks);
    if (rc == GZ_OK)
        rc = c->store->ops->news_articles(c->store, c->now - NEWS_WINDOW, c->now,
                                          NEWS_MAX, &news);
    if (rc)
        goto out;
    /* The pages' file changes with the newest article (see write_pages). */
    int64_t newest = newest_chunk(&chunks);
    gz_feedfmt_put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<sitemapindex xmlns=\"" XMLNS_SITEMAP "\">\n<sitemap>");
    loc_lastmod(o, abs_url(c, "/sitemap-pages.xml"), newest);
    gz_feedfmt_put(o, "</sitemap>\n");
    /* An empty file would not be a valid sitemap: only those with URLs are
     * listed. The pages' and the news files take two places of 50,000. */
    for (size_t i = 0; i < chunks.len && i < URLS_MAX - 2; i++) {
        gz_feedfmt_put(o, "<sitemap>");
        loc_lastmod(o,
                    abs_url(c, gz_arena_printf(c->ar, "/sitemap-articles-%lld.xml",
                                               (long long)chunks.items[i].number)),
                    chunks.items[i].lastmod);
        gz_feedfmt_put(o, "</sitemap>\n");
    }
    if (news.len) {
        gz_feedfmt_put(o, "<sitemap>");
        loc_lastmod(o, abs_url(c, "/sitemap-news.xml"), newest_url(&news));
        gz_feedfmt_put(o, "</sitemap>\n");
    }
    gz_feedfmt_put(o, "</sitemapindex>\n");
out:
    gz_sitemap_chunks_clear(&chunks);
    gz_sitemap_urls_clear(&news);
    return rc;
}

/* The home page, then each section (tag) with a published article. The
 * home page shows every change (its lists and blocks follow every article),
 * so its lastmod is the newest of all: one file of every article. */
static int write_pages(const struct ctx *c, struct gz_feedfmt_out *o)
{
    struct gz_sitemap_urls tags = {0};
    struct gz_sitemap_chunks all = {0};
    int rc = c->store->ops->sitemap_tags(c->store, c->now, URLS_MAX - 1, &tags);
    if (rc == GZ_OK)
        rc = c->store->ops->sitemap_chunks(c->store, c->now, INT64_MAX, &all);
    if (rc)
        goto out;
    urlset_open(o, 0);
    url(o, abs_url(c, "/"), newest_chunk(&all));
    for (size_t i = 0; i < tags.len; i++)
        url(o, abs_url(c, gz_arena_printf(c->ar, "/tag/%s", tags.items[i].slug)),
            tags.items[i].lastmod);
    gz_feedfmt_put(o, "</urlset>\n");
out:
    gz_sitemap_urls_clear(&tags);
    gz_sitemap_chunks_clear(&all);
    return rc;
}

static int write_articles(const struct ctx *c, struct gz_feedfmt_out *o, int64_t number)
{
    struct gz_sitemap_urls urls = {0};
    int64_t chunk = c->cfg->sitemap_chunk;
    int rc = c->store->ops->sitemap_articles(c->store, c->now, (number - 1) * chunk + 1,
                                             number * chunk, &urls);
    if (rc == GZ_OK && urls.len == 0)
        rc = GZ_ENOTFOUND; /* not in the index either */
    if (rc)
        goto out;
    urlset_open(o, 0);
    for (size_t i = 0; i < urls.len; i++)
        url(o, article_url(c, &urls.items[i]), urls.items[i].lastmod);
    gz_feedfmt_put(o, "</urlset>\n");
out:
    gz_sitemap_urls_clear(&urls);
    return rc;
}

static void news_url(const struct ctx *c, struct gz_feedfmt_out *o,
                     const struct gz_sitemap_url *u)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_put(o, "<url>");
    loc_lastmod(o, article_url(c, u), u->lastmod);
    gz_feedfmt_put(o, "<news:news><news:publication>");
    gz_feedfmt_elem(o, "news:name", c->cfg->site_title);
    gz_feedfmt_elem(o, "news:language", news_lang(c, u->lang));
    gz_feedfmt_put(o, "</news:publication>");
    gz_feedfmt_elem(o, "news:publication_date",
                    gz_feedfmt_rfc3339(date, u->published_at));
    gz_feedfmt_elem(o, "news:title", u->title);
    gz_feedfmt_put(o, "</news:news></url>\n");
}

/* With nothing from the last 48 hours the file is an empty <urlset>: still
 * well-formed for a crawler that knows the address, though the index and
 * robots.txt leave it out until it has a URL. */
static int write_news(const struct ctx *c, struct gz_feedfmt_out *o)
{
    struct gz_sitemap_urls urls = {0};
    int rc = c->store->ops->news_articles(c->store, c->now - NEWS_WINDOW, c->now,
                                          NEWS_MAX, &urls);
    if (rc)
        return rc;
    urlset_open(o, 1);
    for (size_t i = 0; i < urls.len; i++)
        news_url(c, o, &urls.items[i]);
    gz_feedfmt_put(o, "</urlset>\n");
    gz_sitemap_urls_clear(&urls);
    return GZ_OK;
}

/* The admin and the API are no place for crawlers; the sitemaps are. */
static int write_robots(const struct ctx *c, struct gz_feedfmt_out *o)
{
    struct gz_sitemap_urls news = {0};
    int rc =
        c->store->ops->news_articles(c->store, c->now - NEWS_WINDOW, c->now, 1, &news);
    if (rc)
        return rc;
    gz_feedfmt_put(o, "User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\n");
    gz_feedfmt_printf(o, "Sitemap: %s\n", abs_url(c, "/sitemap.xml"));
    if (news.len)
        gz_feedfmt_printf(o, "Sitemap: %s\n", abs_url(c, "/sitemap-news.xml"));
    gz_sitemap_urls_clear(&news);
    return GZ_OK;
}

static int write_file(const struct ctx *c, const struct route *rt,
                      struct gz_feedfmt_out *o)
{
    switch (rt->kind) {
    case INDEX:
        return write_index(c, o);
    case PAGES:
        return write_pages(c, o);
    case ARTICLES:
        return write_articles(c, o, rt->number);
    case NEWS:
        return write_news(c, o);
    case ROBOTS:
        return write_robots(c, o);
    }
    return GZ_ERR;
}

static struct gz_page *render_sitemap(struct gz_site *site, struct gz_request *r,
                                      uint64_t *version)
{
    /* The version first: a change during the reads makes the page stale. */
    *version = atomic_load_explicit(&site->content_version, memory_order_acquire);
    struct route rt;
    if (!parse_route(r->path, &rt)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct ctx c = {.store = gz_site_thread_of(site, r)->store,
                    .cfg = gz_site_cfg(site),
                    .ar = &r->worker->arena,
                    .now = time(NULL)};
    struct gz_buf body;
    gz_buf_init(&body, SITEMAP_BYTES_MAX);
    struct gz_feedfmt_out o = {&body, GZ_OK};
    struct gz_page *page = NULL;
    uint64_t t0 = gz_now_ns();
    int rc = write_file(&c, &rt, &o);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (rc == GZ_ENOTFOUND) {
        gz_site_not_found(site, r);
    } else if (rc) {
        gz_error("%.*s: store read failed", (int)r->path.len, r->path.p);
        gz_site_store_failed(r);
    } else if (o.rc) {
        gz_error("%.*s: larger than 50 MB, the sitemaps.org limit; lower sitemap.chunk",
                 (int)r->path.len, r->path.p);
        gz_http_send_error(r, 500, "Internal Server Error");
    } else {
        page = gz_site_data_page(
            site, r, rt.kind == ROBOTS ? "text/plain; charset=utf-8" : XML_TYPE, body.p,
            body.len);
    }
    gz_buf_free(&body);
    return page;
}

int gz_site_sitemap(void *site, struct gz_request *r)
{
    struct route rt;
    if (!parse_route(r->path, &rt))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(site, r, render_sitemap);
}
