/* API tests: every public function of ecnn.h, every parameter key and every
 * documented error path, exercised through the public API only.
 *
 * The layout follows the header: version, status strings, layer, memory,
 * dataflow, result, evaluation. Where a test checks a number, the number is
 * worked out by hand in a comment from docs/model.md (sections 1-3 and 6), so that
 * a failure says which side to look at. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ecnn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define ST(expr, expected) assert_int_equal((int)(expr), (int)(expected))

/* A message must contain a substring; say what it was when it does not. */
static void check_contains(const char *msg, const char *sub, const char *file, int line)
{
    if (msg == NULL || strstr(msg, sub) == NULL) {
        print_error("%s:%d: message \"%s\" does not contain \"%s\"\n", file, line,
                    msg ? msg : "(null)", sub);
        _fail(file, line);
    }
}
#define assert_contains(msg, sub) check_contains((msg), (sub), __FILE__, __LINE__)

/* A message must contain a number as a whole token: "304" must not be
 * satisfied by the "2304" of the same message. */
static void check_number(const char *msg, long long n, const char *file, int line)
{
    char want[32];
    snprintf(want, sizeof want, "%lld", n);
    const size_t len = strlen(want);
    for (const char *p = msg ? strstr(msg, want) : NULL; p; p = strstr(p + 1, want)) {
        int digit_before = p > msg && p[-1] >= '0' && p[-1] <= '9';
        int digit_after = p[len] >= '0' && p[len] <= '9';
        if (!digit_before && !digit_after) return;
    }
    print_error("%s:%d: message \"%s\" does not contain the number %lld\n", file, line,
                msg ? msg : "(null)", n);
    _fail(file, line);
}
#define assert_number(msg, n) check_number((msg), (n), __FILE__, __LINE__)

static int64_t layer_get(const ec_layer *l, ec_layer_param key)
{
    int64_t v = -12345;
    ST(ec_layer_get(l, key, &v), EC_OK);
    return v;
}

static int64_t mem_get(const ec_memory *m, ec_memory_param key)
{
    int64_t v = -12345;
    ST(ec_memory_get(m, key, &v), EC_OK);
    return v;
}

static double energy_get(const ec_memory *m, ec_energy_param key)
{
    double v = -1.0;
    ST(ec_memory_get_energy(m, key, &v), EC_OK);
    return v;
}

static int64_t df_get(const ec_dataflow *d, ec_dataflow_param key)
{
    int64_t v = -12345;
    ST(ec_dataflow_get(d, key, &v), EC_OK);
    return v;
}

static int64_t count_get(const ec_result *r, ec_tensor t, ec_level lv, ec_access a)
{
    int64_t v = -12345;
    ST(ec_result_count(r, t, lv, a, &v), EC_OK);
    return v;
}

static int64_t result_get(const ec_result *r, ec_result_field f)
{
    int64_t v = -12345;
    ST(ec_result_get(r, f, &v), EC_OK);
    return v;
}

static double part_get(const ec_result *r, ec_energy_part p)
{
    double v = -1.0;
    ST(ec_result_energy(r, p, &v), EC_OK);
    return v;
}

/* Relative comparison for energies (sums of products of doubles). */
static void check_close(double a, double b, const char *file, int line)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    if (!(fabs(a - b) <= 1e-9 * (scale > 1.0 ? scale : 1.0))) {
        print_error("%s:%d: %.17g != %.17g\n", file, line, a, b);
        _fail(file, line);
    }
}
#define assert_close(a, b) check_close((a), (b), __FILE__, __LINE__)

/* The settable layer keys, their contract names (as the messages spell
 * them) and minimums (header: pads >= 0, everything else >= 1). */
static const struct {
    ec_layer_param key;
    const char *name;
    int64_t min;
} layer_keys[] = {
    {EC_LAYER_N, "N", 1},
    {EC_LAYER_C, "C", 1},
    {EC_LAYER_K, "K", 1},
    {EC_LAYER_G, "G", 1},
    {EC_LAYER_H, "H", 1},
    {EC_LAYER_W, "W", 1},
    {EC_LAYER_R, "R", 1},
    {EC_LAYER_S, "S", 1},
    {EC_LAYER_STRIDE_H, "stride_h", 1},
    {EC_LAYER_STRIDE_W, "stride_w", 1},
    {EC_LAYER_DILATION_H, "dilation_h", 1},
    {EC_LAYER_DILATION_W, "dilation_w", 1},
    {EC_LAYER_PAD_TOP, "pad_top", 0},
    {EC_LAYER_PAD_BOTTOM, "pad_bottom", 0},
    {EC_LAYER_PAD_LEFT, "pad_left", 0},
    {EC_LAYER_PAD_RIGHT, "pad_right", 0},
};
#define N_LAYER_KEYS (sizeof layer_keys / sizeof layer_keys[0])

static const ec_layer_param derived_keys[] = {EC_LAYER_P,      EC_LAYER_Q,      EC_LAYER_MACS,
                                              EC_LAYER_SIZE_I, EC_LAYER_SIZE_W, EC_LAYER_SIZE_O};
#define N_DERIVED_KEYS (sizeof derived_keys / sizeof derived_keys[0])

/* A layer shape in one call. */
typedef struct shape {
    int64_t N, C, K, G, H, W, R, S, sh, sw, dh, dw, pt, pb, pl, pr;
} shape;

static ec_layer *make_layer(shape s)
{
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    const int64_t v[16] = {s.N,  s.C,  s.K,  s.G,  s.H,  s.W,  s.R,  s.S,
                           s.sh, s.sw, s.dh, s.dw, s.pt, s.pb, s.pl, s.pr};
    for (size_t i = 0; i < N_LAYER_KEYS; i++) {
        /* Zero in a non-pad field means "default" (1). */
        int64_t value = v[i] == 0 && layer_keys[i].min == 1 ? 1 : v[i];
        ST(ec_layer_set(l, layer_keys[i].key, value), EC_OK);
    }
    return l;
}

static void set_tiles(ec_dataflow *d, const int64_t tile[EC_NDIMS])
{
    for (int i = 0; i < EC_NDIMS; i++)
        ST(ec_dataflow_set(d, (ec_dataflow_param)(EC_DF_TILE_N + i), tile[i]), EC_OK);
}

static void check_order(const ec_dim got[EC_NDIMS], const ec_dim want[EC_NDIMS])
{
    for (int i = 0; i < EC_NDIMS; i++) assert_int_equal(got[i], want[i]);
}

static const ec_dim ORDER_OS[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_P,
                                          EC_DIM_Q, EC_DIM_C, EC_DIM_R, EC_DIM_S};
static const ec_dim ORDER_WS[EC_NDIMS] = {EC_DIM_G, EC_DIM_K, EC_DIM_C, EC_DIM_R,
                                          EC_DIM_S, EC_DIM_N, EC_DIM_P, EC_DIM_Q};
static const ec_dim ORDER_IS[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_C, EC_DIM_P,
                                          EC_DIM_Q, EC_DIM_R, EC_DIM_S, EC_DIM_K};

/* The "304 words over" layer: C = K = 16, H = W = 8, R = S = 1 (so P = Q = 8).
 * With every tile full there is one outer iteration, and
 *   I tile = 16 * 8 * 8 = 1024, W tile = 16 * 16 = 256, O tile = 16 * 8 * 8 = 1024,
 * 2304 words in all. */
static const shape SHAPE_FULL = {.N = 1, .C = 16, .K = 16, .G = 1, .H = 8, .W = 8, .R = 1, .S = 1};
/* Full tiles of SHAPE_FULL, indexed by ec_dim: N G Kg Cg P Q R S. */
static const int64_t TILES_FULL[EC_NDIMS] = {1, 1, 16, 16, 8, 8, 1, 1};

/* ------------------------------------------------------------------------ */
/* Version and status strings                                               */
/* ------------------------------------------------------------------------ */

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(EC_VERSION_NUMBER,
                     EC_VERSION_MAJOR * 10000 + EC_VERSION_MINOR * 100 + EC_VERSION_PATCH);
    /* The library this test links was built from the header it includes. */
    assert_int_equal(ec_version_number(), EC_VERSION_NUMBER);
    assert_non_null(ec_version_string());
    assert_string_equal(ec_version_string(), EC_VERSION_STRING);

    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", EC_VERSION_MAJOR, EC_VERSION_MINOR,
             EC_VERSION_PATCH);
    assert_string_equal(EC_VERSION_STRING, want);
}

static void test_status_strings(void **state)
{
    (void)state;
    const char *s[EC_E_UNAVAILABLE + 1];
    for (int i = EC_OK; i <= EC_E_UNAVAILABLE; i++) {
        s[i] = ec_status_string((ec_status)i);
        assert_non_null(s[i]);
        assert_true(strlen(s[i]) > 0);
        /* A known status must not be reported as unknown. */
        assert_string_not_equal(s[i], "unknown status");
        for (int j = 0; j < i; j++) assert_string_not_equal(s[i], s[j]);
    }
    assert_string_equal(ec_status_string((ec_status)(EC_E_UNAVAILABLE + 1)), "unknown status");
    assert_string_equal(ec_status_string((ec_status)1000), "unknown status");
    assert_string_equal(ec_status_string((ec_status)-1), "unknown status");
}

/* ------------------------------------------------------------------------ */
/* Layer                                                                    */
/* ------------------------------------------------------------------------ */

static void test_layer_defaults(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    for (size_t i = 0; i < N_LAYER_KEYS; i++)
        assert_int_equal(layer_get(l, layer_keys[i].key), layer_keys[i].min);
    /* The default layer is 1x1x1x1: one MAC, one element per tensor. */
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_P), 1);
    assert_int_equal(layer_get(l, EC_LAYER_Q), 1);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), 1);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_I), 1);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_W), 1);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_O), 1);
    assert_string_equal(ec_layer_message(l), "");
    ec_layer_destroy(l);
}

static void test_layer_set_get(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    /* Distinct values per key, so that a setter writing the wrong slot shows. */
    for (size_t i = 0; i < N_LAYER_KEYS; i++)
        ST(ec_layer_set(l, layer_keys[i].key, (int64_t)(100 + i)), EC_OK);
    for (size_t i = 0; i < N_LAYER_KEYS; i++)
        assert_int_equal(layer_get(l, layer_keys[i].key), 100 + (int64_t)i);
    /* Each minimum is accepted exactly (pads 0, the rest 1), and large values too. */
    for (size_t i = 0; i < N_LAYER_KEYS; i++) {
        ST(ec_layer_set(l, layer_keys[i].key, layer_keys[i].min), EC_OK);
        assert_int_equal(layer_get(l, layer_keys[i].key), layer_keys[i].min);
        ST(ec_layer_set(l, layer_keys[i].key, INT64_MAX), EC_OK);
        assert_int_equal(layer_get(l, layer_keys[i].key), INT64_MAX);
    }
    /* Nothing failed, so there is no message. */
    assert_string_equal(ec_layer_message(l), "");
    ec_layer_destroy(l);
}

