/* /api/v1/tags: the tags, for readers (those of published articles, with
 * counts) and for editors (every tag, for completion). Tags are made by
 * using them on an article; there is nothing to write here. */
#include "api/apiInt.h"

#define TAGS_LIST_MAX 1000

static json_t *tag_json(const struct gz_tag *t, int with_count)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "name", gz_api_string(t->name));
    json_object_set_new(o, "slug", gz_api_string(t->slug));
    if (with_count)
        json_object_set_new(o, "count", json_integer(t->count));
    return o;
}

/* Anonymous readers get the tags of published articles with their counts
 * (a tag only a draft has may give away a story); token holders every tag
 * by name, optionally those starting with "prefix". */
void gz_api_tags(struct gz_api_req *q, int64_t id)
{
    static const char *const params[] = {"prefix", NULL};
    if (!gz_api_check_params(q, params))
        return;
    const char *prefix = gz_form_get(&q->query, "prefix");
    int public = !gz_api_user(q);
    if (public && prefix) {
        gz_api_unauthorized(q, "\"prefix\" needs a token.");
        return;
    }
    struct gz_tag_list l = {0};
    int rc = public ? q->st->ops->tags_top(q->st, q->now, TAGS_LIST_MAX, &l)
                    : q->st->ops->tag_list(q->st, prefix, TAGS_LIST_MAX, &l);
    if (rc) {
        gz_api_internal(q, "Listing tags");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.len; i++)
        json_array_append_new(items, tag_json(&l.items[i], public));
    gz_tag_list_clear(&l);
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    gz_api_send(q, 200, body);
}
