/* Loading one YAML document from a file with the checks every YAML input
 * of the tool gets (docs/cli.md, "Input files"): the text through
 * textfile.c, then an event pass that bounds the nesting depth (libyaml's
 * time grows with the square of the depth of flow collections) and refuses
 * explicit tags (a "!!str 8" would otherwise read as the number 8), then
 * the document, which must be the only one in the file (it may be empty:
 * each reader refuses that in its own words). */
#ifndef ECNN_TOOL_YAMLFILE_H
#define ECNN_TOOL_YAMLFILE_H

#include <stddef.h>
#include <yaml.h>

/* Deeper than any Timeloop or Accelergy file (a problem nests about 6
 * deep, an architecture tree about 12). */
#define YF_MAX_DEPTH 32

/* Parses text (len bytes, already checked by textfile.c) into *doc. 0, or
 * -1 with "path:line: reason" printed and nothing to free. what names the
 * kind of file in messages ("a Timeloop problem"). */
int yf_parse(const char *path, const char *what, const unsigned char *text, size_t len,
             yaml_document_t *doc);
/* As yf_parse() on the file at path, read through tf_open(). */
int yf_load(const char *path, const char *what, yaml_document_t *doc);

#endif
