"""Search (/search?q=): ranking, highlighted and escaped snippets, phrases
and prefixes, Unicode normalization (case, diacritics, Arabic and Persian
letters), tag aliases, hostile queries, what may never be found, and
pagination. Tags: descriptions and alias redirects; `gazette tag`."""

import os
import re
import sqlite3
import time
from urllib.parse import quote, urlencode

from harness import Site, check, check_eq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def search(srv, q, **params):
    """GET /search with q (str or bytes) and params; returns the response."""
    if isinstance(q, bytes):
        qs = "q=" + quote(q, safe="")
    else:
        qs = urlencode({"q": q})
    if params:
        qs += "&" + urlencode(params)
    return srv.get("/search?" + qs)


def results(resp):
    """The article paths listed on a search page, in order."""
    check_eq(resp.status, 200, "search status (%s)" % resp.text[:300])
    m = re.search(r'<ol class="article-list search-results">(.*?)</ol>', resp.text, re.S)
    if not m:
        check("No articles match your search." in resp.text, "neither results nor 'none'")
        return []
    return re.findall(r'<h2 class="article-item-title"><a href="([^"]*)">', m.group(1))


def found(srv, q, **params):
    return results(search(srv, q, **params))


def snippets(resp):
    return re.findall(r'<p class="search-snippet">(.*?)</p>', resp.text, re.S)


def test_search_ranks_title_above_body():
    site = Site("search-rank")
    body_only = site.new("Harbour news", "The lighthouse keeper retired.",
                         at="2025-01-02T09:00Z")
    in_title = site.new("Lighthouse restored", "Work on the tower ended.",
                        at="2025-01-01T09:00Z")
    in_tags = site.new("Coastal walks", "Paths along the cliffs.", tags="Lighthouse",
                       at="2025-01-03T09:00Z")
    site.new("Unrelated", "Nothing to see.", at="2025-01-04T09:00Z")
    srv = site.serve()
    # The title match wins although it is the oldest; then the tag; the
    # body match last.
    check_eq(found(srv, "lighthouse"), [in_title.path, in_tags.path, body_only.path],
             "ranking")
    r = search(srv, "lighthouse")
    check("3 results" in r.text, "result count")
    # Matched words are marked in titles and snippets.
    check('<a href="%s"><mark>Lighthouse</mark> restored</a>' % in_title.path in r.text,
          "title highlighted")
    check("The <mark>lighthouse</mark> keeper retired." in snippets(r), "body snippet")
    # Every search page says noindex, in the page and in a header.
    check('<meta name="robots" content="noindex">' in r.text, "noindex meta")
    check_eq(r.header("x-robots-tag"), "noindex", "X-Robots-Tag")
    check_eq(r.header("cache-control"), "no-cache", "not cached")
    # The form in every page's header, filled in on the search page.
    check('value="lighthouse"' in r.text, "query kept in the form")
    home = srv.get("/").text
    check('<form class="site-search" role="search"' in home, "header form")
    check('<meta name="robots"' not in home, "home page is indexable")


def test_search_snippets_are_escaped():
    site = Site("search-xss")
    a = site.new("Scripts in text", "Beware <script>alert(1)</script> in the tarpit "
                 "& <b>bold</b> \"quotes\".", publish=True)
    b = site.new("A <img src=x onerror=alert(2)> title", "Plain tarpit body.", publish=True)
    srv = site.serve()
    r = search(srv, "tarpit")
    check_eq(sorted(results(r)), sorted([a.path, b.path]), "both found")
    check("<script>alert" not in r.text, "raw script in the page")
    check("<img src=x" not in r.text and "<img src=\"x\"" not in r.text, "raw img in the page")
    snip = " ".join(snippets(r))
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in snip, "script shown as text: %r" % snip)
    check("<mark>tarpit</mark>" in snip, "highlight kept: %r" % snip)
    check("&lt;img src=x onerror=alert(2)&gt;" in r.text, "title escaped")
    # The query is echoed escaped too.
    r = search(srv, '"><script>alert(3)</script>')
    check_eq(r.status, 200, "hostile query")
    check("<script>alert(3)" not in r.text, "query echoed raw")
    check("&lt;script&gt;alert(3)&lt;/script&gt;" in r.text, "query echoed escaped")
    # The search words "script" and "alert" do match the text.
    check_eq(found(srv, "script alert"), [a.path], "words of the escaped text")


