/* The mapper (docs/mapper.md, "The search"): the minimum-energy mapping of
 * a layer on a hierarchy over per-level factors, orders and spatial factors,
 * under the dataflow's constraints. Exhaustive when the space is small
 * ("Exact searches"); otherwise a local search from documented baselines
 * ("The local search"), never worse than them, with an energy lower bound
 * ("The bound"). Every candidate is counted by the closed form of
 * hier_eval.c and priced by the code behind ec_hier_run() ("Pruning and
 * pricing"), so what the search compares is what ec_evaluate() reports. */
#include "hier_internal.h"

#include "checked.h"

#include <stddef.h>
#include <string.h>

#define HS_SLOTS (EC_HL * 3)
#define HS_EXACT_LIMIT 100000 /* mappings: at most this many, the search is exhaustive */
#define HS_BUDGET 400000     /* evaluations of the local search, at most */
#define HS_RESTARTS 32       /* seeded random starts besides the baselines */

typedef struct hs_map {
    int64_t f[EC_HL][3][EC_NDIMS];
    ec_dim perm[EC_HL][EC_NDIMS]; /* a level's free dims (not fixed inner), outermost first */
} hs_map;

typedef struct hs_ctx {
    const ec_layer *layer;
    const ec_memory *mem;
    ec_dataflow df; /* scratch: the mapping under evaluation */
    ec_result tmp;
    int L;
    int64_t fan[EC_HL][3]; /* [level][kind]: fanout of X and Y; temporal unused */
    int nslot[EC_NDIMS];
    unsigned char dfree[EC_NDIMS][EC_HL][3]; /* 1: a free slot of the dimension */
    int64_t rem[EC_NDIMS]; /* the extent left to the free slots */
    unsigned char sl[EC_NDIMS][HS_SLOTS], sk[EC_NDIMS][HS_SLOTS];
    int nfree[EC_HL];
    ec_shape shape;
    ec_hier_nest nest; /* scratch of refused_early() */
    int unclipped; /* no input tile is clipped on either axis (docs/mapper.md, 3.1) */
    int fast;      /* valid meshes: candidates are priced without ec_hier_run() */
    int m0_fits;   /* the fixed factors alone fit the fanouts */
    ec_hier_axis_cache *axes; /* clipped inputs: their axis sums (NULL: none) */
    ec_hier_rows_memo rows;   /* clipped inputs: rows of each tile size (capacities) */
    int64_t evaluated;
    int have;
    hs_map best;
    double best_e;
    int64_t best_dram;
    uint64_t rng;
} hs_ctx;

static void build_order(const hs_ctx *c, const hs_map *m, int l, ec_dim order[EC_NDIMS])
{
    const ec_hier_cons *k = &c->df.cons;
    int n = c->nfree[l];
    memcpy(order, m->perm[l], sizeof(ec_dim) * (size_t)n);
    for (int i = 0; i < k->ninner[l]; i++) order[n + i] = k->inner[l][k->ninner[l] - 1 - i];
}

/* The spatial factors of slot (l, k) multiply to more than its fanout
 * (checked here so that the common rejection costs no message formatting). */
static int slot_over(const hs_ctx *c, const hs_map *m, int l, int k)
{
    int64_t p = 1;
    for (int d = 0; d < EC_NDIMS; d++) {
        if (m->f[l][k][d] > c->fan[l][k]) return 1; /* also keeps p from overflowing */
        p *= m->f[l][k][d];
        if (p > c->fan[l][k]) return 1;
    }
    return 0;
}

/* Spatial factors within the fanouts. */
static int fits_fanout(const hs_ctx *c, const hs_map *m)
{
    for (int l = 0; l <= c->L; l++)
        for (int k = 1; k < 3; k++)
            if (slot_over(c, m, l, k)) return 0;
    return 1;
}

/* A candidate within the fanouts: 1 and its energy and DRAM accesses when
 * it evaluates. With valid meshes the nest is built from the candidate
 * directly (its factors multiply to the extents and its orders are
 * permutations by construction) and priced by the code behind
 * ec_hier_run(), without formatting a result (docs/mapper.md, 3.2). */
static int eval_fit(hs_ctx *c, const hs_map *m, double *e, int64_t *dram)
{
    c->evaluated++;
    if (c->fast) {
        ec_hier_nest *n = &c->nest;
        if (ec_hier_nest_set(&c->shape, c->mem, m->f, &c->rows, n) != EC_OK) return 0;
        for (int l = 0; l <= c->L; l++) build_order(c, m, l, n->order[l]);
        ec_hier_nest_loops(n);
        return ec_hier_price(&c->shape, c->mem, n, c->df.reuse, c->axes, e, dram) == EC_OK;
    }
    memcpy(c->df.map.factor, m->f, sizeof m->f);
    for (int l = 0; l <= c->L; l++) build_order(c, m, l, c->df.map.order[l]);
    if (ec_hier_run(c->layer, c->mem, &c->df, &c->tmp, EC_HIER_QUIET) != EC_OK) return 0;
    *e = c->tmp.energy[EC_PART_TOTAL];
    int64_t s = 0;
    for (int x = 0; x < EC_NTENSORS; x++)
        for (int a = 0; a < EC_HACT; a++) s += c->tmp.hier.count[0][x][a];
    *dram = s;
    return 1;
}

