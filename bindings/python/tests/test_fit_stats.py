"""ecnn.fit's statistics on data sets small enough to work out by hand.

OLS of y on x with an intercept, four points:

    x = 1, 2, 3, 4            mean 2.5
    y = 2, 3, 5, 6            mean 4
    Sxx = sum (x - 2.5)^2 = 2.25 + 0.25 + 0.25 + 2.25 = 5
    Sxy = sum (x - 2.5)(y - 4) = 3 + 0.5 + 0.5 + 3 = 7
    slope b = Sxy / Sxx = 1.4, intercept a = 4 - 1.4 * 2.5 = 0.5
    fitted 1.9, 3.3, 4.7, 6.1; residuals 0.1, -0.3, 0.3, -0.1
    SSE = 0.01 + 0.09 + 0.09 + 0.01 = 0.2, SST = 4 + 1 + 1 + 4 = 10
    R^2 = 1 - 0.2 / 10 = 0.98, adjusted 1 - (0.02) * 3 / 2 = 0.97
    s^2 = SSE / (n - 2) = 0.1
    se(b) = sqrt(s^2 / Sxx) = sqrt(0.02);    t(b) = 1.4 / sqrt(0.02) = 7 sqrt(2)
    se(a) = sqrt(s^2 (1/n + mean^2 / Sxx)) = sqrt(0.1 * 1.5) = sqrt(0.15)
    t(a) = 0.5 / sqrt(0.15) = sqrt(5/3)
    Student's t with 2 degrees of freedom has the two-sided tail
    P(|T| > t) = 1 - t / sqrt(t^2 + 2), so
    p(b) = 1 - 7 sqrt(2) / sqrt(98 + 2) = 1 - 0.7 sqrt(2) = 0.0100505...
    p(a) = 1 - sqrt(5/3) / sqrt(11/3) = 1 - sqrt(5/11) = 0.3258...
    F = t(b)^2 = 98, with the same p as the slope.
    Relative errors |residual| / y: 0.05, 0.1, 0.06, 0.01666...; sorted
    0.01666, 0.05, 0.06, 0.1: median (0.05 + 0.06) / 2 = 0.055; the 95th
    percentile (linear interpolation at rank 0.95 * 3 = 2.85) is
    0.06 + 0.85 * (0.1 - 0.06) = 0.094.

Log-log: y = 3 x^2 on x = 1, 2, 4, 8 gives log y = log 3 + 2 log x exactly:
slope 2, intercept log 3, R^2 = 1, no relative error.

Spearman: x = 1..5, y = 2, 1, 4, 3, 5: rank differences -1, 1, -1, 1, 0,
sum of squares 4, rho = 1 - 6 * 4 / (5 * 24) = 0.8. Its exact two-sided
p-value counts the orderings of five ranks with |rho| >= 0.8, that is sum
d^2 <= 4 or >= 36 (reversing an ordering maps sum d^2 to 40 - sum d^2):
sum d^2 = 0 once (the identity), 2 four times (one adjacent swap), 4 three
times (two disjoint adjacent swaps), so 8 + 8 of 120: p = 2/15. Five rows
in the same order: p = 2/120 = 1/60. With ties, x = 1, 2, 2, 3 (ranks 1,
2.5, 2.5, 4) against y = 1, 2, 3, 4: rho is the Pearson correlation of
the ranks, 4.5 / sqrt(4.5 * 5) = 0.9487.
"""
import math
import unittest

