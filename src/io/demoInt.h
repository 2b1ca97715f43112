/* Private to the demo generator (src/io/demo*.c): the shapes of its word
 * lists and templates, and the tables demo_words.c defines for demo.c. */
#ifndef GZ_DEMO_INT_H
#define GZ_DEMO_INT_H

#include <stddef.h>
#include <stdint.h>

enum lang { LANG_EN, LANG_FA, LANG_AR };

/* The sections, in the order of gz_demo_tags (demo.h). */
enum tag {
    TAG_WORLD,
    TAG_POLITICS,
    TAG_BUSINESS,
    TAG_SCIENCE,
    TAG_TECHNOLOGY,
    TAG_CULTURE,
    TAG_SPORT,
    TAG_HEALTH,
    TAG_CLIMATE,
    TAG_OPINION,
};

/* Topics of the Persian and Arabic pieces, chosen from the headline's tag. */
enum topic { TOPIC_BOOKS, TOPIC_WEATHER, TOPIC_FOOTBALL, TOPIC_SCIENCE, TOPIC_CIVIC };

struct list {
    const char *const *items;
    size_t n;
};

/* A headline template and the section it belongs to, which also picks the
 * topical sentences of the body. */
struct title_tpl {
    const char *tpl;
    enum tag tag;
};

/* A first sentence, which also serves as the summary, and the sentences
 * that may follow it in any order. */
struct topic_text {
    const char *lead;
    struct list sentences;
};

/* Everything one language needs. English builds its body from leads,
 * sentences and summaries (en_body); Persian and Arabic from topics
 * (simple_body), whose lead doubles as the summary. */
struct lang_data {
    const char *code;
    struct list towns;
    const struct title_tpl *titles;
    size_t ntitles;
    struct list authors;
    struct list leads;
    struct list sentences;
    struct list summaries;
    const struct topic_text *topics; /* NULL for English */
    struct list quotes;
    struct list subheads;
    const char *digit_lead;   /* first UTF-8 byte of the script's digits, or NULL */
    unsigned char digit_base; /* second byte of the script's zero */
    const char *score_sep;
};

/* A word slot {name}: replaced by a word drawn from the list. */
struct word_slot {
    const char *name;
    struct list words;
};

/* A numeric slot {name}: replaced by a uniform integer in [lo, hi]. */
struct num_slot {
    const char *name;
    uint32_t lo, hi;
    int grouped; /* "1,250" in English; years and URL ids stay bare */
};

/* ---- the tables of demo_words.c ---- */

/* Indexed by enum lang. */
extern const struct lang_data gz_demo_langs[];

/* The slots every template may use, besides the ones demo.c fills from the
 * article itself ({town}, {score}, {person}, ...). */
extern const struct word_slot gz_demo_word_slots[];
extern const size_t gz_demo_nword_slots;
extern const struct num_slot gz_demo_num_slots[];
extern const size_t gz_demo_nnum_slots;

/* English lists demo.c draws from by name. */
extern const struct list gz_demo_en_agencies;
extern const struct list gz_demo_en_nouns;
extern const struct list gz_demo_en_team_suffixes;
extern const struct list gz_demo_en_first_names;
extern const struct list gz_demo_en_surnames;
extern const struct list gz_demo_en_topics[]; /* topical sentences, by enum tag */
extern const struct list gz_demo_en_emphasis;
extern const struct list gz_demo_en_links;
extern const struct list gz_demo_en_list_items;

#endif
