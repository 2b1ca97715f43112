/* Front matter (io/frontmatter.h): a YAML and a TOML subset, read line by
 * line. A value is a scalar (plain, 'single' or "double" quoted), a flow
 * list [a, "b"], a block list (lines "- a" under the key), or a block
 * scalar (| or >). */
#include "io/frontmatter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"

/* Far more than any front matter; keeps a hostile file's cost bounded. */
#define LINES_MAX 10000
#define TAGS_MAX 1000

struct line {
    const char *p;
    size_t len;
};

struct parser {
    struct line *lines;
    size_t n;
    int first_line; /* the file's line number of lines[0] */
    int toml;
    struct gz_front_matter *fm;
    int *errline;
    char *msg;
    size_t msglen;
};

/* A value: a scalar, or a list of scalars. */
struct value {
    int is_list;
    char **items;
    size_t n;
};

static void value_clear(struct value *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

static void value_add(struct value *v, char *s)
{
    v->items = gz_xrealloc(v->items, (v->n + 1) * sizeof *v->items);
    v->items[v->n++] = s;
}

static int fail(struct parser *ps, size_t i, const char *key, const char *what)
{
    *ps->errline = ps->first_line + (int)i;
    if (key)
        snprintf(ps->msg, ps->msglen, "%.60s: %s", key, what);
    else
        snprintf(ps->msg, ps->msglen, "%s", what);
    return GZ_EINVAL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && is_space(s[i]))
        i++;
    return i;
}

/* ---- scalars ---- */

/* Appends code point cp as UTF-8. */
static void put_utf8(struct gz_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else {
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    }
    gz_buf_append(b, u, n);
}

/* One backslash escape of a double-quoted string at s[*i] (after the
 * backslash); 0 or -1 for an unknown one. */
