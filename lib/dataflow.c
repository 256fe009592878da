/* The dataflow handle (docs/model.md sections 3 and 6): loop order (a named
 * policy or a custom permutation), tiles, input options. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

const char ec_dim_letters[EC_NDIMS + 1] = "NGKCPQRS";

/* Section 6's table, outermost first. */
static const ec_dim policy_orders[3][EC_NDIMS] = {
    {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_P, EC_DIM_Q, EC_DIM_C, EC_DIM_R, EC_DIM_S}, /* OS */
    {EC_DIM_G, EC_DIM_K, EC_DIM_C, EC_DIM_R, EC_DIM_S, EC_DIM_N, EC_DIM_P, EC_DIM_Q}, /* WS */
    {EC_DIM_N, EC_DIM_G, EC_DIM_C, EC_DIM_P, EC_DIM_Q, EC_DIM_R, EC_DIM_S, EC_DIM_K}, /* IS */
};

ec_dataflow *ec_dataflow_create(void) { return ec_dataflow_create_with(NULL); }

ec_dataflow *ec_dataflow_create_with(const ec_allocator *allocator)
{
    ec_dataflow *d = ec_handle_create(allocator, sizeof *d);
    if (!d) return NULL;
    d->policy = EC_POLICY_OS;
    memcpy(d->custom, policy_orders[EC_POLICY_OS], sizeof d->custom);
    d->reuse = EC_REUSE_SLIDE;
    d->footprint = EC_FOOTPRINT_EXACT;
    return d;
}

void ec_dataflow_destroy(ec_dataflow *dataflow) { ec_handle_destroy(dataflow); }

const char *ec_dataflow_message(const ec_dataflow *dataflow) { return dataflow ? dataflow->msg : ""; }

void ec_policy_order(const ec_dataflow *d, ec_dim order[EC_NDIMS])
{
    /* The optimal policy's order is known only after the search; until
     * then it reads as output-stationary's. */
    const ec_dim *src = d->policy == EC_POLICY_CUSTOM    ? d->custom
                        : d->policy == EC_POLICY_OPTIMAL ? policy_orders[EC_POLICY_OS]
                                                         : policy_orders[d->policy];
    memcpy(order, src, sizeof(ec_dim) * EC_NDIMS);
}

ec_status ec_dataflow_set(ec_dataflow *d, ec_dataflow_param key, int64_t value)
{
    if (!d) return EC_E_NULL;
    switch (key) {
    case EC_DF_POLICY:
        if (value < EC_POLICY_OS || value > EC_POLICY_OPTIMAL) break;
        d->policy = (ec_policy)value;
        return EC_OK;
    case EC_DF_REUSE:
        if (value != EC_REUSE_SLIDE && value != EC_REUSE_REFETCH) break;
        d->reuse = (ec_reuse)value;
        return EC_OK;
    case EC_DF_FOOTPRINT:
        if (value != EC_FOOTPRINT_EXACT && value != EC_FOOTPRINT_BBOX) break;
        d->footprint = (ec_footprint)value;
        return EC_OK;
    default:
        if (key >= EC_DF_TILE_N && key <= EC_DF_TILE_S) {
            if (value < 0) {
                ec_msg(d->msg, "dataflow: tile %c = %lld is negative (0 = automatic)",
                       ec_dim_letters[key - EC_DF_TILE_N], (long long)value);
                return EC_E_RANGE;
            }
            d->tile[key - EC_DF_TILE_N] = value;
            return EC_OK;
        }
        ec_msg(d->msg, "dataflow: unknown parameter key %d", (int)key);
        return EC_E_KEY;
    }
    ec_msg(d->msg, "dataflow: value %lld is not valid for parameter %d", (long long)value, (int)key);
    return EC_E_KEY;
}

ec_status ec_dataflow_get(const ec_dataflow *d, ec_dataflow_param key, int64_t *value)
{
    if (!d || !value) return EC_E_NULL;
    switch (key) {
    case EC_DF_POLICY: *value = d->policy; return EC_OK;
    case EC_DF_REUSE: *value = d->reuse; return EC_OK;
    case EC_DF_FOOTPRINT: *value = d->footprint; return EC_OK;
    default:
        if (key >= EC_DF_TILE_N && key <= EC_DF_TILE_S) {
            *value = d->tile[key - EC_DF_TILE_N];
            return EC_OK;
        }
        return EC_E_KEY;
    }
}

ec_status ec_dataflow_set_order(ec_dataflow *d, const ec_dim order[EC_NDIMS])
{
    if (!d || !order) return EC_E_NULL;
    unsigned seen = 0;
    for (int i = 0; i < EC_NDIMS; i++) {
        int v = (int)order[i];
        if (v < 0 || v >= EC_NDIMS) {
            ec_msg(d->msg, "dataflow: order[%d] = %d is not a dimension", i, v);
            return EC_E_ORDER;
        }
        if (seen & (1u << v)) {
            ec_msg(d->msg, "dataflow: order repeats dimension %c at position %d",
                   ec_dim_letters[v], i);
            return EC_E_ORDER;
        }
        seen |= 1u << v;
    }
    memcpy(d->custom, order, sizeof d->custom);
    d->policy = EC_POLICY_CUSTOM;
    return EC_OK;
}

ec_status ec_dataflow_set_order_string(ec_dataflow *d, const char *s)
{
    if (!d || !s) return EC_E_NULL;
    ec_dim order[EC_NDIMS];
    size_t len = strlen(s);
    if (len != EC_NDIMS) {
        ec_msg(d->msg, "dataflow: order \"%.32s\" has %zu letters, expected 8 of NGKCPQRS", s, len);
        return EC_E_ORDER;
    }
    for (int i = 0; i < EC_NDIMS; i++) {
        const char *p = strchr(ec_dim_letters, toupper((unsigned char)s[i]));
        if (!p || s[i] == '\0') {
            ec_msg(d->msg, "dataflow: order \"%s\": '%c' is not one of NGKCPQRS", s, s[i]);
            return EC_E_ORDER;
        }
        order[i] = (ec_dim)(p - ec_dim_letters);
    }
    return ec_dataflow_set_order(d, order);
}

ec_status ec_dataflow_get_order(const ec_dataflow *d, ec_dim order[EC_NDIMS])
{
    if (!d || !order) return EC_E_NULL;
    ec_policy_order(d, order);
    return EC_OK;
}
