/* docs/search.md section 7, item 2b: the joint channel bound of one order
 * on one spatial choice.
 *
 * Item 2's bound takes each channel tile at its own largest feasible value,
 * which no tiling reaches at once: the tiles share the Buffer. This one
 * uses how they share it. With the spatial tiles fixed, each reuse factor
 * holds at most one channel tile count (W is reused across N, P, Q; I
 * across K; O across C, R, S; G is relevant to all three), so for a fixed
 * pattern of active dimensions the energy is E0 + a*B_N + b*B_K + c*B_C
 * with a, b, c >= 0. In one shared Buffer, when one order is searched,
 * the three tiles' sum is at most M; for each pair of N, K, C with the third (and G) at its least tile
 * that leaves u v A + u al + v be <= M on the pair's tiles, and with
 * B_d >= e_d / t_d the least of the pair's part of the energy is the
 * minimum of a convex function of one tile, found exactly. Otherwise
 * each tile alone bounds a product of two counts (B_N B_C >= e_N e_C t_G
 * A_I / M_I, ...), and the three products bound B_N B_K B_C (27 times
 * more in one Buffer: AM-GM on the three tiles' sum). The bound of a pattern is the largest of the pairwise
 * minima and the box corner; the bound of the order is the least over
 * the patterns its tilings can have.
 * Every step is a relaxation, so no feasible tiling costs less. */
#include "tiling.h"

#include <math.h>

/* The channel dimensions in chan[] order (tiling.c). */
enum { CN, CG, CK, CC };
static const ec_dim chan_dim[4] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C};
/* pattern_bound() reads a reuse mask's low nibble as N G K C. */
_Static_assert(EC_DIM_N == 0 && EC_DIM_G == 1 && EC_DIM_K == 2 && EC_DIM_C == 3 && EC_DIM_P == 4,
               "channel dimensions first");

/* One channel dimension within a pattern: its tile count range [lo, hi]
 * and its least tile. The capacity side uses e_d / t_d <= B_d; for a
 * dimension whose tile is known (lo = hi), `cv` is that e_d / t_d. */
typedef struct range {
    double lo, hi, tmin, cv;
    double tmax; /* its largest tile */
} range;

/* min of a*x + c*max(zlo, P/x) over x in [xlo, xhi] (a, c >= 0), i.e. the
 * least of a*x + c*z over the box with x*z >= P; INFINITY if the box
 * holds no such point. The function is convex in x, so its minimum is at
 * an end, at the kink P/zlo or at the stationary point sqrt(cP/a). */
static double min_pair(double a, double c, double P, const range *x, const range *z)
{
    if (x->lo == x->hi) { /* known tile: z >= P / (e_x / t_x) */
        double zz = P / x->cv > z->lo ? P / x->cv : z->lo;
        return zz > z->hi * (1 + 0x1p-40) ? INFINITY : a * x->lo + c * zz;
    }
    if (z->lo == z->hi) {
        double xx = P / z->cv > x->lo ? P / z->cv : x->lo;
        return xx > x->hi * (1 + 0x1p-40) ? INFINITY : a * xx + c * z->lo;
    }
    if (x->hi * z->hi * (1 + 0x1p-40) < P) return INFINITY;
    /* One coefficient 0: the other variable as small as the box and P allow. */
    if (a == 0) return c * (P / x->hi > z->lo ? P / x->hi : z->lo);
    if (c == 0) return a * (P / z->hi > x->lo ? P / z->hi : x->lo);
    double lo = x->lo, hi = x->hi;
    if (P / z->hi > lo) lo = P / z->hi;
    if (lo > hi) lo = hi;
    double cand[4] = {lo, hi, P / z->lo, sqrt(c * P / a)};
    double best = INFINITY;
    for (int i = 0; i < 4; i++) {
        double v = cand[i] < lo ? lo : cand[i] > hi ? hi : cand[i];
        double zz = P / v > z->lo ? P / v : z->lo;
        double f = a * v + c * zz;
        if (f < best) best = f;
    }
    return best;
}

/* What the bound of a spatial choice needs of it, whatever the order and
 * pattern: per-axis input factors by slide, the spatial parts of the
 * three tiles, and the pairwise floors for a G tile of 1. */
