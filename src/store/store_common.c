/* Backend-neutral pieces of the store's operations: the checks, limits
 * and derived values that must come out the same from every backend
 * (sqlite_*.c, pg_*.c), so each is written once. No SQL here. */
#include "store/storeInt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/normalize.h"
#include "content/slug.h"
#include "core/log.h"
#include "core/utf8.h"
#include "views/hll.h"

/* ---- articles ---- */

int gz_store_article_check(const struct gz_article *a)
{
    if (!a || !a->title || !a->slug || !a->slug[0] || a->id < 0 ||
        (a->ntags && !a->tags)) {
        gz_error("store: article_save: an article needs a title and a slug");
        return GZ_EINVAL;
    }
    if (a->status < GZ_STATUS_DRAFT || a->status > GZ_STATUS_UNPUBLISHED) {
        gz_error("store: article_save: unknown status %d", (int)a->status);
        return GZ_EINVAL;
    }
    return GZ_OK;
}

int gz_store_tags_join(const struct gz_article *a, struct gz_buf *out)
{
    int rc = GZ_OK;
    for (size_t i = 0; i < a->ntags && rc == GZ_OK; i++) {
        if (!a->tags[i] || !a->tags[i][0])
            continue;
        if (out->len)
            rc = gz_buf_putc(out, '\n');
        if (rc == GZ_OK)
            rc = gz_buf_puts(out, a->tags[i]);
    }
    return rc;
}

char *gz_store_tag_slug(const char *name)
{
    struct gz_buf b;
    gz_buf_init(&b, 4 * GZ_SLUG_MAX);
    if (gz_slugify(name, strlen(name), &b) != GZ_OK) {
        gz_buf_free(&b);
        return gz_xstrdup("tag");
    }
    return gz_buf_take(&b);
}

/* Slug candidates tried one by one before gz_store_unique_slug starts to
 * gallop. */
#define SLUG_PROBES 16

/* Writes candidate n for base into cand ("base" for 1, "base-n" after)
 * and asks is_taken about it. */
static int probe_slug(const char *base, int64_t n, gz_store_slug_taken_fn is_taken,
                      void *ctx, struct gz_buf *cand, int *taken)
{
    gz_buf_reset(cand);
    int rc = n == 1 ? gz_buf_puts(cand, base)
                    : gz_buf_printf(cand, "%s-%lld", base, (long long)n);
    if (rc == GZ_OK)
        rc = is_taken(ctx, cand->p, taken);
    return rc;
}

/* After SLUG_PROBES taken candidates it gallops (doubling n) to a free one
 * and bisects back to the first free n above a taken one, so a thousand
 * articles called "news" cost a few probes each, not a thousand. When the
 * suffixes in use have gaps this may pick a later free n than the lowest
 * one; any free slug will do. */
int gz_store_unique_slug(const char *base, gz_store_slug_taken_fn is_taken, void *ctx,
                         char **out)
{
    struct gz_buf cand;
    gz_buf_init(&cand, GZ_BUF_PAGE_MAX);
    int taken = 0;
    int rc = GZ_OK;
    int64_t lo = 0, hi = 1;
    /* Linear: lo is the last taken n, hi the next to try. */
    for (; hi <= SLUG_PROBES; lo = hi++)
        if ((rc = probe_slug(base, hi, is_taken, ctx, &cand, &taken)) || !taken)
            goto out;
    /* Gallop: lo taken, hi doubles until it is free. */
    for (hi = lo * 2;; lo = hi, hi *= 2) {
        if ((rc = probe_slug(base, hi, is_taken, ctx, &cand, &taken)))
            goto out;
        if (!taken)
            break;
        if (hi > INT64_MAX / 4) {
            gz_error("store: no free slug for \"%s\"", base);
            rc = GZ_EEXIST;
            goto out;
        }
    }
    /* Bisect: lo taken, hi free, until they are neighbours. */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((rc = probe_slug(base, mid, is_taken, ctx, &cand, &taken)))
            goto out;
        if (taken)
            lo = mid;
        else
            hi = mid;
    }
    rc = probe_slug(base, hi, is_taken, ctx, &cand, &taken);
