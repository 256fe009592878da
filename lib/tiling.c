/* MODEL.md section 6: explicit tiles checked, automatic ones chosen.
 *
 * The automatic choice is the minimum-energy tiling among balanced tilings
 * (t_d = ceil(extent_d / b)) that fit, ties to fewer DRAM accesses, then to
 * larger tiles in the loop order. The search is exact; docs/model.md
 * ("Automatic tiling") proves the two reductions it makes:
 *  - for fixed spatial tiles (t_P, t_R, t_Q, t_S) every count is
 *    non-decreasing in B_N, B_G, B_K and B_C, and capacity is monotone, so
 *    for each choice of three of those tiles only the largest feasible
 *    fourth needs evaluating;
 *  - the cost with each of B_N, B_G, B_K, B_C at the least any feasible
 *    tiling can have (its tile at the largest that fits with the other
 *    three smallest) bounds every completion of a spatial choice from
 *    below, so a spatial choice whose bound is worse than the best tiling
 *    found is skipped; so is one whose order-free bound (every reuse factor
 *    1) is. */
#include "tiling.h"
#include "checked.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Beyond this many balanced tiles (extents beyond about 2^38) the search
 * would take too long; such dimensions need an explicit tile. */
#define MAX_CANDIDATES ((size_t)1 << 20)

/* Number of distinct balanced tiles of an extent; fills t if non-NULL. The
 * b giving tile t are those with E/b <= t < E/b + 1, so after t the next
 * smaller tile starts at b = ceil(E / (t - 1)). */
static size_t balanced(int64_t E, int64_t *t)
{
    size_t n = 0;
    for (int64_t b = 1; b <= E;) {
        int64_t tile = ceil_div(E, b);
        if (t) t[n] = tile;
        n++;
        if (tile == 1) break;
        b = ceil_div(E, tile - 1);
    }
    return n;
}

static void set_blocks(ec_plan *p, const ec_shape *s)
{
    for (int d = 0; d < EC_NDIMS; d++) p->blocks[d] = ceil_div(s->extent[d], p->tile[d]);
}

int ec_score_better(const ec_score *a, const ec_score *b, const ec_dim order[EC_NDIMS])
{
    if (a->energy != b->energy) return a->energy < b->energy;
    if (a->dram != b->dram) return a->dram < b->dram;
    for (int i = 0; i < EC_NDIMS; i++) {
        int64_t x = a->tile[order[i]], y = b->tile[order[i]];
        if (x != y) return x > y;
    }
    return 0;
}

/* Score of the working plan's tiles, or 0 if a count overflows. */
static int evaluate(ec_tiler *t, const ec_pair *h, const ec_pair *w, ec_score *out)
{
    ec_counts c;
    set_blocks(&t->plan, t->shape);
    if (cf_counts(t->shape, &t->plan, &h->sums, &w->sums, &c, NULL)) return 0;
    out->energy = ec_energy_total(t->memory, &c);
    out->dram = c.dram_write[EC_TENSOR_O]; /* the sum fits: checked by cf_counts */
    for (int i = 0; i < EC_NTENSORS; i++) out->dram += c.dram_read[i];
    memcpy(out->tile, t->plan.tile, sizeof out->tile);
    return 1;
}

static int fits(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    int64_t cap[EC_NTENSORS];
    cf_capacity(&t->plan, &h->sums, &w->sums, cap);
    return ec_memory_fits(t->memory, cap, NULL) == EC_OK;
}

static void set_spatial(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    t->plan.tile[EC_DIM_P] = h->tp;
    t->plan.tile[EC_DIM_R] = h->tr;
    t->plan.tile[EC_DIM_Q] = w->tp;
    t->plan.tile[EC_DIM_S] = w->tr;
}

/* N, G, K, C: the channel-like dimensions whose tiles only scale counts. */
static const ec_dim chan[4] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C};

static void set_chan(ec_tiler *t, int smallest)
{
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        t->plan.tile[chan[i]] = smallest ? c->t[c->n - 1] : c->t[0];
    }
}

static void consider(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    ec_score sc;
    if (!evaluate(t, h, w, &sc)) {
        t->overflowed = 1;
        return;
    }
    if (!t->have_best || ec_score_better(&sc, &t->best, t->plan.order)) {
        t->best = sc;
        t->have_best = 1;
    }
}

/* All tilings of one spatial choice worth evaluating: every combination of
 * three channel tiles with the largest feasible tile of the fourth (the
 * free one with the most candidates, found by bisection). */
