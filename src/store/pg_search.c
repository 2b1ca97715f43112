/* The PostgreSQL backend of the store: full-text search, tag aliases and
 * tag descriptions (the twin of sqlite_search.c, same contracts).
 *
 * The index is the table article_search (migrations_pg/0003): one row per
 * article holding the same plain text the SQLite index holds (title,
 * summary, the body without markup, tag names ' | ' apart), which is what
 * snippets are cut from, and doc, a tsvector of the words of that text as
 * gazette's own normalization (content/normalize.h) reads them. The
 * tsvector is written here, in C, as a literal ('word':1A,7D ...) passed
 * as a parameter: PostgreSQL's text search parser never sees the text, so
 * a word is exactly what it is on SQLite (to_tsvector would split
 * "e-mail" or "x@y.com" its own way, and fold case in scripts gazette
 * leaves alone). Queries are built the same way, as a tsquery literal of
 * normalized words, every lexeme quoted.
 *
 * Positions follow the text, title first (weight A), then the tags (B),
 * the summary (C) and the body (D), one position apart between fields so
 * a phrase never spans two of them, as it cannot in FTS5. PostgreSQL keeps
 * positions up to 16383 and 256 of them per word: past that a phrase is no
 * longer found in a very long body, though its words still are.
 *
 * Ranking is ts_rank with the weights of the fields in the order SQLite's
 * bm25 uses them (title 1.0, tags 0.6, summary 0.4, body 0.1), then
 * newest. The marked title and the snippets are computed here, in C, from
 * the stored text with the algorithm of FTS5's highlight() and
 * snippet(..., 24) (its fts5_aux.c), so both backends mark and cut the
 * same words.
 *
 * As on SQLite every article is indexed, whatever its status, and what
 * may be found is decided at query time. article_save re-indexes the
 * article it saved (gz_pg_search_index), in its transaction; a purge drops
 * the row through the foreign key (ON DELETE CASCADE). */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/search.h"
#include "core/log.h"
#include "core/utf8.h"

/* The most positions PostgreSQL keeps: the highest, and per word. */
#define POS_MAX 16383
#define POS_PER_WORD 256
/* A tsvector holds at most 1 MiB of words and positions; stay under it. */
#define DOC_BYTES_MAX 1000000
/* Snippets: the tokens of an excerpt, as snippet(..., 24) on SQLite. */
#define SNIPPET_TOKENS 24
#define ELLIPSIS "\xE2\x80\xA6"

/* ---- the tsvector of an article ---- */

/* One word of the document at one position. */
struct occurrence {
    const char *p; /* into the word pool, set once the pool stops growing */
    size_t off, len;
    int pos;
    char weight;
};

struct doc {
    struct gz_buf pool; /* the words, one after the other */
    struct occurrence *occ;
    size_t n, cap;
    int pos;     /* the next word's position */
    char weight; /* of the field being read */
};

static int doc_word(void *ctx, const struct gz_word *w)
{
    struct doc *d = ctx;
    size_t off = d->pool.len;
    if (gz_buf_append(&d->pool, w->p, w->len) != GZ_OK)
        return 1; /* an article too big to index whole: keep what fitted */
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->occ = gz_xrealloc(d->occ, d->cap * sizeof *d->occ);
    }
    d->occ[d->n++] = (struct occurrence){
        .off = off, .len = w->len, .pos = d->pos, .weight = d->weight};
    if (d->pos < POS_MAX)
        d->pos++;
    return 0;
}

static void doc_field(struct doc *d, const char *text, size_t len, char weight)
{
    d->weight = weight;
    gz_normalize_words(text, len, doc_word, d);
    if (d->pos < POS_MAX)
        d->pos++; /* a gap: no phrase across two fields */
}

