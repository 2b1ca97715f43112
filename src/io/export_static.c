/* gazette export static: opens the site in this process on a loopback
 * port, fetches every URL the store lists (export_urls.c) with a few
 * keep-alive connections, and writes what the site answered into a folder
 * (export_files.c). The pages are therefore the live site's own bytes; the
 * exporter adds only the view beacon to article pages, points the search
 * form at the live site, and turns redirects into refresh pages
 * (docs/decisions/0011-static-export.md). */
#include "io/export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "io/exportInt.h"
#include "site/siteInt.h"

/* Keep-alive connections per event loop of the site: one renders while
 * the other's answer is written to disk. */
#define FETCHERS_PER_LOOP 2
#define FETCHERS_MAX 64
/* The page cache of the in-process site: every page is fetched once, so
 * a small cache keeps the export's memory flat. */
#define EXPORT_CACHE_MB 1
/* Uploaded files are copied whole; the media handler serves at most this. */
#define MEDIA_MAX ((size_t)64 << 20)

struct exporter {
    struct gz_export_out out;
    struct gz_export_jobs jobs;
    _Atomic size_t next;
    int port;
    const char *base_url;   /* no trailing slash */
    const char *beacon_url; /* "" for none */
    const char *assets_version;
    _Atomic size_t written, unchanged, skipped, failed, redirects;
};

/* ---- the site in this process ---------------------------------------- */

/* A free loopback port, found by binding port 0. Another process may take
 * it before the site binds it: the caller tries again then. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = -1;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof sa) &&
        !getsockname(fd, (struct sockaddr *)&sa, &len))
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void set(char **field, const char *v)
{
    free(*field);
    *field = gz_xstrdup(v);
}

/* The site as the export serves it to itself: loopback only, no access
 * log, quiet unless verbose, a small page cache, and the export's URL. */
static void export_config(struct gz_config *cfg, const char *base_url, int port,
                          int verbose)
{
    set(&cfg->listen, "127.0.0.1");
    cfg->port = port;
    set(&cfg->access_log, "off");
    set(&cfg->error_log, "stderr");
    set(&cfg->log_level, verbose ? "info" : "error");
    set(&cfg->site_url, base_url);
    if (cfg->cache_mb > EXPORT_CACHE_MB)
        cfg->cache_mb = EXPORT_CACHE_MB;
}

static int open_site(struct gz_config *cfg, const char *base_url, int verbose,
                     struct gz_site **site, int *port, char *err, size_t errlen)
{
    int rc = GZ_EIO;
    for (int attempt = 0; attempt < 5; attempt++) {
        struct gz_config copy;
        gz_config_defaults(&copy);
        *port = free_port();
        if (*port < 0) {
            gz_config_clear(&copy);
            snprintf(err, errlen, "cannot find a free loopback port");
            return GZ_EIO;
        }
        /* gz_site_open takes the config over, so each try gets its own. */
        for (size_t i = 0; i < gz_config_count(); i++) {
            struct gz_config_info info;
            char value[4096], why[256];
            gz_config_describe(i, &info);
            gz_config_set(&copy, info.name, gz_config_value(cfg, i, value, sizeof value),
                          why, sizeof why);
        }
        export_config(&copy, base_url, *port, verbose);
        rc = gz_site_open(&copy, site, err, errlen);
        gz_config_clear(&copy);
        if (rc == GZ_OK)
            gz_site_set_compress(*site, 0); /* the files are written as they are */
        if (rc == GZ_OK || !strstr(err, "cannot listen"))
            return rc;
    }
    return rc;
}

static void *serve_main(void *site)
{
    gz_site_serve(site);
    return NULL;
}

/* ---- one URL --------------------------------------------------------- */

/* Where a page of path lives so that a static server finds it:
 * "/" -> index.html, "/2026/05/slug" -> 2026/05/slug/index.html. */
static char *html_file(const char *path)
{
    const char *rel = path + 1;
    size_t n = strlen(rel);
    const char *tail = "/index.html";
    if (n == 0 || rel[n - 1] == '/')
        tail = "index.html";
    else if ((n > 5 && !strcmp(rel + n - 5, ".html")) ||
             (n > 4 && !strcmp(rel + n - 4, ".htm")))
        tail = "";
    size_t t = strlen(tail);
    char *out = gz_xmalloc(n + t + 1);
    memcpy(out, rel, n);
    memcpy(out + n, tail, t + 1);
    return out;
}

