/* The PostgreSQL backend of the store: articles, their slugs and tags,
 * teasers, the change log, sections (tags) and authors; every save also
 * keeps a revision. The twin of sqlite_articles.c (and of the article,
 * home and tag lists of sqlite_lists.c), with the same contracts.
 *
 * Slugs: a save looks for a free slug inside its transaction, then writes
 * it. Another server may take the same slug between the look and the
 * write; the write then meets the unique index, and the save looks again
 * instead of failing: an insert through ON CONFLICT DO NOTHING, an update
 * inside a savepoint (a failed statement would abort the transaction).
 *
 * Lists are plain indexed queries: unlike SQLite's handles, a PostgreSQL
 * handle keeps no cache of them (several servers write the same rows). */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

/* Times a save looks for a free slug again after losing it to another
 * writer between the look and the write. */
#define SLUG_RACES 8

static const char SQL_SLUG_OWNER[] = "SELECT id FROM articles WHERE slug = $1";
static const char SQL_TAG_SLUG_OWNER[] = "SELECT id FROM tags WHERE slug = $1";
static const char SQL_ARTICLE_INSERT[] =
    "INSERT INTO articles (slug, title, summary, body_src, body_html, teaser, lang, "
    "status, published_at, updated_at, author_id, change_seq, image, created_at, "
    "body_format) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
    "ON CONFLICT (slug) DO NOTHING RETURNING id";
static const char SQL_ARTICLE_UPDATE[] =
    "UPDATE articles SET slug = $1, title = $2, summary = $3, body_src = $4, "
    "body_html = $5, teaser = $6, lang = $7, status = $8, published_at = $9, "
    "updated_at = $10, author_id = $11, change_seq = $12, image = $13, "
    "body_format = $14 WHERE id = $15 RETURNING id";
static const char SQL_ARTICLE_GET[] = GZ_SQL_ARTICLE_COLUMNS "WHERE a.id = $1";
static const char SQL_ARTICLE_GET_BY_SLUG[] = GZ_SQL_ARTICLE_COLUMNS "WHERE a.slug = $1";
static const char SQL_ARTICLE_TAGS[] =
    "SELECT t.name, t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id "
    "WHERE at.article_id = $1 ORDER BY at.position";
static const char SQL_ARTICLE_TAGS_DELETE[] =
    "DELETE FROM article_tags WHERE article_id = $1";
/* DO NOTHING: a tag listed twice keeps its first position. */
static const char SQL_ARTICLE_TAG_INSERT[] =
    "INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
static const char SQL_TAG_FIND[] = "SELECT id FROM tags WHERE name = $1";
static const char SQL_TAG_INSERT[] =
    "INSERT INTO tags (name, slug) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_REVISION_INSERT[] =
    "INSERT INTO revisions (article_id, user_id, created_at, title, slug, summary, "
    "body_src, lang, status, published_at, tags, image) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/* ---- slugs ---- */

/* Whom unique_slug asks about a slug: the owner query of its table and
 * the row that may keep its own slug. */
struct slug_owner {
    struct pg_store *s;
    const char *sql;
    int64_t self;
};

/* Sets *taken when `slug` belongs to a row other than the owner's self. */
static int slug_taken(void *ctx, const char *slug, int *taken)
{
    const struct slug_owner *o = ctx;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, slug);
    int64_t owner = 0;
    int rc = gz_pg_run_i64(o->s, o->sql, &p, "looking up a slug", &owner);
    if (rc == GZ_ENOTFOUND) {
        *taken = 0;
        return GZ_OK;
    }
    *taken = rc == GZ_OK && owner != o->self;
    return rc;
}

/* A slug not used by another row (gz_store_unique_slug); *out is heap. */
static int unique_slug(struct pg_store *s, const char *owner_sql, const char *base,
                       int64_t self, char **out)
{
    struct slug_owner o = {s, owner_sql, self};
    return gz_store_unique_slug(base, slug_taken, &o, out);
}

