/* The store: the only module that talks SQL.
 *
 * One interface, two backends (SQLite, PostgreSQL via libpq): a
 * struct gz_store holds a table of function pointers and the backend's own
 * state. Every call is synchronous. A gz_store handle is used by one thread
 * at a time; each thread that needs the store opens its own handle (SQLite
 * in WAL mode lets readers run beside the one writer).
 *
 * Strings handed out in result structs are heap-allocated and owned by the
 * struct; release them with gz_article_clear(), gz_teaser_list_clear(),
 * gz_tag_clear() or gz_tag_list_clear().
 * Times are Unix seconds (UTC). */
#ifndef GZ_STORE_H
#define GZ_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* A scheduled article is PUBLISHED with a published_at in the future: it
 * goes live by itself when that time comes, with no job to run (every read
 * of published articles compares published_at with now). */
enum gz_status {
    GZ_STATUS_DRAFT = 0,
    GZ_STATUS_PUBLISHED = 1,
    GZ_STATUS_SCHEDULED = 2, /* not written by gazette; kept off the site */
    GZ_STATUS_UNPUBLISHED = 3,
};

struct gz_article {
    int64_t id;           /* 0 for a new article */
    char *slug;           /* unique, UTF-8 */
    char *title;
    char *summary;        /* may be "" */
    char *body_src;       /* Markdown (or imported HTML) as written */
    char *body_html;      /* rendered, sanitized HTML */
    char *teaser;         /* plain text: summary, or cut body with "..." */
    char *lang;           /* BCP 47 tag, e.g. "en", "fa" */
    enum gz_status status;
    int64_t published_at; /* 0 when never published */
    int64_t updated_at;
    int64_t author_id;    /* 0 when none */
    char *author_name;    /* filled by reads; ignored by writes */
    char **tags;          /* tag names; filled by reads and used by writes */
    char **tag_slugs;     /* the tags' slugs, same order; filled by reads only */
    size_t ntags;
    char *image;          /* featured image URL, may be "" or NULL */
    int64_t deleted_at;   /* in the trash since (0: not); set by article_trash */
    int64_t created_at;   /* filled by reads */
    int64_t saved_by;     /* writes: the user whose save this is (revision) */
    int body_format;      /* GZ_FORMAT_MARKDOWN or GZ_FORMAT_HTML (imported) */
};

/* How an article's body_src is written (migration 0005). */
enum { GZ_FORMAT_MARKDOWN = 0, GZ_FORMAT_HTML = 1 };

/* An old address that answers 301 (migration 0005). */
struct gz_redirect {
    char *path;   /* "/2019/05/03/old-slug/" or "/?p=12" (path and query) */
    char *target; /* a path of this site */
};

struct gz_redirect_list {
    struct gz_redirect *items;
    size_t len;
};

/* ---- the newsroom (migration 0002) ---- */

enum gz_role {
    GZ_ROLE_CONTRIBUTOR = 0, /* own drafts; cannot publish */
    GZ_ROLE_AUTHOR = 1,      /* own articles; can publish them */
    GZ_ROLE_EDITOR = 2,      /* every article, tags, media */
    GZ_ROLE_ADMIN = 3,       /* everything: users, settings */
};

/* A user is an author row: the byline and the account are one. */
struct gz_user {
    int64_t id;
    char *name;         /* login name, unique; also the byline when display_name is "" */
    char *display_name; /* may be "" */
    char *email;        /* may be "" */
    enum gz_role role;
    char *pass_hash;    /* argon2id string; "" means the user cannot log in */
    int disabled;
    int64_t created_at;
};

struct gz_user_list {
    struct gz_user *items;
    size_t len;
};

/* A session or API token row. Secrets are stored as their SHA-256 only. */
struct gz_session {
    int64_t user_id;
    char *csrf; /* the session's CSRF token (random, hex) */
    int64_t created_at, expires_at;
};

struct gz_api_token {
    int64_t id;
    int64_t user_id;
    char *name;
    int64_t created_at, last_used;
};

struct gz_api_token_list {
    struct gz_api_token *items;
    size_t len;
};

/* What the article list of the admin and the API asks for. Zero/NULL
 * fields do not filter. */
struct gz_article_filter {
    int status;          /* -1: any; else an enum gz_status. SCHEDULED means
                            published with published_at > now */
    int64_t author_id;   /* 0: any */
    const char *tag;     /* tag slug, or NULL */
    const char *lang;    /* or NULL */
    const char *q;       /* substring of the title or slug, or NULL */
    int trash;           /* 0: not deleted; 1: only the trash */
    int64_t now;
    /* Order: updated_at DESC, id DESC. Keyset pagination: rows strictly
     * after (before_updated, before_id) when before_id > 0; else skip
     * offset rows. */
    int64_t before_updated, before_id;
    size_t offset, limit;
};