out:
    if (rc == GZ_OK)
        *out = gz_buf_take(&cand);
    gz_buf_free(&cand);
    return rc;
}

/* ---- tag aliases ---- */

char *gz_store_normalized(const char *text, size_t max)
{
    struct gz_buf b;
    gz_buf_init(&b, max);
    if (gz_normalize(text, strlen(text), &b) != GZ_OK || b.len == 0) {
        gz_buf_free(&b);
        return NULL;
    }
    return gz_buf_take(&b);
}

int gz_store_alias_forms(const char *alias, char **norm, char **slug)
{
    size_t n = alias ? strlen(alias) : 0;
    *norm = *slug = NULL;
    if (n == 0 || n > GZ_TAG_ALIAS_MAX || !gz_utf8_valid(alias, n))
        return GZ_EINVAL;
    *norm = gz_store_normalized(alias, GZ_BUF_PAGE_MAX);
    if (!*norm)
        return GZ_EINVAL;
    struct gz_buf b;
    gz_buf_init(&b, 4 * GZ_SLUG_MAX);
    if (gz_slugify(alias, n, &b) != GZ_OK) {
        gz_buf_free(&b);
        free(*norm);
        *norm = NULL;
        return GZ_EINVAL;
    }
    *slug = gz_buf_take(&b);
    return GZ_OK;
}

/* ---- readership ---- */

/* Longest period the days read covers at once: ten years of days, far more
 * than the dashboard's 365, small enough that the answer stays small. */
#define DAYS_MAX 3660
/* Most rows a top list or a referrer list returns. */
#define LIST_MAX 10000

int gz_store_readers_kind_ok(enum gz_readers_kind k)
{
    return k == GZ_READERS_HOUR || k == GZ_READERS_DAY || k == GZ_READERS_ALL;
}

int gz_store_stat_days_start(int64_t article_id, int64_t from_day, int64_t to_day,
                             struct gz_stat_days *out)
{
    memset(out, 0, sizeof *out);
    if (article_id < 0 || from_day < 0 || to_day < from_day ||
        to_day - from_day >= DAYS_MAX)
        return GZ_EINVAL;
    size_t n = (size_t)(to_day - from_day + 1);
    out->items = gz_xcalloc(n, sizeof *out->items);
    out->len = n;
    for (size_t i = 0; i < n; i++)
        out->items[i].day = from_day + (int64_t)i;
    return GZ_OK;
}

int gz_store_stats_top_range(enum gz_readers_kind kind, int64_t *first, int64_t *last)
{
    if (!gz_store_readers_kind_ok(kind))
        return GZ_EINVAL;
    if (kind == GZ_READERS_ALL)
        *first = *last = 0; /* the all-time sketch's period; the views ignore both */
    return *last < *first ? GZ_EINVAL : GZ_OK;
}

int64_t gz_store_stats_limit(size_t limit)
{
    return limit > LIST_MAX ? LIST_MAX : (int64_t)limit;
}

/* ---- whole-site import (load_row) ---- */

static const struct gz_field *field_find(const struct gz_field *f, size_t n,
                                         const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].name, name))
            return &f[i];
    return NULL;
}

int gz_store_load_check(const char *kind, const struct gz_store_column *cols,
                        size_t ncols, const struct gz_field *f, size_t n, char *err,
                        size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (c < ncols && strcmp(cols[c].name, f[i].name))
            c++;
        if (c == ncols) {
            snprintf(err, errlen, "%s: unknown field \"%s\"", kind, f[i].name);
            return GZ_EINVAL;
        }
    }
    return GZ_OK;
}

/* A sketch given as base64 text, decoded into *out (heap); GZ_EINVAL when
 * the text is not base64 or its bytes are not a sketch. */
