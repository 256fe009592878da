/* docs/model.md section 6: explicit tiles checked, automatic ones chosen.
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
 *    1) is.
 * docs/search.md section 7 has the rest: one pass for every candidate
 * order, the same bound taken under prefixes and rows of channel tiles,
 * the estimate that spares exact pricing, and the work budget. */
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
    /* Every t <= sqrt(E) is a balanced tile (b = ceil(E/t) gives it), so an
     * extent beyond MAX_CANDIDATES^2 has too many to list: say so at once. */
    if (E / (int64_t)MAX_CANDIDATES > (int64_t)MAX_CANDIDATES) return MAX_CANDIDATES + 1;
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
    /* Whole and unit tiles, the common ones, need no division. */
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t e = s->extent[d], t = p->tile[d];
        p->blocks[d] = t == e ? 1 : t == 1 ? e : ceil_div(e, t);
    }
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

/* N, G, K, C: the channel-like dimensions whose tiles only scale counts. */
static const ec_dim chan[4] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C};

/* One unit of search work; 0 (and t->limited) once the budget is spent. */
static int spend(ec_tiler *t)
{
    if (--t->work >= 0) return 1;
    t->limited = 1;
    return 0;
}

/* cf_capacity() and ec_memory_fits() inlined: the search's innermost
 * question. Each cap is at most its tensor's size, so no product wraps. */
static int fits(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    t->work -= EC_WORK_FIT; /* checked by the loops that call it */
    const int64_t *tl = t->plan.tile;
    int64_t ng = tl[EC_DIM_N] * tl[EC_DIM_G];
    int64_t cap_i = ng * tl[EC_DIM_C] * h->sums.max * w->sums.max;
    int64_t cap_w = tl[EC_DIM_G] * tl[EC_DIM_K] * tl[EC_DIM_C] * h->tr * w->tr;
    int64_t cap_o = ng * tl[EC_DIM_K] * h->tp * w->tp;
    const ec_memory *m = t->memory;
    if (t->partitioned)
        return cap_i <= m->partition[EC_TENSOR_I] && cap_w <= m->partition[EC_TENSOR_W] &&
               cap_o <= m->partition[EC_TENSOR_O];
    int64_t M = m->capacity;
    return cap_i <= M && cap_w <= M - cap_i && cap_o <= M - cap_i - cap_w;
}

/* The largest tile of channel position i (chan[]) with which the tiling
 * in the plan fits, the other tiles as they are: each cap is linear in
 * it, so fits() holds exactly when the tile is at most this quotient
 * (0 when no tile fits; INT64_MAX when none is too large). Replaces a
 * bisection of fits() calls by one division. */
static int64_t most_tile(ec_tiler *t, const ec_pair *h, const ec_pair *w, int i)
{
    t->work -= EC_WORK_FIT; /* checked by the loops that call it */
    /* Each cap with tile i at 1: at most its tensor's size, as in fits(). */
    const int64_t *tl = t->plan.tile;
    int64_t n = i == 0 ? 1 : tl[EC_DIM_N], g = i == 1 ? 1 : tl[EC_DIM_G];
    int64_t k = i == 2 ? 1 : tl[EC_DIM_K], c = i == 3 ? 1 : tl[EC_DIM_C];
    int64_t cap[EC_NTENSORS];
    cap[EC_TENSOR_I] = n * g * c * h->sums.max * w->sums.max; /* N G C */
    cap[EC_TENSOR_W] = g * k * c * h->tr * w->tr;             /* G K C */
    cap[EC_TENSOR_O] = n * g * k * h->tp * w->tp;             /* N G K */
    static const unsigned uses[EC_NTENSORS] = {[EC_TENSOR_I] = 1u | 2u | 8u,
                                               [EC_TENSOR_W] = 2u | 4u | 8u,
                                               [EC_TENSOR_O] = 1u | 2u | 4u};
    const ec_memory *m = t->memory;
    if (t->partitioned) {
        int64_t most = INT64_MAX;
        for (int x = 0; x < EC_NTENSORS; x++) {
            if (!(uses[x] >> i & 1u)) {
                if (cap[x] > m->partition[x]) return 0; /* too large whatever the tile */
            } else if (cap[x] > 0 && m->partition[x] / cap[x] < most) {
                most = m->partition[x] / cap[x];
            }
        }
        return most;
    }
    /* One Buffer: fits() is the three caps' sum at most M. */
    int64_t M = m->capacity, ci = cap[EC_TENSOR_I], cw = cap[EC_TENSOR_W], co = cap[EC_TENSOR_O];
    int64_t lin, fixed;
    if (ci > M || cw > M || co > M) return 0; /* over M with a tile of 1 */
    switch (i) { /* I: N G C, W: G K C, O: N G K */
    case 0: fixed = cw; if (ck_add(ci, co, &lin)) return 0; break;
    case 1: fixed = 0; if (ck_add(ci, cw, &lin) || ck_add(lin, co, &lin)) return 0; break;
    case 2: fixed = ci; if (ck_add(cw, co, &lin)) return 0; break;
    default: fixed = co; if (ck_add(ci, cw, &lin)) return 0; break;
    }
    return lin > 0 ? (M - fixed) / lin : INT64_MAX;
}

/* The index of balanced tile `v` of an indexed candidate list: in the
 * head each count has its own tile, in the tail each tile value appears. */
static size_t index_of(const ec_cand *c, int64_t v)
{
    return v > c->t[c->head] ? (size_t)ceil_div(c->e, v) - 1 : c->n - (size_t)v;
}

