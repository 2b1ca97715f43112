/* /admin/settings: the site settings an administrator may change while
 * the site runs (title, description, language, time zone, the blocks,
 * what Most viewed ranks by and how long referrers are kept).
 *
 * They are kept in the store as one row (key "admin_settings", the values
 * urlencoded: "site.title=Daily+News&blocks.new_count=7"), so that saving
 * the form is one write and a value can be taken back out ("reset") to let
 * the file's value apply again. They override the configuration file,
 * the environment and the flags: whoever runs the newsroom changes them
 * here, and `gazette config show` says "from admin" for each. */
#include "admin/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "render/template.h"
#include "site/siteInt.h"

#define STORE_KEY "admin_settings"
#define SOURCE "admin"
#define VALUE_MAX 1000

/* What the page offers, in the order it shows them. */
static const char *const windows[] = {"all", "24h", "7d", "30d", NULL};
static const char *const rank_bys[] = {"views", "readers", NULL};

static const struct field {
    const char *name; /* the setting, as in the configuration file */
    const char *label;
    const char *input; /* the form control: text, number, select */
    const char *hint;
    const char *const *options; /* a select's choices, NULL-terminated */
    int min, max;               /* a number's bounds */
} fields[] = {
    {"site.title", GZ_N("Site title"), "text",
     GZ_N("In the header and every page's <title>."), NULL, 0, 0},
    {"site.description", GZ_N("Description"), "text",
     GZ_N("The default meta description."), NULL, 0, 0},
    {"site.lang", GZ_N("Language"), "text",
     GZ_N("A language tag such as en, fa or pt-BR."), NULL, 0, 0},
    {"site.timezone", GZ_N("Time zone"), "text",
     GZ_N("An IANA name such as UTC or Europe/Paris: the dates readers see."), NULL, 0,
     0},
    {"blocks.new_count", GZ_N("New Articles"), "number",
     GZ_N("Entries in the New Articles block."), NULL, 1, 50},
    {"blocks.top_count", GZ_N("Most viewed"), "number",
     GZ_N("Entries in the Most viewed block."), NULL, 1, 50},
    {"blocks.window", GZ_N("Most viewed window"), "select",
     GZ_N("Which views count: all time, or the last 24 hours, 7 or 30 days."), windows, 0,
     0},
    {"views.rank_by", GZ_N("Rank Most viewed by"), "select",
     GZ_N("views: every counted view; readers: each reader once (estimated)."), rank_bys,
     0, 0},
    {"stats.referrer_days", GZ_N("Keep referrers (days)"), "number",
     GZ_N("Days of referring domains kept for the statistics; 0 keeps them for ever."),
     NULL, 0, 36500},
};

static const struct field *find_field(const char *name)
{
    for (size_t i = 0; i < GZ_COUNTOF(fields); i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

/* ---- the stored values ---- */

/* The saved settings as a form (name -> value), in arena a; empty when
 * none are saved. */
/* The saved settings into out (empty when none); a row that does not
 * parse is an error. *unread gets the store's error when it did not
 * answer, 0 otherwise. */
static int load_saved(struct gz_store *st, struct gz_arena *a, struct gz_form *out,
                      int *unread)
{
    char *v = NULL;
    memset(out, 0, sizeof *out);
    *unread = 0;
    int rc = st->ops->setting_get(st, STORE_KEY, &v);
    if (rc == GZ_ENOTFOUND)
        return GZ_OK;
    if (rc) {
        *unread = rc;
        return rc;
    }
    rc = gz_form_parse(a, v, strlen(v), out);
    free(v);
    return rc;
}

static void put_escaped(struct gz_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-') {
            gz_buf_putc(b, (char)*p);
        } else {
            gz_buf_putc(b, '%');
            gz_buf_putc(b, hex[*p >> 4]);
            gz_buf_putc(b, hex[*p & 15]);
        }
    }
}

/* Writes the saved settings back: those of f that the page offers, with
 * name `drop` left out (NULL: none). */
static int store_saved(struct gz_store *st, const struct gz_form *f, const char *drop)
{
    struct gz_buf b;
    gz_buf_init(&b, 64 * 1024);
    for (size_t i = 0; i < f->len; i++) {
        const struct gz_form_field *x = &f->items[i];
        if (!find_field(x->name) || (drop && !strcmp(x->name, drop)))
            continue;
        if (b.len)
            gz_buf_putc(&b, '&');
        put_escaped(&b, x->name);
        gz_buf_putc(&b, '=');
        put_escaped(&b, x->value);
    }
    int rc = st->ops->setting_set(st, STORE_KEY, b.p ? b.p : "");
    gz_buf_free(&b);
    return rc;
}

