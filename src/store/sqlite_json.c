/* The SQLite backend of the store: the whole site as rows, for
 * `gazette export json` and `gazette import json` (src/io/json_*.c).
 *
 * Every kind of row is one table, read and written column for column, so
 * that an import of an export reproduces the site exactly: ids (view counts
 * and translations are keyed by article id), timestamps, rendered HTML.
 * What is not content is left out: sessions, API tokens and login
 * throttling (secrets and short-lived state), the change sequence, and the
 * search index, which an import rebuilds from the articles. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqliteInt.h"
#include "store/storeInt.h"

/* A sketch column ('h', storeInt.h) is a BLOB here. A kind has at most
 * one 'h' column (row_fields encodes it into one buffer). */
struct kind {
    const struct gz_store_kind *def; /* its name and columns (storeInt.h) */
    const char *select_sql;          /* the columns in the order of cols */
    const char *insert_sql;          /* ?1.. in the order of cols */
};

/* AUTOINCREMENT's high-water marks: the next article takes the id after
 * the highest ever used, not the highest left, as on the exported site
 * (view counts of a purged article stay behind, keyed by its id). Loaded
 * before the articles, whose inserts then move it on from there. */
static const char SQL_SEQUENCE_ALL[] =
    "SELECT name, seq FROM sqlite_sequence ORDER BY name";
static const char SQL_SEQUENCE_PUT[] =
    "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)";

static const char SQL_SETTING_ALL[] = "SELECT key, value FROM settings ORDER BY key";
static const char SQL_SETTING_PUT[] =
    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)";

static const char SQL_USER_ALL[] =
    "SELECT id, name, display_name, email, role, pass_hash, "
    "disabled, created_at FROM authors ORDER BY id";
static const char SQL_USER_PUT[] =
    "INSERT INTO authors (id, name, display_name, email, role, pass_hash, disabled, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static const char SQL_TAG_ALL[] =
    "SELECT id, name, slug, description, parent_id FROM tags ORDER BY id";
static const char SQL_TAG_PUT[] =
    "INSERT INTO tags (id, name, slug, description, parent_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

static const char SQL_ALIAS_ALL[] =
    "SELECT id, tag_id, alias, norm, slug FROM tag_aliases ORDER BY id";
static const char SQL_ALIAS_PUT[] =
    "INSERT INTO tag_aliases (id, tag_id, alias, norm, slug) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

static const char SQL_MEDIA_ALL[] =
    "SELECT id, sha256, mime, ext, size, width, height, name, "
    "user_id, created_at FROM media ORDER BY id";
static const char SQL_MEDIA_PUT[] =
    "INSERT INTO media (id, sha256, mime, ext, size, width, height, name, user_id, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

static const char SQL_ARTICLE_ALL[] =
    "SELECT id, slug, title, summary, body_src, body_format, body_html, teaser, lang, "
    "status, published_at, updated_at, created_at, deleted_at, author_id, image "
    "FROM articles ORDER BY id";
/* change_seq: the one bump of gz_sqlite_load_begin, so caches of a running
 * server see every imported article as changed. */
static const char SQL_ARTICLE_PUT[] =
    "INSERT INTO articles (id, slug, title, summary, body_src, body_format, body_html, "
    "teaser, lang, status, published_at, updated_at, created_at, deleted_at, author_id, "
    "image, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, (SELECT seq FROM change_seq WHERE id = 1))";

static const char SQL_ARTICLE_TAG_ALL[] =
    "SELECT article_id, tag_id, position FROM article_tags ORDER BY article_id, position";
static const char SQL_ARTICLE_TAG_PUT[] =
    "INSERT INTO article_tags (article_id, tag_id, position) VALUES (?1, ?2, ?3)";

static const char SQL_REVISION_ALL[] =
    "SELECT id, article_id, user_id, created_at, title, slug, summary, body_src, lang, "
    "status, published_at, tags, image FROM revisions ORDER BY id";
static const char SQL_REVISION_PUT[] =
    "INSERT INTO revisions (id, article_id, user_id, created_at, title, slug, summary, "
    "body_src, lang, status, published_at, tags, image) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char SQL_TRANSLATION_ALL[] =
    "SELECT article_id, group_id FROM article_translations ORDER BY article_id";
static const char SQL_TRANSLATION_PUT[] =
    "INSERT INTO article_translations (article_id, group_id) VALUES (?1, ?2)";

