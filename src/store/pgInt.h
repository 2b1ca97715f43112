/* Private to the PostgreSQL backend of the store (src/store/pg*.c): the
 * handle, its statements and the helpers its files share.
 *
 * pg.c holds the connection, the statements' preparation, transactions,
 * migrations, open and close and the table of operations; each pg_*.c file
 * holds the operations of its sqlite_*.c twin, with the same contracts
 * (store.h). Every statement with data in it is a prepared statement
 * (PQprepare once per connection, then PQexecPrepared): user data only
 * reaches SQL as parameters. */
#ifndef GZ_PG_INT_H
#define GZ_PG_INT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Statements prepared on a connection, keyed by the address of their SQL
 * (a file's `static const char SQL_X[] = "..."`): a power of two, well
 * above the number of statements. */
#define GZ_PG_SLOTS 512
/* Parameters of one statement. */
#define GZ_PG_MAX_PARAMS 24

/* Published: status 1 (GZ_STATUS_PUBLISHED), a publication time that has
 * come ($1 is now) and not in the trash; _A on the table aliased "a". */
#define GZ_PG_PUBLISHED "status = 1 AND published_at <= $1::bigint AND deleted_at = 0"
#define GZ_PG_PUBLISHED_A "a.status = 1 AND a.published_at <= $1 AND a.deleted_at = 0"

struct pg_store {
    struct gz_store base; /* first: a struct gz_store * points here */
    PGconn *conn;
    char *conninfo;
    struct {
        const char *sql;
        int id; /* prepared as "g<id>" */
    } slot[GZ_PG_SLOTS];
    int nprepared;
    int depth;           /* open transaction levels: 1 is BEGIN, above are savepoints */
    int64_t retry_at_ms; /* a lost connection is not tried again before this */
    int64_t backoff_ms;  /* the wait before the next try; doubles to 5 s */
    int failed_tx;       /* a statement failed inside the open transaction */
    int listening;       /* LISTEN is on for this connection (wait_change) */
    int listened;        /* it was on for an earlier connection */
};

static inline struct pg_store *pg_from(struct gz_store *gs)
{
    return (struct pg_store *)gs;
}

/* The parameters of one statement, in text format except bytea (binary).
 * Add them in order ($1, $2, ...). A NULL text adds ""; gz_pg_p_null adds
 * SQL NULL. Text values are not copied: they must outlive the call that
 * runs the statement. Numbers are written into the struct. */
struct gz_pg_params {
    const char *values[GZ_PG_MAX_PARAMS];
    int lengths[GZ_PG_MAX_PARAMS];
    int formats[GZ_PG_MAX_PARAMS];
    char nums[GZ_PG_MAX_PARAMS][24];
    int n;
};

void gz_pg_p_i64(struct gz_pg_params *p, int64_t v);
void gz_pg_p_text(struct gz_pg_params *p, const char *v);
void gz_pg_p_textn(struct gz_pg_params *p, const char *v, size_t len);
void gz_pg_p_null(struct gz_pg_params *p);
void gz_pg_p_bytea(struct gz_pg_params *p, const void *v, size_t len);

/* Runs sql (static storage; prepared on this connection at its first use)
 * with the parameters p (NULL: none). Returns the result (rows or
 * command OK; PQclear it), or NULL after logging the error, with the
 * SQLSTATE of the failure in *state when state is not NULL ("" when the
 * database could not be reached). A lost connection is reconnected with
 * back-off, outside a transaction only. */
PGresult *gz_pg_exec(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                     const char *what, char state[6]);

/* gz_pg_exec for a statement whose rows do not matter: GZ_OK or the error
 * (GZ_EEXIST for a unique violation, GZ_EIO otherwise). */
int gz_pg_run(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
              const char *what);

/* Runs a statement whose first row's first column is the answer;
 * GZ_ENOTFOUND when there is no row. */
int gz_pg_run_i64(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                  const char *what, int64_t *out);

/* The same for a text answer: a heap copy in *out ("" for NULL); *out is
 * left alone when there is no row (GZ_ENOTFOUND). */
int gz_pg_run_text(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                   const char *what, char **out);

/* gz_pg_exec for a statement whose rows the caller reads: GZ_OK with the
 * result in *out (PQclear it), or the error as gz_pg_run's (*out NULL). */
int gz_pg_query(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                const char *what, PGresult **out);

/* gz_pg_query for a statement whose first row is the answer: GZ_OK with
 * the result in *out (at least one row; PQclear it), GZ_ENOTFOUND when it
 * has no row (nothing to clear), or the error. */
int gz_pg_query_row(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                    const char *what, PGresult **out);

/* An array of one zeroed element of `size` bytes per row of r, for a list
 * to fill (heap; NULL when r has no row). */
void *gz_pg_rows_alloc(const PGresult *r, size_t size);

/* Column col of row `row` as a number (0 for NULL) and as a heap copy (""
 * for NULL); bytea is read with gz_pg_bytea (heap, *len set). */
int64_t gz_pg_i64(const PGresult *r, int row, int col);
char *gz_pg_dup(const PGresult *r, int row, int col);
uint8_t *gz_pg_bytea(const PGresult *r, int row, int col, size_t *len);

/* The store error for a failed statement's SQLSTATE: GZ_EEXIST for a
 * unique violation (23505), GZ_EIO otherwise. */
int gz_pg_error(const char state[6]);

/* Transactions. depth 0: none; 1: BEGIN; deeper levels are savepoints,
 * so a save inside a bulk load can fail alone. A failed commit has
 * already rolled its level back. */
int gz_pg_tx_begin(struct pg_store *s);
int gz_pg_tx_commit(struct pg_store *s);
int gz_pg_tx_rollback(struct pg_store *s);

/* Wraps a read of several statements in one snapshot (REPEATABLE READ,
 * READ ONLY) unless a transaction is already open; pass *started on. */
int gz_pg_read_begin(struct pg_store *s, int *started);
void gz_pg_read_end(struct pg_store *s, int started);

/* Bumps the change sequence (UPDATE ... RETURNING; the row lock orders
 * writers) and, when seq is not NULL, reads its new value. Its trigger
 * notifies every listening server at COMMIT. */
int gz_pg_next_change_seq(struct pg_store *s, int64_t *seq);

/* Appends every row of a teaser query result (id, slug, title, teaser,
 * lang, published_at) to out. */
void gz_pg_collect_teasers(const PGresult *r, struct gz_teaser_list *out);

/* ---- operations: the contract of the struct gz_store_ops member of the
 * same name (store.h); pg.c puts them in the table. ---- */

/* pg_articles.c */
int gz_pg_article_save(struct gz_store *gs, struct gz_article *a);
int gz_pg_article_get(struct gz_store *gs, int64_t id, struct gz_article *out);
int gz_pg_article_get_by_slug(struct gz_store *gs, const char *slug,
                              struct gz_article *out);
int gz_pg_article_latest(struct gz_store *gs, int64_t now, size_t offset, size_t limit,
                         struct gz_teaser_list *out);
int gz_pg_article_count_published(struct gz_store *gs, int64_t now, int64_t *out);
int gz_pg_article_teasers(struct gz_store *gs, const int64_t *ids, size_t n, int64_t now,
                          struct gz_teaser_list *out);
int gz_pg_changes_since(struct gz_store *gs, int64_t since, int64_t **ids, size_t *n,
                        int64_t *seq);
int gz_pg_article_max_id(struct gz_store *gs, int64_t *out);
int gz_pg_article_next_scheduled(struct gz_store *gs, int64_t now, int64_t *out);
int gz_pg_article_go_live(struct gz_store *gs, int64_t now, int64_t **ids, size_t *n);
int gz_pg_tags_top(struct gz_store *gs, int64_t now, size_t limit,
                   struct gz_tag_list *out);
int gz_pg_tag_get_by_slug(struct gz_store *gs, const char *slug, struct gz_tag *out);
int gz_pg_tag_articles(struct gz_store *gs, int64_t tag_id, int64_t now, size_t offset,
                       size_t limit, struct gz_teaser_list *out, int64_t *total);
int gz_pg_author_ensure(struct gz_store *gs, const char *name, int64_t *id);

/* pg_views.c */
int gz_pg_views_add(struct gz_store *gs, const struct gz_view_delta *d, size_t n,
                    int64_t prune_before_hour);
int gz_pg_views_load(struct gz_store *gs, int64_t since_hour, gz_views_row_cb cb,
                     void *ctx);
int gz_pg_views_total(struct gz_store *gs, int64_t article_id, int64_t *out);
int gz_pg_views_recent(struct gz_store *gs, int64_t since_ms, int64_t min_hour,
                       gz_views_row_cb cb, void *ctx, int64_t *db_now_ms);
int gz_pg_setting_get(struct gz_store *gs, const char *key, char **value);
int gz_pg_setting_set(struct gz_store *gs, const char *key, const char *value);

/* pg_users.c */
int gz_pg_user_save(struct gz_store *gs, struct gz_user *u);
int gz_pg_user_get(struct gz_store *gs, int64_t id, struct gz_user *out);
int gz_pg_user_get_by_name(struct gz_store *gs, const char *name, struct gz_user *out);
int gz_pg_user_list(struct gz_store *gs, struct gz_user_list *out);
int gz_pg_user_count_admins(struct gz_store *gs, int64_t *out);
int gz_pg_session_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                         const char *csrf, int64_t now, int64_t expires_at);
int gz_pg_session_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                      struct gz_session *out);
int gz_pg_session_delete(struct gz_store *gs, const uint8_t hash[32]);
int gz_pg_session_delete_user(struct gz_store *gs, int64_t user_id);
int gz_pg_session_purge(struct gz_store *gs, int64_t now);
int gz_pg_token_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                       const char *name, int64_t now, int64_t *id);
int gz_pg_token_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                    struct gz_api_token *out);
int gz_pg_token_list(struct gz_store *gs, int64_t user_id, struct gz_api_token_list *out);
int gz_pg_token_delete(struct gz_store *gs, int64_t id, int64_t user_id);
int gz_pg_throttle_get(struct gz_store *gs, const char *key, int64_t *failures,
                       int64_t *until);
