"""The admin's accounts: logging in and out, throttling, session expiry,
the first-run setup link, the users, account, API tokens and settings
pages, and who may reach them."""

import html
import re
import signal
import sqlite3
import subprocess
import time

import harness
from harness import Site, block_titles, check, check_eq, sanitizer_env, wait_for

ROLES = ("admin", "editor", "author", "contributor")


def newsroom(name):
    """A site with one user of each role (password "password123")."""
    site = Site(name)
    for role in ROLES:
        site.add_user(role + "1", role)
    return site


def execute(site, sql, args=()):
    c = sqlite3.connect(site.db, timeout=10)
    try:
        c.execute(sql, args)
        c.commit()
    finally:
        c.close()


def user_id(site, name):
    return site._query("SELECT id FROM authors WHERE name = '%s'" % name)[0][0]


def redirected_to_login(r):
    return r.status == 303 and (r.header("location") or "").startswith("/admin/login")


# ---- logging in and out ----

def test_login_and_wrong_password():
    site = newsroom("login")
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    r = adm.get("/admin")
    check_eq(r.status, 200, "dashboard after login")
    check("admin1 (admin)" in r.text, "the page names the user")
    wrong = srv.admin_client().login("admin1", "not-the-password")
    unknown = srv.admin_client().login("nobody", "not-the-password")
    check_eq(wrong.status, 401, "wrong password")
    check_eq(unknown.status, 401, "unknown user")
    msg = re.compile(r'<p class="error" role="alert">([^<]*)</p>')
    check_eq(msg.search(wrong.text).group(1), msg.search(unknown.text).group(1),
             "the same message for an unknown user and a wrong password")
    check("gz_session" not in "".join(wrong.header_all("set-cookie")), "no session cookie")
    # The login form works without JavaScript: it carries its CSRF field.
    form = srv.admin_client().get("/admin/login")
    check(re.search(r'<input type="hidden" name="_csrf" value="[0-9a-f]{64}">', form.text),
          "the login form has its _csrf field")
    srv.stop()


def test_logout_ends_the_session():
    site = newsroom("logout")
    srv = site.serve()
    adm = srv.admin_login("editor1", "password123")
    old = dict(adm.cookies)
    r = adm.post("/admin/logout", {})
    check_eq(r.status, 303, "logout")
    check("gz_session" not in adm.cookies, "the cookie is cleared")
    replay = harness.Admin(srv)
    replay.cookies = old
    check(redirected_to_login(replay.get("/admin")), "the old cookie no longer works")
    check_eq(replay.post("/admin/account", {"display_name": "x"}, csrf=False).status, 403,
             "nor for a POST")
    check_eq(len(site._query("SELECT 1 FROM sessions")), 0, "the session row is gone")
    srv.stop()


def test_session_expiry():
    site = newsroom("expiry")
    srv = site.serve()
    adm = srv.admin_login("author1", "password123")
    check_eq(adm.get("/admin").status, 200, "fresh session")
    execute(site, "UPDATE sessions SET expires_at = 1")
    r = adm.get("/admin/articles")
    check(redirected_to_login(r), "an expired session goes to the login page: %r" % r)
    check("next=" in r.header("location"), "and comes back afterwards")
    srv.stop()


