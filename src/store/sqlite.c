/* The SQLite backend of the store.
 *
 * One struct sqlite_store per handle; it embeds struct gz_store first, so
 * the struct gz_store * the callers hold is a struct sqlite_store *. Every
 * statement is prepared once when the handle opens (persistent) and reset
 * after each use; user data only ever reaches SQL through bound
 * parameters.
 *
 * Durability: WAL with synchronous=NORMAL. A committed transaction is in
 * the WAL file before COMMIT returns, so a crash of the process loses no
 * published article. A power loss or kernel crash may lose the last
 * transactions that were not yet checkpointed or synced, but never corrupts
 * the database; that trade buys a much cheaper commit (no fsync per
 * transaction), which the views flusher and bulk imports rely on. */
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "content/slug.h"
#include "store/storeInt.h"

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
    ST_TAG_ARTICLES,
    ST_TAG_COUNT,
    ST_LATEST,
    ST_COUNT_PUBLISHED,
    ST_TEASER,
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

#define ARTICLE_COLUMNS                                                                  \
    "SELECT a.id, a.slug, a.title, a.summary, a.body_src, a.body_html, a.teaser, "       \
    "a.lang, a.status, a.published_at, a.updated_at, coalesce(a.author_id, 0), "         \
    "coalesce(au.name, '') FROM articles a LEFT JOIN authors au ON au.id = a.author_id "

#define TEASER_COLUMNS "SELECT id, slug, title, teaser, lang, published_at FROM articles "

/* Published means status 1 (GZ_STATUS_PUBLISHED) and a publication time
 * that has come; ?1 is now. */
#define PUBLISHED "status = 1 AND published_at <= ?1"
/* The same, after "a." in a join. */
#define PUBLISHED_A "status = 1 AND a.published_at <= ?1"

static const char *const stmt_sql[ST_COUNT] = {
    /* A write transaction takes the write lock up front, so two writers
     * queue on busy_timeout instead of failing on the lock upgrade. */
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_BEGIN_READ] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT gz_nested",
    [ST_RELEASE] = "RELEASE gz_nested",
    [ST_ROLLBACK_TO] = "ROLLBACK TO gz_nested",
    [ST_SEQ_BUMP] = "UPDATE change_seq SET seq = seq + 1 WHERE id = 1",
    [ST_SEQ_GET] = "SELECT seq FROM change_seq WHERE id = 1",
    [ST_SLUG_OWNER] = "SELECT id FROM articles WHERE slug = ?1",
    [ST_ARTICLE_INSERT] =
        "INSERT INTO articles (id, slug, title, summary, body_src, body_html, teaser, "
        "lang, status, published_at, updated_at, author_id, change_seq, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [ST_ARTICLE_UPDATE] =
        "UPDATE articles SET slug = ?2, title = ?3, summary = ?4, body_src = ?5, "
        "body_html = ?6, teaser = ?7, lang = ?8, status = ?9, published_at = ?10, "
        "updated_at = ?11, author_id = ?12, change_seq = ?13 WHERE id = ?1",
    [ST_ARTICLE_GET] = ARTICLE_COLUMNS "WHERE a.id = ?1",
    [ST_ARTICLE_GET_BY_SLUG] = ARTICLE_COLUMNS "WHERE a.slug = ?1",
    [ST_ARTICLE_TAGS] =
        "SELECT t.name, t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id "
        "WHERE at.article_id = ?1 ORDER BY at.position",
    [ST_ARTICLE_TAGS_DELETE] = "DELETE FROM article_tags WHERE article_id = ?1",
    /* OR IGNORE: a tag listed twice keeps its first position. */
    [ST_ARTICLE_TAG_INSERT] = "INSERT OR IGNORE INTO article_tags (article_id, tag_id, "
                              "position) VALUES (?1, ?2, ?3)",
    [ST_TAG_FIND] = "SELECT id FROM tags WHERE name = ?1",
    [ST_TAG_SLUG_OWNER] = "SELECT id FROM tags WHERE slug = ?1",
    [ST_TAG_INSERT] = "INSERT INTO tags (name, slug) VALUES (?1, ?2)",
    [ST_TAGS_TOP] = "SELECT t.id, t.name, t.slug, count(*) AS n FROM article_tags at "
                    "JOIN articles a ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id "
                    "WHERE a." PUBLISHED_A " GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?2",
    [ST_TAG_BY_SLUG] = "SELECT id, name, slug FROM tags WHERE slug = ?1",
    [ST_TAG_ARTICLES] = "SELECT a.id, a.slug, a.title, a.teaser, a.lang, a.published_at "
                        "FROM article_tags at JOIN articles a ON a.id = at.article_id "
                        "WHERE at.tag_id = ?2 AND a." PUBLISHED_A " ORDER BY "
                        "a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4",
    [ST_TAG_COUNT] = "SELECT count(*) FROM article_tags at JOIN articles a ON "
                     "a.id = at.article_id WHERE at.tag_id = ?2 AND a." PUBLISHED_A,
    [ST_LATEST] = TEASER_COLUMNS "WHERE " PUBLISHED " ORDER BY published_at DESC, "
                                 "id DESC LIMIT ?2 OFFSET ?3",
    [ST_COUNT_PUBLISHED] = "SELECT count(*) FROM articles WHERE " PUBLISHED,
    [ST_TEASER] = TEASER_COLUMNS "WHERE " PUBLISHED " AND id = ?2",
    [ST_CHANGES] = "SELECT id FROM articles WHERE change_seq > ?1 ORDER BY change_seq",
    [ST_MAX_ID] = "SELECT coalesce(max(id), 0) FROM articles",
    [ST_AUTHOR_FIND] = "SELECT id FROM authors WHERE name = ?1",
    [ST_AUTHOR_INSERT] = "INSERT INTO authors (name, created_at) VALUES (?1, ?2) "
                         "ON CONFLICT (name) DO NOTHING",
    [ST_VIEWS_DAILY_ADD] = "INSERT INTO views_daily (article_id, day, count) "
                           "VALUES (?1, ?2, ?3) ON CONFLICT (article_id, day) "
                           "DO UPDATE SET count = count + excluded.count",
    [ST_VIEWS_HOURLY_ADD] = "INSERT INTO views_hourly (article_id, hour, count) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT (hour, article_id) "
                            "DO UPDATE SET count = count + excluded.count",
    [ST_VIEWS_PRUNE] = "DELETE FROM views_hourly WHERE hour < ?1",
    [ST_VIEWS_DAILY_ALL] = "SELECT article_id, day, count FROM views_daily",
    [ST_VIEWS_HOURLY_SINCE] =
        "SELECT article_id, hour, count FROM views_hourly WHERE hour >= ?1",
    [ST_VIEWS_TOTAL_ONE] =
        "SELECT coalesce(sum(count), 0) FROM views_daily WHERE article_id = ?1",
    [ST_VIEWS_TOTAL_ALL] = "SELECT coalesce(sum(count), 0) FROM views_daily",
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [ST_SETTING_SET] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

