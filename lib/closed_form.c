/* MODEL.md section 4: the closed form behind ec_evaluate(). Derivation:
 * docs/model.md, "The closed form". No loop over the 8-D nest: the counts
 * follow from the tile counts B_d, the order, and per-axis footprint sums. */
#include "closed_form.h"
#include "checked.h"

#include <stddef.h>

static ec_status overflow(char *msg, const char *what)
{
    if (msg) ec_msg(msg, "overflow: %s does not fit 64 bits", what);
    return EC_E_OVERFLOW;
}

/* Position in the order of the innermost dimension with B_d > 1 that tensor
 * x depends on (all dimensions if x < 0); -1 if none. */
static int innermost(const ec_plan *p, int x)
{
    int j = -1;
    for (int pos = 0; pos < EC_NDIMS; pos++) {
        ec_dim d = p->order[pos];
        if (p->blocks[d] > 1 && (x < 0 || ec_relevant((ec_tensor)x, d))) j = pos;
    }
    return j;
}

/* reuse_X = product of B_d over A_X: the dimensions with B_d > 1 above j_X
 * that X does not depend on. Each such loop revisits every tile of X. */
static int reuse(const ec_plan *p, ec_tensor x, int64_t *out)
{
    int j = innermost(p, (int)x);
    int64_t r = 1;
    for (int pos = 0; pos < j; pos++) {
        ec_dim d = p->order[pos];
        if (p->blocks[d] > 1 && !ec_relevant(x, d) && ck_mul(r, p->blocks[d], &r)) return 1;
    }
    *out = r;
    return 0;
}

void cf_capacity(const ec_plan *p, const fp_sums *h, const fp_sums *w, int64_t cap[EC_NTENSORS])
{
    const int64_t *t = p->tile;
    /* Each product is at most its tensor's size, which the layer check bounds. */
    cap[EC_TENSOR_I] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_C] * h->max * w->max;
    cap[EC_TENSOR_W] = t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_C] * t[EC_DIM_R] * t[EC_DIM_S];
    cap[EC_TENSOR_O] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_P] * t[EC_DIM_Q];
}

/* Row and column factors of DR_I. With `slide`, when the innermost loop
 * with B_d > 1 is a spatial one, each of its sweeps reads its first tile
 * whole and then only the fresh rows (or columns); otherwise whole tiles. */
static void input_factors(const ec_plan *p, const fp_sums *h, const fp_sums *w, int64_t *fh,
                          int64_t *fw)
{
    *fh = h->sum;
    *fw = w->sum;
    int l = innermost(p, -1);
    if (p->reuse != EC_REUSE_SLIDE || l < 0) return;
    switch (p->order[l]) {
    case EC_DIM_P: *fh = h->slide_p; break;
    case EC_DIM_R: *fh = h->slide_r; break;
    case EC_DIM_Q: *fw = w->slide_p; break;
    case EC_DIM_S: *fw = w->slide_r; break;
    default: break; /* N, G, C: disjoint tiles; K: the input tile does not move */
    }
}

ec_status cf_counts(const ec_shape *s, const ec_plan *p, const fp_sums *h, const fp_sums *w,
                    ec_counts *c, char *msg)
{
    int64_t rw, ri, ro, fh, fw, v;
    ec_counts z = {{0}, {0}, {0}, {0}, 0};
    *c = z;
    if (reuse(p, EC_TENSOR_W, &rw) || reuse(p, EC_TENSOR_I, &ri) || reuse(p, EC_TENSOR_O, &ro))
        return overflow(msg, "a reuse factor");
    input_factors(p, h, w, &fh, &fw);

    if (ck_mul(rw, s->size_W, &c->dram_read[EC_TENSOR_W])) return overflow(msg, "DRAM reads of W");
    if (ck_mul(ri, s->N, &v) || ck_mul(v, s->G, &v) || ck_mul(v, s->Cg, &v) ||
        ck_mul(v, fh, &v) || ck_mul(v, fw, &c->dram_read[EC_TENSOR_I]))
        return overflow(msg, "DRAM reads of I");
    if (ck_mul(ro, s->size_O, &c->dram_write[EC_TENSOR_O])) return overflow(msg, "DRAM writes of O");
    c->dram_read[EC_TENSOR_O] = c->dram_write[EC_TENSOR_O] - s->size_O;

    c->macs = s->macs;
    c->buf_read[EC_TENSOR_I] = s->macs;
    c->buf_read[EC_TENSOR_W] = s->macs;
    c->buf_read[EC_TENSOR_O] = s->macs - s->size_O;
    c->buf_write[EC_TENSOR_I] = c->dram_read[EC_TENSOR_I];
    c->buf_write[EC_TENSOR_W] = c->dram_read[EC_TENSOR_W];
    if (ck_add(c->dram_read[EC_TENSOR_O], s->macs, &c->buf_write[EC_TENSOR_O]))
        return overflow(msg, "Buffer writes of O");

    /* Totals the result reports must fit too. */
    int64_t dram = c->dram_write[EC_TENSOR_O], buf = 0;
    for (int t = 0; t < EC_NTENSORS; t++) {
        if (ck_add(dram, c->dram_read[t], &dram)) return overflow(msg, "total DRAM accesses");
        if (ck_add(buf, c->buf_read[t], &buf) || ck_add(buf, c->buf_write[t], &buf))
            return overflow(msg, "total Buffer accesses");
    }
    return EC_OK;
}

ec_status ec_closed_form(const ec_shape *s, const ec_memory *m, const ec_plan *p, ec_counts *c,
                         const ec_allocator *al, char *msg)
{
    (void)al; /* the closed form allocates nothing */
    fp_sums h, w;
    int64_t cap[EC_NTENSORS];
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    /* Only the slide factor that input_factors() will pick is needed. */
    unsigned wh = 0, ww = 0;
    int l = innermost(p, -1);
    if (p->reuse == EC_REUSE_SLIDE && l >= 0) {
        ec_dim d = p->order[l];
        wh = d == EC_DIM_P ? FP_SLIDE_P : d == EC_DIM_R ? FP_SLIDE_R : 0;
        ww = d == EC_DIM_Q ? FP_SLIDE_P : d == EC_DIM_S ? FP_SLIDE_R : 0;
    }
    if (fp_axis_sums(&ah, p->footprint, p->tile[EC_DIM_P], p->tile[EC_DIM_R], wh, &h) ||
        fp_axis_sums(&aw, p->footprint, p->tile[EC_DIM_Q], p->tile[EC_DIM_S], ww, &w))
        return overflow(msg, "an input footprint sum");
    cf_capacity(p, &h, &w, cap);
    ec_status st = ec_memory_fits(m, cap, msg);
    if (st) return st;
    return cf_counts(s, p, &h, &w, c, msg);
}