static int eval(hs_ctx *c, const hs_map *m, double *e, int64_t *dram)
{
    return fits_fanout(c, m) && eval_fit(c, m, e, dram);
}

/* The documented order of ties: factors compared level by level (DRAM
 * first), kind by kind (temporal, X, Y), dimension by dimension (N G K C P
 * Q R S), smaller first; then per level the order of the loops that are
 * not 1, by dimension index, outermost first. */
static int key_cmp(const hs_ctx *c, const hs_map *a, const hs_map *b)
{
    for (int l = 0; l <= c->L; l++)
        for (int k = 0; k < 3; k++)
            for (int d = 0; d < EC_NDIMS; d++)
                if (a->f[l][k][d] != b->f[l][k][d]) return a->f[l][k][d] < b->f[l][k][d] ? -1 : 1;
    for (int l = 0; l <= c->L; l++) {
        int i = 0, j = 0, n = c->nfree[l];
        for (;;) {
            while (i < n && a->f[l][0][a->perm[l][i]] == 1) i++;
            while (j < n && b->f[l][0][b->perm[l][j]] == 1) j++;
            if (i == n || j == n) break;
            if (a->perm[l][i] != b->perm[l][j]) return a->perm[l][i] < b->perm[l][j] ? -1 : 1;
            i++;
            j++;
        }
    }
    return 0;
}

/* < 0 when (e1, d1, m1) is the better mapping. */
static int cmp(const hs_ctx *c, double e1, int64_t d1, const hs_map *m1, double e2, int64_t d2,
               const hs_map *m2)
{
    if (e1 != e2) return e1 < e2 ? -1 : 1;
    if (d1 != d2) return d1 < d2 ? -1 : 1;
    return key_cmp(c, m1, m2);
}

static void offer(hs_ctx *c, const hs_map *m, double e, int64_t dram)
{
    if (c->have && cmp(c, e, dram, m, c->best_e, c->best_dram, &c->best) >= 0) return;
    c->have = 1;
    c->best = *m;
    c->best_e = e;
    c->best_dram = dram;
}

/* ---- exhaustive enumeration ---- */

static int next_perm(ec_dim *a, int n)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1]) i--;
    if (i < 0) return 0;
    int j = n - 1;
    while (a[j] <= a[i]) j--;
    ec_dim t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int x = i + 1, y = n - 1; x < y; x++, y--) {
        t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
    return 1;
}

/* What the cost of a level's order depends on when no input tile is
 * clipped (docs/mapper.md, section 3.1): per tensor, the dimensions of the
 * live loops after its innermost relevant one (for inputs every dimension
 * but K is relevant), and the innermost live loop. */
static uint32_t order_sig(const ec_dim *live, int nl)
{
    uint32_t sig = nl ? (uint32_t)live[nl - 1] + 1u : 0u;
    for (int x = 0; x < EC_NTENSORS; x++) {
        uint32_t tail = 0;
        for (int i = nl - 1; i >= 0 && !ec_relevant((ec_tensor)x, live[i]); i--)
            tail |= 1u << live[i];
        sig |= tail << (4 + 8 * x);
    }
    return sig;
}

#define HS_SIGS 64 /* classes of one level's orders: at most 27 (docs/mapper.md, 3.1) */

static void enum_orders(hs_ctx *c, hs_map *m, int l)
{
    if (l > c->L) {
        double e;
        int64_t dram;
        if (eval_fit(c, m, &e, &dram)) offer(c, m, e, dram); /* enum_factors() checked the fanouts */
        return;
    }
    /* the level's free dims that are not 1 first, in every order; the
     * others after them (their place does not matter) */
    ec_dim live[EC_NDIMS], rest[EC_NDIMS], save[EC_NDIMS];
    int nl = 0, nr = 0, n = c->nfree[l];
    memcpy(save, m->perm[l], sizeof save);
    for (int d = 0; d < EC_NDIMS; d++) {
        int isfree = 0;
        for (int i = 0; i < n; i++) isfree |= save[i] == (ec_dim)d;
        if (!isfree) continue;
        if (m->f[l][0][d] > 1) live[nl++] = (ec_dim)d;
        else rest[nr++] = (ec_dim)d;
    }
    /* Orders of equal cost (section 3.1): only the first of each class in
     * this lexicographic enumeration, the one the tie-break prefers, is
     * evaluated. The innermost level's order costs nothing: one order. */
    uint32_t seen[HS_SIGS];
    int nseen = 0;
    do {
        if (l < c->L && c->unclipped && nl > 1) { /* one order: nothing to merge */
            /* the fixed innermost loops follow the free ones */
            ec_dim full[EC_NDIMS];
            int nf = 0;
            for (int i = 0; i < nl; i++) full[nf++] = live[i];
            const ec_hier_cons *k = &c->df.cons;
            for (int i = k->ninner[l] - 1; i >= 0; i--)
                if (m->f[l][0][k->inner[l][i]] > 1) full[nf++] = k->inner[l][i];
            uint32_t sig = order_sig(full, nf);
            int dup = 0;
            for (int i = 0; i < nseen && !dup; i++) dup = seen[i] == sig;
            if (dup) continue;
            if (nseen < HS_SIGS) seen[nseen++] = sig;
        }
        memcpy(m->perm[l], live, sizeof(ec_dim) * (size_t)nl);
        memcpy(m->perm[l] + nl, rest, sizeof(ec_dim) * (size_t)nr);
        enum_orders(c, m, l + 1);
    } while (l < c->L && next_perm(live, nl));
    memcpy(m->perm[l], save, sizeof save);
}

