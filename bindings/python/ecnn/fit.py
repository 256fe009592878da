"""python3 -m ecnn.fit: the model against measured energies.

Given a CSV file of convolutional layers with a measured energy per row
(a simulator's estimate or a silicon measurement) and a memory description,
evaluates the model for every row and reports how well the model's energy
explains the measurements: ordinary least squares in linear and log-log
form (coefficients, standard errors, t statistics, p-values, R^2), the
Spearman rank correlation, the relative error left after the fit, and
optionally a regression on the model's components (DRAM words, Buffer
accesses, MACs), a scatter plot (--plot FILE.svg) and a calibration of the
five per-access energies by non-negative least squares (--calibrate FILE),
written as a memory description file that `ecnn --memory FILE` and
`ecnn.Memory.from_file()` read.

    python3 -m ecnn.fit simba_sweeps.csv --measured timeloop_data_pJ \\
        --group-by sweep --capacity 65536 --plot simba.svg

Needs numpy and statsmodels (matplotlib for --plot); the core binding
(`import ecnn`) does not import this module and needs none of them. The
method, the options and the results on the published Timeloop data are in
docs/validation.md.
"""
import argparse
import csv
import io
import itertools
import json
import math
import os
import sys

try:
    import numpy as np
    import statsmodels.api as sm
except ImportError as _e:  # pragma: no cover
    if __name__ == "__main__":
        sys.exit(f"ecnn.fit: needs numpy and statsmodels ({_e}); on Debian: apt-get install "
                 "python3-numpy python3-statsmodels python3-matplotlib")
    raise ImportError(f"ecnn.fit needs numpy and statsmodels: {_e}") from _e

from . import _core, memfile
from ._errors import EcnnError

# --- input --------------------------------------------------------------------

#: CSV columns that describe the layer (the names of the published Timeloop
#: sweeps, docs/validation.md). The input side follows from them, without
#: padding: H = (P - 1) * Hstride + (R - 1) * Hdilation + 1, likewise W.
REQUIRED_COLUMNS = ("C", "K", "R", "S", "P", "Q")
OPTIONAL_COLUMNS = ("N", "G", "Hstride", "Wstride", "Hdilation", "Wdilation")  # default 1
LAYER_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

ENERGY_KEYS = memfile.ENERGY_KEYS  # dram_read dram_write buf_read buf_write mac
QUANTITIES = {
    "total": "total energy",
    "data": "data energy (DRAM + Buffer, no MAC)",
    "dram": "DRAM energy",
    "buffer": "Buffer energy",
}
POLICIES = ("optimal", "best", "os", "ws", "is")


class DataError(ValueError):
    """An input the tool refuses, with where: "file:line: reason"."""


class Row:
    """One layer of the CSV file: its line, the layer's parameters (ecnn.Layer
    keywords), the measured energy and the group."""

    __slots__ = ("line", "index", "layer", "measured", "group", "fields")

    def __init__(self, line, index, layer, measured, group, fields):
        self.line, self.index, self.layer = line, index, layer
        self.measured, self.group, self.fields = measured, group, fields


def _whole(text, where, column):
    try:
        value = int(text.strip())
    except ValueError:
        raise DataError(f"{where}: column {column}: '{text}' is not a whole number") from None
    if value < 1:
        raise DataError(f"{where}: column {column}: {value} is not >= 1")
    return value


def read_csv(path, measured, group_by=None):
    """The rows of a CSV file of layers, checked. `measured` names the column
    of measured energies (positive finite numbers); `group_by`, if given, a
    column whose value names each row's group. Raises DataError naming the
    line (the header is line 1) and the data row of anything malformed:
    missing columns, a wrong number of fields, a layer parameter that is not
    a whole number >= 1, a measured energy that is not a positive number, a
    layer the library refuses."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot open: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text: {e}") from None
    return parse_csv(text, measured, group_by, path)


def parse_csv(text, measured, group_by=None, path="<csv>"):
    """read_csv() of a string."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        while not any(h.strip() for h in header):
            header = next(reader)
    except StopIteration:
        raise DataError(f"{path}: empty file: no header line") from None
    except csv.Error as e:
        raise DataError(f"{path}:{reader.line_num}: {e}") from None
    header = [h.strip() for h in header]
    header_line = reader.line_num
    seen = set()
    for name in header:
        if name in seen and name:
            raise DataError(f"{path}:{header_line}: column '{name}' appears twice in the header")
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if measured not in seen:
        missing.append(measured)
    if group_by is not None and group_by not in seen:
        missing.append(group_by)
    if missing:
        raise DataError(
            f"{path}:{header_line}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header has: {', '.join(h for h in header if h)}; a layer "
            f"needs {' '.join(REQUIRED_COLUMNS)}, and {' '.join(OPTIONAL_COLUMNS)} default to 1)")
    column = {name: i for i, name in enumerate(header)}
    rows = []
    index = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise DataError(f"{path}:{reader.line_num}: {e}") from None
        if not any(f.strip() for f in fields):
            continue  # a blank line
        index += 1
        line = reader.line_num
        where = f"{path}:{line}: row {index}"
        if len(fields) != len(header):
            raise DataError(f"{where}: {len(fields)} fields, the header has {len(header)}")
        values = {c: _whole(fields[column[c]], where, c) if c in column else 1
                  for c in LAYER_COLUMNS}
        text_value = fields[column[measured]].strip()
        try:
            energy = float(text_value)
        except ValueError:
            raise DataError(f"{where}: column {measured}: '{text_value}' is not a number") from None
        if not math.isfinite(energy) or energy <= 0:
            raise DataError(f"{where}: column {measured}: {text_value} is not a positive finite "
                            "energy")
        layer = {
            "N": values["N"], "G": values["G"], "C": values["C"], "K": values["K"],
            "R": values["R"], "S": values["S"],
            "H": (values["P"] - 1) * values["Hstride"] + (values["R"] - 1) * values["Hdilation"] + 1,
            "W": (values["Q"] - 1) * values["Wstride"] + (values["S"] - 1) * values["Wdilation"] + 1,
            "stride_h": values["Hstride"], "stride_w": values["Wstride"],
            "dilation_h": values["Hdilation"], "dilation_w": values["Wdilation"],
        }
        try:
            with _core.Layer(**layer) as handle:
                handle.check()
        except EcnnError as e:
            raise DataError(f"{where}: the library refuses the layer: {e.message}") from None
        group = fields[column[group_by]].strip() if group_by is not None else None
        rows.append(Row(line, index, layer, energy, group, dict(zip(header, fields))))
    if not rows:
        raise DataError(f"{path}: no data rows after the header")
    return rows


