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
 * transaction), which the views flusher and bulk imports rely on.
 *
 * This file holds the statements' SQL, the helpers the backend's files
 * share (sqliteInt.h), transactions, open and close; the operations live in
 * sqlite_articles.c (articles, tags, authors) and sqlite_views.c (view
 * counts, settings). */
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/sqliteInt.h"
#include "store/storeInt.h"

/* The SQL of every statement, by enum stmt_id (sqliteInt.h): the one place
 * it is written. prepare_all prepares them all when a handle opens. */
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
        "lang, status, published_at, updated_at, author_id, change_seq, image, "
        "created_at, "
        "body_format) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    [ST_ARTICLE_UPDATE] =
        "UPDATE articles SET slug = ?2, title = ?3, summary = ?4, body_src = ?5, "
        "body_html = ?6, teaser = ?7, lang = ?8, status = ?9, published_at = ?10, "
        "updated_at = ?11, author_id = ?12, change_seq = ?13, image = ?14, "
        "body_format = ?16 WHERE id = ?1", /* ?15 (created_at) is the insert's */
    [ST_ARTICLE_GET] = GZ_SQL_ARTICLE_COLUMNS "WHERE a.id = ?1",
    [ST_ARTICLE_GET_BY_SLUG] = GZ_SQL_ARTICLE_COLUMNS "WHERE a.slug = ?1",
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
    [ST_TAGS_TOP] =
        "SELECT t.id, t.name, t.slug, count(*) AS n FROM article_tags at "
        "JOIN articles a ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id "
        "WHERE " GZ_SQLITE_PUBLISHED_A " GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?2",
    [ST_TAG_BY_SLUG] = "SELECT id, name, slug FROM tags WHERE slug = ?1",
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

/* The errno of the last failed system call on the WAL file, else on the
 * database file: a failed commit does not always reach
 * sqlite3_system_errno(). */
static int file_errno(sqlite3 *db)
{
    sqlite3_file *wal = NULL;
    int e = 0;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) ==
            SQLITE_OK &&
        wal && wal->pMethods)
        wal->pMethods->xFileControl(wal, SQLITE_FCNTL_LAST_ERRNO, &e);
    if (!e)
        sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e);
    return e;
}

/* SQLite reports a full disk as "disk I/O error" on some paths (creating
 * the -shm file, a write past a quota or RLIMIT_FSIZE): the errno behind
 * it (ENOSPC, EDQUOT, EFBIG) is what tells an operator that the disk is
 * full, so it is added when there is one. */
const char *gz_sqlite_errmsg(sqlite3 *db, char *buf, size_t len)
{
    int sys = sqlite3_system_errno(db);
    int primary = sqlite3_extended_errcode(db) & 0xff;
    int io =
        primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN;
    if (io && !sys)
        sys = file_errno(db);
    if (io && sys)
        snprintf(buf, len, "%s (%s)", sqlite3_errmsg(db), strerror(sys));
    else
        snprintf(buf, len, "%s", sqlite3_errmsg(db));
    return buf;
}

/* Logs the database's last error and returns GZ_EIO. */
int gz_sqlite_fail(struct sqlite_store *s, const char *what)
{
    char msg[256];
    gz_error("store: %s: %s", what, gz_sqlite_errmsg(s->db, msg, sizeof msg));
    return GZ_EIO;
}

/* Binders that stop at the first failure; *rc collects it. */
void gz_sqlite_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

void gz_sqlite_bind_i64(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

char *gz_sqlite_column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return gz_xstrdup("");
    return gz_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

/* Runs a bound statement that returns no rows. */
int gz_sqlite_step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? GZ_OK : gz_sqlite_fail(s, what);
    done(st);
    return rc;
}

/* Runs a bound statement whose first row's first column is the answer;
 * GZ_ENOTFOUND when there is no row. */
int gz_sqlite_step_i64(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
                       int64_t *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, what);
    }
    done(st);
    return rc;
}

/* Checks the binders' collected result; resets the statement on failure. */
int gz_sqlite_bound(struct sqlite_store *s, sqlite3_stmt *st, int rc, const char *what)
{
    if (rc == SQLITE_OK)
        return GZ_OK;
    rc = gz_sqlite_fail(s, what);
    done(st);
    return rc;
}

/* ---- transactions ----
 * depth 0: no transaction; 1: BEGIN IMMEDIATE; deeper levels are savepoints,
 * so a save inside a bulk load can fail alone without undoing the load. */

