/* The search page: GET /search?q=WORDS[&page=N][&lang=LL], published
 * articles best first, with the matched words highlighted.
 *
 * Not cached: every query is a page of its own, and keeping readers'
 * queries would let anyone fill the page cache with them. A query costs a
 * few milliseconds of the store (bench/README.md). The page says noindex
 * (meta and X-Robots-Tag): result pages are not content to crawl. */
#include <string.h>
#include <time.h>

#include "content/search.h"
#include "core/utf8.h"
#include "http/form.h"
#include "site/siteInt.h"

static const char search_path[] = "/search";

/* The highest page number a reader may ask for. */
#define PAGE_MAX 1000

/* What the query string asks for. */
struct search_args {
    const char *q;    /* "" when none */
    const char *lang; /* NULL when none */
    int64_t page;
};

/* The value of field name, with its length; NULL when absent. */
static const struct gz_form_field *field(const struct gz_form *f, const char *name)
{
    for (size_t i = 0; i < f->len; i++)
        if (!strcmp(f->items[i].name, name))
            return &f->items[i];
    return NULL;
}

static int lang_ok(const char *s, size_t n)
{
    if (n == 0 || n > 35)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') &&
            c != '-')
            return 0;
    }
    return 1;
}

/* Reads the query string; on bad input returns a message for the reader
 * (the page answers 400). */
static const char *parse_args(struct gz_arena *a, struct gz_str query,
                              struct search_args *out)
{
    struct gz_form f;
    out->q = "";
    out->lang = NULL;
    out->page = 1;
    if (gz_form_parse(a, query.p, query.len, &f))
        return "The search address is malformed.";
    const struct gz_form_field *q = field(&f, "q"), *p = field(&f, "page"),
                               *l = field(&f, "lang");
    if (q && q->value_len > GZ_SEARCH_QUERY_MAX)
        return "The search is too long.";
    if (q && (strlen(q->value) != q->value_len || !gz_utf8_valid(q->value, q->value_len)))
        return "The search holds characters that are not text.";
    if (p && gz_parse_i64(p->value, p->value_len, 1, PAGE_MAX, &out->page))
        return "There is no such page of results.";
    if (l && l->value_len && !lang_ok(l->value, l->value_len))
        return "That is not a language tag.";
    out->q = q ? q->value : "";
    out->lang = l && l->value_len ? l->value : NULL;
    return NULL;
}

