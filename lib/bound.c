/* docs/model.md section 7: a lower bound on the DRAM transfers, and on the
 * energy, of EVERY schedule of a layer on a Buffer of M words (not only the
 * tilings of section 3). docs/bound.md proves it. */
#include "bound.h"
#include "checked.h"
#include "footprint.h"

#include <math.h>

/* Per-axis loops are bounded so that no input can make the bound slow. */
#define AXIS_LIMIT ((int64_t)1 << 24)

typedef struct axis_stats {
    int64_t used_rows; /* input rows read by at least one real tap */
    int64_t used_taps; /* kernel rows that meet at least one real input row */
    int64_t real;      /* (p, r) pairs whose row is real */
    int64_t rho;       /* max over rows of the pairs that read it */
    long double weighted; /* sum over tap classes of real pairs / sqrt(class rho) */
} axis_stats;

/* Outputs p in [0, P) whose tap r reads a real row. */
static int64_t real_outputs(const ec_axis *a, int64_t r)
{
    int64_t off = a->pad - r * a->dilation; /* p*stride must lie in [off, off + H) */
    int64_t lo = ceil_div_s(off, a->stride), hi = floor_div_s(off + a->H - 1, a->stride);
    if (lo < 0) lo = 0;
    if (hi > a->P - 1) hi = a->P - 1;
    return hi >= lo ? hi - lo + 1 : 0;
}

/* Pairs (p, r) reading input row y - pad, maximised over y (rho). Taps of
 * one residue class r = r0 (mod m), m = stride/g, g = gcd(stride, dil),
 * read rows y = r0*dil + stride*t; tap r0 + k*m reaches t in
 * [k*m', k*m' + P - 1] with m' = dil/g. So the count at t is the number of
 * points k*m' (k < K) in the window [t - P + 1, t]; over t in an interval
 * it is largest where the window's left end sits on the first reachable
 * point, or at the interval's right end. O(min(m, R)). */
static int64_t window_points(int64_t t, int64_t P, int64_t step, int64_t K)
{
    int64_t lo = ceil_div_s(t - P + 1, step), hi = floor_div_s(t, step);
    if (lo < 0) lo = 0;
    if (hi > K - 1) hi = K - 1;
    return hi >= lo ? hi - lo + 1 : 0;
}

/* The largest number of pairs reading one real row of the tap class
 * r0 (mod m): the class's rho (docs/bound.md section 10, steps 2-4). */
static int64_t rho_class(const ec_axis *a, int64_t r0, int64_t m, int64_t step)
{
    int64_t per_window = (a->P - 1) / step + 1;
    int64_t K = (a->R - r0 + m - 1) / m;
    int64_t base = a->pad - r0 * a->dilation; /* t range of real rows */
    int64_t tlo = ceil_div_s(base, a->stride), thi = floor_div_s(base + a->H - 1, a->stride);
    if (thi < tlo) return 0;
    int64_t c = window_points(thi, a->P, step, K);
    int64_t k = ceil_div_s(tlo - a->P + 1, step);
    if (k < 0) k = 0;
    if (k < K && k * step + a->P - 1 <= thi) {
        int64_t ck = K - k < per_window ? K - k : per_window;
        if (ck > c) c = ck;
    }
    return c;
}

/* rho of the axis (the largest class rho), and section 8b's weighted count
 * sum over classes of (real pairs of the class) / sqrt(class rho). */
static int64_t rho_axis(const ec_axis *a, long double *weighted)
{
    int64_t g = a->stride, d = a->dilation;
    while (d) {
        int64_t t = g % d;
        g = d;
        d = t;
    }
    int64_t m = a->stride / g, step = a->dilation / g, best = 0;
    *weighted = 0;
    for (int64_t r0 = 0; r0 < m && r0 < a->R; r0++) {
        int64_t c = rho_class(a, r0, m, step), real = 0;
        if (c > best) best = c;
        if (c == 0) continue;
        for (int64_t r = r0; r < a->R; r += m) real += real_outputs(a, r);
        *weighted += (long double)real / sqrtl((long double)c);
    }
    return best;
}

