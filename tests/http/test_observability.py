"""What an operator observes: the access log (combined format plus request
id and response time), request ids, the error log, SIGHUP (log reopening and
theme reload), /metrics in the Prometheus text format, and /readyz."""

import os
import re
import signal
import subprocess

import harness
from harness import (BROWSER_UA, RawConn, Site, block, check, check_eq, sanitizer_env,
                     wait_for)

# host ident authuser [date] "request" status bytes "referer" "user-agent" id seconds
ACCESS_LINE = re.compile(
    r'^(?P<host>\S+) - - \[(?P<date>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'"(?P<method>\S+) (?P<target>\S+) (?P<proto>HTTP/\d\.\d)" (?P<status>\d{3}) '
    r'(?P<bytes>\d+) "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)" '
    r'(?P<id>\S+) (?P<seconds>\d+\.\d{6})$')
OUR_ID = re.compile(r"^[0-9a-f]{10}-[0-9a-f]+-[0-9a-f]+$")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def access_lines(path):
    out = []
    for line in read(path).splitlines():
        m = ACCESS_LINE.match(line)
        check(m, "access log line not in the combined format: %r" % line)
        out.append(m.groupdict())
    return out


def wait_lines(path, pred, what):
    """Waits until some access line satisfies pred; returns it."""
    def find():
        for d in access_lines(path):
            if pred(d):
                return d
        return None
    return wait_for(find, 5.0, what=what)


def run(*args):
    p = subprocess.run([harness.GAZETTE] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sanitizer_env(), timeout=60)
    err = p.stderr.decode()
    check(harness.sanitizer_report(err) is None, "sanitizer report: %s" % err)
    return p.returncode, err


# ---- access log and request ids -------------------------------------------------

def test_access_log_combined_format():
    site = Site("accesslog")
    art = site.new("Logged story", "Body.", publish=True)
    log = os.path.join(site.dir, "access.log")
    srv = site.serve(settings=["log.access=" + log])
    page = srv.get(art.url, ua=BROWSER_UA,
                   headers={"Referer": "https://example.org/from", "X-Request-Id": "client-7"})
    check_eq(page.status, 200, "article")
    d = wait_lines(log, lambda d: d["id"] == "client-7", "the article's line")
    check_eq(d["host"], "127.0.0.1", "host")
    check_eq((d["method"], d["target"], d["proto"]), ("GET", art.url, "HTTP/1.1"),
             "request line")
    check_eq(d["status"], "200", "status")
    check_eq(int(d["bytes"]), len(page.body), "bytes")
    check_eq(d["referer"], "https://example.org/from", "referer")
    check_eq(d["ua"], BROWSER_UA, "user agent")

    missing = srv.get("/no/such/page?q=1", ua='Evil "agent"\t1')
    rid = missing.header("x-request-id")
    d = wait_lines(log, lambda d: d["id"] == rid, "the 404's line")
    check_eq((d["status"], int(d["bytes"])), ("404", len(missing.body)), "404 status/bytes")
    check_eq(d["target"], "/no/such/page?q=1", "target with query")
    # Quotes and control characters in what the client sent are escaped.
    check_eq(d["ua"], 'Evil \\"agent\\"\\x091', "escaped user agent")
    check_eq(d["referer"], "-", "no referer")

    head = srv.head("/")
    d = wait_lines(log, lambda d: d["id"] == head.header("x-request-id"), "the HEAD's line")
    check_eq((d["method"], d["status"], d["bytes"]), ("HEAD", "200", "0"), "HEAD line")

    # A request h2o answers by itself (a body over http.max_body) is logged too.
    srv.stop()
    srv = site.serve(settings=["log.access=" + log, "http.max_body=100"])
    big = srv.request("POST", "/", body="x" * 5000)
    check_eq(big.status, 413, "body over max_body")
    wait_lines(log, lambda d: d["status"] == "413" and d["method"] == "POST", "the 413's line")
    srv.stop()
    for d in access_lines(log):
        check(float(d["seconds"]) < 60, "response time in seconds: %r" % d["seconds"])


