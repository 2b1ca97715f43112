/* Feeds: RSS 2.0 (feed.xml), Atom 1.0 (atom.xml) and JSON Feed 1.1
 * (feed.json) of the whole site (/feed.xml), of a section (/tag/SLUG/...)
 * and of a language (/lang/LL/...). The newest feeds.items published
 * articles, whole (feeds.full_content) or as teasers.
 *
 * A feed is a page of the page cache like any other: rendered once per
 * content change, then served from memory with its ETag and Last-Modified.
 * Every URL in a feed is absolute (site.url); every article's id is a tag
 * URI that no edit of title, slug or date changes (feedfmt.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "site/feedfmt.h"
#include "site/siteInt.h"

enum format { RSS, ATOM, JSON };

static const struct {
    const char *file;
    const char *content_type;
} formats[] = {
    [RSS] = {"feed.xml", "application/rss+xml; charset=utf-8"},
    [ATOM] = {"atom.xml", "application/atom+xml; charset=utf-8"},
    [JSON] = {"feed.json", "application/feed+json; charset=utf-8"},
};

enum scope { SITE, TAG, LANG };

struct route {
    enum scope scope;
    enum format format;
    struct gz_str arg; /* the tag's slug or the language; in the path */
};

/* What a feed says about itself, and its articles. */
struct feed {
    const struct gz_config *cfg;
    struct gz_arena *ar;
    const char *title, *description, *lang;
    const char *self_url, *home_url;
    const char *content_type;
    int full; /* whole articles, else teasers */
    const struct gz_article_list *items;
    int64_t updated; /* the newest item's; 0 when there is none */
};

/* ---- routes ---- */

