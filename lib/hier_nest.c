/* Validation and resolution of a mapping on a hierarchy (docs/hierarchy.md,
 * "The mapping" and "Capacity"): both evaluators start from the nest built
 * here, so they count the same loops. */
#include "hier_internal.h"

#include "checked.h"

#include <string.h>

static const char *const kind_names[3] = {"temporal", "spatial X", "spatial Y"};

static ec_status resolve_factors(const ec_shape *s, const ec_hier_map *map, int L,
                                 ec_hier_nest *n, char *msg)
{
    for (int l = L + 1; l < EC_HL; l++)
        for (int k = 0; k < 3; k++)
            for (int d = 0; d < EC_NDIMS; d++)
                if (map->factor[l][k][d] > 1) {
                    ec_msg(msg, "mapping: level %d has a %s factor %c%lld but the memory has "
                           "levels 0..%d", l, kind_names[k], ec_dim_letters[d],
                           (long long)map->factor[l][k][d], L);
                    return EC_E_RANGE;
                }
    for (int d = 0; d < EC_NDIMS; d++) {
        int64_t prod = 1;
        for (int l = 0; l <= L; l++)
            for (int k = 0; k < 3; k++) {
                int64_t f = map->factor[l][k][d];
                if (f == 0) continue;
                if (ck_mul(prod, f, &prod)) prod = INT64_MAX;
            }
        int64_t E = s->extent[d];
        for (int l = 0; l <= L; l++)
            for (int k = 0; k < 3; k++) n->f[l][k][d] = map->factor[l][k][d] ? map->factor[l][k][d] : 1;
        if (map->factor[0][EC_LOOP_TEMPORAL][d] == 0) {
            if (prod > E || E % prod != 0) {
                ec_msg(msg, "mapping: the factors of %c multiply to %lld, which does not divide "
                       "its extent %lld", ec_dim_letters[d], (long long)prod, (long long)E);
                return EC_E_TILE;
            }
            n->f[0][EC_LOOP_TEMPORAL][d] = E / prod;
        } else if (prod != E) {
            ec_msg(msg, "mapping: the factors of %c multiply to %lld, not its extent %lld",
                   ec_dim_letters[d], (long long)prod, (long long)E);
            return EC_E_TILE;
        }
    }
    return EC_OK;
}

/* The meshes of one axis as Timeloop resolves them (0: the outer level's),
 * each a multiple of the outer one. */
static ec_status mesh_axis(const ec_hier *h, int a, int64_t mesh[EC_HL + 1], char *msg)
{
    int L = h->levels;
    mesh[0] = h->level[0].mesh[a] ? h->level[0].mesh[a] : 1;
    for (int l = 1; l <= L + 1; l++) {
        int64_t v = l <= L ? h->level[l].mesh[a] : h->mac_mesh[a];
        mesh[l] = v ? v : mesh[l - 1];
        if (mesh[l] % mesh[l - 1] != 0) {
            ec_msg(msg, "memory: level %d (%s): mesh %c = %lld is not a multiple of the outer "
                   "level's %lld", l, l <= L ? h->level[l].name : "MACs", a ? 'Y' : 'X',
                   (long long)mesh[l], (long long)mesh[l - 1]);
            return EC_E_RANGE;
        }
    }
    return EC_OK;
}

int ec_hier_meshes_ok(const ec_hier *h)
{
    int64_t mesh[EC_HL + 1];
    return mesh_axis(h, 0, mesh, NULL) == EC_OK && mesh_axis(h, 1, mesh, NULL) == EC_OK;
}

