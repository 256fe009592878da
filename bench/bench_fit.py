#!/usr/bin/env python3
"""Speed of python3 -m ecnn.fit on a large file (issue 14, item 4: a
9,000-row fit in under 30 s).

The external 9,116-row Simba set is not in the repository, so this builds
one of the same size from the published sweeps (../shared/validation):
each row is a sweep row's layer with C, K, P, R and stride redrawn (seeded)
from ranges of real networks, its measured energy the source row's energy
per MAC times the new layer's MACs with 10 % log-normal noise; then
--duplicates of those rows are repeated verbatim (the external set had
1,000). It prints:

- the model's evaluation time per distinct layer (optimal policy, M =
  65,536): median, maximum and mean over a sample of the distinct layers,
  and the mean times the number of distinct layers;
- the wall-clock and CPU time of the whole default fit (baselines, nested
  tests, 1,000 bootstrap resamples per R^2) with --jobs 1 and with the
  default processes, and how many distinct layers were evaluated.

    ECNN_LIBRARY=build/libecnn.so.0 PYTHONPATH=bindings/python \\
        python3 bench/bench_fit.py [--rows 9116] [--duplicates 1000] [--sample 200]
"""
import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATION = os.environ.get("ECNN_VALIDATION_DIR",
                            os.path.join(HERE, "..", "..", "shared", "validation"))


def source_rows():
    rows = []
    for arch in ("simba", "eyeriss"):
        with open(os.path.join(VALIDATION, f"{arch}_sweeps.csv"), newline="") as f:
            for r in csv.DictReader(f):
                r["arch"] = arch
                rows.append(r)
    return rows


def synthetic(path, n, duplicates, seed=1):
    """Write n distinct-ish rows plus `duplicates` copies; return the header."""
    rng = np.random.default_rng(seed)
    src = source_rows()
    header = ["arch", "sweep", "N", "C", "K", "R", "S", "P", "Q", "Hstride", "Wstride",
              "Hdilation", "Wdilation", "energy_pJ"]
    out = []
    for _ in range(n - duplicates):
        r = src[int(rng.integers(len(src)))]
        macs0 = (int(r["C"]) * int(r["K"]) * int(r["R"]) * int(r["S"]) * int(r["P"])
                 * int(r["Q"]))
        per_mac = float(r["timeloop_data_pJ"]) / macs0
        C = int(rng.choice([3, 16, 32, 64, 96, 128, 192, 256, 384, 512]))
        K = int(rng.choice([16, 32, 64, 96, 128, 192, 256, 384, 512]))
        R = int(rng.choice([1, 3, 3, 3, 5, 7, 11]))
        P = int(rng.integers(7, 113))
        s = int(rng.choice([1, 1, 1, 2, 4]))
        macs = C * K * R * R * P * P
        energy = per_mac * macs * float(np.exp(0.1 * rng.standard_normal()))
        out.append([r["arch"], r["sweep"], 1, C, K, R, R, P, P, s, s, 1, 1, f"{energy:.6f}"])
    for _ in range(duplicates):
        out.append(list(out[int(rng.integers(len(out)))]))
    order = rng.permutation(len(out))
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in order:
            w.writerow(out[i])


def per_layer(path, sample):
    """Median and max seconds of one optimal evaluation, over `sample`
    distinct layers of the file (this process, one core)."""
    from ecnn import fit
    rows = fit.read_csv(path, "energy_pJ")
    distinct = {}
    for row in rows:
        distinct.setdefault(fit.layer_key(row), row)
    chosen = list(distinct.values())[:sample]
    times = []
    for row in chosen:
        model = fit.Model({"capacity": 65536}, "optimal", jobs=1)
        t = time.perf_counter()
        model.evaluate_all([row])
        times.append(time.perf_counter() - t)
    return len(distinct), statistics.median(times), max(times), statistics.mean(times)


def whole_fit(path, jobs):
    argv = [sys.executable, "-m", "ecnn.fit", path, "--measured", "energy_pJ", "--group-by",
            "arch", "--capacity", "65536", "--format", "json"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    run = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"bench_fit: the fit failed: {run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=9116)
    p.add_argument("--duplicates", type=int, default=1000)
    p.add_argument("--sample", type=int, default=200)
    p.add_argument("--jobs", type=int, nargs="*", default=[1, 0],
                   help="--jobs values of the whole fit (0: the default)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "large.csv")
        synthetic(path, args.rows, args.duplicates)
        distinct, median, worst, mean = per_layer(path, args.sample)
        print(f"synthetic file: {args.rows} rows, {args.duplicates} duplicates, {distinct} "
              "distinct layers")
        print(f"optimal evaluation per distinct layer (M = 65536, {min(args.sample, distinct)} "
              f"layers): median {median * 1e3:.2f} ms, max {worst * 1e3:.2f} ms, mean "
              f"{mean * 1e3:.2f} ms (x {distinct} distinct layers = {mean * distinct:.0f} s)")
        for jobs in args.jobs:
            wall, cpu = whole_fit(path, jobs)
            print(f"whole default fit, --jobs {jobs or 'default'} ({os.cpu_count()} CPUs): "
                  f"wall {wall:.1f} s, CPU {cpu:.1f} s")


if __name__ == "__main__":
    main()
