/* Unit tests of the admin's catalogs (src/admin/i18n.h): no message is
 * left untranslated. Every {{t.NAME}} of the admin's templates has an
 * English message, every message the C code marks (gz_admin_tr, GZ_N) is
 * in the English list, every shipped catalog translates every English
 * message and keeps its printf conversions, and admin.lang accepts exactly
 * the shipped languages. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admin/admin.h"
#include "admin/i18n.h"
#include "core/config.h"
#include "render/embedded.h"
#include "render/template.h"

#ifndef GZ_ADMIN_SRC
#error "GZ_ADMIN_SRC (the folder src/admin) must be defined by the build"
#endif

static const struct gz_admin_msg *by_key(const char *key, size_t len)
{
    for (size_t i = 0; i < gz_admin_msgs_count; i++)
        if (gz_admin_msgs[i].key && strlen(gz_admin_msgs[i].key) == len &&
            !memcmp(gz_admin_msgs[i].key, key, len))
            return &gz_admin_msgs[i];
    return NULL;
}

static int english_has(const char *msgid)
{
    for (size_t i = 0; i < gz_admin_msgs_count; i++)
        if (!strcmp(gz_admin_msgs[i].msgid, msgid))
            return 1;
    return 0;
}

static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* ---- the templates ---- */

static void test_template_names(void **state)
{
    size_t seen = 0;
    for (size_t f = 0; f < gz_theme_admin_count; f++) {
        const struct gz_embedded_file *file = &gz_theme_admin_files[f];
        size_t n = strlen(file->path);
        if (strncmp(file->path, "templates/", 10) || n < 5 ||
            strcmp(file->path + n - 5, ".html"))
            continue;
        const char *text = (const char *)file->bytes;
        for (const char *p = strstr(text, "t."); p; p = strstr(p + 1, "t.")) {
            /* {{t.x}}, {{{t.x}}}, {{#t.x}}, {{^t.x}}, {{/t.x}} */
            if (p - text < 2 ||
                !(p[-1] == '{' || p[-1] == '#' || p[-1] == '^' || p[-1] == '/'))
                continue;
            const char *name = p + 2;
            size_t len = 0;
            while (is_ident(name[len]))
                len++;
            if ((len == 4 && !memcmp(name, "lang", 4)) ||
                (len == 3 && !memcmp(name, "rtl", 3)))
                continue;
            if (!by_key(name, len))
                fail_msg("%s: {{t.%.*s}} has no English message (src/admin/i18n_en.c)",
                         file->path, (int)len, name);
            seen++;
        }
    }
    assert_true(seen > 150); /* the scan found the templates' words */
}

/* ---- the C code ---- */

/* Reads the C string literal at *p (at its opening quote) into out,
 * decoding the escapes the admin's messages use; *p moves past it. */
static size_t read_literal(const char **p, char *out, size_t cap, size_t n)
{
    const char *s = *p + 1;
    while (*s && *s != '"') {
        char c = *s++;
        if (c == '\\') {
            c = *s++;
            if (c >= '0' && c <= '7') {
                int v = c - '0';
                for (int k = 0; k < 2 && *s >= '0' && *s <= '7'; k++)
                    v = v * 8 + (*s++ - '0');
                c = (char)v;
            } else if (c == 'n') {
                c = '\n';
            } else if (c == 't') {
                c = '\t';
            }
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    out[n] = 0;
    *p = *s ? s + 1 : s;
    return n;
}

static const char *skip_blank(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

/* Checks each message (adjacent literals joined) between p and the
 * parenthesis that closes the call; returns how many it found. */
static size_t check_call(const char *file, const char *p)
{
    size_t found = 0;
    int depth = 1;
    char msg[1024];
    while (*p && depth > 0) {
        if (*p == '"') {
            size_t n = 0;
            do {
                n = read_literal(&p, msg, sizeof msg, n);
                p = skip_blank(p);
            } while (*p == '"');
            if (!english_has(msg))
                fail_msg("%s: \"%s\" is not in src/admin/i18n_en.c", file, msg);
            found++;
            continue;
        }
        if (*p == '\'') { /* a character literal: '(' is not a parenthesis */
            p += p[1] == '\\' ? 4 : 3;
            continue;
        }
        depth += *p == '(';
        depth -= *p == ')';
        p++;
    }
    return found;
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    size_t got;
    while ((got = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap)
            text = realloc(text, cap *= 2);
    }
    fclose(f);
    text[len] = 0;
    return text;
}

static size_t check_file(const char *path)
{
    char *text = read_whole(path);
    size_t found = 0;
    static const char *const calls[] = {"gz_admin_tr(", "GZ_N("};
    for (size_t c = 0; c < 2; c++)
        for (const char *p = strstr(text, calls[c]); p; p = strstr(p + 1, calls[c])) {
            if (p > text && is_ident(p[-1]))
                continue;
            const char *args = p + strlen(calls[c]);
            if (c == 0) { /* past the request argument */
                args = strchr(args, ',');
                if (!args)
                    continue;
            }
            found += check_call(path, args);
        }
    free(text);
    return found;
}

static void test_c_messages(void **state)
{
    DIR *d = opendir(GZ_ADMIN_SRC);
    assert_non_null(d);
    struct dirent *e;
    size_t found = 0;
    char path[4096];
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".c") || !strncmp(e->d_name, "i18n", 4))
            continue;
        snprintf(path, sizeof path, "%s/%s", GZ_ADMIN_SRC, e->d_name);
        found += check_file(path);
    }
    closedir(d);
    assert_true(found > 150); /* the scan found the C code's messages */
}

