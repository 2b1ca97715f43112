/* The WXR reader (wxr.h): libxml2's xmlTextReader over a small input
 * filter that repairs raw "]]>" inside CDATA sections. */
#include "io/wxr.h"

#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"

/* ---- the input filter ---------------------------------------------------- */

/* The raw bytes come through a window of RAW_SIZE; a "]]>" is looked past
 * for at most LOOKAHEAD bytes of whitespace. */
#define RAW_SIZE (64 * 1024)
#define LOOKAHEAD 4096

static const char CDATA_OPEN[] = "<![CDATA[";
/* A "]]>" that is text inside CDATA: end the section after "]]", then
 * open a new one for ">". */
static const char CDATA_ESCAPED[] = "]]]]><![CDATA[>";

struct input {
    FILE *f;
    unsigned char raw[RAW_SIZE];
    size_t pos, len;
    int eof, in_cdata;
    uint64_t bytes; /* read from the file so far */
    char pend[16];  /* filtered bytes not yet handed over */
    size_t pend_pos, pend_len;
};

/* Makes at least k bytes available from pos (fewer at the end of the
 * file); returns how many are. */
static size_t avail(struct input *in, size_t k)
{
    if (in->len - in->pos < k && !in->eof) {
        memmove(in->raw, in->raw + in->pos, in->len - in->pos);
        in->len -= in->pos;
        in->pos = 0;
        size_t n = fread(in->raw + in->len, 1, RAW_SIZE - in->len, in->f);
        in->bytes += n;
        in->len += n;
        if (n == 0)
            in->eof = 1;
    }
    return in->len - in->pos;
}

static int starts(struct input *in, const char *s, size_t n)
{
    return avail(in, n) >= n && !memcmp(in->raw + in->pos, s, n);
}

/* Inside CDATA at a "]]>": whether it ends the section, that is whether
 * the next character after any whitespace is '<' (or the file ends). */