def test_access_log_off_and_stdout():
    site = Site("accesslogoff")
    srv = site.serve()  # log.access defaults to off
    srv.get("/", headers={"X-Request-Id": "not-logged-anywhere"})
    srv.stop()
    check("not-logged-anywhere" not in srv.stderr(), "no access log by default")
    srv = site.serve(settings=["log.access=stdout"])
    srv.get("/", headers={"X-Request-Id": "to-stdout-1"})
    srv.stop()  # the shutdown writes what is buffered
    lines = [ln for ln in srv.stderr().splitlines() if "to-stdout-1" in ln]
    check_eq(len(lines), 1, "one stdout line for the request")
    check(ACCESS_LINE.match(lines[0]), "stdout line format: %r" % lines[0])


def test_request_ids_unique_and_client_ids_checked():
    site = Site("reqid")
    log = os.path.join(site.dir, "access.log")
    srv = site.serve(threads=2, settings=["log.access=" + log])
    ids = []
    c = srv.conn()
    for i in range(40):
        r = srv.get("/healthz" if i % 2 else "/", conn=c if i % 3 else None)
        ids.append(r.header("x-request-id"))
    c.close()
    for i in ids:
        check(i and OUR_ID.match(i), "generated id format: %r" % i)
    check_eq(len(set(ids)), len(ids), "ids are unique")
    # Ids are set on errors too.
    check(OUR_ID.match(srv.get("/nope").header("x-request-id") or ""), "id on a 404")

    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    check_eq(srv.get("/", headers={"X-Request-Id": uuid}).header("x-request-id"), uuid,
             "a well-formed client id is kept")
    bad = ["has spaces in it", "a" * 500, "semi;colon", "quote\"d"]
    for value in bad:
        got = srv.get("/", headers={"X-Request-Id": value}).header("x-request-id")
        check(got != value and OUR_ID.match(got or ""),
              "client id %r replaced, got %r" % (value[:40], got))
    # A CR/LF smuggling attempt, sent raw: the header cannot inject a line.
    conn = RawConn(srv.port)
    conn.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc%0D%0Ax-injected: 1\r\n"
              "Connection: close\r\n\r\n")
    r = conn.response()
    conn.close()
    check(r.header("x-injected") is None, "no injected header")
    check(OUR_ID.match(r.header("x-request-id") or ""), "smuggling id replaced: %r"
          % r.header("x-request-id"))
    # The access log carries the ids the responses carried.
    for rid in [uuid] + ids[:5]:
        wait_lines(log, lambda d, rid=rid: d["id"] == rid, "line with id %s" % rid)
    srv.stop()
    logged = {d["id"] for d in access_lines(log)}
    check(not logged & set(bad), "rejected ids are not logged as ids")
    check(all(OUR_ID.match(i) or i in (uuid, "client-7") for i in logged),
          "every logged id is ours or the kept one: %r" % sorted(logged)[:5])


def test_error_log_file_levels_and_request_id():
    site = Site("errorlog")
    elog = os.path.join(site.dir, "error.log")
    srv = site.serve(settings=["log.error=" + elog, "log.level=debug"])
    srv.get("/some/where", headers={"X-Request-Id": "trace-me-1"})
    line = wait_for(lambda: [ln for ln in read(elog).splitlines() if "trace-me-1" in ln],
                    5.0, what="a debug line with the request id")[0]
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[debug\] \[req trace-me-1\] "
                   r"GET /some/where$", line), "debug line: %r" % line)
    check("serving" in read(elog), "start-up line in the file")
    srv.stop()
    check("serving" not in srv.stderr(), "nothing on stderr but sanitizer output")
    # At the default level (info), per-request debug lines are dropped.
    srv = site.serve(settings=["log.error=" + elog])
    srv.get("/", headers={"X-Request-Id": "quiet-2"})
    srv.stop()
    check("quiet-2" not in read(elog), "debug lines dropped at level info")
    rc, err = run("serve", "--db", site.db, "--port", harness.free_port(),
                  "--set", "log.level=loud")
    check(rc != 0 and "log.level" in err, "a bad level is refused: %d %r" % (rc, err))
    rc, err = run("serve", "--db", site.db, "--port", harness.free_port(),
                  "--set", "log.error=/nonexistent-dir/e.log")
    check(rc != 0 and "/nonexistent-dir/e.log" in err, "an unwritable log: %d %r" % (rc, err))