/* Dimensions 0 .. d-1 placed, the others at their fixed factors with the
 * rest at DRAM: when that already exceeds a capacity, so does every way of
 * placing the others (docs/mapper.md, 3.2: tiles only grow, by multiples),
 * so the subtree is skipped. Only a capacity refusal prunes. */
static int refused_early(hs_ctx *c, const hs_map *m, int d)
{
    if (d == 0) return 0;
    memcpy(c->df.map.factor, m->f, sizeof m->f);
    for (int e = d; e < EC_NDIMS; e++)
        if (c->nslot[e] && c->dfree[e][0][0]) c->df.map.factor[0][0][e] = 0; /* the rest */
        else if (c->nslot[e]) return 0; /* DRAM's factor fixed: no rest to put there */
    ec_hier_nest *n = &c->nest;
    if (c->fast) {
        /* as ec_hier_resolve(): the rest (the fixed factors and 1s of a
         * dimension not placed multiply to its extent / rem), then the
         * fanouts, then the capacities */
        hs_map t;
        memcpy(t.f, c->df.map.factor, sizeof t.f);
        for (int e = d; e < EC_NDIMS; e++)
            if (t.f[0][0][e] == 0) t.f[0][0][e] = c->rem[e];
        if (!c->m0_fits) return 1; /* as fits_fanout(c, &t), see enum_factors() */
        return ec_hier_nest_set(&c->shape, c->mem, t.f, &c->rows, n) == EC_E_CAPACITY;
    }
    return ec_hier_resolve(&c->shape, c->mem, &c->df, n, NULL) == EC_E_CAPACITY;
}

static void enum_factors(hs_ctx *c, hs_map *m, int d, int i, int64_t left)
{
    if (i == 0) {
        while (d < EC_NDIMS && c->nslot[d] == 0) d++;
        if (d == EC_NDIMS) {
            /* fits_fanout(c, m): a slot that some dimension may fill was
             * checked with its final factors when the last such dimension
             * was placed (slot_over() below), the others hold the fixed
             * factors alone */
            if (c->m0_fits) enum_orders(c, m, 0); /* eval() would refuse every order */
            return;
        }
        if (refused_early(c, m, d)) return;
        left = c->rem[d];
    }
    int l = c->sl[d][i], k = c->sk[d][i];
    int64_t keep = m->f[l][k][d];
    for (int64_t q = 1; q <= left; q++) {
        if (left % q) continue;
        if (i == c->nslot[d] - 1 && q != left) continue; /* the last slot takes the rest */
        m->f[l][k][d] = keep * q;
        /* factors are >= 1: a spatial slot over its fanout stays over it,
         * and so does it for every larger q */
        if (k && slot_over(c, m, l, k)) break;
        if (i == c->nslot[d] - 1) enum_factors(c, m, d + 1, 0, 0);
        else enum_factors(c, m, d, i + 1, left / q);
    }
    m->f[l][k][d] = keep;
}

/* ---- local search ---- */

static uint64_t rnd(hs_ctx *c)
{
    c->rng = c->rng * 6364136223846793005ull + 1442695040888963407ull;
    return c->rng >> 33;
}

/* The current mapping of a descent. */
typedef struct hs_cur {
    hs_map m;
    double e;
    int64_t dram;
} hs_cur;

/* Takes t when it evaluates and is better than the current mapping. */
static int improves(hs_ctx *c, hs_cur *cur, const hs_map *t)
{
    double e;
    int64_t dram;
    if (!eval(c, t, &e, &dram) || cmp(c, e, dram, t, cur->e, cur->dram, &cur->m) >= 0) return 0;
    cur->m = *t;
    cur->e = e;
    cur->dram = dram;
    return 1;
}

/* First improvement over moves of a divisor of one factor to another slot
 * of the same dimension and moves of one loop to another place in its
 * level's order, until no move improves. */