def test_throttling_per_account_and_per_address():
    site = newsroom("throttle")
    srv = site.serve()
    # Per account: one failure from each of six addresses locks the account.
    for i in range(6):
        r = srv.admin_client(source="127.0.0.%d" % (10 + i)).login("author1", "wrong-pass")
        check_eq(r.status, 401, "failure %d" % (i + 1))
    r = srv.admin_client(source="127.0.0.20").login("author1", "password123")
    check_eq(r.status, 429, "the account is locked, from any address")
    retry = int(r.header("retry-after"))
    check(1 <= retry <= 900, "Retry-After: %r" % r.header("retry-after"))
    check("Too many failed attempts" in r.text, "message: %r" % r.text[:300])
    # Other accounts are not locked from a fresh address.
    srv.admin_login("editor1", "password123", source="127.0.0.21")

    # Per address: six failures with any names lock the address.
    a = srv.admin_client(source="127.0.0.30")
    for i in range(6):
        check_eq(a.login("ghost%d" % i, "wrong-pass").status, 401, "failure %d" % (i + 1))
    r = a.login("contributor1", "password123")
    check_eq(r.status, 429, "the address is locked, for any account")
    check(r.header("retry-after"), "Retry-After on 429")
    srv.admin_login("contributor1", "password123", source="127.0.0.31")

    # A success clears the account's count: wait the lock out, log in, and
    # the next failure is an ordinary 401 again.
    b = srv.admin_client(source="127.0.0.40")
    wait_for(lambda: b.login("author1", "password123").status == 303, 30,
             interval=0.5, what="the account lock to pass")
    check_eq(srv.admin_client(source="127.0.0.41").login("author1", "wrong").status, 401,
             "after a success, a failure is not throttled")
    check_eq(srv.admin_client(source="127.0.0.42").login("author1", "password123").status,
             303, "and the right password works at once")
    srv.stop()


def test_setup_link_flow():
    site = Site("setup")
    srv = site.serve()
    m = wait_for(lambda: re.search(r"(/admin/setup\?key=([0-9a-f]{64}))", srv.stderr()), 10,
                 what="the setup link in the log")
    link, key = m.group(1), m.group(2)
    anon = srv.admin_client()
    check_eq(anon.get("/admin/setup?key=" + "0" * 64).status, 403, "a wrong key")
    r = anon.get(link)
    check_eq(r.status, 200, "the setup form")
    r = anon.post("/admin/setup", {"key": key, "name": "chief", "password": "password123",
                                   "password2": "password123"}, csrf=False)
    check_eq(r.status, 303, "the first admin is created")
    adm = srv.admin_login("chief", "password123")
    check_eq(adm.get("/admin/users").status, 200, "chief is an administrator")
    r = srv.admin_client().get(link)
    check_eq(r.status, 404, "the link is refused afterwards")
    r = srv.admin_client().post("/admin/setup", {"key": key, "name": "evil",
                                                 "password": "password123",
                                                 "password2": "password123"}, csrf=False)
    check_eq(r.status, 404, "and so is a POST with it")
    check_eq(site._query("SELECT count(*) FROM authors WHERE name = 'evil'")[0][0], 0,
             "no second admin")
    srv.stop()
    # With an administrator, serve prints no link.
    srv = site.serve()
    check("/admin/setup?key=" not in srv.stderr(), "no setup link once an admin exists")
    srv.stop()


# ---- who may reach what ----

def test_only_admins_reach_users_and_settings():
    site = newsroom("roles")
    srv = site.serve()
    for role in ROLES:
        adm = srv.admin_login(role + "1", "password123")
        want = 200 if role == "admin" else 403
        for path in ("/admin/users", "/admin/settings", "/admin/users/1"):
            check_eq(adm.get(path).status, want, "%s GET %s" % (role, path))
        r = adm.post("/admin/users", {"name": "mole", "role": "admin",
                                      "password": "password123"})
        check_eq(r.status, 303 if role == "admin" else 403, "%s creates a user" % role)
        r = adm.post("/admin/settings/reset", {"name": "site.title"})
        check_eq(r.status, 303 if role == "admin" else 403, "%s resets a setting" % role)
        nav = adm.get("/admin").text
        check_eq('href="/admin/users"' in nav, role == "admin", "%s sees Users" % role)
        check_eq(adm.get("/admin/account").status, 200, "%s has an account page" % role)
        check_eq(adm.get("/admin/tokens").status, 200, "%s has a tokens page" % role)
    check_eq(site._query("SELECT count(*) FROM authors WHERE name = 'mole'")[0][0], 1,
             "only the admin's create went through")
    srv.stop()


