/* Speed of the lower bound (docs/bound.md section 10): ec_lower_bound()
 * followed by reading EC_BOUND_TRANSFERS, over the conv shapes of ResNet-50
 * at Buffers of 256 words to 1Mi words (target: under 10 microseconds a
 * layer). Prints the median, minimum and maximum over shapes x Buffers of
 * each one's median time.
 * Run: build/bench/bench_bound [repetitions]. */
#define _POSIX_C_SOURCE 199309L
#include "bench_util.h"
#include "zoo.h"

#define NCAP 7

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1) reps = 1;
    const int inner = 2000; /* calls per timing sample */
    static const int64_t caps[NCAP] = {256, 1024, 4096, 16384, 65536, 262144, 1048576};
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_result *r = ec_result_create();
    double *sample = malloc(sizeof(double) * reps);
    bench_net net = bench_zoo("resnet50");
    double *per = malloc(sizeof(double) * (size_t)net.n * NCAP);
    int64_t sink = 0;
    if (!sample || !per) return 2;

    printf("libecnn %s: ec_lower_bound over %d distinct ResNet-50 layers x %d Buffers (256 to 1Mi "
           "words), %d repetitions\n",
           ec_version_string(), net.n, NCAP, reps);
    for (int i = 0; i < net.n; i++) {
        bench_set_layer(l, &net.v[i], 1);
        for (int c = 0; c < NCAP; c++) {
            ec_memory_set(m, EC_MEM_CAPACITY, caps[c]);
            for (int k = 0; k < reps; k++) {
                double t0 = bench_cpu();
                for (int j = 0; j < inner; j++) {
                    int64_t t = 0;
                    bench_check(ec_lower_bound(l, m, r), r, net.v[i].name);
                    ec_result_bound(r, EC_BOUND_TRANSFERS, &t);
                    sink += t;
                }
                sample[k] = (bench_cpu() - t0) / inner;
            }
            per[i * NCAP + c] = bench_median(sample, reps);
        }
    }
    bench_report("ec_lower_bound + T, per layer", per, net.n * NCAP, 1e6, "us");
    printf("(checksum %lld)\n", (long long)sink);
    free(sample);
    free(per);
    free(net.v);
    ec_result_destroy(r);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
