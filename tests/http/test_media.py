"""Media: uploads through the admin (type from the bytes, size limit,
content-addressed storage, one row per file), the media library page,
deleting, and serving /media/ (long cache lifetime, ETag, 304, HEAD, no
path traversal). Images are built here, byte by byte."""

import base64
import hashlib
import os
import re
import struct
import zlib

from harness import Site, check, check_eq

PASSWORD = "correct horse battery"
BOUNDARY = "gzTestBoundary7MA4YWxkTrZu0gW"
MEDIA_URL = re.compile(r"/media/([0-9a-f]{2})/([0-9a-f]{64})\.(jpg|png|gif|webp)")


# ---- tiny images ------------------------------------------------------------

def png(w=1, h=1, pad=b""):
    """An RGB PNG; pad goes into a private ancillary chunk (to grow it)."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * w for _ in range(h))
    extra = chunk(b"tEXt", b"pad\x00" + pad) if pad else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def gif():
    """A 1x1 GIF89a, one white pixel."""
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;")


def jpeg(w=3, h=2):
    """A baseline greyscale JPEG, every block flat grey: DC difference 0 and
    an immediate end-of-block, each a one-bit Huffman code."""
    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)).replace(b"\xff", b"\xff\x00")
    return (b"\xff\xd8" + seg(0xe0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xdb, b"\x00" + b"\x01" * 64)
            + seg(0xc0, b"\x08" + struct.pack(">HH", h, w) + b"\x01\x01\x11\x00")
            + seg(0xc4, b"\x00\x01" + b"\x00" * 15 + b"\x00")
            + seg(0xc4, b"\x10\x01" + b"\x00" * 15 + b"\x00")
            + seg(0xda, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9")


def webp():
    """A 1x1 lossless WebP (VP8L)."""
    return base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


# ---- helpers ----------------------------------------------------------------

def multipart(fields=(), files=()):
    """(body, content type) of a multipart/form-data form: fields are
    (name, value) pairs, files (name, filename, content type, bytes)."""
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (BOUNDARY, name, value)).encode("utf-8"))
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (BOUNDARY, name, filename, ctype)).encode("utf-8")
                   + data + b"\r\n")
    out.append(("--%s--\r\n" % BOUNDARY).encode())
    return b"".join(out), "multipart/form-data; boundary=" + BOUNDARY


def upload(adm, data, filename, ctype="application/octet-stream", csrf=None):
    """POSTs a file as the upload form does; csrf None: the session's."""
    token = adm.csrf if csrf is None else csrf
    fields = [("_csrf", token)] if token is not False else []
    body, ct = multipart(fields, [("file", filename, ctype, data)])
    return adm.post_raw("/admin/media", body, ct)


def media_path(data, ext):
    h = hashlib.sha256(data).hexdigest()
    return "/media/%s/%s.%s" % (h[:2], h, ext)


def uploaded(adm, r, data, ext):
    """Checks an upload was accepted (303 to the library showing it) and
    returns its URL."""
    check(r.status == 303, "upload answered %d: %s" % (r.status, r.text[:800]))
    loc = r.header("location")
    check(re.match(r"^/admin/media\?uploaded=\d+$", loc or ""), "upload went to %r" % loc)
    page = adm.get(loc)
    check_eq(page.status, 200, "library after upload")
    url = media_path(data, ext)
    m = re.search(r'<section class="media-uploaded".*?</section>', page.text, re.S)
    check(m and url in m.group(0), "the uploaded file %s is not shown:\n%s" % (url, page.text[:3000]))
    return url


def media_rows(site):
    return site._query("SELECT sha256, mime, ext, size, width, height, name FROM media ORDER BY id")


def login_as(site, srv, name, role):
    site.add_user(name, role, password=PASSWORD)
    return srv.admin_login(name, PASSWORD)


def started(settings=()):
    site = Site("media")
    srv = site.serve(settings=settings)
    return site, srv


# ---- uploads ------------------------------------------------------------------

