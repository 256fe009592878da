#include "netcsv.h"

#include "args.h"
#include "textfile.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns: the layer name, then parameters; a combined column sets several. */
enum { COL_LAYER = -1 };
static const struct {
    const char *name;
    int keys[4];
    int nkeys;
} columns[] = {
    {"layer", {COL_LAYER}, 1},
    {"N", {EC_LAYER_N}, 1},
    {"C", {EC_LAYER_C}, 1},
    {"K", {EC_LAYER_K}, 1},
    {"G", {EC_LAYER_G}, 1},
    {"H", {EC_LAYER_H}, 1},
    {"W", {EC_LAYER_W}, 1},
    {"R", {EC_LAYER_R}, 1},
    {"S", {EC_LAYER_S}, 1},
    {"stride", {EC_LAYER_STRIDE_H, EC_LAYER_STRIDE_W}, 2},
    {"stride_h", {EC_LAYER_STRIDE_H}, 1},
    {"stride_w", {EC_LAYER_STRIDE_W}, 1},
    {"dilation", {EC_LAYER_DILATION_H, EC_LAYER_DILATION_W}, 2},
    {"dilation_h", {EC_LAYER_DILATION_H}, 1},
    {"dilation_w", {EC_LAYER_DILATION_W}, 1},
    {"pad", {EC_LAYER_PAD_TOP, EC_LAYER_PAD_BOTTOM, EC_LAYER_PAD_LEFT, EC_LAYER_PAD_RIGHT}, 4},
    {"pad_top", {EC_LAYER_PAD_TOP}, 1},
    {"pad_bottom", {EC_LAYER_PAD_BOTTOM}, 1},
    {"pad_left", {EC_LAYER_PAD_LEFT}, 1},
    {"pad_right", {EC_LAYER_PAD_RIGHT}, 1},
};
#define NCOLUMNS ((int)(sizeof columns / sizeof columns[0]))
#define MAX_FIELDS 32

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* Splits at commas in place; -1 if there are too many fields or a quote. */
static int split(char *line, char **field)
{
    int n = 0;
    for (char *p = line;;) {
        if (n == MAX_FIELDS) return -1;
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        field[n++] = trim(p);
        if (strchr(field[n - 1], '"')) return -1;
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

static void metadata(network *net, const char *text)
{
    const char *colon = strchr(text, ':');
    if (!colon) return;
    char key[32];
    size_t n = (size_t)(colon - text);
    if (n >= sizeof key) return;
    memcpy(key, text, n);
    key[n] = '\0';
    char *k = trim(key);
    const char *value = colon + 1;
    while (isspace((unsigned char)*value)) value++;
    if (str_ieq(k, "title")) str_copy(net->title, sizeof net->title, value);
    else if (str_ieq(k, "source")) str_copy(net->source, sizeof net->source, value);
}

int netcsv_read(const char *path, network *net)
{
    textfile tf;
    if (tf_open(&tf, path) != 0) return -1;
    return netcsv_parse(&tf, net);
}

int netcsv_parse(struct textfile *tf_in, network *net)
{
    textfile tf = *tf_in;
    const char *path = tf.path;
    char *line;
    int lineno = 0, ncols = 0, rc = -1, rows = 0;
    int col_of[MAX_FIELDS]; /* header field -> columns[] index */
    char what[1200];
    gemm_csv gc = {0, {0}};
    while (tf_line(&tf, &line) == 1) {
        lineno = tf.lineno;
        char *s = trim(line);
        if (*s == '#') {
            metadata(net, trim(s + 1));
            continue;
        }
        if (!*s) continue;
        char *field[MAX_FIELDS];
        int n = split(s, field);
        if (n < 0) {
            tool_error("%s:%d: more than %d fields or a quote: not a network file", path, lineno,
                       MAX_FIELDS);
            goto out;
        }
        int g = gemm_csv_line(&gc, path, lineno, field, n, net);
        if (g < 0) goto out;
        if (g == GEMM_CSV_ROW) rows++;
        if (g == GEMM_CSV_CONV_HEADER) ncols = 0;
        else if (g != GEMM_CSV_NOT_MINE) continue;
        if (!ncols) { /* the header */
            unsigned seen = 0;
            for (int i = 0; i < n; i++) {
                int c = 0;
                while (c < NCOLUMNS && strcmp(columns[c].name, field[i]) != 0) c++;
                if (c == NCOLUMNS) {
                    tool_error("%s:%d: unknown column '%s' (known: layer, N, C, K, G, H, W, R, S, "
                               "stride[_h|_w], dilation[_h|_w], pad[_top|_bottom|_left|_right])",
                               path, lineno, field[i]);
                    goto out;
                }
                for (int k = 0; k < columns[c].nkeys; k++) {
                    int key = columns[c].keys[k];
                    unsigned bit = key == COL_LAYER ? 1u << 31 : 1u << key;
                    if (seen & bit) {
                        tool_error("%s:%d: column '%s' repeats a parameter given by another column",
                                   path, lineno, field[i]);
                        goto out;
                    }
                    seen |= bit;
                }
                col_of[i] = c;
            }
            const char *required[] = {"layer", "C", "K"};
            unsigned need[] = {1u << 31, 1u << EC_LAYER_C, 1u << EC_LAYER_K};
            for (int r = 0; r < 3; r++) {
                if (!(seen & need[r])) {
                    tool_error("%s:%d: the header has no column '%s'", path, lineno, required[r]);
                    goto out;
                }
            }
            ncols = n;
            continue;
        }
        if (n != ncols) {
            tool_error("%s:%d: %d fields, the header has %d", path, lineno, n, ncols);
            goto out;
        }
        int64_t v[LP_COUNT];
        lp_defaults(v);
        const char *name = NULL;
        for (int i = 0; i < n; i++) {
            int c = col_of[i];
            if (columns[c].keys[0] == COL_LAYER) {
                name = field[i];
                if (!*name || strlen(name) >= sizeof net->layer[0].name) {
                    tool_error("%s:%d: column 'layer': the name must have 1 to %zu characters",
                               path, lineno, sizeof net->layer[0].name - 1);
                    goto out;
                }
                continue;
            }
            int64_t x;
            snprintf(what, sizeof what, "%s:%d: column '%s'", path, lineno, columns[c].name);
            int64_t min = columns[c].keys[0] >= EC_LAYER_PAD_TOP ? 0 : 1;
            if (parse_int(what, field[i], min, &x) != 0) goto out;
            for (int k = 0; k < columns[c].nkeys; k++) v[columns[c].keys[k]] = x;
        }
        if (net_add(net, name, v) != 0) goto out;
        rows++;
    }
    if (!rows) {
        tool_error("%s: no layers (a header line and at least one row are needed)", path);
        goto out;
    }
    rc = 0;
out:
    tf_close(&tf);
    return rc;
}
