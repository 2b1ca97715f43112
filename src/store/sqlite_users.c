/* The SQLite backend of the store: users (author rows that log in),
 * sessions, API tokens and login throttling. Each statement's SQL sits
 * next to the code that runs it and is prepared on first use
 * (gz_sqlite_stmt). */
#include "store/sqliteInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define USER_COLUMNS                                                                     \
    "SELECT id, name, display_name, email, role, pass_hash, disabled, created_at "       \
    "FROM authors "

static const char SQL_USER_GET[] = USER_COLUMNS "WHERE id = ?1";
static const char SQL_USER_BY_NAME[] = USER_COLUMNS "WHERE name = ?1";
static const char SQL_USER_LIST[] = USER_COLUMNS "ORDER BY name";
static const char SQL_USER_INSERT[] =
    "INSERT INTO authors (name, display_name, email, role, pass_hash, disabled, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/* pass_hash NULL keeps the stored one. */
static const char SQL_USER_UPDATE[] =
    "UPDATE authors SET name = ?2, display_name = ?3, email = ?4, role = ?5, "
    "pass_hash = coalesce(?6, pass_hash), disabled = ?7 WHERE id = ?1";
static const char SQL_USER_COUNT_ADMINS[] =
    "SELECT count(*) FROM authors WHERE role = 'admin' AND disabled = 0 AND "
    "pass_hash <> ''";

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_SESSION_GET[] =
    "SELECT user_id, csrf, created_at, expires_at FROM sessions "
    "WHERE token_hash = ?1 AND expires_at > ?2";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_SESSION_PURGE[] = "DELETE FROM sessions WHERE expires_at <= ?1";

static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char SQL_TOKEN_GET[] =
    "SELECT id, user_id, name, created_at, last_used FROM api_tokens "
    "WHERE token_hash = ?1";
static const char SQL_TOKEN_USED[] = "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, user_id, name, created_at, last_used FROM api_tokens "
    "WHERE ?1 = 0 OR user_id = ?1 ORDER BY id";
static const char SQL_TOKEN_DELETE[] =
    "DELETE FROM api_tokens WHERE id = ?1 AND (?2 = 0 OR user_id = ?2)";

static const char SQL_THROTTLE_GET[] =
    "SELECT failures, until FROM login_throttle WHERE key = ?1";
static const char SQL_THROTTLE_SET[] =
    "INSERT INTO login_throttle (key, failures, until) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
    "until = excluded.until";
static const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE key = ?1";

/* Prepares sql for this call; GZ_EIO when it does not prepare. */
#define STMT(var, sql)                                                                   \
    sqlite3_stmt *var = gz_sqlite_stmt(s, sql);                                          \
    if (!var)                                                                            \
        return GZ_EIO;

static void bind_hash(sqlite3_stmt *st, int i, const uint8_t hash[32], int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_blob(st, i, hash, 32, SQLITE_STATIC);
}

/* Runs a bound statement that returns no rows; GZ_ENOTFOUND when it
 * changed none and must_change is set. */
static int run(struct sqlite_store *s, sqlite3_stmt *st, int rc, const char *what,
               int must_change)
{
    if ((rc = gz_sqlite_bound(s, st, rc, what)))
        return rc;
    if ((rc = gz_sqlite_step_done(s, st, what)))
        return rc;
    return must_change && sqlite3_changes(s->db) == 0 ? GZ_ENOTFOUND : GZ_OK;
}

/* ---- users ---- */

static void fill_user(sqlite3_stmt *st, struct gz_user *u)
{
    u->id = sqlite3_column_int64(st, 0);
    u->name = gz_sqlite_column_dup(st, 1);
    u->display_name = gz_sqlite_column_dup(st, 2);
    u->email = gz_sqlite_column_dup(st, 3);
    const char *role = (const char *)sqlite3_column_text(st, 4);
    if (gz_role_parse(role, &u->role))
        u->role = GZ_ROLE_CONTRIBUTOR; /* an unknown role may do least */
    u->pass_hash = gz_sqlite_column_dup(st, 5);
    u->disabled = sqlite3_column_int(st, 6);
    u->created_at = sqlite3_column_int64(st, 7);
}

