"""ecnn.fit on a memory hierarchy (docs/validation.md, "The fit on a
hierarchy"): the rows' layers evaluated by the command-line tool's mapper
(`ecnn net FILE --arch ARCH [--ert ERT]`, docs/mapper.md) on a Timeloop
architecture, and the hierarchy's energies set beside the two-level model's
and the MAC count's, per group and pooled, with the energy per MAC along
the kernel sweep.

Why the tool and not the binding: the architectures, energy tables and
constraint files are Timeloop YAML, which the tool reads and the binding
(standard library only) does not; the tool is one process per chunk of
layers, and its search is the same as ecnn.mapper's."""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .analysis import fit_group, groups_of
from .data import DataError, layer_key
from .model import Progress, quantity

#: Environment variable naming the tool (also what the tests set).
TOOL_ENV = "ECNN_CLI"
#: Layers per `ecnn net` process: small enough for a progress line and for
#: the processes to share the CPUs, large enough that start-up (~10 ms)
#: does not dominate.
CHUNK = 8
#: --quantity values that mean something on a hierarchy.
HIER_QUANTITIES = ("total", "data")


def find_tool(path=None):
    """The ecnn tool: `path` if given, else $ECNN_CLI, else the build tree
    beside this package (build/tools/ecnn), else `ecnn` on PATH. Raises
    DataError when the one named (or every candidate) is not an executable
    file."""
    if path is None and os.environ.get(TOOL_ENV):
        path = os.environ[TOOL_ENV]
        what = f"${TOOL_ENV} ({path})"
    else:
        what = f"--ecnn {path}"
    if path is not None:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise DataError(f"{what}: not an executable file (the ecnn command-line tool, "
                            "build/tools/ecnn)")
        return path
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "..", "..", "..", ".."))
    built = os.path.join(root, "build", "tools", "ecnn")
    if os.path.isfile(built) and os.access(built, os.X_OK):
        return built
    found = shutil.which("ecnn")
    if found:
        return found
    raise DataError(f"--arch needs the ecnn command-line tool: not found in {built} nor on PATH; "
                    f"give --ecnn PATH or set {TOOL_ENV}")


def _command(tool, sub, path, arch, ert, constraints):
    cmd = [tool, sub, path, "--arch", arch]
    if ert:
        cmd += ["--ert", ert]
    for c in constraints or ():
        cmd += ["--constraints", c]
    return cmd


def _run(cmd):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as e:
        raise DataError(f"cannot run {cmd[0]}: {e.strerror or e}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise DataError(message[-1] if message else
                        f"{' '.join(cmd)} failed with status {done.returncode}")
    return done.stdout


_NET_COLUMNS = ("layer", "N", "G", "C", "K", "H", "W", "R", "S", "stride_h", "stride_w",
                "dilation_h", "dilation_w")


def _net_csv(layers):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_NET_COLUMNS)
    for name, layer in layers:
        w.writerow([name] + [layer[c] for c in _NET_COLUMNS[1:]])
    return out.getvalue()


def problem_yaml(layer):
    """A Timeloop problem file (the instance only) of a layer without
    padding or groups: what `ecnn layer FILE --arch` reads."""
    if layer["G"] != 1:
        raise DataError(f"--arch: grouped layers (G = {layer['G']}) have no Timeloop problem")
    inst = {"N": layer["N"], "C": layer["C"], "M": layer["K"], "R": layer["R"],
            "S": layer["S"],
            "P": (layer["H"] - (layer["R"] - 1) * layer["dilation_h"] - 1) // layer["stride_h"] + 1,
            "Q": (layer["W"] - (layer["S"] - 1) * layer["dilation_w"] - 1) // layer["stride_w"] + 1,
            "Hstride": layer["stride_h"], "Wstride": layer["stride_w"],
            "Hdilation": layer["dilation_h"], "Wdilation": layer["dilation_w"]}
    return "problem:\n  instance:\n" + "".join(f"    {k}: {v}\n" for k, v in inst.items())


