/* HTTP layer on libh2o-evloop: event loops (one per core) on SO_REUSEPORT
 * listeners, request limits, graceful shutdown, and response helpers.
 *
 * A handler is a function that either answers a request and returns GZ_OK,
 * or returns GZ_DECLINED to pass it to the next handler (nginx's
 * NGX_DECLINED). The server tries handlers in the order they were added. */
#ifndef GZ_HTTP_H
#define GZ_HTTP_H

#include <h2o.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/core.h"
#include "http/accesslog.h"
#include "render/cache.h"

struct gz_config;
struct gz_server;
struct sockaddr;

/* ---- metrics -----------------------------------------------------------------
 * Counters are written by one thread only (an event loop, or the flusher)
 * and summed by whoever serves /metrics: a relaxed load and store, never a
 * locked read-modify-write, so counting costs what a plain increment does. */

static inline void gz_stat_add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline uint64_t gz_stat_get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
}

/* A latency histogram with the bucket bounds of gz_hist_bounds_ns (0.5 ms to
 * 1 s); the last bucket is +Inf. Counts are per bucket, not cumulative. */
#define GZ_HIST_BUCKETS 12
extern const uint64_t gz_hist_bounds_ns[GZ_HIST_BUCKETS - 1];

struct gz_hist {
    _Atomic uint64_t count[GZ_HIST_BUCKETS];
    _Atomic uint64_t sum_ns;
};

/* One writer per histogram. */
static inline void gz_hist_observe(struct gz_hist *h, uint64_t ns)
{
    size_t i = 0;
    while (i < GZ_HIST_BUCKETS - 1 && ns > gz_hist_bounds_ns[i])
        i++;
    gz_stat_add(&h->count[i], 1);
    gz_stat_add(&h->sum_ns, ns);
}

/* Monotonic nanoseconds, for durations. */
uint64_t gz_now_ns(void);

/* Route labels: "other" (index 0) and the names given to
 * gz_server_add_named_handler. Statuses 100..599. */
#define GZ_ROUTES_MAX 24
#define GZ_STATUS_MIN 100
#define GZ_STATUS_SLOTS 500

/* What one event loop counted. */
struct gz_http_stats {
    _Atomic uint64_t requests[GZ_ROUTES_MAX][GZ_STATUS_SLOTS];
    struct gz_hist duration;
    _Atomic uint64_t accepted, closed; /* connections */
};

/* ---- address ranges (/metrics access) ------------------------------------- */

struct gz_cidr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    unsigned prefix;
};

struct gz_cidr_list {
    struct gz_cidr *items;
    size_t len;
};

/* Parses a comma-separated list of addresses or CIDR ranges
 * ("127.0.0.0/8, ::1/128"); spaces around items are ignored, an empty string
 * is an empty list. GZ_EINVAL with a reason in err. */
int gz_cidr_parse_list(const char *s, struct gz_cidr_list *out, char *err, size_t errlen);
void gz_cidr_list_clear(struct gz_cidr_list *l);
/* Whether the address is in one of the ranges (IPv4-mapped IPv6 addresses
 * match IPv4 ranges). */
int gz_cidr_match(const struct gz_cidr_list *l, const struct sockaddr *sa);

/* ---- the server --------------------------------------------------------------- */

/* One event loop and everything it owns. Only its own thread touches it,
 * except `stats` (read when /metrics is served). */
struct gz_worker {
    size_t index;
    struct gz_server *server;
    h2o_evloop_t *loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept;
    h2o_socket_t *listener;
    int listen_fd;
    pthread_t thread;
    struct gz_arena arena; /* per request: reset after each handler */
    void *app;             /* per-thread state of the application */
    struct gz_http_stats stats;
    struct gz_accesslog_buf accesslog;
    uint64_t requests_seen; /* numbers this loop's request ids */
    /* The connection limit: this loop's share of http.max_connections, the
     * connections it holds (struct conn in server.c, oldest first), whether
     * its listener is reading, and until when it waits after running out
     * of file descriptors (h2o_now milliseconds). */
    size_t max_conns, nconns;
    h2o_linklist_t conns;
    int accepting;
    uint64_t accept_again_at;
};

/* Request ids: ours are "PREFIX-LOOP-N" (a random per-process prefix, the
 * loop's index, a per-loop count, in hex); a client's X-Request-Id is kept
 * when it is 1 to GZ_REQUEST_ID_MAX bytes of letters, digits and -_.:+/=@ */
#define GZ_REQUEST_ID_MAX 64
int gz_http_request_id_ok(const char *p, size_t len);

/* A decoded request, as handlers see it. Slices point into the h2o request
 * or the worker's arena; valid during the handler call. */
