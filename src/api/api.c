/* PLACEHOLDER: the JSON API is being written. */
#include "admin/admin.h"

int gz_api_handle(void *site, struct gz_request *r)
{
    return GZ_DECLINED;
}
