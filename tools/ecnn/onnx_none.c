/* ONNX import in a build without protobuf-c or onnx.proto (docs/onnx.md):
 * every model is refused with the reason. */
#include "onnx.h"

#include "util.h"

int onnx_available(void) { return 0; }

int onnx_read_buffer(const uint8_t *data, size_t len, const char *label, network *net,
                     const onnx_opts *o)
{
    (void)data;
    (void)len;
    (void)net;
    (void)o;
    tool_error("%s: this ecnn was built without ONNX support (it needs protobuf-c, protoc-c and "
               "onnx.proto at build time; docs/onnx.md)", label);
    return -1;
}

int onnx_read(const char *path, network *net, const onnx_opts *o)
{
    return onnx_read_buffer(NULL, 0, path, net, o);
}
