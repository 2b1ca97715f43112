"""Imported HTML articles (body format "html", migration 0005): created
through the JSON API with "format": "html", their body goes through the
HTML sanitizer (src/content/sanitize.c) instead of the Markdown renderer,
and the public page shows the sanitized HTML; the admin editor keeps the
format of an article it edits and previews it the same way."""

import hashlib
import json
import os
import re
import sqlite3
import time

from harness import Site, check, check_eq

PASSWORD = "correct horse battery"

HOSTILE = (
    '<h1>Imported heading</h1>'
    '<p class="x" style="color:red" onclick="alert(1)">First <b>bold</b> words '
    '<a href="https://example.com/page" target="_blank">out</a> and '
    '<a href="javascript:alert(2)">bad link</a>.</p>'
    '<script>alert(3)</script><iframe src="https://evil.example/"></iframe>'
    '<img src="/media/a.jpg" alt="A" onerror="alert(4)">'
    '<svg onload="alert(5)"><text>svg text</text></svg>'
    '<section><font color="red">unwrapped</font></section>'
)


def add_token(site, name, role):
    """A user of that role and an API token of theirs (as test_api.py makes
    them: the store keeps the SHA-256 of the secret)."""
    secret = os.urandom(32).hex()
    c = sqlite3.connect(site.db, timeout=10)
    try:
        uid = c.execute("INSERT INTO authors (name, role, pass_hash, created_at) "
                        "VALUES (?, ?, '!', ?)", (name, role, int(time.time()))).lastrowid
        c.execute("INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                  "VALUES (?, ?, 'test', ?)",
                  (hashlib.sha256(secret.encode()).digest(), uid, int(time.time())))
        c.commit()
    finally:
        c.close()
    return "gz_" + secret


def api(srv, token, method, path, body):
    r = srv.request(method, "/api/v1" + path, body=json.dumps(body).encode(),
                    headers={"Authorization": "Bearer " + token,
                             "Content-Type": "application/json"})
    r.json = json.loads(r.body.decode()) if r.body else None
    return r


def check_clean(html_text, what):
    for bad in ("<script", "onclick", "onerror", "onload", "javascript:", "<iframe",
                "<svg", "style=", "class=\"x\"", "<font", "<section", "target="):
        check(bad not in html_text, "%s still has %r" % (what, bad))


def article_body(page):
    """The article's body on its public page."""
    m = re.search(r'<div class="article-body"[^>]*>(.*?)</div>', page, re.S)
    check(m, "no article body on the page:\n" + page[:2000])
    return m.group(1)


def test_html_article_is_sanitized_on_the_page():
    site = Site("sanitize-page")
    srv = site.serve()
    token = add_token(site, "importer", "editor")
    r = api(srv, token, "POST", "/articles",
            {"title": "An imported story", "body": HOSTILE, "format": "html",
             "status": "published"})
    check_eq(r.status, 201, "create: %s" % r.body[:500])
    check_eq(r.json["format"], "html", "format in the answer")
    check_eq(r.json["body"], HOSTILE, "body_src is kept as sent")
    body_html = r.json["body_html"]
    check_clean(body_html, "body_html")
    # what the allow-list keeps, rewritten
    for good in ('<h2>Imported heading</h2>', '<b>bold</b>',
                 '<a href="https://example.com/page" rel="nofollow noopener">out</a>',
                 'bad link', '<img src="/media/a.jpg" alt="A" loading="lazy">',
                 'unwrapped'):
        check(good in body_html, "body_html lacks %r: %s" % (good, body_html))
    check("svg text" not in body_html, "svg content dropped")
    # the teaser is the text the page shows, not the markup
    check(r.json["teaser"].startswith("Imported heading First bold words out"),
          "teaser: %r" % r.json["teaser"])

    page = srv.get(r.json["url"])
    check_eq(page.status, 200, "public page")
    body = article_body(page.text)
    check_clean(body, "the public page")
    check('<h2>Imported heading</h2>' in body and '<b>bold</b>' in body,
          "the page shows the sanitized HTML: %s" % body)
    check("alert(" not in page.text, "no script text anywhere on the page")


