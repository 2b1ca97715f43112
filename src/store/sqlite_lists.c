/* The SQLite backend of the store: the lists behind the home, language,
 * tag, author and monthly archive pages.
 *
 * A list page used to be two queries: the page's ids (OFFSET stepping over
 * index entries) and a count. Both cost time in proportion to the list, so
 * walking every page of a list (a static export, a crawler) was quadratic:
 * on 10,000 articles the tag pages alone spent 10 s in SQLite, 6 ms a page.
 *
 * Now each handle keeps, per list, the (published_at, id) pairs of every
 * article of the list that is published or scheduled and not in the trash,
 * newest first. A page is a binary search for the first pair whose time has
 * come (scheduled articles sort first), a slice of the array and one teaser
 * read per id; the total is the rest of the array. The cache is valid for
 * one value of the change sequence (0001_initial.sql), which every write
 * to an article bumps, in any process; it is read in the same snapshot as
 * the page. Inside a write transaction nothing is cached: a rollback would
 * give the sequence's number back to a later, different change.
 *
 * Memory: 16 bytes per article per list it is in (about 5 lists each: the
 * home, its language, its month, its author, its tags), at most
 * MAX_ENTRIES pairs per handle; past that the cache starts over. */
#include "store/sqliteInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024                    /* lists per handle; a power of two */
#define MAX_ENTRIES ((size_t)1 << 21) /* 32 MiB of pairs per handle */

struct pair {
    int64_t published_at, id;
};

struct list {
    char *key; /* NULL: a free slot */
    struct pair *p;
    size_t n;
};

struct gz_sqlite_lists {
    int64_t seq; /* change sequence the lists were read at; -1: none */
    size_t entries, used;
    struct list slot[SLOTS];
};

static const char SQL_SEQ[] = "SELECT seq FROM change_seq WHERE id = 1";

#define LIVE "status = 1 AND deleted_at = 0"
#define NEWEST " ORDER BY published_at DESC, id DESC"
static const char SQL_HOME[] = "SELECT published_at, id FROM articles WHERE " LIVE NEWEST;
/* COLLATE NOCASE on the comparison: the index articles_by_lang has it. */
static const char SQL_LANG[] = "SELECT published_at, id FROM articles WHERE "
                               "lang = ?4 COLLATE NOCASE AND " LIVE NEWEST;
static const char SQL_AUTHOR[] =
    "SELECT published_at, id FROM articles WHERE author_id = ?2 AND " LIVE NEWEST;
static const char SQL_MONTH[] =
    "SELECT published_at, id FROM articles WHERE "
    "published_at >= ?2 AND published_at < ?3 AND " LIVE NEWEST;
static const char SQL_TAG[] =
    "SELECT a.published_at, a.id FROM article_tags at JOIN articles a "
    "ON a.id = at.article_id WHERE at.tag_id = ?2 AND a.status = 1 AND "
    "a.deleted_at = 0 ORDER BY a.published_at DESC, a.id DESC";

/* Which list: its query and the values of its parameters ?2, ?3, ?4. */
struct list_query {
    const char *sql;
    int64_t a, b;
    const char *text;
};

static void clear_all(struct gz_sqlite_lists *c)
{
    for (size_t i = 0; i < SLOTS; i++) {
        free(c->slot[i].key);
        free(c->slot[i].p);
        c->slot[i] = (struct list){0};
    }
    c->entries = c->used = 0;
}

void gz_sqlite_lists_free(struct gz_sqlite_lists *c)
{
    if (c)
        clear_all(c);
    free(c);
}

/* "SQL-address a b text": the statement tells the kind apart. The text
 * (a language) is compared without regard to ASCII case, as its query. */
static char *list_key(const struct list_query *q)
{
    char num[64];
    snprintf(num, sizeof num, "%p %lld %lld ", (const void *)q->sql, (long long)q->a,
             (long long)q->b);
    size_t nl = strlen(num), tl = q->text ? strlen(q->text) : 0;
    char *k = gz_xmalloc(nl + tl + 1);
    memcpy(k, num, nl);
    memcpy(k + nl, q->text ? q->text : "", tl + 1);
    for (char *p = k; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return k;
}

static struct list *slot_of(struct gz_sqlite_lists *c, const char *key)
{
    uint64_t h = gz_hash(key, strlen(key));
    for (size_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1))
        if (!c->slot[i].key || !strcmp(c->slot[i].key, key))
            return &c->slot[i];
}

/* Reads the whole list into l->p, l->n. */
static int fill(struct sqlite_store *s, const struct list_query *q, struct list *l)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, q->sql);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    int np = sqlite3_bind_parameter_count(st);
    if (np >= 2)
        gz_sqlite_bind_i64(st, 2, q->a, &rc);
    if (np >= 3)
        gz_sqlite_bind_i64(st, 3, q->b, &rc);
    if (np >= 4)
        gz_sqlite_bind_text(st, 4, q->text, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a list")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->n == cap) {
            cap = cap ? cap * 2 : 64;
            l->p = gz_xrealloc(l->p, cap * sizeof *l->p);
        }
        l->p[l->n++] =
            (struct pair){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
    }
    done(st);
    return rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading a list");
}

