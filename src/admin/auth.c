/* Passwords, secrets, sessions, API tokens, CSRF and login throttling
 * (admin.h). */
#include "admin/admin.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "http/form.h"

_Static_assert(crypto_pwhash_STRBYTES <= GZ_PASSWORD_HASH_MAX, "password hash size");

/* argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1):
 * about 40 ms here, so a login costs an event loop little, and guessing
 * costs an attacker 19 MiB and two passes per try (decision 0009). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

/* Throttling: free tries, then 2^(n - FREE) seconds, capped. */
#define THROTTLE_FREE 5
#define THROTTLE_MAX_WAIT 900

int gz_password_hash(const char *password, char out[GZ_PASSWORD_HASH_MAX])
{
    size_t n = password ? strlen(password) : 0;
    if (n < GZ_PASSWORD_MIN || n > GZ_PASSWORD_MAX)
        return GZ_EINVAL;
    if (sodium_init() < 0)
        return GZ_ERR;
    if (crypto_pwhash_str_alg(out, password, n, PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13))
        return GZ_ERR;
    return GZ_OK;
}

int gz_password_verify(const char *hash, const char *password)
{
    if (!hash || !hash[0] || !password || strlen(password) > GZ_PASSWORD_MAX)
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void gz_secret_new(char hex[GZ_SECRET_HEX], uint8_t hash[32])
{
    uint8_t raw[32];
    if (sodium_init() < 0)
        abort(); /* no randomness: nothing safe to do */
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, GZ_SECRET_HEX, raw, sizeof raw);
    gz_secret_hash(hex, 64, hash);
    sodium_memzero(raw, sizeof raw);
}

int gz_secret_hash(const char *hex, size_t len, uint8_t hash[32])
{
    if (len != 64)
        return GZ_EINVAL;
    for (size_t i = 0; i < len; i++) {
        char c = hex[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return GZ_EINVAL;
    }
    crypto_hash_sha256(hash, (const unsigned char *)hex, len);
    return GZ_OK;
}

const char *gz_http_peer_text(struct gz_request *r, struct gz_arena *arena)
{
    struct sockaddr_storage ss;
    char buf[INET6_ADDRSTRLEN] = "unknown";
    h2o_conn_t *conn = r->req->conn;
    if (conn->callbacks->get_peername(conn, (struct sockaddr *)&ss)) {
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, sizeof buf);
        else if (ss.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, sizeof buf);
    }
    return gz_arena_strdup(arena, buf);
}

void gz_auth_clear(struct gz_auth *a)
{
    gz_user_clear(&a->user);
    memset(a, 0, sizeof *a);
}

/* Fills a->user from id; refuses disabled users and users without a
 * password (they cannot have logged in). */
static int load_user(struct gz_store *st, int64_t id, struct gz_auth *a)
{
    int rc = st->ops->user_get(st, id, &a->user);
    if (rc == GZ_OK && (a->user.disabled || !a->user.pass_hash[0]))
        rc = GZ_ENOTFOUND;
    if (rc)
        gz_user_clear(&a->user);
    return rc;
}

int gz_auth_from_request(struct gz_request *r, struct gz_store *st, int bearer_ok,
                         struct gz_auth *a)
{
    memset(a, 0, sizeof *a);
    int64_t now = time(NULL);
    uint8_t hash[32];
    if (bearer_ok) {
        struct gz_str h = gz_http_header(r, H2O_TOKEN_AUTHORIZATION);
        static const char bearer[] = "Bearer " GZ_TOKEN_PREFIX;
        size_t n = sizeof bearer - 1;
        if (h.len > n && !strncasecmp(h.p, bearer, 7) && !memcmp(h.p + 7, bearer + 7, n - 7)) {
            if (gz_secret_hash(h.p + n, h.len - n, hash))
                return GZ_ENOTFOUND;
            struct gz_api_token t;
            int rc = st->ops->token_get(st, hash, now, &t);
            if (rc)
                return rc;
            rc = load_user(st, t.user_id, a);
            gz_api_token_clear(&t);
            a->via_token = rc == GZ_OK;
            return rc;
        }
        if (h.len)
            return GZ_ENOTFOUND; /* an Authorization we do not take */
    }
    struct gz_str cookie = gz_cookie_get(gz_http_header(r, H2O_TOKEN_COOKIE), GZ_SESSION_COOKIE);
    if (!cookie.len || gz_secret_hash(cookie.p, cookie.len, hash))
        return GZ_ENOTFOUND;
    struct gz_session s;
    int rc = st->ops->session_get(st, hash, now, &s);
    if (rc)
        return rc;
    rc = load_user(st, s.user_id, a);
    if (rc == GZ_OK) {
        memcpy(a->session_hash, hash, 32);
        snprintf(a->csrf, sizeof a->csrf, "%s", s.csrf);
    }
    gz_session_clear(&s);
    return rc;
}

