/* libFuzzer target: arbitrary bytes become a sequence of libecnn calls on
 * up to four handles of each kind, and every call's status and every
 * result is checked against the contract. Here: the decoder and the calls
 * on layers, memories and dataflows; fuzz_eval.c: the evaluations and the
 * result getters; fuzz_check.c: the invariants of results. The byte format
 * is in docs/fuzzing.md; tests/fuzz/make_corpus.py writes inputs in it. */
#include "fuzz.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#define MAX_OPS 256

/* ---- failure reporting ------------------------------------------------ */

static int op_index;
const char *fz_op_name = "";

void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\nfuzz: invariant violated at %s:%d (op %d, %s): ", file, line, op_index,
            fz_op_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* FUZZ_TRACE=1 in the environment prints each call and its status: what
 * a seed or a crashing input actually does. */
int fz_tracing = -1;
void fz_trace(const char *fmt, ...)
{
    if (fz_tracing < 0) fz_tracing = getenv("FUZZ_TRACE") != NULL;
    if (!fz_tracing) return;
    va_list ap;
    fprintf(stderr, "  op %3d %-16s ", op_index, fz_op_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- decoding --------------------------------------------------------- */


/* Past the end every byte reads as 0. */
uint8_t fz_u8(in *s)
{
    if (!s->n) return 0;
    s->n--;
    return *s->p++;
}

/* One character of a fuzzed order string, at *at: ASCII as is, else mostly
 * dimension letters. Returns the next position. */
static char *fz_order_char(in *s, char *at)
{
    uint8_t t = fz_u8(s);
    *at = t < 0x80 || t >= 0xF0 ? (char)t : "NGKCPQRSngkcpqrs"[t % 16];
    return at + 1;
}

static uint64_t u64(in *s)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)fz_u8(s) << (8 * i);
    return v;
}

/* Values where limits and overflow live. */
static const int64_t edge[48] = {
    0, 1, 2, 3, -1, -2, INT64_MIN, INT64_MAX, INT64_MAX - 1, P2(61) - 1, P2(61), P2(62),
    P2(31) - 1, P2(31), P2(32) - 1, P2(32), P2(32) + 1, P2(20), P2(20) + 1, P2(24), P2(24) + 1,
    P2(28), P2(38), P2(40), 3037000499, 3037000500, P2(21) - 1, P2(21), P2(16), P2(16) - 1,
    P2(16) + 1, P2(30), P2(44), P2(45), P2(50), P2(56), P2(60), P2(62) - 1, INT64_MAX / 3 + 1,
    100, 127, 128, 255, 256, 1000, 4096, 1000000000, 7};

/* Mostly small values (the counter stays cheap), sometimes anything. */
static int64_t val(in *s)
{
    uint8_t t = fz_u8(s);
    if (t < 0x80) return t & 0x3F;
    if (t < 0xC0) {
        int64_t lo = fz_u8(s);
        return lo | (int64_t)fz_u8(s) << 8;
    }
    if (t < 0xF0) return edge[t - 0xC0];
    uint64_t raw = u64(s);
    int64_t v;
    memcpy(&v, &raw, sizeof v);
    return v;
}

/* A key: usually one of the n valid ones (valid[]), else any int. */
int fz_key(in *s, const int *valid, int n)
{
    static const int odd[8] = {-1, -2, INT32_MIN, INT32_MAX, 256, 65536, 99, 1000};
    uint8_t t = fz_u8(s);
    if (t < 0xC0) return valid[t % n];
    if (t < 0xF8) return t - 0xC0; /* 0..55: the gaps between valid keys */
    return odd[t - 0xF8];
}

static const int layer_keys[22] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                   32, 33, 34, 35, 36, 37};
static const int df_keys[11] = {0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15};
const int fz_small_keys[8] = {0, 1, 2, 3, 4, 5, 6, 7};

