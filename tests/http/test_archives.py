"""Author pages (/author/ID-SLUG) and monthly archives (/YYYY/MM/): the
right articles, newest first, paginated with rel="prev"/"next", one address
per page (301 to it), and 404 for empty or out-of-range pages."""

import re
from urllib.parse import quote, unquote, urlsplit

from harness import BROWSER_UA, Site, check, check_eq, wait_for
from test_meta import Head


def listed(text):
    m = re.search(r'<ol class="article-list">(.*?)</ol>', text, re.S)
    check(m, "no article list")
    return re.findall(r'<h2 class="article-item-title"><a href="([^"]*)">', m.group(1))


def visible_links(text):
    """rel=prev/next of the visible pagination."""
    m = re.search(r'<nav class="pagination"[^>]*>(.*?)</nav>', text, re.S)
    if not m:
        return {}
    return {rel: href for href, rel in re.findall(r'<a href="([^"]*)" rel="(prev|next)"',
                                                  m.group(1))}


def check_pages(srv, pages):
    """pages: {path: (article paths, prev, next)}: each page lists those
    articles and links its neighbours in <head> and in the page."""
    for path, (items, prev, nxt) in pages.items():
        r = srv.get(quote(path, safe="/"), ua=BROWSER_UA)
        check_eq(r.status, 200, path)
        check_eq(listed(r.text), items, "%s: articles" % path)
        h = Head(r.text)
        check_eq((h.link("prev"), h.link("next")), (prev, nxt), "%s: <link> prev/next" % path)
        want = {k: v for k, v in (("prev", prev), ("next", nxt)) if v}
        check_eq(visible_links(r.text), want, "%s: visible pagination" % path)
        check_eq(h.link("canonical").split("//", 1)[1].split("/", 1)[1], path.lstrip("/"),
                 "%s: canonical" % path)


def author_id(site, name):
    return site._query("SELECT id FROM authors WHERE name = '%s'" % name)[0][0]


def test_author_pages():
    site = Site("authors")
    jane = [site.new("Jane %d" % i, "body %d" % i, author="Jane Doe",
                     at="2025-02-%02dT09:00Z" % (i + 1)) for i in range(5)]
    site.new("Jane's draft", "d", author="Jane Doe")
    site.new("Jane's future", "f", author="Jane Doe", at="2099-01-01T00:00Z")
    other = site.new("Other one", "o", author="Sam Roe", at="2025-02-10T09:00Z")
    site.new("Ghost draft", "g", author="Ghost Writer")
    srv = site.serve(settings=("site.per_page=2",))
    jid = author_id(site, "Jane Doe")
    base = "/author/%d-jane-doe" % jid
    newest = [a.path for a in reversed(jane)]
    check_pages(srv, {
        base: (newest[0:2], None, base + "/page/2"),
        base + "/page/2": (newest[2:4], base, base + "/page/3"),
        base + "/page/3": (newest[4:], base + "/page/2", None),
    })
    p1 = srv.get(base).text
    check("<h1 class=\"page-heading\">Articles by Jane Doe</h1>" in p1, "heading")
    check(other.path not in listed(p1), "another author's article")
    # One address per page: the id decides, the slug is corrected.
    for path, want in (("/author/%d" % jid, base), ("/author/%d-jane" % jid, base),
                       ("/author/%d-JANE-DOE" % jid, base),
                       ("/author/%d/page/2" % jid, base + "/page/2"),
                       ("/author/%d-x/page/3" % jid, base + "/page/3")):
        r = srv.get(path)
        check_eq(r.status, 301, path)
        check_eq(urlsplit(r.header("location")).path, want, "%s: Location" % path)
    # 404: past the last page, page 1 spelled out, no articles, no author.
    gid = author_id(site, "Ghost Writer")
    for path in (base + "/page/4", base + "/page/1", base + "/page/0", base + "/",
                 "/author/%d-ghost-writer" % gid, "/author/99999-nobody", "/author/0-x",
                 "/author/x-jane", "/author/", "/author/-1"):
        check_eq(srv.get(path).status, 404, path)
    # The byline links to the page; a view of it is no article view.
    art = srv.get(jane[0].url).text
    check('<a href="%s" rel="author">Jane Doe</a>' % base in art, "byline link")
    srv.view(base, 2)
    check_eq(site.views(), {}, "author pages counted as views")


