/* The SQLite backend of the store: what imports need (migration 0005):
 * old addresses that redirect, the keys that make a second import update
 * instead of duplicating, tags made with a given slug, and tag parents. */
#include "store/sqliteInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_REDIRECT_SET[] =
    "INSERT INTO redirects (path, target, created_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (path) DO UPDATE SET target = excluded.target";
static const char SQL_REDIRECT_GET[] = "SELECT target FROM redirects WHERE path = ?1";
static const char SQL_REDIRECT_LIST[] =
    "SELECT path, target FROM redirects ORDER BY path LIMIT ?1 OFFSET ?2";
static const char SQL_REDIRECT_COUNT[] = "SELECT count(*) FROM redirects";
static const char SQL_REDIRECT_DELETE[] = "DELETE FROM redirects WHERE path = ?1";
static const char SQL_KEY_GET[] =
    "SELECT kind, local_id FROM import_keys WHERE source = ?1 AND key = ?2";
static const char SQL_KEY_SET[] =
    "INSERT INTO import_keys (source, key, kind, local_id) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (source, key) DO UPDATE SET kind = excluded.kind, "
    "local_id = excluded.local_id";
static const char SQL_TAG_PARENT[] = "UPDATE tags SET parent_id = ?2 WHERE id = ?1";
static const char SQL_TAG_BY_NAME[] = "SELECT id, slug FROM tags WHERE name = ?1";
static const char SQL_TAG_SLUG_OWNER[] = "SELECT id FROM tags WHERE slug = ?1";
static const char SQL_TAG_ADD[] = "INSERT INTO tags (name, slug) VALUES (?1, ?2)";

/* Prepares sql for this call; GZ_EIO when it does not prepare. */
#define STMT(var, sql)                                                                   \
    sqlite3_stmt *var = gz_sqlite_stmt(s, sql);                                          \
    if (!var)                                                                            \
        return GZ_EIO;

int gz_sqlite_redirect_set(struct gz_store *gs, const char *path, const char *target,
                           int64_t now)
{
    struct sqlite_store *s = from(gs);
    if (!path || !path[0] || !target || !target[0])
        return GZ_EINVAL;
    STMT(st, SQL_REDIRECT_SET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, path, &rc);
    gz_sqlite_bind_text(st, 2, target, &rc);
    gz_sqlite_bind_i64(st, 3, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a redirect")))
        return rc;
    return gz_sqlite_step_done(s, st, "writing a redirect");
}

int gz_sqlite_redirect_get(struct gz_store *gs, const char *path, char **target)
{
    struct sqlite_store *s = from(gs);
    *target = NULL;
    STMT(st, SQL_REDIRECT_GET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, path, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a redirect")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *target = gz_sqlite_column_dup(st, 0);
        rc = GZ_OK;
    } else if (rc == SQLITE_DONE) {
        rc = GZ_ENOTFOUND;
    } else {
        rc = gz_sqlite_fail(s, "reading a redirect");
    }
    done(st);
    return rc;
}

static int redirect_rows(struct sqlite_store *s, size_t offset, size_t limit,
                         struct gz_redirect_list *out)
{
    STMT(st, SQL_REDIRECT_LIST);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, &rc);
    gz_sqlite_bind_i64(st, 2, offset > INT64_MAX ? INT64_MAX : (int64_t)offset, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding the redirect list")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        out->items[out->len].path = gz_sqlite_column_dup(st, 0);
        out->items[out->len].target = gz_sqlite_column_dup(st, 1);
        out->len++;
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing redirects");
    done(st);
    return rc;
}

int gz_sqlite_redirect_list(struct gz_store *gs, size_t offset, size_t limit,
                            struct gz_redirect_list *out, int64_t *total)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    int started;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc)
        return rc;
    rc = redirect_rows(s, offset, limit, out);
    if (rc == GZ_OK && total) {
        sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_REDIRECT_COUNT);
        rc = st ? gz_sqlite_step_i64(s, st, "counting redirects", total) : GZ_EIO;
    }
    gz_sqlite_read_end(s, started);
    if (rc)
        gz_redirect_list_clear(out);
    return rc;
}

int gz_sqlite_redirect_delete(struct gz_store *gs, const char *path)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_REDIRECT_DELETE);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, path, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a redirect")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "deleting a redirect")))
        return rc;
    return sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
}

