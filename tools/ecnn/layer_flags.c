#include "layer_flags.h"

#include <string.h>

const char layer_help[] =
    "Layer (docs/model.md section 1; every parameter defaults to 1, padding to 0):\n"
    "  --N n, --batch n       batch\n"
    "  --C n, --K n           input and output channels (totals, divisible by G)\n"
    "  --G n, --groups n      groups (1 dense, G = C = K depthwise)\n"
    "  --H n, --W n           input height and width;  --size n sets both\n"
    "  --R n, --S n           kernel height and width; --kernel n sets both\n"
    "  --stride n             both strides;   --stride-h n, --stride-w n\n"
    "  --dilation n           both dilations; --dilation-h n, --dilation-w n\n"
    "  --pad n                all four sides; --pad-top, --pad-bottom, --pad-left,\n"
    "                         --pad-right n\n"
    "  (one-letter flags are case-insensitive: --c 64 is --C 64)\n";

static const struct {
    const char *name;
    int keys[4];
    int nkeys;
} flags[] = {
    {"N", {EC_LAYER_N}, 1},
    {"batch", {EC_LAYER_N}, 1},
    {"C", {EC_LAYER_C}, 1},
    {"K", {EC_LAYER_K}, 1},
    {"G", {EC_LAYER_G}, 1},
    {"groups", {EC_LAYER_G}, 1},
    {"H", {EC_LAYER_H}, 1},
    {"W", {EC_LAYER_W}, 1},
    {"size", {EC_LAYER_H, EC_LAYER_W}, 2},
    {"R", {EC_LAYER_R}, 1},
    {"S", {EC_LAYER_S}, 1},
    {"kernel", {EC_LAYER_R, EC_LAYER_S}, 2},
    {"stride", {EC_LAYER_STRIDE_H, EC_LAYER_STRIDE_W}, 2},
    {"stride-h", {EC_LAYER_STRIDE_H}, 1},
    {"stride-w", {EC_LAYER_STRIDE_W}, 1},
    {"dilation", {EC_LAYER_DILATION_H, EC_LAYER_DILATION_W}, 2},
    {"dilation-h", {EC_LAYER_DILATION_H}, 1},
    {"dilation-w", {EC_LAYER_DILATION_W}, 1},
    {"pad", {EC_LAYER_PAD_TOP, EC_LAYER_PAD_BOTTOM, EC_LAYER_PAD_LEFT, EC_LAYER_PAD_RIGHT}, 4},
    {"pad-top", {EC_LAYER_PAD_TOP}, 1},
    {"pad-bottom", {EC_LAYER_PAD_BOTTOM}, 1},
    {"pad-left", {EC_LAYER_PAD_LEFT}, 1},
    {"pad-right", {EC_LAYER_PAD_RIGHT}, 1},
};

int layer_flag(argscan *s, layer_flags *f)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!argscan_is(s, flags[i].name)) continue;
        const char *v = argscan_value(s);
        int64_t x;
        int64_t min = flags[i].keys[0] >= EC_LAYER_PAD_TOP ? 0 : 1;
        if (!v || parse_int(s->opt, v, min, &x) != 0) return -1;
        for (int k = 0; k < flags[i].nkeys; k++) {
            f->v[flags[i].keys[k]] = x;
            f->set |= 1u << flags[i].keys[k];
        }
        return 1;
    }
    return 0;
}

void layer_flags_apply(const layer_flags *f, int64_t v[LP_COUNT])
{
    for (int i = 0; i < LP_COUNT; i++)
        if (f->set & (1u << i)) v[i] = f->v[i];
}
