/* Tests of src/io/demo.c: determinism, well-formed UTF-8 and the statistical
 * shape the brief asks for (language shares, summaries, distinct titles,
 * increasing dates, heavy-tailed views). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "io/demo.h"

#define NOW ((int64_t)1750000000)
#define MANY 10000

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Written here so the test does not depend on src/core/utf8.c. */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

static size_t count_words(const char *s)
{
    size_t words = 0;
    int in_word = 0;
    for (; *s; s++) {
        int space = *s == ' ' || *s == '\n';
        if (!space && !in_word)
            words++;
        in_word = !space;
    }
    return words;
}

/* Blocks separated by blank lines that are plain paragraphs, not a heading,
 * quote or list. */
static size_t count_paragraphs(const char *body)
{
    size_t paras = 0;
    const char *p = body;
    while (*p) {
        const char *end = strstr(p, "\n\n");
        if (strncmp(p, "## ", 3) && strncmp(p, "> ", 2) && strncmp(p, "- ", 2))
            paras++;
        if (!end)
            break;
        p = end + 2;
    }
    return paras;
}

static int same_article(const struct gz_demo_article *a, const struct gz_demo_article *b)
{
    if (strcmp(a->title, b->title) || strcmp(a->summary, b->summary) ||
        strcmp(a->body_md, b->body_md) || strcmp(a->lang, b->lang) ||
        strcmp(a->author, b->author) || a->ntags != b->ntags ||
        a->published_at != b->published_at || a->views != b->views)
        return 0;
    for (size_t i = 0; i < a->ntags; i++)
        if (strcmp(a->tags[i], b->tags[i]))
            return 0;
    return 1;
}

static void test_same_seed_same_articles(void **state)
{
    struct gz_demo g1, g2;
    gz_demo_init(&g1, 42, NOW, 1000);
    gz_demo_init(&g2, 42, NOW, 1000);
    for (int i = 0; i < 50; i++) {
        struct gz_demo_article a, b;
        assert_int_equal(gz_demo_next(&g1, &a), GZ_OK);
        assert_int_equal(gz_demo_next(&g2, &b), GZ_OK);
        assert_true(same_article(&a, &b));
        gz_demo_article_clear(&a);
        gz_demo_article_clear(&b);
    }
}

static void test_other_seed_other_articles(void **state)
{
    struct gz_demo g1, g2;
    gz_demo_init(&g1, 42, NOW, 1000);
    gz_demo_init(&g2, 43, NOW, 1000);
    int same_titles = 0;
    for (int i = 0; i < 50; i++) {
        struct gz_demo_article a, b;
        assert_int_equal(gz_demo_next(&g1, &a), GZ_OK);
        assert_int_equal(gz_demo_next(&g2, &b), GZ_OK);
        assert_false(same_article(&a, &b));
        same_titles += strcmp(a.title, b.title) == 0;
        gz_demo_article_clear(&a);
        gz_demo_article_clear(&b);
    }
    assert_true(same_titles <= 2);
}

static void test_stops_after_total(void **state)
{
    struct gz_demo g;
    struct gz_demo_article a;
    gz_demo_init(&g, 1, NOW, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gz_demo_next(&g, &a), GZ_OK);
        gz_demo_article_clear(&a);
    }
    assert_int_equal(gz_demo_next(&g, &a), GZ_ENOTFOUND);
    assert_null(a.title);
    gz_demo_article_clear(&a);

    gz_demo_init(&g, 1, NOW, 0);
    assert_int_equal(gz_demo_next(&g, &a), GZ_ENOTFOUND);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The section names the brief fixes; spelled out so a rename is caught. */
static const char *const sections[] = {
    "World",   "Politics", "Business", "Science", "Technology",
    "Culture", "Sport",    "Health",   "Climate", "Opinion",
};

static int known_tag(const char *tag)
{
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (strcmp(tag, sections[i]) == 0)
            return 1;
    return 0;
}

