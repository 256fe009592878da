"""Shared helpers of the CLI tests (tests/cli/test_*.py).

Each test script is run by meson as
    /usr/bin/python3 test_X.py ECNN_TOOL CLI_REFERENCE
and reads ECNN_VALIDATION_DIR and ECNN_CLI_DATA (this directory) from the
environment. A script collects its failures and exits 1 if there are any.

The reference values come from cli_reference (a small C program that calls
ec_evaluate() and ec_lower_bound() directly) or are worked out here from
the layer shapes: never from the ecnn program's own output.
"""
import csv
import io
import json
import os
import subprocess
import sys

TOOL = sys.argv[1]
REFERENCE = sys.argv[2]
DATA = os.environ.get("ECNN_CLI_DATA", os.path.dirname(os.path.abspath(__file__)))
VALIDATION = os.environ.get("ECNN_VALIDATION_DIR", "")

# docs/model.md's layer parameters (section 1), in ec_layer_param order.
PARAMS = ["N", "C", "K", "G", "H", "W", "R", "S", "stride_h", "stride_w", "dilation_h",
          "dilation_w", "pad_top", "pad_bottom", "pad_left", "pad_right"]
FLAGS = ["--N", "--C", "--K", "--G", "--H", "--W", "--R", "--S", "--stride-h", "--stride-w",
         "--dilation-h", "--dilation-w", "--pad-top", "--pad-bottom", "--pad-left", "--pad-right"]

failures = []
checks = 0


def check(cond, what):
    """Records one check; a failure is printed and remembered."""
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


def finish(name):
    print(f"{name}: {checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def run(args, env=None, stdin=None):
    """Runs the tool; returns (returncode, stdout, stderr)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True,
                       env=full_env, input=stdin, timeout=600)
    return p.returncode, p.stdout, p.stderr


def ok(args, env=None):
    """Runs the tool, which must succeed with nothing on stderr."""
    rc, out, err = run(args, env)
    if not check(rc == 0, f"ecnn {' '.join(map(str, args))}: exit {rc}: {err.strip()}"):
        return None
    check(err == "", f"ecnn {' '.join(map(str, args))}: unexpected stderr {err!r}")
    return out


def tool_json(args, env=None):
    out = ok(list(args) + ["--format", "json"], env)
    if out is None:
        return None
    try:
        return json.loads(out)
    except ValueError as e:
        check(False, f"ecnn {' '.join(map(str, args))}: not JSON: {e}")
        return None


def tool_csv(args, env=None):
    out = ok(list(args) + ["--format", "csv"], env)
    if out is None:
        return None
    return list(csv.DictReader(io.StringIO(out)))


def refuses(args, code, *needles, env=None):
    """The tool must exit with `code`, print nothing on stdout, and say each
    needle on stderr."""
    rc, out, err = run(args, env)
    what = f"ecnn {' '.join(map(str, args))}"
    check(rc == code, f"{what}: exit {rc}, expected {code} (stderr: {err.strip()})")
    check(out == "", f"{what}: printed on stdout although refused: {out[:200]!r}")
    for n in needles:
        check(n in err, f"{what}: stderr does not mention {n!r}: {err.strip()!r}")
    return err


def reference(v, **opts):
    """The library's figures for layer v (16 parameters) via cli_reference."""
    args = [REFERENCE, "layer=" + ",".join(str(x) for x in v)]
    for k, val in opts.items():
        args.append(f"{k.replace('_', '-')}={val}")
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"cli_reference {args}: {p.stderr}")
    return json.loads(p.stdout)


def layer_flags(v):
    out = []
    for flag, x in zip(FLAGS, v):
        out += [flag, str(x)]
    return out


def layer(N=1, C=1, K=1, G=1, H=1, W=None, R=1, S=None, stride=1, stride_w=None, dil=1,
          dil_w=None, pad=0, pads=None):
    """A 16-parameter layer with square defaults."""
    W = H if W is None else W
    S = R if S is None else S
    sw = stride if stride_w is None else stride_w
    dw = dil if dil_w is None else dil_w
    p = pads if pads is not None else (pad, pad, pad, pad)
    return [N, C, K, G, H, W, R, S, stride, sw, dil, dw, p[0], p[1], p[2], p[3]]


def out_extent(n, k, stride, dil, p0, p1):
    """docs/model.md section 1: P = floor((H + pt + pb - dh*(R-1) - 1) / sh) + 1."""
    return (n + p0 + p1 - dil * (k - 1) - 1) // stride + 1


def macs(v):
    """docs/model.md section 1: MACs = N * G * Kg * Cg * P * Q * R * S."""
    N, C, K, G, H, W, R, S, sh, sw, dh, dw, pt, pb, pl, pr = v
    P = out_extent(H, R, sh, dh, pt, pb)
    Q = out_extent(W, S, sw, dw, pl, pr)
    return N * G * (K // G) * (C // G) * P * Q * R * S
