/* PLACEHOLDER: media is being written. */
#include "admin/admin.h"

void gz_admin_media(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}

int gz_media_save(struct gz_site *site, struct gz_store *st, const struct gz_user *u,
                  const char *name, const void *bytes, size_t len, struct gz_media *out,
                  char *err, size_t errlen)
{
    return GZ_ERR;
}

char *gz_media_url(struct gz_arena *a, const struct gz_media *m)
{
    return gz_arena_strdup(a, "");
}

int gz_site_media(void *site, struct gz_request *r)
{
    return GZ_DECLINED;
}
