"""Feeds: RSS 2.0 (/feed.xml), Atom 1.0 (/atom.xml) and JSON Feed 1.1
(/feed.json) of the site, of each tag (/tag/SLUG/...) and of each language
(/lang/LL/...): required elements, dates, escaping, ids that survive edits,
what is left out, full text or teasers, conditional GET, and freshness
after a publish."""

import email.utils
import html
import json
import re
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, urlsplit

import harness
from harness import BROWSER_UA, Site, check, check_eq, wait_for

SITE_URL = "https://news.example.org"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d "
                    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                    r"\d\d:\d\d:\d\d (GMT|[+-]\d{4})$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
TAG_URI = re.compile(r"^tag:news\.example\.org,\d{4}-\d\d-\d\d:article/(\d+)$")

NASTY = "Alert <script>alert(1)</script> & \"quotes\" 'apostrophes'"
PERSIAN = "سلام دنیا — خبر فوری"


# ---- parsing and checking ----------------------------------------------------

def rfc3339_epoch(s):
    check(RFC3339.match(s), "not an RFC 3339 date: %r" % s)
    return int(time.mktime(time.strptime(s.replace("Z", ""), "%Y-%m-%dT%H:%M:%S"))
               - time.timezone)


def rfc822_epoch(s):
    check(RFC822.match(s), "not an RFC 822 date: %r" % s)
    return int(email.utils.parsedate_to_datetime(s).timestamp())


def text_of(el, path, what):
    found = el.find(path, NS)
    check(found is not None, "%s: no <%s>" % (what, path))
    return found.text or ""


def rss(srv, path="/feed.xml"):
    """The channel and its items as dicts; checks what RSS 2.0 requires."""
    r = srv.get(path)
    check_eq(r.status, 200, "GET %s" % path)
    check_eq(r.header("content-type"), "application/rss+xml; charset=utf-8", path)
    root = ET.fromstring(r.body)
    check_eq((root.tag, root.get("version")), ("rss", "2.0"), "%s: the root" % path)
    ch = root.find("channel")
    check(ch is not None, "%s: no channel" % path)
    for name in ("title", "link", "description"):
        check(text_of(ch, name, path), "%s: empty channel <%s>" % (path, name))
    self_link = ch.find("atom:link[@rel='self']", NS)
    check(self_link is not None, "%s: no atom:link rel=self" % path)
    check_eq(self_link.get("href"), SITE_URL + quote(unquote(path)), "%s: self link" % path)
    items = []
    for it in ch.findall("item"):
        guid = it.find("guid")
        check(guid is not None and guid.get("isPermaLink") == "false",
              "%s: guid with isPermaLink=false" % path)
        item = {
            "title": text_of(it, "title", path),
            "link": text_of(it, "link", path),
            "id": guid.text,
            "published": rfc822_epoch(text_of(it, "pubDate", path)),
            "description": text_of(it, "description", path),
            "content": (it.find("content:encoded", NS).text
                        if it.find("content:encoded", NS) is not None else None),
            "tags": [c.text for c in it.findall("category")],
            "author": (it.find("dc:creator", NS).text
                       if it.find("dc:creator", NS) is not None else None),
        }
        items.append(item)
    return ch, items, r


