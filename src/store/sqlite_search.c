/* The SQLite backend of the store: full-text search (FTS5), tag aliases and
 * tag descriptions.
 *
 * The index is the FTS5 table article_search (migration 0003): one row per
 * article, rowid = article id, holding the plain text of its title,
 * summary, body and tag names. It is tokenized by "gazette", a tokenizer
 * registered on every handle (gz_sqlite_search_register) that splits and
 * normalizes words with content/normalize.h, so the index and the queries
 * agree on what a word is. The text itself is stored as written, which is
 * what snippets are cut from.
 *
 * Every article is indexed, whatever its status: whether it may be found
 * is decided at query time (published, published_at <= now, not in the
 * trash), so publishing on schedule, trashing and restoring need no
 * index update. article_save re-indexes the article it saved
 * (gz_sqlite_search_index); a purge drops the row
 * (gz_sqlite_search_unindex), and a row left behind by a delete made
 * elsewhere is harmless: article ids are never reused, and every match is
 * checked against the articles table.
 *
 * A handle without the tokenizer (the sqlite3 shell) cannot read or write
 * article_search; everything else in the database stays readable. */
#include "store/sqliteInt.h"
#include "store/storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/search.h"
#include "core/log.h"
#include "core/utf8.h"

/* ---- the tokenizer and the SQL functions ---- */

struct token_sink {
    void *ctx;
    int (*token)(void *ctx, int flags, const char *p, int n, int start, int end);
};

static int sink_word(void *arg, const struct gz_word *w)
{
    struct token_sink *k = arg;
    return k->token(k->ctx, 0, w->p, (int)w->len, (int)w->start, (int)w->end);
}

static int tok_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
    static int instance; /* stateless: any non-NULL pointer will do */
    if (argc > 0)
        return SQLITE_ERROR; /* "gazette" takes no options */
    *out = (Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t) {}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
                        int (*token)(void *, int, const char *, int, int, int))
{
    struct token_sink k = {ctx, token};
    return gz_normalize_words(text, len > 0 ? (size_t)len : 0, sink_word, &k);
}

/* gz_search_html(html) and gz_search_clean(text): the text the index
 * holds (content/search.h). NULL gives ''. */
static void sql_text(sqlite3_context *c, sqlite3_value *v, int html)
{
    const char *p = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    struct gz_buf out;
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    int rc = html ? gz_search_html_text(p ? p : "", p ? n : 0, &out)
                  : gz_search_clean_text(p ? p : "", p ? n : 0, &out);
    if (rc == GZ_OK)
        sqlite3_result_text(c, out.p ? out.p : "", (int)out.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_error_toobig(c);
    gz_buf_free(&out);
}

static void sql_search_html(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sql_text(c, argv[0], 1);
}

static void sql_search_clean(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sql_text(c, argv[0], 0);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int gz_sqlite_search_register(sqlite3 *db, char *err, size_t errlen)
{
    static fts5_tokenizer tokenizer = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = fts5_api_of(db);
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (!api || api->iVersion < 2) {
        snprintf(err, errlen, "this SQLite has no FTS5, which search needs");
        return GZ_EIO;
    }
    if (api->xCreateTokenizer(api, "gazette", NULL, &tokenizer, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "gz_search_html", 1, flags, NULL, sql_search_html,
                                   NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "gz_search_clean", 1, flags, NULL,
                                   sql_search_clean, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "registering the search tokenizer: %s", sqlite3_errmsg(db));
        return GZ_EIO;
    }
    return GZ_OK;
}

/* ---- indexing ---- */

/* The same row migration 0003 writes for every article. Tags in their
 * order, ' | ' apart. */
static const char SQL_INDEX_DELETE[] = "DELETE FROM article_search WHERE rowid = ?1";
/* The rows of the articles in the trash, which emptying it deletes. */
static const char SQL_INDEX_PURGE_TRASH[] =
    "DELETE FROM article_search WHERE rowid IN "
    "(SELECT id FROM articles WHERE deleted_at <> 0)";
static const char SQL_INDEX_INSERT[] =
    "INSERT INTO article_search (rowid, title, summary, body, tags) "
    "SELECT a.id, gz_search_clean(a.title), gz_search_clean(a.summary), "
    "gz_search_html(a.body_html), coalesce((SELECT group_concat(n, ' | ') FROM "
    "(SELECT gz_search_clean(t.name) AS n FROM article_tags at JOIN tags t "
    "ON t.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position)), '') "
    "FROM articles a WHERE a.id = ?1";

static int run_id(struct sqlite_store *s, const char *sql, int64_t id, const char *what)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, what)))
        return rc;
    return gz_sqlite_step_done(s, st, what);
}

