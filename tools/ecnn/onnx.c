/* ONNX import (docs/onnx.md): the model is decoded by protobuf-c from C
 * generated at build time from onnx.proto; this file walks the graph,
 * propagates tensor shapes through the operators of docs/onnx.md and turns
 * every Conv, Gemm and MatMul node into a layer (a GEMM as docs/gemm.md
 * maps it). Weights are never read: only the dims of initializers, and the
 * values of small integer tensors that are shapes (Reshape's, Slice's);
 * large tensors reach protobuf-c without their payload (onnx_strip.c). */
#include "onnx.h"
#include "onnx_strip.h"

#include "util.h"

#include "onnx.pb-c.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define MAXRANK 8
#define MAXVALS 16                     /* integer values kept per tensor */
#define DIM_MAX ((int64_t)INT32_MAX)   /* larger dimensions are refused */
#define ELEMS_MAX ((int64_t)1 << 48)   /* and tensors of more elements */

enum { V_ABSENT, V_KNOWN, V_SKIPPED };

typedef struct oval {
    const char *name;
    int state;     /* V_* */
    int rank;      /* -1: the model gives no shape */
    int64_t d[MAXRANK];
    unsigned char batch[MAXRANK]; /* the dimension is the batch */
    int is_const;  /* an initializer or a Constant: a fixed operand */
    int nval;      /* number of known integer values, -1 none */
    int64_t val[MAXVALS];
    int producer;  /* node index, -1 for graph inputs and initializers */
    const Onnx__ValueInfoProto *declared; /* value_info or graph output */
} oval;

typedef struct olayer {
    size_t node;
    int is_gemm;
    int64_t v[LP_COUNT];
    net_gemm g;
} olayer;

typedef struct octx {
    const char *label;
    const onnx_opts *o;
    const Onnx__GraphProto *g;
    oval *val;
    size_t nval, cap;
    size_t *hash; /* open addressing: index + 1, 0 empty */
    size_t hcap;
    olayer *layer;
    size_t nlayer;
    int symbolic_batch;
    char err[768];
    network *net;
    size_t idx; /* the node being processed */
} octx;

static const onnx_opts default_opts;

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static const char *node_name(const Onnx__NodeProto *n)
{
    if (n->name && *n->name) return n->name;
    if (n->n_output && n->output[0] && *n->output[0]) return n->output[0];
    return "(unnamed)";
}

static int fail(octx *c, const Onnx__NodeProto *n, const char *fmt, ...) TOOL_PRINTF(3, 4);
static int fail(octx *c, const Onnx__NodeProto *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        snprintf(c->err, sizeof c->err, "node '%s' (%s): %s", node_name(n),
                 n->op_type ? n->op_type : "?", msg);
    else
        snprintf(c->err, sizeof c->err, "%s", msg);
    return -1;
}

static void shape_str(const oval *v, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (v->rank < 0) {
        snprintf(buf, size, "(no shape)");
        return;
    }
    len += (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < v->rank && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%" PRId64, i ? ", " : "", v->d[i]);
    if (len < size) snprintf(buf + len, size - len, "]");
}

/* ------------------------------------------------------------------ */
/* The table of values                                                 */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static oval *find(const octx *c, const char *name)
{
    if (!name || !c->hcap) return NULL;
    for (size_t i = hash_str(name) & (c->hcap - 1);; i = (i + 1) & (c->hcap - 1)) {
        if (!c->hash[i]) return NULL;
        oval *v = &c->val[c->hash[i] - 1];
        if (strcmp(v->name, name) == 0) return v;
    }
}

/* The value named name, created absent if new. NULL only for "". */
static oval *intern(octx *c, const char *name)
{
    if (!name || !*name) return NULL;
    oval *v = find(c, name);
    if (v) return v;
    /* cap and hcap were sized for every name of the graph up front. */
    if (c->nval == c->cap) return NULL;
    v = &c->val[c->nval++];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->nval = -1;
    v->producer = -1;
    size_t i = hash_str(name) & (c->hcap - 1);
    while (c->hash[i]) i = (i + 1) & (c->hcap - 1);
    c->hash[i] = c->nval;
    return v;
}

static int elems(const oval *v, int64_t *out)
{
    int64_t e = 1;
    for (int i = 0; i < v->rank; i++)
        if (__builtin_mul_overflow(e, v->d[i], &e) || e > ELEMS_MAX) return -1;
    *out = e;
    return 0;
}

/* Sets a value's shape, checking each dimension. */
static int set_shape(octx *c, const Onnx__NodeProto *n, oval *v, int rank, const int64_t *d,
                     const unsigned char *batch)
{
    if (rank > MAXRANK) return fail(c, n, "'%s' has rank %d (at most %d is supported)", v->name, rank, MAXRANK);
    for (int i = 0; i < rank; i++) {
        if (d[i] < 0)
            return fail(c, n, "'%s' has a negative dimension %" PRId64 " (axis %d)", v->name, d[i], i);
        if (d[i] > DIM_MAX)
            return fail(c, n, "'%s' claims dimension %" PRId64 " on axis %d (more than %" PRId64
                        ": not a real tensor)", v->name, d[i], i, DIM_MAX);
    }
    v->state = V_KNOWN;
    v->rank = rank;
    for (int i = 0; i < rank; i++) {
        v->d[i] = d[i];
        v->batch[i] = batch ? batch[i] : 0;
    }
    int64_t e;
    if (elems(v, &e) != 0)
        return fail(c, n, "'%s' would have more than 2^48 elements", v->name);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                          */

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0) return n->attribute[i];
    return NULL;
}

static int64_t attr_int(const Onnx__NodeProto *n, const char *name, int64_t def)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_i ? a->i : def;
}

/* The ints of an attribute: their count, -1 if absent, -2 if too many. */
static int attr_ints(const Onnx__NodeProto *n, const char *name, int64_t *out, int max)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a) return -1;
    if (a->n_ints > (size_t)max) return -2;
    for (size_t i = 0; i < a->n_ints; i++) out[i] = a->ints[i];
    return (int)a->n_ints;
}

static int attr_str(const Onnx__NodeProto *n, const char *name, char *buf, size_t size)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a || !a->has_s) return 0;
    size_t len = a->s.len < size - 1 ? a->s.len : size - 1;
    memcpy(buf, a->s.data, len);
    buf[len] = '\0';
    return 1;
}

/* ------------------------------------------------------------------ */
/* Inputs and outputs of a node                                        */

static oval *input(octx *c, const Onnx__NodeProto *n, size_t i)
{
    return i < n->n_input ? find(c, n->input[i]) : NULL;
}

/* Input i with a shape, or NULL after setting the error. */
static oval *shaped(octx *c, const Onnx__NodeProto *n, size_t i)
{
    oval *v = input(c, n, i);
    if (!v) {
        fail(c, n, "input %zu is missing", i + 1);
        return NULL;
    }
    if (v->rank < 0) {
        fail(c, n, "input '%s' has no shape (the model declares none and no node gives one)", v->name);
        return NULL;
    }
    return v;
}

static oval *output(octx *c, const Onnx__NodeProto *n, size_t i)
{
    return i < n->n_output ? find(c, n->output[i]) : NULL;
}

/* Integer values of input i (a constant shape operand): count or -1. */
static int const_input(octx *c, const Onnx__NodeProto *n, size_t i, const char *what, int64_t *out)
{
    oval *v = input(c, n, i);
    if (!v || v->nval < 0)
        return fail(c, n, "%s ('%s') is not a constant: only shapes given by initializers, "
                    "Constant nodes or Shape of a known tensor are supported", what,
                    i < n->n_input ? n->input[i] : "absent");
    memcpy(out, v->val, sizeof(int64_t) * (size_t)v->nval);
    return v->nval;
}

/* Output i gets shape (rank, d, batch) and, if nv >= 0, values. */
static int put(octx *c, const Onnx__NodeProto *n, size_t i, int rank, const int64_t *d,
               const unsigned char *batch, int nv, const int64_t *vals)
{
    oval *o = output(c, n, i);
    if (!o) return 0; /* an optional output left out */
    if (set_shape(c, n, o, rank, d, batch) != 0) return -1;
    o->nval = -1;
    if (nv >= 0 && nv <= MAXVALS) {
        o->nval = nv;
        memcpy(o->val, vals, sizeof(int64_t) * (size_t)nv);
    }
    return 0;
}

static int put_like(octx *c, const Onnx__NodeProto *n, size_t i, const oval *src)
{
    return put(c, n, i, src->rank, src->d, src->batch, src->nval, src->val);
}