def test_format_defaults_and_validation():
    site = Site("sanitize-format")
    srv = site.serve()
    token = add_token(site, "writer", "editor")
    # without format: Markdown, where raw HTML is text
    r = api(srv, token, "POST", "/articles",
            {"title": "Markdown", "body": "<b>x</b> *y*", "status": "published"})
    check_eq(r.status, 201, "create markdown")
    check_eq(r.json["format"], "markdown", "default format")
    check("&lt;b&gt;x&lt;/b&gt;" in r.json["body_html"] and "<em>y</em>" in r.json["body_html"],
          "markdown rendering: %s" % r.json["body_html"])
    aid = r.json["id"]
    # switching to html re-renders the same body as HTML
    r = api(srv, token, "PATCH", "/articles/%d" % aid, {"format": "html"})
    check_eq(r.status, 200, "patch to html: %s" % r.body[:300])
    check("<b>x</b> *y*" in r.json["body_html"], "html now: %s" % r.json["body_html"])
    # a body alone keeps the format
    r = api(srv, token, "PATCH", "/articles/%d" % aid, {"body": "<i>z</i>"})
    check_eq(r.json["format"], "html", "format kept on a body change")
    check("<i>z</i>" in r.json["body_html"], "still html: %s" % r.json["body_html"])
    for bad in ("HTML", "text", ""):
        r = api(srv, token, "PATCH", "/articles/%d" % aid, {"format": bad})
        check_eq(r.status, 422, "format %r refused" % bad)
    r = api(srv, token, "PATCH", "/articles/%d" % aid, {"format": 1})
    check_eq(r.status, 422, "a non-string format refused")


def test_admin_editor_keeps_the_html_format():
    site = Site("sanitize-admin")
    site.add_user("ed", "editor", password=PASSWORD)
    srv = site.serve()
    token = add_token(site, "importer", "editor")
    r = api(srv, token, "POST", "/articles",
            {"title": "Imported", "body": "<p>old <u>text</u></p>", "format": "html",
             "status": "published"})
    check_eq(r.status, 201, "create")
    aid, url = r.json["id"], r.json["url"]

    adm = srv.admin_login("ed", PASSWORD)
    page = adm.get("/admin/articles/%d" % aid)
    check_eq(page.status, 200, "editor page")
    check("HTML (imported)" in page.text, "the editor says the text is HTML")
    check('data-format="html"' in page.text, "the live preview is told the format")

    # the live preview sanitizes HTML when told the format, renders Markdown otherwise
    body = '<p>new <u>text</u><script>alert(1)</script></p>'
    r = adm.post("/admin/articles/preview", {"body": body, "format": "html"})
    check_eq(r.status, 200, "preview")
    check_eq(r.text, "<p>new <u>text</u></p>", "html preview")
    r = adm.post("/admin/articles/preview", {"body": body})
    check("&lt;u&gt;" in r.text, "markdown preview escapes HTML: %s" % r.text)

    # the form's preview button, and then saving: still HTML
    r = adm.post("/admin/articles/%d" % aid,
                 {"title": "Imported", "body": body, "status": "published",
                  "action": "preview"})
    check_eq(r.status, 200, "preview in the form")
    check("<p>new <u>text</u></p>" in r.text, "form preview is sanitized HTML")
    r = adm.post("/admin/articles/%d" % aid,
                 {"title": "Imported", "body": body, "status": "published",
                  "action": "save"})
    check_eq(r.status, 303, "save")
    rows = sqlite3.connect(site.db).execute(
        "SELECT body_format, body_html FROM articles WHERE id = ?", (aid,)).fetchall()
    check_eq(rows[0][0], 1, "body_format after an admin save")
    check_eq(rows[0][1], "<p>new <u>text</u></p>", "body_html after an admin save")
    page = srv.get(url)
    check("<p>new <u>text</u></p>" in page.text, "the public page changed at once")

    # a Markdown article's editor says Markdown
    r = api(srv, token, "POST", "/articles", {"title": "Plain", "body": "x"})
    page = adm.get("/admin/articles/%d" % r.json["id"])
    check("(Markdown)" in page.text and "HTML (imported)" not in page.text,
          "markdown article's editor")
