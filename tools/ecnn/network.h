/* A layer as the tool keeps it (the sixteen settable parameters of
 * docs/model.md section 1, indexed by ec_layer_param), and a network: a named
 * list of layers, loaded from the zoo, a network CSV file, a Timeloop YAML
 * file (one layer), a directory of YAML files or a list file. */
#ifndef ECNN_TOOL_NETWORK_H
#define ECNN_TOOL_NETWORK_H

#include <ecnn.h>

#include <stddef.h>
#include <stdint.h>

#define LP_COUNT 16 /* EC_LAYER_N .. EC_LAYER_PAD_RIGHT */

/* Machine names of the parameters: N C K G H W R S stride_h stride_w
 * dilation_h dilation_w pad_top pad_bottom pad_left pad_right. */
extern const char *const lp_names[LP_COUNT];

/* A matrix product (docs/gemm.md): batch x heads products of an m x k
 * matrix A by a k x n matrix B. B is the layer's weights, shared by the
 * batch (per_item 0), or an activation of each batch item (per_item 1, as
 * in attention); v holds the convolution ec_layer_set_gemm() makes of it. */
typedef struct net_gemm {
    int on, per_item;
    int64_t batch, heads, m, k, n;
} net_gemm;

typedef struct net_layer {
    char name[64];
    int64_t v[LP_COUNT];
    net_gemm gemm; /* gemm.on: the layer is a matrix product */
} net_layer;

struct onnx_opts;

typedef struct network {
    char name[64];     /* zoo name or file stem */
    char title[128];   /* "# title:" of a network file, else the name */
    char source[512];  /* "# source:" of a network file (the reference), or "" */
    char origin[1024]; /* the file or directory read */
    net_layer *layer;
    int n, cap;
    const struct onnx_opts *onnx; /* options of an ONNX import, or NULL */
    int batch_fixed;              /* the batch was applied by the reader */
    char *notes;                  /* lines to print after the result, or NULL */
} network;

/* Every parameter at its default (docs/model.md section 1: extents 1, strides and
 * dilations 1, no padding). */
void lp_defaults(int64_t v[LP_COUNT]);
/* Sets a library layer from v and checks it; on failure err holds the
 * library's message and the status is returned. */
ec_status lp_to_layer(const int64_t v[LP_COUNT], ec_layer *layer, char *err, size_t errlen);
/* A short human description: "64x56x56 -> 64x56x56, 3x3/1 p1 g1". */
void lp_shape(const int64_t v[LP_COUNT], int64_t P, int64_t Q, char *buf, size_t size);

void net_init(network *net);
void net_free(network *net);
/* Appends a layer; -1 (message printed) when memory runs out. */
int net_add(network *net, const char *name, const int64_t v[LP_COUNT]);

/* Loads NAME (a zoo network) or FILE (.csv network, .yaml/.yml layer, a
 * directory of YAML files, or a list file naming YAML files, one a line).
 * Prints the reason and returns -1 on failure. */
int net_load(const char *arg, network *net);

/* net_load(), then the batch: *batch > 0 is set on every layer; 0 becomes
 * the layers' common batch, or stays 0 if they differ. On failure the
 * network is freed. */
int net_load_batch(const char *arg, network *net, int64_t *batch);

/* tools/ecnn/gemm.c: appends a matrix product; -1 (message printed with
 * where) if the library refuses it. */
int net_add_gemm(network *net, const char *name, const net_gemm *g, const char *where);
/* The shape cell of a layer: lp_shape(), or "gemm MxKxN ..." for a product. */
void net_layer_shape(const net_layer *l, int64_t P, int64_t Q, char *buf, size_t size);
/* Sets the batch of one layer (N, or a product's batch); -1 with a message
 * if the product no longer fits. */
int net_layer_set_batch(net_layer *l, int64_t batch);
/* The batch of one layer (N, or a product's batch). */
int64_t net_layer_batch(const net_layer *l);
/* "gemm": {"M", "K", "N", "batch", "heads", "B"} of a product, nothing
 * for a convolution (struct json from json.h). */
struct json;
void net_layer_json_gemm(struct json *j, const net_layer *l);
/* For ecnn layer: a line reading the layer as a matrix product (M, K, N,
 * batch, groups) when it is one (ec_layer_get_gemm), nothing otherwise. */
struct outbuf;
void lp_gemm_text(struct outbuf *ob, const int64_t v[LP_COUNT]);
/* Appends a line to net->notes; -1 when memory runs out. */
int net_note(network *net, const char *line);

#endif
