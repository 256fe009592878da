/* Adversarial values (issue 6, item 3): extents near INT64_MAX, products
 * that overflow 64 bits only in their last multiplication, Buffers of 0
 * and 1 words, one-pixel outputs, kernels larger than the input, strides
 * and dilations far beyond it, huge explicit tiles, automatic tiling on
 * huge extents. Each call either evaluates exactly (the numbers are worked
 * out by hand in the comments, from docs/model.md section 3) or is refused
 * with a status its documentation lists; every call runs under the hang
 * guard TIMED (robust.h). */
#include "robust.h"

static const double e_dram = 200, e_buf = 6, e_mac = 1; /* the default prices */

static void assert_contains(const char *msg, const char *sub)
{
    if (!strstr(msg, sub)) fail_msg("message \"%s\" lacks \"%s\"", msg, sub);
}

static int64_t count(const ec_result *r, ec_tensor t, ec_level lv, ec_access ac)
{
    int64_t v = -1;
    ST(ec_result_count(r, t, lv, ac, &v), EC_OK);
    return v;
}

/* Checks all twelve counts and the energy from the four that depend on the
 * dataflow (section 3: BR_I = BR_W = MACs, BR_O = MACs - |O|, BW_I = DR_I,
 * BW_W = DR_W, BW_O = DR_O + MACs, DR_O = DW_O - |O|). */
static void expect(const ec_result *r, int64_t dr_i, int64_t dr_w, int64_t dw_o, int64_t macs,
                   int64_t size_o)
{
    int64_t dr_o = dw_o - size_o;
    int64_t want[3][2][2] = {{{dr_i, 0}, {macs, dr_i}},
                             {{dr_w, 0}, {macs, dr_w}},
                             {{dr_o, dw_o}, {macs - size_o, dr_o + macs}}};
    for (int t = 0; t < 3; t++)
        for (int lv = 0; lv < 2; lv++)
            for (int ac = 0; ac < 2; ac++)
                assert_int_equal(count(r, (ec_tensor)t, (ec_level)lv, (ec_access)ac), want[t][lv][ac]);
    /* Long double: the exact energy of counts up to 2^63 within 1e-15. */
    long double dram = (long double)dr_i + dr_w + dr_o + dw_o;
    long double buf = (long double)macs * 3 - size_o + dr_i + dr_w + dr_o + macs;
    long double e = e_dram * dram + e_buf * buf + e_mac * (long double)macs, got = 0;
    double v;
    ST(ec_result_energy(r, EC_PART_TOTAL, &v), EC_OK);
    got = v;
    assert_true(fabsl(got - e) <= 1e-12L * e);
}

/* Evaluates under the hang guard; with `counter`, ec_count must agree
 * (or refuse with EC_E_LIMIT, its documented work limit). */
static ec_status evaluate(handles *h, int counter)
{
    ec_status st, sc;
    TIMED(st, ec_evaluate(h->l, h->m, h->d, h->r));
    if (!counter) return st;
    ec_result *c = ec_result_create();
    assert_non_null(c);
    TIMED(sc, ec_count(h->l, h->m, h->d, c));
    if (counter == 2) { /* the counter must decline */
        ST(sc, EC_E_LIMIT);
    } else {
        ST(sc, st);
        for (int t = 0; st == EC_OK && t < 12; t++)
            assert_int_equal(count(c, (ec_tensor)(t / 4), (ec_level)(t / 2 % 2), (ec_access)(t % 2)),
                             count(h->r, (ec_tensor)(t / 4), (ec_level)(t / 2 % 2), (ec_access)(t % 2)));
    }
    ec_result_destroy(c);
    return st;
}

/* Every tile at its full extent (the layer must be valid). */
static void full_tiles(handles *h)
{
    int64_t v[8], P, Q;
    for (int k = 0; k < 8; k++) ST(ec_layer_get(h->l, (ec_layer_param)k, &v[k]), EC_OK);
    ST(ec_layer_get(h->l, EC_LAYER_P, &P), EC_OK);
    ST(ec_layer_get(h->l, EC_LAYER_Q, &Q), EC_OK);
    int64_t G = v[EC_LAYER_G];
    const int64_t t[EC_NDIMS] = {v[EC_LAYER_N], G, v[EC_LAYER_K] / G, v[EC_LAYER_C] / G, P, Q,
                                 v[EC_LAYER_R], v[EC_LAYER_S]};
    set_tiles(h->d, t);
}

