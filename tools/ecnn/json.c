#include "json.h"

#include "textfile.h"

#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void json_init(json *j, outbuf *ob)
{
    j->ob = ob;
    j->depth = 0;
    j->count[0] = 0;
    j->after_key = 0;
}

static void indent(json *j)
{
    ob_putc(j->ob, '\n');
    for (int i = 0; i < j->depth; i++) ob_puts(j->ob, "  ");
}

/* Separator and indentation before a value or a key. */
static void before_value(json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->count[j->depth]++) ob_putc(j->ob, ',');
        indent(j);
    }
}

static void put_string(json *j, const char *s)
{
    ob_putc(j->ob, '"');
    size_t n = strlen(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t len = tf_utf8_len(p, n - (size_t)(p - (const unsigned char *)s));
        if (len > 1) { /* a whole UTF-8 sequence */
            ob_write(j->ob, (const char *)p, len);
            p += len - 1;
            continue;
        }
        if (!len) { /* not UTF-8 (a file name, say): JSON text must be */
            ob_puts(j->ob, "\\ufffd");
            continue;
        }
        switch (*p) {
        case '"': ob_puts(j->ob, "\\\""); break;
        case '\\': ob_puts(j->ob, "\\\\"); break;
        case '\n': ob_puts(j->ob, "\\n"); break;
        case '\r': ob_puts(j->ob, "\\r"); break;
        case '\t': ob_puts(j->ob, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7F) ob_printf(j->ob, "\\u%04x", *p);
            else ob_putc(j->ob, (char)*p);
        }
    }
    ob_putc(j->ob, '"');
}

static void begin(json *j, char open, char close)
{
    before_value(j);
    ob_putc(j->ob, open);
    if (j->depth < JSON_MAX_DEPTH - 1) j->depth++;
    j->count[j->depth] = 0;
    j->close[j->depth] = close;
}

void json_object(json *j) { begin(j, '{', '}'); }
void json_array(json *j) { begin(j, '[', ']'); }

void json_end(json *j)
{
    if (j->depth == 0) return;
    int had = j->count[j->depth];
    char close = j->close[j->depth];
    j->depth--;
    if (had) indent(j);
    ob_putc(j->ob, close);
}

void json_key(json *j, const char *key)
{
    before_value(j);
    put_string(j, key);
    ob_puts(j->ob, ": ");
    j->after_key = 1;
}

void json_int(json *j, int64_t v)
{
    before_value(j);
    ob_printf(j->ob, "%" PRId64, v);
}

void json_double(json *j, double v)
{
    before_value(j);
    if (!isfinite(v)) {
        ob_puts(j->ob, "null");
        return;
    }
    char buf[40];
    fmt_double(buf, sizeof buf, v);
    ob_puts(j->ob, buf);
}

void json_string(json *j, const char *s)
{
    before_value(j);
    if (s) put_string(j, s);
    else ob_puts(j->ob, "null");
}

void json_bool(json *j, int v)
{
    before_value(j);
    ob_puts(j->ob, v ? "true" : "false");
}

void json_null(json *j)
{
    before_value(j);
    ob_puts(j->ob, "null");
}

void json_kint(json *j, const char *key, int64_t v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_kdouble(json *j, const char *key, double v)
{
    json_key(j, key);
    json_double(j, v);
}

void json_kstring(json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_kbool(json *j, const char *key, int v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_finish(json *j) { ob_putc(j->ob, '\n'); }
