/* The SQLite backend of the store: articles, their slugs and tags, teasers,
 * the change log, sections (tags) and authors; every save also keeps a
 * revision. Shares the handle, the statements and the helpers of
 * sqliteInt.h; the statements' SQL is in sqlite.c, except the revision
 * insert (prepared lazily, next to its code). */
#include "store/sqliteInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

/* A binder like gz_sqlite_bind_i64, except that an id of 0 means "none" and
 * is stored as NULL. */
static void bind_id(sqlite3_stmt *st, int i, int64_t id, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

/* ---- slugs ---- */

/* Whom unique_slug asks about a slug: the owner statement of its table
 * and the row that may keep its own slug. */
struct slug_owner {
    struct sqlite_store *s;
    enum stmt_id stmt;
    int64_t self;
};

/* Sets *taken when `slug` belongs to a row other than the owner's self. */
static int slug_taken(void *ctx, const char *slug, int *taken)
{
    const struct slug_owner *o = ctx;
    sqlite3_stmt *st = o->s->stmt[o->stmt];
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, slug, &rc);
    if ((rc = gz_sqlite_bound(o->s, st, rc, "binding a slug")))
        return rc;
    int64_t owner;
    rc = gz_sqlite_step_i64(o->s, st, "looking up a slug", &owner);
    if (rc == GZ_ENOTFOUND) {
        *taken = 0;
        return GZ_OK;
    }
    *taken = rc == GZ_OK && owner != o->self;
    return rc;
}

/* A slug not used by another row (gz_store_unique_slug); *out is heap. */
static int unique_slug(struct sqlite_store *s, enum stmt_id owner_stmt, const char *base,
                       int64_t self, char **out)
{
    struct slug_owner o = {s, owner_stmt, self};
    return gz_store_unique_slug(base, slug_taken, &o, out);
}

/* ---- articles: writes ---- */

int gz_sqlite_next_change_seq(struct sqlite_store *s, int64_t *seq)
{
    int rc = gz_sqlite_step_done(s, s->stmt[ST_SEQ_BUMP], "bumping the change sequence");
    if (rc == GZ_OK && seq)
        rc = gz_sqlite_step_i64(s, s->stmt[ST_SEQ_GET], "reading the change sequence",
                                seq);
    return rc;
}

/* What article_save decided before writing the row. */
struct save_plan {
    const char *slug;
    int64_t updated_at;
    int64_t created_at;
    int64_t change_seq;
};

static int write_article(struct sqlite_store *s, const struct gz_article *a,
                         const struct save_plan *plan, int64_t *id)
{
    int insert = a->id == 0;
    sqlite3_stmt *st = s->stmt[insert ? ST_ARTICLE_INSERT : ST_ARTICLE_UPDATE];
    int rc = SQLITE_OK;
    bind_id(st, 1, a->id, &rc);
    gz_sqlite_bind_text(st, 2, plan->slug, &rc);
    gz_sqlite_bind_text(st, 3, a->title, &rc);
    gz_sqlite_bind_text(st, 4, a->summary, &rc);
    gz_sqlite_bind_text(st, 5, a->body_src, &rc);
    gz_sqlite_bind_text(st, 6, a->body_html, &rc);
    gz_sqlite_bind_text(st, 7, a->teaser, &rc);
    gz_sqlite_bind_text(st, 8, a->lang, &rc);
    gz_sqlite_bind_i64(st, 9, a->status, &rc);
    gz_sqlite_bind_i64(st, 10, a->published_at, &rc);
    gz_sqlite_bind_i64(st, 11, plan->updated_at, &rc);
    bind_id(st, 12, a->author_id, &rc);
    gz_sqlite_bind_i64(st, 13, plan->change_seq, &rc);
    gz_sqlite_bind_text(st, 14, a->image, &rc);
    if (insert)
        gz_sqlite_bind_i64(st, 15, plan->created_at, &rc);
    gz_sqlite_bind_i64(st, 16, a->body_format, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        gz_error("store: article_save: no author with id %lld", (long long)a->author_id);
        rc = GZ_EINVAL;
    } else if (rc != SQLITE_DONE) {
        rc = gz_sqlite_fail(s, "writing an article");
    } else if (insert) {
        *id = sqlite3_last_insert_rowid(s->db);
        rc = GZ_OK;
    } else {
        *id = a->id;
        rc = sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
    }
    done(st);
    return rc;
}

