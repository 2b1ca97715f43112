/* The server: listeners, event loops, limits and graceful shutdown. */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

#define MAX_HANDLERS 32
/* Requests in flight get this long to finish after a stop request. */
#define SHUTDOWN_GRACE_MS 10000
/* The longest an idle loop sleeps: bounds how long a loop takes to notice a
 * stop request and to report a quiescent state. */
#define LOOP_TICK_MS 100
/* During a stop, a connection silent this long is closed. */
#define SHUTDOWN_IDLE_MS 500
/* Out of file descriptors, a loop stops accepting this long: the listener
 * stays readable, and retrying at once would spin the loop. */
#define NOFD_PAUSE_MS 100
/* ... and says so once per episode: after this long without a pause. */
#define NOFD_QUIET_MS 10000
/* When clients wait in the backlog, a connection accepted this long ago
 * that has sent nothing is closed (make_room); at most EVICT_BATCH of them
 * per loop and turn. */
#define EVICT_SILENT_MS 250
#define EVICT_BATCH 64

struct handler {
    gz_handler_fn fn;
    void *ctx;
    uint8_t route; /* index into gz_server.routes */
};

/* h2o's handler, carrying our dispatcher. */
struct dispatch {
    h2o_handler_t super;
    struct gz_server *server;
};

/* h2o's logger on the fallback path: logs what h2o answers by itself. */
struct fallback_logger {
    h2o_logger_t super;
    struct gz_server *server;
};

struct gz_server {
    h2o_globalconf_t globalconf;
    h2o_hostconf_t *hostconf;
    struct gz_server_hooks hooks;
    struct handler handlers[MAX_HANDLERS];
    size_t nhandlers;
    const char *routes[GZ_ROUTES_MAX];
    size_t nroutes;
    size_t nworkers;
    struct gz_worker *workers;
    size_t max_header;
    size_t max_uri;
    size_t max_body;                /* every path but the upload ones */
    struct gz_accesslog *accesslog; /* NULL when off */
    char id_prefix[16];             /* random, per process */
    _Atomic int stopping;
};

const uint64_t gz_hist_bounds_ns[GZ_HIST_BUCKETS - 1] = {
    500000,   1000000,   2500000,   5000000,   10000000,   25000000,
    50000000, 100000000, 250000000, 500000000, 1000000000,
};

uint64_t gz_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int64_t now_ms(void)
{
    return (int64_t)(gz_now_ns() / 1000000);
}

static struct gz_worker *worker_of(h2o_req_t *req)
{
    return (struct gz_worker *)((char *)req->conn->ctx - offsetof(struct gz_worker, ctx));
}

/* ---- after the response: access log and metrics --------------------------- */

static struct gz_str header_value(const h2o_headers_t *h, const h2o_token_t *token)
{
    ssize_t i = h2o_find_header(h, token, -1);
    if (i < 0)
        return (struct gz_str){NULL, 0};
    return (struct gz_str){h->entries[i].value.base, h->entries[i].value.len};
}

static size_t peer_text(h2o_req_t *req, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    const void *addr = NULL;
    if (len && ss.ss_family == AF_INET)
        addr = &((struct sockaddr_in *)&ss)->sin_addr;
    else if (len && ss.ss_family == AF_INET6)
        addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
    if (!addr || !inet_ntop(ss.ss_family, addr, buf, (socklen_t)cap))
        return 0;
    return strlen(buf);
}

/* Counts the request and writes its access log line. Runs in the loop's
 * thread when h2o releases the request, so status and bytes are final. */
