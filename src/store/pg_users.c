/* The PostgreSQL backend of the store: users (author rows that log in),
 * sessions, API tokens and login throttling; the twin of sqlite_users.c.
 * Session and token hashes are bytea, sent as binary parameters. */
#include "store/pgInt.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define USER_COLUMNS                                                                     \
    "SELECT id, name, display_name, email, role, pass_hash, disabled, created_at "       \
    "FROM authors "

static const char SQL_USER_GET[] = USER_COLUMNS "WHERE id = $1";
static const char SQL_USER_BY_NAME[] = USER_COLUMNS "WHERE name = $1";
static const char SQL_USER_LIST[] = USER_COLUMNS "ORDER BY name";
static const char SQL_USER_INSERT[] =
    "INSERT INTO authors (name, display_name, email, role, pass_hash, disabled, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
/* pass_hash NULL keeps the stored one. */
static const char SQL_USER_UPDATE[] =
    "UPDATE authors SET name = $2, display_name = $3, email = $4, role = $5, "
    "pass_hash = coalesce($6::text, pass_hash), disabled = $7 WHERE id = $1 RETURNING id";
static const char SQL_USER_COUNT_ADMINS[] =
    "SELECT count(*) FROM authors WHERE role = 'admin' AND disabled = 0 AND "
    "pass_hash <> ''";

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char SQL_SESSION_GET[] =
    "SELECT user_id, csrf, created_at, expires_at FROM sessions "
    "WHERE token_hash = $1 AND expires_at > $2";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = $1";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_SESSION_PURGE[] = "DELETE FROM sessions WHERE expires_at <= $1";

static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
    "VALUES ($1, $2, $3, $4) RETURNING id";
static const char SQL_TOKEN_GET[] =
    "SELECT id, user_id, name, created_at, last_used FROM api_tokens "
    "WHERE token_hash = $1";
static const char SQL_TOKEN_USED[] = "UPDATE api_tokens SET last_used = $2 WHERE id = $1";
/* $1 is cast: "$1 = 0" alone would make it an integer. */
static const char SQL_TOKEN_LIST[] =
    "SELECT id, user_id, name, created_at, last_used FROM api_tokens "
    "WHERE $1::bigint = 0 OR user_id = $1::bigint ORDER BY id";
static const char SQL_TOKEN_DELETE[] =
    "DELETE FROM api_tokens WHERE id = $1 AND ($2::bigint = 0 OR user_id = $2::bigint) "
    "RETURNING id";

static const char SQL_THROTTLE_GET[] =
    "SELECT failures, until FROM login_throttle WHERE key = $1";
static const char SQL_THROTTLE_SET[] =
    "INSERT INTO login_throttle (key, failures, until) VALUES ($1, $2, $3) "
    "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
    "until = excluded.until";
static const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE key = $1";

/* Runs a statement of one key; GZ_OK or the error. */
static int run_i64(struct pg_store *s, const char *sql, int64_t v, const char *what)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, v);
    return gz_pg_run(s, sql, &p, what);
}

static int run_hash(struct pg_store *s, const char *sql, const uint8_t hash[32],
                    const char *what)
{
    struct gz_pg_params p = {0};
    gz_pg_p_bytea(&p, hash, 32);
    return gz_pg_run(s, sql, &p, what);
}

/* ---- users ---- */

static void fill_user(const PGresult *r, int row, struct gz_user *u)
{
    u->id = gz_pg_i64(r, row, 0);
    u->name = gz_pg_dup(r, row, 1);
    u->display_name = gz_pg_dup(r, row, 2);
    u->email = gz_pg_dup(r, row, 3);
    const char *role = PQgetisnull(r, row, 4) ? NULL : PQgetvalue(r, row, 4);
    if (gz_role_parse(role, &u->role))
        u->role = GZ_ROLE_CONTRIBUTOR; /* an unknown role may do least */
    u->pass_hash = gz_pg_dup(r, row, 5);
    u->disabled = (int)gz_pg_i64(r, row, 6);
    u->created_at = gz_pg_i64(r, row, 7);
}