static void test_layer_minimums(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    for (size_t i = 0; i < N_LAYER_KEYS; i++) {
        const ec_layer_param key = layer_keys[i].key;
        const int64_t good = 7;
        ST(ec_layer_set(l, key, good), EC_OK);

        /* One below the minimum: 0 for the non-pads, -1 for the pads. */
        const int64_t below[] = {layer_keys[i].min - 1, -5, INT64_MIN};
        for (size_t j = 0; j < sizeof below / sizeof below[0]; j++) {
            ST(ec_layer_set(l, key, below[j]), EC_E_RANGE);
            /* The layer is unchanged on error. */
            assert_int_equal(layer_get(l, key), good);
            /* The message names the parameter and the value. */
            assert_contains(ec_layer_message(l), layer_keys[i].name);
            char value[32];
            snprintf(value, sizeof value, "%lld", (long long)below[j]);
            assert_contains(ec_layer_message(l), value);
        }
        ST(ec_layer_set(l, key, layer_keys[i].min), EC_OK);
        assert_int_equal(layer_get(l, key), layer_keys[i].min);
    }
    /* Every other key is still at what the loop left it: the minimum. */
    for (size_t i = 0; i < N_LAYER_KEYS; i++)
        assert_int_equal(layer_get(l, layer_keys[i].key), layer_keys[i].min);
    ec_layer_destroy(l);
}

static void test_layer_keys(void **state)
{
    (void)state;
    /* The padded layer of test_layer_derived: MACs = 5400. */
    ec_layer *l = make_layer((shape){.N = 2, .C = 3, .K = 4, .H = 5, .W = 5, .R = 3, .S = 3,
                                     .pt = 1, .pb = 1, .pl = 1, .pr = 1});
    int64_t v;

    /* Derived keys are read-only, whatever the value, and the layer is unchanged. */
    for (size_t i = 0; i < N_DERIVED_KEYS; i++) {
        int64_t before = layer_get(l, derived_keys[i]);
        ST(ec_layer_set(l, derived_keys[i], 1), EC_E_READONLY);
        ST(ec_layer_set(l, derived_keys[i], -1), EC_E_READONLY);
        assert_true(strlen(ec_layer_message(l)) > 0);
        assert_int_equal(layer_get(l, derived_keys[i]), before);
    }
    assert_int_equal(layer_get(l, EC_LAYER_N), 2);

    /* Unknown keys: the gap between settable and derived keys, and past the end. */
    const int unknown[] = {16, 20, 31, 38, 100, 1 << 20};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        v = -777;
        ST(ec_layer_set(l, (ec_layer_param)unknown[i], 1), EC_E_KEY);
        assert_true(strlen(ec_layer_message(l)) > 0);
        ST(ec_layer_get(l, (ec_layer_param)unknown[i], &v), EC_E_KEY);
        assert_int_equal(v, -777); /* nothing written on error */
    }
    /* Nothing changed. */
    assert_int_equal(layer_get(l, EC_LAYER_C), 3);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), 5400);
    ec_layer_destroy(l);
}

/* Kept apart from test_layer_keys: a key converted from a negative int must
 * be refused like any other unknown key (an implementation that indexes an
 * array with it crashes here, and cmocka then reports this test alone). */
static void test_layer_negative_key(void **state)
{
    (void)state;
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    int64_t v = -777;
    ST(ec_layer_get(l, (ec_layer_param)-1, &v), EC_E_KEY);
    assert_int_equal(v, -777);
    ST(ec_layer_set(l, (ec_layer_param)-1, 5), EC_E_KEY);
    ST(ec_layer_set(l, (ec_layer_param)-100, 5), EC_E_KEY);
    for (size_t i = 0; i < N_LAYER_KEYS; i++)
        assert_int_equal(layer_get(l, layer_keys[i].key), layer_keys[i].min);
    ec_layer_destroy(l);
}

/* Derived getters on hand-computed layers. Section 1:
 *   P = floor((H + pt + pb - dh*(R-1) - 1) / sh) + 1, Q likewise,
 *   MACs = N*G*Kg*Cg*P*Q*R*S, |I| = N*C*H*W, |W| = K*Cg*R*S, |O| = N*K*P*Q. */
static void check_derived(shape s, int64_t P, int64_t Q, int64_t macs, int64_t I, int64_t W,
                          int64_t O)
{
    ec_layer *l = make_layer(s);
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_P), P);
    assert_int_equal(layer_get(l, EC_LAYER_Q), Q);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), macs);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_I), I);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_W), W);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_O), O);
    ec_layer_destroy(l);
}

static void test_layer_derived(void **state)
{
    (void)state;
    /* Padding: H = W = 5, 3x3, pad 1 all round, stride 1.
     *   P = Q = (5 + 1 + 1 - 2 - 1)/1 + 1 = 5.
     *   MACs = 2*1*4*3*5*5*3*3 = 5400; |I| = 2*3*5*5 = 150;
     *   |W| = 4*3*3*3 = 108; |O| = 2*4*5*5 = 200. */
    check_derived((shape){.N = 2, .C = 3, .K = 4, .G = 1, .H = 5, .W = 5, .R = 3, .S = 3,
                          .pt = 1, .pb = 1, .pl = 1, .pr = 1},
                  5, 5, 5400, 150, 108, 200);

    /* Strides, rectangular: H = 7, W = 9, R = 3, S = 2, sh = 2, sw = 3.
     *   P = (7 - 2 - 1)/2 + 1 = 3; Q = (9 - 1 - 1)/3 + 1 = 2 + 1 = 3 (floor of 7/3).
     *   MACs = 1*16*8*3*3*3*2 = 6912; |I| = 8*7*9 = 504; |W| = 16*8*3*2 = 768;
     *   |O| = 16*3*3 = 144. */
    check_derived((shape){.N = 1, .C = 8, .K = 16, .H = 7, .W = 9, .R = 3, .S = 2, .sh = 2,
                          .sw = 3},
                  3, 3, 6912, 504, 768, 144);

    /* Dilation and asymmetric padding: H = 10, W = 6, 3x3, dh = 2, dw = 3,
     * pt = 1, pb = 0, pl = 0, pr = 2.
     *   P = (10 + 1 + 0 - 2*2 - 1) + 1 = 7; Q = (6 + 0 + 2 - 3*2 - 1) + 1 = 2.
     *   MACs = 7*2*9 = 126; |I| = 60; |W| = 9; |O| = 14. */
    check_derived((shape){.N = 1, .C = 1, .K = 1, .H = 10, .W = 6, .R = 3, .S = 3, .dh = 2,
                          .dw = 3, .pt = 1, .pl = 0, .pb = 0, .pr = 2},
                  7, 2, 126, 60, 9, 14);

    /* Groups: C = 8, K = 12, G = 4 (Cg = 2, Kg = 3), H = W = 4, 3x3, pad 1, stride 2.
     *   P = Q = (4 + 2 - 2 - 1)/2 + 1 = 1 + 1 = 2.
     *   MACs = 1*4*3*2*2*2*3*3 = 864; |I| = 8*4*4 = 128; |W| = 12*2*3*3 = 216 (Cg, not C);
     *   |O| = 12*2*2 = 48. */
    check_derived((shape){.N = 1, .C = 8, .K = 12, .G = 4, .H = 4, .W = 4, .R = 3, .S = 3,
                          .sh = 2, .sw = 2, .pt = 1, .pb = 1, .pl = 1, .pr = 1},
                  2, 2, 864, 128, 216, 48);

    /* Depthwise: C = K = G = 6, H = W = 3, 3x3, pad 1: P = Q = 3.
     *   MACs = 6*1*1*3*3*3*3 = 486; |I| = 54; |W| = 6*1*9 = 54; |O| = 54. */
    check_derived((shape){.N = 1, .C = 6, .K = 6, .G = 6, .H = 3, .W = 3, .R = 3, .S = 3,
                          .pt = 1, .pb = 1, .pl = 1, .pr = 1},
                  3, 3, 486, 54, 54, 54);

    /* Fully connected: H = W = R = S = 1, N = 4, C = 100, K = 10.
     *   MACs = 4000; |I| = 400; |W| = 1000; |O| = 40. */
    check_derived((shape){.N = 4, .C = 100, .K = 10}, 1, 1, 4000, 400, 1000, 40);

    /* A kernel wider than the input but covered by padding, stride past the end:
     * H = 1, R = 3, pt = pb = 1, sh = 5: P = (1 + 2 - 2 - 1)/5 + 1 = 1. */
    check_derived((shape){.H = 1, .W = 1, .R = 3, .S = 1, .sh = 5, .pt = 1, .pb = 1}, 1, 1, 3,
                  1, 3, 1);
}

