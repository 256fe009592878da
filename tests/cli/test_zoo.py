"""The built-in networks: each one loads, its layer count and MAC total
match what the zoo files say (read here independently), and the MAC total
matches the figure commonly quoted for the network (docs/zoo.md gives the
sources). ecnn zoo in its three formats; ECNN_ZOO_DIR.

What is counted: the MACs of the conv and fully-connected layers, padding
taps included (docs/model.md section 1: N*G*Kg*Cg*P*Q*R*S), batch 1; pooling, batch norm,
activations, residual additions and softmax are not. The quoted figures are
rounded to two or three significant digits, so the tolerance is 1%."""
import csv
import os
import tempfile

from cli_common import DATA, check, finish, macs, ok, refuses, run, tool_csv, tool_json

ZOO = os.path.join(DATA, "..", "..", "tools", "zoo")

# name: (layers, quoted MACs at batch 1, where the figure is quoted)
QUOTED = {
    "alexnet": (8, 0.71e9, "torchvision model table: AlexNet 0.71 GFLOPS (multiply-adds)"),
    "vgg16": (16, 15.47e9, "torchvision: 15.47; Sze et al., Proc. IEEE 2017: 15.5G MACs"),
    "resnet18": (21, 1.81e9, "torchvision: 1.81; He et al. 2016 Table 1: 1.8e9 FLOPs"),
    "resnet50": (54, 4.09e9, "torchvision (v1.5): 4.09"),
    "mobilenet_v1": (28, 569e6, "Howard et al. 2017, Table 8: 569M Mult-Adds"),
    "mobilenet_v2": (53, 300e6, "Sandler et al. 2018, Table 4: 300M Multiply-Adds"),
}
TOLERANCE = 0.01

# The transformers (docs/zoo.md): gemm rows (M, K, N, heads, B). Their MACs
# are checked against the closed form per encoder layer, worked out here:
# 4 projections S*d*d (GPT-2 and ViT fuse three of them into one S*d*3d),
# two attention products heads*S*S*64, two feed-forward products S*d*4d;
# and against the published figure where there is one.
def transformer_macs(S, extra=0):
    d = 768
    return 12 * (4 * S * d * d + 2 * 12 * S * S * 64 + 2 * S * d * 4 * d) + extra


TRANSFORMERS = {
    # name: (layers, exact MACs, quoted MACs or None, source)
    "bert_base_128": (96, transformer_macs(128), 22.5e9 / 2,
                      "Sun et al. (MobileBERT), ACL 2020, Table 4: BERT-base 22.5 GFLOPs at 128"),
    "bert_base_512": (96, transformer_macs(512), None, "no published figure: the closed form"),
    "gpt2_small": (73, transformer_macs(1024, 1024 * 768 * 50257),
                   # Kaplan et al. 2020, Table 1: per token 2N + 2 n_layer n_ctx d_attn
                   # + 2 d_model n_vocab FLOPs, N = 12 * 12 * 768^2; they count one
                   # of the two attention products, so the other is added.
                   1024 * (12 * 12 * 768 ** 2 + 12 * 1024 * 768 + 768 * 50257) + 12 * 1024 * 1024 * 768,
                   "Kaplan et al. 2020, Table 1 (plus the attention-value product)"),
    "vit_b16": (74, transformer_macs(197, 196 * 768 * 3 * 256 + 768 * 1000), 17.6e9,
                "Touvron et al. (DeiT), ICML 2021, Table 1: ViT-B 17.6 GFLOPs"),
}


def read_gemm_rows(name):
    """MACs of every row of a zoo file, conv or gemm (independent reader)."""
    total, n, header = 0, 0, None
    with open(os.path.join(ZOO, name + ".csv")) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split(",")]
            if fields[0] in ("layer", "gemm"):
                header = fields
                continue
            r = dict(zip(header, fields))
            if header[0] == "gemm":
                b = int(r.get("batch", 1))
                total += b * int(r.get("heads", 1)) * int(r["M"]) * int(r["K"]) * int(r["N"])
            else:
                st, pad = int(r.get("stride", 1)), int(r.get("pad", 0))
                total += macs([1, int(r["C"]), int(r["K"]), int(r.get("G", 1)), int(r["H"]), int(r["W"]),
                               int(r["R"]), int(r["S"]), st, st, 1, 1, pad, pad, pad, pad])
            n += 1
    return n, total


