/* Every answer of the automatic tiling over a broad grid, one line each
 * (status, order, tiles, counts, energy in hex), so that a change meant to
 * make the search faster can be checked to change no answer: run it
 * before and after and compare the outputs with cmp. The grid: every
 * distinct layer of the six zoo networks at batch 1, 8, 64, 256 and
 * M = 1Ki, 16Ki, 64Ki, 256Ki, 1Mi under OS, WS, IS and the optimal policy;
 * the input and memory options on three networks; 3,000 seeded random
 * layers (22,160 lines). CPU times go to standard error.
 * Run: build/bench/dump_answers > answers.txt ("q" as an argument: a
 * quicker subset). */
#define _POSIX_C_SOURCE 199309L
#include "zoo.h"
#include <stdint.h>
#include <time.h>

static ec_layer *l; static ec_memory *m; static ec_dataflow *df; static ec_result *r;
static double total_time;
static uint64_t rs = 12345;
static uint64_t rnd(void) { uint64_t z = (rs += 0x9E3779B97F4A7C15ull); z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull; z = (z ^ (z >> 27)) * 0x94D049BB133111EBull; return z ^ (z >> 31); }
static long rr(long lo, long hi) { return lo + (long)(rnd() % (uint64_t)(hi - lo + 1)); }

static void one(const char *key)
{
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    ec_status st = ec_evaluate(l, m, df, r);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    double t = (b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec);
    total_time += t;
    printf("%s st=%d", key, (int)st);
    if (st == EC_OK) {
        ec_dim o[EC_NDIMS];
        ec_result_order(r, o);
        printf(" o=");
        for (int i = 0; i < EC_NDIMS; i++) printf("%d", (int)o[i]);
        printf(" t=");
        for (int d = 0; d < EC_NDIMS; d++) { int64_t x; int au; ec_result_tile(r, (ec_dim)d, &x, &au); printf("%lld%s,", (long long)x, au ? "a" : ""); }
        printf(" c=");
        for (int x = 0; x < 3; x++) for (int lv = 0; lv < 2; lv++) for (int ac = 0; ac < 2; ac++) { int64_t v; ec_result_count(r, (ec_tensor)x, (ec_level)lv, (ec_access)ac, &v); printf("%lld,", (long long)v); }
        double e; ec_result_energy(r, EC_PART_TOTAL, &e); printf(" e=%a", e);
        int64_t p; for (int f = 3; f <= 5; f++) { ec_result_get(r, (ec_result_field)f, &p); printf(" p%d=%lld", f, (long long)p); }
    } else {
        printf(" msg=%s", ec_result_message(r));
    }
    printf("\n");
    fprintf(stderr, "%.6f %s\n", t, key);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && argv[1][0] == 'q';
    l = ec_layer_create(); m = ec_memory_create(); df = ec_dataflow_create(); r = ec_result_create();
    static const char *nets[] = {"alexnet", "mobilenet_v1", "mobilenet_v2", "resnet18", "resnet50", "vgg16"};
    static const long batches[] = {1, 8, 64, 256};
    static const long Ms[] = {1024, 16384, 65536, 262144, 1048576};
    char key[256];
    for (int ni = 0; ni < 6; ni++) {
        bench_net net = bench_zoo(nets[ni]);
        for (int i = 0; i < net.n; i++)
            for (int bi = 0; bi < 4; bi++) {
                if (quick && bi > 1) continue;
                bench_set_layer(l, &net.v[i], batches[bi]);
                for (int mi = 0; mi < 5; mi++) {
                    ec_memory_set(m, EC_MEM_CAPACITY, Ms[mi]);
                    for (int p = 0; p < 4; p++) {
                        int pol = p == 3 ? EC_POLICY_OPTIMAL : p;
                        ec_dataflow_set(df, EC_DF_POLICY, pol);
                        snprintf(key, sizeof key, "%s/%s/N%ld/M%ld/p%d", nets[ni], net.v[i].name, batches[bi], Ms[mi], pol);
                        one(key);
                    }
                }
            }
        free(net.v);
    }
    /* variants */
    static const char *vnets[] = {"alexnet", "resnet18", "mobilenet_v1"};
    for (int ni = 0; ni < 3; ni++) {
        bench_net net = bench_zoo(vnets[ni]);
        for (int i = 0; i < net.n; i++)
            for (int bi = 0; bi < 2; bi++)
                for (int var = 0; var < 5; var++) {
                    bench_set_layer(l, &net.v[i], batches[bi] * 2);
                    ec_memory_destroy(m); m = ec_memory_create();
                    ec_dataflow_destroy(df); df = ec_dataflow_create();
                    long M = bi ? 65536 : 8192;
                    ec_memory_set(m, EC_MEM_CAPACITY, M);
                    if (var == 0) ec_dataflow_set(df, EC_DF_REUSE, EC_REUSE_REFETCH);
                    if (var == 1) ec_dataflow_set(df, EC_DF_FOOTPRINT, EC_FOOTPRINT_BBOX);
                    if (var == 2) { ec_memory_set(m, EC_MEM_PARTITION_I, M / 4); ec_memory_set(m, EC_MEM_PARTITION_W, M / 4); ec_memory_set(m, EC_MEM_PARTITION_O, M / 2); }
                    if (var == 3) ec_memory_set(m, EC_MEM_CHOOSE_PARTITION, 1);
                    if (var == 4) { ec_dataflow_set(df, EC_DF_TILE_K, 16 < net.v[i].K / net.v[i].G ? 16 : 1); ec_dataflow_set(df, EC_DF_TILE_R, 1); }
                    for (int p = 0; p < 4; p++) {
                        int pol = p == 3 ? EC_POLICY_OPTIMAL : p;
                        ec_dataflow_set(df, EC_DF_POLICY, pol);
                        snprintf(key, sizeof key, "v%d/%s/%s/N%ld/p%d", var, vnets[ni], net.v[i].name, batches[bi] * 2, pol);
                        one(key);
                    }
                }
        free(net.v);
    }
    ec_memory_destroy(m); m = ec_memory_create();
    ec_dataflow_destroy(df); df = ec_dataflow_create();
    /* random layers */
    for (int k = 0; k < (quick ? 300 : 3000); k++) {
        long G = rr(1, 4);
        long v[16] = {rr(1, 16), G * rr(1, 64), G * rr(1, 64), G, rr(1, 64), rr(1, 64), rr(1, 7), rr(1, 7),
                      rr(1, 3), rr(1, 3), rr(1, 3), rr(1, 3), rr(0, 3), rr(0, 3), rr(0, 3), rr(0, 3)};
        if (rr(0, 3) == 0) { v[1] = v[2] = v[3] = G * rr(1, 32); }
        for (int j = 0; j < 16; j++) ec_layer_set(l, (ec_layer_param)j, v[j]);
        ec_memory_set(m, EC_MEM_CAPACITY, rr(16, 1 << 18));
        ec_dataflow_set(df, EC_DF_REUSE, rr(0, 1));
        ec_dataflow_set(df, EC_DF_FOOTPRINT, rr(0, 1));
        for (int p = 0; p < 4; p++) {
            int pol = p == 3 ? EC_POLICY_OPTIMAL : p;
            ec_dataflow_set(df, EC_DF_POLICY, pol);
            snprintf(key, sizeof key, "rand%d/p%d", k, pol);
            one(key);
        }
    }
    fprintf(stderr, "total cpu %.3f s\n", total_time);
    return 0;
}