def test_forms_need_the_csrf_token():
    site = newsroom("csrf")
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    r = adm.post("/admin/users", {"name": "x", "role": "admin", "password": "password123"},
                 csrf=False)
    check_eq(r.status, 403, "no _csrf")
    r = adm.post("/admin/users", {"name": "x", "role": "admin", "password": "password123",
                                  "_csrf": "0" * 64})
    check_eq(r.status, 403, "a wrong _csrf")
    check_eq(site._query("SELECT count(*) FROM authors WHERE name = 'x'")[0][0], 0,
             "nothing created")
    srv.stop()


# ---- the users page ----

def test_users_page_create_edit_disable():
    site = newsroom("users")
    site.new("An author's piece", body="text", author="Jane Doe", publish=True)
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    page = adm.get("/admin/users").text
    for name in ("admin1", "editor1", "author1", "contributor1", "Jane Doe"):
        check(">%s" % name in page, "%s listed" % name)
    check("no password" in page, "an author without a password is marked")

    r = adm.post("/admin/users", {"name": "newbie", "display_name": "New <b>Bie</b>",
                                  "email": "n@example.org", "role": "author",
                                  "password": "password123"})
    check_eq(r.status, 303, "create")
    page = adm.get("/admin/users").text
    check("New &lt;b&gt;Bie&lt;/b&gt;" in page, "the display name is escaped")
    srv.admin_login("newbie", "password123")
    r = adm.post("/admin/users", {"name": "newbie", "role": "author",
                                  "password": "password123"})
    check_eq(r.status, 409, "a taken name")
    r = adm.post("/admin/users", {"name": "shorty", "role": "author", "password": "short"})
    check_eq(r.status, 422, "a short password")
    check("8 to 1024 characters" in r.text, "message")
    check('value="shorty"' in r.text, "the form keeps what was typed")
    r = adm.post("/admin/users", {"name": "x", "role": "emperor", "password": "password123"})
    check_eq(r.status, 422, "an unknown role")
    r = adm.post("/admin/users", {"name": "y", "role": "author", "email": "no-at",
                                  "password": "password123"})
    check_eq(r.status, 422, "a bad e-mail")

    # An author without a password becomes a user (one row).
    r = adm.post("/admin/users", {"name": "Jane Doe", "role": "editor",
                                  "password": "password123"})
    check_eq(r.status, 303, "the author becomes a user")
    check_eq(site._query("SELECT count(*) FROM authors WHERE name = 'Jane Doe'")[0][0], 1,
             "one row")
    srv.admin_login("Jane Doe", "password123")

    # Edit: role and display name; disabling ends the sessions.
    uid = user_id(site, "editor1")
    ed = srv.admin_login("editor1", "password123")
    check_eq(adm.get("/admin/users/%d" % uid).status, 200, "the edit page")
    check_eq(adm.get("/admin/users/99999").status, 404, "an unknown user")
    check_eq(adm.get("/admin/users/abc").status, 404, "not an id")
    r = adm.post("/admin/users/%d" % uid, {"role": "author", "display_name": "Ed",
                                           "email": ""})
    check_eq(r.status, 303, "save")
    check_eq(site._query("SELECT role, display_name FROM authors WHERE id = %d" % uid),
             [("author", "Ed")], "stored")
    check_eq(ed.get("/admin").status, 200, "a role change keeps the session")
    r = adm.post("/admin/users/%d" % uid, {"role": "author", "disabled": "1"})
    check_eq(r.status, 303, "disable")
    check(redirected_to_login(ed.get("/admin")), "a disabled user's session stops working")
    check_eq(srv.admin_client().login("editor1", "password123").status, 401,
             "a disabled user cannot log in")
    r = adm.post("/admin/users/%d" % uid, {"role": "author"})
    check_eq(r.status, 303, "enable")
    ed = srv.admin_login("editor1", "password123")

    # A new password set by an admin logs the user out everywhere.
    r = adm.post("/admin/users/%d" % uid, {"role": "author", "password": "another-pass"})
    check_eq(r.status, 303, "set a password")
    check(redirected_to_login(ed.get("/admin")), "sessions end with a new password")
    srv.admin_login("editor1", "another-pass")
    srv.stop()


