/* The server: listeners, event loops, limits and graceful shutdown. */
#include "http/http.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

#define MAX_HANDLERS 16
/* Requests in flight get this long to finish after a stop request. */
#define SHUTDOWN_GRACE_MS 10000
/* The longest an idle loop sleeps: bounds how long a loop takes to notice a
 * stop request and to report a quiescent state. */
#define LOOP_TICK_MS 100
/* During a stop, a connection silent this long is closed. */
#define SHUTDOWN_IDLE_MS 500

struct handler {
    gz_handler_fn fn;
    void *ctx;
};

/* h2o's handler, carrying our dispatcher. */
struct dispatch {
    h2o_handler_t super;
    struct gz_server *server;
};

struct gz_server {
    h2o_globalconf_t globalconf;
    h2o_hostconf_t *hostconf;
    struct gz_server_hooks hooks;
    struct handler handlers[MAX_HANDLERS];
    size_t nhandlers;
    size_t nworkers;
    struct gz_worker *workers;
    size_t max_header;
    size_t max_uri;
    _Atomic int stopping;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- request dispatch ----------------------------------------------------- */

static size_t header_bytes(const h2o_req_t *req)
{
    size_t n = 0;
    for (size_t i = 0; i < req->headers.size; i++)
        n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
    return n;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    struct gz_server *s = ((struct dispatch *)self)->server;
    struct gz_worker *w = (struct gz_worker *)((char *)req->conn->ctx -
                                               offsetof(struct gz_worker, ctx));
    struct gz_request r = {.req = req, .worker = w};

    if (req->input.path.len > s->max_uri) {
        gz_http_send_error(&r, 414, "URI Too Long");
        return 0;
    }
    /* h2o 2.2.5's own header limit is a compile-time ~400 KB; enforce ours. */
    if (header_bytes(req) > s->max_header) {
        gz_http_send_error(&r, 431, "Request Header Fields Too Large");
        return 0;
    }
    /* Request smuggling: h2o 2.2.5 accepts a body framed both by
     * Content-Length and Transfer-Encoding, or by two Content-Lengths, and
     * hides those headers from us. An intermediary may have framed it the
     * other way, so whatever follows on this connection cannot be trusted:
     * answer, then close. No page of the public site takes a body. */
    if (req->entity.base)
        req->http1_is_persistent = 0;
    size_t plen = req->path.len;
    if (req->query_at != SIZE_MAX) {
        plen = req->query_at;
        r.query.p = req->path.base + req->query_at + 1;
        r.query.len = req->path.len - req->query_at - 1;
    }
    char *decoded = gz_arena_alloc(&w->arena, plen + 1);
    size_t dlen;
    if (plen == 0 || req->path.base[0] != '/' ||
        gz_http_decode_path(req->path.base, plen, decoded, plen + 1, &dlen)) {
        gz_http_send_error(&r, 400, "Bad Request");
        goto out;
    }
    r.path.p = decoded;
    r.path.len = dlen;
    r.is_head = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));

    for (size_t i = 0; i < s->nhandlers; i++)
        if (s->handlers[i].fn(s->handlers[i].ctx, &r) != GZ_DECLINED)
            goto out;
    gz_http_send_error(&r, 404, "Not Found");
out:
    gz_arena_reset(&w->arena);
    return 0;
}

/* ---- listeners and loops -------------------------------------------------- */

/* Binds one listening socket. With reuseport, several sockets share the
 * port (one per event loop; the kernel spreads connections); without it,
 * the bind fails if anything listens there already. */
static int bind_listener(const char *host, int port, int reuseport, int *fd_out, char *err,
                         size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "listen address %s: %s", host, gai_strerror(rc));
        return GZ_EINVAL;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
        (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on)) ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) ||
        bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 4096)) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return GZ_EIO;
    }
    freeaddrinfo(res);
    *fd_out = fd;
    return GZ_OK;
}

/* SO_REUSEPORT would let a second gazette (same user) share a port already
 * served, splitting the traffic silently. A plain bind first proves the
 * port free. */
static int check_port_free(const char *host, int port, char *err, size_t errlen)
{
    int fd;
    int rc = bind_listener(host, port, 0, &fd, err, errlen);
    if (rc == GZ_OK)
        close(fd);
    return rc;
}

static void on_accept(h2o_socket_t *listener, const char *error)
{
    struct gz_worker *w = listener->data;
    if (error)
        return;
    /* Accept a few per wake-up so one loop does not starve the other. */
    for (int i = 0; i < 16; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (!sock)
            break;
        h2o_accept(&w->accept, sock);
    }
}

static void quiescent(struct gz_server *s, struct gz_worker *w)
{
    if (s->hooks.quiescent)
        s->hooks.quiescent(s->hooks.ctx, w);
}

