/* The flows of a hierarchy in closed form (docs/hierarchy.md, "The closed
 * form"): for each tensor and level, the words its instances receive over
 * the walk and the words their parents send (identical deltas of siblings
 * once), summed by classes of steps -- one class per loop position -- and,
 * for inputs, per axis over tile positions, never over the whole nest. */
#include "hier_internal.h"

#include "checked.h"

#include <stdlib.h>
#include <string.h>

#define OVF(x)                                                                                   \
    do {                                                                                         \
        if (x) return EC_E_OVERFLOW;                                                             \
    } while (0)

/* One interval pair: what a child receives on one axis, [lo1, hi1] and
 * [lo2, hi2] (either may be empty, lo > hi). */
typedef struct hx_part {
    int64_t lo1, hi1, lo2, hi2;
} hx_part;

static int64_t part_size(const hx_part *p)
{
    return (p->hi1 >= p->lo1 ? p->hi1 - p->lo1 + 1 : 0) + (p->hi2 >= p->lo2 ? p->hi2 - p->lo2 + 1 : 0);
}

/* new minus old, as at most two intervals, in a canonical form (so that
 * equal sets compare equal). */
static hx_part interval_minus(int64_t a, int64_t b, int64_t c, int64_t d)
{
    hx_part p = {0, -1, 0, -1};
    if (a > b) return p;
    if (c > d || d < a || c > b) {
        p.lo1 = a;
        p.hi1 = b;
        return p;
    }
    if (c > a) {
        p.lo1 = a;
        p.hi1 = c - 1;
    }
    if (d < b) {
        if (p.lo1 > p.hi1) {
            p.lo1 = d + 1;
            p.hi1 = b;
        } else {
            p.lo2 = d + 1;
            p.hi2 = b;
        }
    }
    return p;
}

/* The loops of one input axis (P and R, or Q and S) above a child level,
 * and what a step at position pos does to each. */
enum { CAT_FIXED0, CAT_FREE, CAT_STEP, CAT_RESET, CAT_CHILD };

typedef struct hx_axis_run {
    const ec_hier_nest *n;
    const ec_axis *ax;
    ec_dim dp, dr; /* P and R (or Q and S) */
    int c;         /* the child level */
    int pos;       /* the stepping loop, or -1 for the first step */
    int slide;     /* the child receives new minus old on this axis */
    int dedup;     /* identical parts of siblings count once */
    const int *axl; /* the loops over dp or dr above c, outermost first */
    int naxl;
} hx_axis_run;

#define HX_MAXL (2 * 3 * EC_HL) /* loops of one axis above a level: 2 dims x 3 kinds x EC_HL */
#define HX_MAXCHILD 1024 /* siblings on one axis: 32 KB of stack at most */

/* The categories of the axis's loops for a step at r->pos; returns how
 * many loops the axis has. */