typedef struct spatial {
    double fh[5], fw[5];
    double p_nc, p_kc, p_nk, tri;
    double a_i, a_w, a_o; /* the spatial parts of the three tiles */
    int sum_form;         /* one shared Buffer, one order: min_pair_sum() */
    /* Constants of the layer and Buffer, read once per call: the price of
     * a word read (ka) and written (ko), the extents of chan_dim[], M. */
    double ka, ko, ex[4], M;
    double coef_w, coef_o, e0; /* W's and O's price per reuse, the fixed part */
} spatial;

static void spatial_init(const ec_tiler *t, const ec_pair *h, const ec_pair *w, spatial *sp)
{
    const ec_shape *s = t->shape;
    const ec_memory *m = t->memory;
    double hs = (double)h->sums.sum, ws = (double)w->sums.sum;
    for (int k = 0; k < 5; k++) sp->fh[k] = hs, sp->fw[k] = ws;
    sp->fh[CF_SLIDE_P] = (double)h->sums.slide_p;
    sp->fh[CF_SLIDE_R] = (double)h->sums.slide_r;
    sp->fw[CF_SLIDE_Q] = (double)w->sums.slide_p;
    sp->fw[CF_SLIDE_S] = (double)w->sums.slide_r;
    const double *e = m->energy;
    sp->ka = e[EC_ENERGY_DRAM_READ] + e[EC_ENERGY_BUF_WRITE];
    sp->ko = sp->ka + e[EC_ENERGY_DRAM_WRITE];
    for (int i = 0; i < 4; i++) sp->ex[i] = (double)s->extent[chan_dim[i]];
    sp->M = (double)m->capacity;
    sp->coef_w = sp->ka * t->f_size_w;
    sp->coef_o = sp->ko * t->f_size_o;
    sp->e0 = t->f_fixed - sp->ka * t->f_size_o;
    sp->a_i = (double)h->sums.max * (double)w->sums.max;
    sp->a_w = (double)h->tr * (double)w->tr;
    sp->a_o = (double)h->tp * (double)w->tp;
    sp->sum_form = !t->partitioned && t->norders == 1;
    sp->p_nc = sp->p_kc = sp->p_nk = sp->tri = 0;
    if (sp->sum_form) return; /* the products below are for min_pair() */
    double mi = (double)(t->partitioned ? m->partition[EC_TENSOR_I] : m->capacity);
    double mw = (double)(t->partitioned ? m->partition[EC_TENSOR_W] : m->capacity);
    double mo = (double)(t->partitioned ? m->partition[EC_TENSOR_O] : m->capacity);
    double eN = (double)s->extent[EC_DIM_N], eK = (double)s->extent[EC_DIM_K];
    double eC = (double)s->extent[EC_DIM_C];
    sp->p_nc = eN * eC * sp->a_i / mi;
    sp->p_kc = eK * eC * sp->a_w / mw;
    sp->p_nk = eN * eK * sp->a_o / mo;
    sp->tri = sqrt(sp->p_nc * sp->p_kc * sp->p_nk * (t->partitioned ? 1.0 : 27.0));
}

/* In a shared Buffer, the least of a*B_x + c*B_z when the tiles t_x = u,
 * t_z = v must satisfy u*v*A + u*al + v*be <= M (the three tiles' sum with
 * the third dimension at its least tile), B_x >= max(x.lo, e_x / u),
 * B_z >= max(z.lo, e_z / v), u and v within their ranges; INFINITY if no
 * such u, v. For each v the largest feasible u is best, which leaves a
 * convex function of v: g(v) = a*max(x', e_x (vA + al) / (M - v be)) +
 * c*max(z.lo, e_z / v) with x' = max(x.lo, e_x / u_max). Its minimum is at
 * an end of v's range, at one of the two kinks or at the stationary point
 * of the smooth part, v = M sqrt(c e_z) / (sqrt(a e_x (AM + al be)) +
 * be sqrt(c e_z)); the code evaluates all five. */
