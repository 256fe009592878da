/* Speed of ec_evaluate over the conv layers of ResNet-50 at M = 65536:
 * with explicit tiles (target: under 1 microsecond a call) and with
 * automatic tiling under each named policy (target: under 5 ms a layer for
 * the core, 1 ms for the named policies). Prints the median, minimum and
 * maximum over the shapes of each shape's median time.
 * Run: build/bench/bench_evaluate [repetitions]. */
#define _POSIX_C_SOURCE 199309L
#include "bench_util.h"

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1) reps = 1;
    const int inner = 2000; /* explicit-tile calls per timing sample */
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *r = ec_result_create();
    double *sample = malloc(sizeof(double) * reps);
    double automatic[RESNET50_SHAPES], explicit_[RESNET50_SHAPES];
    static const char *names[3] = {"OS", "WS", "IS"};
    double sink = 0;

    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    printf("libecnn %s: ec_evaluate over %d ResNet-50 conv shapes, M = 65536, %d repetitions\n",
           ec_version_string(), RESNET50_SHAPES, reps);
    for (int p = 0; p < 3; p++) {
        for (int i = 0; i < RESNET50_SHAPES; i++) {
            bench_set_layer(l, &resnet50[i]);
            ec_dataflow_set(df, EC_DF_POLICY, p);
            for (int d = 0; d < EC_NDIMS; d++) ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), 0);
            for (int k = 0; k < reps; k++) {
                double t0 = bench_now();
                bench_check(ec_evaluate(l, m, df, r), r, resnet50[i].name);
                sample[k] = bench_now() - t0;
            }
            automatic[i] = bench_median(sample, reps);
            /* The tiles just chosen, now given explicitly. */
            for (int d = 0; d < EC_NDIMS; d++) {
                int64_t t;
                ec_result_tile(r, (ec_dim)d, &t, NULL);
                ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), t);
            }
            for (int k = 0; k < reps; k++) {
                double t0 = bench_now();
                for (int j = 0; j < inner; j++) {
                    bench_check(ec_evaluate(l, m, df, r), r, resnet50[i].name);
                    double e;
                    ec_result_energy(r, EC_PART_TOTAL, &e);
                    sink += e;
                }
                sample[k] = (bench_now() - t0) / inner;
            }
            explicit_[i] = bench_median(sample, reps);
        }
        char what[64];
        snprintf(what, sizeof what, "%s explicit tiles, per call", names[p]);
        bench_report(what, explicit_, RESNET50_SHAPES, 1e6, "us");
        snprintf(what, sizeof what, "%s automatic tiles, per layer", names[p]);
        bench_report(what, automatic, RESNET50_SHAPES, 1e3, "ms");
    }
    printf("(checksum %g)\n", sink);
    free(sample);
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
