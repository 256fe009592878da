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
 *  - the cost with B = 1 for the free N, G, K, C bounds every completion of
 *    a spatial choice from below, so a spatial choice whose bound is worse
 *    than the best tiling found is skipped. */
#include "closed_form.h"
#include "checked.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this many balanced tiles (extents beyond about 2^38) the search
 * would take too long; such dimensions need an explicit tile. */
#define MAX_CANDIDATES ((size_t)1 << 20)

typedef struct cand {
    int64_t *t; /* descending */
    size_t n;
} cand;

typedef struct pair {
    int64_t tp, tr;
    fp_sums sums;
} pair;

typedef struct score {
    double energy;
    int64_t dram;
    int64_t tile[EC_NDIMS];
} score;

typedef struct search {
    const ec_shape *shape;
    const ec_memory *memory;
    ec_plan plan; /* working copy: order, options, tiles under trial */
    cand c[EC_NDIMS];
    int have_best, overflowed;
    score best;
} search;

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

/* Lexicographically larger tiles in loop order. */
static int larger_tiles(const int64_t *a, const int64_t *b, const ec_dim *order)
{
    for (int i = 0; i < EC_NDIMS; i++) {
        if (a[order[i]] != b[order[i]]) return a[order[i]] > b[order[i]];
    }
    return 0;
}

static int better(const score *a, const score *b, const ec_dim *order)
{
    if (a->energy != b->energy) return a->energy < b->energy;
    if (a->dram != b->dram) return a->dram < b->dram;
    return larger_tiles(a->tile, b->tile, order);
}

static int64_t dram_total(const ec_counts *c)
{
    int64_t t = c->dram_write[EC_TENSOR_O]; /* fits: checked by cf_counts */
    for (int i = 0; i < EC_NTENSORS; i++) t += c->dram_read[i];
    return t;
}

/* Score of the working plan's tiles, or 0 if a count overflows. */
static int evaluate(search *s, const pair *h, const pair *w, score *out)
{
    ec_counts c;
    set_blocks(&s->plan, s->shape);
    if (cf_counts(s->shape, &s->plan, &h->sums, &w->sums, &c, NULL)) return 0;
    out->energy = ec_energy_total(s->memory, &c);
    out->dram = dram_total(&c);
    memcpy(out->tile, s->plan.tile, sizeof out->tile);
    return 1;
}

static int fits(search *s, const pair *h, const pair *w)
{
    int64_t cap[EC_NTENSORS];
    cf_capacity(&s->plan, &h->sums, &w->sums, cap);
    return ec_memory_fits(s->memory, cap, NULL) == EC_OK;
}

static void set_spatial(search *s, const pair *h, const pair *w)
{
    s->plan.tile[EC_DIM_P] = h->tp;
    s->plan.tile[EC_DIM_R] = h->tr;
    s->plan.tile[EC_DIM_Q] = w->tp;
    s->plan.tile[EC_DIM_S] = w->tr;
}

/* N, G, K, C: the channel-like dimensions whose tiles only scale counts. */
static const ec_dim chan[4] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C};

static void set_chan(search *s, size_t which) /* which: 0 = largest, 1 = smallest */
{
    for (int i = 0; i < 4; i++) {
        const cand *c = &s->c[chan[i]];
        s->plan.tile[chan[i]] = which ? c->t[c->n - 1] : c->t[0];
    }
}

static void consider(search *s, const pair *h, const pair *w)
{
    score sc;
    if (!evaluate(s, h, w, &sc)) {
        s->overflowed = 1;
        return;
    }
    if (!s->have_best || better(&sc, &s->best, s->plan.order)) {
        s->best = sc;
        s->have_best = 1;
    }
}

/* All tilings of one spatial choice worth evaluating: every combination of
 * three channel tiles with the largest feasible tile of the fourth (the
 * free one with the most candidates, found by bisection). */