static void descend(hs_ctx *c, hs_map m0, double e0, int64_t dram0)
{
    hs_cur cur = {m0, e0, dram0};
    hs_map m;
again:
    m = cur.m;
    if (c->evaluated >= HS_BUDGET) goto done;
    for (int d = 0; d < EC_NDIMS; d++) {
        if (c->nslot[d] < 2) continue;
        for (int a = 0; a < c->nslot[d]; a++) {
            int la = c->sl[d][a], ka = c->sk[d][a];
            int64_t fa = m.f[la][ka][d];
            for (int64_t q = 2; q <= fa; q++) {
                if (fa % q) continue;
                for (int b = 0; b < c->nslot[d]; b++) {
                    if (b == a) continue;
                    hs_map t = m;
                    int lb = c->sl[d][b], kb = c->sk[d][b];
                    t.f[la][ka][d] /= q;
                    t.f[lb][kb][d] *= q;
                    if (improves(c, &cur, &t)) goto again;
                    if (kb == 0 || fits_fanout(c, &t)) continue;
                    /* A spatial slot overflowed: make room by sending a
                     * divisor of another dimension's factor there to that
                     * dimension's outermost slot. */
                    for (int d3 = 0; d3 < EC_NDIMS; d3++) {
                        int64_t f3 = t.f[lb][kb][d3];
                        if (d3 == d || f3 == 1 || c->dfree[d3][lb][kb] == 0) continue;
                        for (int64_t q3 = 2; q3 <= f3; q3++) {
                            if (f3 % q3) continue;
                            hs_map u = t;
                            u.f[lb][kb][d3] /= q3;
                            u.f[c->sl[d3][0]][c->sk[d3][0]][d3] *= q3;
                            if (!fits_fanout(c, &u)) continue;
                            if (improves(c, &cur, &u)) goto again;
                            break; /* the smallest divisor that fits */
                        }
                    }
                }
            }
        }
    }
    for (int l = 0; l <= c->L; l++) {
        int n = c->nfree[l];
        for (int i = 0; i < n; i++) {
            if (m.f[l][0][m.perm[l][i]] == 1) continue;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                hs_map t = m;
                ec_dim v = t.perm[l][i];
                if (i < j) memmove(&t.perm[l][i], &t.perm[l][i + 1], sizeof(ec_dim) * (size_t)(j - i));
                else memmove(&t.perm[l][j + 1], &t.perm[l][j], sizeof(ec_dim) * (size_t)(i - j));
                t.perm[l][j] = v;
                if (key_cmp(c, &t, &m) == 0) continue; /* same order of the loops > 1 */
                if (improves(c, &cur, &t)) goto again;
            }
        }
    }
done:
    offer(c, &cur.m, cur.e, cur.dram);
}

static void start(hs_ctx *c, const hs_map *m)
{
    double e;
    int64_t dram;
    if (eval(c, m, &e, &dram)) descend(c, *m, e, dram);
}

/* The largest product <= cap of divisors of rest[d] over the dimensions
 * free at a spatial slot (depth-first over the dimensions). */
static void fill_slot(const hs_ctx *c, int l, int k, int d, const int64_t rest[EC_NDIMS],
                      int64_t cap, int64_t cur[EC_NDIMS], int64_t best[EC_NDIMS], int64_t *bestp,
                      int64_t prod)
{
    if (d == EC_NDIMS) {
        if (prod > *bestp) {
            *bestp = prod;
            memcpy(best, cur, sizeof(int64_t) * EC_NDIMS);
        }
        return;
    }
    cur[d] = 1;
    fill_slot(c, l, k, d + 1, rest, cap, cur, best, bestp, prod);
    if (!c->dfree[d][l][k]) return;
    for (int64_t q = 2; q <= rest[d] && prod * q <= cap; q++) {
        if (rest[d] % q) continue;
        cur[d] = q;
        fill_slot(c, l, k, d + 1, rest, cap, cur, best, bestp, prod * q);
    }
    cur[d] = 1;
}

/* A start that uses the spatial fanouts fully: every spatial slot, outer
 * levels first, takes the largest product of free factors that fits; what
 * is left goes to each dimension's outermost slot. */
static void spatial_seed(hs_ctx *c, const hs_map *m0, hs_map *m, int random_rest)
{
    *m = *m0;
    int64_t rest[EC_NDIMS];
    memcpy(rest, c->rem, sizeof rest);
    for (int l = 0; l <= c->L; l++)
        for (int k = 1; k < 3; k++) {
            if (c->fan[l][k] <= 1) continue;
            int64_t fixed = 1;
            for (int d = 0; d < EC_NDIMS; d++) fixed *= m->f[l][k][d];
            int64_t cur[EC_NDIMS], best[EC_NDIMS], bestp = 0;
            for (int d = 0; d < EC_NDIMS; d++) best[d] = 1;
            fill_slot(c, l, k, 0, rest, c->fan[l][k] / fixed, cur, best, &bestp, 1);
            for (int d = 0; d < EC_NDIMS; d++) {
                m->f[l][k][d] *= best[d];
                rest[d] /= best[d];
            }
        }
    for (int d = 0; d < EC_NDIMS; d++) {
        if (!c->nslot[d]) continue;
        if (!random_rest) {
            m->f[c->sl[d][0]][c->sk[d][0]][d] *= rest[d];
            continue;
        }
        /* the rest's prime factors to random temporal slots */
        int64_t n = rest[d];
        int nt = 0, tl[EC_HL];
        for (int i = 0; i < c->nslot[d]; i++)
            if (c->sk[d][i] == 0) tl[nt++] = c->sl[d][i];
        for (int64_t p = 2; n > 1; p++) {
            if (p * p > n) p = n;
            while (n % p == 0) {
                n /= p;
                if (nt) m->f[tl[rnd(c) % (uint64_t)nt]][0][d] *= p;
                else m->f[c->sl[d][0]][c->sk[d][0]][d] *= p;
            }
        }
    }
}

/* ---- setting up ---- */