def atom(srv, path="/atom.xml"):
    r = srv.get(path)
    check_eq(r.status, 200, "GET %s" % path)
    check_eq(r.header("content-type"), "application/atom+xml; charset=utf-8", path)
    feed = ET.fromstring(r.body)
    check_eq(feed.tag, "{%s}feed" % NS["atom"], "%s: the root" % path)
    check(text_of(feed, "atom:id", path), "%s: feed id" % path)
    check(text_of(feed, "atom:title", path), "%s: feed title" % path)
    rfc3339_epoch(text_of(feed, "atom:updated", path))
    self_link = feed.find("atom:link[@rel='self']", NS)
    check(self_link is not None, "%s: no link rel=self" % path)
    check_eq(self_link.get("href"), SITE_URL + quote(unquote(path)), "%s: self link" % path)
    feed_author = feed.find("atom:author/atom:name", NS) is not None
    items = []
    for e in feed.findall("atom:entry", NS):
        link = e.find("atom:link[@rel='alternate']", NS)
        check(link is not None, "%s: entry without a link" % path)
        author = e.find("atom:author/atom:name", NS)
        check(feed_author or author is not None, "%s: entry without an author" % path)
        content = e.find("atom:content", NS)
        if content is not None:
            check_eq(content.get("type"), "html", "%s: content type" % path)
        items.append({
            "title": text_of(e, "atom:title", path),
            "link": link.get("href"),
            "id": text_of(e, "atom:id", path),
            "updated": rfc3339_epoch(text_of(e, "atom:updated", path)),
            "published": rfc3339_epoch(text_of(e, "atom:published", path)),
            "summary": text_of(e, "atom:summary", path),
            "content": content.text if content is not None else None,
            "tags": [c.get("term") for c in e.findall("atom:category", NS)],
            "author": author.text if author is not None else None,
            "lang": e.get("{http://www.w3.org/XML/1998/namespace}lang"),
        })
    return feed, items, r


def jsonfeed(srv, path="/feed.json"):
    r = srv.get(path)
    check_eq(r.status, 200, "GET %s" % path)
    check_eq(r.header("content-type"), "application/feed+json; charset=utf-8", path)
    doc = json.loads(r.body.decode("utf-8"))
    check_eq(doc.get("version"), "https://jsonfeed.org/version/1.1", "%s: version" % path)
    check(doc.get("title"), "%s: title" % path)
    check_eq(doc.get("feed_url"), SITE_URL + quote(unquote(path)), "%s: feed_url" % path)
    check(isinstance(doc.get("items"), list), "%s: items" % path)
    for it in doc["items"]:
        check(isinstance(it.get("id"), str) and it["id"], "%s: item id" % path)
        check(it.get("url"), "%s: item url" % path)
        check("content_html" in it or "content_text" in it, "%s: item content" % path)
        rfc3339_epoch(it["date_published"])
    return doc, r


def article_path(link):
    """The article path of an absolute feed link, decoded."""
    check(link.startswith(SITE_URL + "/"), "not an absolute link on site.url: %r" % link)
    return unquote(urlsplit(link).path)


def rows(site):
    return {i: (p, u, c) for i, p, u, c in site._query(
        "SELECT id, published_at, updated_at, created_at FROM articles")}


def trash(site, article_id):
    """Moves an article to the trash as the store does: deleted_at and the
    change sequence, so a running server notices."""
    c = sqlite3.connect(site.db, timeout=10)
    try:
        c.execute("UPDATE change_seq SET seq = seq + 1 WHERE id = 1")
        c.execute("UPDATE articles SET deleted_at = strftime('%s', 'now'), "
                  "change_seq = (SELECT seq FROM change_seq WHERE id = 1) WHERE id = ?",
                  (article_id,))
        c.commit()
    finally:
        c.close()


def renders(srv):
    m = re.search(r"^gazette_page_renders_total (\d+)$", srv.get("/metrics").text, re.M)
    check(m, "no gazette_page_renders_total in /metrics")
    return int(m.group(1))


def serve(site, *settings):
    return site.serve(settings=["site.url=" + SITE_URL] + list(settings))


# ---- tests -----------------------------------------------------------------------

def make_site(name):
    site = Site(name)
    arts = {
        "en": site.new("Harbour reopens", "The **harbour** is open again.\n\nSecond para.",
                       tags="Local, Sea", author="Ann Writer", at="2025-03-01T09:00Z"),
        "fa": site.new(PERSIAN, "متن خبر به فارسی.", lang="fa", tags="جهان",
                       at="2025-03-02T10:00Z"),
        "nasty": site.new(NASTY, "Body with <b>tags</b> & ampersands.",
                          summary="Summary <i>with</i> & < > \" '", at="2025-03-03T11:00Z"),
        "draft": site.new("Draft story", "not yet", tags="Local"),
        "scheduled": site.new("Future story", "later", tags="Local", at="2099-01-01T00:00Z"),
        "trashed": site.new("Trashed story", "gone", tags="Local", at="2025-03-04T12:00Z"),
    }
    trash(site, arts["trashed"].id)
    return site, arts


