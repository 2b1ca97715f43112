/* Unit tests of image sniffing and size reading (content/image.h), with
 * tiny images made by hand: a 3x2 PNG, GIF and baseline JPEG, and 1x1
 * WebP files in the three forms (lossy, lossless, extended). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "content/image.h"

static const uint8_t png_3x2[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02,
    0x00, 0x00, 0x00, 0x12, 0x16, 0xf1, 0x4d, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44,
    0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x70, 0x50, 0x80, 0x20, 0x06, 0x38, 0x0b,
    0x00, 0x36, 0xd4, 0x05, 0x41, 0x61, 0x50, 0x19, 0x34, 0x00, 0x00, 0x00, 0x00,
    0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
static const uint8_t gif_3x2[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x03, 0x00, 0x02,
                                  0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
                                  0xff, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02,
                                  0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
static const uint8_t jpeg_3x2[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00,
    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x02, 0x00, 0x03,
    0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4,
    0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00,
    0x3f, 0x00, 0x3f, 0xff, 0xd9};
static const uint8_t webp_lossy[] = {
    0x52, 0x49, 0x46, 0x46, 0x22, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
    0x38, 0x20, 0x16, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00,
    0x01, 0x00, 0x0e, 0xc0, 0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00};
static const uint8_t webp_lossless[] = {
    0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
    0x56, 0x50, 0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00,
    0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00};
static const uint8_t webp_alpha[] = {
    0x52, 0x49, 0x46, 0x46, 0x4a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
    0x38, 0x58, 0x0a, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x41, 0x4c, 0x50, 0x48, 0x0c, 0x00, 0x00, 0x00, 0x11, 0x07, 0x10, 0x11,
    0xfd, 0x0f, 0x44, 0x44, 0xff, 0x03, 0x00, 0x00, 0x56, 0x50, 0x38, 0x20, 0x18, 0x00,
    0x00, 0x00, 0x14, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xfe, 0x00, 0x00, 0x0d, 0xc0, 0x00, 0xfe, 0xe6, 0xb5, 0x00, 0x00, 0x00};

/* Probes an exact-size copy, so a read past the end is seen by ASan. */
static int probe(const void *bytes, size_t len, struct gz_image_info *info)
{
    char err[160] = "";
    void *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, bytes, len);
    int rc = gz_image_probe(copy, len, info, err, sizeof err);
    free(copy);
    if (rc)
        assert_true(err[0]); /* a refusal always says why */
    return rc;
}

static void assert_image(const void *bytes, size_t len, enum gz_image_type type,
                         const char *mime, const char *ext, uint32_t w, uint32_t h)
{
    struct gz_image_info info;
    assert_int_equal(probe(bytes, len, &info), GZ_OK);
    assert_int_equal(info.type, type);
    assert_string_equal(info.mime, mime);
    assert_string_equal(info.ext, ext);
    assert_int_equal(info.width, w);
    assert_int_equal(info.height, h);
    assert_int_equal(gz_image_sniff(bytes, len), type);
}

static void four_kinds(void **state)
{
    assert_image(png_3x2, sizeof png_3x2, GZ_IMAGE_PNG, "image/png", "png", 3, 2);
    assert_image(gif_3x2, sizeof gif_3x2, GZ_IMAGE_GIF, "image/gif", "gif", 3, 2);
    assert_image(jpeg_3x2, sizeof jpeg_3x2, GZ_IMAGE_JPEG, "image/jpeg", "jpg", 3, 2);
    assert_image(webp_lossy, sizeof webp_lossy, GZ_IMAGE_WEBP, "image/webp", "webp", 1,
                 1);
    assert_image(webp_lossless, sizeof webp_lossless, GZ_IMAGE_WEBP, "image/webp", "webp",
                 1, 1);
    assert_image(webp_alpha, sizeof webp_alpha, GZ_IMAGE_WEBP, "image/webp", "webp", 1,
                 1);
}