int gz_sqlite_search_unindex(struct sqlite_store *s, int64_t id)
{
    if (id > 0)
        return run_id(s, SQL_INDEX_DELETE, id,
                      "removing an article from the search index");
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_INDEX_PURGE_TRASH);
    return st ? gz_sqlite_step_done(s, st, "removing the trash from the search index")
              : GZ_EIO;
}

/* A new article has no row yet, and asking FTS5 to delete one anyway
 * makes it write a segment of its own: the docsize table says whether the
 * row exists without touching the index. */
static const char SQL_INDEX_HAS[] = "SELECT 1 FROM article_search_docsize WHERE id = ?1";
static const char SQL_PENDING_ADD[] =
    "INSERT OR IGNORE INTO search_pending (article_id) VALUES (?1)";
static const char SQL_PENDING_LIST[] =
    "SELECT article_id FROM search_pending ORDER BY article_id";
static const char SQL_PENDING_CLEAR[] = "DELETE FROM search_pending";

static int index_now(struct sqlite_store *s, int64_t id)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_INDEX_HAS);
    int64_t one;
    int rc = st ? SQLITE_OK : GZ_EIO;
    if (st) {
        gz_sqlite_bind_i64(st, 1, id, &rc);
        if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")) == GZ_OK)
            rc = gz_sqlite_step_i64(s, st, "looking up an index row", &one);
    }
    if (rc == GZ_OK)
        rc = run_id(s, SQL_INDEX_DELETE, id, "re-indexing an article");
    else if (rc == GZ_ENOTFOUND)
        rc = GZ_OK;
    if (rc == GZ_OK)
        rc = run_id(s, SQL_INDEX_INSERT, id, "indexing an article for search");
    return rc;
}

/* FTS5 writes out what it holds in memory at every savepoint. A save
 * inside a caller's transaction (gazette demo, an import: thousands of
 * saves, each a savepoint) would so write one small segment per article
 * and spend its time merging them: a 100,000-article demo took minutes.
 * Such saves are queued in search_pending instead, and indexed together,
 * in id order, when the outer transaction commits (gz_sqlite_search_flush,
 * called by gz_sqlite_tx_commit). A save that is its own transaction is
 * indexed at once. */
int gz_sqlite_search_index(struct sqlite_store *s, int64_t id)
{
    if (s->depth <= 1)
        return index_now(s, id);
    int rc = run_id(s, SQL_PENDING_ADD, id, "queueing an article for the search index");
    if (rc == GZ_OK)
        s->search_pending = 1;
    return rc;
}

int gz_sqlite_search_flush(struct sqlite_store *s)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_PENDING_LIST);
    if (!st)
        return GZ_EIO;
    int rc = GZ_OK, step;
    s->search_pending = 0;
    while (rc == GZ_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = index_now(s, sqlite3_column_int64(st, 0));
    if (rc == GZ_OK && step != SQLITE_DONE)
        rc = gz_sqlite_fail(s, "reading the search queue");
    done(st);
    sqlite3_stmt *clear = gz_sqlite_stmt(s, SQL_PENDING_CLEAR);
    if (rc == GZ_OK)
        rc = clear ? gz_sqlite_step_done(s, clear, "clearing the search queue") : GZ_EIO;
    return rc;
}

/* ---- tag aliases ---- */

