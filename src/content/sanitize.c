#include "content/sanitize.h"

#include <gumbo.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "content/url.h"
#include "core/arena.h"
#include "core/utf8.h"

/* ---- parsing, with a memory cap ---- */

/* gumbo allocates through these callbacks and never checks for NULL, so the
 * cap is enforced by jumping out of the parse; every byte gumbo holds is in
 * the arena, which is then freed in one go (gumbo holds nothing else). The
 * arena also spares us gumbo_destroy_output, which recurses once per level
 * of nesting and could overflow the stack on a hostile input. */
struct parse_mem {
    struct gz_arena arena;
    size_t used;
    size_t cap;
    jmp_buf too_big;
};

static void *parse_alloc(void *userdata, size_t size)
{
    struct parse_mem *m = userdata;
    m->used += size;
    if (m->used > m->cap)
        longjmp(m->too_big, 1);
    /* Zeroed: gumbo 0.10.1 reads bytes of some fresh allocations before
     * writing them (valgrind: a conditional jump on them in its tokenizer). */
    return gz_arena_zalloc(&m->arena, size ? size : 1);
}

static void parse_free(void *userdata, void *ptr)
{
    (void)userdata;
    (void)ptr; /* the arena frees everything at the end */
}

/* Parses html as the content of a <div>; NULL when the memory cap was hit. */
static GumboOutput *parse_fragment(struct parse_mem *m, const char *html, size_t len)
{
    GumboOptions opt = kGumboDefaultOptions;
    opt.allocator = parse_alloc;
    opt.deallocator = parse_free;
    opt.userdata = m;
    opt.max_errors = 0; /* errors are not used; do not spend memory on them */
    opt.fragment_context = GUMBO_TAG_DIV;
    opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
    if (setjmp(m->too_big))
        return NULL;
    return gumbo_parse_with_options(&opt, html, len);
}

/* ---- a bound on nesting, before parsing ---- */

static int tag_in(GumboTag tag, const GumboTag *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == tag)
            return 1;
    }
    return 0;
}

/* Elements that never nest deeper by themselves: void ones, and those a
 * sibling start tag closes (<p><p>, <li><li>, <td><td>). */
static const GumboTag never_nesting[] = {
    GUMBO_TAG_AREA,     GUMBO_TAG_BASE,    GUMBO_TAG_BR,     GUMBO_TAG_COL,
    GUMBO_TAG_EMBED,    GUMBO_TAG_HR,      GUMBO_TAG_IMG,    GUMBO_TAG_IMAGE,
    GUMBO_TAG_INPUT,    GUMBO_TAG_LINK,    GUMBO_TAG_META,   GUMBO_TAG_PARAM,
    GUMBO_TAG_SOURCE,   GUMBO_TAG_TRACK,   GUMBO_TAG_WBR,    GUMBO_TAG_KEYGEN,
    GUMBO_TAG_P,        GUMBO_TAG_LI,      GUMBO_TAG_DD,     GUMBO_TAG_DT,
    GUMBO_TAG_TR,       GUMBO_TAG_TD,      GUMBO_TAG_TH,     GUMBO_TAG_TBODY,
    GUMBO_TAG_THEAD,    GUMBO_TAG_TFOOT,   GUMBO_TAG_OPTION, GUMBO_TAG_OPTGROUP,
    GUMBO_TAG_RB,       GUMBO_TAG_RT,      GUMBO_TAG_RP,     GUMBO_TAG_RTC,
    GUMBO_TAG_COLGROUP, GUMBO_TAG_CAPTION,
};

/* An estimate, from the tags alone, of whether the tree would nest deeper
 * than GZ_SANITIZE_MAX_NESTING: gumbo walks its stack of open elements for
 * most start tags, so parse time grows with the square of the depth. The
 * estimate counts start tags not matched by an end tag of the same name
 * (an unknown name's end tag matches nothing, so made-up names cannot
 * cancel each other out); it errs on the side of too deep. */