static void webp_sizes(void **state)
{
    /* Extended: a 24-bit canvas size minus one at 24 and 27. */
    uint8_t x[sizeof webp_alpha];
    memcpy(x, webp_alpha, sizeof x);
    x[24] = 0xff, x[25] = 0x0f, x[26] = 0x00; /* 4096 */
    x[27] = 0x00, x[28] = 0x00, x[29] = 0x01; /* 65537 */
    assert_image(x, sizeof x, GZ_IMAGE_WEBP, "image/webp", "webp", 4096, 65537);
    /* Lossless: 14-bit width-1 and height-1 packed after the 0x2F. */
    uint8_t l[sizeof webp_lossless];
    memcpy(l, webp_lossless, sizeof l);
    uint32_t bits = (640 - 1) | (uint32_t)(480 - 1) << 14 | (l[24] & 0xf0u) << 24;
    l[21] = bits & 0xff, l[22] = (bits >> 8) & 0xff, l[23] = (bits >> 16) & 0xff;
    l[24] = (uint8_t)(bits >> 24);
    assert_image(l, sizeof l, GZ_IMAGE_WEBP, "image/webp", "webp", 640, 480);
    /* Lossy: the scale bits above the 14-bit sizes are not part of them. */
    uint8_t v[sizeof webp_lossy];
    memcpy(v, webp_lossy, sizeof v);
    v[26] = 0x20, v[27] = 0xc3; /* 800 | scale 3 */
    v[28] = 0x58, v[29] = 0x42; /* 600 | scale 1 */
    assert_image(v, sizeof v, GZ_IMAGE_WEBP, "image/webp", "webp", 800, 600);
    /* A wrong start code, a wrong signature, an unknown first chunk. */
    struct gz_image_info info;
    v[23] = 0x00;
    assert_int_equal(probe(v, sizeof v, &info), GZ_EINVAL);
    l[20] = 0x2e;
    assert_int_equal(probe(l, sizeof l, &info), GZ_EINVAL);
    memcpy(x + 12, "ALPH", 4);
    assert_int_equal(probe(x, sizeof x, &info), GZ_EINVAL);
    assert_int_equal(info.type, GZ_IMAGE_NONE);
}

static void jpeg_markers(void **state)
{
    /* An APP1 segment, fill bytes, then a progressive frame header (SOF2)
     * after a DHT (C4, which is not a frame header though in the range). */
    static const uint8_t progressive[] = {0xff, 0xd8, 0xff, 0xe1, 0x00, 0x04, 'a',
                                          'b',  0xff, 0xc4, 0x00, 0x02, 0xff, 0xff,
                                          0xff, 0xc2, 0x00, 0x0b, 0x08, 0x00, 0x10,
                                          0x00, 0x20, 0x01, 0x01, 0x11, 0x00};
    assert_image(progressive, sizeof progressive, GZ_IMAGE_JPEG, "image/jpeg", "jpg", 32,
                 16);
    struct gz_image_info info;
    /* Scan data before any frame header. */
    static const uint8_t sos_first[] = {0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0x00};
    assert_int_equal(probe(sos_first, sizeof sos_first, &info), GZ_EINVAL);
    /* A height of 0 (to be given later by a DNL marker) is refused. */
    static const uint8_t zero[] = {0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00,
                                   0x00, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00};
    assert_int_equal(probe(zero, sizeof zero, &info), GZ_EINVAL);
    /* A segment length below 2, one running past the end, bytes that are
     * not a marker. */
    static const uint8_t short_len[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xc0};
    assert_int_equal(probe(short_len, sizeof short_len, &info), GZ_EINVAL);
    static const uint8_t long_len[] = {0xff, 0xd8, 0xff, 0xe0, 0xff, 0xf0, 0x00, 0x00};
    assert_int_equal(probe(long_len, sizeof long_len, &info), GZ_EINVAL);
    static const uint8_t no_marker[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0x12, 0x34};
    assert_int_equal(probe(no_marker, sizeof no_marker, &info), GZ_EINVAL);
    static const uint8_t only_fill[] = {0xff, 0xd8, 0xff, 0xff, 0xff};
    assert_int_equal(probe(only_fill, sizeof only_fill, &info), GZ_EINVAL);
}

