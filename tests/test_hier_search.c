/* Tests of the mapper (docs/mapper.md):
 *  - on small seeded random layers and hierarchies of one and two on-chip
 *    levels (bypass, fanout, capacities, per-tensor energies), the search
 *    reports an exhaustive search and its answer has the energy and DRAM
 *    accesses of an independent brute force over the same space (every
 *    assignment of divisors to every loop slot, every order of the loops
 *    > 1 of every level, each mapping evaluated through the public API),
 *    and again with every side padded by 1 (clipped input tiles: the sums
 *    the search keeps across candidates, against each mapping evaluated
 *    alone);
 *  - the mapping found, copied out with ec_result_mapping() and walked by
 *    ec_count(), gives the search's counts and energy;
 *  - the bounds reported never exceed the found mapping's energy or traffic;
 *  - on larger layers (local search) the answer is never worse than the
 *    mapping set on the dataflow (its baseline);
 *  - constraints are honoured (fixed factors, the rest, innermost loops)
 *    and bad ones get specific errors;
 *  - a one-level hierarchy (no fanout, every tensor kept, no constraints)
 *    is not routed to the two-level optimal search (docs/mapper.md, 3.3):
 *    the mapper's answer is never below that search's optimum over its
 *    larger space, and equals it whenever the mapper was exhaustive and the
 *    two-level optimum's tiles divide their extents (that mapping is then in
 *    both spaces). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ecnn.h"
#include "random_layer.h"

#define BRUTE_CASES 120
#define BRUTE_LIMIT 6000 /* mappings the brute force may visit per case */

typedef struct hcase {
    ec_layer *ly;
    ec_memory *m;
    int L;
    int64_t ext[EC_NDIMS];
    int64_t fan[EC_HIER_MAX_LEVELS + 1][3];
} hcase;

static void random_case(rng *r, hcase *c, int64_t maxdim)
{
    c->ly = ec_layer_create();
    c->m = ec_memory_create();
    int64_t R = rng_range(r, 1, 3), S = rng_range(r, 1, 2), P = rng_range(r, 1, maxdim),
            Q = rng_range(r, 1, maxdim), st = rng_range(r, 1, 2);
    int64_t C = rng_range(r, 1, maxdim), K = rng_range(r, 1, maxdim);
    ec_layer_set(c->ly, EC_LAYER_C, C);
    ec_layer_set(c->ly, EC_LAYER_K, K);
    ec_layer_set(c->ly, EC_LAYER_R, R);
    ec_layer_set(c->ly, EC_LAYER_S, S);
    ec_layer_set(c->ly, EC_LAYER_STRIDE_H, st);
    ec_layer_set(c->ly, EC_LAYER_H, (P - 1) * st + R);
    ec_layer_set(c->ly, EC_LAYER_W, Q + S - 1);
    int64_t e[EC_NDIMS] = {1, 1, K, C, P, Q, R, S};
    memcpy(c->ext, e, sizeof e);
    c->L = (int)rng_range(r, 1, 2);
    assert_int_equal(ec_memory_set_levels(c->m, c->L), EC_OK);
    int64_t mx = 1, my = 1;
    for (int l = 0; l <= c->L + 1; l++) {
        int64_t fx = l ? rng_range(r, 1, 2) : 1, fy = l ? rng_range(r, 1, 2) : 1;
        c->fan[l ? l - 1 : 0][1] = fx; /* fanout below level l - 1 */
        c->fan[l ? l - 1 : 0][2] = fy;
        mx *= fx;
        my *= fy;
        if (l == 0) continue;
        assert_int_equal(ec_memory_level_set(c->m, l, EC_HIER_MESH_X, mx), EC_OK);
        assert_int_equal(ec_memory_level_set(c->m, l, EC_HIER_MESH_Y, my), EC_OK);
        if (l > c->L) break;
        ec_memory_level_set(c->m, l, EC_HIER_CAPACITY, rng_range(r, 0, 3) ? rng_range(r, 6, 60) : -1);
        ec_memory_level_set(c->m, l, EC_HIER_KEEP, rng_range(r, 0, 2) ? 7 : rng_range(r, 1, 7));
    }
    for (int l = 0; l <= c->L; l++)
        for (int x = 0; x < 3; x++)
            for (int a = 0; a < 3; a++)
                ec_memory_level_set_energy(c->m, l, (ec_tensor)x, (ec_action)a,
                                           (double)rng_range(r, 1, 9) * (l ? 1.0 / (1 << (3 * l)) : 20.0));
}