static int decode_sketch(const struct gz_field *v, uint8_t **out, size_t *len)
{
    size_t cap = v->len / 4 * 3 + 3, n = 0;
    unsigned char *bytes = gz_xmalloc(cap);
    const char *end = NULL;
    int rc = GZ_EINVAL;
    if (sodium_base642bin(bytes, cap, v->text, v->len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) == 0 &&
        end == v->text + v->len) {
        struct gz_hll *h = gz_hll_new();
        if (gz_hll_merge_bytes(h, bytes, n) == GZ_OK)
            rc = GZ_OK;
        gz_hll_free(h);
    }
    if (rc != GZ_OK) {
        free(bytes);
        return rc;
    }
    *out = bytes;
    *len = n;
    return GZ_OK;
}

int gz_store_load_value(const char *kind, const struct gz_store_column *c,
                        const struct gz_field *f, size_t n, struct gz_field *value,
                        uint8_t **sketch, size_t *sketch_len, char *err, size_t errlen)
{
    const struct gz_field *v = field_find(f, n, c->name);
    *value = (struct gz_field){.name = c->name, .type = GZ_FIELD_NULL};
    if (c->type == 'h') {
        static const struct gz_field empty = {
            .type = GZ_FIELD_TEXT, .text = "AQA=", .len = 4};
        if (v && v->type != GZ_FIELD_TEXT)
            goto bad;
        if (decode_sketch(v ? v : &empty, sketch, sketch_len) != GZ_OK) {
            snprintf(err, errlen, "%s: %s: not a readers sketch in base64", kind,
                     c->name);
            return GZ_EINVAL;
        }
        return GZ_OK;
    }
    if (!v || v->type == GZ_FIELD_NULL) {
        if (v && c->type != 'n')
            goto bad;
        if (c->type == 't') {
            value->type = GZ_FIELD_TEXT;
            value->text = "";
        } else if (c->type != 'n') {
            value->type = GZ_FIELD_INT;
        }
    } else if ((v->type == GZ_FIELD_TEXT) != (c->type == 't')) {
        goto bad;
    } else {
        *value = *v;
    }
    return GZ_OK;
bad:
    snprintf(err, errlen, "%s: %s: must be %s", kind, c->name,
             c->type == 't' || c->type == 'h' ? "a string"
             : c->type == 'n'                 ? "an integer or null"
                                              : "an integer");
    return GZ_EINVAL;
}

/* ---- the whole-site export's kinds of rows (sqlite_json.c, pg_json.c) ---- */

static const struct gz_store_column sequence_cols[] = {{"name", 't'}, {"seq", 'i'}};
static const struct gz_store_column setting_cols[] = {{"key", 't'}, {"value", 't'}};
static const struct gz_store_column user_cols[] = {
    {"id", 'i'},   {"name", 't'},      {"display_name", 't'}, {"email", 't'},
    {"role", 't'}, {"pass_hash", 't'}, {"disabled", 'i'},     {"created_at", 'i'},
};
static const struct gz_store_column tag_cols[] = {
    {"id", 'i'}, {"name", 't'}, {"slug", 't'}, {"description", 't'}, {"parent_id", 'n'},
};
static const struct gz_store_column alias_cols[] = {
    {"id", 'i'}, {"tag_id", 'i'}, {"alias", 't'}, {"norm", 't'}, {"slug", 't'},
};
static const struct gz_store_column media_cols[] = {
    {"id", 'i'},    {"sha256", 't'}, {"mime", 't'}, {"ext", 't'},     {"size", 'i'},
    {"width", 'i'}, {"height", 'i'}, {"name", 't'}, {"user_id", 'i'}, {"created_at", 'i'},
};
static const struct gz_store_column article_cols[] = {
    {"id", 'i'},         {"slug", 't'},        {"title", 't'},        {"summary", 't'},
    {"body_src", 't'},   {"body_format", 'i'}, {"body_html", 't'},    {"teaser", 't'},
    {"lang", 't'},       {"status", 'i'},      {"published_at", 'i'}, {"updated_at", 'i'},
    {"created_at", 'i'}, {"deleted_at", 'i'},  {"author_id", 'n'},    {"image", 't'},
};
static const struct gz_store_column article_tag_cols[] = {
    {"article_id", 'i'}, {"tag_id", 'i'}, {"position", 'i'}};
