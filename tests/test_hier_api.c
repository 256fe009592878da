/* The hierarchy API (docs/hierarchy.md): every setter's and getter's error
 * paths, the messages naming level, tensor and value, refusals of bad
 * mappings by both evaluators, and one small hierarchy counted by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ecnn.h"

static void test_memory_levels(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    int L = -1;
    assert_int_equal(ec_memory_get_levels(m, &L), EC_OK);
    assert_int_equal(L, 0);
    assert_int_equal(ec_memory_set_levels(NULL, 1), EC_E_NULL);
    assert_int_equal(ec_memory_set_levels(m, EC_HIER_MAX_LEVELS + 1), EC_E_RANGE);
    assert_non_null(strstr(ec_memory_message(m), "levels = 9"));
    assert_int_equal(ec_memory_set_levels(m, -1), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set(m, 1, EC_HIER_CAPACITY, 5), EC_E_RANGE); /* no levels yet */
    assert_int_equal(ec_memory_set_levels(m, 2), EC_OK);
    assert_string_equal(ec_memory_level_name(m, 0), "DRAM");
    assert_string_equal(ec_memory_level_name(m, 2), "L2");
    assert_string_equal(ec_memory_level_name(m, 3), "");
    assert_int_equal(ec_memory_level_set_name(m, 1, "glb"), EC_OK);
    assert_string_equal(ec_memory_level_name(m, 1), "glb");
    assert_int_equal(ec_memory_level_set(m, 3, EC_HIER_CAPACITY, 5), EC_E_RANGE); /* MACs */
    assert_non_null(strstr(ec_memory_message(m), "level 3 (the MACs) has no capacity"));
    assert_int_equal(ec_memory_level_set(m, 3, EC_HIER_MESH_X, 4), EC_OK);
    assert_int_equal(ec_memory_level_set(m, 4, EC_HIER_MESH_X, 4), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set(m, 0, EC_HIER_CAPACITY, 5), EC_E_RANGE);
    assert_non_null(strstr(ec_memory_message(m), "DRAM keeps every tensor and is unbounded"));
    assert_int_equal(ec_memory_level_set(m, 0, EC_HIER_KEEP, 3), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set(m, 1, EC_HIER_KEEP, 8), EC_E_RANGE);
    assert_non_null(strstr(ec_memory_message(m), "level 1 (glb): keep = 8"));
    assert_int_equal(ec_memory_level_set(m, 1, EC_HIER_CAPACITY, -2), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set(m, 1, (ec_hier_param)9, 1), EC_E_KEY);
    int64_t v;
    assert_int_equal(ec_memory_level_get(m, 1, EC_HIER_CAPACITY, &v), EC_OK);
    assert_int_equal(v, EC_CAPACITY_UNBOUNDED);
    assert_int_equal(ec_memory_level_get(m, 1, EC_HIER_KEEP, &v), EC_OK);
    assert_int_equal(v, 7);
    assert_int_equal(ec_memory_level_set_energy(m, 1, EC_TENSOR_W, EC_ACTION_FILL, NAN), EC_E_ENERGY);
    assert_non_null(strstr(ec_memory_message(m), "fill energy of W"));
    assert_int_equal(ec_memory_level_set_energy(m, 1, EC_TENSOR_W, (ec_action)3, 1), EC_E_KEY);
    assert_int_equal(ec_memory_level_set_energy(m, 3, EC_TENSOR_W, EC_ACTION_READ, 1), EC_E_RANGE);
    double e;
    assert_int_equal(ec_memory_level_get_energy(m, 0, EC_TENSOR_O, EC_ACTION_UPDATE, &e), EC_OK);
    assert_true(e == 200); /* the memory's DRAM write energy */
    assert_int_equal(ec_memory_level_get_energy(m, 2, EC_TENSOR_I, EC_ACTION_READ, &e), EC_OK);
    assert_true(e == 6);
    ec_memory_destroy(m);
}

