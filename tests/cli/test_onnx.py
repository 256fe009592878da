"""ONNX import end to end (docs/onnx.md).

1. Debian's libonnx-testdata: every test_conv_*, test_gemm_* and
   test_matmul_* node test and the pytorch-converted Conv2d models load,
   and each layer equals the shape worked out here from the model's inputs
   and attributes (read with python3-onnx), its output extents equal the
   dims of the test's reference output (output_0.pb, computed by ONNX's own
   backend), and its MACs equal the product of the output's elements and
   the reduction length.
2. Graphs built here with onnx.helper (weights are external-data
   initializers whose file does not exist: never opened): ResNet-50 and
   MobileNet-V2 with BatchNormalization, Relu/Clip, Add and pooling give the
   zoo's layers exactly; a BERT-base encoder and ViT-B/16 give the zoo's
   transformer layers; a symbolic batch honours --batch.
3. Bad input: a clear error naming the node, exit 1, nothing on stdout.

Skipped (exit 77) when python3-onnx is missing or the tool was built
without ONNX support."""
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import onnx
    from onnx import TensorProto, helper
except ImportError:
    print("python3-onnx is not installed: skipped")
    sys.exit(77)

from cli_common import PARAMS, TOOL, check, finish, macs, refuses, run, tool_json
from onnx_graphs import bert, mobilenet_v2, resnet50, vit

TESTDATA = "/usr/share/libonnx-testdata/data"

with tempfile.NamedTemporaryFile(suffix=".onnx") as probe:
    rc, _, err = run(["net", probe.name])
if "without ONNX support" in err:
    print("ecnn was built without ONNX support: skipped")
    sys.exit(77)


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def dims_of(vi):
    return [d.dim_value for d in vi.type.tensor_type.shape.dim]


def ref_output_dims(test_dir):
    t = TensorProto()
    with open(os.path.join(test_dir, "test_data_set_0", "output_0.pb"), "rb") as f:
        t.ParseFromString(f.read())
    return list(t.dims)


def shapes(model):
    s = {vi.name: dims_of(vi) for vi in model.graph.input}
    for t in model.graph.initializer:
        s[t.name] = list(t.dims)
    return s


# The Python binding's import (ecnn.onnx: ONNX's own shape inference, an
# independent path to the shapes) must give every layer the tool gives.
ecnn_onnx = None
if os.environ.get("ECNN_PYTHON_BINDING"):
    sys.path.insert(0, os.environ["ECNN_PYTHON_BINDING"])
    try:
        import ecnn.onnx as ecnn_onnx
    except (ImportError, OSError) as e:
        check(False, f"the Python binding's ecnn.onnx does not import: {e}")
else:
    print("note: no ECNN_PYTHON_BINDING (a sanitizer build): the Python import is not compared")
python_compared = 0


def net_layers(path, *extra):
    global python_compared
    d = tool_json(["net", path, "--policy", "os"] + list(extra))
    rows = d["layers"] if d else []
    if ecnn_onnx is not None:
        batch = int(extra[extra.index("--batch") + 1]) if "--batch" in extra else None
        try:
            py = ecnn_onnx.layers(path, batch=batch)
        except ecnn_onnx.OnnxError as e:
            check(False, f"ecnn.onnx.layers({path}): {e}")
            py = []
        check([[l.params[p] for p in PARAMS] for l in py] == [shape_list(r) for r in rows],
              f"ecnn.onnx.layers({path}, batch={batch}) differs from ecnn net")
        check([l.name for l in py] == [r["name"] for r in rows], f"ecnn.onnx.layers({path}): names")
        for l, r in zip(py, rows):
            if l.product:
                p = l.product
                check(r.get("gemm") == {"M": p.m, "K": p.k, "N": p.n, "batch": p.batch,
                                        "heads": p.heads, "B": "activation" if p.per_item else "weights"},
                      f"ecnn.onnx.layers({path}): {l.name}: {p} vs {r.get('gemm')}")
        python_compared += 1
    return rows


