/* Configuration: the settings table, and the four layers that fill a
 * struct gz_config (defaults, INI file, environment, flags).
 *
 * The INI file is parsed here rather than with inih. Debian's libinih is
 * built without line numbers in the handler callback and without a
 * callback for section headers, reports only the first malformed line,
 * silently splits lines longer than 200 bytes and turns indented lines
 * into continuations of the previous value. `gazette config check` must
 * report every problem at its exact line, and the format gazette accepts
 * is small (sections, "key = value", comments, optional quotes), so a
 * line-by-line reader of ~150 lines is simpler than working around those. */
#include "core/config.h"
#include "core/tz.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

enum kind {
    STR,     /* a string */
    OPT_STR, /* a string; empty means none (NULL) */
    INT,     /* an int in [min, max] */
    SIZE,    /* a size_t in [min, max] */
};

typedef int (*check_fn)(const char *value, char *why, size_t whylen);

/* The settings table: one row per key, so the INI file, the environment,
 * the flags, `config show`, the man page and the docs all use the same
 * names. */
struct setting {
    const char *section;
    const char *key;
    enum kind kind;
    size_t offset;
    int64_t min, max;           /* INT, SIZE */
    const char *const *choices; /* strings: the only values allowed, or NULL */
    check_fn check;             /* strings: a further check, or NULL */
    const char *accepts;        /* strings: what check allows, in words */
    const char *help;
};

static const char *const windows[] = {"all", "24h", "7d", "30d", NULL};
static const char *const levels[] = {"debug", "info", "warn", "error", NULL};
/* The admin's catalogs (src/admin/i18n.c); the unit test admin_i18n checks
 * that the two lists agree. */
static const char *const admin_langs[] = {"en", "fr", NULL};
static const char *const yes_no[] = {"yes", "no", "true", "false", "on",
                                     "off", "1",  "0",    NULL};
static const char *const rank_bys[] = {"views", "readers", NULL};
static const char *const count_modes[] = {"server", "beacon", NULL};

static int check_nonempty(const char *v, char *why, size_t whylen);
static int check_url(const char *v, char *why, size_t whylen);
static int check_lang(const char *v, char *why, size_t whylen);
static int check_timezone(const char *v, char *why, size_t whylen);
static int check_cidr_list(const char *v, char *why, size_t whylen);

#define FIELD(f) .offset = offsetof(struct gz_config, f)
#define S(sec, k, f, chk, acc, h)                                                        \
    {                                                                                    \
        .section = sec, .key = k, .kind = STR, FIELD(f), .check = chk, .accepts = acc,   \
        .help = h                                                                        \
    }
#define E(sec, k, f, list, h)                                                            \
    {                                                                                    \
        .section = sec, .key = k, .kind = STR, FIELD(f), .choices = list, .help = h      \
    }
#define I(sec, k, f, lo, hi, h)                                                          \
    {                                                                                    \
        .section = sec, .key = k, .kind = INT, FIELD(f), .min = lo, .max = hi, .help = h \
    }
#define Z(sec, k, f, lo, hi, h)                                                          \
    {                                                                                    \
        .section = sec, .key = k, .kind = SIZE, FIELD(f), .min = lo, .max = hi,          \
        .help = h                                                                        \
    }

