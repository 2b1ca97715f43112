#!/usr/bin/env python3
"""Writes a WordPress export (WXR 1.2) of N posts to stdout: 20 categories,
50 tags, 10 authors, classic content of a few paragraphs with a <!--more-->.
Usage: bench/wxr_gen.py N > posts.xml"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rnd = random.Random(5)
words = ("news city council report market school river season team plan water "
         "street music weather health police budget train film museum").split()
w = sys.stdout.write
w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
  '<wp:wxr_version>1.2</wp:wxr_version>\n'
  '<wp:base_site_url>http://bench.example</wp:base_site_url>\n')
for a in range(10):
    w('<wp:author><wp:author_login>writer%d</wp:author_login>'
      '<wp:author_display_name>Writer %d</wp:author_display_name></wp:author>\n' % (a, a))
for c in range(20):
    w('<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>cat-%d'
      '</wp:category_nicename><wp:category_parent>%s</wp:category_parent>'
      '<wp:cat_name>Category %d</wp:cat_name></wp:category>\n'
      % (c + 1, c, "cat-%d" % (c // 5) if c >= 5 else "", c))
for i in range(1, n + 1):
    paras = "\n\n".join(" ".join(rnd.choice(words) for _ in range(60)) for _ in range(5))
    y, m, d = 2015 + i % 10, 1 + i % 12, 1 + i % 28
    w('<item><title>Post number %d</title>\n<link>http://bench.example/%d/%02d/%02d/post-%d/</link>\n'
      '<dc:creator>writer%d</dc:creator>\n<content:encoded><![CDATA[%s\n\n<!--more-->\n\n%s]]>'
      '</content:encoded>\n<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n'
      '<wp:post_id>%d</wp:post_id><wp:post_date_gmt>%d-%02d-%02d 10:00:00</wp:post_date_gmt>'
      '<wp:post_name>post-%d</wp:post_name><wp:status>publish</wp:status>'
      '<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>\n'
      '<category domain="category" nicename="cat-%d"><![CDATA[Category %d]]></category>\n'
      '<category domain="post_tag" nicename="tag-%d"><![CDATA[Tag %d]]></category>\n</item>\n'
      % (i, y, m, d, i, i % 10, paras[:300], paras, i, y, m, d, i, i % 20, i % 20,
         i % 50, i % 50))
w('</channel>\n</rss>\n')
