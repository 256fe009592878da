/* ecnn sweep: a layer or a network across Buffer capacities, the energy of
 * each policy and the lower bound; optionally an SVG plot. */
#include "commands.h"
#include "dataflow_flags.h"
#include "evaluate.h"
#include "layer_flags.h"
#include "memory.h"
#include "onnx.h"
#include "output.h"
#include "svg.h"
#include "table.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn sweep [NAME|FILE | LAYER] [--from SIZE] [--to SIZE] [--policies LIST]\n"
    "                  [--svg FILE] [--title TEXT] [MEMORY] [--reuse R] [--footprint F]\n"
    "                  [--format F]\n"
    "\n"
    "Evaluates a network (NAME or FILE as for 'ecnn net') or one layer (given by\n"
    "the layer flags) at every Buffer capacity from --from to --to, doubling: the\n"
    "energy and DRAM words of each policy (automatic tiles) and the lower bound.\n"
    "\n"
    "  --from SIZE            the smallest capacity (default 1Ki words)\n"
    "  --to SIZE              the largest capacity (default 4Mi words)\n"
    "  --policies LIST        comma-separated, from os, ws, is, optimal, best\n"
    "                         (default os,ws,is,optimal)\n"
    "  --svg FILE             also write a log-log plot of energy against capacity\n"
    "  --title TEXT           the plot's title (default: the network or layer)\n"
    "  --batch N              the batch of every layer (default: the file's; for a\n"
    "                         layer, as --N)\n";

#define MAX_POINTS 48
#define MAX_SERIES 5

static const char *const colors[MAX_SERIES] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                               "#9467bd"};

typedef struct sweep {
    int npoints, nseries;
    int64_t cap[MAX_POINTS];
    int mode[MAX_SERIES];
    double energy[MAX_SERIES + 1][MAX_POINTS]; /* the last row: the bound */
    int64_t dram[MAX_SERIES + 1][MAX_POINTS];
} sweep;