static const struct gz_store_column revision_cols[] = {
    {"id", 'i'},    {"article_id", 'i'}, {"user_id", 'i'},      {"created_at", 'i'},
    {"title", 't'}, {"slug", 't'},       {"summary", 't'},      {"body_src", 't'},
    {"lang", 't'},  {"status", 'i'},     {"published_at", 'i'}, {"tags", 't'},
    {"image", 't'},
};
static const struct gz_store_column translation_cols[] = {{"article_id", 'i'},
                                                          {"group_id", 'i'}};
static const struct gz_store_column redirect_cols[] = {
    {"path", 't'}, {"target", 't'}, {"created_at", 'i'}};
static const struct gz_store_column import_key_cols[] = {
    {"source", 't'}, {"key", 't'}, {"kind", 't'}, {"local_id", 'i'}};
static const struct gz_store_column view_day_cols[] = {
    {"article_id", 'i'}, {"day", 'i'}, {"count", 'i'}};
static const struct gz_store_column view_hour_cols[] = {
    {"article_id", 'i'}, {"hour", 'i'}, {"count", 'i'}};
static const struct gz_store_column readers_cols[] = {
    {"article_id", 'i'}, {"kind", 'i'}, {"period", 'i'}, {"hll", 'h'}};
static const struct gz_store_column referrer_cols[] = {
    {"article_id", 'i'}, {"day", 'i'}, {"domain", 't'}, {"count", 'i'}};

const struct gz_store_kind gz_store_kinds[GZ_KIND_COUNT] = {
    [GZ_KIND_SEQUENCE] = {"sequence", sequence_cols, GZ_COUNTOF(sequence_cols)},
    [GZ_KIND_SETTING] = {"setting", setting_cols, GZ_COUNTOF(setting_cols)},
    [GZ_KIND_USER] = {"user", user_cols, GZ_COUNTOF(user_cols)},
    [GZ_KIND_TAG] = {"tag", tag_cols, GZ_COUNTOF(tag_cols)},
    [GZ_KIND_TAG_ALIAS] = {"tag_alias", alias_cols, GZ_COUNTOF(alias_cols)},
    [GZ_KIND_MEDIA] = {"media", media_cols, GZ_COUNTOF(media_cols)},
    [GZ_KIND_ARTICLE] = {"article", article_cols, GZ_COUNTOF(article_cols)},
    [GZ_KIND_ARTICLE_TAG] = {"article_tag", article_tag_cols,
                             GZ_COUNTOF(article_tag_cols)},
    [GZ_KIND_REVISION] = {"revision", revision_cols, GZ_COUNTOF(revision_cols)},
    [GZ_KIND_TRANSLATION] = {"translation", translation_cols,
                             GZ_COUNTOF(translation_cols)},
    [GZ_KIND_REDIRECT] = {"redirect", redirect_cols, GZ_COUNTOF(redirect_cols)},
    [GZ_KIND_IMPORT_KEY] = {"import_key", import_key_cols, GZ_COUNTOF(import_key_cols)},
    [GZ_KIND_VIEWS_DAILY] = {"views_daily", view_day_cols, GZ_COUNTOF(view_day_cols)},
    [GZ_KIND_VIEWS_HOURLY] = {"views_hourly", view_hour_cols, GZ_COUNTOF(view_hour_cols)},
    [GZ_KIND_READERS] = {"readers", readers_cols, GZ_COUNTOF(readers_cols)},
    [GZ_KIND_REFERRER] = {"referrer", referrer_cols, GZ_COUNTOF(referrer_cols)},
};
