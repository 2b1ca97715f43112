"""Sitemaps and robots.txt: /sitemap.xml (index), /sitemap-pages.xml,
/sitemap-articles-N.xml (sitemap.chunk URLs at most, by id range),
/sitemap-news.xml (Google News, the last 48 hours) and /robots.txt. Every
sitemap is validated by xmllint against the sitemaps.org schemas in
../shared/fixtures/sitemap/ (the news one with a Google News schema written
here from its documentation)."""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import harness
from harness import Site, check, check_eq, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.normpath(os.path.join(REPO, "..", "shared", "fixtures", "sitemap"))
SITE_URL = "https://news.example.org"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PERSIAN = "سلام دنیا — خبر فوری"
NASTY = "Alert <script>alert(1)</script> & \"quotes\" 'apostrophes'"

# The Google News sitemap extension, as its documentation describes it:
# <news:news> with a publication (name, language), a publication date and a
# title. Written for these tests; the sitemaps.org schema's strict wildcard
# needs a declaration for every element of another namespace.
NEWS_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    targetNamespace="%s" xmlns="%s" elementFormDefault="qualified">
  <xsd:simpleType name="tLang">
    <xsd:restriction base="xsd:string">
      <xsd:pattern value="[a-z]{2,3}|zh-cn|zh-tw"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="tDate">
    <xsd:union>
      <xsd:simpleType><xsd:restriction base="xsd:date"/></xsd:simpleType>
      <xsd:simpleType><xsd:restriction base="xsd:dateTime"/></xsd:simpleType>
    </xsd:union>
  </xsd:simpleType>
  <xsd:element name="news">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="publication">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="name" type="xsd:string"/>
              <xsd:element name="language" type="tLang"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
        <xsd:element name="publication_date" type="tDate"/>
        <xsd:element name="title" type="xsd:string"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
""" % (NEWS, NEWS)

NEWS_WRAPPER_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="%s" schemaLocation="%s"/>
  <xsd:import namespace="%s" schemaLocation="news.xsd"/>
</xsd:schema>
"""


# ---- validation ------------------------------------------------------------------

def fixture(name):
    path = os.path.join(FIXTURES, name)
    check(os.path.isfile(path),
          "missing %s: the sitemaps.org schemas are expected in ../shared/fixtures/sitemap/ "
          "beside the repository (see that folder's README.md)" % path)
    return path


