/* Unit tests of time zones (core/tz.c): names, offsets around a real
 * transition, and malformed zone files. Includes tz.c to reach parse(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/tz.c"

/* 2026-01-15 and 2026-07-15, 12:00 UTC. */
#define WINTER 1768478400
#define SUMMER 1784116800
/* Paris moves to summer time at 2026-03-29 01:00 UTC. */
#define PARIS_SPRING 1774746000

static int have_zoneinfo(void)
{
    FILE *f = fopen(GZ_TZ_DIR "/Europe/Paris", "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static void test_utc(void **state)
{
    char err[200];
    const struct gz_tz *utc = gz_tz_get("UTC", err, sizeof err);
    assert_non_null(utc);
    assert_int_equal(gz_tz_offset(utc, WINTER), 0);
    assert_int_equal(gz_tz_offset(NULL, SUMMER), 0);
    assert_string_equal(gz_tz_name(utc), "UTC");
    assert_ptr_equal(gz_tz_get("UTC", err, sizeof err), utc); /* loaded once */
}

static void test_offsets(void **state)
{
    if (!have_zoneinfo())
        skip();
    char err[200];
    const struct gz_tz *paris = gz_tz_get("Europe/Paris", err, sizeof err);
    assert_non_null(paris);
    assert_int_equal(gz_tz_offset(paris, WINTER), 3600);
    assert_int_equal(gz_tz_offset(paris, SUMMER), 7200);
    assert_int_equal(gz_tz_offset(paris, PARIS_SPRING - 1), 3600);
    assert_int_equal(gz_tz_offset(paris, PARIS_SPRING), 7200);
    assert_int_equal(gz_tz_offset(paris, -4000000000LL),
                     gz_tz_offset(paris, -4000000001LL));
    const struct gz_tz *la = gz_tz_get("America/Los_Angeles", err, sizeof err);
    assert_non_null(la);
    assert_int_equal(gz_tz_offset(la, WINTER), -8 * 3600);
    assert_int_equal(gz_tz_offset(la, SUMMER), -7 * 3600);
    const struct gz_tz *kolkata = gz_tz_get("Asia/Kolkata", err, sizeof err);
    assert_non_null(kolkata);
    assert_int_equal(gz_tz_offset(kolkata, SUMMER), 19800);
    assert_ptr_equal(gz_tz_get("Europe/Paris", err, sizeof err), paris);
}

static void test_bad_names(void **state)
{
    static const char *const bad[] = {
        "",        "/etc/passwd",   "../etc/passwd", "Europe/../UTC", "Europe//Paris",
        "Europe/", ".hidden",       "Europe/.Paris", "a b",           "Europe/Paris\n",
        "-rf",     "Europe\\Paris",
    };
    char err[200];
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++) {
        err[0] = 0;
        assert_null(gz_tz_get(bad[i], err, sizeof err));
        assert_non_null(strstr(err, "not a time zone name"));
    }
    char longname[NAME_MAX_LEN + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_null(gz_tz_get(longname, err, sizeof err));
    assert_null(gz_tz_get(NULL, err, sizeof err));
    assert_null(gz_tz_get("Mars/Olympus_Mons", err, sizeof err));
    assert_non_null(strstr(err, "unknown time zone"));
    if (have_zoneinfo()) {
        assert_null(gz_tz_get("Europe", err, sizeof err)); /* a folder */
        assert_non_null(gz_tz_get("Etc/GMT+5", err, sizeof err));
    }
}

/* Every cut of a real file, and a few damaged bytes, parse or fail
 * cleanly (ASan watches the reads). */
static void test_malformed(void **state)
{
    if (!have_zoneinfo())
        skip();
    FILE *f = fopen(GZ_TZ_DIR "/Europe/Paris", "rb");
    unsigned char buf[8192];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(len > 100 && len < sizeof buf);
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        struct gz_tz tz = {0};
        int rc = parse(&tz, copy, cut);
        if (cut < 44)
            assert_int_equal(rc, GZ_EINVAL);
        free(tz.at);
        free(tz.offset);
        free(copy);
    }
    struct gz_tz tz = {0};
    assert_int_equal(parse(&tz, buf, len), GZ_OK);
    free(tz.at);
    free(tz.offset);
    unsigned char bad[sizeof buf];
    memcpy(bad, buf, len);
    bad[0] = 'X'; /* not TZif */
    memset(&tz, 0, sizeof tz);
    assert_int_equal(parse(&tz, bad, len), GZ_EINVAL);
    memcpy(bad, buf, len);
    memset(bad + 32, 0xff, 4); /* an absurd transition count */
    memset(&tz, 0, sizeof tz);
    assert_int_equal(parse(&tz, bad, len), GZ_EINVAL);
    free(tz.at);
    free(tz.offset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utc),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