# --- memory and dataflow ------------------------------------------------------


def memory_params(args):
    """ecnn.Memory keywords: the defaults, then --memory FILE, then the flags,
    key by key (as `ecnn --memory FILE` does)."""
    params = {}
    if args.memory:
        try:
            params.update(memfile.load(args.memory))
        except memfile.MemoryFileError as e:
            raise DataError(str(e)) from None
    word_bytes = args.word_bytes
    if word_bytes is None and args.memory:
        word_bytes = memfile.read(args.memory).get("word_bytes", (None, 0))[0]

    def words(text, flag):
        try:
            number, in_bytes = memfile.parse_size(text, flag)
        except ValueError as e:
            raise DataError(str(e)) from None
        if in_bytes:
            if not word_bytes:
                raise DataError(f"{flag}: {number} bytes given but no word size: add --word-bytes")
            if number % word_bytes:
                raise DataError(f"{flag}: {number} bytes is not a whole number of "
                                f"{word_bytes}-byte words")
            number //= word_bytes
        return number

    if args.capacity is not None:
        params["capacity"] = words(args.capacity, "--capacity")
    parts = {}
    if args.partition is not None:
        pieces = args.partition.split(",")
        if len(pieces) != 3:
            raise DataError(f"--partition: '{args.partition}' is not three sizes I,W,O")
        parts = dict(zip("IWO", pieces))
    for t in "IWO":
        flag = getattr(args, "partition_" + t.lower())
        if flag is not None:
            parts[t] = flag
    if parts:  # a partition on the command line replaces the file's
        for t in "IWO":
            params["partition_" + t] = words(parts[t], "--partition-" + t.lower()) \
                if t in parts else 0
        params.setdefault("choose_partition", False)
        if not args.choose_partition:
            params["choose_partition"] = False
    if args.choose_partition:
        if parts:
            raise DataError("--choose-partition and --partition exclude each other")
        params["choose_partition"] = True
    for key in ENERGY_KEYS:
        value = getattr(args, key)
        if value is not None:
            params[key] = value
    return params


def make_memory(params):
    try:
        return _core.Memory(**params)
    except EcnnError as e:
        raise DataError(f"memory: {e.message}") from None


class Model:
    """Evaluates layers with one memory and one dataflow choice, caching
    identical layers."""

    def __init__(self, memory_params, policy="optimal", reuse="slide", footprint="exact"):
        self.memory_params = dict(memory_params)
        self.policy, self.reuse, self.footprint = policy, reuse, footprint
        self._cache = {}

    def _dataflow(self, policy):
        if policy in ("optimal", "os", "ws", "is"):
            return _core.Dataflow(policy.upper(), reuse=self.reuse, footprint=self.footprint)
        return _core.Dataflow(order=policy, reuse=self.reuse, footprint=self.footprint)

    def evaluate(self, row):
        key = tuple(sorted(row.layer.items()))
        if key in self._cache:
            return self._cache[key]
        policies = ("os", "ws", "is") if self.policy == "best" else (self.policy,)
        best = None
        with make_memory(self.memory_params) as memory, _core.Layer(**row.layer) as layer:
            for policy in policies:
                with self._dataflow(policy) as dataflow:
                    try:
                        result = _core.evaluate(layer, memory, dataflow)
                    except EcnnError as e:
                        raise DataError(f"line {row.line}: row {row.index}: the model fails: "
                                        f"{e.message} ({e.status_name})") from None
                if best is None or result.energy.total < best.energy.total:
                    best = result
        self._cache[key] = best
        return best

    def describe(self):
        e = self.memory_params
        energies = "/".join(_fmt_energy(e.get(k, _DEFAULT_ENERGY[k])) for k in ENERGY_KEYS)
        return (f"policy {self.policy}, reuse {self.reuse}, footprint {self.footprint}; "
                f"M = {e.get('capacity', 65536)} words; energies dram_read/dram_write/buf_read/"
                f"buf_write/mac = {energies}")


_DEFAULT_ENERGY = {"dram_read": 200.0, "dram_write": 200.0, "buf_read": 6.0, "buf_write": 6.0,
                   "mac": 1.0}


