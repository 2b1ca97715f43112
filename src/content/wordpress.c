/* WordPress post_content to HTML in two passes over the text: the first
 * removes editor comments and turns shortcodes into HTML (or nothing), the
 * second applies WordPress's paragraph rules. Both are written from what
 * WordPress documents its functions do (do_shortcode, get_extended,
 * wpautop), not from its code; every scan is linear in the input. */
#include "content/wordpress.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#define NOT_FOUND SIZE_MAX

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Offset of needle in s[from, n), or NOT_FOUND. */
static size_t find(const char *s, size_t n, size_t from, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = from; i + m <= n; i++) {
        const char *hit = memchr(s + i, needle[0], n - i - m + 1);
        if (!hit)
            return NOT_FOUND;
        i = (size_t)(hit - s);
        if (memcmp(hit, needle, m) == 0)
            return i;
    }
    return NOT_FOUND;
}

static int starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t m = strlen(prefix);
    return n >= m && strncasecmp(s, prefix, m) == 0;
}

/* ==== pass 1: comments and shortcodes ==== */

/* Shortcodes WordPress itself registers. Caption becomes a figure; the
 * media ones embed things gazette does not, so they go with their content. */
static const char *const core_names[] = {"caption", "wp_caption", "gallery", "audio",
                                         "video",   "embed",      "playlist"};
#define CORE_CAPTIONS 2 /* the first two are captions */
#define CLOSERS_MAX 64
#define ATTRS_SCAN_MAX 4096

struct pass1 {
    const char *s;
    size_t n;
    struct gz_buf *out;
    struct gz_wp_stats *st;
    size_t more;                        /* offset in out of the cut, or NOT_FOUND */
    struct gz_str closers[CLOSERS_MAX]; /* names that have a [/name] */
    size_t nclosers;
    /* For each core name, where a search for its closing tag already
     * failed: a later search from there would fail too. */
    size_t no_closer_from[GZ_COUNTOF(core_names)];
    int rc;
};

/* A shortcode tag: [name attrs], [name/], [name attrs /] or [/name]. */
struct sc_tag {
    struct gz_str name;
    struct gz_str attrs;
    size_t end; /* just past the ']' */
    int closing, self_closing, has_attrs;
};

static void emit(struct pass1 *p, const char *s, size_t n)
{
    if (p->rc == GZ_OK)
        p->rc = gz_buf_append(p->out, s, n);
}

static int parse_attrs(const char *s, size_t n, size_t j, struct sc_tag *t)
{
    size_t limit = n - j < ATTRS_SCAN_MAX ? n : j + ATTRS_SCAN_MAX;
    size_t k = j;
    while (k < limit && s[k] != ']' && s[k] != '[')
        k++;
    if (k == limit || s[k] != ']')
        return 0;
    t->end = k + 1;
    while (k > j && is_space(s[k - 1]))
        k--;
    if (k > j && s[k - 1] == '/') {
        t->self_closing = 1;
        k--;
    }
    t->attrs = (struct gz_str){s + j, k - j};
    for (size_t i = j; i < k; i++)
        t->has_attrs |= !is_space(s[i]);
    return 1;
}

/* Reads a shortcode tag at s[i] == '['; 0 when there is none. */
static int parse_tag(const char *s, size_t n, size_t i, struct sc_tag *t)
{
    memset(t, 0, sizeof *t);
    size_t j = i + 1;
    if (j < n && s[j] == '/') {
        t->closing = 1;
        j++;
    }
    if (j >= n || !is_alpha(s[j]))
        return 0;
    size_t name_at = j;
    while (j < n && is_name_char(s[j]) && j - name_at < GZ_WP_SHORTCODE_NAME_MAX + 1)
        j++;
    if (j - name_at > GZ_WP_SHORTCODE_NAME_MAX || j >= n)
        return 0;
    t->name = (struct gz_str){s + name_at, j - name_at};
    if (s[j] == ']') {
        t->end = j + 1;
        return 1;
    }
    if (t->closing)
        return 0;
    if (s[j] == '/' && j + 1 < n && s[j + 1] == ']') {
        t->self_closing = 1;
        t->end = j + 2;
        return 1;
    }
    return is_space(s[j]) && parse_attrs(s, n, j, t);
}

static int same_name(struct gz_str a, const char *b)
{
    return strlen(b) == a.len && memcmp(a.p, b, a.len) == 0;
}

static int core_index(struct gz_str name)
{
    for (size_t i = 0; i < GZ_COUNTOF(core_names); i++) {
        if (same_name(name, core_names[i]))
            return (int)i;
    }
    return -1;
}

