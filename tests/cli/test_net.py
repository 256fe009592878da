"""ecnn net end to end: every layer's row against the library's figures
for the same layer (cli_reference), under the optimal search, the best of
OS/WS/IS and a fixed policy; totals against the sums of the rows; --batch;
CSV against JSON; networks from a directory of Timeloop files, from a list
file and from a network CSV file."""
import os
import tempfile

from cli_common import (PARAMS, VALIDATION, check, finish, macs, reference, refuses, run,
                        tool_csv, tool_json)

REF_CACHE = {}


def ref(v, **opts):
    key = (tuple(v), tuple(sorted(opts.items())))
    if key not in REF_CACHE:
        REF_CACHE[key] = reference(v, **opts)
    return REF_CACHE[key]


def best_of_three(v, **opts):
    best, name = None, None
    for p in ("os", "ws", "is"):
        r = ref(v, policy=p, **opts)
        if best is None or r["energy"][0] < best["energy"][0]:
            best, name = r, p
    return best, name


def shape_of(layer):
    return [layer["shape"][p] for p in PARAMS]


def compare_rows(d, mode, what, **opts):
    """Every row of a `net` JSON document against the library."""
    tot = {"macs": 0, "total": 0, "energy": 0, "bound": 0, "bound_t": 0}
    for row in d["layers"]:
        v = shape_of(row)
        w = f"{what}, layer {row['name']}"
        if mode == "best":
            r, name = best_of_three(v, **opts)
            check(row["policy"] == name, f"{w}: policy {row['policy']}, expected {name}")
        else:
            r = ref(v, policy=mode, **opts)
            check(row["policy"] == mode, f"{w}: policy {row['policy']}")
        check(row["macs"] == r["macs"] == macs(v), f"{w}: MACs {row['macs']}")
        check(row["order"] == r["order"], f"{w}: order {row['order']}, library {r['order']}")
        dram = row["dram"]
        got = [dram["read_I"], dram["read_W"], dram["read_O"], dram["write_O"]]
        want = [r["counts"]["I"][0], r["counts"]["W"][0], r["counts"]["O"][0], r["counts"]["O"][1]]
        check(got == want, f"{w}: DRAM traffic {got}, library {want}")
        check(dram["total"] == r["dram_total"], f"{w}: DRAM total")
        check(row["energy"]["total"] == r["energy"][0], f"{w}: energy {row['energy']['total']}, library {r['energy'][0]}")
        check([row["energy"][k] for k in ("dram", "buffer", "mac")] == r["energy"][1:4], f"{w}: energy parts")
        check(row["bound"]["transfers"] == r["bound"][6], f"{w}: bound transfers")
        check(row["bound"]["energy"] == r["bound_energy"], f"{w}: bound energy")
        check([row["gap"]["dram"], row["gap"]["energy"]] == r["gap"], f"{w}: gap")
        tot["macs"] += r["macs"]
        tot["total"] += r["dram_total"]
        tot["energy"] += r["energy"][0]
        tot["bound"] += r["bound_energy"]
        tot["bound_t"] += r["bound"][6]
    t = d["totals"]
    check(t["layers"] == len(d["layers"]), f"{what}: totals.layers")
    check(t["macs"] == tot["macs"], f"{what}: total MACs {t['macs']} != {tot['macs']}")
    check(t["dram"]["total"] == tot["total"], f"{what}: total DRAM")
    check(abs(t["energy"]["total"] - tot["energy"]) <= 1e-9 * tot["energy"], f"{what}: total energy")
    check(abs(t["bound"]["energy"] - tot["bound"]) <= 1e-9 * tot["bound"], f"{what}: total bound")
    check(t["bound"]["transfers"] == tot["bound_t"], f"{what}: total bound transfers")
    check(abs(t["gap"]["energy"] - tot["energy"] / tot["bound"]) <= 1e-12, f"{what}: total gap")


