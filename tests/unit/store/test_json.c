/* Unit tests of the store's whole-site dump and load (sqlite_json.c,
 * pg_json.c), behind `gazette export json` and `gazette import json`, and
 * of backup (sqlite_backup.c; refused on PostgreSQL): a site with a row of
 * every kind dumps, loads into a new place and dumps again to the same
 * rows; hand-written rows dump back as the same text on both backends; a
 * bad load writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/core.h"
#include "core/log.h"
#include "store/store.h"
#include "views/hll.h"
#include "fixture.h"

#define DAY 19700
#define HOUR (DAY * 24)
#define NOW 1700000000

/* ---- a second place to load into ---- */

struct place {
    char dir[64];
    char schema[64];
    char path[1024];
    struct gz_store *s;
};

static void place_open(struct place *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/gz-json-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    fixture_new_place(p->dir, p->schema, sizeof p->schema, p->path, sizeof p->path);
    p->s = open_store(p->path);
}

static void place_close(struct place *p)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".bak"};
    gz_store_close(p->s);
    if (p->schema[0]) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", p->schema);
        fixture_pg_admin(sql);
    } else {
        for (size_t i = 0; i < GZ_COUNTOF(suffixes); i++) {
            char file[1100];
            snprintf(file, sizeof file, "%s%s", p->path, suffixes[i]);
            unlink(file);
        }
    }
    rmdir(p->dir);
}

/* ---- the canonical text of a dump: a line per row, kind then fields ---- */

struct text {
    char *p;
    size_t len;
    FILE *out;
};

static void text_open(struct text *t)
{
    memset(t, 0, sizeof *t);
    t->out = open_memstream(&t->p, &t->len);
    assert_non_null(t->out);
}

static void text_close(struct text *t)
{
    fclose(t->out);
}

static void text_row(struct text *t, const char *kind, const struct gz_field *f, size_t n)
{
    fputs(kind, t->out);
    for (size_t i = 0; i < n; i++) {
        fprintf(t->out, " %s=", f[i].name);
        if (f[i].type == GZ_FIELD_NULL)
            fputs("null", t->out);
        else if (f[i].type == GZ_FIELD_INT)
            fprintf(t->out, "%lld", (long long)f[i].i);
        else
            fprintf(t->out, "\"%.*s\"", (int)f[i].len, f[i].text);
    }
    fputc('\n', t->out);
}

static int on_row_text(void *ctx, const char *kind, const struct gz_field *f, size_t n)
{
    text_row(ctx, kind, f, n);
    return GZ_OK;
}

/* The canonical text of s's dump (free it). */
static char *dump_text(struct gz_store *s)
{
    struct text t;
    text_open(&t);
    assert_int_equal(s->ops->dump(s, on_row_text, &t), GZ_OK);
    text_close(&t);
    return t.p;
}

/* A dump of one store loaded straight into another, row by row. */
struct copy {
    struct gz_store *into;
    struct text text;
};

static int on_row_copy(void *ctx, const char *kind, const struct gz_field *f, size_t n)
{
    struct copy *c = ctx;
    char err[256] = "";
    text_row(&c->text, kind, f, n);
    int rc = c->into->ops->load_row(c->into, kind, f, n, err, sizeof err);
    if (rc != GZ_OK)
        print_error("load_row %s: %d %s\n", kind, rc, err);
    return rc;
}

/* ---- filling a site through the store's own operations ---- */

struct site {
    int64_t user, article, other, purged, tag, parent, media;
};

static int64_t save_article(struct gz_store *s, const char *slug, const char *lang,
                            int64_t author, const char *tag1, const char *tag2)
{
    struct gz_article a = {.status = GZ_STATUS_PUBLISHED, .published_at = NOW};
    a.slug = gz_xstrdup(slug);
    a.title = gz_xstrdup("Parliament votes on the budget");
    a.summary = gz_xstrdup("A summary");
    a.body_src = gz_xstrdup("The *budget* passed.");
    a.body_html = gz_xstrdup("<p>The <em>budget</em> passed.</p>");
    a.teaser = gz_xstrdup("A summary");
    a.lang = gz_xstrdup(lang);
    a.image = gz_xstrdup("/media/a.png");
    a.author_id = author;
    a.saved_by = author;
    if (tag1) {
        a.tags = gz_xcalloc(2, sizeof *a.tags);
        a.tags[a.ntags++] = gz_xstrdup(tag1);
        if (tag2)
            a.tags[a.ntags++] = gz_xstrdup(tag2);
    }
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    int64_t id = a.id;
    gz_article_clear(&a);
    return id;
}

