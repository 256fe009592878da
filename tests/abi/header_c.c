/* The 'header' test's C translation unit (check_header.sh compiles it as
 * C99 and C11 with gcc and clang, -Wall -Wextra -Werror -pedantic): the
 * public header must be self-contained (included first), idempotent, and
 * clean in both standards; calling a few functions checks that what it
 * declares links against libecnn.so. ECNN_EXPECTED_VERSION is meson's
 * project version, passed with -D. */
#include <ecnn.h>
#include <ecnn.h> /* the include guard */

#include <stdio.h>
#include <string.h>

int main(void)
{
    int failures = 0;
    ec_layer *layer = ec_layer_create();
    ec_memory *memory = ec_memory_create();
    ec_dataflow *dataflow = ec_dataflow_create();
    ec_result *result = ec_result_create();
    ec_dim order[EC_NDIMS];
    int64_t reads = -1;

    if (!layer || !memory || !dataflow || !result) return 1;
    /* Hand-worked in tests/install/consumer.c: the default Buffer holds the
     * whole layer, so the inputs are read from DRAM once, 4*10*10 words. */
    ec_layer_set(layer, EC_LAYER_C, 4);
    ec_layer_set(layer, EC_LAYER_K, 8);
    ec_layer_set(layer, EC_LAYER_H, 10);
    ec_layer_set(layer, EC_LAYER_W, 10);
    ec_layer_set(layer, EC_LAYER_R, 3);
    ec_layer_set(layer, EC_LAYER_S, 3);
    if (ec_dataflow_set_order_string(dataflow, "NGKPQCRS") != EC_OK) failures++;
    if (ec_evaluate(layer, memory, dataflow, result) != EC_OK) failures++;
    if (ec_result_count(result, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &reads) != EC_OK ||
        reads != 400)
        failures++;
    if (ec_result_order(result, order) != EC_OK || order[0] != EC_DIM_N) failures++;

    if (strcmp(EC_VERSION_STRING, ECNN_EXPECTED_VERSION) != 0) failures++;
    if (strcmp(ec_version_string(), EC_VERSION_STRING) != 0) failures++;
    if (ec_version_number() != EC_VERSION_NUMBER) failures++;

    ec_result_destroy(result);
    ec_dataflow_destroy(dataflow);
    ec_memory_destroy(memory);
    ec_layer_destroy(layer);
    if (failures) fprintf(stderr, "header_c: %d check(s) failed\n", failures);
    return failures != 0;
}
