/* Timeloop architecture (v0.3), Accelergy ERT and Timeloop mapping files
 * read with libyaml (docs/cli.md, "ecnn layer on a hierarchy"): every
 * error names the file and line. */
#include "archyaml.h"

#include "util.h"
#include "yamlfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>


static int yint(yf_doc *y, yaml_node_t *n, const char *what, int64_t min, int64_t *out)
{
    const char *s = yf_scalar(n);
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v < min)
        return yf_fail(y, n, "%s: expected a whole number >= %lld, got '%s'", what, (long long)min,
                     s ? s : "(not a scalar)");
    *out = v;
    return 0;
}

static int ydouble(yf_doc *y, yaml_node_t *n, const char *what, double *out)
{
    const char *s = yf_scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || errno || end == s || *end || !(v >= 0))
        return yf_fail(y, n, "%s: expected a non-negative number, got '%s'", what,
                     s ? s : "(not a scalar)");
    *out = v;
    return 0;
}

/* "PE[0..167]" -> base "PE", count 168; a name without a range counts 1. */
static int split_name(yf_doc *y, yaml_node_t *n, const char *name, char *base, size_t size,
                      int64_t *count)
{
    const char *br = strchr(name, '[');
    size_t len = br ? (size_t)(br - name) : strlen(name);
    if (len >= size) len = size - 1;
    memcpy(base, name, len);
    base[len] = '\0';
    while (len > 0 && isspace((unsigned char)base[len - 1])) base[--len] = '\0';
    *count = 1;
    if (!br) return 0;
    long long lo, hi;
    if (sscanf(br, "[%lld..%lld]", &lo, &hi) != 2 || lo < 0 || hi < lo)
        return yf_fail(y, n, "name '%s': expected a range [lo..hi]", name);
    *count = hi - lo + 1;
    return 0;
}

static int is_storage(const char *cls)
{
    static const char *const names[] = {"DRAM", "SRAM", "regfile", "smartbuffer_SRAM",
                                        "smartbuffer_RF", "reg_storage", "storage"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(cls, names[i]) == 0) return 1;
    return 0;
}

static int is_compute(const char *cls)
{
    return strcmp(cls, "intmac") == 0 || strcmp(cls, "compute") == 0 || strcmp(cls, "lmac") == 0 ||
           strcmp(cls, "mac") == 0;
}

static int walk(yf_doc *y, yaml_node_t *tree, const char *prefix, int64_t mult, arch_desc *a);

