/* Search text (what an article is indexed under) and search queries (what
 * a reader typed, as terms). See search.h. */
#include "content/search.h"

#include <string.h>
#include <strings.h>

#include "content/normalize.h"
#include "core/utf8.h"

/* ---- text ---- */

/* Whitespace is gathered and written as one space before the next
 * visible character, so runs collapse and the text is trimmed. */
struct text_out {
    struct gz_buf *out;
    int space; /* a space is pending */
    int rc;
};

static void put_space(struct text_out *t)
{
    t->space = 1;
}

static void put_bytes(struct text_out *t, const char *p, size_t n)
{
    if (t->rc || n == 0)
        return;
    if (t->space && t->out->len > 0)
        t->rc = gz_buf_putc(t->out, ' ');
    t->space = 0;
    if (!t->rc)
        t->rc = gz_buf_append(t->out, p, n);
}

/* Text bytes: ASCII whitespace and control characters become a space. */
static void put_text(struct text_out *t, const char *p, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c > 0x20 && c != 0x7F)
            continue;
        put_bytes(t, p + run, i - run);
        put_space(t);
        run = i + 1;
    }
    put_bytes(t, p + run, n - run);
}

static void put_cp(struct text_out *t, uint32_t cp)
{
    char enc[4];
    if (cp == 0xA0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        put_space(t);
        return;
    }
    put_bytes(t, enc, (size_t)gz_utf8_encode(cp, enc));
}

/* Decodes the character reference at p ("&...;", n bytes available) into
 * *cp; returns its length, or 0 when it is not one we decode. */
static size_t char_ref(const char *p, size_t n, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp;", '&'},  {"lt;", '<'},    {"gt;", '>'},
                 {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", 0xA0}};
    for (size_t i = 0; i < GZ_COUNTOF(named); i++) {
        size_t k = strlen(named[i].name);
        if (n > k && !memcmp(p + 1, named[i].name, k)) {
            *cp = named[i].cp;
            return k + 1;
        }
    }
    if (n < 4 || p[1] != '#')
        return 0;
    int hex = p[2] == 'x' || p[2] == 'X';
    size_t i = hex ? 3 : 2;
    uint32_t v = 0;
    size_t digits = 0;
    for (; i < n && digits < 8; i++, digits++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0)
            break;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (digits == 0 || i >= n || p[i] != ';')
        return 0;
    /* gz_utf8_encode turns surrogates and values past U+10FFFF into U+FFFD. */
    *cp = v;
    return i + 1;
}

/* Inline elements: their tags do not break a word. */
static int inline_tag(const char *name, size_t n)
{
    static const char *const names[] = {
        "a",    "abbr",   "b",   "bdi", "bdo",  "cite", "code", "del",  "dfn",
        "em",   "i",      "ins", "kbd", "mark", "q",    "s",    "samp", "small",
        "span", "strong", "sub", "sup", "time", "u",    "var"};
    for (size_t i = 0; i < GZ_COUNTOF(names); i++)
        if (strlen(names[i]) == n && !strncasecmp(names[i], name, n))
            return 1;
    return 0;
}

/* Elements whose content is not text a reader sees. */
static int hidden_tag(const char *name, size_t n)
{
    return (n == 6 && (!strncasecmp(name, "script", 6))) ||
           (n == 5 && !strncasecmp(name, "style", 5)) ||
           (n == 8 && !strncasecmp(name, "template", 8));
}

/* Skips from p (just past "</NAME") to the end of its closing tag's '>'. */
static size_t skip_hidden(const char *html, size_t len, size_t pos, const char *name,
                          size_t n)
{
    while (pos < len) {
        const char *lt = memchr(html + pos, '<', len - pos);
        if (!lt)
            return len;
        pos = (size_t)(lt - html) + 1;
        if (pos + n < len && html[pos] == '/' && !strncasecmp(html + pos + 1, name, n)) {
            const char *gt = memchr(html + pos, '>', len - pos);
            return gt ? (size_t)(gt - html) + 1 : len;
        }
    }
    return len;
}

/* The position after the '>' that ends the tag starting at pos, skipping
 * quoted attribute values (which may hold a '>'); len when unterminated. */
static size_t tag_end(const char *html, size_t len, size_t pos)
{
    char quote = 0;
    for (size_t i = pos + 1; i < len; i++) {
        char c = html[i];
        if (quote)
            quote = c == quote ? 0 : quote;
        else if (c == '"' || c == '\'')
            quote = c;
        else if (c == '>')
            return i + 1;
    }
    return len;
}

/* Handles the tag starting at html[pos] == '<'; returns the position
 * after it. */
static size_t tag(struct text_out *t, const char *html, size_t len, size_t pos)
{
    size_t end = tag_end(html, len, pos);
    size_t name = pos + 1 + (pos + 1 < len && html[pos + 1] == '/');
    size_t n = 0;
    while (name + n < end &&
           ((html[name + n] | 0x20) >= 'a' && (html[name + n] | 0x20) <= 'z'))
        n++;
    while (name + n < end && html[name + n] >= '0' && html[name + n] <= '9')
        n++;
    if (!inline_tag(html + name, n))
        put_space(t);
    int closing = name > pos + 1;
    if (!closing && hidden_tag(html + name, n))
        return skip_hidden(html, len, end, html + name, n);
    return end;
}

int gz_search_html_text(const char *html, size_t len, struct gz_buf *out)
{
    size_t mark = out->len;
    struct text_out t = {out, 0, GZ_OK};
    size_t pos = 0;
    while (pos < len && !t.rc) {
        size_t run = pos;
        while (pos < len && html[pos] != '<' && html[pos] != '&')
            pos++;
        put_text(&t, html + run, pos - run);
        if (pos >= len)
            break;
        if (html[pos] == '<') {
            pos = tag(&t, html, len, pos);
            continue;
        }
        uint32_t cp;
        size_t k = char_ref(html + pos, len - pos, &cp);
        if (k) {
            put_cp(&t, cp);
            pos += k;
        } else {
            put_bytes(&t, "&", 1);
            pos++;
        }
    }
    if (t.rc && out->p) {
        out->len = mark;
        out->p[mark] = '\0';
    }
    return t.rc;
}

int gz_search_clean_text(const char *text, size_t len, struct gz_buf *out)
{
    size_t mark = out->len;
    struct text_out t = {out, 0, GZ_OK};
    put_text(&t, text, len);
    if (t.rc && out->p) {
        out->len = mark;
        out->p[mark] = '\0';
    }
    return t.rc;
}

/* ---- queries ---- */

/* A term being read: its words are appended to term->text. */
struct term_build {
    struct gz_search_term *term;
    size_t len;
};

static int term_word(void *arg, const struct gz_word *w)
{
    struct term_build *b = arg;
    struct gz_search_term *t = b->term;
    size_t need = w->len + (t->words ? 1 : 0);
    /* Normalizing may lengthen a text a little (U+1F80 is 3 bytes, its
     * folding 4): a word that would not fit the term is left out. */
    if (b->len + need > GZ_SEARCH_QUERY_MAX)
        return 0;
    if (t->words)
        t->text[b->len++] = ' ';
    memcpy(t->text + b->len, w->p, w->len);
    b->len += w->len;
    t->text[b->len] = '\0';
    t->words++;
    return 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* The length of the last word of a term's text. */
static size_t last_word_len(const struct gz_search_term *t)
{
    const char *sp = strrchr(t->text, ' ');
    return sp ? strlen(sp + 1) : strlen(t->text);
}

/* Adds the term in q->terms[q->n] when it has words and is new. */
static void commit_term(struct gz_search_query *q, int prefix)
{
    struct gz_search_term *t = &q->terms[q->n];
    if (t->words == 0)
        return;
    const char *last = t->text + strlen(t->text) - last_word_len(t);
    t->prefix = prefix && utf8_chars(last, strlen(last)) >= GZ_SEARCH_PREFIX_MIN;
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].prefix == t->prefix && !strcmp(q->terms[i].text, t->text))
            return;
    q->n++;
}

