/* The exact loop-nest counter of docs/model.md section 5. It walks the outer
 * (DRAM-level) loop nest tile by tile in the order pi and applies section 3's
 * transfer rule event by event; every input footprint comes from enumerating
 * the (output, kernel) index pairs of the tile. It exists to validate the
 * closed form of section 4, so it shares no counting code with it: nothing
 * from footprint.c, closed_form.c or tiling.c is used here. */
#include "internal.h"
#include "checked.h"

#include <string.h>

/* Work and memory limits. The first is documented at ec_count() in ecnn.h. */
#define MAX_ITERATIONS ((int64_t)1 << 32) /* outer iterations of the walk */
#define MAX_PAIRS ((int64_t)1 << 32)      /* (p, r) pairs of one axis, all enumerated */
#define MAX_BYTES ((int64_t)1 << 28)      /* any one allocation */

typedef struct rows {
    int64_t n, lo, hi; /* size of a row set and its bounding rows (lo > hi if empty) */
} rows;

/* One spatial axis (rows: P, R, H; columns: Q, S, W) cut into tiles. */
typedef struct axis {
    const ec_allocator *al;
    ec_axis g;
    int64_t tp, tr, bp, br; /* tiles of the output and kernel dimension, their counts */
    int bbox;
    int along;         /* slide predecessor of the overlap table: 0 none, 1 output, 2 kernel dim */
    uint64_t *m1, *m2; /* scratch bitmaps, all zero between uses */
    int64_t *size;     /* per (output tile, kernel tile): |F|, or its bounding interval */
    int64_t *ov;       /* per tile pair: what it shares with its predecessor */
    int64_t max;
} axis;

/* calloc with the counter's memory limit; *st says why on NULL. */
static void *alloc(const ec_allocator *al, int64_t count, const char *what, ec_status *st,
                   char *msg)
{
    void *p;
    if (count > MAX_BYTES / 8) {
        ec_msg(msg, "counter: the %s would need %lld words, over the counter's limit of 2^28 "
               "bytes per allocation", what, (long long)count);
        *st = EC_E_LIMIT;
        return NULL;
    }
    if (!(p = ec_calloc(al, (size_t)(count > 0 ? count : 1), 8))) {
        ec_msg(msg, "counter: out of memory for the %s (%lld words)", what, (long long)count);
        *st = EC_E_NOMEM;
    }
    return p;
}

/* The first raw (unclipped) input row of tile (i, j): every row the tile reads
 * is at or after it, so it anchors the scratch bitmaps. */
static int64_t first_row(const axis *a, int64_t i, int64_t j)
{
    int64_t h = i * a->tp * a->g.stride + j * a->tr * a->g.dilation - a->g.pad;
    return h > 0 ? h : 0;
}

/* Enumerate the rows p*stride + r*dilation - pad of tile (i, j) that lie in
 * [0, H) and, if `within` is given, are set in it; mark the new ones in `mark`
 * (bit h - base) and return how many there are and their bounds. With
 * `clear`, unmark them instead. */
static rows tile_rows(const axis *a, int64_t i, int64_t j, int64_t base, uint64_t *mark,
                      const uint64_t *within, int clear)
{
    rows out = {0, INT64_MAX, -1};
    int64_t p1 = (i + 1) * a->tp < a->g.P ? (i + 1) * a->tp : a->g.P;
    int64_t r1 = (j + 1) * a->tr < a->g.R ? (j + 1) * a->tr : a->g.R;
    for (int64_t p = i * a->tp; p < p1; p++) {
        for (int64_t r = j * a->tr; r < r1; r++) {
            int64_t h = p * a->g.stride + r * a->g.dilation - a->g.pad, b = h - base;
            if (h < 0 || h >= a->g.H) continue; /* padding is never transferred */
            uint64_t bit = (uint64_t)1 << (b & 63);
            if (clear) {
                mark[b >> 6] &= ~bit;
                continue;
            }
            if ((within && !(within[b >> 6] & bit)) || (mark[b >> 6] & bit)) continue;
            mark[b >> 6] |= bit;
            out.n++;
            if (h < out.lo) out.lo = h;
            if (h > out.hi) out.hi = h;
        }
    }
    return out;
}

