/* Unit tests of the core runtime pieces: arena and QSBR (configuration:
 * test_config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/core.h"
#include "core/qsbr.h"

static void arena_basics(void **state)
{
    struct gz_arena a;
    gz_arena_init(&a, 64);
    char *s = gz_arena_strdup(&a, "hello");
    char *big = gz_arena_alloc(&a, 1000); /* larger than a chunk */
    memset(big, 'x', 1000);
    char *p = gz_arena_printf(&a, "%s-%d", s, 42);
    assert_string_equal(s, "hello");
    assert_string_equal(p, "hello-42");
    assert_int_equal(((uintptr_t)gz_arena_alloc(&a, 3)) % _Alignof(max_align_t), 0);
    assert_int_equal(((uintptr_t)gz_arena_alloc(&a, 5)) % _Alignof(max_align_t), 0);
    unsigned char *z = gz_arena_zalloc(&a, 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    /* Reset keeps one chunk and reuses it. */
    void *kept = a.head;
    gz_arena_reset(&a);
    assert_non_null(a.head);
    char *again = gz_arena_alloc(&a, 16);
    assert_ptr_equal(a.head, kept);
    assert_non_null(again);
    gz_arena_free(&a);
    assert_null(a.head);
    /* Reusable after free. */
    assert_string_equal(gz_arena_strdup(&a, "again"), "again");
    gz_arena_free(&a);
}

static int freed[4];
static void mark_free(void *p)
{
    freed[*(int *)p]++;
    free(p);
}

static int *boxed(int v)
{
    int *p = malloc(sizeof *p);
    *p = v;
    return p;
}

static void qsbr_grace(void **state)
{
    memset(freed, 0, sizeof freed);
    struct gz_qsbr *q = gz_qsbr_new(2);
    gz_qsbr_quiescent(q, 0);
    gz_qsbr_quiescent(q, 1);
    gz_qsbr_retire(q, boxed(0), mark_free);
    /* Neither reader has moved on: nothing may be freed. */
    assert_int_equal(gz_qsbr_reclaim(q), 0);
    gz_qsbr_quiescent(q, 0);
    assert_int_equal(gz_qsbr_reclaim(q), 0);
    gz_qsbr_quiescent(q, 1);
    assert_int_equal(gz_qsbr_reclaim(q), 1);
    assert_int_equal(freed[0], 1);
    /* An offline reader does not hold reclamation back. */
    gz_qsbr_offline(q, 1);
    gz_qsbr_retire(q, boxed(1), mark_free);
    gz_qsbr_quiescent(q, 0);
    assert_int_equal(gz_qsbr_reclaim(q), 1);
    assert_int_equal(freed[1], 1);
    /* What is still retired is freed with the whole thing. */
    gz_qsbr_retire(q, boxed(2), mark_free);
    gz_qsbr_free(q);
    assert_int_equal(freed[2], 1);
}

/* gz_qsbr_pending counts what waits for its grace period: what the event
 * loops read to wake the flusher when evicted pages pile up. */
static void qsbr_pending(void **state)
{
    memset(freed, 0, sizeof freed);
    struct gz_qsbr *q = gz_qsbr_new(1);
    gz_qsbr_quiescent(q, 0);
    assert_int_equal(gz_qsbr_pending(q), 0);
    for (int i = 0; i < 3; i++)
        gz_qsbr_retire(q, boxed(i), mark_free);
    assert_int_equal(gz_qsbr_pending(q), 3);
    assert_int_equal(gz_qsbr_reclaim(q), 0);
    assert_int_equal(gz_qsbr_pending(q), 3);
    gz_qsbr_quiescent(q, 0);
    assert_int_equal(gz_qsbr_reclaim(q), 3);
    assert_int_equal(gz_qsbr_pending(q), 0);
    gz_qsbr_free(q);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_basics),
        cmocka_unit_test(qsbr_grace),
        cmocka_unit_test(qsbr_pending),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