static ec_status axis_statistics(const ec_axis *a, axis_stats *st)
{
    if (a->R > AXIS_LIMIT) return EC_E_LIMIT;
    st->used_rows = fp_size(a, EC_FOOTPRINT_EXACT, 0, a->P, 0, a->R);
    st->used_taps = st->real = 0;
    for (int64_t r = 0; r < a->R; r++) {
        int64_t n = real_outputs(a, r);
        st->real += n; /* at most P*R, which the layer check bounds */
        st->used_taps += n > 0;
    }
    st->rho = rho_axis(a, &st->weighted);
    return EC_OK;
}

/* Unsigned 128-bit arithmetic, portable, saturating where it may overflow:
 * enough to decide x*x*rho*M >= MACs_real^2 exactly. */
typedef struct u128 {
    uint64_t hi, lo;
} u128;

static u128 mul64(uint64_t a, uint64_t b)
{
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    u128 r = {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (p00 & 0xFFFFFFFFu) | (mid << 32)};
    return r;
}

static u128 mul_sat(u128 a, uint64_t b)
{
    static const u128 max = {UINT64_MAX, UINT64_MAX};
    u128 l = mul64(a.lo, b), h = mul64(a.hi, b);
    if (h.hi) return max;
    uint64_t hi = l.hi + h.lo;
    if (hi < l.hi) return max;
    u128 r = {hi, l.lo};
    return r;
}

static int ge128(u128 a, u128 b) { return a.hi != b.hi ? a.hi > b.hi : a.lo >= b.lo; }

/* x*x*rho*M >= m*m */
static int covers(int64_t x, int64_t rho, int64_t M, u128 mm)
{
    return ge128(mul_sat(mul_sat(mul64((uint64_t)x, (uint64_t)x), (uint64_t)rho), (uint64_t)M), mm);
}

/* ceil(m / sqrt(rho*M)), exactly: the smallest x >= 1 with x^2 rho M >= m^2
 * (m >= 1), found from a floating-point estimate and corrected. */
static int64_t ceil_ratio_sqrt(int64_t m, int64_t rho, int64_t M)
{
    u128 mm = mul64((uint64_t)m, (uint64_t)m);
    long double est = ceill((long double)m / sqrtl((long double)rho * (long double)M));
    int64_t x = est < 1 ? 1 : est > (long double)m ? m : (int64_t)est;
    while (x > 1 && covers(x - 1, rho, M, mm)) x--;
    while (!covers(x, rho, M, mm)) x++;
    return x;
}

/* Section 8b, "Segments of any length": the best j*X + 1 over a few
 * counts j of full segments of X loads, X the largest integer with
 * j * ((M + X)/3)^(3/2) < weighted. The float Z = 3 (weighted/j)^(2/3) is
 * lowered by a relative 1e-6 first (far above cbrt's and the sum's error), so every candidate is a valid bound
 * (a smaller X only weakens it). 0 if none applies. */
static int64_t segment_tuned(long double weighted, int64_t M)
{
    if (!(weighted > 0)) return 0;
    long double jstar = weighted / ((long double)M * sqrtl((long double)M));
    if (!(jstar < 1e15L)) return 0; /* the fixed X = 2M form is as good there */
    int64_t j0 = (int64_t)floorl(jstar), best = 0;
    for (int64_t j = j0 - 1; j <= j0 + 2; j++) {
        if (j < 1) continue;
        /* double suffices: its error is ~1e-16 relative against the 1e-6. */
        double q = (double)(weighted / (long double)j);
        double z = 3.0 * cbrt(q * q) * (1.0 - 1e-6);
        if (!(z < 9.0e18)) continue;
        int64_t X = (int64_t)ceil(z) - 1 - M, v;
        if (X < 1 || ck_mul(j, X, &v) || ck_add(v, 1, &v)) continue;
        if (v > best) best = v;
    }
    return best;
}

int64_t ec_bound_capacity(const ec_memory *mem)
{
    /* A partition only restricts schedules: the bound for its total holds. */
    if (!ec_memory_partitioned(mem)) return mem->capacity;
    int64_t M = 0;
    for (int t = 0; t < EC_NTENSORS; t++)
        if (ck_add(M, mem->partition[t], &M)) return INT64_MAX;
    return M;
}

double ec_fixed_energy(const ec_shape *s, const ec_memory *mem)
{
    const double *e = mem->energy;
    return e[EC_ENERGY_MAC] * (double)s->macs +
           e[EC_ENERGY_BUF_READ] * (3.0 * (double)s->macs - (double)s->size_O) +
           e[EC_ENERGY_BUF_WRITE] * (double)s->macs;
}

