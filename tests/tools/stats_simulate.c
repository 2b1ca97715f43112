/* stats_simulate: a month of traffic with known totals, written into a
 * site's database through the store, for the dashboard's tests
 * (tests/http/test_stats.py, tests/browser/stats.mjs).
 *
 *   stats_simulate --db PATH --articles ID,ID,... [--seed N] [--now UNIX]
 *
 * For the 30 UTC days ending with now's day and each article, it draws
 * (from the seed, so every run with the same arguments writes the same
 * traffic) a number of views, a set of distinct synthetic readers out of a
 * population of POPULATION, and how the views split between referring
 * domains. Views go in with views_add, one delta per article and hour;
 * readers as HyperLogLog sketches with readers_merge, as the flusher
 * writes them: a day sketch per article and day, the all-time sketch per
 * article, the site's (article 0) day and all-time sketches, and hour
 * sketches for the hours of the last 24; referrer counts with the same
 * call. The hour 23 hours before now's is left empty, so that the 24-hour
 * window's numbers stay the same when the clock passes into the next hour
 * during a test.
 *
 * It prints one JSON object: "truth", the exact totals it generated (views
 * and distinct readers per day, article, window and domain), and "store",
 * what the store's operations answer for the same questions. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/log.h"
#include "store/store.h"
#include "views/hll.h"

#define DAYS 30
#define POPULATION 50000
#define ARTICLES_MAX 64
#define HOURS_MAX (DAYS * 24)

static const char *const domains[] = {"", "news.example", "search.example",
                                      "social.example"};
#define NDOMAINS (sizeof domains / sizeof domains[0])

static const char *const windows[] = {"24h", "7d", "30d", "all"};
#define NWINDOWS 4

struct sim {
    struct gz_store *st;
    uint64_t seed;
    int64_t now, today, now_hour;
    int64_t ids[ARTICLES_MAX];
    size_t n;
    /* hours of the simulation that hold traffic, oldest first */
    int64_t hours[HOURS_MAX];
    size_t nhours;
    json_t *truth, *store;
};

/* ---- the traffic, drawn from the seed ---- */

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t draw(const struct sim *m, size_t k, size_t j, uint64_t what)
{
    return mix(mix(mix(m->seed ^ what) ^ (uint64_t)k) ^ (uint64_t)j);
}

/* A reader's hash, as gz_readers_id would give: uniform 64 bits. */
static uint64_t reader_hash(const struct sim *m, uint64_t reader)
{
    return mix(m->seed * 0x100000001b3ULL + reader);
}

static int64_t day_of(size_t j, const struct sim *m)
{
    return m->today - (DAYS - 1) + (int64_t)j;
}

/* Article k's readers on day j: r of them, from `start` on (mod POPULATION). */
static int64_t readers_of(const struct sim *m, size_t k, size_t j, uint64_t *start)
{
    /* older articles are read more, but the newest one is the story of
     * the last two days and the one before it of the last week, so each
     * window has its own order */
    uint64_t weight = m->n - k;
    if (k == m->n - 1 && j >= DAYS - 2)
        weight = 3 * m->n;
    else if (m->n > 1 && k == m->n - 2 && j >= DAYS - 7)
        weight = 2 * m->n;
    *start = draw(m, k, j, 1) % POPULATION;
    return 20 + (int64_t)(weight * (50 + draw(m, k, j, 2) % 150));
}

static int64_t views_of(const struct sim *m, size_t k, size_t j, int64_t readers)
{
    return readers + (int64_t)(draw(m, k, j, 3) % (uint64_t)(readers / 2 + 1));
}

/* The views of article k on day j from each domain: they add up to views. */
static void split_referrers(const struct sim *m, size_t k, size_t j, int64_t views,
                            int64_t out[NDOMAINS])
{
    out[1] = views * (int64_t)(20 + draw(m, k, j, 4) % 20) / 100;
    out[2] = views * (int64_t)(10 + draw(m, k, j, 5) % 20) / 100;
    out[3] = views * (int64_t)(5 + draw(m, k, j, 6) % 10) / 100;
    out[0] = views - out[1] - out[2] - out[3];
}

/* The hours of day j that hold traffic: all 24 but those after now and
 * the one 23 hours before now's. */
