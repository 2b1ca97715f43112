/* Readers: who counts as one, without keeping who they are.
 *
 * A reader is a keyed hash (libsodium crypto_shorthash, SipHash-2-4) of
 * their address and user agent under a secret salt drawn at random for each
 * UTC day and wiped (sodium_memzero) when the day ends. No address, user
 * agent or old salt is ever stored: a hash cannot be linked to a person,
 * nor a reader today to the same reader yesterday.
 *
 * struct gz_readers is shared by every event-loop thread. It is split into
 * shards, each with its own mutex, chosen by the reader hash, so two
 * threads rarely wait for each other. Per shard it remembers, in memory
 * only and bounded by max_tracked:
 *   - (reader, article) pairs counted in the last reload_minutes, so a
 *     reload within that time counts once;
 *   - each reader's views in the current minute, so a reader far faster
 *     than a person (more than max_per_minute) stops being counted until
 *     the next minute;
 *   - the queue of counted views for the flusher (article, reader, referrer
 *     domain, time), which gz_readers_drain() empties. A full queue drops
 *     the event (counted in gz_readers_dropped()); the view itself was
 *     already counted exactly by the per-thread counters.
 */
#ifndef GZ_VIEWS_READERS_H
#define GZ_VIEWS_READERS_H

#include <stddef.h>
#include <stdint.h>

struct gz_readers_config {
    int reload_minutes;   /* a reader's reloads within this count once; 0: every view counts */
    int max_per_minute;   /* views a reader may have counted per minute; 0: no limit */
    size_t max_tracked;   /* (reader, article) pairs remembered at most; 0: 1 << 20
                           * (split evenly over 64 shards; a full shard forgets
                           * expired pairs, then its oldest) */
    size_t max_queue;     /* events queued for the flusher at most; 0: 1 << 18 */
};

/* What gz_readers_view decided. */
enum gz_reader_verdict {
    GZ_READER_COUNT,  /* a new view: count it (the event is queued) */
    GZ_READER_RELOAD, /* the same reader read this article within reload_minutes
                       * (counted from the view that counted, to the second) */
    GZ_READER_FLOOD,  /* the reader already had max_per_minute views counted in
                       * this calendar minute (UTC); nothing is remembered */
};

/* Longest referrer domain kept (longer ones are cut at a label boundary or
 * dropped as ""). */
#define GZ_REFERRER_MAX 64

struct gz_reader_event {
    int64_t article_id;
    uint64_t reader; /* gz_readers_id() of the day the view was counted */
    int64_t time;    /* Unix seconds */
    char domain[GZ_REFERRER_MAX]; /* NUL-terminated; "" for none */
};

struct gz_readers;

/* Never returns NULL. now: Unix seconds (the first salt is drawn for now's
 * UTC day). */
struct gz_readers *gz_readers_new(const struct gz_readers_config *c, int64_t now);
void gz_readers_free(struct gz_readers *r);

/* The reader's hash for the UTC day of now: keyed hash of the address
 * bytes and the user agent. When now is in a later day than the current
 * salt's, a new salt is drawn and the old one wiped first; a now in an
 * earlier day uses the current salt (an old salt is never kept).
 * Thread-safe. */
uint64_t gz_readers_id(struct gz_readers *r, const void *addr, size_t addr_len,
                       const char *ua, size_t ua_len, int64_t now);

/* Decides whether a view of article_id by reader at now counts and, when it
 * does, queues the event with the referrer domain (domain, domain_len; may
 * be empty). Thread-safe. */
enum gz_reader_verdict gz_readers_view(struct gz_readers *r, uint64_t reader,
                                       int64_t article_id, const char *domain,
                                       size_t domain_len, int64_t now);

/* Whether reader is past max_per_minute in now's minute, without counting
 * anything (the beacon answers such a reader 429): 1 exactly when a view
 * now would be GZ_READER_FLOOD. Thread-safe. */
int gz_readers_flooding(struct gz_readers *r, uint64_t reader, int64_t now);

/* Moves every queued event out: *out is a gz_xmalloc'd array (NULL when
 * none) the caller frees; returns how many. Flusher thread; thread-safe. */
size_t gz_readers_drain(struct gz_readers *r, struct gz_reader_event **out);

/* Events dropped because the queue was full, since the start. */
uint64_t gz_readers_dropped(const struct gz_readers *r);

/* Bytes of heap used, for /metrics. */
size_t gz_readers_memory(const struct gz_readers *r);

/* The domain a Referer header names, for aggregated "where readers came
 * from": the host of an http(s) URL, lowercased, without userinfo, port,
 * trailing dot or leading "www.". Writes "" when there is none, when it is
 * not http(s), when it is malformed (anything but [A-Za-z0-9.-], an empty
 * or 64+ character label, over 253 characters, a bad port, an IPv6
 * literal), or when it equals own_host normalized the same way (the site
 * itself: a reader moving between its pages). A domain longer than 63
 * characters keeps its rightmost labels that fit, or becomes "" when only
 * the top-level label would. out has GZ_REFERRER_MAX bytes. */
void gz_referrer_domain(const char *referer, size_t len, const char *own_host,
                        size_t own_len, char out[GZ_REFERRER_MAX]);

#endif