int gz_auth_csrf_ok(const struct gz_auth *a, const struct gz_form *f)
{
    if (a->via_token)
        return 1;
    const char *t = gz_form_get(f, "_csrf");
    size_t n = strlen(a->csrf);
    return t && n == 64 && strlen(t) == n && sodium_memcmp(t, a->csrf, n) == 0;
}

/* How long key must still wait (0: may try now). */
static int64_t throttle_wait(struct gz_store *st, const char *key, int64_t now)
{
    int64_t failures, until;
    if (st->ops->throttle_get(st, key, &failures, &until))
        return 0;
    return until > now ? until - now : 0;
}

static void throttle_fail(struct gz_store *st, const char *key, int64_t now)
{
    int64_t failures, until;
    if (st->ops->throttle_get(st, key, &failures, &until))
        return;
    failures++;
    int64_t wait = 0;
    if (failures > THROTTLE_FREE) {
        int64_t e = failures - THROTTLE_FREE;
        wait = e >= 10 ? THROTTLE_MAX_WAIT : (int64_t)1 << e;
        if (wait > THROTTLE_MAX_WAIT)
            wait = THROTTLE_MAX_WAIT;
    }
    st->ops->throttle_set(st, key, failures, now + wait);
}

/* A hash of a random password, checked when the user name is unknown. */
static char dummy_hash[GZ_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[GZ_SECRET_HEX];
    uint8_t unused[32];
    gz_secret_new(pw, unused);
    if (gz_password_hash(pw, dummy_hash))
        dummy_hash[0] = 0;
}

int gz_auth_login(struct gz_store *st, const char *name, const char *password,
                  const char *addr, int64_t now, int64_t lifetime,
                  char session_hex[GZ_SECRET_HEX], struct gz_user *user,
                  int64_t *retry_after)
{
    char ukey[300], akey[80];
    snprintf(ukey, sizeof ukey, "u:%.255s", name ? name : "");
    snprintf(akey, sizeof akey, "a:%s", addr ? addr : "");
    *retry_after = 0;
    memset(user, 0, sizeof *user);
    int64_t wait = throttle_wait(st, ukey, now);
    int64_t await = throttle_wait(st, akey, now);
    if (await > wait)
        wait = await;
    if (wait > 0) {
        *retry_after = wait;
        return GZ_EAGAIN;
    }
    struct gz_user u;
    int rc = name && name[0] ? st->ops->user_get_by_name(st, name, &u) : GZ_ENOTFOUND;
    int ok = 0;
    if (rc == GZ_OK) {
        ok = gz_password_verify(u.pass_hash, password) && !u.disabled;
    } else {
        /* Spend the same time as a real check, so timing does not tell
         * whether the name exists. */
        pthread_once(&dummy_once, make_dummy);
        gz_password_verify(dummy_hash, password ? password : "");
        memset(&u, 0, sizeof u);
    }
    if (!ok) {
        throttle_fail(st, ukey, now);
        throttle_fail(st, akey, now);
        gz_user_clear(&u);
        return GZ_EINVAL;
    }
    st->ops->throttle_clear(st, ukey);
    st->ops->throttle_clear(st, akey);
    uint8_t hash[32], chash[32];
    char csrf[GZ_SECRET_HEX];
    gz_secret_new(session_hex, hash);
    gz_secret_new(csrf, chash);
    if (st->ops->session_create(st, hash, u.id, csrf, now, now + lifetime)) {
        gz_user_clear(&u);
        return GZ_EIO;
    }
    st->ops->session_purge(st, now);
    *user = u;
    return GZ_OK;
}
