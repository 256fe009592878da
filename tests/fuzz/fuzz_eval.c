/* The fuzzer's evaluation calls: ec_evaluate, ec_count, ec_lower_bound,
 * ec_asymptotic and the result getters, each cross-checked (docs/fuzzing.md,
 * "What it checks"). The decoder and the other calls are in fuzz_api.c. */
#include "fuzz.h"

#include <math.h>
#include <string.h>

#define MAX_EVALS 16 /* evaluations per input: keeps each input fast */

#define S_EVAL \
    (ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | S_LAYER | ST_BIT(EC_E_TILE) | ST_BIT(EC_E_CAPACITY) | \
     ST_BIT(EC_E_OVERFLOW) | ST_BIT(EC_E_NOMEM) | ST_BIT(EC_E_LIMIT))

/* The eight extents (valid layer) and the dataflow's tiles. */
static int extents(const ec_layer *l, int64_t ext[EC_NDIMS])
{
    int64_t v[16], P, Q;
    if (ec_layer_get(l, EC_LAYER_P, &P) || ec_layer_get(l, EC_LAYER_Q, &Q)) return 0;
    fz_layer_values(l, v);
    int64_t G = v[EC_LAYER_G];
    int64_t e[EC_NDIMS] = {v[EC_LAYER_N], G, v[EC_LAYER_K] / G, v[EC_LAYER_C] / G, P, Q,
                           v[EC_LAYER_R], v[EC_LAYER_S]};
    memcpy(ext, e, sizeof e);
    return 1;
}

static int64_t blocks(int64_t extent, int64_t tile) { return extent / tile + (extent % tile != 0); }


/* Not a bug: automatic tiling may search up to 2^20 spatial tilings (the
 * documented limit), each with many channel tilings; beyond about 2^13
 * spatial or 2^28 channel candidates one search (or its refusal) takes
 * seconds in the sanitized fuzz build (the optimal policy: 2^9 and 2^24).
 * Only the first such evaluation of an input runs, to keep the fuzzer fast
 * (tests/robust times such searches). The estimate: about 2 sqrt(E)
 * balanced tiles per automatic extent E. */
static int costly(const ec_layer *l, const ec_dataflow *d)
{
    int64_t ext[EC_NDIMS], tile[EC_NDIMS], policy = 0;
    double spatial = 1, channel = 1;
    if (!extents(l, ext)) return 0;
    for (int i = 0; i < EC_NDIMS; i++) {
        ec_dataflow_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i), &tile[i]);
        if (tile[i] > ext[i]) return 0; /* EC_E_TILE before any search */
        double n = tile[i] ? 1 : 2 * sqrt((double)ext[i]) + 1;
        if (i >= EC_DIM_P) spatial *= n;
        else channel *= n;
    }
    ec_dataflow_get(d, EC_DF_POLICY, &policy);
    int optimal = policy == EC_POLICY_OPTIMAL;
    return spatial > (optimal ? P2(9) : P2(13)) || channel > (optimal ? P2(24) : P2(28));
}

/* Whether ec_count is cheap here: few (output, tap) pairs to enumerate
 * and few outer iterations with the tiles ec_evaluate chose (ref), or with
 * the explicit tiles when it failed; an automatic tiling that failed fails
 * the same way in ec_count before any counting. */
static int counter_cheap(const ec_layer *l, const ec_dataflow *d, const ec_result *ref, ec_status sref)
{
    int64_t ext[EC_NDIMS], iters = 1;
    if (!extents(l, ext)) return 1;
    if (ext[EC_DIM_P] > P2(16) || ext[EC_DIM_R] > P2(16) || ext[EC_DIM_Q] > P2(16) ||
        ext[EC_DIM_S] > P2(16) ||
        ext[EC_DIM_P] * ext[EC_DIM_R] + ext[EC_DIM_Q] * ext[EC_DIM_S] > P2(16))
        return 0;
    for (int i = 0; i < EC_NDIMS; i++) {
        int64_t t = 0;
        if (sref == EC_OK) ec_result_tile(ref, (ec_dim)i, &t, NULL);
        else ec_dataflow_get(d, (ec_dataflow_param)(EC_DF_TILE_N + i), &t);
        if (t == 0) return 1;        /* automatic and failed: refused before counting */
        if (t > ext[i]) return 1;    /* EC_E_TILE */
        iters *= blocks(ext[i], t);
        if (iters > P2(14)) return 0;
    }
    return 1;
}

