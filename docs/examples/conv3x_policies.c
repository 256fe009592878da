/* conv3x_policies: the energy of one ResNet-50 layer under the three named
 * dataflow policies.
 *
 * The layer is conv3_x's 3x3 convolution: N = 1, C = K = 128, H = W = 28,
 * R = S = 3, zero padding 1 on all four sides, stride 1 (so P = Q = 28).
 * The memory is the default one: a shared Buffer of M = 65536 words and the
 * Eyeriss energies (DRAM 200, Buffer 6, MAC 1, in units of one MAC). Each
 * policy (output-, weight- and input-stationary) is evaluated with ec_evaluate()
 * and every tile chosen automatically; the program prints the access counts
 * per tensor, the energy per level and per tensor, and the tiles and loop
 * order that were chosen.
 *
 * Every call's status is checked: on failure the program prints the status
 * and the handle's message and exits with status 1.
 */
#include <ecnn.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static const char dim_letter[EC_NDIMS] = {'N', 'G', 'K', 'C', 'P', 'Q', 'R', 'S'};
static const char *const tensor_name[3] = {"I (inputs)", "W (weights)", "O (outputs)"};

/* Report a failed call and return non-zero, or return 0 if it succeeded. */
static int failed(ec_status st, const char *what, const char *message)
{
    if (st == EC_OK) return 0;
    fprintf(stderr, "conv3x_policies: %s failed: %s (%d)%s%s\n", what, ec_status_string(st),
            (int)st, message[0] ? ": " : "", message);
    return 1;
}

/* Configure the layer; returns 0 on success. */
static int set_layer(ec_layer *layer)
{
    static const struct {
        ec_layer_param key;
        int64_t value;
        const char *name;
    } params[] = {
        {EC_LAYER_N, 1, "N"},
        {EC_LAYER_C, 128, "C"},
        {EC_LAYER_K, 128, "K"},
        {EC_LAYER_H, 28, "H"},
        {EC_LAYER_W, 28, "W"},
        {EC_LAYER_R, 3, "R"},
        {EC_LAYER_S, 3, "S"},
        {EC_LAYER_STRIDE_H, 1, "stride_h"},
        {EC_LAYER_STRIDE_W, 1, "stride_w"},
        {EC_LAYER_PAD_TOP, 1, "pad_top"},
        {EC_LAYER_PAD_BOTTOM, 1, "pad_bottom"},
        {EC_LAYER_PAD_LEFT, 1, "pad_left"},
        {EC_LAYER_PAD_RIGHT, 1, "pad_right"},
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "ec_layer_set(%s)", params[i].name);
        if (failed(ec_layer_set(layer, params[i].key, params[i].value), what,
                   ec_layer_message(layer)))
            return 1;
    }
    return failed(ec_layer_check(layer), "ec_layer_check", ec_layer_message(layer));
}

/* Print the layer's derived sizes; returns 0 on success. */
static int print_layer(const ec_layer *layer)
{
    static const struct {
        ec_layer_param key;
        const char *name;
    } derived[] = {
        {EC_LAYER_P, "P"},           {EC_LAYER_Q, "Q"},           {EC_LAYER_MACS, "MACs"},
        {EC_LAYER_SIZE_I, "|I|"},    {EC_LAYER_SIZE_W, "|W|"},    {EC_LAYER_SIZE_O, "|O|"},
    };
    printf("Layer: ResNet-50 conv3_x 3x3, N=1 C=K=128 H=W=28 R=S=3 pad 1 stride 1\n");
    printf("      ");
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
        int64_t v;
        if (failed(ec_layer_get(layer, derived[i].key, &v), "ec_layer_get",
                   ec_layer_message(layer)))
            return 1;
        printf(" %s=%" PRId64, derived[i].name, v);
    }
    printf("\n");
    return 0;
}

