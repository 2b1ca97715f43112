/* Unit tests of theme loading (src/render/theme.c) and of the default
 * theme's templates rendered with the context the site handlers build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/core.h"
#include "render/i18n.h"
#include "render/theme.h"

struct fixture {
    struct gz_arena arena;
    struct gz_theme *theme;
    struct gz_buf out;
    char err[512];
    char dir[64]; /* temporary override directory, or "" */
};

static int setup(void **state)
{
    struct fixture *f = gz_xcalloc(1, sizeof(*f));
    gz_arena_init(&f->arena, 0);
    gz_buf_init(&f->out, GZ_BUF_PAGE_MAX);
    *state = f;
    return 0;
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void remove_tree(const char *dir)
{
    const char *rels[] = {"templates/404.html",
                          "templates/extra.html",
                          "templates/notes.txt",
                          "templates/article.html",
                          "assets/sub/deep.txt",
                          "assets/app.js",
                          "assets/style.css",
                          "assets/.hidden",
                          "assets/sub",
                          "templates",
                          "assets"};
    char path[256];
    for (size_t i = 0; i < GZ_COUNTOF(rels); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, rels[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    rmdir(dir);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    gz_theme_free(f->theme);
    gz_buf_free(&f->out);
    gz_arena_free(&f->arena);
    if (f->dir[0])
        remove_tree(f->dir);
    free(f);
    return 0;
}

static void make_override_dir(struct fixture *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/gz-theme-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/templates", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/assets", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/assets/sub", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
}

/* ---- realistic contexts ------------------------------------------------ */

static struct gz_val *entry(struct gz_arena *a, const char *title, const char *url,
                            const char *lang, const char *dir)
{
    struct gz_val *e = gz_val_obj(a);
    gz_obj_set_str(e, "title", title);
    gz_obj_set_str(e, "url", url);
    gz_obj_set_str(e, "teaser", "A short teaser & more...");
    gz_obj_set_str(e, "lang", lang);
    gz_obj_set_str(e, "dir", dir);
    gz_obj_set_str(e, "date_iso", "2026-11-29T06:40:00Z");
    gz_obj_set_str(e, "date_human", "29 November 2026");
    gz_obj_set_str(e, "author", "Ada Writer");
    return e;
}

static struct gz_val *page_ctx(struct gz_arena *a, const char *lang, const char *dir,
                               const char *sidebar)
{
    struct gz_val *ctx = gz_val_obj(a);
    struct gz_val *site = gz_val_obj(a);
    gz_obj_set_str(site, "title", "The Daily <Test>");
    gz_obj_set_str(site, "description", "News you can test");
    gz_obj_set_str(site, "url", "https://news.example");
    gz_obj_set(ctx, "site", site);
    gz_obj_set_str(ctx, "page_title", "Page title - The Daily");
    gz_obj_set_str(ctx, "lang", lang);
    gz_obj_set_str(ctx, "dir", dir);
    gz_obj_set_str(ctx, "assets_version", "abc123");
    /* The theme's words, in the page's language (English for "en"). */
    gz_obj_set(ctx, "t", gz_i18n_values(a, gz_i18n_for(lang, NULL)));
    struct gz_val *nav = gz_val_list(a);
    struct gz_val *home = entry(a, "Home", "https://news.example/", lang, dir);
    gz_obj_set_bool(home, "current", true);
    gz_list_push(nav, home);
    gz_list_push(nav, entry(a, "World", "https://news.example/tag/world", lang, dir));
    gz_obj_set(ctx, "nav", nav);
    gz_obj_set_str(ctx, "sidebar", sidebar);
    gz_obj_set_int(ctx, "year", 2026);
    gz_obj_set_str(ctx, "canonical_url", "https://news.example/a/hello");
    gz_obj_set_str(ctx, "meta_description", "About \"hello\"");
    return ctx;
}

static struct gz_val *sidebar_ctx(struct gz_arena *a)
{
    struct gz_val *ctx = gz_val_obj(a);
    struct gz_val *fresh = gz_val_list(a), *viewed = gz_val_list(a);
    gz_list_push(fresh, entry(a, "Fresh <one>", "/a/fresh", "en", "ltr"));
    gz_list_push(fresh, entry(a, "خبر تازه", "/a/fa", "fa", "rtl"));
    gz_list_push(viewed, entry(a, "Popular story", "/a/popular", "en", "ltr"));
    gz_obj_set(ctx, "new_articles", fresh);
    gz_obj_set(ctx, "most_viewed", viewed);
    gz_obj_set_str(ctx, "most_viewed_label", "last 24 hours");
    gz_obj_set(ctx, "t", gz_i18n_values(a, gz_i18n_for("en", NULL)));
    return ctx;
}

/* A context with nothing but the theme's words in lang. */
static struct gz_val *words_ctx(struct gz_arena *a, const char *lang)
{
    struct gz_val *ctx = gz_val_obj(a);
    gz_obj_set(ctx, "t", gz_i18n_values(a, gz_i18n_for(lang, NULL)));
    return ctx;
}

static const char *render(struct fixture *f, const char *name, const struct gz_val *ctx)
{
    gz_buf_reset(&f->out);
    int rc = gz_tpl_render(gz_theme_templates(f->theme), name, ctx, &f->out);
    if (rc)
        fail_msg("rendering %s: %d", name, rc);
    return f->out.p;
}

/* Renders the sidebar and returns an arena copy for use in a page. */
static const char *render_sidebar(struct fixture *f)
{
    const char *html = render(f, "sidebar.html", sidebar_ctx(&f->arena));
    return gz_arena_strdup(&f->arena, html);
}

static void assert_page_basics(const char *html)
{
    assert_int_equal(strncmp(html, "<!doctype html>\n", 16), 0);
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "<meta name=\"viewport\""));
    assert_non_null(strstr(html, "<title>Page title - The Daily</title>"));
    assert_non_null(
        strstr(html, "<meta name=\"description\" content=\"About &quot;hello&quot;\">"));
    assert_non_null(
        strstr(html, "<link rel=\"canonical\" href=\"https://news.example/a/hello\">"));
    assert_non_null(strstr(html, "/assets/style.css?v=abc123"));
    assert_non_null(strstr(html, "The Daily &lt;Test&gt;"));
    assert_non_null(strstr(html, "class=\"skip-link\" href=\"#main\""));
    assert_non_null(strstr(html, "<main id=\"main\""));
    assert_non_null(strstr(html, "aria-current=\"page\">Home</a>"));
    assert_non_null(strstr(html, "</footer>\n</body>\n</html>\n"));
    /* Sidebar inserted raw, with both block headings. */
    assert_non_null(strstr(html, "<h2 class=\"block-heading\">New Articles</h2>"));
    assert_non_null(strstr(html, "<h2 class=\"block-heading\">Most viewed</h2>"));
    assert_null(strstr(html, "{{"));
    assert_null(strstr(html, "style=\""));
    assert_null(strstr(html, "<script"));
}

/* ---- tests ------------------------------------------------------------- */

static void test_default_theme_loads(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    const struct gz_tpl_set *set = gz_theme_templates(f->theme);
    const char *names[] = {"article.html", "home.html",   "sidebar.html",
                           "404.html",     "header.html", "footer.html"};
    for (size_t i = 0; i < GZ_COUNTOF(names); i++)
        assert_true(gz_tpl_set_has(set, names[i]));

    const struct gz_asset *css = gz_theme_asset(f->theme, "style.css", 9);
    assert_non_null(css);
    assert_string_equal(css->content_type, "text/css; charset=utf-8");
    assert_true(css->len > 1000);
    assert_int_equal(strlen(css->etag), 18);
    assert_int_equal(css->etag[0], '"');
    assert_int_equal(css->etag[17], '"');
    const struct gz_asset *icon = gz_theme_asset(f->theme, "favicon.svgXYZ", 11);
    assert_non_null(icon);
    assert_string_equal(icon->content_type, "image/svg+xml");
    assert_null(gz_theme_asset(f->theme, "missing.css", 11));
    assert_null(gz_theme_asset(f->theme, "style.cs", 8));
    const char *version = gz_theme_assets_version(f->theme);
    assert_int_equal(strlen(version), 12);
    assert_int_equal(strspn(version, "0123456789abcdef"), 12);
}

static void test_sidebar(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    const char *html = render(f, "sidebar.html", sidebar_ctx(&f->arena));
    assert_non_null(strstr(html, "<section class=\"block\" id=\"new-articles\">"));
    assert_non_null(strstr(html, "<section class=\"block\" id=\"most-viewed\">"));
    assert_non_null(strstr(html, "<ol class=\"block-list\">"));
    /* Language and direction sit on the link and the teaser, not the <li>,
     * so list numbers stay on the page's side. */
    assert_non_null(strstr(html, "<li><a class=\"block-title\" href=\"/a/fresh\" lang=\"en\" "
                                 "dir=\"ltr\">Fresh &lt;one&gt;</a>"));
    assert_non_null(strstr(html, "<li><a class=\"block-title\" href=\"/a/fa\" lang=\"fa\" "
                                 "dir=\"rtl\">خبر تازه</a>"));
    assert_non_null(strstr(html, "<p class=\"block-teaser\" lang=\"en\" dir=\"ltr\">A short "
                                 "teaser &amp; more...</p>"));
    assert_non_null(strstr(html, "last 24 hours"));
    /* New Articles comes first. */
    assert_true(strstr(html, "New Articles") < strstr(html, "Most viewed"));
    assert_null(strstr(html, "No articles yet"));

    /* Empty blocks say so instead of showing an empty list. */
    html = render(f, "sidebar.html", words_ctx(&f->arena, "en"));
    assert_non_null(strstr(html, "No articles yet."));
    assert_non_null(strstr(html, "<h2 class=\"block-heading\">Most viewed</h2>"));
}

static struct gz_val *article_ctx(struct fixture *f, const char *lang, const char *dir)
{
    struct gz_val *ctx = page_ctx(&f->arena, lang, dir, render_sidebar(f));
    struct gz_val *article = entry(&f->arena, "Hello <world>", "/a/hello", lang, dir);
    gz_obj_set_str(article, "summary", "The summary.");
    gz_obj_set_str(article, "body_html", "<p>Body <em>text</em>.</p>");
    struct gz_val *tags = gz_val_list(&f->arena);
    struct gz_val *tag = gz_val_obj(&f->arena);
    gz_obj_set_str(tag, "name", "Science & Tech");
    gz_obj_set_str(tag, "url", "/tag/science");
    gz_list_push(tags, tag);
    gz_obj_set(article, "tags", tags);
    gz_obj_set_bool(article, "has_tags", true);
    gz_obj_set(ctx, "article", article);
    return ctx;
}

static void test_article_page(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    const char *html = render(f, "article.html", article_ctx(f, "en", "ltr"));
    assert_page_basics(html);
    assert_non_null(strstr(html, "<html lang=\"en\" dir=\"ltr\">"));
    assert_non_null(strstr(html, "<article class=\"article\" lang=\"en\" dir=\"ltr\">"));
    assert_non_null(strstr(html, "<h1 class=\"article-title\">Hello &lt;world&gt;</h1>"));
    assert_non_null(strstr(html, "<time datetime=\"2026-11-29T06:40:00Z\""));
    assert_non_null(strstr(html, ">29 November 2026</time>"));
    assert_non_null(strstr(html, "Ada Writer"));
    assert_non_null(strstr(html, "The summary."));
    assert_non_null(strstr(html, "<p>Body <em>text</em>.</p>"));
    assert_non_null(strstr(html, "<a href=\"/tag/science\" rel=\"tag\">Science &amp; "
                                 "Tech</a>"));
    /* One h1, and it comes before the sidebar's h2s. */
    const char *h1 = strstr(html, "<h1");
    assert_non_null(h1);
    assert_null(strstr(h1 + 1, "<h1"));
    assert_true(h1 < strstr(html, "<h2"));
    /* The sidebar sits outside <main>, in the aside. */
    const char *main_end = strstr(html, "</main>");
    assert_true(main_end < strstr(html, "<aside"));
    assert_true(strstr(html, "<aside") < strstr(html, "id=\"new-articles\""));
}

static void test_article_rtl_and_empty_fields(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = article_ctx(f, "fa", "rtl");
    struct gz_val *article = (struct gz_val *)gz_obj_get(ctx, "article");
    gz_obj_set_str(article, "author", "");
    gz_obj_set_str(article, "summary", "");
    gz_obj_set(article, "tags", gz_val_list(&f->arena));
    gz_obj_set_bool(article, "has_tags", false);
    const char *html = render(f, "article.html", ctx);
    assert_non_null(strstr(html, "<html lang=\"fa\" dir=\"rtl\">"));
    assert_non_null(strstr(html, "dir=\"rtl\""));
    assert_null(strstr(html, "byline"));
    assert_null(strstr(html, "article-summary"));
    /* No tags: no empty list. */
    assert_null(strstr(html, "class=\"tags\""));
}

static void test_tag_page(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = page_ctx(&f->arena, "en", "ltr", render_sidebar(f));
    struct gz_val *tag = gz_val_obj(&f->arena);
    gz_obj_set_str(tag, "name", "Science & Tech");
    gz_obj_set_str(tag, "url", "/tag/science-tech");
    gz_obj_set(ctx, "tag", tag);
    struct gz_val *articles = gz_val_list(&f->arena);
    gz_list_push(articles, entry(&f->arena, "Probe lands", "/a/probe", "en", "ltr"));
    gz_obj_set(ctx, "articles", articles);
    gz_obj_set_bool(ctx, "is_first_page", true);
    const char *html = render(f, "tag.html", ctx);
    assert_page_basics(html);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Science &amp; Tech</h1>"));
    assert_non_null(strstr(html, "<a href=\"/a/probe\">Probe lands</a>"));
    /* One page: no pagination at all. */
    assert_null(strstr(html, "class=\"pagination\""));
}

static void test_home_page(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = page_ctx(&f->arena, "en", "ltr", render_sidebar(f));
    struct gz_val *articles = gz_val_list(&f->arena);
    gz_list_push(articles, entry(&f->arena, "First", "/a/first", "en", "ltr"));
    gz_list_push(articles, entry(&f->arena, "Second", "/a/second", "ar", "rtl"));
    gz_obj_set(ctx, "articles", articles);
    struct gz_val *pagination = gz_val_obj(&f->arena);
    gz_obj_set_int(pagination, "page", 2);
    gz_obj_set_int(pagination, "pages", 5);
    gz_obj_set_str(pagination, "status", "Page 2 of 5");
    gz_obj_set_str(pagination, "heading", "Articles, page 2 of 5");
    gz_obj_set_str(pagination, "prev_url", "/?page=1");
    gz_obj_set_str(pagination, "next_url", "/?page=3");
    gz_obj_set(ctx, "pagination", pagination);
    gz_obj_set_bool(ctx, "is_first_page", false);
    const char *html = render(f, "home.html", ctx);
    assert_page_basics(html);
    assert_non_null(
        strstr(html, "<h1 class=\"page-heading\">Articles, page 2 of 5</h1>"));
    assert_non_null(strstr(html, "<h2 class=\"article-item-title\"><a href=\"/a/first\">"
                                 "First</a></h2>"));
    assert_non_null(strstr(html, "<li class=\"article-item\" lang=\"ar\" dir=\"rtl\">"));
    assert_non_null(strstr(html, "<link rel=\"prev\" href=\"/?page=1\">"));
    assert_non_null(strstr(html, "<link rel=\"next\" href=\"/?page=3\">"));
    assert_non_null(strstr(html, "<a href=\"/?page=1\" rel=\"prev\">"));
    assert_non_null(strstr(html, "<a href=\"/?page=3\" rel=\"next\">"));
    assert_non_null(strstr(html, "Page 2 of 5"));

    /* First page: no prev link, the plain heading. */
    gz_obj_set_bool(ctx, "is_first_page", true);
    struct gz_val *first = gz_val_obj(&f->arena);
    gz_obj_set_int(first, "page", 1);
    gz_obj_set_int(first, "pages", 5);
    gz_obj_set_str(first, "next_url", "/?page=2");
    gz_obj_set(ctx, "pagination", first);
    html = render(f, "home.html", ctx);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Latest articles</h1>"));
    assert_null(strstr(html, "rel=\"prev\""));
    assert_non_null(strstr(html, "rel=\"next\""));
}

static void test_404_page(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = page_ctx(&f->arena, "en", "ltr", render_sidebar(f));
    gz_obj_set_str(ctx, "path", "/<script>alert(1)</script>");
    const char *html = render(f, "404.html", ctx);
    assert_page_basics(html);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Page not found</h1>"));
    assert_non_null(strstr(html, "/&lt;script&gt;alert(1)&lt;/script&gt;"));
}

/* The theme's words follow t: a Persian sidebar and page. */
static void test_words_in_other_languages(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    const char *html = render(f, "sidebar.html", words_ctx(&f->arena, "fa"));
    assert_non_null(strstr(html, "<h2 class=\"block-heading\">تازه\u200cترین مطالب</h2>"));
    assert_non_null(strstr(html, "هنوز مطلبی نیست."));
    assert_null(strstr(html, "New Articles"));
    html = render(f, "sidebar.html", words_ctx(&f->arena, "ar"));
    assert_non_null(strstr(html, "<h2 class=\"block-heading\">الأكثر قراءة</h2>"));
    struct gz_val *ctx = page_ctx(&f->arena, "fr", "ltr", "");
    gz_obj_set_str(ctx, "path", "/nulle-part");
    html = render(f, "404.html", ctx);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Page introuvable</h1>"));
    assert_non_null(strstr(html, "<header class=\"site-header\" lang=\"fr\" dir=\"ltr\">"));
    assert_non_null(strstr(html, ">Aller au contenu principal</a>"));
}

/* The head of an article: OpenGraph, Twitter, hreflang, JSON-LD raw; the
 * body: featured image, byline link, translations. */
static void test_article_metadata(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = article_ctx(f, "en", "ltr");
    struct gz_val *article = (struct gz_val *)gz_obj_get(ctx, "article");
    gz_obj_set_str(article, "image", "https://news.example/media/a.jpg");
    gz_obj_set_str(article, "author_url", "/author/3-ada");
    struct gz_val *tr = gz_val_list(&f->arena);
    struct gz_val *fa = entry(&f->arena, "سلام", "/2026/11/salam", "fa", "rtl");
    gz_obj_set_str(fa, "language", "فارسی");
    gz_list_push(tr, fa);
    gz_obj_set(article, "translations", tr);
    gz_obj_set_bool(article, "has_translations", true);
    gz_obj_set_str(ctx, "og_title", "Hello <world>");
    gz_obj_set_str(ctx, "og_type", "article");
    gz_obj_set_str(ctx, "twitter_card", "summary_large_image");
    gz_obj_set_str(ctx, "image_url", "https://news.example/media/a.jpg");
    struct gz_val *alternates = gz_val_list(&f->arena), *alt = gz_val_obj(&f->arena);
    gz_obj_set_str(alt, "lang", "fa");
    gz_obj_set_str(alt, "url", "https://news.example/2026/11/salam");
    gz_list_push(alternates, alt);
    gz_obj_set(ctx, "alternates", alternates);
    struct gz_val *jsonld = gz_val_list(&f->arena);
    gz_list_push(jsonld, gz_val_str(&f->arena, "{\"headline\":\"\\u003c/script\\u003e\"}"));
    gz_obj_set(ctx, "jsonld", jsonld);
    const char *html = render(f, "article.html", ctx);
    assert_non_null(strstr(html, "<meta property=\"og:title\" content=\"Hello &lt;world&gt;\">"));
    assert_non_null(strstr(html, "<meta property=\"og:type\" content=\"article\">"));
    assert_non_null(strstr(html, "<meta property=\"og:url\" "
                                 "content=\"https://news.example/a/hello\">"));
    assert_non_null(strstr(html, "<meta property=\"og:image\" "
                                 "content=\"https://news.example/media/a.jpg\">"));
    assert_non_null(strstr(html, "<meta name=\"twitter:card\" "
                                 "content=\"summary_large_image\">"));
    assert_non_null(strstr(html, "<meta property=\"article:tag\" content=\"Science &amp; "
                                 "Tech\">"));
    assert_non_null(strstr(html, "<link rel=\"alternate\" hreflang=\"fa\" "
                                 "href=\"https://news.example/2026/11/salam\">"));
    assert_non_null(strstr(html, "<script type=\"application/ld+json\">{\"headline\":"
                                 "\"\\u003c/script\\u003e\"}</script>"));
    assert_non_null(strstr(html, "<img src=\"https://news.example/media/a.jpg\" alt=\"\">"));
    assert_non_null(strstr(html, "<a href=\"/author/3-ada\" rel=\"author\">Ada Writer</a>"));
    assert_non_null(strstr(html, "<a href=\"/2026/11/salam\" hreflang=\"fa\" lang=\"fa\" "
                                 "dir=\"rtl\"><span class=\"translation-language\">فارسی</span> "
                                 "سلام</a>"));
}

static void test_author_and_archive_pages(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    struct gz_val *ctx = page_ctx(&f->arena, "en", "ltr", render_sidebar(f));
    struct gz_val *author = gz_val_obj(&f->arena);
    gz_obj_set_str(author, "heading", "Articles by Ada <W>");
    gz_obj_set(ctx, "author_page", author);
    struct gz_val *articles = gz_val_list(&f->arena);
    gz_list_push(articles, entry(&f->arena, "By Ada", "/a/by-ada", "en", "ltr"));
    gz_obj_set(ctx, "articles", articles);
    gz_obj_set_bool(ctx, "is_first_page", true);
    const char *html = render(f, "author.html", ctx);
    assert_page_basics(html);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Articles by Ada &lt;W&gt;</h1>"));
    assert_non_null(strstr(html, "<a href=\"/a/by-ada\">By Ada</a>"));

    struct gz_val *archive = gz_val_obj(&f->arena);
    gz_obj_set_str(archive, "heading", "Articles from November 2026");
    gz_obj_set(ctx, "archive", archive);
    struct gz_val *months = gz_val_list(&f->arena), *m = gz_val_obj(&f->arena);
    gz_obj_set_str(m, "name", "November 2026");
    gz_obj_set_str(m, "url", "/2026/11/");
    gz_obj_set_str(m, "count", "3");
    gz_obj_set_bool(m, "current", true);
    gz_list_push(months, m);
    gz_obj_set(ctx, "months", months);
    html = render(f, "archive.html", ctx);
    assert_page_basics(html);
    assert_non_null(strstr(html, "<h1 class=\"page-heading\">Articles from November 2026</h1>"));
    assert_non_null(strstr(html, "<a href=\"/2026/11/\" aria-current=\"page\">November 2026</a>"));
}

static void test_override_dir(void **state)
{
    struct fixture *f = *state;
    struct gz_theme *plain;
    assert_int_equal(gz_theme_load(NULL, &plain, f->err, sizeof(f->err)), GZ_OK);
    char default_version[16];
    snprintf(default_version, sizeof(default_version), "%s",
             gz_theme_assets_version(plain));
    gz_theme_free(plain);

    make_override_dir(f);
    write_file(f->dir, "templates/404.html", "{{> extra}}Custom: {{path}}");
    write_file(f->dir, "templates/extra.html", "[extra]");
    write_file(f->dir, "templates/notes.txt", "{{#not a template");
    write_file(f->dir, "assets/app.js", "console.log(1);\n");
    write_file(f->dir, "assets/sub/deep.txt", "deep");
    write_file(f->dir, "assets/.hidden", "secret");
    assert_int_equal(gz_theme_load(f->dir, &f->theme, f->err, sizeof(f->err)), GZ_OK);

    struct gz_val *ctx = gz_val_obj(&f->arena);
    gz_obj_set_str(ctx, "path", "/x&y");
    assert_string_equal(render(f, "404.html", ctx), "[extra]Custom: /x&amp;y");
    /* Templates not overridden are still the default ones. */
    assert_non_null(strstr(render(f, "sidebar.html", words_ctx(&f->arena, "en")),
                           "New Articles"));

    const struct gz_asset *js = gz_theme_asset(f->theme, "app.js", 6);
    assert_non_null(js);
    assert_int_equal(js->len, 16);
    assert_memory_equal(js->bytes, "console.log(1);\n", 16);
    assert_string_equal(js->content_type, "text/javascript; charset=utf-8");
    const struct gz_asset *deep = gz_theme_asset(f->theme, "sub/deep.txt", 12);
    assert_non_null(deep);
    assert_string_equal(deep->content_type, "text/plain; charset=utf-8");
    assert_null(gz_theme_asset(f->theme, ".hidden", 7));
    assert_non_null(gz_theme_asset(f->theme, "style.css", 9));
    assert_string_not_equal(gz_theme_assets_version(f->theme), default_version);
}

static void test_override_asset_changes_etag(void **state)
{
    struct fixture *f = *state;
    struct gz_theme *plain;
    assert_int_equal(gz_theme_load(NULL, &plain, f->err, sizeof(f->err)), GZ_OK);
    char etag[32];
    snprintf(etag, sizeof(etag), "%s", gz_theme_asset(plain, "style.css", 9)->etag);
    gz_theme_free(plain);

    make_override_dir(f);
    write_file(f->dir, "assets/style.css", "body{color:red}");
    assert_int_equal(gz_theme_load(f->dir, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    const struct gz_asset *css = gz_theme_asset(f->theme, "style.css", 9);
    assert_int_equal(css->len, 15);
    assert_string_not_equal(css->etag, etag);
}

static void test_override_errors(void **state)
{
    struct fixture *f = *state;
    make_override_dir(f);
    write_file(f->dir, "templates/article.html", "<h1>\n{{#tags}}\n");
    assert_int_equal(gz_theme_load(f->dir, &f->theme, f->err, sizeof(f->err)), GZ_EINVAL);
    assert_null(f->theme);
    assert_non_null(strstr(f->err, "/templates/article.html:2: unclosed section 'tags'"));

    write_file(f->dir, "templates/article.html", "{{> nowhere}}");
    assert_int_equal(gz_theme_load(f->dir, &f->theme, f->err, sizeof(f->err)),
                     GZ_ENOTFOUND);
    assert_non_null(strstr(f->err, "unknown partial 'nowhere'"));

    assert_int_equal(
        gz_theme_load("/nonexistent/gz-theme", &f->theme, f->err, sizeof(f->err)),
        GZ_EIO);
}

static void test_refused_asset_paths(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(gz_theme_check_path("style.css", 9), GZ_OK);
    assert_int_equal(gz_theme_check_path("fonts/a.woff2", 13), GZ_OK);
    assert_int_equal(gz_theme_check_path("../etc/passwd", 13), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("a/../../b", 9), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("a/..", 4), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("/etc/passwd", 11), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("a\\b", 3), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("a\0b", 3), GZ_EINVAL);
    assert_int_equal(gz_theme_check_path("", 0), GZ_EINVAL);

    assert_int_equal(gz_theme_load(NULL, &f->theme, f->err, sizeof(f->err)), GZ_OK);
    assert_null(gz_theme_asset(f->theme, "../assets/style.css", 19));
    assert_null(gz_theme_asset(f->theme, "/style.css", 10));
    assert_null(gz_theme_asset(f->theme, "./../style.css", 14));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_theme_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sidebar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_rtl_and_empty_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_home_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_404_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_words_in_other_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_author_and_archive_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_asset_changes_etag, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_override_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_asset_paths, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