struct gz_request {
    h2o_req_t *req;
    struct gz_worker *worker;
    struct gz_str path;       /* percent-decoded path, no query */
    struct gz_str query;      /* raw query string without '?', may be empty */
    struct gz_str request_id; /* also sent as x-request-id; NUL-terminated */
    int is_head;
    /* Where gz_http_send_page keeps its reference on the page it sends: the
     * request's own bookkeeping, released with it, so sending a cached page
     * allocates nothing. NULL outside the server (then it allocates). */
    struct gz_page **page_ref;
    /* Set by a page's render when the store did not answer (the page is
     * then served from the cache, stale, or 503): gz_site_store_failed. */
    int store_failed;
};

typedef int (*gz_handler_fn)(void *ctx, struct gz_request *r);

struct gz_server_hooks {
    /* Called in each worker thread before its loop starts / after it ends. */
    int (*thread_start)(void *ctx, struct gz_worker *w);
    void (*thread_stop)(void *ctx, struct gz_worker *w);
    /* Called by each worker between events: no shared pointer is held. */
    void (*quiescent)(void *ctx, struct gz_worker *w);
    /* Called on SIGHUP, in the thread that runs gz_server_run, after the
     * log files were reopened. May be NULL. */
    void (*reload)(void *ctx);
    void *ctx;
};

/* Creates a server for the config's listen address, port, limits, thread
 * count and access log (log.access, opened here). Binds the listeners now,
 * so a port in use is reported here. */
int gz_server_new(const struct gz_config *cfg, const struct gz_server_hooks *hooks,
                  struct gz_server **out, char *err, size_t errlen);
void gz_server_add_handler(struct gz_server *s, gz_handler_fn fn, void *ctx);
/* The same, and the requests this handler answers are counted under route
 * (a static string, e.g. "article") in the metrics. */
void gz_server_add_named_handler(struct gz_server *s, gz_handler_fn fn, void *ctx,
                                 const char *route);
size_t gz_server_threads(const struct gz_server *s);
/* Worker i (i < gz_server_threads), e.g. to read its stats. */
const struct gz_worker *gz_server_worker(const struct gz_server *s, size_t i);
/* The route labels: n of them, index 0 is "other". */
const char *const *gz_server_routes(const struct gz_server *s, size_t *n);
/* Runs the loops until SIGINT or SIGTERM; then stops
 * accepting, lets requests in flight finish (up to a grace period), writes
 * the access log out, and returns. SIGHUP reopens the error and access log
 * files and calls hooks.reload. */
int gz_server_run(struct gz_server *s);
/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread it starts
 * afterwards (gz_server_run takes them with sigwait). Call it before
 * starting any thread, so that no thread dies of them. */
void gz_server_block_signals(void);
void gz_server_free(struct gz_server *s);

/* ---- responses ------------------------------------------------------------ */

/* Sends a cached page: picks the encoding from Accept-Encoding, answers 304
 * when If-None-Match matches, sends no body to HEAD. Holds a reference on the
 * page until the response is sent. Returns the status sent. */
int gz_http_send_page(struct gz_request *r, struct gz_page *page,
                      const char *cache_control);
/* Sends bytes that are copied into the request's memory. */
void gz_http_send(struct gz_request *r, int status, const char *reason,
                  const char *content_type, const char *body, size_t len);
/* 304 Not Modified for a representation of len bytes; no body. */
void gz_http_send_not_modified(struct gz_request *r, size_t len);
/* A short plain-text error, e.g. 405, 413. */
void gz_http_send_error(struct gz_request *r, int status, const char *reason);
/* Adds a response header (name lower-case; both copied). Call before the
 * send. */
void gz_http_add_header(struct gz_request *r, const char *name, const char *value);
/* 301/302/303/308 to location (copied). */
void gz_http_redirect(struct gz_request *r, int status, const char *location, size_t len);
/* Whether the client's address is in the list. */
int gz_http_peer_in(struct gz_request *r, const struct gz_cidr_list *l);
/* Header value of the request, or {NULL,0}. */
struct gz_str gz_http_header(struct gz_request *r, const h2o_token_t *token);
struct gz_str gz_http_header_str(struct gz_request *r, const char *name);
/* Chooses an encoding the client accepts and the page has. */
enum gz_encoding gz_http_pick_encoding(struct gz_str accept_encoding,
                                       const struct gz_page *page);
/* Does an If-None-Match header value match the given ETag? */
int gz_http_etag_matches(struct gz_str if_none_match, const char *etag, size_t len);
/* Percent-decodes src into dst (capacity cap). Fails (GZ_EINVAL) on bad
 * escapes, on NUL, or if the result does not fit. Sets *len. */
int gz_http_decode_path(const char *src, size_t n, char *dst, size_t cap, size_t *len);

#endif