def _fmt_energy(value):
    return f"{value:.6g}"


def quantity(result, which):
    """The model quantity regressed on, from a Result."""
    e = result.energy
    return {"total": e.total, "data": e.dram + e.buffer, "dram": e.dram, "buffer": e.buffer}[which]


def counts(result):
    """The five counts the energies multiply: DRAM reads, DRAM writes, Buffer
    reads, Buffer writes, MACs (all tensors)."""
    return [result.dram_reads.total, result.dram_writes.total, result.buffer_reads.total,
            result.buffer_writes.total, result.macs]


# --- statistics ---------------------------------------------------------------


def ols(y, X, names):
    """Ordinary least squares of y on the columns of X and an intercept:
    {"n", "names", "coef", "se", "t", "p", "r2", "adj_r2", "f", "f_p",
    "condition", "fitted"}; names[0] is the intercept's."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, k = X.shape
    if n < k + 2:
        raise DataError(f"{n} rows: too few for a fit with {k} regressor(s) and an intercept "
                        f"(at least {k + 2})")
    design = np.column_stack([np.ones(n), X])
    fit = sm.OLS(y, design).fit()
    # The condition number of the design with its columns scaled to unit
    # length (Belsley): large values mean collinear regressors.
    scaled = design / np.linalg.norm(design, axis=0)
    sv = np.linalg.svd(scaled, compute_uv=False)
    return {
        "n": n, "names": list(names), "coef": fit.params.tolist(), "se": fit.bse.tolist(),
        "t": fit.tvalues.tolist(), "p": fit.pvalues.tolist(), "r2": float(fit.rsquared),
        "adj_r2": float(fit.rsquared_adj), "f": float(fit.fvalue), "f_p": float(fit.f_pvalue),
        "condition": float(sv[0] / sv[-1]) if sv[-1] > 0 else math.inf,
        "fitted": fit.fittedvalues.tolist(),
    }


def relative_errors(y, fitted):
    """|y - fitted| / y per row: (median, 95th percentile, max)."""
    y = np.asarray(y, dtype=float)
    rel = np.abs(y - np.asarray(fitted, dtype=float)) / y
    return {"median": float(np.median(rel)), "p95": float(np.percentile(rel, 95)),
            "max": float(np.max(rel))}


def ranks(values):
    """Ranks 1..n, ties sharing their average rank."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    out = np.empty(len(values))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[order[j + 1]] == values[order[i]]:
            j += 1
        out[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return out


#: Up to this many rows without ties, Spearman's p-value is exact (all n!
#: orderings); above, the usual t approximation.
SPEARMAN_EXACT = 8


def spearman(x, y):
    """Spearman's rank correlation and its two-sided p-value: exact (the
    share of the n! orderings of y whose |rho| is at least as large) for
    n <= 8 without ties, else the t approximation with n - 2 degrees of
    freedom (as scipy.stats.spearmanr), which is poor for tiny samples: for
    five rows in the same order it gives 1e-24, the exact value is 1/60."""
    rx, ry = ranks(x), ranks(y)
    n = len(rx)
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return {"rho": math.nan, "p": math.nan, "p_method": None}
    rho = float(np.corrcoef(rx, ry)[0, 1])
    rho = max(-1.0, min(1.0, rho))
    if n < 3:
        return {"rho": rho, "p": math.nan, "p_method": None}
    ties = len(set(rx)) < n or len(set(ry)) < n
    if n <= SPEARMAN_EXACT and not ties:
        # Without ties rho = 1 - 6 sum d^2 / (n^3 - n): count orderings by sum d^2.
        order = rx.astype(int) - 1
        target = float(np.sum((rx - ry) ** 2))
        denom = n ** 3 - n
        extreme = 0
        total = 0
        for perm in itertools.permutations(range(1, n + 1)):
            d2 = sum((order_rank + 1 - p) ** 2 for order_rank, p in zip(order, perm))
            total += 1
            if abs(1 - 6 * d2 / denom) >= abs(1 - 6 * target / denom) - 1e-12:
                extreme += 1
        return {"rho": rho, "p": extreme / total, "p_method": "exact"}
    if abs(rho) >= 1:
        return {"rho": rho, "p": 0.0, "p_method": "t"}
    t = rho * math.sqrt((n - 2) / (1 - rho * rho))
    try:
        from scipy import stats  # statsmodels' own dependency
    except ImportError:  # pragma: no cover
        return {"rho": rho, "p": math.nan, "p_method": None}
    return {"rho": rho, "p": float(2 * stats.t.sf(abs(t), n - 2)), "p_method": "t"}


def nnls(A, b, max_iter=None):
    """Non-negative least squares, min ||A x - b|| subject to x >= 0, by
    Lawson and Hanson's active-set algorithm (Solving Least Squares
    Problems, 1974, ch. 23). Returns (x, residual norm)."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    m, n = A.shape
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    tol = 10 * np.finfo(float).eps * np.linalg.norm(A, 1) * max(m, n)
    w = A.T @ (b - A @ x)
    iterations = 0
    max_iter = max_iter or 30 * n
    # A column whose own least-squares value comes out <= 0 the moment it
    # enters (possible only by rounding) is not offered again until the
    # solution changes: without this the loop could add and drop it forever.
    refused = np.zeros(n, dtype=bool)
    while True:
        candidates = ~passive & ~refused & (w > tol)
        if not candidates.any():
            break
        j = int(np.argmax(np.where(candidates, w, -np.inf)))
        passive[j] = True
        first = True
        while True:
            iterations += 1
            if iterations > max_iter:
                raise RuntimeError("nnls: no convergence")
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(A[:, passive], b, rcond=None)[0]
            if (z[passive] > 0).all():
                x = z
                refused[:] = False
                break
            if first and z[j] <= 0:
                passive[j] = False
                refused[j] = True
                break
            first = False
            bad = passive & (z <= 0)
            alpha = np.min(x[bad] / (x[bad] - z[bad]))
            x = x + alpha * (z - x)
            passive &= x > tol
            x[~passive] = 0
        w = A.T @ (b - A @ x)
    return x, float(np.linalg.norm(A @ x - b))


# --- calibration --------------------------------------------------------------


def calibrate(count_rows, measured, reference, fixed=None, weights="relative", anchor=1e-10):
    """Non-negative per-access energies that best explain the measured
    energies from the model's counts.

    count_rows: n x 5 counts (DRAM reads, DRAM writes, Buffer reads, Buffer
    writes, MACs); measured: n energies; reference: the five energies the
    counts were obtained with (their ratios anchor what the data cannot
    determine); fixed: {key: energy} held at a given value; weights:
    "relative" (minimise the squared relative errors: every row counts the
    same) or "absolute" (squared errors: large layers dominate).

    The counts are linearly dependent in the model itself: every Buffer
    write is a DRAM fill or a MAC's update (Buffer writes = DRAM reads +
    MACs) and Buffer reads = 3 MACs - |O|, so only some combinations of the
    five energies are determined by any data set. Among the energies that
    fit (almost) best, the one closest to the reference ratios is chosen:
    NNLS of the column-scaled system with a small ridge toward the
    reference (weight `anchor` times the largest squared singular value),
    which moves the fit only along directions the data do not determine
    (singular values below about sqrt(anchor) = 1e-5 of the largest). The
    result lists the directions below 1e-3 ("weak_directions"): those
    above 1e-5 are determined, but poorly (noise moves them)."""
    A = np.asarray(count_rows, dtype=float)
    y = np.asarray(measured, dtype=float)
    fixed = dict(fixed or {})
    for key in fixed:
        if key not in ENERGY_KEYS:
            raise DataError(f"--fix: unknown energy '{key}' (known: {', '.join(ENERGY_KEYS)})")
    free = [k for k in ENERGY_KEYS if k not in fixed]
    if not free:
        raise DataError("--fix: every energy is fixed, nothing to calibrate")
    idx = {k: i for i, k in enumerate(ENERGY_KEYS)}
    target = y - sum((A[:, idx[k]] * v for k, v in fixed.items()), np.zeros(len(y)))
    if weights == "relative":
        w = 1 / y
    elif weights == "absolute":
        w = np.full(len(y), 1 / np.sqrt(np.mean(y * y)))
    else:
        raise DataError(f"--weights: '{weights}' is not relative or absolute")
    Af = A[:, [idx[k] for k in free]] * w[:, None]
    bf = target * w
    # Scale each free energy by the reference, times the one factor that best
    # maps the reference model onto the data: u = 1 is then the reference.
    ref = np.array([float(reference[k]) for k in free])
    model_ref = Af @ ref
    s = float(model_ref @ bf / (model_ref @ model_ref)) if model_ref @ model_ref > 0 else 0.0
    scale = np.where(ref > 0, max(s, 0.0) * ref, 0.0)
    prior = np.where(scale > 0, 1.0, 0.0)
    for j in range(len(free)):  # a zero reference: scale by the column instead
        if scale[j] == 0:
            col = np.linalg.norm(Af[:, j])
            scale[j] = np.linalg.norm(bf) / col if col > 0 else 1.0
    As = Af * scale
    _, sv, vt = np.linalg.svd(As, full_matrices=True)
    lam = anchor * float(sv[0] ** 2)
    stacked = np.vstack([As, math.sqrt(lam) * np.eye(len(free))])
    rhs = np.concatenate([bf, math.sqrt(lam) * prior])
    u, _ = nnls(stacked, rhs)
    x_free = u * scale
    plain, plain_res = nnls(Af, bf)
    chosen_res = float(np.linalg.norm(Af @ x_free - bf))
    energies = dict(fixed)
    energies.update({k: float(v) for k, v in zip(free, x_free)})
    energies = {k: energies[k] for k in ENERGY_KEYS}
    # Directions (in the scaled energies) that the data barely determine.
    weak = []
    sv_all = np.concatenate([sv, np.zeros(len(free) - len(sv))])
    for i in range(len(free)):
        ratio = sv_all[i] / sv[0] if sv[0] > 0 else 0.0
        if ratio < 1e-3:
            v = vt[i] * scale  # x = scale * u: back to energy units, then normalise
            v = v / np.max(np.abs(v))
            terms = {k: float(c) for k, c in zip(free, v) if abs(c) > 1e-6}
            weak.append({"singular_ratio": float(ratio), "direction": terms})
    predicted = A @ np.array([energies[k] for k in ENERGY_KEYS])
    e = energies
    effective = {  # what the counts determine, by Buffer writes = DRAM reads + MACs and
        # Buffer reads = 3 MACs - |O|
        "per_dram_read_word": e["dram_read"] + e["buf_write"],
        "per_mac": 3 * e["buf_read"] + e["buf_write"] + e["mac"],
        "per_output_word": e["dram_write"] - e["buf_read"],
    }
    return {
        "energies": energies, "effective": effective, "fixed": sorted(fixed), "free": free,
        "weights": weights,
        "reference": {k: float(reference[k]) for k in ENERGY_KEYS}, "reference_scale": s,
        "anchor": anchor, "singular_values": [float(v) for v in sv],
        "weak_directions": weak,
        "residual": chosen_res, "residual_plain_nnls": plain_res,
        "plain_nnls": {k: float(v) for k, v in zip(free, plain)},
        "predicted": predicted.tolist(),
        "errors": relative_errors(y, predicted),
    }


# --- the analysis -------------------------------------------------------------


#: --components: name -> (label, the count from a Result).
COMPONENTS = {
    "dram": ("DRAM words", lambda r: r.dram_total),
    "buffer": ("Buffer accesses", lambda r: r.buffer_reads.total + r.buffer_writes.total),
    "mac": ("MACs", lambda r: r.macs),
}
#: Above this condition number the components regression's separate
#: coefficients are not determined (the regressors are collinear).
COLLINEAR = 1e6


def fit_group(x, y, macs=None, components=None, component_names=()):
    """Every figure of one group: linear and log-log OLS of y on x,
    Spearman, the relative errors after each fit; with macs, the linear
    fit on the MAC count alone (a baseline: how much the model adds to
    counting MACs); with components (n x k counts named component_names),
    their multiple regression."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = {"n": len(y)}
    lin = ols(y, x, ["intercept", "model"])
    lin["errors"] = relative_errors(y, lin["fitted"])
    log = ols(np.log(y), np.log(x), ["intercept", "log model"])
    log["errors"] = relative_errors(y, np.exp(log["fitted"]))
    out["linear"], out["loglog"] = lin, log
    out["spearman"] = spearman(x, y)
    if macs is not None and np.ptp(macs) > 0:
        base = ols(y, macs, ["intercept", "MACs"])
        out["macs_only"] = {"r2": base["r2"], "p": base["p"][1], "coef": base["coef"]}
    if components is not None:
        comp = np.asarray(components, dtype=float)
        keep = [j for j in range(comp.shape[1]) if np.ptp(comp[:, j]) > 0]
        names = list(component_names)
        if keep and len(y) >= len(keep) + 2:
            c = ols(y, comp[:, keep], ["intercept"] + [names[j] for j in keep])
            c["errors"] = relative_errors(y, c["fitted"])
            c["dropped"] = [names[j] for j in range(comp.shape[1]) if j not in keep]
            c["collinear"] = c["condition"] > COLLINEAR
            out["components"] = c
        else:
            out["components"] = {"skipped": f"{len(y)} rows, {len(keep)} varying components"}
    for part in ("linear", "loglog", "components"):
        if part in out and "fitted" in out[part]:
            out[part]["fitted"] = [float(v) for v in out[part]["fitted"]]
    return out