static double energy(in *s)
{
    static const double nice[16] = {0, 1, 2, 6, 200, 0.5, 1e-3, 3, 10, 100, 1000, 7, 0.25, 5, 50, 1e6};
    const double odd[12] = {-1, -0.0, INFINITY, -INFINITY, NAN, DBL_MAX, DBL_MIN, 5e-324,
                            1e300, 1e200, -DBL_MIN, 1e18};
    uint8_t t = fz_u8(s);
    if (t < 0x80) return nice[t % 16];
    if (t < 0xF0) return odd[t % 12];
    uint64_t raw = u64(s);
    double v;
    memcpy(&v, &raw, sizeof v);
    return v;
}

/* ---- the handles ------------------------------------------------------ */


/* A slot index 0..3, or 4: a NULL handle. */
void *fz_pick(world *w, int kind, in *s, int *slot)
{
    int i = fz_u8(s) % (SLOTS + 1);
    if (slot) *slot = i;
    return i < SLOTS ? w->h[kind][i] : NULL;
}

static void destroy(world *w, int kind, int i)
{
    void *h = w->h[kind][i];
    switch (kind) {
    case K_LAYER: ec_layer_destroy(h); break;
    case K_MEMORY: ec_memory_destroy(h); break;
    case K_DATAFLOW: ec_dataflow_destroy(h); break;
    default: ec_result_destroy(h); break;
    }
    w->h[kind][i] = NULL;
    if (kind == K_RESULT) w->rstate[i] = R_NONE;
    FZ_CHECK(w->al[kind][i].live == 0, "destroying a handle left %llu blocks of its allocator",
             (unsigned long long)w->al[kind][i].live);
}

static void op_create(world *w, in *s)
{
    int kind = fz_u8(s) % KINDS, i = fz_u8(s) % SLOTS;
    fz_alloc_mode mode = (fz_alloc_mode)(fz_u8(s) % FZ_ALLOC_MODES);
    uint64_t param = mode == FZ_ALLOC_FAIL_NTH ? fz_u8(s) % 16 : (uint64_t)val(s);
    destroy(w, kind, i);
    fz_alloc *a = &w->al[kind][i];
    fz_alloc_init(a, mode, param);
    const ec_allocator *al = fz_alloc_get(a);
    void *h;
    int plain = mode == FZ_ALLOC_DEFAULT;
    switch (kind) {
    case K_LAYER: h = plain ? ec_layer_create() : ec_layer_create_with(al); break;
    case K_MEMORY: h = plain ? ec_memory_create() : ec_memory_create_with(al); break;
    case K_DATAFLOW: h = plain ? ec_dataflow_create() : ec_dataflow_create_with(al); break;
    default: h = plain ? ec_result_create() : ec_result_create_with(al); break;
    }
    fz_trace("kind %d slot %d allocator mode %d (%llu) -> %s", kind, i, (int)mode,
          (unsigned long long)param, h ? "handle" : "NULL");
    FZ_CHECK(h || a->failures, "create returned NULL without an allocation failure");
    FZ_CHECK(h || a->live == 0, "a failed create leaked");
    w->h[kind][i] = h;
}

static void op_destroy(world *w, in *s)
{
    int kind = fz_u8(s) % KINDS, i = fz_u8(s) % SLOTS;
    destroy(w, kind, i);
}

/* ---- layer, memory and dataflow calls ---------------------------------- */

void fz_layer_values(const ec_layer *l, int64_t v[16])
{
    for (int k = 0; k < 16; k++) ec_layer_get(l, (ec_layer_param)k, &v[k]);
}