/* Runs a one-row user query into out. */
static int read_user(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                     struct gz_user *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    int rc = gz_pg_query_row(s, sql, p, "reading a user", &r);
    if (rc != GZ_OK)
        return rc;
    fill_user(r, 0, out);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_user_get(struct gz_store *gs, int64_t id, struct gz_user *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    return read_user(pg_from(gs), SQL_USER_GET, &p, out);
}

int gz_pg_user_get_by_name(struct gz_store *gs, const char *name, struct gz_user *out)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, name);
    return read_user(pg_from(gs), SQL_USER_BY_NAME, &p, out);
}

int gz_pg_user_list(struct gz_store *gs, struct gz_user_list *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    int rc = gz_pg_query(pg_from(gs), SQL_USER_LIST, NULL, "listing users", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_user(r, i, &out->items[out->len++]);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_user_count_admins(struct gz_store *gs, int64_t *out)
{
    int rc =
        gz_pg_run_i64(pg_from(gs), SQL_USER_COUNT_ADMINS, NULL, "counting admins", out);
    return rc == GZ_ENOTFOUND ? GZ_EIO : rc;
}

int gz_pg_user_save(struct gz_store *gs, struct gz_user *u)
{
    struct pg_store *s = pg_from(gs);
    if (!u || !u->name || !u->name[0] || u->id < 0)
        return GZ_EINVAL;
    int insert = u->id == 0;
    struct gz_pg_params p = {0};
    if (!insert)
        gz_pg_p_i64(&p, u->id);
    gz_pg_p_text(&p, u->name);
    gz_pg_p_text(&p, u->display_name);
    gz_pg_p_text(&p, u->email);
    gz_pg_p_text(&p, gz_role_name(u->role));
    if (insert || u->pass_hash)
        gz_pg_p_text(&p, u->pass_hash);
    else
        gz_pg_p_null(&p);
    gz_pg_p_i64(&p, u->disabled ? 1 : 0);
    if (insert)
        gz_pg_p_i64(&p, u->created_at);
    int64_t id = 0;
    int rc = gz_pg_run_i64(s, insert ? SQL_USER_INSERT : SQL_USER_UPDATE, &p,
                           "writing a user", &id);
    if (rc == GZ_OK && insert)
        u->id = id;
    return rc;
}

/* ---- sessions ---- */

int gz_pg_session_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                         const char *csrf, int64_t now, int64_t expires_at)
{
    struct gz_pg_params p = {0};
    gz_pg_p_bytea(&p, hash, 32);
    gz_pg_p_i64(&p, user_id);
    gz_pg_p_text(&p, csrf);
    gz_pg_p_i64(&p, now);
    gz_pg_p_i64(&p, expires_at);
    return gz_pg_run(pg_from(gs), SQL_SESSION_INSERT, &p, "creating a session");
}

int gz_pg_session_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                      struct gz_session *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_bytea(&p, hash, 32);
    gz_pg_p_i64(&p, now);
    PGresult *r;
    int rc = gz_pg_query_row(pg_from(gs), SQL_SESSION_GET, &p, "reading a session", &r);
    if (rc != GZ_OK)
        return rc;
    out->user_id = gz_pg_i64(r, 0, 0);
    out->csrf = gz_pg_dup(r, 0, 1);
    out->created_at = gz_pg_i64(r, 0, 2);
    out->expires_at = gz_pg_i64(r, 0, 3);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_session_delete(struct gz_store *gs, const uint8_t hash[32])
{
    return run_hash(pg_from(gs), SQL_SESSION_DELETE, hash, "deleting a session");
}

int gz_pg_session_delete_user(struct gz_store *gs, int64_t user_id)
{
    return run_i64(pg_from(gs), SQL_SESSION_DELETE_USER, user_id,
                   "deleting a user's sessions");
}

int gz_pg_session_purge(struct gz_store *gs, int64_t now)
{
    return run_i64(pg_from(gs), SQL_SESSION_PURGE, now, "purging sessions");
}

/* ---- API tokens ---- */

static void fill_token(const PGresult *r, int row, struct gz_api_token *t)
{
    t->id = gz_pg_i64(r, row, 0);
    t->user_id = gz_pg_i64(r, row, 1);
    t->name = gz_pg_dup(r, row, 2);
    t->created_at = gz_pg_i64(r, row, 3);
    t->last_used = gz_pg_i64(r, row, 4);
}

int gz_pg_token_create(struct gz_store *gs, const uint8_t hash[32], int64_t user_id,
                       const char *name, int64_t now, int64_t *id)
{
    struct gz_pg_params p = {0};
    gz_pg_p_bytea(&p, hash, 32);
    gz_pg_p_i64(&p, user_id);
    gz_pg_p_text(&p, name);
    gz_pg_p_i64(&p, now);
    int64_t new_id = 0;
    int rc =
        gz_pg_run_i64(pg_from(gs), SQL_TOKEN_INSERT, &p, "creating a token", &new_id);
    if (rc == GZ_ENOTFOUND)
        rc = GZ_EIO;
    if (rc == GZ_OK && id)
        *id = new_id;
    return rc;
}

int gz_pg_token_get(struct gz_store *gs, const uint8_t hash[32], int64_t now,
                    struct gz_api_token *out)
{
    struct pg_store *s = pg_from(gs);
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_bytea(&p, hash, 32);
    PGresult *r;
    int rc = gz_pg_query_row(s, SQL_TOKEN_GET, &p, "reading a token", &r);
    if (rc != GZ_OK)
        return rc;
    fill_token(r, 0, out);
    PQclear(r);
    /* last_used is for people ("used 3 days ago"): once a minute is enough,
     * and a failure to record it does not refuse the request. */
    if (now - out->last_used >= 60) {
        struct gz_pg_params up = {0};
        gz_pg_p_i64(&up, out->id);
        gz_pg_p_i64(&up, now);
        if (gz_pg_run(s, SQL_TOKEN_USED, &up, "recording a token's use") == GZ_OK)
            out->last_used = now;
    }
    return GZ_OK;
}

int gz_pg_token_list(struct gz_store *gs, int64_t user_id, struct gz_api_token_list *out)
{
    memset(out, 0, sizeof *out);
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, user_id);
    PGresult *r;
    int rc = gz_pg_query(pg_from(gs), SQL_TOKEN_LIST, &p, "listing tokens", &r);
    if (rc != GZ_OK)
        return rc;
    out->items = gz_pg_rows_alloc(r, sizeof *out->items);
    for (int i = 0; i < PQntuples(r); i++)
        fill_token(r, i, &out->items[out->len++]);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_token_delete(struct gz_store *gs, int64_t id, int64_t user_id)
{
    struct gz_pg_params p = {0};
    gz_pg_p_i64(&p, id);
    gz_pg_p_i64(&p, user_id);
    int64_t gone;
    return gz_pg_run_i64(pg_from(gs), SQL_TOKEN_DELETE, &p, "deleting a token", &gone);
}

/* ---- login throttling ---- */

int gz_pg_throttle_get(struct gz_store *gs, const char *key, int64_t *failures,
                       int64_t *until)
{
    char state[6];
    *failures = *until = 0;
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    PGresult *r =
        gz_pg_exec(pg_from(gs), SQL_THROTTLE_GET, &p, "reading a throttle", state);
    if (!r)
        return gz_pg_error(state);
    if (PQntuples(r) > 0) {
        *failures = gz_pg_i64(r, 0, 0);
        *until = gz_pg_i64(r, 0, 1);
    }
    PQclear(r);
    return GZ_OK;
}

int gz_pg_throttle_set(struct gz_store *gs, const char *key, int64_t failures,
                       int64_t until)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    gz_pg_p_i64(&p, failures);
    gz_pg_p_i64(&p, until);
    return gz_pg_run(pg_from(gs), SQL_THROTTLE_SET, &p, "writing a throttle");
}

int gz_pg_throttle_clear(struct gz_store *gs, const char *key)
{
    struct gz_pg_params p = {0};
    gz_pg_p_text(&p, key);
    return gz_pg_run(pg_from(gs), SQL_THROTTLE_CLEAR, &p, "clearing a throttle");
}
