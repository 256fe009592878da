/* Command-line scanning and the parsers of option values (integers,
 * numbers, sizes with suffixes, choices). Every parser reports its own
 * error, naming the flag or field it was given, and returns -1. */
#ifndef ECNN_TOOL_ARGS_H
#define ECNN_TOOL_ARGS_H

#include <stdint.h>

/* Walks argv: "--name value", "--name=value", "-x value", and positional
 * arguments; "--" makes every later argument positional. */
typedef struct argscan {
    int argc;
    char **argv;
    int i;
    char opt[64];             /* the option as written, without "=value" */
    const char *name;         /* opt without its leading dashes */
    const char *inline_value; /* the text after '=', or NULL */
    const char *positional;   /* the current positional argument */
    int only_positional;
} argscan;

enum { ARG_END = 0, ARG_OPTION = 1, ARG_POSITIONAL = 2, ARG_ERROR = -1 };

void argscan_init(argscan *s, int argc, char **argv);
/* The next argument: ARG_OPTION, ARG_POSITIONAL, ARG_END or ARG_ERROR. */
int argscan_next(argscan *s);
/* Whether the current option is --name (or -name for one letter). */
int argscan_is(const argscan *s, const char *name);
/* The current option's value ("--x v" or "--x=v"); NULL (message printed) if none. */
const char *argscan_value(argscan *s);
/* For an option without a value: -1 (message printed) if one was given with '='. */
int argscan_flag(const argscan *s);
/* Reports the current option as unknown; returns -1. */
int argscan_unknown(const argscan *s);
/* Takes the current positional argument into *slot; -1 (message printed,
 * naming `limit`, e.g. "one network at a time") if *slot is already set. */
int argscan_positional(const argscan *s, const char **slot, const char *limit);

/* An integer >= min in decimal. */
int parse_int(const char *what, const char *text, int64_t min, int64_t *out);
/* A finite number >= 0. */
int parse_energy(const char *what, const char *text, double *out);
/* One of choices (NULL-terminated), case-insensitive; *out is its index. */
int parse_choice(const char *what, const char *text, const char *const *choices, int *out);

/* A size: digits, an optional multiplier (k = 1000, Ki = 1024, M = 10^6,
 * Mi = 2^20, G = 10^9, Gi = 2^30) and an optional unit: none or "w" for
 * words, "B" for bytes (converted to words by a word size given apart). */
typedef struct size_arg {
    int64_t value; /* in the unit below */
    int bytes;     /* 1: value is in bytes */
    int set;
    char what[64]; /* the flag or field it came from, for messages */
} size_arg;

int parse_size(const char *what, const char *text, size_arg *out);
/* The size in words; word_bytes 0 means "not given". */
int size_words(const size_arg *s, int64_t word_bytes, int64_t *words);

#endif
