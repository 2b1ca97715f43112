/* The newsroom: who is asking (sessions, API tokens), what they may do
 * (roles), and the pieces the admin UI (src/admin/) and the JSON API
 * (src/api/) share: password hashing, CSRF, login throttling, and the one
 * write path for articles.
 *
 * Everything here runs on an event-loop thread with that thread's store
 * handle; nothing is cached between requests except the admin templates. */
#ifndef GZ_ADMIN_H
#define GZ_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "http/form.h"
#include "http/http.h"
#include "store/store.h"

struct gz_config;
struct gz_site;
struct gz_val;

/* ---- passwords (auth.c) ------------------------------------------------------
 * argon2id through libsodium's crypto_pwhash_str, at the cost in
 * docs/decisions/0009 (OWASP's minimum: 19 MiB, 2 passes). */

#define GZ_PASSWORD_MIN 8
#define GZ_PASSWORD_MAX 1024
/* The encoded hash's size (crypto_pwhash_STRBYTES). */
#define GZ_PASSWORD_HASH_MAX 128

/* GZ_EINVAL when the password is shorter than GZ_PASSWORD_MIN or longer
 * than GZ_PASSWORD_MAX bytes; GZ_ERR when out of memory. */
int gz_password_hash(const char *password, char out[GZ_PASSWORD_HASH_MAX]);
/* 1 when password matches hash (an empty hash matches nothing). */
int gz_password_verify(const char *hash, const char *password);

/* ---- secrets --------------------------------------------------------------------
 * Sessions and API tokens are 32 random bytes, shown to their holder as 64
 * hex digits (tokens with the prefix "gz_"), stored as their SHA-256. */

#define GZ_SECRET_HEX 65 /* 64 hex digits and a NUL */
#define GZ_TOKEN_PREFIX "gz_"

/* A new random secret: hex (64 digits) and the hash to store. */
void gz_secret_new(char hex[GZ_SECRET_HEX], uint8_t hash[32]);
/* The stored hash of a presented secret; GZ_EINVAL unless it is 64 hex digits. */
int gz_secret_hash(const char *hex, size_t len, uint8_t hash[32]);

/* ---- who is asking (auth.c) ------------------------------------------------- */

struct gz_auth {
    struct gz_user user; /* user.id == 0: nobody logged in */
    int via_token;       /* authenticated by an API token (no CSRF needed) */
    uint8_t session_hash[32];
    char csrf[GZ_SECRET_HEX]; /* the session's CSRF token; "" for tokens */
};

/* The session cookie's name, and how long a session lives (sliding: not
 * extended; a new login makes a new one). */
#define GZ_SESSION_COOKIE "gz_session"

/* Reads the session cookie (or, when bearer_ok, an "Authorization: Bearer"
 * token) and fills a with its user. GZ_ENOTFOUND when there is none, it
 * expired, or its user is disabled; then a->user.id is 0. Free with
 * gz_auth_clear. */
int gz_auth_from_request(struct gz_request *r, struct gz_store *st, int bearer_ok,
                         struct gz_auth *a);
void gz_auth_clear(struct gz_auth *a);

/* Logs name in with password from the client's address: checks the
 * throttle (per account and per address: after 5 failures in a row, each
 * further try waits 2^(failures-5) seconds, at most 15 minutes), the
 * password, and that the user is enabled and has a password. On success
 * creates a session (lifetime seconds) and writes the cookie's secret into
 * session_hex; returns GZ_OK. A wrong name or password (or a disabled
 * user) is GZ_EINVAL, a throttled try GZ_EAGAIN with *retry_after seconds —
 * the caller must not say which of name or password was wrong. */
#define GZ_EAGAIN (-100)
int gz_auth_login(struct gz_store *st, const char *name, const char *password,
                  const char *addr, int64_t now, int64_t lifetime,
                  char session_hex[GZ_SECRET_HEX], struct gz_user *user,
                  int64_t *retry_after);

/* Whether the form carries the session's CSRF token ("_csrf"), compared in
 * constant time. Token-authenticated requests need none. */
int gz_auth_csrf_ok(const struct gz_auth *a, const struct gz_form *f);

/* The client's address as text ("203.0.113.9", "2001:db8::1"), in the arena. */
const char *gz_http_peer_text(struct gz_request *r, struct gz_arena *arena);

/* ---- roles (perm.c) --------------------------------------------------------------- */

enum gz_action {
    GZ_ACT_ARTICLE_CREATE,  /* write a new draft */
    GZ_ACT_ARTICLE_EDIT,    /* change an existing article */
    GZ_ACT_ARTICLE_PUBLISH, /* make it published/scheduled, or unpublish it */
    GZ_ACT_ARTICLE_DELETE,  /* move to the trash, restore */
    GZ_ACT_TRASH_EMPTY,     /* delete for good */
    GZ_ACT_TAG_MANAGE,      /* rename, describe, delete tags */
    GZ_ACT_MEDIA_UPLOAD,
    GZ_ACT_MEDIA_DELETE,
    GZ_ACT_USER_MANAGE,     /* other users; everyone may change their own password */
    GZ_ACT_SETTINGS,
    GZ_ACT_TOKEN_CREATE,    /* an API token for oneself */
    GZ_ACT_STATS_VIEW,      /* the readership dashboard (/admin/stats) */
};

