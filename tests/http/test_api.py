"""The JSON API under /api/v1 (docs/api.md): bearer tokens, the public
read-only part, every role against every article and user action, errors
as application/problem+json, cursor pagination, hostile input, body limits.

Users and tokens are written straight into the site's database: a token
is the SHA-256 of its 64 hex digits (src/admin/auth.c), so a test can make
one without the admin. The password hash of these users is "!", which no
password matches, so they cannot log in; tokens still work (only an empty
hash marks an account that cannot)."""

import base64
import hashlib
import json
import os
import sqlite3
import struct
import time
import urllib.parse
import zlib

from harness import Site, check, check_eq

API = "/api/v1"
PROBLEM = "application/problem+json"
ROLES = ("contributor", "author", "editor", "admin")


# ---- fixtures ---------------------------------------------------------------

def db(site):
    return sqlite3.connect(site.db, timeout=10)


def add_user(site, name, role, disabled=False):
    """A user who can hold tokens; returns the id."""
    c = db(site)
    try:
        cur = c.execute("INSERT INTO authors (name, role, pass_hash, disabled, created_at) "
                        "VALUES (?, ?, '!', ?, ?)", (name, role, int(disabled),
                                                     int(time.time())))
        c.commit()
        return cur.lastrowid
    finally:
        c.close()


def user_id(site, name):
    c = db(site)
    try:
        return c.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()[0]
    finally:
        c.close()


def add_token(site, uid, name="test"):
    """A new API token for user uid, as the client sends it."""
    secret = os.urandom(32).hex()
    c = db(site)
    try:
        c.execute("INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                  "VALUES (?, ?, ?, ?)",
                  (hashlib.sha256(secret.encode()).digest(), uid, name, int(time.time())))
        c.commit()
    finally:
        c.close()
    return "gz_" + secret


def add_session(site, uid):
    """An admin session for uid, as the gz_session cookie's value."""
    secret = os.urandom(32).hex()
    c = db(site)
    try:
        now = int(time.time())
        c.execute("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (hashlib.sha256(secret.encode()).digest(), uid, os.urandom(32).hex(),
                   now, now + 3600))
        c.commit()
    finally:
        c.close()
    return secret


def staff(site):
    """One user and token per role: {role: (id, token)}."""
    out = {}
    for role in ROLES:
        uid = add_user(site, "the-" + role, role)
        out[role] = (uid, add_token(site, uid))
    return out


class Api:
    """A client of the API on srv, with a token or without."""

    def __init__(self, srv, token=None):
        self.srv = srv
        self.token = token

    def call(self, method, path, body=None, headers=None, raw=None):
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        data = raw
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        r = self.srv.request(method, API + path, headers=h, body=data)
        r.json = None
        ct = r.header("content-type") or ""
        if r.body and ("json" in ct):
            r.json = json.loads(r.body.decode("utf-8"))
        return r

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def check_status(r, want, what):
    check(r.status == want, "%s: expected %d, got %d: %s"
          % (what, want, r.status, r.body[:600].decode("utf-8", "replace")))


def check_problem(r, status, what, field=None):
    """r is an RFC 9457 problem with the status (and names field)."""
    check_status(r, status, what)
    ct = r.header("content-type") or ""
    check(ct.startswith(PROBLEM), "%s: content-type %r, not %s" % (what, ct, PROBLEM))
    p = json.loads(r.body.decode("utf-8"))
    for key in ("type", "title", "status", "detail"):
        check(key in p, "%s: problem without %r: %r" % (what, key, p))
    check_eq(p["status"], status, what + ": problem status")
    check(isinstance(p["type"], str) and p["type"], what + ": empty type")
    check(isinstance(p["detail"], str) and len(p["detail"]) > 10,
          "%s: detail too thin: %r" % (what, p["detail"]))
    if field is not None:
        fields = [e.get("field") for e in p.get("errors", [])]
        check(field in fields, "%s: errors %r do not name %r" % (what, p.get("errors"), field))
    return p


