/* Front matter of Markdown files as Hugo and Jekyll write it: YAML between
 * `---` lines, or TOML between `+++` lines, at the very top of the file.
 *
 * Not a YAML or TOML library: a small subset, enough for what static site
 * generators write (docs/import.md, "Markdown import", lists it). Keys this
 * importer does not use are skipped, nested blocks under them included. */
#ifndef GZ_IO_FRONTMATTER_H
#define GZ_IO_FRONTMATTER_H

#include <stddef.h>
#include <stdint.h>

/* What a file's front matter says. Strings are heap-allocated, NULL when
 * the key is absent; owned until gz_front_matter_clear. */
struct gz_front_matter {
    char *title, *slug, *summary, *lang, *author;
    char *date;    /* as written; see gz_front_matter_date */
    int date_line; /* the line of the date key, for messages */
    int draft;     /* -1 absent, 0 false, 1 true */
    char **tags;   /* tags and categories, in order, without repeats */
    size_t ntags;
    size_t body; /* offset of the Markdown after the front matter */
};

/* Parses the front matter at the start of text (len bytes). A file with
 * none gives an empty fm with body 0. On an error returns GZ_EINVAL with
 * the 1-based line in *line and a message ("date: not a date") in msg. */
int gz_front_matter_parse(const char *text, size_t len, struct gz_front_matter *fm,
                          int *line, char *msg, size_t msglen);

/* Reads a date as front matter writes it: RFC 3339
 * ("2024-01-14T07:07:07+01:00", "...Z", fractions of a second allowed),
 * "YYYY-MM-DD HH:MM[:SS]" with an optional zone (" +0100", " +01:00", "Z"),
 * or "YYYY-MM-DD". No zone means UTC. GZ_OK and Unix seconds in *out, or
 * GZ_EINVAL. */
int gz_front_matter_date(const char *s, int64_t *out);

void gz_front_matter_clear(struct gz_front_matter *fm);

#endif