static struct gz_search_term *next_term(struct gz_search_query *q)
{
    if (q->n == GZ_SEARCH_TERMS_MAX) {
        q->truncated = 1;
        return NULL;
    }
    struct gz_search_term *t = &q->terms[q->n];
    t->text[0] = '\0';
    t->words = 0;
    t->prefix = 0;
    return t;
}

/* A quoted phrase: q[start, end) between the quotes. */
static void add_phrase(struct gz_search_query *q, const char *p, size_t n, int prefix)
{
    struct term_build b = {next_term(q), 0};
    if (!b.term)
        return;
    gz_normalize_words(p, n, term_word, &b);
    commit_term(q, prefix);
}

struct plain_ctx {
    struct gz_search_query *q;
    const char *seg; /* the segment being read */
    size_t len;
};

static int plain_word(void *arg, const struct gz_word *w)
{
    struct plain_ctx *c = arg;
    struct term_build b = {next_term(c->q), 0};
    if (!b.term)
        return 0;
    term_word(&b, w);
    commit_term(c->q, w->end < c->len && c->seg[w->end] == '*');
    return 0;
}

int gz_search_query_parse(const char *q, size_t len, struct gz_search_query *out)
{
    out->n = 0;
    out->truncated = 0;
    if (len > GZ_SEARCH_QUERY_MAX)
        return GZ_ETOOBIG;
    size_t pos = 0;
    while (pos < len) {
        const char *close = NULL;
        if (q[pos] == '"')
            close = memchr(q + pos + 1, '"', len - pos - 1);
        if (close) {
            size_t end = (size_t)(close - q);
            int prefix = end + 1 < len && q[end + 1] == '*';
            add_phrase(out, q + pos + 1, end - pos - 1, prefix);
            pos = end + 1 + (size_t)prefix;
            continue;
        }
        /* Plain text up to the next quote that has a pair (an unpaired
         * quote is punctuation). */
        size_t end = pos + 1;
        while (end < len && q[end] != '"')
            end++;
        struct plain_ctx c = {out, q + pos, end - pos};
        gz_normalize_words(q + pos, end - pos, plain_word, &c);
        pos = end;
    }
    return GZ_OK;
}