static int read_component(yf_doc *y, yaml_node_t *c, const char *prefix, int64_t mult, arch_desc *a)
{
    const char *name = yf_scalar(yf_get(y, c, "name"));
    if (!name) return yf_fail(y, c, "a component without a name");
    yaml_node_t *cls_n = yf_get(y, c, "subclass");
    if (!cls_n) cls_n = yf_get(y, c, "class");
    const char *cls = yf_scalar(cls_n);
    if (!cls) return yf_fail(y, c, "component '%s': no class", name);
    char base[32];
    int64_t count;
    if (split_name(y, c, name, base, sizeof base, &count)) return -1;
    int64_t inst = mult * count;
    yaml_node_t *at = yf_get(y, c, "attributes");
    int64_t mesh_x = inst;
    yaml_node_t *mx = yf_get(y, at, "meshX");
    if (mx && yint(y, mx, "meshX", 1, &mesh_x)) return -1;
    if (inst % mesh_x)
        return yf_fail(y, mx, "component '%s': meshX %lld does not divide its %lld instances", name,
                     (long long)mesh_x, (long long)inst);
    char full[160];
    if (snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", name) >= (int)sizeof full)
        return yf_fail(y, c, "component '%s': its path is longer than %zu bytes", name, sizeof full - 1);
    if (is_compute(cls)) {
        str_copy(a->mac_name, sizeof a->mac_name, base);
        str_copy(a->mac_ert_name, sizeof a->mac_ert_name, full);
        a->mac_instances = inst;
        a->mac_mesh_x = mesh_x;
        a->mac_mesh_y = inst / mesh_x;
        return 0;
    }
    if (!is_storage(cls))
        return yf_fail(y, cls_n, "component '%s': unknown class '%s' (known: DRAM, SRAM, regfile, "
                               "smartbuffer_SRAM, smartbuffer_RF, reg_storage, storage; intmac, "
                               "compute)", name, cls);
    if (a->nlevels == ARCH_MAX_LEVELS)
        return yf_fail(y, c, "more than %d storage levels", ARCH_MAX_LEVELS);
    arch_level *l = &a->level[a->nlevels++];
    memset(l, 0, sizeof *l);
    str_copy(l->name, sizeof l->name, base);
    str_copy(l->cls, sizeof l->cls, cls);
    str_copy(l->ert_name, sizeof l->ert_name, full);
    l->instances = inst;
    l->mesh_x = mesh_x;
    l->mesh_y = inst / mesh_x;
    l->line = (int)c->start_mark.line + 1;
    int64_t wbits = 0, width = 0, depth = -1, block = 0;
    yaml_node_t *n;
    if ((n = yf_get(y, at, "word-bits")) && yint(y, n, "word-bits", 1, &wbits)) return -1;
    if (((n = yf_get(y, at, "memory_width")) || (n = yf_get(y, at, "width"))) &&
        yint(y, n, "width", 1, &width))
        return -1;
    if (((n = yf_get(y, at, "memory_depth")) || (n = yf_get(y, at, "depth"))) &&
        yint(y, n, "depth", 0, &depth))
        return -1;
    if ((n = yf_get(y, at, "block-size")) && yint(y, n, "block-size", 1, &block)) return -1;
    int64_t cluster = 0;
    yaml_node_t *cn = yf_get(y, at, "cluster-size");
    if (cn && yint(y, cn, "cluster-size", 1, &cluster)) return -1;
    /* Timeloop's BufferLevel::ParseSpecs(): the width is block x word x
     * cluster; whichever of block and cluster is not given follows from it. */
    if (width && wbits) {
        if (block && cluster && block * wbits * cluster != width)
            return yf_fail(y, cn, "component '%s': block-size %lld x word-bits %lld x cluster-size "
                         "%lld is not its width %lld", name, (long long)block, (long long)wbits,
                         (long long)cluster, (long long)width);
        if (!block && cluster) block = width / cluster / wbits;
        else if (block && !cluster) cluster = width / (wbits * block);
        else if (!block) block = width / wbits;
    }
    if (block < 1) block = 1;
    if (cluster < 1) cluster = 1;
    if (inst % cluster)
        return yf_fail(y, cn, "component '%s': cluster-size %lld does not divide its %lld instances",
                     name, (long long)cluster, (long long)inst);
    l->block = block;
    l->cluster = cluster;
    l->word_bits = wbits;
    l->entries = depth < 0 ? -1 : depth * block;
    if (strcmp(cls, "DRAM") == 0 || depth < 0) l->capacity = -1;
    else l->capacity = depth * ((width && wbits) ? width / wbits : block);
    return 0;
}

static int walk(yf_doc *y, yaml_node_t *tree, const char *prefix, int64_t mult, arch_desc *a)
{
    const char *name = yf_scalar(yf_get(y, tree, "name"));
    if (!name) return yf_fail(y, tree, "a subtree without a name");
    char base[32];
    int64_t count;
    if (split_name(y, tree, name, base, sizeof base, &count)) return -1;
    char here[160];
    if (snprintf(here, sizeof here, "%s%s%s", prefix, prefix[0] ? "." : "", name) >= (int)sizeof here)
        return yf_fail(y, tree, "subtree '%s': its path is longer than %zu bytes", name, sizeof here - 1);
    mult *= count;
    yaml_node_t *local = yf_get(y, tree, "local");
    if (local) {
        if (local->type != YAML_SEQUENCE_NODE) return yf_fail(y, local, "'local' must be a list");
        for (yaml_node_item_t *i = local->data.sequence.items.start; i < local->data.sequence.items.top; i++)
            if (read_component(y, yf_node(y, *i), here, mult, a)) return -1;
    }
    yaml_node_t *sub = yf_get(y, tree, "subtree");
    if (sub) {
        if (sub->type != YAML_SEQUENCE_NODE) return yf_fail(y, sub, "'subtree' must be a list");
        for (yaml_node_item_t *i = sub->data.sequence.items.start; i < sub->data.sequence.items.top; i++)
            if (walk(y, yf_node(y, *i), here, mult, a)) return -1;
    }
    return 0;
}

int arch_read(const char *path, arch_desc *a)
{
    memset(a, 0, sizeof *a);
    str_copy(a->path, sizeof a->path, path);
    yf_doc y;
    if (yf_open(&y, path, "a Timeloop architecture")) {
        yf_close(&y);
        return -1;
    }
    int rc = -1;
    yaml_node_t *root = yf_get(&y, yf_root(&y), "architecture");
    if (!root) root = yf_root(&y);
    yaml_node_t *ver = yf_get(&y, root, "version");
    const char *vs = yf_scalar(ver);
    yaml_node_t *sub = yf_get(&y, root, "subtree");
    if (!vs || strcmp(vs, "0.3") != 0) yf_fail(&y, ver ? ver : root, "expected architecture version 0.3, got '%s'", vs ? vs : "(none)");
    else if (!sub || sub->type != YAML_SEQUENCE_NODE) yf_fail(&y, root, "no 'subtree' list");
    else {
        rc = 0;
        for (yaml_node_item_t *i = sub->data.sequence.items.start; rc == 0 && i < sub->data.sequence.items.top; i++)
            rc = walk(&y, yf_node(&y, *i), "", 1, a);
        if (rc == 0 && a->nlevels < 2) rc = yf_fail(&y, root, "expected DRAM and at least one on-chip storage level, found %d storage levels", a->nlevels);
        else if (rc == 0 && strcmp(a->level[0].cls, "DRAM") != 0)
            rc = yf_fail(&y, root, "the outermost storage level '%s' is of class %s, not DRAM", a->level[0].name, a->level[0].cls);
        else if (rc == 0 && !a->mac_name[0]) rc = yf_fail(&y, root, "no compute component (class intmac or compute)");
        else if (rc == 0 && a->nlevels - 1 > EC_HIER_MAX_LEVELS)
            rc = yf_fail(&y, root, "%d on-chip levels, more than the library's %d", a->nlevels - 1, EC_HIER_MAX_LEVELS);
    }
    yf_close(&y);
    return rc;
}

/* name without its "[lo..hi]" ranges, truncated to size. */
static void strip_ranges(char *dst, size_t size, const char *name)
{
    size_t j = 0;
    for (const char *p = name; *p && j < size - 1; p++) {
        if (*p == '[') {
            while (*p && *p != ']') p++;
            if (!*p) break;
            continue;
        }
        dst[j++] = *p;
    }
    dst[j] = '\0';
}

/* The table of a component: its full name, ranges and all, or the same
 * name with the ranges dropped. */
static int same_component(const char *ert, const char *arch)
{
    if (strcmp(ert, arch) == 0) return 1;
    char a[160], b[160];
    strip_ranges(a, sizeof a, ert);
    strip_ranges(b, sizeof b, arch);
    return strcmp(a, b) == 0;
}

/* The largest energy (over argument sets) of each action a storage level
 * or the MACs can be priced with; has_* says which the table gives. */
enum { A_READ, A_WRITE, A_RREAD, A_RFILL, A_RUPDATE, A_MAC, A_N };
typedef struct action_max {
    double e[A_N];
    int has[A_N];
} action_max;

static int read_table(yf_doc *y, yaml_node_t *t, action_max *am)
{
    static const char *const priced[A_N] = {"read", "write", "random_read", "random_fill",
                                            "random_update", NULL};
    yaml_node_t *acts = yf_get(y, t, "actions");
    if (!acts || acts->type != YAML_SEQUENCE_NODE) return yf_fail(y, t, "an ERT table without an 'actions' list");
    for (yaml_node_item_t *i = acts->data.sequence.items.start; i < acts->data.sequence.items.top; i++) {
        yaml_node_t *an = yf_node(y, *i);
        const char *nm = yf_scalar(yf_get(y, an, "name"));
        yaml_node_t *en = yf_get(y, an, "energy");
        double e = 0;
        if (!nm) return yf_fail(y, an, "an action without a name");
        if (!en) return yf_fail(y, an, "action '%s' without an energy", nm);
        if (ydouble(y, en, "energy", &e)) return -1;
        int k = -1;
        for (int j = 0; j < A_MAC; j++)
            if (strcmp(nm, priced[j]) == 0) k = j;
        if (strcmp(nm, "mac_random") == 0 || strcmp(nm, "compute") == 0) k = A_MAC;
        if (k >= 0) {
            if (!am->has[k] || e > am->e[k]) am->e[k] = e;
            am->has[k] = 1;
        } else if (strcmp(nm, "access") != 0 && strcmp(nm, "idle") != 0 && strcmp(nm, "mac_reused") != 0 &&
                   strcmp(nm, "mac_gated") != 0 && strcmp(nm, "leak") != 0)
            return yf_fail(y, an, "unknown action '%s' (known: read, write, random_read, random_fill, "
                         "random_update, access, mac_random, compute, idle, mac_reused, mac_gated, "
                         "leak)", nm);
    }
    return 0;
}

/* The first action of Timeloop's priority list (timeloop/include/model/topology.hpp,
 * storageOperationMappings) the table gives, or -1. */
static int first_of(const action_max *am, const int *list, int n)
{
    for (int i = 0; i < n; i++)
        if (am->has[list[i]]) return list[i];
    return -1;
}

/* Timeloop's built-in energy of one access to a level (BufferLevel::
 * ParseSpecs() and pat-public/src/pat/pat.cpp), used for every action its
 * ERT table does not give: DRAM 200 pJ per 16 bits of the block; an SRAM
 * the line through the Eyeriss points 0.5 KB -> 1, 100 KB -> 6 units per
 * 16 bits of its ceil(entries / block) x (word x block x cluster) array,
 * shared by the cluster. */
static double pat_access(const arch_level *l)
{
    double wbits = (double)l->word_bits;
    if (strcmp(l->cls, "DRAM") == 0) return 200.0 * wbits * (double)l->block / 16.0;
    if (l->entries <= 0) return 0;
    double height = (double)((l->entries + l->block - 1) / l->block);
    double width = wbits * (double)l->block * (double)l->cluster;
    double kb = width * height / 8192.0;
    double units = (6.0 - 1.0) / (100.0 - 0.5) * (kb - 0.5) + 1.0;
    return units * width / 16.0 / (double)l->cluster;
}

int ert_apply(const char *path, const arch_desc *a, ec_memory *m)
{
    yf_doc y;
    if (yf_open(&y, path, "an Accelergy energy table")) {
        yf_close(&y);
        return -1;
    }
    int rc = -1;
    yaml_node_t *root = yf_get(&y, yf_root(&y), "ERT");
    if (!root) root = yf_root(&y);
    yaml_node_t *tables = yf_get(&y, root, "tables");
    action_max am[ARCH_MAX_LEVELS + 1];
    int found[ARCH_MAX_LEVELS + 1];
    memset(am, 0, sizeof am);
    memset(found, 0, sizeof found);
    if (!tables || tables->type != YAML_SEQUENCE_NODE) {
        yf_fail(&y, root, "no 'tables' list");
        goto out;
    }
    for (yaml_node_item_t *i = tables->data.sequence.items.start; i < tables->data.sequence.items.top; i++) {
        yaml_node_t *t = yf_node(&y, *i);
        const char *nm = yf_scalar(yf_get(&y, t, "name"));
        if (!nm) {
            yf_fail(&y, t, "a table without a name");
            goto out;
        }
        int which = -1;
        for (int l = 0; l < a->nlevels; l++)
            if (same_component(nm, a->level[l].ert_name)) which = l;
        if (same_component(nm, a->mac_ert_name)) which = a->nlevels;
        if (which < 0) {
            yf_fail(&y, t, "table '%s' names no component of %s", nm, a->path);
            goto out;
        }
        if (read_table(&y, t, &am[which])) goto out;
        found[which] = 1;
    }
    for (int l = 0; l <= a->nlevels; l++) {
        const char *nm = l < a->nlevels ? a->level[l].ert_name : a->mac_ert_name;
        if (!found[l]) {
            yf_fail(&y, root, "no table for component '%s'", nm);
            goto out;
        }
        if (l == a->nlevels) {
            if (!am[l].has[A_MAC]) {
                yf_fail(&y, root, "component '%s': no 'mac_random' or 'compute' action", nm);
                goto out;
            }
            ec_memory_set_energy(m, EC_ENERGY_MAC, am[l].e[A_MAC]);
            continue;
        }
        /* Timeloop v3.0.3 prices reads with random_read or read, fills with
         * random_fill or write, updates with random_update, random_fill or
         * write; an action the table lacks ("access" is none of them) falls
         * back to the built-in model (docs/cli.md). */
        static const int rd_list[] = {A_RREAD, A_READ}, fl_list[] = {A_RFILL, A_WRITE},
                         up_list[] = {A_RUPDATE, A_RFILL, A_WRITE};
        const arch_level *al = &a->level[l];
        int k[3] = {first_of(&am[l], rd_list, 2), first_of(&am[l], fl_list, 2),
                    first_of(&am[l], up_list, 3)};
        if ((k[0] < 0 || k[1] < 0 || k[2] < 0) && al->word_bits == 0) {
            yf_fail(&y, root, "component '%s': no 'read' and 'write' actions, and no word-bits in %s "
                  "for Timeloop's built-in energy model", nm, a->path);
            goto out;
        }
        double b = (double)al->block, act[3];
        for (int j = 0; j < 3; j++) act[j] = (k[j] < 0 ? pat_access(al) : am[l].e[k[j]]) / b;
        for (int t = 0; t < 3; t++) {
            ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_READ, act[0]);
            ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_FILL, l ? act[1] : 0);
            ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_UPDATE, act[2]);
        }
        if ((al->block > 1 && ec_memory_level_set_block(m, l, al->block) != EC_OK) ||
            (l && al->cluster > 1 && ec_memory_level_set_cluster(m, l, al->cluster) != EC_OK)) {
            yf_fail(&y, root, "component '%s': %s", nm, ec_memory_message(m));
            goto out;
        }
    }
    rc = 0;
