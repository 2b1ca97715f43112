/* Fair counting: whether a request is a reader's view that counts.
 *
 * The page rules come first (a bot's User-Agent, a prefetch: is_view
 * below). Then, with views.heuristics, requests no person's
 * browser sends: no Accept-Language (every browser sends one; scripts and
 * most crawlers do not) and the User-Agent of a headless or automated
 * browser. Last, the reader's own history (views/readers.h): a reload of
 * the same article within views.reload_minutes counts once, and a reader
 * past views.max_per_minute counts nothing more that minute.
 *
 * A reader is a keyed hash of the client's address and User-Agent under a
 * salt that changes every UTC day; neither is kept. Behind a proxy the
 * address is taken from X-Forwarded-For, but only when the peer is one of
 * http.trusted_proxies (anyone else could write any address there).
 *
 * This runs on the event loops for every article view: it takes one mutex
 * (a shard of the readers) and allocates only when a shard's table or
 * queue grows (both bounded, see views/readers.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "site/siteInt.h"
#include "views/bots.h"

struct gz_readers *gz_site_readers_new(const struct gz_config *cfg)
{
    struct gz_readers_config c = {.reload_minutes = cfg->reload_minutes,
                                  .max_per_minute = cfg->max_per_minute};
    return gz_readers_new(&c, time(NULL));
}

/* ---- the page rules ---- */

/* Whether this response is a reader's view: not a bot, not a prefetch. HEAD
 * and non-200 answers are excluded by the caller. */
static int is_view(struct gz_request *r)
{
    struct gz_str ua = gz_http_header(r, H2O_TOKEN_USER_AGENT);
    if (gz_views_is_bot(ua.p, ua.len))
        return 0;
    struct gz_str sec = gz_http_header_str(r, "sec-purpose");
    struct gz_str purpose = gz_http_header_str(r, "purpose");
    struct gz_str moz = gz_http_header_str(r, "x-moz");
    if (moz.len)
        purpose = moz; /* Firefox's older prefetch header */
    return !gz_views_is_prefetch(sec.p, sec.len, purpose.p, purpose.len);
}

/* ---- heuristics ---- */

/* Lower-case markers of automated browsers not in the bot list
 * (views/bots.c, which has headlesschrome, phantomjs, lighthouse, curl,
 * wget, python-requests: repeated here so that the list says what the
 * heuristics catch, whatever the bot list becomes). */
static const struct gz_str headless_markers[] = {
    GZ_STR("headless"),   GZ_STR("phantomjs"),       GZ_STR("slimerjs"),
    GZ_STR("puppeteer"),  GZ_STR("playwright"),      GZ_STR("selenium"),
    GZ_STR("webdriver"),  GZ_STR("htmlunit"),        GZ_STR("jsdom"),
    GZ_STR("lighthouse"), GZ_STR("python-requests"), GZ_STR("curl/"),
    GZ_STR("wget/"),
};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does ua contain marker (lower-case), ignoring ASCII case? */
static int contains(struct gz_str ua, struct gz_str marker)
{
    for (size_t i = 0; i + marker.len <= ua.len; i++) {
        size_t k = 0;
        while (k < marker.len && lower(ua.p[i + k]) == marker.p[k])
            k++;
        if (k == marker.len)
            return 1;
    }
    return 0;
}

/* Whether r looks like no person's browser (views.heuristics). */
static int heuristic_reject(struct gz_request *r, struct gz_str ua)
{
    struct gz_str lang = gz_http_header(r, H2O_TOKEN_ACCEPT_LANGUAGE);
    if (lang.len == 0)
        return 1;
    if (ua.len > 512)
        ua.len = 512; /* bound the scan, like the bot list */
    for (size_t i = 0; i < GZ_COUNTOF(headless_markers); i++)
        if (contains(ua, headless_markers[i]))
            return 1;
    return 0;
}

/* ---- the reader's address ---- */

/* An address as the bytes a reader is hashed over: 4 for IPv4 (also when
 * IPv4-mapped in IPv6), 16 for IPv6. */
struct addr {
    uint8_t b[16];
    size_t len;
};

static int addr_of_sockaddr(const struct sockaddr *sa, struct addr *out)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa->sa_family == AF_INET) {
        memcpy(out->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        out->len = 4;
        return 1;
    }
    if (sa->sa_family != AF_INET6)
        return 0;
    const uint8_t *v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    if (!memcmp(v6, v4mapped, sizeof v4mapped)) {
        memcpy(out->b, v6 + 12, 4);
        out->len = 4;
    } else {
        memcpy(out->b, v6, 16);
        out->len = 16;
    }
    return 1;
}

/* Parses one X-Forwarded-For item ("192.0.2.7", "2001:db8::1",
 * "[2001:db8::1]", blanks around) into sa; 0 when it is no address. */
