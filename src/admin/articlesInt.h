/* Private to the admin's article pages (/admin/articles): articles.c (the
 * list, bulk actions, trash, tag autocomplete and the dispatcher),
 * article_edit.c (the editor, preview and autosave) and
 * article_revisions.c (revisions, their diff and restore). */
#ifndef GZ_ARTICLES_INT_H
#define GZ_ARTICLES_INT_H

#include <jansson.h>
#include <stdint.h>

#include "admin/admin.h"

/* The state people see: "draft", "scheduled" (published with a date to
 * come), "published", "unpublished". Static strings. */
const char *gz_admin_status_name(enum gz_status status, int64_t published_at,
                                 int64_t now);

/* "2026-11-29 08:58 UTC" in the arena; "" for 0. */
const char *gz_admin_time_text(struct gz_arena *a, int64_t t);

/* Sends a JSON value (taken: it is released here) with the given status,
 * no-store. */
void gz_admin_send_json(struct gz_admin_req *q, int status, json_t *value);

/* Loads article id for a page about it; on failure answers (404, or 500)
 * and returns nonzero. *out is cleared on failure. */
int gz_admin_article_load(struct gz_admin_req *q, int64_t id, struct gz_article *out);

/* The HTTP status for a gz_editorial_* result: 403, 404, 409, 422, 500. */
int gz_admin_editorial_status(int rc);

/* article_edit.c: GET shows the editor for article id (0: a new one), POST
 * saves it (or, with action=preview, shows it again with a preview). */
void gz_admin_article_editor(struct gz_admin_req *q, int64_t id);
/* POST /admin/articles/preview: the body rendered as the site renders it. */
void gz_admin_article_preview(struct gz_admin_req *q);
/* POST /admin/articles/ID/autosave (ID 0 creates a draft): drafts only. */
void gz_admin_article_autosave(struct gz_admin_req *q, int64_t id);

/* article_revisions.c: sub is what follows /admin/articles/ID/revisions. */
void gz_admin_article_revisions(struct gz_admin_req *q, int64_t id, struct gz_str sub);

#endif
