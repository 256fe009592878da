/* ecnn zoo: the built-in networks, their layer counts and MACs. */
#include "commands.h"
#include "netcsv.h"
#include "output.h"
#include "table.h"
#include "util.h"
#include "zoo.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn zoo [--batch N] [--format F]\n"
    "\n"
    "Lists the built-in networks (use a name with 'ecnn net NAME'): their layer\n"
    "counts, MACs (conv, fully-connected and matrix-product layers, padding taps\n"
    "included) and sources. Where they are read from is described in docs/zoo.md.\n"
    "\n"
    "  --batch N              the batch size the MACs are counted for (default 1)\n";

typedef struct entry {
    network net;
    int64_t macs;
} entry;

int cmd_zoo(int argc, char **argv)
{
    argscan s;
    argscan_init(&s, argc, argv);
    int format = FMT_TABLE, r;
    int64_t batch = 1;
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END) break;
        if (k == ARG_ERROR) return EXIT_USAGE;
        if (k == ARG_POSITIONAL) {
            tool_error("unexpected argument '%s'", s.positional);
            return EXIT_USAGE;
        }
        if (is_help(&s)) {
            printf("%s\n%s", usage, format_help);
            return 0;
        }
        if (argscan_is(&s, "batch")) {
            const char *v = argscan_value(&s);
            if (!v || parse_int(s.opt, v, 1, &batch) != 0) return EXIT_USAGE;
            continue;
        }
        if ((r = format_flag(&s, &format))) {
            if (r < 0) return EXIT_USAGE;
            continue;
        }
        argscan_unknown(&s);
        return EXIT_USAGE;
    }
    char dir[PATH_MAX];
    if (zoo_dir(dir, sizeof dir, 0) != 0) return EXIT_INPUT;
    static char names[ZOO_MAX][64];
    int n = zoo_names(dir, names, ZOO_MAX);
    if (n < 0) return EXIT_INPUT;
    static entry e[ZOO_MAX];
    int rc = EXIT_INPUT;
    for (int i = 0; i < n; i++) net_init(&e[i].net);
    ec_layer *layer = ec_layer_create();
    outbuf ob;
    ob_init(&ob);
    if (!layer) goto out;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 80], file[80];
        snprintf(file, sizeof file, "%.63s.csv", names[i]);
        if (path_join(path, sizeof path, dir, file) != 0 || netcsv_read(path, &e[i].net) != 0)
            goto out;
        str_copy(e[i].net.name, sizeof e[i].net.name, names[i]);
        str_copy(e[i].net.origin, sizeof e[i].net.origin, path);
        e[i].macs = 0;
        for (int l = 0; l < e[i].net.n; l++) {
            char err[512];
            int64_t macs;
            if (net_layer_set_batch(&e[i].net.layer[l], batch) != 0) goto out;
            if (lp_to_layer(e[i].net.layer[l].v, layer, err, sizeof err) != EC_OK) {
                tool_error("%s: layer %s: %s", path, e[i].net.layer[l].name, err);
                goto out;
            }
            ec_layer_get(layer, EC_LAYER_MACS, &macs);
            if (ck_add_i64(&e[i].macs, macs) != 0) {
                tool_error("%s: the network's total MACs at batch %lld exceed 2^63 - 1 = "
                           "9223372036854775807 at layer %d (%s)",
                           path, (long long)batch, l + 1, e[i].net.layer[l].name);
                goto out;
            }
        }
    }
    if (format == FMT_JSON) {
        json j;
        json_begin_document(&j, &ob, "zoo");
        json_kstring(&j, "directory", dir);
        json_kint(&j, "batch", batch);
        json_key(&j, "networks");
        json_array(&j);
        for (int i = 0; i < n; i++) {
            json_object(&j);
            json_kstring(&j, "name", e[i].net.name);
            json_kstring(&j, "title", e[i].net.title[0] ? e[i].net.title : e[i].net.name);
            json_kint(&j, "layers", e[i].net.n);
            json_kint(&j, "macs", e[i].macs);
            json_kstring(&j, "source", e[i].net.source);
            json_kstring(&j, "file", e[i].net.origin);
            json_end(&j);
        }
        json_end(&j);
        json_end(&j);
        json_finish(&j);
    } else {
        table t;
        table_init(&t, format == FMT_CSV);
        table_col(&t, "name", "name", COL_STR);
        table_col(&t, "title", "network", COL_STR);
        table_col(&t, "layers", "layers", COL_INT);
        table_col(&t, "macs", "MACs", COL_INT);
        table_col(&t, "source", "source", COL_STR);
        for (int i = 0; i < n; i++) {
            table_row(&t);
            table_str(&t, e[i].net.name);
            table_str(&t, e[i].net.title[0] ? e[i].net.title : e[i].net.name);
            table_int(&t, e[i].net.n);
            table_int(&t, e[i].macs);
            table_str(&t, e[i].net.source);
        }
        table_render(&t, &ob);
        table_free(&t);
        if (format == FMT_TABLE)
            ob_printf(&ob, "\n%d networks in %s; MACs at batch %lld (conv, fully-connected "
                           "and matrix-product layers).\n", n, dir, (long long)batch);
    }
    rc = ob_emit(&ob, stdout, "the list") == 0 ? 0 : EXIT_INPUT;
out:
    for (int i = 0; i < n; i++) net_free(&e[i].net);
    ob_free(&ob);
    ec_layer_destroy(layer);
    return rc;
}
