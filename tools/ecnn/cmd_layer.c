/* ecnn layer: one layer, one memory, one dataflow; every figure the
 * library gives about it. */
#include "commands.h"
#include "dataflow_flags.h"
#include "evaluate.h"
#include "layer_flags.h"
#include "memory.h"
#include "onnx.h"
#include "output.h"
#include "table.h"
#include "timeloop.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn layer [FILE.yaml] [LAYER] [MEMORY] [DATAFLOW] [--format F]\n"
    "       ecnn layer FILE.onnx --node NAME [--batch N] [--dim NAME=N] [LAYER] [MEMORY] ...\n"
    "\n"
    "Evaluates one convolutional layer: DRAM and Buffer accesses per tensor, the\n"
    "energy and its breakdown, the tiles used, the lower bound and the gap, and\n"
    "the asymptotic formulas of the named policies. FILE.yaml, if given, is a\n"
    "Timeloop problem file that gives the layer; the flags below override it.\n"
    "FILE.onnx with --node NAME: the layer of that Conv, Gemm or MatMul node of an\n"
    "ONNX model (docs/onnx.md); --batch is then the model's symbolic batch.\n"
    "With --arch, the layer is evaluated on a memory hierarchy instead (a Timeloop\n"
    "architecture and mapping, or the mapper's search): see ecnn layer --arch A --help.\n"
    "\n";

static const char *const tensor_names[3] = {"I", "W", "O"};
static const char *const dim_letters = "NGKCPQRS";
static const char *const policy_names[5] = {"os", "ws", "is", "custom", "optimal"};

