"""Black-box test harness for `gazette serve`.

A Site is a temporary directory with a database, seeded through the gazette
CLI. Site.serve() starts `gazette serve` on a free port and waits for
/healthz; Server.stop() sends SIGTERM and checks the exit code. Every server
started during a test is tracked so the runner can stop stray ones and check
their stderr for sanitizer reports.

Python 3 standard library only.
"""

import html
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

BROWSER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/120.0 Safari/537.36")
# What the tests send when a request must NOT count as a view.
TEST_BOT_UA = "gazette-http-tests-bot/1.0"

# Reports of AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
SANITIZER_MARKERS = ("runtime error:", "ERROR: AddressSanitizer",
                     "ERROR: LeakSanitizer", "WARNING: AddressSanitizer")

HERE = os.path.dirname(os.path.abspath(__file__))

# Set by the runner.
GAZETTE = None
# Servers and sites created by the current test (the runner resets these).
_servers = []
_sites = []
_lock = threading.Lock()


class TestFailure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def check_eq(got, want, what):
    if got != want:
        raise TestFailure("%s: expected %r, got %r" % (what, want, got))


def sanitizer_env():
    """The environment for gazette: the caller's sanitizer options when set
    (tests/run.sh sets them), else leaks on, abort on error, and the
    project's LeakSanitizer suppressions (tests/lsan.supp: h2o's per-thread
    state, never disposed at exit)."""
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    supp = os.path.join(os.path.dirname(HERE), "lsan.supp")
    lsan = "print_suppressions=0"
    if os.path.exists(supp):
        lsan += ":suppressions=" + supp
    env.setdefault("LSAN_OPTIONS", lsan)
    env["TZ"] = "UTC"
    return env


def sanitizer_report(text):
    """The first sanitizer report line in text, or None."""
    for line in text.splitlines():
        for m in SANITIZER_MARKERS:
            if m in line:
                return line.strip()
    return None


def wait_for(pred, timeout, interval=0.05, what="condition"):
    """Polls pred() until it returns a true value; returns it. Raises after
    timeout with the last value in the message."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TestFailure("timed out after %.1fs waiting for %s (last: %r)"
                              % (timeout, what, last))
        time.sleep(interval)


def signame(sig):
    return signal.Signals(sig).name if sig is not None else "the signal"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- HTTP helpers -----------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers      # list of (lower-case name, value)
        self.body = body            # bytes

    def header(self, name):
        """The last value of header name (case-insensitive), or None."""
        name = name.lower()
        v = None
        for k, val in self.headers:
            if k == name:
                v = val
        return v

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "<Response %d %s, %d bytes>" % (self.status, self.reason, len(self.body))


def _from_httplib(r, body):
    return Response(r.status, r.reason, [(k.lower(), v) for k, v in r.getheaders()], body)


def read_raw_response(f, head=False):
    """Reads one HTTP/1.1 response from a buffered socket file. Returns a
    Response, or None on a clean EOF before any byte."""
    line = f.readline(65536)
    if not line:
        return None
    m = re.match(rb"HTTP/1\.[01] (\d{3})(?: (.*))?\r?\n$", line)
    if not m:
        raise TestFailure("bad status line %r" % line)
    status = int(m.group(1))
    reason = (m.group(2) or b"").decode("latin-1")
    headers = []
    while True:
        h = f.readline(65536)
        if h in (b"\r\n", b"\n", b""):
            break
        k, _, v = h.decode("latin-1").partition(":")
        headers.append((k.strip().lower(), v.strip()))
    resp = Response(status, reason, headers, b"")
    if head or status in (204, 304) or 100 <= status < 200:
        return resp
    te = resp.header("transfer-encoding")
    cl = resp.header("content-length")
    if te and "chunked" in te.lower():
        body = b""
        while True:
            size = int(f.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while f.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += f.read(size)
            f.readline()
        resp.body = body
    elif cl is not None:
        resp.body = f.read(int(cl))
    else:
        resp.body = f.read()
    return resp


class RawConn:
    """A plain TCP connection for requests http.client would refuse."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.f = self.sock.makefile("rb")

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def response(self, head=False):
        return read_raw_response(self.f, head=head)

    def read_all(self):
        """Everything until EOF (or the timeout)."""
        chunks = []
        try:
            while True:
                c = self.sock.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except socket.timeout:
            chunks.append(b"<<TIMEOUT>>")
        except ConnectionResetError:
            chunks.append(b"<<RESET>>")
        return b"".join(chunks)

    def close(self):
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass


def raw_exchange(port, data, quiet=1.0, timeout=10.0):
    """Sends data on a new connection, reads until the server closes it or
    stays quiet for `quiet` seconds, and returns (responses, closed)."""
    import io
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if isinstance(data, str):
        data = data.encode("latin-1")
    closed = False
    chunks = []
    try:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading it all
        sock.settimeout(quiet)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                c = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not c:
                closed = True
                break
            chunks.append(c)
    finally:
        sock.close()
    f = io.BufferedReader(io.BytesIO(b"".join(chunks)))
    resps = []
    while True:
        r = read_raw_response(f)
        if r is None:
            break
        resps.append(r)
    return resps, closed


# ---- the server -------------------------------------------------------------

class Server:
    def __init__(self, site, port, args, flush_ms, threads, log_path):
        self.site = site
        self.port = port
        self.args = args
        self.flush_ms = flush_ms
        self.threads = threads
        self.log_path = log_path
        self.proc = None
        self.returncode = None
        self.checked = False

    def _start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=self.log,
                                     env=sanitizer_env(), cwd=self.site.dir)

    def stderr(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.03)
        raise TestFailure("server on port %d did not answer /healthz in %.0fs\n%s"
                          % (self.port, timeout, self.stderr()[-3000:]))

    def stop(self, sig=signal.SIGTERM, timeout=30.0, expect_rc=0):
        """Stops the server with sig (None: a signal was sent already),
        waits, checks the exit code and the sanitizer output. Returns the
        exit code."""
        if self.proc is None:
            return self.returncode
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait()
            self.log.close()
            raise TestFailure("server did not exit within %.0fs of %s\n%s"
                              % (timeout, signame(sig), self.stderr()[-3000:]))
        self.log.close()
        self.check_sanitizers()
        if expect_rc is not None and self.returncode != expect_rc:
            raise TestFailure("server exited with %r after %s, expected %r\n%s"
                              % (self.returncode, signame(sig), expect_rc,
                                 self.stderr()[-3000:]))
        return self.returncode

    def kill9(self):
        return self.stop(sig=signal.SIGKILL, expect_rc=-signal.SIGKILL)

    def check_sanitizers(self):
        self.checked = True
        rep = sanitizer_report(self.stderr())
        if rep:
            raise TestFailure("sanitizer report in server stderr: %s\n%s"
                              % (rep, self.stderr()[-6000:]))

    # -- requests --

    def conn(self, timeout=10.0):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, headers=None, body=None, ua=TEST_BOT_UA, conn=None):
        """One request (on conn when given, else a new connection).
        ua=None sends no User-Agent at all."""
        h = {}
        if ua is not None:
            h["User-Agent"] = ua
        if headers:
            h.update(headers)
        own = conn is None
        c = conn or self.conn()
        try:
            # No Accept-Encoding unless the test gives one (http.client would
            # add "identity").
            c.putrequest(method, path, skip_accept_encoding=True)
            if body is not None:
                if isinstance(body, str):
                    body = body.encode("utf-8")
                h.setdefault("Content-Length", str(len(body)))
            for k, v in h.items():
                c.putheader(k, v)
            c.endheaders(body)
            r = c.getresponse()
            data = r.read()
            return _from_httplib(r, data)
        finally:
            if own:
                c.close()

    def get(self, path, headers=None, ua=TEST_BOT_UA, conn=None):
        return self.request("GET", path, headers=headers, ua=ua, conn=conn)

    def head(self, path, headers=None, ua=TEST_BOT_UA, conn=None):
        return self.request("HEAD", path, headers=headers, ua=ua, conn=conn)

    def view(self, path, times=1, conn=None):
        """GETs path `times` times as a browser (counted views); asserts 200."""
        own = conn is None
        c = conn or self.conn()
        try:
            for _ in range(times):
                r = self.get(path, ua=BROWSER_UA, conn=c)
                check(r.status == 200, "view of %s answered %d" % (path, r.status))
        finally:
            if own:
                c.close()

    def raw(self, data, quiet=1.0):
        return raw_exchange(self.port, data, quiet=quiet)

    # -- the admin --

    def admin_client(self, source=None):
        """An admin client that is not logged in yet (see Admin.login).
        source: the loopback address to connect from ("127.0.0.2"), for
        tests of per-address behaviour."""
        return Admin(self, source=source)

    def admin_login(self, name, password, source=None):
        """Logs name in through /admin/login; returns the Admin client."""
        adm = Admin(self, source=source)
        r = adm.login(name, password)
        check(r.status == 303 and "gz_session" in adm.cookies,
              "login of %r answered %d: %s" % (name, r.status, r.text[:500]))
        adm.refresh_csrf()
        return adm