/* ---- articles: writes ---- */

/* What article_save decided before writing the row. */
struct save_plan {
    const char *slug;
    int64_t updated_at;
    int64_t created_at;
    int64_t change_seq;
};

/* An id of 0 means "none", stored as NULL. */
static void p_id(struct gz_pg_params *p, int64_t id)
{
    if (id)
        gz_pg_p_i64(p, id);
    else
        gz_pg_p_null(p);
}

/* Runs the insert or update of the row. *lost is set (GZ_EEXIST) when
 * the slug went to another writer meanwhile: an insert then wrote
 * nothing (ON CONFLICT), and the transaction is still usable. */
static int write_row(struct pg_store *s, const struct gz_article *a,
                     const struct save_plan *plan, int64_t *id, int *lost)
{
    int insert = a->id == 0;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, plan->slug);
    gz_pg_p_text(&p, a->title);
    gz_pg_p_text(&p, a->summary);
    gz_pg_p_text(&p, a->body_src);
    gz_pg_p_text(&p, a->body_html);
    gz_pg_p_text(&p, a->teaser);
    gz_pg_p_text(&p, a->lang);
    gz_pg_p_i64(&p, a->status);
    gz_pg_p_i64(&p, a->published_at);
    gz_pg_p_i64(&p, plan->updated_at);
    p_id(&p, a->author_id);
    gz_pg_p_i64(&p, plan->change_seq);
    gz_pg_p_text(&p, a->image);
    if (insert) {
        gz_pg_p_i64(&p, plan->created_at);
        gz_pg_p_i64(&p, a->body_format);
    } else {
        gz_pg_p_i64(&p, a->body_format);
        gz_pg_p_i64(&p, a->id);
    }
    char state[6];
    PGresult *r = gz_pg_exec(s, insert ? SQL_ARTICLE_INSERT : SQL_ARTICLE_UPDATE, &p,
                             "writing an article", state);
    if (!r) {
        if (strcmp(state, "23503") == 0) {
            gz_error("store: article_save: no author with id %lld",
                     (long long)a->author_id);
            return GZ_EINVAL;
        }
        int rc = gz_pg_error(state);
        /* An update changes no key but the slug. */
        *lost = !insert && rc == GZ_EEXIST;
        return rc;
    }
    int rows = PQntuples(r);
    if (rows)
        *id = gz_pg_i64(r, 0, 0);
    PQclear(r);
    if (rows)
        return GZ_OK;
    *lost = insert;
    return insert ? GZ_EEXIST : GZ_ENOTFOUND;
}

/* An update runs inside a savepoint, so losing the slug to a concurrent
 * writer (a unique violation) leaves the save's transaction usable. */
