"""ecnn layer on hierarchies (--arch, --ert, --mapping): docs/cli.md.

1. Every row of ../shared/validation/multilevel/*/timeloop_mapper.csv: a
   problem file is written from the row's shape, the tool runs with the
   preset architecture and the row's mapping file (Timeloop's own YAML), and
   every count of its CSV output equals Timeloop's (Timeloop prints counts
   per instance: the tool's totals are divided by the level's instances);
   every level energy within 0.1% of Timeloop's (simba_like's PEWeightRegs
   by Timeloop's built-in SRAM model and cluster rule: docs/cli.md), and the
   total.
   Also with the preset's files given explicitly (--arch FILE --ert FILE).
2. JSON and CSV give the same numbers.
3. Bad input: nothing on stdout, exit 1 (2 for usage), a message naming the
   file and line, or the level, tensor and value.
4. An ERT action the table lacks costs Timeloop's built-in SRAM model,
   against a hand computation.
"""
import csv
import io
import json
import os
import tempfile

from cli_common import TOOL, VALIDATION, check, finish, run

PROBLEM = """problem:
  instance:
    C: {C}
    Hdilation: {Hdilation}
    Hstride: {Hstride}
    M: {K}
    N: {N}
    P: {P}
    Q: {Q}
    R: {R}
    S: {S}
    Wdilation: {Wdilation}
    Wstride: {Wstride}
  shape:
    coefficients:
    - default: 1
      name: Wstride
    - default: 1
      name: Hstride
    - default: 1
      name: Wdilation
    - default: 1
      name: Hdilation
    data-spaces:
    - name: Weights
      projection:
      - - - C
      - - - M
      - - - R
      - - - S
    - name: Inputs
      projection:
      - - - N
      - - - C
      - - - R
          - Wdilation
        - - P
          - Wstride
      - - - S
          - Hdilation
        - - Q
          - Hstride
    - name: Outputs
      projection:
      - - - N
      - - - M
      - - - Q
      - - - P
      read-write: true
    dimensions:
    - C
    - M
    - R
    - S
    - N
    - P
    - Q
    name: CNN-Layer
"""

TENSORS = {"I": "Inputs", "W": "Weights", "O": "Outputs"}


def close(a, b):
    return abs(a - b) <= 1e-3 * abs(b) + 1e-6


def problem_file(tmp, row):
    path = os.path.join(tmp, row["layer"] + ".yaml")
    with open(path, "w") as f:
        f.write(PROBLEM.format(**row))
    return path