def groups_of(rows):
    """[(name, [row indices])] in order of first appearance, then ("(all)",
    every row); just [("(all)", every row)] when the rows have no group."""
    everything = ("(all)", list(range(len(rows))))
    if all(row.group is None for row in rows):
        return [everything]
    order, members = [], {}
    for i, row in enumerate(rows):
        if row.group not in members:
            order.append(row.group)
            members[row.group] = []
        members[row.group].append(i)
    return [(g, members[g]) for g in order] + [everything]


def analyse(rows, model, which="total", components=()):
    """Every group's fits of the measured energies on the model's;
    components: names of COMPONENTS to regress on as well."""
    results = [model.evaluate(row) for row in rows]
    x = np.array([quantity(r, which) for r in results])
    y = np.array([row.measured for row in rows])
    macs = np.array([r.macs for r in results], dtype=float)
    comp = np.array([[COMPONENTS[c][1](r) for c in components] for r in results],
                    dtype=float) if components else None
    labels = [COMPONENTS[c][0] for c in components]
    groups = []
    for name, members in groups_of(rows):
        entry = {"group": name, "n": len(members)}
        try:
            entry.update(fit_group(x[members], y[members], macs[members],
                                   comp[members] if comp is not None else None, labels))
        except DataError as e:
            entry["skipped"] = str(e)
        groups.append(entry)
    return {"x": x.tolist(), "y": y.tolist(), "results": results, "groups": groups}


