/* Private to the SQLite backend of the store (src/store/sqlite*.c): the
 * handle, its prepared statements and the helpers its files share.
 *
 * sqlite.c holds the statements' SQL, these helpers, transactions, open and
 * close, and the table of operations; sqlite_articles.c the article, tag
 * and author operations; sqlite_views.c the view and setting operations. */
#ifndef GZ_SQLITE_INT_H
#define GZ_SQLITE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Published: status 1 (GZ_STATUS_PUBLISHED), a publication time that has
 * come (?1 is now) and not in the trash; _A after "a." in a join. */
#define GZ_SQLITE_PUBLISHED "status = 1 AND published_at <= ?1 AND deleted_at = 0"
#define GZ_SQLITE_PUBLISHED_A "a.status = 1 AND a.published_at <= ?1 AND a.deleted_at = 0"

/* The prepared statements of a handle, by name; their SQL is stmt_sql in
 * sqlite.c. */
enum stmt_id {
    ST_BEGIN,
    ST_BEGIN_READ,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_SEQ_BUMP,
    ST_SEQ_GET,
    ST_SLUG_OWNER,
    ST_ARTICLE_INSERT,
    ST_ARTICLE_UPDATE,
    ST_ARTICLE_GET,
    ST_ARTICLE_GET_BY_SLUG,
    ST_ARTICLE_TAGS,
    ST_ARTICLE_TAGS_DELETE,
    ST_ARTICLE_TAG_INSERT,
    ST_TAG_FIND,
    ST_TAG_SLUG_OWNER,
    ST_TAG_INSERT,
    ST_TAGS_TOP,
    ST_TAG_BY_SLUG,
    ST_CHANGES,
    ST_MAX_ID,
    ST_AUTHOR_FIND,
    ST_AUTHOR_INSERT,
    ST_VIEWS_DAILY_ADD,
    ST_VIEWS_HOURLY_ADD,
    ST_VIEWS_PRUNE,
    ST_VIEWS_DAILY_ALL,
    ST_VIEWS_HOURLY_SINCE,
    ST_VIEWS_TOTAL_ONE,
    ST_VIEWS_TOTAL_ALL,
    ST_SETTING_GET,
    ST_SETTING_SET,
    ST_COUNT
};

/* Statements prepared on first use (gz_sqlite_stmt), keyed by the address
 * of their SQL: a power of two, well above the number of such statements. */
#define GZ_SQLITE_LAZY_SLOTS 256

/* Owned by whoever called gz_store_open; freed by close. */
struct sqlite_store {
    struct gz_store base; /* first: a struct gz_store * points here */
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } lazy[GZ_SQLITE_LAZY_SLOTS];
    int depth; /* open transaction levels: 1 is BEGIN, above are savepoints */
    int search_pending; /* saves wait in search_pending (sqlite_search.c) */
    struct gz_sqlite_lists *lists; /* cached lists (sqlite_lists.c); NULL until used */
};

static inline struct sqlite_store *from(struct gz_store *gs)
{
    return (struct sqlite_store *)gs;
}

/* Makes a statement ready for its next use: reset, bindings cleared. */
static inline void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* ---- helpers (sqlite.c) ---- */

/* The statement for sql, a string with static storage (a file's
 * `static const char SQL_X[] = "..."`), prepared (persistent) on its first
 * use by this handle and kept until close; reset it with done() after use.
 * NULL when it does not prepare (logged). Lets every file of the backend
 * keep its SQL next to the code that runs it. */
sqlite3_stmt *gz_sqlite_stmt(struct sqlite_store *s, const char *sql);

/* Logs the database's last error and returns GZ_EIO. */
int gz_sqlite_fail(struct sqlite_store *s, const char *what);
/* The last error of db, with the OS error behind an I/O or full-disk
 * failure when there is one (ENOSPC, EFBIG, ...); written to buf. */
