/* A line diff for revisions: Myers' greedy O((N+M)D) algorithm on lines,
 * rendered as escaped HTML with <del> and <ins>.
 *
 * Texts are split at '\n' (a '\r' before it is kept as part of the line; a
 * final '\n' ends the last line instead of starting an empty one). The
 * common first and last lines are matched before the search, so the cost
 * depends on the size of the change, not of the article. */
#ifndef GZ_DIFF_H
#define GZ_DIFF_H

#include <stddef.h>

#include "core/core.h"

/* Lines per text; a longer text is GZ_ETOOBIG. */
#define GZ_DIFF_MAX_LINES 200000
/* Edits the search looks for between the common first and last lines.
 * Past this many, the lines in between are shown as all removed and all
 * added: still a correct diff, only not the shortest, and it keeps the
 * search's memory (about 4 * GZ_DIFF_MAX_EDITS^2 bytes) bounded. */
#define GZ_DIFF_MAX_EDITS 1000

enum gz_diff_op {
    GZ_DIFF_SAME, /* in both texts */
    GZ_DIFF_DEL,  /* only in the old text */
    GZ_DIFF_INS,  /* only in the new text */
};

struct gz_diff_line {
    enum gz_diff_op op;
    struct gz_str text; /* points into the old (SAME, DEL) or new (INS) text */
};

/* The edit script, in order: reading the SAME and DEL lines gives the old
 * text, the SAME and INS lines the new one. Owns only its array. */
struct gz_diff {
    struct gz_diff_line *lines;
    size_t len;
};

/* Diffs old (old_len bytes) against new. out's lines point into both
 * texts, which must outlive it. Returns GZ_OK, or GZ_ETOOBIG when a text
 * has more than GZ_DIFF_MAX_LINES lines (out is then empty). A NULL text
 * with length 0 is the empty text. */
int gz_diff_lines(const char *old, size_t old_len, const char *new_text, size_t new_len,
                  struct gz_diff *out);
void gz_diff_free(struct gz_diff *d);

/* Whether the diff has any DEL or INS line. */
int gz_diff_changed(const struct gz_diff *d);

/* Appends the diff as HTML for a container with white-space: pre-wrap: one
 * line of output per line, "  text" when kept, "<del>- text</del>" when
 * removed, "<ins>+ text</ins>" when added, every text HTML-escaped. Runs of
 * kept lines farther than `context` lines from a change are folded into
 * one "<span class=\"skip\">@@ N unchanged lines @@</span>". Returns GZ_OK
 * or GZ_ETOOBIG when out reaches its maximum. */
int gz_diff_html(const struct gz_diff *d, size_t context, struct gz_buf *out);

/* gz_diff_lines then gz_diff_html, for callers that need only the HTML. */
int gz_diff_render(const char *old, size_t old_len, const char *new_text, size_t new_len,
                   size_t context, struct gz_buf *out);

#endif
