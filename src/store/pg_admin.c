/* The PostgreSQL backend's operations for the admin: the filtered article
 * list, the trash, revisions and the tag list; the twin of sqlite_admin.c.
 *
 * As there, the list's filters are one statement whose parameters switch
 * each filter off ("$2 = 0 OR ..."): no SQL is assembled at run time.
 * Parameters used in such a switch are cast, since "$2 = 0" alone would
 * type them integer. */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* SQLite's lower() folds ASCII letters only; PostgreSQL's folds by the
 * locale. translate() keeps the match the same on both backends. */
#define ASCII_LOWER(x)                                                                   \
    "translate(" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

/* ---- the article list ---- */

/* Parameters: $1 status (-1 any; 2 scheduled = published with a future
 * date, or the stored status 2 that imports may write; 1 published and
 * live), $2 author id (0 any), $3 tag slug ('' any), $4 lang ('' any),
 * $5 title/slug substring ('' any; ASCII letters ignore case; no
 * wildcards), $6 trash (0 not deleted, 1 only deleted), $7 now. */
#define LIST_WHERE                                                                       \
    "WHERE (CASE WHEN $6::bigint <> 0 THEN a.deleted_at <> 0 ELSE a.deleted_at = 0 "     \
    "END) "                                                                              \
    "AND ($1::bigint = -1 "                                                              \
    "  OR ($1::bigint = 2 AND (a.status = 2 OR (a.status = 1 "                           \
    "      AND a.published_at > $7::bigint))) "                                          \
    "  OR ($1::bigint = 1 AND a.status = 1 AND a.published_at <= $7::bigint) "           \
    "  OR ($1::bigint NOT IN (1, 2) AND a.status = $1::bigint)) "                        \
    "AND ($2::bigint = 0 OR a.author_id = $2::bigint) "                                  \
    "AND ($3::text = '' OR EXISTS (SELECT 1 FROM article_tags at JOIN tags t "           \
    "  ON t.id = at.tag_id WHERE at.article_id = a.id AND t.slug = $3::text)) "          \
    "AND ($4::text = '' OR a.lang = $4::text) "                                          \
    "AND ($5::text = '' "                                                                \
    "  OR strpos(" ASCII_LOWER("a.title") ", " ASCII_LOWER(                              \
        "$5::text") ") > 0 "                                                             \
                    "  OR strpos(" ASCII_LOWER("a.slug") ", " ASCII_LOWER(               \
                        "$5::text") ") > 0) "

/* $8, $9: the keyset (updated_at, id) to continue after, $8 = 0 for none;
 * $10 limit, $11 offset. */
static const char SQL_LIST[] =
    "SELECT a.id, a.slug, a.title, a.lang, coalesce(au.name, ''), a.status, "
    "a.published_at, a.updated_at, a.deleted_at, coalesce(a.author_id, 0) "
    "FROM articles a LEFT JOIN authors au ON au.id = a.author_id " LIST_WHERE
    "AND ($8::bigint = 0 OR a.updated_at < $9::bigint "
    "  OR (a.updated_at = $9::bigint AND a.id < $8::bigint)) "
    "ORDER BY a.updated_at DESC, a.id DESC LIMIT $10 OFFSET $11";

static const char SQL_COUNT[] = "SELECT count(*) FROM articles a " LIST_WHERE;

static const char SQL_ROW_TAGS[] =
    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
    "WHERE at.article_id = $1 ORDER BY at.position";

/* Adds the filters shared by the list and its count ($1 to $7). */
static void add_filter(struct gz_pg_params *p, const struct gz_article_filter *f)
{
    gz_pg_p_i64(p, f->status);
    gz_pg_p_i64(p, f->author_id);
    gz_pg_p_text(p, f->tag);
    gz_pg_p_text(p, f->lang);
    gz_pg_p_text(p, f->q);
    gz_pg_p_i64(p, f->trash ? 1 : 0);
    gz_pg_p_i64(p, f->now);
}

static int count_rows(struct pg_store *s, const struct gz_article_filter *f,
                      int64_t *total)
{
    struct gz_pg_params p = {0};
    add_filter(&p, f);
    int rc = gz_pg_run_i64(s, SQL_COUNT, &p, "counting articles", total);
    return rc == GZ_ENOTFOUND ? GZ_EIO : rc;
}

