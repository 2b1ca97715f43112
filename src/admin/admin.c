/* The admin at /admin: its dispatcher, login, logout, first-run setup,
 * dashboard, and the layout every admin page is rendered in. Page handlers
 * (articles, media, users, settings, tokens, account) live in their own
 * files and get a struct gz_admin_req with the user already checked. */
#include "admin/admin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "admin/i18n.h"
#include "render/embedded.h"
#include "render/template.h"
#include "render/theme.h"
#include "site/route.h"
#include "site/siteInt.h"

#define LOGIN_COOKIE "gz_login" /* double-submit CSRF token of the login form */
#define FLASH_COOKIE "gz_flash"
#define FLASH_MAX 200

struct gz_admin {
    struct gz_theme *theme; /* templates/ and assets/ of themes/admin */
};

int gz_admin_new(struct gz_admin **out, char *err, size_t errlen)
{
    struct gz_admin *a = gz_xcalloc(1, sizeof *a);
    int rc = gz_theme_load_from(gz_theme_admin_files, gz_theme_admin_count, NULL, &a->theme,
                                err, errlen);
    if (rc) {
        free(a);
        return rc;
    }
    *out = a;
    return GZ_OK;
}

void gz_admin_free(struct gz_admin *a)
{
    if (!a)
        return;
    gz_theme_free(a->theme);
    free(a);
}

static int lit_eq(struct gz_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && !memcmp(s.p, lit, n);
}

static int secure_cookies(struct gz_site *site)
{
    return !strncmp(gz_site_cfg(site)->site_url, "https:", 6);
}

static void set_cookie(struct gz_admin_req *q, const char *name, const char *value,
                       int64_t max_age, const char *path)
{
    char *v = gz_arena_printf(q->arena, "%s=%s; Path=%s; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
                              name, value, path, (long long)max_age,
                              secure_cookies(q->site) ? "; Secure" : "");
    gz_http_add_header(q->r, "set-cookie", v);
}

struct gz_val *gz_admin_ctx(struct gz_admin_req *q)
{
    return gz_val_obj(q->arena);
}

/* The flash message a redirect left, URL-decoded; cleared as it is shown. */
static const char *take_flash(struct gz_admin_req *q)
{
    struct gz_str c = gz_cookie_get(gz_http_header(q->r, H2O_TOKEN_COOKIE), FLASH_COOKIE);
    if (!c.len)
        return NULL;
    struct gz_form f;
    char *pair = gz_arena_printf(q->arena, "m=%.*s", (int)c.len, c.p);
    set_cookie(q, FLASH_COOKIE, "", 0, "/admin");
    if (gz_form_parse(q->arena, pair, strlen(pair), &f))
        return NULL;
    const char *m = gz_form_get(&f, "m");
    return m && gz_utf8_valid(m, strlen(m)) ? m : NULL;
}

