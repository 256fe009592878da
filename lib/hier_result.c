/* Evaluation on a hierarchy and its per-level results (docs/hierarchy.md,
 * "Reads, fills and updates", "Energy", "The bound per boundary"): the
 * flows of either evaluator become Timeloop v3's counts by one set of
 * rules, then energies, the traffic across each boundary and its bound. */
#include "bound.h"
#include "checked.h"
#include "hier_internal.h"

#include <math.h>
#include <string.h>

/* round(a * b / c) for non-negative a, b and positive c, half up, as
 * Timeloop's std::round of its double; EC_E_OVERFLOW if it exceeds 64 bits. */
static ec_status mul_div_round(int64_t a, int64_t b, int64_t c, int64_t *out)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 p = (unsigned __int128)(uint64_t)a * (uint64_t)b;
    unsigned __int128 q = (p + (uint64_t)c / 2) / (uint64_t)c;
    if (q > (unsigned __int128)INT64_MAX) return EC_E_OVERFLOW;
    *out = (int64_t)q;
#else
    long double q = floorl((long double)a * (long double)b / (long double)c + 0.5L);
    if (q > (long double)INT64_MAX) return EC_E_OVERFLOW;
    *out = (int64_t)q;
#endif
    return EC_OK;
}

/* Timeloop's accounting (its CollapseTiles with first-read elision, legacy
 * read-modify-write): a level that bypasses a tensor hands its children's
 * demand to its parent, scaled by the parent's own multicast; a kept tensor
 * is read for what the level sends, filled with what it receives; outputs
 * are updated with what comes up, and neither read back nor filled for the
 * first visit of each word. */
static ec_status apply_rules(const ec_hier_nest *n, const ec_hier_flow *f, ec_hier_counts *h,
                             char *msg)
{
    int L = n->L;
    memset(h->count, 0, sizeof h->count);
    for (int x = 0; x < EC_NTENSORS; x++) {
        int64_t content[EC_HL + 1];
        memcpy(content, f->content[x], sizeof content);
        for (int c = L; c >= 1; c--) {
            if (n->keep[c] >> x & 1u) continue;
            if (f->raw[x][c] == 0) content[c - 1] = 0;
            else if (mul_div_round(content[c - 1], content[c], f->raw[x][c], &content[c - 1])) {
                ec_msg(msg, "hierarchy: level %d: a count exceeds 64 bits", c - 1);
                return EC_E_OVERFLOW;
            }
        }
        for (int l = 0; l <= L; l++) {
            if (!(n->keep[l] >> x & 1u)) continue;
            int64_t *row = h->count[l][x];
            int64_t fill = l ? f->raw[x][l] : 0;
            if (x != EC_TENSOR_O) {
                row[EC_ACTION_READ] = content[l];
                row[EC_ACTION_FILL] = fill;
            } else {
                int64_t part = f->partition_O[l];
                row[EC_ACTION_UPDATE] = content[l];
                row[EC_ACTION_READ] = content[l] - part;
                row[EC_ACTION_FILL] = l ? fill - part : 0;
            }
        }
    }
    return EC_OK;
}

/* Mesh of level l (L + 1: the MACs) as Timeloop resolves it. */
static int64_t mesh_total(const ec_hier *h, int l)
{
    int64_t m[2] = {1, 1};
    for (int k = 0; k <= l; k++)
        for (int a = 0; a < 2; a++) {
            int64_t v = k <= h->levels ? h->level[k].mesh[a] : h->mac_mesh[a];
            if (v) m[a] = v;
        }
    return m[0] * m[1];
}

/* The energies of the counts per level and part, and the two-level counts
 * that summarise them; one function for store() and ec_hier_price(), so
 * that the search ranks by the very numbers a result reports. */
