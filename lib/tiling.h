/* Section 6's tile search, as a reusable context: the balanced tiles of
 * every dimension, the per-axis footprint sums of every spatial choice and
 * the set of tilings worth evaluating depend on the layer, the memory and
 * the input options but not on the loop order, so the optimal-order search
 * (search.c) enumerates them once and prices each under every candidate
 * order. */
#ifndef EC_TILING_H
#define EC_TILING_H

#include "closed_form.h"

#include <stddef.h>

typedef struct ec_cand {
    int64_t *t; /* balanced tiles, descending; one value for an explicit tile */
    int64_t *b; /* their tile counts B = ceil(extent / t), ascending */
    size_t n;
    /* The index of a balanced tile without a search (first_at_most()):
     * t[j] = ceil(e / (j + 1)) for j < head, t[j] = n - j from head on;
     * `indexed` when that was checked on every candidate. */
    int64_t e;
    size_t head;
    int indexed;
} ec_cand;

/* Sets c->e, c->head and c->indexed for the balanced candidates of
 * extent e in c->t: whether the index of a tile follows from its value
 * (checked on every candidate), so that ec_cand_first_at_most() needs no
 * search. */
void ec_cand_index(ec_cand *c, int64_t e);

/* The first candidate index at or after `from` whose tile is at most
 * `most` (candidates descend); c->n if none. */
size_t ec_cand_first_at_most(const ec_cand *c, size_t from, int64_t most);

typedef struct ec_pair {
    int64_t tp, tr; /* (t_P, t_R) or (t_Q, t_S) */
    int64_t bp, br; /* their tile counts */
    fp_sums sums;
    int64_t least; /* the smallest input factor any order can give: min of sums */
} ec_pair;

/* How a tiling ranks (section 6): energy, then DRAM accesses, then larger
 * tiles in loop order. */
typedef struct ec_score {
    double energy;
    int64_t dram;
    int64_t tile[EC_NDIMS];
} ec_score;

/* Index of the lowest set bit of m != 0 (masks of candidate orders). */
static inline int ec_low_bit(unsigned m)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctz(m);
#else
    int i = 0;
    while (!(m >> i & 1u)) i++;
    return i;
#endif
}

/* At most this many candidate orders are searched at once (search.c has 29). */
#define EC_MAX_ORDERS 32

/* The candidate orders that can win for one pattern of active dimensions
 * (B_d > 1), each with its signature: orders excluded by their `needs`
 * are left out, and of orders with one signature only the first is kept
 * (they price every tiling alike, and the first wins the tie). rep[i] is
 * the entry order i is priced by (or -1). */
typedef struct ec_sigset {
    int ready, n;
    unsigned char order[EC_MAX_ORDERS];
    unsigned reps; /* the orders that head an entry, as a bit mask */
    cf_sig sig[EC_MAX_ORDERS];
    signed char rep[EC_MAX_ORDERS];
    /* Per signature and tensor, where the joint bound (tiling_bound.c)
     * adds its price: the coefficient of B_N, B_K or B_C (0, 2, 3), the
     * constant part (EC_SLOT_FIXED), or no linear form (EC_SLOT_NONE). */
    unsigned char slot[EC_MAX_ORDERS][EC_NTENSORS];
} ec_sigset;
enum { EC_SLOT_FIXED = 4, EC_SLOT_NONE = 5 };

/* Work allowed for one automatic tiling or optimal search, in units
 * weighted by their cost: a step of a loop (a tiling, a spatial choice or
 * a block of them) or a capacity check 1, an estimate of a
 * price 2, an exact price 8. Beyond it the search stops with EC_E_LIMIT
 * (docs/guarantees.md, "Running time"). */
#define EC_WORK_FIT 1
#define EC_WORK_ESTIMATE 2
#define EC_WORK_PRICE 8
#define EC_WORK_BUDGET_LOG2 30
#define EC_WORK_BUDGET ((int64_t)1 << EC_WORK_BUDGET_LOG2)

