#include "dataflow_flags.h"

#include "util.h"

#include <ctype.h>
#include <ecnn.h>
#include <string.h>

const char *const mode_names[7] = {"os", "ws", "is", "custom", "optimal", "best", NULL};

const char df_help[] =
    "Dataflow (docs/model.md sections 3 and 6):\n"
    "  --policy P             optimal (default: the minimum-energy order and tiling\n"
    "                         over all 8! orders), best (the best of os, ws, is),\n"
    "                         os, ws or is\n"
    "  --order ORDER          a custom loop order, outermost first, e.g. NGKPQCRS\n"
    "  --reuse slide|refetch  input reuse between outer iterations (default slide)\n"
    "  --footprint exact|bbox input tile footprint (default exact)\n";

const char df_tile_help[] =
    "  --tile-X n             the tile of dimension X (N G K C P Q R S; K and C count\n"
    "                         one group); 0 or 'auto' = automatic (default)\n";

void df_init(df_desc *d)
{
    memset(d, 0, sizeof *d);
    d->mode = MODE_OPTIMAL;
}

int df_flag(argscan *s, df_desc *d, int allow_tiles)
{
    const char *v;
    if (argscan_is(s, "policy")) {
        static const char *const choices[] = {"os", "ws", "is", "optimal", "best", NULL};
        static const int modes[] = {MODE_OS, MODE_WS, MODE_IS, MODE_OPTIMAL, MODE_BEST};
        int i;
        if (!(v = argscan_value(s)) || parse_choice(s->opt, v, choices, &i) != 0) return -1;
        d->mode = modes[i];
        d->mode_set = 1;
        return 1;
    }
    if (argscan_is(s, "order")) {
        if (!(v = argscan_value(s))) return -1;
        char up[9];
        int ok = strlen(v) == 8;
        unsigned seen = 0;
        for (int i = 0; ok && i < 8; i++) {
            up[i] = (char)toupper((unsigned char)v[i]);
            const char *p = strchr("NGKCPQRS", up[i]);
            if (!p || !up[i] || (seen & (1u << (p - "NGKCPQRS")))) ok = 0;
            else seen |= 1u << (p - "NGKCPQRS");
        }
        if (!ok) {
            tool_error("%s: '%s' is not an order of the eight letters N G K C P Q R S, each once, "
                       "outermost first (e.g. NGKPQCRS)", s->opt, v);
            return -1;
        }
        up[8] = '\0';
        memcpy(d->order, up, sizeof up);
        return 1;
    }
    if (argscan_is(s, "reuse")) {
        static const char *const choices[] = {"slide", "refetch", NULL};
        if (!(v = argscan_value(s)) || parse_choice(s->opt, v, choices, &d->reuse) != 0) return -1;
        return 1;
    }
    if (argscan_is(s, "footprint")) {
        static const char *const choices[] = {"exact", "bbox", NULL};
        if (!(v = argscan_value(s)) || parse_choice(s->opt, v, choices, &d->footprint) != 0)
            return -1;
        return 1;
    }
    if (s->name && strncmp(s->name, "tile-", 5) == 0 && strlen(s->name) == 6) {
        const char *p = strchr("NGKCPQRS", toupper((unsigned char)s->name[5]));
        if (!p || !s->name[5]) return 0;
        if (!allow_tiles) {
            tool_error("%s: tiles are given per layer ('ecnn layer'), not for a whole network", s->opt);
            return -1;
        }
        if (!(v = argscan_value(s))) return -1;
        int64_t t = 0;
        if (!str_ieq(v, "auto") && parse_int(s->opt, v, 0, &t) != 0) return -1;
        d->tile[p - "NGKCPQRS"] = t;
        d->tile_set |= 1u << (p - "NGKCPQRS");
        return 1;
    }
    return 0;
}

int df_check(const df_desc *d)
{
    if (d->order[0] && d->mode_set) {
        tool_error("--order and --policy %s exclude each other: --order gives a custom policy",
                   mode_names[d->mode]);
        return -1;
    }
    return 0;
}
