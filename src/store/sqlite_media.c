/* PLACEHOLDER until the media work lands: every operation fails. */
#include "store/sqliteInt.h"

int gz_sqlite_media_add(struct gz_store *gs, struct gz_media *m)
{
    return GZ_ERR;
}
int gz_sqlite_media_get(struct gz_store *gs, int64_t id, struct gz_media *out)
{
    return GZ_ERR;
}
int gz_sqlite_media_list(struct gz_store *gs, size_t offset, size_t limit,
                         struct gz_media_list *out, int64_t *total)
{
    return GZ_ERR;
}
int gz_sqlite_media_delete(struct gz_store *gs, int64_t id)
{
    return GZ_ERR;
}
