/* ecnn layer PROBLEM.yaml --arch ... --mapping ...: one layer on a memory
 * hierarchy (docs/cli.md, "Hierarchies"): per level and tensor, reads,
 * fills and updates; per level, its energy; per boundary, the words moved
 * across it and the lower bound. */
#include "archyaml.h"
#include "commands.h"
#include "json.h"
#include "mapper.h"
#include "output.h"
#include "table.h"
#include "timeloop.h"
#include "util.h"
#include "zoo.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn layer PROBLEM.yaml --arch ARCH [--ert ERT.yaml] [--mapping MAP.yaml]\n"
    "                  [--constraints FILE]... [--search] [--emit-mapping DIR]\n"
    "                  [--format table|csv|json]\n"
    "\n"
    "Evaluates one layer on a memory hierarchy described by a Timeloop\n"
    "architecture (YAML version 0.3) under a Timeloop mapping: reads, fills and\n"
    "updates of every level and tensor (summed over the level's instances), the\n"
    "energy of every level, and at each boundary the words moved across it with\n"
    "the two-level lower bound for everything inside it.\n"
    "\n"
    "  --arch ARCH        an architecture file, or a preset: eyeriss_like,\n"
    "                     simba_like (from Timeloop's exercises; docs/cli.md)\n"
    "  --ert ERT.yaml     Accelergy's energy reference table (default: the\n"
    "                     preset's; required with an architecture file)\n"
    "  --mapping MAP.yaml a Timeloop mapping (the list under 'mapping:'); without\n"
    "                     it, the mapper searches the best mapping (docs/mapper.md)\n"
    "%s"
    "  --format F         table (default), csv or json\n";

int hier_wanted(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strncmp(argv[i], "--arch", 6) == 0 || strncmp(argv[i], "--mapping", 9) == 0 ||
            strncmp(argv[i], "--ert", 5) == 0 || strncmp(argv[i], "--constraints", 13) == 0 ||
            strncmp(argv[i], "--emit-mapping", 14) == 0 || strcmp(argv[i], "--walk") == 0)
            return 1;
    }
    return 0;
}

static const char *const tensor_names[3] = {"I", "W", "O"};
static const char *const action_names[3] = {"reads", "fills", "updates"};

/* A preset: <zoo directory>/../arch/NAME/{arch,ERT}.yaml (tools/arch in
 * the source tree, <datadir>/ecnn/arch installed). */
static int preset_paths(const char *name, char *arch, char *ert, size_t size)
{
    if (strchr(name, '/') || strchr(name, '.')) return 0;
    char dir[1024], sub[1100];
    if (zoo_dir(dir, sizeof dir, 0) != 0) return -1;
    snprintf(sub, sizeof sub, "%s/../arch/%s", dir, name);
    if (path_kind(sub) != 1) {
        tool_error("--arch %s: no such file, and no preset of that name (presets: eyeriss_like, "
                   "simba_like)", name);
        return -1;
    }
    if (path_join(arch, size, sub, "arch.yaml") || path_join(ert, size, sub, "ERT.yaml")) return -1;
    return 1;
}

typedef struct hier_out {
    int L;
    char name[EC_HIER_MAX_LEVELS + 1][32];
    int64_t inst[EC_HIER_MAX_LEVELS + 2];
    int64_t count[EC_HIER_MAX_LEVELS + 1][3][3];
    double energy[EC_HIER_MAX_LEVELS + 1], total, mac;
    int64_t macs;
    int has_bound[EC_HIER_MAX_LEVELS + 1];
    int64_t bound[EC_HIER_MAX_LEVELS + 1], traffic[EC_HIER_MAX_LEVELS + 1];
} hier_out;

