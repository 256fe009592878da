/* Matrix products as layers (docs/gemm.md, docs/model.md section 10):
 * ec_layer_set_gemm() and ec_layer_get_gemm() against counts derived by
 * hand for tiled matrix products, for both evaluators. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ecnn.h"

#include <string.h>

static int64_t derived(const ec_layer *l, ec_layer_param key)
{
    int64_t v = -1;
    assert_int_equal(ec_layer_get(l, key, &v), EC_OK);
    return v;
}

/* BERT-base's query projection over 2 sequences of 128 tokens, and one of
 * its attention products (12 heads of 64, per sequence): the sizes are
 * those of the matrices. */
static void test_sizes(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_int_equal(ec_layer_set_gemm(l, 2, 1, 128, 768, 768), EC_OK);
    assert_int_equal(ec_layer_check(l), EC_OK);
    assert_int_equal(derived(l, EC_LAYER_MACS), 2LL * 128 * 768 * 768);
    assert_int_equal(derived(l, EC_LAYER_SIZE_I), 2LL * 128 * 768); /* A */
    assert_int_equal(derived(l, EC_LAYER_SIZE_W), 768LL * 768);     /* B, once */
    assert_int_equal(derived(l, EC_LAYER_SIZE_O), 2LL * 128 * 768);
    /* Q K^T: 2 sequences x 12 heads, each its own K^T (64 x 128). */
    assert_int_equal(ec_layer_set_gemm(l, 1, 24, 128, 64, 128), EC_OK);
    assert_int_equal(derived(l, EC_LAYER_MACS), 24LL * 128 * 64 * 128);
    assert_int_equal(derived(l, EC_LAYER_SIZE_I), 24LL * 128 * 64);
    assert_int_equal(derived(l, EC_LAYER_SIZE_W), 24LL * 64 * 128);
    assert_int_equal(derived(l, EC_LAYER_SIZE_O), 24LL * 128 * 128);
    int64_t b, g, m, k, n;
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, &n), EC_OK);
    assert_int_equal(b, 1);
    assert_int_equal(g, 24);
    assert_int_equal(m, 128);
    assert_int_equal(k, 64);
    assert_int_equal(n, 128);
    ec_layer_destroy(l);
}

static void test_errors(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_int_equal(ec_layer_set_gemm(NULL, 1, 1, 1, 1, 1), EC_E_NULL);
    assert_int_equal(ec_layer_set_gemm(l, 3, 1, 5, 7, 11), EC_OK);
    assert_int_equal(ec_layer_set_gemm(l, 1, 1, 0, 1, 1), EC_E_RANGE);
    assert_non_null(strstr(ec_layer_message(l), "m = 0"));
    assert_int_equal(ec_layer_set_gemm(l, 1, -2, 1, 1, 1), EC_E_RANGE);
    assert_non_null(strstr(ec_layer_message(l), "groups = -2"));
    assert_int_equal(ec_layer_set_gemm(l, 1, INT64_MAX / 2, 1, 3, 1), EC_E_OVERFLOW);
    assert_non_null(strstr(ec_layer_message(l), "groups * k"));
    /* Unchanged by the failed calls. */
    assert_int_equal(derived(l, EC_LAYER_MACS), 3 * 5 * 7 * 11);
    /* Representable but too large for the model: refused by the check. */
    assert_int_equal(ec_layer_set_gemm(l, 1, 1, INT64_MAX / 4, 1 << 20, 1), EC_OK);
    assert_int_equal(ec_layer_check(l), EC_E_OVERFLOW);

    int64_t b = -7, g, m, k, n;
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, NULL), EC_E_NULL);
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, &n), EC_E_OVERFLOW);
    assert_int_equal(b, -7);
    /* A 3x3 convolution is not a product; a 1x1 one on 56x56 is, of 3136 rows. */
    ec_layer_destroy(l);
    l = ec_layer_create();
    ec_layer_set(l, EC_LAYER_C, 64);
    ec_layer_set(l, EC_LAYER_K, 256);
    ec_layer_set(l, EC_LAYER_H, 56);
    ec_layer_set(l, EC_LAYER_W, 56);
    ec_layer_set(l, EC_LAYER_R, 3);
    ec_layer_set(l, EC_LAYER_S, 3);
    ec_layer_set(l, EC_LAYER_PAD_TOP, 1);
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, &n), EC_E_UNAVAILABLE);
    ec_layer_set(l, EC_LAYER_R, 1);
    ec_layer_set(l, EC_LAYER_S, 1);
    ec_layer_set(l, EC_LAYER_PAD_TOP, 0);
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, &n), EC_OK);
    assert_int_equal(m, 3136);
    assert_int_equal(k, 64);
    assert_int_equal(n, 256);
    ec_layer_set(l, EC_LAYER_STRIDE_W, 2);
    assert_int_equal(ec_layer_get_gemm(l, &b, &g, &m, &k, &n), EC_E_UNAVAILABLE);
    ec_layer_destroy(l);
}