static void text_output(outbuf *ob, const int64_t v[LP_COUNT], const ec_memory *m,
                        const df_desc *d, const ev_record *r, const double asym[3][3],
                        const int asym_ok[3])
{
    ob_printf(ob, "Layer      N %" PRId64 ", C %" PRId64 ", K %" PRId64 ", G %" PRId64 ", H %" PRId64
                  ", W %" PRId64 ", R %" PRId64 ", S %" PRId64 "; stride %" PRId64 "x%" PRId64
                  ", dilation %" PRId64 "x%" PRId64 ", padding %" PRId64 ",%" PRId64 ",%" PRId64
                  ",%" PRId64 " (top, bottom, left, right)\n",
              v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
              v[13], v[14], v[15]);
    ob_printf(ob, "           output P %" PRId64 " x Q %" PRId64 "; MACs %" PRId64 "; |I| %" PRId64
                  ", |W| %" PRId64 ", |O| %" PRId64 " words\n",
              r->P, r->Q, r->macs, r->size[0], r->size[1], r->size[2]);
    lp_gemm_text(ob, v);
    ob_puts(ob, "Memory     ");
    text_memory(ob, m);
    ob_putc(ob, '\n');
    if (r->partition[0] || r->partition[1] || r->partition[2])
        ob_printf(ob, "           partition used: I %" PRId64 ", W %" PRId64 ", O %" PRId64 " words\n",
                  r->partition[0], r->partition[1], r->partition[2]);
    const char *named = ev_named_order(r->order);
    ob_puts(ob, "Dataflow   ");
    if (d->mode == MODE_OPTIMAL && !d->order[0])
        ob_printf(ob, "optimal (searched over all loop orders): order %s%s%s%s", r->order,
                  named ? " (the " : "", named ? named : "", named ? " order)" : "");
    else if (d->mode == MODE_BEST && !d->order[0])
        ob_printf(ob, "best of os, ws, is: %s, order %s", policy_names[r->policy], r->order);
    else
        ob_printf(ob, "%s, order %s", policy_names[r->policy], r->order);
    ob_printf(ob, "; input reuse %s, footprint %s\n", d->reuse ? "refetch" : "slide",
              d->footprint ? "bbox" : "exact");
    ob_puts(ob, "Tiles     ");
    int any_auto = 0;
    for (int i = 0; i < 8; i++) {
        ob_printf(ob, " %c %" PRId64 "%s", dim_letters[i], r->tile[i], r->tile_auto[i] ? "*" : "");
        any_auto |= r->tile_auto[i];
    }
    ob_puts(ob, any_auto ? "   (* chosen automatically)\n" : "   (all given)\n");

    ob_puts(ob, "\nAccesses (words)\n");
    table t;
    table_init(&t, 0);
    table_col(&t, "tensor", "tensor", COL_STR);
    table_col(&t, "dram_read", "DRAM read", COL_INT);
    table_col(&t, "dram_write", "DRAM write", COL_INT);
    table_col(&t, "buffer_read", "Buffer read", COL_INT);
    table_col(&t, "buffer_write", "Buffer write", COL_INT);
    int64_t sum[4] = {0, 0, 0, 0};
    for (int i = 0; i < 3; i++) {
        table_row(&t);
        table_str(&t, tensor_names[i]);
        for (int k = 0; k < 4; k++) {
            int64_t c = r->count[i][k / 2][k % 2];
            table_int(&t, c);
            sum[k] += c;
        }
    }
    table_rule(&t);
    table_row(&t);
    table_str(&t, "total");
    for (int k = 0; k < 4; k++) table_int(&t, sum[k]);
    table_render(&t, ob);
    table_free(&t);

    char e[7][40];
    for (int i = 0; i < 7; i++) fmt_double(e[i], sizeof e[i], r->energy[i]);
    ob_printf(ob, "\nEnergy     %s = DRAM %s + Buffer %s + MAC %s\n", e[0], e[1], e[2], e[3]);
    ob_printf(ob, "           by tensor: I %s, W %s, O %s (+ MAC %s)\n", e[4], e[5], e[6], e[3]);
    if (r->has_bound) {
        char be[40];
        fmt_double(be, sizeof be, r->bound_energy);
        ob_printf(ob, "Bound      DRAM transfers >= %" PRId64 " (compulsory %" PRId64
                      ", communication %" PRId64 "; rho %" PRId64 "), energy >= %s\n",
                  r->bound[EC_BOUND_TRANSFERS], r->bound[EC_BOUND_COMPULSORY],
                  r->bound[EC_BOUND_COMMUNICATION], r->bound[EC_BOUND_RHO], be);
        ob_printf(ob, "Gap        DRAM %" PRId64 " / %" PRId64 " = %.4f, energy %.4f\n", r->dram_total,
                  r->bound[EC_BOUND_TRANSFERS], r->gap_dram, r->gap_energy);
    } else {
        ob_puts(ob, "Bound      unavailable for this layer\n");
    }
    ob_puts(ob, "\nAsymptotic formulas (docs/model.md section 8; continuous relaxation)\n");
    table_init(&t, 0);
    table_col(&t, "policy", "policy", COL_STR);
    table_col(&t, "dram_reads", "DRAM reads", COL_NUM);
    table_col(&t, "dram_writes", "DRAM writes", COL_NUM);
    table_col(&t, "energy", "energy", COL_NUM);
    for (int p = 0; p < 3; p++) {
        table_row(&t);
        table_str(&t, policy_names[p]);
        for (int k = 0; k < 3; k++) {
            if (asym_ok[p]) table_num(&t, asym[p][k]);
            else table_str(&t, "-");
        }
    }
    table_render(&t, ob);
    table_free(&t);
}

