/* Line diff (diff.h): Myers' greedy algorithm, "An O(ND) Difference
 * Algorithm and Its Variations" (1986), section 2, with the path recovered
 * from a trace of the furthest-reaching x per diagonal and round. */
#include "admin/diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A text cut into lines, each with a hash so most comparisons are one
 * integer compare. */
struct text {
    struct gz_str *lines;
    uint64_t *hash;
    size_t n;
};

static size_t count_lines(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    return n + (len > 0 && p[len - 1] != '\n');
}

static int split(const char *p, size_t len, struct text *t)
{
    memset(t, 0, sizeof *t);
    size_t n = count_lines(p, len);
    if (n > GZ_DIFF_MAX_LINES)
        return GZ_ETOOBIG;
    if (n == 0)
        return GZ_OK;
    t->lines = gz_xmalloc(n * sizeof *t->lines);
    t->hash = gz_xmalloc(n * sizeof *t->hash);
    size_t start = 0;
    for (size_t i = 0; i <= len && t->n < n; i++) {
        if (i == len || p[i] == '\n') {
            t->lines[t->n] = (struct gz_str){p + start, i - start};
            t->hash[t->n++] = gz_hash(p + start, i - start);
            start = i + 1;
        }
    }
    return GZ_OK;
}

static void text_free(struct text *t)
{
    free(t->lines);
    free(t->hash);
}

static int same(const struct text *a, size_t i, const struct text *b, size_t j)
{
    return a->hash[i] == b->hash[j] && a->lines[i].len == b->lines[j].len &&
           !memcmp(a->lines[i].p, b->lines[j].p, a->lines[i].len);
}

/* ---- the edit script ---- */

/* out has room for every line of both texts (reserved up front). */
static void push(struct gz_diff *out, enum gz_diff_op op, struct gz_str text)
{
    out->lines[out->len++] = (struct gz_diff_line){op, text};
}

/* The lines between the common head and tail: a[a0, a0+n) and b[b0, b0+m). */
struct middle {
    const struct text *a, *b;
    size_t a0, n, b0, m;
};

/* Round d of the trace keeps V[k] for k in [-d-1, d+1]: 2d+3 entries,
 * after the d^2+2d of the rounds before it. */
static size_t round_at(size_t d)
{
    return d * d + 2 * d;
}

static int32_t *trace_round(int32_t *trace, size_t d)
{
    return trace + round_at(d);
}

/* Runs the forward search; on success *trace holds every round (the caller
 * frees it) and *edits the length of the shortest script. Returns 0 when
 * it needs more than GZ_DIFF_MAX_EDITS edits. */
static int search(const struct middle *mid, int32_t **trace, size_t *edits)
{
    long n = (long)mid->n, m = (long)mid->m;
    long max_d = n + m < GZ_DIFF_MAX_EDITS ? n + m : GZ_DIFF_MAX_EDITS;
    /* v[k + off] is the furthest x reached on diagonal k = x - y. */
    long off = max_d + 1;
    int32_t *v = gz_xcalloc((size_t)(2 * max_d + 3), sizeof *v);
    *trace = gz_xmalloc(round_at((size_t)max_d + 1) * sizeof **trace);
    for (long d = 0; d <= max_d; d++) {
        memcpy(trace_round(*trace, (size_t)d), v + off - d - 1,
               (size_t)(2 * d + 3) * sizeof *v);
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                         ? v[off + k + 1]
                         : v[off + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m &&
                   same(mid->a, mid->a0 + (size_t)x, mid->b, mid->b0 + (size_t)y)) {
                x++;
                y++;
            }
            v[off + k] = (int32_t)x;
            if (x >= n && y >= m) {
                *edits = (size_t)d;
                free(v);
                return 1;
            }
        }
    }
    free(v);
    free(*trace);
    *trace = NULL;
    return 0;
}

/* Walks the trace back from (n, m) to (0, 0), writing the script for the
 * middle into rev backwards; returns its length. */
static size_t backtrack(const struct middle *mid, const int32_t *trace, size_t edits,
                        struct gz_diff_line *rev)
{
    long x = (long)mid->n, y = (long)mid->m;
    size_t len = 0;
    for (long d = (long)edits; d >= 0; d--) {
        const int32_t *v =
            trace + round_at((size_t)d) + d + 1; /* v[k], k in [-d-1, d+1] */
        long k = x - y;
        long prev_k = (k == -d || (k != d && v[k - 1] < v[k + 1])) ? k + 1 : k - 1;
        long prev_x = v[prev_k], prev_y = prev_x - prev_k;
        for (; x > prev_x && y > prev_y; x--, y--)
            rev[len++] = (struct gz_diff_line){GZ_DIFF_SAME,
                                               mid->a->lines[mid->a0 + (size_t)x - 1]};
        if (d > 0) {
            if (x == prev_x)
                rev[len++] = (struct gz_diff_line){
                    GZ_DIFF_INS, mid->b->lines[mid->b0 + (size_t)y - 1]};
            else
                rev[len++] = (struct gz_diff_line){
                    GZ_DIFF_DEL, mid->a->lines[mid->a0 + (size_t)x - 1]};
        }
        x = prev_x;
        y = prev_y;
    }
    return len;
}

