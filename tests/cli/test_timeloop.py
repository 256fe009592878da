"""Timeloop problem files (YAML, versions 0.3 and 0.4): every file under
../shared/validation/layers loads as the layer its instance describes; the
fixtures in yaml/ with every key, the built-in and pytorch2timeloop shapes,
and the refusals (missing, unknown and duplicate keys, wrong types, broken
syntax, shapes that are not a 2-D convolution) with file, line and reason."""
import csv
import glob
import os
import re

from cli_common import DATA, PARAMS, VALIDATION, check, finish, refuses, tool_json

YAML = os.path.join(DATA, "yaml")


def loaded(path):
    d = tool_json(["layer", path, "--policy", "os"])
    return None if d is None else [d["layer"][p] for p in PARAMS]


def square(N, C, K, P, R, stride, dil=1):
    """A square layer without padding: H = (P-1)*stride + (R-1)*dilation + 1."""
    H = (P - 1) * stride + (R - 1) * dil + 1
    return [N, C, K, 1, H, H, R, R, stride, stride, dil, dil, 0, 0, 0, 0]


# 1. Every validation file: the layer of the sweeps' CSV row it belongs to
#    (README there: Timeloop's M is our K, no padding), and for AlexNet's
#    files the values of their instance block, read here with a regex.
rows = {}
with open(os.path.join(VALIDATION, "simba_sweeps.csv")) as f:
    for r in csv.DictReader(f):
        rows[(r["sweep"], r["swept_value"])] = r
SWEEP_OF_DIR = {"d_lambda": "d", "input_size": "inputs", "kernel_size": "kernels", "stride": "stride"}
files = sorted(glob.glob(os.path.join(VALIDATION, "layers", "*", "*.yaml")))
check(len(files) == 132, f"{len(files)} validation files, expected 132")
for path in files:
    sub = os.path.basename(os.path.dirname(path))
    value = re.search(r"(\d+)\.yaml$", path).group(1)
    if sub in SWEEP_OF_DIR:
        r = rows.get((SWEEP_OF_DIR[sub], value))
        if not check(r is not None, f"{path}: no row in simba_sweeps.csv"):
            continue
        g = {k: int(r[k]) for k in ("N", "C", "K", "R", "S", "P", "Q", "Hstride", "Hdilation")}
        want = square(g["N"], g["C"], g["K"], g["P"], g["R"], g["Hstride"], g["Hdilation"])
    else:
        text = open(path).read().split("shape:")[0]
        inst = {k: int(v) for k, v in re.findall(r"^\s+(\w+):\s*(\d+)\s*$", text, re.M)}
        want = square(inst["N"], inst["C"], inst["M"], inst["P"], inst["R"], inst["Hstride"])
    got = loaded(path)
    check(got == want, f"{path}: loaded as {got}, expected {want}")
for sub in sorted(os.listdir(os.path.join(VALIDATION, "layers"))):
    d = tool_json(["net", os.path.join(VALIDATION, "layers", sub), "--policy", "os"])
    n = len(glob.glob(os.path.join(VALIDATION, "layers", sub, "*.yaml")))
    check(d is not None and len(d["layers"]) == n, f"ecnn net {sub}/: {n} layers")

