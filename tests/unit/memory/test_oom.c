/* The malloc-failure loop (SQLite's OOM test, curl's torture): for
 * N = 1, 2, ... the Nth allocation of an operation fails, in a forked
 * child, until an N is reached that the operation never gets to.
 *
 * The policy it checks (STYLE.md, docs/decisions/0007-out-of-memory.md):
 * gazette's own allocations (gz_xmalloc and friends) abort through one
 * handler, which prints "gazette: out of memory allocating N bytes"; an
 * allocation by a library (md4c, libc) may fail and must come back as a
 * clean error, with nothing leaked. So for every N the child either returns
 * cleanly with no block leaked, or dies of SIGABRT with exactly that one
 * message: never a segfault, a sanitizer report, or another signal. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "failmalloc.h"

#include "content/content.h"
#include "content/markdown.h"
#include "content/slug.h"
#include "content/teaser.h"
#include "core/arena.h"
#include "core/core.h"
#include "render/template.h"
#include "store/store.h"

/* Exit codes of the child. */
enum {
    CHILD_NOT_REACHED = 0, /* the operation made fewer than N allocations */
    CHILD_ERROR = 1,       /* failure injected, clean error returned */
    CHILD_OK = 2,          /* failure injected, the operation coped */
    CHILD_LEAK = 3,        /* blocks allocated by the operation still live */
    CHILD_BROKEN = 4,      /* failed with no failure injected */
};
/* What run_at makes of a child killed by a signal. */
enum { OUTCOME_OOM_ABORT = -1, OUTCOME_CRASH = -2 };

static const char OOM_MESSAGE[] = "gazette: out of memory allocating ";

struct tally {
    long errors, coped, aborts, allocations;
};

static const char MARKDOWN[] =
    "# A heading with *emphasis*\n\n"
    "Text with a [link](https://example.com/a?b=c) and `code`, an image "
    "![alt text](https://example.com/i.png) and &amp; entities &copy;.\n\n"
    "- one\n- two with **strong**\n  - nested\n\n"
    "1. first\n2. second\n\n"
    "> a quote\n\n"
    "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n"
    "```\ncode block\n```\n\n"
    "Persian: \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 and www.example.org autolink.\n";

/* ---- the operations: each cleans up after itself ---- */

static int op_markdown(void)
{
    struct gz_buf html, text;
    gz_buf_init(&html, GZ_BUF_PAGE_MAX);
    gz_buf_init(&text, GZ_BUF_PAGE_MAX);
    int rc = gz_markdown_render(MARKDOWN, strlen(MARKDOWN), &html, &text);
    /* On failure both buffers are left as they were: empty. */
    if (rc && (html.len || text.len))
        rc = CHILD_BROKEN;
    gz_buf_free(&html);
    gz_buf_free(&text);
    return rc;
}

static int op_teaser(void)
{
    static const char text[] = "Words that make a teaser, long enough to be cut "
                               "somewhere; with punctuation, and more words after "
                               "it so that the cut and the ellipsis both happen.";
    struct gz_buf out;
    gz_buf_init(&out, GZ_TEASER_MAX_BYTES);
    int rc = gz_teaser_make(NULL, text, strlen(text), 12, &out);
    gz_buf_free(&out);
    return rc;
}

static int op_slugify(void)
{
    static const char title[] = "Stra\xc3\x9f"
                                "e & Caf\xc3\xa9: "
                                "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 news!";
    struct gz_buf out;
    gz_buf_init(&out, GZ_SLUG_MAX + 16);
    int rc = gz_slugify(title, strlen(title), &out);
    gz_buf_free(&out);
    return rc;
}

static int op_prepare(void)
{
    struct gz_article a = {0};
    /* Allocated before arming would be simpler, but these are gazette's
     * own allocations too: an injected failure here must abort as well. */
    a.title = gz_xstrdup("A title \xc3\xa9t\xc3\xa9");
    a.body_src = gz_xstrdup(MARKDOWN);
    int rc = gz_content_prepare(&a, GZ_CONTENT_TEASER_WORDS);
    gz_article_clear(&a);
    return rc;
}