/* Owned by whoever called gz_store_open; freed by close. */
struct sqlite_store {
    struct gz_store base; /* first: a struct gz_store * points here */
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    int depth; /* open transaction levels: 1 is BEGIN, above are savepoints */
};

/* Slug candidates tried one by one before unique_slug starts to gallop. */
#define SLUG_PROBES 16

static struct sqlite_store *from(struct gz_store *gs)
{
    return (struct sqlite_store *)gs;
}

/* Logs the database's last error and returns GZ_EIO. */
static int fail(struct sqlite_store *s, const char *what)
{
    gz_error("store: %s: %s", what, sqlite3_errmsg(s->db));
    return GZ_EIO;
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Binders that stop at the first failure; *rc collects it. */
static void bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

static void bind_i64(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

/* An id of 0 means "none" and is stored as NULL. */
static void bind_id(sqlite3_stmt *st, int i, int64_t id, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return gz_xstrdup("");
    return gz_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

/* Runs a bound statement that returns no rows. */
static int step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? GZ_OK : fail(s, what);
    done(st);
    return rc;
}

/* Runs a bound statement whose first row's first column is the answer;
 * GZ_ENOTFOUND when there is no row. */
static int step_i64(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
                    int64_t *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : fail(s, what);
    }
    done(st);
    return rc;
}

/* Checks the binders' collected result; resets the statement on failure. */
static int bound(struct sqlite_store *s, sqlite3_stmt *st, int rc, const char *what)
{
    if (rc == SQLITE_OK)
        return GZ_OK;
    rc = fail(s, what);
    done(st);
    return rc;
}

/* ---- transactions ----
 * depth 0: no transaction; 1: BEGIN IMMEDIATE; deeper levels are savepoints,
 * so a save inside a bulk load can fail alone without undoing the load. */

static int tx_rollback(struct sqlite_store *s);

static int tx_begin(struct sqlite_store *s)
{
    enum stmt_id id = s->depth == 0 ? ST_BEGIN : ST_SAVEPOINT;
    int rc = step_done(s, s->stmt[id], "begin");
    if (rc == GZ_OK)
        s->depth++;
    return rc;
}

/* On failure the transaction level is rolled back, so the caller never
 * has to clean up after a failed commit. */
static int tx_commit(struct sqlite_store *s)
{
    if (s->depth == 0) {
        gz_error("store: commit without an open transaction");
        return GZ_EINVAL;
    }
    enum stmt_id id = s->depth == 1 ? ST_COMMIT : ST_RELEASE;
    int rc = step_done(s, s->stmt[id], "commit");
    if (rc != GZ_OK) {
        tx_rollback(s);
        return rc;
    }
    s->depth--;
    return GZ_OK;
}

static int tx_rollback(struct sqlite_store *s)
{
    if (s->depth == 0) {
        gz_error("store: rollback without an open transaction");
        return GZ_EINVAL;
    }
    if (sqlite3_get_autocommit(s->db)) {
        /* Some errors (disk full, I/O) make SQLite roll the whole
         * transaction back by itself; every level is gone. */
        gz_error("store: the transaction was already rolled back after an error");
        s->depth = 0;
        return GZ_OK;
    }
    if (s->depth == 1) {
        s->depth = 0;
        return step_done(s, s->stmt[ST_ROLLBACK], "rollback");
    }
    s->depth--;
    /* ROLLBACK TO keeps the savepoint open; RELEASE closes it. */
    int rc = step_done(s, s->stmt[ST_ROLLBACK_TO], "rollback to savepoint");
    if (rc == GZ_OK)
        rc = step_done(s, s->stmt[ST_RELEASE], "release savepoint");
    return rc;
}

/* Reads that take several statements run in one read transaction, so they
 * see one snapshot; inside a caller's transaction they already do. */
static int read_begin(struct sqlite_store *s, int *started)
{
    *started = 0;
    if (s->depth > 0)
        return GZ_OK;
    int rc = step_done(s, s->stmt[ST_BEGIN_READ], "begin read");
    *started = rc == GZ_OK;
    return rc;
}

static void read_end(struct sqlite_store *s, int started)
{
    if (started)
        step_done(s, s->stmt[ST_COMMIT], "end read");
}

static int sqlite_begin(struct gz_store *gs)
{
    return tx_begin(from(gs));
}

static int sqlite_commit(struct gz_store *gs)
{
    return tx_commit(from(gs));
}

static int sqlite_rollback(struct gz_store *gs)
{
    return tx_rollback(from(gs));
}

/* ---- slugs ---- */

/* A tag's slug follows the same rule as an article's (content/slug.h). */
static char *tag_slug(const char *name)
{
    struct gz_buf b;
    gz_buf_init(&b, 4 * GZ_SLUG_MAX);
    if (gz_slugify(name, strlen(name), &b) != GZ_OK) {
        gz_buf_free(&b);
        return gz_xstrdup("tag");
    }
    return gz_buf_take(&b);
}

/* Sets *taken when `slug` belongs to a row other than `self`. */
static int slug_taken(struct sqlite_store *s, enum stmt_id owner_stmt, const char *slug,
                      int64_t self, int *taken)
{
    sqlite3_stmt *st = s->stmt[owner_stmt];
    int rc = SQLITE_OK;
    bind_text(st, 1, slug, &rc);
    if ((rc = bound(s, st, rc, "binding a slug")))
        return rc;
    int64_t owner;
    rc = step_i64(s, st, "looking up a slug", &owner);
    if (rc == GZ_ENOTFOUND) {
        *taken = 0;
        return GZ_OK;
    }
    *taken = rc == GZ_OK && owner != self;
    return rc;
}

/* Writes candidate n for base into cand ("base" for 1, "base-n" after)
 * and sets *taken when another row holds it. */
static int probe_slug(struct sqlite_store *s, enum stmt_id owner_stmt, const char *base,
                      int64_t n, int64_t self, struct gz_buf *cand, int *taken)
{
    gz_buf_reset(cand);
    int rc = n == 1 ? gz_buf_puts(cand, base)
                    : gz_buf_printf(cand, "%s-%lld", base, (long long)n);
    if (rc == GZ_OK)
        rc = slug_taken(s, owner_stmt, cand->p, self, taken);
    return rc;
}

/* Finds a slug not used by another row: base, base-2, base-3, ...
 * After SLUG_PROBES taken candidates it gallops (doubling n) to a free
 * one and bisects back to the first free n above a taken one, so a
 * thousand articles called "news" cost a few probes each, not a thousand.
 * When the suffixes in use have gaps this may pick a later free n than
 * the lowest one; any free slug will do. *out is heap-allocated. */
static int unique_slug(struct sqlite_store *s, enum stmt_id owner_stmt, const char *base,
                       int64_t self, char **out)
{
    struct gz_buf cand;
    gz_buf_init(&cand, GZ_BUF_PAGE_MAX);
    int taken = 0;
    int rc = GZ_OK;
    int64_t lo = 0, hi = 1;
    /* Linear: lo is the last taken n, hi the next to try. */
    for (; hi <= SLUG_PROBES; lo = hi++)
        if ((rc = probe_slug(s, owner_stmt, base, hi, self, &cand, &taken)) || !taken)
            goto out;
    /* Gallop: lo taken, hi doubles until it is free. */
    for (hi = lo * 2;; lo = hi, hi *= 2) {
        if ((rc = probe_slug(s, owner_stmt, base, hi, self, &cand, &taken)))
            goto out;
        if (!taken)
            break;
        if (hi > INT64_MAX / 4) {
            gz_error("store: no free slug for \"%s\"", base);
            rc = GZ_EEXIST;
            goto out;
        }
    }
    /* Bisect: lo taken, hi free, until they are neighbours. */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((rc = probe_slug(s, owner_stmt, base, mid, self, &cand, &taken)))
            goto out;
        if (taken)
            lo = mid;
        else
            hi = mid;
    }
    rc = probe_slug(s, owner_stmt, base, hi, self, &cand, &taken);
out:
    if (rc == GZ_OK)
        *out = gz_buf_take(&cand);
    gz_buf_free(&cand);
    return rc;
}