static int axis_categories(const hx_axis_run *r, int idx[HX_MAXL], int cat[HX_MAXL], int *children)
{
    const ec_hier_nest *n = r->n;
    int nl = 0;
    *children = 0;
    for (int j = 0; j < r->naxl; j++) {
        int k = r->axl[j];
        const hn_loop *lp = &n->loop[k];
        int ct;
        if (lp->kind != EC_LOOP_TEMPORAL) ct = lp->level == r->c - 1 ? CAT_CHILD : CAT_FREE;
        else if (r->pos < 0) ct = CAT_FIXED0;
        else if (k < r->pos) ct = CAT_FREE;
        else if (k == r->pos) ct = CAT_STEP;
        else ct = CAT_RESET;
        *children += ct == CAT_CHILD;
        idx[nl] = k;
        cat[nl++] = ct;
    }
    return nl;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Without padding no tile is clipped: every box is a translate of one
 * interval of (tp - 1)*stride + (tr - 1)*dilation + 1 rows, a slide moves
 * it by a fixed distance, and siblings' parts are equal exactly when their
 * offsets are. So the sum is a count of configurations times one size. */
static int axis_unclipped(const hx_axis_run *r) { return hb_unclipped(r->ax); }

static ec_status distinct_offsets(const ec_hier_nest *n, int c, ec_dim dp, ec_dim dr,
                                  const ec_axis *a, int64_t *out);

static ec_status axis_sum_translates(const hx_axis_run *r, int nl, const int idx[HX_MAXL],
                                     const int cat[HX_MAXL], int64_t *out)
{
    const ec_hier_nest *n = r->n;
    const ec_axis *a = r->ax;
    int64_t tp = n->span[r->c][r->dp], tr = n->span[r->c][r->dr];
    int64_t F = (tp - 1) * a->stride + (tr - 1) * a->dilation + 1;
    int64_t configs = 1, shift = 0, children = 1;
    for (int j = 0; j < nl; j++) {
        const hn_loop *lp = &n->loop[idx[j]];
        int64_t unit = lp->stride * (lp->dim == r->dp ? a->stride : a->dilation);
        switch (cat[j]) {
        case CAT_FREE: OVF(ck_mul(configs, lp->n, &configs)); break;
        case CAT_STEP:
            OVF(ck_mul(configs, lp->n - 1, &configs));
            shift += unit;
            break;
        case CAT_RESET: shift -= (lp->n - 1) * unit; break;
        case CAT_CHILD: children *= lp->n; break;
        default: break;
        }
    }
    int64_t size = F;
    if (r->slide) {
        int64_t d = shift < 0 ? -shift : shift;
        size = d < F ? d : F;
    }
    if (r->dedup && children > 1) {
        ec_status st = distinct_offsets(n, r->c, r->dp, r->dr, a, &children);
        if (st) return st;
    }
    if (size == 0) {
        *out = 0;
        return EC_OK;
    }
    OVF(ck_mul(configs, children, out) || ck_mul(*out, size, out));
    return EC_OK;
}

/* Sum over the outer configurations of the part sizes of the children. */
static ec_status axis_sum_walk(const hx_axis_run *r, int nl, const int idx[HX_MAXL],
                               const int cat[HX_MAXL], int64_t *out)
{
    const ec_hier_nest *n = r->n;
    if (axis_unclipped(r)) return axis_sum_translates(r, nl, idx, cat, out);
    int64_t tp = n->span[r->c][r->dp], tr = n->span[r->c][r->dr];
    /* Odometers over the outer loops (not children) and over the children. */
    int64_t v[HX_MAXL];
    int64_t total = 0;
    hx_part seen[HX_MAXCHILD];
    for (int j = 0; j < nl; j++) v[j] = cat[j] == CAT_STEP ? 1 : 0;
    for (;;) {
        /* this outer configuration */
        int64_t pa = 0, ra = 0, pb = 0, rb = 0;
        for (int j = 0; j < nl; j++) {
            if (cat[j] == CAT_CHILD) continue;
            const hn_loop *lp = &n->loop[idx[j]];
            int64_t after = cat[j] == CAT_RESET ? 0 : v[j];
            int64_t before = cat[j] == CAT_STEP ? v[j] - 1 : cat[j] == CAT_RESET ? lp->n - 1 : v[j];
            if (lp->dim == r->dp) {
                pa += after * lp->stride;
                pb += before * lp->stride;
            } else {
                ra += after * lp->stride;
                rb += before * lp->stride;
            }
        }
        int nseen = 0;
        int64_t cv[HX_MAXL];
        for (int j = 0; j < nl; j++) cv[j] = 0;
        for (;;) {
            int64_t pc = 0, rc = 0;
            for (int j = 0; j < nl; j++)
                if (cat[j] == CAT_CHILD) {
                    const hn_loop *lp = &n->loop[idx[j]];
                    if (lp->dim == r->dp) pc += cv[j] * lp->stride;
                    else rc += cv[j] * lp->stride;
                }
            int64_t lo, hi;
            hb_rows(r->ax, pa + pc, tp, ra + rc, tr, &lo, &hi);
            hx_part part = {lo, hi, 0, -1};
            if (r->slide) {
                int64_t olo, ohi;
                hb_rows(r->ax, pb + pc, tp, rb + rc, tr, &olo, &ohi);
                part = interval_minus(lo, hi, olo, ohi);
            }
            int64_t size = part_size(&part);
            int dup = 0;
            if (r->dedup && size > 0) {
                for (int q = 0; q < nseen && !dup; q++) dup = !memcmp(&seen[q], &part, sizeof part);
                if (!dup) {
                    if (nseen == HX_MAXCHILD) return EC_E_LIMIT;
                    seen[nseen++] = part;
                }
            }
            if (!dup) OVF(ck_add(total, size, &total));
            int j = nl - 1;
            for (; j >= 0; j--) {
                if (cat[j] != CAT_CHILD) continue;
                if (++cv[j] < n->loop[idx[j]].n) break;
                cv[j] = 0;
            }
            if (j < 0) break;
        }
        int j = nl - 1;
        for (; j >= 0; j--) {
            if (cat[j] == CAT_CHILD || cat[j] == CAT_RESET || cat[j] == CAT_FIXED0) continue;
            if (++v[j] < n->loop[idx[j]].n) break;
            v[j] = cat[j] == CAT_STEP ? 1 : 0;
        }
        if (j < 0) break;
    }
    *out = total;
    return EC_OK;
}

/* Many step positions give one axis the same categories (every position
 * that is not on the axis and has the same axis loops after it): their
 * sums are computed once. */
typedef struct hx_memo {
    int n;
    struct {
        int cat[HX_MAXL];
        int slide, dedup;
        int64_t value;
    } e[24];
} hx_memo;

/* Sums of clipped axes kept across evaluations of one layer (the mapper's
 * candidates, docs/mapper.md 3.2): an axis sum depends only on the axis,
 * the child's tile (tp, tr), slide, dedup and the axis's loops above the
 * child (category, dimension, factor, stride, in nest order), which many
 * candidates share; the key holds all of them, so a hit is the very sum
 * the walk would give. A fixed table, 4 cells probed per key, the first
 * overwritten when all are taken: bounded memory, answers unchanged. */
#define HX_CACHE_LOOPS 12  /* axes with more loops are not kept */
#define HX_CACHE_CELLS 2048 /* a power of two; about 0.5 MB */

typedef struct hx_key {
    int64_t tp, tr;
    int64_t n[HX_CACHE_LOOPS], stride[HX_CACHE_LOOPS];
    unsigned char cat[HX_CACHE_LOOPS], isp[HX_CACHE_LOOPS];
    unsigned char axis, slide, dedup, nl;
} hx_key;

struct ec_hier_axis_cache {
    const ec_shape *shape; /* the layer whose sums are kept */
    struct {
        hx_key key;
        int64_t value;
        int used;
    } cell[HX_CACHE_CELLS];
};

ec_hier_axis_cache *ec_hier_axis_cache_create(const ec_allocator *al, const ec_shape *shape)
{
    ec_hier_axis_cache *k = ec_calloc(al, 1, sizeof *k);
    if (k) k->shape = shape;
    return k;
}

void ec_hier_axis_cache_destroy(const ec_allocator *al, ec_hier_axis_cache *cache)
{
    ec_free(al, cache);
}

/* The key of a walk; 0 when it has too many loops to keep. */
static int axis_key(const hx_axis_run *r, int nl, const int idx[HX_MAXL], const int cat[HX_MAXL],
                    int dedup, hx_key *key, uint64_t *hash)
{
    if (nl > HX_CACHE_LOOPS) return 0;
    memset(key, 0, sizeof *key);
    key->tp = r->n->span[r->c][r->dp];
    key->tr = r->n->span[r->c][r->dr];
    for (int j = 0; j < nl; j++) {
        const hn_loop *lp = &r->n->loop[idx[j]];
        key->n[j] = lp->n;
        key->stride[j] = lp->stride;
        key->cat[j] = (unsigned char)cat[j];
        key->isp[j] = lp->dim == r->dp;
    }
    key->axis = r->dp == EC_DIM_Q;
    key->slide = (unsigned char)r->slide;
    key->dedup = (unsigned char)dedup;
    key->nl = (unsigned char)nl;
    uint64_t h = (uint64_t)key->tp * 0x9E3779B97F4A7C15ull ^ (uint64_t)key->tr;
    h = h * 0xBF58476D1CE4E5B9ull ^ (uint64_t)(key->axis | key->slide << 1 | key->dedup << 2 | nl << 3);
    for (int j = 0; j < nl; j++) {
        h = (h ^ (uint64_t)key->n[j]) * 0x94D049BB133111EBull;
        h = (h ^ (uint64_t)key->stride[j] << 8 ^ (uint64_t)(key->cat[j] << 1 | key->isp[j])) *
            0x9E3779B97F4A7C15ull;
    }
    *hash = h ^ h >> 29;
    return 1;
}

static ec_status axis_sum(const hx_axis_run *r, hx_memo *memo, ec_hier_axis_cache *cache,
                          int64_t *out)
{
    int idx[HX_MAXL], cat[HX_MAXL], children;
    int nl = axis_categories(r, idx, cat, &children);
    int dedup = r->dedup && children > 0; /* no siblings on this axis: nothing to merge */
    if (axis_unclipped(r)) { /* cheaper than the memo */
        hx_axis_run rr = *r;
        rr.dedup = dedup;
        return axis_sum_translates(&rr, nl, idx, cat, out);
    }
    for (int i = 0; i < memo->n; i++)
        if (memo->e[i].slide == r->slide && memo->e[i].dedup == dedup &&
            !memcmp(memo->e[i].cat, cat, sizeof(int) * (size_t)nl)) {
            *out = memo->e[i].value;
            return EC_OK;
        }
    hx_axis_run rr = *r;
    rr.dedup = dedup;
    hx_key key;
    uint64_t hash = 0;
    int keyed = cache && axis_key(r, nl, idx, cat, dedup, &key, &hash);
    ec_status st = EC_OK;
    int hit = 0;
    if (keyed)
        for (uint64_t i = 0; i < 4 && !hit; i++) {
            size_t at = (size_t)((hash + i) & (HX_CACHE_CELLS - 1));
            if (cache->cell[at].used && !memcmp(&cache->cell[at].key, &key, sizeof key)) {
                *out = cache->cell[at].value;
                hit = 1;
            }
        }
    if (!hit) st = axis_sum_walk(&rr, nl, idx, cat, out);
    if (st == EC_OK && keyed && !hit) {
        size_t at = (size_t)(hash & (HX_CACHE_CELLS - 1));
        for (uint64_t i = 0; i < 4; i++) {
            size_t a = (size_t)((hash + i) & (HX_CACHE_CELLS - 1));
            if (!cache->cell[a].used) {
                at = a;
                break;
            }
        }
        cache->cell[at].key = key;
        cache->cell[at].value = *out;
        cache->cell[at].used = 1;
    }
    if (st == EC_OK && memo->n < (int)(sizeof memo->e / sizeof memo->e[0])) {
        memcpy(memo->e[memo->n].cat, cat, sizeof(int) * (size_t)nl);
        memo->e[memo->n].slide = r->slide;
        memo->e[memo->n].dedup = dedup;
        memo->e[memo->n].value = *out;
        memo->n++;
    }
    return st;
}

static int nonaxis_input_dim(ec_dim d)
{
    return d == EC_DIM_N || d == EC_DIM_G || d == EC_DIM_C || d == EC_DIM_K;
}

/* The distinct row offsets p*stride + r*dilation of the children's tiles
 * (the spatial loops of level c - 1 over dp and dr). */
static ec_status distinct_offsets(const ec_hier_nest *n, int c, ec_dim dp, ec_dim dr,
                                  const ec_axis *a, int64_t *out)
{
    int idx[HX_MAXL], nl = 0;
    for (int k = n->spatial[c - 1]; k < n->first[c]; k++)
        if (n->loop[k].dim == dp || n->loop[k].dim == dr) idx[nl++] = k;
    int64_t count = 1;
    int has_p = 0, has_r = 0;
    for (int j = 0; j < nl; j++) {
        count *= n->loop[idx[j]].n;
        has_p |= n->loop[idx[j]].dim == dp;
        has_r |= n->loop[idx[j]].dim == dr;
    }
    /* Loops of one dimension alone give distinct coordinates (mixed radix). */
    if (!(has_p && has_r)) {
        *out = count;
        return EC_OK;
    }
    if (count > HX_MAXCHILD) return EC_E_LIMIT;
    int64_t off[HX_MAXCHILD], v[HX_MAXL] = {0};
    for (int64_t m = 0; m < count; m++) {
        int64_t o = 0;
        for (int j = 0; j < nl; j++) {
            const hn_loop *lp = &n->loop[idx[j]];
            o += v[j] * lp->stride * (lp->dim == dp ? a->stride : a->dilation);
        }
        off[m] = o;
        for (int j = nl - 1; j >= 0 && ++v[j] == n->loop[idx[j]].n; j--) v[j] = 0;
    }
    qsort(off, (size_t)count, sizeof *off, cmp_i64);
    int64_t d = 0;
    for (int64_t m = 0; m < count; m++) d += m == 0 || off[m] != off[m - 1];
    *out = d;
    return EC_OK;
}

/* Inputs when no tile of either axis is clipped: every delta of one kind
 * has the same size, so each class of steps contributes its number of steps
 * times one product (the axis sums of section 5 in closed form). */
static ec_status flow_inputs_translates(const ec_shape *s, const ec_hier_nest *n, int c,
                                        ec_reuse reuse, int64_t *raw, int64_t *content)
{
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    const int64_t *t = n->span[c];
    int64_t chan = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_C];
    int64_t FH = (t[EC_DIM_P] - 1) * ah.stride + (t[EC_DIM_R] - 1) * ah.dilation + 1;
    int64_t FW = (t[EC_DIM_Q] - 1) * aw.stride + (t[EC_DIM_S] - 1) * aw.dilation + 1;
    int64_t dH, dW, CD = 1;
    ec_status st = distinct_offsets(n, c, EC_DIM_P, EC_DIM_R, &ah, &dH);
    if (st == EC_OK) st = distinct_offsets(n, c, EC_DIM_Q, EC_DIM_S, &aw, &dW);
    if (st) return st;
    for (int k = n->spatial[c - 1]; k < n->first[c]; k++)
        if (n->loop[k].dim == EC_DIM_N || n->loop[k].dim == EC_DIM_G || n->loop[k].dim == EC_DIM_C)
            CD *= n->loop[k].n;
    int64_t per_raw, per_content; /* words of a whole-tile step */
    OVF(ck_mul(n->instances[c], chan, &per_raw) || ck_mul(per_raw, FH, &per_raw) ||
        ck_mul(per_raw, FW, &per_raw));
    OVF(ck_mul(n->instances[c - 1], CD * dH * dW, &per_content) ||
        ck_mul(per_content, chan, &per_content) || ck_mul(per_content, FH, &per_content) ||
        ck_mul(per_content, FW, &per_content));
    int last = -1;
    for (int k = 0; k < n->first[c]; k++)
        if (n->loop[k].kind == EC_LOOP_TEMPORAL) last = k;
    int relevant_from[EC_HLOOPS + 1];
    relevant_from[n->first[c]] = 0;
    for (int k = n->first[c] - 1; k >= 0; k--)
        relevant_from[k] = relevant_from[k + 1] ||
                           (n->loop[k].kind == EC_LOOP_TEMPORAL && n->loop[k].dim != EC_DIM_K);
    int64_t R = per_raw, C = per_content, prefix = 1;
    for (int k = 0; k < n->first[c]; k++) {
        const hn_loop *lp = &n->loop[k];
        if (lp->kind != EC_LOOP_TEMPORAL) continue;
        int relevant = relevant_from[k];
        int64_t steps, r1 = per_raw, c1 = per_content;
        OVF(ck_mul(prefix, lp->n - 1, &steps));
        OVF(ck_mul(prefix, lp->n, &prefix));
        if (!relevant) continue;
        if (reuse == EC_REUSE_SLIDE && k == last && lp->dim != EC_DIM_N && lp->dim != EC_DIM_G &&
            lp->dim != EC_DIM_C && lp->dim != EC_DIM_K) {
            int rows = lp->dim == EC_DIM_P || lp->dim == EC_DIM_R;
            const ec_axis *a = rows ? &ah : &aw;
            int64_t F = rows ? FH : FW;
            int64_t shift = lp->stride * (lp->dim == EC_DIM_P || lp->dim == EC_DIM_Q ? a->stride : a->dilation);
            int64_t part = shift < F ? shift : F;
            r1 = r1 / F * part; /* exact: F divides the product */
            c1 = c1 / F * part;
        }
        OVF(ck_mul(steps, r1, &r1) || ck_add(R, r1, &R));
        OVF(ck_mul(steps, c1, &c1) || ck_add(C, c1, &C));
    }
    *raw = R;
    *content = C;
    return EC_OK;
}