/* ---- the catalogs ---- */

static void test_english_unique(void **state)
{
    for (size_t i = 0; i < gz_admin_msgs_count; i++)
        for (size_t j = i + 1; j < gz_admin_msgs_count; j++) {
            if (!strcmp(gz_admin_msgs[i].msgid, gz_admin_msgs[j].msgid) &&
                (!gz_admin_msgs[i].key || !gz_admin_msgs[j].key))
                fail_msg("\"%s\" is listed twice", gz_admin_msgs[i].msgid);
            if (gz_admin_msgs[i].key && gz_admin_msgs[j].key &&
                !strcmp(gz_admin_msgs[i].key, gz_admin_msgs[j].key))
                fail_msg("the template name %s is given twice", gz_admin_msgs[i].key);
        }
}

static const char *find_entry(const struct gz_admin_catalog *c, const char *msgid)
{
    const char *found = NULL;
    for (size_t i = 0; i < c->count; i++)
        if (!strcmp(c->entries[i].msgid, msgid)) {
            if (found)
                fail_msg("%s: \"%s\" is translated twice", c->lang, msgid);
            found = c->entries[i].msgstr;
        }
    return found;
}

/* The printf conversions of s, one letter each ("%zu" -> "u", "%%" none). */
static void conversions(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = strchr(s, '%'); p; p = strchr(p, '%')) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        while (*p && strchr("-+ #0123456789.*hlzjtL", *p))
            p++;
        /* a '%' that starts no conversion ("no '%'") is text: a template's */
        if (n + 1 < cap && *p && strchr("diouxXeEfFgGaAcsp", *p))
            out[n++] = *p;
    }
    out[n] = 0;
}

static void test_catalogs_complete(void **state)
{
    assert_true(gz_admin_catalog_count() >= 2);
    assert_string_equal(gz_admin_catalog_at(0)->lang, "en");
    for (size_t c = 1; c < gz_admin_catalog_count(); c++) {
        const struct gz_admin_catalog *cat = gz_admin_catalog_at(c);
        for (size_t i = 0; i < gz_admin_msgs_count; i++) {
            const char *msgid = gz_admin_msgs[i].msgid;
            const char *msgstr = find_entry(cat, msgid);
            if (!msgstr || !msgstr[0])
                fail_msg("%s: \"%s\" is not translated", cat->lang, msgid);
        }
        for (size_t i = 0; i < cat->count; i++)
            if (!english_has(cat->entries[i].msgid))
                fail_msg("%s: \"%s\" is no English message any more", cat->lang,
                         cat->entries[i].msgid);
    }
}

static void test_formats_kept(void **state)
{
    char want[16], got[16];
    for (size_t c = 1; c < gz_admin_catalog_count(); c++) {
        const struct gz_admin_catalog *cat = gz_admin_catalog_at(c);
        for (size_t i = 0; i < cat->count; i++) {
            conversions(cat->entries[i].msgid, want, sizeof want);
            conversions(cat->entries[i].msgstr, got, sizeof got);
            if (strcmp(want, got))
                fail_msg("%s: \"%s\" has the conversions '%s', its translation '%s'",
                         cat->lang, cat->entries[i].msgid, want, got);
        }
    }
}

/* ---- lookups ---- */