typedef ec_status (*evaluator)(const ec_layer *, const ec_memory *, const ec_dataflow *,
                               ec_result *);

static int64_t dram(const ec_result *r, ec_tensor t, ec_access a)
{
    int64_t v = -1;
    assert_int_equal(ec_result_count(r, t, EC_LEVEL_DRAM, a, &v), EC_OK);
    return v;
}

/* The textbook tiled product A (4 x 2) times B (2 x 6): row tiles of 2,
 * column tiles of 3, the whole k in the Buffer, rows outer, columns inner
 * (order N G P K C Q R S). The A tile changes only with the row tile: A is
 * read once, 8 words. The B tile (2 x 3) changes every outer iteration
 * (2 row tiles x 2 column tiles = 4 iterations): 4 x 6 = 24 words, |B|
 * times M / Mt. Each output tile is finished in its one iteration: written
 * once (24 words), never read back. */
static void test_tiled_product(void **state)
{
    (void)state;
    evaluator ev[2] = {ec_evaluate, ec_count};
    for (int e = 0; e < 2; e++) {
        ec_layer *l = ec_layer_create();
        ec_memory *mem = ec_memory_create();
        ec_dataflow *d = ec_dataflow_create();
        ec_result *r = ec_result_create();
        assert_int_equal(ec_layer_set_gemm(l, 1, 1, 4, 2, 6), EC_OK);
        assert_int_equal(ec_dataflow_set_order_string(d, "NGPKCQRS"), EC_OK);
        assert_int_equal(ec_dataflow_set(d, EC_DF_TILE_P, 2), EC_OK);
        assert_int_equal(ec_dataflow_set(d, EC_DF_TILE_K, 3), EC_OK);
        assert_int_equal(ec_dataflow_set(d, EC_DF_TILE_C, 2), EC_OK);
        for (int t = EC_DF_TILE_N; t <= EC_DF_TILE_S; t++)
            if (t != EC_DF_TILE_P && t != EC_DF_TILE_K && t != EC_DF_TILE_C)
                assert_int_equal(ec_dataflow_set(d, (ec_dataflow_param)t, 1), EC_OK);
        assert_int_equal(ev[e](l, mem, d, r), EC_OK);
        assert_int_equal(dram(r, EC_TENSOR_I, EC_ACCESS_READ), 8);
        assert_int_equal(dram(r, EC_TENSOR_W, EC_ACCESS_READ), 24);
        assert_int_equal(dram(r, EC_TENSOR_O, EC_ACCESS_READ), 0);
        assert_int_equal(dram(r, EC_TENSOR_O, EC_ACCESS_WRITE), 24);
        ec_result_destroy(r);
        ec_dataflow_destroy(d);
        ec_memory_destroy(mem);
        ec_layer_destroy(l);
    }
}

/* Three products of 2 x 2 matrices with a Buffer holding everything: when
 * they share B (batch 3) the best schedule reads B once, 4 words; when
 * each has its own (groups 3, as attention's) it must read all three, 12.
 * A and the outputs are 12 words either way. */
static void test_shared_vs_own_operand(void **state)
{
    (void)state;
    const int64_t shape[2][2] = {{3, 1}, {1, 3}}; /* batch, groups */
    const int64_t want_w[2] = {4, 12};
    for (int c = 0; c < 2; c++) {
        ec_layer *l = ec_layer_create();
        ec_memory *mem = ec_memory_create();
        ec_dataflow *d = ec_dataflow_create();
        ec_result *r = ec_result_create();
        assert_int_equal(ec_layer_set_gemm(l, shape[c][0], shape[c][1], 2, 2, 2), EC_OK);
        assert_int_equal(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OPTIMAL), EC_OK);
        assert_int_equal(ec_evaluate(l, mem, d, r), EC_OK);
        assert_int_equal(dram(r, EC_TENSOR_I, EC_ACCESS_READ), 12);
        assert_int_equal(dram(r, EC_TENSOR_W, EC_ACCESS_READ), want_w[c]);
        assert_int_equal(dram(r, EC_TENSOR_O, EC_ACCESS_WRITE), 12);
        ec_result_destroy(r);
        ec_dataflow_destroy(d);
        ec_memory_destroy(mem);
        ec_layer_destroy(l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_tiled_product),
        cmocka_unit_test(test_shared_vs_own_operand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
