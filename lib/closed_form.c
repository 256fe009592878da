/* docs/model.md section 4: the closed form behind ec_evaluate(). Derivation:
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

/* The tensors each dimension is relevant to (bit x for tensor x), one hex
 * digit per ec_dim from N (lowest) to S: ec_rel_mask by dimension. N, P, Q:
 * I and O (5); G: all (7); K: W and O (6); C, R, S: I and W (3). */
#define REL_TENSORS 0x33553675u

void cf_signature(const ec_dim order[EC_NDIMS], unsigned active, ec_reuse reuse, cf_sig *sig)
{
    /* reuse_X = product of B_d over A_X: the dimensions with B_d > 1 above
     * j_X that X does not depend on. Each such loop revisits every tile of
     * X. One pass from the innermost position outwards: once a tensor's
     * innermost relevant active dimension is passed, every irrelevant
     * active one above multiplies its reuse. The three tensors are done at
     * once: `passed` has bit x for tensor x, and the three masks are the
     * bytes of one word (every evaluation and every scored tiling pays for
     * this, so no loop over tensors). */
    static const uint32_t spread[8] = {0, 0x1, 0x100, 0x101, 0x10000, 0x10001, 0x10100, 0x10101};
    unsigned passed = 0;
    uint32_t masks = 0;
    int innermost = -1;
    for (int pos = EC_NDIMS - 1; pos >= 0; pos--) {
        ec_dim d = order[pos];
        if (!(active >> d & 1u)) continue;
        if (innermost < 0) innermost = (int)d;
        unsigned rel = REL_TENSORS >> (4 * d) & 7u;
        masks |= spread[passed & ~rel] << d;
        passed |= rel;
    }
    for (int x = 0; x < EC_NTENSORS; x++) sig->reuse[x] = (unsigned char)(masks >> (8 * x));
    /* With `slide`, when the innermost loop with B_d > 1 is a spatial one,
     * each of its sweeps reads its first tile whole and then only the fresh
     * rows (or columns); otherwise (N, G, C: disjoint tiles; K: the input
     * tile does not move) whole tiles. */
    sig->slide = CF_WHOLE;
    if (reuse == EC_REUSE_SLIDE && innermost >= 0) {
        switch ((ec_dim)innermost) {
        case EC_DIM_P: sig->slide = CF_SLIDE_P; break;
        case EC_DIM_R: sig->slide = CF_SLIDE_R; break;
        case EC_DIM_Q: sig->slide = CF_SLIDE_Q; break;
        case EC_DIM_S: sig->slide = CF_SLIDE_S; break;
        default: break;
        }
    }
}

unsigned cf_active(const int64_t blocks[EC_NDIMS])
{
    unsigned m = 0;
    for (int d = 0; d < EC_NDIMS; d++) m |= (unsigned)(blocks[d] > 1) << d;
    return m;
}

void cf_capacity(const ec_plan *p, const fp_sums *h, const fp_sums *w, int64_t cap[EC_NTENSORS])
{
    const int64_t *t = p->tile;
    /* Each product is at most its tensor's size, which the layer check bounds. */
    cap[EC_TENSOR_I] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_C] * h->max * w->max;
    cap[EC_TENSOR_W] = t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_C] * t[EC_DIM_R] * t[EC_DIM_S];
    cap[EC_TENSOR_O] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_P] * t[EC_DIM_Q];
}

ec_status cf_counts_sig(const ec_shape *s, const cf_sig *sig, const int64_t blocks[EC_NDIMS],
                        const fp_sums *h, const fp_sums *w, ec_counts *c, char *msg)
{
    int64_t r[EC_NTENSORS] = {1, 1, 1}, v;
    ec_counts z = {{0}, {0}, {0}, {0}, 0};
    *c = z;
    /* Every factor is at least 2, so a product overflows exactly when some
     * partial product does, whatever the order of multiplication. */
    for (int x = 0; x < EC_NTENSORS; x++)
        for (unsigned mask = sig->reuse[x], d = 0; mask; mask >>= 1, d++) /* to its last bit */
            if ((mask & 1u) && ck_mul(r[x], blocks[d], &r[x])) return overflow(msg, "a reuse factor");
    const int64_t rw = r[EC_TENSOR_W], ri = r[EC_TENSOR_I], ro = r[EC_TENSOR_O];
    int64_t fh = sig->slide == CF_SLIDE_P ? h->slide_p : sig->slide == CF_SLIDE_R ? h->slide_r : h->sum;
    int64_t fw = sig->slide == CF_SLIDE_Q ? w->slide_p : sig->slide == CF_SLIDE_S ? w->slide_r : w->sum;

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

ec_status cf_counts(const ec_shape *s, const ec_plan *p, const fp_sums *h, const fp_sums *w,
                    ec_counts *c, char *msg)
{
    cf_sig sig;
    cf_signature(p->order, cf_active(p->blocks), p->reuse, &sig);
    return cf_counts_sig(s, &sig, p->blocks, h, w, c, msg);
}

ec_status ec_closed_form(const ec_shape *s, const ec_memory *m, const ec_plan *p, ec_counts *c,
                         const ec_allocator *al, char *msg)
{
    (void)al; /* the closed form allocates nothing */
    fp_sums h, w;
    int64_t cap[EC_NTENSORS];
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    /* Only the slide factor the signature picks is needed. */
    cf_sig sig;
    cf_signature(p->order, cf_active(p->blocks), p->reuse, &sig);
    unsigned wh = sig.slide == CF_SLIDE_P ? FP_SLIDE_P : sig.slide == CF_SLIDE_R ? FP_SLIDE_R : 0;
    unsigned ww = sig.slide == CF_SLIDE_Q ? FP_SLIDE_P : sig.slide == CF_SLIDE_S ? FP_SLIDE_R : 0;
    int64_t budget = FP_BUDGET_EVALUATE;
    const fp_sums *pw = &w;
    ec_status st = fp_axis_sums(&ah, p->footprint, p->tile[EC_DIM_P], p->tile[EC_DIM_R], wh, &h, &budget);
    if (!st && ww == wh && p->tile[EC_DIM_Q] == p->tile[EC_DIM_P] &&
        p->tile[EC_DIM_S] == p->tile[EC_DIM_R] && aw.P == ah.P && aw.R == ah.R && aw.H == ah.H &&
        aw.stride == ah.stride && aw.dilation == ah.dilation && aw.pad == ah.pad) {
        /* Square layer and tiles: the columns' sums are the rows'. The
         * budget is charged as if they had been counted again, so that a
         * limit is hit exactly where it was (the same answers). */
        int64_t used = FP_BUDGET_EVALUATE - budget;
        budget -= used;
        if (budget < 0) st = EC_E_LIMIT;
        pw = &h;
    } else if (!st) {
        st = fp_axis_sums(&aw, p->footprint, p->tile[EC_DIM_Q], p->tile[EC_DIM_S], ww, &w, &budget);
    }
    if (st == EC_E_LIMIT) {
        ec_msg(msg, "closed form: more than 2^22 border footprints to count (kernel or output "
                    "tiles too small for the extents); use larger tiles");
        return st;
    }
    if (st) return overflow(msg, "an input footprint sum");
    cf_capacity(p, &h, pw, cap);
    st = ec_memory_fits(m, cap, msg);
    if (st) return st;
    return cf_counts_sig(s, &sig, p->blocks, &h, pw, c, msg);
}
