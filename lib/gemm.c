/* Matrix products as layers (docs/model.md section 10, docs/gemm.md): a
 * batched GEMM is the 1x1 convolution whose reuse is the product's. The
 * operand shared by several products plays the weights; products that each
 * have their own second operand are groups, so that |W| counts every
 * distinct operand once and no reuse is invented across them. */
#include "internal.h"
#include "checked.h"

static int below_one(char *msg, const char *name, int64_t value)
{
    if (value >= 1) return 0;
    ec_msg(msg, "layer: gemm %s = %lld is below its minimum 1", name, (long long)value);
    return 1;
}

ec_status ec_layer_set_gemm(ec_layer *layer, int64_t batch, int64_t groups, int64_t m, int64_t k,
                            int64_t n)
{
    if (!layer) return EC_E_NULL;
    if (below_one(layer->msg, "batch", batch) || below_one(layer->msg, "groups", groups) ||
        below_one(layer->msg, "m", m) || below_one(layer->msg, "k", k) ||
        below_one(layer->msg, "n", n))
        return EC_E_RANGE;
    int64_t C, K;
    if (ck_mul(groups, k, &C)) {
        ec_msg(layer->msg, "layer: gemm groups * k = %lld * %lld exceeds 64 bits", (long long)groups,
               (long long)k);
        return EC_E_OVERFLOW;
    }
    if (ck_mul(groups, n, &K)) {
        ec_msg(layer->msg, "layer: gemm groups * n = %lld * %lld exceeds 64 bits", (long long)groups,
               (long long)n);
        return EC_E_OVERFLOW;
    }
    /* Validated above, so the layer is only changed when every value is set. */
    int64_t v[EC_NLAYER_PARAMS] = {0};
    v[EC_LAYER_N] = batch;
    v[EC_LAYER_C] = C;
    v[EC_LAYER_K] = K;
    v[EC_LAYER_G] = groups;
    v[EC_LAYER_H] = m;
    for (int i = EC_LAYER_W; i <= EC_LAYER_DILATION_W; i++) v[i] = 1;
    for (int i = 0; i < EC_NLAYER_PARAMS; i++) layer->v[i] = v[i];
    return EC_OK;
}

ec_status ec_layer_get_gemm(const ec_layer *layer, int64_t *batch, int64_t *groups, int64_t *m,
                            int64_t *k, int64_t *n)
{
    if (!layer || !batch || !groups || !m || !k || !n) return EC_E_NULL;
    ec_shape s;
    char msg[EC_MSG_LEN];
    ec_status st = ec_shape_from_layer(layer, &s, msg);
    if (st != EC_OK) return st;
    /* A 1x1 kernel, unit strides and no padding: every input pixel meets
     * every weight of its group exactly once, which is the product. The
     * dilation is then irrelevant. */
    if (s.R != 1 || s.S != 1 || s.sh != 1 || s.sw != 1 || s.pt || s.pb || s.pl || s.pr)
        return EC_E_UNAVAILABLE;
    *batch = s.N;
    *groups = s.G;
    *m = s.H * s.W; /* fits: |I| = N*C*H*W was checked */
    *k = s.Cg;
    *n = s.Kg;
    return EC_OK;
}
