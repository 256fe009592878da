/* Internal definitions shared by the library's sources: the handles' layouts
 * and the validated, derived forms the evaluators work on. Nothing here is
 * part of the ABI. */
#ifndef EC_INTERNAL_H
#define EC_INTERNAL_H

#include "ecnn.h"
#include "hier.h"
#include "hier_search.h"

#include <stdarg.h>
#include <stdint.h>

#define EC_MSG_LEN 256
#define EC_NLAYER_PARAMS 16 /* settable keys 0..15 */
#define EC_NTENSORS 3
#define EC_NENERGIES 5

/* A validated layer (section 1): every quantity below is known to fit. */
typedef struct ec_shape {
    int64_t N, C, K, G, H, W, R, S;
    int64_t sh, sw, dh, dw, pt, pb, pl, pr;
    int64_t Cg, Kg, P, Q;
    int64_t extent[EC_NDIMS]; /* N G Kg Cg P Q R S, indexed by ec_dim */
    int64_t size_I, size_W, size_O, macs;
} ec_shape;

/* Every handle starts with its allocator (see alloc.c). */
struct ec_layer {
    ec_allocator al;
    int64_t v[EC_NLAYER_PARAMS]; /* indexed by ec_layer_param */
    /* The validated shape of the parameters shape_of, derived by the
     * setters (never by an evaluation, which takes the layer as const and
     * may share it between threads), so that an evaluation only compares
     * parameters instead of validating them: docs/guarantees.md, "Threads".
     * Next to v, and the message last, for fewer cache lines read. */
    int64_t shape_of[EC_NLAYER_PARAMS];
    int shape_ok; /* shape is valid for shape_of */
    ec_shape shape;
    char msg[EC_MSG_LEN];
};

struct ec_memory {
    ec_allocator al;
    int64_t capacity;
    int64_t choose_partition; /* 0 or 1: EC_MEM_CHOOSE_PARTITION */
    int64_t partition[EC_NTENSORS]; /* indexed by ec_tensor; all 0 = shared */
    double energy[EC_NENERGIES];    /* indexed by ec_energy_param */
    char msg[EC_MSG_LEN];
    ec_hier hier; /* docs/hierarchy.md; levels == 0: the two-level model */
};

struct ec_dataflow {
    ec_allocator al;
    ec_policy policy;
    ec_dim custom[EC_NDIMS]; /* used when policy == EC_POLICY_CUSTOM */
    ec_reuse reuse;
    ec_footprint footprint;
    int64_t tile[EC_NDIMS]; /* indexed by ec_dim; 0 = automatic */
    char msg[EC_MSG_LEN];
    ec_hier_map map; /* used when the memory is a hierarchy */
    ec_hier_cons cons; /* the mapper's constraints (docs/mapper.md) */
};

/* The counts of one evaluation (section 3), per tensor (ec_tensor index). */
typedef struct ec_counts {
    int64_t dram_read[EC_NTENSORS];
    int64_t dram_write[EC_NTENSORS];
    int64_t buf_read[EC_NTENSORS];
    int64_t buf_write[EC_NTENSORS];
    int64_t macs;
} ec_counts;

#define EC_NPARTS 7

/* Section 7's lower bound (bound.c). */
typedef struct ec_bound_parts {
    int64_t I_used;    /* input elements read by at least one MAC */
    int64_t W_used;    /* weights multiplied by at least one real input */
    int64_t macs_real; /* MACs whose input is not padding */
    int64_t rho;       /* rho_h * rho_w */
    int64_t T_c;       /* compulsory transfers |I_used| + |W_used| + |O| */
    int64_t T_io;      /* communication bound, clamped at 0 */
    int64_t T_seg;     /* segment bound with constant 2, on reads + |O| */
    int64_t T;         /* max(T_c, T_io, T_seg) */
    double energy;     /* energy lower bound */
} ec_bound_parts;

struct ec_result {
    ec_allocator al;
    int valid; /* the counts are those of a successful evaluation */
    /* After a successful evaluation or ec_lower_bound: the layer and the
     * memory it was for, from which the bound and the asymptotic figures
     * are computed when asked (so an evaluation does not pay for them). */
    int has_bound;
    ec_shape shape;
    ec_memory memory;
    int64_t partition[EC_NTENSORS];
    ec_counts counts;
    double energy[EC_NPARTS]; /* indexed by ec_energy_part */
    ec_policy policy;
    ec_dim order[EC_NDIMS];
    int64_t tile[EC_NDIMS];
    int automatic[EC_NDIMS];
    char msg[EC_MSG_LEN];
    ec_hier_counts hier; /* per-level figures (docs/hierarchy.md) */
    ec_hier_found found; /* the mapping a search chose (docs/mapper.md) */
};