static int nests_too_deep(const char *html, size_t len)
{
    size_t open[GUMBO_TAG_LAST + 1] = {0};
    size_t depth = 0;
    const char *p = html, *end = html + len;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        int closing = p < end && *p == '/';
        const char *name = p + closing;
        const char *q = name;
        while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                           (*q >= '0' && *q <= '9') || *q == '-'))
            q++;
        if (q == name || !((*name | 0x20) >= 'a' && (*name | 0x20) <= 'z'))
            continue;
        GumboTag tag = gumbo_tagn_enum(name, (unsigned)(q - name));
        if (closing) {
            if (tag != GUMBO_TAG_UNKNOWN && open[tag] > 0) {
                open[tag]--;
                depth--;
            }
        } else if (!tag_in(tag, never_nesting, GZ_COUNTOF(never_nesting))) {
            open[tag]++;
            if (++depth > GZ_SANITIZE_MAX_NESTING)
                return 1;
        }
        p = q;
    }
    return 0;
}

/* ---- the allow-list ---- */

enum action { KEEP, UNWRAP, DROP };

static const GumboTag kept_tags[] = {
    GUMBO_TAG_P,          GUMBO_TAG_BR,      GUMBO_TAG_HR,     GUMBO_TAG_A,
    GUMBO_TAG_EM,         GUMBO_TAG_STRONG,  GUMBO_TAG_B,      GUMBO_TAG_I,
    GUMBO_TAG_U,          GUMBO_TAG_S,       GUMBO_TAG_DEL,    GUMBO_TAG_INS,
    GUMBO_TAG_SUB,        GUMBO_TAG_SUP,     GUMBO_TAG_SMALL,  GUMBO_TAG_MARK,
    GUMBO_TAG_ABBR,       GUMBO_TAG_CITE,    GUMBO_TAG_Q,      GUMBO_TAG_CODE,
    GUMBO_TAG_PRE,        GUMBO_TAG_KBD,     GUMBO_TAG_SAMP,   GUMBO_TAG_VAR,
    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_UL,      GUMBO_TAG_OL,     GUMBO_TAG_LI,
    GUMBO_TAG_DL,         GUMBO_TAG_DT,      GUMBO_TAG_DD,     GUMBO_TAG_H1,
    GUMBO_TAG_H2,         GUMBO_TAG_H3,      GUMBO_TAG_H4,     GUMBO_TAG_H5,
    GUMBO_TAG_H6,         GUMBO_TAG_IMG,     GUMBO_TAG_FIGURE, GUMBO_TAG_FIGCAPTION,
    GUMBO_TAG_TABLE,      GUMBO_TAG_CAPTION, GUMBO_TAG_THEAD,  GUMBO_TAG_TBODY,
    GUMBO_TAG_TFOOT,      GUMBO_TAG_TR,      GUMBO_TAG_TH,     GUMBO_TAG_TD,
    GUMBO_TAG_SPAN,       GUMBO_TAG_DIV,
};

/* Active content, documents within the document, forms, media and foreign
 * (SVG, MathML) content: what is inside is not text to read. */
