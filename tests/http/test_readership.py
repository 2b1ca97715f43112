"""Readership (issue 9): fair counting (reloads, floods, heuristics,
X-Forwarded-For from trusted proxies only), the view beacon, views.count =
beacon, Most viewed by readers, the readers' sketches and referrers in the
store, and that no reader's address or User-Agent is ever stored.

Servers here keep the DEFAULT fair-counting settings (serve(fair=True))
unless a test is about turning them off."""

import csv
import http.client
import io
import os
import re
import signal
import socket
import sqlite3
import time

import harness
from harness import BROWSER_UA, Site, block_titles, check, check_eq, wait_for

FIREFOX_UA = ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
              "Firefox/121.0")
SAFARI_UA = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.0 Safari/605.1.15")
LANG = {"Accept-Language": "en-GB,en;q=0.8"}


def ua_n(n):
    """A distinct browser User-Agent per n: a distinct reader."""
    return "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/%d.0" % (100 + n)


def read(srv, path, ua=BROWSER_UA, headers=None, source=None, method="GET", body=None):
    """A browser's request: Accept-Language and a User-Agent; from the
    loopback address source when given."""
    h = dict(LANG)
    h.update(headers or {})
    conn = None
    if source:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10,
                                          source_address=(source, 0))
    try:
        return srv.request(method, path, headers=h, ua=ua, body=body, conn=conn)
    finally:
        if conn:
            conn.close()


def settle_views(site, srv, want, sentinel):
    """Counts one sentinel view (a new reader) of article sentinel, waits
    until the store has it, and checks that the store holds exactly want
    plus that view: requests made before it have all been flushed."""
    r = read(srv, sentinel.url, ua="Mozilla/5.0 Sentinel/%f" % time.time())
    check_eq(r.status, 200, "sentinel view")
    want = dict(want)
    want[sentinel.id] = want.get(sentinel.id, 0) + 1
    site.wait_views(want)


def metric(srv, name, labels=""):
    r = srv.get("/metrics")
    check_eq(r.status, 200, "/metrics")
    m = re.search(r"^%s%s (\d+)$" % (re.escape(name), re.escape(labels)), r.text, re.M)
    check(m, "metric %s%s missing" % (name, labels))
    return int(m.group(1))


def settled(site, srv, sentinel):
    """The store's views once every request made so far has been flushed:
    counts one sentinel view (a new reader), waits for it, then a few
    flush intervals more."""
    want = site.views().get(sentinel.id, 0) + 1
    r = read(srv, sentinel.url, ua="Mozilla/5.0 Sentinel/%f" % time.time())
    check_eq(r.status, 200, "sentinel view")
    wait_for(lambda: site.views().get(sentinel.id, 0) >= want, 10, what="the sentinel view")
    time.sleep(0.4)
    return site.views()


def within_a_minute(site, srv, sentinel, burst):
    """Runs burst(ua) with a fresh reader and returns {article: views it
    added}, retrying when the wall-clock minute changed during the burst
    (the flood limit counts per minute)."""
    for _ in range(3):
        before = settled(site, srv, sentinel)
        minute = int(time.time()) // 60
        burst("Mozilla/5.0 Flooder/%f" % time.time())
        if int(time.time()) // 60 != minute:
            continue
        after = settled(site, srv, sentinel)
        return {k: after.get(k, 0) - before.get(k, 0) for k in after
                if k != sentinel.id and after.get(k, 0) != before.get(k, 0)}
    raise AssertionError("three minute boundaries in a row")


# ---- fair counting at the page ----------------------------------------------

def test_reload_counts_once_and_another_reader_counts():
    site = Site("rdreload")
    art = site.new("Reloaded", "body", publish=True)
    sentinel = site.new("Sentinel", "body", publish=True)
    srv = site.serve(fair=True)
    before = metric(srv, "gazette_views_not_counted_total", '{reason="reload"}')
    c = srv.conn()
    for _ in range(4):
        check_eq(read(srv, art.url, ua=FIREFOX_UA).status, 200, "reload")
    c.close()
    check_eq(read(srv, art.url, ua=SAFARI_UA).status, 200, "another reader")
    settle_views(site, srv, {art.id: 2}, sentinel)
    check_eq(metric(srv, "gazette_views_not_counted_total", '{reason="reload"}') - before, 3,
             "reloads in /metrics")