static int parse_forwarded(const char *p, size_t n, struct sockaddr_storage *sa)
{
    char text[64];
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n >= 2 && p[0] == '[' && p[n - 1] == ']')
        p++, n -= 2;
    if (n == 0 || n >= sizeof text)
        return 0;
    memcpy(text, p, n);
    text[n] = '\0';
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        return 1;
    }
    return 0;
}

/* Walks X-Forwarded-For from the right (the item the nearest proxy added)
 * while the addresses are trusted proxies; sets *sa to the first that is
 * not, or to the leftmost when all are. Several headers are one list, in
 * order. Returns 0 when there is no usable item: the peer is the reader. */
static int forwarded_client(struct gz_request *r, const struct gz_cidr_list *trusted,
                            struct sockaddr_storage *sa)
{
    const h2o_headers_t *hs = &r->req->headers;
    int found = 0;
    for (ssize_t i = (ssize_t)hs->size - 1; i >= 0; i--) {
        if (hs->entries[i].name != &H2O_TOKEN_X_FORWARDED_FOR->buf)
            continue;
        const char *v = hs->entries[i].value.base;
        size_t end = hs->entries[i].value.len;
        while (end > 0) {
            size_t start = end;
            while (start > 0 && v[start - 1] != ',')
                start--;
            struct sockaddr_storage item;
            /* Garbage where an address should be: nothing to its left can
             * be trusted either; the last proxy's word stands. */
            if (!parse_forwarded(v + start, end - start, &item))
                return found;
            *sa = item;
            found = 1;
            if (!gz_cidr_match(trusted, (struct sockaddr *)sa))
                return 1;
            end = start ? start - 1 : 0;
        }
    }
    return found;
}

/* The reader's address: the peer, or what trusted proxies say. */
static int client_addr(struct gz_request *r, const struct gz_site_conf *conf,
                       struct addr *out)
{
    struct sockaddr_storage ss;
    h2o_conn_t *conn = r->req->conn;
    if (!conn->callbacks->get_peername(conn, (struct sockaddr *)&ss))
        return 0;
    if (conf->trusted_proxies.len &&
        gz_cidr_match(&conf->trusted_proxies, (struct sockaddr *)&ss))
        forwarded_client(r, &conf->trusted_proxies, &ss);
    return addr_of_sockaddr((struct sockaddr *)&ss, out);
}

/* ---- the verdict ---- */

/* The referring domain of r into out ("" for none or the site itself). */
static void referrer(struct gz_request *r, const struct gz_site_conf *conf,
                     char out[GZ_REFERRER_MAX])
{
    struct gz_str ref = gz_http_header(r, H2O_TOKEN_REFERER);
    out[0] = '\0';
    if (!ref.len)
        return;
    const char *own = conf->own_host;
    size_t own_len = conf->own_host_len;
    if (!own_len) {
        struct gz_str host = gz_http_header(r, H2O_TOKEN_HOST);
        own = host.p, own_len = host.len;
    }
    gz_referrer_domain(ref.p, ref.len, own, own_len, out);
}

enum gz_count_verdict gz_site_count_view(struct gz_site *site, struct gz_request *r,
                                         int64_t article_id)
{
    struct gz_site_stats *stats = &gz_site_thread_of(site, r)->stats;
    if (!is_view(r))
        return GZ_COUNT_NOT_VIEW;
    const struct gz_site_conf *conf = gz_site_conf(site);
    struct gz_str ua = gz_http_header(r, H2O_TOKEN_USER_AGENT);
    if (conf->heuristics && heuristic_reject(r, ua)) {
        gz_stat_add(&stats->views_heuristic, 1);
        return GZ_COUNT_HEURISTIC;
    }
    struct addr a = {.len = 0};
    if (!client_addr(r, conf, &a))
        a.len = 0; /* no address (a socket gone): the User-Agent alone */
    char domain[GZ_REFERRER_MAX];
    referrer(r, conf, domain);
    int64_t now = time(NULL);
    /* Loaded after conf: the flusher swaps both; either is fine to use
     * until this loop's next quiescent state. */
    struct gz_readers *readers =
        atomic_load_explicit(&site->readers, memory_order_acquire);
    uint64_t reader = gz_readers_id(readers, a.b, a.len, ua.p, ua.len, now);
    switch (gz_readers_view(readers, reader, article_id, domain, strlen(domain), now)) {
    case GZ_READER_RELOAD:
        gz_stat_add(&stats->views_reload, 1);
        return GZ_COUNT_RELOAD;
    case GZ_READER_FLOOD:
        gz_stat_add(&stats->views_flood, 1);
        return GZ_COUNT_FLOOD;
    case GZ_READER_COUNT:
        break;
    }
    gz_counters_hit(gz_site_thread_of(site, r)->counters, article_id);
    gz_stat_add(&stats->views_counted, 1);
    return GZ_COUNT_COUNTED;
}