static double min_pair_sum(double a, double c, double ex, double ez, double A, double al,
                           double be, double M, const range *x, const range *z)
{
    double xl = x->lo > ex / x->tmax ? x->lo : ex / x->tmax; /* B_x at u's largest */
    /* v's range: its tiles, and u >= x->tmin must fit. */
    double vl = z->tmin, vr = z->tmax, vf = (M - x->tmin * al) / (be + x->tmin * A);
    if (vf < vr) vr = vf;
    if (!(vr >= vl * (1 - 0x1p-40))) return INFINITY;
    if (vr < vl) vr = vl;
    /* One coefficient 0 (one pair in three under OS and IS, whose last
     * dimension multiplies no reuse): B_x grows with v and B_z falls, so
     * the least is at an end of v's range. */
    if (c == 0) {
        if (a == 0) return 0;
        double den = M - vl * be, bx = den > 0 ? ex * (vl * A + al) / den : INFINITY;
        return a * (bx < xl ? xl : bx);
    }
    if (a == 0) return c * (ez / vr > z->lo ? ez / vr : z->lo);
    double cand[5] = {vl, vr, (M - al * ex / xl) / (be + A * ex / xl), ez / z->lo, vl};
    if (a > 0 && c > 0) cand[4] = M * sqrt(c * ez) / (sqrt(a * ex * (A * M + al * be)) + be * sqrt(c * ez));
    double best = INFINITY;
    for (int i = 0; i < 5; i++) {
        double v = cand[i] < vl ? vl : cand[i] > vr ? vr : cand[i];
        double den = M - v * be;
        double bx = den > 0 ? ex * (v * A + al) / den : INFINITY;
        if (bx < xl) bx = xl;
        double bz = ez / v > z->lo ? ez / v : z->lo;
        double f = a * bx + c * bz;
        if (f < best) best = f;
    }
    return best;
}

/* A bound of one pattern (`r` the ranges of N, G, K, C in it): the
 * largest of its parts, or the first part found above `limit`. */
static double pattern_bound(const ec_tiler *t, const spatial *sp, const cf_sig *sg,
                            const unsigned char slot[EC_NTENSORS], const range *const r[4],
                            double limit)
{
    double coef[EC_NTENSORS];
    coef[EC_TENSOR_W] = sp->coef_w;
    coef[EC_TENSOR_I] = sp->ka * t->f_ngc * sp->fh[sg->slide] * sp->fw[sg->slide];
    coef[EC_TENSOR_O] = sp->coef_o;
    /* E = e0 + lin[N]*B_N + lin[K]*B_K + lin[C]*B_C: each tensor's reuse
     * is its spatial part (fixed here) times at most one channel B. */
    double lin[6] = {0, 0, 0, 0, sp->e0, 0}; /* by slot: N G K C, fixed, none */
    for (int x = 0; x < EC_NTENSORS; x++) lin[slot[x]] += coef[x] * t->high[sg->reuse[x] >> 4];
    if (slot[0] == EC_SLOT_NONE || slot[1] == EC_SLOT_NONE || slot[2] == EC_SLOT_NONE)
        return -INFINITY; /* not that structure */
    double e0 = lin[EC_SLOT_FIXED];
    double tg = r[CG]->tmin, aN = lin[CN], aK = lin[CK], aC = lin[CC];
    /* The corner, then each pair (a pair no tiling of the pattern can
     * reach: none fits); the first above `limit` settles it. */
    double lb = e0 + aN * r[CN]->lo + aK * r[CK]->lo + aC * r[CC]->lo, v;
    if (lb > limit) return lb;
    if (sp->sum_form) {
        /* One Buffer for the three tiles: each pair with the third at its
         * least tile (tile I: N C, W: K C, O: N K; all times t_G). Only
         * for one order: it rules out more, but for the 29 candidates of
         * the optimal search it costs more than it saves (the form below
         * holds for a shared Buffer too). */
        const double M = sp->M, *ex = sp->ex;
        double gi = tg * sp->a_i, gw = tg * sp->a_w, go = tg * sp->a_o;
        v = e0 + min_pair_sum(aN, aC, ex[CN], ex[CC], gi, go * r[CK]->tmin, gw * r[CK]->tmin, M,
                              r[CN], r[CC]) + aK * r[CK]->lo;
        if (v > limit) return v;
        if (v > lb) lb = v;
        v = e0 + min_pair_sum(aK, aC, ex[CK], ex[CC], gw, go * r[CN]->tmin, gi * r[CN]->tmin, M,
                              r[CK], r[CC]) + aN * r[CN]->lo;
        if (v > limit) return v;
        if (v > lb) lb = v;
        v = e0 + min_pair_sum(aN, aK, ex[CN], ex[CK], go, gi * r[CC]->tmin, gw * r[CC]->tmin, M,
                              r[CN], r[CK]) + aC * r[CC]->lo;
        return v > lb ? v : lb;
    }
    /* Each tile within its partition (or the whole Buffer), so each
     * pair's product has a floor; their product bounds B_N B_K B_C (27
     * times higher in one Buffer: AM-GM on the three tiles' sum), which
     * raises each floor with the third count at its largest
     * (x*z >= tri / y_hi). */
    double tri = sp->tri * tg * sqrt(tg);
    double p_nc = sp->p_nc * tg, p_kc = sp->p_kc * tg, p_nk = sp->p_nk * tg;
    double yN = r[CN]->lo == r[CN]->hi ? r[CN]->cv : r[CN]->hi;
    double yK = r[CK]->lo == r[CK]->hi ? r[CK]->cv : r[CK]->hi;
    double yC = r[CC]->lo == r[CC]->hi ? r[CC]->cv : r[CC]->hi;
    if (tri / yK > p_nc) p_nc = tri / yK;
    if (tri / yN > p_kc) p_kc = tri / yN;
    if (tri / yC > p_nk) p_nk = tri / yC;
    v = e0 + min_pair(aN, aC, p_nc, r[CN], r[CC]) + aK * r[CK]->lo;
    if (v > limit) return v;
    v = e0 + min_pair(aK, aC, p_kc, r[CK], r[CC]) + aN * r[CN]->lo;
    if (v > limit) return v;
    v = e0 + min_pair(aN, aK, p_nk, r[CN], r[CK]) + aC * r[CC]->lo;
    return v > lb ? v : lb;
}

