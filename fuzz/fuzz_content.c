/* Fuzz target: the content pipeline — Markdown to safe HTML and plain text,
 * the teaser cutter and the slug maker — on arbitrary bytes. Beyond not
 * crashing, it checks the properties readers rely on: the HTML never holds a
 * raw "<script" or a javascript: link, the teaser and the slug are valid
 * UTF-8, and the slug passes gz_slug_valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/markdown.h"
#include "content/slug.h"
#include "content/teaser.h"
#include "core/core.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int contains_ci(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    struct gz_buf html, text, teaser, slug;
    gz_buf_init(&html, 1 << 20);
    gz_buf_init(&text, 1 << 20);
    gz_buf_init(&teaser, 4096);
    gz_buf_init(&slug, 4 * GZ_SLUG_MAX);
    if (gz_markdown_render(src, size, &html, &text) == GZ_OK) {
        check(gz_utf8_valid(html.p ? html.p : "", html.len));
        check(!contains_ci(html.p ? html.p : "", html.len, "<script"));
        check(!contains_ci(html.p ? html.p : "", html.len, "href=\"javascript:"));
        if (gz_teaser_make(NULL, text.p ? text.p : "", text.len, 30, &teaser) == GZ_OK)
            check(gz_utf8_valid(teaser.p ? teaser.p : "", teaser.len));
    }
    if (gz_slugify(src, size, &slug) == GZ_OK)
        check(gz_slug_valid(slug.p, slug.len));
    gz_buf_free(&html);
    gz_buf_free(&text);
    gz_buf_free(&teaser);
    gz_buf_free(&slug);
    return 0;
}
