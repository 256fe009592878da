/* The YAML reading shared by the readers of Timeloop's files (archyaml.c:
 * architecture, ERT, mapping; mapper.c: constraints): a loaded document,
 * its nodes, and errors naming the file and line. */
#ifndef ECNN_TOOL_YAMLDOC_H
#define ECNN_TOOL_YAMLDOC_H

#include "util.h"

#include <yaml.h>

typedef struct ydoc {
    const char *path;
    yaml_document_t doc;
    int loaded;
} ydoc;

/* Loads path; -1 with "file:line:column: reason" printed. yfree() after,
 * whatever the outcome. */
int yload(ydoc *y, const char *path);
void yfree(ydoc *y);
yaml_node_t *ynode(ydoc *y, int id);
yaml_node_t *yroot(ydoc *y);
/* A scalar's text, or NULL for another node or NULL. */
const char *yscalar(const yaml_node_t *n);
/* The value of key in a mapping, or NULL. */
yaml_node_t *yget(ydoc *y, yaml_node_t *map, const char *key);
/* Prints "file:line: message" (the node's line; the file alone for NULL); -1. */
int yfail(const ydoc *y, const yaml_node_t *n, const char *fmt, ...) TOOL_PRINTF(3, 4);

#endif
