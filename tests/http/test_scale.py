"""Several gazette servers on one PostgreSQL database (docs/postgresql.md).

Every test here runs two `gazette serve` processes, A and B, on one schema of
the test run's private PostgreSQL server (tests/run.sh starts it with
tests/pg/server.sh; a missing server fails these tests, it never skips
them). They check what a site on several servers promises: what one server
publishes the other shows within a second; views split across servers add
up exactly, in the store and in both servers' Most viewed; a scheduled
article goes live once; logins and settings hold whichever server a request
reaches; a database restart during a view burst loses no view and breaks no
cached page; and a SQLite site moves to PostgreSQL exactly."""

import json
import re
import threading
import time

import harness
import test_json_export
from harness import (BROWSER_UA, PgSite, block, block_raw, check, check_eq, pg_restart,
                     pg_server, wait_for)
from test_admin_users import settings_form


def token_for(site, name, role="editor"):
    site.add_user(name, role)
    out = site.cli("token", "add", name, "--name", "scale tests")
    m = re.search(r"gz_[0-9a-f]+", out)
    check(m, "no token in %r" % out)
    return m.group(0)


def api_post(srv, token, path, body):
    r = srv.request("POST", "/api/v1" + path, body=json.dumps(body).encode(),
                    headers={"Authorization": "Bearer " + token,
                             "Content-Type": "application/json"})
    check(r.status in (200, 201), "POST %s on :%d answered %d: %s"
          % (path, srv.port, r.status, r.text[:300]))
    return json.loads(r.text)


def most_viewed(srv):
    return [href for href, _, _ in block(srv.get("/").text, "most-viewed")]


def new_articles(srv):
    return [href for href, _, _ in block(srv.get("/").text, "new-articles")]


def test_publish_on_a_shows_on_b_within_a_second():
    site = PgSite("scale-publish")
    old = site.new("Old news", "old body", publish=True)
    token = token_for(site, "ed")
    # A long flush interval: B must learn of the change from the database
    # (LISTEN/NOTIFY), not from its own next tick.
    a = site.serve(flush_ms=30000)
    b = site.serve(flush_ms=30000)
    for s in (a, b):
        check_eq(new_articles(s), [old.path], "New Articles before, on :%d" % s.port)
        s.get(old.path)  # cached on both
    t0 = time.monotonic()
    made = api_post(a, token, "/articles", {"title": "Fresh from A", "body": "news",
                                            "status": "published"})
    path_of = lambda s: [h for h in new_articles(s) if made["slug"] in h]
    wait_for(lambda: path_of(b), 1.0, interval=0.02, what="A's article in B's New Articles")
    took = time.monotonic() - t0
    check(made["slug"] in b.get("/").text, "A's article on B's home page")
    # Every page B had cached shows it too: its blocks moved.
    check(made["slug"] in block_raw(b.get(old.path).text, "new-articles"),
          "B's cached article page shows the new article")
    # An edit on B drops A's cached page of that article.
    page = path_of(b)[0]
    check("Fresh from A" in a.get(page).text, "A renders the article")
    api = "/api/v1/articles/%d" % made["id"]
    r = b.request("PATCH", api, body=json.dumps({"title": "Edited on B"}).encode(),
                  headers={"Authorization": "Bearer " + token,
                           "Content-Type": "application/json"})
    check_eq(r.status, 200, "PATCH on B")
    wait_for(lambda: "Edited on B" in a.get(page).text, 1.0, interval=0.02,
             what="B's edit on A's cached page")
    print("published on A, on B's New Articles after %.0f ms" % (took * 1000))


def test_views_split_across_servers_add_up():
    site = PgSite("scale-views")
    x = site.new("Xray", "x", publish=True)
    y = site.new("Yankee", "y", publish=True)
    z = site.new("Zulu", "z", publish=True)
    a = site.serve(flush_ms=200)
    b = site.serve(flush_ms=200)
    # Alone, A would rank X, Z, Y and B would rank Y, Z; together the site
    # ranks Y (41), Z (40), X (39). One view missed anywhere changes that.
    plan = {a: {x: 39, y: 1, z: 20}, b: {y: 40, z: 20}}
    threads = []
    for srv, views in plan.items():
        for art, n in views.items():
            t = threading.Thread(target=srv.view, args=(art.path, n))
            t.start()
            threads.append(t)
    for t in threads:
        t.join()
    site.wait_views({x.id: 39, y.id: 41, z.id: 40})
    want = [y.path, z.path, x.path]
    for s in (a, b):
        wait_for(lambda: most_viewed(s) == want, 2 * 0.2 * 2 + 2,
                 what="Most viewed on :%d is %r (got %r)" % (s.port, want, most_viewed(s)))
    # Each server wrote one row per article, day and flush, not one per view.
    rows = site._query("SELECT count(*) FROM views_hourly")[0][0]
    check_eq(rows, 3, "hourly rows")


