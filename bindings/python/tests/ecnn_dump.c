/* ecnn_dump: the C API's answer for one layer, for the Python binding's
 * tests (test_c_api.py) to compare with. Written against ecnn.h alone, with
 * the header's own constants, so it shares nothing with the binding.
 *
 * Usage: ecnn_dump MODE [NAME=VALUE ...]
 *   MODE      evaluate | count | lower_bound | asymptotic
 *   NAME      a layer parameter (N C K G H W R S stride_h ... pad_right),
 *             a memory one (capacity partition_I partition_W partition_O
 *             choose_partition dram_read dram_write buf_read buf_write mac),
 *             or a dataflow one (policy=OS|WS|IS|OPTIMAL, order=NGKPQCRS,
 *             reuse=slide|refetch, footprint=exact|bbox, tile_N ... tile_S).
 * Prints "name value" lines: status and message, then every figure under
 * the name the binding's Result uses (dram_reads.I, energy.total, tiles.K,
 * bound.transfers, ...), or "name none" for an unavailable one. Doubles
 * are printed with 17 significant digits, so they read back exactly.
 * Exit status 0 whenever it printed a status, 2 on a usage error. */
#include <ecnn.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dims = "NGKCPQRS";
static const char *const tensors = "IWO";

static const struct { const char *name; ec_layer_param key; } layer_keys[] = {
    {"N", EC_LAYER_N}, {"C", EC_LAYER_C}, {"K", EC_LAYER_K}, {"G", EC_LAYER_G},
    {"H", EC_LAYER_H}, {"W", EC_LAYER_W}, {"R", EC_LAYER_R}, {"S", EC_LAYER_S},
    {"stride_h", EC_LAYER_STRIDE_H}, {"stride_w", EC_LAYER_STRIDE_W},
    {"dilation_h", EC_LAYER_DILATION_H}, {"dilation_w", EC_LAYER_DILATION_W},
    {"pad_top", EC_LAYER_PAD_TOP}, {"pad_bottom", EC_LAYER_PAD_BOTTOM},
    {"pad_left", EC_LAYER_PAD_LEFT}, {"pad_right", EC_LAYER_PAD_RIGHT},
};
static const struct { const char *name; ec_memory_param key; } memory_keys[] = {
    {"capacity", EC_MEM_CAPACITY}, {"partition_I", EC_MEM_PARTITION_I},
    {"partition_W", EC_MEM_PARTITION_W}, {"partition_O", EC_MEM_PARTITION_O},
    {"choose_partition", EC_MEM_CHOOSE_PARTITION},
};
static const struct { const char *name; ec_energy_param key; } energy_keys[] = {
    {"dram_read", EC_ENERGY_DRAM_READ}, {"dram_write", EC_ENERGY_DRAM_WRITE},
    {"buf_read", EC_ENERGY_BUF_READ}, {"buf_write", EC_ENERGY_BUF_WRITE}, {"mac", EC_ENERGY_MAC},
};
static const struct { const char *name; ec_policy value; } policies[] = {
    {"OS", EC_POLICY_OS}, {"WS", EC_POLICY_WS}, {"IS", EC_POLICY_IS},
    {"OPTIMAL", EC_POLICY_OPTIMAL},
};
static const struct { const char *name; ec_energy_part part; } parts[] = {
    {"total", EC_PART_TOTAL}, {"dram", EC_PART_DRAM}, {"buffer", EC_PART_BUFFER},
    {"mac", EC_PART_MAC}, {"I", EC_PART_TENSOR_I}, {"W", EC_PART_TENSOR_W},
    {"O", EC_PART_TENSOR_O},
};
static const struct { const char *name; ec_bound_field field; } bound_fields[] = {
    {"i_used", EC_BOUND_I_USED}, {"w_used", EC_BOUND_W_USED},
    {"macs_real", EC_BOUND_MACS_REAL}, {"rho", EC_BOUND_RHO},
    {"compulsory", EC_BOUND_COMPULSORY}, {"communication", EC_BOUND_COMMUNICATION},
    {"transfers", EC_BOUND_TRANSFERS}, {"segment", EC_BOUND_SEGMENT},
};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static int report(ec_status st, const char *message)
{
    printf("status %s\nmessage %s\n", ec_status_string(st), message);
    return st == EC_OK;
}