static const struct setting settings[] = {
    S("store", "db", db, check_nonempty, "a file path or a PostgreSQL URL",
      "SQLite database file, or a PostgreSQL URL (postgres://...) or libpq connection "
      "string"),
    I("store", "outage_seconds", outage_seconds, 0, 86400,
      "while the database is away, view counts wait in memory this long at most, "
      "then are dropped"),
    S("http", "listen", listen, check_nonempty, "an address",
      "address to listen on (0.0.0.0 or :: for all)"),
    I("http", "port", port, 1, 65535, "TCP port"),
    I("http", "threads", threads, 0, 256, "event loops; 0 means one per CPU core"),
    I("http", "idle_timeout_ms", idle_timeout_ms, 100, 3600000,
      "a connection idle (or a client this slow sending its request) this long is "
      "closed"),
    I("http", "max_connections", max_connections, 1, 1000000,
      "open connections at most, over all event loops; more wait to be accepted"),
    Z("http", "max_body", max_body, 0, (int64_t)1 << 30,
      "largest request body in bytes; larger gets 413"),
    Z("http", "max_header", max_header, 1024, 1 << 20,
      "largest total of request header bytes; larger gets 431"),
    Z("http", "max_uri", max_uri, 256, 1 << 20,
      "longest request target; longer gets 414"),
    S("http", "trusted_proxies", trusted_proxies, check_cidr_list,
      "addresses or CIDR blocks separated by commas",
      "proxies whose X-Forwarded-For names the reader (addresses or CIDR blocks, "
      "comma-separated); empty: the header is ignored"),
    S("site", "title", site_title, NULL, NULL, "site name in the header and <title>"),
    S("site", "description", site_description, NULL, NULL, "default meta description"),
    S("site", "url", site_url, check_url,
      "an http:// or https:// URL without a trailing slash",
      "public base URL, for canonical links"),
    S("site", "lang", site_lang, check_lang, "a language tag such as en or fa",
      "language of the site's own text"),
    S("site", "timezone", site_timezone, check_timezone,
      "an IANA time zone name such as UTC or Europe/Paris",
      "time zone of the dates shown to readers"),
    {.section = "site",
     .key = "theme",
     .kind = OPT_STR,
     FIELD(theme_dir),
     .help = "folder whose templates/ and assets/ override the built-in theme; "
             "empty for none"},
    I("site", "per_page", per_page, 1, 100, "articles per list page (home, sections)"),
    I("site", "sections", sections, 0, 20,
      "sections in the navigation: the tags with the most articles"),
    I("site", "teaser_words", teaser_words, 5, 200,
      "words in a teaser cut from the body"),
    I("blocks", "new_count", new_count, 1, 50, "entries in New Articles"),
    I("blocks", "top_count", top_count, 1, 50, "entries in Most viewed"),
    E("blocks", "window", window, windows, "Most viewed counts the views of this window"),
    I("views", "flush_ms", flush_ms, 10, 60000,
      "how often view counts are summed, written and Most viewed recomputed"),
    I("views", "reload_minutes", reload_minutes, 0, 1440,
      "a reader's views of one article within this many minutes count once; 0: all"),
    I("views", "max_per_minute", max_per_minute, 0, 1000000,
      "views counted per reader per minute at most; 0: no limit"),
    E("views", "heuristics", views_heuristics, yes_no,
      "no Accept-Language or a headless browser's User-Agent is no reader (yes) or "
      "counts (no)"),
    E("views", "rank_by", rank_by, rank_bys,
      "Most viewed ranks articles by views or by unique readers"),
    E("views", "count", count_mode, count_modes,
      "who counts an article view: the server when it serves the page, or the "
      "page's beacon script (for pages cached by a CDN)"),
    I("stats", "referrer_days", referrer_days, 0, 36500,
      "days referring domains are kept; 0: for ever"),
    Z("cache", "max_mb", cache_mb, 1, 1 << 20,
      "MiB of memory for rendered pages (with their gzip and brotli variants)"),
    S("log", "access", access_log, check_nonempty, "off, stdout or a file path",
      "access log: off, stdout or a file path"),
    S("log", "error", error_log, check_nonempty, "stderr or a file path",
      "error log: stderr or a file path"),
    E("log", "level", log_level, levels, "the least severe error-log messages kept"),
    S("metrics", "allow", metrics_allow, check_cidr_list,
      "addresses or CIDR blocks separated by commas",
      "clients that may read /metrics (addresses or CIDR blocks, comma-separated)"),
    I("admin", "session_hours", session_hours, 1, 8760,
      "how long a login to the admin lasts, in hours"),
    E("admin", "lang", admin_lang, admin_langs, "language of the admin's own text"),
    S("media", "dir", media_dir, check_nonempty, "a folder path",
      "folder where uploaded images are stored (created when missing)"),
    Z("media", "max_bytes", media_max_bytes, 1024, (int64_t)1 << 30,
      "largest uploaded file in bytes; larger gets 413"),
    E("feeds", "full_content", feeds_full_content, yes_no,
      "feeds carry each article's whole text (yes) or only its teaser (no)"),
    I("feeds", "items", feeds_items, 1, 100,
      "articles in each feed (site, section, language)"),
    I("sitemap", "chunk", sitemap_chunk, 1, 50000,
      "article URLs per sitemap file (at most 50000, the sitemaps.org limit)"),
    {.section = "export",
     .key = "beacon_url",
     .kind = OPT_STR,
     FIELD(export_beacon_url),
     .help = "live site that pages of a static export send their views to (/v/ID); "
             "empty for site.url"},
};