/* Inputs received by level c (1..L) and sent by level c - 1. */
static ec_status flow_inputs(const ec_shape *s, const ec_hier_nest *n, int c, ec_reuse reuse,
                             ec_hier_axis_cache *cache, int64_t *raw, int64_t *content)
{
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    if (hb_unclipped(&ah) && hb_unclipped(&aw))
        return flow_inputs_translates(s, n, c, reuse, raw, content);
    const int64_t *t = n->span[c];
    int64_t chan = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_C];
    int64_t PS = 1, CR = 1, CD = 1;
    for (int k = 0; k < n->first[c]; k++) {
        const hn_loop *lp = &n->loop[k];
        if (lp->kind == EC_LOOP_TEMPORAL || !nonaxis_input_dim(lp->dim)) continue;
        if (lp->level < c - 1) PS *= lp->n;
        else {
            CR *= lp->n;
            if (lp->dim != EC_DIM_K) CD *= lp->n;
        }
    }
    int last = -1; /* the innermost temporal loop above c */
    for (int k = 0; k < n->first[c]; k++)
        if (n->loop[k].kind == EC_LOOP_TEMPORAL) last = k;
    int64_t R = 0, C = 0;
    hx_memo memo_h, memo_w;
    memo_h.n = memo_w.n = 0;
    int axl_h[HX_MAXL], axl_w[HX_MAXL], nh = 0, nw = 0; /* each axis's loops, found once */
    for (int k = 0; k < n->first[c]; k++) {
        ec_dim d = n->loop[k].dim;
        if (d == EC_DIM_P || d == EC_DIM_R) axl_h[nh++] = k;
        else if (d == EC_DIM_Q || d == EC_DIM_S) axl_w[nw++] = k;
    }
    for (int pos = -1; pos < n->first[c]; pos++) {
        int64_t mult = PS;
        int slide_h = 0, slide_w = 0;
        if (pos >= 0) {
            const hn_loop *lp = &n->loop[pos];
            if (lp->kind != EC_LOOP_TEMPORAL) continue;
            int relevant = lp->dim != EC_DIM_K;
            for (int k = pos + 1; k < n->first[c]; k++)
                if (n->loop[k].kind == EC_LOOP_TEMPORAL && n->loop[k].dim != EC_DIM_K) relevant = 1;
            if (!relevant) continue;
            for (int k = 0; k < pos; k++)
                if (n->loop[k].kind == EC_LOOP_TEMPORAL && nonaxis_input_dim(n->loop[k].dim))
                    OVF(ck_mul(mult, n->loop[k].n, &mult));
            if (nonaxis_input_dim(lp->dim)) OVF(ck_mul(mult, lp->n - 1, &mult));
            if (reuse == EC_REUSE_SLIDE && pos == last) {
                slide_h = lp->dim == EC_DIM_P || lp->dim == EC_DIM_R;
                slide_w = lp->dim == EC_DIM_Q || lp->dim == EC_DIM_S;
            }
        }
        for (int dedup = 0; dedup < 2; dedup++) {
            hx_axis_run rh = {n, &ah, EC_DIM_P, EC_DIM_R, c, pos, slide_h, dedup, axl_h, nh};
            hx_axis_run rw = {n, &aw, EC_DIM_Q, EC_DIM_S, c, pos, slide_w, dedup, axl_w, nw};
            int64_t sh, sw, v;
            ec_status st = axis_sum(&rh, &memo_h, cache, &sh);
            if (st == EC_OK) st = axis_sum(&rw, &memo_w, cache, &sw);
            if (st) return st;
            OVF(ck_mul(mult, dedup ? CD : CR, &v) || ck_mul(v, chan, &v) || ck_mul(v, sh, &v) ||
                ck_mul(v, sw, &v));
            OVF(ck_add(dedup ? C : R, v, dedup ? &C : &R));
        }
    }
    *raw = R;
    *content = C;
    return EC_OK;
}

