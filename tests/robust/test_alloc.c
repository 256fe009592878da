/* Allocation failure (issue 6, item 5; docs/guarantees.md): through
 * ec_allocator, fail the n-th allocation of a call for n = 0, 1, 2, ...
 * until the call succeeds. Every failing run must return EC_E_NOMEM (or a
 * NULL handle), leave the result not evaluated, free what it allocated,
 * and the run that succeeds must give the answer malloc gives. */
#include "robust.h"

static int64_t get_count(const ec_result *r, int i)
{
    int64_t v = -1;
    ST(ec_result_count(r, (ec_tensor)(i / 4), (ec_level)(i / 2 % 2), (ec_access)(i % 2), &v), EC_OK);
    return v;
}

/* Field by field: counts, energies, the dataflow used and the bound. */
static void assert_same(const ec_result *a, const ec_result *b)
{
    int64_t v;
    ec_status counted = ec_result_count(b, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v);
    ST(ec_result_count(a, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), counted);
    for (int f = 0; f <= EC_BOUND_TRANSFERS; f++) {
        int64_t x = -1, y = -2;
        ST(ec_result_bound(a, (ec_bound_field)f, &x), EC_OK);
        ST(ec_result_bound(b, (ec_bound_field)f, &y), EC_OK);
        assert_int_equal(x, y);
    }
    if (counted != EC_OK) return; /* ec_lower_bound: the bound only */
    for (int i = 0; i < 12; i++) assert_int_equal(get_count(a, i), get_count(b, i));
    for (int p = 0; p <= EC_PART_TENSOR_O; p++) {
        double x = -1, y = -2;
        ST(ec_result_energy(a, (ec_energy_part)p, &x), EC_OK);
        ST(ec_result_energy(b, (ec_energy_part)p, &y), EC_OK);
        assert_true(x == y);
    }
    ec_dim oa[EC_NDIMS], ob[EC_NDIMS];
    ST(ec_result_order(a, oa), EC_OK);
    ST(ec_result_order(b, ob), EC_OK);
    assert_memory_equal(oa, ob, sizeof oa);
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t x, y;
        ST(ec_result_tile(a, (ec_dim)d, &x, NULL), EC_OK);
        ST(ec_result_tile(b, (ec_dim)d, &y, NULL), EC_OK);
        assert_int_equal(x, y);
    }
}

typedef ec_status (*call_fn)(const ec_layer *, const ec_memory *, const ec_dataflow *, ec_result *);

static ec_status lower_bound(const ec_layer *l, const ec_memory *m, const ec_dataflow *d, ec_result *r)
{
    (void)d;
    return ec_lower_bound(l, m, r);
}

/* Fails allocation n of `call` for every n until it succeeds; returns how
 * many allocations the successful call made. */
static long fail_each(call_fn call, const ec_layer *l, const ec_memory *m, const ec_dataflow *d)
{
    ec_result *ref = ec_result_create();
    assert_non_null(ref);
    ST(call(l, m, d, ref), EC_OK);
    counting c = {0, 0, -1, 0};
    ec_allocator al = counting_allocator(&c);
    ec_result *r = ec_result_create_with(&al);
    assert_non_null(r);
    assert_int_equal(c.live, 1); /* the handle itself */
    for (long n = 0;; n++) {
        assert_true(n < 1000); /* a call makes a few allocations, not thousands */
        long before = c.calls;
        c.fail_at = before + n;
        ec_status st;
        TIMED(st, call(l, m, d, r));
        /* Temporaries are freed whether the call succeeds or fails. */
        assert_int_equal(c.live, 1);
        if (st == EC_OK) {
            /* Every earlier n failed with EC_E_NOMEM: this run's n
             * allocations all succeeded. It may have made more when one
             * that failed was only a cache (the tile search's channel
             * maxima): then the answer is still malloc's. */
            assert_true(c.calls - before >= n);
            assert_same(r, ref);
            ec_result_destroy(r);
            ec_result_destroy(ref);
            assert_int_equal(c.live, 0);
            return n;
        }
        ST(st, EC_E_NOMEM);
        int64_t v;
        ST(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_NOT_EVALUATED);
        ST(ec_result_bound(r, EC_BOUND_TRANSFERS, &v), EC_E_NOT_EVALUATED);
        assert_non_null(strstr(ec_result_message(r), "memory"));
    }
}

static void conv(ec_layer *l)
{
    LAYER(l, EC_LAYER_N, 2, EC_LAYER_C, 32, EC_LAYER_K, 48, EC_LAYER_G, 2, EC_LAYER_H, 13,
          EC_LAYER_W, 11, EC_LAYER_R, 3, EC_LAYER_S, 3, EC_LAYER_STRIDE_H, 2,
          EC_LAYER_PAD_TOP, 1, EC_LAYER_PAD_BOTTOM, 1, EC_LAYER_PAD_LEFT, 1, EC_LAYER_PAD_RIGHT, 1);
}