static int prefix_is(struct gz_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static int alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A language tag as site.lang accepts it: a letter, then letters, digits
 * and '-', at most 35 bytes. */
static int lang_ok(struct gz_str s)
{
    if (s.len == 0 || s.len > 35 || !alpha(s.p[0]))
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (!alpha(s.p[i]) && !(s.p[i] >= '0' && s.p[i] <= '9') && s.p[i] != '-')
            return 0;
    return 1;
}

/* "/FILE", "/tag/SLUG/FILE" or "/lang/LL/FILE", FILE one of formats[]. */
static int parse_route(struct gz_str path, struct route *out)
{
    const char *slash = path.len ? memrchr(path.p, '/', path.len) : NULL;
    if (!slash)
        return 0;
    struct gz_str dir = {path.p, (size_t)(slash - path.p)};
    struct gz_str file = {slash + 1, path.len - dir.len - 1};
    size_t f = 0;
    while (f < GZ_COUNTOF(formats) && (strlen(formats[f].file) != file.len ||
                                       memcmp(formats[f].file, file.p, file.len)))
        f++;
    if (f == GZ_COUNTOF(formats))
        return 0;
    out->format = (enum format)f;
    out->arg = (struct gz_str){"", 0};
    if (dir.len == 0) {
        out->scope = SITE;
        return 1;
    }
    out->scope = prefix_is(dir, "/tag/") ? TAG : prefix_is(dir, "/lang/") ? LANG : SITE;
    if (out->scope == SITE)
        return 0;
    size_t skip = out->scope == TAG ? 5 : 6;
    out->arg = (struct gz_str){dir.p + skip, dir.len - skip};
    if (out->arg.len == 0 || memchr(out->arg.p, '/', out->arg.len))
        return 0;
    return out->scope == TAG || lang_ok(out->arg);
}

/* ---- what every format shares ---- */

static int yes(const char *v)
{
    return v && (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
                 !strcmp(v, "1"));
}

/* An entry's last change: an article scheduled ahead was edited before it
 * went out, but readers first see it when it is published. */
static int64_t item_updated(const struct gz_article *a)
{
    return a->updated_at > a->published_at ? a->updated_at : a->published_at;
}

static char *item_url(const struct feed *f, const struct gz_article *a)
{
    return gz_feedfmt_url(f->ar, f->cfg->site_url,
                          gz_article_path(f->ar, a->slug, a->published_at));
}

static char *item_id(const struct feed *f, const struct gz_article *a)
{
    return gz_feedfmt_article_id(f->ar, f->cfg->site_url, a->created_at, a->id);
}

/* The article's HTML with root-relative links made absolute, in the arena;
 * NULL when it does not fit a page. */
static const char *item_html(const struct feed *f, const struct gz_article *a)
{
    struct gz_buf b;
    gz_buf_init(&b, GZ_BUF_PAGE_MAX);
    const char *out = NULL;
    if (gz_feedfmt_absolute_html(&b, a->body_html ? a->body_html : "",
                                 f->cfg->site_url) == GZ_OK)
        out = gz_arena_strndup(f->ar, b.p ? b.p : "", b.len);
    gz_buf_free(&b);
    return out;
}

/* ---- RSS 2.0 ---- */

static void rss_item(struct gz_feedfmt_out *o, const struct feed *f,
                     const struct gz_article *a)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_put(o, "<item>\n");
    gz_feedfmt_elem(o, "title", a->title);
    gz_feedfmt_elem(o, "link", item_url(f, a));
    gz_feedfmt_put(o, "<guid isPermaLink=\"false\">");
    gz_feedfmt_text(o, item_id(f, a), 0);
    gz_feedfmt_put(o, "</guid>\n");
    gz_feedfmt_elem(o, "pubDate", gz_feedfmt_rfc822(date, a->published_at));
    /* <author> must be an e-mail address; Dublin Core carries a name. */
    if (a->author_name && *a->author_name)
        gz_feedfmt_elem(o, "dc:creator", a->author_name);
    for (size_t i = 0; i < a->ntags; i++)
        gz_feedfmt_elem(o, "category", a->tags[i]);
    /* <description> is HTML: the plain-text teaser is escaped once as HTML,
     * then once more as XML. */
    struct gz_buf teaser;
    gz_buf_init(&teaser, GZ_BUF_PAGE_MAX);
    if (gz_buf_put_html(&teaser, a->teaser ? a->teaser : "",
                        a->teaser ? strlen(a->teaser) : 0))
        o->rc = GZ_ETOOBIG;
    gz_feedfmt_elem(o, "description", teaser.p ? teaser.p : "");
    gz_buf_free(&teaser);
    if (f->full) {
        const char *html = item_html(f, a);
        if (!html)
            o->rc = GZ_ETOOBIG;
        gz_feedfmt_elem(o, "content:encoded", html);
    }
    gz_feedfmt_put(o, "</item>\n");
}

static void write_rss(struct gz_feedfmt_out *o, const struct feed *f)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_put(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
                      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n"
                      "<channel>\n");
    gz_feedfmt_elem(o, "title", f->title);
    gz_feedfmt_elem(o, "link", f->home_url);
    gz_feedfmt_elem(o, "description", f->description);
    gz_feedfmt_elem(o, "language", f->lang);
    if (f->updated)
        gz_feedfmt_elem(o, "lastBuildDate", gz_feedfmt_rfc822(date, f->updated));
    gz_feedfmt_elem(o, "generator", "gazette");
    gz_feedfmt_put(o, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
    gz_feedfmt_text(o, f->self_url, 1);
    gz_feedfmt_put(o, "\"/>\n");
    for (size_t i = 0; i < f->items->len; i++)
        rss_item(o, f, &f->items->items[i]);
    gz_feedfmt_put(o, "</channel>\n</rss>\n");
}

/* ---- Atom 1.0 ---- */

static void atom_link(struct gz_feedfmt_out *o, const char *rel, const char *type,
                      const char *href)
{
    gz_feedfmt_printf(o, "<link rel=\"%s\" type=\"%s\" href=\"", rel, type);
    gz_feedfmt_text(o, href, 1);
    gz_feedfmt_put(o, "\"/>\n");
}

