/* The layer handle (docs/model.md section 1): parameters, validation, derived
 * sizes. Validation is done once, here, so that the evaluators can rely on
 * every size of the model fitting 64 bits. */
#include "internal.h"
#include "checked.h"

#include <stdio.h>
#include <string.h>

static const char *const layer_names[EC_NLAYER_PARAMS] = {
    "N", "C", "K", "G", "H", "W", "R", "S", "stride_h", "stride_w",
    "dilation_h", "dilation_w", "pad_top", "pad_bottom", "pad_left", "pad_right"};

/* Through unsigned: the enum type may be unsigned, and a negative key must
 * not pass as a small one. */
static int is_settable(ec_layer_param key) { return (unsigned)key < EC_NLAYER_PARAMS; }
static int is_derived(ec_layer_param key) { return key >= EC_LAYER_P && key <= EC_LAYER_SIZE_O; }
static int64_t minimum(ec_layer_param key) { return key >= EC_LAYER_PAD_TOP ? 0 : 1; }

/* Derives the cached shape of the current parameters (struct ec_layer). */
static void derive_shape(ec_layer *l)
{
    /* No message: a layer is often invalid between two of its setters. */
    l->shape_ok = ec_shape_from_layer(l, &l->shape, NULL) == EC_OK;
    memcpy(l->shape_of, l->v, sizeof l->shape_of);
}

ec_layer *ec_layer_create(void) { return ec_layer_create_with(NULL); }

ec_layer *ec_layer_create_with(const ec_allocator *allocator)
{
    ec_layer *l = ec_handle_create(allocator, sizeof *l);
    if (!l) return NULL;
    for (int i = 0; i < EC_NLAYER_PARAMS; i++) l->v[i] = minimum((ec_layer_param)i);
    derive_shape(l);
    return l;
}

void ec_layer_destroy(ec_layer *layer) { ec_handle_destroy(layer); }

const char *ec_layer_message(const ec_layer *layer) { return layer ? layer->msg : ""; }

ec_status ec_layer_set(ec_layer *layer, ec_layer_param key, int64_t value)
{
    if (!layer) return EC_E_NULL;
    if (is_derived(key)) {
        ec_msg(layer->msg, "layer: parameter %d is derived and read-only", (int)key);
        return EC_E_READONLY;
    }
    if (!is_settable(key)) {
        ec_msg(layer->msg, "layer: unknown parameter key %d", (int)key);
        return EC_E_KEY;
    }
    if (value < minimum(key)) {
        ec_msg(layer->msg, "layer: %s = %lld is below its minimum %lld", layer_names[key],
               (long long)value, (long long)minimum(key));
        return EC_E_RANGE;
    }
    layer->v[key] = value;
    derive_shape(layer);
    return EC_OK;
}

static ec_status overflow(char *msg, const char *what)
{
    ec_msg(msg, "layer: %s exceeds the model's limits (coordinates below 2^61, counts below 2^63)", what);
    return EC_E_OVERFLOW;
}

/* The message names the figure and its operands, e.g. "|I| = N*C*H*W =
 * 2*1*2147483648*2147483648", so that the user sees which value to cut. */
static ec_status overflow4(char *msg, const char *what, int64_t a, int64_t b, int64_t c, int64_t d)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s = %lld*%lld*%lld*%lld", what, (long long)a, (long long)b,
             (long long)c, (long long)d);
    return overflow(msg, buf);
}

/* Output extent of one axis, or <= 0 when the window does not fit once.
 * names: the input extent, the two paddings, the kernel, the dilation. */
static ec_status out_extent(int64_t in, int64_t pa, int64_t pb, int64_t k, int64_t stride,
                            int64_t dil, int64_t *out, char *msg, const char *const names[5])
{
    int64_t span, reach, num;
    char buf[200];
    if (ck_add(in, pa, &span) || ck_add(span, pb, &span)) {
        snprintf(buf, sizeof buf, "%s + %s + %s = %lld + %lld + %lld", names[0], names[1],
                 names[2], (long long)in, (long long)pa, (long long)pb);
        return overflow(msg, buf);
    }
    if (ck_mul(dil, k - 1, &reach) || ck_add(reach, 1, &reach)) {
        snprintf(buf, sizeof buf, "the dilated kernel %s*(%s - 1) + 1 = %lld*%lld + 1", names[4],
                 names[3], (long long)dil, (long long)(k - 1));
        return overflow(msg, buf);
    }
    /* Footprint arithmetic adds a stride or a tile's reach to coordinates
     * of this size; keeping them below 2^61 leaves it headroom. */
    if (span > ((int64_t)1 << 61) - stride) {
        snprintf(buf, sizeof buf, "%s + %s + %s = %lld", names[0], names[1], names[2],
                 (long long)span);
        return overflow(msg, buf);
    }
    num = span - reach; /* both non-negative: cannot overflow */
    *out = num < 0 ? 0 : (stride == 1 ? num : num / stride) + 1;
    return EC_OK;
}