# 2. Fixtures that load. The expected layers are worked out in the files'
#    comments and here: our sh and dh are the coefficients that multiply P
#    and R in the Inputs projection (Wstride and Wdilation in Timeloop's
#    built-in shape), and the input extent and padding keys follow the
#    letter of their axis's stride.
EXPECTED = {
    # P axis: W = 16, Wpad 1, R 3, Wdilation 2, Wstride 2 -> P 7;
    # Q axis: H = 15, Hpad 0, S 2, Hdilation 1, Hstride 3 -> Q 5.
    "every_key_v03.yaml": [2, 6, 10, 1, 16, 15, 3, 2, 2, 3, 2, 1, 1, 1, 0, 0],
    # P: (224 + 6 - 6 - 1) // 4 + 1 = 56; Q: (224 + 2 - 2 - 1) // 2 + 1 = 112.
    "every_key_v04.yaml": [1, 3, 32, 1, 224, 224, 7, 3, 4, 2, 1, 1, 3, 3, 1, 1],
    # H = 8*2 + 2 + 1 = 19, W = 3 + 4*2 + 1 = 12.
    "instance_only.yaml": [1, 8, 12, 1, 19, 12, 3, 5, 2, 1, 1, 2, 0, 0, 0, 0],
    "named_shape.yaml": [3, 4, 4, 1, 6, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
    # C and M count one group of two.
    "grouped.yaml": [1, 32, 64, 2, 14, 14, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0],
    # Depthwise: G = C = K; H = 55*2 + 2 + 1.
    "depthwise.yaml": [1, 32, 32, 32, 113, 113, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0],
    # P by Hstride (default 2), S by Wdilation (default 3); H, Hpad with P;
    # W = 3*1 + 1*3 + 1 - 2*2 = 3.
    "projection_order.yaml": [1, 2, 2, 1, 10, 3, 3, 2, 2, 1, 1, 3, 1, 1, 2, 2],
}
for name, want in EXPECTED.items():
    got = loaded(os.path.join(YAML, name))
    check(got == want, f"{name}: loaded as {got}, expected {want}")
d = tool_json(["net", os.path.join(YAML, "grouped.yaml"), "--policy", "os"])
check(d is not None and len(d["layers"]) == 1 and d["layers"][0]["name"] == "grouped",
      "a single YAML file is a one-layer network")

# 3. Refusals: exit 1, nothing on stdout, "file:line:" and the reason.
REFUSED = [
    ("missing_key.yaml", 3, ["missing key 'P'"]),
    ("missing_instance.yaml", 2, ["missing key 'instance'"]),
    ("missing_problem.yaml", 1, ["unknown key 'instance'"]),
    ("unknown_key_instance.yaml", 9, ["unknown key 'Padding'"]),
    ("unknown_key_shape.yaml", 5, ["unknown key 'rank'"]),
    ("unknown_key_top.yaml", 1, ["unknown key 'architecture'"]),
    ("unknown_key_dataspace.yaml", 7, ["unknown key 'density'"]),
    ("wrong_type_string.yaml", 4, ["M: expected a whole number", "string"]),
    ("wrong_type_list.yaml", 3, ["C: expected a whole number", "list"]),
    ("wrong_type_float.yaml", 7, ["R: expected a whole number", "3.5"]),
    ("wrong_type_zero.yaml", 9, ["Hstride", "below the minimum 1"]),
    ("wrong_type_negative.yaml", 10, ["Hpad", "-1"]),
    ("wrong_type_mapping.yaml", 2, ["instance: expected a mapping"]),
    ("wrong_type_bool.yaml", 4, ["M: expected a whole number", "true"]),
    ("bad_version.yaml", 2, ["version '0.5'"]),
    ("duplicate_key.yaml", 6, ["'P' given twice"]),
    ("both_m_and_k.yaml", 5, ["'K' and 'M'"]),
    ("inconsistent_extent.yaml", 9, ["W = 9", "P = 7, not the 4 given"]),
    ("padding_too_large.yaml", 3, ["Wpad = 3 leaves no input"]),
    ("broken_flow.yaml", 5, ["YAML syntax error"]),
    ("broken_indent.yaml", 4, ["YAML syntax error"]),
    ("broken_tab.yaml", 3, ["YAML syntax error"]),
    ("empty.yaml", 1, ["empty file"]),
    ("two_documents.yaml", 3, ["second YAML document"]),
    ("not_conv_gemm.yaml", 4, ["not a 2-D convolution"]),
    ("not_conv_projection.yaml", 9, ["sum of P and R"]),
]
for name, line, needles in REFUSED:
    path = os.path.join(YAML, name)
    refuses(["layer", path], 1, f"{path}:{line}:", *needles)
    refuses(["net", path], 1, f"{path}:{line}:", *needles)
refuses(["layer", os.path.join(YAML, "nosuchfile.yaml")], 1, "nosuchfile.yaml", "cannot open")
refuses(["layer", os.path.join(YAML, "grouped.yaml"), os.path.join(YAML, "depthwise.yaml")], 2,
        "one Timeloop file at most")

finish("cli-timeloop")