static void atom_entry(struct gz_feedfmt_out *o, const struct feed *f,
                       const struct gz_article *a)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_put(o, "<entry");
    if (a->lang && *a->lang) {
        gz_feedfmt_put(o, " xml:lang=\"");
        gz_feedfmt_text(o, a->lang, 1);
        gz_feedfmt_put(o, "\"");
    }
    gz_feedfmt_put(o, ">\n");
    gz_feedfmt_elem(o, "id", item_id(f, a));
    gz_feedfmt_elem(o, "title", a->title);
    atom_link(o, "alternate", "text/html", item_url(f, a));
    gz_feedfmt_elem(o, "published", gz_feedfmt_rfc3339(date, a->published_at));
    gz_feedfmt_elem(o, "updated", gz_feedfmt_rfc3339(date, item_updated(a)));
    if (a->author_name && *a->author_name) {
        gz_feedfmt_put(o, "<author>");
        gz_feedfmt_elem(o, "name", a->author_name);
        gz_feedfmt_put(o, "</author>\n");
    }
    for (size_t i = 0; i < a->ntags; i++) {
        gz_feedfmt_put(o, "<category term=\"");
        gz_feedfmt_text(o, a->tags[i], 1);
        gz_feedfmt_put(o, "\"/>\n");
    }
    gz_feedfmt_elem(o, "summary", a->teaser);
    if (f->full) {
        const char *html = item_html(f, a);
        if (!html)
            o->rc = GZ_ETOOBIG;
        gz_feedfmt_put(o, "<content type=\"html\">");
        gz_feedfmt_text(o, html, 0);
        gz_feedfmt_put(o, "</content>\n");
    }
    gz_feedfmt_put(o, "</entry>\n");
}

static void write_atom(struct gz_feedfmt_out *o, const struct feed *f)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    gz_feedfmt_put(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    gz_feedfmt_text(o, f->lang, 1);
    gz_feedfmt_put(o, "\">\n");
    /* The feed's own address is its id: it names this feed and no other. */
    gz_feedfmt_elem(o, "id", f->self_url);
    gz_feedfmt_elem(o, "title", f->title);
    if (f->description && *f->description)
        gz_feedfmt_elem(o, "subtitle", f->description);
    /* An empty feed has nothing to date; the epoch keeps its bytes (and
     * ETag) the same from one render to the next. */
    gz_feedfmt_elem(o, "updated", gz_feedfmt_rfc3339(date, f->updated));
    atom_link(o, "self", "application/atom+xml", f->self_url);
    atom_link(o, "alternate", "text/html", f->home_url);
    /* The site stands as author of entries without a byline (RFC 4287
     * 4.1.1: every entry needs an author, its own or the feed's). */
    gz_feedfmt_put(o, "<author>");
    gz_feedfmt_elem(o, "name", f->cfg->site_title);
    gz_feedfmt_put(o, "</author>\n<generator>gazette</generator>\n");
    for (size_t i = 0; i < f->items->len; i++)
        atom_entry(o, f, &f->items->items[i]);
    gz_feedfmt_put(o, "</feed>\n");
}

/* ---- JSON Feed 1.1 ---- */

