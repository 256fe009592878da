/* libFuzzer target for the ONNX reader of the ecnn tool (docs/onnx.md,
 * docs/fuzzing.md): any bytes go through protobuf-c's decoder and the
 * graph walk. Beyond "no crash, no leak, no undefined behaviour" (the
 * sanitizers), a model that is accepted must give at least one layer, and
 * every layer must be one the library accepts. */
#include "network.h"
#include "onnx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onnx_opts o;
    onnx_opts_init(&o);
    o.quiet = 1;
    /* The last byte picks the options, so both paths are explored. */
    if (size && (data[size - 1] & 1)) o.skip_unknown = 1;
    if (size && (data[size - 1] & 2)) o.batch = 1 + (data[size - 1] >> 2);
    network net;
    net_init(&net);
    int rc = onnx_read_buffer(data, size, "fuzz", &net, &o);
    if (rc == 0) {
        if (net.n < 1) {
            fprintf(stderr, "fuzz_onnx: accepted with no layers\n");
            abort();
        }
        ec_layer *l = ec_layer_create();
        char err[300];
        for (int i = 0; l && i < net.n; i++) {
            if (lp_to_layer(net.layer[i].v, l, err, sizeof err) != EC_OK) {
                fprintf(stderr, "fuzz_onnx: layer %d refused by the library: %s\n", i, err);
                abort();
            }
        }
        ec_layer_destroy(l);
    }
    net_free(&net);
    return 0;
}
