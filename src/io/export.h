/* gazette export static: the whole public site as files that any static
 * host can serve (docs/import.md, docs/decisions/0011-static-export.md). */
#ifndef GZ_EXPORT_H
#define GZ_EXPORT_H

#include <stddef.h>
#include <stdio.h>

struct gz_config;

struct gz_export_opts {
    const char *dir;        /* where the files go; created when missing */
    const char *beacon_url; /* the live site counting views (URL/v/ID); NULL:
                               export.beacon_url, else site.url; "" for none */
    const char *base_url;   /* the public URL of the export; NULL: site.url */
    FILE *verbose;          /* when set, one line per file written or removed */
};

struct gz_export_report {
    size_t written;   /* files whose bytes changed (or were missing) */
    size_t unchanged; /* files left alone: same bytes as the last export */
    size_t removed;   /* files of the last export no longer exported */
    size_t skipped;   /* URLs with no file: gone meanwhile, or not storable */
    size_t failed;    /* URLs that could not be fetched or written */
    size_t redirects; /* of the written and unchanged: refresh pages */
    double seconds;
};

/* Exports the site of cfg into o->dir. The pages are the live site's own:
 * the site is opened in this process on a loopback port and every URL is
 * fetched from it. A second export rewrites only the files whose bytes
 * changed, from a manifest of content hashes (DIR/.gazette-export), and
 * deletes those no longer exported. Takes over cfg's contents (cfg is left
 * empty). GZ_OK when every URL was exported; otherwise an error code and a
 * reason in err (the report says how far it went). */
int gz_export_static(struct gz_config *cfg, const struct gz_export_opts *o,
                     struct gz_export_report *report, char *err, size_t errlen);

#endif
