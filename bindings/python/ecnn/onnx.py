"""ONNX models as layers, from Python (docs/onnx.md, "Python").

Optional: this module needs python3-onnx (Debian) and is never imported by
`import ecnn`; the core binding stays standard-library only.

    import ecnn, ecnn.onnx
    for l in ecnn.onnx.layers("resnet50.onnx", batch=8):
        with ecnn.Layer(**l.params) as layer:
            r = ecnn.evaluate(layer, memory, ecnn.Dataflow("optimal"))

Each Conv, ConvInteger, Gemm, MatMul and MatMulInteger node becomes a layer,
mapped exactly as the ecnn tool maps it (docs/onnx.md, docs/gemm.md); the
shapes come from ONNX's own shape inference (onnx.shape_inference with data
propagation), not from the tool's operator list, so every operator ONNX can
infer is accepted. Weights are not loaded: external data is never opened.
"""
from typing import Dict, NamedTuple, Optional

import onnx
from onnx import shape_inference

from ._core import Layer

_LAYER_OPS = ("Conv", "ConvInteger", "Gemm", "MatMul", "MatMulInteger")
_DIM_MAX = (1 << 31) - 1


class OnnxError(ValueError):
    """A model that cannot be read as layers; the message names the node."""


class Product(NamedTuple):
    """A Gemm or MatMul node as a product (docs/gemm.md): batch x heads
    products of m x k by k x n; per_item: every batch item has its own B."""
    m: int
    k: int
    n: int
    batch: int
    heads: int
    per_item: bool


class OnnxLayer(NamedTuple):
    """One layer: the node's name and operator, the 16 parameters of
    ecnn.Layer (params), and for a product its M, K, N (product)."""
    name: str
    op: str
    params: Dict[str, int]
    product: Optional[Product]

    @property
    def macs(self):
        with Layer(**self.params) as layer:
            return layer.macs


def _node_name(node):
    return node.name or (node.output[0] if node.output else "(unnamed)")


def _fail(node, msg):
    raise OnnxError(f"node '{_node_name(node)}' ({node.op_type}): {msg}")


def layers(path, batch=None, dims=None):
    """The layers of the ONNX model at path, in graph order. batch: the
    value of a symbolic first dimension of the graph inputs (default 1);
    dims: {name: value} for other symbolic dimensions."""
    dims = dict(dims or {})
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as e:  # protobuf's DecodeError and friends
        raise OnnxError(f"{path}: not an ONNX model ({e})") from None
    graph = model.graph
    inits = {t.name: list(t.dims) for t in graph.initializer}
    symbolic_batch = False
    # The batch keeps its symbol through inference, so that the dimensions
    # that are the batch can be recognised; the others get their values.
    batch_symbol = "__ecnn_batch__"
    for vi in graph.input:
        if vi.name in inits:
            continue
        shape = vi.type.tensor_type.shape
        for i, d in enumerate(shape.dim):
            if d.HasField("dim_value"):
                if not 0 <= d.dim_value <= _DIM_MAX:
                    raise OnnxError(f"{path}: graph input '{vi.name}' has dimension {d.dim_value} "
                                    f"on axis {i}")
                continue
            if d.dim_param in dims:
                d.dim_value = dims[d.dim_param]
            elif i == 0:
                d.dim_param = batch_symbol
                symbolic_batch = True
            else:
                raise OnnxError(f"{path}: graph input '{vi.name}': dimension {i} is symbolic "
                                f"('{d.dim_param}'): give its value in dims")
    if batch is not None and not symbolic_batch:
        raise OnnxError(f"{path}: batch {batch}: the model's inputs have no symbolic batch dimension")
    batch = 1 if batch is None else batch
    try:
        inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as e:
        raise OnnxError(f"{path}: ONNX shape inference failed: {e}") from None

    graph_inputs = {vi.name for vi in graph.input if vi.name not in inits}
    shapes = {}
    for vi in list(inferred.graph.input) + list(inferred.graph.value_info) + list(inferred.graph.output):
        if not vi.type.tensor_type.HasField("shape"):
            continue
        s, flags = [], []
        for i, d in enumerate(vi.type.tensor_type.shape.dim):
            if d.HasField("dim_value"):
                s.append(d.dim_value)
                flags.append(vi.name in graph_inputs and i == 0 and
                              len(vi.type.tensor_type.shape.dim) >= 2)
            elif d.dim_param == batch_symbol:
                s.append(batch)
                flags.append(True)
            else:
                s.append(None)
                flags.append(False)
        shapes[vi.name] = (s, flags)
    for name, d in inits.items():
        shapes[name] = (d, [False] * len(d))

    def shape(node, i):
        name = node.input[i] if i < len(node.input) else ""
        if name not in shapes or any(x is None for x in shapes[name][0]):
            _fail(node, f"input '{name}' has no known shape")
        return shapes[name]

    out = []
    for node in graph.node:
        if node.op_type not in _LAYER_OPS or node.domain not in ("", "ai.onnx"):
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type.startswith("Conv"):
            params = _conv(node, attrs, shape(node, 0)[0], shape(node, 1)[0])
            product = None
        else:
            (a, af), (b, bf) = shape(node, 0), shape(node, 1)
            product = _product(node, attrs, a, af, b, bf, node.input[0] in inits,
                               node.input[1] in inits)
            groups = product.heads * (product.batch if product.per_item else 1)
            with Layer.gemm(product.m, product.k, product.n, groups=groups,
                            batch=1 if product.per_item else product.batch) as layer:
                params = layer.params
        out.append(OnnxLayer(_node_name(node), node.op_type, params, product))
    return out


