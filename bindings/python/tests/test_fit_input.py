"""What ecnn.fit refuses, and the memory description file.

- CSV files: a missing column, a row with the wrong number of fields, a
  layer value or a measured energy that is not a number of the right kind,
  a layer the library refuses: each is refused, naming the line (the
  header is line 1) and the data row, and the command exits with status 1.
- Memory files: ecnn.memfile reads what the command-line tool reads
  (tools/ecnn/memfile.c), refuses what it refuses with "file:line:", and
  a written file reads back exactly through ecnn.Memory.from_file(); when
  meson built the tool (ECNN_CLI), `ecnn layer --memory FILE` takes the
  same files, reads the same values and refuses the same mistakes.
"""
import json
import os
import subprocess
import unittest

import ecnn
from _fit_support import (CLI, HAVE_FIT, SWEEP_HEADER, WHY_NOT, TempDir, fit, run_fit,
                          write)

GOOD_ROWS = [
    "d,8,1,3,8,11,11,55,55,4,4,1,1,56142965.98,4926403.68,51216562.30",
    "d,16,1,3,16,11,11,55,55,4,4,1,1,97206378.77,9852807.36,87353571.41",
    "d,24,1,3,24,11,11,55,55,4,4,1,1,151011779.87,14779211.04,136232568.83",
]


def sweep_csv(*rows, header=SWEEP_HEADER):
    return "\n".join([header, *rows]) + "\n"


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class CsvRefusals(unittest.TestCase):
    def refused(self, text, pattern, measured="timeloop_data_pJ", group_by=None):
        with self.assertRaises(fit.DataError) as cm:
            fit.parse_csv(text, measured, group_by, path="layers.csv")
        self.assertRegex(str(cm.exception), pattern)
        return str(cm.exception)

    def test_good_file(self):
        rows = fit.parse_csv(sweep_csv(*GOOD_ROWS), "timeloop_data_pJ", "sweep")
        self.assertEqual([r.line for r in rows], [2, 3, 4])
        self.assertEqual([r.index for r in rows], [1, 2, 3])
        # No padding: H = (P - 1) * stride + (R - 1) * dilation + 1.
        self.assertEqual(rows[0].layer["H"], 54 * 4 + 11)
        self.assertEqual(rows[0].layer["K"], 8)
        self.assertEqual(rows[2].measured, 136232568.83)
        self.assertEqual(rows[1].group, "d")

    def test_missing_columns(self):
        header = SWEEP_HEADER.replace(",P,Q,", ",")
        rows = [",".join(r.split(",")[:7] + r.split(",")[9:]) for r in GOOD_ROWS]
        msg = self.refused(sweep_csv(*rows, header=header), r"^layers\.csv:1: missing columns P, Q")
        self.assertIn("C K R S P Q", msg)
        self.refused(sweep_csv(*GOOD_ROWS), r"^layers\.csv:1: missing column energy_pJ \(",
                     measured="energy_pJ")
        self.refused(sweep_csv(*GOOD_ROWS), r"^layers\.csv:1: missing column arch ",
                     group_by="arch")

    def test_optional_columns_default_to_one(self):
        rows = fit.parse_csv("C,K,R,S,P,Q,e\n3,8,3,3,10,10,5.5\n", "e")
        self.assertEqual(rows[0].layer["H"], 12)
        self.assertEqual((rows[0].layer["N"], rows[0].layer["stride_h"]), (1, 1))

    def test_wrong_number_of_fields(self):
        short = GOOD_ROWS[1].rsplit(",", 1)[0]
        self.refused(sweep_csv(GOOD_ROWS[0], short, GOOD_ROWS[2]),
                     r"^layers\.csv:3: row 2: 15 fields, the header has 16")
        self.refused(sweep_csv(GOOD_ROWS[0], GOOD_ROWS[1] + ",7"),
                     r"^layers\.csv:3: row 2: 17 fields, the header has 16")

    def test_bad_layer_values(self):
        for value, reason in (("abc", "'abc' is not a whole number"),
                              ("5.5", "'5.5' is not a whole number"),
                              ("", "'' is not a whole number"),
                              ("0", "0 is not >= 1"), ("-3", "-3 is not >= 1")):
            with self.subTest(value=value):
                fields = GOOD_ROWS[2].split(",")
                fields[4] = value  # K
                self.refused(sweep_csv(*GOOD_ROWS[:2], ",".join(fields)),
                             rf"^layers\.csv:4: row 3: column K: {reason}")

    def test_bad_measured_energies(self):
        for value, reason in (("n/a", "'n/a' is not a number"), ("", "'' is not a number"),
                              ("-5", "-5 is not a positive finite energy"),
                              ("0", "0 is not a positive"), ("nan", "nan is not a positive"),
                              ("inf", "inf is not a positive")):
            with self.subTest(value=value):
                fields = GOOD_ROWS[0].split(",")
                fields[-1] = value
                self.refused(sweep_csv(",".join(fields), *GOOD_ROWS[1:]),
                             rf"^layers\.csv:2: row 1: column timeloop_data_pJ: {reason}")

    def test_layer_the_library_refuses(self):
        # G = 2 does not divide C = 3.
        self.refused("C,K,G,R,S,P,Q,e\n4,8,2,3,3,5,5,1\n3,8,2,3,3,5,5,1\n", "e",
                     r"^layers\.csv:3: row 2: the library refuses the layer: .*C = 3 is not "
                     r"divisible by G = 2")

    def test_row_numbers_count_data_rows_and_lines_count_lines(self):
        text = sweep_csv(GOOD_ROWS[0], "", GOOD_ROWS[1], "d,32,1,3,x,11,11,55,55,4,4,1,1,1,1,1")
        self.refused(text, r"^layers\.csv:5: row 3: column K: 'x'")

    def test_empty_and_header_only(self):
        self.refused("", r"^layers\.csv: empty file")
        self.refused(SWEEP_HEADER + "\n\n", r"^layers\.csv: no data rows")
        self.refused("C,C,K,R,S,P,Q,e\n", r"column 'C' appears twice")

    def test_command_line_exit_status_and_message(self):
        with TempDir() as tmp:
            fields = GOOD_ROWS[1].split(",")
            fields[7] = "fifty"
            path = write(tmp, "bad.csv", sweep_csv(GOOD_ROWS[0], ",".join(fields)))
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ"])
            self.assertEqual(status, 1)
            self.assertEqual(out, "")
            self.assertEqual(err.strip(), f"ecnn.fit: {path}:3: row 2: column P: 'fifty' is not "
                                          "a whole number")
            status, _, err = run_fit([path])  # --measured is required
            self.assertEqual(status, 2)
            self.assertIn("--measured", err)
            status, _, err = run_fit([os.path.join(tmp, "none.csv"), "--measured", "e"])
            self.assertEqual(status, 1)
            self.assertIn("none.csv: cannot open", err)


