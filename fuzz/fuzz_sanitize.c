/* Fuzz target: the HTML sanitizer (gumbo and the allow-list walk) and the
 * WordPress content rules in front of it, on arbitrary bytes. Beyond not
 * crashing, it checks what pages rely on: the sanitized HTML is valid
 * UTF-8, holds no "<script", every tag is closed and has only allow-listed
 * attributes with quoted values (so no on*= handler), no href or src is a
 * javascript:, vbscript: or data: URL, and the WordPress more cut falls
 * inside its output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/sanitize.h"
#include "content/wordpress.h"
#include "core/core.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int is_attr(const char *name, size_t len)
{
    static const char *const allowed[] = {"href",    "title",   "rel",    "src", "alt",
                                          "width",   "height",  "lang",   "dir", "start",
                                          "colspan", "rowspan", "loading"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (strlen(allowed[i]) == len && !memcmp(allowed[i], name, len))
            return 1;
    }
    return 0;
}

/* A URL as a browser reads it: the sanitizer's escapes undone, spaces and
 * control characters dropped, lower case; checked for the bad schemes. */
static int url_bad(const char *v, size_t n)
{
    char url[16];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof url - 1; i++) {
        char c = v[i];
        if (c == '&') {
            const char *semi = memchr(v + i, ';', n - i);
            if (!semi)
                return 1; /* every & the sanitizer writes is an entity */
            if (!strncmp(v + i, "&amp;", 5))
                c = '&';
            else if (!strncmp(v + i, "&#39;", 5))
                c = '\'';
            else
                c = '<'; /* &lt; &gt; &quot;: no scheme holds them */
            i = (size_t)(semi - v);
        }
        if ((unsigned char)c > 0x20 && c != 0x7f)
            url[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    url[o] = '\0';
    return !strncmp(url, "javascript:", 11) || !strncmp(url, "vbscript:", 9) ||
           !strncmp(url, "data:", 5);
}

static void check_tag(const char *p, const char *end)
{
    for (const char *a = memchr(p, ' ', (size_t)(end - p)); a;
         a = memchr(a + 1, ' ', (size_t)(end - a - 1))) {
        const char *eq = memchr(a, '=', (size_t)(end - a));
        check(eq && eq + 1 < end && eq[1] == '"');
        check(is_attr(a + 1, (size_t)(eq - a - 1)));
        const char *close = memchr(eq + 2, '"', (size_t)(end - eq - 2));
        check(close != NULL);
        size_t len = (size_t)(eq - a - 1);
        if ((len == 4 && !memcmp(a + 1, "href", 4)) ||
            (len == 3 && !memcmp(a + 1, "src", 3)))
            check(!url_bad(eq + 2, (size_t)(close - eq - 2)));
        a = close;
    }
}

static void check_html(const char *html, size_t len)
{
    check(gz_utf8_valid(html, len));
    check(strlen(html) == len);
    const char *end = html + len;
    for (const char *p = memchr(html, '<', len); p;
         p = memchr(p, '<', (size_t)(end - p))) {
        check(strncasecmp(p, "<script", 7) != 0);
        const char *gt = memchr(p, '>', (size_t)(end - p));
        check(gt != NULL);
        check_tag(p, gt);
        p = gt;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    struct gz_buf out, wp;
    gz_buf_init(&out, 1 << 22);
    gz_buf_init(&wp, 1 << 22);
    if (gz_sanitize_html(src, size, &out, NULL) == GZ_OK)
        check_html(out.p ? out.p : "", out.len);

    struct gz_wp_stats st;
    if (gz_wp_content(src, size, &wp, &st) == GZ_OK) {
        check(st.more_at >= -1 && st.more_at <= (int64_t)wp.len);
        gz_buf_reset(&out);
        if (gz_sanitize_html(wp.p ? wp.p : "", wp.len, &out, NULL) == GZ_OK)
            check_html(out.p ? out.p : "", out.len);
    }
    gz_buf_free(&out);
    gz_buf_free(&wp);
    return 0;
}
