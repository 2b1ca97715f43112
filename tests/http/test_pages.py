"""Pages: 404s, canonical redirects, Persian articles, pagination, assets."""

import os
import re
from urllib.parse import quote, unquote, urlsplit

from harness import BROWSER_UA, Site, block, check, check_eq


def test_404_pages_have_blocks():
    site = Site("notfound")
    arts = [site.new("Known %d" % i, "known body %d" % i, at="2025-02-0%dT08:00Z" % (i + 1))
            for i in range(3)]
    draft = site.new("A draft", "draft body")
    future = site.new("In the future", "future body", at="2099-06-01T00:00Z")
    srv = site.serve()
    want_new = [a.path for a in reversed(arts)]
    paths = ["/2025/02/no-such-slug", "/no-such-page", "/a/b/c", "/page/abc",
             "/page/99", "/assets/no-such.css", "/2025/02", "/index.html",
             draft.url, future.url]
    bad = []
    for path in paths:
        r = srv.get(path, ua=BROWSER_UA)
        try:
            check_eq(r.status, 404, path)
            ct = r.header("content-type") or ""
            check(ct.startswith("text/html"), "%s: Content-Type %r" % (path, ct))
            check_eq([h for h, _, _ in block(r.text, "new-articles")], want_new,
                     "New Articles on the 404 page for %s" % path)
            block(r.text, "most-viewed")
        except AssertionError as e:
            bad.append(str(e))
    check(not bad, "%d of %d not-found paths wrong:\n  %s"
          % (len(bad), len(paths), "\n  ".join(bad)))
    check_eq(site.views(), {}, "404 pages counted as views")


def test_301_wrong_year_or_month():
    site = Site("redirect")
    art = site.new("Moved around", "moved body", at="2025-03-04T10:00Z")
    srv = site.serve()
    check_eq(art.path, "/2025/03/moved-around", "CLI URL")
    for wrong in ("/2025/04/moved-around", "/2024/03/moved-around", "/1999/12/moved-around",
                  "/2025/00/moved-around", "/2025/13/moved-around"):
        r = srv.get(wrong)
        check_eq(r.status, 301, wrong)
        loc = r.header("location")
        check(loc, "%s: no Location" % wrong)
        check_eq(urlsplit(loc).path, art.path, "%s: Location" % wrong)
        check_eq(len(r.body), int(r.header("content-length") or 0), "301 framing")
    r = srv.get(urlsplit(srv.get("/2025/04/moved-around").header("location")).path)
    check_eq(r.status, 200, "following the redirect")
    check("Moved around" in r.text, "the article")
    # A redirect only for a known slug: an unknown slug is 404 whatever the date.
    check_eq(srv.get("/2025/04/not-moved").status, 404, "unknown slug, other month")


def test_persian_article():
    site = Site("persian")
    title = "سلام دنیا، خبر تازه"
    body = "این یک متن آزمایشی برای خبر تازه است."
    art = site.new(title, body, lang="fa", at="2025-06-10T09:00Z")
    en = site.new("English one", "english body", at="2025-06-01T09:00Z")
    srv = site.serve()
    slug = art.path.rsplit("/", 1)[1]
    check(re.search("[\u0600-\u06ff]", slug), "slug is not Persian: %r" % art.path)
    check(art.path.startswith("/2025/06/"), "path %r" % art.path)
    r = srv.get(art.url)  # percent-encoded UTF-8
    check_eq(r.status, 200, "GET %s" % art.url)
    m = re.search(r"<html([^>]*)>", r.text)
    check(m, "no <html> tag")
    check('lang="fa"' in m.group(1) and 'dir="rtl"' in m.group(1),
          "<html%s>: lang/dir" % m.group(1))
    check("<h1" in r.text and title in r.text, "Persian title on the page")
    check(body in r.text, "Persian body on the page")
    # Lower-case hex escapes decode to the same path.
    check_eq(srv.get(quote(art.path, safe="/").lower()).status,
             200, "lower-case percent-encoding")
    # The blocks mark the Persian entry as right-to-left.
    home = srv.get("/").text
    check_eq([h for h, _, _ in block(home, "new-articles")], [art.path, en.path], "New Articles")
    link = re.search(r'<a class="block-title" href="%s"([^>]*)>' % re.escape(art.path), home)
    check(link and 'lang="fa"' in link.group(1) and 'dir="rtl"' in link.group(1),
          "Persian block entry without lang/dir")
    m = re.search(r"<html([^>]*)>", srv.get(en.url).text)
    check('dir="ltr"' in m.group(1) or "dir=" not in m.group(1), "English page dir")
    # The wrong month redirects to the percent-encoded canonical URL.
    wrong = quote("/2025/07/" + slug, safe="/")
    r = srv.get(wrong)
    check_eq(r.status, 301, "Persian slug, wrong month")
    loc = r.header("location")
    check(all(ord(ch) < 128 for ch in loc), "Location not ASCII: %r" % loc)
    check_eq(unquote(urlsplit(loc).path), art.path, "Location decodes to the article")
    check_eq(srv.get(urlsplit(loc).path).status, 200, "following the Persian redirect")


def pagination_links(text):
    links = {}
    for rel in ("next", "prev"):
        hrefs = set(re.findall(r'<(?:link|a)\b[^>]*rel="%s"[^>]*href="([^"]*)"' % rel, text) +
                    re.findall(r'<(?:link|a)\b[^>]*href="([^"]*)"[^>]*rel="%s"' % rel, text))
        check(len(hrefs) <= 1, "several rel=%s targets: %r" % (rel, hrefs))
        links[rel] = hrefs.pop() if hrefs else None
    return links