static void explore(search *s, const pair *h, const pair *w)
{
    int last = 3;
    for (int i = 0; i < 4; i++)
        if (s->c[chan[i]].n > s->c[chan[last]].n) last = i;
    const cand *lc = &s->c[chan[last]];
    size_t idx[4] = {0, 0, 0, 0};
    for (;;) {
        for (int i = 0; i < 4; i++)
            if (i != last) s->plan.tile[chan[i]] = s->c[chan[i]].t[idx[i]];
        /* Largest feasible tile of the last dimension: feasibility is
         * monotone in it and the candidates are descending. */
        size_t lo = 0, hi = lc->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            s->plan.tile[chan[last]] = lc->t[mid];
            if (fits(s, h, w)) hi = mid;
            else lo = mid + 1;
        }
        if (lo < lc->n) {
            s->plan.tile[chan[last]] = lc->t[lo];
            consider(s, h, w);
        }
        int i = 0;
        for (; i < 4; i++) {
            if (i == last) continue;
            if (++idx[i] < s->c[chan[i]].n) break;
            idx[i] = 0;
        }
        if (i == 4) return;
    }
}

static ec_status make_pairs(const ec_axis *a, ec_footprint mode, const cand *cp, const cand *cr,
                            pair **out, size_t *n)
{
    if (cp->n > MAX_CANDIDATES / cr->n) return EC_E_LIMIT;
    pair *v = malloc(cp->n * cr->n * sizeof *v);
    if (!v) return EC_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < cp->n; i++) {
        for (size_t j = 0; j < cr->n; j++) {
            v[k].tp = cp->t[i];
            v[k].tr = cr->t[j];
            /* A footprint sum that overflows rules the pair out. */
            if (fp_axis_sums(a, mode, v[k].tp, v[k].tr, FP_ALL, &v[k].sums) == EC_OK) k++;
        }
    }
    *out = v;
    *n = k;
    return EC_OK;
}

