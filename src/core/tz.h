/* Time zones by IANA name ("Europe/Paris"), read from the system's
 * zoneinfo files (RFC 8536, TZif), for the dates a site shows its readers.
 *
 * The C library has only one time zone per process (TZ, changed through
 * setenv and tzset, which is not safe while other threads read the
 * environment); a site may change its zone while serving, so zones are
 * read here instead, into immutable objects that every thread may use. */
#ifndef GZ_TZ_H
#define GZ_TZ_H

#include <stddef.h>
#include <stdint.h>

struct gz_tz;

/* Where zoneinfo files are read from. */
#define GZ_TZ_DIR "/usr/share/zoneinfo"

/* The zone called name, loaded on first use and kept until the process
 * exits (zones are few and small; the pointer stays valid, so no reader
 * ever has to release one). "UTC" always works, even without zoneinfo
 * files. NULL, with the reason in err, for a name that is not an IANA
 * zone name or whose file is missing or malformed. Thread-safe. */
const struct gz_tz *gz_tz_get(const char *name, char *err, size_t errlen);

/* The zone's offset from UTC at time t (Unix seconds), in seconds east of
 * Greenwich (3600 for Paris in winter). A NULL zone is UTC. Past the last
 * transition of the file the last offset stays in effect (Debian's files
 * list transitions up to 2037). */
int32_t gz_tz_offset(const struct gz_tz *tz, int64_t t);

/* The zone's name as given to gz_tz_get. */
const char *gz_tz_name(const struct gz_tz *tz);

#endif
