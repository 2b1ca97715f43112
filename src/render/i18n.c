/* The theme's own words in English, French, Persian and Arabic (i18n.h).
 *
 * To add a language: add a table below (every message; a missing one would
 * show as an empty string, which the unit tests catch), add it to
 * `tables`, and name it in docs/multilingual.md. */
#include "render/i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Template names, by enum gz_msg. */
static const char *const keys[GZ_MSG_COUNT] = {
    [GZ_MSG_HOME] = "home",
    [GZ_MSG_NEW_ARTICLES] = "new_articles",
    [GZ_MSG_MOST_VIEWED] = "most_viewed",
    [GZ_MSG_READ_MORE] = "read_more",
    [GZ_MSG_PREVIOUS] = "previous",
    [GZ_MSG_NEXT] = "next",
    [GZ_MSG_NEWER] = "newer",
    [GZ_MSG_OLDER] = "older",
    [GZ_MSG_PAGE_OF] = "page_of",
    [GZ_MSG_ARTICLES_PAGE] = "articles_page",
    [GZ_MSG_TAGS] = "tags",
    [GZ_MSG_BY] = "by",
    [GZ_MSG_SEARCH] = "search",
    [GZ_MSG_PUBLISHED] = "published",
    [GZ_MSG_UPDATED] = "updated",
    [GZ_MSG_NOT_FOUND] = "not_found",
    [GZ_MSG_NOT_FOUND_TEXT] = "not_found_text",
    [GZ_MSG_NOT_FOUND_HINT] = "not_found_hint",
    [GZ_MSG_FRONT_PAGE] = "front_page",
    [GZ_MSG_TRANSLATIONS] = "translations",
    [GZ_MSG_ARCHIVES] = "archives",
    [GZ_MSG_LATEST_ARTICLES] = "latest_articles",
    [GZ_MSG_NO_ARTICLES] = "no_articles",
    [GZ_MSG_BLOCK_EMPTY] = "block_empty",
    [GZ_MSG_NO_VIEWS] = "no_views",
    [GZ_MSG_SKIP_LINK] = "skip_link",
    [GZ_MSG_PAGINATION] = "pagination",
    [GZ_MSG_MAIN_NAV] = "main_nav",
    [GZ_MSG_LANGUAGES] = "languages",
    [GZ_MSG_MORE_ARTICLES] = "more_articles",
    [GZ_MSG_ARTICLES_BY] = "articles_by",
    [GZ_MSG_ARTICLES_FROM] = "articles_from",
    [GZ_MSG_WINDOW_ALL] = "window_all",
    [GZ_MSG_WINDOW_24H] = "window_24h",
    [GZ_MSG_WINDOW_7D] = "window_7d",
    [GZ_MSG_WINDOW_30D] = "window_30d",
};

/* ZWNJ: Persian joins the parts of a compound word with it. */
#define ZWNJ "\u200c"

static const struct gz_i18n english = {
    .lang = "en",
    .name = "English",
    .zero = '0',
    .months = {"January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"},
    .msgs =
        {
            [GZ_MSG_HOME] = "Home",
            [GZ_MSG_NEW_ARTICLES] = "New Articles",
            [GZ_MSG_MOST_VIEWED] = "Most viewed",
            [GZ_MSG_READ_MORE] = "Read more",
            [GZ_MSG_PREVIOUS] = "Previous",
            [GZ_MSG_NEXT] = "Next",
            [GZ_MSG_NEWER] = "Newer articles",
            [GZ_MSG_OLDER] = "Older articles",
            [GZ_MSG_PAGE_OF] = "Page {1} of {2}",
            [GZ_MSG_ARTICLES_PAGE] = "Articles, page {1} of {2}",
            [GZ_MSG_TAGS] = "Tags",
            [GZ_MSG_BY] = "By",
            [GZ_MSG_SEARCH] = "Search",
            [GZ_MSG_PUBLISHED] = "Published",
            [GZ_MSG_UPDATED] = "Updated",
            [GZ_MSG_NOT_FOUND] = "Page not found",
            [GZ_MSG_NOT_FOUND_TEXT] = "Sorry, there is nothing at this address:",
            [GZ_MSG_NOT_FOUND_HINT] = "It may have moved or been removed.",
            [GZ_MSG_FRONT_PAGE] = "Go to the front page",
            [GZ_MSG_TRANSLATIONS] = "Translations",
            [GZ_MSG_ARCHIVES] = "Archives",
            [GZ_MSG_LATEST_ARTICLES] = "Latest articles",
            [GZ_MSG_NO_ARTICLES] = "No articles have been published yet.",
            [GZ_MSG_BLOCK_EMPTY] = "No articles yet.",
            [GZ_MSG_NO_VIEWS] = "No views counted yet.",
            [GZ_MSG_SKIP_LINK] = "Skip to main content",
            [GZ_MSG_PAGINATION] = "Pagination",
            [GZ_MSG_MAIN_NAV] = "Main",
            [GZ_MSG_LANGUAGES] = "Languages",
            [GZ_MSG_MORE_ARTICLES] = "More articles",
            [GZ_MSG_ARTICLES_BY] = "Articles by {1}",
            [GZ_MSG_ARTICLES_FROM] = "Articles from {1}",
            [GZ_MSG_WINDOW_ALL] = "all time",
            [GZ_MSG_WINDOW_24H] = "last 24 hours",
            [GZ_MSG_WINDOW_7D] = "last 7 days",
            [GZ_MSG_WINDOW_30D] = "last 30 days",
        },
};

