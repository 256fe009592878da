/* Per-axis input footprints (docs/model.md section 3, "Tile footprints") and their
 * sums over tile positions (section 4, SumFh and its slide variants). One
 * axis is rows (P, R, H) or columns (Q, S, W); see ec_axis. */
#ifndef EC_FOOTPRINT_H
#define EC_FOOTPRINT_H

#include "internal.h"

/* Size of the footprint of outputs [p0, p0+np) x taps [r0, r0+nr) on one
 * axis: the set of real input rows they read (EXACT), or the bounding
 * interval of that set (BBOX). */
int64_t fp_size(const ec_axis *a, ec_footprint mode, int64_t p0, int64_t np, int64_t r0,
                int64_t nr);

/* The sums of section 4 over all (P-tile, R-tile) positions of one axis. */
typedef struct fp_sums {
    int64_t sum;     /* sum of footprints: SumFh */
    int64_t slide_p; /* DR factor when P is the innermost changing loop */
    int64_t slide_r; /* DR factor when R is the innermost changing loop */
    int64_t max;     /* largest footprint: the capacity term */
} fp_sums;

/* Which slide factors to compute (sum and max always are). */
#define FP_SLIDE_P 1u
#define FP_SLIDE_R 2u
#define FP_ALL (FP_SLIDE_P | FP_SLIDE_R)

/* Work allowed for one explicit evaluation's sums, and for all the sums of
 * one automatic tiling: footprints counted one by one (border tiles, and
 * one per run of interior ones). At most about 0.1 s and 0.5 s. */
#define FP_BUDGET_EVALUATE ((int64_t)1 << 22)
#define FP_BUDGET_TILING ((int64_t)1 << 23)

/* Computes the sums for tiles tp (outputs) and tr (taps); the slide factors
 * not asked for are left 0. Each footprint counted takes one unit of
 * *budget. Returns EC_E_LIMIT when the budget runs out (huge kernels cut
 * into small tiles), EC_E_OVERFLOW if a sum does not fit (it cannot for a
 * validated layer's set footprints, but the sums count rows once per tile). */
ec_status fp_axis_sums(const ec_axis *a, ec_footprint mode, int64_t tp, int64_t tr,
                       unsigned want, fp_sums *out, int64_t *budget);

#endif
