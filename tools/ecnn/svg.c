#include "svg.h"

#include "util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Geometry (pixels). */
enum { WIDTH = 800, HEIGHT = 520, LEFT = 96, RIGHT = 200, TOP = 66, BOTTOM = 70 };
#define PLOT_W (WIDTH - LEFT - RIGHT)
#define PLOT_H (HEIGHT - TOP - BOTTOM)

/* Length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
          : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 2 && s[0] < 0xC2) return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}

/* Text content or an attribute value: escaped, control characters dropped,
 * invalid UTF-8 replaced by '?', so that the document stays well-formed. */
static void text_escaped(outbuf *ob, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        int n = utf8_len(s);
        if (n == 0) {
            ob_putc(ob, '?');
            s++;
            continue;
        }
        if (n > 1) {
            ob_write(ob, (const char *)s, (size_t)n);
            s += n;
            continue;
        }
        switch (*s) {
        case '<': ob_puts(ob, "&lt;"); break;
        case '>': ob_puts(ob, "&gt;"); break;
        case '&': ob_puts(ob, "&amp;"); break;
        case '"': ob_puts(ob, "&quot;"); break;
        case '\'': ob_puts(ob, "&apos;"); break;
        default:
            if (*s >= 0x20 || *s == '\t') ob_putc(ob, (char)*s);
        }
        s++;
    }
}

static int usable(double v) { return isfinite(v) && v > 0; }

/* "1Ki", "512", "4Mi", "1Gi": the size a power-of-two axis shows. */
static void size_label(char *buf, size_t size, double v)
{
    static const char *const suffix[] = {"", "Ki", "Mi", "Gi", "Ti"};
    int k = 0;
    while (k < 4 && v >= 1024 && fmod(v, 1024) == 0) {
        v /= 1024;
        k++;
    }
    snprintf(buf, size, "%.0f%s", v, suffix[k]);
}

typedef struct axis {
    double lo, hi; /* in log units (log2 for x, log10 for y) */
} axis;

static double px_x(const axis *a, double v)
{
    return LEFT + (log2(v) - a->lo) / (a->hi - a->lo) * PLOT_W;
}

static double px_y(const axis *a, double v)
{
    return TOP + PLOT_H - (log10(v) - a->lo) / (a->hi - a->lo) * PLOT_H;
}

/* A y tick at pixel y: a grid line, a tick mark and, if labelled, the
 * label "m×10^e" with the exponent raised (plain digits for e in 0..3). */
static void y_tick(outbuf *ob, double y, int labelled, double m, int e, int decimals)
{
    ob_printf(ob, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"%s\"/>\n", LEFT, y,
              LEFT + PLOT_W, y, labelled ? "grid" : "minor");
    ob_printf(ob, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
              LEFT - (labelled ? 6 : 3), y, LEFT, y);
    if (!labelled) return;
    ob_printf(ob, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"tick\">", LEFT - 9, y + 4);
    if (e >= 0 && e <= 3) {
        ob_printf(ob, "%.*f", decimals > e ? decimals - e : 0, m * pow(10, e));
    } else {
        if (decimals > 0 || fabs(m - 1) > 1e-12) ob_printf(ob, "%.*f\xc3\x97", decimals, m); /* U+00D7 */
        ob_printf(ob, "10<tspan dy=\"-6\" font-size=\"9\">%d</tspan>", e);
    }
    ob_puts(ob, "</text>\n");
}