def test_search_phrases_and_prefixes():
    site = Site("search-syntax")
    nyc = site.new("Trip to New York", "We saw the city.", publish=True)
    york = site.new("York minster", "An old new building in York.", publish=True)
    elect = site.new("Votes counted", "The election results came in.", publish=True)
    srv = site.serve()
    check_eq(sorted(found(srv, "new york")), sorted([nyc.path, york.path]), "two words")
    check_eq(found(srv, '"new york"'), [nyc.path], "phrase")
    check_eq(found(srv, '"york new"'), [], "phrase order")
    check_eq(found(srv, "elect*"), [elect.path], "prefix")
    check_eq(found(srv, "elect"), [], "no prefix without *")
    check_eq(found(srv, '"new yor"*'), [nyc.path], "phrase with a prefix")
    check_eq(found(srv, "el*"), [], "a prefix of two letters is a word")
    check_eq(found(srv, "min* build*"), [york.path], "two prefixes")


def test_search_unicode_normalization():
    site = Site("search-unicode")
    cafe = site.new("Café culture in Zürich", "Les crèmes brûlées.", publish=True)
    greek = site.new("ΑΘΗΝΑ", "Η Αθήνα είναι πόλη.", publish=True)
    ar = site.new("مكتبة", "زار علي المكتبة الكبيرة", lang="ar", publish=True)
    fa = site.new("کتابخانه", "کودکی در کتابخانهٔ ملی یک کتاب خواند", lang="fa",
                  publish=True)
    vowels = site.new("نص", "مُحَمَّدٌ كَتَبَ الرِّسَالَةَ", lang="ar", publish=True)
    digits = site.new("سال", "در سال ۱۴۰۳ و عام ١٤٠٤", lang="fa", publish=True)
    srv = site.serve()
    for q in ("cafe", "CAFÉ", "zurich", "ZÜRICH", "cremes", "brulees"):
        check_eq(found(srv, q), [cafe.path], "Latin %r" % q)
    for q in ("αθηνα", "Αθηνα", "ΑΘΉΝΑ"):
        check_eq(found(srv, q), [greek.path], "Greek %r" % q)
    # Persian spelling (Persian yeh and keheh) finds Arabic-spelled text...
    check_eq(found(srv, "علی"), [ar.path], "Persian yeh finds Arabic yeh")
    check_eq(found(srv, "مکتبة"), [ar.path], "Persian kaf finds Arabic kaf")
    # ...and Arabic spelling finds Persian text.
    check_eq(found(srv, "كودكي"), [fa.path], "Arabic kaf and yeh find Persian text")
    check_eq(found(srv, "يك كتاب"), [fa.path], "two Arabic-spelled words")
    # Teh marbuta and heh; the ZWNJ-less and hamza forms of a compound.
    check_eq(found(srv, "مكتبه"), [ar.path], "teh marbuta")
    check_eq(found(srv, "کتابخانهٔ"), [fa.path], "heh with hamza above")
    # Harakat and shadda are left out of both sides.
    check_eq(found(srv, "محمد"), [vowels.path], "harakat in the text")
    check_eq(found(srv, "مُحَمَّد"), [vowels.path], "harakat in the query")
    check_eq(found(srv, "الرسالة"), [vowels.path], "kasra and shadda")
    # Persian and Arabic-Indic digits are digits.
    check_eq(found(srv, "1403"), [digits.path], "Persian digits")
    check_eq(found(srv, "١٤٠٣"), [digits.path], "Arabic-Indic for Persian digits")
    check_eq(found(srv, "1404"), [digits.path], "Arabic-Indic digits")
    # The snippet shows the text as written, not normalized.
    r = search(srv, "علی")
    check("<mark>علي</mark>" in " ".join(snippets(r)), "original spelling in the snippet")


