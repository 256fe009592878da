/* The public evaluations. ec_evaluate and ec_count validate the same way and
 * choose automatic tiles the same way (section 6); they differ only in how
 * they count: by section 4's closed form, or by walking the loop nest
 * (section 5). Every evaluation also reports section 7's bound and, for a
 * named policy, section 8's formula. */
#include "bound.h"
#include "closed_form.h"
#include "hier_internal.h"

#include <stddef.h>
#include <string.h>

typedef ec_status (*counter_fn)(const ec_shape *, const ec_memory *, const ec_plan *,
                                ec_counts *, const ec_allocator *, char *);

static ec_status check_args(const void *layer, const void *memory, const void *dataflow,
                            ec_result *result)
{
    if (!result) return EC_E_NULL;
    const char *missing = !layer ? "layer is NULL" : !memory ? "memory is NULL"
                        : !dataflow ? "dataflow is NULL" : NULL;
    return missing ? ec_result_fail(result, EC_E_NULL, missing) : EC_OK;
}

/* The partition reported: the one set, or (EC_MEM_CHOOSE_PARTITION) the
 * tiles' own needs with the rest of the Buffer given to the outputs. */
static void report_partition(ec_result *r, const ec_shape *s, const ec_memory *m,
                             const ec_plan *p)
{
    memset(r->partition, 0, sizeof r->partition);
    if (ec_memory_partitioned(m)) {
        memcpy(r->partition, m->partition, sizeof r->partition);
    } else if (m->choose_partition) {
        fp_sums h, w;
        ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
        /* Cannot fail: the evaluation just computed the same sums. */
        int64_t budget = FP_BUDGET_EVALUATE;
        fp_axis_sums(&ah, p->footprint, p->tile[EC_DIM_P], p->tile[EC_DIM_R], 0, &h, &budget);
        fp_axis_sums(&aw, p->footprint, p->tile[EC_DIM_Q], p->tile[EC_DIM_S], 0, &w, &budget);
        cf_capacity(p, &h, &w, r->partition);
        r->partition[EC_TENSOR_O] = m->capacity - r->partition[EC_TENSOR_I] - r->partition[EC_TENSOR_W];
    }
}

/* What the bound and the asymptotic figures are computed from when asked;
 * their failure (a documented limit) leaves the evaluation standing. */
static void attach_bound(ec_result *r, const ec_shape *s, const ec_memory *m)
{
    r->has_bound = 1;
    r->shape = *s;
    /* Not its message buffer: most of the handle, and never read there. */
    memcpy(&r->memory, m, offsetof(ec_memory, msg));
    r->memory.msg[0] = '\0';
}

static ec_status run(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                     ec_result *result, counter_fn count)
{
    ec_status st = check_args(layer, memory, dataflow, result);
    if (st) return st;
    /* Only the terminator: zeroing all of it costs more than the closed form's
     * arithmetic. */
    char msg[EC_MSG_LEN];
    msg[0] = '\0';
    ec_shape scratch;
    ec_plan plan;
    const ec_shape *shape = ec_layer_shape(layer, &scratch, &st, msg);
    if (st == EC_OK) st = ec_plan_resolve(shape, memory, dataflow, &plan, &result->al, msg);
    /* Counted in place: a copy of counts just stored would wait on those
     * stores. A failure leaves the result invalid, so partial counts are
     * never read. */
    if (st == EC_OK) st = count(shape, memory, &plan, &result->counts, &result->al, msg);
    if (st != EC_OK) return ec_result_fail(result, st, msg);
    st = ec_result_store(result, memory, &plan, &result->counts); /* fails the result itself */
    if (st != EC_OK) return st;
    report_partition(result, shape, memory, &plan);
    attach_bound(result, shape, memory);
    return EC_OK;
}

ec_status ec_evaluate(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                      ec_result *result)
{
    if (result) result->found.valid = 0;
    if (memory && memory->hier.levels > 0) {
        if (dataflow && dataflow->policy == EC_POLICY_OPTIMAL)
            return ec_hier_search(layer, memory, dataflow, result); /* docs/mapper.md */
        return ec_hier_run(layer, memory, dataflow, result, 0);
    }
    return run(layer, memory, dataflow, result, ec_closed_form);
}

ec_status ec_count(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                   ec_result *result)
{
    if (result) result->found.valid = 0;
    if (memory && memory->hier.levels > 0) return ec_hier_run(layer, memory, dataflow, result, 1);
    return run(layer, memory, dataflow, result, ec_counter);
}

ec_status ec_lower_bound(const ec_layer *layer, const ec_memory *memory, ec_result *result)
{
    ec_status st = check_args(layer, memory, "", result);
    if (st) return st;
    char msg[EC_MSG_LEN] = "";
    ec_shape shape;
    ec_bound_parts b;
    st = ec_shape_from_layer(layer, &shape, msg);
    if (st == EC_OK) st = ec_bound_compute(&shape, memory, &b, msg);
    if (st != EC_OK) return ec_result_fail(result, st, msg);
    ec_result_fail(result, EC_E_NOT_EVALUATED, ""); /* no counts */
    attach_bound(result, &shape, memory);
    return EC_OK;
}

ec_status ec_asymptotic(const ec_layer *layer, const ec_memory *memory, ec_policy policy,
                        double *dram_reads, double *dram_writes, double *energy)
{
    if (!layer || !memory) return EC_E_NULL;
    if (policy != EC_POLICY_OS && policy != EC_POLICY_WS && policy != EC_POLICY_IS) return EC_E_KEY;
    char msg[EC_MSG_LEN];
    ec_shape shape;
    ec_bound_parts b;
    double out[3];
    ec_status st = ec_shape_from_layer(layer, &shape, msg);
    if (st == EC_OK) st = ec_bound_compute(&shape, memory, &b, msg);
    if (st == EC_OK) st = ec_asymptotic_compute(&shape, memory, policy, &b, out);
    if (st != EC_OK) return st;
    if (dram_reads) *dram_reads = out[0];
    if (dram_writes) *dram_writes = out[1];
    if (energy) *energy = out[2];
    return EC_OK;
}