static void log_request(struct gz_worker *w, h2o_req_t *req, struct gz_str id,
                        size_t route, uint64_t duration_ns)
{
    int status = req->res.status;
    if (status >= GZ_STATUS_MIN && status < GZ_STATUS_MIN + GZ_STATUS_SLOTS)
        gz_stat_add(&w->stats.requests[route][status - GZ_STATUS_MIN], 1);
    gz_hist_observe(&w->stats.duration, duration_ns);
    if (!w->accesslog.log)
        return;

    char host[INET6_ADDRSTRLEN], date[40];
    struct gz_access_entry e = {.status = status,
                                .bytes = req->bytes_sent,
                                .request_id = id,
                                .duration_ns = duration_ns};
    e.host = (struct gz_str){host, peer_text(req, host, sizeof host)};
    if (req->processed_at.str) {
        e.date.p = req->processed_at.str->log;
        e.date.len = strlen(e.date.p);
    } else { /* answered before it was processed (e.g. 413) */
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        e.date = (struct gz_str){
            date, strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm)};
    }
    e.method = (struct gz_str){req->input.method.base, req->input.method.len};
    e.target = (struct gz_str){req->input.path.base, req->input.path.len};
    e.protocol = req->version == 0x100   ? GZ_STR("HTTP/1.0")
                 : req->version >= 0x200 ? GZ_STR("HTTP/2")
                                         : GZ_STR("HTTP/1.1");
    e.referer = header_value(&req->headers, H2O_TOKEN_REFERER);
    e.user_agent = header_value(&req->headers, H2O_TOKEN_USER_AGENT);
    gz_accesslog_add(&w->accesslog, &e, h2o_now(w->loop));
}

/* What a request handled by on_req carries until h2o releases it. Lives in
 * the request's pool; its dispose callback logs the request. */
struct req_note {
    h2o_req_t *req;
    struct gz_worker *worker;
    uint64_t start_ns;
    size_t route;
    size_t id_len;
    char id[GZ_REQUEST_ID_MAX + 1];
    struct gz_page *page; /* the cached page sent, if any (gz_request.page_ref) */
};

static void on_request_done(void *p)
{
    struct req_note *n = p;
    log_request(n->worker, n->req, (struct gz_str){n->id, n->id_len}, n->route,
                gz_now_ns() - n->start_ns);
    if (n->page)
        gz_page_unref(n->page);
}

static void on_h2o_answered(h2o_logger_t *self, h2o_req_t *req)
{
    struct timeval end;
    gettimeofday(&end, NULL);
    int64_t us =
        ((int64_t)end.tv_sec - req->timestamps.request_begin_at.tv_sec) * 1000000 +
        (end.tv_usec - req->timestamps.request_begin_at.tv_usec);
    if (req->timestamps.request_begin_at.tv_sec == 0 || us < 0)
        us = 0;
    log_request(worker_of(req), req, GZ_STR("-"), 0, (uint64_t)us * 1000);
}

/* ---- request ids ------------------------------------------------------------ */

int gz_http_request_id_ok(const char *p, size_t len)
{
    if (len == 0 || len > GZ_REQUEST_ID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr("-_.:+/=@", c)))
            return 0;
    }
    return 1;
}

static size_t put_hex(char *out, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = hex[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* The client's id when it is well-formed, else a new one. */
static void assign_id(struct gz_server *s, struct gz_worker *w, h2o_req_t *req,
                      struct req_note *n)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
    if (i >= 0 && gz_http_request_id_ok(req->headers.entries[i].value.base,
                                        req->headers.entries[i].value.len)) {
        n->id_len = req->headers.entries[i].value.len;
        memcpy(n->id, req->headers.entries[i].value.base, n->id_len);
    } else {
        size_t len = strlen(s->id_prefix);
        memcpy(n->id, s->id_prefix, len);
        n->id[len++] = '-';
        len += put_hex(n->id + len, w->index);
        n->id[len++] = '-';
        len += put_hex(n->id + len, ++w->requests_seen);
        n->id_len = len;
    }
    n->id[n->id_len] = '\0';
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0,
                          NULL, n->id, n->id_len);
}

/* ---- request dispatch ----------------------------------------------------- */

static size_t header_bytes(const h2o_req_t *req)
{
    size_t n = 0;
    for (size_t i = 0; i < req->headers.size; i++)
        n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
    return n;
}

/* The paths that take files: their bodies may reach media.max_bytes (the
 * handlers check the file itself). */
