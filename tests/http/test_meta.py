"""Metadata on every page type: <title>, meta description, canonical link,
OpenGraph and Twitter card tags, JSON-LD (NewsArticle and BreadcrumbList)
that parses and survives hostile titles; and HTML validity of the main page
types with Debian's tidy."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from harness import Site, check, check_eq

SITE_URL = "https://news.example"
SETTINGS = ("site.url=" + SITE_URL, "site.title=The Test Gazette",
            "site.description=All the news that fits the tests")


class Head(HTMLParser):
    """What a page says about itself: <title>, meta tags by name or
    property, <link>s, JSON-LD blocks (parsed) and <html> attributes."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.title = None
        self.meta = {}          # name or property -> [content, ...]
        self.links = []         # dicts of attributes
        self.jsonld = []        # raw text of each ld+json script
        self.html_attrs = {}
        self.scripts = 0
        self._in = None
        self._buf = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        elif tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content"))
        elif tag == "link":
            self.links.append(a)
        elif tag in ("title", "script"):
            if tag == "script":
                self.scripts += 1
                check_eq(a.get("type"), "application/ld+json", "the only script kind")
            self._in, self._buf = tag, []

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag == "title":
                self.title = text
            else:
                self.jsonld.append(text)
            self._in = None

    def one(self, key):
        vals = self.meta.get(key, [])
        check(len(vals) == 1, "meta %s: %d values %r" % (key, len(vals), vals))
        return vals[0]

    def link(self, rel):
        hrefs = [l.get("href") for l in self.links if l.get("rel") == rel and "hreflang" not in l
                 and "type" not in l]
        check(len(hrefs) <= 1, "several <link rel=%s>: %r" % (rel, hrefs))
        return hrefs[0] if hrefs else None

    def alternates(self):
        return {l["hreflang"]: l["href"] for l in self.links
                if l.get("rel") == "alternate" and "hreflang" in l}

    def data(self):
        """Every JSON-LD object, parsed; fails on one that does not parse."""
        out = []
        for raw in self.jsonld:
            check("<" not in raw, "a raw '<' in JSON-LD: %r" % raw[:200])
            try:
                out.append(json.loads(raw))
            except ValueError as e:
                raise AssertionError("JSON-LD does not parse: %s: %r" % (e, raw[:300]))
        return out

    def of_type(self, kind):
        found = [d for d in self.data() if d.get("@type") == kind]
        check(len(found) == 1, "%d JSON-LD %s objects" % (len(found), kind))
        check_eq(found[0].get("@context"), "https://schema.org", "%s @context" % kind)
        return found[0]


def breadcrumb_names(head):
    items = head.of_type("BreadcrumbList")["itemListElement"]
    check_eq([i["position"] for i in items], list(range(1, len(items) + 1)), "positions")
    return [(i["name"], i.get("item")) for i in items]


def set_image(site, article_id, url):
    c = sqlite3.connect(site.db)
    try:
        c.execute("UPDATE articles SET image = ? WHERE id = ?", (url, article_id))
        c.commit()
    finally:
        c.close()


def author_id(site, name):
    return site._query("SELECT id FROM authors WHERE name = '%s'" % name.replace("'", "''"))[0][0]


def test_article_metadata():
    site = Site("meta-article")
    art = site.new("Rivers rise after storm", "The river rose two metres overnight.",
                   summary="Flood warnings along the valley.", tags="Weather, Floods",
                   author="Jane Doe", at="2025-03-04T10:30Z")
    set_image(site, art.id, "/media/ab/river.jpg")
    srv = site.serve(settings=SETTINGS)
    r = srv.get(art.url)
    check_eq(r.status, 200, art.path)
    h = Head(r.text)
    canonical = SITE_URL + art.path
    check_eq(h.title, "Rivers rise after storm — The Test Gazette", "<title>")
    check_eq(h.one("description"), "Flood warnings along the valley.", "meta description")
    check_eq(h.link("canonical"), canonical, "canonical")
    check_eq(h.one("og:title"), "Rivers rise after storm", "og:title")
    check_eq(h.one("og:type"), "article", "og:type")
    check_eq(h.one("og:url"), canonical, "og:url")
    check_eq(h.one("og:description"), "Flood warnings along the valley.", "og:description")
    check_eq(h.one("og:site_name"), "The Test Gazette", "og:site_name")
    check_eq(h.one("og:image"), SITE_URL + "/media/ab/river.jpg", "og:image")
    check_eq(h.one("article:published_time"), "2025-03-04T10:30:00Z", "published_time")
    check_eq(sorted(h.meta.get("article:tag", [])), ["Floods", "Weather"], "article:tag")
    check_eq(h.one("twitter:card"), "summary_large_image", "twitter:card with an image")
    check_eq(h.one("twitter:title"), "Rivers rise after storm", "twitter:title")
    check_eq(h.one("twitter:image"), SITE_URL + "/media/ab/river.jpg", "twitter:image")

    news = h.of_type("NewsArticle")
    check_eq(news["headline"], "Rivers rise after storm", "headline")
    check_eq(news["datePublished"], "2025-03-04T10:30:00Z", "datePublished")
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", news["dateModified"]),
          "dateModified %r" % news["dateModified"])
    check(news["dateModified"] >= news["datePublished"], "modified before published")
    aid = author_id(site, "Jane Doe")
    author_url = "%s/author/%d-jane-doe" % (SITE_URL, aid)
    check_eq(news["author"], [{"@type": "Person", "name": "Jane Doe", "url": author_url}],
             "author")
    check_eq(news["image"], [SITE_URL + "/media/ab/river.jpg"], "image")
    check_eq(news["publisher"]["@type"], "Organization", "publisher type")
    check_eq(news["publisher"]["name"], "The Test Gazette", "publisher name")
    check_eq(news["mainEntityOfPage"]["@id"], canonical, "mainEntityOfPage")
    check_eq(news["inLanguage"], "en", "inLanguage")
    check_eq(breadcrumb_names(h), [("Home", SITE_URL + "/"),
                                   ("Weather", SITE_URL + "/tag/weather"),
                                   ("Rivers rise after storm", None)], "breadcrumbs")
    # The page shows the image and links the byline to the author page.
    check('<img src="%s/media/ab/river.jpg" alt="">' % SITE_URL in r.text, "featured image")
    check('<a href="/author/%d-jane-doe" rel="author">Jane Doe</a>' % aid in r.text,
          "byline link")


