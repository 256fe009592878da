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

/* The gemm rows (tools/ecnn/gemm.c): the state of the reader between lines. */
#define GEMM_CSV_MAX_FIELDS 32
typedef struct gemm_csv {
    int ncols; /* 0: not under a gemm header */
    int col[GEMM_CSV_MAX_FIELDS];
} gemm_csv;
enum { GEMM_CSV_NOT_MINE, GEMM_CSV_HEADER, GEMM_CSV_ROW, GEMM_CSV_CONV_HEADER };
/* Reads one split line: a gemm header, a row under one, or a "layer"
 * header ending the gemm rows. -1 after printing "file:line: reason". */
int gemm_csv_line(gemm_csv *gc, const char *path, int lineno, char **field, int n, network *net);

#endif