static void test_mapping_setters(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    int64_t f;
    assert_int_equal(ec_dataflow_set_factor(d, EC_HIER_MAX_LEVELS + 1, EC_LOOP_TEMPORAL, EC_DIM_K, 2), EC_E_RANGE);
    assert_int_equal(ec_dataflow_set_factor(d, 1, (ec_loop_kind)3, EC_DIM_K, 2), EC_E_KEY);
    assert_int_equal(ec_dataflow_set_factor(d, 1, EC_LOOP_TEMPORAL, (ec_dim)8, 2), EC_E_KEY);
    assert_int_equal(ec_dataflow_set_factor(d, 1, EC_LOOP_TEMPORAL, EC_DIM_K, -1), EC_E_RANGE);
    assert_non_null(strstr(ec_dataflow_message(d), "factor of K = -1"));
    assert_int_equal(ec_dataflow_set_factor(d, 1, EC_LOOP_SPATIAL_Y, EC_DIM_K, 4), EC_OK);
    assert_int_equal(ec_dataflow_get_factor(d, 1, EC_LOOP_SPATIAL_Y, EC_DIM_K, &f), EC_OK);
    assert_int_equal(f, 4);
    ec_dim order[EC_NDIMS];
    assert_int_equal(ec_dataflow_get_level_order(d, 2, order), EC_OK);
    assert_int_equal(order[0], EC_DIM_N);
    assert_int_equal(order[7], EC_DIM_S);
    assert_int_equal(ec_dataflow_set_level_order_string(d, 2, "SRQPCKGN"), EC_OK);
    assert_int_equal(ec_dataflow_get_level_order(d, 2, order), EC_OK);
    assert_int_equal(order[0], EC_DIM_S);
    assert_int_equal(ec_dataflow_set_level_order_string(d, 2, "SRQPCKGG"), EC_E_ORDER);
    assert_non_null(strstr(ec_dataflow_message(d), "SRQPCKGG"));
    assert_int_equal(ec_dataflow_clear_mapping(d), EC_OK);
    assert_int_equal(ec_dataflow_get_factor(d, 1, EC_LOOP_SPATIAL_Y, EC_DIM_K, &f), EC_OK);
    assert_int_equal(f, 0);
    ec_dataflow_destroy(d);
}

/* A 1-D layer: 8 outputs of a 3-tap kernel, C = K = 1. DRAM -> L1 (keeps
 * I and O) -> L2 (keeps W) with 2 instances along X; P split 4 (DRAM) x 2
 * (spatial X at L1). Counted by hand below. */
static void small(ec_layer *l, ec_memory *m, ec_dataflow *d)
{
    ec_layer_set(l, EC_LAYER_H, 10);
    ec_layer_set(l, EC_LAYER_R, 3);
    ec_memory_set_levels(m, 2);
    ec_memory_level_set(m, 1, EC_HIER_KEEP, 5);
    ec_memory_level_set(m, 2, EC_HIER_KEEP, 2);
    ec_memory_level_set(m, 2, EC_HIER_MESH_X, 2);
    ec_dataflow_set_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_P, 4);
    ec_dataflow_set_factor(d, 1, EC_LOOP_SPATIAL_X, EC_DIM_P, 2);
    ec_dataflow_set_factor(d, 2, EC_LOOP_TEMPORAL, EC_DIM_R, 3);
}

/* On a hierarchy the bound is max(T_c, T_io): T_seg is proven only for one
 * chain of partial sums per output, and spatial reductions are trees
 * (docs/bound.md section 12). A 1x1 layer on 256 words, where T_seg binds
 * in the two-level model, shows the difference. */
static void test_bound_without_segments(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *two = ec_memory_create(), *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create(), *r2 = ec_result_create();
    ec_layer_set(l, EC_LAYER_C, 64);
    ec_layer_set(l, EC_LAYER_K, 64);
    ec_layer_set(l, EC_LAYER_H, 32);
    ec_layer_set(l, EC_LAYER_W, 32);
    ec_memory_set(two, EC_MEM_CAPACITY, 256);
    assert_int_equal(ec_lower_bound(l, two, r2), EC_OK);
    int64_t seg2, t2, tc, tio;
    ec_result_bound(r2, EC_BOUND_SEGMENT, &seg2);
    ec_result_bound(r2, EC_BOUND_TRANSFERS, &t2);
    ec_result_bound(r2, EC_BOUND_COMPULSORY, &tc);
    ec_result_bound(r2, EC_BOUND_COMMUNICATION, &tio);
    assert_true(seg2 > tc && seg2 > tio);
    assert_int_equal(t2, seg2);

    ec_memory_set_levels(m, 1);
    ec_memory_level_set(m, 1, EC_HIER_CAPACITY, 256);
    assert_int_equal(ec_evaluate(l, m, d, r), EC_OK);
    int64_t t, seg, bound, traffic;
    assert_int_equal(ec_result_bound(r, EC_BOUND_TRANSFERS, &t), EC_OK);
    assert_int_equal(ec_result_bound(r, EC_BOUND_SEGMENT, &seg), EC_OK);
    assert_int_equal(seg, seg2); /* still reported, as a figure */
    assert_int_equal(t, tc > tio ? tc : tio);
    assert_int_equal(ec_result_level_bound(r, 1, &bound, &traffic), EC_OK);
    assert_int_equal(bound, t);
    assert_true(traffic >= bound);
    ec_result_destroy(r2);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_memory_destroy(two);
    ec_layer_destroy(l);
}