static int row_tags(struct pg_store *s, struct gz_article_row *row)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, row->id);
    PGresult *r;
    int rc = gz_pg_query(s, SQL_ROW_TAGS, &p, "reading an article's tags", &r);
    if (rc != GZ_OK)
        return rc;
    row->tags = gz_pg_rows_alloc(r, sizeof *row->tags);
    for (int i = 0; i < PQntuples(r); i++)
        row->tags[row->ntags++] = gz_pg_dup(r, i, 0);
    PQclear(r);
    return GZ_OK;
}

static void fill_row(const PGresult *r, int i, struct gz_article_row *row)
{
    memset(row, 0, sizeof *row);
    row->id = gz_pg_i64(r, i, 0);
    row->slug = gz_pg_dup(r, i, 1);
    row->title = gz_pg_dup(r, i, 2);
    row->lang = gz_pg_dup(r, i, 3);
    row->author_name = gz_pg_dup(r, i, 4);
    row->status = (enum gz_status)gz_pg_i64(r, i, 5);
    row->published_at = gz_pg_i64(r, i, 6);
    row->updated_at = gz_pg_i64(r, i, 7);
    row->deleted_at = gz_pg_i64(r, i, 8);
    row->author_id = gz_pg_i64(r, i, 9);
}

static int list_rows(struct pg_store *s, const struct gz_article_filter *f,
                     struct gz_article_rows *out)
{
    struct gz_pg_params p = {0};
    add_filter(&p, f);
    gz_pg_p_i64(&p, f->before_id > 0 ? f->before_id : 0);
    gz_pg_p_i64(&p, f->before_updated);
    gz_pg_p_i64(&p, gz_store_clamp_size(f->limit));
    gz_pg_p_i64(&p, f->before_id > 0 ? 0 : gz_store_clamp_size(f->offset));
    PGresult *r;
    int rc = gz_pg_query(s, SQL_LIST, &p, "listing articles", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_row(r, i, &out->items[out->len++]);
    PQclear(r);
    for (size_t i = 0; i < out->len && rc == GZ_OK; i++)
        rc = row_tags(s, &out->items[i]);
    return rc;
}

/* The page and the count come from one snapshot, so they agree. */
int gz_pg_article_list(struct gz_store *gs, const struct gz_article_filter *f,
                       struct gz_article_rows *out, int64_t *total)
{
    struct pg_store *s = pg_from(gs);
    int started;
    memset(out, 0, sizeof *out);
    if (!f)
        return GZ_EINVAL;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    if (total)
        rc = count_rows(s, f, total);
    if (rc == GZ_OK && f->limit > 0)
        rc = list_rows(s, f, out);
    gz_pg_read_end(s, started);
    if (rc != GZ_OK)
        gz_article_rows_clear(out);
    return rc;
}

/* ---- trash ---- */

/* change_seq takes the bumped sequence, so the flusher drops the cached
 * page and refreshes the blocks like after any save. */
static const char SQL_TRASH[] =
    "UPDATE articles SET deleted_at = $2, change_seq = $3 WHERE id = $1 RETURNING id";

static int trash_in_tx(struct pg_store *s, int64_t id, int64_t now)
{
    int64_t seq = 0;
    int rc = gz_pg_next_change_seq(s, &seq);
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, seq);
    int64_t moved;
    return gz_pg_run_i64(s, SQL_TRASH, &p, "moving an article to the trash", &moved);
}

