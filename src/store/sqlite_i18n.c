/* The SQLite backend of the store: translation groups (migration 0004),
 * and the lists behind the per-language home pages, author pages and
 * monthly archives. Statements are prepared on first use
 * (gz_sqlite_stmt); their SQL sits next to the code that runs it. */
#include "store/sqliteInt.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

/* The page's ids from an index holding the filter and the order, then only
 * their rows (as ST_LATEST in sqlite.c does). */
#define PAGE_OF(where)                                                                   \
    GZ_SQL_TEASER_COLUMNS                                                                \
        "WHERE id IN (SELECT id FROM articles WHERE " where GZ_SQL_NEWEST_FIRST          \
        " LIMIT ?5 OFFSET ?6)" GZ_SQL_NEWEST_FIRST

/* ---- archives and languages ---- */

static const char SQL_MONTHS[] =
    "SELECT CAST(strftime('%Y', published_at, 'unixepoch') AS INTEGER) AS y, "
    "CAST(strftime('%m', published_at, 'unixepoch') AS INTEGER) AS m, count(*) "
    "FROM articles WHERE " GZ_SQLITE_PUBLISHED " GROUP BY y, m ORDER BY y DESC, m DESC";
static const char SQL_LANGS[] =
    "SELECT lower(lang) AS l, count(*) AS n FROM articles WHERE " GZ_SQLITE_PUBLISHED
    " AND lang <> '' GROUP BY l ORDER BY n DESC, l";

int gz_sqlite_archive_months(struct gz_store *gs, int64_t now, struct gz_month_list *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_MONTHS);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding now")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 32;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_month *m = &out->items[out->len++];
        m->year = sqlite3_column_int(st, 0);
        m->month = sqlite3_column_int(st, 1);
        m->count = sqlite3_column_int64(st, 2);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading the archive months");
    done(st);
    if (rc != GZ_OK)
        gz_month_list_clear(out);
    return rc;
}

int gz_sqlite_lang_counts(struct gz_store *gs, int64_t now, struct gz_lang_list *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_LANGS);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding now")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_lang_count *l = &out->items[out->len++];
        l->lang = gz_sqlite_column_dup(st, 0);
        l->count = sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading the languages");
    done(st);
    if (rc != GZ_OK)
        gz_lang_list_clear(out);
    return rc;
}

/* ---- translation groups ---- */

static const char SQL_ARTICLE_LANG[] = "SELECT lang FROM articles WHERE id = ?1";
static const char SQL_GROUP_OF[] =
    "SELECT group_id FROM article_translations WHERE article_id = ?1";
static const char SQL_NEW_GROUP[] =
    "SELECT coalesce(max(group_id), 0) + 1 FROM article_translations";
/* Another article of the group, not in the trash, in the same language. */
static const char SQL_LANG_TAKEN[] =
    "SELECT count(*) FROM article_translations t JOIN articles a ON a.id = t.article_id "
    "WHERE t.group_id = ?1 AND t.article_id <> ?2 AND a.deleted_at = 0 "
    "AND a.lang = ?3 COLLATE NOCASE";
static const char SQL_JOIN_GROUP[] =
    "INSERT INTO article_translations (article_id, group_id) VALUES (?1, ?2) "
    "ON CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id";
static const char SQL_LEAVE_GROUP[] =
    "DELETE FROM article_translations WHERE article_id = ?1";
static const char SQL_GROUP_SIZE[] =
    "SELECT count(*) FROM article_translations WHERE group_id = ?1";
static const char SQL_DISSOLVE[] = "DELETE FROM article_translations WHERE group_id = ?1";
/* Marks the group's articles changed (change sequence ?2): their pages list
 * each other. */
static const char SQL_TOUCH_GROUP[] =
    "UPDATE articles SET change_seq = ?2 WHERE id IN "
    "(SELECT article_id FROM article_translations WHERE group_id = ?1)";
static const char SQL_TRANSLATIONS[] =
    "SELECT a.id, a.slug, a.title, a.teaser, a.lang, a.published_at "
    "FROM article_translations me JOIN article_translations t "
    "ON t.group_id = me.group_id AND t.article_id <> me.article_id "
    "JOIN articles a ON a.id = t.article_id WHERE me.article_id = ?2 "
    "AND a.status = 1 AND a.published_at <= ?1 AND a.deleted_at = 0 "
    "ORDER BY a.lang, a.id";

/* Runs sql with x as ?1, y as ?2 and text as ?3 (as many as it has) and
 * reads the number it answers: GZ_ENOTFOUND without a row. */
static int query_i64(struct sqlite_store *s, const char *sql, int64_t x, int64_t y,
                     const char *text, int64_t *out)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK, n = sqlite3_bind_parameter_count(st);
    if (n >= 1)
        gz_sqlite_bind_i64(st, 1, x, &rc);
    if (n >= 2)
        gz_sqlite_bind_i64(st, 2, y, &rc);
    if (n >= 3)
        gz_sqlite_bind_text(st, 3, text, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a translation query")))
        return rc;
    return gz_sqlite_step_i64(s, st, "reading translations", out);
}