def test_scheduled_goes_live_once():
    site = PgSite("scale-sched")
    site.new("Already out", "body", publish=True)
    at = int(time.time()) + 3
    sched = site.new("Timed story", "body", at=at)
    check_eq(sched.status, "scheduled", "status")
    a = site.serve(flush_ms=100)
    b = site.serve(flush_ms=100)
    for s in (a, b):
        check(sched.path not in block_raw(s.get("/").text, "new-articles"), "not live yet")
    for s in (a, b):
        wait_for(lambda: sched.path in block_raw(s.get("/").text, "new-articles"), 8,
                 what="the scheduled article on :%d" % s.port)
    time.sleep(1.0)  # both servers have passed its time by several ticks
    check_eq(site._query("SELECT count(*) FROM scheduled_live")[0][0], 1, "claims")
    said = sum(len(re.findall(r"scheduled article %d is live" % sched.id, s.stderr()))
               for s in (a, b))
    check_eq(said, 1, "servers that announced it")
    live = sum(int(re.search(r"^gazette_scheduled_live_total (\d+)$",
                             s.get("/metrics").text, re.M).group(1)) for s in (a, b))
    check_eq(live, 1, "gazette_scheduled_live_total over both servers")


def test_login_and_settings_hold_on_every_server():
    site = PgSite("scale-login")
    site.add_user("ana", "admin", password="correct horse 1")
    site.add_user("bob", "author", password="correct horse 2")
    a = site.serve()
    b = site.serve()
    adm = a.admin_login("ana", "correct horse 1")
    # The same cookie on B: the session is in the database.
    adm.srv = b
    check_eq(adm.get("/admin/articles").status, 200, "B accepts A's session")
    # A setting saved through B goes live on A (settings are notified).
    fields = settings_form(adm)
    fields["site.title"] = "Shared Title"
    check_eq(adm.post("/admin/settings", fields).status, 303, "settings saved on B")
    wait_for(lambda: "Shared Title" in a.get("/").text, 2, what="B's setting on A")
    # Logging out on B ends the session on A too.
    adm.post("/admin/logout", {})
    adm.srv = a
    r = adm.get("/admin/articles")
    check(r.status in (302, 303), "A's page after logging out on B: %d" % r.status)
    # Throttling is shared: failures on A lock the account on B.
    for i in range(6):
        r = a.admin_client(source="127.0.0.%d" % (30 + i)).login("bob", "wrong-pass")
        check_eq(r.status, 401, "failure %d on A" % (i + 1))
    r = b.admin_client(source="127.0.0.40").login("bob", "correct horse 2")
    check_eq(r.status, 429, "B refuses the account A locked")


def test_database_restart_loses_no_view():
    site = PgSite("scale-restart")
    arts = [site.new("Story %d" % i, "body %d" % i, publish=True) for i in range(3)]
    a = site.serve(flush_ms=100)
    b = site.serve(flush_ms=100)
    for s in (a, b):
        for art in arts:
            check_eq(s.get(art.path).status, 200, "warm the cache")
    sent = {art.id: 0 for art in arts}
    errors = []
    stop = threading.Event()

    def burst(srv, art):
        c = srv.conn()
        try:
            while not stop.is_set():
                r = srv.get(art.path, ua=BROWSER_UA, conn=c)
                if r.status != 200:
                    errors.append((srv.port, art.path, r.status))
                    return
                with lock:
                    sent[art.id] += 1
        finally:
            c.close()

    lock = threading.Lock()
    threads = [threading.Thread(target=burst, args=(s, art)) for s in (a, b) for art in arts]
    for t in threads:
        t.start()
    time.sleep(0.5)
    pg_restart()
    # While it came back, readiness said so; cached pages never failed.
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    check_eq(errors, [], "error answers for cached articles")
    check(all(n > 0 for n in sent.values()), "views were sent: %r" % sent)
    site.wait_views(dict(sent), timeout=20)
    for s in (a, b):
        wait_for(lambda: s.get("/readyz").status == 200, 10, what="ready again")


def metric(srv, name):
    m = re.search(r"^%s (\d+)$" % re.escape(name), srv.get("/metrics").text, re.M)
    check(m, "%s in /metrics" % name)
    return int(m.group(1))