static int norm_axis(octx *c, const Onnx__NodeProto *n, int64_t axis, int rank, int *out)
{
    *out = 0;
    if (axis < -rank || axis >= rank + (rank == 0))
        return fail(c, n, "axis %" PRId64 " is out of range for rank %d", axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Layers                                                              */

static int add_layer(octx *c, size_t node, const int64_t v[LP_COUNT], const net_gemm *g)
{
    olayer *p = realloc(c->layer, sizeof *p * (c->nlayer + 1));
    if (!p) return fail(c, NULL, "out of memory");
    c->layer = p;
    olayer *l = &p[c->nlayer++];
    memset(l, 0, sizeof *l);
    l->node = node;
    if (v) memcpy(l->v, v, sizeof l->v);
    if (g) {
        l->is_gemm = 1;
        l->g = *g;
    }
    return 0;
}

/* P and Q of a layer from the library; the error names the node. */
static int layer_out(octx *c, const Onnx__NodeProto *n, const int64_t v[LP_COUNT], int64_t *P, int64_t *Q)
{
    ec_layer *l = ec_layer_create();
    if (!l) return fail(c, n, "out of memory");
    char err[300];
    int rc = 0;
    if (lp_to_layer(v, l, err, sizeof err) != EC_OK) rc = fail(c, n, "%s", err);
    else if (ec_layer_get(l, EC_LAYER_P, P) != EC_OK || ec_layer_get(l, EC_LAYER_Q, Q) != EC_OK)
        rc = fail(c, n, "the library gives no output extent");
    ec_layer_destroy(l);
    return rc;
}

/* The padding of a window over nsp spatial axes (Conv and the pools):
 * pads[2 * i] before axis i, pads[2 * i + 1] after. */
static int window_pads(octx *c, const Onnx__NodeProto *n, int nsp, const int64_t *in,
                       const int64_t *k, const int64_t *s, const int64_t *d, int64_t *pads)
{
    char ap[32] = "NOTSET";
    attr_str(n, "auto_pad", ap, sizeof ap);
    int64_t p[2 * MAXRANK];
    int np = attr_ints(n, "pads", p, 2 * MAXRANK);
    for (int i = 0; i < 2 * nsp; i++) pads[i] = 0;
    if (strcmp(ap, "NOTSET") == 0) {
        if (np == -2 || (np >= 0 && np != 2 * nsp))
            return fail(c, n, "attribute pads has %d values, %d expected", np, 2 * nsp);
        for (int i = 0; np > 0 && i < nsp; i++) {
            if (p[i] < 0 || p[i + nsp] < 0)
                return fail(c, n, "negative padding %" PRId64 " (attribute pads)", p[i] < 0 ? p[i] : p[i + nsp]);
            pads[2 * i] = p[i];
            pads[2 * i + 1] = p[i + nsp];
        }
        return 0;
    }
    if (strcmp(ap, "VALID") == 0) return 0;
    int upper = strcmp(ap, "SAME_UPPER") == 0;
    if (!upper && strcmp(ap, "SAME_LOWER") != 0)
        return fail(c, n, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", ap);
    for (int i = 0; i < nsp; i++) {
        /* Output ceil(in / s): the total padding that gives it. */
        int64_t out = (in[i] + s[i] - 1) / s[i];
        int64_t total = (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i];
        if (total < 0) total = 0;
        pads[2 * i] = upper ? total / 2 : total - total / 2;
        pads[2 * i + 1] = total - pads[2 * i];
    }
    return 0;
}

/* Strides, dilations and kernel of nsp spatial axes, attributes checked. */
static int window_attrs(octx *c, const Onnx__NodeProto *n, int nsp, int64_t *k, int64_t *s, int64_t *d,
                        int need_kernel)
{
    const char *names[3] = {"kernel_shape", "strides", "dilations"};
    int64_t *dst[3] = {k, s, d};
    for (int a = 0; a < 3; a++) {
        int64_t tmp[MAXRANK];
        int cnt = attr_ints(n, names[a], tmp, MAXRANK);
        if (cnt == -1) {
            if (a == 0 && need_kernel) return fail(c, n, "attribute kernel_shape is missing");
            if (a > 0)
                for (int i = 0; i < nsp; i++) dst[a][i] = 1;
            continue;
        }
        if (cnt != nsp) return fail(c, n, "attribute %s has %d values, %d expected", names[a], cnt, nsp);
        for (int i = 0; i < nsp; i++) {
            if (tmp[i] < 1 || tmp[i] > DIM_MAX)
                return fail(c, n, "attribute %s has value %" PRId64 " (1 to %" PRId64 " expected)",
                            names[a], tmp[i], DIM_MAX);
            dst[a][i] = tmp[i];
        }
    }
    return 0;
}

static int op_conv(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    oval *w = input(c, n, 1);
    if (!w || w->rank < 0)
        return fail(c, n, "the weight '%s' has no shape (a Conv weight is [K, C/group, kh, kw])",
                    n->n_input > 1 ? n->input[1] : "absent");
    if (x->rank != 4 && x->rank != 3)
        return fail(c, n, "input '%s' has rank %d: only 1-D and 2-D convolutions (rank 3 or 4) are supported",
                    x->name, x->rank);
    if (w->rank != x->rank)
        return fail(c, n, "the weight '%s' has rank %d, the input rank %d", w->name, w->rank, x->rank);
    int nsp = x->rank - 2;
    int64_t k[2], s[2], d[2], pads[4], in[2];
    for (int i = 0; i < nsp; i++) in[i] = x->d[2 + i];
    int64_t group = attr_int(n, "group", 1);
    if (window_attrs(c, n, nsp, k, s, d, 0) != 0) return -1;
    int64_t kt[MAXRANK];
    if (attr_ints(n, "kernel_shape", kt, MAXRANK) >= 0) {
        for (int i = 0; i < nsp; i++)
            if (kt[i] != w->d[2 + i])
                return fail(c, n, "kernel_shape %" PRId64 " differs from the weight's dimension %" PRId64,
                            kt[i], w->d[2 + i]);
    }
    for (int i = 0; i < nsp; i++) k[i] = w->d[2 + i];
    if (window_pads(c, n, nsp, in, k, s, d, pads) != 0) return -1;
    if (group < 1 || group > DIM_MAX) return fail(c, n, "group = %" PRId64 " (at least 1)", group);
    if (w->d[1] * group != x->d[1])
        return fail(c, n, "the weight '%s' has %" PRId64 " input channels per group, x group %" PRId64
                    " != the input's %" PRId64, w->name, w->d[1], group, x->d[1]);
    int64_t v[LP_COUNT];
    lp_defaults(v);
    v[EC_LAYER_N] = x->d[0];
    v[EC_LAYER_C] = x->d[1];
    v[EC_LAYER_K] = w->d[0];
    v[EC_LAYER_G] = group;
    int h = nsp == 2 ? 0 : -1; /* 1-D: the axis is the width */
    v[EC_LAYER_H] = h == 0 ? in[0] : 1;
    v[EC_LAYER_W] = in[nsp - 1];
    v[EC_LAYER_R] = h == 0 ? k[0] : 1;
    v[EC_LAYER_S] = k[nsp - 1];
    v[EC_LAYER_STRIDE_H] = h == 0 ? s[0] : 1;
    v[EC_LAYER_STRIDE_W] = s[nsp - 1];
    v[EC_LAYER_DILATION_H] = h == 0 ? d[0] : 1;
    v[EC_LAYER_DILATION_W] = d[nsp - 1];
    v[EC_LAYER_PAD_TOP] = h == 0 ? pads[0] : 0;
    v[EC_LAYER_PAD_BOTTOM] = h == 0 ? pads[1] : 0;
    v[EC_LAYER_PAD_LEFT] = pads[2 * (nsp - 1)];
    v[EC_LAYER_PAD_RIGHT] = pads[2 * (nsp - 1) + 1];
    for (int i = 0; i < LP_COUNT; i++)
        if (v[i] < (i >= EC_LAYER_PAD_TOP ? 0 : 1))
            return fail(c, n, "%s = %" PRId64 " (an empty tensor)", lp_names[i], v[i]);
    int64_t P, Q;
    if (layer_out(c, n, v, &P, &Q) != 0) return -1;
    int64_t od[4] = {x->d[0], w->d[0], nsp == 2 ? P : Q, Q};
    unsigned char ob[4] = {x->batch[0], 0, 0, 0};
    if (add_layer(c, c->idx, v, NULL) != 0) return -1;
    return put(c, n, 0, x->rank, od, ob, -1, NULL);
}

/* A matrix product A (.. x m x k) times B (.. x k x n) with batch
 * dimensions broadcast; out has its shape. Chooses the operand that plays
 * the weights (docs/gemm.md): a constant one, else the one with fewer
 * distinct matrices, B on a tie. */
static int product(octx *c, const Onnx__NodeProto *n, const oval *a, const oval *b,
                   int64_t m, int64_t k, int64_t nn, int ra, int rb, const unsigned char *abat,
                   const unsigned char *bbat, int64_t *t, unsigned char *tb, int *rt, int m_batch)
{
    /* Broadcast the batch dimensions (right-aligned). */
    int r = ra > rb ? ra : rb;
    int64_t ca = 1, cb = 1, total = 1;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return fail(c, n, "batch dimensions %" PRId64 " and %" PRId64 " of '%s' and '%s' do not broadcast",
                        da, db, a->name, b->name);
        if (da == 0 || db == 0) return fail(c, n, "an empty batch dimension (axis %d)", i);
        t[i] = da > db ? da : db;
        tb[i] = (ia >= 0 && abat[ia] && da == t[i]) || (ib >= 0 && bbat[ib] && db == t[i]);
        ca *= da;
        cb *= db;
        total *= t[i];
    }
    *rt = r;
    int w_is_a = (a->is_const && !b->is_const) || (!b->is_const && !a->is_const && ca < cb);
    net_gemm g = {1, 0, 1, 1, m, k, nn};
    int64_t groups = w_is_a ? ca : cb;
    if (w_is_a) { /* (A B)^T = B^T A^T: A^T is the weights */
        g.m = nn;
        g.n = m;
    }
    g.batch = total / groups;
    g.heads = groups;
    if (groups == 1 && !w_is_a && m_batch && total == 1) {
        /* The rows of A are the batch (a fully connected layer). */
        g.batch = m;
        g.m = 1;
    }
    /* An operand per batch item (attention): recorded as such, so that the
     * layer reads as the zoo's "B activation" rows. */
    const oval *wv = w_is_a ? a : b;
    const unsigned char *wb = w_is_a ? abat : bbat;
    int wr = w_is_a ? ra : rb;
    int64_t per = 1;
    for (int i = 0; i < wr; i++)
        if (wb[i] && wv->d[i] > 1) per *= wv->d[i];
    if (per > 1 && g.batch == 1 && groups % per == 0) {
        g.per_item = 1;
        g.batch = per;
        g.heads = groups / per;
    }
    /* The library checks the rest when the layer is added (emit). */
    if (g.m < 1 || g.k < 1 || g.n < 1 || g.batch < 1 || g.heads < 1)
        return fail(c, n, "an empty product (%" PRId64 "x%" PRId64 " by %" PRId64 "x%" PRId64 ")", m, k, k, nn);
    return add_layer(c, c->idx, NULL, &g);
}

static int op_gemm(octx *c, const Onnx__NodeProto *n)
{
    oval *a = shaped(c, n, 0), *b = a ? shaped(c, n, 1) : NULL;
    if (!b) return -1;
    if (a->rank != 2 || b->rank != 2)
        return fail(c, n, "inputs of rank %d and %d (Gemm multiplies matrices)", a->rank, b->rank);
    int ta = attr_int(n, "transA", 0) != 0, tb = attr_int(n, "transB", 0) != 0;
    int64_t m = a->d[ta], ka = a->d[1 - ta], kb = b->d[tb], nn = b->d[1 - tb];
    if (ka != kb)
        return fail(c, n, "inner dimensions differ: A ('%s') gives k = %" PRId64 ", B ('%s') k = %" PRId64,
                    a->name, ka, b->name, kb);
    int64_t t[MAXRANK];
    unsigned char tbat[MAXRANK];
    int rt = 0;
    unsigned char none[1] = {0};
    if (product(c, n, a, b, m, ka, nn, 0, 0, none, none, t, tbat, &rt, !ta && a->batch[0]) != 0)
        return -1;
    int64_t od[2] = {m, nn};
    unsigned char ob[2] = {(unsigned char)(!ta && a->batch[0]), 0};
    return put(c, n, 0, 2, od, ob, -1, NULL);
}

static int op_matmul(octx *c, const Onnx__NodeProto *n)
{
    oval *a = shaped(c, n, 0), *b = a ? shaped(c, n, 1) : NULL;
    if (!b) return -1;
    if (a->rank < 1 || b->rank < 1) return fail(c, n, "a scalar operand");
    /* 1-D operands are promoted to matrices, the added axis removed after. */
    int64_t m = a->rank == 1 ? 1 : a->d[a->rank - 2], ka = a->d[a->rank - 1];
    int64_t kb = b->rank == 1 ? b->d[0] : b->d[b->rank - 2], nn = b->rank == 1 ? 1 : b->d[b->rank - 1];
    if (ka != kb)
        return fail(c, n, "inner dimensions differ: '%s' %s... ends in k = %" PRId64 ", '%s' has k = %" PRId64,
                    a->name, "", ka, b->name, kb);
    int ra = a->rank > 2 ? a->rank - 2 : 0, rb = b->rank > 2 ? b->rank - 2 : 0;
    int64_t t[MAXRANK + 2];
    unsigned char tb[MAXRANK + 2];
    int rt = 0;
    int m_batch = a->rank == 2 && a->batch[0];
    if (product(c, n, a, b, m, ka, nn, ra, rb, a->batch, b->batch, t, tb, &rt, m_batch) != 0)
        return -1;
    int r = rt;
    if (a->rank != 1) {
        t[r] = m;
        tb[r++] = (unsigned char)(a->rank >= 2 && a->batch[a->rank - 2]);
    }
    if (b->rank != 1) {
        t[r] = nn;
        tb[r++] = 0;
    }
    return put(c, n, 0, r, t, tb, -1, NULL);
}

/* ------------------------------------------------------------------ */
/* Shape operators                                                     */

static int op_same(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    for (size_t i = 0; i < n->n_output; i++)
        if (put(c, n, i, x->rank, x->d, x->batch, i == 0 ? x->nval : -1, x->val) != 0) return -1;
    /* A constant through an elementwise operator (weights dequantized, cast)
     * is still a constant: it still plays the weights of a product. */
    oval *o = output(c, n, 0);
    if (o) o->is_const = x->is_const;
    return 0;
}

static int op_layernorm(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int axis;
    if (norm_axis(c, n, attr_int(n, "axis", -1), x->rank, &axis) != 0) return -1;
    if (put_like(c, n, 0, x) != 0) return -1;
    int64_t d[MAXRANK];
    for (int i = 0; i < x->rank; i++) d[i] = i < axis ? x->d[i] : 1;
    for (size_t i = 1; i < n->n_output; i++)
        if (put(c, n, i, x->rank, d, x->batch, -1, NULL) != 0) return -1;
    return 0;
}

/* Numpy broadcasting of every input; small integer values are computed
 * for Add, Sub, Mul and Div (shape arithmetic). */
static int op_broadcast(octx *c, const Onnx__NodeProto *n)
{
    int r = 0;
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    for (size_t i = 0; i < n->n_input; i++) {
        if (!n->input[i][0]) continue;
        oval *x = shaped(c, n, i);
        if (!x) return -1;
        if (x->rank > r) {
            for (int j = r - 1; j >= 0; j--) {
                d[j + x->rank - r] = d[j];
                b[j + x->rank - r] = b[j];
            }
            for (int j = 0; j < x->rank - r; j++) {
                d[j] = 1;
                b[j] = 0;
            }
            r = x->rank;
        }
        for (int j = 0; j < x->rank; j++) {
            int o = j + r - x->rank;
            if (x->d[j] == d[o] || x->d[j] == 1) {
                if (x->d[j] == d[o]) b[o] |= x->batch[j];
                continue;
            }
            if (d[o] != 1)
                return fail(c, n, "'%s' %s does not broadcast with the other inputs (axis %d: %" PRId64
                            " and %" PRId64 ")", x->name, "", j, x->d[j], d[o]);
            d[o] = x->d[j];
            b[o] = x->batch[j];
        }
    }
    /* Shape arithmetic on small constants. */
    int nv = -1;
    int64_t vals[MAXVALS];
    const char *op = n->op_type;
    oval *x = input(c, n, 0), *y = input(c, n, 1);
    if (n->n_input == 2 && x && y && x->nval >= 0 && y->nval >= 0 && r <= 1 &&
        (!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul") || !strcmp(op, "Div"))) {
        int len = x->nval > y->nval ? x->nval : y->nval;
        if ((x->nval == len || x->nval == 1) && (y->nval == len || y->nval == 1)) {
            nv = len;
            for (int i = 0; i < len; i++) {
                int64_t p = x->val[x->nval == 1 ? 0 : i], q = y->val[y->nval == 1 ? 0 : i], o = 0;
                int bad = 0;
                if (!strcmp(op, "Add")) bad = __builtin_add_overflow(p, q, &o);
                else if (!strcmp(op, "Sub")) bad = __builtin_sub_overflow(p, q, &o);
                else if (!strcmp(op, "Mul")) bad = __builtin_mul_overflow(p, q, &o);
                else if (q == 0 || (p == INT64_MIN && q == -1)) bad = 1;
                else o = p / q;
                if (bad) nv = -1;
                vals[i] = o;
                if (nv < 0) break;
            }
        }
    }
    return put(c, n, 0, r, d, b, nv, vals);
}

static int op_concat(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int axis;
    if (norm_axis(c, n, attr_int(n, "axis", 0), x->rank, &axis) != 0) return -1;
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    memcpy(d, x->d, sizeof d);
    memcpy(b, x->batch, sizeof b);
    int nv = x->nval, allv = x->rank == 1;
    int64_t vals[MAXVALS];
    if (nv > 0) memcpy(vals, x->val, sizeof(int64_t) * (size_t)nv);
    for (size_t i = 1; i < n->n_input; i++) {
        oval *y = shaped(c, n, i);
        if (!y) return -1;
        if (y->rank != x->rank) return fail(c, n, "inputs of ranks %d and %d", x->rank, y->rank);
        for (int j = 0; j < x->rank; j++)
            if (j != axis && y->d[j] != x->d[j])
                return fail(c, n, "'%s' and '%s' differ on axis %d (%" PRId64 " and %" PRId64 ")",
                            x->name, y->name, j, x->d[j], y->d[j]);
        for (int j = 0; j < x->rank; j++) b[j] |= y->batch[j];
        if (__builtin_add_overflow(d[axis], y->d[axis], &d[axis]))
            return fail(c, n, "the concatenated axis overflows");
        if (allv && nv >= 0 && y->nval >= 0 && nv + y->nval <= MAXVALS) {
            memcpy(vals + nv, y->val, sizeof(int64_t) * (size_t)y->nval);
            nv += y->nval;
        } else {
            nv = -1;
        }
    }
    b[axis] = 0;
    return put(c, n, 0, x->rank, d, b, allv ? nv : -1, vals);
}

/* The output extent of a pooling window along one axis. */
static int64_t pool_extent(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe, int ceil_mode)
{
    int64_t span = in + pb + pe - ((k - 1) * d + 1);
    if (span < 0) return 0;
    int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    /* The last window must start inside the input or the leading padding. */
    if (ceil_mode && (out - 1) * s >= in + pb) out--;
    return out;
}

static int op_pool(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    if (x->rank < 3) return fail(c, n, "input '%s' has rank %d (at least 3: N, C, spatial)", x->name, x->rank);
    int nsp = x->rank - 2;
    int64_t od[MAXRANK];
    od[0] = x->d[0];
    od[1] = x->d[1];
    if (strncmp(n->op_type, "Global", 6) == 0) {
        for (int i = 0; i < nsp; i++) od[2 + i] = 1;
    } else {
        int64_t k[MAXRANK], s[MAXRANK], d[MAXRANK], pads[2 * MAXRANK];
        if (window_attrs(c, n, nsp, k, s, d, 1) != 0) return -1;
        if (window_pads(c, n, nsp, x->d + 2, k, s, d, pads) != 0) return -1;
        int ceil_mode = attr_int(n, "ceil_mode", 0) != 0;
        for (int i = 0; i < nsp; i++) {
            od[2 + i] = pool_extent(x->d[2 + i], k[i], s[i], d[i], pads[2 * i], pads[2 * i + 1], ceil_mode);
            if (od[2 + i] < 1)
                return fail(c, n, "the window (%" PRId64 ") does not fit the input extent %" PRId64,
                            (k[i] - 1) * d[i] + 1, x->d[2 + i]);
        }
    }
    unsigned char b[MAXRANK] = {x->batch[0]};
    for (size_t i = 0; i < n->n_output; i++)
        if (put(c, n, i, x->rank, od, b, -1, NULL) != 0) return -1;
    return 0;
}

static int op_flatten(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int axis;
    int64_t a = attr_int(n, "axis", 1);
    if (a == x->rank) axis = x->rank;
    else if (norm_axis(c, n, a, x->rank, &axis) != 0) return -1;
    int64_t d[2] = {1, 1};
    for (int i = 0; i < x->rank; i++) d[i >= axis] *= x->d[i]; /* below 2^48: checked */
    unsigned char b[2] = {(unsigned char)(axis == 1 && x->batch[0]), 0};
    return put(c, n, 0, 2, d, b, -1, NULL);
}

static int op_reshape(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t s[MAXVALS];
    int r = const_input(c, n, 1, "the shape", s);
    if (r < 0) return -1;
    if (r > MAXRANK) return fail(c, n, "a shape of rank %d (at most %d)", r, MAXRANK);
    int allowzero = attr_int(n, "allowzero", 0) != 0;
    int64_t total = 0, known = 1;
    elems(x, &total); /* cannot fail: checked when x was shaped */
    int infer = -1;
    unsigned char b[MAXRANK] = {0};
    for (int i = 0; i < r; i++) {
        if (s[i] == 0 && !allowzero) {
            if (i >= x->rank) return fail(c, n, "shape value 0 at axis %d copies a dimension the input lacks", i);
            s[i] = x->d[i];
            b[i] = x->batch[i];
        } else if (s[i] == -1) {
            if (infer >= 0) return fail(c, n, "the shape has two -1 dimensions");
            infer = i;
            continue;
        } else if (s[i] < 0) {
            return fail(c, n, "the shape has a negative dimension %" PRId64, s[i]);
        }
        if (__builtin_mul_overflow(known, s[i], &known) || known > ELEMS_MAX)
            return fail(c, n, "the shape has more than 2^48 elements");
    }
    if (infer >= 0) {
        if (known == 0 || total % known != 0)
            return fail(c, n, "cannot infer the -1 dimension: %" PRId64 " elements into blocks of %" PRId64,
                        total, known);
        s[infer] = total / known;
        known = total;
    }
    if (known != total) {
        char sh[200];
        shape_str(x, sh, sizeof sh);
        return fail(c, n, "reshapes %s (%" PRId64 " elements) into %" PRId64 " elements", sh, total, known);
    }
    /* The batch stays the first axis when the first extent is unchanged. */
    if (r > 0 && x->rank > 0 && x->batch[0] && s[0] == x->d[0]) b[0] = 1;
    return put(c, n, 0, r, s, b, x->nval >= 0 && total <= MAXVALS ? x->nval : -1, x->val);
}

static int op_transpose(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t perm[MAXRANK];
    int np = attr_ints(n, "perm", perm, MAXRANK);
    if (np < 0) {
        np = x->rank;
        for (int i = 0; i < np; i++) perm[i] = np - 1 - i;
    }
    if (np != x->rank) return fail(c, n, "perm has %d values for rank %d", np, x->rank);
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    unsigned seen = 0;
    for (int i = 0; i < np; i++) {
        if (perm[i] < 0 || perm[i] >= np || (seen & (1u << perm[i])))
            return fail(c, n, "perm is not a permutation of 0..%d", np - 1);
        seen |= 1u << perm[i];
        d[i] = x->d[perm[i]];
        b[i] = x->batch[perm[i]];
    }
    return put(c, n, 0, np, d, b, -1, NULL);
}

/* Axes from an attribute (early opsets) or input 1 (opset 13 on). */
static int axes_of(octx *c, const Onnx__NodeProto *n, const char *name, int64_t *axes)
{
    int na = attr_ints(n, name, axes, MAXRANK);
    if (na == -2) return fail(c, n, "attribute %s has too many values", name);
    if (na >= 0) return na;
    if (n->n_input < 2 || !n->input[1][0]) return 0;
    return const_input(c, n, 1, name, axes);
}

static int op_unsqueeze(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t axes[MAXVALS];
    int na = axes_of(c, n, "axes", axes);
    if (na < 0) return -1;
    int r = x->rank + na;
    if (na == 0 || r > MAXRANK) return fail(c, n, "%d axes to insert into rank %d", na, x->rank);
    unsigned char ins[MAXRANK] = {0};
    for (int i = 0; i < na; i++) {
        int a;
        if (norm_axis(c, n, axes[i], r, &a) != 0) return -1;
        if (ins[a]) return fail(c, n, "axis %d repeated", a);
        ins[a] = 1;
    }
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    for (int i = 0, j = 0; i < r; i++) {
        d[i] = ins[i] ? 1 : x->d[j];
        b[i] = ins[i] ? 0 : x->batch[j];
        j += !ins[i];
    }
    return put(c, n, 0, r, d, b, x->nval, x->val);
}

static int op_squeeze(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t axes[MAXVALS];
    int na = axes_of(c, n, "axes", axes);
    if (na < 0) return -1;
    unsigned char del[MAXRANK] = {0};
    for (int i = 0; i < na; i++) {
        int a;
        if (norm_axis(c, n, axes[i], x->rank, &a) != 0) return -1;
        if (x->d[a] != 1) return fail(c, n, "axis %d has extent %" PRId64 ", not 1", a, x->d[a]);
        del[a] = 1;
    }
    for (int i = 0; na == 0 && i < x->rank; i++) del[i] = x->d[i] == 1;
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!del[i]) {
            d[r] = x->d[i];
            b[r++] = x->batch[i];
        }
    return put(c, n, 0, r, d, b, x->nval, x->val);
}

/* Slice with starts, ends, axes and steps as inputs (opset 10 on) or
 * attributes (before). */
static int op_slice(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t st[MAXVALS], en[MAXVALS], ax[MAXVALS], sp[MAXVALS];
    int ns, ne, na = -1, nst = -1;
    if (attr(n, "starts")) {
        ns = attr_ints(n, "starts", st, MAXVALS);
        ne = attr_ints(n, "ends", en, MAXVALS);
        na = attr_ints(n, "axes", ax, MAXVALS);
    } else {
        if ((ns = const_input(c, n, 1, "starts", st)) < 0 || (ne = const_input(c, n, 2, "ends", en)) < 0)
            return -1;
        if (n->n_input > 3 && n->input[3][0] && (na = const_input(c, n, 3, "axes", ax)) < 0) return -1;
        if (n->n_input > 4 && n->input[4][0] && (nst = const_input(c, n, 4, "steps", sp)) < 0) return -1;
    }
    if (ns < 0 || ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
        return fail(c, n, "starts, ends, axes and steps differ in length");
    int64_t d[MAXRANK];
    memcpy(d, x->d, sizeof d);
    int64_t first = 0, step1 = 1;
    for (int i = 0; i < ns; i++) {
        int a;
        if (norm_axis(c, n, na >= 0 ? ax[i] : i, x->rank, &a) != 0) return -1;
        int64_t step = nst >= 0 ? sp[i] : 1, dim = x->d[a], s = st[i], e = en[i];
        if (step == 0) return fail(c, n, "step 0 on axis %d", a);
        if (s < 0) s = s < -dim ? 0 : s + dim;
        if (e < 0) e = e < -dim ? -1 : e + dim;
        if (step > 0) {
            if (s > dim) s = dim;
            if (e > dim) e = dim;
            d[a] = e > s ? (e - s + step - 1) / step : 0;
        } else {
            if (s > dim - 1) s = dim - 1;
            if (e > dim - 1) e = dim - 1;
            d[a] = s > e ? (s - e + (-step) - 1) / (-step) : 0;
        }
        first = s;
        step1 = step;
    }
    /* Shape arithmetic: a slice of a known 1-D tensor. */
    int64_t vals[MAXVALS];
    int nv = -1;
    if (x->rank == 1 && x->nval == x->d[0] && ns == 1 && d[0] <= MAXVALS) {
        nv = (int)d[0];
        for (int i = 0; i < nv; i++) vals[i] = x->val[first + i * step1];
    }
    return put(c, n, 0, x->rank, d, x->batch, nv, vals);
}

static int op_split(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int axis;
    if (norm_axis(c, n, attr_int(n, "axis", 0), x->rank, &axis) != 0) return -1;
    int64_t sz[MAXVALS];
    int ns = attr_ints(n, "split", sz, MAXVALS);
    if (ns == -2) return fail(c, n, "attribute split has too many values");
    if (ns < 0 && n->n_input > 1 && n->input[1][0] && (ns = const_input(c, n, 1, "split", sz)) < 0)
        return -1;
    size_t nout = n->n_output;
    if (nout == 0 || nout > MAXVALS) return fail(c, n, "%zu outputs", nout);
    int64_t dim = x->d[axis], sum = 0;
    if (ns < 0) { /* equal parts, the last smaller (opset 18) */
        int64_t part = (dim + (int64_t)nout - 1) / (int64_t)nout;
        for (size_t i = 0; i < nout; i++) {
            sz[i] = dim - sum < part ? dim - sum : part;
            sum += sz[i];
        }
        ns = (int)nout;
    } else {
        for (int i = 0; i < ns; i++) {
            if (sz[i] < 0) return fail(c, n, "a negative split %" PRId64, sz[i]);
            sum += sz[i];
        }
    }
    if ((size_t)ns != nout || sum != dim)
        return fail(c, n, "splits of axis %d (extent %" PRId64 ") into %d parts summing to %" PRId64
                    " for %zu outputs", axis, dim, ns, sum, nout);
    for (size_t i = 0; i < nout; i++) {
        int64_t d[MAXRANK];
        memcpy(d, x->d, sizeof d);
        d[axis] = sz[i];
        if (put(c, n, i, x->rank, d, x->batch, -1, NULL) != 0) return -1;
    }
    return 0;
}

static int op_gather(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0), *ix = x ? shaped(c, n, 1) : NULL;
    if (!ix) return -1;
    int axis;
    if (norm_axis(c, n, attr_int(n, "axis", 0), x->rank, &axis) != 0) return -1;
    int r = x->rank - 1 + ix->rank;
    if (r > MAXRANK) return fail(c, n, "output rank %d (at most %d)", r, MAXRANK);
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    int k = 0;
    for (int i = 0; i < axis; i++, k++) {
        d[k] = x->d[i];
        b[k] = x->batch[i];
    }
    for (int i = 0; i < ix->rank; i++, k++) {
        d[k] = ix->d[i];
        b[k] = ix->batch[i];
    }
    for (int i = axis + 1; i < x->rank; i++, k++) {
        d[k] = x->d[i];
        b[k] = x->batch[i];
    }
    /* Shape arithmetic: picking from a known 1-D tensor. */
    int nv = -1;
    int64_t vals[MAXVALS];
    if (x->rank == 1 && x->nval >= 0 && ix->nval >= 0 && ix->rank <= 1) {
        nv = ix->nval;
        for (int i = 0; i < nv; i++) {
            int64_t j = ix->val[i] < 0 ? ix->val[i] + x->nval : ix->val[i];
            if (j < 0 || j >= x->nval) return fail(c, n, "index %" PRId64 " out of range", ix->val[i]);
            vals[i] = x->val[j];
        }
    }
    return put(c, n, 0, r, d, b, nv, vals);
}

static int op_reduce(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t axes[MAXVALS];
    int na = axes_of(c, n, "axes", axes);
    if (na < 0) return -1;
    int keep = attr_int(n, "keepdims", 1) != 0;
    unsigned char red[MAXRANK] = {0};
    for (int i = 0; i < na; i++) {
        int a;
        if (norm_axis(c, n, axes[i], x->rank, &a) != 0) return -1;
        red[a] = 1;
    }
    for (int i = 0; na == 0 && i < x->rank; i++) red[i] = !attr_int(n, "noop_with_empty_axes", 0);
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK];
    int r = 0;
    for (int i = 0; i < x->rank; i++) {
        if (red[i] && !keep) continue;
        d[r] = red[i] ? 1 : x->d[i];
        b[r++] = red[i] ? 0 : x->batch[i];
    }
    return put(c, n, 0, r, d, b, -1, NULL);
}

static int op_shape(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int start = 0, end = x->rank;
    int64_t s = attr_int(n, "start", 0), e = attr_int(n, "end", x->rank);
    if (s < 0) s += x->rank;
    if (e < 0) e += x->rank;
    start = s < 0 ? 0 : s > x->rank ? x->rank : (int)s;
    end = e < 0 ? 0 : e > x->rank ? x->rank : (int)e;
    int len = end > start ? end - start : 0;
    int64_t d[1] = {len};
    return put(c, n, 0, 1, d, NULL, len, x->d + start);
}

/* A tensor's integer values, when it is small and of an integer type. */
static int tensor_values(const Onnx__TensorProto *t, int64_t *vals)
{
    int64_t e = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || __builtin_mul_overflow(e, t->dims[i], &e)) return -1;
    }
    if (e > MAXVALS || t->n_dims > MAXRANK) return -1;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) return -1;
    int type = t->has_data_type ? t->data_type : 0;
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) {
        if (t->n_int64_data == (size_t)e) {
            memcpy(vals, t->int64_data, sizeof(int64_t) * (size_t)e);
            return (int)e;
        }
        if (t->has_raw_data && t->raw_data.len == (size_t)e * 8) {
            for (int64_t i = 0; i < e; i++) {
                uint64_t u = 0;
                for (int k = 7; k >= 0; k--) u = u << 8 | t->raw_data.data[8 * i + k];
                vals[i] = (int64_t)u;
            }
            return (int)e;
        }
    } else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) {
        if (t->n_int32_data == (size_t)e) {
            for (int64_t i = 0; i < e; i++) vals[i] = t->int32_data[i];
            return (int)e;
        }
        if (t->has_raw_data && t->raw_data.len == (size_t)e * 4) {
            for (int64_t i = 0; i < e; i++) {
                uint32_t u = 0;
                for (int k = 3; k >= 0; k--) u = u << 8 | t->raw_data.data[4 * i + k];
                vals[i] = (int32_t)u;
            }
            return (int)e;
        }
    }
    return -1;
}