const char *gz_sqlite_errmsg(sqlite3 *db, char *buf, size_t len);

/* Binders that stop at the first failure; *rc (start it at SQLITE_OK)
 * collects it, and gz_sqlite_bound checks it. A NULL text binds "". The
 * text is bound SQLITE_STATIC: it must outlive the statement's use. */
void gz_sqlite_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc);
void gz_sqlite_bind_i64(sqlite3_stmt *st, int i, int64_t v, int *rc);

/* Checks the binders' collected result; resets the statement on failure. */
int gz_sqlite_bound(struct sqlite_store *s, sqlite3_stmt *st, int rc, const char *what);

/* Runs a bound statement that returns no rows, then resets it. */
int gz_sqlite_step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what);

/* Runs a bound statement whose first row's first column is the answer,
 * then resets it; GZ_ENOTFOUND when there is no row. */
int gz_sqlite_step_i64(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
                       int64_t *out);

/* A heap-allocated copy of column i of the current row ("" for NULL). */
char *gz_sqlite_column_dup(sqlite3_stmt *st, int i);

/* Bumps the change sequence (every write that changes what a page shows
 * does, so caches drop their pages) and, when seq is not NULL, reads its
 * new value. */
int gz_sqlite_next_change_seq(struct sqlite_store *s, int64_t *seq);

/* Teasers of the published articles among ids, in that order, read in
 * the caller's transaction (sqlite_articles.c). */
int gz_sqlite_teasers_of(struct sqlite_store *s, const int64_t *ids, size_t n, int64_t now,
                         struct gz_teaser_list *out);

struct gz_sqlite_lists;
/* Frees a handle's cached lists (sqlite_lists.c); NULL is fine. */
void gz_sqlite_lists_free(struct gz_sqlite_lists *c);

/* Appends every row of a bound teaser query (id, slug, title, teaser,
 * lang, published_at) to out, whose capacity *cap tracks (start it at 0
 * with an empty list); resets the statement. */
int gz_sqlite_collect_teasers(struct sqlite_store *s, sqlite3_stmt *st,
                              struct gz_teaser_list *out, size_t *cap);

/* Transactions. depth 0: none; 1: BEGIN IMMEDIATE; deeper levels are
 * savepoints, so a save inside a bulk load can fail alone. A failed commit
 * has already rolled its level back. */
int gz_sqlite_tx_begin(struct sqlite_store *s);
int gz_sqlite_tx_commit(struct sqlite_store *s);
int gz_sqlite_tx_rollback(struct sqlite_store *s);

/* Wraps a read of several statements in one snapshot, unless a transaction
 * is already open; pass *started on to gz_sqlite_read_end. */
int gz_sqlite_read_begin(struct sqlite_store *s, int *started);
void gz_sqlite_read_end(struct sqlite_store *s, int started);

/* ---- operations ----
 * Each has the contract of the struct gz_store_ops member of the same name
 * (store.h); sqlite.c puts them in the table. */

/* sqlite_articles.c */
int gz_sqlite_article_save(struct gz_store *gs, struct gz_article *a);
int gz_sqlite_article_get(struct gz_store *gs, int64_t id, struct gz_article *out);
int gz_sqlite_article_get_by_slug(struct gz_store *gs, const char *slug,
                                  struct gz_article *out);
int gz_sqlite_article_latest(struct gz_store *gs, int64_t now, size_t offset,
                             size_t limit, struct gz_teaser_list *out);
int gz_sqlite_article_count_published(struct gz_store *gs, int64_t now, int64_t *out);
int gz_sqlite_article_teasers(struct gz_store *gs, const int64_t *ids, size_t n,
                              int64_t now, struct gz_teaser_list *out);
int gz_sqlite_changes_since(struct gz_store *gs, int64_t since, int64_t **ids, size_t *n,
                            int64_t *seq);