static const GumboTag dropped_tags[] = {
    GUMBO_TAG_HEAD,     GUMBO_TAG_TITLE,    GUMBO_TAG_BASE,     GUMBO_TAG_LINK,
    GUMBO_TAG_META,     GUMBO_TAG_STYLE,    GUMBO_TAG_SCRIPT,   GUMBO_TAG_NOSCRIPT,
    GUMBO_TAG_TEMPLATE, GUMBO_TAG_IFRAME,   GUMBO_TAG_EMBED,    GUMBO_TAG_OBJECT,
    GUMBO_TAG_PARAM,    GUMBO_TAG_VIDEO,    GUMBO_TAG_AUDIO,    GUMBO_TAG_SOURCE,
    GUMBO_TAG_TRACK,    GUMBO_TAG_CANVAS,   GUMBO_TAG_MAP,      GUMBO_TAG_AREA,
    GUMBO_TAG_MATH,     GUMBO_TAG_SVG,      GUMBO_TAG_FORM,     GUMBO_TAG_INPUT,
    GUMBO_TAG_BUTTON,   GUMBO_TAG_SELECT,   GUMBO_TAG_DATALIST, GUMBO_TAG_OPTGROUP,
    GUMBO_TAG_OPTION,   GUMBO_TAG_TEXTAREA, GUMBO_TAG_KEYGEN,   GUMBO_TAG_OUTPUT,
    GUMBO_TAG_PROGRESS, GUMBO_TAG_METER,    GUMBO_TAG_MENUITEM, GUMBO_TAG_APPLET,
    GUMBO_TAG_BGSOUND,  GUMBO_TAG_FRAME,    GUMBO_TAG_FRAMESET, GUMBO_TAG_NOFRAMES,
    GUMBO_TAG_ISINDEX,  GUMBO_TAG_XMP,      GUMBO_TAG_NOEMBED,  GUMBO_TAG_PLAINTEXT,
    GUMBO_TAG_COLGROUP, GUMBO_TAG_COL,
};

/* What happens to an element, by tag alone. */
static enum action tag_action(GumboTag tag)
{
    if (tag_in(tag, kept_tags, GZ_COUNTOF(kept_tags)))
        return KEEP;
    return tag_in(tag, dropped_tags, GZ_COUNTOF(dropped_tags)) ? DROP : UNWRAP;
}

static int is_void(GumboTag tag)
{
    return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG;
}

static const char *tag_name(GumboTag tag)
{
    return gumbo_normalized_tagname(tag == GUMBO_TAG_H1 ? GUMBO_TAG_H2 : tag);
}

static const char *attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
    return a ? a->value : NULL;
}

static int url_ok(const char *url)
{
    return url && gz_url_is_safe(url, strlen(url));
}

/* What happens to this element: its tag's action, narrowed by what it
 * needs (a link its URL, an image its source) and by depth. A pure
 * function of the node, as it is asked again when the element closes. */
static enum action element_action(const GumboNode *n, size_t depth)
{
    const GumboElement *e = &n->v.element;
    if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
        return DROP;
    enum action act = tag_action(e->tag);
    if (act != KEEP)
        return act;
    if (e->tag == GUMBO_TAG_IMG && !url_ok(attr(e, "src")))
        return DROP;
    if (e->tag == GUMBO_TAG_A && !url_ok(attr(e, "href")))
        return UNWRAP;
    return depth > GZ_SANITIZE_MAX_DEPTH ? UNWRAP : KEEP;
}

/* ---- attribute values ---- */

static int all_digits(const char *v, size_t max_len)
{
    size_t n = strlen(v);
    if (n == 0 || n > max_len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
    }
    return 1;
}

/* A language tag: letters, digits and hyphens (BCP 47's alphabet). */
static int lang_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 35)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

static int dir_ok(const char *v)
{
    return !strcasecmp(v, "ltr") || !strcasecmp(v, "rtl") || !strcasecmp(v, "auto");
}

/* Whether attribute name may stay on tag with this value. href and src were
 * checked by element_action; rel is written by write_rel. */
static int attr_ok(GumboTag tag, const char *name, const char *value)
{
    if (!strcmp(name, "lang"))
        return lang_ok(value);
    if (!strcmp(name, "dir"))
        return dir_ok(value);
    switch (tag) {
    case GUMBO_TAG_A:
        return !strcmp(name, "href") || !strcmp(name, "title");
    case GUMBO_TAG_IMG:
        if (!strcmp(name, "width") || !strcmp(name, "height"))
            return all_digits(value, 5);
        return !strcmp(name, "src") || !strcmp(name, "alt") || !strcmp(name, "title");
    case GUMBO_TAG_ABBR:
        return !strcmp(name, "title");
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
        return (!strcmp(name, "colspan") || !strcmp(name, "rowspan")) &&
               all_digits(value, 4);
    case GUMBO_TAG_OL:
        return !strcmp(name, "start") && all_digits(value, 9);
    default:
        return 0;
    }
}