static int set_tensor(octx *c, const Onnx__NodeProto *n, oval *v, const Onnx__TensorProto *t)
{
    if (t->n_dims > MAXRANK) return fail(c, n, "tensor '%s' has rank %zu (at most %d)", v->name, t->n_dims, MAXRANK);
    if (set_shape(c, n, v, (int)t->n_dims, t->dims, NULL) != 0) return -1;
    v->is_const = 1;
    v->nval = tensor_values(t, v->val);
    return 0;
}

static int op_constant(octx *c, const Onnx__NodeProto *n)
{
    oval *o = output(c, n, 0);
    if (!o) return 0;
    const Onnx__AttributeProto *a;
    if ((a = attr(n, "value")) && a->t) {
        if (set_tensor(c, n, o, a->t) != 0) return -1;
    } else if ((a = attr(n, "value_ints"))) {
        int64_t d[1] = {(int64_t)a->n_ints};
        if (put(c, n, 0, 1, d, NULL, a->n_ints <= MAXVALS ? (int)a->n_ints : -1, a->ints) != 0) return -1;
    } else if ((a = attr(n, "value_int")) && a->has_i) {
        if (put(c, n, 0, 0, NULL, NULL, 1, &a->i) != 0) return -1;
    } else if ((a = attr(n, "value_float")) || (a = attr(n, "value_floats"))) {
        int64_t d[1] = {(int64_t)a->n_floats};
        if (put(c, n, 0, a->n_floats ? 1 : 0, d, NULL, -1, NULL) != 0) return -1;
    } else {
        return fail(c, n, "no value attribute of a supported kind (value, value_int(s), value_float(s))");
    }
    o->is_const = 1;
    return 0;
}