static int cdata_ends_here(struct input *in)
{
    size_t have = avail(in, 3 + LOOKAHEAD);
    for (size_t i = 3; i < have; i++) {
        unsigned char c = in->raw[in->pos + i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '<';
    }
    return 1;
}

/* Copies n raw bytes to out. */
static int copy(struct input *in, char *out, size_t n)
{
    memcpy(out, in->raw + in->pos, n);
    in->pos += n;
    return (int)n;
}

/* One step of the filter into out (16 bytes); returns the bytes written. */
static int filter_step(struct input *in, char *out)
{
    if (!in->in_cdata) {
        if (starts(in, CDATA_OPEN, 9)) {
            in->in_cdata = 1;
            return copy(in, out, 9);
        }
        return copy(in, out, 1);
    }
    if (!starts(in, "]]>", 3))
        return copy(in, out, 1);
    if (cdata_ends_here(in)) {
        in->in_cdata = 0;
        return copy(in, out, 3);
    }
    in->pos += 3;
    memcpy(out, CDATA_ESCAPED, sizeof CDATA_ESCAPED - 1);
    return (int)(sizeof CDATA_ESCAPED - 1);
}

/* libxml2 asks for as little as 4 bytes at first: a step's output (up to
 * 15 bytes) waits in pend until asked for. */
static int input_read(void *ctx, char *buf, int len)
{
    struct input *in = ctx;
    int n = 0;
    while (n < len) {
        if (in->pend_pos == in->pend_len) {
            if (avail(in, 1) == 0)
                break;
            in->pend_len = (size_t)filter_step(in, in->pend);
            in->pend_pos = 0;
        }
        size_t k = in->pend_len - in->pend_pos;
        if (k > (size_t)(len - n))
            k = (size_t)(len - n);
        memcpy(buf + n, in->pend + in->pend_pos, k);
        in->pend_pos += k;
        n += (int)k;
    }
    return ferror(in->f) ? -1 : n;
}

static int input_close(void *ctx)
{
    (void)ctx; /* the FILE is closed by gz_wxr_read */
    return 0;
}

/* ---- the document -------------------------------------------------------- */

/* The fields held while reading a record. */
enum field {
    F_TITLE,
    F_LINK,
    F_GUID,
    F_CREATOR,
    F_CONTENT,
    F_EXCERPT,
    F_POST_ID,
    F_POST_DATE,
    F_POST_DATE_GMT,
    F_POST_NAME,
    F_STATUS,
    F_POST_TYPE,
    F_PASSWORD,
    F_ATTACHMENT_URL,
    F_PUB_DATE,
    F_THUMB,
    F_LOGIN,
    F_EMAIL,
    F_DISPLAY,
    F_TAXONOMY,
    F_TERM_ID,
    F_SLUG,
    F_NAME,
    F_PARENT,
    F_DESC,
    F_META_KEY,
    F_META_VALUE,
    F_CAT_NAME,
    F_VERSION,
    F_BASE_SITE,
    F_BASE_BLOG,
    F_CHANNEL_LINK,
    F_COUNT,
    F_NONE = -1,
};

enum ns { NS_NONE, NS_WP, NS_CONTENT, NS_EXCERPT, NS_DC, NS_OTHER };
enum record { R_NONE, R_ITEM, R_AUTHOR, R_CATEGORY, R_TAG, R_TERM };

/* An element name in a namespace, and the field it fills. */
struct name_map {
    enum ns ns;
    const char *name;
    enum field field;
};

static const struct name_map item_fields[] = {
    {NS_NONE, "title", F_TITLE},
    {NS_NONE, "link", F_LINK},
    {NS_NONE, "guid", F_GUID},
    {NS_NONE, "pubDate", F_PUB_DATE},
    {NS_DC, "creator", F_CREATOR},
    {NS_CONTENT, "encoded", F_CONTENT},
    {NS_EXCERPT, "encoded", F_EXCERPT},
    {NS_WP, "post_id", F_POST_ID},
    {NS_WP, "post_date", F_POST_DATE},
    {NS_WP, "post_date_gmt", F_POST_DATE_GMT},
    {NS_WP, "post_name", F_POST_NAME},
    {NS_WP, "status", F_STATUS},
    {NS_WP, "post_type", F_POST_TYPE},
    {NS_WP, "post_password", F_PASSWORD},
    {NS_WP, "attachment_url", F_ATTACHMENT_URL},
    {NS_NONE, NULL, F_NONE},
};
static const struct name_map author_fields[] = {
    {NS_WP, "author_login", F_LOGIN},
    {NS_WP, "author_email", F_EMAIL},
    {NS_WP, "author_display_name", F_DISPLAY},
    {NS_NONE, NULL, F_NONE},
};
static const struct name_map category_fields[] = {
    {NS_WP, "term_id", F_TERM_ID},           {NS_WP, "category_nicename", F_SLUG},
    {NS_WP, "category_parent", F_PARENT},    {NS_WP, "cat_name", F_NAME},
    {NS_WP, "category_description", F_DESC}, {NS_NONE, NULL, F_NONE},
};
static const struct name_map tag_fields[] = {
    {NS_WP, "term_id", F_TERM_ID}, {NS_WP, "tag_slug", F_SLUG},
    {NS_WP, "tag_name", F_NAME},   {NS_WP, "tag_description", F_DESC},
    {NS_NONE, NULL, F_NONE},
};
static const struct name_map term_fields[] = {
    {NS_WP, "term_id", F_TERM_ID}, {NS_WP, "term_taxonomy", F_TAXONOMY},
    {NS_WP, "term_slug", F_SLUG},  {NS_WP, "term_parent", F_PARENT},
    {NS_WP, "term_name", F_NAME},  {NS_WP, "term_description", F_DESC},
    {NS_NONE, NULL, F_NONE},
};
static const struct name_map channel_fields[] = {
    {NS_WP, "wxr_version", F_VERSION},
    {NS_WP, "base_site_url", F_BASE_SITE},
    {NS_WP, "base_blog_url", F_BASE_BLOG},
    {NS_NONE, "link", F_CHANNEL_LINK},
    {NS_NONE, NULL, F_NONE},
};

/* The namespace URIs of the export, as bound on its root element; the
 * defaults are WordPress's importer's. */
enum { URI_MAX = 256 };
struct uris {
    char wp[URI_MAX], excerpt[URI_MAX], content[URI_MAX], dc[URI_MAX];
};

/* One item's <category> elements: offsets into terms_text. */
struct item_terms {
    struct gz_buf text;
    size_t domain[GZ_WXR_ITEM_TERMS_MAX], nicename[GZ_WXR_ITEM_TERMS_MAX],
        name[GZ_WXR_ITEM_TERMS_MAX];
    size_t n;
};

struct reader {
    xmlTextReaderPtr xr;
    struct input in;
    uint64_t total;
    const struct gz_wxr_handler *h;
    struct gz_wxr_error *err;
    struct uris uris;
    struct gz_buf f[F_COUNT];
    unsigned char set[F_COUNT];
    enum record rec;
    int rec_line;
    enum field capturing; /* the field whose text is being read, or F_NONE */
    int capture_depth;
    int in_meta;                     /* inside an item's wp:postmeta */
    size_t cat_domain, cat_nicename; /* the open <category>'s attributes */
    int in_cat;
    struct item_terms terms;
    int channel_done;
    struct gz_wxr_item item; /* large (its term table): kept off the stack */
};

static void set_error(struct reader *r, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(struct reader *r, int line, int column, const char *fmt, ...)
{
    if (r->err->reason[0])
        return; /* the first error is the one that matters */
    r->err->line = line;
    r->err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->reason, sizeof r->err->reason, fmt, ap);
    va_end(ap);
}

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    struct reader *r = arg;
    /* Only what stops the parse: a namespace URI that is not a valid URI
     * is an error to libxml2, but WordPress reads such files. */
    if (!e || e->level < XML_ERR_FATAL)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    set_error(r, e->line, e->int2, "not well-formed XML: %s", msg);
}