int gz_pg_article_trash(struct gz_store *gs, int64_t id, int64_t now)
{
    struct pg_store *s = pg_from(gs);
    if (id <= 0 || now < 0)
        return GZ_EINVAL;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = trash_in_tx(s, id, now);
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* What goes with an article; $1 is the article id, or 0 for every
 * article in the trash. Its search-index row, tags, revisions and
 * translation link go with the article (ON DELETE CASCADE); the view
 * tables have no foreign keys (see 0001), so they are cleaned by hand. */
#define PURGED                                                                           \
    "(SELECT id FROM articles WHERE ($1::bigint = 0 AND deleted_at <> 0) "               \
    "OR id = $1::bigint)"
static const char SQL_PURGE_DAILY[] =
    "DELETE FROM views_daily WHERE article_id IN " PURGED;
static const char SQL_PURGE_HOURLY[] =
    "DELETE FROM views_hourly WHERE article_id IN " PURGED;
static const char SQL_PURGE_ARTICLES[] =
    "DELETE FROM articles WHERE ($1::bigint = 0 AND deleted_at <> 0) OR id = $1::bigint";

/* Runs one step; *deleted gets the number of rows it deleted. */
static int purge_step(struct pg_store *s, const char *sql, int64_t id, int64_t *deleted)
{
    char state[6];
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    PGresult *r = gz_pg_exec(s, sql, &p, "deleting an article for good", state);
    if (!r)
        return gz_pg_error(state);
    *deleted = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_article_purge(struct gz_store *gs, int64_t id)
{
    static const char *const steps[] = {SQL_PURGE_DAILY, SQL_PURGE_HOURLY,
                                        SQL_PURGE_ARTICLES};
    struct pg_store *s = pg_from(gs);
    if (id < 0)
        return GZ_EINVAL;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    /* Other servers' cached lists may hold it. */
    rc = gz_pg_next_change_seq(s, NULL);
    int64_t deleted = 0;
    for (size_t i = 0; i < GZ_COUNTOF(steps) && rc == GZ_OK; i++)
        rc = purge_step(s, steps[i], id, &deleted);
    if (rc == GZ_OK && id > 0 && deleted == 0)
        rc = GZ_ENOTFOUND;
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* ---- revisions ---- */

#define REVISION_COLUMNS                                                                 \
    "SELECT r.id, r.article_id, r.user_id, r.created_at, coalesce(au.name, ''), "        \
    "r.title, r.slug, r.summary, r.lang, r.status, r.published_at, r.tags, r.image "

static const char SQL_REVISIONS[] =
    REVISION_COLUMNS "FROM revisions r LEFT JOIN authors au ON au.id = r.user_id "
                     "WHERE r.article_id = $1 ORDER BY r.id DESC";
static const char SQL_REVISION[] =
    REVISION_COLUMNS ", r.body_src FROM revisions r LEFT JOIN authors au "
                     "ON au.id = r.user_id WHERE r.id = $1";

static void fill_revision(const PGresult *res, int i, struct gz_revision *r,
                          int with_body)
{
    memset(r, 0, sizeof *r);
    r->id = gz_pg_i64(res, i, 0);
    r->article_id = gz_pg_i64(res, i, 1);
    r->user_id = gz_pg_i64(res, i, 2);
    r->created_at = gz_pg_i64(res, i, 3);
    r->user_name = gz_pg_dup(res, i, 4);
    r->title = gz_pg_dup(res, i, 5);
    r->slug = gz_pg_dup(res, i, 6);
    r->summary = gz_pg_dup(res, i, 7);
    r->lang = gz_pg_dup(res, i, 8);
    r->status = (enum gz_status)gz_pg_i64(res, i, 9);
    r->published_at = gz_pg_i64(res, i, 10);
    r->tags = gz_pg_dup(res, i, 11);
    r->image = gz_pg_dup(res, i, 12);
    if (with_body)
        r->body_src = gz_pg_dup(res, i, 13);
}

int gz_pg_revision_list(struct gz_store *gs, int64_t article_id,
                        struct gz_revision_list *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, article_id);
    PGresult *r;
    int rc = gz_pg_query(pg_from(gs), SQL_REVISIONS, &p, "listing revisions", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_revision(r, i, &out->items[out->len++], 0);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_revision_get(struct gz_store *gs, int64_t id, struct gz_revision *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    PGresult *r;
    int rc = gz_pg_query_row(pg_from(gs), SQL_REVISION, &p, "reading a revision", &r);
    if (rc != GZ_OK)
        return rc;
    fill_revision(r, 0, out, 1);
    PQclear(r);
    return GZ_OK;
}

/* ---- tags ---- */

/* A prefix match that ignores ASCII case, without LIKE's wildcards: the
 * typed prefix is compared with as many leading characters of the name. */
static const char SQL_TAG_LIST[] =
    "SELECT id, name, slug FROM tags WHERE $1::text = '' OR "
    "" ASCII_LOWER("substr(name, 1, length($1::text))") " = " ASCII_LOWER(
        "$1::text") " "
                    "ORDER BY name LIMIT $2";

int gz_pg_tag_list(struct gz_store *gs, const char *prefix, size_t limit,
                   struct gz_tag_list *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, prefix);
    gz_pg_p_i64(&p, gz_store_clamp_size(limit));
    PGresult *r;
    int rc = gz_pg_query(pg_from(gs), SQL_TAG_LIST, &p, "listing tags", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_tag *t = &out->items[out->len++];
        t->id = gz_pg_i64(r, i, 0);
        t->name = gz_pg_dup(r, i, 1);
        t->slug = gz_pg_dup(r, i, 2);
        t->count = 0;
    }
    PQclear(r);
    return GZ_OK;
}
