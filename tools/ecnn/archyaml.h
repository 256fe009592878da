/* Timeloop's architecture (YAML v0.3), Accelergy's energy reference table
 * (ERT.yaml) and Timeloop's mapping YAML, read with libyaml into a library
 * hierarchy (docs/cli.md, "Hierarchies"; docs/hierarchy.md). */
#ifndef ECNN_TOOL_ARCHYAML_H
#define ECNN_TOOL_ARCHYAML_H

#include <ecnn.h>

#define ARCH_MAX_LEVELS (EC_HIER_MAX_LEVELS + 1)

typedef struct arch_level {
    char name[32];      /* the component's name without its [0..n] range */
    char cls[32];       /* class (or subclass) */
    char ert_name[160]; /* the full path, as the ERT names it */
    int64_t instances, mesh_x, mesh_y;
    int64_t capacity;   /* words per instance, -1 unbounded (DRAM) */
    int64_t block;      /* words per access */
    int64_t cluster;    /* Timeloop's cluster-size: instances sharing one access */
    int64_t word_bits;  /* 0 if not given */
    int64_t entries;    /* Timeloop's size: depth * block words; -1 not given */
    int line;
} arch_level;

typedef struct arch_desc {
    char path[512];
    int nlevels; /* storage levels, DRAM first */
    arch_level level[ARCH_MAX_LEVELS];
    char mac_name[32], mac_ert_name[160];
    int64_t mac_instances, mac_mesh_x, mac_mesh_y;
} arch_desc;

/* Reads an architecture file; prints "file:line: reason" and returns -1 on
 * any problem. */
int arch_read(const char *path, arch_desc *a);

/* Reads an ERT and sets the memory's hierarchy from the architecture and
 * it: per word, the largest "read" energy over the block size for reads,
 * the largest "write" one for fills and updates ("access" for both when
 * the component has only that); the MAC's "mac_random" or "compute". */
int ert_apply(const char *path, const arch_desc *a, ec_memory *m);

/* Reads a Timeloop mapping file into the memory's kept tensors and the
 * dataflow's factors and orders. */
int mapping_read(const char *path, const arch_desc *a, ec_memory *m, ec_dataflow *d);

#endif