/* What the getters of result slot i will answer from now on. */
static void remember(world *w, int i)
{
    const ec_result *r = w->h[K_RESULT][i];
    w->rbound[i] = ec_result_bound(r, EC_BOUND_TRANSFERS, &(int64_t){0});
    w->renergy[i] = ec_result_bound_energy(r, &(double){0});
    w->rasym[i] = ec_result_asymptotic(r, NULL, NULL, NULL);
}

void op_eval(world *w, in *s)
{
    int use_count = fz_u8(s) & 1, ri;
    const ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    const ec_memory *m = fz_pick(w, K_MEMORY, s, NULL);
    const ec_dataflow *d = fz_pick(w, K_DATAFLOW, s, NULL);
    ec_result *r = fz_pick(w, K_RESULT, s, &ri);
    fz_ctx c = {l, m, d};
    if (w->evals++ >= MAX_EVALS) return;
    fz_op_name = use_count ? "ec_count" : "ec_evaluate";
    if (!l || !m || !d || !r) {
        ec_status st = use_count ? ec_count(l, m, d, r) : ec_evaluate(l, m, d, r);
        FZ_CHECK(st == EC_E_NULL, "%s with a NULL handle = %d", fz_op_name, (int)st);
        fz_check_failed(r, st);
        if (r) w->rstate[ri] = R_NONE;
        return;
    }
    int cost = costly(l, d);
    if (cost && w->costly++) {
        fz_trace("skipped: a second costly search");
        return;
    }
    /* The reference: the closed form, into a result whose allocations
     * succeed; the result asked for is that one when it cannot fail. */
    fz_alloc_mode mode = w->al[K_RESULT][ri].mode;
    int own = !use_count && mode != FZ_ALLOC_FAIL_NTH && mode != FZ_ALLOC_FAIL_SIZE;
    ec_result *ref = own ? r : ec_result_create();
    FZ_CHECK(ref != NULL, "out of memory");
    ec_status sref = ec_evaluate(l, m, d, ref);
    FZ_ALLOWED(S_EVAL, sref, "ec_evaluate");
    FZ_CHECK(sref != EC_E_NOMEM, "EC_E_NOMEM from malloc on a small layer");
    if (sref == EC_OK) fz_check_result(&c, ref);
    else fz_check_failed(ref, sref);
    int cheap = counter_cheap(l, d, ref, sref);
    fz_trace("reference ec_evaluate -> %d (%s); counter %s", (int)sref, ec_result_message(ref),
          cheap ? "cheap" : "skipped");

    /* The call asked for, into the result (whatever its allocator): the
     * same answer unless an allocation failed (or the counter's limits). */
    if (own) {
        w->rstate[ri] = sref == EC_OK ? R_EVAL : R_NONE;
        remember(w, ri);
    } else if (!use_count || cheap) {
        ec_status st = use_count ? ec_count(l, m, d, r) : ec_evaluate(l, m, d, r);
        FZ_ALLOWED(S_EVAL, st, fz_op_name);
        fz_trace("-> %d (%s)", (int)st, ec_result_message(r));
        if (st == EC_OK) {
            fz_check_result(&c, r);
            w->rstate[ri] = R_EVAL;
            remember(w, ri);
        } else {
            fz_check_failed(r, st);
            w->rstate[ri] = R_NONE;
        }
        if (st != EC_E_NOMEM && !(use_count && st == EC_E_LIMIT)) {
            FZ_CHECK(st == sref, "%s = %d but ec_evaluate with malloc = %d", fz_op_name, (int)st, (int)sref);
            if (st == EC_OK) fz_check_same(r, ref, use_count ? "ec_count vs ec_evaluate" : "rerun");
        }
    }
    /* The loop-nest counter agrees with the closed form. */
    if (!use_count && cheap) {
        ec_result *cnt = ec_result_create();
        FZ_CHECK(cnt != NULL, "out of memory");
        ec_status sc = ec_count(l, m, d, cnt);
        FZ_ALLOWED(S_EVAL, sc, "ec_count");
        if (sc != EC_E_LIMIT) {
            FZ_CHECK(sc == sref, "ec_count = %d, ec_evaluate = %d", (int)sc, (int)sref);
            if (sc == EC_OK) fz_check_same(cnt, ref, "ec_count vs ec_evaluate");
        }
        ec_result_destroy(cnt);
    }
    /* The bound beside an evaluation is ec_lower_bound's. */
    if (sref == EC_OK) {
        ec_result *b = ec_result_create();
        FZ_CHECK(b != NULL, "out of memory");
        ec_status sb = ec_lower_bound(l, m, b), want = ec_result_bound(ref, 0, &(int64_t){0});
        FZ_CHECK(sb == want, "ec_lower_bound = %d, bound beside the result = %d", (int)sb, (int)want);
        for (int f = 0; sb == EC_OK && f <= EC_BOUND_TRANSFERS; f++) {
            int64_t x = -1, y = -2;
            ec_result_bound(b, (ec_bound_field)f, &x);
            ec_result_bound(ref, (ec_bound_field)f, &y);
            FZ_CHECK(x == y, "bound field %d: ec_lower_bound %lld, beside the result %lld", f,
                     (long long)x, (long long)y);
        }
        ec_result_destroy(b);
    }
    if (!own) ec_result_destroy(ref);
}

