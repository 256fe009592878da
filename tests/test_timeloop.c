/* Validation against Timeloop: every row of
 * $ECNN_VALIDATION_DIR/timeloop_two_level_mappings.csv is one explicit
 * mapping that timeloop-model evaluated on a two-level architecture (DRAM,
 * one shared GlobalBuffer of M_words words, one MAC; 200 pJ per DRAM word,
 * 6 pJ per buffer access, 1 pJ per MAC). MODEL.md section 3 says that the
 * `slide` + `bbox` dataflow reproduces Timeloop's counts; this test checks
 * that ec_evaluate() does, on every row, field by field, and that the total
 * energy is equal to the picojoule.
 *
 * The CSV is read by a small parser that finds columns by their header
 * names, not positions. All mismatches are printed (row number and field)
 * before the test fails. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecnn.h"
#include "csv_split.h"

#define EXPECTED_ROWS 504
#define MAX_COLS 64
#define MAX_LINE 4096

static int split_csv(char *line, char *fields[MAX_COLS]) { return csv_split(line, fields, MAX_COLS); }

typedef struct header {
    char names[MAX_COLS][64];
    int count;
} header;

static int column(const header *h, const char *name)
{
    for (int i = 0; i < h->count; i++)
        if (strcmp(h->names[i], name) == 0) return i;
    fail_msg("timeloop CSV: no column named '%s'", name);
    return -1;
}

static int64_t field_int(char *const fields[], int nf, int col, int row, const char *name)
{
    if (col >= nf) fail_msg("timeloop CSV row %d: missing field %s", row, name);
    char *end;
    errno = 0;
    long long v = strtoll(fields[col], &end, 10);
    if (errno || end == fields[col] || *end != '\0')
        fail_msg("timeloop CSV row %d: field %s = '%s' is not an integer", row, name,
                 fields[col]);
    return (int64_t)v;
}

static double field_double(char *const fields[], int nf, int col, int row, const char *name)
{
    if (col >= nf) fail_msg("timeloop CSV row %d: missing field %s", row, name);
    char *end;
    errno = 0;
    double v = strtod(fields[col], &end);
    if (errno || end == fields[col] || *end != '\0')
        fail_msg("timeloop CSV row %d: field %s = '%s' is not a number", row, name, fields[col]);
    return v;
}

/* Columns used, by header name. */
enum {
    C_LAYER, C_N, C_C, C_K, C_R, C_S, C_P, C_Q, C_H, C_W, C_HSTRIDE, C_WSTRIDE, C_HDIL,
    C_WDIL, C_M, C_ORDER, C_TN, C_TK, C_TC, C_TP, C_TQ, C_TR, C_TS, C_DR_I, C_DR_W, C_DR_O,
    C_DW_O, C_MACS, C_GR_I, C_GR_W, C_GR_O, C_GU_O, C_GF_I, C_GF_W, C_GF_O, C_E_TOTAL,
    C_COUNT
};

static const char *const col_names[C_COUNT] = {
    "layer", "N", "C", "K", "R", "S", "P", "Q", "H", "W", "Hstride", "Wstride", "Hdilation",
    "Wdilation", "M_words", "order_outer_to_inner", "tile_N", "tile_K", "tile_C", "tile_P",
    "tile_Q", "tile_R", "tile_S", "dram_read_I", "dram_read_W", "dram_read_O", "dram_write_O",
    "macs", "glb_read_I", "glb_read_W", "glb_read_O", "glb_update_O", "glb_fill_I",
    "glb_fill_W", "glb_fill_O", "energy_total_pJ",
};

static int mismatches;

static void check_eq(int row, const char *layer, const char *what, int64_t expected,
                     int64_t actual)
{
    if (expected == actual) return;
    mismatches++;
    print_error("row %d (%s): %s expected %lld, got %lld\n", row, layer, what,
                (long long)expected, (long long)actual);
}

static int64_t count_of(const ec_result *r, ec_tensor t, ec_level l, ec_access a)
{
    int64_t v = -1;
    assert_int_equal(ec_result_count(r, t, l, a, &v), EC_OK);
    return v;
}

