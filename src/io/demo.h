/* Demo content: a seeded generator of neutral, clearly fictional news articles
 * for `gazette demo --articles N`. It touches no database; the caller stores
 * each article and frees it, so memory stays constant however many are made.
 *
 * Article i depends only on (seed, i, now, total): the same arguments always
 * give byte-for-byte the same articles, on every platform. */
#ifndef GZ_DEMO_H
#define GZ_DEMO_H

#include <stddef.h>
#include <stdint.h>

/* One generated article. Every string is heap-allocated UTF-8 owned by the
 * struct until gz_demo_article_clear frees it. */
struct gz_demo_article {
    char *title;   /* 4-12 words, plain text (no markup) */
    char *summary; /* "" for about 60% of articles */
    char *body_md; /* Markdown, 2-20 paragraphs */
    char *lang;    /* "en" mostly; "fa" about 3%, "ar" about 2% */
    char *author;  /* one of a few invented bylines */
    char **tags;   /* 1-3 distinct names from gz_demo_tags */
    size_t ntags;
    int64_t published_at; /* unix seconds, strictly increasing with index */
    uint64_t views;       /* simulated all-time views, heavy-tailed */
};

/* Generator state: the counters plus the PRNG (xoshiro256**), which is
 * reseeded from (seed, index) for every article so article i can be made
 * without making articles 0..i-1 first. Plain data; nothing to free. */
struct gz_demo {
    uint64_t seed;
    int64_t now;
    size_t total;
    size_t index;  /* the next article to hand out */
    int64_t start; /* published_at of slot 0, before jitter */
    int64_t step;  /* seconds between two slots, >= 1 */
    uint64_t s[4]; /* xoshiro256** state of the current article */
};

/* The section/tag names every article's tags are drawn from. */
extern const char *const gz_demo_tags[];
extern const size_t gz_demo_ntags;

/* Prepares g to hand out `total` articles published over the two years
 * before `now` (unix seconds), the last one a little before `now`.
 * total must stay below 2^40. */
void gz_demo_init(struct gz_demo *g, uint64_t seed, int64_t now, size_t total);

/* Fills *out with the next article (out is overwritten, not freed: clear a
 * previous article first). Returns GZ_OK, GZ_ENOTFOUND once `total` articles
 * have been handed out (out left zeroed), or GZ_ETOOBIG if a text would not
 * fit its buffer (cannot happen with the built-in word lists). */
int gz_demo_next(struct gz_demo *g, struct gz_demo_article *out);

/* Frees every string of a and zeroes it; safe on a zeroed article. */
void gz_demo_article_clear(struct gz_demo_article *a);

#endif
