/* Images as uploaded: what kind a file is, judged from its first bytes
 * (never from its name or the type a client claims), and its size in
 * pixels, read from the headers with every read bounds-checked. A pure
 * function over bytes (fuzzed by fuzz/fuzz_image.c). */
#ifndef GZ_IMAGE_H
#define GZ_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum gz_image_type {
    GZ_IMAGE_NONE = 0, /* not one of the kinds below */
    GZ_IMAGE_JPEG,
    GZ_IMAGE_PNG,
    GZ_IMAGE_GIF,
    GZ_IMAGE_WEBP,
};

struct gz_image_info {
    enum gz_image_type type;
    const char *mime;       /* "image/png"...; static storage */
    const char *ext;        /* "png", "jpg", "gif", "webp"; static storage */
    uint32_t width, height; /* in pixels, both > 0 */
};

/* The kind of image the magic bytes at the start of bytes name: JPEG
 * (FF D8 FF), PNG (its 8-byte signature), GIF (GIF87a / GIF89a) or WebP
 * (RIFF....WEBP); GZ_IMAGE_NONE for anything else. */
enum gz_image_type gz_image_sniff(const void *bytes, size_t len);

/* Sniffs bytes and reads the image's width and height (PNG IHDR, GIF
 * logical screen, JPEG SOFn marker, WebP VP8 / VP8L / VP8X header). On
 * success fills out and returns GZ_OK. GZ_EINVAL with a reason for people
 * in err when the bytes are not one of the four kinds, or are cut short or
 * malformed before the size; out is then zeroed. */
int gz_image_probe(const void *bytes, size_t len, struct gz_image_info *out, char *err,
                   size_t errlen);

/* The MIME type / file extension of a kind; NULL for GZ_IMAGE_NONE. */
const char *gz_image_mime(enum gz_image_type t);
const char *gz_image_ext(enum gz_image_type t);

/* The kind whose extension is ext (len bytes: "jpg", "png", "gif",
 * "webp"), or GZ_IMAGE_NONE. */
enum gz_image_type gz_image_from_ext(const char *ext, size_t len);

#endif
