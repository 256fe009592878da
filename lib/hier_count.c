/* The flows of a hierarchy by walking the mapping's loop nest
 * (docs/hierarchy.md, "The walk"): every step of the temporal loops above a
 * level, every instance, every tile enumerated point by point. Written
 * apart from hier_eval.c (it includes nothing of it, nor footprint.c): an
 * independent check of the closed form, whose cost grows with the nest. */
#include "hier_internal.h"

#include "checked.h"

#include <string.h>

#define WALK_LIMIT ((int64_t)1 << 27) /* steps x instances, and tile points */

/* A region of one tensor's data: a box over its five data dimensions, one
 * of which may be cut into two runs (what is new after a slide). */
typedef struct wk_region {
    int64_t lo[5], hi[5];
    int64_t lo2, hi2; /* second run of dimension `cut`, or lo2 > hi2 */
    int cut;
} wk_region;

static int64_t region_size(const wk_region *r)
{
    int64_t s = 1;
    for (int i = 0; i < 5; i++) {
        int64_t len = r->hi[i] >= r->lo[i] ? r->hi[i] - r->lo[i] + 1 : 0;
        if (i == r->cut && r->hi2 >= r->lo2) len += r->hi2 - r->lo2 + 1;
        s *= len;
    }
    return s;
}

/* The real rows read by outputs [p0, p0+np) and taps [r0, r0+nr): every
 * pair visited; their smallest and largest. */
static void rows_of(int64_t p0, int64_t np, int64_t r0, int64_t nr, int64_t st, int64_t dl,
                    int64_t pad, int64_t H, int64_t *lo, int64_t *hi)
{
    *lo = INT64_MAX;
    *hi = INT64_MIN;
    for (int64_t p = p0; p < p0 + np; p++)
        for (int64_t r = r0; r < r0 + nr; r++) {
            int64_t row = p * st + r * dl - pad;
            if (row < 0 || row >= H) continue;
            if (row < *lo) *lo = row;
            if (row > *hi) *hi = row;
        }
    if (*lo > *hi) {
        *lo = 0;
        *hi = -1;
    }
}

/* The tile of tensor x whose iteration ranges start at base with the spans
 * of level c. Data dimensions: I (N, G, C, rows, columns), W (G, K, C, R,
 * S), O (N, G, K, P, Q). */
static wk_region tile_of(const ec_shape *s, int x, const int64_t base[EC_NDIMS],
                         const int64_t span[EC_NDIMS])
{
    wk_region r;
    memset(&r, 0, sizeof r);
    r.lo2 = 0;
    r.hi2 = -1;
    r.cut = -1;
    static const ec_dim dims[3][5] = {
        {EC_DIM_N, EC_DIM_G, EC_DIM_C, EC_DIM_P, EC_DIM_Q},
        {EC_DIM_G, EC_DIM_K, EC_DIM_C, EC_DIM_R, EC_DIM_S},
        {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_P, EC_DIM_Q},
    };
    for (int i = 0; i < 5; i++) {
        ec_dim d = dims[x][i];
        r.lo[i] = base[d];
        r.hi[i] = base[d] + span[d] - 1;
    }
    if (x == EC_TENSOR_I) {
        rows_of(base[EC_DIM_P], span[EC_DIM_P], base[EC_DIM_R], span[EC_DIM_R], s->sh, s->dh, s->pt,
                s->H, &r.lo[3], &r.hi[3]);
        rows_of(base[EC_DIM_Q], span[EC_DIM_Q], base[EC_DIM_S], span[EC_DIM_S], s->sw, s->dw, s->pl,
                s->W, &r.lo[4], &r.hi[4]);
    }
    return r;
}

/* The runs of `now` on dimension i that `before` does not cover, found by
 * scanning the points of `now`. */
static wk_region minus_on(const wk_region *now, const wk_region *before, int i)
{
    wk_region r = *now;
    r.cut = i;
    int runs = 0;
    int64_t lo[2] = {0, 0}, hi[2] = {-1, -1};
    int open = 0;
    for (int64_t v = now->lo[i]; v <= now->hi[i]; v++) {
        int fresh = v < before->lo[i] || v > before->hi[i];
        if (fresh && !open) {
            if (runs == 2) break; /* cannot happen: an interval minus an interval */
            lo[runs] = hi[runs] = v;
            runs++;
            open = 1;
        } else if (fresh) {
            hi[runs - 1] = v;
        } else {
            open = 0;
        }
    }
    r.lo[i] = lo[0];
    r.hi[i] = hi[0];
    r.lo2 = lo[1];
    r.hi2 = hi[1];
    if (runs == 0) {
        r.lo[i] = 0;
        r.hi[i] = -1;
    }
    return r;
}

typedef struct walker {
    const ec_shape *s;
    const ec_hier_nest *n;
    int c;             /* level whose instances receive */
    int nl;            /* loops above c */
    int64_t idx[EC_HLOOPS];
} walker;

