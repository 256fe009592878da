/* Hand-computed counts (docs/model.md section 3's transfer rule, applied by hand).
 *
 * Each test is a small layer with explicit tiles and an explicit loop order.
 * The comments derive every count from the transfer rule, walking the outer
 * iterations where that is short, and cross-check against the closed form of
 * section 4 (j_X, A_X, reuse_X, SumFh, the slide sums). The expected numbers
 * were worked out by hand, never by running the library. Every count field
 * (3 tensors x 2 levels x 2 directions), the MACs, the DRAM total and the
 * energy parts are checked for BOTH ec_evaluate() and ec_count().
 *
 * Conventions in the comments:
 *   - "active" dimensions are those with B_d = ceil(extent_d / t_d) > 1;
 *   - an outer iteration is written as the tuple of the active dimensions'
 *     tile indices, outermost first;
 *   - energies are set explicitly to 200 (DRAM read/write), 6 (Buffer
 *     read/write), 1 (MAC), so
 *       E = 200 * (DR_I + DR_W + DR_O + DW_O)
 *         + 6 * (BR_I + BR_W + BR_O + BW_I + BW_W + BW_O) + MACs;
 *   - Buffer counts follow section 3: BR_I = BR_W = MACs,
 *     BR_O = MACs - |O|, BW_I = DR_I, BW_W = DR_W, BW_O = DR_O + MACs.
 *   - The Buffer is shared, M = 65536 words, far more than any tile here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "ecnn.h"

/* ------------------------------------------------------------------ */
/* Test scaffolding                                                    */

typedef struct layer_spec {
    int64_t N, C, K, G, H, W, R, S;
    int64_t sh, sw, dh, dw; /* 0 means 1 */
    int64_t pt, pb, pl, pr;
} layer_spec;

typedef struct flow_spec {
    const char *order;      /* outermost first, e.g. "NGKPQCRS" */
    int64_t tile[8];        /* indexed by ec_dim: N G K C P Q R S, all explicit */
    ec_reuse reuse;
    ec_footprint footprint;
} flow_spec;

/* Expected counts, indexed by ec_tensor (I, W, O). */
typedef struct expect {
    int64_t dr[3], dw[3], br[3], bw[3];
    int64_t macs;
    double energy; /* total, derived by hand in the comment */
} expect;

#define E_DRAM 200.0
#define E_BUF 6.0
#define E_MAC 1.0