static void test_timeloop_rows(void **state)
{
    (void)state;
    const char *dir = getenv("ECNN_VALIDATION_DIR");
    if (!dir || !*dir) fail_msg("ECNN_VALIDATION_DIR is not set: cannot find the Timeloop CSV");
    char path[4096];
    snprintf(path, sizeof path, "%s/timeloop_two_level_mappings.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s: %s", path, strerror(errno));

    static char line[MAX_LINE];
    char *fields[MAX_COLS];
    header h = {.count = 0};
    if (!fgets(line, sizeof line, f)) fail_msg("%s is empty", path);
    int nh = split_csv(line, fields);
    if (nh <= 0) fail_msg("%s: malformed header", path);
    for (int i = 0; i < nh; i++) {
        snprintf(h.names[i], sizeof h.names[i], "%s", fields[i]);
    }
    h.count = nh;
    int col[C_COUNT];
    for (int i = 0; i < C_COUNT; i++) col[i] = column(&h, col_names[i]);

    ec_layer *layer = ec_layer_create();
    ec_memory *mem = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *res = ec_result_create();
    assert_non_null(layer);
    assert_non_null(mem);
    assert_non_null(df);
    assert_non_null(res);

    int rows = 0, line_no = 1;
    mismatches = 0;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (strchr(line, '\n') == NULL && !feof(f)) fail_msg("%s:%d: line too long", path, line_no);
        int nf = split_csv(line, fields);
        if (nf == 0) continue; /* blank line */
        if (nf != h.count)
            fail_msg("%s:%d: %d fields, header has %d", path, line_no, nf, h.count);
        rows++;
        int row = rows; /* data row number, 1-based (file line row + 1) */
        const char *name = fields[col[C_LAYER]];
#define I(c) field_int(fields, nf, col[c], row, col_names[c])
        int64_t N = I(C_N), C = I(C_C), K = I(C_K), R = I(C_R), S = I(C_S), H = I(C_H),
                W = I(C_W);
        /* The layer: G = 1, no padding. */
        assert_int_equal(ec_layer_set(layer, EC_LAYER_N, N), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_C, C), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_K, K), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_G, 1), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_H, H), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_W, W), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_R, R), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_S, S), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_STRIDE_H, I(C_HSTRIDE)), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_STRIDE_W, I(C_WSTRIDE)), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_DILATION_H, I(C_HDIL)), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_DILATION_W, I(C_WDIL)), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_PAD_TOP, 0), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_PAD_BOTTOM, 0), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_PAD_LEFT, 0), EC_OK);
        assert_int_equal(ec_layer_set(layer, EC_LAYER_PAD_RIGHT, 0), EC_OK);
        int64_t P = -1, Q = -1;
        assert_int_equal(ec_layer_get(layer, EC_LAYER_P, &P), EC_OK);
        assert_int_equal(ec_layer_get(layer, EC_LAYER_Q, &Q), EC_OK);
        check_eq(row, name, "P (derived)", I(C_P), P);
        check_eq(row, name, "Q (derived)", I(C_Q), Q);

        /* The memory: one shared Buffer of M_words, energies 200/6/1. */
        assert_int_equal(ec_memory_set(mem, EC_MEM_CAPACITY, I(C_M)), EC_OK);
        assert_int_equal(ec_memory_set(mem, EC_MEM_PARTITION_I, 0), EC_OK);
        assert_int_equal(ec_memory_set(mem, EC_MEM_PARTITION_W, 0), EC_OK);
        assert_int_equal(ec_memory_set(mem, EC_MEM_PARTITION_O, 0), EC_OK);
        assert_int_equal(ec_memory_set_energy(mem, EC_ENERGY_DRAM_READ, 200.0), EC_OK);
        assert_int_equal(ec_memory_set_energy(mem, EC_ENERGY_DRAM_WRITE, 200.0), EC_OK);
        assert_int_equal(ec_memory_set_energy(mem, EC_ENERGY_BUF_READ, 6.0), EC_OK);
        assert_int_equal(ec_memory_set_energy(mem, EC_ENERGY_BUF_WRITE, 6.0), EC_OK);
        assert_int_equal(ec_memory_set_energy(mem, EC_ENERGY_MAC, 1.0), EC_OK);

        /* The dataflow: "G" (extent 1) outermost, then the row's order
         * (its letters are already ours: K = output channels). */
        const char *ord = fields[col[C_ORDER]];
        if (strlen(ord) != 7) fail_msg("row %d: order '%s' is not 7 letters", row, ord);
        char order[16];
        snprintf(order, sizeof order, "G%s", ord);
        if (ec_dataflow_set_order_string(df, order) != EC_OK)
            fail_msg("row %d: order '%s' refused: %s", row, order, ec_dataflow_message(df));
        assert_int_equal(ec_dataflow_set(df, EC_DF_REUSE, EC_REUSE_SLIDE), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_N, I(C_TN)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_G, 1), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_K, I(C_TK)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_C, I(C_TC)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_P, I(C_TP)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_Q, I(C_TQ)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_R, I(C_TR)), EC_OK);
        assert_int_equal(ec_dataflow_set(df, EC_DF_TILE_S, I(C_TS)), EC_OK);

        ec_status st = ec_evaluate(layer, mem, df, res);
        if (st != EC_OK) {
            mismatches++;
            print_error("row %d (%s): ec_evaluate failed: %s: %s\n", row, name,
                        ec_status_string(st), ec_result_message(res));
            continue;
        }

        const ec_level D = EC_LEVEL_DRAM, B = EC_LEVEL_BUFFER;
        const ec_access RD = EC_ACCESS_READ, WR = EC_ACCESS_WRITE;
        check_eq(row, name, "dram_read_I", I(C_DR_I), count_of(res, EC_TENSOR_I, D, RD));
        check_eq(row, name, "dram_read_W", I(C_DR_W), count_of(res, EC_TENSOR_W, D, RD));
        check_eq(row, name, "dram_read_O", I(C_DR_O), count_of(res, EC_TENSOR_O, D, RD));
        check_eq(row, name, "dram_write_O", I(C_DW_O), count_of(res, EC_TENSOR_O, D, WR));
        check_eq(row, name, "dram_write_I (always 0)", 0, count_of(res, EC_TENSOR_I, D, WR));
        check_eq(row, name, "dram_write_W (always 0)", 0, count_of(res, EC_TENSOR_W, D, WR));
        check_eq(row, name, "buffer read I = glb_read_I", I(C_GR_I),
                 count_of(res, EC_TENSOR_I, B, RD));
        check_eq(row, name, "buffer read W = glb_read_W", I(C_GR_W),
                 count_of(res, EC_TENSOR_W, B, RD));
        check_eq(row, name, "buffer read O = glb_read_O", I(C_GR_O),
                 count_of(res, EC_TENSOR_O, B, RD));
        check_eq(row, name, "buffer write I = glb_fill_I", I(C_GF_I),
                 count_of(res, EC_TENSOR_I, B, WR));
        check_eq(row, name, "buffer write W = glb_fill_W", I(C_GF_W),
                 count_of(res, EC_TENSOR_W, B, WR));
        check_eq(row, name, "buffer write O = glb_fill_O + glb_update_O",
                 I(C_GF_O) + I(C_GU_O), count_of(res, EC_TENSOR_O, B, WR));
        int64_t macs = -1;
        assert_int_equal(ec_result_get(res, EC_RESULT_MACS, &macs), EC_OK);
        check_eq(row, name, "macs", I(C_MACS), macs);
#undef I
        double e = -1.0;
        assert_int_equal(ec_result_energy(res, EC_PART_TOTAL, &e), EC_OK);
        double e_ref = field_double(fields, nf, col[C_E_TOTAL], row, "energy_total_pJ");
        if (e != e_ref) {
            mismatches++;
            print_error("row %d (%s): energy_total_pJ expected %.1f, got %.1f\n", row, name,
                        e_ref, e);
        }
    }
    fclose(f);
    ec_result_destroy(res);
    ec_dataflow_destroy(df);
    ec_memory_destroy(mem);
    ec_layer_destroy(layer);

    print_message("timeloop: %d rows checked, %d mismatches\n", rows, mismatches);
    assert_int_equal(rows, EXPECTED_ROWS);
    if (mismatches) fail_msg("%d mismatches against Timeloop (listed above)", mismatches);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeloop_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
