/* /api/v1/users (admins only) and /api/v1/me (any token). A user is shown
 * without its password hash, ever; a password is set through
 * gz_password_hash and never read back. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/apiInt.h"
#include "core/log.h"

#define NAME_MAX_BYTES 64
#define DISPLAY_NAME_MAX 128
#define EMAIL_MAX 254

json_t *gz_api_user_json(const struct gz_user *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "name", gz_api_string(u->name));
    json_object_set_new(o, "display_name", gz_api_string(u->display_name));
    json_object_set_new(o, "email", gz_api_string(u->email));
    json_object_set_new(o, "role", json_string(gz_role_name(u->role)));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "has_password", json_boolean(u->pass_hash && u->pass_hash[0]));
    json_object_set_new(o, "created_at", gz_api_time(u->created_at));
    return o;
}

/* ---- /me ---- */

void gz_api_me(struct gz_api_req *q, int64_t id)
{
    static const char *const none[] = {NULL};
    if (gz_api_require_user(q) && gz_api_check_params(q, none))
        gz_api_send(q, 200, gz_api_user_json(gz_api_user(q)));
}

/* ---- reading users ---- */

static void list(struct gz_api_req *q)
{
    struct gz_user_list l = {0};
    if (q->st->ops->user_list(q->st, &l)) {
        gz_api_internal(q, "Listing users");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.len; i++)
        json_array_append_new(items, gz_api_user_json(&l.items[i]));
    gz_user_list_clear(&l);
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    gz_api_send(q, 200, body);
}

/* Loads user id, answering 404 (or 500) when it cannot. */
static int load(struct gz_api_req *q, int64_t id, struct gz_user *u)
{
    int rc = q->st->ops->user_get(q->st, id, u);
    if (rc == GZ_ENOTFOUND)
        gz_api_problemf(q, 404, GZ_PROBLEM_NOT_FOUND, "There is no user %lld.",
                        (long long)id);
    else if (rc)
        gz_api_internal(q, "Reading a user");
    return rc;
}

static void get(struct gz_api_req *q, int64_t id)
{
    struct gz_user u;
    if (load(q, id, &u))
        return;
    gz_api_send(q, 200, gz_api_user_json(&u));
    gz_user_clear(&u);
}

/* ---- writing users ---- */

static const char *const writable[] = {"name",     "display_name", "email", "role",
                                       "password", "disabled",     NULL};

/* What a request asks to change, read and checked before anything is
 * touched. */
struct changes {
    const char *name, *display_name, *email, *password;
    int has_role, has_disabled, disabled;
    enum gz_role role;
};

static void read_role(json_t *obj, struct changes *c, json_t *errors)
{
    const char *role;
    if (gz_api_get_string(obj, "role", 20, GZ_API_LINE, &role, errors) <= 0)
        return;
    if (gz_role_parse(role, &c->role))
        gz_api_error_add(errors, "role", "must be admin, editor, author or contributor");
    else
        c->has_role = 1;
}

static void read_changes(json_t *obj, struct changes *c, json_t *errors)
{
    gz_api_check_fields(obj, writable, errors);
    gz_api_get_string(obj, "name", NAME_MAX_BYTES, GZ_API_LINE | GZ_API_NONBLANK,
                      &c->name, errors);
    gz_api_get_string(obj, "display_name", DISPLAY_NAME_MAX, GZ_API_LINE,
                      &c->display_name, errors);
    if (gz_api_get_string(obj, "email", EMAIL_MAX, GZ_API_LINE, &c->email, errors) > 0 &&
        c->email[0] && (!strchr(c->email, '@') || strchr(c->email, ' ')))
        gz_api_error_add(errors, "email", "must be an e-mail address, or \"\"");
    if (gz_api_get_string(obj, "password", GZ_PASSWORD_MAX, GZ_API_LINE, &c->password,
                          errors) > 0 &&
        strlen(c->password) < GZ_PASSWORD_MIN)
        gz_api_error_add(errors, "password", "must have at least 8 characters");
    read_role(obj, c, errors);
    c->has_disabled = gz_api_get_bool(obj, "disabled", &c->disabled, errors) > 0;
}

/* Reads the body; answers and returns 0 on bad input. */
static int read_user(struct gz_api_req *q, int creating, struct changes *c)
{
    json_t *obj;
    if (gz_api_read_object(q, &obj))
        return 0;
    json_t *errors = gz_api_errors_new();
    read_changes(obj, c, errors);
    if (creating && !c->name && !json_object_get(obj, "name"))
        gz_api_error_add(errors, "name", "is required");
    if (creating && !c->has_role && !json_object_get(obj, "role"))
        gz_api_error_add(errors, "role", "is required");
    if (json_array_size(errors)) {
        json_decref(obj);
        json_t *first = json_array_get(errors, 0);
        char *detail =
            gz_arena_printf(q->arena, "Invalid field \"%s\": %s.",
                            json_string_value(json_object_get(first, "field")),
                            json_string_value(json_object_get(first, "message")));
        gz_api_problem(q, 422, GZ_PROBLEM_INVALID, detail, errors);
        return 0;
    }
    json_decref(errors);
    /* The strings point into obj: keep them in the arena instead. */
    const char **fields[] = {&c->name, &c->display_name, &c->email, &c->password};
    for (size_t i = 0; i < GZ_COUNTOF(fields); i++)
        if (*fields[i])
            *fields[i] = gz_arena_strdup(q->arena, *fields[i]);
    json_decref(obj);
    return 1;
}

