/* Per-axis input footprints and their sums over tile positions.
 *
 * docs/model.md section 3 defines the rows an input tile occupies as the SET
 * Fh = {p*sh + r*dh - pt : p in the P-tile, r in the R-tile} clipped to
 * [0, H); section 4 needs SumFh (and its slide variants) without walking the
 * loop nest. Both are computed here in closed form; docs/model.md derives
 * them ("Counting one footprint", "Sums over tile positions"). */
#include "footprint.h"
#include "checked.h"

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The sumset {i*a + j*b : i < ni, j < nj} (gcd(a, b) = 1) splits into
 * residue classes mod a, one per j0 < min(nj, a); in class j0 the points are
 * j0*b + a*m with m in the union over k < K of [k*b, k*b + ni - 1]. The
 * helpers below answer questions about that union of K intervals. */
typedef struct run_union {
    int64_t n, b, K; /* K intervals of n points, spaced b */
} run_union;

static int64_t union_last(const run_union *u) { return (u->K - 1) * u->b + u->n - 1; }

/* Number of points <= x. */
static int64_t union_le(const run_union *u, int64_t x)
{
    if (x < 0) return 0;
    if (u->n >= u->b) return min64(x, union_last(u)) + 1; /* intervals touch */
    int64_t k = x / u->b;
    if (k >= u->K) return u->K * u->n;
    return k * u->n + min64(u->n, x - k * u->b + 1);
}

/* Smallest point >= x, or -1. */
static int64_t union_next(const run_union *u, int64_t x)
{
    x = max64(x, 0);
    if (x > union_last(u)) return -1;
    if (u->n >= u->b) return x;
    int64_t k = x / u->b;
    if (x - k * u->b < u->n) return x;
    return k + 1 < u->K ? (k + 1) * u->b : -1;
}

/* Largest point <= x, or -1. */
static int64_t union_prev(const run_union *u, int64_t x)
{
    if (x < 0) return -1;
    x = min64(x, union_last(u));
    if (u->n >= u->b) return x;
    int64_t k = x / u->b;
    return x - k * u->b < u->n ? x : k * u->b + u->n - 1;
}

/* Count, or bounding interval, of the sumset's points in [L, U]. Classes are
 * taken over the index whose class count is smaller, so the cost is
 * O(min(ni, nj, a, b)) and never more than the tile's kernel extent. */
static int64_t sumset(int64_t ni, int64_t a, int64_t nj, int64_t b, int64_t L, int64_t U,
                      int64_t *umin, int64_t *umax)
{
    if (min64(ni, b) < min64(nj, a)) {
        int64_t t = ni; ni = nj; nj = t;
        t = a; a = b; b = t;
    }
    int64_t count = 0, lo = -1, hi = -1;
    int64_t classes = min64(nj, a);
    for (int64_t j0 = 0; j0 < classes; j0++) {
        run_union u = {ni, b, (nj - j0 + a - 1) / a};
        int64_t off = j0 * b;
        int64_t mL = ceil_div_s(L - off, a), mU = floor_div_s(U - off, a);
        if (mU < mL) continue;
        if (!umin) {
            count += union_le(&u, mU) - union_le(&u, mL - 1);
            continue;
        }
        int64_t first = union_next(&u, mL), last = union_prev(&u, mU);
        if (first < 0 || last < 0 || first > mU || last < mL) continue;
        int64_t v0 = off + a * first, v1 = off + a * last;
        if (lo < 0 || v0 < lo) lo = v0;
        if (v1 > hi) hi = v1;
        count = 1;
    }
    if (umin) {
        *umin = lo;
        *umax = hi;
    }
    return count;
}

/* Footprint of outputs [p0, p0+np) x taps [r0, r0+nr): its number of real
 * rows, and (when lo is non-NULL) the first and last of them. Returns 0 for
 * a footprint that is all padding. */
