/* The mapper in the tool (docs/mapper.md, "The command line" and
 * "Constraints"): Timeloop's constraint files, the mapping found as
 * Timeloop mapping YAML, and the search's report. */
#include "mapper.h"

#include "output.h"
#include "util.h"
#include "yamlfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const char mapper_help[] =
    "  --constraints FILE Timeloop constraints (architecture_constraints or\n"
    "                     mapspace_constraints: bypass, factors, permutations,\n"
    "                     spatial split); repeat the flag for several files\n"
    "  --search           search even with --mapping (the mapping is a baseline\n"
    "                     the answer is never worse than)\n"
    "  --walk             count by walking the loop nest (ec_count) instead of the\n"
    "                     closed form; after a search, the mapping found\n"
    "  --emit-mapping DIR write the mapping evaluated to DIR/<problem>.yaml, in\n"
    "                     Timeloop's mapping format (timeloop-model reads it)\n";

void mapper_opts_init(mapper_opts *o) { memset(o, 0, sizeof *o); }

int mapper_flag(argscan *s, mapper_opts *o)
{
    if (argscan_is(s, "search")) {
        if (argscan_flag(s)) return -1;
        o->search = 1;
        return 1;
    }
    if (argscan_is(s, "walk")) {
        if (argscan_flag(s)) return -1;
        o->walk = 1;
        return 1;
    }
    if (argscan_is(s, "emit-mapping")) {
        if (!(o->emit_dir = argscan_value(s))) return -1;
        return 1;
    }
    if (!argscan_is(s, "constraints")) return 0;
    const char *v = argscan_value(s);
    if (!v) return -1;
    if (o->ncons == MAPPER_MAX_CONS) {
        tool_error("--constraints: at most %d files", MAPPER_MAX_CONS);
        return -1;
    }
    o->cons[o->ncons++] = v;
    return 1;
}

/* ---- YAML (through yamlfile.c, as every YAML input of the tool) ---- */

/* "file:line: what value"; -1. */
static int cfail(const yf_doc *y, const yaml_node_t *n, const char *what, const char *value)
{
    if (n) tool_error("%s:%zu: %s%s%s", y->path, n->start_mark.line + 1, what, value ? " " : "",
                      value ? value : "");
    else tool_error("%s: %s%s%s", y->path, what, value ? " " : "", value ? value : "");
    return -1;
}

/* Timeloop's letters: M is our K; no G. */
static int tl_letter(char c, ec_dim *d)
{
    static const char tl[] = "NGMCPQRS";
    const char *p = c ? strchr(tl, c) : NULL;
    if (!p) return -1;
    *d = (ec_dim)(p - tl);
    return 0;
}

static int level_of(const arch_desc *a, const char *name)
{
    for (int l = 0; l < a->nlevels; l++)
        if (strcmp(a->level[l].name, name) == 0) return l;
    return -1;
}

static int tensor_bits(yf_doc *y, yaml_node_t *list, int *mask)
{
    *mask = 0;
    if (!list) return 0;
    if (list->type != YAML_SEQUENCE_NODE) return cfail(y, list, "expected a list of data spaces", NULL);
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        const char *s = yf_scalar(yf_node(y, *i));
        int b = !s ? -1 : !strcmp(s, "Inputs") ? 0 : !strcmp(s, "Weights") ? 1 : !strcmp(s, "Outputs") ? 2 : -1;
        if (b < 0) return cfail(y, yf_node(y, *i), "unknown data space (Inputs, Weights, Outputs):", s);
        *mask |= 1 << b;
    }
    return 0;
}

/* Fanout below level l along X (axis 0) or Y, as the library resolves meshes. */
static int64_t fanout(const ec_memory *m, int L, int l, int axis)
{
    int64_t mesh[2] = {1, 1};
    for (int k = 0; k <= l + 1; k++) {
        int64_t v;
        ec_memory_level_get(m, k, axis ? EC_HIER_MESH_Y : EC_HIER_MESH_X, &v);
        if (k == l) mesh[0] = v ? v : mesh[1];
        if (v) mesh[1] = v;
        if (k == l + 1 || k > L) break;
    }
    return mesh[1] / (mesh[0] ? mesh[0] : 1);
}