/* The mappings the exhaustive search would evaluate: over the assignments
 * of factors that fit the fanouts, the product over levels of (loops > 1
 * at the level, not fixed innermost)!. Counting stops above the limit
 * (or after 50 times as many assignments), which then returns limit + 1. */
typedef struct hs_count {
    int64_t total, assignments;
} hs_count;

static int count_space(const hs_ctx *c, hs_map *m, int d, int i, int64_t left, hs_count *n)
{
    if (i == 0) {
        while (d < EC_NDIMS && c->nslot[d] == 0) d++;
        if (d == EC_NDIMS) {
            if (++n->assignments > 50 * (int64_t)HS_EXACT_LIMIT) return 0;
            if (!fits_fanout(c, m)) return 1;
            int64_t ways = 1;
            for (int l = 0; l <= c->L; l++) {
                int live = 0;
                for (int k = 0; k < c->nfree[l]; k++) live += m->f[l][0][m->perm[l][k]] > 1;
                for (int k = 2; k <= live && ways <= HS_EXACT_LIMIT; k++) ways *= k;
            }
            n->total += ways;
            return n->total <= HS_EXACT_LIMIT;
        }
        left = c->rem[d];
    }
    int l = c->sl[d][i], k = c->sk[d][i];
    int64_t keep = m->f[l][k][d];
    int ok = 1;
    for (int64_t q = 1; q <= left && ok; q++) {
        if (left % q) continue;
        if (i == c->nslot[d] - 1 && q != left) continue;
        m->f[l][k][d] = keep * q;
        if (k && slot_over(c, m, l, k)) break; /* as in enum_factors */
        ok = i == c->nslot[d] - 1 ? count_space(c, m, d + 1, 0, 0, n)
                                  : count_space(c, m, d, i + 1, left / q, n);
    }
    m->f[l][k][d] = keep;
    return ok;
}

/* The same decision as count_space() by classes (docs/mapper.md, 3.2):
 * what a leaf of the enumeration contributes depends only on the products
 * of each spatial slot and the number of live free loops of each level, so
 * the dimensions are placed one after the other on classes of partial
 * assignments with those figures, each with its number of members, instead
 * of on every assignment. count_space() stops at more than HS_EXACT_LIMIT
 * mappings or 50 times as many assignments; both only grow, so its answer
 * is "assignments <= 50 x limit and mappings <= limit" over the whole
 * space, which the classes give exactly. Returns 1 or 0 as count_space()
 * would, or -1 when the classes or the work exceed their bounds (then
 * count_space() decides). */
#define HS_CLASSES 4096      /* classes of partial assignments, at most */
#define HS_CLASS_WORK 400000 /* placements tried, at most */

typedef struct hs_class {
    uint32_t prod[EC_HL][2];   /* spatial X and Y products, saturated at fanout + 1 */
    unsigned char live[EC_HL]; /* free temporal loops > 1 per level */
    int64_t members;           /* 0: an empty cell of the table */
} hs_class;

#define HS_CLASS_KEY offsetof(hs_class, members)
#define HS_SAT (INT64_MAX / 4)

typedef struct hs_classes {
    hs_class *tab;  /* open addressing, 2 x HS_CLASSES cells */
    hs_class *list; /* the classes after the dimensions placed so far */
    int used[HS_CLASSES]; /* the cells of tab in use */
    int n, nlist;
    int64_t work;
    unsigned char isfree[EC_HL][EC_NDIMS]; /* the dim is in the level's free order */
} hs_classes;

static int64_t sat_add(int64_t a, int64_t b) { return a > HS_SAT - b ? HS_SAT : a + b; }

static int class_add(hs_classes *cs, const hs_class *s, int64_t members)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *b = (const unsigned char *)s;
    for (size_t i = 0; i < HS_CLASS_KEY; i++) h = (h ^ b[i]) * 1099511628211ull;
    size_t mask = 2 * HS_CLASSES - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        hs_class *t = &cs->tab[i];
        if (t->members == 0) {
            if (cs->n == HS_CLASSES) return -1;
            memcpy(t, s, HS_CLASS_KEY);
            t->members = members;
            cs->used[cs->n++] = (int)i;
            return 0;
        }
        if (!memcmp(t, s, HS_CLASS_KEY)) {
            t->members = sat_add(t->members, members);
            return 0;
        }
    }
}

/* Dimension d's slots from i on, as enum_factors() places them (the same
 * divisors, the same refusals of a spatial slot over its fanout). */
static int class_place(const hs_ctx *c, hs_classes *cs, hs_class *s, int d, int i, int64_t left,
                       int64_t members)
{
    if (i == c->nslot[d]) return class_add(cs, s, members);
    int l = c->sl[d][i], k = c->sk[d][i], last = i == c->nslot[d] - 1;
    for (int64_t q = 1; q <= left; q++) {
        if (left % q) continue;
        if (last && q != left) continue;
        if (++cs->work > HS_CLASS_WORK) return -1;
        int st;
        if (k) {
            uint32_t keep = s->prod[l][k - 1];
            int64_t fan = c->fan[l][k];
            if (q > fan || (int64_t)keep * q > fan) break; /* as slot_over() */
            s->prod[l][k - 1] = (uint32_t)(keep * q);
            st = last ? class_add(cs, s, members) : class_place(c, cs, s, d, i + 1, left / q, members);
            s->prod[l][k - 1] = keep;
        } else {
            int more = q > 1 && cs->isfree[l][d]; /* a free slot's fixed factor is 1 */
            s->live[l] += (unsigned char)more;
            st = last ? class_add(cs, s, members) : class_place(c, cs, s, d, i + 1, left / q, members);
            s->live[l] -= (unsigned char)more;
        }
        if (st) return st;
    }
    return 0;
}

