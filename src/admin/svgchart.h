/* Charts drawn on the server as inline SVG, for the readership dashboard
 * (src/admin/stats.c): they need no JavaScript, scale with the page (a
 * viewBox; the stylesheet gives them width 100%), and are accessible:
 * role="img" with a <title> (the name) and a <desc> (what they show),
 * while the page offers the same numbers as a table besides.
 *
 * The drawing has classes for the stylesheet (chart, grid, axis,
 * series-0, series-1...) and works without it: lines have a stroke and
 * text takes the page's colour (currentColor). Every text given is
 * escaped. Pure functions: safe from any thread. */
#ifndef GZ_ADMIN_SVGCHART_H
#define GZ_ADMIN_SVGCHART_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define GZ_SVGCHART_SERIES_MAX 4

/* The drawing's coordinates (viewBox 0 0 WIDTH HEIGHT). */
#define GZ_SVGCHART_WIDTH 480
#define GZ_SVGCHART_HEIGHT 220

/* One line of the chart. */
struct gz_svgchart_series {
    const char *name;      /* in the legend */
    const int64_t *values; /* one per point; negative values are drawn as 0 */
};

struct gz_svgchart {
    const char *id;            /* prefix of the <title> and <desc> ids:
                                  letters, digits, '-' and '_' only */
    const char *title;         /* the accessible name */
    const char *desc;          /* what the chart shows, in a sentence or two */
    size_t n;                  /* points on the x axis, at least 1 */
    const char *const *labels; /* n labels of the x axis; a few become ticks */
    const struct gz_svgchart_series *series;
    size_t nseries; /* 1 .. GZ_SVGCHART_SERIES_MAX */
};

/* Appends the <svg> of a line chart: a legend, a y axis from 0 with a few
 * round ticks, an x axis with up to six labelled ticks (the first and last
 * point among them), one line per series. GZ_EINVAL for a chart without
 * points, series, labels, a title or with an id of other characters;
 * GZ_ETOOBIG when out is full (out then holds part of the drawing). */
int gz_svgchart_line(const struct gz_svgchart *c, struct gz_buf *out);

/* Appends a sparkline: a small <svg> of n values (n >= 1) scaled to their
 * maximum, hidden from assistive technology (aria-hidden): whoever shows it
 * shows the numbers as text too. GZ_EINVAL when n is 0 or values NULL,
 * GZ_ETOOBIG when out is full. */
int gz_svgchart_spark(const int64_t *values, size_t n, struct gz_buf *out);

/* The step between the y axis's ticks for values up to max: 1, 2 or 5
 * times a power of ten, so that at most `ticks` steps (>= 1) reach max.
 * 1 when max <= 0. */
int64_t gz_svgchart_step(int64_t max, int ticks);

/* Writes a tick value as the axis shows it: digits up to 99,999, then
 * "120k", "1.5M" (at most 15 bytes), into out (len >= 16). */
void gz_svgchart_tick_label(int64_t v, char *out, size_t len);

#endif
