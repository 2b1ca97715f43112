#include "content/slug.h"

#include <string.h>

#include "core/utf8.h"

#define SLUG_EMPTY "article"

/* What becomes of a character in a slug. */
enum slug_class {
    SLUG_KEEP, /* kept (maybe lower-cased or folded) */
    SLUG_SEP,  /* a word break: one '-' for a whole run */
    SLUG_DROP, /* removed without breaking the word: combining marks */
};

/* ASCII for U+00C0..U+017F: accents dropped, ligatures spelled out. ""
 * marks the multiplication and division signs, which are separators. */
/* clang-format off */
static const char *const latin_fold[] = {
    /* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    /* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    /* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    /* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    /* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    /* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    /* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    /* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    /* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    /* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    /* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    /* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};
/* clang-format on */

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
    return cp >= lo && cp <= hi;
}

/* Marks that only decorate a letter: dropping them keeps the word whole
 * ("e" + combining acute is "e"; Arabic vowel signs and tatweel are left
 * out of Persian and Arabic slugs, as people type them without). */
static int is_mark(uint32_t cp)
{
    return in(cp, 0x0300, 0x036F) || in(cp, 0x0591, 0x05C7) || in(cp, 0x064B, 0x065F) ||
           cp == 0x0640 || in(cp, 0x06D6, 0x06ED) || in(cp, 0xFE00, 0xFE0F) ||
           in(cp, 0xE0000, 0xE01EF);
}

/* Punctuation, symbols, spaces, format characters and emoji beyond
 * Latin-1. Letters and digits of every script are everything else. */
static int is_separator(uint32_t cp)
{
    return in(cp, 0x0080, 0x00BF) || cp == 0x00D7 || cp == 0x00F7 || cp == 0x037E ||
           cp == 0x0387 || in(cp, 0x0600, 0x060F) || in(cp, 0x061B, 0x061F) ||
           in(cp, 0x066A, 0x066D) || cp == 0x06D4 || in(cp, 0x0964, 0x0965) ||
           in(cp, 0x2000, 0x2BFF) || /* punctuation, symbols, arrows, dingbats */
           in(cp, 0x3000, 0x303F) || /* CJK punctuation */
           in(cp, 0xE000, 0xF8FF) || /* private use */
           in(cp, 0xFE10, 0xFE1F) || in(cp, 0xFE30, 0xFE6F) || cp == 0xFEFF ||
           in(cp, 0xFF00, 0xFF0F) || in(cp, 0xFF1A, 0xFF20) || in(cp, 0xFF3B, 0xFF40) ||
           in(cp, 0xFF5B, 0xFF65) || in(cp, 0xFFF0, 0xFFFF) ||
           in(cp, 0x1F000, 0x1FBFF) || /* emoji and other pictographs */
           in(cp, 0xF0000, 0x10FFFF);  /* private use planes */
}

/* Simple lower-casing of Greek and Cyrillic capitals, so that a title in
 * capitals and one in small letters give the same slug. */
static uint32_t lower(uint32_t cp)
{
    if (in(cp, 'A', 'Z') || in(cp, 0x0391, 0x03A9) || in(cp, 0x0410, 0x042F))
        return cp + 0x20;
    if (in(cp, 0x0400, 0x040F))
        return cp + 0x50;
    return cp;
}

/* Classifies cp and, for SLUG_KEEP, writes its slug form into out (room
 * for 4 bytes) and its length into *n. */
static enum slug_class classify(uint32_t cp, char *out, size_t *n)
{
    if (cp < 0x80) {
        if (!in(cp, '0', '9') && !in(cp, 'a', 'z') && !in(cp, 'A', 'Z'))
            return SLUG_SEP;
        out[0] = (char)lower(cp);
        *n = 1;
        return SLUG_KEEP;
    }
    if (in(cp, 0x00C0, 0x017F)) {
        const char *f = latin_fold[cp - 0x00C0];
        *n = strlen(f);
        memcpy(out, f, *n);
        return *n ? SLUG_KEEP : SLUG_SEP;
    }
    if (is_mark(cp))
        return SLUG_DROP;
    if (is_separator(cp) || cp == 0x03A2) /* U+03A2 is unassigned */
        return SLUG_SEP;
    *n = (size_t)gz_utf8_encode(lower(cp), out);
    return SLUG_KEEP;
}

int gz_slugify(const char *title, size_t len, struct gz_buf *out)
{
    if (!gz_utf8_valid(title, len))
        return GZ_EINVAL;
    char slug[GZ_SLUG_MAX];
    size_t slen = 0, pos = 0;
    int gap = 0;      /* a separator was seen since the last kept character */
    int cut_word = 0; /* the cap fell inside a word */
    while (pos < len) {
        uint32_t cp;
        pos += (size_t)gz_utf8_decode(title + pos, len - pos, &cp);
        char piece[4];
        size_t n = 0;
        enum slug_class c = classify(cp, piece, &n);
        if (c == SLUG_SEP)
            gap = 1;
        if (c != SLUG_KEEP)
            continue;
        size_t dash = gap && slen > 0;
        if (slen + dash + n > GZ_SLUG_MAX) {
            cut_word = !gap;
            break;
        }
        if (dash)
            slug[slen++] = '-';
        memcpy(slug + slen, piece, n);
        slen += n;
        gap = 0;
    }
    if (cut_word) {
        /* Cutting at the last '-' drops a partial word; with no '-' at all
         * the character-boundary cut is the best there is. */
        char *dash = memrchr(slug, '-', slen);
        if (dash)
            slen = (size_t)(dash - slug);
    }
    if (slen == 0)
        return gz_buf_puts(out, SLUG_EMPTY);
    return gz_buf_append(out, slug, slen);
}

/* Characters a slug may not hold: URL delimiters, escapes, spaces, control
 * and bidi-control characters (which could disguise a URL). */
static int slug_char_bad(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || in(cp, 0x80, 0xA0))
        return 1;
    if (cp < 0x80)
        return strchr(" /\\?#%", (int)cp) != NULL;
    return cp == 0x1680 || in(cp, 0x2000, 0x200B) || in(cp, 0x200E, 0x200F) ||
           in(cp, 0x2028, 0x202F) || cp == 0x205F || in(cp, 0x2066, 0x2069) ||
           cp == 0x3000 || cp == 0xFEFF;
}

int gz_slug_valid(const char *slug, size_t len)
{
    if (len == 0 || len > GZ_SLUG_VALID_MAX || slug[0] == '-' || slug[len - 1] == '-')
        return 0;
    int only_dots = 1;
    size_t pos = 0;
    while (pos < len) {
        uint32_t cp;
        int n = gz_utf8_decode(slug + pos, len - pos, &cp);
        if (n < 0 || slug_char_bad(cp))
            return 0;
        if (cp != '.')
            only_dots = 0;
        pos += (size_t)n;
    }
    return !only_dots;
}