_Static_assert(GZ_COUNTOF(settings) <= GZ_CONFIG_MAX_SETTINGS,
               "raise GZ_CONFIG_MAX_SETTINGS");

/* ---- value checks ------------------------------------------------------- */

static int check_nonempty(const char *v, char *why, size_t whylen)
{
    if (*v)
        return GZ_OK;
    snprintf(why, whylen, "must not be empty");
    return GZ_EINVAL;
}

static int check_url(const char *v, char *why, size_t whylen)
{
    size_t n = strlen(v);
    if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
        snprintf(why, whylen, "expected an http:// or https:// URL, got '%s'", v);
        return GZ_EINVAL;
    }
    if (v[n - 1] == '/') {
        snprintf(why, whylen, "must not end with '/', got '%s'", v);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

static int check_lang(const char *v, char *why, size_t whylen)
{
    size_t n = strlen(v);
    int ok = n > 0 && n <= 35 && isalpha((unsigned char)v[0]);
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)v[i]) || v[i] == '-';
    if (ok)
        return GZ_OK;
    snprintf(why, whylen, "expected a language tag such as en, fa or pt-BR, got '%s'", v);
    return GZ_EINVAL;
}

/* A zone the system's zoneinfo files know (see core/tz.h). */
static int check_timezone(const char *v, char *why, size_t whylen)
{
    return gz_tz_get(v, why, whylen) ? GZ_OK : GZ_EINVAL;
}

/* One "ADDRESS" or "ADDRESS/BITS" of metrics.allow, IPv4 or IPv6. */
static int check_cidr(const char *item, size_t len, char *why, size_t whylen)
{
    char addr[64];
    const char *slash = memchr(item, '/', len);
    size_t alen = slash ? (size_t)(slash - item) : len;
    unsigned char bin[16];
    int v6 = memchr(item, ':', alen) != NULL;
    int64_t bits;
    if (alen == 0 || alen >= sizeof addr)
        goto bad;
    memcpy(addr, item, alen);
    addr[alen] = '\0';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
        goto bad;
    if (slash && (len - alen - 1 > 3 ||
                  gz_parse_i64(slash + 1, len - alen - 1, 0, v6 ? 128 : 32, &bits)))
        goto bad;
    return GZ_OK;
bad:
    snprintf(why, whylen, "'%.*s' is not an address or CIDR block (such as 10.0.0.0/8)",
             (int)(len > 64 ? 64 : len), item);
    return GZ_EINVAL;
}

/* Items separated by commas, blanks around them allowed; an empty list
 * allows nobody. The same syntax as gz_cidr_parse_list (src/http/cidr.c),
 * which reads the value when the server starts. */
static int check_cidr_list(const char *v, char *why, size_t whylen)
{
    if (v[strspn(v, " \t")] == '\0')
        return GZ_OK;
    for (const char *p = v;; p++) {
        size_t len = strcspn(p, ",");
        const char *item = p + strspn(p, " \t");
        size_t n = len - (size_t)(item - p);
        while (n && (item[n - 1] == ' ' || item[n - 1] == '\t'))
            n--;
        if (check_cidr(item, n, why, whylen))
            return GZ_EINVAL;
        p += len;
        if (!*p)
            return GZ_OK;
    }
}

