"""Configuration: the precedence of defaults < file < environment < flags,
the flags generated from the settings table, `gazette config check` and
`config show`, the example file docs/gazette.ini, and the man page."""

import os
import re
import shutil
import subprocess

import harness
from harness import BROWSER_UA, Site, block, check, check_eq, free_port, sanitizer_env

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "gazette.ini"))


def run(*args, env=None, cwd=None):
    """Runs gazette with the test environment plus env (None values unset
    a variable); returns (rc, stdout, stderr)."""
    e = sanitizer_env()
    for k in [k for k in e if k.startswith("GAZETTE_")]:
        del e[k]
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    p = subprocess.run([harness.GAZETTE] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=e, cwd=cwd, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def parse_show(text):
    """`config show` output as {"section.key": (value, source)}; source is
    "default" or what follows "from "."""
    settings, section = {}, None
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        m = re.match(r"^\[(\w+)\]$", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^(\w+) = (.*?)\s+; (default|from (.*))$", line)
        check(m, "not a setting line of config show: %r" % line)
        value = m.group(2)
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        settings["%s.%s" % (section, m.group(1))] = (value, m.group(4) or "default")
    return settings


def show(*args, env=None):
    rc, out, err = run("config", "show", *args, env=env)
    check_eq(rc, 0, "config show %s (stderr %r)" % (" ".join(map(str, args)), err))
    return parse_show(out)


def test_config_file_errors_and_precedence():
    site = Site("config")
    ini = os.path.join(site.dir, "site.ini")
    write(ini, "[site]\ntitle = The Valley Post\n\n[http]\nprot = 80\n")
    rc, _, err = run("list", "--config", ini)
    check_eq(rc, 2, "unknown key in the config file")
    check("%s:5: unknown setting 'prot' in section [http]" % ini in err, "message: %r" % err)
    write(ini, "[site]\ntitle = The Valley Post\nper_page = 2\n"
               "[blocks]\nnew_count = 3\n[store]\ndb = %s\n" % site.db)
    for i in range(4):
        site.new("Story %d" % i, "body %d" % i, at="2025-01-0%dT10:00Z" % (i + 1))
    # The file sets the title and block size; --set overrides the file.
    srv = site.serve(extra=["--config", ini], settings=["blocks.new_count=4"])
    home = srv.get("/", ua=BROWSER_UA).text
    check("The Valley Post" in home, "site title from the config file")
    check_eq(len(block(home, "new-articles")), 4, "New Articles size from --set over the file")
    check(srv.get("/page/2").status == 200, "per_page from the file: a second page")


def test_precedence_file_env_flags():
    site = Site("precedence")
    ini = os.path.join(site.dir, "site.ini")
    write(ini, "; the site\n"
               "[http]\n"
               "port = 9000\n"
               "max_body = 4096\n"
               "[site]\n"
               "title = From the File\n"
               "per_page = 7\n"
               "[blocks]\n"
               "window = 24h\n")
    env = {"GAZETTE_SITE_TITLE": "From the Environment", "GAZETTE_BLOCKS_WINDOW": "7d",
           "GAZETTE_HTTP_MAX_BODY": "8192"}
    s = show("--config", ini, "--site-title", "From a Flag", "--http-max-body=16384",
             env=env)
    check_eq(s["http.port"], ("9000", ini + ":3"), "http.port from the file")
    check_eq(s["site.per_page"], ("7", ini + ":7"), "site.per_page from the file")
    check_eq(s["blocks.window"], ("7d", "env GAZETTE_BLOCKS_WINDOW"), "env beats file")
    check_eq(s["site.title"], ("From a Flag", "--site-title"), "flag beats env and file")
    check_eq(s["http.max_body"], ("16384", "--http-max-body"), "flag beats env and file")
    check_eq(s["http.listen"], ("127.0.0.1", "default"), "a default")
    # The file from GAZETTE_CONFIG; --config wins over it.
    s = show(env={"GAZETTE_CONFIG": ini})
    check_eq(s["http.port"], ("9000", ini + ":3"), "file from GAZETTE_CONFIG")
    other = os.path.join(site.dir, "other.ini")
    write(other, "[http]\nport = 9100\n")
    s = show("--config", other, env={"GAZETTE_CONFIG": ini})
    check_eq(s["http.port"], ("9100", other + ":2"), "--config over GAZETTE_CONFIG")
    check_eq(s["site.title"], ("Gazette", "default"), "GAZETTE_CONFIG not read")
    # Flags apply in command-line order: the last one wins, whatever its form.
    s = show("--port", "1000", "--http-port", "2000", "--set", "http.port=3000")
    check_eq(s["http.port"], ("3000", "--set"), "--set given last")
    s = show("--set", "http.port=3000", "--http-port", "2000", "--port", "1000",
             "--db", "a.db", "--store-db", "b.db")
    check_eq(s["http.port"], ("1000", "--port"), "--port given last")
    check_eq(s["store.db"], ("b.db", "--store-db"), "--store-db after --db")
    check_eq(s["blocks.window"], ("all", "default"), "untouched")


def test_env_errors():
    rc, _, err = run("list", "--db", "x.db", env={"GAZETTE_HTTP_PORT": "eighty"})
    check_eq(rc, 2, "a bad environment value")
    check("GAZETTE_HTTP_PORT" in err and "65535" in err and "eighty" in err,
          "the message names the variable and the range: %r" % err)
    rc, _, err = run("config", "show", env={"GAZETTE_BLOCKS_WINDOW": "1y",
                                            "GAZETTE_LOG_LEVEL": "loud"})
    check_eq(rc, 2, "two bad environment values")
    check("env GAZETTE_BLOCKS_WINDOW: blocks.window: expected all, 24h, 7d or 30d" in err,
          "window message: %r" % err)
    check("env GAZETTE_LOG_LEVEL: log.level: expected debug, info, warn or error" in err,
          "level message: %r" % err)
    # A misspelt variable is a warning, not silence.
    rc, _, err = run("config", "show", env={"GAZETTE_HTTP_PROT": "1"})
    check_eq(rc, 0, "an unknown GAZETTE_ variable is only a warning")
    check("GAZETTE_HTTP_PROT is not a gazette setting" in err, "warning: %r" % err)
    # A bad flag value is an error naming the flag.
    rc, _, err = run("config", "show", "--http-port", "0")
    check_eq(rc, 2, "a bad flag value")
    check("--http-port: http.port: expected a whole number from 1 to 65535, got '0'" in err,
          "message: %r" % err)


def test_generated_flags_on_serve():
    site = Site("flags")
    for i in range(3):
        site.new("Flagged %d" % i, "body", at="2025-02-0%dT10:00Z" % (i + 1))
    srv = site.serve(extra=["--site-title", "The Flag Times", "--blocks-new-count", "2"])
    home = srv.get("/", ua=BROWSER_UA).text
    check("The Flag Times" in home, "--site-title on serve")
    check_eq(len(block(home, "new-articles")), 2, "--blocks-new-count on serve")
    srv.stop()
    # --http-port given after the harness's --port wins: the server answers
    # on that port.
    port = free_port()
    srv = site.serve(extra=["--http-port", str(port)], wait=False)
    srv.port = port
    check(srv.wait_ready(), "serve answers on --http-port %d" % port)
    srv.stop()
    # An unknown option is still an error, generated names or not.
    for bad in ("--http-prot", "--site", "--bogus", "--SECTION-KEY"):
        rc, _, err = run("serve", "--db", site.db, bad, "1")
        check_eq(rc, 2, "serve %s" % bad)
        check("unknown option '%s'" % bad in err, "message: %r" % err)
    rc, out, _ = run("serve", "--help")
    check_eq(rc, 0, "serve --help")
    check("--SECTION-KEY" in out and "--port" in out, "serve --help: %r" % out)


CHECK_ERRORS = (
    "[http]\n"                        # 1
    "port = 9000\n"                   # 2
    "prot = 80\n"                     # 3
    "threads = lots\n"                # 4
    "port = 9001\n"                   # 5
    "[nowhere]\n"                     # 6
    "key = value\n"                   # 7
    "[blocks]\n"                      # 8
    "window = 1y\n"                   # 9
    "this line has no equals sign\n"  # 10
    "[site]\n"                        # 11
    "url = https://example.org/\n"    # 12
    "[metrics]\n"                     # 13
    "allow = 10.0.0.0/8, nowhere\n"   # 14
)


def test_config_check_reports_every_error():
    site = Site("check")
    ini = os.path.join(site.dir, "bad.ini")
    write(ini, CHECK_ERRORS)
    rc, out, err = run("config", "check", ini)
    check_eq(rc, 1, "config check of a file with errors")
    want = [
        "%s:3: unknown setting 'prot' in section [http]",
        "%s:4: http.threads: expected a whole number from 0 to 256, got 'lots'",
        "%s:5: warning: http.port is also set on line 2; the last one wins",
        "%s:6: unknown section [nowhere]",
        "%s:9: blocks.window: expected all, 24h, 7d or 30d, got '1y'",
        "%s:10: expected 'key = value', '[section]' or a comment, got "
        "'this line has no equals sign'",
        "%s:12: site.url: must not end with '/', got 'https://example.org/'",
        "%s:14: metrics.allow: 'nowhere' is not an address or CIDR block (such as 10.0.0.0/8)",
        "%s: 7 errors",
    ]
    check_eq(err.splitlines(), [w % ini for w in want], "every problem, in order")
    check_eq(out, "", "nothing on stdout")
    # The same file through --config and GAZETTE_CONFIG.
    rc2, _, err2 = run("config", "check", "--config", ini)
    check_eq((rc2, err2), (rc, err), "config check --config FILE")
    rc2, _, err2 = run("config", "check", env={"GAZETTE_CONFIG": ini})
    check_eq((rc2, err2), (rc, err), "config check with GAZETTE_CONFIG")
    # Warnings alone pass.
    write(ini, "[http]\nport = 1\nport = 2\n")
    rc, out, err = run("config", "check", ini)
    check_eq(rc, 0, "only a warning")
    check_eq(out, "%s: ok (1 warning)\n" % ini, "stdout")
    check("%s:3: warning: http.port is also set on line 2" % ini in err, "stderr %r" % err)
    # Unreadable, and no file at all.
    rc, _, err = run("config", "check", os.path.join(site.dir, "missing.ini"))
    check_eq(rc, 1, "a missing file")
    check("missing.ini: cannot read the file" in err, "message: %r" % err)
    rc, _, err = run("config", "check")
    check_eq(rc, 2, "no file")
    check("no file" in err, "message: %r" % err)
    rc, _, err = run("config", "frob")
    check_eq(rc, 2, "unknown config subcommand")
    # A command that reads the file reports every error too, then refuses.
    write(ini, CHECK_ERRORS)
    rc, _, err = run("list", "--db", site.db, "--config", ini)
    check_eq(rc, 2, "list with a bad file")
    for w in want[:-1]:
        check(("gazette: " + w % ini) in err, "list reports %r: %r" % (w % ini, err))


def test_show_round_trip():
    site = Site("roundtrip")
    saved = os.path.join(site.dir, "saved.ini")
    args = ["--site-title", "Night ; Day", "--site-description", "  padded  ",
            "--site-theme", "", "--http-port", "9300", "--log-level", "debug"]
    rc, out, err = run("config", "show", *args)
    check_eq(rc, 0, "config show (stderr %r)" % err)
    write(saved, out)
    rc, ok, err = run("config", "check", saved)
    check_eq((rc, err), (0, ""), "config show output passes config check")
    check_eq(ok, "%s: ok\n" % saved, "ok line")
    first = show(*args)
    again = show("--config", saved)
    check_eq({k: v for k, (v, _) in again.items()}, {k: v for k, (v, _) in first.items()},
             "the saved file gives the same settings")
    title_line = [i for i, ln in enumerate(out.splitlines(), 1) if ln.startswith("title =")]
    check_eq(again["site.title"], ("Night ; Day", "%s:%d" % (saved, title_line[0])),
             "value and line of the title")
    check_eq(first["site.description"][0], "  padded  ", "quoted to keep its blanks")


def test_example_file_lists_every_setting():
    rc, out, err = run("config", "check", EXAMPLE)
    check_eq((rc, out, err), (0, "%s: ok\n" % EXAMPLE, ""), "docs/gazette.ini is valid")
    defaults = show()
    example = show("--config", EXAMPLE)
    check_eq(sorted(example), sorted(defaults), "the same settings")
    for name, (value, source) in example.items():
        check(source.startswith(EXAMPLE + ":"), "%s is set in docs/gazette.ini" % name)
        check_eq(value, defaults[name][0], "docs/gazette.ini: default of %s" % name)
        check_eq(defaults[name][1], "default", "source of %s without a file" % name)


def test_man_page():
    rc, page, err = run("help", "--man")
    check_eq((rc, err), (0, ""), "gazette help --man")
    check(page.startswith(".TH GAZETTE 1"), "a troff page: %r" % page[:40])
    for sec in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "SITE OPTIONS",
                "CONFIGURATION", "ENVIRONMENT", "SIGNALS", "FILES", "EXIT STATUS",
                "SEE ALSO"):
        check(re.search(r"^\.SH %s$" % sec, page, re.M), "section %s" % sec)
    rc, out, _ = run("--help")
    commands = re.findall(r"^  (\w+) ", out, re.M)
    check(len(commands) >= 9 and "config" in commands, "commands from --help: %r" % commands)
    for cmd in commands:
        check(re.search(r"^\.SS %s$" % cmd, page, re.M), "the page has command %s" % cmd)
        check(re.search(r"^\.B gazette %s" % cmd, page, re.M), "usage of %s" % cmd)
    for name in show():
        section, key = name.split(".")
        flag = ("--%s-%s" % (section, key)).replace("_", "-").replace("-", "\\-")
        env = "GAZETTE_%s_%s" % (section.upper(), key.upper())
        check(re.search(r"^\.B %s$" % re.escape(name), page, re.M), "setting %s" % name)
        check(env in page and flag in page, "%s: %s and %s" % (name, env, flag))
    # Options of a command come from its own table: serve's --flush-ms.
    check("\\-\\-flush\\-ms" in page, "serve's --flush-ms")
    if shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=page.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        check_eq((p.returncode, p.stderr.decode()), (0, ""), "groff -man -ww warnings")
