/* The PostgreSQL backend of the store: what imports need (migration 0005),
 * as sqlite_import.c: old addresses that redirect, the keys that make a
 * second import update instead of duplicating, tags made with a given slug,
 * and tag parents.
 *
 * Imports call these inside one long transaction: nothing here may fail a
 * statement on purpose (a failed statement aborts the whole transaction),
 * so a tag is created with INSERT ... ON CONFLICT DO NOTHING. */
#include "store/pgInt.h"
#include "store/storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_REDIRECT_SET[] =
    "INSERT INTO redirects (path, target, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (path) DO UPDATE SET target = excluded.target";
static const char SQL_REDIRECT_GET[] = "SELECT target FROM redirects WHERE path = $1";
static const char SQL_REDIRECT_LIST[] =
    "SELECT path, target FROM redirects ORDER BY path LIMIT $1 OFFSET $2";
static const char SQL_REDIRECT_COUNT[] = "SELECT count(*) FROM redirects";
static const char SQL_REDIRECT_DELETE[] =
    "DELETE FROM redirects WHERE path = $1 RETURNING 1";
static const char SQL_KEY_GET[] =
    "SELECT kind, local_id FROM import_keys WHERE source = $1 AND key = $2";
static const char SQL_KEY_SET[] =
    "INSERT INTO import_keys (source, key, kind, local_id) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (source, key) DO UPDATE SET kind = excluded.kind, "
    "local_id = excluded.local_id";
/* Parent 0 is none (NULL). */
static const char SQL_TAG_PARENT[] =
    "UPDATE tags SET parent_id = nullif($2::bigint, 0) WHERE id = $1 RETURNING id";
static const char SQL_TAG_BY_NAME[] = "SELECT id, slug FROM tags WHERE name = $1";
static const char SQL_TAG_SLUG_OWNER[] = "SELECT id FROM tags WHERE slug = $1";
/* No row back when the name or the slug is taken (by a concurrent import):
 * the caller looks again instead of aborting its transaction. */
static const char SQL_TAG_ADD[] = "INSERT INTO tags (name, slug) VALUES ($1, $2) "
                                  "ON CONFLICT DO NOTHING RETURNING id";

int gz_pg_redirect_set(struct gz_store *gs, const char *path, const char *target,
                       int64_t now)
{
    if (!path || !path[0] || !target || !target[0])
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, path);
    gz_pg_p_text(&p, target);
    gz_pg_p_i64(&p, now);
    return gz_pg_run(pg_from(gs), SQL_REDIRECT_SET, &p, "writing a redirect");
}

int gz_pg_redirect_get(struct gz_store *gs, const char *path, char **target)
{
    *target = NULL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, path);
    return gz_pg_run_text(pg_from(gs), SQL_REDIRECT_GET, &p, "reading a redirect",
                          target);
}

static int redirect_rows(struct pg_store *s, size_t offset, size_t limit,
                         struct gz_redirect_list *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, gz_store_clamp_size(limit));
    gz_pg_p_i64(&p, gz_store_clamp_size(offset));
    PGresult *r;
    int rc = gz_pg_query(s, SQL_REDIRECT_LIST, &p, "listing redirects", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++) {
        out->items[out->len].path = gz_pg_dup(r, i, 0);
        out->items[out->len].target = gz_pg_dup(r, i, 1);
        out->len++;
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_redirect_list(struct gz_store *gs, size_t offset, size_t limit,
                        struct gz_redirect_list *out, int64_t *total)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    int started;
    int rc = gz_pg_read_begin(s, &started);
    if (rc)
        return rc;
    rc = redirect_rows(s, offset, limit, out);
    if (rc == GZ_OK && total) {
        rc = gz_pg_run_i64(s, SQL_REDIRECT_COUNT, NULL, "counting redirects", total);
        if (rc == GZ_ENOTFOUND)
            rc = GZ_EIO;
    }
    gz_pg_read_end(s, started);
    if (rc)
        gz_redirect_list_clear(out);
    return rc;
}

int gz_pg_redirect_delete(struct gz_store *gs, const char *path)
{
    struct gz_pg_params p = {0};
    int64_t one;
    gz_pg_p_text(&p, path);
    return gz_pg_run_i64(pg_from(gs), SQL_REDIRECT_DELETE, &p, "deleting a redirect",
                         &one);
}