def shape_list(row):
    return [row["shape"][p] for p in PARAMS]


# 1. libonnx-testdata ---------------------------------------------------

def expect_conv(node, s):
    """The 16 parameters of a Conv node, by the ONNX operator spec."""
    a = attrs(node)
    x, w = s[node.input[0]], s[node.input[1]]
    k = w[2:]
    st = a.get("strides", [1, 1])
    dl = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    ap = a.get("auto_pad", b"NOTSET").decode()
    if ap in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0, 0, 0, 0]
        for i in range(2):
            out = -(-x[2 + i] // st[i])
            tot = max(0, (out - 1) * st[i] + (k[i] - 1) * dl[i] + 1 - x[2 + i])
            lo = tot // 2 if ap == "SAME_UPPER" else tot - tot // 2
            pads[i], pads[2 + i] = lo, tot - lo
    elif ap == "VALID":
        pads = [0, 0, 0, 0]
    return [x[0], x[1], w[0], a.get("group", 1), x[2], x[3], k[0], k[1], st[0], st[1],
            dl[0], dl[1], pads[0], pads[2], pads[1], pads[3]]


conv_dirs = sorted(glob.glob(TESTDATA + "/node/test_conv_*")) + \
    sorted(glob.glob(TESTDATA + "/pytorch-converted/test_Conv2d*"))
gemm_dirs = sorted(glob.glob(TESTDATA + "/node/test_gemm_*"))
matmul_dirs = sorted(glob.glob(TESTDATA + "/node/test_matmul_*"))
check(len(conv_dirs) >= 15 and len(gemm_dirs) >= 10 and len(matmul_dirs) >= 3,
      f"libonnx-testdata: {len(conv_dirs)} conv, {len(gemm_dirs)} gemm, {len(matmul_dirs)} matmul tests")

for d in conv_dirs:
    path = os.path.join(d, "model.onnx")
    m = onnx.load(path)
    s = shapes(m)
    convs = [n for n in m.graph.node if n.op_type == "Conv"]
    rows = net_layers(path)
    check(len(rows) == len(convs), f"{path}: {len(rows)} layers for {len(convs)} Conv nodes")
    for node, row in zip(convs, rows):
        v = expect_conv(node, s)
        check(shape_list(row) == v, f"{path}: layer {shape_list(row)}, expected {v}")
        out = ref_output_dims(d)
        check([row["shape"]["P"], row["shape"]["Q"]] == out[2:],
              f"{path}: P, Q = {row['shape']['P']}, {row['shape']['Q']}; the reference output is {out}")
        check(row["macs"] == macs(v), f"{path}: MACs {row['macs']}, expected {macs(v)}")
        o = 1
        for x in out:
            o *= x
        check(row["macs"] == o * (v[1] // v[3]) * v[6] * v[7],
              f"{path}: MACs {row['macs']} != |output| {o} x Cg x R x S")

for d in gemm_dirs + matmul_dirs:
    path = os.path.join(d, "model.onnx")
    m = onnx.load(path)
    s = shapes(m)
    node = m.graph.node[0]
    a, b = s[node.input[0]], s[node.input[1]]
    at = attrs(node)
    k = a[0] if at.get("transA", 0) else a[-1]
    kb = b[1] if at.get("transB", 0) else b[-2]
    check(k == kb, f"{path}: hand derivation: inner dimensions {k} and {kb}")
    out = ref_output_dims(d)
    o = 1
    for x in out:
        o *= x
    rows = net_layers(path)
    if not check(len(rows) == 1, f"{path}: {len(rows)} layers"):
        continue
    row = rows[0]
    g = row.get("gemm")
    if not check(g is not None, f"{path}: the layer is not reported as a product"):
        continue
    check(row["macs"] == o * k, f"{path}: MACs {row['macs']}, expected |output| {o} x k {k}")
    check(g["K"] == k and g["M"] * g["N"] * g["batch"] * g["heads"] == o,
          f"{path}: product {g} for output {out} and k {k}")
    # Both operands are graph inputs: B plays the weights, shared by the
    # batch or one per batch item, its size is |B| exactly.
    nb = 1
    for x in b:
        nb *= x
    v = shape_list(row)
    check(v[2] * (v[1] // v[3]) == nb, f"{path}: |W| = {v[2] * (v[1] // v[3])}, B has {nb} elements")

# 2. Graphs built here ---------------------------------------------------

def zoo_shapes(name, *extra):
    d = tool_json(["net", name, "--policy", "os"] + list(extra))
    return [shape_list(r) for r in d["layers"]] if d else None, d


with tempfile.TemporaryDirectory() as tmp:
    cases = [("resnet50", resnet50, "resnet50"), ("mobilenet_v2", mobilenet_v2, "mobilenet_v2"),
             ("bert128", lambda p: bert(p, 128), "bert_base_128"),
             ("bert512", lambda p: bert(p, 512), "bert_base_512"), ("vit", vit, "vit_b16")]
    for stem, build, zoo in cases:
        path = os.path.join(tmp, stem + ".onnx")
        build(path)
        for batch in ([], ["--batch", "3"]):
            want, wd = zoo_shapes(zoo, *batch)
            got = net_layers(path, *batch)
            gs = [shape_list(r) for r in got]
            check(want is not None and len(gs) == len(want),
                  f"{stem} {batch}: {len(gs)} layers, the zoo's {zoo} has {len(want or [])}")
            for i, (a, b) in enumerate(zip(gs, want or [])):
                if not check(a == b, f"{stem} {batch}: layer {i + 1} ({got[i]['name']}) is {a}, "
                                     f"the zoo's {wd['layers'][i]['name']} is {b}"):
                    break
            total = sum(r["macs"] for r in got)
            check(wd is not None and total == wd["totals"]["macs"],
                  f"{stem} {batch}: {total} MACs, the zoo {wd and wd['totals']['macs']}")
            check(all(macs(v) == r["macs"] for v, r in zip(gs, got)), f"{stem}: MACs per layer")
        if zoo.startswith("bert"):
            # The products of attention read as the zoo's: per-item B.
            g = [r.get("gemm") for r in got]
            check(g[3] == {"M": int(zoo[-3:]), "K": 64, "N": int(zoo[-3:]), "batch": 3, "heads": 12,
                           "B": "activation"}, f"{stem} --batch 3: Q K^T is {g[3]}")
        # ecnn layer --node picks the same layer.
        if stem == "resnet50":
            d = tool_json(["layer", path, "--node", got[1]["name"], "--batch", "3", "--policy", "os"])
            check(d is not None and [d["layer"][p] for p in PARAMS] == gs[1],
                  f"ecnn layer {stem} --node {got[1]['name']}: {d and d['layer']}")

    # Position ids from Shape, Gather and Range; Pad: 10 tokens, padded by
    # 1 + 2, are 13 rows of the projection (by hand).
    Nd = helper.make_node
    sc = lambda name, v: helper.make_tensor(name, TensorProto.INT64, [], [v])
    pos = os.path.join(tmp, "positions.onnx")
    gp = helper.make_graph([
        Nd("Shape", ["ids"], ["sh"]), Nd("Gather", ["sh", "one"], ["len"], axis=0),
        Nd("Range", ["zero", "len", "one"], ["pos"]), Nd("Gather", ["pe", "pos"], ["p"]),
        Nd("Gather", ["we", "ids"], ["e"]), Nd("Add", ["e", "p"], ["x"]),
        Nd("Pad", ["x", "pads"], ["xp"]), Nd("MatMul", ["xp", "w"], ["y"], name="proj")], "g",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[sc("zero", 0), sc("one", 1),
                     helper.make_tensor("pads", TensorProto.INT64, [6], [0, 1, 0, 0, 2, 0]),
                     helper.make_tensor("pe", TensorProto.FLOAT, [512, 8], [0.0] * 4096),
                     helper.make_tensor("we", TensorProto.FLOAT, [100, 8], [0.0] * 800),
                     helper.make_tensor("w", TensorProto.FLOAT, [8, 4], [0.0] * 32)])
    onnx.save(helper.make_model(gp, opset_imports=[helper.make_opsetid("", 17)]), pos)
    rows = net_layers(pos, "--batch", "3")
    check(len(rows) == 1 and rows[0]["gemm"] == {"M": 13, "K": 8, "N": 4, "batch": 3, "heads": 1,
                                                 "B": "weights"}, f"Range and Pad: {rows}")

    # 3. Bad input ----------------------------------------------------------
    def model_with(nodes, inputs, inits=(), name="bad"):
        path = os.path.join(tmp, name + ".onnx")
        g = helper.make_graph(nodes, "bad", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              initializer=list(inits))
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
        return path

    X = lambda name, dims: helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)
    good = model_with([helper.make_node("Conv", ["x", "w"], ["y"], name="c1")],
                      [X("x", [1, 3, 8, 8]), X("w", [4, 3, 3, 3])], name="good")
    with open(good, "rb") as f:
        data = f.read()
    trunc = os.path.join(tmp, "trunc.onnx")
    with open(trunc, "wb") as f:
        f.write(data[:len(data) // 2])
    refuses(["net", trunc], 1, "trunc.onnx", "not an ONNX model")
    text = os.path.join(tmp, "text.onnx")
    with open(text, "w") as f:
        f.write("layer,C,K\nc,3,4\n")
    refuses(["net", text], 1, "not an ONNX model")
    refuses(["net", os.path.join(tmp, "empty.onnx")], 1, "empty.onnx")
    open(os.path.join(tmp, "empty.onnx"), "w").close()
    refuses(["net", os.path.join(tmp, "empty.onnx")], 1, "empty")
    cyc = model_with([helper.make_node("Relu", ["b"], ["a"], name="r1"),
                      helper.make_node("Relu", ["a"], ["b"], name="r2"),
                      helper.make_node("Conv", ["a", "w"], ["y"], name="c1")],
                     [X("w", [4, 3, 3, 3])], name="cycle")
    refuses(["net", cyc], 1, "cycle", "node 'r1'")
    uns = model_with([helper.make_node("Conv", ["x", "w"], ["c"], name="c1"),
                      helper.make_node("Resize", ["c"], ["y"], name="up1")],
                     [X("x", [1, 3, 8, 8]), X("w", [4, 3, 3, 3])], name="unsupported")
    refuses(["net", uns], 1, "node 'up1' (Resize)", "not supported", "--skip-unknown")
    rc, out, err = run(["net", uns, "--skip-unknown"])
    check(rc == 0 and "up1" in err and "skipped node 'up1' (Resize)" in out,
          f"--skip-unknown: exit {rc}, the skipped node listed in the output and warned: {err!r}")
    rc, out, err = run(["net", uns, "--skip-unknown", "--format", "json"])
    check(rc == 0 and "skipped node 'up1' (Resize)" in (json.loads(out)["network"]["notes"] or ""),
          f"--skip-unknown: the JSON's network.notes lists the node: {out[:300]!r}")
    noshape = model_with([helper.make_node("Conv", ["x", "w"], ["y"], name="c1")],
                         [X("x", [1, 3, 8, 8]), helper.make_tensor_value_info("w", TensorProto.FLOAT, None)],
                         name="noshape")
    refuses(["net", noshape], 1, "node 'c1' (Conv)", "weight 'w' has no shape")
    neg = model_with([helper.make_node("Conv", ["x", "w"], ["y"], name="c1")],
                     [X("x", [1, 3, -8, 8]), X("w", [4, 3, 3, 3])], name="negative")
    refuses(["net", neg], 1, "'x'", "negative dimension -8")
    huge = model_with([helper.make_node("Conv", ["x", "w"], ["y"], name="c1")],
                      [X("x", [1, 3, 2 ** 31, 8]), X("w", [4, 3, 3, 3])], name="huge")
    refuses(["net", huge], 1, "'x'", "2147483648")
    big = model_with([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm1")],
                     [X("x", [65536, 65536, 65537]), X("w", [65537, 8])], name="big")
    refuses(["net", big], 1, "'x'", "2^48")
    mism = model_with([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm1")],
                      [X("x", [2, 3]), X("w", [4, 5])], name="mismatch")
    refuses(["net", mism], 1, "node 'mm1' (MatMul)", "inner dimensions")
    sym = model_with([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm1")],
                     [X("x", ["N", "seq", 8]), X("w", [8, 5])], name="symbolic")
    refuses(["net", sym], 1, "'seq'", "--dim seq=")
    d = tool_json(["net", sym, "--dim", "seq=7", "--batch", "2"])
    check(d is not None and d["layers"][0]["gemm"] == {"M": 7, "K": 8, "N": 5, "batch": 2, "heads": 1,
                                                       "B": "weights"},
          f"--dim seq=7 --batch 2: {d and d['layers'][0].get('gemm')}")
    # A shape the model declares (value_info) against the computed one.
    decl = os.path.join(tmp, "declared.onnx")
    gd = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["c"], name="c1", pads=[1, 1, 1, 1]),
                            helper.make_node("Relu", ["c"], ["y"], name="r1")], "d",
                           [X("x", [1, 3, 8, 8]), X("w", [4, 3, 3, 3])],
                           [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                           value_info=[X("c", [1, 4, 6, 6])])
    onnx.save(helper.make_model(gd, opset_imports=[helper.make_opsetid("", 17)]), decl)
    refuses(["net", decl], 1, "node 'c1' (Conv)", "[1, 4, 8, 8]", "declares [1, 4, 6, 6]")
    refuses(["net", good, "--batch", "2"], 1, "no symbolic batch")
    refuses(["layer", good, "--node", "zz"], 1, "no node named 'zz'")
    refuses(["layer", good], 1, "--node")

    # 4. Embedded weights (docs/onnx.md): the payload of tensors over 64 KiB
    # is left out before protobuf-c decodes, and read neither from disk nor
    # through a mapping, so the 102 MB of zeros of this ResNet-50 cost
    # nothing: the zoo's layers (as the external-weights file above), a peak
    # resident size under a quarter of the file (a copy alone would be the
    # file's size; before the pre-pass it was twice), and within 4 MB of the
    # same graph's with external weights.
    emb = os.path.join(tmp, "resnet50_embedded.onnx")
    resnet50(emb, embed=True)
    size = os.path.getsize(emb)
    # The tool's peak measured by a fresh small Python: Linux counts a
    # parent's peak in its child's, and this one holds the model it built.
    meter = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
             "sys.stdout.buffer.write(p.stdout)\n"
             "sys.stderr.buffer.write(p.stderr)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
             "sys.exit(p.returncode)\n")

    def peak_kb(path):
        p = subprocess.run([sys.executable, "-c", meter, TOOL, "net", path, "--format", "json"],
                           capture_output=True, text=True)
        err, _, kb = p.stderr.rstrip("\n").rpartition("\n")
        check(p.returncode == 0 and err == "", f"{path}: exit {p.returncode}: {err[:300]!r}")
        return (int(kb) if kb.isdigit() else 1 << 40), p.stdout

    kb, out = peak_kb(emb)
    ext_kb, _ = peak_kb(os.path.join(tmp, "resnet50.onnx"))
    want, _ = zoo_shapes("resnet50")
    try:
        got = [shape_list(r) for r in json.loads(out)["layers"]]
    except ValueError:
        got = None
    check(got == want, "embedded ResNet-50: not the zoo's layers")
    # A sanitizer's runtime adds tens of MB to every process: there only the
    # difference from the external-weights run (below) is meaningful.
    if os.environ.get("ECNN_SANITIZE", "none") in ("", "none"):
        check(size > 100e6 and kb * 1024 < size / 4,
              f"embedded ResNet-50 ({size / 1e6:.0f} MB): peak resident {kb / 1024:.1f} MB")
    check(kb - ext_kb < 4096, f"embedded ResNet-50: peak {kb} kB, with external weights {ext_kb} kB")

    # Malformed wire data in the messages the pre-pass walks: a clear error
    # naming the file, the byte and what is wrong, nothing printed.
    def varint(v):
        b = b""
        while True:
            b += bytes([(v & 0x7f) | (0x80 if v > 0x7f else 0)])
            v >>= 7
            if not v:
                return b

    def ld(field, payload):
        return varint(field << 3 | 2) + varint(len(payload)) + payload

    def model_of_tensor(t):
        return ld(7, ld(5, t))  # ModelProto.graph.initializer

    deep = b""
    for _ in range(25):  # GraphProto.node.attribute.g: 75 levels
        deep = ld(1, ld(5, ld(6, deep)))
    bad_wire = [("wire7", model_of_tensor(b"\x08\x04" + bytes([3 << 3 | 7])), "TensorProto", "wire type 6 or 7"),
                ("group", ld(7, ld(1, b"\x0b")), "NodeProto", "wire type 3 or 4"),
                ("varint", model_of_tensor(b"\x08\xff"), "TensorProto", "truncated varint"),
                ("long", model_of_tensor(b"\x08" + b"\xff" * 10 + b"\x01"), "TensorProto", "longer than 10 bytes"),
                ("past", model_of_tensor(b"\x4a\x64abc"), "TensorProto", "length past the end"),
                ("deep", ld(7, deep), "", "nested too deep")]
    for stem, data, kind, what in bad_wire:
        path = os.path.join(tmp, f"wire_{stem}.onnx")
        with open(path, "wb") as f:
            f.write(data)
        refuses(["net", path], 1, f"wire_{stem}.onnx", "not an ONNX model", "malformed protobuf at byte",
                kind, what)
    err = refuses(["net", os.path.join(tmp, "wire_wire7.onnx")], 1)
    check(f"at byte {len(bad_wire[0][1]) - 1}," in err, f"the offset of the bad field: {err!r}")

    # Reshape's shape as a tensor whose int64_data is padded with 80 kB of
    # empty packed chunks (valid protobuf): over the threshold, its values
    # are left out, and the node asking for them says so, not a wrong shape.
    gr = helper.make_graph([helper.make_node("Reshape", ["x", "shape"], ["r"], name="rs1"),
                            helper.make_node("MatMul", ["r", "w"], ["y"], name="mm1")], "pad",
                           [X("x", [4, 2, 8]), X("w", [8, 5])],
                           [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    shape_t = (b"\x08\x02\x10\x07" + ld(8, b"shape") + ld(7, varint(8) + varint(8))
               + b"\x3a\x00" * 40000)
    padded = os.path.join(tmp, "padded_shape.onnx")
    with open(padded, "wb") as f:
        f.write(helper.make_model(gr, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
                + model_of_tensor(shape_t))
    refuses(["net", padded], 1, "node 'rs1' (Reshape)", "'shape'", "not a constant")
    small = os.path.join(tmp, "small_shape.onnx")
    with open(small, "wb") as f:
        f.write(helper.make_model(gr, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
                + model_of_tensor(shape_t[:-80000]))
    rows = net_layers(small)
    check(len(rows) == 1 and rows[0].get("gemm", {}).get("M") == 8,
          f"the same shape without the padding is read (the appended graph merges): {rows}")

check(ecnn_onnx is None or python_compared >= 40, f"the Python import was compared on {python_compared} models")
finish("cli-onnx")