def test_upload_each_type():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    kinds = [(jpeg(3, 2), "photo.jpg", "image/jpeg", "jpg", 3, 2),
             (png(5, 4), "chart.png", "image/png", "png", 5, 4),
             (gif(), "anim.gif", "image/gif", "gif", 1, 1),
             (webp(), "pic.webp", "image/webp", "webp", 1, 1)]
    for data, name, mime, ext, w, h in kinds:
        url = uploaded(adm, upload(adm, data, name, mime), data, ext)
        # Stored by content under media.dir (relative to the working directory).
        with open(os.path.join(site.dir, url[1:]), "rb") as f:
            check(f.read() == data, "%s: the stored file differs" % name)
        r = srv.get(url)
        check_eq(r.status, 200, "GET " + url)
        check(r.body == data, "%s: served bytes differ from the upload" % name)
        check_eq(r.header("content-type"), mime, name + " content-type")
        check_eq(r.header("cache-control"), "public, max-age=31536000, immutable",
                 name + " cache-control")
        check_eq(r.header("etag"), '"%s"' % hashlib.sha256(data).hexdigest(), name + " etag")
        check_eq(r.header("x-content-type-options"), "nosniff", name + " nosniff")
    rows = media_rows(site)
    check_eq([(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows],
             [(k[2], k[3], len(k[0]), k[4], k[5], k[1]) for k in kinds], "media rows")


def test_type_comes_from_the_bytes():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    data = png(2, 2)
    # A PNG named .jpg and sent as image/jpeg is stored and served as a PNG.
    url = uploaded(adm, upload(adm, data, "holiday.jpg", "image/jpeg"), data, "png")
    check_eq(srv.get(url).header("content-type"), "image/png", "content-type")
    check_eq(media_rows(site)[0][1:3], ("image/png", "png"), "stored type")


def test_refuses_what_is_not_an_image():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    fakes = [(b"just some text\n", "notes.png", "image/png"),
             (b"<!doctype html><script>alert(document.cookie)</script>", "page.png", "image/png"),
             (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
              "logo.png", "image/svg+xml"),
             (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "x.gif",
              "image/gif"),
             (png()[:20], "cut.png", "image/png")]
    for data, name, ctype in fakes:
        r = upload(adm, data, name, ctype)
        check(r.status in (415, 422), "%s answered %d" % (name, r.status))
        check("JPEG, PNG, WebP or GIF" in r.text or "looks like a PNG" in r.text,
              "%s: no reason given: %s" % (name, r.text[:2000]))
    check_eq(media_rows(site), [], "rows after refusals")
    media = os.path.join(site.dir, "media")
    stored = [f for _, _, fs in os.walk(media) for f in fs] if os.path.isdir(media) else []
    check_eq(stored, [], "files after refusals")
    # No file chosen: the form is sent with an empty file part.
    r = upload(adm, b"", "", "application/octet-stream")
    check_eq(r.status, 422, "empty file field")
    check("Choose a file" in r.text, "empty file: " + r.text[:500])


def test_size_limit():
    site, srv = started(settings=["media.max_bytes=4096"])
    adm = login_as(site, srv, "ada", "admin")
    base = len(png(pad=b"x"))
    exact = png(pad=b"x" * (4096 - base + 1))
    check_eq(len(exact), 4096, "test image size")
    uploaded(adm, upload(adm, exact, "exact.png"), exact, "png")
    over = png(pad=b"y" * (4096 - base + 2))
    r = upload(adm, over, "over.png")
    check_eq(r.status, 413, "one byte over the limit")
    check("4097" in r.text and "4096" in r.text and "media.max_bytes" in r.text,
          "413 without a clear message: " + r.text[:2000])
    check_eq(len(media_rows(site)), 1, "rows")


def test_duplicate_upload_is_the_same_file():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    data = jpeg(16, 9)
    r1 = upload(adm, data, "first.jpg")
    url1 = uploaded(adm, r1, data, "jpg")
    r2 = upload(adm, data, "second-name.jpg")
    url2 = uploaded(adm, r2, data, "jpg")
    check_eq(url2, url1, "URL of the same bytes")
    check_eq(r2.header("location"), r1.header("location"), "library item")
    rows = media_rows(site)
    check_eq(len(rows), 1, "rows")
    check_eq(rows[0][6], "first.jpg", "the first name is kept")


# ---- serving ------------------------------------------------------------------

def test_conditional_get_and_head():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    data = png(7, 3)
    url = uploaded(adm, upload(adm, data, "a.png"), data, "png")
    etag = srv.get(url).header("etag")
    r = srv.get(url, headers={"If-None-Match": etag})
    check_eq(r.status, 304, "If-None-Match with the ETag")
    check_eq(r.body, b"", "304 body")
    check_eq(r.header("etag"), etag, "304 etag")
    check_eq(r.header("cache-control"), "public, max-age=31536000, immutable", "304 cache")
    check_eq(srv.get(url, headers={"If-None-Match": '"nope", ' + etag}).status, 304, "list")
    check_eq(srv.get(url, headers={"If-None-Match": '"other"'}).status, 200, "other etag")
    r = srv.head(url)
    check_eq(r.status, 200, "HEAD")
    check_eq(r.body, b"", "HEAD body")
    check_eq(r.header("content-length"), str(len(data)), "HEAD content-length")
    check_eq(r.header("content-type"), "image/png", "HEAD content-type")
    check_eq(srv.request("POST", url, body=b"x").status, 405, "POST to a file")


def test_no_path_traversal():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    data = gif()
    url = uploaded(adm, upload(adm, data, "a.gif"), data, "gif")
    h = hashlib.sha256(data).hexdigest()
    # Files a request must never reach, inside and next to the media folder.
    media = os.path.join(site.dir, "media")
    with open(os.path.join(media, h[:2], "notes.gif"), "wb") as f:
        f.write(data)
    marker = b"NOT-FOR-READERS-7f3a"
    with open(os.path.join(media, "hidden.png"), "wb") as f:
        f.write(marker)
    other = "ff" if h[:2] != "ff" else "ee"
    bad = ["/media/../site.db", "/media/%2e%2e/site.db", "/media/..%2fsite.db",
           "/media/%s/..%%2f..%%2fsite.db" % h[:2], "/media/hidden.png",
           "/media/%s/notes.gif" % h[:2], "/media/%s/%s.gif" % (other, h),
           "/media/%s/%s.GIF" % (h[:2], h), "/media/%s/%s.gif" % (h[:2].upper(), h.upper()),
           "/media/%s/%s.png" % (h[:2], h), "/media/%s/%s.svg" % (h[:2], h),
           "/media/%s/%s.gif/" % (h[:2], h), "/media/%s/%s.gif%%00.png" % (h[:2], h),
           "/media/%s//%s.gif" % (h[:2], h), "/media/%s/%s" % (h[:2], h), "/media/",
           "/media/%s/%s.gif.html" % (h[:2], h), "/media/%s/%s0.gif" % (h[:2], h),
           "/media/%s/%s.gif" % (h[:2], "0" * 64)]
    for path in bad:
        r = srv.get(path)
        check(r.status in (400, 404), "%s answered %d" % (path, r.status))
        check(marker not in r.body and r.body != data and b"SQLite format" not in r.body,
              "%s leaked a file" % path)
    check_eq(srv.get(url).status, 200, "the real file")


# ---- who may do what ------------------------------------------------------------

def test_roles():
    site, srv = started()
    con = login_as(site, srv, "cora", "contributor")
    aut = login_as(site, srv, "arno", "author")
    edi = login_as(site, srv, "eda", "editor")
    adm = login_as(site, srv, "ada", "admin")
    data = png(3, 3)
    r = upload(con, data, "c.png")
    check_eq(r.status, 403, "contributor upload")
    check_eq(con.get("/admin/media").status, 403, "contributor library")
    check_eq(media_rows(site), [], "rows after the contributor")
    url = uploaded(aut, upload(aut, data, "a.png"), data, "png")
    item = int(site._query("SELECT id FROM media")[0][0])
    page = aut.get("/admin/media")
    check_eq(page.status, 200, "author library")
    check(url in page.text, "author library lists the file")
    check("/admin/media/%d/delete" % item not in page.text, "author sees a delete button")
    # Authors may not delete; editors and admins may.
    check_eq(aut.post("/admin/media/%d/delete" % item, {}).status, 403, "author delete")
    check_eq(con.post("/admin/media/%d/delete" % item, {}).status, 403, "contributor delete")
    check_eq(srv.get(url).status, 200, "still served")
    page = edi.get("/admin/media")
    check('action="/admin/media/%d/delete"' % item in page.text, "editor sees delete")
    r = edi.post("/admin/media/%d/delete" % item, {})
    check_eq(r.status, 303, "editor delete")
    check_eq(media_rows(site), [], "rows after delete")
    check_eq(srv.get(url).status, 404, "deleted file served")
    check(not os.path.exists(os.path.join(site.dir, url[1:])), "the file was not removed")
    check_eq(edi.post("/admin/media/%d/delete" % item, {}).status, 404, "delete again")
    # An admin may delete too; GET of the delete path is refused.
    data2 = gif()
    uploaded(adm, upload(adm, data2, "b.gif"), data2, "gif")
    item2 = int(site._query("SELECT id FROM media")[0][0])
    check_eq(adm.get("/admin/media/%d/delete" % item2).status, 405, "GET delete")
    check_eq(adm.post("/admin/media/%d/delete" % item2, {}).status, 303, "admin delete")
    check_eq(media_rows(site), [], "rows after the admin's delete")


def test_csrf():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    data = png(4, 4)
    check_eq(upload(adm, data, "a.png", csrf=False).status, 403, "upload without _csrf")
    check_eq(upload(adm, data, "a.png", csrf="0" * 64).status, 403, "upload, wrong _csrf")
    check_eq(media_rows(site), [], "rows")
    uploaded(adm, upload(adm, data, "a.png"), data, "png")
    item = int(site._query("SELECT id FROM media")[0][0])
    path = "/admin/media/%d/delete" % item
    check_eq(adm.post(path, {}, csrf=False).status, 403, "delete without _csrf")
    # A delete sent as multipart (which the dispatcher does not check)
    # still needs the token.
    body, ct = multipart([("x", "1")])
    check_eq(adm.post_raw(path, body, ct).status, 403, "multipart delete without _csrf")
    check_eq(len(media_rows(site)), 1, "still there")
    # Not logged in at all.
    body, ct = multipart([("_csrf", adm.csrf)], [("file", "a.png", "image/png", data)])
    r = srv.request("POST", "/admin/media", body=body, headers={"Content-Type": ct})
    check_eq(r.status, 403, "upload without a session")


def test_bad_requests():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    # Not multipart (the token is right, so the dispatcher lets it through).
    check_eq(adm.post("/admin/media", {"file": "x"}).status, 415, "urlencoded upload")
    # Broken framing.
    r = adm.post_raw("/admin/media", b"--nope\r\n\r\n", "multipart/form-data; boundary=zz")
    check_eq(r.status, 400, "broken multipart")
    r = adm.post_raw("/admin/media", b"x", "multipart/form-data")
    check_eq(r.status, 400, "no boundary")
    # No file field.
    body, ct = multipart([("_csrf", adm.csrf)])
    check_eq(adm.post_raw("/admin/media", body, ct).status, 422, "no file field")
    check_eq(adm.get("/admin/media/nope").status, 404, "unknown page")
    check_eq(adm.get("/admin/media?page=0").status, 404, "page 0")


def test_library_page():
    site, srv = started()
    adm = login_as(site, srv, "ada", "admin")
    urls = []
    for i in range(26):
        data = png(i + 1, 2)
        urls.append(uploaded(adm, upload(adm, data, "img-%02d.png" % i), data, "png"))
    page = adm.get("/admin/media")
    check_eq(page.status, 200, "library")
    text = page.text
    # Newest first, 24 to a page, each with its URL, size, dimensions and
    # the Markdown to paste.
    check(urls[25] in text and urls[2] in text and urls[1] not in text, "first page")
    check("26×2" in text, "dimensions shown")
    check("![img-25](%s)" % urls[25] in text, "markdown snippet")
    check(re.search(r"\d+ bytes", text), "size shown")
    check('enctype="multipart/form-data"' in text and 'name="file"' in text, "upload form")
    check('name="_csrf" value="%s"' % adm.csrf in text, "form token")
    check("<script>" not in text.replace('<script src=', ''), "inline script")
    check('href="/admin/media?page=2"' in text, "link to page 2")
    page2 = adm.get("/admin/media?page=2")
    check(urls[1] in page2.text and urls[0] in page2.text and urls[25] not in page2.text,
          "second page")
    # Names are escaped in the page.
    data = gif()
    uploaded(adm, upload(adm, data, "<img src=x onerror=alert(1)>.gif"), data, "gif")
    text = adm.get("/admin/media").text
    check("<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text,
          "name escaped")