static void explore(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    int last = 3;
    for (int i = 0; i < 4; i++)
        if (t->c[chan[i]].n > t->c[chan[last]].n) last = i;
    const ec_cand *lc = &t->c[chan[last]];
    size_t idx[4] = {0, 0, 0, 0}, lo = lc->n;
    int walk = 0; /* lo is feasible for a larger tiling: walk down from it */
    for (;;) {
        for (int i = 0; i < 4; i++)
            if (i != last) t->plan.tile[chan[i]] = t->c[chan[i]].t[idx[i]];
        /* The first feasible candidate of the last dimension (feasibility is
         * monotone in its tile; candidates descend). When only the fastest
         * index moved, the tiling shrank, so the previous answer is still
         * feasible and the new one is at or before it. */
        if (walk) {
            while (lo > 0) {
                t->plan.tile[chan[last]] = lc->t[lo - 1];
                if (!fits(t, h, w)) break;
                lo--;
            }
        } else {
            size_t hi = lc->n;
            lo = 0;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                t->plan.tile[chan[last]] = lc->t[mid];
                if (fits(t, h, w)) hi = mid;
                else lo = mid + 1;
            }
        }
        if (lo < lc->n) {
            t->plan.tile[chan[last]] = lc->t[lo];
            consider(t, h, w);
        }
        int i = 0, first = 1;
        for (; i < 4; i++) {
            if (i == last) continue;
            if (++idx[i] < t->c[chan[i]].n) break;
            idx[i] = 0;
            first = 0;
        }
        if (i == 4) return;
        walk = first && lo < lc->n;
    }
}

/* Fills chan_max[k] (see tiling.h) for the spatial choice set in the plan. */
static void channel_maxima(ec_tiler *t, size_t k, const ec_pair *h, const ec_pair *w)
{
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        size_t lo = 0, hi = c->n;
        set_chan(t, 1);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            t->plan.tile[chan[i]] = c->t[mid];
            if (fits(t, h, w)) hi = mid;
            else lo = mid + 1;
        }
        /* The spatial choice fits with every channel tile smallest, so the
         * smallest candidate at least is feasible. */
        t->chan_max[k][i] = c->t[lo < c->n ? lo : c->n - 1];
    }
}

static ec_status make_pairs(ec_tiler *t, const ec_axis *a, const ec_cand *cp, const ec_cand *cr,
                            ec_pair **out, size_t *n)
{
    if (cp->n > MAX_CANDIDATES / cr->n) return EC_E_LIMIT;
    ec_pair *v = ec_calloc(t->al, cp->n * cr->n, sizeof *v);
    if (!v) return EC_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < cp->n; i++) {
        for (size_t j = 0; j < cr->n; j++) {
            v[k].tp = cp->t[i];
            v[k].tr = cr->t[j];
            /* A footprint sum that overflows rules the pair out. */
            if (fp_axis_sums(a, t->plan.footprint, v[k].tp, v[k].tr, FP_ALL, &v[k].sums) == EC_OK)
                k++;
        }
    }
    *out = v;
    *n = k;
    return EC_OK;
}

void ec_tiler_free(ec_tiler *t)
{
    ec_free(t->al, t->bound);
    ec_free(t->al, t->rank);
    ec_free(t->al, t->chan_max);
    t->rank = NULL;
    t->chan_max = NULL;
    ec_free(t->al, t->hp);
    ec_free(t->al, t->wp);
    ec_free(t->al, t->store);
    t->bound = NULL;
    t->hp = t->wp = NULL;
    t->store = NULL;
}

/* A bound for every order at once: each reuse factor is at least 1 and the
 * input factor at least the smallest of its variants, so the counts below
 * are at most those of any tiling and order extending the spatial choice
 * (and floating-point pricing is monotone). */
static double order_free_bound(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    const ec_shape *s = t->shape;
    ec_counts c;
    int64_t fh = h->sums.sum, fw = w->sums.sum, v;
    if (h->sums.slide_p < fh) fh = h->sums.slide_p;
    if (h->sums.slide_r < fh) fh = h->sums.slide_r;
    if (w->sums.slide_p < fw) fw = w->sums.slide_p;
    if (w->sums.slide_r < fw) fw = w->sums.slide_r;
    memset(&c, 0, sizeof c);
    if (ck_mul(s->N * s->G * s->Cg, fh, &v) || ck_mul(v, fw, &v)) return INFINITY;
    c.dram_read[EC_TENSOR_I] = c.buf_write[EC_TENSOR_I] = v;
    c.dram_read[EC_TENSOR_W] = c.buf_write[EC_TENSOR_W] = s->size_W;
    c.dram_write[EC_TENSOR_O] = s->size_O;
    c.buf_write[EC_TENSOR_O] = s->macs;
    c.buf_read[EC_TENSOR_I] = c.buf_read[EC_TENSOR_W] = s->macs;
    c.buf_read[EC_TENSOR_O] = s->macs - s->size_O;
    c.macs = s->macs;
    return ec_energy_total(t->memory, &c);
}