static const char SQL_REDIRECT_ALL[] =
    "SELECT path, target, created_at FROM redirects ORDER BY path";
static const char SQL_REDIRECT_PUT[] =
    "INSERT INTO redirects (path, target, created_at) VALUES (?1, ?2, ?3)";

static const char SQL_IMPORT_KEY_ALL[] =
    "SELECT source, key, kind, local_id FROM import_keys ORDER BY source, key";
static const char SQL_IMPORT_KEY_PUT[] =
    "INSERT INTO import_keys (source, key, kind, local_id) VALUES (?1, ?2, ?3, ?4)";

static const char SQL_VIEW_DAY_ALL[] =
    "SELECT article_id, day, count FROM views_daily ORDER BY article_id, day";
static const char SQL_VIEW_DAY_PUT[] =
    "INSERT INTO views_daily (article_id, day, count) VALUES (?1, ?2, ?3)";

static const char SQL_VIEW_HOUR_ALL[] =
    "SELECT article_id, hour, count FROM views_hourly ORDER BY article_id, hour";
static const char SQL_VIEW_HOUR_PUT[] =
    "INSERT INTO views_hourly (article_id, hour, count) VALUES (?1, ?2, ?3)";

/* Readership (migration 0006): unique-readers sketches and referring
 * domains. */
static const char SQL_READERS_ALL[] =
    "SELECT article_id, kind, period, hll FROM readers ORDER BY article_id, kind, period";
static const char SQL_READERS_PUT[] =
    "INSERT INTO readers (article_id, kind, period, hll) VALUES (?1, ?2, ?3, ?4)";

static const char SQL_REFERRER_ALL[] =
    "SELECT article_id, day, domain, count FROM referrers_daily "
    "ORDER BY article_id, day, domain";
static const char SQL_REFERRER_PUT[] = "INSERT INTO referrers_daily (article_id, day, "
                                       "domain, count) VALUES (?1, ?2, ?3, ?4)";

#define KIND(id, sel, ins) [id] = {&gz_store_kinds[id], sel, ins}

/* In the order of an export: what a row refers to comes before it. */
static const struct kind kinds[GZ_KIND_COUNT] = {
    KIND(GZ_KIND_SEQUENCE, SQL_SEQUENCE_ALL, SQL_SEQUENCE_PUT),
    KIND(GZ_KIND_SETTING, SQL_SETTING_ALL, SQL_SETTING_PUT),
    KIND(GZ_KIND_USER, SQL_USER_ALL, SQL_USER_PUT),
    KIND(GZ_KIND_TAG, SQL_TAG_ALL, SQL_TAG_PUT),
    KIND(GZ_KIND_TAG_ALIAS, SQL_ALIAS_ALL, SQL_ALIAS_PUT),
    KIND(GZ_KIND_MEDIA, SQL_MEDIA_ALL, SQL_MEDIA_PUT),
    KIND(GZ_KIND_ARTICLE, SQL_ARTICLE_ALL, SQL_ARTICLE_PUT),
    KIND(GZ_KIND_ARTICLE_TAG, SQL_ARTICLE_TAG_ALL, SQL_ARTICLE_TAG_PUT),
    KIND(GZ_KIND_REVISION, SQL_REVISION_ALL, SQL_REVISION_PUT),
    KIND(GZ_KIND_TRANSLATION, SQL_TRANSLATION_ALL, SQL_TRANSLATION_PUT),
    KIND(GZ_KIND_REDIRECT, SQL_REDIRECT_ALL, SQL_REDIRECT_PUT),
    KIND(GZ_KIND_IMPORT_KEY, SQL_IMPORT_KEY_ALL, SQL_IMPORT_KEY_PUT),
    KIND(GZ_KIND_VIEWS_DAILY, SQL_VIEW_DAY_ALL, SQL_VIEW_DAY_PUT),
    KIND(GZ_KIND_VIEWS_HOURLY, SQL_VIEW_HOUR_ALL, SQL_VIEW_HOUR_PUT),
    KIND(GZ_KIND_READERS, SQL_READERS_ALL, SQL_READERS_PUT),
    KIND(GZ_KIND_REFERRER, SQL_REFERRER_ALL, SQL_REFERRER_PUT),
};

static const struct kind *kind_find(const char *name)
{
    for (size_t i = 0; i < GZ_COUNTOF(kinds); i++)
        if (!strcmp(kinds[i].def->name, name))
            return &kinds[i];
    return NULL;
}