def test_article_without_image_or_author():
    site = Site("meta-plain")
    plain = site.new("Plain story", "Nothing to see.", at="2025-03-05T08:00Z")
    hostile = site.new("Scheme story", "Body.", at="2025-03-06T08:00Z")
    set_image(site, hostile.id, "javascript:alert(1)")
    srv = site.serve(settings=SETTINGS)
    for a in (plain, hostile):
        text = srv.get(a.url).text
        h = Head(text)
        check_eq(h.one("twitter:card"), "summary", "%s: twitter:card" % a.path)
        check("og:image" not in h.meta and "twitter:image" not in h.meta,
              "%s: an image tag without an image" % a.path)
        check("javascript:" not in text, "%s: javascript: URL on the page" % a.path)
        news = h.of_type("NewsArticle")
        check("image" not in news and "author" not in news, "%s: %r" % (a.path, news))
        check('class="byline"' not in text, "%s: byline without an author" % a.path)


def list_page_checks(srv, path, title_part, crumbs=None, status=200):
    r = srv.get(quote(path, safe="/"))
    check_eq(r.status, status, path)
    h = Head(r.text)
    check(h.title and title_part in h.title, "%s: <title> %r lacks %r" % (path, h.title, title_part))
    check(h.one("description"), "%s: empty meta description" % path)
    check_eq(h.one("og:type"), "website", "%s: og:type" % path)
    check_eq(h.one("og:title"), h.title, "%s: og:title" % path)
    check_eq(h.one("twitter:card"), "summary", "%s: twitter:card" % path)
    check("og:image" not in h.meta, "%s: og:image" % path)
    if status == 200:
        check_eq(h.link("canonical"), SITE_URL + path, "%s: canonical" % path)
        check_eq(h.one("og:url"), SITE_URL + path, "%s: og:url" % path)
    else:
        check(h.link("canonical") is None and "og:url" not in h.meta,
              "%s: an error page has no address of its own" % path)
    if crumbs is not None:
        check_eq(breadcrumb_names(h), crumbs, "%s: breadcrumbs" % path)
    return h


def test_list_pages_metadata():
    site = Site("meta-lists")
    a = site.new("March story", "Body.", tags="World", author="Ann Lee", at="2025-03-04T10:00Z")
    site.new("Persian story", "متن", lang="fa", tags="World", at="2025-04-04T10:00Z")
    srv = site.serve(settings=SETTINGS)
    aid = author_id(site, "Ann Lee")
    home = list_page_checks(srv, "/", "The Test Gazette")
    check_eq(home.one("description"), "All the news that fits the tests", "home description")
    web = home.of_type("WebSite")
    check_eq((web["name"], web["url"]), ("The Test Gazette", SITE_URL + "/"), "WebSite")
    list_page_checks(srv, "/tag/world", "World",
                     [("Home", SITE_URL + "/"), ("World", SITE_URL + "/tag/world")])
    list_page_checks(srv, "/author/%d-ann-lee" % aid, "Ann Lee",
                     [("Home", SITE_URL + "/"),
                      ("Ann Lee", SITE_URL + "/author/%d-ann-lee" % aid)])
    list_page_checks(srv, "/2025/03/", "March 2025",
                     [("Home", SITE_URL + "/"), ("March 2025", SITE_URL + "/2025/03/")])
    fa = list_page_checks(srv, "/fa/", "فارسی")
    check_eq(fa.html_attrs.get("lang"), "fa", "/fa/ <html lang>")
    list_page_checks(srv, "/no/such/page", "Page not found", status=404)
    check(a.path, "article made")


HOSTILE = '</script><script>alert("x")</script> \' " & <b>bold</b> \u2028 </SCRIPT >'


