/* placeholder, replaced below */
#include "hier_internal.h"
ec_status ec_hier_flow_walk(const ec_shape *s, const ec_hier_nest *n, ec_reuse reuse,
                            ec_hier_flow *f, const ec_allocator *al, char *msg)
{
    (void)s; (void)n; (void)reuse; (void)f; (void)al;
    ec_msg(msg, "not yet");
    return EC_E_LIMIT;
}