/* Weights or outputs received by level c (1..L): every change of a relevant
 * index brings a whole new tile (tiles of one level are disjoint). */
static ec_status flow_box(const ec_hier_nest *n, int c, ec_tensor x, int64_t *raw,
                          int64_t *content)
{
    const int64_t *t = n->span[c];
    int64_t tile = 1;
    for (int d = 0; d < EC_NDIMS; d++)
        if (ec_relevant(x, (ec_dim)d)) tile *= t[d];
    /* A step at k changes a relevant index iff loop k or a temporal loop
     * inside it (above c) is relevant: scan from the inside out. */
    int relevant_from[EC_HLOOPS + 1];
    relevant_from[n->first[c]] = 0;
    for (int k = n->first[c] - 1; k >= 0; k--)
        relevant_from[k] = relevant_from[k + 1] ||
                           (n->loop[k].kind == EC_LOOP_TEMPORAL && ec_relevant(x, n->loop[k].dim));
    int64_t loads = 1, prefix = 1;
    for (int k = 0; k < n->first[c]; k++) {
        const hn_loop *lp = &n->loop[k];
        if (lp->kind != EC_LOOP_TEMPORAL) continue;
        int64_t steps;
        OVF(ck_mul(prefix, lp->n - 1, &steps));
        if (relevant_from[k]) OVF(ck_add(loads, steps, &loads));
        OVF(ck_mul(prefix, lp->n, &prefix));
    }
    int64_t distinct = 1;
    for (int k = n->spatial[c - 1]; k < n->first[c]; k++)
        if (ec_relevant(x, n->loop[k].dim)) distinct *= n->loop[k].n;
    int64_t per = 0;
    OVF(ck_mul(loads, tile, &per));
    OVF(ck_mul(per, n->instances[c], raw));
    OVF(ck_mul(per, n->instances[c - 1], content) || ck_mul(*content, distinct, content));
    return EC_OK;
}