static ec_status run_search(search *s, char *msg)
{
    const ec_shape *sh = s->shape;
    ec_axis ah = ec_shape_axis_h(sh), aw = ec_shape_axis_w(sh);
    pair *hp = NULL, *wp = NULL;
    double *bound = NULL;
    size_t nh = 0, nw = 0;
    ec_status st = make_pairs(&ah, s->plan.footprint, &s->c[EC_DIM_P], &s->c[EC_DIM_R], &hp, &nh);
    if (!st) st = make_pairs(&aw, s->plan.footprint, &s->c[EC_DIM_Q], &s->c[EC_DIM_S], &wp, &nw);
    if (!st && nh && nw > MAX_CANDIDATES / nh) st = EC_E_LIMIT;
    if (!st && nh && nw && !(bound = malloc(nh * nw * sizeof *bound))) st = EC_E_NOMEM;
    if (st) {
        if (st == EC_E_LIMIT)
            ec_msg(msg, "automatic tiling: more than 2^20 spatial tilings to search; set "
                        "some tiles explicitly");
        else
            ec_msg(msg, "automatic tiling: out of memory");
        goto done;
    }
    /* Lower bound of each spatial choice; NAN marks one that cannot fit
     * even with the smallest channel tiles. */
    size_t start = 0;
    for (size_t i = 0; i < nh; i++) {
        for (size_t j = 0; j < nw; j++) {
            size_t k = i * nw + j;
            score lb;
            set_spatial(s, &hp[i], &wp[j]);
            set_chan(s, 1);
            bound[k] = NAN;
            if (!fits(s, &hp[i], &wp[j])) continue;
            set_chan(s, 0);
            if (!evaluate(s, &hp[i], &wp[j], &lb)) continue;
            bound[k] = lb.energy;
            if (isnan(bound[start]) || lb.energy < bound[start]) start = k;
        }
    }
    /* The most promising choice first gives a good incumbent; then every
     * choice whose bound does not exceed it. */
    for (size_t n = 0; n <= nh * nw; n++) {
        size_t k = n == 0 ? start : n - 1;
        if (k >= nh * nw || isnan(bound[k]) || (n > 0 && k == start)) continue;
        if (s->have_best && bound[k] > s->best.energy) continue;
        set_spatial(s, &hp[k / nw], &wp[k % nw]);
        explore(s, &hp[k / nw], &wp[k % nw]);
    }
    if (!s->have_best) {
        if (s->overflowed) {
            st = EC_E_OVERFLOW;
            ec_msg(msg, "automatic tiling: every tiling that fits has a count over 64 bits");
        } else {
            /* Report what the smallest tiles would need. */
            char why[EC_MSG_LEN];
            int64_t cap[EC_NTENSORS];
            fp_sums h1, w1;
            s->plan.tile[EC_DIM_P] = s->c[EC_DIM_P].t[s->c[EC_DIM_P].n - 1];
            s->plan.tile[EC_DIM_R] = s->c[EC_DIM_R].t[s->c[EC_DIM_R].n - 1];
            s->plan.tile[EC_DIM_Q] = s->c[EC_DIM_Q].t[s->c[EC_DIM_Q].n - 1];
            s->plan.tile[EC_DIM_S] = s->c[EC_DIM_S].t[s->c[EC_DIM_S].n - 1];
            set_chan(s, 1);
            fp_axis_sums(&ah, s->plan.footprint, s->plan.tile[EC_DIM_P], s->plan.tile[EC_DIM_R], 0, &h1);
            fp_axis_sums(&aw, s->plan.footprint, s->plan.tile[EC_DIM_Q], s->plan.tile[EC_DIM_S], 0, &w1);
            cf_capacity(&s->plan, &h1, &w1, cap);
            if (ec_memory_fits(s->memory, cap, why) == EC_OK)
                snprintf(why, sizeof why, "no balanced tiling fits");
            st = EC_E_CAPACITY;
            ec_msg(msg, "automatic tiling: even the smallest tiles do not fit: %s", why);
        }
    }
done:
    free(bound);
    free(hp);
    free(wp);
    return st;
}

ec_status ec_plan_resolve(const ec_shape *shape, const ec_memory *memory,
                          const ec_dataflow *dataflow, ec_plan *plan, char *msg)
{
    int any_auto = 0;
    plan->policy = dataflow->policy;
    ec_policy_order(dataflow, plan->order);
    plan->reuse = dataflow->reuse;
    plan->footprint = dataflow->footprint;
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t t = dataflow->tile[d];
        if (t > shape->extent[d]) {
            ec_msg(msg, "dataflow: tile %c = %lld exceeds its extent %lld", ec_dim_letters[d],
                   (long long)t, (long long)shape->extent[d]);
            return EC_E_TILE;
        }
        plan->tile[d] = t;
        plan->automatic[d] = t == 0;
        any_auto |= t == 0;
    }
    if (!any_auto) {
        set_blocks(plan, shape);
        return EC_OK;
    }

    search s;
    memset(&s, 0, sizeof s);
    s.shape = shape;
    s.memory = memory;
    s.plan = *plan;
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
    int64_t *store = malloc(total * sizeof *store);
    if (!store) {
        ec_msg(msg, "automatic tiling: out of memory");
        return EC_E_NOMEM;
    }
    int64_t *next = store;
    for (int d = 0; d < EC_NDIMS; d++) {
        s.c[d].t = next;
        if (plan->tile[d]) {
            next[0] = plan->tile[d];
            s.c[d].n = 1;
        } else {
            s.c[d].n = balanced(shape->extent[d], next);
        }
        next += s.c[d].n;
    }
    ec_status st = run_search(&s, msg);
    if (st == EC_OK) {
        memcpy(plan->tile, s.best.tile, sizeof plan->tile);
        set_blocks(plan, shape);
    }
    free(store);
    return st;
}
