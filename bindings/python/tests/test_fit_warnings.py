"""Every warning of ecnn.fit, each triggered by an input crafted for it, and
absent from an input that does not call for it."""
import json
import unittest

from _fit_support import HAVE_FIT, SWEEP_HEADER, WHY_NOT, TempDir, fit, run_fit, write

if HAVE_FIT:
    import numpy as np

ROWS = [
    "d,8,1,3,8,11,11,55,55,4,4,1,1,56142965.98,4926403.68,51216562.30",
    "d,16,1,3,16,11,11,55,55,4,4,1,1,97206378.77,9852807.36,87353571.41",
    "d,24,1,3,24,11,11,55,55,4,4,1,1,151011779.87,14779211.04,136232568.83",
    "d,32,1,3,32,11,11,55,55,4,4,1,1,196613062.99,19705614.72,176907448.27",
    "k,3,1,3,64,3,3,57,57,4,4,1,1,53426443.67,3148483.74,50277959.93",
    "k,5,1,3,64,5,5,56,56,4,4,1,1,117136495.47,8441610.24,108694885.23",
]


def codes(warnings):
    return [c for c, _ in warnings]


def independent_counts(rng, n=40):
    """Five count columns with no dependency among them (unlike the model's)."""
    return np.exp(rng.uniform(0, 12, (n, 5)))


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Calibration(unittest.TestCase):
    REFERENCE = {"dram_read": 200.0, "dram_write": 200.0, "buf_read": 6.0, "buf_write": 6.0,
                 "mac": 1.0}

    def calibrated(self, truth):
        A = independent_counts(np.random.default_rng(3))
        y = A @ np.array([truth[k] for k in fit.ENERGY_KEYS])
        return fit.calibrate(A, y, self.REFERENCE)

    def test_energy_at_the_bound(self):
        c = self.calibrated({"dram_read": 100, "dram_write": -30, "buf_read": 5, "buf_write": 5,
                             "mac": 1})
        self.assertEqual(c["energies"]["dram_write"], 0)
        w = fit.calibration_warnings(c)
        self.assertIn("nnls-bound", codes(w))
        pinned = [m for c, m in w if c == "nnls-bound"]
        self.assertTrue(any("dram_write is at the bound 0" in m for m in pinned), pinned)
        self.assertEqual(len(pinned), sum(1 for v in c["energies"].values() if v == 0))

    def test_negative_determined_combination(self):
        # dram_write 0.5 < buf_read 5: per output word written back < 0.
        c = self.calibrated({"dram_read": 100, "dram_write": 0.5, "buf_read": 5, "buf_write": 5,
                             "mac": 1})
        self.assertAlmostEqual(c["energies"]["dram_write"], 0.5, places=4)
        w = fit.calibration_warnings(c)
        self.assertEqual(codes(w), ["negative-coefficient"])
        self.assertIn("per output word written back", w[0][1])

    def test_none_for_a_clean_calibration(self):
        c = self.calibrated({"dram_read": 100, "dram_write": 150, "buf_read": 5, "buf_write": 5,
                             "mac": 1})
        self.assertEqual(fit.calibration_warnings(c), [])


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Fits(unittest.TestCase):
    def warnings(self, x, y, macs=None, components=None, names=()):
        g = fit.fit_group(x, y, macs, components, names)
        return fit.group_warnings(dict(g, group="g"))

    def test_negative_fitted_values(self):
        # y = x^2: the straight line through it has a negative intercept and
        # predicts negative energies for the smallest layers.
        x = np.arange(1.0, 21)
        w = self.warnings(x, x * x)
        self.assertIn("negative-fitted", codes(w))
        self.assertIn("model, linear: ", dict(w)["negative-fitted"])
        self.assertNotIn("negative-fitted", codes(self.warnings(x, 3 * x + 1 + np.sin(x))))

    def test_negative_coefficients(self):
        rng = np.random.default_rng(5)
        a = rng.uniform(1, 10, 30)
        b = rng.uniform(1, 10, 30)
        y = 100 + 10 * a - 2 * b
        w = self.warnings(y, y, components=np.column_stack([a, b]), names=["a", "b"])
        self.assertEqual(codes(w), ["negative-coefficient"])
        self.assertIn("the coefficient of b is -2", w[0][1])
        # A model that falls as the measurement grows: a negative slope.
        x = np.arange(1.0, 11)
        w = self.warnings(1 / x, x + 0.1 * np.sin(x))
        self.assertIn("negative-coefficient", codes(w))

    def test_condition_number(self):
        rng = np.random.default_rng(6)
        a = rng.uniform(1, 10, 30)
        b = a * (1 + 1e-4 * rng.normal(size=30))  # nearly a
        y = 5 + a + b + rng.normal(size=30)
        w = self.warnings(y, y, components=np.column_stack([a, b]), names=["a", "b"])
        self.assertIn("condition-number", codes(w))
        far = np.column_stack([a, rng.uniform(1, 10, 30)])
        self.assertNotIn("condition-number",
                         codes(self.warnings(y, y, components=far, names=["a", "c"])))


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Rows(unittest.TestCase):
    def run_json(self, tmp, rows, *extra):
        path = write(tmp, "rows.csv", "\n".join([SWEEP_HEADER, *rows]) + "\n")
        status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--policy", "os",
                                    "--format", "json", "--bootstrap", "0", *extra])
        self.assertEqual(status, 0, err)
        return json.loads(out)

    def test_duplicates_and_dedupe(self):
        with TempDir() as tmp:
            clean = self.run_json(tmp, ROWS)
            self.assertNotIn("duplicate-rows", [w["code"] for w in clean["warnings"]])
            doc = self.run_json(tmp, ROWS + [ROWS[1], ROWS[1], ROWS[3]])
            dup = [w for w in doc["warnings"] if w["code"] == "duplicate-rows"]
            self.assertEqual(len(dup), 1)
            self.assertIn("3 of 9 rows repeat an earlier row", dup[0]["message"])
            self.assertIn("copy of line 3", dup[0]["message"])
            self.assertEqual(doc["rows"], 9)
            deduped = self.run_json(tmp, ROWS + [ROWS[1], ROWS[1], ROWS[3]], "--dedupe")
            self.assertEqual(deduped["rows"], 6)
            self.assertNotIn("duplicate-rows", [w["code"] for w in deduped["warnings"]])
            self.assertEqual(deduped["measured"], clean["measured"])
            # The same layer measured twice, differently: not a copy.
            other = ROWS[2].rsplit(",", 1)[0] + ",140000000.0"
            doc = self.run_json(tmp, ROWS + [other], "--dedupe")
            self.assertEqual(doc["rows"], 7)
            self.assertEqual([w["code"] for w in doc["warnings"]], ["repeated-layers"])

    def test_text_report_lists_them_first(self):
        with TempDir() as tmp:
            path = write(tmp, "rows.csv", "\n".join([SWEEP_HEADER, *ROWS, ROWS[0]]) + "\n")
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--policy", "os",
                                        "--bootstrap", "0"])
            self.assertEqual(status, 0, err)
            self.assertLess(out.index("warnings (1):"), out.index("== (all)"))
            self.assertIn("--dedupe drops them", out)

    def test_evaluated_once_per_distinct_layer(self):
        rows = fit.parse_csv("\n".join([SWEEP_HEADER, *ROWS, ROWS[0], ROWS[2]]) + "\n",
                             "timeloop_data_pJ")
        model = fit.Model({"capacity": 65536}, "os")
        results = model.evaluate_all(rows)
        self.assertEqual(model.evaluations, 6)
        self.assertIs(results[6], results[0])
        self.assertEqual(fit.duplicates(rows)["copies"], {6: 0, 7: 2})


if __name__ == "__main__":
    unittest.main()