static ec_status resolve_meshes(const ec_hier *h, ec_hier_nest *n, char *msg)
{
    int L = h->levels;
    for (int a = 0; a < 2; a++) {
        int64_t mesh[EC_HL + 1];
        ec_status st = mesh_axis(h, a, mesh, msg);
        if (st) return st;
        for (int l = 0; l <= L; l++) {
            int64_t fanout = mesh[l + 1] / mesh[l], prod = 1;
            for (int d = 0; d < EC_NDIMS; d++)
                if (ck_mul(prod, n->f[l][1 + a][d], &prod)) prod = INT64_MAX;
            if (prod > fanout) {
                ec_msg(msg, "mapping: level %d (%s): the spatial %c factors multiply to %lld, "
                       "beyond its fanout %lld to %s", l, h->level[l].name, a ? 'Y' : 'X',
                       (long long)prod, (long long)fanout,
                       l < L ? h->level[l + 1].name : "the MACs");
                return EC_E_CAPACITY;
            }
        }
    }
    return EC_OK;
}

/* Flatten the nest, outermost first, keeping loops whose factor is > 1. */
static void build_loops(int L, ec_hier_nest *n)
{
    n->nloops = 0;
    for (int l = 0; l <= L; l++) {
        n->first[l] = n->nloops;
        for (int i = 0; i < EC_NDIMS; i++) {
            ec_dim d = n->order[l][i];
            if (n->f[l][EC_LOOP_TEMPORAL][d] > 1)
                n->loop[n->nloops++] = (hn_loop){d, n->f[l][EC_LOOP_TEMPORAL][d], 0, l,
                                                 EC_LOOP_TEMPORAL};
        }
        n->spatial[l] = n->nloops;
        for (int k = EC_LOOP_SPATIAL_X; k <= EC_LOOP_SPATIAL_Y; k++)
            for (int d = 0; d < EC_NDIMS; d++)
                if (n->f[l][k][d] > 1)
                    n->loop[n->nloops++] = (hn_loop){(ec_dim)d, n->f[l][k][d], 0, l,
                                                     (ec_loop_kind)k};
    }
    n->first[L + 1] = n->nloops;
    n->spatial[L + 1] = n->nloops;
    int64_t inner[EC_NDIMS];
    for (int d = 0; d < EC_NDIMS; d++) inner[d] = 1;
    for (int k = n->nloops - 1; k >= 0; k--) {
        n->loop[k].stride = inner[n->loop[k].dim];
        inner[n->loop[k].dim] *= n->loop[k].n; /* <= the extent: no overflow */
    }
    n->instances[0] = 1;
    for (int l = 1; l <= L + 1; l++) {
        int64_t m = n->instances[l - 1];
        for (int d = 0; d < EC_NDIMS; d++) m *= n->f[l - 1][1][d] * n->f[l - 1][2][d];
        n->instances[l] = m; /* bounded by the fanouts, each <= 2^32 ... and by MACs */
    }
}

/* The tiles' extents: what the capacities read (no order needed). */
static void build_spans(int L, ec_hier_nest *n)
{
    for (int d = 0; d < EC_NDIMS; d++) n->span[L + 1][d] = 1;
    for (int l = L; l >= 0; l--)
        for (int d = 0; d < EC_NDIMS; d++)
            n->span[l][d] = n->span[l + 1][d] * n->f[l][0][d] * n->f[l][1][d] * n->f[l][2][d];
}

/* The largest bounding interval of rows over all tile positions of one axis. */
static int64_t max_rows(const ec_axis *a, int64_t tp, int64_t tr)
{
    if (hb_unclipped(a)) return (tp - 1) * a->stride + (tr - 1) * a->dilation + 1;
    int64_t best = 0;
    for (int64_t p0 = 0; p0 < a->P; p0 += tp)
        for (int64_t r0 = 0; r0 < a->R; r0 += tr) {
            int64_t lo, hi;
            hb_rows(a, p0, tp, r0, tr, &lo, &hi);
            if (hi - lo + 1 > best) best = hi - lo + 1;
        }
    return best;
}

/* max_rows() through the memo of a search (the same values, computed once
 * per tile size). */