static int count_classes(const hs_ctx *c, const hs_map *m0, hs_classes *cs)
{
    hs_class s;
    memset(&s, 0, sizeof s);
    for (int l = 0; l <= c->L; l++) {
        memset(cs->isfree[l], 0, sizeof cs->isfree[l]);
        for (int i = 0; i < c->nfree[l]; i++) cs->isfree[l][m0->perm[l][i]] = 1;
        for (int d = 0; d < EC_NDIMS; d++) s.live[l] += cs->isfree[l][d] && m0->f[l][0][d] > 1;
        for (int k = 1; k < 3; k++) {
            int64_t fan = c->fan[l][k], p = 1;
            if (fan >= INT32_MAX) return -1; /* products of two such stay in 64 bits */
            for (int d = 0; d < EC_NDIMS; d++) {
                if (m0->f[l][k][d] > fan) p = fan + 1;
                else if ((p *= m0->f[l][k][d]) > fan) p = fan + 1;
            }
            s.prod[l][k - 1] = (uint32_t)p;
        }
    }
    memcpy(&cs->list[0], &s, sizeof s);
    cs->list[0].members = 1;
    cs->nlist = 1;
    cs->work = 0;
    cs->n = 0; /* tab is zeroed */
    for (int d = 0; d < EC_NDIMS; d++) {
        if (!c->nslot[d]) continue;
        for (int j = 0; j < cs->nlist; j++) {
            hs_class t;
            memcpy(&t, &cs->list[j], sizeof t);
            if (class_place(c, cs, &t, d, 0, c->rem[d], cs->list[j].members)) return -1;
        }
        for (int j = 0; j < cs->n; j++) {
            hs_class *t = &cs->tab[cs->used[j]];
            memcpy(&cs->list[j], t, sizeof *t);
            memset(t, 0, sizeof *t);
        }
        cs->nlist = cs->n;
        cs->n = 0;
    }
    int64_t assignments = 0, total = 0;
    for (int j = 0; j < cs->nlist; j++) {
        const hs_class *t = &cs->list[j];
        assignments = sat_add(assignments, t->members);
        int fits = 1;
        for (int l = 0; l <= c->L; l++)
            for (int k = 1; k < 3; k++) fits &= t->prod[l][k - 1] <= c->fan[l][k];
        if (!fits) continue;
        int64_t ways = 1; /* saturated above the limit, as count_space() */
        for (int l = 0; l <= c->L; l++)
            for (int k = 2; k <= t->live[l] && ways <= HS_EXACT_LIMIT; k++) ways *= k;
        int64_t add = ways > HS_EXACT_LIMIT || t->members > HS_EXACT_LIMIT ? HS_EXACT_LIMIT + 1
                                                                         : ways * t->members;
        total = sat_add(total, add);
    }
    return assignments <= 50 * (int64_t)HS_EXACT_LIMIT && total <= HS_EXACT_LIMIT;
}

/* Lower bound on the energy of any mapping: the MACs, and the words that
 * must cross DRAM's boundary (section 7's bound with every on-chip level as
 * the Buffer) at DRAM's cheapest per-word action. */
static double energy_bound(const ec_result *r)
{
    double lb = r->energy[EC_PART_MAC];
    int64_t b;
    if (ec_result_level_bound(r, 1, &b, NULL) != EC_OK) return lb;
    const ec_hier_level *dram = &r->memory.hier.level[0];
    double emin = dram->energy[EC_TENSOR_O][EC_ACTION_UPDATE];
    for (int x = 0; x < EC_NTENSORS; x++)
        if (dram->energy[x][EC_ACTION_READ] < emin) emin = dram->energy[x][EC_ACTION_READ];
    return lb + (double)b * emin;
}

