#!/usr/bin/python3
"""Benchmark: importing an ONNX model and evaluating every layer with the
optimal dataflow, end to end (`ecnn net FILE.onnx`, a process per run),
against the same layers from the zoo (`ecnn net NAME`), so that the import's
share shows. Graphs from tests/cli/onnx_graphs.py; ResNet-50 also with its
weights embedded in the file (102 MB of zeros), which the pre-pass of
tools/ecnn/onnx_strip.c keeps from protobuf-c (docs/onnx.md).

Usage: bench_onnx.py ECNN_TOOL [RUNS]   (default 11 runs; medians and maxima)
Targets (issue 12), at batch 1 with the weights external: ResNet-50 under
0.2 s, BERT-base under 0.5 s; ResNet-50 with its weights embedded under
0.2 s too (they are never read)."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
from onnx_graphs import bert, mobilenet_v2, resnet50, vit  # noqa: E402

tool = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11


def timed(args):
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        p = subprocess.run([tool] + args, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"ecnn {' '.join(args)}: exit {p.returncode}: {p.stderr}")
        if i:  # the first run warms the page cache
            times.append(elapsed)
    return statistics.median(times), max(times)


with tempfile.TemporaryDirectory() as tmp:
    models = [("resnet50", lambda p: resnet50(p), "resnet50", 0.2),
              ("resnet50 (weights embedded)", lambda p: resnet50(p, embed=True), "resnet50", 0.2),
              ("mobilenet_v2", mobilenet_v2, "mobilenet_v2", None),
              ("bert_base_128", lambda p: bert(p, 128), "bert_base_128", 0.5),
              ("bert_base_512", lambda p: bert(p, 512), "bert_base_512", 0.5),
              ("vit_b16", vit, "vit_b16", None)]
    print(f"{'model':30} {'batch':>5} {'file MB':>8} {'onnx median':>12} {'max':>8} "
          f"{'zoo median':>11} {'max':>8}  target")
    fails = 0
    for i, (label, build, zoo, target) in enumerate(models):
        path = os.path.join(tmp, f"m{i}.onnx")
        build(path)
        size = os.path.getsize(path) / 1e6
        for batch in ("1", "8"):
            om, ox = timed(["net", path, "--batch", batch])
            zm, zx = timed(["net", zoo, "--batch", batch])
            # The targets are for batch 1 (the batch-8 search alone takes longer).
            verdict = "" if target is None or batch != "1" else ("ok" if om < target else "OVER") + f" < {target} s"
            fails += verdict.startswith("OVER")
            print(f"{label:30} {batch:>5} {size:8.2f} {om * 1000:10.1f} ms {ox * 1000:6.1f} ms "
                  f"{zm * 1000:9.1f} ms {zx * 1000:6.1f} ms  {verdict}")
    print(f"{runs} runs each after a warm-up; times of the whole process (import, optimal search "
          f"on every layer, output).")
    sys.exit(1 if fails else 0)