static int one_target(yf_doc *y, yaml_node_t *e, const arch_desc *a, ec_memory *m, ec_dataflow *d)
{
    const char *target = yf_scalar(yf_get(y, e, "target"));
    const char *type = yf_scalar(yf_get(y, e, "type"));
    if (!target || !type) return cfail(y, e, "a constraint without 'target' or 'type'", NULL);
    int level = level_of(a, target);
    if (level < 0) return cfail(y, e, "target is not a storage level of the architecture:", target);
    int L = a->nlevels - 1;
    if (!strcmp(type, "bypass") || !strcmp(type, "datatype")) {
        int keep, bypass;
        if (tensor_bits(y, yf_get(y, e, "keep"), &keep) || tensor_bits(y, yf_get(y, e, "bypass"), &bypass))
            return -1;
        int64_t cur;
        ec_memory_level_get(m, level, EC_HIER_KEEP, &cur);
        int64_t v = (cur | keep) & ~bypass;
        if (keep & bypass) return cfail(y, e, "a level both keeps and bypasses a data space:", target);
        if (ec_memory_level_set(m, level, EC_HIER_KEEP, v) != EC_OK)
            return cfail(y, e, ec_memory_message(m), NULL);
        return 0;
    }
    int spatial = !strcmp(type, "spatial");
    if (!spatial && strcmp(type, "temporal"))
        return cfail(y, e, "unsupported constraint type (bypass, datatype, temporal, spatial):", type);
    yaml_node_t *pn = yf_get(y, e, "permutation"), *fn = yf_get(y, e, "factors"), *sn = yf_get(y, e, "split");
    const char *perm = yf_scalar(pn), *factors = yf_scalar(fn);
    if ((pn && !perm) || (fn && !factors)) return cfail(y, e, "permutation and factors are strings", NULL);
    /* the permutation's letters, innermost first, spaces dropped */
    ec_dim pd[EC_NDIMS];
    int np = 0;
    for (const char *p = perm ? perm : ""; *p; p++) {
        if (*p == ' ') continue;
        ec_dim dd;
        if (tl_letter(*p, &dd) || np == EC_NDIMS) return cfail(y, pn, "bad permutation:", perm);
        pd[np++] = dd;
    }
    int64_t split = -1;
    if (sn) {
        const char *sv = yf_scalar(sn);
        char *end;
        split = sv ? strtoll(sv, &end, 10) : -1;
        if (!sv || *end || split < 0) return cfail(y, sn, "split: expected a whole number >= 0, got", sv);
    }
    int side[EC_NDIMS]; /* spatial: -1 either axis, 0 X, 1 Y */
    for (int k = 0; k < EC_NDIMS; k++) side[k] = -1;
    if (spatial && split >= 0)
        for (int k = 0; k < np; k++) side[pd[k]] = k < split ? 0 : 1;
    if (spatial && split < 0) {
        int64_t fx = fanout(m, L, level, 0), fy = fanout(m, L, level, 1);
        for (int k = 0; k < EC_NDIMS; k++) side[k] = fx > 1 || fy <= 1 ? -2 : 1; /* -2: X preferred */
    }
    if (!spatial && np) {
        char letters[EC_NDIMS + 1];
        for (int k = 0; k < np; k++) letters[k] = "NGKCPQRS"[pd[k]];
        letters[np] = '\0';
        if (ec_dataflow_constrain_order(d, level, letters) != EC_OK)
            return cfail(y, pn, ec_dataflow_message(d), NULL);
    }
    if (spatial && split >= 0)
        for (int k = 0; k < EC_NDIMS; k++)
            if (side[k] >= 0) /* the other axis holds nothing of this dimension */
                ec_dataflow_constrain_factor(d, level, side[k] ? EC_LOOP_SPATIAL_X : EC_LOOP_SPATIAL_Y,
                                             (ec_dim)k, 1);
    for (const char *p = factors ? factors : ""; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        ec_dim dd;
        char *end;
        errno = 0;
        long long v = p[1] == '=' ? strtoll(p + 2, &end, 10) : -1;
        if (tl_letter(*p, &dd) || v < 0 || errno || end == p + 2)
            return cfail(y, fn, "factors: expected DIM=VALUE (VALUE >= 0, 0: the rest), got", factors);
        p = end;
        int64_t f = v == 0 ? EC_FACTOR_REST : v;
        if (!spatial) {
            ec_dataflow_constrain_factor(d, level, EC_LOOP_TEMPORAL, dd, f);
        } else if (f == 1) {
            ec_dataflow_constrain_factor(d, level, EC_LOOP_SPATIAL_X, dd, 1);
            ec_dataflow_constrain_factor(d, level, EC_LOOP_SPATIAL_Y, dd, 1);
        } else {
            int ax = side[dd] == 1 ? 1 : 0;
            ec_dataflow_constrain_factor(d, level, ax ? EC_LOOP_SPATIAL_Y : EC_LOOP_SPATIAL_X, dd, f);
            ec_dataflow_constrain_factor(d, level, ax ? EC_LOOP_SPATIAL_X : EC_LOOP_SPATIAL_Y, dd, 1);
        }
    }
    return 0;
}

