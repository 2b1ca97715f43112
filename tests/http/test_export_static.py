"""gazette export static, and the /v/ID view beacon it relies on.

A static export served by a plain file server (python -m http.server) must
answer like the live site: same status and same bytes, except for what the
export adds on purpose (see normalize()).
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote

from harness import BROWSER_UA, Site, check, check_eq, free_port, wait_for

# What `gazette export static` prints last.
_REPORT = re.compile(r"exported .*: (\d+) written, (\d+) unchanged, (\d+) removed, "
                     r"(\d+) skipped")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
LIVE = "http://127.0.0.1:8080"  # site.url of the test sites (the default)


def export(site, out, *extra):
    """Runs the export; returns (written, unchanged, removed, skipped, stdout)."""
    text = site.cli("export", "static", out, *extra)
    m = _REPORT.search(text)
    check(m, "no report line in %r" % text)
    return tuple(int(g) for g in m.groups()) + (text,)


def written_files(text):
    return {line[2:] for line in text.splitlines() if line.startswith("W ")}


class StaticServer:
    """python -m http.server on a free port, serving a folder."""

    def __init__(self, folder):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1",
             "--directory", folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._up, 10, what="python http.server on port %d" % self.port)

    def _up(self):
        try:
            self.get("/", follow=False)
            return True
        except OSError:
            return False

    def get(self, path, follow=True):
        """(status, content type, body); follows the one 301 a directory
        without its slash gets (/2026/05/slug -> /2026/05/slug/)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            loc = r.getheader("Location")
            if follow and r.status == 301 and loc == path + "/":
                return self.get(loc, follow=False)
            return r.status, r.getheader("Content-Type") or "", body
        finally:
            c.close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


_BEACON = re.compile(rb'<script src="/assets/beacon\.js\?v=[0-9a-f]+" '
                     rb'data-beacon-url="[^"]*" data-article-id="(\d+)" defer></script>\n')


def normalize(body):
    """The exported page as the live site sent it. The only bytes that
    differ: the beacon script the export adds to article pages (the live
    site counts its pages itself), and the search form, which on a static
    host sends readers to the live site's /search."""
    body = _BEACON.sub(b"", body)
    return body.replace(b'action="%s/search"' % LIVE.encode(), b'action="/search"')


def seed(site):
    """Articles in three languages with tags and an author, and a draft."""
    arts = [site.new("Election results %d" % i, "The count, part %d." % i, tags="Politics, World",
                     author="Jane Doe", publish=True) for i in range(3)]
    arts.append(site.new("سلام دنیا", "متن فارسی برای آزمایش.", lang="fa", tags="جهان",
                         publish=True))
    arts.append(site.new("Bonjour le monde", "Un texte en français.", lang="fr",
                         tags="World", publish=True))
    draft = site.new("Secret draft headline", "not yet", tags="Politics")
    return arts, draft


def test_export_matches_live_site():
    site = Site("export")
    arts, draft = seed(site)
    srv = site.serve()
    out = tempfile.mkdtemp(prefix="gazette-export-")
    static = None
    try:
        written, unchanged, removed, _, _ = export(site, out)
        check(written > 20, "a first export writes every file, wrote %d" % written)
        check_eq((unchanged, removed), (0, 0), "unchanged, removed on a first export")
        static = StaticServer(out)
        year_month = arts[0].path[:9]  # "/YYYY/MM/"
        author = re.search(r'href="(/author/[^"]+)"', srv.get(arts[0].url).text)
        check(author, "article page links its author")
        sample = (["/", "/tag/politics", "/tag/world", "/fa/", "/fr/", year_month,
                   author.group(1), "/feed.xml", "/atom.xml", "/feed.json",
                   "/tag/politics/feed.xml", "/lang/fa/feed.xml", "/sitemap.xml",
                   "/sitemap-pages.xml", "/sitemap-articles-1.xml", "/robots.txt",
                   "/assets/style.css", "/assets/beacon.js", "/favicon.ico"]
                  + [a.url for a in arts])
        for path in sample:
            live = srv.get(path)
            st, ctype, body = static.get(path)
            check_eq(st, live.status, "static status of %s" % path)
            check_eq(normalize(body), live.body, "static body of %s" % path)
            if live.header("content-type").startswith("text/html"):
                check(ctype.startswith("text/html"), "%s served as %r" % (path, ctype))
        # Only article pages load the beacon, with their own id.
        for a in arts:
            _, _, body = static.get(a.url)
            check_eq(_BEACON.findall(body), [str(a.id).encode()], "beacon of %s" % a.path)
            check(b'action="%s/search"' % LIVE.encode() in body,
                  "the search form goes to the live site")
        for path in ("/", "/tag/politics", "/feed.xml"):
            check(b"beacon.js" not in static.get(path)[2], "no beacon on %s" % path)
        # The 404 page is the site's.
        with open(os.path.join(out, "404.html"), "rb") as f:
            check_eq(normalize(f.read()), srv.get("/404.html").body, "404.html")
        # UTF-8 slugs are UTF-8 on disk.
        fa = arts[3].path
        check(os.path.isfile(os.path.join(out, fa.lstrip("/"), "index.html")),
              "file of %s" % fa)
        # Drafts are nowhere.
        check_eq(static.get(draft.url)[0], 404, "static draft")
        check(not os.path.exists(os.path.join(out, draft.path.lstrip("/"))), "draft file")
        for root, _, files in os.walk(out):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    check(b"Secret draft" not in f.read(), "draft title in %s" % name)
    finally:
        if static:
            static.stop()
        shutil.rmtree(out, ignore_errors=True)
    srv.stop()