static int write_article(struct pg_store *s, const struct gz_article *a,
                         const struct save_plan *plan, int64_t *id, int *lost)
{
    *lost = 0;
    if (a->id == 0)
        return write_row(s, a, plan, id, lost);
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = write_row(s, a, plan, id, lost);
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* Finds the tag by name or creates it with a unique slug. A concurrent
 * writer may create the same name (found on the next look) or take the
 * slug (another is chosen). */
static int tag_ensure(struct pg_store *s, const char *name, int64_t *id)
{
    int rc = GZ_EEXIST;
    for (int tries = 0; tries < SLUG_RACES && rc == GZ_EEXIST; tries++) {
        struct gz_pg_params p = {0};
        gz_pg_p_text(&p, name);
        rc = gz_pg_run_i64(s, SQL_TAG_FIND, &p, "looking up a tag", id);
        if (rc != GZ_ENOTFOUND)
            return rc;
        char *base = gz_store_tag_slug(name);
        char *slug = NULL;
        rc = unique_slug(s, SQL_TAG_SLUG_OWNER, base, 0, &slug);
        free(base);
        if (rc != GZ_OK)
            return rc;
        struct gz_pg_params ins = {0};
        gz_pg_p_text(&ins, name);
        gz_pg_p_text(&ins, slug);
        rc = gz_pg_run_i64(s, SQL_TAG_INSERT, &ins, "creating a tag", id);
        free(slug);
        if (rc == GZ_ENOTFOUND)
            rc = GZ_EEXIST; /* the name or the slug was taken meanwhile */
    }
    return rc;
}

/* Replaces the article's tags with a->tags, in that order; NULL and empty
 * names are skipped. */
static int write_tags(struct pg_store *s, int64_t article_id, const struct gz_article *a)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, article_id);
    int rc = gz_pg_run(s, SQL_ARTICLE_TAGS_DELETE, &p, "clearing article tags");
    for (size_t i = 0; i < a->ntags && rc == GZ_OK; i++) {
        int64_t tag_id = 0;
        if (!a->tags[i] || !a->tags[i][0])
            continue;
        rc = tag_ensure(s, a->tags[i], &tag_id);
        if (rc != GZ_OK)
            break;
        struct gz_pg_params link = {0};
        gz_pg_p_i64(&link, article_id);
        gz_pg_p_i64(&link, tag_id);
        gz_pg_p_i64(&link, (int64_t)i);
        rc = gz_pg_run(s, SQL_ARTICLE_TAG_INSERT, &link, "tagging an article");
    }
    return rc;
}

/* Keeps what this save wrote, by whom (a->saved_by, 0 for the CLI). */
static int write_revision(struct pg_store *s, const struct gz_article *a,
                          const struct save_plan *plan, int64_t id)
{
    struct gz_buf tags;
    gz_buf_init(&tags, GZ_BUF_PAGE_MAX);
    int rc = gz_store_tags_join(a, &tags);
    if (rc == GZ_OK) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, id);
        gz_pg_p_i64(&p, a->saved_by);
        gz_pg_p_i64(&p, plan->created_at);
        gz_pg_p_text(&p, a->title);
        gz_pg_p_text(&p, plan->slug);
        gz_pg_p_text(&p, a->summary);
        gz_pg_p_text(&p, a->body_src);
        gz_pg_p_text(&p, a->lang);
        gz_pg_p_i64(&p, a->status);
        gz_pg_p_i64(&p, a->published_at);
        gz_pg_p_text(&p, tags.p);
        gz_pg_p_text(&p, a->image);
        rc = gz_pg_run(s, SQL_REVISION_INSERT, &p, "recording a revision");
    }
    gz_buf_free(&tags);
    return rc;
}

/* Everything between begin and commit of article_save: the row, its tags,
 * a revision and the search index commit together or not at all. */
static int save_in_tx(struct pg_store *s, const struct gz_article *a,
                      struct save_plan *plan, char **slug, int64_t *id)
{
    int rc = gz_pg_next_change_seq(s, &plan->change_seq);
    for (int tries = 0; rc == GZ_OK && tries < SLUG_RACES; tries++) {
        free(*slug);
        *slug = NULL;
        if ((rc = unique_slug(s, SQL_SLUG_OWNER, a->slug, a->id, slug)) != GZ_OK)
            break;
        plan->slug = *slug;
        int lost = 0;
        rc = write_article(s, a, plan, id, &lost);
        if (!lost)
            break;
        rc = GZ_OK; /* the slug went to another writer: look again */
        if (tries == SLUG_RACES - 1)
            rc = GZ_EEXIST;
    }
    if (rc == GZ_OK)
        rc = write_tags(s, *id, a);
    if (rc == GZ_OK)
        rc = write_revision(s, a, plan, *id);
    if (rc == GZ_OK)
        rc = gz_pg_search_index(s, *id); /* pg_search.c */
    return rc;
}

/* The id, final slug and updated_at are written back into `a` only once
 * the save has committed (or been folded into the caller's transaction). */