static void render_page(struct gz_admin_req *q, int status, const char *tpl,
                        const char *title, struct gz_val *ctx)
{
    struct gz_site *site = q->site;
    const struct gz_tpl_set *set = gz_theme_templates(site->admin->theme);
    struct gz_buf body, page;
    gz_buf_init(&body, GZ_BUF_PAGE_MAX);
    gz_buf_init(&page, GZ_BUF_PAGE_MAX);
    if (!ctx)
        ctx = gz_admin_ctx(q);
    const struct gz_config *cfg = gz_site_cfg(site);
    const struct gz_user *u = &q->auth.user;
    gz_obj_set_str(ctx, "site_title", cfg->site_title);
    gz_obj_set_str(ctx, "title", title);
    gz_obj_set_str(ctx, "csrf", q->auth.csrf);
    gz_obj_set_str(ctx, "assets_version", gz_theme_assets_version(site->admin->theme));
    gz_obj_set(ctx, "t",
               gz_admin_catalog_values(q->arena, gz_admin_catalog_find(cfg->admin_lang)));
    if (u->id > 0) {
        struct gz_val *uv = gz_val_obj(q->arena);
        gz_obj_set_str(uv, "name", u->display_name[0] ? u->display_name : u->name);
        gz_obj_set_str(uv, "role", gz_role_name(u->role));
        gz_obj_set_bool(uv, "can_media", gz_can(u, GZ_ACT_MEDIA_UPLOAD, NULL));
        gz_obj_set_bool(uv, "can_users", gz_can(u, GZ_ACT_USER_MANAGE, NULL));
        gz_obj_set_bool(uv, "can_settings", gz_can(u, GZ_ACT_SETTINGS, NULL));
        gz_obj_set_bool(uv, "can_stats", gz_can(u, GZ_ACT_STATS_VIEW, NULL));
        gz_obj_set(ctx, "user", uv);
    }
    const char *flash = take_flash(q);
    if (flash)
        gz_obj_set_str(ctx, "flash", flash);
    int rc = gz_tpl_render(set, tpl, ctx, &body);
    if (rc == GZ_OK) {
        gz_obj_set_strn(ctx, "content", body.p, body.len);
        rc = gz_tpl_render(set, "layout.html", ctx, &page);
    }
    if (rc) {
        gz_error("admin: rendering %s failed", tpl);
        gz_http_send_error(q->r, 500, "Internal Server Error");
    } else {
        gz_http_add_header(q->r, "cache-control", "no-store");
        gz_http_send(q->r, status, status == 200 ? "OK" : "Error", "text/html; charset=utf-8",
                     page.p, page.len);
    }
    gz_buf_free(&body);
    gz_buf_free(&page);
}

void gz_admin_render(struct gz_admin_req *q, int status, const char *tpl, const char *title,
                     struct gz_val *ctx)
{
    render_page(q, status, tpl, title, ctx);
}

void gz_admin_error(struct gz_admin_req *q, int status, const char *message)
{
    struct gz_val *ctx = gz_admin_ctx(q);
    const char *heading = gz_admin_tr(q, status == 403   ? "Not allowed"
                                         : status == 404 ? "Not found"
                                         : status == 405 ? "Method not allowed"
                                         : status == 413 ? "Too large"
                                                         : "Something is wrong");
    gz_obj_set_str(ctx, "heading", heading);
    gz_obj_set_str(ctx, "message", message);
    render_page(q, status, "error.html", heading, ctx);
}

/* Percent-encodes s for a cookie value. */
static char *cookie_escape(struct gz_arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n > FLASH_MAX)
        n = FLASH_MAX;
    char *out = gz_arena_alloc(a, 3 * n + 1), *o = out;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = 0;
    return out;
}

void gz_admin_redirect(struct gz_admin_req *q, const char *path, const char *flash)
{
    if (flash)
        set_cookie(q, FLASH_COOKIE, cookie_escape(q->arena, flash), 60, "/admin");
    gz_http_add_header(q->r, "cache-control", "no-store");
    gz_http_redirect(q->r, 303, path, strlen(path));
}

/* ---- login, logout, setup ---- */

/* A "next" target is kept only when it is an admin path of ours. */
static const char *safe_next(const char *next)
{
    if (!next || strncmp(next, "/admin", 6) || strstr(next, "//") || strchr(next, '\\'))
        return "/admin";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20)
            return "/admin";
    return next;
}

static void login_form(struct gz_admin_req *q, int status, const char *error,
                       const char *name, const char *next)
{
    /* The login form's CSRF defence: a random value in a cookie and in the
     * form, which another site can neither read nor set. */
    char token[GZ_SECRET_HEX];
    uint8_t unused[32];
    gz_secret_new(token, unused);
    set_cookie(q, LOGIN_COOKIE, token, 3600, "/admin");
    snprintf(q->auth.csrf, sizeof q->auth.csrf, "%s", token);
    struct gz_val *ctx = gz_admin_ctx(q);
    if (error)
        gz_obj_set_str(ctx, "error", error);
    gz_obj_set_str(ctx, "name", name ? name : "");
    gz_obj_set_str(ctx, "next", safe_next(next));
    render_page(q, status, "login.html", gz_admin_tr(q, "Log in"), ctx);
    q->auth.csrf[0] = 0;
}

