/* The contract's invariants over results, checked after every call the
 * fuzzer makes (docs/fuzzing.md lists them). Sources: ecnn.h and
 * docs/model.md sections 3 (counts, energy) and 7 (the bound). */
#include "fuzz.h"

#include <math.h>
#include <string.h>

static int64_t lget(const ec_layer *l, ec_layer_param k)
{
    int64_t v = -1;
    ec_status st = ec_layer_get(l, k, &v);
    FZ_CHECK(st == EC_OK, "ec_layer_get(%d) = %d on a layer that evaluated", (int)k, (int)st);
    return v;
}

static int64_t rcount(const ec_result *r, int t, int lv, int ac)
{
    int64_t v = -1;
    ec_status st = ec_result_count(r, (ec_tensor)t, (ec_level)lv, (ec_access)ac, &v);
    FZ_CHECK(st == EC_OK, "ec_result_count(%d,%d,%d) = %d after success", t, lv, ac, (int)st);
    FZ_CHECK(v >= 0, "count (%d,%d,%d) = %lld is negative", t, lv, ac, (long long)v);
    return v;
}

static int64_t rget(const ec_result *r, ec_result_field f)
{
    int64_t v = -1;
    ec_status st = ec_result_get(r, f, &v);
    FZ_CHECK(st == EC_OK, "ec_result_get(%d) = %d after success", (int)f, (int)st);
    return v;
}

/* Relative comparison for sums of doubles computed in different orders. */
static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-300; }

/* With prices at most this, no energy of 64-bit counts can overflow a
 * double. The evaluations refuse an energy that does (EC_E_OVERFLOW); the
 * asymptotic figures, which the header does not bound, are only required
 * finite under such prices. */
static int prices_bounded(const ec_memory *m)
{
    for (int e = 0; e < 5; e++) {
        double v = -1;
        ec_memory_get_energy(m, (ec_energy_param)e, &v);
        if (!(v <= 1e250)) return 0;
    }
    return 1;
}

static void check_energy(double v, int bounded, const char *what)
{
    FZ_CHECK(!isnan(v) && v >= 0, "%s = %g is NaN or negative", what, v);
    FZ_CHECK(!bounded || isfinite(v), "%s = %g is not finite with bounded prices", what, v);
}

void fz_check_bound(const ec_layer *layer, const ec_memory *memory, const ec_result *r)
{
    int64_t b[7];
    for (int f = 0; f < 7; f++) {
        ec_status st = ec_result_bound(r, (ec_bound_field)f, &b[f]);
        FZ_CHECK(st == EC_OK, "ec_result_bound(%d) = %d, field 6 was OK", f, (int)st);
        FZ_CHECK(b[f] >= 0, "bound field %d = %lld is negative", f, (long long)b[f]);
    }
    FZ_CHECK(b[EC_BOUND_I_USED] <= lget(layer, EC_LAYER_SIZE_I), "|I_used| > |I|");
    FZ_CHECK(b[EC_BOUND_W_USED] <= lget(layer, EC_LAYER_SIZE_W), "|W_used| > |W|");
    FZ_CHECK(b[EC_BOUND_MACS_REAL] <= lget(layer, EC_LAYER_MACS), "MACs_real > MACs");
    FZ_CHECK(b[EC_BOUND_COMPULSORY] ==
                 b[EC_BOUND_I_USED] + b[EC_BOUND_W_USED] + lget(layer, EC_LAYER_SIZE_O),
             "T_c != |I_used| + |W_used| + |O|");
    int64_t T = b[EC_BOUND_COMPULSORY] > b[EC_BOUND_COMMUNICATION] ? b[EC_BOUND_COMPULSORY]
                                                                     : b[EC_BOUND_COMMUNICATION];
    int64_t seg = -1;
    FZ_CHECK(ec_result_bound(r, EC_BOUND_SEGMENT, &seg) == EC_OK && seg >= b[EC_BOUND_COMMUNICATION],
             "T_seg = %lld below T_io", (long long)seg);
    if (seg > T) T = seg;
    FZ_CHECK(b[EC_BOUND_TRANSFERS] == T, "T != max(T_c, T_io, T_seg)");
    double e = -1;
    ec_status st = ec_result_bound_energy(r, &e);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_OVERFLOW), st, "ec_result_bound_energy beside the bound");
    FZ_CHECK(st == EC_OK || !prices_bounded(memory), "the energy bound overflows with bounded prices");
    if (st == EC_OK) check_energy(e, 1, "the energy bound");
}

