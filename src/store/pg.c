/* The PostgreSQL backend of the store (libpq).
 *
 * One struct pg_store per handle, one connection each: a gazette server's
 * handles (one per event loop, the flusher's, the listener's) are its small
 * pool. Statements are prepared on a connection at their first use and
 * kept; user data reaches SQL only as parameters of prepared statements.
 *
 * A lost connection (the database restarted, a failover) is not fatal: the
 * statement that met it fails, and the next use of the handle reconnects,
 * at most once per back-off step (50 ms doubling to 5 s), so a database
 * that is away costs nothing but failed calls. Prepared statements are
 * prepared again on the new connection. Inside a transaction nothing is
 * retried: the caller sees the failure and rolls back.
 *
 * The schema version is the row of gazette_schema; migrations
 * (migrations_pg/, the same numbers as SQLite's) are applied under an
 * advisory lock, so servers starting together apply each once.
 *
 * Several sites may share one database in separate schemas: everything is
 * read and written through the connection's search_path (put
 * options=-csearch_path=NAME into the connection string). */
#include "store/store.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/pgInt.h"
#include "store/storeInt.h"

/* Any number: the advisory lock that serializes migrations. */
#define MIGRATION_LOCK 7236478001LL
#define BACKOFF_MIN_MS 50
#define BACKOFF_MAX_MS 5000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- parameters ---- */

static int param_slot(struct gz_pg_params *p)
{
    if (p->n >= GZ_PG_MAX_PARAMS) {
        gz_error("store: more than %d parameters in a statement", GZ_PG_MAX_PARAMS);
        abort(); /* a programming error, found by any test of the call */
    }
    return p->n++;
}

