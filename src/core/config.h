/* Configuration: defaults, then an INI file, then command-line flags. */
#ifndef GZ_CONFIG_H
#define GZ_CONFIG_H

#include <stddef.h>

/* Every setting of a running site. Strings are heap-allocated and owned by
 * the struct (gz_config_clear frees them). */
struct gz_config {
    char *db;               /* [store] db: SQLite file path */
    char *listen;           /* [http] listen: address, default 127.0.0.1 */
    int port;               /* [http] port, default 8080 */
    int threads;            /* [http] threads: event loops; 0 = one per core */
    int idle_timeout_ms;    /* [http] idle_timeout_ms: idle / slow client */
    size_t max_body;        /* [http] max_body: bytes (413 past it) */
    size_t max_header;      /* [http] max_header: total header bytes (431) */
    size_t max_uri;         /* [http] max_uri: request-target bytes (414) */
    char *site_title;       /* [site] title */
    char *site_description; /* [site] description */
    char *site_url;         /* [site] url: public base URL, no trailing slash */
    char *site_lang;        /* [site] lang: default language */
    char *theme_dir;        /* [site] theme: folder overriding the default theme */
    int per_page;           /* [site] per_page: articles per list page */
    int sections;           /* [site] sections: sections (tags) in the navigation */
    int teaser_words;       /* [site] teaser_words */
    int new_count;          /* [blocks] new_count: entries in New Articles */
    int top_count;          /* [blocks] top_count: entries in Most viewed */
    char *window;           /* [blocks] window: all, 24h, 7d or 30d */
    int flush_ms;           /* [views] flush_ms: view flush interval */
    size_t cache_mb;        /* [cache] max_mb: page cache budget */
    char *access_log;       /* [log] access: "off", "stdout" or a file path */
    char *error_log;        /* [log] error: "stderr" or a file path */
    char *log_level;        /* [log] level: debug, info, warn or error */
    char *metrics_allow;    /* [metrics] allow: addresses (CIDR) that may read /metrics */
};

/* Fills c with the defaults. */
void gz_config_defaults(struct gz_config *c);
/* Reads an INI file over c. Unknown sections or keys and bad values are
 * errors: returns GZ_EINVAL with "FILE:LINE: reason" in err. */
int gz_config_load(struct gz_config *c, const char *path, char *err, size_t errlen);
/* Sets one setting by its "section.key" name (e.g. "http.port") from a
 * string; used for command-line flags. GZ_EINVAL with a reason in err. */
int gz_config_set(struct gz_config *c, const char *name, const char *value, char *err,
                  size_t errlen);
/* Checks the settings together (ranges, window name). */
int gz_config_validate(const struct gz_config *c, char *err, size_t errlen);
void gz_config_clear(struct gz_config *c);

#endif
