"""The sidebar blocks: "New Articles" and "Most viewed"."""

import time

from harness import Site, block, block_raw, check, check_eq, wait_for

BASE = 1740830400  # 2025-03-01T12:00:00Z
DAY = 86400

WORDS40 = " ".join("word%02d" % i for i in range(1, 41))
WORDS30 = " ".join("word%02d" % i for i in range(1, 31))
EVIL_TITLE = 'Delta <script>alert(1)</script> & "co"'
EVIL_SUMMARY = "Sum <b>bold</b> & 'q' <img src=x onerror=alert(2)>"


def seed(site):
    """Seven published articles whose ids are not in date order, plus a draft,
    a scheduled one and an unpublished one, all "newer" than the rest."""
    a = {}
    a["alpha"] = site.new("Alpha", "alpha body", summary="Alpha summary", at=BASE + 1 * DAY)
    a["bravo"] = site.new("Bravo", WORDS40, at=BASE + 5 * DAY)
    a["charlie"] = site.new("Charlie", "Short body of charlie here.", at=BASE + 3 * DAY)
    a["delta"] = site.new(EVIL_TITLE, "delta body", summary=EVIL_SUMMARY, at=BASE + 6 * DAY)
    a["echo"] = site.new("Echo", WORDS30, at=BASE + 2 * DAY)
    a["foxtrot"] = site.new("Foxtrot", "foxtrot body", at=BASE + 4 * DAY)
    a["golf"] = site.new("Golf", "golf body", summary="Golf summary", at=BASE + 7 * DAY)
    a["draft"] = site.new("Hotel draft", "draft body")
    a["future"] = site.new("India scheduled", "future body", at="2099-01-01T00:00Z")
    a["gone"] = site.new("Juliet unpublished", "gone body", publish=True)
    site.unpublish(a["gone"].id)
    check_eq(a["draft"].status, "draft", "draft status")
    check_eq(a["future"].status, "scheduled", "scheduled status")
    return a


def expected_new(a):
    order = ["golf", "delta", "bravo", "foxtrot", "charlie"]
    teasers = {
        "golf": "Golf summary",
        "delta": EVIL_SUMMARY,
        "bravo": WORDS30 + "...",
        "foxtrot": "foxtrot body",
        "charlie": "Short body of charlie here.",
    }
    return [(a[k].path, a[k].title, teasers[k]) for k in order]


def pages_to_check(a):
    # Unknown paths of other shapes are test_pages' business.
    return ["/", a["alpha"].path, a["golf"].path, a["echo"].path, "/2025/03/no-such-slug"]


def test_new_articles_block_everywhere():
    site = Site("newblocks")
    a = seed(site)
    srv = site.serve()
    want = expected_new(a)
    for path in pages_to_check(a):
        r = srv.get(path)
        check(r.status in (200, 404), "%s: status %d" % (path, r.status))
        check_eq(block(r.text, "new-articles"), want, "New Articles on %s" % path)
        check_eq(block(r.text, "most-viewed"), [], "Most viewed (no views yet) on %s" % path)
        for k in ("draft", "future", "gone", "alpha", "echo"):
            check(a[k].path not in block_raw(r.text, "new-articles"),
                  "%s listed in New Articles on %s" % (k, path))


def test_teasers():
    site = Site("teasers")
    a = seed(site)
    srv = site.serve()
    entries = {href: teaser for href, _, teaser in block(srv.get("/").text, "new-articles")}
    check_eq(entries[a["golf"].path], "Golf summary", "teaser from the summary")
    check_eq(entries[a["bravo"].path], WORDS30 + "...", "teaser cut at 30 words")
    check_eq(entries[a["charlie"].path], "Short body of charlie here.",
             "short body: whole, no '...'")
    # Exactly 30 words: nothing is cut, so no "...".
    srv.view(a["echo"].path)
    wait_for(lambda: a["echo"].path in block_raw(srv.get("/").text, "most-viewed"), 5,
             what="echo in Most viewed")
    mv = {href: t for href, _, t in block(srv.get("/").text, "most-viewed")}
    check_eq(mv[a["echo"].path], WORDS30, "30-word body teaser (no cut)")


def test_titles_and_teasers_escaped():
    site = Site("escape")
    a = seed(site)
    srv = site.serve()
    for path in ("/", a["delta"].path, a["alpha"].path):
        r = srv.get(path)
        check_eq(r.status, 200, path)
        raw = block_raw(r.text, "new-articles")
        check("Delta &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in raw,
              "escaped title missing from New Articles on %s" % path)
        check("&lt;b&gt;bold&lt;/b&gt;" in raw, "escaped summary missing on %s" % path)
        check("<script>alert(1)" not in r.text, "raw <script> on %s" % path)
        check("<b>bold</b>" not in r.text, "raw <b> from the summary on %s" % path)
        check("<img src=x" not in r.text, "raw <img> from the summary on %s" % path)
    # The article's own heading is escaped too.
    r = srv.get(a["delta"].path)
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text.split("<aside")[0],
          "escaped title missing from the article body part")


