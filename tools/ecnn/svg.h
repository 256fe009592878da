/* A standalone SVG line plot with logarithmic axes, drawn by the tool
 * itself: x a power-of-two size axis (Buffer words), y a decimal axis
 * (energy); one line per series, a legend, a title and axis labels. */
#ifndef ECNN_TOOL_SVG_H
#define ECNN_TOOL_SVG_H

#include "outbuf.h"

typedef struct svg_series {
    const char *label;
    const double *y; /* one value per x; values <= 0 or not finite are gaps */
    const char *color;
    int dashed;
    double width;   /* stroke width; 0 = 2 */
    double opacity; /* 0 = 1 */
} svg_series;

typedef struct svg_plot {
    const char *title, *subtitle, *xlabel, *ylabel;
    const double *x; /* increasing, > 0 */
    int n;
    const svg_series *series;
    int nseries;
} svg_plot;

/* Writes the document into ob; -1 (message printed) if there is nothing
 * to draw (no positive value). */
int svg_write(outbuf *ob, const svg_plot *p);

#endif