from _fit_support import HAVE_FIT, HAVE_SCIPY, WHY_NOT, fit


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class HandWorkedOLS(unittest.TestCase):
    X = [1, 2, 3, 4]
    Y = [2, 3, 5, 6]

    def test_linear(self):
        r = fit.ols(self.Y, self.X, ["intercept", "x"])
        a, b = r["coef"]
        self.assertAlmostEqual(b, 1.4, places=12)
        self.assertAlmostEqual(a, 0.5, places=12)
        self.assertAlmostEqual(r["r2"], 0.98, places=12)
        self.assertAlmostEqual(r["adj_r2"], 0.97, places=12)
        self.assertAlmostEqual(r["se"][1], math.sqrt(0.02), places=12)
        self.assertAlmostEqual(r["se"][0], math.sqrt(0.15), places=12)
        self.assertAlmostEqual(r["t"][1], 7 * math.sqrt(2), places=10)
        self.assertAlmostEqual(r["t"][0], math.sqrt(5 / 3), places=10)
        self.assertAlmostEqual(r["p"][1], 1 - 0.7 * math.sqrt(2), places=10)
        self.assertAlmostEqual(r["p"][0], 1 - math.sqrt(5 / 11), places=10)
        self.assertAlmostEqual(r["f"], 98, places=8)
        self.assertAlmostEqual(r["f_p"], r["p"][1], places=12)
        for got, want in zip(r["fitted"], [1.9, 3.3, 4.7, 6.1]):
            self.assertAlmostEqual(got, want, places=12)
        self.assertEqual(r["n"], 4)

    def test_relative_errors_after_the_fit(self):
        r = fit.ols(self.Y, self.X, ["intercept", "x"])
        e = fit.relative_errors(self.Y, r["fitted"])
        self.assertAlmostEqual(e["median"], 0.055, places=12)
        self.assertAlmostEqual(e["p95"], 0.094, places=12)
        self.assertAlmostEqual(e["max"], 0.1, places=12)

    def test_fit_group_linear_and_loglog(self):
        g = fit.fit_group(self.X, self.Y)
        self.assertAlmostEqual(g["linear"]["r2"], 0.98, places=12)
        self.assertAlmostEqual(g["linear"]["errors"]["median"], 0.055, places=12)
        x = [1, 2, 4, 8]
        y = [3 * v * v for v in x]
        g = fit.fit_group(x, y)
        a, b = g["loglog"]["coef"]
        self.assertAlmostEqual(b, 2, places=12)
        self.assertAlmostEqual(a, math.log(3), places=12)
        self.assertAlmostEqual(g["loglog"]["r2"], 1, places=12)
        self.assertLess(g["loglog"]["errors"]["max"], 1e-12)
        self.assertAlmostEqual(g["spearman"]["rho"], 1, places=12)
        self.assertAlmostEqual(g["spearman"]["p"], 2 / 24, places=12)  # exact, n = 4

    def test_too_few_rows(self):
        with self.assertRaisesRegex(fit.DataError, "2 rows: too few"):
            fit.ols([1, 2], [1, 2], ["intercept", "x"])

    def test_components_regression(self):
        # y = 1 + 2 a + 3 b exactly, a and b independent: R^2 = 1.
        a = [1, 2, 3, 4, 5, 6]
        b = [2, 1, 4, 3, 6, 5]
        y = [1 + 2 * u + 3 * v for u, v in zip(a, b)]
        g = fit.fit_group(y, y, components=list(zip(a, b)), component_names=["a", "b"])
        c = g["components"]
        for got, want in zip(c["coef"], [1, 2, 3]):
            self.assertAlmostEqual(got, want, places=9)
        self.assertAlmostEqual(c["r2"], 1, places=12)
        self.assertFalse(c["collinear"])
        # b = 2 a: collinear, said so.
        g = fit.fit_group(y, y, components=[(u, 2 * u) for u in a], component_names=["a", "2a"])
        self.assertTrue(g["components"]["collinear"])


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Spearman(unittest.TestCase):
    def test_without_ties_exact(self):
        s = fit.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
        self.assertAlmostEqual(s["rho"], 0.8, places=12)
        self.assertEqual(s["p_method"], "exact")
        self.assertAlmostEqual(s["p"], 2 / 15, places=12)
        s = fit.spearman([10, 20, 30, 40, 50], [1, 5, 7, 100, 1000])
        self.assertAlmostEqual(s["rho"], 1, places=12)
        self.assertAlmostEqual(s["p"], 1 / 60, places=12)
        s = fit.spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])
        self.assertAlmostEqual(s["rho"], -1, places=12)
        self.assertAlmostEqual(s["p"], 1 / 60, places=12)

    @unittest.skipUnless(HAVE_SCIPY, "scipy is not installed")
    def test_t_approximation_above_eight_rows(self):
        from scipy import stats
        x = list(range(12))
        y = [3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5, 8, 7.9]
        s = fit.spearman(x, y)
        rho, p = stats.spearmanr(x, y)
        self.assertEqual(s["p_method"], "t")
        self.assertAlmostEqual(s["rho"], rho, places=12)
        self.assertAlmostEqual(s["p"], p, places=12)

    def test_ties_share_their_average_rank(self):
        self.assertEqual(list(fit.ranks([10, 20, 20, 30])), [1, 2.5, 2.5, 4])
        s = fit.spearman([1, 2, 2, 3], [1, 2, 3, 4])
        self.assertAlmostEqual(s["rho"], 4.5 / math.sqrt(4.5 * 5), places=12)

    def test_constant_input(self):
        self.assertTrue(math.isnan(fit.spearman([1, 1, 1], [1, 2, 3])["rho"]))


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class NonNegativeLeastSquares(unittest.TestCase):
    def test_by_hand(self):
        # min ||x1 (1,0) + x2 (0,1) - (2,-1)||, x >= 0: x = (2, 0), residual 1.
        x, res = fit.nnls([[1, 0], [0, 1]], [2, -1])
        self.assertEqual(list(x), [2, 0])
        self.assertAlmostEqual(res, 1, places=12)
        # An exact non-negative solution is found exactly.
        A = [[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 2, 3]]
        truth = [0.5, 0, 2]
        b = [sum(a * t for a, t in zip(row, truth)) for row in A]
        x, res = fit.nnls(A, b)
        for got, want in zip(x, truth):
            self.assertAlmostEqual(got, want, places=12)
        self.assertLess(res, 1e-12)

    @unittest.skipUnless(HAVE_SCIPY, "scipy is not installed")
    def test_against_scipy(self):
        import numpy as np
        from scipy.optimize import nnls as scipy_nnls
        rng = np.random.default_rng(7)
        for trial in range(200):
            m, n = rng.integers(2, 12), rng.integers(1, 7)
            A = rng.normal(size=(m, n))
            if trial % 3 == 0:
                A[:, -1] = A[:, 0]  # rank-deficient: the residual is still unique
            b = rng.normal(size=m)
            x, res = fit.nnls(A, b)
            _, res_scipy = scipy_nnls(A, b)
            self.assertTrue((x >= 0).all())
            self.assertAlmostEqual(res, res_scipy, places=9, msg=f"trial {trial}")


if __name__ == "__main__":
    unittest.main()
