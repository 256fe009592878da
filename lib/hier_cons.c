/* The mapper's inputs and outputs (docs/mapper.md, "Constraints" and
 * "Results"): constraints on a dataflow, and the mapping and figures a
 * search leaves in its result. */
#include "hier_internal.h"

#include <string.h>

static ec_status cons_slot(ec_dataflow *d, int level, ec_loop_kind kind, ec_dim dim)
{
    if (level < 0 || level >= EC_HL) {
        ec_msg(d->msg, "constraint: level %d is not in [0, %d]", level, EC_HL - 1);
        return EC_E_RANGE;
    }
    if ((int)kind < 0 || (int)kind > EC_LOOP_SPATIAL_Y || (int)dim < 0 || (int)dim >= EC_NDIMS) {
        ec_msg(d->msg, "constraint: level %d: unknown loop kind %d or dimension %d", level,
               (int)kind, (int)dim);
        return EC_E_KEY;
    }
    return EC_OK;
}

ec_status ec_dataflow_constrain_factor(ec_dataflow *d, int level, ec_loop_kind kind, ec_dim dim,
                                       int64_t factor)
{
    if (!d) return EC_E_NULL;
    ec_status st = cons_slot(d, level, kind, dim);
    if (st) return st;
    if (factor < EC_FACTOR_REST) {
        ec_msg(d->msg, "constraint: level %d: factor of %c = %lld is not >= 1, 0 (free) or -1 "
               "(the rest)", level, ec_dim_letters[dim], (long long)factor);
        return EC_E_RANGE;
    }
    d->cons.factor[level][kind][dim] = factor;
    return EC_OK;
}

ec_status ec_dataflow_get_constraint(const ec_dataflow *d, int level, ec_loop_kind kind,
                                     ec_dim dim, int64_t *factor)
{
    if (!d || !factor) return EC_E_NULL;
    if (level < 0 || level >= EC_HL) return EC_E_RANGE;
    if ((int)kind < 0 || (int)kind > EC_LOOP_SPATIAL_Y || (int)dim < 0 || (int)dim >= EC_NDIMS)
        return EC_E_KEY;
    *factor = d->cons.factor[level][kind][dim];
    return EC_OK;
}

ec_status ec_dataflow_constrain_order(ec_dataflow *d, int level, const char *inner)
{
    if (!d || !inner) return EC_E_NULL;
    if (level < 0 || level >= EC_HL) {
        ec_msg(d->msg, "constraint: level %d is not in [0, %d]", level, EC_HL - 1);
        return EC_E_RANGE;
    }
    ec_dim dims[EC_NDIMS];
    int n = 0;
    unsigned seen = 0;
    for (const char *p = inner; *p; p++) {
        const char *hit = *p ? strchr(ec_dim_letters, *p) : NULL;
        if (!hit || n == EC_NDIMS || (seen >> (hit - ec_dim_letters) & 1u)) {
            ec_msg(d->msg, "constraint: level %d: order \"%.16s\": '%c' is not a new letter of "
                   "NGKCPQRS", level, inner, *p);
            return EC_E_ORDER;
        }
        seen |= 1u << (hit - ec_dim_letters);
        dims[n++] = (ec_dim)(hit - ec_dim_letters);
    }
    d->cons.ninner[level] = n;
    memcpy(d->cons.inner[level], dims, sizeof(ec_dim) * (size_t)n);
    return EC_OK;
}

ec_status ec_dataflow_clear_constraints(ec_dataflow *d)
{
    if (!d) return EC_E_NULL;
    memset(&d->cons, 0, sizeof d->cons);
    return EC_OK;
}

static ec_status searched(const ec_result *r)
{
    if (!r) return EC_E_NULL;
    if (!r->valid) return EC_E_NOT_EVALUATED;
    return r->found.valid ? EC_OK : EC_E_UNAVAILABLE;
}

ec_status ec_result_mapping(const ec_result *r, ec_dataflow *d)
{
    if (!d) return EC_E_NULL;
    ec_status st = searched(r);
    if (st) return st;
    memcpy(d->map.factor, r->found.factor, sizeof d->map.factor);
    memcpy(d->map.order, r->found.order, sizeof d->map.order);
    return EC_OK;
}

ec_status ec_result_search(const ec_result *r, int *exact, int64_t *evaluated,
                           double *energy_bound)
{
    ec_status st = searched(r);
    if (st) return st;
    if (exact) *exact = r->found.exact;
    if (evaluated) *evaluated = r->found.evaluated;
    if (energy_bound) *energy_bound = r->found.energy_bound;
    return EC_OK;
}
