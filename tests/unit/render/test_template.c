/* Unit tests of the template language (src/render/template.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/core.h"
#include "render/template.h"

struct fixture {
    struct gz_arena arena;
    struct gz_tpl_set *set;
    struct gz_buf out;
    char err[256];
};

static int setup(void **state)
{
    struct fixture *f = gz_xcalloc(1, sizeof(*f));
    gz_arena_init(&f->arena, 0);
    f->set = gz_tpl_set_new();
    gz_buf_init(&f->out, GZ_BUF_PAGE_MAX);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    gz_buf_free(&f->out);
    gz_tpl_set_free(f->set);
    gz_arena_free(&f->arena);
    free(f);
    return 0;
}

static void add(struct fixture *f, const char *name, const char *src)
{
    int rc = gz_tpl_set_add(f->set, name, src, strlen(src), f->err, sizeof(f->err));
    if (rc)
        fail_msg("compiling %s: %s", name, f->err);
}

/* Compiles src as "t" and renders it with ctx; returns the output. */
static const char *render(struct fixture *f, const char *src, const struct gz_val *ctx)
{
    add(f, "t", src);
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "t", ctx, &f->out), GZ_OK);
    return f->out.p ? f->out.p : "";
}

/* Compiles src expecting failure; returns the error message. */
static const char *compile_error(struct fixture *f, const char *src)
{
    f->err[0] = '\0';
    assert_int_equal(
        gz_tpl_set_add(f->set, "bad.html", src, strlen(src), f->err, sizeof(f->err)),
        GZ_EINVAL);
    return f->err;
}

static void test_escape_by_default(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "x", "a&b<c>d\"e'f");
    assert_string_equal(render(f, "[{{x}}]", ctx), "[a&amp;b&lt;c&gt;d&quot;e&#39;f]");
    assert_string_equal(render(f, "[{{ x }}]", ctx), "[a&amp;b&lt;c&gt;d&quot;e&#39;f]");
}

static void test_raw_only_when_asked(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "html", "<b>&amp;</b>");
    assert_string_equal(render(f, "{{{html}}}", ctx), "<b>&amp;</b>");
    assert_string_equal(render(f, "{{& html}}", ctx), "<b>&amp;</b>");
    assert_string_equal(render(f, "{{{ html }}}|{{html}}", ctx),
                        "<b>&amp;</b>|&lt;b&gt;&amp;amp;&lt;/b&gt;");
}

static void test_values(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_int(ctx, "n", -1234567890123);
    gz_obj_set_int(ctx, "zero", 0);
    gz_obj_set_bool(ctx, "yes", true);
    gz_obj_set(ctx, "nothing", gz_val_null(&f->arena));
    gz_obj_set(ctx, "obj", gz_val_obj(&f->arena));
    gz_obj_set_strn(ctx, "part", "abcdef", 3);
    assert_string_equal(
        render(f, "{{n}} {{zero}} {{yes}} [{{nothing}}{{missing}}{{obj}}] {{part}}", ctx),
        "-1234567890123 0 true [] abc");
    /* Setting a key again replaces it. */
    gz_obj_set_str(ctx, "part", "new");
    assert_string_equal(render(f, "{{part}}", ctx), "new");
    /* A NULL context renders names as empty. */
    assert_string_equal(render(f, "a{{x}}b{{#x}}c{{/x}}{{^x}}d{{/x}}", NULL), "abd");
}

static void test_section_list(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    struct gz_val *items = gz_val_list(&f->arena);
    const char *names[] = {"one", "two", "<three>"};
    for (size_t i = 0; i < 3; i++) {
        struct gz_val *item = gz_val_obj(&f->arena);
        gz_obj_set_str(item, "name", names[i]);
        gz_obj_set_int(item, "n", (int64_t)i + 1);
        gz_list_push(items, item);
    }
    gz_obj_set(ctx, "items", items);
    gz_obj_set(ctx, "empty", gz_val_list(&f->arena));
    assert_string_equal(render(f, "{{#items}}[{{n}}:{{name}}]{{/items}}", ctx),
                        "[1:one][2:two][3:&lt;three&gt;]");
    assert_string_equal(render(f, "a{{#empty}}X{{/empty}}b", ctx), "ab");

    struct gz_val *strings = gz_val_list(&f->arena);
    gz_list_push(strings, gz_val_str(&f->arena, "x"));
    gz_list_push(strings, gz_val_str(&f->arena, "&"));
    gz_list_push(strings, gz_val_int(&f->arena, 7));
    gz_obj_set(ctx, "strings", strings);
    assert_string_equal(render(f, "{{#strings}}<{{.}}>{{/strings}}", ctx),
                        "<x><&amp;><7>");
}

