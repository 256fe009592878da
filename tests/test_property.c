/* Property: the closed form (ec_evaluate, docs/model.md section 4) equals the
 * loop-nest walk (ec_count, section 5), field by field, and both refuse the
 * same dataflows, on seeded random layers x orders x tiles x the four input
 * options. The counter shares no counting code with the closed form, so
 * agreement on thousands of cases with padding, strides beyond the kernel's
 * reach, dilation, groups, depthwise, batch and FC layers is the main
 * evidence that section 4 is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "random_layer.h"

#define LAYERS 10000 /* x 4 input options = 40,000 cases */

typedef struct fixture {
    ec_layer *layer;
    ec_memory *memory;
    ec_dataflow *dataflow;
    ec_result *eval, *count;
} fixture;

static int setup(void **state)
{
    static fixture f;
    f.layer = ec_layer_create();
    f.memory = ec_memory_create();
    f.dataflow = ec_dataflow_create();
    f.eval = ec_result_create();
    f.count = ec_result_create();
    *state = &f;
    return f.layer && f.memory && f.dataflow && f.eval && f.count ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ec_layer_destroy(f->layer);
    ec_memory_destroy(f->memory);
    ec_dataflow_destroy(f->dataflow);
    ec_result_destroy(f->eval);
    ec_result_destroy(f->count);
    return 0;
}

/* Compares every field; prints the first difference with the seed. */
static int same_results(const ec_result *a, const ec_result *b, uint64_t seed, int option)
{
    for (int t = 0; t < 3; t++)
        for (int lv = 0; lv < 2; lv++)
            for (int ac = 0; ac < 2; ac++) {
                int64_t x = -1, y = -2;
                ec_result_count(a, (ec_tensor)t, (ec_level)lv, (ec_access)ac, &x);
                ec_result_count(b, (ec_tensor)t, (ec_level)lv, (ec_access)ac, &y);
                if (x != y) {
                    print_error("seed %llu option %d: tensor %d level %d access %d: evaluate %lld, "
                                "count %lld\n", (unsigned long long)seed, option, t, lv, ac,
                                (long long)x, (long long)y);
                    return 0;
                }
            }
    for (int p = EC_PART_TOTAL; p <= EC_PART_TENSOR_O; p++) {
        double x = -1, y = -2;
        ec_result_energy(a, (ec_energy_part)p, &x);
        ec_result_energy(b, (ec_energy_part)p, &y);
        if (x != y) {
            print_error("seed %llu option %d: energy part %d: %.17g vs %.17g\n",
                        (unsigned long long)seed, option, p, x, y);
            return 0;
        }
    }
    int64_t m1 = -1, m2 = -2;
    ec_result_get(a, EC_RESULT_MACS, &m1);
    ec_result_get(b, EC_RESULT_MACS, &m2);
    return m1 == m2;
}

/* One random case: layer, memory (shared or partitioned, sometimes too
 * small), order, explicit tiles. */
static void draw(fixture *f, rng *r)
{
    while (!random_layer(r, (layer_kind)rng_range(r, 0, KIND_COUNT - 1), f->layer, 10)) {
    }
    if (rng_range(r, 0, 3) == 0) {
        for (int t = 0; t < 3; t++)
            ec_memory_set(f->memory, (ec_memory_param)(EC_MEM_PARTITION_I + t), rng_range(r, 1, 200));
    } else {
        for (int t = 0; t < 3; t++) ec_memory_set(f->memory, (ec_memory_param)(EC_MEM_PARTITION_I + t), 0);
        ec_memory_set(f->memory, EC_MEM_CAPACITY, rng_range(r, 3, 600));
    }
    ec_dim order[EC_NDIMS];
    random_order(r, order);
    ec_dataflow_set_order(f->dataflow, order);
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t e = layer_extent(f->layer, (ec_dim)d);
        ec_dataflow_set(f->dataflow, (ec_dataflow_param)(EC_DF_TILE_N + d), rng_range(r, 1, e));
    }
}

static void test_evaluate_equals_count(void **state)
{
    fixture *f = *state;
    int compared = 0, refused = 0;
    for (uint64_t seed = 1; seed <= LAYERS; seed++) {
        rng r = {seed};
        draw(f, &r);
        for (int option = 0; option < 4; option++) {
            ec_dataflow_set(f->dataflow, EC_DF_REUSE, option & 1);
            ec_dataflow_set(f->dataflow, EC_DF_FOOTPRINT, option >> 1);
            ec_status se = ec_evaluate(f->layer, f->memory, f->dataflow, f->eval);
            ec_status sc = ec_count(f->layer, f->memory, f->dataflow, f->count);
            if (se != sc) {
                print_error("seed %llu option %d: evaluate %s (%s), count %s (%s)\n",
                            (unsigned long long)seed, option, ec_status_string(se),
                            ec_result_message(f->eval), ec_status_string(sc),
                            ec_result_message(f->count));
                fail();
            }
            if (se == EC_OK) {
                if (!same_results(f->eval, f->count, seed, option)) fail();
                compared++;
            } else {
                assert_int_equal(se, EC_E_CAPACITY);
                refused++;
            }
        }
    }
    print_message("compared %d cases field by field, %d refused by both for capacity\n",
                  compared, refused);
    /* The generator must exercise both paths substantially. */
    assert_true(compared >= 30000);
    assert_true(refused >= 1000);
}

/* Automatic tiles: both evaluators take the same tiles and agree. */
static void test_automatic_tiles_agree(void **state)
{
    fixture *f = *state;
    int compared = 0;
    for (uint64_t seed = 100001; seed <= 100400; seed++) {
        rng r = {seed};
        draw(f, &r);
        for (int d = 0; d < EC_NDIMS; d++)
            if (rng_range(&r, 0, 1)) ec_dataflow_set(f->dataflow, (ec_dataflow_param)(EC_DF_TILE_N + d), 0);
        ec_status se = ec_evaluate(f->layer, f->memory, f->dataflow, f->eval);
        ec_status sc = ec_count(f->layer, f->memory, f->dataflow, f->count);
        assert_int_equal(se, sc);
        if (se != EC_OK) continue;
        for (int d = 0; d < EC_NDIMS; d++) {
            int64_t t1, t2;
            ec_result_tile(f->eval, (ec_dim)d, &t1, NULL);
            ec_result_tile(f->count, (ec_dim)d, &t2, NULL);
            assert_int_equal(t1, t2);
        }
        assert_true(same_results(f->eval, f->count, seed, 0));
        compared++;
    }
    assert_true(compared >= 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evaluate_equals_count),
        cmocka_unit_test(test_automatic_tiles_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