@unittest.skipUnless(HAVE_FIT, WHY_NOT)
class CommandLine(unittest.TestCase):
    def test_text_json_and_plot(self):
        rows = GOOD_ROWS + ["d,32,1,3,32,11,11,55,55,4,4,1,1,196613062.99,19705614.72,176907448.27",
                            "k,3,1,3,64,3,3,57,57,4,4,1,1,53426443.67,3148483.74,50277959.93",
                            "k,5,1,3,64,5,5,56,56,4,4,1,1,117136495.47,8441610.24,108694885.23",
                            "k,7,1,3,64,7,7,56,56,4,4,1,1,199878228.37,16545556.07,183332672.30"]
        with TempDir() as tmp:
            path = write(tmp, "sweeps.csv", sweep_csv(*rows))
            svg = os.path.join(tmp, "plot.svg")
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--group-by",
                                        "sweep", "--plot", svg, "--components", "dram,mac",
                                        "--policy", "os", "--capacity", "64Ki"])
            self.assertEqual(status, 0, err)
            for text in ("== d (n = 4)", "== k (n = 3)", "== (all) (n = 7)", "R^2 = ",
                         "log-log:", "Spearman rank correlation", "median / p95",
                         "MACs, log-log", "does the model explain what the MACs do not?",
                         "components: measured = a + b1 DRAM words + b2 MACs"):
                self.assertIn(text, out)
            with open(svg, encoding="utf-8") as f:
                image = f.read()
            self.assertIn("<svg", image)
            self.assertIn("measured: timeloop_data_pJ", image)  # the axis label, as text
            status, out, err = run_fit([path, "--measured", "timeloop_data_pJ", "--group-by",
                                        "sweep", "--format", "json", "--quantity", "data"])
            self.assertEqual(status, 0, err)
            doc = json.loads(out)
            self.assertEqual([g["group"] for g in doc["groups"]], ["d", "k", "(all)"])
            self.assertEqual(doc["quantity"], "data")
            self.assertEqual(len(doc["model"]), 7)
            self.assertGreater(doc["groups"][0]["linear"]["r2"], 0.9)
            self.assertEqual(doc["orders"][0], "NGKPQCRS")

    def test_bad_options(self):
        with TempDir() as tmp:
            path = write(tmp, "sweeps.csv", sweep_csv(*GOOD_ROWS))
            base = [path, "--measured", "timeloop_data_pJ"]
            for extra, message in ((["--policy", "zz"], "--policy: 'zz' is not one of"),
                                   (["--components", "dram,flops"], "--components:"),
                                   (["--capacity", "12q"], "is not a size"),
                                   (["--memory", os.path.join(tmp, "none.mem")], "cannot open")):
                with self.subTest(extra=extra):
                    status, _, err = run_fit(base + extra)
                    self.assertEqual(status, 1)
                    self.assertIn(message, err)
            status, _, err = run_fit(base + ["--fix", "dram=3"])
            self.assertEqual(status, 2)
            self.assertIn("KEY one of dram_read", err)


