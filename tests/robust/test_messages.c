/* The layer's overflow messages name the figure and its operands (issue
 * 17, item 9): before, a dilation of 2^63 - 1 was blamed on "H + pad_top +
 * pad_bottom" and no message gave a value. Each case is worked out by hand
 * from the limits of docs/guarantees.md ("Numeric limits"). */
#include "robust.h"

static void expect(const int64_t *kv, const char *const *needles)
{
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    set_layer(l, kv);
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    const char *msg = ec_layer_message(l);
    for (; *needles; needles++) {
        if (!strstr(msg, *needles)) fail_msg("'%s' lacks '%s'", msg, *needles);
    }
    assert_true(strlen(msg) < 256);
    ec_layer_destroy(l);
}

static void test_overflow_messages(void **state)
{
    (void)state;
    /* The kernel's reach dilation_h * (R - 1) + 1 = (2^63 - 1) * 1 + 1. */
    expect((const int64_t[]){EC_LAYER_R, 2, EC_LAYER_DILATION_H, INT64_MAX, -1},
           (const char *const[]){"dilation_h*(R - 1) + 1", "9223372036854775807*1 + 1", NULL});
    expect((const int64_t[]){EC_LAYER_S, 3, EC_LAYER_DILATION_W, P2(62), -1},
           (const char *const[]){"dilation_w*(S - 1) + 1", "4611686018427387904*2 + 1", NULL});
    /* H + pad_top + pad_bottom past 64 bits, and past 2^61 - stride. */
    expect((const int64_t[]){EC_LAYER_H, INT64_MAX, EC_LAYER_PAD_TOP, 1, -1},
           (const char *const[]){"H + pad_top + pad_bottom = 9223372036854775807 + 1 + 0", NULL});
    expect((const int64_t[]){EC_LAYER_W, P2(61), -1},
           (const char *const[]){"W + pad_left + pad_right = 2305843009213693952", NULL});
    /* |I| = N*C*H*W = 2^32 * 2^32 * 1 * 1. */
    expect((const int64_t[]){EC_LAYER_N, P2(32), EC_LAYER_C, P2(32), -1},
           (const char *const[]){"|I| = N*C*H*W = 4294967296*4294967296*1*1", NULL});
    /* |W| = K*Cg*R*S = 2^32 * 2^31 * 2 * 1 (|I| = 2^31 fits). */
    expect((const int64_t[]){EC_LAYER_K, P2(32), EC_LAYER_C, P2(31), EC_LAYER_R, 2,
                             EC_LAYER_H, 2, -1},
           (const char *const[]){"|W| = K*Cg*R*S = 4294967296*2147483648*2*1", NULL});
    /* MACs = |O|*Cg*R*S with |O| = 2 (pad_top 1 makes P = 2), as in
     * test_api.c: 2 * 2^31 * 1 * 2^31 = 2^63. */
    expect((const int64_t[]){EC_LAYER_C, P2(31), EC_LAYER_H, 1, EC_LAYER_W, P2(31), EC_LAYER_S,
                             P2(31), EC_LAYER_PAD_TOP, 1, -1},
           (const char *const[]){"MACs = |O|*Cg*R*S = 2*2147483648*1*2147483648", NULL});
    /* The status string covers energies too: "count overflows 64 bits"
     * was shown for an energy past the largest double. */
    assert_non_null(strstr(ec_status_string(EC_E_OVERFLOW), "energy"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_overflow_messages)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