int gz_sqlite_article_max_id(struct gz_store *gs, int64_t *out);
int gz_sqlite_article_next_scheduled(struct gz_store *gs, int64_t now, int64_t *out);
int gz_sqlite_article_go_live(struct gz_store *gs, int64_t now, int64_t **ids, size_t *n);
int gz_sqlite_tags_top(struct gz_store *gs, int64_t now, size_t limit,
                       struct gz_tag_list *out);
int gz_sqlite_tag_get_by_slug(struct gz_store *gs, const char *slug, struct gz_tag *out);
int gz_sqlite_tag_articles(struct gz_store *gs, int64_t tag_id, int64_t now,
                           size_t offset, size_t limit, struct gz_teaser_list *out,
                           int64_t *total);
int gz_sqlite_author_ensure(struct gz_store *gs, const char *name, int64_t *id);

/* sqlite_views.c */
int gz_sqlite_views_add(struct gz_store *gs, const struct gz_view_delta *d, size_t n,
                        int64_t prune_before_hour);
int gz_sqlite_views_load(struct gz_store *gs, int64_t since_hour, gz_views_row_cb cb,
                         void *ctx);
int gz_sqlite_views_total(struct gz_store *gs, int64_t article_id, int64_t *out);
int gz_sqlite_setting_get(struct gz_store *gs, const char *key, char **value);
int gz_sqlite_setting_set(struct gz_store *gs, const char *key, const char *value);

/* sqlite_users.c */
int gz_sqlite_user_save(struct gz_store *gs, struct gz_user *u);
int gz_sqlite_user_get(struct gz_store *gs, int64_t id, struct gz_user *out);
int gz_sqlite_user_get_by_name(struct gz_store *gs, const char *name, struct gz_user *out);
int gz_sqlite_user_list(struct gz_store *gs, struct gz_user_list *out);
int gz_sqlite_user_count_admins(struct gz_store *gs, int64_t *out);
int gz_sqlite_session_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                             const char *csrf, int64_t now, int64_t expires_at);
int gz_sqlite_session_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                          struct gz_session *out);
int gz_sqlite_session_delete(struct gz_store *gs, const uint8_t hash[32]);
int gz_sqlite_session_delete_user(struct gz_store *gs, int64_t user_id);
int gz_sqlite_session_purge(struct gz_store *gs, int64_t now);
int gz_sqlite_token_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                           const char *name, int64_t now, int64_t *id);
int gz_sqlite_token_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                        struct gz_api_token *out);
int gz_sqlite_token_list(struct gz_store *gs, int64_t user_id,
                         struct gz_api_token_list *out);
int gz_sqlite_token_delete(struct gz_store *gs, int64_t id, int64_t user_id);
int gz_sqlite_throttle_get(struct gz_store *gs, const char *key, int64_t *failures,
                           int64_t *until);
int gz_sqlite_throttle_set(struct gz_store *gs, const char *key, int64_t failures,
                           int64_t until);
int gz_sqlite_throttle_clear(struct gz_store *gs, const char *key);

/* sqlite_admin.c: the admin's article list, trash, revisions, tag list */
int gz_sqlite_article_list(struct gz_store *gs, const struct gz_article_filter *f,
                           struct gz_article_rows *out, int64_t *total);
int gz_sqlite_article_trash(struct gz_store *gs, int64_t id, int64_t now);
int gz_sqlite_article_purge(struct gz_store *gs, int64_t id);
int gz_sqlite_revision_list(struct gz_store *gs, int64_t article_id,
                            struct gz_revision_list *out);
int gz_sqlite_revision_get(struct gz_store *gs, int64_t id, struct gz_revision *out);
int gz_sqlite_tag_list(struct gz_store *gs, const char *prefix, size_t limit,
                       struct gz_tag_list *out);

