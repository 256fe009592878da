/* Speed of the optimal-dataflow search (EC_POLICY_OPTIMAL, target: under
 * 20 ms a layer) and of the lower bound alone (ec_lower_bound, target:
 * under 10 microseconds a layer) over the conv layers of ResNet-50 at
 * M = 65536. Prints the median, minimum and maximum over the shapes of each
 * shape's median time. Run: build/bench/bench_search [repetitions]. */
#define _POSIX_C_SOURCE 199309L
#include "bench_util.h"

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 9;
    if (reps < 1) reps = 1;
    const int inner = 1000; /* bound calls per timing sample */
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *r = ec_result_create();
    double *sample = malloc(sizeof(double) * reps), opt[RESNET50_SHAPES], bnd[RESNET50_SHAPES];
    double sink = 0;
    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    ec_dataflow_set(df, EC_DF_POLICY, EC_POLICY_OPTIMAL);
    for (int i = 0; i < RESNET50_SHAPES; i++) {
        bench_set_layer(l, &resnet50[i]);
        for (int k = 0; k < reps; k++) {
            double t0 = bench_now();
            bench_check(ec_evaluate(l, m, df, r), r, resnet50[i].name);
            sample[k] = bench_now() - t0;
        }
        opt[i] = bench_median(sample, reps);
        for (int k = 0; k < reps; k++) {
            double t0 = bench_now();
            for (int j = 0; j < inner; j++) {
                bench_check(ec_lower_bound(l, m, r), r, resnet50[i].name);
                int64_t t;
                ec_result_bound(r, EC_BOUND_TRANSFERS, &t);
                sink += (double)t;
            }
            sample[k] = (bench_now() - t0) / inner;
        }
        bnd[i] = bench_median(sample, reps);
    }
    printf("libecnn %s: over %d ResNet-50 conv shapes, M = 65536, %d repetitions\n",
           ec_version_string(), RESNET50_SHAPES, reps);
    bench_report("optimal search, per layer", opt, RESNET50_SHAPES, 1e3, "ms");
    bench_report("lower bound, per layer", bnd, RESNET50_SHAPES, 1e6, "us");
    printf("(checksum %g)\n", sink);
    free(sample);
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
