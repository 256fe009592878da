#include "outbuf.h"

#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void ob_init(outbuf *ob) { memset(ob, 0, sizeof *ob); }

void ob_free(outbuf *ob)
{
    free(ob->data);
    ob_init(ob);
}

static int ob_reserve(outbuf *ob, size_t extra)
{
    if (ob->failed) return -1;
    if (ob->len + extra + 1 <= ob->cap) return 0;
    size_t cap = ob->cap ? ob->cap : 4096;
    while (cap < ob->len + extra + 1) cap *= 2;
    char *p = realloc(ob->data, cap);
    if (!p) {
        ob->failed = 1;
        return -1;
    }
    ob->data = p;
    ob->cap = cap;
    return 0;
}

void ob_write(outbuf *ob, const char *s, size_t n)
{
    if (ob_reserve(ob, n) != 0) return;
    memcpy(ob->data + ob->len, s, n);
    ob->len += n;
    ob->data[ob->len] = '\0';
}

void ob_putc(outbuf *ob, char c) { ob_write(ob, &c, 1); }

void ob_puts(outbuf *ob, const char *s) { ob_write(ob, s, strlen(s)); }

void ob_printf(outbuf *ob, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        ob->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        ob_write(ob, small, (size_t)n);
        return;
    }
    if (ob_reserve(ob, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(ob->data + ob->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ob->len += (size_t)n;
}

int ob_emit(const outbuf *ob, FILE *f, const char *what)
{
    if (ob->failed) {
        tool_error("out of memory while formatting %s", what);
        return -1;
    }
    if ((ob->len && fwrite(ob->data, 1, ob->len, f) != ob->len) || fflush(f) != 0) {
        tool_error("cannot write %s", what);
        return -1;
    }
    return 0;
}