VIEWS = {"foxtrot": 9, "bravo": 6, "charlie": 4, "delta": 4, "alpha": 2, "echo": 1}


def most_viewed_paths(srv, path="/"):
    return [h for h, _, _ in block(srv.get(path).text, "most-viewed")]


def test_most_viewed_order():
    site = Site("mostviewed")
    a = seed(site)
    srv = site.serve(threads=3)
    c = srv.conn()
    for k, n in VIEWS.items():
        srv.view(a[k].path, n, conn=c)
    c.close()
    site.wait_views({a[k].id: n for k, n in VIEWS.items()})
    # charlie and delta tie at 4: the higher id (delta) comes first. echo (1
    # view) is sixth and left out.
    want = [a[k].path for k in ("foxtrot", "bravo", "delta", "charlie", "alpha")]
    wait_for(lambda: most_viewed_paths(srv) == want, 5,
             what="Most viewed order %r" % want)
    for path in pages_to_check(a):
        got = block(srv.get(path).text, "most-viewed")
        check_eq([h for h, _, _ in got], want, "Most viewed on %s" % path)
        check_eq(got[2][1], EVIL_TITLE, "title in Most viewed")
        check_eq(got[1][2], WORDS30 + "...", "teaser in Most viewed")
        check_eq(block(srv.get(path).text, "new-articles"), expected_new(a),
                 "New Articles unchanged by views on %s" % path)


def test_views_move_article_up():
    site = Site("moveup")
    a = seed(site)
    srv = site.serve()
    for k, n in VIEWS.items():
        srv.view(a[k].path, n)
    site.wait_views({a[k].id: n for k, n in VIEWS.items()})
    before = [a[k].path for k in ("foxtrot", "bravo", "delta", "charlie", "alpha")]
    wait_for(lambda: most_viewed_paths(srv, a["golf"].path) == before, 5,
             what="first Most viewed order")
    # echo: 1 + 10 = 11 views, now first; alpha drops out.
    srv.view(a["echo"].path, 10)
    want = [a[k].path for k in ("echo", "foxtrot", "bravo", "delta", "charlie")]
    wait_for(lambda: most_viewed_paths(srv, a["golf"].path) == want, 5,
             what="echo first in Most viewed")
    check_eq(most_viewed_paths(srv, "/"), want, "home page Most viewed")
    want_views = {a[k].id: n for k, n in VIEWS.items()}
    want_views[a["echo"].id] = 11
    site.wait_views(want_views)


def test_unpublished_leaves_blocks():
    site = Site("unpub")
    a = seed(site)
    srv = site.serve()
    srv.view(a["golf"].path, 3)
    srv.view(a["alpha"].path, 1)
    wait_for(lambda: most_viewed_paths(srv) == [a["golf"].path, a["alpha"].path], 5,
             what="golf, alpha in Most viewed")
    site.unpublish(a["golf"].id)
    wait_for(lambda: a["golf"].path not in block_raw(srv.get("/").text, "most-viewed"), 3,
             what="unpublished article gone from Most viewed")
    want = [(a[k].path) for k in ("delta", "bravo", "foxtrot", "charlie", "echo")]
    check_eq([h for h, _, _ in block(srv.get("/").text, "new-articles")], want,
             "New Articles after unpublishing the newest")
    check_eq(srv.get(a["golf"].path).status, 404, "unpublished article page")


def test_scheduled_article_appears_on_time():
    site = Site("scheduled")
    old1 = site.new("Old one", "old one body", at=BASE)
    old2 = site.new("Old two", "old two body", at=BASE + DAY)
    at = int(time.time()) + 3
    sched = site.new("Scheduled soon", "it is time", at=at)
    check_eq(sched.status, "scheduled", "CLI status of a future article")
    srv = site.serve()
    r = srv.get("/")
    check_eq([h for h, _, _ in block(r.text, "new-articles")], [old2.path, old1.path],
             "New Articles before the scheduled time")
    check_eq(srv.get(sched.url).status, 404, "scheduled article page before its time")
    check(sched.path not in r.text, "scheduled article linked from the home page early")

    def appeared():
        text = srv.get(old1.path).text
        after = time.time()  # the server answered before this instant
        hrefs = [h for h, _, _ in block(text, "new-articles")]
        if sched.path in hrefs:
            check(after >= at, "scheduled article shown %.2fs before its time" % (at - after))
            return hrefs
        return None

    hrefs = wait_for(appeared, at - time.time() + 3.0, interval=0.1,
                     what="the scheduled article in New Articles")
    check_eq(hrefs, [sched.path, old2.path, old1.path], "New Articles after the time")
    r = srv.get(sched.url)
    check_eq(r.status, 200, "scheduled article page after its time")
    check("it is time" in r.text, "scheduled article body")
    check(sched.path in srv.get("/").text, "home page lists the scheduled article")
