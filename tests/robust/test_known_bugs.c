/* Library bugs found by the robustness work and not fixed yet, one meson
 * test each ('known-bug-N', should_fail : true): an open bug counts as an
 * expected failure, and its fix shows up as an unexpected pass, which
 * fails the suite until the case moves into test_adversarial.c and the
 * meson entry goes. A hang is cut short by alarm() at the hang-guard
 * budget. Usage: test_known_bugs N. docs/fuzzing.md lists the bugs. */
#include "robust.h"

#include <unistd.h>

/* Bug 5: the tile search sorts each axis's (t_P, t_R) candidate pairs by
 * insertion (lib/tiling.c, make_pairs), in time quadratic in their number:
 * a layer of H = 4 * 10^9 rows and R = 3, everything else default, takes
 * over two minutes to tile automatically (10^9: 10 s; 2 * 10^9: 40 s),
 * within every documented limit. Contract: an answer or a refusal in
 * budget. */
static void bug5_quadratic_pair_sort(handles *h)
{
    ec_status st;
    LAYER(h->l, EC_LAYER_H, 4000000000, EC_LAYER_R, 3);
    TIMED(st, ec_evaluate(h->l, h->m, h->d, h->r));
    assert_true(st == EC_OK || st == EC_E_LIMIT);
}

static const struct {
    int bug;
    void (*run)(handles *);
} cases[] = {{5, bug5_quadratic_pair_sort}};
static int which = -1;

static void test_bug(void **state)
{
    /* SIGALRM's default action ends the process: a failure, at once. */
    alarm((unsigned)budget_seconds() + 1);
    cases[which].run(*state);
    alarm(0);
}

int main(int argc, char **argv)
{
    int bug = argc > 1 ? atoi(argv[1]) : 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (cases[i].bug == bug) which = (int)i;
    if (which < 0) {
        fprintf(stderr, "usage: %s N (an open bug's number)\n", argv[0]);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bug, handles_setup, handles_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