static void op_layer_set(world *w, in *s)
{
    ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    int k = fz_key(s, layer_keys, 22);
    int64_t v = val(s), before[16], after[16];
    if (l) fz_layer_values(l, before);
    ec_status st = ec_layer_set(l, (ec_layer_param)k, v);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | ST_BIT(EC_E_READONLY) |
                   ST_BIT(EC_E_RANGE),
               st, "ec_layer_set");
    ec_status want = !l ? EC_E_NULL
                     : k >= EC_LAYER_P && k <= EC_LAYER_SIZE_O ? EC_E_READONLY
                     : k < 0 || k > EC_LAYER_PAD_RIGHT         ? EC_E_KEY
                     : v < (k >= EC_LAYER_PAD_TOP ? 0 : 1)      ? EC_E_RANGE
                                                                : EC_OK;
    fz_trace("key %d value %lld -> %d", k, (long long)v, (int)st);
    FZ_CHECK(st == want, "ec_layer_set(%d, %lld) = %d, documented %d", k, (long long)v, (int)st,
             (int)want);
    if (!l) return;
    fz_layer_values(l, after);
    if (st == EC_OK) before[k] = v;
    FZ_CHECK(!memcmp(before, after, sizeof before), "ec_layer_set changed the wrong values");
    FZ_CHECK(st == EC_OK || ec_layer_message(l)[0], "failed ec_layer_set left no message");
}

static void op_layer_get(world *w, in *s)
{
    ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    int k = fz_key(s, layer_keys, 22), null_out = fz_u8(s) % 8 == 0;
    int64_t v = -7;
    ec_status st = ec_layer_get(l, (ec_layer_param)k, null_out ? NULL : &v);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | S_LAYER, st, "ec_layer_get");
    if (!l || null_out) {
        FZ_CHECK(st == EC_E_NULL, "ec_layer_get with a NULL pointer = %d", (int)st);
    } else if (k >= EC_LAYER_P && k <= EC_LAYER_SIZE_O) {
        ec_status chk = ec_layer_check(l);
        FZ_CHECK(st == chk, "derived get = %d, ec_layer_check = %d", (int)st, (int)chk);
        FZ_CHECK(st != EC_OK || v >= (k <= EC_LAYER_Q ? 1 : 0), "derived value %lld", (long long)v);
    } else {
        FZ_CHECK(st == (k >= 0 && k < 16 ? EC_OK : EC_E_KEY), "ec_layer_get(%d) = %d", k, (int)st);
    }
}

static void op_layer_check(world *w, in *s)
{
    ec_layer *l = fz_pick(w, K_LAYER, s, NULL);
    ec_status st = ec_layer_check(l);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | S_LAYER, st, "ec_layer_check");
    FZ_CHECK(l ? st != EC_E_NULL : st == EC_E_NULL, "ec_layer_check NULL handling");
    FZ_CHECK(!l || st == EC_OK || ec_layer_message(l)[0], "failed check left no message");
}

typedef struct mem_snapshot {
    int64_t v[5];
    double e[5];
} mem_snapshot;

static void mem_values(const ec_memory *m, mem_snapshot *x)
{
    memset(x, 0, sizeof *x);
    for (int k = 0; k < 5; k++) {
        ec_memory_get(m, (ec_memory_param)k, &x->v[k]);
        ec_memory_get_energy(m, (ec_energy_param)k, &x->e[k]);
    }
}

