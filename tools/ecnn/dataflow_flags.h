/* The flags that choose a dataflow (docs/model.md sections 3 and 6): a policy
 * or a custom order, tiles, and the input options. */
#ifndef ECNN_TOOL_DATAFLOW_FLAGS_H
#define ECNN_TOOL_DATAFLOW_FLAGS_H

#include "args.h"

#include <stdint.h>

/* The first five are ec_policy values; MODE_BEST is the best of OS, WS, IS. */
enum { MODE_OS = 0, MODE_WS = 1, MODE_IS = 2, MODE_CUSTOM = 3, MODE_OPTIMAL = 4, MODE_BEST = 5 };

/* Machine names of the modes: "os" "ws" "is" "custom" "optimal" "best". */
extern const char *const mode_names[7];

typedef struct df_desc {
    int mode; /* default MODE_OPTIMAL */
    int mode_set;
    char order[9]; /* the custom order, outermost first */
    int64_t tile[8]; /* by ec_dim; 0 = automatic */
    unsigned tile_set;
    int reuse, footprint; /* ec_reuse, ec_footprint */
} df_desc;

void df_init(df_desc *d);
/* 1 handled, 0 not a dataflow flag, -1 error. Tiles only if allow_tiles. */
int df_flag(argscan *s, df_desc *d, int allow_tiles);
/* Checks the combination given (e.g. --order with --policy os). */
int df_check(const df_desc *d);
extern const char df_help[];
extern const char df_tile_help[];

#endif
