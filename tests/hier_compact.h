/* Timeloop's one-line mapping summary (the mapper's mapping_compact column,
 * e.g. "L5[WIO] Q5 M2 C3 - L4[IO] M3 P55 Q11X - ..."): levels L_k from the
 * outermost (DRAM), each with its kept tensors, temporal factors outermost
 * first, and spatial factors marked X or Y. Read into a hierarchy of
 * `levels` on-chip levels (Timeloop's L_k is our level levels - k) and a
 * dataflow. Shared by tests/test_hier_timeloop.c and bench/bench_hier.c. */
#ifndef EC_TEST_HIER_COMPACT_H
#define EC_TEST_HIER_COMPACT_H

#include "ecnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int compact_dim(char c, ec_dim *d)
{
    switch (c) {
    case 'C': *d = EC_DIM_C; return 0;
    case 'M': *d = EC_DIM_K; return 0;
    case 'R': *d = EC_DIM_R; return 0;
    case 'S': *d = EC_DIM_S; return 0;
    case 'N': *d = EC_DIM_N; return 0;
    case 'P': *d = EC_DIM_P; return 0;
    case 'Q': *d = EC_DIM_Q; return 0;
    }
    return -1;
}

/* Returns 0, or -1 for text it cannot read. */
static inline int compact_read(const char *text, int levels, ec_memory *m, ec_dataflow *d)
{
    int level = -1, norder = 0;
    ec_dim order[EC_NDIMS];
    const char *p = text;
    for (;;) {
        while (*p == ' ') p++;
        int end_level = !*p || *p == '-' || *p == 'L';
        if (end_level && level >= 0) { /* the level's order: named dimensions first */
            for (int dd = 0; dd < EC_NDIMS; dd++) {
                int seen = 0;
                for (int i = 0; i < norder; i++) seen |= order[i] == (ec_dim)dd;
                if (!seen) order[norder++] = (ec_dim)dd;
            }
            if (ec_dataflow_set_level_order(d, level, order) != EC_OK) return -1;
            level = -1;
        }
        if (!*p) return 0;
        if (*p == '-') {
            p++;
            continue;
        }
        if (*p == 'L') {
            char *end;
            long k = strtol(p + 1, &end, 10);
            if (*end != '[') return -1;
            level = levels - (int)k;
            norder = 0;
            int64_t keep = 0;
            for (p = end + 1; *p && *p != ']'; p++)
                keep |= *p == 'I' ? 1 : *p == 'W' ? 2 : *p == 'O' ? 4 : 0;
            if (*p == ']') p++;
            if (ec_memory_level_set(m, level, EC_HIER_KEEP, keep) != EC_OK) return -1;
            continue;
        }
        ec_dim dim;
        char *end;
        if (level < 0 || compact_dim(*p, &dim)) return -1;
        long long f = strtoll(p + 1, &end, 10);
        if (end == p + 1 || f < 1) return -1;
        ec_loop_kind kind = *end == 'X' ? EC_LOOP_SPATIAL_X : *end == 'Y' ? EC_LOOP_SPATIAL_Y
                                                                          : EC_LOOP_TEMPORAL;
        if (kind != EC_LOOP_TEMPORAL) end++;
        if (kind == EC_LOOP_TEMPORAL && norder < EC_NDIMS) order[norder++] = dim;
        int64_t old;
        if (ec_dataflow_get_factor(d, level, kind, dim, &old) != EC_OK) return -1;
        if (ec_dataflow_set_factor(d, level, kind, dim, (old ? old : 1) * f) != EC_OK) return -1;
        p = end;
    }
}

#endif
