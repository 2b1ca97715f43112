/* Test groups of tests/unit/content, one per source file, run by main.c. */
#ifndef GZ_CONTENT_TESTS_H
#define GZ_CONTENT_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

int gz_test_markdown(void);
int gz_test_teaser(void);
int gz_test_slug(void);
int gz_test_prepare(void);
int gz_test_normalize(void);
int gz_test_search(void);
int gz_test_sanitize(void);
int gz_test_wordpress(void);

#endif