void ec_cand_index(ec_cand *c, int64_t e)
{
    c->e = e;
    c->indexed = 0;
    if (c->n < 2 || c->t[c->n - 1] != 1) return;
    size_t j = c->n;
    while (j > 0 && c->t[j - 1] == (int64_t)(c->n - (j - 1))) j--;
    c->head = j < c->n ? j : c->n - 1;
    for (size_t k = 0; k < c->n; k++)
        if (index_of(c, c->t[k]) != k) return;
    c->indexed = 1;
}

/* The first balanced tile at most `most` is ceil(e / ceil(e / most)):
 * the tile of the least count whose tile is under `most`. */
size_t ec_cand_first_at_most(const ec_cand *c, size_t from, int64_t most)
{
    if (c->indexed) {
        size_t k = most >= c->t[0] ? 0
                   : most < 1      ? c->n
                                   : index_of(c, ceil_div(c->e, ceil_div(c->e, most)));
        return k > from ? k : from;
    }
    size_t lo = from, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->t[mid] <= most) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* p[m] = the product of b[i] over the bits i of m (m < 16), as doubles:
 * surely_above() multiplies a reuse factor out of two of these. */
static void subset_products(double p[16], const int64_t b[4])
{
    p[0] = 1;
    for (int i = 0; i < 4; i++)
        for (unsigned m = 0; m < (1u << i); m++) p[m | 1u << i] = p[m] * (double)b[i];
}

static void set_spatial(ec_tiler *t, const ec_pair *h, const ec_pair *w)
{
    t->plan.tile[EC_DIM_P] = h->tp;
    t->plan.tile[EC_DIM_R] = h->tr;
    t->plan.tile[EC_DIM_Q] = w->tp;
    t->plan.tile[EC_DIM_S] = w->tr;
    t->blocks[EC_DIM_P] = h->bp;
    t->blocks[EC_DIM_R] = h->br;
    t->blocks[EC_DIM_Q] = w->bp;
    t->blocks[EC_DIM_S] = w->br;
    t->spatial_act = 0;
    for (int d = EC_DIM_P; d <= EC_DIM_S; d++) t->spatial_act |= (unsigned)(t->blocks[d] > 1) << d;
    subset_products(t->high, t->blocks + EC_DIM_P);
}

void ec_tiler_set_spatial(ec_tiler *t, const ec_pair *h, const ec_pair *w) { set_spatial(t, h, w); }

#define SPATIAL_MASK ((1u << EC_DIM_P) | (1u << EC_DIM_Q) | (1u << EC_DIM_R) | (1u << EC_DIM_S))

static void set_chan(ec_tiler *t, int smallest)
{
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        t->plan.tile[chan[i]] = smallest ? c->t[c->n - 1] : c->t[0];
    }
}

/* The orders that can win when the dimensions of `act` are active (see
 * ec_sigset), computed on first use. A dimension is single-tiled in every
 * tiling of a spatial choice exactly when it is a spatial one with B = 1
 * there or a channel one with its extent as only candidate. */
const ec_sigset *ec_tiler_sigs_fill(ec_tiler *t, unsigned act)
{
    ec_sigset *e = &t->sigs[act];
    unsigned single = ~act & (SPATIAL_MASK | t->fixed_single);
    e->n = 0;
    e->reps = 0;
    for (int i = 0; i < t->norders; i++) {
        e->rep[i] = -1;
        if (t->needs[i] & single) continue;
        cf_sig sg;
        cf_signature(t->orders[i], act, t->plan.reuse, &sg);
        int k = 0;
        while (k < e->n && memcmp(&e->sig[k], &sg, sizeof sg)) k++;
        if (k == e->n) {
            e->sig[k] = sg;
            for (int x = 0; x < EC_NTENSORS; x++) {
                /* At most one channel count, and not G's (tiling_bound.c). */
                unsigned ch = sg.reuse[x] & 15u;
                e->slot[k][x] = !ch ? EC_SLOT_FIXED
                                : ch & (ch - 1u) || ch == 1u << EC_DIM_G ? EC_SLOT_NONE
                                                                          : (unsigned char)ec_low_bit(ch);
            }
            e->order[k] = (unsigned char)i;
            e->reps |= 1u << i;
            e->n++;
        }
        e->rep[i] = (signed char)k;
    }
    e->ready = 1;
    return e;
}

/* Counts of the tiling under trial for signature sg; 0 if one overflows. */
static int price(ec_tiler *t, const ec_pair *h, const ec_pair *w, const cf_sig *sg, ec_score *out)
{
    ec_counts c;
    t->work -= EC_WORK_PRICE; /* checked by the loops that call it */
    if (cf_counts_sig(t->shape, sg, t->blocks, &h->sums, &w->sums, &c, NULL)) return 0;
    out->energy = ec_energy_total(t->memory, &c);
    out->dram = c.dram_write[EC_TENSOR_O]; /* the sum fits: checked by cf_counts_sig */
    for (int i = 0; i < EC_NTENSORS; i++) out->dram += c.dram_read[i];
    return 1;
}

/* 1 if the tiling under trial surely costs more than `energy` under
 * signature sg, by a cheap estimate: the same counts and prices in double
 * arithmetic, as a sum of non-negative terms (about 40 roundings, each of
 * relative error at most 2^-53), while price() makes about 25 such
 * roundings on the exact counts. The two are within a factor
 * (1 + 2^-53)^65 of the real sum, so an estimate above energy * (1 + 2^-40)
 * means price() would find it above `energy` too: the filter only spares
 * the exact pricing of tilings that lose. */