void op_bound(world *w, in *s)
{
    int ri;
    const ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    const ec_memory *m = fz_pick(w, K_MEMORY, s, NULL);
    ec_result *r = fz_pick(w, K_RESULT, s, &ri);
    ec_status st = ec_lower_bound(l, m, r);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | S_LAYER | ST_BIT(EC_E_CAPACITY) | ST_BIT(EC_E_LIMIT),
               st, "ec_lower_bound");
    fz_trace("-> %d", (int)st);
    FZ_CHECK((st == EC_E_NULL) == (!l || !m || !r), "ec_lower_bound NULL handling (%d)", (int)st);
    if (!r) return;
    if (st != EC_OK) {
        fz_check_failed(r, st);
        w->rstate[ri] = R_NONE;
        return;
    }
    w->rstate[ri] = R_BOUND;
    remember(w, ri);
    fz_check_bound(l, m, r);
    int64_t v;
    FZ_CHECK(ec_result_count(r, EC_TENSOR_O, EC_LEVEL_DRAM, EC_ACCESS_WRITE, &v) == EC_E_NOT_EVALUATED &&
                 ec_result_gap(r, NULL, NULL) == EC_E_NOT_EVALUATED,
             "counts readable after ec_lower_bound alone");
}

void op_asymptotic(world *w, in *s)
{
    static const int policies[5] = {0, 1, 2, 3, 4};
    const ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    const ec_memory *m = fz_pick(w, K_MEMORY, s, NULL);
    int p = fz_key(s, policies, 5), mask = fz_u8(s);
    double x[3] = {-1, -1, -1};
    ec_status st = ec_asymptotic(l, m, (ec_policy)p, mask & 1 ? &x[0] : NULL,
                                 mask & 2 ? &x[1] : NULL, mask & 4 ? &x[2] : NULL);
    unsigned allowed = ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | S_LAYER |
                       ST_BIT(EC_E_CAPACITY) | ST_BIT(EC_E_LIMIT);
    fz_trace("policy %d -> %d", p, (int)st);
    FZ_ALLOWED(allowed, st, "ec_asymptotic");
    FZ_CHECK(st != EC_OK || (p >= 0 && p <= EC_POLICY_IS), "ec_asymptotic accepted policy %d", p);
    for (int i = 0; st == EC_OK && i < 3; i++)
        FZ_CHECK(!(mask >> i & 1) || (x[i] >= 0 && !isnan(x[i])), "asymptotic figure %g", x[i]);
}

