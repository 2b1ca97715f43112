"""Content safety: the XSS corpus (tests/fixtures/xss/vectors.txt) pushed
through every input that reaches a page today, and every page it reaches
checked as parsed HTML.

Inputs covered: the Markdown body, the title, the summary, the tags and the
author name (all through `gazette new`), and the request path, which the 404
page shows. Each valid vector gets two articles of its own, so a finding
names its vector: A (slug xss-N) carries the vector in every field, B (slug
xss-N-b) in the title and body only, with no summary, so that its teaser is
cut from the body's plain text (where entities are already decoded). A
vector that is not valid UTF-8 must be refused by the CLI instead.

Pages checked: every A and B article page, every home page, every tag
(section) page the articles link to, the 404 page (which the blocks and the
reflected path make interesting), and the New Articles / Most viewed blocks
on all of them (sized so that every B article is in one of the two).

Not covered because they do not exist yet: imported HTML (the WXR importer)
and search queries. When they land, this same corpus must be pushed through
them (load_vectors() is the way in).

On each page: no <script> at all (the theme has none), no on* attribute, no
style attribute, only the elements and attributes the theme and the Markdown
renderer produce (so no iframe, object, embed, base, meta http-equiv, style,
svg, math, form, ...), no URL attribute whose value, entity-decoded and with
whitespace and control characters removed, starts with javascript:, vbscript:
or data:, a body that is valid UTF-8, and a Content-Security-Policy whose
script-src has neither 'unsafe-inline' nor 'unsafe-eval', with object-src
'none' and base-uri restricted.
"""

import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import quote

import harness
from harness import BROWSER_UA, Site, TestFailure, check, check_eq, wait_for

CORPUS = os.path.join(os.path.dirname(harness.HERE), "fixtures", "xss", "vectors.txt")
BASE = 1740830400  # 2025-03-01T12:00:00Z
NEW_COUNT = 50
TOP_COUNT = 50
SETTINGS = ["site.per_page=100", "site.sections=20", "blocks.new_count=%d" % NEW_COUNT,
            "blocks.top_count=%d" % TOP_COUNT, "blocks.window=all"]


# ---- the corpus ---------------------------------------------------------------

_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\([ntr])")


def _decode(line, n):
    """One corpus line as the bytes of vector n (see the file's header)."""
    line = line.replace("$N", str(n))
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(line):
        out += line[pos:m.start()].encode("utf-8")
        if m.group(1):
            out.append(int(m.group(1), 16))
        else:
            out += {"n": b"\n", "t": b"\t", "r": b"\r"}[m.group(2)]
        pos = m.end()
    out += line[pos:].encode("utf-8")
    return bytes(out)


def load_vectors():
    """[(n, bytes)] of the corpus, n counting from 1."""
    vectors = []
    with open(CORPUS, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            vectors.append((len(vectors) + 1, _decode(line, len(vectors) + 1)))
    return vectors


def split_vectors():
    """(valid, invalid): [(n, str)] and [(n, bytes)] by UTF-8 validity."""
    valid, invalid = [], []
    for n, v in load_vectors():
        try:
            valid.append((n, v.decode("utf-8")))
        except UnicodeDecodeError:
            invalid.append((n, v))
    return valid, invalid


# ---- the page checker -----------------------------------------------------------

# What the theme and the Markdown renderer write; anything else came from
# content. "link" and "meta" are allowed only in the theme's own forms.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "footer",
    "div", "main", "aside", "nav", "section", "article", "p", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "time", "span", "code", "pre",
    "blockquote", "hr", "br", "em", "strong", "del", "u", "img", "table",
    "thead", "tbody", "tr", "th", "td",
    "figure",  # the featured image (meta)
}
NEVER_TAGS = {"script", "iframe", "object", "embed", "base", "style", "svg", "math",
              "form", "frame", "frameset", "applet", "input", "button", "textarea",
              "select", "video", "audio", "source", "details", "noscript", "template",
              "marquee", "isindex"}
