/* ecnn net: every layer of a network under one memory: the dataflow, DRAM
 * traffic per tensor, energy, bound and gap of each, and the totals. */
#include "commands.h"
#include "mapper.h"
#include "dataflow_flags.h"
#include "evaluate.h"
#include "memory.h"
#include "onnx.h"
#include "output.h"
#include "table.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn net NAME|FILE [--batch N] [MEMORY] [DATAFLOW] [--format F]\n"
    "\n"
    "Evaluates every layer of a network: NAME is a built-in network ('ecnn zoo'),\n"
    "FILE a network .csv file (docs/zoo.md), a Timeloop problem .yaml file (one\n"
    "layer), a directory of them, a list file naming them one a line, or an ONNX\n"
    "model .onnx (its Conv, Gemm and MatMul nodes; docs/onnx.md). One row\n"
    "a layer: its shape, MACs, the dataflow (by default the optimal one, with its\n"
    "loop order), DRAM words per tensor, energy, lower bound and gaps; then totals.\n"
    "With --arch ARCH (a Timeloop architecture or a preset: eyeriss_like,\n"
    "simba_like), the mapper searches each layer's mapping on that hierarchy\n"
    "instead (docs/mapper.md; --ert, --constraints as for ecnn layer --arch).\n"
    "\n"
    "  --batch N              the batch size of every layer (default: the file's, 1)\n";

static const char *const policy_names[5] = {"os", "ws", "is", "custom", "optimal"};

/* Evaluates every layer; identical layers are evaluated once. */
static int evaluate_all(const network *net, const ec_memory *m, const df_desc *d, ev_record *rec)
{
    ev_ctx c;
    if (ev_init(&c) != 0) {
        tool_error("out of memory");
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < net->n && rc == 0; i++) {
        int same = -1;
        for (int j = 0; j < i && same < 0; j++)
            if (memcmp(net->layer[j].v, net->layer[i].v, sizeof net->layer[i].v) == 0) same = j;
        if (same >= 0) {
            rec[i] = rec[same];
            continue;
        }
        char err[512];
        if (ev_layer(&c, net->layer[i].v, m, d, &rec[i], err, sizeof err) != 0) {
            tool_error("layer %d (%s) of %s: %s", i + 1, net->layer[i].name, net->origin, err);
            rc = -1;
        }
    }
    ev_free(&c);
    return rc;
}

/* Sums with checked arithmetic: a total past 2^63 - 1 (counts) or the
 * largest double (energies) is refused, naming the figure and the layer
 * where it overflowed, rather than wrapped or printed as inf. */
static int totals(const network *net, const ev_record *rec, ev_record *t)
{
    memset(t, 0, sizeof *t);
    t->has_bound = 1;
    static const char *const tensors = "IWO";
    static const char *const energy_parts[7] = {"energy", "DRAM energy", "Buffer energy",
                                                "MAC energy", "energy of I", "energy of W",
                                                "energy of O"};
    char what[64];
    for (int i = 0; i < net->n; i++) {
        const ev_record *r = &rec[i];
        const char *bad = NULL;
        if (ck_add_i64(&t->macs, r->macs)) bad = "MACs";
        else if (ck_add_i64(&t->dram_total, r->dram_total)) bad = "DRAM words";
        for (int k = 0; k < 3 && !bad; k++)
            for (int l = 0; l < 2 && !bad; l++)
                for (int a = 0; a < 2 && !bad; a++)
                    if (ck_add_i64(&t->count[k][l][a], r->count[k][l][a])) {
                        snprintf(what, sizeof what, "%s %s of %c", l ? "Buffer" : "DRAM",
                                 a ? "writes" : "reads", tensors[k]);
                        bad = what;
                    }
        for (int p = 0; p < 7 && !bad; p++)
            if (ck_add_f64(&t->energy[p], r->energy[p])) bad = energy_parts[p];
        if (!r->has_bound) t->has_bound = 0;
        if (!bad && ck_add_i64(&t->bound[EC_BOUND_TRANSFERS], r->bound[EC_BOUND_TRANSFERS]))
            bad = "bound's DRAM words";
        if (!bad && ck_add_f64(&t->bound_energy, r->bound_energy)) bad = "bound's energy";
        if (bad) {
            tool_error("the total of %s over the network's layers exceeds %s at layer %d (%s) of %s", bad,
                       strstr(bad, "energy") ? "the largest double (about 1.8e308)"
                                             : "2^63 - 1 = 9223372036854775807",
                       i + 1, net->layer[i].name, net->origin);
            return -1;
        }
    }
    t->gap_dram = (double)t->dram_total / (double)t->bound[EC_BOUND_TRANSFERS];
    t->gap_energy = t->bound_energy > 0 ? t->energy[EC_PART_TOTAL] / t->bound_energy : 1.0;
    return 0;
}