void fz_check_result(const fz_ctx *c, const ec_result *r)
{
    const ec_layer *l = c->layer;
    int64_t macs = lget(l, EC_LAYER_MACS), size_o = lget(l, EC_LAYER_SIZE_O);
    int64_t n[3][2][2], dram = 0;
    for (int t = 0; t < 3; t++)
        for (int lv = 0; lv < 2; lv++)
            for (int ac = 0; ac < 2; ac++) n[t][lv][ac] = rcount(r, t, lv, ac);
    /* Section 3: reads and writes of DRAM, Buffer accesses per MAC. */
    FZ_CHECK(n[0][0][1] == 0 && n[1][0][1] == 0, "DRAM writes of I or W are not 0");
    FZ_CHECK(n[2][0][1] >= size_o, "DRAM writes of O below |O|");
    FZ_CHECK(n[2][0][0] == n[2][0][1] - size_o, "DR_O != DW_O - |O|");
    FZ_CHECK(n[0][1][0] == macs && n[1][1][0] == macs, "BR_I or BR_W != MACs");
    FZ_CHECK(n[2][1][0] == macs - size_o, "BR_O != MACs - |O|");
    FZ_CHECK(n[0][1][1] == n[0][0][0] && n[1][1][1] == n[1][0][0], "BW_I or BW_W != DR");
    FZ_CHECK(n[2][1][1] == n[2][0][0] + macs, "BW_O != DR_O + MACs");
    for (int t = 0; t < 3; t++) dram += n[t][0][0] + n[t][0][1]; /* fits: the library checks */
    FZ_CHECK(rget(r, EC_RESULT_MACS) == macs, "MACs field != the layer's MACs");
    FZ_CHECK(rget(r, EC_RESULT_DRAM_TOTAL) == dram, "DRAM_TOTAL != the sum of DRAM counts");
    int64_t policy = -1;
    ec_dataflow_get(c->dataflow, EC_DF_POLICY, &policy);
    FZ_CHECK(rget(r, EC_RESULT_POLICY) == policy, "POLICY field != the dataflow's");

    /* Energies: each part from the prices, and the documented sums. */
    double e[7], p[5];
    int bounded = prices_bounded(c->memory);
    for (int i = 0; i < 5; i++) ec_memory_get_energy(c->memory, (ec_energy_param)i, &p[i]);
    for (int i = 0; i < 7; i++) {
        FZ_CHECK(ec_result_energy(r, (ec_energy_part)i, &e[i]) == EC_OK, "energy part %d", i);
        check_energy(e[i], 1, "an energy part");
    }
    {
        FZ_CHECK(near(e[EC_PART_TOTAL], e[EC_PART_DRAM] + e[EC_PART_BUFFER] + e[EC_PART_MAC]),
                 "TOTAL %.17g != DRAM + BUFFER + MAC", e[EC_PART_TOTAL]);
        FZ_CHECK(near(e[EC_PART_TOTAL], e[EC_PART_TENSOR_I] + e[EC_PART_TENSOR_W] +
                                             e[EC_PART_TENSOR_O] + e[EC_PART_MAC]),
                 "TOTAL != I + W + O + MAC");
        double d = 0, b = 0;
        for (int t = 0; t < 3; t++) {
            d += p[0] * (double)n[t][0][0] + p[1] * (double)n[t][0][1];
            b += p[2] * (double)n[t][1][0] + p[3] * (double)n[t][1][1];
        }
        FZ_CHECK(near(e[EC_PART_DRAM], d) && near(e[EC_PART_BUFFER], b) &&
                     near(e[EC_PART_MAC], p[4] * (double)macs),
                 "an energy part does not match the counts and the prices");
    }

    /* The dataflow used: a permutation; the named or custom order kept;
     * tiles within extents; explicit tiles kept, automatic ones flagged. */
    ec_dim order[EC_NDIMS], want[EC_NDIMS];
    FZ_CHECK(ec_result_order(r, order) == EC_OK, "ec_result_order after success");
    unsigned seen = 0;
    for (int i = 0; i < EC_NDIMS; i++) {
        FZ_CHECK((unsigned)order[i] < EC_NDIMS, "order[%d] = %d", i, (int)order[i]);
        seen |= 1u << order[i];
    }
    FZ_CHECK(seen == 0xFFu, "the result's order is not a permutation");
    ec_dataflow_get_order(c->dataflow, want);
    FZ_CHECK(policy == EC_POLICY_OPTIMAL || memcmp(order, want, sizeof order) == 0,
             "the result's order is not the dataflow's");
    int64_t G = lget(l, EC_LAYER_G);
    int64_t ext[EC_NDIMS] = {lget(l, EC_LAYER_N), G, lget(l, EC_LAYER_K) / G,
                             lget(l, EC_LAYER_C) / G, lget(l, EC_LAYER_P), lget(l, EC_LAYER_Q),
                             lget(l, EC_LAYER_R), lget(l, EC_LAYER_S)};
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t tile = -1, set = -1;
        int automatic = -1;
        FZ_CHECK(ec_result_tile(r, (ec_dim)d, &tile, &automatic) == EC_OK, "tile %d", d);
        ec_dataflow_get(c->dataflow, (ec_dataflow_param)(EC_DF_TILE_N + d), &set);
        FZ_CHECK(tile >= 1 && tile <= ext[d], "tile %d = %lld outside [1, %lld]", d,
                 (long long)tile, (long long)ext[d]);
        FZ_CHECK(automatic == (set == 0), "tile %d: automatic flag %d, set %lld", d, automatic,
                 (long long)set);
        FZ_CHECK(set == 0 || tile == set, "explicit tile %d not kept", d);
    }

    /* Partitions reported: the ones set, or a split of the capacity. */
    int64_t part[3], mp[3], cap = 0, choose = 0;
    ec_memory_get(c->memory, EC_MEM_CAPACITY, &cap);
    ec_memory_get(c->memory, EC_MEM_CHOOSE_PARTITION, &choose);
    for (int t = 0; t < 3; t++) {
        part[t] = rget(r, (ec_result_field)(EC_RESULT_PARTITION_I + t));
        ec_memory_get(c->memory, (ec_memory_param)(EC_MEM_PARTITION_I + t), &mp[t]);
        FZ_CHECK(part[t] >= 0, "partition %d = %lld is negative", t, (long long)part[t]);
    }
    if (choose)
        FZ_CHECK(part[0] + part[1] + part[2] == cap, "chosen partitions do not add up to M");
    else if (mp[0] || mp[1] || mp[2])
        FZ_CHECK(memcmp(part, mp, sizeof part) == 0, "reported partitions != those set");
    else
        FZ_CHECK(!part[0] && !part[1] && !part[2], "partitions reported for a shared Buffer");

    /* Section 7: no schedule beats the bound, so this one does not. */
    int64_t T = -1;
    ec_status bs = ec_result_bound(r, EC_BOUND_TRANSFERS, &T);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_LIMIT), bs, "ec_result_bound after success");
    if (bs == EC_OK) {
        fz_check_bound(l, c->memory, r);
        double be = -1, dr = -1, er = -1;
        FZ_CHECK(ec_result_bound_energy(r, &be) == EC_OK,
                 "the energy bound overflows below a finite energy %.17g", e[EC_PART_TOTAL]);
        FZ_CHECK(dram >= T, "DRAM transfers %lld below the lower bound %lld", (long long)dram,
                 (long long)T);
        FZ_CHECK(e[EC_PART_TOTAL] >= be * (1 - 1e-9),
                 "energy %.17g below the energy bound %.17g", e[EC_PART_TOTAL], be);
        FZ_CHECK(ec_result_gap(r, &dr, &er) == EC_OK, "gap unavailable beside the bound");
        FZ_CHECK(dr >= 1, "DRAM gap %g < 1", dr);
        FZ_CHECK(er >= 1 - 1e-9, "energy gap %.17g < 1", er);
    }

    /* Section 8: beside a named policy, the same figures ec_asymptotic()
     * gives; for a custom or optimal order, none. */
    double a[3] = {-1, -1, -1}, x[3] = {-2, -2, -2};
    ec_status as = ec_result_asymptotic(r, &a[0], &a[1], &a[2]);
    if (policy <= EC_POLICY_IS && bs == EC_OK) {
        FZ_CHECK(as == EC_OK, "no asymptotic figures beside a named policy (%d)", (int)as);
        for (int i = 0; i < 3; i++) check_energy(a[i], bounded, "an asymptotic figure");
        ec_status st = ec_asymptotic(l, c->memory, (ec_policy)policy, &x[0], &x[1], &x[2]);
        FZ_CHECK(st == EC_OK && memcmp(a, x, sizeof a) == 0,
                 "ec_asymptotic (%d) differs from the figures beside the result", (int)st);
    } else if (policy <= EC_POLICY_IS) {
        FZ_CHECK(as == bs, "asymptotic status %d, bound %d", (int)as, (int)bs);
    } else { /* either is documented when both apply */
        FZ_CHECK(as == EC_E_UNAVAILABLE || as == bs, "asymptotic status %d (bound %d) for "
                 "policy %lld", (int)as, (int)bs, (long long)policy);
    }
}