static void fill(struct gz_store *s, struct site *site)
{
    assert_int_equal(s->ops->setting_set(s, "site.title", "The Daily"), GZ_OK);
    struct gz_user u = {.name = "editor",
                        .display_name = "The Editor",
                        .email = "ed@example.org",
                        .role = GZ_ROLE_EDITOR,
                        .pass_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                        .created_at = NOW};
    assert_int_equal(s->ops->user_save(s, &u), GZ_OK);
    site->user = u.id;

    site->article = save_article(s, "budget", "en", site->user, "Politics", "World");
    /* A second save: a second revision. */
    struct gz_article a;
    assert_int_equal(s->ops->article_get(s, site->article, &a), GZ_OK);
    free(a.title);
    a.title = gz_xstrdup("Parliament passes the budget");
    a.saved_by = site->user;
    assert_int_equal(s->ops->article_save(s, &a), GZ_OK);
    gz_article_clear(&a);
    site->other = save_article(s, "budget-fa", "fa", 0, "Politics", NULL);
    assert_int_equal(s->ops->translation_link(s, site->other, site->article), GZ_OK);
    /* The highest id goes: the next article must still not take it. */
    site->purged = save_article(s, "gone", "en", site->user, NULL, NULL);
    assert_int_equal(s->ops->article_purge(s, site->purged), GZ_OK);

    struct gz_tag t;
    assert_int_equal(s->ops->tag_get_by_slug(s, "politics", &t), GZ_OK);
    site->tag = t.id;
    gz_tag_clear(&t);
    /* A parent created after its child: it comes later in the dump. */
    assert_int_equal(s->ops->tag_import(s, "Sections", "sections", &site->parent, NULL),
                     GZ_OK);
    assert_true(site->parent > site->tag);
    assert_int_equal(s->ops->tag_set_parent(s, site->tag, site->parent), GZ_OK);
    assert_int_equal(s->ops->tag_alias_add(s, site->tag, "Government"), GZ_OK);
    assert_int_equal(s->ops->tag_description_set(s, site->tag, "Votes and laws"), GZ_OK);

    struct gz_media m = {
        .sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        .mime = "image/png",
        .ext = "png",
        .size = 1234,
        .width = 64,
        .height = 48,
        .name = "a.png",
        .user_id = site->user,
        .created_at = NOW};
    assert_int_equal(s->ops->media_add(s, &m), GZ_OK);
    site->media = m.id;

    assert_int_equal(s->ops->redirect_set(s, "/2019/05/old-budget/", "/budget/", NOW),
                     GZ_OK);
    assert_int_equal(
        s->ops->import_key_set(s, "wxr", "post-12", "article", site->article), GZ_OK);
    struct gz_view_delta v = {site->article, DAY, HOUR, 12};
    assert_int_equal(s->ops->views_add(s, &v, 1, 0), GZ_OK);

    struct gz_hll *h = gz_hll_new();
    for (uint64_t i = 1; i <= 5; i++)
        gz_hll_add(h, i * 0x9e3779b97f4a7c15ULL);
    uint8_t *bytes;
    size_t len;
    gz_hll_serialize(h, &bytes, &len);
    gz_hll_free(h);
    struct gz_readers_delta d[2] = {{site->article, GZ_READERS_DAY, DAY, bytes, len},
                                    {0, GZ_READERS_ALL, 0, bytes, len}};
    struct gz_referrer_delta r = {site->article, DAY, "news.example", 3};
    assert_int_equal(s->ops->readers_merge(s, d, 2, &r, 1, 0, 0), GZ_OK);
    free(bytes);
}