/* Collects the names of every closing tag, so that [name] can be told
 * from text ("[sic]") by whether [/name] exists. */
static void collect_closers(struct pass1 *p)
{
    struct sc_tag t;
    for (size_t i = find(p->s, p->n, 0, "[/"); i != NOT_FOUND;
         i = find(p->s, p->n, i + 2, "[/")) {
        if (p->nclosers == CLOSERS_MAX)
            return;
        if (parse_tag(p->s, p->n, i, &t))
            p->closers[p->nclosers++] = t.name;
    }
}

static int has_closer(const struct pass1 *p, struct gz_str name)
{
    for (size_t i = 0; i < p->nclosers; i++) {
        if (p->closers[i].len == name.len && !memcmp(p->closers[i].p, name.p, name.len))
            return 1;
    }
    return 0;
}

/* Offset of the [/name] closing core shortcode k, searching from from. */
static size_t find_closer(struct pass1 *p, int k, size_t from)
{
    if (from >= p->no_closer_from[k])
        return NOT_FOUND;
    char closer[GZ_WP_SHORTCODE_NAME_MAX + 4];
    size_t len = strlen(core_names[k]);
    closer[0] = '[';
    closer[1] = '/';
    memcpy(closer + 2, core_names[k], len);
    closer[len + 2] = ']';
    closer[len + 3] = '\0';
    size_t at = find(p->s, p->n, from, closer);
    if (at == NOT_FOUND)
        p->no_closer_from[k] = from;
    return at;
}

static void count_dropped(struct pass1 *p, struct gz_str name)
{
    struct gz_wp_stats *st = p->st;
    st->shortcodes_dropped++;
    for (size_t i = 0; i < st->ndropped; i++) {
        if (same_name(name, st->dropped[i].name)) {
            st->dropped[i].count++;
            return;
        }
    }
    if (st->ndropped == GZ_WP_SHORTCODE_NAMES)
        return;
    struct gz_wp_shortcode *d = &st->dropped[st->ndropped++];
    memcpy(d->name, name.p, name.len);
    d->name[name.len] = '\0';
    d->count = 1;
}

/* The value of attribute name in a shortcode's attributes (name="v",
 * name='v' or name=v); 0 when it is not there. */
static int attr_value(struct gz_str attrs, const char *name, struct gz_str *value)
{
    const char *s = attrs.p;
    size_t n = attrs.len, m = strlen(name);
    for (size_t i = 0; i + m < n; i++) {
        if ((i > 0 && !is_space(s[i - 1])) || strncasecmp(s + i, name, m) != 0)
            continue;
        size_t j = i + m;
        while (j < n && is_space(s[j]))
            j++;
        if (j >= n || s[j] != '=')
            continue;
        j++;
        while (j < n && is_space(s[j]))
            j++;
        char quote = j < n && (s[j] == '"' || s[j] == '\'') ? s[j++] : 0;
        size_t k = j;
        while (k < n && (quote ? s[k] != quote : !is_space(s[k])))
            k++;
        *value = (struct gz_str){s + j, k - j};
        return 1;
    }
    return 0;
}

