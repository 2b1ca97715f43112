/* The SQLite backend's operations for the admin: the filtered article list,
 * the trash, revisions and the tag list. Every statement here is prepared
 * lazily (gz_sqlite_stmt) from SQL kept next to the code that runs it.
 *
 * The list's filters are one statement whose bound parameters switch each
 * filter off ("?2 = 0 OR ..."): no SQL is ever assembled at run time, and
 * the plan stays simple enough for an admin list of a few thousand rows. */
#include "store/sqliteInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* ---- the article list ---- */

/* Parameters: ?1 status (-1 any; 2 scheduled = published with a future
 * date, or the stored status 2 that imports may write; 1 published and
 * live), ?2 author id (0 any), ?3 tag slug ('' any), ?4 lang ('' any),
 * ?5 title/slug substring ('' any; ASCII letters ignore case), ?6 trash
 * (0 not deleted, 1 only deleted), ?7 now. */
#define LIST_WHERE                                                                       \
    "WHERE (CASE WHEN ?6 THEN a.deleted_at <> 0 ELSE a.deleted_at = 0 END) "             \
    "AND (?1 = -1 "                                                                      \
    "  OR (?1 = 2 AND (a.status = 2 OR (a.status = 1 AND a.published_at > ?7))) "        \
    "  OR (?1 = 1 AND a.status = 1 AND a.published_at <= ?7) "                           \
    "  OR (?1 NOT IN (1, 2) AND a.status = ?1)) "                                        \
    "AND (?2 = 0 OR a.author_id = ?2) "                                                  \
    "AND (?3 = '' OR EXISTS (SELECT 1 FROM article_tags at JOIN tags t "                 \
    "  ON t.id = at.tag_id WHERE at.article_id = a.id AND t.slug = ?3)) "                \
    "AND (?4 = '' OR a.lang = ?4) "                                                      \
    "AND (?5 = '' OR instr(lower(a.title), lower(?5)) > 0 "                              \
    "  OR instr(lower(a.slug), lower(?5)) > 0) "

/* ?8, ?9: the keyset (updated_at, id) to continue after, ?8 = 0 for none;
 * ?10 limit, ?11 offset. */
static const char SQL_LIST[] =
    "SELECT a.id, a.slug, a.title, a.lang, coalesce(au.name, ''), a.status, "
    "a.published_at, a.updated_at, a.deleted_at, coalesce(a.author_id, 0) "
    "FROM articles a LEFT JOIN authors au ON au.id = a.author_id " LIST_WHERE
    "AND (?8 = 0 OR a.updated_at < ?9 OR (a.updated_at = ?9 AND a.id < ?8)) "
    "ORDER BY a.updated_at DESC, a.id DESC LIMIT ?10 OFFSET ?11";

static const char SQL_COUNT[] = "SELECT count(*) FROM articles a " LIST_WHERE;

static const char SQL_ROW_TAGS[] =
    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
    "WHERE at.article_id = ?1 ORDER BY at.position";

/* Binds the filters shared by the list and its count (?1 to ?7). */
static void bind_filter(sqlite3_stmt *st, const struct gz_article_filter *f, int *rc)
{
    gz_sqlite_bind_i64(st, 1, f->status, rc);
    gz_sqlite_bind_i64(st, 2, f->author_id, rc);
    gz_sqlite_bind_text(st, 3, f->tag, rc);
    gz_sqlite_bind_text(st, 4, f->lang, rc);
    gz_sqlite_bind_text(st, 5, f->q, rc);
    gz_sqlite_bind_i64(st, 6, f->trash ? 1 : 0, rc);
    gz_sqlite_bind_i64(st, 7, f->now, rc);
}

static int count_rows(struct sqlite_store *s, const struct gz_article_filter *f,
                      int64_t *total)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_COUNT);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    bind_filter(st, f, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article filter")))
        return rc;
    return gz_sqlite_step_i64(s, st, "counting articles", total);
}

static int row_tags(struct sqlite_store *s, struct gz_article_row *row)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ROW_TAGS);
    int rc = SQLITE_OK;
    size_t cap = 0;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, row->id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (row->ntags == cap) {
            cap = cap ? cap * 2 : 4;
            row->tags = gz_xrealloc(row->tags, cap * sizeof *row->tags);
        }
        row->tags[row->ntags++] = gz_sqlite_column_dup(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading an article's tags");
    done(st);
    return rc;
}

