/* Unit tests of search, tag aliases and tag descriptions in both backends
 * (sqlite_search.c, pg_search.c), against a real database, and of the
 * FTS5 expression built from a query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "content/content.h"
#include "content/search.h"
#include "core/core.h"
#include "store/sqliteInt.h"
#include "store/store.h"
#include "fixture.h"

#define NOW 1700000000

/* Saves a prepared article; returns its id. */
static int64_t add(struct gz_store *s, const char *title, const char *body,
                   const char *tag, enum gz_status status, int64_t published_at)
{
    char *tags[1] = {(char *)tag};
    struct gz_article a = {
        .title = gz_xstrdup(title),
        .body_src = gz_xstrdup(body),
        .status = status,
        .published_at = published_at,
        .tags = tag ? tags : NULL,
        .ntags = tag ? 1 : 0,
    };
    assert_int_equal(gz_content_prepare(&a, 30), GZ_OK);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    a.tags = NULL;
    a.ntags = 0;
    gz_article_clear(&a);
    return id;
}

static struct gz_search_hits find(struct gz_store *s, const char *q)
{
    struct gz_search_hits h;
    assert_int_equal(s->ops->search(s, q, NULL, NOW, 0, 10, &h), GZ_OK);
    return h;
}

/* The rows of the search index. SQLite's can only be read through the
 * store's handle, which has the tokenizer. */
static int64_t index_rows(struct fixture *f)
{
    if (fixture_pg())
        return sql_i64(f->path, "SELECT count(*) FROM article_search");
    sqlite3 *db = ((struct sqlite_store *)f->s)->db;
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM article_search", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void search_ranks_and_marks(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t body = add(s, "Harbour", "The lighthouse keeper **retired**.", NULL,
                       GZ_STATUS_PUBLISHED, NOW - 10);
    int64_t title =
        add(s, "Lighthouse restored", "Tower work.", NULL, GZ_STATUS_PUBLISHED, NOW - 20);
    struct gz_search_hits h = find(s, "LIGHTHOUSE");
    assert_int_equal(h.total, 2);
    assert_int_equal(h.len, 2);
    assert_int_equal(h.items[0].id, title);
    assert_int_equal(h.items[1].id, body);
    assert_string_equal(h.items[0].title_marked, "\x01Lighthouse\x02 restored");
    assert_string_equal(h.items[0].snippet, ""); /* only the title matched */
    assert_string_equal(h.items[1].title_marked, "Harbour");
    assert_string_equal(h.items[1].snippet, "The \x01lighthouse\x02 keeper retired.");
    assert_string_equal(h.items[1].slug, "harbour");
    assert_int_equal(h.items[1].published_at, NOW - 10);
    gz_search_hits_clear(&h);
    /* offset and limit page through; total stays */
    assert_int_equal(s->ops->search(s, "lighthouse", NULL, NOW, 1, 10, &h), GZ_OK);
    assert_int_equal(h.total, 2);
    assert_int_equal(h.len, 1);
    assert_int_equal(h.items[0].id, body);
    gz_search_hits_clear(&h);
    /* nothing searchable: no hits, not an error */
    h = find(s, "\"* AND (");
    assert_int_equal(h.total, 0);
    assert_int_equal(h.len, 0);
    gz_search_hits_clear(&h);
    assert_int_equal(s->ops->search(s, "", NULL, NOW, 0, 10, &h), GZ_OK);
    assert_int_equal(h.total, 0);
    char big[GZ_SEARCH_QUERY_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(s->ops->search(s, big, NULL, NOW, 0, 10, &h), GZ_ETOOBIG);
}