static const char SQL_ALIAS_BY_NORM[] =
    "SELECT t.name FROM tag_aliases x JOIN tags t ON t.id = x.tag_id WHERE x.norm = ?1";

/* Sets *name to the name of the tag whose alias is the normalized `norm`
 * (heap-allocated), or NULL when none. */
static int alias_target(struct sqlite_store *s, const char *norm, char **name)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ALIAS_BY_NORM);
    *name = NULL;
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, norm, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an alias")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *name = gz_sqlite_column_dup(st, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK
                                               : gz_sqlite_fail(s, "reading an alias");
    done(st);
    return rc;
}

/* ---- queries ---- */

/* Appends one term as an FTS5 string: its words in double quotes (they
 * are normalized words, which never hold a quote; one is doubled all the
 * same), then " *" for a prefix. Only this syntax ever reaches MATCH. */
static int put_string(struct gz_buf *out, const char *text, int prefix)
{
    int rc = gz_buf_putc(out, '"');
    for (const char *p = text; *p && rc == GZ_OK; p++)
        rc = *p == '"' ? gz_buf_puts(out, "\"\"") : gz_buf_putc(out, *p);
    if (rc == GZ_OK)
        rc = gz_buf_putc(out, '"');
    if (rc == GZ_OK && prefix)
        rc = gz_buf_puts(out, " *");
    return rc;
}

/* One term, or (term OR "tag name") when the term is an alias. */
static int put_term(struct gz_buf *out, const struct gz_search_term *t,
                    gz_sqlite_alias_fn alias, void *ctx)
{
    char *name = NULL;
    int rc = GZ_OK;
    if (!t->prefix && alias)
        rc = alias(ctx, t->text, &name);
    char *norm = name ? gz_store_normalized(name, GZ_SEARCH_QUERY_MAX) : NULL;
    free(name);
    if (rc != GZ_OK)
        return rc;
    if (norm && strcmp(norm, t->text) != 0) {
        rc = gz_buf_putc(out, '(');
        if (rc == GZ_OK)
            rc = put_string(out, t->text, 0);
        if (rc == GZ_OK)
            rc = gz_buf_puts(out, " OR ");
        if (rc == GZ_OK)
            rc = put_string(out, norm, 0);
        if (rc == GZ_OK)
            rc = gz_buf_putc(out, ')');
    } else {
        rc = put_string(out, t->text, t->prefix);
    }
    free(norm);
    return rc;
}

/* The tag name (normalized, heap) when the whole query, read as words,
 * is an alias of several words ("A.I.", "united states"); else NULL. */
static int whole_query_alias(const struct gz_search_query *q, gz_sqlite_alias_fn alias,
                             void *ctx, char **norm)
{
    struct gz_buf all;
    char *name = NULL;
    int rc = GZ_OK;
    *norm = NULL;
    if (!alias || q->n < 2)
        return GZ_OK;
    gz_buf_init(&all, GZ_SEARCH_QUERY_MAX * 2);
    for (size_t i = 0; i < q->n && rc == GZ_OK; i++) {
        if (q->terms[i].prefix)
            rc = GZ_EINVAL; /* "a* b" is not a name */
        else if ((i && gz_buf_putc(&all, ' ')) || gz_buf_puts(&all, q->terms[i].text))
            rc = GZ_ETOOBIG;
    }
    if (rc == GZ_OK)
        rc = alias(ctx, all.p, &name);
    else
        rc = GZ_OK;
    gz_buf_free(&all);
    if (name)
        *norm = gz_store_normalized(name, GZ_SEARCH_QUERY_MAX);
    free(name);
    return rc;
}

