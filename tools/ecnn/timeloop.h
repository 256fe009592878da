/* Timeloop problem files (YAML, format versions 0.3 and 0.4) read with
 * libyaml: one file is one convolutional layer. docs/cli.md gives the
 * mapping between Timeloop's names and ours. */
#ifndef ECNN_TOOL_TIMELOOP_H
#define ECNN_TOOL_TIMELOOP_H

#include "network.h"

/* Reads the layer of one problem file into v. On any problem (syntax, an
 * unknown or missing key, a wrong type, a shape that is not a 2-D
 * convolution, inconsistent sizes) prints "file:line: reason" and returns -1. */
int timeloop_read(const char *path, int64_t v[LP_COUNT]);
/* As timeloop_read() on text already read and checked (tf_open); path is
 * for the messages. */
int timeloop_parse(const char *path, const unsigned char *text, size_t len, int64_t v[LP_COUNT]);

#endif
