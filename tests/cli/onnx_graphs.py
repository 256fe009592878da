"""ONNX graphs of real networks, built with python3-onnx's helpers (never
downloaded), for tests/cli/test_onnx.py and bench/bench_onnx.py. Weights
are initializers with dims only: external data in a file that does not
exist (the reader must never open it), or, with embed=True, zeros stored
in the model (to measure what embedded weights cost)."""
from onnx import TensorProto, helper
import onnx


class Graph:
    """A graph under construction; weights are external-data initializers
    (their data file does not exist: the reader must not open it)."""

    def __init__(self, embed=False):
        self.nodes, self.inits, self.n, self.embed = [], [], 0, embed

    def name(self, prefix):
        self.n += 1
        return f"{prefix}_{self.n}"

    def weight(self, dims):
        t = TensorProto()
        t.name = self.name("w")
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        if self.embed:
            size = 1
            for d in dims:
                size *= d
            t.raw_data = bytes(4 * size)
            self.inits.append(t)
            return t.name
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


def resnet50(path, embed=False):
    """torchvision's ResNet-50 (v1.5: the stride in the 3x3 conv)."""
    g = Graph(embed)
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


