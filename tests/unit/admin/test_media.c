/* Unit tests of the media module's pure parts (src/admin/media.c, included
 * to reach its statics): which /media/ paths name a file, the names kept
 * for people, the Markdown snippet, the delete path. Uploads, the library
 * and serving are tested over HTTP (tests/http/test_media.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../../src/admin/media.c"

#define S(lit) ((struct gz_str){lit, sizeof(lit) - 1})
#define HASH "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"

static void media_paths(void **state)
{
    assert_int_equal(media_name_ok(S("ab/" HASH ".png")), GZ_IMAGE_PNG);
    assert_int_equal(media_name_ok(S("ab/" HASH ".jpg")), GZ_IMAGE_JPEG);
    assert_int_equal(media_name_ok(S("ab/" HASH ".gif")), GZ_IMAGE_GIF);
    assert_int_equal(media_name_ok(S("ab/" HASH ".webp")), GZ_IMAGE_WEBP);
    static const char *const bad[] = {
        "",
        "ab",
        "ab/",
        "cd/" HASH ".png", /* folder is not the hash's start */
        "AB/" HASH ".png", /* upper case */
        "ab/" HASH ".PNG",
        "ab/" HASH ".svg",
        "ab/" HASH ".html",
        "ab/" HASH ".png/",
        "ab/" HASH ".png.html",
        "ab/" HASH,
        "ab/" HASH "0.png", /* 65 digits */
        "ab/../../etc/passwd",
        "../ab/" HASH ".png",
        "ab/" HASH ".jpeg",
        "ab//" HASH ".png",
        "ab/" HASH "\0.png",
    };
    for (size_t i = 0; i < GZ_COUNTOF(bad); i++)
        assert_int_equal(media_name_ok((struct gz_str){bad[i], strlen(bad[i])}),
                         GZ_IMAGE_NONE);
    /* A NUL inside the slice itself. */
    static const char nul[] = "ab/" HASH ".pn\0";
    assert_int_equal(media_name_ok((struct gz_str){nul, sizeof nul - 1}), GZ_IMAGE_NONE);
}

static void people_names(void **state)
{
    char *n;
    assert_string_equal(n = clean_name("photo.png"), "photo.png");
    free(n);
    assert_string_equal(n = clean_name("C:\\Users\\me\\photo.png"), "photo.png");
    free(n);
    assert_string_equal(n = clean_name("../../etc/x.png"), "x.png");
    free(n);
    assert_string_equal(n = clean_name("a\r\nb\x7f.gif"), "ab.gif");
    free(n);
    assert_string_equal(n = clean_name("عکس.jpg"), "عکس.jpg");
    free(n);
    assert_string_equal(n = clean_name(""), "upload");
    free(n);
    assert_string_equal(n = clean_name(NULL), "upload");
    free(n);
    assert_string_equal(n = clean_name("dir/"), "upload");
    free(n);
    assert_string_equal(n = clean_name("\xff\xfe.png"), "upload");
    free(n);
    /* Long names are cut at a character boundary. */
    char long_name[301];
    for (int i = 0; i < 150; i++)
        memcpy(long_name + 2 * i, "ع", 2); /* 2 bytes each: 300 bytes */
    long_name[300] = 0;
    n = clean_name(long_name);
    assert_true(strlen(n) <= NAME_MAX_BYTES);
    assert_true(gz_utf8_valid(n, strlen(n)));
    free(n);
}

static void snippets(void **state)
{
    struct gz_arena a = {0};
    assert_string_equal(markdown_snippet(&a, "photo.png", "/media/x.png"),
                        "![photo](/media/x.png)");
    assert_string_equal(markdown_snippet(&a, "a[1]_b*.jpg", "/u"),
                        "![a\\[1\\]\\_b\\*](/u)");
    assert_string_equal(markdown_snippet(&a, ".hidden", "/u"), "![.hidden](/u)");
    assert_string_equal(markdown_snippet(&a, "noext", "/u"), "![noext](/u)");
    struct gz_media m = {.sha256 = HASH, .ext = "webp"};
    assert_string_equal(gz_media_url(&a, &m), "/media/ab/" HASH ".webp");
    gz_arena_free(&a);
}

static void delete_paths(void **state)
{
    int64_t id = 0;
    assert_true(delete_path(S("/12/delete"), &id));
    assert_int_equal(id, 12);
    assert_false(delete_path(S("/0/delete"), &id));
    assert_false(delete_path(S("/-1/delete"), &id));
    assert_false(delete_path(S("//delete"), &id));
    assert_false(delete_path(S("/12/delete/"), &id));
    assert_false(delete_path(S("/12"), &id));
    assert_false(delete_path(S("/x/delete"), &id));
    assert_false(delete_path(S("/delete"), &id));
    assert_false(delete_path(S("12/delete"), &id));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(media_paths),
        cmocka_unit_test(people_names),
        cmocka_unit_test(snippets),
        cmocka_unit_test(delete_paths),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