/* Every result getter, with the status the result's state implies. */
void op_result_get(world *w, in *s)
{
    int ri;
    const ec_result *r = fz_pick(w, K_RESULT, s, &ri);
    int which = fz_u8(s) % 9, null_out = fz_u8(s) % 8 == 0;
    int a = fz_key(s, fz_small_keys, which == 0 ? 3 : which == 1 ? 6 : which == 2 ? 7 : which == 5 ? 7 : 8);
    int lv = fz_key(s, fz_small_keys, 2), ac = fz_key(s, fz_small_keys, 2);
    int state = r ? w->rstate[ri] : R_NONE;
    int64_t v;
    double e[3];
    ec_dim order[EC_NDIMS];
    int automatic;
    ec_status st, want;
    int counts = which <= 4, valid;
    switch (which) {
    case 0:
        st = ec_result_count(r, (ec_tensor)a, (ec_level)lv, (ec_access)ac, null_out ? NULL : &v);
        valid = a >= 0 && a < 3 && (lv == 0 || lv == 1) && (ac == 0 || ac == 1);
        break;
    case 1: st = ec_result_get(r, (ec_result_field)a, null_out ? NULL : &v); valid = a >= 0 && a < 6; break;
    case 2: st = ec_result_energy(r, (ec_energy_part)a, null_out ? NULL : e); valid = a >= 0 && a < 7; break;
    case 3: st = ec_result_order(r, null_out ? NULL : order); valid = 1; break;
    case 4:
        st = ec_result_tile(r, (ec_dim)a, null_out ? NULL : &v, lv ? &automatic : NULL);
        valid = a >= 0 && a < 8;
        break;
    case 5: st = ec_result_bound(r, (ec_bound_field)a, null_out ? NULL : &v); valid = a >= 0 && a < 7; break;
    case 6: st = ec_result_bound_energy(r, null_out ? NULL : e); valid = 1; break;
    case 7: st = ec_result_gap(r, null_out ? NULL : e, lv ? &e[1] : NULL); valid = 1; null_out = 0; break;
    default: st = ec_result_asymptotic(r, null_out ? NULL : e, lv ? &e[1] : NULL, NULL); valid = 1; null_out = 0; break;
    }
    unsigned allowed = ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_NOT_EVALUATED) |
                       (which <= 5 ? ST_BIT(EC_E_KEY) : 0) |
                       (which >= 5 ? ST_BIT(EC_E_LIMIT) : 0) | (which == 6 ? ST_BIT(EC_E_OVERFLOW) : 0) |
                       (which == 8 ? ST_BIT(EC_E_UNAVAILABLE) : 0);
    fz_trace("getter %d key %d -> %d", which, a, (int)st);
    FZ_ALLOWED(allowed, st, "a result getter");
    /* What the state implies; an invalid key may be reported instead of
     * (or after) the state, the header does not order the two. */
    if (!r || null_out) want = EC_E_NULL;
    else if (counts) want = state == R_EVAL ? EC_OK : EC_E_NOT_EVALUATED;
    else if (which == 5) want = state == R_NONE ? EC_E_NOT_EVALUATED : w->rbound[ri];
    else if (which == 6) want = state == R_NONE ? EC_E_NOT_EVALUATED : w->renergy[ri];
    else if (which == 7) want = state == R_EVAL ? w->rbound[ri] : EC_E_NOT_EVALUATED;
    else want = state == R_EVAL ? w->rasym[ri] : EC_E_NOT_EVALUATED;
    FZ_CHECK(st == want || (!valid && st == EC_E_KEY && want != EC_E_NULL),
             "result getter %d (key %d) = %d in state %d, expected %d", which, a, (int)st, state,
             (int)want);
    FZ_CHECK(valid || st != EC_OK, "result getter %d accepted key %d", which, a);
}
