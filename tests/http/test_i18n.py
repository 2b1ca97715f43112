"""Languages: lang/dir on every page, the theme's words and dates in
Persian, Arabic and French, hreflang links between translations (both
ways), and per-language home pages that list only their language."""

import re
from urllib.parse import quote, urlsplit

from harness import Site, check, check_eq, wait_for
from test_meta import Head

SITE_URL = "https://news.example"

# The theme's words and the date 2025-11-29 in each language.
WORDS = {
    "en": {"new": "New Articles", "top": "Most viewed", "home": "Home",
           "date": "29 November 2025", "skip": "Skip to main content"},
    "fr": {"new": "Nouveaux articles", "top": "Les plus lus", "home": "Accueil",
           "date": "29 novembre 2025", "skip": "Aller au contenu principal"},
    "fa": {"new": "تازه\u200cترین مطالب", "top": "پربازدیدترین\u200cها", "home": "صفحهٔ اصلی",
           "date": "۲۹ نوامبر ۲۰۲۵", "skip": "رفتن به محتوای اصلی"},
    "ar": {"new": "أحدث المقالات", "top": "الأكثر قراءة", "home": "الرئيسية",
           "date": "٢٩ نوفمبر ٢٠٢٥", "skip": "الانتقال إلى المحتوى الرئيسي"},
}
TITLES = {"en": "Talks resume in Geneva", "fr": "Reprise des pourparlers à Genève",
          "fa": "ازسرگیری گفت\u200cوگوها در ژنو", "ar": "استئناف المحادثات في جنيف"}
BODIES = {"en": "Delegates met again on Saturday.", "fr": "Les délégués se sont revus samedi.",
          "fa": "نمایندگان روز شنبه دوباره دیدار کردند.",
          "ar": "اجتمع المندوبون مجددا يوم السبت."}
RTL = {"fa", "ar"}


def html_attrs(text):
    m = re.search(r"<html([^>]*)>", text)
    check(m, "no <html>")
    return dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))


def element_attrs(text, pattern):
    m = re.search(pattern, text)
    check(m, "no match for %s" % pattern)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(0)))


def headings(text):
    return re.findall(r'<h2 class="block-heading">([^<]*)</h2>', text)


def seed(site):
    arts = {}
    for i, lang in enumerate(["en", "fr", "fa", "ar"]):
        arts[lang] = site.new(TITLES[lang], BODIES[lang], lang=lang, author="Reporter %d" % i,
                              tags="Diplomacy", at="2025-11-29T0%d:00Z" % (i + 1))
    return arts


def test_pages_in_each_language():
    site = Site("i18n-words")
    arts = seed(site)
    srv = site.serve(settings=("site.url=" + SITE_URL,))
    for lang, art in arts.items():
        r = srv.get(art.url)
        check_eq(r.status, 200, art.path)
        t = r.text
        w = WORDS[lang]
        attrs = html_attrs(t)
        check_eq((attrs.get("lang"), attrs.get("dir")),
                 (lang, "rtl" if lang in RTL else "ltr"), "%s: <html lang dir>" % lang)
        check_eq(headings(t), [w["new"], w["top"]], "%s: block headings" % lang)
        header = element_attrs(t, r'<header class="site-header"[^>]*>')
        check_eq((header.get("lang"), header.get("dir")), (attrs["lang"], attrs["dir"]),
                 "%s: the header's lang/dir" % lang)
        time_el = re.search(r'<time datetime="2025-11-29T0\d:00:00Z"[^>]*>([^<]*)</time>', t)
        check(time_el, "%s: no <time>" % lang)
        check_eq(time_el.group(1), w["date"], "%s: date" % lang)
        if lang in RTL:
            check(not re.search(r"[0-9]", time_el.group(1)), "%s: ASCII digits in the date" % lang)
        nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', t, re.S).group(1)
        check(">%s</a>" % w["home"] in nav, "%s: Home in the navigation: %s" % (lang, nav))
        check(">%s</a>" % w["skip"] in t, "%s: skip link" % lang)
        # Non-ASCII and RTL content intact in the page, its title and data.
        check("<h1 class=\"article-title\">%s</h1>" % TITLES[lang] in t, "%s: h1" % lang)
        check(BODIES[lang] in t, "%s: body" % lang)
        h = Head(t)
        check_eq(h.one("og:title"), TITLES[lang], "%s: og:title" % lang)
        check_eq(h.of_type("NewsArticle")["headline"], TITLES[lang], "%s: headline" % lang)
        check_eq(h.of_type("NewsArticle")["inLanguage"], lang, "%s: inLanguage" % lang)
    # The front page speaks the site's language (English), in every script
    # of its entries.
    home = srv.get("/").text
    check_eq(headings(home), [WORDS["en"]["new"], WORDS["en"]["top"]], "front page headings")
    item = element_attrs(home, r'<li class="article-item" lang="fa"[^>]*>')
    check_eq(item.get("dir"), "rtl", "Persian entry on the front page")