static void diff_middle(const struct middle *mid, struct gz_diff *out)
{
    int32_t *trace = NULL;
    size_t edits = 0;
    if (!search(mid, &trace, &edits)) {
        /* Too different to search: all of one, then all of the other. */
        for (size_t i = 0; i < mid->n; i++)
            push(out, GZ_DIFF_DEL, mid->a->lines[mid->a0 + i]);
        for (size_t j = 0; j < mid->m; j++)
            push(out, GZ_DIFF_INS, mid->b->lines[mid->b0 + j]);
        return;
    }
    struct gz_diff_line *rev = gz_xmalloc((mid->n + mid->m + 1) * sizeof *rev);
    size_t len = backtrack(mid, trace, edits, rev);
    while (len > 0)
        out->lines[out->len++] = rev[--len];
    free(rev);
    free(trace);
}

int gz_diff_lines(const char *old, size_t old_len, const char *new_text, size_t new_len,
                  struct gz_diff *out)
{
    struct text a, b;
    memset(out, 0, sizeof *out);
    int rc = split(old, old_len, &a);
    if (rc == GZ_OK && (rc = split(new_text, new_len, &b)) != GZ_OK)
        text_free(&a);
    if (rc != GZ_OK)
        return rc;
    out->lines = gz_xmalloc((a.n + b.n + 1) * sizeof *out->lines);
    size_t head = 0, tail = 0;
    while (head < a.n && head < b.n && same(&a, head, &b, head))
        head++;
    while (tail < a.n - head && tail < b.n - head &&
           same(&a, a.n - 1 - tail, &b, b.n - 1 - tail))
        tail++;
    for (size_t i = 0; i < head; i++)
        push(out, GZ_DIFF_SAME, a.lines[i]);
    struct middle mid = {&a, &b, head, a.n - head - tail, head, b.n - head - tail};
    diff_middle(&mid, out);
    for (size_t i = a.n - tail; i < a.n; i++)
        push(out, GZ_DIFF_SAME, a.lines[i]);
    text_free(&a);
    text_free(&b);
    return GZ_OK;
}

void gz_diff_free(struct gz_diff *d)
{
    if (!d)
        return;
    free(d->lines);
    memset(d, 0, sizeof *d);
}

int gz_diff_changed(const struct gz_diff *d)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->lines[i].op != GZ_DIFF_SAME)
            return 1;
    return 0;
}

/* ---- HTML ---- */

static int put_line(struct gz_buf *out, const struct gz_diff_line *l)
{
    static const char *const open[] = {"  ", "<del>- ", "<ins>+ "};
    static const char *const close[] = {"\n", "</del>\n", "</ins>\n"};
    int rc = gz_buf_puts(out, open[l->op]);
    if (rc == GZ_OK)
        rc = gz_buf_put_html(out, l->text.p, l->text.len);
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, close[l->op]);
    return rc;
}

/* A run of kept lines [start, end): the first `context` when a change comes
 * before, the last `context` when one comes after, the rest folded. */
static int put_run(struct gz_buf *out, const struct gz_diff *d, size_t start, size_t end,
                   size_t context)
{
    size_t n = end - start;
    size_t lead = start > 0 ? context : 0, trail = end < d->len ? context : 0;
    int rc = GZ_OK;
    if (lead + trail >= n) {
        for (size_t i = start; i < end && rc == GZ_OK; i++)
            rc = put_line(out, &d->lines[i]);
        return rc;
    }
    for (size_t i = start; i < start + lead && rc == GZ_OK; i++)
        rc = put_line(out, &d->lines[i]);
    if (rc == GZ_OK)
        rc =
            gz_buf_printf(out, "<span class=\"skip\">@@ %zu unchanged line%s @@</span>\n",
                          n - lead - trail, n - lead - trail == 1 ? "" : "s");
    for (size_t i = end - trail; i < end && rc == GZ_OK; i++)
        rc = put_line(out, &d->lines[i]);
    return rc;
}

int gz_diff_html(const struct gz_diff *d, size_t context, struct gz_buf *out)
{
    int rc = GZ_OK;
    size_t i = 0;
    while (i < d->len && rc == GZ_OK) {
        if (d->lines[i].op != GZ_DIFF_SAME) {
            rc = put_line(out, &d->lines[i++]);
            continue;
        }
        size_t end = i;
        while (end < d->len && d->lines[end].op == GZ_DIFF_SAME)
            end++;
        rc = put_run(out, d, i, end, context);
        i = end;
    }
    return rc;
}

int gz_diff_render(const char *old, size_t old_len, const char *new_text, size_t new_len,
                   size_t context, struct gz_buf *out)
{
    struct gz_diff d;
    int rc = gz_diff_lines(old, old_len, new_text, new_len, &d);
    if (rc == GZ_OK)
        rc = gz_diff_html(&d, context, out);
    gz_diff_free(&d);
    return rc;
}
