/* /admin/account: everyone's own display name, e-mail address and
 * password. A password change asks for the current one (a session left
 * open on a shared computer must not be enough to take the account) and
 * ends every other session of the user. */
#include "admin/admin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "render/template.h"

static void show(struct gz_admin_req *q, int status, const char *error,
                 const char *password_error)
{
    const struct gz_user *u = &q->auth.user;
    struct gz_val *ctx = gz_admin_ctx(q);
    const struct gz_form *f = q->is_post ? &q->form : NULL;
    const char *display = f ? gz_form_get(f, "display_name") : NULL;
    const char *email = f ? gz_form_get(f, "email") : NULL;
    gz_obj_set_str(ctx, "name", gz_arena_strdup(q->arena, u->name));
    gz_obj_set_str(ctx, "role", gz_role_name(u->role));
    gz_obj_set_str(ctx, "display_name",
                   gz_arena_strdup(q->arena, display ? display : u->display_name));
    gz_obj_set_str(ctx, "email", gz_arena_strdup(q->arena, email ? email : u->email));
    if (error)
        gz_obj_set_str(ctx, "error", error);
    if (password_error)
        gz_obj_set_str(ctx, "password_error", password_error);
    gz_admin_render(q, status, "account.html", gz_admin_tr(q, "Your account"), ctx);
}

/* POST /admin/account: display name and e-mail address. */
static void save_profile(struct gz_admin_req *q)
{
    const char *display = gz_form_get(&q->form, "display_name");
    const char *email = gz_form_get(&q->form, "email");
    char err[200];
    if (gz_user_fields_check(NULL, display ? display : "", email ? email : "", err,
                             sizeof err)) {
        show(q, 422, gz_admin_tr(q, err), NULL);
        return;
    }
    struct gz_user u;
    if (q->st->ops->user_get(q->st, q->auth.user.id, &u)) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "Your account could not be read. Try again."));
        return;
    }
    free(u.display_name);
    free(u.email);
    u.display_name = gz_xstrdup(display ? display : "");
    u.email = gz_xstrdup(email ? email : "");
    free(u.pass_hash);
    u.pass_hash = NULL; /* keep it */
    int rc = q->st->ops->user_save(q->st, &u);
    gz_user_clear(&u);
    if (rc) {
        show(q, 500, gz_admin_tr(q, "Your account could not be saved. Try again."), NULL);
        return;
    }
    gz_admin_redirect(q, "/admin/account", gz_admin_tr(q, "Saved."));
}

/* Ends every session of the user but this one: all of them go, then this
 * one is written back as it was, in one transaction. */
static int end_other_sessions(struct gz_admin_req *q)
{
    struct gz_store *st = q->st;
    struct gz_session mine;
    if (st->ops->session_get(st, q->auth.session_hash, time(NULL), &mine))
        return GZ_ENOTFOUND;
    int rc = st->ops->begin(st);
    if (rc == GZ_OK)
        rc = st->ops->session_delete_user(st, q->auth.user.id);
    if (rc == GZ_OK)
        rc = st->ops->session_create(st, q->auth.session_hash, q->auth.user.id, mine.csrf,
                                     mine.created_at, mine.expires_at);
    rc = rc == GZ_OK ? st->ops->commit(st) : (st->ops->rollback(st), rc);
    gz_session_clear(&mine);
    return rc;
}

/* Checks the three password fields; a reason for people, or NULL. */
static const char *password_problem(struct gz_admin_req *q,
                                    char hash[GZ_PASSWORD_HASH_MAX])
{
    const char *now = gz_form_get(&q->form, "current");
    const char *pw = gz_form_get(&q->form, "password");
    const char *again = gz_form_get(&q->form, "password2");
    if (!gz_password_verify(q->auth.user.pass_hash, now ? now : ""))
        return gz_admin_tr(q, "Your current password is not right.");
    if (!pw || !again || strcmp(pw, again))
        return gz_admin_tr(q, "The two new passwords differ.");
    if (gz_password_hash(pw, hash))
        return gz_admin_tr(q, "The new password must have 8 to 1024 characters.");
    return NULL;
}

/* POST /admin/account/password. */
static void change_password(struct gz_admin_req *q)
{
    char hash[GZ_PASSWORD_HASH_MAX] = "";
    const char *why = password_problem(q, hash);
    if (why) {
        show(q, 422, NULL, why);
        return;
    }
    struct gz_user u;
    int rc = q->st->ops->user_get(q->st, q->auth.user.id, &u);
    if (rc == GZ_OK) {
        free(u.pass_hash);
        u.pass_hash = gz_xstrdup(hash);
        rc = q->st->ops->user_save(q->st, &u);
        gz_user_clear(&u);
    }
    sodium_memzero(hash, sizeof hash);
    if (rc == GZ_OK)
        rc = end_other_sessions(q);
    if (rc) {
        show(q, 500, NULL,
             gz_admin_tr(q, "The password could not be changed. Try again."));
        return;
    }
    gz_info("admin: %s changed their password", q->auth.user.name);
    gz_admin_redirect(
        q, "/admin/account",
        gz_admin_tr(q, "Password changed. Your other sessions have been logged out."));
}

void gz_admin_account(struct gz_admin_req *q, struct gz_str sub)
{
    int root = sub.len == 0 || (sub.len == 1 && sub.p[0] == '/');
    int password = sub.len == 9 && !memcmp(sub.p, "/password", 9);
    if (!root && !password)
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such admin page."));
    else if (!q->is_post)
        show(q, 200, NULL, NULL);
    else if (password)
        change_password(q);
    else
        save_profile(q);
}