static void op_memory_set(world *w, in *s)
{
    ec_memory *m = fz_pick(w, K_MEMORY, s, NULL);
    int what = fz_u8(s) % 4, k;
    mem_snapshot before, after;
    ec_status st, want;
    if (m) mem_values(m, &before);
    if (what == 0) { /* an integer parameter */
        int64_t v;
        k = fz_key(s, fz_small_keys, 5);
        v = val(s);
        st = ec_memory_set(m, (ec_memory_param)k, v);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | ST_BIT(EC_E_RANGE), st,
                   "ec_memory_set");
        want = !m ? EC_E_NULL : k < 0 || k > 4 ? EC_E_KEY : v < 0 ? EC_E_RANGE : EC_OK;
        /* choose_partition is 0 or 1: RANGE for anything else */
        if (want == EC_OK && k == EC_MEM_CHOOSE_PARTITION && v > 1) want = EC_E_RANGE;
        if (st == EC_OK) before.v[k] = v;
    } else if (what == 1) { /* an energy */
        double v;
        k = fz_key(s, fz_small_keys, 5);
        v = energy(s);
        st = ec_memory_set_energy(m, (ec_energy_param)k, v);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | ST_BIT(EC_E_ENERGY), st,
                   "ec_memory_set_energy");
        want = !m ? EC_E_NULL : k < 0 || k > 4 ? EC_E_KEY : !isfinite(v) || v < 0 ? EC_E_ENERGY : EC_OK;
        if (st == EC_OK) before.e[k] = v;
    } else if (what == 2) { /* a preset */
        k = fz_key(s, fz_small_keys, 1);
        st = ec_memory_preset_energies(m, (ec_memory_preset)k);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY), st, "ec_memory_preset_energies");
        want = !m ? EC_E_NULL : k != EC_PRESET_EYERISS ? EC_E_KEY : EC_OK;
        if (st == EC_OK) {
            static const double eyeriss[5] = {200, 200, 6, 6, 1};
            memcpy(before.e, eyeriss, sizeof eyeriss);
        }
    } else { /* getters, with NULL outputs too */
        int64_t v;
        double e;
        int null_out = fz_u8(s) % 4 == 0;
        k = fz_key(s, fz_small_keys, 5);
        st = ec_memory_get(m, (ec_memory_param)k, null_out ? NULL : &v);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY), st, "ec_memory_get");
        ec_status st2 = ec_memory_get_energy(m, (ec_energy_param)k, null_out ? NULL : &e);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY), st2, "ec_memory_get_energy");
        want = !m || null_out ? EC_E_NULL : k < 0 || k > 4 ? EC_E_KEY : EC_OK;
        FZ_CHECK(st2 == want, "ec_memory_get_energy(%d) = %d", k, (int)st2);
    }
    fz_trace("call %d key %d -> %d", what, k, (int)st);
    FZ_CHECK(st == want, "memory call %d, key %d: status %d, documented %d", what, k, (int)st,
             (int)want);
    if (!m) return;
    mem_values(m, &after);
    FZ_CHECK(!memcmp(&before, &after, sizeof before), "a memory call changed the wrong values");
    FZ_CHECK(st == EC_OK || what == 3 || ec_memory_message(m)[0], "failed set left no message");
}

static void op_dataflow_set(world *w, in *s)
{
    ec_dataflow *d = fz_pick(w, K_DATAFLOW, s, NULL);
    int k = fz_key(s, df_keys, 11), null_out = fz_u8(s) % 8 == 0;
    int64_t v = val(s), got = -7, before[16], after[16];
    for (int i = 0; i < 16; i++) before[i] = after[i] = -9;
    for (int i = 0; d && i < 16; i++) ec_dataflow_get(d, (ec_dataflow_param)i, &before[i]);
    ec_status st = ec_dataflow_set(d, (ec_dataflow_param)k, v);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY) | ST_BIT(EC_E_RANGE), st,
               "ec_dataflow_set");
    int tile = k >= EC_DF_TILE_N && k <= EC_DF_TILE_S;
    int64_t hi = k == EC_DF_POLICY ? EC_POLICY_OPTIMAL : 1;
    ec_status want = !d                                       ? EC_E_NULL
                     : tile                                   ? (v < 0 ? EC_E_RANGE : EC_OK)
                     : k < 0 || k > EC_DF_FOOTPRINT           ? EC_E_KEY
                     : v < 0 || v > hi                        ? EC_E_KEY
                                                              : EC_OK;
    fz_trace("key %d value %lld -> %d", k, (long long)v, (int)st);
    FZ_CHECK(st == want, "ec_dataflow_set(%d, %lld) = %d, documented %d", k, (long long)v, (int)st,
             (int)want);
    if (!d) return;
    FZ_CHECK(st == EC_OK || ec_dataflow_message(d)[0], "failed ec_dataflow_set left no message");
    for (int i = 0; i < 16; i++) ec_dataflow_get(d, (ec_dataflow_param)i, &after[i]);
    if (st == EC_OK) before[k] = v;
    FZ_CHECK(!memcmp(before, after, sizeof before), "ec_dataflow_set changed the wrong values");
    ec_status g = ec_dataflow_get(d, (ec_dataflow_param)k, null_out ? NULL : &got);
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_KEY), g, "ec_dataflow_get");
    FZ_CHECK(null_out ? g == EC_E_NULL : g == (tile || (k >= 0 && k <= 2) ? EC_OK : EC_E_KEY),
             "ec_dataflow_get(%d) = %d", k, (int)g);
}

