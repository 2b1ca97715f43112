"""gazette import wxr: every WordPress export in ../shared/fixtures/wxr is
imported (or refused) with the outcome WordPress's own importer gives;
re-runs update, --dry-run and refused files write nothing, old addresses
answer 301, hostile HTML is sanitized on the page."""

import os
import sqlite3
import tempfile

from harness import BROWSER_UA, Site, check, check_eq

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "wxr"))
WPI = os.path.join(FIXTURES, "wordpress-importer")
TTD = os.path.join(FIXTURES, "theme-test-data")


def fixture(name):
    for d in (WPI, TTD):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise AssertionError("fixture %s missing: expected under %s "
                         "(the shared fixtures folder next to the repository)"
                         % (name, FIXTURES))


def q(site, sql, args=()):
    con = sqlite3.connect(site.db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def one(site, sql, args=()):
    rows = q(site, sql, args)
    check(len(rows) == 1, "%s: %d rows" % (sql, len(rows)))
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def dump(site):
    """Everything an import may write, to compare before and after."""
    tables = ["articles", "tags", "article_tags", "authors", "redirects",
              "import_keys", "revisions"]
    return {t: q(site, "SELECT * FROM %s ORDER BY 1" % t) for t in tables}


def imp(site, *names, expect_rc=0, extra=()):
    return site.cli("import", "wxr", *[fixture(n) for n in names], *extra,
                    expect_rc=expect_rc)


def count(site, table, where="1"):
    return one(site, "SELECT count(*) FROM %s WHERE %s" % (table, where))


def article(site, slug):
    return q(site, "SELECT title, status, published_at, summary, body_html, image "
                   "FROM articles WHERE slug = ?", (slug,))


def tag_parent(site, slug):
    return one(site, "SELECT p.slug FROM tags t LEFT JOIN tags p ON p.id = t.parent_id "
                     "WHERE t.slug = ?", (slug,))


EXPECTED_FILES = {
    "e2e_fixtures_wxr-base-url-rewriting.xml", "e2e_fixtures_wxr-comprehensive.xml",
    "e2e_fixtures_wxr-css-urls.xml", "e2e_fixtures_wxr-simple.xml",
    "phpunit_data_a11y-unit-test-data.xml", "phpunit_data_authors-multiline.xml",
    "phpunit_data_backslashes.xml", "phpunit_data_blank-lines.xml",
    "phpunit_data_cdata-edge.xml", "phpunit_data_chunked-meta.xml",
    "phpunit_data_crazy-cdata-escaped.xml", "phpunit_data_crazy-cdata.xml",
    "phpunit_data_invalid-version-tag.xml", "phpunit_data_large-authors.xml",
    "phpunit_data_malformed-simple.xml", "phpunit_data_malformed.xml",
    "phpunit_data_missing-tags.xml", "phpunit_data_missing-version-tag.xml",
    "phpunit_data_multiple-cdata.xml", "phpunit_data_namespace-edge-cases.xml",
    "phpunit_data_post-content-blank-lines.xml", "phpunit_data_slashes.xml",
    "phpunit_data_small-export.xml", "phpunit_data_term-formats.xml",
    "phpunit_data_term-meta.xml", "phpunit_data_test-serialized-comment-meta.xml",
    "phpunit_data_test-serialized-postmeta-no-cdata.xml",
    "phpunit_data_test-serialized-postmeta-with-cdata.xml",
    "phpunit_data_test-serialized-term-meta.xml",
    "phpunit_data_test-utw-post-meta-import.xml", "phpunit_data_theme-unit-test-data.xml",
    "phpunit_data_valid-wxr-1.0.xml", "phpunit_data_valid-wxr-1.1.xml",
    "phpunit_data_wxr-flat-attachment-different-site.xml",
    "phpunit_data_wxr-flat-attachment-same-site.xml", "phpunit_data_wxr-simple.xml",
    "phpunit_data_wxr-utf-8-challenges.xml", "phpunit_data_wxr-with-sub-data.xml",
    "64-block-test-data.xml", "theme-preview.xml", "themeunittestdata.wordpress.xml",
}
REFUSED = {
    "phpunit_data_malformed.xml": "",  # also has an invalid version: either is said
    "phpunit_data_malformed-simple.xml": "not well-formed",
    "phpunit_data_missing-version-tag.xml": "not a WXR file",
    "phpunit_data_invalid-version-tag.xml": "not a WXR file",
}


def test_import_wxr_every_fixture():
    check(os.path.isdir(FIXTURES), "fixtures missing: %s" % FIXTURES)
    found = set(os.listdir(WPI)) | set(os.listdir(TTD))
    check_eq(found, EXPECTED_FILES, "fixture files (a new one needs an expectation here)")
    for name in sorted(found):
        site = Site("wxr-all")
        before = dump(site)
        if name in REFUSED:
            site.cli("import", "wxr", fixture(name), expect_rc=1)
            check_eq(dump(site), before, "%s left the site as it was" % name)
        else:
            out = imp(site, name)
            check("imported" in out, "%s: report %r" % (name, out))


def test_import_wxr_refusals_name_line_and_column():
    site = Site("wxr-refuse")
    site.new("Existing", "kept", publish=True)
    before = dump(site)
    for name, reason in sorted(REFUSED.items()):
        p = fixture(name)
        cmd_err = None
        try:
            site.cli("import", "wxr", p, expect_rc=1)
        except AssertionError as e:  # pragma: no cover - explains the failure
            cmd_err = e
        check(cmd_err is None, str(cmd_err))
    # The error line: FILE:LINE:COLUMN: reason.
    import subprocess
    from harness import GAZETTE, sanitizer_env
    for name, reason in sorted(REFUSED.items()):
        p = fixture(name)
        r = subprocess.run([GAZETTE, "import", "wxr", "--db", site.db, p],
                           capture_output=True, env=sanitizer_env(), timeout=60)
        err = r.stderr.decode()
        check_eq(r.returncode, 1, "%s exit code" % name)
        first = err.splitlines()[0]
        prefix = p + ":"
        check(first.startswith(prefix), "%s: %r" % (name, first))
        line, col, rest = first[len(prefix):].split(":", 2)
        check(int(line) > 0 and int(col) >= 0, "%s: line/column in %r" % (name, first))
        check(reason in rest, "%s: reason %r" % (name, rest))
    err = subprocess.run([GAZETTE, "import", "wxr", "--db", site.db,
                          fixture("phpunit_data_malformed-simple.xml")],
                         capture_output=True, env=sanitizer_env()).stderr.decode()
    check(":13:" in err.splitlines()[0], "malformed-simple.xml fails at line 13: %r" % err)
    # A file that is not XML at all; a good file with a bad one: nothing.
    junk = os.path.join(site.dir, "junk.xml")
    with open(junk, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n not xml")
    site.cli("import", "wxr", junk, expect_rc=1)
    site.cli("import", "wxr", fixture("phpunit_data_valid-wxr-1.0.xml"),
             fixture("phpunit_data_malformed.xml"), expect_rc=1)
    check_eq(dump(site), before, "the site after refused imports")


def test_import_wxr_valid_1_0():
    site = Site("wxr-10")
    out = imp(site, "phpunit_data_valid-wxr-1.0.xml")
    check(out.startswith("6 imported"), out)
    check_eq(one(site, "SELECT name FROM tags WHERE slug = 'alpha'"), "alpha", "alpha")
    check_eq(tag_parent(site, "alpha"), None, "alpha has no parent")
    tid = one(site, "SELECT id FROM tags WHERE slug = 'alpha'")
    check_eq(one(site, "SELECT description FROM tags WHERE id = ?", (tid,)),
             "The alpha category", "alpha description")
    check(count(site, "tags", "slug = 'chicken'") == 1, "tag chicken")


def test_import_wxr_valid_1_1_and_terms():
    site = Site("wxr-11")
    out = imp(site, "phpunit_data_valid-wxr-1.1.xml")
    check(out.startswith("2 imported"), out)
    site = Site("wxr-terms")
    out = imp(site, "phpunit_data_term-formats.xml")
    check(out.startswith("0 imported"), out)
    check("skipped: 1 term of taxonomy custom-taxonomy" in out and
          "skipped: 1 term of taxonomy nav_menu" in out, out)
    check_eq(count(site, "tags"), 5, "2 categories and 3 tags")


def test_import_wxr_theme_unit_test_data():
    site = Site("wxr-ttd")
    out = imp(site, "themeunittestdata.wordpress.xml")
    first = out.splitlines()[0]
    check("updated" in first and "skipped" in first, out)
    # Nested categories three deep keep their parents.
    rows = q(site, "SELECT t.slug, p.slug, g.slug FROM tags t JOIN tags p ON p.id = t.parent_id "
                   "JOIN tags g ON g.id = p.parent_id")
    check(rows, "a category nested three deep")
    # Statuses: draft, scheduled, private and password-protected.
    statuses = dict(q(site, "SELECT status, count(*) FROM articles GROUP BY status"))
    check(statuses.get(0, 0) > 0, "drafts: %r" % statuses)
    check(statuses.get(3, 0) > 0, "unpublished (private, protected): %r" % statuses)
    check("password-protected" in out, "a note for protected posts: %r" % out)
    # <!--more--> is the teaser cut; shortcodes counted.
    check(" shortcodes dropped" in out, out)
    # Every published article answers on the site under its new address.
    srv = site.serve()
    slug, pub = one(site, "SELECT slug, published_at FROM articles WHERE status = 1 "
                          "AND published_at < strftime('%s','now') ORDER BY id LIMIT 1")
    import time
    ym = time.strftime("/%Y/%m/", time.gmtime(pub))
    from urllib.parse import quote
    check_eq(srv.get(quote(ym + slug), ua=BROWSER_UA).status, 200, "article page")


def test_import_wxr_cdata_and_blank_lines():
    for name in ("phpunit_data_crazy-cdata-escaped.xml", "phpunit_data_crazy-cdata.xml"):
        site = Site("wxr-cdata")
        imp(site, name)
        # The content as WordPress stores it (a browser then shows the
        # CDATA markup as a comment: the page keeps the text around it).
        src, html = one(site, "SELECT body_src, body_html FROM articles "
                              "WHERE slug = 'hello-world'")
        check("Content with nested <![CDATA[ tags ]]> :)" in src, "%s: %r" % (name, src))
        check("Content with nested" in html and "<script" not in html, html)
    site = Site("wxr-blank")
    imp(site, "phpunit_data_post-content-blank-lines.xml")
    # 3 newlines: one inside a paragraph (<br>), then a blank line.
    html = one(site, "SELECT body_html FROM articles")
    check_eq(html.count("<p>"), 2, "paragraphs in %r" % html)
    check_eq(html.count("<br>"), 1, "line breaks in %r" % html)
    check(html.startswith("<p>This is an example of a WordPress post.<br>"), html)


def test_import_wxr_utf8_namespaces_authors():
    site = Site("wxr-utf8")
    out = imp(site, "phpunit_data_wxr-utf-8-challenges.xml")
    check(out.startswith("1 imported"), out)
    slug = one(site, "SELECT slug FROM articles")
    check("💫" in slug, "emoji kept in the slug: %r" % slug)
    title = one(site, "SELECT title FROM articles")
    check("🌲" in title and "\u202e" in title, "astral and bidi characters kept: %r" % title)

    site = Site("wxr-ns")
    out = imp(site, "phpunit_data_namespace-edge-cases.xml")
    # wp: bound to other namespaces is not WordPress's: one real author,
    # one category, the hijacked item has no post type.
    check_eq(sorted(r[0] for r in q(site, "SELECT name FROM authors")), ["real_user"], "authors")
    check_eq([r[0] for r in q(site, "SELECT slug FROM tags")], ["new-version"], "terms")
    check(out.startswith("5 imported"), out)
    check("skipped: 1 item without a post type" in out, out)
    check(one(site, "SELECT count(*) FROM articles WHERE body_html LIKE '%&amp;lol1;%'") == 1,
          "entities in CDATA stay text")
    check_eq(one(site, "SELECT target FROM redirects WHERE path = '/?p=1'")[:1], "/",
             "first post_id wins")

    site = Site("wxr-authors")
    imp(site, "phpunit_data_large-authors.xml")
    check_eq(count(site, "authors", "pass_hash = ''"), 300, "300 authors without password")


def test_import_wxr_rerun_dry_run_redirects_and_hostile_html():
    site = Site("wxr-rerun")
    before = dump(site)
    out = imp(site, "phpunit_data_valid-wxr-1.0.xml", extra=("--dry-run",))
    check(out.startswith("dry run"), out)
    check_eq(dump(site), before, "--dry-run wrote nothing")
    imp(site, "phpunit_data_valid-wxr-1.0.xml")
    n = count(site, "articles")
    out = imp(site, "phpunit_data_valid-wxr-1.0.xml")
    check(out.startswith("0 imported") and " 6 updated" in out, out)
    check_eq(count(site, "articles"), n, "no duplicates")

    # A hostile post, a link to redirect, a featured image.
    path = os.path.join(site.dir, "hostile.xml")
    with open(path, "w") as f:
        f.write(HOSTILE)
    imp(site, path)
    srv = site.serve()
    r = srv.get("/2019/05/03/hostile-post/")
    check_eq(r.status, 301, "old link")
    loc = r.header("location")
    check(loc.endswith("/2019/05/hostile-post"), loc)
    page = srv.get(loc[loc.index("/2019"):], ua=BROWSER_UA)
    check_eq(page.status, 200, "new address")
    body = page.text
    check("alert(1)" not in body and "onerror" not in body and "javascript:" not in body,
          "hostile HTML sanitized")
    check("<p>Safe text</p>" in body, "content kept")
    check_eq(srv.get("/?p=77").status, 301, "/?p=ID")
    check_eq(srv.get("/?p=77").header("location"), loc, "same target")
    news = one(site, "SELECT slug FROM tags WHERE name = 'News'")
    check_eq(srv.get("/category/news/").header("location"), "/tag/" + news, "category URL")
    check_eq(srv.get("/tag/evil/").status, 301, "tag URL")
    check_eq(srv.get("/?p=999").status, 200, "an unknown ?p= is the home page")
    check_eq(srv.get("/no/such/page").status, 404, "not a redirect")
    check_eq(one(site, "SELECT image FROM articles WHERE slug = 'hostile-post'"),
             "http://old.example/wp-content/uploads/pic.jpg", "featured image")


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://old.example</wp:base_site_url>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
<item>
<title>Hostile post</title>
<link>http://old.example/2019/05/03/hostile-post/</link>
<dc:creator>mallory</dc:creator>
<content:encoded><![CDATA[Safe text

<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>77</wp:post_id>
<wp:post_date>2019-05-03 10:00:00</wp:post_date>
<wp:post_date_gmt>2019-05-03 10:00:00</wp:post_date_gmt>
<wp:post_name>hostile-post</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:post_password></wp:post_password>
<category domain="category" nicename="news"><![CDATA[News]]></category>
<category domain="post_tag" nicename="evil"><![CDATA[Evil]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>78</wp:meta_value></wp:postmeta>
</item>
<item>
<title>pic</title>
<wp:post_id>78</wp:post_id>
<wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>http://old.example/wp-content/uploads/pic.jpg</wp:attachment_url>
</item>
</channel>
</rss>
"""


# ---- --media: the files of wp-content/uploads -------------------------------

def tiny_png(shade):
    """A 1x1 PNG whose one pixel is grey `shade` (so files differ)."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, shade]))) + chunk(b"IEND", b""))


def tiny_jpeg(w, h):
    """The start of a baseline JPEG: enough for its type and size."""
    import struct
    return (b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
            + b"\xff\xd9")


TINY_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;")


def media_url(data, ext):
    import hashlib
    h = hashlib.sha256(data).hexdigest()
    return "/media/%s/%s.%s" % (h[:2], h, ext)


def uploads(root):
    """A copy of wp-content/uploads with real tiny images, a missing one, a
    text file, and a link out of it; {name: bytes} of what is in it."""
    d = os.path.join(root, "uploads")
    os.makedirs(os.path.join(d, "2020", "01"))
    files = {"2020/01/pic.png": tiny_png(0x80), "2020/01/photo.jpg": tiny_jpeg(1024, 768),
             "2020/01/photo-300x200.jpg": tiny_jpeg(300, 200),
             "2020/01/anim.gif": TINY_GIF, "2020/01/doc.pdf": b"%PDF-1.4 not an image\n",
             "2020/01/copy-of-pic.png": tiny_png(0x80)}
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    outside = os.path.join(root, "outside.png")
    with open(outside, "wb") as f:
        f.write(tiny_png(0x10))
    os.symlink(outside, os.path.join(d, "2020", "01", "escape.png"))
    return d, files


def media_export(path):
    with open(path, "w") as f:
        f.write(MEDIA_WXR)


def test_import_wxr_media():
    site = Site("wxr-media")
    d, files = uploads(site.dir)
    wxr = os.path.join(site.dir, "media.xml")
    media_export(wxr)
    media_dir = os.path.join(site.dir, "media")  # media.dir, relative to the site

    # --dry-run reads and checks the files, and writes none.
    out = site.cli("import", "wxr", wxr, "--media", d, "--dry-run")
    check(out.startswith("dry run") and "media: 4 imported, 1 reused, " in out, out)
    check(not os.path.exists(media_dir), "--dry-run wrote no file")
    check_eq(count(site, "media"), 0, "--dry-run left no row")

    out = site.cli("import", "wxr", wxr, "--media", d)
    # pic, photo, photo-300x200 and anim are new; copy-of-pic has pic's bytes.
    check("media: 4 imported, 1 reused, 6 skipped" in out, out)
    check("media skipped: 1 file missing" in out, out)
    check("media skipped: 1 not an image" in out, out)
    check("media skipped: 3 path leaves the uploads folder" in out, out)
    check("media skipped: 1 not in the export's uploads folder" in out, out)
    check("media 2020/01/missing.jpg: file missing" in out, out)
    check("media 2020/01/doc.pdf: not an image" in out, out)
    check("media 2020/01/escape.png: path leaves the uploads folder" in out, out)
    check("media ../../etc/passwd: path leaves the uploads folder" in out, out)
    # ../outside.png exists (next to the uploads): %2e%2e is refused all the same.
    check("media ../outside.png: path leaves the uploads folder" in out, out)
    check_eq(count(site, "media"), 4, "media rows")
    check_eq(count(site, "media", "name = 'passwd'"), 0, "nothing read outside")

    pic = media_url(files["2020/01/pic.png"], "png")
    photo = media_url(files["2020/01/photo.jpg"], "jpg")
    small = media_url(files["2020/01/photo-300x200.jpg"], "jpg")
    anim = media_url(files["2020/01/anim.gif"], "gif")
    src, html, image = one(site, "SELECT body_src, body_html, image FROM articles "
                                 "WHERE slug = 'with-pictures'")
    check('<img src="%s"' % pic in html, "img src rewritten: %r" % html)
    # srcset (dropped by the sanitizer, kept in the source): each entry its own file.
    check('srcset="%s 300w, %s 1024w"' % (small, photo) in src, src)
    # A resized copy that was not kept is its original.
    check('<a href="%s">' % photo in html, "resized copy → original: %r" % html)
    check('<a href="%s">' % anim in html, "a href rewritten: %r" % html)
    check("http://other.example/wp-content/uploads/2020/01/pic.png" in html,
          "another site's URL kept: %r" % html)
    check("http://old.example/wp-content/uploads/2020/01/missing.jpg" in html,
          "a missing file keeps its URL: %r" % html)
    check("http://old.example/wp-content/uploads/2020/01/doc.pdf" in html,
          "a non-image keeps its URL: %r" % html)
    check("http://old.example/wp-content/uploads/%2e%2e/outside.png" in src,
          "an encoded .. is not followed: %r" % src)
    check("http://old.example/wp-content/uploads/2020/01/escape.png" in src,
          "a link out of the folder is not followed: %r" % src)
    check_eq(image, pic, "featured image")
    check_eq(one(site, "SELECT image FROM articles WHERE slug = 'first-then-picture'"),
             photo, "featured image of an attachment read after its post")

    srv = site.serve()
    for url, name in ((pic, "2020/01/pic.png"), (small, "2020/01/photo-300x200.jpg"),
                      (anim, "2020/01/anim.gif")):
        r = srv.get(url)
        check_eq(r.status, 200, url)
        check_eq(r.body, files[name], "bytes served at %s" % url)
    r = srv.get("/wp-content/uploads/2020/01/pic.png")
    check_eq((r.status, r.header("location")), (301, pic), "old upload URL")
    page = srv.get("/2020/01/with-pictures", ua=BROWSER_UA)
    check_eq(page.status, 200, "article page")
    check('src="%s"' % pic in page.text, "the page shows the media URL")

    # A re-run reuses the rows and files, and rewrites the same way.
    rows = q(site, "SELECT id, sha256 FROM media ORDER BY id")
    out = site.cli("import", "wxr", wxr, "--media", d)
    check("media: 0 imported, 5 reused, 6 skipped" in out, out)
    check_eq(q(site, "SELECT id, sha256 FROM media ORDER BY id"), rows, "same media rows")
    check_eq(one(site, "SELECT body_html FROM articles WHERE slug = 'with-pictures'"),
             html, "same body")


def test_import_wxr_media_refusals():
    site = Site("wxr-media-bad")
    wxr = os.path.join(site.dir, "media.xml")
    media_export(wxr)
    before = dump(site)
    import subprocess
    from harness import GAZETTE, sanitizer_env
    r = subprocess.run([GAZETTE, "import", "wxr", "--db", site.db, wxr, "--media",
                        os.path.join(site.dir, "no-such-folder")],
                       capture_output=True, env=sanitizer_env(), timeout=60)
    check_eq(r.returncode, 2, "exit code for a missing folder")
    check("not a folder" in r.stderr.decode(), r.stderr.decode())
    check("not supported" not in r.stderr.decode(), "--media is supported")
    check_eq(dump(site), before, "nothing written")
    # Without --media the URLs stay as they were.
    out = site.cli("import", "wxr", wxr)
    check("media:" not in out, out)
    check_eq(one(site, "SELECT image FROM articles WHERE slug = 'with-pictures'"),
             "http://old.example/wp-content/uploads/2020/01/pic.png", "old featured image")


MEDIA_WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://old.example</wp:base_site_url>
<wp:base_blog_url>http://old.example</wp:base_blog_url>
<item>
<title>pic</title><wp:post_id>10</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>http://old.example/wp-content/uploads/2020/01/pic.png</wp:attachment_url>
</item>
<item>
<title>missing</title><wp:post_id>11</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>http://old.example/wp-content/uploads/2020/01/missing.jpg</wp:attachment_url>
</item>
<item>
<title>passwd</title><wp:post_id>12</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>http://old.example/wp-content/uploads/../../etc/passwd</wp:attachment_url>
</item>
<item>
<title>elsewhere</title><wp:post_id>13</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>http://cdn.example/files/2020/01/elsewhere.png</wp:attachment_url>
</item>
<item>
<title>With pictures</title>
<link>http://old.example/2020/01/with-pictures/</link>
<dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<img src="http://old.example/wp-content/uploads/2020/01/pic.png" srcset="https://old.example/wp-content/uploads/2020/01/photo-300x200.jpg 300w, //old.example/wp-content/uploads/2020/01/photo.jpg 1024w" alt="pic">

<a href="/wp-content/uploads/2020/01/photo-150x150.jpg">small</a> <a href="HTTP://OLD.EXAMPLE/wp-content/uploads/2020/01/anim.gif">anim</a>

<img src="http://other.example/wp-content/uploads/2020/01/pic.png" alt="other">

<img src="http://old.example/wp-content/uploads/2020/01/missing.jpg" alt="gone"> <a href="http://old.example/wp-content/uploads/2020/01/doc.pdf">doc</a>

<img src="http://old.example/wp-content/uploads/2020/01/escape.png" alt="link"> <img src="http://old.example/wp-content/uploads/%2e%2e/outside.png" alt="up">

<img src="http://old.example/wp-content/uploads/2020/01/copy-of-pic.png" alt="same bytes">]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>20</wp:post_id>
<wp:post_date_gmt>2020-01-15 10:00:00</wp:post_date_gmt>
<wp:post_name>with-pictures</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>
</item>
<item>
<title>First, then picture</title>
<content:encoded><![CDATA[Text.]]></content:encoded>
<wp:post_id>21</wp:post_id>
<wp:post_date_gmt>2020-01-16 10:00:00</wp:post_date_gmt>
<wp:post_name>first-then-picture</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>30</wp:meta_value></wp:postmeta>
</item>
<item>
<title>photo</title><wp:post_id>30</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2020/01/photo.jpg</wp:attachment_url>
</item>
</channel>
</rss>
"""