/* One spatial axis of the convolution: outputs p in [0, P) read input rows
 * p*stride + r*dilation - pad for r in [0, R), kept where they are in [0, H). */
typedef struct ec_axis {
    int64_t P, R, H, stride, dilation, pad;
} ec_axis;

/* The rows and the columns of a shape. Inline: every evaluation and every
 * footprint sum of the tiling search starts here. */
static inline ec_axis ec_shape_axis_h(const ec_shape *s)
{
    ec_axis a = {s->P, s->R, s->H, s->sh, s->dh, s->pt};
    return a;
}
static inline ec_axis ec_shape_axis_w(const ec_shape *s)
{
    ec_axis a = {s->Q, s->S, s->W, s->sw, s->dw, s->pl};
    return a;
}

/* A resolved dataflow: order and every tile known, tiles within extents. */
typedef struct ec_plan {
    ec_policy policy;
    ec_dim order[EC_NDIMS];
    int64_t tile[EC_NDIMS];
    int64_t blocks[EC_NDIMS]; /* B_d = ceil(extent_d / tile_d) */
    int automatic[EC_NDIMS];
    ec_reuse reuse;
    ec_footprint footprint;
} ec_plan;

/* alloc.c */
ec_allocator ec_allocator_or_default(const ec_allocator *al);
void *ec_calloc(const ec_allocator *al, size_t count, size_t size); /* zeroed; NULL on failure */
void ec_free(const ec_allocator *al, void *ptr);
void *ec_handle_create(const ec_allocator *al, size_t size);
void ec_handle_destroy(void *handle);

/* status.c */
void ec_msg(char *buf, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* layer.c: validate a layer and derive its shape; msg gets the reason. */
ec_status ec_shape_from_layer(const ec_layer *layer, ec_shape *shape, char *msg);
/* The same through the shape the setters derived, when the parameters have
 * not changed since (ec_layer_set_gemm writes them directly): a pointer to
 * it, or to *scratch filled by ec_shape_from_layer; NULL on error, with
 * *status and msg set. Reads the layer only. */
const ec_shape *ec_layer_shape(const ec_layer *layer, ec_shape *scratch, ec_status *status,
                               char *msg);

/* dataflow.c: the order of a named policy or the custom one. */
void ec_policy_order(const ec_dataflow *dataflow, ec_dim order[EC_NDIMS]);
extern const char ec_dim_letters[EC_NDIMS + 1]; /* "NGKCPQRS" */

/* Relevance of dimensions to a tensor (section 3), as a bit mask over
 * ec_dim: Rel(I) = {N,G,C,P,Q,R,S}, Rel(W) = {G,K,C,R,S},
 * Rel(O) = {N,G,K,P,Q}. Inline: the tiling search asks it millions of times. */
static inline unsigned ec_rel_mask(ec_tensor tensor)
{
    static const unsigned char rel[EC_NTENSORS] = {0xFBu, 0xCEu, 0x37u};
    return rel[tensor];
}
static inline int ec_relevant(ec_tensor tensor, ec_dim dim) { return (ec_rel_mask(tensor) >> dim) & 1u; }

/* tiling.c: check explicit tiles against the extents and choose the
 * automatic ones (section 6). With no automatic tile the capacity is left to
 * the evaluator. */
ec_status ec_plan_resolve(const ec_shape *shape, const ec_memory *memory,
                          const ec_dataflow *dataflow, ec_plan *plan,
                          const ec_allocator *al, char *msg);

/* closed_form.c: section 4. Checks capacity and overflow. */
ec_status ec_closed_form(const ec_shape *shape, const ec_memory *memory, const ec_plan *plan,
                         ec_counts *counts, const ec_allocator *al, char *msg);

/* counter.c: section 5, independent of footprint.c and closed_form.c. */
ec_status ec_counter(const ec_shape *shape, const ec_memory *memory, const ec_plan *plan,
                     ec_counts *counts, const ec_allocator *al, char *msg);

/* memory.c: capacity check shared by the evaluators. cap[] are the largest
 * tiles of I, W, O in words. Returns EC_E_CAPACITY, with msg (if non-NULL)
 * saying by how much, when they do not fit. */
ec_status ec_memory_fits(const ec_memory *memory, const int64_t cap[EC_NTENSORS], char *msg);
/* Non-zero iff the memory's Buffer is partitioned. */
int ec_memory_partitioned(const ec_memory *memory);

/* result.c: store counts and their energies; or mark the result failed. */
ec_status ec_result_store(ec_result *result, const ec_memory *memory, const ec_plan *plan,
                          const ec_counts *counts);
ec_status ec_result_fail(ec_result *result, ec_status status, const char *msg);
/* Energy of counts under a memory's prices, as the result reports it. */
double ec_energy_total(const ec_memory *memory, const ec_counts *counts);

#endif
