/* The PostgreSQL backend of the store: translation groups (migration 0004),
 * and the lists behind the per-language home pages, author pages and
 * monthly archives, as sqlite_i18n.c and the matching lists of
 * sqlite_lists.c. Language tags compare as lower(lang), the key of the
 * index articles_by_lang. */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- archives and languages ---- */

/* Months in UTC: AT TIME ZONE 'UTC' makes the timestamp's fields UTC's,
 * whatever the session's time zone. */
static const char SQL_MONTHS[] =
    "SELECT y, m, count(*) FROM (SELECT "
    "extract(year FROM to_timestamp(published_at) AT TIME ZONE 'UTC')::integer AS y, "
    "extract(month FROM to_timestamp(published_at) AT TIME ZONE 'UTC')::integer AS m "
    "FROM articles WHERE " GZ_PG_PUBLISHED ") p GROUP BY y, m ORDER BY y DESC, m DESC";
static const char SQL_LANGS[] =
    "SELECT lower(lang) AS l, count(*) AS n FROM articles WHERE " GZ_PG_PUBLISHED
    " AND lang <> '' GROUP BY l ORDER BY n DESC, l";

/* Runs sql with now as its only parameter. */
static PGresult *by_now(struct pg_store *s, const char *sql, int64_t now,
                        const char *what)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    return gz_pg_exec(s, sql, &p, what, NULL);
}

int gz_pg_archive_months(struct gz_store *gs, int64_t now, struct gz_month_list *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r = by_now(pg_from(gs), SQL_MONTHS, now, "reading the archive months");
    if (!r)
        return GZ_EIO;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_month *m = &out->items[out->len++];
        m->year = (int)gz_pg_i64(r, i, 0);
        m->month = (int)gz_pg_i64(r, i, 1);
        m->count = gz_pg_i64(r, i, 2);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_lang_counts(struct gz_store *gs, int64_t now, struct gz_lang_list *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r = by_now(pg_from(gs), SQL_LANGS, now, "reading the languages");
    if (!r)
        return GZ_EIO;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_lang_count *l = &out->items[out->len++];
        l->lang = gz_pg_dup(r, i, 0);
        l->count = gz_pg_i64(r, i, 1);
    }
    PQclear(r);
    return GZ_OK;
}

/* ---- author, month and language lists ---- */

/* A list page: $2 is its key (an author, a language), or $2 and $3 a range
 * (a month); the page's LIMIT and OFFSET come after them. The total is
 * read in the same snapshot. */
static const char SQL_AUTHOR_PAGE[] = GZ_SQL_TEASER_COLUMNS
    "WHERE author_id = $2 AND " GZ_PG_PUBLISHED GZ_SQL_NEWEST_FIRST " LIMIT $3 OFFSET $4";
static const char SQL_AUTHOR_TOTAL[] =
    "SELECT count(*) FROM articles WHERE author_id = $2 AND " GZ_PG_PUBLISHED;
static const char SQL_MONTH_PAGE[] = GZ_SQL_TEASER_COLUMNS
    "WHERE published_at >= $2 AND published_at < $3 AND " GZ_PG_PUBLISHED
        GZ_SQL_NEWEST_FIRST " LIMIT $4 OFFSET $5";
static const char SQL_MONTH_TOTAL[] =
    "SELECT count(*) FROM articles WHERE "
    "published_at >= $2 AND published_at < $3 AND " GZ_PG_PUBLISHED;
static const char SQL_LANG_PAGE[] = GZ_SQL_TEASER_COLUMNS
    "WHERE lower(lang) = lower($2) AND " GZ_PG_PUBLISHED GZ_SQL_NEWEST_FIRST
    " LIMIT $3 OFFSET $4";
static const char SQL_LANG_TOTAL[] =
    "SELECT count(*) FROM articles WHERE lower(lang) = lower($2) AND " GZ_PG_PUBLISHED;

/* Which list: its statements and the values of their parameters after now
 * (integers a and, when the list is a range, b; or text). */
struct list_query {
    const char *page, *total;
    int64_t a, b;
    int range;
    const char *text;
};

static void list_params(const struct list_query *q, int64_t now, struct gz_pg_params *p)
{
    gz_pg_p_i64(p, now);
    if (q->text) {
        gz_pg_p_text(p, q->text);
        return;
    }
    gz_pg_p_i64(p, q->a);
    if (q->range)
        gz_pg_p_i64(p, q->b);
}

static int list_rows(struct pg_store *s, const struct list_query *q, int64_t now,
                     size_t offset, size_t limit, struct gz_teaser_list *out,
                     int64_t *total)
{
    struct gz_pg_params p = {0};
    list_params(q, now, &p);
    gz_pg_p_i64(&p, gz_store_clamp_size(limit));
    gz_pg_p_i64(&p, gz_store_clamp_size(offset));
    PGresult *r = gz_pg_exec(s, q->page, &p, "reading a list", NULL);
    if (!r)
        return GZ_EIO;
    gz_pg_collect_teasers(r, out);
    PQclear(r);
    if (!total)
        return GZ_OK;
    struct gz_pg_params t = {0};
    list_params(q, now, &t);
    int rc = gz_pg_run_i64(s, q->total, &t, "counting a list", total);
    return rc == GZ_ENOTFOUND ? GZ_EIO : rc;
}

