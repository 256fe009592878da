/* The memory file: "key = value" lines, # comments (docs/cli.md). */
#include "memory.h"

#include "textfile.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

static int parse_bool(const char *what, const char *text, int *out)
{
    static const char *const choices[] = {"0", "1", "no", "yes", "false", "true", "off", "on", NULL};
    int i;
    if (parse_choice(what, text, choices, &i) != 0) return -1;
    *out = i % 2;
    return 0;
}

int memfile_read(const char *path, mem_desc *d)
{
    textfile tf;
    if (tf_open(&tf, path) != 0) return -1;
    return memfile_parse(&tf, d);
}

int memfile_parse(textfile *tf_in, mem_desc *d)
{
    textfile tf = *tf_in;
    const char *path = tf.path;
    char *line;
    int lineno = 0, rc = 0;
    unsigned seen = 0;
    char what[1200];
    while (rc == 0 && tf_line(&tf, &line) == 1) {
        lineno = tf.lineno;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            tool_error("%s:%d: expected 'key = value', got '%s'", path, lineno, s);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        snprintf(what, sizeof what, "%s:%d: %s", path, lineno, key);
        if (!*value) {
            tool_error("%s: no value", what);
            rc = -1;
            break;
        }
        int id = -1;
        static const char *const keys[] = {"capacity", "partition_i", "partition_w", "partition_o",
                                           "dram_read", "dram_write", "buf_read", "buf_write",
                                           "mac", "word_bytes", "choose_partition"};
        for (int i = 0; i < (int)(sizeof keys / sizeof keys[0]); i++)
            if (str_ieq(key, keys[i])) id = i;
        if (id < 0) {
            tool_error("%s:%d: unknown key '%s' (known: capacity, partition_i, partition_w, "
                       "partition_o, dram_read, dram_write, buf_read, buf_write, mac, word_bytes, "
                       "choose_partition)",
                       path, lineno, key);
            rc = -1;
            break;
        }
        if (seen & (1u << id)) {
            tool_error("%s:%d: key '%s' given twice", path, lineno, key);
            rc = -1;
            break;
        }
        seen |= 1u << id;
        if (id == 0) {
            rc = parse_size(what, value, &d->capacity);
        } else if (id <= 3) {
            rc = parse_size(what, value, &d->part[id - 1]);
        } else if (id <= 8) {
            rc = parse_energy(what, value, &d->energy[id - 4]);
            d->energy_set |= 1u << (id - 4);
        } else if (id == 9) {
            rc = parse_int(what, value, 1, &d->word_bytes);
        } else {
            rc = parse_bool(what, value, &d->choose_partition);
        }
    }
    tf_close(&tf);
    return rc;
}

