/* Demo content generator: template sentences and word lists driven by a
 * seeded xoshiro256** PRNG. Every place, agency, person and team is invented;
 * the topics are deliberately mundane (bus timetables, library hours, a
 * football derby) so that a demo site never says anything about the world.
 * The lists and templates themselves are in demo_words.c (demoInt.h); this
 * file draws from them and expands the templates. */
#include "io/demo.h"

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/demoInt.h"

#define TWO_YEARS ((int64_t)2 * 365 * 24 * 3600)
/* No text comes near this; the cap only keeps gz_buf's contract. */
#define TEXT_MAX ((size_t)1 << 20)

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64 to seed, xoshiro256** to draw                      */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next64(struct gz_demo *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Mixes (seed, idx) through splitmix64 twice so neighbouring articles start
 * from unrelated states, then fills the xoshiro state. */
static void reseed(struct gz_demo *g, size_t idx)
{
    uint64_t x = g->seed;
    uint64_t mixed = splitmix64(&x);
    x = mixed ^ ((uint64_t)idx * 0xd1b54a32d192ed03u);
    x = splitmix64(&x);
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
}

/* A uniform integer in [0, n); the multiply-shift bias is below 2^-40 for
 * the small n used here. */
static size_t below(struct gz_demo *g, size_t n)
{
    return (size_t)(((unsigned __int128)next64(g) * n) >> 64);
}

static int chance(struct gz_demo *g, unsigned percent)
{
    return below(g, 100) < percent;
}

/* A uniform double in [0, 1). */
static double unit(struct gz_demo *g)
{
    return (double)(next64(g) >> 11) * (1.0 / 9007199254740992.0);
}

static const char *pick(struct gz_demo *g, struct list l)
{
    return l.items[below(g, l.n)];
}

/* ------------------------------------------------------------------ */
/* Template expansion                                                  */

/* Choices fixed for one article so its title, lead and body agree. */
struct gen {
    struct gz_demo *g;
    const struct lang_data *lang;
    const struct title_tpl *title;
    size_t town, town2;
    const char *agency;
    const char *noun; /* the one project the article is about */
    size_t deck[48];  /* shuffled sentence indexes, see next_from_deck */
    size_t deck_n, deck_pos, last_card;
    uint32_t topic_used, emphasis_used; /* bit i: sentence i already used */
    int rc; /* first append error; later appends are skipped */
};

static void put(struct gen *x, struct gz_buf *b, const char *p, size_t n)
{
    if (!x->rc)
        x->rc = gz_buf_append(b, p, n);
}

static void puts_(struct gen *x, struct gz_buf *b, const char *s)
{
    put(x, b, s, strlen(s));
}

static void expand(struct gen *x, struct gz_buf *b, const char *tpl);

/* Writes v in the article's script; grouped English numbers get a comma. */
static void put_number(struct gen *x, struct gz_buf *b, uint32_t v, int grouped)
{
    char tmp[16];
    int n;
    if (!x->lang->digit_lead && grouped && v >= 1000)
        n = snprintf(tmp, sizeof(tmp), "%u,%03u", v / 1000, v % 1000);
    else
        n = snprintf(tmp, sizeof(tmp), "%u", v);
    if (!x->lang->digit_lead) {
        put(x, b, tmp, (size_t)n);
        return;
    }
    for (int i = 0; i < n; i++) {
        char utf8[2] = {x->lang->digit_lead[0],
                        (char)(x->lang->digit_base + (unsigned char)(tmp[i] - '0'))};
        put(x, b, utf8, 2);
    }
}

static void put_town(struct gen *x, struct gz_buf *b, size_t town, const char *suffix)
{
    puts_(x, b, x->lang->towns.items[town]);
    if (suffix) {
        puts_(x, b, " ");
        puts_(x, b, suffix);
    }
}

/* A football score "a–b" with a > b, or a draw "a–a". */
static void put_score(struct gen *x, struct gz_buf *b, int draw)
{
    uint32_t home = (uint32_t)below(x->g, draw ? 4 : 5) + (draw ? 0 : 1);
    uint32_t away = draw ? home : (uint32_t)below(x->g, home);
    put_number(x, b, home, 0);
    puts_(x, b, x->lang->score_sep);
    put_number(x, b, away, 0);
}

static int slot_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* Slots that depend on the article rather than on a word list. */
static int put_special(struct gen *x, struct gz_buf *b, const char *name, size_t len)
{
    if (slot_is(name, len, "town"))
        put_town(x, b, x->town, NULL);
    else if (slot_is(name, len, "town2"))
        put_town(x, b, x->town2, NULL);
    else if (slot_is(name, len, "team"))
        put_town(x, b, x->town, pick(x->g, gz_demo_en_team_suffixes));
    else if (slot_is(name, len, "team2"))
        put_town(x, b, x->town2, pick(x->g, gz_demo_en_team_suffixes));
    else if (slot_is(name, len, "agency"))
        puts_(x, b, x->agency);
    else if (slot_is(name, len, "noun"))
        puts_(x, b, x->noun);
    else if (slot_is(name, len, "score"))
        put_score(x, b, 0);
    else if (slot_is(name, len, "draw"))
        put_score(x, b, 1);
    else if (slot_is(name, len, "person")) {
        puts_(x, b, pick(x->g, gz_demo_en_first_names));
        puts_(x, b, " ");
        puts_(x, b, pick(x->g, gz_demo_en_surnames));
    } else
        return 0;
    return 1;
}

static void put_slot(struct gen *x, struct gz_buf *b, const char *name, size_t len)
{
    if (put_special(x, b, name, len))
        return;
    for (size_t i = 0; i < gz_demo_nword_slots; i++) {
        if (slot_is(name, len, gz_demo_word_slots[i].name)) {
            /* A word may hold slots itself ("a researcher at the {agency}"). */
            expand(x, b, pick(x->g, gz_demo_word_slots[i].words));
            return;
        }
    }
    for (size_t i = 0; i < gz_demo_nnum_slots; i++) {
        const struct num_slot *s = &gz_demo_num_slots[i];
        if (slot_is(name, len, s->name)) {
            put_number(x, b, s->lo + (uint32_t)below(x->g, s->hi - s->lo + 1),
                       s->grouped);
            return;
        }
    }
    /* An unknown slot is a bug in the tables of demo_words.c; show it, do not crash. */
    put(x, b, name - 1, len + 2);
}

/* Appends tpl with every {slot} replaced. */
static void expand(struct gen *x, struct gz_buf *b, const char *tpl)
{
    for (;;) {
        const char *open = strchr(tpl, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            puts_(x, b, tpl);
            return;
        }
        put(x, b, tpl, (size_t)(open - tpl));
        put_slot(x, b, open + 1, (size_t)(close - open - 1));
        tpl = close + 1;
    }
}

static size_t count_words(const char *p, size_t n)
{
    size_t words = 0;
    int in_word = 0;
    for (size_t i = 0; i < n; i++) {
        int space = p[i] == ' ' || p[i] == '\n';
        if (!space && !in_word)
            words++;
        in_word = !space;
    }
    return words;
}

/* Expands tpl as one more sentence of a paragraph; returns its word count. */
static size_t sentence(struct gen *x, struct gz_buf *b, const char *tpl, int first)
{
    if (!first)
        puts_(x, b, " ");
    size_t from = b->len;
    expand(x, b, tpl);
    return count_words(b->p + from, b->len - from);
}

/* ------------------------------------------------------------------ */
/* Titles, bodies, articles                                            */

#define NOWHERE ((size_t)-1)

/* Headlines must be 4-12 words; the rare combination of long words that
 * overshoots is simply drawn again. */
static char *make_title(struct gen *x)
{
    struct gz_buf b;
    gz_buf_init(&b, TEXT_MAX);
    for (int attempt = 0; attempt < 8; attempt++) {
        gz_buf_reset(&b);
        expand(x, &b, x->title->tpl);
        size_t words = count_words(b.p, b.len);
        if (words >= 4 && words <= 12)
            break;
        x->title = &x->lang->titles[below(x->g, x->lang->ntitles)];
    }
    return gz_buf_take(&b);
}

/* Draws the language's general sentences like cards from a shuffled deck,
 * so a sentence comes back only after all the others have been used. */
static const char *next_from_deck(struct gen *x, struct list pool)
{
    if (x->deck_pos == x->deck_n) {
        x->deck_n = pool.n < GZ_COUNTOF(x->deck) ? pool.n : GZ_COUNTOF(x->deck);
        for (size_t i = 0; i < x->deck_n; i++)
            x->deck[i] = i;
        for (size_t i = x->deck_n - 1; i > 0; i--) {
            size_t j = below(x->g, i + 1), t = x->deck[i];
            x->deck[i] = x->deck[j];
            x->deck[j] = t;
        }
        /* Never the same sentence twice in a row across a reshuffle. */
        if (x->deck_n > 1 && x->deck[0] == x->last_card) {
            x->deck[0] = x->deck[x->deck_n - 1];
            x->deck[x->deck_n - 1] = x->last_card;
        }
        x->deck_pos = 0;
    }
    x->last_card = x->deck[x->deck_pos];
    return pool.items[x->deck[x->deck_pos++]];
}

/* Picks from l unless that item was used before in this article. */
static const char *pick_once(struct gen *x, struct list l, uint32_t *used)
{
    size_t i = below(x->g, l.n);
    if (*used & (UINT32_C(1) << i))
        return NULL;
    *used |= UINT32_C(1) << i;
    return l.items[i];
}

/* English mixes the section's own sentences (each at most once) and an
 * occasional emphasised one into the general deck. */
static const char *en_next_sentence(struct gen *x)
{
    size_t roll = below(x->g, 100);
    const char *tpl = NULL;
    if (roll < 3)
        tpl = pick_once(x, gz_demo_en_emphasis, &x->emphasis_used);
    else if (roll < 35)
        tpl = pick_once(x, gz_demo_en_topics[x->title->tag], &x->topic_used);
    return tpl ? tpl : next_from_deck(x, x->lang->sentences);
}

/* A paragraph of at least `target` words; English only. */
static void en_paragraph(struct gen *x, struct gz_buf *b, size_t target, int lead,
                         int link)
{
    size_t words = 0;
    if (lead)
        words += sentence(x, b, pick(x->g, x->lang->leads), 1);
    while (words < target)
        words += sentence(x, b, en_next_sentence(x), words == 0);
    if (link)
        sentence(x, b, pick(x->g, gz_demo_en_links), 0);
}

static void en_list(struct gen *x, struct gz_buf *b)
{
    size_t n = 3 + below(x->g, 3), first = below(x->g, gz_demo_en_list_items.n);
    for (size_t i = 0; i < n; i++) {
        puts_(x, b, "- ");
        expand(x, b, gz_demo_en_list_items.items[(first + i) % gz_demo_en_list_items.n]);
        puts_(x, b, "\n");
    }
    puts_(x, b, "\n");
}

/* Body length is skewed towards short pieces: 80 + 1420 u^3 words, so the
 * median is near 260 and a few run to 1,500, split into 2-20 paragraphs. */
static void en_body(struct gen *x, struct gz_buf *b)
{
    double u = unit(x->g);
    size_t target = 80 + (size_t)(1420.0 * u * u * u);
    size_t paras = target / 70;
    paras = paras < 2 ? 2 : paras > 20 ? 20 : paras;
    size_t per = target / paras;
    size_t sub1 = paras >= 4 && chance(x->g, 60) ? paras / 2 : NOWHERE;
    size_t sub2 = paras >= 12 && chance(x->g, 50) ? paras * 3 / 4 : NOWHERE;
    size_t quote = paras >= 3 && chance(x->g, 35) ? 1 + below(x->g, paras - 2) : NOWHERE;
    size_t list = paras >= 3 && chance(x->g, 20) ? 1 + below(x->g, paras - 1) : NOWHERE;
    size_t link = chance(x->g, 25) ? below(x->g, paras) : NOWHERE;

    for (size_t i = 0; i < paras; i++) {
        if (i == sub1 || i == sub2) {
            puts_(x, b, "## ");
            puts_(x, b, pick(x->g, x->lang->subheads));
            puts_(x, b, "\n\n");
        }
        if (i == quote) {
            puts_(x, b, "> ");
            expand(x, b, pick(x->g, x->lang->quotes));
            puts_(x, b, "\n\n");
        }
        if (i == list)
            en_list(x, b);
        en_paragraph(x, b, per, i == 0, i == link);
        puts_(x, b, i + 1 < paras ? "\n\n" : "\n");
    }
}

static enum topic topic_of(enum tag tag)
{
    switch (tag) {
    case TAG_CULTURE:
        return TOPIC_BOOKS;
    case TAG_CLIMATE:
        return TOPIC_WEATHER;
    case TAG_SPORT:
        return TOPIC_FOOTBALL;
    case TAG_SCIENCE:
        return TOPIC_SCIENCE;
    default:
        return TOPIC_CIVIC;
    }
}

/* Persian and Arabic: the topic's lead, then four to six of its sentences in
 * a shuffled order, in two or three paragraphs. */
static void simple_body(struct gen *x, struct gz_buf *b)
{
    enum topic topic = topic_of(x->title->tag);
    const struct topic_text *text = &x->lang->topics[topic];
    size_t nsent = 1 + text->sentences.n - below(x->g, 3);
    size_t paras = 2 + below(x->g, 2);
    size_t per = (nsent + paras - 1) / paras;
    int quote = topic != TOPIC_WEATHER && chance(x->g, 30);
    int sub = paras == 3 && chance(x->g, 40);
    int bold_lead = chance(x->g, 10);

    puts_(x, b, bold_lead ? "**" : "");
    sentence(x, b, text->lead, 1);
    puts_(x, b, bold_lead ? "**" : "");
    for (size_t i = 1; i < nsent; i++) {
        if (i % per == 0) {
            puts_(x, b, "\n\n");
            if (quote && i == per) {
                puts_(x, b, "> ");
                expand(x, b, pick(x->g, x->lang->quotes));
                puts_(x, b, "\n\n");
            }
            if (sub && i == 2 * per) {
                puts_(x, b, "## ");
                puts_(x, b, pick(x->g, x->lang->subheads));
                puts_(x, b, "\n\n");
            }
        }
        sentence(x, b, next_from_deck(x, text->sentences), i % per == 0);
    }
    puts_(x, b, "\n");
}

static char *make_body(struct gen *x)
{
    struct gz_buf b;
    gz_buf_init(&b, TEXT_MAX);
    if (x->lang == &gz_demo_langs[LANG_EN])
        en_body(x, &b);
    else
        simple_body(x, &b);
    return gz_buf_take(&b);
}

static char *make_summary(struct gen *x)
{
    struct gz_buf b;
    gz_buf_init(&b, TEXT_MAX);
    if (!chance(x->g, 40))
        return gz_buf_take(&b);
    if (x->lang->topics)
        expand(x, &b, x->lang->topics[topic_of(x->title->tag)].lead);
    else
        expand(x, &b, pick(x->g, x->lang->summaries));
    return gz_buf_take(&b);
}

/* The primary tag from the headline, plus up to two other sections. Opinion
 * is never added as an extra: a news piece is not an opinion piece. */
static void make_tags(struct gen *x, struct gz_demo_article *a)
{
    size_t roll = below(x->g, 10);
    size_t want = roll < 5 ? 1 : roll < 8 ? 2 : 3;
    a->tags = gz_xcalloc(want, sizeof(*a->tags));
    a->tags[a->ntags++] = gz_xstrdup(gz_demo_tags[x->title->tag]);
    while (a->ntags < want) {
        const char *tag = gz_demo_tags[below(x->g, TAG_OPINION)];
        int seen = 0;
        for (size_t i = 0; i < a->ntags; i++)
            seen |= strcmp(a->tags[i], tag) == 0;
        if (!seen)
            a->tags[a->ntags++] = gz_xstrdup(tag);
    }
}

/* Heavy-tailed views: 4/(u + e) - 4 for uniform u is a Pareto tail of
 * exponent 1, i.e. Zipf's rank curve. Half the articles get 4 views or
 * fewer, a handful get tens of thousands, none more than 4/e = 200,000;
 * 100,000 articles total about 4 million, so Most viewed means something. */
static uint64_t make_views(struct gz_demo *g)
{
    double v = 4.0 / (unit(g) + 2e-5) - 4.0;
    return v > 0 ? (uint64_t)v : 0;
}

static enum lang pick_lang(struct gz_demo *g)
{
    size_t roll = below(g, 100);
    return roll < 3 ? LANG_FA : roll < 5 ? LANG_AR : LANG_EN;
}

void gz_demo_init(struct gz_demo *g, uint64_t seed, int64_t now, size_t total)
{
    memset(g, 0, sizeof(*g));
    g->seed = seed;
    g->now = now;
    g->total = total;
    g->step = total && (int64_t)total < TWO_YEARS ? TWO_YEARS / (int64_t)total : 1;
    /* A minute of slack so the newest article is never "from the future". */
    g->start = now - 60 - g->step * (int64_t)total;
}

int gz_demo_next(struct gz_demo *g, struct gz_demo_article *out)
{
    memset(out, 0, sizeof(*out));
    if (g->index >= g->total)
        return GZ_ENOTFOUND;
    size_t idx = g->index++;
    reseed(g, idx);

    struct gen x = {.g = g};
    x.lang = &gz_demo_langs[pick_lang(g)];
    x.title = &x.lang->titles[below(g, x.lang->ntitles)];
    x.town = below(g, x.lang->towns.n);
    x.town2 = (x.town + 1 + below(g, x.lang->towns.n - 1)) % x.lang->towns.n;
    x.agency = pick(g, gz_demo_en_agencies);
    x.noun = pick(g, gz_demo_en_nouns);

    /* Jitter stays below half a step, so times strictly increase. */
    out->published_at =
        g->start + (int64_t)idx * g->step + (int64_t)below(g, (size_t)g->step / 2 + 1);
    out->views = make_views(g);
    out->lang = gz_xstrdup(x.lang->code);
    out->author = gz_xstrdup(pick(g, x.lang->authors));
    out->title = make_title(&x);
    out->summary = make_summary(&x);
    out->body_md = make_body(&x);
    make_tags(&x, out);
    if (x.rc) {
        gz_demo_article_clear(out);
        return x.rc;
    }
    return GZ_OK;
}

void gz_demo_article_clear(struct gz_demo_article *a)
{
    free(a->title);
    free(a->summary);
    free(a->body_md);
    free(a->lang);
    free(a->author);
    for (size_t i = 0; i < a->ntags; i++)
        free(a->tags[i]);
    free(a->tags);
    memset(a, 0, sizeof(*a));
}
