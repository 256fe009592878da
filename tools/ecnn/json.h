/* A JSON writer into an outbuf: two-space indentation, integers written as
 * integers, doubles as the shortest text that reads back exactly (null for
 * a non-finite value). */
#ifndef ECNN_TOOL_JSON_H
#define ECNN_TOOL_JSON_H

#include "outbuf.h"

#include <stdint.h>

#define JSON_MAX_DEPTH 32

typedef struct json {
    outbuf *ob;
    int depth;
    int count[JSON_MAX_DEPTH]; /* values written at each level */
    char close[JSON_MAX_DEPTH]; /* the bracket that closes each level */
    int after_key;
} json;

void json_init(json *j, outbuf *ob);
void json_object(json *j); /* begins an object */
void json_array(json *j);  /* begins an array */
void json_end(json *j);    /* ends the innermost object or array */
void json_key(json *j, const char *key);
void json_int(json *j, int64_t v);
void json_double(json *j, double v);
void json_string(json *j, const char *s);
void json_bool(json *j, int v);
void json_null(json *j);
/* Shorthands: key then value. */
void json_kint(json *j, const char *key, int64_t v);
void json_kdouble(json *j, const char *key, double v);
void json_kstring(json *j, const char *key, const char *s); /* NULL writes null */
void json_kbool(json *j, const char *key, int v);
/* After the last json_end: the final newline. */
void json_finish(json *j);

#endif