static int surely_above(ec_tiler *t, const ec_pair *h, const ec_pair *w, const cf_sig *sg,
                        double energy)
{
    t->work -= EC_WORK_ESTIMATE; /* checked by the loops that call it */
    double r[EC_NTENSORS];
    for (int x = 0; x < EC_NTENSORS; x++) r[x] = t->low[sg->reuse[x] & 15u] * t->high[sg->reuse[x] >> 4];
    double fh = (double)(sg->slide == CF_SLIDE_P ? h->sums.slide_p
                         : sg->slide == CF_SLIDE_R ? h->sums.slide_r : h->sums.sum);
    double fw = (double)(sg->slide == CF_SLIDE_Q ? w->sums.slide_p
                         : sg->slide == CF_SLIDE_S ? w->sums.slide_r : w->sums.sum);
    const double *e = t->memory->energy;
    double dr_w = r[EC_TENSOR_W] * t->f_size_w;
    double dr_i = r[EC_TENSOR_I] * t->f_ngc * fh * fw;
    double dw_o = r[EC_TENSOR_O] * t->f_size_o;
    double dr_o = (r[EC_TENSOR_O] - 1) * t->f_size_o; /* reuse products are exact below 2^53 */
    double est = e[EC_ENERGY_DRAM_READ] * (dr_w + dr_i + dr_o) + e[EC_ENERGY_DRAM_WRITE] * dw_o +
                 e[EC_ENERGY_BUF_WRITE] * (dr_w + dr_i + dr_o) + t->f_fixed;
    return est > energy * (1 + 0x1p-40);
}

/* The channel tile counts at candidate indices t->cidx, and the mask of
 * active dimensions with them (the spatial ones set by set_spatial). */
static unsigned set_chan_blocks(ec_tiler *t)
{
    unsigned act = t->spatial_act;
    int64_t b[4];
    for (int i = 0; i < 4; i++) {
        ec_dim d = chan[i];
        b[i] = t->blocks[d] = t->c[d].b[t->cidx[i]];
        act |= (unsigned)(b[i] > 1) << d;
    }
    subset_products(t->low, b);
    return act;
}

/* The tiling under trial (channel tiles at candidate indices t->cidx),
 * priced under every order of `alive`. */
static void consider(ec_tiler *t, const ec_pair *h, const ec_pair *w, unsigned alive)
{
    const ec_sigset *e = ec_tiler_sigs(t, set_chan_blocks(t));
    for (unsigned m = alive & e->reps; m; m &= m - 1u) {
        int i = ec_low_bit(m), k = e->rep[i];
        if (!spend(t)) return;
        if (t->have_best && surely_above(t, h, w, &e->sig[k], t->best.energy)) continue;
        ec_score sc;
        if (!price(t, h, w, &e->sig[k], &sc)) {
            t->overflowed = 1;
            continue;
        }
        if (t->have_best && sc.energy > t->best.energy) continue;
        memcpy(sc.tile, t->plan.tile, sizeof sc.tile);
        if (!t->have_best || ec_score_better(&sc, &t->best, t->rank) ||
            (i < t->best_order && !ec_score_better(&t->best, &sc, t->rank))) {
            t->best = sc;
            t->best_order = i;
            t->have_best = 1;
        }
    }
}

/* The orders of `alive` that can still win when the channel dimensions of
 * `fixed` (a mask over chan[] positions) have the tiles at idx[] and the
 * others any feasible tiles. Each other dimension's tile is at most the
 * largest that fits with the fixed ones as given and the rest at their
 * smallest (capacity is monotone), which is at most its channel maximum
 * cm[]; so every tiling under the prefix has tile counts at least those
 * (counts are non-decreasing in every B_d for a fixed order, and so is
 * their floating-point price), and an order priced above the best there
 * is dropped. 0 when no tiling under the prefix fits. at[] gets the
 * candidate index of those largest tiles (when there is a best to compare
 * with; otherwise it is left as it is). */
static unsigned survivors(ec_tiler *t, const ec_pair *h, const ec_pair *w, unsigned alive,
                          unsigned fixed, const size_t idx[4], const size_t cm[4], size_t at[4])
{
    if (!t->have_best) return alive;
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        t->plan.tile[chan[i]] = fixed >> i & 1u ? c->t[idx[i]] : c->t[c->n - 1];
    }
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        if (fixed >> i & 1u) {
            at[i] = idx[i];
            continue;
        }
        size_t lo = ec_cand_first_at_most(c, cm[i], most_tile(t, h, w, i));
        if (lo == c->n) return 0;
        at[i] = lo;
    }
    for (int i = 0; i < 4; i++) t->cidx[i] = at[i];
    const ec_sigset *e = ec_tiler_sigs(t, set_chan_blocks(t));
    for (unsigned m = alive; m; m &= m - 1u) {
        int i = ec_low_bit(m);
        if (!spend(t)) return 0;
        /* Only the estimate: an order it cannot rule out stays (near a tie
         * the exact pricing of its tilings decides). */
        if (surely_above(t, h, w, &e->sig[(int)e->rep[i]], t->best.energy)) alive &= ~(1u << i);
    }
    /* Then the joint bound, with the prefix's tiles known. */
    if (alive) alive = ec_tiler_joint_alive(t, h, w, alive, at, fixed, t->best.energy);
    return alive;
}

/* All tilings of one spatial choice worth evaluating: every combination of
 * three channel tiles with the largest feasible tile of the fourth (see
 * ec_tiler_search() for which; found by most_tile()), for the orders
 * of t->alive; cm[] are the channel maxima (candidate indices). The three
 * are walked as digits, fastest first; when a slower digit moves, the
 * orders that cannot win anywhere under the new prefix are dropped for
 * it, and a prefix no order survives is skipped whole. */