static const struct gz_i18n french = {
    .lang = "fr",
    .name = "Français",
    .zero = '0',
    .first_day = "1er",
    .months = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"},
    .msgs =
        {
            [GZ_MSG_HOME] = "Accueil",
            [GZ_MSG_NEW_ARTICLES] = "Nouveaux articles",
            [GZ_MSG_MOST_VIEWED] = "Les plus lus",
            [GZ_MSG_READ_MORE] = "Lire la suite",
            [GZ_MSG_PREVIOUS] = "Précédent",
            [GZ_MSG_NEXT] = "Suivant",
            [GZ_MSG_NEWER] = "Articles plus récents",
            [GZ_MSG_OLDER] = "Articles plus anciens",
            [GZ_MSG_PAGE_OF] = "Page {1} sur {2}",
            [GZ_MSG_ARTICLES_PAGE] = "Articles, page {1} sur {2}",
            [GZ_MSG_TAGS] = "Mots-clés",
            [GZ_MSG_BY] = "Par",
            [GZ_MSG_SEARCH] = "Rechercher",
            [GZ_MSG_PUBLISHED] = "Publié",
            [GZ_MSG_UPDATED] = "Mis à jour",
            [GZ_MSG_NOT_FOUND] = "Page introuvable",
            [GZ_MSG_NOT_FOUND_TEXT] = "Désolé, il n'y a rien à cette adresse :",
            [GZ_MSG_NOT_FOUND_HINT] = "La page a peut-être été déplacée ou supprimée.",
            [GZ_MSG_FRONT_PAGE] = "Aller à la page d'accueil",
            [GZ_MSG_TRANSLATIONS] = "Traductions",
            [GZ_MSG_ARCHIVES] = "Archives",
            [GZ_MSG_LATEST_ARTICLES] = "Derniers articles",
            [GZ_MSG_NO_ARTICLES] = "Aucun article n'a encore été publié.",
            [GZ_MSG_BLOCK_EMPTY] = "Pas encore d'articles.",
            [GZ_MSG_NO_VIEWS] = "Aucune lecture comptée pour l'instant.",
            [GZ_MSG_SKIP_LINK] = "Aller au contenu principal",
            [GZ_MSG_PAGINATION] = "Pagination",
            [GZ_MSG_MAIN_NAV] = "Principale",
            [GZ_MSG_LANGUAGES] = "Langues",
            [GZ_MSG_MORE_ARTICLES] = "Plus d'articles",
            [GZ_MSG_ARTICLES_BY] = "Articles de {1}",
            [GZ_MSG_ARTICLES_FROM] = "Articles de {1}",
            [GZ_MSG_WINDOW_ALL] = "depuis le début",
            [GZ_MSG_WINDOW_24H] = "dernières 24 heures",
            [GZ_MSG_WINDOW_7D] = "7 derniers jours",
            [GZ_MSG_WINDOW_30D] = "30 derniers jours",
        },
};

/* The Gregorian months as Iran writes them (not the Solar Hijri calendar;
 * see docs/multilingual.md). */
