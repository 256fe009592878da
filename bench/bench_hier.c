/* ec_evaluate() on a five-level Eyeriss-like hierarchy (DRAM, shared_glb,
 * DummyBuffer, ifmap_spad, weights_spad, psum_spad; 14 x 12 PEs) under the
 * 18 mappings Timeloop's mapper found (bench/eyeriss_mappings.h), and the
 * walk ec_count() on the smallest of them for scale. Prints, per mapping,
 * the median time of one call over many, then the median and maximum over
 * the mappings. Usage: bench_hier [REPEATS] (default 15). */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"
#include "eyeriss_mappings.h"
#include "hier_compact.h"

#include <string.h>

static void eyeriss(ec_memory *m)
{
    static const char *const names[6] = {"DRAM", "shared_glb", "DummyBuffer", "ifmap_spad",
                                         "weights_spad", "psum_spad"};
    static const int64_t mesh[6][2] = {{1, 1}, {1, 1}, {14, 1}, {14, 12}, {14, 12}, {14, 12}};
    ec_memory_set_levels(m, 5);
    for (int l = 0; l <= 5; l++) {
        ec_memory_level_set_name(m, l, names[l]);
        if (l) {
            ec_memory_level_set(m, l, EC_HIER_MESH_X, mesh[l][0]);
            ec_memory_level_set(m, l, EC_HIER_MESH_Y, mesh[l][1]);
        }
    }
    ec_memory_level_set(m, 6, EC_HIER_MESH_X, 14);
    ec_memory_level_set(m, 6, EC_HIER_MESH_Y, 12);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1) reps = 1;
    int n = (int)(sizeof eyeriss_rows / sizeof *eyeriss_rows);
    double per[64];
    ec_result *r = ec_result_create();
    for (int i = 0; i < n; i++) {
        const eyeriss_row *row = &eyeriss_rows[i];
        ec_layer *l = ec_layer_create();
        ec_layer_set(l, EC_LAYER_N, row->N);
        ec_layer_set(l, EC_LAYER_C, row->C);
        ec_layer_set(l, EC_LAYER_K, row->K);
        ec_layer_set(l, EC_LAYER_R, row->R);
        ec_layer_set(l, EC_LAYER_S, row->S);
        ec_layer_set(l, EC_LAYER_H, (row->P - 1) * row->sh + row->R);
        ec_layer_set(l, EC_LAYER_W, (row->Q - 1) * row->sw + row->S);
        ec_layer_set(l, EC_LAYER_STRIDE_H, row->sh);
        ec_layer_set(l, EC_LAYER_STRIDE_W, row->sw);
        ec_memory *m = ec_memory_create();
        eyeriss(m);
        ec_dataflow *d = ec_dataflow_create();
        if (compact_read(row->compact, 5, m, d) != 0 || ec_evaluate(l, m, d, r) != EC_OK) {
            fprintf(stderr, "%s: %s\n", row->name, ec_result_message(r));
            return 1;
        }
        /* Enough calls per sample to be well above the clock's resolution. */
        int inner = 1;
        for (;;) {
            double t0 = bench_now();
            for (int k = 0; k < inner; k++) ec_evaluate(l, m, d, r);
            if (bench_now() - t0 > 2e-3 || inner >= (1 << 20)) break;
            inner *= 2;
        }
        double samples[64];
        for (int s = 0; s < reps && s < 64; s++) {
            double t0 = bench_now();
            for (int k = 0; k < inner; k++) ec_evaluate(l, m, d, r);
            samples[s] = (bench_now() - t0) / inner;
        }
        per[i] = bench_median(samples, reps < 64 ? reps : 64);
        printf("%-24s ec_evaluate %9.3f us\n", row->name, per[i] * 1e6);
        ec_dataflow_destroy(d);
        ec_memory_destroy(m);
        ec_layer_destroy(l);
    }
    bench_report("ec_evaluate, 5-level Eyeriss-like", per, n, 1e6, "us");
    ec_result_destroy(r);
    return 0;
}
