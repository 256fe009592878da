/* A growable text buffer. Every command writes its whole result here and
 * prints it only once nothing can fail any more, so that a bad input leaves
 * stdout empty. */
#ifndef ECNN_TOOL_OUTBUF_H
#define ECNN_TOOL_OUTBUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct outbuf {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: the text is incomplete */
} outbuf;

void ob_init(outbuf *ob);
void ob_free(outbuf *ob);
void ob_putc(outbuf *ob, char c);
void ob_puts(outbuf *ob, const char *s);
void ob_write(outbuf *ob, const char *s, size_t n);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void ob_printf(outbuf *ob, const char *fmt, ...);
/* Writes the buffer to f; 0 on success, -1 (message printed) on failure. */
int ob_emit(const outbuf *ob, FILE *f, const char *what);
/* Replaces the file at path with the buffer, atomically: written to a
 * temporary file in the same directory, then renamed. On failure the old
 * file is untouched; -1 with the OS error named. */
int ob_save(const outbuf *ob, const char *path, const char *what);

#endif