static void test_layer_groups(void **state)
{
    (void)state;
    /* C = 6 is not divisible by G = 4 (K = 8 is). */
    ec_layer *l = make_layer((shape){.C = 6, .K = 8, .G = 4, .H = 2, .W = 2});
    ST(ec_layer_check(l), EC_E_GROUPS);
    assert_contains(ec_layer_message(l), "C");
    assert_contains(ec_layer_message(l), "6");
    int64_t v = -777;
    for (size_t i = 0; i < N_DERIVED_KEYS; i++) {
        ST(ec_layer_get(l, derived_keys[i], &v), EC_E_GROUPS);
        assert_int_equal(v, -777);
    }
    /* The settable keys are still readable: the layer is invalid, not broken. */
    assert_int_equal(layer_get(l, EC_LAYER_C), 6);

    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    ST(ec_evaluate(l, m, d, r), EC_E_GROUPS);
    assert_contains(ec_result_message(r), "C");
    ST(ec_count(l, m, d, r), EC_E_GROUPS);

    /* Now K = 6 is not divisible by G = 4 (C = 8 is). */
    ST(ec_layer_set(l, EC_LAYER_C, 8), EC_OK);
    ST(ec_layer_set(l, EC_LAYER_K, 6), EC_OK);
    ST(ec_layer_check(l), EC_E_GROUPS);
    assert_contains(ec_layer_message(l), "K");
    ST(ec_layer_get(l, EC_LAYER_SIZE_W, &v), EC_E_GROUPS);
    ST(ec_evaluate(l, m, d, r), EC_E_GROUPS);
    assert_contains(ec_result_message(r), "K");

    /* K = 12: valid again, so the errors above were about divisibility. */
    ST(ec_layer_set(l, EC_LAYER_K, 12), EC_OK);
    ST(ec_layer_check(l), EC_OK);
    ST(ec_evaluate(l, m, d, r), EC_OK);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_layer_empty_output(void **state)
{
    (void)state;
    int64_t v = -777;
    /* H = 2, R = 3: the kernel reaches 3 rows, the input has 2: P = 0. */
    ec_layer *l = make_layer((shape){.H = 2, .W = 5, .R = 3, .S = 1});
    ST(ec_layer_check(l), EC_E_EMPTY_OUTPUT);
    assert_true(strlen(ec_layer_message(l)) > 0);
    ST(ec_layer_get(l, EC_LAYER_P, &v), EC_E_EMPTY_OUTPUT);
    ST(ec_layer_get(l, EC_LAYER_MACS, &v), EC_E_EMPTY_OUTPUT);
    assert_int_equal(v, -777);

    /* The same with stride 2: the numerator H - reach = -1 truncates to 0 in C
     * division, which must not give P = 1. */
    ST(ec_layer_set(l, EC_LAYER_STRIDE_H, 2), EC_OK);
    ST(ec_layer_check(l), EC_E_EMPTY_OUTPUT);

    /* One row of padding makes it fit exactly: P = (2 + 1 - 2 - 1)/2 + 1 = 1. */
    ST(ec_layer_set(l, EC_LAYER_PAD_BOTTOM, 1), EC_OK);
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_P), 1);
    ec_layer_destroy(l);

    /* Dilation: W = 4, S = 3, dw = 2 reaches 5 columns: Q = 0; W = 5 gives Q = 1. */
    l = make_layer((shape){.H = 1, .W = 4, .R = 1, .S = 3, .dw = 2});
    ST(ec_layer_check(l), EC_E_EMPTY_OUTPUT);
    ST(ec_layer_get(l, EC_LAYER_Q, &v), EC_E_EMPTY_OUTPUT);

    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    ST(ec_evaluate(l, m, d, r), EC_E_EMPTY_OUTPUT);
    assert_true(strlen(ec_result_message(r)) > 0);
    ST(ec_count(l, m, d, r), EC_E_EMPTY_OUTPUT);

    ST(ec_layer_set(l, EC_LAYER_W, 5), EC_OK);
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_Q), 1);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_layer_overflow(void **state)
{
    (void)state;
    const int64_t two20 = (int64_t)1 << 20, two31 = (int64_t)1 << 31;
    int64_t v = -777;

    /* N = C = H = W = 2^20: |I| = 2^80. */
    ec_layer *l = make_layer((shape){.N = two20, .C = two20, .H = two20, .W = two20});
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    assert_contains(ec_layer_message(l), "|I|");
    ST(ec_layer_get(l, EC_LAYER_SIZE_I, &v), EC_E_OVERFLOW);
    ST(ec_layer_get(l, EC_LAYER_P, &v), EC_E_OVERFLOW); /* any derived key */
    assert_int_equal(v, -777);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    ST(ec_evaluate(l, m, d, r), EC_E_OVERFLOW);
    ST(ec_count(l, m, d, r), EC_E_OVERFLOW);
    ec_layer_destroy(l);

    /* |I| = N*C*H*W overflowing only in its last multiplication:
     * N = 1, C = 1, H = W = 2^31 gives |I| = 2^62, which fits (and so do
     * P = Q = 2^31, |O| = 2^62, MACs = 2^62); with N = 2, N*C*H = 2^32 still
     * fits and only the final *W reaches 2^63 > INT64_MAX. */
    l = make_layer((shape){.N = 1, .C = 1, .K = 1, .H = two31, .W = two31});
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_I), (int64_t)1 << 62);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), (int64_t)1 << 62);
    ST(ec_layer_set(l, EC_LAYER_N, 2), EC_OK);
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    ST(ec_layer_get(l, EC_LAYER_SIZE_I, &v), EC_E_OVERFLOW);
    ec_layer_destroy(l);

    /* MACs = |O|*Cg*R*S overflowing only in the last factor S, with |I|,
     * |W|, |O| all fitting: C = 2^31, K = 1, H = 1, W = 2^31, R = 1,
     * S = 2^31, pad_top = 1.
     *   P = (1 + 1 - 0 - 1) + 1 = 2; Q = (2^31 - (2^31 - 1) - 1) + 1 = 1.
     *   |I| = 2^31 * 2^31 = 2^62, |W| = 2^31 * 2^31 = 2^62, |O| = 2,
     *   MACs = 2 * 2^31 * 1 * 2^31 = 2^63: overflows at the last multiplication.
     * Without the padding P = 1 and MACs = 2^62 fits. */
    l = make_layer((shape){.C = two31, .K = 1, .H = 1, .W = two31, .R = 1, .S = two31});
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), (int64_t)1 << 62);
    ST(ec_layer_set(l, EC_LAYER_PAD_TOP, 1), EC_OK);
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    assert_contains(ec_layer_message(l), "MACs");
    ST(ec_layer_get(l, EC_LAYER_MACS, &v), EC_E_OVERFLOW);
    ec_layer_destroy(l);

    /* Exactly INT64_MAX fits: 2^63 - 1 = 7^2 * 73 * 127 * 337 * 92737 * 649657.
     * N = 3577 (7^2*73), C = 42799 (127*337), H = 92737, W = 649657; 1x1, K = 1:
     * |I| = 2^63 - 1 and MACs = |O|*Cg = N*H*W*C = 2^63 - 1 too. One more column
     * overflows. */
    l = make_layer((shape){.N = 3577, .C = 42799, .K = 1, .H = 92737, .W = 649657});
    ST(ec_layer_check(l), EC_OK);
    assert_int_equal(layer_get(l, EC_LAYER_SIZE_I), INT64_MAX);
    assert_int_equal(layer_get(l, EC_LAYER_MACS), INT64_MAX);
    ST(ec_layer_set(l, EC_LAYER_W, 649658), EC_OK);
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    ec_layer_destroy(l);

    /* H + pad_top + pad_bottom itself overflowing. */
    l = make_layer((shape){.H = INT64_MAX, .pt = 1});
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    ec_layer_destroy(l);
    /* dilation*(R-1) overflowing. */
    l = make_layer((shape){.H = 5, .R = 3, .dh = INT64_MAX});
    ST(ec_layer_check(l), EC_E_OVERFLOW);
    ec_layer_destroy(l);

    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
}

static void test_layer_null(void **state)
{
    (void)state;
    int64_t v = -777;
    ec_layer *l = ec_layer_create();
    assert_non_null(l);
    ST(ec_layer_set(NULL, EC_LAYER_N, 1), EC_E_NULL);
    ST(ec_layer_get(NULL, EC_LAYER_N, &v), EC_E_NULL);
    ST(ec_layer_get(l, EC_LAYER_N, NULL), EC_E_NULL);
    ST(ec_layer_get(l, EC_LAYER_MACS, NULL), EC_E_NULL);
    ST(ec_layer_check(NULL), EC_E_NULL);
    assert_int_equal(v, -777);
    assert_non_null(ec_layer_message(NULL));
    assert_string_equal(ec_layer_message(NULL), "");
    ec_layer_destroy(NULL); /* harmless */
    ec_layer_destroy(l);
}

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

static const struct {
    ec_energy_param key;
    const char *name;
    double def;
} energy_keys[] = {
    {EC_ENERGY_DRAM_READ, "dram_read", 200},
    {EC_ENERGY_DRAM_WRITE, "dram_write", 200},
    {EC_ENERGY_BUF_READ, "buf_read", 6},
    {EC_ENERGY_BUF_WRITE, "buf_write", 6},
    {EC_ENERGY_MAC, "mac", 1},
};
#define N_ENERGY_KEYS (sizeof energy_keys / sizeof energy_keys[0])

static const struct {
    ec_memory_param key;
    const char *name;
} mem_keys[] = {
    {EC_MEM_CAPACITY, "capacity"},
    {EC_MEM_PARTITION_I, "partition_I"},
    {EC_MEM_PARTITION_W, "partition_W"},
    {EC_MEM_PARTITION_O, "partition_O"},
};
#define N_MEM_KEYS (sizeof mem_keys / sizeof mem_keys[0])

static void test_memory_defaults(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    assert_non_null(m);
    assert_int_equal(mem_get(m, EC_MEM_CAPACITY), 65536);
    assert_int_equal(mem_get(m, EC_MEM_PARTITION_I), 0);
    assert_int_equal(mem_get(m, EC_MEM_PARTITION_W), 0);
    assert_int_equal(mem_get(m, EC_MEM_PARTITION_O), 0);
    for (size_t i = 0; i < N_ENERGY_KEYS; i++)
        assert_true(energy_get(m, energy_keys[i].key) == energy_keys[i].def);
    assert_string_equal(ec_memory_message(m), "");
    ec_memory_destroy(m);
}

static void test_memory_capacity(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    assert_non_null(m);
    /* Distinct values, so a setter writing the wrong slot shows. */
    for (size_t i = 0; i < N_MEM_KEYS; i++)
        ST(ec_memory_set(m, mem_keys[i].key, (int64_t)(1000 + i)), EC_OK);
    for (size_t i = 0; i < N_MEM_KEYS; i++)
        assert_int_equal(mem_get(m, mem_keys[i].key), 1000 + (int64_t)i);
    /* 0 (the minimum) and huge values are accepted. */
    for (size_t i = 0; i < N_MEM_KEYS; i++) {
        ST(ec_memory_set(m, mem_keys[i].key, 0), EC_OK);
        assert_int_equal(mem_get(m, mem_keys[i].key), 0);
        ST(ec_memory_set(m, mem_keys[i].key, INT64_MAX), EC_OK);
        assert_int_equal(mem_get(m, mem_keys[i].key), INT64_MAX);
        ST(ec_memory_set(m, mem_keys[i].key, 500), EC_OK);
    }
    /* Negative: EC_E_RANGE, unchanged, message names the key. */
    for (size_t i = 0; i < N_MEM_KEYS; i++) {
        ST(ec_memory_set(m, mem_keys[i].key, -1), EC_E_RANGE);
        assert_contains(ec_memory_message(m), mem_keys[i].name);
        ST(ec_memory_set(m, mem_keys[i].key, INT64_MIN), EC_E_RANGE);
        assert_int_equal(mem_get(m, mem_keys[i].key), 500);
    }
    /* Unknown keys. */
    const int unknown[] = {5, 6, 100, -1};
    int64_t v = -777;
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        ST(ec_memory_set(m, (ec_memory_param)unknown[i], 1), EC_E_KEY);
        assert_true(strlen(ec_memory_message(m)) > 0);
        ST(ec_memory_get(m, (ec_memory_param)unknown[i], &v), EC_E_KEY);
        assert_int_equal(v, -777);
    }
    for (size_t i = 0; i < N_MEM_KEYS; i++) assert_int_equal(mem_get(m, mem_keys[i].key), 500);
    ec_memory_destroy(m);
}

