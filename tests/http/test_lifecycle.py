"""Stopping and starting: view counts survive SIGTERM, restarts and kill -9."""

import threading
import time

from harness import BROWSER_UA, RawConn, Site, block, check, check_eq, wait_for


def seed(site, n):
    return [site.new("Life %d" % i, "life body %d" % i, at="2025-04-%02dT10:00Z" % (i + 1))
            for i in range(n)]


def most_viewed(srv):
    return [h for h, _, _ in block(srv.get("/").text, "most-viewed")]


def test_sigterm_flushes_counts():
    site = Site("sigterm")
    arts = seed(site, 3)
    # No flush would run for a minute: only the shutdown flush can save them.
    srv = site.serve(flush_ms=60000, threads=2)
    want = {arts[0].id: 17, arts[1].id: 9, arts[2].id: 1}
    c = srv.conn()
    for a in arts:
        srv.view(a.url, want[a.id], conn=c)
    c.close()
    check_eq(site.views(), {}, "views in the store before the shutdown flush")
    srv.stop()
    check_eq(site.views(), want, "views after SIGTERM")


def test_sigint_flushes_counts():
    import signal
    site = Site("sigint")
    arts = seed(site, 2)
    srv = site.serve(flush_ms=60000)
    srv.view(arts[1].url, 6)
    srv.stop(sig=signal.SIGINT)
    check_eq(site.views(), {arts[1].id: 6}, "views after SIGINT")


def test_sigterm_during_load_keeps_every_answered_view():
    """Requests in flight at SIGTERM are answered; every 200 a client got is
    in the store, and nothing else."""
    site = Site("sigtermload")
    arts = seed(site, 3)
    srv = site.serve(flush_ms=60000, threads=4)
    got = [dict() for _ in range(6)]
    started = threading.Barrier(7)
    stop = threading.Event()

    def worker(t):
        c = srv.conn(timeout=15)
        started.wait()
        i = 0
        while not stop.is_set():
            a = arts[(t + i) % 3]
            i += 1
            try:
                r = srv.get(a.url, ua=BROWSER_UA, conn=c)
            except Exception:  # noqa: BLE001 - the server went away
                break
            if r.status != 200:
                break
            got[t][a.id] = got[t].get(a.id, 0) + 1
        c.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    started.wait()
    time.sleep(0.4)
    srv.stop()
    stop.set()
    for th in threads:
        th.join(20)
    want = {}
    for g in got:
        for k, v in g.items():
            want[k] = want.get(k, 0) + v
    check(sum(want.values()) > 50, "too few requests before the stop: %r" % want)
    check_eq(site.views(), want, "store vs the 200s received")


def test_restart_keeps_counts():
    site = Site("restart")
    a, b, c = seed(site, 3)
    srv = site.serve()
    srv.view(a.url, 5)
    srv.view(b.url, 3)
    srv.view(c.url, 1)
    site.wait_views({a.id: 5, b.id: 3, c.id: 1})
    order = [a.path, b.path, c.path]
    wait_for(lambda: most_viewed(srv) == order, 5, what="Most viewed before restart")
    srv.stop()

    srv = site.serve()
    check_eq(most_viewed(srv), order, "Most viewed right after the restart")
    check_eq(site.views(), {a.id: 5, b.id: 3, c.id: 1}, "store after the restart")
    # 5 more views of c: 6 in all, more than a's 5 from before the restart.
    srv.view(c.url, 5)
    site.wait_views({a.id: 5, b.id: 3, c.id: 6})
    wait_for(lambda: most_viewed(srv) == [c.path, a.path, b.path], 5,
             what="c first after views added to its old total")
    # And b ties a at 5 after 2 more: the higher id (b) comes first.
    srv.view(b.url, 2)
    site.wait_views({a.id: 5, b.id: 5, c.id: 6})
    wait_for(lambda: most_viewed(srv) == [c.path, b.path, a.path], 5,
             what="tie between a and b broken by the higher id")
    srv.stop()
    srv = site.serve()
    check_eq(most_viewed(srv), [c.path, b.path, a.path], "order after a second restart")


def test_kill9_loses_at_most_one_interval():
    site = Site("kill9")
    arts = seed(site, 2)
    srv = site.serve(flush_ms=100)
    c = srv.conn()
    srv.view(arts[0].url, 25, conn=c)
    srv.view(arts[1].url, 8, conn=c)
    c.close()
    time.sleep(0.5)  # five flush intervals
    srv.kill9()
    check_eq(site.views(), {arts[0].id: 25, arts[1].id: 8}, "views after kill -9")
    # The database is usable after the crash, and the counts carry on.
    srv = site.serve()
    check_eq(most_viewed(srv), [arts[0].path, arts[1].path], "Most viewed after kill -9")
    srv.view(arts[1].url, 20)
    site.wait_views({arts[0].id: 25, arts[1].id: 28})


def test_sigterm_answers_half_sent_request_and_closes_idle():
    """A request whose head is half-sent when SIGTERM arrives is still
    answered (and counted); an idle keep-alive connection does not hold the
    exit up for long."""
    import signal
    site = Site("inflight")
    art = seed(site, 1)[0]
    srv = site.serve(flush_ms=60000)
    idle = srv.conn()
    check_eq(srv.get("/healthz", conn=idle).status, 200, "idle connection's first request")
    half = RawConn(srv.port, timeout=10)
    half.send("GET %s HTTP/1.1\r\nHost: x\r\n" % art.url)
    time.sleep(0.1)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.15)
    half.send("User-Agent: %s\r\nConnection: close\r\n\r\n" % BROWSER_UA)
    r = half.response()
    half.close()
    check(r is not None, "no response to the request in flight")
    check_eq(r.status, 200, "request in flight at SIGTERM")
    srv.stop(sig=None, timeout=15)
    took = time.monotonic() - t0
    idle.close()
    check(took < 3.0, "exit took %.1fs with an idle keep-alive connection open" % took)
    check_eq(site.views(), {art.id: 1}, "the in-flight view after the stop")


def test_second_sigterm_during_shutdown_keeps_counts():
    """A second SIGTERM (or Ctrl-C pressed twice) while the server finishes
    must not throw away the views the final flush would have written."""
    import signal
    site = Site("twosigs")
    art = seed(site, 1)[0]
    srv = site.serve(flush_ms=60000)
    srv.view(art.url, 12)
    # An idle keep-alive connection keeps the graceful phase going a while.
    idle = srv.conn()
    srv.get("/healthz", conn=idle)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.05)
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.stop(sig=None, expect_rc=None)
    idle.close()
    check_eq(site.views(), {art.id: 12}, "views after two SIGTERMs (exit code %r)" % rc)
    check_eq(rc, 0, "exit code after two SIGTERMs")
