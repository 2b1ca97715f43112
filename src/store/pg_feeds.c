/* The PostgreSQL backend of the store: the reads behind feeds and sitemaps,
 * as sqlite_feeds.c.
 *
 * Every query lists published articles only (status published, published_at
 * come, not in the trash); $1 is always now. */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The byline is the author's display name, else the login name. */
#define FEED_COLUMNS                                                                     \
    "SELECT a.id, a.slug, a.title, a.summary, a.body_html, a.teaser, a.lang, "           \
    "a.published_at, a.updated_at, a.created_at, coalesce(a.author_id, 0), "             \
    "coalesce(nullif(au.display_name, ''), au.name, '') "                                \
    "FROM articles a LEFT JOIN authors au ON au.id = a.author_id "

#define FEED_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT $2"

static const char SQL_FEED_ALL[] = FEED_COLUMNS "WHERE " GZ_PG_PUBLISHED_A FEED_ORDER;
static const char SQL_FEED_TAG[] =
    FEED_COLUMNS "JOIN article_tags at ON at.article_id = a.id WHERE at.tag_id = $3 "
                 "AND " GZ_PG_PUBLISHED_A FEED_ORDER;
/* lower(lang): the index articles_by_lang is on it. */
static const char SQL_FEED_LANG[] =
    FEED_COLUMNS "WHERE lower(a.lang) = lower($3) AND " GZ_PG_PUBLISHED_A FEED_ORDER;
/* The tags of every article of a feed, in one statement: $1 is an array
 * of their ids. */
static const char SQL_FEED_TAGS[] =
    "SELECT at.article_id, t.name, t.slug FROM article_tags at "
    "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ANY ($1::bigint[]) "
    "ORDER BY at.article_id, at.position";

/* Columns of a struct gz_sitemap_url, in order. */
#define URL_COLUMNS                                                                      \
    "SELECT a.id, a.slug, a.title, a.lang, a.published_at, "                             \
    "greatest(a.updated_at, a.published_at) FROM articles a "

/* One row per file that has URLs; (id - 1) / chunk is the file's index. */
static const char SQL_CHUNKS[] =
    "SELECT (a.id - 1) / $2 + 1 AS n, count(*), max(greatest(a.updated_at, "
    "a.published_at)) FROM articles a WHERE " GZ_PG_PUBLISHED_A " GROUP BY n ORDER BY n";
/* A range of the primary key: keyset, never OFFSET. */
static const char SQL_CHUNK_URLS[] =
    URL_COLUMNS "WHERE a.id BETWEEN $2 AND $3 AND " GZ_PG_PUBLISHED_A " ORDER BY a.id";
/* Grouped by the tag's key: its slug and name go with it. */
static const char SQL_TAG_URLS[] =
    "SELECT t.id, t.slug, t.name, '', 0, max(greatest(a.updated_at, a.published_at)) "
    "FROM tags t JOIN article_tags at ON at.tag_id = t.id "
    "JOIN articles a ON a.id = at.article_id WHERE " GZ_PG_PUBLISHED_A
    " GROUP BY t.id ORDER BY t.slug LIMIT $2";
static const char SQL_NEWS_URLS[] =
    URL_COLUMNS "WHERE a.published_at > $2 AND " GZ_PG_PUBLISHED_A
                " ORDER BY a.published_at DESC, a.id DESC LIMIT $3";

/* ---- feeds ---- */

static void fill_feed_article(const PGresult *r, int row, struct gz_article *a)
{
    memset(a, 0, sizeof *a);
    a->id = gz_pg_i64(r, row, 0);
    a->slug = gz_pg_dup(r, row, 1);
    a->title = gz_pg_dup(r, row, 2);
    a->summary = gz_pg_dup(r, row, 3);
    a->body_html = gz_pg_dup(r, row, 4);
    a->teaser = gz_pg_dup(r, row, 5);
    a->lang = gz_pg_dup(r, row, 6);
    a->status = GZ_STATUS_PUBLISHED;
    a->published_at = gz_pg_i64(r, row, 7);
    a->updated_at = gz_pg_i64(r, row, 8);
    a->created_at = gz_pg_i64(r, row, 9);
    a->author_id = gz_pg_i64(r, row, 10);
    a->author_name = gz_pg_dup(r, row, 11);
}

static int feed_rows(struct pg_store *s, const struct gz_feed_filter *f,
                     struct gz_article_list *out)
{
    const char *sql = f->tag_id > 0 ? SQL_FEED_TAG
                      : f->lang     ? SQL_FEED_LANG
                                    : SQL_FEED_ALL;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, f->now);
    gz_pg_p_i64(&p, gz_store_clamp_size(f->limit));
    if (f->tag_id > 0)
        gz_pg_p_i64(&p, f->tag_id);
    else if (f->lang)
        gz_pg_p_text(&p, f->lang);
    PGresult *r;
    int rc = gz_pg_query(s, sql, &p, "reading a feed", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_feed_article(r, i, &out->items[out->len++]);
    PQclear(r);
    return GZ_OK;
}