static void explore(ec_tiler *t, const ec_pair *h, const ec_pair *w, const size_t cm[4])
{
    int last = t->last;
    if (last < 0) {
        last = 3;
        for (int i = 0; i < 4; i++)
            if (t->c[chan[i]].n > t->c[chan[last]].n) last = i;
    }
    const ec_cand *lc = &t->c[chan[last]];
    /* The digits, fastest first: the other three with more than one
     * candidate (a single candidate is fixed in every tiling). */
    int pos[3], np = 0;
    unsigned fixed_all = 0;
    for (int i = 0; i < 4; i++) {
        if (i != last && t->c[chan[i]].n > 1) pos[np++] = i;
        else if (i != last) fixed_all |= 1u << i;
    }
    /* lvl[j]: the orders alive with digits j..np-1 fixed (lvl[np] = all). */
    unsigned lvl[4];
    lvl[np] = t->alive;
    lvl[0] = t->alive;
    size_t idx[4] = {0, 0, 0, 0}, lo = lc->n, prev_lo = lc->n;
    int walk = 0; /* lo is feasible for a larger tiling: walk down from it */
    int moved = np - 1; /* the slowest digit that moved */
    /* t->rowlo[k]: the last dimension's candidate index found at fastest
     * digit k in the previous row (the second digit one candidate larger,
     * the digits above it equal), valid when prev_row is set. */
    int prev_row = 0, this_row = 0;
    /* The largest last tile any tiling of the row can have (an index). */
    size_t row_last = cm[last];
    for (;;) {
        if (!spend(t)) return;
        if (np >= 2 && moved >= 1) {
            prev_row = moved == 1 && this_row;
            this_row = 1;
        }
        int skip = 0;
        for (int j = moved; j >= 1; j--) {
            unsigned fixed = fixed_all;
            for (int k = j; k < np; k++) fixed |= 1u << pos[k];
            size_t at[4] = {0, 0, 0, 0};
            int bounded = t->have_best;
            lvl[j] = survivors(t, h, w, lvl[j + 1], fixed, idx, cm, at);
            if (t->limited) return;
            if (j == 1) row_last = bounded ? at[last] : cm[last];
            /* The next digit down starts at the largest tile that fits
             * under this prefix: larger ones fit with nothing (the previous
             * row's answers there were "nothing fits" too). */
            int below = pos[j - 1];
            if (lvl[j] && at[below] > idx[below]) {
                if (j == 1 && np >= 2)
                    for (size_t k = idx[below]; k < at[below]; k++) t->rowlo[k] = lc->n;
                idx[below] = at[below];
            }
            if (!lvl[j]) {
                /* Nothing under this prefix can win: on to its last tiling,
                 * whence the digit above moves. */
                for (int k = 0; k < j; k++) idx[pos[k]] = t->c[chan[pos[k]]].n - 1;
                skip = 1;
                break;
            }
        }
        if (skip) this_row = 0;
        if (moved >= 1 && !skip) lvl[0] = lvl[1];
        if (np == 0) lvl[0] = t->alive;
        if (!skip && np >= 1 && t->have_best) {
            /* The rest of the row: the fastest digit's tile only shrinks
             * (B grows) and the last tile is at most row_last, so pricing
             * them so bounds every tiling left in the row from below; the
             * orders surely above the best there are done with the row. */
            for (int i = 0; i < 4; i++) t->cidx[i] = i == last ? row_last : idx[i];
            const ec_sigset *e = ec_tiler_sigs(t, set_chan_blocks(t));
            for (unsigned m = lvl[0]; m; m &= m - 1u) {
                int i = ec_low_bit(m);
                if (surely_above(t, h, w, &e->sig[(int)e->rep[i]], t->best.energy))
                    lvl[0] &= ~(1u << i);
            }
            if (!lvl[0]) {
                size_t n0 = t->c[chan[pos[0]]].n;
                if (np >= 2)
                    for (size_t k = idx[pos[0]]; k < n0; k++) t->rowlo[k] = lc->n;
                idx[pos[0]] = n0 - 1;
                skip = 1;
            }
        }
        if (!skip) {
            for (int i = 0; i < 4; i++)
                if (i != last) t->plan.tile[chan[i]] = t->c[chan[i]].t[idx[i]];
            /* The first feasible candidate of the last dimension (feasibility
             * is monotone in its tile; candidates descend). When only the
             * fastest index moved, the tiling shrank, so the previous answer
             * is still feasible and the new one is at or before it. */
            size_t first = ec_cand_first_at_most(lc, 0, most_tile(t, h, w, last));
            if (walk) {
                if (first < lo) lo = first;
            } else {
                /* A smaller tile of the second digit leaves the previous
                 * row's answer feasible: the new one is at or before it. */
                size_t hi = prev_row ? t->rowlo[idx[pos[0]]] : lc->n;
                lo = first < hi ? first : hi;
            }
            /* When the last tile could not grow over that of the previous
             * tiling along the fastest digit, or of the previous row, this
             * tiling is that one with one tile smaller: no better in any
             * order, and it loses the tie-break to larger tiles. */
            int dominated = (walk && lo == prev_lo) || (prev_row && lo == t->rowlo[idx[pos[0]]]);
            if (lo < lc->n && !dominated) {
                t->plan.tile[chan[last]] = lc->t[lo];
                for (int i = 0; i < 4; i++) t->cidx[i] = i == last ? lo : idx[i];
                consider(t, h, w, lvl[0]);
                if (t->limited) return;
            }
            prev_lo = lo;
            if (np >= 2) t->rowlo[idx[pos[0]]] = lo;
        }
        int j = 0;
        for (; j < np; j++) {
            if (++idx[pos[j]] < t->c[chan[pos[j]]].n) break;
            idx[pos[j]] = 0;
        }
        if (j == np) return;
        moved = j;
        walk = !skip && j == 0 && lo < lc->n;
    }
}

