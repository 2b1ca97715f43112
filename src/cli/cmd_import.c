/* gazette import wxr|json|markdown: moving a site in. One table of
 * subcommands (like main.c's); wxr is here, the others in their files. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/wxr.h"
#include "store/store.h"

static const char wxr_usage[] = "gazette import wxr FILE... [--dry-run] [--media DIR]";

/* Most export files one run takes. */
#define WXR_FILES_MAX 64

/* The progress line on a terminal: items, MB/s and ETA, redrawn with \r
 * at most every 100 ms; plain lines (one per file) elsewhere. */
struct progress {
    int tty;
    const char *const *files;
    size_t items, file;
    double start, last;
    int printed_file; /* plain mode: the file whose line was printed, + 1 */
};

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void draw(struct progress *p, uint64_t done, uint64_t total)
{
    double t = now_s();
    if (t - p->last < 0.1)
        return;
    p->last = t;
    double mbs = (double)done / (1 << 20) / (t - p->start > 0 ? t - p->start : 1e-9);
    double eta =
        done && total > done ? (t - p->start) * (double)(total - done) / (double)done : 0;
    int pct = total ? (int)(100.0 * (double)done / (double)total) : 0;
    fprintf(stderr, "\r%3d%%  %zu items  %.1f MB/s  ETA %.0fs   ", pct, p->items, mbs,
            eta);
    fflush(stderr);
}

static void on_progress(void *ctx, size_t file, uint64_t done, uint64_t total,
                        size_t items)
{
    struct progress *p = ctx;
    p->items += items;
    if (!p->tty) {
        if (p->printed_file != (int)file + 1) {
            p->printed_file = (int)file + 1;
            fprintf(stderr, "reading %s\n", p->files[file]);
        }
        return;
    }
    p->file = file;
    if (total)
        draw(p, done, total);
}

static void print_report(const struct gz_wxr_report *r, int dry_run, int media)
{
    printf("%s%zu imported (%zu posts, %zu pages), %zu updated, %zu skipped\n",
           dry_run ? "dry run, nothing written: " : "", r->posts + r->pages, r->posts,
           r->pages, r->updated, r->skipped);
    printf("%zu authors, %zu tags, %zu attachments recorded, %zu redirects, "
           "%zu shortcodes dropped\n",
           r->authors, r->tags, r->attachments, r->redirects, r->shortcodes_dropped);
    for (size_t i = 0; i < r->nreasons; i++)
        printf("skipped: %zu %s\n", r->reasons[i].count, r->reasons[i].reason);
    if (media)
        printf("media: %zu imported, %zu reused, %zu skipped\n", r->media_imported,
               r->media_reused, r->media_skipped);
    for (size_t i = 0; i < r->nmedia_reasons; i++)
        printf("media skipped: %zu %s\n", r->media_reasons[i].count,
               r->media_reasons[i].reason);
    for (size_t i = 0; i < r->nnotes; i++)
        printf("note: %s\n", r->notes[i]);
    if (r->notes_total > r->nnotes)
        printf("note: ... and %zu more\n", r->notes_total - r->nnotes);
}

static int run_wxr(const struct gz_config *cfg, const char **files, size_t n, int dry_run,
                   const char *media)
{
    struct gz_store *st = NULL;
    if (gz_cli_open_store(cfg, &st))
        return GZ_EXIT_FAIL;
    struct progress p = {.tty = isatty(STDERR_FILENO), .files = files, .start = now_s()};
    struct gz_wxr_options o = {.dry_run = dry_run,
                               .media_dir = media,
                               .cfg = cfg,
                               .progress = on_progress,
                               .ctx = &p};
    struct gz_wxr_report rep;
    struct gz_wxr_error err;
    size_t bad;
    int rc = gz_wxr_import(st, (const char *const *)files, n, &o, &rep, &bad, &err);
    if (p.tty)
        fprintf(stderr, "\r%60s\r", "");
    gz_store_close(st);
    if (rc) {
        fprintf(stderr, "%s:%d:%d: %s\n", files[bad], err.line, err.column, err.reason);
        fprintf(stderr, "gazette: import refused; nothing was written\n");
        return GZ_EXIT_FAIL;
    }
    print_report(&rep, dry_run, media != NULL);
    return GZ_EXIT_OK;
}

static int import_wxr(int argc, char **argv)
{
    struct gz_opt opts[] = {
        GZ_CLI_SITE_OPTS,
        GZ_OPT("dry-run", 0,
               "read and check everything, print the report, write nothing"),
        GZ_OPT("media", 1,
               "a copy of wp-content/uploads: its images go into the media library"),
    };
    size_t nopts = GZ_COUNTOF(opts), npos;
    const char *pos[WXR_FILES_MAX];
    int rc = gz_cli_parse(argc, argv, wxr_usage, opts, nopts, pos, WXR_FILES_MAX, &npos);
    if (rc)
        return rc > 0 ? GZ_EXIT_OK : GZ_EXIT_USAGE;
    if (npos == 0) {
        fprintf(stderr, "gazette: import wxr needs a file\nusage: %s\n", wxr_usage);
        return GZ_EXIT_USAGE;
    }
    const char *media = gz_cli_opt(opts, nopts, "media");
    struct stat sb;
    if (media && (stat(media, &sb) || !S_ISDIR(sb.st_mode))) {
        fprintf(stderr, "gazette: --media %s: not a folder\n", media);
        return GZ_EXIT_USAGE;
    }
    struct gz_config cfg;
    if (gz_cli_config(&cfg, opts, nopts))
        return GZ_EXIT_USAGE;
    rc = run_wxr(&cfg, pos, npos, gz_cli_opt(opts, nopts, "dry-run") != NULL, media);
    gz_config_clear(&cfg);
    return rc;
}

int gz_cmd_import(int argc, char **argv)
{
    static const struct gz_cli_sub importers[] = {
        {"wxr", import_wxr, "a WordPress export (WXR 1.0-1.2)"},
        {"json", gz_cmd_import_json, "a gazette JSON export"},
        {"markdown", gz_cmd_import_markdown,
         "a folder of Markdown files with front matter"},
    };
    return gz_cli_run_sub("import", importers, GZ_COUNTOF(importers), NULL, argc, argv);
}