static const char *mode_title(const df_desc *d)
{
    switch (d->order[0] ? MODE_CUSTOM : d->mode) {
    case MODE_OPTIMAL: return "optimal dataflow of each layer (all loop orders and balanced tilings)";
    case MODE_BEST: return "the best of os, ws and is for each layer";
    case MODE_OS: return "output-stationary (os) for every layer";
    case MODE_WS: return "weight-stationary (ws) for every layer";
    case MODE_IS: return "input-stationary (is) for every layer";
    default: return "custom order for every layer";
    }
}

static void dataflow_cell(table *t, const df_desc *d, const ev_record *r)
{
    int mode = d->order[0] ? MODE_CUSTOM : d->mode;
    if (mode == MODE_BEST || mode == MODE_OPTIMAL) {
        const char *named = mode == MODE_BEST ? policy_names[r->policy] : ev_named_order(r->order);
        char buf[32];
        snprintf(buf, sizeof buf, "%s%s%s%s", r->order, named ? " (" : "", named ? named : "",
                 named ? ")" : "");
        table_str(t, buf);
    } else {
        table_str(t, r->order);
    }
}

static void text_output(outbuf *ob, const network *net, int64_t batch, const ec_memory *m,
                        const df_desc *d, const ev_record *rec, const ev_record *tot)
{
    if (batch) ob_printf(ob, "%s, %d layers, batch %" PRId64 "; ", net->title, net->n, batch);
    else ob_printf(ob, "%s, %d layers, batch as in the file; ", net->title, net->n);
    text_memory(ob, m);
    ob_printf(ob, "\nDataflow: %s; input reuse %s, footprint %s.\n\n", mode_title(d),
              d->reuse ? "refetch" : "slide", d->footprint ? "bbox" : "exact");
    table t;
    table_init(&t, 0);
    table_col(&t, "layer", "layer", COL_STR);
    table_col(&t, "shape", "shape", COL_STR);
    table_col(&t, "macs", "MACs", COL_INT);
    table_col(&t, "order", "order", COL_STR);
    table_col(&t, "dram_read_I", "I read", COL_INT);
    table_col(&t, "dram_read_W", "W read", COL_INT);
    table_col(&t, "dram_read_O", "O read", COL_INT);
    table_col(&t, "dram_write_O", "O write", COL_INT);
    table_col(&t, "gap_dram", "DRAM gap", COL_RATIO);
    table_col(&t, "energy", "energy", COL_NUM);
    table_col(&t, "bound_energy", "bound", COL_NUM);
    table_col(&t, "gap_energy", "gap", COL_RATIO);
    for (int i = 0; i <= net->n; i++) {
        const ev_record *r = i < net->n ? &rec[i] : tot;
        if (i == net->n) table_rule(&t);
        table_row(&t);
        if (i < net->n) {
            char shape[128];
            net_layer_shape(&net->layer[i], r->P, r->Q, shape, sizeof shape);
            table_str(&t, net->layer[i].name);
            table_str(&t, shape);
            table_int(&t, r->macs);
            dataflow_cell(&t, d, r);
        } else {
            table_str(&t, "total");
            table_blank(&t);
            table_int(&t, r->macs);
            table_blank(&t);
        }
        table_int(&t, r->count[EC_TENSOR_I][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_W][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_WRITE]);
        if (r->has_bound) table_num(&t, r->gap_dram);
        else table_str(&t, "-");
        table_num(&t, r->energy[EC_PART_TOTAL]);
        if (r->has_bound) {
            table_num(&t, r->bound_energy);
            table_num(&t, r->gap_energy);
        } else {
            table_str(&t, "-");
            table_str(&t, "-");
        }
    }
    table_render(&t, ob);
    table_free(&t);
    ob_printf(ob, "\nI/W/O read, O write: DRAM words per tensor; DRAM gap: those words over the fewest any "
                  "schedule\nmoves (section 7). energy: the energy of docs/model.md in the units of "
                  "the per-access energies;\nbound: its lower bound over every schedule; "
                  "gap: energy / bound. DRAM words in total %" PRId64
                  ", at least %" PRId64 " (gap %.3f).\n",
              tot->dram_total, tot->bound[EC_BOUND_TRANSFERS], tot->gap_dram);
    if (net->notes) ob_printf(ob, "\n%s", net->notes);
}