/* ---- export ---- */

/* A blob as base64 text in *buf (grown as needed; the caller frees it). */
static void to_base64(sqlite3_stmt *st, int i, char **buf, size_t *cap,
                      struct gz_field *f)
{
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    const unsigned char *bytes = sqlite3_column_blob(st, i);
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    if (need > *cap) {
        *cap = need;
        *buf = gz_xrealloc(*buf, need);
    }
    sodium_bin2base64(*buf, need, bytes ? bytes : (const unsigned char *)"", n,
                      sodium_base64_VARIANT_ORIGINAL);
    f->type = GZ_FIELD_TEXT;
    f->text = *buf;
    f->len = strlen(*buf);
}

/* The current row of st as fields (pointing into st, or into *buf for a
 * sketch: valid until its next step). */
static void row_fields(sqlite3_stmt *st, const struct kind *k, struct gz_field *f,
                       char **buf, size_t *cap)
{
    for (size_t i = 0; i < k->def->ncols; i++) {
        f[i] = (struct gz_field){.name = k->def->cols[i].name};
        if (sqlite3_column_type(st, (int)i) == SQLITE_NULL) {
            f[i].type = GZ_FIELD_NULL;
        } else if (k->def->cols[i].type == 'h') {
            to_base64(st, (int)i, buf, cap, &f[i]);
        } else if (k->def->cols[i].type == 't') {
            f[i].type = GZ_FIELD_TEXT;
            f[i].text = (const char *)sqlite3_column_text(st, (int)i);
            f[i].len = (size_t)sqlite3_column_bytes(st, (int)i);
            if (!f[i].text)
                f[i].text = "";
        } else {
            f[i].type = GZ_FIELD_INT;
            f[i].i = sqlite3_column_int64(st, (int)i);
        }
    }
}

static int dump_kind(struct sqlite_store *s, const struct kind *k, gz_dump_cb cb,
                     void *ctx)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, k->select_sql);
    if (!st)
        return GZ_EIO;
    struct gz_field f[16];
    char *buf = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row_fields(st, k, f, &buf, &cap);
        int crc = cb(ctx, k->def->name, f, k->def->ncols);
        if (crc != GZ_OK) {
            rc = crc;
            goto out;
        }
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading the site for an export");
out:
    done(st);
    free(buf);
    return rc;
}

int gz_sqlite_dump(struct gz_store *gs, gz_dump_cb cb, void *ctx)
{
    struct sqlite_store *s = from(gs);
    int started;
    int rc = gz_sqlite_read_begin(s, &started);
    for (size_t i = 0; i < GZ_COUNTOF(kinds) && rc == GZ_OK; i++)
        rc = dump_kind(s, &kinds[i], cb, ctx);
    gz_sqlite_read_end(s, started);
    return rc;
}

/* ---- import ---- */

static const char SQL_ANY_CONTENT[] =
    "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM authors) + "
    "(SELECT count(*) FROM tags) + (SELECT count(*) FROM media) + "
    "(SELECT count(*) FROM redirects)";

int gz_sqlite_dump_is_empty(struct gz_store *gs, int *empty)
{
    struct sqlite_store *s = from(gs);
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ANY_CONTENT);
    int64_t n = 0;
    if (!st)
        return GZ_EIO;
    int rc = gz_sqlite_step_i64(s, st, "counting the site's rows", &n);
    *empty = rc == GZ_OK && n == 0;
    return rc;
}

int gz_sqlite_load_begin(struct gz_store *gs)
{
    struct sqlite_store *s = from(gs);
    int rc = gz_sqlite_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    /* Rows come kind by kind, not in the order of their references (a tag's
     * parent may come after it): check foreign keys at COMMIT. Reset by
     * SQLite when the transaction ends. */
    if (sqlite3_exec(s->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL) !=
        SQLITE_OK)
        rc = gz_sqlite_fail(s, "deferring foreign keys");
    if (rc == GZ_OK)
        rc = gz_sqlite_next_change_seq(s, NULL);
    if (rc != GZ_OK)
        gz_sqlite_tx_rollback(s);
    return rc;
}

/* Binds column i of k from the row's fields f; GZ_EINVAL with a message
 * when the field has the wrong type. */
