/* Unit tests of the newsroom's building blocks: passwords, secrets, the
 * role table (gz_can), form and cookie parsing, and the store's users,
 * sessions, tokens and login throttling against a real store: a SQLite
 * file, or a PostgreSQL schema with GZ_TEST_BACKEND=pg (the store tests'
 * fixture, tests/unit/store/fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "admin/admin.h"
#include "core/log.h"
#include "http/form.h"
#include "store/store.h"
#include "../store/fixture.h"

#define NOW 1700000000

/* ---- passwords and secrets ---- */

static void test_password_hash_verify(void **state)
{
    char h[GZ_PASSWORD_HASH_MAX];
    assert_int_equal(gz_password_hash("correct horse", h), GZ_OK);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_non_null(strstr(h, "m=19456,t=2,p=1"));
    assert_true(gz_password_verify(h, "correct horse"));
    assert_false(gz_password_verify(h, "correct hors"));
    assert_false(gz_password_verify(h, ""));
    assert_false(gz_password_verify("", "correct horse"));
    /* Two hashes of one password differ (random salt). */
    char h2[GZ_PASSWORD_HASH_MAX];
    assert_int_equal(gz_password_hash("correct horse", h2), GZ_OK);
    assert_string_not_equal(h, h2);
}

static void test_password_limits(void **state)
{
    char h[GZ_PASSWORD_HASH_MAX];
    assert_int_equal(gz_password_hash("short", h), GZ_EINVAL);
    assert_int_equal(gz_password_hash(NULL, h), GZ_EINVAL);
    char *big = malloc(GZ_PASSWORD_MAX + 2);
    memset(big, 'x', GZ_PASSWORD_MAX + 1);
    big[GZ_PASSWORD_MAX + 1] = 0;
    assert_int_equal(gz_password_hash(big, h), GZ_EINVAL);
    big[GZ_PASSWORD_MAX] = 0;
    assert_int_equal(gz_password_hash(big, h), GZ_OK);
    free(big);
}

static void test_secrets(void **state)
{
    char a[GZ_SECRET_HEX], b[GZ_SECRET_HEX];
    uint8_t ha[32], hb[32], again[32];
    gz_secret_new(a, ha);
    gz_secret_new(b, hb);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    assert_int_equal(gz_secret_hash(a, 64, again), GZ_OK);
    assert_memory_equal(ha, again, 32);
    assert_memory_not_equal(ha, hb, 32);
    assert_int_equal(gz_secret_hash(a, 63, again), GZ_EINVAL);
    a[5] = 'G';
    assert_int_equal(gz_secret_hash(a, 64, again), GZ_EINVAL);
}

/* ---- roles ---- */

static struct gz_user user(int64_t id, enum gz_role role)
{
    struct gz_user u = {.id = id, .role = role};
    return u;
}