static void base_of(const walker *w, int64_t base[EC_NDIMS])
{
    for (int d = 0; d < EC_NDIMS; d++) base[d] = 0;
    for (int k = 0; k < w->nl; k++) base[w->n->loop[k].dim] += w->idx[k] * w->n->loop[k].stride;
}

/* Advance the loops k with pick(k) true, innermost first; 0 when done. */
static int advance(walker *w, int kind_lo, int kind_hi, int level_lo, int level_hi)
{
    for (int k = w->nl - 1; k >= 0; k--) {
        const hn_loop *lp = &w->n->loop[k];
        if ((int)lp->kind < kind_lo || (int)lp->kind > kind_hi) continue;
        if (lp->level < level_lo || lp->level > level_hi) continue;
        if (++w->idx[k] < lp->n) return 1;
        w->idx[k] = 0;
    }
    return 0;
}

static ec_status walk_level(const ec_shape *s, const ec_hier_nest *n, int x, int c,
                            ec_reuse reuse, int64_t *raw_out, int64_t *content_out,
                            const ec_allocator *al, char *msg)
{
    int L = n->L;
    walker w = {s, n, c, n->first[c], {0}};
    int64_t inst = n->instances[c], steps = 1;
    for (int k = 0; k < w.nl; k++)
        if (n->loop[k].kind == EC_LOOP_TEMPORAL && ck_mul(steps, n->loop[k].n, &steps))
            steps = INT64_MAX;
    int64_t work;
    if (ck_mul(steps, inst, &work) || work > WALK_LIMIT) {
        ec_msg(msg, "count: level %d: %lld steps x %lld instances is beyond the walk's limit 2^27",
               c, (long long)steps, (long long)inst);
        return EC_E_LIMIT;
    }
    int last = -1;
    for (int k = 0; k < w.nl; k++)
        if (n->loop[k].kind == EC_LOOP_TEMPORAL) last = k;
    int64_t children = n->instances[c] / n->instances[c - 1];
    wk_region *prev = ec_calloc(al, (size_t)inst, sizeof *prev);
    wk_region *seen = ec_calloc(al, (size_t)children, sizeof *seen);
    int64_t *tprev = ec_calloc(al, EC_HLOOPS, sizeof *tprev);
    if (!prev || !seen || !tprev) {
        ec_free(al, prev);
        ec_free(al, seen);
        ec_free(al, tprev);
        ec_msg(msg, "count: out of memory");
        return EC_E_NOMEM;
    }
    int64_t raw = 0, content = 0;
    int first = 1;
    for (;;) {
        /* which temporal loops changed since the previous step */
        int changed_relevant = first, nchanged = 0, only = -1;
        if (!first)
            for (int k = 0; k < w.nl; k++)
                if (n->loop[k].kind == EC_LOOP_TEMPORAL && w.idx[k] != tprev[k]) {
                    nchanged++;
                    only = k;
                    ec_dim d = n->loop[k].dim;
                    if (c == L + 1 || ec_relevant((ec_tensor)x, d)) changed_relevant = 1;
                }
        int slide = !first && reuse == EC_REUSE_SLIDE && x == EC_TENSOR_I && nchanged == 1 &&
                    only == last &&
                    (n->loop[only].dim == EC_DIM_P || n->loop[only].dim == EC_DIM_R ||
                     n->loop[only].dim == EC_DIM_Q || n->loop[only].dim == EC_DIM_S);
        /* every parent instance, every child of it */
        for (int k = 0; k < w.nl; k++)
            if (n->loop[k].kind != EC_LOOP_TEMPORAL) w.idx[k] = 0;
        int64_t id = 0;
        do {
            int nseen = 0;
            do {
                int64_t base[EC_NDIMS];
                base_of(&w, base);
                wk_region now;
                if (c == L + 1) {
                    int64_t one[EC_NDIMS];
                    for (int d = 0; d < EC_NDIMS; d++) one[d] = 1;
                    now = tile_of(s, x, base, one);
                    if (x == EC_TENSOR_I) { /* the operand, padding or not */
                        now.lo[3] = now.hi[3] = base[EC_DIM_P] * s->sh + base[EC_DIM_R] * s->dh;
                        now.lo[4] = now.hi[4] = base[EC_DIM_Q] * s->sw + base[EC_DIM_S] * s->dw;
                    }
                } else {
                    now = tile_of(s, x, base, n->span[c]);
                }
                wk_region got = now;
                if (c <= L && !changed_relevant) got.hi[0] = got.lo[0] - 1; /* nothing new */
                else if (c <= L && slide) {
                    int axis = n->loop[only].dim == EC_DIM_P || n->loop[only].dim == EC_DIM_R ? 3 : 4;
                    got = minus_on(&now, &prev[id], axis);
                }
                prev[id] = now;
                int64_t size = region_size(&got);
                raw += size;
                if (size > 0) {
                    int dup = 0;
                    for (int q = 0; q < nseen && !dup; q++) {
                        /* equal sets: same size and every dimension equal */
                        const wk_region *a = &seen[q];
                        dup = 1;
                        for (int i = 0; i < 5 && dup; i++) {
                            int64_t al1 = a->lo[i], ah1 = a->hi[i], bl1 = got.lo[i], bh1 = got.hi[i];
                            int64_t al2 = i == a->cut ? a->lo2 : 0, ah2 = i == a->cut ? a->hi2 : -1;
                            int64_t bl2 = i == got.cut ? got.lo2 : 0, bh2 = i == got.cut ? got.hi2 : -1;
                            dup = al1 == bl1 && ah1 == bh1 && al2 == bl2 && ah2 == bh2;
                        }
                    }
                    if (!dup) {
                        seen[nseen++] = got;
                        content += size;
                    }
                }
                id++;
            } while (advance(&w, EC_LOOP_SPATIAL_X, EC_LOOP_SPATIAL_Y, c - 1, c - 1));
        } while (advance(&w, EC_LOOP_SPATIAL_X, EC_LOOP_SPATIAL_Y, 0, c - 2));
        for (int k = 0; k < w.nl; k++) tprev[k] = w.idx[k];
        first = 0;
        if (!advance(&w, EC_LOOP_TEMPORAL, EC_LOOP_TEMPORAL, 0, c - 1)) break;
    }
    ec_free(al, prev);
    ec_free(al, seen);
    ec_free(al, tprev);
    *raw_out = raw;
    *content_out = content;
    return EC_OK;
}