int gz_pg_article_save(struct gz_store *gs, struct gz_article *a)
{
    struct pg_store *s = pg_from(gs);
    int rc = gz_store_article_check(a);
    if (rc != GZ_OK)
        return rc;
    int64_t now = (int64_t)time(NULL);
    struct save_plan plan = {
        .updated_at = a->updated_at ? a->updated_at : now,
        .created_at = now,
    };
    char *slug = NULL;
    int64_t id = 0;
    if ((rc = gz_pg_tx_begin(s)))
        return rc;
    rc = save_in_tx(s, a, &plan, &slug, &id);
    if (rc == GZ_OK)
        rc = gz_pg_tx_commit(s);
    else
        gz_pg_tx_rollback(s);
    if (rc == GZ_OK) {
        a->id = id;
        a->updated_at = plan.updated_at;
        if (strcmp(slug, a->slug) != 0) {
            free(a->slug);
            a->slug = slug;
            slug = NULL;
        }
    }
    free(slug);
    return rc;
}

/* ---- articles: reads ---- */

static void fill_article(const PGresult *r, struct gz_article *out)
{
    out->id = gz_pg_i64(r, 0, 0);
    out->slug = gz_pg_dup(r, 0, 1);
    out->title = gz_pg_dup(r, 0, 2);
    out->summary = gz_pg_dup(r, 0, 3);
    out->body_src = gz_pg_dup(r, 0, 4);
    out->body_html = gz_pg_dup(r, 0, 5);
    out->teaser = gz_pg_dup(r, 0, 6);
    out->lang = gz_pg_dup(r, 0, 7);
    out->status = (enum gz_status)gz_pg_i64(r, 0, 8);
    out->published_at = gz_pg_i64(r, 0, 9);
    out->updated_at = gz_pg_i64(r, 0, 10);
    out->author_id = gz_pg_i64(r, 0, 11);
    out->author_name = gz_pg_dup(r, 0, 12);
    out->image = gz_pg_dup(r, 0, 13);
    out->deleted_at = gz_pg_i64(r, 0, 14);
    out->created_at = gz_pg_i64(r, 0, 15);
    out->body_format = (int)gz_pg_i64(r, 0, 16);
}

static int load_tags(struct pg_store *s, struct gz_article *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, out->id);
    PGresult *r = gz_pg_exec(s, SQL_ARTICLE_TAGS, &p, "reading article tags", NULL);
    if (!r)
        return GZ_EIO;
    size_t rows = (size_t)PQntuples(r);
    if (rows) {
        out->tags = gz_xcalloc(rows, sizeof *out->tags);
        out->tag_slugs = gz_xcalloc(rows, sizeof *out->tag_slugs);
    }
    for (size_t i = 0; i < rows; i++) {
        out->tags[i] = gz_pg_dup(r, (int)i, 0);
        out->tag_slugs[i] = gz_pg_dup(r, (int)i, 1);
    }
    out->ntags = rows;
    PQclear(r);
    return GZ_OK;
}

/* Runs an article query (by id or by slug) and its tags in one snapshot.
 * On any failure *out is left cleared. */
static int article_read(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                        struct gz_article *out)
{
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    PGresult *r = gz_pg_exec(s, sql, p, "reading an article", NULL);
    if (!r) {
        rc = GZ_EIO;
    } else if (PQntuples(r) == 0) {
        rc = GZ_ENOTFOUND;
    } else {
        fill_article(r, out);
        rc = GZ_OK;
    }
    PQclear(r);
    if (rc == GZ_OK)
        rc = load_tags(s, out);
    gz_pg_read_end(s, started);
    if (rc != GZ_OK)
        gz_article_clear(out);
    return rc;
}

/* Every string of a read article is non-NULL ("" when absent); tags is
 * NULL when ntags is 0. *out is overwritten, not freed. */
int gz_pg_article_get(struct gz_store *gs, int64_t id, struct gz_article *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    return article_read(pg_from(gs), SQL_ARTICLE_GET, &p, out);
}

int gz_pg_article_get_by_slug(struct gz_store *gs, const char *slug,
                              struct gz_article *out)
{
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, slug);
    return article_read(pg_from(gs), SQL_ARTICLE_GET_BY_SLUG, &p, out);
}