/* Every kind of row is in the text. */
static void assert_every_kind(const char *text)
{
    static const char *const kinds[] = {
        "sequence ",    "setting ",      "user ",     "tag ",
        "tag_alias ",   "media ",        "article ",  "article_tag ",
        "revision ",    "translation ",  "redirect ", "import_key ",
        "views_daily ", "views_hourly ", "readers ",  "referrer ",
    };
    for (size_t i = 0; i < GZ_COUNTOF(kinds); i++) {
        int found = !strncmp(text, kinds[i], strlen(kinds[i]));
        for (const char *p = strchr(text, '\n'); !found && p; p = strchr(p + 1, '\n'))
            found = !strncmp(p + 1, kinds[i], strlen(kinds[i]));
        if (!found)
            fail_msg("no row of kind %s in the dump:\n%s", kinds[i], text);
    }
}

/* A site dumped and loaded into a new place dumps to the same rows; the
 * loaded site is whole: its search finds its articles, and new rows take
 * ids after the loaded ones (and after the purged article's). */
static void test_round_trip(void **state)
{
    struct fixture *f = *state;
    struct site site;
    fill(f->s, &site);

    struct place to;
    place_open(&to);
    struct copy c = {.into = to.s};
    text_open(&c.text);
    assert_int_equal(to.s->ops->load_begin(to.s), GZ_OK);
    int empty = 0;
    assert_int_equal(to.s->ops->dump_is_empty(to.s, &empty), GZ_OK);
    assert_true(empty);
    assert_int_equal(f->s->ops->dump(f->s, on_row_copy, &c), GZ_OK);
    char err[256] = "";
    assert_int_equal(to.s->ops->load_finish(to.s, err, sizeof err), GZ_OK);
    text_close(&c.text);
    assert_every_kind(c.text.p);
    assert_non_null(strstr(c.text.p, "pass_hash=\"$argon2id$"));
    assert_non_null(strstr(c.text.p, "description=\"Votes and laws\""));

    char *again = dump_text(to.s);
    assert_string_equal(again, c.text.p);
    free(again);
    assert_int_equal(to.s->ops->dump_is_empty(to.s, &empty), GZ_OK);
    assert_false(empty);

    /* The search index was rebuilt. */
    struct gz_search_hits hits = {0};
    assert_int_equal(to.s->ops->search(to.s, "budget", NULL, NOW + 10, 0, 10, &hits),
                     GZ_OK);
    assert_int_equal(hits.total, 2);
    gz_search_hits_clear(&hits);

    /* New rows take new ids. */
    int64_t next = save_article(to.s, "after", "en", site.user, "Economy", NULL);
    assert_true(next > site.purged);
    struct gz_tag t;
    assert_int_equal(to.s->ops->tag_get_by_slug(to.s, "economy", &t), GZ_OK);
    assert_true(t.id > site.parent);
    gz_tag_clear(&t);
    struct gz_user u = {.name = "writer",
                        .display_name = "",
                        .email = "",
                        .role = GZ_ROLE_AUTHOR,
                        .pass_hash = ""};
    assert_int_equal(to.s->ops->user_save(to.s, &u), GZ_OK);
    assert_true(u.id > site.user);
    struct gz_media m = {
        .sha256 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
        .mime = "image/png",
        .ext = "png",
        .size = 1,
        .name = "b.png",
        .created_at = NOW};
    assert_int_equal(to.s->ops->media_add(to.s, &m), GZ_OK);
    assert_true(m.id > site.media);

    free(c.text.p);
    place_close(&to);
}

/* ---- hand-written rows ---- */

#define T(n, v)                                                                          \
    {                                                                                    \
        .name = n, .type = GZ_FIELD_TEXT, .text = v, .len = sizeof(v) - 1                \
    }
#define I(n, v)                                                                          \
    {                                                                                    \
        .name = n, .type = GZ_FIELD_INT, .i = v                                          \
    }
#define N(n)                                                                             \
    {                                                                                    \
        .name = n, .type = GZ_FIELD_NULL                                                 \
    }
#define ROW(k, ...)                                                                      \
    {                                                                                    \
        k, (const struct gz_field[]){__VA_ARGS__},                                       \
            sizeof((const struct gz_field[]){__VA_ARGS__}) / sizeof(struct gz_field)     \
    }

struct row {
    const char *kind;
    const struct gz_field *f;
    size_t n;
};

/* A sparse sketch of one register (index 5, value 3), in base64. */
#define SKETCH "AQBDAQAA"

/* Rows as an export writes them, but a kind's rows out of their order and
 * some columns left out (they take "" / 0 / NULL / an empty sketch). */