/* Whether u may do act. For article actions, art is the article as stored
 * (NULL for CREATE): editors and admins may act on every article; authors
 * on their own; contributors on their own while it is not published or
 * scheduled, and never PUBLISH. A disabled user or id 0 may do nothing.
 *   admin: everything; editor: all but USER_MANAGE and SETTINGS (so
 *   STATS_VIEW too);
 *   author: own articles incl. PUBLISH, MEDIA_UPLOAD, TOKEN_CREATE;
 *   contributor: own drafts (CREATE, EDIT, DELETE), TOKEN_CREATE. */
int gz_can(const struct gz_user *u, enum gz_action act, const struct gz_article *art);

/* ---- the write path for articles (editorial.c) ---------------------------------
 * The admin and the API save articles through here and nowhere else. */

/* Saves a as user u: checks permissions against the stored article (for
 * an update) and the new status, fills the author (u, for a new article;
 * only editors and admins may set another author_id), runs
 * gz_content_prepare, saves (which records a revision), then calls
 * gz_site_changed so the site shows it at once. On refusal returns
 * GZ_EPERM (403), GZ_EINVAL with a message for people in err (422),
 * GZ_ENOTFOUND (404), GZ_EEXIST for a slug another article holds when the
 * caller asked for that exact slug (409).
 * Details (editorial.c): a->status SCHEDULED is stored as PUBLISHED and
 * needs a published_at to come (else GZ_EINVAL); a contributor may save
 * DRAFT only; PUBLISHED with published_at 0 keeps the date of an earlier
 * publication, else now. A NULL or "" slug is made from the title (with a
 * -2, -3... suffix when taken), except on an update of an article that has
 * been published or scheduled, which keeps its slug; an author_id of 0
 * keeps the stored one on update. Articles in the trash are refused
 * (GZ_EINVAL). Limits: title 500 bytes, summary 4000, body 2 MiB, 50 tags
 * of 100 bytes, lang a tag of [A-Za-z0-9_-], image a URL gz_url_is_safe
 * takes. The fields filled in are written back into a. */
#define GZ_EPERM (-101)
int gz_editorial_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                      struct gz_article *a, char *err, size_t errlen);
/* Moves to the trash (trash=1) or restores (0), checking permissions
 * (GZ_ACT_ARTICLE_DELETE), then calls gz_site_changed. GZ_OK when it was
 * there already; GZ_EPERM, GZ_ENOTFOUND, or the store's error. */
int gz_editorial_trash(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                       int64_t id, int trash);

/* ---- the admin UI (admin.c) ------------------------------------------------------ */

/* The handler for everything under /admin. ctx is the site. */
int gz_admin_handle(void *site, struct gz_request *r);

/* The admin's own templates and assets (themes/admin/, embedded), loaded
 * once by gz_site_open. */
struct gz_admin;
int gz_admin_new(struct gz_admin **out, char *err, size_t errlen);
void gz_admin_free(struct gz_admin *a);

/* One admin request being answered: what every page handler gets. */
struct gz_admin_req {
    struct gz_site *site;
    struct gz_request *r;
    struct gz_store *st;     /* this thread's handle */
    struct gz_arena *arena;  /* the request's arena */
    struct gz_auth auth;     /* the logged-in user (id > 0 in page handlers) */
    struct gz_form query;    /* the query string, parsed */
    struct gz_form form;     /* a POST body, parsed (urlencoded); empty for GET */
    int is_post;
    struct gz_str rest;      /* the path after "/admin" ("" , "/articles", ...) */
};

/* A page of the admin: templates/NAME.html from themes/admin, rendered in
 * the layout with ctx (which gets the user, CSRF token, nav and flash
 * message added). Status 200 unless given. */
void gz_admin_render(struct gz_admin_req *q, int status, const char *tpl,
                     const char *title, struct gz_val *ctx);
/* 303 See Other to an admin path ("/admin/articles"), with an optional
 * flash message shown on the next page (a short-lived cookie). */
void gz_admin_redirect(struct gz_admin_req *q, const char *path, const char *flash);
/* An error page (403, 404, 422...) in the layout. */
void gz_admin_error(struct gz_admin_req *q, int status, const char *message);
/* A new empty object for a template context, in the request's arena. */
struct gz_val *gz_admin_ctx(struct gz_admin_req *q);

/* ---- the admin's language (i18n.c, i18n.h) ----------------------------------------
 * Messages shown to people are written in English and looked up in the
 * catalog of the admin's language (setting admin.lang) when shown, like
 * gettext: the English text is the key (msgid). */