/* A JSON string of s; jansson refuses invalid UTF-8, which is replaced. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    struct gz_buf b;
    gz_buf_init(&b, GZ_BUF_PAGE_MAX);
    if (gz_feedfmt_utf8(&b, s, strlen(s)) == GZ_OK)
        j = json_string(b.p ? b.p : "");
    gz_buf_free(&b);
    return j ? j : json_string("");
}

static json_t *json_author(const char *name)
{
    json_t *authors = json_array();
    json_array_append_new(authors, json_pack("{s:o}", "name", jstr(name)));
    return authors;
}

static json_t *json_item(const struct feed *f, const struct gz_article *a, int *rc)
{
    char date[GZ_FEEDFMT_DATE_MAX];
    json_t *item = json_object();
    json_object_set_new(item, "id", jstr(item_id(f, a)));
    json_object_set_new(item, "url", jstr(item_url(f, a)));
    json_object_set_new(item, "title", jstr(a->title));
    if (f->full) {
        const char *html = item_html(f, a);
        if (!html)
            *rc = GZ_ETOOBIG;
        json_object_set_new(item, "content_html", jstr(html));
        json_object_set_new(item, "summary", jstr(a->teaser));
    } else {
        json_object_set_new(item, "content_text", jstr(a->teaser));
    }
    json_object_set_new(item, "date_published",
                        jstr(gz_feedfmt_rfc3339(date, a->published_at)));
    json_object_set_new(item, "date_modified",
                        jstr(gz_feedfmt_rfc3339(date, item_updated(a))));
    if (a->author_name && *a->author_name)
        json_object_set_new(item, "authors", json_author(a->author_name));
    if (a->ntags) {
        json_t *tags = json_array();
        for (size_t i = 0; i < a->ntags; i++)
            json_array_append_new(tags, jstr(a->tags[i]));
        json_object_set_new(item, "tags", tags);
    }
    if (a->lang && *a->lang)
        json_object_set_new(item, "language", jstr(a->lang));
    return item;
}

static void write_json(struct gz_feedfmt_out *o, const struct feed *f)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_string("https://jsonfeed.org/version/1.1"));
    json_object_set_new(root, "title", jstr(f->title));
    json_object_set_new(root, "home_page_url", jstr(f->home_url));
    json_object_set_new(root, "feed_url", jstr(f->self_url));
    if (f->description && *f->description)
        json_object_set_new(root, "description", jstr(f->description));
    json_object_set_new(root, "language", jstr(f->lang));
    json_object_set_new(root, "authors", json_author(f->cfg->site_title));
    json_t *items = json_array();
    for (size_t i = 0; i < f->items->len && o->rc == GZ_OK; i++)
        json_array_append_new(items, json_item(f, &f->items->items[i], &o->rc));
    json_object_set_new(root, "items", items);
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        o->rc = GZ_ERR;
    gz_feedfmt_put(o, text);
    gz_feedfmt_put(o, "\n");
    free(text);
}

/* ---- rendering ---- */

static int write_feed(struct gz_buf *body, const struct feed *f, enum format format)
{
    struct gz_feedfmt_out o = {body, GZ_OK};
    if (format == RSS)
        write_rss(&o, f);
    else if (format == ATOM)
        write_atom(&o, f);
    else
        write_json(&o, f);
    return o.rc;
}

/* Reads the articles of the route into *items and names the feed. Answers
 * the request itself (404, 500) and returns an error when there is no
 * feed to render. */
static int load_feed(struct gz_site *site, struct gz_request *r, const struct route *rt,
                     struct feed *f, struct gz_article_list *items)
{
    const struct gz_config *cfg = f->cfg;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    struct gz_feed_filter filter = {.now = time(NULL), .limit = (size_t)cfg->feeds_items};
    struct gz_tag tag = {0};
    char *arg = gz_arena_strndup(f->ar, rt->arg.p, rt->arg.len);
    int rc = GZ_OK;
    if (rt->scope == TAG && (rc = store->ops->tag_get_by_slug(store, arg, &tag)) == GZ_OK)
        filter.tag_id = tag.id;
    if (rt->scope == LANG)
        filter.lang = arg;
    if (rc == GZ_OK)
        rc = store->ops->feed_articles(store, &filter, items);
    /* A language is known by its articles: none, no feed (so made-up codes
     * do not fill the cache). A tag without articles keeps its feed. */
    if (rc == GZ_OK && rt->scope == LANG && items->len == 0)
        rc = GZ_ENOTFOUND;
    if (rc == GZ_ENOTFOUND)
        gz_site_not_found(site, r);
    else if (rc)
        gz_site_store_failed(r);
    else if (rt->scope == TAG)
        f->title = gz_arena_printf(f->ar, "%s — %s", tag.name, cfg->site_title);
    else if (rt->scope == LANG)
        f->title =
            gz_arena_printf(f->ar, "%s (%s)", cfg->site_title, items->items[0].lang);
    if (rt->scope == LANG && rc == GZ_OK)
        f->lang = gz_arena_strdup(f->ar, items->items[0].lang);
    gz_tag_clear(&tag);
    return rc;
}