static void print_i64(const char *name, int64_t v) { printf("%s %" PRId64 "\n", name, v); }
static void print_f64(const char *name, double v) { printf("%s %.17g\n", name, v); }

static void print_bound(const ec_result *r)
{
    int64_t v;
    double e;
    for (size_t i = 0; i < COUNT_OF(bound_fields); i++)
        if (ec_result_bound(r, bound_fields[i].field, &v) != EC_OK) {
            printf("bound none\n");
            return;
        }
    for (size_t i = 0; i < COUNT_OF(bound_fields); i++) {
        char name[64];
        ec_result_bound(r, bound_fields[i].field, &v);
        snprintf(name, sizeof name, "bound.%s", bound_fields[i].name);
        print_i64(name, v);
    }
    if (ec_result_bound_energy(r, &e) == EC_OK) print_f64("bound.energy", e);
    else printf("bound none\n");
}

static void print_result(const ec_result *r)
{
    static const char *const levels[] = {"dram", "buffer"};
    static const char *const accesses[] = {"reads", "writes"};
    int64_t v;
    double d, d2, d3;
    ec_dim order[EC_NDIMS];
    char name[64], autos[EC_NDIMS + 1] = "";
    int nautos = 0;

    ec_result_get(r, EC_RESULT_POLICY, &v);
    print_i64("policy", v);
    ec_result_order(r, order);
    printf("order ");
    for (int i = 0; i < EC_NDIMS; i++) putchar(dims[order[i]]);
    putchar('\n');
    for (int i = 0; i < EC_NDIMS; i++) {
        int automatic = 0;
        ec_result_tile(r, (ec_dim)i, &v, &automatic);
        snprintf(name, sizeof name, "tiles.%c", dims[i]);
        print_i64(name, v);
        if (automatic) autos[nautos++] = dims[i];
    }
    printf("automatic %s\n", autos);
    ec_result_get(r, EC_RESULT_MACS, &v);
    print_i64("macs", v);
    ec_result_get(r, EC_RESULT_DRAM_TOTAL, &v);
    print_i64("dram_total", v);
    for (int l = 0; l < 2; l++)
        for (int a = 0; a < 2; a++)
            for (int t = 0; t < 3; t++) {
                ec_result_count(r, (ec_tensor)t, (ec_level)l, (ec_access)a, &v);
                snprintf(name, sizeof name, "%s_%s.%c", levels[l], accesses[a], tensors[t]);
                print_i64(name, v);
            }
    for (size_t i = 0; i < COUNT_OF(parts); i++) {
        ec_result_energy(r, parts[i].part, &d);
        snprintf(name, sizeof name, "energy.%s", parts[i].name);
        print_f64(name, d);
    }
    for (int t = 0; t < 3; t++) {
        ec_result_get(r, (ec_result_field)(EC_RESULT_PARTITION_I + t), &v);
        snprintf(name, sizeof name, "partition.%c", tensors[t]);
        print_i64(name, v);
    }
    print_bound(r);
    if (ec_result_gap(r, &d, &d2) == EC_OK) {
        print_f64("gap.dram", d);
        print_f64("gap.energy", d2);
    } else {
        printf("gap none\n");
    }
    if (ec_result_asymptotic(r, &d, &d2, &d3) == EC_OK) {
        print_f64("asymptotic.dram_reads", d);
        print_f64("asymptotic.dram_writes", d2);
        print_f64("asymptotic.energy", d3);
    } else {
        printf("asymptotic none\n");
    }
}

/* Apply one NAME=VALUE; 0 on success, 1 after reporting a failed setter,
 * 2 for a name this program does not know. */
