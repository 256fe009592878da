/* docs/model.md section 8: the asymptotic formula of each named policy, the
 * continuous relaxation of section 4's closed form (ceilings, halos and the
 * capacity taken by streamed slices dropped; tiles optimised analytically
 * and clamped to the layer's extents). docs/asymptotic.md derives all three.
 * Everything is per group and multiplied by G; Wg = |W|/G, Ig = |I_used|/G,
 * Og = |O|/G, X = N*P*Q pixels. */
#include "bound.h"

#include <math.h>

static double clamp(double x, double lo, double hi)
{
    /* The upper clamp wins when the interval is empty (a Buffer larger than
     * the whole layer): the tile cannot exceed the layer. */
    if (x < lo) x = lo;
    return x > hi ? hi : x;
}

/* Input rows a run of output rows reads per output row, ignoring the halo:
 * the taps of one output land on rows r*dil, and consecutive outputs move by
 * the stride, so a row is shared only within a residue class of
 * gcd(stride, dil); min(R, stride/gcd) rows per output in the limit. */
static double stride_density(int64_t R, int64_t stride, int64_t dil)
{
    int64_t g = stride, d = dil;
    while (d) {
        int64_t t = g % d;
        g = d;
        d = t;
    }
    int64_t rows = stride / g;
    return (double)(R < rows ? R : rows);
}

/* Minimiser of f(x) = A/x + B*x over [lo, hi]. */
static double argmin(double A, double B, double lo, double hi)
{
    double x = B > 0 ? sqrt(A / B) : hi;
    return clamp(x, lo, hi);
}

ec_status ec_asymptotic_compute(const ec_shape *s, const ec_memory *mem, ec_policy policy,
                                const ec_bound_parts *b, double out[3])
{
    const double G = (double)s->G, M = (double)ec_bound_capacity(mem);
    const double Wg = (double)s->size_W / G, Ig = (double)b->I_used / G, Og = (double)s->size_O / G;
    const double X = (double)s->N * (double)s->P * (double)s->Q;
    const double Kg = (double)s->Kg, Cg = (double)s->Cg, RS = (double)s->R * (double)s->S;
    double reads, writes;
    switch (policy) {
    case EC_POLICY_OS: {
        /* Output tile: a pixels x t_K = M/a channels, resident while C, R, S
         * stream. Weights are read once per pixel tile, inputs once per
         * channel tile: T(a) = Og + Wg X/a + Ig Kg a/M. */
        double a = argmin(Wg * X, Ig * Kg / M, fmax(1.0, M / Kg), fmin(X, M));
        reads = Wg * X / a + Ig * fmax(1.0, Kg * a / M);
        writes = Og;
        break;
    }
    case EC_POLICY_WS: {
        /* Weight tile: t_K x t_C channel pairs with t_K t_C = m = M/(R S),
         * resident while pixels stream. Inputs are read once per K tile,
         * partial sums written once per C tile and read back for all but
         * the first: T(t_K) = Wg + Ig Kg/t_K + Og (2 Cg t_K/m - 1). */
        double m = fmax(1.0, M / RS);
        double tk = argmin(Ig * Kg, 2.0 * Og * Cg / m, fmax(1.0, m / Cg), fmin(Kg, m));
        double bc = fmax(1.0, Cg * tk / m);
        reads = Wg + Ig * Kg / tk + Og * (bc - 1.0);
        writes = Og * bc;
        break;
    }
    case EC_POLICY_IS: {
        /* Input tile: the beta*a input pixels of a output pixels, x t_C =
         * M/(beta a) channels, resident while K streams (beta: input rows
         * per output row times columns per column, docs/asymptotic.md).
         * Weights are read once per pixel tile, partial sums spilled once
         * per C tile: T(a) = Ig + Wg X/a + Og (2 Cg beta a/M - 1). */
        double beta = stride_density(s->R, s->sh, s->dh) * stride_density(s->S, s->sw, s->dw);
        double a = argmin(Wg * X, 2.0 * Og * Cg * beta / M, fmax(1.0, M / (beta * Cg)),
                          fmin(X, M / beta));
        double bc = fmax(1.0, Cg * beta * a / M);
        reads = Ig + Wg * X / a + Og * (bc - 1.0);
        writes = Og * bc;
        break;
    }
    default: return EC_E_KEY;
    }
    const double *e = mem->energy;
    out[0] = G * reads;
    out[1] = G * writes;
    out[2] = ec_fixed_energy(s, mem) + (e[EC_ENERGY_DRAM_READ] + e[EC_ENERGY_BUF_WRITE]) * out[0] +
             e[EC_ENERGY_DRAM_WRITE] * out[1];
    return EC_OK;
}