static int op_constant_of_shape(octx *c, const Onnx__NodeProto *n)
{
    int64_t s[MAXVALS];
    int r = const_input(c, n, 0, "the shape", s);
    if (r < 0) return -1;
    if (r > MAXRANK) return fail(c, n, "rank %d (at most %d)", r, MAXRANK);
    return put(c, n, 0, r, s, NULL, -1, NULL);
}

static int op_expand(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t s[MAXVALS];
    int r = const_input(c, n, 1, "the shape", s);
    if (r < 0) return -1;
    if (r > MAXRANK) return fail(c, n, "rank %d (at most %d)", r, MAXRANK);
    int out = r > x->rank ? r : x->rank;
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK] = {0};
    for (int i = 0; i < out; i++) {
        int ix = i - (out - x->rank), is = i - (out - r);
        int64_t dx = ix >= 0 ? x->d[ix] : 1, ds = is >= 0 ? s[is] : 1;
        if (dx != ds && dx != 1 && ds != 1)
            return fail(c, n, "shape %" PRId64 " does not broadcast with %" PRId64 " (axis %d)", ds, dx, i);
        d[i] = dx > ds ? dx : ds;
        b[i] = ix >= 0 && dx == d[i] ? x->batch[ix] : 0;
    }
    return put(c, n, 0, out, d, b, -1, NULL);
}