# Memory files: (text, None) accepted, or (text, (line, reason regex)) refused.
MEMORY_CASES = [
    ("capacity = 64Ki\ndram_read = 150\n", None),
    ("# only a comment\n\n   \n", None),
    ("CAPACITY=1k # one thousand words\nMac = 2.5e-1\n", None),
    ("word_bytes = 2\ncapacity = 128KiB\npartition_i = 1Ki\npartition_w = 2KiB\npartition_o=8w\n",
     None),
    ("choose_partition = yes\ncapacity = 4096\n", None),
    ("buf_read = .5\nbuf_write = 6.\ndram_write = +3\n", None),
    ("capacity = 1M\n", None),
    ("mac = 0x1p-2\nbuf_read = 0X1.8P3\n", None),
    ("dram_write = 1e-400\n", None),  # underflows to 0: finite, accepted
    ("dram_write = 1e-310\n", None),  # subnormal: finite, accepted
    ("dram_write = 2.5e-308\n", None),
    ("capacity = \u0664\u0662\n", (1, "is not a size")),  # Arabic-Indic digits
    ("dram_write = 1_000\n", (1, "is not a finite number")),
    ("capacity 65536\n", (1, "expected 'key = value', got 'capacity 65536'")),
    ("\ncapacity =\n", (2, "capacity: no value")),
    ("dram_read = 1\nsram_read = 2\n", (2, "unknown key 'sram_read'")),
    ("mac = 1\nMAC = 2\n", (2, "key 'MAC' given twice")),
    ("capacity = -5\n", (1, "is not a size")),
    ("capacity = 64Kb\n", (1, "is not a size")),
    ("capacity = 64i\n", (1, "is not a size")),
    ("capacity = 99999999999999999999\n", (1, "is too large")),
    ("capacity = 128KiB\n", (1, "bytes given but no word size")),
    ("word_bytes = 3\ncapacity = 1KiB\n", (2, "1024 bytes is not a whole number of 3-byte words")),
    ("dram_read = -1\n", (1, "is negative")),
    ("dram_read = inf\n", (1, "is not a finite number")),
    ("dram_read = nan\n", (1, "is not a finite number")),
    ("dram_read = 1e999\n", (1, "is not a finite number")),
    ("dram_read = 1,5\n", (1, "is not a finite number")),
    ("word_bytes = 0\n", (1, "below the minimum 1")),
    ("choose_partition = maybe\n", (1, "'maybe' is not one of")),
]


def cli_memory(path):
    """`ecnn layer --memory path` on a small layer: (exit status, the memory
    it read as JSON or None, stderr)."""
    run = subprocess.run([CLI, "layer", "--memory", path, "--C", "2", "--K", "4", "--size", "6",
                          "--kernel", "3", "--policy", "os", "--format", "json"],
                         capture_output=True, text=True)
    memory = json.loads(run.stdout)["memory"] if run.returncode == 0 else None
    return run.returncode, memory, run.stderr