static ec_status price(const ec_shape *s, const ec_memory *m, const ec_hier_nest *n,
                       ec_hier_counts *h, ec_counts *out, double part[EC_NPARTS], char *msg)
{
    const ec_hier *hm = &m->hier;
    int L = n->L;
    ec_counts counts;
    memset(&counts, 0, sizeof counts);
    counts.macs = s->macs;
    for (int i = 0; i < EC_NPARTS; i++) part[i] = 0;
    for (int l = 0; l <= L; l++) {
        double el = 0;
        /* Timeloop charges a clustered level once per utilized cluster, not
         * per utilized instance (docs/hierarchy.md, "Clusters and blocks"). */
        int64_t cl = hm->level[l].cluster > 1 ? hm->level[l].cluster : 1, used = n->instances[l];
        double share = 1;
        if (cl > 1) {
            int64_t all = mesh_total(hm, l);
            if (all % cl) {
                ec_msg(msg, "memory: level %d (%s): cluster = %lld does not divide its %lld "
                       "instances", l, hm->level[l].name, (long long)cl, (long long)all);
                return EC_E_RANGE;
            }
            if (used > all / cl) share = (double)(all / cl) / (double)used;
        }
        /* Timeloop prices whole accesses of block words per instance. */
        int64_t blk = hm->level[l].block > 1 ? hm->level[l].block : 1, per = 0;
        if (blk > 1 && ck_mul(used > 0 ? used : 1, blk, &per)) {
            ec_msg(msg, "hierarchy: instances x block exceed 64 bits");
            return EC_E_OVERFLOW;
        }
        for (int x = 0; x < EC_NTENSORS; x++) {
            double et = 0;
            for (int a = 0; a < EC_HACT; a++) {
                int64_t c = h->count[l][x][a];
                double words = blk > 1 ? (double)(c / per + (c % per != 0)) * (double)per : (double)c;
                et += words * hm->level[l].energy[x][a] * share;
            }
            el += et;
            part[EC_PART_TENSOR_I + x] += et;
            const int64_t *c = h->count[l][x];
            if (l == 0) {
                counts.dram_read[x] = c[EC_ACTION_READ];
                counts.dram_write[x] = c[EC_ACTION_UPDATE];
            } else if (ck_add(counts.buf_read[x], c[EC_ACTION_READ], &counts.buf_read[x]) ||
                       ck_add(counts.buf_write[x], c[EC_ACTION_FILL], &counts.buf_write[x]) ||
                       ck_add(counts.buf_write[x], c[EC_ACTION_UPDATE], &counts.buf_write[x])) {
                ec_msg(msg, "hierarchy: a total exceeds 64 bits");
                return EC_E_OVERFLOW;
            }
        }
        h->energy[l] = el;
        if (l == 0) part[EC_PART_DRAM] = el;
        else part[EC_PART_BUFFER] += el;
    }
    part[EC_PART_MAC] = m->energy[EC_ENERGY_MAC] * (double)s->macs;
    part[EC_PART_TOTAL] = part[EC_PART_DRAM] + part[EC_PART_BUFFER] + part[EC_PART_MAC];
    if (!isfinite(part[EC_PART_TOTAL])) {
        ec_msg(msg, "energy: the counts times the per-access energies exceed the largest double");
        return EC_E_OVERFLOW;
    }
    *out = counts;
    return EC_OK;
}