static int is_upload_path(h2o_iovec_t path)
{
    static const char *const prefixes[] = {"/admin/media", "/api/v1/media"};
    for (size_t i = 0; i < GZ_COUNTOF(prefixes); i++) {
        size_t n = strlen(prefixes[i]);
        if (path.len >= n && !memcmp(path.base, prefixes[i], n) &&
            (path.len == n || path.base[n] == '/' || path.base[n] == '?'))
            return 1;
    }
    return 0;
}

static void dispatch(struct gz_server *s, struct gz_request *r, struct req_note *note)
{
    h2o_req_t *req = r->req;
    struct gz_worker *w = r->worker;
    if (req->input.path.len > s->max_uri) {
        gz_http_send_error(r, 414, "URI Too Long");
        return;
    }
    /* h2o 2.2.5's own header limit is a compile-time ~400 KB; enforce ours. */
    if (header_bytes(req) > s->max_header) {
        gz_http_send_error(r, 431, "Request Header Fields Too Large");
        return;
    }
    /* Request smuggling: h2o 2.2.5 accepts a body framed both by
     * Content-Length and Transfer-Encoding, or by two Content-Lengths, and
     * hides those headers from us. An intermediary may have framed it the
     * other way, so whatever follows on this connection cannot be trusted:
     * answer, then close. No page of the public site takes a body. */
    if (req->entity.base)
        req->http1_is_persistent = 0;
    if (req->entity.len > s->max_body && !is_upload_path(req->path)) {
        static const char problem[] =
            "{\"type\":\"urn:gazette:problem:too-large\",\"title\":\"Payload Too Large\",\"status\":413,"
            "\"detail\":\"The request body is larger than http.max_body allows.\"}\n";
        /* The API answers every error as problem+json (RFC 9457). */
        if (req->path.len >= 5 && !memcmp(req->path.base, "/api/", 5)) {
            req->http1_is_persistent = 0;
            gz_http_send(r, 413, "Payload Too Large", "application/problem+json", problem,
                         sizeof problem - 1);
        } else {
            gz_http_send_error(r, 413, "Payload Too Large");
        }
        return;
    }
    size_t plen = req->path.len;
    if (req->query_at != SIZE_MAX) {
        plen = req->query_at;
        r->query.p = req->path.base + req->query_at + 1;
        r->query.len = req->path.len - req->query_at - 1;
    }
    char *decoded = gz_arena_alloc(&w->arena, plen + 1);
    size_t dlen;
    if (plen == 0 || req->path.base[0] != '/' ||
        gz_http_decode_path(req->path.base, plen, decoded, plen + 1, &dlen)) {
        gz_http_send_error(r, 400, "Bad Request");
        return;
    }
    r->path.p = decoded;
    r->path.len = dlen;
    r->is_head = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));

    for (size_t i = 0; i < s->nhandlers; i++)
        if (s->handlers[i].fn(s->handlers[i].ctx, r) != GZ_DECLINED) {
            note->route = s->handlers[i].route;
            return;
        }
    gz_http_send_error(r, 404, "Not Found");
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    struct gz_server *s = ((struct dispatch *)self)->server;
    struct gz_worker *w = worker_of(req);
    struct req_note *note =
        h2o_mem_alloc_shared(&req->pool, sizeof(*note), on_request_done);
    note->req = req;
    note->worker = w;
    note->start_ns = gz_now_ns();
    note->route = 0;
    assign_id(s, w, req, note);
    struct gz_request r = {.req = req, .worker = w};
    r.request_id = (struct gz_str){note->id, note->id_len};
    note->page = NULL;
    r.page_ref = &note->page;
    /* Error-log lines written while handling the request carry its id. */
    gz_log_set_request_id(note->id);
    gz_debug("%.*s %.*s", (int)req->input.method.len, req->input.method.base,
             (int)req->input.path.len, req->input.path.base);
    dispatch(s, &r, note);
    gz_log_set_request_id(NULL);
    gz_arena_reset(&w->arena);
    return 0;
}

