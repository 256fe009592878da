/* The bounding interval of the real input rows of a tile on one axis
 * (docs/hierarchy.md, "Tiles"): the footprint a hierarchy counts, as
 * Timeloop's axis-aligned boxes do. */
#include "hier_internal.h"

#include "checked.h"

void hb_rows(const ec_axis *a, int64_t p0, int64_t np, int64_t r0, int64_t nr, int64_t *lo,
             int64_t *hi)
{
    int64_t best_lo = INT64_MAX, best_hi = INT64_MIN;
    /* Walk the shorter of the two ranges; along the other, the rows of one
     * fixed index form an arithmetic progression, clipped in O(1). */
    int by_r = nr <= np;
    int64_t n_outer = by_r ? nr : np, o0 = by_r ? r0 : p0;
    int64_t step_outer = by_r ? a->dilation : a->stride;
    int64_t step_inner = by_r ? a->stride : a->dilation;
    int64_t i0 = by_r ? p0 : r0, ni = by_r ? np : nr;
    for (int64_t k = 0; k < n_outer; k++) {
        int64_t base = (o0 + k) * step_outer - a->pad;
        int64_t ilo = ceil_div_s(-base, step_inner), ihi = floor_div_s(a->H - 1 - base, step_inner);
        if (ilo < i0) ilo = i0;
        if (ihi > i0 + ni - 1) ihi = i0 + ni - 1;
        if (ilo > ihi) continue;
        if (base + ilo * step_inner < best_lo) best_lo = base + ilo * step_inner;
        if (base + ihi * step_inner > best_hi) best_hi = base + ihi * step_inner;
    }
    if (best_lo > best_hi) {
        *lo = 0;
        *hi = -1;
    } else {
        *lo = best_lo;
        *hi = best_hi;
    }
}

int hb_unclipped(const ec_axis *a)
{
    return a->pad == 0 && (a->P - 1) * a->stride + (a->R - 1) * a->dilation <= a->H - 1;
}
