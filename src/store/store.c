/* The store's front door: picks a backend from the URL, and frees the
 * result structs every backend fills. */
#include "store/store.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "store/storeInt.h"

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int gz_store_url_is_pg(const char *url)
{
    if (!url)
        return 0;
    if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://"))
        return 1;
    /* A libpq connection string starts with keyword=value. */
    const char *p = url;
    while (*p == ' ')
        p++;
    size_t word = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
    if (word == 0)
        return 0;
    p += word;
    while (*p == ' ')
        p++;
    return *p == '=';
}

static int check_url(const char *url, char *err, size_t errlen)
{
    if (!url || !*url) {
        snprintf(err, errlen, "no database given");
        return GZ_EINVAL;
    }
    return GZ_OK;
}

int gz_store_open(const char *url, struct gz_store **out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = check_url(url, err, errlen);
    if (rc)
        return rc;
    return gz_store_url_is_pg(url) ? gz_store_pg_open(url, out, err, errlen)
                                   : gz_store_sqlite_open(url, out, err, errlen);
}

int gz_store_schema_version(const char *url, int64_t *version, char *err, size_t errlen)
{
    *version = 0;
    int rc = check_url(url, err, errlen);
    if (rc)
        return rc;
    return gz_store_url_is_pg(url)
               ? gz_store_pg_schema_version(url, version, err, errlen)
               : gz_store_sqlite_schema_version(url, version, err, errlen);
}

int gz_store_migrate(const char *url, gz_store_migrated_cb migrated, void *ctx, char *err,
                     size_t errlen)
{
    int rc = check_url(url, err, errlen);
    if (rc)
        return rc;
    return gz_store_url_is_pg(url)
               ? gz_store_pg_migrate(url, migrated, ctx, err, errlen)
               : gz_store_sqlite_migrate(url, migrated, ctx, err, errlen);
}

int gz_store_schema_latest(void)
{
    return (int)gz_store_migration_count;
}

const char *gz_store_migration_name(int version)
{
    if (version < 1 || version > gz_store_schema_latest())
        return NULL;
    return gz_store_migration_files[version - 1].path;
}

void gz_article_clear(struct gz_article *a)
{
    if (!a)
        return;
    free(a->slug);
    free(a->title);
    free(a->summary);
    free(a->body_src);
    free(a->body_html);
    free(a->teaser);
    free(a->lang);
    free(a->author_name);
    free(a->image);
    for (size_t i = 0; i < a->ntags; i++) {
        free(a->tags[i]);
        if (a->tag_slugs)
            free(a->tag_slugs[i]);
    }
    free(a->tags);
    free(a->tag_slugs);
    memset(a, 0, sizeof *a);
}

void gz_tag_clear(struct gz_tag *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->slug);
    memset(t, 0, sizeof *t);
}

void gz_tag_list_clear(struct gz_tag_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++)
        gz_tag_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void gz_teaser_list_clear(struct gz_teaser_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        struct gz_teaser *t = &l->items[i];
        free(t->slug);
        free(t->title);
        free(t->teaser);
        free(t->lang);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int gz_store_migration_version(const char *name)
{
    int64_t v;
    size_t digits = strspn(name, "0123456789");
    if (digits == 0 || name[digits] != '_' || gz_parse_i64(name, digits, 1, 9999, &v))
        return -1;
    return (int)v;
}

int gz_store_migration_in_order(const char *name, int version, char *err, size_t errlen)
{
    if (gz_store_migration_version(name) == version)
        return GZ_OK;
    /* A build mistake, not a database problem. */
    snprintf(err, errlen, "migration %s is out of order (expected version %d)", name,
             version);
    return GZ_EINVAL;
}

int gz_store_migration_not_newer(int64_t have, size_t known, char *err, size_t errlen)
{
    if (have <= (int64_t)known)
        return GZ_OK;
    snprintf(err, errlen,
             "database schema version %lld is newer than this gazette "
             "(knows up to %d); upgrade gazette",
             (long long)have, (int)known);
    return GZ_EINVAL;
}

void gz_user_clear(struct gz_user *u)
{
    if (!u)
        return;
    free(u->name);
    free(u->display_name);
    free(u->email);
    free(u->pass_hash);
    memset(u, 0, sizeof *u);
}

void gz_user_list_clear(struct gz_user_list *l)
{
    for (size_t i = 0; l && i < l->len; i++)
        gz_user_clear(&l->items[i]);
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}

void gz_session_clear(struct gz_session *s)
{
    if (!s)
        return;
    free(s->csrf);
    memset(s, 0, sizeof *s);
}

void gz_api_token_clear(struct gz_api_token *t)
{
    if (!t)
        return;
    free(t->name);
    memset(t, 0, sizeof *t);
}

void gz_api_token_list_clear(struct gz_api_token_list *l)
{
    for (size_t i = 0; l && i < l->len; i++)
        gz_api_token_clear(&l->items[i]);
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}

void gz_article_rows_clear(struct gz_article_rows *l)
{
    for (size_t i = 0; l && i < l->len; i++) {
        struct gz_article_row *r = &l->items[i];
        free(r->slug);
        free(r->title);
        free(r->lang);
        free(r->author_name);
        for (size_t j = 0; j < r->ntags; j++)
            free(r->tags[j]);
        free(r->tags);
    }
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}

void gz_revision_clear(struct gz_revision *r)
{
    if (!r)
        return;
    free(r->user_name);
    free(r->title);
    free(r->slug);
    free(r->summary);
    free(r->body_src);
    free(r->lang);
    free(r->image);
    free(r->tags);
    memset(r, 0, sizeof *r);
}

void gz_revision_list_clear(struct gz_revision_list *l)
{
    for (size_t i = 0; l && i < l->len; i++)
        gz_revision_clear(&l->items[i]);
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}

void gz_media_clear(struct gz_media *m)
{
    if (!m)
        return;
    free(m->sha256);
    free(m->mime);
    free(m->ext);
    free(m->name);
    memset(m, 0, sizeof *m);
}

void gz_media_list_clear(struct gz_media_list *l)
{
    for (size_t i = 0; l && i < l->len; i++)
        gz_media_clear(&l->items[i]);
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}

static const char *const role_names[] = {
    [GZ_ROLE_CONTRIBUTOR] = "contributor",
    [GZ_ROLE_AUTHOR] = "author",
    [GZ_ROLE_EDITOR] = "editor",
    [GZ_ROLE_ADMIN] = "admin",
};

const char *gz_role_name(enum gz_role r)
{
    return r >= GZ_ROLE_CONTRIBUTOR && r <= GZ_ROLE_ADMIN ? role_names[r] : "contributor";
}

int gz_role_parse(const char *name, enum gz_role *out)
{
    for (int r = GZ_ROLE_CONTRIBUTOR; r <= GZ_ROLE_ADMIN; r++)
        if (name && !strcmp(name, role_names[r])) {
            *out = (enum gz_role)r;
            return GZ_OK;
        }
    return GZ_EINVAL;
}

void gz_redirect_list_clear(struct gz_redirect_list *l)
{
    for (size_t i = 0; l && i < l->len; i++) {
        free(l->items[i].path);
        free(l->items[i].target);
    }
    if (l) {
        free(l->items);
        memset(l, 0, sizeof *l);
    }
}
