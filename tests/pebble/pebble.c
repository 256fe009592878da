/* docs/bound.md section 13: the exact minimum DRAM traffic of tiny layers
 * over ALL schedules of the model's red-blue pebble game (docs/bound.md
 * section 1), found by an A* search, and the check that the library's lower
 * bound never exceeds it.
 *
 * The game: DRAM holds the inputs and weights; a Buffer of M words; reads
 * and writes cost 1; a MAC needs its input and weight words resident and
 * accumulates into a resident partial-sum word of its output (or creates
 * one); every output must end in DRAM with each real MAC accumulated once.
 * Padding taps need no word and are not performed (section 1 allows it).
 *
 * The search explores a reduced but exact move set. Each reduction maps any
 * schedule to one of the reduced form that moves no more words (section 13
 * of docs/bound.md gives the arguments):
 *  - only final chains: one partial sum per output, no MAC twice, no zero
 *    words (off-chain work can be deleted with its transfers);
 *  - a MAC whose operands and partial sum are resident is performed at
 *    once, and a finished output is written and dropped at once;
 *  - operands no remaining MAC needs are dropped; discards and psum
 *    write-backs happen only when a slot is needed (delaying them is free).
 * The heuristic (unread needed operands + psums in DRAM + unwritten outputs)
 * is consistent, so the first goal popped is optimal.
 *
 * Usage: pebble [--verbose]. Exit status 1 if a bound exceeds an exact
 * minimum (the test), 0 otherwise. */
#include "ecnn.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 40
#define MAX_OUT 16
#define MAX_TAPS 16

typedef struct key {
    uint64_t w[2];
} key;

/* A tiny layer: N = 1, C, K, G, H, W, R, S, strides, dilations, paddings. */
typedef struct spec {
    int C, K, G, H, W, R, S, sh, sw, dh, dw, pt, pb, pl, pr;
    int Mlo, Mhi, M;
    int budget; /* states searched, in units of 2^20 (0: 1) */
} spec;

typedef struct game {
    int nops, nout, M;
    int ntaps[MAX_OUT];            /* real MACs of each output */
    int tap_in[MAX_OUT][MAX_TAPS]; /* operand indices of each real MAC */
    int tap_wt[MAX_OUT][MAX_TAPS];
    int empty_outputs;             /* outputs without a real MAC: one write each */
    /* bit layout of a state: [0, nops) operand residency, then per output
     * ntaps done bits and one "in the Buffer" bit */
    int off[MAX_OUT];
    int bits;
} game;

static int getbit(const key *k, int i) { return (int)(k->w[i >> 6] >> (i & 63)) & 1; }
static void setbit(key *k, int i, int v)
{
    uint64_t m = (uint64_t)1 << (i & 63);
    if (v)
        k->w[i >> 6] |= m;
    else
        k->w[i >> 6] &= ~m;
}

static int done_mask(const game *g, const key *k, int o)
{
    int m = 0;
    for (int t = 0; t < g->ntaps[o]; t++) m |= getbit(k, g->off[o] + t) << t;
    return m;
}
static int full(const game *g, int o) { return (1 << g->ntaps[o]) - 1; }
static int in_buf(const game *g, const key *k, int o) { return getbit(k, g->off[o] + g->ntaps[o]); }

/* Build the game from the model's index map (docs/model.md): a MAC
 * (k, c, p, q, r, s) of group g reads input (g*Cg + c, h, w), h = p*sh +
 * r*dh - pt, and weight (g*Kg + k, c, r, s). Only inputs and weights of real
 * MACs become operands. Returns 0 if the game does not fit the encoding. */
