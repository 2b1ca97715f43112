"""The HTTP layer: conditional GET, content negotiation, HEAD, limits,
malformed requests, methods, smuggling, security headers, keep-alive."""

import gzip
import subprocess

from harness import (BROWSER_UA, RawConn, Site, check, check_eq, wait_for)

ARTICLE_BODY = "\n\n".join(
    "Paragraph %d: the quick brown fox jumps over the lazy dog, again and again." % i
    for i in range(30))


def small_site(name, **serve_kw):
    site = Site(name)
    art = site.new("An article", ARTICLE_BODY, summary="The summary", at="2025-05-05T10:00Z")
    site.new("Another article", "another body", at="2025-05-06T10:00Z")
    return site, art, site.serve(**serve_kw)


def raw_one(srv, request, head=False):
    """Sends one request with Connection: close on a raw socket; returns the
    response and the bytes that followed it before EOF."""
    c = RawConn(srv.port)
    try:
        c.send(request)
        r = c.response(head=head)
        check(r is not None, "no response to %r" % request[:60])
        rest = c.read_all()
        return r, rest
    finally:
        c.close()


# ---- conditional GET ------------------------------------------------------------

def test_etag_304_flow():
    site, art, srv = small_site("etag")
    r = srv.get(art.url)
    check_eq(r.status, 200, "GET article")
    etag = r.header("etag")
    # Weak: the identity, gzip and brotli variants share it.
    check(etag and etag.startswith('W/"') and etag.endswith('"'), "weak quoted ETag: %r" % etag)
    check_eq(srv.get(art.url).header("etag"), etag, "ETag stable across GETs")

    # 304 with no body: read to EOF on a raw socket to see every byte sent.
    req = ("GET %s HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\nConnection: close\r\n\r\n"
           % (art.url, etag))
    r304, rest = raw_one(srv, req, head=True)
    check_eq(r304.status, 304, "If-None-Match with the ETag")
    check_eq(rest, b"", "bytes after the 304 headers")
    check_eq(r304.header("etag"), etag, "ETag on the 304")
    for inm in (etag[2:], "\"nope\", " + etag, "*"):  # strong form matches too
        check_eq(srv.get(art.url, headers={"If-None-Match": inm}).status, 304,
                 "If-None-Match: %s" % inm)
    for inm in ('"0000000000000000"', etag[:-2] + '"', etag + "x"):
        r = srv.get(art.url, headers={"If-None-Match": inm})
        check_eq(r.status, 200, "If-None-Match: %s" % inm)
        check("An article" in r.text, "body of the 200")

    # The home page has its own ETag and 304 too.
    home = srv.get("/")
    check(home.header("etag") and home.header("etag") != etag, "home ETag")
    check_eq(srv.get("/", headers={"If-None-Match": home.header("etag")}).status, 304,
             "home 304")

    # An edit changes the ETag (within about a second) and the page.
    site.edit(art.id, title="An edited article")
    r2 = wait_for(lambda: (lambda r: r if r.header("etag") != etag else None)(
        srv.get(art.url)), 1.5, interval=0.05, what="a new ETag after the edit")
    check_eq(r2.status, 200, "GET after edit")
    check("An edited article" in r2.text, "new title on the page")
    check_eq(srv.get(art.url, headers={"If-None-Match": etag}).status, 200,
             "old ETag after the edit")
    check_eq(srv.get(art.url, headers={"If-None-Match": r2.header("etag")}).status, 304,
             "new ETag after the edit")
    # The blocks on other pages show the new title as well.
    wait_for(lambda: "An edited article" in srv.get("/").text, 1.5,
             what="the new title on the home page")


def test_304_has_no_wrong_content_length():
    """RFC 9110 8.6: a 304 MUST NOT carry a Content-Length unless it equals
    the length of the 200's content."""
    site, art, srv = small_site("304cl")
    for path in (art.url, "/", "/assets/style.css"):
        r = srv.get(path)
        r304 = srv.get(path, headers={"If-None-Match": r.header("etag")})
        check_eq(r304.status, 304, "%s 304" % path)
        cl = r304.header("content-length")
        check(cl is None or int(cl) == len(r.body),
              "%s: 304 has Content-Length: %s, the 200 has %d bytes" % (path, cl, len(r.body)))