def walk(api, query=""):
    """Every page of /articles: the ids in order, and the number of pages."""
    ids, pages, cursor = [], 0, None
    while True:
        q = query + ("&" if query else "") + ("cursor=" + cursor if cursor else "")
        r = api.get("/articles" + ("?" + q if q else ""))
        check_status(r, 200, "list page %d" % pages)
        pages += 1
        ids += [a["id"] for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            return ids, pages
        check(pages < 1000, "pagination never ends")


def tiny_png(red=255):
    """A valid 1x1 PNG (a different file for each red value)."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(bytes([0, red, 0, 0]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def multipart(fields):
    """(content type, body) for fields: name -> bytes, or (filename, bytes)."""
    boundary = "gazette-test-" + os.urandom(8).hex()
    out = b""
    for name, v in fields.items():
        out += b"--" + boundary.encode() + b"\r\n"
        if isinstance(v, tuple):
            out += ('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    'Content-Type: application/octet-stream\r\n\r\n' % (name, v[0])).encode()
            out += v[1]
        else:
            out += ('Content-Disposition: form-data; name="%s"\r\n\r\n' % name).encode() + v
        out += b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return "multipart/form-data; boundary=" + boundary, out


# ---- the public part ----------------------------------------------------------

def test_public_read_only():
    site = Site("api-public")
    pub = site.new("Open news", "Everyone reads this.", tags="world", publish=True)
    draft = site.new("Secret plan", "Not yet.", tags="merger")
    sched = site.new("Tomorrow", "Later.", tags="future", at=int(time.time()) + 86400)
    srv = site.serve()
    anon = Api(srv)

    r = anon.get("/articles")
    check_status(r, 200, "public list")
    check((r.header("content-type") or "").startswith("application/json"), "list is JSON")
    ids = [a["id"] for a in r.json["items"]]
    check_eq(ids, [pub.id], "public list holds the published article only")
    item = r.json["items"][0]
    check_eq(item["status"], "published", "status")
    check_eq(item["url"], pub.path, "url is the public path")
    check(item["published_at"].endswith("Z") and "T" in item["published_at"],
          "dates are RFC 3339: %r" % item["published_at"])
    check_eq(r.json["next_cursor"], None, "one page")

    r = anon.get("/articles/%d" % pub.id)
    check_status(r, 200, "published article")
    check_eq(r.json["title"], "Open news", "title")
    check_eq(r.json["body"], "Everyone reads this.", "body as written")
    check("<p>" in r.json["body_html"], "body_html is rendered")
    check("pass_hash" not in r.body.decode(), "no password hash anywhere")
    for hidden in (draft, sched):
        check_problem(anon.get("/articles/%d" % hidden.id), 404, "unpublished, anonymous")
    check_problem(anon.get("/articles/999999"), 404, "missing article")

    r = anon.get("/tags")
    check_status(r, 200, "public tags")
    names = sorted(t["name"] for t in r.json["items"])
    check_eq(names, ["world"], "tags of published articles only")
    check_eq(r.json["items"][0]["count"], 1, "tag count")

    check_problem(anon.get("/articles?status=draft"), 401, "drafts without a token")
    check_problem(anon.get("/articles?status=any"), 401, "any status without a token")
    for method, path in (("POST", "/articles"), ("PATCH", "/articles/%d" % pub.id),
                         ("DELETE", "/articles/%d" % pub.id), ("GET", "/me"),
                         ("GET", "/users"), ("POST", "/users"), ("GET", "/media"),
                         ("POST", "/media")):
        r = anon.call(method, path, body={} if method in ("POST", "PATCH") else None)
        check_problem(r, 401, "%s %s without a token" % (method, path))
        check((r.header("www-authenticate") or "").startswith("Bearer"),
              "%s %s: WWW-Authenticate %r" % (method, path, r.header("www-authenticate")))
    # HEAD answers like GET, without a body.
    r = srv.head(API + "/articles")
    check_status(r, 200, "HEAD list")
    check_eq(r.body, b"", "HEAD body")


def test_tokens_and_401():
    site = Site("api-401")
    art = site.new("News", "Body", publish=True)
    uid = add_user(site, "ed", "editor")
    good = add_token(site, uid)
    off = add_user(site, "gone", "editor", disabled=True)
    disabled_token = add_token(site, off)
    srv = site.serve()

    r = Api(srv, good).get("/me")
    check_status(r, 200, "/me with a token")
    check_eq(r.json["name"], "ed", "/me name")
    check_eq(r.json["role"], "editor", "/me role")
    check("pass_hash" not in r.json, "/me has no password hash")

    bad = [
        ("gz_" + os.urandom(32).hex(), "unknown token"),
        ("gz_" + "0" * 63, "short token"),
        ("gz_" + "G" * 64, "not hex"),
        (good[3:], "token without the gz_ prefix"),
        (disabled_token, "token of a disabled user"),
    ]
    for token, what in bad:
        for path in ("/me", "/articles", "/articles/%d" % art.id, "/tags"):
            r = Api(srv, token).get(path)
            p = check_problem(r, 401, "%s on %s" % (what, path))
            check("invalid_token" in (r.header("www-authenticate") or ""),
                  "%s: WWW-Authenticate %r" % (what, r.header("www-authenticate")))
            check_eq(p["type"], "urn:gazette:problem:unauthorized", "401 type")
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer  " + good, good):
        r = srv.get(API + "/me", headers={"Authorization": header})
        check_problem(r, 401, "Authorization: %r" % header)

    # A token works again after the failures; revoking it ends it.
    check_status(Api(srv, good).get("/me"), 200, "good token still works")
    c = db(site)
    c.execute("DELETE FROM api_tokens")
    c.commit()
    c.close()
    check_problem(Api(srv, good).get("/me"), 401, "revoked token")


def test_cookie_session_does_not_authenticate():
    """The admin's session cookie would let another site's page act through
    a visitor's browser; the API takes bearer tokens only."""
    site = Site("api-cookie")
    draft = site.new("Unseen draft", "Body")
    uid = add_user(site, "boss", "admin")
    cookie = "gz_session=" + add_session(site, uid)
    srv = site.serve()

    # The session itself is valid: the admin lets it in.
    r = srv.get("/admin", headers={"Cookie": cookie})
    check(r.status == 200, "the session works on /admin (got %d)" % r.status)

    h = {"Cookie": cookie}
    for method, path in (("GET", "/me"), ("GET", "/users"), ("POST", "/articles"),
                         ("DELETE", "/articles/%d" % draft.id),
                         ("PATCH", "/articles/%d" % draft.id)):
        r = Api(srv).call(method, path, headers=h,
                          body={"title": "x"} if method != "GET" and method != "DELETE"
                          else None)
        check_problem(r, 401, "%s %s with a session cookie only" % (method, path))
    r = Api(srv).get("/articles?status=any", headers=h)
    check_problem(r, 401, "drafts with a session cookie")
    check_problem(Api(srv).get("/articles/%d" % draft.id, headers=h), 404,
                  "a draft with a session cookie")
    check_eq(site._query("SELECT deleted_at FROM articles WHERE id = %d" % draft.id)[0][0], 0,
             "the draft was not trashed")


# ---- every role against every action ---------------------------------------------

# Expected status per action, for contributor, author, editor, admin.
ROLE_TABLE = [
    ("create draft", (201, 201, 201, 201)),
    ("edit own draft", (200, 200, 200, 200)),
    ("publish own", (403, 200, 200, 200)),
    ("edit own published", (403, 200, 200, 200)),
    ("edit other's draft", (403, 403, 200, 200)),
    ("edit other's published", (403, 403, 200, 200)),
    ("publish other's draft", (403, 403, 200, 200)),
    ("unpublish other's", (403, 403, 200, 200)),
    ("set another author", (403, 403, 201, 201)),
    ("delete own draft", (204, 204, 204, 204)),
    ("delete other's", (403, 403, 204, 204)),
    ("read other's draft", (403, 403, 200, 200)),
    ("list users", (403, 403, 403, 200)),
    ("read a user", (403, 403, 403, 200)),
    ("create user", (403, 403, 403, 201)),
    ("edit user", (403, 403, 403, 200)),
    ("upload media", (403, 201, 201, 201)),
]


def new_id(r):
    """The id of what a POST created (0 when it failed)."""
    return r.json["id"] if r.status == 201 and r.json else 0


def role_actions(site, srv, role, uid, token):
    """Runs each action of ROLE_TABLE as role; returns {action: status}."""
    api = Api(srv, token)
    other = user_id(site, "other")
    mine = site.new("Own published of " + role, "b", author="the-" + role, publish=True)
    o_draft = site.new("Other's draft for " + role, "b", author="other")
    o_draft2 = site.new("Other's second draft for " + role, "b", author="other")
    o_pub = site.new("Other's published for " + role, "b", author="other", publish=True)
    o_pub2 = site.new("Other's second published for " + role, "b", author="other",
                      publish=True)
    o_del = site.new("Other's to delete for " + role, "b", author="other")
    got = {}

    r = api.post("/articles", {"title": "Draft by " + role, "body": "text"})
    got["create draft"] = r.status
    own = new_id(r)
    if r.status == 201:
        check_eq(r.json["author_id"], uid, role + ": author of a new article")
        check_eq(r.json["status"], "draft", role + ": new article is a draft")
        check_eq(r.header("location"), API + "/articles/%d" % own, role + ": Location")
    got["edit own draft"] = api.patch("/articles/%s" % own, {"title": "Edited"}).status
    second = new_id(api.post("/articles", {"title": "Another by " + role}))
    got["publish own"] = api.patch("/articles/%s" % second, {"status": "published"}).status
    got["edit own published"] = api.patch("/articles/%d" % mine.id,
                                          {"summary": "new"}).status
    got["edit other's draft"] = api.patch("/articles/%d" % o_draft.id,
                                          {"title": "Hijack"}).status
    got["edit other's published"] = api.patch("/articles/%d" % o_pub.id,
                                              {"title": "Hijack"}).status
    got["publish other's draft"] = api.patch("/articles/%d" % o_draft2.id,
                                             {"status": "published"}).status
    got["unpublish other's"] = api.patch("/articles/%d" % o_pub2.id,
                                         {"status": "unpublished"}).status
    got["set another author"] = api.post("/articles", {"title": "Ghost", "author_id": other}
                                         ).status
    third = new_id(api.post("/articles", {"title": "To delete"}))
    got["delete own draft"] = api.delete("/articles/%s" % third).status
    got["delete other's"] = api.delete("/articles/%d" % o_del.id).status
    got["read other's draft"] = api.get("/articles/%d" % o_draft.id).status
    got["list users"] = api.get("/users").status
    got["read a user"] = api.get("/users/%d" % other).status
    got["create user"] = api.post("/users", {"name": "new-by-" + role,
                                             "role": "contributor"}).status
    got["edit user"] = api.patch("/users/%d" % other, {"display_name": "By " + role}).status
    ct, body = multipart({"file": ("dot-%s.png" % role, tiny_png(ROLES.index(role)))})
    got["upload media"] = api.call("POST", "/media", raw=body,
                                   headers={"Content-Type": ct}).status
    return got


def test_role_table():
    site = Site("api-roles")
    add_user(site, "other", "author")
    people = staff(site)
    srv = site.serve()
    wrong = []
    for i, role in enumerate(ROLES):
        uid, token = people[role]
        got = role_actions(site, srv, role, uid, token)
        for action, want in ROLE_TABLE:
            if got.get(action) != want[i]:
                wrong.append("%s / %s: expected %d, got %s"
                             % (role, action, want[i], got.get(action)))
    check(not wrong, "role table mismatches:\n  " + "\n  ".join(wrong))


def test_role_effects():
    """A refused write changes nothing; an allowed one is on the site at once."""
    site = Site("api-effects")
    add_user(site, "other", "author")
    people = staff(site)
    art = site.new("Original title", "b", author="other", publish=True)
    srv = site.serve()
    r = Api(srv, people["author"][1]).patch("/articles/%d" % art.id, {"title": "Defaced"})
    check_problem(r, 403, "author edits another's article")
    check_eq(Api(srv).get("/articles/%d" % art.id).json["title"], "Original title",
             "refused edit left the article alone")
    r = Api(srv, people["editor"][1]).patch("/articles/%d" % art.id, {"title": "Fixed"})
    check_status(r, 200, "editor edits")
    page = srv.get(art.url)
    check("Fixed" in page.text, "the site shows the edit at once")
    r = Api(srv, people["editor"][1]).delete("/articles/%d" % art.id)
    check_status(r, 204, "editor trashes")
    check_eq(r.body, b"", "204 has no body")
    check_problem(Api(srv).get("/articles/%d" % art.id), 404, "trashed article, public")
    check_eq(srv.get(art.url).status, 404, "trashed article is off the site")


# ---- writing articles ----------------------------------------------------------------

def test_article_fields_and_status():
    site = Site("api-fields")
    people = staff(site)
    srv = site.serve()
    api = Api(srv, people["editor"][1])
    r = api.post("/articles", {"title": "Full article", "slug": "full-article",
                               "summary": "Short.", "body": "# Head\n\nText *here*.",
                               "lang": "fa", "tags": ["Politics", "Iran"],
                               "status": "published"})
    check_status(r, 201, "create published")
    a = r.json
    check_eq(a["slug"], "full-article", "slug")
    check_eq(a["lang"], "fa", "lang")
    check_eq(a["tags"], ["Politics", "Iran"], "tags in order")
    check_eq(a["status"], "published", "status")
    check(a["url"] and a["url"].endswith("/full-article"), "url %r" % a["url"])
    check_eq(srv.get(a["url"]).status, 200, "published article is on the site")

    r = api.patch("/articles/%d" % a["id"], {"tags": ["Iran"]})
    check_status(r, 200, "patch tags")
    check_eq(r.json["tags"], ["Iran"], "tags replaced")
    check_eq(r.json["title"], "Full article", "a partial update keeps other fields")
    check_eq(r.json["summary"], "Short.", "summary kept")

    future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
    r = api.post("/articles", {"title": "Later", "status": "scheduled",
                               "published_at": future})
    check_status(r, 201, "create scheduled")
    check_eq(r.json["status"], "scheduled", "scheduled status")
    check_eq(r.json["published_at"], future, "publication time round-trips")
    check_eq(r.json["url"], None, "no url before publication")
    check_problem(Api(srv).get("/articles/%d" % r.json["id"]), 404, "scheduled, public")
    check_problem(api.post("/articles", {"title": "Past", "status": "scheduled",
                                         "published_at": "2001-01-01T00:00:00Z"}),
                  422, "scheduled in the past", field="published_at")
    r = api.post("/articles", {"title": "Offset", "status": "published",
                               "published_at": "2024-03-01T12:30:00+03:30"})
    check_status(r, 201, "time with an offset")
    check_eq(r.json["published_at"], "2024-03-01T09:00:00Z", "offset converted to UTC")

    r = api.post("/articles", {"title": "Taken", "slug": "full-article"})
    check_problem(r, 409, "slug conflict", field="slug")


def test_validation_422():
    site = Site("api-422")
    people = staff(site)
    art = site.new("Target", "b", author="the-editor")
    srv = site.serve()
    api = Api(srv, people["editor"][1])
    cases = [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 42}, "title"),
        ({"title": ["a"]}, "title"),
        ({"title": "ok", "body": 1}, "body"),
        ({"title": "ok", "summary": None}, "summary"),
        ({"title": "ok", "tags": "a,b"}, "tags"),
        ({"title": "ok", "tags": ["a", 2]}, "tags[1]"),
        ({"title": "ok", "tags": [""]}, "tags[0]"),
        ({"title": "ok", "status": "live"}, "status"),
        ({"title": "ok", "published_at": "yesterday"}, "published_at"),
        ({"title": "ok", "published_at": "2024-02-30T00:00:00Z"}, "published_at"),
        ({"title": "ok", "author_id": "1"}, "author_id"),
        ({"title": "ok", "author_id": 999999}, "author_id"),
        ({"title": "ok", "slug": "a/b"}, "slug"),
        ({"title": "ok", "lang": "en us"}, "lang"),
        ({"title": "ok", "image": "javascript:alert(1)"}, "image"),
        ({"title": "ok", "title2": "typo"}, "title2"),
        ({"title": "ok", "id": 5}, "id"),
        ({"title": "line\nbreak"}, "title"),
        ({"title": "x" * 1001}, "title"),
    ]
    for body, field in cases:
        p = check_problem(api.post("/articles", body), 422, "POST %r" % (body,), field=field)
        check_eq(p["type"], "urn:gazette:problem:invalid-fields", "422 type")
    check_problem(api.patch("/articles/%d" % art.id, {"title": 1}), 422, "PATCH bad type",
                  field="title")
    r = api.post("/articles", {"title": 1, "body": 2, "bogus": 3})
    p = check_problem(r, 422, "several bad fields")
    check_eq(sorted(e["field"] for e in p["errors"]), ["body", "bogus", "title"],
             "every bad field is listed")