static int bind_column(sqlite3_stmt *st, const struct kind *k, size_t i,
                       const struct gz_field *f, size_t n, char *err, size_t errlen)
{
    struct gz_field v;
    uint8_t *sketch = NULL;
    size_t len = 0;
    int rc = gz_store_load_value(k->def->name, &k->def->cols[i], f, n, &v, &sketch, &len,
                                 err, errlen);
    if (rc != GZ_OK)
        return rc;
    int pos = (int)i + 1;
    if (k->def->cols[i].type == 'h') {
        rc = sqlite3_bind_blob64(st, pos, sketch, len, SQLITE_TRANSIENT);
        free(sketch);
    } else if (v.type == GZ_FIELD_NULL) {
        rc = sqlite3_bind_null(st, pos);
    } else if (v.type == GZ_FIELD_TEXT) {
        rc = sqlite3_bind_text64(st, pos, v.text, v.len, SQLITE_STATIC, SQLITE_UTF8);
    } else {
        rc = sqlite3_bind_int64(st, pos, v.i);
    }
    return rc == SQLITE_OK ? GZ_OK : GZ_EIO;
}

int gz_sqlite_load_row(struct gz_store *gs, const char *kind, const struct gz_field *f,
                       size_t n, char *err, size_t errlen)
{
    struct sqlite_store *s = from(gs);
    const struct kind *k = kind_find(kind);
    if (!k) {
        snprintf(err, errlen, "unknown type \"%s\"", kind);
        return GZ_EINVAL;
    }
    int rc =
        gz_store_load_check(k->def->name, k->def->cols, k->def->ncols, f, n, err, errlen);
    sqlite3_stmt *st = rc == GZ_OK ? gz_sqlite_stmt(s, k->insert_sql) : NULL;
    if (rc != GZ_OK)
        return rc;
    if (!st)
        return GZ_EIO;
    for (size_t i = 0; i < k->def->ncols && rc == GZ_OK; i++)
        rc = bind_column(st, k, i, f, n, err, errlen);
    if (rc != GZ_OK) {
        done(st);
        if (rc == GZ_EIO)
            snprintf(err, errlen, "%s: %s", kind, sqlite3_errmsg(s->db));
        return rc;
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", kind, sqlite3_errmsg(s->db));
        /* Extended result codes are on (sqlite.c): a taken key is
         * SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY; any other constraint
         * (a missing reference) is a bad row. */
        int ext = sqlite3_extended_errcode(s->db);
        rc = ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY
                 ? GZ_EEXIST
             : (ext & 0xff) == SQLITE_CONSTRAINT ? GZ_EINVAL
                                                 : GZ_EIO;
    }
    done(st);
    return rc;
}

static const char SQL_ARTICLE_IDS[] = "SELECT id FROM articles ORDER BY id";

/* The search index is not exported: it is rebuilt here, once every
 * article has its tags. */
static int reindex(struct sqlite_store *s)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_ARTICLE_IDS);
    if (!st)
        return GZ_EIO;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            ids = gz_xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing articles");
    done(st);
    for (size_t i = 0; i < n && rc == GZ_OK; i++)
        rc = gz_sqlite_search_index(s, ids[i]);
    free(ids);
    return rc;
}

static const char SQL_FK_CHECK[] = "PRAGMA foreign_key_check";

/* The deferred foreign keys, checked before COMMIT so that the message can
 * say which row refers to what is missing. */
static int check_references(struct sqlite_store *s, char *err, size_t errlen)
{
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_FK_CHECK);
    if (!st)
        return GZ_EIO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "a row of %s (rowid %lld) refers to a missing row of %s",
                 (const char *)sqlite3_column_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1),
                 (const char *)sqlite3_column_text(st, 2));
        rc = GZ_EINVAL;
    } else {
        rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "checking references");
    }
    done(st);
    return rc;
}

int gz_sqlite_load_finish(struct gz_store *gs, char *err, size_t errlen)
{
    struct sqlite_store *s = from(gs);
    int rc = check_references(s, err, errlen);
    if (rc == GZ_OK && (rc = reindex(s)) != GZ_OK)
        snprintf(err, errlen, "rebuilding the search index failed");
    if (rc != GZ_OK) {
        gz_sqlite_tx_rollback(s);
        return rc;
    }
    char msg[256];
    if ((rc = gz_sqlite_tx_commit(s)) != GZ_OK)
        snprintf(err, errlen, "commit: %s", gz_sqlite_errmsg(s->db, msg, sizeof msg));
    return rc;
}
