/* Timing, medians and the workloads (bench/zoo.h) shared by the benchmarks. */
#ifndef EC_BENCH_UTIL_H
#define EC_BENCH_UTIL_H

#include "ecnn.h"
#include "zoo.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process: the machine is shared, and wall time would
 * count the other processes' share of it. */
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* One line: median, min and max over the shapes (sorts v). */
static inline void bench_report(const char *what, double *v, int n, double scale, const char *unit)
{
    double med = bench_median(v, n);
    printf("%-34s median %9.3f %s  min %9.3f %s  max %9.3f %s\n", what, med * scale, unit,
           v[0] * scale, unit, v[n - 1] * scale, unit);
}

static inline void bench_check(ec_status st, const ec_result *r, const char *what)
{
    if (st != EC_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, ec_status_string(st), ec_result_message(r));
        exit(1);
    }
}

#endif