/* A row of the admin list: no body. */
struct gz_article_row {
    int64_t id;
    char *slug, *title, *lang, *author_name;
    enum gz_status status;
    int64_t published_at, updated_at, deleted_at, author_id;
    char **tags; /* names */
    size_t ntags;
};

struct gz_article_rows {
    struct gz_article_row *items;
    size_t len;
};

struct gz_revision {
    int64_t id, article_id, user_id, created_at;
    char *user_name; /* filled by reads ("" when the user is gone) */
    char *title, *slug, *summary, *body_src, *lang, *image;
    enum gz_status status;
    int64_t published_at;
    char *tags; /* names joined by '\n' */
};

struct gz_revision_list {
    struct gz_revision *items; /* newest first; list reads leave body_src NULL */
    size_t len;
};

struct gz_media {
    int64_t id;
    char *sha256; /* hex */
    char *mime;   /* image/jpeg, image/png, image/webp, image/gif */
    char *ext;    /* jpg, png, webp, gif */
    int64_t size, width, height;
    char *name;   /* the uploaded file name, for people */
    int64_t user_id, created_at;
};

struct gz_media_list {
    struct gz_media *items;
    size_t len;
};

/* A tag, which the site shows as a section. */
struct gz_tag {
    int64_t id;
    char *name;
    char *slug;
    int64_t count; /* published articles with the tag (tags_top only) */
};

struct gz_tag_list {
    struct gz_tag *items;
    size_t len;
};

/* A lightweight row for lists and blocks: no body. */
struct gz_teaser {
    int64_t id;
    char *slug;
    char *title;
    char *teaser;
    char *lang;
    int64_t published_at;
};

struct gz_teaser_list {
    struct gz_teaser *items;
    size_t len;
};

/* One per (article, UTC day) or (article, UTC hour): views added since the
 * last flush. */
struct gz_view_delta {
    int64_t article_id;
    int64_t day;   /* Unix day number: seconds / 86400 */
    int64_t hour;  /* Unix hour number: seconds / 3600 */
    int64_t count;
};

/* Callback for gz_store_views_load: one row of per-hour or per-day counts.
 * bucket is a day number when is_day, an hour number otherwise. */
typedef void (*gz_views_row_cb)(void *ctx, int64_t article_id, int is_day,
                                int64_t bucket, int64_t count);

/* ---- readership (issue 9): unique readers and referrers ----
 * Sketch bytes are src/views/hll.h's serialized form. */

enum gz_readers_kind {
    GZ_READERS_HOUR = 1, /* period: Unix hour (seconds / 3600) */
    GZ_READERS_DAY = 2,  /* period: Unix day (seconds / 86400) */
    GZ_READERS_ALL = 3,  /* period: 0 */
};

/* Readers seen since the last flush, to be merged (HLL union) into one
 * stored sketch. */
struct gz_readers_delta {
    int64_t article_id; /* 0: the whole site */
    enum gz_readers_kind kind;
    int64_t period;
    const uint8_t *hll;
    size_t len;
};

/* Counted views from one referring domain ("" for none) since the last
 * flush. */
struct gz_referrer_delta {
    int64_t article_id;
    int64_t day;
    const char *domain;
    int64_t count;
};

/* Called by readers_each: the union estimate of one article's sketches. */
typedef void (*gz_readers_cb)(void *ctx, int64_t article_id, uint64_t readers);

/* One day of the dashboard: counted views (views_daily) and unique readers
 * (the day's sketch). */
struct gz_stat_day {
    int64_t day;
    int64_t views;
    int64_t readers;
};

struct gz_stat_days {
    struct gz_stat_day *items;
    size_t len;
};

struct gz_stat_article {
    int64_t id;
    char *title;
    char *slug;
    int64_t views;
    int64_t readers;
};

struct gz_stat_articles {
    struct gz_stat_article *items;
    size_t len;
};

struct gz_stat_referrer {
    char *domain; /* "" for none */
    int64_t count;
};

struct gz_stat_referrers {
    struct gz_stat_referrer *items;
    size_t len;
};

/* ---- feeds and sitemaps (src/site/feeds.c, src/site/sitemap.c) ---- */

/* Which published articles a feed lists: the newest `limit` of the site,
 * of one tag (tag_id > 0) or of one language (lang, compared without
 * regard to case). */
struct gz_feed_filter {
    int64_t tag_id; /* 0: any tag */
    const char *lang; /* NULL: any language */
    int64_t now;
    size_t limit;
};

struct gz_article_list {
    struct gz_article *items; /* filled like article_get, plus created_at */
    size_t len;
};

