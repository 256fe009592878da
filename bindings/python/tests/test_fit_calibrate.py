"""Calibration (python3 -m ecnn.fit --calibrate) recovers known per-access
energies from counts the library itself computes, with seeded noise.

The layers are evaluated on a small Buffer (512 words) under the three
named policies, so that partial sums spill (DRAM writes of outputs range
over 1 to 16 times |O|) and the counts are as independent as the model
allows. They never are entirely: every Buffer write is a DRAM fill or a
MAC's update (Buffer writes = DRAM reads + MACs) and Buffer reads = 3 MACs
- |O|, so energies only determine

    dram_read + buf_write                (per word read from DRAM)
    3 buf_read + buf_write + mac         (per MAC)
    dram_write, and buf_read through |O| (weakly: |O| is small next to
                                          the MACs)

and the tests check what is determined: those combinations when all five
are free, every energy once buf_write and mac are held, and every energy
when the truth has the reference ratios (which decide what the data
cannot).
"""
import os
import unittest

import ecnn
from _fit_support import HAVE_FIT, WHY_NOT, TempDir, fit, run_fit, write

TRUTH = {"dram_read": 120.0, "dram_write": 310.0, "buf_read": 4.0, "buf_write": 9.0, "mac": 0.7}
REFERENCE = {"dram_read": 200.0, "dram_write": 200.0, "buf_read": 6.0, "buf_write": 6.0,
             "mac": 1.0}
CAPACITY = 512
NOISE = 0.01  # 1 % relative, normal