static int occurrence_cmp(const void *a, const void *b)
{
    const struct occurrence *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int same_word(const struct occurrence *x, const struct occurrence *y)
{
    return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Appends a lexeme to a tsvector or tsquery literal: quoted, with a quote
 * or a backslash escaped (normalized words hold neither, but the literal
 * must be right whatever the word). */
static int put_lexeme(struct gz_buf *out, const char *p, size_t len)
{
    int rc = gz_buf_putc(out, '\'');
    for (size_t i = 0; i < len && rc == GZ_OK; i++) {
        if (p[i] == '\'' || p[i] == '\\')
            rc = gz_buf_putc(out, p[i]);
        if (rc == GZ_OK)
            rc = gz_buf_putc(out, p[i]);
    }
    return rc == GZ_OK ? gz_buf_putc(out, '\'') : rc;
}

/* The literal of the document: each word once, with its positions and
 * their weights. Words that would take the tsvector past its limit are
 * left out. */
static int doc_literal(struct doc *d, struct gz_buf *out)
{
    for (size_t i = 0; i < d->n; i++)
        d->occ[i].p = d->pool.p + d->occ[i].off;
    if (d->n)
        qsort(d->occ, d->n, sizeof *d->occ, occurrence_cmp);
    size_t bytes = 0;
    int rc = GZ_OK;
    for (size_t i = 0, j; i < d->n && rc == GZ_OK; i = j) {
        for (j = i + 1; j < d->n && same_word(&d->occ[i], &d->occ[j]); j++)
            ;
        size_t npos = j - i < POS_PER_WORD ? j - i : POS_PER_WORD;
        if (bytes + d->occ[i].len + 4 + 2 * npos > DOC_BYTES_MAX)
            continue;
        bytes += d->occ[i].len + 4 + 2 * npos;
        if (out->len)
            rc = gz_buf_putc(out, ' ');
        if (rc == GZ_OK)
            rc = put_lexeme(out, d->occ[i].p, d->occ[i].len);
        for (size_t k = 0; k < npos && rc == GZ_OK; k++)
            rc = gz_buf_printf(out, "%c%d%c", k ? ',' : ':', d->occ[i + k].pos,
                               d->occ[i + k].weight);
    }
    return rc;
}

/* ---- indexing ---- */

static const char SQL_INDEX_ARTICLE[] =
    "SELECT title, summary, body_html FROM articles WHERE id = $1";
static const char SQL_INDEX_TAGS[] =
    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
    "WHERE at.article_id = $1 ORDER BY at.position";
static const char SQL_INDEX_WRITE[] =
    "INSERT INTO article_search (article_id, title, summary, body, tags, doc) "
    "VALUES ($1, $2, $3, $4, $5, $6::tsvector) ON CONFLICT (article_id) DO UPDATE SET "
    "title = excluded.title, summary = excluded.summary, body = excluded.body, "
    "tags = excluded.tags, doc = excluded.doc";
static const char SQL_INDEX_DELETE[] = "DELETE FROM article_search WHERE article_id = $1";
static const char SQL_INDEX_MISSING[] =
    "SELECT a.id FROM articles a WHERE NOT EXISTS "
    "(SELECT 1 FROM article_search x WHERE x.article_id = a.id) ORDER BY a.id";

/* The text of an article's fields as the index holds them. */
struct index_text {
    struct gz_buf title, summary, body, tags;
};

static void index_text_free(struct index_text *t)
{
    gz_buf_free(&t->title);
    gz_buf_free(&t->summary);
    gz_buf_free(&t->body);
    gz_buf_free(&t->tags);
}

/* The tag names, in their order, ' | ' apart (as on SQLite). */
static int read_tags(struct pg_store *s, int64_t id, struct gz_buf *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    PGresult *r = gz_pg_exec(s, SQL_INDEX_TAGS, &p, "reading an article's tags", NULL);
    if (!r)
        return GZ_EIO;
    int rc = GZ_OK;
    for (int i = 0; i < PQntuples(r) && rc == GZ_OK; i++) {
        if (i)
            rc = gz_buf_puts(out, " | ");
        if (rc == GZ_OK)
            rc = gz_search_clean_text(PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0),
                                      out);
    }
    PQclear(r);
    return rc;
}

/* Reads article id into *t; GZ_ENOTFOUND when it is gone. */
static int read_text(struct pg_store *s, int64_t id, struct index_text *t)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    PGresult *r =
        gz_pg_exec(s, SQL_INDEX_ARTICLE, &p, "reading an article to index", NULL);
    if (!r)
        return GZ_EIO;
    int rc = PQntuples(r) ? GZ_OK : GZ_ENOTFOUND;
    if (rc == GZ_OK)
        rc = gz_search_clean_text(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
                                  &t->title);
    if (rc == GZ_OK)
        rc = gz_search_clean_text(PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1),
                                  &t->summary);
    if (rc == GZ_OK)
        rc = gz_search_html_text(PQgetvalue(r, 0, 2), (size_t)PQgetlength(r, 0, 2),
                                 &t->body);
    PQclear(r);
    if (rc == GZ_OK)
        rc = read_tags(s, id, &t->tags);
    return rc;
}

static int write_row(struct pg_store *s, int64_t id, struct index_text *t)
{
    struct doc d = {.pos = 1};
    struct gz_buf literal;
    gz_buf_init(&d.pool, 4 * GZ_BUF_PAGE_MAX);
    gz_buf_init(&literal, 4 * GZ_BUF_PAGE_MAX);
    doc_field(&d, t->title.p, t->title.len, 'A');
    doc_field(&d, t->tags.p, t->tags.len, 'B');
    doc_field(&d, t->summary.p, t->summary.len, 'C');
    doc_field(&d, t->body.p, t->body.len, 'D');
    int rc = doc_literal(&d, &literal);
    if (rc == GZ_OK) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, id);
        gz_pg_p_text(&p, t->title.p);
        gz_pg_p_text(&p, t->summary.p);
        gz_pg_p_text(&p, t->body.p);
        gz_pg_p_text(&p, t->tags.p);
        gz_pg_p_text(&p, literal.p);
        rc = gz_pg_run(s, SQL_INDEX_WRITE, &p, "indexing an article for search");
    } else {
        gz_error("store: article %lld is too big for the search index", (long long)id);
    }
    gz_buf_free(&literal);
    gz_buf_free(&d.pool);
    free(d.occ);
    return rc;
}

int gz_pg_search_index(struct pg_store *s, int64_t id)
{
    struct index_text t;
    gz_buf_init(&t.title, GZ_BUF_PAGE_MAX);
    gz_buf_init(&t.summary, GZ_BUF_PAGE_MAX);
    gz_buf_init(&t.body, GZ_BUF_PAGE_MAX);
    gz_buf_init(&t.tags, GZ_BUF_PAGE_MAX);
    int rc = read_text(s, id, &t);
    if (rc == GZ_OK) {
        rc = write_row(s, id, &t);
    } else if (rc == GZ_ENOTFOUND) {
        struct gz_pg_params p = {0};
        gz_pg_p_i64(&p, id);
        rc = gz_pg_run(s, SQL_INDEX_DELETE, &p, "removing an article from the index");
    }
    index_text_free(&t);
    return rc;
}

