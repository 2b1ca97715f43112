#!/usr/bin/env python3
"""Writes a gazette site's published articles as a Hugo site (content/posts/
*.md with front matter), for bench/export.sh: the same articles, titles,
slugs, dates, tags, languages and Markdown bodies as the gazette export.
Usage: export_hugo_gen.py SITE.db HUGO_DIR THEME_DIR"""
import json
import os
import sqlite3
import sys
import time


def main():
    db, out, theme = sys.argv[1:4]
    os.makedirs(os.path.join(out, "content", "posts"), exist_ok=True)
    c = sqlite3.connect(db)
    now = int(time.time())
    tags = {}
    for aid, name in c.execute("SELECT at.article_id, t.name FROM article_tags at "
                               "JOIN tags t ON t.id = at.tag_id"):
        tags.setdefault(aid, []).append(name)
    views = dict(c.execute("SELECT article_id, SUM(count) FROM views_daily GROUP BY article_id"))
    rows = c.execute("SELECT a.id, a.slug, a.title, a.summary, a.body_src, a.lang, "
                     "a.published_at, COALESCE(u.name, '') FROM articles a "
                     "LEFT JOIN authors u ON u.id = a.author_id WHERE a.status = 1 "
                     "AND a.published_at <= ? AND COALESCE(a.deleted_at, 0) = 0", (now,))
    n = 0
    for aid, slug, title, summary, body, lang, pub, author in rows:
        t = time.gmtime(pub)
        front = {"title": title, "slug": slug, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", t),
                 "url": "/%04d/%02d/%s/" % (t.tm_year, t.tm_mon, slug),
                 "summary": summary or "", "tags": tags.get(aid, []), "author": author,
                 "lang": lang, "views": views.get(aid, 0)}
        # JSON is valid YAML: Hugo reads it as front matter between ---.
        with open(os.path.join(out, "content", "posts", "%d.md" % aid), "w",
                  encoding="utf-8") as f:
            f.write("---\n%s\n---\n%s\n" % (json.dumps(front, ensure_ascii=False), body))
        n += 1
    with open(os.path.join(out, "config.toml"), "w") as f:
        f.write('baseURL = "http://127.0.0.1:8080/"\ntitle = "Gazette"\n'
                'languageCode = "en"\ntheme = "gz"\nthemesDir = "%s"\n'
                'paginate = 10\n[taxonomies]\ntag = "tags"\n' % os.path.dirname(theme))
    print(n)


main()