# Every row of ResNet-50 and MobileNet-V2 under the optimal search (the
# default), AlexNet under the best of three and under ws with options.
d = tool_json(["net", "resnet50"])
if d is not None:
    check(d["dataflow"]["mode"] == "optimal", "net: the optimal search is the default")
    check(len(d["layers"]) == 54, f"resnet50: {len(d['layers'])} layers, expected 54")
    compare_rows(d, "optimal", "resnet50")
d = tool_json(["net", "MobileNet-V2", "--capacity", "16Ki"])
if d is not None:
    compare_rows(d, "optimal", "mobilenet_v2 at 16Ki", cap=16384)
d = tool_json(["net", "alexnet", "--policy", "best"])
if d is not None:
    compare_rows(d, "best", "alexnet best of three")
d = tool_json(["net", "alexnet", "--policy", "ws", "--reuse", "refetch", "--footprint", "bbox",
               "--capacity", "8Ki", "--dram", "100", "--mac", "2"])
if d is not None:
    compare_rows(d, "ws", "alexnet ws", reuse="refetch", footprint="bbox", cap=8192,
                 energy="100,100,6,6,2")

# --batch sets N of every layer.
d = tool_json(["net", "vgg16", "--batch", "4", "--policy", "os"])
if d is not None:
    check(all(row["shape"]["N"] == 4 for row in d["layers"]), "vgg16 --batch 4: N = 4 everywhere")
    check(d["network"]["batch"] == 4, "vgg16 --batch 4: network.batch")
    compare_rows(d, "os", "vgg16 batch 4")

# CSV against JSON: same rows, same numbers; a last row of totals.
rows = tool_csv(["net", "resnet18", "--policy", "is"])
d = tool_json(["net", "resnet18", "--policy", "is"])
if rows is not None and d is not None:
    check(len(rows) == len(d["layers"]) + 1 and rows[-1]["layer"] == "total", "resnet18 CSV: rows + total")
    for row, j in zip(rows, d["layers"]):
        check(row["layer"] == j["name"], f"resnet18 CSV: layer {row['layer']}")
        for p in PARAMS:
            check(int(row[p]) == j["shape"][p], f"resnet18 CSV: {row['layer']} {p}")
        check(int(row["dram_read_I"]) == j["dram"]["read_I"], f"resnet18 CSV: {row['layer']} dram_read_I")
        check(int(row["dram_write_O"]) == j["dram"]["write_O"], f"resnet18 CSV: {row['layer']} dram_write_O")
        check(float(row["energy"]) == j["energy"]["total"], f"resnet18 CSV: {row['layer']} energy")
        check(float(row["bound_energy"]) == j["bound"]["energy"], f"resnet18 CSV: {row['layer']} bound")
        check(float(row["gap_energy"]) == j["gap"]["energy"], f"resnet18 CSV: {row['layer']} gap")
        check(row["order"] == j["order"] and row["policy"] == "is", f"resnet18 CSV: {row['layer']} order")
    check(int(rows[-1]["macs"]) == d["totals"]["macs"], "resnet18 CSV: total MACs")
    check(float(rows[-1]["energy"]) == d["totals"]["energy"]["total"], "resnet18 CSV: total energy")

# The text table's DRAM gap and gap columns: the JSON's gaps, to 3 decimals,
# on a small Buffer where the DRAM gap differs from 1 on most layers.
d = tool_json(["net", "resnet50", "--capacity", "4096"])
rc, out, _ = run(["net", "resnet50", "--capacity", "4096"])
if d is not None and rc == 0:
    head = next(l for l in out.splitlines() if l.startswith("layer "))
    check("DRAM gap" in head and head.rstrip().endswith("gap"), "net table: DRAM gap column")
    rows = {l.split()[0]: l.split() for l in out.splitlines()
            if l and l.split()[0] in {j["name"] for j in d["layers"]} | {"total"}}
    for j in d["layers"] + [dict(name="total", gap=d["totals"]["gap"])]:
        cells = rows.get(j["name"])
        check(cells is not None and float(cells[-1]) == round(j["gap"]["energy"], 3)
              and float(cells[-4]) == round(j["gap"]["dram"], 3),
              f"net table: {j['name']} gaps {cells[-4:] if cells else None} vs {j['gap']}")
    check(any(round(j["gap"]["dram"], 3) > 1.1 for j in d["layers"]),
          "net table: some DRAM gap above 1.1 at 4Ki (the check can fail)")