/* The same refusal from every entry point that validates the layer. */
static void refused_everywhere(handles *h, ec_status want, const char *msg_part)
{
    ec_status st;
    double x;
    int64_t v;
    ST(ec_layer_check(h->l), want);
    assert_contains(ec_layer_message(h->l), msg_part);
    ST(ec_layer_get(h->l, EC_LAYER_P, &v), want);
    TIMED(st, ec_evaluate(h->l, h->m, h->d, h->r));
    ST(st, want);
    assert_contains(ec_result_message(h->r), msg_part);
    ST(ec_result_count(h->r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_NOT_EVALUATED);
    TIMED(st, ec_count(h->l, h->m, h->d, h->r));
    ST(st, want);
    TIMED(st, ec_lower_bound(h->l, h->m, h->r));
    ST(st, want);
    TIMED(st, ec_asymptotic(h->l, h->m, EC_POLICY_OS, &x, &x, &x));
    ST(st, want);
}

static void test_extent_int64_max(void **state)
{
    handles *h = *state;
    ec_status st;
    int64_t v;
    /* Every settable extent accepts INT64_MAX; the layer check refuses the
     * coordinate (2^61) without wrapping. */
    ST(ec_layer_set(h->l, EC_LAYER_H, INT64_MAX), EC_OK);
    refused_everywhere(h, EC_E_OVERFLOW, "2^61");
    /* H = 2^61 - 1 is the largest height with stride 1; 2^61 is refused. */
    LAYER(h->l, EC_LAYER_H, P2(61));
    ST(ec_layer_check(h->l), EC_E_OVERFLOW);
    LAYER(h->l, EC_LAYER_H, P2(61) - 1);
    ST(ec_layer_get(h->l, EC_LAYER_P, &v), EC_OK);
    assert_int_equal(v, P2(61) - 1);
    /* One tile of everything: DR_I = |I| = DW_O = |O| = MACs = 2^61 - 1,
     * DR_W = 1. The Buffer total 4 (2^61 - 1) + 1 = 2^63 - 3 just fits. */
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, INT64_MAX), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 2), EC_OK); /* the counter: 2^61 (p, r) pairs, over its limit */
    expect(h->r, P2(61) - 1, 1, P2(61) - 1, P2(61) - 1, P2(61) - 1);
    /* This dataflow meets the bound: T = T_c = |I| + |W| + |O| = 2^62 - 1. */
    ST(ec_result_bound(h->r, EC_BOUND_TRANSFERS, &v), EC_OK);
    assert_int_equal(v, P2(62) - 1);
    /* N = 2: every count doubles and the Buffer total passes 2^63. */
    LAYER(h->l, EC_LAYER_N, 2);
    full_tiles(h);
    ST(evaluate(h, 0), EC_E_OVERFLOW);
    assert_contains(ec_result_message(h->r), "Buffer");
    /* N = INT64_MAX alone is a valid layer (|I| = |O| = MACs = 2^63 - 1)
     * whose DRAM total cannot fit; its bound cannot either. */
    LAYER(h->l, EC_LAYER_N, INT64_MAX, EC_LAYER_H, 1);
    ST(ec_layer_check(h->l), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 0), EC_E_CAPACITY); /* the tiles need 2^64 - 1 words */
    assert_contains(ec_result_message(h->r), "2^63");
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, 1), EC_OK);
    ST(evaluate(h, 2), EC_E_OVERFLOW);
    TIMED(st, ec_lower_bound(h->l, h->m, h->r));
    ST(st, EC_E_OVERFLOW);
}