/* The largest feasible tile of each of N, G, K, C with the other three at
 * their smallest, for the spatial choice set in the plan: no feasible
 * tiling has a larger one, so these bound every B_d from below. Each is
 * most_tile()'s quotient with the others smallest, found among the
 * candidates without a search. Sets the plan's channel tiles and t->cidx
 * to them. The callers have checked that the smallest tiles fit, so the
 * smallest candidate at least is feasible. */
static void channel_maxima(ec_tiler *t, const ec_pair *h, const ec_pair *w, size_t at[4])
{
    set_chan(t, 1);
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        size_t k = ec_cand_first_at_most(c, 0, most_tile(t, h, w, i));
        at[i] = k < c->n ? k : c->n - 1;
    }
    for (int i = 0; i < 4; i++) {
        t->cidx[i] = at[i];
        t->plan.tile[chan[i]] = t->c[chan[i]].t[at[i]];
    }
}

static int64_t least_factor(const fp_sums *s)
{
    int64_t f = s->sum;
    if (s->slide_p < f) f = s->slide_p;
    if (s->slide_r < f) f = s->slide_r;
    return f;
}

/* The pattern of active dimensions of a pair: bp > 1, br > 1. */
static int pair_class(const ec_pair *p) { return (p->bp > 1) | (p->br > 1) << 1; }

/* idx before idx' in the order of the spatial search: by pattern, then
 * kernel tile, then output tile (both descending, as generated), so that
 * a run of the order holds pairs of one pattern and neighbouring tiles. */
static int pair_before(const ec_pair *v, size_t a, size_t b)
{
    int ca = pair_class(&v[a]), cb = pair_class(&v[b]);
    if (ca != cb) return ca < cb;
    if (v[a].tr != v[b].tr) return v[a].tr > v[b].tr;
    if (v[a].tp != v[b].tp) return v[a].tp > v[b].tp;
    return a < b;
}

static void sift_down(size_t *idx, size_t i, size_t n, const ec_pair *v)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && pair_before(v, idx[c], idx[c + 1])) c++;
        if (!pair_before(v, idx[i], idx[c])) return;
        size_t t = idx[i];
        idx[i] = idx[c];
        idx[c] = t;
        i = c;
    }
}

/* Heap sort of pair indices by pair_before(): in place and O(n log n),
 * since a tall layer has hundreds of thousands of pairs on an axis. */
static void sort_pairs(size_t *idx, size_t n, const ec_pair *v)
{
    for (size_t i = n / 2; i-- > 0;) sift_down(idx, i, n, v);
    for (size_t end = n; end > 1; end--) {
        size_t t = idx[0];
        idx[0] = idx[end - 1];
        idx[end - 1] = t;
        sift_down(idx, 0, end - 1, v);
    }
}

static ec_status make_pairs(ec_tiler *t, const ec_axis *a, const ec_cand *cp, const ec_cand *cr,
                            ec_pair **out, size_t **sorted, size_t *n)
{
    if (cp->n > MAX_CANDIDATES / cr->n) return EC_E_LIMIT;
    ec_pair *v = ec_calloc(t->al, cp->n * cr->n, sizeof *v);
    size_t *idx = ec_calloc(t->al, cp->n * cr->n, sizeof *idx);
    if (!v || !idx) {
        ec_free(t->al, v);
        ec_free(t->al, idx);
        return EC_E_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < cp->n; i++) {
        for (size_t j = 0; j < cr->n; j++) {
            v[k].tp = cp->t[i];
            v[k].tr = cr->t[j];
            v[k].bp = cp->b[i];
            v[k].br = cr->b[j];
            /* A footprint sum that overflows rules the pair out; running
             * out of work rules the whole search out (a search that skipped
             * tilings would not be exact). */
            ec_status st = fp_axis_sums(a, t->plan.footprint, v[k].tp, v[k].tr, FP_ALL,
                                        &v[k].sums, &t->budget);
            if (st == EC_E_LIMIT) {
                ec_free(t->al, v);
                ec_free(t->al, idx);
                return st;
            }
            if (st == EC_OK) {
                v[k].least = least_factor(&v[k].sums);
                k++;
            }
        }
    }
    for (size_t i = 0; i < k; i++) idx[i] = i;
    sort_pairs(idx, k, v);
    *out = v;
    *sorted = idx;
    *n = k;
    return EC_OK;
}

void ec_tiler_free(ec_tiler *t)
{
    ec_free(t->al, t->sigs);
    ec_free(t->al, t->rowlo);
    ec_free(t->al, t->hs);
    ec_free(t->al, t->ws);
    ec_free(t->al, t->hp);
    ec_free(t->al, t->wp);
    ec_free(t->al, t->store);
    t->sigs = NULL;
    t->rowlo = NULL;
    t->hs = t->ws = NULL;
    t->hp = t->wp = NULL;
    t->store = NULL;
}

/* A bound for every order at once: each reuse factor is at least 1 and the
 * input factor at least the least of its variants, so the counts below
 * are at most those of any tiling and order extending the spatial choice
 * (and floating-point pricing is monotone). `key` is least_h * least_w. */