/* ---- teasers and lists ---- */

/* ids as an array parameter: "{1,2,3}". */
static int id_array(const int64_t *ids, size_t n, struct gz_buf *out)
{
    int rc = gz_buf_putc(out, '{');
    for (size_t i = 0; i < n && rc == GZ_OK; i++)
        rc = gz_buf_printf(out, i ? ",%lld" : "%lld", (long long)ids[i]);
    if (rc == GZ_OK)
        rc = gz_buf_putc(out, '}');
    return rc;
}

/* Runs a teaser query and appends its rows to out. */
static int teasers_run(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                       struct gz_teaser_list *out)
{
    PGresult *r = gz_pg_exec(s, sql, p, "reading teasers", NULL);
    if (!r)
        return GZ_EIO;
    gz_pg_collect_teasers(r, out);
    PQclear(r);
    return GZ_OK;
}

/* The ids as an array parameter ("{1,2,3}"), in their order: unnest WITH
 * ORDINALITY keeps it, and a repeated id is repeated. */
static const char SQL_TEASERS_OF[] =
    "SELECT a.id, a.slug, a.title, a.teaser, a.lang, a.published_at "
    "FROM unnest($2::bigint[]) WITH ORDINALITY AS u(id, ord) "
    "JOIN articles a ON a.id = u.id "
    "WHERE a.status = 1 AND a.published_at <= $1::bigint AND a.deleted_at = 0 "
    "ORDER BY u.ord";

int gz_pg_article_teasers(struct gz_store *gs, const int64_t *ids, size_t n, int64_t now,
                          struct gz_teaser_list *out)
{
    memset(out, 0, sizeof *out);
    if (n && !ids)
        return GZ_EINVAL;
    if (n == 0)
        return GZ_OK;
    struct gz_buf arr;
    gz_buf_init(&arr, GZ_BUF_PAGE_MAX);
    int rc = id_array(ids, n, &arr);
    if (rc == GZ_OK) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, now);
        gz_pg_p_text(&p, arr.p);
        rc = teasers_run(pg_from(gs), SQL_TEASERS_OF, &p, out);
    }
    gz_buf_free(&arr);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

static const char SQL_LATEST[] = GZ_SQL_TEASER_COLUMNS
    "WHERE " GZ_PG_PUBLISHED GZ_SQL_NEWEST_FIRST " LIMIT $2 OFFSET $3";
static const char SQL_COUNT_PUBLISHED[] =
    "SELECT count(*) FROM articles WHERE " GZ_PG_PUBLISHED;

int gz_pg_article_latest(struct gz_store *gs, int64_t now, size_t offset, size_t limit,
                         struct gz_teaser_list *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, gz_store_clamp_size(limit));
    gz_pg_p_i64(&p, gz_store_clamp_size(offset));
    int rc = teasers_run(pg_from(gs), SQL_LATEST, &p, out);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

int gz_pg_article_count_published(struct gz_store *gs, int64_t now, int64_t *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    return gz_pg_run_i64(pg_from(gs), SQL_COUNT_PUBLISHED, &p, "counting articles", out);
}

#define TAG_LIST                                                                         \
    "FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = $2 " \
    "AND a.status = 1 AND a.published_at <= $1::bigint AND a.deleted_at = 0"
static const char SQL_TAG_ARTICLES[] =
    "SELECT a.id, a.slug, a.title, a.teaser, a.lang, a.published_at " TAG_LIST
    " ORDER BY a.published_at DESC, a.id DESC LIMIT $3 OFFSET $4";
static const char SQL_TAG_COUNT[] = "SELECT count(*) " TAG_LIST;