static void test_exported_tags(void **state)
{
    assert_int_equal(gz_demo_ntags, sizeof(sections) / sizeof(sections[0]));
    for (size_t i = 0; i < gz_demo_ntags; i++)
        assert_true(known_tag(gz_demo_tags[i]));
}

static void check_tags(const struct gz_demo_article *a)
{
    assert_true(a->ntags >= 1 && a->ntags <= 3);
    for (size_t i = 0; i < a->ntags; i++) {
        assert_true(known_tag(a->tags[i]));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(a->tags[i], a->tags[j]);
    }
}

static void check_strings(const struct gz_demo_article *a)
{
    assert_true(utf8_valid(a->title));
    assert_true(utf8_valid(a->summary));
    assert_true(utf8_valid(a->body_md));
    assert_true(utf8_valid(a->author));
    for (size_t i = 0; i < a->ntags; i++)
        assert_true(utf8_valid(a->tags[i]));
    /* A slot left unexpanded means a typo in the generator's tables. */
    assert_null(strchr(a->title, '{'));
    assert_null(strchr(a->body_md, '{'));
    assert_null(strchr(a->summary, '{'));
    size_t words = count_words(a->title);
    assert_true(words >= 4 && words <= 12);
    assert_true(a->author[0] != '\0');
}

/* Counts over MANY articles, gathered once by test_many. */
struct tally {
    size_t en, fa, ar, summaries, heading, quote, list, bold, italic, link;
    size_t min_words, max_words;
    uint64_t views_total;
};

static void check_body(const struct gz_demo_article *a, struct tally *t)
{
    size_t paras = count_paragraphs(a->body_md);
    assert_true(paras >= 2 && paras <= 20);
    if (strcmp(a->lang, "en") == 0) {
        size_t words = count_words(a->body_md);
        t->min_words = words < t->min_words ? words : t->min_words;
        t->max_words = words > t->max_words ? words : t->max_words;
    }
    t->heading += strstr(a->body_md, "\n## ") != NULL;
    t->quote += strstr(a->body_md, "\n> ") != NULL;
    t->list += strstr(a->body_md, "\n- ") != NULL;
    t->bold += strstr(a->body_md, "**") != NULL;
    t->italic += strstr(a->body_md, " _") != NULL;
    t->link += strstr(a->body_md, "](https://example.org/") != NULL;
}

/* Persian and Arabic text is in Arabic script with no Latin letters, and
 * each language uses its own yeh and kaf (Persian ی ک, Arabic ي ك). */
