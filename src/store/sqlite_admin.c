/* PLACEHOLDER until the articles work lands: every operation fails. */
#include "store/sqliteInt.h"

int gz_sqlite_article_list(struct gz_store *gs, const struct gz_article_filter *f,
                           struct gz_article_rows *out, int64_t *total)
{
    return GZ_ERR;
}
int gz_sqlite_article_trash(struct gz_store *gs, int64_t id, int64_t now)
{
    return GZ_ERR;
}
int gz_sqlite_article_purge(struct gz_store *gs, int64_t id)
{
    return GZ_ERR;
}
int gz_sqlite_revision_list(struct gz_store *gs, int64_t article_id,
                            struct gz_revision_list *out)
{
    return GZ_ERR;
}
int gz_sqlite_revision_get(struct gz_store *gs, int64_t id, struct gz_revision *out)
{
    return GZ_ERR;
}
int gz_sqlite_tag_list(struct gz_store *gs, const char *prefix, size_t limit,
                       struct gz_tag_list *out)
{
    return GZ_ERR;
}