# ---- content negotiation -------------------------------------------------------------

def brotli_decode(data):
    p = subprocess.run(["brotli", "-d", "-c"], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=20)
    check(p.returncode == 0, "brotli -d failed: %s" % p.stderr.decode())
    return p.stdout


def check_length_framing(r, what):
    cl = r.header("content-length")
    check(cl is not None, "%s: no Content-Length" % what)
    check_eq(int(cl), len(r.body), "%s: Content-Length vs body" % what)
    check(r.header("transfer-encoding") is None,
          "%s: Transfer-Encoding %r" % (what, r.header("transfer-encoding")))


def test_compression_negotiation():
    site, art, srv = small_site("encoding")
    for path in (art.url, "/"):
        ident = srv.get(path)
        check_eq(ident.status, 200, path)
        check_eq(ident.header("content-encoding"), None, "%s without Accept-Encoding" % path)
        check_length_framing(ident, path + " identity")
        check("Accept-Encoding".lower() in (ident.header("vary") or "").lower(),
              "%s: Vary: %r" % (path, ident.header("vary")))
        cases = [
            ("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br"),
            ("gzip, deflate, br, zstd", "br"), ("br;q=0, gzip", "gzip"),
            ("gzip;q=0, br;q=0", None), ("gzip;q=0", None), ("br;q=0.0", None),
            ("identity", None), ("deflate", None), ("GZIP", "gzip"), ("", None),
            ("br;q=0.5", "br"),
        ]
        for ae, want in cases:
            r = srv.get(path, headers={"Accept-Encoding": ae})
            what = "%s with Accept-Encoding %r" % (path, ae)
            check_eq(r.status, 200, what)
            check_eq(r.header("content-encoding"), want, what)
            check("accept-encoding" in (r.header("vary") or "").lower(), what + ": Vary")
            check_length_framing(r, what)
            if want == "br":
                body = brotli_decode(r.body)
            elif want == "gzip":
                body = gzip.decompress(r.body)
            else:
                body = r.body
            check_eq(body, ident.body, what + ": decoded body")
            if want:
                check(len(r.body) < len(ident.body), what + ": not smaller")


# ---- HEAD --------------------------------------------------------------------------

def comparable(headers):
    # Each response has its own request id (tests/http/test_observability.py).
    return sorted((k, v) for k, v in headers if k not in ("date", "x-request-id"))


def test_head_same_headers_no_body():
    site, art, srv = small_site("head")
    for path, ae in ((art.url, None), (art.url, "br"), (art.url, "gzip"), ("/", "gzip"),
                     ("/assets/style.css", None), ("/2025/05/missing", None),
                     ("/healthz", None)):
        extra = "Accept-Encoding: %s\r\n" % ae if ae else ""
        get, _ = raw_one(srv, "GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n"
                         % (path, extra))
        head, rest = raw_one(srv, "HEAD %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n"
                             % (path, extra), head=True)
        what = "HEAD %s (%s)" % (path, ae)
        check_eq(head.status, get.status, what + ": status")
        check_eq(comparable(head.headers), comparable(get.headers), what + ": headers")
        check_eq(rest, b"", what + ": body bytes")
        check_eq(int(head.header("content-length")), len(get.body), what + ": Content-Length")


# ---- limits and malformed requests ------------------------------------------------

def test_413_body_too_large():
    site, art, srv = small_site("413", settings=("http.max_body=1024",))
    body = "a" * 2048
    resps, closed = srv.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
                            % (len(body), body))
    check(resps, "no response to an oversized body")
    check_eq(resps[0].status, 413, "POST 2 KB with max_body=1024")
    chunked = "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n%s\r\n0\r\n\r\n" \
        % (art.url, body)
    resps, closed = srv.raw(chunked)
    check(resps, "no response to an oversized chunked body")
    check_eq(resps[0].status, 413, "chunked POST 2 KB with max_body=1024")
    # Only announcing a large body is enough.
    resps, closed = srv.raw("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
    check(resps and resps[0].status == 413, "announced 100 MB body: %r" % resps)
    # Under the limit: not 413 (405, since pages take GET and HEAD only).
    resps, closed = srv.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                            "Connection: close\r\n\r\n0123456789")
    check_eq(resps[0].status, 405, "POST 10 bytes")
    check_eq(srv.get("/healthz").status, 200, "server still up")