static const struct row rows[] = {
    ROW("sequence", T("name", "articles"), I("seq", 40)),
    ROW("setting", T("key", "site.title"), T("value", "The Daily")),
    ROW("setting", T("key", "site.lang"), T("value", "fa")),
    ROW("user", I("id", 3), T("name", "ed"), T("display_name", "Ed"),
        T("email", "ed@example.org"), T("role", "editor"), T("pass_hash", "$argon2id$x"),
        I("disabled", 0), I("created_at", NOW)),
    ROW("tag", I("id", 1), T("name", "Politics"), T("slug", "politics"),
        T("description", "Votes"), I("parent_id", 2)),
    ROW("tag", I("id", 2), T("name", "Sections"), T("slug", "sections"), N("parent_id")),
    ROW("tag_alias", I("id", 1), I("tag_id", 1), T("alias", "Gov"), T("norm", "gov"),
        T("slug", "gov")),
    ROW("media", I("id", 5), T("sha256", "ab12"), T("mime", "image/png"), T("ext", "png"),
        I("size", 10), I("width", 2), I("height", 3), T("name", "a.png"), I("user_id", 3),
        I("created_at", NOW)),
    ROW("article", I("id", 9), T("slug", "salam"), T("title", "سلام"), T("body_src", "س"),
        T("lang", "fa"), I("status", 1), I("published_at", NOW), I("author_id", 3)),
    ROW("article", I("id", 7), T("slug", "hello"), T("title", "Hello world"),
        T("summary", "Sum"), T("body_src", "Hi *there*"), I("body_format", 0),
        T("body_html", "<p>Hi <em>there</em></p>"), T("teaser", "Sum"), T("lang", "en"),
        I("status", 1), I("published_at", NOW), I("updated_at", NOW + 1),
        I("created_at", NOW - 1), I("deleted_at", 0), N("author_id"), T("image", "")),
    ROW("article_tag", I("article_id", 7), I("tag_id", 2), I("position", 1)),
    ROW("article_tag", I("article_id", 7), I("tag_id", 1), I("position", 0)),
    ROW("revision", I("id", 11), I("article_id", 7), I("user_id", 3),
        I("created_at", NOW), T("title", "Hello"), T("slug", "hello"), T("summary", ""),
        T("body_src", "Hi"), T("lang", "en"), I("status", 0), I("published_at", 0),
        T("tags", "Politics\nSections"), T("image", "")),
    ROW("translation", I("article_id", 9), I("group_id", 7)),
    ROW("translation", I("article_id", 7), I("group_id", 7)),
    ROW("redirect", T("path", "/old/b"), T("target", "/hello/"), I("created_at", NOW)),
    ROW("redirect", T("path", "/old/B"), T("target", "/salam/"), I("created_at", NOW)),
    ROW("import_key", T("source", "wxr"), T("key", "post-2"), T("kind", "article"),
        I("local_id", 9)),
    ROW("import_key", T("source", "wxr"), T("key", "post-10"), T("kind", "article"),
        I("local_id", 7)),
    ROW("views_daily", I("article_id", 7), I("day", DAY), I("count", 12)),
    ROW("views_hourly", I("article_id", 7), I("hour", HOUR), I("count", 12)),
    ROW("readers", I("article_id", 7), I("kind", 2), I("period", DAY), T("hll", SKETCH)),
    ROW("readers", I("article_id", 0), I("kind", 3), I("period", 0)),
    ROW("referrer", I("article_id", 7), I("day", DAY), T("domain", "news.example"),
        I("count", 2)),
    ROW("referrer", I("article_id", 7), I("day", DAY), T("domain", ""), I("count", 3)),
};

/* What both backends dump for those rows, byte for byte: the columns in
 * their order, the defaults filled in, text ordered as bytes. */
