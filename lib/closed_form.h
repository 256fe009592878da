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

/* How an order prices a tiling (section 4; docs/search.md): for each
 * tensor, the dimensions whose B_d multiply its reuse factor (a mask over
 * ec_dim), and which input factor DR_I takes. It depends only on the order,
 * on which dimensions have B_d > 1 and on the reuse option, so the tiling
 * search computes it once per order and pattern of active dimensions. */
enum { CF_WHOLE, CF_SLIDE_P, CF_SLIDE_R, CF_SLIDE_Q, CF_SLIDE_S };
typedef struct cf_sig {
    unsigned char reuse[EC_NTENSORS];
    unsigned char slide; /* CF_WHOLE or CF_SLIDE_x: x the innermost active dimension */
} cf_sig;

/* The signature of `order` when the dimensions of `active` (a mask over
 * ec_dim) have B_d > 1. */
void cf_signature(const ec_dim order[EC_NDIMS], unsigned active, ec_reuse reuse, cf_sig *sig);

/* The mask of dimensions with blocks[d] > 1. */
unsigned cf_active(const int64_t blocks[EC_NDIMS]);

/* Every count of section 3 for a signature and tile counts. EC_E_OVERFLOW
 * if one does not fit (msg, if non-NULL, says which). */
ec_status cf_counts_sig(const ec_shape *shape, const cf_sig *sig, const int64_t blocks[EC_NDIMS],
                        const fp_sums *h, const fp_sums *w, ec_counts *counts, char *msg);

/* Every count of section 3 for the plan. EC_E_OVERFLOW if one does not fit
 * (msg, if non-NULL, says which). */
ec_status cf_counts(const ec_shape *shape, const ec_plan *plan, const fp_sums *h,
                    const fp_sums *w, ec_counts *counts, char *msg);

#endif