static int unescape(const char *s, size_t n, size_t *i, struct gz_buf *b)
{
    static const char from[] = "\\\"/nrt0", to[] = "\\\"/\n\r\t";
    char c = *i < n ? s[*i] : '\0';
    const char *k = c ? strchr(from, c) : NULL;
    if (k && c != '0') {
        gz_buf_putc(b, to[k - from]);
        (*i)++;
        return 0;
    }
    if (c != 'u' || *i + 5 > n)
        return -1;
    unsigned cp = 0;
    for (size_t j = *i + 1; j < *i + 5; j++) {
        char h = s[j];
        int d = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        cp = cp << 4 | (unsigned)d;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1; /* no NUL, no lone surrogates */
    put_utf8(b, cp);
    *i += 5;
    return 0;
}

/* A quoted string starting at s[*i] (the quote); *i ends after the
 * closing quote. NULL with *err set when it is not closed on the line. */
static char *quoted(const char *s, size_t n, size_t *i, int toml, const char **err)
{
    char q = s[(*i)++];
    struct gz_buf b;
    gz_buf_init(&b, n + 1);
    while (*i < n) {
        char c = s[(*i)++];
        if (c == q && q == '\'' && !toml && *i < n && s[*i] == '\'') {
            gz_buf_putc(&b, '\''); /* YAML's '' inside '...' */
            (*i)++;
        } else if (c == q) {
            if (!b.p)
                gz_buf_append(&b, "", 0);
            return gz_buf_take(&b);
        } else if (c == '\\' && q == '"') {
            if (unescape(s, n, i, &b)) {
                *err = "unknown escape in a string";
                gz_buf_free(&b);
                return NULL;
            }
        } else {
            gz_buf_putc(&b, c);
        }
    }
    *err = "string not closed on its line";
    gz_buf_free(&b);
    return NULL;
}

/* A plain (unquoted) scalar from s[*i], up to one of stop or a " #"
 * comment, trimmed. */
static char *plain(const char *s, size_t n, size_t *i, const char *stop)
{
    size_t start = *i;
    while (*i < n && !(stop && strchr(stop, s[*i])) &&
           !(s[*i] == '#' && *i > start && is_space(s[*i - 1])))
        (*i)++;
    size_t end = *i;
    while (end > start && is_space(s[end - 1]))
        end--;
    return gz_xstrndup(s + start, end - start);
}

/* What is left after a value must be nothing or a comment. */
static int rest_is_empty(const char *s, size_t n, size_t i)
{
    i = skip_spaces(s, n, i);
    return i == n || s[i] == '#';
}

/* A flow list "[a, 'b', "c"]" from s[*i] (the '['). */
static int flow_list(const char *s, size_t n, size_t *i, int toml, struct value *v,
                     const char **err)
{
    v->is_list = 1;
    (*i)++;
    for (;;) {
        *i = skip_spaces(s, n, *i);
        if (*i == n) {
            *err = "list not closed on its line";
            return GZ_EINVAL;
        }
        if (s[*i] == ']') {
            (*i)++;
            return GZ_OK;
        }
        char *item = s[*i] == '"' || s[*i] == '\'' ? quoted(s, n, i, toml, err)
                                                   : plain(s, n, i, ",]");
        if (!item)
            return GZ_EINVAL;
        if (v->n == TAGS_MAX) {
            free(item);
            *err = "too many items";
            return GZ_EINVAL;
        }
        value_add(v, item);
        *i = skip_spaces(s, n, *i);
        if (*i < n && s[*i] == ',')
            (*i)++;
        else if (*i < n && s[*i] != ']') {
            *err = "expected ',' or ']' in a list";
            return GZ_EINVAL;
        }
    }
}

/* The value written on the key's own line, from s[i]. */
static int inline_value(const char *s, size_t n, size_t i, int toml, struct value *v,
                        const char **err)
{
    char *item;
    if (s[i] == '[') {
        if (flow_list(s, n, &i, toml, v, err))
            return GZ_EINVAL;
    } else if (s[i] == '"' || s[i] == '\'') {
        if (toml && i + 2 < n && s[i + 1] == s[i] && s[i + 2] == s[i]) {
            *err = "multi-line strings are not supported";
            return GZ_EINVAL;
        }
        if (!(item = quoted(s, n, &i, toml, err)))
            return GZ_EINVAL;
        value_add(v, item);
    } else {
        value_add(v, plain(s, n, &i, NULL));
    }
    if (!rest_is_empty(s, n, i)) {
        *err = "unexpected text after the value";
        return GZ_EINVAL;
    }
    return GZ_OK;
}

/* ---- what the keys mean ---- */

static int is_key(const char *key, const char *name)
{
    return !strcasecmp(key, name);
}

static void add_tag(struct gz_front_matter *fm, const char *t, size_t len)
{
    if (!len || fm->ntags == TAGS_MAX)
        return;
    for (size_t i = 0; i < fm->ntags; i++)
        if (strlen(fm->tags[i]) == len && !memcmp(fm->tags[i], t, len))
            return;
    fm->tags = gz_xrealloc(fm->tags, (fm->ntags + 1) * sizeof *fm->tags);
    fm->tags[fm->ntags++] = gz_xstrndup(t, len);
}

/* A scalar list of tags, as Jekyll allows: "a, b" by commas, else "a b"
 * by spaces. */
static void add_tag_words(struct gz_front_matter *fm, const char *s)
{
    const char *sep = strchr(s, ',') ? "," : " \t";
    while (*s) {
        size_t len = strcspn(s, sep);
        const char *t = s;
        size_t tl = len;
        while (tl && is_space(*t))
            t++, tl--;
        while (tl && is_space(t[tl - 1]))
            tl--;
        add_tag(fm, t, tl);
        s += len + (s[len] != '\0');
    }
}

static int set_string(struct parser *ps, size_t i, const char *key, char **field,
                      struct value *v)
{
    if (v->is_list || v->n != 1)
        return fail(ps, i, key, "expected one value, not a list");
    free(*field);
    *field = v->items[0];
    v->items[0] = NULL;
    v->n = 0;
    return GZ_OK;
}

static int set_bool(struct parser *ps, size_t i, const char *key, int *field,
                    const struct value *v)
{
    const char *s = !v->is_list && v->n == 1 ? v->items[0] : "";
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes"))
        *field = 1;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no"))
        *field = 0;
    else
        return fail(ps, i, key, "not true or false");
    return GZ_OK;
}

static int apply(struct parser *ps, size_t i, const char *key, struct value *v)
{
    struct gz_front_matter *fm = ps->fm;
    if (is_key(key, "tags") || is_key(key, "categories") || is_key(key, "category")) {
        for (size_t k = 0; k < v->n; k++) {
            if (v->is_list)
                add_tag(fm, v->items[k], strlen(v->items[k]));
            else
                add_tag_words(fm, v->items[k]);
        }
        return GZ_OK;
    }
    if (is_key(key, "title"))
        return set_string(ps, i, key, &fm->title, v);
    if (is_key(key, "slug"))
        return set_string(ps, i, key, &fm->slug, v);
    if (is_key(key, "summary"))
        return set_string(ps, i, key, &fm->summary, v);
    if (is_key(key, "description") && !fm->summary)
        return set_string(ps, i, key, &fm->summary, v);
    if (is_key(key, "lang") || is_key(key, "language"))
        return set_string(ps, i, key, &fm->lang, v);
    if (is_key(key, "author"))
        return v->is_list ? GZ_OK : set_string(ps, i, key, &fm->author, v);
    if (is_key(key, "draft"))
        return set_bool(ps, i, key, &fm->draft, v);
    if (is_key(key, "date")) {
        fm->date_line = ps->first_line + (int)i;
        return set_string(ps, i, key, &fm->date, v);
    }
    return GZ_OK; /* a key this importer does not use */
}

/* ---- YAML ---- */

static int is_used_key(const char *key)
{
    static const char *const used[] = {"tags",     "categories", "category",    "title",
                                       "slug",     "summary",    "description", "lang",
                                       "language", "draft",      "date"};
    for (size_t i = 0; i < GZ_COUNTOF(used); i++)
        if (is_key(key, used[i]))
            return 1;
    return 0;
}

static int indented(const struct line *l)
{
    return l->len > 0 && is_space(l->p[0]);
}

static int blank_or_comment(const struct line *l)
{
    size_t i = skip_spaces(l->p, l->len, 0);
    return i == l->len || l->p[i] == '#';
}

/* Lines under a key with nothing after its colon: a block list ("- a",
 * indented or not), or a nested map, which only unused keys may have. */
static int yaml_block(struct parser *ps, size_t *i, const char *key, struct value *v)
{
    v->is_list = 1;
    size_t k = *i + 1;
    for (; k < ps->n; k++) {
        const struct line *l = &ps->lines[k];
        if (blank_or_comment(l))
            continue;
        size_t j = skip_spaces(l->p, l->len, 0);
        int item = l->p[j] == '-' && (j + 1 == l->len || is_space(l->p[j + 1]));
        if (!item && !indented(l))
            break;
        if (!item) {
            /* A nested map: only keys this importer skips may have one. */
            if (is_used_key(key))
                return fail(ps, k, key, "nested values are not supported");
            continue;
        }
        const char *err = NULL;
        size_t start = skip_spaces(l->p, l->len, j + 1);
        if (start < l->len && inline_value(l->p, l->len, start, 0, v, &err))
            return fail(ps, k, key, err);
    }
    *i = k - 1;
    return GZ_OK;
}

/* A block scalar (| keeps newlines, > folds them into spaces): the
 * indented lines under the key. */
static void yaml_block_scalar(struct parser *ps, size_t *i, int fold, struct value *v)
{
    struct gz_buf b;
    gz_buf_init(&b, (size_t)1 << 20);
    size_t k = *i + 1;
    for (; k < ps->n && (indented(&ps->lines[k]) || ps->lines[k].len == 0); k++) {
        const struct line *l = &ps->lines[k];
        size_t j = skip_spaces(l->p, l->len, 0);
        if (b.len)
            gz_buf_putc(&b, fold ? ' ' : '\n');
        gz_buf_append(&b, l->p + j, l->len - j);
    }
    while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == ' '))
        b.p[--b.len] = '\0';
    value_add(v, b.p ? gz_buf_take(&b) : gz_xstrdup(""));
    *i = k - 1;
}