/* In id order, in one transaction (a savepoint inside a load's). */
int gz_pg_search_index_missing(struct pg_store *s)
{
    PGresult *r =
        gz_pg_exec(s, SQL_INDEX_MISSING, NULL, "finding unindexed articles", NULL);
    if (!r)
        return GZ_EIO;
    int n = PQntuples(r), rc = GZ_OK;
    if (n > 0 && (rc = gz_pg_tx_begin(s)) == GZ_OK) {
        for (int i = 0; i < n && rc == GZ_OK; i++)
            rc = gz_pg_search_index(s, gz_pg_i64(r, i, 0));
        if (rc == GZ_OK)
            rc = gz_pg_tx_commit(s);
        else
            gz_pg_tx_rollback(s);
        if (rc == GZ_OK)
            gz_info("store: indexed %d articles for search", n);
    }
    PQclear(r);
    return rc;
}

/* ---- queries ---- */

/* The phrases of a query, in the order of the expression (as FTS5 numbers
 * them): a word is a phrase of one word. */
#define PHRASES_MAX (2 * GZ_SEARCH_TERMS_MAX + 1)

struct phrase {
    char *text;           /* normalized words, one space apart (heap) */
    struct gz_str *words; /* into text */
    size_t n;
    int prefix; /* the last word is a prefix */
};

struct query {
    struct gz_buf tsquery; /* the tsquery literal; empty: nothing to search */
    struct phrase phrases[PHRASES_MAX];
    size_t nphrases;
};

static void query_free(struct query *q)
{
    gz_buf_free(&q->tsquery);
    for (size_t i = 0; i < q->nphrases; i++) {
        free(q->phrases[i].text);
        free(q->phrases[i].words);
    }
    q->nphrases = 0;
}

/* Appends a phrase: 'w', 'w':*, or ('a' <-> 'b' <-> 'c':*). */
static int put_phrase(struct query *q, const char *text, int prefix)
{
    if (q->nphrases == PHRASES_MAX)
        return GZ_ETOOBIG; /* cannot happen: at most two a term, and one more */
    struct phrase *ph = &q->phrases[q->nphrases++];
    ph->text = gz_xstrdup(text);
    ph->prefix = prefix;
    ph->words = gz_xcalloc(strlen(text) / 2 + 1, sizeof *ph->words);
    for (const char *p = ph->text; *p;) {
        size_t len = strcspn(p, " ");
        if (len)
            ph->words[ph->n++] = (struct gz_str){p, len};
        p += len;
        p += *p == ' ';
    }
    struct gz_buf *out = &q->tsquery;
    int rc = ph->n > 1 ? gz_buf_putc(out, '(') : GZ_OK;
    for (size_t i = 0; i < ph->n && rc == GZ_OK; i++) {
        if (i)
            rc = gz_buf_puts(out, " <-> ");
        if (rc == GZ_OK)
            rc = put_lexeme(out, ph->words[i].p, ph->words[i].len);
    }
    if (rc == GZ_OK && prefix)
        rc = gz_buf_puts(out, ":*");
    if (rc == GZ_OK && ph->n > 1)
        rc = gz_buf_putc(out, ')');
    return rc;
}

static const char SQL_ALIAS_BY_NORM[] =
    "SELECT t.name FROM tag_aliases x JOIN tags t ON t.id = x.tag_id WHERE x.norm = $1";

/* The normalized name of the tag whose alias is the normalized `norm`
 * (heap), or NULL when none. */
static int alias_target(struct pg_store *s, const char *norm, char **target)
{
    struct gz_pg_params p = {0};
    *target = NULL;
    gz_pg_p_text(&p, norm);
    PGresult *r = gz_pg_exec(s, SQL_ALIAS_BY_NORM, &p, "reading an alias", NULL);
    if (!r)
        return GZ_EIO;
    if (PQntuples(r) > 0)
        *target = gz_store_normalized(PQgetvalue(r, 0, 0), GZ_SEARCH_QUERY_MAX);
    PQclear(r);
    return GZ_OK;
}

/* One term, or (term | tag name) when the term is an alias (as
 * sqlite_search.c's put_term). */
static int put_term(struct pg_store *s, struct query *q, const struct gz_search_term *t)
{
    char *norm = NULL;
    int rc = t->prefix ? GZ_OK : alias_target(s, t->text, &norm);
    if (rc == GZ_OK && norm && strcmp(norm, t->text) != 0) {
        rc = gz_buf_putc(&q->tsquery, '(');
        if (rc == GZ_OK)
            rc = put_phrase(q, t->text, 0);
        if (rc == GZ_OK)
            rc = gz_buf_puts(&q->tsquery, " | ");
        if (rc == GZ_OK)
            rc = put_phrase(q, norm, 0);
        if (rc == GZ_OK)
            rc = gz_buf_putc(&q->tsquery, ')');
    } else if (rc == GZ_OK) {
        rc = put_phrase(q, t->text, t->prefix);
    }
    free(norm);
    return rc;
}

/* The tag name (normalized, heap) when the whole query, read as words, is
 * an alias of several words ("A.I.", "united states"); else NULL. */
static int whole_query_alias(struct pg_store *s, const struct gz_search_query *parsed,
                             char **norm)
{
    struct gz_buf all;
    *norm = NULL;
    if (parsed->n < 2)
        return GZ_OK;
    gz_buf_init(&all, GZ_SEARCH_QUERY_MAX * 2);
    int ok = 1;
    for (size_t i = 0; i < parsed->n && ok; i++) {
        if (parsed->terms[i].prefix)
            ok = 0; /* "a* b" is not a name */
        else if ((i && gz_buf_putc(&all, ' ')) ||
                 gz_buf_puts(&all, parsed->terms[i].text))
            ok = 0;
    }
    int rc = ok ? alias_target(s, all.p, norm) : GZ_OK;
    gz_buf_free(&all);
    return rc;
}