static const char rows_dumped[] =
    "sequence name=\"articles\" seq=40\n"
    "setting key=\"site.lang\" value=\"fa\"\n"
    "setting key=\"site.title\" value=\"The Daily\"\n"
    "user id=3 name=\"ed\" display_name=\"Ed\" email=\"ed@example.org\" role=\"editor\" "
    "pass_hash=\"$argon2id$x\" disabled=0 created_at=1700000000\n"
    "tag id=1 name=\"Politics\" slug=\"politics\" description=\"Votes\" parent_id=2\n"
    "tag id=2 name=\"Sections\" slug=\"sections\" description=\"\" parent_id=null\n"
    "tag_alias id=1 tag_id=1 alias=\"Gov\" norm=\"gov\" slug=\"gov\"\n"
    "media id=5 sha256=\"ab12\" mime=\"image/png\" ext=\"png\" size=10 width=2 height=3 "
    "name=\"a.png\" user_id=3 created_at=1700000000\n"
    "article id=7 slug=\"hello\" title=\"Hello world\" summary=\"Sum\" "
    "body_src=\"Hi *there*\" body_format=0 body_html=\"<p>Hi <em>there</em></p>\" "
    "teaser=\"Sum\" lang=\"en\" status=1 published_at=1700000000 updated_at=1700000001 "
    "created_at=1699999999 deleted_at=0 author_id=null image=\"\"\n"
    "article id=9 slug=\"salam\" title=\"سلام\" summary=\"\" body_src=\"س\" "
    "body_format=0 "
    "body_html=\"\" teaser=\"\" lang=\"fa\" status=1 published_at=1700000000 "
    "updated_at=0 "
    "created_at=0 deleted_at=0 author_id=3 image=\"\"\n"
    "article_tag article_id=7 tag_id=1 position=0\n"
    "article_tag article_id=7 tag_id=2 position=1\n"
    "revision id=11 article_id=7 user_id=3 created_at=1700000000 title=\"Hello\" "
    "slug=\"hello\" summary=\"\" body_src=\"Hi\" lang=\"en\" status=0 published_at=0 "
    "tags=\"Politics\nSections\" image=\"\"\n"
    "translation article_id=7 group_id=7\n"
    "translation article_id=9 group_id=7\n"
    "redirect path=\"/old/B\" target=\"/salam/\" created_at=1700000000\n"
    "redirect path=\"/old/b\" target=\"/hello/\" created_at=1700000000\n"
    "import_key source=\"wxr\" key=\"post-10\" kind=\"article\" local_id=7\n"
    "import_key source=\"wxr\" key=\"post-2\" kind=\"article\" local_id=9\n"
    "views_daily article_id=7 day=19700 count=12\n"
    "views_hourly article_id=7 hour=472800 count=12\n"
    "readers article_id=0 kind=3 period=0 hll=\"AQA=\"\n"
    "readers article_id=7 kind=2 period=19700 hll=\"" SKETCH "\"\n"
    "referrer article_id=7 day=19700 domain=\"\" count=3\n"
    "referrer article_id=7 day=19700 domain=\"news.example\" count=2\n";

static void load_rows(struct gz_store *s, const struct row *r, size_t n)
{
    char err[256] = "";
    for (size_t i = 0; i < n; i++) {
        int rc = s->ops->load_row(s, r[i].kind, r[i].f, r[i].n, err, sizeof err);
        if (rc != GZ_OK)
            fail_msg("row %zu (%s): %d %s", i, r[i].kind, rc, err);
    }
}

/* The same rows give the same dump on either backend; the high-water mark
 * of the "sequence" row holds for the next article. */
static void test_rows_dump_the_same_everywhere(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char err[256] = "";
    assert_int_equal(s->ops->load_begin(s), GZ_OK);
    load_rows(s, rows, GZ_COUNTOF(rows));
    assert_int_equal(s->ops->load_finish(s, err, sizeof err), GZ_OK);
    char *text = dump_text(s);
    assert_string_equal(text, rows_dumped);
    free(text);
    int64_t id = save_article(s, "next", "en", 3, NULL, NULL);
    assert_int_equal(id, 41);
    /* The tag's parent came after it, and holds. */
    assert_int_equal(sql_i64(f->path, "SELECT parent_id FROM tags WHERE id = 1"), 2);
    /* Loaded articles were given the change sequence of the load. */
    assert_int_equal(
        sql_i64(f->path, "SELECT count(*) FROM articles WHERE change_seq = 0"), 0);
}

/* A bad row is refused with a message; a load that fails writes
 * nothing, and the store takes a good load afterwards. */
