/* The admin's string catalogs, in the manner of gettext: every message is
 * keyed by its English text (the msgid), and each language has one table
 * of msgid -> translation (src/admin/i18n_LANG.c). English is the source:
 * its table (i18n_en.c) lists every msgid, gives the ones the templates
 * use a template name ({{t.log_in}} is "Log in"), and translates nothing.
 *
 * The C code asks with gz_admin_tr (admin.h); the templates read the `t`
 * object gz_admin_render puts in every page's context. A message missing
 * from a catalog shows in English; the unit tests (tests/unit/admin/
 * test_i18n.c) make sure none is missing and that format strings keep
 * their conversions. A msgid may start with a context and \004, as
 * gettext's msgctxt, when one English word needs two translations; English
 * shows what follows the \004. Every table is static and read-only. */
#ifndef GZ_ADMIN_I18N_H
#define GZ_ADMIN_I18N_H

#include <stddef.h>

#include "core/arena.h"

struct gz_val;

/* One English message: its template name (NULL for a message only the C
 * code uses) and its text. */
struct gz_admin_msg {
    const char *key;
    const char *msgid;
};

/* One translation. */
struct gz_admin_entry {
    const char *msgid;
    const char *msgstr;
};

/* One language's catalog. English has no entries: it is the identity. */
struct gz_admin_catalog {
    const char *lang; /* a primary language subtag: "en", "fr" */
    const char *name; /* the language's name in itself: "Français" */
    const struct gz_admin_entry *entries;
    size_t count;
};

/* The English messages (i18n_en.c), in no particular order. */
extern const struct gz_admin_msg gz_admin_msgs[];
extern const size_t gz_admin_msgs_count;

/* The shipped catalogs (i18n_LANG.c). */
extern const struct gz_admin_catalog gz_admin_catalog_fr;

/* The catalogs, English first. */
size_t gz_admin_catalog_count(void);
const struct gz_admin_catalog *gz_admin_catalog_at(size_t i);

/* The catalog of a language tag ("fr", "fr-CA", "FR"), matched on its
 * primary subtag case-insensitively; English when there is none or lang
 * is NULL. Never NULL. */
const struct gz_admin_catalog *gz_admin_catalog_find(const char *lang);

/* msgid in catalog c: its translation, else msgid itself. */
const char *gz_admin_translate(const struct gz_admin_catalog *c, const char *msgid);

/* The template object {{t.*}} of catalog c: every English message that
 * has a template name, translated, plus lang (c->lang) and rtl (true for
 * a right-to-left language). Built in arena a; the strings are static. */
struct gz_val *gz_admin_catalog_values(struct gz_arena *a,
                                       const struct gz_admin_catalog *c);

#endif
