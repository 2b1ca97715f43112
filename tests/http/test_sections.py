"""Sections: the navigation lists the tags with the most published articles,
and /tag/SLUG lists a tag's articles, newest first, paginated."""

import re
from urllib.parse import quote

from harness import BROWSER_UA, Site, check, check_eq, wait_for


def nav(html):
    m = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S)
    check(m, "no site navigation")
    return re.findall(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', m.group(1))


def listed(html):
    m = re.search(r'<ol class="article-list">(.*?)</ol>', html, re.S)
    check(m, "no article list")
    return re.findall(r'<h2 class="article-item-title"><a href="([^"]*)">', m.group(1))


def test_sections_nav_and_pages():
    site = Site("sections")
    w = [site.new("World %d" % i, "world body %d" % i, tags="World",
                  at="2025-03-%02dT09:00Z" % (i + 1)) for i in range(5)]
    s1 = site.new("Sport one", "s", tags="Sport, World", at="2025-04-01T09:00Z")
    s2 = site.new("Sport two", "s", tags="Sport", at="2025-04-02T09:00Z")
    site.new("Science draft", "d", tags="Science")           # a draft: no section
    site.new("Later sport", "d", tags="Sport", at="2099-01-01T00:00Z")  # scheduled
    srv = site.serve(settings=["site.per_page=2", "site.sections=2"])

    home = srv.get("/", ua=BROWSER_UA).text
    # Home, then the two tags with the most published articles, most first.
    check_eq([(u, t) for u, _, t in nav(home)],
             [("/", "Home"), ("/tag/world", "World"), ("/tag/sport", "Sport")], "nav")
    check_eq([bool(c) for _, c, _ in nav(home)], [True, False, False], "current on /")

    # Newest first, two per page; drafts and scheduled articles left out.
    world = [s1] + list(reversed(w))
    p1 = srv.get("/tag/world", ua=BROWSER_UA)
    check_eq(p1.status, 200, "/tag/world")
    check('<h1 class="page-heading">World</h1>' in p1.text, "heading")
    check_eq(listed(p1.text), [a.path for a in world[:2]], "page 1")
    check('<link rel="next" href="/tag/world/page/2">' in p1.text, "rel=next")
    check_eq([bool(c) for _, c, _ in nav(p1.text)], [False, True, False], "current section")
    p3 = srv.get("/tag/world/page/3", ua=BROWSER_UA)
    check_eq(listed(p3.text), [a.path for a in world[4:6]], "page 3")
    check('<link rel="prev" href="/tag/world/page/2">' in p3.text, "rel=prev")
    check_eq(listed(srv.get("/tag/sport").text), [s2.path, s1.path], "sport")
    for path in ("/tag/world/page/4", "/tag/world/page/1", "/tag/science", "/tag/nope",
                 "/tag/", "/tag/world/extra"):
        check_eq(srv.get(path).status, 404, path)
    check_eq(srv.request("POST", "/tag/world").status, 405, "POST /tag/world")

    # An article links its tags to their sections.
    art = srv.get(s1.url).text
    check('<a href="/tag/sport" rel="tag">Sport</a>' in art, "tag link on the article")
    check('<a href="/tag/world" rel="tag">World</a>' in art, "second tag link")

    # Publishing changes the sections within a flush: Science now has more
    # articles than World.
    for i in range(6):
        site.new("Science %d" % i, "sci", tags="Science", at="2025-05-%02dT09:00Z" % (i + 1))
    wait_for(lambda: nav(srv.get("/").text)[1][0] == "/tag/science", 5,
             what="Science in the navigation")
    check_eq(srv.get("/tag/science").status, 200, "new section page")
    check_eq(site.views(), {}, "section pages counted as views")


def test_section_with_unicode_slug():
    site = Site("fasection")
    art = site.new("سلام دنیا", "متن", lang="fa", tags="ورزش", publish=True)
    srv = site.serve()
    url = "/tag/" + quote("ورزش")
    page = srv.get(url, ua=BROWSER_UA)
    check_eq(page.status, 200, "Persian section")
    check_eq(listed(page.text), [art.path], "Persian section list")
    check('<a href="/tag/ورزش" rel="tag">ورزش</a>' in srv.get(art.url).text, "tag link")
