/* The whole site as JSON Lines: `gazette export json` and `gazette import
 * json` (docs/import.md, "JSON export format").
 *
 * The first line is a header object ({"type":"gazette","format":1,...});
 * every other line is one row of the site: {"type":KIND, COLUMN:VALUE...}
 * with the kinds and columns of the store's dump (store.h). An export is
 * deterministic: the same site always gives the same bytes, so an import
 * into an empty site followed by an export gives the file back. */
#ifndef GZ_IO_JSON_H
#define GZ_IO_JSON_H

#include <stdint.h>
#include <stdio.h>

struct gz_store;

/* The format this gazette writes and reads. */
#define GZ_JSON_FORMAT 1

/* The longest line an import accepts: a 16 MiB article body and its HTML,
 * escaped. */
#define GZ_JSON_LINE_MAX ((size_t)128 << 20)

/* Rows written or read, by kind, for the report. */
#define GZ_JSON_KINDS_MAX 24
struct gz_json_stats {
    struct {
        char *kind; /* heap-allocated copy */
        int64_t rows;
    } kinds[GZ_JSON_KINDS_MAX];
    size_t nkinds;
    int64_t rows;
};

/* Writes every row of s to out. Users' password hashes are left out unless
 * with_secrets. GZ_OK, or an error with a message in err. */
int gz_json_export(struct gz_store *s, FILE *out, int with_secrets,
                   struct gz_json_stats *stats, char *err, size_t errlen);

/* Reads an export from in (name is used in messages: "NAME:LINE: ...")
 * into s, which must be an empty site (no article, user, tag, media or
 * redirect), in one transaction: on any error nothing is written.
 * GZ_EEXIST when the site is not empty; GZ_EINVAL for a bad file; a
 * message in err. */
int gz_json_import(struct gz_store *s, FILE *in, const char *name,
                   struct gz_json_stats *stats, char *err, size_t errlen);

/* Counts one row of kind in stats (at most GZ_JSON_KINDS_MAX kinds). */
void gz_json_stats_count(struct gz_json_stats *stats, const char *kind);
/* Frees what stats holds and zeroes it. */
void gz_json_stats_clear(struct gz_json_stats *stats);

#endif
