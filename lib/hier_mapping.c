/* The mapping carried by a dataflow (docs/hierarchy.md, "The mapping"):
 * per level, temporal factors and their order, and spatial factors along X
 * and Y for the fanout to the next inner level. */
#include "hier_internal.h"

#include <ctype.h>
#include <string.h>

static const ec_dim default_order[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C,
                                               EC_DIM_P, EC_DIM_Q, EC_DIM_R, EC_DIM_S};

static int is_permutation(const ec_dim order[EC_NDIMS])
{
    unsigned seen = 0;
    for (int i = 0; i < EC_NDIMS; i++) {
        if ((int)order[i] < 0 || (int)order[i] >= EC_NDIMS) return 0;
        seen |= 1u << order[i];
    }
    return seen == 0xFFu;
}

/* A fresh dataflow is zeroed: an order row never set reads as the default. */
void ec_hier_map_order(const ec_hier_map *map, int level, ec_dim order[EC_NDIMS])
{
    const ec_dim *src = is_permutation(map->order[level]) ? map->order[level] : default_order;
    memcpy(order, src, sizeof(ec_dim) * EC_NDIMS);
}

static ec_status check_level(ec_dataflow *d, int level)
{
    if (level < 0 || level >= EC_HL) {
        ec_msg(d->msg, "mapping: level %d is not in [0, %d]", level, EC_HL - 1);
        return EC_E_RANGE;
    }
    return EC_OK;
}

static ec_status check_slot(ec_dataflow *d, int level, ec_loop_kind kind, ec_dim dim)
{
    ec_status st = check_level(d, level);
    if (st) return st;
    if ((int)kind < 0 || (int)kind > EC_LOOP_SPATIAL_Y || (int)dim < 0 || (int)dim >= EC_NDIMS) {
        ec_msg(d->msg, "mapping: level %d: unknown loop kind %d or dimension %d", level, (int)kind,
               (int)dim);
        return EC_E_KEY;
    }
    return EC_OK;
}

ec_status ec_dataflow_set_factor(ec_dataflow *d, int level, ec_loop_kind kind, ec_dim dim,
                                 int64_t factor)
{
    if (!d) return EC_E_NULL;
    ec_status st = check_slot(d, level, kind, dim);
    if (st) return st;
    if (factor < 0) {
        ec_msg(d->msg, "mapping: level %d: factor of %c = %lld is negative", level,
               ec_dim_letters[dim], (long long)factor);
        return EC_E_RANGE;
    }
    d->map.factor[level][kind][dim] = factor;
    return EC_OK;
}

ec_status ec_dataflow_get_factor(const ec_dataflow *d, int level, ec_loop_kind kind, ec_dim dim,
                                 int64_t *factor)
{
    if (!d || !factor) return EC_E_NULL;
    ec_status st = check_slot((ec_dataflow *)d, level, kind, dim);
    if (st) return st;
    *factor = d->map.factor[level][kind][dim];
    return EC_OK;
}

ec_status ec_dataflow_set_level_order(ec_dataflow *d, int level, const ec_dim order[EC_NDIMS])
{
    if (!d || !order) return EC_E_NULL;
    ec_status st = check_level(d, level);
    if (st) return st;
    if (!is_permutation(order)) {
        ec_msg(d->msg, "mapping: level %d: the order is not a permutation of the eight "
               "dimensions", level);
        return EC_E_ORDER;
    }
    memcpy(d->map.order[level], order, sizeof(ec_dim) * EC_NDIMS);
    return EC_OK;
}

ec_status ec_dataflow_set_level_order_string(ec_dataflow *d, int level, const char *s)
{
    if (!d || !s) return EC_E_NULL;
    ec_dim order[EC_NDIMS];
    size_t n = strlen(s);
    int ok = n == EC_NDIMS;
    for (size_t i = 0; ok && i < n; i++) {
        const char *p = strchr(ec_dim_letters, toupper((unsigned char)s[i]));
        if (!p || !*p) ok = 0;
        else order[i] = (ec_dim)(p - ec_dim_letters);
    }
    if (!ok || !is_permutation(order)) {
        ec_status st = check_level(d, level);
        if (st) return st;
        ec_msg(d->msg, "mapping: level %d: order \"%.40s\" is not a permutation of NGKCPQRS",
               level, s);
        return EC_E_ORDER;
    }
    return ec_dataflow_set_level_order(d, level, order);
}

ec_status ec_dataflow_get_level_order(const ec_dataflow *d, int level, ec_dim order[EC_NDIMS])
{
    if (!d || !order) return EC_E_NULL;
    if (level < 0 || level >= EC_HL) return EC_E_RANGE;
    ec_hier_map_order(&d->map, level, order);
    return EC_OK;
}

ec_status ec_dataflow_clear_mapping(ec_dataflow *d)
{
    if (!d) return EC_E_NULL;
    memset(&d->map, 0, sizeof d->map);
    return EC_OK;
}