void gz_pg_p_i64(struct gz_pg_params *p, int64_t v)
{
    int i = param_slot(p);
    snprintf(p->nums[i], sizeof p->nums[i], "%lld", (long long)v);
    p->values[i] = p->nums[i];
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

void gz_pg_p_text(struct gz_pg_params *p, const char *v)
{
    int i = param_slot(p);
    p->values[i] = v ? v : "";
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

/* A text that is not NUL-terminated is sent as binary "text": PostgreSQL
 * reads a binary text parameter as its bytes. */
void gz_pg_p_textn(struct gz_pg_params *p, const char *v, size_t len)
{
    int i = param_slot(p);
    p->values[i] = v ? v : "";
    p->lengths[i] = v ? (int)len : 0;
    p->formats[i] = 1;
}

void gz_pg_p_null(struct gz_pg_params *p)
{
    int i = param_slot(p);
    p->values[i] = NULL;
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

void gz_pg_p_bytea(struct gz_pg_params *p, const void *v, size_t len)
{
    int i = param_slot(p);
    p->values[i] = v ? v : "";
    p->lengths[i] = (int)len;
    p->formats[i] = 1;
}

/* ---- results ---- */

int64_t gz_pg_i64(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

char *gz_pg_dup(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return gz_xstrdup("");
    return gz_xstrdup(PQgetvalue(r, row, col));
}

uint8_t *gz_pg_bytea(const PGresult *r, int row, int col, size_t *len)
{
    *len = 0;
    if (PQgetisnull(r, row, col))
        return gz_xcalloc(1, 1);
    size_t n = 0;
    unsigned char *raw =
        PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
    if (!raw)
        return NULL;
    uint8_t *out = gz_xmalloc(n ? n : 1);
    memcpy(out, raw, n);
    PQfreemem(raw);
    *len = n;
    return out;
}

int gz_pg_error(const char state[6])
{
    return state && strcmp(state, "23505") == 0 ? GZ_EEXIST : GZ_EIO;
}

/* ---- the connection ---- */

static void forget_statements(struct pg_store *s)
{
    memset(s->slot, 0, sizeof s->slot);
    s->nprepared = 0;
}

/* Every connection speaks UTC-free integers and UTF-8; a statement that
 * runs away is stopped rather than holding a loop. */
static int configure(PGconn *c, char *err, size_t errlen)
{
    if (PQsetClientEncoding(c, "UTF8") != 0) {
        snprintf(err, errlen, "setting the client encoding: %s", PQerrorMessage(c));
        return GZ_EIO;
    }
    PGresult *r =
        PQexec(c, "SET statement_timeout = '30s'; SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        snprintf(err, errlen, "configuring the session: %s", PQerrorMessage(c));
        return GZ_EIO;
    }
    return GZ_OK;
}

/* What the server says outside a statement (a warning, the FATAL of its
 * shutdown) goes to gazette's log, not to stderr by itself. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    gz_info("store: PostgreSQL: %.*s", (int)strcspn(message, "\n"), message);
}

static int connect_now(struct pg_store *s, char *err, size_t errlen)
{
    if (s->conn)
        PQfinish(s->conn);
    forget_statements(s);
    s->listening = 0;
    /* Defaults that keep a loop from waiting for ever on a database that
     * went silent (a network cut rather than a refused connection): they
     * come before the operator's string, whose own values win. */
    static const char *const keys[] = {"connect_timeout",
                                       "keepalives_idle",
                                       "keepalives_interval",
                                       "keepalives_count",
                                       "tcp_user_timeout",
                                       "dbname",
                                       NULL};
    const char *values[] = {"5", "10", "5", "3", "10000", s->conninfo, NULL};
    s->conn = PQconnectdbParams(keys, values, 1);
    if (s->conn)
        PQsetNoticeProcessor(s->conn, on_notice, NULL);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        snprintf(err, errlen, "connecting to PostgreSQL: %s", PQerrorMessage(s->conn));
        /* One line: libpq's messages end with a newline. */
        err[strcspn(err, "\n")] = '\0';
        return GZ_EIO;
    }
    return configure(s->conn, err, errlen);
}

/* Between statements nothing should arrive on an idle connection but a
 * notification or the server's goodbye (a restart, a failover, an
 * administrator's pg_terminate_backend): a poll that costs one system call
 * finds out before a statement is lost on a dead connection. */
static void check_idle(struct pg_store *s)
{
    struct pollfd pfd = {.fd = PQsocket(s->conn), .events = POLLIN};
    if (pfd.fd < 0 || poll(&pfd, 1, 0) <= 0)
        return;
    /* Its FATAL message may come before the end of the stream that makes
     * libpq call the connection bad: anything at all on a connection that
     * does not listen is the server leaving. Read it (it is logged by
     * on_notice) and start again. */
    PQconsumeInput(s->conn);
    PQfinish(s->conn);
    s->conn = NULL;
    s->retry_at_ms = 0; /* the first try is at once */
}

/* Outside a transaction, a broken connection is made again (with
 * back-off); 0 when the connection is usable. */
static int ensure_connected(struct pg_store *s)
{
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK && s->depth == 0 && !s->listening)
        check_idle(s);
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
        return 0;
    if (s->depth > 0)
        return -1;
    int64_t t = now_ms();
    if (t < s->retry_at_ms)
        return -1;
    char err[512];
    if (connect_now(s, err, sizeof err) == GZ_OK) {
        if (s->backoff_ms)
            gz_info("store: reconnected to PostgreSQL");
        s->backoff_ms = 0;
        s->retry_at_ms = 0;
        return 0;
    }
    if (!s->backoff_ms)
        gz_warn("store: %s; retrying with back-off", err);
    s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : BACKOFF_MIN_MS;
    if (s->backoff_ms > BACKOFF_MAX_MS)
        s->backoff_ms = BACKOFF_MAX_MS;
    s->retry_at_ms = t + s->backoff_ms;
    return -1;
}

/* The slot of sql on this connection, prepared when it is new; -1 on
 * failure (logged, *state set). */
static int prepared(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                    const char *what, char state[6])
{
    size_t mask = GZ_PG_SLOTS - 1;
    size_t i = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15ull >> 40 & mask;
    for (size_t n = 0; n < GZ_PG_SLOTS; n++, i = (i + 1) & mask) {
        if (s->slot[i].sql == sql)
            return (int)i;
        if (s->slot[i].sql)
            continue;
        char name[16];
        int id = s->nprepared + 1;
        snprintf(name, sizeof name, "g%d", id);
        PGresult *r = PQprepare(s->conn, name, sql, p ? p->n : 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            snprintf(state, 6, "%s", st ? st : "");
            gz_error("store: preparing %s: %s", what, PQresultErrorMessage(r));
            PQclear(r);
            return -1;
        }
        PQclear(r);
        s->nprepared = id;
        s->slot[i].sql = sql;
        s->slot[i].id = id;
        return (int)i;
    }
    gz_error("store: more than %d prepared statements", GZ_PG_SLOTS);
    return -1;
}

PGresult *gz_pg_exec(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                     const char *what, char state[6])
{
    char scratch[6];
    if (!state)
        state = scratch;
    state[0] = '\0';
    if (ensure_connected(s) != 0) {
        if (s->depth > 0)
            s->failed_tx = 1;
        return NULL;
    }
    int i = prepared(s, sql, p, what, state);
    if (i < 0) {
        if (s->depth > 0)
            s->failed_tx = 1;
        return NULL;
    }
    char name[16];
    snprintf(name, sizeof name, "g%d", s->slot[i].id);
    PGresult *r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->values : NULL,
                                 p ? p->lengths : NULL, p ? p->formats : NULL, 0);
    ExecStatusType es = PQresultStatus(r);
    if (es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK)
        return r;
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(state, 6, "%s", st ? st : "");
    /* A unique violation is an answer (GZ_EEXIST) the caller handles. */
    if (strcmp(state, "23505") != 0) {
        const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn);
        gz_error("store: %s: %.*s", what, (int)strcspn(msg, "\n"), msg);
    }
    PQclear(r);
    if (s->depth > 0)
        s->failed_tx = 1;
    return NULL;
}