/* Percent-encodes s for a query string value. */
static char *url_encode(struct gz_arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = gz_arena_alloc(a, 3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int plain = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
                    (c && strchr("-._~", c));
        if (plain) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static char *page_url(struct gz_arena *a, const struct search_args *args, int64_t page)
{
    const char *lang = args->lang ? gz_arena_printf(a, "&lang=%s", args->lang) : "";
    if (page == 1)
        return gz_arena_printf(a, "%s?q=%s%s", search_path, url_encode(a, args->q), lang);
    return gz_arena_printf(a, "%s?q=%s%s&page=%lld", search_path, url_encode(a, args->q),
                           lang, (long long)page);
}

/* Marked text (store.h: 0x01 and 0x02 around matched words) as HTML: the
 * text escaped, the markers turned into <mark></mark>, always balanced.
 * This is the one place search output becomes HTML. */
static char *marked_html(struct gz_arena *a, const char *s)
{
    struct gz_buf b;
    gz_buf_init(&b, GZ_BUF_PAGE_MAX);
    int open = 0;
    size_t run = 0, i = 0;
    for (; s[i]; i++) {
        int is_open = s[i] == GZ_SEARCH_MARK_OPEN,
            is_close = s[i] == GZ_SEARCH_MARK_CLOSE;
        if (!is_open && !is_close)
            continue;
        gz_buf_put_html(&b, s + run, i - run);
        run = i + 1;
        if (is_open && !open)
            gz_buf_puts(&b, "<mark>");
        else if (is_close && open)
            gz_buf_puts(&b, "</mark>");
        else
            continue;
        open = !open;
    }
    gz_buf_put_html(&b, s + run, i - run);
    if (open)
        gz_buf_puts(&b, "</mark>");
    char *html = gz_arena_strndup(a, b.p ? b.p : "", b.len);
    gz_buf_free(&b);
    return html;
}

static struct gz_val *hit_values(struct gz_arena *a, const struct gz_search_hits *hits)
{
    struct gz_val *list = gz_val_list(a);
    for (size_t i = 0; i < hits->len; i++) {
        const struct gz_search_hit *h = &hits->items[i];
        struct gz_val *o = gz_val_obj(a);
        gz_obj_set_str(o, "url", gz_article_path(a, h->slug, h->published_at));
        gz_obj_set_str(o, "title_html", marked_html(a, h->title_marked));
        if (h->snippet[0])
            gz_obj_set_str(o, "snippet_html", marked_html(a, h->snippet));
        else
            gz_obj_set_str(o, "teaser", gz_arena_strdup(a, h->teaser));
        gz_obj_set_str(o, "lang", gz_arena_strdup(a, h->lang));
        gz_obj_set_str(o, "dir", gz_lang_dir(h->lang));
        gz_page_set_dates(o, a, h->published_at);
        gz_list_push(list, o);
    }
    return list;
}

static void set_pagination(struct gz_val *ctx, struct gz_arena *a,
                           const struct search_args *args, int64_t pages)
{
    if (pages <= 1)
        return;
    struct gz_val *pg = gz_val_obj(a);
    gz_obj_set_int(pg, "page", args->page);
    gz_obj_set_int(pg, "pages", pages);
    if (args->page > 1)
        gz_obj_set_str(pg, "prev_url", page_url(a, args, args->page - 1));
    if (args->page < pages)
        gz_obj_set_str(pg, "next_url", page_url(a, args, args->page + 1));
    gz_obj_set(ctx, "pagination", pg);
}

static void send_page(struct gz_site *site, struct gz_request *r,
                      const struct gz_val *ctx, int status, const char *reason)
{
    struct gz_buf out;
    gz_buf_init(&out, GZ_BUF_PAGE_MAX);
    if (gz_tpl_render(gz_theme_templates(site->theme), "search.html", ctx, &out)) {
        gz_error("rendering search.html failed");
        gz_http_send_error(r, 500, "Internal Server Error");
    } else {
        gz_http_add_header(r, "cache-control", "no-cache");
        gz_http_add_header(r, "x-robots-tag", "noindex");
        gz_http_send(r, status, reason, "text/html; charset=utf-8", out.p, out.len);
    }
    gz_buf_free(&out);
}

/* The context every search page shares: the form, its value, noindex. */
static struct gz_val *search_context(struct gz_site *site, struct gz_arena *a,
                                     const char *q, struct gz_val **search)
{
    const char *title =
        q[0] ? gz_arena_printf(a, "Search: %s — %s", q, gz_site_cfg(site)->site_title)
             : gz_arena_printf(a, "Search — %s", gz_site_cfg(site)->site_title);
    uint64_t version;
    struct gz_val *ctx = gz_page_context(site, a, title, NULL, NULL, NULL, &version);
    gz_obj_set_bool(ctx, "noindex", true);
    *search = gz_val_obj(a);
    gz_obj_set_str(*search, "q", q);
    gz_obj_set(ctx, "search", *search);
    return ctx;
}

static void search_error(struct gz_site *site, struct gz_request *r, const char *why)
{
    struct gz_val *search;
    struct gz_val *ctx = search_context(site, &r->worker->arena, "", &search);
    gz_obj_set_str(search, "error", why);
    send_page(site, r, ctx, 400, "Bad Request");
}

static void search_results(struct gz_site *site, struct gz_request *r,
                           const struct search_args *args)
{
    struct gz_arena *a = &r->worker->arena;
    struct gz_store *store = gz_site_thread_of(site, r)->store;
    size_t per = (size_t)gz_site_cfg(site)->per_page;
    struct gz_search_hits hits = {0};
    struct gz_val *search;
    struct gz_val *ctx = search_context(site, a, args->q, &search);
    int rc = GZ_OK;
    if (args->q[0]) {
        uint64_t t0 = gz_now_ns();
        rc = store->ops->search(store, args->q, args->lang, time(NULL),
                                (size_t)(args->page - 1) * per, per, &hits);
        gz_hist_observe(&gz_site_thread_of(site, r)->stats.page_read, gz_now_ns() - t0);
        gz_obj_set_bool(search, "has_query", true);
    }
    int64_t pages = (hits.total + (int64_t)per - 1) / (int64_t)per;
    if (rc == GZ_ETOOBIG) {
        search_error(site, r, "The search is too long.");
    } else if (rc) {
        gz_http_send_error(r, 500, "Internal Server Error");
    } else if (args->page > 1 && args->page > pages) {
        gz_site_not_found(site, r);
    } else {
        gz_obj_set_int(search, "total", hits.total);
        gz_obj_set_bool(search, "one", hits.total == 1);
        gz_obj_set_bool(search, "more", hits.more);
        gz_obj_set(search, "results", hit_values(a, &hits));
        set_pagination(ctx, a, args, pages);
        send_page(site, r, ctx, 200, "OK");
    }
    gz_search_hits_clear(&hits);
}

int gz_site_search(void *arg, struct gz_request *r)
{
    struct gz_site *site = arg;
    if (r->path.len != sizeof search_path - 1 ||
        memcmp(r->path.p, search_path, sizeof search_path - 1))
        return GZ_DECLINED;
    if (!gz_site_method_ok(r))
        return GZ_OK;
    struct search_args args;
    const char *why = parse_args(&r->worker->arena, r->query, &args);
    if (why)
        search_error(site, r, why);
    else
        search_results(site, r, &args);
    return GZ_OK;
}
