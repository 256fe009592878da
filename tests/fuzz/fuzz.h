/* Shared by the API fuzzer's sources (docs/fuzzing.md). The harness is
 * compiled twice: with libFuzzer (tests/fuzz/run.sh) and with replay.c's
 * main() (the 'fuzz-corpus' meson test), so it uses nothing but C11 and
 * the public API. */
#ifndef EC_FUZZ_H
#define EC_FUZZ_H

#include "ecnn.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* An invariant failed: say which and abort, so that libFuzzer saves the
 * input and the replay test fails. */
void fz_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4), noreturn))
#endif
    ;
#define FZ_CHECK(cond, ...) \
    do { \
        if (!(cond)) fz_fail(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

/* Statuses as bit sets, for "is this one the header documents?". */
#define ST_BIT(x) (1u << (x))
#define S_LAYER (ST_BIT(EC_E_GROUPS) | ST_BIT(EC_E_EMPTY_OUTPUT) | ST_BIT(EC_E_OVERFLOW)) /* ec_layer_check() */
#define FZ_ALLOWED(set, st, fn) \
    FZ_CHECK((unsigned)(st) < 32 && ((set) >> (unsigned)(st) & 1u), \
             "%s returned status %d (%s), which its documentation does not list", (fn), (int)(st), \
             ec_status_string(st))

/* Allocators (fuzz_alloc.c). Every pointer carries a header naming the
 * state that allocated it, so a free through the wrong allocator, a double
 * free and a leak are all caught. */
typedef enum fz_alloc_mode {
    FZ_ALLOC_DEFAULT,   /* ec_*_create() */
    FZ_ALLOC_NULL,      /* ec_*_create_with(NULL) */
    FZ_ALLOC_TRACK,     /* never fails */
    FZ_ALLOC_FAIL_NTH,  /* the n-th allocation (0-based) and every later one fail */
    FZ_ALLOC_FAIL_SIZE, /* allocations above a size fail */
    FZ_ALLOC_EMPTY,     /* an ec_allocator with NULL functions (library falls back to malloc) */
    FZ_ALLOC_MODES
} fz_alloc_mode;

typedef struct fz_alloc {
    fz_alloc_mode mode;
    uint64_t param; /* n or the size limit */
    uint64_t calls, failures, live;
    ec_allocator al;
} fz_alloc;

void fz_alloc_init(fz_alloc *a, fz_alloc_mode mode, uint64_t param);
/* The allocator to pass to *_create_with(), or NULL. */
const ec_allocator *fz_alloc_get(fz_alloc *a);

/* Invariants of results (fuzz_check.c). */
typedef struct fz_ctx {
    const ec_layer *layer;
    const ec_memory *memory;
    const ec_dataflow *dataflow;
} fz_ctx;

/* A successful ec_evaluate()/ec_count() into r: every contract invariant. */
void fz_check_result(const fz_ctx *c, const ec_result *r);
/* A failed one (status st): the result reads as not evaluated. */
void fz_check_failed(const ec_result *r, ec_status st);
/* Two results of the same question are identical, field by field. */
void fz_check_same(const ec_result *a, const ec_result *b, const char *what);
/* The bound's figures in r are consistent with the layer. */
void fz_check_bound(const ec_layer *layer, const ec_memory *memory, const ec_result *r);

/* The harness's state and decoder (fuzz_api.c), shared with the
 * evaluation calls (fuzz_eval.c). */
#define SLOTS 4                       /* handles of each kind */
#define P2(k) ((int64_t)1 << (k))

typedef struct in {
    const uint8_t *p;
    size_t n;
} in;

enum { K_LAYER, K_MEMORY, K_DATAFLOW, K_RESULT, KINDS };
enum { R_NONE, R_EVAL, R_BOUND }; /* what a result holds */

typedef struct world {
    void *h[KINDS][SLOTS];
    fz_alloc al[KINDS][SLOTS];
    int rstate[SLOTS];
    /* After R_EVAL or R_BOUND: the status of the bound's figures, of its
     * energy (EC_E_OVERFLOW past the largest double) and of section 8's
     * figures beside the result. */
    ec_status rbound[SLOTS], renergy[SLOTS], rasym[SLOTS];
    int evals, costly;
} world;

extern const char *fz_op_name;        /* the call being checked, for messages */
extern const int fz_small_keys[8];    /* 0..7 */
uint8_t fz_u8(in *s);                 /* the next byte; 0 past the end */
int fz_key(in *s, const int *valid, int n); /* usually valid[i], else any int */
void *fz_pick(world *w, int kind, in *s, int *slot); /* a handle or NULL */
void fz_layer_values(const ec_layer *l, int64_t v[16]);
void fz_trace(const char *fmt, ...)   /* FUZZ_TRACE=1: print a line */
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
extern int fz_tracing;

/* fuzz_eval.c */
void op_eval(world *w, in *s);
void op_bound(world *w, in *s);
void op_asymptotic(world *w, in *s);
void op_result_get(world *w, in *s);

#endif