static void test_memory_energies(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    assert_non_null(m);
    for (size_t i = 0; i < N_ENERGY_KEYS; i++)
        ST(ec_memory_set_energy(m, energy_keys[i].key, 10.5 + (double)i), EC_OK);
    for (size_t i = 0; i < N_ENERGY_KEYS; i++)
        assert_true(energy_get(m, energy_keys[i].key) == 10.5 + (double)i);
    /* Zero is a valid (non-negative, finite) energy. */
    ST(ec_memory_set_energy(m, EC_ENERGY_MAC, 0.0), EC_OK);
    assert_true(energy_get(m, EC_ENERGY_MAC) == 0.0);
    ST(ec_memory_set_energy(m, EC_ENERGY_MAC, 14.5), EC_OK);

    /* Negative, NaN, +inf, -inf: EC_E_ENERGY, memory unchanged, message names it. */
    const double bad[] = {-1.0, -1e-300, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < N_ENERGY_KEYS; i++) {
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
            ST(ec_memory_set_energy(m, energy_keys[i].key, bad[j]), EC_E_ENERGY);
            assert_contains(ec_memory_message(m), energy_keys[i].name);
            for (size_t k = 0; k < N_ENERGY_KEYS; k++)
                assert_true(energy_get(m, energy_keys[k].key) == 10.5 + (double)k);
        }
    }
    /* Capacities are untouched by energy calls. */
    assert_int_equal(mem_get(m, EC_MEM_CAPACITY), 65536);

    /* Unknown energy keys. */
    const int unknown[] = {5, 6, 100, -1};
    double e = -3.0;
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        ST(ec_memory_set_energy(m, (ec_energy_param)unknown[i], 1.0), EC_E_KEY);
        ST(ec_memory_get_energy(m, (ec_energy_param)unknown[i], &e), EC_E_KEY);
        assert_true(e == -3.0);
    }

    /* The preset restores the defaults 200/200/6/6/1. */
    ST(ec_memory_preset_energies(m, EC_PRESET_EYERISS), EC_OK);
    for (size_t i = 0; i < N_ENERGY_KEYS; i++)
        assert_true(energy_get(m, energy_keys[i].key) == energy_keys[i].def);
    /* An unknown preset is refused and changes nothing. */
    ST(ec_memory_set_energy(m, EC_ENERGY_DRAM_READ, 99.0), EC_OK);
    ST(ec_memory_preset_energies(m, (ec_memory_preset)1), EC_E_KEY);
    ST(ec_memory_preset_energies(m, (ec_memory_preset)-1), EC_E_KEY);
    assert_true(energy_get(m, EC_ENERGY_DRAM_READ) == 99.0);
    ec_memory_destroy(m);
}

static void test_memory_null(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    assert_non_null(m);
    int64_t v = -777;
    double e = -3.0;
    ST(ec_memory_set(NULL, EC_MEM_CAPACITY, 1), EC_E_NULL);
    ST(ec_memory_get(NULL, EC_MEM_CAPACITY, &v), EC_E_NULL);
    ST(ec_memory_get(m, EC_MEM_CAPACITY, NULL), EC_E_NULL);
    ST(ec_memory_set_energy(NULL, EC_ENERGY_MAC, 1.0), EC_E_NULL);
    ST(ec_memory_get_energy(NULL, EC_ENERGY_MAC, &e), EC_E_NULL);
    ST(ec_memory_get_energy(m, EC_ENERGY_MAC, NULL), EC_E_NULL);
    ST(ec_memory_preset_energies(NULL, EC_PRESET_EYERISS), EC_E_NULL);
    assert_int_equal(v, -777);
    assert_true(e == -3.0);
    assert_string_equal(ec_memory_message(NULL), "");
    ec_memory_destroy(NULL);
    ec_memory_destroy(m);
}

/* ------------------------------------------------------------------------ */
/* Dataflow                                                                 */
/* ------------------------------------------------------------------------ */

static void test_dataflow_defaults(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_OS);
    assert_int_equal(df_get(d, EC_DF_REUSE), EC_REUSE_SLIDE);
    assert_int_equal(df_get(d, EC_DF_FOOTPRINT), EC_FOOTPRINT_EXACT);
    for (int i = 0; i < EC_NDIMS; i++)
        assert_int_equal(df_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i)), 0);
    ec_dim order[EC_NDIMS];
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_OS);
    assert_string_equal(ec_dataflow_message(d), "");
    ec_dataflow_destroy(d);
}

static void test_dataflow_set_get(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    int64_t v = -777;

    /* Every enum value of the three enum-valued keys round-trips. */
    for (int p = EC_POLICY_OS; p <= EC_POLICY_CUSTOM; p++) {
        ST(ec_dataflow_set(d, EC_DF_POLICY, p), EC_OK);
        assert_int_equal(df_get(d, EC_DF_POLICY), p);
    }
    ST(ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_REFETCH), EC_OK);
    assert_int_equal(df_get(d, EC_DF_REUSE), EC_REUSE_REFETCH);
    ST(ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_SLIDE), EC_OK);
    assert_int_equal(df_get(d, EC_DF_REUSE), EC_REUSE_SLIDE);
    ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
    assert_int_equal(df_get(d, EC_DF_FOOTPRINT), EC_FOOTPRINT_BBOX);
    ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_EXACT), EC_OK);
    assert_int_equal(df_get(d, EC_DF_FOOTPRINT), EC_FOOTPRINT_EXACT);

    /* Bad enum values: EC_E_KEY, the parameter unchanged. */
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
    const int64_t bad_policy[] = {-1, 5, 100, INT64_MAX, INT64_MIN, (int64_t)1 << 32};
    for (size_t i = 0; i < sizeof bad_policy / sizeof bad_policy[0]; i++) {
        ST(ec_dataflow_set(d, EC_DF_POLICY, bad_policy[i]), EC_E_KEY);
        assert_true(strlen(ec_dataflow_message(d)) > 0);
        assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_WS);
    }
    ST(ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_REFETCH), EC_OK);
    ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
    const int64_t bad_binary[] = {-1, 2, 3, (int64_t)1 << 32};
    for (size_t i = 0; i < sizeof bad_binary / sizeof bad_binary[0]; i++) {
        ST(ec_dataflow_set(d, EC_DF_REUSE, bad_binary[i]), EC_E_KEY);
        ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, bad_binary[i]), EC_E_KEY);
        assert_int_equal(df_get(d, EC_DF_REUSE), EC_REUSE_REFETCH);
        assert_int_equal(df_get(d, EC_DF_FOOTPRINT), EC_FOOTPRINT_BBOX);
    }

    /* Tiles: distinct values round-trip; 0 (automatic) and huge values accepted
     * here (the extent check belongs to the evaluation). */
    for (int i = 0; i < EC_NDIMS; i++)
        ST(ec_dataflow_set(d, (ec_dataflow_param)(EC_DF_TILE_N + i), 11 + i), EC_OK);
    for (int i = 0; i < EC_NDIMS; i++)
        assert_int_equal(df_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i)), 11 + i);
    ST(ec_dataflow_set(d, EC_DF_TILE_K, INT64_MAX), EC_OK);
    assert_int_equal(df_get(d, EC_DF_TILE_K), INT64_MAX);
    ST(ec_dataflow_set(d, EC_DF_TILE_K, 0), EC_OK);
    assert_int_equal(df_get(d, EC_DF_TILE_K), 0);

    /* Negative tile: EC_E_RANGE, unchanged, message says which tile. */
    ST(ec_dataflow_set(d, EC_DF_TILE_Q, -1), EC_E_RANGE);
    assert_contains(ec_dataflow_message(d), "tile");
    assert_contains(ec_dataflow_message(d), "Q");
    ST(ec_dataflow_set(d, EC_DF_TILE_N, INT64_MIN), EC_E_RANGE);
    assert_int_equal(df_get(d, EC_DF_TILE_Q), 11 + EC_DIM_Q);
    assert_int_equal(df_get(d, EC_DF_TILE_N), 11);

    /* Unknown keys: the gap 3..7 between options and tiles, past the end, negative. */
    const int unknown[] = {3, 4, 7, 16, 100, -1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        v = -777;
        ST(ec_dataflow_set(d, (ec_dataflow_param)unknown[i], 1), EC_E_KEY);
        ST(ec_dataflow_get(d, (ec_dataflow_param)unknown[i], &v), EC_E_KEY);
        assert_int_equal(v, -777);
    }
    /* Nothing else moved. */
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_WS);
    assert_int_equal(df_get(d, EC_DF_TILE_S), 11 + EC_DIM_S);
    ec_dataflow_destroy(d);
}

static void test_dataflow_policy_orders(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    ec_dim order[EC_NDIMS];

    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_WS);
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_IS), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_IS);
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OS), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_OS);

    /* CUSTOM on a dataflow that never had a custom order: the header says
     * "keeps the current order", so it must be a permutation; a fresh dataflow
     * is OS, so OS's. */
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_CUSTOM), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_OS);

    /* A custom order survives switching to a named policy and back. */
    ST(ec_dataflow_set_order_string(d, "SRQPCKGN"), EC_OK);
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_WS);
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_CUSTOM), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    const ec_dim rev[EC_NDIMS] = {EC_DIM_S, EC_DIM_R, EC_DIM_Q, EC_DIM_P,
                                  EC_DIM_C, EC_DIM_K, EC_DIM_G, EC_DIM_N};
    check_order(order, rev);
    ec_dataflow_destroy(d);
}

static void test_dataflow_custom_order(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    ec_dim order[EC_NDIMS];

    /* Array: sets the order and the policy to CUSTOM. */
    const ec_dim want[EC_NDIMS] = {EC_DIM_Q, EC_DIM_C, EC_DIM_N, EC_DIM_S,
                                   EC_DIM_G, EC_DIM_P, EC_DIM_K, EC_DIM_R};
    ST(ec_dataflow_set_order(d, want), EC_OK);
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_CUSTOM);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, want);

    /* String, upper case: the same order. */
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_IS), EC_OK);
    ST(ec_dataflow_set_order_string(d, "GKCRSNPQ"), EC_OK);
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_CUSTOM);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_WS);

    /* Lower and mixed case. */
    ST(ec_dataflow_set_order_string(d, "qcnsgpkr"), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, want);
    ST(ec_dataflow_set_order_string(d, "nGcPqRsK"), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_IS);
    ec_dataflow_destroy(d);
}