static int parse_policies(const char *what, const char *text, sweep *sw)
{
    char buf[128];
    if (strlen(text) >= sizeof buf) {
        tool_error("%s: '%.40s...' is longer than %zu characters", what, text, sizeof buf - 1);
        return -1;
    }
    str_copy(buf, sizeof buf, text);
    sw->nseries = 0;
    for (char *p = buf; p;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        static const char *const choices[] = {"os", "ws", "is", "optimal", "best", NULL};
        static const int modes[] = {MODE_OS, MODE_WS, MODE_IS, MODE_OPTIMAL, MODE_BEST};
        int i;
        if (parse_choice(what, p, choices, &i) != 0) return -1;
        for (int k = 0; k < sw->nseries; k++)
            if (sw->mode[k] == modes[i]) {
                tool_error("%s: '%s' listed twice", what, p);
                return -1;
            }
        if (sw->nseries == MAX_SERIES) {
            tool_error("%s: at most %d policies", what, MAX_SERIES);
            return -1;
        }
        sw->mode[sw->nseries++] = modes[i];
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* Every point, every policy, every distinct layer (times its count). */
static int run(sweep *sw, const network *net, ec_memory *m, const df_desc *base)
{
    int *count = calloc((size_t)net->n, sizeof *count);
    ev_ctx c;
    if (!count || ev_init(&c) != 0) {
        free(count);
        tool_error("out of memory");
        return -1;
    }
    for (int i = 0; i < net->n; i++) {
        int j = 0;
        while (j < i && (count[j] == 0 ||
                         memcmp(net->layer[j].v, net->layer[i].v, sizeof net->layer[i].v) != 0))
            j++;
        count[j]++;
    }
    int rc = 0;
    char err[512];
    for (int pt = 0; pt < sw->npoints && rc == 0; pt++) {
        ec_memory_set(m, EC_MEM_CAPACITY, sw->cap[pt]);
        for (int s = 0; s <= sw->nseries && rc == 0; s++) {
            sw->energy[s][pt] = 0;
            sw->dram[s][pt] = 0;
            df_desc d = *base;
            if (s < sw->nseries) d.mode = sw->mode[s];
            for (int i = 0; i < net->n && rc == 0; i++) {
                if (!count[i]) continue;
                int64_t t = 0;
                double e = 0;
                if (s == sw->nseries) {
                    rc = ev_bound(&c, net->layer[i].v, m, &t, &e, err, sizeof err);
                } else {
                    ev_record r;
                    rc = ev_layer(&c, net->layer[i].v, m, &d, &r, err, sizeof err);
                    t = r.dram_total;
                    e = r.energy[EC_PART_TOTAL];
                }
                /* Checked: a wrapped or infinite total would plot as a
                 * negative or missing point with exit 0 (issue 17). */
                if (rc == 0 && ck_mul_add_i64(&sw->dram[s][pt], t, count[i]) != 0) {
                    snprintf(err, sizeof err, "the total DRAM words exceed 2^63 - 1 = "
                             "9223372036854775807 (this layer: %" PRId64 " words, %d times)",
                             t, count[i]);
                    rc = -1;
                }
                if (rc == 0 && ck_mul_add_f64(&sw->energy[s][pt], e, count[i]) != 0) {
                    snprintf(err, sizeof err, "the total energy exceeds the largest double "
                             "(about 1.8e308)");
                    rc = -1;
                }
                if (rc != 0)
                    tool_error("M = %" PRId64 " words, %s, layer %s: %s", sw->cap[pt],
                               s < sw->nseries ? mode_names[sw->mode[s]] : "bound",
                               net->layer[i].name, err);
            }
        }
    }
    ev_free(&c);
    free(count);
    return rc;
}

static void text_output(outbuf *ob, const sweep *sw, const char *subject, const ec_memory *m,
                        const df_desc *d)
{
    ob_printf(ob, "%s\n", subject);
    text_energies(ob, m);
    ob_printf(ob, "\nInput reuse %s, footprint %s; automatic tiles. Energy per policy and its lower "
                  "bound:\n\n", d->reuse ? "refetch" : "slide", d->footprint ? "bbox" : "exact");
    table t;
    table_init(&t, 0);
    table_col(&t, "capacity", "M (words)", COL_INT);
    for (int s = 0; s < sw->nseries; s++) table_col(&t, "", mode_names[sw->mode[s]], COL_NUM);
    table_col(&t, "", "bound", COL_NUM);
    table_col(&t, "", "best/bound", COL_RATIO);
    for (int pt = 0; pt < sw->npoints; pt++) {
        table_row(&t);
        table_int(&t, sw->cap[pt]);
        double best = 0;
        for (int s = 0; s < sw->nseries; s++) {
            table_num(&t, sw->energy[s][pt]);
            if (s == 0 || sw->energy[s][pt] < best) best = sw->energy[s][pt];
        }
        table_num(&t, sw->energy[sw->nseries][pt]);
        double b = sw->energy[sw->nseries][pt];
        table_num(&t, b > 0 ? best / b : 1.0);
    }
    table_render(&t, ob);
    table_free(&t);
}

static void csv_output(outbuf *ob, const sweep *sw)
{
    table t;
    table_init(&t, 1);
    char name[48];
    table_col(&t, "capacity", "", COL_INT);
    for (int s = 0; s <= sw->nseries; s++) {
        snprintf(name, sizeof name, "energy_%s", s < sw->nseries ? mode_names[sw->mode[s]] : "bound");
        table_col(&t, name, "", COL_NUM);
    }
    for (int s = 0; s <= sw->nseries; s++) {
        snprintf(name, sizeof name, "dram_%s", s < sw->nseries ? mode_names[sw->mode[s]] : "bound");
        table_col(&t, name, "", COL_INT);
    }
    for (int pt = 0; pt < sw->npoints; pt++) {
        table_row(&t);
        table_int(&t, sw->cap[pt]);
        for (int s = 0; s <= sw->nseries; s++) table_num(&t, sw->energy[s][pt]);
        for (int s = 0; s <= sw->nseries; s++) table_int(&t, sw->dram[s][pt]);
    }
    table_render(&t, ob);
    table_free(&t);
}

static void json_output(outbuf *ob, const sweep *sw, const network *net, int is_layer,
                        int64_t batch, const ec_memory *m, const df_desc *d)
{
    json j;
    json_begin_document(&j, ob, "sweep");
    json_key(&j, "subject");
    json_object(&j);
    json_kstring(&j, "kind", is_layer ? "layer" : "network");
    json_kstring(&j, "name", net->name);
    json_kint(&j, "layers", net->n);
    if (batch) json_kint(&j, "batch", batch);
    else json_kstring(&j, "batch", NULL);
    if (is_layer) {
        json_key(&j, "layer");
        json_object(&j);
        json_layer_params(&j, net->layer[0].v);
        json_end(&j);
    } else {
        json_kstring(&j, "file", net->origin);
    }
    json_end(&j);
    json_memory(&j, m);
    json_key(&j, "dataflow");
    json_object(&j);
    json_kstring(&j, "reuse", d->reuse ? "refetch" : "slide");
    json_kstring(&j, "footprint", d->footprint ? "bbox" : "exact");
    json_end(&j);
    json_key(&j, "policies");
    json_array(&j);
    for (int s = 0; s < sw->nseries; s++) json_string(&j, mode_names[sw->mode[s]]);
    json_end(&j);
    json_key(&j, "points");
    json_array(&j);
    for (int pt = 0; pt < sw->npoints; pt++) {
        json_object(&j);
        json_kint(&j, "capacity", sw->cap[pt]);
        for (int k = 0; k < 2; k++) {
            json_key(&j, k ? "dram" : "energy");
            json_object(&j);
            for (int s = 0; s <= sw->nseries; s++) {
                const char *key = s < sw->nseries ? mode_names[sw->mode[s]] : "bound";
                if (k) json_kint(&j, key, sw->dram[s][pt]);
                else json_kdouble(&j, key, sw->energy[s][pt]);
            }
            json_end(&j);
        }
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    json_finish(&j);
}

static int write_svg(const char *path, const sweep *sw, const char *title, const char *subtitle)
{
    double x[MAX_POINTS];
    for (int pt = 0; pt < sw->npoints; pt++) x[pt] = (double)sw->cap[pt];
    svg_series se[MAX_SERIES + 1];
    for (int s = 0; s <= sw->nseries; s++) {
        se[s].label = s < sw->nseries ? mode_names[sw->mode[s]] : "lower bound";
        se[s].y = sw->energy[s];
        se[s].color = s < sw->nseries ? colors[s] : "#000000";
        se[s].dashed = s == sw->nseries;
        /* The optimal (or best-of-three) line is wide and pale, below the
         * named policies it often coincides with. */
        int under = s < sw->nseries && (sw->mode[s] == MODE_OPTIMAL || sw->mode[s] == MODE_BEST);
        se[s].width = under ? 6 : 2;
        se[s].opacity = under ? 0.35 : 1;
    }
    /* Draw the wide lines first. */
    svg_series sorted[MAX_SERIES + 1];
    int k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s <= sw->nseries; s++)
            if ((se[s].width > 2) == (pass == 0)) sorted[k++] = se[s];
    svg_plot p = {title, subtitle, "Buffer capacity M (words)", "energy (units of the per-access energies)",
                  x, sw->npoints, sorted, sw->nseries + 1};
    outbuf ob;
    ob_init(&ob);
    int rc = svg_write(&ob, &p);
    if (rc == 0) rc = ob_save(&ob, path, "the --svg plot");
    ob_free(&ob);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    argscan s;
    argscan_init(&s, argc, argv);
    layer_flags lf = {{0}, 0};
    mem_desc md, mf;
    mem_desc_init(&md);
    mem_desc_init(&mf);
    df_desc d;
    df_init(&d);
    onnx_opts oo;
    onnx_opts_init(&oo);
    static sweep sw;
    memset(&sw, 0, sizeof sw);
    size_arg from = {1024, 0, 1, "--from"}, to = {4 << 20, 0, 1, "--to"};
    const char *memfile = NULL, *arg = NULL, *svg = NULL, *title = NULL;
    int format = FMT_TABLE, r;
    int64_t batch = 0;
    parse_policies("--policies", "os,ws,is,optimal", &sw);
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            if (argscan_positional(&s, &arg, "one network at a time")) return EXIT_USAGE;
            continue;
        }
        if (is_help(&s)) {
            printf("%s\n%s\n%s\nDataflow: --reuse slide|refetch, --footprint exact|bbox (as for "
                   "'ecnn layer').\n\n%s", usage, layer_help, mem_help, format_help);
            return 0;
        }
        const char *v;
        if (argscan_is(&s, "from") || argscan_is(&s, "to")) {
            size_arg *dst = argscan_is(&s, "from") ? &from : &to;
            if (!(v = argscan_value(&s)) || parse_size(s.opt, v, dst) != 0) return EXIT_USAGE;
            continue;
        }
        if (argscan_is(&s, "policies")) {
            if (!(v = argscan_value(&s)) || parse_policies(s.opt, v, &sw) != 0) return EXIT_USAGE;
            continue;
        }
        if (argscan_is(&s, "svg") || argscan_is(&s, "title")) {
            const char **dst = argscan_is(&s, "svg") ? &svg : &title;
            if (!(v = argscan_value(&s))) return EXIT_USAGE;
            *dst = v;
            continue;
        }
        if (argscan_is(&s, "batch")) {
            if (!(v = argscan_value(&s)) || parse_int(s.opt, v, 1, &batch) != 0) return EXIT_USAGE;
            continue;
        }
        if (argscan_is(&s, "policy") || argscan_is(&s, "order") ||
            (s.name && strncmp(s.name, "tile-", 5) == 0)) {
            tool_error("%s: a sweep takes --policies LIST and automatic tiles", s.opt);
            return EXIT_USAGE;
        }
        if (argscan_is(&s, "capacity") || argscan_is(&s, "M")) {
            tool_error("%s: a sweep sets the capacity: use --from and --to", s.opt);
            return EXIT_USAGE;
        }
        if ((r = layer_flag(&s, &lf)) || (r = mem_flag(&s, &md, &memfile)) ||
            (r = df_flag(&s, &d, 0)) || (r = format_flag(&s, &format)) ||
            (r = onnx_flag(&s, &oo, 0))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    if (arg && lf.set) {
        tool_error("give either a network (%s) or layer flags, not both", arg);
        return EXIT_USAGE;
    }
    if (!arg && !lf.set) {
        tool_error("what to sweep? Give a network NAME or FILE, or a layer by flags (--C, --K, ...)");
        return EXIT_USAGE;
    }
    if (memfile && memfile_read(memfile, &mf) != 0) return EXIT_INPUT;
    int64_t wb = md.word_bytes ? md.word_bytes : mf.word_bytes, lo, hi;
    if (size_words(&from, wb, &lo) != 0 || size_words(&to, wb, &hi) != 0) return EXIT_USAGE;
    if (lo < 1 || hi < lo) {
        tool_error("--from %" PRId64 " and --to %" PRId64 ": need 1 <= from <= to", lo, hi);
        return EXIT_USAGE;
    }
    for (int64_t c = lo; c <= hi; c *= 2) {
        if (sw.npoints == MAX_POINTS) {
            tool_error("--from %" PRId64 " --to %" PRId64 ": more than %d points", lo, hi, MAX_POINTS);
            return EXIT_USAGE;
        }
        sw.cap[sw.npoints++] = c;
        if (c > INT64_MAX / 2) break;
    }

    network net;
    net_init(&net);
    oo.batch = batch;
    net.onnx = &oo;
    if (arg) {
        if (net_load_batch(arg, &net, &batch) != 0) return EXIT_INPUT;
    } else {
        int64_t v[LP_COUNT];
        lp_defaults(v);
        layer_flags_apply(&lf, v);
        if (batch) v[EC_LAYER_N] = batch;
        str_copy(net.name, sizeof net.name, "layer");
        batch = v[EC_LAYER_N];
        if (net_add(&net, "layer", v) != 0) return EXIT_INPUT;
    }
    int rc = EXIT_INPUT;
    ec_memory *m = ec_memory_create();
    outbuf ob;
    ob_init(&ob);
    if (!m) {
        tool_error("out of memory");
        goto out;
    }
    if (mem_build(memfile ? &mf : NULL, &md, m) != 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    int64_t part[3], choose;
    for (int i = 0; i < 3; i++) ec_memory_get(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), &part[i]);
    ec_memory_get(m, EC_MEM_CHOOSE_PARTITION, &choose);
    if (!choose && (part[0] || part[1] || part[2])) {
        tool_error("a sweep varies the capacity of the Buffer: a fixed partition cannot be swept "
                   "(use --choose-partition to partition each capacity the cheapest way)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (run(&sw, &net, m, &d) != 0) goto out;

    char subject[512], subtitle[512];
    if (arg && batch)
        snprintf(subject, sizeof subject, "%s (%d layers, batch %" PRId64 ")", net.title, net.n,
                 batch);
    else if (arg)
        snprintf(subject, sizeof subject, "%s (%d layers)", net.title, net.n);
    else {
        ec_layer *l = ec_layer_create();
        int64_t P = 0, Q = 0;
        char err[256], shape[256];
        if (l && lp_to_layer(net.layer[0].v, l, err, sizeof err) == EC_OK) {
            ec_layer_get(l, EC_LAYER_P, &P);
            ec_layer_get(l, EC_LAYER_Q, &Q);
        }
        ec_layer_destroy(l);
        lp_shape(net.layer[0].v, P, Q, shape, sizeof shape);
        snprintf(subject, sizeof subject, "layer %s", shape);
    }
    /* The plot's subtitle: the energies and the input options. */
    outbuf eb;
    ob_init(&eb);
    text_energies(&eb, m);
    if (choose) ob_puts(&eb, "; partition chosen");
    snprintf(subtitle, sizeof subtitle, "%s; input reuse %s, footprint %s", eb.data ? eb.data : "",
             d.reuse ? "refetch" : "slide", d.footprint ? "bbox" : "exact");
    ob_free(&eb);
    if (svg) {
        char deftitle[600];
        snprintf(deftitle, sizeof deftitle, "%s: energy against Buffer capacity", subject);
        if (write_svg(svg, &sw, title ? title : deftitle, subtitle) != 0) goto out;
    }
    if (format == FMT_TABLE) text_output(&ob, &sw, subject, m, &d);
    else if (format == FMT_CSV) csv_output(&ob, &sw);
    else json_output(&ob, &sw, &net, !arg, batch, m, &d);
    rc = ob_emit(&ob, stdout, "the result") == 0 ? 0 : EXIT_INPUT;
out:
    ob_free(&ob);
    ec_memory_destroy(m);
    net_free(&net);
    return rc;
}