/* Reads what the reader typed into q: the tsquery literal (empty when
 * nothing in it can be searched) and its phrases. */
static int build_query(struct pg_store *s, const char *text, struct query *q)
{
    struct gz_search_query *parsed = gz_xmalloc(sizeof *parsed);
    char *whole = NULL;
    int rc = gz_search_query_parse(text, strlen(text), parsed);
    if (rc == GZ_OK)
        rc = whole_query_alias(s, parsed, &whole);
    if (rc == GZ_OK && whole)
        rc = gz_buf_putc(&q->tsquery, '(');
    for (size_t i = 0; i < parsed->n && rc == GZ_OK; i++) {
        if (i)
            rc = gz_buf_puts(&q->tsquery, " & ");
        if (rc == GZ_OK)
            rc = put_term(s, q, &parsed->terms[i]);
    }
    if (rc == GZ_OK && whole) {
        rc = gz_buf_puts(&q->tsquery, ") | ");
        if (rc == GZ_OK)
            rc = put_phrase(q, whole, 0);
    }
    free(whole);
    free(parsed);
    return rc;
}

/* ---- marks and snippets (FTS5's highlight() and snippet()) ---- */

/* One word of a stored text: its normalized form (in the pool) and the
 * bytes it spans. */
struct token {
    size_t off, len;
    size_t start, end;
};

struct tokens {
    struct gz_buf pool;
    struct token *items;
    size_t n, cap;
};

static int token_add(void *ctx, const struct gz_word *w)
{
    struct tokens *t = ctx;
    size_t off = t->pool.len;
    if (gz_buf_append(&t->pool, w->p, w->len) != GZ_OK)
        return 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = gz_xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->n++] = (struct token){off, w->len, w->start, w->end};
    return 0;
}

/* One match of a phrase: the position of its first word. Kept in
 * position order, then phrase order, as FTS5's xInst reports them. */
struct instance {
    int pos, phrase;
};

/* The words of a text and where the query's phrases match them. */
struct marked {
    const char *text;
    size_t len;
    struct tokens tok;
    struct instance *inst;
    size_t ninst;
    const struct query *q;
};

static int word_is(const struct marked *m, size_t i, const struct gz_str *w, int prefix)
{
    const struct token *t = &m->tok.items[i];
    const char *p = m->tok.pool.p + t->off;
    if (prefix)
        return t->len >= w->len && memcmp(p, w->p, w->len) == 0;
    return t->len == w->len && memcmp(p, w->p, w->len) == 0;
}

static int phrase_at(const struct marked *m, const struct phrase *ph, size_t pos)
{
    if (ph->n == 0 || pos + ph->n > m->tok.n)
        return 0;
    for (size_t k = 0; k < ph->n; k++)
        if (!word_is(m, pos + k, &ph->words[k], ph->prefix && k == ph->n - 1))
            return 0;
    return 1;
}

static void marked_init(struct marked *m, const char *text, size_t len,
                        const struct query *q)
{
    memset(m, 0, sizeof *m);
    m->text = text;
    m->len = len;
    m->q = q;
    gz_buf_init(&m->tok.pool, 4 * GZ_BUF_PAGE_MAX);
    gz_normalize_words(text, len, token_add, &m->tok);
    size_t cap = 0;
    for (size_t pos = 0; pos < m->tok.n; pos++) {
        for (size_t ip = 0; ip < q->nphrases; ip++) {
            if (!phrase_at(m, &q->phrases[ip], pos))
                continue;
            if (m->ninst == cap) {
                cap = cap ? cap * 2 : 16;
                m->inst = gz_xrealloc(m->inst, cap * sizeof *m->inst);
            }
            m->inst[m->ninst++] = (struct instance){(int)pos, (int)ip};
        }
    }
}

static void marked_free(struct marked *m)
{
    gz_buf_free(&m->tok.pool);
    free(m->tok.items);
    free(m->inst);
}

static int phrase_size(const struct marked *m, int ip)
{
    return (int)m->q->phrases[ip].n;
}

/* fts5CInstIterNext: the next run of overlapping matches, [start, end] in
 * positions; start < 0 past the last. */
struct inst_iter {
    size_t i;
    int start, end;
};

static void iter_next(const struct marked *m, struct inst_iter *it)
{
    it->start = it->end = -1;
    for (; it->i < m->ninst; it->i++) {
        const struct instance *x = &m->inst[it->i];
        int end = x->pos - 1 + phrase_size(m, x->phrase);
        if (it->start < 0) {
            it->start = x->pos;
            it->end = end;
        } else if (x->pos <= it->end) {
            if (end > it->end)
                it->end = end;
        } else {
            break;
        }
    }
}

/* fts5HighlightCb's state: the output, the bytes of the text copied so
 * far, the tokens to show (range_end < 0: all). */
struct highlight {
    const struct marked *m;
    struct gz_buf *out;
    struct inst_iter iter;
    int range_start, range_end;
    int pos;
    size_t off;
    int open, rc;
};

static void hl_append(struct highlight *h, const char *p, size_t n)
{
    if (h->rc == GZ_OK)
        h->rc = gz_buf_append(h->out, p, n);
}

static void hl_mark(struct highlight *h, char c)
{
    hl_append(h, &c, 1);
}