/* Print the breakdown of one evaluated result; returns 0 on success. */
static int print_result(const char *title, const ec_result *result)
{
    const char *msg = ec_result_message(result);
    int64_t macs, dram_total;
    if (failed(ec_result_get(result, EC_RESULT_MACS, &macs), "ec_result_get(MACS)", msg) ||
        failed(ec_result_get(result, EC_RESULT_DRAM_TOTAL, &dram_total),
               "ec_result_get(DRAM_TOTAL)", msg))
        return 1;

    printf("\n== %s ==\n", title);

    ec_dim order[EC_NDIMS];
    if (failed(ec_result_order(result, order), "ec_result_order", msg)) return 1;
    printf("Loop order (outermost first): ");
    for (int i = 0; i < EC_NDIMS; i++) printf("%c", dim_letter[order[i]]);
    printf("\nTiles (* = chosen automatically):");
    for (int i = 0; i < EC_NDIMS; i++) {
        ec_dim d = order[i];
        int64_t tile;
        int automatic;
        if (failed(ec_result_tile(result, d, &tile, &automatic), "ec_result_tile", msg)) return 1;
        printf(" t_%c=%" PRId64 "%s", dim_letter[d], tile, automatic ? "*" : "");
    }
    printf("\n\n");

    printf("%-12s %14s %14s %14s %14s\n", "tensor", "DRAM reads", "DRAM writes", "Buffer reads",
           "Buffer writes");
    for (int t = 0; t < 3; t++) {
        int64_t c[2][2];
        for (int l = 0; l < 2; l++)
            for (int a = 0; a < 2; a++)
                if (failed(ec_result_count(result, (ec_tensor)t, (ec_level)l, (ec_access)a,
                                           &c[l][a]),
                           "ec_result_count", msg))
                    return 1;
        printf("%-12s %14" PRId64 " %14" PRId64 " %14" PRId64 " %14" PRId64 "\n", tensor_name[t],
               c[EC_LEVEL_DRAM][EC_ACCESS_READ], c[EC_LEVEL_DRAM][EC_ACCESS_WRITE],
               c[EC_LEVEL_BUFFER][EC_ACCESS_READ], c[EC_LEVEL_BUFFER][EC_ACCESS_WRITE]);
    }
    printf("MACs: %" PRId64 "   DRAM accesses in all: %" PRId64 "\n\n", macs, dram_total);

    static const struct {
        ec_energy_part part;
        const char *name;
    } by_level[] = {
        {EC_PART_DRAM, "DRAM"}, {EC_PART_BUFFER, "Buffer"}, {EC_PART_MAC, "MAC"}},
      by_tensor[] = {
        {EC_PART_TENSOR_I, "I"}, {EC_PART_TENSOR_W, "W"}, {EC_PART_TENSOR_O, "O"},
        {EC_PART_MAC, "MAC"}};
    double total;
    if (failed(ec_result_energy(result, EC_PART_TOTAL, &total), "ec_result_energy(TOTAL)", msg))
        return 1;
    printf("Energy (units of one MAC): total %.0f\n", total);
    printf("  by level: ");
    for (size_t i = 0; i < sizeof by_level / sizeof by_level[0]; i++) {
        double e;
        if (failed(ec_result_energy(result, by_level[i].part, &e), "ec_result_energy", msg))
            return 1;
        printf("  %s %.0f (%.1f%%)", by_level[i].name, e, total > 0 ? 100.0 * e / total : 0.0);
    }
    printf("\n  by tensor:");
    for (size_t i = 0; i < sizeof by_tensor / sizeof by_tensor[0]; i++) {
        double e;
        if (failed(ec_result_energy(result, by_tensor[i].part, &e), "ec_result_energy", msg))
            return 1;
        printf("  %s %.0f (%.1f%%)", by_tensor[i].name, e, total > 0 ? 100.0 * e / total : 0.0);
    }
    printf("\n");

    /* Section 7's lower bound holds for every schedule on this Buffer; the
     * gap says how far this dataflow is from it. */
    int64_t bound_dram;
    double bound_energy, gap_dram, gap_energy;
    if (failed(ec_result_bound(result, EC_BOUND_TRANSFERS, &bound_dram), "ec_result_bound", "") ||
        failed(ec_result_bound_energy(result, &bound_energy), "ec_result_bound_energy", "") ||
        failed(ec_result_gap(result, &gap_dram, &gap_energy), "ec_result_gap", ""))
        return 1;
    printf("Lower bound: %" PRId64 " DRAM words, energy %.0f; this dataflow is %.3fx the DRAM "
           "bound and %.4fx the energy bound\n", bound_dram, bound_energy, gap_dram, gap_energy);
    /* Section 8's asymptotic formula exists for the named policies only. */
    double reads, writes;
    ec_status st = ec_result_asymptotic(result, &reads, &writes, NULL);
    if (st == EC_OK)
        printf("Asymptotic formula: %.0f DRAM reads + %.0f writes\n", reads, writes);
    else if (st != EC_E_UNAVAILABLE)
        return failed(st, "ec_result_asymptotic", "");
    return 0;
}

int main(void)
{
    static const struct {
        ec_policy policy;
        const char *name;
    } policies[] = {
        {EC_POLICY_OS, "output-stationary (EC_POLICY_OS)"},
        {EC_POLICY_WS, "weight-stationary (EC_POLICY_WS)"},
        {EC_POLICY_IS, "input-stationary (EC_POLICY_IS)"},
        {EC_POLICY_OPTIMAL, "optimal over all loop orders (EC_POLICY_OPTIMAL)"},
    };

    int status = 1;
    ec_layer *layer = ec_layer_create();
    ec_memory *memory = ec_memory_create();
    ec_dataflow *dataflow = ec_dataflow_create();
    ec_result *result = ec_result_create();
    if (!layer || !memory || !dataflow || !result) {
        fprintf(stderr, "conv3x_policies: out of memory\n");
        goto done;
    }

    printf("libecnn %s\n", ec_version_string());
    if (set_layer(layer) || print_layer(layer)) goto done;

    /* The defaults already are M = 65536 words and the Eyeriss energies; set
     * them anyway so that the example shows how. */
    if (failed(ec_memory_set(memory, EC_MEM_CAPACITY, 65536), "ec_memory_set(CAPACITY)",
               ec_memory_message(memory)) ||
        failed(ec_memory_preset_energies(memory, EC_PRESET_EYERISS), "ec_memory_preset_energies",
               ec_memory_message(memory)))
        goto done;
    printf("Memory: shared Buffer of M = 65536 words; energies per word: DRAM 200, Buffer 6, "
           "MAC 1\n");

    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        /* A fresh dataflow is output-stationary with every tile automatic
         * (0); only the policy changes here. */
        if (failed(ec_dataflow_set(dataflow, EC_DF_POLICY, policies[i].policy),
                   "ec_dataflow_set(POLICY)", ec_dataflow_message(dataflow)))
            goto done;
        if (failed(ec_evaluate(layer, memory, dataflow, result), "ec_evaluate",
                   ec_result_message(result)))
            goto done;
        if (print_result(policies[i].name, result)) goto done;
    }
    status = 0;

done:
    ec_result_destroy(result);
    ec_dataflow_destroy(dataflow);
    ec_memory_destroy(memory);
    ec_layer_destroy(layer);
    return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