static void free_case(hcase *c)
{
    ec_layer_destroy(c->ly);
    ec_memory_destroy(c->m);
}

/* ---- the brute force ---- */

typedef struct brute {
    hcase *c;
    ec_dataflow *d;
    ec_result *res;
    int64_t f[EC_HIER_MAX_LEVELS + 1][3][EC_NDIMS];
    int nslot;
    int sl[12], sk[12];
    long visited;
    int have;
    double best_e;
    int64_t best_dram;
} brute;

static int64_t dram_of(const ec_result *res)
{
    int64_t s = 0, v;
    for (int x = 0; x < 3; x++)
        for (int a = 0; a < 3; a++) {
            ec_result_level_count(res, 0, (ec_tensor)x, (ec_action)a, &v);
            s += v;
        }
    return s;
}

static void brute_eval(brute *b)
{
    b->visited++;
    if (ec_evaluate(b->c->ly, b->c->m, b->d, b->res) != EC_OK) return;
    double e;
    ec_result_energy(b->res, EC_PART_TOTAL, &e);
    int64_t dr = dram_of(b->res);
    if (!b->have || e < b->best_e || (e == b->best_e && dr < b->best_dram)) {
        b->have = 1;
        b->best_e = e;
        b->best_dram = dr;
    }
}

static void brute_orders(brute *b, int l)
{
    if (l > b->c->L) {
        brute_eval(b);
        return;
    }
    ec_dim live[EC_NDIMS], ord[EC_NDIMS];
    int n = 0;
    for (int d = 0; d < EC_NDIMS; d++)
        if (b->f[l][0][d] > 1) live[n++] = (ec_dim)d;
    /* every permutation of the live loops (Heap's algorithm, iterative) */
    int cnt[EC_NDIMS] = {0}, i = 0;
    for (;;) {
        int k = 0;
        for (int j = 0; j < n; j++) ord[k++] = live[j];
        for (int d = 0; d < EC_NDIMS; d++)
            if (b->f[l][0][d] == 1) ord[k++] = (ec_dim)d;
        ec_dataflow_set_level_order(b->d, l, ord);
        brute_orders(b, l + 1);
        while (i < n && cnt[i] >= i) cnt[i++] = 0;
        if (i >= n) break;
        int j = i % 2 ? cnt[i] : 0;
        ec_dim t = live[j];
        live[j] = live[i];
        live[i] = t;
        cnt[i]++;
        i = 0;
    }
}

static void brute_factors(brute *b, int d, int s, int64_t left)
{
    if (d == EC_NDIMS) {
        for (int l = 0; l <= b->c->L; l++)
            for (int k = 0; k < 3; k++)
                for (int dd = 0; dd < EC_NDIMS; dd++)
                    ec_dataflow_set_factor(b->d, l, (ec_loop_kind)k, (ec_dim)dd, b->f[l][k][dd]);
        brute_orders(b, 0);
        return;
    }
    if (s == b->nslot - 1) {
        b->f[b->sl[s]][b->sk[s]][d] = left;
        brute_factors(b, d + 1, 0, d + 1 < EC_NDIMS ? b->c->ext[d + 1] : 1);
        return;
    }
    for (int64_t q = 1; q <= left; q++)
        if (left % q == 0) {
            b->f[b->sl[s]][b->sk[s]][d] = q;
            brute_factors(b, d, s + 1, left / q);
        }
}

static long brute_size(const hcase *c, int nslot)
{
    long total = 1;
    for (int d = 0; d < EC_NDIMS; d++) {
        /* ordered factorisations of ext over nslot slots */
        int64_t n = c->ext[d];
        long cnt[64];
        int64_t divs[64];
        int nd = 0;
        for (int64_t q = 1; q <= n; q++)
            if (n % q == 0) divs[nd++] = q;
        for (int i = 0; i < nd; i++) cnt[i] = 1; /* one slot: one way each */
        for (int s = 1; s < nslot; s++) {
            long nx[64];
            for (int i = 0; i < nd; i++) {
                nx[i] = 0;
                for (int j = 0; j < nd; j++)
                    if (divs[i] % divs[j] == 0) nx[i] += cnt[j];
            }
            memcpy(cnt, nx, sizeof nx);
        }
        total *= cnt[nd - 1];
    }
    return total * 24 * 24; /* orders: at most 4! a level here (C K P Q R S rarely all > 1) */
}