static int put(struct exporter *x, struct gz_export_job *job, char *rel,
               const char *bytes, size_t len, size_t tag)
{
    if (!gz_export_rel_ok(rel)) {
        gz_warn("export: %s cannot be a file; skipped", job->path);
        free(rel);
        atomic_fetch_add(&x->skipped, 1);
        return GZ_OK;
    }
    enum gz_put r = gz_export_put(&x->out, rel, bytes, len, job->hash, tag);
    if (r == GZ_PUT_FAILED) {
        gz_error("export: cannot write %s/%s: %s", x->out.dir, rel, strerror(errno));
        free(rel);
        atomic_fetch_add(&x->failed, 1);
        return GZ_EIO;
    }
    job->rel = rel;
    atomic_fetch_add(r == GZ_PUT_WRITTEN ? &x->written : &x->unchanged, 1);
    return GZ_OK;
}

/* Replaces every `from` in b (from offset 0) by `to`. */
static void replace_all(struct gz_buf *b, const char *from, const char *to)
{
    size_t flen = strlen(from);
    char *hit = memmem(b->p, b->len, from, flen);
    if (!hit)
        return;
    struct gz_buf out;
    gz_buf_init(&out, b->len * 2 + 65536);
    const char *at = b->p;
    for (; hit; hit = memmem(at, (size_t)(b->p + b->len - at), from, flen)) {
        gz_buf_append(&out, at, (size_t)(hit - at));
        gz_buf_puts(&out, to);
        at = hit + flen;
    }
    gz_buf_append(&out, at, (size_t)(b->p + b->len - at));
    gz_buf_free(b);
    *b = out;
}

/* What the export adds to a page of the live site: the search form goes
 * to the live site (a static host has no search), and an article loads
 * the beacon that counts its view there. An external script, not an
 * inline one, so that a Content-Security-Policy of script-src 'self'
 * allows it. */
static void adapt_page(const struct exporter *x, const struct gz_export_job *job,
                       struct gz_buf *b)
{
    if (!*x->beacon_url)
        return;
    struct gz_buf attr;
    gz_buf_init(&attr, 16384);
    gz_buf_puts(&attr, "action=\"");
    gz_buf_put_html(&attr, x->beacon_url, strlen(x->beacon_url));
    gz_buf_puts(&attr, "/search\"");
    replace_all(b, "action=\"/search\"", attr.p);
    if (job->kind == GZ_JOB_ARTICLE) {
        gz_buf_reset(&attr);
        gz_buf_printf(&attr, "<script src=\"/assets/beacon.js?v=%s\" data-beacon-url=\"",
                      x->assets_version);
        gz_buf_put_html(&attr, x->beacon_url, strlen(x->beacon_url));
        gz_buf_printf(&attr, "\" data-article-id=\"%lld\" defer></script>\n",
                      (long long)job->id);
        char *body = b->len ? memmem(b->p, b->len, "</body>", 7) : NULL;
        size_t at = body ? (size_t)(body - b->p) : b->len;
        struct gz_buf out;
        gz_buf_init(&out, b->len + attr.len + 1);
        gz_buf_append(&out, b->p, at);
        gz_buf_append(&out, attr.p, attr.len);
        gz_buf_append(&out, b->p + at, b->len - at);
        gz_buf_free(b);
        *b = out;
    }
    gz_buf_free(&attr);
}

/* A refresh page standing for a redirect: a static host cannot answer
 * 301, so the page sends browsers on and tells search engines (canonical
 * link) where the content is. */
static void refresh_page(const struct exporter *x, const char *target, struct gz_buf *b)
{
    const char *prefix = target[0] == '/' && target[1] != '/' ? x->base_url : "";
    struct gz_buf url;
    gz_buf_init(&url, 16384);
    gz_buf_puts(&url, prefix);
    gz_buf_puts(&url, target);
    gz_buf_puts(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>Moved</title>\n<meta name=\"robots\" content=\"noindex\">\n"
                   "<link rel=\"canonical\" href=\"");
    gz_buf_put_html(b, url.p, url.len);
    gz_buf_puts(b, "\">\n<meta http-equiv=\"refresh\" content=\"0; url=");
    gz_buf_put_html(b, url.p, url.len);
    gz_buf_puts(b, "\">\n</head>\n<body>\n<p>This page has moved to <a href=\"");
    gz_buf_put_html(b, url.p, url.len);
    gz_buf_puts(b, "\">");
    gz_buf_put_html(b, url.p, url.len);
    gz_buf_puts(b, "</a>.</p>\n</body>\n</html>\n");
    gz_buf_free(&url);
}

/* Only this site's paths and http(s) URLs become refresh pages. */
static int target_ok(const char *t)
{
    if (t[0] == '/')
        return t[1] != '/';
    return !strncmp(t, "https://", 8) || !strncmp(t, "http://", 7);
}

