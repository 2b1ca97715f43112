"""View counting: what counts, what does not, and exact totals under load."""

import threading
import time

from harness import BROWSER_UA, RawConn, Site, check, check_eq


def phase(site, srv, what, fn, sentinel_path, article_id):
    """Runs fn (requests that must not count), then one counted view as a
    sentinel; once the sentinel is in the store, the store must have grown by
    exactly one."""
    before = site.views()
    fn()
    srv.view(sentinel_path)
    want = dict(before)
    want[article_id] = want.get(article_id, 0) + 1
    try:
        site.wait_views(want, timeout=5, settle=0.25)
    except AssertionError as e:
        raise AssertionError("%s counted as views: %s" % (what, e))


def test_not_counted():
    site = Site("notcounted")
    art = site.new("Counted article", "some body text", publish=True)
    other = site.new("Other article", "other body", publish=True)
    srv = site.serve()
    path = art.url
    check(srv.get(path).header("etag"), "article page has no ETag")

    def repeat(n, **kw):
        def f():
            c = srv.conn()
            for _ in range(n):
                r = srv.request(conn=c, **kw)
                check(r.status in (200, 304), "%r -> %d" % (kw, r.status))
            c.close()
        return f

    def no_ua():
        # http.client sends no User-Agent unless asked; check on the wire.
        for _ in range(3):
            c = RawConn(srv.port)
            c.send("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
            r = c.response()
            c.close()
            check_eq(r.status, 200, "GET without User-Agent")

    def empty_ua():
        for _ in range(3):
            c = RawConn(srv.port)
            c.send("GET %s HTTP/1.1\r\nHost: x\r\nUser-Agent: \r\nConnection: close\r\n\r\n"
                   % path)
            r = c.response()
            c.close()
            check_eq(r.status, 200, "GET with an empty User-Agent")

    def not_modified():
        # The ETag changes whenever the blocks do (the sentinel views change
        # Most viewed), so take the current one.
        c = srv.conn()
        for _ in range(3):
            tag = srv.get(path, conn=c).header("etag")
            r = srv.get(path, ua=BROWSER_UA, headers={"If-None-Match": tag}, conn=c)
            check_eq(r.status, 304, "GET with the current ETag")
        c.close()

    def not_found():
        for _ in range(3):
            r = srv.get("/2025/01/no-such-article", ua=BROWSER_UA)
            check_eq(r.status, 404, "unknown article")

    googlebot = ("Mozilla/5.0 (compatible; Googlebot/2.1; "
                 "+http://www.google.com/bot.html)")
    phases = [
        ("Googlebot", repeat(3, method="GET", path=path, ua=googlebot)),
        ("curl", repeat(3, method="GET", path=path, ua="curl/8.5.0")),
        ("wget", repeat(3, method="GET", path=path, ua="Wget/1.21.4")),
        ("python-requests", repeat(3, method="GET", path=path,
                                   ua="python-requests/2.31.0")),
        ("no User-Agent", no_ua),
        ("empty User-Agent", empty_ua),
        ("HEAD", repeat(3, method="HEAD", path=path, ua=BROWSER_UA)),
        ("Sec-Purpose: prefetch", repeat(3, method="GET", path=path, ua=BROWSER_UA,
                                         headers={"Sec-Purpose": "prefetch"})),
        ("Sec-Purpose: prefetch;prerender",
         repeat(3, method="GET", path=path, ua=BROWSER_UA,
                headers={"Sec-Purpose": "prefetch;prerender"})),
        ("Purpose: prefetch", repeat(3, method="GET", path=path, ua=BROWSER_UA,
                                     headers={"Purpose": "prefetch"})),
        ("304", not_modified),
        ("404", not_found),
        ("home page", repeat(3, method="GET", path="/", ua=BROWSER_UA)),
    ]
    for what, fn in phases:
        phase(site, srv, what, fn, other.url, other.id)
    check_eq(site.views().get(art.id, 0), 0, "views of the article only bots etc. saw")


def test_browser_views_counted():
    """The opposite of test_not_counted, so that a server that never counts
    cannot pass it."""
    site = Site("counted")
    art = site.new("Counted", "body", publish=True)
    srv = site.serve()
    srv.view(art.url, 5)
    r = srv.get(art.url, ua="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) "
                "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15")
    check_eq(r.status, 200, "Safari GET")
    r = srv.get(art.url, ua="Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
                "Firefox/121.0")
    check_eq(r.status, 200, "Firefox GET")
    site.wait_views({art.id: 7})


def test_concurrent_exact_totals():
    site = Site("burst")
    arts = [site.new("Burst %d" % i, "burst body %d" % i, publish=True) for i in range(5)]
    srv = site.serve(threads=4)
    nthreads, per_thread = 8, 300
    counts = [dict() for _ in range(nthreads)]
    errors = []

    def worker(t):
        c = srv.conn(timeout=20)
        try:
            for i in range(per_thread):
                # Uneven spread over the articles: (t + i*i) mod 5.
                a = arts[(t + i * i) % len(arts)]
                r = srv.get(a.url, ua=BROWSER_UA, conn=c)
                if r.status == 200:
                    counts[t][a.id] = counts[t].get(a.id, 0) + 1
                else:
                    errors.append("%s -> %d" % (a.url, r.status))
        except Exception as e:  # noqa: BLE001
            errors.append("thread %d: %r" % (t, e))
        finally:
            c.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(nthreads)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    dt = time.monotonic() - t0
    check(not errors, "request errors: %s" % errors[:5])
    want = {}
    for c in counts:
        for k, v in c.items():
            want[k] = want.get(k, 0) + v
    check_eq(sum(want.values()), nthreads * per_thread, "200 answers (%.1fs)" % dt)
    site.wait_views(want, timeout=15)
    check_eq(site.views_hourly(), want, "views_hourly sums")
