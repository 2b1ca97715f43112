/* `gazette import markdown DIR` (io/markdown.h). */
#include "io/markdown.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "content/content.h"
#include "content/slug.h"
#include "io/frontmatter.h"
#include "store/store.h"

#define FILES_MAX 1000000
#define DEPTH_MAX 32
#define FILE_MAX ((size_t)16 << 20)

struct files {
    char **paths; /* relative to the folder */
    size_t n;
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

static int collect(const char *root, const char *rel, int depth, struct files *f,
                   char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the folder", *rel ? rel : root);
        return GZ_EIO;
    }
    int rc = GZ_OK;
    struct dirent *e;
    while (rc == GZ_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden ones such as .git */
        char sub[4096], full[8192];
        struct stat st;
        if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
            (int)sizeof sub)
            continue;
        snprintf(full, sizeof full, "%s/%s", root, sub);
        if (stat(full, &st))
            continue;
        if (S_ISDIR(st.st_mode) && depth < DEPTH_MAX) {
            rc = collect(root, sub, depth + 1, f, err, errlen);
        } else if (S_ISREG(st.st_mode) &&
                   (has_suffix(e->d_name, ".md") || has_suffix(e->d_name, ".markdown"))) {
            if (f->n == FILES_MAX) {
                snprintf(err, errlen, "more than %d files", FILES_MAX);
                rc = GZ_ETOOBIG;
                break;
            }
            f->paths = gz_xrealloc(f->paths, (f->n + 1) * sizeof *f->paths);
            f->paths[f->n++] = gz_xstrdup(sub);
        }
    }
    closedir(d);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct gz_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return GZ_EIO;
    char chunk[65536];
    size_t n;
    int rc = GZ_OK;
    while (rc == GZ_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = gz_buf_append(b, chunk, n);
    if (rc == GZ_OK && ferror(f))
        rc = GZ_EIO;
    fclose(f);
    if (rc == GZ_OK && !b->p)
        gz_buf_append(b, "", 0);
    return rc;
}

/* ---- one file ---- */

/* What the file's name says: its stem (a page bundle's index.md is named
 * by its folder), and Jekyll's "YYYY-MM-DD-" date prefix, taken off. */
struct name_info {
    char stem[256];
    char date[11]; /* "" when the name has none */
};

static void name_info(const char *rel, struct name_info *ni)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t len = strcspn(base, ".");
    if ((len == 5 && !memcmp(base, "index", 5)) && base != rel) {
        const char *dir_end = base - 1, *dir = dir_end;
        while (dir > rel && dir[-1] != '/')
            dir--;
        base = dir, len = (size_t)(dir_end - dir);
    }
    ni->date[0] = '\0';
    if (len > 11 && base[4] == '-' && base[7] == '-' && base[10] == '-') {
        int64_t t;
        snprintf(ni->date, sizeof ni->date, "%.10s", base);
        if (gz_front_matter_date(ni->date, &t) == GZ_OK)
            base += 11, len -= 11;
        else
            ni->date[0] = '\0';
    }
    snprintf(ni->stem, sizeof ni->stem, "%.*s", (int)len, base);
}

struct job {
    struct gz_store *s;
    const struct gz_markdown_opts *o;
    struct gz_markdown_report *rep;
    const char *rel;
    char *err;
    size_t errlen;
};

static int fail(struct job *j, int line, const char *what)
{
    if (line > 0)
        snprintf(j->err, j->errlen, "%s:%d: %s", j->rel, line, what);
    else
        snprintf(j->err, j->errlen, "%s: %s", j->rel, what);
    return GZ_EINVAL;
}

static int set_slug(struct job *j, const struct gz_front_matter *fm,
                    const struct name_info *ni, struct gz_article *a)
{
    if (fm->slug) {
        if (!gz_slug_valid(fm->slug, strlen(fm->slug)))
            return fail(j, 0, "slug: not a valid slug (no spaces, '/', '?', '#' or '%')");
        a->slug = gz_xstrdup(fm->slug);
        return GZ_OK;
    }
    struct gz_buf b;
    gz_buf_init(&b, GZ_SLUG_MAX + 8);
    if (gz_slugify(ni->stem, strlen(ni->stem), &b) != GZ_OK) {
        gz_buf_free(&b);
        return fail(j, 0, "the file name is not valid UTF-8");
    }
    a->slug = gz_buf_take(&b);
    return GZ_OK;
}

static int set_date(struct job *j, const struct gz_front_matter *fm,
                    const struct name_info *ni, struct gz_article *a)
{
    int64_t t = j->o->now;
    if (fm->date && gz_front_matter_date(fm->date, &t) != GZ_OK)
        return fail(j, fm->date_line, "date: not a date");
    if (!fm->date && ni->date[0])
        gz_front_matter_date(ni->date, &t);
    a->status = fm->draft == 1 ? GZ_STATUS_DRAFT : GZ_STATUS_PUBLISHED;
    a->published_at = fm->draft == 1 ? 0 : t;
    a->updated_at = j->o->now;
    return GZ_OK;
}

/* A title from the file name when the front matter has none (Jekyll
 * allows that): "my-first-post" is "my first post". */
