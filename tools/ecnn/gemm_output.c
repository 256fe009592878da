/* Matrix products in the tool's output (docs/gemm.md, docs/cli.md): the
 * JSON "gemm" object of ecnn net and the product line of ecnn layer. Apart
 * from gemm.c so that the network readers need no output code. */
#include "json.h"
#include "network.h"
#include <inttypes.h>

void net_layer_json_gemm(struct json *j, const net_layer *l)
{
    if (!l->gemm.on) return;
    json_key(j, "gemm");
    json_object(j);
    json_kint(j, "M", l->gemm.m);
    json_kint(j, "K", l->gemm.k);
    json_kint(j, "N", l->gemm.n);
    json_kint(j, "batch", l->gemm.batch);
    json_kint(j, "heads", l->gemm.heads);
    json_kstring(j, "B", l->gemm.per_item ? "activation" : "weights");
    json_end(j);
}

void lp_gemm_text(struct outbuf *ob, const int64_t v[LP_COUNT])
{
    ec_layer *l = ec_layer_create();
    char err[300];
    int64_t b, g, m, k, n;
    if (l && lp_to_layer(v, l, err, sizeof err) == EC_OK &&
        ec_layer_get_gemm(l, &b, &g, &m, &k, &n) == EC_OK)
        ob_printf(ob, "           a matrix product: M %" PRId64 " x K %" PRId64 " by K x N %" PRId64
                      ", batch %" PRId64 ", groups %" PRId64 " (docs/gemm.md)\n", m, k, n, b, g);
    ec_layer_destroy(l);
}