static void op_order(world *w, in *s)
{
    ec_dataflow *d = fz_pick(w, K_DATAFLOW, s, NULL);
    int how = fz_u8(s) % 4;
    ec_dim order[EC_NDIMS], got[EC_NDIMS];
    ec_status st, want = EC_OK;
    unsigned seen = 0;
    if (how == 0) { /* a permutation (Lehmer code): accepted */
        int left[EC_NDIMS] = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int i = 0; i < EC_NDIMS; i++) {
            int j = fz_u8(s) % (EC_NDIMS - i);
            order[i] = (ec_dim)left[j];
            memmove(&left[j], &left[j + 1], sizeof(int) * (size_t)(EC_NDIMS - 1 - j));
        }
        st = ec_dataflow_set_order(d, order);
    } else if (how == 1) { /* any array: repeats, values out of range, NULL */
        static const int odd[8] = {8, 9, -1, INT32_MAX, INT32_MIN, 255, 16, -8};
        for (int i = 0; i < EC_NDIMS; i++) {
            uint8_t t = fz_u8(s);
            int v = t < 0xE0 ? t % 8 : odd[t % 8];
            order[i] = (ec_dim)v;
            if (v < 0 || v > 7 || (seen >> v & 1u)) want = EC_E_ORDER;
            else seen |= 1u << v;
        }
        int null_order = fz_u8(s) % 16 == 0;
        if (null_order) want = EC_E_NULL;
        st = ec_dataflow_set_order(d, null_order ? NULL : order);
    } else if (how == 2) { /* a string: ASCII as is, else mostly letters */
        /* Filled through the pointer fz_order_char() returns the end of, not
         * by index: GCC 12's -O3 vectoriser otherwise assumes 16-byte stores
         * past the 12 characters written (-Wstringop-overflow). */
        char str[16];
        size_t len = fz_u8(s) % 12;
        char *end = str;
        for (size_t i = 0; i < len; i++) end = fz_order_char(s, end);
        *end = '\0';
        int null_str = fz_u8(s) % 16 == 0;
        if (strlen(str) != EC_NDIMS) want = EC_E_ORDER;
        for (size_t i = 0; i < strlen(str) && want == EC_OK; i++) {
            const char *p = strchr("NGKCPQRS", str[i] >= 'a' && str[i] <= 'z' ? str[i] - 32 : str[i]);
            unsigned v = p ? (unsigned)(p - "NGKCPQRS") : 8;
            if (v > 7 || (seen >> v & 1u)) want = EC_E_ORDER;
            else seen |= 1u << v, order[i] = (ec_dim)v;
        }
        if (null_str) want = EC_E_NULL;
        st = ec_dataflow_set_order_string(d, null_str ? NULL : str);
    } else {
        int null_out = fz_u8(s) % 4 == 0;
        st = ec_dataflow_get_order(d, null_out ? NULL : got);
        FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL), st, "ec_dataflow_get_order");
        FZ_CHECK((st == EC_E_NULL) == (!d || null_out), "ec_dataflow_get_order NULL handling");
        return;
    }
    FZ_ALLOWED(ST_BIT(EC_OK) | ST_BIT(EC_E_NULL) | ST_BIT(EC_E_ORDER), st, "ec_dataflow_set_order");
    if (!d) want = EC_E_NULL;
    fz_trace("form %d -> %d", how, (int)st);
    FZ_CHECK(st == want, "set_order (%d) = %d, documented %d", how, (int)st, (int)want);
    if (st != EC_OK) return;
    int64_t policy = -1;
    ec_dataflow_get(d, EC_DF_POLICY, &policy);
    ec_dataflow_get_order(d, got);
    FZ_CHECK(policy == EC_POLICY_CUSTOM && !memcmp(got, order, sizeof got),
             "a custom order did not take");
}

