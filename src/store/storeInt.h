/* Private to src/store/: what store.c and the backends share. */
#ifndef GZ_STORE_INT_H
#define GZ_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/embed.h"
#include "store/store.h"

/* Opens (creating if needed) the SQLite database at `path` and applies
 * pending migrations. Same contract as gz_store_open. */
int gz_store_sqlite_open(const char *path, struct gz_store **out, char *err,
                         size_t errlen);

/* The SQLite side of gz_store_schema_version and gz_store_migrate. */
int gz_store_sqlite_schema_version(const char *path, int64_t *version, char *err,
                                   size_t errlen);
int gz_store_sqlite_migrate(const char *path, gz_store_migrated_cb migrated, void *ctx,
                            char *err, size_t errlen);

/* The PostgreSQL backend (pg.c): the same three, for a URL or connection
 * string. */
int gz_store_pg_open(const char *url, struct gz_store **out, char *err, size_t errlen);
int gz_store_pg_schema_version(const char *url, int64_t *version, char *err,
                               size_t errlen);
int gz_store_pg_migrate(const char *url, gz_store_migrated_cb migrated, void *ctx,
                        char *err, size_t errlen);

/* The schema migrations: src/store/migrations/NNNN_what.sql, embedded in
 * the binary in order (src/store/meson.build); NNNN is the schema version,
 * 1, 2, 3, ... without gaps. */
extern const struct gz_embedded_file gz_store_migration_files[];
extern const size_t gz_store_migration_count;
/* PostgreSQL's: src/store/migrations_pg/NNNN_what.sql, the same numbers. */
extern const struct gz_embedded_file gz_store_pg_migration_files[];
extern const size_t gz_store_pg_migration_count;

/* The version of a migration file ("0002_what.sql" is 2), or -1. */
int gz_store_migration_version(const char *name);
/* GZ_OK when migration file `name` is the version-th (1, 2, ...);
 * GZ_EINVAL with a message in err otherwise. */
int gz_store_migration_in_order(const char *name, int version, char *err, size_t errlen);
/* A database written by a newer gazette is left alone: this binary cannot
 * know what the newer schema means. GZ_EINVAL with a message when schema
 * version `have` is above the `known` migrations. */
int gz_store_migration_not_newer(int64_t have, size_t known, char *err, size_t errlen);

/* SQL both backends write the same way. An article's columns as the
 * article reads fill them, and a teaser's (id, slug, title, teaser, lang,
 * published_at); lists are newest first. Pages of a list find their ids in
 * an index that holds the filter and this order, so OFFSET steps over
 * index entries, not over rows whose dates sit after their bodies (on
 * SQLite /page/999 of a 10,000-article site took 30 ms instead of 3). */
#define GZ_SQL_ARTICLE_COLUMNS                                                           \
    "SELECT a.id, a.slug, a.title, a.summary, a.body_src, a.body_html, a.teaser, "       \
    "a.lang, a.status, a.published_at, a.updated_at, coalesce(a.author_id, 0), "         \
    "coalesce(au.name, ''), a.image, a.deleted_at, a.created_at, a.body_format "         \
    "FROM articles a LEFT JOIN authors au ON au.id = a.author_id "
#define GZ_SQL_TEASER_COLUMNS                                                            \
    "SELECT id, slug, title, teaser, lang, published_at FROM articles "
#define GZ_SQL_NEWEST_FIRST " ORDER BY published_at DESC, id DESC"

/* ---- what every backend's operations share (store_common.c): checks,
 * limits and derived values that must not differ between backends ---- */