static void test_dataflow_order_errors(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    ec_dim order[EC_NDIMS];
    /* Start from WS so that "unchanged" is distinguishable from the default. */
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);

    /* Arrays: a repeat, values out of the enum's range. */
    const ec_dim repeat[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C,
                                     EC_DIM_P, EC_DIM_Q, EC_DIM_R, EC_DIM_R};
    ST(ec_dataflow_set_order(d, repeat), EC_E_ORDER);
    assert_true(strlen(ec_dataflow_message(d)) > 0);
    ec_dim bad[EC_NDIMS];
    memcpy(bad, ORDER_OS, sizeof bad);
    bad[3] = (ec_dim)8;
    ST(ec_dataflow_set_order(d, bad), EC_E_ORDER);
    bad[3] = (ec_dim)-1;
    ST(ec_dataflow_set_order(d, bad), EC_E_ORDER);
    bad[3] = (ec_dim)1000;
    ST(ec_dataflow_set_order(d, bad), EC_E_ORDER);

    /* Strings: wrong length, bad letters, repeats. */
    const char *bad_strings[] = {
        "",           /* empty */
        "NGKCPQR",    /* 7 letters */
        "NGKCPQRSN",  /* 9 letters */
        "NGKCPQRSX",  /* 9 letters */
        "NGKCPQRX",   /* X is no dimension */
        "NGKCPQR ",   /* a space */
        "NGKCPQRN",   /* N twice, S missing */
        "ngkcpqrn",   /* the same in lower case */
        "NGKHPQRS",   /* H is a layer parameter, not a dimension */
        "12345678",
    };
    for (size_t i = 0; i < sizeof bad_strings / sizeof bad_strings[0]; i++) {
        if (ec_dataflow_set_order_string(d, bad_strings[i]) != EC_E_ORDER) {
            print_error("order string \"%s\" was not refused with EC_E_ORDER\n", bad_strings[i]);
            fail();
        }
        assert_true(strlen(ec_dataflow_message(d)) > 0);
    }

    /* After all that, the dataflow is still WS with WS's order. */
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_WS);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_WS);
    /* ... and its custom order was not overwritten either (still OS's). */
    ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_CUSTOM), EC_OK);
    ST(ec_dataflow_get_order(d, order), EC_OK);
    check_order(order, ORDER_OS);
    ec_dataflow_destroy(d);
}

static void test_dataflow_null(void **state)
{
    (void)state;
    ec_dataflow *d = ec_dataflow_create();
    assert_non_null(d);
    int64_t v = -777;
    ec_dim order[EC_NDIMS];
    ST(ec_dataflow_set(NULL, EC_DF_POLICY, 0), EC_E_NULL);
    ST(ec_dataflow_get(NULL, EC_DF_POLICY, &v), EC_E_NULL);
    ST(ec_dataflow_get(d, EC_DF_POLICY, NULL), EC_E_NULL);
    ST(ec_dataflow_set_order(NULL, ORDER_WS), EC_E_NULL);
    ST(ec_dataflow_set_order(d, NULL), EC_E_NULL);
    ST(ec_dataflow_set_order_string(NULL, "NGKCPQRS"), EC_E_NULL);
    ST(ec_dataflow_set_order_string(d, NULL), EC_E_NULL);
    ST(ec_dataflow_get_order(NULL, order), EC_E_NULL);
    ST(ec_dataflow_get_order(d, NULL), EC_E_NULL);
    assert_int_equal(v, -777);
    assert_int_equal(df_get(d, EC_DF_POLICY), EC_POLICY_OS); /* untouched */
    assert_string_equal(ec_dataflow_message(NULL), "");
    ec_dataflow_destroy(NULL);
    ec_dataflow_destroy(d);
}

/* ------------------------------------------------------------------------ */
/* Result before / without a successful evaluation                          */
/* ------------------------------------------------------------------------ */

/* Every getter of a result that holds no successful evaluation. */
static void check_not_evaluated(const ec_result *r)
{
    int64_t v = -777;
    double e = -3.0;
    ec_dim order[EC_NDIMS];
    int automatic = -5;
    ST(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_NOT_EVALUATED);
    ST(ec_result_get(r, EC_RESULT_MACS, &v), EC_E_NOT_EVALUATED);
    ST(ec_result_get(r, EC_RESULT_DRAM_TOTAL, &v), EC_E_NOT_EVALUATED);
    ST(ec_result_get(r, EC_RESULT_POLICY, &v), EC_E_NOT_EVALUATED);
    ST(ec_result_energy(r, EC_PART_TOTAL, &e), EC_E_NOT_EVALUATED);
    ST(ec_result_order(r, order), EC_E_NOT_EVALUATED);
    ST(ec_result_tile(r, EC_DIM_K, &v, &automatic), EC_E_NOT_EVALUATED);
    assert_int_equal(v, -777);
    assert_true(e == -3.0);
    assert_int_equal(automatic, -5);
}

static void test_result_fresh(void **state)
{
    (void)state;
    ec_result *r = ec_result_create();
    assert_non_null(r);
    check_not_evaluated(r);
    assert_string_equal(ec_result_message(r), "");

    /* NULL result or NULL output pointer: EC_E_NULL. */
    int64_t v = -777;
    double e = -3.0;
    ec_dim order[EC_NDIMS];
    ST(ec_result_count(NULL, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_NULL);
    ST(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, NULL), EC_E_NULL);
    ST(ec_result_get(NULL, EC_RESULT_MACS, &v), EC_E_NULL);
    ST(ec_result_get(r, EC_RESULT_MACS, NULL), EC_E_NULL);
    ST(ec_result_energy(NULL, EC_PART_TOTAL, &e), EC_E_NULL);
    ST(ec_result_energy(r, EC_PART_TOTAL, NULL), EC_E_NULL);
    ST(ec_result_order(NULL, order), EC_E_NULL);
    ST(ec_result_order(r, NULL), EC_E_NULL);
    ST(ec_result_tile(NULL, EC_DIM_N, &v, NULL), EC_E_NULL);
    ST(ec_result_tile(r, EC_DIM_N, NULL, NULL), EC_E_NULL);
    assert_string_equal(ec_result_message(NULL), "");
    ec_result_destroy(NULL);
    ec_result_destroy(r);
}

/* ------------------------------------------------------------------------ */
/* Evaluation errors                                                        */
/* ------------------------------------------------------------------------ */

typedef ec_status (*evaluator)(const ec_layer *, const ec_memory *, const ec_dataflow *,
                               ec_result *);
static const evaluator evaluators[2] = {ec_evaluate, ec_count};

