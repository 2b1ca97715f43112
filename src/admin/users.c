/* PLACEHOLDER: users, settings, tokens and account pages are being written. */
#include "admin/admin.h"

void gz_admin_users(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}
void gz_admin_settings(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}
void gz_admin_tokens(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}
void gz_admin_account(struct gz_admin_req *q, struct gz_str sub)
{
    gz_admin_error(q, 501, "Not written yet.");
}
