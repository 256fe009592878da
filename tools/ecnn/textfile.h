/* Reading the tool's text inputs (docs/cli.md, "Input files"): memory
 * files, network CSV files, list files and Timeloop YAML files all go
 * through here, so that every reader refuses the same things with the same
 * messages: anything but a regular file (a FIFO would block, /dev/zero
 * never ends), a file over TF_MAX_BYTES, a line over TF_MAX_LINE bytes, a
 * NUL byte, a control character, bytes that are not UTF-8, and any read
 * error (out of memory included) -- never a silent end of file. */
#ifndef ECNN_TOOL_TEXTFILE_H
#define ECNN_TOOL_TEXTFILE_H

#include <stddef.h>

#define TF_MAX_BYTES ((size_t)16 << 20) /* 16 MiB */
#define TF_MAX_LINE 8192                /* bytes, without the line end */

typedef struct textfile {
    const char *path;
    char *data; /* the whole file, without a leading UTF-8 byte order mark */
    size_t len, pos;
    int lineno; /* of the line tf_line() returned last */
} textfile;

/* Reads and checks the whole file at path. 0, or -1 with "path[:line]:
 * reason" printed (the OS error's text for system errors). */
int tf_open(textfile *tf, const char *path);
/* As tf_open() on data already in memory (the fuzzer's way in): data,
 * len bytes from malloc with data[len] == '\0', is owned by tf from here on
 * (freed on failure too). */
int tf_adopt(textfile *tf, const char *path, char *data, size_t len);
/* The next line, in place, without its end (\n, \r\n or a lone \r): 1 and
 * *line, or 0 at the end of the file. */
int tf_line(textfile *tf, char **line);
void tf_close(textfile *tf);

/* The checks of tf_open() on text already in memory (for the fuzzer and
 * for files read by other means): 0, or -1 with the message printed. */
int tf_check(const char *path, const char *data, size_t len);

/* The length of the UTF-8 sequence at p (n bytes available), or 0 if none
 * starts there (overlong forms, surrogates and values past U+10FFFF are
 * not UTF-8). */
size_t tf_utf8_len(const unsigned char *p, size_t n);

#endif