def test_malformed_bodies_and_media_types():
    site = Site("api-400")
    people = staff(site)
    srv = site.serve(settings=("http.max_body=4096",))
    api = Api(srv, people["editor"][1])
    h = {"Content-Type": "application/json"}
    for raw, what in ((b"{", "truncated"), (b"", "empty"), (b"[1,2]", "an array"),
                      (b'"title"', "a string"), (b"null", "null"),
                      (b'{"title": "a", "title": "b"}', "a duplicate key"),
                      (b'{"title": "\\u0000"}', "a NUL"),
                      (b'{"title": "\xff\xfe"}', "bad UTF-8"),
                      (b"{'title': 'x'}", "single quotes")):
        p = check_problem(api.call("POST", "/articles", raw=raw, headers=h), 400,
                          "body " + what)
        check_eq(p["type"], "urn:gazette:problem:invalid-json", "400 type for " + what)
    for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = api.call("POST", "/articles", raw=b'{"title": "x"}', headers={"Content-Type": ct})
        check_problem(r, 415, "Content-Type " + ct)
    r = api.call("POST", "/articles", raw=b'{"title": "x"}')
    check_problem(r, 415, "no Content-Type")
    r = api.call("POST", "/articles", raw=b'{"title": "x"}',
                 headers={"Content-Type": "application/json; charset=utf-8"})
    check(r.status != 415, "JSON with a charset is JSON (got %d)" % r.status)

    big = json.dumps({"title": "big", "body": "x" * 5000}).encode()
    r = api.call("POST", "/articles", raw=big, headers=h)
    check_problem(r, 413, "a body over http.max_body")