static void do_login(struct gz_admin_req *q)
{
    if (!q->is_post) {
        login_form(q, 200, NULL, NULL, gz_form_get(&q->query, "next"));
        return;
    }
    const char *name = gz_form_get(&q->form, "name");
    const char *password = gz_form_get(&q->form, "password");
    const char *next = gz_form_get(&q->form, "next");
    const char *sent = gz_form_get(&q->form, "_csrf");
    struct gz_str cookie = gz_cookie_get(gz_http_header(q->r, H2O_TOKEN_COOKIE), LOGIN_COOKIE);
    if (!sent || cookie.len != 64 || strlen(sent) != 64 ||
        sodium_memcmp(sent, cookie.p, 64) != 0) {
        login_form(q, 403, gz_admin_tr(q, "Your form expired. Please try again."), name,
                   next);
        return;
    }
    char session[GZ_SECRET_HEX];
    struct gz_user u;
    int64_t retry = 0, now = time(NULL);
    int64_t lifetime = (int64_t)gz_site_cfg(q->site)->session_hours * 3600;
    int rc = gz_auth_login(q->st, name, password, gz_http_peer_text(q->r, q->arena), now,
                           lifetime, session, &u, &retry);
    if (rc == GZ_EAGAIN) {
        char *msg = gz_arena_printf(
            q->arena,
            gz_admin_tr(q, "Too many failed attempts. Try again in %lld seconds."),
            (long long)retry);
        gz_http_add_header(q->r, "retry-after", gz_arena_printf(q->arena, "%lld", (long long)retry));
        login_form(q, 429, msg, name, next);
        return;
    }
    if (rc) {
        /* Never say which of the two was wrong. */
        login_form(q, rc == GZ_EINVAL ? 401 : 500,
                   gz_admin_tr(q, rc == GZ_EINVAL ? "Wrong user name or password."
                                                  : "Login failed; try again."),
                   name, next);
        return;
    }
    gz_info("admin: %s logged in from %s", u.name, gz_http_peer_text(q->r, q->arena));
    gz_user_clear(&u);
    set_cookie(q, GZ_SESSION_COOKIE, session, lifetime, "/");
    set_cookie(q, LOGIN_COOKIE, "", 0, "/admin");
    gz_admin_redirect(q, safe_next(next), NULL);
}

static void do_logout(struct gz_admin_req *q)
{
    if (!q->is_post) {
        gz_admin_error(q, 405, gz_admin_tr(q, "Log out with the button."));
        return;
    }
    q->st->ops->session_delete(q->st, q->auth.session_hash);
    set_cookie(q, GZ_SESSION_COOKIE, "", 0, "/");
    gz_admin_redirect(q, "/admin/login", gz_admin_tr(q, "You are logged out."));
}

/* The one-time setup: while no administrator exists, whoever holds the key
 * gazette serve printed may create the first one. */