/* One URL of a sitemap: an article, or a tag (section page). */
struct gz_sitemap_url {
    int64_t id;           /* the article's, or the tag's */
    char *slug;           /* the article's, or the tag's */
    char *title;          /* the article's title, or the tag's name */
    char *lang;           /* the article's language ("" for a tag) */
    int64_t published_at; /* 0 for a tag */
    int64_t lastmod;      /* the later of updated_at and published_at; for a
                             tag, the latest of its published articles' */
};

struct gz_sitemap_urls {
    struct gz_sitemap_url *items;
    size_t len;
};

/* One sitemap file of articles: number n holds the published articles
 * with ids from (n - 1) * chunk + 1 to n * chunk, so an article keeps its
 * file for good and a file never has more than chunk URLs. */
struct gz_sitemap_chunk {
    int64_t number;
    int64_t count;   /* published articles in it */
    int64_t lastmod; /* the latest lastmod of those */
};

struct gz_sitemap_chunks {
    struct gz_sitemap_chunk *items;
    size_t len;
};

/* ---- languages and archives (src/site/lang.c, archive.c) ---- */

/* A month (UTC) with published articles. */
struct gz_month {
    int year, month; /* month 1..12 */
    int64_t count;
};

struct gz_month_list {
    struct gz_month *items;
    size_t len;
};

/* A language with published articles: its tag in lower case. */
struct gz_lang_count {
    char *lang;
    int64_t count;
};

struct gz_lang_list {
    struct gz_lang_count *items;
    size_t len;
};

/* ---- search, tag aliases and descriptions (src/store/sqlite_search.c) ---- */

/* One search result. */
struct gz_search_hit {
    int64_t id;
    char *slug, *title, *teaser, *lang;
    int64_t published_at;
    /* Text, never HTML: the title, and an excerpt of the body (or of the
     * summary) where words matched, with 0x01 before and 0x02 after each
     * matched word (GZ_SEARCH_MARK_OPEN/CLOSE, content/search.h). Escape
     * the text, then turn the markers into <mark></mark>. snippet is ""
     * when only the title or the tags matched. */
    char *title_marked;
    char *snippet;
};

/* A search scores the newest GZ_SEARCH_CANDIDATES articles that match (by
 * article id, which grows as articles are added) and ranks those: the
 * cost of a query is bounded however many articles hold its words. */
#define GZ_SEARCH_CANDIDATES 1000

struct gz_search_hits {
    struct gz_search_hit *items;
    size_t len;
    int64_t total; /* every result, not only this page's */
    int more;      /* older matches than the candidates were left out */
};

/* Another name of a tag ("AI" for "Artificial intelligence"). */
struct gz_tag_alias {
    int64_t id, tag_id;
    char *alias; /* as typed */
    char *slug;  /* /tag/SLUG redirects to the tag's page */
};

struct gz_tag_alias_list {
    struct gz_tag_alias *items;
    size_t len;
};

/* Longest alias and tag description, in bytes. */
#define GZ_TAG_ALIAS_MAX 100
#define GZ_TAG_DESCRIPTION_MAX 2000

/* ---- whole-site export and import (src/store/sqlite_json.c) ---- */

/* One value of a row of the site (dump, load_row): a column's name and
 * its value, pointing into the store's or the caller's memory. */
enum gz_field_type { GZ_FIELD_NULL, GZ_FIELD_INT, GZ_FIELD_TEXT };
struct gz_field {
    const char *name;
    enum gz_field_type type;
    int64_t i;        /* GZ_FIELD_INT */
    const char *text; /* GZ_FIELD_TEXT: UTF-8, len bytes */
    size_t len;
};

/* Called by dump for each row; kind names its table ("article", ...). A
 * non-zero return stops the dump and is returned by it. */
typedef int (*gz_dump_cb)(void *ctx, const char *kind, const struct gz_field *f, size_t n);

struct gz_store;

struct gz_store_ops {
    void (*close)(struct gz_store *s);
    /* A caller's transaction; begin inside one opens a savepoint. An
     * operation that fails inside it: SQLite undoes that operation alone;
     * PostgreSQL fails the whole transaction, and commit then returns
     * GZ_EIO with nothing written. Operations that save several rows take
     * their own savepoint, so their failure is theirs alone on both. */
    int (*begin)(struct gz_store *s);
    int (*commit)(struct gz_store *s);
    int (*rollback)(struct gz_store *s);
    /* Bulk loads (imports): a page cache of bulk_mb MiB for this handle, so
     * one large transaction is not spilled to disk page by page; 0 puts the
     * default back. */
    int (*bulk)(struct gz_store *s, int bulk_mb);