static void test_roles(void **state)
{
    struct gz_user admin = user(1, GZ_ROLE_ADMIN), editor = user(2, GZ_ROLE_EDITOR),
                   author = user(3, GZ_ROLE_AUTHOR),
                   contrib = user(4, GZ_ROLE_CONTRIBUTOR),
                   nobody = user(0, GZ_ROLE_ADMIN);
    struct gz_article own_draft = {.author_id = 4, .status = GZ_STATUS_DRAFT};
    struct gz_article own_live = {.author_id = 4, .status = GZ_STATUS_PUBLISHED};
    struct gz_article authors = {.author_id = 3, .status = GZ_STATUS_PUBLISHED};
    struct gz_article others = {.author_id = 9, .status = GZ_STATUS_DRAFT};

    /* Everyone logged in may write a draft and make a token; nobody may not. */
    struct gz_user *all[] = {&admin, &editor, &author, &contrib};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        assert_true(gz_can(all[i], GZ_ACT_ARTICLE_CREATE, NULL));
        assert_true(gz_can(all[i], GZ_ACT_TOKEN_CREATE, NULL));
    }
    assert_false(gz_can(&nobody, GZ_ACT_ARTICLE_CREATE, NULL));
    assert_false(gz_can(NULL, GZ_ACT_ARTICLE_CREATE, NULL));

    /* Contributors: own drafts only, never publish, no uploads. */
    assert_true(gz_can(&contrib, GZ_ACT_ARTICLE_EDIT, &own_draft));
    assert_true(gz_can(&contrib, GZ_ACT_ARTICLE_DELETE, &own_draft));
    assert_false(gz_can(&contrib, GZ_ACT_ARTICLE_EDIT, &own_live));
    assert_false(gz_can(&contrib, GZ_ACT_ARTICLE_DELETE, &own_live));
    assert_false(gz_can(&contrib, GZ_ACT_ARTICLE_EDIT, &others));
    assert_false(gz_can(&contrib, GZ_ACT_ARTICLE_PUBLISH, &own_draft));
    assert_false(gz_can(&contrib, GZ_ACT_ARTICLE_PUBLISH, NULL));
    assert_false(gz_can(&contrib, GZ_ACT_MEDIA_UPLOAD, NULL));

    /* Authors: their own articles, published or not, and may publish them. */
    assert_true(gz_can(&author, GZ_ACT_ARTICLE_EDIT, &authors));
    assert_true(gz_can(&author, GZ_ACT_ARTICLE_PUBLISH, &authors));
    assert_true(gz_can(&author, GZ_ACT_ARTICLE_PUBLISH, NULL));
    assert_false(gz_can(&author, GZ_ACT_ARTICLE_EDIT, &others));
    assert_false(gz_can(&author, GZ_ACT_ARTICLE_PUBLISH, &others));
    assert_true(gz_can(&author, GZ_ACT_MEDIA_UPLOAD, NULL));
    assert_false(gz_can(&author, GZ_ACT_MEDIA_DELETE, NULL));
    assert_false(gz_can(&author, GZ_ACT_TRASH_EMPTY, NULL));

    /* Editors: every article, tags, media; not users or settings. */
    assert_true(gz_can(&editor, GZ_ACT_ARTICLE_EDIT, &others));
    assert_true(gz_can(&editor, GZ_ACT_ARTICLE_PUBLISH, &others));
    assert_true(gz_can(&editor, GZ_ACT_TRASH_EMPTY, NULL));
    assert_true(gz_can(&editor, GZ_ACT_MEDIA_DELETE, NULL));
    assert_true(gz_can(&editor, GZ_ACT_TAG_MANAGE, NULL));
    assert_false(gz_can(&editor, GZ_ACT_USER_MANAGE, NULL));
    assert_false(gz_can(&editor, GZ_ACT_SETTINGS, NULL));

    /* Admins: everything. A disabled admin: nothing. */
    assert_true(gz_can(&admin, GZ_ACT_USER_MANAGE, NULL));
    assert_true(gz_can(&admin, GZ_ACT_SETTINGS, NULL));
    admin.disabled = 1;
    assert_false(gz_can(&admin, GZ_ACT_ARTICLE_CREATE, NULL));
}

static void test_role_names(void **state)
{
    enum gz_role r;
    for (int i = GZ_ROLE_CONTRIBUTOR; i <= GZ_ROLE_ADMIN; i++) {
        assert_int_equal(gz_role_parse(gz_role_name((enum gz_role)i), &r), GZ_OK);
        assert_int_equal(r, i);
    }
    assert_int_equal(gz_role_parse("root", &r), GZ_EINVAL);
    assert_int_equal(gz_role_parse("Admin", &r), GZ_EINVAL);
    assert_int_equal(gz_role_parse(NULL, &r), GZ_EINVAL);
}

/* ---- forms and cookies ---- */