/* sqlite_media.c */
int gz_sqlite_media_add(struct gz_store *gs, struct gz_media *m);
int gz_sqlite_media_get(struct gz_store *gs, int64_t id, struct gz_media *out);
int gz_sqlite_media_list(struct gz_store *gs, size_t offset, size_t limit,
                         struct gz_media_list *out, int64_t *total);
int gz_sqlite_media_delete(struct gz_store *gs, int64_t id);

/* sqlite_feeds.c: feeds and sitemaps */
int gz_sqlite_feed_articles(struct gz_store *gs, const struct gz_feed_filter *f,
                            struct gz_article_list *out);
int gz_sqlite_sitemap_chunks(struct gz_store *gs, int64_t now, int64_t chunk,
                             struct gz_sitemap_chunks *out);
int gz_sqlite_sitemap_articles(struct gz_store *gs, int64_t now, int64_t first_id,
                               int64_t last_id, struct gz_sitemap_urls *out);
int gz_sqlite_sitemap_tags(struct gz_store *gs, int64_t now, size_t limit,
                           struct gz_sitemap_urls *out);
int gz_sqlite_news_articles(struct gz_store *gs, int64_t since, int64_t now, size_t limit,
                            struct gz_sitemap_urls *out);

/* sqlite_i18n.c: translations, languages, authors' and monthly lists */
int gz_sqlite_translation_link(struct gz_store *gs, int64_t id, int64_t of_id);
int gz_sqlite_translation_unlink(struct gz_store *gs, int64_t id);
int gz_sqlite_translations(struct gz_store *gs, int64_t id, int64_t now,
                           struct gz_teaser_list *out);
int gz_sqlite_author_articles(struct gz_store *gs, int64_t author_id, int64_t now,
                              size_t offset, size_t limit, struct gz_teaser_list *out,
                              int64_t *total);
int gz_sqlite_archive_articles(struct gz_store *gs, int64_t start, int64_t end, int64_t now,
                               size_t offset, size_t limit, struct gz_teaser_list *out,
                               int64_t *total);
int gz_sqlite_archive_months(struct gz_store *gs, int64_t now, struct gz_month_list *out);
int gz_sqlite_lang_articles(struct gz_store *gs, const char *lang, int64_t now,
                            size_t offset, size_t limit, struct gz_teaser_list *out,
                            int64_t *total);
int gz_sqlite_lang_counts(struct gz_store *gs, int64_t now, struct gz_lang_list *out);

/* sqlite_import.c: redirects, import keys, tag parents (migration 0005) */
int gz_sqlite_redirect_set(struct gz_store *gs, const char *path, const char *target,
                           int64_t now);
int gz_sqlite_redirect_get(struct gz_store *gs, const char *path, char **target);
int gz_sqlite_redirect_list(struct gz_store *gs, size_t offset, size_t limit,
                            struct gz_redirect_list *out, int64_t *total);
int gz_sqlite_redirect_delete(struct gz_store *gs, const char *path);
int gz_sqlite_import_key_get(struct gz_store *gs, const char *source, const char *key,
                             char **kind, int64_t *local_id);
int gz_sqlite_import_key_set(struct gz_store *gs, const char *source, const char *key,
                             const char *kind, int64_t local_id);
int gz_sqlite_tag_set_parent(struct gz_store *gs, int64_t tag_id, int64_t parent_id);
int gz_sqlite_tag_import(struct gz_store *gs, const char *name, const char *slug,
                         int64_t *id, char **final);

/* sqlite_search.c: full-text search, tag aliases and descriptions */
int gz_sqlite_search(struct gz_store *gs, const char *query, const char *lang, int64_t now,
                     size_t offset, size_t limit, struct gz_search_hits *out);
int gz_sqlite_tag_alias_add(struct gz_store *gs, int64_t tag_id, const char *alias);
int gz_sqlite_tag_alias_delete(struct gz_store *gs, const char *alias);
int gz_sqlite_tag_alias_list(struct gz_store *gs, int64_t tag_id,
                             struct gz_tag_alias_list *out);