int gz_admin_settings_apply(struct gz_store *st, struct gz_config *cfg)
{
    struct gz_arena a;
    struct gz_form saved;
    char err[300];
    gz_arena_init(&a, 4096);
    int unread = 0;
    if (load_saved(st, &a, &saved, &unread))
        gz_warn("settings saved in the admin could not be read; using the file's");
    for (size_t i = 0; i < saved.len; i++) {
        const struct gz_form_field *x = &saved.items[i];
        if (find_field(x->name) &&
            gz_config_set_from(cfg, x->name, x->value, SOURCE, err, sizeof err))
            gz_warn("a setting saved in the admin is ignored: %s", err);
    }
    gz_arena_free(&a);
    return unread;
}

/* ---- the page ---- */

/* Setting name's value in cfg, copied into the arena. */
static const char *current(struct gz_admin_req *q, const struct gz_config *cfg,
                           const char *name, const char **source)
{
    char num[32];
    int i = gz_config_find(name);
    *source = i >= 0 ? cfg->source[i] : NULL;
    if (i < 0)
        return "";
    return gz_arena_strdup(q->arena, gz_config_value(cfg, (size_t)i, num, sizeof num));
}

/* Where a value comes from, in words. */
static const char *source_words(struct gz_admin_req *q, const char *source)
{
    if (!source)
        return gz_admin_tr(q, "built-in default");
    if (!strcmp(source, SOURCE))
        return gz_admin_tr(q, "saved here");
    return source;
}

static struct gz_val *select_options(struct gz_admin_req *q, const char *const *options,
                                     const char *value)
{
    struct gz_val *list = gz_val_list(q->arena);
    for (size_t i = 0; options[i]; i++) {
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "value", options[i]);
        gz_obj_set_bool(o, "selected", !strcmp(options[i], value));
        gz_list_push(list, o);
    }
    return list;
}

/* The form: each setting's value (the one posted when re-showing a form
 * with errors), where it comes from, and its error. */
static void show(struct gz_admin_req *q, int status, const struct gz_form *posted,
                 const char **errors, const char *error)
{
    const struct gz_config *cfg = gz_site_cfg(q->site);
    struct gz_val *ctx = gz_admin_ctx(q), *list = gz_val_list(q->arena);
    struct gz_val *saved_list = gz_val_list(q->arena);
    for (size_t i = 0; i < GZ_COUNTOF(fields); i++) {
        const struct field *f = &fields[i];
        const char *source, *value = current(q, cfg, f->name, &source);
        const char *sent = posted ? gz_form_get(posted, f->name) : NULL;
        struct gz_val *o = gz_val_obj(q->arena);
        gz_obj_set_str(o, "name", f->name);
        gz_obj_set_str(o, "id", gz_arena_printf(q->arena, "f%zu", i));
        gz_obj_set_str(o, "label", gz_admin_tr(q, f->label));
        gz_obj_set_str(o, "hint", gz_admin_tr(q, f->hint));
        gz_obj_set_str(o, "value", sent ? sent : value);
        gz_obj_set_str(o, "source", source_words(q, source));
        gz_obj_set_bool(o, "is_text", !strcmp(f->input, "text"));
        gz_obj_set_bool(o, "is_number", !strcmp(f->input, "number"));
        gz_obj_set_bool(o, "is_select", !strcmp(f->input, "select"));
        if (f->options)
            gz_obj_set(o, "options", select_options(q, f->options, sent ? sent : value));
        gz_obj_set_int(o, "min", f->min);
        gz_obj_set_int(o, "max", f->max);
        if (errors && errors[i])
            gz_obj_set_str(o, "error", errors[i]);
        gz_list_push(list, o);
        if (source && !strcmp(source, SOURCE))
            gz_list_push(saved_list, o);
    }
    gz_obj_set(ctx, "fields", list);
    gz_obj_set(ctx, "saved", saved_list);
    gz_obj_set_bool(ctx, "any_saved", saved_list->u.list.len > 0);
    gz_obj_set_bool(ctx, "nav_settings", 1);
    if (error)
        gz_obj_set_str(ctx, "error", error);
    gz_admin_render(q, status, "settings.html", gz_admin_tr(q, "Settings"), ctx);
}

/* Checks every posted value on a scratch configuration; errors[i] gets
 * field i's problem. Returns how many failed. */
