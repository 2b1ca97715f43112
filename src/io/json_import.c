/* `gazette import json`: an export (io/json.h) read back into an empty
 * site, in one transaction. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "store/store.h"

/* More fields than any kind has columns. */
#define FIELDS_MAX 32

struct reader {
    FILE *in;
    const char *name;
    int64_t line;
    struct gz_buf buf;
    char *err;
    size_t errlen;
};

/* Reads the next line (without its newline) into r->buf. GZ_ENOTFOUND at
 * the end of the file; GZ_ETOOBIG for a line over GZ_JSON_LINE_MAX. */
static int read_line(struct reader *r)
{
    char chunk[65536];
    gz_buf_reset(&r->buf);
    int got = 0;
    while (fgets(chunk, sizeof chunk, r->in)) {
        size_t n = strlen(chunk);
        got = 1;
        int end = n > 0 && chunk[n - 1] == '\n';
        if (gz_buf_append(&r->buf, chunk, n - (size_t)end))
            return GZ_ETOOBIG;
        if (end)
            break;
    }
    if (ferror(r->in))
        return GZ_EIO;
    if (!got)
        return GZ_ENOTFOUND;
    r->line++;
    return GZ_OK;
}

static int fail(struct reader *r, int rc, const char *msg)
{
    snprintf(r->err, r->errlen, "%s:%lld: %s", r->name, (long long)r->line, msg);
    return rc;
}

/* Parses the current line as a JSON object with a string "type". */
static int parse_object(struct reader *r, json_t **out, const char **type)
{
    json_error_t jerr;
    json_t *o = json_loadb(r->buf.p, r->buf.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        char msg[300];
        snprintf(msg, sizeof msg, "column %d: %s", jerr.column, jerr.text);
        return fail(r, GZ_EINVAL, msg);
    }
    json_t *t = json_object_get(o, "type");
    if (!json_is_object(o) || !json_is_string(t)) {
        json_decref(o);
        return fail(r, GZ_EINVAL, "not an object with a \"type\"");
    }
    *out = o;
    *type = json_string_value(t);
    return GZ_OK;
}

static int check_header(struct reader *r)
{
    json_t *o = NULL;
    const char *type;
    int rc = read_line(r);
    if (rc == GZ_ENOTFOUND)
        return fail(r, GZ_EINVAL, "empty file: not a gazette export");
    if (rc != GZ_OK || (rc = parse_object(r, &o, &type)) != GZ_OK)
        return rc == GZ_EINVAL ? rc : fail(r, rc, "cannot read the header");
    json_t *format = json_object_get(o, "format");
    if (strcmp(type, "gazette"))
        rc = fail(r, GZ_EINVAL,
                  "not a gazette export (the first line's type is not "
                  "\"gazette\")");
    else if (!json_is_integer(format) || json_integer_value(format) != GZ_JSON_FORMAT)
        rc = fail(r, GZ_EINVAL, "an export format this gazette does not read");
    json_decref(o);
    return rc;
}

/* The fields of o (but "type") as store fields pointing into o. */
static int to_fields(struct reader *r, json_t *o, struct gz_field *f, size_t *n)
{
    const char *key;
    json_t *v;
    *n = 0;
    json_object_foreach(o, key, v)
    {
        if (!strcmp(key, "type"))
            continue;
        if (*n == FIELDS_MAX)
            return fail(r, GZ_EINVAL, "too many fields");
        struct gz_field *x = &f[(*n)++];
        *x = (struct gz_field){.name = key};
        if (json_is_integer(v)) {
            x->type = GZ_FIELD_INT;
            x->i = json_integer_value(v);
        } else if (json_is_string(v)) {
            x->type = GZ_FIELD_TEXT;
            x->text = json_string_value(v);
            x->len = json_string_length(v);
        } else if (json_is_null(v)) {
            x->type = GZ_FIELD_NULL;
        } else {
            char msg[200];
            snprintf(msg, sizeof msg, "%.60s: must be a string, an integer or null", key);
            return fail(r, GZ_EINVAL, msg);
        }
    }
    return GZ_OK;
}

static int load_line(struct reader *r, struct gz_store *s, struct gz_json_stats *stats)
{
    json_t *o = NULL;
    const char *type;
    struct gz_field f[FIELDS_MAX];
    size_t n;
    char msg[512];
    int rc = parse_object(r, &o, &type);
    if (rc == GZ_OK)
        rc = to_fields(r, o, f, &n);
    if (rc == GZ_OK && (rc = s->ops->load_row(s, type, f, n, msg, sizeof msg)) != GZ_OK)
        fail(r, rc, msg);
    if (rc == GZ_OK)
        gz_json_stats_count(stats, type);
    json_decref(o);
    return rc;
}

static int load_all(struct reader *r, struct gz_store *s, struct gz_json_stats *stats)
{
    int rc = check_header(r);
    while (rc == GZ_OK) {
        rc = read_line(r);
        if (rc == GZ_ENOTFOUND)
            return GZ_OK;
        if (rc == GZ_ETOOBIG)
            return fail(r, GZ_EINVAL, "line too long");
        if (rc != GZ_OK)
            return fail(r, rc, "read error");
        if (r->buf.len == 0)
            continue; /* a blank line, such as a trailing one */
        rc = load_line(r, s, stats);
    }
    return rc;
}

int gz_json_import(struct gz_store *s, FILE *in, const char *name,
                   struct gz_json_stats *stats, char *err, size_t errlen)
{
    struct reader r = {.in = in, .name = name, .err = err, .errlen = errlen};
    int empty = 0;
    memset(stats, 0, sizeof *stats);
    gz_buf_init(&r.buf, GZ_JSON_LINE_MAX);
    int rc = s->ops->load_begin(s);
    if (rc != GZ_OK) {
        snprintf(err, errlen, "cannot start a transaction on the site");
        goto out;
    }
    /* Checked under the write lock: nobody adds a row in between. */
    if ((rc = s->ops->dump_is_empty(s, &empty)) == GZ_OK && !empty) {
        snprintf(err, errlen,
                 "the site is not empty (it has articles, users, tags, media or "
                 "redirects): import json needs a new site (gazette init --db NEW.db)");
        rc = GZ_EEXIST;
    }
    if (rc == GZ_OK)
        rc = load_all(&r, s, stats);
    if (rc != GZ_OK) {
        s->ops->rollback(s);
        goto out;
    }
    char msg[512];
    if ((rc = s->ops->load_finish(s, msg, sizeof msg)) != GZ_OK)
        snprintf(err, errlen, "%s: %s", name, msg);
out:
    gz_buf_free(&r.buf);
    return rc;
}