static void search_visibility(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t live = add(s, "Zebra live", "", NULL, GZ_STATUS_PUBLISHED, NOW - 5);
    add(s, "Zebra draft", "", NULL, GZ_STATUS_DRAFT, 0);
    int64_t later = add(s, "Zebra later", "", NULL, GZ_STATUS_PUBLISHED, NOW + 3600);
    int64_t trashed = add(s, "Zebra trashed", "", NULL, GZ_STATUS_PUBLISHED, NOW - 5);
    assert_int_equal(s->ops->article_trash(s, trashed, NOW), GZ_OK);
    struct gz_search_hits h = find(s, "zebra");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, live);
    gz_search_hits_clear(&h);
    /* the scheduled one goes live by itself when its time comes */
    assert_int_equal(s->ops->search(s, "zebra", NULL, NOW + 7200, 0, 10, &h), GZ_OK);
    assert_int_equal(h.total, 2);
    gz_search_hits_clear(&h);
    /* restored from the trash: found again, with no re-indexing */
    assert_int_equal(s->ops->article_trash(s, trashed, 0), GZ_OK);
    h = find(s, "zebra");
    assert_int_equal(h.total, 2);
    gz_search_hits_clear(&h);
    /* purged: its index row goes with it */
    assert_int_equal(s->ops->article_trash(s, later, NOW), GZ_OK);
    assert_int_equal(s->ops->article_purge(s, 0), GZ_OK);
    assert_int_equal(s->ops->article_purge(s, trashed), GZ_OK);
    /* live and the draft */
    assert_int_equal(index_rows(f), 2);
}

static void search_reindexes_on_save(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t id = add(s, "Okapi", "An okapi.", "Wildlife", GZ_STATUS_PUBLISHED, NOW - 5);
    struct gz_article a;
    assert_int_equal(s->ops->article_get(s, id, &a), GZ_OK);
    free(a.body_src);
    a.body_src = gz_xstrdup("A giraffe's cousin.");
    free(a.tags[0]);
    a.tags[0] = gz_xstrdup("Mammals");
    assert_int_equal(gz_content_prepare(&a, 30), GZ_OK);
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    gz_article_clear(&a);
    struct gz_search_hits h = find(s, "giraffe");
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
    h = find(s, "mammals");
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
    h = find(s, "wildlife");
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
}

/* Saves inside a caller's transaction (a bulk load) are indexed when it
 * commits, and not at all when it rolls back. */
static void search_bulk_load(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    assert_int_equal(s->ops->begin(s), GZ_OK);
    for (int i = 0; i < 5; i++)
        add(s, "Narwhal", "Tusks.", "Arctic", GZ_STATUS_PUBLISHED, NOW - 5 - i);
    assert_int_equal(s->ops->commit(s), GZ_OK);
    struct gz_search_hits h = find(s, "narwhal arctic");
    assert_int_equal(h.total, 5);
    assert_string_equal(h.items[0].snippet, ""); /* title and tags only */
    gz_search_hits_clear(&h);
    h = find(s, "tusks");
    assert_int_equal(h.total, 5);
    assert_string_equal(h.items[0].snippet, "\x01Tusks\x02.");
    gz_search_hits_clear(&h);
    assert_int_equal(s->ops->begin(s), GZ_OK);
    add(s, "Beluga", "Whales.", NULL, GZ_STATUS_PUBLISHED, NOW - 5);
    assert_int_equal(s->ops->rollback(s), GZ_OK);
    h = find(s, "beluga");
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
    assert_int_equal(index_rows(f), 5);
    if (!fixture_pg()) {
        /* SQLite queues the saves of a transaction: the queue is empty */
        sqlite3 *db = ((struct sqlite_store *)s)->db;
        sqlite3_stmt *st;
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT count(*) FROM search_pending", -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 0);
        sqlite3_finalize(st);
    }
}

/* What both backends must answer alike: phrases, prefixes, excerpts cut
 * from long bodies, normalized spellings, the language filter. */
