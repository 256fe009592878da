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
import os
import sys
import tempfile

try:
    import onnx
    from onnx import TensorProto, helper
except ImportError:
    print("python3-onnx is not installed: skipped")
    sys.exit(77)

from cli_common import PARAMS, check, finish, macs, out_extent, refuses, run, tool_json

TESTDATA = "/usr/share/libonnx-testdata/data"

rc, _, err = run(["net", os.devnull + ".onnx"])
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
sys.path.insert(0, os.environ.get("ECNN_PYTHON_BINDING", ""))
try:
    import ecnn.onnx as ecnn_onnx
except (ImportError, OSError) as e:
    check(False, f"the Python binding's ecnn.onnx does not import: {e}")
    ecnn_onnx = None
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

class Graph:
    """A graph under construction; weights are external-data initializers
    (their data file does not exist: the reader must not open it)."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, prefix):
        self.n += 1
        return f"{prefix}_{self.n}"

    def weight(self, dims):
        t = TensorProto()
        t.name = self.name("w")
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        t.data_location = TensorProto.EXTERNAL
        e = t.external_data.add()
        e.key, e.value = "location", "no_such_weights.bin"
        self.inits.append(t)
        return t.name

    def const(self, values):
        t = helper.make_tensor(self.name("c"), TensorProto.INT64, [len(values)], values)
        self.inits.append(t)
        return t.name

    def scalar(self, value):
        t = helper.make_tensor(self.name("s"), TensorProto.INT64, [], [value])
        self.inits.append(t)
        return t.name

    def op(self, op_type, inputs, name=None, nout=1, **kw):
        outs = [self.name("t") for _ in range(nout)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name or self.name(op_type), **kw))
        return outs[0] if nout == 1 else outs

    def conv(self, x, cin, cout, k, stride=1, pad=0, group=1, name=None):
        w = self.weight([cout, cin // group, k, k])
        y = self.op("Conv", [x, w], name=name, kernel_shape=[k, k], strides=[stride, stride],
                    pads=[pad] * 4, group=group)
        bn = self.op("BatchNormalization", [y] + [self.weight([cout]) for _ in range(4)])
        return bn

    def save(self, inputs, output, path, opset=17):
        g = helper.make_graph(self.nodes, "test", inputs,
                              [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)],
                              initializer=self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(m, path)


def resnet50(path):
    """torchvision's ResNet-50 (v1.5: the stride in the 3x3 conv)."""
    g = Graph()
    x = g.conv("x", 3, 64, 7, 2, 3)
    x = g.op("Relu", [x])
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (width, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
        for b in range(blocks):
            stride = 2 if b == 0 and stage > 0 else 1
            y = g.op("Relu", [g.conv(x, cin, width, 1)])
            y = g.op("Relu", [g.conv(y, width, width, 3, stride, 1)])
            y = g.conv(y, width, width * 4, 1)
            short = g.conv(x, cin, width * 4, 1, stride) if b == 0 else x
            x = g.op("Relu", [g.op("Add", [y, short])])
            cin = width * 4
    x = g.op("GlobalAveragePool", [x])
    x = g.op("Flatten", [x])
    x = g.op("Gemm", [x, g.weight([1000, 2048]), g.weight([1000])], transB=1)
    g.save([helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])], x, path)


def mobilenet_v2(path):
    """Sandler et al. Table 2, width 1.0, ReLU6 as Clip(0, 6)."""
    g = Graph()
    lo, hi = "lo", "hi"
    g.inits += [helper.make_tensor(lo, TensorProto.FLOAT, [], [0.0]),
                helper.make_tensor(hi, TensorProto.FLOAT, [], [6.0])]
    relu6 = lambda t: g.op("Clip", [t, lo, hi])
    x = relu6(g.conv("x", 3, 32, 3, 2, 1))
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = relu6(g.conv(x, cin, hidden, 1)) if t != 1 else x
            y = relu6(g.conv(y, hidden, hidden, 3, stride, 1, group=hidden))
            y = g.conv(y, hidden, c, 1)
            x = g.op("Add", [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = relu6(g.conv(x, 320, 1280, 1))
    x = g.op("AveragePool", [x], kernel_shape=[7, 7])
    x = g.op("Reshape", [x, g.const([0, -1])])
    x = g.op("Gemm", [x, g.weight([1280, 1000]), g.weight([1000])])
    g.save([helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])], x, path)