def test_heuristics_and_turning_them_off():
    site = Site("rdheur")
    art = site.new("Looked at by scripts", "body", publish=True)
    sentinel = site.new("Sentinel", "body", publish=True)
    srv = site.serve(fair=True)
    # No Accept-Language: no person's browser.
    check_eq(srv.get(art.url, ua=FIREFOX_UA).status, 200, "no Accept-Language")
    # Headless and automated browsers, with Accept-Language.
    for ua in ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "HeadlessChrome/120.0.0.0 Safari/537.36",
               "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36 Puppeteer",
               "Mozilla/5.0 Playwright/1.40",
               "Mozilla/5.0 (Windows NT 10.0) Selenium/4.15"):
        check_eq(read(srv, art.url, ua=ua).status, 200, ua)
    settle_views(site, srv, {}, sentinel)
    check_eq(site.views().get(art.id, 0), 0, "heuristics counted nothing")
    check(metric(srv, "gazette_views_not_counted_total", '{reason="heuristic"}') >= 4,
          "heuristic rejections in /metrics")
    srv.stop()

    # views.heuristics = no: the same requests count (HeadlessChrome stays
    # a bot: it is in the bot list).
    srv = site.serve(fair=True, settings=["views.heuristics=no"])
    check_eq(srv.get(art.url, ua=FIREFOX_UA).status, 200, "no Accept-Language")
    check_eq(read(srv, art.url, ua="Mozilla/5.0 Playwright/1.40").status, 200, "Playwright")
    settle_views(site, srv, {art.id: 2, sentinel.id: 1}, sentinel)


def test_flood_past_max_per_minute():
    site = Site("rdflood")
    arts = [site.new("Flooded %d" % i, "body", publish=True) for i in range(6)]
    sentinel = site.new("Sentinel", "body", publish=True)
    # Six articles once each (no reloads): the first four count.
    srv = site.serve(fair=True, settings=["views.max_per_minute=4"])

    def six(ua):
        for a in arts:
            check_eq(read(srv, a.url, ua=ua).status, 200, "view")
    added = within_a_minute(site, srv, sentinel, six)
    check_eq(added, {a.id: 1 for a in arts[:4]}, "views past max_per_minute")
    check(metric(srv, "gazette_views_not_counted_total", '{reason="flood"}') >= 2,
          "floods in /metrics")
    srv.stop()

    # With reload_minutes = 0 every view of one article is new: exactly
    # max_per_minute count.
    srv = site.serve(fair=True, settings=["views.max_per_minute=5", "views.reload_minutes=0"])

    def fifteen(ua):
        for _ in range(15):
            check_eq(read(srv, arts[0].url, ua=ua).status, 200, "view")
    check_eq(within_a_minute(site, srv, sentinel, fifteen), {arts[0].id: 5},
             "views of one reader in a minute")
    # views.max_per_minute = 0: no limit.
    srv.stop()
    srv = site.serve(fair=True, settings=["views.max_per_minute=0", "views.reload_minutes=0"])
    check_eq(within_a_minute(site, srv, sentinel, fifteen), {arts[0].id: 15},
             "no limit with max_per_minute = 0")


def test_forwarded_for_only_from_trusted_proxies():
    site = Site("rdxff")
    direct = site.new("Direct", "body", publish=True)
    proxied = site.new("Proxied", "body", publish=True)
    sentinel = site.new("Sentinel", "body", publish=True)
    srv = site.serve(fair=True, settings=["http.trusted_proxies=127.0.0.2/32"])
    ua = FIREFOX_UA
    # From an untrusted peer the header is ignored: one reader, one view.
    for addr in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        check_eq(read(srv, direct.url, ua=ua, headers={"X-Forwarded-For": addr}).status, 200,
                 "untrusted XFF")
    # From the trusted proxy each address is a reader...
    for xff in ("198.51.100.1", "198.51.100.2",
                # ...the rightmost address not in the list, so a spoofed
                # leftmost entry changes nothing (198.51.100.1 again)...
                "203.0.113.5, 198.51.100.1",
                # ...and trusted proxies at the right are stepped over.
                "198.51.100.3, 127.0.0.2"):
        check_eq(read(srv, proxied.url, ua=ua, source="127.0.0.2",
                      headers={"X-Forwarded-For": xff}).status, 200, xff)
    # Two headers are one list: the second one's address is the rightmost.
    c = socket.create_connection(("127.0.0.1", srv.port), source_address=("127.0.0.2", 0))
    c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nUser-Agent: %s\r\nAccept-Language: en\r\n"
               "X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 198.51.100.4\r\n"
               "Connection: close\r\n\r\n" % (proxied.url, ua)).encode())
    check(c.makefile("rb").readline().startswith(b"HTTP/1.1 200"), "two XFF headers")
    c.close()
    settle_views(site, srv, {direct.id: 1, proxied.id: 4}, sentinel)


