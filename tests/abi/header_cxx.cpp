// The 'header' test's C++ translation unit (check_header.sh compiles it as
// C++11 with g++ and clang++, -Wall -Wextra -Werror -pedantic). Linking it
// against libecnn.so checks the extern "C" block: without it the calls
// below would name C++-mangled symbols the library does not define.
#include <ecnn.h>

#include <cstdio>
#include <cstring>

static_assert(EC_NDIMS == 8, "the iteration space has eight dimensions");

int main()
{
    int failures = 0;
    ec_layer *layer = ec_layer_create();
    ec_memory *memory = ec_memory_create();
    ec_dataflow *dataflow = ec_dataflow_create();
    ec_result *result = ec_result_create();
    if (layer == nullptr || memory == nullptr || dataflow == nullptr || result == nullptr)
        return 1;

    // Keys kept in an array of the header's enum type, as C++ callers do
    // (an int does not convert to an enum implicitly in C++).
    const ec_layer_param keys[] = {EC_LAYER_C, EC_LAYER_K, EC_LAYER_H, EC_LAYER_W, EC_LAYER_R,
                                   EC_LAYER_S};
    const int64_t values[] = {4, 8, 10, 10, 3, 3};
    for (int i = 0; i < 6; i++)
        if (ec_layer_set(layer, keys[i], values[i]) != EC_OK) failures++;
    const ec_dim order[EC_NDIMS] = {EC_DIM_N, EC_DIM_G, EC_DIM_K, EC_DIM_P,
                                    EC_DIM_Q, EC_DIM_C, EC_DIM_R, EC_DIM_S};
    if (ec_dataflow_set_order(dataflow, order) != EC_OK) failures++;
    if (ec_count(layer, memory, dataflow, result) != EC_OK) failures++;
    int64_t reads = -1;
    if (ec_result_count(result, EC_TENSOR_I, EC_LEVEL_DRAM, EC_ACCESS_READ, &reads) != EC_OK ||
        reads != 400)
        failures++;
    ec_status st = ec_layer_set(layer, EC_LAYER_P, 1);
    if (st != EC_E_READONLY || std::strlen(ec_layer_message(layer)) == 0) failures++;
    if (std::strcmp(ec_status_string(st), "") == 0) failures++;

    if (std::strcmp(EC_VERSION_STRING, ECNN_EXPECTED_VERSION) != 0) failures++;
    if (std::strcmp(ec_version_string(), EC_VERSION_STRING) != 0) failures++;
    if (ec_version_number() != EC_VERSION_NUMBER) failures++;

    ec_result_destroy(result);
    ec_dataflow_destroy(dataflow);
    ec_memory_destroy(memory);
    ec_layer_destroy(layer);
    if (failures) std::fprintf(stderr, "header_cxx: %d check(s) failed\n", failures);
    return failures != 0;
}