static void png_header(void **state)
{
    struct gz_image_info info;
    uint8_t p[sizeof png_3x2];
    memcpy(p, png_3x2, sizeof p);
    p[12] = 'i'; /* first chunk not IHDR */
    assert_int_equal(probe(p, sizeof p, &info), GZ_EINVAL);
    memcpy(p, png_3x2, sizeof p);
    p[19] = 0; /* width 0 */
    assert_int_equal(probe(p, sizeof p, &info), GZ_EINVAL);
    memcpy(p, png_3x2, sizeof p);
    p[16] = 0x80; /* width above 2^31 - 1 */
    assert_int_equal(probe(p, sizeof p, &info), GZ_EINVAL);
    memcpy(p, png_3x2, sizeof p);
    p[20] = 0x7f, p[21] = 0xff, p[22] = 0xff, p[23] = 0xff;
    assert_image(p, sizeof p, GZ_IMAGE_PNG, "image/png", "png", 3, 0x7fffffff);
}

/* Every prefix of every image is either refused or read exactly as the
 * whole (ASan checks that no prefix is read past its end). */
static void truncated(void **state)
{
    const struct {
        const uint8_t *p;
        size_t len;
    } all[] = {
        {png_3x2, sizeof png_3x2},
        {gif_3x2, sizeof gif_3x2},
        {jpeg_3x2, sizeof jpeg_3x2},
        {webp_lossy, sizeof webp_lossy},
        {webp_lossless, sizeof webp_lossless},
        {webp_alpha, sizeof webp_alpha},
    };
    for (size_t i = 0; i < GZ_COUNTOF(all); i++) {
        struct gz_image_info whole, part;
        assert_int_equal(probe(all[i].p, all[i].len, &whole), GZ_OK);
        for (size_t k = 0; k < all[i].len; k++) {
            if (probe(all[i].p, k, &part) == GZ_OK) {
                assert_int_equal(part.width, whole.width);
                assert_int_equal(part.height, whole.height);
            } else {
                assert_int_equal(part.type, GZ_IMAGE_NONE);
                assert_null(part.mime);
            }
        }
        /* The header alone is not enough: the first few bytes never are. */
        assert_int_equal(probe(all[i].p, 8, &part), GZ_EINVAL);
    }
}

static void not_images(void **state)
{
    static const char *const texts[] = {
        "",
        "hello, world\n",
        "<!doctype html><script>alert(1)</script>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "<?xml version=\"1.0\"?><svg/>",
        "GIF88a\x01\x00\x01\x00",
        "RIFF\x10\x00\x00\x00WAVEfmt ",
        "\x89PNG\r\n\x1a\x0b\x00\x00\x00\x0dIHDR",
        "\xff\xd8\xfe",
        "%PDF-1.7",
    };
    for (size_t i = 0; i < GZ_COUNTOF(texts); i++) {
        struct gz_image_info info;
        size_t n = strlen(texts[i]);
        assert_int_equal(gz_image_sniff(texts[i], n), GZ_IMAGE_NONE);
        assert_int_equal(probe(texts[i], n, &info), GZ_EINVAL);
    }
    assert_int_equal(gz_image_sniff(NULL, 10), GZ_IMAGE_NONE);
}

static void names(void **state)
{
    assert_int_equal(gz_image_from_ext("jpg", 3), GZ_IMAGE_JPEG);
    assert_int_equal(gz_image_from_ext("png", 3), GZ_IMAGE_PNG);
    assert_int_equal(gz_image_from_ext("gif", 3), GZ_IMAGE_GIF);
    assert_int_equal(gz_image_from_ext("webp", 4), GZ_IMAGE_WEBP);
    assert_int_equal(gz_image_from_ext("jpeg", 4), GZ_IMAGE_NONE);
    assert_int_equal(gz_image_from_ext("svg", 3), GZ_IMAGE_NONE);
    assert_int_equal(gz_image_from_ext("webpx", 4), GZ_IMAGE_WEBP); /* len counts */
    assert_int_equal(gz_image_from_ext("PNG", 3), GZ_IMAGE_NONE);
    assert_int_equal(gz_image_from_ext(NULL, 0), GZ_IMAGE_NONE);
    assert_null(gz_image_mime(GZ_IMAGE_NONE));
    assert_null(gz_image_ext(GZ_IMAGE_NONE));
    assert_string_equal(gz_image_mime(GZ_IMAGE_WEBP), "image/webp");
    assert_string_equal(gz_image_ext(GZ_IMAGE_JPEG), "jpg");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_kinds),   cmocka_unit_test(webp_sizes),
        cmocka_unit_test(jpeg_markers), cmocka_unit_test(png_header),
        cmocka_unit_test(truncated),    cmocka_unit_test(not_images),
        cmocka_unit_test(names),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