/* Restore an all-zero bitmap after marking r: clear the bounding span when
 * that is cheaper than re-enumerating the tile (it is not for sparse,
 * strided sets). */
static void wipe(const axis *a, int64_t i, int64_t j, int64_t base, uint64_t *mark, rows r)
{
    if (r.n == 0) return;
    int64_t w0 = (r.lo - base) >> 6, w1 = (r.hi - base) >> 6;
    if (w1 - w0 < a->tp * a->tr) memset(mark + w0, 0, (size_t)(w1 - w0 + 1) * sizeof *mark);
    else tile_rows(a, i, j, base, mark, NULL, 1);
}

static int64_t measure(const axis *a, rows r)
{
    if (!a->bbox) return r.n;
    return r.n ? r.hi - r.lo + 1 : 0; /* the bounding interval of the real rows read */
}

static int64_t footprint(axis *a, int64_t i, int64_t j)
{
    int64_t base = first_row(a, i, j);
    rows r = tile_rows(a, i, j, base, a->m1, NULL, 0);
    wipe(a, i, j, base, a->m1, r);
    return measure(a, r);
}

/* Rows tile (i, j) shares with the tile before it along a->along: a set
 * intersection (exact) or an interval intersection (bbox). */
static int64_t overlap(axis *a, int64_t i, int64_t j)
{
    int64_t pi = i - (a->along == 1), pj = j - (a->along == 2);
    int64_t base = first_row(a, pi, pj); /* the predecessor starts no later */
    rows prev = tile_rows(a, pi, pj, base, a->m1, NULL, 0);
    rows cur = tile_rows(a, i, j, base, a->m2, a->bbox ? NULL : a->m1, 0);
    wipe(a, pi, pj, base, a->m1, prev);
    wipe(a, i, j, base, a->m2, cur);
    if (!a->bbox) return cur.n;
    if (prev.n == 0 || cur.n == 0) return 0;
    int64_t lo = prev.lo > cur.lo ? prev.lo : cur.lo, hi = prev.hi < cur.hi ? prev.hi : cur.hi;
    return hi >= lo ? hi - lo + 1 : 0;
}

static const char *const axis_names[2][3] = {
    {"rows", "input-row scratch bitmap", "input-row footprint table"},
    {"columns", "input-column scratch bitmap", "input-column footprint table"}};

static ec_status axis_init(axis *a, const ec_allocator *al, ec_axis g, int64_t tp, int64_t tr,
                           int bbox, int along, int col, char *msg)
{
    const char *name = axis_names[col][1];
    int64_t pairs, span, t;
    memset(a, 0, sizeof *a);
    a->al = al;
    a->g = g;
    a->tp = tp;
    a->tr = tr;
    a->bp = ceil_div(g.P, tp);
    a->br = ceil_div(g.R, tr);
    a->bbox = bbox;
    a->along = along;
    if (ck_mul(g.P, g.R, &pairs) || pairs > MAX_PAIRS) {
        ec_msg(msg, "counter: enumerating the input %s takes %lld x %lld (output, kernel) "
               "pairs, more than 2^32", axis_names[col][0], (long long)g.P, (long long)g.R);
        return EC_E_LIMIT;
    }
    /* Two tiles adjacent along either dimension span fewer rows than this. */
    if (ck_mul(2 * tp - 1, g.stride, &span) || ck_mul(2 * tr - 1, g.dilation, &t) ||
        ck_add(span, t, &span) || ck_add(span, 1, &span) || span > g.H)
        span = g.H;
    ec_status st = EC_OK;
    if ((a->m1 = alloc(al, (span + 63) / 64, name, &st, msg)))
        a->m2 = alloc(al, (span + 63) / 64, name, &st, msg);
    return st;
}

static ec_status axis_tables(axis *a, int col, char *msg)
{
    const char *name = axis_names[col][2];
    ec_status st = EC_OK;
    if ((a->size = alloc(a->al, a->bp * a->br, name, &st, msg)) && a->along)
        a->ov = alloc(a->al, a->bp * a->br, name, &st, msg);
    return st;
}