int gz_sqlite_tx_begin(struct sqlite_store *s)
{
    enum stmt_id id = s->depth == 0 ? ST_BEGIN : ST_SAVEPOINT;
    int rc = gz_sqlite_step_done(s, s->stmt[id], "begin");
    if (rc == GZ_OK)
        s->depth++;
    return rc;
}

/* On failure the transaction level is rolled back, so the caller never
 * has to clean up after a failed commit. */
int gz_sqlite_tx_commit(struct sqlite_store *s)
{
    if (s->depth == 0) {
        gz_error("store: commit without an open transaction");
        return GZ_EINVAL;
    }
    enum stmt_id id = s->depth == 1 ? ST_COMMIT : ST_RELEASE;
    /* Articles saved inside this transaction join the search index now, in
     * one go (sqlite_search.c says why). */
    int rc = s->depth == 1 && s->search_pending ? gz_sqlite_search_flush(s) : GZ_OK;
    if (rc == GZ_OK)
        rc = gz_sqlite_step_done(s, s->stmt[id], "commit");
    if (rc != GZ_OK) {
        gz_sqlite_tx_rollback(s);
        return rc;
    }
    s->depth--;
    return GZ_OK;
}

int gz_sqlite_tx_rollback(struct sqlite_store *s)
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
        return gz_sqlite_step_done(s, s->stmt[ST_ROLLBACK], "rollback");
    }
    s->depth--;
    /* ROLLBACK TO keeps the savepoint open; RELEASE closes it. */
    int rc = gz_sqlite_step_done(s, s->stmt[ST_ROLLBACK_TO], "rollback to savepoint");
    if (rc == GZ_OK)
        rc = gz_sqlite_step_done(s, s->stmt[ST_RELEASE], "release savepoint");
    return rc;
}

/* Reads that take several statements run in one read transaction, so they
 * see one snapshot; inside a caller's transaction they already do. */
int gz_sqlite_read_begin(struct sqlite_store *s, int *started)
{
    *started = 0;
    if (s->depth > 0)
        return GZ_OK;
    int rc = gz_sqlite_step_done(s, s->stmt[ST_BEGIN_READ], "begin read");
    *started = rc == GZ_OK;
    return rc;
}

void gz_sqlite_read_end(struct sqlite_store *s, int started)
{
    if (started)
        gz_sqlite_step_done(s, s->stmt[ST_COMMIT], "end read");
}

static int sqlite_begin(struct gz_store *gs)
{
    return gz_sqlite_tx_begin(from(gs));
}

static int sqlite_commit(struct gz_store *gs)
{
    return gz_sqlite_tx_commit(from(gs));
}

static int sqlite_rollback(struct gz_store *gs)
{
    return gz_sqlite_tx_rollback(from(gs));
}

static int sqlite_bulk(struct gz_store *gs, int bulk_mb)
{
    /* A negative cache_size is in KiB; -2000 is SQLite's default. */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %d",
             bulk_mb > 0 ? -1024 * bulk_mb : -2000);
    if (sqlite3_exec(from(gs)->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return gz_sqlite_fail(from(gs), "setting the page cache");
    return GZ_OK;
}

/* ---- open, migrate, close ---- */

sqlite3_stmt *gz_sqlite_stmt(struct sqlite_store *s, const char *sql)
{
    size_t mask = GZ_SQLITE_LAZY_SLOTS - 1;
    size_t i = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15ull >> 40 & mask;
    for (size_t n = 0; n < GZ_SQLITE_LAZY_SLOTS; n++, i = (i + 1) & mask) {
        if (s->lazy[i].sql == sql)
            return s->lazy[i].st;
        if (s->lazy[i].sql)
            continue;
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
            SQLITE_OK) {
            gz_error("store: preparing \"%.60s...\": %s", sql, sqlite3_errmsg(s->db));
            return NULL;
        }
        s->lazy[i].sql = sql;
        s->lazy[i].st = st;
        return st;
    }
    gz_error("store: more than %d lazily prepared statements", GZ_SQLITE_LAZY_SLOTS);
    return NULL;
}

