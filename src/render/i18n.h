/* The theme's own words (navigation, block headings, pagination, dates) in
 * the languages gazette ships translations for: English, French, Persian
 * and Arabic. Articles are written in any language; these are only the
 * words around them.
 *
 * A page is dressed in the language of its content when there is a table
 * for it (gz_i18n_for), else in the site's language, else in English.
 * Dates use the Gregorian calendar in every language, with the language's
 * own month names and digits (Persian ۰-۹, Arabic ٠-٩).
 *
 * Every table is static and read-only: safe to use from any thread. */
#ifndef GZ_I18N_H
#define GZ_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "render/template.h"

/* The messages of a table. Each has a template name (gz_i18n_key):
 * GZ_MSG_NEW_ARTICLES is {{t.new_articles}}. Messages with {1} and {2} are
 * patterns for gz_i18n_format. */
enum gz_msg {
    GZ_MSG_HOME,            /* "Home" */
    GZ_MSG_NEW_ARTICLES,    /* "New Articles" */
    GZ_MSG_MOST_VIEWED,     /* "Most viewed" */
    GZ_MSG_READ_MORE,       /* "Read more" */
    GZ_MSG_PREVIOUS,        /* "Previous" */
    GZ_MSG_NEXT,            /* "Next" */
    GZ_MSG_NEWER,           /* "Newer articles": the link to the previous page */
    GZ_MSG_OLDER,           /* "Older articles": the link to the next page */
    GZ_MSG_PAGE_OF,         /* "Page {1} of {2}" */
    GZ_MSG_ARTICLES_PAGE,   /* "Articles, page {1} of {2}" */
    GZ_MSG_TAGS,            /* "Tags" */
    GZ_MSG_BY,              /* "By" (before an author's name) */
    GZ_MSG_SEARCH,          /* "Search" */
    GZ_MSG_PUBLISHED,       /* "Published" */
    GZ_MSG_UPDATED,         /* "Updated" */
    GZ_MSG_NOT_FOUND,       /* "Page not found" */
    GZ_MSG_NOT_FOUND_TEXT,  /* "Sorry, there is nothing at this address:" */
    GZ_MSG_NOT_FOUND_HINT,  /* "It may have moved or been removed." */
    GZ_MSG_FRONT_PAGE,      /* "Go to the front page" */
    GZ_MSG_TRANSLATIONS,    /* "Translations" */
    GZ_MSG_ARCHIVES,        /* "Archives" */
    GZ_MSG_LATEST_ARTICLES, /* "Latest articles" */
    GZ_MSG_NO_ARTICLES,     /* "No articles have been published yet." */
    GZ_MSG_BLOCK_EMPTY,     /* "No articles yet." */
    GZ_MSG_NO_VIEWS,        /* "No views counted yet." */
    GZ_MSG_SKIP_LINK,       /* "Skip to main content" */
    GZ_MSG_PAGINATION,      /* "Pagination" (a label for assistive technology) */
    GZ_MSG_MAIN_NAV,        /* "Main" (the navigation's label) */
    GZ_MSG_LANGUAGES,       /* "Languages" */
    GZ_MSG_MORE_ARTICLES,   /* "More articles" (the sidebar's label) */
    GZ_MSG_ARTICLES_BY,     /* "Articles by {1}" */
    GZ_MSG_ARTICLES_FROM,   /* "Articles from {1}" ({1}: "November 2026") */
    GZ_MSG_WINDOW_ALL,      /* "all time" (Most viewed's window) */
    GZ_MSG_WINDOW_24H,      /* "last 24 hours" */
    GZ_MSG_WINDOW_7D,       /* "last 7 days" */
    GZ_MSG_WINDOW_30D,      /* "last 30 days" */
    GZ_MSG_COUNT
};

/* At least as many as there are tables (checked at compile time), for
 * arrays indexed by gz_i18n_index. */
#define GZ_I18N_MAX 8

/* One language's table. */
struct gz_i18n {
    const char *lang;       /* primary language subtag: "en", "fa" */
    const char *name;       /* the language's name in itself: "فارسی" */
    int rtl;                /* written right to left */
    uint32_t zero;          /* the code point of the digit 0: '0', U+06F0, U+0660 */
    const char *first_day;  /* the 1st of a month when it is written
                               differently ("1er"), else NULL */
    const char *months[12]; /* January first */
    const char *msgs[GZ_MSG_COUNT];
};

/* The table for a language tag ("fa", "fa-IR", "FR"), matched on its
 * primary subtag case-insensitively; NULL when there is none. */
const struct gz_i18n *gz_i18n_find(const char *lang);

/* The table for lang, else for fallback (the site's language), else
 * English. Never NULL; either argument may be NULL. */
const struct gz_i18n *gz_i18n_for(const char *lang, const char *fallback);

/* The tables, in a fixed order: English is index 0. */
size_t gz_i18n_count(void);
const struct gz_i18n *gz_i18n_at(size_t i);
/* The index of a table returned by the functions above. */
size_t gz_i18n_index(const struct gz_i18n *l);

/* The template name of a message ("new_articles"); NULL out of range. */
const char *gz_i18n_key(enum gz_msg m);

/* Writes n (>= 0) with the language's digits into out (at most len bytes
 * with the NUL; truncated to fit). Returns the length it needed. */
size_t gz_i18n_number(const struct gz_i18n *l, int64_t n, char *out, size_t len);

/* The day `when` (Unix seconds) falls on in UTC, written as the language
 * writes a date: "29 November 2026", "1er novembre 2026", "۲۹ نوامبر ۲۰۲۶",
 * "٢٩ نوفمبر ٢٠٢٦". Same contract as gz_i18n_number. */
size_t gz_i18n_date(const struct gz_i18n *l, int64_t when, char *out, size_t len);

/* A month of a year: "November 2026", "novembre 2026" (month 1..12; any
 * other month writes the year alone). Same contract as gz_i18n_number. */
size_t gz_i18n_month_year(const struct gz_i18n *l, int year, int month, char *out,
                          size_t len);

/* Message m with {1} and {2} replaced by arg1 and arg2 (NULL: ""), in an
 * arena string. The result is text, not HTML: templates escape it. */
char *gz_i18n_format(struct gz_arena *a, const struct gz_i18n *l, enum gz_msg m,
                     const char *arg1, const char *arg2);

/* The name of a language in itself, for language menus: from the tables,
 * a few more well-known languages, else the tag as given. */
const char *gz_i18n_language_name(const char *lang);

/* The template object of a table, {{t.*}}: every message under its key,
 * plus lang, dir ("ltr"/"rtl") and name. Built in arena a; the strings are
 * static. */
struct gz_val *gz_i18n_values(struct gz_arena *a, const struct gz_i18n *l);

#endif