int gz_pg_run(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
              const char *what)
{
    char state[6];
    PGresult *r = gz_pg_exec(s, sql, p, what, state);
    if (!r)
        return gz_pg_error(state);
    PQclear(r);
    return GZ_OK;
}

int gz_pg_query(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                const char *what, PGresult **out)
{
    char state[6];
    *out = gz_pg_exec(s, sql, p, what, state);
    return *out ? GZ_OK : gz_pg_error(state);
}

int gz_pg_query_row(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                    const char *what, PGresult **out)
{
    int rc = gz_pg_query(s, sql, p, what, out);
    if (rc == GZ_OK && PQntuples(*out) == 0) {
        PQclear(*out);
        *out = NULL;
        rc = GZ_ENOTFOUND;
    }
    return rc;
}

int gz_pg_run_i64(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                  const char *what, int64_t *out)
{
    PGresult *r;
    int rc = gz_pg_query_row(s, sql, p, what, &r);
    if (rc == GZ_OK) {
        *out = gz_pg_i64(r, 0, 0);
        PQclear(r);
    }
    return rc;
}

int gz_pg_run_text(struct pg_store *s, const char *sql, const struct gz_pg_params *p,
                   const char *what, char **out)
{
    PGresult *r;
    int rc = gz_pg_query_row(s, sql, p, what, &r);
    if (rc == GZ_OK) {
        *out = gz_pg_dup(r, 0, 0);
        PQclear(r);
    }
    return rc;
}

void *gz_pg_rows_alloc(const PGresult *r, size_t size)
{
    int rows = PQntuples(r);
    return rows > 0 ? gz_xcalloc((size_t)rows, size) : NULL;
}

void gz_pg_collect_teasers(const PGresult *r, struct gz_teaser_list *out)
{
    int rows = PQntuples(r);
    if (rows == 0)
        return;
    out->items = gz_xrealloc(out->items, (out->len + (size_t)rows) * sizeof *out->items);
    for (int i = 0; i < rows; i++) {
        struct gz_teaser *t = &out->items[out->len++];
        t->id = gz_pg_i64(r, i, 0);
        t->slug = gz_pg_dup(r, i, 1);
        t->title = gz_pg_dup(r, i, 2);
        t->teaser = gz_pg_dup(r, i, 3);
        t->lang = gz_pg_dup(r, i, 4);
        t->published_at = gz_pg_i64(r, i, 5);
    }
}

/* ---- transactions ---- */