/* The page and its total in one snapshot. */
int gz_pg_tag_articles(struct gz_store *gs, int64_t tag_id, int64_t now, size_t offset,
                       size_t limit, struct gz_teaser_list *out, int64_t *total)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    if (total)
        *total = 0;
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, tag_id);
    if (total)
        rc = gz_pg_run_i64(s, SQL_TAG_COUNT, &p, "counting a tag's articles", total);
    if (rc == GZ_OK && limit) {
        gz_pg_p_i64(&p, gz_store_clamp_size(limit));
        gz_pg_p_i64(&p, gz_store_clamp_size(offset));
        rc = teasers_run(s, SQL_TAG_ARTICLES, &p, out);
    }
    gz_pg_read_end(s, started);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

/* ---- the change log ---- */

static const char SQL_SEQ_GET[] = "SELECT seq FROM change_seq WHERE id = 1";
static const char SQL_CHANGES[] =
    "SELECT id FROM articles WHERE change_seq > $1 ORDER BY change_seq";

/* Appends column 0 of every row of r to *ids. */
static void collect_ids(const PGresult *r, int64_t **ids, size_t *n)
{
    size_t rows = (size_t)PQntuples(r);
    if (!rows)
        return;
    *ids = gz_xrealloc(*ids, (*n + rows) * sizeof **ids);
    for (size_t i = 0; i < rows; i++)
        (*ids)[(*n)++] = gz_pg_i64(r, (int)i, 0);
}

/* *ids is heap-allocated (NULL when *n is 0); the caller frees it. */
int gz_pg_changes_since(struct gz_store *gs, int64_t since, int64_t **ids, size_t *n,
                        int64_t *seq)
{
    struct pg_store *s = pg_from(gs);
    int started;
    *ids = NULL;
    *n = 0;
    int rc = gz_pg_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = gz_pg_run_i64(s, SQL_SEQ_GET, NULL, "reading the change sequence", seq);
    if (rc == GZ_OK) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, since);
        PGresult *r = gz_pg_exec(s, SQL_CHANGES, &p, "reading changes", NULL);
        if (r)
            collect_ids(r, ids, n);
        else
            rc = GZ_EIO;
        PQclear(r);
    }
    gz_pg_read_end(s, started);
    if (rc != GZ_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

static const char SQL_MAX_ID[] = "SELECT coalesce(max(id), 0) FROM articles";

int gz_pg_article_max_id(struct gz_store *gs, int64_t *out)
{
    return gz_pg_run_i64(pg_from(gs), SQL_MAX_ID, NULL, "reading the highest article id",
                         out);
}

static const char SQL_NEXT_SCHEDULED[] =
    "SELECT coalesce(min(published_at), 0) FROM articles "
    "WHERE status = 1 AND deleted_at = 0 AND published_at > $1::bigint";

int gz_pg_article_next_scheduled(struct gz_store *gs, int64_t now, int64_t *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    return gz_pg_run_i64(pg_from(gs), SQL_NEXT_SCHEDULED, &p,
                         "finding the next scheduled article", out);
}

/* Two servers claiming the same article meet on scheduled_live's primary
 * key: the second waits for the first to commit, then claims nothing. */
static const char SQL_GO_LIVE[] =
    "INSERT INTO scheduled_live (article_id, published_at, live_at) "
    "SELECT id, published_at, $1::bigint FROM articles "
    "WHERE status = 1 AND deleted_at = 0 AND published_at <= $1::bigint "
    "AND published_at > $1::bigint - 3600 AND updated_at < published_at "
    "ON CONFLICT DO NOTHING RETURNING article_id";
static const char SQL_MARK_CHANGED[] =
    "UPDATE articles SET change_seq = $1 WHERE id = ANY($2::bigint[])";

/* Marks the claimed articles changed with one bump of the sequence. */
static int mark_changed(struct pg_store *s, const int64_t *ids, size_t n)
{
    int64_t seq = 0;
    int rc = gz_pg_next_change_seq(s, &seq);
    if (rc != GZ_OK)
        return rc;
    struct gz_buf arr;
    gz_buf_init(&arr, GZ_BUF_PAGE_MAX);
    rc = id_array(ids, n, &arr);
    if (rc == GZ_OK) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, seq);
        gz_pg_p_text(&p, arr.p);
        rc = gz_pg_run(s, SQL_MARK_CHANGED, &p, "marking articles changed");
    }
    gz_buf_free(&arr);
    return rc;
}