static const struct gz_i18n persian = {
    .lang = "fa",
    .name = "فارسی",
    .rtl = 1,
    .zero = 0x06F0,
    .months = {"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت",
               "سپتامبر", "اکتبر", "نوامبر", "دسامبر"},
    .msgs =
        {
            [GZ_MSG_HOME] = "صفحهٔ اصلی",
            [GZ_MSG_NEW_ARTICLES] = "تازه" ZWNJ "ترین مطالب",
            [GZ_MSG_MOST_VIEWED] = "پربازدیدترین" ZWNJ "ها",
            [GZ_MSG_READ_MORE] = "ادامهٔ مطلب",
            [GZ_MSG_PREVIOUS] = "قبلی",
            [GZ_MSG_NEXT] = "بعدی",
            [GZ_MSG_NEWER] = "مطالب جدیدتر",
            [GZ_MSG_OLDER] = "مطالب قدیمی" ZWNJ "تر",
            [GZ_MSG_PAGE_OF] = "صفحهٔ {1} از {2}",
            [GZ_MSG_ARTICLES_PAGE] = "مطالب، صفحهٔ {1} از {2}",
            [GZ_MSG_TAGS] = "برچسب" ZWNJ "ها",
            [GZ_MSG_BY] = "نوشتهٔ",
            [GZ_MSG_SEARCH] = "جستجو",
            [GZ_MSG_PUBLISHED] = "منتشرشده",
            [GZ_MSG_UPDATED] = "به" ZWNJ "روزشده",
            [GZ_MSG_NOT_FOUND] = "صفحه پیدا نشد",
            [GZ_MSG_NOT_FOUND_TEXT] = "متأسفیم، در این نشانی چیزی نیست:",
            [GZ_MSG_NOT_FOUND_HINT] = "شاید جابه" ZWNJ "جا یا حذف شده باشد.",
            [GZ_MSG_FRONT_PAGE] = "رفتن به صفحهٔ اصلی",
            [GZ_MSG_TRANSLATIONS] = "ترجمه" ZWNJ "ها",
            [GZ_MSG_ARCHIVES] = "بایگانی",
            [GZ_MSG_LATEST_ARTICLES] = "آخرین مطالب",
            [GZ_MSG_NO_ARTICLES] = "هنوز مطلبی منتشر نشده است.",
            [GZ_MSG_BLOCK_EMPTY] = "هنوز مطلبی نیست.",
            [GZ_MSG_NO_VIEWS] = "هنوز بازدیدی شمرده نشده است.",
            [GZ_MSG_SKIP_LINK] = "رفتن به محتوای اصلی",
            [GZ_MSG_PAGINATION] = "صفحه" ZWNJ "بندی",
            [GZ_MSG_MAIN_NAV] = "اصلی",
            [GZ_MSG_LANGUAGES] = "زبان" ZWNJ "ها",
            [GZ_MSG_MORE_ARTICLES] = "مطالب بیشتر",
            [GZ_MSG_ARTICLES_BY] = "مطالب {1}",
            [GZ_MSG_ARTICLES_FROM] = "مطالب {1}",
            [GZ_MSG_WINDOW_ALL] = "همهٔ زمان" ZWNJ "ها",
            [GZ_MSG_WINDOW_24H] = "۲۴ ساعت گذشته",
            [GZ_MSG_WINDOW_7D] = "۷ روز گذشته",
            [GZ_MSG_WINDOW_30D] = "۳۰ روز گذشته",
        },
};