/* ---- articles: writes ---- */

static int next_change_seq(struct sqlite_store *s, int64_t *seq)
{
    int rc = step_done(s, s->stmt[ST_SEQ_BUMP], "bumping the change sequence");
    if (rc == GZ_OK)
        rc = step_i64(s, s->stmt[ST_SEQ_GET], "reading the change sequence", seq);
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
    bind_text(st, 2, plan->slug, &rc);
    bind_text(st, 3, a->title, &rc);
    bind_text(st, 4, a->summary, &rc);
    bind_text(st, 5, a->body_src, &rc);
    bind_text(st, 6, a->body_html, &rc);
    bind_text(st, 7, a->teaser, &rc);
    bind_text(st, 8, a->lang, &rc);
    bind_i64(st, 9, a->status, &rc);
    bind_i64(st, 10, a->published_at, &rc);
    bind_i64(st, 11, plan->updated_at, &rc);
    bind_id(st, 12, a->author_id, &rc);
    bind_i64(st, 13, plan->change_seq, &rc);
    if (insert)
        bind_i64(st, 14, plan->created_at, &rc);
    if ((rc = bound(s, st, rc, "binding an article")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        gz_error("store: article_save: no author with id %lld", (long long)a->author_id);
        rc = GZ_EINVAL;
    } else if (rc != SQLITE_DONE) {
        rc = fail(s, "writing an article");
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
    bind_text(st, 1, name, &rc);
    if ((rc = bound(s, st, rc, "binding a tag")))
        return rc;
    rc = step_i64(s, st, "looking up a tag", id);
    if (rc != GZ_ENOTFOUND)
        return rc;

    char *base = tag_slug(name);
    char *slug = NULL;
    rc = unique_slug(s, ST_TAG_SLUG_OWNER, base, 0, &slug);
    free(base);
    if (rc != GZ_OK)
        return rc;
    st = s->stmt[ST_TAG_INSERT];
    bind_text(st, 1, name, &rc);
    bind_text(st, 2, slug, &rc);
    if ((rc = bound(s, st, rc, "binding a tag")) == GZ_OK)
        rc = step_done(s, st, "creating a tag");
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
    bind_i64(st, 1, article_id, &rc);
    bind_i64(st, 2, tag_id, &rc);
    bind_i64(st, 3, (int64_t)position, &rc);
    if ((rc = bound(s, st, rc, "binding an article tag")))
        return rc;
    return step_done(s, st, "tagging an article");
}

/* Replaces the article's tags with a->tags, in that order; NULL and empty
 * names are skipped. */
static int write_tags(struct sqlite_store *s, int64_t article_id,
                      const struct gz_article *a)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAGS_DELETE];
    int rc = SQLITE_OK;
    bind_i64(st, 1, article_id, &rc);
    if ((rc = bound(s, st, rc, "binding an article id")))
        return rc;
    if ((rc = step_done(s, st, "clearing article tags")))
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

static int check_article(const struct gz_article *a)
{
    if (!a || !a->title || !a->slug || !a->slug[0] || a->id < 0 ||
        (a->ntags && !a->tags)) {
        gz_error("store: article_save: an article needs a title and a slug");
        return GZ_EINVAL;
    }
    if (a->status < GZ_STATUS_DRAFT || a->status > GZ_STATUS_UNPUBLISHED) {
        gz_error("store: article_save: unknown status %d", (int)a->status);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

/* Everything between begin and commit of article_save. */
static int save_in_tx(struct sqlite_store *s, const struct gz_article *a,
                      struct save_plan *plan, char **slug, int64_t *id)
{
    int rc = unique_slug(s, ST_SLUG_OWNER, a->slug, a->id, slug);
    if (rc != GZ_OK)
        return rc;
    plan->slug = *slug;
    rc = next_change_seq(s, &plan->change_seq);
    if (rc == GZ_OK)
        rc = write_article(s, a, plan, id);
    if (rc == GZ_OK)
        rc = write_tags(s, *id, a);
    return rc;
}

/* The id, final slug and updated_at are written back into `a` only once
 * the save has committed (or been folded into the caller's transaction). */
static int sqlite_article_save(struct gz_store *gs, struct gz_article *a)
{
    struct sqlite_store *s = from(gs);
    int rc = check_article(a);
    if (rc != GZ_OK)
        return rc;
    int64_t now = (int64_t)time(NULL);
    struct save_plan plan = {
        .updated_at = a->updated_at ? a->updated_at : now,
        .created_at = now,
    };
    char *slug = NULL;
    int64_t id = 0;
    if ((rc = tx_begin(s)))
        return rc;
    rc = save_in_tx(s, a, &plan, &slug, &id);
    if (rc == GZ_OK)
        rc = tx_commit(s);
    else
        tx_rollback(s);
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
    out->slug = column_dup(st, 1);
    out->title = column_dup(st, 2);
    out->summary = column_dup(st, 3);
    out->body_src = column_dup(st, 4);
    out->body_html = column_dup(st, 5);
    out->teaser = column_dup(st, 6);
    out->lang = column_dup(st, 7);
    out->status = (enum gz_status)sqlite3_column_int(st, 8);
    out->published_at = sqlite3_column_int64(st, 9);
    out->updated_at = sqlite3_column_int64(st, 10);
    out->author_id = sqlite3_column_int64(st, 11);
    out->author_name = column_dup(st, 12);
}

static int load_tags(struct sqlite_store *s, struct gz_article *out)
{
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_TAGS];
    int rc = SQLITE_OK;
    size_t cap = 0;
    bind_i64(st, 1, out->id, &rc);
    if ((rc = bound(s, st, rc, "binding an article id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->ntags == cap) {
            cap = cap ? cap * 2 : 4;
            out->tags = gz_xrealloc(out->tags, cap * sizeof *out->tags);
            out->tag_slugs = gz_xrealloc(out->tag_slugs, cap * sizeof *out->tag_slugs);
        }
        out->tags[out->ntags] = column_dup(st, 0);
        out->tag_slugs[out->ntags++] = column_dup(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : fail(s, "reading article tags");
    done(st);
    return rc;
}

/* Runs a bound article query (by id or by slug) and its tags in one
 * snapshot. On any failure *out is left cleared. */
static int article_read(struct sqlite_store *s, sqlite3_stmt *st, struct gz_article *out)
{
    int started;
    int rc = read_begin(s, &started);
    if (rc != GZ_OK) {
        done(st);
        return rc;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_article(st, out);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : fail(s, "reading an article");
    }
    done(st);
    if (rc == GZ_OK)
        rc = load_tags(s, out);
    read_end(s, started);
    if (rc != GZ_OK)
        gz_article_clear(out);
    return rc;
}

/* Every string of a read article is non-NULL ("" when absent); tags is
 * NULL when ntags is 0. *out is overwritten, not freed. */
static int sqlite_article_get(struct gz_store *gs, int64_t id, struct gz_article *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_GET];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    bind_i64(st, 1, id, &rc);
    if ((rc = bound(s, st, rc, "binding an article id")))
        return rc;
    return article_read(s, st, out);
}

static int sqlite_article_get_by_slug(struct gz_store *gs, const char *slug,
                                      struct gz_article *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_ARTICLE_GET_BY_SLUG];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    bind_text(st, 1, slug, &rc);
    if ((rc = bound(s, st, rc, "binding a slug")))
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
    t->slug = column_dup(st, 1);
    t->title = column_dup(st, 2);
    t->teaser = column_dup(st, 3);
    t->lang = column_dup(st, 4);
    t->published_at = sqlite3_column_int64(st, 5);
}

/* Appends every row of a bound teaser query to the list. */
static int collect_teasers(struct sqlite_store *s, sqlite3_stmt *st,
                           struct gz_teaser_list *out, size_t *cap)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fill_teaser(st, teaser_push(out, cap));
    rc = rc == SQLITE_DONE ? GZ_OK : fail(s, "reading teasers");
    done(st);
    return rc;
}

static int64_t clamp_size(size_t n)
{
    return n > (size_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

static int sqlite_article_latest(struct gz_store *gs, int64_t now, size_t offset,
                                 size_t limit, struct gz_teaser_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_LATEST];
    int rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    bind_i64(st, 1, now, &rc);
    bind_i64(st, 2, clamp_size(limit), &rc);
    bind_i64(st, 3, clamp_size(offset), &rc);
    if ((rc = bound(s, st, rc, "binding a page")))
        return rc;
    rc = collect_teasers(s, st, out, &cap);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

static int sqlite_article_count_published(struct gz_store *gs, int64_t now, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_COUNT_PUBLISHED];
    int rc = SQLITE_OK;
    bind_i64(st, 1, now, &rc);
    if ((rc = bound(s, st, rc, "binding now")))
        return rc;
    return step_i64(s, st, "counting published articles", out);
}

static int teaser_by_id(struct sqlite_store *s, int64_t id, int64_t now,
                        struct gz_teaser_list *out, size_t *cap)
{
    sqlite3_stmt *st = s->stmt[ST_TEASER];
    int rc = SQLITE_OK;
    bind_i64(st, 1, now, &rc);
    bind_i64(st, 2, id, &rc);
    if ((rc = bound(s, st, rc, "binding an article id")))
        return rc;
    return collect_teasers(s, st, out, cap);
}

static int sqlite_article_teasers(struct gz_store *gs, const int64_t *ids, size_t n,
                                  int64_t now, struct gz_teaser_list *out)
{
    struct sqlite_store *s = from(gs);
    size_t cap = 0;
    int started;
    memset(out, 0, sizeof *out);
    if (n && !ids)
        return GZ_EINVAL;
    int rc = read_begin(s, &started);
    for (size_t i = 0; i < n && rc == GZ_OK; i++)
        rc = teaser_by_id(s, ids[i], now, out, &cap);
    read_end(s, started);
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
    bind_i64(st, 1, since, &rc);
    if ((rc = bound(s, st, rc, "binding a change sequence")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = gz_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : fail(s, "reading changes");
    done(st);
    return rc;
}

/* *ids is heap-allocated (NULL when *n is 0); the caller frees it. */
static int sqlite_changes_since(struct gz_store *gs, int64_t since, int64_t **ids,
                                size_t *n, int64_t *seq)
{
    struct sqlite_store *s = from(gs);
    int started;
    *ids = NULL;
    *n = 0;
    int rc = read_begin(s, &started);
    if (rc == GZ_OK)
        rc = step_i64(s, s->stmt[ST_SEQ_GET], "reading the change sequence", seq);
    if (rc == GZ_OK)
        rc = collect_changes(s, since, ids, n);
    read_end(s, started);
    if (rc != GZ_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

static int sqlite_article_max_id(struct gz_store *gs, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    return step_i64(s, s->stmt[ST_MAX_ID], "reading the highest article id", out);
}

/* ---- tags ---- */

static void fill_tag(sqlite3_stmt *st, struct gz_tag *t)
{
    t->id = sqlite3_column_int64(st, 0);
    t->name = column_dup(st, 1);
    t->slug = column_dup(st, 2);
}

static int sqlite_tags_top(struct gz_store *gs, int64_t now, size_t limit,
                           struct gz_tag_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_TAGS_TOP];
    int rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    bind_i64(st, 1, now, &rc);
    bind_i64(st, 2, clamp_size(limit), &rc);
    if ((rc = bound(s, st, rc, "binding a tag query")))
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
    rc = rc == SQLITE_DONE ? GZ_OK : fail(s, "reading tags");
    done(st);
    if (rc != GZ_OK)
        gz_tag_list_clear(out);
    return rc;
}

static int sqlite_tag_get_by_slug(struct gz_store *gs, const char *slug, struct gz_tag *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_TAG_BY_SLUG];
    int rc = SQLITE_OK;
    memset(out, 0, sizeof *out);
    if (!slug)
        return GZ_EINVAL;
    bind_text(st, 1, slug, &rc);
    if ((rc = bound(s, st, rc, "binding a tag slug")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_tag(st, out);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : fail(s, "reading a tag");
    }
    done(st);
    return rc;
}

/* The page and the count are read in one snapshot, so they agree. */
static int sqlite_tag_articles(struct gz_store *gs, int64_t tag_id, int64_t now,
                               size_t offset, size_t limit, struct gz_teaser_list *out,
                               int64_t *total)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *page = s->stmt[ST_TAG_ARTICLES], *count = s->stmt[ST_TAG_COUNT];
    int started, rc = SQLITE_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    bind_i64(page, 1, now, &rc);
    bind_i64(page, 2, tag_id, &rc);
    bind_i64(page, 3, clamp_size(limit), &rc);
    bind_i64(page, 4, clamp_size(offset), &rc);
    bind_i64(count, 1, now, &rc);
    bind_i64(count, 2, tag_id, &rc);
    if (rc != SQLITE_OK) {
        done(count);
        return bound(s, page, rc, "binding a tag page");
    }
    if ((rc = read_begin(s, &started)) != GZ_OK) {
        done(page);
        done(count);
        return rc;
    }
    rc = collect_teasers(s, page, out, &cap);
    if (rc == GZ_OK)
        rc = step_i64(s, count, "counting a tag's articles", total);
    else
        done(count);
    read_end(s, started);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

/* ---- authors ---- */

static int author_find(struct sqlite_store *s, const char *name, int64_t *id)
{
    sqlite3_stmt *st = s->stmt[ST_AUTHOR_FIND];
    int rc = SQLITE_OK;
    bind_text(st, 1, name, &rc);
    if ((rc = bound(s, st, rc, "binding an author")))
        return rc;
    return step_i64(s, st, "looking up an author", id);
}

static int sqlite_author_ensure(struct gz_store *gs, const char *name, int64_t *id)
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
    bind_text(st, 1, name, &rc);
    bind_i64(st, 2, (int64_t)time(NULL), &rc);
    if ((rc = bound(s, st, rc, "binding an author")))
        return rc;
    if ((rc = step_done(s, st, "creating an author")))
        return rc;
    return author_find(s, name, id);
}

/* ---- views ---- */

static int views_upsert(struct sqlite_store *s, enum stmt_id id, int64_t article_id,
                        int64_t bucket, int64_t count)
{
    sqlite3_stmt *st = s->stmt[id];
    int rc = SQLITE_OK;
    bind_i64(st, 1, article_id, &rc);
    bind_i64(st, 2, bucket, &rc);
    bind_i64(st, 3, count, &rc);
    if ((rc = bound(s, st, rc, "binding a view count")))
        return rc;
    return step_done(s, st, "adding views");
}

static int views_prune(struct sqlite_store *s, int64_t before_hour)
{
    sqlite3_stmt *st = s->stmt[ST_VIEWS_PRUNE];
    int rc = SQLITE_OK;
    bind_i64(st, 1, before_hour, &rc);
    if ((rc = bound(s, st, rc, "binding an hour")))
        return rc;
    return step_done(s, st, "pruning hourly views");
}

static int sqlite_views_add(struct gz_store *gs, const struct gz_view_delta *d, size_t n,
                            int64_t prune_before_hour)
{
    struct sqlite_store *s = from(gs);
    if (n && !d)
        return GZ_EINVAL;
    if (n == 0 && prune_before_hour <= 0)
        return GZ_OK;
    int rc = tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    for (size_t i = 0; i < n && rc == GZ_OK; i++) {
        rc = views_upsert(s, ST_VIEWS_DAILY_ADD, d[i].article_id, d[i].day, d[i].count);
        if (rc == GZ_OK)
            rc = views_upsert(s, ST_VIEWS_HOURLY_ADD, d[i].article_id, d[i].hour,
                              d[i].count);
    }
    if (rc == GZ_OK && prune_before_hour > 0)
        rc = views_prune(s, prune_before_hour);
    if (rc == GZ_OK)
        return tx_commit(s);
    tx_rollback(s);
    return rc;
}

/* Hands every row of a bound (article_id, bucket, count) query to cb. */
static int views_each(struct sqlite_store *s, sqlite3_stmt *st, int is_day,
                      gz_views_row_cb cb, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb(ctx, sqlite3_column_int64(st, 0), is_day, sqlite3_column_int64(st, 1),
           sqlite3_column_int64(st, 2));
    rc = rc == SQLITE_DONE ? GZ_OK : fail(s, "reading views");
    done(st);
    return rc;
}

/* cb must not call back into this store handle: the statement is live. */
static int sqlite_views_load(struct gz_store *gs, int64_t since_hour, gz_views_row_cb cb,
                             void *ctx)
{
    struct sqlite_store *s = from(gs);
    int started;
    if (!cb)
        return GZ_EINVAL;
    int rc = read_begin(s, &started);
    if (rc == GZ_OK)
        rc = views_each(s, s->stmt[ST_VIEWS_DAILY_ALL], 1, cb, ctx);
    if (rc == GZ_OK) {
        sqlite3_stmt *st = s->stmt[ST_VIEWS_HOURLY_SINCE];
        bind_i64(st, 1, since_hour, &rc);
        if ((rc = bound(s, st, rc, "binding an hour")) == GZ_OK)
            rc = views_each(s, st, 0, cb, ctx);
    }
    read_end(s, started);
    return rc;
}

static int sqlite_views_total(struct gz_store *gs, int64_t article_id, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    if (article_id < 0)
        return GZ_EINVAL;
    if (article_id == 0)
        return step_i64(s, s->stmt[ST_VIEWS_TOTAL_ALL], "summing views", out);
    sqlite3_stmt *st = s->stmt[ST_VIEWS_TOTAL_ONE];
    int rc = SQLITE_OK;
    bind_i64(st, 1, article_id, &rc);
    if ((rc = bound(s, st, rc, "binding an article id")))
        return rc;
    return step_i64(s, st, "summing views", out);
}

/* ---- settings ---- */

static int sqlite_setting_get(struct gz_store *gs, const char *key, char **value)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_SETTING_GET];
    int rc = SQLITE_OK;
    *value = NULL;
    if (!key)
        return GZ_EINVAL;
    bind_text(st, 1, key, &rc);
    if ((rc = bound(s, st, rc, "binding a setting")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = column_dup(st, 0);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : fail(s, "reading a setting");
    }
    done(st);
    return rc;
}

static int sqlite_setting_set(struct gz_store *gs, const char *key, const char *value)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = s->stmt[ST_SETTING_SET];
    int rc = SQLITE_OK;
    if (!key || !value)
        return GZ_EINVAL;
    bind_text(st, 1, key, &rc);
    bind_text(st, 2, value, &rc);
    if ((rc = bound(s, st, rc, "binding a setting")))
        return rc;
    return step_done(s, st, "writing a setting");
}

/* ---- open, migrate, close ---- */

static void release(struct sqlite_store *s)
{
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    /* Closing with a transaction still open rolls it back. */
    if (s->db && sqlite3_close(s->db) != SQLITE_OK)
        gz_error("store: close: %s", sqlite3_errmsg(s->db));
    free(s);
}

static void sqlite_close(struct gz_store *gs)
{
    struct sqlite_store *s = from(gs);
    if (s->depth > 0)
        gz_warn("store: closing with an open transaction; rolling it back");
    release(s);
}

/* Constant SQL with no user data, run once per handle or per migration:
 * sqlite3_exec (which prepares and steps each statement) is enough. */
static int exec_sql(struct sqlite_store *s, const char *sql, const char *what, char *err,
                    size_t errlen)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return GZ_OK;
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(s->db));
    return GZ_EIO;
}

static int read_user_version(struct sqlite_store *s, int64_t *version, char *err,
                             size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        rc = GZ_OK;
    } else {
        snprintf(err, errlen, "reading the schema version: %s", sqlite3_errmsg(s->db));
        rc = GZ_EIO;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Applies one migration in its own transaction. The version is read again
 * under the write lock: another process opening the same file at the same
 * moment may have applied it first. */
static int apply_migration(struct sqlite_store *s, int version, const char *name,
                           const char *sql, char *err, size_t errlen)
{
    char set_version[64];
    int64_t have;
    int rc = exec_sql(s, "BEGIN IMMEDIATE", "starting a migration", err, errlen);
    if (rc != GZ_OK)
        return rc;
    rc = read_user_version(s, &have, err, errlen);
    if (rc == GZ_OK && have < version) {
        rc = exec_sql(s, sql, name, err, errlen);
        /* PRAGMA takes no bound parameters; the number is our own constant. */
        snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", version);
        if (rc == GZ_OK)
            rc = exec_sql(s, set_version, name, err, errlen);
    }
    if (rc == GZ_OK)
        rc = exec_sql(s, "COMMIT", name, err, errlen);
    if (rc != GZ_OK && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (rc == GZ_OK)
        gz_info("store: applied migration %s", name);
    return rc;
}

static int migrate(struct sqlite_store *s, char *err, size_t errlen)
{
    int known = (int)gz_store_migration_count;
    int64_t have;
    int rc = read_user_version(s, &have, err, errlen);
    if (rc != GZ_OK)
        return rc;
    if (have > known) {
        snprintf(err, errlen,
                 "database schema version %lld is newer than this gazette "
                 "(knows up to %d); upgrade gazette",
                 (long long)have, known);
        return GZ_EINVAL;
    }
    for (size_t i = 0; i < gz_store_migration_count && rc == GZ_OK; i++) {
        const struct gz_embedded_file *f = &gz_store_migration_files[i];
        int version = (int)i + 1;
        if (gz_store_migration_version(f->path) != version) {
            /* A build mistake, not a database problem. */
            snprintf(err, errlen, "migration %s is out of order (expected version %d)",
                     f->path, version);
            return GZ_EINVAL;
        }
        if (version > have)
            rc = apply_migration(s, version, f->path, (const char *)f->bytes, err, errlen);
    }
    return rc;
}

static int prepare_all(struct sqlite_store *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->stmt[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "preparing \"%s\": %s", stmt_sql[i],
                     sqlite3_errmsg(s->db));
            return GZ_EIO;
        }
    }
    return GZ_OK;
}

/* busy_timeout first, so the pragmas after it wait for a lock held by
 * another process instead of failing. See the top of the file for why
 * synchronous=NORMAL. temp_store=MEMORY keeps the statement journal of
 * each save's savepoint off the disk: with it a bulk load of 100,000
 * articles in one transaction spends 0.1 s in the kernel instead of 2 s. */
static int configure(struct sqlite_store *s, char *err, size_t errlen)
{
    static const char pragmas[] = "PRAGMA busy_timeout = 5000;"
                                  "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = NORMAL;"
                                  "PRAGMA foreign_keys = ON;"
                                  "PRAGMA temp_store = MEMORY;";
    sqlite3_extended_result_codes(s->db, 1);
    return exec_sql(s, pragmas, "configuring the database", err, errlen);
}

static const struct gz_store_ops sqlite_ops = {
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .article_save = sqlite_article_save,
    .article_get = sqlite_article_get,
    .article_get_by_slug = sqlite_article_get_by_slug,
    .article_latest = sqlite_article_latest,
    .article_count_published = sqlite_article_count_published,
    .article_teasers = sqlite_article_teasers,
    .changes_since = sqlite_changes_since,
    .article_max_id = sqlite_article_max_id,
    .tags_top = sqlite_tags_top,
    .tag_get_by_slug = sqlite_tag_get_by_slug,
    .tag_articles = sqlite_tag_articles,
    .author_ensure = sqlite_author_ensure,
    .views_add = sqlite_views_add,
    .views_load = sqlite_views_load,
    .views_total = sqlite_views_total,
    .setting_get = sqlite_setting_get,
    .setting_set = sqlite_setting_set,
};

int gz_store_sqlite_open(const char *path, struct gz_store **out, char *err,
                         size_t errlen)
{
    struct sqlite_store *s = gz_xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    *out = NULL;
    /* NOMUTEX: a handle is used by one thread at a time (see store.h). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        rc = GZ_EIO;
        goto fail;
    }
    if ((rc = configure(s, err, errlen)) || (rc = migrate(s, err, errlen)) ||
        (rc = prepare_all(s, err, errlen)))
        goto fail;
    *out = &s->base;
    return GZ_OK;
fail:
    release(s);
    return rc;
}
