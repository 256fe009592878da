#!/usr/bin/env python3
"""Turns the output of bench_search and bench_evaluate into the README's
performance section (markdown on standard output), so that the table is
regenerated from a run, never typed in.

Usage: bench/perf_table.py SEARCH_OUTPUT EVALUATE_OUTPUT
"""
import re
import sys


def main(search_path, evaluate_path):
    search = open(search_path, encoding="utf-8").read().splitlines()
    evaluate = open(evaluate_path, encoding="utf-8").read().splitlines()
    out = []
    out.append("`EC_POLICY_OPTIMAL`, CPU time per layer in ms, median / max over the "
               "distinct layers of each network:")
    for i, line in enumerate(search):
        m = re.match(r"^(\S+) \((\d+) distinct layers\): EC_POLICY_OPTIMAL$", line)
        if m:
            out.append("")
            out.append(f"{m.group(1)} ({m.group(2)} distinct layers):")
            out.append("")
            j = i + 1
            while j < len(search) and search[j].startswith("|"):
                out.append(search[j])
                j += 1
    out.append("")
    out.append("| what | median | max |")
    out.append("|---|---|---|")
    for line in search + evaluate:
        m = re.match(r"^(.*?)\s+median\s+([\d.]+) (\S+)\s+min\s+[\d.]+ \S+\s+max\s+([\d.]+) (\S+)$",
                     line)
        if m:
            out.append(f"| {m.group(1).strip()} | {m.group(2)} {m.group(3)} | "
                       f"{m.group(4)} {m.group(5)} |")
    for line in search:
        m = re.match(r"^(\S+): named policies \(OS, WS, IS\), worst layer over the grid: "
                     r"([\d.]+) ms$", line)
        if m:
            out.append(f"| named policies, {m.group(1)}, worst layer of the grid | | {m.group(2)} ms |")
        m = re.match(r"^(C = K = 4096.*optimal): ([\d.]+) s$", line)
        if m:
            out.append(f"| {m.group(1)} | | {m.group(2)} s |")
        m = re.match(r"^named policies, cells over 1 ms: (\d+) of (\d+) (.*)$", line)
        if m:
            out.append(f"| named policies, cells over 1 ms {m.group(3)} | | "
                       f"{m.group(1)} of {m.group(2)} |")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
