"""ecnn.fit --arch (docs/validation.md, "The fit on a hierarchy"): the
hierarchy's energies the fit reads from `ecnn net --arch` equal those of
`ecnn layer --arch` on the published Timeloop problem files of the same
layers (another command, another reader of the layer: Timeloop YAML, not
the fit's CSV), the report is built from them, and bad input is refused
with a message naming the option."""
import json
import os
import subprocess
import unittest

from _fit_support import CLI, HAVE_FIT, SWEEP_HEADER, VALIDATION_DIR, WHY_NOT, TempDir, fit, \
    run_fit, write

HAVE_CLI = bool(CLI) and os.access(CLI, os.X_OK)
# Three rows of the Eyeriss kernel sweep (../shared/validation/eyeriss_sweeps.csv),
# and the Timeloop problem files the authors ran them from.
ROWS = {
    3: "kernels,3,1,3,64,3,3,57,57,4,4,1,1,74644975.53,12353363.4,62291612.13",
    5: "kernels,5,1,3,64,5,5,56,56,4,4,1,1,145598718.07,33121428.48,112477289.59",
    11: "kernels,11,1,3,64,11,11,55,55,4,4,1,1,414471499.05,154633556.88,259837942.17",
}
# Three rows of the Eyeriss d sweep.
EXTRA = ["d,8,1,3,8,11,11,55,55,4,4,1,1,77998735.61,19329194.61,58669541.0",
         "d,16,1,3,16,11,11,55,55,4,4,1,1,125666379.97,38658389.22,87007990.75",
         "d,24,1,3,24,11,11,55,55,4,4,1,1,173431389.34,57987583.83,115443805.51"]


