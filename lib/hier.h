/* Memory hierarchies of any depth with spatial fanout (docs/hierarchy.md):
 * the internal forms shared by the hierarchy's sources. Nothing here is part
 * of the ABI. */
#ifndef EC_HIER_H
#define EC_HIER_H

#include "ecnn.h"

#include <stdint.h>

#define EC_HL (EC_HIER_MAX_LEVELS + 1) /* levels including DRAM */
#define EC_HNAME 32
#define EC_HACT 3                        /* ec_action values */
#define EC_HLOOPS (EC_HL * 3 * EC_NDIMS) /* at most one loop per level, kind, dim */

typedef struct ec_hier_level {
    char name[EC_HNAME];
    int64_t capacity; /* words per instance; EC_CAPACITY_UNBOUNDED */
    int64_t mesh[2];  /* X, Y instances; 0 = the outer level's */
    int64_t keep;     /* bit mask over ec_tensor */
    double energy[3][EC_HACT]; /* [ec_tensor][ec_action], per word */
    int64_t cluster;  /* instances sharing one access (Timeloop's cluster-size); 0 = 1 */
    int64_t block;    /* words per access (Timeloop's block-size); 0 = 1 */
} ec_hier_level;

/* Kept inside struct ec_memory: levels == 0 is the two-level model. */
typedef struct ec_hier {
    int levels;
    ec_hier_level level[EC_HL];
    int64_t mac_mesh[2]; /* 0 = the innermost level's */
} ec_hier;

/* Kept inside struct ec_dataflow: the mapping as set (0 = not given). */
typedef struct ec_hier_map {
    int64_t factor[EC_HL][3][EC_NDIMS]; /* [level][ec_loop_kind][ec_dim] */
    ec_dim order[EC_HL][EC_NDIMS];      /* temporal order, outermost first */
} ec_hier_map;

/* Kept inside struct ec_result: the per-level figures of an evaluation. */
typedef struct ec_hier_counts {
    int levels;                          /* L (1 for the two-level model) */
    int is_hier;                         /* 0: filled from the two-level counts */
    int64_t count[EC_HL][3][EC_HACT];    /* [level][tensor][action], all instances */
    int64_t instances[EC_HL + 1];        /* utilized instances; [L+1] = MACs */
    double energy[EC_HL];                /* per level */
    int64_t traffic[EC_HL];              /* words across the boundary above level l */
    int64_t capacity_total[EC_HL];       /* level l and inside, all instances; -1 unbounded */
} ec_hier_counts;

/* One loop of the resolved nest. */
typedef struct hn_loop {
    ec_dim dim;
    int64_t n;      /* factor, > 1 */
    int64_t stride; /* product of the factors of dim in the loops inside this one */
    int level;
    ec_loop_kind kind;
} hn_loop;

/* A validated mapping on a validated layer and hierarchy: every factor
 * resolved, only loops with a factor > 1 kept, outermost first; per level
 * its temporal loops (in its order), then its spatial X loops, then Y. */
typedef struct ec_hier_nest {
    int L;
    int64_t f[EC_HL][3][EC_NDIMS];
    ec_dim order[EC_HL][EC_NDIMS];
    int64_t span[EC_HL + 1][EC_NDIMS]; /* product of the factors at levels >= c */
    unsigned keep[EC_HL];
    int64_t instances[EC_HL + 1]; /* product of the spatial factors above */
    hn_loop loop[EC_HLOOPS];
    int nloops;
    int first[EC_HL + 2];    /* first loop of level l; first[L+1] = nloops */
    int spatial[EC_HL + 1];  /* first spatial loop of level l */
} ec_hier_nest;

/* What both evaluators produce, before the rules of reads/fills/updates:
 * per tensor and level c (1..L+1, L+1 = the MACs), the words the instances
 * of c receive over the walk (raw) and the words level c - 1 sends them,
 * identical deltas of one parent instance's children counted once
 * (content[c-1]); and, for the outputs, the partition of each level. */
typedef struct ec_hier_flow {
    int64_t raw[3][EC_HL + 1];
    int64_t content[3][EC_HL + 1];
    int64_t partition_O[EC_HL + 1];
    int64_t macs;
} ec_hier_flow;

#endif