static ec_layer *make_layer(const layer_spec *s)
{
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    const struct {
        ec_layer_param key;
        int64_t value;
    } kv[] = {
        {EC_LAYER_N, s->N},
        {EC_LAYER_C, s->C},
        {EC_LAYER_K, s->K},
        {EC_LAYER_G, s->G},
        {EC_LAYER_H, s->H},
        {EC_LAYER_W, s->W},
        {EC_LAYER_R, s->R},
        {EC_LAYER_S, s->S},
        {EC_LAYER_STRIDE_H, s->sh ? s->sh : 1},
        {EC_LAYER_STRIDE_W, s->sw ? s->sw : 1},
        {EC_LAYER_DILATION_H, s->dh ? s->dh : 1},
        {EC_LAYER_DILATION_W, s->dw ? s->dw : 1},
        {EC_LAYER_PAD_TOP, s->pt},
        {EC_LAYER_PAD_BOTTOM, s->pb},
        {EC_LAYER_PAD_LEFT, s->pl},
        {EC_LAYER_PAD_RIGHT, s->pr},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        assert_int_equal(ec_layer_set(l, kv[i].key, kv[i].value), EC_OK);
    assert_int_equal(ec_layer_check(l), EC_OK);
    return l;
}

static ec_memory *make_memory(void)
{
    ec_memory *m = ec_memory_create();
    assert_non_null(m);
    assert_int_equal(ec_memory_set(m, EC_MEM_CAPACITY, 65536), EC_OK);
    assert_int_equal(ec_memory_set_energy(m, EC_ENERGY_DRAM_READ, E_DRAM), EC_OK);
    assert_int_equal(ec_memory_set_energy(m, EC_ENERGY_DRAM_WRITE, E_DRAM), EC_OK);
    assert_int_equal(ec_memory_set_energy(m, EC_ENERGY_BUF_READ, E_BUF), EC_OK);
    assert_int_equal(ec_memory_set_energy(m, EC_ENERGY_BUF_WRITE, E_BUF), EC_OK);
    assert_int_equal(ec_memory_set_energy(m, EC_ENERGY_MAC, E_MAC), EC_OK);
    return m;
}

static ec_dataflow *make_flow(const flow_spec *f)
{
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    assert_int_equal(ec_dataflow_set_order_string(d, f->order), EC_OK);
    assert_int_equal(ec_dataflow_set(d, EC_DF_REUSE, f->reuse), EC_OK);
    assert_int_equal(ec_dataflow_set(d, EC_DF_FOOTPRINT, f->footprint), EC_OK);
    for (int dim = 0; dim < 8; dim++) {
        assert_true(f->tile[dim] >= 1); /* every tile explicit */
        assert_int_equal(ec_dataflow_set(d, (ec_dataflow_param)(EC_DF_TILE_N + dim), f->tile[dim]),
                         EC_OK);
    }
    return d;
}

static const char *const tensor_name[3] = {"I", "W", "O"};

static void check_result(const char *who, const ec_result *r, const flow_spec *f,
                         const expect *e)
{
    int bad = 0;
    const int64_t *want[2][2] = {{e->dr, e->dw}, {e->br, e->bw}};
    for (int t = 0; t < 3; t++) {
        for (int lv = 0; lv < 2; lv++) {
            for (int ac = 0; ac < 2; ac++) {
                int64_t v = -1;
                assert_int_equal(ec_result_count(r, (ec_tensor)t, (ec_level)lv, (ec_access)ac, &v),
                                 EC_OK);
                if (v != want[lv][ac][t]) {
                    print_error("%s: %s %s %s: expected %lld, got %lld\n", who,
                                lv ? "buffer" : "dram", ac ? "write" : "read", tensor_name[t],
                                (long long)want[lv][ac][t], (long long)v);
                    bad++;
                }
            }
        }
    }
    int64_t macs = -1, dram = -1;
    assert_int_equal(ec_result_get(r, EC_RESULT_MACS, &macs), EC_OK);
    assert_int_equal(ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram), EC_OK);
    int64_t want_dram = 0, want_buf = 0;
    for (int t = 0; t < 3; t++) {
        want_dram += e->dr[t] + e->dw[t];
        want_buf += e->br[t] + e->bw[t];
    }
    if (macs != e->macs) {
        print_error("%s: MACs expected %lld, got %lld\n", who, (long long)e->macs,
                    (long long)macs);
        bad++;
    }
    if (dram != want_dram) {
        print_error("%s: DRAM total expected %lld, got %lld\n", who, (long long)want_dram,
                    (long long)dram);
        bad++;
    }
    /* The hand total must agree with the hand counts (a check of the
     * comment's arithmetic), and the library's energies with both. */
    double from_counts = E_DRAM * (double)want_dram + E_BUF * (double)want_buf +
                         E_MAC * (double)e->macs;
    assert_true(from_counts == e->energy);
    const struct {
        ec_energy_part part;
        double value;
        const char *name;
    } parts[] = {
        {EC_PART_TOTAL, e->energy, "total"},
        {EC_PART_DRAM, E_DRAM * (double)want_dram, "DRAM"},
        {EC_PART_BUFFER, E_BUF * (double)want_buf, "Buffer"},
        {EC_PART_MAC, E_MAC * (double)e->macs, "MAC"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        double v = -1.0;
        assert_int_equal(ec_result_energy(r, parts[i].part, &v), EC_OK);
        if (v != parts[i].value) {
            print_error("%s: energy %s expected %.1f, got %.1f\n", who, parts[i].name,
                        parts[i].value, v);
            bad++;
        }
    }
    for (int dim = 0; dim < 8; dim++) {
        int64_t t = -1;
        int automatic = -1;
        assert_int_equal(ec_result_tile(r, (ec_dim)dim, &t, &automatic), EC_OK);
        assert_int_equal(t, f->tile[dim]);
        assert_int_equal(automatic, 0);
    }
    if (bad) fail_msg("%s: %d mismatching fields (listed above)", who, bad);
}

/* Runs ec_evaluate and ec_count on the case and checks both. */
static void run_case(const char *name, const layer_spec *ls, const flow_spec *fs,
                     const expect *e)
{
    ec_layer *l = make_layer(ls);
    ec_memory *m = make_memory();
    ec_dataflow *d = make_flow(fs);
    ec_result *r = ec_result_create();
    assert_non_null(r);
    char who[128];

    snprintf(who, sizeof who, "%s [ec_evaluate]", name);
    ec_status st = ec_evaluate(l, m, d, r);
    if (st != EC_OK) fail_msg("%s: %s: %s", who, ec_status_string(st), ec_result_message(r));
    check_result(who, r, fs, e);

    snprintf(who, sizeof who, "%s [ec_count]", name);
    st = ec_count(l, m, d, r);
    if (st != EC_OK) fail_msg("%s: %s: %s", who, ec_status_string(st), ec_result_message(r));
    check_result(who, r, fs, e);

    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* tile[] initialiser in ec_dim order: N G K C P Q R S */
#define TILES(n, g, k, c, p, q, r, s) {n, g, k, c, p, q, r, s}

/* ------------------------------------------------------------------ */
/* 1. Fully connected: N=1, C=4, K=3, H=W=R=S=1 (P=Q=1).
 *    |I| = 4, |W| = K*Cg*R*S = 12, |O| = 3, MACs = 1*1*3*4*1*1*1*1 = 12.
 *    Tiles t_K = 1 (B_K = 3), t_C = 2 (B_C = 2), all else full (B = 1).   */

/* (a) Order NGKPQCRS (output-stationary). Active: K (outer), C (inner).
 *     Iterations (k,c): (0,0) (0,1) (1,0) (1,1) (2,0) (2,1).
 *     W tile = (k,c): changes at every iteration -> 6 loads of
 *       t_K*t_C = 2 words: DR_W = 12.
 *       [closed form: j_W = C, A_W = {} -> reuse_W = 1, DR_W = |W| = 12]
 *     I tile = (c): c = 0,1,0,1,0,1 changes at every iteration -> 6 loads
 *       of 2 channels x 1 x 1 = 2 words: DR_I = 12. Slide does not help:
 *       the innermost active dimension is C (disjoint channels).
 *       [j_I = C, A_I = {K} -> reuse_I = 3; DR_I = 3 * N*G*Cg * 1 * 1 = 12]
 *     O tile = (k): loads at k = 0,1,2, each once, never re-read:
 *       DW_O = 3 (write-backs at (1,0), (2,0) and the end), DR_O = 0.
 *     BR = (12, 12, 12-3 = 9); BW = (12, 12, 0+12 = 12).
 *     E = 200*(12+12+0+3) + 6*(12+12+9+12+12+12) + 12
 *       = 200*27 + 6*69 + 12 = 5400 + 414 + 12 = 5826.                   */
static void test_fc_output_stationary(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 4, .K = 3, .G = 1, .H = 1, .W = 1, .R = 1, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 2, 1, 1, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{12, 12, 0}, {0, 0, 3}, {12, 12, 9}, {12, 12, 12}, 12, 5826.0};
    run_case("fc OS", &ls, &fs, &e);
}

/* (b) Order NGCKPQRS: C outside K, so partial sums spill.
 *     Iterations (c,k): (0,0) (0,1) (0,2) (1,0) (1,1) (1,2).
 *     I tile = (c): loads at c = 0 and c = 1, 2 words each: DR_I = 4.
 *       [j_I = C, A_I = {} -> reuse_I = 1: DR_I = 4*1*1 = 4]
 *     W tile = (k,c): 6 loads x 2 words: DR_W = 12. [j_W = K, A_W = {}]
 *     O tile = (k): changes at every iteration -> 6 loads of 1 word, each
 *       written back once (5 at changes + 1 at the end): DW_O = 6. The
 *       loads at (1,0), (1,1), (1,2) find tiles written back before:
 *       DR_O = 3. [j_O = K, A_O = {C} -> reuse_O = 2: DW_O = 2*3 = 6,
 *       DR_O = 6 - 3 = 3]
 *     BR = (12, 12, 9); BW = (4, 12, 3+12 = 15).
 *     E = 200*(4+12+3+6) + 6*(12+12+9+4+12+15) + 12
 *       = 200*25 + 6*64 + 12 = 5000 + 384 + 12 = 5396.                    */
static void test_fc_spill(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 4, .K = 3, .G = 1, .H = 1, .W = 1, .R = 1, .S = 1};
    flow_spec fs = {"NGCKPQRS", TILES(1, 1, 1, 2, 1, 1, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{4, 12, 3}, {0, 0, 6}, {12, 12, 9}, {4, 12, 15}, 12, 5396.0};
    run_case("fc spill", &ls, &fs, &e);
}

/* ------------------------------------------------------------------ */
/* 2. 1-D conv: N=C=K=G=1, H=8, W=1, R=3, S=1, stride 1, no padding.
 *    P = 8-3+1 = 6, Q = 1. |I| = 8, |W| = 3, |O| = 6, MACs = 6*3 = 18.
 *    Order NGKPQCRS.                                                       */

/* (a) t_P = 2 (B_P = 3), t_R = 3 (full): only P is active.
 *     P-tile b has p in {2b, 2b+1}, reads rows p + r, r in 0..2:
 *       b=0: rows 0..3, b=1: rows 2..5, b=2: rows 4..7, 4 rows each.
 *     slide: the innermost active dimension is P and every step changes
 *       only P: 4 + (rows 4,5 new) 2 + (rows 6,7 new) 2 = 8 = DR_I.
 *       [|F(P0 u P1)| - |F(P0)| = |0..5| - 4 = 2, likewise 2]
 *     W: no active dimension of Rel(W) -> loaded once: DR_W = 3.
 *     O: one visit per tile: DW_O = 6, DR_O = 0.
 *     BR = (18, 18, 12); BW = (8, 3, 18).
 *     E = 200*(8+3+0+6) + 6*(18+18+12+8+3+18) + 18
 *       = 200*17 + 6*77 + 18 = 3400 + 462 + 18 = 3880.                    */
static void test_conv1d_slide_p(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 8, .W = 1, .R = 3, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 2, 1, 3, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{8, 3, 0}, {0, 0, 6}, {18, 18, 12}, {8, 3, 18}, 18, 3880.0};
    run_case("conv1d slide P", &ls, &fs, &e);
    /* bbox: every footprint here is an interval, so nothing changes. */
    fs.footprint = EC_FOOTPRINT_BBOX;
    run_case("conv1d slide P bbox", &ls, &fs, &e);
}