def test_site_language_and_fallback():
    """The site's language dresses pages of languages without a table; a
    language the theme does not speak falls back to English."""
    site = Site("i18n-fallback")
    de = site.new("Gespräche in Genf", "Die Delegierten trafen sich.", lang="de",
                  at="2025-11-29T10:00Z")
    srv = site.serve(settings=("site.lang=fr",))
    t = srv.get(de.url).text
    check_eq(html_attrs(t).get("lang"), "de", "German article <html lang>")
    check_eq(headings(t), [WORDS["fr"]["new"], WORDS["fr"]["top"]], "French words on it")
    check(">29 novembre 2025</time>" in t, "a French date")
    check_eq(element_attrs(t, r'<header class="site-header"[^>]*>').get("lang"), "fr",
             "the header says it is French")
    check_eq(headings(srv.get("/").text), [WORDS["fr"]["new"], WORDS["fr"]["top"]],
             "French front page")
    srv.stop()
    srv = site.serve(settings=("site.lang=nl",))
    t = srv.get(de.url).text
    check_eq(headings(t), [WORDS["en"]["new"], WORDS["en"]["top"]], "English fallback")
    check_eq(element_attrs(t, r'<header class="site-header"[^>]*>').get("lang"), "en",
             "the header says it is English")


def alternates(srv, art):
    return Head(srv.get(art.url).text).alternates()


