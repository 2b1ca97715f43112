/* The SQLite backend of the store: the reads behind feeds and sitemaps.
 *
 * Every query lists published articles only (status published, published_at
 * come, not in the trash); ?1 is always now. Statements are prepared on
 * first use (gz_sqlite_stmt), their SQL kept here beside the code. */
#include "store/sqliteInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>

/* The byline is the author's display name, else the login name. */
#define FEED_COLUMNS                                                                     \
    "SELECT a.id, a.slug, a.title, a.summary, a.body_html, a.teaser, a.lang, "           \
    "a.published_at, a.updated_at, a.created_at, coalesce(a.author_id, 0), "             \
    "coalesce(nullif(au.display_name, ''), au.name, '') "                                \
    "FROM articles a LEFT JOIN authors au ON au.id = a.author_id "

#define FEED_ORDER " ORDER BY a.published_at DESC, a.id DESC LIMIT ?2"

static const char SQL_FEED_ALL[] = FEED_COLUMNS "WHERE " GZ_SQLITE_PUBLISHED_A FEED_ORDER;
static const char SQL_FEED_TAG[] =
    FEED_COLUMNS "JOIN article_tags at ON at.article_id = a.id WHERE at.tag_id = ?3 "
                 "AND " GZ_SQLITE_PUBLISHED_A FEED_ORDER;
static const char SQL_FEED_LANG[] =
    FEED_COLUMNS "WHERE a.lang = ?3 COLLATE NOCASE AND " GZ_SQLITE_PUBLISHED_A FEED_ORDER;

/* Columns of a struct gz_sitemap_url, in order. */
#define URL_COLUMNS                                                                      \
    "SELECT a.id, a.slug, a.title, a.lang, a.published_at, "                             \
    "max(a.updated_at, a.published_at) FROM articles a "

/* One row per file that has URLs; (id - 1) / chunk is the file's index. */
static const char SQL_CHUNKS[] =
    "SELECT (a.id - 1) / ?2 + 1 AS n, count(*), max(max(a.updated_at, a.published_at)) "
    "FROM articles a WHERE " GZ_SQLITE_PUBLISHED_A " GROUP BY n ORDER BY n";
/* A range of the primary key: keyset, never OFFSET. The unary + keeps
 * SQLite off the status index, which would read every published article
 * to find the few in the range. */
static const char SQL_CHUNK_URLS[] =
    URL_COLUMNS "WHERE a.id BETWEEN ?2 AND ?3 AND a.status = 1 AND a.published_at <= ?1 "
                "AND a.deleted_at = 0 ORDER BY a.id";
static const char SQL_TAG_URLS[] =
    "SELECT t.id, t.slug, t.name, '', 0, max(max(a.updated_at, a.published_at)) "
    "FROM tags t JOIN article_tags at ON at.tag_id = t.id "
    "JOIN articles a ON a.id = at.article_id WHERE " GZ_SQLITE_PUBLISHED_A
    " GROUP BY t.id ORDER BY t.slug LIMIT ?2";
static const char SQL_NEWS_URLS[] =
    URL_COLUMNS "WHERE a.published_at > ?2 AND " GZ_SQLITE_PUBLISHED_A
                " ORDER BY a.published_at DESC, a.id DESC LIMIT ?3";

/* The statement for sql, or GZ_EIO (gz_sqlite_stmt logged why). */
static int stmt(struct sqlite_store *s, const char *sql, sqlite3_stmt **out)
{
    *out = gz_sqlite_stmt(s, sql);
    return *out ? GZ_OK : GZ_EIO;
}

/* ---- feeds ---- */

static void fill_feed_article(sqlite3_stmt *st, struct gz_article *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->slug = gz_sqlite_column_dup(st, 1);
    a->title = gz_sqlite_column_dup(st, 2);
    a->summary = gz_sqlite_column_dup(st, 3);
    a->body_html = gz_sqlite_column_dup(st, 4);
    a->teaser = gz_sqlite_column_dup(st, 5);
    a->lang = gz_sqlite_column_dup(st, 6);
    a->status = GZ_STATUS_PUBLISHED;
    a->published_at = sqlite3_column_int64(st, 7);
    a->updated_at = sqlite3_column_int64(st, 8);
    a->created_at = sqlite3_column_int64(st, 9);
    a->author_id = sqlite3_column_int64(st, 10);
    a->author_name = gz_sqlite_column_dup(st, 11);
}

/* The article's tags (names and slugs) in their order. */
static int feed_tags(struct sqlite_store *s, struct gz_article *a)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAGS];
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, a->id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->ntags == cap) {
            cap = cap ? cap * 2 : 4;
            a->tags = gz_xrealloc(a->tags, cap * sizeof *a->tags);
            a->tag_slugs = gz_xrealloc(a->tag_slugs, cap * sizeof *a->tag_slugs);
        }
        a->tags[a->ntags] = gz_sqlite_column_dup(st, 0);
        a->tag_slugs[a->ntags++] = gz_sqlite_column_dup(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading a feed article's tags");
    done(st);
    return rc;
}

