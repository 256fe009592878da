#include "table.h"

#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void table_init(table *t, int csv)
{
    memset(t, 0, sizeof *t);
    t->csv = csv;
}

void table_free(table *t)
{
    for (int i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->rule);
    memset(t, 0, sizeof *t);
}

void table_col(table *t, const char *csv_name, const char *text_name, col_kind kind)
{
    if (t->ncols >= TABLE_MAX_COLS || t->nrows) {
        t->failed = 1;
        return;
    }
    str_copy(t->col[t->ncols].csv, sizeof t->col[0].csv, csv_name);
    str_copy(t->col[t->ncols].text, sizeof t->col[0].text, text_name);
    t->col[t->ncols].kind = kind;
    t->ncols++;
}

void table_row(table *t)
{
    if (t->failed) return;
    if (t->nrows == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **cells = realloc(t->cells, sizeof(char *) * (size_t)cap * (size_t)t->ncols);
        unsigned char *rule = realloc(t->rule, (size_t)cap);
        if (cells) t->cells = cells;
        if (rule) t->rule = rule;
        if (!cells || !rule) {
            t->failed = 1;
            return;
        }
        t->cap = cap;
    }
    for (int c = 0; c < t->ncols; c++) t->cells[t->nrows * t->ncols + c] = NULL;
    t->rule[t->nrows] = (unsigned char)t->pending_rule;
    t->pending_rule = 0;
    t->nrows++;
    t->cur = 0;
}

void table_rule(table *t) { t->pending_rule = 1; }

static void put(table *t, const char *s)
{
    if (t->failed || t->nrows == 0 || t->cur >= t->ncols) {
        t->failed = 1;
        return;
    }
    char *copy = malloc(strlen(s) + 1);
    if (!copy) {
        t->failed = 1;
        return;
    }
    strcpy(copy, s);
    t->cells[(t->nrows - 1) * t->ncols + t->cur++] = copy;
}

void table_str(table *t, const char *s)
{
    char shown[4096];
    put(t, str_printable(shown, sizeof shown, s));
}

void table_int(table *t, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    put(t, buf);
}

void table_num(table *t, double v)
{
    char buf[48];
    if (t->csv) {
        if (isfinite(v)) fmt_double(buf, sizeof buf, v);
        else buf[0] = '\0';
    } else if (!isfinite(v)) {
        snprintf(buf, sizeof buf, "-");
    } else if (t->cur < t->ncols && t->col[t->cur].kind == COL_RATIO) {
        snprintf(buf, sizeof buf, "%.3f", v);
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        snprintf(buf, sizeof buf, "%.6g", v);
    }
    put(t, buf);
}

void table_blank(table *t) { put(t, ""); }

static void csv_cell(outbuf *ob, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        ob_puts(ob, s);
        return;
    }
    ob_putc(ob, '"');
    for (; *s; s++) {
        if (*s == '"') ob_putc(ob, '"');
        ob_putc(ob, *s);
    }
    ob_putc(ob, '"');
}

void table_render(const table *t, outbuf *ob)
{
    if (t->failed) {
        ob->failed = 1;
        return;
    }
    if (t->csv) {
        for (int c = 0; c < t->ncols; c++) {
            if (c) ob_putc(ob, ',');
            csv_cell(ob, t->col[c].csv);
        }
        ob_putc(ob, '\n');
        for (int r = 0; r < t->nrows; r++) {
            for (int c = 0; c < t->ncols; c++) {
                if (c) ob_putc(ob, ',');
                const char *s = t->cells[r * t->ncols + c];
                csv_cell(ob, s ? s : "");
            }
            ob_putc(ob, '\n');
        }
        return;
    }
    size_t width[TABLE_MAX_COLS], total = 0;
    for (int c = 0; c < t->ncols; c++) {
        width[c] = strlen(t->col[c].text);
        for (int r = 0; r < t->nrows; r++) {
            const char *s = t->cells[r * t->ncols + c];
            if (s && strlen(s) > width[c]) width[c] = strlen(s);
        }
        total += width[c] + (c ? 2 : 0);
    }
    for (int r = -1; r < t->nrows; r++) {
        if (r >= 0 && t->rule[r]) {
            for (size_t i = 0; i < total; i++) ob_putc(ob, '-');
            ob_putc(ob, '\n');
        }
        /* Trailing spaces are trimmed: build the line, then cut. */
        size_t start = ob->len;
        for (int c = 0; c < t->ncols; c++) {
            const char *s = r < 0 ? t->col[c].text : t->cells[r * t->ncols + c];
            if (!s) s = "";
            size_t pad = width[c] - strlen(s);
            if (c) ob_puts(ob, "  ");
            int right = t->col[c].kind != COL_STR;
            if (right)
                for (size_t i = 0; i < pad; i++) ob_putc(ob, ' ');
            ob_puts(ob, s);
            if (!right)
                for (size_t i = 0; i < pad; i++) ob_putc(ob, ' ');
        }
        while (!ob->failed && ob->len > start && ob->data[ob->len - 1] == ' ') ob->len--;
        ob_putc(ob, '\n');
        if (r < 0) {
            for (size_t i = 0; i < total; i++) ob_putc(ob, '=');
            ob_putc(ob, '\n');
        }
    }
}