/* Sorts rank[0..n) by bound, ties by index (a stable, total order). */
static void sort_rank(size_t *rank, size_t n, const double *bound)
{
    /* Shell sort: no allocation, no comparator context, O(n^1.3) here. */
    static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        for (size_t i = gaps[g]; i < n; i++) {
            size_t v = rank[i], j = i;
            for (; j >= gaps[g]; j -= gaps[g]) {
                size_t u = rank[j - gaps[g]];
                if (bound[u] < bound[v] || (bound[u] == bound[v] && u < v)) break;
                rank[j] = u;
            }
            rank[j] = v;
        }
    }
}

static void order_free_bounds(ec_tiler *t)
{
    t->nrank = 0;
    for (size_t k = 0; k < t->nh * t->nw; k++) {
        const ec_pair *h = &t->hp[k / t->nw], *w = &t->wp[k % t->nw];
        set_spatial(t, h, w);
        set_chan(t, 1);
        t->bound[k] = fits(t, h, w) ? order_free_bound(t, h, w) : NAN;
        if (!isnan(t->bound[k])) t->rank[t->nrank++] = k;
    }
    sort_rank(t->rank, t->nrank, t->bound);
}

ec_status ec_tiler_init(ec_tiler *t, const ec_shape *shape, const ec_memory *memory,
                        const ec_plan *plan, const ec_allocator *al, char *msg)
{
    memset(t, 0, sizeof *t);
    t->al = al;
    t->shape = shape;
    t->memory = memory;
    t->plan = *plan;
    size_t total = 0;
    for (int d = 0; d < EC_NDIMS; d++) {
        size_t n = plan->tile[d] ? 1 : balanced(shape->extent[d], NULL);
        if (n > MAX_CANDIDATES) {
            ec_msg(msg, "automatic tiling: extent %c = %lld has more than 2^20 balanced tiles; "
                        "set its tile explicitly", ec_dim_letters[d], (long long)shape->extent[d]);
            return EC_E_LIMIT;
        }
        total += n;
    }
    if (!(t->store = ec_calloc(al, total, sizeof *t->store))) goto nomem;
    int64_t *next = t->store;
    for (int d = 0; d < EC_NDIMS; d++) {
        t->c[d].t = next;
        if (plan->tile[d]) {
            next[0] = plan->tile[d];
            t->c[d].n = 1;
        } else {
            t->c[d].n = balanced(shape->extent[d], next);
        }
        next += t->c[d].n;
    }
    ec_axis ah = ec_shape_axis_h(shape), aw = ec_shape_axis_w(shape);
    ec_status st = make_pairs(t, &ah, &t->c[EC_DIM_P], &t->c[EC_DIM_R], &t->hp, &t->nh);
    if (!st) st = make_pairs(t, &aw, &t->c[EC_DIM_Q], &t->c[EC_DIM_S], &t->wp, &t->nw);
    if (!st && t->nh && t->nw > MAX_CANDIDATES / t->nh) st = EC_E_LIMIT;
    if (!st && !(t->bound = ec_calloc(al, t->nh * t->nw + 1, sizeof *t->bound))) st = EC_E_NOMEM;
    if (!st && !(t->rank = ec_calloc(al, t->nh * t->nw + 1, sizeof *t->rank))) st = EC_E_NOMEM;
    if (!st && !(t->chan_max = ec_calloc(al, t->nh * t->nw + 1, sizeof *t->chan_max))) st = EC_E_NOMEM;
    if (st == EC_E_NOMEM) goto nomem;
    if (st) {
        ec_msg(msg, "automatic tiling: more than 2^20 spatial tilings to search; set some "
                    "tiles explicitly");
        ec_tiler_free(t);
        return st;
    }
    order_free_bounds(t);
    return EC_OK;
nomem:
    ec_msg(msg, "automatic tiling: out of memory");
    ec_tiler_free(t);
    return EC_E_NOMEM;
}

/* Dimensions with a single tile in every tiling of spatial choice k. */
static unsigned single_tile(const ec_tiler *t, size_t k)
{
    const ec_shape *s = t->shape;
    const ec_pair *h = &t->hp[k / t->nw], *w = &t->wp[k % t->nw];
    unsigned m = (h->tp == s->P ? 1u << EC_DIM_P : 0) | (h->tr == s->R ? 1u << EC_DIM_R : 0) |
                 (w->tp == s->Q ? 1u << EC_DIM_Q : 0) | (w->tr == s->S ? 1u << EC_DIM_S : 0);
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        if (c->n == 1 && c->t[0] == s->extent[chan[i]]) m |= 1u << chan[i];
    }
    return m;
}