/* Steps a bound one-row user query into out. */
static int read_user(struct sqlite_store *s, sqlite3_stmt *st, int rc,
                     struct gz_user *out)
{
    memset(out, 0, sizeof *out);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a user")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_user(st, out);
        rc = GZ_OK;
    } else if (rc == SQLITE_DONE) {
        rc = GZ_ENOTFOUND;
    } else {
        rc = gz_sqlite_fail(s, "reading a user");
    }
    done(st);
    return rc;
}

int gz_sqlite_user_get(struct gz_store *gs, int64_t id, struct gz_user *out)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_USER_GET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    return read_user(s, st, rc, out);
}

int gz_sqlite_user_get_by_name(struct gz_store *gs, const char *name, struct gz_user *out)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_USER_BY_NAME);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, name, &rc);
    return read_user(s, st, rc, out);
}

int gz_sqlite_user_list(struct gz_store *gs, struct gz_user_list *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    STMT(st, SQL_USER_LIST);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        memset(&out->items[out->len], 0, sizeof *out->items);
        fill_user(st, &out->items[out->len++]);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing users");
    done(st);
    if (rc)
        gz_user_list_clear(out);
    return rc;
}

int gz_sqlite_user_count_admins(struct gz_store *gs, int64_t *out)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_USER_COUNT_ADMINS);
    return gz_sqlite_step_i64(s, st, "counting admins", out);
}

int gz_sqlite_user_save(struct gz_store *gs, struct gz_user *u)
{
    struct sqlite_store *s = from(gs);
    if (!u || !u->name || !u->name[0] || u->id < 0)
        return GZ_EINVAL;
    int insert = u->id == 0;
    STMT(st, insert ? SQL_USER_INSERT : SQL_USER_UPDATE);
    int rc = SQLITE_OK;
    int i = 1;
    if (!insert)
        gz_sqlite_bind_i64(st, i++, u->id, &rc);
    gz_sqlite_bind_text(st, i++, u->name, &rc);
    gz_sqlite_bind_text(st, i++, u->display_name, &rc);
    gz_sqlite_bind_text(st, i++, u->email, &rc);
    gz_sqlite_bind_text(st, i++, gz_role_name(u->role), &rc);
    if (insert || u->pass_hash)
        gz_sqlite_bind_text(st, i++, u->pass_hash, &rc);
    else if (rc == SQLITE_OK)
        rc = sqlite3_bind_null(st, i++);
    gz_sqlite_bind_i64(st, i++, u->disabled ? 1 : 0, &rc);
    if (insert)
        gz_sqlite_bind_i64(st, i++, u->created_at, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a user")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        if (insert)
            u->id = sqlite3_last_insert_rowid(s->db);
        rc = insert || sqlite3_changes(s->db) ? GZ_OK : GZ_ENOTFOUND;
    } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        rc = GZ_EEXIST;
    } else {
        rc = gz_sqlite_fail(s, "writing a user");
    }
    done(st);
    return rc;
}

/* ---- sessions ---- */

int gz_sqlite_session_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                             const char *csrf, int64_t now, int64_t expires_at)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_SESSION_INSERT);
    int rc = SQLITE_OK;
    bind_hash(st, 1, hash, &rc);
    gz_sqlite_bind_i64(st, 2, user_id, &rc);
    gz_sqlite_bind_text(st, 3, csrf, &rc);
    gz_sqlite_bind_i64(st, 4, now, &rc);
    gz_sqlite_bind_i64(st, 5, expires_at, &rc);
    return run(s, st, rc, "creating a session", 0);
}

int gz_sqlite_session_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                          struct gz_session *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    STMT(st, SQL_SESSION_GET);
    int rc = SQLITE_OK;
    bind_hash(st, 1, hash, &rc);
    gz_sqlite_bind_i64(st, 2, now, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a session")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->user_id = sqlite3_column_int64(st, 0);
        out->csrf = gz_sqlite_column_dup(st, 1);
        out->created_at = sqlite3_column_int64(st, 2);
        out->expires_at = sqlite3_column_int64(st, 3);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a session");
    }
    done(st);
    return rc;
}

int gz_sqlite_session_delete(struct gz_store *gs, const uint8_t hash[32])
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_SESSION_DELETE);
    int rc = SQLITE_OK;
    bind_hash(st, 1, hash, &rc);
    return run(s, st, rc, "deleting a session", 0);
}

int gz_sqlite_session_delete_user(struct gz_store *gs, int64_t user_id)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_SESSION_DELETE_USER);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, user_id, &rc);
    return run(s, st, rc, "deleting a user's sessions", 0);
}