def listed(text):
    m = re.search(r'<ol class="article-list">(.*?)</ol>', text, re.S)
    check(m, "no article list")
    return re.findall(r'<h2 class="article-item-title"><a href="([^"]*)">', m.group(1))


def test_home_pagination():
    site = Site("pages")
    arts = [site.new("Paged %d" % i, "paged body %d" % i,
                     at="2025-01-%02dT12:00Z" % (i + 1)) for i in range(7)]
    site.new("Paged draft", "draft")
    site.new("Paged future", "future", at="2099-01-01T00:00Z")
    srv = site.serve(settings=("site.per_page=3",))
    newest_first = [a.path for a in reversed(arts)]
    want = {"/": (newest_first[0:3], None, "/page/2"),
            "/page/2": (newest_first[3:6], "/", "/page/3"),
            "/page/3": (newest_first[6:], "/page/2", None)}
    for path, (items, prev, nxt) in want.items():
        r = srv.get(path)
        check_eq(r.status, 200, path)
        check_eq(listed(r.text), items, "%s: articles" % path)
        links = pagination_links(r.text)
        check_eq(links["prev"], prev, "%s: rel=prev" % path)
        check_eq(links["next"], nxt, "%s: rel=next" % path)
        block(r.text, "new-articles")
        block(r.text, "most-viewed")
    for path in ("/page/4", "/page/100", "/page/0", "/page/-1", "/page/1", "/page/02x"):
        check_eq(srv.get(path).status, 404, path)
    srv.stop()
    # Exactly per_page articles: one page, no /page/2, no rel=next.
    site2 = Site("onepage")
    for i in range(3):
        site2.new("One %d" % i, "b", at="2025-01-%02dT12:00Z" % (i + 1))
    srv2 = site2.serve(settings=("site.per_page=3",))
    check_eq(pagination_links(srv2.get("/").text), {"next": None, "prev": None}, "one page")
    check_eq(srv2.get("/page/2").status, 404, "/page/2 with exactly per_page articles")


def test_assets():
    site = Site("assets")
    theme = os.path.join(site.dir, "theme")
    os.makedirs(os.path.join(theme, "assets"))
    with open(os.path.join(theme, "assets", "extra.txt"), "w") as f:
        f.write("extra asset\n")
    with open(os.path.join(theme, "secret.txt"), "w") as f:
        f.write("TOP-SECRET-THEME\n")
    with open(os.path.join(site.dir, "secret.txt"), "w") as f:
        f.write("TOP-SECRET-SITE\n")
    srv = site.serve(extra=("--theme", theme))
    r = srv.get("/assets/style.css")
    check_eq(r.status, 200, "style.css")
    check((r.header("content-type") or "").startswith("text/css"),
          "Content-Type %r" % r.header("content-type"))
    check(len(r.body) > 100 and b"{" in r.body, "style.css body")
    etag = r.header("etag")
    check(etag, "style.css has no ETag")
    check_eq(int(r.header("content-length")), len(r.body), "Content-Length")
    r304 = srv.get("/assets/style.css", headers={"If-None-Match": etag})
    check_eq(r304.status, 304, "style.css with If-None-Match")
    check_eq(r304.body, b"", "304 body")
    check_eq(srv.get("/assets/style.css", headers={"If-None-Match": '"x"'}).status, 200,
             "style.css with another ETag")
    # The versioned URL the pages link to.
    link = re.search(r'href="(/assets/style\.css\?v=[^"]+)"', srv.get("/").text)
    check(link, "the home page links the stylesheet with ?v=")
    r = srv.get(link.group(1))
    check_eq(r.status, 200, link.group(1))
    check("immutable" in (r.header("cache-control") or ""), "versioned asset Cache-Control")
    check_eq(srv.get("/assets/extra.txt").body, b"extra asset\n", "theme directory asset")

    evil = ["/assets/../x", "/assets/%2e%2e/x", "/assets/x%00", "/assets/../secret.txt",
            "/assets/%2e%2e/secret.txt", "/assets/%2e%2e%2fsecret.txt",
            "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
            "/assets/..%5csecret.txt", "/assets//etc/passwd", "/assets/%2fetc%2fpasswd",
            "/assets/../../../../../../etc/passwd", "/assets/style.css%00.txt",
            "/assets/./style.css/../../secret.txt", "/assets/%252e%252e/secret.txt"]
    for path in evil:
        resps, _ = srv.raw("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
        check(resps, "%s: no response" % path)
        r = resps[0]
        check(400 <= r.status < 500, "%s: status %d" % (path, r.status))
        for secret in (b"TOP-SECRET", b"root:"):
            check(secret not in r.body, "%s: served a file outside assets/" % path)


def test_assets_compressed():
    site = Site("assetgz")
    srv = site.serve()
    plain = srv.get("/assets/style.css")
    check_eq(plain.status, 200, "style.css")
    check(plain.header("content-encoding") is None, "identity without Accept-Encoding")
    gz = srv.get("/assets/style.css", headers={"Accept-Encoding": "gzip"})
    check_eq(gz.header("content-encoding"), "gzip", "gzip for a stylesheet")
    import gzip as gzip_module
    check_eq(gzip_module.decompress(gz.body), plain.body, "gzip decodes to the stylesheet")
    check(len(gz.body) < len(plain.body) / 2, "gzip is smaller")
    check("Accept-Encoding" in (gz.header("vary") or ""), "Vary on a compressed asset")
    versioned = srv.get("/assets/style.css?v=1")
    check("immutable" in (versioned.header("cache-control") or ""), "versioned: immutable")
    check("max-age=300" in (plain.header("cache-control") or ""), "unversioned: short")
