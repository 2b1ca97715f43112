/* Line charts and sparklines as inline SVG (svgchart.h). */
#include "admin/svgchart.h"

#include <stdio.h>
#include <string.h>

/* The plot area inside the drawing: room on the left for the y labels, at
 * the top for the legend, at the bottom for the x labels. */
#define LEFT 46.0
#define RIGHT (GZ_SVGCHART_WIDTH - 10.0)
#define TOP 30.0
#define BOTTOM (GZ_SVGCHART_HEIGHT - 26.0)
#define Y_TICKS 4
#define X_TICKS 6
/* Up to this many points each gets a dot, so a short period reads point
 * by point; more would only blur the line. */
#define DOTS_MAX 40

/* Each series' dash pattern, so the lines differ without colour too. */
static const char *const dashes[GZ_SVGCHART_SERIES_MAX] = {"none", "6 3", "2 3",
                                                           "8 3 2 3"};

#define SPARK_W 100.0
#define SPARK_H 24.0

static int64_t ceil_div(int64_t a, int64_t b)
{
    return a / b + (a % b != 0);
}

int64_t gz_svgchart_step(int64_t max, int ticks)
{
    if (max <= 0 || ticks < 1)
        return 1;
    int64_t pow10 = 1;
    for (;;) {
        static const int mult[] = {1, 2, 5};
        for (size_t i = 0; i < GZ_COUNTOF(mult); i++) {
            int64_t step = mult[i] * pow10;
            if (ceil_div(max, step) <= ticks)
                return step;
        }
        if (pow10 > INT64_MAX / 10)
            return pow10;
        pow10 *= 10;
    }
}

void gz_svgchart_tick_label(int64_t v, char *out, size_t len)
{
    if (v >= 1000000) {
        if (v % 1000000 == 0)
            snprintf(out, len, "%lldM", (long long)(v / 1000000));
        else
            snprintf(out, len, "%.1fM", (double)v / 1e6);
    } else if (v >= 100000) {
        snprintf(out, len, "%lldk", (long long)(v / 1000));
    } else {
        snprintf(out, len, "%lld", (long long)v);
    }
}

static int id_ok(const char *id)
{
    if (!id || !id[0])
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static int put_text(struct gz_buf *out, const char *s)
{
    return gz_buf_put_html(out, s ? s : "", s ? strlen(s) : 0);
}

static double x_of(size_t i, size_t n)
{
    if (n < 2)
        return (LEFT + RIGHT) / 2;
    return LEFT + (RIGHT - LEFT) * (double)i / (double)(n - 1);
}

static double y_of(int64_t v, int64_t top)
{
    if (v < 0)
        v = 0;
    return BOTTOM - (BOTTOM - TOP) * (double)v / (double)top;
}

static int64_t series_max(const struct gz_svgchart *c)
{
    int64_t max = 0;
    for (size_t s = 0; s < c->nseries; s++)
        for (size_t i = 0; i < c->n; i++)
            if (c->series[s].values[i] > max)
                max = c->series[s].values[i];
    return max;
}

/* The legend, in a row above the plot: a short line of each series' style
 * and its name. */
static int legend(const struct gz_svgchart *c, struct gz_buf *out)
{
    int rc = GZ_OK;
    for (size_t s = 0; s < c->nseries && rc == GZ_OK; s++) {
        double x = LEFT + 150.0 * (double)s;
        rc = gz_buf_printf(
            out,
            "<g class=\"series-%zu\"><line x1=\"%.1f\" y1=\"12\" x2=\"%.1f\" "
            "y2=\"12\" stroke=\"currentColor\" stroke-width=\"2.5\" "
            "stroke-dasharray=\"%s\"/></g><text x=\"%.1f\" y=\"16\">",
            s, x, x + 22, dashes[s], x + 28);
        if (rc == GZ_OK)
            rc = put_text(out, c->series[s].name);
        if (rc == GZ_OK)
            rc = gz_buf_puts(out, "</text>");
    }
    return rc;
}

/* Horizontal grid lines with their values, from 0 to top. */
static int y_axis(struct gz_buf *out, int64_t top, int64_t step)
{
    int rc = gz_buf_printf(out,
                           "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"currentColor\"/>",
                           LEFT, TOP, LEFT, BOTTOM);
    for (int64_t v = 0; v <= top && rc == GZ_OK; v += step) {
        char label[16];
        double y = y_of(v, top);
        gz_svgchart_tick_label(v, label, sizeof label);
        rc = gz_buf_printf(out,
                           "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                           LEFT, y, RIGHT, y, LEFT - 6, y + 4, label);
    }
    return rc;
}

/* The x axis with up to X_TICKS labelled ticks, evenly spread, the first
 * and the last point among them. */
static int x_axis(const struct gz_svgchart *c, struct gz_buf *out)
{
    int rc = gz_buf_printf(out,
                           "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"currentColor\"/>",
                           LEFT, BOTTOM, RIGHT, BOTTOM);
    size_t ticks = c->n < X_TICKS ? c->n : X_TICKS;
    size_t last = (size_t)-1;
    for (size_t k = 0; k < ticks && rc == GZ_OK; k++) {
        size_t i = ticks < 2 ? 0 : (k * (c->n - 1) + (ticks - 1) / 2) / (ticks - 1);
        if (i == last)
            continue;
        last = i;
        double x = x_of(i, c->n);
        const char *anchor = c->n < 2         ? "middle"
                             : k == 0         ? "start"
                             : k == ticks - 1 ? "end"
                                              : "middle";
        rc = gz_buf_printf(out,
                           "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"currentColor\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
                           x, BOTTOM, x, BOTTOM + 4, x, BOTTOM + 18, anchor);
        if (rc == GZ_OK)
            rc = put_text(out, c->labels[i]);
        if (rc == GZ_OK)
            rc = gz_buf_puts(out, "</text>");
    }
    return rc;
}

static int one_series(const struct gz_svgchart *c, size_t s, int64_t top,
                      struct gz_buf *out)
{
    const int64_t *v = c->series[s].values;
    int rc = gz_buf_printf(out,
                           "<g class=\"series-%zu\"><polyline fill=\"none\" "
                           "stroke=\"currentColor\" stroke-width=\"2\" "
                           "stroke-dasharray=\"%s\" stroke-linejoin=\"round\" points=\"",
                           s, dashes[s]);
    for (size_t i = 0; i < c->n && rc == GZ_OK; i++)
        rc = gz_buf_printf(out, "%s%.1f,%.1f", i ? " " : "", x_of(i, c->n),
                           y_of(v[i], top));
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, "\"/>");
    for (size_t i = 0; c->n <= DOTS_MAX && i < c->n && rc == GZ_OK; i++)
        rc = gz_buf_printf(
            out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"currentColor\"/>",
            x_of(i, c->n), y_of(v[i], top));
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, "</g>");
    return rc;
}

