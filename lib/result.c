/* The result handle: counts of one evaluation, their energies (docs/model.md
 * section 3, "Energy"), and the dataflow actually used. */
#include "bound.h"

#include <math.h>
#include <string.h>

ec_result *ec_result_create(void) { return ec_result_create_with(NULL); }

ec_result *ec_result_create_with(const ec_allocator *allocator)
{
    return ec_handle_create(allocator, sizeof(ec_result));
}

void ec_result_destroy(ec_result *result) { ec_handle_destroy(result); }

const char *ec_result_message(const ec_result *result) { return result ? result->msg : ""; }

/* One place computes energies, so that the tiling search and the reported
 * result rank dataflows by the very same floating-point numbers. */
static void energy_parts(const ec_memory *m, const ec_counts *c, double part[EC_NPARTS])
{
    const double *e = m->energy;
    double dram = 0, buf = 0;
    for (int t = 0; t < EC_NTENSORS; t++) {
        double d = e[EC_ENERGY_DRAM_READ] * (double)c->dram_read[t] +
                   e[EC_ENERGY_DRAM_WRITE] * (double)c->dram_write[t];
        double b = e[EC_ENERGY_BUF_READ] * (double)c->buf_read[t] +
                   e[EC_ENERGY_BUF_WRITE] * (double)c->buf_write[t];
        part[EC_PART_TENSOR_I + t] = d + b;
        dram += d;
        buf += b;
    }
    part[EC_PART_DRAM] = dram;
    part[EC_PART_BUFFER] = buf;
    part[EC_PART_MAC] = e[EC_ENERGY_MAC] * (double)c->macs;
    part[EC_PART_TOTAL] = dram + buf + part[EC_PART_MAC];
}

double ec_energy_total(const ec_memory *memory, const ec_counts *counts)
{
    double part[EC_NPARTS];
    energy_parts(memory, counts, part);
    return part[EC_PART_TOTAL];
}

ec_status ec_result_store(ec_result *r, const ec_memory *memory, const ec_plan *plan,
                          const ec_counts *counts)
{
    /* In place, as the counts: a failure leaves the result invalid. */
    double *part = r->energy;
    energy_parts(memory, counts, part);
    /* Finite prices times counts can still exceed the largest double. */
    if (!isfinite(part[EC_PART_TOTAL]))
        return ec_result_fail(r, EC_E_OVERFLOW,
                              "energy: the counts times the per-access energies exceed the "
                              "largest double");
    if (counts != &r->counts) r->counts = *counts; /* ec_evaluate counts in place */
    r->policy = plan->policy;
    memcpy(r->order, plan->order, sizeof r->order);
    memcpy(r->tile, plan->tile, sizeof r->tile);
    memcpy(r->automatic, plan->automatic, sizeof r->automatic);
    r->msg[0] = '\0';
    r->hier.is_hier = 0; /* hier_result.c sets it after storing */
    r->valid = 1;
    return EC_OK;
}

ec_status ec_result_fail(ec_result *r, ec_status status, const char *msg)
{
    r->valid = 0;
    r->has_bound = 0;
    ec_msg(r->msg, "%s", msg);
    return status;
}

static ec_status readable(const ec_result *r, const void *out)
{
    if (!r || !out) return EC_E_NULL;
    return r->valid ? EC_OK : EC_E_NOT_EVALUATED;
}

ec_status ec_result_count(const ec_result *r, ec_tensor tensor, ec_level level, ec_access access,
                          int64_t *value)
{
    ec_status st = readable(r, value);
    if (st) return st;
    if ((int)tensor < 0 || (int)tensor >= EC_NTENSORS) return EC_E_KEY;
    const int64_t *row;
    if (level == EC_LEVEL_DRAM && access == EC_ACCESS_READ) row = r->counts.dram_read;
    else if (level == EC_LEVEL_DRAM && access == EC_ACCESS_WRITE) row = r->counts.dram_write;
    else if (level == EC_LEVEL_BUFFER && access == EC_ACCESS_READ) row = r->counts.buf_read;
    else if (level == EC_LEVEL_BUFFER && access == EC_ACCESS_WRITE) row = r->counts.buf_write;
    else return EC_E_KEY;
    *value = row[tensor];
    return EC_OK;
}

ec_status ec_result_get(const ec_result *r, ec_result_field field, int64_t *value)
{
    ec_status st = readable(r, value);
    if (st) return st;
    const ec_counts *c = &r->counts;
    switch (field) {
    case EC_RESULT_MACS: *value = c->macs; return EC_OK;
    case EC_RESULT_DRAM_TOTAL: {
        /* Each term is bounded by the checked totals computed by the evaluators. */
        int64_t t = 0;
        for (int i = 0; i < EC_NTENSORS; i++) t += c->dram_read[i] + c->dram_write[i];
        *value = t;
        return EC_OK;
    }
    case EC_RESULT_POLICY: *value = r->policy; return EC_OK;
    case EC_RESULT_PARTITION_I:
    case EC_RESULT_PARTITION_W:
    case EC_RESULT_PARTITION_O: *value = r->partition[field - EC_RESULT_PARTITION_I]; return EC_OK;
    }
    return EC_E_KEY;
}