/* The Gregorian month names used across Egypt and the Gulf. */
static const struct gz_i18n arabic = {
    .lang = "ar",
    .name = "العربية",
    .rtl = 1,
    .zero = 0x0660,
    .months = {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
               "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
    .msgs =
        {
            [GZ_MSG_HOME] = "الرئيسية",
            [GZ_MSG_NEW_ARTICLES] = "أحدث المقالات",
            [GZ_MSG_MOST_VIEWED] = "الأكثر قراءة",
            [GZ_MSG_READ_MORE] = "اقرأ المزيد",
            [GZ_MSG_PREVIOUS] = "السابق",
            [GZ_MSG_NEXT] = "التالي",
            [GZ_MSG_NEWER] = "مقالات أحدث",
            [GZ_MSG_OLDER] = "مقالات أقدم",
            [GZ_MSG_PAGE_OF] = "الصفحة {1} من {2}",
            [GZ_MSG_ARTICLES_PAGE] = "المقالات، الصفحة {1} من {2}",
            [GZ_MSG_TAGS] = "الوسوم",
            [GZ_MSG_BY] = "بقلم",
            [GZ_MSG_SEARCH] = "بحث",
            [GZ_MSG_PUBLISHED] = "نُشر",
            [GZ_MSG_UPDATED] = "حُدّث",
            [GZ_MSG_NOT_FOUND] = "الصفحة غير موجودة",
            [GZ_MSG_NOT_FOUND_TEXT] = "عذرًا، لا يوجد شيء على هذا العنوان:",
            [GZ_MSG_NOT_FOUND_HINT] = "ربما نُقلت الصفحة أو حُذفت.",
            [GZ_MSG_FRONT_PAGE] = "الذهاب إلى الصفحة الرئيسية",
            [GZ_MSG_TRANSLATIONS] = "الترجمات",
            [GZ_MSG_ARCHIVES] = "الأرشيف",
            [GZ_MSG_LATEST_ARTICLES] = "آخر المقالات",
            [GZ_MSG_NO_ARTICLES] = "لم يُنشر أي مقال بعد.",
            [GZ_MSG_BLOCK_EMPTY] = "لا توجد مقالات بعد.",
            [GZ_MSG_NO_VIEWS] = "لم تُحتسب أي قراءة بعد.",
            [GZ_MSG_SKIP_LINK] = "الانتقال إلى المحتوى الرئيسي",
            [GZ_MSG_PAGINATION] = "التنقل بين الصفحات",
            [GZ_MSG_MAIN_NAV] = "القائمة الرئيسية",
            [GZ_MSG_LANGUAGES] = "اللغات",
            [GZ_MSG_MORE_ARTICLES] = "مزيد من المقالات",
            [GZ_MSG_ARTICLES_BY] = "مقالات {1}",
            [GZ_MSG_ARTICLES_FROM] = "مقالات {1}",
            [GZ_MSG_WINDOW_ALL] = "كل الأوقات",
            [GZ_MSG_WINDOW_24H] = "آخر ٢٤ ساعة",
            [GZ_MSG_WINDOW_7D] = "آخر ٧ أيام",
            [GZ_MSG_WINDOW_30D] = "آخر ٣٠ يومًا",
        },
};

static const struct gz_i18n *const tables[] = {&english, &french, &persian, &arabic};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))
_Static_assert(NTABLES <= GZ_I18N_MAX, "raise GZ_I18N_MAX");

/* Names of languages without a table, for language menus. */
static const struct {
    const char *lang, *name;
} more_names[] = {
    {"de", "Deutsch"},    {"es", "Español"}, {"it", "Italiano"}, {"pt", "Português"},
    {"nl", "Nederlands"}, {"ru", "Русский"}, {"tr", "Türkçe"},   {"ur", "اردو"},
    {"ps", "پښتو"},       {"he", "עברית"},   {"ku", "Kurdî"},    {"zh", "中文"},
    {"ja", "日本語"},     {"ko", "한국어"},  {"hi", "हिन्दी"},    {"uk", "Українська"},
};

size_t gz_i18n_count(void)
{
    return NTABLES;
}

const struct gz_i18n *gz_i18n_at(size_t i)
{
    return i < NTABLES ? tables[i] : NULL;
}

size_t gz_i18n_index(const struct gz_i18n *l)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (tables[i] == l)
            return i;
    return 0;
}

const char *gz_i18n_key(enum gz_msg m)
{
    return (unsigned)m < GZ_MSG_COUNT ? keys[m] : NULL;
}

/* Whether tag's primary subtag (up to '-' or '_') is primary. */
static int primary_is(const char *tag, const char *primary)
{
    size_t n = strcspn(tag, "-_");
    return n == strlen(primary) && strncasecmp(tag, primary, n) == 0;
}

const struct gz_i18n *gz_i18n_find(const char *lang)
{
    if (!lang)
        return NULL;
    for (size_t i = 0; i < NTABLES; i++)
        if (primary_is(lang, tables[i]->lang))
            return tables[i];
    return NULL;
}

const struct gz_i18n *gz_i18n_for(const char *lang, const char *fallback)
{
    const struct gz_i18n *l = gz_i18n_find(lang);
    if (!l)
        l = gz_i18n_find(fallback);
    return l ? l : &english;
}

const char *gz_i18n_language_name(const char *lang)
{
    if (!lang)
        return "";
    const struct gz_i18n *l = gz_i18n_find(lang);
    if (l)
        return l->name;
    for (size_t i = 0; i < sizeof(more_names) / sizeof(more_names[0]); i++)
        if (primary_is(lang, more_names[i].lang))
            return more_names[i].name;
    return lang;
}

/* ---- numbers and dates ---- */

/* A short piece of text being written: dates and numbers are far shorter
 * than this, and a piece that would not fit is left out. */
struct piece {
    char p[128];
    size_t len;
};

