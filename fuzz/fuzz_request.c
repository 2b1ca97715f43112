/* Fuzz target: what the server reads from a request before any handler —
 * path decoding, Accept-Encoding, If-None-Match and the User-Agent and
 * prefetch checks. The input is split on newlines into those fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "views/bots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next newline-terminated field of the input. */
static struct gz_str field(const char **p, const char *end)
{
    const char *start = *p;
    const char *nl = memchr(start, '\n', (size_t)(end - start));
    const char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    return (struct gz_str){start, (size_t)(stop - start)};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct gz_str path = field(&p, end), ae = field(&p, end), inm = field(&p, end),
                  ua = field(&p, end), purpose = field(&p, end);
    char decoded[512];
    size_t n;
    if (gz_http_decode_path(path.p, path.len, decoded, sizeof decoded, &n) == GZ_OK) {
        if (n >= sizeof decoded || memchr(decoded, '\0', n))
            abort(); /* the decoder promised a bounded, NUL-free result */
    }
    struct gz_page page;
    memset(&page, 0, sizeof page);
    page.body[GZ_ENC_IDENTITY] = (struct gz_str){"x", 1};
    page.body[GZ_ENC_GZIP] = (struct gz_str){"g", 1};
    page.body[GZ_ENC_BROTLI] = (struct gz_str){"b", 1};
    enum gz_encoding enc = gz_http_pick_encoding(ae, &page);
    if (enc >= GZ_ENC_COUNT)
        abort();
    gz_http_etag_matches(inm, "W/\"0123456789abcdef\"", 20);
    gz_views_is_bot(ua.p, ua.len);
    gz_views_is_prefetch(purpose.p, purpose.len, purpose.p, purpose.len);
    return 0;
}