def check_rows(tmp, arch_dir, explicit):
    base = os.path.join(VALIDATION, "multilevel", arch_dir)
    with open(os.path.join(base, "timeloop_mapper.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 18, f"{arch_dir}: 18 rows, got {len(rows)}")
    for row in rows:
        prob = problem_file(tmp, row)
        mapping = os.path.join(base, "mappings", row["layer"] + ".yaml")
        arch = ["--arch", os.path.join(base, "arch.yaml"), "--ert", os.path.join(base, "ERT.yaml")] \
            if explicit else ["--arch", arch_dir]
        rc, out, err = run(["layer", prob] + arch + ["--mapping", mapping, "--format", "csv"])
        where = f"{arch_dir} {row['layer']}"
        if not check(rc == 0 and err == "", f"{where}: exit {rc}, stderr {err!r}"):
            continue
        levels = {}
        total = 0.0
        for r in csv.DictReader(io.StringIO(out)):
            inst = int(r["instances"])
            name = r["name"]
            levels[name] = float(r["energy"])
            for act in ("reads", "fills", "updates"):
                col = f"{name}_{TENSORS[r['tensor']]}_{act}"
                got = int(r[act])
                if col in row:
                    check(got == int(row[col]) * inst,
                          f"{where}: {col}: {got} / {inst} instances != Timeloop {row[col]}")
                else:
                    check(got == 0, f"{where}: {col} = {got}, Timeloop has no such column")
        for name, e in levels.items():
            total += e
            want = float(row[f"{name}_energy_pJ"])
            check(close(e, want), f"{where}: {name} energy {e} != Timeloop {want}")
        total += float(row["compute_energy_pJ"])  # the MACs: checked by the library test
        check(close(total, float(row["total_energy_pJ"])),
              f"{where}: total energy {total} vs Timeloop {row['total_energy_pJ']}")


def check_json(tmp):
    base = os.path.join(VALIDATION, "multilevel", "eyeriss_like")
    with open(os.path.join(base, "timeloop_mapper.csv")) as f:
        row = next(csv.DictReader(f))
    prob = problem_file(tmp, row)
    args = ["layer", prob, "--arch", "eyeriss_like", "--mapping",
            os.path.join(base, "mappings", row["layer"] + ".yaml")]
    rc1, out1, _ = run(args + ["--format", "json"])
    rc2, out2, _ = run(args + ["--format", "csv"])
    if not check(rc1 == 0 and rc2 == 0, "json/csv runs"):
        return
    doc = json.loads(out1)
    rows = list(csv.DictReader(io.StringIO(out2)))
    for r in rows:
        lv = doc["levels"][int(r["level"])]
        check(lv["name"] == r["name"] and lv["instances"] == int(r["instances"]),
              f"json level {r['level']}")
        for act in ("reads", "fills", "updates"):
            check(lv[r["tensor"]][act] == int(r[act]), f"json {r['name']} {r['tensor']} {act}")
        check(lv["energy"] == float(r["energy"]), f"json {r['name']} energy")
    b = doc["levels"][1]["boundary"]
    check(b is not None and b["bound"] > 0 and b["traffic"] >= b["bound"],
          f"json boundary of level 1: {b}")
    # The hierarchy's flags may come before the problem file, as any flag.
    rc3, out3, err3 = run(["layer", "--arch", "eyeriss_like", "--mapping", args[5], prob,
                           "--format", "json"])
    check(rc3 == 0 and out3 == out1, f"flags before the problem file: same output ({err3.strip()})")


def expect_error(args, code, needles, what):
    rc, out, err = run(args)
    check(rc == code and out == "" and all(n in err for n in needles),
          f"{what}: exit {rc} (want {code}), stdout {out[:80]!r}, stderr {err!r} (want {needles})")


def check_errors(tmp):
    base = os.path.join(VALIDATION, "multilevel", "eyeriss_like")
    with open(os.path.join(base, "timeloop_mapper.csv")) as f:
        row = next(csv.DictReader(f))
    prob = problem_file(tmp, row)
    good = os.path.join(base, "mappings", row["layer"] + ".yaml")
    text = open(good).read()

    def write(name, content):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(content)
        return p

    arch = ["--arch", "eyeriss_like"]
    bad = write("bad_factor.yaml", text.replace("factors: C1 M16 R1", "factors: C1 M8 R1"))
    expect_error(["layer", prob] + arch + ["--mapping", bad], 1,
                 ["factors of K multiply to", "not its extent 96"], "factors not the extent")
    bad = write("bad_spatial.yaml", text.replace("factors: C1 M1 R1 S1 N1 P1 Q11, permutation: QCMRSNP",
                                                 "factors: C1 M1 R1 S1 N1 P1 Q55, permutation: QCMRSNP")
                .replace("C1 M1 R1 S1 N1 P55 Q1", "C1 M1 R1 S1 N1 P55 Q1").replace("M2 R1 S1 N1 P1 Q5", "M2 R1 S1 N1 P1 Q1"))
    expect_error(["layer", prob] + arch + ["--mapping", bad], 1,
                 ["shared_glb", "spatial X factors multiply to 55", "beyond its fanout 14"],
                 "spatial factor beyond the fanout")
    bad = write("bad_capacity.yaml", text.replace("C1 M16 R1 S1 N1 P1 Q1, permutation: MCRSNPQ",
                                                  "C1 M48 R1 S1 N1 P1 Q1, permutation: MCRSNPQ")
                .replace("C1 M3 R1 S1 N1 P55 Q1", "C1 M1 R1 S1 N1 P55 Q1"))
    expect_error(["layer", prob] + arch + ["--mapping", bad], 1,
                 ["level 4 (weights_spad)", "need 528 words", "capacity 192"], "a tile beyond a level's capacity")
    bad = write("bad_target.yaml", text.replace("target: DummyBuffer", "target: NoSuchBuffer", 1))
    expect_error(["layer", prob] + arch + ["--mapping", bad], 1,
                 ["bad_target.yaml:", "'NoSuchBuffer' is not a storage level"], "unknown target")
    bad = write("bad_syntax.yaml", "mapping:\n- target: DRAM\n  type: [temporal\n")
    expect_error(["layer", prob] + arch + ["--mapping", bad], 1,
                 ["bad_syntax.yaml:", "YAML syntax error"], "malformed YAML")
    ert = open(os.path.join(base, "ERT.yaml")).read()
    bad = write("bad_ert.yaml", ert.replace("name: mac_random", "name: mac_unknown", 1))
    expect_error(["layer", prob, "--arch", os.path.join(base, "arch.yaml"), "--ert", bad,
                  "--mapping", good], 1, ["bad_ert.yaml:", "unknown action 'mac_unknown'"],
                 "unknown ERT action")
    archtext = open(os.path.join(base, "arch.yaml")).read()
    bad = write("bad_arch.yaml", archtext.replace("class: regfile", "class: flipflops", 1))
    expect_error(["layer", prob, "--arch", bad, "--ert", os.path.join(base, "ERT.yaml"),
                  "--mapping", good], 1, ["bad_arch.yaml:", "unknown class 'flipflops'"],
                 "unknown architecture class")
    check_ert_fallback(tmp, write)
    expect_error(["layer", prob, "--arch", "no_such_preset", "--mapping", good], 1,
                 ["no_such_preset", "presets: eyeriss_like, simba_like"], "unknown preset")
    # without --mapping the mapper searches (docs/mapper.md, tests/cli/test_mapper.py);
    # without --arch there is no hierarchy
    expect_error(["layer", prob, "--mapping", good], 2, ["--arch"], "no architecture")


def check_ert_fallback(tmp, write):
    """Timeloop's built-in model for an action the ERT lacks (docs/cli.md),
    against a hand computation; cluster and block sizes that do not fit."""
    base = os.path.join(VALIDATION, "multilevel", "simba_like")
    with open(os.path.join(base, "timeloop_mapper.csv")) as f:
        row = next(csv.DictReader(f))
    prob = problem_file(tmp, row)
    mapping = os.path.join(base, "mappings", row["layer"] + ".yaml")
    arch = os.path.join(base, "arch.yaml")
    ert = open(os.path.join(base, "ERT.yaml")).read()
    # PEAccuBuffer's reads become 'access' (not looked up): its reads cost
    # pat::SRAMEnergy of its 128 x 24-bit array, 0.375 KB: (1 + 5/99.5 x
    # (0.375 - 0.5)) x 24/16 pJ, instead of the ERT's 0.237.
    head, sep, rest = ert.partition("System.ws.PE[0..15].PEAccuBuffer[0..3]")
    chunk, sep2, tail = rest.partition("  - name: System")
    bad = write("access_ert.yaml", head + sep + chunk.replace("name: read", "name: access") + sep2 + tail)
    pat = (1 + 5 / 99.5 * (128 * 24 / 8192 - 0.5)) * 24 / 16

    def accu(ert_path):
        rc, out, err = run(["layer", prob, "--arch", arch, "--ert", ert_path, "--mapping", mapping,
                            "--format", "csv"])
        check(rc == 0 and err == "", f"ERT fallback: exit {rc}, stderr {err!r}")
        rs = [r for r in csv.DictReader(io.StringIO(out)) if r["name"] == "PEAccuBuffer"]
        return float(rs[0]["energy"]) if rs else 0.0, sum(int(r["reads"]) for r in rs)
    (e0, reads), (e1, _) = accu(os.path.join(base, "ERT.yaml")), accu(bad)
    check(reads > 0 and close(e1, e0 + reads * (pat - 0.237)),
          f"ERT fallback: PEAccuBuffer {e1} != {e0} + {reads} x ({pat} - 0.237)")
    archtext = open(arch).read()
    bad = write("bad_cluster.yaml", archtext.replace("cluster-size: 64", "cluster-size: 48"))
    expect_error(["layer", prob, "--arch", bad, "--ert", os.path.join(base, "ERT.yaml"),
                  "--mapping", mapping], 1,
                 ["bad_cluster.yaml:", "cluster-size 48 does not divide its 256 instances"],
                 "a cluster size that does not divide the instances")
    bad = write("bad_width.yaml", archtext.replace("block-size: 32", "block-size: 32\n"
                                                   + " " * 16 + "cluster-size: 2", 1))
    expect_error(["layer", prob, "--arch", bad, "--ert", os.path.join(base, "ERT.yaml"),
                  "--mapping", mapping], 1,
                 ["bad_width.yaml:", "block-size 32 x word-bits 8 x cluster-size 2 is not its width 256"],
                 "block x word x cluster not the width")


with tempfile.TemporaryDirectory() as tmp:
    for a in ("eyeriss_like", "simba_like"):
        check_rows(tmp, a, explicit=False)
    check_rows(tmp, "simba_like", explicit=True)
    check_json(tmp)
    check_errors(tmp)
finish("cli-hier")
