/* The command-line flags of ONNX import (docs/onnx.md, docs/cli.md),
 * shared by ecnn net, ecnn layer and ecnn sweep. */
#include "onnx.h"

#include "util.h"

#include <stdio.h>
#include <string.h>

const char onnx_help[] =
    "ONNX models (FILE.onnx; docs/onnx.md):\n"
    "  --batch N              the value of a symbolic batch dimension (default 1)\n"
    "  --dim NAME=N           the value of another symbolic dimension\n"
    "  --skip-unknown         leave out nodes of unsupported operators (listed)\n"
    "                         instead of stopping at the first\n";

void onnx_opts_init(onnx_opts *o) { memset(o, 0, sizeof *o); }

int onnx_flag(argscan *s, onnx_opts *o, int node_ok)
{
    if (argscan_is(s, "skip-unknown")) {
        if (argscan_flag(s) != 0) return -1;
        o->skip_unknown = 1;
        return 1;
    }
    if (node_ok && argscan_is(s, "node")) {
        const char *v = argscan_value(s);
        if (!v) return -1;
        o->node = v;
        return 1;
    }
    if (argscan_is(s, "dim")) {
        const char *v = argscan_value(s);
        if (!v) return -1;
        const char *eq = strchr(v, '=');
        if (!eq || eq == v || (size_t)(eq - v) >= sizeof o->dim_name[0]) {
            tool_error("%s: '%s' is not NAME=N (a symbolic dimension's name and value)", s->opt, v);
            return -1;
        }
        if (o->ndims == ONNX_MAX_DIMS) {
            tool_error("%s: at most %d symbolic dimensions", s->opt, ONNX_MAX_DIMS);
            return -1;
        }
        memcpy(o->dim_name[o->ndims], v, (size_t)(eq - v));
        o->dim_name[o->ndims][eq - v] = '\0';
        if (parse_int(s->opt, eq + 1, 1, &o->dim_value[o->ndims]) != 0) return -1;
        if (o->dim_value[o->ndims] > INT32_MAX) {
            tool_error("%s: %s is larger than 2^31 - 1", s->opt, eq + 1);
            return -1;
        }
        o->ndims++;
        return 1;
    }
    return 0;
}

int onnx_layer(const char *path, onnx_opts *o, layer_flags *lf, int64_t v[LP_COUNT])
{
    if (!o->node) {
        tool_error("%s: which node? Give --node NAME (ecnn net %s lists the layers)", path, path);
        return -1;
    }
    if (lf->set & (1u << EC_LAYER_N)) {
        o->batch = lf->v[EC_LAYER_N];
        lf->set &= ~(1u << EC_LAYER_N);
    }
    network net;
    net_init(&net);
    int rc = onnx_read(path, &net, o);
    if (rc == 0) memcpy(v, net.layer[0].v, sizeof(int64_t) * LP_COUNT);
    net_free(&net);
    return rc;
}