def test_search_tag_aliases_and_redirects():
    site = Site("search-alias")
    tagged = site.new("Chatbots at school", "Teachers tried them.",
                      tags="Artificial Intelligence", publish=True)
    spelled = site.new("Essay", "Artificial intelligence writes essays now.", publish=True)
    site.new("Other", "Nothing about it.", tags="Science", publish=True)
    out = site.cli("tag", "edit", "artificial-intelligence", "--alias", "AI",
                   "--alias", "A.I.", "--description", "Machines that <learn> & think.")
    check("AI" in out and "Machines that" in out, "tag edit prints the tag: %r" % out)
    srv = site.serve()
    # An alias finds the tag's name, in the tags and in text.
    check_eq(sorted(found(srv, "ai")), sorted([tagged.path, spelled.path]), "alias AI")
    check_eq(sorted(found(srv, "A.I.")), sorted([tagged.path, spelled.path]), "alias A.I.")
    check_eq(found(srv, "ai teachers"), [tagged.path], "alias ANDed with a word")
    # /tag/ALIAS redirects for good to the tag, pages included.
    for path, want in (("/tag/ai", "/tag/artificial-intelligence"),
                       ("/tag/a-i", "/tag/artificial-intelligence"),
                       ("/tag/ai/page/2", "/tag/artificial-intelligence/page/2")):
        r = srv.get(path)
        check_eq(r.status, 301, path)
        check(r.header("location").endswith(want), "%s -> %s" % (path, r.header("location")))
    check_eq(srv.get("/tag/no-such-alias").status, 404, "unknown tag")
    # The description is on the tag's page, escaped, and its meta description.
    page = srv.get("/tag/artificial-intelligence").text
    check('<p class="tag-description">Machines that &lt;learn&gt; &amp; think.</p>' in page,
          "description on the tag page")
    check('<meta name="description" content="Machines that &lt;learn&gt; &amp; think.">'
          in page, "meta description")
    # A description changed while serving shows without a restart.
    site.cli("tag", "edit", "artificial-intelligence", "--description", "Thinking machines.")

    def described():
        return "Thinking machines." in srv.get("/tag/artificial-intelligence").text
    from harness import wait_for
    wait_for(described, 10, what="the new description on the tag page")
    # Removing an alias stops both.
    site.cli("tag", "edit", "artificial-intelligence", "--remove-alias", "ai")
    check_eq(srv.get("/tag/ai").status, 404, "removed alias")
    check_eq(found(srv, "ai"), [], "removed alias in search")


def test_tag_cli():
    site = Site("tag-cli")
    site.new("One", "x", tags="World, Sport", publish=True)
    out = site.cli("tag", "list")
    check(re.search(r"^sport\s+Sport\s+-$", out, re.M), "list: %r" % out)
    site.cli("tag", "edit", "world", "--alias", "International", "--alias", "Intl",
             "--description", "News from abroad.")
    out = site.cli("tag", "list")
    check(re.search(r"^world\s+World\s+International, Intl$", out, re.M), "aliases: %r" % out)
    check("    News from abroad." in out, "description: %r" % out)
    # An alias names one tag, and never shadows a tag's name or slug.
    err = site.cli("tag", "edit", "sport", "--alias", "intl", expect_rc=1)
    for alias in ("intl", "INTL", "World", "sport"):
        site.cli("tag", "edit", "sport", "--alias", alias, expect_rc=1)
    # All or nothing: a bad alias leaves the description as it was.
    site.cli("tag", "edit", "sport", "--description", "Games.", "--alias", "World",
             expect_rc=1)
    check("Games." not in site.cli("tag", "list"), "partial edit kept")
    # Bad input is refused with a reason.
    site.cli("tag", "edit", "sport", "--alias", "!!!", expect_rc=1)
    site.cli("tag", "edit", "sport", "--alias", "x" * 101, expect_rc=1)
    site.cli("tag", "edit", "sport", "--description", "d" * 2001, expect_rc=1)
    site.cli("tag", "edit", "nope", "--description", "x", expect_rc=1)
    site.cli("tag", "edit", "sport", expect_rc=2)
    site.cli("tag", "edit", "world", "--remove-alias", "nope", expect_rc=1)
    # An alias works where a slug is expected.
    site.cli("tag", "edit", "intl", "--description", "")
    check("News from abroad." not in site.cli("tag", "list"), "description cleared")
    del err