static double order_free_bound(ec_tiler *t, int64_t key)
{
    const ec_shape *s = t->shape;
    ec_counts c;
    int64_t v;
    memset(&c, 0, sizeof c);
    if (key == INT64_MAX || ck_mul(s->N * s->G * s->Cg, key, &v)) return INFINITY;
    c.dram_read[EC_TENSOR_I] = c.buf_write[EC_TENSOR_I] = v;
    c.dram_read[EC_TENSOR_W] = c.buf_write[EC_TENSOR_W] = s->size_W;
    c.dram_write[EC_TENSOR_O] = s->size_O;
    c.buf_write[EC_TENSOR_O] = s->macs;
    c.buf_read[EC_TENSOR_I] = c.buf_read[EC_TENSOR_W] = s->macs;
    c.buf_read[EC_TENSOR_O] = s->macs - s->size_O;
    c.macs = s->macs;
    return ec_energy_total(t->memory, &c);
}

ec_status ec_tiler_init(ec_tiler *t, const ec_shape *shape, const ec_memory *memory,
                        const ec_plan *plan, const ec_allocator *al, char *msg)
{
    memset(t, 0, sizeof *t);
    t->al = al;
    t->shape = shape;
    t->memory = memory;
    t->partitioned = ec_memory_partitioned(memory);
    t->budget = FP_BUDGET_TILING;
    t->work = EC_WORK_BUDGET;
    t->plan = *plan;
    {
        /* surely_above()'s constants: the counts that do not depend on the
         * tiling, priced (non-negative terms only). */
        const double *e = memory->energy;
        double macs = (double)shape->macs, size_o = (double)shape->size_O;
        t->f_size_w = (double)shape->size_W;
        t->f_size_o = size_o;
        t->f_ngc = (double)shape->N * (double)shape->G * (double)shape->Cg;
        t->f_fixed = e[EC_ENERGY_BUF_READ] * (2 * macs + (double)(shape->macs - shape->size_O)) +
                     e[EC_ENERGY_BUF_WRITE] * macs + e[EC_ENERGY_MAC] * macs;
    }
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
    if (!(t->store = ec_calloc(al, 2 * total, sizeof *t->store))) goto nomem;
    int64_t *next = t->store;
    for (int d = 0; d < EC_NDIMS; d++) {
        ec_cand *c = &t->c[d];
        c->t = next;
        if (plan->tile[d]) {
            next[0] = plan->tile[d];
            c->n = 1;
        } else {
            c->n = balanced(shape->extent[d], next);
        }
        c->b = next + c->n;
        for (size_t i = 0; i < c->n; i++) c->b[i] = ceil_div(shape->extent[d], c->t[i]);
        ec_cand_index(c, shape->extent[d]);
        next += 2 * c->n;
    }
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan[i]];
        if (c->n == 1 && c->b[0] == 1) t->fixed_single |= 1u << chan[i];
    }
    ec_axis ah = ec_shape_axis_h(shape), aw = ec_shape_axis_w(shape);
    /* Refuse too many spatial choices before computing any footprint sum. */
    size_t ph = t->c[EC_DIM_P].n, pw = t->c[EC_DIM_Q].n;
    if (ph > MAX_CANDIDATES / t->c[EC_DIM_R].n || pw > MAX_CANDIDATES / t->c[EC_DIM_S].n ||
        ph * t->c[EC_DIM_R].n > MAX_CANDIDATES / (pw * t->c[EC_DIM_S].n)) {
        ec_msg(msg, "automatic tiling: more than 2^20 spatial tilings to search; set some "
                    "tiles explicitly");
        ec_tiler_free(t);
        return EC_E_LIMIT;
    }
    ec_status st = make_pairs(t, &ah, &t->c[EC_DIM_P], &t->c[EC_DIM_R], &t->hp, &t->hs, &t->nh);
    if (!st) st = make_pairs(t, &aw, &t->c[EC_DIM_Q], &t->c[EC_DIM_S], &t->wp, &t->ws, &t->nw);
    if (!st && t->nh && t->nw > MAX_CANDIDATES / t->nh) st = EC_E_LIMIT;
    if (!st && !(t->sigs = ec_calloc(al, (size_t)1 << EC_NDIMS, sizeof *t->sigs))) st = EC_E_NOMEM;
    size_t most = 1;
    for (int i = 0; i < 4; i++)
        if (t->c[chan[i]].n > most) most = t->c[chan[i]].n;
    if (!st && !(t->rowlo = ec_calloc(al, most, sizeof *t->rowlo))) st = EC_E_NOMEM;
    if (st == EC_E_NOMEM) goto nomem;
    if (st) {
        ec_msg(msg, st == EC_E_LIMIT && t->budget < 0
                        ? "automatic tiling: more than 2^23 border footprints to count for "
                          "the candidate tiles; set the kernel or output tiles explicitly"
                        : "automatic tiling: more than 2^20 spatial tilings to search; set "
                          "some tiles explicitly");
        ec_tiler_free(t);
    }
    return st;
nomem:
    ec_msg(msg, "automatic tiling: out of memory");
    ec_tiler_free(t);
    return EC_E_NOMEM;
}

/* One spatial choice (a leaf of the search below), for the orders of
 * `alive`: unless the smallest channel tiles do not fit or its order-free
 * bound exceeds the best, each order is checked against its own bound at
 * this choice (each channel tile at the largest any feasible tiling can
 * have), then the joint bound, and the choice is explored for the orders
 * that pass. */