static void check_script(const char *s, int persian)
{
    int arabic_letters = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        assert_false((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
        arabic_letters += *p >= 0xd8 && *p <= 0xdb;
    }
    assert_true(arabic_letters > 0);
    if (persian) {
        assert_null(strstr(s, "\xd9\x8a")); /* U+064A ARABIC LETTER YEH */
        assert_null(strstr(s, "\xd9\x83")); /* U+0643 ARABIC LETTER KAF */
    } else {
        assert_null(strstr(s, "\xdb\x8c")); /* U+06CC FARSI YEH */
        assert_null(strstr(s, "\xda\xa9")); /* U+06A9 KEHEH */
    }
}

static void count_lang(const struct gz_demo_article *a, struct tally *t)
{
    if (strcmp(a->lang, "en") == 0) {
        t->en++;
    } else if (strcmp(a->lang, "fa") == 0 || strcmp(a->lang, "ar") == 0) {
        int persian = a->lang[0] == 'f';
        *(persian ? &t->fa : &t->ar) += 1;
        check_script(a->title, persian);
        check_script(a->author, persian);
        if (a->summary[0])
            check_script(a->summary, persian);
        /* The body is Markdown, so skip the ASCII check but keep the rest. */
        assert_true(persian ? strstr(a->body_md, "\xd9\x8a") == NULL
                            : strstr(a->body_md, "\xdb\x8c") == NULL);
    } else {
        fail_msg("unexpected lang %s", a->lang);
    }
}

static void test_many(void **state)
{
    struct gz_demo g;
    gz_demo_init(&g, 7, NOW, MANY);
    char **titles = calloc(MANY, sizeof(*titles));
    uint64_t *views = calloc(MANY, sizeof(*views));
    assert_non_null(titles);
    assert_non_null(views);
    struct tally t = {.min_words = SIZE_MAX};
    int64_t last = INT64_MIN;

    for (size_t i = 0; i < MANY; i++) {
        struct gz_demo_article a;
        assert_int_equal(gz_demo_next(&g, &a), GZ_OK);
        check_strings(&a);
        check_tags(&a);
        check_body(&a, &t);
        count_lang(&a, &t);
        assert_true(a.published_at > last);
        assert_true(a.published_at < NOW);
        assert_true(a.published_at >= NOW - 2 * 366 * 86400);
        if (i == 0) /* spread over the past two years, oldest first */
            assert_true(a.published_at < NOW - 700 * 86400);
        last = a.published_at;
        t.summaries += a.summary[0] != '\0';
        views[i] = a.views;
        t.views_total += a.views;
        titles[i] = a.title;
        a.title = NULL; /* kept for the distinctness count */
        gz_demo_article_clear(&a);
    }
    /* The newest article is "a little before now": within a day. */
    assert_true(NOW - last < 86400);

    /* 3% Persian and 2% Arabic, with room for sampling noise. */
    assert_true(t.fa >= 200 && t.fa <= 400);
    assert_true(t.ar >= 120 && t.ar <= 280);
    assert_int_equal(t.en + t.fa + t.ar, MANY);
    assert_true(t.summaries >= 3500 && t.summaries <= 4500);

    assert_true(t.min_words >= 60);
    assert_true(t.max_words >= 1000 && t.max_words <= 2000);
    assert_true(t.heading > MANY / 10 && t.quote > MANY / 10 && t.list > MANY / 20);
    assert_true(t.bold > MANY / 50 && t.italic > MANY / 50 && t.link > MANY / 10);
    assert_true(t.bold < MANY / 2); /* "occasional" */

    qsort(titles, MANY, sizeof(*titles), cmp_str);
    size_t distinct = 1;
    for (size_t i = 1; i < MANY; i++)
        distinct += strcmp(titles[i], titles[i - 1]) != 0;
    assert_true(distinct >= MANY * 95 / 100);

    /* Zipf-like: most articles are read little, a few very much. */
    qsort(views, MANY, sizeof(*views), cmp_u64);
    uint64_t median = views[MANY / 2], top = views[MANY - 1];
    assert_true(median < 50);
    assert_true(top > 100 * (median + 1));
    assert_true(views[MANY - 10] > views[MANY - 100]);
    assert_true(t.views_total < 2000000);

    for (size_t i = 0; i < MANY; i++)
        free(titles[i]);
    free(titles);
    free(views);
}

/* 100,000 articles: the whole demo size, checked for ordering and that every
 * one is produced; also what ASan sees for leaks at scale. */
static void test_full_run(void **state)
{
    struct gz_demo g;
    struct gz_demo_article a;
    gz_demo_init(&g, 2024, NOW, 100000);
    int64_t last = INT64_MIN;
    uint64_t total_views = 0;
    size_t n = 0;
    while (gz_demo_next(&g, &a) == GZ_OK) {
        assert_true(a.published_at > last && a.published_at < NOW);
        last = a.published_at;
        total_views += a.views;
        n++;
        gz_demo_article_clear(&a);
    }
    assert_int_equal(n, 100000);
    assert_true(total_views > 1000000 && total_views < 8000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_articles),
        cmocka_unit_test(test_other_seed_other_articles),
        cmocka_unit_test(test_stops_after_total),
        cmocka_unit_test(test_exported_tags),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_full_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