static void test_last_multiplication_overflows(void **state)
{
    handles *h = *state;
    int64_t v;
    /* |I| = N*C*H*W: 2^31 * 2^31 * 1 fits, times W = 2 does not. */
    LAYER(h->l, EC_LAYER_N, P2(31), EC_LAYER_C, P2(31));
    ST(ec_layer_get(h->l, EC_LAYER_SIZE_I, &v), EC_OK);
    assert_int_equal(v, P2(62));
    LAYER(h->l, EC_LAYER_W, 2);
    refused_everywhere(h, EC_E_OVERFLOW, "|I|");
    /* |W| = K*Cg*R*S: 2^31 * 2^31 * 1, times S = 2. */
    LAYER(h->l, EC_LAYER_N, 1, EC_LAYER_K, P2(31), EC_LAYER_W, 1);
    ST(ec_layer_get(h->l, EC_LAYER_SIZE_W, &v), EC_OK);
    assert_int_equal(v, P2(62));
    LAYER(h->l, EC_LAYER_W, 2, EC_LAYER_S, 2);
    refused_everywhere(h, EC_E_OVERFLOW, "|W|");
    /* |O| = N*K*P*Q: 2^31 * 2^31 * 1, times Q = 2. */
    LAYER(h->l, EC_LAYER_N, P2(31), EC_LAYER_C, 1, EC_LAYER_S, 1);
    refused_everywhere(h, EC_E_OVERFLOW, "|O|");
    /* MACs = |O|*Cg*R*S: 2^32 * 2^30 * 1 = 2^62, times S = 2 (W = 2
     * keeps Q = 1; |W| = 2^62 still fits). */
    LAYER(h->l, EC_LAYER_N, 2, EC_LAYER_C, P2(30), EC_LAYER_W, 1, EC_LAYER_S, 1);
    ST(ec_layer_get(h->l, EC_LAYER_MACS, &v), EC_OK);
    assert_int_equal(v, P2(62));
    LAYER(h->l, EC_LAYER_W, 2, EC_LAYER_S, 2);
    refused_everywhere(h, EC_E_OVERFLOW, "MACs");
    /* H + pads: 2^60 + (2^60 - 1) fits below 2^61, one more does not; an
     * INT64_MAX pad overflows the sum itself. */
    LAYER(h->l, EC_LAYER_N, 1, EC_LAYER_K, 1, EC_LAYER_C, 1, EC_LAYER_W, 1, EC_LAYER_S, 1,
          EC_LAYER_H, P2(60), EC_LAYER_PAD_TOP, P2(60) - 1);
    ST(ec_layer_get(h->l, EC_LAYER_P, &v), EC_OK);
    assert_int_equal(v, P2(61) - 1);
    LAYER(h->l, EC_LAYER_PAD_BOTTOM, 1);
    refused_everywhere(h, EC_E_OVERFLOW, "pad");
    LAYER(h->l, EC_LAYER_PAD_BOTTOM, INT64_MAX);
    refused_everywhere(h, EC_E_OVERFLOW, "pad");
}

