/* Thread safety (issue 6, item 4; docs/guarantees.md): several threads
 * evaluate many layers at once, each on handles of its own, and all of them
 * on one shared layer, memory and dataflow used read-only. Every result
 * must equal the single-threaded one. CI also runs this under
 * ThreadSanitizer (.ci/run, build-tsan), which reports any data race. */
#include "robust.h"
#include "../random_layer.h"

#include <pthread.h>

#define TASKS 96
#define THREADS 4
#define ROUNDS 6

/* One evaluation: how to build its handles, and what it gave alone. */
typedef struct task {
    uint64_t seed;
    int shared; /* 1: the shared layer and memory; 2: and the shared dataflow */
    int kind;   /* 0 ec_evaluate, 1 ec_count, 2 ec_lower_bound */
    ec_status st;
    int64_t counts[12], bound;
    double energy;
    int64_t tile[EC_NDIMS];
} task;

static task tasks[TASKS];
static ec_layer *shared_layer;
static ec_memory *shared_memory;
static ec_dataflow *shared_dataflow;
static counting shared_counting = {0, 0, -1, 0}; /* one allocator, all threads */
static atomic_int mismatches;

/* Builds the task's own handles from its seed (the same every time). */
static void build(const task *t, ec_layer *l, ec_memory *m, ec_dataflow *d)
{
    rng r = {t->seed};
    while (!random_layer(&r, (layer_kind)rng_range(&r, 0, KIND_COUNT - 1), l, 9)) {
    }
    ec_memory_set(m, EC_MEM_CAPACITY, rng_range(&r, 3, 400));
    ec_dataflow_set(d, EC_DF_POLICY, rng_range(&r, EC_POLICY_OS, EC_POLICY_OPTIMAL));
    ec_dataflow_set(d, EC_DF_REUSE, rng_range(&r, 0, 1));
    ec_dataflow_set(d, EC_DF_FOOTPRINT, rng_range(&r, 0, 1));
    if (rng_range(&r, 0, 3) == 0) {
        ec_dim order[EC_NDIMS];
        random_order(&r, order);
        ec_dataflow_set_order(d, order);
    }
}

/* Runs a task on fresh handles (or the shared ones) into *out. */
static void run(const task *t, task *out)
{
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *d = ec_dataflow_create();
    ec_allocator al = counting_allocator(&shared_counting);
    ec_result *r = ec_result_create_with(&al);
    if (!l || !m || !d || !r) abort();
    build(t, l, m, d);
    const ec_layer *cl = t->shared ? shared_layer : l;
    const ec_memory *cm = t->shared ? shared_memory : m;
    const ec_dataflow *cd = t->shared == 2 ? shared_dataflow : d;
    *out = *t;
    out->st = t->kind == 0   ? ec_evaluate(cl, cm, cd, r)
              : t->kind == 1 ? ec_count(cl, cm, cd, r)
                             : ec_lower_bound(cl, cm, r);
    memset(out->counts, 0, sizeof out->counts);
    memset(out->tile, 0, sizeof out->tile);
    out->energy = 0;
    out->bound = 0;
    for (int i = 0; i < 12; i++)
        ec_result_count(r, (ec_tensor)(i / 4), (ec_level)(i / 2 % 2), (ec_access)(i % 2), &out->counts[i]);
    for (int i = 0; i < EC_NDIMS; i++) ec_result_tile(r, (ec_dim)i, &out->tile[i], NULL);
    ec_result_energy(r, EC_PART_TOTAL, &out->energy);
    ec_result_bound(r, EC_BOUND_TRANSFERS, &out->bound);
    ec_layer_destroy(l);
    ec_memory_destroy(m);
    ec_dataflow_destroy(d);
    ec_result_destroy(r);
}

static int same(const task *a, const task *b)
{
    return a->st == b->st && !memcmp(a->counts, b->counts, sizeof a->counts) &&
           !memcmp(a->tile, b->tile, sizeof a->tile) && a->energy == b->energy && a->bound == b->bound;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int round = 0; round < ROUNDS; round++) {
        /* Each thread starts at a different task, so that different tasks
         * (and the shared handles) are in flight together. */
        for (int k = 0; k < TASKS; k++) {
            const task *t = &tasks[(k + id * TASKS / THREADS) % TASKS];
            task got;
            run(t, &got);
            if (!same(&got, t)) atomic_fetch_add(&mismatches, 1);
        }
    }
    return NULL;
}

static void test_concurrent_equals_sequential(void **state)
{
    (void)state;
    shared_layer = ec_layer_create();
    shared_memory = ec_memory_create();
    shared_dataflow = ec_dataflow_create();
    assert_true(shared_layer && shared_memory && shared_dataflow);
    LAYER(shared_layer, EC_LAYER_C, 16, EC_LAYER_K, 24, EC_LAYER_H, 14, EC_LAYER_W, 14,
          EC_LAYER_R, 3, EC_LAYER_S, 3, EC_LAYER_PAD_TOP, 1, EC_LAYER_PAD_BOTTOM, 1);
    ST(ec_memory_set(shared_memory, EC_MEM_CAPACITY, 1500), EC_OK);
    ST(ec_dataflow_set(shared_dataflow, EC_DF_POLICY, EC_POLICY_WS), EC_OK);
    /* The sequential reference. */
    int evaluated = 0;
    for (int i = 0; i < TASKS; i++) {
        task t = {0};
        t.seed = 0x5EED0000u + (uint64_t)i;
        t.shared = i % 4 == 0 ? 1 : i % 4 == 1 ? 2 : 0;
        t.kind = i % 5 == 1 ? 1 : i % 7 == 2 ? 2 : 0;
        run(&t, &tasks[i]);
        evaluated += tasks[i].st == EC_OK;
    }
    assert_true(evaluated > TASKS / 2); /* the comparison is not of refusals only */
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(atomic_load(&mismatches), 0);
    assert_int_equal(atomic_load(&shared_counting.live), 0);
    ec_layer_destroy(shared_layer);
    ec_memory_destroy(shared_memory);
    ec_dataflow_destroy(shared_dataflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_equals_sequential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
