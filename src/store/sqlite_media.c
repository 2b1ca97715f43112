/* The SQLite backend of the store: the media library (table media of
 * migration 0002). A file is known by its SHA-256, so the same bytes
 * uploaded twice are one row. */
#include "store/sqliteInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEDIA_COLUMNS                                                                    \
    "SELECT id, sha256, mime, ext, size, width, height, name, user_id, created_at "      \
    "FROM media "

static const char SQL_MEDIA_GET[] = MEDIA_COLUMNS "WHERE id = ?1";
static const char SQL_MEDIA_BY_HASH[] = MEDIA_COLUMNS "WHERE sha256 = ?1";
static const char SQL_MEDIA_LIST[] = MEDIA_COLUMNS "ORDER BY id DESC LIMIT ?1 OFFSET ?2";
static const char SQL_MEDIA_COUNT[] = "SELECT count(*) FROM media";
/* OR IGNORE: a file already stored is not an error to log; the caller
 * sees no change and reads the existing row. */
static const char SQL_MEDIA_INSERT[] =
    "INSERT OR IGNORE INTO media (sha256, mime, ext, size, width, height, name, user_id, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_MEDIA_DELETE[] = "DELETE FROM media WHERE id = ?1";

/* Prepares sql for this call; GZ_EIO when it does not prepare. */
#define STMT(var, sql)                                                                   \
    sqlite3_stmt *var = gz_sqlite_stmt(s, sql);                                          \
    if (!var)                                                                            \
        return GZ_EIO;

static void fill_media(sqlite3_stmt *st, struct gz_media *m)
{
    m->id = sqlite3_column_int64(st, 0);
    m->sha256 = gz_sqlite_column_dup(st, 1);
    m->mime = gz_sqlite_column_dup(st, 2);
    m->ext = gz_sqlite_column_dup(st, 3);
    m->size = sqlite3_column_int64(st, 4);
    m->width = sqlite3_column_int64(st, 5);
    m->height = sqlite3_column_int64(st, 6);
    m->name = gz_sqlite_column_dup(st, 7);
    m->user_id = sqlite3_column_int64(st, 8);
    m->created_at = sqlite3_column_int64(st, 9);
}

/* Steps a bound one-row media query into out (zeroed when not found). */
static int read_media(struct sqlite_store *s, sqlite3_stmt *st, int rc,
                      struct gz_media *out)
{
    memset(out, 0, sizeof *out);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a media query")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_media(st, out);
        rc = GZ_OK;
    } else if (rc == SQLITE_DONE) {
        rc = GZ_ENOTFOUND;
    } else {
        rc = gz_sqlite_fail(s, "reading media");
    }
    done(st);
    return rc;
}

int gz_sqlite_media_get(struct gz_store *gs, int64_t id, struct gz_media *out)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_MEDIA_GET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    return read_media(s, st, rc, out);
}

/* Replaces m (whose strings it owns) by the row holding m's sha256. */
static int read_existing(struct sqlite_store *s, struct gz_media *m)
{
    STMT(st, SQL_MEDIA_BY_HASH);
    struct gz_media found;
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, m->sha256, &rc);
    rc = read_media(s, st, rc, &found);
    if (rc) /* ignored, yet not there: another constraint refused it */
        return rc == GZ_ENOTFOUND ? GZ_ERR : rc;
    gz_media_clear(m);
    *m = found;
    return GZ_EEXIST;
}

int gz_sqlite_media_add(struct gz_store *gs, struct gz_media *m)
{
    struct sqlite_store *s = from(gs);
    if (!m || !m->sha256 || strlen(m->sha256) != 64 || !m->mime || !m->ext || m->size < 0)
        return GZ_EINVAL;
    if (!m->created_at)
        m->created_at = time(NULL);
    STMT(st, SQL_MEDIA_INSERT);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, m->sha256, &rc);
    gz_sqlite_bind_text(st, 2, m->mime, &rc);
    gz_sqlite_bind_text(st, 3, m->ext, &rc);
    gz_sqlite_bind_i64(st, 4, m->size, &rc);
    gz_sqlite_bind_i64(st, 5, m->width, &rc);
    gz_sqlite_bind_i64(st, 6, m->height, &rc);
    gz_sqlite_bind_text(st, 7, m->name, &rc);
    gz_sqlite_bind_i64(st, 8, m->user_id, &rc);
    gz_sqlite_bind_i64(st, 9, m->created_at, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding media")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "adding media")))
        return rc;
    if (sqlite3_changes(s->db) == 0)
        return read_existing(s, m);
    m->id = sqlite3_last_insert_rowid(s->db);
    return GZ_OK;
}

static int count_media(struct sqlite_store *s, int64_t *total)
{
    STMT(st, SQL_MEDIA_COUNT);
    return gz_sqlite_step_i64(s, st, "counting media", total);
}

static int list_media(struct sqlite_store *s, size_t offset, size_t limit,
                      struct gz_media_list *out)
{
    STMT(st, SQL_MEDIA_LIST);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, &rc);
    gz_sqlite_bind_i64(st, 2, offset > INT64_MAX ? INT64_MAX : (int64_t)offset, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a media list")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        fill_media(st, &out->items[out->len++]);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing media");
    done(st);
    return rc;
}

int gz_sqlite_media_list(struct gz_store *gs, size_t offset, size_t limit,
                         struct gz_media_list *out, int64_t *total)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    /* One snapshot, so the total matches the page. */
    int started = 0;
    int rc = gz_sqlite_read_begin(s, &started);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = count_media(s, &n);
    if (rc == GZ_OK && limit > 0)
        rc = list_media(s, offset, limit, out);
    gz_sqlite_read_end(s, started);
    if (rc) {
        gz_media_list_clear(out);
        return rc;
    }
    if (total)
        *total = n;
    return GZ_OK;
}

int gz_sqlite_media_delete(struct gz_store *gs, int64_t id)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_MEDIA_DELETE);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a media delete")))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, "deleting media")))
        return rc;
    return sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
}
