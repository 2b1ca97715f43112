/* A malloc/calloc/realloc/free interposer for out-of-memory tests: it can
 * fail the Nth allocation of a stretch of code and tracks which blocks
 * allocated in that stretch are still live (leaks).
 *
 * The test executable defines malloc and friends, so every allocation of
 * the process goes through them: gazette's, and those of the shared
 * libraries it calls (md4c, libc). They pass on to the next definition
 * (glibc's allocator, or ASan's in a sanitizer build) found with
 * dlsym(RTLD_NEXT). Single-threaded use only. */
#ifndef FAILMALLOC_H
#define FAILMALLOC_H

#include <stddef.h>

/* Starts counting allocations from zero: the fail_at-th one returns NULL
 * (0: none fails); blocks allocated from now on are tracked. */
void failmalloc_arm(long fail_at);
/* Stops failing and tracking. */
void failmalloc_disarm(void);
/* Allocations counted since failmalloc_arm. */
long failmalloc_count(void);
/* 1 when the fail_at-th allocation happened and was failed. */
int failmalloc_injected(void);
/* Blocks allocated while armed and not freed yet. */
size_t failmalloc_live(void);

#endif
