#include "content/teaser.h"

#include <string.h>

#include "core/utf8.h"

#define ELLIPSIS "..."
#define ELLIPSIS_LEN (sizeof(ELLIPSIS) - 1)

/* The teaser being built: at most GZ_TEASER_MAX_BYTES bytes of collapsed
 * words, plus the facts needed to decide where to cut it. */
struct teaser {
    char p[GZ_TEASER_MAX_BYTES + 1];
    size_t len;
    int cut;      /* some of the source was left out */
    int mid_word; /* the last word in p is only a part of a word */
};

/* Length of the whitespace character at s, or 0 when s starts with
 * something else. ZWNJ and ZWJ join letters inside Persian and Arabic words,
 * so they are deliberately not spaces. */
static size_t space_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    uint32_t cp;
    int k = gz_utf8_decode(s, n, &cp);
    if (k < 0)
        return 0;
    int space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
                (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                cp == 0x202F || cp == 0x205F || cp == 0x3000;
    return space ? (size_t)k : 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t pos)
{
    size_t k;
    while (pos < n && (k = space_len(s + pos, n - pos)) > 0)
        pos += k;
    return pos;
}

static size_t word_end(const char *s, size_t n, size_t pos)
{
    while (pos < n && space_len(s + pos, n - pos) == 0)
        pos++;
    return pos;
}

/* Appends as much of the word as fits (whole characters only); returns 0
 * when the whole word fitted. */
static int add_word(struct teaser *t, const char *w, size_t n)
{
    size_t sep = t->len ? 1 : 0;
    size_t room = GZ_TEASER_MAX_BYTES - t->len;
    if (sep + n <= room) {
        if (sep)
            t->p[t->len++] = ' ';
        memcpy(t->p + t->len, w, n);
        t->len += n;
        return 0;
    }
    if (room > sep) {
        size_t part = gz_utf8_floor(w, n, room - sep);
        if (part > 0) {
            if (sep)
                t->p[t->len++] = ' ';
            memcpy(t->p + t->len, w, part);
            t->len += part;
            t->mid_word = 1;
        }
    }
    return 1;
}

/* Fills t with the first words of s: at most max_words (0: any number),
 * at most GZ_TEASER_MAX_BYTES bytes. */
static void collect(struct teaser *t, const char *s, size_t n, size_t max_words)
{
    size_t words = 0;
    size_t pos = skip_spaces(s, n, 0);
    while (pos < n) {
        size_t end = word_end(s, n, pos);
        if ((max_words && words == max_words) || add_word(t, s + pos, end - pos)) {
            t->cut = 1;
            return;
        }
        words++;
        pos = skip_spaces(s, n, end);
    }
}

/* Makes room for the ellipsis: cuts at the last space that still keeps at
 * least half the cap (a word boundary reads better), else at the last
 * character boundary that fits. */
static void make_room(struct teaser *t)
{
    size_t limit = GZ_TEASER_MAX_BYTES - ELLIPSIS_LEN;
    if (!t->mid_word && t->len <= limit)
        return;
    size_t from = t->len - 1 < limit ? t->len - 1 : limit;
    for (size_t i = from; i >= GZ_TEASER_MAX_BYTES / 2; i--) {
        if (t->p[i] == ' ') {
            t->len = i;
            return;
        }
    }
    t->len = gz_utf8_floor(t->p, t->len, limit);
}

static int is_trailing_punct(uint32_t cp)
{
    switch (cp) {
    case ' ':
    case ',':
    case ';':
    case ':':
    case '.':
    case '-':
    case 0x060C: /* Arabic comma */
    case 0x061B: /* Arabic semicolon */
    case 0x06D4: /* Arabic full stop */
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x3001: /* ideographic comma */
    case 0x3002: /* ideographic full stop */
    case 0xFF0C: /* fullwidth comma */
    case 0xFF1A: /* fullwidth colon */
    case 0xFF1B: /* fullwidth semicolon */
        return 1;
    default:
        return 0;
    }
}

/* "word,..." reads badly; drop the punctuation the cut left dangling. */
static void trim_punct(struct teaser *t)
{
    while (t->len > 0) {
        size_t start = gz_utf8_floor(t->p, t->len, t->len - 1);
        uint32_t cp;
        if (gz_utf8_decode(t->p + start, t->len - start, &cp) < 0 ||
            !is_trailing_punct(cp))
            return;
        t->len = start;
    }
}

static int has_content(const char *s, size_t n)
{
    return skip_spaces(s, n, 0) < n;
}

int gz_teaser_make(const char *summary, const char *text, size_t text_len,
                   size_t max_words, struct gz_buf *out)
{
    size_t summary_len = summary ? strlen(summary) : 0;
    if (!text)
        text_len = 0;
    if (!gz_utf8_valid(summary, summary_len) || !gz_utf8_valid(text, text_len))
        return GZ_EINVAL;

    struct teaser t = {.len = 0};
    if (has_content(summary, summary_len))
        collect(&t, summary, summary_len, max_words);
    else
        collect(&t, text, text_len, max_words);
    if (t.cut) {
        make_room(&t);
        trim_punct(&t);
        memcpy(t.p + t.len, ELLIPSIS, ELLIPSIS_LEN);
        t.len += ELLIPSIS_LEN;
    }
    /* gz_buf_append leaves out unchanged when it fails */
    return gz_buf_append(out, t.p, t.len);
}
