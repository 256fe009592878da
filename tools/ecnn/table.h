/* A table of cells rendered either as aligned text (for people) or as CSV
 * (for programs: one header line of machine names, integers as integers,
 * doubles as the shortest text that reads back exactly). */
#ifndef ECNN_TOOL_TABLE_H
#define ECNN_TOOL_TABLE_H

#include "outbuf.h"

#include <stdint.h>

typedef enum col_kind {
    COL_STR,   /* text, left-aligned */
    COL_INT,   /* an integer */
    COL_NUM,   /* a double: whole numbers in full, else 6 significant digits */
    COL_RATIO  /* a double near 1: 3 decimals in text */
} col_kind;

#define TABLE_MAX_COLS 128

typedef struct table {
    int csv;
    int ncols;
    struct {
        char csv[32], text[32];
        col_kind kind;
    } col[TABLE_MAX_COLS];
    char **cells; /* nrows * ncols, NULL = empty */
    unsigned char *rule; /* text: a rule above row r */
    int nrows, cap, cur;
    int pending_rule;
    int failed;
} table;

void table_init(table *t, int csv);
void table_free(table *t);
void table_col(table *t, const char *csv_name, const char *text_name, col_kind kind);
void table_row(table *t);
/* In text, a rule above the next row (for a totals line). */
void table_rule(table *t);
void table_str(table *t, const char *s);
void table_int(table *t, int64_t v);
void table_num(table *t, double v);
void table_blank(table *t);
void table_render(const table *t, outbuf *ob);

#endif
