/* Files compiled into the binary by tools/embed.c (the default theme).
 * The generated theme_default.c defines the table below. */
#ifndef GZ_EMBEDDED_H
#define GZ_EMBEDDED_H

#include <stddef.h>

#include "core/embed.h"

extern const struct gz_embedded_file gz_theme_default_files[];
extern const size_t gz_theme_default_count;
/* The admin's templates and assets (themes/admin/). */
extern const struct gz_embedded_file gz_theme_admin_files[];
extern const size_t gz_theme_admin_count;

#endif