static void release(struct sqlite_store *s)
{
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (size_t i = 0; i < GZ_SQLITE_LAZY_SLOTS; i++)
        sqlite3_finalize(s->lazy[i].st);
    gz_sqlite_lists_free(s->lists);
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
    char msg[256];
    snprintf(err, errlen, "%s: %s", what, gz_sqlite_errmsg(s->db, msg, sizeof msg));
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

/* Applies the pending migrations; migrated (may be NULL) hears of each. */
static int migrate(struct sqlite_store *s, gz_store_migrated_cb migrated, void *ctx,
                   char *err, size_t errlen)
{
    int64_t have;
    int rc = read_user_version(s, &have, err, errlen);
    if (rc == GZ_OK)
        rc = gz_store_migration_not_newer(have, gz_store_migration_count, err, errlen);
    if (rc != GZ_OK)
        return rc;
    for (size_t i = 0; i < gz_store_migration_count && rc == GZ_OK; i++) {
        const struct gz_embedded_file *f = &gz_store_migration_files[i];
        int version = (int)i + 1;
        if ((rc = gz_store_migration_in_order(f->path, version, err, errlen)) != GZ_OK)
            return rc;
        if (version > have) {
            rc =
                apply_migration(s, version, f->path, (const char *)f->bytes, err, errlen);
            if (rc == GZ_OK && migrated)
                migrated(ctx, version, f->path);
        }
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
    .bulk = sqlite_bulk,
    .article_save = gz_sqlite_article_save,
    .article_get = gz_sqlite_article_get,
    .article_get_by_slug = gz_sqlite_article_get_by_slug,
    .article_latest = gz_sqlite_article_latest,
    .article_count_published = gz_sqlite_article_count_published,
    .article_teasers = gz_sqlite_article_teasers,
    .changes_since = gz_sqlite_changes_since,
    .article_max_id = gz_sqlite_article_max_id,
    .article_next_scheduled = gz_sqlite_article_next_scheduled,
    .article_go_live = gz_sqlite_article_go_live,
    .tags_top = gz_sqlite_tags_top,
    .tag_get_by_slug = gz_sqlite_tag_get_by_slug,
    .tag_articles = gz_sqlite_tag_articles,
    .author_ensure = gz_sqlite_author_ensure,
    .views_add = gz_sqlite_views_add,
    .views_load = gz_sqlite_views_load,
    .views_total = gz_sqlite_views_total,
    .setting_get = gz_sqlite_setting_get,
    .setting_set = gz_sqlite_setting_set,
    .user_save = gz_sqlite_user_save,
    .user_get = gz_sqlite_user_get,
    .user_get_by_name = gz_sqlite_user_get_by_name,
    .user_list = gz_sqlite_user_list,
    .user_count_admins = gz_sqlite_user_count_admins,
    .session_create = gz_sqlite_session_create,
    .session_get = gz_sqlite_session_get,
    .session_delete = gz_sqlite_session_delete,
    .session_delete_user = gz_sqlite_session_delete_user,
    .session_purge = gz_sqlite_session_purge,
    .token_create = gz_sqlite_token_create,
    .token_get = gz_sqlite_token_get,
    .token_list = gz_sqlite_token_list,
    .token_delete = gz_sqlite_token_delete,
    .throttle_get = gz_sqlite_throttle_get,
    .throttle_set = gz_sqlite_throttle_set,
    .throttle_clear = gz_sqlite_throttle_clear,
    .article_list = gz_sqlite_article_list,
    .article_trash = gz_sqlite_article_trash,
    .article_purge = gz_sqlite_article_purge,
    .revision_list = gz_sqlite_revision_list,
    .revision_get = gz_sqlite_revision_get,
    .tag_list = gz_sqlite_tag_list,
    .media_add = gz_sqlite_media_add,
    .media_get = gz_sqlite_media_get,
    .media_list = gz_sqlite_media_list,
    .media_delete = gz_sqlite_media_delete,
    .redirect_set = gz_sqlite_redirect_set,
    .redirect_get = gz_sqlite_redirect_get,
    .redirect_list = gz_sqlite_redirect_list,
    .redirect_delete = gz_sqlite_redirect_delete,
    .import_key_get = gz_sqlite_import_key_get,
    .import_key_set = gz_sqlite_import_key_set,
    .tag_set_parent = gz_sqlite_tag_set_parent,
    .tag_import = gz_sqlite_tag_import,
    .feed_articles = gz_sqlite_feed_articles,
    .sitemap_chunks = gz_sqlite_sitemap_chunks,
    .sitemap_articles = gz_sqlite_sitemap_articles,
    .sitemap_tags = gz_sqlite_sitemap_tags,
    .news_articles = gz_sqlite_news_articles,
    .translation_link = gz_sqlite_translation_link,
    .translation_unlink = gz_sqlite_translation_unlink,
    .translations = gz_sqlite_translations,
    .author_articles = gz_sqlite_author_articles,
    .archive_articles = gz_sqlite_archive_articles,
    .archive_months = gz_sqlite_archive_months,
    .lang_articles = gz_sqlite_lang_articles,
    .lang_counts = gz_sqlite_lang_counts,
    .search = gz_sqlite_search,
    .tag_alias_add = gz_sqlite_tag_alias_add,
    .tag_alias_delete = gz_sqlite_tag_alias_delete,
    .tag_alias_list = gz_sqlite_tag_alias_list,
    .tag_alias_resolve = gz_sqlite_tag_alias_resolve,
    .tag_description_get = gz_sqlite_tag_description_get,
    .tag_description_set = gz_sqlite_tag_description_set,
    .readers_merge = gz_sqlite_readers_merge,
    .readers_count = gz_sqlite_readers_count,
    .readers_each = gz_sqlite_readers_each,
    .stats_days = gz_sqlite_stats_days,
    .stats_top = gz_sqlite_stats_top,
    .stats_referrers = gz_sqlite_stats_referrers,
    .dump = gz_sqlite_dump,
    .dump_is_empty = gz_sqlite_dump_is_empty,
    .load_begin = gz_sqlite_load_begin,
    .load_row = gz_sqlite_load_row,
    .load_finish = gz_sqlite_load_finish,
    .backup = gz_sqlite_backup,
};

/* Opens a handle with the given sqlite3_open_v2 flags, migrates it and
 * prepares its statements. */
static int open_handle(const char *path, int flags, gz_store_migrated_cb migrated,
                       void *ctx, struct gz_store **out, char *err, size_t errlen)
{
    struct sqlite_store *s = gz_xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    *out = NULL;
    /* NOMUTEX: a handle is used by one thread at a time (see store.h). */
    int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        rc = GZ_EIO;
        goto fail;
    }
    if ((rc = configure(s, err, errlen)) ||
        (rc = gz_sqlite_search_register(s->db, err, errlen)) ||
        (rc = migrate(s, migrated, ctx, err, errlen)) ||
        (rc = prepare_all(s, err, errlen)))
        goto fail;
    *out = &s->base;
    return GZ_OK;
fail:
    release(s);
    return rc;
}

int gz_store_sqlite_open(const char *path, struct gz_store **out, char *err,
                         size_t errlen)
{
    return open_handle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL, NULL, out,
                       err, errlen);
}

