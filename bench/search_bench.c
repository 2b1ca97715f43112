/* Times the store's search, as the /search page calls it: one call per
 * query (first page, per_page results, snippets included), on one store
 * handle, one query at a time. Not a test: it prints numbers.
 *
 * Usage: search_bench DB QUERIES [ROUNDS] [PER_PAGE]
 *
 * QUERIES has one query per line, "KIND<TAB>QUERY"; KIND groups the
 * numbers (word, two-words, phrase, prefix, ...). Every query is run once
 * to warm the page cache, then ROUNDS times (default 3) in order. Prints
 * p50, p95, p99 and max per kind and over all, and the mean number of
 * results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "store/store.h"

#define QUERIES_MAX 10000
#define KINDS_MAX 32

struct query {
    char kind[32];
    char text[1024];
};

struct sample {
    int kind;
    double ms;
};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int read_queries(const char *path, struct query *q, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[1200];
    if (!f)
        return -1;
    *n = 0;
    while (*n < QUERIES_MAX && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        snprintf(q[*n].kind, sizeof q[*n].kind, "%.31s", line);
        snprintf(q[*n].text, sizeof q[*n].text, "%.1023s", tab + 1);
        (*n)++;
    }
    fclose(f);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

/* Prints one line of percentiles over the samples of kind (-1: all). */
static void report(const char *name, const struct sample *s, size_t n, int kind,
                   double results)
{
    double *ms = malloc((n ? n : 1) * sizeof *ms);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (kind < 0 || s[i].kind == kind)
            ms[m++] = s[i].ms;
    if (m) {
        qsort(ms, m, sizeof *ms, cmp_double);
        printf("%-12s %6zu %8.2f %8.2f %8.2f %8.2f %10.0f\n", name, m, pct(ms, m, 0.50),
               pct(ms, m, 0.95), pct(ms, m, 0.99), ms[m - 1], results);
    }
    free(ms);
}

static int kind_index(char kinds[][32], size_t *nkinds, const char *kind)
{
    for (size_t i = 0; i < *nkinds; i++)
        if (!strcmp(kinds[i], kind))
            return (int)i;
    if (*nkinds == KINDS_MAX)
        return KINDS_MAX - 1;
    snprintf(kinds[*nkinds], 32, "%.31s", kind);
    return (int)(*nkinds)++;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: search_bench DB QUERIES [ROUNDS] [PER_PAGE]\n");
        return 2;
    }
    int64_t rounds = 3, per_page = 10;
    if ((argc > 3 && gz_parse_i64(argv[3], strlen(argv[3]), 1, 1000, &rounds)) ||
        (argc > 4 && gz_parse_i64(argv[4], strlen(argv[4]), 1, 1000, &per_page))) {
        fprintf(stderr, "search_bench: ROUNDS and PER_PAGE are numbers from 1 to 1000\n");
        return 2;
    }
    static struct query q[QUERIES_MAX];
    size_t n;
    if (read_queries(argv[2], q, &n) || n == 0) {
        fprintf(stderr, "search_bench: no queries in %s\n", argv[2]);
        return 1;
    }
    char err[256];
    struct gz_store *st;
    if (gz_store_open(argv[1], &st, err, sizeof err)) {
        fprintf(stderr, "search_bench: %s\n", err);
        return 1;
    }
    char kinds[KINDS_MAX][32];
    size_t nkinds = 0;
    int *kind_of = malloc(n * sizeof *kind_of);
    double *hits = calloc(KINDS_MAX + 1, sizeof *hits);
    size_t *count = calloc(KINDS_MAX + 1, sizeof *count);
    struct sample *s = malloc(n * (size_t)rounds * sizeof *s);
    size_t ns = 0;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < n; i++)
        kind_of[i] = kind_index(kinds, &nkinds, q[i].kind);
    for (int64_t r = -1; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            struct gz_search_hits h;
            double t0 = now_ms();
            if (st->ops->search(st, q[i].text, NULL, now, 0, (size_t)per_page, &h)) {
                fprintf(stderr, "search_bench: query failed: %s\n", q[i].text);
                return 1;
            }
            double dt = now_ms() - t0;
            if (r >= 0) {
                s[ns++] = (struct sample){kind_of[i], dt};
                hits[kind_of[i]] += (double)h.total;
                count[kind_of[i]]++;
                hits[KINDS_MAX] += (double)h.total;
                count[KINDS_MAX]++;
            }
            gz_search_hits_clear(&h);
        }
    }
    printf("%zu queries x %lld rounds = %zu searches (after one warm-up round), %lld per "
           "page\n\n",
           n, (long long)rounds, ns, (long long)per_page);
    printf("%-12s %6s %8s %8s %8s %8s %10s\n", "kind", "runs", "p50 ms", "p95 ms",
           "p99 ms", "max ms", "results");
    for (size_t k = 0; k < nkinds; k++)
        report(kinds[k], s, ns, (int)k, hits[k] / (double)count[k]);
    report("all", s, ns, -1, hits[KINDS_MAX] / (double)count[KINDS_MAX]);
    gz_store_close(st);
    free(s);
    free(kind_of);
    free(hits);
    free(count);
    return 0;
}