def test_feeds_required_elements_and_escaping():
    site, arts = make_site("feeds")
    srv = serve(site)
    live = [arts["nasty"], arts["fa"], arts["en"]]  # newest first
    db = rows(site)

    ch, items, _ = rss(srv)
    check_eq([i["title"] for i in items], [a.title for a in live], "RSS titles, newest first")
    check_eq([article_path(i["link"]) for i in items], [a.path for a in live], "RSS links")
    check_eq(text_of(ch, "link", "rss"), SITE_URL + "/", "channel link")
    check_eq(text_of(ch, "language", "rss"), "en", "channel language")
    for it, a in zip(items, live):
        m = TAG_URI.match(it["id"])
        check(m and int(m.group(1)) == a.id, "RSS guid %r of article %d" % (it["id"], a.id))
        check_eq(it["published"], db[a.id][0], "RSS pubDate of %d" % a.id)
    check_eq(items[2]["tags"], ["Local", "Sea"], "RSS categories")
    check_eq(items[2]["author"], "Ann Writer", "dc:creator")
    # The teaser is text; <description> is HTML, so it is escaped once more.
    check_eq(html.unescape(items[0]["description"]), "Summary <i>with</i> & < > \" '",
             "RSS description of the nasty article")
    check("<script>" not in srv.get("/feed.xml").text, "raw <script> in the RSS bytes")

    feed, entries, _ = atom(srv)
    check_eq([e["title"] for e in entries], [a.title for a in live], "Atom titles")
    check_eq([e["id"] for e in entries], [i["id"] for i in items], "Atom ids = RSS guids")
    check_eq([article_path(e["link"]) for e in entries], [a.path for a in live], "Atom links")
    check_eq(entries[1]["lang"], "fa", "xml:lang of the Persian entry")
    check_eq(entries[0]["summary"], "Summary <i>with</i> & < > \" '", "Atom summary")
    check_eq(entries[2]["author"], "Ann Writer", "Atom author")
    check_eq(entries[2]["tags"], ["Local", "Sea"], "Atom categories")
    newest = max(max(db[a.id][0], db[a.id][1]) for a in live)
    check_eq(rfc3339_epoch(text_of(feed, "atom:updated", "atom")), newest, "feed updated")
    for e, a in zip(entries, live):
        check_eq(e["published"], db[a.id][0], "Atom published of %d" % a.id)
        check_eq(e["updated"], max(db[a.id]), "Atom updated of %d" % a.id)

    doc, _ = jsonfeed(srv)
    check_eq([i["title"] for i in doc["items"]], [a.title for a in live], "JSON titles")
    check_eq([i["id"] for i in doc["items"]], [i["id"] for i in items], "JSON ids")
    check_eq([article_path(i["url"]) for i in doc["items"]], [a.path for a in live],
             "JSON urls")
    check_eq(doc["items"][1].get("language"), "fa", "JSON item language")
    check_eq(doc["items"][2].get("tags"), ["Local", "Sea"], "JSON tags")
    check_eq(doc["items"][2].get("authors"), [{"name": "Ann Writer"}], "JSON authors")
    check_eq(doc["home_page_url"], SITE_URL + "/", "JSON home_page_url")

    # HEAD and other methods.
    h = srv.head("/atom.xml")
    check_eq((h.status, h.body), (200, b""), "HEAD /atom.xml")
    check_eq(srv.request("POST", "/feed.xml", body="").status, 405, "POST /feed.xml")
    # Pages name the feeds.
    home = srv.get("/", ua=BROWSER_UA).text
    for t, p in (("application/rss+xml", "/feed.xml"), ("application/atom+xml", "/atom.xml"),
                 ("application/feed+json", "/feed.json")):
        check(re.search(r'<link rel="alternate" type="%s" title="[^"]*" href="%s">'
                        % (re.escape(t), re.escape(p)), home), "home links %s" % p)
    tag_page = srv.get("/tag/local", ua=BROWSER_UA).text
    check('href="/tag/local/atom.xml"' in tag_page, "section page links its Atom feed")
    check_eq(site.views(), {}, "feeds counted as views")