/* Runs sql (no rows) with two integer parameters. */
static int exec_ii(struct sqlite_store *s, const char *sql, int64_t x, int64_t y)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK, n = sqlite3_bind_parameter_count(st);
    gz_sqlite_bind_i64(st, 1, x, &rc);
    if (n >= 2)
        gz_sqlite_bind_i64(st, 2, y, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a translation update")))
        return rc;
    return gz_sqlite_step_done(s, st, "updating translations");
}

/* The article's language: GZ_ENOTFOUND when there is no such article.
 * *lang is heap-allocated. */
static int article_lang(struct sqlite_store *s, int64_t id, char **lang)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ARTICLE_LANG);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *lang = gz_sqlite_column_dup(st, 0);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading an article");
    }
    done(st);
    return rc;
}

/* The article's group in *group, 0 when it is in none. */
static int group_of(struct sqlite_store *s, int64_t id, int64_t *group)
{
    int rc = query_i64(s, SQL_GROUP_OF, id, 0, NULL, group);
    if (rc == GZ_ENOTFOUND) {
        *group = 0;
        rc = GZ_OK;
    }
    return rc;
}

/* Dissolves group when one article or none is left in it. */
static int tidy_group(struct sqlite_store *s, int64_t group)
{
    int64_t size = 0;
    int rc = query_i64(s, SQL_GROUP_SIZE, group, 0, NULL, &size);
    if (rc == GZ_OK && size < 2)
        rc = exec_ii(s, SQL_DISSOLVE, group, 0);
    return rc;
}

/* Takes id out of its group, marking the group's articles changed. */
static int leave_group(struct sqlite_store *s, int64_t id, int64_t group, int64_t seq)
{
    int rc = exec_ii(s, SQL_TOUCH_GROUP, group, seq);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_LEAVE_GROUP, id, 0);
    if (rc == GZ_OK)
        rc = tidy_group(s, group);
    return rc;
}

/* Everything between begin and commit of translation_link. A group holds
 * one article per language: id may not join a group that has another
 * article in its language, of_id's own included. */
static int link_in_tx(struct sqlite_store *s, int64_t id, int64_t of_id)
{
    char *lang = NULL, *of_lang = NULL;
    int64_t target = 0, current = 0, taken = 0, seq = 0;
    int rc = article_lang(s, of_id, &of_lang);
    if (rc == GZ_OK)
        rc = article_lang(s, id, &lang);
    if (rc == GZ_OK && strcasecmp(lang, of_lang) == 0)
        rc = GZ_EEXIST;
    if (rc == GZ_OK)
        rc = group_of(s, of_id, &target);
    if (rc == GZ_OK)
        rc = group_of(s, id, &current);
    if (rc == GZ_OK && target == 0)
        rc = query_i64(s, SQL_NEW_GROUP, 0, 0, NULL, &target);
    if (rc == GZ_OK)
        rc = query_i64(s, SQL_LANG_TAKEN, target, id, lang, &taken);
    if (rc == GZ_OK && taken > 0)
        rc = GZ_EEXIST;
    if (rc == GZ_OK)
        rc = gz_sqlite_next_change_seq(s, &seq);
    if (rc == GZ_OK && current && current != target)
        rc = leave_group(s, id, current, seq);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_JOIN_GROUP, of_id, target);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_JOIN_GROUP, id, target);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_TOUCH_GROUP, target, seq);
    free(lang);
    free(of_lang);
    return rc;
}

int gz_sqlite_translation_link(struct gz_store *gs, int64_t id, int64_t of_id)
{
    struct sqlite_store *s = from(gs);
    if (id == of_id)
        return GZ_EINVAL;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = link_in_tx(s, id, of_id);
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

static int unlink_in_tx(struct sqlite_store *s, int64_t id)
{
    char *lang = NULL;
    int64_t group = 0, seq = 0;
    int rc = article_lang(s, id, &lang);
    free(lang);
    if (rc == GZ_OK)
        rc = group_of(s, id, &group);
    if (rc == GZ_OK && group) {
        rc = gz_sqlite_next_change_seq(s, &seq);
        if (rc == GZ_OK)
            rc = leave_group(s, id, group, seq);
    }
    return rc;
}

int gz_sqlite_translation_unlink(struct gz_store *gs, int64_t id)
{
    struct sqlite_store *s = from(gs);
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = unlink_in_tx(s, id);
    if (rc == GZ_OK)
        return gz_sqlite_tx_commit(s);
    gz_sqlite_tx_rollback(s);
    return rc;
}

int gz_sqlite_translations(struct gz_store *gs, int64_t id, int64_t now,
                           struct gz_teaser_list *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TRANSLATIONS);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    gz_sqlite_bind_i64(st, 2, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    size_t cap = 0;
    rc = gz_sqlite_collect_teasers(s, st, out, &cap);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}