    /* Inserts (id == 0) or updates an article, its tags and the change
     * sequence. The slug is made unique if taken (suffix -2, -3, ...);
     * the final slug is written back into a->slug. Sets a->id. */
    int (*article_save)(struct gz_store *s, struct gz_article *a);
    int (*article_get)(struct gz_store *s, int64_t id, struct gz_article *out);
    int (*article_get_by_slug)(struct gz_store *s, const char *slug,
                               struct gz_article *out);
    /* Published articles (status published, published_at <= now), newest
     * first, skipping offset. */
    int (*article_latest)(struct gz_store *s, int64_t now, size_t offset,
                          size_t limit, struct gz_teaser_list *out);
    int (*article_count_published)(struct gz_store *s, int64_t now, int64_t *out);
    /* Teasers for the given ids, in the order given; unknown or unpublished
     * ids are left out. */
    int (*article_teasers)(struct gz_store *s, const int64_t *ids, size_t n,
                           int64_t now, struct gz_teaser_list *out);
    /* Articles changed after change sequence `since`: their ids; *seq gets
     * the current sequence. Used to invalidate caches. */
    int (*changes_since)(struct gz_store *s, int64_t since, int64_t **ids,
                         size_t *n, int64_t *seq);
    /* When the next scheduled article goes live: the earliest published_at
     * after now of a published, not deleted article; 0 when none. The
     * flusher wakes then, so it shows at its time, not at the next flush. */
    int (*article_next_scheduled)(struct gz_store *s, int64_t now, int64_t *out);
    /* The highest article id (0 when none). */
    int (*article_max_id)(struct gz_store *s, int64_t *out);
    /* Claims the scheduled articles whose time has come: published, not
     * deleted, saved before their published_at (updated_at < published_at),
     * with now - 3600 < published_at <= now, and not claimed before for that
     * published_at (table scheduled_live). Each is claimed once for the
     * whole site, however many servers ask at the same moment; its change
     * sequence is bumped, so every server drops its pages. The claimed ids
     * (heap; *n may be 0) are the caller's to announce. An article more than
     * an hour late (the site was down) is live without being announced. */
    int (*article_go_live)(struct gz_store *s, int64_t now, int64_t **ids, size_t *n);

    /* Tags with the most published articles first (ties by name). */
    int (*tags_top)(struct gz_store *s, int64_t now, size_t limit, struct gz_tag_list *out);
    /* The tag with this slug; GZ_ENOTFOUND when none. */
    int (*tag_get_by_slug)(struct gz_store *s, const char *slug, struct gz_tag *out);
    /* Published articles with the tag, newest first, skipping offset; *total
     * counts all of them. */
    int (*tag_articles)(struct gz_store *s, int64_t tag_id, int64_t now, size_t offset,
                        size_t limit, struct gz_teaser_list *out, int64_t *total);

    /* Finds the author by name or creates one; sets *id. */
    int (*author_ensure)(struct gz_store *s, const char *name, int64_t *id);

    /* Adds view deltas in one transaction: per row, one upsert of the daily
     * count and one of the hourly count (count = count + delta). Hourly rows
     * older than keep_hours before now are pruned. */
    int (*views_add)(struct gz_store *s, const struct gz_view_delta *d, size_t n,
                     int64_t prune_before_hour);
    /* Calls cb for every daily row (is_day=1) and every hourly row at or
     * after since_hour (is_day=0). */
    int (*views_load)(struct gz_store *s, int64_t since_hour, gz_views_row_cb cb,
                      void *ctx);
    /* Sum of all daily counts, for one article (id > 0) or all (id == 0). */
    int (*views_total)(struct gz_store *s, int64_t article_id, int64_t *out);
    /* For a store several servers share (NULL on SQLite, which one server
     * owns): the hourly rows of hours >= min_hour that any server added to
     * since the database's clock read since_ms, with their whole counts
     * (cb with is_day 0); the database's clock now, in milliseconds, into
     * *db_now_ms. A server that sets its own hourly buckets to these counts
     * after its own flush has every server's views. */
    int (*views_recent)(struct gz_store *s, int64_t since_ms, int64_t min_hour,
                        gz_views_row_cb cb, void *ctx, int64_t *db_now_ms);
    /* For a store several servers share (NULL on SQLite): waits up to
     * timeout_ms for another server's change, on a handle kept for it.
     * *what gets GZ_STORE_CHANGED_CONTENT (the change sequence moved) and/or
     * GZ_STORE_CHANGED_SETTINGS, 0 on a timeout. GZ_EIO when the database
     * cannot be reached (the handle reconnects on the next call). */
    int (*wait_change)(struct gz_store *s, int timeout_ms, int *what);

    /* Settings: small key/value strings. get returns GZ_ENOTFOUND when unset;
     * *value is heap-allocated. */
    int (*setting_get)(struct gz_store *s, const char *key, char **value);
    int (*setting_set)(struct gz_store *s, const char *key, const char *value);