static void search_phrases_and_snippets(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char body[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(body, i == 20 ? "The new york harbour froze. " : "Filler words here. ");
    int64_t york = add(s, "Cities", body, NULL, GZ_STATUS_PUBLISHED, NOW - 10);
    int64_t shire =
        add(s, "Yorkshire pudding", "Not new: old.", NULL, GZ_STATUS_PUBLISHED, NOW - 20);
    struct gz_search_hits h = find(s, "\"new york\"");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, york);
    /* the excerpt starts at the sentence */
    assert_string_equal(
        h.items[0].snippet,
        "\xE2\x80\xA6The \x01new york\x02 harbour froze. Filler words here. "
        "Filler words here. Filler words here. Filler words here. Filler "
        "words here. Filler words here. Filler\xE2\x80\xA6");
    gz_search_hits_clear(&h);
    /* a phrase is not two words anywhere; the words alone are */
    h = find(s, "\"york new\"");
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
    h = find(s, "york new");
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
    /* a prefix, alone and as the end of a phrase */
    h = find(s, "york*");
    assert_int_equal(h.total, 2);
    gz_search_hits_clear(&h);
    h = find(s, "\"new yor\"*");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, york);
    gz_search_hits_clear(&h);
    h = find(s, "pudding");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, shire);
    assert_string_equal(h.items[0].title_marked, "Yorkshire \x01pudding\x02");
    gz_search_hits_clear(&h);
    /* no phrase across two fields: the title ends, the body begins */
    h = find(s, "\"pudding not\"");
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
    /* spellings: case, marks, Persian letters and digits, ZWNJ */
    int64_t fa =
        add(s, "کتاب‌ها", "سال ۱۴۰۳، كتاب", NULL, GZ_STATUS_PUBLISHED, NOW - 30);
    h = find(s, "کتاب");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, fa);
    assert_string_equal(h.items[0].title_marked, "\x01کتاب\x02‌ها");
    assert_string_equal(h.items[0].snippet, "سال ۱۴۰۳، \x01كتاب\x02");
    gz_search_hits_clear(&h);
    h = find(s, "1403");
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
    /* the language filter */
    assert_int_equal(s->ops->search(s, "york", "en", NOW, 0, 10, &h), GZ_OK);
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
    assert_int_equal(s->ops->search(s, "york", "fa", NOW, 0, 10, &h), GZ_OK);
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
}

/* A body far longer than PostgreSQL keeps positions for: its last words
 * are still found, marked and cut around. */
static void search_long_body(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    size_t cap = 20000 * 6 + 64;
    char *body = gz_xmalloc(cap);
    body[0] = '\0';
    size_t len = 0;
    for (int i = 0; i < 20000; i++) {
        memcpy(body + len, "word ", 5);
        len += 5;
    }
    memcpy(body + len, "needle", 7);
    int64_t id = add(s, "Haystack", body, NULL, GZ_STATUS_PUBLISHED, NOW - 5);
    free(body);
    struct gz_search_hits h = find(s, "needle");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, id);
    assert_string_equal(
        h.items[0].snippet,
        "\xE2\x80\xA6word word word word word word word word word word "
        "word word word word word word word word word word word word word "
        "\x01needle\x02");
    gz_search_hits_clear(&h);
    h = find(s, "word");
    assert_int_equal(h.total, 1);
    gz_search_hits_clear(&h);
}

/* PostgreSQL indexes, when it opens, the articles its index lacks (a
 * load, an index emptied by hand). */
static void search_index_missing(void **state)
{
    struct fixture *f = *state;
    int64_t id = add(f->s, "Walrus", "Tusks.", NULL, GZ_STATUS_PUBLISHED, NOW - 5);
    if (!fixture_pg())
        return; /* SQLite's migration indexes; its index has no holes */
    sql_exec(f->path, "DELETE FROM article_search");
    gz_store_close(f->s);
    f->s = open_store(f->path);
    assert_int_equal(index_rows(f), 1);
    struct gz_search_hits h = find(f->s, "walrus");
    assert_int_equal(h.total, 1);
    assert_int_equal(h.items[0].id, id);
    gz_search_hits_clear(&h);
}

