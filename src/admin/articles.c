/* PLACEHOLDER: the articles pages are being written. */
#include "admin/admin.h"

void gz_admin_articles(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}