static void fill_row(sqlite3_stmt *st, struct gz_article_row *row)
{
    memset(row, 0, sizeof *row);
    row->id = sqlite3_column_int64(st, 0);
    row->slug = gz_sqlite_column_dup(st, 1);
    row->title = gz_sqlite_column_dup(st, 2);
    row->lang = gz_sqlite_column_dup(st, 3);
    row->author_name = gz_sqlite_column_dup(st, 4);
    row->status = (enum gz_status)sqlite3_column_int(st, 5);
    row->published_at = sqlite3_column_int64(st, 6);
    row->updated_at = sqlite3_column_int64(st, 7);
    row->deleted_at = sqlite3_column_int64(st, 8);
    row->author_id = sqlite3_column_int64(st, 9);
}

static int list_rows(struct sqlite_store *s, const struct gz_article_filter *f,
                     struct gz_article_rows *out)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_LIST);
    int rc = SQLITE_OK;
    size_t cap = 0;
    if (!st)
        return GZ_EIO;
    bind_filter(st, f, &rc);
    gz_sqlite_bind_i64(st, 8, f->before_id > 0 ? f->before_id : 0, &rc);
    gz_sqlite_bind_i64(st, 9, f->before_updated, &rc);
    gz_sqlite_bind_i64(st, 10, gz_store_clamp_size(f->limit), &rc);
    gz_sqlite_bind_i64(st, 11, f->before_id > 0 ? 0 : gz_store_clamp_size(f->offset),
                       &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article filter")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        fill_row(st, &out->items[out->len++]);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing articles");
    done(st);
    /* The tags after the page is read: one statement at a time. */
    for (size_t i = 0; i < out->len && rc == GZ_OK; i++)
        rc = row_tags(s, &out->items[i]);
    return rc;
}

/* The page and the count come from one snapshot, so they agree. */
int gz_sqlite_article_list(struct gz_store *gs, const struct gz_article_filter *f,
                           struct gz_article_rows *out, int64_t *total)
{
    struct sqlite_store *s = from(gs);
    int started;
    memset(out, 0, sizeof *out);
    if (!f)
        return GZ_EINVAL;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    if (total)
        rc = count_rows(s, f, total);
    if (rc == GZ_OK && f->limit > 0)
        rc = list_rows(s, f, out);
    gz_sqlite_read_end(s, started);
    if (rc != GZ_OK)
        gz_article_rows_clear(out);
    return rc;
}

/* ---- trash ---- */

/* change_seq takes the bumped sequence, so the flusher drops the cached
 * page and refreshes the blocks like after any save. */
static const char SQL_TRASH[] = "UPDATE articles SET deleted_at = ?2, change_seq = "
                                "(SELECT seq FROM change_seq WHERE id = 1) WHERE id = ?1";

static int trash_in_tx(struct sqlite_store *s, int64_t id, int64_t now)
{
    int rc = gz_sqlite_next_change_seq(s, NULL);
    if (rc != GZ_OK)
        return rc;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TRASH);
    if (!st)
        return GZ_EIO;
    rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    gz_sqlite_bind_i64(st, 2, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a trash move")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "moving an article to the trash")))
        return rc;
    return sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
}

int gz_sqlite_article_trash(struct gz_store *gs, int64_t id, int64_t now)
{
    struct sqlite_store *s = from(gs);
    if (id <= 0 || now < 0)
        return GZ_EINVAL;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = trash_in_tx(s, id, now);
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

/* What goes with an article, one statement per table; ?1 is the article
 * id, or 0 for every article in the trash. The view tables have no
 * foreign keys (see 0001), so they are cleaned by hand. */
#define PURGED "(SELECT id FROM articles WHERE (?1 = 0 AND deleted_at <> 0) OR id = ?1)"
static const char SQL_PURGE_TAGS[] =
    "DELETE FROM article_tags WHERE article_id IN " PURGED;
static const char SQL_PURGE_REVS[] = "DELETE FROM revisions WHERE article_id IN " PURGED;
static const char SQL_PURGE_DAILY[] =
    "DELETE FROM views_daily WHERE article_id IN " PURGED;
static const char SQL_PURGE_HOURLY[] =
    "DELETE FROM views_hourly WHERE article_id IN " PURGED;
static const char SQL_PURGE_ARTICLES[] =
    "DELETE FROM articles WHERE (?1 = 0 AND deleted_at <> 0) OR id = ?1";

static int purge_step(struct sqlite_store *s, const char *sql, int64_t id)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    int rc = SQLITE_OK;
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a purge")))
        return rc;
    return gz_sqlite_step_done(s, st, "deleting an article for good");
}