def test_414_uri_too_long():
    site, art, srv = small_site("414")
    resps, _ = srv.raw("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("a" * 9000))
    check(resps, "no response to a 9000-byte target")
    check_eq(resps[0].status, 414, "9000-byte target, default max_uri 8 KiB")
    resps, _ = srv.raw("GET /?q=%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("a" * 9000))
    check(resps and resps[0].status == 414, "long query string: %r" % resps)
    srv.stop()
    srv = site.serve(settings=("http.max_uri=256",))
    resps, _ = srv.raw("GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % ("b" * 300))
    check_eq(resps[0].status, 414, "300-byte target, max_uri 256")
    resps, _ = srv.raw("GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % ("b" * 200))
    check_eq(resps[0].status, 404, "200-byte target, max_uri 256")


def test_431_headers_too_large():
    site, art, srv = small_site("431")
    resps, _ = srv.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % ("a" * 20000))
    check(resps, "no response to a 20 KB header")
    check_eq(resps[0].status, 431, "one 20 KB header")
    many = "".join("X-H%d: %s\r\n" % (i, "v" * 100) for i in range(200))
    resps, _ = srv.raw("GET / HTTP/1.1\r\nHost: x\r\n%s\r\n" % many)
    # h2o itself refuses more than 100 header fields with a 400.
    check(resps and resps[0].status in (400, 431), "200 headers of 100 bytes: %r" % resps)
    resps, _ = srv.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Ok: %s\r\nConnection: close\r\n\r\n"
                       % ("a" * 8000))
    check_eq(resps[0].status, 200, "one 8 KB header")


def test_400_malformed():
    site, art, srv = small_site("400")
    cases = [
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%4 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /% HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%%41 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http-no-slash HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
    ]
    for req in cases:
        resps, closed = srv.raw(req)
        check(resps, "%r: no response" % req)
        check_eq(resps[0].status, 400, repr(req))
        check_eq(len(resps), 1, "%r: responses" % req)
    check_eq(srv.get("/healthz").status, 200, "server still up")


def test_405_methods():
    site, art, srv = small_site("405")
    for path in ("/", art.url, "/page/1", "/assets/style.css", "/healthz"):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            body = "x=1" if method in ("POST", "PUT", "PATCH") else None
            r = srv.request(method, path, body=body)
            if path == "/page/1" and r.status == 404:
                continue  # /page/1 is not a page (the first page is /)
            what = "%s %s" % (method, path)
            check_eq(r.status, 405, what)
            allow = r.header("allow") or ""
            methods = {m.strip() for m in allow.split(",")}
            check("GET" in methods and "HEAD" in methods, "%s: Allow: %r" % (what, allow))
            check("POST" not in methods, "%s: Allow: %r" % (what, allow))


def test_request_smuggling_cl_te():
    """RFC 9112 6.3: a request with both Content-Length and Transfer-Encoding
    may be rejected or read by Transfer-Encoding, but the server MUST close
    the connection after responding to it. Anything after it on the same
    connection must not be answered. (h2o 2.2.5 reads the body by
    Transfer-Encoding and hides both headers from gazette, so the answer is
    not a 400; gazette closes every connection after a request with a body.
    When the chunked body is still incomplete, nothing is answered at all.)"""
    site, art, srv = small_site("smuggle")
    attacks = [
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
         "\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n"
         "\r\n5c\r\nGPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n"),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
         "\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"),
    ]
    for req in attacks:
        resps, closed = srv.raw(req)
        what = "CL+TE request %r" % req[:70]
        check(len(resps) <= 1, "%s: %d responses (%s): the request after it was answered "
              "on the same connection" % (what, len(resps),
                                          ", ".join(str(r.status) for r in resps)))
        check(closed or not resps, "%s: connection left open" % what)
        if resps:
            check(resps[0].status in (400, 405, 501) or resps[0].status == 200,
                  "%s: status %d" % (what, resps[0].status))


