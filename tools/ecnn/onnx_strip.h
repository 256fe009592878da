/* ONNX import, "Weights are never read" (docs/onnx.md): a wire-format
 * pre-pass that copies an ONNX ModelProto without the payload of its large
 * tensors, so that protobuf-c (which copies every bytes field while
 * decoding, and has no lazy or skipped fields) never touches the weights. */
#ifndef ECNN_TOOL_ONNX_STRIP_H
#define ECNN_TOOL_ONNX_STRIP_H

#include <stddef.h>
#include <stdint.h>

/* A tensor whose payload fields (float_data, int32_data, string_data,
 * int64_data, raw_data, double_data, uint64_data) take more bytes than this
 * loses them. The reader uses the values of tensors of at most 16 elements
 * only (under 200 bytes in any encoding), so no value it reads is lost. */
#define ONNX_STRIP_THRESHOLD ((size_t)64 * 1024)
/* Messages nested deeper than this (ModelProto is depth 1) are refused. */
#define ONNX_STRIP_MAX_DEPTH 64

/* Walks the message in[0..len) as a ModelProto, down the fields that lead
 * to tensors (ModelProto.graph; GraphProto.node, initializer,
 * sparse_initializer; NodeProto.attribute; AttributeProto.t, tensors, g,
 * graphs, sparse_tensor, sparse_tensors; SparseTensorProto.values,
 * indices), checking the wire format of every message on the way. Returns
 * 0 with *out a malloc'd copy of the message (length *out_len) from which
 * the payload of every tensor above threshold bytes is left out and the
 * lengths of the enclosing messages re-encoded, or *out NULL when no tensor
 * is above it (the input is then to be used as it is); *stripped counts the
 * tensors left without payload. Returns -1 with a message in err (the
 * offset, the message kind and what is wrong) on malformed wire data or
 * when out of memory. Never reads a payload's bytes. */
int onnx_strip(const uint8_t *in, size_t len, size_t threshold, uint8_t **out, size_t *out_len,
               size_t *stripped, char *err, size_t errsize);
/* The same from the first len bytes of an open file, read with pread (a
 * read error or a file that shrinks is an error). */
int onnx_strip_fd(int fd, size_t len, size_t threshold, uint8_t **out, size_t *out_len, size_t *stripped,
                  char *err, size_t errsize);

#endif