/* ---- the table ---------------------------------------------------------- */

size_t gz_config_count(void)
{
    return GZ_COUNTOF(settings);
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static void describe_accepts(const struct setting *s, char *out, size_t len)
{
    out[0] = '\0';
    if (s->kind == INT || s->kind == SIZE) {
        snprintf(out, len, "a whole number from %lld to %lld", (long long)s->min,
                 (long long)s->max);
    } else if (s->choices) {
        size_t used = 0;
        for (size_t i = 0; s->choices[i] && used < len; i++) {
            const char *sep = !i ? "" : s->choices[i + 1] ? ", " : " or ";
            int n = snprintf(out + used, len - used, "%s%s", sep, s->choices[i]);
            used += n > 0 ? (size_t)n : 0;
        }
    } else if (s->accepts) {
        snprintf(out, len, "%s", s->accepts);
    } else {
        snprintf(out, len, "%s", s->kind == OPT_STR ? "a folder, or empty" : "any text");
    }
}

void gz_config_describe(size_t i, struct gz_config_info *out)
{
    const struct setting *s = &settings[i];
    out->section = s->section;
    out->key = s->key;
    out->help = s->help;
    snprintf(out->name, sizeof out->name, "%s.%s", s->section, s->key);
    snprintf(out->env, sizeof out->env, "GAZETTE_%s_%s", s->section, s->key);
    upper(out->env);
    snprintf(out->flag, sizeof out->flag, "%s-%s", s->section, s->key);
    for (char *p = out->flag; *p; p++)
        if (*p == '_')
            *p = '-';
    describe_accepts(s, out->accepts, sizeof out->accepts);
}

static const struct setting *find(const char *section, const char *key)
{
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++)
        if (!strcmp(settings[i].section, section) && !strcmp(settings[i].key, key))
            return &settings[i];
    return NULL;
}

static int section_known(const char *section)
{
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++)
        if (!strcmp(settings[i].section, section))
            return 1;
    return 0;
}

int gz_config_find(const char *name)
{
    struct gz_config_info info;
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++) {
        gz_config_describe(i, &info);
        if (!strcmp(info.name, name))
            return (int)i;
    }
    return -1;
}

int gz_config_find_flag(const char *flag, size_t len)
{
    struct gz_config_info info;
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++) {
        gz_config_describe(i, &info);
        if (strlen(info.flag) == len && !memcmp(info.flag, flag, len))
            return (int)i;
    }
    return -1;
}

const char *gz_config_value(const struct gz_config *c, size_t i, char *out, size_t outlen)
{
    const struct setting *s = &settings[i];
    const void *field = (const char *)c + s->offset;
    if (s->kind == STR || s->kind == OPT_STR) {
        const char *v = *(char *const *)field;
        return v ? v : "";
    }
    if (s->kind == INT)
        snprintf(out, outlen, "%d", *(const int *)field);
    else
        snprintf(out, outlen, "%zu", *(const size_t *)field);
    return out;
}

/* ---- defaults and setting one value ------------------------------------- */

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = v ? gz_xstrdup(v) : NULL;
}

void gz_config_defaults(struct gz_config *c)
{
    memset(c, 0, sizeof(*c));
    set_str(&c->db, "gazette.db");
    set_str(&c->listen, "127.0.0.1");
    c->port = 8080;
    c->threads = 0;
    c->idle_timeout_ms = 10000;
    c->max_connections = 10000;
    c->max_body = 1 << 20;
    c->max_header = 16 << 10;
    c->max_uri = 8 << 10;
    set_str(&c->site_title, "Gazette");
    set_str(&c->site_description, "News, as it happens.");
    set_str(&c->site_url, "http://127.0.0.1:8080");
    set_str(&c->site_lang, "en");
    set_str(&c->site_timezone, "UTC");
    c->per_page = 10;
    c->sections = 6;
    c->teaser_words = 30;
    c->new_count = 5;
    c->top_count = 5;
    set_str(&c->window, "all");
    c->flush_ms = 1000;
    c->outage_seconds = 300;
    c->reload_minutes = 30;
    c->max_per_minute = 30;
    set_str(&c->views_heuristics, "yes");
    set_str(&c->rank_by, "views");
    set_str(&c->count_mode, "server");
    c->referrer_days = 0;
    set_str(&c->trusted_proxies, "");
    c->cache_mb = 48;
    set_str(&c->access_log, "off");
    set_str(&c->error_log, "stderr");
    set_str(&c->log_level, "info");
    set_str(&c->metrics_allow, "127.0.0.0/8, ::1/128");
    c->session_hours = 48;
    set_str(&c->admin_lang, "en");
    set_str(&c->media_dir, "media");
    c->media_max_bytes = 10 << 20;
    set_str(&c->feeds_full_content, "yes");
    c->feeds_items = 20;
    c->sitemap_chunk = 50000;
}

