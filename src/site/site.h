/* The public site: a running gazette serving readers. */
#ifndef GZ_SITE_H
#define GZ_SITE_H

#include <stddef.h>

struct gz_config;
struct gz_site;

/* Opens the store, loads the theme and the view counts, and binds the
 * listeners. Errors are written into err. The site keeps a pointer to cfg. */
int gz_site_open(const struct gz_config *cfg, struct gz_site **out, char *err,
                 size_t errlen);
/* Serves until SIGINT/SIGTERM; then finishes requests in flight and flushes
 * the view counts. */
int gz_site_serve(struct gz_site *site);
void gz_site_close(struct gz_site *site);

#endif
