/* /admin/users: the accounts of the newsroom (administrators only). A
 * user is an author row that can log in; an author without a password
 * (from `gazette new --author` or an import) is listed too, and becomes
 * an account when given a password.
 *
 * The site must keep a way in: an administrator can neither demote nor
 * disable themself, nor the last enabled administrator. */
#include "admin/admin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "render/template.h"

static const char *const role_names[] = {"contributor", "author", "editor", "admin"};

/* Valid UTF-8 of at most max bytes without control characters. */
static int text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !gz_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

int gz_user_fields_check(const char *name, const char *display_name, const char *email,
                         char *err, size_t errlen)
{
    if (name) {
        size_t n = strlen(name);
        if (!n || !text_ok(name, 64) || name[0] == ' ' || name[n - 1] == ' ') {
            snprintf(err, errlen,
                     GZ_N("a user name has 1 to 64 characters, without control "
                          "characters or spaces at either end"));
            return GZ_EINVAL;
        }
    }
    if (display_name && !text_ok(display_name, 100)) {
        snprintf(err, errlen, GZ_N("a display name has at most 100 characters"));
        return GZ_EINVAL;
    }
    if (email && email[0]) {
        const char *at = strchr(email, '@');
        if (!text_ok(email, 254) || strchr(email, ' ') || !at || at == email || !at[1] ||
            strchr(at + 1, '@')) {
            snprintf(err, errlen, "'%.60s' is not an e-mail address", email);
            return GZ_EINVAL;
        }
    }
    return GZ_OK;
}

/* ---- the page ---- */

static const char *copy(struct gz_admin_req *q, const char *s)
{
    return gz_arena_strdup(q->arena, s ? s : "");
}

static struct gz_val *role_options(struct gz_admin_req *q, enum gz_role selected)
{
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < GZ_COUNTOF(role_names); i++) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "value", role_names[i]);
        gz_obj_set_bool(o, "selected", (size_t)selected == i);
        gz_list_push(list, o);
    }
    return list;
}

static struct gz_val *user_values(struct gz_admin_req *q, const struct gz_user *u)
{
    struct gz_val *o = gz_val_obj(q->arena);
    gz_obj_set_int(o, "id", u->id);
    gz_obj_set_str(o, "name", copy(q, u->name));
    gz_obj_set_str(o, "display_name", copy(q, u->display_name));
    gz_obj_set_str(o, "email", copy(q, u->email));
    gz_obj_set_str(o, "role", gz_role_name(u->role));
    gz_obj_set_bool(o, "disabled", u->disabled);
    gz_obj_set_bool(o, "has_password", u->pass_hash && u->pass_hash[0]);
    gz_obj_set_bool(o, "is_me", u->id == q->auth.user.id);
    gz_obj_set(o, "roles", role_options(q, u->role));
    return o;
}

/* The list, and the form to add a user (re-filled after an error). */
static void show_list(struct gz_admin_req *q, int status, const char *error)
{
    struct gz_user_list l = {0};
    if (q->st->ops->user_list(q->st, &l)) {
        gz_admin_error(q, 500, gz_admin_tr(q, "The users could not be read. Try again."));
        return;
    }
    struct gz_val *ctx = gz_admin_ctx(q), *list = gz_val_list(q->arena);
    for (size_t i = 0; i < l.len; i++)
        gz_list_push(list, user_values(q, &l.items[i]));
    gz_user_list_clear(&l);
    gz_obj_set(ctx, "users", list);
    enum gz_role role = GZ_ROLE_AUTHOR;
    const char *posted_role = q->is_post ? gz_form_get(&q->form, "role") : NULL;
    if (posted_role)
        gz_role_parse(posted_role, &role);
    gz_obj_set(ctx, "roles", role_options(q, role));
    if (q->is_post) {
        gz_obj_set_str(ctx, "new_name", gz_form_get(&q->form, "name"));
        gz_obj_set_str(ctx, "new_display_name", gz_form_get(&q->form, "display_name"));
        gz_obj_set_str(ctx, "new_email", gz_form_get(&q->form, "email"));
    }
    if (error)
        gz_obj_set_str(ctx, "error", error);
    gz_obj_set_bool(ctx, "nav_users", 1);
    gz_admin_render(q, status, "users.html", gz_admin_tr(q, "Users"), ctx);
}