static void op_messages(world *w, in *s)
{
    const char *msg[4] = {ec_layer_message(fz_pick(w, K_LAYER, s, NULL)),
                          ec_memory_message(fz_pick(w, K_MEMORY, s, NULL)),
                          ec_dataflow_message(fz_pick(w, K_DATAFLOW, s, NULL)),
                          ec_result_message(fz_pick(w, K_RESULT, s, NULL))};
    for (int i = 0; i < 4; i++)
        FZ_CHECK(msg[i] && memchr(msg[i], '\0', 256), "message %d is NULL or unterminated", i);
    int64_t v = val(s);
    const char *name = ec_status_string((ec_status)(int)v);
    FZ_CHECK(name && name[0], "ec_status_string(%lld) is NULL or empty", (long long)v);
    FZ_CHECK(v < 0 || v > EC_E_UNAVAILABLE || strcmp(name, "unknown status"),
             "status %lld has no name", (long long)v);
    FZ_CHECK(ec_version_number() == EC_VERSION_NUMBER &&
                 !strcmp(ec_version_string(), EC_VERSION_STRING),
             "runtime version differs from the header's");
}

typedef void (*op_fn)(world *, in *);
static const struct {
    op_fn fn;
    const char *name;
} ops[] = {
    {op_create, "create"},         {op_destroy, "destroy"},       {op_layer_set, "ec_layer_set"},
    {op_layer_get, "ec_layer_get"}, {op_layer_check, "ec_layer_check"},
    {op_memory_set, "memory"},     {op_dataflow_set, "ec_dataflow_set"}, {op_order, "order"},
    {op_eval, "evaluate"},         {op_bound, "ec_lower_bound"}, {op_asymptotic, "ec_asymptotic"},
    {op_result_get, "result getters"}, {op_messages, "messages"},
    /* Setters again: most of an input should configure handles. */
    {op_layer_set, "ec_layer_set"}, {op_layer_set, "ec_layer_set"}, {op_dataflow_set, "ec_dataflow_set"},
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static world w; /* static: its size; reset below */
    in s = {data, size};
    memset(&w, 0, sizeof w);
    /* Four handles of each kind to start with, created plainly, so that
     * short inputs reach the evaluations. */
    for (int k = 0; k < KINDS; k++)
        for (int i = 0; i < SLOTS; i++) {
            fz_alloc_init(&w.al[k][i], FZ_ALLOC_DEFAULT, 0);
            w.h[k][i] = k == K_LAYER ? (void *)ec_layer_create()
                        : k == K_MEMORY ? (void *)ec_memory_create()
                        : k == K_DATAFLOW ? (void *)ec_dataflow_create()
                                          : (void *)ec_result_create();
            FZ_CHECK(w.h[k][i] != NULL, "out of memory");
        }
    for (op_index = 0; s.n && op_index < MAX_OPS; op_index++) {
        int op = fz_u8(&s) % NOPS;
        clock_t t0 = clock();
        fz_op_name = ops[op].name;
        ops[op].fn(&w, &s);
        if (fz_tracing > 0 && clock() - t0 > CLOCKS_PER_SEC / 10)
            fz_trace("took %.2f s", (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    fz_op_name = "teardown";
    for (int k = 0; k < KINDS; k++)
        for (int i = 0; i < SLOTS; i++) destroy(&w, k, i);
    return 0;
}