int gz_pg_import_key_get(struct gz_store *gs, const char *source, const char *key,
                         char **kind, int64_t *local_id)
{
    if (kind)
        *kind = NULL;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, source);
    gz_pg_p_text(&p, key);
    PGresult *r;
    int rc = gz_pg_query_row(pg_from(gs), SQL_KEY_GET, &p, "reading an import key", &r);
    if (rc != GZ_OK)
        return rc;
    if (kind)
        *kind = gz_pg_dup(r, 0, 0);
    *local_id = gz_pg_i64(r, 0, 1);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_import_key_set(struct gz_store *gs, const char *source, const char *key,
                         const char *kind, int64_t local_id)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, source);
    gz_pg_p_text(&p, key);
    gz_pg_p_text(&p, kind);
    gz_pg_p_i64(&p, local_id);
    return gz_pg_run(pg_from(gs), SQL_KEY_SET, &p, "writing an import key");
}

int gz_pg_tag_set_parent(struct gz_store *gs, int64_t tag_id, int64_t parent_id)
{
    if (tag_id == parent_id)
        return GZ_EINVAL;
    struct gz_pg_params p = {0};
    int64_t id;
    gz_pg_p_i64(&p, tag_id);
    gz_pg_p_i64(&p, parent_id);
    return gz_pg_run_i64(pg_from(gs), SQL_TAG_PARENT, &p, "setting a tag parent", &id);
}

/* The tag named name: its id and slug (heap); GZ_ENOTFOUND when none. */
static int tag_by_name(struct pg_store *s, const char *name, int64_t *id, char **slug)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, name);
    PGresult *r;
    int rc = gz_pg_query_row(s, SQL_TAG_BY_NAME, &p, "looking up a tag", &r);
    if (rc != GZ_OK)
        return rc;
    *id = gz_pg_i64(r, 0, 0);
    *slug = gz_pg_dup(r, 0, 1);
    PQclear(r);
    return GZ_OK;
}

/* Creates the tag name with slug cand unless cand is taken: GZ_OK with *id
 * and *final (heap); GZ_EEXIST when cand is taken. An insert that meets a
 * tag of the same name made meanwhile (another server's import) takes that
 * tag as it is. No statement fails on purpose. */
static int try_tag(struct pg_store *s, const char *name, const char *cand, int64_t *id,
                   char **final)
{
    struct gz_pg_params p = {0};
    int64_t owner;
    gz_pg_p_text(&p, cand);
    int rc = gz_pg_run_i64(s, SQL_TAG_SLUG_OWNER, &p, "looking up a tag", &owner);
    if (rc != GZ_ENOTFOUND)
        return rc == GZ_OK ? GZ_EEXIST : rc;
    p = (struct gz_pg_params){0};
    gz_pg_p_text(&p, name);
    gz_pg_p_text(&p, cand);
    rc = gz_pg_run_i64(s, SQL_TAG_ADD, &p, "creating a tag", id);
    if (rc == GZ_OK) {
        *final = gz_xstrdup(cand);
        return GZ_OK;
    }
    if (rc != GZ_ENOTFOUND)
        return rc;
    rc = tag_by_name(s, name, id, final);
    return rc == GZ_ENOTFOUND ? GZ_EEXIST : rc; /* the slug went meanwhile */
}

/* Tries slug, then slug-2, slug-3, ...: a bounded linear probe is enough
 * for the few clashes an import meets (a tag and a category share a slug). */
static int create_tag(struct pg_store *s, const char *name, const char *slug, int64_t *id,
                      char **final)
{
    size_t n = strlen(slug) + 24;
    char *cand = gz_xmalloc(n);
    int rc = GZ_EEXIST;
    snprintf(cand, n, "%s", slug);
    for (int i = 2; i < 10000 && rc == GZ_EEXIST; i++) {
        rc = try_tag(s, name, cand, id, final);
        snprintf(cand, n, "%s-%d", slug, i);
    }
    free(cand);
    return rc;
}

int gz_pg_tag_import(struct gz_store *gs, const char *name, const char *slug, int64_t *id,
                     char **final)
{
    struct pg_store *s = pg_from(gs);
    if (final)
        *final = NULL;
    if (!name || !name[0] || !slug || !slug[0])
        return GZ_EINVAL;
    char *found = NULL;
    int rc = tag_by_name(s, name, id, &found);
    if (rc == GZ_ENOTFOUND)
        rc = create_tag(s, name, slug, id, &found);
    if (rc == GZ_OK && final)
        *final = found;
    else
        free(found);
    return rc;
}
