/* What every command's output shares: the --format flag, the JSON
 * document header, and the memory and layer descriptions in JSON. */
#ifndef ECNN_TOOL_OUTPUT_H
#define ECNN_TOOL_OUTPUT_H

#include "args.h"
#include "json.h"
#include "network.h"
#include "outbuf.h"

#include <ecnn.h>

enum { FMT_TABLE = 0, FMT_CSV = 1, FMT_JSON = 2 };

/* --format table|csv|json (or -f): 1 handled, 0 not it, -1 error. */
int format_flag(argscan *s, int *format);
/* --help or -h. */
int is_help(const argscan *s);
extern const char format_help[];

/* Opens the document: {"ecnn_version": ..., "command": ...}. */
void json_begin_document(json *j, outbuf *ob, const char *command);
/* "memory": {capacity, partitions, choose_partition, energies}. */
void json_memory(json *j, const ec_memory *m);
/* The sixteen parameters of a layer as members of the current object. */
void json_layer_params(json *j, const int64_t v[LP_COUNT]);
/* One line describing a memory, for text output; the energies alone. */
void text_memory(outbuf *ob, const ec_memory *m);
void text_energies(outbuf *ob, const ec_memory *m);

#endif