static void test_capacity_0_and_1(void **state)
{
    handles *h = *state;
    ec_status st;
    int64_t v;
    double x;
    /* A 1x1x1x1 layer needs one word of each tensor: 3. */
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, 0), EC_OK);
    ST(evaluate(h, 1), EC_E_CAPACITY);
    assert_contains(ec_result_message(h->r), "3 words over");
    TIMED(st, ec_lower_bound(h->l, h->m, h->r));
    ST(st, EC_E_CAPACITY); /* no schedule exists at all */
    ST(ec_asymptotic(h->l, h->m, EC_POLICY_WS, &x, NULL, NULL), EC_E_CAPACITY);
    const int64_t ones[EC_NDIMS] = {1, 1, 1, 1, 1, 1, 1, 1};
    set_tiles(h->d, ones);
    ST(evaluate(h, 1), EC_E_CAPACITY);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, 1), EC_OK);
    ST(evaluate(h, 1), EC_E_CAPACITY);
    assert_contains(ec_result_message(h->r), "2 words over");
    /* The bound exists from M = 1: T = T_c = 3 (T_io = ceil(1/1) - 1 = 0);
     * energy = MAC 1 + Buffer reads 6 (3 - 1) + writes 6 + (200 + 6) 2 +
     * 200 = 631. */
    TIMED(st, ec_lower_bound(h->l, h->m, h->r));
    ST(st, EC_OK);
    ST(ec_result_bound(h->r, EC_BOUND_TRANSFERS, &v), EC_OK);
    assert_int_equal(v, 3);
    ST(ec_result_bound_energy(h->r, &x), EC_OK);
    assert_true(x == 631);
    /* M = 3 fits: one tile each; this dataflow meets the bound exactly. */
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, 3), EC_OK);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 1, 1, 1, 1, 1);
    double dr, er;
    ST(ec_result_gap(h->r, &dr, &er), EC_OK);
    assert_true(dr == 1 && er == 1);
    /* Partitions of 1, 1, 0: the output partition is the one short. */
    ST(ec_memory_set(h->m, EC_MEM_PARTITION_I, 1), EC_OK);
    ST(ec_memory_set(h->m, EC_MEM_PARTITION_W, 1), EC_OK);
    ST(evaluate(h, 1), EC_E_CAPACITY);
    assert_contains(ec_result_message(h->r), "partition_O");
    ST(ec_memory_set(h->m, EC_MEM_PARTITION_O, 1), EC_OK);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 1, 1, 1, 1, 1);
}

static void test_one_pixel_output(void **state)
{
    handles *h = *state;
    int64_t v;
    /* A 5x7 kernel on a 5x7 input: P = Q = 1. Everything fits the default
     * Buffer (|I| 105 + |W| 210 + |O| 2), so the tiles are whole:
     * DR_I = 3*5*7 = 105, DR_W = 2*3*5*7 = 210, DW_O = 2, MACs = 210. */
    LAYER(h->l, EC_LAYER_C, 3, EC_LAYER_K, 2, EC_LAYER_H, 5, EC_LAYER_W, 7, EC_LAYER_R, 5,
          EC_LAYER_S, 7);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 105, 210, 2, 210, 2);
    /* Strides far beyond the input change nothing: still one pixel. */
    LAYER(h->l, EC_LAYER_STRIDE_H, P2(40), EC_LAYER_STRIDE_W, P2(60));
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 105, 210, 2, 210, 2);
    /* One pixel made by padding: H = 1, R = 3, one row of padding on each
     * side. MACs = 3 (padding taps count), one real row read. */
    LAYER(h->l, EC_LAYER_C, 1, EC_LAYER_K, 1, EC_LAYER_H, 1, EC_LAYER_W, 1, EC_LAYER_R, 3,
          EC_LAYER_S, 1, EC_LAYER_PAD_TOP, 1, EC_LAYER_PAD_BOTTOM, 1);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 1, 3, 1, 3, 1);
    ST(ec_result_bound(h->r, EC_BOUND_W_USED, &v), EC_OK);
    assert_int_equal(v, 1); /* only the middle tap meets a real row */
    ST(ec_result_bound(h->r, EC_BOUND_MACS_REAL, &v), EC_OK);
    assert_int_equal(v, 1);
}

static void test_kernel_larger_than_input(void **state)
{
    handles *h = *state;
    int64_t v;
    /* Without padding: no output. */
    LAYER(h->l, EC_LAYER_H, 3, EC_LAYER_R, 5);
    refused_everywhere(h, EC_E_EMPTY_OUTPUT, "P < 1");
    LAYER(h->l, EC_LAYER_R, 1, EC_LAYER_W, 2, EC_LAYER_S, 3);
    refused_everywhere(h, EC_E_EMPTY_OUTPUT, "Q < 1");
    /* With one row of padding each side: P = 3 + 2 - 5 + 1 = 1; the 3 real
     * rows are read once; MACs = 5; taps 1..3 meet real rows. */
    LAYER(h->l, EC_LAYER_R, 5, EC_LAYER_W, 1, EC_LAYER_S, 1, EC_LAYER_PAD_TOP, 1,
          EC_LAYER_PAD_BOTTOM, 1);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 3, 5, 1, 5, 1);
    ST(ec_result_bound(h->r, EC_BOUND_COMPULSORY, &v), EC_OK);
    assert_int_equal(v, 3 + 3 + 1);
    /* A 2^20-tap kernel on one real row padded by 2^20 - 1 above: P = 1,
     * MACs = 2^20, one real row and one useful tap. Whole tiles. */
    LAYER(h->l, EC_LAYER_H, 1, EC_LAYER_R, P2(20), EC_LAYER_PAD_TOP, P2(20) - 1,
          EC_LAYER_PAD_BOTTOM, 0);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, P2(21)), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 1, P2(20), 1, P2(20), 1);
    ST(ec_result_bound(h->r, EC_BOUND_W_USED, &v), EC_OK);
    assert_int_equal(v, 1);
}

