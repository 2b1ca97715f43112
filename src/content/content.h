/* The content pipeline: from what an editor wrote to what the store keeps
 * and the site shows. */
#ifndef GZ_CONTENT_H
#define GZ_CONTENT_H

#include <stddef.h>

#include "store/store.h"

/* Words in a teaser cut from the body (the site's default). */
#define GZ_CONTENT_TEASER_WORDS 30

/* Prepares an article for saving: renders a->body_src (NULL is taken as
 * "") into a->body_html — Markdown (gz_markdown_render) or, when
 * a->body_format is GZ_FORMAT_HTML (an import), HTML through
 * gz_sanitize_html — makes a->teaser from a->summary or else from the
 * body's plain text (gz_teaser_make, teaser_words words), and sets
 * a->slug from the title when it is NULL or "". A NULL summary or body_src
 * becomes "", a NULL or "" lang becomes "en". Replaced fields are freed
 * (they are heap strings owned by the article, as store.h says); the new
 * ones are heap strings too.
 *
 * Returns GZ_OK; GZ_EINVAL, changing nothing, when the title is NULL or
 * blank or any of title, summary, body_src, slug, lang or a tag name is
 * not valid UTF-8, or body_format is neither format;
 * GZ_ETOOBIG, changing nothing, when the rendered body would exceed
 * GZ_BUF_PAGE_MAX or an HTML body is refused by the sanitizer as too big or
 * too deeply nested; GZ_ERR when the Markdown parser fails. */
int gz_content_prepare(struct gz_article *a, size_t teaser_words);

/* Returns 1 when the language tag (BCP 47, e.g. "fa", "ar-EG", "ku-Arab")
 * is written right to left, 0 otherwise (also for NULL). An explicit script
 * subtag decides ("ku-Arab", "az-Arab" are RTL; "ku-Latn" is not); without
 * one the primary language does (ar, fa, he, ur, ps, sd, ug, yi, dv, ckb,
 * ...), case-insensitively. */
int gz_lang_is_rtl(const char *lang);

#endif
