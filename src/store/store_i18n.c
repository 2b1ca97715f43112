/* Frees the result structs of the language and archive reads (store.h);
 * the same for every backend. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

void gz_month_list_clear(struct gz_month_list *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_lang_list_clear(struct gz_lang_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i].lang);
    free(l->items);
    memset(l, 0, sizeof *l);
}