static int export_redirect(struct exporter *x, struct gz_export_job *job,
                           const char *target, size_t tag)
{
    if (!target_ok(target)) {
        gz_warn("export: the redirect of %s goes to %s, not a URL; skipped", job->path,
                target);
        atomic_fetch_add(&x->skipped, 1);
        return GZ_OK;
    }
    struct gz_buf b;
    gz_buf_init(&b, 65536);
    refresh_page(x, target, &b);
    int rc = put(x, job, html_file(job->path), b.p, b.len, tag);
    gz_buf_free(&b);
    if (rc == GZ_OK && job->rel)
        atomic_fetch_add(&x->redirects, 1);
    return rc;
}

static int export_media(struct exporter *x, struct gz_export_job *job, size_t tag)
{
    int fd = open(job->source, O_RDONLY | O_CLOEXEC);
    char *bytes = NULL;
    size_t len = 0;
    int rc = fd < 0 ? GZ_EINVAL : gz_read_fd(fd, MEDIA_MAX, &bytes, &len);
    if (fd >= 0)
        close(fd);
    if (rc == GZ_EINVAL || rc == GZ_ETOOBIG) {
        gz_warn("export: cannot read %s; skipped", job->source);
        atomic_fetch_add(&x->skipped, 1);
        return GZ_OK;
    }
    if (rc == GZ_OK)
        rc = put(x, job, gz_xstrdup(job->path + 1), bytes, len, tag);
    else
        atomic_fetch_add(&x->failed, 1);
    free(bytes);
    return rc;
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 307 || status == 308;
}

/* A page of the site: its answer becomes a file, a refresh page, or
 * nothing (gone since it was listed). */
static int export_page(struct exporter *x, struct gz_export_job *job,
                       struct gz_export_conn *c, size_t tag)
{
    struct gz_export_resp r;
    if (gz_export_get(c, job->path, &r)) {
        gz_error("export: GET %s failed", job->path);
        atomic_fetch_add(&x->failed, 1);
        return GZ_EIO;
    }
    int want = job->kind == GZ_JOB_NOT_FOUND ? 404 : 200;
    if (is_redirect(r.status) && r.location[0])
        return export_redirect(x, job, r.location, tag);
    if (r.status == 404 && want == 200) {
        atomic_fetch_add(&x->skipped, 1); /* gone meanwhile */
        return GZ_OK;
    }
    if (r.status != want) {
        gz_error("export: GET %s answered %d", job->path, r.status);
        atomic_fetch_add(&x->failed, 1);
        return GZ_EIO;
    }
    int html = !strncmp(r.content_type, "text/html", 9);
    if (!html)
        return put(x, job, gz_xstrdup(job->path + 1), r.body, r.body_len, tag);
    struct gz_buf b;
    gz_buf_init(&b, GZ_EXPORT_BODY_MAX);
    gz_buf_append(&b, r.body, r.body_len);
    adapt_page(x, job, &b);
    char *rel =
        job->kind == GZ_JOB_NOT_FOUND ? gz_xstrdup("404.html") : html_file(job->path);
    int rc = put(x, job, rel, b.p ? b.p : "", b.len, tag);
    gz_buf_free(&b);
    return rc;
}

static void *fetcher(void *arg)
{
    struct exporter *x = arg;
    struct gz_export_conn c;
    gz_export_conn_init(&c, x->port);
    for (;;) {
        size_t i = atomic_fetch_add(&x->next, 1);
        if (i >= x->jobs.len)
            break;
        struct gz_export_job *job = &x->jobs.items[i];
        if (job->kind == GZ_JOB_REDIRECT)
            export_redirect(x, job, job->source, i);
        else if (job->kind == GZ_JOB_MEDIA)
            export_media(x, job, i);
        else
            export_page(x, job, &c, i);
    }
    gz_export_conn_close(&c);
    return NULL;
}

/* ---- the export ------------------------------------------------------- */

static int fetch_all(struct exporter *x, size_t loops)
{
    size_t n = loops * FETCHERS_PER_LOOP;
    if (n > FETCHERS_MAX)
        n = FETCHERS_MAX;
    pthread_t threads[FETCHERS_MAX];
    size_t started = 0;
    for (; started < n; started++)
        if (pthread_create(&threads[started], NULL, fetcher, x))
            break;
    if (started == 0)
        fetcher(x);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    return GZ_OK;
}

static int list_urls(struct exporter *x, struct gz_site *site, char *err, size_t errlen)
{
    struct gz_store *st;
    int rc = gz_store_open(gz_site_cfg(site)->db, &st, err, errlen);
    if (rc)
        return rc;
    rc = gz_export_enumerate(&x->jobs, st, gz_site_cfg(site), time(NULL), err, errlen);
    gz_store_close(st);
    return rc;
}

/* The files written or kept now; after a failure also those of the last
 * export not seen this time, which were left in place and are deleted by
 * the next export that succeeds. */
