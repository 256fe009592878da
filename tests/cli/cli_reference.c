/* The library's own answer for one layer, for the CLI tests to compare the
 * ecnn program's output with: calls ec_evaluate() (or ec_lower_bound())
 * directly and prints every figure as JSON, doubles with %.17g.
 *
 * usage: cli_reference layer=N,C,K,G,H,W,R,S,sh,sw,dh,dw,pt,pb,pl,pr
 *        [cap=M] [part=I,W,O] [choose=1] [energy=dr,dw,br,bw,mac]
 *        [policy=os|ws|is|optimal|ORDER] [reuse=slide|refetch]
 *        [footprint=exact|bbox] [tiles=N,G,K,C,P,Q,R,S] [bound-only=1] */
#include <ecnn.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int list(const char *s, int64_t *out, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;
        out[i] = strtoll(s, &end, 10);
        if (end == s || (i < n - 1 && *end != ',') || (i == n - 1 && *end)) return -1;
        s = end + 1;
    }
    return 0;
}

static int dlist(const char *s, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;
        out[i] = strtod(s, &end);
        if (end == s || (i < n - 1 && *end != ',') || (i == n - 1 && *end)) return -1;
        s = end + 1;
    }
    return 0;
}

static int die(const char *what, const char *msg)
{
    fprintf(stderr, "cli_reference: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv)
{
    ec_layer *l = ec_layer_create();
    ec_memory *m = ec_memory_create();
    ec_dataflow *df = ec_dataflow_create();
    ec_result *r = ec_result_create();
    if (!l || !m || !df || !r) return die("create", "out of memory");
    int have_layer = 0, bound_only = 0;
    for (int a = 1; a < argc; a++) {
        char *eq = strchr(argv[a], '=');
        if (!eq) return die(argv[a], "expected key=value");
        *eq = '\0';
        const char *k = argv[a], *v = eq + 1;
        int64_t x[16];
        double e[5];
        if (strcmp(k, "layer") == 0) {
            if (list(v, x, 16)) return die(k, "16 integers");
            for (int i = 0; i < 16; i++)
                if (ec_layer_set(l, (ec_layer_param)i, x[i]) != EC_OK) return die(k, ec_layer_message(l));
            have_layer = 1;
        } else if (strcmp(k, "cap") == 0) {
            if (list(v, x, 1) || ec_memory_set(m, EC_MEM_CAPACITY, x[0])) return die(k, v);
        } else if (strcmp(k, "part") == 0) {
            if (list(v, x, 3)) return die(k, v);
            for (int i = 0; i < 3; i++) ec_memory_set(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), x[i]);
        } else if (strcmp(k, "choose") == 0) {
            ec_memory_set(m, EC_MEM_CHOOSE_PARTITION, atoi(v));
        } else if (strcmp(k, "energy") == 0) {
            if (dlist(v, e, 5)) return die(k, v);
            for (int i = 0; i < 5; i++) ec_memory_set_energy(m, (ec_energy_param)i, e[i]);
        } else if (strcmp(k, "policy") == 0) {
            static const char *const names[] = {"os", "ws", "is", "custom", "optimal"};
            int p = -1;
            for (int i = 0; i < 5; i++)
                if (strcmp(v, names[i]) == 0) p = i;
            if (p == EC_POLICY_CUSTOM) return die(k, "give the order itself");
            if (p >= 0) ec_dataflow_set(df, EC_DF_POLICY, p);
            else if (ec_dataflow_set_order_string(df, v) != EC_OK) return die(k, ec_dataflow_message(df));
        } else if (strcmp(k, "reuse") == 0) {
            ec_dataflow_set(df, EC_DF_REUSE, strcmp(v, "refetch") == 0);
        } else if (strcmp(k, "footprint") == 0) {
            ec_dataflow_set(df, EC_DF_FOOTPRINT, strcmp(v, "bbox") == 0);
        } else if (strcmp(k, "tiles") == 0) {
            if (list(v, x, 8)) return die(k, v);
            for (int i = 0; i < 8; i++) ec_dataflow_set(df, (ec_dataflow_param)(EC_DF_TILE_N + i), x[i]);
        } else if (strcmp(k, "bound-only") == 0) {
            bound_only = atoi(v);
        } else {
            return die(k, "unknown key");
        }
    }
    if (!have_layer) return die("layer", "missing");
    ec_status st = bound_only ? ec_lower_bound(l, m, r) : ec_evaluate(l, m, df, r);
    if (st != EC_OK) return die(ec_status_string(st), ec_result_message(r));
    int64_t v;
    double d, d2, d3;
    printf("{");
    static const char *const derived[6] = {"P", "Q", "macs", "size_I", "size_W", "size_O"};
    static const ec_layer_param dkeys[6] = {EC_LAYER_P, EC_LAYER_Q, EC_LAYER_MACS,
                                            EC_LAYER_SIZE_I, EC_LAYER_SIZE_W, EC_LAYER_SIZE_O};
    for (int i = 0; i < 6; i++) {
        ec_layer_get(l, dkeys[i], &v);
        printf("\"%s\": %" PRId64 ", ", derived[i], v);
    }
    printf("\"bound\": [");
    for (int b = 0; b < 7; b++) {
        ec_result_bound(r, (ec_bound_field)b, &v);
        printf("%s%" PRId64, b ? ", " : "", v);
    }
    ec_result_bound_energy(r, &d);
    printf("], \"bound_energy\": %.17g", d);
    if (!bound_only) {
        printf(", \"counts\": {");
        for (int t = 0; t < 3; t++) {
            printf("%s\"%c\": [", t ? ", " : "", "IWO"[t]);
            for (int k = 0; k < 4; k++) {
                ec_result_count(r, (ec_tensor)t, (ec_level)(k / 2), (ec_access)(k % 2), &v);
                printf("%s%" PRId64, k ? ", " : "", v);
            }
            printf("]");
        }
        ec_result_get(r, EC_RESULT_DRAM_TOTAL, &v);
        printf("}, \"dram_total\": %" PRId64 ", \"energy\": [", v);
        for (int p = 0; p < 7; p++) {
            ec_result_energy(r, (ec_energy_part)p, &d);
            printf("%s%.17g", p ? ", " : "", d);
        }
        ec_dim order[8];
        ec_result_order(r, order);
        printf("], \"order\": \"");
        for (int i = 0; i < 8; i++) putchar("NGKCPQRS"[order[i]]);
        printf("\", \"tiles\": [");
        for (int i = 0; i < 8; i++) {
            int automatic;
            ec_result_tile(r, (ec_dim)i, &v, &automatic);
            printf("%s[%" PRId64 ", %d]", i ? ", " : "", v, automatic ? 1 : 0);
        }
        printf("], \"partition\": [");
        for (int i = 0; i < 3; i++) {
            ec_result_get(r, (ec_result_field)(EC_RESULT_PARTITION_I + i), &v);
            printf("%s%" PRId64, i ? ", " : "", v);
        }
        ec_result_gap(r, &d, &d2);
        printf("], \"gap\": [%.17g, %.17g]", d, d2);
    }
    printf(", \"asymptotic\": {");
    for (int p = 0; p < 3; p++) {
        printf("%s\"%s\": ", p ? ", " : "", (const char *[]){"os", "ws", "is"}[p]);
        if (ec_asymptotic(l, m, (ec_policy)p, &d, &d2, &d3) == EC_OK)
            printf("[%.17g, %.17g, %.17g]", d, d2, d3);
        else
            printf("null");
    }
    printf("}}\n");
    ec_result_destroy(r);
    ec_dataflow_destroy(df);
    ec_memory_destroy(m);
    ec_layer_destroy(l);
    return 0;
}
