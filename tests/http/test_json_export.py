"""`gazette export json`, `gazette import json` and `gazette backup`: an
export imported into an empty site exports again byte for byte, secrets
only when asked for, imports that refuse and leave the site as it was, and
a backup taken while a server serves and writes."""

import json
import os
import sqlite3
import subprocess
import threading

import harness
from harness import Site, check, check_eq, sanitizer_env


def run(site, *args, input=None):
    """gazette ARGS --db SITE; returns (rc, stdout, stderr)."""
    cmd = [harness.GAZETTE] + [str(a) for a in args] + ["--db", site.db]
    p = subprocess.run(cmd, input=(input or "").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sanitizer_env(), timeout=120)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def export(site, *flags):
    path = os.path.join(site.dir, "export-%d.jsonl" % len(os.listdir(site.dir)))
    rc, out, err = run(site, "export", "json", "-o", path, *flags)
    check_eq(rc, 0, "export json: %s" % err)
    with open(path, "rb") as f:
        return path, f.read()


def rows(data, kind):
    return [o for o in map(json.loads, data.decode().splitlines()) if o["type"] == kind]


def count(site, table):
    return site._query("SELECT count(*) FROM %s" % table)[0][0]


def build_site():
    """A site with something of everything: users (one admin with a
    password), Persian and English articles, a trashed one, revisions,
    tag descriptions and aliases, a translation and views."""
    site = Site("jsonsrc")
    site.add_user("boss", "admin", password="boss password 1")
    site.add_user("writer", "author", password="writer password 2",
                  display_name="نویسنده")
    fa = site.new("سلام دنیا: خبر فوری", body="متن **فارسی** با «نقل قول».\n\nپاراگراف دوم.",
                  summary="خلاصهٔ خبر", lang="fa", tags="سیاست,خبر", publish=True)
    en = site.new("Hello world", body="English *body*.", tags="news,Politics",
                  author="writer", publish=True)
    site.edit(en.id, title="Hello world, again", body="Second **version**.")
    gone = site.new("To the trash", body="bye", publish=True)
    site.new("A draft", body="not yet")
    site.cli("translate", fa.id, "--of", en.id)
    site.cli("tag", "edit", "news", "--description", "What happened today",
             "--alias", "Headlines")
    srv = site.serve(flush_ms=50)
    srv.view(fa.url, times=3)
    srv.view(en.url, times=2)
    # Readers (sketches) and a referring domain, for the readers and
    # referrer kinds.
    r = srv.get(fa.url, ua=harness.BROWSER_UA,
                headers={"Referer": "https://news.example.net/today"})
    check_eq(r.status, 200, "view with a Referer")
    site.wait_views({fa.id: 4, en.id: 2})
    harness.wait_for(lambda: site._query(
        "SELECT count(*) FROM referrers_daily WHERE domain = 'news.example.net'")[0][0],
        10, what="the referrer row")
    adm = srv.admin_login("boss", "boss password 1")
    r = adm.post("/admin/articles/%d/trash" % gone.id, {})
    check_eq(r.status, 303, "trash")
    srv.stop()
    return site, fa, en, gone


def test_json_round_trip():
    site, fa, en, gone = build_site()
    path, first = export(site)
    check(b"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85" in first, "Persian text kept as UTF-8")
    check(b"pass_hash" not in first, "no password hashes without --with-secrets")
    check(rows(first, "article")[0]["id"] == fa.id, "articles keep their ids")
    check_eq(len(rows(first, "revision")) >= 5, True, "revisions exported")
    trashed = [a for a in rows(first, "article") if a["id"] == gone.id][0]
    check(trashed["deleted_at"] > 0, "the trashed article is exported as trashed")
    check_eq(rows(first, "tag_alias")[0]["alias"], "Headlines", "alias exported")
    check_eq(len(rows(first, "translation")), 2, "translation group exported")
    readers = rows(first, "readers")
    check_eq(sorted({(r["article_id"], r["kind"]) for r in readers}),
             sorted((a, k) for a in (0, fa.id, en.id) for k in (1, 2, 3)),
             "readers sketches of both articles and the site, by hour, day and all time")
    check(all(r["hll"].startswith("AQ") for r in readers), "sketches as base64 text")
    check(any(r["domain"] == "news.example.net" and r["count"] == 1
              for r in rows(first, "referrer")), "referrer exported")

    copy = Site("jsoncopy")
    rc, out, err = run(copy, "import", "json", path)
    check_eq(rc, 0, "import json: %s" % err)
    check("article 4" in out, "report counts the articles: %r" % out)
    _, again = export(copy)
    check(again == first, "export -> import -> export is byte-identical")

    # The copy serves what the original did.
    srv = copy.serve()
    r = srv.get(fa.url)
    check_eq(r.status, 200, "the Persian article on the copy")
    check("سلام دنیا" in r.text and 'dir="rtl"' in r.text, "RTL article page")
    check_eq(srv.get(gone.url).status, 404, "the trashed article stays off the site")
    r = srv.get("/search?q=version")
    check("Hello world, again" in r.text, "the search index was rebuilt")
    # Without the secrets nobody can log in until a password is set.
    adm = srv.admin_client()
    r = adm.login("boss", "boss password 1")
    check(r.status != 303, "no login without an exported password hash")
    srv.stop()
    check_eq(sum(n for (n,) in copy._query(
        "SELECT count FROM views_daily")), 6, "views kept")
    check_eq(copy._query("SELECT count(*) FROM readers")[0][0], len(readers),
             "readers sketches kept")


