/* Search normalization (normalize.h): hand-written classes for the
 * characters that separate or vanish, the Arabic and Persian letter
 * unification, and a generated table (normalize_table.h) for the case and
 * diacritic folding of Latin, Greek and Cyrillic. */
#include "content/normalize.h"

#include <string.h>

#include "core/utf8.h"

struct fold_entry {
    uint32_t cp;
    uint8_t len;
    char s[5];
};

#include "content/normalize_table.h"

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
    return cp >= lo && cp <= hi;
}

/* Characters that vanish without splitting a word: combining marks of
 * Latin, Greek, Cyrillic, Hebrew and Arabic (harakat, superscript alef,
 * hamza above and below, Quranic annotation), tatweel, and invisible format
 * characters (soft hyphen, ZWJ, bidi marks, embeddings and isolates, word
 * joiner, BOM, Arabic letter mark, variation selectors, tag characters). */
static int vanishes(uint32_t cp)
{
    if (cp < 0x0300)
        return cp == 0x00AD;
    return in(cp, 0x0300, 0x036F) || in(cp, 0x0483, 0x0489) || in(cp, 0x0591, 0x05BD) ||
           cp == 0x05BF || in(cp, 0x05C1, 0x05C2) || in(cp, 0x05C4, 0x05C5) ||
           cp == 0x05C7 || in(cp, 0x0610, 0x061A) || cp == 0x061C ||
           in(cp, 0x0640, 0x0640) || in(cp, 0x064B, 0x065F) || cp == 0x0670 ||
           in(cp, 0x06D6, 0x06DC) || in(cp, 0x06DF, 0x06E4) || in(cp, 0x06E7, 0x06E8) ||
           in(cp, 0x06EA, 0x06ED) || in(cp, 0x1AB0, 0x1AFF) || in(cp, 0x1DC0, 0x1DFF) ||
           in(cp, 0x200D, 0x200F) || in(cp, 0x202A, 0x202E) || in(cp, 0x2060, 0x2064) ||
           in(cp, 0x2066, 0x206F) || in(cp, 0x20D0, 0x20FF) || in(cp, 0xFE00, 0xFE0F) ||
           in(cp, 0xFE20, 0xFE2F) || cp == 0xFEFF || in(cp, 0xE0000, 0xE01EF);
}

/* Characters between words beyond ASCII: Latin-1 punctuation and symbols
 * (but not the ordinal and micro letters), Greek, Armenian, Hebrew and
 * Arabic punctuation, the General Punctuation block onwards to the
 * symbols and dingbats (all Unicode spaces, ZWSP and ZWNJ among them), CJK
 * and fullwidth punctuation, private use, specials and emoji. Letters and
 * digits of every script are everything else. Checked after vanishes(). */
static int separates(uint32_t cp)
{
    if (cp < 0x0100)
        return cp < 0xC0 ? cp != 0xAA && cp != 0xB5 && cp != 0xBA
                         : cp == 0xD7 || cp == 0xF7;
    return cp == 0x037E || cp == 0x0387 || in(cp, 0x055A, 0x055F) || cp == 0x0589 ||
           cp == 0x05BE || cp == 0x05C0 || cp == 0x05C3 || cp == 0x05C6 ||
           in(cp, 0x05F3, 0x05F4) || in(cp, 0x0600, 0x060F) || cp == 0x061B ||
           in(cp, 0x061D, 0x061F) || in(cp, 0x066A, 0x066D) || cp == 0x06D4 ||
           in(cp, 0x06DD, 0x06DE) || cp == 0x06E9 || in(cp, 0x0964, 0x0965) ||
           cp == 0x0E4F || in(cp, 0x0E5A, 0x0E5B) || cp == 0x1680 ||
           in(cp, 0x2000, 0x2BFF) || in(cp, 0x2E00, 0x2E7F) || in(cp, 0x3000, 0x303F) ||
           in(cp, 0xD800, 0xF8FF) || in(cp, 0xFD3E, 0xFD3F) || in(cp, 0xFE10, 0xFE1F) ||
           in(cp, 0xFE30, 0xFE6F) || in(cp, 0xFF00, 0xFF0F) || in(cp, 0xFF1A, 0xFF20) ||
           in(cp, 0xFF3B, 0xFF40) || in(cp, 0xFF5B, 0xFF65) || in(cp, 0xFFF0, 0xFFFF) ||
           in(cp, 0x1F000, 0x1FBFF) || cp >= 0xF0000;
}

/* Arabic and Persian letters written several ways, unified on the Arabic
 * form: yeh, kaf, bare alef, heh. */