static int64_t footprint(const ec_axis *x, int64_t p0, int64_t np, int64_t r0, int64_t nr,
                         int64_t *lo, int64_t *hi)
{
    int64_t base = p0 * x->stride + r0 * x->dilation - x->pad;
    int64_t span = (np - 1) * x->stride + (nr - 1) * x->dilation;
    /* Offsets v from base with base + v in [0, H). */
    int64_t vlo = max64(-base, 0), vhi = min64(x->H - 1 - base, span);
    if (vhi < vlo) return 0;
    /* Divisions are most of a footprint's cost: none when a step is 1. */
    int64_t g = x->stride == 1 || x->dilation == 1 ? 1 : gcd64(x->stride, x->dilation);
    int64_t L = g == 1 ? vlo : ceil_div_s(vlo, g), U = g == 1 ? vhi : floor_div_s(vhi, g);
    if (U < L) return 0;
    /* The sumset {i*a + j*b : i < np, j < nr} (a, b the stride and dilation
     * over g) is every integer of [0, span/g] when one step is 1 and the
     * runs it makes touch: a = 1 with np >= b (or one tap), or b = 1 with
     * nr >= a (or one output); otherwise 1 is missing (a, b > 1) or a gap
     * between runs is. Stride 1 and dilation 1, the common case, always
     * are; then the count is that of [L, U] with no class walk. */
    int64_t a = g == 1 ? x->stride : x->stride / g, b = g == 1 ? x->dilation : x->dilation / g;
    if ((a == 1 && (np >= b || nr == 1)) || (b == 1 && (nr >= a || np == 1))) {
        if (lo) {
            *lo = base + g * L;
            *hi = base + g * U;
            return *hi - *lo + 1;
        }
        return U - L + 1;
    }
    if (!lo) return sumset(np, a, nr, b, L, U, NULL, NULL);
    int64_t umin, umax;
    if (!sumset(np, a, nr, b, L, U, &umin, &umax)) return 0;
    *lo = base + g * umin;
    *hi = base + g * umax;
    return *hi - *lo + 1;
}

int64_t fp_size(const ec_axis *x, ec_footprint mode, int64_t p0, int64_t np, int64_t r0,
                int64_t nr)
{
    int64_t lo, hi;
    return footprint(x, p0, np, r0, nr, mode == EC_FOOTPRINT_BBOX ? &lo : NULL, &hi);
}

/* Rows of footprint (p0, np, ra) not shared with footprint (q0, nq, rb): the
 * input read by a sliding step (section 3, input reuse `slide`). The two
 * footprints are adjacent along P (same taps) or along R (same outputs). For
 * the exact footprint the union of two adjacent footprints is the footprint
 * of the merged range, so new = |merged| - |previous|; for the bounding
 * interval it is the size minus the overlap of the two intervals. */
static int64_t fresh_rows(const ec_axis *x, ec_footprint mode, int64_t p0, int64_t np,
                          int64_t r0, int64_t nr, int64_t q0, int64_t nq, int64_t rq0, int64_t nrq)
{
    if (mode == EC_FOOTPRINT_EXACT) {
        int64_t merged = q0 == p0 ? footprint(x, p0, np, rq0, nrq + nr, NULL, NULL)
                                  : footprint(x, q0, nq + np, r0, nr, NULL, NULL);
        return merged - footprint(x, q0, nq, rq0, nrq, NULL, NULL);
    }
    int64_t lo, hi, plo, phi;
    int64_t size = footprint(x, p0, np, r0, nr, &lo, &hi);
    if (!size || !footprint(x, q0, nq, rq0, nrq, &plo, &phi)) return size;
    int64_t overlap = min64(hi, phi) - max64(lo, plo) + 1;
    return size - max64(overlap, 0);
}

/* max(0, ceil(a / b)) and min(hi, floor(a / b)) for b > 0 and hi >= 0,
 * with hi * b fitting 64 bits. The tiles psum looks for are at the ends, a
 * padding's width from them, so these answers usually need no division. */
static int64_t ceil_div_pos(int64_t a, int64_t b)
{
    return a <= 0 ? 0 : a <= b ? 1 : ceil_div(a, b);
}
static int64_t floor_div_upto(int64_t a, int64_t b, int64_t hi)
{
    int64_t top = hi * b;
    if (a >= top) return hi;
    if (hi > 0 && a >= top - b) return hi - 1;
    return floor_div_s(a, b);
}

typedef enum term_kind { TERM_SIZE, TERM_SLIDE_P, TERM_SLIDE_R } term_kind;

/* What one P-tile contributes to a sum: its footprint under taps
 * [r0, r0+nr); or what it reads when it follows P-tile pt-1 (SLIDE_P); or
 * what taps [r0, r0+nr) read after taps [rp0, r0) on the same P-tile
 * (SLIDE_R). */
static int64_t term(const ec_axis *x, ec_footprint mode, term_kind kind, int64_t tp,
                    int64_t pt, int64_t r0, int64_t nr, int64_t rp0)
{
    int64_t p0 = pt * tp, np = min64(tp, x->P - p0);
    switch (kind) {
    case TERM_SLIDE_P:
        if (pt > 0) return fresh_rows(x, mode, p0, np, r0, nr, p0 - tp, tp, r0, nr);
        break;
    case TERM_SLIDE_R: return fresh_rows(x, mode, p0, np, r0, nr, p0, np, rp0, r0 - rp0);
    case TERM_SIZE: break;
    }
    return fp_size(x, mode, p0, np, r0, nr);
}