static int apply(const char *arg, ec_layer *layer, ec_memory *memory, ec_dataflow *dataflow,
                 ec_policy *policy)
{
    const char *eq = strchr(arg, '=');
    if (!eq) return 2;
    size_t n = (size_t)(eq - arg);
    const char *value = eq + 1;
    ec_status st;
#define IS(s) (strlen(s) == n && strncmp(arg, (s), n) == 0)
    for (size_t i = 0; i < COUNT_OF(layer_keys); i++)
        if (IS(layer_keys[i].name)) {
            st = ec_layer_set(layer, layer_keys[i].key, strtoll(value, NULL, 10));
            return st == EC_OK ? 0 : (report(st, ec_layer_message(layer)), 1);
        }
    for (size_t i = 0; i < COUNT_OF(memory_keys); i++)
        if (IS(memory_keys[i].name)) {
            st = ec_memory_set(memory, memory_keys[i].key, strtoll(value, NULL, 10));
            return st == EC_OK ? 0 : (report(st, ec_memory_message(memory)), 1);
        }
    for (size_t i = 0; i < COUNT_OF(energy_keys); i++)
        if (IS(energy_keys[i].name)) {
            st = ec_memory_set_energy(memory, energy_keys[i].key, strtod(value, NULL));
            return st == EC_OK ? 0 : (report(st, ec_memory_message(memory)), 1);
        }
    for (int i = 0; i < EC_NDIMS; i++) {
        char tile[8] = "tile_X";
        tile[5] = dims[i];
        if (IS(tile)) {
            st = ec_dataflow_set(dataflow, (ec_dataflow_param)(EC_DF_TILE_N + i),
                                 strtoll(value, NULL, 10));
            return st == EC_OK ? 0 : (report(st, ec_dataflow_message(dataflow)), 1);
        }
    }
    if (IS("policy")) {
        for (size_t i = 0; i < COUNT_OF(policies); i++)
            if (strcmp(value, policies[i].name) == 0) {
                *policy = policies[i].value;
                st = ec_dataflow_set(dataflow, EC_DF_POLICY, policies[i].value);
                return st == EC_OK ? 0 : (report(st, ec_dataflow_message(dataflow)), 1);
            }
        return 2;
    }
    if (IS("order")) {
        st = ec_dataflow_set_order_string(dataflow, value);
        return st == EC_OK ? 0 : (report(st, ec_dataflow_message(dataflow)), 1);
    }
    if (IS("reuse") || IS("footprint")) {
        int reuse = IS("reuse");
        int64_t v = strcmp(value, reuse ? "refetch" : "bbox") == 0 ? 1
                    : strcmp(value, reuse ? "slide" : "exact") == 0 ? 0 : -1;
        if (v < 0) return 2;
        st = ec_dataflow_set(dataflow, reuse ? EC_DF_REUSE : EC_DF_FOOTPRINT, v);
        return st == EC_OK ? 0 : (report(st, ec_dataflow_message(dataflow)), 1);
    }
#undef IS
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ecnn_dump evaluate|count|lower_bound|asymptotic [NAME=VALUE ...]\n");
        return 2;
    }
    const char *mode = argv[1];
    ec_layer *layer = ec_layer_create();
    ec_memory *memory = ec_memory_create();
    ec_dataflow *dataflow = ec_dataflow_create();
    ec_result *result = ec_result_create();
    ec_policy policy = EC_POLICY_OS;
    int rc = 0;
    if (!layer || !memory || !dataflow || !result) {
        fprintf(stderr, "ecnn_dump: out of memory\n");
        return 1;
    }
    for (int i = 2; i < argc && rc == 0; i++) {
        rc = apply(argv[i], layer, memory, dataflow, &policy);
        if (rc == 2) fprintf(stderr, "ecnn_dump: cannot apply %s\n", argv[i]);
    }
    if (rc == 1) {
        rc = 0; /* a setter failed and said so */
    } else if (rc == 0) {
        if (strcmp(mode, "evaluate") == 0 || strcmp(mode, "count") == 0) {
            ec_status st = mode[0] == 'e' ? ec_evaluate(layer, memory, dataflow, result)
                                          : ec_count(layer, memory, dataflow, result);
            if (report(st, ec_result_message(result))) print_result(result);
        } else if (strcmp(mode, "lower_bound") == 0) {
            if (report(ec_lower_bound(layer, memory, result), ec_result_message(result)))
                print_bound(result);
        } else if (strcmp(mode, "asymptotic") == 0) {
            double reads, writes, energy;
            ec_status st = ec_asymptotic(layer, memory, policy, &reads, &writes, &energy);
            if (report(st, "")) {
                print_f64("asymptotic.dram_reads", reads);
                print_f64("asymptotic.dram_writes", writes);
                print_f64("asymptotic.energy", energy);
            }
        } else {
            fprintf(stderr, "ecnn_dump: unknown mode %s\n", mode);
            rc = 2;
        }
    }
    ec_result_destroy(result);
    ec_dataflow_destroy(dataflow);
    ec_memory_destroy(memory);
    ec_layer_destroy(layer);
    return rc;
}