def test_export_incremental():
    site = Site("export-incr")
    arts = [site.new("Story %02d" % i, "Body of story %d." % i, tags="News", publish=True)
            for i in range(14)]
    out = tempfile.mkdtemp(prefix="gazette-export-")
    try:
        first = export(site, out)
        total = first[0]
        again = export(site, out, "--verbose")
        check_eq(again[:3], (0, total, 0), "second export with no change: written, "
                 "unchanged, removed")
        # The oldest story is in no sidebar block: its page and the lists
        # and feeds showing it change, no other article page does.
        oldest, newest = arts[0], arts[-1]
        site.edit(oldest.id, body="A corrected body of the oldest story.")
        after = export(site, out, "--verbose")
        changed = written_files(after[4])
        page = oldest.path.lstrip("/") + "/index.html"
        check(page in changed, "%s rewritten after its edit: %s" % (page, sorted(changed)))
        others = {a.path.lstrip("/") + "/index.html" for a in arts[1:]}
        check(not (changed & others),
              "unchanged articles rewritten: %s" % sorted(changed & others))
        # The rest are the lists, feeds and sitemaps that show it.
        check_eq(after[0], len(changed), "written count")
        check(after[0] < total // 2, "rewrote %d of %d files" % (after[0], total))
        with open(os.path.join(out, page), encoding="utf-8") as f:
            check("A corrected body" in f.read(), "the new body is exported")
        # An article taken off the site: its file goes.
        site.unpublish(newest.id)
        gone = export(site, out, "--verbose")
        check(gone[2] >= 1, "removed count %d" % gone[2])
        check("D " + newest.path.lstrip("/") + "/index.html" in gone[4], "removal listed")
        check(not os.path.exists(os.path.join(out, newest.path.lstrip("/"))),
              "the unpublished article's folder is gone")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_beacon_counts_views():
    site = Site("beacon")
    art = site.new("Counted by beacon", "body", publish=True)
    draft = site.new("Draft", "body")
    srv = site.serve()
    r = srv.request("POST", "/v/%d" % art.id, ua=BROWSER_UA, body="")
    check_eq(r.status, 204, "POST /v/ID")
    check_eq(r.header("cache-control"), "no-store", "beacon Cache-Control")
    site.wait_views({art.id: 1})
    # A weight or count parameter is refused (400, issue 9): one call, at
    # most one view; a plain call counts.
    r = srv.request("GET", "/v/%d?count=100&weight=50" % art.id, ua=BROWSER_UA)
    check_eq(r.status, 400, "GET /v/ID with parameters")
    check_eq(srv.request("GET", "/v/%d" % art.id, ua=BROWSER_UA).status, 204, "GET /v/ID")
    site.wait_views({art.id: 2})
    # Bots and prefetches are answered but not counted; then one real view
    # shows that nothing else was.
    check_eq(srv.request("GET", "/v/%d" % art.id, ua=GOOGLEBOT).status, 204, "bot")
    check_eq(srv.request("POST", "/v/%d" % art.id, ua=BROWSER_UA, body="",
                         headers={"Sec-Purpose": "prefetch"}).status, 204, "prefetch")
    check_eq(srv.request("HEAD", "/v/%d" % art.id, ua=BROWSER_UA).status, 204, "HEAD")
    for path in ("/v/%d" % draft.id, "/v/999999", "/v/0", "/v/01", "/v/abc", "/v/",
                 "/v/%d/x" % art.id):
        check_eq(srv.request("POST", path, ua=BROWSER_UA, body="").status, 404, path)
    r = srv.request("PUT", "/v/%d" % art.id, ua=BROWSER_UA, body="")
    check_eq(r.status, 405, "PUT /v/ID")
    # The sentinel: once its view is in, nothing above may have counted
    # (wait_views checks again after a few flushes).
    srv.request("POST", "/v/%d" % art.id, ua=BROWSER_UA, body="")
    site.wait_views({art.id: 3})
    srv.stop()