static int here_line(struct reader *r)
{
    return xmlTextReaderGetParserLineNumber(r->xr);
}

static int here_column(struct reader *r)
{
    return xmlTextReaderGetParserColumnNumber(r->xr);
}

static enum ns classify(const struct reader *r, const char *uri)
{
    if (!uri || !uri[0])
        return NS_NONE;
    if (!strcmp(uri, r->uris.wp))
        return NS_WP;
    if (!strcmp(uri, r->uris.content))
        return NS_CONTENT;
    if (!strcmp(uri, r->uris.excerpt))
        return NS_EXCERPT;
    if (!strcmp(uri, r->uris.dc))
        return NS_DC;
    return NS_OTHER;
}

static enum field lookup(const struct name_map *m, enum ns ns, const char *name)
{
    for (; m->name; m++)
        if (m->ns == ns && !strcmp(m->name, name))
            return m->field;
    return F_NONE;
}

static void keep_uri(char *dst, const char *value)
{
    snprintf(dst, URI_MAX, "%s", value);
}

/* Reads the root element's namespace declarations. */
static void read_root(struct reader *r)
{
    snprintf(r->uris.wp, URI_MAX, "http://wordpress.org/export/1.1/");
    snprintf(r->uris.excerpt, URI_MAX, "http://wordpress.org/export/1.1/excerpt/");
    snprintf(r->uris.content, URI_MAX, "http://purl.org/rss/1.0/modules/content/");
    snprintf(r->uris.dc, URI_MAX, "http://purl.org/dc/elements/1.1/");
    while (xmlTextReaderMoveToNextAttribute(r->xr) == 1) {
        const char *name = (const char *)xmlTextReaderConstName(r->xr);
        const char *value = (const char *)xmlTextReaderConstValue(r->xr);
        if (!name || !value || strncmp(name, "xmlns:", 6))
            continue;
        if (!strcmp(name + 6, "wp"))
            keep_uri(r->uris.wp, value);
        else if (!strcmp(name + 6, "excerpt"))
            keep_uri(r->uris.excerpt, value);
        else if (!strcmp(name + 6, "content"))
            keep_uri(r->uris.content, value);
        else if (!strcmp(name + 6, "dc"))
            keep_uri(r->uris.dc, value);
    }
    xmlTextReaderMoveToElement(r->xr);
}

static void clear_record(struct reader *r)
{
    for (int i = 0; i < F_COUNT; i++) {
        if (i >= F_VERSION)
            break; /* the channel's fields stay */
        gz_buf_reset(&r->f[i]);
        r->set[i] = 0;
    }
    gz_buf_reset(&r->terms.text);
    r->terms.n = 0;
    r->in_meta = r->in_cat = 0;
}