static void visit(ec_tiler *t, const ec_pair *h, const ec_pair *w, unsigned alive)
{
    set_spatial(t, h, w);
    set_chan(t, 1);
    if (!fits(t, h, w)) return;
    int64_t key;
    double bound = ck_mul(h->least, w->least, &key) ? INFINITY : order_free_bound(t, key);
    if (t->have_best && bound > t->best.energy) return;
    size_t cm[4];
    channel_maxima(t, h, w, cm);
    if (t->limited || !spend(t)) return;
    const ec_sigset *e = ec_tiler_sigs(t, set_chan_blocks(t));
    t->alive = 0;
    for (unsigned m = alive; m; m &= m - 1u) {
        int i = ec_low_bit(m);
        if (e->rep[i] < 0) continue; /* excluded by its needs: they are spatial or fixed */
        ec_score lb;
        if (!spend(t)) return;
        if (t->have_best) { /* as in survivors(); the joint bound follows */
            if (!surely_above(t, h, w, &e->sig[(int)e->rep[i]], t->best.energy)) t->alive |= 1u << i;
            continue;
        }
        if (!price(t, h, w, &e->sig[(int)e->rep[i]], &lb)) {
            t->overflowed = 1; /* smaller channel tiles can only count more */
            continue;
        }
        t->alive |= 1u << i;
    }
    if (t->alive && t->have_best)
        t->alive = ec_tiler_joint_alive(t, h, w, t->alive, cm, 0, t->best.energy);
    if (t->alive) explore(t, h, w, cm);
}

/* The least of each quantity over pairs sorted[lo, hi) of one pattern:
 * a pair no choice of the range is below in anything a bound reads. */
static void range_minima(const ec_pair *v, const size_t *sorted, size_t lo, size_t hi, ec_pair *m)
{
    *m = v[sorted[lo]];
    for (size_t k = lo + 1; k < hi; k++) {
        const ec_pair *p = &v[sorted[k]];
#define EC_LEAST(f) if (p->f < m->f) m->f = p->f
        EC_LEAST(tp); EC_LEAST(tr); EC_LEAST(bp); EC_LEAST(br); EC_LEAST(least);
        EC_LEAST(sums.sum); EC_LEAST(sums.slide_p); EC_LEAST(sums.slide_r); EC_LEAST(sums.max);
#undef EC_LEAST
    }
}

static int64_t range_least(const ec_pair *v, const size_t *sorted, size_t lo, size_t hi)
{
    int64_t f = INT64_MAX;
    for (size_t k = lo; k < hi; k++)
        if (v[sorted[k]].least < f) f = v[sorted[k]].least;
    return f;
}

/* The spatial choices of rows hs[h0, h1) by columns ws[w0, w1) (each range
 * of one pattern), for the orders of `alive`: a block whose least pairs do
 * not fit with the smallest channel tiles, or whose order-free or joint
 * bound there exceeds the best, holds no choice worth exploring (every
 * bound is non-decreasing in each quantity the least pairs take the least
 * of; docs/search.md section 7, item 1). Otherwise it is halved along its
 * longer side, the half with the smaller order-free key first. `hm` and
 * `wm` are the least pairs of the two ranges (range_minima()), computed
 * by the caller: a half keeps the other side's, and the halves' own
 * order them. */
static void search_block(ec_tiler *t, size_t h0, size_t h1, size_t w0, size_t w1, unsigned alive,
                         const ec_pair *hm, const ec_pair *wm)
{
    if (t->limited || !spend(t)) return;
    if (h1 - h0 == 1 && w1 - w0 == 1) {
        visit(t, &t->hp[t->hs[h0]], &t->wp[t->ws[w0]], alive);
        return;
    }
    /* A block of two choices costs about as much to bound as they do to
     * visit: visit them (callgrind, the slowest cells of bench_search:
     * 3% fewer instructions than visiting blocks of up to four, which
     * the bounds of a pattern made cheaper since). */
    if ((h1 - h0) * (w1 - w0) <= 2) {
        for (size_t i = h0; i < h1; i++)
            for (size_t j = w0; j < w1; j++) visit(t, &t->hp[t->hs[i]], &t->wp[t->ws[j]], alive);
        return;
    }
    set_spatial(t, hm, wm);
    set_chan(t, 1);
    if (!fits(t, hm, wm)) return;
    if (t->have_best) {
        int64_t key;
        if (ck_mul(hm->least, wm->least, &key) || order_free_bound(t, key) > t->best.energy) return;
        /* The least pairs need the least Buffer of the block: no choice in
         * it has a channel tile above their channel maxima. */
        size_t cm[4];
        channel_maxima(t, hm, wm, cm);
        alive = ec_tiler_joint_alive(t, hm, wm, alive, cm, 0, t->best.energy);
        if (!alive) return;
    }
    ec_pair ma, mb; /* the least pairs of the two halves */
    if (h1 - h0 >= w1 - w0) {
        size_t mid = h0 + (h1 - h0) / 2;
        range_minima(t->hp, t->hs, h0, mid, &ma);
        range_minima(t->hp, t->hs, mid, h1, &mb);
        if (mb.least < ma.least) {
            search_block(t, mid, h1, w0, w1, alive, &mb, wm);
            search_block(t, h0, mid, w0, w1, alive, &ma, wm);
        } else {
            search_block(t, h0, mid, w0, w1, alive, &ma, wm);
            search_block(t, mid, h1, w0, w1, alive, &mb, wm);
        }
    } else {
        size_t mid = w0 + (w1 - w0) / 2;
        range_minima(t->wp, t->ws, w0, mid, &ma);
        range_minima(t->wp, t->ws, mid, w1, &mb);
        if (mb.least < ma.least) {
            search_block(t, h0, h1, mid, w1, alive, hm, &mb);
            search_block(t, h0, h1, w0, mid, alive, hm, &ma);
        } else {
            search_block(t, h0, h1, w0, mid, alive, hm, &ma);
            search_block(t, h0, h1, mid, w1, alive, hm, &mb);
        }
    }
}

