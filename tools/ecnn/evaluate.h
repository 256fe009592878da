/* Evaluating layers with the library: everything the commands print about
 * one layer under one dataflow, gathered into a record. */
#ifndef ECNN_TOOL_EVALUATE_H
#define ECNN_TOOL_EVALUATE_H

#include "dataflow_flags.h"
#include "network.h"

#include <ecnn.h>

typedef struct ev_record {
    int policy;       /* the ec_policy evaluated (the winner, for MODE_BEST) */
    char order[9];    /* the loop order used, outermost first */
    int64_t tile[8];  /* by ec_dim */
    int tile_auto[8];
    int64_t count[3][2][2]; /* [ec_tensor][ec_level][ec_access] */
    int64_t macs, dram_total;
    double energy[7]; /* by ec_energy_part */
    int64_t partition[3];
    int64_t P, Q, size[3];
    int has_bound;
    int64_t bound[7]; /* by ec_bound_field */
    double bound_energy, gap_dram, gap_energy;
    int has_asym;
    double asym_reads, asym_writes, asym_energy;
} ev_record;

typedef struct ev_ctx {
    ec_layer *layer;
    ec_dataflow *dataflow;
    ec_result *result;
} ev_ctx;

int ev_init(ev_ctx *c);
void ev_free(ev_ctx *c);
/* Evaluates layer v on memory m under d into rec. On failure returns -1
 * with the library's message (naming the parameter) in err. */
int ev_layer(ev_ctx *c, const int64_t v[LP_COUNT], const ec_memory *m, const df_desc *d,
             ev_record *rec, char *err, size_t errlen);
/* Only the lower bound: transfers and energy. */
int ev_bound(ev_ctx *c, const int64_t v[LP_COUNT], const ec_memory *m, int64_t *transfers,
             double *energy, char *err, size_t errlen);
/* The eight letters of an order. */
void ev_order_string(const ec_dim order[8], char out[9]);
/* "os", "ws" or "is" if order is that policy's order exactly, else NULL. */
const char *ev_named_order(const char *order);

#endif
