/* Frees the result structs of the feed and sitemap reads (store.h); the
 * same for every backend. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

void gz_article_list_clear(struct gz_article_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++)
        gz_article_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_sitemap_urls_clear(struct gz_sitemap_urls *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].slug);
        free(l->items[i].title);
        free(l->items[i].lang);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_sitemap_chunks_clear(struct gz_sitemap_chunks *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}