HOSTILE = [
    '"', '"unbalanced', 'a"b', '""', '"""', "*", "**", "* *", "a*b*c", "-x", "+x", "^x",
    "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "a NEAR b", "NEAR(a b)", "NEAR(a b, 2)",
    "NEAR/2", "(", ")", "(a OR b", "a) OR (b", "((((((((((x))))))))))",
    "title:x", "body:x", "tags:x", "{title body}:x", "- title:x", "x:", ":x", "col:*",
    "a\\b", "'; DROP TABLE articles; --", "%", "_", "\u200c", "\u200f\u200e",
    "\u0640\u0640", "\u064b\u064c", "\ufeff", "x" * 999, "\U0001F600 emoji",
    "a " * 400, '"' * 500, "*" * 1000, "NEAR(" * 100, "\x01\x02", "\t\n",
]


def test_search_hostile_queries():
    site = Site("search-hostile")
    ok = site.new("Quiet story", "Words and more words about a quiet title.", publish=True)
    srv = site.serve()
    for q in HOSTILE:
        r = search(srv, q)
        check(r.status in (200, 400), "query %r answered %d" % (q[:40], r.status))
        check(r.status == 200, "query %r refused: %s" % (q[:40], r.text[:200]))
    # Operators are plain words: "and" is in the text, "not" is not.
    check_eq(found(srv, "quiet AND words"), [ok.path], "AND as a word")
    check_eq(found(srv, "quiet NOT words"), [], "NOT as a word")
    check_eq(found(srv, "title:quiet"), [ok.path], "column filter as two words")
    # Too long, invalid UTF-8, NUL, bad escapes, bad page numbers: 400.
    check_eq(search(srv, "a" * 1001).status, 400, "query of 1001 bytes")
    # 10 KB: the server's URI limit may answer first (414).
    check(search(srv, "x" * 10240).status in (400, 414), "query of 10 KB")
    check(search(srv, "ab " * 3400).status in (400, 414), "10 KB of words")
    check_eq(search(srv, b"caf\xe9").status, 400, "Latin-1 byte")
    check_eq(search(srv, b"\xff\xfe\xfd").status, 400, "invalid UTF-8")
    check_eq(search(srv, b"\xed\xa0\x80").status, 400, "surrogate")
    check_eq(search(srv, b"a\x00b").status, 400, "NUL")
    r = srv.get("/search?q=%zz")
    check_eq(r.status, 400, "bad escape")
    check('role="alert"' in r.text, "the reason is shown")
    for page in ("0", "-1", "abc", "1001", "99999999999999999999"):
        check_eq(search(srv, "quiet", page=page).status, 400, "page=%s" % page)
    check_eq(search(srv, "quiet", lang="e n").status, 400, "bad lang")
    check_eq(srv.request("POST", "/search?q=x").status, 405, "POST")
    check_eq(srv.get("/search/x").status, 404, "below /search")
    # Raw query strings a browser would not send.
    for raw in ("/search?q", "/search?q=&q=quiet", "/search?&&", "/search?page=2",
                "/search?q=" + "%22" * 300, "/search?q=quiet&q=%FF"):
        check(srv.get(raw).status in (200, 400, 404), "raw %s" % raw[:40])
    check_eq(found(srv, "quiet"), [ok.path], "still searching after all that")