def test_admins_keep_a_way_in():
    site = newsroom("lastadmin")
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    me = user_id(site, "admin1")
    r = adm.post("/admin/users/%d" % me, {"role": "editor"})
    check_eq(r.status, 422, "an admin cannot demote themself")
    check("cannot demote or disable yourself" in r.text, "message")
    r = adm.post("/admin/users/%d" % me, {"role": "admin", "disabled": "1"})
    check_eq(r.status, 422, "nor disable themself")
    check_eq(site._query("SELECT role, disabled FROM authors WHERE id = %d" % me),
             [("admin", 0)], "unchanged")
    # With a second admin, one may demote the other, but not the last one.
    site.add_user("admin2", "admin")
    other = user_id(site, "admin2")
    r = adm.post("/admin/users/%d" % other, {"role": "editor"})
    check_eq(r.status, 303, "demote the other admin")
    adm2 = srv.admin_login("admin2", "password123")
    check_eq(adm2.get("/admin/users").status, 403, "admin2 is an editor now")
    # A CLI demotion that leaves no admin is the operator's way out; the
    # admin itself never allows it.
    check_eq(site._query("SELECT count(*) FROM authors WHERE role = 'admin' AND "
                         "disabled = 0"), [(1,)], "one admin left")
    r = adm.post("/admin/users/%d" % me, {"role": "admin", "disabled": "1"})
    check_eq(r.status, 422, "the last admin stays")
    srv.stop()


# ---- the account page ----

def test_account_page_and_password_change():
    site = newsroom("account")
    srv = site.serve()
    a1 = srv.admin_login("author1", "password123")
    a2 = srv.admin_login("author1", "password123")  # another device
    r = a1.post("/admin/account", {"display_name": "Auth One", "email": "a1@example.org"})
    check_eq(r.status, 303, "save the profile")
    check_eq(site._query("SELECT display_name, email FROM authors WHERE name = 'author1'"),
             [("Auth One", "a1@example.org")], "stored")
    check("Auth One (author)" in a1.get("/admin").text, "the bar shows the display name")
    r = a1.post("/admin/account", {"display_name": "x", "email": "bad"})
    check_eq(r.status, 422, "a bad e-mail")

    r = a1.post("/admin/account/password", {"current": "wrong-one", "password": "newpass123",
                                             "password2": "newpass123"})
    check_eq(r.status, 422, "the current password is checked")
    check("current password is not right" in r.text, "message")
    r = a1.post("/admin/account/password", {"current": "password123",
                                             "password": "newpass123",
                                             "password2": "newpass124"})
    check_eq(r.status, 422, "the new passwords differ")
    r = a1.post("/admin/account/password", {"current": "password123", "password": "short",
                                             "password2": "short"})
    check_eq(r.status, 422, "too short")
    check_eq(a2.get("/admin").status, 200, "failed changes end nothing")

    r = a1.post("/admin/account/password", {"current": "password123",
                                             "password": "newpass123",
                                             "password2": "newpass123"})
    check_eq(r.status, 303, "password changed")
    check_eq(a1.get("/admin").status, 200, "this session goes on")
    check(redirected_to_login(a2.get("/admin")), "the other session is ended")
    check_eq(srv.admin_client().login("author1", "password123").status, 401, "old password")
    srv.admin_login("author1", "newpass123")
    check_eq(a1.post("/admin/account", {"display_name": "Still here"}).status, 303,
             "the kept session's CSRF token still works")
    srv.stop()


