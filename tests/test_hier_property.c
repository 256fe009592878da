/* Property tests of hierarchies (docs/hierarchy.md):
 *  - ec_evaluate() (closed form) == ec_count() (walk of the loop nest) on
 *    every count, instance number and energy, for seeded random layers
 *    (padding, strides, dilation, groups, batch) on random hierarchies of
 *    2 to 5 levels (bypass, fanout along X and Y, capacities) under random
 *    mappings (factors spread over levels and spatial axes, orders, slide
 *    or refetch);
 *  - a one-level hierarchy built through the new API gives exactly the
 *    two-level model's counts and energy (explicit tiles that divide their
 *    extents, bounding-box footprints, any order). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ecnn.h"
#include "random_layer.h"

#define HIER_CASES 6000
#define ONE_LEVEL_CASES 3000

static int64_t random_divisor(rng *r, int64_t n, int64_t cap)
{
    int64_t d[64];
    int k = 0;
    for (int64_t i = 1; i <= n && k < 64; i++)
        if (n % i == 0 && i <= cap) d[k++] = i;
    return d[rng_range(r, 0, k - 1)];
}

static void extents(const ec_layer *l, int64_t e[EC_NDIMS])
{
    int64_t v;
    ec_layer_get(l, EC_LAYER_N, &e[EC_DIM_N]);
    ec_layer_get(l, EC_LAYER_G, &e[EC_DIM_G]);
    ec_layer_get(l, EC_LAYER_K, &v);
    e[EC_DIM_K] = v / e[EC_DIM_G];
    ec_layer_get(l, EC_LAYER_C, &v);
    e[EC_DIM_C] = v / e[EC_DIM_G];
    ec_layer_get(l, EC_LAYER_P, &e[EC_DIM_P]);
    ec_layer_get(l, EC_LAYER_Q, &e[EC_DIM_Q]);
    ec_layer_get(l, EC_LAYER_R, &e[EC_DIM_R]);
    ec_layer_get(l, EC_LAYER_S, &e[EC_DIM_S]);
}

static void test_evaluate_equals_count(void **state)
{
    (void)state;
    int compared = 0, refused = 0, with_bypass = 0, with_fanout = 0, with_padding = 0;
    int bounds = 0, bound_tight = 0;
    for (int i = 0; i < HIER_CASES; i++) {
        rng r = {0x51E7A000u + (uint64_t)i};
        ec_layer *ly = ec_layer_create();
        while (!random_layer(&r, (layer_kind)(i % KIND_COUNT), ly, 9)) {}
        int64_t e[EC_NDIMS];
        extents(ly, e);
        int64_t pad = 0, v;
        for (int k = EC_LAYER_PAD_TOP; k <= EC_LAYER_PAD_RIGHT; k++) {
            ec_layer_get(ly, (ec_layer_param)k, &v);
            pad += v;
        }
        with_padding += pad > 0;
        /* 2 to 5 levels; every tenth case deeper, up to the limit of 8 on chip. */
        int L = i % 10 == 9 ? (int)rng_range(&r, 5, EC_HIER_MAX_LEVELS) : (int)rng_range(&r, 1, 4);
        ec_memory *m = ec_memory_create();
        assert_int_equal(ec_memory_set_levels(m, L), EC_OK);
        int64_t fan[EC_HIER_MAX_LEVELS + 1][2], mesh[2] = {1, 1};
        int bypass = 0, fanout = 0;
        for (int l = 0; l <= L; l++) {
            fan[l][0] = rng_range(&r, 0, 2) ? 1 : rng_range(&r, 2, 4);
            fan[l][1] = rng_range(&r, 0, 2) ? 1 : rng_range(&r, 2, 3);
            if (l >= 1) {
                int64_t keep = rng_range(&r, 0, 3) ? 7 : rng_range(&r, 0, 7);
                bypass |= keep != 7;
                assert_int_equal(ec_memory_level_set(m, l, EC_HIER_KEEP, keep), EC_OK);
                ec_memory_level_set(m, l, EC_HIER_MESH_X, mesh[0]);
                ec_memory_level_set(m, l, EC_HIER_MESH_Y, mesh[1]);
                if (rng_range(&r, 0, 4) == 0)
                    ec_memory_level_set(m, l, EC_HIER_CAPACITY, rng_range(&r, 0, 400));
            }
            for (int t = 0; t < 3; t++)
                for (int a = 0; a < 3; a++)
                    if (l || a != EC_ACTION_FILL)
                        ec_memory_level_set_energy(m, l, (ec_tensor)t, (ec_action)a,
                                                   (double)rng_range(&r, 0, 1000) / 8);
            mesh[0] *= fan[l][0];
            mesh[1] *= fan[l][1];
        }
        ec_memory_level_set(m, L + 1, EC_HIER_MESH_X, mesh[0]);
        ec_memory_level_set(m, L + 1, EC_HIER_MESH_Y, mesh[1]);
        ec_dataflow *d = ec_dataflow_create();
        ec_dataflow_set(d, EC_DF_REUSE, rng_range(&r, 0, 3) ? EC_REUSE_SLIDE : EC_REUSE_REFETCH);
        int64_t budget[EC_HIER_MAX_LEVELS + 1][2];
        memcpy(budget, fan, sizeof budget);
        for (int dd = 0; dd < EC_NDIMS; dd++) {
            int64_t rem = e[dd];
            for (int l = L; l >= 0; l--) {
                for (int k = 2; k >= 0; k--) {
                    if (l == 0 && k == 0) continue;
                    if (rng_range(&r, 0, 2) == 0) continue;
                    int64_t cap = k ? budget[l][k - 1] : rem;
                    int64_t f = random_divisor(&r, rem, cap);
                    if (k) budget[l][k - 1] /= f;
                    fanout |= k && f > 1;
                    ec_dataflow_set_factor(d, l, (ec_loop_kind)k, (ec_dim)dd, f);
                    rem /= f;
                }
            }
            if (rng_range(&r, 0, 1)) ec_dataflow_set_factor(d, 0, EC_LOOP_TEMPORAL, (ec_dim)dd, rem);
        }
        for (int l = 0; l <= L; l++) {
            ec_dim order[EC_NDIMS];
            random_order(&r, order);
            ec_dataflow_set_level_order(d, l, order);
        }
        ec_result *a = ec_result_create(), *b = ec_result_create();
        ec_status sa = ec_evaluate(ly, m, d, a), sb = ec_count(ly, m, d, b);
        if (sa != sb || (sa && strcmp(ec_result_message(a), ec_result_message(b))))
            fail_msg("case %d: evaluate %s (%s), count %s (%s)", i, ec_status_string(sa),
                     ec_result_message(a), ec_status_string(sb), ec_result_message(b));
        if (sa == EC_OK) {
            compared++;
            with_bypass += bypass;
            with_fanout += fanout;
            for (int l = 0; l <= L + 1; l++) {
                int64_t ia, ib;
                assert_int_equal(ec_result_level_instances(a, l, &ia), EC_OK);
                assert_int_equal(ec_result_level_instances(b, l, &ib), EC_OK);
                if (ia != ib) fail_msg("case %d: level %d instances %lld != %lld", i, l, (long long)ia, (long long)ib);
                if (l > L) continue;
                for (int t = 0; t < 3; t++)
                    for (int act = 0; act < 3; act++) {
                        int64_t ca, cb;
                        ec_result_level_count(a, l, (ec_tensor)t, (ec_action)act, &ca);
                        ec_result_level_count(b, l, (ec_tensor)t, (ec_action)act, &cb);
                        if (ca != cb)
                            fail_msg("case %d (L=%d): level %d tensor %d action %d: evaluate %lld, "
                                     "count %lld", i, L, l, t, act, (long long)ca, (long long)cb);
                        if (ca < 0)
                            fail_msg("case %d (L=%d): level %d tensor %d action %d: %lld < 0", i, L,
                                     l, t, act, (long long)ca);
                    }
                double ea, eb;
                ec_result_level_energy(a, l, &ea);
                ec_result_level_energy(b, l, &eb);
                assert_true(ea == eb);
            }
            double ea, eb;
            ec_result_energy(a, EC_PART_TOTAL, &ea);
            ec_result_energy(b, EC_PART_TOTAL, &eb);
            assert_true(ea == eb);
            /* The two-level bound with each level and all inside it as the
             * Buffer never exceeds the words that crossed its boundary. */
            for (int l = 1; l <= L; l++) {
                int64_t bound, traffic;
                ec_status sbd = ec_result_level_bound(a, l, &bound, &traffic);
                if (sbd == EC_E_UNAVAILABLE) continue; /* e.g. a Buffer of 0 words */
                assert_int_equal(sbd, EC_OK);
                if (bound > traffic)
                    fail_msg("case %d: level %d: bound %lld > traffic %lld", i, l, (long long)bound,
                             (long long)traffic);
                bounds++;
                bound_tight += bound == traffic;
            }
        } else {
            refused++;
        }
        ec_result_destroy(a);
        ec_result_destroy(b);
        ec_dataflow_destroy(d);
        ec_memory_destroy(m);
        ec_layer_destroy(ly);
    }
    printf("hierarchies: %d compared, %d refused by both (capacity); %d with bypass, %d with "
           "fanout, %d layers with padding\n", compared, refused, with_bypass, with_fanout,
           with_padding);
    printf("per-boundary bounds checked: %d (%d met exactly)\n", bounds, bound_tight);
    assert_true(compared >= 5000 && bounds >= 5000);
    assert_true(with_bypass >= 1000 && with_fanout >= 1000);
}

