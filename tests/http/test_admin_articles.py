"""The admin's articles (/admin/articles): the list with its filters and
pages, the editor (slugs, preview, scheduling, autosave), revisions with
their diff and restore, the trash, bulk actions, what each role may do, and
that everything the admin changes is on the public site at once."""

import html
import json
import re
import sqlite3
import time

from harness import Site, block_titles, check, check_eq, wait_for

PASSWORD = "correct horse battery"


# ---- helpers ------------------------------------------------------------------

def newsroom(name, flush_ms=100, roles=("admin", "editor", "author", "contributor")):
    """A site with one user per role (named after the role), served."""
    site = Site(name)
    for role in roles:
        site.add_user(role, role, password=PASSWORD)
    srv = site.serve(flush_ms=flush_ms)
    return site, srv


def login(srv, name):
    return srv.admin_login(name, PASSWORD)


def form(title, body="Some text.", status="draft", **extra):
    f = {"title": title, "body": body, "status": status, "action": "save"}
    f.update(extra)
    return f


def created_id(r):
    """The article id from the 303 after a save."""
    check(r.status == 303, "save answered %d: %s" % (r.status, error_text(r)))
    m = re.match(r"^/admin/articles/(\d+)$", r.header("location") or "")
    check(m, "save redirected to %r" % r.header("location"))
    return int(m.group(1))


def error_text(r):
    m = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    return html.unescape(m.group(1)) if m else r.text[:300]


def create(adm, title, **kw):
    return created_id(adm.post("/admin/articles/new", form(title, **kw)))


def row(site, id):
    """The stored article as a dict (None when gone)."""
    rows = site._query("SELECT id, slug, title, summary, body_src, status, published_at, "
                       "author_id, deleted_at, image, lang FROM articles WHERE id = %d" % id)
    if not rows:
        return None
    keys = ("id", "slug", "title", "summary", "body", "status", "published_at", "author_id",
            "deleted_at", "image", "lang")
    return dict(zip(keys, rows[0]))


def tags_of(site, id):
    return [n for (n,) in site._query(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
        "WHERE at.article_id = %d ORDER BY at.position" % id)]


def revision_count(site, id):
    return site._query("SELECT count(*) FROM revisions WHERE article_id = %d" % id)[0][0]


def user_id(site, name):
    return site._query("SELECT id FROM authors WHERE name = '%s'" % name)[0][0]


def public_path(site, id):
    a = row(site, id)
    t = time.gmtime(a["published_at"])
    return "/%04d/%02d/%s" % (t.tm_year, t.tm_mon, a["slug"])


def url(path):
    from urllib.parse import quote
    return quote(path, safe="/")


def listed_ids(r):
    check(r.status == 200, "list answered %d" % r.status)
    return [int(i) for i in re.findall(r'<input type="checkbox" name="id" value="(\d+)"', r.text)]


def now_plus(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + seconds))


# ---- the editor ---------------------------------------------------------------