/* One token, as fts5HighlightCb sees it. */
static void hl_token(struct highlight *h, size_t start, size_t end)
{
    int pos = h->pos++;
    const char *in = h->m->text;
    if (h->range_end >= 0) {
        if (pos < h->range_start || pos > h->range_end)
            return;
        if (h->range_start && pos == h->range_start)
            h->off = start;
    }
    /* The mark is open, this token is not part of the current match and
     * some text lies between: close it. */
    if (h->open && (pos <= h->iter.start || h->iter.start < 0) && start > h->off) {
        hl_mark(h, GZ_SEARCH_MARK_CLOSE);
        h->open = 0;
    }
    if (pos == h->iter.start && !h->open) {
        hl_append(h, in + h->off, start - h->off);
        hl_mark(h, GZ_SEARCH_MARK_OPEN);
        h->off = start;
        h->open = 1;
    }
    if (pos == h->iter.end) {
        if (!h->open) {
            hl_mark(h, GZ_SEARCH_MARK_OPEN);
            h->open = 1;
        }
        hl_append(h, in + h->off, end - h->off);
        h->off = end;
        iter_next(h->m, &h->iter);
    }
    if (pos == h->range_end) {
        if (h->open) {
            if (h->iter.start >= 0 && pos >= h->iter.start) {
                hl_append(h, in + h->off, end - h->off);
                h->off = end;
            }
            hl_mark(h, GZ_SEARCH_MARK_CLOSE);
            h->open = 0;
        }
        hl_append(h, in + h->off, end - h->off);
        h->off = end;
    }
}

static void hl_tokens(struct highlight *h)
{
    for (size_t i = 0; i < h->m->tok.n && h->rc == GZ_OK; i++)
        hl_token(h, h->m->tok.items[i].start, h->m->tok.items[i].end);
}

/* highlight(): the whole text with every match marked. */
static int highlight(const struct marked *m, struct gz_buf *out)
{
    struct highlight h = {.m = m, .out = out, .range_end = -1};
    iter_next(m, &h.iter);
    hl_tokens(&h);
    if (h.open)
        hl_mark(&h, GZ_SEARCH_MARK_CLOSE);
    hl_append(&h, m->text + h.off, m->len - h.off);
    return h.rc;
}

/* fts5SnippetScore: the score of the ntoken tokens from pos (1000 for each
 * phrase's first match in them, 1 for each other match) and, in *adjusted,
 * where an excerpt that centres those matches starts. */
static int snippet_score(const struct marked *m, unsigned char *seen, int pos, int ntoken,
                         int *adjusted)
{
    int score = 0, first = -1, last = 0;
    memset(seen, 0, m->q->nphrases);
    for (size_t i = 0; i < m->ninst; i++) {
        const struct instance *x = &m->inst[i];
        if (x->pos < pos || x->pos >= pos + ntoken)
            continue;
        score += seen[x->phrase] ? 1 : 1000;
        seen[x->phrase] = 1;
        if (first < 0)
            first = x->pos;
        last = x->pos + phrase_size(m, x->phrase);
    }
    if (adjusted) {
        int ndoc = (int)m->tok.n;
        int adj = first - (ntoken - (last - first)) / 2;
        if (adj + ntoken > ndoc)
            adj = ndoc - ntoken;
        *adjusted = adj < 0 ? 0 : adj;
    }
    return score;
}

/* The positions of the tokens that start a sentence (fts5SentenceFinderCb):
 * the first one, and any after a '.' or ':' and some white space. */
static int *sentence_starts(const struct marked *m, size_t *n)
{
    int *first = gz_xmalloc((m->tok.n + 1) * sizeof *first);
    *n = 0;
    for (size_t pos = 0; pos < m->tok.n; pos++) {
        if (pos == 0) {
            first[(*n)++] = 0;
            continue;
        }
        size_t start = m->tok.items[pos].start;
        char c = 0;
        size_t i = start;
        while (i > 0) {
            c = m->text[i - 1];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            i--;
        }
        if (i != start && (c == '.' || c == ':'))
            first[(*n)++] = (int)pos;
    }
    return first;
}

/* The first token of the best excerpt (fts5SnippetFunction's choice). */
static int snippet_start(const struct marked *m, int ntoken)
{
    unsigned char seen[PHRASES_MAX];
    size_t nfirst;
    int *first = sentence_starts(m, &nfirst);
    int ndoc = (int)m->tok.n, best_score = 0, best_start = 0;
    for (size_t ii = 0; ii < m->ninst; ii++) {
        int io = m->inst[ii].pos, adj;
        int score = snippet_score(m, seen, io, ntoken, &adj);
        if (score > best_score) {
            best_score = score;
            best_start = adj;
        }
        if (nfirst && ndoc > ntoken) {
            size_t jj;
            for (jj = 0; jj + 1 < nfirst; jj++)
                if (first[jj + 1] > io)
                    break;
            if (first[jj] < io) {
                score = snippet_score(m, seen, first[jj], ntoken, NULL);
                score += first[jj] == 0 ? 120 : 100;
                if (score > best_score) {
                    best_score = score;
                    best_start = first[jj];
                }
            }
        }
    }
    free(first);
    return best_start;
}

/* snippet(..., 24): the best excerpt of ntoken tokens, matches marked,
 * "…" where text was cut. */
