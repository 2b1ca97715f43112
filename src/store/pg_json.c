/* The PostgreSQL backend of the store: the whole site as rows, for
 * `gazette export json` and `gazette import json` (src/io/json_*.c), as
 * sqlite_json.c: the same kinds, the same columns in the same order, the
 * same types, so that an export of the same site is the same bytes from
 * either backend, and an export of one imports into the other.
 *
 * A dump reads one snapshot (REPEATABLE READ) through a cursor per kind,
 * so a large site is never held in memory at once. Text orders as bytes
 * (COLLATE "C"), as SQLite's BINARY.
 *
 * Loads differ from SQLite's in two places:
 * - PostgreSQL checks foreign keys at once, not at COMMIT. Rows come in
 *   the dump's order (what a row refers to comes first), except a tag's
 *   parent, which may come after it: a tag is inserted without its parent
 *   and the parent is set by load_finish, after checking it exists (temp
 *   table gz_load_parents). Any other missing reference fails its row.
 * - Ids are identities, which an insert with an explicit id does not move
 *   on: load_finish sets every identity's sequence past the highest id
 *   loaded, and the articles' past the exported high-water mark (the
 *   "sequence" row, kept in temp table gz_load_sequences until then). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgInt.h"
#include "store/storeInt.h"

/* A sketch column ('h', storeInt.h) is a bytea here. */
struct kind {
    const struct gz_store_kind *def; /* its name and columns (storeInt.h) */
    const char *declare_sql; /* a cursor gz_dump over the columns, in the order of cols */
    const char *insert_sql;  /* $1.. in the order of cols */
};

#define DECLARE(select) "DECLARE gz_dump NO SCROLL CURSOR FOR " select

/* The articles' high-water mark: the highest id ever taken (SQLite's
 * sqlite_sequence row; here the identity's last value, once one was
 * taken). */
static const char SQL_SEQUENCE_ALL[] =
    DECLARE("SELECT 'articles'::text, v FROM (SELECT pg_sequence_last_value("
            "pg_get_serial_sequence('articles', 'id')::regclass) AS v) AS s "
            "WHERE v IS NOT NULL");
static const char SQL_SEQUENCE_PUT[] =
    "INSERT INTO gz_load_sequences (name, seq) VALUES ($1, $2)";

static const char SQL_SETTING_ALL[] =
    DECLARE("SELECT key, value FROM settings ORDER BY key COLLATE \"C\"");