static const char PAGE_TPL[] = "<h1>{{title}}</h1>\n"
                               "{{#items}}\n"
                               "{{> item}}\n"
                               "{{/items}}\n"
                               "{{^items}}none{{/items}}\n"
                               "{{{raw}}} {{! a comment }} {{a.b.c}}\n";
static const char ITEM_TPL[] = "<li>{{name}} ({{n}})</li>";

static int op_template(void)
{
    char err[256];
    struct gz_tpl_set *set = gz_tpl_set_new();
    struct gz_arena arena;
    struct gz_buf out;
    gz_arena_init(&arena, 0);
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    int rc = gz_tpl_set_add(set, "page", PAGE_TPL, strlen(PAGE_TPL), err, sizeof err);
    if (!rc)
        rc = gz_tpl_set_add(set, "item", ITEM_TPL, strlen(ITEM_TPL), err, sizeof err);
    if (!rc)
        rc = gz_tpl_set_link(set, err, sizeof err);
    if (!rc) {
        struct gz_val *ctx = gz_val_obj(&arena);
        gz_obj_set_str(ctx, "title", "Fish & <chips>");
        gz_obj_set_str(ctx, "raw", "<b>raw</b>");
        struct gz_val *items = gz_val_list(&arena);
        for (int i = 0; i < 20; i++) {
            struct gz_val *item = gz_val_obj(&arena);
            gz_obj_set_str(item, "name", "an item with a name");
            gz_obj_set_int(item, "n", i);
            gz_list_push(items, item);
        }
        gz_obj_set(ctx, "items", items);
        rc = gz_tpl_render(set, "page", ctx, &out);
    }
    gz_buf_free(&out);
    gz_arena_free(&arena);
    gz_tpl_set_free(set);
    return rc;
}

/* A leak, to show that the loop would catch one. */
static void *leaked;

static int op_leaky(void)
{
    leaked = malloc(32);
    return leaked ? 0 : GZ_ERR;
}

/* ---- the loop ---- */

/* Dereferences what malloc returned without a check: what the loop is
 * there to catch. */
static int op_careless(void)
{
    char *volatile p = malloc(16);
    p[0] = 'x';
    free(p);
    return 0;
}

static void child(int (*op)(void), long n, int errfd)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* an OOM abort must not leave cores */
    /* cmocka catches SIGSEGV and friends to fail the test and carry on:
     * in the child that would run the rest of the suite a second time. A
     * crash must kill the child, for the parent to see it. */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    dup2(errfd, 2);
    failmalloc_arm(n);
    int rc = op();
    size_t live = failmalloc_live();
    int injected = failmalloc_injected();
    failmalloc_disarm();
    if (live) {
        fprintf(stderr, "%zu blocks leaked (rc %d)\n", live, rc);
        _exit(CHILD_LEAK);
    }
    if (!injected)
        _exit(rc == 0 ? CHILD_NOT_REACHED : CHILD_BROKEN);
    _exit(rc == 0 ? CHILD_OK : CHILD_ERROR);
}

static void read_all(int fd, char *buf, size_t len)
{
    size_t used = 0;
    ssize_t got;
    while ((got = read(fd, buf + used, len - 1 - used)) > 0 &&
           used + (size_t)got < len - 1)
        used += (size_t)got;
    if (got > 0)
        used += (size_t)got;
    buf[used] = '\0';
    while (got > 0) { /* drain the rest so the child never blocks */
        char sink[4096];
        got = read(fd, sink, sizeof sink);
    }
}

/* Runs op in a child with the nth allocation failing; returns the child's
 * CHILD_* code, or OUTCOME_OOM_ABORT for an abort through the one handler.
 * Any other death fails the test (returns OUTCOME_CRASH when crash_ok). */