_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


class Admin:
    """A browser session of the admin: keeps the cookies the server sets and
    the session's CSRF token (from <meta name="csrf-token">), and adds the
    token to the forms it posts."""

    def __init__(self, srv, source=None):
        self.srv = srv
        self.source = source
        self.cookies = {}   # name -> value
        self.csrf = None

    def _absorb(self, resp):
        for sc in resp.header_all("set-cookie"):
            pair = sc.split(";", 1)[0]
            name, _, value = pair.partition("=")
            name = name.strip()
            if re.search(r";\s*max-age=0\b", sc, re.I) or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        m = _META_CSRF.search(resp.text) if resp.body else None
        if m and m.group(1):
            self.csrf = m.group(1)
        return resp

    def request(self, method, path, body=None, content_type=None, headers=None):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if content_type:
            h["Content-Type"] = content_type
        if headers:
            h.update(headers)
        conn = None
        if self.source:
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10,
                                              source_address=(self.source, 0))
        try:
            return self._absorb(self.srv.request(method, path, headers=h, body=body,
                                                 conn=conn))
        finally:
            if conn:
                conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, headers=None, csrf=True):
        """POSTs fields (a dict or a list of pairs) urlencoded, with the
        session's _csrf added unless fields has one or csrf is False."""
        from urllib.parse import urlencode
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf and not any(k == "_csrf" for k, _ in pairs):
            if self.csrf is None:
                self.refresh_csrf()
            pairs.append(("_csrf", self.csrf or ""))
        return self.request("POST", path, body=urlencode(pairs),
                            content_type="application/x-www-form-urlencoded",
                            headers=headers)

    def post_raw(self, path, body, content_type, headers=None):
        return self.request("POST", path, body=body, content_type=content_type,
                            headers=headers)

    def refresh_csrf(self):
        """Reads the session's CSRF token from the dashboard."""
        self.get("/admin")
        return self.csrf

    def login(self, name, password):
        """GET then POST /admin/login; returns the POST's response (303 on
        success, 401 wrong name or password, 429 throttled...)."""
        self.get("/admin/login")
        token = self.cookies.get("gz_login", "")
        from urllib.parse import urlencode
        body = urlencode([("name", name), ("password", password), ("_csrf", token)])
        r = self.request("POST", "/admin/login", body=body,
                         content_type="application/x-www-form-urlencoded")
        self.csrf = None
        return r


# ---- the site ----------------------------------------------------------------

