/* Agreement with Timeloop on hierarchies: every row of
 * $ECNN_VALIDATION_DIR/multilevel/{eyeriss_like,simba_like}/timeloop_mapper.csv
 * is a mapping that timeloop-model v3.0.3 evaluated on a five- or six-level
 * accelerator. The row's mapping_compact column (Timeloop's own summary of
 * the mapping: kept tensors, temporal factors outermost first, spatial X/Y
 * factors per level) is parsed here; the architecture (meshes, bypass) and
 * the energies per word come from the arch.yaml and ERT.yaml of the same
 * directory, transcribed in the tables below (docs/validation.md says how:
 * per word = the ERT's largest read (write) energy / block-size).
 *
 * Checked per row: every count (reads, fills, updates of every level and
 * tensor; Timeloop prints them per instance, so the library's totals are
 * divided by the utilized instances), every level's energy and the total
 * within 0.1 %; and over all rows, every energy within 1e-6 (the levels'
 * block sizes are set, so accesses are priced per whole block as Timeloop
 * does). Mismatches are all printed before the test fails.
 *
 * Simba-like's PEWeightRegs (class reg_storage, cluster-size 64, ERT action
 * "access" 0.009 pJ) follows Timeloop v3.0.3's fallback, documented in
 * docs/validation.md: "access" is none of the ERT actions Timeloop looks up
 * for a storage level (read, write and their random_ forms), so Timeloop
 * prices its reads, fills and updates with its built-in SRAM model
 * (pat::SRAMEnergy of the cluster's 1 x 512-bit array, over the cluster
 * size), and charges that once per utilized cluster: min(U, 256 / 64) of
 * the U instances used. Both are written out here by hand, independently of
 * tools/ecnn/archyaml.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecnn.h"
#include "csv_split.h"
#include "hier_compact.h"

#define MAX_COLS 96
#define MAX_LINE 8192

typedef struct arch_level {
    const char *name;
    int64_t mesh_x, mesh_y;
    double read, write; /* per word */
    int64_t cluster;    /* Timeloop's cluster-size; 0 = 1 */
    int64_t block;      /* Timeloop's block-size; 0 = 1 */
} arch_level;

/* pat::SRAMEnergy(height, width) of Timeloop v3.0.3 (pat-public/src/pat/
 * pat.cpp): a line through the Eyeriss points 0.5 KB -> 1 and 100 KB -> 6
 * units, per 16 bits of the access width. */
#define PAT_SRAM(height, width)                                                          \
    (((5.0 / 99.5) * ((double)(width) * (height) / 8192.0 - 0.5) + 1.0) * (width) / 16.0)

/* PEWeightRegs: memory_depth 1, word-bits 8, block 1, cluster-size 64: a
 * 1 x 512-bit array, its energy shared by the 64 instances of a cluster. */
#define REGS_WORD (PAT_SRAM(1, 8 * 64) / 64)

typedef struct arch {
    const char *dir;
    int levels; /* on-chip */
    arch_level level[7];
    int64_t mac_x, mac_y;
    double mac;
} arch;

/* eyeriss_like/arch.yaml + ERT.yaml: DRAM block 4 words; shared_glb block
 * 4; the others block 1. PE[0..167] with meshX 14: 14 x 12. */
static const arch eyeriss = {
    "eyeriss_like", 5,
    {{"DRAM", 1, 1, 512.0 / 4, 512.0 / 4, 0, 4},
     {"shared_glb", 1, 1, 74.144 / 4, 75.215 / 4, 0, 4},
     {"DummyBuffer", 14, 1, 0.202, 0.202, 0, 0},
     {"ifmap_spad", 14, 12, 0.237, 0.237, 0, 0},
     {"weights_spad", 14, 12, 1.586, 1.586, 0, 0},
     {"psum_spad", 14, 12, 0.251, 0.251, 0, 0}},
    14, 12, 2.2};

/* simba_like: DRAM block 8; GlobalBuffer block 32; PEInputBuffer and
 * PEWeightBuffer block 8; PE[0..15] meshX 16, four weight and accumulation
 * buffers per PE (16 x 4), sixteen registers and MACs per PE (16 x 16). */
