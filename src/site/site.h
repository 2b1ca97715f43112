/* The public site: a running gazette serving readers. */
#ifndef GZ_SITE_H
#define GZ_SITE_H

#include <stddef.h>

struct gz_config;
struct gz_site;

/* Opens the store, loads the theme and the view counts, and binds the
 * listeners. The site takes over cfg's contents: cfg is left empty (the
 * caller clears it as usual, which frees nothing). On failure err says why. */
int gz_site_open(struct gz_config *cfg, struct gz_site **out, char *err, size_t errlen);
/* How SIGHUP rebuilds the configuration (the same file, environment and
 * flags as at start). Without it, SIGHUP reloads the theme only. */
typedef int (*gz_site_reconfigure_fn)(void *ctx, struct gz_config *out, char *err,
                                      size_t errlen);
void gz_site_set_reconfigure(struct gz_site *site, gz_site_reconfigure_fn fn, void *ctx);
/* Serves until SIGINT/SIGTERM; then finishes requests in flight and flushes
 * the view counts. */
int gz_site_serve(struct gz_site *site);
void gz_site_close(struct gz_site *site);
/* Whether rendered pages get gzip and brotli variants (the default). The
 * static export turns it off before serving: it writes the identity bytes
 * only, and compressing cost it half its time. */
void gz_site_set_compress(struct gz_site *site, int compress);

#endif