static size_t hours_of_day(const struct sim *m, size_t j, int64_t *out)
{
    size_t n = 0;
    for (int64_t h = day_of(j, m) * 24; h < (day_of(j, m) + 1) * 24; h++)
        if (h <= m->now_hour && h != m->now_hour - 23)
            out[n++] = h;
    return n;
}

/* Reader number i of r goes to hour i mod H, views alike: each hour has at
 * least as many views as readers. */
static int64_t share(int64_t total, size_t h, size_t nh)
{
    return total / (int64_t)nh + ((int64_t)h < total % (int64_t)nh);
}

static int in_24h(const struct sim *m, int64_t hour)
{
    return hour >= m->now_hour - 23 && hour <= m->now_hour;
}

/* ---- the true distinct counts, with a bitmap of the population ---- */

struct bitmap {
    uint8_t bits[POPULATION / 8 + 1];
};

static void bm_add(struct bitmap *b, uint64_t reader)
{
    b->bits[reader / 8] |= (uint8_t)(1u << (reader % 8));
}

static int64_t bm_count(const struct bitmap *b)
{
    int64_t n = 0;
    for (size_t i = 0; i < sizeof b->bits; i++)
        n += __builtin_popcount(b->bits[i]);
    return n;
}

/* ---- writing ---- */

struct batch {
    struct gz_readers_delta d[4 * ARTICLES_MAX + 64];
    size_t nd;
    struct gz_referrer_delta r[ARTICLES_MAX * NDOMAINS];
    size_t nr;
};

static void batch_sketch(struct batch *b, int64_t article, enum gz_readers_kind kind,
                         int64_t period, const struct gz_hll *h)
{
    uint8_t *bytes;
    size_t len;
    if (gz_hll_is_empty(h))
        return;
    gz_hll_serialize(h, &bytes, &len);
    b->d[b->nd++] = (struct gz_readers_delta){article, kind, period, bytes, len};
}

static int batch_write(struct sim *m, struct batch *b)
{
    int rc = m->st->ops->readers_merge(m->st, b->d, b->nd, b->r, b->nr, 0, 0);
    for (size_t i = 0; i < b->nd; i++)
        free((void *)b->d[i].hll);
    b->nd = b->nr = 0;
    return rc;
}

/* Everything about one hour of the last 24: the hour sketches of every
 * article and of the site. */
static int write_hour(struct sim *m, int64_t hour, size_t j, struct batch *b)
{
    struct gz_hll *site = gz_hll_new();
    int64_t hrs[24];
    size_t nh = hours_of_day(m, j, hrs);
    size_t hi = 0;
    while (hrs[hi] != hour)
        hi++;
    for (size_t k = 0; k < m->n; k++) {
        uint64_t start;
        int64_t r = readers_of(m, k, j, &start);
        struct gz_hll *h = gz_hll_new();
        for (int64_t i = (int64_t)hi; i < r; i += (int64_t)nh)
            gz_hll_add(h, reader_hash(m, (start + (uint64_t)i) % POPULATION));
        gz_hll_merge(site, h);
        batch_sketch(b, m->ids[k], GZ_READERS_HOUR, hour, h);
        gz_hll_free(h);
    }
    batch_sketch(b, 0, GZ_READERS_HOUR, hour, site);
    gz_hll_free(site);
    return batch_write(m, b);
}

static int write_views(struct sim *m, size_t k, size_t j, int64_t views)
{
    int64_t hrs[24];
    size_t nh = hours_of_day(m, j, hrs);
    struct gz_view_delta d[24];
    size_t n = 0;
    for (size_t h = 0; h < nh; h++) {
        int64_t c = share(views, h, nh);
        if (c)
            d[n++] = (struct gz_view_delta){m->ids[k], day_of(j, m), hrs[h], c};
    }
    return m->st->ops->views_add(m->st, d, n, 0);
}

/* One day: views, day sketches of the articles and the site, referrers;
 * the all-time sketches grow in all[] and site_all. */