/* The footprint of every tile pair, into the tables when they exist, and
 * the largest (the capacity check needs it before the tables are built). */
static void axis_scan(axis *a)
{
    a->max = 0;
    for (int64_t i = 0; i < a->bp; i++) {
        for (int64_t j = 0; j < a->br; j++) {
            int64_t f = footprint(a, i, j), k = i * a->br + j;
            if (f > a->max) a->max = f;
            if (a->size) a->size[k] = f;
            if (a->ov && (a->along == 1 ? i : j) > 0) a->ov[k] = overlap(a, i, j);
        }
    }
}

static void axis_free(axis *a)
{
    if (!a->al) return; /* never initialised */
    ec_free(a->al, a->m1);
    ec_free(a->al, a->m2);
    ec_free(a->al, a->size);
    ec_free(a->al, a->ov);
}

/* Product of v[d] over the dimensions in mask; 1 on overflow. */
static int prod(const int64_t v[EC_NDIMS], unsigned mask, int64_t *out)
{
    *out = 1;
    for (int d = 0; d < EC_NDIMS; d++)
        if ((mask >> d & 1u) && ck_mul(*out, v[d], out)) return 1;
    return 0;
}

static ec_status overflow(const char *what, char *msg)
{
    ec_msg(msg, "counter: %s overflows 64 bits", what);
    return EC_E_OVERFLOW;
}

static ec_status bump(int64_t *acc, int64_t v, const char *what, char *msg)
{
    return ck_add(*acc, v, acc) ? overflow(what, msg) : EC_OK;
}

typedef struct walk {
    const ec_plan *plan;
    const int64_t *extent;
    axis *ah, *aw;
    unsigned rel[EC_NTENSORS]; /* Rel(X) as dimension bit masks */
    int64_t idx[EC_NDIMS], len[EC_NDIMS]; /* current tile index and actual extents */
    uint64_t *spilled;                    /* output tiles written back at least once */
    int64_t res_o, res_o_size;            /* resident output tile, -1 if none */
    int64_t firsts;                       /* outputs accumulated for the first time */
    ec_counts *c;
} walk;

static ec_status input_event(walk *w, int slid, char *msg)
{
    const axis *ah = w->ah, *aw = w->aw;
    int64_t kh = w->idx[EC_DIM_P] * ah->br + w->idx[EC_DIM_R];
    int64_t kw = w->idx[EC_DIM_Q] * aw->br + w->idx[EC_DIM_S];
    int64_t ngc, full, shared = 0;
    unsigned ngc_mask = 1u << EC_DIM_N | 1u << EC_DIM_G | 1u << EC_DIM_C;
    if (prod(w->len, ngc_mask, &ngc) || ck_mul(ngc, ah->size[kh], &full) ||
        ck_mul(full, aw->size[kw], &full))
        return overflow("the input tile size", msg);
    /* A slide step moved one dimension by one tile: the two tiles agree on
     * every other coordinate, so the shared part is that axis's overlap times
     * the rest (at most full: no overflow). Along N, G or C (no table) the
     * tiles are disjoint. */
    if (slid && ah->along) shared = ngc * ah->ov[kh] * aw->size[kw];
    if (slid && aw->along) shared = ngc * ah->size[kh] * aw->ov[kw];
    return bump(&w->c->dram_read[EC_TENSOR_I], full - shared, "dram_read[I]", msg);
}

static ec_status output_event(walk *w, char *msg)
{
    ec_counts *c = w->c;
    int64_t id = 0, size;
    ec_status st;
    if (w->res_o >= 0) {
        if ((st = bump(&c->dram_write[EC_TENSOR_O], w->res_o_size, "dram_write[O]", msg)))
            return st;
        w->spilled[w->res_o >> 6] |= (uint64_t)1 << (w->res_o & 63);
    }
    for (int d = 0; d < EC_NDIMS; d++)
        if (w->rel[EC_TENSOR_O] >> d & 1u) id = id * w->plan->blocks[d] + w->idx[d];
    prod(w->len, w->rel[EC_TENSOR_O], &size); /* at most |O|: cannot overflow */
    if (w->spilled[id >> 6] >> (id & 63) & 1u) {
        if ((st = bump(&c->dram_read[EC_TENSOR_O], size, "dram_read[O]", msg))) return st;
        st = bump(&c->buf_write[EC_TENSOR_O], size, "buf_write[O]", msg);
    } else {
        st = bump(&w->firsts, size, "first accumulations", msg);
    }
    w->res_o = id;
    w->res_o_size = size;
    return st;
}