/* Finds the tag by name or creates it with a unique slug. */
static int tag_ensure(struct sqlite_store *s, const char *name, int64_t *id)
{
    sqlite3_stmt *st = s->stmt[ST_TAG_FIND];
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, name, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag")))
        return rc;
    rc = gz_sqlite_step_i64(s, st, "looking up a tag", id);
    if (rc != GZ_ENOTFOUND)
        return rc;

    char *base = gz_store_tag_slug(name);
    char *slug = NULL;
    rc = unique_slug(s, ST_TAG_SLUG_OWNER, base, 0, &slug);
    free(base);
    if (rc != GZ_OK)
        return rc;
    st = s->stmt[ST_TAG_INSERT];
    gz_sqlite_bind_text(st, 1, name, &rc);
    gz_sqlite_bind_text(st, 2, slug, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag")) == GZ_OK)
        rc = gz_sqlite_step_done(s, st, "creating a tag");
    if (rc == GZ_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    free(slug);
    return rc;
}

static int link_tag(struct sqlite_store *s, int64_t article_id, int64_t tag_id,
                    size_t position)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAG_INSERT];
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    gz_sqlite_bind_i64(st, 2, tag_id, &rc);
    gz_sqlite_bind_i64(st, 3, (int64_t)position, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article tag")))
        return rc;
    return gz_sqlite_step_done(s, st, "tagging an article");
}

/* Replaces the article's tags with a->tags, in that order; NULL and empty
 * names are skipped. */
static int write_tags(struct sqlite_store *s, int64_t article_id,
                      const struct gz_article *a)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAGS_DELETE];
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, article_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "clearing article tags")))
        return rc;
    for (size_t i = 0; i < a->ntags && rc == GZ_OK; i++) {
        int64_t tag_id;
        if (!a->tags[i] || !a->tags[i][0])
            continue;
        rc = tag_ensure(s, a->tags[i], &tag_id);
        if (rc == GZ_OK)
            rc = link_tag(s, article_id, tag_id, i);
    }
    return rc;
}

/* ---- revisions ---- */

static const char SQL_REVISION_INSERT[] =
    "INSERT INTO revisions (article_id, user_id, created_at, title, slug, summary, "
    "body_src, lang, status, published_at, tags, image) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/* Keeps what this save wrote, by whom (a->saved_by, 0 for the CLI). */
static int write_revision(struct sqlite_store *s, const struct gz_article *a,
                          const struct save_plan *plan, int64_t id)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_REVISION_INSERT);
    if (!st)
        return GZ_EIO;
    struct gz_buf tags;
    gz_buf_init(&tags, GZ_BUF_PAGE_MAX);
    int rc = gz_store_tags_join(a, &tags);
    if (rc != GZ_OK) {
        gz_buf_free(&tags);
        return rc;
    }
    gz_sqlite_bind_i64(st, 1, id, &rc);
    gz_sqlite_bind_i64(st, 2, a->saved_by, &rc);
    gz_sqlite_bind_i64(st, 3, plan->created_at, &rc);
    gz_sqlite_bind_text(st, 4, a->title, &rc);
    gz_sqlite_bind_text(st, 5, plan->slug, &rc);
    gz_sqlite_bind_text(st, 6, a->summary, &rc);
    gz_sqlite_bind_text(st, 7, a->body_src, &rc);
    gz_sqlite_bind_text(st, 8, a->lang, &rc);
    gz_sqlite_bind_i64(st, 9, a->status, &rc);
    gz_sqlite_bind_i64(st, 10, a->published_at, &rc);
    gz_sqlite_bind_text(st, 11, tags.p, &rc);
    gz_sqlite_bind_text(st, 12, a->image, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a revision")) == GZ_OK)
        rc = gz_sqlite_step_done(s, st, "recording a revision");
    gz_buf_free(&tags);
    return rc;
}

/* Everything between begin and commit of article_save: the row, its tags
 * and a revision commit together or not at all. */
static int save_in_tx(struct sqlite_store *s, const struct gz_article *a,
                      struct save_plan *plan, char **slug, int64_t *id)
{
    int rc = unique_slug(s, ST_SLUG_OWNER, a->slug, a->id, slug);
    if (rc != GZ_OK)
        return rc;
    plan->slug = *slug;
    rc = gz_sqlite_next_change_seq(s, &plan->change_seq);
    if (rc == GZ_OK)
        rc = write_article(s, a, plan, id);
    if (rc == GZ_OK)
        rc = write_tags(s, *id, a);
    if (rc == GZ_OK)
        rc = write_revision(s, a, plan, *id);
    if (rc == GZ_OK)
        rc = gz_sqlite_search_index(s, *id); /* sqlite_search.c */
    return rc;
}