static int write_day(struct sim *m, size_t j, struct gz_hll **all,
                     struct gz_hll *site_all, struct batch *b)
{
    struct gz_hll *site = gz_hll_new();
    int rc = GZ_OK;
    for (size_t k = 0; k < m->n && rc == GZ_OK; k++) {
        uint64_t start;
        int64_t r = readers_of(m, k, j, &start), v = views_of(m, k, j, r);
        int64_t refs[NDOMAINS];
        struct gz_hll *h = gz_hll_new();
        for (int64_t i = 0; i < r; i++)
            gz_hll_add(h, reader_hash(m, (start + (uint64_t)i) % POPULATION));
        gz_hll_merge(site, h);
        gz_hll_merge(all[k], h);
        batch_sketch(b, m->ids[k], GZ_READERS_DAY, day_of(j, m), h);
        gz_hll_free(h);
        split_referrers(m, k, j, v, refs);
        for (size_t d = 0; d < NDOMAINS; d++)
            if (refs[d])
                b->r[b->nr++] = (struct gz_referrer_delta){m->ids[k], day_of(j, m),
                                                           domains[d], refs[d]};
        rc = write_views(m, k, j, v);
    }
    gz_hll_merge(site_all, site);
    batch_sketch(b, 0, GZ_READERS_DAY, day_of(j, m), site);
    gz_hll_free(site);
    if (rc == GZ_OK)
        rc = batch_write(m, b);
    return rc;
}

static int write_all(struct sim *m)
{
    struct batch *b = gz_xcalloc(1, sizeof *b);
    struct gz_hll *all[ARTICLES_MAX], *site_all = gz_hll_new();
    int rc = GZ_OK;
    for (size_t k = 0; k < m->n; k++)
        all[k] = gz_hll_new();
    for (size_t j = 0; j < DAYS && rc == GZ_OK; j++)
        rc = write_day(m, j, all, site_all, b);
    for (size_t k = 0; k < m->n; k++) {
        batch_sketch(b, m->ids[k], GZ_READERS_ALL, 0, all[k]);
        gz_hll_free(all[k]);
    }
    batch_sketch(b, 0, GZ_READERS_ALL, 0, site_all);
    gz_hll_free(site_all);
    if (rc == GZ_OK)
        rc = batch_write(m, b);
    for (size_t j = DAYS - 2; j < DAYS && rc == GZ_OK; j++) {
        int64_t hrs[24];
        size_t nh = hours_of_day(m, j, hrs);
        for (size_t h = 0; h < nh && rc == GZ_OK; h++)
            if (in_24h(m, hrs[h]))
                rc = write_hour(m, hrs[h], j, b);
    }
    free(b);
    return rc;
}

/* ---- the truth ---- */

static json_t *counts(int64_t views, int64_t readers)
{
    return json_pack("{sIsI}", "views", (json_int_t)views, "readers",
                     (json_int_t)readers);
}

/* Adds article k's readers of day j that fall in the hours for which
 * keep() holds to b; returns their views. */
static int64_t add_readers(const struct sim *m, size_t k, size_t j, struct bitmap *b,
                           int (*keep)(const struct sim *, int64_t))
{
    uint64_t start;
    int64_t r = readers_of(m, k, j, &start), v = views_of(m, k, j, r), views = 0;
    int64_t hrs[24];
    size_t nh = hours_of_day(m, j, hrs);
    for (size_t h = 0; h < nh; h++) {
        if (keep && !keep(m, hrs[h]))
            continue;
        views += share(v, h, nh);
        for (int64_t i = (int64_t)h; i < r; i += (int64_t)nh)
            bm_add(b, (start + (uint64_t)i) % POPULATION);
    }
    return views;
}

/* Views and distinct readers of article k (or, k == n, of every article)
 * over days first_j..DAYS-1, in hours keep() accepts (NULL: all). */
static json_t *truth_over(const struct sim *m, size_t k, size_t first_j,
                          int (*keep)(const struct sim *, int64_t))
{
    struct bitmap *b = gz_xcalloc(1, sizeof *b);
    int64_t views = 0;
    for (size_t j = first_j; j < DAYS; j++)
        for (size_t a = (k == m->n ? 0 : k); a < (k == m->n ? m->n : k + 1); a++)
            views += add_readers(m, a, j, b, keep);
    json_t *o = counts(views, bm_count(b));
    free(b);
    return o;
}

/* Views and distinct readers of article k (k == n: the site) per day. */
static json_t *truth_days(const struct sim *m, size_t k)
{
    json_t *list = json_array();
    for (size_t j = 0; j < DAYS; j++) {
        struct bitmap *b = gz_xcalloc(1, sizeof *b);
        int64_t views = 0;
        for (size_t a = (k == m->n ? 0 : k); a < (k == m->n ? m->n : k + 1); a++)
            views += add_readers(m, a, j, b, NULL);
        json_t *o = counts(views, bm_count(b));
        json_object_set_new(o, "day", json_integer(day_of(j, m)));
        json_array_append_new(list, o);
        free(b);
    }
    return list;
}

