#include "core/arena.h"
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gz_arena_chunk {
    struct gz_arena_chunk *next;
    size_t used;
    size_t size;
    _Alignas(max_align_t) unsigned char data[];
};

#define ALIGN (_Alignof(max_align_t)) /* what malloc promises, and so each chunk */

void gz_arena_init(struct gz_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size;
}

void gz_arena_free(struct gz_arena *a)
{
    struct gz_arena_chunk *c = a->head;
    while (c) {
        struct gz_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void gz_arena_reset(struct gz_arena *a)
{
    struct gz_arena_chunk *keep = NULL, *c = a->head;
    size_t size = a->chunk_size ? a->chunk_size : 8192;
    while (c) {
        struct gz_arena_chunk *next = c->next;
        /* Keep one chunk of the standard size; big ones go back. */
        if (!keep && c->size == size) {
            keep = c;
            keep->used = 0;
            keep->next = NULL;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = keep;
}

void *gz_arena_alloc(struct gz_arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    struct gz_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = a->chunk_size ? a->chunk_size : 8192;
        if (size < n)
            size = n;
        c = gz_xmalloc(sizeof(*c) + size);
        c->used = 0;
        c->size = size;
        /* A big allocation gets its own chunk behind the current one, so the
         * space left in the current chunk is not wasted. */
        if (a->head && n > (a->chunk_size ? a->chunk_size : 8192) / 2) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void *gz_arena_zalloc(struct gz_arena *a, size_t n)
{
    void *p = gz_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *gz_arena_strndup(struct gz_arena *a, const char *s, size_t n)
{
    char *p = gz_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gz_arena_strdup(struct gz_arena *a, const char *s)
{
    return gz_arena_strndup(a, s, strlen(s));
}

char *gz_arena_printf(struct gz_arena *a, const char *fmt, ...)
{
    /* Also keeps gcc's sanitizer builds from warning of a null format. */
    if (!fmt)
        return gz_arena_strdup(a, "");
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = gz_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
