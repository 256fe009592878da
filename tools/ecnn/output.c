#include "output.h"

#include "util.h"

#include <string.h>

const char format_help[] =
    "Output:\n"
    "  --format F, -f F       table (default, for people), csv or json (docs/cli.md)\n"
    "  --help, -h             this help\n";

int format_flag(argscan *s, int *format)
{
    if (!argscan_is(s, "format") && !argscan_is(s, "f")) return 0;
    static const char *const choices[] = {"table", "csv", "json", NULL};
    const char *v = argscan_value(s);
    if (!v || parse_choice(s->opt, v, choices, format) != 0) return -1;
    return 1;
}

int is_help(const argscan *s)
{
    /* Exactly --help or -h: --H is the input height. */
    return strcmp(s->opt, "--help") == 0 || strcmp(s->opt, "-h") == 0;
}

void json_begin_document(json *j, outbuf *ob, const char *command)
{
    json_init(j, ob);
    json_object(j);
    json_kstring(j, "ecnn_version", ec_version_string());
    json_kstring(j, "command", command);
}

void json_memory(json *j, const ec_memory *m)
{
    int64_t x;
    double e;
    json_key(j, "memory");
    json_object(j);
    ec_memory_get(m, EC_MEM_CAPACITY, &x);
    json_kint(j, "capacity", x);
    static const char *const parts[3] = {"partition_i", "partition_w", "partition_o"};
    for (int i = 0; i < 3; i++) {
        ec_memory_get(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), &x);
        json_kint(j, parts[i], x);
    }
    ec_memory_get(m, EC_MEM_CHOOSE_PARTITION, &x);
    json_kbool(j, "choose_partition", x != 0);
    json_key(j, "energy");
    json_object(j);
    static const char *const names[5] = {"dram_read", "dram_write", "buf_read", "buf_write", "mac"};
    for (int i = 0; i < 5; i++) {
        ec_memory_get_energy(m, (ec_energy_param)i, &e);
        json_kdouble(j, names[i], e);
    }
    json_end(j);
    json_end(j);
}

void json_layer_params(json *j, const int64_t v[LP_COUNT])
{
    for (int i = 0; i < LP_COUNT; i++) json_kint(j, lp_names[i], v[i]);
}

void text_energies(outbuf *ob, const ec_memory *m)
{
    char buf[5][40];
    for (int i = 0; i < 5; i++) {
        double e;
        ec_memory_get_energy(m, (ec_energy_param)i, &e);
        fmt_double(buf[i], sizeof buf[i], e);
    }
    ob_printf(ob, "energies DRAM %s/%s, Buffer %s/%s (read/write), MAC %s", buf[0], buf[1], buf[2],
              buf[3], buf[4]);
}

void text_memory(outbuf *ob, const ec_memory *m)
{
    int64_t cap, part[3], choose;
    ec_memory_get(m, EC_MEM_CAPACITY, &cap);
    ec_memory_get(m, EC_MEM_CHOOSE_PARTITION, &choose);
    for (int i = 0; i < 3; i++) ec_memory_get(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), &part[i]);
    if (choose)
        ob_printf(ob, "Buffer of %lld words, partition chosen", (long long)cap);
    else if (part[0] || part[1] || part[2])
        ob_printf(ob, "partitioned Buffer: I %lld, W %lld, O %lld words", (long long)part[0],
                  (long long)part[1], (long long)part[2]);
    else
        ob_printf(ob, "shared Buffer of %lld words", (long long)cap);
    ob_puts(ob, "; ");
    text_energies(ob, m);
}
