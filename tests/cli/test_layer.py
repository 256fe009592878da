"""ecnn layer end to end: its JSON, CSV and table output against the
library's figures for the same layer (cli_reference), for dense, strided,
dilated, grouped, depthwise, fully-connected and padded layers under every
policy, custom orders and tiles, both input options, partitioned and chosen
Buffers and custom energies."""
import os
import tempfile

from cli_common import (PARAMS, check, finish, layer, layer_flags, macs, reference, tool_csv,
                        tool_json, ok)

LAYERS = {
    "conv3x3": layer(C=128, K=128, H=28, R=3, pad=1),
    "strided": layer(C=64, K=96, H=57, W=45, R=5, S=3, stride=2, stride_w=3, pads=(2, 1, 0, 1)),
    "dilated": layer(N=2, C=16, K=32, H=30, R=3, dil=2, dil_w=3, pad=2),
    "grouped": layer(C=64, K=128, G=4, H=20, R=3, pad=1),
    "depthwise": layer(C=96, K=96, G=96, H=56, R=3, stride=2, pad=1),
    "fc": layer(C=4096, K=1000),
    "first": layer(C=3, K=64, H=227, R=11, stride=4),
}

# (flags, reference options, description); "best" is worked out below.
SETUPS = [
    ([], {"policy": "optimal"}, "default (optimal)"),
    (["--policy", "os"], {"policy": "os"}, "os"),
    (["--policy", "ws"], {"policy": "ws"}, "ws"),
    (["--policy", "is"], {"policy": "is"}, "is"),
    (["--policy", "best"], "best", "best of three"),
    (["--order", "nkgcpqrs"], {"policy": "NKGCPQRS"}, "custom order"),
    (["--policy", "os", "--reuse", "refetch", "--footprint", "bbox"],
     {"policy": "os", "reuse": "refetch", "footprint": "bbox"}, "refetch + bbox"),
    (["--policy", "ws", "--capacity", "4Ki"], {"policy": "ws", "cap": 4096}, "4Ki words"),
    (["--policy", "is", "--capacity", "16KiB", "--word-bytes", "2"], {"policy": "is", "cap": 8192},
     "16KiB of 2-byte words"),
    (["--policy", "optimal", "--partition", "8Ki,32Ki,8Ki"],
     {"policy": "optimal", "part": "8192,32768,8192"}, "partitioned"),
    (["--policy", "os", "--capacity", "48Ki", "--choose-partition"],
     {"policy": "os", "cap": 49152, "choose": 1}, "chosen partition"),
    (["--policy", "os", "--dram-read", "150", "--dram-write", "250.5", "--buf", "3", "--mac", "0.25"],
     {"policy": "os", "energy": "150,250.5,3,3,0.25"}, "custom energies"),
    (["--policy", "os", "--tile-K", "1", "--tile-c", "1", "--tile-q", "auto", "--tile-S", "1"],
     {"policy": "os", "tiles": "0,0,1,1,0,0,0,1"},
     "explicit tiles"),
]


def best_of_three(v, opts):
    """The best of os, ws, is: lowest energy, the first on a tie."""
    best = None
    for p in ("os", "ws", "is"):
        r = reference(v, **dict(opts, policy=p))
        if best is None or r["energy"][0] < best["energy"][0]:
            best = r
    return best


TENSORS = "IWO"
ACCESS = ["dram_read", "dram_write", "buffer_read", "buffer_write"]
PARTS = ["total", "dram", "buffer", "mac", "I", "W", "O"]
BOUND = ["i_used", "w_used", "macs_real", "rho", "compulsory", "communication", "transfers"]


