/* Speed of ec_evaluate with explicit tiles (goal: under 100 ns a call) over
 * the distinct layers of ResNet-50 (tools/zoo/resnet50.csv) at batch 1, 8
 * and 64, M = 64Ki, with varied orders and tiles: for each layer, the tiles
 * the automatic tiling chooses under OS, WS, IS and the optimal policy,
 * each evaluated under the three named orders and three fixed
 * pseudo-random permutations. Prints the median and maximum over those
 * inputs of the CPU time per call (each input timed over many calls), and
 * the same for the automatic tiling of the named policies.
 * Run: build/bench/bench_evaluate [repetitions]. */
#define _POSIX_C_SOURCE 199309L
#include "bench_util.h"

#include <stdint.h>

#define MAX_INPUTS 8192

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1) reps = 1;
    const int inner = 2000; /* explicit-tile calls per timing sample */
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *r = ec_result_create();
    double *sample = malloc(sizeof(double) * (size_t)reps);
    static double explicit_[MAX_INPUTS], automatic[MAX_INPUTS];
    int ne = 0, na = 0;
    double sink = 0;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    bench_net net = bench_zoo("resnet50");
    static const long batches[] = {1, 8, 64};

    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    for (int bi = 0; bi < 3; bi++) {
        for (int i = 0; i < net.n; i++) {
            bench_set_layer(l, &net.v[i], batches[bi]);
            for (int p = 0; p < 4; p++) {
                int policy = p == 3 ? EC_POLICY_OPTIMAL : p;
                ec_dataflow_set(df, EC_DF_POLICY, policy);
                for (int d = 0; d < EC_NDIMS; d++)
                    ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), 0);
                for (int k = 0; k < reps; k++) {
                    double t0 = bench_cpu();
                    bench_check(ec_evaluate(l, m, df, r), r, net.v[i].name);
                    sample[k] = bench_cpu() - t0;
                }
                if (p < 3) automatic[na++] = bench_median(sample, reps);
                /* The tiles just chosen, now given explicitly, under six orders. */
                for (int d = 0; d < EC_NDIMS; d++) {
                    int64_t t;
                    ec_result_tile(r, (ec_dim)d, &t, NULL);
                    ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), t);
                }
                for (int o = 0; o < 6; o++) {
                    if (o < 3) {
                        ec_dataflow_set(df, EC_DF_POLICY, o);
                    } else {
                        ec_dim order[EC_NDIMS] = {0, 1, 2, 3, 4, 5, 6, 7};
                        for (int k = EC_NDIMS - 1; k > 0; k--) { /* Fisher-Yates, splitmix64 */
                            uint64_t z = (seed += 0x9E3779B97F4A7C15ull);
                            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
                            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
                            int j = (int)((z ^ (z >> 31)) % (uint64_t)(k + 1));
                            ec_dim tmp = order[k];
                            order[k] = order[j];
                            order[j] = tmp;
                        }
                        ec_dataflow_set_order(df, order);
                        ec_dataflow_set(df, EC_DF_POLICY, EC_POLICY_CUSTOM);
                    }
                    for (int k = 0; k < reps; k++) {
                        double t0 = bench_cpu();
                        for (int j = 0; j < inner; j++) {
                            bench_check(ec_evaluate(l, m, df, r), r, net.v[i].name);
                            double e;
                            ec_result_energy(r, EC_PART_TOTAL, &e);
                            sink += e;
                        }
                        sample[k] = (bench_cpu() - t0) / inner;
                    }
                    if (ne < MAX_INPUTS) explicit_[ne++] = bench_median(sample, reps);
                }
            }
        }
    }
    printf("libecnn %s: ec_evaluate over %d ResNet-50 layers x batch 1, 8, 64, M = 65536, "
           "CPU time, %d repetitions\n", ec_version_string(), net.n, reps);
    bench_report("ec_evaluate, explicit tiles, per call", explicit_, ne, 1e9, "ns");
    bench_report("named policies (resnet50, N<=64, 64Ki)", automatic, na, 1e3, "ms");
    printf("(%d explicit inputs: 4 tilings x 6 orders per layer and batch; checksum %g)\n", ne, sink);
    free(net.v);
    free(sample);
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