/* A link to another site: an absolute http(s) URL or a //host one. The
 * sanitizer does not know the site's own address, so every absolute link
 * counts as external. */
static int url_external(const char *url)
{
    while (*url && (unsigned char)*url <= 0x20)
        url++;
    if (url[0] == '/' && url[1] == '/')
        return 1;
    return !strncasecmp(url, "http:", 5) || !strncasecmp(url, "https:", 6);
}

/* Whether the space-separated list has token (ASCII case-insensitive). */
static int has_token(const char *list, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = list; *p;) {
        while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
            p++;
        size_t len = strcspn(p, " \t\n\f\r");
        if (len == n && !strncasecmp(p, token, n))
            return 1;
        p += len;
    }
    return 0;
}

/* ---- writing ---- */

struct writer {
    struct gz_buf *out;
    struct gz_sanitize_stats *st;
    int rc;
};

static void put(struct writer *w, const char *s)
{
    if (w->rc == GZ_OK)
        w->rc = gz_buf_puts(w->out, s);
}

/* Text and attribute values, escaped. gumbo can hand back bytes that are
 * not UTF-8 (an overflowing &#...; reference comes out cut short), so any
 * such byte is written as U+FFFD. */
static void put_escaped(struct writer *w, const char *s, size_t n)
{
    size_t start = 0, i = 0;
    uint32_t cp;
    while (i < n && w->rc == GZ_OK) {
        int len = gz_utf8_decode(s + i, n - i, &cp);
        if (len > 0) {
            i += (size_t)len;
            continue;
        }
        w->rc = gz_buf_put_html(w->out, s + start, i - start);
        if (w->rc == GZ_OK)
            w->rc = gz_buf_puts(w->out, "\xEF\xBF\xBD");
        start = ++i;
    }
    if (w->rc == GZ_OK)
        w->rc = gz_buf_put_html(w->out, s + start, n - start);
}

static void put_attr(struct writer *w, const char *name, const char *value)
{
    put(w, " ");
    put(w, name);
    put(w, "=\"");
    put_escaped(w, value, strlen(value));
    put(w, "\"");
}

/* rel on a link: nofollow noopener to other sites, and the tokens of the
 * original that say something about the link, never anything else. */
static void write_rel(struct writer *w, const GumboElement *e)
{
    static const char *const kept[] = {"noreferrer", "ugc", "sponsored"};
    const char *rel = attr(e, "rel");
    int written = url_external(attr(e, "href"));
    if (written)
        put(w, " rel=\"nofollow noopener");
    for (size_t i = 0; rel && i < GZ_COUNTOF(kept); i++) {
        if (has_token(rel, kept[i])) {
            put(w, written ? " " : " rel=\"");
            put(w, kept[i]);
            written = 1;
        }
    }
    if (written)
        put(w, "\"");
}

static void write_open(struct writer *w, const GumboElement *e)
{
    put(w, "<");
    put(w, tag_name(e->tag));
    for (unsigned i = 0; i < e->attributes.length; i++) {
        const GumboAttribute *a = e->attributes.data[i];
        if (a->attr_namespace == GUMBO_ATTR_NAMESPACE_NONE &&
            attr_ok(e->tag, a->name, a->value))
            put_attr(w, a->name, a->value);
        else if (w->st && strcmp(a->name, "rel"))
            w->st->attributes_removed++;
    }
    if (e->tag == GUMBO_TAG_A)
        write_rel(w, e);
    if (e->tag == GUMBO_TAG_IMG)
        put(w, " loading=\"lazy\"");
    put(w, ">");
    /* A browser drops a newline right after <pre>; this one is there to be
     * dropped, so a newline that starts the text survives. */
    if (e->tag == GUMBO_TAG_PRE)
        put(w, "\n");
}