int gz_sqlite_search_match(const struct gz_search_query *q, gz_sqlite_alias_fn alias,
                           void *ctx, struct gz_buf *out)
{
    char *whole = NULL;
    int rc = whole_query_alias(q, alias, ctx, &whole);
    if (rc == GZ_OK && whole)
        rc = gz_buf_puts(out, "(");
    for (size_t i = 0; i < q->n && rc == GZ_OK; i++) {
        if (i)
            rc = gz_buf_puts(out, " AND ");
        if (rc == GZ_OK)
            rc = put_term(out, &q->terms[i], alias, ctx);
    }
    if (rc == GZ_OK && whole) {
        rc = gz_buf_puts(out, ") OR ");
        if (rc == GZ_OK)
            rc = put_string(out, whole, 0);
    }
    free(whole);
    return rc;
}

static int store_alias(void *ctx, const char *norm, char **name)
{
    return alias_target(ctx, norm, name);
}

/* How a search stays fast on a large site: FTS5 walks its matches newest
 * first (by rowid, the article id) at almost no cost, while scoring a
 * match (bm25) and checking that its article is public cost per match. So
 * only the newest GZ_SEARCH_CANDIDATES matches are scored and checked: a
 * word found in 60,000 articles costs what one found in 1,000 does. The
 * ids, status and dates come from the covering index
 * articles_search_filter (migration 0003), never from the article rows,
 * which are long. Title first, then tags, summary, body: a word in the
 * title says more about what an article is about than one in its body. */
static const char SQL_SEARCH_RANK[] =
    "WITH hits AS MATERIALIZED (SELECT rowid AS id, "
    "bm25(article_search, 10.0, 4.0, 1.0, 6.0) AS score FROM article_search "
    "WHERE article_search MATCH ?1 ORDER BY rowid DESC LIMIT ?4) "
    "SELECT hits.id FROM hits CROSS JOIN articles a INDEXED BY articles_search_filter "
    "ON a.id = hits.id WHERE a.status = 1 AND a.published_at <= ?2 AND a.deleted_at = 0 "
    "AND (?3 = '' OR a.lang = ?3) ORDER BY hits.score, a.published_at DESC, a.id DESC";
/* Whether there are matches older than the candidates. */
static const char SQL_SEARCH_MORE[] = "SELECT count(*) FROM (SELECT rowid FROM "
                                      "article_search WHERE article_search MATCH ?1 "
                                      "ORDER BY rowid DESC LIMIT ?2)";
static const char SQL_SEARCH_ROW[] =
    "SELECT slug, title, teaser, lang, published_at FROM articles WHERE id = ?1";
/* Snippets are cut only for the hits of the page, one by one: asking for
 * them in the ranking query would cut one for every candidate. */
static const char SQL_SEARCH_MARKS[] =
    "SELECT highlight(article_search, 0, X'01', X'02'), "
    "snippet(article_search, 2, X'01', X'02', '…', 24), "
    "snippet(article_search, 1, X'01', X'02', '…', 24) "
    "FROM article_search WHERE article_search MATCH ?1 AND rowid = ?2";

/* The public candidates, best first: their ids into *ids (heap), their
 * number into *n. */
static int rank(struct sqlite_store *s, const char *match, const char *lang, int64_t now,
                int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_SEARCH_RANK);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_text(st, 1, match, &rc);
    gz_sqlite_bind_i64(st, 2, now, &rc);
    gz_sqlite_bind_text(st, 3, lang ? lang : "", &rc);
    gz_sqlite_bind_i64(st, 4, GZ_SEARCH_CANDIDATES, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a search")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = gz_xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "searching");
    done(st);
    return rc;
}

/* Sets *more when the query matches more than GZ_SEARCH_CANDIDATES
 * articles (public or not). */
static int older_matches(struct sqlite_store *s, const char *match, int *more)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_SEARCH_MORE);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    int64_t n = 0;
    gz_sqlite_bind_text(st, 1, match, &rc);
    gz_sqlite_bind_i64(st, 2, GZ_SEARCH_CANDIDATES + 1, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a search")) == GZ_OK)
        rc = gz_sqlite_step_i64(s, st, "counting matches", &n);
    *more = n > GZ_SEARCH_CANDIDATES;
    return rc;
}