/* Checks the posted fields common to create and edit; a message for
 * people in err. */
static int posted_fields(struct gz_admin_req *q, const char *name, enum gz_role *role,
                         char *err, size_t errlen)
{
    const char *r = gz_form_get(&q->form, "role");
    if (!r || gz_role_parse(r, role)) {
        snprintf(err, errlen, "%s",
                 gz_admin_tr(q, "Choose a role: admin, editor, author or contributor."));
        return GZ_EINVAL;
    }
    const char *display = gz_form_get(&q->form, "display_name");
    const char *email = gz_form_get(&q->form, "email");
    if (gz_user_fields_check(name, display ? display : "", email ? email : "", err,
                             errlen)) {
        const char *said = gz_admin_tr(q, err);
        if (said != err)
            snprintf(err, errlen, "%s", said);
        err[0] = (char)(err[0] >= 'a' && err[0] <= 'z' ? err[0] - 32 : err[0]);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

static void replace(char **field, const char *value)
{
    free(*field);
    *field = gz_xstrdup(value ? value : "");
}

/* POST /admin/users: a new user, or an author without a password made
 * into one. */
static void create(struct gz_admin_req *q)
{
    const char *name = gz_form_get(&q->form, "name");
    const char *password = gz_form_get(&q->form, "password");
    char err[200], hash[GZ_PASSWORD_HASH_MAX];
    enum gz_role role;
    if (posted_fields(q, name ? name : "", &role, err, sizeof err)) {
        show_list(q, 422, err);
        return;
    }
    if (gz_password_hash(password, hash)) {
        show_list(q, 422, gz_admin_tr(q, "The password must have 8 to 1024 characters."));
        return;
    }
    struct gz_user u;
    int rc = q->st->ops->user_get_by_name(q->st, name, &u);
    if (rc == GZ_OK && u.pass_hash[0]) {
        gz_user_clear(&u);
        sodium_memzero(hash, sizeof hash);
        show_list(q, 409, gz_admin_tr(q, "A user with that name exists already."));
        return;
    }
    if (rc != GZ_OK) {
        memset(&u, 0, sizeof u);
        u.name = gz_xstrdup(name);
        u.created_at = time(NULL);
    }
    u.role = role;
    u.disabled = 0;
    replace(&u.pass_hash, hash);
    replace(&u.display_name, gz_form_get(&q->form, "display_name"));
    replace(&u.email, gz_form_get(&q->form, "email"));
    sodium_memzero(hash, sizeof hash);
    rc = q->st->ops->user_save(q->st, &u);
    gz_user_clear(&u);
    if (rc) {
        show_list(q, rc == GZ_EEXIST ? 409 : 500,
                  gz_admin_tr(q, rc == GZ_EEXIST
                                     ? "A user with that name exists already."
                                     : "The user could not be saved. Try again."));
        return;
    }
    gz_info("admin: %s created user %s (%s)", q->auth.user.name, name,
            gz_role_name(role));
    gz_admin_redirect(q, "/admin/users", gz_admin_tr(q, "User created."));
}

static void show_user(struct gz_admin_req *q, int status, const struct gz_user *u,
                      const char *error)
{
    struct gz_val *ctx = gz_admin_ctx(q);
    gz_obj_set(ctx, "u", user_values(q, u));
    if (error)
        gz_obj_set_str(ctx, "error", error);
    gz_obj_set_bool(ctx, "nav_users", 1);
    gz_admin_render(q, status, "user.html",
                    gz_arena_printf(q->arena, gz_admin_tr(q, "User %s"), u->name), ctx);
}

/* Whether the change of u (now stored as `was`) would leave the site
 * without an enabled administrator, or lock the acting admin out. A
 * reason for people, or NULL when it may go ahead. */
static const char *lockout(struct gz_admin_req *q, const struct gz_user *was,
                           enum gz_role role, int disabled)
{
    int loses_admin = was->role == GZ_ROLE_ADMIN && !was->disabled &&
                      (role != GZ_ROLE_ADMIN || disabled);
    if (!loses_admin)
        return NULL;
    if (was->id == q->auth.user.id)
        return gz_admin_tr(q,
                           "You cannot demote or disable yourself; another administrator "
                           "can.");
    int64_t admins = 0;
    if (q->st->ops->user_count_admins(q->st, &admins) ||
        (admins <= 1 && was->pass_hash[0]))
        return gz_admin_tr(q, "This is the last enabled administrator; make another one "
                              "first.");
    return NULL;
}

/* POST /admin/users/ID. */
static void update(struct gz_admin_req *q, struct gz_user *u)
{
    char err[200], hash[GZ_PASSWORD_HASH_MAX];
    enum gz_role role;
    int disabled = gz_form_get(&q->form, "disabled") != NULL;
    const char *password = gz_form_get(&q->form, "password");
    const char *why = NULL;
    if (posted_fields(q, NULL, &role, err, sizeof err))
        why = err;
    else
        why = lockout(q, u, role, disabled);
    if (!why && password && password[0] && u->id == q->auth.user.id)
        why = gz_admin_tr(q, "Change your own password on your account page.");
    if (!why && password && password[0] && gz_password_hash(password, hash))
        why = gz_admin_tr(q, "The password must have 8 to 1024 characters.");
    if (why) {
        show_user(q, 422, u, why);
        return;
    }
    int new_password = password && password[0];
    int ends_sessions = new_password || (disabled && !u->disabled);
    u->role = role;
    u->disabled = disabled;
    replace(&u->display_name, gz_form_get(&q->form, "display_name"));
    replace(&u->email, gz_form_get(&q->form, "email"));
    free(u->pass_hash);
    u->pass_hash = new_password ? gz_xstrdup(hash) : NULL; /* NULL keeps it */
    sodium_memzero(hash, sizeof hash);
    if (q->st->ops->user_save(q->st, u)) {
        gz_admin_error(q, 500, gz_admin_tr(q, "The user could not be saved. Try again."));
        return;
    }
    /* A disabled user, or one whose password was reset, must not stay
     * logged in anywhere. */
    if (ends_sessions)
        q->st->ops->session_delete_user(q->st, u->id);
    gz_info("admin: %s changed user %s (%s%s)", q->auth.user.name, u->name,
            gz_role_name(role), disabled ? ", disabled" : "");
    gz_admin_redirect(q, "/admin/users", gz_admin_tr(q, "User saved."));
}

static void one_user(struct gz_admin_req *q, struct gz_str rest)
{
    int64_t id;
    struct gz_user u;
    if (gz_parse_i64(rest.p, rest.len, 1, INT64_MAX, &id) ||
        q->st->ops->user_get(q->st, id, &u)) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such user."));
        return;
    }
    if (q->is_post)
        update(q, &u);
    else
        show_user(q, 200, &u, NULL);
    gz_user_clear(&u);
}

void gz_admin_users(struct gz_admin_req *q, struct gz_str sub)
{
    if (!gz_can(&q->auth.user, GZ_ACT_USER_MANAGE, NULL)) {
        gz_admin_error(q, 403, gz_admin_tr(q, "Only administrators may manage users."));
        return;
    }
    if (sub.len == 0 || (sub.len == 1 && sub.p[0] == '/')) {
        if (q->is_post)
            create(q);
        else
            show_list(q, 200, NULL);
        return;
    }
    one_user(q, (struct gz_str){sub.p + 1, sub.len - 1});
}