static void describe(struct feed *f, struct gz_request *r, const struct route *rt)
{
    const struct gz_config *cfg = f->cfg;
    f->self_url = gz_feedfmt_url(f->ar, cfg->site_url,
                                 gz_arena_strndup(f->ar, r->path.p, r->path.len));
    /* The section's page; a language's feed points at the home page. */
    const char *home = rt->scope == TAG ? gz_arena_printf(f->ar, "/tag/%.*s",
                                                          (int)rt->arg.len, rt->arg.p)
                                        : "/";
    f->home_url = gz_feedfmt_url(f->ar, cfg->site_url, home);
    f->description = *cfg->site_description ? cfg->site_description : f->title;
    f->content_type = formats[rt->format].content_type;
    f->full = yes(cfg->feeds_full_content);
    for (size_t i = 0; i < f->items->len; i++) {
        int64_t t = item_updated(&f->items->items[i]);
        if (t > f->updated)
            f->updated = t;
    }
}

static struct gz_page *render_feed(struct gz_site *site, struct gz_request *r,
                                   uint64_t *version)
{
    /* The version first: a change that lands during the reads below makes
     * this page stale at once. */
    *version = atomic_load_explicit(&site->content_version, memory_order_acquire);
    struct route rt;
    if (!parse_route(r->path, &rt)) {
        gz_site_not_found(site, r); /* not reached: the handler checked */
        return NULL;
    }
    struct gz_article_list items = {0};
    struct feed f = {.cfg = gz_site_cfg(site), .ar = &r->worker->arena, .items = &items};
    f.title = f.cfg->site_title;
    f.lang = f.cfg->site_lang;
    struct gz_page *page = NULL;
    uint64_t t0 = gz_now_ns();
    int loaded = load_feed(site, r, &rt, &f, &items);
    gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
    if (loaded)
        goto out;
    describe(&f, r, &rt);
    struct gz_buf body;
    gz_buf_init(&body, GZ_BUF_PAGE_MAX);
    int rc = write_feed(&body, &f, rt.format);
    if (rc == GZ_ETOOBIG && f.full) {
        /* Whole articles this large do not fit a page: teasers do. */
        gz_warn("feed %.*s: whole articles exceed %zu bytes; sending teasers",
                (int)r->path.len, r->path.p, (size_t)GZ_BUF_PAGE_MAX);
        f.full = 0;
        gz_buf_reset(&body);
        rc = write_feed(&body, &f, rt.format);
    }
    if (rc == GZ_OK) {
        page = gz_site_data_page(site, r, f.content_type, body.p, body.len);
    } else {
        gz_error("feed %.*s: %s", (int)r->path.len, r->path.p,
                 rc == GZ_ETOOBIG ? "larger than a page may be" : "cannot be written");
        gz_http_send_error(r, 500, "Internal Server Error");
    }
    gz_buf_free(&body);
out:
    gz_article_list_clear(&items);
    return page;
}

struct gz_page *gz_site_data_page(struct gz_site *site, struct gz_request *r,
                                  const char *content_type, const char *bytes, size_t len)
{
    struct gz_page *page = gz_page_new(r->path.p, r->path.len, 200, content_type,
                                       bytes ? bytes : "", len, !site->no_compress);
    page->content_only = 1; /* no blocks: fresh until the content changes */
    /* Last-Modified moves only when the bytes do: a re-render after an
     * unrelated change (a view count) keeps the old date. Called under the
     * render lock, so the page in the cache is this one's predecessor. */
    const struct gz_page *old =
        gz_cache_get(site->cache, r->path.p, r->path.len, page->hash);
    if (old && old->last_modified > 0 && old->etag_len == page->etag_len &&
        !memcmp(old->etag, page->etag, page->etag_len))
        page->last_modified = old->last_modified;
    else
        page->last_modified = time(NULL);
    return page;
}

int gz_site_feeds(void *site, struct gz_request *r)
{
    struct route rt;
    if (!parse_route(r->path, &rt))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    return gz_site_serve_cached(site, r, render_feed);
}