/* n as a LIMIT or OFFSET: SIZE_MAX and other huge values mean "all". */
static inline int64_t gz_store_clamp_size(size_t n)
{
    return n > (size_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* article_save's check of its argument: GZ_EINVAL (logged) without a
 * title or slug, with a negative id, tags missing or an unknown status. */
int gz_store_article_check(const struct gz_article *a);
/* Appends the article's tag names joined by '\n' to out, as the revisions
 * table keeps them (empty names skipped). */
int gz_store_tags_join(const struct gz_article *a, struct gz_buf *out);
/* A tag's slug, by the same rule as an article's (content/slug.h); heap,
 * "tag" when the name gives none. */
char *gz_store_tag_slug(const char *name);

/* Sets *taken when slug belongs to another row than the one being saved;
 * GZ_OK or the store error of the look-up. */
typedef int (*gz_store_slug_taken_fn)(void *ctx, const char *slug, int *taken);
/* Finds a slug that is_taken says is free: base, base-2, base-3, ...
 * (linear, then gallop and bisect, so many rows of one title cost a few
 * look-ups each). *out is heap-allocated; GZ_EEXIST when none is found. */
int gz_store_unique_slug(const char *base, gz_store_slug_taken_fn is_taken, void *ctx,
                         char **out);

/* The normalized form of text (content/normalize.h), heap-allocated; NULL
 * when it has no word or would outgrow max bytes. */
char *gz_store_normalized(const char *text, size_t max);
/* An alias as typed, checked: valid UTF-8, at most GZ_TAG_ALIAS_MAX bytes,
 * with at least one word. Sets its normalized form and slug (heap; both
 * NULL and GZ_EINVAL when it does not pass). */
int gz_store_alias_forms(const char *alias, char **norm, char **slug);

/* 1 when k is a kind of readers sketch the store keeps. */
int gz_store_readers_kind_ok(enum gz_readers_kind k);
/* The start of stats_days: zeroes out, checks the arguments (GZ_EINVAL;
 * at most ten years of days) and fills out with one zero row per day. */
int gz_store_stat_days_start(int64_t article_id, int64_t from_day, int64_t to_day,
                             struct gz_stat_days *out);
/* stats_top's check of its period: GZ_EINVAL for an unknown kind or
 * last < first; the all-time kind's period is 0..0. */
int gz_store_stats_top_range(enum gz_readers_kind kind, int64_t *first, int64_t *last);
/* A top or referrer list's limit, capped. */
int64_t gz_store_stats_limit(size_t limit);

/* A column of a kind of row of the whole-site export (dump, load_row):
 * type 'i' integer, 'n' integer or NULL, 't' text, 'h' a readers sketch
 * (views/hll.h's bytes) written as base64 text (RFC 4648, with padding).
 * Every backend exports the same columns in the same order. */
struct gz_store_column {
    const char *name;
    char type;
};

/* The kinds of rows of the whole-site export, in the export's order (what
 * a row refers to comes before it), each with its columns: defined once
 * (store_common.c), so every backend writes the same file. */
enum gz_store_kind_id {
    GZ_KIND_SEQUENCE,
    GZ_KIND_SETTING,
    GZ_KIND_USER,
    GZ_KIND_TAG,
    GZ_KIND_TAG_ALIAS,
    GZ_KIND_MEDIA,
    GZ_KIND_ARTICLE,
    GZ_KIND_ARTICLE_TAG,
    GZ_KIND_REVISION,
    GZ_KIND_TRANSLATION,
    GZ_KIND_REDIRECT,
    GZ_KIND_IMPORT_KEY,
    GZ_KIND_VIEWS_DAILY,
    GZ_KIND_VIEWS_HOURLY,
    GZ_KIND_READERS,
    GZ_KIND_REFERRER,
    GZ_KIND_COUNT
};
struct gz_store_kind {
    const char *name; /* the "type" of its JSON lines */
    const struct gz_store_column *cols;
    size_t ncols;
};
extern const struct gz_store_kind gz_store_kinds[GZ_KIND_COUNT];

/* Every field of a loaded row must be one of the kind's columns: a typo
 * in a hand-edited file is an error (GZ_EINVAL, message in err), not a
 * silently dropped value. */
int gz_store_load_check(const char *kind, const struct gz_store_column *cols,
                        size_t ncols, const struct gz_field *f, size_t n, char *err,
                        size_t errlen);
/* The value a load writes into column c from the row's fields f: the field
 * of c's name, its type checked, or c's default when it is missing ("" or
 * 0; NULL for 'n'). An 'h' column's value is instead its sketch, decoded
 * into *sketch (heap, *sketch_len bytes; the caller frees it), an empty
 * sketch by default. GZ_EINVAL with a message in err for a value of the
 * wrong type or a text that is no sketch. */
int gz_store_load_value(const char *kind, const struct gz_store_column *c,
                        const struct gz_field *f, size_t n, struct gz_field *value,
                        uint8_t **sketch, size_t *sketch_len, char *err, size_t errlen);

#endif