/* The id, final slug and updated_at are written back into `a` only once
 * the save has committed (or been folded into the caller's transaction). */
int gz_sqlite_article_save(struct gz_store *gs, struct gz_article *a)
{
    struct sqlite_store *s = from(gs);
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
    if ((rc = gz_sqlite_tx_begin(s)))
        return rc;
    rc = save_in_tx(s, a, &plan, &slug, &id);
    if (rc == GZ_OK)
        rc = gz_sqlite_tx_commit(s);
    else
        gz_sqlite_tx_rollback(s);
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

static void fill_article(sqlite3_stmt *st, struct gz_article *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->slug = gz_sqlite_column_dup(st, 1);
    out->title = gz_sqlite_column_dup(st, 2);
    out->summary = gz_sqlite_column_dup(st, 3);
    out->body_src = gz_sqlite_column_dup(st, 4);
    out->body_html = gz_sqlite_column_dup(st, 5);
    out->teaser = gz_sqlite_column_dup(st, 6);
    out->lang = gz_sqlite_column_dup(st, 7);
    out->status = (enum gz_status)sqlite3_column_int(st, 8);
    out->published_at = sqlite3_column_int64(st, 9);
    out->updated_at = sqlite3_column_int64(st, 10);
    out->author_id = sqlite3_column_int64(st, 11);
    out->author_name = gz_sqlite_column_dup(st, 12);
    out->image = gz_sqlite_column_dup(st, 13);
    out->deleted_at = sqlite3_column_int64(st, 14);
    out->created_at = sqlite3_column_int64(st, 15);
    out->body_format = sqlite3_column_int(st, 16);
}

static int load_tags(struct sqlite_store *s, struct gz_article *out)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAGS];
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, out->id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->ntags == cap) {
            cap = cap ? cap * 2 : 4;
            out->tags = gz_xrealloc(out->tags, cap * sizeof *out->tags);
            out->tag_slugs = gz_xrealloc(out->tag_slugs, cap * sizeof *out->tag_slugs);
        }
        out->tags[out->ntags] = gz_sqlite_column_dup(st, 0);
        out->tag_slugs[out->ntags++] = gz_sqlite_column_dup(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading article tags");
    done(st);
    return rc;
}

/* Runs a bound article query (by id or by slug) and its tags in one
 * snapshot. On any failure *out is left cleared. */
static int article_read(struct sqlite_store *s, sqlite3_stmt *st, struct gz_article *out)
{
    int started;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc != GZ_OK) {
        done(st);
        return rc;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_article(st, out);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading an article");
    }
    done(st);
    if (rc == GZ_OK)
        rc = load_tags(s, out);
    gz_sqlite_read_end(s, started);
    if (rc != GZ_OK)
        gz_article_clear(out);
    return rc;
}

/* Every string of a read article is non-NULL ("" when absent); tags is
 * NULL when ntags is 0. *out is overwritten, not freed. */
int gz_sqlite_article_get(struct gz_store *gs, int64_t id, struct gz_article *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_GET];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    return article_read(s, st, out);
}

int gz_sqlite_article_get_by_slug(struct gz_store *gs, const char *slug,
                                  struct gz_article *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_GET_BY_SLUG];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    gz_sqlite_bind_text(st, 1, slug, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a slug")))
        return rc;
    return article_read(s, st, out);
}

static struct gz_teaser *teaser_push(struct gz_teaser_list *l, size_t *cap)
{
    if (l->len == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        l->items = gz_xrealloc(l->items, *cap * sizeof *l->items);
    }
    return &l->items[l->len++];
}

static void fill_teaser(sqlite3_stmt *st, struct gz_teaser *t)
{
    t->id = sqlite3_column_int64(st, 0);
    t->slug = gz_sqlite_column_dup(st, 1);
    t->title = gz_sqlite_column_dup(st, 2);
    t->teaser = gz_sqlite_column_dup(st, 3);
    t->lang = gz_sqlite_column_dup(st, 4);
    t->published_at = sqlite3_column_int64(st, 5);
}

int gz_sqlite_collect_teasers(struct sqlite_store *s, sqlite3_stmt *st,
                              struct gz_teaser_list *out, size_t *cap)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fill_teaser(st, teaser_push(out, cap));
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading teasers");
    done(st);
    return rc;
}