def test_create_edit_and_unique_slugs():
    site, srv = newsroom("artcreate", roles=("editor",))
    adm = login(srv, "editor")
    r = adm.get("/admin/articles/new")
    check_eq(r.status, 200, "GET new")
    check('src="/admin/assets/editor.js' in r.text, "the editor loads editor.js")
    for field in ("title", "slug", "summary", "body", "status", "publish_at", "lang", "tags",
                  "image"):
        check('<label for="%s"' % field in r.text, "a label for %s" % field)

    first = create(adm, "Hello World", summary="Sum", tags="News, World",
                   lang="fr", image="/media/ab/cd.png")
    a = row(site, first)
    check_eq((a["slug"], a["title"], a["summary"], a["status"], a["lang"], a["image"]),
             ("hello-world", "Hello World", "Sum", 0, "fr", "/media/ab/cd.png"), "stored")
    check_eq(tags_of(site, first), ["News", "World"], "tags created on the fly")
    check_eq(row(site, first)["author_id"], user_id(site, "editor"), "author is the writer")

    # Same title: the slug gets a suffix; a typed slug that is taken is refused.
    second = create(adm, "Hello World")
    check_eq(row(site, second)["slug"], "hello-world-2", "second slug")
    n = site._query("SELECT count(*) FROM articles")[0][0]
    r = adm.post("/admin/articles/new", form("Other", slug="hello-world"))
    check_eq(r.status, 409, "taken slug")
    check("hello-world" in error_text(r), "the error names the slug: %s" % error_text(r))
    check('value="Other"' in r.text, "the form keeps what was typed")
    check_eq(site._query("SELECT count(*) FROM articles")[0][0], n, "nothing saved")
    r = adm.post("/admin/articles/new", form("Bad", slug="a/b"))
    check_eq(r.status, 422, "invalid slug")
    r = adm.post("/admin/articles/new", form("   "))
    check_eq(r.status, 422, "blank title")
    r = adm.post("/admin/articles/new", form("Bad date", status="scheduled",
                                             publish_at="2026-02-31T10:00"))
    check_eq(r.status, 422, "impossible date")
    r = adm.post("/admin/articles/new", form("Bad image", image="javascript:alert(1)"))
    check_eq(r.status, 422, "javascript: image refused")

    # Edit: a typed slug of its own is fine; the editor shows the stored values.
    r = adm.post("/admin/articles/%d" % first,
                 form("Hello again", slug="hello-world", tags="World", lang="fr"))
    check_eq(created_id(r), first, "edit redirects to the article")
    a = row(site, first)
    check_eq((a["title"], a["slug"]), ("Hello again", "hello-world"), "edited")
    check_eq(tags_of(site, first), ["World"], "tags replaced")
    r = adm.get("/admin/articles/%d" % first)
    check('value="Hello again"' in r.text and 'value="World"' in r.text, "editor values")
    check('<option value="fr" data-dir="ltr" selected>' in r.text, "language selected")
    r = adm.get("/admin/articles/fa")
    check_eq(r.status, 404, "non-numeric id")
    check_eq(adm.get("/admin/articles/99999").status, 404, "unknown id")

    # An RTL language marks the fields right to left.
    rtl = create(adm, "سلام دنیا", lang="fa", body="متن")
    r = adm.get("/admin/articles/%d" % rtl)
    check(re.search(r'<input id="title"[^>]*dir="rtl"', r.text), "title is rtl")
    check(re.search(r'<textarea id="body"[^>]*dir="rtl"', r.text), "body is rtl")
    check_eq(row(site, rtl)["slug"], "سلام-دنیا", "UTF-8 slug from the title")


def test_draft_slug_follows_title_until_published():
    site, srv = newsroom("artslug", roles=("author",))
    adm = login(srv, "author")
    id = create(adm, "Bre")
    check_eq(row(site, id)["slug"], "bre", "first slug")
    adm.post("/admin/articles/%d" % id, form("Breaking news", slug=""))
    check_eq(row(site, id)["slug"], "breaking-news", "an unpublished draft follows its title")
    adm.post("/admin/articles/%d" % id, form("Breaking news", slug="", status="published"))
    adm.post("/admin/articles/%d" % id, form("Breaking news, updated", slug="",
                                             status="published"))
    check_eq(row(site, id)["slug"], "breaking-news", "a published address stays")