def encoder_layer(g, x, S, fused, heads=12, dh=64, d=768, ff=3072):
    """One post-norm (BERT) or pre-norm (ViT) transformer layer's products,
    with the reshapes and transposes an exporter writes."""
    if fused:
        qkv = g.op("MatMul", [x, g.weight([d, 3 * d])])
        qkv = g.op("Reshape", [qkv, g.const([0, 0, 3, heads, dh])])
        qkv = g.op("Transpose", [qkv], perm=[2, 0, 3, 1, 4])  # 3, N, h, S, dh
        q, k, v = (g.op("Gather", [qkv, g.scalar(i)], axis=0) for i in range(3))
    else:
        q, k, v = (g.op("Transpose", [g.op("Reshape", [g.op("Add", [g.op("MatMul", [x, g.weight([d, d])]),
                                                                      g.weight([d])]),
                                                        g.const([0, 0, heads, dh])])], perm=[0, 2, 1, 3])
                   for _ in range(3))
    kt = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    sc = g.op("Softmax", [g.op("Div", [g.op("MatMul", [q, kt]), g.weight([1])])], axis=-1)
    ctx = g.op("MatMul", [sc, v])
    ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), g.const([0, 0, d])])
    y = g.op("Add", [g.op("MatMul", [ctx, g.weight([d, d])]), g.weight([d])])
    x = g.op("LayerNormalization", [g.op("Add", [x, y]), g.weight([d]), g.weight([d])], axis=-1)
    h = g.op("MatMul", [x, g.weight([d, ff])])
    h = g.op("Mul", [h, g.op("Add", [g.op("Erf", [g.op("Div", [h, g.weight([1])])]), g.weight([1])])])
    y = g.op("MatMul", [h, g.weight([ff, d])])
    return g.op("LayerNormalization", [g.op("Add", [x, y]), g.weight([d]), g.weight([d])], axis=-1)


def bert(path, S):
    g = Graph()
    x = g.op("Gather", [g.weight([30522, 768]), "ids"])
    x = g.op("Add", [x, g.weight([S, 768])])
    x = g.op("LayerNormalization", [x, g.weight([768]), g.weight([768])], axis=-1)
    for _ in range(12):
        x = encoder_layer(g, x, S, False)
    g.save([helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", S])], x, path)


def vit(path):
    g = Graph()
    x = g.op("Conv", ["img", g.weight([768, 3, 16, 16])], kernel_shape=[16, 16], strides=[16, 16])
    x = g.op("Transpose", [g.op("Reshape", [x, g.const([0, 768, 196])])], perm=[0, 2, 1])
    cls = g.op("Expand", [g.weight([1, 1, 768]), g.op("Concat", [g.op("Slice", [g.op("Shape", [x]),
                                                                          g.const([0]), g.const([1])]),
                                                                  g.const([1, 768])], axis=0)])
    x = g.op("Add", [g.op("Concat", [cls, x], axis=1), g.weight([1, 197, 768])])
    for _ in range(12):
        x = encoder_layer(g, x, 197, True)
    x = g.op("Gather", [x, g.scalar(0)], axis=1)
    x = g.op("MatMul", [x, g.weight([768, 1000])])
    g.save([helper.make_tensor_value_info("img", TensorProto.FLOAT, ["N", 3, 224, 224])], x, path)


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
    refuses(["net", good, "--batch", "2"], 1, "no symbolic batch")
    refuses(["layer", good, "--node", "zz"], 1, "no node named 'zz'")
    refuses(["layer", good], 1, "--node")

check(python_compared >= 39, f"the Python import was compared on {python_compared} models")
finish("cli-onnx")