class Validator:
    """xmllint --schema on documents; the news schema is assembled in a
    temporary folder."""

    def __init__(self):
        self.exe = shutil.which("xmllint")
        check(self.exe, "xmllint not found: install libxml2-utils (scripts/deps.sh)")
        self.sitemap = fixture("sitemap.xsd")
        self.index = fixture("siteindex.xsd")
        self.dir = tempfile.mkdtemp(prefix="gazette-xsd-")
        with open(os.path.join(self.dir, "news.xsd"), "w") as f:
            f.write(NEWS_XSD)
        self.news = os.path.join(self.dir, "sitemap-news.xsd")
        with open(self.news, "w") as f:
            f.write(NEWS_WRAPPER_XSD % (SM, self.sitemap, NEWS))

    def validate(self, body, schema, what):
        path = os.path.join(self.dir, "doc.xml")
        with open(path, "wb") as f:
            f.write(body)
        p = subprocess.run([self.exe, "--noout", "--nonet", "--schema", schema, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        check(p.returncode == 0, "%s does not validate against %s:\n%s\n%s"
              % (what, os.path.basename(schema), p.stderr.decode("utf-8", "replace"),
                 body[:2000].decode("utf-8", "replace")))

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def fetch_xml(srv, path):
    r = srv.get(path)
    check_eq(r.status, 200, "GET %s" % path)
    check_eq(r.header("content-type"), "application/xml; charset=utf-8", path)
    return r, ET.fromstring(r.body)


def index_entries(srv, v):
    r, root = fetch_xml(srv, "/sitemap.xml")
    v.validate(r.body, v.index, "/sitemap.xml")
    out = []
    for sm in root.findall("sm:sitemap", NS):
        lm = sm.find("sm:lastmod", NS)
        out.append((sm.find("sm:loc", NS).text, lm.text if lm is not None else None))
    return out


def urlset(srv, v, path, news=False):
    """[(loc, lastmod, url element)] of a sitemap, validated."""
    r, root = fetch_xml(srv, path)
    v.validate(r.body, v.news if news else v.sitemap, path)
    out = []
    for u in root.findall("sm:url", NS):
        lm = u.find("sm:lastmod", NS)
        out.append((u.find("sm:loc", NS).text, lm.text if lm is not None else None, u))
    return out


def w3c(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def lastmods(site):
    """{id: the later of updated_at and published_at} from the store."""
    return {i: max(p, u) for i, p, u in site._query(
        "SELECT id, published_at, updated_at FROM articles")}


def trash(site, article_id):
    c = sqlite3.connect(site.db, timeout=10)
    try:
        c.execute("UPDATE change_seq SET seq = seq + 1 WHERE id = 1")
        c.execute("UPDATE articles SET deleted_at = strftime('%s', 'now'), "
                  "change_seq = (SELECT seq FROM change_seq WHERE id = 1) WHERE id = ?",
                  (article_id,))
        c.commit()
    finally:
        c.close()


def loc(path):
    return SITE_URL + quote(path)


# ---- tests --------------------------------------------------------------------

def make_site(name):
    """Ids 1-3 published (3 in the last 48 hours), 4-6 drafts, 7 published
    49 hours ago, 8 scheduled, 9 trashed, 10 published now."""
    now = int(time.time())
    site = Site(name)
    a = {}
    a[1] = site.new("Old one", "b", tags="Local", at="2025-01-01T09:00Z")
    a[2] = site.new("Old two", "b", tags="Sea", at="2025-01-02T09:00Z")
    a[3] = site.new(PERSIAN, "متن", lang="fa", tags="جهان", at=now - 47 * 3600)
    for i in (4, 5, 6):
        a[i] = site.new("Draft %d" % i, "d", tags="Drafts only")
    a[7] = site.new("Two days ago", "b", tags="Local", at=now - 49 * 3600)
    a[8] = site.new("Scheduled", "b", tags="Future only", at="2099-01-01T00:00Z")
    a[9] = site.new("Trashed", "b", tags="Trash only", at=now - 3600)
    a[10] = site.new(NASTY, "b", tags="Local", publish=True)
    for i, art in a.items():
        check_eq(art.id, i, "article ids in creation order")
    trash(site, 9)
    return site, a


def test_sitemaps_validate_and_chunk():
    site, a = make_site("sitemaps")
    srv = site.serve(settings=["site.url=" + SITE_URL, "sitemap.chunk=3",
                               "site.title=The Valley Post"])
    v = Validator()
    try:
        mods = lastmods(site)
        published = [1, 2, 3, 7, 10]
        index = index_entries(srv, v)
        want = [SITE_URL + "/sitemap-pages.xml"] + \
            [SITE_URL + "/sitemap-articles-%d.xml" % n for n in (1, 3, 4)] + \
            [SITE_URL + "/sitemap-news.xml"]
        check_eq([l for l, _ in index], want, "the index (file 2 holds only drafts)")
        for _, lm in index:
            check(lm and W3C.match(lm), "index lastmod %r" % lm)

        # Every article file: at most sitemap.chunk URLs, from its id range.
        seen = {}
        for n, ids in ((1, [1, 2, 3]), (3, [7]), (4, [10])):
            urls = urlset(srv, v, "/sitemap-articles-%d.xml" % n)
            check(len(urls) <= 3, "file %d has %d URLs" % (n, len(urls)))
            check_eq([u for u, _, _ in urls], [loc(a[i].path) for i in ids], "file %d" % n)
            for (u, lm, _), i in zip(urls, ids):
                check_eq(lm, w3c(mods[i]), "lastmod of article %d" % i)
                seen[i] = u
            check_eq(dict(index)[SITE_URL + "/sitemap-articles-%d.xml" % n],
                     w3c(max(mods[i] for i in ids)), "index lastmod of file %d" % n)
        check_eq(sorted(seen), published, "every published article once")
        for bad in ("/sitemap-articles-2.xml", "/sitemap-articles-5.xml",
                    "/sitemap-articles-0.xml", "/sitemap-articles-01.xml",
                    "/sitemap-articles-+1.xml", "/sitemap-articles-1.xml.gz",
                    "/sitemap-articles-.xml", "/sitemap-articles-99999999999999999999.xml"):
            check_eq(srv.get(bad).status, 404, bad)

        # The pages: home, then the sections with a published article.
        pages = urlset(srv, v, "/sitemap-pages.xml")
        check_eq([u for u, _, _ in pages],
                 [SITE_URL + "/"] + [loc("/tag/" + s) for s in ("local", "sea", "جهان")],
                 "pages (tags by slug; none of drafts, scheduled or trashed articles)")
        newest = max(mods[i] for i in published)
        check_eq(pages[0][1], w3c(newest), "home lastmod")
        check_eq(pages[1][1], w3c(max(mods[i] for i in (1, 7, 10))), "Local's lastmod")
        check_eq(dict(index)[SITE_URL + "/sitemap-pages.xml"], w3c(newest),
                 "index lastmod of the pages")

        # News: the last 48 hours only, newest first.
        news = urlset(srv, v, "/sitemap-news.xml", news=True)
        check_eq([u for u, _, _ in news], [loc(a[10].path), loc(a[3].path)], "news URLs")
        pub = {i: p for i, p in site._query("SELECT id, published_at FROM articles")}
        for (u, _, el), i, lang in ((news[0], 10, "en"), (news[1], 3, "fa")):
            n = el.find("news:news", NS)
            check_eq(n.find("news:publication/news:name", NS).text, "The Valley Post",
                     "publication name")
            check_eq(n.find("news:publication/news:language", NS).text, lang, "language")
            check_eq(n.find("news:publication_date", NS).text, w3c(pub[i]), "date of %d" % i)
            check_eq(n.find("news:title", NS).text, a[i].title, "title of %d" % i)

        r = srv.get("/robots.txt")
        check_eq((r.status, r.header("content-type")), (200, "text/plain; charset=utf-8"),
                 "robots.txt")
        check_eq(re.findall(r"^Sitemap: (\S+)$", r.text, re.M),
                 [SITE_URL + "/sitemap.xml", SITE_URL + "/sitemap-news.xml"],
                 "robots.txt names the sitemaps")
        check(re.search(r"^User-agent: \*$", r.text, re.M), "a User-agent line")

        # Cached like pages: ETag and Last-Modified answer 304.
        for path in ("/sitemap.xml", "/sitemap-articles-1.xml", "/robots.txt",
                     "/sitemap-news.xml"):
            r = srv.get(path)
            check_eq(srv.get(path, headers={"If-None-Match": r.header("etag")}).status, 304,
                     "%s If-None-Match" % path)
            check_eq(srv.get(path, headers={"If-Modified-Since": r.header("last-modified")})
                     .status, 304, "%s If-Modified-Since" % path)
        check_eq(srv.request("POST", "/sitemap.xml", body="").status, 405, "POST")

        # A publish shows in the index (file 2 now has a URL) and the news.
        p5 = site._article_line(site.publish(5), "Draft 5")
        wait_for(lambda: SITE_URL + "/sitemap-articles-2.xml" in
                 [l for l, _ in index_entries(srv, v)], 10, what="file 2 in the index")
        check_eq([u for u, _, _ in urlset(srv, v, "/sitemap-articles-2.xml")],
                 [loc(p5.path)], "file 2 after the publish")
        check(loc(p5.path) in [u for u, _, _ in urlset(srv, v, "/sitemap-news.xml", news=True)],
              "the publish in the news sitemap")
        check_eq(site.views(), {}, "sitemaps counted as views")
    finally:
        v.close()


def test_news_sitemap_without_news():
    site = Site("nonews")
    site.new("Old one", "b", at="2025-01-01T09:00Z")
    srv = site.serve(settings=["site.url=" + SITE_URL])
    v = Validator()
    try:
        check_eq([l for l, _ in index_entries(srv, v)],
                 [SITE_URL + "/sitemap-pages.xml", SITE_URL + "/sitemap-articles-1.xml"],
                 "the index leaves out an empty news sitemap")
        check_eq(re.findall(r"^Sitemap: (\S+)$", srv.get("/robots.txt").text, re.M),
                 [SITE_URL + "/sitemap.xml"], "robots.txt without news")
        r, root = fetch_xml(srv, "/sitemap-news.xml")
        check_eq((root.tag, len(root)), ("{%s}urlset" % SM, 0), "an empty, well-formed urlset")
        urlset(srv, v, "/sitemap-articles-1.xml")
    finally:
        v.close()


def test_empty_site_and_default_chunk():
    site = Site("emptymap")
    srv = site.serve(settings=["site.url=" + SITE_URL])
    v = Validator()
    try:
        check_eq([l for l, _ in index_entries(srv, v)], [SITE_URL + "/sitemap-pages.xml"],
                 "an empty site's index")
        pages = urlset(srv, v, "/sitemap-pages.xml")
        check_eq([(u, lm) for u, lm, _ in pages], [(SITE_URL + "/", None)], "home only")
        check_eq(srv.get("/sitemap-articles-1.xml").status, 404, "no article file")
        srv.stop()
        # With the default chunk (50,000) every article is in file 1.
        for i in range(7):
            site.new("Story %d" % i, "b", publish=True)
        srv = site.serve(settings=["site.url=" + SITE_URL])
        check_eq([l for l, _ in index_entries(srv, v)][:2],
                 [SITE_URL + "/sitemap-pages.xml", SITE_URL + "/sitemap-articles-1.xml"],
                 "one article file")
        check_eq(len(urlset(srv, v, "/sitemap-articles-1.xml")), 7, "all 7 in file 1")
        p = subprocess.run([harness.GAZETTE, "config", "show"], stdout=subprocess.PIPE,
                           env=harness.sanitizer_env(), timeout=60)
        check(re.search(r"^chunk = 50000\b", p.stdout.decode(), re.M),
              "sitemap.chunk defaults to 50000")
    finally:
        v.close()
