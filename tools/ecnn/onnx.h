/* ONNX import (docs/onnx.md): the Conv, Gemm and MatMul nodes of an ONNX
 * graph as layers of a network, with shapes propagated through a documented
 * list of operators. Only tensor dimensions are read, never weights. */
#ifndef ECNN_TOOL_ONNX_H
#define ECNN_TOOL_ONNX_H

#include "args.h"
#include "network.h"

#include <stddef.h>
#include <stdint.h>

#define ONNX_MAX_DIMS 8

typedef struct onnx_opts {
    int64_t batch;    /* a symbolic batch dimension's value; 0: not given (1) */
    int skip_unknown; /* leave unsupported nodes out (listed) instead of failing */
    int quiet;        /* no warnings on stderr (the fuzzer) */
    const char *node; /* only this node's layer (ecnn layer --node) */
    size_t strip_above; /* tensors with more payload bytes are decoded
                           without it (onnx_strip.h); 0: ONNX_STRIP_THRESHOLD */
    int ndims;        /* --dim NAME=VALUE: other symbolic dimensions */
    char dim_name[ONNX_MAX_DIMS][64];
    int64_t dim_value[ONNX_MAX_DIMS];
} onnx_opts;

extern const char onnx_help[];

void onnx_opts_init(onnx_opts *o);
/* --skip-unknown, --dim NAME=VALUE, and --node NAME when node_ok: 1 taken,
 * 0 not an ONNX flag, -1 bad value (message printed). */
int onnx_flag(argscan *s, onnx_opts *o, int node_ok);

/* Whether the tool was built with ONNX support. */
int onnx_available(void);
/* Appends the layers of an ONNX model file to net (net->batch_fixed is set:
 * the batch is applied here). Prints "file: node 'name' (Op): reason" and
 * returns -1 on any error. o may be NULL (defaults). */
int onnx_read(const char *path, network *net, const onnx_opts *o);
/* The same from bytes in memory; label names them in messages. */
int onnx_read_buffer(const uint8_t *data, size_t len, const char *label, network *net,
                     const onnx_opts *o);

/* ecnn layer FILE.onnx --node NAME: the node's layer into v. A batch
 * given among the layer flags (--batch, --N) is the model's symbolic
 * batch and is taken out of lf. -1 with a message on failure. */
#include "layer_flags.h"
int onnx_layer(const char *path, onnx_opts *o, layer_flags *lf, int64_t v[LP_COUNT]);

#endif