# ---- SIGHUP ----------------------------------------------------------------------

def test_sighup_reopens_log_files():
    site = Site("logrotate")
    alog = os.path.join(site.dir, "access.log")
    elog = os.path.join(site.dir, "error.log")
    srv = site.serve(settings=["log.access=" + alog, "log.error=" + elog])
    srv.get("/", headers={"X-Request-Id": "before-rotate"})
    wait_lines(alog, lambda d: d["id"] == "before-rotate", "line before the rotation")
    # What logrotate does: rename, then SIGHUP.
    os.rename(alog, alog + ".1")
    os.rename(elog, elog + ".1")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "theme reloaded" in read(elog), 5.0, what="a line in the new error log")
    for i in range(3):
        srv.get("/", headers={"X-Request-Id": "after-rotate-%d" % i})
    wait_lines(alog, lambda d: d["id"] == "after-rotate-2", "lines in the new access log")
    # A line still in a loop's buffer at the rotation (a request answered
    # just before it) may land in the new file; nothing after it may land in
    # the old one, and nothing is lost.
    check_eq(sorted(d["id"] for d in access_lines(alog) if d["id"].startswith("after")),
             ["after-rotate-0", "after-rotate-1", "after-rotate-2"], "new file's lines")
    old = [d["id"] for d in access_lines(alog + ".1")]
    check("before-rotate" in old and not any(i.startswith("after") for i in old),
          "old file keeps the old lines only: %r" % old)
    check(srv.running(), "SIGHUP does not stop the server")
    srv.stop()
    check("stopped" in read(elog), "the last lines go to the new file")


def test_sighup_reloads_theme():
    site = Site("themereload")
    art = site.new("Reloaded story", "Body.", publish=True)
    theme = os.path.join(site.dir, "theme")
    home = os.path.join(theme, "templates", "home.html")
    write(home, '{{> header.html}}<h1 class="marker">version one</h1>{{> footer.html}}')
    write(os.path.join(theme, "assets", "extra.css"), "body { color: teal }\n")
    srv = site.serve(extra=["--theme", theme])
    check("version one" in srv.get("/").text, "first theme")
    before = srv.get(art.url).text  # cached now, with the old assets version

    write(home, '{{> header.html}}<h1 class="marker">version two</h1>{{> footer.html}}')
    write(os.path.join(theme, "assets", "extra.css"), "body { color: navy }\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "version two" in srv.get("/").text, 5.0, what="the new template")
    check_eq(srv.get("/assets/extra.css").body, b"body { color: navy }\n", "new asset")
    after = srv.get(art.url).text
    v = lambda html: re.findall(r"\?v=([0-9a-f]+)", html)
    check(v(before) and v(after) and v(before) != v(after),
          "cached pages re-rendered with the new assets version: %r %r" % (v(before), v(after)))

    # A broken template: refused, logged, and the old theme keeps serving.
    write(home, "<ul>\n{{#articles}}\n<li>\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "theme reload" in srv.stderr() and "refused" in srv.stderr(), 5.0,
             what="the refusal in the error log")
    check("home.html:2: unclosed section 'articles'" in srv.stderr(),
          "the reason is logged:\n%s" % srv.stderr()[-2000:])
    for _ in range(3):
        r = srv.get("/")
        check_eq(r.status, 200, "home after a refused reload")
        check("version two" in r.text, "old theme kept")
    check_eq(srv.get("/assets/extra.css").body, b"body { color: navy }\n", "old assets kept")
    srv.stop()


# ---- /metrics ----------------------------------------------------------------------

NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_labels(s, where):
    """Parses `a="x",b="y"` (the text between the braces) strictly."""
    labels = {}
    i = 0
    while i < len(s):
        m = re.match(r"([^=]*)=\"", s[i:])
        check(m and LABEL_NAME.match(m.group(1)), "%s: bad label name at %r" % (where, s[i:]))
        name = m.group(1)
        i += m.end()
        value = []
        while True:
            check(i < len(s), "%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                check(i + 1 < len(s) and s[i + 1] in '\\"n', "%s: bad escape" % where)
                value.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]])
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                check(c != "\n", "%s: raw newline in a label value" % where)
                value.append(c)
                i += 1
        check(name not in labels, "%s: label %s twice" % (where, name))
        labels[name] = "".join(value)
        if i < len(s):
            check(s[i] == ",", "%s: expected ',' at %r" % (where, s[i:]))
            i += 1
    return labels


