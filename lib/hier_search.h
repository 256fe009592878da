/* The mapper for hierarchies (docs/mapper.md): the constraints a dataflow
 * carries for the search and what a search leaves in its result. Nothing
 * here is part of the ABI. */
#ifndef EC_HIER_SEARCH_H
#define EC_HIER_SEARCH_H

#include "hier.h"

/* Kept inside struct ec_dataflow (docs/mapper.md, "Constraints"). */
typedef struct ec_hier_cons {
    int64_t factor[EC_HL][3][EC_NDIMS]; /* 0 free, > 0 fixed, EC_FACTOR_REST */
    int ninner[EC_HL];
    ec_dim inner[EC_HL][EC_NDIMS]; /* dims fixed innermost, innermost first */
} ec_hier_cons;

/* Kept inside struct ec_result: the mapping evaluated last by a search. */
typedef struct ec_hier_found {
    int valid, exact, baseline;
    int64_t evaluated;
    double energy_bound;
    int64_t factor[EC_HL][3][EC_NDIMS];
    ec_dim order[EC_HL][EC_NDIMS];
} ec_hier_found;

/* hier_search.c: ec_evaluate() of a hierarchy under EC_POLICY_OPTIMAL. */
ec_status ec_hier_search(const ec_layer *layer, const ec_memory *memory,
                         const ec_dataflow *dataflow, ec_result *result);

#endif