static struct gz_str trim(struct gz_str s)
{
    while (s.len && is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* Length of the HTML tag named tag at the start of s (through its '>'),
 * or 0 when s does not start with one. */
static size_t html_tag_at(struct gz_str s, const char *tag)
{
    size_t m = strlen(tag);
    if (s.len <= m + 1 || s.p[0] != '<' || strncasecmp(s.p + 1, tag, m) != 0)
        return 0;
    char after = s.p[m + 1];
    if (!is_space(after) && after != '>' && after != '/')
        return 0;
    const char *gt = memchr(s.p, '>', s.len);
    return gt ? (size_t)(gt - s.p) + 1 : 0;
}

static struct gz_str skip(struct gz_str s, size_t n)
{
    return (struct gz_str){s.p + n, s.len - n};
}

/* Splits caption content into the image (with its link, if any) and the
 * caption text after it, as WordPress does; media is empty when the
 * content does not start with an image. */
static void split_caption(struct gz_str content, struct gz_str *media,
                          struct gz_str *text)
{
    struct gz_str rest = trim(content);
    const char *start = rest.p;
    size_t link = html_tag_at(rest, "a");
    rest = trim(skip(rest, link));
    size_t img = html_tag_at(rest, "img");
    if (!img) {
        *media = (struct gz_str){start, 0};
        *text = trim(content);
        return;
    }
    rest = skip(rest, img);
    if (link) {
        struct gz_str after = trim(rest);
        if (starts_ci(after.p, after.len, "</a>"))
            rest = skip(after, 4);
    }
    *media = (struct gz_str){start, (size_t)(rest.p - start)};
    *text = trim(rest);
}

static void write_caption(struct pass1 *p, const struct sc_tag *t, struct gz_str content)
{
    struct gz_str media, text, attr;
    split_caption(content, &media, &text);
    if (attr_value(t->attrs, "caption", &attr) && trim(attr).len) {
        if (!media.len)
            media = trim(content);
        text = trim(attr);
    }
    emit(p, "<figure>", 8);
    emit(p, media.p, media.len);
    if (text.len) {
        emit(p, "<figcaption>", 12);
        emit(p, text.p, text.len);
        emit(p, "</figcaption>", 13);
    }
    emit(p, "</figure>", 9);
    p->st->captions++;
}

/* Handles the shortcode tag t at s[i]; returns where to go on. */
static size_t shortcode(struct pass1 *p, const struct sc_tag *t)
{
    if (t->closing)
        return t->end; /* its opening tag was dropped or was text */
    int k = core_index(t->name);
    if (k < 0) {
        count_dropped(p, t->name);
        return t->end; /* what it encloses stays */
    }
    size_t close = t->self_closing ? NOT_FOUND : find_closer(p, k, t->end);
    size_t after = close == NOT_FOUND ? t->end : close + t->name.len + 3;
    if (k < CORE_CAPTIONS && close != NOT_FOUND)
        write_caption(p, t, (struct gz_str){p->s + t->end, close - t->end});
    else
        count_dropped(p, t->name);
    return after;
}

static int is_shortcode(const struct pass1 *p, const struct sc_tag *t)
{
    return t->closing ? has_closer(p, t->name)
                      : core_index(t->name) >= 0 || t->has_attrs || t->self_closing ||
                            has_closer(p, t->name);
}

/* At s[i] == '['; returns where to go on. */
static size_t bracket(struct pass1 *p, size_t i)
{
    struct sc_tag t;
    /* [[name]] is how WordPress writes the text [name] */
    if (i + 1 < p->n && p->s[i + 1] == '[' && parse_tag(p->s, p->n, i + 1, &t) &&
        t.end < p->n && p->s[t.end] == ']') {
        emit(p, p->s + i + 1, t.end - i - 1);
        return t.end + 1;
    }
    if (parse_tag(p->s, p->n, i, &t) && is_shortcode(p, &t))
        return shortcode(p, &t);
    emit(p, "[", 1);
    return i + 1;
}

/* At "<!--"; returns where to go on. */
static size_t comment(struct pass1 *p, size_t i)
{
    size_t end = find(p->s, p->n, i + 4, "-->");
    if (end == NOT_FOUND) {
        emit(p, p->s + i, p->n - i);
        return p->n;
    }
    struct gz_str body = {p->s + i + 4, end - i - 4};
    struct gz_str word = trim(body);
    size_t after = end + 3;
    if (starts_ci(word.p, word.len, "wp:") || starts_ci(word.p, word.len, "/wp:")) {
        p->st->block_comments++;
    } else if (starts_ci(body.p, body.len, "more") &&
               (body.len == 4 || is_space(body.p[4]))) {
        if (p->more == NOT_FOUND)
            p->more = p->out->len;
    } else if (same_name(word, "nextpage")) {
        emit(p, "\n\n", 2);
    } else if (!same_name(word, "noteaser")) {
        emit(p, p->s + i, after - i);
    }
    return after;
}

static void pass1_run(struct pass1 *p)
{
    const char *s = p->s;
    size_t i = 0;
    while (i < p->n && p->rc == GZ_OK) {
        if (s[i] == '[') {
            i = bracket(p, i);
        } else if (s[i] == '<' && i + 3 < p->n && !memcmp(s + i, "<!--", 4)) {
            i = comment(p, i);
        } else if (s[i] == '\r') {
            emit(p, "\n", 1);
            i += i + 1 < p->n && s[i + 1] == '\n' ? 2 : 1;
        } else {
            size_t j = i + 1;
            while (j < p->n && s[j] != '[' && s[j] != '<' && s[j] != '\r')
                j++;
            emit(p, s + i, j - i);
            i = j;
        }
    }
}

/* ==== pass 2: paragraphs (wpautop) ==== */

/* Elements that are never inside a <p>; a paragraph ends before each one
 * opens and after each one closes. */
static const char *const block_tags[] = {
    "address", "article", "aside",  "blockquote", "caption", "col",      "colgroup",
    "dd",      "details", "div",    "dl",         "dt",      "fieldset", "figcaption",
    "figure",  "footer",  "form",   "h1",         "h2",      "h3",       "h4",
    "h5",      "h6",      "header", "hgroup",     "hr",      "legend",   "li",
    "main",    "menu",    "nav",    "ol",         "p",       "section",  "summary",
    "table",   "tbody",   "td",     "tfoot",      "th",      "thead",    "tr",
    "ul",
};

/* Elements whose content is taken as it is (and which stand on their own
 * like blocks: the sanitizer drops all of them but pre). */
static const char *const verbatim_tags[] = {"pre",      "script", "style",
                                            "textarea", "svg",    "math"};

enum token { T_TEXT, T_COMMENT, T_INLINE, T_OPEN, T_CLOSE, T_STANDALONE };

struct autop {
    const char *s;
    size_t n;
    struct gz_buf *out;
    size_t more; /* offset in s of the cut, or NOT_FOUND */
    int64_t more_at;
    int more_pending; /* the cut was reached; it ends the paragraph */
    int p_open;       /* a <p> is open */
    int in_chunk;     /* something was written since the last break */
    int bare;         /* the chunk opened with a block tag: no <p> in it */
    int inline_seen;  /* inline content was written in this chunk */
    size_t ws_at, ws_len, ws_newlines; /* whitespace not yet written */
    int rc;
};

static void put(struct autop *a, const char *s, size_t n)
{
    if (a->rc == GZ_OK)
        a->rc = gz_buf_append(a->out, s, n);
}

static int in_list(const char *name, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && strncasecmp(list[i], name, len) == 0)
            return 1;
    }
    return 0;
}

