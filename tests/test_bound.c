/* Section 7's lower bound and section 8's asymptotic formulas:
 *  - hand-computed bounds (the arithmetic is in the comments);
 *  - the bound never exceeds ec_count's DRAM transfers, nor the energy
 *    bound the energy, on 5,000 random layers x dataflows x Buffers, and
 *    on every conv layer of ResNet-50 and VGG-16 at M = 4096 and 65536;
 *  - the standalone call agrees with the bound attached to evaluations;
 *  - exact auto-tiled OS over its asymptotic formula tends to 1 on
 *    docs/model.md section 8's growing sequence. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "random_layer.h"

static int64_t bound(const ec_result *r, ec_bound_field f)
{
    int64_t v = -1;
    assert_int_equal(ec_result_bound(r, f, &v), EC_OK);
    return v;
}

static void set_all(ec_layer *l, const int64_t v[16])
{
    for (int i = 0; i < 16; i++) assert_int_equal(ec_layer_set(l, (ec_layer_param)i, v[i]), EC_OK);
}

/* C = K = 8, 4x4 input, 3x3 kernel, pad 1, stride 1 (P = Q = 4), M = 4.
 * Rows read by (p, r): p + r - 1. Per axis: tap 0 reaches p = 1..3, tap 1
 * p = 0..3, tap 2 p = 0..2: 10 real pairs, every row and tap used. Row 1
 * is read by (2,0), (1,1), (0,2): rho_h = 3 (rows 0 and 3 by 2).
 *   |I_used| = 8*4*4 = 128, |W_used| = 8*8*3*3 = 576, |O| = 8*16 = 128,
 *   MACs_real = 8*8*10*10 = 6400, rho = 9, T_c = 832,
 *   T_io = ceil(6400 / sqrt(9*4)) - 4 = ceil(1066.67) - 4 = 1063;
 *   segments s = ceil(1067 / 4) = 267 (6400 / (3 * 4^1.5) = 266.67),
 *   T_seg = 2*4*266 + 1 = 2129; T = 2129.
 * Energy bound (200/200/6/6/1), MACs = 8*8*16*9 = 9216:
 *   fixed 9216 + 6*(3*9216 - 128) + 6*9216 = 229632;
 *   reads 704 * (200 + 6) = 145024; writes 128 * 200 = 25600;
 *   T_io's excess (1063 - 832) * min(206, 200) = 46200, T_seg's excess is
 *   reads: (2129 - 832) * 206 = 267182, the larger; total 667438. */