int gz_sqlite_article_purge(struct gz_store *gs, int64_t id)
{
    static const char *const steps[] = {SQL_PURGE_TAGS, SQL_PURGE_REVS, SQL_PURGE_DAILY,
                                        SQL_PURGE_HOURLY, SQL_PURGE_ARTICLES};
    struct sqlite_store *s = from(gs);
    if (id < 0)
        return GZ_EINVAL;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = gz_sqlite_search_unindex(s, id); /* sqlite_search.c */
    if (rc == GZ_OK) /* the cached lists (sqlite_lists.c) may hold it */
        rc = gz_sqlite_next_change_seq(s, NULL);
    for (size_t i = 0; i < GZ_COUNTOF(steps) && rc == GZ_OK; i++)
        rc = purge_step(s, steps[i], id);
    if (rc == GZ_OK && id > 0 && sqlite3_changes(s->db) == 0)
        rc = GZ_ENOTFOUND;
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

/* ---- revisions ---- */

#define REVISION_COLUMNS                                                                 \
    "SELECT r.id, r.article_id, r.user_id, r.created_at, coalesce(au.name, ''), "        \
    "r.title, r.slug, r.summary, r.lang, r.status, r.published_at, r.tags, r.image "

static const char SQL_REVISIONS[] =
    REVISION_COLUMNS ", NULL FROM revisions r LEFT JOIN authors au ON au.id = r.user_id "
                     "WHERE r.article_id = ?1 ORDER BY r.id DESC";
static const char SQL_REVISION[] =
    REVISION_COLUMNS ", r.body_src FROM revisions r LEFT JOIN authors au "
                     "ON au.id = r.user_id WHERE r.id = ?1";

static void fill_revision(sqlite3_stmt *st, struct gz_revision *r, int with_body)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->article_id = sqlite3_column_int64(st, 1);
    r->user_id = sqlite3_column_int64(st, 2);
    r->created_at = sqlite3_column_int64(st, 3);
    r->user_name = gz_sqlite_column_dup(st, 4);
    r->title = gz_sqlite_column_dup(st, 5);
    r->slug = gz_sqlite_column_dup(st, 6);
    r->summary = gz_sqlite_column_dup(st, 7);
    r->lang = gz_sqlite_column_dup(st, 8);
    r->status = (enum gz_status)sqlite3_column_int(st, 9);
    r->published_at = sqlite3_column_int64(st, 10);
    r->tags = gz_sqlite_column_dup(st, 11);
    r->image = gz_sqlite_column_dup(st, 12);
    if (with_body)
        r->body_src = gz_sqlite_column_dup(st, 13);
}

int gz_sqlite_revision_list(struct gz_store *gs, int64_t article_id,
                            struct gz_revision_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_REVISIONS);
    int rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        fill_revision(st, &out->items[out->len++], 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing revisions");
    done(st);
    if (rc != GZ_OK)
        gz_revision_list_clear(out);
    return rc;
}

int gz_sqlite_revision_get(struct gz_store *gs, int64_t id, struct gz_revision *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_REVISION);
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a revision id")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_revision(st, out, 1);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a revision");
    }
    done(st);
    return rc;
}

/* ---- tags ---- */

/* A prefix match that ignores ASCII case, without LIKE's wildcards: the
 * typed prefix is compared with as many leading characters of the name. */
static const char SQL_TAG_LIST[] =
    "SELECT id, name, slug FROM tags WHERE ?1 = '' OR "
    "lower(substr(name, 1, length(?1))) = lower(?1) ORDER BY name LIMIT ?2";

int gz_sqlite_tag_list(struct gz_store *gs, const char *prefix, size_t limit,
                       struct gz_tag_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TAG_LIST);
    int rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    if (!st)
        return GZ_EIO;
    gz_sqlite_bind_text(st, 1, prefix, &rc);
    gz_sqlite_bind_i64(st, 2, gz_store_clamp_size(limit), &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag prefix")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_tag *t = &out->items[out->len++];
        t->id = sqlite3_column_int64(st, 0);
        t->name = gz_sqlite_column_dup(st, 1);
        t->slug = gz_sqlite_column_dup(st, 2);
        t->count = 0;
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing tags");
    done(st);
    if (rc != GZ_OK)
        gz_tag_list_clear(out);
    return rc;
}
