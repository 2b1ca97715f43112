/* Template compiler and renderer.
 *
 * A template is compiled into a flat array of ops. A section op records the
 * index just past its body, so rendering is a loop over ops that recurses
 * only into section bodies and partials; nothing is parsed at render time
 * and nothing in a compiled set is written while rendering, which is what
 * makes a set safe to share between threads. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "render/template.h"

/* Sections nested deeper than this in one template are refused, so a
 * hostile theme cannot exhaust the C stack at render time. */
#define MAX_NEST 64
/* Template names and tag names longer than this are refused. */
#define MAX_NAME 200

enum op_kind {
    OP_TEXT,     /* literal bytes */
    OP_VAR,      /* {{name}}, HTML-escaped */
    OP_RAW,      /* {{{name}}} or {{& name}} */
    OP_SECTION,  /* {{#name}}: body is ops[i + 1 .. end) */
    OP_INVERTED, /* {{^name}} */
    OP_PARTIAL,  /* {{> name}} */
};

struct op {
    enum op_kind kind;
    const char *text; /* OP_TEXT: a slice of the template source */
    size_t len;
    const char *name;  /* tag name as written, NUL-terminated */
    const char **path; /* name split at dots; npath 0 means "." */
    size_t npath;
    size_t end;    /* sections: index of the first op after the body */
    unsigned line; /* where the tag starts, for error messages */
};

/* One compiled template. Owns its source copy, its ops and (through the
 * arena) every name string the ops point at. */
struct tpl {
    char *name;
    char *src;
    size_t src_len;
    struct op *ops;
    size_t nops, cap;
    struct gz_arena arena;
};

/* Owns every template in it. */
struct gz_tpl_set {
    struct tpl **tpls;
    size_t len, cap;
};

struct parser {
    struct tpl *tpl;
    const char *src;
    size_t len;
    size_t pos;
    size_t line_pos; /* line is the line number at offset line_pos */
    unsigned line;
    size_t open[MAX_NEST]; /* op indices of the sections not yet closed */
    size_t nopen;
    char *err;
    size_t errlen;
};

/* ---- compiling --------------------------------------------------------- */

static unsigned line_at(struct parser *p, size_t pos)
{
    /* Positions asked for only grow, so counting is incremental. */
    for (; p->line_pos < pos; p->line_pos++)
        if (p->src[p->line_pos] == '\n')
            p->line++;
    return p->line;
}

static int fail(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "name:line: message" into the caller's error buffer. */
static int fail(struct parser *p, unsigned line, const char *fmt, ...)
{
    if (!p->err || p->errlen == 0)
        return GZ_EINVAL;
    int n = snprintf(p->err, p->errlen, "%s:%u: ", p->tpl->name, line);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return GZ_EINVAL;
}

static struct op *op_push(struct tpl *t, enum op_kind kind, unsigned line)
{
    if (t->nops == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->ops = gz_xrealloc(t->ops, t->cap * sizeof(*t->ops));
    }
    struct op *op = &t->ops[t->nops++];
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    op->line = line;
    return op;
}

static void emit_text(struct parser *p, size_t from, size_t to)
{
    if (to <= from)
        return;
    struct op *op = op_push(p->tpl, OP_TEXT, 0);
    op->text = p->src + from;
    op->len = to - from;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '/';
}

/* Splits a dotted name into the op's path. "." alone is the current item;
 * otherwise no segment may be empty. Returns false for a malformed name. */
static bool split_name(struct tpl *t, struct op *op)
{
    const char *name = op->name;
    if (strcmp(name, ".") == 0)
        return true;
    size_t n = 1;
    for (const char *c = name; *c; c++)
        n += *c == '.';
    op->path = gz_arena_alloc(&t->arena, n * sizeof(*op->path));
    const char *seg = name;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t seglen = dot ? (size_t)(dot - seg) : strlen(seg);
        if (seglen == 0)
            return false;
        op->path[op->npath++] = gz_arena_strndup(&t->arena, seg, seglen);
        if (!dot)
            return true;
        seg = dot + 1;
    }
}

/* Whether the tag at [start, end) stands alone on its line. When it does,
 * *line_start and *next get the span of the whole line to drop. */