void gz_config_clear(struct gz_config *c)
{
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++) {
        if (settings[i].kind == STR || settings[i].kind == OPT_STR)
            free(*(char **)((char *)c + settings[i].offset));
        free(c->source[i]);
    }
    memset(c, 0, sizeof(*c));
}

/* Checks value against s without applying it; why gets the reason. */
static int check_value(const struct setting *s, const char *value, int64_t *num,
                       char *why, size_t whylen)
{
    if (s->kind == INT || s->kind == SIZE) {
        if (!gz_parse_i64(value, strlen(value), s->min, s->max, num))
            return GZ_OK;
        snprintf(why, whylen, "expected a whole number from %lld to %lld, got '%s'",
                 (long long)s->min, (long long)s->max, value);
        return GZ_EINVAL;
    }
    /* `config show` prints every value on one line of an INI file. */
    if (strpbrk(value, "\r\n")) {
        snprintf(why, whylen, "must be one line");
        return GZ_EINVAL;
    }
    if (s->choices) {
        for (size_t i = 0; s->choices[i]; i++)
            if (!strcmp(value, s->choices[i]))
                return GZ_OK;
        char accepts[96];
        describe_accepts(s, accepts, sizeof accepts);
        snprintf(why, whylen, "expected %s, got '%s'", accepts, value);
        return GZ_EINVAL;
    }
    return s->check ? s->check(value, why, whylen) : GZ_OK;
}

/* Applies value to setting s of c, recording source (NULL: default). On
 * failure err gets "section.key: reason" and c is unchanged. */
static int apply(struct gz_config *c, const struct setting *s, const char *value,
                 const char *source, char *err, size_t errlen)
{
    char why[256];
    int64_t num = 0;
    if (check_value(s, value, &num, why, sizeof why)) {
        snprintf(err, errlen, "%s.%s: %s", s->section, s->key, why);
        return GZ_EINVAL;
    }
    void *field = (char *)c + s->offset;
    if (s->kind == STR)
        set_str(field, value);
    else if (s->kind == OPT_STR)
        set_str(field, *value ? value : NULL);
    else if (s->kind == INT)
        *(int *)field = (int)num;
    else
        *(size_t *)field = (size_t)num;
    size_t i = (size_t)(s - settings);
    set_str(&c->source[i], source);
    return GZ_OK;
}

int gz_config_set_from(struct gz_config *c, const char *name, const char *value,
                       const char *source, char *err, size_t errlen)
{
    int i = gz_config_find(name);
    if (i < 0) {
        snprintf(err, errlen, "unknown setting '%s'", name);
        return GZ_EINVAL;
    }
    return apply(c, &settings[i], value, source ? source : "--set", err, errlen);
}

int gz_config_set(struct gz_config *c, const char *name, const char *value, char *err,
                  size_t errlen)
{
    return gz_config_set_from(c, name, value, NULL, err, errlen);
}

/* ---- the report ---------------------------------------------------------- */

/* Enough for hundreds of problems; past it the rest are dropped. */
#define REPORT_MAX ((size_t)64 << 10)

void gz_config_report_init(struct gz_config_report *r)
{
    gz_buf_init(&r->text, REPORT_MAX);
    r->errors = r->warnings = 0;
}