static void test_evaluate_null(void **state)
{
    (void)state;
    ec_layer *l = make_layer((shape){.C = 2, .K = 2, .H = 3, .W = 3});
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    for (int f = 0; f < 2; f++) {
        evaluator ev = evaluators[f];
        /* A successful evaluation first, so that "marked not evaluated" is
         * a change, not the fresh state. */
        ST(ev(l, m, d, r), EC_OK);
        ST(ev(NULL, m, d, r), EC_E_NULL);
        check_not_evaluated(r);
        assert_contains(ec_result_message(r), "layer");

        ST(ev(l, m, d, r), EC_OK);
        ST(ev(l, NULL, d, r), EC_E_NULL);
        check_not_evaluated(r);
        assert_contains(ec_result_message(r), "memory");

        ST(ev(l, m, d, r), EC_OK);
        ST(ev(l, m, NULL, r), EC_E_NULL);
        check_not_evaluated(r);
        assert_contains(ec_result_message(r), "dataflow");

        ST(ev(l, m, d, NULL), EC_E_NULL);
        ST(ev(NULL, NULL, NULL, NULL), EC_E_NULL);
        ST(ev(NULL, NULL, NULL, r), EC_E_NULL);
        check_not_evaluated(r);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_evaluate_tile_errors(void **state)
{
    (void)state;
    /* Groups make the K and C extents per group: C = 8, K = 12, G = 4 gives
     * Cg = 2, Kg = 3. H = W = 5, 3x3, no pad: P = Q = 3. Extents
     * (N G Kg Cg P Q R S) = (2 4 3 2 3 3 3 3). */
    ec_layer *l = make_layer((shape){.N = 2, .C = 8, .K = 12, .G = 4, .H = 5, .W = 5, .R = 3, .S = 3});
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    const int64_t extent[EC_NDIMS] = {2, 4, 3, 2, 3, 3, 3, 3};
    const char letters[] = "NGKCPQRS";

    for (int f = 0; f < 2; f++) {
        for (int i = 0; i < EC_NDIMS; i++) {
            const ec_dataflow_param key = (ec_dataflow_param)(EC_DF_TILE_N + i);
            /* The extent itself is fine (with the other tiles automatic). */
            ST(ec_dataflow_set(d, key, extent[i]), EC_OK);
            ST(evaluators[f](l, m, d, r), EC_OK);
            /* One more is refused, and the message names that tile. */
            ST(ec_dataflow_set(d, key, extent[i] + 1), EC_OK);
            ST(evaluators[f](l, m, d, r), EC_E_TILE);
            check_not_evaluated(r);
            char letter[2] = {letters[i], '\0'};
            assert_contains(ec_result_message(r), letter);
            assert_contains(ec_result_message(r), "tile");
            ST(ec_dataflow_set(d, key, 0), EC_OK);
        }
        /* K's tile is checked against Kg = 3, not K = 12. */
        ST(ec_dataflow_set(d, EC_DF_TILE_K, 12), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_TILE);
        ST(ec_dataflow_set(d, EC_DF_TILE_K, 0), EC_OK);
        /* Huge tiles must not wrap into something acceptable. */
        ST(ec_dataflow_set(d, EC_DF_TILE_P, INT64_MAX), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_TILE);
        ST(ec_dataflow_set(d, EC_DF_TILE_P, 0), EC_OK);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_evaluate_capacity_explicit(void **state)
{
    (void)state;
    ec_layer *l = make_layer(SHAPE_FULL);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    set_tiles(d, TILES_FULL);

    for (int f = 0; f < 2; f++) {
        /* 2304 words needed (see SHAPE_FULL); M = 2000 is 304 short. */
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 2000), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        check_not_evaluated(r);
        assert_number(ec_result_message(r), 304);
        /* Exactly enough fits; one word less is 1 word over. */
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 2304), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_string_equal(ec_result_message(r), "");
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 2303), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        assert_number(ec_result_message(r), 1);
        /* Explicit tiles are used as given even when smaller ones would fit:
         * a capacity of 0 cannot hold any tile. */
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 0), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        assert_number(ec_result_message(r), 2304);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_evaluate_capacity_auto(void **state)
{
    (void)state;
    /* The smallest tiling (every tile 1) needs 1 word of each tensor: 3 words.
     * With M = 2 no automatic tiling fits; with M = 3 one does. */
    ec_layer *l = make_layer((shape){.C = 4, .K = 4, .H = 4, .W = 4, .R = 3, .S = 3, .pt = 1,
                                     .pb = 1, .pl = 1, .pr = 1});
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    for (int f = 0; f < 2; f++) {
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 2), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        check_not_evaluated(r);
        assert_true(strlen(ec_result_message(r)) > 0);
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 0), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 3), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        for (int i = 0; i < EC_NDIMS; i++) {
            int64_t t = -1;
            int automatic = -1;
            ST(ec_result_tile(r, (ec_dim)i, &t, &automatic), EC_OK);
            assert_int_equal(t, 1);
            assert_int_equal(automatic, 1);
        }
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_evaluate_capacity_partition(void **state)
{
    (void)state;
    /* SHAPE_FULL with full tiles: I 1024, W 256, O 1024 words. */
    ec_layer *l = make_layer(SHAPE_FULL);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    set_tiles(d, TILES_FULL);
    static const struct {
        int64_t mi, mw, mo;
        const char *name; /* the partition that is too small, NULL if none */
        long long over; /* words over */
    } cases[] = {
        {1024, 256, 1024, NULL, 0},
        {1000, 256, 1024, "partition_I", 24},
        {1024, 255, 1024, "partition_W", 1},
        {1024, 256, 1000, "partition_O", 24},
        /* Partitioned: the shared capacity is ignored, so a partition of 0
         * next to non-zero ones is a real 0. */
        {0, 256, 1024, "partition_I", 1024},
    };
    for (int f = 0; f < 2; f++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            /* A shared capacity far too small: ignored once partitioned. */
            ST(ec_memory_set(m, EC_MEM_CAPACITY, 1), EC_OK);
            ST(ec_memory_set(m, EC_MEM_PARTITION_I, cases[i].mi), EC_OK);
            ST(ec_memory_set(m, EC_MEM_PARTITION_W, cases[i].mw), EC_OK);
            ST(ec_memory_set(m, EC_MEM_PARTITION_O, cases[i].mo), EC_OK);
            ec_status st = evaluators[f](l, m, d, r);
            if (cases[i].name == NULL) {
                ST(st, EC_OK);
            } else {
                ST(st, EC_E_CAPACITY);
                assert_contains(ec_result_message(r), cases[i].name);
                assert_number(ec_result_message(r), cases[i].over);
            }
        }
        /* The sum of the partitions would fit a shared 2304 words, but the
         * split is wrong: I gets too little even though O has room to spare. */
        ST(ec_memory_set(m, EC_MEM_PARTITION_I, 1023), EC_OK);
        ST(ec_memory_set(m, EC_MEM_PARTITION_W, 256), EC_OK);
        ST(ec_memory_set(m, EC_MEM_PARTITION_O, 5000), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        assert_contains(ec_result_message(r), "partition_I");

        /* Automatic tiles in a partitioned Buffer with W's partition 0: no
         * tiling fits (W needs at least one word). */
        set_tiles(d, (const int64_t[EC_NDIMS]){0, 0, 0, 0, 0, 0, 0, 0});
        ST(ec_memory_set(m, EC_MEM_PARTITION_W, 0), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        ST(ec_memory_set(m, EC_MEM_PARTITION_W, 1), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        /* The W partition holds one word: every W-relevant tile is 1. */
        const ec_dim wdims[] = {EC_DIM_G, EC_DIM_K, EC_DIM_C, EC_DIM_R, EC_DIM_S};
        for (size_t i = 0; i < sizeof wdims / sizeof wdims[0]; i++) {
            int64_t t = -1;
            ST(ec_result_tile(r, wdims[i], &t, NULL), EC_OK);
            assert_int_equal(t, 1);
        }
        set_tiles(d, TILES_FULL);
        /* Back to shared. */
        ST(ec_memory_set(m, EC_MEM_PARTITION_I, 0), EC_OK);
        ST(ec_memory_set(m, EC_MEM_PARTITION_W, 0), EC_OK);
        ST(ec_memory_set(m, EC_MEM_PARTITION_O, 0), EC_OK);
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 2304), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 1), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_evaluate_failure_resets(void **state)
{
    (void)state;
    ec_layer *l = make_layer(SHAPE_FULL);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    for (int f = 0; f < 2; f++) {
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(result_get(r, EC_RESULT_MACS), 16384);
        assert_string_equal(ec_result_message(r), "");

        /* A tile past its extent (Kg = 16): the old result must not survive. */
        ST(ec_dataflow_set(d, EC_DF_TILE_K, 17), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_TILE);
        check_not_evaluated(r);
        assert_true(strlen(ec_result_message(r)) > 0);

        /* Success again clears the message. */
        ST(ec_dataflow_set(d, EC_DF_TILE_K, 0), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_string_equal(ec_result_message(r), "");

        /* A layer error after success, likewise. */
        ST(ec_layer_set(l, EC_LAYER_G, 3), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_GROUPS);
        check_not_evaluated(r);
        ST(ec_layer_set(l, EC_LAYER_G, 1), EC_OK);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* ------------------------------------------------------------------------ */
/* Result getters after a successful evaluation                             */
/* ------------------------------------------------------------------------ */

/* Internal consistency of a successful result, whatever the dataflow. */
static void check_result_consistent(const ec_result *r, const ec_memory *m, int64_t macs)
{
    assert_int_equal(result_get(r, EC_RESULT_MACS), macs);

    /* DRAM writes of I and W are always 0. */
    assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_WRITE), 0);
    assert_int_equal(count_get(r, EC_TENSOR_W, EC_LEVEL_DRAM, EC_ACCESS_WRITE), 0);
    /* Every MAC reads its input and weight from the Buffer. */
    assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_BUFFER, EC_ACCESS_READ), macs);
    assert_int_equal(count_get(r, EC_TENSOR_W, EC_LEVEL_BUFFER, EC_ACCESS_READ), macs);

    /* EC_RESULT_DRAM_TOTAL is the sum of the six DRAM counts, and the energy
     * parts are those counts priced by the memory. */
    int64_t dram = 0;
    double e_tensor[3], e_dram = 0, e_buf = 0;
    const double edr = energy_get(m, EC_ENERGY_DRAM_READ), edw = energy_get(m, EC_ENERGY_DRAM_WRITE);
    const double ebr = energy_get(m, EC_ENERGY_BUF_READ), ebw = energy_get(m, EC_ENERGY_BUF_WRITE);
    for (int t = 0; t < 3; t++) {
        int64_t dr = count_get(r, (ec_tensor)t, EC_LEVEL_DRAM, EC_ACCESS_READ);
        int64_t dw = count_get(r, (ec_tensor)t, EC_LEVEL_DRAM, EC_ACCESS_WRITE);
        int64_t br = count_get(r, (ec_tensor)t, EC_LEVEL_BUFFER, EC_ACCESS_READ);
        int64_t bw = count_get(r, (ec_tensor)t, EC_LEVEL_BUFFER, EC_ACCESS_WRITE);
        assert_true(dr >= 0 && dw >= 0 && br >= 0 && bw >= 0);
        dram += dr + dw;
        e_tensor[t] = edr * (double)dr + edw * (double)dw + ebr * (double)br + ebw * (double)bw;
        e_dram += edr * (double)dr + edw * (double)dw;
        e_buf += ebr * (double)br + ebw * (double)bw;
    }
    assert_int_equal(result_get(r, EC_RESULT_DRAM_TOTAL), dram);

    const double total = part_get(r, EC_PART_TOTAL);
    const double mac = part_get(r, EC_PART_MAC);
    assert_close(total, part_get(r, EC_PART_DRAM) + part_get(r, EC_PART_BUFFER) + mac);
    assert_close(total, part_get(r, EC_PART_TENSOR_I) + part_get(r, EC_PART_TENSOR_W) +
                            part_get(r, EC_PART_TENSOR_O) + mac);
    assert_close(mac, energy_get(m, EC_ENERGY_MAC) * (double)macs);
    assert_close(part_get(r, EC_PART_DRAM), e_dram);
    assert_close(part_get(r, EC_PART_BUFFER), e_buf);
    assert_close(part_get(r, EC_PART_TENSOR_I), e_tensor[0]);
    assert_close(part_get(r, EC_PART_TENSOR_W), e_tensor[1]);
    assert_close(part_get(r, EC_PART_TENSOR_O), e_tensor[2]);
}

static void test_result_getters(void **state)
{
    (void)state;
    /* Padding, stride, groups: N = 2, C = 4, K = 6, G = 2, H = 7, W = 6,
     * R = 3, S = 2, sh = 2, pt = 1, pl = pr = 1.
     *   P = (7 + 1 - 2 - 1)/2 + 1 = 3; Q = (6 + 2 - 1 - 1) + 1 = 7.
     *   MACs = 2*2*3*2*3*7*3*2 = 3024. */
    ec_layer *l = make_layer((shape){.N = 2, .C = 4, .K = 6, .G = 2, .H = 7, .W = 6, .R = 3,
                                     .S = 2, .sh = 2, .pt = 1, .pl = 1, .pr = 1});
    assert_int_equal(layer_get(l, EC_LAYER_MACS), 3024);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    /* Distinct, non-default energies, so that a price applied to the wrong
     * count shows. */
    ST(ec_memory_set_energy(m, EC_ENERGY_DRAM_READ, 100.5), EC_OK);
    ST(ec_memory_set_energy(m, EC_ENERGY_DRAM_WRITE, 300.25), EC_OK);
    ST(ec_memory_set_energy(m, EC_ENERGY_BUF_READ, 3.0), EC_OK);
    ST(ec_memory_set_energy(m, EC_ENERGY_BUF_WRITE, 7.0), EC_OK);
    ST(ec_memory_set_energy(m, EC_ENERGY_MAC, 0.5), EC_OK);
    ST(ec_memory_set(m, EC_MEM_CAPACITY, 100), EC_OK);

    for (int f = 0; f < 2; f++) {
        ST(evaluators[f](l, m, d, r), EC_OK);
        check_result_consistent(r, m, 3024);

        /* Unknown keys on a valid result: EC_E_KEY, nothing written. */
        int64_t v = -777;
        double e = -3.0;
        int automatic = -5;
        ST(ec_result_count(r, (ec_tensor)3, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_KEY);
        ST(ec_result_count(r, (ec_tensor)-1, EC_LEVEL_DRAM, EC_ACCESS_READ, &v), EC_E_KEY);
        ST(ec_result_count(r, EC_TENSOR_I, (ec_level)2, EC_ACCESS_READ, &v), EC_E_KEY);
        ST(ec_result_count(r, EC_TENSOR_I, (ec_level)-1, EC_ACCESS_READ, &v), EC_E_KEY);
        ST(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, (ec_access)2, &v), EC_E_KEY);
        ST(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_BUFFER, (ec_access)-1, &v), EC_E_KEY);
        ST(ec_result_get(r, (ec_result_field)6, &v), EC_E_KEY);
        ST(ec_result_get(r, (ec_result_field)-1, &v), EC_E_KEY);
        ST(ec_result_energy(r, (ec_energy_part)7, &e), EC_E_KEY);
        ST(ec_result_energy(r, (ec_energy_part)-1, &e), EC_E_KEY);
        ST(ec_result_tile(r, (ec_dim)8, &v, &automatic), EC_E_KEY);
        ST(ec_result_tile(r, (ec_dim)-1, &v, &automatic), EC_E_KEY);
        assert_int_equal(v, -777);
        assert_true(e == -3.0);
        assert_int_equal(automatic, -5);
        /* NULL outputs on a valid result. */
        ST(ec_result_get(r, EC_RESULT_MACS, NULL), EC_E_NULL);
        ST(ec_result_tile(r, EC_DIM_K, NULL, &automatic), EC_E_NULL);
        /* automatic may be NULL. */
        ST(ec_result_tile(r, EC_DIM_K, &v, NULL), EC_OK);
        assert_true(v >= 1 && v <= 3);

        /* Default dataflow: OS. */
        assert_int_equal(result_get(r, EC_RESULT_POLICY), EC_POLICY_OS);
        ec_dim order[EC_NDIMS];
        ST(ec_result_order(r, order), EC_OK);
        check_order(order, ORDER_OS);

        /* WS and IS are reported as such, with their orders. */
        ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(result_get(r, EC_RESULT_POLICY), EC_POLICY_WS);
        ST(ec_result_order(r, order), EC_OK);
        check_order(order, ORDER_WS);
        check_result_consistent(r, m, 3024);
        ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_IS), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(result_get(r, EC_RESULT_POLICY), EC_POLICY_IS);
        ST(ec_result_order(r, order), EC_OK);
        check_order(order, ORDER_IS);
        check_result_consistent(r, m, 3024);

        /* A custom order is reported as CUSTOM with that order. */
        ST(ec_dataflow_set_order_string(d, "QpSnKcGr"), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(result_get(r, EC_RESULT_POLICY), EC_POLICY_CUSTOM);
        ST(ec_result_order(r, order), EC_OK);
        const ec_dim want[EC_NDIMS] = {EC_DIM_Q, EC_DIM_P, EC_DIM_S, EC_DIM_N,
                                       EC_DIM_K, EC_DIM_C, EC_DIM_G, EC_DIM_R};
        check_order(order, want);
        check_result_consistent(r, m, 3024);
        ST(ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OS), EC_OK);
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* SHAPE_FULL with full tiles is a single outer iteration, so every count
 * follows from section 3 by hand:
 *   MACs = 16*16*8*8 = 16384, |I| = 1024, |W| = 256, |O| = 1024.
 *   DRAM reads: I 1024, W 256, O 0 (never spilled); DRAM writes: O 1024.
 *   Buffer reads: I = W = MACs = 16384; O = MACs - |O| = 15360 (each
 *   output's first accumulation reads no old value).
 *   Buffer writes: I 1024, W 256 (the fills); O = MACs = 16384 (updates).
 * Default energies (DRAM 200, Buffer 6, MAC 1):
 *   DRAM   = 200 * (1024 + 256 + 1024)                    = 460800
 *   Buffer = 6 * (16384 + 16384 + 15360 + 1024 + 256 + 16384) = 6 * 65792 = 394752
 *   MAC    = 16384
 *   total  = 871936
 *   I = 200*1024 + 6*(16384 + 1024) = 204800 + 104448 = 309248
 *   W = 200*256 + 6*(16384 + 256)   = 51200 + 99840   = 151040
 *   O = 200*1024 + 6*(15360 + 16384) = 204800 + 190464 = 395264 */
static void test_result_hand_counts(void **state)
{
    (void)state;
    ec_layer *l = make_layer(SHAPE_FULL);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    set_tiles(d, TILES_FULL);
    for (int f = 0; f < 2; f++) {
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 1024);
        assert_int_equal(count_get(r, EC_TENSOR_W, EC_LEVEL_DRAM, EC_ACCESS_READ), 256);
        assert_int_equal(count_get(r, EC_TENSOR_O, EC_LEVEL_DRAM, EC_ACCESS_READ), 0);
        assert_int_equal(count_get(r, EC_TENSOR_O, EC_LEVEL_DRAM, EC_ACCESS_WRITE), 1024);
        assert_int_equal(count_get(r, EC_TENSOR_O, EC_LEVEL_BUFFER, EC_ACCESS_READ), 15360);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_BUFFER, EC_ACCESS_WRITE), 1024);
        assert_int_equal(count_get(r, EC_TENSOR_W, EC_LEVEL_BUFFER, EC_ACCESS_WRITE), 256);
        assert_int_equal(count_get(r, EC_TENSOR_O, EC_LEVEL_BUFFER, EC_ACCESS_WRITE), 16384);
        assert_int_equal(result_get(r, EC_RESULT_DRAM_TOTAL), 2304);
        check_result_consistent(r, m, 16384);
        assert_close(part_get(r, EC_PART_DRAM), 460800);
        assert_close(part_get(r, EC_PART_BUFFER), 394752);
        assert_close(part_get(r, EC_PART_MAC), 16384);
        assert_close(part_get(r, EC_PART_TOTAL), 871936);
        assert_close(part_get(r, EC_PART_TENSOR_I), 309248);
        assert_close(part_get(r, EC_PART_TENSOR_W), 151040);
        assert_close(part_get(r, EC_PART_TENSOR_O), 395264);
    }
    /* Energies follow the memory: with MAC energy 0 and DRAM read 0 the
     * total drops by 16384 + 200*1280 = 272384 to 599552. */
    ST(ec_memory_set_energy(m, EC_ENERGY_MAC, 0.0), EC_OK);
    ST(ec_memory_set_energy(m, EC_ENERGY_DRAM_READ, 0.0), EC_OK);
    ST(ec_evaluate(l, m, d, r), EC_OK);
    assert_close(part_get(r, EC_PART_TOTAL), 599552);
    assert_close(part_get(r, EC_PART_MAC), 0);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

static void test_result_tiles(void **state)
{
    (void)state;
    /* Extents (N G Kg Cg P Q R S) = (2 2 3 2 3 7 3 2), the test_result_getters layer. */
    ec_layer *l = make_layer((shape){.N = 2, .C = 4, .K = 6, .G = 2, .H = 7, .W = 6, .R = 3,
                                     .S = 2, .sh = 2, .pt = 1, .pl = 1, .pr = 1});
    const int64_t extent[EC_NDIMS] = {2, 2, 3, 2, 3, 7, 3, 2};
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    ST(ec_memory_set(m, EC_MEM_CAPACITY, 200), EC_OK);

    for (int f = 0; f < 2; f++) {
        /* All explicit: reported as set, automatic 0. */
        const int64_t tiles[EC_NDIMS] = {1, 2, 2, 1, 2, 3, 3, 1};
        set_tiles(d, tiles);
        ST(evaluators[f](l, m, d, r), EC_OK);
        for (int i = 0; i < EC_NDIMS; i++) {
            int64_t t = -1;
            int automatic = -1;
            ST(ec_result_tile(r, (ec_dim)i, &t, &automatic), EC_OK);
            assert_int_equal(t, tiles[i]);
            assert_int_equal(automatic, 0);
        }
        /* The evaluation only reads the dataflow. */
        for (int i = 0; i < EC_NDIMS; i++)
            assert_int_equal(df_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i)), tiles[i]);

        /* All automatic: flags 1, tiles within [1, extent], dataflow still 0. */
        set_tiles(d, (const int64_t[EC_NDIMS]){0, 0, 0, 0, 0, 0, 0, 0});
        ST(evaluators[f](l, m, d, r), EC_OK);
        for (int i = 0; i < EC_NDIMS; i++) {
            int64_t t = -1;
            int automatic = -1;
            ST(ec_result_tile(r, (ec_dim)i, &t, &automatic), EC_OK);
            assert_true(t >= 1 && t <= extent[i]);
            assert_int_equal(automatic, 1);
            assert_int_equal(df_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i)), 0);
        }

        /* Mixed: Q and C explicit, the rest automatic. */
        ST(ec_dataflow_set(d, EC_DF_TILE_Q, 5), EC_OK);
        ST(ec_dataflow_set(d, EC_DF_TILE_C, 1), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        for (int i = 0; i < EC_NDIMS; i++) {
            int64_t t = -1;
            int automatic = -1;
            ST(ec_result_tile(r, (ec_dim)i, &t, &automatic), EC_OK);
            if (i == EC_DIM_Q || i == EC_DIM_C) {
                assert_int_equal(t, i == EC_DIM_Q ? 5 : 1);
                assert_int_equal(automatic, 0);
            } else {
                assert_true(t >= 1 && t <= extent[i]);
                assert_int_equal(automatic, 1);
            }
        }
        check_result_consistent(r, m, 3024);
        set_tiles(d, (const int64_t[EC_NDIMS]){0, 0, 0, 0, 0, 0, 0, 0});
    }
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* The input options change the counts as section 3 says, on two tiny layers
 * worked out by hand. */