static void csv_output(outbuf *ob, const int64_t v[LP_COUNT], const ec_memory *m,
                       const df_desc *d, const ev_record *r, const double asym[3][3],
                       const int asym_ok[3])
{
    table t;
    table_init(&t, 1);
    char name[48];
    for (int i = 0; i < LP_COUNT; i++) table_col(&t, lp_names[i], lp_names[i], COL_INT);
    const char *derived[6] = {"P", "Q", "macs", "size_I", "size_W", "size_O"};
    for (int i = 0; i < 6; i++) table_col(&t, derived[i], derived[i], COL_INT);
    const char *mem[5] = {"capacity", "partition_i", "partition_w", "partition_o", "choose_partition"};
    for (int i = 0; i < 5; i++) table_col(&t, mem[i], mem[i], COL_INT);
    for (int i = 0; i < 5; i++) table_col(&t, mem_energy_keys[i], mem_energy_keys[i], COL_NUM);
    table_col(&t, "mode", "mode", COL_STR);
    table_col(&t, "policy", "policy", COL_STR);
    table_col(&t, "order", "order", COL_STR);
    table_col(&t, "reuse", "reuse", COL_STR);
    table_col(&t, "footprint", "footprint", COL_STR);
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "tile_%c", dim_letters[i]);
        table_col(&t, name, name, COL_INT);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "auto_%c", dim_letters[i]);
        table_col(&t, name, name, COL_INT);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "partition_used_%c", "iwo"[i]);
        table_col(&t, name, name, COL_INT);
    }
    static const char *const acc[4] = {"dram_read", "dram_write", "buffer_read", "buffer_write"};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "%s_%s", acc[k], tensor_names[i]);
            table_col(&t, name, name, COL_INT);
        }
    table_col(&t, "dram_total", "dram_total", COL_INT);
    static const char *const parts[7] = {"energy", "energy_dram", "energy_buffer", "energy_mac",
                                         "energy_I", "energy_W", "energy_O"};
    for (int i = 0; i < 7; i++) table_col(&t, parts[i], parts[i], COL_NUM);
    static const char *const bnames[7] = {"bound_i_used", "bound_w_used", "bound_macs_real",
                                          "bound_rho", "bound_compulsory", "bound_communication",
                                          "bound_transfers"};
    for (int i = 0; i < 7; i++) table_col(&t, bnames[i], bnames[i], COL_INT);
    table_col(&t, "bound_energy", "bound_energy", COL_NUM);
    table_col(&t, "gap_dram", "gap_dram", COL_RATIO);
    table_col(&t, "gap_energy", "gap_energy", COL_RATIO);
    for (int p = 0; p < 3; p++) {
        static const char *const an[3] = {"dram_reads", "dram_writes", "energy"};
        for (int k = 0; k < 3; k++) {
            snprintf(name, sizeof name, "asym_%s_%s", policy_names[p], an[k]);
            table_col(&t, name, name, COL_NUM);
        }
    }

    table_row(&t);
    for (int i = 0; i < LP_COUNT; i++) table_int(&t, v[i]);
    table_int(&t, r->P);
    table_int(&t, r->Q);
    table_int(&t, r->macs);
    for (int i = 0; i < 3; i++) table_int(&t, r->size[i]);
    int64_t x;
    ec_memory_get(m, EC_MEM_CAPACITY, &x);
    table_int(&t, x);
    for (int i = 0; i < 3; i++) {
        ec_memory_get(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), &x);
        table_int(&t, x);
    }
    ec_memory_get(m, EC_MEM_CHOOSE_PARTITION, &x);
    table_int(&t, x);
    for (int i = 0; i < 5; i++) {
        double e;
        ec_memory_get_energy(m, (ec_energy_param)i, &e);
        table_num(&t, e);
    }
    table_str(&t, mode_names[d->order[0] ? MODE_CUSTOM : d->mode]);
    table_str(&t, policy_names[r->policy]);
    table_str(&t, r->order);
    table_str(&t, d->reuse ? "refetch" : "slide");
    table_str(&t, d->footprint ? "bbox" : "exact");
    for (int i = 0; i < 8; i++) table_int(&t, r->tile[i]);
    for (int i = 0; i < 8; i++) table_int(&t, r->tile_auto[i] ? 1 : 0);
    for (int i = 0; i < 3; i++) table_int(&t, r->partition[i]);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++) table_int(&t, r->count[i][k / 2][k % 2]);
    table_int(&t, r->dram_total);
    for (int i = 0; i < 7; i++) table_num(&t, r->energy[i]);
    for (int i = 0; i < 7; i++) {
        if (r->has_bound) table_int(&t, r->bound[i]);
        else table_blank(&t);
    }
    if (r->has_bound) {
        table_num(&t, r->bound_energy);
        table_num(&t, r->gap_dram);
        table_num(&t, r->gap_energy);
    } else {
        for (int i = 0; i < 3; i++) table_blank(&t);
    }
    for (int p = 0; p < 3; p++)
        for (int k = 0; k < 3; k++) {
            if (asym_ok[p]) table_num(&t, asym[p][k]);
            else table_blank(&t);
        }
    table_render(&t, ob);
    table_free(&t);
}