class Article:
    def __init__(self, id, path, status, title):
        self.id = id
        self.path = path          # "/YYYY/MM/slug", slug as UTF-8 text
        self.status = status      # "published", "draft", "scheduled"
        self.title = title

    @property
    def url(self):
        """The path percent-encoded, for the request line."""
        from urllib.parse import quote
        return quote(self.path, safe="/")

    def __repr__(self):
        return "<Article %d %s>" % (self.id, self.path)


_CREATED = re.compile(r"^(?:created|updated|published|unpublished) article (\d+) "
                      r"\(([a-z]+)\): https?://[^/]+(/.*)$")


class Site:
    def __init__(self, name="site"):
        check(GAZETTE, "harness.GAZETTE not set")
        self.dir = tempfile.mkdtemp(prefix="gazette-http-%s-" % name)
        self.db = os.path.join(self.dir, "site.db")
        self.servers = []
        with _lock:
            _sites.append(self)
        self.cli("init")

    def cli(self, *args, input=None, expect_rc=0):
        cmd = [GAZETTE, args[0], "--db", self.db] + [str(a) for a in args[1:]]
        p = subprocess.run(cmd, input=(input or "").encode("utf-8"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=sanitizer_env(), cwd=self.dir, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        rep = sanitizer_report(err)
        if rep:
            raise TestFailure("sanitizer report from %s: %s\n%s" % (cmd, rep, err))
        if expect_rc is not None and p.returncode != expect_rc:
            raise TestFailure("%s exited %d\nstdout: %s\nstderr: %s"
                              % (cmd, p.returncode, out, err))
        return out

    def _article_line(self, out, title):
        for line in out.splitlines():
            m = _CREATED.match(line.strip())
            if m:
                return Article(int(m.group(1)), m.group(3), m.group(2), title)
        raise TestFailure("no article line in CLI output %r" % out)

    def new(self, title, body="", summary=None, lang=None, tags=None, author=None,
            publish=False, at=None, slug=None):
        """Creates an article. at: a unix time (int) or a string the CLI
        reads; publish=True: published now; neither: a draft."""
        args = ["new", "--title", title]
        if summary is not None:
            args += ["--summary", summary]
        if lang:
            args += ["--lang", lang]
        if tags:
            args += ["--tags", tags]
        if author:
            args += ["--author", author]
        if slug:
            args += ["--slug", slug]
        if at is not None:
            args += ["--at", str(at)]
        elif publish:
            args += ["--publish"]
        args += ["-"]
        return self._article_line(self.cli(*args, input=body), title)

    def edit(self, id, title=None, body=None, summary=None):
        args = ["edit", str(id)]
        if title is not None:
            args += ["--title", title]
        if summary is not None:
            args += ["--summary", summary]
        inp = None
        if body is not None:
            args += ["--body", "-"]
            inp = body
        return self._article_line(self.cli(*args, input=inp), title)

    def unpublish(self, id):
        return self.cli("unpublish", str(id))

    def add_user(self, name, role, password="password123", display_name=None):
        """Creates a user with `gazette user add` (password from stdin)."""
        args = ["user", "add", name, "--role", role, "--password-stdin"]
        if display_name is not None:
            args += ["--display-name", display_name]
        return self.cli(*args, input=password + "\n")

    def publish(self, id, at=None):
        args = ["publish", str(id)]
        if at is not None:
            args += ["--at", str(at)]
        return self.cli(*args)

    # -- the store, read directly --

    def _query(self, sql):
        c = sqlite3.connect(self.db, timeout=10)
        try:
            return c.execute(sql).fetchall()
        finally:
            c.close()

    def views(self):
        """{article_id: all-time views} from views_daily."""
        return {a: n for a, n in self._query(
            "SELECT article_id, SUM(count) FROM views_daily GROUP BY article_id")}

    def views_hourly(self):
        return {a: n for a, n in self._query(
            "SELECT article_id, SUM(count) FROM views_hourly GROUP BY article_id")}

    def total_views(self):
        return sum(self.views().values())

    def wait_views(self, want, timeout=10.0, settle=0.35):
        """Waits until views() == want (a dict of id -> count; ids not
        listed must have no views), then waits `settle` more seconds (a few
        flush intervals) and checks again, so over-counting is caught."""
        want = {k: v for k, v in want.items() if v}
        try:
            wait_for(lambda: self.views() == want, timeout, what="views %r" % want)
        except TestFailure:
            raise TestFailure("store views: expected %r, got %r" % (want, self.views()))
        time.sleep(settle)
        check_eq(self.views(), want, "store views after settling")

    # -- servers --

    # Legacy exact-count tests: most tests count views from one client
    # (urllib: no Accept-Language, one User-Agent, reloads in a loop), which
    # fair counting (docs/readership.md) would count once. Every server
    # starts with it off unless the test asks for fair=True; a test's own
    # settings come later on the command line and win.
    LEGACY_COUNTING = ("views.reload_minutes=0", "views.max_per_minute=0",
                       "views.heuristics=no")

    def serve(self, flush_ms=100, threads=2, extra=(), settings=(), wait=True, fair=False):
        """Starts `gazette serve` on a free port; returns the Server.
        fair=True keeps the default fair counting (reloads, floods,
        heuristics) instead of LEGACY_COUNTING."""
        for attempt in range(5):
            port = free_port()
            args = [GAZETTE, "serve", "--db", self.db, "--port", str(port),
                    "--listen", "127.0.0.1", "--threads", str(threads),
                    "--flush-ms", str(flush_ms)]
            for s in (() if fair else self.LEGACY_COUNTING) + tuple(settings):
                args += ["--set", s]
            args += list(extra)
            log = os.path.join(self.dir, "serve-%d-%d.log" % (len(self.servers), attempt))
            srv = Server(self, port, args, flush_ms, threads, log)
            srv._start()
            with _lock:
                _servers.append(srv)
            self.servers.append(srv)
            if not wait or srv.wait_ready():
                return srv
            # Exited before answering: a port race is worth a retry.
            srv.returncode = srv.proc.wait()
            srv.log.close()
            srv.check_sanitizers()
            if "cannot listen" not in srv.stderr():
                raise TestFailure("server exited with %d at start:\n%s"
                                  % (srv.returncode, srv.stderr()[-3000:]))
        raise TestFailure("could not find a free port")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class PgSite(Site):
    """A site whose store is a schema of the test run's PostgreSQL server
    (GZ_TEST_PG, started by tests/run.sh with tests/pg/server.sh). Several
    servers may serve it at once (Site.serve, each on its own port). A
    missing server is a failure, never a skip."""

    _counter = 0

    def __init__(self, name="pgsite"):
        base = os.environ.get("GZ_TEST_PG")
        check(base, "GZ_TEST_PG is not set: tests/run.sh starts the test PostgreSQL server")
        PgSite._counter += 1
        self.base = base
        self.schema = "h%d_%d" % (os.getpid(), PgSite._counter)
        psql(base, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s"
             % (self.schema, self.schema))
        self.url = "%s options=-csearch_path=%s" % (base, self.schema)
        check(GAZETTE, "harness.GAZETTE not set")
        self.dir = tempfile.mkdtemp(prefix="gazette-http-%s-" % name)
        self.db = self.url
        self.servers = []
        with _lock:
            _sites.append(self)
        self.cli("init")

    def _query(self, sql):
        # Unit and record separators: values may hold newlines and bars.
        out = psql(self.url, sql, "-F", "\x1f", "-R", "\x1e")
        rows = []
        for rec in out.rstrip("\n").split("\x1e"):
            if rec:
                rows.append(tuple(int(v) if re.fullmatch(r"-?\d+", v) else v
                                  for v in rec.split("\x1f")))
        return rows

    def cleanup(self):
        try:
            psql(self.base, "DROP SCHEMA IF EXISTS %s CASCADE" % self.schema)
        except TestFailure:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def psql(conninfo, sql, *options):
    """Runs SQL with psql (unaligned, no headers, more options); returns its
    output."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] +
                       list(options) + ["-d", conninfo, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode != 0:
        raise TestFailure("psql %r: %s" % (sql, p.stderr.decode("utf-8", "replace")))
    return p.stdout.decode("utf-8", "replace")


def pg_server(command):
    """restart, pause (stop, keeping its data) or resume the test run's
    PostgreSQL server (tests/pg/server.sh), on the same port."""
    d = os.environ.get("GZ_TEST_PG_DIR")
    check(d, "GZ_TEST_PG_DIR is not set: tests/run.sh starts the test PostgreSQL server")
    subprocess.run([os.path.join(HERE, "..", "pg", "server.sh"), command, d],
                   check=True, timeout=120)


def pg_restart():
    pg_server("restart")


def reset_tracking():
    with _lock:
        del _servers[:]
        del _sites[:]


def finish_test(keep_dirs=False):
    """Stops servers the test left running, checks every server's stderr for
    sanitizer reports. Returns a list of problems (strings)."""
    problems = []
    with _lock:
        servers = list(_servers)
        sites = list(_sites)
    for s in servers:
        try:
            if s.running():
                s.stop()
            elif not s.checked:
                if s.proc is not None and s.returncode is None:
                    s.returncode = s.proc.wait()
                    s.log.close()
                s.check_sanitizers()
        except TestFailure as e:
            problems.append(str(e))
    if not keep_dirs:
        for site in sites:
            site.cleanup()
    return problems


def server_logs():
    """stderr of the test's servers, for failure messages."""
    out = []
    with _lock:
        servers = list(_servers)
    for s in servers:
        out.append("--- server :%d (%s) stderr ---\n%s"
                   % (s.port, " ".join(s.args[1:]), s.stderr()[-4000:]))
    return "\n".join(out)


# ---- pages ------------------------------------------------------------------

_BLOCK_ITEM = re.compile(
    r'<li[^>]*>\s*<a class="block-title" href="([^"]*)"[^>]*>(.*?)</a>\s*'
    r'<p class="block-teaser"[^>]*>(.*?)</p>\s*</li>', re.S)


def block(page_html, block_id):
    """The entries of a sidebar block as [(href, title, teaser)], unescaped;
    raises when the block or its heading is missing."""
    m = re.search(r'<section class="block" id="%s">(.*?)</section>' % re.escape(block_id),
                  page_html, re.S)
    check(m, "block #%s missing from the page" % block_id)
    sec = m.group(1)
    heading = {"new-articles": "New Articles", "most-viewed": "Most viewed"}[block_id]
    check(re.search(r"<h2[^>]*>\s*%s\s*</h2>" % re.escape(heading), sec),
          "block #%s has no <h2>%s</h2>" % (block_id, heading))
    lm = re.search(r'<ol class="block-list">(.*?)</ol>', sec, re.S)
    check(lm, "block #%s has no <ol class=\"block-list\">" % block_id)
    items = _BLOCK_ITEM.findall(lm.group(1))
    nli = len(re.findall(r"<li\b", lm.group(1)))
    check(nli == len(items), "block #%s: %d <li> but %d parsed entries"
          % (block_id, nli, len(items)))
    return [(html.unescape(h), html.unescape(t), html.unescape(s)) for h, t, s in items]


def block_raw(page_html, block_id):
    m = re.search(r'<section class="block" id="%s">(.*?)</section>' % re.escape(block_id),
                  page_html, re.S)
    check(m, "block #%s missing" % block_id)
    return m.group(1)


def block_titles(page_html, block_id):
    return [t for _, t, _ in block(page_html, block_id)]