def _conv(node, attrs, x, w):
    if len(x) not in (3, 4) or len(w) != len(x):
        _fail(node, f"input rank {len(x)}, weight rank {len(w)}: only 1-D and 2-D convolutions")
    nsp = len(x) - 2
    k = w[2:]
    st = attrs.get("strides", [1] * nsp)
    dl = attrs.get("dilations", [1] * nsp)
    pads = list(attrs.get("pads", [0] * 2 * nsp))
    auto = attrs.get("auto_pad", b"NOTSET").decode()
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        for i in range(nsp):
            o = -(-x[2 + i] // st[i])
            total = max(0, (o - 1) * st[i] + (k[i] - 1) * dl[i] + 1 - x[2 + i])
            lo = total // 2 if auto == "SAME_UPPER" else total - total // 2
            pads[i], pads[nsp + i] = lo, total - lo
    elif auto == "VALID":
        pads = [0] * 2 * nsp
    group = attrs.get("group", 1)
    if w[1] * group != x[1]:
        _fail(node, f"the weight has {w[1]} channels per group x {group} != the input's {x[1]}")
    if nsp == 1:  # a 1-D convolution runs along W
        return dict(N=x[0], C=x[1], K=w[0], G=group, H=1, W=x[2], R=1, S=k[0], stride_h=1,
                    stride_w=st[0], dilation_h=1, dilation_w=dl[0], pad_top=0, pad_bottom=0,
                    pad_left=pads[0], pad_right=pads[1])
    return dict(N=x[0], C=x[1], K=w[0], G=group, H=x[2], W=x[3], R=k[0], S=k[1],
                stride_h=st[0], stride_w=st[1], dilation_h=dl[0], dilation_w=dl[1],
                pad_top=pads[0], pad_bottom=pads[2], pad_left=pads[1], pad_right=pads[3])


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def _product(node, attrs, a, af, b, bf, a_const, b_const):
    """docs/gemm.md's choice of the operand that plays the weights."""
    if node.op_type == "Gemm":
        ta, tb = attrs.get("transA", 0), attrs.get("transB", 0)
        m, ka = (a[1], a[0]) if ta else (a[0], a[1])
        kb, n = (b[1], b[0]) if tb else (b[0], b[1])
        ab, bb, abf, bbf = [], [], [], []
        m_batch = not ta and af[0]
    else:
        m = 1 if len(a) == 1 else a[-2]
        ka = a[-1]
        kb = b[0] if len(b) == 1 else b[-2]
        n = 1 if len(b) == 1 else b[-1]
        ab, bb = a[:-2], b[:-2]
        abf, bbf = af[:-2], bf[:-2]
        m_batch = len(a) == 2 and af[0]
    if ka != kb:
        _fail(node, f"inner dimensions differ: {ka} and {kb}")
    r = max(len(ab), len(bb))
    ab2 = [1] * (r - len(ab)) + list(ab)
    bb2 = [1] * (r - len(bb)) + list(bb)
    total = _prod(max(x, y) for x, y in zip(ab2, bb2))
    ca, cb = _prod(ab), _prod(bb)
    w_is_a = (a_const and not b_const) or (not a_const and not b_const and ca < cb)
    groups = ca if w_is_a else cb
    if w_is_a:
        m, n = n, m
    bt, heads, per_item = total // groups, groups, False
    if groups == 1 and not w_is_a and m_batch and total == 1:
        bt, m = m, 1
    wdims, wflags = (ab, abf) if w_is_a else (bb, bbf)
    per = _prod(d for d, f in zip(wdims, wflags) if f and d > 1)
    if per > 1 and bt == 1 and groups % per == 0:
        per_item, bt, heads = True, per, groups // per
    return Product(m, ka, n, bt, heads, per_item)