static void json_output(outbuf *ob, const int64_t v[LP_COUNT], const ec_memory *m,
                        const df_desc *d, const ev_record *r, const double asym[3][3],
                        const int asym_ok[3])
{
    json j;
    json_begin_document(&j, ob, "layer");
    json_key(&j, "layer");
    json_object(&j);
    json_layer_params(&j, v);
    json_kint(&j, "P", r->P);
    json_kint(&j, "Q", r->Q);
    json_kint(&j, "macs", r->macs);
    json_kint(&j, "size_I", r->size[0]);
    json_kint(&j, "size_W", r->size[1]);
    json_kint(&j, "size_O", r->size[2]);
    json_end(&j);
    json_memory(&j, m);
    json_key(&j, "dataflow");
    json_object(&j);
    json_kstring(&j, "mode", mode_names[d->order[0] ? MODE_CUSTOM : d->mode]);
    json_kstring(&j, "policy", policy_names[r->policy]);
    json_kstring(&j, "order", r->order);
    json_kstring(&j, "named_order", ev_named_order(r->order));
    json_kstring(&j, "reuse", d->reuse ? "refetch" : "slide");
    json_kstring(&j, "footprint", d->footprint ? "bbox" : "exact");
    json_key(&j, "tiles");
    json_object(&j);
    for (int i = 0; i < 8; i++) {
        char k[2] = {dim_letters[i], '\0'};
        json_key(&j, k);
        json_object(&j);
        json_kint(&j, "tile", r->tile[i]);
        json_kbool(&j, "auto", r->tile_auto[i]);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "partition_used");
    json_object(&j);
    for (int i = 0; i < 3; i++) json_kint(&j, tensor_names[i], r->partition[i]);
    json_end(&j);
    json_end(&j);
    json_key(&j, "counts");
    json_object(&j);
    static const char *const acc[4] = {"dram_read", "dram_write", "buffer_read", "buffer_write"};
    for (int i = 0; i < 3; i++) {
        json_key(&j, tensor_names[i]);
        json_object(&j);
        for (int k = 0; k < 4; k++) json_kint(&j, acc[k], r->count[i][k / 2][k % 2]);
        json_end(&j);
    }
    json_end(&j);
    json_kint(&j, "macs", r->macs);
    json_kint(&j, "dram_total", r->dram_total);
    json_key(&j, "energy");
    json_object(&j);
    static const char *const parts[7] = {"total", "dram", "buffer", "mac", "I", "W", "O"};
    for (int i = 0; i < 7; i++) json_kdouble(&j, parts[i], r->energy[i]);
    json_end(&j);
    json_key(&j, "bound");
    if (r->has_bound) {
        json_object(&j);
        static const char *const bn[7] = {"i_used", "w_used", "macs_real", "rho",
                                          "compulsory", "communication", "transfers"};
        for (int i = 0; i < 7; i++) json_kint(&j, bn[i], r->bound[i]);
        json_kdouble(&j, "energy", r->bound_energy);
        json_end(&j);
        json_key(&j, "gap");
        json_object(&j);
        json_kdouble(&j, "dram", r->gap_dram);
        json_kdouble(&j, "energy", r->gap_energy);
        json_end(&j);
    } else {
        json_null(&j);
        json_key(&j, "gap");
        json_null(&j);
    }
    json_key(&j, "asymptotic");
    json_object(&j);
    for (int p = 0; p < 3; p++) {
        json_key(&j, policy_names[p]);
        if (!asym_ok[p]) {
            json_null(&j);
            continue;
        }
        json_object(&j);
        json_kdouble(&j, "dram_reads", asym[p][0]);
        json_kdouble(&j, "dram_writes", asym[p][1]);
        json_kdouble(&j, "energy", asym[p][2]);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    json_finish(&j);
}

int cmd_layer(int argc, char **argv)
{
    if (hier_wanted(argc, argv)) return cmd_layer_hier(argc, argv);
    argscan s;
    argscan_init(&s, argc, argv);
    layer_flags lf = {{0}, 0};
    mem_desc md, mf;
    mem_desc_init(&md);
    mem_desc_init(&mf);
    df_desc d;
    df_init(&d);
    const char *memfile = NULL, *yaml = NULL;
    int format = FMT_TABLE, r;
    onnx_opts oo;
    onnx_opts_init(&oo);
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            if (argscan_positional(&s, &yaml, "one Timeloop file at most")) return EXIT_USAGE;
            continue;
        }
        if (is_help(&s)) {
            printf("%s%s\n%s\n%s\n%s%s\n%s", usage, layer_help, onnx_help, mem_help, df_help,
                   df_tile_help, format_help);
            return 0;
        }
        if ((r = layer_flag(&s, &lf)) || (r = mem_flag(&s, &md, &memfile)) ||
            (r = df_flag(&s, &d, 1)) || (r = format_flag(&s, &format)) ||
            (r = onnx_flag(&s, &oo, 1))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    if (df_check(&d) != 0) return EXIT_USAGE;
    int64_t v[LP_COUNT];
    lp_defaults(v);
    if (yaml && str_iends(yaml, ".onnx")) {
        if (onnx_layer(yaml, &oo, &lf, v) != 0) return EXIT_INPUT;
    } else if (oo.node || oo.skip_unknown || oo.ndims) {
        tool_error("--node, --dim and --skip-unknown apply to an ONNX model (FILE.onnx)");
        return EXIT_USAGE;
    } else if (yaml && timeloop_read(yaml, v) != 0) {
        return EXIT_INPUT;
    }
    layer_flags_apply(&lf, v);
    if (memfile && memfile_read(memfile, &mf) != 0) return EXIT_INPUT;

    int rc = EXIT_INPUT;
    ec_memory *m = ec_memory_create();
    ev_ctx c;
    outbuf ob;
    ob_init(&ob);
    if (!m || ev_init(&c) != 0) {
        tool_error("out of memory");
        ec_memory_destroy(m);
        return EXIT_INPUT;
    }
    if (mem_build(memfile ? &mf : NULL, &md, m) != 0) {
        rc = memfile ? EXIT_INPUT : EXIT_USAGE;
        goto out;
    }
    ev_record rec;
    char err[512];
    if (ev_layer(&c, v, m, &d, &rec, err, sizeof err) != 0) {
        tool_error("%s", err);
        goto out;
    }
    double asym[3][3];
    int asym_ok[3];
    for (int p = 0; p < 3; p++)
        asym_ok[p] = ec_asymptotic(c.layer, m, (ec_policy)p, &asym[p][0], &asym[p][1],
                                   &asym[p][2]) == EC_OK;
    if (format == FMT_TABLE) text_output(&ob, v, m, &d, &rec, asym, asym_ok);
    else if (format == FMT_CSV) csv_output(&ob, v, m, &d, &rec, asym, asym_ok);
    else json_output(&ob, v, m, &d, &rec, asym, asym_ok);
    rc = ob_emit(&ob, stdout, "the result") == 0 ? 0 : EXIT_INPUT;
out:
    ob_free(&ob);
    ev_free(&c);
    ec_memory_destroy(m);
    return rc;
}