/* (b) Same tiles, refetch: every P-tile read whole: DR_I = 3*4 = 12
 *     (SumFh = 12, SumFw = 1).
 *     BW_I = 12. E = 200*(12+3+0+6) + 6*(18+18+12+12+3+18) + 18
 *                  = 200*21 + 6*81 + 18 = 4200 + 486 + 18 = 4704.         */
static void test_conv1d_refetch_p(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 8, .W = 1, .R = 3, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 2, 1, 3, 1), EC_REUSE_REFETCH,
                    EC_FOOTPRINT_EXACT};
    expect e = {{12, 3, 0}, {0, 0, 6}, {18, 18, 12}, {12, 3, 18}, 18, 4704.0};
    run_case("conv1d refetch P", &ls, &fs, &e);
}

/* (c) t_P = 2 (B_P = 3), t_R = 1 (B_R = 3). Active: P (outer), R (inner).
 *     Iterations (p-tile b, r): 9 of them; tile (b, r) reads rows
 *     {2b + r, 2b + 1 + r}: 2 rows.
 *     slide (innermost active = R): a sweep over r with b fixed reads
 *       r=0: {2b, 2b+1} whole = 2; r=1: {2b+1, 2b+2}, shares 2b+1 -> 1;
 *       r=2: {2b+2, 2b+3}, shares 2b+2 -> 1. Per sweep 4, 3 sweeps: DR_I = 12.
 *       The step from (b, 2) to (b+1, 0) changes P and R: whole tile.
 *     W tile = (r): changes at every iteration -> 9 loads of 1: DR_W = 9.
 *       [j_W = R, A_W = {P} -> reuse_W = 3, 3*|W| = 9]
 *     O tile = (b): 3 loads of 2 words: DW_O = 6, DR_O = 0.
 *     BR = (18, 18, 12); BW = (12, 9, 18).
 *     E = 200*(12+9+0+6) + 6*(48+12+9+18) + 18
 *       = 200*27 + 6*87 + 18 = 5400 + 522 + 18 = 5940.
 * (d) Same, refetch: 9 tiles x 2 rows: DR_I = 18.
 *     E = 200*(18+9+6) + 6*(48+18+9+18) + 18 = 6600 + 558 + 18 = 7176.     */
