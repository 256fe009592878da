/* Allocation through a handle's ec_allocator (malloc and free by default),
 * so that a program can bound or instrument the library's memory and see
 * every failure come back as EC_E_NOMEM. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *std_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size);
}

static void std_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

ec_allocator ec_allocator_or_default(const ec_allocator *al)
{
    static const ec_allocator std = {std_alloc, std_free, NULL};
    return al && al->alloc && al->free ? *al : std;
}

void *ec_calloc(const ec_allocator *al, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    size_t bytes = count * size;
    void *p = al->alloc(al->opaque, bytes > 0 ? bytes : 1);
    if (p) memset(p, 0, bytes);
    return p;
}

void ec_free(const ec_allocator *al, void *ptr)
{
    if (ptr) al->free(al->opaque, ptr);
}

/* A handle's first member is its allocator, so one function creates them. */
void *ec_handle_create(const ec_allocator *allocator, size_t size)
{
    ec_allocator al = ec_allocator_or_default(allocator);
    ec_allocator *h = ec_calloc(&al, 1, size);
    if (h) *h = al;
    return h;
}

void ec_handle_destroy(void *handle)
{
    if (handle) {
        ec_allocator al = *(ec_allocator *)handle;
        al.free(al.opaque, handle);
    }
}