int gz_pg_throttle_set(struct gz_store *gs, const char *key, int64_t failures,
                       int64_t until);
int gz_pg_throttle_clear(struct gz_store *gs, const char *key);

/* pg_admin.c */
int gz_pg_article_list(struct gz_store *gs, const struct gz_article_filter *f,
                       struct gz_article_rows *out, int64_t *total);
int gz_pg_article_trash(struct gz_store *gs, int64_t id, int64_t now);
int gz_pg_article_purge(struct gz_store *gs, int64_t id);
int gz_pg_revision_list(struct gz_store *gs, int64_t article_id,
                        struct gz_revision_list *out);
int gz_pg_revision_get(struct gz_store *gs, int64_t id, struct gz_revision *out);
int gz_pg_tag_list(struct gz_store *gs, const char *prefix, size_t limit,
                   struct gz_tag_list *out);

/* pg_media.c */
int gz_pg_media_add(struct gz_store *gs, struct gz_media *m);
int gz_pg_media_get(struct gz_store *gs, int64_t id, struct gz_media *out);
int gz_pg_media_list(struct gz_store *gs, size_t offset, size_t limit,
                     struct gz_media_list *out, int64_t *total);
int gz_pg_media_delete(struct gz_store *gs, int64_t id);

/* pg_feeds.c */
int gz_pg_feed_articles(struct gz_store *gs, const struct gz_feed_filter *f,
                        struct gz_article_list *out);
