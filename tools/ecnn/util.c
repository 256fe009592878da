#include "util.h"

#include "textfile.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tool_name = "ecnn";
FILE *tool_errors = NULL;

char *str_printable(char *dst, size_t size, const char *src)
{
    size_t o = 0, n = strlen(src);
    const unsigned char *p = (const unsigned char *)src;
    for (size_t i = 0; i < n;) {
        size_t len = tf_utf8_len(p + i, n - i);
        int bad = !len || (p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7F;
        size_t need = bad ? 4 : len;
        if (o + need >= size) break;
        if (bad) {
            snprintf(dst + o, 5, "\\x%02X", p[i]);
            i++;
        } else {
            memcpy(dst + o, p + i, len);
            i += len;
        }
        o += need;
    }
    dst[o] = '\0';
    return dst;
}

void tool_error(const char *fmt, ...)
{
    char msg[4096], shown[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(tool_errors ? tool_errors : stderr, "%s: %s\n", tool_name,
            str_printable(shown, sizeof shown, msg));
}

void fmt_double(char *buf, size_t size, double x)
{
    if (isnan(x)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, size, x > 0 ? "inf" : "-inf");
        return;
    }
    if (x == floor(x) && fabs(x) < 9007199254740992.0) { /* 2^53: exact as an integer */
        snprintf(buf, size, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

int str_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

char *str_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

int str_natcmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0') a++;
            while (*b == '0') b++;
            size_t na = 0, nb = 0;
            while (isdigit((unsigned char)a[na])) na++;
            while (isdigit((unsigned char)b[nb])) nb++;
            if (na != nb) return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c) return c;
            a += na;
            b += nb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

int str_iends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && str_ieq(s + n - m, suffix);
}

void path_stem(char *dst, size_t size, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    str_copy(dst, size, base);
    char *dot = strrchr(dst, '.');
    if (dot && dot != dst) *dot = '\0';
}

int path_join(char *dst, size_t size, const char *dir, const char *name)
{
    int n = (name[0] == '/' || !dir[0]) ? snprintf(dst, size, "%s", name)
                                         : snprintf(dst, size, "%s/%s", dir, name);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

void path_dir(char *dst, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        str_copy(dst, size, ".");
    } else if (slash == path) {
        str_copy(dst, size, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= size) n = size - 1;
        memcpy(dst, path, n);
        dst[n] = '\0';
    }
}

int path_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

int ck_add_i64(int64_t *acc, int64_t x)
{
    if ((x > 0 && *acc > INT64_MAX - x) || (x < 0 && *acc < INT64_MIN - x)) return -1;
    *acc += x;
    return 0;
}

int ck_mul_add_i64(int64_t *acc, int64_t x, int64_t times)
{
    int64_t p;
#if defined(__GNUC__)
    if (__builtin_mul_overflow(x, times, &p)) return -1;
#else
    if (x && times &&
        (x > 0 ? (times > 0 ? x > INT64_MAX / times : times < INT64_MIN / x)
               : (times > 0 ? x < INT64_MIN / times : x < INT64_MAX / times)))
        return -1;
    p = x * times;
#endif
    return ck_add_i64(acc, p);
}

int ck_add_f64(double *acc, double x)
{
    double s = *acc + x;
    if (!isfinite(s)) return -1;
    *acc = s;
    return 0;
}

int ck_mul_add_f64(double *acc, double x, int64_t times)
{
    double p = x * (double)times;
    if (!isfinite(p)) return -1;
    return ck_add_f64(acc, p);
}
