/* Fuzz target: image sniffing and size reading (content/image.h), which
 * every upload meets before it is stored. Beyond not crashing: a probe that
 * succeeds names a known kind (the one the magic bytes name), with its MIME
 * type and extension, and a size above zero; a probe that fails gives a
 * reason and a zeroed result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct gz_image_info info;
    char err[160] = "";
    int rc = gz_image_probe(copy, size, &info, err, sizeof err);
    enum gz_image_type sniffed = gz_image_sniff(copy, size);
    if (rc == GZ_OK) {
        check(info.type != GZ_IMAGE_NONE && info.type == sniffed);
        check(info.width > 0 && info.height > 0);
        check(info.mime && !strcmp(info.mime, gz_image_mime(info.type)));
        check(info.ext && gz_image_from_ext(info.ext, strlen(info.ext)) == info.type);
    } else {
        check(rc == GZ_EINVAL && err[0] && info.type == GZ_IMAGE_NONE && !info.mime);
    }
    free(copy);
    return 0;
}
