/* Section 6's tile search, as a reusable context: the balanced tiles of
 * every dimension and the per-axis footprint sums of every spatial choice
 * depend on the layer, the memory and the input options but not on the loop
 * order, so the optimal-order search (search.c) builds them once and
 * searches each candidate order with them. */
#ifndef EC_TILING_H
#define EC_TILING_H

#include "closed_form.h"

#include <stddef.h>

typedef struct ec_cand {
    int64_t *t; /* balanced tiles, descending; one value for an explicit tile */
    size_t n;
} ec_cand;

typedef struct ec_pair {
    int64_t tp, tr; /* (t_P, t_R) or (t_Q, t_S) */
    fp_sums sums;
    int64_t least; /* the smallest input factor any order can give: min of sums */
} ec_pair;

/* One row of the merge that visits spatial choices by increasing
 * least_h * least_w: row i of hs with its next column j of ws. */
typedef struct ec_merge {
    int64_t key;
    size_t i, j;
} ec_merge;

/* How a tiling ranks (section 6): energy, then DRAM accesses, then larger
 * tiles in loop order. */
typedef struct ec_score {
    double energy;
    int64_t dram;
    int64_t tile[EC_NDIMS];
} ec_score;

typedef struct ec_tiler {
    const ec_allocator *al;
    const ec_shape *shape;
    const ec_memory *memory;
    int partitioned;
    int64_t budget; /* footprint work left for the spatial sums (FP_BUDGET_TILING) */
    ec_plan plan; /* options and the tiles under trial */
    ec_cand c[EC_NDIMS];
    ec_pair *hp, *wp; /* spatial choices of the row and the column axis */
    size_t nh, nw;
    /* Pair indices by increasing `least`: the order-free bound of a spatial
     * choice (every reuse factor 1, the least input factors) grows with
     * least_h * least_w, so a search merges the two lists by that product
     * and stops at the first choice whose bound exceeds the best energy. */
    size_t *hs, *ws;
    ec_merge *heap;
    size_t nheap;
    /* The feasible choices the merge has produced so far, with their
     * bounds: searches of further orders replay them before merging on. */
    struct ec_visit {
        size_t k;
        double bound;
    } *seq;
    size_t nseq;
    /* NULL, or (see ec_tiler_cache) per spatial choice: the largest feasible
     * tile of each of N, G, K, C with the other three at their smallest
     * (0 = not yet computed). No feasible tiling has a larger one, so these
     * bound every B_d from below. */
    int64_t (*chan_max)[4];
    int64_t *store;
    /* search state */
    int have_best, overflowed;
    ec_score best;
} ec_tiler;

/* Builds the candidates (explicit tiles of `plan` are kept, 0 = automatic)
 * and the spatial sums. On failure everything is freed. */
ec_status ec_tiler_init(ec_tiler *t, const ec_shape *shape, const ec_memory *memory,
                        const ec_plan *plan, const ec_allocator *al, char *msg);

/* Best tiling for `order`. With `incumbent` non-NULL, spatial choices whose
 * bound exceeds its energy are skipped (their tilings cannot win). Spatial
 * choices in which some dimension of `needs` (a mask over ec_dim) has one
 * tile whatever the channel tiles are skipped too: the optimal search uses
 * it for orders whose cost signature needs those dimensions active (another
 * candidate order has the signature they then reduce to). Returns 1 with
 * *out filled if some tiling fits and evaluates, else 0. */
int ec_tiler_search(ec_tiler *t, const ec_dim order[EC_NDIMS], unsigned needs,
                    const ec_score *incumbent, ec_score *out);

/* Keeps per-choice work across searches: worth it when many orders are
 * searched with one tiler. Without memory for it, nothing is kept. */
void ec_tiler_cache(ec_tiler *t);

/* Why nothing fits, for the message: EC_E_OVERFLOW or EC_E_CAPACITY. */
ec_status ec_tiler_failure(ec_tiler *t, char *msg);

void ec_tiler_free(ec_tiler *t);

/* Section 6's ranking for tilings of one order. */
int ec_score_better(const ec_score *a, const ec_score *b, const ec_dim order[EC_NDIMS]);

/* search.c: the optimal dataflow over all loop orders (EC_POLICY_OPTIMAL);
 * fills plan->order and plan->tile. */
ec_status ec_search_optimal(ec_tiler *t, ec_plan *plan, char *msg);

#endif