static void test_stride_and_dilation_beyond_input(void **state)
{
    handles *h = *state;
    /* Stride 2^60 on 5 rows, kernel 2: P = 1, rows 0 and 1 read. */
    LAYER(h->l, EC_LAYER_H, 5, EC_LAYER_R, 2, EC_LAYER_STRIDE_H, P2(60));
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 2, 2, 1, 2, 1);
    /* A stride past the coordinate limit is refused, not wrapped. */
    LAYER(h->l, EC_LAYER_STRIDE_H, INT64_MAX);
    refused_everywhere(h, EC_E_OVERFLOW, "2^61");
    /* Dilation 2^40 with as much padding below: P = 5; tap 1 of every
     * output lands in the padding. MACs = 10, DR_I = 5. */
    LAYER(h->l, EC_LAYER_STRIDE_H, 1, EC_LAYER_DILATION_H, P2(40), EC_LAYER_PAD_BOTTOM, P2(40));
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, 5, 2, 5, 10, 5);
    /* Without the padding there is no output; a reach past 2^63 overflows. */
    LAYER(h->l, EC_LAYER_PAD_BOTTOM, 0);
    refused_everywhere(h, EC_E_EMPTY_OUTPUT, "P < 1");
    LAYER(h->l, EC_LAYER_DILATION_H, INT64_MAX);
    refused_everywhere(h, EC_E_OVERFLOW, "2^61");
    /* Stride 2^59, dilation 2^60 on 2^60 + 1 rows: P = 1, rows 0 and 2^60.
     * Exact footprint: 2 words; bounding box: 2^60 + 1. The counter's
     * row bitmap would span 2^60 bits: refused (EC_E_LIMIT). */
    LAYER(h->l, EC_LAYER_H, P2(60) + 1, EC_LAYER_STRIDE_H, P2(59), EC_LAYER_DILATION_H, P2(60));
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, P2(62)), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 2), EC_OK);
    expect(h->r, 2, 2, 1, 2, 1);
    ST(ec_dataflow_set(h->d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
    ST(evaluate(h, 2), EC_OK);
    expect(h->r, P2(60) + 1, 2, 1, 2, 1);
}

static void test_huge_explicit_tiles(void **state)
{
    handles *h = *state;
    /* A batch of 2^40 in one tile: DR_I = DW_O = MACs = 2^40, DR_W = 1. */
    LAYER(h->l, EC_LAYER_N, P2(40));
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, INT64_MAX), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 1), EC_OK);
    expect(h->r, P2(40), 1, P2(40), P2(40), P2(40));
    /* Larger than the extent: refused whatever the size. */
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, P2(40) + 1), EC_OK);
    ST(evaluate(h, 1), EC_E_TILE);
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, INT64_MAX), EC_OK);
    ST(evaluate(h, 1), EC_E_TILE);
    /* Not fitting: the tiles need 2^41 + 1 words, M = 2^40. */
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, P2(40)), EC_OK);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, P2(40)), EC_OK);
    ST(evaluate(h, 1), EC_E_CAPACITY);
    assert_contains(ec_result_message(h->r), "1099511627777 words over");
    /* 2^59 tiles of N and 2 of K, output-stationary (N G K ...): weights
     * reloaded per N tile, DR_W = 2^59 * 2; DR_I = 2^59 (the input tile
     * stays while K moves); DW_O = |O| = 2^60 = MACs. The counter would
     * walk 2^60 iterations: refused. */
    LAYER(h->l, EC_LAYER_N, P2(59), EC_LAYER_K, 2);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, 65536), EC_OK);
    const int64_t t[EC_NDIMS] = {1, 1, 1, 1, 1, 1, 1, 1};
    set_tiles(h->d, t);
    ST(evaluate(h, 2), EC_OK);
    expect(h->r, P2(59), P2(60), P2(60), P2(60), P2(60));
}