def test_hostile_title_stays_data():
    site = Site("meta-hostile")
    art = site.new(HOSTILE, "Body <script>alert(2)</script>", summary=HOSTILE,
                   tags=HOSTILE, author="</script><img src=x onerror=alert(3)>",
                   at="2025-05-05T05:05Z", slug="hostile")
    srv = site.serve(settings=SETTINGS)
    tag_slug = site._query("SELECT slug FROM tags")[0][0]
    aid = author_id(site, "</script><img src=x onerror=alert(3)>")
    r = srv.get("/author/%d" % aid)
    check_eq(r.status, 301, "author page without its slug")
    pages = [art.url, "/", "/2025/05/", "/tag/" + quote(tag_slug, safe=""),
             urlsplit(r.header("location")).path]
    for path in pages:
        r = srv.get(path)
        check_eq(r.status, 200, path)
        h = Head(r.text)
        # The parser saw as many scripts as there are JSON-LD blocks: none
        # was opened or closed by the title.
        check_eq(h.scripts, len(h.jsonld), "%s: scripts" % path)
        check_eq(len(re.findall(r"<script\b", r.text, re.I)), len(h.jsonld),
                 "%s: '<script' in the raw HTML" % path)
        check_eq(len(re.findall(r"</script", r.text, re.I)), len(h.jsonld),
                 "%s: '</script' in the raw HTML" % path)
        h.data()  # every block parses, no raw '<'
        check_eq(h.one("og:title"), h.title if path != art.url else HOSTILE,
                 "%s: og:title read back" % path)
    h = Head(srv.get(art.url).text)
    news = h.of_type("NewsArticle")
    check_eq(news["headline"], HOSTILE, "headline read back")
    teaser = site._query("SELECT teaser FROM articles WHERE id = %d" % art.id)[0][0]
    check("</script>" in teaser, "the teaser keeps the summary's text: %r" % teaser)
    check_eq(news["description"], teaser, "description read back")
    check_eq(news["author"][0]["name"], "</script><img src=x onerror=alert(3)>", "author")
    check_eq(news["keywords"], [HOSTILE], "keywords")
    check_eq(h.one("description"), teaser, "meta description read back")
    check_eq(h.one("twitter:title"), HOSTILE, "twitter:title read back")
    check_eq(h.title, HOSTILE + " — The Test Gazette", "<title> read back")


# ---- HTML validity ----------------------------------------------------------

def tidy_errors(html_text):
    """Errors Debian's tidy (HTML5) finds in a page; warnings are not
    errors. Fails, never skips, when tidy is missing."""
    tidy = shutil.which("tidy")
    check(tidy, "tidy is not installed (scripts/deps.sh installs it)")
    with tempfile.NamedTemporaryFile("wb", suffix=".html", delete=False) as f:
        f.write(html_text.encode("utf-8"))
        name = f.name
    try:
        p = subprocess.run([tidy, "-errors", "-quiet", "-utf8", name], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    finally:
        os.unlink(name)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    errors = [l for l in out.splitlines() if "Error:" in l]
    # Exit status 2 means errors; 1 warnings only; 0 nothing.
    if p.returncode not in (0, 1) and not errors:
        errors.append("tidy exited %d: %s" % (p.returncode, out[:500]))
    return errors


def test_tidy_finds_no_errors():
    site = Site("meta-tidy")
    en = site.new("Valid English page", "A paragraph.\n\n> A quote.\n\n- one\n- two",
                  summary="Summary & more", tags="World", author="Ann Lee",
                  at="2025-06-01T10:00Z")
    fa = site.new("صفحهٔ معتبر فارسی", "یک بند فارسی.\n\nبند دوم.", lang="fa",
                  tags="جهان", author="مریم", at="2025-06-02T10:00Z")
    site.cli("translate", fa.id, "--of", en.id)
    for i in range(3):
        site.new("Filler %d" % i, "Body %d." % i, tags="World", author="Ann Lee",
                 at="2025-06-%02dT12:00Z" % (i + 3))
    set_image(site, en.id, "/media/ab/image.jpg")
    srv = site.serve(settings=SETTINGS + ("site.per_page=2",))
    srv.view(en.url, 2)  # Most viewed has an entry
    aid = author_id(site, "Ann Lee")
    paths = ["/", "/page/2", en.url, fa.url, "/tag/world", "/tag/world/page/2",
             "/author/%d-ann-lee" % aid, "/author/%d-ann-lee/page/2" % aid, "/2025/06/",
             "/2025/06/page/2", "/fa/", "/en/", "/no-such-page"]
    bad = []
    for path in paths:
        r = srv.get(path)
        check(r.status in (200, 404), "%s: status %d" % (path, r.status))
        for e in tidy_errors(r.text):
            bad.append("%s: %s" % (path, e))
    check(not bad, "tidy errors:\n  " + "\n  ".join(bad))


def test_tidy_catches_an_error():
    """The validity check can fail: a page with an element HTML does not
    have."""
    errors = tidy_errors("<!doctype html><html lang=en><head><title>x</title></head>"
                         "<body><p>text <blink2>y</blink2></p></body></html>")
    check(errors, "tidy found no error in a broken page")
