/* Structured data (schema.org JSON-LD) for search engines: the page's
 * "jsonld" list, each item one <script type="application/ld+json">.
 *
 * The JSON is written into the page raw ({{{.}}}), since HTML escaping
 * would corrupt it; what keeps a title from closing the script element is
 * that every <, > and & in the JSON is written as a \uXXXX escape, which
 * JSON parsers read back as the same character. */
#include <jansson.h>
#include <string.h>

#include "core/log.h"
#include "site/siteInt.h"

/* Copies json into the arena with <, > and & escaped. These three never
 * appear in JSON outside strings, so replacing them everywhere is safe. */
static char *escape_for_script(struct gz_arena *a, const char *json)
{
    size_t n = 0;
    for (const char *p = json; *p; p++)
        n += (*p == '<' || *p == '>' || *p == '&') ? 6 : 1;
    char *out = gz_arena_alloc(a, n + 1), *o = out;
    for (const char *p = json; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '&') {
            static const char hex[] = "0123456789abcdef";
            unsigned char c = (unsigned char)*p;
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

void gz_page_add_jsonld(struct gz_val *ctx, struct gz_arena *a, struct json_t *obj)
{
    if (!obj)
        return;
    /* Compact and in the order built; non-ASCII text stays UTF-8. */
    char *json = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (!json) {
        gz_error("jsonld: cannot write the structured data");
        return;
    }
    struct gz_val *list = (struct gz_val *)gz_obj_get(ctx, "jsonld");
    if (!list) {
        list = gz_val_list(a);
        gz_obj_set(ctx, "jsonld", list);
    }
    gz_list_push(list, gz_val_str(a, escape_for_script(a, json)));
    free(json);
}

static json_t *crumb(json_int_t position, const char *name, const char *url)
{
    json_t *item = json_pack("{s:s, s:I, s:s}", "@type", "ListItem", "position", position,
                             "name", name ? name : "");
    if (item && url)
        json_object_set_new(item, "item", json_string(url));
    return item;
}

void gz_page_add_breadcrumbs(struct gz_val *ctx, struct gz_arena *a,
                             const struct gz_config *cfg, const char *const *names,
                             const char *const *paths, size_t n)
{
    json_t *items = json_array();
    const struct gz_val *home = gz_obj_get(ctx, "home_url");
    const struct gz_val *t = gz_obj_get(ctx, "t");
    const struct gz_val *home_name = t ? gz_obj_get(t, "home") : NULL;
    const char *home_path = home && home->kind == GZ_VAL_STR ? home->u.s.p : "/";
    json_array_append_new(items,
                          crumb(1, home_name ? home_name->u.s.p : "Home",
                                gz_arena_printf(a, "%s%s", cfg->site_url, home_path)));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items,
            crumb((json_int_t)i + 2, names[i],
                  paths[i] ? gz_arena_printf(a, "%s%s", cfg->site_url, paths[i]) : NULL));
    gz_page_add_jsonld(ctx, a,
                       json_pack("{s:s, s:s, s:o}", "@context", "https://schema.org",
                                 "@type", "BreadcrumbList", "itemListElement", items));
}