def test_author_with_non_ascii_name():
    site = Site("author-fa")
    arts = [site.new("گزارش %d" % i, "متن", lang="fa", author="مریم احمدی",
                     at="2025-03-%02dT09:00Z" % (i + 1)) for i in range(2)]
    srv = site.serve()
    aid = author_id(site, "مریم احمدی")
    path = "/author/%d-مریم-احمدی" % aid
    r = srv.get(quote(path, safe="/"))
    check_eq(r.status, 200, path)
    check_eq(listed(r.text), [a.path for a in reversed(arts)], "Persian author's articles")
    check("مریم احمدی" in Head(r.text).title, "title")
    r = srv.get("/author/%d" % aid)
    check_eq(r.status, 301, "no slug")
    loc = r.header("location")
    check(all(ord(c) < 128 for c in loc), "Location not ASCII: %r" % loc)
    check_eq(unquote(urlsplit(loc).path), path, "Location decodes to the page")


def test_monthly_archives():
    site = Site("months")
    march = [site.new("March %d" % i, "m", at="2025-03-%02dT09:00Z" % (i + 1)) for i in range(4)]
    last_of_march = site.new("Late in March", "m", at="2025-03-31T23:59:59Z")
    first_of_april = site.new("Early in April", "a", at="2025-04-01T00:00:00Z")
    site.new("May draft", "d")
    site.cli("publish", site.new("June draft", "d").id, "--at", "2099-06-01T00:00Z")
    persian = site.new("خبر ژوئیه", "متن", lang="fa", at="2025-07-15T09:00Z")
    srv = site.serve(settings=("site.per_page=2",))
    newest = [last_of_march.path] + [a.path for a in reversed(march)]
    check_pages(srv, {
        "/2025/03/": (newest[0:2], None, "/2025/03/page/2"),
        "/2025/03/page/2": (newest[2:4], "/2025/03/", "/2025/03/page/3"),
        "/2025/03/page/3": (newest[4:], "/2025/03/page/2", None),
        "/2025/04/": ([first_of_april.path], None, None),
    })
    p = srv.get("/2025/03/").text
    check("<h1 class=\"page-heading\">Articles from March 2025</h1>" in p, "heading")
    # Every month with articles, newest first, with counts; this one current.
    months = re.findall(r'<li><a href="(/\d{4}/\d\d/)"( aria-current="page")?>([^<]*)</a> '
                        r'<span class="count">\((\d+)\)</span></li>', p)
    check_eq([(u, bool(c), n, int(k)) for u, c, n, k in months],
             [("/2025/07/", False, "July 2025", 1), ("/2025/04/", False, "April 2025", 1),
              ("/2025/03/", True, "March 2025", 5)], "months list")
    # A Persian article in an English archive keeps its lang/dir.
    july = srv.get("/2025/07/").text
    check(re.search(r'<li class="article-item" lang="fa" dir="rtl">', july), "RTL entry")
    check(persian.path in listed(july), "Persian article listed")
    for path in ("/2025/05/", "/2099/06/", "/2025/13/", "/2025/00/", "/2025/03/page/4",
                 "/2025/03/page/1", "/2025/03/page/0", "/2025/03", "/1999/01/",
                 "/2025/03/page/2/", "/2025/3/"):
        check_eq(srv.get(path).status, 404, path)
    # A new article shows in its month at once (within a flush).
    new = site.new("Fresh in May", "n", at="2025-05-20T09:00Z")
    wait_for(lambda: srv.get("/2025/05/").status == 200, 5, what="/2025/05/ after a save")
    check_eq(listed(srv.get("/2025/05/").text), [new.path], "May")
    srv.view("/2025/03/", 2)
    check_eq(site.views(), {}, "archive pages counted as views")
