/* Seeded random layers, orders, tiles and memories for the property tests.
 * A header so that each test program carries its own copy of the generator
 * and a failure can be reproduced from the printed seed alone. */
#ifndef EC_TEST_RANDOM_LAYER_H
#define EC_TEST_RANDOM_LAYER_H

#include "ecnn.h"

#include <stdint.h>

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64: small, fast, and the same on every platform. */
static inline uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static inline int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

typedef enum layer_kind {
    KIND_CONV,      /* general: padding, strides, dilation, groups, batch */
    KIND_FC,        /* H = W = R = S = 1 */
    KIND_DEPTHWISE, /* G = C = K */
    KIND_SPARSE,    /* stride larger than the kernel's reach */
    KIND_COUNT
} layer_kind;

/* A random small layer of the given kind; every value is set explicitly.
 * Returns 0 if the drawn layer has an empty output (the caller redraws). */
static inline int random_layer(rng *r, layer_kind kind, ec_layer *l, int64_t max_side)
{
    int64_t G = rng_range(r, 1, 3), Cg = rng_range(r, 1, 3), Kg = rng_range(r, 1, 3);
    int64_t v[16];
    v[EC_LAYER_N] = rng_range(r, 1, 2);
    v[EC_LAYER_H] = rng_range(r, 1, max_side);
    v[EC_LAYER_W] = rng_range(r, 1, max_side);
    v[EC_LAYER_R] = rng_range(r, 1, 4);
    v[EC_LAYER_S] = rng_range(r, 1, 4);
    v[EC_LAYER_STRIDE_H] = rng_range(r, 1, 3);
    v[EC_LAYER_STRIDE_W] = rng_range(r, 1, 3);
    v[EC_LAYER_DILATION_H] = rng_range(r, 1, 3);
    v[EC_LAYER_DILATION_W] = rng_range(r, 1, 3);
    for (int i = EC_LAYER_PAD_TOP; i <= EC_LAYER_PAD_RIGHT; i++)
        v[i] = rng_range(r, 0, 3) == 0 ? rng_range(r, 1, 3) : 0;
    switch (kind) {
    case KIND_FC:
        v[EC_LAYER_H] = v[EC_LAYER_W] = v[EC_LAYER_R] = v[EC_LAYER_S] = 1;
        for (int i = EC_LAYER_PAD_TOP; i <= EC_LAYER_PAD_RIGHT; i++) v[i] = 0;
        Cg = rng_range(r, 1, 8);
        Kg = rng_range(r, 1, 8);
        break;
    case KIND_DEPTHWISE:
        G = rng_range(r, 2, 5);
        Cg = Kg = 1;
        break;
    case KIND_SPARSE:
        v[EC_LAYER_STRIDE_H] = v[EC_LAYER_DILATION_H] * (v[EC_LAYER_R] - 1) + rng_range(r, 2, 3);
        v[EC_LAYER_STRIDE_W] = v[EC_LAYER_DILATION_W] * (v[EC_LAYER_S] - 1) + rng_range(r, 2, 3);
        v[EC_LAYER_H] += v[EC_LAYER_STRIDE_H];
        v[EC_LAYER_W] += v[EC_LAYER_STRIDE_W];
        break;
    default: break;
    }
    v[EC_LAYER_G] = G;
    v[EC_LAYER_C] = Cg * G;
    v[EC_LAYER_K] = Kg * G;
    for (int i = 0; i < 16; i++) ec_layer_set(l, (ec_layer_param)i, v[i]);
    return ec_layer_check(l) == EC_OK;
}

/* Extent of dimension d (N G Kg Cg P Q R S) of a valid layer. */
static inline int64_t layer_extent(const ec_layer *l, ec_dim d)
{
    int64_t v = 0, g = 1;
    ec_layer_get(l, EC_LAYER_G, &g);
    switch (d) {
    case EC_DIM_N: ec_layer_get(l, EC_LAYER_N, &v); return v;
    case EC_DIM_G: return g;
    case EC_DIM_K: ec_layer_get(l, EC_LAYER_K, &v); return v / g;
    case EC_DIM_C: ec_layer_get(l, EC_LAYER_C, &v); return v / g;
    case EC_DIM_P: ec_layer_get(l, EC_LAYER_P, &v); return v;
    case EC_DIM_Q: ec_layer_get(l, EC_LAYER_Q, &v); return v;
    case EC_DIM_R: ec_layer_get(l, EC_LAYER_R, &v); return v;
    default: ec_layer_get(l, EC_LAYER_S, &v); return v;
    }
}

/* A random permutation of the eight dimensions (Fisher-Yates). */
static inline void random_order(rng *r, ec_dim order[EC_NDIMS])
{
    for (int i = 0; i < EC_NDIMS; i++) order[i] = (ec_dim)i;
    for (int i = EC_NDIMS - 1; i > 0; i--) {
        int j = (int)rng_range(r, 0, i);
        ec_dim t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

#endif