static bool standalone(const struct parser *p, size_t start, size_t end,
                       size_t *line_start, size_t *next)
{
    size_t ls = start;
    while (ls > 0 && p->src[ls - 1] != '\n')
        ls--;
    for (size_t i = ls; i < start; i++)
        if (p->src[i] != ' ' && p->src[i] != '\t')
            return false;
    size_t i = end;
    while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
        i++;
    if (i < p->len && p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
        i += 2;
    else if (i < p->len && p->src[i] == '\n')
        i++;
    else if (i != p->len)
        return false;
    *line_start = ls;
    *next = i;
    return true;
}

struct tag {
    char sigil; /* 0 for a plain variable, '{' for triple */
    size_t start, end;
    const char *body; /* trimmed name or comment text */
    size_t body_len;
    unsigned line;
};

/* Reads the tag opening at p->pos..; fills tag or reports an error. */
static int read_tag(struct parser *p, size_t open, struct tag *tag)
{
    const char *s = p->src;
    size_t i = open + 2;
    tag->start = open;
    tag->line = line_at(p, open);
    tag->sigil = 0;
    if (i < p->len && s[i] != '\0' && strchr("{&#^/>!", s[i]))
        tag->sigil = s[i++];
    const char *close = memmem(s + i, p->len - i, "}}", 2);
    if (!close)
        return fail(p, tag->line, "unterminated tag");
    size_t close_pos = (size_t)(close - s);
    tag->end = close_pos + 2;
    if (tag->sigil == '{') {
        if (tag->end >= p->len || s[tag->end] != '}')
            return fail(p, tag->line, "unterminated tag (expected '}}}')");
        tag->end++;
    }
    /* A name running into another tag or over a line means a missing "}}". */
    if (tag->sigil != '!' &&
        (memmem(s + i, close_pos - i, "{{", 2) || memchr(s + i, '\n', close_pos - i)))
        return fail(p, tag->line, "unterminated tag");
    while (i < close_pos && is_space(s[i]))
        i++;
    size_t j = close_pos;
    while (j > i && is_space(s[j - 1]))
        j--;
    tag->body = s + i;
    tag->body_len = j - i;
    if (tag->sigil == '!')
        return GZ_OK;
    if (tag->body_len == 0)
        return fail(p, tag->line, "empty tag name");
    return GZ_OK;
}

static int add_named_op(struct parser *p, const struct tag *tag, enum op_kind kind)
{
    struct tpl *t = p->tpl;
    char *name = gz_arena_strndup(&t->arena, tag->body, tag->body_len);
    if (tag->body_len > MAX_NAME)
        return fail(p, tag->line, "tag name too long");
    for (size_t i = 0; i < tag->body_len; i++)
        if (!is_name_char(name[i]))
            return fail(p, tag->line, "invalid tag name '%s'", name);
    struct op *op = op_push(t, kind, tag->line);
    op->name = name;
    if (kind != OP_PARTIAL && !split_name(t, op))
        return fail(p, tag->line, "invalid tag name '%s'", name);
    if (kind == OP_SECTION || kind == OP_INVERTED) {
        if (p->nopen == MAX_NEST)
            return fail(p, tag->line, "sections nested too deep");
        p->open[p->nopen++] = t->nops - 1;
    }
    return GZ_OK;
}

static int close_section(struct parser *p, const struct tag *tag)
{
    struct tpl *t = p->tpl;
    char *name = gz_arena_strndup(&t->arena, tag->body, tag->body_len);
    if (p->nopen == 0)
        return fail(p, tag->line, "unexpected close tag '%s'", name);
    struct op *open = &t->ops[p->open[p->nopen - 1]];
    if (strcmp(open->name, name) != 0)
        return fail(p, tag->line, "mismatched close tag '%s' (expected '%s')", name,
                    open->name);
    open->end = t->nops;
    p->nopen--;
    return GZ_OK;
}

static int handle_tag(struct parser *p, const struct tag *tag)
{
    switch (tag->sigil) {
    case '!':
        return GZ_OK;
    case '#':
        return add_named_op(p, tag, OP_SECTION);
    case '^':
        return add_named_op(p, tag, OP_INVERTED);
    case '/':
        return close_section(p, tag);
    case '>':
        return add_named_op(p, tag, OP_PARTIAL);
    case '{':
    case '&':
        return add_named_op(p, tag, OP_RAW);
    default:
        return add_named_op(p, tag, OP_VAR);
    }
}

static int parse(struct parser *p)
{
    while (p->pos < p->len) {
        const char *open = memmem(p->src + p->pos, p->len - p->pos, "{{", 2);
        if (!open) {
            emit_text(p, p->pos, p->len);
            break;
        }
        struct tag tag;
        int rc = read_tag(p, (size_t)(open - p->src), &tag);
        if (rc)
            return rc;
        size_t text_end = tag.start, next = tag.end;
        if (tag.sigil && strchr("#^/>!", tag.sigil))
            if (!standalone(p, tag.start, tag.end, &text_end, &next))
                text_end = tag.start, next = tag.end;
        emit_text(p, p->pos, text_end);
        rc = handle_tag(p, &tag);
        if (rc)
            return rc;
        p->pos = next;
    }
    if (p->nopen) {
        const struct op *open = &p->tpl->ops[p->open[p->nopen - 1]];
        return fail(p, open->line, "unclosed section '%s'", open->name);
    }
    return GZ_OK;
}

static void tpl_free(struct tpl *t)
{
    if (!t)
        return;
    gz_arena_free(&t->arena);
    free(t->ops);
    free(t->src);
    free(t->name);
    free(t);
}

static int tpl_compile(const char *name, const char *src, size_t len, char *err,
                       size_t errlen, struct tpl **out)
{
    struct tpl *t = gz_xcalloc(1, sizeof(*t));
    gz_arena_init(&t->arena, 0);
    t->name = gz_xstrdup(name);
    t->src = gz_xstrndup(src, len);
    t->src_len = len;
    struct parser p = {
        .tpl = t, .src = t->src, .len = len, .line = 1, .err = err, .errlen = errlen};
    int rc = parse(&p);
    if (rc) {
        tpl_free(t);
        return rc;
    }
    *out = t;
    return GZ_OK;
}

/* ---- the set ----------------------------------------------------------- */

struct gz_tpl_set *gz_tpl_set_new(void)
{
    return gz_xcalloc(1, sizeof(struct gz_tpl_set));
}

void gz_tpl_set_free(struct gz_tpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->len; i++)
        tpl_free(set->tpls[i]);
    free(set->tpls);
    free(set);
}