int ec_tiler_search(ec_tiler *t, const ec_dim order[EC_NDIMS], unsigned needs,
                    const ec_score *incumbent, ec_score *out)
{
    memcpy(t->plan.order, order, sizeof t->plan.order);
    t->have_best = 0;
    /* By increasing order-free bound, until it exceeds the best energy found
     * so far (here or the incumbent); each choice is then checked against
     * this order's own bound (channel tiles whole) before it is explored. */
    for (size_t i = 0; i < t->nrank; i++) {
        size_t k = t->rank[i];
        double best = incumbent ? incumbent->energy : INFINITY;
        if (t->have_best && t->best.energy < best) best = t->best.energy;
        if (t->bound[k] > best) break;
        if (needs & single_tile(t, k)) continue;
        const ec_pair *h = &t->hp[k / t->nw], *w = &t->wp[k % t->nw];
        ec_score lb;
        set_spatial(t, h, w);
        if (!t->chan_max[k][0]) channel_maxima(t, k, h, w);
        for (int c = 0; c < 4; c++) t->plan.tile[chan[c]] = t->chan_max[k][c];
        if (!evaluate(t, h, w, &lb)) {
            t->overflowed = 1; /* smaller channel tiles can only count more */
            continue;
        }
        if (lb.energy > best) continue;
        explore(t, h, w);
    }
    if (t->have_best) *out = t->best;
    return t->have_best;
}

ec_status ec_tiler_failure(ec_tiler *t, char *msg)
{
    if (t->overflowed) {
        ec_msg(msg, "automatic tiling: every tiling that fits has a count over 64 bits");
        return EC_E_OVERFLOW;
    }
    /* Report what the smallest tiles would need. */
    char why[EC_MSG_LEN];
    int64_t cap[EC_NTENSORS];
    fp_sums h, w;
    ec_axis ah = ec_shape_axis_h(t->shape), aw = ec_shape_axis_w(t->shape);
    static const ec_dim spatial[4] = {EC_DIM_P, EC_DIM_R, EC_DIM_Q, EC_DIM_S};
    for (int i = 0; i < 4; i++) t->plan.tile[spatial[i]] = t->c[spatial[i]].t[t->c[spatial[i]].n - 1];
    set_chan(t, 1);
    fp_axis_sums(&ah, t->plan.footprint, t->plan.tile[EC_DIM_P], t->plan.tile[EC_DIM_R], 0, &h);
    fp_axis_sums(&aw, t->plan.footprint, t->plan.tile[EC_DIM_Q], t->plan.tile[EC_DIM_S], 0, &w);
    cf_capacity(&t->plan, &h, &w, cap);
    if (ec_memory_fits(t->memory, cap, why) == EC_OK) snprintf(why, sizeof why, "no balanced tiling fits");
    ec_msg(msg, "automatic tiling: even the smallest tiles do not fit: %s", why);
    return EC_E_CAPACITY;
}

ec_status ec_plan_resolve(const ec_shape *shape, const ec_memory *memory,
                          const ec_dataflow *dataflow, ec_plan *plan,
                          const ec_allocator *al, char *msg)
{
    int any_auto = 0;
    plan->policy = dataflow->policy;
    ec_policy_order(dataflow, plan->order);
    plan->reuse = dataflow->reuse;
    plan->footprint = dataflow->footprint;
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t tile = dataflow->tile[d];
        if (tile > shape->extent[d]) {
            ec_msg(msg, "dataflow: tile %c = %lld exceeds its extent %lld", ec_dim_letters[d],
                   (long long)tile, (long long)shape->extent[d]);
            return EC_E_TILE;
        }
        plan->tile[d] = tile;
        plan->automatic[d] = tile == 0;
        any_auto |= tile == 0;
    }
    if (!any_auto && plan->policy != EC_POLICY_OPTIMAL) {
        set_blocks(plan, shape);
        return EC_OK;
    }
    ec_tiler t;
    ec_score best;
    ec_status st = ec_tiler_init(&t, shape, memory, plan, al, msg);
    if (st) return st;
    if (plan->policy == EC_POLICY_OPTIMAL) {
        st = ec_search_optimal(&t, plan, msg);
    } else if (ec_tiler_search(&t, plan->order, 0, NULL, &best)) {
        memcpy(plan->tile, best.tile, sizeof plan->tile);
    } else {
        st = ec_tiler_failure(&t, msg);
    }
    if (st == EC_OK) set_blocks(plan, shape);
    ec_tiler_free(&t);
    return st;
}
