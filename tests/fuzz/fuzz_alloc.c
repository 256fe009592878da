/* The fuzzer's ec_allocator: counts, optionally fails, and tags every block
 * with its owner so that fz_alloc's live count proves no leak per handle. */
#include "fuzz.h"

#include <string.h>

/* The header keeps the payload aligned as malloc's would be. */
typedef union hdr {
    struct {
        fz_alloc *owner;
        uint64_t magic;
    } h;
    max_align_t align;
} hdr;

#define MAGIC 0xEC4E4E0A110Cull

static void *fz_malloc(void *opaque, size_t size)
{
    fz_alloc *a = opaque;
    uint64_t n = a->calls++;
    int fail = (a->mode == FZ_ALLOC_FAIL_NTH && n >= a->param) ||
               (a->mode == FZ_ALLOC_FAIL_SIZE && size > a->param);
    if (fail || size > SIZE_MAX - sizeof(hdr)) {
        a->failures++;
        return NULL;
    }
    hdr *p = malloc(sizeof(hdr) + size);
    if (!p) {
        a->failures++;
        return NULL;
    }
    p->h.owner = a;
    p->h.magic = MAGIC;
    a->live++;
    return p + 1;
}

static void fz_freefn(void *opaque, void *ptr)
{
    if (!ptr) return; /* the contract allows NULL */
    hdr *p = (hdr *)ptr - 1;
    FZ_CHECK(p->h.magic == MAGIC, "free of a block this allocator did not hand out");
    FZ_CHECK(p->h.owner == opaque, "block freed through another handle's allocator");
    FZ_CHECK(((fz_alloc *)opaque)->live > 0, "more frees than allocations");
    p->h.magic = 0;
    ((fz_alloc *)opaque)->live--;
    free(p);
}

void fz_alloc_init(fz_alloc *a, fz_alloc_mode mode, uint64_t param)
{
    memset(a, 0, sizeof *a);
    a->mode = mode;
    a->param = param;
    a->al.alloc = fz_malloc;
    a->al.free = fz_freefn;
    a->al.opaque = a;
    if (mode == FZ_ALLOC_EMPTY) a->al.alloc = NULL, a->al.free = NULL;
}

const ec_allocator *fz_alloc_get(fz_alloc *a)
{
    return a->mode == FZ_ALLOC_NULL ? NULL : &a->al;
}
