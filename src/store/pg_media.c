/* The PostgreSQL backend of the store: the media library (table media of
 * migration 0002); the twin of sqlite_media.c. A file is known by its
 * SHA-256, so the same bytes uploaded twice are one row. */
#include "store/pgInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEDIA_COLUMNS                                                                    \
    "SELECT id, sha256, mime, ext, size, width, height, name, user_id, created_at "      \
    "FROM media "

static const char SQL_MEDIA_GET[] = MEDIA_COLUMNS "WHERE id = $1";
static const char SQL_MEDIA_BY_HASH[] = MEDIA_COLUMNS "WHERE sha256 = $1";
static const char SQL_MEDIA_LIST[] = MEDIA_COLUMNS "ORDER BY id DESC LIMIT $1 OFFSET $2";
static const char SQL_MEDIA_COUNT[] = "SELECT count(*) FROM media";
/* DO NOTHING: a file already stored is not an error to log (and does not
 * abort an open transaction); the caller sees no row and reads the
 * existing one. */
static const char SQL_MEDIA_INSERT[] =
    "INSERT INTO media (sha256, mime, ext, size, width, height, name, user_id, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_MEDIA_DELETE[] = "DELETE FROM media WHERE id = $1 RETURNING id";

static void fill_media(const PGresult *r, int i, struct gz_media *m)
{
    m->id = gz_pg_i64(r, i, 0);
    m->sha256 = gz_pg_dup(r, i, 1);
    m->mime = gz_pg_dup(r, i, 2);
    m->ext = gz_pg_dup(r, i, 3);
    m->size = gz_pg_i64(r, i, 4);
    m->width = gz_pg_i64(r, i, 5);
    m->height = gz_pg_i64(r, i, 6);
    m->name = gz_pg_dup(r, i, 7);
    m->user_id = gz_pg_i64(r, i, 8);
    m->created_at = gz_pg_i64(r, i, 9);
}

/* Runs a one-row media query into out (zeroed when not found). */
static int read_media(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                      struct gz_media *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    int rc = gz_pg_query_row(s, sql, p, "reading media", &r);
    if (rc != GZ_OK)
        return rc;
    fill_media(r, 0, out);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_media_get(struct gz_store *gs, int64_t id, struct gz_media *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    return read_media(pg_from(gs), SQL_MEDIA_GET, &p, out);
}

/* Replaces m (whose strings it owns) by the row holding m's sha256. */
static int read_existing(struct pg_store *s, struct gz_media *m)
{
    struct gz_pg_params p = {0};
    struct gz_media found;
    gz_pg_p_text(&p, m->sha256);
    int rc = read_media(s, SQL_MEDIA_BY_HASH, &p, &found);
    if (rc) /* ignored, yet not there: another constraint refused it */
        return rc == GZ_ENOTFOUND ? GZ_ERR : rc;
    gz_media_clear(m);
    *m = found;
    return GZ_EEXIST;
}

int gz_pg_media_add(struct gz_store *gs, struct gz_media *m)
{
    struct pg_store *s = pg_from(gs);
    if (!m || !m->sha256 || strlen(m->sha256) != 64 || !m->mime || !m->ext || m->size < 0)
        return GZ_EINVAL;
    if (!m->created_at)
        m->created_at = time(NULL);
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, m->sha256);
    gz_pg_p_text(&p, m->mime);
    gz_pg_p_text(&p, m->ext);
    gz_pg_p_i64(&p, m->size);
    gz_pg_p_i64(&p, m->width);
    gz_pg_p_i64(&p, m->height);
    gz_pg_p_text(&p, m->name);
    gz_pg_p_i64(&p, m->user_id);
    gz_pg_p_i64(&p, m->created_at);
    int64_t id = 0;
    int rc = gz_pg_run_i64(s, SQL_MEDIA_INSERT, &p, "adding media", &id);
    if (rc == GZ_ENOTFOUND)
        return read_existing(s, m);
    if (rc == GZ_OK)
        m->id = id;
    return rc;
}

static int list_media(struct pg_store *s, size_t offset, size_t limit,
                      struct gz_media_list *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    gz_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    PGresult *r;
    int rc = gz_pg_query(s, SQL_MEDIA_LIST, &p, "listing media", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_media(r, i, &out->items[out->len++]);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_media_list(struct gz_store *gs, size_t offset, size_t limit,
                     struct gz_media_list *out, int64_t *total)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    /* One snapshot, so the total matches the page. */
    int started = 0;
    int rc = gz_pg_read_begin(s, &started);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = gz_pg_run_i64(s, SQL_MEDIA_COUNT, NULL, "counting media", &n);
    if (rc == GZ_ENOTFOUND)
        rc = GZ_EIO;
    if (rc == GZ_OK && limit > 0)
        rc = list_media(s, offset, limit, out);
    gz_pg_read_end(s, started);
    if (rc) {
        gz_media_list_clear(out);
        return rc;
    }
    if (total)
        *total = n;
    return GZ_OK;
}

int gz_pg_media_delete(struct gz_store *gs, int64_t id)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    int64_t gone;
    return gz_pg_run_i64(pg_from(gs), SQL_MEDIA_DELETE, &p, "deleting media", &gone);
}