static void test_form_parse(void **state)
{
    struct gz_arena a = {0};
    struct gz_form f;
    const char *body = "title=Hello+world%21&tag=a&&tag=b%2Bc&empty=&flag&x=%00y";
    assert_int_equal(gz_form_parse(&a, body, strlen(body), &f), GZ_OK);
    assert_string_equal(gz_form_get(&f, "title"), "Hello world!");
    assert_int_equal(gz_form_count(&f, "tag"), 2);
    assert_string_equal(gz_form_get_nth(&f, "tag", 1), "b+c");
    assert_null(gz_form_get_nth(&f, "tag", 2));
    assert_string_equal(gz_form_get(&f, "empty"), "");
    assert_string_equal(gz_form_get(&f, "flag"), "");
    assert_null(gz_form_get(&f, "missing"));
    assert_int_equal(f.items[f.len - 1].value_len, 2); /* "%00y": NUL kept, counted */
    assert_int_equal(gz_form_parse(&a, "", 0, &f), GZ_OK);
    assert_int_equal(f.len, 0);
    gz_arena_free(&a);
}

static void test_form_bad(void **state)
{
    struct gz_arena a = {0};
    struct gz_form f;
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "%g1=x", "a=%4g"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(gz_form_parse(&a, bad[i], strlen(bad[i]), &f), GZ_EINVAL);
        assert_int_equal(f.len, 0);
    }
    /* Too many fields, too long a name. */
    struct gz_buf b;
    gz_buf_init(&b, 1 << 20);
    for (int i = 0; i <= GZ_FORM_MAX_FIELDS; i++)
        gz_buf_printf(&b, "f%d=1&", i);
    assert_int_equal(gz_form_parse(&a, b.p, b.len, &f), GZ_ETOOBIG);
    gz_buf_reset(&b);
    for (int i = 0; i <= GZ_FORM_MAX_NAME; i++)
        gz_buf_puts(&b, "n");
    gz_buf_puts(&b, "=1");
    assert_int_equal(gz_form_parse(&a, b.p, b.len, &f), GZ_ETOOBIG);
    gz_buf_free(&b);
    gz_arena_free(&a);
}

static void test_cookies(void **state)
{
    const char *h = "a=1; gz_session=abc;gz_sessionx=no;  b = 2 ; last=z ";
    struct gz_str hs = {h, strlen(h)};
    struct gz_str v = gz_cookie_get(hs, "gz_session");
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.p, "abc", 3);
    v = gz_cookie_get(hs, "last");
    assert_int_equal(v.len, 1);
    assert_null(gz_cookie_get(hs, "gz_sess").p);
    assert_null(gz_cookie_get(hs, "b").p); /* "b " is not "b" */
    assert_null(gz_cookie_get((struct gz_str){NULL, 0}, "a").p);
}

/* ---- the store: users, sessions, tokens, throttling ---- */

static int64_t add_user(struct gz_store *s, const char *name, enum gz_role role,
                        const char *password)
{
    char h[GZ_PASSWORD_HASH_MAX] = "";
    if (password)
        assert_int_equal(gz_password_hash(password, h), GZ_OK);
    struct gz_user u = {
        .name = (char *)name, .role = role, .pass_hash = h, .created_at = NOW};
    assert_int_equal(s->ops->user_save(s, &u), GZ_OK);
    return u.id;
}