void gz_config_report_free(struct gz_config_report *r)
{
    gz_buf_free(&r->text);
}

__attribute__((format(printf, 4, 5))) static void
report(struct gz_config_report *r, int warning, const char *where, const char *fmt, ...)
{
    va_list ap;
    *(warning ? &r->warnings : &r->errors) += 1;
    gz_buf_printf(&r->text, "%s: %s", where, warning ? "warning: " : "");
    va_start(ap, fmt);
    gz_buf_vprintf(&r->text, fmt, ap);
    va_end(ap);
    gz_buf_putc(&r->text, '\n');
}

/* ---- the INI file ------------------------------------------------------- */

/* Longest line read; a longer one is an error, never split. */
#define LINE_MAX_BYTES 4096

struct ini {
    struct gz_config *c;
    struct gz_config_report *r;
    const char *path;
    int lineno;
    char where[512];                     /* "FILE:LINE" of the current line */
    char section[64];                    /* the current section, "" before any */
    int in_section;                      /* 0 before any, -1 in an unknown one */
    int seen_at[GZ_CONFIG_MAX_SETTINGS]; /* the line that set each key */
};

static char *trim(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    return s;
}

/* Text after a section header or a quoted value: blanks, then maybe a
 * comment. */
static int only_comment(const char *s)
{
    s += strspn(s, " \t");
    return *s == '\0' || *s == ';' || *s == '#';
}

static void on_section(struct ini *in, char *line)
{
    char *close = strchr(line, ']');
    if (!close) {
        report(in->r, 0, in->where, "missing ']' in the section header '%s'", line);
        in->in_section = -1;
        return;
    }
    if (!only_comment(close + 1)) {
        report(in->r, 0, in->where, "unexpected text after the section header: '%s'",
               close + 1);
    }
    char *name = trim(line + 1, close);
    snprintf(in->section, sizeof in->section, "%s", name);
    in->in_section = section_known(name) ? 1 : -1;
    if (in->in_section < 0)
        report(in->r, 0, in->where, "unknown section [%s]", name);
}

/* The value after '=': a quoted string, or text up to a ';' that starts a
 * comment (at the start or after a blank, so "a;b" keeps its ';'). Returns
 * NULL after reporting a problem. */
static char *parse_value(struct ini *in, char *v)
{
    v += strspn(v, " \t");
    if (*v == '"') {
        /* The last quote that only a comment follows: the value may hold
         * quotes, and so may the comment. */
        char *close = NULL;
        for (char *q = v + strlen(v) - 1; !close && q > v; q--)
            if (*q == '"' && only_comment(q + 1))
                close = q;
        if (!close) {
            report(in->r, 0, in->where,
                   "a quoted value must end with '\"' (then only a comment)");
            return NULL;
        }
        *close = '\0';
        return v + 1;
    }
    char *end = v;
    for (; *end; end++)
        if (*end == ';' && (end == v || end[-1] == ' ' || end[-1] == '\t'))
            break;
    return trim(v, end);
}

static void on_entry(struct ini *in, char *line, char *eq)
{
    char *key = trim(line, eq);
    char *value = parse_value(in, eq + 1);
    if (!value)
        return;
    if (!*key) {
        report(in->r, 0, in->where, "missing the key before '='");
        return;
    }
    if (in->in_section == 0) {
        report(in->r, 0, in->where, "setting '%s' is outside any [section]", key);
        return;
    }
    if (in->in_section < 0)
        return; /* the unknown section was reported once, at its header */
    const struct setting *s = find(in->section, key);
    if (!s) {
        report(in->r, 0, in->where, "unknown setting '%s' in section [%s]", key,
               in->section);
        return;
    }
    size_t i = (size_t)(s - settings);
    char err[512];
    if (apply(in->c, s, value, in->where, err, sizeof err)) {
        report(in->r, 0, in->where, "%s", err);
        return;
    }
    if (in->seen_at[i])
        report(in->r, 1, in->where, "%s.%s is also set on line %d; the last one wins",
               s->section, s->key, in->seen_at[i]);
    in->seen_at[i] = in->lineno;
}