/* The outputs each instance of level c touches over the whole walk, marked
 * word by word, summed over the instances. */
static ec_status partition_outputs(const ec_shape *s, const ec_hier_nest *n, int c, int64_t *out,
                                   const ec_allocator *al, char *msg)
{
    walker w = {s, n, c, n->first[c], {0}};
    int64_t size = s->size_O, total = 0;
    if (size > WALK_LIMIT) {
        ec_msg(msg, "count: %lld outputs is beyond the walk's limit 2^27", (long long)size);
        return EC_E_LIMIT;
    }
    unsigned char *mark = ec_calloc(al, (size_t)size, 1);
    if (!mark) {
        ec_msg(msg, "count: out of memory");
        return EC_E_NOMEM;
    }
    int64_t work = 0;
    do { /* every instance */
        memset(mark, 0, (size_t)size);
        for (int k = 0; k < w.nl; k++)
            if (n->loop[k].kind == EC_LOOP_TEMPORAL) w.idx[k] = 0;
        do { /* every step */
            int64_t base[EC_NDIMS];
            base_of(&w, base);
            const int64_t *t = n->span[c];
            for (int64_t b = base[EC_DIM_N]; b < base[EC_DIM_N] + t[EC_DIM_N]; b++)
                for (int64_t g = base[EC_DIM_G]; g < base[EC_DIM_G] + t[EC_DIM_G]; g++)
                    for (int64_t k = base[EC_DIM_K]; k < base[EC_DIM_K] + t[EC_DIM_K]; k++)
                        for (int64_t p = base[EC_DIM_P]; p < base[EC_DIM_P] + t[EC_DIM_P]; p++)
                            for (int64_t q = base[EC_DIM_Q]; q < base[EC_DIM_Q] + t[EC_DIM_Q]; q++) {
                                int64_t i = (((b * s->G + g) * s->Kg + k) * s->P + p) * s->Q + q;
                                total += !mark[i];
                                mark[i] = 1;
                                if (++work > WALK_LIMIT * 4) {
                                    ec_free(al, mark);
                                    ec_msg(msg, "count: the output partitions are beyond the "
                                           "walk's limit 2^29 points");
                                    return EC_E_LIMIT;
                                }
                            }
        } while (advance(&w, EC_LOOP_TEMPORAL, EC_LOOP_TEMPORAL, 0, c - 1));
    } while (advance(&w, EC_LOOP_SPATIAL_X, EC_LOOP_SPATIAL_Y, 0, c - 1));
    ec_free(al, mark);
    *out = total;
    return EC_OK;
}

ec_status ec_hier_flow_walk(const ec_shape *s, const ec_hier_nest *n, ec_reuse reuse,
                            ec_hier_flow *f, const ec_allocator *al, char *msg)
{
    memset(f, 0, sizeof *f);
    f->macs = s->macs;
    for (int x = 0; x < EC_NTENSORS; x++)
        for (int c = 1; c <= n->L + 1; c++) {
            ec_status st = walk_level(s, n, x, c, reuse, &f->raw[x][c], &f->content[x][c - 1], al, msg);
            if (st) return st;
        }
    for (int c = 0; c <= n->L; c++) {
        ec_status st = partition_outputs(s, n, c, &f->partition_O[c], al, msg);
        if (st) return st;
    }
    return EC_OK;
}