/* Range(start, limit, delta) with constant operands: a 1-D tensor of
 * max(ceil((limit - start) / delta), 0) elements. */
static int op_range(octx *c, const Onnx__NodeProto *n)
{
    int64_t v[3][MAXVALS];
    const char *what[3] = {"start", "limit", "delta"};
    for (int i = 0; i < 3; i++)
        if (const_input(c, n, (size_t)i, what[i], v[i]) != 1)
            return c->err[0] ? -1 : fail(c, n, "%s is not a scalar", what[i]);
    int64_t start = v[0][0], limit = v[1][0], delta = v[2][0], span;
    if (delta == 0) return fail(c, n, "delta 0");
    if (__builtin_sub_overflow(limit, start, &span)) return fail(c, n, "limit - start overflows");
    int64_t len = span / delta + (span % delta != 0 && (span < 0) == (delta < 0));
    if (len < 0) len = 0;
    int64_t vals[MAXVALS];
    int nv = len <= MAXVALS ? (int)len : -1;
    for (int i = 0; i < nv; i++) {
        int64_t step;
        if (__builtin_mul_overflow((int64_t)i, delta, &step) ||
            __builtin_add_overflow(start, step, &vals[i]))
            nv = -1; /* the shape stands; the values are not kept */
    }
    return put(c, n, 0, 1, &len, NULL, nv, vals);
}

