"""Hostile clients: floods of idle connections, running out of file
descriptors, slowloris (Debian's slowhttptest), and oversized or odd
requests. After each, the server still answers /healthz and stops cleanly on
SIGTERM (the harness checks the exit code and the sanitizer reports).

Limits and 413/414/431 basics, smuggling and traversal on /assets/ are in
test_http.py and test_pages.py; this file covers what an attacker at scale
does. docs/security.md describes the defences."""

import http.client
import os
import re
import resource
import select
import shutil
import socket
import subprocess
import threading
import time

from harness import Site, check, check_eq, wait_for

LIMIT = 200
IDLE_MS = 1500
SMALL_LIMITS = ("http.max_connections=%d" % LIMIT, "http.idle_timeout_ms=%d" % IDLE_MS)
# A normal request must be answered within this long, flood or not.
NORMAL_TIMEOUT = 10.0


def hostile_site(name, settings=SMALL_LIMITS):
    site = Site(name)
    art = site.new("Calm news", "Nothing happened today.", at="2025-05-05T10:00Z")
    return site, art, site.serve(settings=settings)


def raise_fd_limit(want):
    """The test process needs a descriptor per flood socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            hard = want  # allowed for root (CI); otherwise ValueError below
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError) as e:
            check(False, "cannot raise RLIMIT_NOFILE to %d: %s" % (want, e))


def normal_get(srv, path):
    """One request on a new connection, as a visitor's browser would; the
    status, or the error as text."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=NORMAL_TIMEOUT)
    try:
        c.request("GET", path, headers={"User-Agent": "gazette-http-tests-bot/1.0"})
        r = c.getresponse()
        body = r.read()
        return r.status, body
    except OSError as e:
        return "%s: %s" % (type(e).__name__, e), b""
    finally:
        c.close()


def check_normal(srv, paths, what):
    for path in paths:
        status, _ = normal_get(srv, path)
        check_eq(status, 200, "%s: GET %s" % (what, path))


def open_connections(srv):
    status, body = normal_get(srv, "/metrics")
    check_eq(status, 200, "/metrics")
    m = re.search(rb"^gazette_open_connections (\d+)$", body, re.M)
    check(m, "no gazette_open_connections in /metrics")
    return int(m.group(1))


def flood(port, n, half_every):
    """Opens n connections; every half_every-th sends half a request line,
    the others nothing. Connections past the server's limit complete their
    handshake in the kernel's backlog, so connect() returns for all."""
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % half_every == 0:
            s.sendall(b"GET /2025/05/calm-ne")
        socks.append(s)
    return socks


def wait_all_closed(socks, timeout):
    """Waits until the server has closed every socket (EOF or reset);
    returns how many are still open at the deadline. Closes them all."""
    left = set(socks)
    deadline = time.monotonic() + timeout
    while left and time.monotonic() < deadline:
        ready = []
        batch = list(left)
        for i in range(0, len(batch), 500):  # select() takes fds < 1024 only
            p = select.poll()
            for s in batch[i:i + 500]:
                p.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
            fdmap = {s.fileno(): s for s in batch[i:i + 500]}
            ready += [fdmap[fd] for fd, _ in p.poll(200)]
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                left.discard(s)
                s.close()
    for s in left:
        s.close()
    return len(left)


