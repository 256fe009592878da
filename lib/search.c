/* The optimal dataflow (EC_POLICY_OPTIMAL): the minimum-energy pair of loop
 * order and balanced tiling over all 8! orders.
 *
 * Why a few dozen orders stand for all 40,320 (docs/search.md proves it):
 * for a fixed tiling only the dimensions with B_d > 1 matter, and the
 * closed form depends on the order only through the sets A_W, A_I, A_O and
 * the innermost such dimension L. Below each tensor's innermost relevant
 * dimension sit only dimensions irrelevant to it, and the three irrelevant
 * sets {N,P,Q} (for W), {K} (for I) and {C,R,S} (for O) are disjoint, so
 * at most one tensor has a non-empty run of irrelevant dimensions at the
 * bottom of the order. An order's cost is therefore fixed by: which tensor
 * is stationary (or none), the set of dimensions in its run, and L. Each
 * such signature is realised by the representative order built below, for
 * every tiling at once. */
#include "tiling.h"

#include <string.h>

/* Appends the dimensions of `set` (a bit mask) in the order N G K C P Q R S. */
static int append(ec_dim *order, int n, unsigned set)
{
    for (int d = 0; d < EC_NDIMS; d++)
        if (set >> d & 1u) order[n++] = (ec_dim)d;
    return n;
}

#define BIT(d) (1u << (d))
#define ALL 0xFFu

typedef struct candidate {
    ec_dim order[EC_NDIMS];
    unsigned needs; /* its signature's run: must all have B_d > 1 */
} candidate;

/* Representative for `stationary` tensor's run `run` (irrelevant dims of
 * that tensor) with `inner` innermost: the tensor's other irrelevant dims
 * outermost, then its relevant dims, then the run. When a run dimension
 * has one tile, the order has the signature of the smaller run, whose own
 * representative covers it; so it needs every run dimension active. */
static void representative(candidate *c, unsigned irrelevant, unsigned run, ec_dim inner)
{
    int n = append(c->order, 0, irrelevant & ~run);
    n = append(c->order, n, ALL & ~irrelevant);
    n = append(c->order, n, run & ~BIT(inner));
    c->order[n] = inner;
    c->needs = run;
}

/* Every representative order, the named policies first (so that a named
 * policy wins a tie with an equivalent order). Returns how many. */
static int candidate_orders(candidate *orders)
{
    static const ec_policy named[3] = {EC_POLICY_OS, EC_POLICY_WS, EC_POLICY_IS};
    int n = 0;
    for (int i = 0; i < 3; i++) {
        ec_dataflow d;
        memset(&d, 0, sizeof d);
        d.policy = named[i];
        ec_policy_order(&d, orders[n].order);
        orders[n++].needs = 0; /* searched whole, so that they win ties */
    }
    /* Weights stationary below a run of N, P, Q; outputs below C, R, S. */
    const unsigned runs[2] = {BIT(EC_DIM_N) | BIT(EC_DIM_P) | BIT(EC_DIM_Q),
                              BIT(EC_DIM_C) | BIT(EC_DIM_R) | BIT(EC_DIM_S)};
    for (int x = 0; x < 2; x++) {
        for (unsigned run = 1; run <= ALL; run++) {
            if ((run & runs[x]) != run) continue;
            for (int d = 0; d < EC_NDIMS; d++)
                if (run >> d & 1u) representative(&orders[n++], runs[x], run, (ec_dim)d);
        }
    }
    /* Inputs stationary below K; and G innermost, where no tensor is (G is
     * relevant to all three, so any order ending in G is one signature). */
    representative(&orders[n++], BIT(EC_DIM_K), BIT(EC_DIM_K), EC_DIM_K);
    representative(&orders[n++], BIT(EC_DIM_G), BIT(EC_DIM_G), EC_DIM_G);
    return n;
}

ec_status ec_search_optimal(ec_tiler *t, ec_plan *plan, char *msg)
{
    candidate c[EC_MAX_ORDERS];
    ec_dim orders[EC_MAX_ORDERS][EC_NDIMS];
    unsigned needs[EC_MAX_ORDERS];
    int n = candidate_orders(c), which;
    for (int i = 0; i < n; i++) {
        memcpy(orders[i], c[i].order, sizeof orders[i]);
        needs[i] = c[i].needs;
    }
    /* Across orders the tiles are compared in the fixed order N G K C
     * P Q R S; a full tie keeps the earlier order. */
    static const ec_dim canonical[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C,
                                               EC_DIM_P, EC_DIM_Q, EC_DIM_R, EC_DIM_S};
    ec_score best;
    if (!ec_tiler_search(t, n, (const ec_dim(*)[EC_NDIMS])orders, needs, canonical, &best, &which))
        return ec_tiler_failure(t, msg);
    memcpy(plan->order, orders[which], sizeof plan->order);
    memcpy(plan->tile, best.tile, sizeof plan->tile);
    return EC_OK;
}