def parse_value(v, where):
    if v in ("+Inf", "-Inf", "NaN"):
        return float(v.replace("Inf", "inf"))
    check(re.match(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", v), "%s: bad value %r"
          % (where, v))
    return float(v)


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name


def parse_prometheus(text):
    """Parses the text exposition format 0.0.4 strictly. Returns
    {family: {"type", "help", "samples": [(name, labels, value)]}}."""
    check(text.endswith("\n"), "exposition ends with a newline")
    families, types, order = {}, {}, []
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d %r" % (n, line)
        check(line.strip() != "" and line == line.strip(), "%s: blank or padded" % where)
        if line.startswith("#"):
            parts = line.split(" ", 3)
            check(len(parts) >= 3 and parts[1] in ("HELP", "TYPE"), "%s: bad comment" % where)
            name = parts[2]
            check(NAME.match(name), "%s: bad metric name" % where)
            fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
            check(not fam["samples"], "%s: HELP/TYPE after its samples" % where)
            if parts[1] == "TYPE":
                check(len(parts) == 4 and parts[3] in TYPES, "%s: bad type" % where)
                check(fam["type"] is None, "%s: TYPE twice" % where)
                fam["type"] = types[name] = parts[3]
            else:
                check(len(parts) == 4 and parts[3], "%s: empty HELP" % where)
                check(fam["help"] is None, "%s: HELP twice" % where)
                fam["help"] = parts[3]
            if name not in order:
                order.append(name)
            current = name
            continue
        m = re.match(r"^([^{ ]+)(?:\{(.*)\})? (\S+)$", line)
        check(m, "%s: not `name{labels} value`" % where)
        name, labels, value = m.group(1), m.group(2), m.group(3)
        check(NAME.match(name), "%s: bad metric name" % where)
        fam_name = family_of(name, types)
        check(fam_name == current, "%s: sample outside its family's block" % where)
        fam = families[fam_name]
        check(fam["type"] and fam["help"], "%s: sample before HELP and TYPE" % where)
        fam["samples"].append((name, parse_labels(labels or "", where),
                               parse_value(value, where)))
    for name, fam in families.items():
        check(fam["type"] and fam["help"], "%s: HELP and TYPE both given" % name)
        if fam["type"] == "histogram":
            check_histogram(name, fam["samples"])
    return families


def check_histogram(name, samples):
    series = {}
    for sname, labels, value in samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        s = series.setdefault(key, {"buckets": [], "sum": None, "count": None})
        if sname == name + "_bucket":
            check("le" in labels, "%s: bucket without le" % name)
            s["buckets"].append((parse_value(labels["le"], name), value))
        elif sname == name + "_sum":
            s["sum"] = value
        elif sname == name + "_count":
            s["count"] = value
    check(series, "%s: no series" % name)
    for key, s in series.items():
        b = s["buckets"]
        check(b and s["sum"] is not None and s["count"] is not None,
              "%s%r: buckets, _sum and _count" % (name, key))
        les = [le for le, _ in b]
        check(les == sorted(les) and len(set(les)) == len(les), "%s: le ascending" % name)
        check(les[-1] == float("inf"), "%s: last bucket is +Inf" % name)
        counts = [c for _, c in b]
        check(counts == sorted(counts), "%s%r: buckets cumulative: %r" % (name, key, counts))
        check_eq(counts[-1], s["count"], "%s%r: +Inf bucket equals _count" % (name, key))
        check(s["sum"] >= 0, "%s: _sum >= 0" % name)


def scrape(srv):
    r = srv.get("/metrics")
    check_eq(r.status, 200, "/metrics")
    check_eq(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8",
             "exposition content type")
    check_eq(r.header("cache-control"), "no-store", "never cached")
    return parse_prometheus(r.text)


def sample(fams, name, **labels):
    fam = fams.get(family_of(name, {k: v["type"] for k, v in fams.items()}))
    check(fam is not None, "metric %s missing" % name)
    total = 0.0
    for sname, lab, value in fam["samples"]:
        if sname == name and all(lab.get(k) == v for k, v in labels.items()):
            total += value
    return total


def test_metrics_strict_and_moving():
    site = Site("metrics")
    art = site.new("Counted story", "Body.", publish=True)
    srv = site.serve(threads=2)
    m0 = scrape(srv)
    for name, typ in [("gazette_requests_total", "counter"),
                      ("gazette_request_duration_seconds", "histogram"),
                      ("gazette_page_cache_hits_total", "counter"),
                      ("gazette_page_cache_misses_total", "counter"),
                      ("gazette_page_renders_total", "counter"),
                      ("gazette_page_cache_pages", "gauge"),
                      ("gazette_page_cache_bytes", "gauge"),
                      ("gazette_views_counted_total", "counter"),
                      ("gazette_views_flushed_total", "counter"),
                      ("gazette_view_flush_duration_seconds", "histogram"),
                      ("gazette_store_query_duration_seconds", "histogram"),
                      ("gazette_page_render_duration_seconds", "histogram"),
                      ("gazette_open_connections", "gauge"),
                      ("gazette_process_resident_memory_bytes", "gauge"),
                      ("gazette_build_info", "gauge")]:
        check(name in m0, "metric %s present" % name)
        check_eq(m0[name]["type"], typ, "type of %s" % name)
    check_eq(m0["gazette_build_info"]["samples"][0][1].keys() == {"version"}, True,
             "build_info label")
    check(sample(m0, "gazette_process_resident_memory_bytes") > 1 << 20, "RSS looks real")
    check(sample(m0, "gazette_store_query_duration_seconds_count", op="views_write") >= 0,
          "flusher write histogram")

    home0 = sample(m0, "gazette_requests_total", route="home", code="200")
    for _ in range(3):
        check_eq(srv.get("/").status, 200, "home")
    srv.get("/no/such/page")
    c = srv.conn()
    srv.view(art.url, 2, conn=c)        # two counted views
    srv.get(art.url, conn=c)            # a bot: not a view
    # A request is counted when h2o releases it, just after its response
    # went out, possibly on the other event loop: wait for the count.
    wait_for(lambda: sample(scrape(srv), "gazette_requests_total", route="article",
                            code="200") >= 3, 5.0, what="article requests counted")
    m1 = scrape(srv)
    c.close()
    check_eq(sample(m1, "gazette_requests_total", route="home", code="200") - home0, 3,
             "home requests counted")
    check(sample(m1, "gazette_requests_total", route="article", code="200") >= 3,
          "article requests counted")
    check(sample(m1, "gazette_requests_total", code="404") >= 1, "404 counted")
    check(sample(m1, "gazette_requests_total", route="metrics", code="200") >= 1,
          "the first scrape counted")
    check(sample(m1, "gazette_page_cache_hits_total")
          > sample(m0, "gazette_page_cache_hits_total"), "cache hits move")
    check(sample(m1, "gazette_page_renders_total") >= 2, "renders counted (home, article)")
    check(sample(m1, "gazette_page_cache_pages") >= 2, "pages in the cache")
    check(sample(m1, "gazette_page_cache_bytes") > 0, "cache bytes")
    check_eq(sample(m1, "gazette_views_counted_total")
             - sample(m0, "gazette_views_counted_total"), 2, "browser views counted")
    check(sample(m1, "gazette_open_connections") >= 2,
          "open connections (the kept-alive one and the scrape)")
    check(sample(m1, "gazette_request_duration_seconds_count")
          > sample(m0, "gazette_request_duration_seconds_count"), "durations observed")
    check(sample(m1, "gazette_page_render_duration_seconds_count") >= 2,
          "page renders timed")
    check(sample(m1, "gazette_store_query_duration_seconds_count", op="page_read") >= 2,
          "page render reads timed")
    wait_for(lambda: sample(scrape(srv), "gazette_views_flushed_total") >= 2, 5.0,
             what="views flushed")
    site.wait_views({art.id: 2})
    # Scraping is neither a view nor cached.
    check_eq(sample(scrape(srv), "gazette_views_counted_total"),
             sample(m1, "gazette_views_counted_total"), "scrapes are not views")
    check_eq(srv.get("/metrics", ua=BROWSER_UA).status, 200, "browser scrape")
    check_eq(sample(scrape(srv), "gazette_views_counted_total"),
             sample(m1, "gazette_views_counted_total"), "browser scrapes are not views")
    check_eq(srv.request("POST", "/metrics", body="").status, 405, "POST /metrics")
    srv.stop()


def test_metrics_refused_outside_allow_list():
    site = Site("metricsdeny")
    srv = site.serve(settings=["metrics.allow=10.0.0.0/8, ::2/128"])
    r = srv.get("/metrics")
    check_eq(r.status, 403, "/metrics from 127.0.0.1 outside the allow list")
    check_eq(r.header("content-type"), "text/plain; charset=utf-8", "a plain 403")
    check("gazette_" not in r.text and "<html" not in r.text.lower(),
          "no metrics and not the 404 page: %r" % r.text[:200])
    check_eq(srv.get("/healthz").status, 200, "other paths still served")
    srv.stop()
    rc, err = run("serve", "--db", site.db, "--port", harness.free_port(),
                  "--set", "metrics.allow=10.0.0.0/8, nonsense")
    check(rc != 0 and "metrics.allow" in err and "nonsense" in err,
          "a bad allow list is refused at start: %d %r" % (rc, err))


def test_readyz_and_healthz():
    site = Site("ready")
    srv = site.serve()
    r = srv.get("/readyz")
    check_eq((r.status, r.text), (200, "ready\n"), "/readyz")
    check_eq(r.header("cache-control"), "no-store", "readyz not cached")
    check_eq((srv.get("/healthz").status, srv.get("/healthz").text), (200, "ok\n"), "/healthz")
    check_eq(srv.head("/readyz").status, 200, "HEAD /readyz")
    check(sample(scrape(srv), "gazette_requests_total", route="health", code="200") >= 2,
          "readiness checks counted as health")
    srv.stop()


def test_sighup_reloads_configuration():
    site = Site("reconf")
    arts = [site.new("Story %d" % i, "body %d" % i, at="2025-01-0%dT10:00Z" % (i + 1))
            for i in range(4)]
    ini = os.path.join(site.dir, "site.ini")
    with open(ini, "w") as f:
        f.write("[site]\ntitle = Before Reload\n[blocks]\nnew_count = 3\n")
    srv = site.serve(extra=["--config", ini])
    home = srv.get("/").text
    check("Before Reload" in home, "title from the file")
    check_eq(len(block(home, "new-articles")), 3, "new_count from the file")

    # Change what can change without a restart, and one thing that cannot.
    with open(ini, "w") as f:
        f.write("[site]\ntitle = After Reload\n[blocks]\nnew_count = 2\n"
                "[cache]\nmax_mb = 7\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "After Reload" in srv.get("/").text, 5.0, what="the new title")
    page = srv.get(arts[0].url).text
    check("After Reload" in page, "article pages re-rendered with the new settings")
    check_eq(len(block(page, "new-articles")), 2, "new_count after the reload")
    wait_for(lambda: "cache.max_mb changed; it takes effect at the next restart"
             in srv.stderr(), 5.0, what="the restart-only warning")

    # A broken file is refused whole; the running settings stay.
    with open(ini, "w") as f:
        f.write("[site]\ntitle = Broken\n[blocks]\nnew_count = many\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "configuration reload refused" in srv.stderr(), 5.0,
             what="the refusal in the error log")
    check("blocks.new_count" in srv.stderr(), "the reason names the setting")
    home = srv.get("/").text
    check("After Reload" in home and "Broken" not in home, "settings kept after a bad reload")
    check(srv.running(), "a bad reload does not stop the server")