/* One page of list q and its total, in one snapshot. */
static int list_page(struct pg_store *s, const struct list_query *q, int64_t now,
                     size_t offset, size_t limit, struct gz_teaser_list *out,
                     int64_t *total)
{
    memset(out, 0, sizeof *out);
    if (total)
        *total = 0;
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    rc = list_rows(s, q, now, offset, limit, out, total);
    gz_pg_read_end(s, started);
    if (rc != GZ_OK)
        gz_teaser_list_clear(out);
    return rc;
}

int gz_pg_author_articles(struct gz_store *gs, int64_t author_id, int64_t now,
                          size_t offset, size_t limit, struct gz_teaser_list *out,
                          int64_t *total)
{
    struct list_query q = {
        .page = SQL_AUTHOR_PAGE, .total = SQL_AUTHOR_TOTAL, .a = author_id};
    return list_page(pg_from(gs), &q, now, offset, limit, out, total);
}

int gz_pg_archive_articles(struct gz_store *gs, int64_t start, int64_t end, int64_t now,
                           size_t offset, size_t limit, struct gz_teaser_list *out,
                           int64_t *total)
{
    struct list_query q = {.page = SQL_MONTH_PAGE,
                           .total = SQL_MONTH_TOTAL,
                           .a = start,
                           .b = end,
                           .range = 1};
    return list_page(pg_from(gs), &q, now, offset, limit, out, total);
}

int gz_pg_lang_articles(struct gz_store *gs, const char *lang, int64_t now, size_t offset,
                        size_t limit, struct gz_teaser_list *out, int64_t *total)
{
    if (!lang) {
        memset(out, 0, sizeof *out);
        return GZ_EINVAL;
    }
    struct list_query q = {.page = SQL_LANG_PAGE, .total = SQL_LANG_TOTAL, .text = lang};
    return list_page(pg_from(gs), &q, now, offset, limit, out, total);
}

/* ---- translation groups ---- */

static const char SQL_ARTICLE_LANG[] = "SELECT lang FROM articles WHERE id = $1";
static const char SQL_GROUP_OF[] =
    "SELECT group_id FROM article_translations WHERE article_id = $1";
static const char SQL_NEW_GROUP[] =
    "SELECT coalesce(max(group_id), 0) + 1 FROM article_translations";
/* Another article of the group, not in the trash, in the same language. */
static const char SQL_LANG_TAKEN[] =
    "SELECT count(*) FROM article_translations t JOIN articles a ON a.id = t.article_id "
    "WHERE t.group_id = $1 AND t.article_id <> $2 AND a.deleted_at = 0 "
    "AND lower(a.lang) = lower($3)";
static const char SQL_JOIN_GROUP[] =
    "INSERT INTO article_translations (article_id, group_id) VALUES ($1, $2) "
    "ON CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id";
static const char SQL_LEAVE_GROUP[] =
    "DELETE FROM article_translations WHERE article_id = $1";
static const char SQL_GROUP_SIZE[] =
    "SELECT count(*) FROM article_translations WHERE group_id = $1";
static const char SQL_DISSOLVE[] = "DELETE FROM article_translations WHERE group_id = $1";
/* Marks the group's articles changed (change sequence $2): their pages list
 * each other. */
static const char SQL_TOUCH_GROUP[] =
    "UPDATE articles SET change_seq = $2 WHERE id IN "
    "(SELECT article_id FROM article_translations WHERE group_id = $1)";
static const char SQL_TRANSLATIONS[] =
    "SELECT a.id, a.slug, a.title, a.teaser, a.lang, a.published_at "
    "FROM article_translations me JOIN article_translations t "
    "ON t.group_id = me.group_id AND t.article_id <> me.article_id "
    "JOIN articles a ON a.id = t.article_id WHERE me.article_id = $2 "
    "AND a.status = 1 AND a.published_at <= $1 AND a.deleted_at = 0 "
    "ORDER BY a.lang, a.id";

/* Runs sql with the integer parameters x (and y when two) and reads the
 * number it answers: GZ_ENOTFOUND without a row. */
static int query_i64(struct pg_store *s, const char *sql, int nparams, int64_t x,
                     int64_t y, int64_t *out)
{
    struct gz_pg_params p = {0};
    if (nparams >= 1)
        gz_pg_p_i64(&p, x);
    if (nparams >= 2)
        gz_pg_p_i64(&p, y);
    return gz_pg_run_i64(s, sql, &p, "reading translations", out);
}

/* Runs sql (no rows) with the integer parameters x (and y when two). */
static int exec_ii(struct pg_store *s, const char *sql, int nparams, int64_t x, int64_t y)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, x);
    if (nparams >= 2)
        gz_pg_p_i64(&p, y);
    return gz_pg_run(s, sql, &p, "updating translations");
}

/* The article's language: GZ_ENOTFOUND when there is no such article.
 * *lang is heap-allocated. */