static void test_bad_loads_write_nothing(void **state)
{
    struct fixture *f = *state;
    struct gz_store *s = f->s;
    char err[256];
    static const struct gz_field unknown[] = {T("key", "a"), T("valeu", "b")};
    static const struct gz_field wrong_type[] = {I("key", 1), T("value", "b")};
    static const struct gz_field not_null[] = {I("id", 4), N("name")};
    static const struct gz_field bad_sketch[] = {I("article_id", 1), I("kind", 2),
                                                 I("period", DAY), T("hll", "AQBD!!")};
    static const struct gz_field garbage_sketch[] = {
        I("article_id", 1), I("kind", 2), I("period", DAY), T("hll", "/wASNA==")};
    static const struct gz_field orphan[] = {I("id", 1), T("name", "A"), T("slug", "a"),
                                             I("parent_id", 99)};
    struct {
        const char *kind;
        const struct gz_field *f;
        size_t n;
    } bad[] = {
        {"settings", unknown, 1},   {"setting", unknown, 2},
        {"setting", wrong_type, 2}, {"user", not_null, 2},
        {"readers", bad_sketch, 4}, {"readers", garbage_sketch, 4},
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        assert_int_equal(s->ops->load_begin(s), GZ_OK);
        err[0] = '\0';
        assert_int_equal(
            s->ops->load_row(s, bad[i].kind, bad[i].f, bad[i].n, err, sizeof err),
            GZ_EINVAL);
        assert_true(err[0] != '\0');
        assert_int_equal(s->ops->rollback(s), GZ_OK);
    }
    /* A unique key taken twice. */
    assert_int_equal(s->ops->load_begin(s), GZ_OK);
    load_rows(s, &rows[3], 1);
    err[0] = '\0';
    int rc = s->ops->load_row(s, rows[3].kind, rows[3].f, rows[3].n, err, sizeof err);
    assert_int_equal(rc, GZ_EEXIST);
    assert_true(err[0] != '\0');
    assert_int_equal(s->ops->rollback(s), GZ_OK);
    /* A tag whose parent never comes: the whole load goes. */
    assert_int_equal(s->ops->load_begin(s), GZ_OK);
    load_rows(s, rows, 4); /* sequence, settings, user */
    assert_int_equal(
        s->ops->load_row(s, "tag", orphan, GZ_COUNTOF(orphan), err, sizeof err), GZ_OK);
    err[0] = '\0';
    assert_int_equal(s->ops->load_finish(s, err, sizeof err), GZ_EINVAL);
    assert_true(err[0] != '\0');
    int empty = 0;
    assert_int_equal(s->ops->dump_is_empty(s, &empty), GZ_OK);
    assert_true(empty);
    assert_int_equal(sql_i64(f->path, "SELECT count(*) FROM settings"), 0);

    /* Still usable. */
    assert_int_equal(s->ops->load_begin(s), GZ_OK);
    load_rows(s, rows, GZ_COUNTOF(rows));
    assert_int_equal(s->ops->load_finish(s, err, sizeof err), GZ_OK);
    char *text = dump_text(s);
    assert_string_equal(text, rows_dumped);
    free(text);
}

/* An empty site has no sequence row on either backend; an article added
 * and purged leaves one. */
static void test_sequence_row(void **state)
{
    struct fixture *f = *state;
    char *text = dump_text(f->s);
    assert_null(strstr(text, "sequence "));
    free(text);
    int64_t id = save_article(f->s, "gone", "en", 0, NULL, NULL);
    assert_int_equal(f->s->ops->article_purge(f->s, id), GZ_OK);
    text = dump_text(f->s);
    char want[64];
    snprintf(want, sizeof want, "sequence name=\"articles\" seq=%lld\n", (long long)id);
    assert_string_equal(text, want);
    free(text);
}

/* SQLite copies itself; PostgreSQL points to pg_dump. */
static void test_backup(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    char copy[1100];
    snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
    int rc = f->s->ops->backup(f->s, copy, err, sizeof err);
    if (fixture_pg()) {
        assert_int_equal(rc, GZ_EINVAL);
        assert_non_null(strstr(err, "pg_dump"));
        assert_int_equal(access(copy, F_OK), -1);
        return;
    }
    assert_int_equal(rc, GZ_OK);
    struct stat st;
    assert_int_equal(stat(copy, &st), 0);
    assert_true(st.st_size > 0);
    unlink(copy);
}

int main(void)
{
    gz_log_set_level(GZ_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_dump_the_same_everywhere, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_loads_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequence_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
    };
    return cmocka_run_group_tests_name("store_json", tests, NULL, NULL);
}