def test_preview_renders_like_the_site():
    site, srv = newsroom("artpreview", roles=("author",))
    adm = login(srv, "author")
    body = ("# Heading\n\nSome *emphasis*, **strong** and `code`.\n\n"
            "> A quote\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "[link](https://example.org) <script>alert(1)</script>\n\n"
            "![cat](/media/ab/cat.png)\n")
    r = adm.post("/admin/articles/preview", {"body": body})
    check_eq(r.status, 200, "preview")
    check((r.header("content-type") or "").startswith("text/html"), "preview is HTML")
    preview = r.text
    check("<em>emphasis</em>" in preview and "<table>" in preview, "markdown rendered")
    check("<script>" not in preview, "script removed: %s" % preview)
    id = create(adm, "Preview me", body=body, status="published")
    page = srv.get(url(public_path(site, id)))
    check_eq(page.status, 200, "public page")
    check(preview in page.text, "the public page has exactly the preview's HTML")
    # The no-JavaScript path: the Preview button shows the page again, saves nothing.
    n = site._query("SELECT count(*) FROM articles")[0][0]
    r = adm.post("/admin/articles/new", dict(form("Not saved", body="*hi*"), action="preview"))
    check_eq(r.status, 200, "preview button")
    check("<em>hi</em>" in r.text, "preview shown in the editor")
    check_eq(site._query("SELECT count(*) FROM articles")[0][0], n, "preview saves nothing")
    r = adm.post("/admin/articles/preview", {"body": "x"}, csrf=False)
    check_eq(r.status, 403, "preview without CSRF token")


# ---- publishing and the site ------------------------------------------------------

def test_publish_and_edit_show_at_once():
    # A flush interval of a minute: only the admin's own kick can refresh.
    site, srv = newsroom("artlive", flush_ms=60000, roles=("editor",))
    old = site.new("Older story", "old body", publish=True)
    adm = login(srv, "editor")
    home = srv.get("/")
    check("Fresh story" not in home.text, "not there yet")
    id = create(adm, "Fresh story", body="fresh body", status="published")
    home = srv.get("/")
    check("Fresh story" in home.text, "on the home page at once")
    check_eq(block_titles(home.text, "new-articles")[0], "Fresh story", "New Articles block")
    path = public_path(site, id)
    check_eq(srv.get(url(path)).status, 200, "article page")
    check_eq(block_titles(srv.get(old.url).text, "new-articles")[0], "Fresh story",
             "block on another article's page")
    # Edit: the article page and the block show the new title at once.
    adm.post("/admin/articles/%d" % id, form("Fresh story, corrected", body="new body",
                                             status="published"))
    page = srv.get(url(path))
    check("Fresh story, corrected" in page.text and "new body" in page.text, "edit shown")
    check_eq(block_titles(page.text, "new-articles")[0], "Fresh story, corrected",
             "block updated")
    # Unpublish: gone at once.
    adm.post("/admin/articles/%d" % id, form("Fresh story, corrected", status="unpublished"))
    check_eq(srv.get(url(path)).status, 404, "unpublished page")
    check("Fresh story" not in srv.get("/").text, "off the home page")


def test_scheduled_article_goes_live_by_itself():
    site, srv = newsroom("artsched", roles=("author",))
    adm = login(srv, "author")
    r = adm.post("/admin/articles/new", form("Past schedule", status="scheduled",
                                             publish_at="2001-01-01T00:00"))
    check_eq(r.status, 422, "a schedule in the past")
    id = create(adm, "Tomorrow's news", body="soon", status="scheduled",
                publish_at=now_plus(3))
    a = row(site, id)
    check_eq(a["status"], 1, "stored as published with a future date")
    check(a["published_at"] > time.time(), "future date")
    path = url(public_path(site, id))
    check_eq(srv.get(path).status, 404, "not on the site before its time")
    check("Tomorrow" not in srv.get("/").text, "not on the home page before its time")
    check_eq(listed_ids(adm.get("/admin/articles?status=scheduled")), [id], "listed scheduled")
    wait_for(lambda: srv.get(path).status == 200, 20, what="the scheduled article")
    wait_for(lambda: "Tomorrow's news" in block_titles(srv.get("/").text, "new-articles"),
             10, what="New Articles to list it")
    check_eq(block_titles(srv.get("/").text, "new-articles")[0], "Tomorrow's news",
             "New Articles block")
    check_eq(listed_ids(adm.get("/admin/articles?status=published")), [id], "now published")


# ---- revisions ----------------------------------------------------------------

def test_revisions_diff_and_restore():
    site, srv = newsroom("artrev", flush_ms=60000, roles=("author", "editor"))
    adm = login(srv, "author")
    id = create(adm, "Rev", body="line one\nfirst version\nline three\n", status="published")
    adm.post("/admin/articles/%d" % id, form("Rev", body="line one\nsecond <b>version</b>\n"
                                             "line three\n", status="published"))
    adm.post("/admin/articles/%d" % id, form("Rev 3", body="line one\nthird version\n"
                                             "line three\n", status="published"))
    check_eq(revision_count(site, id), 3, "one revision per save")
    r = adm.get("/admin/articles/%d/revisions" % id)
    check_eq(r.status, 200, "revision list")
    links = re.findall(r'href="/admin/articles/%d/revisions/(\d+)"' % id, r.text)
    revs = sorted(set(int(x) for x in links))
    check_eq(len(revs), 3, "three revisions listed")
    check(r.text.count(">author<") >= 3, "who saved each")
    first, second = revs[0], revs[1]
    r = adm.get("/admin/articles/%d/revisions/%d" % (id, second))
    check_eq(r.status, 200, "diff page")
    check("<del>- second &lt;b&gt;version&lt;/b&gt;</del>" in r.text, "removed line, escaped")
    check("<ins>+ third version</ins>" in r.text, "added line")
    check("<del>- Rev</del>" in r.text and "<ins>+ Rev 3</ins>" in r.text, "title diff")
    check("  line one" in r.text, "context kept")
    # Restore the first: its text comes back, as a new revision, on the site at once.
    r = adm.post("/admin/articles/%d/revisions/%d/restore" % (id, first), {})
    check_eq(r.status, 303, "restore")
    a = row(site, id)
    check_eq((a["title"], a["body"], a["status"]), ("Rev", "line one\nfirst version\n"
                                                    "line three\n", 1), "restored")
    check_eq(revision_count(site, id), 4, "restoring is a save")
    check("first version" in srv.get(url(public_path(site, id))).text, "site shows it")
    # A revision of another article, or a GET on restore, is refused.
    other = create(adm, "Other")
    check_eq(adm.get("/admin/articles/%d/revisions/%d" % (other, first)).status, 404,
             "revision of another article")
    check_eq(adm.get("/admin/articles/%d/revisions/%d/restore" % (id, first)).status, 405,
             "restore needs POST")
    ed = login(srv, "editor")
    ed_art = create(ed, "Editor's")
    check_eq(adm.get("/admin/articles/%d/revisions" % ed_art).status, 403,
             "an author reads only their own revisions")


# ---- trash ----------------------------------------------------------------------

def test_trash_restore_and_purge():
    site, srv = newsroom("arttrash", flush_ms=60000, roles=("editor", "author"))
    au = login(srv, "author")
    id = create(au, "Trash me", body="bin", status="published", tags="Bin")
    path = url(public_path(site, id))
    check_eq(srv.get(path).status, 200, "published")
    check("Trash me" in srv.get("/").text, "on the home page")
    r = au.post("/admin/articles/%d/trash" % id, {})
    check_eq(r.status, 303, "trash")
    check(row(site, id)["deleted_at"] > 0, "deleted_at set")
    check_eq(srv.get(path).status, 404, "off the site at once")
    check("Trash me" not in srv.get("/").text, "off the home page at once")
    check(id not in listed_ids(au.get("/admin/articles")), "not in the list")
    check_eq(listed_ids(au.get("/admin/articles?trash=1")), [id], "in the trash")
    r = au.post("/admin/articles/%d" % id, form("Edit in trash", status="published"))
    check_eq(r.status, 422, "no editing in the trash")
    r = au.post("/admin/articles/%d/restore" % id, {})
    check_eq(r.status, 303, "restore")
    check_eq(row(site, id)["deleted_at"], 0, "restored")
    check_eq(srv.get(path).status, 200, "back on the site")
    au.post("/admin/articles/%d/trash" % id, {})
    check_eq(au.post("/admin/articles/%d/purge" % id, {}).status, 403,
             "authors cannot delete for good")
    ed = login(srv, "editor")
    live = create(ed, "Live one", status="published")
    check_eq(ed.post("/admin/articles/%d/purge" % live, {}).status, 409,
             "purge needs the trash first")
    r = ed.post("/admin/articles/%d/purge" % id, {})
    check_eq(r.status, 303, "purge")
    check(row(site, id) is None, "gone")
    check_eq(revision_count(site, id), 0, "revisions gone")
    check_eq(site._query("SELECT count(*) FROM article_tags WHERE article_id = %d" % id)[0][0],
             0, "tag links gone")
    a, b = create(ed, "Bin A"), create(ed, "Bin B")
    ed.post("/admin/articles/%d/trash" % a, {})
    ed.post("/admin/articles/%d/trash" % b, {})
    check_eq(au.post("/admin/articles/trash/empty", {}).status, 403, "author cannot empty")
    r = ed.post("/admin/articles/trash/empty", {})
    check_eq(r.status, 303, "empty the trash")
    check(row(site, a) is None and row(site, b) is None, "trash emptied")
    check(row(site, live) is not None, "live article kept")


# ---- the list -------------------------------------------------------------------

def test_list_filters_and_pagination():
    site, srv = newsroom("artlist", roles=("editor", "author"))
    ed = login(srv, "editor")
    au = login(srv, "author")
    ids = [create(ed, "Story %02d" % i, tags="Batch") for i in range(30)]
    fa = create(ed, "Persian piece", lang="fa", tags="Iran")
    pub = create(ed, "Published Piece", status="published")
    sched = create(ed, "Later piece", status="scheduled", publish_at=now_plus(86400))
    unp = create(ed, "Gone piece", status="published")
    ed.post("/admin/articles/%d" % unp, form("Gone piece", status="unpublished"))
    mine = create(au, "Author piece")

    r = ed.get("/admin/articles")
    first = listed_ids(r)
    check_eq(len(first), 25, "25 per page")
    check("Page 1 of 2" in r.text, "page count: %s" % re.findall(r"Page \d+ of \d+", r.text))
    check('href="/admin/articles?page=2"' in r.text, "next page link")
    second = listed_ids(ed.get("/admin/articles?page=2"))
    check_eq(len(first) + len(second), 35, "every article on some page")
    check_eq(set(first) & set(second), set(), "no overlap")

    check_eq(listed_ids(ed.get("/admin/articles?status=published")), [pub], "published")
    check_eq(listed_ids(ed.get("/admin/articles?status=scheduled")), [sched], "scheduled")
    check_eq(listed_ids(ed.get("/admin/articles?status=unpublished")), [unp], "unpublished")
    check_eq(len(listed_ids(ed.get("/admin/articles?status=draft&page=2"))), 7, "drafts p2")
    check_eq(listed_ids(ed.get("/admin/articles?lang=fa")), [fa], "language")
    check_eq(listed_ids(ed.get("/admin/articles?tag=iran")), [fa], "tag")
    check_eq(listed_ids(ed.get("/admin/articles?q=PIECE&status=draft")), [mine, fa],
             "search ignores case")
    r = ed.get("/admin/articles?tag=batch&q=story+2")
    check_eq(sorted(listed_ids(r)), sorted(ids[20:30]), "tag and search together")
    check('name="back" value="/admin/articles?tag=batch&amp;q=story%202"' in r.text,
          "the filters are kept for after a bulk action")
    check_eq(listed_ids(ed.get("/admin/articles?author=%d" % user_id(site, "author"))),
             [mine], "author filter")
    # Authors see their own articles only, whatever they ask for.
    check_eq(listed_ids(au.get("/admin/articles")), [mine], "author's own")
    check_eq(listed_ids(au.get("/admin/articles?author=%d" % user_id(site, "editor"))),
             [mine], "author filter ignored for authors")
    # Bad filter values switch the filter off rather than fail.
    check_eq(ed.get("/admin/articles?page=abc&status=nope").status, 200, "bad values")
    check_eq(listed_ids(ed.get("/admin/articles?page=99")), [], "past the last page")
    dash = ed.get("/admin")
    check(re.search(r"<strong>1</strong> scheduled", dash.text), "dashboard counts")


def test_bulk_actions():
    site, srv = newsroom("artbulk", flush_ms=60000, roles=("editor", "contributor"))
    ed = login(srv, "editor")
    ids = [create(ed, "Bulk %d" % i) for i in range(3)]
    pairs = [("action", "publish")] + [("id", str(i)) for i in ids]
    r = ed.post("/admin/articles/bulk", pairs)
    check_eq(r.status, 303, "bulk publish")
    check_eq([row(site, i)["status"] for i in ids], [1, 1, 1], "all published")
    home = srv.get("/")
    check(all("Bulk %d" % i in home.text for i in range(3)), "all on the home page at once")
    check_eq(revision_count(site, ids[0]), 2, "bulk saves keep revisions")
    ed.post("/admin/articles/bulk", [("action", "unpublish"), ("id", str(ids[0]))])
    check_eq(row(site, ids[0])["status"], 3, "unpublished")
    check("Bulk 0" not in srv.get("/").text, "off the home page")
    ed.post("/admin/articles/bulk", [("action", "trash")] + [("id", str(i)) for i in ids])
    check(all(row(site, i)["deleted_at"] for i in ids), "all in the trash")
    check_eq(srv.get("/").text.count("Bulk"), 0, "none on the site")
    ed.post("/admin/articles/bulk", [("action", "restore")] + [("id", str(i)) for i in ids])
    check(not any(row(site, i)["deleted_at"] for i in ids), "all restored")
    check_eq(ed.post("/admin/articles/bulk", [("action", "explode"), ("id", "1")]).status,
             422, "unknown action")
    check_eq(ed.post("/admin/articles/bulk", [("action", "trash")]).status, 422, "no ids")
    check_eq(ed.get("/admin/articles/bulk").status, 405, "GET bulk")
    # A contributor cannot publish, even in bulk.
    co = login(srv, "contributor")
    own = create(co, "Contributor draft")
    co.post("/admin/articles/bulk", [("action", "publish"), ("id", str(own)),
                                     ("id", str(ids[1]))])
    check_eq(row(site, own)["status"], 0, "still a draft")
    check_eq(row(site, ids[1])["status"], 1, "someone else's untouched")


# ---- autosave ---------------------------------------------------------------------

def test_autosave_drafts_only():
    site, srv = newsroom("artauto", flush_ms=60000, roles=("author",))
    au = login(srv, "author")
    r = au.post("/admin/articles/0/autosave", {"title": "Auto", "body": "v1",
                                               "status": "published"})
    check_eq(r.status, 200, "autosave creates a draft")
    j = json.loads(r.text)
    id = j["id"]
    check_eq(j["edit_url"], "/admin/articles/%d" % id, "where it lives")
    check_eq((row(site, id)["status"], row(site, id)["body"]), (0, "v1"), "a draft, whatever "
             "the status field says")
    r = au.post("/admin/articles/%d/autosave" % id, {"title": "Auto", "body": "v1"})
    check_eq(r.status, 204, "nothing changed")
    check_eq(revision_count(site, id), 1, "no revision for nothing")
    r = au.post("/admin/articles/%d/autosave" % id, {"title": "Auto", "body": "v2"})
    check_eq(r.status, 200, "changed")
    check_eq(row(site, id)["body"], "v2", "saved")
    check_eq(au.post("/admin/articles/0/autosave", {"title": "", "body": "x"}).status, 204,
             "no title yet: nothing to keep")
    # Once published, autosave never touches the live text.
    au.post("/admin/articles/%d" % id, form("Auto", body="live text", status="published"))
    r = au.post("/admin/articles/%d/autosave" % id, {"title": "Auto", "body": "half-typed"})
    check_eq(r.status, 409, "autosave of a published article")
    check_eq(row(site, id)["body"], "live text", "live text kept")
    check("half-typed" not in srv.get(url(public_path(site, id))).text, "site unchanged")
    r = au.post("/admin/articles/0/autosave", {"title": "x"}, csrf=False)
    check_eq(r.status, 403, "autosave without CSRF token")
    page = au.get("/admin/articles/%d" % id)
    check("data-autosave-url" not in page.text, "the editor of a published article does not "
          "autosave")


# ---- roles ------------------------------------------------------------------------

def test_role_limits():
    site, srv = newsroom("artroles", flush_ms=60000)
    co, au, ed = login(srv, "contributor"), login(srv, "author"), login(srv, "editor")

    # Contributor: drafts of their own only.
    r = co.post("/admin/articles/new", form("Co publish", status="published"))
    check_eq(r.status, 403, "contributor cannot publish")
    r = co.post("/admin/articles/new", form("Co sched", status="scheduled",
                                            publish_at=now_plus(3600)))
    check_eq(r.status, 403, "contributor cannot schedule")
    draft = create(co, "Co draft")
    page = co.get("/admin/articles/%d" % draft)
    check(re.search(r'<option value="published"[^>]* disabled', page.text),
          "publish offered disabled")
    created_id(co.post("/admin/articles/%d" % draft, form("Co draft 2")))
    ed.post("/admin/articles/%d" % draft, form("Co draft 2", status="published"))
    check_eq(row(site, draft)["status"], 1, "an editor publishes it")
    check_eq(co.get("/admin/articles/%d" % draft).status, 403, "no editing once published")
    r = co.post("/admin/articles/%d" % draft, form("Co sneaky"))
    check_eq(r.status, 403, "no saving once published")
    check_eq(co.post("/admin/articles/%d/trash" % draft, {}).status, 403, "no trashing it")
    check_eq(row(site, draft)["title"], "Co draft 2", "unchanged")

    # Author: their own, published too; nobody else's.
    mine = create(au, "Au own", status="published")
    created_id(au.post("/admin/articles/%d" % mine, form("Au own 2", status="published")))
    theirs = create(ed, "Ed own")
    check_eq(au.get("/admin/articles/%d" % theirs).status, 403, "author: other's editor")
    check_eq(au.post("/admin/articles/%d" % theirs, form("Hijack")).status, 403,
             "author: other's save")
    check_eq(au.post("/admin/articles/%d/trash" % theirs, {}).status, 403, "author: trash")
    r = au.post("/admin/articles/new", form("Ghost", author=str(user_id(site, "editor"))))
    check_eq(row(site, created_id(r))["author_id"], user_id(site, "author"),
             "an author's author field is ignored")

    # Editor: everyone's, and may change the byline.
    created_id(ed.post("/admin/articles/%d" % mine, form("Au own, edited", status="published",
                                                         author=str(user_id(site, "editor")))))
    check_eq((row(site, mine)["title"], row(site, mine)["author_id"]),
             ("Au own, edited", user_id(site, "editor")), "editor edits and re-attributes")
    check_eq(au.post("/admin/articles/trash/empty", {}).status, 403, "author: empty trash")


def test_csrf_required():
    site, srv = newsroom("artcsrf", roles=("editor",))
    ed = login(srv, "editor")
    id = create(ed, "Guarded")
    n = site._query("SELECT count(*) FROM articles")[0][0]
    for path, fields in [("/admin/articles/new", form("No token")),
                         ("/admin/articles/%d" % id, form("Changed")),
                         ("/admin/articles/%d/trash" % id, {}),
                         ("/admin/articles/bulk", [("action", "trash"), ("id", str(id))]),
                         ("/admin/articles/trash/empty", {})]:
        r = ed.post(path, fields, csrf=False)
        check_eq(r.status, 403, "%s without token" % path)
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        r = ed.post(path, pairs + [("_csrf", "0" * 64)])
        check_eq(r.status, 403, "%s with a wrong token" % path)
    a = row(site, id)
    check_eq((a["title"], a["deleted_at"]), ("Guarded", 0), "nothing changed")
    check_eq(site._query("SELECT count(*) FROM articles")[0][0], n, "nothing created")


# ---- hostile input -----------------------------------------------------------------

def test_hostile_text_is_stored_verbatim_and_shown_escaped():
    site, srv = newsroom("artevil", flush_ms=60000, roles=("editor",))
    ed = login(srv, "editor")
    title = "Robert'); DROP TABLE articles; -- <script>alert(1)</script> & \"q\""
    tags = "<img src=x onerror=alert(2)>, it's \"quoted\"; DELETE FROM tags"
    slug = "o'reilly-<b>-\"x\";--1"
    summary = "<b>bold</b> ' OR 1=1 --"
    id = create(ed, title, tags=tags, slug=slug, summary=summary, status="published")
    a = row(site, id)
    check_eq((a["title"], a["slug"], a["summary"]), (title, slug, summary), "verbatim")
    check_eq(tags_of(site, id), ["<img src=x onerror=alert(2)>",
                                 "it's \"quoted\"; DELETE FROM tags"], "tags verbatim")
    check_eq(site._query("SELECT count(*) FROM tags")[0][0], 2, "tables intact")
    for page in (ed.get("/admin/articles"), ed.get("/admin/articles/%d" % id),
                 ed.get("/admin/articles/%d/revisions" % id), srv.get("/")):
        check_eq(page.status, 200, "page")
        check("<script>alert(1)" not in page.text, "title escaped")
        check("<img src=x" not in page.text, "tag escaped")
        check("<b>bold</b>" not in page.text, "summary escaped")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in ed.get("/admin/articles").text,
          "title shown escaped")
    # Searching with SQL and LIKE metacharacters finds literally.
    check_eq(listed_ids(ed.get("/admin/articles?q=%27%29%3B+DROP")), [id], "quote search")
    check_eq(listed_ids(ed.get("/admin/articles?q=%25")), [], "percent is literal")
    check_eq(listed_ids(ed.get("/admin/articles?q=_")), [], "underscore is literal")
    # Tag autocomplete is JSON, with the names as they are.
    r = ed.get("/admin/articles/tags?q=%3Cimg")
    check_eq(r.status, 200, "tags")
    check_eq(json.loads(r.text), ["<img src=x onerror=alert(2)>"], "autocomplete")
    check_eq(r.header("content-type"), "application/json", "JSON type")