static const char *fld(struct reader *r, enum field f)
{
    return r->f[f].p ? r->f[f].p : "";
}

/* The version must be there, and digits.digits, before anything is
 * imported: WordPress's importer refuses other files the same way. */
static int check_version(struct reader *r)
{
    const char *v = fld(r, F_VERSION);
    size_t i = 0, digits = 0;
    while (v[i] >= '0' && v[i] <= '9')
        i++;
    digits = i;
    int ok = digits > 0 && v[i] == '.';
    if (ok) {
        size_t j = ++i;
        while (v[i] >= '0' && v[i] <= '9')
            i++;
        ok = i > j && v[i] == '\0';
    }
    if (ok)
        return GZ_OK;
    if (!r->set[F_VERSION])
        set_error(r, here_line(r), here_column(r),
                  "not a WXR file: no wp:wxr_version before the first record");
    else
        set_error(r, here_line(r), here_column(r),
                  "not a WXR file: invalid wp:wxr_version \"%.40s\"", v);
    return GZ_EINVAL;
}

static int channel_once(struct reader *r)
{
    if (r->channel_done)
        return GZ_OK;
    r->channel_done = 1;
    int rc = check_version(r);
    if (rc == GZ_OK && r->h->channel) {
        struct gz_wxr_channel c = {fld(r, F_VERSION), fld(r, F_BASE_SITE),
                                   fld(r, F_BASE_BLOG), fld(r, F_CHANNEL_LINK)};
        rc = r->h->channel(r->h->ctx, &c);
    }
    return rc;
}

static enum record record_of(enum ns ns, const char *name)
{
    if (ns == NS_NONE && !strcmp(name, "item"))
        return R_ITEM;
    if (ns != NS_WP)
        return R_NONE;
    if (!strcmp(name, "author"))
        return R_AUTHOR;
    if (!strcmp(name, "category"))
        return R_CATEGORY;
    if (!strcmp(name, "tag"))
        return R_TAG;
    if (!strcmp(name, "term"))
        return R_TERM;
    return R_NONE;
}

static const struct name_map *fields_of(enum record rec)
{
    switch (rec) {
    case R_ITEM:
        return item_fields;
    case R_AUTHOR:
        return author_fields;
    case R_CATEGORY:
        return category_fields;
    case R_TAG:
        return tag_fields;
    case R_TERM:
        return term_fields;
    default:
        return NULL;
    }
}

/* Appends an attribute's value and a NUL to the item's term text; returns
 * its offset. */
static size_t keep_attr(struct reader *r, const char *attr)
{
    size_t at = r->terms.text.len;
    xmlChar *v = xmlTextReaderGetAttribute(r->xr, (const xmlChar *)attr);
    if (gz_buf_puts(&r->terms.text, v ? (const char *)v : "") ||
        gz_buf_putc(&r->terms.text, '\0'))
        at = (size_t)-1;
    xmlFree(v);
    return at;
}

static void start_capture(struct reader *r, enum field f, int depth)
{
    if (f == F_NONE || r->set[f])
        return; /* the first of a field wins, as in WordPress */
    gz_buf_reset(&r->f[f]);
    r->capturing = f;
    r->capture_depth = depth;
}

/* An element inside a record (depth 3 and below). */
static void record_element(struct reader *r, enum ns ns, const char *name, int depth,
                           int empty)
{
    if (depth == 3 && r->rec == R_ITEM && ns == NS_NONE && !strcmp(name, "category")) {
        if (empty)
            return;
        r->in_cat = 1;
        r->cat_domain = keep_attr(r, "domain");
        r->cat_nicename = keep_attr(r, "nicename");
        r->set[F_CAT_NAME] = 0;
        start_capture(r, F_CAT_NAME, depth);
        return;
    }
    if (depth == 3 && r->rec == R_ITEM && ns == NS_WP && !strcmp(name, "postmeta")) {
        r->in_meta = !empty;
        r->set[F_META_KEY] = r->set[F_META_VALUE] = 0;
        gz_buf_reset(&r->f[F_META_KEY]);
        gz_buf_reset(&r->f[F_META_VALUE]);
        return;
    }
    if (depth == 4 && r->in_meta && ns == NS_WP) {
        if (!empty && !strcmp(name, "meta_key"))
            start_capture(r, F_META_KEY, depth);
        else if (!empty && !strcmp(name, "meta_value"))
            start_capture(r, F_META_VALUE, depth);
        return;
    }
    if (depth == 3 && !empty)
        start_capture(r, lookup(fields_of(r->rec), ns, name), depth);
}