/* The cached list for q, read now if missing or stale; *owned is set when
 * the list could not be kept (the caller frees it). */
static int get_list(struct sqlite_store *s, const struct list_query *q, struct list *out,
                    int *owned)
{
    int64_t seq = 0;
    int rc = gz_sqlite_step_i64(s, gz_sqlite_stmt(s, SQL_SEQ),
                                "reading the change sequence", &seq);
    if (rc != GZ_OK)
        return rc;
    *owned = 1;
    *out = (struct list){0};
    if (s->depth > 0) { /* a write transaction: see the top of this file */
        if ((rc = fill(s, q, out)) != GZ_OK) {
            free(out->p);
            out->p = NULL;
        }
        return rc;
    }
    if (!s->lists) {
        s->lists = gz_xcalloc(1, sizeof *s->lists);
        s->lists->seq = -1;
    }
    struct gz_sqlite_lists *c = s->lists;
    if (c->seq != seq) {
        clear_all(c);
        c->seq = seq;
    }
    char *key = list_key(q);
    struct list *l = slot_of(c, key);
    if (l->key) {
        free(key);
        *out = *l;
        *owned = 0;
        return GZ_OK;
    }
    if ((rc = fill(s, q, out)) != GZ_OK) {
        free(out->p);
        free(key);
        return rc;
    }
    if (out->n > MAX_ENTRIES) { /* too long to keep: served once */
        free(key);
        return GZ_OK;
    }
    if (c->entries + out->n > MAX_ENTRIES || (c->used + 1) * 4 > SLOTS * 3) {
        clear_all(c);
        l = slot_of(c, key);
    }
    *l = *out;
    l->key = key;
    c->entries += out->n;
    c->used++;
    *owned = 0;
    return GZ_OK;
}

/* Index of the first pair published at or before now: the pairs are newest
 * first, so the scheduled ones come before it. */
static size_t first_live(const struct list *l, int64_t now)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->p[mid].published_at > now)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One page of list q and its total, in one snapshot. */
static int list_page(struct sqlite_store *s, const struct list_query *q, int64_t now,
                     size_t offset, size_t limit, struct gz_teaser_list *out,
                     int64_t *total)
{
    memset(out, 0, sizeof *out);
    if (total)
        *total = 0;
    int started, owned = 0;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc != GZ_OK)
        return rc;
    struct list l;
    rc = get_list(s, q, &l, &owned);
    if (rc == GZ_OK) {
        size_t first = first_live(&l, now), live = l.n - first;
        if (total)
            *total = (int64_t)live;
        size_t n = offset < live ? live - offset : 0;
        n = n < limit ? n : limit;
        int64_t *ids = gz_xmalloc((n ? n : 1) * sizeof *ids);
        for (size_t i = 0; i < n; i++)
            ids[i] = l.p[first + offset + i].id;
        if (owned)
            free(l.p);
        rc = gz_sqlite_teasers_of(s, ids, n, now, out);
        free(ids);
    }
    gz_sqlite_read_end(s, started);
    return rc;
}

int gz_sqlite_article_latest(struct gz_store *gs, int64_t now, size_t offset,
                             size_t limit, struct gz_teaser_list *out)
{
    struct list_query q = {.sql = SQL_HOME};
    return list_page(from(gs), &q, now, offset, limit, out, NULL);
}

int gz_sqlite_article_count_published(struct gz_store *gs, int64_t now, int64_t *out)
{
    struct list_query q = {.sql = SQL_HOME};
    struct gz_teaser_list none;
    return list_page(from(gs), &q, now, 0, 0, &none, out);
}

int gz_sqlite_tag_articles(struct gz_store *gs, int64_t tag_id, int64_t now,
                           size_t offset, size_t limit, struct gz_teaser_list *out,
                           int64_t *total)
{
    struct list_query q = {.sql = SQL_TAG, .a = tag_id};
    return list_page(from(gs), &q, now, offset, limit, out, total);
}

int gz_sqlite_author_articles(struct gz_store *gs, int64_t author_id, int64_t now,
                              size_t offset, size_t limit, struct gz_teaser_list *out,
                              int64_t *total)
{
    struct list_query q = {.sql = SQL_AUTHOR, .a = author_id};
    return list_page(from(gs), &q, now, offset, limit, out, total);
}

int gz_sqlite_archive_articles(struct gz_store *gs, int64_t start, int64_t end,
                               int64_t now, size_t offset, size_t limit,
                               struct gz_teaser_list *out, int64_t *total)
{
    struct list_query q = {.sql = SQL_MONTH, .a = start, .b = end};
    return list_page(from(gs), &q, now, offset, limit, out, total);
}

int gz_sqlite_lang_articles(struct gz_store *gs, const char *lang, int64_t now,
                            size_t offset, size_t limit, struct gz_teaser_list *out,
                            int64_t *total)
{
    if (!lang) {
        memset(out, 0, sizeof *out);
        return GZ_EINVAL;
    }
    struct list_query q = {.sql = SQL_LANG, .text = lang};
    return list_page(from(gs), &q, now, offset, limit, out, total);
}