# A directory of Timeloop files, and a list file naming some of them.
alex = os.path.join(VALIDATION, "layers", "alexnet")
d = tool_json(["net", alex, "--policy", "os"])
if d is not None:
    check([r["name"] for r in d["layers"]] == [f"alexnet_layer{i}" for i in range(1, 9)],
          "alexnet directory: eight layers in order")
    compare_rows(d, "os", "alexnet directory")
with tempfile.TemporaryDirectory() as tmp:
    lst = os.path.join(tmp, "net.txt")
    with open(lst, "w") as f:
        f.write("# two layers\n\n" + os.path.join(alex, "alexnet_layer2.yaml") + "\n")
        f.write(os.path.relpath(os.path.join(alex, "alexnet_layer6.yaml"), tmp) + "\n")
    d = tool_json(["net", lst, "--policy", "os"])
    if d is not None:
        check([r["name"] for r in d["layers"]] == ["alexnet_layer2", "alexnet_layer6"], "list file: two layers")
        compare_rows(d, "os", "list file")
    # A network CSV file of one's own.
    net = os.path.join(tmp, "mine.csv")
    with open(net, "w") as f:
        f.write("# title: Mine\nlayer,N,C,K,G,H,W,R,S,stride_h,stride_w,dilation,pad_top,pad_bottom,pad_left,pad_right\n")
        f.write("a,2,8,16,2,20,18,3,5,1,2,2,1,0,2,2\nb,1,16,16,16,9,9,3,3,2,2,1,1,1,1,1\n")
    d = tool_json(["net", net, "--policy", "optimal"])
    if d is not None:
        check(d["network"]["title"] == "Mine", "network CSV: title")
        check(shape_of(d["layers"][0]) == [2, 8, 16, 2, 20, 18, 3, 5, 1, 2, 2, 2, 1, 0, 2, 2],
              f"network CSV: layer a = {shape_of(d['layers'][0])}")
        compare_rows(d, "optimal", "network CSV")
    bad = os.path.join(tmp, "bad.csv")
    for text, needles in [
        ("layer,C,K,X\na,1,1,1\n", ["bad.csv:1", "unknown column 'X'"]),
        ("layer,C\na,1\n", ["bad.csv:1", "no column 'K'"]),
        ("layer,C,K\na,1,x\n", ["bad.csv:2", "column 'K'", "'x' is not a whole number"]),
        ("layer,C,K\na,1\n", ["bad.csv:2", "2 fields, the header has 3"]),
        ("layer,C,K,pad,pad_top\na,1,1,1,1\n", ["bad.csv:1", "pad_top"]),
        ("# nothing\n", ["bad.csv", "no layers"]),
        ("layer,C,K,G\na,3,4,2\n", ["layer 1 (a)", "C = 3 is not divisible by G = 2"]),
    ]:
        with open(bad, "w") as f:
            f.write(text)
        refuses(["net", bad], 1, *needles)
    missing = os.path.join(tmp, "list.txt")
    with open(missing, "w") as f:
        f.write("nowhere.yaml\n")
    refuses(["net", missing], 1, "nowhere.yaml", "list.txt:1")
refuses(["net", "nosuchnet"], 1, "unknown network 'nosuchnet'")
refuses(["net"], 2, "which network")
refuses(["net", "alexnet", "--tile-K", "4"], 2, "--tile-K")
refuses(["net", "alexnet", "--batch", "0"], 2, "--batch")

finish("cli-net")
