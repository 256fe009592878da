/* A program outside the source tree, built against the installed library
 * through pkg-config (tests/install/check_install.sh). It checks answers
 * that can be worked out by hand from docs/model.md.
 *
 * Layer: N = 1, C = 4, K = 8, H = W = 10, R = S = 3, stride 1, no padding.
 *   P = Q = 10 - 3 + 1 = 8
 *   MACs = N*G*Kg*Cg*P*Q*R*S = 1*1*8*4*8*8*3*3 = 18432
 *   |I| = 1*4*10*10 = 400, |W| = 8*4*3*3 = 288, |O| = 1*8*8*8 = 512
 * Memory: the default shared Buffer of 65536 words holds all three tensors
 * (1200 words), so every tensor moves between DRAM and the Buffer exactly
 * once: DRAM reads I 400, W 288, O 0; DRAM writes O 512.
 */
#include <ecnn.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "consumer: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                          \
            failures++;                                                              \
        }                                                                            \
    } while (0)

#define CHECK_OK(call, handle_msg)                                                   \
    do {                                                                             \
        ec_status st_ = (call);                                                      \
        if (st_ != EC_OK) {                                                          \
            fprintf(stderr, "consumer: %s:%d: %s returned %s: %s\n", __FILE__, __LINE__, \
                    #call, ec_status_string(st_), (handle_msg));                     \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static int64_t layer_value(const ec_layer *layer, ec_layer_param key)
{
    int64_t v = -1;
    CHECK_OK(ec_layer_get(layer, key, &v), ec_layer_message(layer));
    return v;
}

static int64_t dram(const ec_result *result, ec_tensor tensor, ec_access access)
{
    int64_t v = -1;
    CHECK_OK(ec_result_count(result, tensor, EC_LEVEL_DRAM, access, &v),
             ec_result_message(result));
    return v;
}

int main(void)
{
    CHECK(ec_version_number() == EC_VERSION_NUMBER);
    CHECK(strcmp(ec_version_string(), EC_VERSION_STRING) == 0);

    ec_layer *layer = ec_layer_create();
    ec_memory *memory = ec_memory_create();
    ec_dataflow *dataflow = ec_dataflow_create();
    ec_result *result = ec_result_create();
    if (!layer || !memory || !dataflow || !result) {
        fprintf(stderr, "consumer: out of memory\n");
        return 1;
    }

    CHECK_OK(ec_layer_set(layer, EC_LAYER_C, 4), ec_layer_message(layer));
    CHECK_OK(ec_layer_set(layer, EC_LAYER_K, 8), ec_layer_message(layer));
    CHECK_OK(ec_layer_set(layer, EC_LAYER_H, 10), ec_layer_message(layer));
    CHECK_OK(ec_layer_set(layer, EC_LAYER_W, 10), ec_layer_message(layer));
    CHECK_OK(ec_layer_set(layer, EC_LAYER_R, 3), ec_layer_message(layer));
    CHECK_OK(ec_layer_set(layer, EC_LAYER_S, 3), ec_layer_message(layer));
    CHECK_OK(ec_layer_check(layer), ec_layer_message(layer));

    CHECK(layer_value(layer, EC_LAYER_P) == 8);
    CHECK(layer_value(layer, EC_LAYER_Q) == 8);
    CHECK(layer_value(layer, EC_LAYER_MACS) == 18432);
    CHECK(layer_value(layer, EC_LAYER_SIZE_I) == 400);
    CHECK(layer_value(layer, EC_LAYER_SIZE_W) == 288);
    CHECK(layer_value(layer, EC_LAYER_SIZE_O) == 512);

    /* Output-stationary (the default policy), tiles automatic. */
    ec_status st = ec_evaluate(layer, memory, dataflow, result);
    if (st != EC_OK) {
        fprintf(stderr, "consumer: ec_evaluate returned %s: %s\n", ec_status_string(st),
                ec_result_message(result));
        failures++;
    } else {
        int64_t macs = -1;
        CHECK_OK(ec_result_get(result, EC_RESULT_MACS, &macs), ec_result_message(result));
        CHECK(macs == 18432);
        CHECK(dram(result, EC_TENSOR_I, EC_ACCESS_READ) == 400);
        CHECK(dram(result, EC_TENSOR_W, EC_ACCESS_READ) == 288);
        CHECK(dram(result, EC_TENSOR_O, EC_ACCESS_READ) == 0);
        CHECK(dram(result, EC_TENSOR_O, EC_ACCESS_WRITE) == 512);
        double total = -1.0;
        CHECK_OK(ec_result_energy(result, EC_PART_TOTAL, &total), ec_result_message(result));
        CHECK(total > 0.0);
    }

    /* An invalid request fails with a status and a message, not a result. */
    CHECK(ec_layer_set(layer, EC_LAYER_R, 0) == EC_E_RANGE);
    CHECK(ec_dataflow_set(dataflow, EC_DF_TILE_K, 9) == EC_OK);
    CHECK(ec_evaluate(layer, memory, dataflow, result) == EC_E_TILE);
    CHECK(ec_result_message(result)[0] != '\0');

    ec_result_destroy(result);
    ec_dataflow_destroy(dataflow);
    ec_memory_destroy(memory);
    ec_layer_destroy(layer);

    if (failures) {
        fprintf(stderr, "consumer: %d check(s) failed\n", failures);
        return 1;
    }
    printf("consumer: libecnn %s, all checks passed\n", ec_version_string());
    return 0;
}