int gz_pg_article_go_live(struct gz_store *gs, int64_t now, int64_t **ids, size_t *n)
{
    struct pg_store *s = pg_from(gs);
    *ids = NULL;
    *n = 0;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    PGresult *r = gz_pg_exec(s, SQL_GO_LIVE, &p, "claiming scheduled articles", NULL);
    if (r)
        collect_ids(r, ids, n);
    else
        rc = GZ_EIO;
    PQclear(r);
    if (rc == GZ_OK && *n)
        rc = mark_changed(s, *ids, *n);
    rc = rc == GZ_OK ? gz_pg_tx_commit(s) : (gz_pg_tx_rollback(s), rc);
    if (rc != GZ_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- tags ---- */

static const char SQL_TAGS_TOP[] =
    "SELECT t.id, t.name, t.slug, count(*) AS n FROM article_tags at "
    "JOIN articles a ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id "
    "WHERE a.status = 1 AND a.published_at <= $1::bigint AND a.deleted_at = 0 "
    "GROUP BY t.id ORDER BY n DESC, t.name LIMIT $2";
static const char SQL_TAG_BY_SLUG[] = "SELECT id, name, slug FROM tags WHERE slug = $1";

static void fill_tag(const PGresult *r, int row, struct gz_tag *t)
{
    t->id = gz_pg_i64(r, row, 0);
    t->name = gz_pg_dup(r, row, 1);
    t->slug = gz_pg_dup(r, row, 2);
}

int gz_pg_tags_top(struct gz_store *gs, int64_t now, size_t limit,
                   struct gz_tag_list *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, gz_store_clamp_size(limit));
    PGresult *r = gz_pg_exec(pg_from(gs), SQL_TAGS_TOP, &p, "reading tags", NULL);
    if (!r)
        return GZ_EIO;
    size_t rows = (size_t)PQntuples(r);
    if (rows)
        out->items = gz_xcalloc(rows, sizeof *out->items);
    for (size_t i = 0; i < rows; i++) {
        struct gz_tag *t = &out->items[out->len++];
        fill_tag(r, (int)i, t);
        t->count = gz_pg_i64(r, (int)i, 3);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_tag_get_by_slug(struct gz_store *gs, const char *slug, struct gz_tag *out)
{
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, slug);
    PGresult *r;
    int rc = gz_pg_query_row(pg_from(gs), SQL_TAG_BY_SLUG, &p, "reading a tag", &r);
    if (rc != GZ_OK)
        return rc;
    fill_tag(r, 0, out);
    PQclear(r);
    return GZ_OK;
}

/* ---- authors ---- */

static const char SQL_AUTHOR_FIND[] = "SELECT id FROM authors WHERE name = $1";
static const char SQL_AUTHOR_INSERT[] = "INSERT INTO authors (name, created_at) "
                                        "VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";

static int author_find(struct pg_store *s, const char *name, int64_t *id)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, name);
    return gz_pg_run_i64(s, SQL_AUTHOR_FIND, &p, "looking up an author", id);
}

int gz_pg_author_ensure(struct gz_store *gs, const char *name, int64_t *id)
{
    struct pg_store *s = pg_from(gs);
    if (!name || !name[0])
        return GZ_EINVAL;
    int rc = author_find(s, name, id);
    if (rc != GZ_ENOTFOUND)
        return rc;
    /* DO NOTHING on conflict: another server may have added the same
     * author since the lookup; the second lookup finds either row. */
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, name);
    gz_pg_p_i64(&p, (int64_t)time(NULL));
    if ((rc = gz_pg_run(s, SQL_AUTHOR_INSERT, &p, "creating an author")))
        return rc;
    return author_find(s, name, id);
}
