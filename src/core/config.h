/* Configuration: built-in defaults, then an INI file, then environment
 * variables, then command-line flags, each overriding the one before. One
 * settings table (config.c) names every setting for all four. */
#ifndef GZ_CONFIG_H
#define GZ_CONFIG_H

#include <stddef.h>

#include "core/core.h"

/* Room for the settings table; config.c checks at compile time that the
 * table fits. */
#define GZ_CONFIG_MAX_SETTINGS 64

/* Every setting of a running site. Strings are heap-allocated and owned by
 * the struct (gz_config_clear frees them). */
struct gz_config {
    char *db;               /* [store] db: SQLite file path */
    char *listen;           /* [http] listen: address, default 127.0.0.1 */
    int port;               /* [http] port, default 8080 */
    int threads;            /* [http] threads: event loops; 0 = one per core */
    int idle_timeout_ms;    /* [http] idle_timeout_ms: idle / slow client */
    int max_connections;    /* [http] max_connections: over all loops */
    size_t max_body;        /* [http] max_body: bytes (413 past it) */
    size_t max_header;      /* [http] max_header: total header bytes (431) */
    size_t max_uri;         /* [http] max_uri: request-target bytes (414) */
    char *trusted_proxies;  /* [http] trusted_proxies: peers (CIDR) whose X-Forwarded-For
                               names the reader; "" for none */
    char *site_title;       /* [site] title */
    char *site_description; /* [site] description */
    char *site_url;         /* [site] url: public base URL, no trailing slash */
    char *site_lang;        /* [site] lang: default language */
    char *site_timezone;    /* [site] timezone: IANA zone of the dates readers see */
    char *theme_dir;        /* [site] theme: folder overriding the default theme;
                               NULL (an empty value) for none */
    int per_page;           /* [site] per_page: articles per list page */
    int sections;           /* [site] sections: sections (tags) in the navigation */
    int teaser_words;       /* [site] teaser_words */
    int new_count;          /* [blocks] new_count: entries in New Articles */
    int top_count;          /* [blocks] top_count: entries in Most viewed */
    char *window;           /* [blocks] window: all, 24h, 7d or 30d */
    int flush_ms;           /* [views] flush_ms: view flush interval */
    int outage_seconds; /* [store] outage_seconds: views kept while the store is away */
    int reload_minutes; /* [views] reload_minutes: reloads within count once; 0: off */
    int max_per_minute; /* [views] max_per_minute: views per reader per minute; 0: off */
    char *views_heuristics; /* [views] heuristics: yes/no (no Accept-Language, headless
                               UA) */
    char *rank_by;          /* [views] rank_by: views or readers (Most viewed) */
    char *count_mode;       /* [views] count: server or beacon */
    int referrer_days;      /* [stats] referrer_days: keep referrers; 0: for ever */
    size_t cache_mb;        /* [cache] max_mb: page cache budget */
    char *access_log;       /* [log] access: "off", "stdout" or a file path */
    char *error_log;        /* [log] error: "stderr" or a file path */
    char *log_level;        /* [log] level: debug, info, warn or error */
    char *metrics_allow;    /* [metrics] allow: addresses (CIDR) that may read /metrics */
    int session_hours;      /* [admin] session_hours: how long a login lasts */
    char *admin_lang;       /* [admin] lang: language of the admin (src/admin/i18n.h) */
    char *media_dir;        /* [media] dir: where uploaded files are kept */
    size_t media_max_bytes; /* [media] max_bytes: largest upload (413 past it) */
    char *
        feeds_full_content; /* [feeds] full_content: yes (whole article) or no (teaser) */
    int feeds_items;        /* [feeds] items: articles per feed */
    int sitemap_chunk;      /* [sitemap] chunk: article URLs per sitemap file */
    char *export_beacon_url; /* [export] beacon_url: where exported pages count views;
                                NULL (empty) for site_url */

    /* Where each value came from, indexed like the settings table (see
     * gz_config_count): NULL for the built-in default, else "FILE:LINE",
     * "env GAZETTE_HTTP_PORT" or the flag, e.g. "--http-port". Owned. */
    char *source[GZ_CONFIG_MAX_SETTINGS];
};

/* Problems found while reading settings, one line each:
 * "WHERE: reason" for an error, "WHERE: warning: reason" for a warning,
 * WHERE being "FILE:LINE", "FILE" or "env NAME". */
struct gz_config_report {
    struct gz_buf text;
    int errors;
    int warnings;
};

void gz_config_report_init(struct gz_config_report *r);
void gz_config_report_free(struct gz_config_report *r);

/* Fills c with the defaults (every source NULL). */
void gz_config_defaults(struct gz_config *c);
void gz_config_clear(struct gz_config *c);

/* Reads an INI file over c and reports EVERY problem in r, not just the
 * first: unknown sections and keys, bad values (with what is allowed),
 * lines that are not "key = value", and (as warnings) keys given twice.
 * Values that pass are applied with source "FILE:LINE". Returns GZ_OK when
 * there was no error (warnings allowed), GZ_EIO when the file cannot be
 * read, GZ_EINVAL otherwise. */
int gz_config_read(struct gz_config *c, const char *path, struct gz_config_report *r);
/* gz_config_read with the problems joined into err (truncated to errlen). */
int gz_config_load(struct gz_config *c, const char *path, char *err, size_t errlen);
/* Applies every GAZETTE_<SECTION>_<KEY> environment variable that is set
 * (source "env NAME"); a bad value is an error naming the variable, an
 * unknown GAZETTE_* variable a warning. GZ_OK or GZ_EINVAL. */
int gz_config_env(struct gz_config *c, struct gz_config_report *r);
/* Sets one setting by its "section.key" name (e.g. "http.port") from a
 * string, recording source (NULL: "--set"). GZ_EINVAL with
 * "section.key: reason" in err. gz_config_set is gz_config_set_from with
 * a NULL source. */
int gz_config_set_from(struct gz_config *c, const char *name, const char *value,
                       const char *source, char *err, size_t errlen);
int gz_config_set(struct gz_config *c, const char *name, const char *value, char *err,
                  size_t errlen);
/* Checks the settings together; the error names the source of the value. */
int gz_config_validate(const struct gz_config *c, char *err, size_t errlen);

/* The settings table, for flags, `gazette config show` and the man page. */
struct gz_config_info {
    const char *section;
    const char *key;
    const char *help; /* one line, for --help, the man page and docs */
    char name[48];    /* "http.max_body" */
    char env[64];     /* "GAZETTE_HTTP_MAX_BODY" */
    char flag[48];    /* "http-max-body": the flag without its leading "--" */
    char accepts[96]; /* "a whole number from 1 to 65535", "all, 24h, 7d or 30d" */
};

/* The number of settings. */
size_t gz_config_count(void);
/* Describes setting i (< gz_config_count()). */
void gz_config_describe(size_t i, struct gz_config_info *out);
/* The index of the setting named "section.key", or -1. */
int gz_config_find(const char *name);
/* The index of the setting whose flag is flag[0..len) ("http-port"), or -1. */
int gz_config_find_flag(const char *flag, size_t len);
/* Setting i's value as text ("" for an unset string); returns out. */
const char *gz_config_value(const struct gz_config *c, size_t i, char *out,
                            size_t outlen);

#endif