# --- output -------------------------------------------------------------------


def _g(v, digits=4):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "nan"
    return f"{v:.{digits}g}"


def _p(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "nan"
    return f"{v:.2e}" if v < 1e-3 else f"{v:.4f}"


def _coef_table(fit, out):
    out.append(f"      {'term':<18} {'coef':>12} {'std err':>11} {'t':>9} {'p':>10}")
    for name, c, se, t, p in zip(fit["names"], fit["coef"], fit["se"], fit["t"], fit["p"]):
        out.append(f"      {name:<18} {_g(c, 6):>12} {_g(se, 4):>11} {_g(t, 4):>9} {_p(p):>10}")


def report_text(header, analysis, calibration=None, calibrated=None):
    out = list(header)
    for entry in analysis["groups"]:
        out.append("")
        out.append(f"== {entry['group']} (n = {entry['n']})")
        if "skipped" in entry:
            out.append(f"   skipped: {entry['skipped']}")
            continue
        lin, log = entry["linear"], entry["loglog"]
        out.append(f"   linear:  measured = a + b * model      R^2 = {lin['r2']:.4f} "
                   f"(adj {lin['adj_r2']:.4f}), F p = {_p(lin['f_p'])}")
        _coef_table(lin, out)
        out.append(f"      relative error after the fit: median {lin['errors']['median']:.2%}, "
                   f"95th percentile {lin['errors']['p95']:.2%}, max {lin['errors']['max']:.2%}")
        out.append(f"   log-log: log measured = a + b * log model   R^2 = {log['r2']:.4f}, "
                   f"F p = {_p(log['f_p'])}")
        _coef_table(log, out)
        out.append(f"      relative error after the fit: median {log['errors']['median']:.2%}, "
                   f"95th percentile {log['errors']['p95']:.2%}, max {log['errors']['max']:.2%}")
        sp = entry["spearman"]
        how = {"exact": " (exact)", "t": " (t approximation)"}.get(sp["p_method"], "")
        out.append(f"   Spearman rank correlation: rho = {_g(sp['rho'], 4)}, p = {_p(sp['p'])}{how}")
        if "macs_only" in entry:
            out.append(f"   baseline, measured = a + b * MACs: R^2 = {entry['macs_only']['r2']:.4f}")
        comp = entry.get("components")
        if comp:
            if "skipped" in comp:
                out.append(f"   components: skipped ({comp['skipped']})")
            else:
                terms = " + ".join(f"b{i} {n}" for i, n in enumerate(comp["names"][1:], 1))
                out.append(f"   components: measured = a + {terms}   R^2 = {comp['r2']:.4f}, "
                           f"F p = {_p(comp['f_p'])}, condition number {comp['condition']:.3g}")
                _coef_table(comp, out)
                if comp["collinear"]:
                    out.append("      the components are collinear in this group (condition "
                               f"number > {COLLINEAR:.0e}): their separate coefficients, t and p "
                               "are not determined")
                if comp["dropped"]:
                    out.append(f"      constant in this group, left out: {', '.join(comp['dropped'])}")
    if calibration is not None:
        out.append("")
        out.append("== calibration (non-negative least squares, "
                   f"{calibration['weights']} errors, over all {len(calibration['predicted'])} "
                   "rows)")
        for k in ENERGY_KEYS:
            mark = " (fixed)" if k in calibration["fixed"] else ""
            out.append(f"   {k:<11} = {calibration['energies'][k]:.6g}{mark}")
        eff = calibration["effective"]
        out.append(f"   determined by any data (docs/validation.md): per word read from DRAM "
                   f"(dram_read + buf_write) {eff['per_dram_read_word']:.6g}, per MAC (3 buf_read "
                   f"+ buf_write + mac) {eff['per_mac']:.6g}, per output word written back "
                   f"without a spill (dram_write - buf_read) {eff['per_output_word']:.6g}")
        e = calibration["errors"]
        out.append(f"   relative error of the calibrated energies (no further fit): median "
                   f"{e['median']:.2%}, 95th percentile {e['p95']:.2%}, max {e['max']:.2%}")
        if calibration["weak_directions"]:
            out.append("   combinations the data leave undetermined (singular value ratio below "
                       "1e-5: the reference ratios decide them) or poorly determined (below 1e-3):")
            for weak in calibration["weak_directions"]:
                terms = " ".join(f"{c:+.3g} {k}" for k, c in weak["direction"].items())
                out.append(f"      {terms}   (singular value ratio {weak['singular_ratio']:.1e})")
        if calibrated is not None:
            out.append("   re-evaluated with the calibrated energies (the dataflow is chosen "
                       "again):")
            for entry in calibrated["groups"]:
                if "skipped" in entry:
                    continue
                out.append(f"      {str(entry['group']):<10} n = {entry['n']:<4} R^2 = "
                           f"{entry['linear']['r2']:.4f}  p = {_p(entry['linear']['p'][1])}  "
                           f"log-log R^2 = {entry['loglog']['r2']:.4f}")
    return "\n".join(out) + "\n"


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (np.floating, np.integer)):
        return _jsonable(value.item())
    return value


