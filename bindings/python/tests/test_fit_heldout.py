"""Held-out evaluation (--calibrate-on/--test-on, --cv k, --cv group), the
paper's form (--asymptotic), the plots and the parallel evaluation.

The held-out tests poison the rows under test: their measured energies are
replaced by absurd values, and everything the predictions depend on
(calibrated energies, scale factors, the predictions themselves) must stay
bit for bit the same, while the poison does change the folds that train on
those rows (so the comparison could fail).
"""
import json
import os
import unittest

import ecnn
from _fit_support import HAVE_FIT, SWEEP_HEADER, WHY_NOT, TempDir, fit, run_fit, write

if HAVE_FIT:
    import numpy as np

REFERENCE = {"dram_read": 200.0, "dram_write": 200.0, "buf_read": 6.0, "buf_write": 6.0,
             "mac": 1.0}
TRUTH = {"dram_read": 60.0, "dram_write": 120.0, "buf_read": 1.0, "buf_write": 1.2, "mac": 0.2}


def random_layers(rng, count):
    """CSV lines (sweep header) of random layers, grouped a/b/c, with the
    measured energy made from the library's own counts under TRUTH, times
    seeded 3 % noise."""
    lines = []
    truth = np.array([TRUTH[k] for k in fit.ENERGY_KEYS])
    while len(lines) < count:
        C, K = int(rng.choice([3, 8, 16, 32])), int(rng.choice([8, 16, 32, 64]))
        R = int(rng.choice([1, 3, 5]))
        P = int(rng.integers(4, 24))
        s = int(rng.choice([1, 2]))
        with ecnn.Layer(C=C, K=K, R=R, S=R, H=(P - 1) * s + R, W=(P - 1) * s + R, stride=s) as L, \
                ecnn.Memory(capacity=4096) as m, ecnn.Dataflow("WS") as d:
            r = ecnn.evaluate(L, m, d)
        energy = float(np.array(fit.counts(r)) @ truth) * (1 + 0.03 * rng.standard_normal())
        group = "abc"[len(lines) % 3]
        lines.append(f"{group},0,1,{C},{K},{R},{R},{P},{P},{s},{s},1,1,0,0,{energy!r}")
    return lines


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Predictions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rng = np.random.default_rng(8)
        n = 60
        cls.counts = np.exp(rng.uniform(5, 15, (n, 5)))
        cls.macs = cls.counts[:, 4]
        cls.x = cls.counts @ np.array([REFERENCE[k] for k in fit.ENERGY_KEYS])
        cls.y = cls.counts @ np.array([TRUTH[k] for k in fit.ENERGY_KEYS]) * \
            (1 + 0.02 * rng.standard_normal(n))

    def test_the_test_side_carries_no_energies(self):
        s = fit.side(self.counts[:5], self.x[:5], self.macs[:5], self.y[:5])
        with self.assertRaises(ValueError):
            fit.predict(s, s, REFERENCE)

    def test_scale_factors_by_hand(self):
        x, y = np.array([1.0, 2.0, 4.0]), np.array([2.0, 3.0, 9.0])
        r = x / y
        self.assertAlmostEqual(fit.scale_factor(x, y), r.sum() / (r * r).sum(), places=14)
        self.assertAlmostEqual(fit.scale_factor(x, y, "absolute"), (2 + 6 + 36) / 21, places=14)

    def test_score_by_hand(self):
        e = fit.score([10.0, 20.0, 40.0], {"p": [11.0, 18.0, 40.0]})["p"]
        self.assertAlmostEqual(e["median"], 0.1, places=14)
        self.assertAlmostEqual(e["max"], 0.1, places=14)
        self.assertAlmostEqual(e["log_bias"], 0.0, places=14)
        self.assertEqual(e["nonpositive"], 0)

    def test_kfold_poisoned(self):
        folds = fit.kfold(len(self.y), 5, seed=3)
        self.assertEqual(sorted(i for _, f in folds for i in f), list(range(len(self.y))))
        self.assertEqual(folds, fit.kfold(len(self.y), 5, seed=3))
        self.assertNotEqual(folds, fit.kfold(len(self.y), 5, seed=4))
        clean = fit.cross_validate(folds, self.counts, self.x, self.macs, self.y, REFERENCE)
        for k, (_, test) in enumerate(folds):
            poisoned = self.y.copy()
            poisoned[test] = 1e30 * (1 + np.arange(len(test)))
            dirty = fit.cross_validate(folds, self.counts, self.x, self.macs, poisoned, REFERENCE)
            self.assertEqual(dirty["folds"][k]["energies"], clean["folds"][k]["energies"])
            self.assertEqual(dirty["folds"][k]["scales"], clean["folds"][k]["scales"])
            for name in fit.PREDICTORS:
                self.assertEqual([dirty["predicted"][name][i] for i in test],
                                 [clean["predicted"][name][i] for i in test])
            other = (k + 1) % len(folds)  # trains on the poisoned rows: changed
            self.assertNotEqual(dirty["folds"][other]["energies"],
                                clean["folds"][other]["energies"])

    def test_calibration_beats_the_mac_baseline_when_the_counts_are_true(self):
        cv = fit.cross_validate(fit.kfold(len(self.y), 4), self.counts, self.x, self.macs,
                                self.y, REFERENCE)
        pooled = cv["pooled"]
        self.assertLess(pooled["calibrated"]["median"], 0.03)
        self.assertGreater(pooled["macs_scale"]["median"], 3 * pooled["calibrated"]["median"])

    def test_bad_folds(self):
        with self.assertRaisesRegex(fit.DataError, "--cv: 1 folds"):
            fit.kfold(10, 1)
        with self.assertRaisesRegex(fit.DataError, "--cv: 11 folds of 10 rows"):
            fit.kfold(10, 11)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class CommandLine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rng = np.random.default_rng(21)
        cls.train = random_layers(rng, 45)
        cls.test = random_layers(rng, 30)

    def run_json(self, argv):
        status, out, err = run_fit(argv + ["--format", "json", "--bootstrap", "0",
                                           "--measured", "timeloop_data_pJ", "--policy", "ws",
                                           "--capacity", "4096", "--jobs", "1"])
        self.assertEqual(status, 0, err)
        return json.loads(out)

    def test_calibrate_on_test_on_poisoned(self):
        with TempDir() as tmp:
            train = write(tmp, "train.csv", "\n".join([SWEEP_HEADER] + self.train) + "\n")
            test = write(tmp, "test.csv", "\n".join([SWEEP_HEADER] + self.test) + "\n")
            poison = [",".join(line.split(",")[:-1] + [str(1e12 * (i + 1))])
                      for i, line in enumerate(self.test)]
            bad = write(tmp, "poisoned.csv", "\n".join([SWEEP_HEADER] + poison) + "\n")
            clean = self.run_json(["--calibrate-on", train, "--test-on", test, "--group-by",
                                   "sweep"])["heldout"]
            dirty = self.run_json(["--calibrate-on", train, "--test-on", bad, "--group-by",
                                   "sweep"])["heldout"]
            for key in ("energies", "scales", "predicted"):
                self.assertEqual(clean[key], dirty[key], key)
            self.assertNotEqual(clean["errors"], dirty["errors"])
            self.assertEqual((clean["n_train"], clean["n_test"]), (45, 30))
            # The counts are true up to 3 % noise: calibrated predictions carry
            # over; one scale factor on the MACs does not.
            self.assertLess(clean["errors"]["calibrated"]["median"], 0.05)
            self.assertGreater(clean["errors"]["macs_scale"]["median"],
                               2 * clean["errors"]["calibrated"]["median"])
            self.assertEqual([g["group"] for g in clean["groups"]], ["a", "b", "c"])
            # Poisoning the training file changes them.
            tpoison = [",".join(line.split(",")[:-1] + [str(1e12 * (i + 1))])
                       for i, line in enumerate(self.train)]
            badtrain = write(tmp, "badtrain.csv", "\n".join([SWEEP_HEADER] + tpoison) + "\n")
            other = self.run_json(["--calibrate-on", badtrain, "--test-on", test])["heldout"]
            self.assertNotEqual(other["energies"], clean["energies"])

    def test_cv_group_poisoned(self):
        with TempDir() as tmp:
            path = write(tmp, "all.csv", "\n".join([SWEEP_HEADER] + self.train) + "\n")
            clean = self.run_json([path, "--group-by", "sweep", "--cv", "group"])
            cv = clean["cross_validation"]
            self.assertEqual([f["fold"] for f in cv["folds"]], ["a", "b", "c"])
            lines = [line if line[0] != "b" else
                     ",".join(line.split(",")[:-1] + ["123456789012345.0"]) for line in self.train]
            path = write(tmp, "poisoned.csv", "\n".join([SWEEP_HEADER] + lines) + "\n")
            dirty = self.run_json([path, "--group-by", "sweep", "--cv", "group"])
            self.assertEqual(dirty["cross_validation"]["folds"][1]["energies"],
                             cv["folds"][1]["energies"])
            b_rows = [i for i, line in enumerate(self.train) if line[0] == "b"]
            for name in fit.PREDICTORS:
                self.assertEqual([dirty["cross_validation"]["predicted"][name][i] for i in b_rows],
                                 [cv["predicted"][name][i] for i in b_rows])
            self.assertNotEqual(dirty["cross_validation"]["folds"][0]["energies"],
                                cv["folds"][0]["energies"])

    def test_refusals(self):
        with TempDir() as tmp:
            path = write(tmp, "all.csv", "\n".join([SWEEP_HEADER] + self.train) + "\n")
            base = ["--measured", "timeloop_data_pJ", "--policy", "ws"]
            for argv, message in (([path, "--cv", "group"], "--cv group: needs --group-by"),
                                  ([path, "--cv", "x"], "--cv: 'x' is neither"),
                                  ([path, "--cv", "1"], "--cv: 1 folds"),
                                  ([path, "--calibrate-on", path], "name the same file"),
                                  ([], "no CSV file"),
                                  (["--test-on", path, "--calibrate", "x.mem"],
                                   "--calibrate fits the CSV file given")):
                with self.subTest(argv=argv):
                    status, _, err = run_fit(argv + base)
                    self.assertEqual(status, 1, err)
                    self.assertIn(message, err)

    def test_text_report(self):
        with TempDir() as tmp:
            path = write(tmp, "all.csv", "\n".join([SWEEP_HEADER] + self.train) + "\n")
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--policy", "ws",
                                        "--capacity", "4096", "--cv", "5", "--bootstrap", "0"])
            self.assertEqual(status, 0, err)
            self.assertIn("== cross-validation: 5 shuffled folds (seed 1)", out)
            self.assertIn("MACs x one scale factor (the baseline)", out)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class PaperForm(unittest.TestCase):
    def test_asymptotic_through_the_origin(self):
        lines = random_layers(np.random.default_rng(4), 24)
        rows = fit.parse_csv("\n".join([SWEEP_HEADER] + lines) + "\n", "timeloop_data_pJ",
                             "sweep")
        params = {"capacity": 4096}
        asym = fit.asymptotic(rows, params)
        # The binding's own call, layer by layer: the same figures.
        with ecnn.Memory(capacity=4096) as m:
            for i, row in enumerate(rows):
                with ecnn.Layer(**row.layer) as L:
                    for p in fit.NAMED:
                        self.assertEqual(asym[p][i], ecnn.asymptotic(L, m, p.upper()).energy)
        y = np.array([r.measured for r in rows])
        paper = fit.paper_form(rows, y, {"OS": asym["os"]})
        f = np.array(asym["os"])
        b = float(f @ y / (f @ f))
        pooled = paper[0]["pooled"]
        self.assertAlmostEqual(pooled["coef"][0] / b, 1, places=12)
        self.assertAlmostEqual(pooled["r2"], 1 - np.sum((y - b * f) ** 2) /
                               np.sum((y - y.mean()) ** 2), places=12)
        for g in paper[0]["groups"]:
            m = [i for i, r in enumerate(rows) if r.group == g["group"]]
            yy, ff = y[m], f[m]
            self.assertAlmostEqual(g["r2_pooled_b"], 1 - np.sum((yy - b * ff) ** 2) /
                                   np.sum((yy - yy.mean()) ** 2), places=12)
            self.assertAlmostEqual(g["own_b"], float(ff @ yy / (ff @ ff)), places=12)


