/* Files compiled into the binary at build time by tools/embed.c (the
 * default theme, the store's schema migrations). */
#ifndef GZ_EMBED_H
#define GZ_EMBED_H

#include <stddef.h>

struct gz_embedded_file {
    const char *path;           /* relative to the embedded folder */
    const unsigned char *bytes; /* followed by one NUL byte not counted in len */
    size_t len;
};

#endif