def test_errors_405_404_and_params():
    site = Site("api-405")
    art = site.new("A", "b", publish=True)
    people = staff(site)
    srv = site.serve()
    api = Api(srv, people["admin"][1])
    for method, path, allow in (("PUT", "/articles", None), ("DELETE", "/articles",
                                "GET, HEAD, POST"),
                                ("POST", "/articles/%d" % art.id, "GET, HEAD, PATCH, DELETE"),
                                ("POST", "/tags", "GET, HEAD"), ("DELETE", "/me", "GET, HEAD"),
                                ("DELETE", "/users/1", "GET, HEAD, PATCH")):
        r = api.call(method, path)
        check_problem(r, 405, "%s %s" % (method, path))
        check(r.header("allow"), "%s %s: no Allow header" % (method, path))
        if allow:
            check_eq(r.header("allow"), allow, "%s %s: Allow" % (method, path))
    for path in ("", "/", "/nothing", "/articles/abc", "/articles/0", "/articles/-1",
                 "/articles/1/extra", "/tags/1", "/me/1", "/articles/99999999999999999999"):
        check_problem(api.get(path), 404, "GET %s" % (API + path))
    check_problem(srv.get("/api/v2/articles"), 404, "another version")
    r = srv.get("/api")
    check_problem(r, 404, "/api itself")
    r = srv.get("/apiary")
    check(not (r.header("content-type") or "").startswith(PROBLEM),
          "a path outside /api/ is not the API's")
    for q, field in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"),
                     ("limit=1&limit=2", "limit"), ("cursor=nonsense", "cursor"),
                     ("cursor=" + "A" * 23, "cursor"), ("status=live", "status"),
                     ("author=me", "author"), ("sort=title", "sort"), ("q=", "q"),
                     ("tag=" + "t" * 201, "tag")):
        check_problem(api.get("/articles?" + q), 400, "query " + q, field=field)
    check_problem(api.get("/articles?q=%zz"), 400, "bad escape in the query")
    check_problem(api.patch("/articles/999999", {"title": "x"}), 404, "PATCH a missing one")
    check_problem(api.delete("/articles/999999"), 404, "DELETE a missing one")
    check_problem(api.get("/media/999999"), 404, "a missing media item")
    check_problem(api.get("/users/999999"), 404, "a missing user")
    # A media cursor is not an article cursor.
    media_cursor = base64.urlsafe_b64encode(b"o" + struct.pack(">qq", 20, 0))
    check_problem(api.get("/articles?cursor=" + media_cursor.decode().rstrip("=")), 400,
                  "a cursor of another list", field="cursor")


