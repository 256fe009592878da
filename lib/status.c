/* Status codes, their names, and the per-handle message buffers. */
#include "internal.h"

#include <stdio.h>

const char *ec_status_string(ec_status status)
{
    switch (status) {
    case EC_OK: return "ok";
    case EC_E_NULL: return "null pointer argument";
    case EC_E_KEY: return "unknown parameter key or value";
    case EC_E_RANGE: return "parameter out of range";
    case EC_E_GROUPS: return "channels not divisible by groups";
    case EC_E_EMPTY_OUTPUT: return "output smaller than one pixel";
    case EC_E_ORDER: return "loop order is not a permutation";
    case EC_E_TILE: return "tile larger than its extent";
    case EC_E_CAPACITY: return "tiles do not fit the buffer";
    case EC_E_ENERGY: return "energy negative or not finite";
    case EC_E_OVERFLOW: return "a count exceeds 64 bits or an energy the largest double";
    case EC_E_NOMEM: return "out of memory";
    case EC_E_NOT_EVALUATED: return "result not evaluated";
    case EC_E_READONLY: return "parameter is read-only";
    case EC_E_LIMIT: return "work limit exceeded";
    case EC_E_UNAVAILABLE: return "figure not available";
    }
    return "unknown status";
}

void ec_msg(char *buf, const char *fmt, ...)
{
    if (!buf) return; /* a caller that discards the message (EC_HIER_QUIET) */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, EC_MSG_LEN, fmt, ap);
    va_end(ap);
}