static void aliases_and_descriptions(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    int64_t tagged = add(s, "Chatbots", "At school.", "Artificial intelligence",
                         GZ_STATUS_PUBLISHED, NOW - 5);
    struct gz_tag t;
    assert_int_equal(s->ops->tag_get_by_slug(s, "artificial-intelligence", &t), GZ_OK);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "AI"), GZ_OK);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "A.I."), GZ_OK);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "ai"), GZ_EEXIST);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "ARTIFICIAL Intelligence"),
                     GZ_EEXIST);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "!!"), GZ_EINVAL);
    assert_int_equal(s->ops->tag_alias_add(s, t.id, "\xFF"), GZ_EINVAL);
    assert_int_equal(s->ops->tag_alias_add(s, t.id + 99, "ghost"), GZ_ENOTFOUND);
    struct gz_tag_alias_list l;
    assert_int_equal(s->ops->tag_alias_list(s, t.id, &l), GZ_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].alias, "A.I."); /* by normalized form: "a i" < "ai" */
    assert_string_equal(l.items[0].slug, "a-i");
    assert_string_equal(l.items[1].alias, "AI");
    gz_tag_alias_list_clear(&l);
    /* resolve by slug or by the alias itself */
    struct gz_tag r;
    assert_int_equal(s->ops->tag_alias_resolve(s, "a-i", &r), GZ_OK);
    assert_int_equal(r.id, t.id);
    assert_string_equal(r.slug, "artificial-intelligence");
    gz_tag_clear(&r);
    assert_int_equal(s->ops->tag_alias_resolve(s, "A. I.", &r), GZ_OK);
    gz_tag_clear(&r);
    assert_int_equal(s->ops->tag_alias_resolve(s, "nope", &r), GZ_ENOTFOUND);
    /* search expands them: one word, or the whole query */
    int64_t spelled = add(s, "Essay", "Artificial intelligence writes.", NULL,
                          GZ_STATUS_PUBLISHED, NOW - 6);
    struct gz_search_hits h = find(s, "ai");
    assert_int_equal(h.total, 2);
    assert_int_equal(h.items[0].id + h.items[1].id, tagged + spelled);
    gz_search_hits_clear(&h);
    h = find(s, "A.I.");
    assert_int_equal(h.total, 2);
    gz_search_hits_clear(&h);
    assert_int_equal(s->ops->tag_alias_delete(s, "Ai"), GZ_OK);
    assert_int_equal(s->ops->tag_alias_delete(s, "ai"), GZ_ENOTFOUND);
    h = find(s, "ai");
    assert_int_equal(h.total, 0);
    gz_search_hits_clear(&h);
    /* descriptions; setting one marks the tag's pages changed */
    char *d = NULL;
    assert_int_equal(s->ops->tag_description_get(s, t.id, &d), GZ_OK);
    assert_string_equal(d, "");
    free(d);
    int64_t *ids = NULL, seq0, seq1;
    size_t n = 0;
    assert_int_equal(s->ops->changes_since(s, INT64_MAX, &ids, &n, &seq0), GZ_OK);
    free(ids);
    assert_int_equal(s->ops->tag_description_set(s, t.id, "Machines that think."), GZ_OK);
    assert_int_equal(s->ops->changes_since(s, seq0, &ids, &n, &seq1), GZ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], tagged);
    free(ids);
    assert_int_equal(s->ops->tag_description_get(s, t.id, &d), GZ_OK);
    assert_string_equal(d, "Machines that think.");
    free(d);
    char long_text[GZ_TAG_DESCRIPTION_MAX + 2];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_int_equal(s->ops->tag_description_set(s, t.id, long_text), GZ_EINVAL);
    assert_int_equal(s->ops->tag_description_set(s, t.id, "\xC3"), GZ_EINVAL);
    assert_int_equal(s->ops->tag_description_set(s, t.id + 99, "x"), GZ_ENOTFOUND);
    assert_int_equal(s->ops->tag_description_get(s, t.id + 99, &d), GZ_ENOTFOUND);
    gz_tag_clear(&t);
}

