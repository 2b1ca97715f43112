#include "content/content.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/markdown.h"
#include "content/sanitize.h"
#include "content/search.h"
#include "content/slug.h"
#include "content/teaser.h"
#include "core/utf8.h"

static int valid_opt(const char *s)
{
    return !s || gz_utf8_valid(s, strlen(s));
}

/* Tag names reach pages (article footers, section headings, navigation)
 * like the title does, so they are held to the same rule. */
static int valid_tags(const struct gz_article *a)
{
    for (size_t i = 0; i < a->ntags; i++) {
        if (!valid_opt(a->tags[i]))
            return 0;
    }
    return 1;
}

static int blank(const char *s)
{
    for (; *s; s++) {
        if (*s != ' ' && (*s < '\t' || *s > '\r'))
            return 0;
    }
    return 1;
}

static void replace(char **field, char *value)
{
    free(*field);
    *field = value;
}

/* The new values, built in full before any field of the article changes so
 * that a failure leaves the article as it was. */
struct prepared {
    struct gz_buf html;
    struct gz_buf teaser;
    struct gz_buf slug;
    int new_slug;
};

/* An imported HTML body: sanitized, and its text read back from the
 * result, so the teaser holds only what the page shows. */
static int render_html(const char *body, struct gz_buf *html, struct gz_buf *text)
{
    int rc = gz_sanitize_html(body, strlen(body), html, NULL);
    if (rc == GZ_OK)
        rc = gz_search_html_text(html->p ? html->p : "", html->len, text);
    return rc;
}

static int prepare(const struct gz_article *a, size_t teaser_words, struct prepared *p)
{
    const char *body = a->body_src ? a->body_src : "";
    struct gz_buf text;
    gz_buf_init(&text, GZ_BUF_PAGE_MAX);
    int rc = a->body_format == GZ_FORMAT_HTML
                 ? render_html(body, &p->html, &text)
                 : gz_markdown_render(body, strlen(body), &p->html, &text);
    if (rc)
        goto out;
    rc = gz_teaser_make(a->summary, text.p, text.len, teaser_words, &p->teaser);
    if (rc)
        goto out;
    p->new_slug = !a->slug || !a->slug[0];
    if (p->new_slug)
        rc = gz_slugify(a->title, strlen(a->title), &p->slug);
out:
    gz_buf_free(&text);
    return rc;
}

int gz_content_prepare(struct gz_article *a, size_t teaser_words)
{
    if (!a->title || blank(a->title))
        return GZ_EINVAL;
    if (!valid_opt(a->title) || !valid_opt(a->summary) || !valid_opt(a->body_src) ||
        !valid_opt(a->slug) || !valid_opt(a->lang) || !valid_tags(a))
        return GZ_EINVAL;
    if (a->body_format != GZ_FORMAT_MARKDOWN && a->body_format != GZ_FORMAT_HTML)
        return GZ_EINVAL;

    struct prepared p = {.new_slug = 0};
    gz_buf_init(&p.html, GZ_BUF_PAGE_MAX);
    gz_buf_init(&p.teaser, GZ_TEASER_MAX_BYTES);
    gz_buf_init(&p.slug, GZ_SLUG_MAX + 16);
    int rc = prepare(a, teaser_words, &p);
    if (rc)
        goto out;

    replace(&a->body_html, gz_buf_take(&p.html));
    replace(&a->teaser, gz_buf_take(&p.teaser));
    if (p.new_slug)
        replace(&a->slug, gz_buf_take(&p.slug));
    if (!a->summary)
        a->summary = gz_xstrdup("");
    if (!a->body_src)
        a->body_src = gz_xstrdup("");
    if (!a->lang || !a->lang[0])
        replace(&a->lang, gz_xstrdup("en"));
out:
    gz_buf_free(&p.html);
    gz_buf_free(&p.teaser);
    gz_buf_free(&p.slug);
    return rc;
}

/* ---- text direction ---- */

static int subtag_is(const char *tag, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && strncasecmp(list[i], tag, len) == 0)
            return 1;
    }
    return 0;
}

static size_t subtag_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '-' && s[n] != '_')
        n++;
    return n;
}

int gz_lang_is_rtl(const char *lang)
{
    static const char *const rtl_langs[] = {
        "ar", "fa",  "he",  "ur", "ps",  "sd",  "ug",  "yi",  "dv",  "ckb", "iw",
        "ji", "prs", "pnb", "ks", "syr", "arc", "mzn", "glk", "lrc", "bal", "nqo",
    };
    static const char *const rtl_scripts[] = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo",
                                              "Adlm", "Rohg", "Samr", "Mand"};
    if (!lang)
        return 0;
    size_t primary = subtag_len(lang);
    /* The script subtag, when present, comes right after the language (or
     * after extended language subtags) and is the only one of four letters. */
    for (const char *s = lang + primary; *s;) {
        s++; /* the '-' or '_' */
        size_t n = subtag_len(s);
        if (n == 4 && !(s[0] >= '0' && s[0] <= '9'))
            return subtag_is(s, n, rtl_scripts, GZ_COUNTOF(rtl_scripts));
        if (n != 3)
            break; /* a region, variant or extension: no script given */
        s += n;
    }
    return subtag_is(lang, primary, rtl_langs, GZ_COUNTOF(rtl_langs));
}
