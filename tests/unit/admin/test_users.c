/* Unit tests of the users and settings pages' building blocks: what a
 * user may be called (gz_user_fields_check), and the settings saved in the
 * admin applied over a configuration (gz_admin_settings_apply), on a
 * SQLite file or, with GZ_TEST_BACKEND=pg, a PostgreSQL schema (the store
 * tests' fixture). */
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
#include "core/config.h"
#include "core/log.h"
#include "store/store.h"
#include "../store/fixture.h"

static void test_user_fields(void **state)
{
    char err[200];
    assert_int_equal(
        gz_user_fields_check("ana", "Ana Ruiz", "ana@example.org", err, sizeof err),
        GZ_OK);
    assert_int_equal(gz_user_fields_check("Jane Doe", "", "", err, sizeof err), GZ_OK);
    assert_int_equal(gz_user_fields_check("مریم", "مریم احمدی", NULL, err, sizeof err),
                     GZ_OK);
    assert_int_equal(gz_user_fields_check(NULL, NULL, NULL, err, sizeof err), GZ_OK);
    static const char *const bad_names[] = {"",     " ana", "ana ",    "a\nb",
                                            "a\tb", "\x7f", "\xff\xfe"};
    for (size_t i = 0; i < GZ_COUNTOF(bad_names); i++) {
        err[0] = 0;
        assert_int_equal(gz_user_fields_check(bad_names[i], NULL, NULL, err, sizeof err),
                         GZ_EINVAL);
        assert_non_null(strstr(err, "1 to 64 characters"));
    }
    char name[66];
    memset(name, 'a', 65);
    name[65] = 0;
    assert_int_equal(gz_user_fields_check(name, NULL, NULL, err, sizeof err), GZ_EINVAL);
    name[64] = 0;
    assert_int_equal(gz_user_fields_check(name, NULL, NULL, err, sizeof err), GZ_OK);
    char display[102];
    memset(display, 'd', 101);
    display[101] = 0;
    assert_int_equal(gz_user_fields_check(NULL, display, NULL, err, sizeof err),
                     GZ_EINVAL);
    static const char *const bad_emails[] = {"ana",   "@example.org",     "ana@",
                                             "a@b@c", "a na@example.org", "a\n@b"};
    for (size_t i = 0; i < GZ_COUNTOF(bad_emails); i++)
        assert_int_equal(gz_user_fields_check(NULL, NULL, bad_emails[i], err, sizeof err),
                         GZ_EINVAL);
}

static const char *source_of(const struct gz_config *c, const char *name)
{
    int i = gz_config_find(name);
    assert_true(i >= 0);
    return c->source[i] ? c->source[i] : "";
}

static void test_settings_apply(void **state)
{
    struct gz_store *s = ((struct fixture *)*state)->s;
    struct gz_config c;
    gz_config_defaults(&c);
    /* Nothing saved: nothing changes. */
    assert_int_equal(gz_admin_settings_apply(s, &c), GZ_OK);
    assert_string_equal(c.site_title, "Gazette");
    /* Saved values override, with the source "admin"; escapes decode; a
     * value that no longer passes, and settings the page does not offer,
     * are skipped. */
    assert_int_equal(s->ops->setting_set(s, "admin_settings",
                                         "site.title=A+%26+B%3D%C3%A9&blocks.new_count=7&"
                                         "blocks.top_count=999&http.port=1&"
                                         "site.timezone=Europe%2FParis"),
                     GZ_OK);
    assert_int_equal(gz_admin_settings_apply(s, &c), GZ_OK);
    assert_string_equal(c.site_title, "A & B=é");
    assert_string_equal(source_of(&c, "site.title"), "admin");
    assert_int_equal(c.new_count, 7);
    assert_int_equal(c.top_count, 5);
    assert_string_equal(source_of(&c, "blocks.top_count"), "");
    assert_int_equal(c.port, 8080);
    if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0)
        assert_string_equal(c.site_timezone, "Europe/Paris");
    gz_config_clear(&c);
    /* A malformed row is ignored as a whole. */
    assert_int_equal(s->ops->setting_set(s, "admin_settings", "site.title=%zz"), GZ_OK);
    gz_config_defaults(&c);
    assert_int_equal(gz_admin_settings_apply(s, &c), GZ_OK);
    assert_string_equal(c.site_title, "Gazette");
    gz_config_clear(&c);
}

int main(void)
{
    gz_log_set_level(GZ_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_fields),
        cmocka_unit_test_setup_teardown(test_settings_apply, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