static void set_string(char **field, const char *v)
{
    if (!v)
        return;
    free(*field);
    *field = gz_xstrdup(v);
}

/* Whether the change would leave the site without an enabled admin who
 * can log in (the one way back in, short of the CLI). */
static int removes_last_admin(struct gz_api_req *q, const struct gz_user *old,
                              const struct gz_user *u)
{
    int was = old->role == GZ_ROLE_ADMIN && !old->disabled && old->pass_hash[0];
    int is = u->role == GZ_ROLE_ADMIN && !u->disabled;
    int64_t admins = 0;
    if (!was || is || q->st->ops->user_count_admins(q->st, &admins))
        return 0;
    return admins <= 1;
}

/* Applies c to u; hashes a new password into u->pass_hash (NULL keeps the
 * stored one). Answers 422 or 500 and returns 0 on failure. */
static int apply(struct gz_api_req *q, const struct changes *c, struct gz_user *u)
{
    set_string(&u->name, c->name);
    set_string(&u->display_name, c->display_name);
    set_string(&u->email, c->email);
    if (c->has_role)
        u->role = c->role;
    if (c->has_disabled)
        u->disabled = c->disabled;
    free(u->pass_hash);
    u->pass_hash = NULL;
    if (!c->password)
        return 1;
    char hash[GZ_PASSWORD_HASH_MAX];
    int rc = gz_password_hash(c->password, hash);
    if (rc == GZ_EINVAL) {
        gz_api_problem(q, 422, GZ_PROBLEM_INVALID,
                       "The password must have 8 to 1024 characters.", NULL);
        return 0;
    }
    if (rc) {
        gz_api_internal(q, "Hashing the password");
        return 0;
    }
    u->pass_hash = gz_xstrdup(hash);
    sodium_memzero(hash, sizeof hash);
    return 1;
}

/* Saves u and answers with it (status 201 or 200); GZ_OK when saved. */
static int save(struct gz_api_req *q, struct gz_user *u, int status)
{
    int rc = q->st->ops->user_save(q->st, u);
    if (rc == GZ_EEXIST) {
        json_t *errors = gz_api_errors_new();
        gz_api_error_add(errors, "name", "is taken by another user");
        gz_api_problem(q, 409, GZ_PROBLEM_CONFLICT,
                       gz_arena_printf(q->arena, "The name \"%s\" is taken.", u->name),
                       errors);
        return rc;
    }
    if (rc) {
        gz_api_internal(q, "Saving the user");
        return rc;
    }
    struct gz_user stored;
    if ((rc = load(q, u->id, &stored)))
        return rc;
    if (status == 201)
        gz_http_add_header(
            q->r, "location",
            gz_arena_printf(q->arena, "/api/v1/users/%lld", (long long)stored.id));
    gz_api_send(q, status, gz_api_user_json(&stored));
    gz_user_clear(&stored);
    return GZ_OK;
}

static void create(struct gz_api_req *q)
{
    struct changes c = {0};
    if (!read_user(q, 1, &c))
        return;
    struct gz_user u = {.created_at = q->now};
    u.name = gz_xstrdup("");
    u.display_name = gz_xstrdup("");
    u.email = gz_xstrdup("");
    if (apply(q, &c, &u)) {
        if (!u.pass_hash) /* no password: the user cannot log in (yet) */
            u.pass_hash = gz_xstrdup("");
        if (save(q, &u, 201) == GZ_OK)
            gz_info("api: %s created user %s (%s)", q->auth.user.name, u.name,
                    gz_role_name(u.role));
    }
    gz_user_clear(&u);
}

static void update(struct gz_api_req *q, int64_t id)
{
    struct gz_user u, old;
    struct changes c = {0};
    if (load(q, id, &u))
        return;
    old = (struct gz_user){.role = u.role,
                           .disabled = u.disabled,
                           .pass_hash =
                               gz_arena_strdup(q->arena, u.pass_hash ? u.pass_hash : "")};
    if (!read_user(q, 0, &c) || !apply(q, &c, &u))
        goto out;
    if (removes_last_admin(q, &old, &u)) {
        gz_api_problem(q, 409, GZ_PROBLEM_CONFLICT,
                       "This is the last enabled administrator; make another one first.",
                       NULL);
        goto out;
    }
    if (save(q, &u, 200))
        goto out;
    /* A new password or a disabled account ends the user's sessions. */
    if (c.password || (c.has_disabled && c.disabled))
        q->st->ops->session_delete_user(q->st, id);
    gz_info("api: %s changed user %s", q->auth.user.name, u.name);
out:
    gz_user_clear(&u);
}

void gz_api_users(struct gz_api_req *q, int64_t id)
{
    if (!gz_api_require_user(q))
        return;
    const struct gz_user *me = gz_api_user(q);
    /* Everyone may read their own record; the rest is the admins'. */
    if (!gz_can(me, GZ_ACT_USER_MANAGE, NULL) &&
        !(q->method == GZ_API_GET && id == me->id)) {
        gz_api_forbidden(q, "Only admins may manage users.");
        return;
    }
    static const char *const none[] = {NULL};
    if (!gz_api_check_params(q, none))
        return;
    if (q->method == GZ_API_GET && id)
        get(q, id);
    else if (q->method == GZ_API_GET)
        list(q);
    else if (q->method == GZ_API_POST)
        create(q);
    else
        update(q, id);
}