def test_request_smuggling_duplicate_content_length():
    """RFC 9110 8.6 / 9112 6.3: differing Content-Length values are an
    unrecoverable error: never answer what follows, and close. (h2o 2.2.5
    takes the first value and hides the headers; gazette answers the request
    it saw, 405 here, and closes the connection.)"""
    site, art, srv = small_site("dupcl")
    resps, closed = srv.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            "Content-Length: 45\r\n\r\nabcdeGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
    check(len(resps) <= 1, "differing Content-Length: %d responses (%s)"
          % (len(resps), ", ".join(str(r.status) for r in resps)))
    if resps:
        check(resps[0].status in (400, 405), "differing Content-Length: status %d"
              % resps[0].status)
    check(closed, "differing Content-Length: connection left open")


# ---- security headers ----------------------------------------------------------------

def test_security_headers():
    site, art, srv = small_site("sechdr")
    cases = [("GET", art.url, 200), ("GET", "/", 200), ("GET", "/assets/style.css", 200),
             ("GET", "/2025/05/missing", 404), ("GET", "/nothing-here", 404),
             ("HEAD", art.url, 200), ("POST", "/", 405), ("GET", "/healthz", 200)]
    for method, path, status in cases:
        r = srv.request(method, path)
        what = "%s %s" % (method, path)
        check_eq(r.status, status, what)
        csp = r.header("content-security-policy")
        check(csp, "%s: no Content-Security-Policy" % what)
        directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
        script = directives.get("script-src") or directives.get("default-src")
        check(script, "%s: CSP without script-src/default-src: %r" % (what, csp))
        check("'unsafe-inline'" not in script and "'unsafe-eval'" not in script,
              "%s: script policy %r" % (what, script))
        check("'unsafe-inline'" not in directives.get("default-src", ""),
              "%s: default-src %r" % (what, csp))
        check_eq((r.header("x-content-type-options") or "").lower(), "nosniff",
                 what + ": X-Content-Type-Options")
        check(r.header("referrer-policy"), "%s: no Referrer-Policy" % what)
    # The pages have no inline script the policy would block anyway.
    for path in (art.url, "/"):
        text = srv.get(path).text
        check("<script>" not in text.lower() and " onload=" not in text.lower(),
              "%s: inline script in the page" % path)


# ---- keep-alive --------------------------------------------------------------------

def test_keepalive_100_requests():
    site, art, srv = small_site("keepalive")
    c = srv.conn()
    paths = [(art.url, 200), ("/", 200), ("/assets/style.css", 200), ("/healthz", 200),
             ("/2025/05/missing", 404)]
    sock = None
    for i in range(100):
        path, status = paths[i % len(paths)]
        ae = ("br", "gzip", None)[i % 3]
        r = srv.get(path, conn=c, headers={"Accept-Encoding": ae} if ae else None,
                    ua=BROWSER_UA if i % 2 else None)
        what = "request %d (%s)" % (i, path)
        check_eq(r.status, status, what)
        check_length_framing(r, what)
        check((r.header("connection") or "").lower() != "close", what + ": Connection: close")
        check(c.sock is not None, what + ": connection closed by the server")
        if sock is None:
            sock = c.sock
        check(c.sock is sock, what + ": a new connection was opened")
    c.close()
    # Pipelined on a raw socket: 20 requests sent at once, answered in order.
    rc = RawConn(srv.port)
    reqs = "".join("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % paths[i % 5][0] for i in range(20))
    rc.send(reqs)
    for i in range(20):
        r = rc.response()
        check(r is not None, "pipelined response %d missing" % i)
        check_eq(r.status, paths[i % 5][1], "pipelined response %d" % i)
        check_length_framing(r, "pipelined response %d" % i)
    rc.close()