static const char SQL_SETTING_PUT[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static const char SQL_USER_ALL[] = DECLARE("SELECT id, name, display_name, email, role, "
                                           "pass_hash, disabled, created_at FROM authors "
                                           "ORDER BY id");
static const char SQL_USER_PUT[] =
    "INSERT INTO authors (id, name, display_name, email, role, pass_hash, disabled, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

static const char SQL_TAG_ALL[] =
    DECLARE("SELECT id, name, slug, description, parent_id FROM tags ORDER BY id");
/* The parent is set by load_finish (see the top of the file). */
static const char SQL_TAG_PUT[] =
    "WITH t AS (INSERT INTO tags (id, name, slug, description) VALUES ($1, $2, $3, $4) "
    "RETURNING id) "
    "INSERT INTO gz_load_parents (tag_id, parent_id) "
    "SELECT id, $5::bigint FROM t WHERE $5::bigint IS NOT NULL";

static const char SQL_ALIAS_ALL[] =
    DECLARE("SELECT id, tag_id, alias, norm, slug FROM tag_aliases ORDER BY id");
static const char SQL_ALIAS_PUT[] =
    "INSERT INTO tag_aliases (id, tag_id, alias, norm, slug) "
    "VALUES ($1, $2, $3, $4, $5)";

static const char SQL_MEDIA_ALL[] =
    DECLARE("SELECT id, sha256, mime, ext, size, width, "
            "height, name, user_id, created_at FROM media "
            "ORDER BY id");
static const char SQL_MEDIA_PUT[] =
    "INSERT INTO media (id, sha256, mime, ext, size, width, height, name, user_id, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

static const char SQL_ARTICLE_ALL[] =
    DECLARE("SELECT id, slug, title, summary, body_src, body_format, body_html, teaser, "
            "lang, status, published_at, updated_at, created_at, deleted_at, author_id, "
            "image FROM articles ORDER BY id");
/* change_seq: the one bump of gz_pg_load_begin, so caches of a running
 * server see every imported article as changed. */
static const char SQL_ARTICLE_PUT[] =
    "INSERT INTO articles (id, slug, title, summary, body_src, body_format, body_html, "
    "teaser, lang, status, published_at, updated_at, created_at, deleted_at, author_id, "
    "image, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, (SELECT seq FROM change_seq WHERE id = 1))";

static const char SQL_ARTICLE_TAG_ALL[] =
    DECLARE("SELECT article_id, tag_id, position FROM article_tags "
            "ORDER BY article_id, position, tag_id");
static const char SQL_ARTICLE_TAG_PUT[] =
    "INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3)";

static const char SQL_REVISION_ALL[] =
    DECLARE("SELECT id, article_id, user_id, created_at, title, slug, summary, body_src, "
            "lang, status, published_at, tags, image FROM revisions ORDER BY id");
static const char SQL_REVISION_PUT[] =
    "INSERT INTO revisions (id, article_id, user_id, created_at, title, slug, summary, "
    "body_src, lang, status, published_at, tags, image) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8, $9, $10, $11, $12, $13)";

static const char SQL_TRANSLATION_ALL[] =
    DECLARE("SELECT article_id, group_id FROM article_translations ORDER BY article_id");
static const char SQL_TRANSLATION_PUT[] =
    "INSERT INTO article_translations (article_id, group_id) VALUES ($1, $2)";

static const char SQL_REDIRECT_ALL[] =
    DECLARE("SELECT path, target, created_at FROM redirects ORDER BY path COLLATE \"C\"");
static const char SQL_REDIRECT_PUT[] =
    "INSERT INTO redirects (path, target, created_at) VALUES ($1, $2, $3)";

static const char SQL_IMPORT_KEY_ALL[] =
    DECLARE("SELECT source, key, kind, local_id FROM import_keys "
            "ORDER BY source COLLATE \"C\", key COLLATE \"C\"");
static const char SQL_IMPORT_KEY_PUT[] =
    "INSERT INTO import_keys (source, key, kind, local_id) VALUES ($1, $2, $3, $4)";

static const char SQL_VIEW_DAY_ALL[] =
    DECLARE("SELECT article_id, day, count FROM views_daily ORDER BY article_id, day");
static const char SQL_VIEW_DAY_PUT[] =
    "INSERT INTO views_daily (article_id, day, count) VALUES ($1, $2, $3)";

static const char SQL_VIEW_HOUR_ALL[] =
    DECLARE("SELECT article_id, hour, count FROM views_hourly ORDER BY article_id, hour");
static const char SQL_VIEW_HOUR_PUT[] =
    "INSERT INTO views_hourly (article_id, hour, count) VALUES ($1, $2, $3)";

static const char SQL_READERS_ALL[] =
    DECLARE("SELECT article_id, kind, period, hll FROM readers ORDER BY article_id, "
            "kind, period");
static const char SQL_READERS_PUT[] =
    "INSERT INTO readers (article_id, kind, period, hll) VALUES ($1, $2, $3, $4)";

static const char SQL_REFERRER_ALL[] =
    DECLARE("SELECT article_id, day, domain, count FROM referrers_daily "
            "ORDER BY article_id, day, domain COLLATE \"C\"");
static const char SQL_REFERRER_PUT[] = "INSERT INTO referrers_daily (article_id, day, "
                                       "domain, count) VALUES ($1, $2, $3, $4)";

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

static const char SQL_DUMP_FETCH[] = "FETCH 256 FROM gz_dump";
static const char SQL_DUMP_CLOSE[] = "CLOSE gz_dump";

/* A sketch (bytea) as base64 text in *buf (grown as needed; the caller
 * frees it). */
static int to_base64(const PGresult *r, int row, int col, char **buf, size_t *cap,
                     struct gz_field *f)
{
    size_t n = 0;
    uint8_t *bytes = gz_pg_bytea(r, row, col, &n);
    if (!bytes)
        return GZ_EIO;
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    if (need > *cap) {
        *cap = need;
        *buf = gz_xrealloc(*buf, need);
    }
    sodium_bin2base64(*buf, need, bytes, n, sodium_base64_VARIANT_ORIGINAL);
    free(bytes);
    f->type = GZ_FIELD_TEXT;
    f->text = *buf;
    f->len = strlen(*buf);
    return GZ_OK;
}

/* Row `row` of r as fields (pointing into r, or into *buf for a sketch:
 * valid until the next row). */
static int row_fields(const PGresult *r, int row, const struct kind *k,
                      struct gz_field *f, char **buf, size_t *cap)
{
    for (size_t i = 0; i < k->def->ncols; i++) {
        int col = (int)i;
        f[i] = (struct gz_field){.name = k->def->cols[i].name};
        if (PQgetisnull(r, row, col)) {
            f[i].type = GZ_FIELD_NULL;
        } else if (k->def->cols[i].type == 'h') {
            if (to_base64(r, row, col, buf, cap, &f[i]) != GZ_OK)
                return GZ_EIO;
        } else if (k->def->cols[i].type == 't') {
            f[i].type = GZ_FIELD_TEXT;
            f[i].text = PQgetvalue(r, row, col);
            f[i].len = (size_t)PQgetlength(r, row, col);
        } else {
            f[i].type = GZ_FIELD_INT;
            f[i].i = gz_pg_i64(r, row, col);
        }
    }
    return GZ_OK;
}

/* Calls cb for every row of r; its first non-zero return, or GZ_OK. */
static int dump_rows(const PGresult *r, const struct kind *k, gz_dump_cb cb, void *ctx)
{
    struct gz_field f[16];
    char *buf = NULL;
    size_t cap = 0;
    int rc = GZ_OK;
    for (int row = 0; row < PQntuples(r) && rc == GZ_OK; row++) {
        rc = row_fields(r, row, k, f, &buf, &cap);
        if (rc == GZ_OK)
            rc = cb(ctx, k->def->name, f, k->def->ncols);
    }
    free(buf);
    return rc;
}

static int dump_kind(struct pg_store *s, const struct kind *k, gz_dump_cb cb, void *ctx)
{
    int rc = gz_pg_run(s, k->declare_sql, NULL, "reading the site for an export");
    if (rc != GZ_OK)
        return rc;
    for (;;) {
        char state[6];
        PGresult *r =
            gz_pg_exec(s, SQL_DUMP_FETCH, NULL, "reading the site for an export", state);
        if (!r)
            return gz_pg_error(state);
        int rows = PQntuples(r);
        rc = dump_rows(r, k, cb, ctx);
        PQclear(r);
        if (rc != GZ_OK || rows == 0)
            break;
    }
    int crc = gz_pg_run(s, SQL_DUMP_CLOSE, NULL, "closing an export's cursor");
    return rc != GZ_OK ? rc : crc;
}

int gz_pg_dump(struct gz_store *gs, gz_dump_cb cb, void *ctx)
{
    struct pg_store *s = pg_from(gs);
    int started;
    int rc = gz_pg_read_begin(s, &started);
    for (size_t i = 0; i < GZ_COUNTOF(kinds) && rc == GZ_OK; i++)
        rc = dump_kind(s, &kinds[i], cb, ctx);
    gz_pg_read_end(s, started);
    return rc;
}

/* ---- import ---- */

static const char SQL_ANY_CONTENT[] =
    "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM authors) + "
    "(SELECT count(*) FROM tags) + (SELECT count(*) FROM media) + "
    "(SELECT count(*) FROM redirects)";

int gz_pg_dump_is_empty(struct gz_store *gs, int *empty)
{
    struct pg_store *s = pg_from(gs);
    int64_t n = 0;
    int rc = gz_pg_run_i64(s, SQL_ANY_CONTENT, NULL, "counting the site's rows", &n);
    if (rc == GZ_ENOTFOUND)
        rc = GZ_EIO;
    *empty = rc == GZ_OK && n == 0;
    return rc;
}

/* What load_finish does last, kept per connection; emptied at COMMIT. */
static const char SQL_PARENTS_TABLE[] =
    "CREATE TEMP TABLE IF NOT EXISTS gz_load_parents "
    "(tag_id bigint NOT NULL, parent_id bigint NOT NULL) ON COMMIT DELETE ROWS";
static const char SQL_SEQUENCES_TABLE[] =
    "CREATE TEMP TABLE IF NOT EXISTS gz_load_sequences "
    "(name text NOT NULL, seq bigint NOT NULL) "
    "ON COMMIT DELETE ROWS";
static const char SQL_PARENTS_EMPTY[] = "DELETE FROM gz_load_parents";
static const char SQL_SEQUENCES_EMPTY[] = "DELETE FROM gz_load_sequences";

int gz_pg_load_begin(struct gz_store *gs)
{
    struct pg_store *s = pg_from(gs);
    int rc = gz_pg_tx_begin(s);
    if (rc != GZ_OK)
        return rc;
    rc = gz_pg_run(s, SQL_PARENTS_TABLE, NULL, "preparing a load");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_SEQUENCES_TABLE, NULL, "preparing a load");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_PARENTS_EMPTY, NULL, "preparing a load");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_SEQUENCES_EMPTY, NULL, "preparing a load");
    if (rc == GZ_OK)
        rc = gz_pg_next_change_seq(s, NULL);
    if (rc != GZ_OK)
        gz_pg_tx_rollback(s);
    return rc;
}