static struct tpl *set_find(const struct gz_tpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->len; i++)
        if (strcmp(set->tpls[i]->name, name) == 0)
            return set->tpls[i];
    return NULL;
}

/* A partial "x" names template "x", or failing that "x.html". */
static struct tpl *set_find_partial(const struct gz_tpl_set *set, const char *name)
{
    struct tpl *t = set_find(set, name);
    if (t)
        return t;
    size_t n = strlen(name);
    for (size_t i = 0; i < set->len; i++) {
        const char *cand = set->tpls[i]->name;
        if (strncmp(cand, name, n) == 0 && strcmp(cand + n, ".html") == 0)
            return set->tpls[i];
    }
    return NULL;
}

bool gz_tpl_set_has(const struct gz_tpl_set *set, const char *name)
{
    return set && name && set_find(set, name) != NULL;
}

int gz_tpl_set_add(struct gz_tpl_set *set, const char *name, const char *src, size_t len,
                   char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!name || !*name || strlen(name) > MAX_NAME) {
        if (err && errlen)
            snprintf(err, errlen, "invalid template name");
        return GZ_EINVAL;
    }
    struct tpl *t;
    int rc = tpl_compile(name, src ? src : "", src ? len : 0, err, errlen, &t);
    if (rc)
        return rc;
    for (size_t i = 0; i < set->len; i++) {
        if (strcmp(set->tpls[i]->name, name) == 0) {
            tpl_free(set->tpls[i]);
            set->tpls[i] = t;
            return GZ_OK;
        }
    }
    if (set->len == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 16;
        set->tpls = gz_xrealloc(set->tpls, set->cap * sizeof(*set->tpls));
    }
    set->tpls[set->len++] = t;
    return GZ_OK;
}

int gz_tpl_set_link(const struct gz_tpl_set *set, char *err, size_t errlen)
{
    for (size_t i = 0; i < set->len; i++) {
        const struct tpl *t = set->tpls[i];
        for (size_t j = 0; j < t->nops; j++) {
            const struct op *op = &t->ops[j];
            if (op->kind != OP_PARTIAL || set_find_partial(set, op->name))
                continue;
            if (err && errlen)
                snprintf(err, errlen, "%s:%u: unknown partial '%s'", t->name, op->line,
                         op->name);
            return GZ_ENOTFOUND;
        }
    }
    return GZ_OK;
}

/* ---- rendering --------------------------------------------------------- */

/* The context stack lives on the C stack, one frame per entered section. */
struct frame {
    const struct gz_val *val;
    const struct frame *up;
};