    /* ---- users (authors that log in) ---- */
    /* Inserts (id == 0) or updates a user, pass_hash included (NULL keeps
     * the stored one on update). A taken name is GZ_EEXIST. Sets u->id. */
    int (*user_save)(struct gz_store *s, struct gz_user *u);
    int (*user_get)(struct gz_store *s, int64_t id, struct gz_user *out);
    int (*user_get_by_name)(struct gz_store *s, const char *name, struct gz_user *out);
    int (*user_list)(struct gz_store *s, struct gz_user_list *out);
    /* Enabled admins with a password. */
    int (*user_count_admins)(struct gz_store *s, int64_t *out);

    /* ---- sessions and tokens; hash is 32 bytes (SHA-256 of the secret) ---- */
    int (*session_create)(struct gz_store *s, const uint8_t hash[32], int64_t user_id,
                          const char *csrf, int64_t now, int64_t expires_at);
    /* GZ_ENOTFOUND when missing or expired at now. */
    int (*session_get)(struct gz_store *s, const uint8_t hash[32], int64_t now,
                       struct gz_session *out);
    int (*session_delete)(struct gz_store *s, const uint8_t hash[32]);
    /* Every session of the user (password change, disabling). */
    int (*session_delete_user)(struct gz_store *s, int64_t user_id);
    int (*session_purge)(struct gz_store *s, int64_t now);
    int (*token_create)(struct gz_store *s, const uint8_t hash[32], int64_t user_id,
                        const char *name, int64_t now, int64_t *id);
    /* The token's owner; GZ_ENOTFOUND when unknown. Records last_used. */
    int (*token_get)(struct gz_store *s, const uint8_t hash[32], int64_t now,
                     struct gz_api_token *out);
    /* user_id 0: every token. */
    int (*token_list)(struct gz_store *s, int64_t user_id, struct gz_api_token_list *out);
    /* Deletes token id when it belongs to user_id (0: anyone's). */
    int (*token_delete)(struct gz_store *s, int64_t id, int64_t user_id);

    /* ---- login throttling ----
     * The state of a key ("u:name", "a:address"): failures in a row and the
     * time before which a try is refused; {0, 0} when none. */
    int (*throttle_get)(struct gz_store *s, const char *key, int64_t *failures,
                        int64_t *until);
    int (*throttle_set)(struct gz_store *s, const char *key, int64_t failures,
                        int64_t until);
    int (*throttle_clear)(struct gz_store *s, const char *key);

    /* ---- the admin's article list, trash, revisions ---- */
    int (*article_list)(struct gz_store *s, const struct gz_article_filter *f,
                        struct gz_article_rows *out, int64_t *total);
    /* Moves to the trash (deleted_at = now) or back (now == 0); bumps the
     * change sequence. */
    int (*article_trash)(struct gz_store *s, int64_t id, int64_t now);
    /* Deletes for good: one article (id > 0) or the whole trash (id 0). */
    int (*article_purge)(struct gz_store *s, int64_t id);
    int (*revision_list)(struct gz_store *s, int64_t article_id,
                         struct gz_revision_list *out);
    int (*revision_get)(struct gz_store *s, int64_t id, struct gz_revision *out);
    /* All tags by name, those starting with prefix (NULL: all), at most limit. */
    int (*tag_list)(struct gz_store *s, const char *prefix, size_t limit,
                    struct gz_tag_list *out);

    /* ---- media ---- */
    /* Inserts; when the sha256 is already there, fills m from that row and
     * returns GZ_EEXIST. */
    int (*media_add)(struct gz_store *s, struct gz_media *m);
    int (*media_get)(struct gz_store *s, int64_t id, struct gz_media *out);
    int (*media_list)(struct gz_store *s, size_t offset, size_t limit,
                      struct gz_media_list *out, int64_t *total);
    int (*media_delete)(struct gz_store *s, int64_t id);

    /* ---- imports (migration 0005; src/store/sqlite_import.c) ---- */
    /* Adds or replaces the redirect of path. */
    int (*redirect_set)(struct gz_store *s, const char *path, const char *target,
                        int64_t now);
    /* *target (heap) for path; GZ_ENOTFOUND when none. */
    int (*redirect_get)(struct gz_store *s, const char *path, char **target);
    /* By path, skipping offset; *total counts them all (may be NULL). */
    int (*redirect_list)(struct gz_store *s, size_t offset, size_t limit,
                         struct gz_redirect_list *out, int64_t *total);
    int (*redirect_delete)(struct gz_store *s, const char *path);
    /* What (source, key) was imported as: its kind ("article", "tag",
     * "user", "media") into kind (heap, may be NULL) and its row id;
     * GZ_ENOTFOUND when it was not imported before. */
    int (*import_key_get)(struct gz_store *s, const char *source, const char *key,
                          char **kind, int64_t *local_id);
    int (*import_key_set)(struct gz_store *s, const char *source, const char *key,
                          const char *kind, int64_t local_id);
    /* Sets (or clears, parent_id 0) a tag's parent. */
    int (*tag_set_parent)(struct gz_store *s, int64_t tag_id, int64_t parent_id);
    /* The tag named name, created with slug (or slug-2, -3, ... when the
     * slug is taken) when there is none; its id into *id and its slug into
     * *final (heap; final may be NULL). */
    int (*tag_import)(struct gz_store *s, const char *name, const char *slug,
                      int64_t *id, char **final);