/* Adds column i of k, from the row's fields f, to p; a decoded sketch
 * goes into *blob (freed by the caller after the statement). GZ_EINVAL
 * with a message when the field has the wrong type. */
static int param_column(struct gz_pg_params *p, const struct kind *k, size_t i,
                        const struct gz_field *f, size_t n, uint8_t **blob, char *err,
                        size_t errlen)
{
    struct gz_field v;
    size_t len = 0;
    int rc = gz_store_load_value(k->def->name, &k->def->cols[i], f, n, &v, blob, &len,
                                 err, errlen);
    if (rc != GZ_OK)
        return rc;
    if (k->def->cols[i].type == 'h')
        gz_pg_p_bytea(p, *blob, len);
    else if (v.type == GZ_FIELD_NULL)
        gz_pg_p_null(p);
    else if (v.type == GZ_FIELD_TEXT)
        gz_pg_p_textn(p, v.text, v.len);
    else
        gz_pg_p_i64(p, v.i);
    return GZ_OK;
}

/* The store error and message for a row the database refused: a taken
 * unique key (as SQLite's constraint failures) is GZ_EEXIST; a missing
 * reference or a value out of a column's range is the file's fault. */
static int refused(struct pg_store *s, const struct kind *k, const char state[6],
                   char *err, size_t errlen)
{
    const char *msg = s->conn ? PQerrorMessage(s->conn) : "";
    if (!strncmp(msg, "ERROR:  ", 8))
        msg += 8;
    /* The same words as SQLite's check at the end of a load, so the
     * operator reads one message whatever the database. */
    if (!strcmp(state, "23503")) {
        snprintf(err, errlen, "a row of %s refers to a missing row (%.*s)", k->def->name,
                 (int)strcspn(msg, "\n"), msg);
        return GZ_EINVAL;
    }
    snprintf(err, errlen, "%s: %.*s", k->def->name, (int)strcspn(msg, "\n"), msg);
    if (!strncmp(state, "22", 2))
        return GZ_EINVAL;
    return !strncmp(state, "23", 2) ? GZ_EEXIST : GZ_EIO;
}