static void test_input_options(void **state)
{
    (void)state;
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();

    /* Reuse. H = 6, W = 1, R = 3, S = 1: P = 4, Q = 1. Tiles: P = 1, the rest
     * full; OS order, only P has more than one tile (B_P = 4). Each P-tile
     * reads input rows p..p+2.
     *   refetch: 4 tiles * 3 rows = 12.
     *   slide:   3 + 1 + 1 + 1 = 6 (each step keeps the two shared rows). */
    ec_layer *l = make_layer((shape){.H = 6, .W = 1, .R = 3, .S = 1});
    set_tiles(d, (const int64_t[EC_NDIMS]){1, 1, 1, 1, 1, 1, 3, 1});
    for (int f = 0; f < 2; f++) {
        ST(ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_REFETCH), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 12);
        ST(ec_dataflow_set(d, EC_DF_REUSE, EC_REUSE_SLIDE), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 6);
    }
    ec_layer_destroy(l);

    /* Footprint. H = 7, W = 1, R = 1, sh = 3: P = (7 - 1)/3 + 1 = 3, reading
     * rows {0, 3, 6}. One full tile: exact reads 3 rows, bbox the interval
     * [0, 6], 7 rows. Capacity is checked with the selected footprint:
     * exact needs 3 + 1 + 3 = 7 words, bbox 7 + 1 + 3 = 11. */
    l = make_layer((shape){.H = 7, .W = 1, .R = 1, .S = 1, .sh = 3});
    set_tiles(d, (const int64_t[EC_NDIMS]){1, 1, 1, 1, 3, 1, 1, 1});
    for (int f = 0; f < 2; f++) {
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 65536), EC_OK);
        ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_EXACT), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 3);
        ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 7);

        ST(ec_memory_set(m, EC_MEM_CAPACITY, 10), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
        assert_number(ec_result_message(r), 1);
        ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_EXACT), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_OK);
        ST(ec_memory_set(m, EC_MEM_CAPACITY, 6), EC_OK);
        ST(evaluators[f](l, m, d, r), EC_E_CAPACITY);
    }
    ec_layer_destroy(l);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
}