int gz_sqlite_tag_alias_resolve(struct gz_store *gs, const char *alias, struct gz_tag *out);
int gz_sqlite_tag_description_get(struct gz_store *gs, int64_t tag_id, char **out);
int gz_sqlite_tag_description_set(struct gz_store *gs, int64_t tag_id, const char *text);

/* sqlite_json.c, sqlite_backup.c: whole-site export and import, backup */
int gz_sqlite_dump(struct gz_store *gs, gz_dump_cb cb, void *ctx);
int gz_sqlite_dump_is_empty(struct gz_store *gs, int *empty);
int gz_sqlite_load_begin(struct gz_store *gs);
int gz_sqlite_load_row(struct gz_store *gs, const char *kind, const struct gz_field *f,
                       size_t n, char *err, size_t errlen);
int gz_sqlite_load_finish(struct gz_store *gs, char *err, size_t errlen);
int gz_sqlite_backup(struct gz_store *gs, const char *path, char *err, size_t errlen);
/* Registers the "gazette" FTS5 tokenizer and the SQL functions
 * gz_search_html() and gz_search_clean() on db: before the migrations run,
 * since migration 0003 creates and fills the index with them. */
int gz_sqlite_search_register(sqlite3 *db, char *err, size_t errlen);
/* (Re)writes article id's row of the search index from the articles
 * table: call it inside the save's transaction, after the tags. Inside a
 * caller's transaction the row is written when that one commits. */
int gz_sqlite_search_index(struct sqlite_store *s, int64_t id);
/* Indexes the saves queued by gz_sqlite_search_index; gz_sqlite_tx_commit
 * calls it before the outermost COMMIT when s->search_pending is set. */
int gz_sqlite_search_flush(struct sqlite_store *s);
/* Drops rows of the search index before a purge deletes their articles:
 * article id's, or (id 0) those of every article in the trash. */
int gz_sqlite_search_unindex(struct sqlite_store *s, int64_t id);
/* The FTS5 MATCH expression of a parsed query (content/search.h), appended
 * to out: every term quoted, ANDed; a term that alias() names a tag for
 * (*name heap-allocated, NULL when none) becomes (term OR "tag name"), and
 * a query of several words that is an alias as a whole becomes (terms) OR
 * "tag name". alias may be NULL. Nothing is appended for a query without
 * terms. */
struct gz_search_query;
typedef int (*gz_sqlite_alias_fn)(void *ctx, const char *norm, char **name);
int gz_sqlite_search_match(const struct gz_search_query *q, gz_sqlite_alias_fn alias,
                           void *ctx, struct gz_buf *out);

/* readership (sqlite_readers.c: write side and estimates; sqlite_stats.c:
 * the dashboard's reads) */
int gz_sqlite_readers_merge(struct gz_store *gs, const struct gz_readers_delta *d, size_t n,
                            const struct gz_referrer_delta *r, size_t nr,
                            int64_t prune_before_hour, int64_t prune_referrers_before_day);
int gz_sqlite_readers_count(struct gz_store *gs, int64_t article_id,
                            enum gz_readers_kind kind, int64_t from, int64_t to,
                            uint64_t *out);
int gz_sqlite_readers_each(struct gz_store *gs, enum gz_readers_kind kind, int64_t from,
                           int64_t to, gz_readers_cb cb, void *ctx);
int gz_sqlite_stats_days(struct gz_store *gs, int64_t article_id, int64_t from_day,
                         int64_t to_day, struct gz_stat_days *out);
int gz_sqlite_stats_top(struct gz_store *gs, enum gz_readers_kind kind, int64_t from,
                        int64_t to, size_t limit, struct gz_stat_articles *out);
int gz_sqlite_stats_referrers(struct gz_store *gs, int64_t article_id, int64_t from_day,
                              int64_t to_day, size_t limit, struct gz_stat_referrers *out);

#endif
