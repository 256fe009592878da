/* The flags that describe one layer: every parameter of docs/model.md section 1. */
#ifndef ECNN_TOOL_LAYER_FLAGS_H
#define ECNN_TOOL_LAYER_FLAGS_H

#include "args.h"
#include "network.h"

typedef struct layer_flags {
    int64_t v[LP_COUNT];
    unsigned set; /* bit per parameter given */
} layer_flags;

/* 1 handled, 0 not a layer flag, -1 error (printed). */
int layer_flag(argscan *s, layer_flags *f);
/* Overrides the parameters given on the command line. */
void layer_flags_apply(const layer_flags *f, int64_t v[LP_COUNT]);
extern const char layer_help[];

#endif