/* msgid in the admin's language; msgid itself when the catalog has none
 * (or q is NULL). A format string's translation has the same conversions
 * (the unit tests check), so gz_arena_printf(a, gz_admin_tr(q, "Deleted
 * %s."), name) is safe. The result lives as long as msgid. */
const char *gz_admin_tr(const struct gz_admin_req *q, const char *msgid)
    __attribute__((format_arg(2)));
/* Marks an English message for the catalogs without translating it, where
 * no request is at hand (gz_editorial_save's errors): whoever shows it
 * passes it through gz_admin_tr. Expands to the literal itself. */
#define GZ_N(msgid) msgid

/* Page handlers, one file each; each answers every method itself (405 for
 * the ones it does not take). sub is the path below its prefix. */
typedef void (*gz_admin_page_fn)(struct gz_admin_req *q, struct gz_str sub);
void gz_admin_articles(struct gz_admin_req *q, struct gz_str sub); /* /admin/articles */
void gz_admin_media(struct gz_admin_req *q, struct gz_str sub);    /* /admin/media */
void gz_admin_users(struct gz_admin_req *q, struct gz_str sub);    /* /admin/users */
void gz_admin_settings(struct gz_admin_req *q, struct gz_str sub); /* /admin/settings */
void gz_admin_tokens(struct gz_admin_req *q, struct gz_str sub);   /* /admin/tokens */
void gz_admin_account(struct gz_admin_req *q, struct gz_str sub);  /* /admin/account */
void gz_admin_stats(struct gz_admin_req *q, struct gz_str sub);    /* /admin/stats */
/* /admin/stats.csv: the dashboard's tables as CSV files (stats_csv.c). */
void gz_admin_stats_csv(struct gz_admin_req *q);

/* Applies the settings saved on the admin's settings page (settings.c)
 * over cfg, each with the source "admin": they override the file, the
 * environment and the flags (docs/admin.md). A saved value that no longer
 * passes (a time zone gone from the system) is skipped with a warning.
 * GZ_OK, also when nothing is saved; the store's error when it could not
 * be read (cfg is then left as it was: the file's settings). */
int gz_admin_settings_apply(struct gz_store *st, struct gz_config *cfg);

/* Checks what a user may be called (users.c; the admin and the CLI): a
 * name of 1 to 64 bytes of UTF-8 without control characters or blanks at
 * either end, a display name of at most 100 bytes, an e-mail address of at
 * most 254 bytes with one '@' and no blanks (or ""). NULL fields are not
 * checked. GZ_EINVAL with a message for people in err. */
int gz_user_fields_check(const char *name, const char *display_name, const char *email,
                         char *err, size_t errlen);

/* ---- the JSON API (src/api/api.c) ------------------------------------------------ */
int gz_api_handle(void *site, struct gz_request *r);

/* ---- media (media.c) ------------------------------------------------------------
 * Files live under the site's media folder (setting media.dir), by content:
 * DIR/ab/abcdef....ext, served at /media/ab/abcdef....ext. */

/* Checks bytes (type from the magic bytes, not the name: JPEG, PNG, WebP,
 * GIF; size at most media.max_bytes), stores them and records them; an
 * identical file already stored returns that one (GZ_OK). GZ_EINVAL with
 * a reason in err for a refused file, GZ_ETOOBIG past the size limit.
 * Also: GZ_EPERM (with a reason) when u may not GZ_ACT_MEDIA_UPLOAD, GZ_EIO
 * when the file cannot be written or recorded. On GZ_OK out holds heap
 * strings the caller frees with gz_media_clear; on failure it is empty. */
int gz_media_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                  const char *name, const void *bytes, size_t len, struct gz_media *out,
                  char *err, size_t errlen);
/* gz_media_store's flags: GZ_MEDIA_DRY_RUN checks the bytes and records the
 * row (for the caller to roll back) but writes no file. */
#define GZ_MEDIA_DRY_RUN 1u
/* What gz_media_save does but the permission check, for callers without a
 * site or a logged-in user (the importer): takes media.dir and
 * media.max_bytes from cfg, and records the row as user_id's (0: nobody).
 * *reused (may be NULL) is set to 1 when the same bytes already had a row,
 * which out then holds. Returns as gz_media_save does, minus GZ_EPERM. A
 * file written for a row that a transaction later rolls back stays on disk,
 * unreferenced: names are content hashes, so it is never wrong, only
 * unused. */
int gz_media_store(const struct gz_config *cfg, struct gz_store *st, int64_t user_id,
                   const char *name, const void *bytes, size_t len, unsigned flags,
                   struct gz_media *out, int *reused, char *err, size_t errlen);
/* The public URL of a media row: "/media/ab/abcdef...ext", in the arena. */
char *gz_media_url(struct gz_arena *a, const struct gz_media *m);
/* Serves /media/... with a year-long immutable cache lifetime. ctx: site. */
int gz_site_media(void *site, struct gz_request *r);

#endif
