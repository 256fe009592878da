/* The benchmarks' workloads: the layers of tools/zoo/<net>.csv (the same
 * files the ecnn tool's `zoo` and `net` commands read, so the benchmarks
 * time the networks the documentation names, fc layers included). Each
 * distinct shape is kept once, with how often it occurs. */
#ifndef EC_BENCH_ZOO_H
#define EC_BENCH_ZOO_H

#include "ecnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BENCH_ZOO_DIR
#define BENCH_ZOO_DIR "tools/zoo"
#endif

typedef struct bench_layer {
    char name[48];
    long C, K, G, H, W, R, S, stride, pad, count;
} bench_layer;

typedef struct bench_net {
    char name[32];
    bench_layer *v;
    int n;
} bench_net;

/* Reads BENCH_ZOO_DIR/<name>.csv (columns layer,C,K,G,H,W,R,S,stride,pad);
 * exits with a message on any error, since a benchmark without its
 * workload has nothing to say. */
static inline bench_net bench_zoo(const char *name)
{
    bench_net net;
    char path[512], line[512];
    memset(&net, 0, sizeof net);
    snprintf(net.name, sizeof net.name, "%s", name);
    snprintf(path, sizeof path, "%s/%s.csv", BENCH_ZOO_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench: cannot open %s\n", path);
        exit(2);
    }
    net.v = calloc(256, sizeof *net.v);
    if (!net.v) exit(2);
    while (fgets(line, sizeof line, f)) {
        bench_layer b;
        memset(&b, 0, sizeof b);
        if (line[0] == '#' || !strncmp(line, "layer,", 6) || line[0] == '\n') continue;
        if (sscanf(line, "%47[^,],%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", b.name, &b.C, &b.K, &b.G,
                   &b.H, &b.W, &b.R, &b.S, &b.stride, &b.pad) != 10) {
            fprintf(stderr, "bench: %s: cannot read: %s", path, line);
            exit(2);
        }
        int k = 0;
        for (; k < net.n; k++) {
            const bench_layer *o = &net.v[k];
            if (o->C == b.C && o->K == b.K && o->G == b.G && o->H == b.H && o->W == b.W &&
                o->R == b.R && o->S == b.S && o->stride == b.stride && o->pad == b.pad)
                break;
        }
        if (k < net.n) {
            net.v[k].count++;
        } else if (net.n < 256) {
            b.count = 1;
            net.v[net.n++] = b;
        }
    }
    fclose(f);
    return net;
}

static inline void bench_set_layer(ec_layer *l, const bench_layer *b, long batch)
{
    const long v[12] = {batch, b->C, b->K, b->G, b->H, b->W, b->R, b->S, b->stride, b->stride, 1, 1};
    for (int k = 0; k < 12; k++) ec_layer_set(l, (ec_layer_param)k, v[k]);
    for (int p = EC_LAYER_PAD_TOP; p <= EC_LAYER_PAD_RIGHT; p++)
        ec_layer_set(l, (ec_layer_param)p, b->pad);
}

#endif