def test_connections_killed_come_back():
    site = PgSite("scale-killed")
    art = site.new("Cached", "body", publish=True)
    a = site.serve(flush_ms=100)
    check_eq(a.get(art.path).status, 200, "cached")
    harness.psql(site.base, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE pid <> pg_backend_pid() AND datname = current_database()")
    # Every connection comes back by itself; the page never failed.
    check_eq(a.get(art.path).status, 200, "cached page while reconnecting")
    wait_for(lambda: a.get("/readyz").status == 200, 10, what="ready after reconnecting")
    a.view(art.path, 3)
    site.wait_views({art.id: 3})


def test_a_dead_connection_is_replaced_before_its_next_query():
    # The store notices a connection the server closed (pg.c, check_idle)
    # before it sends a query on it: the first query after the restart of
    # a backend succeeds instead of failing once.
    site = PgSite("scale-idle")
    a = site.serve(flush_ms=60000, threads=1)
    check_eq(a.get("/readyz").status, 200, "ready")
    harness.psql(site.base, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE pid <> pg_backend_pid() AND datname = current_database()")
    time.sleep(0.3)  # the server's goodbye reaches the idle connections
    for i in range(3):
        check_eq(a.get("/readyz").status, 200, "/readyz %d right after the kill" % i)


def test_outage_serves_cached_pages_and_keeps_views():
    site = PgSite("scale-outage")
    art = site.new("Cached", "body", publish=True)
    other = site.new("Never rendered", "body", publish=True)
    a = site.serve(flush_ms=100)
    check_eq(a.get("/readyz").status, 200, "ready")
    a.view(art.path, 2)
    site.wait_views({art.id: 2})
    try:
        pg_server("pause")
        a.view(art.path, 5)  # served from the cache, counted in memory
        wait_for(lambda: a.get("/readyz").status == 503, 5, what="/readyz 503")
        r = a.get("/readyz")
        check("the store does not answer" in r.text and "views waiting in memory" in r.text,
              "/readyz says why: %r" % r.text)
        wait_for(lambda: metric(a, "gazette_views_pending") == 5, 5, what="5 views pending")
        check(metric(a, "gazette_store_away_seconds") >= 0, "away seconds")
        r = a.get(other.path)
        check_eq(r.status, 503, "a page never rendered, while the database is away")
        check(r.header("retry-after"), "Retry-After on 503")
        check_eq(a.get(art.path).status, 200, "the cached page, still")
    finally:
        pg_server("resume")
    site.wait_views({art.id: 7}, timeout=20)  # 2 before, 5 during
    wait_for(lambda: a.get("/readyz").status == 200, 10, what="ready again")
    check_eq(metric(a, "gazette_views_pending"), 0, "nothing pending")
    check_eq(metric(a, "gazette_views_dropped_total"), 0, "nothing dropped")
    check_eq(a.get(other.path).status, 200, "rendered once the database is back")


def test_outage_past_the_limit_drops_views_and_says_so():
    site = PgSite("scale-limit")
    art = site.new("Cached", "body", publish=True)
    a = site.serve(flush_ms=100, settings=("store.outage_seconds=1",))
    check_eq(a.get(art.path).status, 200, "cached")
    try:
        pg_server("pause")
        a.view(art.path, 4)
        wait_for(lambda: metric(a, "gazette_views_dropped_total") == 4, 10,
                 what="4 views dropped after store.outage_seconds")
    finally:
        pg_server("resume")
    wait_for(lambda: a.get("/readyz").status == 200, 10, what="ready again")
    a.view(art.path, 1)
    site.wait_views({art.id: 1})
    check("dropping 4 views" in a.stderr(), "the drop is logged")


def test_move_a_sqlite_site_to_postgresql():
    # The richest site the JSON tests build: Persian and English articles in
    # a translation group, tags with an alias, users, revisions, views,
    # readers' sketches, a referrer, an article in the trash.
    src, fa, en, gone = test_json_export.build_site()
    path, first = test_json_export.export(src, "--with-secrets")
    dst = PgSite("scale-move")
    # The schema holds a site now: a second init leaves it alone.
    rc, _, err = test_json_export.run(dst, "init")
    check(rc == 1 and "already exists" in err, "a second init: %d %r" % (rc, err))
    rc, out, err = test_json_export.run(dst, "import", "json", path)
    check_eq(rc, 0, "import json into PostgreSQL: %s" % err)
    _, again = test_json_export.export(dst, "--with-secrets")
    if again != first:
        a_lines, b_lines = first.splitlines(), again.splitlines()
        for i, (x, y) in enumerate(zip(a_lines, b_lines)):
            check_eq(y, x, "line %d of export json after the move" % (i + 1))
    check(again == first, "SQLite -> export json -> PostgreSQL -> export json is "
          "byte-identical (%d and %d bytes)" % (len(first), len(again)))
    srv = dst.serve()
    r = srv.get(fa.url)
    check_eq(r.status, 200, "the Persian article on PostgreSQL")
    check("سلام دنیا" in r.text and 'dir="rtl"' in r.text, "RTL article page")
    check_eq(srv.get(gone.url).status, 404, "the trashed article stays off the site")
    r = srv.get("/search?q=version")
    check("Hello world, again" in r.text, "search on PostgreSQL finds the moved article")
    srv.admin_login("boss", "boss password 1")  # the password hash moved too
    check_eq(sum(n for (n,) in dst._query("SELECT count FROM views_daily")), 6, "views kept")


def test_bad_import_into_postgresql_writes_nothing():
    test_json_export.check_import_refuses(PgSite)