# ---- API tokens ----

def test_tokens_page():
    site = newsroom("tokens")
    srv = site.serve()
    ed = srv.admin_login("editor1", "password123")
    r = ed.post("/admin/tokens", {"name": "ingest-bot"})
    check_eq(r.status, 200, "create")
    m = re.search(r'value="(gz_[0-9a-f]{64})"', r.text)
    check(m, "the secret is shown")
    secret = m.group(1)
    check_eq(r.header("cache-control"), "no-store", "the page with the secret is not cached")
    stored = site._query("SELECT hex(token_hash), name FROM api_tokens")
    check_eq(len(stored), 1, "one token")
    check(secret[3:].upper() not in stored[0][0], "only the hash is stored")
    page = ed.get("/admin/tokens").text
    check("ingest-bot" in page, "listed")
    check(secret not in page, "the secret is shown only once")
    check_eq(ed.post("/admin/tokens", {"name": ""}).status, 422, "a name is needed")
    check_eq(ed.post("/admin/tokens", {"name": "x" * 101}).status, 422, "a short name")

    au = srv.admin_login("author1", "password123")
    au.post("/admin/tokens", {"name": "authors-token"})
    check("ingest-bot" not in au.get("/admin/tokens").text, "an author sees only their own")
    editor_token = site._query("SELECT id FROM api_tokens WHERE name = 'ingest-bot'")[0][0]
    check_eq(au.post("/admin/tokens/%d/revoke" % editor_token, {}).status, 404,
             "nor revokes another's")
    adm = srv.admin_login("admin1", "password123")
    page = adm.get("/admin/tokens").text
    check("ingest-bot" in page and "authors-token" in page, "an admin sees every token")
    check_eq(ed.get("/admin/tokens/%d/revoke" % editor_token).status, 405, "revoke is a POST")
    check_eq(ed.post("/admin/tokens/%d/revoke" % editor_token, {}).status, 303, "revoke")
    check_eq(site._query("SELECT count(*) FROM api_tokens WHERE id = %d" % editor_token),
             [(0,)], "gone")
    check_eq(ed.post("/admin/tokens/%d/revoke" % editor_token, {}).status, 404, "twice")
    srv.stop()


def test_token_from_cli_listed_in_admin():
    site = newsroom("tokencli")
    out = site.cli("token", "add", "editor1", "--name", "from-the-shell")
    check(re.fullmatch(r"gz_[0-9a-f]{64}\n", out), "secret: %r" % out)
    srv = site.serve()
    ed = srv.admin_login("editor1", "password123")
    check("from-the-shell" in ed.get("/admin/tokens").text, "a CLI token shows in the admin")
    srv.stop()


# ---- settings ----

def settings_form(adm):
    """The settings form's current values, as a dict."""
    page = adm.get("/admin/settings").text
    fields = {k: html.unescape(v) for k, v in
              re.findall(r'name="((?:site|blocks|stats)\.[a-z_]+)" value="([^"]*)"', page)}
    for name in ("blocks.window", "views.rank_by"):
        sel = re.search(r'name="%s".*?<option value="([^"]+)" selected' % re.escape(name),
                        page, re.S)
        fields[name] = sel.group(1)
    return fields