static void test_section_truthiness(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_bool(ctx, "t", true);
    gz_obj_set_bool(ctx, "f", false);
    gz_obj_set_int(ctx, "one", 1);
    gz_obj_set_int(ctx, "zero", 0);
    gz_obj_set_str(ctx, "s", "hi");
    gz_obj_set_str(ctx, "es", "");
    gz_obj_set(ctx, "null", gz_val_null(&f->arena));
    struct gz_val *o = gz_val_obj(&f->arena);
    gz_obj_set_str(o, "k", "v");
    gz_obj_set(ctx, "o", o);
    const char *src = "{{#t}}T{{/t}}{{#f}}F{{/f}}{{#one}}1{{/one}}{{#zero}}0{{/zero}}"
                      "{{#s}}S={{.}}{{/s}}{{#es}}E{{/es}}{{#null}}N{{/null}}"
                      "{{#missing}}M{{/missing}}{{#o}}O={{k}}{{/o}}";
    assert_string_equal(render(f, src, ctx), "T1S=hiO=v");
    const char *inv = "{{^t}}T{{/t}}{{^f}}F{{/f}}{{^one}}1{{/one}}{{^zero}}0{{/zero}}"
                      "{{^s}}S{{/s}}{{^es}}E{{/es}}{{^null}}N{{/null}}"
                      "{{^missing}}M{{/missing}}{{^o}}O{{/o}}";
    assert_string_equal(render(f, inv, ctx), "F0ENM");
}

static void test_nested_sections_and_stack(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "site", "Gazette");
    gz_obj_set_str(ctx, "name", "root");
    struct gz_val *outer = gz_val_list(&f->arena);
    for (int i = 0; i < 2; i++) {
        struct gz_val *item = gz_val_obj(&f->arena);
        gz_obj_set_str(item, "name", i ? "b" : "a");
        struct gz_val *tags = gz_val_list(&f->arena);
        struct gz_val *tag = gz_val_obj(&f->arena);
        gz_obj_set_str(tag, "tag", i ? "y" : "x");
        gz_list_push(tags, tag);
        gz_obj_set(item, "tags", tags);
        gz_list_push(outer, item);
    }
    gz_obj_set(ctx, "items", outer);
    /* Inner sections see the item (name), the tag and the root (site). */
    assert_string_equal(render(f,
                               "{{#items}}{{name}}({{#tags}}{{tag}}/{{name}}/{{site}}{{/"
                               "tags}}) {{/items}}{{name}}",
                               ctx),
                        "a(x/a/Gazette) b(y/b/Gazette) root");
}

static void test_dotted_names(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    struct gz_val *a = gz_val_obj(&f->arena), *b = gz_val_obj(&f->arena);
    gz_obj_set_str(b, "c", "deep");
    gz_obj_set(a, "b", b);
    gz_obj_set(ctx, "a", a);
    gz_obj_set_str(ctx, "c", "top");
    struct gz_val *other = gz_val_obj(&f->arena);
    gz_obj_set_str(other, "x", "1");
    gz_obj_set(ctx, "other", other);
    assert_string_equal(
        render(f, "{{a.b.c}}|{{a.b.x}}|{{a.x.c}}|{{#a.b}}{{c}}{{/a.b}}", ctx),
        "deep|||deep");
    /* The first segment resolves up the stack, the rest strictly inside. */
    assert_string_equal(render(f, "{{#other}}{{a.b.c}}{{x}}{{/other}}", ctx), "deep1");
    assert_string_equal(
        render(f, "{{#a.b.c}}[{{.}}]{{/a.b.c}}{{^a.nope}}none{{/a.nope}}", ctx),
        "[deep]none");
}