    /* ---- feeds and sitemaps; every read is of published articles ---- */
    /* Newest first (published_at, then id), with body, author and tags. */
    int (*feed_articles)(struct gz_store *s, const struct gz_feed_filter *f,
                         struct gz_article_list *out);
    /* The article sitemap files that have at least one URL, by number. */
    int (*sitemap_chunks)(struct gz_store *s, int64_t now, int64_t chunk,
                          struct gz_sitemap_chunks *out);
    /* Articles with first_id <= id <= last_id, by id. */
    int (*sitemap_articles)(struct gz_store *s, int64_t now, int64_t first_id,
                            int64_t last_id, struct gz_sitemap_urls *out);
    /* Tags with a published article, by slug, at most limit. */
    int (*sitemap_tags)(struct gz_store *s, int64_t now, size_t limit,
                        struct gz_sitemap_urls *out);
    /* Articles published after `since` (and by now), newest first. */
    int (*news_articles)(struct gz_store *s, int64_t since, int64_t now, size_t limit,
                         struct gz_sitemap_urls *out);

    /* ---- translations, languages, authors, archives (sqlite_i18n.c) ----
     * Lists are of published articles, newest first (published_at, then
     * id), skipping offset; *total counts all of them. */
    /* Puts article id into the translation group of article of_id (the
     * same story in other languages), creating the group, and leaving the
     * group id was in. GZ_ENOTFOUND when either article is missing;
     * GZ_EINVAL when id == of_id; GZ_EEXIST when the group already holds
     * another article in id's language. Bumps the change sequence of every
     * article concerned, so their pages are rendered again. */
    int (*translation_link)(struct gz_store *s, int64_t id, int64_t of_id);
    /* Takes article id out of its group (GZ_OK when it is in none); a group
     * left with one article is dissolved. GZ_ENOTFOUND when id is missing. */
    int (*translation_unlink)(struct gz_store *s, int64_t id);
    /* The published translations of article id, itself left out, by
     * language tag. Empty when it has none. */
    int (*translations)(struct gz_store *s, int64_t id, int64_t now,
                        struct gz_teaser_list *out);
    int (*author_articles)(struct gz_store *s, int64_t author_id, int64_t now,
                           size_t offset, size_t limit, struct gz_teaser_list *out,
                           int64_t *total);
    /* Articles with start <= published_at < end. */
    int (*archive_articles)(struct gz_store *s, int64_t start, int64_t end, int64_t now,
                            size_t offset, size_t limit, struct gz_teaser_list *out,
                            int64_t *total);
    /* The months (UTC) with published articles, newest first. */
    int (*archive_months)(struct gz_store *s, int64_t now, struct gz_month_list *out);
    /* Articles whose language tag is lang, compared without regard to case. */
    int (*lang_articles)(struct gz_store *s, const char *lang, int64_t now, size_t offset,
                         size_t limit, struct gz_teaser_list *out, int64_t *total);
    /* The languages with published articles, most articles first, ties by
     * tag. */
    int (*lang_counts)(struct gz_store *s, int64_t now, struct gz_lang_list *out);

    /* ---- search, tag aliases and descriptions (sqlite_search.c) ---- */
    /* Published articles (by now, not in the trash) of language lang (NULL:
     * any) matching what a reader typed, read as content/search.h says:
     * words, "phrases", prefix*; a word that is a tag's alias also matches
     * the tag's name. Of the newest GZ_SEARCH_CANDIDATES matches, best
     * first (bm25; a word weighs most in the title, then the tags, the
     * summary, the body), then newest; skips offset, at most limit.
     * out->total counts the results, out->more says older matches were
     * left out. A query with nothing to search in it finds nothing.
     * GZ_ETOOBIG for a query longer than GZ_SEARCH_QUERY_MAX bytes. */
    int (*search)(struct gz_store *s, const char *query, const char *lang, int64_t now,
                  size_t offset, size_t limit, struct gz_search_hits *out);
    /* Adds an alias to tag tag_id. GZ_EINVAL when it is not UTF-8, longer
     * than GZ_TAG_ALIAS_MAX bytes or has no word in it; GZ_EEXIST when it
     * is already an alias (compared normalized), or is a tag's name or
     * slug; GZ_ENOTFOUND when there is no such tag. */
    int (*tag_alias_add)(struct gz_store *s, int64_t tag_id, const char *alias);
    /* Removes an alias (compared normalized); GZ_ENOTFOUND when none. */
    int (*tag_alias_delete)(struct gz_store *s, const char *alias);
    /* The aliases of tag tag_id, or of every tag (0), by tag then alias. */
    int (*tag_alias_list)(struct gz_store *s, int64_t tag_id,
                          struct gz_tag_alias_list *out);
    /* The tag an alias names: by the alias's slug (a /tag/ALIAS URL), else
     * by the alias itself, compared normalized. GZ_ENOTFOUND when none. */
    int (*tag_alias_resolve)(struct gz_store *s, const char *alias, struct gz_tag *out);
    /* A tag's description, plain text ("" when none), heap-allocated.
     * GZ_ENOTFOUND when there is no such tag. */
    int (*tag_description_get)(struct gz_store *s, int64_t tag_id, char **out);
    /* Sets it (NULL or "" clears it) and marks the tag's pages changed.
     * GZ_EINVAL when longer than GZ_TAG_DESCRIPTION_MAX bytes or not UTF-8;
     * GZ_ENOTFOUND when there is no such tag. */
    int (*tag_description_set)(struct gz_store *s, int64_t tag_id, const char *text);