static void test_conv1d_slide_r(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 8, .W = 1, .R = 3, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 2, 1, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{12, 9, 0}, {0, 0, 6}, {18, 18, 12}, {12, 9, 18}, 18, 5940.0};
    run_case("conv1d slide R", &ls, &fs, &e);
    fs.reuse = EC_REUSE_REFETCH;
    expect e2 = {{18, 9, 0}, {0, 0, 6}, {18, 18, 12}, {18, 9, 18}, 18, 7176.0};
    run_case("conv1d refetch R", &ls, &fs, &e2);
}

/* ------------------------------------------------------------------ */
/* 3. Stride 2, kernel 1: N=C=K=G=1, H=7, W=5, R=S=1, sh=sw=2.
 *    P = floor((7-1)/2)+1 = 4 (rows 0,2,4,6), Q = floor((5-1)/2)+1 = 3
 *    (columns 0,2,4). |I| = 35, |W| = 1, |O| = 12, MACs = 12.
 *    Tiles t_P = 3 (B_P = 2: p in {0,1,2}, then {3}), t_Q = 3 (full).
 *    Order NGKPQCRS; only P active; slide.
 *    exact: Fh(P0) = {0,2,4} (3), Fh(P1) = {6} (1); no overlap, so slide
 *      reads 3 + 1 = 4 = SumFh. Fw = {0,2,4}: 3. DR_I = 4*3 = 12.
 *    bbox: Fh(P0) -> [0,4] (5), Fh(P1) -> [6,6] (1), disjoint: 6.
 *      Fw -> [0,4] (5). DR_I = 6*5 = 30.
 *    W: loaded once: 1. O: DW_O = 12, DR_O = 0.
 *    BR = (12, 12, 0); BW = (DR_I, 1, 12).
 *    exact: E = 200*(12+1+0+12) + 6*(12+12+0+12+1+12) + 12
 *             = 200*25 + 6*49 + 12 = 5000 + 294 + 12 = 5306.
 *    bbox:  E = 200*(30+1+0+12) + 6*(24+30+1+12) + 12
 *             = 200*43 + 6*67 + 12 = 8600 + 402 + 12 = 9014.              */
static void test_stride2_exact_vs_bbox(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 7, .W = 5, .R = 1, .S = 1,
                     .sh = 2, .sw = 2};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 3, 3, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ex = {{12, 1, 0}, {0, 0, 12}, {12, 12, 0}, {12, 1, 12}, 12, 5306.0};
    run_case("stride2 exact", &ls, &fs, &ex);
    fs.footprint = EC_FOOTPRINT_BBOX;
    expect eb = {{30, 1, 0}, {0, 0, 12}, {12, 12, 0}, {30, 1, 12}, 12, 9014.0};
    run_case("stride2 bbox", &ls, &fs, &eb);
}

