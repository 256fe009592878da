#!/usr/bin/python3
"""Writes the generated seeds of tests/fuzz/onnx_corpus (the others are
copies of small libonnx-testdata models): a tiny CNN and a tiny attention
block exercising the shape operators of docs/onnx.md, with a symbolic
batch. Run from anywhere: /usr/bin/python3 tests/fuzz/make_onnx_corpus.py"""
import os

import onnx
from onnx import TensorProto, helper

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx_corpus")
F = TensorProto.FLOAT


def w(name, dims):
    t = TensorProto()
    t.name, t.data_type = name, F
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", "none.bin"
    return t


def i64(name, vals, dims=None):
    return helper.make_tensor(name, TensorProto.INT64, [len(vals)] if dims is None else dims, vals)


def save(name, nodes, inputs, inits):
    g = helper.make_graph(nodes, name, inputs, [helper.make_tensor_value_info("y", F, None)],
                          initializer=inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
              os.path.join(here, name + ".onnx"))


N = helper.make_node
save("tiny_cnn", [
    N("Conv", ["x", "w1"], ["a"], name="c1", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
    N("BatchNormalization", ["a", "s", "b", "m", "v"], ["b1"]),
    N("Relu", ["b1"], ["r1"]),
    N("MaxPool", ["r1"], ["p1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
    N("Conv", ["p1", "w2"], ["c2o"], name="dw", group=4, kernel_shape=[3, 3], auto_pad="SAME_UPPER"),
    N("Add", ["c2o", "p1"], ["s1"]),
    N("GlobalAveragePool", ["s1"], ["g"]),
    N("Flatten", ["g"], ["f"]),
    N("Gemm", ["f", "wf"], ["y"], name="fc", transB=1),
], [helper.make_tensor_value_info("x", F, ["N", 3, 16, 16])],
    [w("w1", [4, 3, 3, 3]), w("s", [4]), w("b", [4]), w("m", [4]), w("v", [4]), w("w2", [4, 1, 3, 3]),
     w("wf", [10, 4])])

save("tiny_attention", [
    N("Gather", ["emb", "ids"], ["e"]),
    N("MatMul", ["e", "wq"], ["q0"], name="q"),
    N("Shape", ["e"], ["sh"]),
    N("Slice", ["sh", "zero", "one"], ["bsz"]),
    N("Concat", ["bsz", "rest"], ["shp"], axis=0),
    N("Reshape", ["q0", "shp"], ["q1"]),
    N("Transpose", ["q1"], ["q2"], perm=[0, 2, 1, 3]),
    N("Transpose", ["q2"], ["kt"], perm=[0, 1, 3, 2]),
    N("MatMul", ["q2", "kt"], ["sc"], name="qk"),
    N("Softmax", ["sc"], ["pr"], axis=-1),
    N("MatMul", ["pr", "q2"], ["ctx"], name="av"),
    N("Split", ["ctx", "split"], ["h0", "h1"], axis=1),
    N("Concat", ["h0", "h1"], ["cc"], axis=1),
    N("Transpose", ["cc"], ["ct"], perm=[0, 2, 1, 3]),
    N("Reshape", ["ct", "flat"], ["cf"]),
    N("LayerNormalization", ["cf", "g1", "b1"], ["ln"], axis=-1),
    N("Unsqueeze", ["ln", "ax"], ["u"]),
    N("Squeeze", ["u", "ax"], ["sq"]),
    N("MatMul", ["sq", "wo"], ["y"], name="out"),
], [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", 6])],
    [w("emb", [50, 8]), w("wq", [8, 8]), i64("zero", [0]), i64("one", [1]), i64("rest", [6, 2, 4]),
     i64("split", [1, 1]), i64("flat", [0, 0, 8]), w("g1", [8]), w("b1", [8]), i64("ax", [1]),
     w("wo", [8, 3])])