static int snippet(const struct marked *m, int ntoken, struct gz_buf *out)
{
    int start = snippet_start(m, ntoken);
    struct highlight h = {
        .m = m, .out = out, .range_start = start, .range_end = start + ntoken - 1};
    iter_next(m, &h.iter);
    if (start > 0)
        hl_append(&h, ELLIPSIS, strlen(ELLIPSIS));
    while (h.iter.start >= 0 && h.iter.start < start)
        iter_next(m, &h.iter);
    hl_tokens(&h);
    if (h.open)
        hl_mark(&h, GZ_SEARCH_MARK_CLOSE);
    if (h.range_end >= (int)m->tok.n - 1)
        hl_append(&h, m->text + h.off, m->len - h.off);
    else
        hl_append(&h, ELLIPSIS, strlen(ELLIPSIS));
    return h.rc;
}

/* The excerpt of text where the query matched it (heap); NULL when it
 * did not. */
static int snippet_of(const char *text, size_t len, const struct query *q, char **out)
{
    struct marked m;
    marked_init(&m, text, len, q);
    int rc = GZ_OK;
    *out = NULL;
    if (m.ninst > 0) {
        struct gz_buf b;
        gz_buf_init(&b, GZ_BUF_PAGE_MAX);
        rc = snippet(&m, SNIPPET_TOKENS, &b);
        if (rc == GZ_OK && b.p && strchr(b.p, GZ_SEARCH_MARK_OPEN))
            *out = gz_buf_take(&b);
        gz_buf_free(&b);
    }
    marked_free(&m);
    return rc;
}

/* ---- search ---- */

/* As on SQLite: only the newest GZ_SEARCH_CANDIDATES matches (by article
 * id) are looked at, and those that are public ranked. Title first, then
 * tags, summary, body ({D, C, B, A} weights). */
static const char SQL_SEARCH_RANK[] =
    "WITH hits AS MATERIALIZED (SELECT article_id AS id, doc FROM article_search "
    "WHERE doc @@ $1::tsquery ORDER BY article_id DESC LIMIT $4) "
    "SELECT h.id FROM hits h JOIN articles a ON a.id = h.id "
    "WHERE a.status = 1 AND a.published_at <= $2 AND a.deleted_at = 0 "
    "AND ($3 = '' OR a.lang = $3) "
    "ORDER BY ts_rank('{0.1, 0.4, 0.6, 1.0}', h.doc, $1::tsquery) DESC, "
    "a.published_at DESC, a.id DESC";
/* Whether there are matches older than the candidates. */
static const char SQL_SEARCH_MORE[] =
    "SELECT count(*) FROM (SELECT 1 FROM article_search WHERE doc @@ $1::tsquery "
    "LIMIT $2) m";
static const char SQL_SEARCH_ROW[] =
    "SELECT a.slug, a.title, a.teaser, a.lang, a.published_at, "
    "coalesce(x.title, ''), coalesce(x.summary, ''), coalesce(x.body, '') "
    "FROM articles a LEFT JOIN article_search x ON x.article_id = a.id WHERE a.id = $1";

/* The public candidates, best first: their ids into *ids (heap), their
 * number into *n. */
static int rank(struct pg_store *s, const struct query *q, const char *lang, int64_t now,
                int64_t **ids, size_t *n)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, q->tsquery.p);
    gz_pg_p_i64(&p, now);
    gz_pg_p_text(&p, lang ? lang : "");
    gz_pg_p_i64(&p, GZ_SEARCH_CANDIDATES);
    PGresult *r = gz_pg_exec(s, SQL_SEARCH_RANK, &p, "searching", NULL);
    if (!r)
        return GZ_EIO;
    int rows = PQntuples(r);
    *ids = rows ? gz_xmalloc((size_t)rows * sizeof **ids) : NULL;
    for (int i = 0; i < rows; i++)
        (*ids)[i] = gz_pg_i64(r, i, 0);
    *n = (size_t)rows;
    PQclear(r);
    return GZ_OK;
}

/* Sets *more when the query matches more than GZ_SEARCH_CANDIDATES
 * articles (public or not). */
static int older_matches(struct pg_store *s, const struct query *q, int *more)
{
    struct gz_pg_params p = {0};
    int64_t n = 0;
    gz_pg_p_text(&p, q->tsquery.p);
    gz_pg_p_i64(&p, GZ_SEARCH_CANDIDATES + 1);
    int rc = gz_pg_run_i64(s, SQL_SEARCH_MORE, &p, "counting matches", &n);
    *more = n > GZ_SEARCH_CANDIDATES;
    return rc == GZ_ENOTFOUND ? GZ_EIO : rc;
}

/* The row of one hit, its marked title and its snippet: of the body when
 * a word matched there, else of the summary, else none (the page shows
 * the teaser). */
static int fill_hit(struct pg_store *s, const struct query *q, struct gz_search_hit *h)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, h->id);
    PGresult *r = gz_pg_exec(s, SQL_SEARCH_ROW, &p, "reading a search hit", NULL);
    if (!r)
        return GZ_EIO;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return GZ_EIO; /* ranked in this same snapshot: the row is there */
    }
    h->slug = gz_pg_dup(r, 0, 0);
    h->title = gz_pg_dup(r, 0, 1);
    h->teaser = gz_pg_dup(r, 0, 2);
    h->lang = gz_pg_dup(r, 0, 3);
    h->published_at = gz_pg_i64(r, 0, 4);
    struct marked m;
    struct gz_buf title;
    gz_buf_init(&title, GZ_BUF_PAGE_MAX);
    marked_init(&m, PQgetvalue(r, 0, 5), (size_t)PQgetlength(r, 0, 5), q);
    int rc = highlight(&m, &title);
    marked_free(&m);
    h->title_marked = rc == GZ_OK ? gz_xstrdup(title.p ? title.p : "") : NULL;
    gz_buf_free(&title);
    if (rc == GZ_OK)
        rc =
            snippet_of(PQgetvalue(r, 0, 7), (size_t)PQgetlength(r, 0, 7), q, &h->snippet);
    if (rc == GZ_OK && !h->snippet)
        rc =
            snippet_of(PQgetvalue(r, 0, 6), (size_t)PQgetlength(r, 0, 6), q, &h->snippet);
    if (rc == GZ_OK && !h->snippet)
        h->snippet = gz_xstrdup("");
    PQclear(r);
    return rc;
}

