/* libFuzzer target for the ONNX reader of the ecnn tool (docs/onnx.md,
 * docs/fuzzing.md): any bytes go through protobuf-c's decoder and the
 * graph walk, after the pre-pass that leaves large tensors' payload out
 * (onnx_strip.c; its threshold is picked from the input, down to 0 bytes,
 * since inputs are far smaller than the real threshold). Beyond "no crash, no leak, no undefined behaviour" (the
 * sanitizers), a model that is accepted must give at least one layer, and
 * every layer must be one the library accepts. */
#include "network.h"
#include "onnx.h"
#include "onnx_strip.h"

#include "onnx.pb-c.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pre-pass keeps everything but payloads: when protobuf-c decodes the
 * input, it decodes the stripped copy too, with the same graph (nodes,
 * initializers and their dims), and a stripped tensor has no payload. */
static void check_strip(const uint8_t *data, size_t size)
{
    uint8_t *lean;
    size_t len, n;
    char err[200];
    if (onnx_strip(data, size, 0, &lean, &len, &n, err, sizeof err) != 0 || !lean) return;
    Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, size, data);
    Onnx__ModelProto *b = a ? onnx__model_proto__unpack(NULL, len, lean) : NULL;
    if (a && !b) {
        fprintf(stderr, "fuzz_onnx: the stripped copy does not decode\n");
        abort();
    }
    if (a && (!a->graph) != (!b->graph)) abort();
    if (a && a->graph) {
        const Onnx__GraphProto *x = a->graph, *y = b->graph;
        if (x->n_node != y->n_node || x->n_initializer != y->n_initializer) abort();
        for (size_t i = 0; i < x->n_initializer; i++) {
            const Onnx__TensorProto *s = x->initializer[i], *t = y->initializer[i];
            if (s->n_dims != t->n_dims || (s->n_dims && memcmp(s->dims, t->dims, s->n_dims * sizeof *s->dims)))
                abort();
            if (t->has_raw_data || t->n_float_data || t->n_int64_data || t->n_int32_data) abort();
        }
    }
    if (a) onnx__model_proto__free_unpacked(a, NULL);
    if (b) onnx__model_proto__free_unpacked(b, NULL);
    free(lean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onnx_opts o;
    onnx_opts_init(&o);
    o.quiet = 1;
    /* The last byte picks the options, so both paths are explored. */
    if (size && (data[size - 1] & 1)) o.skip_unknown = 1;
    if (size && (data[size - 1] & 2)) o.batch = 1 + (data[size - 1] >> 2);
    /* The second-last byte, when odd, makes every tensor with more than
     * its upper bits of payload lose it. */
    if (size > 1 && (data[size - 2] & 1)) o.strip_above = (size_t)(data[size - 2] >> 1) + 1;
    check_strip(data, size);
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
