#include "netcsv.h"
#include "onnx.h"
#include "network.h"
#include "textfile.h"
#include "timeloop.h"
#include "util.h"
#include "zoo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_yaml(const char *path) { return str_iends(path, ".yaml") || str_iends(path, ".yml"); }

static int add_yaml(network *net, const char *path)
{
    int64_t v[LP_COUNT];
    if (timeloop_read(path, v) != 0) return -1;
    char name[64];
    path_stem(name, sizeof name, path);
    return net_add(net, name, v);
}

static int cmp_paths(const void *a, const void *b)
{
    return str_natcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(const char *dir, network *net)
{
    DIR *d = opendir(dir);
    if (!d) {
        tool_error("%s: cannot read the directory: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        if (e->d_name[0] == '.' || !is_yaml(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **p = realloc(names, sizeof *p * cap);
            if (!p) {
                rc = -1;
                break;
            }
            names = p;
        }
        names[n] = malloc(strlen(e->d_name) + 1);
        if (!names[n]) {
            rc = -1;
            break;
        }
        strcpy(names[n++], e->d_name);
    }
    int read_errno = rc == 0 ? errno : 0;
    closedir(d);
    if (rc != 0) tool_error("out of memory listing %s", dir);
    if (read_errno) {
        tool_error("%s: cannot read the directory: %s", dir, strerror(read_errno));
        rc = -1;
    }
    if (rc == 0 && n == 0) {
        tool_error("%s: no .yaml or .yml files in this directory", dir);
        rc = -1;
    }
    if (rc == 0) qsort(names, n, sizeof *names, cmp_paths);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[PATH_MAX];
        if (path_join(path, sizeof path, dir, names[i]) != 0) {
            tool_error("%s/%s: path too long", dir, names[i]);
            rc = -1;
        } else {
            rc = add_yaml(net, path);
        }
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* A list file: one YAML path a line, relative to the list's directory;
 * blank lines and lines starting with # are skipped. */
static int load_list(const char *list, network *net)
{
    textfile tf;
    if (tf_open(&tf, list) != 0) return -1;
    char dir[PATH_MAX];
    path_dir(dir, sizeof dir, list);
    char *line;
    int lineno = 0, rc = 0;
    while (rc == 0 && tf_line(&tf, &line) == 1) {
        lineno = tf.lineno;
        char *s = line;
        while (isspace((unsigned char)*s)) s++;
        size_t len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1])) s[--len] = '\0';
        if (!*s || *s == '#') continue;
        if (!is_yaml(s)) {
            tool_error("%s:%d: '%s' is not a .yaml or .yml file name (a list file names one "
                       "Timeloop problem file a line)", list, lineno, s);
            rc = -1;
            break;
        }
        char path[PATH_MAX];
        if (path_join(path, sizeof path, dir, s) != 0) {
            tool_error("%s:%d: path too long", list, lineno);
            rc = -1;
        } else if (add_yaml(net, path) != 0) {
            tool_error("%s:%d: (the file listed here)", list, lineno);
            rc = -1;
        }
    }
    if (rc == 0 && net->n == 0) {
        tool_error("%s: lists no files", list);
        rc = -1;
    }
    tf_close(&tf);
    return rc;
}

int net_load(const char *arg, network *net)
{
    int kind = path_kind(arg);
    int stat_errno = errno; /* why stat() failed, before the zoo lookup */
    char path[PATH_MAX];
    const char *file = arg;
    int from_zoo = 0;
    if (zoo_is_name(arg)) {
        int found = zoo_find(arg, path, sizeof path, kind >= 0);
        if (found == 1) {
            file = path;
            kind = 0;
            from_zoo = 1;
        } else if (kind < 0) {
            if (found == 0)
                tool_error("unknown network '%s': not in the zoo (see 'ecnn zoo') and no such file",
                           arg);
            return -1;
        }
    }
    if (kind < 0) {
        tool_error("%s: %s", arg, strerror(stat_errno));
        return -1;
    }
    str_copy(net->origin, sizeof net->origin, file);
    char stem[64];
    path_stem(stem, sizeof stem, file);
    if (kind == 1) {
        /* A directory: its name, without trailing slashes. */
        char d[PATH_MAX];
        str_copy(d, sizeof d, file);
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/') d[--n] = '\0';
        path_stem(stem, sizeof stem, d);
    }
    str_copy(net->name, sizeof net->name, stem);
    int rc;
    if (kind == 1) rc = load_dir(file, net);
    else if (from_zoo || str_iends(file, ".csv")) rc = netcsv_read(file, net);
    else if (is_yaml(file)) rc = add_yaml(net, file);
    else if (str_iends(file, ".onnx")) rc = onnx_read(file, net, net->onnx);
    else rc = load_list(file, net);
    if (rc == 0 && !net->title[0]) str_copy(net->title, sizeof net->title, net->name);
    return rc;
}

int net_load_batch(const char *arg, network *net, int64_t *batch)
{
    if (net_load(arg, net) != 0) {
        net_free(net);
        return -1;
    }
    if (*batch && !net->batch_fixed) {
        for (int i = 0; i < net->n; i++) {
            if (net_layer_set_batch(&net->layer[i], *batch) != 0) {
                net_free(net);
                return -1;
            }
        }
        return 0;
    }
    *batch = net_layer_batch(&net->layer[0]);
    for (int i = 1; i < net->n; i++)
        if (net_layer_batch(&net->layer[i]) != *batch) *batch = 0;
    return 0;
}
