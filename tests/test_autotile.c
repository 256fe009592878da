/* Automatic tiling (docs/model.md section 6) against brute force: on small random
 * layers, every balanced tiling (t_d = ceil(extent_d / b), b = 1..extent_d)
 * of the automatic dimensions is evaluated with explicit tiles, and the best
 * by the section's rule (minimum energy, then fewer DRAM accesses, then
 * larger tiles in loop order) must be exactly the tiling the library chose.
 * The search prunes; this test is what proves the pruning loses nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "random_layer.h"

typedef struct best {
    int found;
    double energy;
    int64_t dram;
    int64_t tile[EC_NDIMS];
} best;

/* Distinct balanced tiles of an extent, computed the naive way. */
static int balanced_tiles(int64_t e, int64_t out[64])
{
    int n = 0;
    for (int64_t b = 1; b <= e; b++) {
        int64_t t = (e + b - 1) / b;
        if (n == 0 || out[n - 1] != t) out[n++] = t;
    }
    return n;
}

static int preferred(double e, int64_t dram, const int64_t *tile, const best *b,
                     const ec_dim *order)
{
    if (!b->found) return 1;
    if (e != b->energy) return e < b->energy;
    if (dram != b->dram) return dram < b->dram;
    for (int i = 0; i < EC_NDIMS; i++)
        if (tile[order[i]] != b->tile[order[i]]) return tile[order[i]] > b->tile[order[i]];
    return 0;
}

static best brute_force(const ec_layer *l, const ec_memory *m, ec_dataflow *df,
                        const int64_t fixed[EC_NDIMS])
{
    int64_t cand[EC_NDIMS][64];
    int n[EC_NDIMS], idx[EC_NDIMS] = {0};
    ec_dim order[EC_NDIMS];
    ec_dataflow_get_order(df, order);
    for (int d = 0; d < EC_NDIMS; d++) {
        if (fixed[d]) {
            cand[d][0] = fixed[d];
            n[d] = 1;
        } else {
            n[d] = balanced_tiles(layer_extent(l, (ec_dim)d), cand[d]);
        }
    }
    best b;
    memset(&b, 0, sizeof b);
    ec_result *r = ec_result_create();
    for (;;) {
        int64_t tile[EC_NDIMS];
        for (int d = 0; d < EC_NDIMS; d++) {
            tile[d] = cand[d][idx[d]];
            ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), tile[d]);
        }
        ec_status st = ec_evaluate(l, m, df, r);
        if (st == EC_OK) {
            double e;
            int64_t dram;
            ec_result_energy(r, EC_PART_TOTAL, &e);
            ec_result_get(r, EC_RESULT_DRAM_TOTAL, &dram);
            if (preferred(e, dram, tile, &b, order)) {
                b.found = 1;
                b.energy = e;
                b.dram = dram;
                memcpy(b.tile, tile, sizeof tile);
            }
        } else {
            assert_int_equal(st, EC_E_CAPACITY);
        }
        int d = 0;
        while (d < EC_NDIMS && ++idx[d] == n[d]) idx[d++] = 0;
        if (d == EC_NDIMS) break;
    }
    ec_result_destroy(r);
    for (int d = 0; d < EC_NDIMS; d++) /* restore the caller's tiles */
        ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), fixed[d]);
    return b;
}

static void check_case(uint64_t seed, int *found, int *infeasible)
{
    rng r = {seed};
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *res = ec_result_create();
    while (!random_layer(&r, (layer_kind)rng_range(&r, 0, KIND_COUNT - 1), l, 14)) {
    }
    if (rng_range(&r, 0, 4) == 0) {
        for (int t = 0; t < 3; t++)
            ec_memory_set(m, (ec_memory_param)(EC_MEM_PARTITION_I + t), rng_range(&r, 1, 120));
    } else {
        ec_memory_set(m, EC_MEM_CAPACITY, rng_range(&r, 1, 400));
    }
    /* Energies: the default, or random prices (zeros included) that move
     * the optimum and exercise the tie-breaks. */
    if (rng_range(&r, 0, 1)) {
        for (int e = 0; e < 5; e++)
            ec_memory_set_energy(m, (ec_energy_param)e, (double)rng_range(&r, 0, 4));
    }
    int which = (int)rng_range(&r, 0, 3);
    if (which < 3) {
        ec_dataflow_set(df, EC_DF_POLICY, which);
    } else {
        ec_dim order[EC_NDIMS];
        random_order(&r, order);
        ec_dataflow_set_order(df, order);
    }
    ec_dataflow_set(df, EC_DF_REUSE, rng_range(&r, 0, 1));
    ec_dataflow_set(df, EC_DF_FOOTPRINT, rng_range(&r, 0, 1));
    int64_t fixed[EC_NDIMS] = {0};
    for (int d = 0; d < EC_NDIMS; d++) {
        if (rng_range(&r, 0, 4) == 0) fixed[d] = rng_range(&r, 1, layer_extent(l, (ec_dim)d));
        ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), fixed[d]);
    }

    ec_status st = ec_evaluate(l, m, df, res);
    best b = brute_force(l, m, df, fixed);
    if (!b.found) {
        if (st != EC_E_CAPACITY)
            print_error("seed %llu: brute force finds no tiling, library says %s\n",
                        (unsigned long long)seed, ec_status_string(st));
        assert_int_equal(st, EC_E_CAPACITY);
        (*infeasible)++;
    } else {
        if (st != EC_OK) print_error("seed %llu: %s\n", (unsigned long long)seed, ec_result_message(res));
        assert_int_equal(st, EC_OK);
        double e;
        ec_result_energy(res, EC_PART_TOTAL, &e);
        for (int d = 0; d < EC_NDIMS; d++) {
            int64_t t;
            int automatic;
            ec_result_tile(res, (ec_dim)d, &t, &automatic);
            if (t != b.tile[d])
                print_error("seed %llu: dim %d: library tile %lld (energy %.17g), brute force %lld "
                            "(energy %.17g)\n", (unsigned long long)seed, d, (long long)t, e,
                            (long long)b.tile[d], b.energy);
            assert_int_equal(t, b.tile[d]);
            assert_int_equal(automatic, fixed[d] == 0);
        }
        assert_true(e == b.energy);
        (*found)++;
    }
    ec_result_destroy(res);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_automatic_equals_brute_force(void **state)
{
    (void)state;
    int found = 0, infeasible = 0;
    for (uint64_t seed = 1; seed <= 600; seed++) check_case(seed, &found, &infeasible);
    print_message("%d cases matched brute force, %d infeasible for both\n", found, infeasible);
    assert_true(found >= 450);
    assert_true(infeasible >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_automatic_equals_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