int gz_sqlite_session_purge(struct gz_store *gs, int64_t now)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_SESSION_PURGE);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, now, &rc);
    return run(s, st, rc, "purging sessions", 0);
}

/* ---- API tokens ---- */

static void fill_token(sqlite3_stmt *st, struct gz_api_token *t)
{
    t->id = sqlite3_column_int64(st, 0);
    t->user_id = sqlite3_column_int64(st, 1);
    t->name = gz_sqlite_column_dup(st, 2);
    t->created_at = sqlite3_column_int64(st, 3);
    t->last_used = sqlite3_column_int64(st, 4);
}

int gz_sqlite_token_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                           const char *name, int64_t now, int64_t *id)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_TOKEN_INSERT);
    int rc = SQLITE_OK;
    bind_hash(st, 1, hash, &rc);
    gz_sqlite_bind_i64(st, 2, user_id, &rc);
    gz_sqlite_bind_text(st, 3, name, &rc);
    gz_sqlite_bind_i64(st, 4, now, &rc);
    rc = run(s, st, rc, "creating a token", 0);
    if (rc == GZ_OK && id)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int gz_sqlite_token_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                        struct gz_api_token *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    STMT(st, SQL_TOKEN_GET);
    int rc = SQLITE_OK;
    bind_hash(st, 1, hash, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a token")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        fill_token(st, out);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_ENOTFOUND : gz_sqlite_fail(s, "reading a token");
    }
    done(st);
    /* last_used is for people ("used 3 days ago"): once a minute is enough,
     * and a failure to record it does not refuse the request. */
    if (rc == GZ_OK && now - out->last_used >= 60) {
        STMT(up, SQL_TOKEN_USED);
        int brc = SQLITE_OK;
        gz_sqlite_bind_i64(up, 1, out->id, &brc);
        gz_sqlite_bind_i64(up, 2, now, &brc);
        if (run(s, up, brc, "recording a token's use", 0) == GZ_OK)
            out->last_used = now;
    }
    return rc;
}

int gz_sqlite_token_list(struct gz_store *gs, int64_t user_id,
                         struct gz_api_token_list *out)
{
    struct sqlite_store *s = from(gs);
    memset(out, 0, sizeof *out);
    STMT(st, SQL_TOKEN_LIST);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, user_id, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a user id")))
        return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = gz_xrealloc(out->items, cap * sizeof *out->items);
        }
        fill_token(st, &out->items[out->len++]);
    }
    rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "listing tokens");
    done(st);
    if (rc)
        gz_api_token_list_clear(out);
    return rc;
}

int gz_sqlite_token_delete(struct gz_store *gs, int64_t id, int64_t user_id)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_TOKEN_DELETE);
    int rc = SQLITE_OK;
    gz_sqlite_bind_i64(st, 1, id, &rc);
    gz_sqlite_bind_i64(st, 2, user_id, &rc);
    return run(s, st, rc, "deleting a token", 1);
}

/* ---- login throttling ---- */

int gz_sqlite_throttle_get(struct gz_store *gs, const char *key, int64_t *failures,
                           int64_t *until)
{
    struct sqlite_store *s = from(gs);
    *failures = *until = 0;
    STMT(st, SQL_THROTTLE_GET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, key, &rc);
    if ((rc = gz_sqlite_bound(s, st, rc, "binding a throttle key")))
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *failures = sqlite3_column_int64(st, 0);
        *until = sqlite3_column_int64(st, 1);
        rc = GZ_OK;
    } else {
        rc = rc == SQLITE_DONE ? GZ_OK : gz_sqlite_fail(s, "reading a throttle");
    }
    done(st);
    return rc;
}

int gz_sqlite_throttle_set(struct gz_store *gs, const char *key, int64_t failures,
                           int64_t until)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_THROTTLE_SET);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, key, &rc);
    gz_sqlite_bind_i64(st, 2, failures, &rc);
    gz_sqlite_bind_i64(st, 3, until, &rc);
    return run(s, st, rc, "writing a throttle", 0);
}

int gz_sqlite_throttle_clear(struct gz_store *gs, const char *key)
{
    struct sqlite_store *s = from(gs);
    STMT(st, SQL_THROTTLE_CLEAR);
    int rc = SQLITE_OK;
    gz_sqlite_bind_text(st, 1, key, &rc);
    return run(s, st, rc, "clearing a throttle", 0);
}
