/* The --media part of the WordPress import (import_wxr.c): the files of a
 * copy of wp-content/uploads go into the media library (gz_media_store),
 * and the URLs that named them in the export are rewritten to /media/...
 *
 * A URL is the export's when it is the base site URL (http, https or
 * scheme-relative, or root-relative) followed by "/wp-content/uploads/";
 * what follows, percent-decoded, is the file's path below DIR. A path
 * never leaves DIR: "..", "." and absolute paths are refused, and the file
 * found must still be inside DIR once symbolic links are resolved.
 *
 * Files that cannot be imported (missing, not an image, too large, outside
 * DIR) are counted in the report by reason and keep their old URL; only a
 * failure to write the media folder or the store stops the import. */
#ifndef GZ_WXR_MEDIA_H
#define GZ_WXR_MEDIA_H

#include <stddef.h>
#include <stdint.h>

struct gz_config;
struct gz_store;
struct gz_wxr_report;
struct gz_wxr_channel;

/* One import's media state: DIR, the files already seen and what they
 * became. Owned by the importer, freed with gz_wxr_media_close. */
struct gz_wxr_media;

/* Opens DIR for an import into st (reporting into rep, which must outlive
 * *out). cfg gives media.dir and media.max_bytes. With dry_run files are
 * read and checked, rows recorded (the import rolls them back), nothing
 * written. GZ_EINVAL with a reason in err when DIR is not a folder. */
int gz_wxr_media_open(const struct gz_config *cfg, const char *dir, int dry_run,
                      struct gz_store *st, struct gz_wxr_report *rep,
                      struct gz_wxr_media **out, char *err, size_t errlen);
void gz_wxr_media_close(struct gz_wxr_media *m);

/* The channel of the export being read: its base URLs say which URLs are
 * its uploads. */
void gz_wxr_media_channel(struct gz_wxr_media *m, const struct gz_wxr_channel *c);

/* The media URL ("/media/ab/....ext", heap) for an attachment's URL into
 * *out, or NULL when the file is skipped (counted with its reason) or the
 * URL is not the export's uploads. GZ_OK, or GZ_EIO when the file could
 * not be stored (gz_wxr_media_error says why). */
int gz_wxr_media_attachment(struct gz_wxr_media *m, const char *url, char **out);

/* html with every URL into the uploads whose file could be imported
 * replaced by its media URL, into *out (heap; NULL when nothing changed).
 * Attribute values (src, href, each srcset entry) and bare URLs alike are
 * found by scanning for "/wp-content/uploads/". Returns as above. */
int gz_wxr_media_rewrite(struct gz_wxr_media *m, const char *html, char **out);

/* Why the last call failed with GZ_EIO ("" otherwise). */
const char *gz_wxr_media_error(const struct gz_wxr_media *m);

#endif