def test_search_finds_only_published_articles():
    site = Site("search-visibility")
    live = site.new("Visible zebra", "A zebra.", publish=True)
    site.new("Draft zebra", "A zebra.")                            # a draft
    site.new("Future zebra", "A zebra.", at="2099-01-01T00:00Z")   # scheduled
    gone = site.new("Unpublished zebra", "A zebra.", publish=True)
    site.unpublish(gone.id)
    trashed = site.new("Trashed zebra", "A zebra.", publish=True)
    # The trash is a column (migration 0002); set it as the admin would.
    c = sqlite3.connect(site.db)
    c.execute("UPDATE articles SET deleted_at = ? WHERE id = ?", (int(time.time()), trashed.id))
    c.commit()
    c.close()
    srv = site.serve()
    check_eq(found(srv, "zebra"), [live.path], "only the published article")
    check("1 result" in search(srv, "zebra").text, "count of the published only")
    # An edit reaches the index at once: the old word goes, the new one comes.
    site.edit(live.id, title="Visible okapi", body="An okapi.")
    check_eq(found(srv, "zebra"), [], "old words after an edit")
    check_eq([p.rsplit("/", 1)[1] for p in found(srv, "okapi")], ["visible-zebra"],
             "new words after an edit")
    # A language filter.
    fa = site.new("گورخر", "zebra به فارسی", lang="fa", publish=True)
    check_eq(found(srv, "zebra", lang="fa"), [fa.path], "lang=fa")
    check_eq(found(srv, "zebra", lang="de"), [], "lang=de")


def test_search_pagination_and_empty_query():
    site = Site("search-pages")
    arts = [site.new("Walrus %d" % i, "walrus", at="2025-02-%02dT09:00Z" % (i + 1))
            for i in range(5)]
    srv = site.serve(settings=["site.per_page=2"])
    newest = [a.path for a in reversed(arts)]
    # Equal scores: newest first; two per page.
    p1 = search(srv, "walrus")
    check_eq(results(p1), newest[:2], "page 1")
    check("5 results, page 1 of 3" in p1.text, "count and pages")
    check('<link rel="next" href="/search?q=walrus&amp;page=2">' in p1.text, "rel=next")
    check_eq(found(srv, "walrus", page="2"), newest[2:4], "page 2")
    p3 = search(srv, "walrus", page="3")
    check_eq(results(p3), newest[4:], "page 3")
    check('<link rel="prev" href="/search?q=walrus&amp;page=2">' in p3.text, "rel=prev")
    check_eq(search(srv, "walrus", page="4").status, 404, "past the last page")
    # No query: the form only.
    r = srv.get("/search")
    check_eq(r.status, 200, "empty query")
    check('<form class="search-form"' in r.text, "the form")
    check("search-results" not in r.text and "search-count" not in r.text,
          "no results section")
    check("No articles match" in search(srv, "   ").text, "blank query: no match")
    # A query of non-ASCII words pages with an encoded link.
    for i in range(3):
        site.new("فیل %d" % i, "فیل", lang="fa", publish=True)
    r = search(srv, "فیل")
    check('href="/search?q=%D9%81%DB%8C%D9%84&amp;page=2"' in r.text, "encoded next link")


def test_search_index_built_by_migration():
    """A site made before search existed (schema v1) gets its articles
    indexed by migration 0003."""
    fixture = os.path.join(ROOT, "tests", "fixtures", "schema", "v1.sql")
    site = Site("search-migrate")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(site.db + suffix):
            os.unlink(site.db + suffix)
    with open(fixture, encoding="utf-8") as f:
        script = f.read()
    c = sqlite3.connect(site.db)
    c.executescript(script)
    c.close()
    srv = site.serve()
    got = found(srv, "budget")
    check(len(got) == 1 and got[0].endswith("/council-agrees-the-budget"), "v1 article: %r" % got)
    check_eq([p.rsplit("/", 1)[1] for p in found(srv, "بازار")], ["bazaar"], "v1 Persian")
    check_eq(found(srv, "school"), [], "v1 draft")
    check_eq(len(found(srv, "town")), 2, "v1 tags: published articles tagged Town")
