/* Who may do what (admin.h, gz_can). The one place the roles are spelled
 * out; the admin UI and the API both ask here, and the HTTP tests walk
 * every role through every action. */
#include "admin/admin.h"

/* Published or scheduled: on the site, or about to be. */
static int is_live(const struct gz_article *a)
{
    return a->status == GZ_STATUS_PUBLISHED || a->status == GZ_STATUS_SCHEDULED;
}

int gz_can(const struct gz_user *u, enum gz_action act, const struct gz_article *art)
{
    if (!u || u->id <= 0 || u->disabled)
        return 0;
    enum gz_role role = u->role;
    if (role == GZ_ROLE_ADMIN)
        return 1;
    int own = art && art->author_id == u->id;
    switch (act) {
    case GZ_ACT_ARTICLE_CREATE:
    case GZ_ACT_TOKEN_CREATE:
        return 1;
    case GZ_ACT_ARTICLE_EDIT:
    case GZ_ACT_ARTICLE_DELETE:
        if (role == GZ_ROLE_EDITOR)
            return 1;
        if (!art || !own)
            return 0;
        return role == GZ_ROLE_AUTHOR || !is_live(art);
    case GZ_ACT_ARTICLE_PUBLISH:
        if (role == GZ_ROLE_EDITOR)
            return 1;
        return role == GZ_ROLE_AUTHOR && (!art || own);
    case GZ_ACT_MEDIA_UPLOAD:
        return role >= GZ_ROLE_AUTHOR;
    case GZ_ACT_TRASH_EMPTY:
    case GZ_ACT_TAG_MANAGE:
    case GZ_ACT_MEDIA_DELETE:
    case GZ_ACT_STATS_VIEW:
        return role >= GZ_ROLE_EDITOR;
    case GZ_ACT_USER_MANAGE:
    case GZ_ACT_SETTINGS:
        return 0;
    }
    return 0;
}