static int64_t max_rows_kept(const ec_axis *a, int axis, int64_t tp, int64_t tr,
                             ec_hier_rows_memo *memo)
{
    if (!memo || hb_unclipped(a)) return max_rows(a, tp, tr);
    size_t i = (size_t)(((uint64_t)tp * 31u + (uint64_t)tr) % EC_HIER_ROWS_MEMO);
    if (memo->tp[axis][i] == tp && memo->tr[axis][i] == tr) return memo->rows[axis][i];
    int64_t v = max_rows(a, tp, tr);
    memo->tp[axis][i] = tp;
    memo->tr[axis][i] = tr;
    memo->rows[axis][i] = v;
    return v;
}

static ec_status check_capacity(const ec_shape *s, const ec_hier *h, ec_hier_nest *n,
                                ec_hier_rows_memo *memo, char *msg)
{
    ec_axis ah = ec_shape_axis_h(s), aw = ec_shape_axis_w(s);
    for (int c = 1; c <= n->L; c++) {
        const int64_t *t = n->span[c];
        int64_t need[EC_NTENSORS];
        need[EC_TENSOR_W] = t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_C] * t[EC_DIM_R] * t[EC_DIM_S];
        need[EC_TENSOR_O] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_K] * t[EC_DIM_P] * t[EC_DIM_Q];
        need[EC_TENSOR_I] = 0;
        if (n->keep[c] & 1u) {
            int64_t rows = max_rows_kept(&ah, 0, t[EC_DIM_P], t[EC_DIM_R], memo);
            int64_t cols = max_rows_kept(&aw, 1, t[EC_DIM_Q], t[EC_DIM_S], memo);
            need[EC_TENSOR_I] = t[EC_DIM_N] * t[EC_DIM_G] * t[EC_DIM_C] * rows * cols;
        }
        int64_t total = 0;
        for (int x = 0; x < EC_NTENSORS; x++)
            if (n->keep[c] >> x & 1u) total += need[x]; /* each <= its tensor's size */
        int64_t cap = h->level[c].capacity;
        if (cap != EC_CAPACITY_UNBOUNDED && total > cap) {
            ec_msg(msg, "level %d (%s): the tiles need %lld words (I %lld, W %lld, O %lld kept: "
                   "%s%s%s), capacity %lld", c, h->level[c].name, (long long)total,
                   (long long)need[0], (long long)need[1], (long long)need[2],
                   n->keep[c] & 1u ? "I" : "", n->keep[c] & 2u ? "W" : "",
                   n->keep[c] & 4u ? "O" : "", (long long)cap);
            return EC_E_CAPACITY;
        }
    }
    return EC_OK;
}

ec_status ec_hier_resolve(const ec_shape *s, const ec_memory *m, const ec_dataflow *df,
                          ec_hier_nest *n, char *msg)
{
    const ec_hier *h = &m->hier;
    /* Every field up to level L is written below; no need to clear ~10 KB. */
    n->L = h->levels;
    for (int l = 0; l <= n->L; l++) {
        ec_hier_map_order(&df->map, l, n->order[l]);
        n->keep[l] = (unsigned)h->level[l].keep;
    }
    ec_status st = resolve_factors(s, &df->map, n->L, n, msg);
    if (st == EC_OK) st = resolve_meshes(h, n, msg);
    if (st != EC_OK) return st;
    build_spans(n->L, n);
    build_loops(n->L, n);
    return check_capacity(s, h, n, NULL, msg);
}

ec_status ec_hier_nest_set(const ec_shape *s, const ec_memory *m,
                           const int64_t factor[EC_HL][3][EC_NDIMS], ec_hier_rows_memo *memo,
                           ec_hier_nest *n)
{
    const ec_hier *h = &m->hier;
    n->L = h->levels;
    for (int l = 0; l <= n->L; l++) {
        memcpy(n->f[l], factor[l], sizeof n->f[l]);
        n->keep[l] = (unsigned)h->level[l].keep;
    }
    build_spans(n->L, n);
    return check_capacity(s, h, n, memo, NULL);
}

void ec_hier_nest_loops(ec_hier_nest *n) { build_loops(n->L, n); }
