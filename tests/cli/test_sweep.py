"""ecnn sweep: every point of a layer sweep and of a network sweep against
the library's figures at that capacity (cli_reference), CSV against JSON,
the order bound <= optimal <= every named policy, and the SVG plot: a
well-formed XML document (xmllint --noout) with the title, the axes'
labels, a line and a legend entry per series."""
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from cli_common import check, finish, layer, layer_flags, ok, reference, refuses, tool_csv, tool_json

XMLLINT = os.environ.get("XMLLINT", "")
SVG_NS = "{http://www.w3.org/2000/svg}"


def ref_point(v, cap, mode, **opts):
    if mode == "best":
        rs = [reference(v, policy=p, cap=cap, **opts) for p in ("os", "ws", "is")]
        return min(rs, key=lambda r: r["energy"][0])
    return reference(v, policy=mode, cap=cap, **opts)


# 1. One layer, 256 to 64Ki words, all five policies, refetch.
v = layer(C=64, K=96, H=30, R=3, stride=1, pad=1)
args = ["sweep"] + layer_flags(v) + ["--from", "256", "--to", "64Ki", "--reuse", "refetch",
                                     "--policies", "os,ws,is,optimal,best"]
d = tool_json(args)
caps = [256 << i for i in range(9)]
if d is not None:
    check(d["subject"]["kind"] == "layer", "layer sweep: subject.kind")
    check([p["capacity"] for p in d["points"]] == caps, f"layer sweep: capacities {[p['capacity'] for p in d['points']]}")
    check(d["policies"] == ["os", "ws", "is", "optimal", "best"], "layer sweep: policies")
    for p in d["points"]:
        cap = p["capacity"]
        for mode in d["policies"]:
            r = ref_point(v, cap, mode, reuse="refetch")
            check(p["energy"][mode] == r["energy"][0], f"layer sweep M={cap} {mode}: energy {p['energy'][mode]} vs {r['energy'][0]}")
            check(p["dram"][mode] == r["dram_total"], f"layer sweep M={cap} {mode}: DRAM")
        b = reference(v, cap=cap, bound_only=1)
        check(p["energy"]["bound"] == b["bound_energy"], f"layer sweep M={cap}: bound energy")
        check(p["dram"]["bound"] == b["bound"][6], f"layer sweep M={cap}: bound transfers")
rows = tool_csv(args)
if rows is not None and d is not None:
    check(len(rows) == len(d["points"]), "layer sweep CSV: one row a point")
    for row, p in zip(rows, d["points"]):
        check(int(row["capacity"]) == p["capacity"], "layer sweep CSV: capacity")
        for k in d["policies"] + ["bound"]:
            check(float(row["energy_" + k]) == p["energy"][k], f"layer sweep CSV: energy_{k}")
            check(int(row["dram_" + k]) == p["dram"][k], f"layer sweep CSV: dram_{k}")

# 2. A network: every point is the sum over its layers (integers here, so
#    exact); bound <= optimal <= os, ws, is.
d = tool_json(["sweep", "alexnet", "--from", "1Ki", "--to", "16Ki"])
net = tool_json(["net", "alexnet", "--policy", "os"])
if d is not None and net is not None:
    shapes = [[row["shape"][k] for k in ("N", "C", "K", "G", "H", "W", "R", "S", "stride_h",
                                          "stride_w", "dilation_h", "dilation_w", "pad_top",
                                          "pad_bottom", "pad_left", "pad_right")] for row in net["layers"]]
    check(d["policies"] == ["os", "ws", "is", "optimal"], "network sweep: default policies")
    check([p["capacity"] for p in d["points"]] == [1024, 2048, 4096, 8192, 16384], "network sweep: capacities")
    for p in d["points"]:
        cap = p["capacity"]
        for mode in d["policies"]:
            e = sum(reference(s, policy=mode, cap=cap)["energy"][0] for s in shapes)
            check(p["energy"][mode] == e, f"alexnet sweep M={cap} {mode}: {p['energy'][mode]} vs {e}")
        eb = sum(reference(s, cap=cap, bound_only=1)["bound_energy"] for s in shapes)
        check(p["energy"]["bound"] == eb, f"alexnet sweep M={cap}: bound")
        e = p["energy"]
        check(e["bound"] <= e["optimal"] <= min(e["os"], e["ws"], e["is"]),
              f"alexnet sweep M={cap}: bound <= optimal <= os, ws, is: {e}")

# 3. The SVG plot.
with tempfile.TemporaryDirectory() as tmp:
    svg = os.path.join(tmp, "plot.svg")
    out = ok(["sweep", "resnet18", "--from", "1Ki", "--to", "1Mi", "--svg", svg,
              "--title", "ResNet-18 <&> \"energy\""])
    check(out is not None and "M (words)" in out, "sweep table output")
    if check(os.path.exists(svg), "--svg wrote the file"):
        if XMLLINT:
            p = subprocess.run([XMLLINT, "--noout", svg], capture_output=True, text=True)
            check(p.returncode == 0, f"xmllint --noout {svg}: {p.stderr}")
        else:
            print("note: xmllint not found, the SVG is checked with Python's parser only")
        try:
            root = ET.parse(svg).getroot()
        except ET.ParseError as e:
            root = None
            check(False, f"SVG does not parse: {e}")
        if root is not None:
            check(root.tag == SVG_NS + "svg", f"SVG root is {root.tag}")
            texts = ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]
            check("ResNet-18 <&> \"energy\"" in texts, "SVG: the title, escaped and read back")
            check("Buffer capacity M (words)" in texts, "SVG: the x axis label")
            check(any(t.startswith("energy") for t in texts), "SVG: the y axis label")
            for label in ("os", "ws", "is", "optimal", "lower bound"):
                check(label in texts, f"SVG: legend entry {label}")
            check(len(list(root.iter(SVG_NS + "polyline"))) >= 5, "SVG: a line per series")
            check(any(t in texts for t in ("1Ki", "4Ki", "16Ki", "64Ki", "256Ki", "1Mi")), "SVG: x tick labels")
    refuses(["sweep", "alexnet", "--svg", os.path.join(tmp, "no", "such", "dir.svg")], 1, "--svg", "cannot create")

# 4. Refusals.
refuses(["sweep", "alexnet", "--capacity", "4Ki"], 2, "--capacity", "--from")
refuses(["sweep", "alexnet", "--from", "8Ki", "--to", "1Ki"], 2, "--from")
refuses(["sweep", "alexnet", "--C", "3"], 2, "not both")
refuses(["sweep"], 2, "what to sweep")
refuses(["sweep", "alexnet", "--policies", "os,xx"], 2, "--policies", "'xx'")
refuses(["sweep", "alexnet", "--policies", "os,os"], 2, "--policies", "twice")
refuses(["sweep", "alexnet", "--policy", "os"], 2, "--policy")
refuses(["sweep", "alexnet", "--partition", "1Ki,1Ki,1Ki"], 2, "partition")
d = tool_json(["sweep", "--C", "3", "--batch", "2", "--from", "1Ki", "--to", "1Ki"])
check(d is not None and d["subject"]["layer"]["N"] == 2 and d["subject"]["batch"] == 2, "sweep --batch of a layer")
refuses(["sweep", "alexnet", "--from", "1KiB"], 2, "--from", "--word-bytes")

finish("cli-sweep")