/* The array literal of the feed's article ids: "{1,2,3}" (heap). */
static char *id_array(const struct gz_article_list *l)
{
    size_t cap = l->len * 21 + 3, used = 0;
    char *buf = gz_xmalloc(cap);
    buf[used++] = '{';
    for (size_t i = 0; i < l->len; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%lld", i ? "," : "",
                                 (long long)l->items[i].id);
    snprintf(buf + used, cap - used, "}");
    return buf;
}

/* The article of the list with this id, or NULL. */
static struct gz_article *find_article(struct gz_article_list *l, int64_t id)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].id == id)
            return &l->items[i];
    return NULL;
}

/* Appends row's tag to a (a few tags an article: one realloc each). */
static void add_tag(struct gz_article *a, const PGresult *r, int row)
{
    size_t n = a->ntags + 1;
    a->tags = gz_xrealloc(a->tags, n * sizeof *a->tags);
    a->tag_slugs = gz_xrealloc(a->tag_slugs, n * sizeof *a->tag_slugs);
    a->tags[n - 1] = gz_pg_dup(r, row, 1);
    a->tag_slugs[n - 1] = gz_pg_dup(r, row, 2);
    a->ntags = n;
}

/* Every article's tags (names and slugs) in their order. */
static int feed_tags(struct pg_store *s, struct gz_article_list *out)
{
    if (out->len == 0)
        return GZ_OK;
    char *ids = id_array(out);
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, ids);
    PGresult *r = gz_pg_exec(s, SQL_FEED_TAGS, &p, "reading a feed's tags", NULL);
    free(ids);
    if (!r)
        return GZ_EIO;
    int rows = PQntuples(r);
    struct gz_article *a = NULL;
    for (int i = 0; i < rows; i++) {
        int64_t id = gz_pg_i64(r, i, 0);
        if (!a || a->id != id)
            a = find_article(out, id);
        if (a)
            add_tag(a, r, i);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_feed_articles(struct gz_store *gs, const struct gz_feed_filter *f,
                        struct gz_article_list *out)
{
    struct pg_store *s = pg_from(gs);
    int started;
    memset(out, 0, sizeof *out);
    if (!f)
        return GZ_EINVAL;
    int rc = gz_pg_read_begin(s, &started);
    if (rc)
        return rc;
    rc = feed_rows(s, f, out);
    if (rc == GZ_OK)
        rc = feed_tags(s, out);
    gz_pg_read_end(s, started);
    if (rc)
        gz_article_list_clear(out);
    return rc;
}

/* ---- sitemaps ---- */

int gz_pg_sitemap_chunks(struct gz_store *gs, int64_t now, int64_t chunk,
                         struct gz_sitemap_chunks *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    if (chunk < 1)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, chunk);
    PGresult *r;
    int rc = gz_pg_query(s, SQL_CHUNKS, &p, "reading sitemap files", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_sitemap_chunk *c = &out->items[out->len++];
        c->number = gz_pg_i64(r, i, 0);
        c->count = gz_pg_i64(r, i, 1);
        c->lastmod = gz_pg_i64(r, i, 2);
    }
    PQclear(r);
    return GZ_OK;
}

/* Runs a URL query (URL_COLUMNS order) with now and two more integers
 * ($2, $3; b < 0: none) and puts its rows into out. */
static int url_query(struct pg_store *s, const char *sql, int64_t now, int64_t a,
                     int64_t b, struct gz_sitemap_urls *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, a);
    if (b >= 0)
        gz_pg_p_i64(&p, b);
    PGresult *r;
    int rc = gz_pg_query(s, sql, &p, "reading sitemap URLs", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_sitemap_url *u = &out->items[out->len++];
        u->id = gz_pg_i64(r, i, 0);
        u->slug = gz_pg_dup(r, i, 1);
        u->title = gz_pg_dup(r, i, 2);
        u->lang = gz_pg_dup(r, i, 3);
        u->published_at = gz_pg_i64(r, i, 4);
        u->lastmod = gz_pg_i64(r, i, 5);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_sitemap_articles(struct gz_store *gs, int64_t now, int64_t first_id,
                           int64_t last_id, struct gz_sitemap_urls *out)
{
    return url_query(pg_from(gs), SQL_CHUNK_URLS, now, first_id,
                     last_id < 0 ? 0 : last_id, out);
}

int gz_pg_sitemap_tags(struct gz_store *gs, int64_t now, size_t limit,
                       struct gz_sitemap_urls *out)
{
    return url_query(pg_from(gs), SQL_TAG_URLS, now, gz_store_clamp_size(limit), -1, out);
}

int gz_pg_news_articles(struct gz_store *gs, int64_t since, int64_t now, size_t limit,
                        struct gz_sitemap_urls *out)
{
    return url_query(pg_from(gs), SQL_NEWS_URLS, now, since, gz_store_clamp_size(limit),
                     out);
}