static char *title_from_name(const struct name_info *ni)
{
    char *t = gz_xstrdup(ni->stem);
    for (char *p = t; *p; p++)
        if (*p == '-' || *p == '_')
            *p = ' ';
    return t;
}

/* Fills a from the file's front matter (whose strings it takes) and body. */
static int build(struct job *j, struct gz_front_matter *fm, const char *body,
                 struct gz_article *a)
{
    struct name_info ni;
    name_info(j->rel, &ni);
    int rc = set_slug(j, fm, &ni, a);
    if (rc == GZ_OK)
        rc = set_date(j, fm, &ni, a);
    if (rc != GZ_OK)
        return rc;
    a->title = fm->title ? fm->title : title_from_name(&ni);
    a->summary = fm->summary;
    a->lang = fm->lang ? fm->lang : gz_xstrdup(j->o->lang ? j->o->lang : "en");
    a->tags = fm->tags, a->ntags = fm->ntags;
    fm->title = fm->summary = fm->lang = NULL;
    fm->tags = NULL, fm->ntags = 0;
    a->body_src = gz_xstrdup(body);
    a->body_format = GZ_FORMAT_MARKDOWN;
    if (fm->author && j->s->ops->author_ensure(j->s, fm->author, &a->author_id))
        return fail(j, 0, "author: cannot record the author");
    return GZ_OK;
}

/* The article already imported under this slug, updated in place. */
static int find_existing(struct job *j, struct gz_article *a, int *existed)
{
    struct gz_article old = {0};
    int rc = j->s->ops->article_get_by_slug(j->s, a->slug, &old);
    *existed = rc == GZ_OK;
    if (rc == GZ_OK) {
        a->id = old.id;
        if (!a->author_id)
            a->author_id = old.author_id;
        a->image = old.image, old.image = NULL;
    }
    gz_article_clear(&old);
    return rc == GZ_ENOTFOUND ? GZ_OK : rc;
}

static int import_file(struct job *j, const char *text, size_t len)
{
    struct gz_front_matter fm;
    struct gz_article a = {0};
    char msg[256];
    int line, existed = 0;
    int rc = gz_front_matter_parse(text, len, &fm, &line, msg, sizeof msg);
    if (rc != GZ_OK)
        return fail(j, line, msg);
    rc = build(j, &fm, text + fm.body, &a);
    if (rc == GZ_OK && (rc = find_existing(j, &a, &existed)) != GZ_OK)
        fail(j, 0, "reading the site failed");
    if (rc == GZ_OK && (rc = gz_content_prepare(&a, j->o->teaser_words)) != GZ_OK)
        fail(j, 0,
             rc == GZ_EINVAL ? "no title, or text that is not valid UTF-8"
                             : "cannot render the Markdown");
    if (rc == GZ_OK && (rc = j->s->ops->article_save(j->s, &a)) != GZ_OK)
        fail(j, 0, "saving the article failed");
    if (rc == GZ_OK)
        *(existed ? &j->rep->updated : &j->rep->created) += 1;
    gz_article_clear(&a);
    gz_front_matter_clear(&fm);
    return rc;
}

static int import_all(struct job *j, const char *dir, const struct files *f)
{
    int rc = GZ_OK;
    struct gz_buf text;
    for (size_t i = 0; i < f->n && rc == GZ_OK; i++) {
        j->rel = f->paths[i];
        const char *base = strrchr(j->rel, '/');
        if (!strcmp(base ? base + 1 : j->rel, "_index.md")) {
            j->rep->skipped++; /* Hugo's section page, not an article */
            continue;
        }
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, j->rel);
        gz_buf_init(&text, FILE_MAX);
        rc = read_file(path, &text);
        if (rc != GZ_OK)
            fail(j, 0, rc == GZ_ETOOBIG ? "larger than 16 MiB" : "cannot read the file");
        else if (strlen(text.p) != text.len)
            rc = fail(j, 0, "has a NUL byte: not a text file");
        else
            rc = import_file(j, text.p, text.len);
        gz_buf_free(&text);
    }
    return rc;
}

int gz_markdown_import(struct gz_store *s, const char *dir,
                       const struct gz_markdown_opts *o, struct gz_markdown_report *rep,
                       char *err, size_t errlen)
{
    struct files f = {0};
    struct job j = {s, o, rep, "", err, errlen};
    memset(rep, 0, sizeof *rep);
    int rc = collect(dir, "", 0, &f, err, errlen);
    if (rc == GZ_OK)
        qsort(f.paths, f.n, sizeof *f.paths, by_path);
    if (rc == GZ_OK && (rc = s->ops->begin(s)) != GZ_OK)
        snprintf(err, errlen, "cannot start a transaction on the site");
    else if (rc == GZ_OK) {
        rc = import_all(&j, dir, &f);
        if (rc == GZ_OK && (rc = s->ops->commit(s)) != GZ_OK)
            snprintf(err, errlen, "committing the import failed");
        else if (rc != GZ_OK)
            s->ops->rollback(s);
    }
    for (size_t i = 0; i < f.n; i++)
        free(f.paths[i]);
    free(f.paths);
    return rc;
}