static int bind_feed(struct sqlite_store *s, const struct gz_feed_filter *f,
                     sqlite3_stmt **out)
{
    const char *sql = f->tag_id > 0 ? SQL_FEED_TAG
                      : f->lang     ? SQL_FEED_LANG
                                    : SQL_FEED_ALL;
    sqlite3_stmt *st;
    int rc = stmt(s, sql, &st);
    if (rc)
        return rc;
    rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, f->now, &rc);
    gz_sqlite_bind_i64(st, 2, gz_store_clamp_size(f->limit), &rc);
    if (f->tag_id > 0)
        gz_sqlite_bind_i64(st, 3, f->tag_id, &rc);
    else if (f->lang)
        gz_sqlite_bind_text(st, 3, f->lang, &rc);
    *out = st;
    return gz_sqlite_bound(s, st, rc, "binding a feed query");
}

/* The rows first, then each one's tags: the tag statement must not run
 * while the feed statement is still stepping the same snapshot's rows. */
static int feed_rows(struct sqlite_store *s, sqlite3_stmt *st,
                     struct gz_article_list *out)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        fill_feed_article(st, &out->items[out->len++]);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading a feed");
    done(st);
    for (size_t i = 0; rc == GZ_OK && i < out->len; i++)
        rc = feed_tags(s, &out->items[i]);
    return rc;
}

int gz_sqlite_feed_articles(struct gz_store *gs, const struct gz_feed_filter *f,
                            struct gz_article_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st;
    int started;
    memset(out, 0, sizeof *out);
    if (!f)
        return GZ_EINVAL;
    int rc = bind_feed(s, f, &st);
    if (rc)
        return rc;
    if ((rc = gz_sqlite_read_begin(s, &started))) {
        done(st);
        return rc;
    }
    rc = feed_rows(s, st, out);
    gz_sqlite_read_end(s, started);
    if (rc)
        gz_article_list_clear(out);
    return rc;
}

/* ---- sitemaps ---- */

int gz_sqlite_sitemap_chunks(struct gz_store *gs, int64_t now, int64_t chunk,
                             struct gz_sitemap_chunks *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    if (chunk < 1)
        return GZ_EINVAL;
    int rc = stmt(s, SQL_CHUNKS, &st);
    if (rc)
        return rc;
    rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    gz_sqlite_bind_i64(st, 2, chunk, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a sitemap query")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_sitemap_chunk *c = &out->items[out->len++];
        c->number = sqlite3_column_int64(st, 0);
        c->count = sqlite3_column_int64(st, 1);
        c->lastmod = sqlite3_column_int64(st, 2);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading sitemap files");
    done(st);
    if (rc)
        gz_sitemap_chunks_clear(out);
    return rc;
}

/* Appends every row of a bound URL query (URL_COLUMNS order) to out. */
static int collect_urls(struct sqlite_store *s, sqlite3_stmt *st,
                        struct gz_sitemap_urls *out)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 64;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_sitemap_url *u = &out->items[out->len++];
        u->id = sqlite3_column_int64(st, 0);
        u->slug = gz_sqlite_column_dup(st, 1);
        u->title = gz_sqlite_column_dup(st, 2);
        u->lang = gz_sqlite_column_dup(st, 3);
        u->published_at = sqlite3_column_int64(st, 4);
        u->lastmod = sqlite3_column_int64(st, 5);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading sitemap URLs");
    done(st);
    if (rc)
        gz_sitemap_urls_clear(out);
    return rc;
}

/* Prepares sql and binds now and two more integers (?2, ?3; b < 0: none). */
static int url_query(struct sqlite_store *s, const char *sql, int64_t now, int64_t a,
                     int64_t b, struct gz_sitemap_urls *out)
{
    sqlite3_stmt *st;
    memset(out, 0, sizeof *out);
    int rc = stmt(s, sql, &st);
    if (rc)
        return rc;
    rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    gz_sqlite_bind_i64(st, 2, a, &rc);
    if (b >= 0)
        gz_sqlite_bind_i64(st, 3, b, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a sitemap query")))
        return rc;
    return collect_urls(s, st, out);
}

int gz_sqlite_sitemap_articles(struct gz_store *gs, int64_t now, int64_t first_id,
                               int64_t last_id, struct gz_sitemap_urls *out)
{
    return url_query(from(gs), SQL_CHUNK_URLS, now, first_id, last_id < 0 ? 0 : last_id,
                     out);
}

int gz_sqlite_sitemap_tags(struct gz_store *gs, int64_t now, size_t limit,
                           struct gz_sitemap_urls *out)
{
    return url_query(from(gs), SQL_TAG_URLS, now, gz_store_clamp_size(limit), -1, out);
}

int gz_sqlite_news_articles(struct gz_store *gs, int64_t since, int64_t now, size_t limit,
                            struct gz_sitemap_urls *out)
{
    return url_query(from(gs), SQL_NEWS_URLS, now, since, gz_store_clamp_size(limit),
                     out);
}
