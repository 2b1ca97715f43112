"""The readership dashboard (/admin/stats): its numbers equal the store's
for a simulated month of traffic with known totals, in the HTML tables and
in the CSV files; top lists in the right order for each window; the
article pages' curves and referrers; CSV quoting and formula-injection
guard; who may see it; the 30/90/365 switch; the settings it adds.

The month is written by tests/tools/stats_simulate (built next to the
gazette binary: BUILD/tests/tools/stats_simulate), which prints the true
totals it generated and what the store's operations answer."""

import csv
import html
import io
import json
import os
import re
import subprocess
import time

import harness
from harness import Site, check, check_eq

ROLES = ("admin", "editor", "author", "contributor")
HYPERLINK = '=HYPERLINK("http://evil.example/","click me")'
TITLES = [
    "Harbour council approves new ferry timetable",
    "Storm closes the coast road",
    HYPERLINK,
    'Budget, "final" and revised',
    "+1 for the night trains",
    "Island school reopens",
]
WINDOWS = ("24h", "7d", "30d", "all")
DIRECT = "(direct or unknown)"


# ---- the simulated month ----

def simulate_exe():
    """BUILD/tests/tools/stats_simulate for the gazette at BUILD/src/cli/gazette."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(harness.GAZETTE))))
    exe = os.path.join(build, "tests", "tools", "stats_simulate")
    check(os.access(exe, os.X_OK), "no %s: build the tests (ninja -C %s)" % (exe, build))
    return exe


def simulated_site(name):
    """A site with TITLES published, a user of each role, and a month of
    traffic; returns (site, articles, the simulator's JSON)."""
    site = Site(name)
    arts = [site.new(t, body="Body of the story.", publish=True) for t in TITLES]
    for role in ROLES:
        site.add_user(role + "1", role)
    p = subprocess.run([simulate_exe(), "--db", site.db,
                        "--articles", ",".join(str(a.id) for a in arts)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=harness.sanitizer_env(), timeout=300)
    err = p.stderr.decode("utf-8", "replace")
    check(not harness.sanitizer_report(err), "sanitizer report from stats_simulate:\n" + err)
    check_eq(p.returncode, 0, "stats_simulate's exit status (stderr: %s)" % err)
    return site, arts, json.loads(p.stdout)


def near(got, want, what):
    """A readers estimate: within 3% of the true distinct count (and
    within 2 of a small one)."""
    check(abs(got - want) <= max(2, 0.03 * want),
          "%s: estimate %d, true %d (more than 3%% apart)" % (what, got, want))


def expected_order(window_truth):
    """Ids by views, most first; equal views: newer (greater) id first."""
    return [int(i) for i, _ in sorted(window_truth.items(),
                                      key=lambda kv: (-kv[1]["views"], -int(kv[0])))]


# ---- reading the pages ----

def cell_text(cell):
    cell = re.sub(r"<svg\b.*?</svg>", "", cell, flags=re.S)
    cell = re.sub(r'<span class="visually-hidden">.*?</span>', "", cell, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def table(page, table_id):
    """The body rows of <table id=table_id>, each a list of cell texts."""
    m = re.search(r'<table id="%s"[^>]*>(.*?)</table>' % re.escape(table_id), page, re.S)
    check(m, "no table #%s on the page" % table_id)
    body = re.search(r"<tbody>(.*?)</tbody>", m.group(1), re.S)
    check(body, "table #%s has no tbody" % table_id)
    rows = []
    for tr in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body.group(1), re.S):
        rows.append([cell_text(c) for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows


def day_dates(page):
    """The datetime of each row of #days-table."""
    m = re.search(r'<table id="days-table"[^>]*>(.*?)</table>', page, re.S)
    return re.findall(r'<time datetime="([0-9-]+)"', m.group(1))


def total(page, which):
    m = re.search(r'<dd data-total="%s">([^<]*)</dd>' % which, page)
    check(m, "no total of %s on the page" % which)
    return int(m.group(1))


def iso(day):
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))


def get_ok(adm, path):
    r = adm.get(path)
    check_eq(r.status, 200, "GET %s" % path)
    return r


def get_csv(adm, path):
    """The rows of a CSV download, header first; checks its headers."""
    r = get_ok(adm, path)
    check((r.header("content-type") or "").startswith("text/csv; charset=utf-8"),
          "%s: content type %r" % (path, r.header("content-type")))
    cd = r.header("content-disposition") or ""
    check(re.fullmatch(r'attachment; filename="gazette-[a-z0-9-]+\.csv"', cd),
          "%s: content-disposition %r" % (path, cd))
    check(r.body.endswith(b"\r\n") and b"\n" not in r.body.replace(b"\r\n", b""),
          "%s: lines end with CRLF (RFC 4180)" % path)
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
    for row in rows[1:]:
        for c in row:
            check(not c or c[0] not in "=+-@\t\r", "%s: a cell starts with a formula "
                  "character: %r" % (path, c))
    return rows


# ---- the month, through every page and file ----

def test_dashboard_equals_store_for_a_simulated_month():
    site, arts, data = simulated_site("stats-month")
    today = data["today"]
    check_eq(today, int(time.time()) // 86400, "the UTC day did not change during the test")
    truth, store = data["truth"], data["store"]
    ids = [a.id for a in arts]
    titles = {a.id: a.title for a in arts}

    # the store's numbers are the generated ones
    for t, s in zip(truth["site_days"], store["site_days"]):
        check_eq(s["day"], t["day"], "site day")
        check_eq(s["views"], t["views"], "site views of day %d" % t["day"])
        near(s["readers"], t["readers"], "site readers of day %d" % t["day"])
    near(store["site_readers"], truth["site_total"]["readers"], "site readers of the month")
    for i in ids:
        k = str(i)
        for t, s in zip(truth["article_days"][k], store["article_days"][k]):
            check_eq(s["views"], t["views"], "views of %d on day %d" % (i, t["day"]))
            near(s["readers"], t["readers"], "readers of %d on day %d" % (i, t["day"]))
        near(store["article_readers"][k], truth["article_total"][k]["readers"],
             "readers of %d over the month" % i)
        check_eq({r["domain"]: r["count"] for r in store["referrers"][k]},
                 truth["referrers"][k], "referrers of %d" % i)
    for w in WINDOWS:
        got = store["top"][w]
        check_eq([x["id"] for x in got], expected_order(truth["windows"][w]),
                 "order of the %s top list" % w)
        for x in got:
            t = truth["windows"][w][str(x["id"])]
            check_eq(x["views"], t["views"], "%s views of %d" % (w, x["id"]))
            near(x["readers"], t["readers"], "%s readers of %d" % (w, x["id"]))
    orders = {w: tuple(x["id"] for x in store["top"][w]) for w in WINDOWS}
    check(len(set(orders.values())) >= 3, "the windows have orders of their own: %r" % orders)

    srv = site.serve()
    adm = srv.admin_login("editor1", "password123")

    # the site page, 30 days
    page = get_ok(adm, "/admin/stats").text
    rows = table(page, "days-table")
    check_eq(len(rows), 30, "rows of the days table")
    check_eq(day_dates(page), [iso(d["day"]) for d in store["site_days"]], "days of the table")
    check_eq([(int(r[1]), int(r[2])) for r in rows],
             [(d["views"], d["readers"]) for d in store["site_days"]], "the days table")
    check_eq(total(page, "views"), sum(d["views"] for d in truth["site_days"]), "total views")
    check_eq(total(page, "readers"), store["site_readers"], "total readers")
    check(re.search(r'<svg class="chart" role="img" aria-labelledby="site-chart-title" '
                    r'aria-describedby="site-chart-desc"', page), "the chart's accessible name")
    check(re.search(r'<title id="site-chart-title">Views and readers per day</title>'
                    r'<desc id="site-chart-desc">From [^<]+ \(UTC days\)', page),
          "the chart's title and description")
    check("UTC" in re.sub(r"<svg.*?</svg>", "", page, flags=re.S), "UTC days said in words")
    for w in WINDOWS:
        got = table(page, "top-" + w)
        want = store["top"][w][:10]
        check_eq([(int(r[0]), r[1], int(r[2]), int(r[3])) for r in got],
                 [(n + 1, titles[x["id"]], x["views"], x["readers"]) for n, x in enumerate(want)],
                 "the %s top list on the page" % w)
        check_eq(re.findall(r'<a href="/admin/stats/article/(\d+)">',
                            re.search(r'<table id="top-%s".*?</table>' % w, page, re.S).group(0)),
                 [str(x["id"]) for x in want], "links to the article pages (%s)" % w)
    # sparklines: hidden from assistive technology, their numbers as text
    first = store["top"]["30d"][0]["id"]
    spark = re.search(r'<tr data-id="%d">.*?<td class="spark-cell">(<svg[^>]*>).*?'
                      r'<span class="visually-hidden">([^<]*)</span>' % first, page, re.S)
    check(spark and 'aria-hidden="true"' in spark.group(1), "a sparkline, aria-hidden")
    check_eq(spark.group(2).split(":", 1)[1].strip(),
             ", ".join(str(d["views"]) for d in store["article_days"][str(first)]),
             "the sparkline's numbers as text")
    refs = table(page, "referrers-table")
    check_eq([(r[0], int(r[1])) for r in refs],
             [(x["domain"] or DIRECT, x["count"]) for x in store["site_referrers"]],
             "where the site's readers came from")

    # the CSV files of the site page
    rows = get_csv(adm, "/admin/stats.csv?table=days&days=30")
    check_eq(rows[0], ["date", "views", "readers"], "days CSV header")
    check_eq(rows[1:], [[iso(d["day"]), str(d["views"]), str(d["readers"])]
                        for d in store["site_days"]], "days CSV")
    for w in WINDOWS:
        rows = get_csv(adm, "/admin/stats.csv?table=top&window=" + w)
        check_eq(rows[0], ["rank", "article_id", "title", "views", "readers"], "top CSV header")
        want = [[str(n + 1), str(x["id"]), ("'" if titles[x["id"]][0] in "=+-@" else "")
                 + titles[x["id"]], str(x["views"]), str(x["readers"])]
                for n, x in enumerate(store["top"][w])]
        check_eq(rows[1:], want, "%s top CSV" % w)
    raw = adm.get("/admin/stats.csv?table=top&window=all").body.decode("utf-8")
    check('"\'=HYPERLINK(""http://evil.example/"",""click me"")"' in raw,
          "the formula is quoted (RFC 4180) and starts with an apostrophe")
    check(",'+1 for the night trains," in raw, "a leading + is guarded too")
    check('"Budget, ""final"" and revised"' in raw, "commas and quotes are quoted")
    rows = get_csv(adm, "/admin/stats.csv?table=referrers&days=30")
    check_eq(rows, [["domain", "views"]] + [[x["domain"], str(x["count"])]
                                             for x in store["site_referrers"]], "referrers CSV")

    # every article page: its curve, totals and referrers
    for a in arts:
        k = str(a.id)
        page = get_ok(adm, "/admin/stats/article/%d" % a.id).text
        h1 = re.search(r'<h1 class="stats-title">([^<]*)</h1>', page)
        check_eq(html.unescape(h1.group(1)) if h1 else None, a.title, "the article page's h1")
        rows = table(page, "days-table")
        check_eq([(int(r[1]), int(r[2])) for r in rows],
                 [(d["views"], d["readers"]) for d in store["article_days"][k]],
                 "the curve of article %d" % a.id)
        check_eq([(d["views"]) for d in store["article_days"][k]],
                 [d["views"] for d in truth["article_days"][k]], "= the generated views")
        check_eq(total(page, "views"), truth["article_total"][k]["views"], "article total views")
        check_eq(total(page, "readers"), store["article_readers"][k], "article total readers")
        check_eq([(r[0], int(r[1])) for r in table(page, "referrers-table")],
                 [(x["domain"] or DIRECT, x["count"]) for x in store["referrers"][k]],
                 "referrers of article %d" % a.id)
        check('<svg class="chart" role="img" aria-labelledby="article-chart-title"' in page,
              "the article's chart")
        rows = get_csv(adm, "/admin/stats.csv?table=article&id=%d&days=30" % a.id)
        check_eq(rows[1:], [[iso(d["day"]), str(d["views"]), str(d["readers"])]
                            for d in store["article_days"][k]], "article CSV")
        rows = get_csv(adm, "/admin/stats.csv?table=referrers&id=%d&days=30" % a.id)
        check_eq(rows[1:], [[x["domain"], str(x["count"])] for x in store["referrers"][k]],
                 "article referrers CSV")

    # 90 and 365 days: the older days are there, at zero; the totals stay
    for days in (90, 365):
        page = get_ok(adm, "/admin/stats?days=%d" % days).text
        rows = table(page, "days-table")
        check_eq(len(rows), days, "rows for %d days" % days)
        check_eq(day_dates(page)[-1], iso(today), "the last row is today")
        check_eq(day_dates(page)[0], iso(today - days + 1), "the first row")
        check(all(r[1:] == ["0", "0"] for r in rows[:days - 30]), "no traffic before the month")
        check_eq([(int(r[1]), int(r[2])) for r in rows[days - 30:]],
                 [(d["views"], d["readers"]) for d in store["site_days"]], "the month itself")
        check_eq(total(page, "views"), sum(d["views"] for d in truth["site_days"]),
                 "total views over %d days" % days)
        check(re.search(r'<a href="/admin/stats\?days=%d" aria-current="page">' % days, page),
              "the %d days link is the current one" % days)
        check_eq(len(get_csv(adm, "/admin/stats.csv?table=days&days=%d" % days)), days + 1,
                 "CSV rows for %d days" % days)
        page = get_ok(adm, "/admin/stats/article/%d?days=%d" % (ids[0], days)).text
        check_eq(len(table(page, "days-table")), days, "article rows for %d days" % days)
    srv.stop()


# ---- who may see it, and bad addresses ----

def test_stats_permissions_and_errors():
    site = Site("stats-perm")
    art = site.new("A story", body="Text.", publish=True)
    for role in ROLES:
        site.add_user(role + "1", role)
    srv = site.serve()
    paths = ("/admin/stats", "/admin/stats?days=90", "/admin/stats/article/%d" % art.id,
             "/admin/stats.csv?table=days&days=30", "/admin/stats.csv?table=top&window=7d")
    for path in paths:
        r = srv.get(path)
        check(r.status == 303 and (r.header("location") or "").startswith("/admin/login"),
              "anonymous %s goes to the login page (%d %s)" % (path, r.status,
                                                               r.header("location")))
    for role in ("author", "contributor"):
        adm = srv.admin_login(role + "1", "password123")
        for path in paths:
            check_eq(adm.get(path).status, 403, "%s GET %s" % (role, path))
        check('href="/admin/stats"' not in adm.get("/admin").text,
              "no Statistics link for a " + role)
    for role in ("editor", "admin"):
        adm = srv.admin_login(role + "1", "password123")
        for path in paths:
            check_eq(adm.get(path).status, 200, "%s GET %s" % (role, path))
        check(re.search(r'<a href="/admin/stats"[^>]*>Statistics</a>', adm.get("/admin").text),
              "a Statistics link in the navigation for an " + role)
    adm = srv.admin_login("editor1", "password123")
    page = adm.get("/admin/stats").text
    check(re.search(r'<a href="/admin/stats" aria-current="page">', page), "nav marks the page")
    check_eq(len(table(page, "days-table")), 30, "30 days by default")
    check("No views counted in this window." in page, "empty windows say so")
    for path, status in (("/admin/stats/article/999999", 404),
                         ("/admin/stats/article/abc", 404),
                         ("/admin/stats/article/", 404),
                         ("/admin/stats/nothing", 404),
                         ("/admin/stats?days=7", 400),
                         ("/admin/stats?days=abc", 400),
                         ("/admin/stats/article/%d?days=1000" % art.id, 400),
                         ("/admin/stats.csv", 400),
                         ("/admin/stats.csv?table=nope", 400),
                         ("/admin/stats.csv?table=top&window=1y", 400),
                         ("/admin/stats.csv?table=days&days=8", 400),
                         ("/admin/stats.csv?table=article&days=30", 400),
                         ("/admin/stats.csv?table=article&id=999999&days=30", 404),
                         ("/admin/stats.csv?table=referrers&id=999999", 404)):
        check_eq(adm.get(path).status, status, "GET " + path)
    check_eq(adm.post("/admin/stats", {}).status, 405, "POST to the dashboard")
    check_eq(adm.post("/admin/stats.csv?table=days", {}).status, 405, "POST to the CSV")
    srv.stop()


def test_stats_dates_in_the_admins_language():
    site = Site("stats-fr")
    site.add_user("editor1", "editor")
    srv = site.serve(settings=("admin.lang=fr",))
    adm = srv.admin_login("editor1", "password123")
    page = get_ok(adm, "/admin/stats").text
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
    short = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
             "oct.", "nov.", "déc."]
    now = time.gmtime()
    rows = table(page, "days-table")
    day = "1er" if now.tm_mday == 1 else str(now.tm_mday)
    check_eq(rows[-1][0], "%s %s %d" % (day, months[now.tm_mon - 1], now.tm_year),
             "today's date in French")
    check(">%d %s</text>" % (now.tm_mday, short[now.tm_mon - 1]) in page,
          "the chart's last tick in French")
    check("<h1>Statistiques</h1>" in page, "the page in French")
    check("jours UTC" in page, "UTC days said in French")
    srv.stop()


# ---- the settings the dashboard adds ----

def test_settings_rank_by_and_referrer_days():
    site = Site("stats-settings")
    site.add_user("admin1", "admin")
    srv = site.serve()
    adm = srv.admin_login("admin1", "password123")
    page = adm.get("/admin/settings").text
    check(re.search(r'<select id="f\d+" name="views.rank_by"', page), "a select for rank_by")
    check(re.search(r'<option value="readers">readers</option>', page), "readers offered")
    check(re.search(r'name="stats.referrer_days" value="0" type="number" min="0" '
                    r'max="36500"', page), "a number for referrer_days, 0 by default")
    fields = dict(re.findall(r'<input id="f\d+" name="([^"]+)" value="([^"]*)"', page))
    for name in re.findall(r'<select id="f\d+" name="([^"]+)"', page):
        sel = re.search(r'name="%s".*?</select>' % re.escape(name), page, re.S).group(0)
        fields[name] = re.search(r'<option value="([^"]+)" selected>', sel).group(1)
    fields["views.rank_by"] = "readers"
    fields["stats.referrer_days"] = "90"
    r = adm.post("/admin/settings", fields)
    check_eq(r.status, 303, "saving rank_by and referrer_days")
    page = adm.get("/admin/settings").text
    check(re.search(r'<option value="readers" selected>', page), "rank_by saved")
    check('name="stats.referrer_days" value="90"' in page, "referrer_days saved")
    out = subprocess.run([harness.GAZETTE, "config", "show", "--db", site.db],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=harness.sanitizer_env(), timeout=60).stdout.decode()
    bad = dict(fields, **{"stats.referrer_days": "-1"})
    check_eq(adm.post("/admin/settings", bad).status, 422, "a negative number of days")
    bad = dict(fields, **{"views.rank_by": "clicks"})
    check_eq(adm.post("/admin/settings", bad).status, 422, "an unknown ranking")
    srv.stop()
    check(re.search(r"^rank_by = readers +; from admin", out, re.M),
          "gazette config show: the ranking saved in the admin\n" + out)
    check(re.search(r"^referrer_days = 90 +; from admin", out, re.M),
          "gazette config show: the referrer days saved in the admin\n" + out)