/* Where the element opened at s[i] ends: after </name> (or at the end). */
static size_t verbatim_end(const char *s, size_t n, size_t i, const char *name,
                           size_t len)
{
    for (size_t j = find(s, n, i, "</"); j != NOT_FOUND; j = find(s, n, j + 2, "</")) {
        if (n - j - 2 >= len && strncasecmp(s + j + 2, name, len) == 0) {
            const char *gt = memchr(s + j, '>', n - j);
            return gt ? (size_t)(gt - s) + 1 : n;
        }
    }
    return n;
}

/* Reads the markup at s[i] == '<': its kind and where it ends. A tag ends
 * at the first '>' (as in WordPress, quotes are not looked at) or at the
 * end of the text. */
static enum token read_tag(const struct autop *a, size_t i, size_t *end)
{
    const char *s = a->s;
    size_t n = a->n;
    if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
        size_t e = find(s, n, i + 4, "-->");
        *end = e == NOT_FOUND ? n : e + 3;
        return T_COMMENT;
    }
    size_t j = i + 1;
    int closing = j < n && s[j] == '/';
    j += (size_t)closing;
    if (j >= n || !(is_alpha(s[j]) || (!closing && (s[j] == '!' || s[j] == '?'))))
        return T_TEXT;
    size_t name_at = j;
    while (j < n && (is_alpha(s[j]) || (s[j] >= '0' && s[j] <= '9')))
        j++;
    const char *gt = memchr(s + i, '>', n - i);
    *end = gt ? (size_t)(gt - s) + 1 : n;
    const char *name = s + name_at;
    size_t len = j - name_at;
    if (!closing && in_list(name, len, verbatim_tags, GZ_COUNTOF(verbatim_tags))) {
        *end = verbatim_end(s, n, *end, name, len);
        return T_STANDALONE;
    }
    if (!in_list(name, len, block_tags, GZ_COUNTOF(block_tags)))
        return T_INLINE;
    if (len == 2 && !strncasecmp(name, "hr", 2))
        return T_STANDALONE;
    return closing ? T_CLOSE : T_OPEN;
}

/* Ends the current paragraph or chunk. */
static void paragraph_break(struct autop *a)
{
    if (a->p_open)
        put(a, "</p>", 4);
    if (a->in_chunk)
        put(a, "\n", 1);
    a->p_open = a->in_chunk = a->bare = a->inline_seen = 0;
}

/* Writes (or drops) the whitespace seen before the next token, which is
 * inline content when inline is 1, otherwise a block tag or the end. */