/* ---- the FTS5 expression ---- */

static int fake_alias(void *ctx, const char *norm, char **name)
{
    *name = NULL;
    if (!strcmp(norm, "ai"))
        *name = gz_xstrdup("Artificial Intelligence");
    else if (!strcmp(norm, "united states"))
        *name = gz_xstrdup("USA");
    else if (!strcmp(norm, "fail"))
        return GZ_EIO;
    return GZ_OK;
}

static void check_match(const char *q, const char *want)
{
    struct gz_search_query *parsed = gz_xmalloc(sizeof *parsed);
    struct gz_buf out;
    gz_buf_init(&out, 1 << 16);
    assert_int_equal(gz_search_query_parse(q, strlen(q), parsed), GZ_OK);
    assert_int_equal(gz_sqlite_search_match(parsed, fake_alias, NULL, &out), GZ_OK);
    const char *got = out.p ? out.p : "";
    if (strcmp(got, want) != 0)
        fail_msg("query \"%s\": got <%s>, want <%s>", q, got, want);
    gz_buf_free(&out);
    free(parsed);
}

static void match_expression(void **state)
{
    check_match("climate change", "\"climate\" AND \"change\"");
    check_match("\"climate change\" elect*", "\"climate change\" AND \"elect\" *");
    check_match("\"new yor\"*", "\"new yor\" *");
    check_match("", "");
    check_match("* ( ) \" : ^", "");
    /* operators and column filters reach FTS5 only inside quotes */
    check_match("a OR b NOT c NEAR(d)",
                "\"a\" AND \"or\" AND \"b\" AND \"not\" AND \"c\" AND "
                "\"near\" AND \"d\"");
    check_match("title:x", "\"title\" AND \"x\"");
    /* aliases */
    check_match("AI ethics", "(\"ai\" OR \"artificial intelligence\") AND \"ethics\"");
    check_match("ai*", "(\"ai\" OR \"artificial intelligence\")"); /* too short */
    check_match("ais*", "\"ais\" *");
    check_match("United States", "(\"united\" AND \"states\") OR \"usa\"");
    check_match("\"united states\"", "(\"united states\" OR \"usa\")");
    /* an alias lookup that fails fails the search */
    struct gz_search_query *parsed = gz_xmalloc(sizeof *parsed);
    struct gz_buf out;
    gz_buf_init(&out, 1 << 16);
    assert_int_equal(gz_search_query_parse("fail", 4, parsed), GZ_OK);
    assert_int_equal(gz_sqlite_search_match(parsed, fake_alias, NULL, &out), GZ_EIO);
    gz_buf_free(&out);
    /* without an alias function */
    gz_buf_init(&out, 1 << 16);
    assert_int_equal(gz_search_query_parse("ai", 2, parsed), GZ_OK);
    assert_int_equal(gz_sqlite_search_match(parsed, NULL, NULL, &out), GZ_OK);
    assert_string_equal(out.p, "\"ai\"");
    gz_buf_free(&out);
    free(parsed);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(search_ranks_and_marks, setup, teardown),
        cmocka_unit_test_setup_teardown(search_visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(search_reindexes_on_save, setup, teardown),
        cmocka_unit_test_setup_teardown(search_bulk_load, setup, teardown),
        cmocka_unit_test_setup_teardown(search_phrases_and_snippets, setup, teardown),
        cmocka_unit_test_setup_teardown(search_long_body, setup, teardown),
        cmocka_unit_test_setup_teardown(search_index_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(aliases_and_descriptions, setup, teardown),
        cmocka_unit_test(match_expression),
    };
    return cmocka_run_group_tests_name("store_search", tests, NULL, NULL);
}