def plots():
    from ecnn.fit import plots as module  # matplotlib: only here
    return module


class _Row:
    def __init__(self, layer, group):
        self.layer, self.group = layer, group


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Plots(unittest.TestCase):
    def analysis(self, n, groups=3):
        rng = np.random.default_rng(n)
        rows = [_Row({"R": int(rng.choice([1, 3, 5])), "stride_h": int(rng.choice([1, 2])),
                      "C": int(rng.integers(1, 512)), "K": int(rng.integers(1, 512))},
                     f"g{i % groups}") for i in range(n)]
        x = np.exp(rng.uniform(10, 20, n))
        y = 0.2 * x * np.exp(0.1 * rng.standard_normal(n))
        groups_ = []
        for name, members in fit.groups_of(rows):
            groups_.append(dict(fit.fit_group(x[members], y[members]), group=name))
        return rows, {"x": x.tolist(), "y": y.tolist(), "groups": groups_}

    def test_small_svg_is_vector_with_the_legend(self):
        rows, analysis = self.analysis(60)
        with TempDir() as tmp:
            path = os.path.join(tmp, "p.svg")
            info = plots().plot(path, rows, analysis, "model", "measured", "t")
            with open(path, encoding="utf-8") as f:
                svg = f.read()
        self.assertFalse(info["rasterised"])
        self.assertNotIn("<image", svg)
        self.assertIn("log-log R²", svg)
        self.assertIn("measured = model × s", svg)
        self.assertIn("stride", svg)  # a residual panel's axis
        self.assertAlmostEqual(info["scale"], float(np.exp(np.mean(np.log(
            np.array(analysis["y"]) / np.array(analysis["x"]))))), places=12)

    def test_large_data_rasterised_and_png(self):
        rows, analysis = self.analysis(9000, groups=4)
        with TempDir() as tmp:
            svg = os.path.join(tmp, "p.svg")
            info = plots().plot(svg, rows, analysis, "model", "measured")
            png = os.path.join(tmp, "p.png")
            plots().plot(png, rows, analysis, "model", "measured", identity=True)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with open(svg, encoding="utf-8") as f:
                text = f.read()
            self.assertTrue(info["rasterised"])
            self.assertIn("<image", text)
            self.assertLess(os.path.getsize(svg), 600_000)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Evaluation(unittest.TestCase):
    def test_processes_give_the_same_results(self):
        lines = random_layers(np.random.default_rng(12), 80)
        rows = fit.parse_csv("\n".join([SWEEP_HEADER] + lines) + "\n", "timeloop_data_pJ")
        one = fit.Model({"capacity": 4096}, "optimal", jobs=1).evaluate_all(rows)
        many = fit.Model({"capacity": 4096}, "optimal", jobs=2)
        saved = fit.model.PARALLEL_MIN
        fit.model.PARALLEL_MIN = 2
        try:
            two = many.evaluate_all(rows)
        finally:
            fit.model.PARALLEL_MIN = saved
        self.assertEqual(one, two)

    def test_progress_line(self):
        import io
        stream = io.StringIO()
        p = fit.Progress("evaluating", 10, stream, delay=0, every=0)
        p.update(4)
        p.finish()
        self.assertIn("ecnn.fit: evaluating: 4/10", stream.getvalue())
        self.assertIn("10/10", stream.getvalue())
        quiet = io.StringIO()
        p = fit.Progress("evaluating", 10, quiet, delay=60)
        p.update(4)
        p.finish()
        self.assertEqual(quiet.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