static void test_partials(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "who", "<you>");
    struct gz_val *list = gz_val_list(&f->arena);
    gz_list_push(list, gz_val_str(&f->arena, "1"));
    gz_list_push(list, gz_val_str(&f->arena, "2"));
    gz_obj_set(ctx, "list", list);
    add(f, "hello.html", "Hello {{who}}!");
    add(f, "item", "({{.}})");
    assert_string_equal(
        render(f, "{{> hello.html}} {{>hello}} {{#list}}{{> item}}{{/list}}", ctx),
        "Hello &lt;you&gt;! Hello &lt;you&gt;! (1)(2)");
    assert_int_equal(gz_tpl_set_link(f->set, f->err, sizeof(f->err)), GZ_OK);
}

/* A tree rendered by a partial that includes itself, bounded by the data. */
static struct gz_val *tree(struct gz_arena *a, int depth)
{
    struct gz_val *node = gz_val_obj(a);
    gz_obj_set_int(node, "depth", depth);
    /* Leaves need their own empty list, or "kids" would resolve to the
     * parent's list up the context stack. */
    struct gz_val *kids = gz_val_list(a);
    if (depth > 0)
        gz_list_push(kids, tree(a, depth - 1));
    gz_obj_set(node, "kids", kids);
    return node;
}

static void test_partial_recursion_cap(void **state)
{
    struct fixture *f = *state;
    add(f, "node", "{{depth}}{{#kids}}<{{> node}}>{{/kids}}");
    add(f, "loop", "x{{> loop}}");
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "node", tree(&f->arena, 3), &f->out), GZ_OK);
    assert_string_equal(f->out.p, "3<2<1<0>>>");
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "node", tree(&f->arena, 40), &f->out),
                     GZ_EINVAL);
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "loop", NULL, &f->out), GZ_EINVAL);
    /* The cap allows exactly GZ_TPL_MAX_DEPTH nested partials. */
    assert_int_equal(strlen(f->out.p), GZ_TPL_MAX_DEPTH + 1);
}

static void test_standalone_lines(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    struct gz_val *list = gz_val_list(&f->arena);
    gz_list_push(list, gz_val_str(&f->arena, "a"));
    gz_list_push(list, gz_val_str(&f->arena, "b"));
    gz_obj_set(ctx, "list", list);
    gz_obj_set_bool(ctx, "yes", true);
    add(f, "p", "P\n");
    assert_string_equal(render(f,
                               "<ul>\n"
                               "  {{#list}}\n"
                               "  <li>{{.}}</li>\n"
                               "  {{/list}}\n"
                               "\t{{! a comment }}  \n"
                               "  {{^list}}\n"
                               "  none\n"
                               "  {{/list}}\n"
                               "</ul>\n"
                               "  {{> p}}\n"
                               "end",
                               ctx),
                        "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\nP\nend");
    /* CRLF line ends and a standalone tag on the last line without newline. */
    assert_string_equal(render(f, "a\r\n{{#yes}}\r\nb\r\n{{/yes}}", ctx), "a\r\nb\r\n");
    /* Tags sharing a line with text or with a variable are not standalone. */
    assert_string_equal(render(f, "a {{#yes}}b{{/yes}} c\n", ctx), "a b c\n");
    assert_string_equal(render(f, "  {{#yes}}{{/yes}}  \n", ctx), "    \n");
    assert_string_equal(render(f, "{{#list}}{{.}}\n{{/list}}\n", ctx), "a\nb\n");
    /* Variables never make a line standalone. */
    assert_string_equal(render(f, "  {{missing}}\nx", ctx), "  \nx");
}

static void test_multiline_comment(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(render(f, "a{{! one\ntwo }}b\n{{!\n x\n}}\nc", NULL), "ab\nc");
}

