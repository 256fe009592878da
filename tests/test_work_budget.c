/* The tiling search's work budget (docs/guarantees.md, "Running time"):
 * the layers of issue 17 item 2, on which the automatic tiling used to run
 * for minutes (366 s for the first under the optimal policy, 25.7 s under
 * OS) and then succeed, now end with EC_E_LIMIT and a message naming the
 * budget. Not run under valgrind (suite 'limits'): spending the budget is
 * the point, and valgrind would take minutes to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ecnn.h"

static void expect_limit(int64_t N, int64_t G, int64_t C, int64_t K, int64_t side, ec_policy policy)
{
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    assert_non_null(l);
    assert_non_null(m);
    assert_non_null(d);
    assert_non_null(r);
    const int64_t v[][2] = {{EC_LAYER_N, N}, {EC_LAYER_G, G}, {EC_LAYER_C, C}, {EC_LAYER_K, K},
                            {EC_LAYER_H, side}, {EC_LAYER_W, side}, {EC_LAYER_R, 3}, {EC_LAYER_S, 3}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(ec_layer_set(l, (ec_layer_param)v[i][0], v[i][1]), EC_OK);
    assert_int_equal(ec_dataflow_set(d, EC_DF_POLICY, policy), EC_OK);
    assert_int_equal(ec_evaluate(l, m, d, r), EC_E_LIMIT);
    assert_non_null(strstr(ec_result_message(r), "budget of 2^30 units"));
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* ecnn layer --N 4096 --G 4096 --C 16777216 --K 16777216 --size 18 --kernel 3 */
static void test_grouped_optimal(void **state)
{
    (void)state;
    expect_limit(4096, 4096, 16777216, 16777216, 18, EC_POLICY_OPTIMAL);
}

/* The same with --policy os: one order, the same unbounded walk. */
static void test_grouped_os(void **state)
{
    (void)state;
    expect_limit(4096, 4096, 16777216, 16777216, 18, EC_POLICY_OS);
}

/* N = C = K = 65536, 18x18: dense, huge channel counts. */
static void test_dense_optimal(void **state)
{
    (void)state;
    expect_limit(65536, 1, 65536, 65536, 18, EC_POLICY_OPTIMAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grouped_optimal),
        cmocka_unit_test(test_grouped_os),
        cmocka_unit_test(test_dense_optimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