def cpu_seconds(pid):
    """User plus system CPU time the process has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_idle_flood_connection_limit():
    """2,000 connections that send nothing or half a request line, against
    http.max_connections=200: the server holds at most 200, closes the
    silent ones that keep others waiting and the rest after the idle
    timeout, and a visitor is answered meanwhile."""
    raise_fd_limit(4096)
    site, art, srv = hostile_site("idleflood")
    socks = flood(srv.port, 2000, half_every=10)
    try:
        check_normal(srv, ["/", art.url, "/healthz"], "during an idle flood")
        n = open_connections(srv)
        check(n <= LIMIT, "%d connections open, http.max_connections is %d" % (n, LIMIT))
        check_normal(srv, ["/"], "during an idle flood, again")
        left = wait_all_closed(socks, timeout=60)
        check_eq(left, 0, "flood connections the server did not close")
    finally:
        for s in socks:
            s.close()
    wait_for(lambda: open_connections(srv) <= 1, 10, what="open connections back to 1")
    check_normal(srv, ["/healthz", art.url], "after the flood")
    srv.stop()


def test_out_of_file_descriptors():
    """With fewer descriptors than connections, accept() fails with EMFILE:
    the server pauses accepting instead of spinning, logs it once, and
    still answers visitors."""
    raise_fd_limit(4096)
    site, art, srv = hostile_site("emfile", settings=("http.idle_timeout_ms=%d" % IDLE_MS,))
    pid = srv.proc.pid
    in_use = len(os.listdir("/proc/%d/fd" % pid))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (in_use + 100, hard))
    socks = flood(srv.port, 1000, half_every=10)
    try:
        # A loop retrying accept() at once would use a whole core.
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(2)
        cpu, wall = cpu_seconds(pid) - cpu0, time.monotonic() - t0
        check(cpu < wall / 2, "server used %.1f s of CPU in %.1f s out of descriptors"
              % (cpu, wall))
        check_normal(srv, ["/", art.url, "/healthz"], "out of descriptors")
        check("cannot accept connections" in srv.stderr(), "no out-of-descriptors warning")
        check_eq(wait_all_closed(socks, timeout=60), 0,
                 "flood connections the server did not close")
    finally:
        for s in socks:
            s.close()
    warnings = len(re.findall("cannot accept connections", srv.stderr()))
    check(warnings <= 2, "%d out-of-descriptors warnings: one per loop, not per accept"
          % warnings)
    check_normal(srv, ["/healthz", art.url], "after the flood")
    srv.stop()


class Visitor(threading.Thread):
    """Requests the pages in turn every `interval` seconds until stopped;
    keeps the failures."""

    def __init__(self, srv, paths, interval=0.2):
        super().__init__(daemon=True)
        self.srv, self.paths, self.interval = srv, paths, interval
        self.done = threading.Event()
        self.ok = 0
        self.failures = []

    def run(self):
        i = 0
        while not self.done.is_set():
            path = self.paths[i % len(self.paths)]
            status, _ = normal_get(self.srv, path)
            if status == 200:
                self.ok += 1
            else:
                self.failures.append("GET %s: %s" % (path, status))
            i += 1
            self.done.wait(self.interval)

    def stop(self):
        self.done.set()
        self.join(NORMAL_TIMEOUT + 5)


def test_slowloris():
    """slowhttptest's slowloris (headers sent a few bytes a second on 500
    connections) while a visitor requests a page every 0.2 s: every visit
    is answered."""
    tool = shutil.which("slowhttptest")
    check(tool, "slowhttptest is not installed (scripts/deps.sh installs it)")
    site, art, srv = hostile_site("slowloris")
    visitor = Visitor(srv, ["/", art.url, "/healthz"])
    visitor.start()
    try:
        # -l bounds the run; it also ends when the server closed them all.
        p = subprocess.run([tool, "-c", "500", "-H", "-i", "1", "-r", "200", "-t", "GET",
                            "-u", "http://127.0.0.1:%d/" % srv.port, "-x", "24", "-p", "3",
                            "-l", "10"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    finally:
        visitor.stop()
    out = p.stdout.decode("utf-8", "replace")
    check_eq(p.returncode, 0, "slowhttptest exit status\n%s" % out[-2000:])
    check("SLOW HEADERS" in out, "slowhttptest did not run a slowloris test\n%s" % out[-2000:])
    check_eq(visitor.failures, [], "visits that failed during slowloris")
    check(visitor.ok >= 5, "only %d visits during slowloris" % visitor.ok)
    check_normal(srv, ["/healthz", art.url], "after slowloris")
    srv.stop()


def raw(srv, data, quiet=1.0):
    resps, _ = srv.raw(data, quiet=quiet)
    check(resps, "no response to %r" % data[:80])
    return resps[0].status


def test_oversized_and_odd_requests():
    """Requests far over the limits, deep paths, double-encoded traversal:
    4xx answers, no crash."""
    # max_uri raised so that deep /assets/ paths reach the assets handler.
    site, art, srv = hostile_site("oversized", settings=SMALL_LIMITS + ("http.max_uri=65536",))
    check_eq(raw(srv, "GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("a" * 100000)), 414,
             "100 KB request target")
    big = "".join("X-Big-%d: %s\r\n" % (i, "h" * 10000) for i in range(10))
    check_eq(raw(srv, "GET / HTTP/1.1\r\nHost: x\r\n%s\r\n" % big), 431, "100 KB of headers")
    many = "".join("X-H%d: %s\r\n" % (i, "v" * 95) for i in range(1000))
    check(raw(srv, "GET / HTTP/1.1\r\nHost: x\r\n%s\r\n" % many) in (400, 431),
          "1,000 header fields")
    # A body over the default max_body (1 MiB), actually sent.
    body = "b" * (2 << 20)
    check_eq(raw(srv, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(body), body)), 413, "2 MiB body")
    for path in ["/assets/" + "a/" * 4000 + "style.css",
                 "/assets/" + "../" * 4000 + "etc/passwd",
                 "/assets/" + "%2e%2e/" * 4000 + "etc/passwd",
                 "/" + "x/" * 4000]:
        status = raw(srv, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
        check(400 <= status < 500, "%d-byte path %s...: status %d" % (len(path), path[:20], status))
    for path in ["/assets/%252e%252e/%252e%252e/etc/passwd",
                 "/%252e%252e/%252e%252e/etc/passwd",
                 "/assets/%252e%252e%252fstyle.css"]:
        status = raw(srv, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
        check_eq(status, 404, "double-encoded traversal %s" % path)
    check_normal(srv, ["/healthz", art.url, "/assets/style.css"], "after oversized requests")
    srv.stop()