static int on_start(struct reader *r, int depth)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(r->xr);
    const char *uri = (const char *)xmlTextReaderConstNamespaceUri(r->xr);
    int empty = xmlTextReaderIsEmptyElement(r->xr) == 1;
    if (!name)
        return GZ_OK;
    if (depth == 0) {
        read_root(r);
        return GZ_OK;
    }
    enum ns ns = classify(r, uri);
    if (depth == 2) {
        enum record rec = record_of(ns, name);
        if (rec == R_NONE) {
            if (!empty)
                start_capture(r, lookup(channel_fields, ns, name), depth);
            return GZ_OK;
        }
        int rc = channel_once(r);
        if (rc)
            return rc;
        clear_record(r);
        r->rec = rec;
        r->rec_line = here_line(r);
        return empty ? GZ_DECLINED : GZ_OK; /* an empty record ends at once */
    }
    if (depth >= 3 && r->rec != R_NONE)
        record_element(r, ns, name, depth, empty);
    return GZ_OK;
}

static int on_text(struct reader *r, int depth)
{
    if (r->capturing == F_NONE || depth != r->capture_depth + 1)
        return GZ_OK;
    const char *v = (const char *)xmlTextReaderConstValue(r->xr);
    if (v && gz_buf_puts(&r->f[r->capturing], v)) {
        set_error(r, here_line(r), here_column(r), "a field is larger than %zu MB",
                  GZ_WXR_FIELD_MAX >> 20);
        return GZ_ETOOBIG;
    }
    return GZ_OK;
}

static void end_category(struct reader *r)
{
    struct item_terms *t = &r->terms;
    size_t at = t->text.len;
    if (gz_buf_puts(&t->text, fld(r, F_CAT_NAME)) || gz_buf_putc(&t->text, '\0'))
        return;
    if (t->n < GZ_WXR_ITEM_TERMS_MAX && r->cat_domain != (size_t)-1 &&
        r->cat_nicename != (size_t)-1) {
        t->domain[t->n] = r->cat_domain;
        t->nicename[t->n] = r->cat_nicename;
        t->name[t->n] = at;
        t->n++;
    }
}

static void end_meta(struct reader *r)
{
    if (!strcmp(fld(r, F_META_KEY), "_thumbnail_id") && !r->set[F_THUMB]) {
        gz_buf_reset(&r->f[F_THUMB]);
        if (gz_buf_puts(&r->f[F_THUMB], fld(r, F_META_VALUE)) == GZ_OK)
            r->set[F_THUMB] = 1;
    }
}

static int emit_item(struct reader *r)
{
    struct gz_wxr_item *it = &r->item;
    *it = (struct gz_wxr_item){.title = fld(r, F_TITLE),
                               .link = fld(r, F_LINK),
                               .guid = fld(r, F_GUID),
                               .creator = fld(r, F_CREATOR),
                               .content = fld(r, F_CONTENT),
                               .excerpt = fld(r, F_EXCERPT),
                               .post_id = fld(r, F_POST_ID),
                               .post_date = fld(r, F_POST_DATE),
                               .post_date_gmt = fld(r, F_POST_DATE_GMT),
                               .post_name = fld(r, F_POST_NAME),
                               .status = fld(r, F_STATUS),
                               .post_type = fld(r, F_POST_TYPE),
                               .post_password = fld(r, F_PASSWORD),
                               .attachment_url = fld(r, F_ATTACHMENT_URL),
                               .pub_date = fld(r, F_PUB_DATE),
                               .thumbnail_id = fld(r, F_THUMB)};
    const char *text = r->terms.text.p;
    for (size_t i = 0; i < r->terms.n; i++)
        it->terms[i] = (struct gz_wxr_item_term){text + r->terms.domain[i],
                                                 text + r->terms.nicename[i],
                                                 text + r->terms.name[i]};
    it->nterms = r->terms.n;
    return r->h->item ? r->h->item(r->h->ctx, it) : GZ_OK;
}

