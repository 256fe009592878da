/* Speed of ec_evaluate over the conv layers of ResNet-50 at M = 65536:
 * with explicit tiles (target: under 1 microsecond a call) and with
 * automatic tiling under each named policy (target: under 5 ms a layer).
 * Prints the median, minimum and maximum over the layer shapes of each
 * shape's median time. Run: build/bench/bench_evaluate [repetitions]. */
#define _POSIX_C_SOURCE 199309L
#include "ecnn.h"
#include "resnet50.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void set_layer(ec_layer *l, const bench_layer *b)
{
    ec_layer_set(l, EC_LAYER_C, b->C);
    ec_layer_set(l, EC_LAYER_K, b->K);
    ec_layer_set(l, EC_LAYER_H, b->H);
    ec_layer_set(l, EC_LAYER_W, b->H);
    ec_layer_set(l, EC_LAYER_R, b->R);
    ec_layer_set(l, EC_LAYER_S, b->R);
    ec_layer_set(l, EC_LAYER_STRIDE_H, b->stride);
    ec_layer_set(l, EC_LAYER_STRIDE_W, b->stride);
    for (int p = EC_LAYER_PAD_TOP; p <= EC_LAYER_PAD_RIGHT; p++)
        ec_layer_set(l, (ec_layer_param)p, b->pad);
}

static void check(ec_status st, const ec_result *r, const char *what)
{
    if (st != EC_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, ec_status_string(st), ec_result_message(r));
        exit(1);
    }
}

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
    double per_layer[3][RESNET50_SHAPES], explicit_[3][RESNET50_SHAPES];
    static const char *names[3] = {"OS", "WS", "IS"};
    double sink = 0;

    ec_memory_set(m, EC_MEM_CAPACITY, 65536);
    for (int p = 0; p < 3; p++) {
        for (int i = 0; i < RESNET50_SHAPES; i++) {
            set_layer(l, &resnet50[i]);
            ec_dataflow_set(df, EC_DF_POLICY, p);
            for (int d = 0; d < EC_NDIMS; d++) ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), 0);
            for (int k = 0; k < reps; k++) {
                double t0 = now();
                check(ec_evaluate(l, m, df, r), r, resnet50[i].name);
                sample[k] = now() - t0;
            }
            per_layer[p][i] = median(sample, reps);
            /* The tiles just chosen, now given explicitly. */
            for (int d = 0; d < EC_NDIMS; d++) {
                int64_t t;
                ec_result_tile(r, (ec_dim)d, &t, NULL);
                ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + d), t);
            }
            for (int k = 0; k < reps; k++) {
                double t0 = now();
                for (int j = 0; j < inner; j++) {
                    check(ec_evaluate(l, m, df, r), r, resnet50[i].name);
                    double e;
                    ec_result_energy(r, EC_PART_TOTAL, &e);
                    sink += e;
                }
                sample[k] = (now() - t0) / inner;
            }
            explicit_[p][i] = median(sample, reps);
        }
    }
    printf("libecnn %s: ec_evaluate over %d ResNet-50 conv shapes, M = 65536, %d repetitions\n",
           ec_version_string(), RESNET50_SHAPES, reps);
    printf("%-6s %-10s %12s %12s %12s\n", "policy", "tiles", "median", "min", "max");
    for (int p = 0; p < 3; p++) {
        double *sets[2] = {explicit_[p], per_layer[p]};
        const char *kind[2] = {"explicit", "automatic"};
        for (int s = 0; s < 2; s++) {
            double v[RESNET50_SHAPES];
            for (int i = 0; i < RESNET50_SHAPES; i++) v[i] = sets[s][i];
            double med = median(v, RESNET50_SHAPES);
            printf("%-6s %-10s %10.3f us %10.3f us %10.3f us\n", names[p], kind[s], med * 1e6,
                   v[0] * 1e6, v[RESNET50_SHAPES - 1] * 1e6);
        }
    }
    printf("(per call for explicit tiles, per layer for automatic; checksum %g)\n", sink);
    free(sample);
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