/* The MACs below level L: every MAC reads each operand; the MACs of one
 * instance of level L at one step that share an operand read it once. */
static ec_status flow_macs(const ec_shape *s, const ec_hier_nest *n, ec_tensor x, int64_t *raw,
                           int64_t *content)
{
    int L = n->L;
    int64_t below = 1, distinct = 1;
    for (int k = n->spatial[L]; k < n->first[L + 1]; k++) {
        below *= n->loop[k].n;
        if (x != EC_TENSOR_I && ec_relevant(x, n->loop[k].dim)) distinct *= n->loop[k].n;
        if (x == EC_TENSOR_I && (n->loop[k].dim == EC_DIM_N || n->loop[k].dim == EC_DIM_G ||
                                 n->loop[k].dim == EC_DIM_C))
            distinct *= n->loop[k].n;
    }
    if (x == EC_TENSOR_I) {
        /* Distinct virtual rows p*sh + r*dh (and columns) among the MACs. */
        for (int axis = 0; axis < 2; axis++) {
            ec_dim dp = axis ? EC_DIM_Q : EC_DIM_P, dr = axis ? EC_DIM_S : EC_DIM_R;
            int64_t sp = axis ? s->sw : s->sh, sd = axis ? s->dw : s->dh;
            /* Spatial X and Y may both split one dimension; the X loop's
             * stride is the Y loop's factor, so together they cover a
             * contiguous range: their product. */
            int64_t cp = 1, cr = 1;
            for (int k = n->spatial[L]; k < n->first[L + 1]; k++) {
                if (n->loop[k].dim == dp) cp *= n->loop[k].n;
                if (n->loop[k].dim == dr) cr *= n->loop[k].n;
            }
            /* count |{p*sp + r*sd : p < cp, r < cr}| */
            int64_t cnt = 0;
            if (cp * cr > (int64_t)1 << 22) return EC_E_LIMIT;
            for (int64_t v = 0; v <= (cp - 1) * sp + (cr - 1) * sd; v++) {
                int hit = 0;
                for (int64_t r = 0; r < cr && !hit; r++) {
                    int64_t rest = v - r * sd;
                    if (rest >= 0 && rest % sp == 0 && rest / sp < cp) hit = 1;
                }
                cnt += hit;
            }
            distinct *= cnt;
        }
    }
    *raw = s->macs;
    OVF(ck_mul(s->macs / below, distinct, content));
    return EC_OK;
}