static void test_hand_dense(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    const int64_t v[16] = {1, 8, 8, 1, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
    set_all(l, v);
    ec_memory_set(m, EC_MEM_CAPACITY, 4);
    assert_int_equal(ec_lower_bound(l, m, r), EC_OK);
    assert_int_equal(bound(r, EC_BOUND_I_USED), 128);
    assert_int_equal(bound(r, EC_BOUND_W_USED), 576);
    assert_int_equal(bound(r, EC_BOUND_MACS_REAL), 6400);
    assert_int_equal(bound(r, EC_BOUND_RHO), 9);
    assert_int_equal(bound(r, EC_BOUND_COMPULSORY), 832);
    assert_int_equal(bound(r, EC_BOUND_COMMUNICATION), 1063);
    assert_int_equal(bound(r, EC_BOUND_SEGMENT), 2129);
    assert_int_equal(bound(r, EC_BOUND_TRANSFERS), 2129);
    double e;
    assert_int_equal(ec_result_bound_energy(r, &e), EC_OK);
    assert_true(e == 667438.0);
    /* No counts after the bound alone. */
    int64_t x;
    assert_int_equal(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &x),
                     EC_E_NOT_EVALUATED);
    assert_int_equal(ec_result_gap(r, NULL, NULL), EC_E_NOT_EVALUATED);
    assert_int_equal(ec_result_asymptotic(r, NULL, NULL, NULL), EC_E_NOT_EVALUATED);
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* One strided, dilated, padded axis: H = 7, R = 3, stride 2, dilation 2,
 * pad 2 (P = floor((7 + 4 - 4 - 1) / 2) + 1 = 4); W = S = 1.
 * Rows 2p + 2r - 2: p=0: -2 0 2; p=1: 0 2 4; p=2: 2 4 6; p=3: 4 6 8.
 * Real rows {0, 2, 4, 6}; rows 2 and 4 are read 3 times: rho = 3; 10 of
 * the 12 pairs are real; all 3 taps meet a real row.
 *   |I_used| = 4, |W_used| = 3, |O| = 4, MACs_real = 10, T_c = 11;
 *   M = 1: T_io = ceil(10 / sqrt(3)) - 1 = ceil(5.77) - 1 = 5;
 *   s = ceil(6 / 1) = 6 segments, T_seg = 2*1*5 + 1 = 11; T = 11. */
static void test_hand_strided(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    const int64_t v[16] = {1, 1, 1, 1, 7, 1, 3, 1, 2, 1, 2, 1, 2, 2, 0, 0};
    set_all(l, v);
    ec_memory_set(m, EC_MEM_CAPACITY, 1);
    assert_int_equal(ec_lower_bound(l, m, r), EC_OK);
    assert_int_equal(bound(r, EC_BOUND_I_USED), 4);
    assert_int_equal(bound(r, EC_BOUND_W_USED), 3);
    assert_int_equal(bound(r, EC_BOUND_MACS_REAL), 10);
    assert_int_equal(bound(r, EC_BOUND_RHO), 3);
    assert_int_equal(bound(r, EC_BOUND_COMPULSORY), 11);
    assert_int_equal(bound(r, EC_BOUND_COMMUNICATION), 5);
    assert_int_equal(bound(r, EC_BOUND_SEGMENT), 11);
    assert_int_equal(bound(r, EC_BOUND_TRANSFERS), 11);
    /* A Buffer of 0 words holds nothing: no schedule, no bound. */
    ec_memory_set(m, EC_MEM_CAPACITY, 0);
    assert_int_equal(ec_lower_bound(l, m, r), EC_E_CAPACITY);
    assert_true(strstr(ec_result_message(r), "0 words") != NULL);
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* Tap classes of a strided window (docs/bound.md section 8b): C = K = 8,
 * H = 9, R = 3, stride 2, no padding (P = 4), W = S = 1, M = 4.
 * Rows 2p + r. Class r = 0 (mod 2), taps 0 and 2, reads the even rows: row
 * 2j by (j, 0) and (j - 1, 2), at most 2 pairs (rows 2, 4, 6); its taps
 * have 4 + 4 real pairs. Class r = 1, tap 1, reads odd rows once: 4 pairs.
 *   rho = 2; MACs_real = 64 * 12 = 768; |I_used| = 72, |W_used| = 192,
 *   |O| = 32, T_c = 296; T_io = ceil(768 / sqrt(8)) - 4 = 272 - 4 = 268;
 *   one rho for all: ceil(272 / 4) = 68 segments;
 *   per class: 64 * (8 / sqrt(2) + 4 / 1) / 4^1.5 = 64 * 9.65685 / 8
 *   = 77.25 -> 78 segments; T_seg = 2*4*77 + 1 = 617 = T. */
/* The layer v on a Buffer of M words has these bound fields (-1: any). */
static void expect_bound(const int64_t v[16], int64_t M, const int64_t want[EC_BOUND_SEGMENT + 1])
{
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    set_all(l, v);
    ec_memory_set(m, EC_MEM_CAPACITY, M);
    assert_int_equal(ec_lower_bound(l, m, r), EC_OK);
    for (int f = 0; f <= EC_BOUND_SEGMENT; f++)
        if (want[f] >= 0) assert_int_equal(bound(r, (ec_bound_field)f), want[f]);
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_hand_classes(void **state)
{
    (void)state;
    const int64_t v[16] = {1, 8, 8, 1, 9, 1, 3, 1, 2, 1, 1, 1, 0, 0, 0, 0};
    /* I_used W_used MACs_real rho T_c T_io T T_seg */
    const int64_t want[] = {72, 192, 768, 2, 296, 268, 617, 617};
    expect_bound(v, 4, want);
}

/* Segments of any length (docs/bound.md section 8b): a 1x1 layer, C = K = 4,
 * H = 1, W = 6, M = 16: MACs_real = 96, rho = 1, 96 / 16^1.5 = 1.5.
 * With X = 2M: ceil(96/4) = 24, s = ceil(24/16) = 2, 2*16*1 + 1 = 33.
 * One full segment (j = 1): X < 3 * 96^(2/3) - 16 = 62.90 - 16, X = 46,
 * bound 47; j = 2: X < 3 * 48^(2/3) - 16 = 39.62 - 16, X = 23, bound 47;
 * j = 3: X < 3 * 32^(2/3) - 16 = 30.24 - 16, X = 14, bound 43. T_seg = 47;
 * T_c = 24 + 16 + 24 = 64 = T. */
static void test_hand_tuned(void **state)
{
    (void)state;
    const int64_t v[16] = {1, 4, 4, 1, 1, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    const int64_t want[] = {24, 16, 96, 1, 64, 8, 64, 47};
    expect_bound(v, 16, want);
}

/* The segment count near the 64-bit limit (docs/bound.md section 10): a
 * 1x1 layer N = C = 2^21, K = 3 * 2^19 has MACs_real = 3 * 2^61 < 2^63 (a
 * valid layer) and rho = 1. At M = 1, x = ceil(3 * 2^61 / 1) and s = x, so
 * 2M(s - 1) + 1 is about 2^63.6: beyond 64 bits, which must be reported
 * (EC_E_OVERFLOW), not wrapped; a wrapped product once left T_seg = 0 below
 * T_io. At M = 4, s = ceil(3 * 2^61 / 8) = 3 * 2^58 and
 * T_seg = 8 * (3 * 2^58 - 1) + 1 = 3 * 2^61 - 7, which fits, and T_io =
 * ceil(3 * 2^61 / 2) - 4 = 3 * 2^60 - 4. Whatever the status, an
 * accepted T_seg is never below T_io (section 8b, "Comparison"). */
static void test_segment_near_limit(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    assert_int_equal(ec_layer_set(l, EC_LAYER_N, (int64_t)1 << 21), EC_OK);
    assert_int_equal(ec_layer_set(l, EC_LAYER_C, (int64_t)1 << 21), EC_OK);
    assert_int_equal(ec_layer_set(l, EC_LAYER_K, (int64_t)3 << 19), EC_OK);
    assert_int_equal(ec_layer_check(l), EC_OK);
    for (int64_t M = 1; M <= 8; M++) {
        assert_int_equal(ec_memory_set(m, EC_MEM_CAPACITY, M), EC_OK);
        ec_status st = ec_lower_bound(l, m, r);
        if (M == 1) assert_int_equal(st, EC_E_OVERFLOW);
        if (st != EC_OK) {
            assert_int_equal(st, EC_E_OVERFLOW);
            continue;
        }
        int64_t tseg = bound(r, EC_BOUND_SEGMENT), tio = bound(r, EC_BOUND_COMMUNICATION);
        assert_true(tseg >= tio);
        assert_int_equal(bound(r, EC_BOUND_TRANSFERS), tseg);
        if (M == 4) {
            assert_int_equal(tseg, ((int64_t)3 << 61) - 7);
            assert_int_equal(tio, ((int64_t)3 << 60) - 4);
        }
    }
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* Section 8b's Omega of one axis, from the definitions by enumeration
 * (independent of lib/bound.c): tap classes r = r0 (mod stride / gcd), each
 * class's rho the most (p, r) pairs of the class reading one real row, and
 * its real pairs. */
static long double axis_omega(int64_t H, int64_t R, int64_t st, int64_t dil, int64_t pad, int64_t P)
{
    int64_t g = st, x = dil;
    while (x) {
        int64_t t = g % x;
        g = x;
        x = t;
    }
    int64_t m = st / g;
    long double w = 0;
    for (int64_t r0 = 0; r0 < m && r0 < R; r0++) {
        int64_t best = 0, real = 0;
        for (int64_t h = 0; h < H; h++) {
            int64_t c = 0;
            for (int64_t p = 0; p < P; p++)
                for (int64_t r = r0; r < R; r += m) c += p * st + r * dil - pad == h;
            if (c > best) best = c;
        }
        for (int64_t p = 0; p < P; p++)
            for (int64_t r = r0; r < R; r += m) {
                int64_t h = p * st + r * dil - pad;
                real += h >= 0 && h < H;
            }
        if (best) w += (long double)real / sqrtl((long double)best);
    }
    return w;
}

/* Every T_seg the library reports is one of section 8b's certificates for
 * the Omega computed above: 2M(s - 1) + 1 with s = ceil(Omega / M^1.5), or
 * j*X + 1 with j*((M + X)/3)^1.5 < Omega, here searched over every j (the
 * library tries four). A wrong class rho, class sum or rounding direction
 * would show as a T_seg above the best certificate. */
static void test_segment_certified(void **state)
{
    (void)state;
    int checked = 0, binding = 0;
    ec_layer *l = ec_layer_create();
    ec_memory *mem = ec_memory_create();
    ec_result *r = ec_result_create();
    for (int i = 0; i < 2000; i++) {
        rng g = {0x5E6C0000u + (uint64_t)i};
        if (!random_layer(&g, (layer_kind)(i % KIND_COUNT), l, 12)) continue;
        int64_t v[16], P, Q;
        for (int k = 0; k < 16; k++) ec_layer_get(l, (ec_layer_param)k, &v[k]);
        ec_layer_get(l, EC_LAYER_P, &P);
        ec_layer_get(l, EC_LAYER_Q, &Q);
        long double om = (long double)(v[EC_LAYER_N] * v[EC_LAYER_C] * (v[EC_LAYER_K] / v[EC_LAYER_G])) *
                         axis_omega(v[EC_LAYER_H], v[EC_LAYER_R], v[EC_LAYER_STRIDE_H],
                                    v[EC_LAYER_DILATION_H], v[EC_LAYER_PAD_TOP], P) *
                         axis_omega(v[EC_LAYER_W], v[EC_LAYER_S], v[EC_LAYER_STRIDE_W],
                                    v[EC_LAYER_DILATION_W], v[EC_LAYER_PAD_LEFT], Q);
        for (int t = 0; t < 4; t++) {
            int64_t M = rng_range(&g, 1, t < 2 ? 16 : 300);
            assert_int_equal(ec_memory_set(mem, EC_MEM_CAPACITY, M), EC_OK);
            assert_int_equal(ec_lower_bound(l, mem, r), EC_OK);
            int64_t tseg = bound(r, EC_BOUND_SEGMENT);
            long double m15 = (long double)M * sqrtl((long double)M), best = 0;
            /* ceil, generous by 1e-12 (a larger certificate only loosens the test) */
            long double s0 = ceill(om / m15 - 1e-12L);
            if (s0 >= 2) best = 2.0L * (long double)M * (s0 - 1) + 1;
            for (int64_t j = 1;; j++) {
                long double z = 3.0L * powl(om / (long double)j, 2.0L / 3.0L);
                int64_t X = (int64_t)ceill(z) - 1 - M;
                while (X >= 1 && (long double)j * powl((long double)(M + X) / 3.0L, 1.5L) >= om * (1 + 1e-12L)) X--;
                if (X < 1) break;
                if ((long double)(j * X + 1) > best) best = (long double)(j * X + 1);
            }
            if ((long double)tseg > best)
                fail_msg("case %d, M = %lld: T_seg %lld above the best certificate %.0Lf (Omega %.6Lf)", i,
                         (long long)M, (long long)tseg, best, om);
            checked++;
            binding += tseg > bound(r, EC_BOUND_COMPULSORY);
        }
    }
    printf("T_seg certified on %d layer x Buffer pairs (%d where it exceeds T_c)\n", checked, binding);
    assert_true(checked >= 6000 && binding >= 400);
    ec_result_destroy(r);
    ec_memory_destroy(mem);
    ec_layer_destroy(l);
}

/* Every tap is padding: nothing to read, nothing real to multiply. */
static void test_all_padding(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    /* H = 1, pad 10 both sides, stride 100: P = floor(20/100) + 1 = 1,
     * and output 0 reads row -10 only. */
    const int64_t v[16] = {1, 2, 2, 1, 1, 1, 1, 1, 100, 1, 1, 1, 10, 10, 0, 0};
    set_all(l, v);
    assert_int_equal(ec_lower_bound(l, m, r), EC_OK);
    assert_int_equal(bound(r, EC_BOUND_I_USED), 0);
    assert_int_equal(bound(r, EC_BOUND_W_USED), 0);
    assert_int_equal(bound(r, EC_BOUND_MACS_REAL), 0);
    assert_int_equal(bound(r, EC_BOUND_COMMUNICATION), 0);
    assert_int_equal(bound(r, EC_BOUND_TRANSFERS), 2); /* |O| = 2 */
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* The bound holds for every tiling the walk counts, and the standalone
 * bound equals the one attached to the evaluation. */
static void test_bound_below_counts(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create(), *b = ec_result_create();
    int checked = 0, tight = 0;
    for (uint64_t seed = 1; checked < 5000 && seed < 20000; seed++) {
        rng g = {seed * 104729};
        while (!random_layer(&g, (layer_kind)rng_range(&g, 0, KIND_COUNT - 1), l, 10)) {
        }
        ec_memory_set(m, EC_MEM_CAPACITY, rng_range(&g, 1, 800));
        for (int e = 0; e < 5; e++) /* prices 0..4, zeros included */
            ec_memory_set_energy(m, (ec_energy_param)e, (double)rng_range(&g, 0, 4));
        ec_dim order[EC_NDIMS];
        random_order(&g, order);
        ec_dataflow_set_order(d, order);
        for (int t = 0; t < EC_NDIMS; t++) {
            int64_t tile = rng_range(&g, 0, 2) ? rng_range(&g, 1, layer_extent(l, (ec_dim)t)) : 0;
            ec_dataflow_set(d, (ec_dataflow_param)(EC_DF_TILE_N + t), tile);
        }
        ec_dataflow_set(d, EC_DF_REUSE, rng_range(&g, 0, 1));
        ec_dataflow_set(d, EC_DF_FOOTPRINT, rng_range(&g, 0, 1));
        if (ec_count(l, m, d, r) != EC_OK) continue;
        int64_t dram, T;
        double e, eb, dr, er;
        ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
        ec_result_energy(r, EC_PART_TOTAL, &e);
        T = bound(r, EC_BOUND_TRANSFERS);
        assert_int_equal(ec_result_bound_energy(r, &eb), EC_OK);
        if (dram < T || e < eb * (1 - 1e-12))
            print_error("seed %llu: DRAM %lld < bound %lld or energy %.17g < %.17g\n",
                        (unsigned long long)seed, (long long)dram, (long long)T, e, eb);
        assert_true(dram >= T);
        assert_true(e >= eb * (1 - 1e-12));
        assert_int_equal(ec_result_gap(r, &dr, &er), EC_OK);
        assert_true(dr >= 1.0);
        tight += dram == T;
        /* The standalone bound is the same. */
        assert_int_equal(ec_lower_bound(l, m, b), EC_OK);
        for (int f = EC_BOUND_I_USED; f <= EC_BOUND_TRANSFERS; f++)
            assert_int_equal(bound(b, (ec_bound_field)f), bound(r, (ec_bound_field)f));
        checked++;
    }
    print_message("%d dataflows checked, %d meet the bound exactly\n", checked, tight);
    assert_int_equal(checked, 5000);
    /* A bound no dataflow ever meets would be suspicious, and so would one
     * every dataflow meets. */
    assert_true(tight > 0 && tight < checked);
    ec_result_destroy(b);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

typedef struct net_layer {
    int64_t C, K, H, R, stride, pad;
} net_layer;

/* ResNet-50 (torchvision v1.5) and VGG-16 conv shapes, batch 1, 224x224. */
static const net_layer nets[] = {
    {3, 64, 224, 7, 2, 3},     {64, 64, 56, 1, 1, 0},     {64, 64, 56, 3, 1, 1},
    {64, 256, 56, 1, 1, 0},    {256, 64, 56, 1, 1, 0},    {256, 128, 56, 1, 1, 0},
    {128, 128, 56, 3, 2, 1},   {256, 512, 56, 1, 2, 0},   {128, 512, 28, 1, 1, 0},
    {512, 128, 28, 1, 1, 0},   {128, 128, 28, 3, 1, 1},   {512, 256, 28, 1, 1, 0},
    {256, 256, 28, 3, 2, 1},   {512, 1024, 28, 1, 2, 0},  {256, 1024, 14, 1, 1, 0},
    {1024, 256, 14, 1, 1, 0},  {256, 256, 14, 3, 1, 1},   {1024, 512, 14, 1, 1, 0},
    {512, 512, 14, 3, 2, 1},   {1024, 2048, 14, 1, 2, 0}, {512, 2048, 7, 1, 1, 0},
    {2048, 512, 7, 1, 1, 0},   {512, 512, 7, 3, 1, 1},
    /* VGG-16 */
    {3, 64, 224, 3, 1, 1},     {64, 64, 224, 3, 1, 1},    {64, 128, 112, 3, 1, 1},
    {128, 128, 112, 3, 1, 1},  {128, 256, 56, 3, 1, 1},   {256, 256, 56, 3, 1, 1},
    {256, 512, 28, 3, 1, 1},   {512, 512, 28, 3, 1, 1},   {512, 512, 14, 3, 1, 1},
};

static void test_bound_real_networks(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    int checked = 0;
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        const net_layer *n = &nets[i];
        const int64_t v[16] = {1, n->C, n->K, 1, n->H, n->H, n->R, n->R, n->stride, n->stride,
                               1, 1, n->pad, n->pad, n->pad, n->pad};
        set_all(l, v);
        for (int64_t M = 4096; M <= 65536; M *= 16) {
            ec_memory_set(m, EC_MEM_CAPACITY, M);
            for (int p = EC_POLICY_OS; p <= EC_POLICY_OPTIMAL; p++) {
                if (p == EC_POLICY_CUSTOM) continue;
                ec_dataflow_set(d, EC_DF_POLICY, p);
                ec_status st = ec_count(l, m, d, r);
                assert_int_equal(st, EC_OK);
                int64_t dram;
                double e, eb;
                ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
                ec_result_energy(r, EC_PART_TOTAL, &e);
                ec_result_bound_energy(r, &eb);
                assert_true(dram >= bound(r, EC_BOUND_TRANSFERS));
                assert_true(e >= eb);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 32 * 2 * 4);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* docs/model.md section 8: C = K = 32 s, 14s x 14s outputs (H = W = 14s + 2, no
 * padding), 3x3, M = 1024 s^4, `refetch`, t_C = 1, full R and S: the exact
 * DRAM transfers over the formula's fall towards 1 (1.25, 1.17, 1.08). */
static void test_asymptotic_convergence(void **state)
{
    (void)state;
    double prev = INFINITY;
    int interior_checked = 0;
    for (int64_t s = 1; s <= 4; s *= 2) {
        ec_layer *l = ec_layer_create();
        ec_memory *m = ec_memory_create();
        ec_dataflow *d = ec_dataflow_create();
        ec_result *r = ec_result_create();
        const int64_t v[16] = {1, 32 * s, 32 * s, 1, 14 * s + 2, 14 * s + 2, 3, 3,
                               1, 1, 1, 1, 0, 0, 0, 0};
        set_all(l, v);
        ec_memory_set(m, EC_MEM_CAPACITY, 1024 * s * s * s * s);
        ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_REFETCH);
        ec_dataflow_set(d, EC_DF_TILE_C, 1);
        ec_dataflow_set(d, EC_DF_TILE_R, 3);
        ec_dataflow_set(d, EC_DF_TILE_S, 3);
        assert_int_equal(ec_evaluate(l, m, d, r), EC_OK);
        int64_t dram;
        double reads, writes, reads2;
        ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
        assert_int_equal(ec_result_asymptotic(r, &reads, &writes, NULL), EC_OK);
        assert_int_equal(ec_asymptotic(l, m, EC_POLICY_OS, &reads2, NULL, NULL), EC_OK);
        assert_true(reads == reads2);
        /* In the interior (a* = sqrt(W X M / (I K)) within [M/K, min(X, M)])
         * the formula is |O| + 2 sqrt(|W| |I_used| X K / M) (G = 1, X = P*Q
         * pixels): an independent form of the same value. At s = 4 the
         * lower clamp (t_K <= K) is active. */
        double O = 32.0 * s * 196 * s * s, W = 32.0 * s * 32 * s * 9, K = 32.0 * s;
        double I = 32.0 * s * (14 * s + 2) * (14 * s + 2), X = 196.0 * s * s;
        double M = 1024.0 * s * s * s * s, a = sqrt(W * X * M / (I * K));
        if (a >= M / K && a <= fmin(X, M)) {
            double interior = O + 2 * sqrt(W * I * X * K / M);
            assert_true(fabs(reads + writes - interior) <= 1e-9 * interior);
            interior_checked++;
        }
        double ratio = (double)dram / (reads + writes);
        print_message("s = %lld: exact %lld, formula %.1f, ratio %.4f\n", (long long)s,
                      (long long)dram, reads + writes, ratio);
        assert_true(ratio >= 1.0 && ratio < prev);
        prev = ratio;
        ec_result_destroy(r);
        ec_dataflow_destroy(d);
        ec_memory_destroy(m);
        ec_layer_destroy(l);
    }
    assert_true(prev <= 1.10);
    assert_int_equal(interior_checked, 2);
}

/* Input-stationary on a stride-2 layer: an input tile holds about
 * 2 x 2 input pixels per output pixel, which a formula that ignored the
 * stride would leave out (the ratio then stayed near 1.9). C = K = 32 s,
 * 14s x 14s outputs, 3x3 stride 2, M = 1024 s^2, `refetch`, automatic
 * tiles: 1.257, 1.161, 1.082. */
static void test_asymptotic_strided_is(void **state)
{
    (void)state;
    double prev = INFINITY;
    for (int64_t s = 1; s <= 4; s *= 2) {
        ec_layer *l = ec_layer_create();
        ec_memory *m = ec_memory_create();
        ec_dataflow *d = ec_dataflow_create();
        ec_result *r = ec_result_create();
        int64_t side = (14 * s - 1) * 2 + 3;
        const int64_t v[16] = {1, 32 * s, 32 * s, 1, side, side, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0};
        set_all(l, v);
        ec_memory_set(m, EC_MEM_CAPACITY, 1024 * s * s);
        ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_IS);
        ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_REFETCH);
        assert_int_equal(ec_evaluate(l, m, d, r), EC_OK);
        int64_t dram;
        double reads, writes;
        ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
        assert_int_equal(ec_result_asymptotic(r, &reads, &writes, NULL), EC_OK);
        double ratio = (double)dram / (reads + writes);
        print_message("IS stride 2, s = %lld: ratio %.4f\n", (long long)s, ratio);
        assert_true(ratio >= 1.0 && ratio < prev);
        prev = ratio;
        ec_result_destroy(r);
        ec_dataflow_destroy(d);
        ec_memory_destroy(m);
        ec_layer_destroy(l);
    }
    assert_true(prev <= 1.10);
}

/* Figures that do not exist are refused, not made up. */
static void test_unavailable(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    double x;
    assert_int_equal(ec_result_bound(r, EC_BOUND_RHO, NULL), EC_E_NULL);
    int64_t v;
    assert_int_equal(ec_result_bound(r, EC_BOUND_RHO, &v), EC_E_NOT_EVALUATED);
    assert_int_equal(ec_asymptotic(l, m, EC_POLICY_CUSTOM, &x, NULL, NULL), EC_E_KEY);
    assert_int_equal(ec_asymptotic(l, m, EC_POLICY_OPTIMAL, &x, NULL, NULL), EC_E_KEY);
    ec_dataflow_set_order_string(d, "NGKCPQRS");
    assert_int_equal(ec_evaluate(l, m, d, r), EC_OK);
    assert_int_equal(ec_result_asymptotic(r, &x, NULL, NULL), EC_E_UNAVAILABLE);
    assert_int_equal(ec_result_bound(r, (ec_bound_field)8, &v), EC_E_KEY);
    ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS);
    assert_int_equal(ec_evaluate(l, m, d, r), EC_OK);
    assert_int_equal(ec_result_asymptotic(r, &x, NULL, NULL), EC_OK);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_dense),
        cmocka_unit_test(test_hand_strided),
        cmocka_unit_test(test_hand_classes),
        cmocka_unit_test(test_hand_tuned),
        cmocka_unit_test(test_segment_near_limit),
        cmocka_unit_test(test_segment_certified),
        cmocka_unit_test(test_all_padding),
        cmocka_unit_test(test_bound_below_counts),
        cmocka_unit_test(test_bound_real_networks),
        cmocka_unit_test(test_asymptotic_convergence),
        cmocka_unit_test(test_asymptotic_strided_is),
        cmocka_unit_test(test_unavailable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