out:
    yf_close(&y);
    return rc;
}

static int tl_dim(char c, ec_dim *d)
{
    switch (c) {
    case 'C': *d = EC_DIM_C; return 0;
    case 'M': case 'K': *d = EC_DIM_K; return 0;
    case 'R': *d = EC_DIM_R; return 0;
    case 'S': *d = EC_DIM_S; return 0;
    case 'N': *d = EC_DIM_N; return 0;
    case 'P': *d = EC_DIM_P; return 0;
    case 'Q': *d = EC_DIM_Q; return 0;
    case 'G': *d = EC_DIM_G; return 0;
    }
    return -1;
}

static int tensor_mask(yf_doc *y, yaml_node_t *list, int64_t *mask)
{
    *mask = 0;
    if (!list) return 0;
    if (list->type != YAML_SEQUENCE_NODE) return yf_fail(y, list, "expected a list of data spaces");
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        yaml_node_t *n = yf_node(y, *i);
        const char *s = yf_scalar(n);
        if (s && strcmp(s, "Inputs") == 0) *mask |= 1;
        else if (s && strcmp(s, "Weights") == 0) *mask |= 2;
        else if (s && strcmp(s, "Outputs") == 0) *mask |= 4;
        else return yf_fail(y, n, "unknown data space '%s' (Inputs, Weights, Outputs)", s ? s : "?");
    }
    return 0;
}