def test_feed_ids_survive_title_and_slug_edits():
    site, arts = make_site("feedids")
    srv = serve(site)
    _, before, _ = rss(srv)
    _, before_atom, _ = atom(srv)
    en = arts["en"]
    site.cli("edit", en.id, "--title", "Harbour reopens, officially", "--slug",
             "harbour-officially")

    def edited():
        _, items, _ = rss(srv)
        return items if items[2]["title"] == "Harbour reopens, officially" else None
    after = wait_for(edited, 10, what="the edit in the RSS feed")
    check_eq([i["id"] for i in after], [i["id"] for i in before], "RSS guids after the edit")
    check(article_path(after[2]["link"]).endswith("/harbour-officially"), "the new link")
    _, after_atom, _ = atom(srv)
    check_eq([e["id"] for e in after_atom], [e["id"] for e in before_atom], "Atom ids")
    check(after_atom[2]["updated"] >= before_atom[2]["updated"], "Atom updated moved on")
    doc, _ = jsonfeed(srv)
    check_eq([i["id"] for i in doc["items"]], [i["id"] for i in before], "JSON ids")


def test_drafts_scheduled_and_trashed_are_left_out():
    site, arts = make_site("feedsout")
    srv = serve(site)
    hidden = {arts[k].title for k in ("draft", "scheduled", "trashed")}
    for path in ("/feed.xml", "/tag/local/feed.xml"):
        titles = {i["title"] for i in rss(srv, path)[1]}
        check(not titles & hidden, "%s lists %r" % (path, titles & hidden))
    titles = {e["title"] for e in atom(srv, "/tag/local/atom.xml")[1]}
    check_eq(titles, {arts["en"].title}, "Local's Atom feed")
    check(not {i["title"] for i in jsonfeed(srv)[0]["items"]} & hidden, "JSON feed")
    # Trashing a live article takes it out of the cached feed.
    rss(srv)
    trash(site, arts["fa"].id)
    wait_for(lambda: PERSIAN not in [i["title"] for i in rss(srv)[1]], 10,
             what="the trashed article to leave the feed")


def test_tag_and_language_feeds():
    site, arts = make_site("feedscope")
    fr = site.new("Le port rouvre", "Texte.", lang="fr", tags="Sea", at="2025-03-05T08:00Z")
    srv = serve(site)
    sea = rss(srv, "/tag/sea/feed.xml")[1]
    check_eq([i["title"] for i in sea], [fr.title, arts["en"].title], "Sea's RSS feed")
    ch = rss(srv, "/tag/sea/feed.xml")[0]
    check_eq(text_of(ch, "link", "tag rss"), SITE_URL + "/tag/sea", "tag feed's page")
    world = "/tag/" + quote("جهان")
    check_eq([e["title"] for e in atom(srv, world + "/atom.xml")[1]], [PERSIAN],
             "Persian tag's Atom feed")
    check_eq([i["title"] for i in jsonfeed(srv, world + "/feed.json")[0]["items"]], [PERSIAN],
             "Persian tag's JSON feed")

    fa = rss(srv, "/lang/fa/feed.xml")
    check_eq([i["title"] for i in fa[1]], [PERSIAN], "Persian language feed")
    check_eq(text_of(fa[0], "language", "fa"), "fa", "language of the fa feed")
    check_eq(atom(srv, "/lang/fa/atom.xml")[0].get(
        "{http://www.w3.org/XML/1998/namespace}lang"), "fa", "xml:lang of the fa feed")
    check_eq([i["title"] for i in jsonfeed(srv, "/lang/fr/feed.json")[0]["items"]],
             [fr.title], "French JSON feed")
    check_eq([i["title"] for i in atom(srv, "/lang/en/atom.xml")[1]],
             [arts["nasty"].title, arts["en"].title], "English Atom feed")
    check_eq(jsonfeed(srv, "/lang/fr/feed.json")[0]["language"], "fr", "JSON language")

    # A tag with nothing published has an empty feed; unknown ones are 404.
    site.new("Only a draft", "d", tags="Empty")
    wait_for(lambda: srv.get("/tag/empty/feed.xml").status == 200, 10,
             what="the Empty tag's feed")
    check_eq(rss(srv, "/tag/empty/feed.xml")[1], [], "empty tag feed")
    for path in ("/tag/nope/feed.xml", "/lang/de/feed.xml", "/lang/x_y/feed.xml",
                 "/lang/feed.xml", "/tag//feed.xml", "/tag/sea/feed.rss",
                 "/tag/sea/x/feed.xml", "/other/feed.xml"):
        check_eq(srv.get(path).status, 404, path)