static void compare_counts(const ec_result *a, const ec_result *b, int L)
{
    for (int l = 0; l <= L; l++)
        for (int x = 0; x < 3; x++)
            for (int act = 0; act < 3; act++) {
                int64_t va, vb;
                assert_int_equal(ec_result_level_count(a, l, (ec_tensor)x, (ec_action)act, &va), EC_OK);
                assert_int_equal(ec_result_level_count(b, l, (ec_tensor)x, (ec_action)act, &vb), EC_OK);
                assert_int_equal(va, vb);
            }
    double ea, eb;
    ec_result_energy(a, EC_PART_TOTAL, &ea);
    ec_result_energy(b, EC_PART_TOTAL, &eb);
    assert_true(ea == eb);
}

static void check_bounds(const ec_result *res, int L)
{
    double e, lb;
    ec_result_energy(res, EC_PART_TOTAL, &e);
    assert_int_equal(ec_result_search(res, NULL, NULL, &lb), EC_OK);
    assert_true(lb <= e);
    for (int l = 1; l <= L; l++) {
        int64_t bound, traffic;
        if (ec_result_level_bound(res, l, &bound, &traffic) == EC_OK) assert_true(bound <= traffic);
    }
}

/* padded: every side padded by 1, so that input tiles are clipped (the
 * search's kept axis sums, docs/mapper.md 3.2, against ec_evaluate() of
 * each mapping, which keeps none) */
static void brute_force_cases(int padded)
{
    int compared = 0, exact_cases = 0, local_optimal = 0;
    for (int i = 0; i < BRUTE_CASES * 4 && compared < BRUTE_CASES; i++) {
        rng r = {(padded ? 0x5AD00000u : 0x3A99E200u) + (uint64_t)i};
        hcase c;
        random_case(&r, &c, 6);
        if (padded) {
            for (int k = EC_LAYER_PAD_TOP; k <= EC_LAYER_PAD_RIGHT; k++)
                assert_int_equal(ec_layer_set(c.ly, (ec_layer_param)k, 1), EC_OK);
            assert_int_equal(ec_layer_get(c.ly, EC_LAYER_P, &c.ext[EC_DIM_P]), EC_OK);
            assert_int_equal(ec_layer_get(c.ly, EC_LAYER_Q, &c.ext[EC_DIM_Q]), EC_OK);
        }
        brute b;
        memset(&b, 0, sizeof b);
        b.c = &c;
        for (int l = 0; l <= c.L; l++)
            for (int k = 0; k < 3; k++)
                if (k == 0 || c.fan[l][k] > 1) {
                    b.sl[b.nslot] = l;
                    b.sk[b.nslot++] = k;
                }
        if (brute_size(&c, b.nslot) > BRUTE_LIMIT * 40L) {
            free_case(&c);
            continue;
        }
        b.d = ec_dataflow_create();
        b.res = ec_result_create();
        ec_dataflow *d = ec_dataflow_create();
        ec_result *res = ec_result_create();
        ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OPTIMAL);
        brute_factors(&b, 0, 0, c.ext[0]);
        ec_status st = ec_evaluate(c.ly, c.m, d, res);
        if (!b.have) {
            assert_int_not_equal(st, EC_OK); /* nothing fits: the search says so too */
        } else {
            assert_int_equal(st, EC_OK);
            int exact;
            int64_t evaluated;
            assert_int_equal(ec_result_search(res, &exact, &evaluated, NULL), EC_OK);
            double e;
            ec_result_energy(res, EC_PART_TOTAL, &e);
            if (exact) {
                exact_cases++;
                if (e != b.best_e || dram_of(res) != b.best_dram)
                    fail_msg("case %d: search %.17g (DRAM %lld) != brute force %.17g (DRAM %lld)", i,
                             e, (long long)dram_of(res), b.best_e, (long long)b.best_dram);
            } else {
                assert_true(e >= b.best_e); /* never below the optimum */
                local_optimal += e == b.best_e;
            }
            check_bounds(res, c.L);
            /* the mapping found, walked */
            ec_dataflow *d2 = ec_dataflow_create();
            ec_result *walk = ec_result_create();
            assert_int_equal(ec_result_mapping(res, d2), EC_OK);
            assert_int_equal(ec_count(c.ly, c.m, d2, walk), EC_OK);
            compare_counts(res, walk, c.L);
            assert_int_equal(ec_result_search(walk, NULL, NULL, NULL), EC_E_UNAVAILABLE);
            ec_dataflow_destroy(d2);
            ec_result_destroy(walk);
            compared++;
        }
        ec_dataflow_destroy(d);
        ec_result_destroy(res);
        ec_dataflow_destroy(b.d);
        ec_result_destroy(b.res);
        free_case(&c);
    }
    printf("search == brute force%s: %d cases compared, %d exhaustive (all equal); the local "
           "search found the optimum in %d of the other %d\n", padded ? " (padded)" : "",
           compared, exact_cases, local_optimal, compared - exact_cases);
    /* padded layers are larger: fewer fit the brute force's limit */
    assert_true(compared >= (padded ? BRUTE_CASES / 3 : BRUTE_CASES / 2));
    assert_true(exact_cases >= 30);
}