void fz_check_failed(const ec_result *r, ec_status st)
{
    int64_t v;
    double d;
    ec_dim order[EC_NDIMS];
    if (!r) return;
    FZ_CHECK(ec_result_count(r, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &v) ==
                     EC_E_NOT_EVALUATED &&
                 ec_result_get(r, EC_RESULT_MACS, &v) == EC_E_NOT_EVALUATED &&
                 ec_result_energy(r, EC_PART_TOTAL, &d) == EC_E_NOT_EVALUATED &&
                 ec_result_order(r, order) == EC_E_NOT_EVALUATED &&
                 ec_result_tile(r, EC_DIM_N, &v, NULL) == EC_E_NOT_EVALUATED,
             "a failed call (%d) left counts readable", (int)st);
    FZ_CHECK(ec_result_bound(r, EC_BOUND_TRANSFERS, &v) == EC_E_NOT_EVALUATED &&
                 ec_result_bound_energy(r, &d) == EC_E_NOT_EVALUATED &&
                 ec_result_gap(r, &d, &d) == EC_E_NOT_EVALUATED &&
                 ec_result_asymptotic(r, &d, &d, &d) == EC_E_NOT_EVALUATED,
             "a failed call (%d) left the bound readable", (int)st);
    FZ_CHECK(ec_result_message(r)[0] != '\0', "a failed call (%d) left no message", (int)st);
}