def read_zoo_file(name):
    """The zoo file's layers as 16-parameter lists (independent reader)."""
    rows = []
    with open(os.path.join(ZOO, name + ".csv")) as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for r in csv.DictReader(lines):
        g = int(r.get("G", 1))
        st, pad = int(r.get("stride", 1)), int(r.get("pad", 0))
        rows.append([1, int(r["C"]), int(r["K"]), g, int(r["H"]), int(r["W"]), int(r["R"]),
                     int(r["S"]), st, st, 1, 1, pad, pad, pad, pad])
    return rows


listing = tool_json(["zoo"])
names = [n["name"] for n in listing["networks"]] if listing else []
check(sorted(names) == sorted(list(QUOTED) + list(TRANSFORMERS)), f"ecnn zoo lists {names}")
for name, (nlayers, exact, quoted, source) in TRANSFORMERS.items():
    n, total = read_gemm_rows(name)
    check(n == nlayers and total == exact, f"{name}: {n} layers, {total} MACs; expected {nlayers}, {exact}")
    check(quoted is None or abs(total - quoted) <= TOLERANCE * quoted,
          f"{name}: {total} MACs, quoted {quoted} ({source}): more than 1% apart")
    for batch in (1, 4):
        d = tool_json(["net", name, "--batch", str(batch), "--policy", "os"])
        check(d is not None and d["totals"]["macs"] == batch * exact and len(d["layers"]) == nlayers,
              f"ecnn net {name} --batch {batch}: MACs x {batch}")
for name, (nlayers, quoted, source) in QUOTED.items():
    layers = read_zoo_file(name)
    total = sum(macs(v) for v in layers)
    check(len(layers) == nlayers, f"{name}: {len(layers)} layers in the file, expected {nlayers}")
    check(abs(total - quoted) <= TOLERANCE * quoted,
          f"{name}: {total} MACs, quoted {quoted:.4g} ({source}): more than 1% apart")
    d = tool_json(["net", name, "--policy", "os"])
    if d is not None:
        check(len(d["layers"]) == nlayers, f"ecnn net {name}: {len(d['layers'])} layers")
        check(d["totals"]["macs"] == total, f"ecnn net {name}: {d['totals']['macs']} MACs, expected {total}")
        got = [[row["shape"][p] for p in ("N", "C", "K", "G", "H", "W", "R", "S", "stride_h",
                                          "stride_w", "dilation_h", "dilation_w", "pad_top",
                                          "pad_bottom", "pad_left", "pad_right")] for row in d["layers"]]
        check(got == layers, f"ecnn net {name}: the shapes differ from the file")
    entry = [n for n in (listing["networks"] if listing else []) if n["name"] == name]
    check(len(entry) == 1 and entry[0]["macs"] == total and entry[0]["layers"] == nlayers,
          f"ecnn zoo: {name} entry {entry}")
    d8 = tool_json(["net", name, "--batch", "8", "--policy", "os"])
    if d8 is not None:
        check(d8["totals"]["macs"] == 8 * total, f"ecnn net {name} --batch 8: MACs x 8")

# Spellings of the names; the table and CSV listings.
for alias in ("ResNet-50", "RESNET50", "resnet_50"):
    d = tool_json(["net", alias, "--policy", "os"])
    check(d is not None and d["network"]["name"] == "resnet50", f"ecnn net {alias} is resnet50")
rows = tool_csv(["zoo"])
check(rows is not None and [r["name"] for r in rows] == names, "ecnn zoo CSV: same names")
out = ok(["zoo"])
check(out is not None and all(n in out for n in names), "ecnn zoo table names every network")
d = tool_json(["zoo", "--batch", "2"])
check(d is not None and all(n["macs"] == 2 * read_gemm_rows(n["name"])[1] for n in d["networks"]),
      "ecnn zoo --batch 2")

