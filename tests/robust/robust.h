/* Helpers shared by the robustness tests (tests/robust/): handles, status
 * checks, a wall-clock hang guard and a counting, failing ec_allocator. A
 * header so that each test program stands alone. */
#ifndef EC_ROBUST_H
#define EC_ROBUST_H

#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ecnn.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P2(k) ((int64_t)1 << (k))
#define ST(expr, expected) assert_int_equal((int)(expr), (int)(expected))

typedef struct handles {
    ec_layer *l;
    ec_memory *m;
    ec_dataflow *d;
    ec_result *r;
} handles;

static inline int handles_setup(void **state)
{
    handles *h = calloc(1, sizeof *h);
    if (!h) return -1;
    h->l = ec_layer_create();
    h->m = ec_memory_create();
    h->d = ec_dataflow_create();
    h->r = ec_result_create();
    *state = h;
    return h->l && h->m && h->d && h->r ? 0 : -1;
}

static inline int handles_teardown(void **state)
{
    handles *h = *state;
    ec_layer_destroy(h->l);
    ec_memory_destroy(h->m);
    ec_dataflow_destroy(h->d);
    ec_result_destroy(h->r);
    free(h);
    return 0;
}

/* LAYER(l, key, value, key, value, ...): set each, expecting EC_OK. */
static inline void set_layer(ec_layer *l, const int64_t *kv)
{
    for (; kv[0] >= 0; kv += 2) ST(ec_layer_set(l, (ec_layer_param)kv[0], kv[1]), EC_OK);
}
#define LAYER(l, ...) set_layer((l), (const int64_t[]){__VA_ARGS__, -1})

/* Every tile explicit: t[] in ec_dim order. */
static inline void set_tiles(ec_dataflow *d, const int64_t t[EC_NDIMS])
{
    for (int i = 0; i < EC_NDIMS; i++)
        ST(ec_dataflow_set(d, (ec_dataflow_param)(EC_DF_TILE_N + i), t[i]), EC_OK);
}

/* ---- the hang guard ---------------------------------------------------- */

/* A call that runs this long is a hang, whatever it returns (not a speed
 * claim: the calls below take microseconds to milliseconds). Multiplied by
 * ECNN_TIME_SCALE under valgrind (.ci/run). */
static inline double budget_seconds(void)
{
    const char *scale = getenv("ECNN_TIME_SCALE");
    double k = scale ? atof(scale) : 1.0;
    return 5.0 * (k > 0 ? k : 1.0);
}

static inline double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void hang_check(double t0, const char *call)
{
    double dt = now_seconds() - t0;
    if (dt > budget_seconds()) fail_msg("%s took %.1f s (budget %.1f s)", call, dt, budget_seconds());
}

/* TIMED(var, call): var = call, failing the test if it ran past budget. */
#define TIMED(var, call) \
    do { \
        double t0_ = now_seconds(); \
        (var) = (call); \
        hang_check(t0_, #call); \
    } while (0)

/* ---- a counting allocator that fails on demand ------------------------- */

typedef struct counting {
    atomic_long calls; /* allocations asked for */
    atomic_long live;  /* blocks not yet freed */
    long fail_at;  /* the fail_at-th call (0-based) and later fail; -1 never */
    size_t max_size; /* larger requests fail; 0 = no limit */
} counting;

static inline void *counting_alloc(void *opaque, size_t size)
{
    counting *c = opaque;
    long n = atomic_fetch_add(&c->calls, 1);
    if ((c->fail_at >= 0 && n >= c->fail_at) || (c->max_size && size > c->max_size)) return NULL;
    void *p = malloc(size);
    if (p) atomic_fetch_add(&c->live, 1);
    return p;
}

static inline void counting_free(void *opaque, void *ptr)
{
    counting *c = opaque;
    if (!ptr) return;
    atomic_fetch_sub(&c->live, 1);
    free(ptr);
}

static inline ec_allocator counting_allocator(counting *c)
{
    ec_allocator a = {counting_alloc, counting_free, c};
    return a;
}

#endif