static void on_line(struct ini *in, char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (in->lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
        line += 3; /* a UTF-8 byte order mark */
    line += strspn(line, " \t");
    if (*line == '\0' || *line == ';' || *line == '#')
        return;
    if (*line == '[') {
        on_section(in, line);
        return;
    }
    char *eq = strchr(line, '=');
    if (!eq) {
        report(in->r, 0, in->where,
               "expected 'key = value', '[section]' or a comment, got '%s'", line);
        return;
    }
    on_entry(in, line, eq);
}

int gz_config_read(struct gz_config *c, const char *path, struct gz_config_report *r)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        report(r, 0, path, "cannot read the file: %s", strerror(errno));
        return GZ_EIO;
    }
    struct ini in = {.c = c, .r = r, .path = path};
    int errors_before = r->errors;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        in.lineno++;
        snprintf(in.where, sizeof in.where, "%s:%d", path, in.lineno);
        if (len > LINE_MAX_BYTES)
            report(r, 0, in.where, "line longer than %d bytes", LINE_MAX_BYTES);
        else
            on_line(&in, line, (size_t)len);
    }
    int rc = ferror(f) ? GZ_EIO : GZ_OK;
    if (rc)
        report(r, 0, path, "read error: %s", strerror(errno));
    free(line);
    fclose(f);
    if (!rc && r->errors > errors_before)
        rc = GZ_EINVAL;
    return rc;
}

int gz_config_load(struct gz_config *c, const char *path, char *err, size_t errlen)
{
    struct gz_config_report r;
    gz_config_report_init(&r);
    int rc = gz_config_read(c, path, &r);
    size_t n = r.text.len;
    while (n && r.text.p[n - 1] == '\n')
        n--;
    snprintf(err, errlen, "%.*s", (int)n, r.text.p ? r.text.p : "");
    gz_config_report_free(&r);
    return rc;
}

/* ---- the environment ---------------------------------------------------- */

int gz_config_env(struct gz_config *c, struct gz_config_report *r)
{
    int errors_before = r->errors;
    struct gz_config_info info;
    char where[96], err[512];
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++) {
        gz_config_describe(i, &info);
        const char *v = getenv(info.env);
        if (!v)
            continue;
        snprintf(where, sizeof where, "env %s", info.env);
        if (apply(c, &settings[i], v, where, err, sizeof err))
            report(r, 0, where, "%s", err);
    }
    /* A misspelt variable would otherwise be ignored without a word. */
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, "GAZETTE_", 8))
            continue;
        size_t n = strcspn(*e, "=");
        int known = n == 14 && !strncmp(*e, "GAZETTE_CONFIG", 14);
        for (size_t i = 0; !known && i < GZ_COUNTOF(settings); i++) {
            gz_config_describe(i, &info);
            known = strlen(info.env) == n && !strncmp(*e, info.env, n);
        }
        if (!known)
            report(r, 1, "env", "%.*s is not a gazette setting (see gazette config show)",
                   (int)n, *e);
    }
    return r->errors > errors_before ? GZ_EINVAL : GZ_OK;
}

/* ---- checks over the whole configuration -------------------------------- */

int gz_config_validate(const struct gz_config *c, char *err, size_t errlen)
{
    /* Every value was checked when it was set; this catches a struct filled
     * by hand, and names where the bad value came from. */
    char num[32], why[256];
    int64_t n;
    for (size_t i = 0; i < GZ_COUNTOF(settings); i++) {
        const struct setting *s = &settings[i];
        const char *v = gz_config_value(c, i, num, sizeof num);
        if (s->kind == OPT_STR || !check_value(s, v, &n, why, sizeof why))
            continue;
        snprintf(err, errlen, "%s%s%s.%s: %s", c->source[i] ? c->source[i] : "",
                 c->source[i] ? ": " : "", s->section, s->key, why);
        return GZ_EINVAL;
    }
    return GZ_OK;
}
