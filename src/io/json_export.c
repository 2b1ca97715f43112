/* `gazette export json`: the store's dump written as JSON Lines (io/json.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "store/store.h"

struct writer {
    FILE *out;
    int with_secrets;
    struct gz_json_stats *stats;
    char *err;
    size_t errlen;
};

void gz_json_stats_count(struct gz_json_stats *st, const char *kind)
{
    st->rows++;
    for (size_t i = 0; i < st->nkinds; i++)
        if (!strcmp(st->kinds[i].kind, kind)) {
            st->kinds[i].rows++;
            return;
        }
    if (st->nkinds < GZ_JSON_KINDS_MAX) {
        st->kinds[st->nkinds].kind = gz_xstrdup(kind);
        st->kinds[st->nkinds++].rows = 1;
    }
}

/* A password hash is a secret: an export may be handed around. */
static int is_secret(const char *kind, const char *field)
{
    return !strcmp(kind, "user") && !strcmp(field, "pass_hash");
}

static json_t *value(const struct gz_field *f)
{
    switch (f->type) {
    case GZ_FIELD_INT:
        return json_integer(f->i);
    case GZ_FIELD_TEXT:
        return json_stringn(f->text, f->len); /* NULL when not UTF-8 */
    default:
        return json_null();
    }
}

/* Writes one object and a newline; the caller frees it. Compact, keys in
 * insertion order: the same row always gives the same bytes. */
static int write_line(struct writer *w, json_t *o)
{
    if (json_dumpf(o, w->out, JSON_COMPACT | JSON_PRESERVE_ORDER) ||
        fputc('\n', w->out) == EOF) {
        snprintf(w->err, w->errlen, "writing the export failed");
        return GZ_EIO;
    }
    return GZ_OK;
}

static int on_row(void *ctx, const char *kind, const struct gz_field *f, size_t n)
{
    struct writer *w = ctx;
    json_t *o = json_object();
    int rc = GZ_OK;
    json_object_set_new(o, "type", json_string(kind));
    for (size_t i = 0; i < n && rc == GZ_OK; i++) {
        if (!w->with_secrets && is_secret(kind, f[i].name))
            continue;
        json_t *v = value(&f[i]);
        if (!v) {
            snprintf(w->err, w->errlen, "%s: %s: not UTF-8 text", kind, f[i].name);
            rc = GZ_EINVAL;
        } else {
            json_object_set_new(o, f[i].name, v);
        }
    }
    if (rc == GZ_OK)
        rc = write_line(w, o);
    json_decref(o);
    if (rc == GZ_OK)
        gz_json_stats_count(w->stats, kind);
    return rc;
}

int gz_json_export(struct gz_store *s, FILE *out, int with_secrets,
                   struct gz_json_stats *stats, char *err, size_t errlen)
{
    struct writer w = {out, with_secrets, stats, err, errlen};
    memset(stats, 0, sizeof *stats);
    err[0] = '\0';
    json_t *header = json_pack("{s:s, s:i, s:b}", "type", "gazette", "format",
                               GZ_JSON_FORMAT, "secrets", with_secrets);
    int rc = write_line(&w, header);
    json_decref(header);
    if (rc == GZ_OK && (rc = s->ops->dump(s, on_row, &w)) != GZ_OK && !err[0])
        snprintf(err, errlen, "reading the site failed");
    if (rc == GZ_OK && fflush(out)) {
        snprintf(err, errlen, "writing the export failed");
        rc = GZ_EIO;
    }
    return rc;
}

void gz_json_stats_clear(struct gz_json_stats *stats)
{
    for (size_t i = 0; i < stats->nkinds; i++)
        free(stats->kinds[i].kind);
    memset(stats, 0, sizeof *stats);
}
