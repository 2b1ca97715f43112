/* A streaming reader of WordPress exports (WXR 1.0, 1.1, 1.2) on libxml2's
 * xmlTextReader: memory stays flat whatever the file's size, since only
 * the record being read (one author, term or item) is held.
 *
 * Elements are told apart by namespace URI, as WordPress's own importer
 * does: "wp:" means the URI the root element binds the prefix wp to (the
 * export's version), whatever prefix an element uses; an element whose
 * prefix is bound elsewhere is ignored. CDATA sections holding a raw "]]>"
 * (exports by some old plugins) are repaired while reading: inside CDATA,
 * a "]]>" not followed by "<" is taken as text. */
#ifndef GZ_WXR_H
#define GZ_WXR_H

#include <stddef.h>
#include <stdint.h>

/* Strings of the records below are NUL-terminated, "" when absent, owned
 * by the reader and valid during the callback only. */

struct gz_wxr_channel {
    const char *version;       /* wp:wxr_version, e.g. "1.2" */
    const char *base_site_url; /* "" in WXR 1.0 */
    const char *base_blog_url;
    const char *link;
};

struct gz_wxr_author {
    const char *login, *email, *display_name;
};

/* wp:category, wp:tag or wp:term, normalized: taxonomy is "category",
 * "post_tag" or the wp:term's own. */
struct gz_wxr_term {
    const char *taxonomy, *term_id, *slug, *name, *parent, *description;
};

/* A <category domain=".." nicename=".."> of an item. */
struct gz_wxr_item_term {
    const char *domain, *nicename, *name;
};

#define GZ_WXR_ITEM_TERMS_MAX 256

/* The page cache of an import's transaction, in MiB (store.h bulk): room
 * for the pages a 10,000-post import touches, well under the 100 MB an
 * import may use. */
#define GZ_IMPORT_CACHE_MB 48

struct gz_wxr_item {
    const char *title, *link, *guid, *creator, *content, *excerpt;
    const char *post_id, *post_date, *post_date_gmt, *post_name, *status, *post_type;
    const char *post_password, *attachment_url, *pub_date;
    const char *thumbnail_id; /* the _thumbnail_id postmeta */
    struct gz_wxr_item_term terms[GZ_WXR_ITEM_TERMS_MAX];
    size_t nterms;
};

/* What a callback may return besides GZ_OK: any negative enum gz_rc stops
 * the reading, and gz_wxr_read returns it. */
struct gz_wxr_handler {
    void *ctx;
    /* Called once, before the first author, term or item. */
    int (*channel)(void *ctx, const struct gz_wxr_channel *c);
    int (*author)(void *ctx, const struct gz_wxr_author *a);
    int (*term)(void *ctx, const struct gz_wxr_term *t);
    int (*item)(void *ctx, const struct gz_wxr_item *it);
    /* Bytes of the file read so far, of total; may be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
};

/* Where and why reading stopped. */
struct gz_wxr_error {
    int line, column;
    char reason[256];
};

/* Largest text of one field (a post's content): larger ones are refused. */
#define GZ_WXR_FIELD_MAX ((size_t)16 << 20)

/* Reads the export at path, calling h's callbacks in document order.
 * Returns GZ_OK; GZ_EINVAL when the file is not well-formed XML (and is
 * not one of the repaired CDATA cases) or is not a WXR export (no valid
 * wp:wxr_version), with err filled; GZ_EIO when it cannot be read;
 * GZ_ETOOBIG when a field outgrows GZ_WXR_FIELD_MAX; or what a callback
 * returned (err then holds the position of the record it was given). */
int gz_wxr_read(const char *path, const struct gz_wxr_handler *h,
                struct gz_wxr_error *err);

/* ---- the import (import_wxr.c) ---- */

struct gz_store;

/* A reason something was skipped, and how often. */
#define GZ_WXR_REASONS_MAX 32
#define GZ_WXR_NOTES_MAX 20
#define GZ_WXR_MEDIA_REASONS_MAX 8

struct gz_wxr_report {
    size_t posts, pages;  /* articles created */
    size_t updated;       /* articles written again by a re-run */
    size_t authors, tags; /* users and tags created */
    size_t attachments;   /* recorded (their URLs; with --media, their files) */
    size_t redirects;
    size_t protected_posts; /* password-protected: kept unpublished */
    size_t shortcodes_dropped;
    size_t skipped;
    struct {
        char reason[64];
        size_t count;
    } reasons[GZ_WXR_REASONS_MAX];
    size_t nreasons;
    char notes[GZ_WXR_NOTES_MAX][160]; /* the first notes, for people */
    size_t nnotes, notes_total;
    /* With --media: files stored anew, files whose bytes were already in
     * the library, files skipped (by reason; each also has a note). */
    size_t media_imported, media_reused, media_skipped;
    struct {
        char reason[64];
        size_t count;
    } media_reasons[GZ_WXR_MEDIA_REASONS_MAX];
    size_t nmedia_reasons;
};

struct gz_config;

struct gz_wxr_options {
    int dry_run; /* everything is done, then rolled back */
    /* A copy of wp-content/uploads whose files go into the media library
     * (io/wxr_media.h), or NULL; cfg (media.dir, media.max_bytes) is
     * needed with it. */
    const char *media_dir;
    const struct gz_config *cfg;
    /* Called as the files are read: file index, bytes done and total. */
    void (*progress)(void *ctx, size_t file, uint64_t done, uint64_t total, size_t items);
    void *ctx;
};

/* Imports the exports files[0..n) into st in one transaction: everything
 * or (on any error, or with dry_run) nothing. Re-running the same export
 * updates what an earlier run imported (keyed by the export's base URL and
 * the WordPress ids). On failure *bad is the index of the file at fault
 * and err says where and why. Returns GZ_OK or gz_wxr_read's errors. */
int gz_wxr_import(struct gz_store *st, const char *const *files, size_t n,
                  const struct gz_wxr_options *o, struct gz_wxr_report *rep, size_t *bad,
                  struct gz_wxr_error *err);

#endif