def test_limits_change_on_reload():
    """views.reload_minutes changed by SIGHUP: the new limits apply at once
    (the old readers are retired under the loops' feet, see readership.c)."""
    site = Site("rdsighup")
    art = site.new("Reloaded settings", "body", publish=True)
    sentinel = site.new("Sentinel", "body", publish=True)
    ini = os.path.join(site.dir, "fair.ini")
    with open(ini, "w") as f:
        f.write("[views]\nreload_minutes = 30\n")
    srv = site.serve(fair=True, extra=["--config", ini])
    for _ in range(3):
        check_eq(read(srv, art.url, ua=FIREFOX_UA).status, 200, "view")
    with open(ini, "w") as f:
        f.write("[views]\nreload_minutes = 0\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reload and flood limits changed" in srv.stderr(), 10,
             what="the new limits")
    for _ in range(3):
        check_eq(read(srv, art.url, ua=FIREFOX_UA).status, 200, "view")
    settle_views(site, srv, {art.id: 4}, sentinel)
    srv.stop()
    check_eq(site._query("SELECT count(*) FROM readers WHERE article_id = %d AND kind = 3"
                         % art.id)[0][0], 1, "the article's all-time sketch")


# ---- the beacon -------------------------------------------------------------

def test_beacon_refuses_weights_bots_and_floods():
    site = Site("rdbeacon")
    art = site.new("Beaconed", "body", publish=True)
    sentinel = site.new("Sentinel", "body", publish=True)
    srv = site.serve(fair=True)
    path = "/v/%d" % art.id
    for method, target, body in (("POST", path + "?count=100", None),
                                 ("GET", path + "?weight=5", None),
                                 ("POST", path, "100"),
                                 ("POST", path, '{"count": 100}')):
        r = read(srv, target, method=method, body=body, ua=ua_n(1))
        check_eq(r.status, 400, "%s %s with %r" % (method, target, body))
        check("no query string and no body" in r.text, "says why: %r" % r.text)
        check_eq(r.header("cache-control"), "no-store", "400 not cached")
    # Bots and heuristics: 204, not counted.
    r = read(srv, path, method="POST", ua="Googlebot/2.1 (+http://www.google.com/bot.html)")
    check_eq(r.status, 204, "bot beacon")
    r = srv.request("POST", path, ua=ua_n(2))  # no Accept-Language
    check_eq(r.status, 204, "beacon without Accept-Language")
    settle_views(site, srv, {}, sentinel)
    check_eq(site.views().get(art.id, 0), 0, "refused and bot beacons counted nothing")
    # A reader's beacon: 204, counted exactly once, never cached.
    r = read(srv, path, method="POST", ua=ua_n(3))
    check_eq(r.status, 204, "beacon")
    check_eq(r.header("cache-control"), "no-store", "beacon not cached")
    check_eq(r.body, b"", "no body")
    # The same reader again within reload_minutes: 204, not counted.
    check_eq(read(srv, path, method="POST", ua=ua_n(3)).status, 204, "reload")
    settle_views(site, srv, {art.id: 1, sentinel.id: 1}, sentinel)
    # Unknown article: 404.
    check_eq(read(srv, "/v/999999", method="POST").status, 404, "unknown id")
    srv.stop()

    # A flooding reader: 429 with Retry-After past max_per_minute.
    srv = site.serve(fair=True, settings=["views.max_per_minute=3",
                                          "views.reload_minutes=0"])

    for _ in range(3):
        minute = int(time.time()) // 60
        ua = "Mozilla/5.0 BeaconFlood/%f" % time.time()
        resps = [read(srv, path, method="POST", ua=ua) for _ in range(5)]
        if int(time.time()) // 60 == minute:
            break
    check_eq([r.status for r in resps], [204, 204, 204, 429, 429], "flood statuses")
    retry = resps[3].header("retry-after")
    check(retry and retry.isdigit() and 1 <= int(retry) <= 60, "Retry-After %r" % retry)
    check_eq(resps[3].header("cache-control"), "no-store", "429 not cached")