static void *worker_main(void *arg)
{
    struct gz_worker *w = arg;
    struct gz_server *s = w->server;
    w->loop = h2o_evloop_create();
    h2o_context_init(&w->ctx, w->loop, &s->globalconf);
    w->accept.ctx = &w->ctx;
    w->accept.hosts = s->globalconf.hosts;
    gz_arena_init(&w->arena, 16384);
    if (s->hooks.thread_start && s->hooks.thread_start(s->hooks.ctx, w)) {
        gz_error("worker %zu failed to start", w->index);
        return NULL;
    }
    w->listener = h2o_evloop_socket_create(w->loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    w->listener->data = w;
    h2o_socket_read_start(w->listener, on_accept);

    while (!atomic_load_explicit(&s->stopping, memory_order_relaxed)) {
        h2o_evloop_run(w->loop, LOOP_TICK_MS);
        quiescent(s, w);
    }

    /* Graceful stop: no new connections; idle keep-alive connections are
     * closed; requests in flight are answered, for up to the grace period.
     * h2o 2.2.5 has no public connection count, so this reads the context's
     * list of HTTP/1 connections. */
    h2o_socket_read_stop(w->listener);
    h2o_socket_close(w->listener);
    h2o_context_request_shutdown(&w->ctx);
    /* h2o 2.2.5 leaves idle HTTP/1 keep-alive connections open until their
     * idle timeout. Shortening the timeout closes them within a tick; a
     * request still being read or answered gets this long of silence. */
    w->ctx.http1.req_timeout.timeout = SHUTDOWN_IDLE_MS;
    int64_t deadline = now_ms() + SHUTDOWN_GRACE_MS;
    while (!h2o_linklist_is_empty(&w->ctx.http1._conns) && now_ms() < deadline) {
        h2o_evloop_run(w->loop, LOOP_TICK_MS);
        quiescent(s, w);
    }
    /* Sockets closed in the last round free their memory in the next. */
    for (int i = 0; i < 3; i++) {
        h2o_evloop_run(w->loop, 10);
        quiescent(s, w);
    }
    if (s->hooks.thread_stop)
        s->hooks.thread_stop(s->hooks.ctx, w);
    gz_arena_free(&w->arena);
    /* h2o_context_request_shutdown arms an HTTP/2 graceful-shutdown timer
     * even with HTTP/2 off; h2o_context_dispose asserts that no timer is
     * armed, so disarm it first. */
    if (h2o_timeout_is_linked(&w->ctx.http2._graceful_shutdown_timeout))
        h2o_timeout_unlink(&w->ctx.http2._graceful_shutdown_timeout);
    h2o_context_dispose(&w->ctx);
    h2o_evloop_destroy(w->loop);
    return NULL;
}

int gz_server_new(const struct gz_config *cfg, const struct gz_server_hooks *hooks,
                  struct gz_server **out, char *err, size_t errlen)
{
    struct gz_server *s = gz_xcalloc(1, sizeof(*s));
    if (hooks)
        s->hooks = *hooks;
    s->max_header = cfg->max_header;
    s->max_uri = cfg->max_uri;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    s->nworkers = cfg->threads > 0 ? (size_t)cfg->threads : (ncpu > 0 ? (size_t)ncpu : 1);

    h2o_config_init(&s->globalconf);
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("gazette"));
    s->globalconf.max_request_entity_size = cfg->max_body;
    s->globalconf.http1.req_timeout = (uint64_t)cfg->idle_timeout_ms;
    /* No HTTP/2, not even by "Upgrade: h2c": docs/decisions/0002. */
    s->globalconf.http1.upgrade_to_http2 = 0;
    s->globalconf.http2.idle_timeout = (uint64_t)cfg->idle_timeout_ms;
    s->hostconf = h2o_config_register_host(&s->globalconf,
                                           h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pathconf = h2o_config_register_path(s->hostconf, "/", 0);
    struct dispatch *d = (struct dispatch *)h2o_create_handler(pathconf, sizeof(*d));
    d->super.on_req = on_req;
    d->server = s;

    s->workers = gz_xcalloc(s->nworkers, sizeof(*s->workers));
    if (check_port_free(cfg->listen, cfg->port, err, errlen)) {
        gz_server_free(s);
        return GZ_EIO;
    }
    for (size_t i = 0; i < s->nworkers; i++) {
        s->workers[i].index = i;
        s->workers[i].server = s;
        s->workers[i].listen_fd = -1;
        if (bind_listener(cfg->listen, cfg->port, 1, &s->workers[i].listen_fd, err, errlen)) {
            gz_server_free(s);
            return GZ_EIO;
        }
    }
    *out = s;
    return GZ_OK;
}

void gz_server_add_handler(struct gz_server *s, gz_handler_fn fn, void *ctx)
{
    if (s->nhandlers == MAX_HANDLERS)
        abort(); /* a programming error, not input */
    s->handlers[s->nhandlers++] = (struct handler){fn, ctx};
}

size_t gz_server_threads(const struct gz_server *s)
{
    return s->nworkers;
}

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

void gz_server_block_signals(void)
{
    sigset_t set;
    stop_signals(&set);
    signal(SIGPIPE, SIG_IGN);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int gz_server_run(struct gz_server *s)
{
    sigset_t set;
    stop_signals(&set);
    /* Threads inherit the mask: only this thread takes SIGINT/SIGTERM, by
     * sigwait. The mask stays in place after the loops stop, so a second
     * signal during the final flush is held, not fatal. */
    gz_server_block_signals();
    for (size_t i = 0; i < s->nworkers; i++)
        pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]);
    while (!atomic_load(&s->stopping)) {
        int sig;
        if (sigwait(&set, &sig) == 0) {
            gz_info("received %s: finishing requests in flight",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
            atomic_store(&s->stopping, 1);
        }
    }
    for (size_t i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i].thread, NULL);
    return GZ_OK;
}

void gz_server_stop(struct gz_server *s)
{
    atomic_store(&s->stopping, 1);
    kill(getpid(), SIGTERM);
}

void gz_server_free(struct gz_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nworkers; i++)
        if (s->workers[i].listen_fd >= 0 && !s->workers[i].listener)
            close(s->workers[i].listen_fd);
    free(s->workers);
    h2o_config_dispose(&s->globalconf);
    free(s);
}