ec_status ec_result_energy(const ec_result *r, ec_energy_part part, double *value)
{
    ec_status st = readable(r, value);
    if (st) return st;
    if ((int)part < 0 || (int)part >= EC_NPARTS) return EC_E_KEY;
    *value = r->energy[part];
    return EC_OK;
}

ec_status ec_result_order(const ec_result *r, ec_dim order[EC_NDIMS])
{
    ec_status st = readable(r, order);
    if (st) return st;
    memcpy(order, r->order, sizeof r->order);
    return EC_OK;
}

ec_status ec_result_tile(const ec_result *r, ec_dim dim, int64_t *tile, int *automatic)
{
    ec_status st = readable(r, tile);
    if (st) return st;
    if ((int)dim < 0 || (int)dim >= EC_NDIMS) return EC_E_KEY;
    *tile = r->tile[dim];
    if (automatic) *automatic = r->automatic[dim];
    return EC_OK;
}

/* The bound of the result's layer and memory (section 7), computed anew:
 * pure, so the getters stay const and thread-safe. */
static ec_status bound_of(const ec_result *r, ec_bound_parts *b)
{
    char msg[EC_MSG_LEN];
    if (!r->has_bound) return EC_E_NOT_EVALUATED;
    ec_status st = ec_bound_compute(&r->shape, &r->memory, b, msg);
    if (st == EC_OK && r->valid && r->hier.is_hier) ec_bound_for_reduction_trees(b);
    return st;
}

ec_status ec_result_bound(const ec_result *r, ec_bound_field field, int64_t *value)
{
    if (!r || !value) return EC_E_NULL;
    if ((unsigned)field > EC_BOUND_SEGMENT) return EC_E_KEY;
    ec_bound_parts bp, *b = &bp;
    ec_status st = bound_of(r, b);
    if (st) return st;
    switch (field) {
    case EC_BOUND_I_USED: *value = b->I_used; return EC_OK;
    case EC_BOUND_W_USED: *value = b->W_used; return EC_OK;
    case EC_BOUND_MACS_REAL: *value = b->macs_real; return EC_OK;
    case EC_BOUND_RHO: *value = b->rho; return EC_OK;
    case EC_BOUND_COMPULSORY: *value = b->T_c; return EC_OK;
    case EC_BOUND_COMMUNICATION: *value = b->T_io; return EC_OK;
    case EC_BOUND_TRANSFERS: *value = b->T; return EC_OK;
    case EC_BOUND_SEGMENT: *value = b->T_seg; return EC_OK;
    }
    return EC_E_KEY;
}

ec_status ec_result_bound_energy(const ec_result *r, double *energy)
{
    if (!r || !energy) return EC_E_NULL;
    /* It prices the two-level model's accesses (docs/hierarchy.md 9). */
    if (r->valid && r->hier.is_hier) return EC_E_UNAVAILABLE;
    ec_bound_parts b;
    ec_status st = bound_of(r, &b);
    if (st) return st;
    if (!isfinite(b.energy)) return EC_E_OVERFLOW;
    *energy = b.energy;
    return EC_OK;
}

ec_status ec_result_gap(const ec_result *r, double *dram_ratio, double *energy_ratio)
{
    if (!r) return EC_E_NULL;
    if (!r->valid) return EC_E_NOT_EVALUATED;
    if (r->hier.is_hier && energy_ratio) return EC_E_UNAVAILABLE; /* as ec_result_bound_energy */
    ec_bound_parts b;
    ec_status st = bound_of(r, &b);
    if (st) return st;
    int64_t dram = 0;
    ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
    /* T >= |O| >= 1; the energy bound is 0 only when every price is. */
    if (dram_ratio) *dram_ratio = (double)dram / (double)b.T;
    if (energy_ratio) {
        double e = r->energy[EC_PART_TOTAL], lb = b.energy;
        *energy_ratio = lb > 0 ? e / lb : 1.0;
    }
    return EC_OK;
}

ec_status ec_result_asymptotic(const ec_result *r, double *dram_reads, double *dram_writes,
                               double *energy)
{
    if (!r) return EC_E_NULL;
    if (!r->valid) return EC_E_NOT_EVALUATED;
    if (r->policy != EC_POLICY_OS && r->policy != EC_POLICY_WS && r->policy != EC_POLICY_IS)
        return EC_E_UNAVAILABLE;
    ec_bound_parts b;
    double out[3];
    ec_status st = bound_of(r, &b);
    if (st == EC_OK) st = ec_asymptotic_compute(&r->shape, &r->memory, r->policy, &b, out);
    if (st) return st;
    if (dram_reads) *dram_reads = out[0];
    if (dram_writes) *dram_writes = out[1];
    if (energy) *energy = out[2];
    return EC_OK;
}