static void test_store_users(void **state)
{
    struct gz_store *s = ((struct fixture *)*state)->s;
    int64_t admins;
    assert_int_equal(s->ops->user_count_admins(s, &admins), GZ_OK);
    assert_int_equal(admins, 0);
    int64_t id = add_user(s, "boss", GZ_ROLE_ADMIN, "password123");
    add_user(s, "nopass", GZ_ROLE_ADMIN, NULL); /* cannot log in: not counted */
    assert_int_equal(s->ops->user_count_admins(s, &admins), GZ_OK);
    assert_int_equal(admins, 1);

    struct gz_user u;
    assert_int_equal(s->ops->user_get_by_name(s, "boss", &u), GZ_OK);
    assert_int_equal(u.id, id);
    assert_int_equal(u.role, GZ_ROLE_ADMIN);
    assert_true(gz_password_verify(u.pass_hash, "password123"));
    /* An update with pass_hash NULL keeps the password. */
    free(u.pass_hash);
    u.pass_hash = NULL;
    free(u.display_name);
    u.display_name = strdup("The Boss");
    u.role = GZ_ROLE_EDITOR;
    assert_int_equal(s->ops->user_save(s, &u), GZ_OK);
    gz_user_clear(&u);
    assert_int_equal(s->ops->user_get(s, id, &u), GZ_OK);
    assert_string_equal(u.display_name, "The Boss");
    assert_int_equal(u.role, GZ_ROLE_EDITOR);
    assert_true(gz_password_verify(u.pass_hash, "password123"));
    gz_user_clear(&u);

    /* Names are unique; authors from `gazette new` are users without passwords. */
    struct gz_user dup = {.name = "boss", .role = GZ_ROLE_AUTHOR};
    assert_int_equal(s->ops->user_save(s, &dup), GZ_EEXIST);
    int64_t aid;
    assert_int_equal(s->ops->author_ensure(s, "Byline Only", &aid), GZ_OK);
    assert_int_equal(s->ops->user_get(s, aid, &u), GZ_OK);
    assert_string_equal(u.pass_hash, "");
    assert_int_equal(u.role, GZ_ROLE_AUTHOR);
    gz_user_clear(&u);

    struct gz_user_list l;
    assert_int_equal(s->ops->user_list(s, &l), GZ_OK);
    assert_int_equal(l.len, 3);
    gz_user_list_clear(&l);
    assert_int_equal(s->ops->user_get(s, 999, &u), GZ_ENOTFOUND);
}

static void test_store_sessions(void **state)
{
    struct gz_store *s = ((struct fixture *)*state)->s;
    int64_t id = add_user(s, "ed", GZ_ROLE_EDITOR, "password123");
    char hex[GZ_SECRET_HEX], csrf[GZ_SECRET_HEX];
    uint8_t h[32], ch[32];
    gz_secret_new(hex, h);
    gz_secret_new(csrf, ch);
    assert_int_equal(s->ops->session_create(s, h, id, csrf, NOW, NOW + 3600), GZ_OK);
    struct gz_session se;
    assert_int_equal(s->ops->session_get(s, h, NOW + 10, &se), GZ_OK);
    assert_int_equal(se.user_id, id);
    assert_string_equal(se.csrf, csrf);
    gz_session_clear(&se);
    /* Expired at its expiry time; purge removes it. */
    assert_int_equal(s->ops->session_get(s, h, NOW + 3600, &se), GZ_ENOTFOUND);
    assert_int_equal(s->ops->session_purge(s, NOW + 3600), GZ_OK);
    assert_int_equal(s->ops->session_get(s, h, NOW, &se), GZ_ENOTFOUND);
    /* Delete one; delete all of a user. */
    assert_int_equal(s->ops->session_create(s, h, id, csrf, NOW, NOW + 3600), GZ_OK);
    assert_int_equal(s->ops->session_delete(s, h), GZ_OK);
    assert_int_equal(s->ops->session_get(s, h, NOW, &se), GZ_ENOTFOUND);
    assert_int_equal(s->ops->session_create(s, h, id, csrf, NOW, NOW + 3600), GZ_OK);
    assert_int_equal(s->ops->session_delete_user(s, id), GZ_OK);
    assert_int_equal(s->ops->session_get(s, h, NOW, &se), GZ_ENOTFOUND);
}