static void test_errors_with_line_numbers(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(compile_error(f, "line1\n{{#tags}}\n  {{name}}\n"),
                        "bad.html:2: unclosed section 'tags'");
    assert_string_equal(compile_error(f, "a\nb\n{{#x}}\n{{#y}}\n{{/x}}\n"),
                        "bad.html:5: mismatched close tag 'x' (expected 'y')");
    assert_string_equal(compile_error(f, "one\ntwo\nthree {{name\n"),
                        "bad.html:3: unterminated tag");
    assert_string_equal(compile_error(f, "x\n{{name\n}} {{ok}}"),
                        "bad.html:2: unterminated tag");
    assert_string_equal(compile_error(f, "x\n{{{raw}}\n"),
                        "bad.html:2: unterminated tag (expected '}}}')");
    assert_string_equal(compile_error(f, "\n\n\n{{ }}"), "bad.html:4: empty tag name");
    assert_string_equal(compile_error(f, "{{#}}{{/}}"), "bad.html:1: empty tag name");
    assert_string_equal(compile_error(f, "a\n{{/x}}"),
                        "bad.html:2: unexpected close tag 'x'");
    assert_string_equal(compile_error(f, "{{! c\n\n}}\n{{a b}}"),
                        "bad.html:4: invalid tag name 'a b'");
    assert_string_equal(compile_error(f, "{{a..b}}"),
                        "bad.html:1: invalid tag name 'a..b'");
    /* Multi-line comments before the error still count their lines. */
    assert_string_equal(compile_error(f, "{{!\n\n}}\n{{#a}}\n\n{{/b}}"),
                        "bad.html:6: mismatched close tag 'b' (expected 'a')");
    /* A failed add leaves the set without the template. */
    assert_false(gz_tpl_set_has(f->set, "bad.html"));
}

static void test_failed_replace_keeps_old(void **state)
{
    struct fixture *f = *state;
    add(f, "bad.html", "old");
    compile_error(f, "{{#x}}");
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "bad.html", NULL, &f->out), GZ_OK);
    assert_string_equal(f->out.p, "old");
    add(f, "bad.html", "new");
    gz_buf_reset(&f->out);
    assert_int_equal(gz_tpl_render(f->set, "bad.html", NULL, &f->out), GZ_OK);
    assert_string_equal(f->out.p, "new");
}

static void test_unknown_template_and_partial(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_tpl_render(f->set, "nope.html", NULL, &f->out), GZ_ENOTFOUND);
    add(f, "page.html", "a\n\n{{> missing}}\n");
    assert_int_equal(gz_tpl_set_link(f->set, f->err, sizeof(f->err)), GZ_ENOTFOUND);
    assert_string_equal(f->err, "page.html:3: unknown partial 'missing'");
    assert_int_equal(gz_tpl_render(f->set, "page.html", NULL, &f->out), GZ_ENOTFOUND);
    add(f, "missing", "ok");
    assert_int_equal(gz_tpl_set_link(f->set, f->err, sizeof(f->err)), GZ_OK);
}

static void test_output_cap(void **state)
{
    struct fixture *f = *state;
    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "x", "<<<<");
    add(f, "t", "0123456789{{x}}");
    struct gz_buf small;
    gz_buf_init(&small, 16);
    assert_int_equal(gz_tpl_render(f->set, "t", ctx, &small), GZ_ETOOBIG);
    gz_buf_free(&small);
    gz_buf_init(&small, 26);
    assert_int_equal(gz_tpl_render(f->set, "t", ctx, &small), GZ_OK);
    assert_string_equal(small.p, "0123456789&lt;&lt;&lt;&lt;");
    gz_buf_free(&small);
    /* The cap also stops output inside sections and partials. */
    struct gz_val *list = gz_val_list(&f->arena);
    for (int i = 0; i < 100; i++)
        gz_list_push(list, ctx);
    gz_obj_set(ctx, "list", list);
    add(f, "many", "{{#list}}{{> t}}{{/list}}");
    gz_buf_init(&small, 1000);
    assert_int_equal(gz_tpl_render(f->set, "many", ctx, &small), GZ_ETOOBIG);
    gz_buf_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_escape_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_only_when_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_section_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_section_truthiness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_sections_and_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotted_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_recursion_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_standalone_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiline_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_with_line_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_replace_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_template_and_partial, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_output_cap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
