/* docs/model.md section 7: the lower bound for every schedule. */
#ifndef EC_BOUND_H
#define EC_BOUND_H

#include "internal.h"

/* The bound for the memory's Buffer: M, or the partitions' total (a
 * partition only restricts schedules). EC_E_CAPACITY for M = 0. */
ec_status ec_bound_compute(const ec_shape *shape, const ec_memory *memory, ec_bound_parts *bound,
                           char *msg);

/* The bound for schedules that may reduce partial sums in trees, as a
 * hierarchy's spatial reductions do: T = max(T_c, T_io). T_seg's proof
 * charges each output to a single chain of partial sums (docs/bound.md
 * sections 8b and 12), so it stays a figure here but not part of T. */
void ec_bound_for_reduction_trees(ec_bound_parts *bound);

/* The Buffer size the bound and the asymptotic formulas assume. */
int64_t ec_bound_capacity(const ec_memory *memory);

/* Energy every schedule pays whatever it moves: the MACs and their Buffer
 * accesses (section 3: two operand reads, MACs - |O| partial-sum reads,
 * MACs updates). */
double ec_fixed_energy(const ec_shape *shape, const ec_memory *memory);

/* asymptotic.c: section 8's formula of a named policy (OS, WS, IS), its
 * DRAM reads and writes; uses the bound's |I_used|. EC_E_KEY for another
 * policy. */
ec_status ec_asymptotic_compute(const ec_shape *shape, const ec_memory *memory, ec_policy policy,
                                const ec_bound_parts *bound, double out[3]);

#endif