def test_settings_change_the_live_site_and_survive_a_restart():
    site = newsroom("settings")
    for i in range(4):
        site.new("Story %d" % i, body="Body %d" % i, publish=True, at=1767268800 + 60 * i)
    srv = site.serve()
    home = srv.get("/").text
    check_eq(len(block_titles(home, "new-articles")), 4, "four in New Articles by default")
    adm = srv.admin_login("admin1", "password123")
    fields = settings_form(adm)
    check_eq(fields["site.timezone"], "UTC", "the default zone")
    fields.update({"site.title": "The Evening <Post>", "blocks.new_count": "2",
                   "blocks.window": "7d"})
    r = adm.post("/admin/settings", fields)
    check_eq(r.status, 303, "save: %s" % r.text[:300])
    home = srv.get("/").text
    check("<title>" in home and "The Evening &lt;Post&gt;" in home,
          "the new title, escaped, at once")
    check_eq(len(block_titles(home, "new-articles")), 2, "New Articles shows 2 at once")
    page = adm.get("/admin/settings").text
    check("saved here" in page, "the page says where values come from")
    # A configuration reload (SIGHUP) keeps what the admin saved.
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "configuration reloaded" in srv.stderr(), 10, what="the reload")
    home = srv.get("/").text
    check("The Evening &lt;Post&gt;" in home, "the saved title survives SIGHUP")
    check_eq(len(block_titles(home, "new-articles")), 2, "and the count")
    srv.stop()

    srv = site.serve()
    home = srv.get("/").text
    check("The Evening &lt;Post&gt;" in home, "the title survives a restart")
    check_eq(len(block_titles(home, "new-articles")), 2, "and the count")
    p = subprocess.run([harness.GAZETTE, "config", "show", "--db", site.db],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=sanitizer_env(),
                       timeout=60)
    out = p.stdout.decode()
    check(re.search(r"^new_count = 2\s+; from admin$", out, re.M),
          "config show says where the value came from: %s" % out)
    check(re.search(r"^title = The Evening <Post>\s+; from admin$", out, re.M),
          "config show: title from admin")

    # Resetting lets the default apply again, at once.
    adm = srv.admin_login("admin1", "password123")
    r = adm.post("/admin/settings/reset", {"name": "blocks.new_count"})
    check_eq(r.status, 303, "reset")
    check_eq(len(block_titles(srv.get("/").text, "new-articles")), 4, "back to the default")
    check_eq(adm.post("/admin/settings/reset", {"name": "http.port"}).status, 422,
             "only the page's settings")
    srv.stop()


def test_settings_validation():
    site = newsroom("settingsbad")
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    good = settings_form(adm)
    for name, value in (("blocks.new_count", "0"), ("blocks.new_count", "51"),
                        ("blocks.top_count", "many"), ("blocks.window", "1y"),
                        ("site.lang", "not a tag!"), ("site.timezone", "Mars/Olympus"),
                        ("site.timezone", "../../etc/passwd"), ("site.title", "a\nb")):
        fields = dict(good)
        fields[name] = value
        r = adm.post("/admin/settings", fields)
        check_eq(r.status, 422, "%s = %r refused" % (name, value))
    missing = dict(good)
    del missing["site.title"]
    check_eq(adm.post("/admin/settings", missing).status, 422, "a missing field")
    check_eq(site._query("SELECT count(*) FROM settings WHERE key = 'admin_settings'"),
             [(0,)], "nothing saved")
    srv.stop()


def test_timezone_moves_the_dates_readers_see():
    site = newsroom("tz")
    # 12:00 UTC on 1 March 2026 is already 2 March in Kiritimati (UTC+14).
    art = site.new("Dated", body="x", publish=True, at=1772366400)
    srv = site.serve()
    check(">1 March 2026</time>" in srv.get(art.url).text, "UTC by default")
    adm = srv.admin_login("admin1", "password123")
    fields = settings_form(adm)
    fields["site.timezone"] = "Pacific/Kiritimati"
    check_eq(adm.post("/admin/settings", fields).status, 303, "save the zone")
    page = srv.get(art.url).text
    check(">2 March 2026</time>" in page, "the date in the site's zone, at once")
    check('datetime="2026-03-01T12:00:00Z"' in page, "the machine-readable date stays UTC")
    fields["site.timezone"] = "America/Los_Angeles"  # UTC-8 in March: still 1 March
    check_eq(adm.post("/admin/settings", fields).status, 303, "another zone")
    check(">1 March 2026</time>" in srv.get(art.url).text, "Los Angeles")
    srv.stop()