static const arch simba = {
    "simba_like", 5,
    {{"DRAM", 1, 1, 512.0 / 8, 512.0 / 8, 0, 8},
     {"GlobalBuffer", 1, 1, 1.049 / 32, 1.049 / 32, 0, 32},
     {"PEInputBuffer", 16, 1, 0.237 / 8, 0.237 / 8, 0, 8},
     {"PEWeightBuffer", 16, 4, 0.237 / 8, 0.237 / 8, 0, 8},
     {"PEAccuBuffer", 16, 4, 0.237, 0.237, 0, 0},
     {"PEWeightRegs", 16, 16, REGS_WORD, REGS_WORD, 64, 0}},
    16, 16, 0.561};

static int split_csv(char *line, char *fields[MAX_COLS]) { return csv_split(line, fields, MAX_COLS); }

typedef struct table {
    char names[MAX_COLS][64];
    int count;
} table;

static int col(const table *h, const char *name)
{
    for (int i = 0; i < h->count; i++)
        if (strcmp(h->names[i], name) == 0) return i;
    return -1;
}

static void parse_compact(const char *text, const arch *a, ec_memory *m, ec_dataflow *d)
{
    if (compact_read(text, a->levels, m, d) != 0) fail_msg("mapping_compact: cannot read '%s'", text);
}

static double worst; /* largest relative energy deviation of the last check_arch() */

static int close_enough(double got, double want)
{
    if (want != 0 && fabs(got - want) / fabs(want) > worst) worst = fabs(got - want) / fabs(want);
    return fabs(got - want) <= 1e-3 * fabs(want) + 1e-6;
}