static void test_search_equals_brute_force(void **state)
{
    (void)state;
    brute_force_cases(0);
}

static void test_padded_search_equals_brute_force(void **state)
{
    (void)state;
    brute_force_cases(1);
}

/* Larger layers: the local search never ends worse than the mapping set on
 * the dataflow (every factor at DRAM, then each dimension's largest
 * divisor that fits moved to level 1 when that mapping evaluates). */
static void test_never_worse_than_baseline(void **state)
{
    (void)state;
    int local = 0;
    for (int i = 0; i < 40; i++) {
        rng r = {0x77B0000u + (uint64_t)i};
        hcase c;
        random_case(&r, &c, 48);
        ec_dataflow *d = ec_dataflow_create();
        ec_result *res = ec_result_create();
        /* baseline: everything temporal at DRAM, R and S at the innermost level */
        ec_dataflow_set_factor(d, c.L, EC_LOOP_TEMPORAL, EC_DIM_R, c.ext[EC_DIM_R]);
        ec_dataflow_set_factor(d, c.L, EC_LOOP_TEMPORAL, EC_DIM_S, c.ext[EC_DIM_S]);
        if (ec_evaluate(c.ly, c.m, d, res) == EC_OK) {
            double base, e;
            ec_result_energy(res, EC_PART_TOTAL, &base);
            ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OPTIMAL);
            assert_int_equal(ec_evaluate(c.ly, c.m, d, res), EC_OK);
            ec_result_energy(res, EC_PART_TOTAL, &e);
            assert_true(e <= base);
            check_bounds(res, c.L);
            int exact;
            ec_result_search(res, &exact, NULL, NULL);
            local += !exact;
        }
        ec_dataflow_destroy(d);
        ec_result_destroy(res);
        free_case(&c);
    }
    printf("baseline cases with the local search: %d\n", local);
    assert_true(local > 0);
}