def compare_json(d, ref, v, what):
    L = d["layer"]
    for i, name in enumerate(PARAMS):
        check(L[name] == v[i], f"{what}: layer.{name} = {L[name]}, expected {v[i]}")
    for k in ("P", "Q", "macs", "size_I", "size_W", "size_O"):
        check(L[k] == ref[k], f"{what}: layer.{k} = {L[k]}, library {ref[k]}")
    check(L["macs"] == macs(v), f"{what}: MACs {L['macs']} != N*G*Kg*Cg*P*Q*R*S = {macs(v)}")
    for t in range(3):
        for a in range(4):
            got = d["counts"][TENSORS[t]][ACCESS[a]]
            check(got == ref["counts"][TENSORS[t]][a] and isinstance(got, int),
                  f"{what}: counts.{TENSORS[t]}.{ACCESS[a]} = {got!r}, library {ref['counts'][TENSORS[t]][a]}")
    check(d["dram_total"] == ref["dram_total"], f"{what}: dram_total")
    for p in range(7):
        check(d["energy"][PARTS[p]] == ref["energy"][p],
              f"{what}: energy.{PARTS[p]} = {d['energy'][PARTS[p]]!r}, library {ref['energy'][p]!r}")
    df = d["dataflow"]
    check(df["order"] == ref["order"], f"{what}: order {df['order']}, library {ref['order']}")
    for i, dim in enumerate("NGKCPQRS"):
        t = df["tiles"][dim]
        check([t["tile"], int(t["auto"])] == ref["tiles"][i],
              f"{what}: tile {dim} = {t}, library {ref['tiles'][i]}")
    check([df["partition_used"][x] for x in "IWO"] == ref["partition"], f"{what}: partition used")
    for i, b in enumerate(BOUND):
        check(d["bound"][b] == ref["bound"][i], f"{what}: bound.{b} = {d['bound'][b]}, library {ref['bound'][i]}")
    check(d["bound"]["energy"] == ref["bound_energy"], f"{what}: bound energy")
    check([d["gap"]["dram"], d["gap"]["energy"]] == ref["gap"], f"{what}: gap {d['gap']} vs {ref['gap']}")
    for p in ("os", "ws", "is"):
        a, r = d["asymptotic"][p], ref["asymptotic"][p]
        if r is None:
            check(a is None, f"{what}: asymptotic.{p} should be null")
        else:
            check(a is not None and [a["dram_reads"], a["dram_writes"], a["energy"]] == r,
                  f"{what}: asymptotic.{p} = {a}, library {r}")


def compare_csv(rows, ref, v, what):
    if not check(rows is not None and len(rows) == 1, f"{what}: CSV has one data row"):
        return
    row = rows[0]
    for i, name in enumerate(PARAMS):
        check(int(row[name]) == v[i], f"{what}: CSV {name}")
    for t in range(3):
        for a in range(4):
            col = f"{ACCESS[a]}_{TENSORS[t]}"
            check(int(row[col]) == ref["counts"][TENSORS[t]][a], f"{what}: CSV {col}")
    cols = ["energy", "energy_dram", "energy_buffer", "energy_mac", "energy_I", "energy_W", "energy_O"]
    for p, col in enumerate(cols):
        check(float(row[col]) == ref["energy"][p], f"{what}: CSV {col} = {row[col]}, library {ref['energy'][p]!r}")
    check(row["order"] == ref["order"], f"{what}: CSV order")
    for i, dim in enumerate("NGKCPQRS"):
        check([int(row["tile_" + dim]), int(row["auto_" + dim])] == ref["tiles"][i], f"{what}: CSV tile {dim}")
    check(int(row["bound_transfers"]) == ref["bound"][6], f"{what}: CSV bound_transfers")
    check(float(row["bound_energy"]) == ref["bound_energy"], f"{what}: CSV bound_energy")
    check([float(row["gap_dram"]), float(row["gap_energy"])] == ref["gap"], f"{what}: CSV gap")


for lname, v in LAYERS.items():
    for flags, opts, desc in SETUPS:
        what = f"layer {lname}, {desc}"
        if opts == "best":
            ref = best_of_three(v, {})
        else:
            ref = reference(v, **opts)
        args = ["layer"] + layer_flags(v) + flags
        d = tool_json(args)
        if d is not None:
            compare_json(d, ref, v, what)
        compare_csv(tool_csv(args), ref, v, what)
    # The table names the total energy exactly (a whole number here).
    ref = reference(v, policy="optimal")
    out = ok(["layer"] + layer_flags(v))
    if out is not None:
        total = ref["energy"][0]
        text = str(int(total)) if total == int(total) else repr(total)
        check(f"Energy     {text} = " in out, f"layer {lname}: table lacks 'Energy     {text} ='")
        check(f"DRAM transfers >= {ref['bound'][6]} " in out, f"layer {lname}: table lacks the bound")

# A Timeloop file gives the layer; flags override it.
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "l.yaml")
    with open(path, "w") as f:
        f.write("problem:\n  instance: {C: 16, M: 32, N: 1, P: 12, Q: 12, R: 3, S: 3}\n")
    d = tool_json(["layer", path, "--N", "4", "--policy", "os"])
    v = layer(N=4, C=16, K=32, H=14, R=3)
    if d is not None:
        compare_json(d, reference(v, policy="os"), v, "Timeloop file with --N 4")

finish("cli-layer")