static void check_arch(const arch *a, int *rows_out, int *bad_out)
{
    const char *root = getenv("ECNN_VALIDATION_DIR");
    if (!root) root = "../shared/validation";
    char path[512];
    snprintf(path, sizeof path, "%s/multilevel/%s/timeloop_mapper.csv", root, a->dir);
    FILE *fp = fopen(path, "r");
    if (!fp) fail_msg("cannot open %s", path);
    static char line[MAX_LINE];
    char *fields[MAX_COLS];
    table h;
    assert_non_null(fgets(line, sizeof line, fp));
    h.count = split_csv(line, fields);
    for (int i = 0; i < h.count; i++) snprintf(h.names[i], sizeof h.names[i], "%s", fields[i]);
    int rows = 0, bad = 0;
    worst = 0;
    static const char *const tnames[3] = {"Inputs", "Weights", "Outputs"};
    static const char *const anames[3] = {"reads", "fills", "updates"};
    while (fgets(line, sizeof line, fp)) {
        int nf = split_csv(line, fields);
        if (nf <= 0) continue;
        rows++;
        const char *layer_name = fields[col(&h, "layer")];
#define F(name) atoll(fields[col(&h, name)])
        ec_layer *ly = ec_layer_create();
        int64_t R = F("R"), S = F("S"), P = F("P"), Q = F("Q"), sh = F("Hstride"), sw = F("Wstride");
        int64_t dh = F("Hdilation"), dw = F("Wdilation");
        ec_layer_set(ly, EC_LAYER_N, F("N"));
        ec_layer_set(ly, EC_LAYER_C, F("C"));
        ec_layer_set(ly, EC_LAYER_K, F("K"));
        ec_layer_set(ly, EC_LAYER_R, R);
        ec_layer_set(ly, EC_LAYER_S, S);
        ec_layer_set(ly, EC_LAYER_H, (P - 1) * sh + (R - 1) * dh + 1);
        ec_layer_set(ly, EC_LAYER_W, (Q - 1) * sw + (S - 1) * dw + 1);
        ec_layer_set(ly, EC_LAYER_STRIDE_H, sh);
        ec_layer_set(ly, EC_LAYER_STRIDE_W, sw);
        ec_layer_set(ly, EC_LAYER_DILATION_H, dh);
        ec_layer_set(ly, EC_LAYER_DILATION_W, dw);
        ec_memory *m = ec_memory_create();
        ec_memory_set_energy(m, EC_ENERGY_MAC, a->mac);
        assert_int_equal(ec_memory_set_levels(m, a->levels), EC_OK);
        for (int l = 0; l <= a->levels; l++) {
            const arch_level *al = &a->level[l];
            ec_memory_level_set_name(m, l, al->name);
            if (al->block) assert_int_equal(ec_memory_level_set_block(m, l, al->block), EC_OK);
            if (l) {
                ec_memory_level_set(m, l, EC_HIER_MESH_X, al->mesh_x);
                ec_memory_level_set(m, l, EC_HIER_MESH_Y, al->mesh_y);
                if (al->cluster)
                    assert_int_equal(ec_memory_level_set_cluster(m, l, al->cluster), EC_OK);
            }
            for (int t = 0; t < 3; t++) {
                ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_READ, al->read);
                ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_FILL, al->write);
                ec_memory_level_set_energy(m, l, (ec_tensor)t, EC_ACTION_UPDATE, al->write);
            }
        }
        ec_memory_level_set(m, a->levels + 1, EC_HIER_MESH_X, a->mac_x);
        ec_memory_level_set(m, a->levels + 1, EC_HIER_MESH_Y, a->mac_y);
        ec_dataflow *d = ec_dataflow_create();
        parse_compact(fields[col(&h, "mapping_compact")], a, m, d);
        ec_result *r = ec_result_create();
        ec_status st = ec_evaluate(ly, m, d, r);
        if (st != EC_OK) {
            printf("%s %s: %s: %s\n", a->dir, layer_name, ec_status_string(st), ec_result_message(r));
            bad++;
        } else {
            int row_bad = 0;
            for (int l = 0; l <= a->levels; l++) {
                int64_t inst;
                ec_result_level_instances(r, l, &inst);
                for (int t = 0; t < 3; t++)
                    for (int act = 0; act < 3; act++) {
                        char name[128];
                        snprintf(name, sizeof name, "%s_%s_%s", a->level[l].name, tnames[t],
                                 anames[act]);
                        int c = col(&h, name);
                        int64_t got;
                        ec_result_level_count(r, l, (ec_tensor)t, (ec_action)act, &got);
                        if (c < 0) {
                            if (got != 0) {
                                printf("%s %s: %s = %lld but Timeloop has no such column\n", a->dir,
                                       layer_name, name, (long long)got);
                                row_bad++;
                            }
                            continue;
                        }
                        int64_t want = atoll(fields[c]);
                        if (got != want * inst) {
                            printf("%s %s: %s: %lld (per instance %.2f of %lld) != Timeloop %lld\n",
                                   a->dir, layer_name, name, (long long)got,
                                   (double)got / (double)inst, (long long)inst, (long long)want);
                            row_bad++;
                        }
                    }
                double e;
                char name[128];
                snprintf(name, sizeof name, "%s_energy_pJ", a->level[l].name);
                ec_result_level_energy(r, l, &e);
                double want = atof(fields[col(&h, name)]);
                if (getenv("ECNN_TL_VERBOSE"))
                    printf("%s %s: %s: %.6g vs %.6g (%.2e)\n", a->dir, layer_name, name, e, want,
                           want ? (e - want) / want : 0);
                if (!close_enough(e, want)) {
                    printf("%s %s: %s: %.2f != Timeloop %.2f (%.3f%%)\n", a->dir, layer_name, name,
                           e, want, 100 * (e - want) / want);
                    row_bad++;
                }
            }
            double e;
            ec_result_energy(r, EC_PART_TOTAL, &e);
            double want = atof(fields[col(&h, "total_energy_pJ")]);
            if (!close_enough(e, want)) {
                printf("%s %s: total energy %.2f != Timeloop %.2f (%.3f%%)\n", a->dir, layer_name,
                       e, want, 100 * (e - want) / want);
                row_bad++;
            }
            bad += row_bad != 0;
        }
        ec_result_destroy(r);
        ec_dataflow_destroy(d);
        ec_memory_destroy(m);
        ec_layer_destroy(ly);
    }
    fclose(fp);
    *rows_out = rows;
    *bad_out = bad;
}

static void test_eyeriss(void **state)
{
    (void)state;
    int rows, bad;
    check_arch(&eyeriss, &rows, &bad);
    printf("eyeriss_like: %d rows, %d with a mismatch; largest energy deviation %.2e\n", rows, bad, worst);
    assert_int_equal(rows, 18);
    assert_int_equal(bad, 0);
    /* Beyond the issue's 0.1 %: with Timeloop's whole-block accesses and
     * clusters every level agrees to the CSV's printed precision. */
    assert_true(worst < 1e-6);
}

static void test_simba(void **state)
{
    (void)state;
    int rows, bad;
    check_arch(&simba, &rows, &bad);
    printf("simba_like: %d rows, %d with a mismatch; largest energy deviation %.2e\n", rows, bad, worst);
    assert_int_equal(rows, 18);
    assert_int_equal(bad, 0);
    /* Beyond the issue's 0.1 %: with Timeloop's whole-block accesses and
     * clusters every level agrees to the CSV's printed precision. */
    assert_true(worst < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eyeriss),
        cmocka_unit_test(test_simba),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
