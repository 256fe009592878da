/* The search's lookup of a channel tile among the balanced candidates
 * (lib/tiling.c, ec_cand_first_at_most(); docs/search.md section 7, item
 * 3): for every extent up to 3,000 the candidates are built here from
 * their definition (the distinct values of ceil(e / b), b = 1 .. e,
 * descending), and for every tile bound near each candidate and at the
 * ends, and several starting indices, the index it returns must be the
 * one a plain scan finds. The lookup must also be the direct one (no
 * search) for every extent from 2 on: a lookup that fell back to
 * bisection everywhere would still be right, only slower, and this test
 * would fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "checked.h"
#include "tiling.h"

/* The first index >= from with t[index] <= most, by a scan. */
static size_t scan(const int64_t *t, size_t n, size_t from, int64_t most)
{
    size_t k = from;
    while (k < n && t[k] > most) k++;
    return k;
}

static void test_lookup_matches_scan(void **state)
{
    (void)state;
    enum { E_MAX = 3000 };
    int64_t *store = malloc(sizeof(int64_t) * 2 * E_MAX);
    assert_non_null(store);
    long checked = 0;
    for (int64_t e = 1; e <= E_MAX; e++) {
        ec_cand c;
        c.t = store;
        c.n = 0;
        for (int64_t b = 1; b <= e; b++) {
            int64_t v = ceil_div(e, b);
            if (c.n == 0 || c.t[c.n - 1] != v) c.t[c.n++] = v;
        }
        c.b = store + c.n;
        for (size_t j = 0; j < c.n; j++) c.b[j] = ceil_div(e, c.t[j]);
        ec_cand_index(&c, e);
        if (e >= 2 && !c.indexed) fail_msg("extent %lld: the lookup is not direct", (long long)e);
        for (size_t j = 0; j <= c.n; j++) {
            /* Around each candidate, and past both ends. */
            int64_t base = j < c.n ? c.t[j] : 0;
            for (int64_t most = base - 1; most <= base + 1; most++) {
                for (size_t from = 0; from <= c.n; from += c.n / 3 + 1) {
                    size_t want = scan(c.t, c.n, from, most);
                    size_t got = ec_cand_first_at_most(&c, from, most);
                    if (got != want)
                        fail_msg("extent %lld, most %lld, from %zu: %zu, the scan %zu", (long long)e,
                                 (long long)most, from, got, want);
                    checked++;
                }
            }
        }
        int64_t far[2] = {e + 1, INT64_MAX};
        for (int k = 0; k < 2; k++) assert_int_equal(ec_cand_first_at_most(&c, 0, far[k]), 0);
    }
    assert_true(checked > 1000000);
    free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_matches_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