ec_status ec_shape_from_layer(const ec_layer *layer, ec_shape *s, char *msg)
{
    const int64_t *v = layer->v;
    ec_status st;
    /* No memset: every field is set below on success, and a failed shape
     * is never read; `rep stos` was a seventh of an evaluation. */
    s->N = v[EC_LAYER_N]; s->C = v[EC_LAYER_C]; s->K = v[EC_LAYER_K]; s->G = v[EC_LAYER_G];
    s->H = v[EC_LAYER_H]; s->W = v[EC_LAYER_W]; s->R = v[EC_LAYER_R]; s->S = v[EC_LAYER_S];
    s->sh = v[EC_LAYER_STRIDE_H]; s->sw = v[EC_LAYER_STRIDE_W];
    s->dh = v[EC_LAYER_DILATION_H]; s->dw = v[EC_LAYER_DILATION_W];
    s->pt = v[EC_LAYER_PAD_TOP]; s->pb = v[EC_LAYER_PAD_BOTTOM];
    s->pl = v[EC_LAYER_PAD_LEFT]; s->pr = v[EC_LAYER_PAD_RIGHT];
    if (s->G != 1 && s->C % s->G != 0) {
        ec_msg(msg, "layer: C = %lld is not divisible by G = %lld", (long long)s->C, (long long)s->G);
        return EC_E_GROUPS;
    }
    if (s->G != 1 && s->K % s->G != 0) {
        ec_msg(msg, "layer: K = %lld is not divisible by G = %lld", (long long)s->K, (long long)s->G);
        return EC_E_GROUPS;
    }
    /* Without groups, no division: every evaluation starts here. */
    s->Cg = s->G == 1 ? s->C : s->C / s->G;
    s->Kg = s->G == 1 ? s->K : s->K / s->G;
    static const char *const names_h[5] = {"H", "pad_top", "pad_bottom", "R", "dilation_h"};
    static const char *const names_w[5] = {"W", "pad_left", "pad_right", "S", "dilation_w"};
    if ((st = out_extent(s->H, s->pt, s->pb, s->R, s->sh, s->dh, &s->P, msg, names_h)))
        return st;
    if ((st = out_extent(s->W, s->pl, s->pr, s->S, s->sw, s->dw, &s->Q, msg, names_w)))
        return st;
    if (s->P < 1) {
        ec_msg(msg, "layer: output height P < 1 (H = %lld, R = %lld, dilation_h = %lld, pads %lld+%lld)",
               (long long)s->H, (long long)s->R, (long long)s->dh, (long long)s->pt, (long long)s->pb);
        return EC_E_EMPTY_OUTPUT;
    }
    if (s->Q < 1) {
        ec_msg(msg, "layer: output width Q < 1 (W = %lld, S = %lld, dilation_w = %lld, pads %lld+%lld)",
               (long long)s->W, (long long)s->S, (long long)s->dw, (long long)s->pl, (long long)s->pr);
        return EC_E_EMPTY_OUTPUT;
    }
    int64_t t;
    if (ck_mul(s->N, s->C, &t) || ck_mul(t, s->H, &t) || ck_mul(t, s->W, &t))
        return overflow4(msg, "|I| = N*C*H*W", s->N, s->C, s->H, s->W);
    s->size_I = t;
    if (ck_mul(s->K, s->Cg, &t) || ck_mul(t, s->R, &t) || ck_mul(t, s->S, &t))
        return overflow4(msg, "|W| = K*Cg*R*S", s->K, s->Cg, s->R, s->S);
    s->size_W = t;
    if (ck_mul(s->N, s->K, &t) || ck_mul(t, s->P, &t) || ck_mul(t, s->Q, &t))
        return overflow4(msg, "|O| = N*K*P*Q", s->N, s->K, s->P, s->Q);
    s->size_O = t;
    if (ck_mul(s->size_O, s->Cg, &t) || ck_mul(t, s->R, &t) || ck_mul(t, s->S, &t))
        return overflow4(msg, "MACs = |O|*Cg*R*S", s->size_O, s->Cg, s->R, s->S);
    s->macs = t;
    int64_t ext[EC_NDIMS] = {s->N, s->G, s->Kg, s->Cg, s->P, s->Q, s->R, s->S};
    memcpy(s->extent, ext, sizeof ext);
    return EC_OK;
}

const ec_shape *ec_layer_shape(const ec_layer *layer, ec_shape *scratch, ec_status *status,
                               char *msg)
{
    if (layer->shape_ok && !memcmp(layer->shape_of, layer->v, sizeof layer->v)) {
        *status = EC_OK;
        return &layer->shape;
    }
    *status = ec_shape_from_layer(layer, scratch, msg);
    return *status == EC_OK ? scratch : NULL;
}

ec_status ec_layer_check(ec_layer *layer)
{
    if (!layer) return EC_E_NULL;
    ec_status st = ec_shape_from_layer(layer, &layer->shape, layer->msg);
    /* Also refreshes the cached shape after ec_layer_set_gemm. */
    layer->shape_ok = st == EC_OK;
    memcpy(layer->shape_of, layer->v, sizeof layer->shape_of);
    return st;
}

ec_status ec_layer_get(const ec_layer *layer, ec_layer_param key, int64_t *value)
{
    if (!layer || !value) return EC_E_NULL;
    if (is_settable(key)) {
        *value = layer->v[key];
        return EC_OK;
    }
    if (!is_derived(key)) return EC_E_KEY;
    ec_shape s;
    char msg[EC_MSG_LEN];
    ec_status st = ec_shape_from_layer(layer, &s, msg);
    if (st != EC_OK) return st;
    switch (key) {
    case EC_LAYER_P: *value = s.P; break;
    case EC_LAYER_Q: *value = s.Q; break;
    case EC_LAYER_MACS: *value = s.macs; break;
    case EC_LAYER_SIZE_I: *value = s.size_I; break;
    case EC_LAYER_SIZE_W: *value = s.size_W; break;
    default: *value = s.size_O; break;
    }
    return EC_OK;
}