static int64_t clamp_size(size_t n)
{
    return n > (size_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* Teasers are read TEASER_BATCH ids to a statement (a list page's ten in
 * one): one statement per id was a tenth of a static export's time. Ids
 * the batch does not fill are bound to 0, which no article has. The unary
 * + keeps the planner on the ids: without it, it scans articles_live for
 * every published article and tests each against the list. */
#define TEASER_BATCH 16
static const char SQL_TEASERS_IN[] =
    "SELECT id, slug, title, teaser, lang, published_at FROM articles "
    "WHERE id IN (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17) "
    "AND +status = 1 AND +published_at <= ?1 AND +deleted_at = 0";

static void teaser_copy(struct gz_teaser *to, const struct gz_teaser *from)
{
    *to = (struct gz_teaser){from->id,
                             gz_xstrdup(from->slug),
                             gz_xstrdup(from->title),
                             gz_xstrdup(from->teaser),
                             gz_xstrdup(from->lang),
                             from->published_at};
}

/* Appends the teasers of ids[0..n) (n <= TEASER_BATCH) that are published,
 * in the order of ids (a repeated id, repeated). */
static int teaser_batch(struct sqlite_store *s, const int64_t *ids, size_t n, int64_t now,
                        struct gz_teaser_list *out, size_t *cap)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TEASERS_IN);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    for (size_t i = 0; i < TEASER_BATCH; i++)
        gz_sqlite_bind_i64(st, (int)i + 2, i < n ? ids[i] : 0, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding article ids")))
        return rc;
    struct gz_teaser_list found = {0};
    size_t found_cap = 0;
    rc = gz_sqlite_collect_teasers(s, st, &found, &found_cap);
    int *used = gz_xcalloc(found.len ? found.len : 1, sizeof *used);
    for (size_t i = 0; rc == GZ_OK && i < n; i++) {
        for (size_t k = 0; k < found.len; k++) {
            if (found.items[k].id != ids[i])
                continue;
            struct gz_teaser *t = teaser_push(out, cap);
            if (used[k]) {
                teaser_copy(t, &found.items[k]);
            } else {
                *t = found.items[k]; /* moved: found gives it up */
                used[k] = 1;
            }
            break;
        }
    }
    for (size_t k = 0; k < found.len; k++)
        if (used[k])
            found.items[k] = (struct gz_teaser){0};
    free(used);
    gz_teaser_list_clear(&found);
    return rc;
}

int gz_sqlite_article_teasers(struct gz_store *gs, const int64_t *ids, size_t n,
                              int64_t now, struct gz_teaser_list *out)
{
    struct sqlite_store *s = from(gs);
    int started;
    memset(out, 0, sizeof *out);
    if (n && !ids)
        return GZ_EINVAL;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = gz_sqlite_teasers_of(s, ids, n, now, out);
    gz_sqlite_read_end(s, started);
    return rc;
}

int gz_sqlite_teasers_of(struct sqlite_store *s, const int64_t *ids, size_t n,
                         int64_t now, struct gz_teaser_list *out)
{
    size_t cap = 0;
    int rc = GZ_OK;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n && rc == GZ_OK; i += TEASER_BATCH)
        rc = teaser_batch(s, ids + i, n - i < TEASER_BATCH ? n - i : TEASER_BATCH, now,
                          out, &cap);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

static int collect_changes(struct sqlite_store *s, int64_t since, int64_t **ids,
                           size_t *n)
{
    sqlite3_stmt *st = s->stmt[ST_CHANGES];
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, since, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a change sequence")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = gz_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading changes");
    done(st);
    return rc;
}