/* The page [offset, offset + limit) of the ranked ids, with their rows and
 * snippets. */
static int page(struct pg_store *s, const struct query *q, const int64_t *ids, size_t n,
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
        rc = fill_hit(s, q, h);
    }
    return rc;
}

int gz_pg_search(struct gz_store *gs, const char *query, const char *lang, int64_t now,
                 size_t offset, size_t limit, struct gz_search_hits *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    if (!query)
        return GZ_EINVAL;
    struct query *q = gz_xcalloc(1, sizeof *q);
    gz_buf_init(&q->tsquery, 64 * 1024);
    int started = 0;
    int rc = gz_pg_read_begin(s, &started);
    if (rc == GZ_OK)
        rc = build_query(s, query, q);
    int64_t *ids = NULL;
    size_t n = 0;
    if (rc == GZ_OK && q->tsquery.len > 0) {
        rc = rank(s, q, lang, now, &ids, &n);
        if (rc == GZ_OK)
            rc = older_matches(s, q, &out->more);
        if (rc == GZ_OK)
            rc = page(s, q, ids, n, offset, limit, out);
        out->total = (int64_t)n;
    }
    gz_pg_read_end(s, started);
    query_free(q);
    free(q);
    free(ids);
    if (rc != GZ_OK)
        gz_search_hits_clear(out);
    return rc;
}

/* ---- tag aliases ---- */

static const char SQL_ALIAS_EXISTS[] = "SELECT 1 FROM tag_aliases WHERE norm = $1";
static const char SQL_TAG_EXISTS[] = "SELECT 1 FROM tags WHERE id = $1";
static const char SQL_ALIAS_INSERT[] =
    "INSERT INTO tag_aliases (alias, norm, slug, tag_id) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (norm) DO NOTHING RETURNING id";
static const char SQL_ALIAS_DELETE[] =
    "DELETE FROM tag_aliases WHERE norm = $1 RETURNING id";
static const char SQL_ALIAS_LIST[] =
    "SELECT x.id, x.tag_id, x.alias, x.slug FROM tag_aliases x "
    "WHERE $1::bigint = 0 OR x.tag_id = $1::bigint ORDER BY x.tag_id, x.norm";
static const char SQL_ALIAS_BY_SLUG[] =
    "SELECT t.id, t.name, t.slug FROM tag_aliases x JOIN tags t ON t.id = x.tag_id "
    "WHERE x.slug = $1 ORDER BY x.id LIMIT 1";
static const char SQL_ALIAS_TAG_BY_NORM[] =
    "SELECT t.id, t.name, t.slug FROM tag_aliases x JOIN tags t ON t.id = x.tag_id "
    "WHERE x.norm = $1";
static const char SQL_TAGS_ALL[] = "SELECT name, slug FROM tags";

/* Whether a tag is already called `norm` (normalized) or has the slug:
 * an alias must not shadow a tag. */
static int tag_clash(struct pg_store *s, const char *norm, const char *slug, int *clash)
{
    PGresult *r = gz_pg_exec(s, SQL_TAGS_ALL, NULL, "reading tags", NULL);
    *clash = 0;
    if (!r)
        return GZ_EIO;
    for (int i = 0; i < PQntuples(r) && !*clash; i++) {
        char *n = gz_store_normalized(PQgetvalue(r, i, 0), GZ_BUF_PAGE_MAX);
        *clash = (n && !strcmp(n, norm)) || !strcmp(PQgetvalue(r, i, 1), slug);
        free(n);
    }
    PQclear(r);
    return GZ_OK;
}

/* 1 when the statement (one text or id parameter) returns a row. */
static int has_row(struct pg_store *s, const char *sql, const char *text, int64_t id,
                   const char *what, int *found)
{
    struct gz_pg_params p = {0};
    if (text)
        gz_pg_p_text(&p, text);
    else
        gz_pg_p_i64(&p, id);
    PGresult *r = gz_pg_exec(s, sql, &p, what, NULL);
    *found = 0;
    if (!r)
        return GZ_EIO;
    *found = PQntuples(r) > 0;
    PQclear(r);
    return GZ_OK;
}

/* Taken aliases first, then missing tags, as SQLite's constraints answer. */
static int alias_insert(struct pg_store *s, int64_t tag_id, const char *alias,
                        const char *norm, const char *slug)
{
    int found = 0;
    int rc = has_row(s, SQL_ALIAS_EXISTS, norm, 0, "looking up an alias", &found);
    if (rc == GZ_OK && found)
        return GZ_EEXIST;
    if (rc == GZ_OK)
        rc = has_row(s, SQL_TAG_EXISTS, NULL, tag_id, "looking up a tag", &found);
    if (rc == GZ_OK && !found)
        return GZ_ENOTFOUND;
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, alias);
    gz_pg_p_text(&p, norm);
    gz_pg_p_text(&p, slug);
    gz_pg_p_i64(&p, tag_id);
    char state[6];
    PGresult *r = gz_pg_exec(s, SQL_ALIAS_INSERT, &p, "adding an alias", state);
    if (!r)
        return gz_pg_error(state);
    rc = PQntuples(r) > 0 ? GZ_OK : GZ_EEXIST; /* added meanwhile */
    PQclear(r);
    return rc;
}