static void do_setup(struct gz_admin_req *q)
{
    struct gz_site *site = q->site;
    int64_t admins = 0;
    if (q->st->ops->user_count_admins(q->st, &admins) || admins > 0 || !site->setup_key[0]) {
        gz_admin_error(
            q, 404,
            gz_admin_tr(q, "This site already has an administrator. Log in instead."));
        return;
    }
    const struct gz_form *f = q->is_post ? &q->form : &q->query;
    const char *key = gz_form_get(f, "key");
    if (!key || strlen(key) != 64 || sodium_memcmp(key, site->setup_key, 64) != 0) {
        gz_admin_error(q, 403,
                       gz_admin_tr(q, "This setup link is not valid. Use the one "
                                      "gazette serve printed, or run: gazette user "
                                      "add NAME --role admin"));
        return;
    }
    struct gz_val *ctx = gz_admin_ctx(q);
    gz_obj_set_str(ctx, "key", key);
    if (!q->is_post) {
        render_page(q, 200, "setup.html", gz_admin_tr(q, "Set up"), ctx);
        return;
    }
    const char *name = gz_form_get(f, "name"), *pw = gz_form_get(f, "password"),
               *pw2 = gz_form_get(f, "password2");
    char hash[GZ_PASSWORD_HASH_MAX];
    const char *error = NULL;
    if (!name || !name[0] || strlen(name) > 64 || !gz_utf8_valid(name, strlen(name)))
        error = gz_admin_tr(q, "Choose a user name of 1 to 64 characters.");
    else if (!pw || !pw2 || strcmp(pw, pw2))
        error = gz_admin_tr(q, "The two passwords differ.");
    else if (gz_password_hash(pw, hash))
        error = gz_admin_tr(q, "The password must have 8 to 1024 characters.");
    if (!error) {
        struct gz_user u = {0}, old;
        int rc = q->st->ops->user_get_by_name(q->st, name, &old);
        if (rc == GZ_OK) /* an author from an import or the CLI becomes the admin */
            u = old;
        u.role = GZ_ROLE_ADMIN;
        u.disabled = 0;
        free(u.pass_hash);
        u.pass_hash = gz_xstrdup(hash);
        if (rc != GZ_OK) {
            u.name = gz_xstrdup(name);
            u.created_at = time(NULL);
        }
        rc = q->st->ops->user_save(q->st, &u);
        gz_user_clear(&u);
        if (rc)
            error = gz_admin_tr(q, "The administrator could not be saved.");
    }
    sodium_memzero(hash, sizeof hash);
    if (error) {
        gz_obj_set_str(ctx, "error", error);
        gz_obj_set_str(ctx, "name", name ? name : "");
        render_page(q, 422, "setup.html", gz_admin_tr(q, "Set up"), ctx);
        return;
    }
    site->setup_key[0] = 0;
    gz_info("admin: first administrator %s created through the setup link", name);
    gz_admin_redirect(q, "/admin/login",
                      gz_admin_tr(q, "Administrator created. Log in."));
}

/* ---- the dashboard ---- */

static int64_t count_articles(struct gz_admin_req *q, int status, int trash)
{
    struct gz_article_filter f = {.status = status, .trash = trash, .now = time(NULL),
                                  .limit = 0};
    struct gz_article_rows rows = {0};
    int64_t total = 0;
    if (q->st->ops->article_list(q->st, &f, &rows, &total))
        total = 0;
    gz_article_rows_clear(&rows);
    return total;
}

static void dashboard(struct gz_admin_req *q)
{
    struct gz_val *ctx = gz_admin_ctx(q);
    gz_obj_set_int(ctx, "drafts", count_articles(q, GZ_STATUS_DRAFT, 0));
    gz_obj_set_int(ctx, "scheduled", count_articles(q, GZ_STATUS_SCHEDULED, 0));
    gz_obj_set_int(ctx, "published", count_articles(q, GZ_STATUS_PUBLISHED, 0));
    gz_obj_set_int(ctx, "trashed", count_articles(q, -1, 1));
    render_page(q, 200, "dashboard.html", gz_admin_tr(q, "Dashboard"), ctx);
}

/* ---- dispatch ---- */

static int serve_asset(struct gz_site *site, struct gz_request *r, struct gz_str rest)
{
    const struct gz_asset *a = gz_theme_asset(site->admin->theme, rest.p, rest.len);
    if (!a) {
        gz_http_send_error(r, 404, "Not Found");
        return GZ_OK;
    }
    gz_http_send_page(r, a->page, "public, max-age=31536000, immutable");
    return GZ_OK;
}

static int is_urlencoded(struct gz_request *r)
{
    struct gz_str ct = gz_http_header(r, H2O_TOKEN_CONTENT_TYPE);
    static const char want[] = "application/x-www-form-urlencoded";
    return ct.len >= sizeof want - 1 && !strncasecmp(ct.p, want, sizeof want - 1);
}