/* *ids is heap-allocated (NULL when *n is 0); the caller frees it. */
int gz_sqlite_changes_since(struct gz_store *gs, int64_t since, int64_t **ids, size_t *n,
                            int64_t *seq)
{
    struct sqlite_store *s = from(gs);
    int started;
    *ids = NULL;
    *n = 0;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = gz_sqlite_step_i64(s, s->stmt[ST_SEQ_GET], "reading the change sequence",
                                seq);
    if (rc == GZ_OK)
        rc = collect_changes(s, since, ids, n);
    gz_sqlite_read_end(s, started);
    if (rc != GZ_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

int gz_sqlite_article_max_id(struct gz_store *gs, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    return gz_sqlite_step_i64(s, s->stmt[ST_MAX_ID], "reading the highest article id",
                              out);
}

/* ---- tags ---- */

static void fill_tag(sqlite3_stmt *st, struct gz_tag *t)
{
    t->id = sqlite3_column_int64(st, 0);
    t->name = gz_sqlite_column_dup(st, 1);
    t->slug = gz_sqlite_column_dup(st, 2);
}

int gz_sqlite_tags_top(struct gz_store *gs, int64_t now, size_t limit,
                       struct gz_tag_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_TAGS_TOP];
    int rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    gz_sqlite_bind_i64(st, 1, now, &rc);
    gz_sqlite_bind_i64(st, 2, clamp_size(limit), &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag query")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_tag *t = &out->items[out->len++];
        fill_tag(st, t);
        t->count = sqlite3_column_int64(st, 3);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading tags");
    done(st);
    if (rc != GZ_OK)
        gz_tag_list_clear(out);
    return rc;
}

int gz_sqlite_tag_get_by_slug(struct gz_store *gs, const char *slug, struct gz_tag *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_TAG_BY_SLUG];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    gz_sqlite_bind_text(st, 1, slug, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag slug")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_tag(st, out);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a tag");
    }
    done(st);
    return rc;
}

/* ---- authors ---- */

static int author_find(struct sqlite_store *s, const char *name, int64_t *id)
{
    sqlite3_stmt *st = s->stmt[ST_AUTHOR_FIND];
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, name, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an author")))
        return rc;
    return gz_sqlite_step_i64(s, st, "looking up an author", id);
}

int gz_sqlite_author_ensure(struct gz_store *gs, const char *name, int64_t *id)
{
    struct sqlite_store *s = from(gs);
    if (!name || !name[0])
        return GZ_EINVAL;
    int rc = author_find(s, name, id);
    if (rc != GZ_ENOTFOUND)
        return rc;
    /* DO NOTHING on conflict: another process may have added the same
     * author since the lookup; the second lookup finds either row. */
    sqlite3_stmt *st = s->stmt[ST_AUTHOR_INSERT];
    rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, name, &rc);
    gz_sqlite_bind_i64(st, 2, (int64_t)time(NULL), &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an author")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "creating an author")))
        return rc;
    return author_find(s, name, id);
}

static const char SQL_NEXT_SCHEDULED[] =
    "SELECT coalesce(min(published_at), 0) FROM articles "
    "WHERE status = 1 AND deleted_at = 0 AND published_at > ?1";

int gz_sqlite_article_next_scheduled(struct gz_store *gs, int64_t now, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_NEXT_SCHEDULED);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a time")))
        return rc;
    return gz_sqlite_step_i64(s, st, "finding the next scheduled article", out);
}

/* The articles_live index holds every column this reads. */
static const char SQL_GO_LIVE[] =
    "INSERT INTO scheduled_live (article_id, published_at, live_at) "
    "SELECT id, published_at, ?1 FROM articles "
    "WHERE status = 1 AND deleted_at = 0 AND published_at <= ?1 "
    "AND published_at > ?1 - 3600 AND updated_at < published_at "
    "ON CONFLICT DO NOTHING RETURNING article_id";
static const char SQL_MARK_CHANGED[] =
    "UPDATE articles SET change_seq = ?2 WHERE id = ?1";

int gz_sqlite_article_go_live(struct gz_store *gs, int64_t now, int64_t **ids, size_t *n)
{
    struct sqlite_store *s = from(gs);
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_GO_LIVE);
    sqlite3_stmt *mark = gz_sqlite_stmt(s, SQL_MARK_CHANGED);
    if (!st || !mark)
        return GZ_EIO;
    int rc = gz_sqlite_tx_begin(s);
    if (rc)
        return rc;
    size_t cap = 0;
    sqlite3_bind_int64(st, 1, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *ids = gz_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "claiming scheduled articles");
    done(st);
    int64_t seq = 0;
    if (rc == GZ_OK && *n)
        rc = gz_sqlite_next_change_seq(s, &seq);
    for (size_t i = 0; rc == GZ_OK && i < *n; i++) {
        sqlite3_bind_int64(mark, 1, (*ids)[i]);
        sqlite3_bind_int64(mark, 2, seq);
        rc = gz_sqlite_step_done(s, mark, "marking an article changed");
    }
    rc = rc == GZ_OK ? gz_sqlite_tx_commit(s) : (gz_sqlite_tx_rollback(s), rc);
    if (rc != GZ_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}