static json_t *truth_referrers(const struct sim *m, size_t k)
{
    int64_t sums[NDOMAINS] = {0};
    for (size_t j = 0; j < DAYS; j++)
        for (size_t a = (k == m->n ? 0 : k); a < (k == m->n ? m->n : k + 1); a++) {
            int64_t refs[NDOMAINS];
            uint64_t start;
            split_referrers(m, a, j, views_of(m, a, j, readers_of(m, a, j, &start)),
                            refs);
            for (size_t d = 0; d < NDOMAINS; d++)
                sums[d] += refs[d];
        }
    json_t *o = json_object();
    for (size_t d = 0; d < NDOMAINS; d++)
        json_object_set_new(o, domains[d], json_integer(sums[d]));
    return o;
}

static json_t *truth(const struct sim *m)
{
    json_t *t = json_object(), *days = json_object(), *totals = json_object();
    json_t *refs = json_object(), *win = json_object();
    for (size_t w = 0; w < NWINDOWS; w++)
        json_object_set_new(win, windows[w], json_object());
    for (size_t k = 0; k < m->n; k++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)m->ids[k]);
        json_object_set_new(days, id, truth_days(m, k));
        json_object_set_new(totals, id, truth_over(m, k, 0, NULL));
        json_object_set_new(refs, id, truth_referrers(m, k));
        json_object_set_new(json_object_get(win, "24h"), id, truth_over(m, k, 0, in_24h));
        json_object_set_new(json_object_get(win, "7d"), id,
                            truth_over(m, k, DAYS - 7, NULL));
        json_object_set_new(json_object_get(win, "30d"), id, truth_over(m, k, 0, NULL));
        json_object_set_new(json_object_get(win, "all"), id, truth_over(m, k, 0, NULL));
    }
    json_object_set_new(t, "site_days", truth_days(m, m->n));
    json_object_set_new(t, "site_total", truth_over(m, m->n, 0, NULL));
    json_object_set_new(t, "article_days", days);
    json_object_set_new(t, "article_total", totals);
    json_object_set_new(t, "windows", win);
    json_object_set_new(t, "referrers", refs);
    json_object_set_new(t, "site_referrers", truth_referrers(m, m->n));
    return t;
}

/* ---- what the store answers ---- */

static int store_days(struct sim *m, int64_t id, json_t **out)
{
    struct gz_stat_days d;
    int rc = m->st->ops->stats_days(m->st, id, m->today - (DAYS - 1), m->today, &d);
    if (rc)
        return rc;
    *out = json_array();
    for (size_t i = 0; i < d.len; i++) {
        json_t *o = counts(d.items[i].views, d.items[i].readers);
        json_object_set_new(o, "day", json_integer(d.items[i].day));
        json_array_append_new(*out, o);
    }
    gz_stat_days_clear(&d);
    return GZ_OK;
}

static int store_readers(struct sim *m, int64_t id, json_t *into, const char *key)
{
    uint64_t n = 0;
    int rc = m->st->ops->readers_count(m->st, id, GZ_READERS_DAY, m->today - (DAYS - 1),
                                       m->today, &n);
    json_object_set_new(into, key, json_integer((json_int_t)n));
    return rc;
}

static int store_top(struct sim *m, size_t w, json_t **out)
{
    static const enum gz_readers_kind kinds[] = {GZ_READERS_HOUR, GZ_READERS_DAY,
                                                 GZ_READERS_DAY, GZ_READERS_ALL};
    int64_t first = m->today - (w == 1 ? 6 : DAYS - 1), last = m->today;
    if (w == 0) {
        first = m->now_hour - 23;
        last = m->now_hour;
    }
    struct gz_stat_articles top;
    int rc = m->st->ops->stats_top(m->st, kinds[w], first, last, 100, &top);
    if (rc)
        return rc;
    *out = json_array();
    for (size_t i = 0; i < top.len; i++) {
        json_t *o = counts(top.items[i].views, top.items[i].readers);
        json_object_set_new(o, "id", json_integer(top.items[i].id));
        json_object_set_new(o, "title", json_string(top.items[i].title));
        json_array_append_new(*out, o);
    }
    gz_stat_articles_clear(&top);
    return GZ_OK;
}