class MemoryFiles(unittest.TestCase):
    def test_cases(self):
        with TempDir() as tmp:
            for i, (text, refusal) in enumerate(MEMORY_CASES):
                with self.subTest(text=text):
                    path = write(tmp, f"case{i}.mem", text)
                    if refusal is None:
                        params = ecnn.memfile.load(path)
                        with ecnn.Memory.from_file(path) as memory:
                            for key, value in params.items():
                                self.assertEqual(getattr(memory, key), value, key)
                    else:
                        line, reason = refusal
                        with self.assertRaises(ecnn.MemoryFileError) as cm:
                            ecnn.Memory.from_file(path)
                        self.assertEqual(cm.exception.line, line)
                        self.assertRegex(str(cm.exception), rf"^{path}:{line}: .*{reason}")
                        self.assertIsInstance(cm.exception, ValueError)

    def test_values_read(self):
        with TempDir() as tmp:
            path = write(tmp, "m.mem", MEMORY_CASES[3][0])
            with ecnn.Memory.from_file(path) as m:
                self.assertEqual((m.capacity, m.partition_I, m.partition_W, m.partition_O),
                                 (65536, 1024, 1024, 8))
                self.assertEqual((m.dram_read, m.mac), (200, 1))  # defaults kept
            path = write(tmp, "n.mem", MEMORY_CASES[2][0])
            with ecnn.Memory.from_file(path) as m:
                self.assertEqual((m.capacity, m.mac), (1000, 0.25))

    def test_missing_file(self):
        with self.assertRaisesRegex(ecnn.MemoryFileError, "none.mem: cannot open"):
            ecnn.Memory.from_file("/nonexistent/none.mem")

    def test_round_trip(self):
        params = {"capacity": 12345, "partition_I": 0, "partition_W": 0, "partition_O": 0,
                  "choose_partition": False, "dram_read": 0.1, "dram_write": 1 / 3,
                  "buf_read": 1e-7, "buf_write": 123456.789, "mac": 0.0}
        with TempDir() as tmp:
            path = os.path.join(tmp, "round.mem")
            ecnn.memfile.write(path, params, comments=["written by a test", "two lines"])
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertTrue(text.startswith("# written by a test\n# two lines\n"))
            with ecnn.Memory.from_file(path) as memory:
                self.assertEqual(memory.params, params)  # floats exactly
            partitioned = dict(params, partition_I=100, partition_W=200, partition_O=300)
            ecnn.memfile.write(path, partitioned)
            with ecnn.Memory.from_file(path) as memory:
                self.assertEqual(memory.params, partitioned)

    @unittest.skipUnless(CLI and os.access(CLI, os.X_OK),
                         "the command-line tool is not built (ECNN_CLI unset)")
    def test_the_command_line_tool_reads_the_same(self):
        with TempDir() as tmp:
            params = {"capacity": 4096, "partition_I": 0, "partition_W": 0, "partition_O": 0,
                      "choose_partition": False, "dram_read": 52.022906296656565,
                      "dram_write": 1 / 3, "buf_read": 1e-7, "buf_write": 6.0, "mac": 0.0}
            path = os.path.join(tmp, "written.mem")
            ecnn.memfile.write(path, params, comments=["calibrated, say"])
            status, memory, err = cli_memory(path)
            self.assertEqual(status, 0, err)
            self.assertEqual(memory["capacity"], 4096)
            self.assertEqual(memory["energy"], {k: params[k] for k in ecnn.memfile.ENERGY_KEYS})
            for i, (text, refusal) in enumerate(MEMORY_CASES):
                with self.subTest(text=text):
                    path = write(tmp, f"case{i}.mem", text)
                    status, memory, err = cli_memory(path)
                    if refusal is None:
                        self.assertEqual(status, 0, err)
                        with ecnn.Memory.from_file(path) as m:
                            self.assertEqual(memory["capacity"], m.capacity)
                            self.assertEqual([memory["partition_" + t] for t in "iwo"],
                                             [m.partition_I, m.partition_W, m.partition_O])
                            self.assertEqual(memory["choose_partition"], m.choose_partition)
                            self.assertEqual(memory["energy"],
                                             {k: getattr(m, k) for k in ecnn.memfile.ENERGY_KEYS})
                    else:
                        self.assertNotEqual(status, 0, f"the tool took {text!r}")
                        self.assertIn(f"{path}:{refusal[0]}:", err)


if __name__ == "__main__":
    unittest.main()
