/* The network file format of the zoo (docs/zoo.md): CSV with a header of
 * column names, "# key: value" metadata lines and # comments. */
#ifndef ECNN_TOOL_NETCSV_H
#define ECNN_TOOL_NETCSV_H

#include "network.h"

/* Appends the layers of a network CSV file to net and sets its title and
 * source. Prints "file:line: reason" and returns -1 on any error. */
int netcsv_read(const char *path, network *net);
/* As netcsv_read() on a file already read (tf_open, tf_adopt); closes it. */
struct textfile;
int netcsv_parse(struct textfile *tf, network *net);

#endif
