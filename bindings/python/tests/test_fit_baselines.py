"""ecnn.fit's baselines and robust statistics against statsmodels and scipy,
and the nested test on data whose answer is known by construction.

The nested test asks whether log(model / MACs) explains the log of the
measured energy beyond log MACs. Two data sets answer it by construction:
the residual e is made orthogonal to [1, log MACs, log(model / MACs)], so

- "adds nothing": log y = 1 + 0.9 log MACs + e. The full fit's coefficient
  c of log(model / MACs) is exactly 0, the two fits have the same SSE,
  F = 0 and p = 1.
- "adds": log y = 1 + log MACs + 2.7 z + e, z = log(model / MACs). Then
  c = 2.7 exactly, SSE_full = |e|^2 and SSE_restricted = |e|^2 + 2.7^2
  |z_perp|^2, z_perp the residual of z on [1, log MACs], so
  F = 2.7^2 |z_perp|^2 / (|e|^2 / (n - 3)).
"""
import math
import unittest

from _fit_support import HAVE_FIT, WHY_NOT, fit

if HAVE_FIT:
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats


def orthogonal_noise(rng, columns, scale):
    """A random vector orthogonal to the columns (and to the constant)."""
    n = len(columns[0])
    A = np.column_stack([np.ones(n)] + list(columns))
    e = rng.normal(size=n)
    e -= A @ np.linalg.lstsq(A, e, rcond=None)[0]
    return scale * e / np.linalg.norm(e) * math.sqrt(n)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class NestedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rng = np.random.default_rng(11)
        n = 40
        cls.macs = np.exp(rng.uniform(10, 20, n))
        cls.z = rng.uniform(-0.3, 0.3, n)  # log(model / MACs), independent of the MACs
        cls.model = cls.macs * np.exp(cls.z)
        cls.u = np.log(cls.macs)
        cls.e = orthogonal_noise(rng, [cls.u, cls.z], 0.05)
        cls.n = n

    def test_model_adds_nothing(self):
        y = np.exp(1 + 0.9 * self.u + self.e)
        g = fit.fit_group(self.model, y, self.macs)
        t = g["nested"]
        self.assertAlmostEqual(t["coef"], 0, places=10)
        self.assertLess(t["f"], 1e-15)
        self.assertAlmostEqual(t["p"], 1, places=10)
        self.assertGreater(t["p_hc3"], 0.999)
        self.assertEqual(t["df"], [1, self.n - 3])
        report = []
        fit.report.group_text(dict(g, group="g"), report)
        self.assertIn(": no at 5 %", "\n".join(report))

    def test_model_adds(self):
        y = np.exp(1 + self.u + 2.7 * self.z + self.e)
        g = fit.fit_group(self.model, y, self.macs)
        t = g["nested"]
        self.assertAlmostEqual(t["coef"], 2.7, places=9)
        A = np.column_stack([np.ones(self.n), self.u])
        z_perp = self.z - A @ np.linalg.lstsq(A, self.z, rcond=None)[0]
        want = 2.7 ** 2 * (z_perp @ z_perp) / ((self.e @ self.e) / (self.n - 3))
        self.assertAlmostEqual(t["f"] / want, 1, places=10)
        self.assertAlmostEqual(t["p"], stats.f.sf(want, 1, self.n - 3), places=12)
        # statsmodels' own nested comparison of the same two fits.
        ly = np.log(y)
        full = sm.OLS(ly, sm.add_constant(np.column_stack([self.u, self.z]))).fit()
        restricted = sm.OLS(ly, sm.add_constant(self.u)).fit()
        f_sm, p_sm, df_sm = full.compare_f_test(restricted)
        self.assertAlmostEqual(t["f"] / f_sm, 1, places=9)
        self.assertEqual(df_sm, 1)
        report = []
        fit.report.group_text(dict(g, group="g"), report)
        self.assertIn(": yes at 5 %", "\n".join(report))

    def test_model_proportional_to_the_macs(self):
        g = fit.fit_group(3 * self.macs, self.macs * 2, self.macs)
        self.assertIn("proportional", g["nested"]["skipped"])


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class AgainstStatsmodels(unittest.TestCase):
    def data(self, seed, n=50, k=1):
        rng = np.random.default_rng(seed)
        X = rng.uniform(1, 10, (n, k))
        # Heteroscedastic: the spread grows with the first regressor.
        y = 2 + X @ np.arange(1, k + 1) + rng.normal(size=n) * X[:, 0]
        return X, y

    def close(self, got, want, rel=1e-9):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        self.assertTrue(np.allclose(got, want, rtol=rel, atol=0), f"{got} against {want}")

    def test_hc3_standard_errors_p_and_intervals(self):
        for seed, k in ((1, 1), (2, 2), (3, 3)):
            X, y = self.data(seed, k=k)
            r = fit.ols(y, X, ["intercept"] + [f"x{i}" for i in range(k)])
            sm_fit = sm.OLS(y, sm.add_constant(X)).fit()
            robust = sm.OLS(y, sm.add_constant(X)).fit(cov_type="HC3", use_t=True)
            self.close(r["coef"], sm_fit.params, 1e-10)
            self.close(r["se"], sm_fit.bse)
            self.close(r["p"], sm_fit.pvalues)
            self.close(r["se_hc3"], robust.bse)
            self.close(r["p_hc3"], robust.pvalues)
            self.close(r["ci"], robust.conf_int())
            self.assertAlmostEqual(r["r2"], sm_fit.rsquared, places=12)
            self.assertAlmostEqual(r["f"] / sm_fit.fvalue, 1, places=10)
            self.assertAlmostEqual(r["condition"], fit.condition_number(sm.add_constant(X)))

    def test_weighted_fit(self):
        X, y = self.data(4)
        w = 1 / (y * y)
        r = fit.ols(y, X, ["intercept", "x"], weights=w)
        wls = sm.WLS(y, sm.add_constant(X), weights=w).fit()
        self.close(r["coef"], wls.params, 1e-10)
        self.close(r["se"], wls.bse)
        self.assertAlmostEqual(r["r2"], wls.rsquared, places=12)
        robust = sm.WLS(y, sm.add_constant(X), weights=w).fit(cov_type="HC3", use_t=True)
        self.close(r["se_hc3"], robust.bse)

    def test_through_the_origin(self):
        X, y = self.data(5)
        r = fit.ols(y, X[:, 0], ["b"], origin=True)
        o = sm.OLS(y, X).fit()
        self.close(r["coef"], o.params, 1e-12)
        self.close(r["se"], o.bse)
        self.assertAlmostEqual(r["r2_uncentered"], o.rsquared, places=12)  # statsmodels' R^2
        self.assertAlmostEqual(r["r2"], 1 - o.ssr / np.sum((y - y.mean()) ** 2), places=12)
        self.assertAlmostEqual(r["coef"][0], float(X[:, 0] @ y / (X[:, 0] @ X[:, 0])), places=12)

    def test_collinear_design_has_no_standard_errors(self):
        x = np.arange(1.0, 11)
        r = fit.ols(2 * x + 1 + np.sin(x), np.column_stack([x, 2 * x]), ["i", "a", "b"])
        self.assertTrue(all(math.isnan(v) for v in r["se"]))
        self.assertTrue(all(math.isnan(v) for v in r["p"]))
        self.assertEqual(fit.format_p(r["p"][1]), "nan")


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Bootstrap(unittest.TestCase):
    def test_against_a_plain_loop(self):
        rng = np.random.default_rng(3)
        x = rng.uniform(0, 1, 30)
        y = x + rng.normal(scale=0.3, size=30)
        lo, hi = fit.bootstrap_r2(x, y, reps=250, seed=9, chunk=100)
        # The same draws, R^2 by numpy's correlation one resample at a time.
        draws = np.random.default_rng(9)
        values = []
        for m in (100, 100, 50):
            for idx in draws.integers(0, 30, (m, 30)):
                values.append(np.corrcoef(x[idx], y[idx])[0, 1] ** 2)
        want = np.percentile(values, [2.5, 97.5])
        self.assertAlmostEqual(lo, want[0], places=12)
        self.assertAlmostEqual(hi, want[1], places=12)
        r2 = np.corrcoef(x, y)[0, 1] ** 2
        self.assertLess(lo, r2)
        self.assertLess(r2, hi)
        self.assertEqual(fit.bootstrap_r2(x, y, reps=250, seed=9), (lo, hi))  # seeded
        self.assertNotEqual(fit.bootstrap_r2(x, y, reps=250, seed=10), (lo, hi))
        self.assertTrue(all(math.isnan(v) for v in fit.bootstrap_r2(x, y, reps=0)))


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class PValues(unittest.TestCase):
    def test_format(self):
        self.assertEqual(fit.format_p(0.0), "< 1e-300")
        self.assertEqual(fit.format_p(1e-310), "< 1e-300")
        self.assertEqual(fit.format_p(2e-300), "2.00e-300")
        self.assertEqual(fit.format_p(3.2e-8), "3.20e-08")
        self.assertEqual(fit.format_p(0.04567), "0.0457")
        self.assertEqual(fit.format_p(float("nan")), "nan")

    def test_underflow_on_a_large_sample(self):
        # 2,000 rows of a near-perfect line: the slope's t is in the
        # thousands, its tail underflows, and the report says so instead of 0.
        rng = np.random.default_rng(1)
        x = rng.uniform(1, 100, 2000)
        y = 5 * x * np.exp(rng.normal(scale=0.01, size=2000))
        r = fit.ols(y, x, ["intercept", "x"])
        self.assertEqual(r["p"][1], 0.0)
        self.assertEqual(fit.format_p(r["p"][1]), "< 1e-300")
        out = []
        fit.report.coef_table(r, out)
        self.assertIn("< 1e-300", out[2])
        self.assertNotIn("0.00e+00", "\n".join(out))


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Baselines(unittest.TestCase):
    def test_side_by_side(self):
        # Energy = 4 per MAC exactly plus a per-layer cost of 1000: the MAC
        # baselines see it, and the linear one recovers it.
        macs = np.array([1e3, 5e3, 2e4, 7e4, 1e5, 3e5])
        y = 4 * macs + 1000
        g = fit.fit_group(macs * 1.5, y, macs)
        self.assertAlmostEqual(g["macs_linear"]["coef"][1], 4, places=9)
        self.assertAlmostEqual(g["macs_linear"]["coef"][0], 1000, places=5)
        self.assertAlmostEqual(g["macs_linear"]["r2"], 1, places=12)
        self.assertAlmostEqual(g["linear"]["coef"][1], 4 / 1.5, places=9)
        lin = np.polyfit(np.log(macs), np.log(y), 1)
        self.assertAlmostEqual(g["macs_loglog"]["coef"][1], lin[0], places=10)
        self.assertAlmostEqual(g["loglog"]["coef"][1], lin[0], places=10)
        self.assertLess(g["macs_loglog"]["r2"], 1)
        self.assertEqual(g["nested"]["skipped"],
                         "the model is proportional to the MACs in this group")


if __name__ == "__main__":
    unittest.main()