static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_READ[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT gz_nested";
static const char SQL_RELEASE[] = "RELEASE SAVEPOINT gz_nested";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO SAVEPOINT gz_nested";
static const char SQL_SEQ_BUMP[] =
    "UPDATE change_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq";

int gz_pg_tx_begin(struct pg_store *s)
{
    int rc = gz_pg_run(s, s->depth == 0 ? SQL_BEGIN : SQL_SAVEPOINT, NULL, "begin");
    if (rc == GZ_OK) {
        if (s->depth == 0)
            s->failed_tx = 0;
        s->depth++;
    }
    return rc;
}

int gz_pg_tx_commit(struct pg_store *s)
{
    if (s->depth == 0) {
        gz_error("store: commit without an open transaction");
        return GZ_EINVAL;
    }
    char state[6];
    PGresult *r = gz_pg_exec(s, s->depth == 1 ? SQL_COMMIT : SQL_RELEASE, NULL, "commit",
                             state);
    int rc = r ? GZ_OK : gz_pg_error(state);
    /* COMMIT of a transaction a failed statement aborted succeeds, as a
     * ROLLBACK: nothing was written, and the caller must know. */
    if (r && s->depth == 1 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
        gz_error("store: commit: the transaction had failed; nothing was written");
        rc = GZ_EIO;
        s->depth = 0;
        PQclear(r);
        return rc;
    }
    PQclear(r);
    if (rc != GZ_OK) {
        gz_pg_tx_rollback(s);
        return rc;
    }
    s->depth--;
    return GZ_OK;
}

int gz_pg_tx_rollback(struct pg_store *s)
{
    if (s->depth == 0) {
        gz_error("store: rollback without an open transaction");
        return GZ_EINVAL;
    }
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        /* The connection went with the transaction; every level is gone. */
        s->depth = 0;
        return GZ_OK;
    }
    if (s->depth == 1) {
        s->depth = 0;
        return gz_pg_run(s, SQL_ROLLBACK, NULL, "rollback");
    }
    s->depth--;
    int rc = gz_pg_run(s, SQL_ROLLBACK_TO, NULL, "rollback to savepoint");
    if (rc == GZ_OK)
        rc = gz_pg_run(s, SQL_RELEASE, NULL, "release savepoint");
    return rc;
}

int gz_pg_read_begin(struct pg_store *s, int *started)
{
    *started = 0;
    if (s->depth > 0)
        return GZ_OK;
    int rc = gz_pg_run(s, SQL_BEGIN_READ, NULL, "begin read");
    if (rc == GZ_OK) {
        *started = 1;
        s->depth = 1;
    }
    return rc;
}

void gz_pg_read_end(struct pg_store *s, int started)
{
    if (!started)
        return;
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
        gz_pg_run(s, s->failed_tx ? SQL_ROLLBACK : SQL_COMMIT, NULL, "end read");
    s->depth = 0;
}

int gz_pg_next_change_seq(struct pg_store *s, int64_t *seq)
{
    int64_t v = 0;
    int rc = gz_pg_run_i64(s, SQL_SEQ_BUMP, NULL, "bumping the change sequence", &v);
    if (rc == GZ_OK && seq)
        *seq = v;
    return rc == GZ_ENOTFOUND ? GZ_EIO : rc;
}

static int pg_begin(struct gz_store *gs)
{
    return gz_pg_tx_begin(pg_from(gs));
}

static int pg_commit(struct gz_store *gs)
{
    return gz_pg_tx_commit(pg_from(gs));
}

static int pg_rollback(struct gz_store *gs)
{
    return gz_pg_tx_rollback(pg_from(gs));
}

/* The page cache of a bulk load is SQLite's concern; PostgreSQL's buffers
 * are the server's. */
static int pg_bulk(struct gz_store *gs, int bulk_mb)
{
    (void)gs;
    (void)bulk_mb;
    return GZ_OK;
}

/* ---- waiting for other servers' changes (LISTEN/NOTIFY) ---- */

static const char SQL_SCHEMA[] = "SELECT current_schema()";

/* LISTEN takes an identifier, not a parameter: the channel is
 * "gazette_" + the schema's name, quoted by PQescapeIdentifier. */