static void test_constraints(void **state)
{
    (void)state;
    ec_layer *ly = ec_layer_create();
    ec_layer_set(ly, EC_LAYER_C, 8);
    ec_layer_set(ly, EC_LAYER_K, 12);
    ec_layer_set(ly, EC_LAYER_H, 6);
    ec_layer_set(ly, EC_LAYER_W, 6);
    ec_layer_set(ly, EC_LAYER_R, 3);
    ec_layer_set(ly, EC_LAYER_S, 3);
    ec_memory *m = ec_memory_create();
    ec_memory_set_levels(m, 2);
    ec_memory_level_set(m, 1, EC_HIER_CAPACITY, 400);
    ec_memory_level_set(m, 2, EC_HIER_CAPACITY, 40);
    ec_memory_level_set(m, 2, EC_HIER_MESH_X, 4);
    ec_memory_level_set(m, 3, EC_HIER_MESH_X, 4);
    ec_dataflow *d = ec_dataflow_create();
    ec_result *res = ec_result_create();
    ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OPTIMAL);
    assert_int_equal(ec_dataflow_constrain_factor(d, 1, EC_LOOP_SPATIAL_X, EC_DIM_K, 4), EC_OK);
    assert_int_equal(ec_dataflow_constrain_factor(d, 2, EC_LOOP_TEMPORAL, EC_DIM_R, EC_FACTOR_REST), EC_OK);
    assert_int_equal(ec_dataflow_constrain_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_C, 2), EC_OK);
    assert_int_equal(ec_dataflow_constrain_order(d, 1, "QP"), EC_OK);
    assert_int_equal(ec_evaluate(ly, m, d, res), EC_OK);
    ec_dataflow *got = ec_dataflow_create();
    assert_int_equal(ec_result_mapping(res, got), EC_OK);
    int64_t f;
    ec_dataflow_get_factor(got, 1, EC_LOOP_SPATIAL_X, EC_DIM_K, &f);
    assert_int_equal(f, 4);
    ec_dataflow_get_factor(got, 2, EC_LOOP_TEMPORAL, EC_DIM_R, &f);
    assert_int_equal(f, 3);
    ec_dataflow_get_factor(got, 0, EC_LOOP_TEMPORAL, EC_DIM_C, &f);
    assert_int_equal(f, 2);
    ec_dim ord[EC_NDIMS];
    ec_dataflow_get_level_order(got, 1, ord);
    assert_int_equal(ord[EC_NDIMS - 1], EC_DIM_Q); /* innermost first: Q, then P */
    assert_int_equal(ord[EC_NDIMS - 2], EC_DIM_P);
    /* a fixed factor that does not divide (5 on C = 8): refused, named */
    ec_dataflow_constrain_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_C, 5);
    assert_int_equal(ec_evaluate(ly, m, d, res), EC_E_TILE);
    assert_non_null(strstr(ec_result_message(res), "C"));
    assert_int_equal(ec_result_search(res, NULL, NULL, NULL), EC_E_NOT_EVALUATED);
    /* a constraint below the innermost level: refused, named */
    ec_dataflow_constrain_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_C, 2);
    ec_dataflow_constrain_factor(d, 4, EC_LOOP_TEMPORAL, EC_DIM_K, 3);
    assert_int_equal(ec_evaluate(ly, m, d, res), EC_E_RANGE);
    assert_non_null(strstr(ec_result_message(res), "level 4"));
    ec_dataflow_constrain_factor(d, 4, EC_LOOP_TEMPORAL, EC_DIM_K, EC_FACTOR_FREE);
    /* bad arguments */
    assert_int_equal(ec_dataflow_constrain_factor(d, 0, EC_LOOP_TEMPORAL, EC_DIM_C, -2), EC_E_RANGE);
    assert_int_equal(ec_dataflow_constrain_factor(d, 99, EC_LOOP_TEMPORAL, EC_DIM_C, 1), EC_E_RANGE);
    assert_int_equal(ec_dataflow_constrain_factor(d, 0, (ec_loop_kind)7, EC_DIM_C, 1), EC_E_KEY);
    assert_int_equal(ec_dataflow_constrain_order(d, 0, "PXQ"), EC_E_ORDER);
    assert_int_equal(ec_dataflow_constrain_order(d, 0, "PP"), EC_E_ORDER);
    assert_int_equal(ec_dataflow_constrain_order(d, 0, NULL), EC_E_NULL);
    assert_int_equal(ec_dataflow_clear_constraints(d), EC_OK);
    assert_int_equal(ec_dataflow_get_constraint(d, 0, EC_LOOP_TEMPORAL, EC_DIM_C, &f), EC_OK);
    assert_int_equal(f, EC_FACTOR_FREE);
    assert_int_equal(ec_result_mapping(NULL, got), EC_E_NULL);
    /* a two-level memory is not searched by this mapper */
    ec_memory *two = ec_memory_create();
    assert_int_equal(ec_evaluate(ly, two, d, res), EC_OK);
    assert_int_equal(ec_result_search(res, NULL, NULL, NULL), EC_E_UNAVAILABLE);
    ec_memory_destroy(two);
    ec_dataflow_destroy(got);
    ec_result_destroy(res);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(ly);
}

#define ONE_LEVEL_CASES 150