def layer_json(problem, arch):
    done = subprocess.run([CLI, "layer", problem, "--arch", arch, "--format", "json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


class _RowsFile(unittest.TestCase):
    """ROWS written to a CSV file for the class (cls.csv)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        d = cls.tmp.__enter__()
        cls.csv = write(d, "rows.csv", SWEEP_HEADER + "\n" + "\n".join(ROWS.values()) + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.__exit__(None, None, None)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
@unittest.skipUnless(HAVE_CLI, "the command-line tool is not built (ECNN_CLI unset)")
class AgainstEcnnLayer(_RowsFile):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows = fit.read_csv(cls.csv, "timeloop_data_pJ", "sweep")

    def check(self, arch):
        hier, per_mac = fit.hierarchy.evaluate(self.rows, arch, tool=CLI, jobs=2)
        self.assertEqual(len(hier), len(ROWS))
        for R, h in zip(ROWS, hier):
            problem = os.path.join(VALIDATION_DIR, "layers", "kernel_size",
                                   f"kernel_layer_{R}.yaml")
            doc = layer_json(problem, arch)
            with self.subTest(arch=arch, R=R):
                self.assertEqual(h["macs"], doc["layer"]["macs"])
                self.assertEqual(h["macs"], 64 * 3 * R * R * (57 if R == 3 else 55 if R >= 9
                                                               else 56) ** 2)
                self.assertAlmostEqual(h["total"] / doc["energy"]["total"], 1, delta=1e-12)
                self.assertAlmostEqual(h["mac"] / doc["energy"]["mac"], 1, delta=1e-12)
                data = doc["energy"]["total"] - doc["energy"]["mac"]
                self.assertAlmostEqual(h["data"] / data, 1, delta=1e-12)
                # The storage levels' energies add up to the data energy.
                self.assertAlmostEqual(sum(lv["energy"] for lv in doc["levels"]) / data, 1,
                                       delta=1e-9)
        self.assertGreater(per_mac, 0)

    def test_eyeriss_like(self):
        self.check("eyeriss_like")

    def test_simba_like(self):
        self.check("simba_like")

    def test_the_command_reports_them(self):
        with TempDir() as d:
            path = write(d, "rows.csv",
                         SWEEP_HEADER + "\n" + "\n".join(list(ROWS.values()) + EXTRA) + "\n")
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--group-by",
                                        "sweep", "--quantity", "data", "--arch",
                                        "eyeriss_like", "--ecnn", CLI, "--format", "json"])
        self.assertEqual(status, 0, err)
        doc = json.loads(out)
        self.assertEqual([g["group"] for g in doc["groups"]], ["kernels", "d", "(all)"])
        for g in doc["groups"]:
            for model in ("hierarchy", "two_level", "macs"):
                for kind in ("linear", "loglog"):
                    r2 = g[model][kind]["r2"]
                    self.assertTrue(0 <= r2 <= 1 + 1e-12, (g["group"], model, kind, r2))
        # The d rows grow only in K: the MACs and the hierarchy's energy with it.
        d = [h for h in doc["hierarchy"][3:]]
        self.assertEqual([h["macs"] for h in d], [8784600, 2 * 8784600, 3 * 8784600])
        self.assertLess(d[0]["data"], d[1]["data"])
        table = doc["per_mac"]
        self.assertEqual([r["R"] for r in table["rows"]], [3, 5, 11])
        first, last = table["rows"][0], table["rows"][-1]
        self.assertAlmostEqual(first["measured"], 62291612.13 / first["macs"])
        self.assertAlmostEqual(table["first_over_last"]["measured"],
                               (62291612.13 / 5614272) / (259837942.17 / 70276800))
        self.assertAlmostEqual(last["hierarchy"], doc["hierarchy"][2]["data"] / last["macs"])


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class BadInput(_RowsFile):

    def refused(self, extra, *words):
        status, out, err = run_fit([self.csv, "--measured", "timeloop_data_pJ"] + extra)
        self.assertEqual(status, 1, err)
        self.assertEqual(out, "")
        for w in words:
            self.assertIn(w, err)

    def test_missing_tool(self):
        self.refused(["--arch", "eyeriss_like", "--ecnn", "/nonexistent/ecnn"],
                     "--ecnn /nonexistent/ecnn", "not an executable file")

    @unittest.skipUnless(HAVE_CLI, "the command-line tool is not built (ECNN_CLI unset)")
    def test_unknown_arch(self):
        self.refused(["--arch", "nonesuch_like", "--ecnn", CLI], "--arch nonesuch_like",
                     "no preset")

    @unittest.skipUnless(HAVE_CLI, "the command-line tool is not built (ECNN_CLI unset)")
    def test_missing_ert(self):
        self.refused(["--arch", "eyeriss_like", "--ert", "/nonexistent/ERT.yaml", "--ecnn", CLI],
                     "/nonexistent/ERT.yaml")

    def test_options_without_arch(self):
        self.refused(["--ert", "ERT.yaml"], "--arch")

    def test_two_level_only_options(self):
        self.refused(["--arch", "eyeriss_like", "--cv", "2"], "--cv", "two-level")

    def test_quantity_the_hierarchy_lacks(self):
        self.refused(["--arch", "eyeriss_like", "--quantity", "dram"], "--quantity dram")


# docs/validation.md, "The fit on a hierarchy" (--quantity data): R^2 linear,
# log-log of the hierarchy, the two-level model and the MACs, to 4 decimals;
# and the hierarchy's data energy per MAC along the kernel sweep (pJ, 4
# significant digits). If the mapper's choices change, these change, and
# the page with them.
DOCUMENTED = {
    "simba": {
        "d": ((0.8951, 0.9608), (0.9648, 0.9937), (0.9647, 0.9932)),
        "inputs": ((0.9979, 0.9969), (0.9978, 0.9992), (0.9978, 0.9991)),
        "kernels": ((0.9804, 0.9887), (0.9924, 0.9971), (0.9914, 0.9994)),
        "stride": ((0.9999, 0.9951), (0.9999, 0.9998), (0.9999, 0.9999)),
        "(all)": ((0.9419, 0.9752), (0.9799, 0.9961), (0.9796, 0.9940)),
    },
    "eyeriss": {
        "d": ((0.9643, 0.9940), (0.9754, 0.9900), (0.9755, 0.9884)),
        "inputs": ((0.9923, 0.9621), (0.9628, 0.9895), (0.9628, 0.9894)),
        "kernels": ((0.9990, 0.9990), (0.9879, 0.9958), (0.9864, 0.9964)),
        "stride": ((1.0000, 0.9999), (0.9999, 0.9991), (0.9999, 0.9988)),
        "(all)": ((0.9682, 0.9759), (0.9780, 0.9864), (0.9774, 0.9827)),
    },
}
PER_MAC = {"simba": (3.606, 1.698, 0.9685, 0.6684, 0.5152),
           "eyeriss": (11.07, 7.422, 5.383, 4.536, 3.986)}


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
@unittest.skipUnless(HAVE_CLI, "the command-line tool is not built (ECNN_CLI unset)")
@unittest.skipUnless(os.path.isfile(os.path.join(VALIDATION_DIR, "simba_sweeps.csv")),
                     "the published Timeloop data are not beside the repository")
class DocumentedFigures(unittest.TestCase):
    def check(self, arch):
        path = os.path.join(VALIDATION_DIR, f"{arch}_sweeps.csv")
        status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--group-by",
                                    "sweep", "--capacity", "65536", "--quantity", "data",
                                    "--arch", f"{arch}_like", "--ecnn", CLI, "--format",
                                    "json"])
        self.assertEqual(status, 0, err)
        doc = json.loads(out)
        for g in doc["groups"]:
            for model, want in zip(("hierarchy", "two_level", "macs"),
                                   DOCUMENTED[arch][g["group"]]):
                with self.subTest(arch=arch, group=g["group"], model=model):
                    self.assertAlmostEqual(g[model]["linear"]["r2"], want[0], delta=5.001e-5)
                    self.assertAlmostEqual(g[model]["loglog"]["r2"], want[1], delta=5.001e-5)
        got = [r["hierarchy"] for r in doc["per_mac"]["rows"]]
        for g, w in zip(got, PER_MAC[arch]):
            self.assertAlmostEqual(g / w, 1, delta=6e-4)

    def test_simba(self):
        self.check("simba")

    def test_eyeriss(self):
        self.check("eyeriss")


if __name__ == "__main__":
    unittest.main()
