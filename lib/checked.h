/* Overflow-checked 64-bit arithmetic. Every count of the model goes through
 * these, so that a count that does not fit is reported (EC_E_OVERFLOW), never
 * wrapped. Each returns 1 on overflow and leaves *r unspecified. */
#ifndef EC_CHECKED_H
#define EC_CHECKED_H

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
static inline int ck_add(int64_t a, int64_t b, int64_t *r) { return __builtin_add_overflow(a, b, r); }
static inline int ck_sub(int64_t a, int64_t b, int64_t *r) { return __builtin_sub_overflow(a, b, r); }
static inline int ck_mul(int64_t a, int64_t b, int64_t *r) { return __builtin_mul_overflow(a, b, r); }
#else
static inline int ck_add(int64_t a, int64_t b, int64_t *r)
{
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return 1;
    *r = a + b;
    return 0;
}
static inline int ck_sub(int64_t a, int64_t b, int64_t *r)
{
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) return 1;
    *r = a - b;
    return 0;
}
static inline int ck_mul(int64_t a, int64_t b, int64_t *r)
{
    /* The model only multiplies non-negative counts. */
    if (a < 0 || b < 0) return 1;
    if (a != 0 && b > INT64_MAX / a) return 1;
    *r = a * b;
    return 0;
}
#endif

/* ceil(a / b) for a >= 0, b > 0, without overflow. */
static inline int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0); }

/* floor(a / b) and ceil(a / b) for any sign of a, b > 0. */
static inline int64_t floor_div_s(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}
static inline int64_t ceil_div_s(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a > 0) ? q + 1 : q;
}

#endif