ec_status ec_hier_flow_closed(const ec_shape *s, const ec_hier_nest *n, ec_reuse reuse,
                              ec_hier_flow *f, char *msg)
{
    return ec_hier_flow_cached(s, n, reuse, NULL, f, msg);
}

ec_status ec_hier_flow_cached(const ec_shape *s, const ec_hier_nest *n, ec_reuse reuse,
                              ec_hier_axis_cache *cache, ec_hier_flow *f, char *msg)
{
    if (cache && cache->shape != s) cache = NULL; /* kept for another layer */
    f->macs = s->macs;
    int L = n->L;
    for (int x = 0; x < EC_NTENSORS; x++) {
        for (int c = 1; c <= L + 1; c++) {
            ec_status st;
            int64_t raw, content;
            if (c == L + 1) st = flow_macs(s, n, (ec_tensor)x, &raw, &content);
            else if (x == EC_TENSOR_I) st = flow_inputs(s, n, c, reuse, cache, &raw, &content);
            else st = flow_box(n, c, (ec_tensor)x, &raw, &content);
            if (st != EC_OK) {
                ec_msg(msg, st == EC_E_LIMIT ? "hierarchy: level %d: more than 1024 sibling tiles to "
                                               "compare on one axis"
                                             : "hierarchy: level %d: a count exceeds 64 bits", c);
                return st;
            }
            f->raw[x][c] = raw;
            f->content[x][c - 1] = content;
        }
    }
    /* Each instance of level c holds its share of the outputs; instances
     * that differ only in dimensions outside Rel(O) hold the same share. */
    for (int c = 0; c <= L + 1; c++) {
        int64_t p = s->size_O;
        for (int k = 0; k < n->first[c]; k++)
            if (n->loop[k].kind != EC_LOOP_TEMPORAL && !ec_relevant(EC_TENSOR_O, n->loop[k].dim))
                if (ck_mul(p, n->loop[k].n, &p)) {
                    ec_msg(msg, "hierarchy: level %d: a count exceeds 64 bits", c);
                    return EC_E_OVERFLOW;
                }
        f->partition_O[c] = p;
    }
    return EC_OK;
}
