/* See failmalloc.h. The live-block table is static memory: the interposer
 * itself must never allocate. */
#include "failmalloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

/* dlsym may allocate (dlerror's buffer) while the real functions are being
 * looked up: those allocations come from here and are never freed. */
static _Alignas(16) char boot[16384];
static size_t boot_used;
static int resolving;

#define MAX_LIVE 65536

static struct {
    int armed;
    long fail_at;
    long count;
    int injected;
    size_t nlive;
    void *live[MAX_LIVE];
} fm;

static void die(const char *msg)
{
    /* write(2): stdio may allocate. */
    (void)!write(2, msg, strlen(msg));
    abort();
}

static void resolve(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    resolving = 0;
    if (!real_malloc || !real_calloc || !real_realloc || !real_free)
        die("failmalloc: cannot find the real allocator\n");
}

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot - boot_used)
        die("failmalloc: bootstrap buffer exhausted\n");
    void *p = boot + boot_used;
    boot_used += n;
    return p; /* static memory: already zero, as calloc wants */
}

static int in_boot(const void *p)
{
    return (const char *)p >= boot && (const char *)p < boot + sizeof boot;
}

static int should_fail(void)
{
    if (!fm.armed)
        return 0;
    if (++fm.count != fm.fail_at)
        return 0;
    fm.injected = 1;
    errno = ENOMEM;
    return 1;
}

static void track(void *p)
{
    if (!fm.armed || !p)
        return;
    if (fm.nlive == MAX_LIVE)
        die("failmalloc: too many live blocks to track\n");
    fm.live[fm.nlive++] = p;
}

static void untrack(void *p)
{
    for (size_t i = fm.nlive; i-- > 0;) {
        if (fm.live[i] == p) {
            fm.live[i] = fm.live[--fm.nlive];
            return;
        }
    }
}

void *malloc(size_t n)
{
    resolve();
    if (resolving)
        return boot_alloc(n);
    if (should_fail())
        return NULL;
    void *p = real_malloc(n);
    track(p);
    return p;
}

void *calloc(size_t count, size_t size)
{
    resolve();
    if (resolving) {
        if (size && count > (size_t)-1 / size)
            return NULL;
        return boot_alloc(count * size);
    }
    if (should_fail())
        return NULL;
    void *p = real_calloc(count, size);
    track(p);
    return p;
}

void *realloc(void *p, size_t n)
{
    resolve();
    if (in_boot(p) || resolving)
        die("failmalloc: realloc of a bootstrap block\n");
    if (should_fail())
        return NULL;
    void *q = real_realloc(p, n);
    if (q || n == 0) {
        if (p)
            untrack(p);
        track(q);
    }
    return q;
}

void free(void *p)
{
    if (!p || in_boot(p))
        return;
    resolve();
    untrack(p);
    real_free(p);
}

void failmalloc_arm(long fail_at)
{
    resolve();
    fm.count = 0;
    fm.fail_at = fail_at;
    fm.injected = 0;
    fm.nlive = 0;
    fm.armed = 1;
}

void failmalloc_disarm(void)
{
    fm.armed = 0;
}

long failmalloc_count(void)
{
    return fm.count;
}

int failmalloc_injected(void)
{
    return fm.injected;
}

size_t failmalloc_live(void)
{
    return fm.nlive;
}