static int store_referrers(struct sim *m, int64_t id, json_t **out)
{
    struct gz_stat_referrers r;
    int rc =
        m->st->ops->stats_referrers(m->st, id, m->today - (DAYS - 1), m->today, 1000, &r);
    if (rc)
        return rc;
    *out = json_array();
    for (size_t i = 0; i < r.len; i++)
        json_array_append_new(*out, json_pack("{sssI}", "domain", r.items[i].domain,
                                              "count", (json_int_t)r.items[i].count));
    gz_stat_referrers_clear(&r);
    return GZ_OK;
}

static int store_answers(struct sim *m, json_t *s)
{
    json_t *days = json_object(), *refs = json_object(), *readers = json_object();
    json_t *top = json_object(), *v = NULL;
    json_object_set_new(s, "article_days", days);
    json_object_set_new(s, "referrers", refs);
    json_object_set_new(s, "article_readers", readers);
    json_object_set_new(s, "top", top);
    int rc = store_days(m, 0, &v);
    if (rc == GZ_OK)
        json_object_set_new(s, "site_days", v);
    if (rc == GZ_OK)
        rc = store_readers(m, 0, s, "site_readers");
    if (rc == GZ_OK && (rc = store_referrers(m, 0, &v)) == GZ_OK)
        json_object_set_new(s, "site_referrers", v);
    for (size_t w = 0; w < NWINDOWS && rc == GZ_OK; w++)
        if ((rc = store_top(m, w, &v)) == GZ_OK)
            json_object_set_new(top, windows[w], v);
    for (size_t k = 0; k < m->n && rc == GZ_OK; k++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)m->ids[k]);
        if ((rc = store_days(m, m->ids[k], &v)) == GZ_OK)
            json_object_set_new(days, id, v);
        if (rc == GZ_OK && (rc = store_referrers(m, m->ids[k], &v)) == GZ_OK)
            json_object_set_new(refs, id, v);
        if (rc == GZ_OK)
            rc = store_readers(m, m->ids[k], readers, id);
    }
    return rc;
}

/* ---- main ---- */

static int parse_ids(const char *s, struct sim *m)
{
    char *end;
    while (*s) {
        long long id = strtoll(s, &end, 10);
        if (end == s || id <= 0 || m->n == ARTICLES_MAX || (*end && *end != ','))
            return GZ_EINVAL;
        m->ids[m->n++] = id;
        s = *end ? end + 1 : end;
    }
    return m->n ? GZ_OK : GZ_EINVAL;
}

static int usage(void)
{
    fprintf(stderr, "usage: stats_simulate --db PATH --articles ID,ID,... [--seed N] "
                    "[--now UNIX]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct sim m = {.seed = 20260501, .now = time(NULL)};
    const char *db = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--articles") && parse_ids(argv[i + 1], &m))
            return usage();
        else if (!strcmp(argv[i], "--seed"))
            m.seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--now"))
            m.now = strtoll(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--articles"))
            return usage();
    }
    if (!db || !m.n || argc % 2 == 0)
        return usage();
    m.today = m.now / 86400;
    m.now_hour = m.now / 3600;
    char err[256] = "";
    gz_log_set_level(GZ_LOG_WARN);
    if (gz_store_open(db, &m.st, err, sizeof err)) {
        fprintf(stderr, "stats_simulate: %s\n", err);
        return 1;
    }
    json_t *out = json_pack("{sIsIsI}", "now", (json_int_t)m.now, "today",
                            (json_int_t)m.today, "now_hour", (json_int_t)m.now_hour);
    json_t *ids = json_array(), *st = json_object();
    for (size_t k = 0; k < m.n; k++)
        json_array_append_new(ids, json_integer(m.ids[k]));
    json_object_set_new(out, "articles", ids);
    int rc = write_all(&m);
    if (rc == GZ_OK) {
        json_object_set_new(out, "truth", truth(&m));
        rc = store_answers(&m, st);
    }
    json_object_set_new(out, "store", st);
    gz_store_close(m.st);
    if (rc) {
        fprintf(stderr, "stats_simulate: the store answered %d\n", rc);
        json_decref(out);
        return 1;
    }
    json_dumpf(out, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(out);
    return 0;
}
