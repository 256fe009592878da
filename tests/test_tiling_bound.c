/* The joint channel bound of the tiling search (lib/tiling_bound.c;
 * docs/search.md section 7, item 2b) against brute force. On small random
 * layers, memories and orders, for every spatial choice: every channel
 * tiling is priced through the public API (explicit tiles), and the bound
 * must not rule the order out at the least energy found there, nor under
 * random prefixes of fixed channel tiles at the least energy among the
 * tilings with that prefix. The search's answers being unchanged (test_autotile,
 * test_search) shows the pruning loses nothing there; this test checks
 * the bound itself on every choice, including those the search never
 * reaches. It also counts how often the bound is within 1% of the least
 * DRAM traffic when only DRAM accesses cost energy (it rules the order out
 * at 0.99 of the least): a bound that seldom does would be useless, and
 * the test fails. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "random_layer.h"
#include "tiling.h"

static const ec_dim chan[4] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C};

/* Energy of the tiling with channel candidate indices ci under df (spatial
 * tiles set by the caller); INFINITY if it does not fit. */
static double price(const ec_layer *l, const ec_memory *m, ec_dataflow *df, ec_result *res,
                    const ec_tiler *t, const size_t ci[4])
{
    for (int i = 0; i < 4; i++)
        ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + chan[i]), t->c[chan[i]].t[ci[i]]);
    ec_status st = ec_evaluate(l, m, df, res);
    if (st == EC_E_CAPACITY) return INFINITY;
    if (st != EC_OK) fail_msg("evaluate: %s", ec_result_message(res));
    double e;
    ec_result_energy(res, EC_PART_TOTAL, &e);
    return e;
}

typedef struct tally {
    int choices, prefixes, dram, tight;
} tally;

/* Least energy over the channel tilings with the dimensions of `fixed` at
 * idx[] (all candidates of the others), and for each other dimension the
 * largest feasible tile with the fixed ones as given and the rest smallest
 * (cm[]). INFINITY if none fits. */
static double least(const ec_layer *l, const ec_memory *m, ec_dataflow *df, ec_result *res,
                    const ec_tiler *t, unsigned fixed, const size_t idx[4], size_t cm[4])
{
    size_t n[4], ci[4];
    for (int i = 0; i < 4; i++) n[i] = t->c[chan[i]].n;
    double best = INFINITY;
    for (ci[0] = 0; ci[0] < n[0]; ci[0]++)
        for (ci[1] = 0; ci[1] < n[1]; ci[1]++)
            for (ci[2] = 0; ci[2] < n[2]; ci[2]++)
                for (ci[3] = 0; ci[3] < n[3]; ci[3]++) {
                    int skip = 0;
                    for (int i = 0; i < 4; i++) skip |= (fixed >> i & 1u) && ci[i] != idx[i];
                    if (skip) continue;
                    double e = price(l, m, df, res, t, ci);
                    if (e < best) best = e;
                }
    for (int i = 0; i < 4; i++) {
        cm[i] = idx[i];
        if (fixed >> i & 1u) continue;
        for (size_t k = 0; k < n[i]; k++) { /* candidates descend: the first that fits */
            for (int j = 0; j < 4; j++) ci[j] = j == i ? k : (fixed >> j & 1u) ? idx[j] : n[j] - 1;
            if (isfinite(price(l, m, df, res, t, ci))) {
                cm[i] = k;
                break;
            }
        }
    }
    return best;
}

