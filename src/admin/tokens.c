/* /admin/tokens: API tokens. Everyone who may (GZ_ACT_TOKEN_CREATE)
 * creates tokens for themself; a token acts as its user, with the user's
 * role at the time of each request. Only the token's SHA-256 is stored,
 * so its secret is shown once, on the page that answers its creation.
 * Administrators see and revoke everyone's tokens. */
#include "admin/admin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "render/template.h"

#define NAME_MAX_LEN 100

static int is_admin(struct gz_admin_req *q)
{
    return gz_can(&q->auth.user, GZ_ACT_USER_MANAGE, NULL);
}

static const char *date_text(struct gz_admin_req *q, int64_t t)
{
    if (!t)
        return "never";
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return gz_arena_printf(q->arena, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static const char *owner_name(struct gz_admin_req *q, const struct gz_user_list *users,
                              int64_t id)
{
    for (size_t i = 0; i < users->len; i++)
        if (users->items[i].id == id)
            return gz_arena_strdup(q->arena, users->items[i].name);
    return "";
}

/* The tokens this user may see: their own, or every one for an admin. */
static struct gz_val *token_values(struct gz_admin_req *q)
{
    struct gz_api_token_list l = {0};
    struct gz_user_list users = {0};
    int all = is_admin(q);
    if (q->st->ops->token_list(q->st, all ? 0 : q->auth.user.id, &l) ||
        (all && q->st->ops->user_list(q->st, &users))) {
        gz_api_token_list_clear(&l);
        return NULL;
    }
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; i < l.len; i++) {
        const struct gz_api_token *t = &l.items[i];
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_int(o, "id", t->id);
        gz_obj_set_str(o, "name", gz_arena_strdup(q->arena, t->name));
        gz_obj_set_str(o, "owner", all ? owner_name(q, &users, t->user_id) : "");
        gz_obj_set_str(o, "created", date_text(q, t->created_at));
        gz_obj_set_str(o, "last_used", date_text(q, t->last_used));
        gz_list_push(list, o);
    }
    gz_api_token_list_clear(&l);
    gz_user_list_clear(&users);
    return list;
}

/* The page; secret is the token just created (shown this once) or NULL. */
static void show(struct gz_admin_req *q, int status, const char *secret,
                 const char *secret_name, const char *error)
{
    struct gz_val *ctx = gz_admin_ctx(q), *list = token_values(q);
    if (!list) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The tokens could not be read. Try again."));
        return;
    }
    gz_obj_set(ctx, "tokens", list);
    gz_obj_set_bool(ctx, "any", list->u.list.len > 0);
    gz_obj_set_bool(ctx, "all_users", is_admin(q));
    if (secret) {
        gz_obj_set_str(ctx, "secret", secret);
        gz_obj_set_str(ctx, "secret_name", secret_name);
    }
    if (error)
        gz_obj_set_str(ctx, "error", error);
    gz_obj_set_bool(ctx, "nav_tokens", 1);
    gz_admin_render(q, status, "tokens.html", gz_admin_tr(q, "API tokens"), ctx);
}

static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (!n || n > NAME_MAX_LEN || !gz_utf8_valid(name, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20)
            return 0;
    return 1;
}

/* POST /admin/tokens: a new token for the user asking. */
static void create(struct gz_admin_req *q)
{
    const char *name = gz_form_get(&q->form, "name");
    if (!name_ok(name)) {
        show(q, 422, NULL, NULL,
             gz_admin_tr(q, "Give the token a name of 1 to 100 characters."));
        return;
    }
    char hex[GZ_SECRET_HEX];
    uint8_t hash[32];
    int64_t id;
    gz_secret_new(hex, hash);
    if (q->st->ops->token_create(q->st, hash, q->auth.user.id, name, time(NULL), &id)) {
        sodium_memzero(hex, sizeof hex);
        show(q, 500, NULL, NULL,
             gz_admin_tr(q, "The token could not be saved. Try again."));
        return;
    }
    char *secret = gz_arena_printf(q->arena, "%s%s", GZ_TOKEN_PREFIX, hex);
    sodium_memzero(hex, sizeof hex);
    gz_info("admin: %s created API token %lld", q->auth.user.name, (long long)id);
    /* Answered here, not through a redirect: the secret exists nowhere
     * else, and the page is sent with no-store. */
    show(q, 200, secret, name, NULL);
}

/* POST /admin/tokens/ID/revoke. */
static void revoke_token(struct gz_admin_req *q, struct gz_str id_text)
{
    int64_t id;
    if (gz_parse_i64(id_text.p, id_text.len, 1, INT64_MAX, &id) ||
        q->st->ops->token_delete(q->st, id, is_admin(q) ? 0 : q->auth.user.id)) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such token."));
        return;
    }
    gz_info("admin: %s revoked API token %lld", q->auth.user.name, (long long)id);
    gz_admin_redirect(q, "/admin/tokens", gz_admin_tr(q, "Token revoked."));
}

void gz_admin_tokens(struct gz_admin_req *q, struct gz_str sub)
{
    if (!gz_can(&q->auth.user, GZ_ACT_TOKEN_CREATE, NULL)) {
        gz_admin_error(q, 403, gz_admin_tr(q, "You may not use API tokens."));
        return;
    }
    static const char suffix[] = "/revoke";
    size_t n = sizeof suffix - 1;
    if (sub.len == 0 || (sub.len == 1 && sub.p[0] == '/')) {
        if (q->is_post)
            create(q);
        else
            show(q, 200, NULL, NULL, NULL);
    } else if (sub.len > n + 1 && !memcmp(sub.p + sub.len - n, suffix, n)) {
        if (q->is_post)
            revoke_token(q, (struct gz_str){sub.p + 1, sub.len - n - 1});
        else
            gz_admin_error(q, 405, gz_admin_tr(q, "Revoke a token with its button."));
    } else {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such admin page."));
    }
}
