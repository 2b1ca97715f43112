/* A small logic-less template language (a mustache subset), compiled once
 * into an op list and rendered many times.
 *
 * Tags: {{name}} (HTML-escaped), {{{name}}} and {{& name}} (raw),
 * {{#name}}..{{/name}} sections, {{^name}}..{{/name}} inverted sections,
 * {{> partial}}, {{! comment}}, dotted names (a.b.c) and {{.}} for the
 * current item. A line holding only a section, inverted, close, comment or
 * partial tag plus whitespace is removed from the output entirely.
 *
 * Values are a tree built per render in an arena (struct gz_val); the tree
 * never copies strings or keys, so they must outlive the render. */
#ifndef GZ_TEMPLATE_H
#define GZ_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/core.h"

enum gz_val_kind {
    GZ_VAL_NULL,
    GZ_VAL_BOOL,
    GZ_VAL_INT,
    GZ_VAL_STR,
    GZ_VAL_LIST,
    GZ_VAL_OBJ,
};

struct gz_val_item;
struct gz_val_entry;

/* One value in a render context. Lists and objects are singly linked so they
 * grow in the arena without copying; objects are small and looked up by
 * string compare. All nodes live in the arena given at creation. */
struct gz_val {
    enum gz_val_kind kind;
    struct gz_arena *arena; /* where lists and objects allocate new nodes */
    union {
        bool b;
        int64_t i;
        struct gz_str s;
        struct {
            struct gz_val_item *head, *tail;
            size_t len;
        } list;
        struct {
            struct gz_val_entry *head, *tail;
        } obj;
    } u;
};

struct gz_val_item {
    const struct gz_val *val;
    struct gz_val_item *next;
};

struct gz_val_entry {
    const char *key; /* not copied */
    uint32_t hash;   /* of key: lookups compare it before the key */
    const struct gz_val *val;
    struct gz_val_entry *next;
};

/* Builders. Strings and keys are NOT copied: the caller keeps them alive for
 * as long as the tree is used. A NULL string makes an empty string. */
struct gz_val *gz_val_null(struct gz_arena *a);
struct gz_val *gz_val_bool(struct gz_arena *a, bool b);
struct gz_val *gz_val_int(struct gz_arena *a, int64_t i);
struct gz_val *gz_val_str(struct gz_arena *a, const char *s);
struct gz_val *gz_val_strn(struct gz_arena *a, const char *s, size_t len);
struct gz_val *gz_val_list(struct gz_arena *a);
struct gz_val *gz_val_obj(struct gz_arena *a);

/* Appends val to a list; a no-op when list is not a list. */
void gz_list_push(struct gz_val *list, const struct gz_val *val);
/* Sets key in an object, replacing an existing entry of the same key;
 * a no-op when obj is not an object. */
void gz_obj_set(struct gz_val *obj, const char *key, const struct gz_val *val);
/* Conveniences that build the value in obj's arena and set it. */
void gz_obj_set_str(struct gz_val *obj, const char *key, const char *s);
void gz_obj_set_strn(struct gz_val *obj, const char *key, const char *s, size_t len);
void gz_obj_set_int(struct gz_val *obj, const char *key, int64_t i);
void gz_obj_set_bool(struct gz_val *obj, const char *key, bool b);
/* Looks key up in obj; NULL when obj is not an object or key is absent. */
const struct gz_val *gz_obj_get(const struct gz_val *obj, const char *key);

/* A set of named templates that may include each other as partials.
 * Built single-threaded; once built it is read-only and may be rendered
 * from several threads at once. */
struct gz_tpl_set;

struct gz_tpl_set *gz_tpl_set_new(void);
void gz_tpl_set_free(struct gz_tpl_set *set);

/* Compiles src (len bytes, copied) as template name (copied), replacing a
 * template of the same name. On a syntax error returns GZ_EINVAL, leaves
 * the set unchanged and writes "name:line: message" into err. */
int gz_tpl_set_add(struct gz_tpl_set *set, const char *name, const char *src, size_t len,
                   char *err, size_t errlen);

/* Checks that every partial referenced by every template exists in the set.
 * Returns GZ_ENOTFOUND with "name:line: unknown partial 'x'" in err. */
int gz_tpl_set_link(const struct gz_tpl_set *set, char *err, size_t errlen);

/* True when the set holds a template of that name. */
bool gz_tpl_set_has(const struct gz_tpl_set *set, const char *name);

/* Renders template name with ctx (may be NULL) as the root context,
 * appending to out. A partial {{> x}} names a template of the set: "x"
 * exactly, else "x.html". Partials nest at most GZ_TPL_MAX_DEPTH deep.
 * Returns GZ_ENOTFOUND for an unknown template or partial (logged with its
 * name), GZ_ETOOBIG when out's maximum is reached, GZ_EINVAL when partials
 * nest too deep. On failure out holds a partial page. */
int gz_tpl_render(const struct gz_tpl_set *set, const char *name,
                  const struct gz_val *ctx, struct gz_buf *out);

#define GZ_TPL_MAX_DEPTH 16

#endif
