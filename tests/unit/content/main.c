/* Runner for the content tests. Run a subset with a glob on test names:
 * test_content 'slug_*'. */
#include "content_tests.h"

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    int failed = 0;
    failed += gz_test_markdown();
    failed += gz_test_teaser();
    failed += gz_test_slug();
    failed += gz_test_prepare();
    failed += gz_test_normalize();
    failed += gz_test_search();
    failed += gz_test_sanitize();
    failed += gz_test_wordpress();
    return failed != 0;
}