int svg_write(outbuf *ob, const svg_plot *p)
{
    double ymin = INFINITY, ymax = -INFINITY;
    for (int s = 0; s < p->nseries; s++)
        for (int i = 0; i < p->n; i++)
            if (usable(p->series[s].y[i])) {
                ymin = fmin(ymin, p->series[s].y[i]);
                ymax = fmax(ymax, p->series[s].y[i]);
            }
    if (p->n < 1 || !(ymin <= ymax) || !usable(p->x[0])) {
        tool_error("--svg: nothing to plot (no positive energy)");
        return -1;
    }
    axis ax = {log2(p->x[0]), log2(p->x[p->n - 1])};
    if (ax.hi - ax.lo < 1) {
        ax.lo -= 0.5;
        ax.hi += 0.5;
    }
    double pad = (ax.hi - ax.lo) * 0.04;
    ax.lo -= pad;
    ax.hi += pad;
    axis ay = {log10(ymin), log10(ymax)};
    double span = ay.hi - ay.lo;
    if (span < 0.3) {
        double mid = (ay.hi + ay.lo) / 2;
        ay.lo = mid - 0.15;
        ay.hi = mid + 0.15;
        span = 0.3;
    }
    ay.lo -= span * 0.06;
    ay.hi += span * 0.06;
    span = ay.hi - ay.lo;

    ob_puts(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    ob_printf(ob,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
              "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\">\n",
              WIDTH, HEIGHT, WIDTH, HEIGHT);
    ob_puts(ob, "<title>");
    text_escaped(ob, p->title);
    ob_puts(ob, "</title>\n<style>\n"
                "  .tick { font-size: 11px; fill: #333; }\n"
                "  .label { font-size: 13px; fill: #111; }\n"
                "  .grid { stroke: #ddd; stroke-width: 1; }\n"
                "  .minor { stroke: #eee; stroke-width: 1; }\n"
                "</style>\n");
    ob_printf(ob, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, HEIGHT);
    /* The title is centred and shrunk to fit (about 0.6 em a character). */
    double size = fmin(16, (WIDTH - 24) / (0.62 * (double)strlen(p->title)));
    ob_printf(ob, "<text x=\"%d\" y=\"26\" text-anchor=\"middle\" font-size=\"%.1f\" "
                  "font-weight=\"bold\">", WIDTH / 2, size);
    text_escaped(ob, p->title);
    ob_puts(ob, "</text>\n");
    if (p->subtitle && *p->subtitle) {
        ob_printf(ob, "<text x=\"%d\" y=\"46\" text-anchor=\"middle\" font-size=\"11\" "
                      "fill=\"#444\">", WIDTH / 2);
        text_escaped(ob, p->subtitle);
        ob_puts(ob, "</text>\n");
    }

    /* y grid, ticks and labels. */
    if (span >= 1) {
        /* Decades, and 2x and 5x labelled too when the range is short. */
        int step_all = span <= 3.5;
        for (int e = (int)floor(ay.lo); e <= (int)ceil(ay.hi); e++) {
            for (int m = 1; m <= 9; m++) {
                double v = m * pow(10, e), lv = log10(v);
                if (lv < ay.lo || lv > ay.hi) continue;
                int labelled = m == 1 || (step_all && (m == 2 || m == 5));
                if (!labelled && span > 6) continue;
                y_tick(ob, px_y(&ay, v), labelled, m, e, 0);
            }
        }
    } else {
        /* Less than a decade: evenly spaced values, 1-2-5 steps. */
        double vlo = pow(10, ay.lo), vhi = pow(10, ay.hi), range = vhi - vlo;
        double base = pow(10, floor(log10(range / 4))), step = base; /* range/base in [4, 40) */
        static const double mult[4] = {1, 2, 5, 10};
        for (int i = 0; i < 4; i++) {
            step = base * mult[i];
            if (range / step <= 7) break;
        }
        int e = (int)floor(log10(vhi));
        int decimals = (int)fmax(0, ceil(-log10(step / pow(10, e)) - 1e-9));
        for (double k = ceil(vlo / step); k * step <= vhi; k++)
            y_tick(ob, px_y(&ay, k * step), 1, k * step / pow(10, e), e, decimals);
    }
    /* x grid, ticks and labels at the points (every other one when crowded). */
    int every = p->n > 12 ? 2 : 1;
    for (int i = 0; i < p->n; i++) {
        double x = px_x(&ax, p->x[i]);
        ob_printf(ob, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>\n", x, TOP,
                  x, TOP + PLOT_H);
        ob_printf(ob, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", x,
                  TOP + PLOT_H, x, TOP + PLOT_H + 6);
        if ((p->n - 1 - i) % every == 0) {
            char buf[32];
            size_label(buf, sizeof buf, p->x[i]);
            ob_printf(ob, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>\n",
                      x, TOP + PLOT_H + 20, buf);
        }
    }
    ob_printf(ob, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                  "stroke=\"#333\"/>\n", LEFT, TOP, PLOT_W, PLOT_H);
    ob_printf(ob, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"label\">", LEFT + PLOT_W / 2,
              HEIGHT - 22);
    text_escaped(ob, p->xlabel);
    ob_puts(ob, "</text>\n");
    ob_printf(ob, "<text x=\"22\" y=\"%d\" text-anchor=\"middle\" class=\"label\" "
                  "transform=\"rotate(-90 22 %d)\">", TOP + PLOT_H / 2, TOP + PLOT_H / 2);
    text_escaped(ob, p->ylabel);
    ob_puts(ob, "</text>\n");

    /* The series: a polyline per run of usable points, markers on lines. */
    for (int s = 0; s < p->nseries; s++) {
        const svg_series *se = &p->series[s];
        double width = se->width > 0 ? se->width : 2, opacity = se->opacity > 0 ? se->opacity : 1;
        ob_printf(ob, "<g stroke=\"%s\" fill=\"none\" stroke-width=\"%.1f\" opacity=\"%.2f\"%s>\n",
                  se->color, width, opacity, se->dashed ? " stroke-dasharray=\"7,4\"" : "");
        int i = 0;
        while (i < p->n) {
            while (i < p->n && !usable(se->y[i])) i++;
            if (i == p->n) break;
            ob_puts(ob, "  <polyline points=\"");
            int first = 1;
            for (; i < p->n && usable(se->y[i]); i++, first = 0)
                ob_printf(ob, "%s%.1f,%.1f", first ? "" : " ", px_x(&ax, p->x[i]), px_y(&ay, se->y[i]));
            ob_puts(ob, "\"/>\n");
        }
        if (!se->dashed)
            for (i = 0; i < p->n; i++)
                if (usable(se->y[i]))
                    ob_printf(ob, "  <circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n",
                              px_x(&ax, p->x[i]), px_y(&ay, se->y[i]), 1.5 + width / 2, se->color);
        ob_puts(ob, "</g>\n");
    }

    /* The legend, right of the plot. */
    int lx = LEFT + PLOT_W + 18, ly = TOP + 8;
    ob_printf(ob, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" "
                  "stroke=\"#999\"/>\n", lx - 8, ly - 4, RIGHT - 28, 22 * p->nseries + 8);
    for (int s = 0; s < p->nseries; s++) {
        const svg_series *se = &p->series[s];
        int y = ly + 22 * s + 10;
        double width = se->width > 0 ? se->width : 2, opacity = se->opacity > 0 ? se->opacity : 1;
        ob_printf(ob, "<g opacity=\"%.2f\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke=\"%s\" stroke-width=\"%.1f\"%s/>", opacity, lx, y, lx + 28, y,
                  se->color, width, se->dashed ? " stroke-dasharray=\"7,4\"" : "");
        if (!se->dashed)
            ob_printf(ob, "<circle cx=\"%d\" cy=\"%d\" r=\"%.1f\" fill=\"%s\"/>", lx + 14, y,
                      1.5 + width / 2, se->color);
        ob_puts(ob, "</g>\n");
        ob_printf(ob, "<text x=\"%d\" y=\"%d\" class=\"label\">", lx + 36, y + 4);
        text_escaped(ob, se->label);
        ob_puts(ob, "</text>\n");
    }
    ob_puts(ob, "</svg>\n");
    return 0;
}
