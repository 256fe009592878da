/* Small helpers shared by the whole tool: error reporting, number
 * formatting, strings and paths. */
#ifndef ECNN_TOOL_UTIL_H
#define ECNN_TOOL_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* Exit statuses (docs/cli.md): 0 success; 1 an input file, the library or
 * the system refused; 2 a bad command line. */
enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* The command running, e.g. "ecnn layer": prefixes every message. */
extern const char *tool_name;

#if defined(__GNUC__)
#define TOOL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TOOL_PRINTF(a, b)
/* Checked arithmetic for the tool's totals, as the library does for its
 * counts: 0 and *acc updated, or -1 (nothing printed, *acc unchanged) when
 * the result would leave int64_t or, for doubles, be infinite or NaN. */
int ck_add_i64(int64_t *acc, int64_t x);
int ck_mul_add_i64(int64_t *acc, int64_t x, int64_t times);
int ck_add_f64(double *acc, double x);
int ck_mul_add_f64(double *acc, double x, int64_t times);

#endif

/* Where messages go: stderr when NULL (the reader fuzzer silences them). */
extern FILE *tool_errors;

/* Prints "ecnn CMD: message" and a newline to stderr. */
void tool_error(const char *fmt, ...) TOOL_PRINTF(1, 2);

/* Copies src into dst (size > 0) so that it is safe to show on a
 * terminal and valid UTF-8: control characters (but tab) and bytes that are not
 * UTF-8 become "\xHH" (ANSI escapes in a file name or key are not
 * replayed, issue 17); truncates. Returns dst. */
char *str_printable(char *dst, size_t size, const char *src);

/* A whole number below 2^53 in full ("200"), otherwise the shortest "%.Ng"
 * (N = 1..17) that reads back as exactly x; "nan"/"inf" for non-finite
 * values (the JSON writer writes null for those). */
void fmt_double(char *buf, size_t size, double x);

/* ASCII case-insensitive equality. */
int str_ieq(const char *a, const char *b);
/* Copies src into dst (size > 0), truncating; returns dst. */
char *str_copy(char *dst, size_t size, const char *src);
/* "Natural" order: digit runs compare as numbers ("l2" < "l10"). */
int str_natcmp(const char *a, const char *b);
/* Whether s ends with suffix, ignoring ASCII case. */
int str_iends(const char *s, const char *suffix);

/* The file name without directory and without its last extension. */
void path_stem(char *dst, size_t size, const char *path);
/* dir/name (or name alone if it is absolute or dir is empty). 0 or -1 if too long. */
int path_join(char *dst, size_t size, const char *dir, const char *name);
/* The directory part of path ("." if none). */
void path_dir(char *dst, size_t size, const char *path);
/* 1 if path is a directory, 0 if another existing file, -1 if absent. */
int path_kind(const char *path);

/* Checked arithmetic for the tool's totals, as the library does for its
 * counts: 0 and *acc updated, or -1 (nothing printed, *acc unchanged) when
 * the result would leave int64_t or, for doubles, be infinite or NaN. */
int ck_add_i64(int64_t *acc, int64_t x);
int ck_mul_add_i64(int64_t *acc, int64_t x, int64_t times);
int ck_add_f64(double *acc, double x);
int ck_mul_add_f64(double *acc, double x, int64_t times);

#endif