int gz_http_peer_in(struct gz_request *r, const struct gz_cidr_list *l)
{
    struct sockaddr_storage ss;
    h2o_conn_t *conn = r->req->conn;
    if (!conn->callbacks->get_peername(conn, (struct sockaddr *)&ss))
        return 0;
    return gz_cidr_match(l, (struct sockaddr *)&ss);
}

/* ---- listeners and loops -------------------------------------------------- */

/* Binds one listening socket. With reuseport, several sockets share the
 * port (one per event loop; the kernel spreads connections); without it,
 * the bind fails if anything listens there already. */
static int bind_listener(const char *host, int port, int reuseport, int *fd_out,
                         char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
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

/* ---- the connection limit ------------------------------------------------- */

/* A connection a loop accepted, until h2o closes its socket. */
struct conn {
    h2o_linklist_t link; /* in gz_worker.conns, oldest first */
    h2o_socket_t *sock;
    struct gz_worker *worker;
    uint64_t accepted_at; /* h2o_now */
    int evicted;
};

static void on_accept(h2o_socket_t *listener, const char *error);

/* A loop accepts while under its share of the limit and not waiting after
 * EMFILE. Above it, new connections wait in the kernel's backlog (one
 * accepted but never read would only hold a descriptor). */
static void update_accepting(struct gz_worker *w)
{
    if (!w->listener)
        return; /* stopping: the listener is closed */
    int want = w->nconns < w->max_conns && h2o_now(w->loop) >= w->accept_again_at;
    if (want == w->accepting)
        return;
    w->accepting = want;
    if (want)
        h2o_socket_read_start(w->listener, on_accept);
    else
        h2o_socket_read_stop(w->listener);
}

/* h2o 2.2.5 keeps no connection count we could read from another thread:
 * each loop counts the sockets it accepted and those closed. */
static void on_socket_close(void *data)
{
    struct conn *c = data;
    struct gz_worker *w = c->worker;
    gz_stat_add(&w->stats.closed, 1);
    h2o_linklist_unlink(&c->link);
    free(c);
    w->nconns--;
    update_accepting(w);
}

static void track(struct gz_worker *w, h2o_socket_t *sock)
{
    struct conn *c = gz_xcalloc(1, sizeof(*c));
    c->sock = sock;
    c->worker = w;
    c->accepted_at = h2o_now(w->loop);
    h2o_linklist_insert(&w->conns, &c->link);
    w->nconns++;
    gz_stat_add(&w->stats.accepted, 1);
    sock->on_close.cb = on_socket_close;
    sock->on_close.data = c;
}

/* accept() failed for want of descriptors or memory: pause. */
static void out_of_fds(struct gz_worker *w, int err)
{
    uint64_t now = h2o_now(w->loop);
    if (now >= w->accept_again_at + NOFD_QUIET_MS)
        gz_warn("loop %zu cannot accept connections (%s); pausing accepts for %d ms",
                w->index, strerror(err), NOFD_PAUSE_MS);
    w->accept_again_at = now + NOFD_PAUSE_MS;
}

static void on_accept(h2o_socket_t *listener, const char *error)
{
    struct gz_worker *w = listener->data;
    if (error)
        return;
    /* Accept a few per wake-up so one loop does not starve the other. */
    for (int i = 0; i < 16 && w->nconns < w->max_conns; i++) {
        errno = 0;
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (!sock) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                out_of_fds(w, errno);
            break;
        }
        track(w, sock);
        h2o_accept(&w->accept, sock);
    }
    update_accepting(w);
}

static int backlog_waiting(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* A loop that cannot accept (at its share, or out of descriptors) while
 * clients wait in the backlog closes the oldest connections that have not
 * sent a byte since they were accepted EVICT_SILENT_MS ago. Otherwise a
 * flood of silent connections would delay a real client by the idle
 * timeout times the flood's multiple of the limit (the backlog is first
 * come, first served). A real client that waited in the backlog has sent
 * its request by the time it is accepted. shutdown() rather than close():
 * h2o reads the end of the stream and closes the socket itself. Clients
 * that sent part of a request keep their slot until the idle timeout. */