def translation_links(text):
    m = re.search(r'<aside class="translations"[^>]*>(.*?)</aside>', text, re.S)
    if not m:
        return {}
    return {lang: href for href, lang in
            re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', m.group(1))}


def test_hreflang_between_translations():
    site = Site("i18n-hreflang")
    arts = seed(site)
    lone = site.new("Unrelated story", "Other news.", at="2025-11-30T10:00Z")
    draft = site.new("Brouillon", "pas encore", lang="fr")
    # fa and ar are translations of en; fr joins through fa.
    site.cli("translate", arts["fa"].id, "--of", arts["en"].id)
    site.cli("translate", arts["ar"].id, "--of", arts["en"].id)
    site.cli("translate", arts["fr"].id, "--of", arts["fa"].id)
    srv = site.serve(settings=("site.url=" + SITE_URL,))
    want = {lang: SITE_URL + art.path for lang, art in arts.items()}
    for lang, art in arts.items():
        check_eq(alternates(srv, art), want, "%s: hreflang links" % lang)
        text = srv.get(art.url).text
        check_eq(translation_links(text),
                 {l: a.path for l, a in arts.items() if l != lang},
                 "%s: translations list" % lang)
    check_eq(alternates(srv, lone), {}, "an article without translations")
    check_eq(translation_links(srv.get(lone.url).text), {}, "no translations list")

    # One article per language in a group; not itself; both must exist.
    out = site.cli("translate", lone.id, "--of", arts["en"].id, expect_rc=1)
    check_eq(out, "", "refused link prints nothing on stdout")
    site.cli("translate", arts["en"].id, "--of", arts["en"].id, expect_rc=2)
    site.cli("translate", 99999, "--of", arts["en"].id, expect_rc=1)
    # A draft in the group is not linked from the site.
    site.cli("translate", draft.id, "--of", lone.id)
    check_eq(alternates(srv, lone), {}, "a draft translation is not an alternate")

    # Unlinking shows at once on both sides (within a flush).
    site.cli("translate", arts["ar"].id, "--unlink")
    del want["ar"]
    wait_for(lambda: alternates(srv, arts["en"]) == want, 5, what="ar gone from en's links")
    check_eq(alternates(srv, arts["ar"]), {}, "ar after unlinking")
    check_eq(alternates(srv, arts["fr"]), want, "fr after ar left")
    # A group of one is no group: en and fa stay linked after fr leaves.
    site.cli("translate", arts["fr"].id, "--unlink")
    site.cli("translate", arts["fa"].id, "--unlink")
    wait_for(lambda: alternates(srv, arts["en"]) == {}, 5, what="en alone")
    listing = site.cli("translate", arts["en"].id)
    check("no published translations" in listing, "CLI listing: %r" % listing)


def listed(text):
    m = re.search(r'<ol class="article-list">(.*?)</ol>', text, re.S)
    check(m, "no article list")
    return re.findall(r'<h2 class="article-item-title"><a href="([^"]*)">', m.group(1))


def test_language_home_pages():
    site = Site("i18n-homes")
    fa = [site.new("خبر %d" % i, "متن %d" % i, lang="fa", at="2025-10-%02dT10:00Z" % (i + 1))
          for i in range(3)]
    en = [site.new("News %d" % i, "Text %d" % i, at="2025-10-%02dT11:00Z" % (i + 1))
          for i in range(2)]
    ar = site.new("خبر عربي", "نص", lang="ar", at="2025-10-05T10:00Z")
    site.new("پیش\u200cنویس", "متن", lang="fa")  # a draft
    site.new("آینده", "متن", lang="fa", at="2099-01-01T00:00Z")  # scheduled
    srv = site.serve(settings=("site.url=" + SITE_URL, "site.per_page=2"))
    p1 = srv.get("/fa/")
    check_eq(p1.status, 200, "/fa/")
    check_eq(listed(p1.text), [fa[2].path, fa[1].path], "/fa/ page 1")
    check_eq(html_attrs(p1.text), {"lang": "fa", "dir": "rtl"}, "/fa/ <html>")
    check_eq(headings(p1.text), [WORDS["fa"]["new"], WORDS["fa"]["top"]], "/fa/ headings")
    h = Head(p1.text)
    check("فارسی" in h.title, "/fa/ title %r" % h.title)
    check_eq(h.link("next"), "/fa/page/2", "/fa/ rel=next")
    check_eq(h.link("canonical"), SITE_URL + "/fa/", "/fa/ canonical")
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', p1.text, re.S).group(1)
    check('<a href="/fa/" aria-current="page">%s</a>' % WORDS["fa"]["home"] in nav,
          "Home of a Persian page is /fa/: %s" % nav)
    p2 = srv.get("/fa/page/2")
    check_eq(listed(p2.text), [fa[0].path], "/fa/ page 2")
    check_eq(Head(p2.text).link("prev"), "/fa/", "/fa/page/2 rel=prev")
    check(">صفحهٔ ۲ از ۲<" in p2.text, "Persian pagination status")
    check_eq(listed(srv.get("/en/").text), [en[1].path, en[0].path], "/en/")
    check_eq(listed(srv.get("/ar/").text), [ar.path], "/ar/")
    check_eq(html_attrs(srv.get("/ar/").text).get("dir"), "rtl", "/ar/ dir")
    for path in ("/fr/", "/de/", "/fa/page/3", "/fa/page/1", "/fa", "/xx/", "/fa/page/0"):
        check_eq(srv.get(path).status, 404, path)
    # The language menu and the front page's alternates name every language.
    home = srv.get("/").text
    menu = re.search(r'<nav class="lang-nav"[^>]*>(.*?)</nav>', home, re.S)
    check(menu, "no language menu")
    check_eq(re.findall(r'<a href="(/[a-z]+/)" lang="([a-z]+)"[^>]*>([^<]*)</a>', menu.group(1)),
             [("/fa/", "fa", "فارسی"), ("/en/", "en", "English"), ("/ar/", "ar", "العربية")],
             "language menu, most articles first")
    check_eq(Head(home).alternates(),
             {"fa": SITE_URL + "/fa/", "en": SITE_URL + "/en/", "ar": SITE_URL + "/ar/",
              "x-default": SITE_URL + "/"}, "front page hreflang")
    # A language's first article makes its page; it goes when the last goes.
    fr = site.new("Nouvelle", "texte", lang="fr", publish=True)
    wait_for(lambda: srv.get("/fr/").status == 200, 5, what="/fr/ after a French article")
    site.unpublish(fr.id)
    wait_for(lambda: srv.get("/fr/").status == 404, 5, what="/fr/ gone again")


def test_rtl_list_pages():
    """List pages of a Persian site: lang/dir, translated pagination and
    dates, non-ASCII tag and author addresses."""
    site = Site("i18n-rtl")
    arts = [site.new("گزارش %d" % i, "متن", lang="fa", tags="سیاست", author="مریم احمدی",
                     at="2025-11-%02dT10:00Z" % (i + 27)) for i in range(3)]
    srv = site.serve(settings=("site.lang=fa", "site.per_page=2"))
    aid = site._query("SELECT id FROM authors")[0][0]
    for path in ("/", "/tag/سیاست", "/author/%d-مریم-احمدی" % aid, "/2025/11/"):
        r = srv.get(quote(path, safe="/"))
        check_eq(r.status, 200, path)
        check_eq(html_attrs(r.text), {"lang": "fa", "dir": "rtl"}, "%s: <html>" % path)
        check(">صفحهٔ ۱ از ۲<" in r.text, "%s: pagination status" % path)
        check(">مطالب قدیمی\u200cتر</a>" in r.text, "%s: next link words" % path)
        check(">۲۹ نوامبر ۲۰۲۵</time>" in r.text, "%s: Persian date" % path)
        check_eq(urlsplit(Head(r.text).link("next") or "").path[-7:], "/page/2",
                 "%s: rel=next" % path)
    check(arts, "articles")