static void test_hand_counted(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    small(l, m, d);
    ec_result *r = ec_result_create();
    for (int walk = 0; walk < 2; walk++) {
        assert_int_equal((walk ? ec_count : ec_evaluate)(l, m, d, r), EC_OK);
        int64_t v;
        /* L1's input tile: outputs [2b, 2b+2), taps 0..2 -> rows [2b, 2b+4):
         * 4 rows, sliding by 2: 4 + 3*2 = 10 rows read from DRAM. */
        ec_result_level_count(r, 0, EC_TENSOR_I, EC_ACTION_READ, &v);
        assert_int_equal(v, 10);
        ec_result_level_count(r, 1, EC_TENSOR_I, EC_ACTION_FILL, &v);
        assert_int_equal(v, 10);
        /* The MACs read I from L1 (L2 bypasses it): 24 MACs, the two PEs'
         * operands differ (rows p + r of different p). */
        ec_result_level_count(r, 1, EC_TENSOR_I, EC_ACTION_READ, &v);
        assert_int_equal(v, 24);
        /* Weights: L2 in each of the 2 PEs holds all 3 taps, loaded once;
         * DRAM sends them once (both PEs need the same: multicast). */
        ec_result_level_count(r, 2, EC_TENSOR_W, EC_ACTION_FILL, &v);
        assert_int_equal(v, 6);
        ec_result_level_count(r, 0, EC_TENSOR_W, EC_ACTION_READ, &v);
        assert_int_equal(v, 3);
        ec_result_level_count(r, 2, EC_TENSOR_W, EC_ACTION_READ, &v);
        assert_int_equal(v, 24);
        /* Outputs: every MAC updates L1 (24), 8 first accumulations read
         * nothing; each output goes to DRAM once, never read back. */
        ec_result_level_count(r, 1, EC_TENSOR_O, EC_ACTION_UPDATE, &v);
        assert_int_equal(v, 24);
        ec_result_level_count(r, 1, EC_TENSOR_O, EC_ACTION_READ, &v);
        assert_int_equal(v, 16);
        ec_result_level_count(r, 0, EC_TENSOR_O, EC_ACTION_UPDATE, &v);
        assert_int_equal(v, 8);
        ec_result_level_count(r, 0, EC_TENSOR_O, EC_ACTION_READ, &v);
        assert_int_equal(v, 0);
        ec_result_level_count(r, 2, EC_TENSOR_O, EC_ACTION_UPDATE, &v);
        assert_int_equal(v, 0);
        ec_result_level_instances(r, 2, &v);
        assert_int_equal(v, 2);
        int64_t bound, traffic;
        assert_int_equal(ec_result_level_bound(r, 1, &bound, &traffic), EC_OK);
        assert_int_equal(traffic, 10 + 3 + 8);
        assert_true(bound <= traffic);
        /* ec_result_bound() is the bound at DRAM's boundary; no energy bound. */
        int64_t t;
        assert_int_equal(ec_result_bound(r, EC_BOUND_TRANSFERS, &t), EC_OK);
        assert_int_equal(t, bound);
        double g, eb;
        assert_int_equal(ec_result_gap(r, &g, NULL), EC_OK);
        assert_true(g == (double)traffic / (double)bound);
        assert_int_equal(ec_result_bound_energy(r, &eb), EC_E_UNAVAILABLE);
        assert_int_equal(ec_result_gap(r, &g, &eb), EC_E_UNAVAILABLE);
    }
    assert_int_equal(ec_result_level_count(r, 3, EC_TENSOR_O, EC_ACTION_READ, &(int64_t){0}), EC_E_RANGE);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* Clusters and blocks (docs/hierarchy.md): L2 keeps W in 2 instances,
 * 6 fills and 24 reads over both (test_hand_counted). At 1 per word its
 * energy is 30; in one cluster of 2 Timeloop charges the per-instance
 * accesses once per utilized cluster, min(2, 2 / 2) = 1: 15. With 4
 * instances in clusters of 2, the 2 used may sit in 2 clusters: 30 again.
 * Blocks of 5 words: per instance 3 fills and 12 reads are 1 and 3 whole
 * blocks, (1 + 3) x 5 x 2 instances = 40 words. */
static double l2_energy(ec_memory *m, ec_layer *l, ec_dataflow *d, ec_result *r, int walk)
{
    assert_int_equal((walk ? ec_count : ec_evaluate)(l, m, d, r), EC_OK);
    int64_t v;
    ec_result_level_count(r, 2, EC_TENSOR_W, EC_ACTION_FILL, &v);
    assert_int_equal(v, 6);
    ec_result_level_count(r, 2, EC_TENSOR_W, EC_ACTION_READ, &v);
    assert_int_equal(v, 24);
    double e;
    assert_int_equal(ec_result_level_energy(r, 2, &e), EC_OK);
    return e;
}

static void test_clusters(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    int64_t c = 0;
    assert_int_equal(ec_memory_level_set_cluster(m, 1, 2), EC_E_RANGE); /* no levels yet */
    small(l, m, d);
    for (int t = 0; t < 3; t++)
        for (int a = 0; a < 3; a++) ec_memory_level_set_energy(m, 2, (ec_tensor)t, (ec_action)a, 1.0);
    assert_int_equal(ec_memory_level_get_cluster(m, 2, &c), EC_OK);
    assert_int_equal(c, 1);
    assert_int_equal(ec_memory_level_set_cluster(NULL, 2, 2), EC_E_NULL);
    assert_int_equal(ec_memory_level_get_cluster(m, 2, NULL), EC_E_NULL);
    assert_int_equal(ec_memory_level_set_cluster(m, 0, 2), EC_E_RANGE);
    assert_non_null(strstr(ec_memory_message(m), "level 0 (DRAM): cluster = 2"));
    assert_int_equal(ec_memory_level_set_cluster(m, 2, 0), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set_cluster(m, 3, 2), EC_E_RANGE); /* the MACs */
    for (int walk = 0; walk < 2; walk++) {
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 1), EC_OK);
        assert_true(l2_energy(m, l, d, r, walk) == 30.0);
        double total1;
        ec_result_energy(r, EC_PART_TOTAL, &total1);
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 2), EC_OK);
        assert_int_equal(ec_memory_level_get_cluster(m, 2, &c), EC_OK);
        assert_int_equal(c, 2);
        assert_true(l2_energy(m, l, d, r, walk) == 15.0);
        double total2;
        ec_result_energy(r, EC_PART_TOTAL, &total2);
        assert_true(total1 - total2 == 15.0);
        ec_memory_level_set(m, 2, EC_HIER_MESH_X, 4);
        assert_true(l2_energy(m, l, d, r, walk) == 30.0);
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 4), EC_OK);
        assert_true(l2_energy(m, l, d, r, walk) == 15.0);
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 3), EC_OK);
        assert_int_equal((walk ? ec_count : ec_evaluate)(l, m, d, r), EC_E_RANGE);
        assert_non_null(strstr(ec_result_message(r), "level 2 (L2): cluster = 3 does not divide its 4 instances"));
        ec_memory_level_set(m, 2, EC_HIER_MESH_X, 2);
    }
    for (int walk = 0; walk < 2; walk++) {
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 1), EC_OK);
        assert_int_equal(ec_memory_level_set_block(m, 2, 5), EC_OK);
        assert_true(l2_energy(m, l, d, r, walk) == 40.0);
        assert_int_equal(ec_memory_level_set_block(m, 2, 4), EC_OK); /* (1 + 3) x 4 x 2 */
        assert_true(l2_energy(m, l, d, r, walk) == 32.0);
        assert_int_equal(ec_memory_level_set_cluster(m, 2, 2), EC_OK);
        assert_true(l2_energy(m, l, d, r, walk) == 16.0);
        assert_int_equal(ec_memory_level_set_block(m, 2, 1), EC_OK);
    }
    assert_int_equal(ec_memory_level_get_block(m, 2, &c), EC_OK);
    assert_int_equal(c, 1);
    assert_int_equal(ec_memory_level_set_block(m, 2, 0), EC_E_RANGE);
    assert_non_null(strstr(ec_memory_message(m), "level 2 (L2): block = 0"));
    assert_int_equal(ec_memory_level_set_block(m, 3, 2), EC_E_RANGE);
    assert_int_equal(ec_memory_level_set_block(NULL, 0, 2), EC_E_NULL);
    assert_int_equal(ec_memory_level_get_block(m, 0, NULL), EC_E_NULL);
    assert_int_equal(ec_memory_level_set_block(m, 0, 8), EC_OK); /* DRAM has blocks */
    ec_memory_set_levels(m, 2); /* resets the cluster and the block */
    assert_int_equal(ec_memory_level_get_cluster(m, 2, &c), EC_OK);
    assert_int_equal(c, 1);
    assert_int_equal(ec_memory_level_get_block(m, 0, &c), EC_OK);
    assert_int_equal(c, 1);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_refusals(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    small(l, m, d);
    ec_result *r = ec_result_create();
    for (int walk = 0; walk < 2; walk++) {
        ec_status (*f)(const ec_layer *, const ec_memory *, const ec_dataflow *, ec_result *) =
            walk ? ec_count : ec_evaluate;
        ec_dataflow_set_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_P, 3);
        assert_int_equal(f(l, m, d, r), EC_E_TILE);
        assert_non_null(strstr(ec_result_message(r), "factors of P multiply to 6, not its extent 8"));
        int64_t v;
        assert_int_equal(ec_result_level_count(r, 0, EC_TENSOR_I, EC_ACTION_READ, &v), EC_E_NOT_EVALUATED);
        ec_dataflow_set_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_P, 1);
        ec_dataflow_set_factor(d, 1, EC_LOOP_SPATIAL_X, EC_DIM_P, 8);
        assert_int_equal(f(l, m, d, r), EC_E_CAPACITY);
        assert_non_null(strstr(ec_result_message(r), "level 1 (L1): the spatial X factors multiply to 8, beyond its fanout 2 to L2"));
        ec_dataflow_set_factor(d, 1, EC_LOOP_SPATIAL_X, EC_DIM_P, 2);
        ec_dataflow_set_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_P, 4);
        ec_memory_level_set(m, 2, EC_HIER_CAPACITY, 2);
        assert_int_equal(f(l, m, d, r), EC_E_CAPACITY);
        assert_non_null(strstr(ec_result_message(r), "level 2 (L2): the tiles need 3 words"));
        ec_memory_level_set(m, 2, EC_HIER_CAPACITY, EC_CAPACITY_UNBOUNDED);
        ec_dataflow_set_factor(d, 3, EC_LOOP_TEMPORAL, EC_DIM_K, 2);
        assert_int_equal(f(l, m, d, r), EC_E_RANGE);
        ec_dataflow_set_factor(d, 3, EC_LOOP_TEMPORAL, EC_DIM_K, 0);
        assert_int_equal(f(l, m, d, r), EC_OK);
    }
    /* The two-level model answers the per-level getters, not the bound. */
    ec_memory *two = ec_memory_create();
    assert_int_equal(ec_evaluate(l, two, d, r), EC_OK);
    int levels;
    assert_int_equal(ec_result_levels(r, &levels), EC_OK);
    assert_int_equal(levels, 1);
    int64_t macs, upd;
    ec_result_get(r, EC_RESULT_MACS, &macs);
    ec_result_level_count(r, 1, EC_TENSOR_O, EC_ACTION_UPDATE, &upd);
    assert_int_equal(upd, macs);
    assert_int_equal(ec_result_level_bound(r, 1, NULL, NULL), EC_E_UNAVAILABLE);
    ec_memory_destroy(two);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_levels),
        cmocka_unit_test(test_mapping_setters),
        cmocka_unit_test(test_hand_counted),
        cmocka_unit_test(test_bound_without_segments),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_clusters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