static int fill_hit(struct sqlite_store *s, struct gz_search_hit *h)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_SEARCH_ROW);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, h->id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an article id")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        h->slug = gz_sqlite_column_dup(st, 0);
        h->title = gz_sqlite_column_dup(st, 1);
        h->teaser = gz_sqlite_column_dup(st, 2);
        h->lang = gz_sqlite_column_dup(st, 3);
        h->published_at = sqlite3_column_int64(st, 4);
        rc = GZ_OK;
    } else {
        /* Ranked in this same snapshot: the row is there. */
        rc = rc == SQLITE_DONE ? GZ_EIO : gz_sqlite_fail(s, "reading a search hit");
    }
    done(st);
    return rc;
}

static int has_mark(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t && strchr(t, GZ_SEARCH_MARK_OPEN) != NULL;
}

/* The marked title and the best snippet of one hit: of the body when a
 * word matched there, else of the summary, else none (the page shows the
 * teaser). */
static int mark_hit(struct sqlite_store *s, const char *match, struct gz_search_hit *h)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_SEARCH_MARKS);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, match, &rc);
    gz_sqlite_bind_i64(st, 2, h->id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a snippet")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        h->title_marked = gz_sqlite_column_dup(st, 0);
        int col = has_mark(st, 1) ? 1 : has_mark(st, 2) ? 2 : -1;
        h->snippet = col > 0 ? gz_sqlite_column_dup(st, col) : gz_xstrdup("");
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "cutting a snippet");
    }
    done(st);
    if (rc == GZ_OK && !h->title_marked) {
        h->title_marked = gz_xstrdup(h->title);
        h->snippet = gz_xstrdup("");
    }
    return rc;
}

/* The page [offset, offset + limit) of the ranked ids, with their rows and
 * snippets. */
static int page(struct sqlite_store *s, const char *match, const int64_t *ids, size_t n,
                size_t offset, size_t limit, struct gz_search_hits *out)
{
    size_t count = offset < n ? n - offset : 0;
    if (count > limit)
        count = limit;
    out->items = count ? gz_xcalloc(count, sizeof *out->items) : NULL;
    int rc = GZ_OK;
    for (size_t i = 0; i < count && rc == GZ_OK; i++) {
        struct gz_search_hit *h = &out->items[out->len++];
        h->id = ids[offset + i];
        rc = fill_hit(s, h);
        if (rc == GZ_OK)
            rc = mark_hit(s, match, h);
    }
    return rc;
}

/* Builds the MATCH expression for what the reader typed; "" when nothing
 * in it can be searched. */
static int build_match(struct sqlite_store *s, const char *query, struct gz_buf *match)
{
    struct gz_search_query *q = gz_xmalloc(sizeof *q);
    int rc = gz_search_query_parse(query, strlen(query), q);
    if (rc == GZ_OK)
        rc = gz_sqlite_search_match(q, store_alias, s, match);
    free(q);
    return rc;
}

int gz_sqlite_search(struct gz_store *gs, const char *query, const char *lang,
                     int64_t now, size_t offset, size_t limit, struct gz_search_hits *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    if (!query)
        return GZ_EINVAL;
    struct gz_buf match;
    gz_buf_init(&match, 64 * 1024);
    int started = 0;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = build_match(s, query, &match);
    int64_t *ids = NULL;
    size_t n = 0;
    if (rc == GZ_OK && match.len > 0) {
        rc = rank(s, match.p, lang, now, &ids, &n);
        if (rc == GZ_OK)
            rc = older_matches(s, match.p, &out->more);
        if (rc == GZ_OK)
            rc = page(s, match.p, ids, n, offset, limit, out);
        out->total = (int64_t)n;
    }
    gz_sqlite_read_end(s, started);
    gz_buf_free(&match);
    free(ids);
    if (rc != GZ_OK)
        gz_search_hits_clear(out);
    return rc;
}

/* ---- tag aliases ---- */

static const char SQL_ALIAS_INSERT[] =
    "INSERT INTO tag_aliases (alias, norm, slug, tag_id) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_ALIAS_DELETE[] = "DELETE FROM tag_aliases WHERE norm = ?1";