static int chart_ok(const struct gz_svgchart *c)
{
    if (!c || !c->n || !c->labels || !c->series || !c->nseries || !c->title ||
        c->nseries > GZ_SVGCHART_SERIES_MAX || !id_ok(c->id))
        return 0;
    for (size_t s = 0; s < c->nseries; s++)
        if (!c->series[s].values)
            return 0;
    return 1;
}

int gz_svgchart_line(const struct gz_svgchart *c, struct gz_buf *out)
{
    if (!chart_ok(c))
        return GZ_EINVAL;
    int64_t max = series_max(c);
    if (max > INT64_MAX / 16) /* far above any count; the axis's top cannot overflow */
        max = INT64_MAX / 16;
    int64_t step = gz_svgchart_step(max, Y_TICKS);
    int64_t top = max <= 0 ? step : ceil_div(max, step) * step;
    int rc =
        gz_buf_printf(out,
                      "<svg class=\"chart\" role=\"img\" aria-labelledby=\"%s-title\" "
                      "aria-describedby=\"%s-desc\" viewBox=\"0 0 %d %d\" "
                      "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\" "
                      "fill=\"currentColor\"><title id=\"%s-title\">",
                      c->id, c->id, GZ_SVGCHART_WIDTH, GZ_SVGCHART_HEIGHT, c->id);
    if (rc == GZ_OK)
        rc = put_text(out, c->title);
    if (rc == GZ_OK)
        rc = gz_buf_printf(out, "</title><desc id=\"%s-desc\">", c->id);
    if (rc == GZ_OK)
        rc = put_text(out, c->desc);
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, "</desc>");
    if (rc == GZ_OK)
        rc = legend(c, out);
    if (rc == GZ_OK)
        rc = y_axis(out, top, step);
    if (rc == GZ_OK)
        rc = x_axis(c, out);
    for (size_t s = 0; s < c->nseries && rc == GZ_OK; s++)
        rc = one_series(c, s, top, out);
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, "</svg>");
    return rc;
}

int gz_svgchart_spark(const int64_t *values, size_t n, struct gz_buf *out)
{
    if (!values || !n)
        return GZ_EINVAL;
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] > max)
            max = values[i];
    int rc =
        gz_buf_printf(out,
                      "<svg class=\"spark\" aria-hidden=\"true\" focusable=\"false\" "
                      "viewBox=\"0 0 %.0f %.0f\" preserveAspectRatio=\"none\" "
                      "xmlns=\"http://www.w3.org/2000/svg\"><polyline fill=\"none\" "
                      "stroke=\"currentColor\" stroke-width=\"1.5\" "
                      "vector-effect=\"non-scaling-stroke\" points=\"",
                      SPARK_W, SPARK_H);
    for (size_t i = 0; i < n && rc == GZ_OK; i++) {
        double x = n < 2 ? SPARK_W / 2 : SPARK_W * (double)i / (double)(n - 1);
        int64_t v = values[i] < 0 ? 0 : values[i];
        /* a pixel of margin, so a line at 0 or at the top is not cut */
        double y =
            max ? (SPARK_H - 1) - (SPARK_H - 2) * (double)v / (double)max : SPARK_H - 1;
        rc = gz_buf_printf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
    }
    if (rc == GZ_OK)
        rc = gz_buf_puts(out, "\"/></svg>");
    return rc;
}
