/* Fuzz target: search text and queries — the normalizer, the query reader
 * and the HTML-to-text step of indexing — on arbitrary bytes. Beyond not
 * crashing: every word is valid UTF-8, non-empty, at most GZ_WORD_MAX
 * bytes, free of spaces, and spans bytes inside the input in order;
 * normalizing normalized text changes nothing; every query term is made of
 * such words and holds no quote (the FTS5 syntax quotes them); indexed text
 * holds no control character (snippets use 0x01 and 0x02 as markers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/search.h"
#include "core/core.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

struct walk {
    size_t size;
    size_t last_end;
};

static int on_word(void *arg, const struct gz_word *w)
{
    struct walk *k = arg;
    check(w->len > 0 && w->len <= GZ_WORD_MAX);
    check(gz_utf8_valid(w->p, w->len));
    check(!memchr(w->p, ' ', w->len) && !memchr(w->p, '"', w->len));
    check(w->start >= k->last_end && w->start < w->end && w->end <= k->size);
    k->last_end = w->end;
    return 0;
}

static void normalize_twice(const char *src, size_t size)
{
    struct gz_buf once, twice;
    gz_buf_init(&once, 1 << 20);
    gz_buf_init(&twice, 1 << 20);
    if (gz_normalize(src, size, &once) == GZ_OK &&
        gz_normalize(once.p ? once.p : "", once.len, &twice) == GZ_OK)
        check(once.len == twice.len && (!once.len || !memcmp(once.p, twice.p, once.len)));
    gz_buf_free(&once);
    gz_buf_free(&twice);
}

static void query(const char *src, size_t size)
{
    struct gz_search_query *q = malloc(sizeof *q);
    if (!q)
        return;
    int rc = gz_search_query_parse(src, size, q);
    check(rc == GZ_OK || (rc == GZ_ETOOBIG && size > GZ_SEARCH_QUERY_MAX));
    for (size_t i = 0; rc == GZ_OK && i < q->n; i++) {
        const char *t = q->terms[i].text;
        check(t[0] && t[0] != ' ' && gz_utf8_valid(t, strlen(t)) && !strchr(t, '"'));
        check(q->terms[i].words > 0);
    }
    free(q);
}

static void html_text(const char *src, size_t size)
{
    struct gz_buf text;
    gz_buf_init(&text, 1 << 20);
    if (gz_search_html_text(src, size, &text) == GZ_OK)
        for (size_t i = 0; i < text.len; i++)
            check((unsigned char)text.p[i] >= 0x20 && text.p[i] != 0x7F);
    gz_buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so a read past the end is seen by ASan. */
    char *src = malloc(size ? size : 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    struct walk k = {size, 0};
    gz_normalize_words(src, size, on_word, &k);
    normalize_twice(src, size);
    query(src, size);
    html_text(src, size);
    free(src);
    return 0;
}
