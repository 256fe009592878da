#include "network.h"

#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lp_names[LP_COUNT] = {
    "N", "C", "K", "G", "H", "W", "R", "S", "stride_h", "stride_w", "dilation_h",
    "dilation_w", "pad_top", "pad_bottom", "pad_left", "pad_right",
};

void lp_defaults(int64_t v[LP_COUNT])
{
    for (int i = 0; i < LP_COUNT; i++) v[i] = i >= EC_LAYER_PAD_TOP ? 0 : 1;
}

ec_status lp_to_layer(const int64_t v[LP_COUNT], ec_layer *layer, char *err, size_t errlen)
{
    for (int i = 0; i < LP_COUNT; i++) {
        ec_status st = ec_layer_set(layer, (ec_layer_param)i, v[i]);
        if (st != EC_OK) {
            snprintf(err, errlen, "%s", ec_layer_message(layer));
            return st;
        }
    }
    ec_status st = ec_layer_check(layer);
    if (st != EC_OK) snprintf(err, errlen, "%s", ec_layer_message(layer));
    return st;
}

void lp_shape(const int64_t v[LP_COUNT], int64_t P, int64_t Q, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%" PRId64 "x%" PRId64 "x%" PRId64 " -> %" PRId64 "x%" PRId64
                                "x%" PRId64 ", %" PRId64 "x%" PRId64,
                     v[EC_LAYER_C], v[EC_LAYER_H], v[EC_LAYER_W], v[EC_LAYER_K], P, Q,
                     v[EC_LAYER_R], v[EC_LAYER_S]);
    if (n < 0 || (size_t)n >= size) return;
    size_t len = (size_t)n;
#define APPEND(...)                                                          \
    do {                                                                     \
        int m = snprintf(buf + len, size - len, __VA_ARGS__);                \
        if (m < 0 || (size_t)m >= size - len) return;                        \
        len += (size_t)m;                                                    \
    } while (0)
    if (v[EC_LAYER_STRIDE_H] == v[EC_LAYER_STRIDE_W]) APPEND("/%" PRId64, v[EC_LAYER_STRIDE_H]);
    else APPEND("/%" PRId64 ",%" PRId64, v[EC_LAYER_STRIDE_H], v[EC_LAYER_STRIDE_W]);
    if (v[EC_LAYER_DILATION_H] != 1 || v[EC_LAYER_DILATION_W] != 1)
        APPEND(" d%" PRId64 ",%" PRId64, v[EC_LAYER_DILATION_H], v[EC_LAYER_DILATION_W]);
    int64_t pt = v[EC_LAYER_PAD_TOP], pb = v[EC_LAYER_PAD_BOTTOM], pl = v[EC_LAYER_PAD_LEFT],
            pr = v[EC_LAYER_PAD_RIGHT];
    if (pt == pb && pt == pl && pt == pr) {
        if (pt) APPEND(" p%" PRId64, pt);
    } else {
        APPEND(" p%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64, pt, pb, pl, pr);
    }
    if (v[EC_LAYER_G] != 1) APPEND(" g%" PRId64, v[EC_LAYER_G]);
    if (v[EC_LAYER_N] != 1) APPEND(" n%" PRId64, v[EC_LAYER_N]);
#undef APPEND
}

void net_init(network *net) { memset(net, 0, sizeof *net); }

void net_free(network *net)
{
    free(net->layer);
    free(net->notes);
    net_init(net);
}

int net_add(network *net, const char *name, const int64_t v[LP_COUNT])
{
    if (net->n == net->cap) {
        int cap = net->cap ? 2 * net->cap : 64;
        net_layer *p = realloc(net->layer, sizeof *p * (size_t)cap);
        if (!p) {
            tool_error("out of memory reading a network");
            return -1;
        }
        net->layer = p;
        net->cap = cap;
    }
    net_layer *l = &net->layer[net->n++];
    str_copy(l->name, sizeof l->name, name);
    memcpy(l->v, v, sizeof l->v);
    memset(&l->gemm, 0, sizeof l->gemm);
    return 0;
}
