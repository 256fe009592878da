/* Section 4's closed form, split so that the tiling search (tiling.c) can
 * evaluate many tilings from precomputed per-axis sums with the very code
 * that ec_evaluate() uses. */
#ifndef EC_CLOSED_FORM_H
#define EC_CLOSED_FORM_H

#include "footprint.h"

/* Largest tile of each tensor in words (section 3, "Capacity"); h and w are
 * the row and column sums for the plan's (t_P, t_R) and (t_Q, t_S). */
void cf_capacity(const ec_plan *plan, const fp_sums *h, const fp_sums *w,
                 int64_t cap[EC_NTENSORS]);

/* Every count of section 3 for the plan. EC_E_OVERFLOW if one does not fit
 * (msg, if non-NULL, says which). */
ec_status cf_counts(const ec_shape *shape, const ec_plan *plan, const fp_sums *h,
                    const fp_sums *w, ec_counts *counts, char *msg);

#endif