static int write_manifest(struct exporter *x)
{
    size_t n = 0, max = x->jobs.len + (x->failed ? x->out.cap : 0);
    char **rels = gz_xcalloc(max ? max : 1, sizeof(*rels));
    unsigned char(*hashes)[GZ_EXPORT_HASH] = gz_xcalloc(max ? max : 1, sizeof(*hashes));
    for (size_t i = 0; i < x->jobs.len; i++, n++) {
        rels[n] = x->jobs.items[i].rel;
        memcpy(hashes[n], x->jobs.items[i].hash, GZ_EXPORT_HASH);
    }
    for (size_t i = 0; x->failed && i < x->out.cap; i++) {
        struct gz_export_entry *e = &x->out.old[i];
        if (!e->rel || atomic_load(&e->seen))
            continue;
        rels[n] = e->rel;
        memcpy(hashes[n++], e->hash, GZ_EXPORT_HASH);
    }
    int rc = gz_export_write_manifest(&x->out, rels, (const void *)hashes, n);
    free(rels);
    free(hashes);
    return rc;
}

/* Serves the site on a loopback port while every URL is fetched. */
static int run(struct exporter *x, struct gz_config *cfg, int verbose, char *err,
               size_t errlen)
{
    struct gz_site *site;
    /* Before any thread: the server takes SIGTERM by sigwait, which is how
     * the export stops it. */
    gz_server_block_signals();
    int rc = open_site(cfg, x->base_url, verbose, &site, &x->port, err, errlen);
    if (rc)
        return rc;
    x->assets_version = atomic_load(&site->assets_version);
    pthread_t server;
    if (pthread_create(&server, NULL, serve_main, site)) {
        gz_site_close(site);
        snprintf(err, errlen, "cannot start a thread");
        return GZ_EIO;
    }
    rc = list_urls(x, site, err, errlen);
    if (rc == GZ_OK)
        fetch_all(x, site->nthreads);
    kill(getpid(), SIGTERM);
    pthread_join(server, NULL);
    gz_site_close(site);
    x->assets_version = NULL;
    return rc;
}

/* A URL from the command line or the configuration, without its trailing
 * slashes; NULL when it is not http(s). */
static char *clean_url(const char *url)
{
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return NULL;
    char *out = gz_xstrdup(url);
    size_t n = strlen(out);
    while (n > 8 && out[n - 1] == '/')
        out[--n] = '\0';
    return out;
}

static int urls(const struct gz_config *cfg, const struct gz_export_opts *o, char **base,
                char **beacon, char *err, size_t errlen)
{
    const char *b = o->base_url ? o->base_url : cfg->site_url;
    const char *v = o->beacon_url ? o->beacon_url
                    : cfg->export_beacon_url && *cfg->export_beacon_url
                        ? cfg->export_beacon_url
                        : cfg->site_url;
    *base = clean_url(b);
    *beacon = *v ? clean_url(v) : gz_xstrdup("");
    if (!*base || !*beacon) {
        snprintf(err, errlen, "%s: expected an http:// or https:// URL", *base ? v : b);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

int gz_export_static(struct gz_config *cfg, const struct gz_export_opts *o,
                     struct gz_export_report *report, char *err, size_t errlen)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(report, 0, sizeof(*report));
    struct exporter x = {0};
    char *base = NULL, *beacon = NULL;
    gz_export_jobs_init(&x.jobs);
    int rc = urls(cfg, o, &base, &beacon, err, errlen);
    if (rc)
        goto out;
    x.base_url = base;
    x.beacon_url = beacon;
    if ((rc = gz_export_out_open(&x.out, o->dir, o->verbose, err, errlen)))
        goto out;
    rc = run(&x, cfg, o->verbose != NULL, err, errlen);
    if (rc)
        goto out;
    report->skipped = x.jobs.skipped;
    if (x.failed == 0) {
        /* After a failure nothing is deleted: a file not written this time
         * may only have failed. */
        report->removed = gz_export_remove_stale(&x.out);
    }
    if (write_manifest(&x)) {
        snprintf(err, errlen, "cannot write %s/.gazette-export: %s", o->dir,
                 strerror(errno));
        rc = GZ_EIO;
    } else if (x.failed) {
        snprintf(err, errlen, "%zu URLs could not be exported (see above)",
                 (size_t)x.failed);
        rc = GZ_EIO;
    }
out:
    report->written = x.written;
    report->unchanged = x.unchanged;
    report->skipped += x.skipped;
    report->failed = x.failed;
    report->redirects = x.redirects;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report->seconds =
        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    gz_export_out_close(&x.out);
    gz_export_jobs_free(&x.jobs);
    gz_config_clear(cfg);
    free(base);
    free(beacon);
    return rc;
}