static void test_store_tokens(void **state)
{
    struct gz_store *s = ((struct fixture *)*state)->s;
    int64_t a = add_user(s, "a", GZ_ROLE_AUTHOR, "password123");
    int64_t b = add_user(s, "b", GZ_ROLE_AUTHOR, "password123");
    char hex[GZ_SECRET_HEX];
    uint8_t h[32], h2[32];
    int64_t tid, tid2;
    gz_secret_new(hex, h);
    assert_int_equal(s->ops->token_create(s, h, a, "laptop", NOW, &tid), GZ_OK);
    gz_secret_new(hex, h2);
    assert_int_equal(s->ops->token_create(s, h2, b, "ci", NOW, &tid2), GZ_OK);
    struct gz_api_token t;
    assert_int_equal(s->ops->token_get(s, h, NOW + 100, &t), GZ_OK);
    assert_int_equal(t.user_id, a);
    assert_string_equal(t.name, "laptop");
    assert_int_equal(t.last_used, NOW + 100);
    gz_api_token_clear(&t);
    struct gz_api_token_list l;
    assert_int_equal(s->ops->token_list(s, a, &l), GZ_OK);
    assert_int_equal(l.len, 1);
    gz_api_token_list_clear(&l);
    assert_int_equal(s->ops->token_list(s, 0, &l), GZ_OK);
    assert_int_equal(l.len, 2);
    gz_api_token_list_clear(&l);
    /* Only its owner (or anyone, with user 0) deletes a token. */
    assert_int_equal(s->ops->token_delete(s, tid, b), GZ_ENOTFOUND);
    assert_int_equal(s->ops->token_delete(s, tid, a), GZ_OK);
    assert_int_equal(s->ops->token_get(s, h, NOW, &t), GZ_ENOTFOUND);
    assert_int_equal(s->ops->token_delete(s, tid2, 0), GZ_OK);
}

static void test_login_throttle(void **state)
{
    struct gz_store *s = ((struct fixture *)*state)->s;
    add_user(s, "wm", GZ_ROLE_AUTHOR, "password123");
    char hex[GZ_SECRET_HEX];
    struct gz_user u;
    int64_t retry;
    /* Five free failures, then the sixth locks for 2 s, the seventh 4 s. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(
            gz_auth_login(s, "wm", "wrong-pass", "10.0.0.1", NOW, 3600, hex, &u, &retry),
            GZ_EINVAL);
    assert_int_equal(
        gz_auth_login(s, "wm", "wrong-pass", "10.0.0.1", NOW, 3600, hex, &u, &retry),
        GZ_EINVAL);
    assert_int_equal(
        gz_auth_login(s, "wm", "password123", "10.0.0.2", NOW + 1, 3600, hex, &u, &retry),
        GZ_EAGAIN); /* the account is locked, whatever the address */
    assert_int_equal(retry, 1);
    assert_int_equal(
        gz_auth_login(s, "wm", "password123", "10.0.0.2", NOW + 2, 3600, hex, &u, &retry),
        GZ_OK);
    assert_int_equal(strlen(hex), 64);
    gz_user_clear(&u);
    /* Success cleared the account: the next failure is free again. */
    assert_int_equal(
        gz_auth_login(s, "wm", "nope-nope", "10.0.0.3", NOW + 3, 3600, hex, &u, &retry),
        GZ_EINVAL);
    /* An unknown name fails like a wrong password, and is throttled too. */
    for (int i = 0; i < 6; i++)
        assert_int_equal(gz_auth_login(s, "ghost", "x-password", "10.0.0.9", NOW + 10,
                                       3600, hex, &u, &retry),
                         GZ_EINVAL);
    assert_int_equal(gz_auth_login(s, "wm", "password123", "10.0.0.9", NOW + 10, 3600,
                                   hex, &u, &retry),
                     GZ_EAGAIN); /* the address is locked, whatever the account */
    /* The wait doubles and is capped at 15 minutes. */
    int64_t failures, until;
    for (int i = 0; i < 30; i++)
        gz_auth_login(s, "ghost", "x-password", "10.0.0.77", NOW + 100000 * (i + 1), 3600,
                      hex, &u, &retry);
    assert_int_equal(s->ops->throttle_get(s, "u:ghost", &failures, &until), GZ_OK);
    assert_true(until - (NOW + 3000000) <= 900);
}

int main(void)
{
    gz_log_set_level(GZ_LOG_ERROR + 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_password_limits),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_form_parse),
        cmocka_unit_test(test_form_bad),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test_setup_teardown(test_store_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_throttle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
