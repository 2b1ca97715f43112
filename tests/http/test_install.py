"""Installing and upgrading: `gazette migrate` (and --dry-run), upgrades
from a fixture of every earlier schema version (tests/fixtures/schema/),
`meson install` into a staging folder, and the files of contrib/ checked by
their own tools (systemd-analyze verify, nginx -t, logrotate -d) when those
are installed."""

import datetime
import glob
import html
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile

import harness
from harness import Site, block_titles, check, check_eq, sanitizer_env

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "schema")
MIGRATIONS = os.path.join(ROOT, "src", "store", "migrations")
CONTRIB = os.path.join(ROOT, "contrib")


def run(*args, cwd=None):
    p = subprocess.run([harness.GAZETTE] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=sanitizer_env(), cwd=cwd, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def latest_version():
    """The newest schema version: the highest NNNN of the migration files,
    checked against what the binary under test says it knows."""
    versions = []
    for path in glob.glob(os.path.join(MIGRATIONS, "*.sql")):
        m = re.match(r"(\d{4})_.+\.sql$", os.path.basename(path))
        check(m, "migration file name %s is not NNNN_what.sql" % path)
        versions.append(int(m.group(1)))
    check(versions, "no migrations in %s" % MIGRATIONS)
    latest = max(versions)
    check_eq(sorted(versions), list(range(1, latest + 1)), "migration numbers")
    tmp = tempfile.mkdtemp(prefix="gazette-http-latest-")
    try:
        db = os.path.join(tmp, "empty.db")
        open(db, "wb").close()
        rc, out, err = run("migrate", "--db", db, "--dry-run")
        check_eq(rc, 0, "migrate --dry-run of an empty file (stderr %r)" % err)
        m = re.search(r"this gazette knows up to (\d+)", out)
        check(m, "dry run names the latest version: %r" % out)
        check_eq(int(m.group(1)), latest,
                 "latest version known by the binary (is it built from this tree?)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return latest


def fixtures():
    """{version: path} of tests/fixtures/schema/vN.sql."""
    out = {}
    for path in glob.glob(os.path.join(FIXTURES, "v*.sql")):
        m = re.match(r"v(\d+)\.sql$", os.path.basename(path))
        check(m, "fixture name %s is not vN.sql" % path)
        out[int(m.group(1))] = path
    return out


def restore(path, db):
    """Builds the database db from the SQL dump at path, as `sqlite3 db <
    vN.sql` would."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    with open(path, encoding="utf-8") as f:
        script = f.read()
    c = sqlite3.connect(db)
    try:
        c.executescript(script)
    finally:
        c.close()


def query(db, sql):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql).fetchall()
    finally:
        c.close()


def file_state(db):
    """What must not change on a dry run: the bytes of the database, and
    which of its side files exist."""
    with open(db, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return digest, [s for s in ("-wal", "-shm", "-journal") if os.path.exists(db + s)]


# What an upgrade must keep, in columns every schema version has had. A
# migration that renames one of these changes the queries here too.
SNAPSHOT = {
    "articles": "SELECT id, slug, title, summary, body_src, body_html, teaser, lang, "
                "status, published_at, author_id FROM articles ORDER BY id",
    "authors": "SELECT id, name FROM authors ORDER BY id",
    "tags": "SELECT id, name, slug FROM tags ORDER BY id",
    "article_tags": "SELECT article_id, tag_id, position FROM article_tags "
                    "ORDER BY article_id, tag_id",
    "views_daily": "SELECT article_id, day, count FROM views_daily "
                   "ORDER BY article_id, day",
    "views_hourly": "SELECT article_id, hour, count FROM views_hourly "
                    "ORDER BY article_id, hour",
    "settings": "SELECT key, value FROM settings ORDER BY key",
}


def snapshot(db):
    return {name: query(db, sql) for name, sql in SNAPSHOT.items()}


def article_path(slug, published_at):
    t = datetime.datetime.fromtimestamp(published_at, datetime.timezone.utc)
    return "/%04d/%02d/%s" % (t.year, t.month, slug)


# ---- gazette migrate ---------------------------------------------------------

def test_migrate_in_help():
    rc, out, _ = run("--help")
    check_eq(rc, 0, "gazette --help")
    check(re.search(r"^\s+migrate\s", out, re.M), "--help lists migrate: %r" % out)
    rc, out, _ = run("migrate", "--help")
    check_eq(rc, 0, "gazette migrate --help")
    check(out.startswith("usage: gazette migrate"), "usage line: %r" % out[:60])
    check("--dry-run" in out, "--help names --dry-run")
    rc, _, err = run("migrate", "--bogus")
    check_eq(rc, 2, "unknown option")
    rc, _, err = run("migrate", "extra")
    check_eq(rc, 2, "unexpected argument")


def test_migrate_dry_run_lists_and_changes_nothing():
    latest = latest_version()
    site = Site("dryrun")
    # A database at version 0 holding something already: every migration
    # is pending.
    restore_empty = os.path.join(site.dir, "old.db")
    c = sqlite3.connect(restore_empty)
    c.execute("CREATE TABLE unrelated (x)")
    c.execute("INSERT INTO unrelated VALUES ('kept')")
    c.commit()
    c.close()
    before = file_state(restore_empty)
    rc, out, err = run("migrate", "--db", restore_empty, "--dry-run")
    check_eq(rc, 0, "migrate --dry-run (stderr %r)" % err)
    check("%s: schema version 0; this gazette knows up to %d" % (restore_empty, latest)
          in out, "current and latest version reported: %r" % out)
    listed = re.findall(r"^pending (\d{4}) (\S+)$", out, re.M)
    want = [("%04d" % v, os.path.basename(p)) for v, p in
            enumerate(sorted(glob.glob(os.path.join(MIGRATIONS, "*.sql"))), 1)]
    check_eq(listed, want, "pending migrations listed")
    check("nothing changed" in out, "says nothing changed: %r" % out)
    check_eq(file_state(restore_empty), before, "file bytes and side files after dry run")
    check_eq(query(restore_empty, "PRAGMA user_version"), [(0,)], "user_version")

    # Up to date: nothing pending, and still untouched (a WAL-mode site).
    before = file_state(site.db)
    rc, out, err = run("migrate", "--db", site.db, "--dry-run")
    check_eq(rc, 0, "dry run of a current site")
    check("schema version %d;" % latest in out, "version: %r" % out)
    check("nothing to apply" in out, "nothing pending: %r" % out)
    check_eq(file_state(site.db), before, "current site after dry run")


def test_migrate_applies():
    latest = latest_version()
    site = Site("migrate")
    db = os.path.join(site.dir, "old.db")
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE unrelated (x)")
    c.execute("INSERT INTO unrelated VALUES ('kept')")
    c.commit()
    c.close()
    rc, out, err = run("migrate", "--db", db)
    check_eq(rc, 0, "migrate (stderr %r)" % err)
    applied = re.findall(r"^applied (\d{4}) (\S+)$", out, re.M)
    check_eq([int(v) for v, _ in applied], list(range(1, latest + 1)),
             "each migration printed as applied: %r" % out)
    check("now at schema version %d" % latest in out, "final version: %r" % out)
    check_eq(query(db, "PRAGMA user_version"), [(latest,)], "user_version")
    check_eq(query(db, "SELECT x FROM unrelated"), [("kept",)], "other data kept")
    # Applying again is a no-op that says so.
    rc, out, _ = run("migrate", "--db", db)
    check_eq(rc, 0, "second migrate")
    check("nothing to apply" in out and "applied" not in out, "second run: %r" % out)
    # The migrated database is a site gazette can write to and serve.
    os.replace(db, site.db)
    a = site.new("After the upgrade", "Body.", publish=True)
    srv = site.serve()
    r = srv.get(a.url)
    check_eq(r.status, 200, "article on the migrated database")
    srv.stop()


def test_migrate_refuses_newer_and_missing():
    latest = latest_version()
    site = Site("newer")
    c = sqlite3.connect(site.db)
    c.execute("PRAGMA user_version = %d" % (latest + 1))
    c.close()
    before = file_state(site.db)
    want = ("gazette: database schema version %d is newer than this gazette "
            "(knows up to %d); upgrade gazette" % (latest + 1, latest))
    for extra in ([], ["--dry-run"]):
        rc, out, err = run("migrate", "--db", site.db, *extra)
        check_eq(rc, 1, "migrate %s of a newer database" % extra)
        check(want in err, "message for %s: %r" % (extra, err))
        check_eq(file_state(site.db), before, "newer database after migrate %s" % extra)
    # serve refuses it the same way.
    rc, _, err = run("serve", "--db", site.db, "--port", str(harness.free_port()))
    check_eq(rc, 1, "serve of a newer database")
    check("newer than this gazette" in err, "serve's message: %r" % err)

    missing = os.path.join(site.dir, "typo.db")
    for extra in ([], ["--dry-run"]):
        rc, _, err = run("migrate", "--db", missing, *extra)
        check_eq(rc, 1, "migrate %s of a missing file" % extra)
        check("no such database" in err, "message: %r" % err)
        check(not os.path.exists(missing), "migrate %s created %s" % (extra, missing))


# ---- upgrades from every earlier schema version ------------------------------

def test_fixture_for_every_schema_version():
    """A fixture per schema version from 1 to the latest: each earlier one
    is an upgrade the next test runs, and the latest one is where the next
    migration's upgrade will start (docs/upgrading.md)."""
    latest = latest_version()
    have = fixtures()
    missing = [v for v in range(1, latest + 1) if v not in have]
    check(not missing, "tests/fixtures/schema/ lacks v%s.sql; make it with "
          "tests/fixtures/schema/make_fixture.sh (docs/upgrading.md)"
          % ".sql, v".join(str(v) for v in missing))
    extra = [v for v in have if v > latest]
    check(not extra, "fixtures newer than the latest migration: %r" % extra)
    for v, path in sorted(have.items()):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.findall(r"^PRAGMA user_version\s*=\s*(\d+);", text, re.M)
        check(m and int(m[-1]) == v, "%s sets user_version %r, expected %d" % (path, m, v))


def check_site_serves(site, db_snapshot):
    """Every published article is served, drafts are not, the sections and
    view counts survived."""
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    srv = site.serve()
    home = srv.get("/")
    check_eq(home.status, 200, "home page")
    published = []
    for (aid, slug, title, _summary, _src, _html, _teaser, _lang, status, at,
         _author) in db_snapshot["articles"]:
        r = srv.get(harness_quote(article_path(slug, at if at else now)))
        live = status == 1 and 0 < at <= now
        if live:
            published.append(aid)
            check_eq(r.status, 200, "published article %s" % slug)
            check(html.escape(title, quote=False) in r.text,
                  "title of %s on its page" % slug)
        else:
            check_eq(r.status, 404, "unpublished/draft/scheduled article %s" % slug)
    check(published, "the fixture has published articles")
    # Tags: each tag with a live article has a page listing it.
    names = {aid: title for aid, _s, title, *_ in db_snapshot["articles"]}
    tags = {tid: slug for tid, _n, slug in db_snapshot["tags"]}
    for aid, tid, _pos in db_snapshot["article_tags"]:
        if aid in published:
            r = srv.get(harness_quote("/tag/" + tags[tid]))
            check_eq(r.status, 200, "tag page /tag/%s" % tags[tid])
            check(html.escape(names[aid], quote=False) in r.text,
                  "article %d on /tag/%s" % (aid, tags[tid]))
    # Views: Most viewed (all time) ranks by the fixture's daily counts.
    totals = {}
    for aid, _day, count in db_snapshot["views_daily"]:
        totals[aid] = totals.get(aid, 0) + count
    ranked = sorted((a for a in totals if a in published), key=lambda a: (-totals[a], a))
    got = block_titles(home.text, "most-viewed")
    check_eq(got[:len(ranked)], [names[a] for a in ranked][:len(got)],
             "Most viewed from the fixture's counts")
    # A new view adds to the old total.
    first = ranked[0]
    row = [a for a in db_snapshot["articles"] if a[0] == first][0]
    srv.view(harness_quote(article_path(row[1], row[9])), conn=None)
    site.wait_views({a: n + (1 if a == first else 0) for a, n in totals.items()})
    srv.stop()


def harness_quote(path):
    from urllib.parse import quote
    return quote(path, safe="/")


def test_upgrade_from_every_fixture():
    latest = latest_version()
    have = fixtures()
    check(have, "no fixtures in %s" % FIXTURES)
    for version, path in sorted(have.items()):
        site = Site("upgrade-v%d" % version)
        restore(path, site.db)
        check_eq(query(site.db, "PRAGMA user_version"), [(version,)],
                 "user_version of a database made from %s" % path)
        before = snapshot(site.db)
        check(before["articles"] and before["tags"] and before["views_daily"]
              and before["authors"] and before["settings"],
              "fixture %s has articles, tags, authors, views and settings" % path)

        state = file_state(site.db)
        rc, out, err = run("migrate", "--db", site.db, "--dry-run")
        check_eq(rc, 0, "dry run from v%d (stderr %r)" % (version, err))
        check_eq([int(v) for v in re.findall(r"^pending (\d{4}) ", out, re.M)],
                 list(range(version + 1, latest + 1)), "pending from v%d" % version)
        check_eq(file_state(site.db), state, "v%d database after the dry run" % version)

        rc, out, err = run("migrate", "--db", site.db)
        check_eq(rc, 0, "migrate from v%d (stderr %r)" % (version, err))
        check_eq([int(v) for v in re.findall(r"^applied (\d{4}) ", out, re.M)],
                 list(range(version + 1, latest + 1)), "applied from v%d" % version)
        check_eq(query(site.db, "PRAGMA user_version"), [(latest,)],
                 "user_version after upgrading from v%d" % version)
        after = snapshot(site.db)
        for name in SNAPSHOT:
            check_eq(after[name], before[name], "%s after upgrading from v%d"
                     % (name, version))
        check_site_serves(site, before)


# ---- meson install -----------------------------------------------------------

def build_dir():
    """The meson build folder the binary under test came from."""
    d = os.path.dirname(os.path.dirname(os.path.dirname(harness.GAZETTE)))
    check(os.path.isdir(os.path.join(d, "meson-info")),
          "%s is not a meson build folder; run the tests on a built tree" % d)
    return d


def test_meson_install_layout():
    build = build_dir()
    meson = shutil.which("meson")
    check(meson, "meson not installed")
    options = json.loads(subprocess.run(
        [meson, "introspect", "--buildoptions", build], check=True,
        stdout=subprocess.PIPE).stdout)
    opt = {o["name"]: o["value"] for o in options}
    prefix, bindir, datadir = opt["prefix"], opt["bindir"], opt["datadir"]
    site = Site("install")  # a temporary folder that is cleaned up
    dest = os.path.join(site.dir, "dest")
    p = subprocess.run([meson, "install", "-C", build, "--destdir", dest, "--no-rebuild",
                        "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check_eq(p.returncode, 0, "meson install: %s" % p.stdout.decode()[-2000:])

    def staged(*parts):
        return dest + os.path.join(prefix, *parts)

    binary = staged(bindir, "gazette")
    check(os.access(binary, os.X_OK), "%s installed and executable" % binary)
    theme = staged(datadir, "gazette", "themes", "default")
    src_theme = os.path.join(ROOT, "themes", "default")
    want = sorted(os.path.relpath(os.path.join(d, f), src_theme)
                  for d, _, fs in os.walk(src_theme) for f in fs)
    got = sorted(os.path.relpath(os.path.join(d, f), theme)
                 for d, _, fs in os.walk(theme) for f in fs)
    check_eq(got, want, "theme files installed in %s" % theme)
    for rel in want:
        with open(os.path.join(src_theme, rel), "rb") as a, \
                open(os.path.join(theme, rel), "rb") as b:
            check(a.read() == b.read(), "installed %s matches the source" % rel)
    check("templates/article.html" in want and "assets/style.css" in want,
          "the theme has its templates and assets")

    # What operators do with it: copy, edit, point site.theme at the copy.
    mine = os.path.join(site.dir, "mytheme")
    shutil.copytree(theme, mine)
    footer = os.path.join(mine, "templates", "footer.html")
    with open(footer, encoding="utf-8") as f:
        text = f.read()
    with open(footer, "w", encoding="utf-8") as f:
        f.write("<!-- edited by the operator -->" + text)
    site.new("Themed", "Body.", publish=True)
    srv = site.serve(extra=["--theme", mine])
    r = srv.get("/")
    check_eq(r.status, 200, "home with the copied theme")
    check("<!-- edited by the operator -->" in r.text, "the edited footer is used")
    srv.stop()


# ---- contrib/ ------------------------------------------------------------------

def unit_settings(path):
    """{key: [values]} of a systemd unit file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;[":
                continue
            k, _, v = line.partition("=")
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def test_systemd_unit():
    unit = os.path.join(CONTRIB, "gazette.service")
    s = unit_settings(unit)
    want = {
        "User": "gazette", "DynamicUser": "no",
        "ExecStart": "/usr/local/bin/gazette serve --config /etc/gazette/gazette.ini",
        "ExecReload": "/bin/kill -HUP $MAINPID", "KillSignal": "SIGTERM",
        "TimeoutStopSec": "30", "Restart": "on-failure",
        "StateDirectory": "gazette", "LogsDirectory": "gazette",
        "ProtectSystem": "strict", "ReadWritePaths": "/var/lib/gazette /var/log/gazette",
        "ProtectHome": "yes", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
        "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "RestrictNamespaces": "yes", "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes", "SystemCallFilter": "@system-service",
        "CapabilityBoundingSet": "",
    }
    for k, v in want.items():
        check_eq(s.get(k), [v], "%s= in gazette.service" % k)

    tool = shutil.which("systemd-analyze")
    if not tool:
        print("test_systemd_unit: systemd-analyze not installed; verify skipped")
        return
    # verify wants ExecStart to exist: a copy that runs the built binary.
    site = Site("unit")
    copy = os.path.join(site.dir, "gazette.service")
    with open(unit, encoding="utf-8") as f:
        text = f.read()
    with open(copy, "w", encoding="utf-8") as f:
        f.write(text.replace("/usr/local/bin/gazette", harness.GAZETTE))
    p = subprocess.run([tool, "verify", "--man=no", copy], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    check_eq(p.returncode, 0, "systemd-analyze verify: %s" % out)
    # verify exits 0 on unknown keys and bad values, only warning: any
    # line about our unit is a failure.
    problems = [line for line in out.splitlines() if "gazette.service" in line]
    check(not problems, "systemd-analyze verify warns: %s" % "\n".join(problems))


def test_nginx_conf():
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    conf = os.path.join(CONTRIB, "nginx.conf")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    for needle in ("listen 443 ssl http2;", "proxy_pass http://gazette;",
                   "server 127.0.0.1:8080;", "proxy_http_version 1.1;",
                   "return 301 https://$host$request_uri;"):
        check(needle in text, "contrib/nginx.conf has %r" % needle)
    if not nginx or not openssl:
        print("test_nginx_conf: nginx or openssl not installed; nginx -t skipped")
        return
    site = Site("nginx")
    d = site.dir
    p = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", os.path.join(d, "key.pem"),
                        "-out", os.path.join(d, "cert.pem"), "-days", "1",
                        "-subj", "/CN=news.example.org"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    check_eq(p.returncode, 0, "openssl req: %s" % p.stdout.decode()[-1000:])
    text = text.replace("/etc/letsencrypt/live/news.example.org/fullchain.pem",
                        os.path.join(d, "cert.pem"))
    text = text.replace("/etc/letsencrypt/live/news.example.org/privkey.pem",
                        os.path.join(d, "key.pem"))
    with open(os.path.join(d, "site.conf"), "w", encoding="utf-8") as f:
        f.write(text)
    # The file is a server block for sites-available/: wrap it in the
    # smallest main configuration.
    with open(os.path.join(d, "nginx.conf"), "w", encoding="utf-8") as f:
        f.write("pid %s/nginx.pid;\nerror_log stderr;\nevents {}\n"
                "http {\n    access_log off;\n    include %s/site.conf;\n}\n" % (d, d))
    p = subprocess.run([nginx, "-t", "-q", "-p", d, "-e", "stderr",
                        "-c", os.path.join(d, "nginx.conf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    check_eq(p.returncode, 0, "nginx -t: %s" % out)
    check("[warn]" not in out and "[emerg]" not in out, "nginx -t warnings: %s" % out)


def test_logrotate_conf():
    conf = os.path.join(CONTRIB, "gazette.logrotate")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    words = set(re.findall(r"^\s+(\w+)", text, re.M))
    for w in ("daily", "rotate", "compress", "delaycompress", "missingok", "notifempty",
              "postrotate", "endscript"):
        check(w in words, "gazette.logrotate has %s" % w)
    check("rotate 14" in text, "keeps 14 days")
    check("HUP" in text, "postrotate sends SIGHUP")
    tool = shutil.which("logrotate") or (os.path.exists("/usr/sbin/logrotate")
                                         and "/usr/sbin/logrotate")
    if not tool:
        print("test_logrotate_conf: logrotate not installed; logrotate run skipped")
        return
    # A real rotation, forced, of a copy that points at a temporary folder,
    # names the current user instead of gazette, and whose postrotate
    # touches a file instead of signalling every gazette on the machine.
    import grp
    import pwd
    site = Site("logrotate")
    logs = os.path.join(site.dir, "log")
    os.mkdir(logs, 0o750)
    with open(os.path.join(logs, "access.log"), "w") as f:
        f.write("a line\n")
    marker = os.path.join(site.dir, "hup-sent")
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    m = re.search(r"postrotate\n(.*?)\n\s*endscript", text, re.S)
    check(m, "postrotate ... endscript")
    copy = text.replace(m.group(1), "        touch %s" % marker)
    copy = copy.replace("/var/log/gazette", logs)
    copy = copy.replace(" gazette gazette", " %s %s" % (user, group))
    conf_copy = os.path.join(site.dir, "gazette.logrotate")
    with open(conf_copy, "w") as f:
        f.write(copy)
    p = subprocess.run([tool, "-f", "-s", os.path.join(site.dir, "state"), conf_copy],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    check_eq(p.returncode, 0, "logrotate: %s" % out)
    check("error" not in out.lower(), "logrotate errors: %s" % out)
    check_eq(sorted(os.listdir(logs)), ["access.log", "access.log.1"],
             "rotated, the new file created, the old one not yet compressed "
             "(delaycompress)")
    check(os.path.exists(marker), "postrotate ran")