def report_json(meta, analysis, calibration=None, calibrated=None):
    def strip(a):
        groups = []
        for g in a["groups"]:
            g = dict(g)
            for part in ("linear", "loglog", "components"):
                if part in g and isinstance(g[part], dict):
                    g[part] = {k: v for k, v in g[part].items() if k != "fitted"}
            groups.append(g)
        return groups
    doc = dict(meta)
    doc["model"] = analysis["x"]
    doc["measured"] = analysis["y"]
    doc["groups"] = strip(analysis)
    if calibration is not None:
        doc["calibration"] = calibration
    if calibrated is not None:
        doc["calibrated"] = {"model": calibrated["x"], "groups": strip(calibrated)}
    return json.dumps(_jsonable(doc), indent=1) + "\n"


def plot(path, rows, analysis, xlabel, ylabel, title=None, identity=False):
    """Measured against the model's energy, log scales, one colour and one
    fitted line (the linear OLS) per group; identity: also the line
    measured = model (for a model in the measured unit, e.g. calibrated)."""
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover
        raise DataError(f"--plot needs matplotlib ({e}); on Debian: apt-get install "
                        "python3-matplotlib") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "ecnn.fit"  # reproducible ids
    matplotlib.rcParams["svg.fonttype"] = "none"      # text stays text
    import matplotlib.pyplot as plt

    x = np.array(analysis["x"])
    y = np.array(analysis["y"])
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    entries = [g for g in analysis["groups"] if g["group"] != "(all)"] or analysis["groups"]
    markers = "os^Dvp*h"
    members_of = dict(groups_of(rows))
    for i, entry in enumerate(entries):
        members = members_of[entry["group"]]
        label = "all rows" if entry["group"] in (None, "(all)") else str(entry["group"])
        if "linear" in entry:
            label += f": R² = {entry['linear']['r2']:.3f}, n = {entry['n']}"
        points = ax.scatter(x[members], y[members], s=18, marker=markers[i % len(markers)],
                            label=label, alpha=0.8)
        if "linear" in entry:
            a, b = entry["linear"]["coef"]
            lo, hi = x[members].min(), x[members].max()
            grid = np.geomspace(lo, hi, 100) if hi > lo else np.array([lo])
            fitted = a + b * grid
            ok = fitted > 0
            ax.plot(grid[ok], fitted[ok], color=points.get_facecolor()[0][:3], linewidth=1)
    if identity:
        lo = min(x.min(), y.min())
        hi = max(x.max(), y.max())
        ax.plot([lo, hi], [lo, hi], linestyle="--", color="0.5", linewidth=0.8,
                label="measured = model")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    ax.legend(fontsize="small", title="lines: measured = a + b · model",
              title_fontsize="small")
    fig.tight_layout()
    ext = os.path.splitext(path)[1].lower().lstrip(".") or "svg"
    fig.savefig(path, format=ext, metadata={"Date": None} if ext in ("svg", "pdf") else None)
    plt.close(fig)


