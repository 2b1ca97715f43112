/* The store: the only module that talks SQL.
 *
 * One interface, two backends (SQLite now, PostgreSQL next): a
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

struct gz_store;

struct gz_store_ops {
    void (*close)(struct gz_store *s);
    int (*begin)(struct gz_store *s);
    int (*commit)(struct gz_store *s);
    int (*rollback)(struct gz_store *s);

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
    /* The highest article id (0 when none). */
    int (*article_max_id)(struct gz_store *s, int64_t *out);

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

    /* Settings: small key/value strings. get returns GZ_ENOTFOUND when unset;
     * *value is heap-allocated. */
    int (*setting_get)(struct gz_store *s, const char *key, char **value);
    int (*setting_set)(struct gz_store *s, const char *key, const char *value);
};

struct gz_store {
    const struct gz_store_ops *ops;
};

/* Opens the store named by `url`: a file path for SQLite ("site.db"),
 * later "postgres://..." for PostgreSQL. Applies pending migrations.
 * On failure returns an error code and writes a message into err. */
int gz_store_open(const char *url, struct gz_store **out, char *err, size_t errlen);

/* ---- schema migrations ----
 * The schema version of a database is its SQLite user_version: the number
 * of the last migration applied (src/store/migrations/NNNN_what.sql,
 * embedded in the binary). gz_store_open applies the pending ones; the
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

#endif