static int listen_now(struct pg_store *s)
{
    PGresult *r = gz_pg_exec(s, SQL_SCHEMA, NULL, "reading the schema", NULL);
    if (!r)
        return GZ_EIO;
    char channel[128];
    snprintf(channel, sizeof channel, "gazette_%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    char *quoted = PQescapeIdentifier(s->conn, channel, strlen(channel));
    if (!quoted)
        return GZ_EIO;
    char sql[192];
    snprintf(sql, sizeof sql, "LISTEN %s", quoted);
    PQfreemem(quoted);
    r = PQexec(s->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? GZ_OK : GZ_EIO;
}

static int pg_wait_change(struct gz_store *gs, int timeout_ms, int *what)
{
    struct pg_store *s = pg_from(gs);
    *what = 0;
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK || !s->listening) {
        /* A new connection listens again: notifications sent while none
         * listened are lost, so the caller treats the reconnection itself
         * as a change. */
        if (ensure_connected(s) != 0 || listen_now(s) != GZ_OK) {
            if (s->conn)
                PQfinish(s->conn);
            s->conn = NULL;
            s->listening = 0;
            forget_statements(s);
            return GZ_EIO;
        }
        if (s->listened)
            *what = GZ_STORE_CHANGED_CONTENT | GZ_STORE_CHANGED_SETTINGS;
        s->listening = s->listened = 1;
    }
    struct pollfd pfd = {.fd = PQsocket(s->conn), .events = POLLIN};
    for (;;) {
        PGnotify *n;
        PQconsumeInput(s->conn);
        while ((n = PQnotifies(s->conn))) {
            *what |= strcmp(n->extra, "settings") == 0 ? GZ_STORE_CHANGED_SETTINGS
                                                       : GZ_STORE_CHANGED_CONTENT;
            PQfreemem(n);
        }
        if (PQstatus(s->conn) != CONNECTION_OK)
            return GZ_EIO;
        if (*what || timeout_ms <= 0)
            return GZ_OK;
        int64_t t0 = now_ms();
        int rc = poll(&pfd, 1, timeout_ms);
        if (rc < 0)
            return GZ_OK; /* EINTR: the caller comes back */
        if (rc == 0)
            return GZ_OK;
        if (!PQconsumeInput(s->conn))
            return GZ_EIO;
        timeout_ms -= (int)(now_ms() - t0);
        if (timeout_ms < 0)
            timeout_ms = 0;
    }
}

/* ---- open, migrate, close ---- */

static void release(struct pg_store *s)
{
    if (s->conn)
        PQfinish(s->conn);
    free(s->conninfo);
    free(s);
}

static void pg_close(struct gz_store *gs)
{
    struct pg_store *s = pg_from(gs);
    if (s->depth > 0) {
        gz_warn("store: closing with an open transaction; rolling it back");
        while (s->depth > 0)
            gz_pg_tx_rollback(s);
    }
    release(s);
}

/* Constant SQL with no user data (migrations, locks): PQexec runs every
 * statement of a script. */
static int exec_script(struct pg_store *s, const char *sql, const char *what, char *err,
                       size_t errlen)
{
    PGresult *r = PQexec(s->conn, sql);
    ExecStatusType es = PQresultStatus(r);
    int ok = es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK;
    if (!ok) {
        const char *msg = PQresultErrorMessage(r);
        snprintf(err, errlen, "%s: %.*s", what, (int)strcspn(msg, "\n"), msg);
    }
    PQclear(r);
    return ok ? GZ_OK : GZ_EIO;
}

/* 0 when the schema has no gazette_schema table yet (a new site). */
static int read_version(struct pg_store *s, int64_t *version, char *err, size_t errlen)
{
    static const char exists[] = "SELECT to_regclass('gazette_schema') IS NOT NULL";
    static const char sql[] = "SELECT coalesce(max(version), 0) FROM gazette_schema";
    *version = 0;
    for (int step = 0; step < 2; step++) {
        PGresult *r = PQexec(s->conn, step == 0 ? exists : sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            snprintf(err, errlen, "reading the schema version: %s",
                     PQresultErrorMessage(r));
            err[strcspn(err, "\n")] = '\0';
            PQclear(r);
            return GZ_EIO;
        }
        int done = step == 0 && strcmp(PQgetvalue(r, 0, 0), "t") != 0;
        if (step == 1)
            *version = gz_pg_i64(r, 0, 0);
        PQclear(r);
        if (done)
            break;
    }
    return GZ_OK;
}

/* Each migration in its own transaction, under an advisory lock held for
 * that transaction: the version is read again under it, since another
 * server may have applied the migration meanwhile. */
static int migrate(struct pg_store *s, gz_store_migrated_cb migrated, void *ctx,
                   char *err, size_t errlen)
{
    if (gz_store_pg_migration_count != gz_store_migration_count) {
        snprintf(err, errlen, "the PostgreSQL migrations (%zu) and SQLite's (%zu) differ",
                 gz_store_pg_migration_count, gz_store_migration_count);
        return GZ_EINVAL;
    }
    int64_t have;
    int rc = read_version(s, &have, err, errlen);
    if (rc == GZ_OK)
        rc = gz_store_migration_not_newer(have, gz_store_pg_migration_count, err, errlen);
    if (rc != GZ_OK)
        return rc;
    char lock[96];
    snprintf(lock, sizeof lock, "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
             (long long)MIGRATION_LOCK);
    for (size_t i = 0; i < gz_store_pg_migration_count && rc == GZ_OK; i++) {
        const struct gz_embedded_file *f = &gz_store_pg_migration_files[i];
        int version = (int)i + 1;
        if ((rc = gz_store_migration_in_order(f->path, version, err, errlen)) != GZ_OK)
            return rc;
        if (version <= have)
            continue;
        if ((rc = exec_script(s, lock, "starting a migration", err, errlen)))
            break;
        int64_t now_have = 0;
        rc = read_version(s, &now_have, err, errlen);
        if (rc == GZ_OK && now_have < version) {
            rc = exec_script(s, (const char *)f->bytes, f->path, err, errlen);
            char set[160];
            snprintf(
                set, sizeof set,
                "CREATE TABLE IF NOT EXISTS gazette_schema (version integer NOT NULL);"
                "DELETE FROM gazette_schema; INSERT INTO gazette_schema VALUES (%d)",
                version);
            if (rc == GZ_OK)
                rc = exec_script(s, set, f->path, err, errlen);
        }
        if (rc == GZ_OK)
            rc = exec_script(s, "COMMIT", f->path, err, errlen);
        if (rc != GZ_OK) {
            PGresult *r = PQexec(s->conn, "ROLLBACK");
            PQclear(r);
            break;
        }
        if (now_have < version) {
            gz_info("store: applied migration %s", f->path);
            if (migrated)
                migrated(ctx, version, f->path);
        }
    }
    return rc;
}

static const struct gz_store_ops pg_ops = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .bulk = pg_bulk,
    .article_save = gz_pg_article_save,
    .article_get = gz_pg_article_get,
    .article_get_by_slug = gz_pg_article_get_by_slug,
    .article_latest = gz_pg_article_latest,
    .article_count_published = gz_pg_article_count_published,
    .article_teasers = gz_pg_article_teasers,
    .changes_since = gz_pg_changes_since,
    .article_max_id = gz_pg_article_max_id,
    .article_next_scheduled = gz_pg_article_next_scheduled,
    .article_go_live = gz_pg_article_go_live,
    .tags_top = gz_pg_tags_top,
    .tag_get_by_slug = gz_pg_tag_get_by_slug,
    .tag_articles = gz_pg_tag_articles,
    .author_ensure = gz_pg_author_ensure,
    .views_add = gz_pg_views_add,
    .views_load = gz_pg_views_load,
    .views_total = gz_pg_views_total,
    .views_recent = gz_pg_views_recent,
    .wait_change = pg_wait_change,
    .setting_get = gz_pg_setting_get,
    .setting_set = gz_pg_setting_set,
    .user_save = gz_pg_user_save,
    .user_get = gz_pg_user_get,
    .user_get_by_name = gz_pg_user_get_by_name,
    .user_list = gz_pg_user_list,
    .user_count_admins = gz_pg_user_count_admins,
    .session_create = gz_pg_session_create,
    .session_get = gz_pg_session_get,
    .session_delete = gz_pg_session_delete,
    .session_delete_user = gz_pg_session_delete_user,
    .session_purge = gz_pg_session_purge,
    .token_create = gz_pg_token_create,
    .token_get = gz_pg_token_get,
    .token_list = gz_pg_token_list,
    .token_delete = gz_pg_token_delete,
    .throttle_get = gz_pg_throttle_get,
    .throttle_set = gz_pg_throttle_set,
    .throttle_clear = gz_pg_throttle_clear,
    .article_list = gz_pg_article_list,
    .article_trash = gz_pg_article_trash,
    .article_purge = gz_pg_article_purge,
    .revision_list = gz_pg_revision_list,
    .revision_get = gz_pg_revision_get,
    .tag_list = gz_pg_tag_list,
    .media_add = gz_pg_media_add,
    .media_get = gz_pg_media_get,
    .media_list = gz_pg_media_list,
    .media_delete = gz_pg_media_delete,
    .redirect_set = gz_pg_redirect_set,
    .redirect_get = gz_pg_redirect_get,
    .redirect_list = gz_pg_redirect_list,
    .redirect_delete = gz_pg_redirect_delete,
    .import_key_get = gz_pg_import_key_get,
    .import_key_set = gz_pg_import_key_set,
    .tag_set_parent = gz_pg_tag_set_parent,
    .tag_import = gz_pg_tag_import,
    .feed_articles = gz_pg_feed_articles,
    .sitemap_chunks = gz_pg_sitemap_chunks,
    .sitemap_articles = gz_pg_sitemap_articles,
    .sitemap_tags = gz_pg_sitemap_tags,
    .news_articles = gz_pg_news_articles,
    .translation_link = gz_pg_translation_link,
    .translation_unlink = gz_pg_translation_unlink,
    .translations = gz_pg_translations,
    .author_articles = gz_pg_author_articles,
    .archive_articles = gz_pg_archive_articles,
    .archive_months = gz_pg_archive_months,
    .lang_articles = gz_pg_lang_articles,
    .lang_counts = gz_pg_lang_counts,
    .search = gz_pg_search,
    .tag_alias_add = gz_pg_tag_alias_add,
    .tag_alias_delete = gz_pg_tag_alias_delete,
    .tag_alias_list = gz_pg_tag_alias_list,
    .tag_alias_resolve = gz_pg_tag_alias_resolve,
    .tag_description_get = gz_pg_tag_description_get,
    .tag_description_set = gz_pg_tag_description_set,
    .readers_merge = gz_pg_readers_merge,
    .readers_count = gz_pg_readers_count,
    .readers_each = gz_pg_readers_each,
    .stats_days = gz_pg_stats_days,
    .stats_top = gz_pg_stats_top,
    .stats_referrers = gz_pg_stats_referrers,
    .dump = gz_pg_dump,
    .dump_is_empty = gz_pg_dump_is_empty,
    .load_begin = gz_pg_load_begin,
    .load_row = gz_pg_load_row,
    .load_finish = gz_pg_load_finish,
    .backup = gz_pg_backup,
};