typedef struct ec_tiler {
    const ec_allocator *al;
    const ec_shape *shape;
    const ec_memory *memory;
    int partitioned;
    int64_t budget; /* footprint work left for the spatial sums (FP_BUDGET_TILING) */
    int64_t work;   /* search work left (EC_WORK_BUDGET) */
    int limited;    /* the search ran out of work */
    ec_plan plan; /* options and the tiles under trial */
    ec_cand c[EC_NDIMS];
    size_t cidx[4]; /* candidate index of each channel tile under trial */
    ec_pair *hp, *wp; /* spatial choices of the row and the column axis */
    size_t nh, nw;
    /* Pair indices sorted by pattern of active dimensions, then kernel and
     * output tile (ec_tiler_search() halves runs of them). */
    size_t *hs, *ws;
    int64_t *store;
    /* The orders searched, their needs, and the rank of tiles in ties. */
    int norders;
    const ec_dim (*orders)[EC_NDIMS];
    const unsigned *needs;
    const ec_dim *rank;
    unsigned fixed_single; /* channel dimensions with one tile in every tiling */
    ec_sigset *sigs;       /* indexed by the mask of active dimensions; lazily filled */
    unsigned alive;        /* orders not yet ruled out for the spatial choice in hand */
    size_t *rowlo;         /* explore()'s previous row (a channel dimension's candidates) */
    int last;              /* the channel position explore() bisects, or -1: its own rule */
    int64_t blocks[EC_NDIMS];
    unsigned spatial_act;                   /* the spatial dimensions with B_d > 1 */
    double low[16], high[16];               /* products of B_d over subsets of N G K C, P Q R S */
    double f_size_w, f_size_o, f_ngc, f_fixed; /* its constants (see ec_tiler_init) */
    /* search state */
    int have_best, overflowed, best_order;
    ec_score best;
} ec_tiler;

/* Builds the candidates (explicit tiles of `plan` are kept, 0 = automatic)
 * and the spatial sums. On failure everything is freed. */
ec_status ec_tiler_init(ec_tiler *t, const ec_shape *shape, const ec_memory *memory,
                        const ec_plan *plan, const ec_allocator *al, char *msg);

/* Best pair of order and tiling over `n` candidate orders (n <= EC_MAX_ORDERS),
 * in one pass over the spatial choices: each tiling worth evaluating is
 * enumerated once and priced under every order that can still win. Order
 * i is not tried on spatial choices in which some dimension of needs[i] (a
 * mask over ec_dim) has one tile whatever the channel tiles are: the
 * optimal search uses it for orders whose cost signature needs those
 * dimensions active (another candidate order has the signature they then
 * reduce to). Ties: energy, DRAM accesses, larger tiles in the order
 * `rank`, then the smaller order index. Returns 1 with *out and *which
 * filled if some tiling fits and evaluates; 0 otherwise (with t->limited
 * set if the work budget ran out). */
int ec_tiler_search(ec_tiler *t, int n, const ec_dim (*orders)[EC_NDIMS], const unsigned *needs,
                    const ec_dim rank[EC_NDIMS], ec_score *out, int *which);

/* Why nothing was found, for the message: EC_E_LIMIT, EC_E_OVERFLOW or
 * EC_E_CAPACITY. */
ec_status ec_tiler_failure(ec_tiler *t, char *msg);

/* Puts the spatial choice (h, w) in hand: its tiles, tile counts and
 * active dimensions (what the bounds of a choice read). */
void ec_tiler_set_spatial(ec_tiler *t, const ec_pair *h, const ec_pair *w);

/* The orders that can win when the dimensions of `act` (a mask over
 * ec_dim) have B_d > 1, with their signatures; computed on first use
 * (ec_tiler_sigs_fill), then read inline: the bounds ask for one per
 * pattern of every spatial choice. */
const ec_sigset *ec_tiler_sigs_fill(ec_tiler *t, unsigned act);
static inline const ec_sigset *ec_tiler_sigs(ec_tiler *t, unsigned act)
{
    return t->sigs[act].ready ? &t->sigs[act] : ec_tiler_sigs_fill(t, act);
}

/* The orders of `alive` (a mask over the candidate orders) not ruled out
 * on the spatial choice in hand (h, w): an order is ruled out when every
 * feasible tiling with the channel tiles of `fixed` (a mask over N G K C
 * positions) at candidate idx[] surely costs more than `energy` in it;
 * for the other channel dimensions idx[] is the largest tile any such
 * tiling can have (channel_maxima(), survivors()). tiling_bound.c: the
 * channel tiles' joint use of the Buffer. */
unsigned ec_tiler_joint_alive(ec_tiler *t, const ec_pair *h, const ec_pair *w, unsigned alive,
                              const size_t idx[4], unsigned fixed, double energy);

void ec_tiler_free(ec_tiler *t);

/* Section 6's ranking for tilings of one order. */
int ec_score_better(const ec_score *a, const ec_score *b, const ec_dim order[EC_NDIMS]);

/* search.c: the optimal dataflow over all loop orders (EC_POLICY_OPTIMAL);
 * fills plan->order and plan->tile. */
ec_status ec_search_optimal(ec_tiler *t, ec_plan *plan, char *msg);

#endif