static void csv_output(outbuf *ob, const network *net, const df_desc *d, const ev_record *rec,
                       const ev_record *tot)
{
    table t;
    table_init(&t, 1);
    table_col(&t, "layer", "", COL_STR);
    for (int i = 0; i < LP_COUNT; i++) table_col(&t, lp_names[i], "", COL_INT);
    table_col(&t, "P", "", COL_INT);
    table_col(&t, "Q", "", COL_INT);
    table_col(&t, "macs", "", COL_INT);
    table_col(&t, "mode", "", COL_STR);
    table_col(&t, "policy", "", COL_STR);
    table_col(&t, "order", "", COL_STR);
    table_col(&t, "dram_read_I", "", COL_INT);
    table_col(&t, "dram_read_W", "", COL_INT);
    table_col(&t, "dram_read_O", "", COL_INT);
    table_col(&t, "dram_write_O", "", COL_INT);
    table_col(&t, "dram_total", "", COL_INT);
    table_col(&t, "energy", "", COL_NUM);
    table_col(&t, "energy_dram", "", COL_NUM);
    table_col(&t, "energy_buffer", "", COL_NUM);
    table_col(&t, "energy_mac", "", COL_NUM);
    table_col(&t, "bound_transfers", "", COL_INT);
    table_col(&t, "bound_energy", "", COL_NUM);
    table_col(&t, "gap_dram", "", COL_RATIO);
    table_col(&t, "gap_energy", "", COL_RATIO);
    const char *mode = mode_names[d->order[0] ? MODE_CUSTOM : d->mode];
    for (int i = 0; i <= net->n; i++) {
        const ev_record *r = i < net->n ? &rec[i] : tot;
        table_row(&t);
        if (i < net->n) {
            table_str(&t, net->layer[i].name);
            for (int k = 0; k < LP_COUNT; k++) table_int(&t, net->layer[i].v[k]);
            table_int(&t, r->P);
            table_int(&t, r->Q);
            table_int(&t, r->macs);
            table_str(&t, mode);
            table_str(&t, policy_names[r->policy]);
            table_str(&t, r->order);
        } else {
            table_str(&t, "total");
            for (int k = 0; k < LP_COUNT + 2; k++) table_blank(&t);
            table_int(&t, r->macs);
            table_str(&t, mode);
            table_blank(&t);
            table_blank(&t);
        }
        table_int(&t, r->count[EC_TENSOR_I][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_W][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_READ]);
        table_int(&t, r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_WRITE]);
        table_int(&t, r->dram_total);
        for (int p = 0; p < 4; p++) table_num(&t, r->energy[p]);
        if (r->has_bound) {
            table_int(&t, r->bound[EC_BOUND_TRANSFERS]);
            table_num(&t, r->bound_energy);
            table_num(&t, r->gap_dram);
            table_num(&t, r->gap_energy);
        } else {
            for (int k = 0; k < 4; k++) table_blank(&t);
        }
    }
    table_render(&t, ob);
    table_free(&t);
}

static void json_traffic(json *j, const ev_record *r)
{
    json_kint(j, "macs", r->macs);
    json_key(j, "dram");
    json_object(j);
    json_kint(j, "read_I", r->count[EC_TENSOR_I][EC_LEVEL_DRAM][EC_ACCESS_READ]);
    json_kint(j, "read_W", r->count[EC_TENSOR_W][EC_LEVEL_DRAM][EC_ACCESS_READ]);
    json_kint(j, "read_O", r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_READ]);
    json_kint(j, "write_O", r->count[EC_TENSOR_O][EC_LEVEL_DRAM][EC_ACCESS_WRITE]);
    json_kint(j, "total", r->dram_total);
    json_end(j);
    json_key(j, "energy");
    json_object(j);
    static const char *const parts[4] = {"total", "dram", "buffer", "mac"};
    for (int p = 0; p < 4; p++) json_kdouble(j, parts[p], r->energy[p]);
    json_end(j);
    json_key(j, "bound");
    if (r->has_bound) {
        json_object(j);
        json_kint(j, "transfers", r->bound[EC_BOUND_TRANSFERS]);
        json_kdouble(j, "energy", r->bound_energy);
        json_end(j);
        json_key(j, "gap");
        json_object(j);
        json_kdouble(j, "dram", r->gap_dram);
        json_kdouble(j, "energy", r->gap_energy);
        json_end(j);
    } else {
        json_null(j);
        json_key(j, "gap");
        json_null(j);
    }
}