def _net_chunk(tool, tmp, index, layers, arch, ert, constraints):
    path = os.path.join(tmp, f"chunk{index}.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_net_csv(layers))
    text = _run(_command(tool, "net", path, arch, ert, constraints) + ["--format", "csv"])
    got = {r["layer"]: r for r in csv.DictReader(io.StringIO(text)) if r["layer"] != "total"}
    out = []
    for name, _ in layers:
        if name not in got:
            raise DataError(f"ecnn net --arch {arch}: no row for layer {name} in its output")
        r = got[name]
        out.append({"total": float(r["energy"]), "macs": int(r["macs"]),
                    "dram": int(r["dram"]), "search": r["search"]})
    return out


def mac_energy(tool, layer, arch, ert=None, constraints=()):
    """The energy of one MAC on the architecture: `ecnn layer`'s MAC energy
    of `layer` over its MAC count (the ERT charges every MAC alike)."""
    with tempfile.TemporaryDirectory(prefix="ecnn-fit-") as tmp:
        path = os.path.join(tmp, "layer.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(problem_yaml(layer))
        doc = json.loads(_run(_command(tool, "layer", path, arch, ert, constraints)
                              + ["--format", "json"]))
    return doc["energy"]["mac"] / doc["layer"]["macs"], doc


def evaluate(rows, arch, ert=None, constraints=(), tool=None, jobs=1, progress=None):
    """The hierarchy's energies of every row: a list of dicts ("total",
    "data" = total minus the MACs' energy, "mac", "macs", "dram" words,
    "search"), evaluating each distinct layer once; and the energy per MAC.
    Raises DataError on an unknown architecture, a missing tool or a layer
    the tool refuses (its message)."""
    tool = find_tool(tool)
    keys, layers = {}, []
    for row in rows:
        key = layer_key(row)
        if key not in keys:
            keys[key] = len(layers)
            layers.append((f"l{len(layers)}", row.layer))
    per_mac, _ = mac_energy(tool, layers[0][1], arch, ert, constraints)
    chunks = [layers[i:i + CHUNK] for i in range(0, len(layers), CHUNK)]
    bar = Progress(f"searching mappings on {arch}", len(layers), progress)
    answers = [None] * len(chunks)
    with tempfile.TemporaryDirectory(prefix="ecnn-fit-") as tmp, \
            ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = [pool.submit(_net_chunk, tool, tmp, i, c, arch, ert, constraints)
                   for i, c in enumerate(chunks)]
        done = 0
        for i, fut in enumerate(futures):
            answers[i] = fut.result()
            done += len(chunks[i])
            bar.update(done)
    bar.finish()
    flat = [a for chunk in answers for a in chunk]
    out = []
    for row in rows:
        e = dict(flat[keys[layer_key(row)]])
        e["mac"] = per_mac * e["macs"]
        e["data"] = e["total"] - e["mac"]
        out.append(e)
    return out, per_mac


def _r2s(fit):
    keep = {}
    for key in ("linear", "loglog", "macs_linear", "macs_loglog"):
        f = fit.get(key)
        if f and "r2" in f:
            keep[key] = {"r2": f["r2"], "slope": f["coef"][1]}
    return keep


def compare(rows, hier, two_level, which):
    """Per group and pooled: R^2 (linear, log-log) of the measured energies
    on the hierarchy's, on the two-level model's and on the MAC count.
    hier: evaluate()'s dicts; two_level: the two-level model's Results."""
    y = np.array([row.measured for row in rows])
    xh = np.array([h[which] for h in hier])
    x2 = np.array([quantity(r, which) for r in two_level])
    macs = np.array([h["macs"] for h in hier], dtype=float)
    out = []
    for name, members in groups_of(rows):
        entry = {"group": name, "n": len(members)}
        if len(members) < 3:
            entry["skipped"] = f"{len(members)} rows: too few for a fit"
        else:
            h = _r2s(fit_group(xh[members], y[members], macs[members]))
            t = _r2s(fit_group(x2[members], y[members], macs[members]))
            entry["hierarchy"] = {k: h[k] for k in ("linear", "loglog") if k in h}
            entry["two_level"] = {k: t[k] for k in ("linear", "loglog") if k in t}
            entry["macs"] = {k[5:]: h[k] for k in ("macs_linear", "macs_loglog") if k in h}
        out.append(entry)
    return out


def per_mac_table(rows, hier, two_level, which, group):
    """The energy per MAC along the rows of `group` (sorted by kernel size R,
    then MACs): measured, hierarchy, two-level; None without such rows."""
    members = [i for i, row in enumerate(rows) if row.group == group]
    if not members:
        return None
    members.sort(key=lambda i: (rows[i].layer["R"], hier[i]["macs"]))
    table = []
    for i in members:
        m = hier[i]["macs"]
        table.append({"line": rows[i].line, "R": rows[i].layer["R"], "S": rows[i].layer["S"],
                      "macs": m, "measured": rows[i].measured / m,
                      "hierarchy": hier[i][which] / m,
                      "two_level": quantity(two_level[i], which) / m})
    ratios = {k: table[0][k] / table[-1][k] for k in ("measured", "hierarchy", "two_level")}
    return {"group": group, "rows": table, "first_over_last": ratios}


def report_text(header, groups, table):
    lines = list(header) + [""]
    lines.append("R^2 of the measured energy on each regressor (linear / log-log, log-log "
                 "slope in brackets)")
    lines.append(f"{'group':<10} {'n':>4}  {'hierarchy':>26}  {'two-level':>26}  "
                 f"{'MACs alone':>26}")

    def cell(f):
        if not f or "linear" not in f:
            return f"{'-':>26}"
        return (f"{f['linear']['r2']:.4f} / {f['loglog']['r2']:.4f} "
                f"({f['loglog']['slope']:.3f})").rjust(26)

    for g in groups:
        name = "all" if g["group"] == "(all)" else str(g["group"])
        if "skipped" in g:
            lines.append(f"{name:<10} {g['n']:>4}  {g['skipped']}")
            continue
        lines.append(f"{name:<10} {g['n']:>4}  {cell(g['hierarchy'])}  {cell(g['two_level'])}  "
                     f"{cell(g['macs'])}")
    if table:
        lines += ["", f"Energy per MAC along group {table['group']} (measured in its unit; "
                      "the hierarchy in pJ; the two-level model in its energy units)",
                  f"{'line':>5} {'R':>3} {'S':>3} {'MACs':>12} {'measured':>10} "
                  f"{'hierarchy':>10} {'two-level':>10}"]
        for r in table["rows"]:
            lines.append(f"{r['line']:>5} {r['R']:>3} {r['S']:>3} {r['macs']:>12} "
                         f"{r['measured']:>10.4g} {r['hierarchy']:>10.4g} "
                         f"{r['two_level']:>10.4g}")
        q = table["first_over_last"]
        lines.append(f"first row / last row: measured {q['measured']:.3g}, hierarchy "
                     f"{q['hierarchy']:.3g}, two-level {q['two_level']:.3g}")
    return "\n".join(lines) + "\n"