def test_json_with_secrets_keeps_passwords():
    site = Site("jsonsecret")
    site.add_user("boss", "admin", password="boss password 1")
    site.new("Only one", body="x", publish=True)
    path, first = export(site, "--with-secrets")
    check(b'"pass_hash":"$argon2id$' in first, "hash exported with --with-secrets")
    check(b'"secrets":true' in first.splitlines()[0], "header says so")
    copy = Site("jsonsecretcopy")
    rc, _, err = run(copy, "import", "json", path)
    check_eq(rc, 0, "import: %s" % err)
    _, again = export(copy, "--with-secrets")
    check(again == first, "round trip with secrets is byte-identical")
    srv = copy.serve()
    srv.admin_login("boss", "boss password 1")  # asserts the 303 and session
    srv.stop()


def test_json_import_refuses_and_writes_nothing():
    check_import_refuses(Site)


def check_import_refuses(new_site):
    """A bad import is refused with its line and reason, and writes nothing,
    into a site new_site(name) makes (SQLite here, PostgreSQL in
    test_scale.py)."""
    site = new_site("jsonbad")
    site.new("Existing", body="x", publish=True)
    src = Site("jsonbadsrc")
    src.new("Other", body="y", publish=True)
    path, data = export(src)

    rc, _, err = run(site, "import", "json", path)
    check_eq(rc, 1, "import into a non-empty site")
    check("not empty" in err, "says why: %r" % err)
    check_eq(count(site, "articles"), 1, "the site is as it was")

    empty = new_site("jsonbadempty")
    bad = os.path.join(empty.dir, "bad.jsonl")
    lines = data.decode().splitlines()
    cases = [
        (lines + ['{"type":"article",'], ":%d: " % (len(lines) + 1)),
        (lines + ['{"type":"tag","id":99,"name":"x","slug":"x","colour":"red"}'],
         'unknown field "colour"'),
        (lines + ['{"type":"tag","id":"99","name":"x","slug":"x"}'], "id: must be an integer"),
        (lines + ['{"type":"spaceship","id":1}'], 'unknown type "spaceship"'),
        (lines + ['{"type":"readers","article_id":1,"kind":2,"period":1,"hll":"bm90IGEgc2tldGNo"}'],
         "readers: hll: not a readers sketch"),
        (lines + ['{"type":"readers","article_id":1,"kind":2,"period":1,"hll":"%%%"}'],
         "readers: hll: not a readers sketch"),
        (lines + ['{"type":"article_tag","article_id":1,"tag_id":424242,"position":0}'],
         "refers to a missing row"),
        (['{"type":"other"}'] + lines[1:], "not a gazette export"),
        ([], "empty file"),
    ]
    for content, want in cases:
        with open(bad, "w") as f:
            f.write("\n".join(content) + ("\n" if content else ""))
        rc, _, err = run(empty, "import", "json", bad)
        check_eq(rc, 1, "bad file %r" % want)
        check(want in err and "nothing was imported" in err, "message %r in %r" % (want, err))
        check_eq(count(empty, "articles") + count(empty, "tags") + count(empty, "authors"),
                 0, "nothing written for %r" % want)


def test_backup_while_serving():
    site = Site("backup")
    site.add_user("boss", "admin", password="boss password 1")
    arts = [site.new("Article %d" % i, body="body %d" % i, publish=True) for i in range(20)]
    srv = site.serve(flush_ms=20)
    stop = threading.Event()
    errors = []

    def reader_and_writer():
        # Views make the flusher write every 20 ms during the backup.
        c = srv.conn()
        try:
            while not stop.is_set():
                for a in arts[:5]:
                    srv.view(a.url, conn=c)
        except Exception as e:  # reported below, not lost in the thread
            errors.append(e)
        finally:
            c.close()

    t = threading.Thread(target=reader_and_writer)
    t.start()
    try:
        copies = []
        for i in range(3):
            dest = os.path.join(site.dir, "copy-%d.db" % i)
            rc, out, err = run(site, "backup", dest)
            check_eq(rc, 0, "backup: %s" % err)
            check("backed up" in out, "reports the copy: %r" % out)
            copies.append(dest)
    finally:
        stop.set()
        t.join()
    check(not errors, "views during the backup: %r" % errors)
    for dest in copies:
        c = sqlite3.connect(dest)
        try:
            check_eq(c.execute("PRAGMA integrity_check").fetchone()[0], "ok", "integrity")
            check_eq(c.execute("SELECT count(*) FROM articles").fetchone()[0], 20, "articles")
            check_eq(c.execute("PRAGMA journal_mode").fetchone()[0], "delete",
                     "a single file")
        finally:
            c.close()
        check(not os.path.exists(dest + ".tmp"), "no temporary file left")
    views_seen = sqlite3.connect(copies[-1]).execute(
        "SELECT coalesce(sum(count), 0) FROM views_daily").fetchone()[0]
    check(views_seen > 0, "the copy has the views written before it")

    rc, _, err = run(site, "backup", copies[0])
    check_eq(rc, 1, "an existing file is not replaced")
    check("--force" in err, "says how: %r" % err)
    rc, _, err = run(site, "backup", copies[0], "--force")
    check_eq(rc, 0, "--force replaces it: %s" % err)
    rc, _, err = run(site, "backup", site.db, "--force")
    check_eq(rc, 1, "never over the live database")
    # The copy is a site: it serves.
    srv.stop()
    restored = Site("backuprestored")
    restored.db = copies[0]
    srv = restored.serve()
    check_eq(srv.get(arts[3].url).status, 200, "the copy serves the articles")
    srv.stop()