def layers(rng, count=60):
    """(CSV fields, Result) of `count` random layers that fit M = 512 under
    the policy drawn for them."""
    out = []
    while len(out) < count:
        C = int(rng.choice([1, 2, 4, 8, 16, 32]))
        K = int(rng.choice([4, 8, 16, 32, 64]))
        R = int(rng.choice([1, 3, 5]))
        P = int(rng.integers(4, 30))
        s = int(rng.choice([1, 2]))
        policy = str(rng.choice(["os", "ws", "is"]))
        H = (P - 1) * s + R
        with ecnn.Layer(C=C, K=K, H=H, W=H, R=R, S=R, stride=s) as layer, \
                ecnn.Memory(capacity=CAPACITY) as memory, ecnn.Dataflow(policy.upper()) as df:
            try:
                result = ecnn.evaluate(layer, memory, df)
            except ecnn.CapacityError:
                continue
        fields = dict(N=1, C=C, K=K, R=R, S=R, P=P, Q=P, Hstride=s, Wstride=s, Hdilation=1,
                      Wdilation=1, policy=policy)
        out.append((fields, result))
    return out


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class Calibration(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import numpy as np
        cls.np = np
        rng = np.random.default_rng(2024)
        cls.layers = layers(rng)
        cls.counts = np.array([fit.counts(r) for _, r in cls.layers], dtype=float)
        spills = {r.dram_writes.total / (f["K"] * f["P"] * f["Q"]) for f, r in cls.layers}
        assert min(spills) == 1 and max(spills) >= 8, spills  # outputs do spill
        truth = np.array([TRUTH[k] for k in fit.ENERGY_KEYS])
        noise = 1 + NOISE * rng.standard_normal(len(cls.layers))
        cls.exact = cls.counts @ truth
        cls.measured = cls.exact * noise

    def assertClose(self, got, want, rel, what):
        self.assertLess(abs(got - want), rel * abs(want), f"{what}: {got} against {want}")

    def test_recovers_what_the_counts_determine(self):
        c = fit.calibrate(self.counts, self.measured, REFERENCE)
        e, eff = c["energies"], c["effective"]
        self.assertTrue(all(v >= 0 for v in e.values()), e)
        self.assertClose(eff["per_dram_read_word"], TRUTH["dram_read"] + TRUTH["buf_write"],
                         0.01, "dram_read + buf_write")
        self.assertClose(eff["per_mac"], 3 * TRUTH["buf_read"] + TRUTH["buf_write"] + TRUTH["mac"],
                         0.01, "3 buf_read + buf_write + mac")
        self.assertClose(e["dram_write"], TRUTH["dram_write"], 0.01, "dram_write")
        # The predictions are as good as the noise allows: the relative
        # error against the noise-free energies is well below the noise.
        pred = self.np.array(c["predicted"])
        self.assertLess(self.np.median(abs(pred - self.exact) / self.exact), NOISE / 2)
        # The one exact dependency is reported as undetermined.
        exact_null = [w for w in c["weak_directions"] if w["singular_ratio"] < 1e-12]
        self.assertEqual(len(exact_null), 1, c["weak_directions"])
        d = exact_null[0]["direction"]
        self.assertAlmostEqual(abs(d["dram_read"]), 1, places=6)
        self.assertAlmostEqual(d["dram_read"], -d["buf_write"], places=6)
        self.assertAlmostEqual(d["dram_read"], d["mac"], places=6)

    def test_every_energy_once_two_are_held(self):
        c = fit.calibrate(self.counts, self.measured, REFERENCE,
                          fixed={"buf_write": TRUTH["buf_write"], "mac": TRUTH["mac"]})
        e = c["energies"]
        self.assertEqual((e["buf_write"], e["mac"]), (TRUTH["buf_write"], TRUTH["mac"]))
        for key in ("dram_read", "dram_write", "buf_read"):
            self.assertClose(e[key], TRUTH[key], 0.02, key)

    def test_reference_ratios_decide_the_rest(self):
        # Noise-free energies with the reference ratios: the determined
        # combinations are exact, the undetermined one goes to the
        # reference, so all five come back.
        truth = {k: 3 * v for k, v in REFERENCE.items()}
        measured = self.counts @ self.np.array([truth[k] for k in fit.ENERGY_KEYS])
        e = fit.calibrate(self.counts, measured, REFERENCE)["energies"]
        for key in fit.ENERGY_KEYS:
            self.assertClose(e[key], truth[key], 1e-6, key)

    def test_noise_free_counts_are_fitted_exactly(self):
        # Exact up to the anchor's pull on the weakest determined direction
        # (singular value ratio 2e-4 with absolute weights): 1e-5 at most.
        for weights in ("relative", "absolute"):
            c = fit.calibrate(self.counts, self.exact, REFERENCE, weights=weights)
            self.assertLess(c["errors"]["max"], 5e-5, weights)
            self.assertClose(c["effective"]["per_mac"], 21.7, 1e-4, "per MAC")
            self.assertClose(c["energies"]["dram_write"], TRUTH["dram_write"], 1e-4, "dram_write")

    def test_bad_options(self):
        with self.assertRaisesRegex(fit.DataError, "unknown energy 'dram'"):
            fit.calibrate(self.counts, self.measured, REFERENCE, fixed={"dram": 1})
        with self.assertRaisesRegex(fit.DataError, "nothing to calibrate"):
            fit.calibrate(self.counts, self.measured, REFERENCE, fixed=dict(TRUTH))
        with self.assertRaisesRegex(fit.DataError, "--weights"):
            fit.calibrate(self.counts, self.measured, REFERENCE, weights="squared")

    def test_command_line_writes_a_memory_file_the_binding_loads(self):
        # The same layers as a CSV file, one policy for all (the tool takes
        # one), measured = the true energies of the counts the tool will
        # compute, with noise.
        header = "N,C,K,R,S,P,Q,Hstride,Wstride,Hdilation,Wdilation,energy"
        lines = [header]
        rng = self.np.random.default_rng(5)
        truth = self.np.array([TRUTH[k] for k in fit.ENERGY_KEYS])
        for fields, _ in self.layers:
            layer = dict(C=fields["C"], K=fields["K"], R=fields["R"], S=fields["S"],
                         H=(fields["P"] - 1) * fields["Hstride"] + fields["R"],
                         stride=fields["Hstride"])
            layer["W"] = layer["H"]
            with ecnn.Layer(**layer) as L, ecnn.Memory(capacity=CAPACITY) as m, \
                    ecnn.Dataflow("WS") as d:
                try:
                    r = ecnn.evaluate(L, m, d)
                except ecnn.CapacityError:
                    continue
            energy = float(self.np.array(fit.counts(r)) @ truth) * (1 + NOISE * rng.standard_normal())
            lines.append(",".join(str(fields[k]) for k in header.split(",")[:-1]) + f",{energy!r}")
        with TempDir() as tmp:
            csv_path = write(tmp, "layers.csv", "\n".join(lines) + "\n")
            mem_path = os.path.join(tmp, "calibrated.mem")
            status, out, err = run_fit([csv_path, "--measured", "energy", "--policy", "ws",
                                        "--capacity", str(CAPACITY), "--calibrate", mem_path,
                                        "--fix", f"buf_write={TRUTH['buf_write']}",
                                        "--fix", f"mac={TRUTH['mac']}"])
            self.assertEqual(status, 0, err)
            self.assertIn("calibrated energies written to", out)
            with open(mem_path, encoding="utf-8") as f:
                text = f.read()
            self.assertIn("# Per-access energies calibrated by python3 -m ecnn.fit", text)
            with ecnn.Memory.from_file(mem_path) as memory:
                self.assertEqual(memory.capacity, CAPACITY)
                for key in fit.ENERGY_KEYS:
                    self.assertClose(getattr(memory, key), TRUTH[key], 0.02, key)


if __name__ == "__main__":
    unittest.main()
