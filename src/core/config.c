#include "core/config.h"
#include "core/core.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { STR, INT, SIZE };

/* The settings table: one row per key, so the INI file, the flags and the
 * docs all use the same names. */
struct setting {
    const char *section;
    const char *key;
    enum kind kind;
    size_t offset;
    int64_t min, max;
};

#define S(sec, k, field) {sec, k, STR, offsetof(struct gz_config, field), 0, 0}
#define I(sec, k, field, lo, hi) {sec, k, INT, offsetof(struct gz_config, field), lo, hi}
#define Z(sec, k, field, lo, hi) {sec, k, SIZE, offsetof(struct gz_config, field), lo, hi}

static const struct setting settings[] = {
    S("store", "db", db),
    S("http", "listen", listen),
    I("http", "port", port, 1, 65535),
    I("http", "threads", threads, 0, 256),
    I("http", "idle_timeout_ms", idle_timeout_ms, 100, 3600000),
    Z("http", "max_body", max_body, 0, (int64_t)1 << 30),
    Z("http", "max_header", max_header, 1024, 1 << 20),
    Z("http", "max_uri", max_uri, 256, 1 << 20),
    S("site", "title", site_title),
    S("site", "description", site_description),
    S("site", "url", site_url),
    S("site", "lang", site_lang),
    S("site", "theme", theme_dir),
    I("site", "per_page", per_page, 1, 100),
    I("site", "sections", sections, 0, 20),
    I("site", "teaser_words", teaser_words, 5, 200),
    I("blocks", "new_count", new_count, 1, 50),
    I("blocks", "top_count", top_count, 1, 50),
    S("blocks", "window", window),
    I("views", "flush_ms", flush_ms, 10, 60000),
    Z("cache", "max_mb", cache_mb, 1, 1 << 20),
    S("log", "access", access_log),
    S("log", "error", error_log),
    S("log", "level", log_level),
    S("metrics", "allow", metrics_allow),
};

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = gz_xstrdup(v);
}

void gz_config_defaults(struct gz_config *c)
{
    memset(c, 0, sizeof(*c));
    set_str(&c->db, "gazette.db");
    set_str(&c->listen, "127.0.0.1");
    c->port = 8080;
    c->threads = 0;
    c->idle_timeout_ms = 10000;
    c->max_body = 1 << 20;
    c->max_header = 16 << 10;
    c->max_uri = 8 << 10;
    set_str(&c->site_title, "Gazette");
    set_str(&c->site_description, "News, as it happens.");
    set_str(&c->site_url, "http://127.0.0.1:8080");
    set_str(&c->site_lang, "en");
    c->per_page = 10;
    c->sections = 6;
    c->teaser_words = 30;
    c->new_count = 5;
    c->top_count = 5;
    set_str(&c->window, "all");
    c->flush_ms = 1000;
    c->cache_mb = 48;
    set_str(&c->access_log, "off");
    set_str(&c->error_log, "stderr");
    set_str(&c->log_level, "info");
    set_str(&c->metrics_allow, "127.0.0.0/8, ::1/128");
}

void gz_config_clear(struct gz_config *c)
{
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++)
        if (settings[i].kind == STR)
            free(*(char **)((char *)c + settings[i].offset));
    memset(c, 0, sizeof(*c));
}

static const struct setting *find(const char *section, const char *key)
{
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++)
        if (!strcmp(settings[i].section, section) && !strcmp(settings[i].key, key))
            return &settings[i];
    return NULL;
}

static int apply(struct gz_config *c, const struct setting *s, const char *value,
                 char *err, size_t errlen)
{
    void *field = (char *)c + s->offset;
    if (s->kind == STR) {
        set_str(field, value);
        return GZ_OK;
    }
    int64_t v;
    if (gz_parse_i64(value, strlen(value), s->min, s->max, &v)) {
        snprintf(err, errlen, "%s.%s: expected a whole number from %lld to %lld, got '%s'",
                 s->section, s->key, (long long)s->min, (long long)s->max, value);
        return GZ_EINVAL;
    }
    if (s->kind == INT)
        *(int *)field = (int)v;
    else
        *(size_t *)field = (size_t)v;
    return GZ_OK;
}

int gz_config_set(struct gz_config *c, const char *name, const char *value, char *err,
                  size_t errlen)
{
    const char *dot = strchr(name, '.');
    char section[32];
    if (!dot || (size_t)(dot - name) >= sizeof section) {
        snprintf(err, errlen, "unknown setting '%s'", name);
        return GZ_EINVAL;
    }
    memcpy(section, name, (size_t)(dot - name));
    section[dot - name] = '\0';
    const struct setting *s = find(section, dot + 1);
    if (!s) {
        snprintf(err, errlen, "unknown setting '%s'", name);
        return GZ_EINVAL;
    }
    return apply(c, s, value, err, errlen);
}

/* Debian's inih is built without line numbers in the callback; ini_parse
 * returns the line of the first entry the callback refused, which is the
 * first one recorded here. */
struct load_ctx {
    struct gz_config *c;
    char why[256];
    int failed;
};

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    struct load_ctx *l = user;
    if (l->failed)
        return 0;
    const struct setting *s = find(section, key);
    if (!s) {
        snprintf(l->why, sizeof l->why, "unknown setting '%s' in section [%s]", key, section);
        l->failed = 1;
        return 0;
    }
    if (apply(l->c, s, value, l->why, sizeof l->why)) {
        l->failed = 1;
        return 0;
    }
    return 1;
}

int gz_config_load(struct gz_config *c, const char *path, char *err, size_t errlen)
{
    struct load_ctx l = {.c = c};
    int rc = ini_parse(path, on_entry, &l);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot read the file", path);
        return GZ_EIO;
    }
    if (rc > 0) {
        snprintf(err, errlen, "%s:%d: %s", path, rc, l.failed ? l.why : "not a valid INI line");
        return GZ_EINVAL;
    }
    return GZ_OK;
}

int gz_config_validate(const struct gz_config *c, char *err, size_t errlen)
{
    static const char *windows[] = {"all", "24h", "7d", "30d"};
    int ok = 0;
    for (size_t i = 0; i < GZ_COUNTOF(windows); i++)
        ok |= !strcmp(c->window, windows[i]);
    if (!ok) {
        snprintf(err, errlen, "blocks.window: expected all, 24h, 7d or 30d, got '%s'",
                 c->window);
        return GZ_EINVAL;
    }
    size_t n = strlen(c->site_url);
    if (n && c->site_url[n - 1] == '/') {
        snprintf(err, errlen, "site.url: must not end with '/'");
        return GZ_EINVAL;
    }
    return GZ_OK;
}
