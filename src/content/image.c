/* Image sniffing and dimensions (image.h). Nothing here decodes pixels:
 * each reader walks the few header bytes that hold the size, checking
 * every offset against the length first, so a truncated or hostile file
 * is refused instead of read past. */
#include "content/image.h"

#include <stdio.h>
#include <string.h>

struct kind {
    const char *mime, *ext;
};

static const struct kind kinds[] = {
    [GZ_IMAGE_JPEG] = {"image/jpeg", "jpg"},
    [GZ_IMAGE_PNG] = {"image/png", "png"},
    [GZ_IMAGE_GIF] = {"image/gif", "gif"},
    [GZ_IMAGE_WEBP] = {"image/webp", "webp"},
};

static const char *kind_name(enum gz_image_type t)
{
    static const char *const names[] = {"", "JPEG", "PNG", "GIF", "WebP"};
    return names[t];
}

const char *gz_image_mime(enum gz_image_type t)
{
    return t > GZ_IMAGE_NONE && t <= GZ_IMAGE_WEBP ? kinds[t].mime : NULL;
}

const char *gz_image_ext(enum gz_image_type t)
{
    return t > GZ_IMAGE_NONE && t <= GZ_IMAGE_WEBP ? kinds[t].ext : NULL;
}

enum gz_image_type gz_image_from_ext(const char *ext, size_t len)
{
    for (int t = GZ_IMAGE_JPEG; t <= GZ_IMAGE_WEBP; t++)
        if (ext && strlen(kinds[t].ext) == len && !memcmp(ext, kinds[t].ext, len))
            return (enum gz_image_type)t;
    return GZ_IMAGE_NONE;
}

/* ---- byte readers (the caller has checked the bounds) ---- */

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const uint8_t *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const uint8_t *p)
{
    return le24(p) | (uint32_t)p[3] << 24;
}

enum gz_image_type gz_image_sniff(const void *bytes, size_t len)
{
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    const uint8_t *b = bytes;
    if (!b)
        return GZ_IMAGE_NONE;
    if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return GZ_IMAGE_JPEG;
    if (len >= 8 && !memcmp(b, png, 8))
        return GZ_IMAGE_PNG;
    if (len >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
        return GZ_IMAGE_GIF;
    if (len >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
        return GZ_IMAGE_WEBP;
    return GZ_IMAGE_NONE;
}

/* ---- the size of each kind; each returns a reason, or NULL when w and h
 * were read ---- */

static const char *png_size(const uint8_t *b, size_t len, uint32_t *w, uint32_t *h)
{
    /* signature (8), then the first chunk must be IHDR: length 13, type,
     * width and height as 31-bit big-endian numbers */
    if (len < 24)
        return "it ends before its header";
    if (be32(b + 8) != 13 || memcmp(b + 12, "IHDR", 4))
        return "its first chunk is not IHDR";
    *w = be32(b + 16);
    *h = be32(b + 20);
    if (*w > 0x7fffffffu || *h > 0x7fffffffu)
        return "its size is out of range";
    return NULL;
}

static const char *gif_size(const uint8_t *b, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 10) /* "GIF89a", then the logical screen: width, height */
        return "it ends before its header";
    *w = le16(b + 6);
    *h = le16(b + 8);
    return NULL;
}

/* Frame headers: SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC),
 * which share the range. */
static int is_sof(uint8_t m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static const char *jpeg_size(const uint8_t *b, size_t len, uint32_t *w, uint32_t *h)
{
    size_t pos = 2; /* after SOI */
    for (;;) {
        if (pos >= len)
            return "it ends before its frame header";
        if (b[pos] != 0xff)
            return "a marker is malformed";
        while (pos < len && b[pos] == 0xff) /* fill bytes may pad a marker */
            pos++;
        if (pos >= len)
            return "it ends before its frame header";
        uint8_t m = b[pos++];
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) /* TEM, RSTn: no length */
            continue;
        if (m == 0x00 || m == 0xd8)
            return "a marker is malformed";
        if (m == 0xd9 || m == 0xda)
            return "its image data starts before its frame header";
        if (len - pos < 2)
            return "it ends before its frame header";
        size_t seg = be16(b + pos);
        if (seg < 2)
            return "a segment length is malformed";
        if (is_sof(m)) {
            /* length (2), precision (1), height (2), width (2) */
            if (seg < 7 || len - pos < 7)
                return "its frame header is cut short";
            *h = be16(b + pos + 3);
            *w = be16(b + pos + 5);
            return NULL;
        }
        if (len - pos < seg)
            return "it ends before its frame header";
        pos += seg;
    }
}

static const char *webp_size(const uint8_t *b, size_t len, uint32_t *w, uint32_t *h)
{
    /* RIFF, size, WEBP, then the first chunk: FourCC, size, data at 20 */
    if (len < 20)
        return "it ends before its first chunk";
    const uint8_t *c = b + 20;
    size_t n = len - 20;
    if (!memcmp(b + 12, "VP8 ", 4)) {
        /* lossy: frame tag (3), start code 9D 01 2A, 14-bit width, height */
        if (n < 10)
            return "its VP8 header is cut short";
        if (c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a)
            return "its VP8 start code is wrong";
        *w = le16(c + 6) & 0x3fff;
        *h = le16(c + 8) & 0x3fff;
        return NULL;
    }
    if (!memcmp(b + 12, "VP8L", 4)) {
        /* lossless: signature 2F, then width-1 and height-1 in 14 bits each */
        if (n < 5)
            return "its VP8L header is cut short";
        if (c[0] != 0x2f)
            return "its VP8L signature is wrong";
        uint32_t bits = le32(c + 1);
        *w = (bits & 0x3fff) + 1;
        *h = ((bits >> 14) & 0x3fff) + 1;
        return NULL;
    }
    if (!memcmp(b + 12, "VP8X", 4)) {
        /* extended: flags (1), reserved (3), canvas width-1, height-1 (24 bits) */
        if (n < 10)
            return "its VP8X header is cut short";
        *w = le24(c + 4) + 1;
        *h = le24(c + 7) + 1;
        return NULL;
    }
    return "its first chunk is not VP8, VP8L or VP8X";
}

int gz_image_probe(const void *bytes, size_t len, struct gz_image_info *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    enum gz_image_type t = gz_image_sniff(bytes, len);
    if (t == GZ_IMAGE_NONE) {
        snprintf(err, errlen, "The file is not a JPEG, PNG, WebP or GIF image.");
        return GZ_EINVAL;
    }
    uint32_t w = 0, h = 0;
    const char *why = t == GZ_IMAGE_PNG    ? png_size(bytes, len, &w, &h)
                      : t == GZ_IMAGE_GIF  ? gif_size(bytes, len, &w, &h)
                      : t == GZ_IMAGE_JPEG ? jpeg_size(bytes, len, &w, &h)
                                           : webp_size(bytes, len, &w, &h);
    if (!why && (w == 0 || h == 0))
        why = "it gives no width or height";
    if (why) {
        snprintf(err, errlen, "The file looks like a %s image, but %s.", kind_name(t),
                 why);
        return GZ_EINVAL;
    }
    out->type = t;
    out->mime = kinds[t].mime;
    out->ext = kinds[t].ext;
    out->width = w;
    out->height = h;
    return GZ_OK;
}