static void flush_space(struct autop *a, int is_inline)
{
    const char *ws = a->s + a->ws_at;
    if (a->ws_newlines >= 2 || a->more_pending) {
        paragraph_break(a);
        if (a->more_pending && a->more_at < 0)
            a->more_at = (int64_t)a->out->len;
        a->more_pending = 0;
    } else if (is_inline && a->inline_seen && a->ws_newlines == 1) {
        /* a line break: spaces before the newline go, indentation stays */
        const char *nl = memchr(ws, '\n', a->ws_len);
        put(a, "<br>", 4);
        put(a, nl, a->ws_len - (size_t)(nl - ws));
    } else if (a->in_chunk && (a->inline_seen ? !a->p_open : is_inline && a->bare)) {
        /* inside a block: around its text, whitespace is kept as is */
        put(a, ws, a->ws_len);
    } else if (is_inline && a->inline_seen) {
        put(a, ws, a->ws_len);
    }
    a->ws_len = a->ws_newlines = 0;
}

static void inline_content(struct autop *a, size_t i, size_t end, int is_comment)
{
    flush_space(a, 1);
    if (!a->inline_seen && !a->bare && !a->p_open && !is_comment) {
        put(a, "<p>", 3);
        a->p_open = 1;
    }
    put(a, a->s + i, end - i);
    a->in_chunk = 1;
    a->inline_seen |= !is_comment;
}

static void block_tag(struct autop *a, enum token kind, size_t i, size_t end)
{
    flush_space(a, 0);
    if (kind == T_CLOSE) {
        if (a->p_open)
            put(a, "</p>", 4);
        a->p_open = 0;
    } else {
        paragraph_break(a);
    }
    put(a, a->s + i, end - i);
    a->in_chunk = 1;
    if (kind == T_OPEN) /* text in a blockquote gets paragraphs */
        a->bare = !starts_ci(a->s + i + 1, end - i - 1, "blockquote");
    else
        paragraph_break(a);
}

static void space(struct autop *a, size_t i)
{
    if (a->ws_len == 0)
        a->ws_at = i;
    a->ws_len++;
    a->ws_newlines += a->s[i] == '\n';
}

static void autop_run(struct autop *a)
{
    const char *s = a->s;
    size_t i = 0;
    while (i < a->n && a->rc == GZ_OK) {
        if (i >= a->more && a->more_at < 0)
            a->more_pending = 1;
        if (is_space(s[i])) {
            space(a, i++);
            continue;
        }
        size_t end = i + 1;
        enum token kind = s[i] == '<' ? read_tag(a, i, &end) : T_TEXT;
        if (kind == T_TEXT) {
            size_t stop = a->more > i ? a->more : a->n;
            while (end < a->n && end < stop && !is_space(s[end]) && s[end] != '<')
                end++;
        }
        if (kind == T_TEXT || kind == T_INLINE || kind == T_COMMENT)
            inline_content(a, i, end, kind == T_COMMENT);
        else
            block_tag(a, kind, i, end);
        i = end;
    }
    if (a->more != NOT_FOUND && a->more_at < 0)
        a->more_pending = 1;
    flush_space(a, 0);
    paragraph_break(a);
}

/* ==== the whole ==== */

int gz_wp_content(const char *raw, size_t len, struct gz_buf *html,
                  struct gz_wp_stats *st)
{
    struct gz_wp_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    st->more_at = -1;

    struct gz_buf mid;
    gz_buf_init(&mid, html->max);
    struct pass1 p = {.s = raw, .n = len, .out = &mid, .st = st, .more = NOT_FOUND};
    for (size_t k = 0; k < GZ_COUNTOF(core_names); k++)
        p.no_closer_from[k] = NOT_FOUND;
    collect_closers(&p);
    pass1_run(&p);
    int rc = p.rc;
    size_t start = html->len;
    if (rc == GZ_OK && st->block_comments) {
        /* block-editor content: WordPress adds no paragraphs to it */
        rc = gz_buf_append(html, mid.p ? mid.p : "", mid.len);
        if (p.more != NOT_FOUND)
            st->more_at = (int64_t)(start + p.more);
    } else if (rc == GZ_OK) {
        struct autop a = {.s = mid.p ? mid.p : "",
                          .n = mid.len,
                          .out = html,
                          .more = p.more,
                          .more_at = -1};
        autop_run(&a);
        rc = a.rc;
        st->more_at = a.more_at;
    }
    gz_buf_free(&mid);
    if (rc != GZ_OK) {
        html->len = start;
        if (html->p)
            html->p[start] = '\0';
        st->more_at = -1;
    }
    return rc;
}