def test_count_beacon_mode():
    site = Site("rdmode")
    art = site.new("Counted by its page", "body", publish=True)
    srv = site.serve(fair=True, settings=["views.count=beacon"])
    page = read(srv, art.url, ua=ua_n(1))
    check_eq(page.status, 200, "page")
    m = re.search(r'<script src="(/assets/beacon\.js\?v=[^"]+)" data-beacon="([^"]+)" defer>'
                  r'</script>', page.text)
    check(m, "the page loads the beacon script")
    check_eq(m.group(2), "/v/%d" % art.id, "beacon URL")
    check("<script>" not in page.text, "no inline script")
    js = srv.get(m.group(1))
    check_eq(js.status, 200, "beacon.js")
    check("sendBeacon" in js.text and "keepalive" in js.text, "sendBeacon, fetch fallback")
    # Page views by many readers: not counted by the server.
    for n in range(2, 6):
        check_eq(read(srv, art.url, ua=ua_n(n)).status, 200, "page view")
    # The beacon counts.
    check_eq(read(srv, "/v/%d" % art.id, method="POST", ua=ua_n(1)).status, 204, "beacon")
    site.wait_views({art.id: 1})
    srv.stop()

    # Server mode (the default): no script, and the page counts.
    srv = site.serve(fair=True)
    page = read(srv, art.url, ua=ua_n(7))
    check("beacon.js" not in page.text and "data-beacon" not in page.text,
          "no beacon script in server mode")
    site.wait_views({art.id: 2})


# ---- Most viewed by readers -------------------------------------------------

def test_rank_by_readers_changes_most_viewed():
    site = Site("rdrank")
    a = site.new("Alpha one reader", "body", publish=True)
    b = site.new("Bravo many readers", "body", publish=True)
    ini = os.path.join(site.dir, "rank.ini")
    with open(ini, "w") as f:
        f.write("[views]\nrank_by = views\n")
    # Legacy counting: every view of the one reader counts.
    srv = site.serve(extra=["--config", ini])
    for _ in range(6):
        check_eq(read(srv, a.url, ua=FIREFOX_UA).status, 200, "A")
    for n in range(3):
        check_eq(read(srv, b.url, ua=ua_n(n)).status, 200, "B")
    site.wait_views({a.id: 6, b.id: 3})
    wait_for(lambda: block_titles(srv.get("/").text, "most-viewed")[:2] == [a.title, b.title],
             10, what="Most viewed by views: A first")
    # A configuration reload switches to readers at once (no minute wait).
    with open(ini, "w") as f:
        f.write("[views]\nrank_by = readers\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: block_titles(srv.get("/").text, "most-viewed")[:2] == [b.title, a.title],
             10, what="Most viewed by readers: B first")
    srv.stop()
    # At start, by readers, in each window (24h: hour sketches; 7d: days).
    for window in ("all", "24h", "7d", "30d"):
        srv = site.serve(settings=["views.rank_by=readers", "blocks.window=" + window])
        check_eq(block_titles(srv.get("/").text, "most-viewed")[:2], [b.title, a.title],
                 "Most viewed by readers over %s" % window)
        srv.stop()
    # An unpublished article leaves the list, as with views.
    site.unpublish(b.id)
    srv = site.serve(settings=["views.rank_by=readers"])
    check_eq(block_titles(srv.get("/").text, "most-viewed"), [a.title],
             "unpublished article left out")


# ---- the store --------------------------------------------------------------

def test_sketches_referrers_and_nothing_personal_stored():
    site = Site("rdstore")
    art = site.new("Stored readers", "body", publish=True)
    srv = site.serve(fair=True, settings=["http.trusted_proxies=127.0.0.1"])
    marker_ua = "Mozilla/5.0 (X11; Linux x86_64) UniqueReaderMarker-%d" % os.getpid()
    addr = "198.51.100.77"
    own = "http://127.0.0.1:%d/" % srv.port
    views = [
        ({"Referer": "https://www.news.example.com/secret-path-xyz?q=1"}, 1),
        ({"Referer": "http://news.example.com:8080/other"}, 2),
        ({"Referer": "https://other.example.org/"}, 3),
        ({"Referer": own}, 4),  # the site itself: ""
        ({}, 5),                # none: ""
    ]
    for headers, n in views:
        h = dict(headers)
        h["X-Forwarded-For"] = "192.0.2.%d" % n
        r = read(srv, art.url, ua=ua_n(n), headers=h)
        check_eq(r.status, 200, "view %d" % n)
    r = read(srv, art.url, ua=marker_ua, headers={"X-Forwarded-For": addr})
    check_eq(r.status, 200, "marked view")
    site.wait_views({art.id: 6})
    wait_for(lambda: site._query(
        "SELECT count(*) FROM readers WHERE article_id = %d" % art.id)[0][0] >= 3, 10,
        what="the article's sketches")
    kinds = site._query("SELECT DISTINCT article_id, kind FROM readers "
                        "ORDER BY article_id, kind")
    check_eq(kinds, [(0, 1), (0, 2), (0, 3), (art.id, 1), (art.id, 2), (art.id, 3)],
             "hour, day and all-time sketches of the article and of the site")
    refs = dict(site._query("SELECT domain, sum(count) FROM referrers_daily "
                            "WHERE article_id = %d GROUP BY domain" % art.id))
    check_eq(refs, {"news.example.com": 2, "other.example.org": 1, "": 3},
             "referrers aggregated by domain")
    srv.stop()  # the last flush
    blob = b""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(site.db + suffix):
            with open(site.db + suffix, "rb") as f:
                blob += f.read()
    for needle in (addr.encode(), socket.inet_aton(addr), marker_ua.encode(),
                   b"UniqueReaderMarker", b"192.0.2.", b"secret-path-xyz", b"Firefox/10"):
        check(needle not in blob, "%r is in the database" % needle)