static const char SQL_ALIAS_LIST[] =
    "SELECT x.id, x.tag_id, x.alias, x.slug FROM tag_aliases x "
    "WHERE ?1 = 0 OR x.tag_id = ?1 ORDER BY x.tag_id, x.norm";
static const char SQL_ALIAS_BY_SLUG[] =
    "SELECT t.id, t.name, t.slug FROM tag_aliases x JOIN tags t ON t.id = x.tag_id "
    "WHERE x.slug = ?1 ORDER BY x.id LIMIT 1";
static const char SQL_ALIAS_TAG_BY_NORM[] =
    "SELECT t.id, t.name, t.slug FROM tag_aliases x JOIN tags t ON t.id = x.tag_id "
    "WHERE x.norm = ?1";
static const char SQL_TAGS_ALL[] = "SELECT name, slug FROM tags";

/* Whether a tag is already called `norm` (normalized) or has the slug:
 * an alias must not shadow a tag. */
static int tag_clash(struct sqlite_store *s, const char *norm, const char *slug,
                     int *clash)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TAGS_ALL);
    if (!st)
        return GZ_EIO;
    int rc;
    *clash = 0;
    while (!*clash && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *tslug = (const char *)sqlite3_column_text(st, 1);
        char *n = gz_store_normalized(name ? name : "", GZ_BUF_PAGE_MAX);
        *clash = (n && !strcmp(n, norm)) || (tslug && !strcmp(tslug, slug));
        free(n);
    }
    rc = *clash || rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading tags");
    done(st);
    return rc;
}

static int alias_insert(struct sqlite_store *s, int64_t tag_id, const char *alias,
                        const char *norm, const char *slug)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ALIAS_INSERT);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, alias, &rc);
    gz_sqlite_bind_text(st, 2, norm, &rc);
    gz_sqlite_bind_text(st, 3, slug, &rc);
    gz_sqlite_bind_i64(st, 4, tag_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an alias")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        rc = GZ_EEXIST;
    else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = GZ_ENOTFOUND;
    else
        rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "adding an alias");
    done(st);
    return rc;
}

int gz_sqlite_tag_alias_add(struct gz_store *gs, int64_t tag_id, const char *alias)
{
    struct sqlite_store *s = from(gs);
    char *norm, *slug;
    int clash = 0;
    int rc = gz_store_alias_forms(alias, &norm, &slug);
    if (rc != GZ_OK)
        return rc;
    if ((rc = gz_sqlite_tx_begin(s)) == GZ_OK) {
        rc = tag_clash(s, norm, slug, &clash);
        if (rc == GZ_OK)
            rc = clash ? GZ_EEXIST : alias_insert(s, tag_id, alias, norm, slug);
        if (rc == GZ_OK)
            rc = gz_sqlite_tx_commit(s);
        else
            gz_sqlite_tx_rollback(s);
    }
    free(norm);
    free(slug);
    return rc;
}

int gz_sqlite_tag_alias_delete(struct gz_store *gs, const char *alias)
{
    struct sqlite_store *s = from(gs);
    char *norm = alias ? gz_store_normalized(alias, GZ_BUF_PAGE_MAX) : NULL;
    if (!norm)
        return GZ_ENOTFOUND;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ALIAS_DELETE);
    int rc = st ? SQLITE_OK : GZ_EIO;
    if (st) {
        gz_sqlite_bind_text(st, 1, norm, &rc);
        if ((rc = gz_sqlite_bound(s, st, rc, "binding an alias")) == GZ_OK)
            rc = gz_sqlite_step_done(s, st, "removing an alias");
        if (rc == GZ_OK && sqlite3_changes(s->db) == 0)
            rc = GZ_ENOTFOUND;
    }
    free(norm);
    return rc;
}

