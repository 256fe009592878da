/* The built-in networks: CSV files (docs/zoo.md) in a zoo directory found
 * at run time, in this order:
 *   1. $ECNN_ZOO_DIR, if set (then only there);
 *   2. the source tree's tools/zoo, when the program running is the one in
 *      the build tree (tests and development);
 *   3. the installed <datadir>/ecnn/zoo (meson install puts them there);
 *   4. ../share/ecnn/zoo beside the program's directory (a relocated install). */
#ifndef ECNN_TOOL_ZOO_H
#define ECNN_TOOL_ZOO_H

#include <stddef.h>

#define ZOO_MAX 64

/* The zoo directory, or -1 with a message listing the places tried
 * (unless quiet). */
int zoo_dir(char *dir, size_t size, int quiet);
/* The names (file stems) of the zoo's networks, sorted; their count or -1. */
int zoo_names(const char *dir, char names[][64], int max);
/* Whether arg could be a zoo name (letters, digits, '-' and '_' only). */
int zoo_is_name(const char *arg);
/* Finds a network by name, ignoring case, '-' and '_' ("ResNet-50" is
 * resnet50). 1 found (path set), 0 not found, -1 error (printed). */
int zoo_find(const char *name, char *path, size_t size, int quiet);

#endif
