#!/usr/bin/env python3
"""docs/bound.md section 14: the DRAM gap table of issue 13.

For each network and Buffer size, runs `ecnn net NET --capacity M --format
json` (the optimal dataflow of every layer) and prints, as a Markdown table,
the total DRAM gap (sum of the best dataflows' DRAM words over the sum of
the bounds) and the worst layer's gap (its DRAM words over its bound), with
that layer's name.

Usage: bench/gap_table.py ECNN [ECNN_BASELINE]
With a second binary (for instance one built from an older commit), each cell
shows baseline -> new, so that it is visible which side moved: the columns
"dram" (the best dataflows' words) and "bound" say whether the dataflows or
the bound changed.
"""
import json
import subprocess
import sys

NETS = [("resnet50", "ResNet-50"), ("vgg16", "VGG-16"), ("mobilenet_v2", "MobileNet-V2")]
CAPS = [("256", 256), ("1Ki", 1024), ("4Ki", 4096), ("16Ki", 16384), ("64Ki", 65536),
        ("256Ki", 262144), ("1Mi", 1048576)]


def measure(ecnn, net, cap):
    out = subprocess.run([ecnn, "net", net, "--capacity", str(cap), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    worst = max(d["layers"], key=lambda l: l["gap"]["dram"])
    tot = d["totals"]
    return {"total": tot["gap"]["dram"], "worst": worst["gap"]["dram"], "layer": worst["name"],
            "dram": tot["dram"]["total"], "bound": tot["bound"]["transfers"]}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    new = sys.argv[1]
    old = sys.argv[2] if len(sys.argv) > 2 else None
    print("| M | " + " | ".join(f"{t} total / worst layer" for _, t in NETS) + " |")
    print("|---|" + "---|" * len(NETS))
    notes = []
    for label, cap in CAPS:
        cells = []
        for net, title in NETS:
            n = measure(new, net, cap)
            cell = f"{n['total']:.2f} / {n['worst']:.2f} ({n['layer']})"
            if old:
                o = measure(old, net, cap)
                cell = f"{o['total']:.2f} / {o['worst']:.2f} -> " + cell
                if o["dram"] != n["dram"]:
                    notes.append(f"{title} at {label}: best dataflows' DRAM {o['dram']} -> {n['dram']}")
                if o["bound"] != n["bound"]:
                    notes.append(f"{title} at {label}: bound {o['bound']} -> {n['bound']}")
            cells.append(cell)
        print(f"| {label} | " + " | ".join(cells) + " |")
    for line in notes:
        print("- " + line)


if __name__ == "__main__":
    main()