static void render(outbuf *ob, int format, const hier_out *h, const int64_t v[LP_COUNT],
                   const char *arch, const char *ert, const char *map)
{
    if (format == FMT_JSON) {
        json j;
        json_begin_document(&j, ob, "layer");
        json_key(&j, "layer");
        json_object(&j);
        json_layer_params(&j, v);
        json_kint(&j, "macs", h->macs);
        json_end(&j);
        json_kstring(&j, "arch", arch);
        json_kstring(&j, "ert", ert);
        json_kstring(&j, "mapping", map);
        json_key(&j, "levels");
        json_array(&j);
        for (int l = 0; l <= h->L; l++) {
            json_object(&j);
            json_kint(&j, "level", l);
            json_kstring(&j, "name", h->name[l]);
            json_kint(&j, "instances", h->inst[l]);
            json_kdouble(&j, "energy", h->energy[l]);
            for (int t = 0; t < 3; t++) {
                json_key(&j, tensor_names[t]);
                json_object(&j);
                for (int a = 0; a < 3; a++) json_kint(&j, action_names[a], h->count[l][t][a]);
                json_end(&j);
            }
            json_key(&j, "boundary");
            if (l == 0 || !h->has_bound[l]) json_null(&j);
            else {
                json_object(&j);
                json_kint(&j, "traffic", h->traffic[l]);
                json_kint(&j, "bound", h->bound[l]);
                json_kdouble(&j, "gap", h->bound[l] ? (double)h->traffic[l] / (double)h->bound[l] : 0);
                json_end(&j);
            }
            json_end(&j);
        }
        json_end(&j);
        json_key(&j, "energy");
        json_object(&j);
        json_kdouble(&j, "total", h->total);
        json_kdouble(&j, "mac", h->mac);
        json_end(&j);
        json_end(&j);
        json_finish(&j);
        return;
    }
    table t;
    table_init(&t, format == FMT_CSV);
    table_col(&t, "level", "level", COL_INT);
    table_col(&t, "name", "name", COL_STR);
    table_col(&t, "instances", "instances", COL_INT);
    table_col(&t, "tensor", "tensor", COL_STR);
    table_col(&t, "reads", "reads", COL_INT);
    table_col(&t, "fills", "fills", COL_INT);
    table_col(&t, "updates", "updates", COL_INT);
    table_col(&t, "energy", "level energy", COL_NUM);
    for (int l = 0; l <= h->L; l++)
        for (int x = 0; x < 3; x++) {
            table_row(&t);
            table_int(&t, l);
            table_str(&t, h->name[l]);
            table_int(&t, h->inst[l]);
            table_str(&t, tensor_names[x]);
            for (int a = 0; a < 3; a++) table_int(&t, h->count[l][x][a]);
            if (x == 0 || format == FMT_CSV) table_num(&t, h->energy[l]);
            else table_blank(&t);
        }
    if (format == FMT_TABLE) {
        ob_printf(ob, "Layer      MACs %" PRId64 "\nHierarchy  %s, ERT %s\nMapping    %s\n\n",
                  h->macs, arch, ert, map);
    }
    table_render(&t, ob);
    table_free(&t);
    if (format == FMT_CSV) return;
    char e[40], m[40];
    fmt_double(e, sizeof e, h->total);
    fmt_double(m, sizeof m, h->mac);
    ob_printf(ob, "\nEnergy     %s (MACs %s)\n\nBoundaries (words across; lower bound with the "
                  "level and all inside it as the Buffer)\n", e, m);
    table_init(&t, 0);
    table_col(&t, "above", "above level", COL_STR);
    table_col(&t, "traffic", "traffic", COL_INT);
    table_col(&t, "bound", "bound", COL_INT);
    table_col(&t, "gap", "gap", COL_RATIO);
    for (int l = 1; l <= h->L; l++) {
        table_row(&t);
        table_str(&t, h->name[l]);
        table_int(&t, h->traffic[l]);
        if (h->has_bound[l]) {
            table_int(&t, h->bound[l]);
            table_num(&t, h->bound[l] ? (double)h->traffic[l] / (double)h->bound[l] : 0);
        } else {
            table_blank(&t);
            table_blank(&t);
        }
    }
    table_render(&t, ob);
    table_free(&t);
}

int hier_load(const char *arch, const char *ert, arch_desc *a, ec_memory *m, char *ert_used,
              size_t size)
{
    char arch_path[1200];
    int pr = preset_paths(arch, arch_path, ert_used, size);
    if (pr < 0) return -1;
    if (pr == 0) {
        str_copy(arch_path, sizeof arch_path, arch);
        if (!ert) {
            tool_error("--arch %s is a file: give its energies with --ert ERT.yaml", arch);
            return -1;
        }
    }
    if (ert) str_copy(ert_used, size, ert);
    if (arch_read(arch_path, a) != 0) return -1;
    int L = a->nlevels - 1;
    ec_memory_set_levels(m, L);
    for (int l = 0; l <= L; l++) {
        ec_memory_level_set_name(m, l, a->level[l].name);
        if (l) {
            ec_memory_level_set(m, l, EC_HIER_CAPACITY, a->level[l].capacity);
            ec_memory_level_set(m, l, EC_HIER_MESH_X, a->level[l].mesh_x);
            ec_memory_level_set(m, l, EC_HIER_MESH_Y, a->level[l].mesh_y);
        }
    }
    ec_memory_level_set(m, L + 1, EC_HIER_MESH_X, a->mac_mesh_x);
    ec_memory_level_set(m, L + 1, EC_HIER_MESH_Y, a->mac_mesh_y);
    return ert_apply(ert_used, a, m) != 0 ? -1 : 0;
}