/* ------------------------------------------------------------------ */
/* 4. Padding: N=C=K=G=1, H=W=4, R=S=3, padding 1 on every side.
 *    P = Q = floor((4+2-2-1)/1)+1 = 4. Row of (p, r) = p + r - 1.
 *    |I| = 16, |W| = 9, |O| = 16, MACs = 16*9 = 144 (padding taps count).
 *    Order NGKPQCRS.
 *    Rows of a one-output P-tile (full R): p=0: {-1,0,1} -> {0,1} (2);
 *      p=1: {0,1,2} (3); p=2: {1,2,3} (3); p=3: {2,3,4} -> {2,3} (2).
 *      SumFh(t_P=1) = 10.
 *    (a) t_P = 1 (B_P = 4), t_Q = 4: only P active; slide.
 *      Fw (q in 0..3, s in 0..2): {-1..4} clipped -> {0..3}: 4 = SumFw.
 *      Slide over P: 2, then F(p in {0,1}) = {0,1,2} (3) - 2 = 1,
 *        F({1,2}) = {0..3} (4) - 3 = 1, F({2,3}) = {1,2,3} (3) - 3 = 0:
 *        SlideH_P = 4. DR_I = 4*4 = 16 (each input read once).
 *      W once: 9. O: DW_O = 16, DR_O = 0.
 *      BR = (144, 144, 128); BW = (16, 9, 144).
 *      E = 200*(16+9+0+16) + 6*(144+144+128+16+9+144) + 144
 *        = 200*41 + 6*585 + 144 = 8200 + 3510 + 144 = 11854.
 *    (b) same, refetch: DR_I = SumFh*SumFw = 10*4 = 40.
 *      E = 200*(40+9+16) + 6*(416+40+9+144) + 144
 *        = 200*65 + 6*609 + 144 = 13000 + 3654 + 144 = 16798.
 *    (c) t_P = 1 (B_P = 4), t_Q = 2 (B_Q = 2): active P (outer), Q (inner);
 *      slide. Q-tiles: q in {0,1}: columns {-1..2} -> {0,1,2} (3);
 *      q in {2,3}: {1..4} -> {1,2,3} (3). L = Q: per Q sweep
 *      3 + (|F(q in 0..3)| - 3) = 3 + (4 - 3) = 4 = SlideW_Q.
 *      Every step to a new P-tile resets Q: whole tile. [walk: each
 *      P-tile p has one sweep of 2 Q-tiles, reading |Fh(p)|*3 and then
 *      |Fh(p)|*1; summed over p: 4*(2+3+3+2) = 40]
 *      DR_I = SumFh * SlideW_Q = 10*4 = 40.
 *      W once: 9. O tile (p,q): 8 tiles of 2, once each: DW_O = 16.
 *      E = the same numbers as (b): 16798.                                 */
static void test_padding(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 4, .W = 4, .R = 3, .S = 3,
                     .pt = 1, .pb = 1, .pl = 1, .pr = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 1, 4, 3, 3), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ea = {{16, 9, 0}, {0, 0, 16}, {144, 144, 128}, {16, 9, 144}, 144, 11854.0};
    run_case("padding slide P", &ls, &fs, &ea);
    fs.reuse = EC_REUSE_REFETCH;
    expect eb = {{40, 9, 0}, {0, 0, 16}, {144, 144, 128}, {40, 9, 144}, 144, 16798.0};
    run_case("padding refetch P", &ls, &fs, &eb);
    fs.reuse = EC_REUSE_SLIDE;
    fs.tile[EC_DIM_Q] = 2;
    run_case("padding slide Q", &ls, &fs, &eb);
    /* bbox: all these footprints are intervals: the same counts. */
    fs.footprint = EC_FOOTPRINT_BBOX;
    run_case("padding slide Q bbox", &ls, &fs, &eb);
}

