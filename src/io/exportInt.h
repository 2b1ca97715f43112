/* Internals of the static export: a loopback HTTP client
 * (export_http.c) and the output folder with its manifest
 * (export_files.c). */
#ifndef GZ_EXPORT_INT_H
#define GZ_EXPORT_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"

/* ---- export_http.c: HTTP/1.1 over one keep-alive loopback connection ---- */

/* Largest response body taken (a sitemap of 50,000 long URLs is ~20 MB). */
#define GZ_EXPORT_BODY_MAX ((size_t)256 << 20)

struct gz_export_conn {
    int port;
    int fd;    /* -1 when not connected */
    char *buf; /* bytes read and not yet consumed */
    size_t len, cap;
};

struct gz_export_resp {
    int status;
    char content_type[128]; /* "" when none */
    char location[4096];    /* "" when none */
    char *body;             /* owned by the connection, valid until the next get */
    size_t body_len;
};

void gz_export_conn_init(struct gz_export_conn *c, int port);
void gz_export_conn_close(struct gz_export_conn *c);
/* GETs path (percent-decoded UTF-8; encoded here for the request line),
 * reconnecting once when a kept-alive connection was closed meanwhile.
 * GZ_EIO or GZ_ETOOBIG on failure. */
int gz_export_get(struct gz_export_conn *c, const char *path, struct gz_export_resp *out);

/* ---- export_files.c: the output folder ---- */

/* The outcome of putting one file. */
enum gz_put { GZ_PUT_WRITTEN, GZ_PUT_UNCHANGED, GZ_PUT_FAILED };

#define GZ_EXPORT_HASH 16

/* One file of an export in the manifest. */
struct gz_export_entry {
    char *rel; /* relative to the folder, UTF-8, '/'-separated */
    unsigned char hash[GZ_EXPORT_HASH];
    _Atomic int seen; /* set by the export that wrote or kept it */
};

/* The output folder: the previous manifest (read-only while the fetchers
 * run, except for the seen flags) and what is written now. */
struct gz_export_out {
    char *dir;
    int dfd;                     /* the folder, open */
    struct gz_export_entry *old; /* open-addressing table, cap slots */
    size_t cap, nold;
    FILE *verbose;
};

/* Creates dir when missing and reads its manifest (none: a first export).
 * GZ_EIO with a reason in err. */
int gz_export_out_open(struct gz_export_out *o, const char *dir, FILE *verbose, char *err,
                       size_t errlen);
void gz_export_out_close(struct gz_export_out *o);
/* Whether rel is a safe relative file path: no empty, "." or ".." segment,
 * no control byte or backslash, not the manifest. */
int gz_export_rel_ok(const char *rel);
/* Writes bytes to rel (temp file + rename) unless the previous export
 * wrote the same bytes and the file is still there; hash gets their hash.
 * tag makes the temp file's name unique among concurrent callers. */
enum gz_put gz_export_put(struct gz_export_out *o, const char *rel, const char *bytes,
                          size_t len, unsigned char hash[GZ_EXPORT_HASH], size_t tag);
/* Deletes the files of the previous manifest not seen in this export (and
 * directories left empty); returns how many files. */
size_t gz_export_remove_stale(struct gz_export_out *o);
/* Writes the new manifest (temp + rename): n files, rels[i] with hashes[i]. */
int gz_export_write_manifest(struct gz_export_out *o, char *const *rels,
                             const unsigned char (*hashes)[GZ_EXPORT_HASH], size_t n);

/* ---- export_urls.c: every URL of the site ---- */

enum gz_export_kind {
    GZ_JOB_PAGE,      /* fetched: 200 is a file, a redirect a refresh page */
    GZ_JOB_ARTICLE,   /* a page that also gets the view beacon */
    GZ_JOB_NOT_FOUND, /* the 404 page, written as 404.html */
    GZ_JOB_REDIRECT,  /* a stored redirect: a refresh page to source */
    GZ_JOB_MEDIA,     /* an uploaded file, copied from source */
};

/* One URL to export, and what became of it. */
struct gz_export_job {
    char *path; /* percent-decoded URL path (UTF-8), from the arena */
    enum gz_export_kind kind;
    int64_t id;   /* GZ_JOB_ARTICLE: the article */
    char *source; /* GZ_JOB_REDIRECT: the target; GZ_JOB_MEDIA: the file */
    char *rel;    /* the file written or kept (heap), NULL when none */
    unsigned char hash[GZ_EXPORT_HASH];
};

/* The URLs, each once (a set of paths), strings in the arena. */
struct gz_export_jobs {
    struct gz_export_job *items;
    size_t len, cap;
    const char **set; /* open addressing, set_cap slots */
    size_t set_cap;
    size_t skipped; /* redirects that no file can stand for (a query) */
    struct gz_arena arena;
};

struct gz_config;
struct gz_store;

void gz_export_jobs_init(struct gz_export_jobs *j);
void gz_export_jobs_free(struct gz_export_jobs *j);
/* Adds a URL unless it is there already (1 when added). */
int gz_export_jobs_add(struct gz_export_jobs *j, enum gz_export_kind kind,
                       const char *path, int64_t id, const char *source);
/* Lists every URL of the public site as the store has it at now: home,
 * articles, sections, authors, months, languages (with their pages),
 * feeds, sitemaps, robots.txt, assets, media, the 404 page, redirects.
 * GZ_EIO with a reason in err when the store fails. */
int gz_export_enumerate(struct gz_export_jobs *j, struct gz_store *st,
                        const struct gz_config *cfg, int64_t now, char *err,
                        size_t errlen);

#endif