static ec_status store(ec_result *r, const ec_shape *s, const ec_memory *m, const ec_hier_nest *n,
                       ec_hier_counts *h)
{
    const ec_hier *hm = &m->hier;
    int L = n->L;
    ec_counts counts;
    double part[EC_NPARTS];
    char msg[EC_MSG_LEN];
    ec_status st = price(s, m, n, h, &counts, part, msg);
    if (st) return ec_result_fail(r, st, msg);
    /* Traffic across the boundary above level l: what the nearest outer
     * level keeping each tensor sends in, and the outputs it takes back. */
    for (int l = 1; l <= L; l++) {
        int64_t t = 0;
        for (int x = 0; x < EC_NTENSORS; x++) {
            int p = l - 1;
            while (!(n->keep[p] >> x & 1u)) p--;
            t += h->count[p][x][EC_ACTION_READ];
            if (x == EC_TENSOR_O) t += h->count[p][x][EC_ACTION_UPDATE];
        }
        h->traffic[l] = t;
        int64_t cap = 0;
        for (int c = l; c <= L && cap >= 0; c++) {
            int64_t v = hm->level[c].capacity, w;
            if (v == EC_CAPACITY_UNBOUNDED || ck_mul(v, mesh_total(hm, c), &w) || ck_add(cap, w, &cap))
                cap = -1;
        }
        h->capacity_total[l] = cap;
    }
    h->levels = L;
    h->is_hier = 1;
    for (int l = 0; l <= L + 1; l++) h->instances[l] = n->instances[l];

    ec_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.policy = EC_POLICY_CUSTOM;
    memcpy(plan.order, n->order[0], sizeof plan.order);
    for (int d = 0; d < EC_NDIMS; d++) {
        plan.tile[d] = n->span[1][d];
        plan.blocks[d] = s->extent[d] / n->span[1][d];
    }
    st = ec_result_store(r, m, &plan, &counts);
    if (st) return st;
    memcpy(r->energy, part, sizeof part);
    r->hier = *h;
    memset(r->partition, 0, sizeof r->partition);
    r->has_bound = 1;
    r->shape = *s;
    r->memory = *m;
    /* ec_result_bound() of a hierarchy: the bound across DRAM's boundary. */
    r->memory.capacity = L ? (h->capacity_total[1] < 0 ? INT64_MAX / 4 : h->capacity_total[1]) : 0;
    memset(r->memory.partition, 0, sizeof r->memory.partition);
    return EC_OK;
}

ec_status ec_hier_run(const ec_layer *layer, const ec_memory *memory, const ec_dataflow *dataflow,
                      ec_result *result, int walk)
{
    if (!result) return EC_E_NULL;
    if (!layer || !memory || !dataflow)
        return ec_result_fail(result, EC_E_NULL,
                              !layer ? "layer is NULL" : !memory ? "memory is NULL"
                                                                 : "dataflow is NULL");
    char msg[EC_MSG_LEN] = "";
    ec_shape shape;
    ec_hier_nest nest;
    ec_hier_flow flow;
    ec_hier_counts h; /* every field up to level L is written */
    char *m = walk & EC_HIER_QUIET ? NULL : msg; /* ec_msg(NULL, ...) formats nothing */
    ec_status st = ec_shape_from_layer(layer, &shape, msg);
    if (st == EC_OK) st = ec_hier_resolve(&shape, memory, dataflow, &nest, m);
    if (st == EC_OK)
        st = walk & 1 ? ec_hier_flow_walk(&shape, &nest, dataflow->reuse, &flow, &result->al, m)
                      : ec_hier_flow_closed(&shape, &nest, dataflow->reuse, &flow, m);
    if (st == EC_OK) st = apply_rules(&nest, &flow, &h, msg);
    if (st != EC_OK) return ec_result_fail(result, st, msg);
    return store(result, &shape, memory, &nest, &h);
}

ec_status ec_hier_price(const ec_shape *shape, const ec_memory *memory, const ec_hier_nest *nest,
                        ec_reuse reuse, ec_hier_axis_cache *cache, double *energy, int64_t *dram)
{
    ec_hier_flow flow;
    ec_hier_counts h;
    ec_counts counts;
    double part[EC_NPARTS];
    ec_status st = ec_hier_flow_cached(shape, nest, reuse, cache, &flow, NULL);
    if (st == EC_OK) st = apply_rules(nest, &flow, &h, NULL);
    if (st == EC_OK) st = price(shape, memory, nest, &h, &counts, part, NULL);
    if (st != EC_OK) return st;
    /* ec_result_store() refuses a two-level total that is not finite */
    if (!isfinite(ec_energy_total(memory, &counts))) return EC_E_OVERFLOW;
    *energy = part[EC_PART_TOTAL];
    int64_t sum = 0;
    for (int x = 0; x < EC_NTENSORS; x++)
        for (int a = 0; a < EC_HACT; a++) sum += h.count[0][x][a];
    *dram = sum;
    return EC_OK;
}