int cons_read(const char *path, const arch_desc *a, ec_memory *m, ec_dataflow *d)
{
    yf_doc y;
    int rc = yf_open(&y, path, "a Timeloop constraint file");
    if (rc == 0) {
        yaml_node_t *root = yaml_document_get_root_node(&y.doc), *list = NULL;
        static const char *const keys[] = {"architecture_constraints", "mapspace_constraints",
                                           "mapspace", "constraints"};
        for (int k = 0; k < 4 && !list; k++) {
            yaml_node_t *sec = yf_get(&y, root, keys[k]);
            if (sec) list = yf_get(&y, sec, "targets");
            if (sec && !list && sec->type == YAML_SEQUENCE_NODE) list = sec;
        }
        if (!list) list = yf_get(&y, root, "targets");
        if (!list || list->type != YAML_SEQUENCE_NODE)
            rc = cfail(&y, root, "expected architecture_constraints: or mapspace_constraints: with "
                                 "a list under targets:", NULL);
        for (yaml_node_item_t *i = list && !rc ? list->data.sequence.items.start : NULL;
             i && i < list->data.sequence.items.top && rc == 0; i++)
            rc = one_target(&y, yf_node(&y, *i), a, m, d);
    }
    yf_close(&y);
    return rc;
}

/* ---- writing a mapping ---- */

static void keep_list(FILE *f, int64_t mask, int want)
{
    static const char *const names[3] = {"Inputs", "Weights", "Outputs"};
    int first = 1;
    fputc('[', f);
    for (int x = 0; x < 3; x++)
        if (((mask >> x) & 1) == want) {
            fprintf(f, "%s%s", first ? "" : ", ", names[x]);
            first = 0;
        }
    fputc(']', f);
}

