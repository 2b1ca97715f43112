/* Arena: a bump allocator for one request or one job. Everything allocated
 * from it is released at once by gz_arena_free(); nothing is freed singly. */
#ifndef GZ_ARENA_H
#define GZ_ARENA_H

#include <stddef.h>

struct gz_arena_chunk;

struct gz_arena {
    struct gz_arena_chunk *head;
    size_t chunk_size;
};

/* An empty arena; the first allocation takes a chunk of chunk_size bytes
 * (0 means 8 KiB). Zero-initialised memory is a valid empty arena too. */
void gz_arena_init(struct gz_arena *a, size_t chunk_size);
/* Frees every chunk; the arena is empty again and can be reused. */
void gz_arena_free(struct gz_arena *a);
/* Empties the arena but keeps its first chunk, so an arena reused for every
 * request costs no malloc once warm. */
void gz_arena_reset(struct gz_arena *a);
/* Memory aligned for any type; aborts on out-of-memory like gz_xmalloc. */
void *gz_arena_alloc(struct gz_arena *a, size_t n);
void *gz_arena_zalloc(struct gz_arena *a, size_t n);
char *gz_arena_strndup(struct gz_arena *a, const char *s, size_t n);
char *gz_arena_strdup(struct gz_arena *a, const char *s);
char *gz_arena_printf(struct gz_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