int gz_sqlite_import_key_get(struct gz_store *gs, const char *source, const char *key,
                             char **kind, int64_t *local_id)
{
    struct sqlite_store *s = from(gs);
    if (kind)
        *kind = NULL;
    STMT(st, SQL_KEY_GET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, source, &rc);
    gz_sqlite_bind_text(st, 2, key, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an import key")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (kind)
            *kind = gz_sqlite_column_dup(st, 0);
        *local_id = sqlite3_column_int64(st, 1);
        rc = GZ_OK;
    } else if (rc == SQLITE_DONE) {
        rc = GZ_ENOTFOUND;
    } else {
        rc = gz_sqlite_fail(s, "reading an import key");
    }
    done(st);
    return rc;
}

int gz_sqlite_import_key_set(struct gz_store *gs, const char *source, const char *key,
                             const char *kind, int64_t local_id)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_KEY_SET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, source, &rc);
    gz_sqlite_bind_text(st, 2, key, &rc);
    gz_sqlite_bind_text(st, 3, kind, &rc);
    gz_sqlite_bind_i64(st, 4, local_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding an import key")))
        return rc;
    return gz_sqlite_step_done(s, st, "writing an import key");
}

int gz_sqlite_tag_set_parent(struct gz_store *gs, int64_t tag_id, int64_t parent_id)
{
    struct sqlite_store *s = from(gs);
    if (tag_id == parent_id)
        return GZ_EINVAL;
    STMT(st, SQL_TAG_PARENT);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, tag_id, &rc);
    if (rc == SQLITE_OK)
        rc = parent_id ? sqlite3_bind_int64(st, 2, parent_id) : sqlite3_bind_null(st, 2);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag parent")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "setting a tag parent")))
        return rc;
    return sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
}

/* Looks up one id by one text parameter. */
static int id_by_text(struct sqlite_store *s, const char *sql, const char *v, int64_t *id)
{
    STMT(st, sql);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, v, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag")))
        return rc;
    return gz_sqlite_step_i64(s, st, "looking up a tag", id);
}

/* Tries slug, then slug-2, slug-3, ...: a bounded linear probe is enough
 * for the few clashes an import meets (a tag and a category share a slug). */
static int free_tag_slug(struct sqlite_store *s, const char *slug, char **out)
{
    size_t n = strlen(slug) + 24;
    char *cand = gz_xmalloc(n);
    snprintf(cand, n, "%s", slug);
    for (int i = 2; i < 10000; i++) {
        int64_t owner;
        int rc = id_by_text(s, SQL_TAG_SLUG_OWNER, cand, &owner);
        if (rc == GZ_ENOTFOUND) {
            *out = cand;
            return GZ_OK;
        }
        if (rc) {
            free(cand);
            return rc;
        }
        snprintf(cand, n, "%s-%d", slug, i);
    }
    free(cand);
    return GZ_EEXIST;
}

/* The tag named name: its id and slug. */
static int tag_by_name(struct sqlite_store *s, const char *name, int64_t *id, char **slug)
{
    STMT(st, SQL_TAG_BY_NAME);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, name, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *slug = gz_sqlite_column_dup(st, 1);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "looking up a tag");
    }
    done(st);
    return rc;
}

int gz_sqlite_tag_import(struct gz_store *gs, const char *name, const char *slug,
                         int64_t *id, char **final)
{
    struct sqlite_store *s = from(gs);
    if (final)
        *final = NULL;
    if (!name || !name[0] || !slug || !slug[0])
        return GZ_EINVAL;
    char *found = NULL;
    int rc = tag_by_name(s, name, id, &found);
    if (rc != GZ_ENOTFOUND) {
        if (final)
            *final = found;
        else
            free(found);
        return rc;
    }
    char *free_slug = NULL;
    if ((rc = free_tag_slug(s, slug, &free_slug)))
        return rc;
    sqlite3_stmt *st = gz_sqlite_stmt(s, SQL_TAG_ADD);
    rc = st ? SQLITE_OK : GZ_EIO;
    if (st) {
        gz_sqlite_bind_text(st, 1, name, &rc);
        gz_sqlite_bind_text(st, 2, free_slug, &rc);
        if ((rc = gz_sqlite_bound(s, st, rc, "binding a tag")) == GZ_OK)
            rc = gz_sqlite_step_done(s, st, "creating a tag");
        if (rc == GZ_OK)
            *id = sqlite3_last_insert_rowid(s->db);
    }
    if (rc == GZ_OK && final)
        *final = free_slug;
    else
        free(free_slug);
    return rc;
}