static int check_posted(struct gz_admin_req *q, const struct gz_form *f,
                        const char **errors)
{
    struct gz_config scratch;
    char err[300];
    int bad = 0;
    gz_config_defaults(&scratch);
    for (size_t i = 0; i < GZ_COUNTOF(fields); i++) {
        const char *v = gz_form_get(f, fields[i].name);
        errors[i] = NULL;
        if (!v) {
            errors[i] = gz_admin_tr(q, "Missing.");
        } else if (strlen(v) > VALUE_MAX) {
            errors[i] = gz_admin_tr(q, "Too long.");
        } else if (gz_config_set(&scratch, fields[i].name, v, err, sizeof err)) {
            /* "site.title: reason": the label is shown already. */
            const char *why = strstr(err, ": ");
            errors[i] = gz_arena_strdup(q->arena, why ? why + 2 : err);
        }
        bad += errors[i] != NULL;
    }
    gz_config_clear(&scratch);
    return bad;
}

/* Adds to the saved settings each posted value that differs from the one
 * in effect: saving the form unchanged pins nothing. */
static int save(struct gz_admin_req *q)
{
    const struct gz_config *cfg = gz_site_cfg(q->site);
    struct gz_form saved;
    int unread;
    if (load_saved(q->st, q->arena, &saved, &unread))
        return GZ_EIO;
    size_t cap = saved.len + GZ_COUNTOF(fields);
    struct gz_form_field *items = gz_arena_zalloc(q->arena, cap * sizeof *items);
    struct gz_form merged = {items, 0};
    for (size_t i = 0; i < GZ_COUNTOF(fields); i++) {
        const char *source, *value = current(q, cfg, fields[i].name, &source);
        const char *sent = gz_form_get(&q->form, fields[i].name);
        const char *keep = gz_form_get(&saved, fields[i].name);
        if (strcmp(sent, value))
            keep = sent;
        if (keep)
            items[merged.len++] =
                (struct gz_form_field){fields[i].name, keep, strlen(keep)};
    }
    return store_saved(q->st, &merged, NULL);
}

static void post_save(struct gz_admin_req *q)
{
    const char *errors[GZ_COUNTOF(fields)];
    if (check_posted(q, &q->form, errors)) {
        show(q, 422, &q->form, errors,
             gz_admin_tr(q, "Some settings were not saved; see below."));
        return;
    }
    if (save(q)) {
        show(q, 500, &q->form, NULL,
             gz_admin_tr(q, "The settings could not be saved. Try again."));
        return;
    }
    gz_info("admin: %s changed the site settings", q->auth.user.name);
    gz_site_settings_changed(q->site);
    gz_admin_redirect(q, "/admin/settings",
                      gz_admin_tr(q, "Settings saved. The site shows them now."));
}

static void post_reset(struct gz_admin_req *q)
{
    const char *name = gz_form_get(&q->form, "name");
    struct gz_form saved;
    if (!name || !find_field(name)) {
        gz_admin_error(q, 422, gz_admin_tr(q, "There is no such setting."));
        return;
    }
    int unread;
    if (load_saved(q->st, q->arena, &saved, &unread) ||
        store_saved(q->st, &saved, name)) {
        gz_admin_error(q, 500,
                       gz_admin_tr(q, "The setting could not be reset. Try again."));
        return;
    }
    gz_info("admin: %s reset the setting %s", q->auth.user.name, name);
    gz_site_settings_changed(q->site);
    gz_admin_redirect(
        q, "/admin/settings",
        gz_admin_tr(q, "Reset: the configuration file's value applies again."));
}

void gz_admin_settings(struct gz_admin_req *q, struct gz_str sub)
{
    if (!gz_can(&q->auth.user, GZ_ACT_SETTINGS, NULL)) {
        gz_admin_error(
            q, 403, gz_admin_tr(q, "Only administrators may change the site settings."));
        return;
    }
    int root = sub.len == 0 || (sub.len == 1 && sub.p[0] == '/');
    int reset = sub.len == 6 && !memcmp(sub.p, "/reset", 6);
    if (!root && !reset) {
        gz_admin_error(q, 404, gz_admin_tr(q, "There is no such admin page."));
    } else if (!q->is_post) {
        if (reset)
            gz_admin_error(q, 405, gz_admin_tr(q, "Reset a setting with its button."));
        else
            show(q, 200, NULL, NULL, NULL);
    } else if (reset) {
        post_reset(q);
    } else {
        post_save(q);
    }
}