def test_tag_autocomplete():
    site, srv = newsroom("arttags", roles=("author",))
    au = login(srv, "author")
    create(au, "T", tags="Politics, Poland, Sport, polar bears")
    r = au.get("/admin/articles/tags?q=pol")
    check_eq(json.loads(r.text), ["Poland", "Politics", "polar bears"], "prefix, any case")
    check_eq(len(json.loads(au.get("/admin/articles/tags").text)), 4, "no prefix: all")
    check_eq(json.loads(au.get("/admin/articles/tags?q=zz").text), [], "none")
    check_eq(au.get("/admin/articles/tags?q=%FF").status, 400, "not UTF-8")
    check('<option value="Politics">' in au.get("/admin/articles/new").text,
          "the editor's datalist")


def test_editor_offers_recent_images():
    site, srv = newsroom("artmedia", roles=("author",))
    sha = "ab" + "0" * 62
    db = sqlite3.connect(site.db, timeout=10)
    with db:
        db.execute("INSERT INTO media (sha256, mime, ext, size, width, height, name, user_id, "
                   "created_at) VALUES (?, 'image/png', 'png', 10, 1, 1, 'cat [1].png', 0, 1)",
                   (sha,))
    db.close()
    au = login(srv, "author")
    page = au.get("/admin/articles/new").text
    src = "/media/ab/%s.png" % sha
    check('data-markdown="![cat  1 .png](%s)"' % src in page,
          "an insert button with the image's Markdown (brackets in the name replaced)")
    check('data-url="%s"' % src in page, "a featured-image button")
    id = create(au, "With image", image=src, body="![cat](%s)" % src, status="published")
    check_eq(row(site, id)["image"], src, "featured image stored")
    check('src="%s"' % src in srv.get(url(public_path(site, id))).text, "image in the page")