/* Pad with constant pads (input 1 from opset 11, the attribute before):
 * [x1_begin, x2_begin, ..., x1_end, x2_end, ...], axes (opset 18) if given. */
static int op_pad(octx *c, const Onnx__NodeProto *n)
{
    oval *x = shaped(c, n, 0);
    if (!x) return -1;
    int64_t p[MAXVALS], axes[MAXRANK];
    int np = attr_ints(n, "pads", p, MAXVALS);
    if (np == -2) return fail(c, n, "attribute pads has too many values");
    if (np < 0 && (np = const_input(c, n, 1, "pads", p)) < 0) return -1;
    int na = x->rank;
    for (int i = 0; i < na; i++) axes[i] = i;
    if (n->n_input > 3 && n->input[3][0]) {
        if ((na = const_input(c, n, 3, "axes", axes)) < 0) return -1;
    }
    if (np != 2 * na) return fail(c, n, "%d pads for %d axes", np, na);
    int64_t d[MAXRANK];
    memcpy(d, x->d, sizeof d);
    for (int i = 0; i < na; i++) {
        int a;
        if (norm_axis(c, n, axes[i], x->rank, &a) != 0) return -1;
        int64_t e;
        if (__builtin_add_overflow(d[a], p[i], &e) || __builtin_add_overflow(e, p[i + na], &e) || e < 0)
            return fail(c, n, "padding %" PRId64 " + %" PRId64 " of axis %d (extent %" PRId64 ")",
                        p[i], p[i + na], a, d[a]);
        d[a] = e;
    }
    return put(c, n, 0, x->rank, d, x->batch, -1, NULL);
}

/* ------------------------------------------------------------------ */
/* The operator list (docs/onnx.md)                                    */