ec_status ec_hier_search(const ec_layer *layer, const ec_memory *memory,
                         const ec_dataflow *dataflow, ec_result *result)
{
    if (!result) return EC_E_NULL;
    if (!layer || !memory || !dataflow)
        return ec_result_fail(result, EC_E_NULL, !layer ? "layer is NULL"
                                                 : !memory ? "memory is NULL"
                                                           : "dataflow is NULL");
    char msg[EC_MSG_LEN] = "";
    ec_shape s;
    ec_status st = ec_shape_from_layer(layer, &s, msg);
    if (st) return ec_result_fail(result, st, msg);

    hs_ctx *c = ec_calloc(&result->al, 1, sizeof *c);
    if (!c) return ec_result_fail(result, EC_E_NOMEM, "search: out of memory");
    c->layer = layer;
    c->mem = memory;
    c->df = *dataflow;
    c->tmp.al = result->al;
    c->rng = 0x9E3779B97F4A7C15ull;
    ec_axis ah = ec_shape_axis_h(&s), aw = ec_shape_axis_w(&s);
    c->unclipped = hb_unclipped(&ah) && hb_unclipped(&aw);
    c->shape = s;
    const ec_hier *h = &memory->hier;
    c->fast = ec_hier_meshes_ok(h);
    const ec_hier_cons *k = &dataflow->cons;
    int L = c->L = h->levels;

    /* fanout below each level, as Timeloop resolves meshes */
    int64_t mesh[EC_HL + 1][2];
    for (int l = 0; l <= L + 1; l++)
        for (int a = 0; a < 2; a++) {
            int64_t v = l <= L ? h->level[l].mesh[a] : h->mac_mesh[a];
            mesh[l][a] = v ? v : l ? mesh[l - 1][a] : 1;
        }
    for (int l = 0; l <= L; l++)
        for (int a = 0; a < 2; a++) c->fan[l][1 + a] = mesh[l + 1][a] / mesh[l][a];

    for (int l = L + 1; l < EC_HL; l++)
        for (int kk = 0; kk < 3; kk++)
            for (int d = 0; d < EC_NDIMS; d++)
                if (k->factor[l][kk][d] > 1 || k->factor[l][kk][d] == EC_FACTOR_REST) {
                    ec_free(&result->al, c);
                    ec_msg(msg, "constraint: level %d (factor of %c) is beyond the hierarchy's "
                           "levels 0..%d", l, ec_dim_letters[d], L);
                    return ec_result_fail(result, EC_E_RANGE, msg);
                }
    /* fixed factors, the rest, and the free slots of every dimension */
    hs_map m0;
    memset(&m0, 0, sizeof m0);
    int64_t rem[EC_NDIMS];
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t fixed = 1;
        int nrest = 0, rl = 0, rk = 0;
        for (int l = 0; l < EC_HL; l++)
            for (int kk = 0; kk < 3; kk++) {
                int64_t v = l <= L ? k->factor[l][kk][d] : 0;
                if (v > s.extent[d]) v = s.extent[d]; /* Timeloop's clamp: C=4 on C = 3 is 3 */
                m0.f[l][kk][d] = v > 0 ? v : 1;
                if (v > 0 && ck_mul(fixed, v, &fixed)) fixed = INT64_MAX;
                if (v == EC_FACTOR_REST) nrest++, rl = l, rk = kk;
            }
        if (fixed > s.extent[d] || s.extent[d] % fixed || nrest > 1) {
            ec_free(&result->al, c);
            if (nrest > 1)
                ec_msg(msg, "constraint: dimension %c has %d factors constrained to the rest of "
                       "its extent", ec_dim_letters[d], nrest);
            else
                ec_msg(msg, "constraint: the fixed factors of %c multiply to %lld, which does not "
                       "divide its extent %lld", ec_dim_letters[d], (long long)fixed,
                       (long long)s.extent[d]);
            return ec_result_fail(result, EC_E_TILE, msg);
        }
        rem[d] = s.extent[d] / fixed;
        if (nrest) {
            m0.f[rl][rk][d] = rem[d];
            rem[d] = 1;
        }
        c->rem[d] = rem[d];
        if (rem[d] == 1) continue;
        for (int l = 0; l <= L; l++)
            for (int kk = 0; kk < 3; kk++)
                if (k->factor[l][kk][d] == 0 && (kk == 0 || c->fan[l][kk] > 1)) {
                    c->dfree[d][l][kk] = 1;
                    c->sl[d][c->nslot[d]] = (unsigned char)l;
                    c->sk[d][c->nslot[d]++] = (unsigned char)kk;
                }
        if (c->nslot[d] == 0) {
            ec_free(&result->al, c);
            ec_msg(msg, "constraint: dimension %c: the fixed factors leave %lld of its extent "
                   "and no loop to place it in", ec_dim_letters[d], (long long)rem[d]);
            return ec_result_fail(result, EC_E_TILE, msg);
        }
    }
    for (int l = 0; l <= L; l++) {
        unsigned inner = 0;
        for (int i = 0; i < k->ninner[l]; i++) inner |= 1u << k->inner[l][i];
        static const ec_dim def[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_C,
                                             EC_DIM_P, EC_DIM_Q, EC_DIM_R, EC_DIM_S};
        for (int i = 0; i < EC_NDIMS; i++)
            if (!(inner >> def[i] & 1u)) m0.perm[l][c->nfree[l]++] = def[i];
    }

    c->m0_fits = fits_fanout(c, &m0);
    /* out of memory here only costs speed */
    if (!c->unclipped && c->fast) c->axes = ec_hier_axis_cache_create(&result->al, &c->shape);

    /* Baseline 1: the mapping set on the dataflow, as ec_evaluate() would
     * evaluate it; also a start when it honours the fixed factors. */
    int have_base = 0;
    double base_e = 0;
    int64_t base_dram = 0;
    ec_hier_map base_map = dataflow->map;
    int given = 0;
    for (int l = 0; l < EC_HL; l++)
        for (int kk = 0; kk < 3; kk++)
            for (int d = 0; d < EC_NDIMS; d++) given |= dataflow->map.factor[l][kk][d] != 0;
    if (given && ec_hier_run(layer, memory, dataflow, &c->tmp, 0) == EC_OK) {
        have_base = 1;
        base_e = c->tmp.energy[EC_PART_TOTAL];
        for (int x = 0; x < EC_NTENSORS; x++)
            for (int a = 0; a < EC_HACT; a++) base_dram += c->tmp.hier.count[0][x][a];
    }
    int exact = -1;
    hs_classes *cs = ec_calloc(&result->al, 1, sizeof *cs);
    if (cs) {
        cs->tab = ec_calloc(&result->al, 2 * HS_CLASSES, sizeof(hs_class));
        cs->list = ec_calloc(&result->al, HS_CLASSES, sizeof(hs_class));
        if (cs->tab && cs->list) exact = count_classes(c, &m0, cs);
        ec_free(&result->al, cs->tab);
        ec_free(&result->al, cs->list);
        ec_free(&result->al, cs);
    }
    if (exact < 0) {
        hs_count cnt = {0, 0};
        hs_map probe = m0;
        exact = count_space(c, &probe, 0, 0, 0, &cnt);
    }
    if (exact) {
        hs_map m = m0;
        enum_factors(c, &m, 0, 0, 0);
    } else {
        if (have_base) {
            /* the given mapping as a start: its factors (level 0's temporal
             * ones resolved), its orders restricted to the free loops */
            hs_map m = m0;
            int ok = 1;
            for (int d = 0; d < EC_NDIMS && ok; d++) {
                int64_t prod = 1;
                for (int l = 0; l <= L; l++)
                    for (int kk = 0; kk < 3; kk++) {
                        int64_t v = base_map.factor[l][kk][d];
                        if (!(l == 0 && kk == 0)) prod *= v ? v : 1;
                        m.f[l][kk][d] = v ? v : 1;
                    }
                if (!base_map.factor[0][0][d]) m.f[0][0][d] = s.extent[d] / prod;
                for (int l = 0; l <= L; l++)
                    for (int kk = 0; kk < 3; kk++)
                        if (k->factor[l][kk][d] > 0 && m0.f[l][kk][d] != m.f[l][kk][d]) ok = 0;
                for (int l = L + 1; l < EC_HL; l++)
                    for (int kk = 0; kk < 3; kk++) m.f[l][kk][d] = 1;
            }
            for (int l = 0; l <= L && ok; l++) {
                ec_dim ord[EC_NDIMS];
                ec_hier_map_order(&base_map, l, ord);
                int n = 0;
                for (int i = 0; i < EC_NDIMS; i++)
                    for (int j = 0; j < c->nfree[l]; j++)
                        if (m0.perm[l][j] == ord[i]) m.perm[l][n++] = ord[i];
            }
            if (ok) start(c, &m);
        }
        /* Baseline 2: every free factor at its outermost slot (DRAM's
         * temporal loops when free). */
        hs_map m = m0;
        for (int d = 0; d < EC_NDIMS; d++)
            if (c->nslot[d]) m.f[c->sl[d][0]][c->sk[d][0]][d] *= rem[d];
        start(c, &m);
        spatial_seed(c, &m0, &m, 0);
        start(c, &m);
        /* Seeded random starts: the spatial start, the rest of every
         * dimension spread over its temporal slots at random. */
        for (int r = 0; r < HS_RESTARTS && c->evaluated < HS_BUDGET; r++) {
            spatial_seed(c, &m0, &m, 1);
            start(c, &m);
        }
    }

    /* The answer: the best mapping found, or the given one if better. */
    ec_hier_found found;
    memset(&found, 0, sizeof found);
    found.valid = 1;
    found.exact = exact;
    found.evaluated = c->evaluated + have_base;
    int use_base = have_base && (!c->have || base_e < c->best_e ||
                                 (base_e == c->best_e && base_dram < c->best_dram));
    if (use_base) {
        found.baseline = 1;
        memcpy(found.factor, base_map.factor, sizeof found.factor);
        for (int l = 0; l < EC_HL; l++) ec_hier_map_order(&base_map, l, found.order[l]);
    } else if (c->have) {
        memcpy(found.factor, c->best.f, sizeof found.factor);
        for (int l = 0; l < EC_HL; l++) {
            if (l <= L) build_order(c, &c->best, l, found.order[l]);
            else ec_hier_map_order(&dataflow->map, l, found.order[l]);
        }
    }
    int none = !use_base && !c->have;
    ec_hier_axis_cache_destroy(&result->al, c->axes);
    ec_free(&result->al, c);
    if (none) {
        ec_msg(msg, "search: no mapping of the space fits the hierarchy (capacities, fanouts "
               "or constraints)");
        return ec_result_fail(result, EC_E_CAPACITY, msg);
    }
    ec_dataflow *fd = ec_calloc(&result->al, 1, sizeof *fd);
    if (!fd) return ec_result_fail(result, EC_E_NOMEM, "search: out of memory");
    *fd = *dataflow;
    memcpy(fd->map.factor, found.factor, sizeof found.factor);
    memcpy(fd->map.order, found.order, sizeof found.order);
    st = ec_hier_run(layer, memory, fd, result, 0);
    ec_free(&result->al, fd);
    if (st) return st;
    found.energy_bound = energy_bound(result);
    result->found = found;
    return EC_OK;
}
