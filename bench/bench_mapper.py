#!/usr/bin/env python3
"""Speed of the mapper (docs/mapper.md, "Speed"): the search on every row of
../shared/validation/multilevel/*/timeloop_mapper.csv (18 layers per
architecture, Timeloop's two constraint files, which the presets ship),
timed inside the process by `ecnn net FILE --arch A --format csv` (its ms
column: ec_evaluate() alone, no process start or file reading). Prints, per
architecture, the median and maximum over the 18 layers of each layer's
median over REPEATS runs; then `ecnn net resnet50 --arch simba_like` (and
eyeriss_like) as whole processes, median of REPEATS wall times.

usage: bench_mapper.py ECNN VALIDATION_DIR [REPEATS]"""
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    tool, validation = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    tmp = tempfile.mkdtemp(prefix="ecnn-bench-mapper-")
    print(f"ecnn mapper benchmark, {repeats} runs per figure (the machine may be shared: "
          "figures are upper bounds of the unloaded ones)")
    for arch in ("eyeriss_like", "simba_like"):
        with open(os.path.join(validation, "multilevel", arch, "timeloop_mapper.csv")) as f:
            rows = list(csv.DictReader(f))
        net = os.path.join(tmp, arch + ".csv")
        with open(net, "w") as f:
            f.write("layer,C,K,G,H,W,R,S,stride,pad\n")
            for r in rows:
                st, R, S, P, Q = (int(r[k]) for k in ("Hstride", "R", "S", "P", "Q"))
                f.write(f"{r['layer']},{r['C']},{r['K']},1,{(P - 1) * st + R},{(Q - 1) * st + S},"
                        f"{R},{S},{st},0\n")
        times = {}
        for _ in range(repeats):
            out = subprocess.run([tool, "net", net, "--arch", arch, "--format", "csv"],
                                 capture_output=True, text=True, check=True).stdout
            for r in csv.DictReader(out.splitlines()):
                if r["layer"] != "total":
                    times.setdefault(r["layer"], []).append(float(r["ms"]))
        per = {k: statistics.median(v) for k, v in times.items()}
        slow = max(per, key=per.get)
        print(f"{arch:13s} search per layer over {len(per)} layers: median "
              f"{statistics.median(per.values()):.1f} ms, max {per[slow]:.1f} ms ({slow})")
    for arch in ("simba_like", "eyeriss_like"):
        walls = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([tool, "net", "resnet50", "--arch", arch], capture_output=True, check=True)
            walls.append(time.perf_counter() - t)
        print(f"ecnn net resnet50 --arch {arch}: median {statistics.median(walls):.2f} s, "
              f"max {max(walls):.2f} s (whole process)")


main()