static void test_one_level_is_two_level(void **state)
{
    (void)state;
    int compared = 0;
    for (int i = 0; i < ONE_LEVEL_CASES; i++) {
        rng r = {0x0E1E7000u + (uint64_t)i};
        ec_layer *ly = ec_layer_create();
        while (!random_layer(&r, (layer_kind)(i % KIND_COUNT), ly, 12)) {}
        int64_t e[EC_NDIMS];
        extents(ly, e);
        ec_dim order[EC_NDIMS];
        random_order(&r, order);
        ec_reuse reuse = rng_range(&r, 0, 3) ? EC_REUSE_SLIDE : EC_REUSE_REFETCH;
        ec_memory *old = ec_memory_create(), *hm = ec_memory_create();
        ec_memory_set(old, EC_MEM_CAPACITY, (int64_t)1 << 40);
        ec_dataflow *dold = ec_dataflow_create(), *dnew = ec_dataflow_create();
        ec_dataflow_set_order(dold, order);
        ec_dataflow_set(dold, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX);
        ec_dataflow_set(dold, EC_DF_REUSE, reuse);
        ec_dataflow_set(dnew, EC_DF_REUSE, reuse);
        for (int k = 0; k < 5; k++) {
            double v = (double)rng_range(&r, 0, 400) / 4;
            ec_memory_set_energy(old, (ec_energy_param)k, v);
            ec_memory_set_energy(hm, (ec_energy_param)k, v);
        }
        assert_int_equal(ec_memory_set_levels(hm, 1), EC_OK);
        ec_dataflow_set_level_order(dnew, 0, order);
        for (int dd = 0; dd < EC_NDIMS; dd++) {
            int64_t t = random_divisor(&r, e[dd], e[dd]);
            ec_dataflow_set(dold, (ec_dataflow_param)(EC_DF_TILE_N + dd), t);
            ec_dataflow_set_factor(dnew, 1, EC_LOOP_TEMPORAL, (ec_dim)dd, t);
        }
        ec_result *a = ec_result_create(), *b = ec_result_create();
        assert_int_equal(ec_evaluate(ly, old, dold, a), EC_OK);
        ec_status st = ec_evaluate(ly, hm, dnew, b);
        if (st) fail_msg("case %d: %s", i, ec_result_message(b));
        for (int t = 0; t < 3; t++)
            for (int lv = 0; lv < 2; lv++)
                for (int acc = 0; acc < 2; acc++) {
                    int64_t ca, cb;
                    ec_result_count(a, (ec_tensor)t, (ec_level)lv, (ec_access)acc, &ca);
                    ec_result_count(b, (ec_tensor)t, (ec_level)lv, (ec_access)acc, &cb);
                    if (ca != cb)
                        fail_msg("case %d: tensor %d level %d access %d: two-level %lld, one-level "
                                 "hierarchy %lld", i, t, lv, acc, (long long)ca, (long long)cb);
                }
        for (int lv = 0; lv < 2; lv++)
            for (int t = 0; t < 3; t++)
                for (int act = 0; act < 3; act++) {
                    int64_t ca, cb;
                    ec_result_level_count(a, lv, (ec_tensor)t, (ec_action)act, &ca);
                    ec_result_level_count(b, lv, (ec_tensor)t, (ec_action)act, &cb);
                    if (ca != cb)
                        fail_msg("case %d: level %d tensor %d action %d: two-level %lld, one-level "
                                 "hierarchy %lld", i, lv, t, act, (long long)ca, (long long)cb);
                }
        double ea, eb;
        ec_result_energy(a, EC_PART_TOTAL, &ea);
        ec_result_energy(b, EC_PART_TOTAL, &eb);
        if (ea != eb && !(ea > 0 && (ea - eb) / ea < 1e-12 && (eb - ea) / ea < 1e-12))
            fail_msg("case %d: energy %.17g != %.17g", i, ea, eb);
        compared++;
        ec_result_destroy(a);
        ec_result_destroy(b);
        ec_dataflow_destroy(dold);
        ec_dataflow_destroy(dnew);
        ec_memory_destroy(old);
        ec_memory_destroy(hm);
        ec_layer_destroy(ly);
    }
    printf("one-level hierarchies equal to the two-level model: %d\n", compared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_level_is_two_level),
        cmocka_unit_test(test_evaluate_equals_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
