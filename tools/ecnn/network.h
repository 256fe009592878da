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

typedef struct net_layer {
    char name[64];
    int64_t v[LP_COUNT];
} net_layer;

typedef struct network {
    char name[64];     /* zoo name or file stem */
    char title[128];   /* "# title:" of a network file, else the name */
    char source[512];  /* "# source:" of a network file (the reference), or "" */
    char origin[1024]; /* the file or directory read */
    net_layer *layer;
    int n, cap;
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

#endif