    /* ---- readership (issue 9; sqlite_readers.c, sqlite_stats.c) ---- */
    /* In one transaction: merges each delta into its stored sketch (a
     * missing row is created), adds each referrer count (count = count +
     * delta), deletes hourly sketches of hours before prune_before_hour
     * and, when prune_referrers_before_day > 0, referrer rows of days
     * before it. GZ_EINVAL (nothing written) for bytes that are not a
     * sketch. */
    int (*readers_merge)(struct gz_store *s, const struct gz_readers_delta *d, size_t n,
                         const struct gz_referrer_delta *r, size_t nr,
                         int64_t prune_before_hour, int64_t prune_referrers_before_day);
    /* Unique readers of one article (0: the site) over the periods from..to
     * (inclusive) of kind: the estimate of the union of those sketches; 0
     * when there are none. */
    int (*readers_count)(struct gz_store *s, int64_t article_id, enum gz_readers_kind kind,
                         int64_t from, int64_t to, uint64_t *out);
    /* Calls cb for every article (id > 0) with sketches of kind in
     * from..to, with the estimate of their union, by id. */
    int (*readers_each)(struct gz_store *s, enum gz_readers_kind kind, int64_t from,
                        int64_t to, gz_readers_cb cb, void *ctx);
    /* The dashboard's days from_day..to_day (inclusive), one item per day,
     * oldest first, zeros where nothing was counted: views from
     * views_daily and readers from the day sketches, of one article or of
     * the site (0; views are then the sum over all articles). */
    int (*stats_days)(struct gz_store *s, int64_t article_id, int64_t from_day,
                      int64_t to_day, struct gz_stat_days *out);
    /* The `limit` articles with the most views over from..to of kind (HOUR:
     * views_hourly and hour sketches; DAY: views_daily and day sketches;
     * ALL: every daily row and the all-time sketch, from and to ignored),
     * best first, equal views newer id first; deleted articles included
     * with their title. readers is the union over the same periods. */
    int (*stats_top)(struct gz_store *s, enum gz_readers_kind kind, int64_t from, int64_t to,
                     size_t limit, struct gz_stat_articles *out);
    /* Referring domains of one article (0: all articles) over from_day..
     * to_day, most views first (equal counts by domain), at most limit. */
    int (*stats_referrers)(struct gz_store *s, int64_t article_id, int64_t from_day,
                           int64_t to_day, size_t limit, struct gz_stat_referrers *out);

    /* ---- whole-site export and import, backup (sqlite_json.c, sqlite_backup.c) ---- */
    /* Calls cb for every row of the site, in one snapshot, kind by kind:
     * sequence, setting, user, tag, tag_alias, media, article, article_tag, revision,
     * translation, redirect, import_key, views_daily, views_hourly (what a
     * row refers to comes first); within a kind by id or key. Every column
     * of the row, pass_hash included. Sessions, API tokens, throttling and
     * the search index are not rows of the site. */
    int (*dump)(struct gz_store *s, gz_dump_cb cb, void *ctx);
    /* *empty = 1 when the site has no article, user, tag, media or
     * redirect (settings do not count). */
    int (*dump_is_empty)(struct gz_store *s, int *empty);
    /* Starts the transaction of an import of rows (load_row), ended by
     * load_finish or rollback. */
    int (*load_begin)(struct gz_store *s);
    /* Inserts one row of a dump's kind, ids and times as given. A column
     * left out takes "" / 0 (NULL where the column may be NULL). GZ_EINVAL
     * for an unknown kind or field or a wrong type, GZ_EEXIST when a unique
     * key is taken; a message in err. */
    int (*load_row)(struct gz_store *s, const char *kind, const struct gz_field *f, size_t n,
                    char *err, size_t errlen);
    /* Checks that every reference found its row, rebuilds the search
     * index and commits; on failure rolls back, with a message in err. */
    int (*load_finish)(struct gz_store *s, char *err, size_t errlen);
    /* Writes a consistent copy of the database to path (created or
     * overwritten) while others keep writing; a message in err on
     * failure. */
    int (*backup)(struct gz_store *s, const char *path, char *err, size_t errlen);
};

