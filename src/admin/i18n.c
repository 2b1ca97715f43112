/* The admin's catalogs and their lookups (i18n.h).
 *
 * To add a language: copy i18n_fr.c to i18n_LANG.c and translate every
 * entry, declare its catalog in i18n.h, add it to `catalogs` below and to
 * the choices of admin.lang in src/core/config.c, and list the file in
 * src/admin/meson.build. docs/admin.md ("Translating the admin") says
 * the same for translators. */
#include "admin/i18n.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/admin.h"
#include "content/content.h"
#include "core/config.h"
#include "render/template.h"
#include "site/siteInt.h"

static const struct gz_admin_catalog english = {.lang = "en", .name = "English"};

static const struct gz_admin_catalog *const catalogs[] = {&english, &gz_admin_catalog_fr};

/* Each catalog's entries sorted by msgid, for bsearch: made once, on the
 * first lookup, and kept for the life of the process (index as catalogs). */
static const struct gz_admin_entry **sorted[GZ_COUNTOF(catalogs)];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int by_msgid(const void *x, const void *y)
{
    const struct gz_admin_entry *const *a = x, *const *b = y;
    return strcmp((*a)->msgid, (*b)->msgid);
}

static void sort_catalogs(void)
{
    for (size_t i = 0; i < GZ_COUNTOF(catalogs); i++) {
        const struct gz_admin_catalog *c = catalogs[i];
        if (!c->count)
            continue;
        sorted[i] = gz_xcalloc(c->count, sizeof *sorted[i]);
        for (size_t k = 0; k < c->count; k++)
            sorted[i][k] = &c->entries[k];
        qsort(sorted[i], c->count, sizeof *sorted[i], by_msgid);
    }
}

size_t gz_admin_catalog_count(void)
{
    return GZ_COUNTOF(catalogs);
}

const struct gz_admin_catalog *gz_admin_catalog_at(size_t i)
{
    return i < GZ_COUNTOF(catalogs) ? catalogs[i] : NULL;
}

const struct gz_admin_catalog *gz_admin_catalog_find(const char *lang)
{
    if (!lang)
        return &english;
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < GZ_COUNTOF(catalogs); i++)
        if (strlen(catalogs[i]->lang) == n && !strncasecmp(lang, catalogs[i]->lang, n))
            return catalogs[i];
    return &english;
}

/* A msgid may start with a context and \004, as gettext's msgctxt, when
 * one English word needs two translations ("count\004published", the
 * dashboard's "3 published", is not the status "published"). */
static const char *without_context(const char *msgid)
{
    const char *eot = msgid ? strchr(msgid, '\004') : NULL;
    return eot ? eot + 1 : msgid;
}

const char *gz_admin_translate(const struct gz_admin_catalog *c, const char *msgid)
{
    if (!c || !c->count || !msgid)
        return without_context(msgid);
    pthread_once(&sorted_once, sort_catalogs);
    size_t i = 0;
    while (i < GZ_COUNTOF(catalogs) && catalogs[i] != c)
        i++;
    if (i == GZ_COUNTOF(catalogs))
        return msgid;
    struct gz_admin_entry key = {.msgid = msgid};
    const struct gz_admin_entry *kp = &key;
    const struct gz_admin_entry **hit =
        bsearch(&kp, sorted[i], c->count, sizeof *sorted[i], by_msgid);
    return hit && (*hit)->msgstr[0] ? (*hit)->msgstr : without_context(msgid);
}

struct gz_val *gz_admin_catalog_values(struct gz_arena *a,
                                       const struct gz_admin_catalog *c)
{
    struct gz_val *t = gz_val_obj(a);
    for (size_t i = 0; i < gz_admin_msgs_count; i++)
        if (gz_admin_msgs[i].key)
            gz_obj_set_str(t, gz_admin_msgs[i].key,
                           gz_admin_translate(c, gz_admin_msgs[i].msgid));
    gz_obj_set_str(t, "lang", c->lang);
    gz_obj_set_bool(t, "rtl", gz_lang_is_rtl(c->lang));
    return t;
}

const char *gz_admin_tr(const struct gz_admin_req *q, const char *msgid)
{
    if (!q || !q->site)
        return msgid;
    return gz_admin_translate(gz_admin_catalog_find(gz_site_cfg(q->site)->admin_lang),
                              msgid);
}