def test_referrer_days_prunes():
    site = Site("rdprune")
    art = site.new("Referred", "body", publish=True)
    today = int(time.time()) // 86400
    c = sqlite3.connect(site.db)
    c.executemany("INSERT INTO referrers_daily (article_id, day, domain, count) "
                  "VALUES (?, ?, ?, ?)",
                  [(art.id, today - 10, "old.example", 5), (art.id, today - 2, "older.example", 1),
                   (art.id, today - 1, "recent.example", 2)])
    c.commit()
    c.close()
    # Keep the last 2 days (yesterday and today).
    srv = site.serve(fair=True, settings=["stats.referrer_days=2"])
    check_eq(read(srv, art.url, ua=ua_n(1), headers={"Referer": "https://new.example/"}).status,
             200, "view")
    wait_for(lambda: site._query("SELECT count(*) FROM referrers_daily WHERE domain = "
                                 "'new.example'")[0][0], 10, what="today's referrer")
    check_eq(sorted(d for (d,) in site._query("SELECT domain FROM referrers_daily")),
             ["new.example", "recent.example"], "older days pruned")
    srv.stop()
    # 0 keeps them for ever.
    site2 = Site("rdkeep")
    art2 = site2.new("Kept", "body", publish=True)
    c = sqlite3.connect(site2.db)
    c.execute("INSERT INTO referrers_daily VALUES (?, ?, 'ancient.example', 1)",
              (art2.id, today - 3000))
    c.commit()
    c.close()
    srv = site2.serve(fair=True)
    check_eq(read(srv, art2.url, ua=ua_n(1)).status, 200, "view")
    site2.wait_views({art2.id: 1})
    check_eq(site2._query("SELECT count(*) FROM referrers_daily WHERE domain = "
                          "'ancient.example'")[0][0], 1, "kept with referrer_days = 0")


# ---- the demo site ----------------------------------------------------------

def test_demo_site_has_readers():
    """`gazette demo` simulates readers as well as views, so the dashboard
    of a demo site does not show zero readers: each article with views has
    a day and an all-time sketch with fewer readers than views, and the site
    has its own."""
    site = Site("rddemo")
    site.cli("demo", "--articles", "40", "--seed", "5")
    db = sqlite3.connect(site.db)
    try:
        viewed = db.execute("SELECT count(DISTINCT article_id) FROM views_daily "
                            "WHERE count > 0").fetchone()[0]
        check(viewed > 0, "the demo has views")
        for kind in (2, 3):
            n = db.execute("SELECT count(*) FROM readers WHERE kind = ? AND article_id > 0",
                           (kind,)).fetchone()[0]
            check_eq(n, viewed, "one sketch of kind %d per article with views" % kind)
        check_eq(db.execute("SELECT count(*) FROM readers WHERE article_id = 0 AND kind = 3")
                 .fetchone()[0], 1, "the site's all-time sketch")
    finally:
        db.close()
    site.add_user("chief", "admin", password="demo-password-1")
    srv = site.serve()
    adm = srv.admin_login("chief", "demo-password-1")
    text = adm.get("/admin/stats.csv?table=top&window=all").text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    check(rows, "the dashboard lists top articles")
    for row in rows:
        views, readers = int(row[-2]), int(row[-1])
        check(0 < readers <= views, "readers (%d) within views (%d)" % (readers, views))