void fz_check_same(const ec_result *a, const ec_result *b, const char *what)
{
    int64_t x, y;
    double u, v, ua[3], va[3];
    ec_dim oa[EC_NDIMS], ob[EC_NDIMS];
    int fa, fb;
    /* Same status and, where OK, the same value, for every getter. */
#define SAME(call_a, call_b, eq) \
    do { \
        ec_status sa = call_a, sb = call_b; \
        FZ_CHECK(sa == sb && (sa != EC_OK || (eq)), "%s: %s differs (%d vs %d)", what, #call_a, \
                 (int)sa, (int)sb); \
    } while (0)
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 4; i++)
            SAME(ec_result_count(a, (ec_tensor)t, (ec_level)(i >> 1), (ec_access)(i & 1), &x),
                 ec_result_count(b, (ec_tensor)t, (ec_level)(i >> 1), (ec_access)(i & 1), &y),
                 x == y);
    for (int f = 0; f <= EC_RESULT_PARTITION_O; f++)
        SAME(ec_result_get(a, (ec_result_field)f, &x), ec_result_get(b, (ec_result_field)f, &y),
             x == y);
    for (int p = 0; p <= EC_PART_TENSOR_O; p++)
        SAME(ec_result_energy(a, (ec_energy_part)p, &u), ec_result_energy(b, (ec_energy_part)p, &v),
             u == v);
    SAME(ec_result_order(a, oa), ec_result_order(b, ob), !memcmp(oa, ob, sizeof oa));
    for (int d = 0; d < EC_NDIMS; d++)
        SAME(ec_result_tile(a, (ec_dim)d, &x, &fa), ec_result_tile(b, (ec_dim)d, &y, &fb),
             x == y && fa == fb);
    for (int f = 0; f <= EC_BOUND_TRANSFERS; f++)
        SAME(ec_result_bound(a, (ec_bound_field)f, &x), ec_result_bound(b, (ec_bound_field)f, &y),
             x == y);
    SAME(ec_result_bound_energy(a, &u), ec_result_bound_energy(b, &v), u == v);
    SAME(ec_result_asymptotic(a, &ua[0], &ua[1], &ua[2]),
         ec_result_asymptotic(b, &va[0], &va[1], &va[2]), !memcmp(ua, va, sizeof ua));
#undef SAME
}
