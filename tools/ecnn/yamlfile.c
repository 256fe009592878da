/* One checked YAML document per file, for every YAML reader of the tool
 * (yamlfile.h says which checks and why). */
#include "yamlfile.h"

#include "textfile.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int syntax_error(const char *path, const yaml_parser_t *parser)
{
    tool_error("%s:%zu:%zu: YAML syntax error: %s%s%s", path, parser->problem_mark.line + 1,
               parser->problem_mark.column + 1, parser->problem ? parser->problem : "unknown",
               parser->context ? " " : "", parser->context ? parser->context : "");
    return -1;
}

/* A pass over the events, bounded in work by YF_MAX_DEPTH. */
static int check_events(const char *path, const char *what, const unsigned char *text,
                        size_t len)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        tool_error("%s: cannot initialise the YAML parser: %s", path, strerror(ENOMEM));
        return -1;
    }
    yaml_parser_set_input_string(&parser, text, len);
    int depth = 0, rc = 0;
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            rc = syntax_error(path, &parser);
            break;
        }
        const yaml_char_t *tag = NULL;
        if (e.type == YAML_SCALAR_EVENT) tag = e.data.scalar.tag;
        else if (e.type == YAML_SEQUENCE_START_EVENT) tag = e.data.sequence_start.tag;
        else if (e.type == YAML_MAPPING_START_EVENT) tag = e.data.mapping_start.tag;
        if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) depth--;
        if (tag) {
            tool_error("%s:%zu: YAML tag '%s': tags are not part of %s (write the plain value)",
                       path, e.start_mark.line + 1, (const char *)tag, what);
            rc = -1;
        } else if (depth > YF_MAX_DEPTH) {
            tool_error("%s:%zu: nested more than %d levels deep (too deep for %s)", path,
                       e.start_mark.line + 1, YF_MAX_DEPTH, what);
            rc = -1;
        }
        int end = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
        if (rc != 0 || end) break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

int yf_parse(const char *path, const char *what, const unsigned char *text, size_t len,
             yaml_document_t *doc)
{
    if (check_events(path, what, text, len) != 0) return -1;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        tool_error("%s: cannot initialise the YAML parser: %s", path, strerror(ENOMEM));
        return -1;
    }
    yaml_parser_set_input_string(&parser, text, len);
    if (!yaml_parser_load(&parser, doc)) {
        syntax_error(path, &parser);
        yaml_parser_delete(&parser);
        return -1;
    }
    /* One document only: a second one would be ignored silently. (An
     * empty first document is the caller's to refuse, in its words.) */
    int rc = 0;
    yaml_document_t next;
    if (!yaml_parser_load(&parser, &next)) {
        rc = syntax_error(path, &parser);
    } else {
        if (yaml_document_get_root_node(&next)) {
            tool_error("%s:%zu: a second YAML document: one file holds one document", path,
                       next.start_mark.line + 1);
            rc = -1;
        }
        yaml_document_delete(&next);
    }
    yaml_parser_delete(&parser);
    if (rc != 0) yaml_document_delete(doc);
    return rc;
}

int yf_load(const char *path, const char *what, yaml_document_t *doc)
{
    textfile tf;
    if (tf_open(&tf, path) != 0) return -1;
    int rc = yf_parse(path, what, (const unsigned char *)tf.data + tf.pos, tf.len - tf.pos, doc);
    tf_close(&tf);
    return rc;
}

int yf_fail(const yf_doc *y, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n) tool_error("%s:%zu: %s", y->path, n->start_mark.line + 1, msg);
    else tool_error("%s: %s", y->path, msg);
    return -1;
}

int yf_open(yf_doc *y, const char *path, const char *what)
{
    memset(y, 0, sizeof *y);
    y->path = path;
    if (yf_load(path, what, &y->doc) != 0) return -1;
    y->loaded = 1;
    if (!yaml_document_get_root_node(&y->doc)) return yf_fail(y, NULL, "the file is empty");
    return 0;
}

void yf_close(yf_doc *y)
{
    if (y->loaded) yaml_document_delete(&y->doc);
    y->loaded = 0;
}

yaml_node_t *yf_node(yf_doc *y, int id) { return yaml_document_get_node(&y->doc, id); }
yaml_node_t *yf_root(yf_doc *y) { return yaml_document_get_root_node(&y->doc); }

const char *yf_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

yaml_node_t *yf_get(yf_doc *y, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = yf_scalar(yf_node(y, p->key));
        if (k && strcmp(k, key) == 0) return yf_node(y, p->value);
    }
    return NULL;
}
