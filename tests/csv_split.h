/* Splitting one line of the validation CSV files (no quoting in them), for
 * the Timeloop tests. */
#ifndef EC_TEST_CSV_SPLIT_H
#define EC_TEST_CSV_SPLIT_H

#include <string.h>

/* Splits line in place into at most max fields; strips CR/LF. Returns the
 * number of fields, 0 for an empty line, -1 for more than max. */
static inline int csv_split(char *line, char **fields, int max)
{
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (len == 0) return 0;
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return -1;
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

#endif