static void test_evaluations_fail_cleanly(void **state)
{
    handles *h = *state;
    conv(h->l);
    ST(ec_memory_set(h->m, EC_MEM_CAPACITY, 2000), EC_OK);
    static const ec_policy policies[] = {EC_POLICY_OS, EC_POLICY_WS, EC_POLICY_IS, EC_POLICY_OPTIMAL};
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        ST(ec_dataflow_set(h->d, EC_DF_POLICY, policies[i]), EC_OK);
        /* Automatic tiling allocates its candidate tables from the result's
         * allocator: at least one allocation to fail. */
        assert_true(fail_each(ec_evaluate, h->l, h->m, h->d) > 0);
        assert_true(fail_each(ec_count, h->l, h->m, h->d) > 0);
    }
    /* Explicit tiles: the closed form allocates nothing, the counter its
     * footprint tables. */
    const int64_t t[EC_NDIMS] = {1, 1, 4, 4, 3, 3, 3, 1};
    set_tiles(h->d, t);
    ST(ec_dataflow_set(h->d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
    assert_int_equal(fail_each(ec_evaluate, h->l, h->m, h->d), 0);
    assert_true(fail_each(ec_count, h->l, h->m, h->d) > 0);
    ST(ec_dataflow_set(h->d, EC_DF_REUSE, EC_REUSE_REFETCH), EC_OK);
    ST(ec_dataflow_set(h->d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
    assert_true(fail_each(ec_count, h->l, h->m, h->d) > 0);
    fail_each(lower_bound, h->l, h->m, h->d);
}

/* Requests above a size fail: whatever the limit, the answer is malloc's
 * or EC_E_NOMEM, and nothing leaks. */
static void test_size_limits(void **state)
{
    handles *h = *state;
    conv(h->l);
    ec_result *ref = ec_result_create();
    assert_non_null(ref);
    ST(ec_dataflow_set(h->d, EC_DF_POLICY, EC_POLICY_OPTIMAL), EC_OK);
    ST(ec_evaluate(h->l, h->m, h->d, ref), EC_OK);
    for (size_t limit = 256; limit <= ((size_t)1 << 20); limit *= 2) {
        counting c = {0, 0, -1, limit};
        ec_allocator al = counting_allocator(&c);
        ec_result *r = ec_result_create_with(&al);
        if (!r) { /* the handle itself is over the limit */
            assert_int_equal(c.live, 0);
            continue;
        }
        ec_status st;
        TIMED(st, ec_evaluate(h->l, h->m, h->d, r));
        if (st == EC_OK) assert_same(r, ref);
        else ST(st, EC_E_NOMEM);
        ec_result_destroy(r);
        assert_int_equal(c.live, 0);
    }
    ec_result_destroy(ref);
}

/* Handle creation: a refused allocation is a NULL handle; the library
 * allocates nothing else through the input handles' allocators. */
static void test_handles(void **state)
{
    (void)state;
    counting c = {0, 0, 0, 0};
    ec_allocator al = counting_allocator(&c);
    assert_null(ec_layer_create_with(&al));
    assert_null(ec_memory_create_with(&al));
    assert_null(ec_dataflow_create_with(&al));
    assert_null(ec_result_create_with(&al));
    assert_int_equal(c.live, 0);
    c.fail_at = -1;
    c.calls = 0;
    ec_layer *l = ec_layer_create_with(&al);
    ec_memory *m = ec_memory_create_with(&al);
    ec_dataflow *d = ec_dataflow_create_with(&al);
    ec_result *r = ec_result_create();
    assert_true(l && m && d && r);
    assert_int_equal(c.calls, 3);
    conv(l);
    ST(ec_evaluate(l, m, d, r), EC_OK);
    ST(ec_count(l, m, d, r), EC_OK);
    ST(ec_lower_bound(l, m, r), EC_OK);
    assert_int_equal(c.calls, 3); /* evaluations used the result's allocator */
    /* A NULL allocator means malloc. */
    ec_result *plain = ec_result_create_with(NULL);
    assert_non_null(plain);
    ST(ec_evaluate(l, m, d, plain), EC_OK);
    ec_result_destroy(plain);
    ec_layer_destroy(l);
    ec_memory_destroy(m);
    ec_dataflow_destroy(d);
    ec_result_destroy(r);
    assert_int_equal(c.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_evaluations_fail_cleanly, handles_setup, handles_teardown),
        cmocka_unit_test_setup_teardown(test_size_limits, handles_setup, handles_teardown),
        cmocka_unit_test(test_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
