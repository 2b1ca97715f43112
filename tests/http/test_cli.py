"""The command line: help, exit codes, error messages, configuration files,
and a theme folder that overrides the built-in theme."""

import os
import subprocess

import harness
from harness import BROWSER_UA, Site, check, check_eq, sanitizer_env


def run(*args, cwd=None, input=None):
    p = subprocess.run([harness.GAZETTE] + [str(a) for a in args],
                       input=(input or "").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sanitizer_env(), cwd=cwd, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def test_help_and_usage_errors():
    rc, out, _ = run("--help")
    check_eq(rc, 0, "gazette --help")
    for cmd in ("serve", "init", "demo", "new", "edit", "publish", "unpublish", "list",
                "config", "migrate"):
        check(cmd in out, "--help lists %s" % cmd)
        rc, out2, _ = run(cmd, "--help")
        check_eq(rc, 0, "gazette %s --help" % cmd)
        check(out2.startswith("usage: gazette %s" % cmd), "usage line of %s: %r" % (cmd, out2[:60]))
    rc, _, err = run("frobnicate")
    check_eq(rc, 2, "unknown command")
    check("unknown command 'frobnicate'" in err, "message: %r" % err)
    rc, _, err = run("serve", "--port", "http")
    check_eq(rc, 2, "serve --port http")
    check("http.port" in err and "65535" in err, "message: %r" % err)
    rc, _, err = run("serve", "--window", "1y")
    check_eq(rc, 2, "serve --window 1y")
    check("blocks.window" in err, "message: %r" % err)
    rc, _, err = run("list", "--bogus")
    check_eq(rc, 2, "unknown option")
    check("unknown option '--bogus'" in err, "message: %r" % err)


def test_authoring_errors():
    site = Site("clierr")
    rc, _, err = run("new", "--db", site.db, input="body")
    check_eq(rc, 2, "new without --title")
    check("--title" in err, "message: %r" % err)
    rc, _, err = run("edit", "--db", site.db, "999")
    check_eq(rc, 1, "edit of a missing article")
    check("no article 999" in err, "message: %r" % err)
    rc, _, err = run("publish", "--db", site.db, "abc")
    check_eq(rc, 2, "publish with a bad ID")
    rc, _, err = run("new", "--db", site.db, "--title", "T", "--at", "next tuesday", "-")
    check_eq(rc, 2, "new --at with an unreadable time")
    check("cannot read the time" in err, "message: %r" % err)
    rc, _, err = run("new", "--db", site.db, "--title", "T", "--slug", "a/b", "-")
    check_eq(rc, 1, "new with a slug holding '/'")
    check("not a valid slug" in err, "message: %r" % err)
    rc, _, err = run("init", "--db", site.db)
    check_eq(rc, 1, "init over an existing site")
    check("already exists" in err, "message: %r" % err)
    # Nothing above created an article.
    check_eq(site._query("SELECT count(*) FROM articles")[0][0], 0, "articles created")


def test_port_in_use():
    site = Site("portuse")
    srv = site.serve()
    rc, _, err = run("serve", "--db", site.db, "--listen", "127.0.0.1", "--port", srv.port)
    check_eq(rc, 1, "serve on a port in use")
    check("cannot listen on 127.0.0.1:%d" % srv.port in err, "message: %r" % err)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def test_theme_folder_overrides():
    site = Site("theme")
    art = site.new("Themed story", "The body.", publish=True)
    theme = os.path.join(site.dir, "mytheme")
    # One template replaced (the partials and the other templates stay built in)
    # and one asset added.
    write(os.path.join(theme, "templates", "article.html"),
          "{{> header.html}}<h1 class=\"custom\">{{article.title}} [custom]</h1>"
          "{{> footer.html}}")
    write(os.path.join(theme, "assets", "extra.css"), "body { color: teal }\n")
    srv = site.serve(extra=["--theme", theme])
    page = srv.get(art.url, ua=BROWSER_UA)
    check_eq(page.status, 200, "article with the theme")
    check('<h1 class="custom">Themed story [custom]</h1>' in page.text, "template override")
    check('id="new-articles"' in page.text, "the built-in sidebar still renders")
    css = srv.get("/assets/extra.css")
    check_eq(css.status, 200, "added asset")
    check_eq(css.body, b"body { color: teal }\n", "added asset bytes")
    check(css.header("content-type").startswith("text/css"), "asset type")
    check_eq(srv.get("/assets/style.css").status, 200, "built-in asset still there")


def test_broken_theme_refused_with_line():
    site = Site("badtheme")
    theme = os.path.join(site.dir, "bad")
    write(os.path.join(theme, "templates", "home.html"), "<ul>\n{{#articles}}\n<li>\n")
    port = harness.free_port()
    rc, _, err = run("serve", "--db", site.db, "--port", port, "--theme", theme)
    check_eq(rc, 1, "serve with a broken template")
    check("home.html:2: unclosed section 'articles'" in err, "message: %r" % err)