/* The odometer over the tile indices. The resident tile of every tensor is
 * the previous iteration's, so a tensor's tile changes exactly when a
 * dimension of Rel(X) moved in this step. */
static ec_status run_walk(walk *w, char *msg)
{
    const ec_plan *pl = w->plan;
    int v[EC_NDIMS], m = 0;
    for (int k = 0; k < EC_NDIMS; k++)
        if (pl->blocks[pl->order[k]] > 1) v[m++] = (int)pl->order[k];
    unsigned moved = 0xFFu;
    int slid = 0;
    ec_status st = EC_OK;
    for (;;) {
        for (int d = 0; d < EC_NDIMS; d++) {
            int64_t left = w->extent[d] - w->idx[d] * pl->tile[d]; /* the last tile is short */
            if (moved >> d & 1u) w->len[d] = left < pl->tile[d] ? left : pl->tile[d];
        }
        int64_t mac;
        if (prod(w->len, 0xFFu, &mac)) return overflow("MACs", msg);
        if ((st = bump(&w->c->macs, mac, "MACs", msg))) return st;
        if ((moved & w->rel[EC_TENSOR_W])) {
            int64_t size;
            prod(w->len, w->rel[EC_TENSOR_W], &size); /* at most |W| */
            if ((st = bump(&w->c->dram_read[EC_TENSOR_W], size, "dram_read[W]", msg))) return st;
        }
        if ((moved & w->rel[EC_TENSOR_I]) && (st = input_event(w, slid, msg))) return st;
        if ((moved & w->rel[EC_TENSOR_O]) && (st = output_event(w, msg))) return st;
        /* Advance the innermost dimension that has more than one tile,
         * carrying outward; all wrapped back to 0 means the walk is over. */
        int k = m - 1;
        for (; k >= 0; k--) {
            if (++w->idx[v[k]] < pl->blocks[v[k]]) break;
            w->idx[v[k]] = 0;
        }
        if (k < 0) break;
        moved = 0;
        for (int j = k; j < m; j++) moved |= 1u << v[j];
        slid = k == m - 1 && pl->reuse == EC_REUSE_SLIDE;
    }
    return bump(&w->c->dram_write[EC_TENSOR_O], w->res_o_size, "dram_write[O]", msg);
}

/* Section 3's per-MAC Buffer accesses, and the fills mirrored from DRAM. */
static ec_status finish(walk *w, char *msg)
{
    ec_counts *c = w->c;
    int64_t dram = 0, buf = 0;
    /* What the walk counted is reported as counted, not as the shape says:
     * the tests compare it with the closed form. */
    c->buf_read[EC_TENSOR_I] = c->buf_read[EC_TENSOR_W] = c->macs;
    c->buf_write[EC_TENSOR_I] = c->dram_read[EC_TENSOR_I];
    c->buf_write[EC_TENSOR_W] = c->dram_read[EC_TENSOR_W];
    if (ck_sub(c->macs, w->firsts, &c->buf_read[EC_TENSOR_O])) return overflow("buf_read[O]", msg);
    ec_status st = bump(&c->buf_write[EC_TENSOR_O], c->macs, "buf_write[O]", msg);
    /* The result adds these up unchecked. */
    for (int t = 0; t < EC_NTENSORS && st == EC_OK; t++) {
        if (ck_add(dram, c->dram_read[t], &dram) || ck_add(dram, c->dram_write[t], &dram))
            st = overflow("the DRAM total", msg);
        else if (ck_add(buf, c->buf_read[t], &buf) || ck_add(buf, c->buf_write[t], &buf))
            st = overflow("the Buffer total", msg);
    }
    return st;
}

/* Which axis's overlap table a slide step needs: the one holding the
 * innermost dimension with more than one tile. */
