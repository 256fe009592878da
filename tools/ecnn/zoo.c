#include "zoo.h"

#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ECNN_ZOO_SRCDIR
#define ECNN_ZOO_SRCDIR ""
#endif
#ifndef ECNN_ZOO_DATADIR
#define ECNN_ZOO_DATADIR ""
#endif
#ifndef ECNN_TOOL_BUILDDIR
#define ECNN_TOOL_BUILDDIR ""
#endif

/* The directory of the running program, resolved. */
static int exe_dir(char *dir, size_t size)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return -1;
    buf[n] = '\0';
    path_dir(dir, size, buf);
    return 0;
}

static int same_dir(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return a[0] && b[0] && realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

int zoo_dir(char *dir, size_t size, int quiet)
{
    const char *env = getenv("ECNN_ZOO_DIR");
    if (env && *env) {
        if (path_kind(env) != 1) {
            if (!quiet) tool_error("ECNN_ZOO_DIR=%s is not a directory", env);
            return -1;
        }
        str_copy(dir, size, env);
        return 0;
    }
    char self[PATH_MAX] = "";
    int have_self = exe_dir(self, sizeof self) == 0;
    if (have_self && same_dir(self, ECNN_TOOL_BUILDDIR) && path_kind(ECNN_ZOO_SRCDIR) == 1) {
        str_copy(dir, size, ECNN_ZOO_SRCDIR);
        return 0;
    }
    if (ECNN_ZOO_DATADIR[0] && path_kind(ECNN_ZOO_DATADIR) == 1) {
        str_copy(dir, size, ECNN_ZOO_DATADIR);
        return 0;
    }
    char rel[PATH_MAX + 32] = "";
    if (have_self) {
        snprintf(rel, sizeof rel, "%s/../share/ecnn/zoo", self);
        if (path_kind(rel) == 1) {
            str_copy(dir, size, rel);
            return 0;
        }
    }
    if (!quiet)
        tool_error("no zoo directory: ECNN_ZOO_DIR is not set, and neither %s nor %s exists",
               ECNN_ZOO_DATADIR[0] ? ECNN_ZOO_DATADIR : "(no datadir)", rel[0] ? rel : "(no program path)");
    return -1;
}

static int cmp_names(const void *a, const void *b) { return str_natcmp(a, b); }

int zoo_names(const char *dir, char names[][64], int max)
{
    DIR *d = opendir(dir);
    if (!d) {
        tool_error("cannot read the zoo directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int n = 0;
    struct dirent *e;
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        if (e->d_name[0] == '.' || !str_iends(e->d_name, ".csv")) continue;
        if (n == max) { /* never drop a network silently */
            tool_error("%s: more than %d network files (the most ecnn zoo lists)", dir, max);
            closedir(d);
            return -1;
        }
        path_stem(names[n], 64, e->d_name);
        n++;
    }
    if (errno) {
        tool_error("cannot read the zoo directory %s: %s", dir, strerror(errno));
        closedir(d);
        return -1;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    return n;
}

int zoo_is_name(const char *arg)
{
    if (!*arg) return 0;
    for (const char *p = arg; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') return 0;
    return 1;
}

/* Lower case without '-' and '_'. */
static void normalise(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; *src && n + 1 < size; src++)
        if (*src != '-' && *src != '_') dst[n++] = (char)tolower((unsigned char)*src);
    dst[n] = '\0';
}

int zoo_find(const char *name, char *path, size_t size, int quiet)
{
    char dir[PATH_MAX];
    if (zoo_dir(dir, sizeof dir, quiet) != 0) return -1;
    char names[ZOO_MAX][64];
    int n = zoo_names(dir, names, ZOO_MAX);
    if (n < 0) return -1;
    char want[64], have[64];
    normalise(want, sizeof want, name);
    for (int i = 0; i < n; i++) {
        normalise(have, sizeof have, names[i]);
        if (strcmp(want, have) == 0) {
            char file[128];
            snprintf(file, sizeof file, "%.63s.csv", names[i]);
            if (path_join(path, size, dir, file) != 0) return -1;
            return 1;
        }
    }
    return 0;
}
