/* Loading one YAML document from a file with the checks every YAML input
 * of the tool gets (docs/cli.md, "Input files"): the text through
 * textfile.c, then an event pass that bounds the nesting depth (libyaml's
 * time grows with the square of the depth of flow collections) and refuses
 * explicit tags (a "!!str 8" would otherwise read as the number 8), then
 * the document, which must be the only one in the file (it may be empty:
 * each reader refuses that in its own words). */
#ifndef ECNN_TOOL_YAMLFILE_H
#define ECNN_TOOL_YAMLFILE_H

#include "util.h"

#include <stddef.h>
#include <yaml.h>

/* Deeper than any Timeloop or Accelergy file (a problem nests about 6
 * deep, an architecture tree about 12). */
#define YF_MAX_DEPTH 32

/* Parses text (len bytes, already checked by textfile.c) into *doc. 0, or
 * -1 with "path:line: reason" printed and nothing to free. what names the
 * kind of file in messages ("a Timeloop problem"). */
int yf_parse(const char *path, const char *what, const unsigned char *text, size_t len,
             yaml_document_t *doc);
/* As yf_parse() on the file at path, read through tf_open(). */
int yf_load(const char *path, const char *what, yaml_document_t *doc);

/* A loaded document and the file it came from, for the readers' messages. */
typedef struct yf_doc {
    const char *path;
    yaml_document_t doc;
    int loaded;
} yf_doc;

/* yf_load() into *y, refusing an empty document ("the file is empty").
 * 0, or -1 with the message printed; yf_close() is safe either way. */
int yf_open(yf_doc *y, const char *path, const char *what);
void yf_close(yf_doc *y);
yaml_node_t *yf_node(yf_doc *y, int id);
yaml_node_t *yf_root(yf_doc *y);
/* The text of a scalar node, or NULL for any other node (or NULL). */
const char *yf_scalar(const yaml_node_t *n);
/* The value of key in a mapping node, or NULL. */
yaml_node_t *yf_get(yf_doc *y, yaml_node_t *map, const char *key);
/* Prints "path:line: message" (the line of n, or no line without n); -1. */
int yf_fail(const yf_doc *y, const yaml_node_t *n, const char *fmt, ...) TOOL_PRINTF(3, 4);

#endif