/* ------------------------------------------------------------------ */
/* 5. Dilation with padding: N=C=K=G=1, H=5, W=1, R=3, dh=3, pt=pb=2.
 *    P = floor((5+4-3*2-1)/1)+1 = 3. Row of (p, r) = p + 3r - 2.
 *    |I| = 5, |W| = 3, |O| = 3, MACs = 3*3 = 9 (5 of them real).
 *    Tiles t_P = 1 (B_P = 3), t_R = 3 (full); order NGKPQCRS; P active.
 *    Rows per P-tile: p=0: {-2,1,4} -> {1,4}; p=1: {-1,2,5} -> {2};
 *      p=2: {0,3,6} -> {0,3}.
 *    exact, slide: 2; F(p in {0,1}) = {1,2,4} (3) - 2 = 1;
 *      F({1,2}) = {0,2,3} (3) - 1 = 2. DR_I = 5 (= |I|, no overlaps).
 *    bbox of the REAL rows (docs/model.md, decision (a)): [1,4] (4),
 *      [2,2] (1), [0,3] (4).
 *      slide: 4; then [2,2] lies inside [1,4]: 1 - 1 = 0; then [0,3]
 *      shares [2,2] with [2,2]: 4 - 1 = 3. DR_I = 7.
 *      refetch: 4 + 1 + 4 = 9.
 *      (Bounding the unclipped rows and then clipping would give
 *      [0,4] three times: 5, 5, 5 -- not what this library does.)
 *    W once: 3. O: DW_O = 3, DR_O = 0.
 *    BR = (9, 9, 6); BW = (DR_I, 3, 9).
 *    exact slide: E = 200*(5+3+0+3) + 6*(9+9+6+5+3+9) + 9
 *                   = 200*11 + 6*41 + 9 = 2200 + 246 + 9 = 2455.
 *    bbox slide:  E = 200*(7+3+3) + 6*(24+7+3+9) + 9
 *                   = 200*13 + 6*43 + 9 = 2600 + 258 + 9 = 2867.
 *    bbox refetch: E = 200*(9+3+3) + 6*(24+9+3+9) + 9
 *                   = 200*15 + 6*45 + 9 = 3000 + 270 + 9 = 3279.           */
static void test_dilation_padding(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 5, .W = 1, .R = 3, .S = 1,
                     .dh = 3, .pt = 2, .pb = 2};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 1, 1, 3, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ex = {{5, 3, 0}, {0, 0, 3}, {9, 9, 6}, {5, 3, 9}, 9, 2455.0};
    run_case("dilation exact slide", &ls, &fs, &ex);
    fs.footprint = EC_FOOTPRINT_BBOX;
    expect eb = {{7, 3, 0}, {0, 0, 3}, {9, 9, 6}, {7, 3, 9}, 9, 2867.0};
    run_case("dilation bbox slide", &ls, &fs, &eb);
    fs.reuse = EC_REUSE_REFETCH;
    expect ebr = {{9, 3, 0}, {0, 0, 3}, {9, 9, 6}, {9, 3, 9}, 9, 3279.0};
    run_case("dilation bbox refetch", &ls, &fs, &ebr);
}

/* ------------------------------------------------------------------ */
/* 6. Groups. G=2, N=1, C=4, K=4 (Cg = Kg = 2), H=3, W=1, R=2, S=1.
 *    P = 2, Q = 1. |I| = 1*4*3*1 = 12, |W| = K*Cg*R*S = 4*2*2 = 16,
 *    |O| = 1*4*2*1 = 8, MACs = N*G*Kg*Cg*P*Q*R*S = 1*2*2*2*2*1*2*1 = 32.
 *    Tiles t_G = 1 (B_G = 2), t_K = 1 (B_K = 2), the rest full.
 *    One full P-tile x R-tile reads rows {0,1,2}: SumFh = 3, SumFw = 1.
 *    An I tile is 1 group x 2 channels x 3 rows = 6 words; a W tile
 *    1*1*2*2*1 = 4; an O tile 1*1*1*2*1 = 2.
 *    (a) Order NGKPQCRS: active G (outer), K (inner).
 *      Iterations (g,k): (0,0) (0,1) (1,0) (1,1).
 *      I tile = (g): loads at (0,0), (1,0): DR_I = 12. The step on K does
 *        not move the input; the step on G changes G and K: whole tile.
 *        [j_I = G, A_I = {}: 1 * N*G*Cg * 3 * 1 = 12]
 *      W tile = (g,k): 4 loads x 4 = 16. O = (g,k): 4 x 2 = 8, DR_O = 0.
 *      BR = (32, 32, 24); BW = (12, 16, 32).
 *      E = 200*(12+16+0+8) + 6*(32+32+24+12+16+32) + 32
 *        = 200*36 + 6*148 + 32 = 7200 + 888 + 32 = 8120.
 *    (b) Order NKGPQCRS: active K (outer), G (inner).
 *      Iterations (k,g): (0,0) (0,1) (1,0) (1,1): I tile = (g) changes
 *        at every iteration: 4 x 6 = 24 = DR_I. [j_I = G, A_I = {K}: 2*12]
 *      W = (g,k): 16; O = (g,k): 4 x 2 = 8, one visit each.
 *      E = 200*(24+16+8) + 6*(88+24+16+32) + 32
 *        = 200*48 + 6*160 + 32 = 9600 + 960 + 32 = 10592.                  */
static void test_groups(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 4, .K = 4, .G = 2, .H = 3, .W = 1, .R = 2, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 2, 2, 1, 2, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ea = {{12, 16, 0}, {0, 0, 8}, {32, 32, 24}, {12, 16, 32}, 32, 8120.0};
    run_case("groups NGK", &ls, &fs, &ea);
    fs.order = "NKGPQCRS";
    expect eb = {{24, 16, 0}, {0, 0, 8}, {32, 32, 24}, {24, 16, 32}, 32, 10592.0};
    run_case("groups NKG", &ls, &fs, &eb);
}