static int build(const spec *sp, game *g)
{
    int P = (sp->H + sp->pt + sp->pb - sp->dh * (sp->R - 1) - 1) / sp->sh + 1;
    int Q = (sp->W + sp->pl + sp->pr - sp->dw * (sp->S - 1) - 1) / sp->sw + 1;
    int Cg = sp->C / sp->G, Kg = sp->K / sp->G;
    int opid[1024];
    memset(g, 0, sizeof *g);
    for (int i = 0; i < 1024; i++) opid[i] = -1;
    g->M = sp->M;
    int nI = sp->C * sp->H * sp->W;
    for (int kk = 0; kk < sp->K; kk++)
        for (int p = 0; p < P; p++)
            for (int q = 0; q < Q; q++) {
                int o = g->nout++;
                if (o >= MAX_OUT) return 0;
                int grp = kk / Kg;
                for (int c = 0; c < Cg; c++)
                    for (int r = 0; r < sp->R; r++)
                        for (int s = 0; s < sp->S; s++) {
                            int h = p * sp->sh + r * sp->dh - sp->pt;
                            int w = q * sp->sw + s * sp->dw - sp->pl;
                            if (h < 0 || h >= sp->H || w < 0 || w >= sp->W) continue;
                            int ch = grp * Cg + c;
                            int in = (ch * sp->H + h) * sp->W + w;
                            int wt = nI + ((kk * Cg + c) * sp->R + r) * sp->S + s;
                            if (in >= 1024 || wt >= 1024) return 0;
                            if (opid[in] < 0) opid[in] = g->nops++;
                            if (opid[wt] < 0) opid[wt] = g->nops++;
                            int t = g->ntaps[o]++;
                            if (t >= MAX_TAPS || g->nops > MAX_OPS) return 0;
                            g->tap_in[o][t] = opid[in];
                            g->tap_wt[o][t] = opid[wt];
                        }
            }
    /* Outputs without a real MAC are a zero written once; they need one
     * Buffer word momentarily, which the empty Buffer at the start gives. */
    int n = 0;
    for (int o = 0; o < g->nout; o++) {
        if (g->ntaps[o] == 0) {
            g->empty_outputs++;
            continue;
        }
        g->ntaps[n] = g->ntaps[o];
        memcpy(g->tap_in[n], g->tap_in[o], sizeof g->tap_in[o]);
        memcpy(g->tap_wt[n], g->tap_wt[o], sizeof g->tap_wt[o]);
        n++;
    }
    g->nout = n;
    int b = g->nops;
    for (int o = 0; o < g->nout; o++) {
        g->off[o] = b;
        b += g->ntaps[o] + 1;
    }
    g->bits = b;
    return b <= 128;
}

/* Operands needed by a MAC not yet done. */
static void needed(const game *g, const key *k, int need[MAX_OPS])
{
    memset(need, 0, sizeof(int) * MAX_OPS);
    for (int o = 0; o < g->nout; o++) {
        int d = done_mask(g, k, o);
        for (int t = 0; t < g->ntaps[o]; t++)
            if (!(d >> t & 1)) need[g->tap_in[o][t]] = need[g->tap_wt[o][t]] = 1;
    }
}

static int resident(const game *g, const key *k)
{
    int n = 0;
    for (int i = 0; i < g->nops; i++) n += getbit(k, i);
    for (int o = 0; o < g->nout; o++) n += in_buf(g, k, o);
    return n;
}

/* Perform every MAC whose operands and partial sum are resident, write and
 * drop finished outputs, drop operands no remaining MAC needs. Returns the
 * writes it made. */
static int normalise(const game *g, key *k)
{
    int cost = 0;
    for (int o = 0; o < g->nout; o++) {
        if (!in_buf(g, k, o)) continue;
        for (int t = 0; t < g->ntaps[o]; t++)
            if (getbit(k, g->tap_in[o][t]) && getbit(k, g->tap_wt[o][t]))
                setbit(k, g->off[o] + t, 1);
        if (done_mask(g, k, o) == full(g, o)) {
            setbit(k, g->off[o] + g->ntaps[o], 0);
            cost++;
        }
    }
    int need[MAX_OPS];
    needed(g, k, need);
    for (int i = 0; i < g->nops; i++)
        if (!need[i]) setbit(k, i, 0);
    return cost;
}

static int heuristic(const game *g, const key *k)
{
    int need[MAX_OPS], h = 0;
    needed(g, k, need);
    for (int i = 0; i < g->nops; i++) h += need[i] && !getbit(k, i);
    for (int o = 0; o < g->nout; o++) {
        int d = done_mask(g, k, o);
        if (d == full(g, o)) continue;
        h++;                            /* its final write */
        if (d && !in_buf(g, k, o)) h++; /* a read back */
    }
    return h;
}

/* Open-addressing hash map: state -> best cost found. */
typedef struct map {
    key *k;
    int *v;
    size_t cap, n;
} map;