static int yaml_line(struct parser *ps, size_t *i)
{
    const struct line *l = &ps->lines[*i];
    if (blank_or_comment(l) || indented(l))
        return GZ_OK; /* under a key already handled */
    const char *colon = memchr(l->p, ':', l->len);
    while (colon && colon + 1 < l->p + l->len && !is_space(colon[1]))
        colon = memchr(colon + 1, ':', (size_t)(l->p + l->len - colon - 1));
    if (!colon || colon == l->p)
        return fail(ps, *i, NULL, "expected KEY: VALUE");
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(colon - l->p), l->p);
    size_t j = skip_spaces(l->p, l->len, (size_t)(colon - l->p) + 1);
    struct value v = {0};
    const char *err = NULL;
    int rc = GZ_OK;
    if (j == l->len || l->p[j] == '#')
        rc = yaml_block(ps, i, key, &v);
    else if (l->p[j] == '|' || l->p[j] == '>')
        yaml_block_scalar(ps, i, l->p[j] == '>', &v);
    else if (inline_value(l->p, l->len, j, 0, &v, &err))
        rc = fail(ps, *i, key, err);
    if (rc == GZ_OK && (v.n || !v.is_list))
        rc = apply(ps, *i, key, &v);
    value_clear(&v);
    return rc;
}

