/* A theme: the templates and static assets pages are built from. The
 * default theme is compiled into the binary; a theme directory on disk
 * overrides or adds single templates and assets. */
#ifndef GZ_THEME_H
#define GZ_THEME_H

#include <stddef.h>

#include "render/cache.h"
#include "render/template.h"

/* One static file served under /assets/. Owned by its theme. */
struct gz_asset {
    const char *path; /* relative to assets/, e.g. "style.css" */
    const unsigned char *bytes;
    size_t len;
    const char *content_type; /* from the extension */
    const char *etag;         /* quoted hex hash of the bytes, e.g. "\"9f..\"" */
    struct gz_page *page;     /* the bytes ready to send, with gzip and brotli
                                 variants for text types (render/cache.h) */
};

struct gz_theme;

/* Loads the embedded default theme, then, when dir is not NULL, every
 * dir/templates/NAME.html replaces or adds template NAME.html and every file
 * under dir/assets/ replaces or adds an asset. Partials are linked, so a
 * reference to a missing template fails here. On failure returns
 * GZ_EINVAL (bad template or asset path), GZ_ENOTFOUND (unknown partial) or
 * GZ_EIO (unreadable directory or file) with a message in err. The theme is
 * read-only once loaded and may be shared by threads; free with
 * gz_theme_free. */
int gz_theme_load(const char *dir, struct gz_theme **out, char *err, size_t errlen);
/* The same with another embedded theme than the default (the admin's). */
struct gz_embedded_file;
int gz_theme_load_from(const struct gz_embedded_file *files, size_t count, const char *dir,
                       struct gz_theme **out, char *err, size_t errlen);
void gz_theme_free(struct gz_theme *t);

/* The theme's compiled templates, owned by the theme. */
const struct gz_tpl_set *gz_theme_templates(const struct gz_theme *t);

/* The asset at path (len bytes, relative to assets/, not NUL-terminated),
 * or NULL. Paths with ".." or a leading "/" are never found. */
const struct gz_asset *gz_theme_asset(const struct gz_theme *t, const char *path,
                                      size_t len);

/* A short hex hash over every asset's etag, for cache-busting URLs such as
 * /assets/style.css?v=VERSION. Owned by the theme. */
const char *gz_theme_assets_version(const struct gz_theme *t);

/* Whether path is acceptable as an asset path: not empty, no "..", no
 * leading "/", no backslash or NUL. Returns GZ_OK or GZ_EINVAL. */
int gz_theme_check_path(const char *path, size_t len);

#endif