int cmd_layer_hier(int argc, char **argv)
{
    argscan s;
    argscan_init(&s, argc, argv);
    const char *yaml = NULL, *arch = NULL, *ert = NULL, *map = NULL;
    int format = FMT_TABLE, r;
    mapper_opts mo;
    mapper_opts_init(&mo);
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            if (argscan_positional(&s, &yaml, "one Timeloop problem file")) return EXIT_USAGE;
            continue;
        }
        if (is_help(&s)) {
            printf(usage, mapper_help);
            return 0;
        }
        const char **slot = argscan_is(&s, "arch") ? &arch : argscan_is(&s, "ert") ? &ert
                          : argscan_is(&s, "mapping") ? &map : NULL;
        if (slot) {
            if (!(*slot = argscan_value(&s))) return EXIT_USAGE;
            continue;
        }
        if ((r = format_flag(&s, &format)) || (r = mapper_flag(&s, &mo))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    if (!yaml || !arch) {
        tool_error("a hierarchy needs a problem file and --arch (see --help)");
        return EXIT_USAGE;
    }
    if (!map) mo.search = 1;
    int64_t v[LP_COUNT];
    lp_defaults(v);
    if (timeloop_read(yaml, v) != 0) return EXIT_INPUT;
    static arch_desc a;
    char ert_path[1200];
    int rc = EXIT_INPUT;
    ec_layer *ly = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_result *res = ec_result_create();
    outbuf ob;
    ob_init(&ob);
    char err[512];
    if (!ly || !m || !d || !res) {
        tool_error("out of memory");
        goto out;
    }
    if (lp_to_layer(v, ly, err, sizeof err) != EC_OK) {
        tool_error("%s: %s", yaml, err);
        goto out;
    }
    if (hier_load(arch, ert, &a, m, ert_path, sizeof ert_path) != 0) goto out;
    int L = a.nlevels - 1;
    if (map && mapping_read(map, &a, m, d) != 0) goto out;
    ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX);
    if (mapper_prepare(&mo, &a, m, d) != 0) goto out; /* docs/mapper.md */
    ec_status st = mapper_evaluate(&mo, ly, m, d, res);
    if (st != EC_OK) {
        tool_error("%s: %s", map ? map : yaml, ec_result_message(res));
        goto out;
    }
    static hier_out h;
    memset(&h, 0, sizeof h);
    h.L = L;
    ec_result_get(res, EC_RESULT_MACS, &h.macs);
    ec_result_energy(res, EC_PART_TOTAL, &h.total);
    ec_result_energy(res, EC_PART_MAC, &h.mac);
    for (int l = 0; l <= L + 1; l++) ec_result_level_instances(res, l, &h.inst[l]);
    for (int l = 0; l <= L; l++) {
        str_copy(h.name[l], sizeof h.name[l], a.level[l].name);
        ec_result_level_energy(res, l, &h.energy[l]);
        for (int x = 0; x < 3; x++)
            for (int act = 0; act < 3; act++)
                ec_result_level_count(res, l, (ec_tensor)x, (ec_action)act, &h.count[l][x][act]);
        if (l) h.has_bound[l] = ec_result_level_bound(res, l, &h.bound[l], &h.traffic[l]) == EC_OK;
    }
    render(&ob, format, &h, v, arch, ert_path, map ? map : "(searched: docs/mapper.md)");
    if (mapper_finish(&mo, &ob, format, &a, m, d, res, yaml) != 0) goto out;
    rc = ob_emit(&ob, stdout, "the result") == 0 ? 0 : EXIT_INPUT;
out:
    ob_free(&ob);
    ec_result_destroy(res);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    ec_layer_destroy(ly);
    return rc;
}