static uint32_t arabic_letter(uint32_t cp)
{
    switch (cp) {
    case 0x0649: /* alef maksura */
    case 0x06CC: /* Farsi yeh */
        return 0x064A;
    case 0x06A9: /* keheh (Persian kaf) */
    case 0x06AA: /* swash kaf */
        return 0x0643;
    case 0x0622: /* alef with madda above */
    case 0x0623: /* alef with hamza above */
    case 0x0625: /* alef with hamza below */
    case 0x0671: /* alef wasla */
    case 0x0672: /* alef with wavy hamza above */
    case 0x0673: /* alef with wavy hamza below */
        return 0x0627;
    case 0x0629: /* teh marbuta */
    case 0x06C0: /* heh with yeh above */
    case 0x06C1: /* heh goal */
    case 0x06D5: /* ae */
        return 0x0647;
    default:
        return cp;
    }
}

/* The Latin, Greek and Cyrillic folding of cp, or NULL when it has none. */
static const struct fold_entry *fold_lookup(uint32_t cp)
{
    size_t lo = 0, hi = GZ_COUNTOF(fold_table);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fold_table[mid].cp == cp)
            return &fold_table[mid];
        if (fold_table[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int gz_normalize_char(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        if (in(cp, 'A', 'Z'))
            cp += 'a' - 'A';
        else if (!in(cp, 'a', 'z') && !in(cp, '0', '9'))
            return -1;
        out[0] = (char)cp;
        return 1;
    }
    if (vanishes(cp))
        return 0;
    if (separates(cp))
        return -1;
    if (in(cp, 0x0660, 0x0669) || in(cp, 0x06F0, 0x06F9)) {
        out[0] = (char)('0' + (cp & 0xF));
        return 1;
    }
    const struct fold_entry *f = fold_lookup(cp);
    if (f) {
        memcpy(out, f->s, f->len);
        return f->len;
    }
    return gz_utf8_encode(arabic_letter(cp), out);
}

/* The word being gathered by gz_normalize_words. */
struct word_state {
    char buf[GZ_WORD_MAX];
    struct gz_word w;
    int open; /* a word has started */
    int full; /* a character did not fit: the word's bytes are final */
};

static int emit(struct word_state *ws, gz_word_fn fn, void *ctx)
{
    ws->open = 0;
    ws->w.p = ws->buf;
    return fn(ctx, &ws->w);
}

/* Adds a character's normalized form (n > 0 bytes) that lies at text
 * [at, next) to the word, starting one when none is open. Once a
 * character does not fit in GZ_WORD_MAX bytes, the word stops growing for
 * good (so the cut falls on a character boundary) but its span still
 * covers the rest of it. */
static void add_char(struct word_state *ws, const char *piece, int n, size_t at,
                     size_t next)
{
    if (!ws->open) {
        ws->open = 1;
        ws->full = 0;
        ws->w.len = 0;
        ws->w.start = at;
    }
    if (!ws->full && ws->w.len + (size_t)n <= GZ_WORD_MAX) {
        memcpy(ws->buf + ws->w.len, piece, (size_t)n);
        ws->w.len += (size_t)n;
    } else {
        ws->full = 1;
    }
    ws->w.end = next;
}

int gz_normalize_words(const char *text, size_t len, gz_word_fn fn, void *ctx)
{
    struct word_state ws = {.open = 0};
    size_t pos = 0;
    while (pos < len) {
        uint32_t cp;
        size_t at = pos;
        int n = gz_utf8_decode(text + pos, len - pos, &cp);
        char piece[4];
        int k = -1; /* a bad byte is a word break */
        if (n < 0)
            n = 1;
        else
            k = gz_normalize_char(cp, piece);
        pos += (size_t)n;
        if (k > 0) {
            add_char(&ws, piece, k, at, pos);
        } else if (k == 0) {
            if (ws.open)
                ws.w.end = pos; /* a mark belongs to the letter before it */
        } else if (ws.open) {
            int rc = emit(&ws, fn, ctx);
            if (rc)
                return rc;
        }
    }
    return ws.open ? emit(&ws, fn, ctx) : 0;
}

struct join_ctx {
    struct gz_buf *out;
    size_t words;
};

/* A word that does not fit is left out whole, with its space. */
static int join_word(void *arg, const struct gz_word *w)
{
    struct join_ctx *j = arg;
    size_t space = j->words ? 1 : 0;
    if (j->out->len + space + w->len > j->out->max)
        return GZ_ETOOBIG;
    if ((space && gz_buf_putc(j->out, ' ')) || gz_buf_append(j->out, w->p, w->len))
        return GZ_ETOOBIG;
    j->words++;
    return 0;
}

int gz_normalize(const char *text, size_t len, struct gz_buf *out)
{
    struct join_ctx j = {out, 0};
    return gz_normalize_words(text, len, join_word, &j);
}