enum { GZ_STORE_CHANGED_CONTENT = 1, GZ_STORE_CHANGED_SETTINGS = 2 };

struct gz_store {
    const struct gz_store_ops *ops;
};

/* 1 when url names a PostgreSQL database: a "postgres://" or
 * "postgresql://" URL, or a libpq connection string ("host=... dbname=...",
 * a keyword, '=' and a value first). Anything else is a SQLite file path. */
int gz_store_url_is_pg(const char *url);

/* Opens the store named by `url`: a file path for SQLite ("site.db"), or
 * a PostgreSQL URL or connection string (gz_store_url_is_pg). Applies
 * pending migrations.
 * On failure returns an error code and writes a message into err. */
int gz_store_open(const char *url, struct gz_store **out, char *err, size_t errlen);

/* ---- schema migrations ----
 * The schema version of a database is the number of the last migration
 * applied: SQLite's user_version (src/store/migrations/NNNN_what.sql) or,
 * on PostgreSQL, the row of gazette_schema (migrations_pg/NNNN_what.sql,
 * the same numbers and meanings); both sets are embedded in the binary. gz_store_open applies the pending ones; the
 * functions below let `gazette migrate` show them first (--dry-run) and
 * report each one as it is applied. */

/* The newest schema version this gazette knows (its number of migrations). */
int gz_store_schema_latest(void);

/* The file name of the migration that brings the schema to `version`
 * ("0001_initial.sql"), in static storage; NULL outside 1..latest. */
const char *gz_store_migration_name(int version);

/* Reads the schema version of the existing database at `url` into
 * *version without changing anything: the file is opened read-only, never
 * created, and its journal mode is left alone. The pending migrations are
 * then versions *version + 1 to gz_store_schema_latest(). A database newer
 * than this gazette returns GZ_EINVAL with the same message as
 * gz_store_open; other failures write a message into err. */
int gz_store_schema_version(const char *url, int64_t *version, char *err, size_t errlen);

/* Called by gz_store_migrate after each migration it applied. */
typedef void (*gz_store_migrated_cb)(void *ctx, int version, const char *name);

/* Opens the existing database at `url` (never creating it), applies the
 * pending migrations in order, each in its own transaction, calling
 * migrated(ctx, ...) after each one (migrated may be NULL), and closes it.
 * Same errors as gz_store_open; migrations applied before a failure stay
 * applied. */
int gz_store_migrate(const char *url, gz_store_migrated_cb migrated, void *ctx, char *err,
                     size_t errlen);

/* Convenience wrappers: s->ops->x(s, ...). */
static inline void gz_store_close(struct gz_store *s)
{
    if (s)
        s->ops->close(s);
}

void gz_article_clear(struct gz_article *a);
void gz_teaser_list_clear(struct gz_teaser_list *l);
void gz_tag_clear(struct gz_tag *t);
void gz_tag_list_clear(struct gz_tag_list *l);
void gz_user_clear(struct gz_user *u);
void gz_user_list_clear(struct gz_user_list *l);
void gz_session_clear(struct gz_session *s);
void gz_api_token_clear(struct gz_api_token *t);
void gz_api_token_list_clear(struct gz_api_token_list *l);
void gz_article_rows_clear(struct gz_article_rows *l);
void gz_revision_clear(struct gz_revision *r);
void gz_revision_list_clear(struct gz_revision_list *l);
void gz_media_clear(struct gz_media *m);
void gz_media_list_clear(struct gz_media_list *l);
void gz_redirect_list_clear(struct gz_redirect_list *l);
void gz_month_list_clear(struct gz_month_list *l);
void gz_lang_list_clear(struct gz_lang_list *l);
void gz_article_list_clear(struct gz_article_list *l);
void gz_sitemap_urls_clear(struct gz_sitemap_urls *l);
void gz_sitemap_chunks_clear(struct gz_sitemap_chunks *l);
void gz_search_hits_clear(struct gz_search_hits *l);
void gz_tag_alias_list_clear(struct gz_tag_alias_list *l);
void gz_stat_days_clear(struct gz_stat_days *l);
void gz_stat_articles_clear(struct gz_stat_articles *l);
void gz_stat_referrers_clear(struct gz_stat_referrers *l);

/* Role names: "admin", "editor", "author", "contributor". */
const char *gz_role_name(enum gz_role r);
/* GZ_OK and *out, or GZ_EINVAL for an unknown name. */
int gz_role_parse(const char *name, enum gz_role *out);

#endif
