/* The two public evaluators. Both validate the same way and choose automatic
 * tiles the same way (section 6); they differ only in how they count:
 * ec_evaluate by section 4's closed form, ec_count by walking the loop nest
 * (section 5). */
#include "internal.h"

typedef ec_status (*counter_fn)(const ec_shape *, const ec_memory *, const ec_plan *,
                                ec_counts *, char *);

static ec_status run(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                     ec_result *result, counter_fn count)
{
    if (!result) return EC_E_NULL;
    if (!layer || !memory || !dataflow) {
        return ec_result_fail(result, EC_E_NULL, layer ? memory ? "dataflow is NULL"
                                                                : "memory is NULL"
                                                       : "layer is NULL");
    }
    char msg[EC_MSG_LEN] = "";
    ec_shape shape;
    ec_plan plan;
    ec_counts counts;
    ec_status st = ec_shape_from_layer(layer, &shape, msg);
    if (st == EC_OK) st = ec_plan_resolve(&shape, memory, dataflow, &plan, msg);
    if (st == EC_OK) st = count(&shape, memory, &plan, &counts, msg);
    if (st != EC_OK) return ec_result_fail(result, st, msg);
    return ec_result_store(result, memory, &plan, &counts);
}

ec_status ec_evaluate(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                      ec_result *result)
{
    return run(layer, memory, dataflow, result, ec_closed_form);
}

ec_status ec_count(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                   ec_result *result)
{
    return run(layer, memory, dataflow, result, ec_counter);
}