int mapping_write(const char *path, const arch_desc *a, const ec_memory *m, const ec_dataflow *d)
{
    static const ec_dim tl_order[7] = {EC_DIM_C, EC_DIM_K, EC_DIM_R, EC_DIM_S,
                                       EC_DIM_N, EC_DIM_P, EC_DIM_Q};
    int L = a->nlevels - 1;
    for (int l = 0; l <= L; l++)
        for (int k = 0; k < 3; k++) {
            int64_t g;
            ec_dataflow_get_factor(d, l, (ec_loop_kind)k, EC_DIM_G, &g);
            if (g > 1) {
                tool_error("%s: groups (G = %lld) have no place in Timeloop's mapping format", path,
                           (long long)g);
                return -1;
            }
        }
    FILE *f = fopen(path, "w");
    if (!f) {
        tool_error("%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# Written by ecnn's mapper (docs/mapper.md); Timeloop's mapping format.\nmapping:\n");
    for (int l = L; l >= 0; l--) {
        int64_t keep;
        ec_memory_level_get(m, l, EC_HIER_KEEP, &keep);
        fprintf(f, "- target: %s\n  type: datatype\n  keep: ", a->level[l].name);
        keep_list(f, keep, 1);
        fprintf(f, "\n  bypass: ");
        keep_list(f, keep, 0);
        fputc('\n', f);
    }
    int rc = 0;
    for (int l = L; l >= 0; l--) {
        int64_t x[EC_NDIMS], yy[EC_NDIMS], t[EC_NDIMS];
        int nx = 0, any = 0;
        for (int k = 0; k < EC_NDIMS; k++) {
            ec_dataflow_get_factor(d, l, EC_LOOP_SPATIAL_X, (ec_dim)k, &x[k]);
            ec_dataflow_get_factor(d, l, EC_LOOP_SPATIAL_Y, (ec_dim)k, &yy[k]);
            ec_dataflow_get_factor(d, l, EC_LOOP_TEMPORAL, (ec_dim)k, &t[k]);
            if (!x[k]) x[k] = 1;
            if (!yy[k]) yy[k] = 1;
            if (x[k] > 1 && yy[k] > 1) rc = -1;
            nx += x[k] > 1;
            any |= x[k] > 1 || yy[k] > 1;
        }
        if (rc) {
            tool_error("%s: level %s splits one dimension along both X and Y, which Timeloop's "
                       "format cannot say", path, a->level[l].name);
            break;
        }
        if (any) {
            fprintf(f, "- target: %s\n  type: spatial\n  factors:", a->level[l].name);
            for (int k = 0; k < 7; k++)
                fprintf(f, " %c%lld", "NGMCPQRS"[tl_order[k]],
                        (long long)(x[tl_order[k]] * yy[tl_order[k]]));
            fprintf(f, "\n  permutation: ");
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < 7; k++)
                    if ((x[tl_order[k]] > 1) == !pass) fputc("NGMCPQRS"[tl_order[k]], f);
            fprintf(f, "\n  split: %d\n", nx);
        }
        ec_dim ord[EC_NDIMS];
        ec_dataflow_get_level_order(d, l, ord);
        fprintf(f, "- target: %s\n  type: temporal\n  factors:", a->level[l].name);
        for (int k = 0; k < 7; k++)
            fprintf(f, " %c%lld", "NGMCPQRS"[tl_order[k]], (long long)(t[tl_order[k]] ? t[tl_order[k]] : 1));
        fprintf(f, "\n  permutation: "); /* innermost first */
        for (int k = EC_NDIMS - 1; k >= 0; k--)
            if (ord[k] != EC_DIM_G) fputc("NGMCPQRS"[ord[k]], f);
        fputc('\n', f);
    }
    if (fclose(f) != 0 && rc == 0) {
        tool_error("%s: cannot write: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* ---- the command line ---- */

int mapper_prepare(const mapper_opts *o, const arch_desc *a, ec_memory *m, ec_dataflow *d)
{
    for (int i = 0; i < o->ncons; i++)
        if (cons_read(o->cons[i], a, m, d) != 0) return -1;
    /* A search without --constraints takes the constraint files next to
     * the architecture (the presets ship Timeloop's). */
    static const char *const next_to[2] = {"arch_constraints.yaml", "map_constraints.yaml"};
    char dir[600], path[700];
    path_dir(dir, sizeof dir, a->path);
    for (int i = 0; i < 2 && o->search && o->ncons == 0; i++)
        if (path_join(path, sizeof path, dir, next_to[i]) == 0 && path_kind(path) == 0 &&
            cons_read(path, a, m, d) != 0)
            return -1;
    if (o->search) ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OPTIMAL);
    return 0;
}

ec_status mapper_evaluate(const mapper_opts *o, const ec_layer *ly, const ec_memory *m,
                          ec_dataflow *d, ec_result *res)
{
    ec_status st = ec_evaluate(ly, m, d, res);
    if (st != EC_OK || !o->walk) return st;
    if (ec_result_mapping(res, d) == EC_OK) ec_dataflow_set(d, EC_DF_POLICY, EC_POLICY_OS);
    return ec_count(ly, m, d, res);
}

static void print_mapping(outbuf *ob, const arch_desc *a, const ec_dataflow *d)
{
    ob_printf(ob, "\nMapping (per level: temporal loops outermost first, then spatial X and Y)\n");
    for (int l = 0; l < a->nlevels; l++) {
        ec_dim ord[EC_NDIMS];
        ec_dataflow_get_level_order(d, l, ord);
        ob_printf(ob, "  %-16s", a->level[l].name);
        int any = 0;
        for (int k = 0; k < EC_NDIMS; k++) {
            int64_t f;
            ec_dataflow_get_factor(d, l, EC_LOOP_TEMPORAL, ord[k], &f);
            if (f > 1) ob_printf(ob, " %c%lld", "NGKCPQRS"[ord[k]], (long long)f), any = 1;
        }
        for (int kind = 1; kind < 3; kind++)
            for (int k = 0; k < EC_NDIMS; k++) {
                int64_t f;
                ec_dataflow_get_factor(d, l, (ec_loop_kind)kind, (ec_dim)k, &f);
                if (f > 1) ob_printf(ob, " %c%lld%c", "NGKCPQRS"[k], (long long)f, kind == 1 ? 'X' : 'Y'), any = 1;
            }
        ob_printf(ob, "%s\n", any ? "" : " -");
    }
}

int mapper_finish(const mapper_opts *o, outbuf *ob, int format, const arch_desc *a,
                  const ec_memory *m, ec_dataflow *d, const ec_result *res, const char *problem)
{
    int exact = 0;
    int64_t evaluated = 0;
    double lb = 0, e = 0;
    int searched = ec_result_search(res, &exact, &evaluated, &lb) == EC_OK;
    if (searched) ec_result_mapping(res, d);
    if (searched && format == FMT_TABLE) {
        ec_result_energy(res, EC_PART_TOTAL, &e);
        char eb[40];
        fmt_double(eb, sizeof eb, lb);
        ob_printf(ob, "\nSearch     %s, %lld mappings evaluated; energy lower bound %s (found / "
                      "bound %.3f)\n", exact ? "exhaustive (optimal in the space)" : "local search",
                  (long long)evaluated, eb, lb > 0 ? e / lb : 0.0);
        print_mapping(ob, a, d);
    }
    if (!o->emit_dir) return 0;
    const char *base = strrchr(problem, '/');
    base = base ? base + 1 : problem;
    char stem[256], name[300], path[1400];
    str_copy(stem, sizeof stem, base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = '\0';
    snprintf(name, sizeof name, "%s.yaml", stem);
    if (path_join(path, sizeof path, o->emit_dir, name)) return -1;
    return mapping_write(path, a, m, d);
}