static int article_lang(struct pg_store *s, int64_t id, char **lang)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    return gz_pg_run_text(s, SQL_ARTICLE_LANG, &p, "reading an article", lang);
}

/* The article's group in *group, 0 when it is in none. */
static int group_of(struct pg_store *s, int64_t id, int64_t *group)
{
    int rc = query_i64(s, SQL_GROUP_OF, 1, id, 0, group);
    if (rc == GZ_ENOTFOUND) {
        *group = 0;
        rc = GZ_OK;
    }
    return rc;
}

/* Dissolves group when one article or none is left in it. */
static int tidy_group(struct pg_store *s, int64_t group)
{
    int64_t size = 0;
    int rc = query_i64(s, SQL_GROUP_SIZE, 1, group, 0, &size);
    if (rc == GZ_OK && size < 2)
        rc = exec_ii(s, SQL_DISSOLVE, 1, group, 0);
    return rc;
}

/* Takes id out of its group, marking the group's articles changed. */
static int leave_group(struct pg_store *s, int64_t id, int64_t group, int64_t seq)
{
    int rc = exec_ii(s, SQL_TOUCH_GROUP, 2, group, seq);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_LEAVE_GROUP, 1, id, 0);
    if (rc == GZ_OK)
        rc = tidy_group(s, group);
    return rc;
}

/* Whether another article of group, in lang, is there. */
static int lang_taken(struct pg_store *s, int64_t group, int64_t id, const char *lang,
                      int64_t *taken)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, group);
    gz_pg_p_i64(&p, id);
    gz_pg_p_text(&p, lang);
    return gz_pg_run_i64(s, SQL_LANG_TAKEN, &p, "reading translations", taken);
}

/* Everything between begin and commit of translation_link. A group holds
 * one article per language: id may not join a group that has another
 * article in its language, of_id's own included.
 *
 * Unlike SQLite, writers do not exclude each other here: the change
 * sequence is bumped first, and its row lock (held to COMMIT) orders the
 * links. Each later statement (READ COMMITTED) sees what the link before
 * committed, so two links never pick the same new group nor fill one
 * language twice. */
static int link_in_tx(struct pg_store *s, int64_t id, int64_t of_id)
{
    char *lang = NULL, *of_lang = NULL;
    int64_t target = 0, current = 0, taken = 0, seq = 0;
    int rc = gz_pg_next_change_seq(s, &seq);
    if (rc == GZ_OK)
        rc = article_lang(s, of_id, &of_lang);
    if (rc == GZ_OK)
        rc = article_lang(s, id, &lang);
    if (rc == GZ_OK && strcasecmp(lang, of_lang) == 0)
        rc = GZ_EEXIST;
    if (rc == GZ_OK)
        rc = group_of(s, of_id, &target);
    if (rc == GZ_OK)
        rc = group_of(s, id, &current);
    if (rc == GZ_OK && target == 0)
        rc = query_i64(s, SQL_NEW_GROUP, 0, 0, 0, &target);
    if (rc == GZ_OK)
        rc = lang_taken(s, target, id, lang, &taken);
    if (rc == GZ_OK && taken > 0)
        rc = GZ_EEXIST;
    if (rc == GZ_OK && current && current != target)
        rc = leave_group(s, id, current, seq);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_JOIN_GROUP, 2, of_id, target);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_JOIN_GROUP, 2, id, target);
    if (rc == GZ_OK)
        rc = exec_ii(s, SQL_TOUCH_GROUP, 2, target, seq);
    free(lang);
    free(of_lang);
    return rc;
}

int gz_pg_translation_link(struct gz_store *gs, int64_t id, int64_t of_id)
{
    struct pg_store *s = pg_from(gs);
    if (id == of_id)
        return GZ_EINVAL;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = link_in_tx(s, id, of_id);
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

/* As link_in_tx, the group is read again after the change sequence's row
 * lock is held: a link that committed meanwhile may have moved id. */
static int unlink_in_tx(struct pg_store *s, int64_t id)
{
    char *lang = NULL;
    int64_t group = 0, seq = 0;
    int rc = article_lang(s, id, &lang);
    free(lang);
    if (rc == GZ_OK)
        rc = group_of(s, id, &group);
    if (rc != GZ_OK || !group)
        return rc;
    rc = gz_pg_next_change_seq(s, &seq);
    if (rc == GZ_OK)
        rc = group_of(s, id, &group);
    if (rc == GZ_OK && group)
        rc = leave_group(s, id, group, seq);
    return rc;
}

int gz_pg_translation_unlink(struct gz_store *gs, int64_t id)
{
    struct pg_store *s = pg_from(gs);
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = unlink_in_tx(s, id);
    if (rc == GZ_OK)
        return gz_pg_tx_commit(s);
    gz_pg_tx_rollback(s);
    return rc;
}

int gz_pg_translations(struct gz_store *gs, int64_t id, int64_t now,
                       struct gz_teaser_list *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, id);
    PGresult *r = gz_pg_exec(s, SQL_TRANSLATIONS, &p, "reading translations", NULL);
    if (!r)
        return GZ_EIO;
    gz_pg_collect_teasers(r, out);
    PQclear(r);
    return GZ_OK;
}
