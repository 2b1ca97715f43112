"""`gazette import markdown DIR`: folders as Hugo (`hugo new`, TOML and
YAML front matter, page bundles, _index.md) and Jekyll (_posts/DATE-NAME.md)
write them; a second run updates instead of duplicating; a broken file is
named with its line and nothing is written."""

import os
import subprocess

import harness
from harness import Site, check, check_eq, sanitizer_env

HUGO_TOML = """+++
title = 'My First Post'
date = 2024-01-14T07:07:07+01:00
draft = false
tags = ['red', "blue"]
categories = ["Notes"]
[params]
title = 'not the title'
+++
Hello **Hugo**.
"""

HUGO_YAML_DRAFT = """---
title: "Still a draft"
date: 2019-03-26T08:47:11+01:00
draft: true
---
Not yet.
"""

HUGO_BUNDLE = """---
title: "سلام: یک خبر"
date: 2023-05-01
lang: fa
tags:
  - خبر
  - "blue"
description: >
  خلاصه
  در دو خط
cover:
  image: cover.png
---
متن **فارسی**.
"""

JEKYLL = """---
layout: post
title:  'It''s Jekyll'
date:   2022-03-04 10:30:00 +0100
categories: jekyll update
---
Jekyll body.
"""

JEKYLL_NO_DATE = """---
layout: post
---
Dated by its name.
"""


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(site, *args):
    cmd = [harness.GAZETTE] + [str(a) for a in args] + ["--db", site.db]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=sanitizer_env(), timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def articles(site):
    return {slug: (title, summary, lang, status, published, body)
            for slug, title, summary, lang, status, published, body in site._query(
                "SELECT slug, title, summary, lang, status, published_at, body_src "
                "FROM articles")}


def tags_of(site, slug):
    return [n for (n,) in site._query(
        "SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id "
        "JOIN articles a ON a.id = at.article_id WHERE a.slug = '%s' "
        "ORDER BY at.position" % slug)]


def make_folder(site):
    root = os.path.join(site.dir, "content")
    write(root, "content/posts/my-first-post.md", HUGO_TOML)
    write(root, "content/posts/draft.md", HUGO_YAML_DRAFT)
    write(root, "content/posts/bundle/index.md", HUGO_BUNDLE)
    write(root, "content/posts/_index.md", "---\ntitle: Posts\n---\n")
    write(root, "_posts/2022-03-04-jekyll-post.md", JEKYLL)
    write(root, "_posts/2021-12-31-new-years-eve.markdown", JEKYLL_NO_DATE)
    write(root, ".git/ignored.md", "---\ntitle: hidden\n---\n")
    write(root, "README.txt", "not Markdown")
    return root


def test_hugo_and_jekyll_folders():
    site = Site("mdimport")
    root = make_folder(site)
    rc, out, err = run(site, "import", "markdown", root)
    check_eq(rc, 0, "import: %s" % err)
    check("5 created, 0 updated, 1 skipped" in out, "report: %r" % out)
    a = articles(site)
    check_eq(sorted(a), ["bundle", "draft", "jekyll-post", "my-first-post", "new-years-eve"],
             "slugs from file names (a bundle by its folder, Jekyll without the date)")
    check_eq(a["my-first-post"][:5], ("My First Post", "", "en", 1, 1705212427),
             "Hugo TOML: title, RFC 3339 date with offset")
    check_eq(tags_of(site, "my-first-post"), ["red", "blue", "Notes"], "tags and categories")
    check_eq(a["draft"][3], 0, "draft: true is a draft")
    check_eq(a["bundle"][:3], ("سلام: یک خبر", "خلاصه در دو خط", "fa"),
             "UTF-8 title, folded description as the summary, lang")
    check_eq(tags_of(site, "bundle"), ["خبر", "blue"], "block list of tags")
    check_eq(a["jekyll-post"][:5], ("It's Jekyll", "", "en", 1, 1646386200),
             "Jekyll: quoted title, date with a zone")
    check_eq(tags_of(site, "jekyll-post"), ["jekyll", "update"], "space-separated categories")
    check_eq(a["new-years-eve"][0:2], ("new years eve", ""), "title from the file name")
    check_eq(a["new-years-eve"][4], 1640908800, "date from the file name")
    check_eq(a["jekyll-post"][5], "Jekyll body.\n", "the body is what follows the front matter")

    # The site shows them.
    srv = site.serve()
    r = srv.get("/2022/03/jekyll-post")
    check_eq(r.status, 200, "imported article page")
    check("Jekyll body." in r.text, "body shown")
    r = srv.get("/2024/01/my-first-post")
    check("<strong>Hugo</strong>" in r.text, "Markdown rendered")
    srv.stop()

    # A second run updates the same articles.
    write(root, "content/posts/my-first-post.md",
          HUGO_TOML.replace("My First Post", "My First Post, edited"))
    rc, out, err = run(site, "import", "markdown", root)
    check_eq(rc, 0, "second import: %s" % err)
    check("0 created, 5 updated" in out, "report: %r" % out)
    a = articles(site)
    check_eq(len(a), 5, "no duplicates")
    check_eq(a["my-first-post"][0], "My First Post, edited", "updated in place")


def test_broken_files_write_nothing():
    site = Site("mdbroken")
    cases = [
        ("posts/a.md", "---\ntitle: A\ndate: next tuesday\n---\nx\n",
         "posts/a.md:3: date: not a date"),
        ("b.md", "---\ntitle: \"unclosed\n---\n", "b.md:2: title: string not closed"),
        ("c.md", "---\ntitle: C\n", "c.md:1: front matter is not closed"),
        ("d.md", "+++\ntitle = 'D'\ndraft = perhaps\n+++\n", "d.md:3: draft: not true or false"),
        ("e.md", "---\ntitle: E\nslug: has space\n---\n", "e.md: slug: not a valid slug"),
        ("f.md", b"---\ntitle: F\n---\n\xff\n", "f.md: no title, or text that is not valid"),
    ]
    for i, (rel, text, want) in enumerate(cases):
        root = os.path.join(site.dir, "broken-%d" % i)
        write(root, "0-good.md", "---\ntitle: Good one\n---\nfine\n")
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
        rc, out, err = run(site, "import", "markdown", root)
        check_eq(rc, 1, "broken %s" % rel)
        check(want in err, "message %r in %r" % (want, err))
        check("nothing was imported" in err, "says nothing was written")
        check_eq(site._query("SELECT count(*) FROM articles")[0][0], 0,
                 "the good file before it was rolled back too (%s)" % rel)
    rc, _, err = run(site, "import", "markdown", os.path.join(site.dir, "no-such-dir"))
    check_eq(rc, 1, "a missing folder")
    check("cannot open the folder" in err, "message: %r" % err)
