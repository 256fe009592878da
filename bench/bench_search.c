/* Speed of the automatic tiling: the optimal search (EC_POLICY_OPTIMAL;
 * goal under 5 ms median and 50 ms worst per layer) and the named policies
 * (goal under 1 ms), over every distinct layer of ResNet-50, VGG-16 and
 * MobileNet-V2 (tools/zoo) at batch 1, 8, 64, 256 and M = 1Ki, 16Ki, 64Ki,
 * 1Mi; then the lower bound alone (ec_lower_bound) and one large layer
 * (C = K = 4096 on 1024x1024, 3x3, batch 256; goal under 1 s). Times are
 * CPU time of this process, the median of `reps` runs per layer; each
 * cell prints the median and the maximum over the layers.
 * Run: build/bench/bench_search [repetitions]. bench/perf_table.py turns
 * the output into the README's table. */
#define _POSIX_C_SOURCE 199309L
#include "bench_util.h"

static const char *const nets[] = {"resnet50", "vgg16", "mobilenet_v2"};
static const long batches[] = {1, 8, 64, 256};
static const long memories[] = {1024, 16384, 65536, 1048576};

/* Median CPU seconds of one evaluation of l under policy. */
static double time_eval(ec_layer *l, ec_memory *m, ec_dataflow *df, ec_result *r, int policy,
                        int reps, double *sample, const char *what)
{
    ec_dataflow_set(df, EC_DF_POLICY, policy);
    for (int k = 0; k < reps; k++) {
        double t0 = bench_cpu();
        bench_check(ec_evaluate(l, m, df, r), r, what);
        sample[k] = bench_cpu() - t0;
    }
    return bench_median(sample, reps);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1) reps = 1;
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *r = ec_result_create();
    double *sample = malloc(sizeof(double) * (size_t)reps);
    double opt[256], named[3 * 256], all_opt[4096], all_named[3 * 4096];
    int n_all = 0, n_all_named = 0;
    printf("libecnn %s: automatic tiling, CPU time per layer in ms (median / max over the "
           "distinct layers), %d repetitions\n", ec_version_string(), reps);
    for (int ni = 0; ni < 3; ni++) {
        bench_net net = bench_zoo(nets[ni]);
        printf("\n%s (%d distinct layers): EC_POLICY_OPTIMAL\n", net.name, net.n);
        printf("| M \\ batch | 1 | 8 | 64 | 256 |\n|---|---|---|---|---|\n");
        double named_max[4][4];
        for (int mi = 0; mi < 4; mi++) {
            ec_memory_set(m, EC_MEM_CAPACITY, memories[mi]);
            printf("| %ldKi |", memories[mi] / 1024);
            for (int bi = 0; bi < 4; bi++) {
                int nn = 0;
                for (int i = 0; i < net.n; i++) {
                    bench_set_layer(l, &net.v[i], batches[bi]);
                    opt[i] = time_eval(l, m, df, r, EC_POLICY_OPTIMAL, reps, sample, net.v[i].name);
                    all_opt[n_all++] = opt[i];
                    for (int p = 0; p < 3; p++) {
                        named[nn] = time_eval(l, m, df, r, p, reps, sample, net.v[i].name);
                        all_named[n_all_named++] = named[nn++];
                    }
                }
                double med = bench_median(opt, net.n);
                printf(" %.2f / %.1f |", med * 1e3, opt[net.n - 1] * 1e3);
                bench_median(named, nn);
                named_max[mi][bi] = named[nn - 1];
            }
            printf("\n");
            fflush(stdout);
        }
        double worst = 0;
        for (int mi = 0; mi < 4; mi++)
            for (int bi = 0; bi < 4; bi++)
                if (named_max[mi][bi] > worst) worst = named_max[mi][bi];
        printf("%s: named policies (OS, WS, IS), worst layer over the grid: %.3f ms\n", net.name,
               worst * 1e3);
        free(net.v);
    }
    printf("\n");
    bench_report("optimal search, all cells", all_opt, n_all, 1e3, "ms");
    bench_report("named policies, all cells", all_named, n_all_named, 1e3, "ms");
    int over = 0;
    for (int i = 0; i < n_all_named; i++) over += all_named[i] > 1e-3;
    printf("named policies, cells over 1 ms: %d of %d (the median of %d runs each)\n", over,
           n_all_named, reps);

    /* The lower bound alone, ResNet-50 at batch 1, M = 64Ki. */
    bench_net net = bench_zoo("resnet50");
    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    const int inner = 1000;
    double sink = 0;
    for (int i = 0; i < net.n; i++) {
        bench_set_layer(l, &net.v[i], 1);
        for (int k = 0; k < reps; k++) {
            double t0 = bench_cpu();
            for (int j = 0; j < inner; j++) {
                bench_check(ec_lower_bound(l, m, r), r, net.v[i].name);
                int64_t t;
                ec_result_bound(r, EC_BOUND_TRANSFERS, &t);
                sink += (double)t;
            }
            sample[k] = (bench_cpu() - t0) / inner;
        }
        opt[i] = bench_median(sample, reps);
    }
    bench_report("lower bound (resnet50, N1, 64Ki)", opt, net.n, 1e6, "us");
    free(net.v);

    /* One large layer, once. */
    const bench_layer big = {"big", 4096, 4096, 1, 1024, 1024, 3, 3, 1, 1, 1};
    bench_set_layer(l, &big, 256);
    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    printf("C = K = 4096, 1024x1024, 3x3, batch 256, M = 64Ki, optimal: %.3f s\n",
           time_eval(l, m, df, r, EC_POLICY_OPTIMAL, 1, sample, "big"));
    printf("(checksum %g)\n", sink);
    free(sample);
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