static size_t hash(const key *k)
{
    uint64_t x = k->w[0] * 0x9E3779B97F4A7C15ull ^ (k->w[1] + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull;
    return (size_t)(x ^ (x >> 29));
}

static int *map_slot(map *m, const key *k, int *fresh);

static void map_grow(map *m)
{
    map old = *m;
    m->cap = old.cap ? old.cap * 2 : 1 << 16;
    m->k = calloc(m->cap, sizeof *m->k);
    m->v = malloc(m->cap * sizeof *m->v);
    if (!m->k || !m->v) {
        fprintf(stderr, "pebble: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < m->cap; i++) m->v[i] = -1;
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.v[i] >= 0) {
            int fresh;
            *map_slot(m, &old.k[i], &fresh) = old.v[i];
        }
    free(old.k);
    free(old.v);
}

static int *map_slot(map *m, const key *k, int *fresh)
{
    if (2 * (m->n + 1) > m->cap) map_grow(m);
    size_t i = hash(k) & (m->cap - 1);
    while (m->v[i] >= 0) {
        if (m->k[i].w[0] == k->w[0] && m->k[i].w[1] == k->w[1]) {
            *fresh = 0;
            return &m->v[i];
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->k[i] = *k;
    m->n++;
    *fresh = 1;
    return &m->v[i];
}

/* Bucket queue by f = g + h. */
typedef struct item {
    key k;
    int g;
} item;
typedef struct bucket {
    item *a;
    size_t n, cap;
} bucket;
#define MAX_F 512

static void push(bucket *q, int f, key k, int g)
{
    if (f >= MAX_F) {
        fprintf(stderr, "pebble: cost beyond %d\n", MAX_F);
        exit(2);
    }
    bucket *b = &q[f];
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        b->a = realloc(b->a, b->cap * sizeof *b->a);
        if (!b->a) {
            fprintf(stderr, "pebble: out of memory\n");
            exit(2);
        }
    }
    b->a[b->n].k = k;
    b->a[b->n].g = g;
    b->n++;
}

static void relax(map *m, bucket *q, const game *g, key k, int cost)
{
    cost += normalise(g, &k);
    int fresh, *v = map_slot(m, &k, &fresh);
    if (!fresh && *v <= cost) return;
    *v = cost;
    push(q, cost + heuristic(g, &k), k, cost);
}

/* The next MAC: pick a MAC not yet done, bring its missing words in (its
 * operands by reads, its partial sum by a read back or by starting it),
 * evicting victims when the Buffer is full: an operand for free, a partial
 * sum by a write-back. Reads and evictions happen only here, just before
 * the MAC that needs them (making a read later, or an eviction later, never
 * raises the peak residency nor the transfers). */
typedef struct move {
    key k;
    int cost, need, cand[MAX_OPS + MAX_OUT], ncand;
} move;

static void evict(map *m, bucket *q, const game *g, move *mv, int from, key k, int cost, int left)
{
    if (left == 0) {
        relax(m, q, g, k, cost);
        return;
    }
    for (int i = from; i < mv->ncand; i++) {
        int v = mv->cand[i];
        key n = k;
        int c = cost;
        if (v < g->nops) {
            setbit(&n, v, 0);
        } else {
            setbit(&n, g->off[v - g->nops] + g->ntaps[v - g->nops], 0);
            c++;
        }
        evict(m, q, g, mv, i + 1, n, c, left - 1);
    }
}

static void expand(map *m, bucket *q, const game *g, const key *k, int cost)
{
    int freeslots = g->M - resident(g, k);
    for (int o = 0; o < g->nout; o++) {
        int d = done_mask(g, k, o);
        if (d == full(g, o)) continue;
        int buf = in_buf(g, k, o);
        for (int t = 0; t < g->ntaps[o]; t++) {
            if (d >> t & 1) continue;
            int in = g->tap_in[o][t], wt = g->tap_wt[o][t];
            move mv;
            mv.k = *k;
            mv.cost = cost;
            mv.need = 0;
            if (!getbit(k, in)) {
                setbit(&mv.k, in, 1);
                mv.cost++;
                mv.need++;
            }
            if (!getbit(k, wt)) {
                setbit(&mv.k, wt, 1);
                mv.cost++;
                mv.need++;
            }
            if (!buf) {
                setbit(&mv.k, g->off[o] + g->ntaps[o], 1);
                mv.cost += d != 0; /* read back; a start is free */
                mv.need++;
            }
            if (mv.need == 0) continue; /* normalise() already did it */
            int left = mv.need - freeslots;
            if (left <= 0) {
                relax(m, q, g, mv.k, mv.cost);
                continue;
            }
            mv.ncand = 0;
            for (int i = 0; i < g->nops; i++)
                if (getbit(k, i) && i != in && i != wt) mv.cand[mv.ncand++] = i;
            for (int p = 0; p < g->nout; p++)
                if (p != o && in_buf(g, k, p)) mv.cand[mv.ncand++] = g->nops + p;
            evict(m, q, g, &mv, 0, mv.k, mv.cost, left);
        }
    }
}

/* Exact minimum transfers, or -1 if the search gave up (state budget).
 * *lower is a proven lower bound on the minimum either way: the f level
 * reached (with a consistent heuristic, no goal below it exists). */
static int solve(const game *g, size_t budget, size_t *states, int *lower)
{
    map m = {0};
    bucket *q = calloc(MAX_F, sizeof *q);
    key start = {{0, 0}};
    int best = -1;
    relax(&m, q, g, start, 0);
    for (int f = 0; f < MAX_F && best < 0; f++) {
        for (size_t i = 0; i < q[f].n; i++) { /* q[f] may grow while scanned */
            item it = q[f].a[i];
            int fresh, *v = map_slot(&m, &it.k, &fresh);
            if (*v < it.g) continue;
            if (heuristic(g, &it.k) == 0) {
                best = it.g;
                break;
            }
            expand(&m, q, g, &it.k, it.g);
            if (m.n > budget) {
                *lower = f + g->empty_outputs;
                goto out;
            }
        }
    }
out:
    *states = m.n;
    for (int f = 0; f < MAX_F; f++) free(q[f].a);
    free(q);
    free(m.k);
    free(m.v);
    if (best >= 0) *lower = best + g->empty_outputs;
    return best < 0 ? -1 : best + g->empty_outputs;
}

/* A bound field (f >= 0), or with f = -1 the DRAM words of the optimal
 * tiling (-1 if none fits): a schedule of the game (docs/bound.md Lemma 0),
 * so the exact minimum may not exceed it. That checks the search from
 * above, as the bound checks it from below. */
static int64_t lib_bound(const spec *sp, int f)
{
    ec_layer *l = ec_layer_create();
    ec_memory *mem = ec_memory_create();
    ec_result *r = ec_result_create();
    ec_dataflow *df = ec_dataflow_create();
    const int v[16] = {1,     sp->C,  sp->K,  sp->G,  sp->H,  sp->W,  sp->R,  sp->S,
                       sp->sh, sp->sw, sp->dh, sp->dw, sp->pt, sp->pb, sp->pl, sp->pr};
    int64_t x = -1;
    for (int i = 0; i < 16; i++)
        if (ec_layer_set(l, (ec_layer_param)i, v[i]) != EC_OK) goto done;
    if (ec_memory_set(mem, EC_MEM_CAPACITY, sp->M) != EC_OK) goto done;
    if (f < 0) {
        if (ec_dataflow_set(df, EC_DF_POLICY, EC_POLICY_OPTIMAL) != EC_OK ||
            ec_evaluate(l, mem, df, r) != EC_OK || ec_result_get(r, EC_RESULT_DRAM_TOTAL, &x) != EC_OK)
            x = -1;
        goto done;
    }
    if (ec_lower_bound(l, mem, r) != EC_OK) goto done;
    if (ec_result_bound(r, (ec_bound_field)f, &x) != EC_OK) x = -1;
done:
    ec_dataflow_destroy(df);
    ec_result_destroy(r);
    ec_memory_destroy(mem);
    ec_layer_destroy(l);
    return x;
}

/* C K G H W R S sh sw dh dw pt pb pl pr, then the smallest and largest
 * Buffer tried: the cases whose search stays within about a million states
 * (larger ones take minutes and gigabytes). */
static const spec shapes[] = {
    /* 1-D convolutions */
    {1, 1, 1, 1, 6, 1, 3, 1, 1, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0},  /* 4 outputs, 3 taps */
    {1, 1, 1, 1, 10, 1, 3, 1, 1, 1, 1, 0, 0, 0, 0, 6, 7, 0, 0}, /* 8 outputs */
    {1, 1, 1, 1, 8, 1, 3, 1, 1, 1, 1, 0, 0, 1, 1, 6, 7, 0, 0},  /* "same" padding */
    {1, 1, 1, 1, 9, 1, 3, 1, 2, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0},  /* stride 2 */
    {1, 1, 1, 1, 9, 1, 3, 1, 1, 1, 2, 0, 0, 0, 0, 4, 8, 0, 0},  /* dilation 2 */
    {2, 2, 2, 1, 5, 1, 3, 1, 1, 1, 1, 0, 0, 0, 0, 4, 7, 0, 0},  /* depthwise (groups) */
    /* matrix products (1x1 convolutions): the communication terms are non-zero */
    {2, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0},
    {3, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0},
    {2, 2, 1, 1, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0},
    /* a 3x3x3 product at M = 3: T_seg = 31 > T_c = 27, too large to solve;
     * the A* level reached proves the minimum >= 31 */
    {3, 3, 1, 1, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 3, 0, 2},
    /* 2-D convolutions */
    {1, 1, 1, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 3, 8, 0, 0}, /* 2x2 outputs */
};
int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "--verbose") == 0;
    long only = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int failures = 0, cases = 0, skipped = 0, certified = 0, tiling_above = 0, tight_old = 0, tight_new = 0;
    double worst_old = 1, worst_new = 1;
    printf("%-44s %2s %6s %5s %5s %5s %5s %6s %s\n", "layer (C K G H W R S sh sw dh dw pads)", "M",
           "exact", "T_c", "T_io", "T_seg", "T", "tiling", "states");
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        for (int M = shapes[i].Mlo; M <= shapes[i].Mhi; M++) {
            if (only >= 0 && (size_t)only != i) continue;
            spec sp = shapes[i];
            sp.M = M;
            game g;
            if (!build(&sp, &g)) {
                fprintf(stderr, "pebble: shape %zu does not fit the encoding\n", i);
                return 2;
            }
            size_t states = 0;
            int lower = 0;
            int exact = solve(&g, sp.budget ? (size_t)sp.budget << 20 : (size_t)1 << 20, &states, &lower);
            int64_t tc = lib_bound(&sp, EC_BOUND_COMPULSORY);
            int64_t tio = lib_bound(&sp, EC_BOUND_COMMUNICATION);
            int64_t tseg = lib_bound(&sp, EC_BOUND_SEGMENT);
            int64_t t = lib_bound(&sp, EC_BOUND_TRANSFERS);
            int64_t tiling = lib_bound(&sp, -1);
            if (exact < 0) {
                /* Unsolved, but the minimum is at least lower: if that
                 * reaches T, the bound is still proven below the minimum. */
                int ok = t >= 0 && t <= lower;
                certified += ok;
                skipped += !ok;
                printf("%2d %d %d %d %2d %d %d %d %d %d %d %d %d %d %d %16s %2d %5s%d %5" PRId64
                       " %5" PRId64 " %5" PRId64 " %5" PRId64 " %6" PRId64 " %zu (%s)\n",
                       sp.C, sp.K, sp.G, sp.H, sp.W, sp.R, sp.S, sp.sh, sp.sw, sp.dh, sp.dw, sp.pt,
                       sp.pb, sp.pl, sp.pr, "", M, ">=", lower, tc, tio, tseg, t, tiling, states,
                       ok ? "state budget reached; minimum >= T" : "state budget reached, skipped");
                continue;
            }
            cases++;
            int64_t old = tc > tio ? tc : tio;
            if (t < 0 || t > exact || tseg > exact || old > exact || (tiling >= 0 && exact > tiling)) {
                failures++;
                printf("FAIL: ");
            }
            tiling_above += tiling > exact;
            tight_old += old == exact;
            tight_new += t == exact;
            if ((double)exact / (double)old > worst_old) worst_old = (double)exact / (double)old;
            if ((double)exact / (double)t > worst_new) worst_new = (double)exact / (double)t;
            if (verbose || t > exact || (tiling >= 0 && exact > tiling))
                printf("%2d %d %d %d %2d %d %d %d %d %d %d %d %d %d %d %16s %2d %6d %5" PRId64
                       " %5" PRId64 " %5" PRId64 " %5" PRId64 " %6" PRId64 " %zu\n",
                       sp.C, sp.K, sp.G, sp.H, sp.W, sp.R, sp.S, sp.sh, sp.sw, sp.dh, sp.dw, sp.pt,
                       sp.pb, sp.pl, sp.pr, "", M, exact, tc, tio, tseg, t, tiling, states);
        }
    printf("%d cases solved, %d unsolved with the minimum proven >= T, %d skipped; %d failures; bound equal to the exact minimum in %d (max(T_c, T_io): %d); "
           "worst exact/bound %.3f (max(T_c, T_io): %.3f); the optimal tiling moves more than the "
           "exact minimum in %d\n",
           cases, certified, skipped, failures, tight_new, tight_old, worst_new, worst_old, tiling_above);
    return failures ? 1 : 0;
}