ec_status ec_bound_compute(const ec_shape *s, const ec_memory *mem, ec_bound_parts *b, char *msg)
{
    axis_stats h, w;
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    int64_t M = ec_bound_capacity(mem);
    if (M < 1) {
        ec_msg(msg, "bound: a Buffer of %lld words holds no operand; no schedule exists", (long long)M);
        return EC_E_CAPACITY;
    }
    if (axis_statistics(&ah, &h) || axis_statistics(&aw, &w)) {
        ec_msg(msg, "bound: an axis of more than 2^24 kernel taps or boundary rows is beyond the "
                    "bound's limits");
        return EC_E_LIMIT;
    }
    /* Each product below is at most a tensor size or MACs, all validated. */
    b->I_used = s->N * s->C * h.used_rows * w.used_rows;
    b->W_used = s->K * s->Cg * h.used_taps * w.used_taps;
    b->macs_real = s->N * s->G * s->Kg * s->Cg * h.real * w.real;
    b->rho = h.rho * w.rho;
    if (b->I_used > INT64_MAX - b->W_used || b->I_used + b->W_used > INT64_MAX - s->size_O) {
        ec_msg(msg, "bound: the compulsory transfers exceed 64 bits");
        return EC_E_OVERFLOW;
    }
    b->T_c = b->I_used + b->W_used + s->size_O;
    int64_t x = b->macs_real ? ceil_ratio_sqrt(b->macs_real, b->rho, M) : 0;
    b->T_io = x > M ? x - M : 0;
    /* Section 8b: at least s segments of 2M loads, each but the last full,
     * and the loads exceed (s - 1) * 2M when s >= 2. */
    int64_t segs = ceil_div(x, M);
    long double weighted = 0;
    if (b->macs_real) {
        /* Weighting each tap class by its own rho: a float sum of square
         * roots, so rounded down by a relative 1e-6, far above its error,
         * before the ceiling; never below the exact count above. */
        weighted = (long double)(s->N * s->G * s->Kg * s->Cg) * h.weighted * w.weighted;
        long double zc = ceill(weighted / ((long double)M * sqrtl((long double)M)) * (1.0L - 1e-6L));
        if (zc > (long double)segs && zc < 9.0e18L) segs = (int64_t)zc;
    }
    b->T_seg = 0;
    /* segs can approach MACs_real (M = 1), so even 2 * (segs - 1) is checked. */
    if (segs >= 2 && (ck_mul(segs - 1, M, &b->T_seg) || ck_mul(b->T_seg, 2, &b->T_seg) ||
                      ck_add(b->T_seg, 1, &b->T_seg))) {
        ec_msg(msg, "bound: the segment bound exceeds 64 bits");
        return EC_E_OVERFLOW;
    }
    int64_t tuned = segment_tuned(weighted, M);
    if (tuned > b->T_seg) b->T_seg = tuned;
    b->T = b->T_c > b->T_io ? b->T_c : b->T_io;
    if (b->T_seg > b->T) b->T = b->T_seg;

    /* Energy (section 9): the per-MAC costs every schedule pays, the
     * compulsory reads and writes, and the excess transfers: T_seg's excess
     * is made of reads; T_io's may be the cheaper kind. Both are lower
     * bounds; the larger is kept. */
    const double *e = mem->energy;
    double read = e[EC_ENERGY_DRAM_READ] + e[EC_ENERGY_BUF_WRITE], write = e[EC_ENERGY_DRAM_WRITE];
    double fixed = ec_fixed_energy(s, mem);
    double excess_io = b->T_io > b->T_c ? (double)(b->T_io - b->T_c) : 0.0;
    double excess_seg = b->T_seg > b->T_c ? (double)(b->T_seg - b->T_c) : 0.0;
    double extra_io = (read < write ? read : write) * excess_io, extra_seg = read * excess_seg;
    b->energy = fixed + read * (double)(b->I_used + b->W_used) + write * (double)s->size_O +
                (extra_seg > extra_io ? extra_seg : extra_io);
    return EC_OK;
}

void ec_bound_for_reduction_trees(ec_bound_parts *b)
{
    b->T = b->T_c > b->T_io ? b->T_c : b->T_io;
}