int gz_pg_load_row(struct gz_store *gs, const char *kind, const struct gz_field *f,
                   size_t n, char *err, size_t errlen)
{
    struct pg_store *s = pg_from(gs);
    const struct kind *k = kind_find(kind);
    if (!k) {
        snprintf(err, errlen, "unknown type \"%s\"", kind);
        return GZ_EINVAL;
    }
    int rc =
        gz_store_load_check(k->def->name, k->def->cols, k->def->ncols, f, n, err, errlen);
    if (rc != GZ_OK)
        return rc;
    struct gz_pg_params p = {0};
    uint8_t *blob = NULL;
    for (size_t i = 0; i < k->def->ncols && rc == GZ_OK; i++)
        rc = param_column(&p, k, i, f, n, &blob, err, errlen);
    if (rc == GZ_OK) {
        char state[6];
        PGresult *r = gz_pg_exec(s, k->insert_sql, &p, "loading a row", state);
        if (r)
            PQclear(r);
        else
            rc = refused(s, k, state, err, errlen);
    }
    free(blob);
    return rc;
}

/* The first tag whose parent is missing. */
static const char SQL_PARENTS_MISSING[] =
    "SELECT p.tag_id, p.parent_id FROM gz_load_parents p "
    "WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.id = p.parent_id) "
    "ORDER BY p.tag_id LIMIT 1";