static void test_one_level_vs_two_level(void **state)
{
    (void)state;
    int compared = 0, equal_cases = 0, above = 0;
    for (int i = 0; i < ONE_LEVEL_CASES; i++) {
        rng r = {0x1E7E1000u + (uint64_t)i};
        ec_layer *ly = ec_layer_create();
        int64_t R = rng_range(&r, 1, 3), S = rng_range(&r, 1, 2), P = rng_range(&r, 1, 5),
                Q = rng_range(&r, 1, 4), st = rng_range(&r, 1, 2);
        int64_t C = rng_range(&r, 1, 4), K = rng_range(&r, 1, 6);
        ec_layer_set(ly, EC_LAYER_C, C);
        ec_layer_set(ly, EC_LAYER_K, K);
        ec_layer_set(ly, EC_LAYER_R, R);
        ec_layer_set(ly, EC_LAYER_S, S);
        ec_layer_set(ly, EC_LAYER_STRIDE_H, st);
        ec_layer_set(ly, EC_LAYER_H, (P - 1) * st + R);
        ec_layer_set(ly, EC_LAYER_W, Q + S - 1);
        int64_t ext[EC_NDIMS] = {1, 1, K, C, P, Q, R, S};
        ec_reuse reuse = rng_range(&r, 0, 2) ? EC_REUSE_SLIDE : EC_REUSE_REFETCH;
        ec_memory *old = ec_memory_create(), *hm = ec_memory_create();
        for (int k = 0; k < 5; k++) {
            double v = (double)rng_range(&r, 1, 400) / 4;
            ec_memory_set_energy(old, (ec_energy_param)k, v);
            ec_memory_set_energy(hm, (ec_energy_param)k, v);
        }
        /* a Buffer that holds every tile in a fifth of the cases, else a
         * small one (the same words in both models) */
        int64_t cap = rng_range(&r, 0, 4) ? rng_range(&r, 3, 60) : (int64_t)1 << 40;
        ec_memory_set(old, EC_MEM_CAPACITY, cap);
        assert_int_equal(ec_memory_set_levels(hm, 1), EC_OK);
        assert_int_equal(ec_memory_level_set(hm, 1, EC_HIER_CAPACITY, cap), EC_OK);
        ec_dataflow *dold = ec_dataflow_create(), *dnew = ec_dataflow_create();
        ec_dataflow_set(dold, EC_DF_POLICY, EC_POLICY_OPTIMAL);
        ec_dataflow_set(dold, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX); /* the hierarchy's */
        ec_dataflow_set(dold, EC_DF_REUSE, reuse);
        ec_dataflow_set(dnew, EC_DF_POLICY, EC_POLICY_OPTIMAL);
        ec_dataflow_set(dnew, EC_DF_REUSE, reuse);
        ec_result *a = ec_result_create(), *b = ec_result_create();
        assert_int_equal(ec_evaluate(ly, old, dold, a), EC_OK);
        ec_status s2 = ec_evaluate(ly, hm, dnew, b);
        if (s2) fail_msg("case %d: %s", i, ec_result_message(b));
        double ea, eb;
        ec_result_energy(a, EC_PART_TOTAL, &ea);
        ec_result_energy(b, EC_PART_TOTAL, &eb);
        /* the two-level space contains every perfect factorisation with
         * every order, priced identically (docs/hierarchy.md, section 7) */
        if (eb < ea * (1 - 1e-12))
            fail_msg("case %d: mapper %.17g below the two-level optimum %.17g", i, eb, ea);
        above += eb > ea * (1 + 1e-12);
        int exact, divides = 1;
        assert_int_equal(ec_result_search(b, &exact, NULL, NULL), EC_OK);
        for (int dd = 0; dd < EC_NDIMS; dd++) {
            int64_t t;
            assert_int_equal(ec_result_tile(a, (ec_dim)dd, &t, NULL), EC_OK);
            divides &= ext[dd] % t == 0;
        }
        if (exact && divides) {
            if (eb > ea * (1 + 1e-12))
                fail_msg("case %d: exhaustive mapper %.17g above the two-level optimum %.17g, "
                         "whose tiles divide their extents", i, eb, ea);
            equal_cases++;
        }
        compared++;
        ec_result_destroy(a);
        ec_result_destroy(b);
        ec_dataflow_destroy(dold);
        ec_dataflow_destroy(dnew);
        ec_memory_destroy(old);
        ec_memory_destroy(hm);
        ec_layer_destroy(ly);
    }
    printf("one level: %d cases, mapper >= two-level optimum in all, equal in the %d where the "
           "mapper was exhaustive and the optimum's tiles divide their extents; above it in %d\n",
           compared, equal_cases, above);
    assert_true(equal_cases >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_equals_brute_force),
        cmocka_unit_test(test_padded_search_equals_brute_force),
        cmocka_unit_test(test_never_worse_than_baseline),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_one_level_vs_two_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