int gz_pg_sitemap_chunks(struct gz_store *gs, int64_t now, int64_t chunk,
                         struct gz_sitemap_chunks *out);
int gz_pg_sitemap_articles(struct gz_store *gs, int64_t now, int64_t first_id,
                           int64_t last_id, struct gz_sitemap_urls *out);
int gz_pg_sitemap_tags(struct gz_store *gs, int64_t now, size_t limit,
                       struct gz_sitemap_urls *out);
int gz_pg_news_articles(struct gz_store *gs, int64_t since, int64_t now, size_t limit,
                        struct gz_sitemap_urls *out);

/* pg_i18n.c */
int gz_pg_translation_link(struct gz_store *gs, int64_t id, int64_t of_id);
int gz_pg_translation_unlink(struct gz_store *gs, int64_t id);
int gz_pg_translations(struct gz_store *gs, int64_t id, int64_t now,
                       struct gz_teaser_list *out);
int gz_pg_author_articles(struct gz_store *gs, int64_t author_id, int64_t now,
                          size_t offset, size_t limit, struct gz_teaser_list *out,
                          int64_t *total);
int gz_pg_archive_articles(struct gz_store *gs, int64_t start, int64_t end, int64_t now,
                           size_t offset, size_t limit, struct gz_teaser_list *out,
                           int64_t *total);