/* Depthwise: G = C = K = 3 (Cg = Kg = 1), N=1, H=4, W=1, R=3, S=1.
 *    P = 2, Q = 1. |I| = 12, |W| = 3*1*3*1 = 9, |O| = 3*2 = 6,
 *    MACs = 1*3*1*1*2*1*3*1 = 18.
 *    Tiles t_G = 1 (B_G = 3), rest full; order NGKPQCRS; G active only.
 *    Each group: I tile 1 channel x rows {0..3} = 4, W tile 3, O tile 2;
 *    each loaded once: DR_I = 12, DR_W = 9, DW_O = 6, DR_O = 0.
 *    BR = (18, 18, 12); BW = (12, 9, 18).
 *    E = 200*(12+9+0+6) + 6*(48+39) + 18 = 5400 + 522 + 18 = 5940.        */
static void test_depthwise(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 3, .K = 3, .G = 3, .H = 4, .W = 1, .R = 3, .S = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 2, 1, 3, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{12, 9, 0}, {0, 0, 6}, {18, 18, 12}, {12, 9, 18}, 18, 5940.0};
    run_case("depthwise", &ls, &fs, &e);
}

/* ------------------------------------------------------------------ */
/* 7. Batch 2: N=2, C=1, K=2, G=1, H=W=3, R=S=2. P = Q = 2.
 *    |I| = 2*1*9 = 18, |W| = 2*1*4 = 8, |O| = 2*2*4 = 16,
 *    MACs = 2*1*2*1*2*2*2*2 = 64.
 *    Tiles t_N = 1 (B_N = 2), t_K = 1 (B_K = 2), rest full.
 *    I tile: 1 image x 1 channel x rows {0,1,2} x cols {0,1,2} = 9;
 *    W tile: 1 x 1 x 2 x 2 = 4; O tile: 1 x 1 x 2 x 2 = 4.
 *    (a) Order NGKPQCRS: active N (outer), K (inner).
 *      (n,k): (0,0) (0,1) (1,0) (1,1).
 *      I = (n): 2 loads x 9 = 18. W = (k): k = 0,1,0,1: 4 loads x 4 = 16
 *        [j_W = K, A_W = {N}: reuse_W = 2]. O = (n,k): 4 x 4 = 16, DR_O = 0.
 *      BR = (64, 64, 48); BW = (18, 16, 64).
 *      E = 200*(18+16+0+16) + 6*(64+64+48+18+16+64) + 64
 *        = 200*50 + 6*274 + 64 = 10000 + 1644 + 64 = 11708.
 *    (b) Order KNGPQCRS: active K (outer), N (inner).
 *      (k,n): (0,0) (0,1) (1,0) (1,1).
 *      I = (n): changes every iteration: 4 x 9 = 36 [A_I = {K}].
 *      W = (k): 2 x 4 = 8. O = (n,k): 4 x 4 = 16, DR_O = 0.
 *      E = 200*(36+8+0+16) + 6*(176+36+8+64) + 64
 *        = 200*60 + 6*284 + 64 = 12000 + 1704 + 64 = 13768.                */
static void test_batch2(void **state)
{
    (void)state;
    layer_spec ls = {.N = 2, .C = 1, .K = 2, .G = 1, .H = 3, .W = 3, .R = 2, .S = 2};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 2, 2, 2, 2), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ea = {{18, 16, 0}, {0, 0, 16}, {64, 64, 48}, {18, 16, 64}, 64, 11708.0};
    run_case("batch2 NK", &ls, &fs, &ea);
    fs.order = "KNGPQCRS";
    expect eb = {{36, 8, 0}, {0, 0, 16}, {64, 64, 48}, {36, 8, 64}, 64, 13768.0};
    run_case("batch2 KN", &ls, &fs, &eb);
}