/* Without SQLITE_OPEN_CREATE: migrating a file that is not there is a
 * mistake (a wrong --db), not a request for a new site. The statements are
 * still prepared, which checks the migrated schema against this gazette's
 * SQL before anyone serves from it. */
int gz_store_sqlite_migrate(const char *path, gz_store_migrated_cb migrated, void *ctx,
                            char *err, size_t errlen)
{
    struct gz_store *s;
    int rc = open_handle(path, SQLITE_OPEN_READWRITE, migrated, ctx, &s, err, errlen);
    gz_store_close(s);
    return rc;
}

/* Reads only, and skips configure(): setting journal_mode = WAL would
 * rewrite the file header, and a dry run must leave every byte as it was.
 * Not SQLITE_OPEN_READONLY: a read-only handle on a WAL database leaves
 * its -wal and -shm files behind, owned by whoever ran the dry run (often
 * root), which would lock the site's own user out of them. A read-write
 * handle that writes nothing removes them on close like any other. */
int gz_store_sqlite_schema_version(const char *path, int64_t *version, char *err,
                                   size_t errlen)
{
    struct sqlite_store s = {0};
    *version = 0;
    int rc =
        sqlite3_open_v2(path, &s.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 s.db ? sqlite3_errmsg(s.db) : sqlite3_errstr(rc));
        rc = GZ_EIO;
        goto out;
    }
    /* A reader may meet the lock of a server writing a flush. query_only
     * makes "writes nothing" a promise SQLite keeps, not just ours. */
    sqlite3_busy_timeout(s.db, 5000);
    rc = exec_sql(&s, "PRAGMA query_only = 1", "opening read-only", err, errlen);
    if (rc == GZ_OK)
        rc = read_user_version(&s, version, err, errlen);
    if (rc == GZ_OK)
        rc =
            gz_store_migration_not_newer(*version, gz_store_migration_count, err, errlen);
out:
    sqlite3_close(s.db);
    return rc;
}