/* ---- TOML ---- */

static int toml_line(struct parser *ps, size_t i, int *in_table)
{
    const struct line *l = &ps->lines[i];
    if (blank_or_comment(l))
        return GZ_OK;
    size_t j = skip_spaces(l->p, l->len, 0);
    if (l->p[j] == '[') {
        *in_table = 1; /* [params] and the like: nothing this importer uses */
        return GZ_OK;
    }
    const char *eq = memchr(l->p, '=', l->len);
    if (!eq)
        return fail(ps, i, NULL, "expected KEY = VALUE");
    if (*in_table)
        return GZ_OK;
    size_t kend = (size_t)(eq - l->p);
    while (kend > j && is_space(l->p[kend - 1]))
        kend--;
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(kend - j), l->p + j);
    size_t v0 = skip_spaces(l->p, l->len, (size_t)(eq - l->p) + 1);
    if (v0 == l->len)
        return fail(ps, i, key, "no value");
    struct value v = {0};
    const char *err = NULL;
    int rc = inline_value(l->p, l->len, v0, 1, &v, &err);
    if (rc)
        rc = fail(ps, i, key, err);
    else
        rc = apply(ps, i, key, &v);
    value_clear(&v);
    return rc;
}

/* ---- the block ---- */

/* Is line l the delimiter d ("---", "+++"), trailing spaces allowed? */
static int is_delim(const char *p, size_t len, const char *d)
{
    if (len < 3 || memcmp(p, d, 3))
        return 0;
    return skip_spaces(p, len, 3) == len;
}