static void put_bytes(struct piece *w, const char *s, size_t n)
{
    if (w->len + n < sizeof w->p) {
        memcpy(w->p + w->len, s, n);
        w->len += n;
    }
}

/* Appends code point c (below U+10000) as UTF-8. */
static void put_cp(struct piece *w, uint32_t c)
{
    char u[3];
    if (c < 0x80) {
        u[0] = (char)c;
        put_bytes(w, u, 1);
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | c >> 6);
        u[1] = (char)(0x80 | (c & 0x3F));
        put_bytes(w, u, 2);
    } else {
        u[0] = (char)(0xE0 | c >> 12);
        u[1] = (char)(0x80 | (c >> 6 & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        put_bytes(w, u, 3);
    }
}

static void put_str(struct piece *w, const char *s)
{
    put_bytes(w, s, strlen(s));
}

static void put_number(struct piece *w, const struct gz_i18n *l, int64_t n)
{
    char ascii[24];
    int k = snprintf(ascii, sizeof ascii, "%lld", (long long)(n < 0 ? 0 : n));
    for (int i = 0; i < k; i++)
        put_cp(w, l->zero + (uint32_t)(ascii[i] - '0'));
}

static void put_month_year(struct piece *w, const struct gz_i18n *l, int year, int month)
{
    if (month >= 1 && month <= 12) {
        put_str(w, l->months[month - 1]);
        put_str(w, " ");
    }
    put_number(w, l, year);
}

/* Copies the piece out, cut at a character boundary when out is short. */
static size_t finish(const struct piece *w, char *out, size_t len)
{
    if (len) {
        size_t n = w->len < len - 1 ? w->len : len - 1;
        while (n > 0 && n < w->len && ((unsigned char)w->p[n] & 0xC0) == 0x80)
            n--;
        memcpy(out, w->p, n);
        out[n] = '\0';
    }
    return w->len;
}

size_t gz_i18n_number(const struct gz_i18n *l, int64_t n, char *out, size_t len)
{
    struct piece w = {.len = 0};
    put_number(&w, l, n);
    return finish(&w, out, len);
}

size_t gz_i18n_month_year(const struct gz_i18n *l, int year, int month, char *out,
                          size_t len)
{
    struct piece w = {.len = 0};
    put_month_year(&w, l, year, month);
    return finish(&w, out, len);
}

size_t gz_i18n_date(const struct gz_i18n *l, int64_t when, char *out, size_t len)
{
    struct piece w = {.len = 0};
    time_t t = (time_t)when;
    struct tm tm;
    if (gmtime_r(&t, &tm)) {
        if (tm.tm_mday == 1 && l->first_day)
            put_str(&w, l->first_day);
        else
            put_number(&w, l, tm.tm_mday);
        put_str(&w, " ");
        put_month_year(&w, l, tm.tm_year + 1900, tm.tm_mon + 1);
    }
    return finish(&w, out, len);
}

/* ---- messages ---- */

/* "{1}" or "{2}" at p. */
static int is_slot(const char *p)
{
    return p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}';
}

char *gz_i18n_format(struct gz_arena *a, const struct gz_i18n *l, enum gz_msg m,
                     const char *arg1, const char *arg2)
{
    const char *msg = (unsigned)m < GZ_MSG_COUNT ? l->msgs[m] : "";
    const char *args[2] = {arg1 ? arg1 : "", arg2 ? arg2 : ""};
    size_t lens[2] = {strlen(args[0]), strlen(args[1])};
    /* Two passes: measure, then write. */
    size_t need = 1;
    for (const char *p = msg; *p;)
        if (is_slot(p)) {
            need += lens[p[1] - '1'];
            p += 3;
        } else {
            need++;
            p++;
        }
    char *out = gz_arena_alloc(a, need), *o = out;
    for (const char *p = msg; *p;) {
        if (is_slot(p)) {
            memcpy(o, args[p[1] - '1'], lens[p[1] - '1']);
            o += lens[p[1] - '1'];
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

struct gz_val *gz_i18n_values(struct gz_arena *a, const struct gz_i18n *l)
{
    struct gz_val *t = gz_val_obj(a);
    for (size_t i = 0; i < GZ_MSG_COUNT; i++)
        gz_obj_set_str(t, keys[i], l->msgs[i]);
    gz_obj_set_str(t, "lang", l->lang);
    gz_obj_set_str(t, "dir", l->rtl ? "rtl" : "ltr");
    gz_obj_set_str(t, "name", l->name);
    return t;
}