static void test_lookup(void **state)
{
    const struct gz_admin_catalog *fr = gz_admin_catalog_find("fr");
    const struct gz_admin_catalog *en = gz_admin_catalog_find("en");
    assert_string_equal(fr->lang, "fr");
    assert_ptr_equal(gz_admin_catalog_find("FR-ca"), fr);
    assert_ptr_equal(gz_admin_catalog_find("de"), en);
    assert_ptr_equal(gz_admin_catalog_find(NULL), en);
    assert_string_equal(gz_admin_translate(fr, "Log in"), "Connexion");
    assert_string_equal(gz_admin_translate(en, "Log in"), "Log in");
    const char *unknown = "Not a message of the admin";
    assert_ptr_equal(gz_admin_translate(fr, unknown), unknown);
    /* a context is dropped in English, and picks the word in French */
    assert_string_equal(gz_admin_translate(en, "count\004published"), "published");
    assert_string_equal(gz_admin_translate(fr, "count\004published"), "publiés");
    assert_string_equal(gz_admin_translate(fr, "published"), "publié");
    /* without a request (a unit test, the CLI), messages stay English */
    assert_string_equal(gz_admin_tr(NULL, "Log in"), "Log in");
}

static void test_template_values(void **state)
{
    struct gz_arena a;
    gz_arena_init(&a, 4096);
    struct gz_val *t = gz_admin_catalog_values(&a, gz_admin_catalog_find("fr"));
    const struct gz_val *v = gz_obj_get(t, "log_in");
    assert_non_null(v);
    assert_int_equal(v->kind, GZ_VAL_STR);
    assert_memory_equal(v->u.s.p, "Connexion", v->u.s.len);
    v = gz_obj_get(t, "n_published");
    assert_memory_equal(v->u.s.p, "publiés", v->u.s.len);
    v = gz_obj_get(t, "lang");
    assert_memory_equal(v->u.s.p, "fr", 2);
    v = gz_obj_get(t, "rtl");
    assert_int_equal(v->kind, GZ_VAL_BOOL);
    assert_false(v->u.b);
    t = gz_admin_catalog_values(&a, gz_admin_catalog_find("en"));
    v = gz_obj_get(t, "n_published");
    assert_int_equal(v->u.s.len, strlen("published"));
    gz_arena_free(&a);
}

/* The layout says the language, and the direction of a right-to-left one
 * (a catalog of Persian, with no entries yet: every word stays English). */
static void test_layout_direction(void **state)
{
    const struct gz_embedded_file *layout = NULL;
    for (size_t f = 0; f < gz_theme_admin_count; f++)
        if (!strcmp(gz_theme_admin_files[f].path, "templates/layout.html"))
            layout = &gz_theme_admin_files[f];
    assert_non_null(layout);
    struct gz_tpl_set *set = gz_tpl_set_new();
    char err[200];
    assert_int_equal(gz_tpl_set_add(set, "layout.html", (const char *)layout->bytes,
                                    layout->len, err, sizeof err),
                     GZ_OK);
    static const struct gz_admin_catalog persian = {.lang = "fa", .name = "فارسی"};
    const struct gz_admin_catalog *langs[] = {&persian, gz_admin_catalog_find("fr")};
    const char *want[] = {"<html lang=\"fa\" dir=\"rtl\">", "<html lang=\"fr\">"};
    for (size_t i = 0; i < 2; i++) {
        struct gz_arena a;
        struct gz_buf out;
        gz_arena_init(&a, 4096);
        gz_buf_init(&out, 1 << 20);
        struct gz_val *ctx = gz_val_obj(&a);
        gz_obj_set(ctx, "t", gz_admin_catalog_values(&a, langs[i]));
        assert_int_equal(gz_tpl_render(set, "layout.html", ctx, &out), GZ_OK);
        assert_non_null(strstr(out.p, want[i]));
        gz_buf_free(&out);
        gz_arena_free(&a);
    }
    gz_tpl_set_free(set);
}

/* admin.lang takes the shipped catalogs, and no other language. */
static void test_setting(void **state)
{
    struct gz_config cfg;
    char err[300];
    gz_config_defaults(&cfg);
    assert_string_equal(cfg.admin_lang, "en");
    for (size_t c = 0; c < gz_admin_catalog_count(); c++)
        assert_int_equal(gz_config_set(&cfg, "admin.lang", gz_admin_catalog_at(c)->lang,
                                       err, sizeof err),
                         GZ_OK);
    assert_int_equal(gz_config_set(&cfg, "admin.lang", "xx", err, sizeof err), GZ_EINVAL);
    assert_non_null(strstr(err, "fr"));
    gz_config_clear(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_names),  cmocka_unit_test(test_c_messages),
        cmocka_unit_test(test_english_unique),  cmocka_unit_test(test_catalogs_complete),
        cmocka_unit_test(test_formats_kept),    cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_template_values), cmocka_unit_test(test_layout_direction),
        cmocka_unit_test(test_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
