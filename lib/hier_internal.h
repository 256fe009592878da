/* Functions shared by the hierarchy's sources (docs/hierarchy.md). */
#ifndef EC_HIER_INTERNAL_H
#define EC_HIER_INTERNAL_H

#include "internal.h"

/* hier_mapping.c: a level's order as set, or the default N G K C P Q R S. */
void ec_hier_map_order(const ec_hier_map *map, int level, ec_dim order[EC_NDIMS]);

/* hier_box.c: bounding interval [lo, hi] of the real rows read by outputs
 * [p0, p0+np) and taps [r0, r0+nr) on axis a; lo > hi when there is none. */
void hb_rows(const ec_axis *a, int64_t p0, int64_t np, int64_t r0, int64_t nr, int64_t *lo,
             int64_t *hi);

/* hier_box.c: no tile position of the axis reaches outside [0, H) (no
 * padding is read): every box is a translate of the first. */
int hb_unclipped(const ec_axis *a);

/* hier_nest.c: validate a mapping on a hierarchy and resolve it: factors
 * multiply to the extents, spatial factors within the fanouts, the tiles of
 * the kept tensors within each level's capacity. */
ec_status ec_hier_resolve(const ec_shape *shape, const ec_memory *memory,
                          const ec_dataflow *dataflow, ec_hier_nest *nest, char *msg);

/* hier_nest.c: every level's mesh is a multiple of its outer level's (the
 * check of ec_hier_resolve() that no mapping changes). */
int ec_hier_meshes_ok(const ec_hier *h);

/* hier_nest.c: the nest of a mapping known to be valid but for capacity --
 * every factor >= 1 and the factors of each dimension multiplying to its
 * extent, spatial factors within the fanouts, valid meshes -- as
 * ec_hier_resolve() builds it, in two steps so that the many candidates a
 * capacity refuses cost no loops (docs/mapper.md, 3.2): ec_hier_nest_set()
 * takes the factors and checks the capacities (EC_OK or EC_E_CAPACITY, as
 * ec_hier_resolve() would return); then, with every level's order (a
 * permutation) written in nest->order, ec_hier_nest_loops() flattens it.
 * memo (NULL: none) keeps, for one layer, the largest bounding interval of
 * input rows of each tile size on a clipped axis, which the capacities
 * read (64 cells an axis, direct-mapped, about 3 KB). */
#define EC_HIER_ROWS_MEMO 64
typedef struct ec_hier_rows_memo { /* tp == 0: an empty cell; zeroed to start */
    int64_t tp[2][EC_HIER_ROWS_MEMO], tr[2][EC_HIER_ROWS_MEMO], rows[2][EC_HIER_ROWS_MEMO];
} ec_hier_rows_memo;
ec_status ec_hier_nest_set(const ec_shape *shape, const ec_memory *memory,
                           const int64_t factor[EC_HL][3][EC_NDIMS], ec_hier_rows_memo *memo,
                           ec_hier_nest *nest);
void ec_hier_nest_loops(ec_hier_nest *nest);

/* hier_eval.c: the sums of clipped input axes kept across the closed forms
 * of one layer's mappings (the mapper's candidates), in a table of fixed
 * size (about 0.5 MB); it serves the shape it was created with (that
 * pointer) and no other. NULL when out of memory. */
typedef struct ec_hier_axis_cache ec_hier_axis_cache;
ec_hier_axis_cache *ec_hier_axis_cache_create(const ec_allocator *al, const ec_shape *shape);
void ec_hier_axis_cache_destroy(const ec_allocator *al, ec_hier_axis_cache *cache);

/* hier_result.c: what ec_hier_run() would report of a nest from
 * ec_hier_nest_set() by the closed form: the total energy and the DRAM
 * accesses (reads, fills and updates of level 0), or the status it would
 * return; no message, no result written. cache may be NULL. */
ec_status ec_hier_price(const ec_shape *shape, const ec_memory *memory, const ec_hier_nest *nest,
                        ec_reuse reuse, ec_hier_axis_cache *cache, double *energy, int64_t *dram);

/* hier_eval.c: the flows in closed form. hier_count.c: by walking the nest. */
ec_status ec_hier_flow_closed(const ec_shape *shape, const ec_hier_nest *nest, ec_reuse reuse,
                              ec_hier_flow *flow, char *msg);
/* The same with a cache of axis sums (NULL: none). */
ec_status ec_hier_flow_cached(const ec_shape *shape, const ec_hier_nest *nest, ec_reuse reuse,
                              ec_hier_axis_cache *cache, ec_hier_flow *flow, char *msg);
ec_status ec_hier_flow_walk(const ec_shape *shape, const ec_hier_nest *nest, ec_reuse reuse,
                            ec_hier_flow *flow, const ec_allocator *al, char *msg);

/* hier_result.c: evaluate a layer on a hierarchy (walk = 0: closed form,
 * 1: the walk; | EC_HIER_QUIET: a refusal leaves the message empty, so that
 * the search's many refused candidates cost no formatting). */
#define EC_HIER_QUIET 2
ec_status ec_hier_run(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                      ec_result *result, int walk);

/* Relevance of a dimension to a tensor's data (I: N G C P Q R S; W: G K C R
 * S; O: N G K P Q). */
#define HIER_REL(t, d) ec_relevant((t), (d))

#endif