static void test_automatic_tiling_on_huge_extents(void **state)
{
    handles *h = *state;
    int64_t v;
    int automatic;
    /* N = 2^36, everything else 1: the counts do not depend on t_N, so the
     * largest balanced tile that fits wins (I + W + O = 2 t_N + 1 words). */
    LAYER(h->l, EC_LAYER_N, P2(36));
    ST(evaluate(h, 0), EC_OK);
    expect(h->r, P2(36), 1, P2(36), P2(36), P2(36));
    ST(ec_result_tile(h->r, EC_DIM_N, &v, &automatic), EC_OK);
    assert_true(automatic);
    assert_int_equal(v, 32767);
    /* N = 2^40 has more than 2^20 balanced tiles: refused, with advice. */
    LAYER(h->l, EC_LAYER_N, P2(40));
    ST(evaluate(h, 0), EC_E_LIMIT);
    assert_contains(ec_result_message(h->r), "explicitly");
    /* ... and evaluates once its tile is given: 2^20 tiles of 2^20 (the
     * other tiles automatic, in a Buffer that holds 2^21 + 1 words). */
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, P2(20)), EC_OK);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, P2(21) + 1), EC_OK);
    ST(evaluate(h, 0), EC_OK);
    expect(h->r, P2(40), 1, P2(40), P2(40), P2(40));
    /* Too many spatial tilings: P = 2^23 + 1 by R = 2^23. */
    LAYER(h->l, EC_LAYER_N, 1, EC_LAYER_H, P2(24), EC_LAYER_R, P2(23));
    ST(ec_dataflow_set(h->d, EC_DF_TILE_N, 0), EC_OK);
    ST(evaluate(h, 0), EC_E_LIMIT);
    assert_contains(ec_result_message(h->r), "spatial");
}

/* Work limits that were hangs (robustness bugs 1-3, fixed in b123dab):
 * a kernel of 2^40 taps cut into tiles of 1 walked every tile (hours);
 * automatic tiling of a 2^25-tap kernel took a minute; an extent of 2^61
 * counted 2^31 balanced tiles before refusing them; the asymptotic figures
 * of a kernel past the bound's 2^24 taps gave an undocumented status. */
/* Tall layers: hundreds of thousands of (t_P, t_R) candidate pairs on one
 * axis (H = 4 * 10^9, R = 3: about 2 * 10^5). The pairs were once sorted by
 * insertion, quadratic in their number: over two minutes. Contract: an
 * answer or a refusal in budget; and one axis too many is refused before
 * any footprint is counted. */
static void test_tall_layer(void **state)
{
    handles *h = *state;
    ec_status st;
    LAYER(h->l, EC_LAYER_H, 4000000000, EC_LAYER_R, 3);
    TIMED(st, ec_evaluate(h->l, h->m, h->d, h->r));
    ST(st, EC_OK);
    LAYER(h->l, EC_LAYER_H, 1000000000, EC_LAYER_R, 3, EC_LAYER_W, 14, EC_LAYER_S, 3);
    TIMED(st, ec_evaluate(h->l, h->m, h->d, h->r));
    ST(st, EC_E_LIMIT);
}

