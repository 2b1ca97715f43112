/* Search normalization: the one rule that turns both indexed text and a
 * reader's query into words, so that spellings a reader takes for the same
 * word compare equal.
 *
 * A text is split into words: runs of letters and digits of any script.
 * Everything else separates words: spaces, punctuation and symbols (ASCII,
 * Latin-1, General Punctuation, Arabic, CJK and fullwidth), control
 * characters, invalid UTF-8 bytes, and U+200C ZERO WIDTH NON-JOINER.
 *
 * Each word is then normalized, character by character:
 *
 *  - case folding of Latin, Greek and Cyrillic ("Straße" -> "strasse",
 *    "ΆΘΗΝΑ" -> "αθηνα", final sigma -> sigma);
 *  - combining diacritics removed, whether precomposed or not ("café",
 *    "cafe" + U+0301 -> "cafe"; "Ё" -> "е"; Vietnamese tones), except the
 *    Cyrillic letters й and ў, letters of their own;
 *  - Arabic harakat (fatha, damma, kasra, tanwin, shadda, sukun, superscript
 *    alef, hamza above and below, Quranic marks), Hebrew points and tatweel
 *    removed;
 *  - Arabic and Persian letter variants unified: yeh ي, Persian yeh ی and
 *    alef maksura ى -> ي; kaf ك, keheh ک and swash kaf ڪ -> ك; alef with
 *    hamza above or below, with madda, and wasla (أ إ آ ٱ) -> ا; teh
 *    marbuta ة, heh with yeh above ۀ, heh goal ہ and ae ە -> ه;
 *  - Arabic-Indic and Persian digits (٠-٩, ۰-۹) and fullwidth digits ->
 *    ASCII digits, fullwidth Latin -> ASCII;
 *  - invisible format characters dropped without splitting the word: soft
 *    hyphen, zero width joiner, bidi marks and isolates, byte order mark,
 *    Arabic letter mark, variation selectors.
 *
 * ZWNJ splits: Persian writes "می‌خواهم" and "کتاب‌ها" with a ZWNJ
 * inside, or with a space, and readers type either. As a word break, "کتاب‌ها"
 * yields "کتاب" and "ها", so a search for "کتاب" finds it, and a phrase
 * "می خواهم" typed with a space matches text written with a ZWNJ. (Text
 * written with neither, "میخواهم", is a different spelling.)
 *
 * Letters of other scripts are kept as they are, and a run of CJK
 * ideographs or kana is one word, as in SQLite's unicode61 tokenizer.
 *
 * Words are cut to GZ_WORD_MAX bytes (at a character boundary).
 * Normalization is idempotent: normalizing normalized text changes
 * nothing. Changing these rules changes the words of an existing search
 * index: that needs a migration that rebuilds the index. */
#ifndef GZ_NORMALIZE_H
#define GZ_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* The longest normalized word, in bytes. */
#define GZ_WORD_MAX 128

/* One word of a text: its normalized form (p, len; not NUL-terminated,
 * valid only during the callback) and the bytes it spans in the text,
 * [start, end), trailing combining marks included. */
struct gz_word {
    const char *p;
    size_t len;
    size_t start, end;
};

/* Called once per word, in order. A non-zero return stops the walk and is
 * returned by gz_normalize_words. */
typedef int (*gz_word_fn)(void *ctx, const struct gz_word *w);

/* Splits text (len bytes; need not be valid UTF-8: a bad byte separates)
 * into normalized words and calls fn for each. Returns 0, or the first
 * non-zero value fn returned. */
int gz_normalize_words(const char *text, size_t len, gz_word_fn fn, void *ctx);

/* Appends the normalized words of text to out, separated by one space.
 * Returns GZ_OK, or GZ_ETOOBIG (out then holds the words that fitted). */
int gz_normalize(const char *text, size_t len, struct gz_buf *out);

/* The normalized form of one code point, written to out (room for 4
 * bytes); returns its length, 0 when the character is dropped (a mark or
 * a format character), or -1 when it separates words. */
int gz_normalize_char(uint32_t cp, char out[4]);

#endif