int gz_pg_tag_alias_add(struct gz_store *gs, int64_t tag_id, const char *alias)
{
    struct pg_store *s = pg_from(gs);
    char *norm, *slug;
    int clash = 0;
    int rc = gz_store_alias_forms(alias, &norm, &slug);
    if (rc != GZ_OK)
        return rc;
    if ((rc = gz_pg_tx_begin(s)) == GZ_OK) {
        rc = tag_clash(s, norm, slug, &clash);
        if (rc == GZ_OK)
            rc = clash ? GZ_EEXIST : alias_insert(s, tag_id, alias, norm, slug);
        if (rc == GZ_OK)
            rc = gz_pg_tx_commit(s);
        else
            gz_pg_tx_rollback(s);
    }
    free(norm);
    free(slug);
    return rc;
}

int gz_pg_tag_alias_delete(struct gz_store *gs, const char *alias)
{
    struct pg_store *s = pg_from(gs);
    char *norm = alias ? gz_store_normalized(alias, GZ_BUF_PAGE_MAX) : NULL;
    if (!norm)
        return GZ_ENOTFOUND;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, norm);
    PGresult *r = gz_pg_exec(s, SQL_ALIAS_DELETE, &p, "removing an alias", NULL);
    free(norm);
    if (!r)
        return GZ_EIO;
    int rc = PQntuples(r) > 0 ? GZ_OK : GZ_ENOTFOUND;
    PQclear(r);
    return rc;
}

int gz_pg_tag_alias_list(struct gz_store *gs, int64_t tag_id,
                         struct gz_tag_alias_list *out)
{
    struct pg_store *s = pg_from(gs);
    struct gz_pg_params p = {0};
    memset(out, 0, sizeof *out);
    gz_pg_p_i64(&p, tag_id);
    PGresult *r;
    int rc = gz_pg_query(s, SQL_ALIAS_LIST, &p, "reading aliases", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gz_tag_alias *a = &out->items[out->len++];
        a->id = gz_pg_i64(r, i, 0);
        a->tag_id = gz_pg_i64(r, i, 1);
        a->alias = gz_pg_dup(r, i, 2);
        a->slug = gz_pg_dup(r, i, 3);
    }
    PQclear(r);
    return GZ_OK;
}

/* Runs a tag query (id, name, slug) keyed by one text into *out;
 * GZ_ENOTFOUND when it has no row. */
static int resolve_by(struct pg_store *s, const char *sql, const char *key,
                      struct gz_tag *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    PGresult *r;
    int rc = gz_pg_query_row(s, sql, &p, "resolving an alias", &r);
    if (rc != GZ_OK)
        return rc;
    out->id = gz_pg_i64(r, 0, 0);
    out->name = gz_pg_dup(r, 0, 1);
    out->slug = gz_pg_dup(r, 0, 2);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_tag_alias_resolve(struct gz_store *gs, const char *alias, struct gz_tag *out)
{
    struct pg_store *s = pg_from(gs);
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

static const char SQL_DESCRIPTION_GET[] = "SELECT description FROM tags WHERE id = $1";
static const char SQL_DESCRIPTION_SET[] =
    "UPDATE tags SET description = $2 WHERE id = $1 RETURNING id";
/* Marks the tag's newest article changed: a running site notices the
 * change sequence move, and any content change makes it render its pages
 * again, the tag's page among them. */
static const char SQL_TAG_TOUCH[] =
    "UPDATE articles SET change_seq = (SELECT seq FROM change_seq WHERE id = 1) "
    "WHERE id = (SELECT max(article_id) FROM article_tags WHERE tag_id = $1)";

int gz_pg_tag_description_get(struct gz_store *gs, int64_t tag_id, char **out)
{
    struct pg_store *s = pg_from(gs);
    struct gz_pg_params p = {0};
    *out = NULL;
    gz_pg_p_i64(&p, tag_id);
    return gz_pg_run_text(s, SQL_DESCRIPTION_GET, &p, "reading a description", out);
}

static int description_write(struct pg_store *s, int64_t tag_id, const char *text)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, tag_id);
    gz_pg_p_text(&p, text);
    PGresult *r = gz_pg_exec(s, SQL_DESCRIPTION_SET, &p, "writing a description", NULL);
    if (!r)
        return GZ_EIO;
    int rc = PQntuples(r) > 0 ? GZ_OK : GZ_ENOTFOUND;
    PQclear(r);
    if (rc == GZ_OK)
        rc = gz_pg_next_change_seq(s, NULL);
    if (rc == GZ_OK) {
        struct gz_pg_params t = {0};
        gz_pg_p_i64(&t, tag_id);
        rc = gz_pg_run(s, SQL_TAG_TOUCH, &t, "marking a tag's pages changed");
    }
    return rc;
}

int gz_pg_tag_description_set(struct gz_store *gs, int64_t tag_id, const char *text)
{
    struct pg_store *s = pg_from(gs);
    size_t n = text ? strlen(text) : 0;
    if (n > GZ_TAG_DESCRIPTION_MAX || (n && !gz_utf8_valid(text, n)))
        return GZ_EINVAL;
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = description_write(s, tag_id, text);
    if (rc == GZ_OK)
        rc = gz_pg_tx_commit(s);
    else
        gz_pg_tx_rollback(s);
    return rc;
}