static void test_work_limits(void **state)
{
    handles *h = *state;
    ec_status st;
    double x;
    LAYER(h->l, EC_LAYER_H, P2(40), EC_LAYER_R, P2(40));
    const int64_t ones[EC_NDIMS] = {1, 1, 1, 1, 1, 1, 1, 1};
    set_tiles(h->d, ones);
    ST(evaluate(h, 0), EC_E_LIMIT);
    assert_contains(ec_result_message(h->r), "larger tiles");
    /* Whole tiles: P = 1, every row and tap once. */
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, P2(42)), EC_OK);
    full_tiles(h);
    ST(evaluate(h, 2), EC_OK);
    expect(h->r, P2(40), P2(40), 1, P2(40), 1);
    /* The bound refuses an axis of more than 2^24 taps, and with it the
     * asymptotic figures; the evaluation stands. */
    int64_t v;
    ST(ec_result_bound(h->r, EC_BOUND_TRANSFERS, &v), EC_E_LIMIT);
    ST(ec_result_asymptotic(h->r, &x, NULL, NULL), EC_E_LIMIT);
    TIMED(st, ec_lower_bound(h->l, h->m, h->r));
    ST(st, EC_E_LIMIT);
    TIMED(st, ec_asymptotic(h->l, h->m, EC_POLICY_IS, &x, &x, &x));
    ST(st, EC_E_LIMIT);
    /* Automatic tiling of a 2^25-tap kernel: refused, in budget. */
    LAYER(h->l, EC_LAYER_H, P2(25), EC_LAYER_R, P2(25));
    const int64_t automatic[EC_NDIMS] = {0, 0, 0, 0, 0, 0, 0, 0};
    set_tiles(h->d, automatic);
    ST(evaluate(h, 0), EC_E_LIMIT);
    /* An extent of 2^61 - 1 to tile automatically: refused at once. */
    LAYER(h->l, EC_LAYER_H, 1, EC_LAYER_R, 1, EC_LAYER_N, P2(61) - 1);
    ST(evaluate(h, 0), EC_E_LIMIT);
    assert_contains(ec_result_message(h->r), "explicitly");
}

/* The closed form's budget of 2^22 footprints is shared by the two axes. A
 * square layer with square tiles has the same sums on both, which the
 * closed form counts once (lib/closed_form.c); it must still charge them
 * twice, so that the limit falls where it did: with every tile 1, each
 * R-tile of one P-tile costs 2, so R = S = 10^6 spends 4 * 10^6 (in budget)
 * and 1.5 * 10^6 spends 6 * 10^6 (refused), square or not. */
static void test_square_axes_share_the_budget(void **state)
{
    handles *h = *state;
    const int64_t ones[EC_NDIMS] = {1, 1, 1, 1, 1, 1, 1, 1};
    set_tiles(h->d, ones);
    ST(ec_dataflow_set(h->d, EC_DF_REUSE, EC_REUSE_REFETCH), EC_OK); /* no slide factor */
    LAYER(h->l, EC_LAYER_H, 1000000, EC_LAYER_R, 1000000, EC_LAYER_W, 1000000, EC_LAYER_S, 1000000);
    ST(evaluate(h, 0), EC_OK);
    expect(h->r, 1000000LL * 1000000, 1000000LL * 1000000, 1, 1000000LL * 1000000, 1);
    LAYER(h->l, EC_LAYER_H, 1500000, EC_LAYER_R, 1500000, EC_LAYER_W, 1500000, EC_LAYER_S, 1500000);
    ST(evaluate(h, 0), EC_E_LIMIT);
    assert_contains(ec_result_message(h->r), "2^22");
    LAYER(h->l, EC_LAYER_W, 1500001, EC_LAYER_S, 1500001);
    ST(evaluate(h, 0), EC_E_LIMIT);
}

/* Finite prices whose products with the counts exceed the largest double
 * (robustness bug 4, fixed in b123dab: the energy was +inf and the energy
 * gap NaN): EC_E_OVERFLOW, and the result is not evaluated. */