typedef int (*op_fn)(octx *, const Onnx__NodeProto *);
static const struct {
    const char *op;
    op_fn fn;
} ops[] = {
    {"Conv", op_conv},
    {"Gemm", op_gemm},
    {"MatMul", op_matmul},
    {"ConvInteger", op_conv},
    {"MatMulInteger", op_matmul},
    /* The shape of the first input. */
    {"Relu", op_same}, {"LeakyRelu", op_same}, {"Clip", op_same}, {"Sigmoid", op_same},
    {"HardSigmoid", op_same}, {"HardSwish", op_same}, {"Tanh", op_same}, {"Erf", op_same},
    {"Gelu", op_same}, {"Elu", op_same}, {"Selu", op_same}, {"Softplus", op_same},
    {"Mish", op_same}, {"Softmax", op_same}, {"LogSoftmax", op_same},
    {"BatchNormalization", op_same}, {"InstanceNormalization", op_same},
    {"LRN", op_same}, {"Dropout", op_same}, {"Identity", op_same}, {"Cast", op_same},
    {"Sqrt", op_same}, {"Neg", op_same}, {"Exp", op_same}, {"Log", op_same},
    {"Reciprocal", op_same}, {"Abs", op_same}, {"Floor", op_same}, {"Ceil", op_same},
    {"Not", op_same}, {"QuantizeLinear", op_same}, {"DequantizeLinear", op_same},
    {"LayerNormalization", op_layernorm},
    /* Broadcasting. */
    {"Add", op_broadcast}, {"Sub", op_broadcast}, {"Mul", op_broadcast},
    {"Div", op_broadcast}, {"Pow", op_broadcast}, {"Max", op_broadcast},
    {"Min", op_broadcast}, {"Sum", op_broadcast}, {"Mean", op_broadcast},
    {"Where", op_broadcast}, {"Equal", op_broadcast}, {"Less", op_broadcast},
    {"Greater", op_broadcast}, {"And", op_broadcast}, {"Or", op_broadcast},
    {"PRelu", op_broadcast},
    /* Shape-changing. */
    {"Concat", op_concat},
    {"MaxPool", op_pool}, {"AveragePool", op_pool}, {"LpPool", op_pool},
    {"GlobalAveragePool", op_pool}, {"GlobalMaxPool", op_pool},
    {"Flatten", op_flatten}, {"Reshape", op_reshape}, {"Transpose", op_transpose},
    {"Unsqueeze", op_unsqueeze}, {"Squeeze", op_squeeze}, {"Slice", op_slice},
    {"Split", op_split}, {"Gather", op_gather},
    {"ReduceMean", op_reduce}, {"ReduceSum", op_reduce}, {"ReduceMax", op_reduce},
    {"Shape", op_shape}, {"Constant", op_constant}, {"ConstantOfShape", op_constant_of_shape},
    {"Expand", op_expand}, {"Range", op_range}, {"Pad", op_pad},
};

static op_fn find_op(const Onnx__NodeProto *n)
{
    if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx") != 0) return NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].op, n->op_type) == 0) return ops[i].fn;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The graph                                                           */

static const Onnx__TensorShapeProto *declared_shape(const Onnx__ValueInfoProto *vi)
{
    if (!vi || !vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !vi->type->tensor_type)
        return NULL;
    return vi->type->tensor_type->shape;
}

/* A graph input's shape: dimension 0 symbolic is the batch (--batch);
 * other symbolic dimensions need --dim. */
static int input_shape(octx *c, oval *v, const Onnx__ValueInfoProto *vi)
{
    const Onnx__TensorShapeProto *s = declared_shape(vi);
    v->state = V_KNOWN;
    v->rank = -1;
    if (!s) return 0;
    if (s->n_dim > MAXRANK)
        return fail(c, NULL, "graph input '%s' has rank %zu (at most %d)", v->name, s->n_dim, MAXRANK);
    int64_t d[MAXRANK];
    unsigned char b[MAXRANK] = {0};
    for (size_t i = 0; i < s->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *dim = s->dim[i];
        if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            d[i] = dim->dim_value;
        } else {
            const char *p = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                                    dim->dim_param ? dim->dim_param : "";
            int found = -1;
            for (int k = 0; k < c->o->ndims; k++)
                if (*p && strcmp(c->o->dim_name[k], p) == 0) found = k;
            if (found >= 0) {
                d[i] = c->o->dim_value[found];
            } else if (i == 0) {
                d[i] = c->o->batch ? c->o->batch : 1;
                c->symbolic_batch = 1;
            } else {
                return fail(c, NULL, "graph input '%s': dimension %zu is symbolic ('%s'): give its value "
                            "with --dim %s=N", v->name, i, *p ? p : "unnamed", *p ? p : "NAME");
            }
        }
        b[i] = i == 0 && s->n_dim >= 2;
    }
    if (set_shape(c, NULL, v, (int)s->n_dim, d, b) != 0) {
        char msg[sizeof c->err];
        snprintf(msg, sizeof msg, "graph input %.700s", c->err);
        snprintf(c->err, sizeof c->err, "%s", msg);
        return -1;
    }
    return 0;
}

/* A computed shape against the one the model declares, if fully given. */
static int check_declared(octx *c, const Onnx__NodeProto *n, const oval *v)
{
    const Onnx__TensorShapeProto *s = declared_shape(v->declared);
    if (!s || v->state != V_KNOWN || v->rank < 0) return 0;
    if (s->n_dim == 0) return 0; /* nothing declared */
    int same = (int)s->n_dim == v->rank;
    for (size_t i = 0; same && i < s->n_dim; i++)
        /* A batch given by --batch may differ from what an exporter wrote
         * into value_info for the batch it traced with. */
        if (s->dim[i]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
            s->dim[i]->dim_value != v->d[i] && !(c->symbolic_batch && v->batch[i]))
            same = 0;
    if (same) return 0;
    char sh[200], decl[200];
    shape_str(v, sh, sizeof sh);
    size_t len = (size_t)snprintf(decl, sizeof decl, "[");
    for (size_t i = 0; i < s->n_dim && len < sizeof decl; i++) {
        if (s->dim[i]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            len += (size_t)snprintf(decl + len, sizeof decl - len, "%s%" PRId64, i ? ", " : "",
                                    s->dim[i]->dim_value);
        else
            len += (size_t)snprintf(decl + len, sizeof decl - len, "%s?", i ? ", " : "");
    }
    if (len < sizeof decl) snprintf(decl + len, sizeof decl - len, "]");
    return fail(c, n, "computed the shape %s for '%s', but the model declares %s", sh, v->name, decl);
}

static int note(octx *c, const char *fmt, ...) TOOL_PRINTF(2, 3);
static int note(octx *c, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (!c->o->quiet) fprintf(stderr, "%s: warning: %s\n", tool_name, line);
    return net_note(c->net, line);
}

static int walk(octx *c)
{
    const Onnx__GraphProto *g = c->g;
    size_t names = g->n_input + g->n_initializer;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (!n->op_type) return fail(c, NULL, "node %zu has no op_type", i + 1);
        for (size_t k = 0; k < n->n_input; k++)
            if (!n->input[k]) return fail(c, n, "input %zu has no name", k + 1);
        names += n->n_output;
    }
    c->cap = names + 1;
    c->hcap = 16;
    while (c->hcap < 2 * c->cap) c->hcap *= 2;
    c->val = calloc(c->cap, sizeof *c->val);
    c->hash = calloc(c->hcap, sizeof *c->hash);
    if (!c->val || !c->hash) return fail(c, NULL, "out of memory (%zu names)", names);

    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *t = g->initializer[i];
        oval *v = intern(c, t->name);
        if (!v) return fail(c, NULL, "initializer %zu has no name", i + 1);
        if (set_tensor(c, NULL, v, t) != 0) {
            char msg[sizeof c->err];
            snprintf(msg, sizeof msg, "initializer %.700s", c->err);
            snprintf(c->err, sizeof c->err, "%s", msg);
            return -1;
        }
    }
    for (size_t i = 0; i < g->n_input; i++) {
        oval *v = intern(c, g->input[i]->name);
        if (!v) return fail(c, NULL, "graph input %zu has no name", i + 1);
        if (v->is_const) continue; /* an initializer listed as an input (IR < 4) */
        if (input_shape(c, v, g->input[i]) != 0) return -1;
    }
    if (c->o->batch && !c->symbolic_batch)
        return fail(c, NULL, "--batch %" PRId64 ": the model's inputs have no symbolic batch dimension "
                    "(their first dimension is fixed)", c->o->batch);
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        for (size_t k = 0; k < n->n_output; k++) {
            if (!n->output[k] || !*n->output[k]) continue;
            oval *v = intern(c, n->output[k]);
            if (!v) return fail(c, n, "out of names");
            if (v->producer >= 0 || v->state != V_ABSENT)
                return fail(c, n, "output '%s' is produced twice (also by %s)", v->name,
                            v->producer >= 0 ? node_name(g->node[v->producer]) : "a graph input or initializer");
            v->producer = (int)i;
        }
    }
    for (size_t i = 0; i < g->n_value_info + g->n_output; i++) {
        const Onnx__ValueInfoProto *vi = i < g->n_value_info ? g->value_info[i] : g->output[i - g->n_value_info];
        oval *v = vi->name ? find(c, vi->name) : NULL;
        if (v) v->declared = vi;
    }

    /* Topological order: a pass over the nodes processes those whose
     * inputs are known; a pass without progress leaves a cycle or an input
     * nobody produces. Sorted graphs (the norm) take one pass. */
    unsigned char *done = calloc(g->n_node ? g->n_node : 1, 1);
    if (!done) return fail(c, NULL, "out of memory");
    size_t left = g->n_node;
    int rc = 0;
    while (left && rc == 0) {
        size_t before = left;
        for (size_t i = 0; i < g->n_node && rc == 0; i++) {
            if (done[i]) continue;
            const Onnx__NodeProto *n = g->node[i];
            int ready = 1, skipped = 0;
            for (size_t k = 0; k < n->n_input && ready; k++) {
                if (!*n->input[k]) continue; /* an optional input left out */
                oval *v = find(c, n->input[k]);
                if (!v || v->state == V_ABSENT) ready = 0;
                else if (v->state == V_SKIPPED) skipped = 1;
            }
            if (!ready) continue;
            done[i] = 1;
            left--;
            op_fn fn = find_op(n);
            if (!fn || skipped) {
                int layer = fn == op_conv || fn == op_gemm || fn == op_matmul;
                if (!c->o->skip_unknown) {
                    rc = fail(c, n, "the operator %s%s%s is not supported (docs/onnx.md lists those that "
                              "are); --skip-unknown leaves such nodes out", n->domain && *n->domain ? n->domain : "",
                              n->domain && *n->domain ? "." : "", n->op_type);
                    break;
                }
                rc = note(c, "skipped node '%s' (%s): %s%s", node_name(n), n->op_type,
                          fn ? "an input's shape is unknown after a skipped node" : "unsupported operator, nothing it computes is counted",
                          layer ? "; its MACs are not in the totals" : "");
                for (size_t k = 0; rc == 0 && k < n->n_output; k++) {
                    oval *o = output(c, n, k);
                    if (!o) continue;
                    /* A shape the model declares lets the graph go on. */
                    const Onnx__TensorShapeProto *s = declared_shape(o->declared);
                    int full = s != NULL;
                    int64_t d[MAXRANK];
                    for (size_t j = 0; full && j < s->n_dim; j++) {
                        full = j < MAXRANK && s->dim[j]->value_case ==
                                                  ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                        if (full) d[j] = s->dim[j]->dim_value;
                    }
                    if (full) rc = set_shape(c, n, o, (int)s->n_dim, d, NULL);
                    else o->state = V_SKIPPED;
                }
                continue;
            }
            c->idx = i;
            rc = fn(c, n);
            for (size_t k = 0; rc == 0 && k < n->n_output; k++) {
                oval *o = output(c, n, k);
                if (!o) continue;
                if (o->state == V_ABSENT) {
                    o->state = V_KNOWN;
                    o->rank = -1; /* an output the operator does not shape */
                }
                rc = check_declared(c, n, o);
            }
        }
        if (rc == 0 && left == before) {
            for (size_t i = 0; i < g->n_node; i++) {
                if (done[i]) continue;
                const Onnx__NodeProto *n = g->node[i];
                for (size_t k = 0; k < n->n_input; k++) {
                    if (!*n->input[k]) continue;
                    oval *v = find(c, n->input[k]);
                    if (v && v->state != V_ABSENT) continue;
                    if (!v || v->producer < 0)
                        rc = fail(c, n, "input '%s' is neither a graph input, an initializer nor a node's output",
                                  n->input[k]);
                    else
                        rc = fail(c, n, "the graph has a cycle: input '%s' depends on this node's own output "
                                  "(through node '%s')", n->input[k], node_name(g->node[v->producer]));
                    break;
                }
                break;
            }
            if (rc == 0) rc = fail(c, NULL, "the graph has a cycle");
        }
    }
    free(done);
    return rc;
}