# ECNN_ZOO_DIR replaces the zoo.
with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "tiny.csv"), "w") as f:
        f.write("# title: Tiny\nlayer,C,K,H,W,R,S\nonly,2,3,5,5,3,3\n")
    env = {"ECNN_ZOO_DIR": tmp}
    d = tool_json(["zoo"], env=env)
    check(d is not None and [n["name"] for n in d["networks"]] == ["tiny"], "ECNN_ZOO_DIR: only tiny")
    d = tool_json(["net", "tiny", "--policy", "os"], env=env)
    check(d is not None and d["totals"]["macs"] == 2 * 3 * 9 * 9, "ECNN_ZOO_DIR: net tiny")
    refuses(["net", "resnet50"], 1, "unknown network", env=env)
    refuses(["zoo"], 1, "ECNN_ZOO_DIR", env={"ECNN_ZOO_DIR": os.path.join(tmp, "none")})
# gemm rows (docs/zoo.md): a mixed file, its MACs and layers by hand, and
# refused headers and values with file:line.
with tempfile.TemporaryDirectory() as tmp:
    mixed = os.path.join(tmp, "mixed.csv")
    with open(mixed, "w") as f:
        f.write("layer,C,K,H,W,R,S\nc1,3,8,8,8,3,3\n"
                "gemm,M,K,N,heads,B,batch\nproj,16,8,4,1,weights,2\nqk,16,4,16,2,activation,2\n"
                "layer,C,K\nfc,8,10\n")
    d = tool_json(["net", mixed, "--policy", "os"])
    if check(d is not None and [r["name"] for r in d["layers"]] == ["c1", "proj", "qk", "fc"],
             f"mixed gemm file: {d and [r['name'] for r in d['layers']]}"):
        rows = d["layers"]
        check([r["macs"] for r in rows] == [8 * 3 * 6 * 6 * 9, 2 * 16 * 8 * 4, 2 * 2 * 16 * 4 * 16, 80],
              f"mixed gemm file: MACs {[r['macs'] for r in rows]}")
        # proj: B shared by the batch (N = 2, G = 1); qk: one B per item and
        # head (N = 1, G = 4).
        check([rows[1]["shape"][k] for k in ("N", "G", "C", "K", "H", "W")] == [2, 1, 8, 4, 16, 1] and
              [rows[2]["shape"][k] for k in ("N", "G", "C", "K", "H", "W")] == [1, 4, 16, 64, 16, 1],
              f"mixed gemm file: shapes {rows[1]['shape']}, {rows[2]['shape']}")
        check(rows[2]["gemm"] == {"M": 16, "K": 4, "N": 16, "batch": 2, "heads": 2, "B": "activation"},
              f"mixed gemm file: {rows[2].get('gemm')}")
    d = tool_json(["net", mixed, "--policy", "os", "--batch", "5"])
    check(d is not None and [r["macs"] for r in d["layers"]] == [5 * 8 * 3 * 6 * 6 * 9, 5 * 16 * 8 * 4,
                                                                 5 * 2 * 16 * 4 * 16, 5 * 80],
          "mixed gemm file --batch 5")
    for text, needle in [("gemm,M,K\nx,1,2\n", "no column 'N'"),
                         ("gemm,M,K,N,Z\nx,1,2,3,4\n", "unknown column 'Z'"),
                         ("gemm,M,K,N,B\nx,1,2,3,both\n", "'both' is neither"),
                         ("gemm,M,K,N\nx,1,0,3\n", "column 'K'"),
                         ("gemm,M,K,N\nx,1,2\n", "3 fields, the gemm header has 4")]:
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write(text)
        refuses(["net", bad], 1, "bad.csv:2" if "field" in needle or "'K'" in needle or "both" in needle
                else "bad.csv:1", needle)

rc, out, err = run(["zoo", "--help"])
check(rc == 0 and "usage: ecnn zoo" in out, "ecnn zoo --help")

finish("cli-zoo")