static void check_case(uint64_t seed, tally *tl)
{
    rng r = {seed * 0x2545F4914F6CDD1Dull};
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *res = ec_result_create();
    while (!random_layer(&r, (layer_kind)rng_range(&r, 0, KIND_COUNT - 1), l, 8)) {
    }
    if (rng_range(&r, 0, 3) == 0) {
        for (int x = 0; x < 3; x++)
            ec_memory_set(m, (ec_memory_param)(EC_MEM_PARTITION_I + x), rng_range(&r, 1, 150));
    } else {
        ec_memory_set(m, EC_MEM_CAPACITY, rng_range(&r, 4, 500));
    }
    /* Energies: the default, random prices (zeros included), or DRAM
     * accesses alone (where the tightness count means something: with
     * the fixed Buffer and MAC energies every bound is near the least). */
    int kind = (int)rng_range(&r, 0, 2), dram_only = kind == 2;
    for (int e = 0; kind && e < 5; e++)
        ec_memory_set_energy(m, (ec_energy_param)e,
                             dram_only ? (e <= EC_ENERGY_DRAM_WRITE) : (double)rng_range(&r, 0, 4));
    ec_dim order[EC_NDIMS];
    random_order(&r, order);
    ec_dataflow_set_order(df, order);
    ec_dataflow_set(df, EC_DF_REUSE, rng_range(&r, 0, 1));
    ec_dataflow_set(df, EC_DF_FOOTPRINT, rng_range(&r, 0, 1));

    ec_shape shape;
    char msg[EC_MSG_LEN];
    assert_int_equal(ec_shape_from_layer(l, &shape, msg), EC_OK);
    ec_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.policy = EC_POLICY_OS;
    memcpy(plan.order, order, sizeof order);
    int64_t v;
    ec_dataflow_get(df, EC_DF_REUSE, &v);
    plan.reuse = (ec_reuse)v;
    ec_dataflow_get(df, EC_DF_FOOTPRINT, &v);
    plan.footprint = (ec_footprint)v;
    ec_allocator al = ec_allocator_or_default(NULL);
    /* Two tilers: one order (a named policy), and the same order twice
     * (as in a search of several orders, which takes another form of the
     * bound in a shared Buffer). */
    ec_tiler t, t2;
    if (ec_tiler_init(&t, &shape, m, &plan, &al, msg) != EC_OK ||
        ec_tiler_init(&t2, &shape, m, &plan, &al, msg) != EC_OK)
        fail_msg("seed %llu: %s", (unsigned long long)seed, msg);
    static const unsigned no_needs[2] = {0, 0};
    ec_dim twice[2][EC_NDIMS];
    memcpy(twice[0], plan.order, sizeof twice[0]);
    memcpy(twice[1], plan.order, sizeof twice[1]);
    t.norders = 1;
    t.orders = (const ec_dim(*)[EC_NDIMS])plan.order;
    t.needs = no_needs;
    t.rank = plan.order;
    t2.norders = 2;
    t2.orders = (const ec_dim(*)[EC_NDIMS])twice;
    t2.needs = no_needs;
    t2.rank = plan.order;
    for (size_t i = 0; i < t.nh; i++)
        for (size_t j = 0; j < t.nw; j++) {
            const ec_pair *h = &t.hp[i], *w = &t.wp[j];
            ec_tiler_set_spatial(&t, h, w);
            ec_tiler_set_spatial(&t2, &t2.hp[i], &t2.wp[j]);
            ec_dataflow_set(df, EC_DF_TILE_P, h->tp);
            ec_dataflow_set(df, EC_DF_TILE_R, h->tr);
            ec_dataflow_set(df, EC_DF_TILE_Q, w->tp);
            ec_dataflow_set(df, EC_DF_TILE_S, w->tr);
            size_t idx[4] = {0, 0, 0, 0}, cm[4];
            double e = least(l, m, df, res, &t, 0, idx, cm);
            if (!isfinite(e)) continue;
            tl->choices++;
            if (ec_tiler_joint_alive(&t, h, w, 1u, cm, 0, e) != 1u ||
                ec_tiler_joint_alive(&t2, &t2.hp[i], &t2.wp[j], 1u, cm, 0, e) != 1u)
                fail_msg("seed %llu: choice P%lld R%lld Q%lld S%lld: ruled out at its least "
                         "energy %.17g", (unsigned long long)seed, (long long)h->tp,
                         (long long)h->tr, (long long)w->tp, (long long)w->tr, e);
            if (dram_only) {
                tl->dram++;
                if (ec_tiler_joint_alive(&t, h, w, 1u, cm, 0, 0.99 * e) == 0) tl->tight++;
            }
            /* A random prefix: some channel tiles fixed. */
            unsigned fixed = (unsigned)rng_range(&r, 1, 15);
            for (int k = 0; k < 4; k++) idx[k] = (size_t)rng_range(&r, 0, (int64_t)t.c[chan[k]].n - 1);
            double ef = least(l, m, df, res, &t, fixed, idx, cm);
            if (!isfinite(ef)) continue;
            tl->prefixes++;
            if (ec_tiler_joint_alive(&t, h, w, 1u, cm, fixed, ef) != 1u ||
                ec_tiler_joint_alive(&t2, &t2.hp[i], &t2.wp[j], 1u, cm, fixed, ef) != 1u)
                fail_msg("seed %llu: choice P%lld R%lld Q%lld S%lld, prefix %#x: ruled out at "
                         "its least energy %.17g", (unsigned long long)seed, (long long)h->tp,
                         (long long)h->tr, (long long)w->tp, (long long)w->tr, fixed, ef);
        }
    ec_tiler_free(&t);
    ec_tiler_free(&t2);
    ec_result_destroy(res);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_never_above_the_least(void **state)
{
    (void)state;
    tally tl = {0, 0, 0, 0};
    for (uint64_t seed = 1; seed <= 300; seed++) check_case(seed, &tl);
    print_message("%d spatial choices and %d prefixes never ruled out at their least energy; "
                  "with DRAM energy alone, the bound within 1%% of the least DRAM on %d of %d "
                  "choices\n", tl.choices, tl.prefixes, tl.tight, tl.dram);
    assert_true(tl.choices >= 2000);
    assert_true(tl.prefixes >= 600);
    assert_true(tl.tight >= tl.dram / 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_above_the_least),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
