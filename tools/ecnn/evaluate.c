#include "evaluate.h"

#include <stdio.h>
#include <string.h>

int ev_init(ev_ctx *c)
{
    c->layer = ec_layer_create();
    c->dataflow = ec_dataflow_create();
    c->result = ec_result_create();
    if (c->layer && c->dataflow && c->result) return 0;
    ev_free(c);
    return -1;
}

void ev_free(ev_ctx *c)
{
    ec_layer_destroy(c->layer);
    ec_dataflow_destroy(c->dataflow);
    ec_result_destroy(c->result);
    memset(c, 0, sizeof *c);
}

void ev_order_string(const ec_dim order[8], char out[9])
{
    for (int i = 0; i < 8; i++) out[i] = "NGKCPQRS"[order[i]];
    out[8] = '\0';
}

const char *ev_named_order(const char *order)
{
    static const char *const orders[3] = {"NGKPQCRS", "GKCRSNPQ", "NGCPQRSK"};
    static const char *const names[3] = {"os", "ws", "is"};
    for (int i = 0; i < 3; i++)
        if (strcmp(order, orders[i]) == 0) return names[i];
    return NULL;
}

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

static int set_dataflow(ec_dataflow *df, const df_desc *d, int policy, char *err, size_t errlen)
{
    if (policy == EC_POLICY_CUSTOM) {
        if (ec_dataflow_set_order_string(df, d->order) != EC_OK)
            return fail(err, errlen, ec_dataflow_message(df));
    } else if (ec_dataflow_set(df, EC_DF_POLICY, policy) != EC_OK) {
        return fail(err, errlen, ec_dataflow_message(df));
    }
    if (ec_dataflow_set(df, EC_DF_REUSE, d->reuse) != EC_OK ||
        ec_dataflow_set(df, EC_DF_FOOTPRINT, d->footprint) != EC_OK)
        return fail(err, errlen, ec_dataflow_message(df));
    for (int i = 0; i < 8; i++)
        if (ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + i), d->tile[i]) != EC_OK)
            return fail(err, errlen, ec_dataflow_message(df));
    return 0;
}

static void collect(const ec_result *r, ev_record *rec)
{
    memset(rec, 0, sizeof *rec);
    int64_t x;
    ec_result_get(r, EC_RESULT_POLICY, &x);
    rec->policy = (int)x;
    ec_dim order[8];
    ec_result_order(r, order);
    ev_order_string(order, rec->order);
    for (int d = 0; d < 8; d++) ec_result_tile(r, (ec_dim)d, &rec->tile[d], &rec->tile_auto[d]);
    for (int t = 0; t < 3; t++)
        for (int l = 0; l < 2; l++)
            for (int a = 0; a < 2; a++)
                ec_result_count(r, (ec_tensor)t, (ec_level)l, (ec_access)a, &rec->count[t][l][a]);
    ec_result_get(r, EC_RESULT_MACS, &rec->macs);
    ec_result_get(r, EC_RESULT_DRAM_TOTAL, &rec->dram_total);
    for (int p = 0; p < 7; p++) ec_result_energy(r, (ec_energy_part)p, &rec->energy[p]);
    for (int i = 0; i < 3; i++)
        ec_result_get(r, (ec_result_field)(EC_RESULT_PARTITION_I + i), &rec->partition[i]);
    rec->has_bound = 1;
    for (int b = 0; b < 7; b++)
        if (ec_result_bound(r, (ec_bound_field)b, &rec->bound[b]) != EC_OK) rec->has_bound = 0;
    if (rec->has_bound && (ec_result_bound_energy(r, &rec->bound_energy) != EC_OK ||
                           ec_result_gap(r, &rec->gap_dram, &rec->gap_energy) != EC_OK))
        rec->has_bound = 0;
    rec->has_asym =
        ec_result_asymptotic(r, &rec->asym_reads, &rec->asym_writes, &rec->asym_energy) == EC_OK;
}

int ev_layer(ev_ctx *c, const int64_t v[LP_COUNT], const ec_memory *m, const df_desc *d,
             ev_record *rec, char *err, size_t errlen)
{
    if (lp_to_layer(v, c->layer, err, errlen) != EC_OK) return -1;
    int mode = d->order[0] ? MODE_CUSTOM : d->mode;
    int first = mode == MODE_BEST ? EC_POLICY_OS : mode, last = mode == MODE_BEST ? EC_POLICY_IS : mode;
    int found = 0;
    for (int p = first; p <= last; p++) {
        if (set_dataflow(c->dataflow, d, p, err, errlen) != 0) return -1;
        if (ec_evaluate(c->layer, m, c->dataflow, c->result) != EC_OK) {
            /* With the best of three, a policy whose tiles do not fit is skipped. */
            if (mode == MODE_BEST && p < last) continue;
            if (mode == MODE_BEST && found) break;
            return fail(err, errlen, ec_result_message(c->result));
        }
        ev_record cur;
        collect(c->result, &cur);
        if (!found || cur.energy[EC_PART_TOTAL] < rec->energy[EC_PART_TOTAL]) *rec = cur;
        found = 1;
    }
    int64_t x;
    ec_layer_get(c->layer, EC_LAYER_P, &rec->P);
    ec_layer_get(c->layer, EC_LAYER_Q, &rec->Q);
    for (int i = 0; i < 3; i++) {
        ec_layer_get(c->layer, (ec_layer_param)(EC_LAYER_SIZE_I + i), &x);
        rec->size[i] = x;
    }
    return 0;
}

int ev_bound(ev_ctx *c, const int64_t v[LP_COUNT], const ec_memory *m, int64_t *transfers,
             double *energy, char *err, size_t errlen)
{
    if (lp_to_layer(v, c->layer, err, errlen) != EC_OK) return -1;
    if (ec_lower_bound(c->layer, m, c->result) != EC_OK ||
        ec_result_bound(c->result, EC_BOUND_TRANSFERS, transfers) != EC_OK ||
        ec_result_bound_energy(c->result, energy) != EC_OK)
        return fail(err, errlen, ec_result_message(c->result));
    return 0;
}
