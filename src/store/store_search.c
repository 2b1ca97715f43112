/* Frees the result structs of search and tag aliases (store.h); the same
 * for every backend. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

void gz_search_hits_clear(struct gz_search_hits *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        struct gz_search_hit *h = &l->items[i];
        free(h->slug);
        free(h->title);
        free(h->teaser);
        free(h->lang);
        free(h->title_marked);
        free(h->snippet);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_tag_alias_list_clear(struct gz_tag_alias_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].alias);
        free(l->items[i].slug);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