# ---- lists and pagination ----------------------------------------------------------

def test_pagination_walks_every_row_once():
    site = Site("api-pages")
    people = staff(site)
    arts = [site.new("Story %02d" % i, "body %d" % i, publish=(i % 3 != 0),
                     author=("the-author" if i % 4 == 0 else None)) for i in range(23)]
    srv = site.serve()
    editor = Api(srv, people["editor"][1])

    ids, pages = walk(editor, "limit=5")
    check_eq(sorted(ids), sorted(a.id for a in arts), "editor sees every article once")
    check_eq(len(ids), len(set(ids)), "no duplicates")
    check_eq(pages, 5, "23 rows in pages of 5")

    published = sorted(a.id for a in arts if a.status == "published")
    ids, _ = walk(Api(srv), "limit=4")
    check_eq(sorted(ids), published, "the public walks the published ones")

    # An author sees the published ones and their own drafts: a union of
    # two keyset queries, merged page by page.
    mine = [a.id for i, a in enumerate(arts) if i % 4 == 0]
    want = sorted(set(published) | set(mine))
    ids, _ = walk(Api(srv, people["author"][1]), "limit=3")
    check_eq(sorted(ids), want, "the author's walk")
    check_eq(len(ids), len(set(ids)), "no duplicates in the author's walk")

    # Rows written while a client walks do not shift the pages: none is
    # seen twice, none of those there at the start is missed.
    seen, cursor, added = [], None, []
    while True:
        r = editor.get("/articles?limit=4" + ("&cursor=" + cursor if cursor else ""))
        check_status(r, 200, "page")
        seen += [a["id"] for a in r.json["items"]]
        added.append(site.new("Inserted %d" % len(added), "x", publish=True).id)
        added.append(editor.post("/articles", {"title": "Posted %d" % len(added)})
                     .json["id"])
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    check_eq(len(seen), len(set(seen)), "no duplicates while inserting")
    check(set(a.id for a in arts) <= set(seen), "every original row was seen")
    check(not (set(added) & set(seen)), "rows added during the walk come first, not later")

    # The order is newest change first (updated_at, then id): an edit moves
    # an article ahead of every row changed before it (an hour ago here, so
    # the clock's second does not matter).
    c = db(site)
    c.execute("UPDATE articles SET updated_at = updated_at - 3600")
    c.commit()
    c.close()
    edited = editor.patch("/articles/%d" % arts[5].id, {"summary": "touched"}).json
    keys, cursor = [], None
    while True:
        r = editor.get("/articles?limit=6" + ("&cursor=" + cursor if cursor else ""))
        keys += [(a["updated_at"], a["id"]) for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    check_eq(keys, sorted(keys, reverse=True), "pages in (updated_at, id) order")
    check_eq(keys[0], (edited["updated_at"], arts[5].id), "the edited article comes first")


def test_list_filters():
    site = Site("api-filters")
    people = staff(site)
    a1 = site.new("Tehran report", "x", lang="fa", tags="Iran, Politics", publish=True,
                  author="the-author")
    a2 = site.new("Paris report", "x", lang="fr", tags="France", publish=True)
    a3 = site.new("Draft about Iran", "x", tags="Iran", author="the-author")
    a4 = site.new("Editor draft", "x", author="the-editor")
    srv = site.serve()
    ed = Api(srv, people["editor"][1])

    def ids(api, q):
        r = api.get("/articles?" + q)
        check_status(r, 200, "filter " + q)
        return sorted(a["id"] for a in r.json["items"])

    check_eq(ids(ed, "status=draft"), sorted([a3.id, a4.id]), "status=draft")
    check_eq(ids(ed, "status=published"), sorted([a1.id, a2.id]), "status=published")
    check_eq(ids(ed, "lang=fa"), [a1.id], "lang")
    check_eq(ids(ed, "tag=iran"), sorted([a1.id, a3.id]), "tag (by slug)")
    check_eq(ids(ed, "author=%d" % people["author"][0]), sorted([a1.id, a3.id]), "author")
    check_eq(ids(ed, "q=report"), sorted([a1.id, a2.id]), "q")
    check_eq(ids(ed, "q=Paris&status=published"), [a2.id], "q and status")
    check_eq(ids(Api(srv), "tag=iran"), [a1.id], "public tag filter: published only")
    au = Api(srv, people["author"][1])
    check_eq(ids(au, "status=draft"), [a3.id], "an author's drafts: their own")
    check_eq(ids(au, "status=draft&author=%d" % people["editor"][0]), [],
             "an author does not see an editor's drafts")
    check_eq(ids(au, ""), sorted([a1.id, a2.id, a3.id]), "an author: published and own")
    ctb = Api(srv, people["contributor"][1])
    check_eq(ids(ctb, ""), sorted([a1.id, a2.id]), "a contributor: published only")

    r = ed.get("/tags")
    check_status(r, 200, "tags with a token")
    check_eq(sorted(t["slug"] for t in r.json["items"]), ["france", "iran", "politics"],
             "every tag for staff")
    r = ed.get("/tags?prefix=Ir")
    check_eq([t["name"] for t in r.json["items"]], ["Iran"], "tag prefix")
    check_problem(Api(srv).get("/tags?prefix=Ir"), 401, "prefix needs a token")


# ---- hostile input ------------------------------------------------------------------

HOSTILE = [
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "'; DROP TABLE articles; --",
    "Robert'); DELETE FROM authors WHERE ('1'='1",
    "\\\" \\u0000 %00 %s %n {{title}} {{{raw}}}",
    "\u202eevil\u202c \u0645\u0642\u0627\u0644\u0647 \U0001F600",
]


def test_hostile_input_stored_verbatim():
    site = Site("api-hostile")
    people = staff(site)
    srv = site.serve()
    api = Api(srv, people["editor"][1])
    for i, s in enumerate(HOSTILE):
        r = api.post("/articles", {"title": s, "summary": s, "body": s, "tags": [s],
                                   "status": "published"})
        check_status(r, 201, "create with %r" % s)
        check((r.header("content-type") or "").startswith("application/json"),
              "JSON content type")
        check_eq(r.header("x-content-type-options"), "nosniff", "no sniffing")
        aid = r.json["id"]
        got = Api(srv).get("/articles/%d" % aid).json
        for field in ("title", "summary", "body"):
            check_eq(got[field], s, "%s of article %d" % (field, i))
        check_eq(got["tags"], [s], "tag of article %d" % i)
        r = api.get("/articles?q=" + urllib.parse.quote(s))
        check_status(r, 200, "search for %r" % s)
    check_eq(site._query("SELECT count(*) FROM articles")[0][0], len(HOSTILE),
             "the table is still there, with every row")
    check_eq(site._query("SELECT count(*) FROM authors")[0][0], 4, "no author deleted")
    r = api.get("/articles?q=%27%20OR%201%3D1%20--")
    check_eq(r.json["items"], [], "SQL in a filter matches nothing")
    check_problem(api.get("/articles/1%20OR%201=1"), 404, "SQL in the path")
    name = "<b>x</b>'; --"
    r = Api(srv, people["admin"][1]).post("/users", {"name": name, "role": "author"})
    check_status(r, 201, "user with a hostile name")
    check_eq(r.json["name"], name, "user name verbatim")


# ---- users and media ----------------------------------------------------------------

def test_users_admin():
    site = Site("api-users")
    people = staff(site)
    srv = site.serve()
    admin = Api(srv, people["admin"][1])
    r = admin.post("/users", {"name": "newbie", "role": "author", "password": "correct horse",
                              "display_name": "New Bie", "email": "n@example.org"})
    check_status(r, 201, "create user")
    u = r.json
    check_eq(r.header("location"), API + "/users/%d" % u["id"], "Location")
    check_eq((u["name"], u["role"], u["display_name"], u["email"], u["disabled"],
              u["has_password"]),
             ("newbie", "author", "New Bie", "n@example.org", False, True), "new user")
    stored = site._query("SELECT pass_hash FROM authors WHERE id = %d" % u["id"])[0][0]
    check(stored.startswith("$argon2id$"), "the password is stored hashed")
    r = admin.get("/users")
    check_status(r, 200, "list users")
    check_eq(sorted(x["name"] for x in r.json["items"]),
             sorted(["newbie"] + ["the-" + x for x in ROLES]), "users listed")
    check("pass_hash" not in r.body.decode() and "argon2" not in r.body.decode(),
          "no password hash in the list")
    r = admin.patch("/users/%d" % u["id"], {"role": "editor", "disabled": True})
    check_status(r, 200, "patch user")
    check_eq((r.json["role"], r.json["disabled"]), ("editor", True), "patched")
    check_eq(site._query("SELECT pass_hash FROM authors WHERE id = %d" % u["id"])[0][0],
             stored, "a patch without password keeps it")

    check_problem(admin.post("/users", {"name": "newbie", "role": "author"}), 409,
                  "taken name", field="name")
    check_problem(admin.post("/users", {"name": "x", "role": "king"}), 422, "bad role",
                  field="role")
    check_problem(admin.post("/users", {"name": "x", "role": "author", "password": "short"}),
                  422, "short password", field="password")
    check_problem(admin.post("/users", {"role": "author"}), 422, "no name", field="name")
    check_problem(admin.post("/users", {"name": "x", "role": "author", "pass_hash": "x"}),
                  422, "pass_hash is not writable", field="pass_hash")
    check_problem(admin.patch("/users/999999", {"role": "author"}), 404, "missing user")
    # The last admin cannot demote or disable themselves.
    me = people["admin"][0]
    check_problem(admin.patch("/users/%d" % me, {"role": "editor"}), 409, "last admin")
    check_problem(admin.patch("/users/%d" % me, {"disabled": True}), 409, "last admin off")
    r = Api(srv, people["author"][1]).get("/users/%d" % people["author"][0])
    check_status(r, 200, "a user reads their own record")


def test_media_upload():
    site = Site("api-media")
    people = staff(site)
    srv = site.serve(settings=("media.max_bytes=4096",))
    author = Api(srv, people["author"][1])
    ct, body = multipart({"file": ("dot.png", tiny_png())})
    r = author.call("POST", "/media", raw=body, headers={"Content-Type": ct})
    check_status(r, 201, "upload")
    m = r.json
    check_eq(m["mime"], "image/png", "mime from the bytes")
    check_eq((m["width"], m["height"]), (1, 1), "size")
    check_eq(r.header("location"), API + "/media/%d" % m["id"], "Location")
    check(m["url"].startswith("/media/"), "public url %r" % m["url"])
    check_eq(srv.get(m["url"]).body, tiny_png(), "the file is served")
    r = author.get("/media")
    check_status(r, 200, "list media")
    check_eq([x["id"] for x in r.json["items"]], [m["id"]], "listed")
    check_eq(author.get("/media/%d" % m["id"]).json["sha256"], m["sha256"], "one item")

    ct, body = multipart({"file": ("evil.png", b"<script>alert(1)</script>")})
    check_problem(author.call("POST", "/media", raw=body, headers={"Content-Type": ct}), 422,
                  "not an image", field="file")
    ct, body = multipart({"other": b"x"})
    check_problem(author.call("POST", "/media", raw=body, headers={"Content-Type": ct}), 422,
                  "no file field", field="file")
    check_problem(author.post("/media", {"file": "x"}), 415, "JSON upload")
    check_problem(author.call("POST", "/media", raw=b"garbage",
                              headers={"Content-Type": "multipart/form-data; boundary=zz"}),
                  400, "broken multipart")
    ct, body = multipart({"file": ("dot.png", tiny_png())})
    r = Api(srv, people["contributor"][1]).call("POST", "/media", raw=body,
                                                headers={"Content-Type": ct})
    check_problem(r, 403, "contributor uploads")
    # Past media.max_bytes (but within the framing allowance the server
    # lets through to the API): the API's own 413, as a problem.
    ct, body = multipart({"file": ("big.png", tiny_png(7) + b"\0" * 6000)})
    r = author.call("POST", "/media", raw=body, headers={"Content-Type": ct})
    check_problem(r, 413, "a file over media.max_bytes")