static void make_room(struct gz_worker *w)
{
    if (w->accepting || !backlog_waiting(w->listen_fd))
        return;
    uint64_t now = h2o_now(w->loop);
    size_t closed = 0;
    for (h2o_linklist_t *l = w->conns.next; l != &w->conns && closed < EVICT_BATCH;
         l = l->next) {
        struct conn *c = H2O_STRUCT_FROM_MEMBER(struct conn, link, l);
        if (now - c->accepted_at < EVICT_SILENT_MS)
            break; /* oldest first: the rest are younger */
        if (c->evicted || c->sock->bytes_read)
            continue;
        shutdown(h2o_socket_get_fd(c->sock), SHUT_RDWR);
        c->evicted = 1;
        closed++;
    }
}

static void quiescent(struct gz_server *s, struct gz_worker *w)
{
    gz_accesslog_tick(&w->accesslog, h2o_now(w->loop));
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
    gz_accesslog_buf_init(&w->accesslog, s->accesslog);
    if (s->hooks.thread_start && s->hooks.thread_start(s->hooks.ctx, w)) {
        gz_error("worker %zu failed to start", w->index);
        return NULL;
    }
    w->listener =
        h2o_evloop_socket_create(w->loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    w->listener->data = w;
    h2o_linklist_init_anchor(&w->conns);
    update_accepting(w);

    while (!atomic_load_explicit(&s->stopping, memory_order_relaxed)) {
        h2o_evloop_run(w->loop, LOOP_TICK_MS);
        update_accepting(w); /* the pause after EMFILE may be over */
        make_room(w);
        quiescent(s, w);
    }

    /* Graceful stop: no new connections; idle keep-alive connections are
     * closed; requests in flight are answered, for up to the grace period.
     * h2o 2.2.5 has no public connection count, so this reads the context's
     * list of HTTP/1 connections. */
    if (w->accepting)
        h2o_socket_read_stop(w->listener);
    h2o_socket_close(w->listener); /* and listen_fd with it */
    w->listener = NULL;
    w->listen_fd = -1;
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
    /* Every request has been released: its line is in the buffer. */
    gz_accesslog_buf_free(&w->accesslog);
    h2o_evloop_destroy(w->loop);
    return NULL;
}

/* Ten hex digits from the system's random source: ids of different runs
 * (and of several gazettes behind one proxy) do not collide. */
static void new_id_prefix(char *out, size_t cap)
{
    uint8_t r[5] = {0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        uint64_t t = gz_now_ns() ^ ((uint64_t)getpid() << 32);
        memcpy(r, &t, sizeof r);
    }
    snprintf(out, cap, "%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4]);
}

int gz_server_new(const struct gz_config *cfg, const struct gz_server_hooks *hooks,
                  struct gz_server **out, char *err, size_t errlen)
{
    struct gz_server *s = gz_xcalloc(1, sizeof(*s));
    if (hooks)
        s->hooks = *hooks;
    s->max_header = cfg->max_header;
    s->max_uri = cfg->max_uri;
    s->max_body = cfg->max_body;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    s->nworkers = cfg->threads > 0 ? (size_t)cfg->threads : (ncpu > 0 ? (size_t)ncpu : 1);

    h2o_config_init(&s->globalconf);
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("gazette"));
    /* h2o's own limit lets uploads through (a file plus its multipart
     * framing); dispatch holds every other path to max_body. */
    s->globalconf.max_request_entity_size =
        cfg->max_body > cfg->media_max_bytes + 65536 ? cfg->max_body
                                                     : cfg->media_max_bytes + 65536;
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
    /* Requests h2o answers without asking us (a body over max_body, a
     * target that is not a path) end on the fallback path. */
    struct fallback_logger *fl = (struct fallback_logger *)h2o_create_logger(
        &s->hostconf->fallback_path, sizeof(*fl));
    fl->super.log_access = on_h2o_answered;
    fl->server = s;
    s->routes[s->nroutes++] = "other";
    new_id_prefix(s->id_prefix, sizeof s->id_prefix);

    size_t share = ((size_t)cfg->max_connections + s->nworkers - 1) / s->nworkers;
    s->workers = gz_xcalloc(s->nworkers, sizeof(*s->workers));
    if (check_port_free(cfg->listen, cfg->port, err, errlen)) {
        gz_server_free(s);
        return GZ_EIO;
    }
    for (size_t i = 0; i < s->nworkers; i++) {
        s->workers[i].index = i;
        s->workers[i].server = s;
        s->workers[i].listen_fd = -1;
        s->workers[i].max_conns = share;
        if (bind_listener(cfg->listen, cfg->port, 1, &s->workers[i].listen_fd, err,
                          errlen)) {
            gz_server_free(s);
            return GZ_EIO;
        }
    }
    if (gz_accesslog_open(cfg->access_log, &s->accesslog, err, errlen)) {
        gz_server_free(s);
        return GZ_EINVAL;
    }
    *out = s;
    return GZ_OK;
}

void gz_server_add_named_handler(struct gz_server *s, gz_handler_fn fn, void *ctx,
                                 const char *route)
{
    if (s->nhandlers == MAX_HANDLERS)
        abort(); /* a programming error, not input */
    size_t i = 0;
    while (i < s->nroutes && strcmp(s->routes[i], route))
        i++;
    if (i == s->nroutes) {
        if (s->nroutes == GZ_ROUTES_MAX)
            abort(); /* likewise */
        s->routes[s->nroutes++] = route;
    }
    s->handlers[s->nhandlers++] = (struct handler){fn, ctx, (uint8_t)i};
}

void gz_server_add_handler(struct gz_server *s, gz_handler_fn fn, void *ctx)
{
    gz_server_add_named_handler(s, fn, ctx, "other");
}

size_t gz_server_threads(const struct gz_server *s)
{
    return s->nworkers;
}

const struct gz_worker *gz_server_worker(const struct gz_server *s, size_t i)
{
    return &s->workers[i];
}

const char *const *gz_server_routes(const struct gz_server *s, size_t *n)
{
    *n = s->nroutes;
    return s->routes;
}

static void server_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void gz_server_block_signals(void)
{
    sigset_t set;
    server_signals(&set);
    signal(SIGPIPE, SIG_IGN);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* SIGHUP: logrotate has renamed the log files; open them again by name.
 * Then the application reloads what it can (the theme). */
static void reload(struct gz_server *s)
{
    gz_info("received SIGHUP: reopening log files and reloading");
    gz_log_reopen();
    gz_accesslog_reopen(s->accesslog);
    if (s->hooks.reload)
        s->hooks.reload(s->hooks.ctx);
}

int gz_server_run(struct gz_server *s)
{
    sigset_t set;
    server_signals(&set);
    /* Threads inherit the mask: only this thread takes SIGINT/SIGTERM/SIGHUP,
     * by sigwait. The mask stays in place after the loops stop, so a second
     * signal during the final flush is held, not fatal. */
    gz_server_block_signals();
    for (size_t i = 0; i < s->nworkers; i++)
        pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]);
    while (!atomic_load(&s->stopping)) {
        int sig;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(s);
            continue;
        }
        gz_info("received %s: finishing requests in flight",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
        atomic_store(&s->stopping, 1);
    }
    for (size_t i = 0; i < s->nworkers; i++)
        pthread_join(s->workers[i].thread, NULL);
    return GZ_OK;
}

void gz_server_free(struct gz_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nworkers; i++)
        if (s->workers[i].listen_fd >= 0 && !s->workers[i].listener)
            close(s->workers[i].listen_fd);
    free(s->workers);
    gz_accesslog_close(s->accesslog);
    h2o_config_dispose(&s->globalconf);
    free(s);
}