static ec_status readable(const ec_result *r, const void *out, int level, int extra)
{
    if (!r || !out) return EC_E_NULL;
    if (!r->valid) return EC_E_NOT_EVALUATED;
    int L = r->hier.is_hier ? r->hier.levels : 1;
    if (level < 0 || level > L + extra) return EC_E_RANGE;
    return EC_OK;
}

ec_status ec_result_levels(const ec_result *r, int *levels)
{
    ec_status st = readable(r, levels, 0, 0);
    if (st) return st;
    *levels = r->hier.is_hier ? r->hier.levels : 1;
    return EC_OK;
}

/* The two-level model read through the per-level getters (docs/model.md
 * 4.7: Buffer writes are fills plus the MACs' updates). */
static int64_t two_level_count(const ec_result *r, int level, ec_tensor x, ec_action a)
{
    const ec_counts *c = &r->counts;
    if (level == 0) {
        if (a == EC_ACTION_READ) return c->dram_read[x];
        return a == EC_ACTION_UPDATE ? c->dram_write[x] : 0;
    }
    if (a == EC_ACTION_READ) return c->buf_read[x];
    if (x != EC_TENSOR_O) return a == EC_ACTION_FILL ? c->buf_write[x] : 0;
    return a == EC_ACTION_FILL ? c->dram_read[x] : c->buf_write[x] - c->dram_read[x];
}

ec_status ec_result_level_count(const ec_result *r, int level, ec_tensor x, ec_action a,
                                int64_t *value)
{
    ec_status st = readable(r, value, level, 0);
    if (st) return st;
    if ((int)x < 0 || (int)x >= EC_NTENSORS || (int)a < 0 || (int)a >= EC_HACT) return EC_E_KEY;
    *value = r->hier.is_hier ? r->hier.count[level][x][a] : two_level_count(r, level, x, a);
    return EC_OK;
}

ec_status ec_result_level_energy(const ec_result *r, int level, double *energy)
{
    ec_status st = readable(r, energy, level, 0);
    if (st) return st;
    *energy = r->hier.is_hier ? r->hier.energy[level]
                              : r->energy[level == 0 ? EC_PART_DRAM : EC_PART_BUFFER];
    return EC_OK;
}

ec_status ec_result_level_instances(const ec_result *r, int level, int64_t *instances)
{
    ec_status st = readable(r, instances, level, 1);
    if (st) return st;
    *instances = r->hier.is_hier ? r->hier.instances[level] : 1;
    return EC_OK;
}

ec_status ec_result_level_bound(const ec_result *r, int level, int64_t *bound, int64_t *traffic)
{
    if (!r) return EC_E_NULL;
    if (!r->valid) return EC_E_NOT_EVALUATED;
    if (!r->hier.is_hier) return EC_E_UNAVAILABLE;
    if (level < 1 || level > r->hier.levels) return EC_E_RANGE;
    ec_memory mem = r->memory;
    int64_t cap = r->hier.capacity_total[level];
    mem.capacity = cap < 0 ? INT64_MAX / 4 : cap;
    memset(mem.partition, 0, sizeof mem.partition);
    mem.choose_partition = 0;
    ec_bound_parts b;
    char msg[EC_MSG_LEN];
    ec_status st = ec_bound_compute(&r->shape, &mem, &b, msg);
    if (st != EC_OK) return EC_E_UNAVAILABLE;
    /* Spatial reductions are reduction trees: T_seg is not proven for them. */
    ec_bound_for_reduction_trees(&b);
    if (bound) *bound = b.T;
    if (traffic) *traffic = r->hier.traffic[level];
    return EC_OK;
}
