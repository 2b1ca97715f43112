/* PLACEHOLDER: the write path is being written. */
#include "admin/admin.h"

int gz_editorial_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                      struct gz_article *a, char *err, size_t errlen)
{
    return GZ_ERR;
}

int gz_editorial_trash(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                       int64_t id, int trash)
{
    return GZ_ERR;
}
