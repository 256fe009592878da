/* Matrix products in the tool (docs/gemm.md): a network layer that is a
 * GEMM keeps its M, K, N, batch and heads so that it is printed as a
 * product and re-batched as one; the convolution it is evaluated as comes
 * from the library (ec_layer_set_gemm), the one place that mapping lives. */
#include "args.h"
#include "netcsv.h"
#include "network.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The convolution of a product, from the library; err gets its message. */
static int gemm_to_v(const net_gemm *g, int64_t v[LP_COUNT], char *err, size_t errlen)
{
    int64_t groups = g->heads, batch = g->batch;
    if (g->per_item) {
        /* Each batch item has its own B: every (item, head) is a group. */
        if (__builtin_mul_overflow(g->heads, g->batch, &groups)) {
            snprintf(err, errlen, "batch * heads = %" PRId64 " * %" PRId64 " exceeds 64 bits",
                     g->batch, g->heads);
            return -1;
        }
        batch = 1;
    }
    ec_layer *l = ec_layer_create();
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    ec_status st = ec_layer_set_gemm(l, batch, groups, g->m, g->k, g->n);
    if (st == EC_OK) st = ec_layer_check(l);
    if (st != EC_OK) {
        snprintf(err, errlen, "%s", ec_layer_message(l));
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < LP_COUNT; i++) ec_layer_get(l, (ec_layer_param)i, &v[i]);
    ec_layer_destroy(l);
    return rc;
}

int net_add_gemm(network *net, const char *name, const net_gemm *g, const char *where)
{
    int64_t v[LP_COUNT];
    char err[300];
    if (gemm_to_v(g, v, err, sizeof err) != 0) {
        tool_error("%s: %s", where, err);
        return -1;
    }
    if (net_add(net, name, v) != 0) return -1;
    net->layer[net->n - 1].gemm = *g;
    net->layer[net->n - 1].gemm.on = 1;
    return 0;
}

void net_layer_shape(const net_layer *l, int64_t P, int64_t Q, char *buf, size_t size)
{
    const net_gemm *g = &l->gemm;
    if (!g->on) {
        lp_shape(l->v, P, Q, buf, size);
        return;
    }
    int n = snprintf(buf, size, "gemm %" PRId64 "x%" PRId64 "x%" PRId64, g->m, g->k, g->n);
    if (n >= 0 && (size_t)n < size && g->heads != 1)
        n += snprintf(buf + n, size - (size_t)n, " h%" PRId64, g->heads);
    if (n >= 0 && (size_t)n < size && g->batch != 1)
        n += snprintf(buf + n, size - (size_t)n, " n%" PRId64, g->batch);
    if (n >= 0 && (size_t)n < size && g->per_item) snprintf(buf + n, size - (size_t)n, " act");
}

int64_t net_layer_batch(const net_layer *l)
{
    return l->gemm.on ? l->gemm.batch : l->v[EC_LAYER_N];
}

int net_layer_set_batch(net_layer *l, int64_t batch)
{
    if (!l->gemm.on) {
        l->v[EC_LAYER_N] = batch;
        return 0;
    }
    net_gemm g = l->gemm;
    g.batch = batch;
    char err[300];
    if (gemm_to_v(&g, l->v, err, sizeof err) != 0) {
        tool_error("layer %s at batch %" PRId64 ": %s", l->name, batch, err);
        return -1;
    }
    l->gemm = g;
    return 0;
}

int net_note(network *net, const char *line)
{
    size_t old = net->notes ? strlen(net->notes) : 0, add = strlen(line);
    char *p = realloc(net->notes, old + add + 2);
    if (!p) {
        tool_error("out of memory");
        return -1;
    }
    memcpy(p + old, line, add);
    p[old + add] = '\n';
    p[old + add + 1] = '\0';
    net->notes = p;
    return 0;
}

/* The gemm rows of a network file (docs/zoo.md): a header line starting
 * with "gemm" makes the rows after it products, until a "layer" header. */

enum { GC_NAME, GC_M, GC_K, GC_N, GC_BATCH, GC_HEADS, GC_B, GC_COUNT };
static const char *const gc_names[GC_COUNT] = {"gemm", "M", "K", "N", "batch", "heads", "B"};

int gemm_csv_line(gemm_csv *gc, const char *path, int lineno, char **field, int n, network *net)
{
    if (strcmp(field[0], "layer") == 0 && gc->ncols) {
        gc->ncols = 0;
        return GEMM_CSV_CONV_HEADER;
    }
    if (strcmp(field[0], "gemm") == 0) {
        unsigned seen = 0;
        for (int i = 0; i < n; i++) {
            int c = 0;
            while (c < GC_COUNT && strcmp(gc_names[c], field[i]) != 0) c++;
            if (c == GC_COUNT || (seen & (1u << c))) {
                tool_error("%s:%d: %s column '%s' in a gemm header (known, once each: gemm, M, K, "
                           "N, batch, heads, B)", path, lineno, c == GC_COUNT ? "unknown" : "repeated",
                           field[i]);
                return -1;
            }
            seen |= 1u << c;
            gc->col[i] = c;
        }
        for (int c = GC_M; c <= GC_N; c++) {
            if (!(seen & (1u << c))) {
                tool_error("%s:%d: the gemm header has no column '%s'", path, lineno, gc_names[c]);
                return -1;
            }
        }
        gc->ncols = n;
        return GEMM_CSV_HEADER;
    }
    if (!gc->ncols) return GEMM_CSV_NOT_MINE;
    if (n != gc->ncols) {
        tool_error("%s:%d: %d fields, the gemm header has %d", path, lineno, n, gc->ncols);
        return -1;
    }
    net_gemm g = {1, 0, 1, 1, 1, 1, 1};
    const char *name = field[0];
    char what[1200];
    for (int i = 0; i < n; i++) {
        int c = gc->col[i];
        snprintf(what, sizeof what, "%s:%d: column '%s'", path, lineno, gc_names[c]);
        if (c == GC_NAME) {
            name = field[i];
            if (!*name || strlen(name) >= sizeof net->layer[0].name) {
                tool_error("%s: the name must have 1 to %zu characters", what,
                           sizeof net->layer[0].name - 1);
                return -1;
            }
        } else if (c == GC_B) {
            if (strcmp(field[i], "weights") == 0) {
                g.per_item = 0;
            } else if (strcmp(field[i], "activation") == 0) {
                g.per_item = 1;
            } else {
                tool_error("%s: '%s' is neither 'weights' (B is shared by the batch) nor "
                           "'activation' (each batch item has its own B)", what, field[i]);
                return -1;
            }
        } else {
            int64_t *dst[GC_COUNT] = {NULL, &g.m, &g.k, &g.n, &g.batch, &g.heads, NULL};
            if (parse_int(what, field[i], 1, dst[c]) != 0) return -1;
        }
    }
    snprintf(what, sizeof what, "%s:%d", path, lineno);
    return net_add_gemm(net, name, &g, what) == 0 ? GEMM_CSV_ROW : -1;
}