int gz_sqlite_tag_alias_list(struct gz_store *gs, int64_t tag_id,
                             struct gz_tag_alias_list *out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ALIAS_LIST);
    memset(out, 0, sizeof *out);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    size_t cap = 0;
    gz_sqlite_bind_i64(st, 1, tag_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag id")))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        struct gz_tag_alias *a = &out->items[out->len++];
        a->id = sqlite3_column_int64(st, 0);
        a->tag_id = sqlite3_column_int64(st, 1);
        a->alias = gz_sqlite_column_dup(st, 2);
        a->slug = gz_sqlite_column_dup(st, 3);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading aliases");
    done(st);
    if (rc != GZ_OK)
        gz_tag_alias_list_clear(out);
    return rc;
}

/* Runs a bound tag query (id, name, slug) into *out; GZ_ENOTFOUND when it
 * has no row. */
static int read_tag(struct sqlite_store *s, sqlite3_stmt *st, struct gz_tag *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->name = gz_sqlite_column_dup(st, 1);
        out->slug = gz_sqlite_column_dup(st, 2);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "resolving an alias");
    }
    done(st);
    return rc;
}

static int resolve_by(struct sqlite_store *s, const char *sql, const char *key,
                      struct gz_tag *out)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, sql);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, key, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an alias")))
        return rc;
    return read_tag(s, st, out);
}

int gz_sqlite_tag_alias_resolve(struct gz_store *gs, const char *alias,
                                struct gz_tag *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    if (!alias)
        return GZ_EINVAL;
    int rc = resolve_by(s, SQL_ALIAS_BY_SLUG, alias, out);
    if (rc != GZ_ENOTFOUND)
        return rc;
    char *norm = gz_store_normalized(alias, GZ_BUF_PAGE_MAX);
    if (norm)
        rc = resolve_by(s, SQL_ALIAS_TAG_BY_NORM, norm, out);
    free(norm);
    return rc;
}

/* ---- tag descriptions ---- */

static const char SQL_DESCRIPTION_GET[] = "SELECT description FROM tags WHERE id = ?1";
static const char SQL_DESCRIPTION_SET[] =
    "UPDATE tags SET description = ?2 WHERE id = ?1";
/* Marks the tag's newest article changed: a running site notices the
 * change sequence move (in this process or another), and any content
 * change makes it render its pages again, the tag's page among them. */
static const char SQL_TAG_TOUCH[] =
    "UPDATE articles SET change_seq = (SELECT seq FROM change_seq WHERE id = 1) "
    "WHERE id = (SELECT max(article_id) FROM article_tags WHERE tag_id = ?1)";

int gz_sqlite_tag_description_get(struct gz_store *gs, int64_t tag_id, char **out)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_DESCRIPTION_GET);
    *out = NULL;
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, tag_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag id")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = gz_sqlite_column_dup(st, 0);
        rc = GZ_OK;
    } else {
        rc =
            rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a description");
    }
    done(st);
    return rc;
}

static int description_write(struct sqlite_store *s, int64_t tag_id, const char *text)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_DESCRIPTION_SET);
    if (!st)
        return GZ_EIO;
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, tag_id, &rc);
    gz_sqlite_bind_text(st, 2, text, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a description")))
        return rc;
    rc = gz_sqlite_step_done(s, st, "writing a description");
    if (rc == GZ_OK && sqlite3_changes(s->db) == 0)
        rc = GZ_ENOTFOUND;
    if (rc == GZ_OK)
        rc = gz_sqlite_next_change_seq(s, NULL);
    if (rc == GZ_OK)
        rc = run_id(s, SQL_TAG_TOUCH, tag_id, "marking a tag's pages changed");
    return rc;
}

int gz_sqlite_tag_description_set(struct gz_store *gs, int64_t tag_id, const char *text)
{
    struct sqlite_store *s = from(gs);
    size_t n = text ? strlen(text) : 0;
    if (n > GZ_TAG_DESCRIPTION_MAX || (n && !gz_utf8_valid(text, n)))
        return GZ_EINVAL;
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = description_write(s, tag_id, text);
    if (rc == GZ_OK)
        rc = gz_sqlite_tx_commit(s);
    else
        gz_sqlite_tx_rollback(s);
    return rc;
}