/* Sum (and max) of term() over all P-tiles. Tiles that read only padding
 * contribute 0 and are skipped; full tiles whose reads (and, for sliding
 * terms, their predecessor's) lie inside [0, H) are translates of one
 * another and contribute the same, so a run of them costs one evaluation.
 * What is left to evaluate one by one are the tiles at the borders. */
static ec_status psum(const ec_axis *x, ec_footprint mode, term_kind kind, int64_t tp,
                      int64_t r0, int64_t nr, int64_t rp0, int64_t *sum, int64_t *max,
                      int64_t *budget)
{
    const int64_t st = x->stride, dl = x->dilation, pad = x->pad;
    int64_t span = (tp - 1) * st + (nr - 1) * dl;
    int64_t first, last, in_lo, in_hi;
    if (tp >= x->P) {
        /* One P-tile, the common whole tile: the bounds below without their
         * divisions. It counts when its reads [b, b + span] meet [0, H). */
        int64_t b = r0 * dl - pad;
        first = b + span >= 0 ? 0 : 1;
        last = b <= x->H - 1 ? 0 : -1;
        in_lo = in_hi = 0; /* no run of translates */
    } else {
        int64_t full = x->P / tp, blocks = full + (x->P % tp != 0), step = tp * st;
        /* Taps whose reads decide whether the term is a translate: the
         * union of the two tap ranges for SLIDE_R. */
        int64_t u0 = kind == TERM_SLIDE_R ? rp0 : r0, un = kind == TERM_SLIDE_R ? r0 + nr - rp0 : nr;
        int64_t uspan = (tp - 1) * st + (un - 1) * dl;
        first = ceil_div_pos(pad - r0 * dl - span, step);
        last = floor_div_upto(x->H - 1 + pad - r0 * dl, step, blocks - 1);
        in_lo = ceil_div_pos(pad - u0 * dl, step) + (kind == TERM_SLIDE_P);
        in_hi = floor_div_upto(x->H - 1 - uspan + pad - u0 * dl, step, full - 1);
    }
    for (int64_t pt = first; pt <= last; pt++) {
        if (--*budget < 0) return EC_E_LIMIT;
        int64_t v = term(x, mode, kind, tp, pt, r0, nr, rp0), n = 1;
        if (pt >= in_lo && pt < in_hi) {
            n = in_hi - pt + 1;
            pt = in_hi;
        }
        int64_t add;
        if (ck_mul(v, n, &add) || ck_add(*sum, add, sum)) return EC_E_OVERFLOW;
        if (max && v > *max) *max = v;
    }
    return EC_OK;
}

ec_status fp_axis_sums(const ec_axis *x, ec_footprint mode, int64_t tp, int64_t tr,
                       unsigned want, fp_sums *out, int64_t *budget)
{
    /* Scalars, stored one by one: a struct built by scalar stores and then
     * copied whole is read back by wide loads that wait for those stores
     * (a store-forwarding stall, a tenth of an evaluation). */
    int64_t sum = 0, slide_p = 0, slide_r = 0, max = 0;
    int64_t rblocks = tr >= x->R ? 1 : ceil_div(x->R, tr);
    ec_status st = EC_OK;
    for (int64_t rt = 0; rt < rblocks && !st; rt++) {
        int64_t r0 = rt * tr, nr = min64(tr, x->R - r0);
        if (--*budget < 0) return EC_E_LIMIT; /* even R-tiles of pure padding cost */
        st = psum(x, mode, TERM_SIZE, tp, r0, nr, 0, &sum, &max, budget);
        if (!st && (want & FP_SLIDE_P))
            st = psum(x, mode, TERM_SLIDE_P, tp, r0, nr, 0, &slide_p, NULL, budget);
        /* Along R the first R-tile of each sweep is read whole. */
        if (!st && (want & FP_SLIDE_R))
            st = rt == 0 ? psum(x, mode, TERM_SIZE, tp, r0, nr, 0, &slide_r, NULL, budget)
                         : psum(x, mode, TERM_SLIDE_R, tp, r0, nr, r0 - tr, &slide_r, NULL, budget);
    }
    if (st == EC_OK) {
        out->sum = sum;
        out->slide_p = slide_p;
        out->slide_r = slide_r;
        out->max = max;
    }
    return st;
}