/* Splits text into lines up to the closing delimiter; *body is after it. */
static int split(struct parser *ps, const char *text, size_t len, size_t start,
                 const char *delim, size_t *body)
{
    size_t i = start;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, l = end - i;
        if (l && text[i + l - 1] == '\r')
            l--;
        if (is_delim(text + i, l, delim) || (!ps->toml && is_delim(text + i, l, "..."))) {
            *body = nl ? end + 1 : len;
            return GZ_OK;
        }
        if (ps->n == LINES_MAX)
            return fail(ps, ps->n, NULL, "front matter too long");
        ps->lines = gz_xrealloc(ps->lines, (ps->n + 1) * sizeof *ps->lines);
        ps->lines[ps->n++] = (struct line){text + i, l};
        i = nl ? end + 1 : len;
    }
    *ps->errline = 1;
    snprintf(ps->msg, ps->msglen, "front matter is not closed by a %s line", delim);
    return GZ_EINVAL;
}

int gz_front_matter_parse(const char *text, size_t len, struct gz_front_matter *fm,
                          int *line, char *msg, size_t msglen)
{
    memset(fm, 0, sizeof *fm);
    fm->draft = -1;
    *line = 0;
    size_t start = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    const char *nl = memchr(text + start, '\n', len - start);
    size_t first = (nl ? (size_t)(nl - text) : len) - start;
    if (first && text[start + first - 1] == '\r')
        first--;
    int toml = is_delim(text + start, first, "+++");
    if (!toml && !is_delim(text + start, first, "---")) {
        fm->body = start;
        return GZ_OK; /* no front matter */
    }
    struct parser ps = {.first_line = 2,
                        .toml = toml,
                        .fm = fm,
                        .errline = line,
                        .msg = msg,
                        .msglen = msglen};
    int rc = split(&ps, text, len, nl ? (size_t)(nl - text) + 1 : len,
                   toml ? "+++" : "---", &fm->body);
    int in_table = 0;
    for (size_t i = 0; i < ps.n && rc == GZ_OK; i++)
        rc = toml ? toml_line(&ps, i, &in_table) : yaml_line(&ps, &i);
    free(ps.lines);
    if (rc != GZ_OK)
        gz_front_matter_clear(fm);
    return rc;
}

/* ---- dates ---- */

/* n digits at *s, moved past them. */
static int digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return -1;
        v = v * 10 + (**s - '0');
    }
    *out = v;
    return 0;
}

/* "Z", "+01:00", "+0100", "-05", or nothing; seconds east of UTC. */
static int zone(const char *s, int *offset)
{
    int h = 0, m = 0;
    *offset = 0;
    if (*s == ' ')
        s++;
    if (*s == '\0' || ((*s == 'Z' || *s == 'z') && s[1] == '\0'))
        return 0;
    int sign = *s == '+' ? 1 : *s == '-' ? -1 : 0;
    if (!sign || (s++, digits(&s, 2, &h)))
        return -1;
    if (*s == ':')
        s++;
    if (*s && digits(&s, 2, &m))
        return -1;
    if (*s || h > 23 || m > 59)
        return -1;
    *offset = sign * (h * 3600 + m * 60);
    return 0;
}

int gz_front_matter_date(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
        digits(&s, 2, &d))
        return GZ_EINVAL;
    if (*s == 'T' || *s == 't' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
        s++;
        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
            return GZ_EINVAL;
        if (*s == ':' && (s++, digits(&s, 2, &sec)))
            return GZ_EINVAL;
        if (*s == '.' || *s == ',')
            for (s++; *s >= '0' && *s <= '9'; s++)
                ;
    }
    if (zone(s, &off) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return GZ_EINVAL;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    struct tm back;
    if (!gmtime_r(&t, &back) || back.tm_mday != d)
        return GZ_EINVAL; /* February 30th */
    *out = (int64_t)t - off;
    return GZ_OK;
}

void gz_front_matter_clear(struct gz_front_matter *fm)
{
    free(fm->title);
    free(fm->slug);
    free(fm->summary);
    free(fm->lang);
    free(fm->author);
    free(fm->date);
    for (size_t i = 0; i < fm->ntags; i++)
        free(fm->tags[i]);
    free(fm->tags);
    memset(fm, 0, sizeof *fm);
    fm->draft = -1;
}