static int cmp_layers(const void *a, const void *b)
{
    size_t x = ((const olayer *)a)->node, y = ((const olayer *)b)->node;
    return (x > y) - (x < y);
}

static int emit(octx *c, network *net)
{
    if (c->nlayer) qsort(c->layer, c->nlayer, sizeof *c->layer, cmp_layers);
    int found = 0;
    for (size_t i = 0; i < c->nlayer; i++) {
        const olayer *l = &c->layer[i];
        const Onnx__NodeProto *n = c->g->node[l->node];
        if (c->o->node && strcmp(c->o->node, node_name(n)) != 0) continue;
        found = 1;
        char name[64];
        str_copy(name, sizeof name, node_name(n));
        char where[700];
        snprintf(where, sizeof where, "%s: node '%s' (%s)", c->label, node_name(n), n->op_type);
        if (l->is_gemm) {
            if (net_add_gemm(net, name, &l->g, where) != 0) return -2;
        } else if (net_add(net, name, l->v) != 0) {
            return -2;
        }
    }
    if (c->o->node && !found) {
        for (size_t i = 0; i < c->g->n_node; i++)
            if (strcmp(node_name(c->g->node[i]), c->o->node) == 0)
                return fail(c, NULL, "node '%s' is a %s, not a Conv, Gemm or MatMul", c->o->node,
                            c->g->node[i]->op_type);
        return fail(c, NULL, "no node named '%s' in the graph", c->o->node);
    }
    if (net->n == 0) return fail(c, NULL, "the graph has no Conv, Gemm or MatMul node");
    return 0;
}

int onnx_available(void) { return 1; }

/* Walks the decoded model (NULL: protobuf-c refused it) into net, and
 * frees it. */
static int read_model(Onnx__ModelProto *m, const char *label, network *net, const onnx_opts *o)
{
    if (!m) {
        tool_error("%s: not an ONNX model (the protobuf does not decode: truncated, or another kind "
                   "of file)", label);
        return -1;
    }
    octx c;
    memset(&c, 0, sizeof c);
    c.label = label;
    c.o = o ? o : &default_opts;
    c.net = net;
    int rc = 0;
    if (!m->graph) {
        tool_error("%s: the ONNX model has no graph", label);
        rc = -1;
    } else {
        c.g = m->graph;
        net->batch_fixed = 1;
        rc = walk(&c);
        if (rc == 0) rc = emit(&c, net);
        if (rc == -1) tool_error("%s: %s", label, c.err);
        if (rc != 0) rc = -1;
        if (rc == 0 && m->graph->name && *m->graph->name && !net->title[0])
            str_copy(net->title, sizeof net->title, m->graph->name);
    }
    free(c.layer);
    free(c.val);
    free(c.hash);
    onnx__model_proto__free_unpacked(m, NULL);
    return rc;
}


static size_t strip_threshold(const onnx_opts *o)
{
    return o && o->strip_above ? o->strip_above : ONNX_STRIP_THRESHOLD;
}

int onnx_read_buffer(const uint8_t *data, size_t len, const char *label, network *net,
                     const onnx_opts *o)
{
    /* protobuf-c copies every payload it decodes: it gets the model
     * without the payload of large tensors, whose values are never used. */
    uint8_t *lean;
    size_t lean_len, stripped;
    char serr[200];
    if (onnx_strip(data, len, strip_threshold(o), &lean, &lean_len, &stripped, serr, sizeof serr) != 0) {
        tool_error("%s: %s", label, serr);
        return -1;
    }
    Onnx__ModelProto *m = lean ? onnx__model_proto__unpack(NULL, lean_len, lean)
                               : onnx__model_proto__unpack(NULL, len, data);
    free(lean); /* protobuf-c keeps no pointer into its input */
    return read_model(m, label, net, o);
}

int onnx_read(const char *path, network *net, const onnx_opts *o)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        tool_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        tool_error("%s: not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_size == 0) {
        tool_error("%s: an empty file is not an ONNX model", path);
        close(fd);
        return -1;
    }
    /* The pre-pass reads the file with pread, headers only: the weights'
     * pages are neither read nor mapped. Only when it leaves nothing out
     * (no large tensor) is the file mapped for protobuf-c as it is. */
    uint8_t *lean;
    size_t lean_len, stripped;
    char serr[200];
    if (onnx_strip_fd(fd, (size_t)st.st_size, strip_threshold(o), &lean, &lean_len, &stripped, serr,
                      sizeof serr) != 0) {
        tool_error("%s: %s", path, serr);
        close(fd);
        return -1;
    }
    if (lean) {
        close(fd);
        Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, lean_len, lean);
        free(lean);
        return read_model(m, path, net, o);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        tool_error("%s: cannot map: %s", path, strerror(errno));
        return -1;
    }
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, (size_t)st.st_size, p);
    munmap(p, (size_t)st.st_size);
    return read_model(m, path, net, o);
}