ALLOWED_ATTRS = {
    "class", "id", "href", "src", "alt", "title", "loading", "lang", "dir", "rel",
    "datetime", "aria-label", "aria-current", "type", "charset", "name", "content",
    "align", "start",
    "property", "hreflang", "tabindex", "aria-hidden", "aria-labelledby",  # metadata (meta)
}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data",
             "background", "srcset", "cite", "manifest", "icon", "ping", "codebase",
             "dynsrc", "lowsrc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
THEME_META = {("name", "viewport"), ("name", "description"), ("name", "color-scheme")}
THEME_LINK_RELS = {"stylesheet", "icon", "canonical", "prev", "next", "alternate"}
# OpenGraph and Twitter cards (header.html): property og:* and article:*,
# name twitter:*.
THEME_META_PREFIXES = (("property", "og:"), ("property", "article:"), ("name", "twitter:"))
# The theme's one kind of script: JSON-LD data, never run (header.html).
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# The theme's search forms (header.html, search.html): GET /search with one
# search field. Any other form, field or button came from content.
THEME_FORM_ATTRS = {
    "form": {"class", "role", "aria-label", "action", "method"},
    "label": {"class", "for"},
    "input": {"type", "id", "name", "value", "maxlength", "placeholder"},
    "button": {"type"},
}


def theme_search_form(tag, attrs):
    a = dict(attrs)
    if tag not in THEME_FORM_ATTRS or not set(a) <= THEME_FORM_ATTRS[tag]:
        return False
    if tag == "form":
        return (a.get("action"), a.get("method")) == ("/search", "get")
    if tag == "label":
        return a.get("for") in ("site-search-q", "search-q")
    if tag == "input":
        return a.get("type") == "search" and a.get("name") == "q"
    return a == {"type": "submit"}


_CTRL = re.compile(r"[\x00-\x20\x7f]+")
_XSS_HREF = re.compile(r"/xss-(\d+)(-b)?$")


def url_is_dangerous(value):
    """value as html.parser gives it (entities decoded): after dropping
    whitespace and control characters (browsers strip or ignore them in a
    scheme), does it start with a scripting or data scheme?"""
    v = _CTRL.sub("", html.unescape(value)).lower()
    return v.startswith(BAD_SCHEMES)


