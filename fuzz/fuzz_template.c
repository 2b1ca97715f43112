/* Fuzz target: the template compiler and renderer. The input is compiled as
 * a template (errors are fine, crashes are not) and, when it compiles,
 * rendered against a context with strings holding HTML-special characters:
 * a plain {{name}} must never let them through unescaped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "render/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gz_tpl_set *set = gz_tpl_set_new();
    char err[256];
    /* A second template, so that partials have something to include. */
    static const char part[] = "[{{title}}]{{#items}}{{> page}}{{/items}}";
    gz_tpl_set_add(set, "part", part, sizeof(part) - 1, err, sizeof err);
    if (gz_tpl_set_add(set, "page", (const char *)data, size, err, sizeof err) == GZ_OK) {
        struct gz_arena a;
        gz_arena_init(&a, 4096);
        struct gz_val *ctx = gz_val_obj(&a);
        gz_obj_set_str(ctx, "title", "<b>\"x\"</b>&'");
        gz_obj_set_bool(ctx, "flag", true);
        gz_obj_set_int(ctx, "n", -42);
        struct gz_val *items = gz_val_list(&a);
        for (int i = 0; i < 3; i++) {
            struct gz_val *o = gz_val_obj(&a);
            gz_obj_set_str(o, "name", "<i>");
            gz_list_push(items, o);
        }
        gz_obj_set(ctx, "items", items);
        struct gz_buf out;
        gz_buf_init(&out, 1 << 20);
        gz_tpl_render(set, "page", ctx, &out);
        gz_buf_free(&out);
        gz_arena_free(&a);
    }
    gz_tpl_set_free(set);
    return 0;
}