int mapping_read(const char *path, const arch_desc *a, ec_memory *m, ec_dataflow *d)
{
    yf_doc y;
    if (yf_open(&y, path, "a Timeloop mapping")) {
        yf_close(&y);
        return -1;
    }
    int rc = -1;
    yaml_node_t *list = yf_get(&y, yf_root(&y), "mapping");
    if (!list) list = yf_root(&y);
    if (!list || list->type != YAML_SEQUENCE_NODE) {
        yf_fail(&y, list, "expected a list under 'mapping:'");
        goto out;
    }
    ec_dataflow_clear_mapping(d);
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        yaml_node_t *e = yf_node(&y, *i);
        const char *target = yf_scalar(yf_get(&y, e, "target"));
        const char *type = yf_scalar(yf_get(&y, e, "type"));
        if (!target || !type) {
            yf_fail(&y, e, "an entry without 'target' or 'type'");
            goto out;
        }
        int level = -1;
        for (int l = 0; l < a->nlevels; l++)
            if (strcmp(a->level[l].name, target) == 0) level = l;
        if (level < 0) {
            yf_fail(&y, e, "target '%s' is not a storage level of %s", target, a->path);
            goto out;
        }
        if (strcmp(type, "datatype") == 0 || strcmp(type, "bypass") == 0) {
            int64_t keep, bypass;
            if (tensor_mask(&y, yf_get(&y, e, "keep"), &keep) ||
                tensor_mask(&y, yf_get(&y, e, "bypass"), &bypass))
                goto out;
            if (keep & bypass) {
                yf_fail(&y, e, "level '%s' both keeps and bypasses a data space", target);
                goto out;
            }
            int64_t cur;
            ec_memory_level_get(m, level, EC_HIER_KEEP, &cur);
            int64_t v = (cur | keep) & ~bypass;
            if (level == 0 && v != 7) {
                yf_fail(&y, e, "DRAM must keep every data space");
                goto out;
            }
            if (ec_memory_level_set(m, level, EC_HIER_KEEP, v) != EC_OK) {
                yf_fail(&y, e, "%s", ec_memory_message(m));
                goto out;
            }
            continue;
        }
        int spatial = strcmp(type, "spatial") == 0;
        if (!spatial && strcmp(type, "temporal") != 0) {
            yf_fail(&y, e, "unknown type '%s' (datatype, temporal, spatial)", type);
            goto out;
        }
        const char *factors = yf_scalar(yf_get(&y, e, "factors"));
        const char *perm = yf_scalar(yf_get(&y, e, "permutation"));
        yaml_node_t *fn = yf_get(&y, e, "factors");
        if (!factors) {
            yf_fail(&y, e, "a %s entry without 'factors'", type);
            goto out;
        }
        int64_t split = 0;
        yaml_node_t *sn = yf_get(&y, e, "split");
        if (sn && yint(&y, sn, "split", 0, &split)) goto out;
        /* factors "C1 M16 R1 ..." */
        int64_t f[EC_NDIMS];
        int given[EC_NDIMS] = {0};
        for (int k = 0; k < EC_NDIMS; k++) f[k] = 1;
        for (const char *p = factors; *p;) {
            while (*p == ' ') p++;
            if (!*p) break;
            ec_dim dd;
            char *end;
            errno = 0;
            long long v = strtoll(p + 1, &end, 10);
            if (tl_dim(*p, &dd) || end == p + 1 || errno || v < 1) {
                yf_fail(&y, fn, "factors '%s': expected letters of CMRSNPQ each followed by a whole number >= 1", factors);
                goto out;
            }
            f[dd] *= v;
            given[dd] = 1;
            p = end;
        }
        (void)given;
        if (!spatial) {
            /* Timeloop lists the permutation innermost first. */
            ec_dim order[EC_NDIMS];
            int no = 0, seen = 0;
            if (perm)
                for (int k = (int)strlen(perm) - 1; k >= 0; k--) {
                    ec_dim dd;
                    if (tl_dim(perm[k], &dd)) {
                        yf_fail(&y, yf_get(&y, e, "permutation"), "permutation '%s': unknown dimension %c", perm, perm[k]);
                        goto out;
                    }
                    if (seen >> dd & 1) continue;
                    seen |= 1 << dd;
                    order[no++] = dd;
                }
            /* dimensions it does not name (G) go outermost */
            ec_dim full[EC_NDIMS];
            int nf = 0;
            for (int dd = 0; dd < EC_NDIMS; dd++)
                if (!(seen >> dd & 1)) full[nf++] = (ec_dim)dd;
            for (int k = 0; k < no; k++) full[nf++] = order[k];
            ec_dataflow_set_level_order(d, level, full);
            for (int dd = 0; dd < EC_NDIMS; dd++)
                ec_dataflow_set_factor(d, level, EC_LOOP_TEMPORAL, (ec_dim)dd, f[dd]);
        } else {
            /* the first `split` dimensions of the permutation go along X */
            int pos[EC_NDIMS];
            for (int dd = 0; dd < EC_NDIMS; dd++) pos[dd] = EC_NDIMS;
            if (perm)
                for (int k = 0; perm[k]; k++) {
                    ec_dim dd;
                    if (tl_dim(perm[k], &dd)) {
                        yf_fail(&y, yf_get(&y, e, "permutation"), "permutation '%s': unknown dimension %c", perm, perm[k]);
                        goto out;
                    }
                    if (pos[dd] == EC_NDIMS) pos[dd] = k;
                }
            for (int dd = 0; dd < EC_NDIMS; dd++) {
                int x = pos[dd] < split;
                ec_dataflow_set_factor(d, level, x ? EC_LOOP_SPATIAL_X : EC_LOOP_SPATIAL_Y, (ec_dim)dd, f[dd]);
            }
        }
    }
    rc = 0;
out:
    yf_close(&y);
    return rc;
}