struct render {
    const struct gz_tpl_set *set;
    struct gz_buf *out;
};

/* Resolves the first name segment up the stack, the rest strictly inside. */
static const struct gz_val *lookup(const struct frame *f, const struct op *op)
{
    if (op->npath == 0)
        return f->val;
    const struct gz_val *v = NULL;
    for (; f && !v; f = f->up)
        v = gz_obj_get(f->val, op->path[0]);
    for (size_t i = 1; v && i < op->npath; i++)
        v = gz_obj_get(v, op->path[i]);
    return v;
}

static bool truthy(const struct gz_val *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case GZ_VAL_BOOL:
        return v->u.b;
    case GZ_VAL_INT:
        return v->u.i != 0;
    case GZ_VAL_STR:
        return v->u.s.len > 0;
    case GZ_VAL_LIST:
        return v->u.list.len > 0;
    case GZ_VAL_OBJ:
        return true;
    default:
        return false;
    }
}

static int put_value(struct gz_buf *out, const struct gz_val *v, bool escape)
{
    if (!v)
        return GZ_OK;
    switch (v->kind) {
    case GZ_VAL_STR:
        return escape ? gz_buf_put_html(out, v->u.s.p, v->u.s.len)
                      : gz_buf_append(out, v->u.s.p, v->u.s.len);
    case GZ_VAL_INT:
        return gz_buf_printf(out, "%" PRId64, v->u.i);
    case GZ_VAL_BOOL:
        return gz_buf_puts(out, v->u.b ? "true" : "false");
    default:
        return GZ_OK; /* null, lists and objects print nothing */
    }
}

static int render_ops(const struct render *r, const struct tpl *t, size_t from, size_t to,
                      const struct frame *f, int depth);

static int render_section(const struct render *r, const struct tpl *t, size_t i,
                          const struct frame *f, int depth)
{
    const struct op *op = &t->ops[i];
    const struct gz_val *v = lookup(f, op);
    if (op->kind == OP_INVERTED)
        return truthy(v) ? GZ_OK : render_ops(r, t, i + 1, op->end, f, depth);
    if (!truthy(v))
        return GZ_OK;
    if (v->kind != GZ_VAL_LIST) {
        struct frame inner = {v, f};
        return render_ops(r, t, i + 1, op->end, &inner, depth);
    }
    for (const struct gz_val_item *it = v->u.list.head; it; it = it->next) {
        struct frame inner = {it->val, f};
        int rc = render_ops(r, t, i + 1, op->end, &inner, depth);
        if (rc)
            return rc;
    }
    return GZ_OK;
}

static int render_partial(const struct render *r, const struct tpl *t,
                          const struct op *op, const struct frame *f, int depth)
{
    const struct tpl *partial = set_find_partial(r->set, op->name);
    if (!partial) {
        gz_error("template %s:%u: unknown partial '%s'", t->name, op->line, op->name);
        return GZ_ENOTFOUND;
    }
    if (depth >= GZ_TPL_MAX_DEPTH) {
        gz_error("template %s:%u: partials nested deeper than %d", t->name, op->line,
                 GZ_TPL_MAX_DEPTH);
        return GZ_EINVAL;
    }
    return render_ops(r, partial, 0, partial->nops, f, depth + 1);
}

static int render_ops(const struct render *r, const struct tpl *t, size_t from, size_t to,
                      const struct frame *f, int depth)
{
    int rc = GZ_OK;
    size_t i = from;
    while (i < to && rc == GZ_OK) {
        const struct op *op = &t->ops[i];
        switch (op->kind) {
        case OP_TEXT:
            rc = gz_buf_append(r->out, op->text, op->len);
            break;
        case OP_VAR:
        case OP_RAW:
            rc = put_value(r->out, lookup(f, op), op->kind == OP_VAR);
            break;
        case OP_SECTION:
        case OP_INVERTED:
            rc = render_section(r, t, i, f, depth);
            i = op->end;
            continue;
        case OP_PARTIAL:
            rc = render_partial(r, t, op, f, depth);
            break;
        }
        i++;
    }
    return rc;
}

int gz_tpl_render(const struct gz_tpl_set *set, const char *name,
                  const struct gz_val *ctx, struct gz_buf *out)
{
    const struct tpl *t = set && name ? set_find(set, name) : NULL;
    if (!t)
        return GZ_ENOTFOUND;
    struct render r = {set, out};
    struct frame root = {ctx, NULL};
    return render_ops(&r, t, 0, t->nops, &root, 0);
}