int gz_admin_handle(void *ctx, struct gz_request *r)
{
    struct gz_site *site = ctx;
    struct gz_str rest;
    if (!gz_route_under(r->path, "/admin", &rest))
        return GZ_DECLINED;
    struct gz_str sub;
    if (gz_route_under(rest, "/assets", &sub) && sub.len > 1) {
        if (!gz_site_method_ok(r))
            return GZ_OK;
        sub.p++;
        sub.len--;
        return serve_asset(site, r, sub);
    }
    h2o_iovec_t m = r->req->method;
    int is_post = h2o_memis(m.base, m.len, H2O_STRLIT("POST"));
    if (!is_post && !h2o_memis(m.base, m.len, H2O_STRLIT("GET")) && !r->is_head) {
        gz_http_add_header(r, "allow", "GET, HEAD, POST");
        gz_http_send_error(r, 405, "Method Not Allowed");
        return GZ_OK;
    }
    struct gz_admin_req q = {
        .site = site,
        .r = r,
        .st = gz_site_thread_of(site, r)->store,
        .arena = &r->worker->arena,
        .is_post = is_post,
        .rest = rest,
    };
    if (gz_form_parse(q.arena, r->query.p, r->query.len, &q.query)) {
        gz_http_send_error(r, 400, "Bad Request");
        return GZ_OK;
    }
    if (is_post && is_urlencoded(r) &&
        gz_form_parse(q.arena, r->req->entity.base, r->req->entity.len, &q.form)) {
        gz_http_send_error(r, 400, "Bad Request");
        return GZ_OK;
    }
    if (!q.st) {
        gz_http_send_error(r, 503, "Service Unavailable");
        return GZ_OK;
    }
    if (lit_eq(rest, "/login")) {
        do_login(&q);
        return GZ_OK;
    }
    if (lit_eq(rest, "/setup")) {
        do_setup(&q);
        return GZ_OK;
    }
    if (gz_auth_from_request(r, q.st, 0, &q.auth)) {
        gz_auth_clear(&q.auth);
        if (is_post) {
            gz_admin_error(&q, 403,
                           gz_admin_tr(&q, "Your session has ended. Log in again."));
        } else {
            char *next = gz_arena_printf(q.arena, "/admin/login?next=%s",
                                         cookie_escape(q.arena, gz_arena_strndup(
                                             q.arena, r->req->path.base, r->req->path.len)));
            gz_admin_redirect(&q, next, NULL);
        }
        return GZ_OK;
    }
    /* Every state-changing form carries the session's CSRF token; a
     * multipart upload is checked by its handler (the token is a field of
     * the multipart body). */
    if (is_post && is_urlencoded(r) && !gz_auth_csrf_ok(&q.auth, &q.form)) {
        gz_admin_error(&q, 403,
                       gz_admin_tr(&q, "This form has expired or did not come from "
                                       "this site. Reload the page and try again."));
    } else if (is_post && !is_urlencoded(r) && !gz_route_under(rest, "/media", &sub)) {
        gz_admin_error(
            &q, 415,
            gz_admin_tr(&q, "Forms must be sent as application/x-www-form-urlencoded."));
    } else if (rest.len == 0 || lit_eq(rest, "/")) {
        dashboard(&q);
    } else if (lit_eq(rest, "/logout")) {
        do_logout(&q);
    } else if (gz_route_under(rest, "/articles", &sub)) {
        gz_admin_articles(&q, sub);
    } else if (gz_route_under(rest, "/media", &sub)) {
        gz_admin_media(&q, sub);
    } else if (gz_route_under(rest, "/users", &sub)) {
        gz_admin_users(&q, sub);
    } else if (gz_route_under(rest, "/settings", &sub)) {
        gz_admin_settings(&q, sub);
    } else if (gz_route_under(rest, "/tokens", &sub)) {
        gz_admin_tokens(&q, sub);
    } else if (gz_route_under(rest, "/account", &sub)) {
        gz_admin_account(&q, sub);
    } else if (gz_route_under(rest, "/stats", &sub)) {
        gz_admin_stats(&q, sub);
    } else if (lit_eq(rest, "/stats.csv")) {
        gz_admin_stats_csv(&q);
    } else {
        gz_admin_error(&q, 404, gz_admin_tr(&q, "There is no such admin page."));
    }
    gz_auth_clear(&q.auth);
    return GZ_OK;
}