/* ------------------------------------------------------------------ */
/* 8. Partial-sum spills: N=1, C=2, K=1, G=1, H=3, W=1, R=2, S=1.
 *    P = 2, Q = 1. |I| = 6, |W| = 1*2*2 = 4, |O| = 2,
 *    MACs = 1*1*1*2*2*1*2*1 = 8.
 *    (a) Order NGKCPQRS, t_C = 1 (B_C = 2), t_P = 1 (B_P = 2), t_R = 2.
 *      Active: C (outer), P (inner). Iterations (c,p):
 *      (0,0): O tile p0 starts empty. I: channel 0, rows {0,1}: 2.
 *             W: channel 0, 2 taps: 2.
 *      (0,1): O: write back p0 (DW 1), p1 starts empty.
 *             I: only P changed (slide): rows {1,2} minus shared {1}: 1.
 *      (1,0): O: write back p1 (DW 1); p0 was written back: read (DR 1).
 *             I: C and P changed: whole tile, channel 1 rows {0,1}: 2.
 *             W: channel 1: 2.
 *      (1,1): O: write back p0 (DW 1), read p1 (DR 1). I: slide: 1.
 *      end:   write back p1 (DW 1).
 *      DR_I = 2+1+2+1 = 6, DR_W = 4, DR_O = 2, DW_O = 4.
 *      [j_O = P, A_O = {C}: reuse_O = 2: DW_O = 4, DR_O = 4 - 2 = 2;
 *       L = P: SlideH_P = 2 + (|{0,1,2}| - 2) = 3; DR_I = 1*1*2 * 3 * 1 = 6]
 *      BR = (8, 8, 8-2 = 6); BW = (6, 4, 2+8 = 10).
 *      E = 200*(6+4+2+4) + 6*(8+8+6+6+4+10) + 8
 *        = 200*16 + 6*42 + 8 = 3200 + 252 + 8 = 3460.
 *    (b) Order GKCRSNPQ (the weight-stationary order), t_C = 2 (full),
 *      t_R = 1 (B_R = 2), t_P = 1 (B_P = 2). Active: R (outer), P (inner).
 *      Iterations (r,p): (0,0) (0,1) (1,0) (1,1).
 *      W = (r): 2 loads of 1*1*2*1 = 2: DR_W = 4.
 *      O = (p): p = 0,1,0,1: 4 loads of 1, DW_O = 4; the visits at (1,0),
 *        (1,1) re-read: DR_O = 2. [A_O = {R}: reuse_O = 2]
 *      I (2 channels): tile (r,p) reads row p + r.
 *        (0,0): row 0 x 2 ch = 2; (0,1): row 1, slide shares nothing: 2;
 *        (1,0): R and P changed: row 1 whole: 2; (1,1): row 2: 2.
 *        DR_I = 8. [SlideH_P = (1 + (|{0,1}| - 1)) + (1 + (|{1,2}| - 1))
 *        = 2 + 2 = 4; DR_I = 2 * 4 = 8]
 *      BR = (8, 8, 6); BW = (8, 4, 10).
 *      E = 200*(8+4+2+4) + 6*(22+8+4+10) + 8
 *        = 200*18 + 6*44 + 8 = 3600 + 264 + 8 = 3872.                      */
static void test_spill(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 2, .K = 1, .G = 1, .H = 3, .W = 1, .R = 2, .S = 1};
    flow_spec fs = {"NGKCPQRS", TILES(1, 1, 1, 1, 1, 1, 2, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect ea = {{6, 4, 2}, {0, 0, 4}, {8, 8, 6}, {6, 4, 10}, 8, 3460.0};
    run_case("spill C over P", &ls, &fs, &ea);
    flow_spec fw = {"GKCRSNPQ", TILES(1, 1, 1, 2, 1, 1, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect eb = {{8, 4, 2}, {0, 0, 4}, {8, 8, 6}, {8, 4, 10}, 8, 3872.0};
    run_case("spill R over P (WS order)", &ls, &fw, &eb);
}

/* ------------------------------------------------------------------ */
/* 9. Every tap is padding (docs/model.md, decision (c)): N=C=K=G=1,
 *    H=W=1, R=S=1, sh=2, pt=pb=1. P = floor((1+2-0-1)/2)+1 = 2; rows of
 *    p = 0, 1 are -1 and 1, both outside [0,1). Q = 1.
 *    |I| = 1, |W| = 1, |O| = 2, MACs = 2 (both padding taps).
 *    Tiles t_P = 1 (B_P = 2); order NGKPQCRS.
 *    I: every footprint is empty: DR_I = 0. W once: 1. O: DW_O = 2.
 *    BR = (2, 2, 0) (MACs count padding taps); BW = (0, 1, 2).
 *    E = 200*(0+1+0+2) + 6*(2+2+0+0+1+2) + 2 = 600 + 42 + 2 = 644.        */
static void test_all_padding(void **state)
{
    (void)state;
    layer_spec ls = {.N = 1, .C = 1, .K = 1, .G = 1, .H = 1, .W = 1, .R = 1, .S = 1,
                     .sh = 2, .pt = 1, .pb = 1};
    flow_spec fs = {"NGKPQCRS", TILES(1, 1, 1, 1, 1, 1, 1, 1), EC_REUSE_SLIDE,
                    EC_FOOTPRINT_EXACT};
    expect e = {{0, 1, 0}, {0, 0, 2}, {2, 2, 0}, {0, 1, 2}, 2, 644.0};
    run_case("all padding exact", &ls, &fs, &e);
    fs.footprint = EC_FOOTPRINT_BBOX;
    run_case("all padding bbox", &ls, &fs, &e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fc_output_stationary),
        cmocka_unit_test(test_fc_spill),
        cmocka_unit_test(test_conv1d_slide_p),
        cmocka_unit_test(test_conv1d_refetch_p),
        cmocka_unit_test(test_conv1d_slide_r),
        cmocka_unit_test(test_stride2_exact_vs_bbox),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_dilation_padding),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_depthwise),
        cmocka_unit_test(test_batch2),
        cmocka_unit_test(test_spill),
        cmocka_unit_test(test_all_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
