"""Calibration of the five per-access energies from measured energies
(docs/validation.md, "Calibration"): non-negative least squares anchored
to the reference ratios, and what it must warn about."""
import math

import numpy as np

from .data import DataError
from .model import ENERGY_KEYS
from .stats import nnls, relative_errors

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


def calibration_warnings(calibration):
    """What a reader must not miss in a calibration: energies pinned at the
    bound 0 of the non-negative constraint (the unconstrained fit wanted
    them negative, so the others absorb the difference), and determined
    combinations that come out negative. [(code, message)]."""
    out = []
    for key in calibration["free"]:
        if calibration["energies"][key] == 0:
            out.append(("nnls-bound",
                        f"calibration: {key} is at the bound 0 of the non-negative constraint: "
                        "the data pull it below 0, so the other energies absorb its share; "
                        "the fit is not a minimum of the unconstrained least squares (refit "
                        f"with --fix {key}=VALUE, or check the counts against the measurement)"))
    names = {"per_dram_read_word": "per word read from DRAM (dram_read + buf_write)",
             "per_mac": "per MAC (3 buf_read + buf_write + mac)",
             "per_output_word": "per output word written back (dram_write - buf_read)"}
    for key, value in calibration["effective"].items():
        if value < 0:
            out.append(("negative-coefficient",
                        f"calibration: the energy {names[key]} is {value:.4g} < 0: an access "
                        "that saves energy; this combination is not physical"))
    return out