static int open_handle(const char *url, int do_migrate, gz_store_migrated_cb migrated,
                       void *ctx, struct gz_store **out, char *err, size_t errlen)
{
    struct pg_store *s = gz_xcalloc(1, sizeof *s);
    s->base.ops = &pg_ops;
    s->conninfo = gz_xstrdup(url);
    *out = NULL;
    int rc = connect_now(s, err, errlen);
    if (rc == GZ_OK && do_migrate)
        rc = migrate(s, migrated, ctx, err, errlen);
    if (rc == GZ_OK && do_migrate && gz_pg_search_index_missing(s) != GZ_OK) {
        snprintf(err, errlen, "indexing articles for search failed (see the log)");
        rc = GZ_EIO;
    }
    if (rc != GZ_OK) {
        release(s);
        return rc;
    }
    *out = &s->base;
    return GZ_OK;
}

int gz_store_pg_open(const char *url, struct gz_store **out, char *err, size_t errlen)
{
    return open_handle(url, 1, NULL, NULL, out, err, errlen);
}

int gz_store_pg_migrate(const char *url, gz_store_migrated_cb migrated, void *ctx,
                        char *err, size_t errlen)
{
    struct gz_store *s;
    int rc = open_handle(url, 1, migrated, ctx, &s, err, errlen);
    gz_store_close(s);
    return rc;
}

int gz_store_pg_schema_version(const char *url, int64_t *version, char *err,
                               size_t errlen)
{
    struct gz_store *gs;
    *version = 0;
    int rc = open_handle(url, 0, NULL, NULL, &gs, err, errlen);
    if (rc != GZ_OK)
        return rc;
    struct pg_store *s = pg_from(gs);
    rc = read_version(s, version, err, errlen);
    if (rc == GZ_OK)
        rc = gz_store_migration_not_newer(*version, gz_store_pg_migration_count, err,
                                          errlen);
    gz_store_close(gs);
    return rc;
}
