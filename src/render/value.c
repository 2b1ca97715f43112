/* Values for template contexts: a small tree built in a per-render arena.
 * Nothing here copies strings; the tree only points at them. */
#include <string.h>

#include "render/template.h"

static struct gz_val *val_new(struct gz_arena *a, enum gz_val_kind kind)
{
    struct gz_val *v = gz_arena_zalloc(a, sizeof(*v));
    v->kind = kind;
    v->arena = a;
    return v;
}

struct gz_val *gz_val_null(struct gz_arena *a)
{
    return val_new(a, GZ_VAL_NULL);
}

struct gz_val *gz_val_bool(struct gz_arena *a, bool b)
{
    struct gz_val *v = val_new(a, GZ_VAL_BOOL);
    v->u.b = b;
    return v;
}

struct gz_val *gz_val_int(struct gz_arena *a, int64_t i)
{
    struct gz_val *v = val_new(a, GZ_VAL_INT);
    v->u.i = i;
    return v;
}

struct gz_val *gz_val_strn(struct gz_arena *a, const char *s, size_t len)
{
    struct gz_val *v = val_new(a, GZ_VAL_STR);
    v->u.s.p = s ? s : "";
    v->u.s.len = s ? len : 0;
    return v;
}

struct gz_val *gz_val_str(struct gz_arena *a, const char *s)
{
    return gz_val_strn(a, s, s ? strlen(s) : 0);
}

struct gz_val *gz_val_list(struct gz_arena *a)
{
    return val_new(a, GZ_VAL_LIST);
}

struct gz_val *gz_val_obj(struct gz_arena *a)
{
    return val_new(a, GZ_VAL_OBJ);
}

void gz_list_push(struct gz_val *list, const struct gz_val *val)
{
    if (!list || list->kind != GZ_VAL_LIST)
        return;
    struct gz_val_item *item = gz_arena_alloc(list->arena, sizeof(*item));
    item->val = val;
    item->next = NULL;
    if (list->u.list.tail)
        list->u.list.tail->next = item;
    else
        list->u.list.head = item;
    list->u.list.tail = item;
    list->u.list.len++;
}

/* A page's context has dozens of keys, looked up for every variable of the
 * template; comparing hashes first spares a strcmp per entry (strcmp was
 * the export's hottest function). */
static uint32_t key_hash(const char *key)
{
    return (uint32_t)gz_hash(key, strlen(key));
}

static struct gz_val_entry *obj_find(const struct gz_val *obj, const char *key,
                                     uint32_t hash)
{
    for (struct gz_val_entry *e = obj->u.obj.head; e; e = e->next)
        if (e->hash == hash && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

void gz_obj_set(struct gz_val *obj, const char *key, const struct gz_val *val)
{
    if (!obj || obj->kind != GZ_VAL_OBJ || !key)
        return;
    uint32_t hash = key_hash(key);
    struct gz_val_entry *e = obj_find(obj, key, hash);
    if (e) {
        e->val = val;
        return;
    }
    e = gz_arena_alloc(obj->arena, sizeof(*e));
    e->key = key;
    e->hash = hash;
    e->val = val;
    e->next = NULL;
    if (obj->u.obj.tail)
        obj->u.obj.tail->next = e;
    else
        obj->u.obj.head = e;
    obj->u.obj.tail = e;
}

void gz_obj_set_str(struct gz_val *obj, const char *key, const char *s)
{
    if (obj && obj->kind == GZ_VAL_OBJ)
        gz_obj_set(obj, key, gz_val_str(obj->arena, s));
}

void gz_obj_set_strn(struct gz_val *obj, const char *key, const char *s, size_t len)
{
    if (obj && obj->kind == GZ_VAL_OBJ)
        gz_obj_set(obj, key, gz_val_strn(obj->arena, s, len));
}

void gz_obj_set_int(struct gz_val *obj, const char *key, int64_t i)
{
    if (obj && obj->kind == GZ_VAL_OBJ)
        gz_obj_set(obj, key, gz_val_int(obj->arena, i));
}

void gz_obj_set_bool(struct gz_val *obj, const char *key, bool b)
{
    if (obj && obj->kind == GZ_VAL_OBJ)
        gz_obj_set(obj, key, gz_val_bool(obj->arena, b));
}

const struct gz_val *gz_obj_get(const struct gz_val *obj, const char *key)
{
    if (!obj || obj->kind != GZ_VAL_OBJ)
        return NULL;
    const struct gz_val_entry *e = obj_find(obj, key, key_hash(key));
    return e ? e->val : NULL;
}
