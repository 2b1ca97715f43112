/* `gazette import markdown DIR`: a folder of Markdown files with front
 * matter (io/frontmatter.h), as Hugo and Jekyll keep them, into articles. */
#ifndef GZ_IO_MARKDOWN_H
#define GZ_IO_MARKDOWN_H

#include <stddef.h>
#include <stdint.h>

struct gz_store;

/* How the files are read. */
struct gz_markdown_opts {
    const char *lang;    /* for files that name none */
    size_t teaser_words; /* as the site's setting */
    int64_t now;         /* the date of files without one */
};

struct gz_markdown_report {
    int64_t created, updated, skipped; /* skipped: Hugo's _index.md pages */
};

/* Imports every *.md and *.markdown file under dir (recursively, hidden
 * folders left out, in path order) in one transaction: an article per
 * file, keyed by slug, so a second run updates the articles of the first.
 * Any error (a file that cannot be read, bad front matter, a bad slug or
 * date) writes nothing and is described in err as "PATH:LINE: what", PATH
 * relative to dir. Returns GZ_OK or an error code. */
int gz_markdown_import(struct gz_store *s, const char *dir,
                       const struct gz_markdown_opts *o, struct gz_markdown_report *rep,
                       char *err, size_t errlen);

#endif