def test_full_content_or_summary():
    site = Site("feedfull")
    body = ("Intro with a [link](/2025/01/other) and an image:\n\n![alt](/media/pic.png)\n\n"
            "Ends here.")
    a = site.new("Full text", body, summary="The short version.", at="2025-03-01T09:00Z")
    srv = serve(site)
    items = rss(srv)[1]
    content = items[0]["content"]
    check(content and "<p>" in content, "content:encoded holds the HTML: %r" % content)
    check('href="%s/2025/01/other"' % SITE_URL in content, "links made absolute: %r" % content)
    check('src="%s/media/pic.png"' % SITE_URL in content, "images made absolute")
    check_eq(items[0]["description"], "The short version.", "description is the teaser")
    entry = atom(srv)[1][0]
    check_eq(entry["content"], content, "Atom content = RSS content")
    it = jsonfeed(srv)[0]["items"][0]
    check_eq(it.get("content_html"), content, "JSON content_html")
    check_eq(it.get("summary"), "The short version.", "JSON summary")
    srv.stop()

    srv = serve(site, "feeds.full_content=no")
    items = rss(srv)[1]
    check_eq(items[0]["content"], None, "no content:encoded in summary mode")
    check_eq(items[0]["description"], "The short version.", "summary mode description")
    check_eq(atom(srv)[1][0]["content"], None, "no Atom content in summary mode")
    it = jsonfeed(srv)[0]["items"][0]
    check("content_html" not in it, "no content_html in summary mode")
    check_eq(it.get("content_text"), "The short version.", "JSON content_text")
    srv.stop()

    # feeds.items caps every feed.
    for i in range(4):
        site.new("More %d" % i, "m", at="2025-04-0%dT09:00Z" % (i + 1))
    srv = serve(site, "feeds.items=3")
    check_eq(len(rss(srv)[1]), 3, "feeds.items=3 (RSS)")
    check_eq(len(jsonfeed(srv)[0]["items"]), 3, "feeds.items=3 (JSON)")
    check_eq(len(atom(srv)[1]), 3, "feeds.items=3 (Atom)")
    check(a.id > 0, "article made")