int gz_pg_archive_months(struct gz_store *gs, int64_t now, struct gz_month_list *out);
int gz_pg_lang_articles(struct gz_store *gs, const char *lang, int64_t now, size_t offset,
                        size_t limit, struct gz_teaser_list *out, int64_t *total);
int gz_pg_lang_counts(struct gz_store *gs, int64_t now, struct gz_lang_list *out);

/* pg_import.c */
int gz_pg_redirect_set(struct gz_store *gs, const char *path, const char *target,
                       int64_t now);
int gz_pg_redirect_get(struct gz_store *gs, const char *path, char **target);
int gz_pg_redirect_list(struct gz_store *gs, size_t offset, size_t limit,
                        struct gz_redirect_list *out, int64_t *total);
int gz_pg_redirect_delete(struct gz_store *gs, const char *path);
int gz_pg_import_key_get(struct gz_store *gs, const char *source, const char *key,
                         char **kind, int64_t *local_id);
int gz_pg_import_key_set(struct gz_store *gs, const char *source, const char *key,
                         const char *kind, int64_t local_id);
int gz_pg_tag_set_parent(struct gz_store *gs, int64_t tag_id, int64_t parent_id);
int gz_pg_tag_import(struct gz_store *gs, const char *name, const char *slug, int64_t *id,
                     char **final);

/* pg_search.c */
int gz_pg_search(struct gz_store *gs, const char *query, const char *lang, int64_t now,
                 size_t offset, size_t limit, struct gz_search_hits *out);
int gz_pg_tag_alias_add(struct gz_store *gs, int64_t tag_id, const char *alias);
int gz_pg_tag_alias_delete(struct gz_store *gs, const char *alias);
int gz_pg_tag_alias_list(struct gz_store *gs, int64_t tag_id,
                         struct gz_tag_alias_list *out);
int gz_pg_tag_alias_resolve(struct gz_store *gs, const char *alias, struct gz_tag *out);
int gz_pg_tag_description_get(struct gz_store *gs, int64_t tag_id, char **out);
int gz_pg_tag_description_set(struct gz_store *gs, int64_t tag_id, const char *text);
/* (Re)writes article id's row of the search index from the articles table
 * and its tags: call it inside the save's transaction, after the tags. */
int gz_pg_search_index(struct pg_store *s, int64_t id);
/* Indexes every article that has no row in the index (after a load, or a
 * site created before its index existed). */
int gz_pg_search_index_missing(struct pg_store *s);

/* pg_readers.c, pg_stats.c */
int gz_pg_readers_merge(struct gz_store *gs, const struct gz_readers_delta *d, size_t n,
                        const struct gz_referrer_delta *r, size_t nr,
                        int64_t prune_before_hour, int64_t prune_referrers_before_day);
int gz_pg_readers_count(struct gz_store *gs, int64_t article_id,
                        enum gz_readers_kind kind, int64_t from, int64_t to,
                        uint64_t *out);
int gz_pg_readers_each(struct gz_store *gs, enum gz_readers_kind kind, int64_t from,
                       int64_t to, gz_readers_cb cb, void *ctx);
int gz_pg_stats_days(struct gz_store *gs, int64_t article_id, int64_t from_day,
                     int64_t to_day, struct gz_stat_days *out);
int gz_pg_stats_top(struct gz_store *gs, enum gz_readers_kind kind, int64_t from,
                    int64_t to, size_t limit, struct gz_stat_articles *out);
int gz_pg_stats_referrers(struct gz_store *gs, int64_t article_id, int64_t from_day,
                          int64_t to_day, size_t limit, struct gz_stat_referrers *out);

/* pg_json.c */
int gz_pg_dump(struct gz_store *gs, gz_dump_cb cb, void *ctx);
int gz_pg_dump_is_empty(struct gz_store *gs, int *empty);
int gz_pg_load_begin(struct gz_store *gs);
int gz_pg_load_row(struct gz_store *gs, const char *kind, const struct gz_field *f,
                   size_t n, char *err, size_t errlen);
int gz_pg_load_finish(struct gz_store *gs, char *err, size_t errlen);
int gz_pg_backup(struct gz_store *gs, const char *path, char *err, size_t errlen);

#endif