# --- command line -------------------------------------------------------------


def _energy_arg(text):
    try:
        return memfile.parse_energy(text, "energy")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _word_bytes_arg(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below the minimum 1")
    return value


def _fix_arg(text):
    key, sep, value = text.partition("=")
    key = key.strip().lower()
    if not sep or key not in ENERGY_KEYS:
        raise argparse.ArgumentTypeError(f"'{text}' is not KEY=VALUE with KEY one of "
                                         f"{', '.join(ENERGY_KEYS)}")
    return key, _energy_arg(value.strip())


def parser():
    p = argparse.ArgumentParser(
        prog="python3 -m ecnn.fit",
        description="Fits measured energies of convolutional layers to the energy complexity "
                    "model (docs/validation.md).")
    p.add_argument("csv", help="CSV file, one layer a row: columns C K R S P Q (and N G Hstride "
                   "Wstride Hdilation Wdilation, default 1; no padding) and the measured energy")
    p.add_argument("--measured", required=True, metavar="COLUMN",
                   help="the column of measured energies, e.g. timeloop_data_pJ")
    p.add_argument("--group-by", metavar="COLUMN",
                   help="fit each value of this column separately (e.g. sweep), and all rows")
    p.add_argument("--quantity", choices=sorted(QUANTITIES), default="total",
                   help="the model quantity regressed on (default total: the model's energy)")
    p.add_argument("--components", nargs="?", const="dram,buffer,mac", metavar="LIST",
                   help="also regress on the model's components: a comma list of dram (DRAM "
                        "words), buffer (Buffer accesses), mac (MACs); default all three")
    d = p.add_argument_group("dataflow")
    d.add_argument("--policy", default="optimal", metavar="P",
                   help="optimal (default: the minimum-energy dataflow over all loop orders), "
                        "best (the best of os, ws, is), os, ws, is, or an 8-letter loop order")
    d.add_argument("--reuse", choices=("slide", "refetch"), default="slide")
    d.add_argument("--footprint", choices=("exact", "bbox"), default="exact")
    m = p.add_argument_group("memory (default: a shared Buffer of 65536 words, DRAM 200, Buffer "
                             "6, MAC 1; flags override the file key by key)")
    m.add_argument("--memory", metavar="FILE", help="a memory description file (key = value)")
    m.add_argument("--capacity", "-M", metavar="SIZE", help="Buffer capacity, e.g. 65536 or 64Ki")
    m.add_argument("--word-bytes", type=_word_bytes_arg, metavar="N",
                   help="bytes per word, to read sizes given in bytes (128KiB)")
    m.add_argument("--partition", metavar="I,W,O",
                   help="a partitioned Buffer (or --partition-i, -w, -o SIZE)")
    for t in "iwo":
        m.add_argument(f"--partition-{t}", metavar="SIZE", help=argparse.SUPPRESS)
    m.add_argument("--choose-partition", action="store_true",
                   help="partition the capacity the cheapest way")
    helps = {"dram_read": "energy of one word read from DRAM",
             "dram_write": "energy of one word written to DRAM",
             "buf_read": "energy of one word read from the Buffer",
             "buf_write": "energy of one word written to the Buffer",
             "mac": "energy of one MAC"}
    for key in ENERGY_KEYS:
        m.add_argument("--" + key.replace("_", "-"), dest=key, type=_energy_arg, metavar="E",
                       help=helps[key])
    o = p.add_argument_group("output")
    o.add_argument("--format", choices=("text", "json"), default="text")
    o.add_argument("--plot", metavar="FILE.svg",
                   help="measured against the model, log scales (SVG; .png or .pdf by the name)")
    o.add_argument("--title", help="the plot's title")
    o.add_argument("--identity", action="store_true",
                   help="draw the line measured = model too (when the model's energies are in "
                        "the measured unit, e.g. calibrated)")
    c = p.add_argument_group("calibration")
    c.add_argument("--calibrate", metavar="FILE",
                   help="fit the five per-access energies (non-negative least squares) and write "
                        "them as a memory description file")
    c.add_argument("--fix", action="append", type=_fix_arg, default=[], metavar="KEY=E",
                   help="hold an energy at a value while calibrating (repeatable), e.g. mac=0 "
                        "when the measured energy leaves out the arithmetic")
    c.add_argument("--weights", choices=("relative", "absolute"), default="relative",
                   help="minimise squared relative errors (default) or squared errors")
    return p


def _policy(text):
    low = text.lower()
    if low in POLICIES:
        return low
    if len(text) == 8 and sorted(text.upper()) == sorted("NGKCPQRS"):
        return text.upper()
    raise DataError(f"--policy: '{text}' is not one of {', '.join(POLICIES)} or an 8-letter "
                    "loop order such as NGKPQCRS")


def run(argv=None, stdout=None):
    """The command; returns the exit status (0 fine, 1 bad input, 2 usage)."""
    stdout = stdout or sys.stdout
    args = parser().parse_args(argv)
    policy = _policy(args.policy)
    params = memory_params(args)
    make_memory(params).close()  # refuse a bad memory before any work
    rows = read_csv(args.csv, args.measured, args.group_by)
    model = Model(params, policy, args.reuse, args.footprint)
    components = ()
    if args.components:
        components = tuple(c.strip().lower() for c in args.components.split(",") if c.strip())
        unknown = [c for c in components if c not in COMPONENTS]
        if unknown or not components:
            raise DataError(f"--components: '{args.components}' is not a comma list of "
                            f"{', '.join(COMPONENTS)}")
    analysis = analyse(rows, model, args.quantity, components)
    header = [
        f"data: {args.csv}, {len(rows)} rows; measured: {args.measured}"
        + (f"; grouped by {args.group_by}" if args.group_by else ""),
        f"model: {QUANTITIES[args.quantity]}; {model.describe()}",
    ]
    meta = {"csv": args.csv, "rows": len(rows), "measured_column": args.measured,
            "group_by": args.group_by, "quantity": args.quantity, "policy": policy,
            "reuse": args.reuse, "footprint": args.footprint, "memory": params,
            "orders": [r.order for r in analysis["results"]]}
    calibration = calibrated = None
    if args.calibrate:
        reference = {k: params.get(k, _DEFAULT_ENERGY[k]) for k in ENERGY_KEYS}
        calibration = calibrate([counts(r) for r in analysis["results"]],
                                [row.measured for row in rows], reference, dict(args.fix),
                                args.weights)
        new_params = dict(params)
        new_params.update(calibration["energies"])
        calibrated = analyse(rows, Model(new_params, policy, args.reuse, args.footprint),
                             "total")
        comments = [
            "Per-access energies calibrated by python3 -m ecnn.fit (docs/validation.md):",
            f"non-negative least squares of {args.measured} in {os.path.basename(args.csv)}",
            f"({len(rows)} rows, {args.weights} errors) against the model's counts;",
            f"dataflow: {policy}, reuse {args.reuse}, footprint {args.footprint}.",
        ]
        if calibration["fixed"]:
            comments.append("held fixed: " + ", ".join(calibration["fixed"]))
        comments.append("relative error: median {:.2%}, 95th percentile {:.2%}".format(
            calibration["errors"]["median"], calibration["errors"]["p95"]))
        for weak in calibration["weak_directions"]:
            how = ("not determined by the data (reference ratios kept)"
                   if weak["singular_ratio"] < 1e-5 else "poorly determined by the data")
            comments.append(how + ": " + " ".join(f"{c:+.3g} {k}"
                                                  for k, c in weak["direction"].items()))
        out_params = {k: v for k, v in params.items()
                      if k in ("capacity", "partition_I", "partition_W", "partition_O",
                               "choose_partition")}
        out_params.setdefault("capacity", 65536)
        out_params.update(calibration["energies"])
        memfile.write(args.calibrate, out_params, comments)
        header.append(f"calibrated energies written to {args.calibrate}")
    if args.plot:
        e = {k: float(params.get(k, _DEFAULT_ENERGY[k])) for k in ENERGY_KEYS}
        xlabel = (f"model {QUANTITIES[args.quantity]}, policy {policy}\n"
                  f"(per word: DRAM {e['dram_read']:.3g}/{e['dram_write']:.3g}, Buffer "
                  f"{e['buf_read']:.3g}/{e['buf_write']:.3g} read/write, MAC {e['mac']:.3g})")
        plot(args.plot, rows, analysis, xlabel, f"measured: {args.measured}", args.title,
             args.identity)
        header.append(f"plot written to {args.plot}")
    if args.format == "json":
        stdout.write(report_json(meta, analysis, calibration, calibrated))
    else:
        stdout.write(report_text(header, analysis, calibration, calibrated))
    return 0


def main(argv=None):
    try:
        return run(argv)
    except DataError as e:
        print(f"ecnn.fit: {e}", file=sys.stderr)
        return 1
    except EcnnError as e:  # pragma: no cover (read_csv and Model report these)
        print(f"ecnn.fit: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