static const char SQL_PARENTS_SET[] = "UPDATE tags SET parent_id = p.parent_id "
                                      "FROM gz_load_parents p WHERE tags.id = p.tag_id";

/* Tags' parents, checked and set now that every tag is in. */
static int set_parents(struct pg_store *s, char *err, size_t errlen)
{
    char state[6];
    PGresult *r = gz_pg_exec(s, SQL_PARENTS_MISSING, NULL, "checking references", state);
    if (!r)
        return gz_pg_error(state);
    int rc = GZ_OK;
    if (PQntuples(r) > 0) {
        snprintf(err, errlen,
                 "a row of tags (id %lld) refers to a missing row of tags (id %lld)",
                 (long long)gz_pg_i64(r, 0, 0), (long long)gz_pg_i64(r, 0, 1));
        rc = GZ_EINVAL;
    }
    PQclear(r);
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_PARENTS_SET, NULL, "setting tags' parents");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_PARENTS_EMPTY, NULL, "setting tags' parents");
    return rc;
}

/* Every identity goes past the highest id of its table (and the articles'
 * past the loaded high-water mark), never back: an insert after the load
 * must not take a loaded id. setval(seq, 1, false) leaves a sequence that
 * was never used as it was. */
static const char SQL_IDENTITIES_RESET[] =
    "SELECT count(setval(q.seq, greatest(q.hi, 1), q.hi > 0)) FROM ("
    "SELECT i.seq, greatest(coalesce(t.max_id, 0), "
    "coalesce(pg_sequence_last_value(i.seq), 0), coalesce("
    "(SELECT max(l.seq) FROM gz_load_sequences l WHERE l.name = t.name), 0)) AS hi "
    "FROM (VALUES "
    "('articles', (SELECT max(id) FROM articles)), "
    "('authors', (SELECT max(id) FROM authors)), "
    "('tags', (SELECT max(id) FROM tags)), "
    "('tag_aliases', (SELECT max(id) FROM tag_aliases)), "
    "('media', (SELECT max(id) FROM media)), "
    "('revisions', (SELECT max(id) FROM revisions)), "
    "('api_tokens', (SELECT max(id) FROM api_tokens))"
    ") AS t(name, max_id) CROSS JOIN LATERAL "
    "(SELECT pg_get_serial_sequence(t.name, 'id')::regclass AS seq) AS i) AS q";

int gz_pg_load_finish(struct gz_store *gs, char *err, size_t errlen)
{
    struct pg_store *s = pg_from(gs);
    int64_t n = 0;
    if (errlen)
        err[0] = '\0';
    int rc = set_parents(s, err, errlen);
    if (rc == GZ_OK && (rc = gz_pg_search_index_missing(s)) != GZ_OK)
        snprintf(err, errlen, "rebuilding the search index failed");
    if (rc == GZ_OK && (rc = gz_pg_run_i64(s, SQL_IDENTITIES_RESET, NULL,
                                           "moving the ids on", &n)) != GZ_OK)
        snprintf(err, errlen, "moving the ids past the loaded ones failed");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_SEQUENCES_EMPTY, NULL, "finishing a load");
    if (rc != GZ_OK) {
        if (!err[0])
            snprintf(err, errlen, "finishing the load failed (see the log)");
        gz_pg_tx_rollback(s);
        return rc;
    }
    if ((rc = gz_pg_tx_commit(s)) != GZ_OK)
        snprintf(err, errlen, "commit failed (see the log)");
    return rc;
}

/* ---- backup ---- */

/* PostgreSQL has its own tools for consistent copies of a running
 * database; gazette does not reimplement them. */
int gz_pg_backup(struct gz_store *gs, const char *path, char *err, size_t errlen)
{
    (void)gs;
    (void)path;
    snprintf(err, errlen, "on PostgreSQL, back up with pg_dump (see docs/postgresql.md)");
    return GZ_EINVAL;
}
