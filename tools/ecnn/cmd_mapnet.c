/* ecnn net NAME --arch ARCH: the mapper on every layer of a network
 * (docs/mapper.md, "The command line"): per layer the energy of the
 * mapping found, its DRAM accesses, the energy bound and how the search
 * went; then totals. */
#include "commands.h"
#include "mapper.h"
#include "network.h"
#include "output.h"
#include "table.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: ecnn net NAME|FILE --arch ARCH [--ert ERT.yaml] [--constraints FILE]...\n"
    "                [--emit-mapping DIR] [--batch N] [--format table|csv]\n"
    "\n"
    "Searches the best mapping of every layer of a network on a memory hierarchy\n"
    "(docs/mapper.md): per layer, the energy found, DRAM accesses, the energy lower\n"
    "bound, whether the search was exhaustive, the mappings evaluated and the time.\n"
    "\n"
    "  --arch ARCH        an architecture file or a preset (eyeriss_like, simba_like)\n"
    "  --ert ERT.yaml     its energy reference table (default: the preset's)\n"
    "  --batch N          the batch size of every layer (default: the file's, 1)\n";

typedef struct row {
    double energy, bound, ms;
    int64_t macs, dram, evaluated;
    int exact;
} row;

static double now_ms(void)
{
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int search_layer(const net_layer *nl, const ec_memory *m, const ec_dataflow *d,
                        const mapper_opts *o, const arch_desc *a, row *out)
{
    ec_layer *ly = ec_layer_create();
    ec_result *res = ec_result_create();
    ec_dataflow *got = ec_dataflow_create();
    char err[512];
    int rc = -1;
    if (!ly || !res || !got) {
        tool_error("out of memory");
        goto done;
    }
    if (lp_to_layer(nl->v, ly, err, sizeof err) != EC_OK) {
        tool_error("layer %s: %s", nl->name, err);
        goto done;
    }
    double t0 = now_ms();
    if (ec_evaluate(ly, m, d, res) != EC_OK) {
        tool_error("layer %s: %s", nl->name, ec_result_message(res));
        goto done;
    }
    out->ms = now_ms() - t0;
    ec_result_energy(res, EC_PART_TOTAL, &out->energy);
    ec_result_get(res, EC_RESULT_MACS, &out->macs);
    ec_result_search(res, &out->exact, &out->evaluated, &out->bound);
    out->dram = 0;
    for (int x = 0; x < 3; x++)
        for (int act = 0; act < 3; act++) {
            int64_t v;
            ec_result_level_count(res, 0, (ec_tensor)x, (ec_action)act, &v);
            out->dram += v;
        }
    rc = 0;
    if (o->emit_dir) {
        char name[80], path[1400];
        snprintf(name, sizeof name, "%s.yaml", nl->name);
        for (char *p = name; *p; p++)
            if (*p == '/' || *p == ' ') *p = '_';
        ec_result_mapping(res, got);
        rc = path_join(path, sizeof path, o->emit_dir, name) ? -1 : mapping_write(path, a, m, got);
    }
done:
    ec_dataflow_destroy(got);
    ec_result_destroy(res);
    ec_layer_destroy(ly);
    return rc;
}

int cmd_net_hier(int argc, char **argv)
{
    argscan s;
    argscan_init(&s, argc, argv);
    const char *arg = NULL, *arch = NULL, *ert = NULL;
    int format = FMT_TABLE, r;
    int64_t batch = 0;
    mapper_opts mo;
    mapper_opts_init(&mo);
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            if (argscan_positional(&s, &arg, "one network at a time")) return EXIT_USAGE;
            continue;
        }
        if (is_help(&s)) {
            printf("%s%s", usage, mapper_help);
            return 0;
        }
        const char **slot = argscan_is(&s, "arch") ? &arch : argscan_is(&s, "ert") ? &ert : NULL;
        if (slot) {
            if (!(*slot = argscan_value(&s))) return EXIT_USAGE;
            continue;
        }
        if (argscan_is(&s, "batch")) {
            const char *v = argscan_value(&s);
            if (!v || parse_int(s.opt, v, 1, &batch) != 0) return EXIT_USAGE;
            continue;
        }
        if ((r = format_flag(&s, &format)) || (r = mapper_flag(&s, &mo))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    if (!arg || !arch) {
        tool_error("ecnn net on a hierarchy needs a network and --arch (see --help)");
        return EXIT_USAGE;
    }
    if (format == FMT_JSON || mo.walk) {
        tool_error("ecnn net --arch: %s is not available (table or csv; ecnn layer walks)",
                   mo.walk ? "--walk" : "--format json");
        return EXIT_USAGE;
    }
    mo.search = 1;
    network net;
    if (net_load_batch(arg, &net, &batch) != 0) return EXIT_INPUT;
    static arch_desc a;
    char ert_path[1200];
    int rc = EXIT_INPUT;
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    row *rows = calloc((size_t)net.n + 1, sizeof *rows);
    outbuf ob;
    ob_init(&ob);
    if (!m || !d || !rows) {
        tool_error("out of memory");
        goto out;
    }
    if (batch)
        for (int i = 0; i < net.n; i++) net.layer[i].v[EC_LAYER_N] = batch;
    if (hier_load(arch, ert, &a, m, ert_path, sizeof ert_path) != 0) goto out;
    ec_dataflow_set(d, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX);
    if (mapper_prepare(&mo, &a, m, d) != 0) goto out;
    double t0 = now_ms();
    for (int i = 0; i < net.n; i++) {
        int same = -1;
        for (int j = 0; j < i && same < 0; j++)
            if (!memcmp(net.layer[j].v, net.layer[i].v, sizeof net.layer[i].v)) same = j;
        if (same >= 0 && !mo.emit_dir) {
            rows[i] = rows[same];
            rows[i].ms = 0;
            continue;
        }
        if (search_layer(&net.layer[i], m, d, &mo, &a, &rows[i]) != 0) goto out;
    }
    double wall = now_ms() - t0;
    table t;
    table_init(&t, format == FMT_CSV);
    table_col(&t, "layer", "layer", COL_STR);
    table_col(&t, "macs", "MACs", COL_INT);
    table_col(&t, "energy", "energy", COL_NUM);
    table_col(&t, "dram", "DRAM accesses", COL_INT);
    table_col(&t, "energy_bound", "energy bound", COL_NUM);
    table_col(&t, "gap", "found/bound", COL_RATIO);
    table_col(&t, "search", "search", COL_STR);
    table_col(&t, "evaluated", "evaluated", COL_INT);
    table_col(&t, "ms", "ms", COL_NUM);
    row tot;
    memset(&tot, 0, sizeof tot);
    tot.exact = 1;
    for (int i = 0; i <= net.n; i++) {
        const row *rw = i < net.n ? &rows[i] : &tot;
        if (i < net.n) {
            tot.energy += rw->energy;
            tot.bound += rw->bound;
            tot.macs += rw->macs;
            tot.dram += rw->dram;
            tot.evaluated += rw->evaluated;
            tot.ms += rw->ms;
            tot.exact &= rw->exact;
        }
        table_row(&t);
        table_str(&t, i < net.n ? net.layer[i].name : "total");
        table_int(&t, rw->macs);
        table_num(&t, rw->energy);
        table_int(&t, rw->dram);
        table_num(&t, rw->bound);
        table_num(&t, rw->bound > 0 ? rw->energy / rw->bound : 0);
        table_str(&t, rw->exact ? "exhaustive" : "local");
        table_int(&t, rw->evaluated);
        table_num(&t, rw->ms);
    }
    if (format == FMT_TABLE)
        ob_printf(&ob, "%s, %d layers on %s (ERT %s); the mapper's search per layer "
                       "(docs/mapper.md)\n\n", net.title, net.n, arch, ert_path);
    table_render(&t, &ob);
    table_free(&t);
    if (format == FMT_TABLE) ob_printf(&ob, "\nSearch time %.0f ms in all.\n", wall);
    rc = ob_emit(&ob, stdout, "the result") == 0 ? 0 : EXIT_INPUT;
out:
    ob_free(&ob);
    free(rows);
    ec_dataflow_destroy(d);
    ec_memory_destroy(m);
    net_free(&net);
    return rc;
}