static int run_at_opt(const char *name, int (*op)(void), long n, int crash_ok)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(op, n, fds[1]);
    }
    close(fds[1]);
    char err[8192];
    read_all(fds[0], err, sizeof err);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        const char *oom = strstr(err, OOM_MESSAGE);
        if (WTERMSIG(status) == SIGABRT && oom && !strstr(oom + 1, OOM_MESSAGE) &&
            !strstr(err, "Sanitizer") && !strstr(err, "runtime error"))
            return OUTCOME_OOM_ABORT;
        if (crash_ok)
            return OUTCOME_CRASH;
        fail_msg("%s, allocation %ld failing: killed by signal %d (%s)\nstderr: %s", name,
                 n, WTERMSIG(status), strsignal(WTERMSIG(status)), err);
    }
    int code = WEXITSTATUS(status);
    if (strstr(err, "Sanitizer") || strstr(err, "runtime error")) {
        if (crash_ok)
            return OUTCOME_CRASH;
        fail_msg("%s, allocation %ld failing: sanitizer report\nstderr: %s", name, n,
                 err);
    }
    if (code == CHILD_LEAK || code == CHILD_BROKEN || code > CHILD_BROKEN)
        fail_msg("%s, allocation %ld failing: %s (exit %d)\nstderr: %s", name, n,
                 code == CHILD_LEAK ? "leak after a clean error"
                                    : "error with no failure injected",
                 code, err);
    return code;
}

static int run_at(const char *name, int (*op)(void), long n)
{
    return run_at_opt(name, op, n, 0);
}

static struct tally loop(const char *name, int (*op)(void))
{
    struct tally t = {0};
    for (long n = 1;; n++) {
        int r = run_at(name, op, n);
        if (r == CHILD_NOT_REACHED) {
            t.allocations = n - 1;
            break;
        }
        if (r == OUTCOME_OOM_ABORT)
            t.aborts++;
        else if (r == CHILD_ERROR)
            t.errors++;
        else
            t.coped++;
        if (n > 100000)
            fail_msg("%s: no end to the allocations", name);
    }
    printf("[ OOM LOOP ] %-16s %ld allocations: %ld clean errors, %ld coped, "
           "%ld out-of-memory aborts\n",
           name, t.allocations, t.errors, t.coped, t.aborts);
    assert_true(t.allocations > 0);
    return t;
}

/* ---- tests ---- */

static void interposer_fails_nth_and_sees_leaks(void **state)
{
    /* A NULL from malloc used unchecked is a crash, not an OOM abort. */
    assert_int_equal(run_at_opt("careless", op_careless, 1, 1), OUTCOME_CRASH);
    assert_int_equal(run_at("careless", op_careless, 2), CHILD_NOT_REACHED);
    /* Allocation 1 fails: op_leaky returns an error, nothing leaks. */
    assert_int_equal(run_at("leaky", op_leaky, 1), CHILD_ERROR);
    /* Allocation 2 is never reached: the leak of allocation 1 is seen. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(op_leaky, 2, fds[1]);
    }
    close(fds[1]);
    char err[256];
    read_all(fds[0], err, sizeof err);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), CHILD_LEAK);
    assert_non_null(strstr(err, "1 blocks leaked"));
}

static void oom_markdown(void **state)
{
    struct tally t = loop("markdown", op_markdown);
    /* md4c's own allocations fail into GZ_ERR: the loop reached them. */
    assert_true(t.errors > 0);
}

static void oom_teaser(void **state)
{
    loop("teaser", op_teaser);
}

static void oom_slugify(void **state)
{
    loop("slugify", op_slugify);
}

static void oom_content_prepare(void **state)
{
    struct tally t = loop("content_prepare", op_prepare);
    assert_true(t.errors > 0);
}

static void oom_template(void **state)
{
    loop("template", op_template);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interposer_fails_nth_and_sees_leaks),
        cmocka_unit_test(oom_markdown),
        cmocka_unit_test(oom_teaser),
        cmocka_unit_test(oom_slugify),
        cmocka_unit_test(oom_content_prepare),
        cmocka_unit_test(oom_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