static int along(const ec_plan *plan, ec_dim out, ec_dim kernel)
{
    int inner = -1;
    for (int k = 0; k < EC_NDIMS; k++)
        if (plan->blocks[plan->order[k]] > 1) inner = (int)plan->order[k];
    if (plan->reuse != EC_REUSE_SLIDE) return 0;
    return inner == (int)out ? 1 : inner == (int)kernel ? 2 : 0;
}

ec_status ec_counter(const ec_shape *shape, const ec_memory *memory, const ec_plan *plan,
                     ec_counts *counts, const ec_allocator *al, char *msg)
{
    const int64_t *t = plan->tile;
    int bbox = plan->footprint == EC_FOOTPRINT_BBOX;
    ec_axis gh = {shape->P, shape->R, shape->H, shape->sh, shape->dh, shape->pt};
    ec_axis gw = {shape->Q, shape->S, shape->W, shape->sw, shape->dw, shape->pl};
    axis ah, aw;
    walk w;
    int64_t cap[EC_NTENSORS], iters, tiles_o;
    ec_status st, st_mem = EC_OK;

    memset(counts, 0, sizeof *counts);
    memset(&w, 0, sizeof w);
    memset(&ah, 0, sizeof ah);
    memset(&aw, 0, sizeof aw);
    w.plan = plan;
    w.extent = shape->extent;
    w.ah = &ah;
    w.aw = &aw;
    w.c = counts;
    w.res_o = -1;
    for (int x = 0; x < EC_NTENSORS; x++)
        for (int d = 0; d < EC_NDIMS; d++)
            if (ec_relevant((ec_tensor)x, (ec_dim)d)) w.rel[x] |= 1u << d;

    st = axis_init(&ah, al, gh, t[EC_DIM_P], t[EC_DIM_R], bbox, along(plan, EC_DIM_P, EC_DIM_R), 0, msg);
    if (st) goto done;
    st = axis_init(&aw, al, gw, t[EC_DIM_Q], t[EC_DIM_S], bbox, along(plan, EC_DIM_Q, EC_DIM_S), 1, msg);
    if (st) goto done;

    /* The tables and the spill set are allocated (when the walk is within
     * its limit) before the footprint scan, which then fills them in passing;
     * their failure is reported only after capacity and the iteration limit,
     * so that a dataflow that does not fit is refused whatever its size. */
    prod(plan->blocks, 0xFFu, &iters); /* at most MACs: cannot overflow */
    prod(plan->blocks, w.rel[EC_TENSOR_O], &tiles_o);
    if (iters <= MAX_ITERATIONS) {
        w.spilled = alloc(al, (tiles_o + 63) / 64, "output-tile spill set", &st_mem, msg);
        if (st_mem == EC_OK) st_mem = axis_tables(&ah, 0, msg);
        if (st_mem == EC_OK) st_mem = axis_tables(&aw, 1, msg);
    }
    axis_scan(&ah);
    axis_scan(&aw);
    if (prod(t, w.rel[EC_TENSOR_W], &cap[EC_TENSOR_W]) ||
        prod(t, w.rel[EC_TENSOR_O], &cap[EC_TENSOR_O]) ||
        prod(t, 1u << EC_DIM_N | 1u << EC_DIM_G | 1u << EC_DIM_C, &cap[EC_TENSOR_I]) ||
        ck_mul(cap[EC_TENSOR_I], ah.max, &cap[EC_TENSOR_I]) ||
        ck_mul(cap[EC_TENSOR_I], aw.max, &cap[EC_TENSOR_I])) {
        st = overflow("a tile size", msg);
        goto done;
    }
    if ((st = ec_memory_fits(memory, cap, msg))) goto done;
    if (iters > MAX_ITERATIONS) {
        ec_msg(msg, "counter: the walk would take %lld outer iterations, more than 2^32",
               (long long)iters);
        st = EC_E_LIMIT;
        goto done;
    }
    if ((st = st_mem)) goto done;
    if ((st = run_walk(&w, msg))) goto done;
    st = finish(&w, msg);
done:
    axis_free(&ah);
    axis_free(&aw);
    ec_free(al, w.spilled);
    if (st) memset(counts, 0, sizeof *counts);
    return st;
}