static int emit_term(struct reader *r, enum record rec)
{
    const char *taxonomy = rec == R_CATEGORY ? "category"
                           : rec == R_TAG    ? "post_tag"
                                             : fld(r, F_TAXONOMY);
    struct gz_wxr_term t = {taxonomy,       fld(r, F_TERM_ID), fld(r, F_SLUG),
                            fld(r, F_NAME), fld(r, F_PARENT),  fld(r, F_DESC)};
    return r->h->term ? r->h->term(r->h->ctx, &t) : GZ_OK;
}

/* The end of a record: hands it to its callback. */
static int emit(struct reader *r)
{
    enum record rec = r->rec;
    r->rec = R_NONE;
    if (r->h->progress)
        r->h->progress(r->h->ctx, r->in.bytes, r->total);
    if (rec == R_ITEM)
        return emit_item(r);
    if (rec == R_AUTHOR) {
        struct gz_wxr_author a = {fld(r, F_LOGIN), fld(r, F_EMAIL), fld(r, F_DISPLAY)};
        return r->h->author ? r->h->author(r->h->ctx, &a) : GZ_OK;
    }
    return emit_term(r, rec);
}

static int on_end(struct reader *r, int depth)
{
    if (r->capturing != F_NONE && depth == r->capture_depth) {
        r->set[r->capturing] = 1;
        r->capturing = F_NONE;
    }
    if (depth == 3 && r->in_cat) {
        r->in_cat = 0;
        end_category(r);
    } else if (depth == 3 && r->in_meta) {
        r->in_meta = 0;
        end_meta(r);
    } else if (depth == 2 && r->rec != R_NONE) {
        return emit(r);
    }
    return GZ_OK;
}

static int step(struct reader *r)
{
    int type = xmlTextReaderNodeType(r->xr);
    int depth = xmlTextReaderDepth(r->xr);
    switch (type) {
    case XML_READER_TYPE_ELEMENT: {
        int rc = on_start(r, depth);
        return rc == GZ_DECLINED ? emit(r) : rc;
    }
    case XML_READER_TYPE_END_ELEMENT:
        return on_end(r, depth);
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        return on_text(r, depth);
    default:
        return GZ_OK;
    }
}

static int run(struct reader *r)
{
    int got, rc = GZ_OK;
    while ((got = xmlTextReaderRead(r->xr)) == 1)
        if ((rc = step(r))) {
            if (!r->err->reason[0])
                set_error(r, r->rec_line ? r->rec_line : here_line(r), 0,
                          "the record starting here could not be imported");
            return rc;
        }
    if (got < 0 || r->err->reason[0]) {
        set_error(r, here_line(r), here_column(r), "not well-formed XML");
        return GZ_EINVAL;
    }
    return channel_once(r);
}

int gz_wxr_read(const char *path, const struct gz_wxr_handler *h,
                struct gz_wxr_error *err)
{
    memset(err, 0, sizeof *err);
    struct reader *r = gz_xcalloc(1, sizeof *r);
    r->h = h;
    r->err = err;
    r->capturing = F_NONE;
    int rc = GZ_EIO;
    r->in.f = fopen(path, "rb");
    if (!r->in.f) {
        snprintf(err->reason, sizeof err->reason, "cannot open: %m");
        goto out;
    }
    struct stat sb;
    if (fstat(fileno(r->in.f), &sb) == 0)
        r->total = (uint64_t)sb.st_size;
    for (int i = 0; i < F_COUNT; i++)
        gz_buf_init(&r->f[i], GZ_WXR_FIELD_MAX);
    gz_buf_init(&r->terms.text, 1 << 20);
    /* No network, no external entities, no DTD loading: the file alone. */
    r->xr = xmlReaderForIO(input_read, input_close, &r->in, path, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    if (!r->xr) {
        snprintf(err->reason, sizeof err->reason, "cannot start the XML reader");
        goto out_bufs;
    }
    xmlTextReaderSetStructuredErrorHandler(r->xr, on_xml_error, r);
    rc = run(r);
    xmlFreeTextReader(r->xr);
out_bufs:
    for (int i = 0; i < F_COUNT; i++)
        gz_buf_free(&r->f[i]);
    gz_buf_free(&r->terms.text);
    fclose(r->in.f);
out:
    free(r);
    return rc;
}
