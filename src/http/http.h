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
#include "render/cache.h"

struct gz_config;
struct gz_server;

/* One event loop and everything it owns. Only its own thread touches it,
 * except `counters` (read by the flusher). */
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
};

/* A decoded request, as handlers see it. Slices point into the h2o request
 * or the worker's arena; valid during the handler call. */
struct gz_request {
    h2o_req_t *req;
    struct gz_worker *worker;
    struct gz_str path;   /* percent-decoded path, no query */
    struct gz_str query;  /* raw query string without '?', may be empty */
    int is_head;
};

typedef int (*gz_handler_fn)(void *ctx, struct gz_request *r);

struct gz_server_hooks {
    /* Called in each worker thread before its loop starts / after it ends. */
    int (*thread_start)(void *ctx, struct gz_worker *w);
    void (*thread_stop)(void *ctx, struct gz_worker *w);
    /* Called by each worker between events: no shared pointer is held. */
    void (*quiescent)(void *ctx, struct gz_worker *w);
    void *ctx;
};

/* Creates a server for the config's listen address, port, limits and thread
 * count. Binds the listeners now, so a port in use is reported here. */
int gz_server_new(const struct gz_config *cfg, const struct gz_server_hooks *hooks,
                  struct gz_server **out, char *err, size_t errlen);
void gz_server_add_handler(struct gz_server *s, gz_handler_fn fn, void *ctx);
size_t gz_server_threads(const struct gz_server *s);
/* Runs the loops until gz_server_stop(); then stops accepting, lets requests
 * in flight finish (up to a grace period), and returns. */
int gz_server_run(struct gz_server *s);
/* Async-signal-safe. */
void gz_server_stop(struct gz_server *s);
/* Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
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
/* 301/302 to location (copied). */
void gz_http_redirect(struct gz_request *r, int status, const char *location, size_t len);
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