/* Where each pattern's run starts in a sorted axis (bounds[4] = n). */
static void class_bounds(const ec_pair *v, const size_t *sorted, size_t n, size_t bounds[5])
{
    size_t k = 0;
    for (int c = 0; c < 4; c++) {
        bounds[c] = k;
        while (k < n && pair_class(&v[sorted[k]]) == c) k++;
    }
    bounds[4] = n;
}

int ec_tiler_search(ec_tiler *t, int n, const ec_dim (*orders)[EC_NDIMS], const unsigned *needs,
                    const ec_dim rank[EC_NDIMS], ec_score *out, int *which)
{
    t->norders = n;
    t->orders = orders;
    t->needs = needs;
    t->rank = rank;
    t->have_best = 0;
    /* The dimension explore() solves for last: any choice is exact (docs/model.md
     * section 6). For one order, one whose count multiplies no reuse
     * factor when every dimension is active: the other two then decide
     * the price of a tiling alone, so a prefix bound with both fixed is
     * its price, and tilings that differ only in it (which would tie in
     * energy) are not walked one by one. Otherwise the one with the most
     * candidates. */
    t->last = -1;
    if (n == 1) {
        cf_sig sg;
        cf_signature(orders[0], (1u << EC_NDIMS) - 1u, t->plan.reuse, &sg);
        unsigned used = sg.reuse[0] | sg.reuse[1] | sg.reuse[2];
        for (int i = 0; i < 4; i++)
            if (t->c[chan[i]].n > 1 && !(used >> chan[i] & 1u) &&
                (t->last < 0 || t->c[chan[i]].n > t->c[chan[t->last]].n))
                t->last = i;
    }
    /* A branch and bound over the grid of spatial choices, one block per
     * pair of patterns (the signatures are fixed within one), the block
     * with the smallest order-free key first. Only tilings of energy above
     * the best are ever skipped, so the answer is the least of all
     * (energy, DRAM, tiles, order index), whatever the order of visit. */
    size_t hb[5], wb[5];
    class_bounds(t->hp, t->hs, t->nh, hb);
    class_bounds(t->wp, t->ws, t->nw, wb);
    int64_t key[16];
    int blocks[16], nb = 0;
    for (int ch = 0; ch < 4; ch++)
        for (int cw = 0; cw < 4; cw++) {
            if (hb[ch] == hb[ch + 1] || wb[cw] == wb[cw + 1]) continue;
            int64_t k, lh = range_least(t->hp, t->hs, hb[ch], hb[ch + 1]);
            int64_t lw = range_least(t->wp, t->ws, wb[cw], wb[cw + 1]);
            key[ch * 4 + cw] = ck_mul(lh, lw, &k) ? INT64_MAX : k;
            int j = nb++;
            for (; j > 0 && key[blocks[j - 1]] > key[ch * 4 + cw]; j--) blocks[j] = blocks[j - 1];
            blocks[j] = ch * 4 + cw;
        }
    unsigned all = n >= 32 ? ~0u : (1u << n) - 1u;
    for (int b = 0; b < nb && !t->limited; b++) {
        int ch = blocks[b] / 4, cw = blocks[b] % 4;
        ec_pair hm, wm;
        range_minima(t->hp, t->hs, hb[ch], hb[ch + 1], &hm);
        range_minima(t->wp, t->ws, wb[cw], wb[cw + 1], &wm);
        search_block(t, hb[ch], hb[ch + 1], wb[cw], wb[cw + 1], all, &hm, &wm);
    }
    if (t->limited) return 0;
    if (t->have_best) {
        *out = t->best;
        *which = t->best_order;
    }
    return t->have_best;
}

ec_status ec_tiler_failure(ec_tiler *t, char *msg)
{
    if (t->limited) {
        ec_msg(msg, "automatic tiling: the search needs more than its budget of 2^%d units "
                    "of work (tilings checked or priced); set some tiles explicitly",
               EC_WORK_BUDGET_LOG2);
        return EC_E_LIMIT;
    }
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
    int64_t budget = FP_BUDGET_EVALUATE; /* the smallest tiles: a message only */
    if (fp_axis_sums(&ah, t->plan.footprint, t->plan.tile[EC_DIM_P], t->plan.tile[EC_DIM_R], 0, &h,
                     &budget) ||
        fp_axis_sums(&aw, t->plan.footprint, t->plan.tile[EC_DIM_Q], t->plan.tile[EC_DIM_S], 0, &w,
                     &budget)) {
        ec_msg(msg, "automatic tiling: no balanced tiling fits");
        return EC_E_CAPACITY;
    }
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
    int which;
    static const unsigned no_needs[1] = {0};
    ec_status st = ec_tiler_init(&t, shape, memory, plan, al, msg);
    if (st) return st;
    if (plan->policy == EC_POLICY_OPTIMAL) {
        st = ec_search_optimal(&t, plan, msg);
    } else if (ec_tiler_search(&t, 1, (const ec_dim(*)[EC_NDIMS])plan->order, no_needs, plan->order,
                               &best, &which)) {
        memcpy(plan->tile, best.tile, sizeof plan->tile);
    } else {
        st = ec_tiler_failure(&t, msg);
    }
    if (st == EC_OK) set_blocks(plan, shape);
    ec_tiler_free(&t);
    return st;
}
