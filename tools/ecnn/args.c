#include "args.h"

#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void argscan_init(argscan *s, int argc, char **argv)
{
    memset(s, 0, sizeof *s);
    s->argc = argc;
    s->argv = argv;
    s->i = 0;
}

int argscan_next(argscan *s)
{
    s->name = NULL;
    s->inline_value = NULL;
    s->positional = NULL;
    s->opt[0] = '\0';
    if (s->i >= s->argc) return ARG_END;
    const char *a = s->argv[s->i++];
    if (!s->only_positional && strcmp(a, "--") == 0) {
        s->only_positional = 1;
        return argscan_next(s);
    }
    if (s->only_positional || a[0] != '-' || a[1] == '\0' ||
        (isdigit((unsigned char)a[1]) || a[1] == '.')) {
        s->positional = a;
        return ARG_POSITIONAL;
    }
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    if (n >= sizeof s->opt) {
        tool_error("unknown option '%.40s...'", a);
        return ARG_ERROR;
    }
    memcpy(s->opt, a, n);
    s->opt[n] = '\0';
    s->inline_value = eq ? eq + 1 : NULL;
    s->name = s->opt + (s->opt[1] == '-' ? 2 : 1);
    if (s->name[0] == '\0') {
        tool_error("malformed option '%s'", a);
        return ARG_ERROR;
    }
    return ARG_OPTION;
}

int argscan_is(const argscan *s, const char *name)
{
    if (!s->name) return 0;
    int dashes = s->opt[1] == '-' ? 2 : 1;
    if (dashes == 1) return strlen(name) == 1 && strcmp(s->name, name) == 0;
    if (strlen(name) == 1 && strlen(s->name) == 1)
        return tolower((unsigned char)s->name[0]) == tolower((unsigned char)name[0]);
    return strcmp(s->name, name) == 0;
}

const char *argscan_value(argscan *s)
{
    if (s->inline_value) return s->inline_value;
    if (s->i >= s->argc) {
        tool_error("%s needs a value", s->opt);
        return NULL;
    }
    return s->argv[s->i++];
}

int argscan_flag(const argscan *s)
{
    if (s->inline_value) {
        tool_error("%s takes no value (got '%s')", s->opt, s->inline_value);
        return -1;
    }
    return 0;
}

int argscan_unknown(const argscan *s)
{
    tool_error("unknown option '%s' (see %s --help)", s->opt, tool_name);
    return -1;
}

/* Reads a decimal integer prefix; returns the rest or NULL on overflow/none. */
static const char *read_int(const char *text, int64_t *out, int *overflow)
{
    const char *p = text;
    int neg = 0;
    *overflow = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!isdigit((unsigned char)*p)) return NULL;
    int64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        int d = *p - '0';
        if (v > (INT64_MAX - d) / 10) *overflow = 1;
        else v = v * 10 + d;
    }
    *out = neg ? -v : v;
    return p;
}

int parse_int(const char *what, const char *text, int64_t min, int64_t *out)
{
    int64_t v;
    int overflow;
    const char *end = read_int(text, &v, &overflow);
    if (!end || *end) {
        tool_error("%s: '%s' is not a whole number", what, text);
        return -1;
    }
    if (overflow && text[0] == '-') {
        tool_error("%s: '%s' is below the minimum %lld", what, text, (long long)min);
        return -1;
    }
    if (overflow) {
        tool_error("%s: '%s' is too large (at most 9223372036854775807)", what, text);
        return -1;
    }
    if (v < min) {
        tool_error("%s: %lld is below the minimum %lld", what, (long long)v, (long long)min);
        return -1;
    }
    *out = v;
    return 0;
}

int parse_energy(const char *what, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* ERANGE also flags underflow (a subnormal or 0): a finite energy the
     * library accepts; only overflow (an infinite result) is refused. */
    if (end == text || *end || !isfinite(v)) {
        tool_error("%s: '%s' is not a finite number", what, text);
        return -1;
    }
    if (v < 0) {
        tool_error("%s: %s is negative", what, text);
        return -1;
    }
    /* "-0" is zero: without this it would print as "MAC -0". */
    *out = v + 0.0;
    return 0;
}

int parse_choice(const char *what, const char *text, const char *const *choices, int *out)
{
    for (int i = 0; choices[i]; i++) {
        if (str_ieq(text, choices[i])) {
            *out = i;
            return 0;
        }
    }
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", choices[i]);
    }
    tool_error("%s: '%s' is not one of %s", what, text, list);
    return -1;
}

int parse_size(const char *what, const char *text, size_arg *out)
{
    int64_t v;
    int overflow;
    const char *p = read_int(text, &v, &overflow);
    if (!p || text[0] == '-' || text[0] == '+') goto bad;
    if (overflow) {
        tool_error("%s: '%s' is too large (at most 9223372036854775807)", what, text);
        return -1;
    }
    int64_t mult = 1;
    if (*p == 'k' || *p == 'K' || *p == 'M' || *p == 'G') {
        int binary = p[1] == 'i';
        int power = (*p == 'k' || *p == 'K') ? 1 : *p == 'M' ? 2 : 3;
        for (int i = 0; i < power; i++) mult *= binary ? 1024 : 1000;
        p += binary ? 2 : 1;
    }
    int bytes = 0;
    if (*p == 'B') {
        bytes = 1;
        p++;
    } else if (*p == 'w') {
        p++;
    }
    if (*p) goto bad;
    if (v > INT64_MAX / mult) {
        tool_error("%s: '%s' is too large (at most 9223372036854775807)", what, text);
        return -1;
    }
    out->value = v * mult;
    out->bytes = bytes;
    out->set = 1;
    str_copy(out->what, sizeof out->what, what);
    return 0;
bad:
    tool_error("%s: '%s' is not a size (a whole number with an optional k, Ki, M, Mi, G or Gi "
               "and an optional unit w for words or B for bytes, e.g. 64Ki or 128KiB)",
               what, text);
    return -1;
}

int size_words(const size_arg *s, int64_t word_bytes, int64_t *words)
{
    if (!s->bytes) {
        *words = s->value;
        return 0;
    }
    if (word_bytes <= 0) {
        tool_error("%s: %lld bytes given but no word size: add --word-bytes N (or word_bytes "
                   "in the memory file)",
                   s->what, (long long)s->value);
        return -1;
    }
    if (s->value % word_bytes) {
        tool_error("%s: %lld bytes is not a whole number of %lld-byte words", s->what,
                   (long long)s->value, (long long)word_bytes);
        return -1;
    }
    *words = s->value / word_bytes;
    return 0;
}

int argscan_positional(const argscan *s, const char **slot, const char *limit)
{
    if (*slot) {
        tool_error("unexpected argument '%s' (%s)", s->positional, limit);
        return -1;
    }
    *slot = s->positional;
    return 0;
}