class PageChecker(HTMLParser):
    """Collects problems of one page; each names the line, the last article
    link seen before it (which vector's entry it is in on a list page) and
    the tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.near = None
        self.lines = []

    def problem(self, what):
        line = self.getpos()[0]
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        near = " (after the entry of %s)" % self.near if self.near else ""
        self.problems.append("line %d%s: %s\n      %s" % (line, near, what, src.strip()[:300]))

    def handle_starttag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def check_tag(self, tag, attrs):
        if tag == "script" and attrs == [("type", "application/ld+json")]:
            return  # the theme's JSON-LD, checked by page_problems
        if theme_search_form(tag, attrs):
            return
        if tag in NEVER_TAGS:
            self.problem("<%s> element" % tag)
        elif tag not in ALLOWED_TAGS:
            self.problem("<%s> is not an element the theme or renderer writes" % tag)
        names = {k for k, _ in attrs}
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.problem("event handler attribute %s=%r on <%s>" % (k, v, tag))
            elif k == "style":
                self.problem("style attribute on <%s>" % tag)
            elif k not in ALLOWED_ATTRS:
                self.problem("attribute %s=%r on <%s> that nothing writes" % (k, v, tag))
            if k in URL_ATTRS and url_is_dangerous(v):
                self.problem("%s=%r on <%s>" % (k, v, tag))
            if k == "href" and tag == "a":
                m = _XSS_HREF.search(v)
                if m:
                    self.near = "vector %s%s" % (m.group(1), " (B)" if m.group(2) else "")
        if tag == "meta" and not ("charset" in names or
                                  any((k, v) in THEME_META for k, v in attrs) or
                                  any(k == pk and (v or "").startswith(pv)
                                      for k, v in attrs for pk, pv in THEME_META_PREFIXES)):
            self.problem("<meta> that is not the theme's: %r" % attrs)
        if tag == "link":
            a = dict(attrs)
            href = a.get("href") or ""
            if a.get("rel") not in THEME_LINK_RELS or not (href.startswith("/") or
                                                           href.startswith("http://127.0.0.1")):
                self.problem("<link> that is not the theme's: %r" % attrs)

    def check(self, text):
        self.lines = text.split("\n")
        self.feed(text)
        self.close()
        return self.problems


def check_csp(value):
    """Problems of a Content-Security-Policy header value."""
    if not value:
        return ["no Content-Security-Policy header"]
    d = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            d.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    problems = []
    script = d.get("script-src", d.get("default-src"))
    if script is None:
        problems.append("neither script-src nor default-src")
    else:
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            if bad in script:
                problems.append("script-src allows %s" % bad)
    if d.get("object-src") != ["'none'"]:
        problems.append("object-src is %r, not 'none'" % d.get("object-src"))
    if d.get("base-uri") not in (["'none'"], ["'self'"]):
        problems.append("base-uri is %r, not 'none' or 'self'" % d.get("base-uri"))
    return problems


def page_problems(resp):
    """All problems of one response: CSP header, UTF-8, HTML."""
    problems = ["CSP: " + p for p in check_csp(resp.header("content-security-policy"))]
    try:
        text = resp.body.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("body is not valid UTF-8: %s" % e)
        text = resp.body.decode("utf-8", "replace")
    # JSON-LD must parse, and no '<' may be in it raw (a title's "</script>"
    # would end the element); then no other script may be left.
    for data in JSONLD.findall(text):
        if "<" in data:
            problems.append("a '<' in JSON-LD: %r" % data[:200])
        try:
            json.loads(data)
        except ValueError as e:
            problems.append("JSON-LD does not parse (%s): %r" % (e, data[:200]))
    if re.search(r"<\s*script", JSONLD.sub("", text), re.I):
        problems.append("the text '<script' appears in the raw HTML")
    return problems + PageChecker().check(text)


# ---- helpers ----------------------------------------------------------------------

def squash(s):
    return " ".join(s.split())


def element_text(page, pattern):
    """The unescaped, whitespace-collapsed text of the first match of
    pattern (a regex whose group 1 is the element's inner HTML)."""
    m = re.search(pattern, page, re.S)
    check(m, "no match for %s" % pattern)
    return squash(html.unescape(re.sub(r"<[^>]*>", "", m.group(1))))


def next_link(page):
    m = re.search(r'<link rel="next" href="([^"]*)">', page)
    return html.unescape(m.group(1)) if m else None


class Sweep:
    """Fetches pages on one connection and collects every problem."""

    def __init__(self, srv):
        self.srv = srv
        self.conn = srv.conn()
        self.problems = []
        self.pages = 0
        self.in_blocks = set()  # vector numbers of B articles seen in a block

    def get(self, path, label, want=(200,)):
        r = self.srv.get(path, conn=self.conn)
        self.pages += 1
        if r.status not in want:
            self.problems.append("%s %s: status %d" % (label, path, r.status))
        for p in page_problems(r):
            self.problems.append("%s %s: %s" % (label, path, p))
        self.in_blocks |= block_numbers(r.text)
        return r

    def list_pages(self, first, label):
        """A list page and the pages after it; returns their HTML."""
        out, path = [], first
        while path:
            out.append(self.get(path, label).text)
            path = next_link(out[-1])
            check(len(out) < 20, "%s: runaway pagination" % label)
        return out

    def close(self):
        self.conn.close()


def make_articles(site, valid):
    """Two articles per valid vector (see the module docstring); returns
    {n: (A, B)}."""
    arts = {}
    for n, v in valid:
        a = site.new(v, body=v, summary=v, tags=v, author=v, slug="xss-%d" % n,
                     at=BASE + 60 * n)
        b = site.new(v, body=v, slug="xss-%d-b" % n, at=BASE + 86400 + 60 * n)
        check_eq(a.path.rsplit("/", 1)[1], "xss-%d" % n, "slug of vector %d" % n)
        arts[n] = (a, b)
    return arts


def block_numbers(page):
    """Vector numbers of the B articles in New Articles and Most viewed."""
    out = set()
    for bid in ("new-articles", "most-viewed"):
        out |= {int(m) for m in re.findall(r'href="/[0-9]{4}/[0-9]{2}/xss-(\d+)-b"',
                                         harness.block_raw(page, bid))}
    return out


def view_round(srv, sweep, arts, chunk, times):
    """Views the B articles of chunk `times` times each and waits until
    Most viewed shows them."""
    for n in chunk:
        srv.view(arts[n][1].url, times=times, conn=sweep.conn)
    want = set(chunk)
    wait_for(lambda: block_numbers(srv.get("/no-such-page").text) >= want, 10,
             what="round %d of B articles in Most viewed" % times)


# ---- tests --------------------------------------------------------------------------

def test_xss_checker_flags_injections():
    """The checker itself: each of these pages must be flagged, and the
    theme's own markup must not be."""
    theme = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width">'
             '<link rel="stylesheet" href="/assets/style.css?v=1"></head>'
             '<body><p><a href="/2025/03/x" class="c">ok</a>'
             '<img src="https://example.com/a.png" alt="a" loading="lazy"></p></body></html>')
    check_eq(PageChecker().check(theme), [], "problems on the theme's own markup")
    bad = [
        '<script>x()</script>', '<img src=x onerror=x()>', '<IMG SRC=x OnError=x()>',
        '<a href=" j&#97;vascript:x()">a</a>', '<a href="java\tscript:x()">a</a>',
        '<a href="&#x01;javascript:x()">a</a>', '<img src="data:image/svg+xml,x">',
        '<a href="VBScript:x">a</a>', '<iframe src="/"></iframe>', '<svg></svg>',
        '<object data="/"></object>', '<embed src="/">', '<base href="/">',
        '<meta http-equiv="refresh" content="0">', '<style>a{}</style>',
        '<form action="/"></form>', '<p style="color:red">x</p>',
        '<button formaction="javascript:x()">b</button>',
        '<svg><a xlink:href="javascript:x()">a</a></svg>', '<a title="t" data-x="1">a</a>',
        '<link rel="import" href="javascript:x()">', '<marquee>x</marquee>',
    ]
    for snippet in bad:
        check(PageChecker().check(theme.replace("<p>", "<p>" + snippet)),
              "not flagged: %r" % snippet)
    check(check_csp("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                    "object-src 'none'; base-uri 'self'"), "unsafe-inline not flagged")
    check(check_csp("script-src 'self'; base-uri 'self'"), "missing object-src not flagged")
    check(check_csp("script-src 'self'; object-src 'none'"), "missing base-uri not flagged")
    check_eq(check_csp("default-src 'self'; script-src 'self'; object-src 'none'; "
                       "base-uri 'self'"), [], "a good policy")
    check(len(load_vectors()) >= 60, "the corpus has fewer than 60 vectors")


def test_xss_corpus_on_every_page():
    valid, _ = split_vectors()
    site = Site("xss")
    arts = make_articles(site, valid)
    srv = site.serve(settings=SETTINGS)
    sweep = Sweep(srv)
    try:
        # New Articles holds the newest B articles; the others go through
        # Most viewed, TOP_COUNT at a time (each round viewed once more than
        # the last, so it pushes the previous round out).
        older = sorted(arts)[:max(0, len(arts) - NEW_COUNT)]
        rounds = [older[i:i + TOP_COUNT] for i in range(0, len(older), TOP_COUNT)] or [[]]
        view_round(srv, sweep, arts, rounds[0], 1)

        tag_paths = set()
        for n, v in valid:
            a, b = arts[n]
            page = sweep.get(a.url, "vector %d (A, all fields)" % n).text
            # The vector arrived as text, whole: escaped, not dropped.
            check_eq(element_text(page, r'<h1 class="article-title">(.*?)</h1>'),
                     squash(v), "vector %d: title text" % n)
            check_eq(element_text(page, r'<p class="article-summary">(.*?)</p>'),
                     squash(v), "vector %d: summary text" % n)
            check_eq(element_text(page, r'<span class="byline">(.*?)</span>'),
                     squash(v), "vector %d: author text" % n)
            tag_paths |= {html.unescape(h) for h in
                          re.findall(r'<a href="(/tag/[^"]*)" rel="tag">', page)}
            sweep.get(b.url, "vector %d (B, body teaser)" % n)
            sweep.get("/" + quote(v, safe=""), "vector %d in the 404 path" % n,
                      want=(400, 404))

        homes = sweep.list_pages("/", "home")
        listed = set()
        for p in homes:
            listed |= {int(x) for x in re.findall(r'href="/[0-9]{4}/[0-9]{2}/xss-(\d+)"', p)}
        check_eq(listed, set(arts), "A articles on the home pages")
        check(len(tag_paths) >= len(valid) // 2, "only %d tag pages" % len(tag_paths))
        for path in sorted(tag_paths):
            sweep.list_pages(quote(path, safe="/"), "tag page")
        sweep.get("/no-such-page", "404 page", want=(404,))
        for k, chunk in enumerate(rounds[1:], 2):
            view_round(srv, sweep, arts, chunk, k)
            sweep.get("/no-such-page", "404 page (blocks round %d)" % k, want=(404,))
            sweep.get("/", "home (blocks round %d)" % k)
    finally:
        sweep.close()
    check_eq(sweep.in_blocks, set(arts), "B articles seen in the blocks")
    check(not sweep.problems, "%d problem(s) on %d pages:\n  %s"
          % (len(sweep.problems), sweep.pages, "\n  ".join(sweep.problems[:40])))


def cli_bytes(site, args, stdin):
    """gazette with byte-string arguments and stdin (invalid UTF-8 cannot go
    through Site.cli); returns (exit code, stderr)."""
    cmd = [harness.GAZETTE.encode(), args[0], b"--db", site.db.encode()] + list(args[1:])
    p = subprocess.run(cmd, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=harness.sanitizer_env(), cwd=site.dir, timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    rep = harness.sanitizer_report(err)
    if rep:
        raise TestFailure("sanitizer report from %s: %s\n%s" % (cmd, rep, err))
    return p.returncode, err


def test_xss_invalid_utf8_refused():
    """Vectors that are not valid UTF-8 (overlong forms of < and >) are
    invalid input: `gazette new` refuses them in the body, title, summary and
    tags, and the author name, and stores nothing."""
    _, invalid = split_vectors()
    check(invalid, "the corpus has no invalid UTF-8 vector")
    site = Site("xss-utf8")
    for n, v in invalid:
        for field in ("body", "title", "summary", "tags", "author"):
            args = [b"new", b"--title", v if field == "title" else b"ok %d" % n]
            if field in ("summary", "tags", "author"):
                args += [b"--" + field.encode(), v]
            args += [b"--publish", b"-"]
            rc, err = cli_bytes(site, args, v if field == "body" else b"body")
            check(rc != 0, "vector %d in the %s was accepted" % (n, field))
            check("UTF-8" in err, "vector %d in the %s: unexpected error %r" % (n, field, err))
    listing = site.cli("list")
    check(not re.search(r"^\s*\d+\s", listing, re.M), "articles were stored:\n" + listing)