unsigned ec_tiler_joint_alive(ec_tiler *t, const ec_pair *h, const ec_pair *w, unsigned alive,
                              const size_t idx[4], unsigned fixed, double energy)
{
    /* A dimension of `fixed` has the tile at idx; another is whole (B = 1,
     * when its whole extent is feasible: idx 0) or split (B >= 2 and at
     * least the count at idx, the largest feasible tile). One with a
     * single candidate is as given. */
    range opt[4][2];
    unsigned bit[4][2]; /* the option's bit of the active mask */
    int nopt[4];
    for (int i = 0; i < 4; i++) {
        const ec_cand *c = &t->c[chan_dim[i]];
        double e = (double)t->shape->extent[chan_dim[i]];
        nopt[i] = 0;
        if (c->n == 1 || fixed >> i & 1u) {
            size_t j = c->n == 1 ? 0 : idx[i];
            range only = {(double)c->b[j], (double)c->b[j], (double)c->t[j], e / (double)c->t[j],
                          (double)c->t[j]};
            opt[i][nopt[i]++] = only;
            continue;
        }
        if (idx[i] == 0) {
            range whole = {1, 1, (double)c->t[0], 1, (double)c->t[0]};
            opt[i][nopt[i]++] = whole;
        }
        size_t k = idx[i] > 0 ? idx[i] : 1;
        range split = {(double)c->b[k], (double)c->b[c->n - 1], (double)c->t[c->n - 1], 0,
                       (double)c->t[k]};
        if (split.lo == split.hi) split.cv = e / (double)c->t[c->n - 1];
        opt[i][nopt[i]++] = split;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < nopt[i]; j++) bit[i][j] = (unsigned)(opt[i][j].hi > 1) << chan_dim[i];
    double limit = energy * (1 + 0x1p-30);
    spatial sp;
    spatial_init(t, h, w, &sp);
    /* `above`: the orders every pattern seen so far prices above `energy`.
     * Orders with one signature in a pattern share its bound. */
    unsigned above = alive;
    for (int a = 0; a < nopt[0] && above; a++)
        for (int b = 0; b < nopt[1] && above; b++)
            for (int k = 0; k < nopt[2] && above; k++)
                for (int c = 0; c < nopt[3] && above; c++) {
                    const range *r[4] = {&opt[0][a], &opt[1][b], &opt[2][k], &opt[3][c]};
                    unsigned act = t->spatial_act | bit[0][a] | bit[1][b] | bit[2][k] | bit[3][c];
                    const ec_sigset *e = ec_tiler_sigs(t, act);
                    double bound[EC_MAX_ORDERS];
                    unsigned done = 0;
                    for (unsigned m = above; m; m &= m - 1u) {
                        int i = ec_low_bit(m), rep = e->rep[i];
                        if (rep < 0) continue; /* the order is not tried on these tilings */
                        if (!(done >> rep & 1u)) {
                            t->work -= EC_WORK_ESTIMATE;
                            bound[rep] = pattern_bound(t, &sp, &e->sig[rep], e->slot[rep], r, limit);
                            done |= 1u << rep;
                        }
                        if (!(bound[rep] > limit)) above &= ~(1u << i);
                    }
                }
    return alive & ~above;
}