def config_show(*args):
    p = subprocess.run([harness.GAZETTE, "config", "show"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=harness.sanitizer_env(), timeout=60)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def test_feed_settings_checked():
    for bad, why in (("feeds.full_content=maybe", "expected yes, no"),
                     ("feeds.items=0", "from 1 to 100"), ("feeds.items=101", "from 1 to 100"),
                     ("sitemap.chunk=50001", "from 1 to 50000")):
        rc, _, err = config_show("--set", bad)
        check(rc != 0 and why in err, "%s: rc %d, %r" % (bad, rc, err))
    rc, out, err = config_show("--set", "feeds.full_content=off")
    check_eq((rc, err), (0, ""), "config show with feeds.full_content=off")
    check(re.search(r"^full_content = off\b", out, re.M), "off accepted: %r" % out)
    check(re.search(r"^items = 20\b", out, re.M), "feeds.items defaults to 20")


def test_conditional_get_and_publish():
    site, arts = make_site("feed304")
    srv = serve(site)
    for path in ("/feed.xml", "/atom.xml", "/feed.json", "/tag/local/feed.xml",
                 "/lang/fa/atom.xml"):
        r = srv.get(path)
        etag, lm = r.header("etag"), r.header("last-modified")
        check(etag and lm, "%s: ETag %r and Last-Modified %r" % (path, etag, lm))
        email.utils.parsedate_to_datetime(lm)
        check_eq(srv.get(path, headers={"If-None-Match": etag}).status, 304,
                 "%s If-None-Match" % path)
        check_eq(srv.get(path, headers={"If-Modified-Since": lm}).status, 304,
                 "%s If-Modified-Since" % path)
        check_eq(srv.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
                 .status, 200, "%s older If-Modified-Since" % path)
        # If-None-Match decides when both are sent (RFC 9110 13.2.2).
        check_eq(srv.get(path, headers={"If-None-Match": '"other"',
                                        "If-Modified-Since": lm}).status, 200,
                 "%s If-None-Match wins" % path)
    gz = srv.get("/feed.xml", headers={"Accept-Encoding": "gzip"})
    check_eq(gz.header("content-encoding"), "gzip", "feeds are compressed")
    # Served from the page cache: asking again renders nothing.
    before = renders(srv)
    for path in ("/feed.xml", "/atom.xml", "/feed.json", "/tag/local/feed.xml") * 3:
        check_eq(srv.get(path).status, 200, path)
    check_eq(renders(srv), before, "renders for feeds already in the cache")
    # Views change Most viewed, so every HTML page is rendered again; feeds
    # show no blocks and stay cached (a page's content_only version).
    home_etag = srv.get("/").header("etag")
    srv.view(arts["en"].url, times=3)
    site.wait_views({arts["en"].id: 3})
    wait_for(lambda: srv.get("/").header("etag") != home_etag, 10,
             what="Most viewed on the home page to change")
    before = renders(srv)
    for path in ("/feed.xml", "/atom.xml", "/feed.json", "/tag/local/feed.xml"):
        check_eq(srv.get(path).status, 200, path)
    check_eq(renders(srv), before, "feeds rendered again after only views changed")

    r = srv.get("/feed.xml")
    lm = r.header("last-modified")
    # A publish shows in every feed within a flush, with a new ETag.
    site.publish(arts["draft"].id)
    wait_for(lambda: "Draft story" in [i["title"] for i in rss(srv)[1]], 10,
             what="the published draft in the RSS feed")
    r2 = srv.get("/feed.xml", headers={"If-None-Match": r.header("etag")})
    check_eq(r2.status, 200, "the old ETag is stale after a publish")
    check(r2.header("etag") != r.header("etag"), "a new ETag")
    check("Draft story" in [e["title"] for e in atom(srv)[1]], "in the Atom feed")
    check("Draft story" in [e["title"] for e in atom(srv, "/tag/local/atom.xml")[1]],
          "in the tag's Atom feed")
    check("Draft story" in [i["title"] for i in jsonfeed(srv)[0]["items"]], "in JSON")
    # Last-Modified moved with the bytes (or stayed, when it was this second).
    lm2 = srv.get("/feed.xml").header("last-modified")
    check(email.utils.parsedate_to_datetime(lm2) >= email.utils.parsedate_to_datetime(lm),
          "Last-Modified went back: %s -> %s" % (lm, lm2))


def test_huge_articles_fall_back_to_teasers():
    site = Site("feedhuge")
    para = ("All work and no play makes a very long article. " * 40 + "\n\n")
    body = para * 550  # about 1.1 MB of Markdown, more once escaped
    for i in range(16):
        site.new("Huge %d" % i, body, summary="Short %d." % i, at="2025-03-%02dT09:00Z" % (i + 1))
    srv = serve(site, "feeds.items=16")
    items = rss(srv)[1]
    check_eq(len(items), 16, "every article listed")
    check_eq([i["content"] for i in items], [None] * 16, "no whole text past 16 MiB")
    check_eq(items[0]["description"], "Short 15.", "the teaser instead")
    check("sending teasers" in srv.stderr(), "a warning in the error log")
    srv.stop()
    # One of them alone still goes out whole.
    srv = serve(site, "feeds.items=1")
    items = rss(srv)[1]
    check(items[0]["content"] and len(items[0]["content"]) > 1000000, "one whole article")