static void json_output(outbuf *ob, const network *net, int64_t batch, const ec_memory *m,
                        const df_desc *d, const ev_record *rec, const ev_record *tot)
{
    json j;
    json_begin_document(&j, ob, "net");
    json_key(&j, "network");
    json_object(&j);
    json_kstring(&j, "name", net->name);
    json_kstring(&j, "title", net->title);
    json_kstring(&j, "source", net->source);
    json_kstring(&j, "file", net->origin);
    json_kstring(&j, "notes", net->notes); /* skipped ONNX nodes, or null */
    if (batch) json_kint(&j, "batch", batch);
    else json_kstring(&j, "batch", NULL);
    json_end(&j);
    json_memory(&j, m);
    json_key(&j, "dataflow");
    json_object(&j);
    json_kstring(&j, "mode", mode_names[d->order[0] ? MODE_CUSTOM : d->mode]);
    if (d->order[0]) json_kstring(&j, "order", d->order);
    json_kstring(&j, "reuse", d->reuse ? "refetch" : "slide");
    json_kstring(&j, "footprint", d->footprint ? "bbox" : "exact");
    json_end(&j);
    json_key(&j, "layers");
    json_array(&j);
    for (int i = 0; i < net->n; i++) {
        const ev_record *r = &rec[i];
        json_object(&j);
        json_kstring(&j, "name", net->layer[i].name);
        json_key(&j, "shape");
        json_object(&j);
        json_layer_params(&j, net->layer[i].v);
        json_kint(&j, "P", r->P);
        json_kint(&j, "Q", r->Q);
        json_end(&j);
        net_layer_json_gemm(&j, &net->layer[i]);
        json_kstring(&j, "policy", policy_names[r->policy]);
        json_kstring(&j, "order", r->order);
        json_kstring(&j, "named_order", ev_named_order(r->order));
        json_traffic(&j, r);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "totals");
    json_object(&j);
    json_kint(&j, "layers", net->n);
    json_traffic(&j, tot);
    json_end(&j);
    json_end(&j);
    json_finish(&j);
}

int cmd_net(int argc, char **argv)
{
    if (hier_wanted(argc, argv)) return cmd_net_hier(argc, argv); /* docs/mapper.md */
    argscan s;
    argscan_init(&s, argc, argv);
    mem_desc md, mf;
    mem_desc_init(&md);
    mem_desc_init(&mf);
    df_desc d;
    df_init(&d);
    const char *memfile = NULL, *arg = NULL;
    int format = FMT_TABLE, r;
    int64_t batch = 0;
    onnx_opts oo;
    onnx_opts_init(&oo);
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            if (argscan_positional(&s, &arg, "one network at a time")) return EXIT_USAGE;
            continue;
        }
        if (is_help(&s)) {
            printf("%s\n%s\n%s\n%s\n%s", usage, onnx_help, mem_help, df_help, format_help);
            return 0;
        }
        if (argscan_is(&s, "batch")) {
            const char *v = argscan_value(&s);
            if (!v || parse_int(s.opt, v, 1, &batch) != 0) return EXIT_USAGE;
            continue;
        }
        if ((r = mem_flag(&s, &md, &memfile)) || (r = df_flag(&s, &d, 0)) ||
            (r = format_flag(&s, &format)) || (r = onnx_flag(&s, &oo, 0))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    if (!arg) {
        tool_error("which network? Give a NAME (see 'ecnn zoo') or a FILE");
        return EXIT_USAGE;
    }
    if (df_check(&d) != 0) return EXIT_USAGE;
    if (memfile && memfile_read(memfile, &mf) != 0) return EXIT_INPUT;
    network net;
    net_init(&net);
    oo.batch = batch;
    net.onnx = &oo;
    if (net_load_batch(arg, &net, &batch) != 0) return EXIT_INPUT;
    int rc = EXIT_INPUT;
    ec_memory *m = ec_memory_create();
    ev_record *rec = calloc((size_t)net.n, sizeof *rec);
    outbuf ob;
    ob_init(&ob);
    if (!m || !rec) {
        tool_error("out of memory");
        goto out;
    }
    if (mem_build(memfile ? &mf : NULL, &md, m) != 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (evaluate_all(&net, m, &d, rec) != 0) goto out;
    ev_record tot;
    if (totals(&net, rec, &tot) != 0) goto out;
    if (format == FMT_TABLE) text_output(&ob, &net, batch, m, &d, rec, &tot);
    else if (format == FMT_CSV) csv_output(&ob, &net, &d, rec, &tot);
    else json_output(&ob, &net, batch, m, &d, rec, &tot);
    rc = ob_emit(&ob, stdout, "the result") == 0 ? 0 : EXIT_INPUT;
out:
    ob_free(&ob);
    free(rec);
    ec_memory_destroy(m);
    net_free(&net);
    return rc;
}