static void count(struct writer *w, const GumboNode *n, enum action act)
{
    if (!w->st)
        return;
    const GumboElement *e = &n->v.element;
    if (act == DROP)
        w->st->elements_removed++;
    else if (act == UNWRAP)
        w->st->elements_unwrapped++;
    if (act == DROP && e->tag == GUMBO_TAG_IMG && attr(e, "src"))
        w->st->urls_removed++;
    if (act == UNWRAP && e->tag == GUMBO_TAG_A && attr(e, "href") &&
        !url_ok(attr(e, "href")))
        w->st->urls_removed++;
}

/* Writes what a node starts with; returns 1 when its children are to be
 * visited. */
static int enter(struct writer *w, const GumboNode *n, size_t depth)
{
    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
        put_escaped(w, n->v.text.text, strlen(n->v.text.text));
        return 0;
    case GUMBO_NODE_ELEMENT: {
        enum action act = element_action(n, depth);
        count(w, n, act);
        if (act == KEEP)
            write_open(w, &n->v.element);
        return act != DROP && n->v.element.children.length > 0;
    }
    default: /* comments, CDATA, templates */
        return 0;
    }
}

/* Writes what a node ends with (once its children are written). */
static void leave(struct writer *w, const GumboNode *n, size_t depth)
{
    if (n->type != GUMBO_NODE_ELEMENT || is_void(n->v.element.tag))
        return;
    if (element_action(n, depth) != KEEP)
        return;
    put(w, "</");
    put(w, tag_name(n->v.element.tag));
    put(w, ">");
}

static const GumboNode *child(const GumboNode *n, size_t i)
{
    const GumboVector *c = &n->v.element.children;
    return i < c->length ? c->data[i] : NULL;
}

/* Walks the tree below root in document order without recursion (gumbo
 * builds trees as deep as the input asks), through parent links. */
static void walk(struct writer *w, const GumboNode *root)
{
    const GumboNode *n = child(root, 0);
    size_t depth = 1;
    while (n && w->rc == GZ_OK) {
        if (enter(w, n, depth)) {
            n = child(n, 0);
            depth++;
            continue;
        }
        leave(w, n, depth);
        for (;;) {
            const GumboNode *next = child(n->parent, n->index_within_parent + 1);
            if (next) {
                n = next;
                break;
            }
            n = n->parent;
            depth--;
            if (n == root) {
                n = NULL;
                break;
            }
            leave(w, n, depth);
        }
    }
}

int gz_sanitize_html(const char *html, size_t len, struct gz_buf *out,
                     struct gz_sanitize_stats *st)
{
    if (len > GZ_SANITIZE_MAX_INPUT)
        return GZ_ETOOBIG;
    if (!gz_utf8_valid(html, len))
        return GZ_EINVAL;
    if (nests_too_deep(html, len))
        return GZ_ETOOBIG;
    struct parse_mem mem = {.cap = ((size_t)32 << 20) + 64 * len};
    gz_arena_init(&mem.arena, 64 * 1024);
    struct gz_sanitize_stats counted = {0};
    struct writer w = {.out = out, .st = &counted, .rc = GZ_OK};
    size_t start = out->len;
    GumboOutput *parsed = parse_fragment(&mem, html, len);
    if (!parsed)
        w.rc = GZ_ETOOBIG;
    else
        walk(&w, parsed->root);
    gz_arena_free(&mem.arena);
    if (w.rc != GZ_OK) {
        out->len = start;
        if (out->p)
            out->p[start] = '\0';
        return w.rc;
    }
    if (st) {
        st->elements_removed += counted.elements_removed;
        st->elements_unwrapped += counted.elements_unwrapped;
        st->attributes_removed += counted.attributes_removed;
        st->urls_removed += counted.urls_removed;
    }
    return GZ_OK;
}