static void test_energy_overflow(void **state)
{
    handles *h = *state;
    int64_t v;
    double x;
    LAYER(h->l, EC_LAYER_C, 16, EC_LAYER_K, 16, EC_LAYER_H, 8, EC_LAYER_W, 8);
    ST(ec_memory_set_energy(h->m, EC_ENERGY_DRAM_READ, 1.7976931348623157e308), EC_OK);
    ST(evaluate(h, 1), EC_E_OVERFLOW);
    assert_contains(ec_result_message(h->r), "largest double");
    ST(ec_result_count(h->r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_NOT_EVALUATED);
    /* The bound's transfers exist; its energy does not fit a double. */
    ST(ec_lower_bound(h->l, h->m, h->r), EC_OK);
    ST(ec_result_bound(h->r, EC_BOUND_TRANSFERS, &v), EC_OK);
    ST(ec_result_bound_energy(h->r, &x), EC_E_OVERFLOW);
    /* 1e300 per word still fits: 1024 + 2304 + 1024 DRAM words or so. */
    ST(ec_memory_set_energy(h->m, EC_ENERGY_DRAM_READ, 1e300), EC_OK);
    ST(evaluate(h, 1), EC_OK);
    ST(ec_result_energy(h->r, EC_PART_TOTAL, &x), EC_OK);
    assert_true(isfinite(x) && x >= 1e300);
    double dr, er;
    ST(ec_result_gap(h->r, &dr, &er), EC_OK);
    assert_true(dr >= 1 && er >= 1 - 1e-12);
}

/* One key at a time set to each extreme value, tiles whole, a Buffer of
 * 2^63 - 1 words: every call returns a documented status in budget, and
 * whatever evaluates has non-negative counts and a finite energy. */
static void test_extremes_never_wrap(void **state)
{
    handles *h = *state;
    static const int64_t values[] = {INT64_MAX, INT64_MAX - 1, P2(62), P2(61), P2(61) - 1,
                                     P2(60), P2(32) + 1, P2(31), 3037000499, 3037000500};
    const unsigned documented = 1u << EC_OK | 1u << EC_E_GROUPS | 1u << EC_E_EMPTY_OUTPUT |
                                1u << EC_E_OVERFLOW | 1u << EC_E_CAPACITY | 1u << EC_E_LIMIT;
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, INT64_MAX), EC_OK);
    for (int k = 0; k < 16; k++) {
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
            ec_layer *l = ec_layer_create();
            ec_dataflow *d = ec_dataflow_create();
            assert_true(l && d);
            ST(ec_layer_set(l, (ec_layer_param)k, values[i]), EC_OK);
            if (k == EC_LAYER_R) ST(ec_layer_set(l, EC_LAYER_H, values[i]), EC_OK);
            if (k == EC_LAYER_S) ST(ec_layer_set(l, EC_LAYER_W, values[i]), EC_OK);
            ec_status st;
            handles one = {l, h->m, d, h->r};
            if (ec_layer_check(l) == EC_OK) full_tiles(&one);
            TIMED(st, ec_evaluate(l, h->m, d, h->r));
            if (!(documented >> st & 1u))
                fail_msg("key %d = %lld: undocumented status %d", k, (long long)values[i], (int)st);
            for (int t = 0; st == EC_OK && t < 12; t++)
                assert_true(count(h->r, (ec_tensor)(t / 4), (ec_level)(t / 2 % 2), (ec_access)(t % 2)) >= 0);
            double e;
            if (st == EC_OK) {
                ST(ec_result_energy(h->r, EC_PART_TOTAL, &e), EC_OK);
                assert_true(isfinite(e) && e >= 0);
            }
            TIMED(st, ec_lower_bound(l, h->m, h->r));
            if (!(documented >> st & 1u)) fail_msg("bound: undocumented status %d", (int)st);
            ec_layer_destroy(l);
            ec_dataflow_destroy(d);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_extent_int64_max, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_last_multiplication_overflows, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_capacity_0_and_1, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_one_pixel_output, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_kernel_larger_than_input, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_stride_and_dilation_beyond_input, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_huge_explicit_tiles, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_automatic_tiling_on_huge_extents, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_tall_layer, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_work_limits, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_square_axes_share_the_budget, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_energy_overflow, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_extremes_never_wrap, handles_setup, handles_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