/* ec_evaluate (closed form) and ec_count (loop-nest walk) agree on every count
 * of one small layer with padding, stride, groups and ragged edge tiles,
 * under every policy and input option, with explicit and automatic tiles. */
static void test_evaluate_count_agree(void **state)
{
    (void)state;
    ec_layer *l = make_layer((shape){.N = 2, .C = 4, .K = 6, .G = 2, .H = 7, .W = 6, .R = 3,
                                     .S = 2, .sh = 2, .pt = 1, .pl = 1, .pr = 1});
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *ra = ec_result_create(), *rb = ec_result_create();
    /* Extents (2 2 3 2 3 7 3 2); these tiles leave a ragged edge on K, P, Q, R
     * and more than one tile on every dimension. */
    const int64_t tiles[EC_NDIMS] = {1, 1, 2, 1, 2, 3, 2, 1};
    ST(ec_memory_set(m, EC_MEM_CAPACITY, 64), EC_OK);
    int compared = 0;

    for (int explicit_tiles = 0; explicit_tiles < 2; explicit_tiles++) {
        if (explicit_tiles)
            set_tiles(d, tiles);
        for (int p = EC_POLICY_OS; p <= EC_POLICY_CUSTOM; p++) {
            for (int reuse = 0; reuse < 2; reuse++) {
                for (int fp = 0; fp < 2; fp++) {
                    if (p == EC_POLICY_CUSTOM)
                        ST(ec_dataflow_set_order_string(d, "QSKNRGPC"), EC_OK);
                    else
                        ST(ec_dataflow_set(d, EC_DF_POLICY, p), EC_OK);
                    ST(ec_dataflow_set(d, EC_DF_REUSE, reuse), EC_OK);
                    ST(ec_dataflow_set(d, EC_DF_FOOTPRINT, fp), EC_OK);
                    ST(ec_evaluate(l, m, d, ra), EC_OK);
                    ST(ec_count(l, m, d, rb), EC_OK);
                    for (int t = 0; t < 3; t++)
                        for (int lv = 0; lv < 2; lv++)
                            for (int a = 0; a < 2; a++) {
                                int64_t va = count_get(ra, (ec_tensor)t, (ec_level)lv, (ec_access)a);
                                int64_t vb = count_get(rb, (ec_tensor)t, (ec_level)lv, (ec_access)a);
                                if (va != vb) {
                                    print_error("tiles %s, policy %d, reuse %d, footprint %d: "
                                                "tensor %d level %d access %d: evaluate %lld, "
                                                "count %lld\n",
                                                explicit_tiles ? "explicit" : "automatic", p,
                                                reuse, fp, t, lv, a, (long long)va, (long long)vb);
                                    fail();
                                }
                            }
                    assert_int_equal(result_get(ra, EC_RESULT_MACS), result_get(rb, EC_RESULT_MACS));
                    assert_int_equal(result_get(ra, EC_RESULT_DRAM_TOTAL),
                                     result_get(rb, EC_RESULT_DRAM_TOTAL));
                    assert_int_equal(result_get(ra, EC_RESULT_POLICY), p);
                    assert_int_equal(result_get(rb, EC_RESULT_POLICY), p);
                    /* The same tiles, automatic ones included. */
                    for (int i = 0; i < EC_NDIMS; i++) {
                        int64_t ta, tb;
                        int aa, ab;
                        ST(ec_result_tile(ra, (ec_dim)i, &ta, &aa), EC_OK);
                        ST(ec_result_tile(rb, (ec_dim)i, &tb, &ab), EC_OK);
                        assert_int_equal(ta, tb);
                        assert_int_equal(aa, ab);
                        assert_int_equal(aa, !explicit_tiles);
                    }
                    assert_close(part_get(ra, EC_PART_TOTAL), part_get(rb, EC_PART_TOTAL));
                    check_result_consistent(ra, m, 3024);
                    check_result_consistent(rb, m, 3024);
                    compared++;
                }
            }
        }
    }
    assert_int_equal(compared, 2 * 4 * 2 * 2);
    ec_result_destroy(rb);
    ec_result_destroy(ra);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* ec_count's documented limit: more than 2^32 outer iterations is
 * EC_E_LIMIT, while the closed form evaluates the same dataflow. H = W =
 * 70000, 1x1, every tile 1: P*Q = 4.9e9 > 2^32 = 4294967296 outer iterations. */
static void test_count_limit(void **state)
{
    (void)state;
    ec_layer *l = make_layer((shape){.H = 70000, .W = 70000});
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    set_tiles(d, (const int64_t[EC_NDIMS]){1, 1, 1, 1, 1, 1, 1, 1});
    ST(ec_count(l, m, d, r), EC_E_LIMIT);
    check_not_evaluated(r);
    assert_true(strlen(ec_result_message(r)) > 0);
    /* The closed form: one new input element and one output per pixel, the
     * single weight read once (K = C = 1: W's tile never changes). */
    ST(ec_evaluate(l, m, d, r), EC_OK);
    assert_int_equal(count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ), 4900000000LL);
    assert_int_equal(count_get(r, EC_TENSOR_W, EC_LEVEL_DRAM, EC_ACCESS_READ), 1);
    assert_int_equal(count_get(r, EC_TENSOR_O, EC_LEVEL_DRAM, EC_ACCESS_WRITE), 4900000000LL);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

/* A valid layer whose counts under a legitimate dataflow do not fit 64 bits
 * together: C = K = 2^16, H = W = 2^15, 1x1, every tile 1, OS order.
 *   MACs = 2^16 * 2^16 * 2^30 = 2^62 (fits).
 *   W: innermost changing relevant loop is C; P and Q (2^15 tiles each) lie
 *      outside and are irrelevant: DR_W = 2^30 * |W| = 2^30 * 2^32 = 2^62.
 *   I: innermost changing relevant loop is C; K (2^16 tiles) lies outside:
 *      DR_I = 2^16 * |I| = 2^16 * 2^46 = 2^62.
 * So the DRAM total exceeds 2^63: the evaluation must report EC_E_OVERFLOW
 * rather than a wrapped EC_RESULT_DRAM_TOTAL. */
static void test_evaluate_overflow(void **state)
{
    (void)state;
    ec_layer *l = make_layer((shape){.C = 1 << 16, .K = 1 << 16, .H = 1 << 15, .W = 1 << 15});
    assert_int_equal(layer_get(l, EC_LAYER_MACS), (int64_t)1 << 62);
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *r = ec_result_create();
    set_tiles(d, (const int64_t[EC_NDIMS]){1, 1, 1, 1, 1, 1, 1, 1});
    ec_status st = ec_evaluate(l, m, d, r);
    if (st == EC_OK) {
        int64_t dr_i = count_get(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ);
        int64_t dr_w = count_get(r, EC_TENSOR_W, EC_LEVEL_DRAM, EC_ACCESS_READ);
        int64_t total = result_get(r, EC_RESULT_DRAM_TOTAL);
        print_error("ec_evaluate returned EC_OK: DR_I = %lld, DR_W = %lld, DRAM_TOTAL = %lld\n",
                    (long long)dr_i, (long long)dr_w, (long long)total);
    }
    ST(st, EC_E_OVERFLOW);
    check_not_evaluated(r);
    assert_true(strlen(ec_result_message(r)) > 0);
    ec_result_destroy(r);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_layer_defaults),
        cmocka_unit_test(test_layer_set_get),
        cmocka_unit_test(test_layer_minimums),
        cmocka_unit_test(test_layer_keys),
        cmocka_unit_test(test_layer_negative_key),
        cmocka_unit_test(test_layer_derived),
        cmocka_unit_test(test_layer_groups),
        cmocka_unit_test(test_layer_empty_output),
        cmocka_unit_test(test_layer_overflow),
        cmocka_unit_test(test_layer_null),
        cmocka_unit_test(test_memory_defaults),
        cmocka_unit_test(test_memory_capacity),
        cmocka_unit_test(test_memory_energies),
        cmocka_unit_test(test_memory_null),
        cmocka_unit_test(test_dataflow_defaults),
        cmocka_unit_test(test_dataflow_set_get),
        cmocka_unit_test(test_dataflow_policy_orders),
        cmocka_unit_test(test_dataflow_custom_order),
        cmocka_unit_test(test_dataflow_order_errors),
        cmocka_unit_test(test_dataflow_null),
        cmocka_unit_test(test_result_fresh),
        cmocka_unit_test(test_evaluate_null),
        cmocka_unit_test(test_evaluate_tile_errors),
        cmocka_unit_test(test_evaluate_capacity_explicit),
        cmocka_unit_test(test_evaluate_capacity_auto),
        cmocka_unit_test(test_evaluate_capacity_partition),
        cmocka_unit_test(test_evaluate_failure_resets),
        cmocka_unit_test(test_result_getters),
        cmocka_unit_test(test_result_hand_counts),
        cmocka_unit_test(test_result_tiles),
        cmocka_unit_test(test_input_options),
        cmocka_unit_test(test_evaluate_count_agree),
        cmocka_unit_test(test_count_limit),
        cmocka_unit_test(test_evaluate_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
